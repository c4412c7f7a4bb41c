// The npm tarball as a browser user gets it: the same app (tests/packaging/app:
// a page plus a module Web Worker) bundled with no configuration by esbuild,
// Vite (build and dev server) and webpack 5, and loaded as plain ES modules.
// Each runs in real headless Chromium; every built page is served with the
// strict CSP `script-src 'self' 'wasm-unsafe-eval'` and fails on any
// violation; every token the page or worker makes must decrypt in Python.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { BIN, packedProject, runTool } = require('./helpers/packed');
const { launch, serve } = require('./helpers/chromium');
const { pythonParams, pythonReader } = require('./helpers/python-roundtrip');

const CSP = "script-src 'self' 'wasm-unsafe-eval'";
const MESSAGE = 'from the browser: Grüße, 你好 🔐';
// Node built-ins a browser bundle must never contain.
// A page that loads `script`; the empty icon spares a favicon 404 in the console.
const html = (script) => `<!doctype html><link rel="icon" href="data:,">${script}`;
const NODE_ONLY = /\brequire\(["'](?:node:)?(?:fs|path|crypto|url|module|worker_threads)["']\)|from ["']node:/;

let packed;
let project;
let browser;
const servers = [];
let viteDev;
let params;
let python;

beforeAll(async () => {
  packed = packedProject(['app']);
  ({ project } = packed);
  params = pythonParams(MESSAGE);
  python = pythonReader(params);
  browser = await launch();
}, 120000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  if (viteDev) viteDev.kill();
  python?.close();
  packed?.close();
});

// Serves `dir` under the strict CSP and returns its base URL.
async function serveStrict(dir) {
  const server = await serve(dir, { 'Content-Security-Policy': CSP });
  servers.push(server);
  return server.url;
}

// Opens `url` with the test's parameters and returns what the page and its
// worker report, plus every CSP violation and console error seen.
async function openApp(url, initScript) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.addInitScript(() => {
    globalThis.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      globalThis.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  if (initScript) await page.addInitScript(initScript);
  try {
    await page.goto(`${url}#${encodeURIComponent(JSON.stringify(params))}`);
    await page.waitForFunction(() => globalThis.fernetResult, null, { timeout: 30000 }).catch((error) => {
      throw new Error(`${error.message}\n${problems.join('\n')}`);
    });
    const { result, violations, resizable } = await page.evaluate(() => (
      { result: globalThis.fernetResult, violations: globalThis.cspViolations, resizable: globalThis.madeResizable }));
    return { result, violations, problems, resizable };
  } finally {
    await page.close();
  }
}

// The page and its worker work, and Python decrypts the token each made.
async function expectWorks(url, initScript) {
  const { result, violations, problems, resizable } = await openApp(url, initScript);
  expect(result.error).toBeUndefined();
  expect(violations).toEqual([]);
  expect(problems).toEqual([]);
  expect(result.page).toMatchObject({ decrypted: MESSAGE, forgedRejected: true, hasWindow: true });
  expect(result.worker).toMatchObject({ decrypted: MESSAGE, forgedRejected: true, hasWindow: false, violations: [] });
  const tokens = [result.page.token, result.worker.token];
  for (const readings of await python.read(tokens)) expect(readings).toEqual([MESSAGE, MESSAGE]);
  return { resizable };
}

function jsFiles(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => path.join(dir, f));
}

function expectBrowserSafe(dir) {
  const files = jsFiles(dir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) expect(fs.readFileSync(file, 'utf8')).not.toMatch(NODE_ONLY);
}

test('the CSP check is live: a page that evaluates a string is caught', async () => {
  const dir = path.join(project, 'csp-canary');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'index.html'), html('<script src="canary.js"></script>'));
  fs.writeFileSync(path.join(dir, 'canary.js'),
    "try { new Function('return 1')(); } catch {}\nglobalThis.fernetResult = { page: {}, worker: {} };\n");
  const { violations } = await openApp(await serveStrict(dir));
  expect(violations.join('\n')).toMatch(/script-src/);
});

