// Failure paths never weaken the crypto (issue 17): a JS exception thrown
// through a call into wasm (here: a built-in the Emscripten runtime calls
// while C++ grows memory), and the library's own JS copies of secrets. After
// each failure no key, plaintext or MAC is left in wasm memory, the module
// keeps working, and the tokens it then makes are right (Python reads them,
// the wrong key never opens them).
const crypto = require('node:crypto');
const { captureWasmMemory, findInMemory } = require('./helpers/wasm-memory');
const { pythons, runPython, b64 } = require('./helpers/python');
const { forgeToken } = require('./helpers/tokens');
const { T0, ZERO_KEY, collect, streamOf } = require('./helpers/fixtures');

// The library's own copies of secrets, seen as it makes them: the UTF-8 of
// strings (TextEncoder.encode) and fresh random key bytes (node:crypto's
// randomFillSync, which the Node bundle takes once, as it loads: the
// recording wrapper is in place for the require below, and only there).
const copies = [];
const originalEncode = TextEncoder.prototype.encode;
const recordingEncode = function encode(...args) {
  const bytes = originalEncode.apply(this, args);
  copies.push(bytes);
  return bytes;
};
TextEncoder.prototype.encode = recordingEncode;
const originalRandomFill = crypto.randomFillSync;
let recordRandom = false;
const randomKeyCopies = [];
crypto.randomFillSync = function randomFillSync(bytes, ...rest) {
  const filled = originalRandomFill.call(this, bytes, ...rest);
  if (recordRandom && bytes.length === 32) randomKeyCopies.push(bytes);
  return filled;
};

const captured = captureWasmMemory();
const { ready, Fernet, InvalidToken } = require('../../dist/fernet.node.cjs');
const node = require('../../dist/node.cjs');
crypto.randomFillSync = originalRandomFill;

let keyText;
let raw;
let fernet;

beforeAll(async () => {
  await ready();
  TextEncoder.prototype.encode = originalEncode;
  keyText = Fernet.generateKey();
  raw = Buffer.from(keyText, 'base64url');
  fernet = new Fernet(keyText);
});

function secretsLeft(plaintexts) {
  const needles = [['raw key', raw], ['signing key', raw.subarray(0, 16)], ['encryption key', raw.subarray(16)],
    ['key text', Buffer.from(keyText)], ...plaintexts.map((p, i) => [`plaintext ${i}`, p.subarray(0, 32)])];
  return needles.filter(([, needle]) => findInMemory(captured.memory, needle).length > 0).map(([name]) => name);
}

function tokensStillRight() {
  const messages = [crypto.randomBytes(10), crypto.randomBytes(5000)];
  const tokens = messages.map((m) => fernet.encryptAtTime(m, T0));
  tokens.forEach((t, i) => expect(Buffer.from(fernet.decrypt(t)).equals(messages[i])).toBe(true));
  for (const t of tokens) expect(() => new Fernet(ZERO_KEY).decrypt(t)).toThrow(InvalidToken);
  for (const { executable } of pythons()) {
    const readings = runPython(executable, tokens.map((token) => ({ op: 'decrypt', key: keyText, token })));
    expect(readings.map((r) => r.data)).toEqual(messages.map(b64));
  }
}

describe('a JS exception thrown while C++ runs (memory growth calls the runtime)', () => {
  // Emscripten's heap growth calls Math.min; making it throw makes the
  // exception unwind through C++ frames that hold keys and plaintext.
  function whileGrowthThrows(work) {
    const original = Math.min;
    Math.min = () => {
      throw new Error('a hostile built-in');
    };
    try {
      return work();
    } finally {
      Math.min = original;
    }
  }

  test.each([
    ['encrypt', (size) => fernet.encryptAtTime(crypto.randomBytes(size), T0)],
    ['decrypt', (size) => fernet.decrypt(forgeToken(raw, Buffer.alloc(size, 7)))],
    ['an encryptor update', (size) => fernet.encryptor().update(crypto.randomBytes(size))],
  ])('%s: the exception reaches the caller; nothing secret or leaked stays; the module keeps working', (_, work) => {
    for (let i = 0; i < 8; i++) {
      // Larger than wasm memory is now: the call must grow it.
      const size = captured.memory.buffer.byteLength + 2 ** 20;
      expect(() => whileGrowthThrows(() => work(size))).toThrow('a hostile built-in');
      expect(secretsLeft([])).toEqual([]);
    }
    tokensStillRight();
  });
});

describe("the library's own JS copies of secrets are wiped", () => {
  test('strings encoded for encryptor().update and encryptStream, and generateKey\'s bytes', async () => {
    copies.length = 0;
    TextEncoder.prototype.encode = recordingEncode;
    recordRandom = true;
    try {
      const encryptor = fernet.encryptor();
      encryptor.update('a secret streamed as text');
      encryptor.finish();
      await collect(streamOf(['secret one', 'secret two']).pipeThrough(fernet.encryptStream()));
      Fernet.generateKey();
    } finally {
      TextEncoder.prototype.encode = originalEncode;
      recordRandom = false;
    }
    expect(copies.length).toBeGreaterThan(0);
    expect(randomKeyCopies.length).toBe(1);
    for (const copy of [...copies, ...randomKeyCopies]) expect(copy.every((b) => b === 0)).toBe(true);
  });
});
