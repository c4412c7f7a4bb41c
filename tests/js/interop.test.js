// Interop with real Python (cryptography 38 at /usr/bin/python3 and 48 as the
// python3 on PATH), both directions, byte for byte where the format allows it.
const crypto = require('node:crypto');
// Both links of the core: the portable bundle (browsers; AES and HMAC in two passes) and what
// require('fernet-wasm') gives Node (its own link: AES and HMAC in one loop).
const BUILDS = [
  ['the portable bundle', require('../../dist/fernet.cjs')],
  ["Node's entry", require('../../dist/fernet.node.cjs')],
];
const { pythons, runPython, b64 } = require('./helpers/python');
const { T0 } = require('./helpers/fixtures');

const enc = new TextEncoder();
const PAYLOADS = {
  empty: new Uint8Array(0),
  '1 byte': new Uint8Array([0x42]),
  '15 bytes': crypto.randomBytes(15),
  '16 bytes': crypto.randomBytes(16),
  '17 bytes': crypto.randomBytes(17),
  '255 bytes': crypto.randomBytes(255),
  'all 256 byte values': Uint8Array.from({ length: 256 }, (_, i) => i),
  'multilingual UTF-8': enc.encode('Grüße, 你好, こんにちは, Здравствуйте, مرحبا, 🔐🗝️ — ½ ∑ ∞'),
  // Around the size where the API switches from its scratch-buffer path to the general one.
  '16 KiB - 1': crypto.randomBytes(16 * 1024 - 1),
  '16 KiB': crypto.randomBytes(16 * 1024),
  '16 KiB + 1': crypto.randomBytes(16 * 1024 + 1),
  '1 MiB random': crypto.randomBytes(1 << 20),
};

