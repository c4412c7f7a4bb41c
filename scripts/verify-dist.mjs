#!/usr/bin/env node
// Does a published fernet-wasm match its source? Rebuilds dist/ from a clean
// clone of this checkout's HEAD (in a temporary folder, so the working tree and
// its dist/ are untouched) and compares it, file by file, with the package:
//
//   npm run verify-dist                          # node_modules/fernet-wasm (installed)
//   npm run verify-dist -- fernet-wasm-0.1.0.tgz # a packed or downloaded tarball
//   npm run verify-dist -- path/to/fernet-wasm   # an unpacked package folder
//   npm run verify-dist -- a.tgz b/              # several: one rebuild, each compared
//
// Check out the release's commit first (git checkout v0.1.0): the rebuild is of
// HEAD. Every file in the package's dist/ must be byte-identical to the rebuilt
// one; the differing or missing ones are named and the exit status is 1.
// Needs the build toolchain (Emscripten, cmake) and the mbedTLS sources
// (MBEDTLS_SOURCE_DIR, or third_party/ as scripts/fetch-mbedtls.sh leaves it).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const here = process.env.INIT_CWD ?? process.cwd(); // npm run changes cwd; paths are the user's
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file under dir, as paths relative to it, sorted. */
function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out;
}

/** The package's dist/ folder: from a .tgz (unpacked here), a package folder, or the installed one. */
function packageDist(arg, scratch) {
  if (arg && /\.(tgz|tar\.gz)$/.test(arg)) {
    const tarball = resolve(here, arg);
    mkdirSync(scratch, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', scratch]); // npm tarballs hold package/...
    return { label: tarball, dist: join(scratch, 'package', 'dist') };
  }
  const folder = arg ? resolve(here, arg) : resolve(here, 'node_modules', 'fernet-wasm');
  const dist = existsSync(join(folder, 'dist')) ? join(folder, 'dist') : folder;
  if (!existsSync(dist)) {
    throw new Error(`no package at ${folder}: install fernet-wasm, or pass a .tgz or a package folder`);
  }
  return { label: folder, dist };
}

/** dist/ rebuilt from a clean clone of HEAD; returns the rebuilt dist folder. */
function rebuild(scratch) {
  const clone = join(scratch, 'source');
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', '--no-checkout', root, clone], { stdio: 'inherit' });
  execFileSync('git', ['checkout', '--quiet', head], { cwd: clone, stdio: 'inherit' });
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  if (dirty.trim()) console.warn('verify-dist: the working tree has uncommitted changes; the rebuild is of HEAD only');
  let mbedtls = process.env.MBEDTLS_SOURCE_DIR;
  if (!mbedtls) {
    execFileSync('bash', [join(root, 'scripts', 'fetch-mbedtls.sh')], { stdio: 'inherit' });
    mbedtls = join(root, 'third_party', 'mbedtls-3.6.6');
  }
  if (existsSync(join(root, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const env = { ...process.env, MBEDTLS_SOURCE_DIR: mbedtls };
  delete env.FERNET_WASM_BUILD_DIR;
  execFileSync(process.execPath, [join(clone, 'scripts', 'build.mjs')], { cwd: clone, env, stdio: 'inherit' });
  return join(clone, 'dist');
}

/** Compares one package's dist/ with the rebuild; returns how many files fail. */
function compare(target, rebuilt) {
  const published = filesUnder(target.dist);
  const built = new Set(filesUnder(rebuilt));
  console.log(`verify-dist: ${target.label}`);
  if (published.length === 0) {
    console.log('  no files in its dist/');
    return 1;
  }
  let bad = 0;
  for (const file of published) {
    const theirs = sha256(join(target.dist, file));
    if (!built.has(file)) {
      bad++;
      console.log(`  NOT BUILT  dist/${file}  ${theirs}`);
      continue;
    }
    const ours = sha256(join(rebuilt, file));
    if (ours === theirs) {
      console.log(`  identical  dist/${file}  ${ours}`);
    } else {
      bad++;
      console.log(`  DIFFERS    dist/${file}  package ${theirs}, rebuilt ${ours}`);
    }
  }
  for (const file of built) {
    if (!published.includes(file)) console.log(`  (not in the package: dist/${file})`);
  }
  console.log(bad > 0
    ? `  => ${bad} of ${published.length} file(s) do not match the source`
    : `  => all ${published.length} files match the source`);
  return bad;
}

function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'fernet-verify-dist-'));
  try {
    const args = process.argv.slice(2);
    // Every package is located before the (slow) rebuild, so a wrong path fails fast.
    const targets = (args.length > 0 ? args : [undefined]).map((arg, i) => packageDist(arg, join(scratch, `package-${i}`)));
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const rebuilt = rebuild(scratch);
    console.log(`verify-dist: rebuilt dist/ from ${head}`);
    const bad = targets.reduce((sum, target) => sum + compare(target, rebuilt), 0);
    if (bad > 0) process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`verify-dist: ${error.message}`);
  process.exitCode = 2;
}
