// The npm tarball in the other JavaScript runtimes, all from the npm
// registry as dev dependencies: Deno (from node_modules, and through an
// npm: specifier served by a local registry), Bun, and a Cloudflare Worker
// bundled by wrangler and run on workerd by Miniflare. Also ready(wasm) with
// the shipped .wasm, for hosts that load code their own way. Each run
// decrypts a token Python made, and Python decrypts the token each made.
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { ROOT, FIXTURES, BIN, packedProject, runTool, runNode, remove } = require('./helpers/packed');
const { pythonParams, pythonReader } = require('./helpers/python-roundtrip');

const MESSAGE = 'from another runtime: Grüße, 你好 🔐';

let packed;
let project;
let params;
let paramsJson;
let python;
const temp = [];

beforeAll(() => {
  packed = packedProject(['app', 'node', 'workerd']);
  ({ project } = packed);
  params = pythonParams(MESSAGE);
  paramsJson = JSON.stringify(params);
  python = pythonReader(params);
});

afterAll(() => {
  python?.close();
  packed?.close();
  remove(...temp);
});

function tempDir(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fernet-wasm-${name}-`));
  temp.push(dir);
  return dir;
}

// The runtime decrypted Python's token, refused a forged one, and Python decrypts the token it made.
async function expectRoundTrip(result) {
  expect(result).toMatchObject({ decrypted: MESSAGE, forgedRejected: true });
  for (const readings of await python.read([result.token])) expect(readings).toEqual([MESSAGE]);
}

// Deno keeps its npm cache in DENO_DIR: a fresh one per run, so nothing comes from an earlier run.
function denoEnv(extra = {}) {
  return { DENO_DIR: tempDir('deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', ...extra };
}

test.each(['module', 'arraybuffer', 'uint8array'])('ready(%s) loads the shipped fernet_core.wasm', (form) => {
  const result = JSON.parse(runNode([path.join(project, 'ready-wasm.mjs'), form], { cwd: project }));
  expect(result).toEqual({ brokenError: 'CompileError', decrypted: 'loaded my way' });
});

test('Deno runs the package from node_modules', async () => {
  const out = runTool(BIN.deno, ['run', '--no-prompt', 'check.mjs', paramsJson], { cwd: project, env: denoEnv() });
  await expectRoundTrip(JSON.parse(out));
});

test('Deno runs the package through an npm: specifier (tarball served by a local registry)', async () => {
  const registry = await serveRegistry(packed.tarball);
  try {
    const dir = tempDir('deno-npm');
    fs.cpSync(path.join(FIXTURES, 'deno-npm'), dir, { recursive: true });
    fs.cpSync(path.join(FIXTURES, 'app', 'src'), path.join(dir, 'src'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'node', 'check.mjs'), path.join(dir, 'check.mjs'));
    const out = await runToolAsync(BIN.deno, ['run', '--no-prompt', 'check.mjs', paramsJson],
      { cwd: dir, env: denoEnv({ NPM_CONFIG_REGISTRY: registry.url }) });
    await expectRoundTrip(JSON.parse(out));
    // Deno really fetched the package from our registry, not from anywhere else.
    expect(registry.requests).toContain('/fernet-wasm');
    expect(registry.requests.some((r) => r.endsWith('.tgz'))).toBe(true);
  } finally {
    await registry.close();
  }
});

test('Bun runs the package from node_modules', async () => {
  // A throw-away HOME: Bun keeps caches there.
  const out = runTool(BIN.bun, ['check.mjs', paramsJson], { cwd: project, env: { HOME: tempDir('bun-home') } });
  await expectRoundTrip(JSON.parse(out));
});

test('a Worker bundled by wrangler runs on workerd (Miniflare), which refuses wasm from bytes', async () => {
  const outdir = path.join(project, 'out-wrangler');
  runTool(BIN.wrangler, ['deploy', '--dry-run', '--outdir', outdir], {
    cwd: project,
    // A throw-away HOME: wrangler writes its settings and logs there.
    env: { WRANGLER_SEND_METRICS: 'false', HOME: tempDir('wrangler-home'), CI: 'true' },
  });
  // The workerd condition chose the entry that imports the wasm as a module.
  const bundle = fs.readFileSync(path.join(outdir, 'worker.js'), 'utf8');
  expect(bundle).toMatch(/import \w+ from "\.\/\w+-fernet_core\.wasm"/);
  const out = runNode([path.join(project, 'run-miniflare.mjs'), outdir, paramsJson],
    { cwd: project, env: { MINIFLARE: require.resolve('miniflare') } });
  const { roundTrip, compileBytes } = JSON.parse(out);
  expect(compileBytes).toEqual({ compiled: false, error: expect.stringMatching(/disallowed by embedder/) });
  expect(roundTrip.hasWindow).toBe(false);
  await expectRoundTrip(roundTrip);
});

// The registry runs in this process, so the client must run asynchronously.
function runToolAsync([command, ...first], args, options) {
  const { execFile } = require('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(command, [...first, ...args], { ...options, env: { ...process.env, ...options.env } },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
  });
}

// A minimal npm registry on 127.0.0.1 that knows one package: the tarball.
function serveRegistry(tarball) {
  const data = fs.readFileSync(tarball);
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const requests = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url);
    const base = `http://127.0.0.1:${server.address().port}`;
    const file = `/fernet-wasm/-/${path.basename(tarball)}`;
    if (request.url === '/fernet-wasm') {
      const version = {
        name: manifest.name, version: manifest.version, exports: manifest.exports, main: manifest.main,
        dist: {
          tarball: base + file,
          shasum: crypto.createHash('sha1').update(data).digest('hex'),
          integrity: `sha512-${crypto.createHash('sha512').update(data).digest('base64')}`,
        },
      };
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({
        name: manifest.name, 'dist-tags': { latest: manifest.version }, versions: { [manifest.version]: version },
      }));
    } else if (request.url === file) {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(data);
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/`,
      requests,
      close: () => new Promise((done) => server.close(done)),
    }));
  });
}
