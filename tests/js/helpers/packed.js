// What a user installs: `npm pack` of this repository, installed into a
// scratch project in the OS temp folder (outside the repository, so nothing
// resolves through the repository's own files or node_modules by accident),
// and the tools the packaging suites run on it.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'tests', 'packaging');
const modules = path.join(ROOT, 'node_modules');
// Tools from the repository's dev dependencies, as [command, ...arguments]
// (esbuild's bin is its native executable once installed).
const BIN = {
  tsc: [process.execPath, path.join(modules, 'typescript', 'bin', 'tsc')],
  esbuild: [path.join(modules, 'esbuild', 'bin', 'esbuild')],
  vite: [process.execPath, path.join(modules, 'vite', 'bin', 'vite.js')],
  webpack: [process.execPath, path.join(modules, 'webpack-cli', 'bin', 'cli.js')],
  wrangler: [process.execPath, path.join(modules, 'wrangler', 'bin', 'wrangler.js')],
  deno: [path.join(modules, '.bin', 'deno')],
  bun: [path.join(modules, '.bin', 'bun')],
};

function run(command, args, options = {}) {
  return execFileSync(command, args, {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
    ...options,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', ...options.env },
  });
}

// Runs a BIN tool and returns stdout; on failure the error carries its output.
function runTool([command, ...first], args, options = {}) {
  try {
    return run(command, [...first, ...args], options);
  } catch (error) {
    error.message += `\n--- stdout\n${error.stdout}\n--- stderr\n${error.stderr}`;
    throw error;
  }
}

// Runs node with `args` (a script and its arguments, or flags).
function runNode(args, options) {
  return runTool([process.execPath], args, options);
}

/** `npm pack` into `dir`; returns { dir, tarball, files }. */
function pack(dir) {
  // prepack may build first and print to stdout; npm's JSON report comes last.
  const out = run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
  const [info] = JSON.parse(out.slice(out.search(/^\[$/m)));
  return { dir, tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path).sort() };
}

/** In `dir`: the tarball, and base/, a project with it installed (no fixtures yet). */
function packAndInstall(dir) {
  const packed = pack(dir);
  const base = path.join(dir, 'base');
  fs.mkdirSync(base);
  fs.writeFileSync(path.join(base, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--loglevel=error', packed.tarball], { cwd: base });
  return { ...packed, base };
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// One pack and one install per Jest run. The global setup (global-setup.js
// here) names an empty folder in FERNET_WASM_PACK_DIR; the first
// suite that needs the package packs and installs there, under a lock any
// parallel worker waits on, and later suites reuse it (the global teardown
// removes it). Nothing is packed in a run that needs no package. A suite run
// without that setup packs into a folder of its own.
function shared() {
  const dir = process.env.FERNET_WASM_PACK_DIR;
  if (!dir) return { ...packAndInstall(fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-wasm-pack-'))), own: true };
  const done = path.join(dir, 'packed.json');
  const failed = path.join(dir, 'failed.txt');
  let mine = false;
  try {
    fs.mkdirSync(path.join(dir, 'lock'));
    mine = true;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  if (mine) {
    try {
      fs.writeFileSync(done, JSON.stringify(packAndInstall(dir)));
    } catch (error) {
      fs.writeFileSync(failed, String(error.message));
      throw error;
    }
  }
  for (let waited = 0; !fs.existsSync(done); waited += 250) {
    if (fs.existsSync(failed)) throw new Error(`packing failed in another suite:\n${fs.readFileSync(failed, 'utf8')}`);
    if (waited > 300_000) throw new Error(`no package in ${dir} after 5 minutes`);
    sleep(250);
  }
  return { ...JSON.parse(fs.readFileSync(done, 'utf8')), own: false };
}

/**
 * What a user installs: the packed tarball (once per run), and a scratch
 * project of this suite's own, outside the repository, with the tarball
 * installed as a dependency and the given fixture folders (under
 * tests/packaging/) copied in. Returns { tarball, files, project, close() }.
 */
function packedProject(fixtures = []) {
  const packed = shared();
  // Beside base/, so the dependency's relative file: path still names the tarball.
  const project = fs.mkdtempSync(path.join(packed.dir, 'user-'));
  fs.cpSync(packed.base, project, { recursive: true, verbatimSymlinks: true });
  for (const name of fixtures) fs.cpSync(path.join(FIXTURES, name), project, { recursive: true });
  return {
    tarball: packed.tarball,
    files: packed.files,
    project,
    close: () => remove(project, packed.own ? packed.dir : null),
  };
}

function remove(...dirs) {
  for (const dir of dirs) if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = { ROOT, FIXTURES, BIN, packedProject, runTool, runNode, remove };
