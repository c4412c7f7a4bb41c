// Run by leak.test.js in its own node (--expose-gc), so that Jest's own
// allocations do not blur the numbers: OPS mixed operations, successes and
// every kind of failure, with the wasm memory size and the process RSS
// measured after a warm-up and at the end. Prints one JSON line.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { captureWasmMemory } = require('./wasm-memory.js');
const { T0 } = require('./fixtures.js');
const { tamper } = require('./tokens.js');
const captured = captureWasmMemory();
const { ready, Fernet, MultiFernet, InvalidToken } = await import('../../../dist/fernet.mjs');

const OPS = Number(process.argv[2]);
await ready();
const fernet = new Fernet(Fernet.generateKey());
const multi = new MultiFernet([new Fernet(Fernet.generateKey()), fernet]);
const message = new Uint8Array(300).fill(7);
const token = fernet.encryptAtTime(message, T0);
const tampered = tamper(token, 30);

const steps = [
  () => fernet.encrypt(message),
  () => fernet.decrypt(token),
  () => fernet.decrypt(tampered),
  () => fernet.decryptAtTime(token, 10, 1_800_000_000),
  () => fernet.decrypt('not a token'),
  () => multi.rotate(token),
  () => multi.decrypt(tampered),
  () => fernet.extractTimestamp(token),
  () => new Fernet('x'.repeat(44)),
  () => fernet.encrypt('a string message, UTF-8 encoded: ✓'),
];

function run(count) {
  let failures = 0;
  for (let i = 0; i < count; i++) {
    try {
      steps[i % steps.length]();
    } catch (error) {
      if (!(error instanceof InvalidToken) && !/Fernet key/.test(error.message)) throw error;
      failures += 1;
    }
  }
  return failures;
}

function measure() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return { wasm: captured.memory.buffer.byteLength, rss: process.memoryUsage().rss };
}

const warmUp = Math.floor(OPS / 10);
run(warmUp);
const before = measure();
const failures = run(OPS);
const after = measure();
console.log(JSON.stringify({ ops: OPS, failures, before, after }));
