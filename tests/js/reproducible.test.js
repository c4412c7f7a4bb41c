// Reproducible dist/: two clean clones of HEAD, in different folders (of
// different path lengths, so an embedded path would show), build byte-identical
// dist/ files; and `npm run verify-dist` says so for a faithful package and
// names the file that a tampered package changed. Full tier only: it runs the
// real build (Emscripten) twice.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const MBEDTLS = process.env.MBEDTLS_SOURCE_DIR ?? path.join(ROOT, 'third_party', 'mbedtls-3.6.6');
const HEAD = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const scratch = [];

function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A clean clone of HEAD at `dir`, built with the same mbedTLS tree and node_modules. */
function cloneAndBuild(dir) {
  execFileSync('git', ['clone', '--quiet', '--no-checkout', ROOT, dir]);
  execFileSync('git', ['checkout', '--quiet', HEAD], { cwd: dir });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const env = { ...process.env, MBEDTLS_SOURCE_DIR: MBEDTLS };
  delete env.FERNET_WASM_BUILD_DIR;
  const run = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: dir, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`build in ${dir} failed:\n${run.stdout}\n${run.stderr}`);
  return path.join(dir, 'dist');
}

function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

// verify-dist rebuilds from its own clean clone in its own temporary folder:
// its verdict on a copy of clone A's dist/ is the comparison of two clean
// builds in different folders (one build fewer than a third clone would cost).
test('two clean clones in different folders build byte-identical dist/; verify-dist says so and names a tampered file', () => {
  const distA = cloneAndBuild(path.join(tempDir('fernet-repro-a-'), 'fernet-wasm'));
  const files = filesUnder(distA);
  expect(files).toContain('fernet_core.wasm');
  expect(files).toContain('fernet.mjs');

  const packages = tempDir('fernet-repro-second-clone-');
  const faithful = path.join(packages, 'faithful');
  const tampered = path.join(packages, 'tampered');
  for (const dir of [faithful, tampered]) fs.cpSync(distA, path.join(dir, 'dist'), { recursive: true });
  const wasm = path.join(tampered, 'dist', 'fernet_core.wasm');
  const bytes = fs.readFileSync(wasm);
  bytes[bytes.length - 1] ^= 1;
  fs.writeFileSync(wasm, bytes);

  const env = { ...process.env, MBEDTLS_SOURCE_DIR: MBEDTLS };
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'verify-dist.mjs'), faithful, tampered], {
    cwd: ROOT, env, encoding: 'utf8',
  });
  expect(run.stderr).not.toMatch(/verify-dist: (?!the working tree)/);
  expect(run.status).toBe(1); // the tampered package
  const [forFaithful, forTampered] = run.stdout.split(/^verify-dist: (?=\/)/m).slice(1);
  for (const f of files) expect(forFaithful).toMatch(new RegExp(`identical  dist/${f.replace(/\./g, '\\.')}  [0-9a-f]{64}`));
  expect(forFaithful).toContain(`all ${files.length} files match the source`);
  expect(forTampered).toMatch(/DIFFERS +dist\/fernet_core\.wasm/);
  expect(forTampered).toContain(`1 of ${files.length} file(s) do not match the source`);
}, 300000);
