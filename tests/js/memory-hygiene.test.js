// Secrets do not outlive the call that used them in wasm memory: after each
// operation the module's whole linear memory is scanned for the key (raw and
// as text), both derived keys, the HMAC pads derived from the signing key and
// the SHA-256 states after them, and the plaintext, and none is found.
const crypto = require('node:crypto');
const { captureWasmMemory, findInMemory } = require('./helpers/wasm-memory');
const { forgeToken, tamper, flipBits } = require('./helpers/tokens');
const { T0, collect } = require('./helpers/fixtures');

// Both links of the core, each scanned in its own memory: the portable bundle (AES and HMAC in
// two passes) and what require('fernet-wasm') gives Node (one loop).
const PORTABLE = '../../dist/fernet.cjs';
const BUILDS = [['the portable bundle', PORTABLE], ["Node's entry", '../../dist/fernet.node.cjs']];
let captured;
let Fernet;
let MultiFernet;
let InvalidToken;

const rawKey = crypto.randomBytes(32);
const keyText = rawKey.toString('base64url') + '=';
const signing = rawKey.subarray(0, 16);
const encryption = rawKey.subarray(16);
const xor = (bytes, value) => Buffer.from(bytes.map((b) => b ^ value));
// Big enough to take the allocator's large-block path as well as small ones.
const plaintexts = [crypto.randomBytes(48), crypto.randomBytes(100_000)];

// SHA-256's chaining state after one 64-byte block (eight 32-bit words): the
// HMAC key states a prepared key carries (cpp/fernet.h, Key), a test oracle
// of its own.
function stateAfterBlock(block) {
  const primes = [];
  for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p)) primes.push(n);
  const frac = (x) => Math.floor((x - Math.floor(x)) * 2 ** 32) >>> 0;
  const K = primes.map((p) => frac(Math.cbrt(p)));
  const H = primes.slice(0, 8).map((p) => frac(Math.sqrt(p)));
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  const w = [];
  for (let t = 0; t < 64; t++) {
    if (t < 16) {
      w.push(block.readUInt32BE(4 * t));
    } else {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w.push((w[t - 16] + s0 + w[t - 7] + s1) >>> 0);
    }
  }
  let [a, b, c, d, e, f, g, h] = H;
  for (let t = 0; t < 64; t++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) >>> 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
    [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) >>> 0, c, b, a, (t1 + t2) >>> 0];
  }
  return [a, b, c, d, e, f, g, h].map((v, i) => (H[i] + v) >>> 0);
}
const words = (state, write) => {
  const out = Buffer.alloc(32);
  state.forEach((v, i) => out[write](v, 4 * i));
  return out;
};
// As the core holds them: 32-bit words in wasm's byte order.
const hmacState = (pad) =>
  words(stateAfterBlock(Buffer.concat([xor(signing, pad), Buffer.alloc(48, pad)])), 'writeUInt32LE');

test('the HMAC state oracle is SHA-256: a 55-byte message fits one padded block', () => {
  const message = crypto.randomBytes(55);
  const block = Buffer.concat([message, Buffer.from([0x80]), Buffer.alloc(6), Buffer.from([0x01, 0xb8])]);
  expect(words(stateAfterBlock(block), 'writeUInt32BE')).toEqual(crypto.createHash('sha256').update(message).digest());
});

function secrets() {
  const list = [
    ['raw key', rawKey], ['key text', Buffer.from(keyText)],
    ['signing key', signing], ['encryption key', encryption],
    ['HMAC inner pad', xor(signing, 0x36)], ['HMAC outer pad', xor(signing, 0x5c)],
    ['HMAC inner state', hmacState(0x36)], ['HMAC outer state', hmacState(0x5c)],
  ];
  plaintexts.forEach((p, i) => {
    list.push([`plaintext ${i} (start)`, p.subarray(0, 16)], [`plaintext ${i} (end)`, p.subarray(-16)]);
  });
  return list;
}

