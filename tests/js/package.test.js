// The npm tarball as a Node or TypeScript user gets it: exactly the intended
// files, CommonJS and ESM scripts whose tokens real Python decrypts, strict
// type checking of a typed usage file, and no side effects on the process.
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, BIN, packedProject, runTool, runNode } = require('./helpers/packed');
const { pythonParams, pythonReadings } = require('./helpers/python-roundtrip');

const MESSAGE = 'packed: Grüße, 你好 🔐';
let packed;
let project;
let params;

beforeAll(() => {
  packed = packedProject(['app', 'node']);
  ({ project } = packed);
  for (const file of ['usage.ts', 'usage-cjs.cts', 'usage-node.ts']) {
    fs.copyFileSync(path.join(ROOT, 'tests', 'types', file), path.join(project, file));
  }
  params = pythonParams(MESSAGE);
});

afterAll(() => packed?.close());

test('the tarball holds exactly the built package, its types and its documents', () => {
  const documents = ['LICENSE', 'README.md', 'SECURITY.md'].filter((f) => fs.existsSync(path.join(ROOT, f)));
  expect(packed.files).toEqual([
    ...documents,
    'bin/fernet.mjs',
    'dist/second-thread.node.cjs',
    'dist/fernet.cjs',
    'dist/fernet.mjs',
    'dist/fernet.node.cjs',
    'dist/fernet.node.mjs',
    'dist/fernet.workerd.mjs',
    'dist/fernet_core.wasm',
    'dist/internal.node.cjs',
    'dist/node.cjs',
    'dist/node.mjs',
    'dist/token-layout.mjs',
    'index.d.mts',
    'index.d.ts',
    'node.d.mts',
    'node.d.ts',
    'package.json',
  ].sort());
  const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'fernet-wasm', 'package.json')));
  expect(manifest.name).toBe('fernet-wasm');
  expect(manifest.sideEffects).toBe(false);
  expect(manifest.dependencies ?? {}).toEqual({});
  // Nothing shipped names the machine it was built on.
  for (const file of packed.files) {
    expect(fs.readFileSync(path.join(project, 'node_modules', 'fernet-wasm', file)).includes(ROOT)).toBe(false);
  }
  // The main entries load nothing at run time but, for workerd, the wasm beside them
  // (the *.node.* files and dist/node.* are Node's, and import Node built-ins).
  const imports = (file) => [...fs.readFileSync(path.join(project, 'node_modules', 'fernet-wasm', 'dist', file), 'utf8')
    .matchAll(/^\s*import\b.*$|\brequire\(["'][^"']+["']\)|\bimport\(/gm)].map((m) => m[0]);
  expect(imports('fernet.mjs')).toEqual([]);
  expect(imports('fernet.cjs')).toEqual([]);
  expect(imports('fernet.workerd.mjs')).toEqual(['import wasmModule from "./fernet_core.wasm";']);
  // The prebuilt wasm ships: users need no toolchain.
  const wasm = fs.readFileSync(path.join(project, 'node_modules', 'fernet-wasm', 'dist', 'fernet_core.wasm'));
  expect(WebAssembly.validate(wasm)).toBe(true);
});

test('a CommonJS script and an ESM script make tokens Python decrypts, and read Python tokens', () => {
  const results = ['check.cjs', 'check.mjs'].map((script) =>
    JSON.parse(runNode([path.join(project, script), JSON.stringify(params)], { cwd: project })));
  for (const result of results) {
    expect(result).toMatchObject({ decrypted: MESSAGE, forgedRejected: true });
  }
  const tokens = results.map((r) => r.token);
  for (const readings of pythonReadings(params, tokens)) expect(readings).toEqual(tokens.map(() => MESSAGE));
});

test('the installed `fernet` command encrypts for Python', () => {
  const token = runTool([path.join(project, 'node_modules', '.bin', 'fernet')], ['encrypt', '-'],
    { cwd: project, input: MESSAGE, env: { FERNET_KEY: params.key } }).trim();
  for (const readings of pythonReadings(params, [token])) expect(readings).toEqual([MESSAGE]);
});