describe.each(BUILDS)('%s', (_build, { ready, Fernet, MultiFernet, InvalidToken }) => {
  function ourVerdict(fn) {
    try {
      return { data: b64(fn()) };
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error;
      return { error: 'InvalidToken' };
    }
  }

  beforeAll(() => ready());

  describe.each(pythons().map((p) => [p.version, p.executable]))('cryptography %s (%s)', (version, python) => {
    test('tokens from _encryptFromParts are identical to Python\'s, for every payload', () => {
      const key = Fernet.generateKey();
      const iv = crypto.randomBytes(16);
      const entries = Object.entries(PAYLOADS);
      const results = runPython(python, entries.map(([, data]) => ({
        op: 'encrypt', key, data: b64(data), time: T0, iv: b64(iv),
      })));
      const fernet = new Fernet(key);
      entries.forEach(([name, data], i) => {
        expect([name, fernet._encryptFromParts(data, T0, iv)]).toEqual([name, results[i].token]);
      });
    });

    test('Python decrypts our tokens, and we decrypt Python\'s', () => {
      const key = Fernet.generateKey();
      const fernet = new Fernet(key);
      const entries = Object.entries(PAYLOADS);
      const ours = entries.map(([, data]) => fernet.encrypt(data));
      const results = runPython(python, [
        ...ours.map((token) => ({ op: 'decrypt', key, token })),
        ...entries.map(([, data]) => ({ op: 'encrypt', key, data: b64(data) })),
      ]);
      entries.forEach(([name, data], i) => {
        expect([name, results[i].data]).toEqual([name, b64(data)]);
        const theirs = results[entries.length + i].token;
        expect([name, b64(fernet.decrypt(theirs))]).toEqual([name, b64(data)]);
      });
    });

    test('UTF-8 strings round-trip as text both ways', () => {
      const key = Fernet.generateKey();
      const text = 'Grüße 🔐 naïve café';
      const [{ token }] = runPython(python, [{ op: 'encrypt', key, data: b64(enc.encode(text)) }]);
      expect(new Fernet(key).decryptToString(token)).toBe(text);
      const [{ data }] = runPython(python, [{ op: 'decrypt', key, token: new Fernet(key).encrypt(text) }]);
      expect(Buffer.from(data, 'base64').toString('utf8')).toBe(text);
    });

    test('keys: Python\'s generate_key works here, ours works there', () => {
      const [{ key: theirs }] = runPython(python, [{ op: 'generate_key' }]);
      const ours = Fernet.generateKey();
      expect(ours).toMatch(/^[A-Za-z0-9_-]{43}=$/);
      const token = new Fernet(theirs).encrypt('x');
      const [decrypted, encrypted] = runPython(python, [
        { op: 'decrypt', key: theirs, token },
        { op: 'encrypt', key: ours, data: b64(enc.encode('y')) },
      ]);
      expect(decrypted.data).toBe(b64(enc.encode('x')));
      expect(new Fernet(ours).decryptToString(encrypted.token)).toBe('y');
    });

    test('extractTimestamp agrees, including timestamps past 2^32', () => {
      const key = Fernet.generateKey();
      const fernet = new Fernet(key);
      const times = [0, 1, T0, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];
      const tokens = times.map((t) => fernet.encryptAtTime('t', t));
      const results = runPython(python, tokens.map((token) => ({ op: 'extract_timestamp', key, token })));
      times.forEach((t, i) => {
        expect(results[i].timestamp).toBe(String(t));
        expect(fernet.extractTimestamp(tokens[i])).toBe(t);
      });
      // The full unsigned 64-bit range, through bigint, as Python reads it.
      const [{ timestamp }] = runPython(python, [
        { op: 'extract_timestamp', key, token: fernet.encryptAtTime('t', 2n ** 64n - 1n) },
      ]);
      expect(BigInt(timestamp)).toBe(2n ** 64n - 1n);
    });

    test('MultiFernet: our rotation is read by Python with the timestamp kept, and the reverse', () => {
      const [oldKey, newKey] = [Fernet.generateKey(), Fernet.generateKey()];
      const old = new Fernet(oldKey);
      const multi = new MultiFernet([new Fernet(newKey), old]);
      const original = old.encryptAtTime('rotate me', T0);
      const rotated = multi.rotate(original);
      const [pyRotate, pyTime, pyDecrypt, pyOld] = runPython(python, [
        { op: 'rotate', keys: [newKey, oldKey], token: original },
        { op: 'extract_timestamp', key: newKey, token: rotated },
        { op: 'decrypt', key: newKey, token: rotated },
        { op: 'decrypt', key: oldKey, token: rotated },
      ]);
      expect(pyTime.timestamp).toBe(String(T0));
      expect(Buffer.from(pyDecrypt.data, 'base64').toString()).toBe('rotate me');
      expect(pyOld).toEqual({ error: 'InvalidToken' });
      expect(new Fernet(newKey).extractTimestamp(pyRotate.token)).toBe(T0);
      expect(new Fernet(newKey).decryptToString(pyRotate.token)).toBe('rotate me');
      expect(multi.decryptToString(original)).toBe('rotate me');
    });

    test('TTL and clock-skew boundaries are decided exactly as Python decides', () => {
      const key = Fernet.generateKey();
      const fernet = new Fernet(key);
      const token = fernet.encryptAtTime('fresh', T0);
      const cases = [];
      for (const ttl of [-61, -60, -1, 0, 1, 59, 60, 61, 3600]) {
        for (const delta of [-3601, -62, -61, -60, -59, -1, 0, 1, 59, 60, 61, 3599, 3600, 3601]) {
          cases.push({ ttl, now: T0 + delta });
        }
      }
      const results = runPython(python, cases.map(({ ttl, now }) => ({ op: 'decrypt', key, token, ttl, now })));
      let accepted = 0;
      cases.forEach(({ ttl, now }, i) => {
        const ours = ourVerdict(() => fernet.decryptAtTime(token, ttl, now));
        expect({ ttl, now, ...ours }).toEqual({ ttl, now, ...results[i] });
        if (ours.data) accepted += 1;
      });
      // Both outcomes occur, so the grid really straddles the boundaries.
      expect(accepted).toBeGreaterThan(10);
      expect(accepted).toBeLessThan(cases.length - 10);
    });
  });
});