// The app as plain ES modules in `name`/, importing the file the package exports.
function plainPage(name) {
  // No bundler and no import map (an inline import map would itself break the CSP):
  // the app's imports point at the file the package exports.
  const dir = path.join(project, name);
  fs.mkdirSync(dir);
  for (const file of fs.readdirSync(path.join(project, 'src'))) {
    const source = fs.readFileSync(path.join(project, 'src', file), 'utf8');
    fs.writeFileSync(path.join(dir, file), source.replaceAll("from 'fernet-wasm';", "from '../node_modules/fernet-wasm/dist/fernet.mjs';"));
  }
  fs.writeFileSync(path.join(dir, 'index.html'), html('<script type="module" src="index.js"></script>'));
}

test('plain <script type="module"> page importing the installed file, under strict CSP', async () => {
  plainPage('plain');
  await expectWorks(`${await serveStrict(project)}/plain/`);
});

test('a wasm memory switched to a resizable buffer, as newer Emscripten glue does, still works', async () => {
  // Chromium's TextDecoder and TextEncoder refuse views of a resizable buffer;
  // here every instance's memory is made resizable as soon as it exists.
  plainPage('plain-resizable');
  const makeResizable = () => {
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = async function resizing(...args) {
      const result = await instantiate.apply(this, args);
      const instance = result instanceof WebAssembly.Instance ? result : result.instance;
      for (const value of Object.values(instance.exports)) {
        if (value instanceof WebAssembly.Memory) globalThis.madeResizable = value.toResizableBuffer().resizable;
      }
      return result;
    };
  };
  const { resizable } = await expectWorks(`${await serveStrict(project)}/plain-resizable/`, makeResizable);
  expect(resizable).toBe(true);
});

test('esbuild bundle (page + worker), under strict CSP', async () => {
  const out = path.join(project, 'out-esbuild');
  runTool(BIN.esbuild, ['src/index.js', 'src/worker.js', '--bundle', '--format=esm', '--minify',
    `--outdir=${out}`], { cwd: project });
  fs.writeFileSync(path.join(out, 'index.html'), html('<script type="module" src="index.js"></script>'));
  expectBrowserSafe(out);
  await expectWorks(await serveStrict(out));
});

test('Vite production build (index.html as entry), under strict CSP', async () => {
  runTool(BIN.vite, ['build', '--logLevel', 'warn'], { cwd: project });
  const out = path.join(project, 'out-vite');
  fs.renameSync(path.join(project, 'dist'), out);
  expectBrowserSafe(out);
  await expectWorks(await serveStrict(out));
});

test('webpack 5 with no config file (src/index.js -> dist/), under strict CSP', async () => {
  runTool(BIN.webpack, ['--mode', 'production'], { cwd: project });
  const out = path.join(project, 'out-webpack');
  fs.renameSync(path.join(project, 'dist'), out);
  fs.writeFileSync(path.join(out, 'index.html'), html('<script src="main.js"></script>'));
  expectBrowserSafe(out);
  await expectWorks(await serveStrict(out));
});

test('Vite dev server', async () => {
  const port = await freePort();
  const [command, ...first] = BIN.vite;
  viteDev = spawn(command, [...first, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`vite dev did not start:\n${output}`)), 30000);
    const onData = (chunk) => {
      // Colour codes (Vite colours its output under CI=true) would split the URL.
      output += String(chunk).replace(/\x1b\[[0-9;]*m/g, '');
      if (output.includes(`127.0.0.1:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    viteDev.stdout.on('data', onData);
    viteDev.stderr.on('data', onData);
    viteDev.on('exit', (code) => reject(new Error(`vite dev exited (${code}):\n${output}`)));
  });
  try {
    await expectWorks(`http://127.0.0.1:${port}/`);
  } finally {
    viteDev.kill(); // no server left running under the tests that follow
  }
});

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