test('the installed package encrypts and decrypts a large file on two threads: its worker script ships and loads', () => {
  const file = path.join(project, 'large.bin');
  fs.writeFileSync(file, Buffer.alloc(33 * 2 ** 20 + 5, 7));
  const script = `
    import { ready, Fernet } from 'fernet-wasm';
    import { encryptFile, decryptFile } from 'fernet-wasm/node';
    import fs from 'node:fs';
    // A worker whose script is missing or broken also starts, then fails and
    // exits with 1 (the job falls back to one thread): its exit code tells.
    const exits = [];
    process.on('worker', (worker) => exits.push(new Promise((resolve) => worker.on('exit', resolve))));
    await ready();
    const fernet = new Fernet(Fernet.generateKey());
    await encryptFile(fernet, 'large.bin', 'large.fernet');
    await decryptFile(fernet, 'large.fernet', 'large.back');
    const same = fs.readFileSync('large.back').equals(fs.readFileSync('large.bin'));
    console.log(JSON.stringify({ exitCodes: await Promise.all(exits), same }));
  `;
  const out = runNode(['--input-type=module', '-e', script], { cwd: project });
  expect(JSON.parse(out)).toEqual({ exitCodes: [0, 0], same: true });
  for (const name of ['large.bin', 'large.fernet', 'large.back']) fs.rmSync(path.join(project, name));
});

test('tsc --strict accepts the typed usage, rejects the misuse, and the types name exactly the runtime API', () => {
  // ESM view with emitted JS (run below), the bundler view, and the CommonJS view.
  runTool(BIN.tsc, ['--strict', '--module', 'nodenext', '--target', 'es2022', 'usage.ts'], { cwd: project });
  runTool(BIN.tsc, ['--noEmit', '--strict', '--module', 'esnext', '--moduleResolution', 'bundler', 'usage.ts'],
    { cwd: project });
  runTool(BIN.tsc, ['--noEmit', '--strict', '--module', 'nodenext', 'usage-cjs.cts'], { cwd: project });
  const result = JSON.parse(runNode([path.join(project, 'usage.js')], { cwd: project }));
  expect(result.runtime).toEqual(result.declared);
  expect(result.runtime.exports).toEqual(
    ['Fernet', 'InvalidToken', 'MAX_MESSAGE_SIZE', 'MAX_TOKEN_LENGTH', 'MultiFernet', 'ready'],
  );
  expect(result).toMatchObject({ text: 'text', multiText: 'text', streamed: 'text', invalidTokenCaught: true });
});

test('tsc --strict: fernet-wasm/node declares exactly what it exports', () => {
  // Its types use Node's (node:stream); the scratch project borrows the repository's @types/node.
  runTool(BIN.tsc, ['--strict', '--module', 'nodenext', '--target', 'es2022', '--types', 'node',
    '--typeRoots', path.join(ROOT, 'node_modules', '@types'), 'usage-node.ts'], { cwd: project });
  const result = JSON.parse(runNode([path.join(project, 'usage-node.js')], { cwd: project }));
  expect(result.runtime).toEqual(result.declared);
});

test('tsc fails on a type error in user code (the check is live)', () => {
  fs.writeFileSync(path.join(project, 'broken.ts'),
    "import { Fernet } from 'fernet-wasm';\nconst t: number = new Fernet('k').encrypt('x');\n");
  expect(() => runTool(BIN.tsc, ['--noEmit', '--strict', '--module', 'nodenext', 'broken.ts'], { cwd: project }))
    .toThrow(/TS2322/);
});

test('importing and using the package adds no globals and no process listeners', () => {
  const result = JSON.parse(runNode([path.join(project, 'side-effects.mjs')], { cwd: project }));
  expect(result.globalsAfter).toEqual(result.globalsBefore);
  expect(result.listenersAfter).toEqual(result.listenersBefore);
});

test('the package works with process, Buffer and the DOM globals absent', () => {
  const result = JSON.parse(runNode([path.join(project, 'bare-globals.mjs')], { cwd: project }));
  expect(result).toEqual({ decrypted: 'no globals', hasProcess: 'undefined' });
});

test('the package needs no eval: it runs with code generation from strings disabled', () => {
  const script = "const { ready, Fernet } = require('fernet-wasm'); ready().then(() => " +
    "console.log(new Fernet(Fernet.generateKey()).encrypt('x').slice(0, 6)));";
  const flag = '--disallow-code-generation-from-strings';
  expect(runNode([flag, '-e', script], { cwd: project }).trim()).toBe('gAAAAA');
  // The flag does bite: eval fails under it.
  expect(() => runNode([flag, '-e', "eval('1')"], { cwd: project })).toThrow(/EvalError/);
});
