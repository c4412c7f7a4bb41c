// What a user installs: `npm pack` of this repository, installed into a
// scratch project in the OS temp folder (outside the repository, so nothing
// resolves through the repository's own files or node_modules by accident).
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

/** `npm pack` into a fresh temp folder; returns { dir, tarball, files }. */
function pack() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-wasm-pack-'));
  // prepack may build first and print to stdout; npm's JSON report comes last.
  const out = run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
  const [info] = JSON.parse(out.slice(out.search(/^\[$/m)));
  return { dir, tarball: path.join(dir, info.filename), files: info.files.map((f) => f.path).sort() };
}

/**
 * A scratch project in os.tmpdir() with the tarball installed as a dependency
 * and the given fixture folders (under tests/packaging/) copied in.
 */
function scratchProject(tarball, fixtures = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-wasm-user-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  for (const name of fixtures) fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  run('npm', ['install', '--offline', '--loglevel=error', tarball], { cwd: dir });
  return dir;
}

function remove(...dirs) {
  for (const dir of dirs) if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = { ROOT, FIXTURES, BIN, pack, scratchProject, runTool, runNode, remove };
