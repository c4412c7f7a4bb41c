// Resource limits. Over-limit input is a RangeError before anything reaches
// wasm; an allocation that fails inside wasm is a RangeError too, and the
// module keeps working afterwards (-sABORTING_MALLOC=0: no abort, no dead
// runtime). To make allocations fail with inputs the API allows, this suite
// hands ready() the shipped wasm with its memory capped at 32 MiB: the
// module a -DFERNET_WASM_MAXIMUM_MEMORY=33554432 build links, byte for byte
// (-sMAXIMUM_MEMORY sets only the memory's maximum in the binary; checked
// against a real build with Emscripten 3.1.6), made by rewriting that one
// field (helpers/wasm-limits.js) rather than compiling everything again.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { captureWasmMemory } = require('./helpers/wasm-memory');
const { withMaximumMemory, memoryLimits } = require('./helpers/wasm-limits');
const { pythons, runPython } = require('./helpers/python');
const { forgeToken } = require('./helpers/tokens');
const { T0, ZERO_KEY } = require('./helpers/fixtures');

const root = path.join(__dirname, '..', '..');
const SMALL = 32 * 2 ** 20;
const shipped = fs.readFileSync(path.join(root, 'dist', 'fernet_core.wasm'));
const small = withMaximumMemory(shipped, SMALL);

const captured = captureWasmMemory();
const { ready, Fernet, InvalidToken, MAX_MESSAGE_SIZE, MAX_TOKEN_LENGTH } = require('../../dist/fernet.cjs');

let fernet;
let keyText;

function stillWorks() {
  const token = fernet.encryptAtTime('still alive', T0);
  expect(fernet.decryptToString(token)).toBe('still alive');
  expect(() => fernet.decrypt(`${token.slice(0, -4)}AAAA`)).toThrow(InvalidToken);
  return token;
}

beforeAll(async () => {
  await ready(small);
  keyText = Fernet.generateKey();
  fernet = new Fernet(keyText);
}, 120_000);

test('the small-memory module is the shipped one with only its memory cap changed, and is the one loaded', () => {
  const limitsOf = (bytes) => {
    const module = new WebAssembly.Module(bytes);
    return [WebAssembly.Module.imports(module), WebAssembly.Module.exports(module)];
  };
  expect(limitsOf(small)).toEqual(limitsOf(shipped));
  const { initial, maximum } = memoryLimits(shipped);
  expect(maximum).toBeGreaterThan(SMALL);
  expect(memoryLimits(small)).toEqual({ initial, maximum: SMALL });
  // Undoing the change gives back the shipped bytes: nothing else differs.
  expect(Buffer.from(withMaximumMemory(small, maximum)).equals(shipped)).toBe(true);
  expect(captured.memory).toBeInstanceOf(WebAssembly.Memory);
  expect(() => captured.memory.grow(SMALL / 65536)).toThrow(RangeError);
});

describe('over-limit input: RangeError before any allocation', () => {
  test.each([
    ['a Uint8Array message', () => fernet.encrypt(new Uint8Array(MAX_MESSAGE_SIZE + 1)), 'message'],
    ['a string message', () => fernet.encrypt('a'.repeat(MAX_MESSAGE_SIZE + 1)), 'message'],
    ['a string whose UTF-8 is over the limit', () => fernet.encrypt('é'.repeat(MAX_MESSAGE_SIZE / 2 + 1)), 'message'],
    ['a string token', () => fernet.decrypt('g'.repeat(MAX_TOKEN_LENGTH + 1)), 'token'],
    ['a Uint8Array token', () => fernet.decrypt(new Uint8Array(MAX_TOKEN_LENGTH + 1)), 'token'],
    ['an extractTimestamp token', () => fernet.extractTimestamp('g'.repeat(MAX_TOKEN_LENGTH + 1)), 'token'],
  ])('%s', (_, call, what) => {
    const size = captured.memory.buffer.byteLength;
    expect(call).toThrow(RangeError);
    expect(call).toThrow(new RegExp(`${what} larger than \\d+ bytes`));
    expect(captured.memory.buffer.byteLength).toBe(size);
    stillWorks();
  });
});

describe('allocation failure inside wasm: RangeError, and the module keeps working', () => {
  test('encrypting a message the memory cannot hold', () => {
    for (let i = 0; i < 5; i++) {
      expect(() => fernet.encrypt(new Uint8Array(20 * 2 ** 20))).toThrow('out of wasm memory');
      stillWorks();
    }
  });

  test('decrypting a valid token the memory cannot hold', () => {
    // Made outside the wasm, which cannot hold it.
    const big = forgeToken(Buffer.from(keyText, 'base64url'), Buffer.alloc(16 * 2 ** 20, 1), { time: T0 });
    expect(big.length).toBeLessThan(MAX_TOKEN_LENGTH);
    for (let i = 0; i < 5; i++) {
      expect(() => fernet.decrypt(big)).toThrow('out of wasm memory');
      stillWorks();
    }
  });

  test('streams in flight until memory runs out, then calls that need more: RangeError, and every later token is right', () => {
    // The same 256 bytes (16 blocks) for every stream: what a stream holds in
    // wasm memory between calls does not depend on how much it was given
    // (37,000-39,000 streams fill the memory with 256 bytes or 4 KiB each),
    // and encrypting 4 KiB of fresh random bytes per stream, ~40,000 times a
    // round, was over half of the test's time.
    const piece = crypto.randomBytes(256);
    for (let round = 0; round < 3; round++) {
      const held = [];
      let failures = 0;
      while (failures < 3 && held.length < 100_000) {
        try {
          const encryptor = fernet.encryptor({ currentTime: T0 });
          held.push(encryptor);
          encryptor.update(piece);
          // A call that needs 1 MiB more, every 256 streams (~200 KiB of
          // stream state): often enough to find the point where memory runs
          // out, rarely enough that encrypting those MiBs is not the test's
          // whole cost (every 64 streams, it was three quarters of it).
          fernet.encrypt(new Uint8Array(held.length % 256 === 0 ? 2 ** 20 : 32));
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          failures += 1;
        }
      }
      expect(failures).toBe(3);
      // Memory is still full: small calls work, a large one is refused cleanly.
      expect(() => fernet.encrypt(new Uint8Array(8 * 2 ** 20))).toThrow(RangeError);
      for (const encryptor of held) encryptor.destroy();
      const token = stillWorks();
      expect(() => new Fernet(ZERO_KEY).decrypt(token)).toThrow(InvalidToken);
      const [{ executable }] = pythons();
      const [result] = runPython(executable, [{ op: 'decrypt', key: keyText, token }]);
      expect(Buffer.from(result.data, 'base64').toString()).toBe('still alive');
    }
  });

  test('the largest message that fits still round-trips after the failures, as Python reads it', () => {
    const data = crypto.randomBytes(4 * 2 ** 20);
    const token = fernet.encryptAtTime(data, T0);
    expect(Buffer.from(fernet.decrypt(token)).equals(data)).toBe(true);
    const [{ version, executable }] = pythons();
    const [result] = runPython(executable, [{ op: 'decrypt', key: keyText, token }]);
    expect([version, result.data === data.toString('base64')]).toEqual([version, true]);
    expect(captured.memory.buffer.byteLength).toBeLessThanOrEqual(SMALL);
  });
});
