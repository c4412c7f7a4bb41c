// Fernet.deriveKey against Python's own recipes, run by both interpreters
// (cryptography 38 and 48): every key identical, every refused parameter
// refused by both; hostile arguments; and no password or intermediate left in
// wasm memory afterwards.
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { pythons } = require('./helpers/python');
const { captureWasmMemory, findInMemory } = require('./helpers/wasm-memory');

const captured = captureWasmMemory();
const { ready, Fernet } = require('../../dist/fernet.cjs');

// Exactly the two recipes users follow, per request; refusals come back as
// the exception's class name.
const RECIPES = `
import base64, json, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

out = []
for req in json.load(sys.stdin):
    password = base64.b64decode(req["password"])
    salt = base64.b64decode(req["salt"])
    try:
        if req["kdf"] == "pbkdf2":
            kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=req["iterations"])
        else:
            kdf = Scrypt(salt=salt, length=32, n=req["n"], r=req["r"], p=req["p"])
        out.append({"key": base64.urlsafe_b64encode(kdf.derive(password)).decode()})
    except BaseException as error:  # cryptography 48 panics (PanicException) on some overflows
        out.append({"error": type(error).__name__})
print(json.dumps(out))
`;

function pythonKeys(executable, requests) {
  const input = JSON.stringify(requests.map((r) => ({
    ...r, password: Buffer.from(r.password).toString('base64'), salt: Buffer.from(r.salt).toString('base64'),
  })));
  const result = spawnSync(executable, ['-c', RECIPES], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${executable} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function ours({ password, salt, ...options }) {
  try {
    return { key: Fernet.deriveKey(typeof password === 'string' ? password : new Uint8Array(password), new Uint8Array(salt), options) };
  } catch (error) {
    return { error: error.constructor.name, message: error.message };
  }
}

const utf8 = (text) => Buffer.from(text, 'utf8');
const randomText = (length, alphabet) => Array.from({ length }, () => alphabet[crypto.randomInt(alphabet.length)]).join('');
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const WIDE = ['é', 'ß', 'Ж', '中', '文', '😀', '🔑', '\u0000', 'a', ' ', '\u200d'];

const PASSWORDS = [
  '', 'password', randomText(12, ASCII), randomText(64, ASCII), randomText(65, ASCII), randomText(300, ASCII),
  randomText(10, WIDE), randomText(40, WIDE), 'mot de passe très secret 🔑',
];
const SALTS = [0, 1, 8, 16, 32, 64, 65, 200].map((n) => crypto.randomBytes(n));
// One case at the default iteration count for every Python: our key (1.2M
// iterations in wasm, over a second) is derived once, by whichever test runs first.
const AT_DEFAULT = { salt: crypto.randomBytes(16), password: randomText(20, WIDE), key: undefined };

beforeAll(() => ready());

describe.each(pythons())('identical keys to Python ($version)', ({ executable }) => {
  test('PBKDF2HMAC(SHA256, length=32): random passwords, salt lengths and iteration counts', () => {
    const requests = [];
    PASSWORDS.forEach((password, i) => {
      for (const iterations of [1, 2, 3, 17, 1000 + i]) {
        requests.push({ kdf: 'pbkdf2', password, salt: SALTS[(i + iterations) % SALTS.length], iterations });
      }
    });
    for (const salt of SALTS) requests.push({ kdf: 'pbkdf2', password: 'salted', salt, iterations: 5 });
    // Passwords given as bytes, including bytes that are not UTF-8.
    requests.push({ kdf: 'pbkdf2', password: [0xff, 0xfe, 0, 1], salt: SALTS[3], iterations: 7 });
    requests.push({ kdf: 'pbkdf2', password: [...crypto.randomBytes(100)], salt: SALTS[4], iterations: 3 });
    const expected = pythonKeys(executable, requests.map((r) => ({ ...r, password: typeof r.password === 'string' ? utf8(r.password) : r.password })));
    const got = requests.map(ours);
    expect(got).toEqual(expected);
    for (const { key } of got) expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
  });

  test('PBKDF2 at the default 1,200,000 iterations (options omitted)', () => {
    const { salt, password } = AT_DEFAULT;
    const [atDefault] = pythonKeys(executable, [{ kdf: 'pbkdf2', password: utf8(password), salt, iterations: 1_200_000 }]);
    AT_DEFAULT.key ??= Fernet.deriveKey(password, salt);
    expect(AT_DEFAULT.key).toBe(atDefault.key);
  });

  test('Scrypt(length=32): parameters around the defaults, several salts and passwords', () => {
    const requests = [
      { n: 2 ** 14, r: 8, p: 1 }, { n: 2 ** 13, r: 8, p: 1 }, { n: 2 ** 14, r: 4, p: 2 },
      { n: 2, r: 1, p: 1 }, { n: 16, r: 1, p: 1 }, { n: 1024, r: 3, p: 3 }, { n: 2 ** 15, r: 1, p: 1 },
      { n: 256, r: 8, p: 5 }, { n: 4, r: 16, p: 1 },
    ].map((params, i) => ({ kdf: 'scrypt', password: PASSWORDS[i % PASSWORDS.length], salt: SALTS[i % SALTS.length], ...params }));
    const expected = pythonKeys(executable, requests.map((r) => ({ ...r, password: utf8(r.password) })));
    expect(requests.map(ours)).toEqual(expected);
    // The defaults: n = 2^14, r = 8, p = 1.
    expect(Fernet.deriveKey(requests[0].password, new Uint8Array(requests[0].salt), { kdf: 'scrypt' })).toBe(expected[0].key);
  });

  test('parameters Python refuses are refused; the ones it takes are taken', () => {
    const base = { password: 'p', salt: [1, 2, 3] };
    const cases = [
      { kdf: 'pbkdf2', iterations: 0 }, { kdf: 'pbkdf2', iterations: -1 }, { kdf: 'pbkdf2', iterations: 2 ** 31 },
      { kdf: 'pbkdf2', iterations: 1.5 }, { kdf: 'pbkdf2', iterations: 1 },
      { kdf: 'scrypt', n: 0, r: 1, p: 1 }, { kdf: 'scrypt', n: 1, r: 1, p: 1 }, { kdf: 'scrypt', n: 3, r: 1, p: 1 },
      { kdf: 'scrypt', n: 6, r: 8, p: 1 }, { kdf: 'scrypt', n: 2 ** 14 + 2, r: 8, p: 1 },
      { kdf: 'scrypt', n: 16, r: 0, p: 1 }, { kdf: 'scrypt', n: 16, r: 1, p: 0 }, { kdf: 'scrypt', n: 16, r: -1, p: 1 },
      { kdf: 'scrypt', n: 2 ** 16, r: 1, p: 1 }, // OpenSSL: n < 2^(16r)
      { kdf: 'scrypt', n: 2 ** 15, r: 1, p: 1 }, { kdf: 'scrypt', n: 2, r: 1, p: 1 }, { kdf: 'scrypt', n: 16, r: 2, p: 3 },
      { kdf: 'scrypt', n: 16.5, r: 1, p: 1 }, { kdf: 'scrypt', n: 16, r: 1.5, p: 1 },
    ].map((c) => ({ ...base, ...c }));
    const python = pythonKeys(executable, cases.map((c) => ({ ...c, password: utf8(c.password) })));
    const js = cases.map(ours);
    const decisions = (list) => list.map((r) => ('key' in r ? 'ok' : 'refused'));
    expect(decisions(js)).toEqual(decisions(python));
    // Where both derive, the keys agree; refusals are TypeError or RangeError.
    js.forEach((r, i) => {
      if ('key' in r) expect(r.key).toBe(python[i].key);
      else expect(['TypeError', 'RangeError']).toContain(r.error);
    });
  });
});

describe('argument checking', () => {
  const salt = new Uint8Array(16);

  test('before ready(), deriveKey throws the not-ready Error like every entry point', () => {
    jest.isolateModules(() => {
      const fresh = require('../../dist/fernet.cjs');
      expect(() => fresh.Fernet.deriveKey('p', salt, { iterations: 1 })).toThrow(/not ready: await ready\(\)/);
    });
  });

  test('a lone surrogate in a string password is a TypeError, as Python\'s encode raises', () => {
    for (const bad of ['\ud800', 'a\udc00b', 'x\ud83d', '\ud83d\ud83d\ude00'.slice(0, 2)]) {
      expect(() => Fernet.deriveKey(bad, salt, { iterations: 1 })).toThrow(TypeError);
    }
    // A proper pair is UTF-8 encoded.
    expect(Fernet.deriveKey('😀', salt, { iterations: 1 })).toBe(Fernet.deriveKey(utf8('😀'), salt, { iterations: 1 }));
  });

  test('bad types, unknown kdfs and misplaced options name the problem', () => {
    expect(() => Fernet.deriveKey(42, salt)).toThrow(/password must be a string or a Uint8Array/);
    expect(() => Fernet.deriveKey('p', 'salt')).toThrow(/salt must be a Uint8Array/);
    expect(() => Fernet.deriveKey('p', [1, 2])).toThrow(TypeError);
    expect(() => Fernet.deriveKey('p', salt, 'scrypt')).toThrow(/options must be an object/);
    expect(() => Fernet.deriveKey('p', salt, { kdf: 'argon2' })).toThrow(RangeError);
    expect(() => Fernet.deriveKey('p', salt, { kdf: 'argon2' })).toThrow(/'pbkdf2' or 'scrypt'/);
    expect(() => Fernet.deriveKey('p', salt, { kdf: 7 })).toThrow(TypeError);
    expect(() => Fernet.deriveKey('p', salt, { kdf: 'scrypt', iterations: 5 })).toThrow(/iterations does not apply to scrypt/);
    expect(() => Fernet.deriveKey('p', salt, { iterations: 5, n: 16 })).toThrow(/n does not apply to pbkdf2/);
    expect(() => Fernet.deriveKey('p', salt, { iterations: '5' })).toThrow(TypeError);
    expect(() => Fernet.deriveKey('p', salt, { iterations: 5n })).toThrow(TypeError);
    expect(() => Fernet.deriveKey('p', salt, { kdf: 'scrypt', n: 15 })).toThrow(/power of 2/);
  });

  test('scrypt beyond the 256 MiB memory cap is a RangeError, and the module keeps working', () => {
    const key = Fernet.deriveKey('p', salt, { kdf: 'scrypt', n: 16, r: 1, p: 1 });
    for (const options of [{ n: 2 ** 20, r: 8, p: 1 }, { n: 2 ** 18, r: 8, p: 1 }, { n: 2 ** 40, r: 8, p: 1 },
      { n: 2, r: 2 ** 21, p: 1 }, { n: 2 ** 14, r: 8, p: 2 ** 20 }]) {
      expect(() => Fernet.deriveKey('p', salt, { kdf: 'scrypt', ...options })).toThrow(/256 MiB memory cap/);
    }
    // Exactly at the cap is allowed (not run here: it takes a while); one step under is quick enough to check.
    expect(Fernet.deriveKey('p', salt, { kdf: 'scrypt', n: 16, r: 1, p: 1 })).toBe(key);
    const fernet = new Fernet(key);
    expect(fernet.decryptToString(fernet.encrypt('still works'))).toBe('still works');
  });

  test('hostile arguments: getters and patched prototypes are never consulted, Proxies are refused', () => {
    const plainSalt = crypto.randomBytes(16);
    const expected = Fernet.deriveKey('pw', new Uint8Array(plainSalt), { iterations: 3 });
    let called = 0;
    class Sneaky extends Uint8Array {
      get length() { called++; Fernet.deriveKey('inner', new Uint8Array(4), { iterations: 1 }); return 0; }
      get buffer() { called++; return new ArrayBuffer(0); }
      set() { called++; }
    }
    const sneaky = new Sneaky(plainSalt);
    expect(Fernet.deriveKey('pw', sneaky, { iterations: 3 })).toBe(expected);
    expect(Fernet.deriveKey(new Sneaky(utf8('pw')), plainSalt, { iterations: 3 })).toBe(expected);
    expect(called).toBe(0);
    // The options are read once each; a getter that re-enters gets a consistent answer.
    let reads = 0;
    const options = { get iterations() { reads++; return Fernet.deriveKey('x', new Uint8Array(1), { iterations: 1 }) && 3; } };
    expect(Fernet.deriveKey('pw', plainSalt, options)).toBe(expected);
    expect(reads).toBe(1);
    // Prototypes patched after load change nothing: the intrinsics were captured.
    const encode = TextEncoder.prototype.encode;
    const isWellFormed = String.prototype.isWellFormed;
    TextEncoder.prototype.encode = () => new Uint8Array(0);
    String.prototype.isWellFormed = () => true;
    try {
      expect(Fernet.deriveKey('pw', plainSalt, { iterations: 3 })).toBe(expected);
      expect(() => Fernet.deriveKey('\ud800', plainSalt, { iterations: 3 })).toThrow(TypeError);
    } finally {
      TextEncoder.prototype.encode = encode;
      String.prototype.isWellFormed = isWellFormed;
    }
    const proxy = new Proxy(new Uint8Array(plainSalt), {});
    expect(proxy instanceof Uint8Array).toBe(true);
    expect(() => Fernet.deriveKey('pw', proxy, { iterations: 3 })).toThrow(/salt must be a Uint8Array/);
    // A salt that is a view into a larger buffer is read at its own offset.
    const backing = new Uint8Array(40);
    backing.set(plainSalt, 7);
    expect(Fernet.deriveKey('pw', backing.subarray(7, 23), { iterations: 3 })).toBe(expected);
  });

  test('the password bytes a caller passes are not changed', () => {
    const password = utf8('do not wipe me');
    Fernet.deriveKey(password, salt, { iterations: 2 });
    expect(Buffer.from(password).toString()).toBe('do not wipe me');
  });
});

// ---- memory hygiene ----------------------------------------------------------
// A JS scrypt, for the scan only: the intermediates the core computes.
function salsa20_8(b) {
  const x = Uint32Array.from(b);
  const rotl = (v, n) => (v << n) | (v >>> (32 - n));
  const q = (a, b2, c, d) => {
    x[b2] ^= rotl((x[a] + x[d]) | 0, 7); x[c] ^= rotl((x[b2] + x[a]) | 0, 9);
    x[d] ^= rotl((x[c] + x[b2]) | 0, 13); x[a] ^= rotl((x[d] + x[c]) | 0, 18);
  };
  for (let i = 0; i < 8; i += 2) {
    q(0, 4, 8, 12); q(5, 9, 13, 1); q(10, 14, 2, 6); q(15, 3, 7, 11);
    q(0, 1, 2, 3); q(5, 6, 7, 4); q(10, 11, 8, 9); q(15, 12, 13, 14);
  }
  for (let i = 0; i < 16; i++) b[i] = (b[i] + x[i]) >>> 0;
}
function blockMix(input, r) {
  const out = new Uint32Array(32 * r);
  const x = input.slice((2 * r - 1) * 16, 2 * r * 16);
  for (let i = 0; i < 2 * r; i++) {
    for (let k = 0; k < 16; k++) x[k] ^= input[16 * i + k];
    salsa20_8(x);
    out.set(x, 16 * ((i >> 1) + (i & 1) * r));
  }
  return out;
}
// B, V[1], V[n-1] and ROMix's output for the first lane.
function scryptIntermediates(password, salt, n, r) {
  const b = crypto.pbkdf2Sync(password, salt, 1, 128 * r, 'sha256');
  const words = (bytes) => new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const v = [];
  let x = words(b);
  for (let i = 0; i < n; i++) { v.push(x); x = blockMix(x, r); }
  for (let i = 0; i < n; i++) {
    const j = x[(2 * r - 1) * 16] & (n - 1);
    x = blockMix(x.map((w, k) => w ^ v[j][k]), r);
  }
  const bytes = (w) => Buffer.from(w.buffer);
  return { b, v1: bytes(v[1]), vLast: bytes(v[n - 1]), mixed: bytes(x) };
}
// The core keeps each 64-byte block's words in Salsa20's slot order (cpp/salsa20_block.h):
// the scan looks for both forms.
const SLOT_ORDER = [0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11];
function inSlotOrder(bytes) {
  const out = Buffer.alloc(bytes.length);
  for (let block = 0; block < bytes.length; block += 64) {
    SLOT_ORDER.forEach((word, slot) => bytes.copy(out, block + 4 * slot, block + 4 * word, block + 4 * word + 4));
  }
  return out;
}

describe('no password or intermediate is left in wasm memory after deriveKey', () => {
  const password = Buffer.from(`pw-${crypto.randomBytes(24).toString('hex')}`);
  const salt = crypto.randomBytes(16);
  const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();
  const chunks = (name, bytes) => [[`${name} (start)`, bytes.subarray(0, 24)], [`${name} (end)`, bytes.subarray(-24)]];
  const leftovers = (secrets) => secrets.filter(([, needle]) => findInMemory(captured.memory, needle).length > 0).map(([name]) => name);
  const xor = (bytes, value) => Buffer.from(bytes.map((b) => b ^ value));
  const bothOrders = (name, bytes) => [...chunks(name, bytes), ...chunks(`${name} in slot order`, inSlotOrder(bytes))];

  test('control: the scan finds what is there', () => {
    expect(captured.memory).toBeInstanceOf(WebAssembly.Memory);
    expect(findInMemory(captured.memory, Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789-_')).length).toBeGreaterThan(0);
  });

  test('PBKDF2: password, HMAC pads, U values, T and the key', () => {
    const key = Fernet.deriveKey(new Uint8Array(password), salt, { iterations: 3 });
    Fernet.deriveKey(password.toString(), salt, { iterations: 3 });
    const u1 = hmac(password, Buffer.concat([salt, Buffer.from([0, 0, 0, 1])]));
    const u2 = hmac(password, u1);
    const u3 = hmac(password, u2);
    const raw = Buffer.from(key, 'base64url');
    expect(raw.equals(Buffer.from(u1.map((b, i) => b ^ u2[i] ^ u3[i])))).toBe(true);
    const secrets = [
      ['password', password], ['HMAC inner pad', xor(password, 0x36)], ['HMAC outer pad', xor(password, 0x5c)],
      ...chunks('U1', u1), ...chunks('U2', u2), ...chunks('U3', u3), ...chunks('U1^U2', Buffer.from(u1.map((b, i) => b ^ u2[i]))),
      ...chunks('key', raw), ['key text', Buffer.from(key)],
    ];
    expect(leftovers(secrets)).toEqual([]);
  });

  test.each([[16, 1], [2 ** 14, 8]])('scrypt n=%i r=%i: password, B, the work area V, X and the key', (n, r) => {
    const key = Fernet.deriveKey(new Uint8Array(password), salt, { kdf: 'scrypt', n, r, p: 1 });
    const { b, v1, vLast, mixed } = scryptIntermediates(password, salt, n, r);
    const raw = crypto.pbkdf2Sync(password, mixed, 1, 32, 'sha256');
    expect(Buffer.from(key, 'base64url').equals(raw)).toBe(true); // the reference is the core's computation
    const secrets = [
      ['password', password], ['HMAC inner pad', xor(password, 0x36)],
      ...bothOrders('B', b), ...bothOrders('V[1]', v1), ...bothOrders('V[n-1]', vLast), ...bothOrders('ROMix output', mixed),
      ...chunks('key', raw), ['key text', Buffer.from(key)],
    ];
    expect(leftovers(secrets)).toEqual([]);
  });

  test('a refused or capped derivation leaves nothing either', () => {
    expect(() => Fernet.deriveKey(new Uint8Array(password), salt, { kdf: 'scrypt', n: 2 ** 21 })).toThrow(RangeError);
    expect(leftovers([['password', password]])).toEqual([]);
  });
});
