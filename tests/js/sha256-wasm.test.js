// The shipped wasm's SHA-256 (cpp/sha256_block.h, SIMD128 build) against node:crypto
// (OpenSSL), through the two ways the package uses it:
//  - HMAC-SHA256 through mbedTLS's block hook: PBKDF2 with one iteration is exactly
//    HMAC(password, salt || INT(1)), so salts of every length 0..300 give HMAC messages of
//    every length 4..304 (every padding case), and passwords of 0..300 bytes cover keys
//    hashed first (longer than a block); tokens from fixed parts cover the token MAC;
//  - PBKDF2's own loop (cpp/kdf.cpp, compress_digest) for random passwords, salts and
//    iteration counts.
// The native builds of the same algorithm (SSSE3 and portable) are checked in
// tests/cpp/sha256_process_test.cpp and tests/cpp/kdf_test.cpp.
const crypto = require('node:crypto');
const { ready, Fernet } = require('../../dist/fernet.cjs');

beforeAll(() => ready());

// A deterministic generator, so a failure names a reproducible case.
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0);
  };
  return { int: (n) => next() % n, bytes: (n) => Uint8Array.from({ length: n }, () => next() & 0xff) };
}

const keyText = (bytes) => `${Buffer.from(bytes).toString('base64url')}=`;
const nodePbkdf2 = (password, salt, iterations) => keyText(crypto.pbkdf2Sync(password, salt, iterations, 32, 'sha256'));

test('HMAC over every message length 4..304 and keys of 0..300 bytes (PBKDF2 with one iteration)', () => {
  const rng = generator(0x5a256);
  const ours = [];
  const theirs = [];
  for (let length = 0; length <= 300; length++) {
    const salt = rng.bytes(length);
    const password = rng.bytes(rng.int(80));
    ours.push(`salt ${length}: ${Fernet.deriveKey(password, salt, { kdf: 'pbkdf2', iterations: 1 })}`);
    theirs.push(`salt ${length}: ${nodePbkdf2(password, salt, 1)}`);
    const longPassword = rng.bytes(length);
    const shortSalt = rng.bytes(16);
    ours.push(`password ${length}: ${Fernet.deriveKey(longPassword, shortSalt, { kdf: 'pbkdf2', iterations: 1 })}`);
    theirs.push(`password ${length}: ${nodePbkdf2(longPassword, shortSalt, 1)}`);
  }
  expect(ours).toEqual(theirs);
});

test('token MACs for plaintexts of 0..300 bytes equal the ones node:crypto computes', () => {
  const rng = generator(0x70c3);
  const keyBytes = rng.bytes(32);
  const fernet = new Fernet(keyText(keyBytes));
  const signing = keyBytes.subarray(0, 16);
  const encryption = keyBytes.subarray(16);
  const ours = [];
  const theirs = [];
  let roundTrips = 0;
  for (let length = 0; length <= 300; length++) {
    const data = rng.bytes(length);
    const iv = rng.bytes(16);
    const time = 1_700_000_000 + length;
    const cipher = crypto.createCipheriv('aes-128-cbc', encryption, iv);
    const header = Buffer.alloc(9);
    header[0] = 0x80;
    header.writeBigUInt64BE(BigInt(time), 1);
    const body = Buffer.concat([header, iv, cipher.update(data), cipher.final()]);
    const mac = crypto.createHmac('sha256', signing).update(body).digest();
    theirs.push(`${length}: ${Buffer.concat([body, mac]).toString('base64url')}`);
    const token = fernet._encryptFromParts(data, time, iv);
    ours.push(`${length}: ${token.replace(/=+$/, '')}`);
    if (Buffer.from(fernet.decrypt(token)).equals(data)) roundTrips++;
  }
  expect(ours).toEqual(theirs);
  expect(roundTrips).toBe(301);
});

test('PBKDF2 for random passwords, salts and iteration counts equals pbkdf2Sync', () => {
  const rng = generator(0x9bdf2);
  const ours = [];
  const theirs = [];
  for (let trial = 0; trial < 60; trial++) {
    const password = rng.bytes(rng.int(120));
    const salt = rng.bytes(rng.int(40));
    const iterations = 1 + rng.int(trial % 6 === 0 ? 20000 : 300);
    ours.push(`${trial} (${iterations}): ${Fernet.deriveKey(password, salt, { kdf: 'pbkdf2', iterations })}`);
    theirs.push(`${trial} (${iterations}): ${nodePbkdf2(password, salt, iterations)}`);
  }
  expect(ours).toEqual(theirs);
  // Text passwords are UTF-8, as Python's recipe encodes them.
  const salt = rng.bytes(16);
  for (const password of ['', 'correct horse battery staple', 'pässwörd 🔑', 'x'.repeat(200)]) {
    expect(Fernet.deriveKey(password, salt, { kdf: 'pbkdf2', iterations: 1000 }))
      .toBe(nodePbkdf2(Buffer.from(password, 'utf8'), salt, 1000));
  }
});
