// Reproducible dist/: two builds of the same sources in different folders are
// byte-identical. One build is this checkout's dist/, which npm test
// (scripts/test.sh) has just built here (in CI, a clean clone); the other is
// the one `npm run verify-dist` makes from a clean clone of those sources in
// its own temporary folder (another path, of another length, so an embedded
// path would show). verify-dist must find every file identical, with none
// missing on either side, and must name the file a tampered copy changed.
// Full tier only: it runs the real build (Emscripten) once.
//
// The sources are the working tree's tracked files as they are now,
// committed into a scratch repository that verify-dist clones: so a change
// not yet committed is built on both sides, as dist/ was. A dist/ older than
// its sources fails here too (run `npm run build`): it is not what they build.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
// The mbedTLS tree setup fetched and hash-checked (scripts/fetch-mbedtls.sh); no second download.
const MBEDTLS = process.env.MBEDTLS_SOURCE_DIR ?? path.join(ROOT, 'third_party', 'mbedtls-3.6.6');
const scratch = [];

function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A repository at `dir` whose one commit is the working tree's tracked files. */
function snapshotOfWorkingTree(dir) {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked) {
    const from = path.join(ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted, not yet committed
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file)); // keeps the mode (scripts stay executable)
  }
  const git = (...args) => execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'user.name=reproducible test',
    '-c', 'user.email=test@invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '--no-verify', '-m', 'the working tree');
  // verify-dist's clone borrows these, as the checkout's own build did.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
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

test('dist/ and a clean clone\'s build in another folder are byte-identical; verify-dist says so and names a tampered file', () => {
  const files = filesUnder(DIST);
  expect(files).toContain('fernet_core.wasm');
  expect(files).toContain('fernet.mjs');

  const source = snapshotOfWorkingTree(path.join(tempDir('fernet-repro-source-'), 'fernet-wasm'));
  const packages = tempDir('fernet-repro-packages-');
  const faithful = path.join(packages, 'faithful');
  const tampered = path.join(packages, 'tampered');
  for (const dir of [faithful, tampered]) fs.cpSync(DIST, path.join(dir, 'dist'), { recursive: true });
  const wasm = path.join(tampered, 'dist', 'fernet_core.wasm');
  const bytes = fs.readFileSync(wasm);
  bytes[bytes.length - 1] ^= 1;
  fs.writeFileSync(wasm, bytes);

  const env = { ...process.env, MBEDTLS_SOURCE_DIR: MBEDTLS };
  delete env.FERNET_WASM_BUILD_DIR;
  delete env.INIT_CWD; // the package paths below are absolute
  // The snapshot's own copy of verify-dist: it rebuilds from the snapshot's clone.
  const run = spawnSync(process.execPath, [path.join(source, 'scripts', 'verify-dist.mjs'), faithful, tampered], {
    cwd: source, env, encoding: 'utf8',
  });
  expect(run.stderr).not.toMatch(/verify-dist: /);
  expect(run.stdout).toMatch(/^verify-dist: rebuilt dist\/ from [0-9a-f]{40}$/m);
  expect(run.status).toBe(1); // the tampered package
  const [forFaithful, forTampered] = run.stdout.split(/^verify-dist: (?=\/)/m).slice(1);
  expect(forFaithful.startsWith(faithful)).toBe(true);
  for (const f of files) expect(forFaithful).toMatch(new RegExp(`identical  dist/${f.replace(/\./g, '\\.')}  [0-9a-f]{64}`));
  expect(forFaithful).toContain(`all ${files.length} files match the source`);
  expect(forFaithful).not.toContain('not in the package'); // the rebuild made no file dist/ lacks
  expect(forTampered).toMatch(/DIFFERS +dist\/fernet_core\.wasm/);
  expect(forTampered).toContain(`1 of ${files.length} file(s) do not match the source`);
}, 300000);
