// Streaming: the output is the standard token (byte-identical to the
// in-memory API), decryption releases nothing unauthenticated, and stream
// state in wasm is freed however a stream ends.
const crypto = require('node:crypto');
const { ready, Fernet, MultiFernet, InvalidToken } = require('../../dist/fernet.cjs');
const { pythons, runPython, b64 } = require('./helpers/python');
const { captureWasmMemory } = require('./helpers/wasm-memory');
const { T0, IV, collect, streamOf, pieces } = require('./helpers/fixtures');
const { tamper } = require('./helpers/tokens');

const wasm = captureWasmMemory();

let fernet;
let key;

beforeAll(async () => {
  await ready();
  key = Fernet.generateKey();
  fernet = new Fernet(key);
});

async function encryptInChunks(f, data, chunkSize, options) {
  const source = streamOf(pieces(data, chunkSize));
  return new TextDecoder().decode(await collect(source.pipeThrough(f.encryptStream(options))));
}

const SIZES = [0, 1, 15, 16, 17, 4095, 4096, 4097, 65535, 65536, 65537, 3 * 2 ** 20 + 5];

test.each(SIZES)('a %i-byte message streams to the same token as encryptAtTime, and back', async (size) => {
  const data = crypto.randomBytes(size);
  const expected = fernet._encryptFromParts(data, T0, IV);
  for (const chunkSize of [1, 7, 16, 65536, 1 << 20]) {
    if (size > 5000 && chunkSize < 4096) continue; // tiny chunks over large inputs prove nothing more
    await expect(encryptInChunks(fernet, data, chunkSize, { currentTime: T0, iv: IV })).resolves.toBe(expected);
  }
  expect(Buffer.from(fernet.decrypt(expected)).equals(data)).toBe(true);
  const back = await collect(fernet.decryptStream(new Blob([expected])));
  expect(Buffer.from(back).equals(data)).toBe(true);
});

test('Python decrypts a streamed token and we stream-decrypt Python\'s', async () => {
  const data = crypto.randomBytes(300000);
  const token = await encryptInChunks(fernet, data, 10000);
  for (const { executable } of pythons()) {
    const [ours, theirs] = runPython(executable, [
      { op: 'decrypt', key, token },
      { op: 'encrypt', key, data: b64(data) },
    ]);
    expect(ours.data).toBe(b64(data));
    const back = await collect(fernet.decryptStream(new Blob([theirs.token])));
    expect(Buffer.from(back).equals(data)).toBe(true);
  }
});

describe('tampering is detected before any plaintext is released', () => {
  const data = crypto.randomBytes(200000);
  let token;
  beforeAll(() => { token = fernet._encryptFromParts(data, T0, IV); });

  test.each([
    ['the header', 5], ['the middle', 130000], ['the last block', -70], ['the HMAC', -10],
  ])('a change in %s', async (_, at) => {
    const bad = tamper(token, at);
    const reader = fernet.decryptStream(new Blob([bad])).getReader();
    // The very first read fails: pass one rejects the token before pass two starts.
    await expect(reader.read()).rejects.toBeInstanceOf(InvalidToken);
  });

  test('truncation and extension', async () => {
    for (const bad of [token.slice(0, -4), `${token}AAAA`, `${token}\n`, token.slice(0, 100)]) {
      await expect(collect(fernet.decryptStream(new Blob([bad])))).rejects.toBeInstanceOf(InvalidToken);
    }
  });

  test('a source that changes between the two passes errors the stream', async () => {
    let reads = 0;
    const source = () => new Blob([reads++ === 0 ? token : tamper(token, 150000)]).stream();
    await expect(collect(fernet.decryptStream(source))).rejects.toBeInstanceOf(InvalidToken);
    expect(reads).toBe(2);
  });
});

test('TTL applies to streamed decryption as to decrypt()', async () => {
  const token = fernet.encryptAtTime('aged', T0);
  const blob = new Blob([token]);
  await expect(collect(fernet.decryptStream(blob, { ttl: 60, currentTime: T0 + 60 }))).resolves.toHaveLength(4);
  await expect(collect(fernet.decryptStream(blob, { ttl: 60, currentTime: T0 + 61 }))).rejects.toBeInstanceOf(InvalidToken);
  await expect(collect(fernet.decryptStream(blob, { ttl: 60, currentTime: T0 - 61 }))).rejects.toBeInstanceOf(InvalidToken);
});

test('MultiFernet streams: encrypts with the first key, decrypts with any', async () => {
  const other = new Fernet(Fernet.generateKey());
  const multi = new MultiFernet([other, fernet]);
  const token = await encryptInChunks(multi, new TextEncoder().encode('multi'), 2);
  expect(other.decryptToString(token)).toBe('multi');
  const old = fernet.encrypt('old key');
  expect(new TextDecoder().decode(await collect(multi.decryptStream(new Blob([old]))))).toBe('old key');
});

test('bad arguments are refused up front', () => {
  expect(() => fernet.decryptStream('a token string')).toThrow(TypeError);
  expect(() => fernet.encryptor({ iv: new Uint8Array(3) })).toThrow(RangeError);
  expect(() => fernet.encryptor({ currentTime: -1 })).toThrow(RangeError);
  const encryptor = fernet.encryptor();
  expect(() => encryptor.update(42)).toThrow(TypeError);
  encryptor.destroy();
  expect(() => encryptor.update(new Uint8Array(1))).toThrow(/already ended/);
});

test('stream state is freed: thousands of finished, failed, destroyed and cancelled streams leave wasm memory flat', async () => {
  const token = fernet.encrypt(crypto.randomBytes(1000));
  const bad = `${token.slice(0, -3)}AAA`;
  const round = async () => {
    const e = fernet.encryptor();
    e.update(crypto.randomBytes(100));
    e.finish();
    fernet.encryptor().destroy();
    await collect(fernet.decryptStream(new Blob([token])));
    await expect(collect(fernet.decryptStream(new Blob([bad])))).rejects.toBeInstanceOf(InvalidToken);
    const reader = fernet.decryptStream(new Blob([token])).getReader();
    await reader.read();
    await reader.cancel();
  };
  for (let i = 0; i < 200; i++) await round(); // warm-up: the heap reaches its working size
  const before = wasm.memory.buffer.byteLength;
  for (let i = 0; i < 2000; i++) await round();
  // Had each stream leaked its C++ state (a decryptor alone is over 3 KiB),
  // 2000 rounds of five streams would have grown the wasm memory by tens of MiB.
  expect(wasm.memory.buffer.byteLength).toBe(before);
  expect(fernet.decryptToString(fernet.encrypt('still fine'))).toBe('still fine');
});