function leftovers() {
  return secrets().filter(([, needle]) => findInMemory(captured.memory, needle).length > 0).map(([name]) => name);
}

// A token whose HMAC is valid but whose padding is not: it fails only after
// decryption, the path a bad MAC never reaches.
function badPaddingToken() {
  const block = Buffer.concat([plaintexts[0].subarray(0, 15), Buffer.from([0])]);
  return forgeToken(rawKey, block, { pad: false, time: T0 });
}

describe.each(BUILDS)('%s', (_build, file) => {
  beforeAll(async () => {
    captured = captureWasmMemory();
    let ready;
    ({ ready, Fernet, MultiFernet, InvalidToken } = require(file));
    await ready();
  });

  test('the scan reads the live linear memory (control)', () => {
    expect(captured.memory).toBeInstanceOf(WebAssembly.Memory);
    // The codec's alphabet sits in the module's data segment for good.
    expect(findInMemory(captured.memory, Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789-_')).length).toBeGreaterThan(0);
    expect(leftovers()).toEqual([]);
  });

  describe('after each operation, no key, derived key or plaintext is left in wasm memory', () => {
    let fernet;
    beforeAll(() => {
      fernet = new Fernet(keyText);
    });
    // Each test makes the tokens it reads, so none relies on another having run.
    const encryptAll = () => plaintexts.map((p) => fernet.encryptAtTime(p, T0));

    test('constructing a Fernet from key text', () => {
      expect(leftovers()).toEqual([]);
    });

    test('encrypt and encryptAtTime (bytes and string input)', () => {
      encryptAll();
      fernet.encrypt(plaintexts[0].toString('latin1'));
      expect(leftovers()).toEqual([]);
    });

    test('decrypt, with and without a TTL, and decryptToString', () => {
      const tokens = encryptAll();
      tokens.forEach((token, i) => expect(Buffer.from(fernet.decrypt(token)).equals(plaintexts[i])).toBe(true));
      fernet.decryptAtTime(tokens[1], 60, T0 + 1);
      fernet.decryptToString(fernet.encryptAtTime('only ascii here', T0));
      expect(leftovers()).toEqual([]);
    });

    test('failed decrypts: bad MAC, bad padding, expired, wrong key, garbage', () => {
      const tokens = encryptAll();
      const badMac = flipBits(tokens[1]);
      const padding = badPaddingToken();
      expect(fernet.extractTimestamp(padding)).toBe(T0); // its MAC is valid
      const failures = [
        () => fernet.decrypt(badMac),
        () => fernet.decrypt(padding),
        () => fernet.decryptAtTime(tokens[1], 10, T0 + 11),
        () => new Fernet(Fernet.generateKey()).decrypt(tokens[1]),
        () => fernet.decrypt('gAAAAA' + 'A'.repeat(200)),
      ];
      for (const fail of failures) expect(fail).toThrow(InvalidToken);
      expect(leftovers()).toEqual([]);
    });

    test('extractTimestamp, MultiFernet decrypt and rotate', () => {
      const tokens = encryptAll();
      const multi = new MultiFernet([new Fernet(Fernet.generateKey()), fernet]);
      expect(fernet.extractTimestamp(tokens[0])).toBe(T0);
      multi.decrypt(tokens[1]);
      const rotated = multi.rotate(tokens[1]);
      expect(() => fernet.decrypt(rotated)).toThrow(InvalidToken);
      expect(leftovers()).toEqual([]);
    });

    test('invalid key text', () => {
      expect(() => new Fernet(`${keyText.slice(0, 42)}B=`)).toThrow('Fernet key must be');
      expect(leftovers()).toEqual([]);
    });
  });

  describe('streams: nothing left once a stream has finished, failed or been destroyed', () => {
    let fernet;
    beforeAll(() => {
      fernet = new Fernet(keyText);
    });
    const readAll = async (readable) => Buffer.from(await collect(readable));

    test('encryptor: update in pieces, finish; and one destroyed half-way', () => {
      const encryptor = fernet.encryptor({ currentTime: T0 });
      const big = plaintexts[1];
      const parts = [];
      for (let at = 0; at < big.length; at += 7_777) parts.push(encryptor.update(big.subarray(at, at + 7_777)));
      parts.push(encryptor.finish());
      const token = Buffer.concat(parts).toString('latin1');
      expect(Buffer.from(fernet.decrypt(token)).equals(big)).toBe(true);
      const abandoned = fernet.encryptor();
      abandoned.update(plaintexts[0]);
      // Control: a live stream holds its HMAC state, and the scan sees it.
      expect(leftovers()).toEqual(expect.arrayContaining(['HMAC outer state']));
      abandoned.destroy();
      expect(leftovers()).toEqual([]);
    });

    test('encryptStream and decryptStream (two passes over a Blob)', async () => {
      const source = new Blob([plaintexts[1]]).stream().pipeThrough(fernet.encryptStream());
      const token = await readAll(source);
      const plain = await readAll(fernet.decryptStream(new Blob([token]), { ttl: 60 }));
      expect(plain.equals(plaintexts[1])).toBe(true);
      expect(leftovers()).toEqual([]);
    });

    // Each verification draws a random key for its commitments (cpp/nh_block.h) from
    // getRandomValues: recorded here, and looked for while a stream runs (control) and after
    // it finished or was cancelled.
    // The portable bundle only: Node's entry draws the key from node:crypto's randomFillSync,
    // bound when the bundle loads, where no spy sees it. What holds and wipes the key
    // (js/streams.mjs, cpp/fernet_stream.cpp) is the same code in both.
    if (file === PORTABLE) {
      test('decryptStream: the commitments\' random key goes with the stream', async () => {
        const drawn = [];
        const original = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
        const spy = jest.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation((bytes) => {
          original(bytes);
          if (bytes.length === 4 * 4096) drawn.push(Buffer.from(bytes)); // the commitments' 16 KiB (cpp/nh_block.h), not the 64 KiB IV pool
          return bytes;
        });
        const pieces = (key) => [key.subarray(0, 32), key.subarray(key.length >> 1).subarray(0, 32), key.subarray(-32)];
        const found = (key) => pieces(key).filter((piece) => findInMemory(captured.memory, piece).length > 0).length;
        try {
          const token = fernet.encryptAtTime(plaintexts[1], T0);
          const finished = fernet.decryptStream(new Blob([token])).getReader();
          expect((await finished.read()).done).toBe(false); // verified; the second pass holds the key
          expect(drawn).toHaveLength(1);
          expect(found(drawn[0])).toBe(3);
          while (!(await finished.read()).done);
          expect(found(drawn[0])).toBe(0);

          const cancelled = fernet.decryptStream(new Blob([token])).getReader();
          await cancelled.read();
          expect(found(drawn[1])).toBe(3);
          await cancelled.cancel();
          expect(found(drawn[1])).toBe(0);
          expect(leftovers()).toEqual([]);
        } finally {
          spy.mockRestore();
        }
      });
    }

    test('decryptStream of a tampered token fails and leaves nothing', async () => {
      const token = tamper(Buffer.from(fernet.encryptAtTime(plaintexts[1], T0)), -10);
      await expect(readAll(fernet.decryptStream(new Blob([token])))).rejects.toThrow(InvalidToken);
      expect(leftovers()).toEqual([]);
    });
  });

  test('generateKey leaves no trace of the key it made', () => {
    const generated = Fernet.generateKey();
    const raw = Buffer.from(generated, 'base64url');
    for (const needle of [raw, raw.subarray(0, 16), raw.subarray(16), Buffer.from(generated)]) {
      expect(findInMemory(captured.memory, needle)).toEqual([]);
    }
  });
});
