// Every public function with bad input gets the right error, and the module
// keeps working afterwards.
const { ready, Fernet, MultiFernet, InvalidToken, MAX_MESSAGE_SIZE, MAX_TOKEN_LENGTH } =
  require('../../dist/fernet.cjs');
const { KEY, IV } = require('./helpers/fixtures');
const { tamper } = require('./helpers/tokens');

const KEY_MESSAGE = 'Fernet key must be 32 url-safe base64-encoded bytes.';
const NOT_TYPES = [undefined, null, 42, {}, [], true, () => {}, Symbol('s'), new ArrayBuffer(4), new Uint16Array(2)];

let fernet;
let multi;
let token;
beforeAll(async () => {
  await ready();
  fernet = new Fernet(KEY);
  multi = new MultiFernet([new Fernet(Fernet.generateKey()), fernet]);
  token = fernet.encrypt('still works');
});

// After any error, a normal round trip must still succeed.
afterEach(() => {
  expect(fernet.decryptToString(fernet.encrypt('ok'))).toBe('ok');
  expect(multi.decryptToString(token)).toBe('still works');
});

describe('keys', () => {
  test.each([
    ['31 raw bytes', new Uint8Array(31)],
    ['33 raw bytes', new Uint8Array(33)],
    ['empty string', ''],
    ['43 characters, no padding', KEY.slice(0, 43)],
    ['extra padding', `${KEY}=`],
    ['standard alphabet', 'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM='],
    ['non-zero trailing bits', `${KEY.slice(0, 42)}N=`],
    ['31 bytes encoded', 'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgg=='],
    ['non-ASCII', `${KEY.slice(0, 43)}é`],
    ['whitespace', ` ${KEY.slice(1)}`],
  ])('%s is refused with Python\'s message', (_, key) => {
    expect(() => new Fernet(key)).toThrow(new Error(KEY_MESSAGE));
  });

  test.each(NOT_TYPES.filter((v) => !(v instanceof ArrayBuffer)).map((v) => [String(typeof v), v]))(
    'a %s key is a TypeError', (_, key) => {
      expect(() => new Fernet(key)).toThrow(TypeError);
    });

  test('a raw 32-byte key equals its text form, and is copied', () => {
    const raw = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);
    const fromRaw = new Fernet(raw);
    raw.fill(0); // the caller reusing its buffer must not change the key
    expect(new Fernet(KEY).decryptToString(fromRaw.encrypt('same key'))).toBe('same key');
  });

  test('generateKey gives distinct 44-character base64url keys', () => {
    const keys = new Set(Array.from({ length: 200 }, () => Fernet.generateKey()));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]=$/);
  });
});

describe('encrypt', () => {
  test.each(NOT_TYPES.map((v) => [Object.prototype.toString.call(v), v]))('data of type %s is a TypeError', (_, data) => {
    expect(() => fernet.encrypt(data)).toThrow(TypeError);
    expect(() => multi.encrypt(data)).toThrow(TypeError);
  });

  test.each([
    ['NaN', NaN], ['negative', -1], ['fractional', 1.5], ['Infinity', Infinity],
    ['past 2^53', 2 ** 53], ['negative bigint', -1n], ['bigint past 2^64-1', 2n ** 64n],
  ])('a %s time is a RangeError', (_, time) => {
    expect(() => fernet.encryptAtTime('x', time)).toThrow(RangeError);
    expect(() => multi.encryptAtTime('x', time)).toThrow(RangeError);
  });

  test.each([['string', '1700000000'], ['null', null], ['undefined', undefined], ['object', {}]])(
    'a %s time is a TypeError', (_, time) => {
      expect(() => fernet.encryptAtTime('x', time)).toThrow(TypeError);
    });

  test('_encryptFromParts checks its IV', () => {
    expect(() => fernet._encryptFromParts('x', 0, new Uint8Array(15))).toThrow(RangeError);
    expect(() => fernet._encryptFromParts('x', 0, new Uint8Array(17))).toThrow(RangeError);
    expect(() => fernet._encryptFromParts('x', 0, 'sixteen bytes!!!')).toThrow(TypeError);
  });

  test('each token has a fresh IV, and the caller\'s data is untouched', () => {
    const data = new Uint8Array([1, 2, 3]);
    const ivs = new Set();
    for (let i = 0; i < 300; i++) {
      const raw = Buffer.from(fernet.encryptAtTime(data, 0), 'base64url');
      ivs.add(raw.subarray(9, 25).toString('hex'));
    }
    expect(ivs.size).toBe(300);
    expect([...data]).toEqual([1, 2, 3]);
  });

  test('messages over MAX_MESSAGE_SIZE are a RangeError before any work', () => {
    const big = new Uint8Array(MAX_MESSAGE_SIZE + 1);
    expect(() => fernet.encrypt(big)).toThrow(RangeError);
  });
});

describe('decrypt', () => {
  test.each(NOT_TYPES.map((v) => [Object.prototype.toString.call(v), v]))('a token of type %s is a TypeError', (_, bad) => {
    expect(() => fernet.decrypt(bad)).toThrow(TypeError);
    expect(() => multi.decrypt(bad)).toThrow(TypeError);
    expect(() => fernet.extractTimestamp(bad)).toThrow(TypeError);
    expect(() => multi.rotate(bad)).toThrow(TypeError);
  });

  test.each([
    ['empty', ''], ['garbage', 'not a token at all'], ['one character', 'g'],
    ['non-ASCII', `${'gAAAAA'}é`], ['NUL bytes', '\0'.repeat(100)],
    ['whitespace around', ` ${'x'} `], ['bytes', new Uint8Array([0x80, 1, 2])],
  ])('a %s token is InvalidToken everywhere', (_, bad) => {
    for (const call of [
      () => fernet.decrypt(bad), () => fernet.decrypt(bad, 60), () => fernet.decryptAtTime(bad, 60, 0),
      () => fernet.extractTimestamp(bad), () => fernet.decryptToString(bad),
      () => multi.decrypt(bad), () => multi.extractTimestamp(bad), () => multi.rotate(bad),
    ]) {
      expect(call).toThrow(InvalidToken);
    }
  });

  test('InvalidToken carries no detail that could serve as an oracle', () => {
    const variants = [
      token.slice(0, -4), tamper(token, 10), token.replace(/^g/, 'h'), 'garbage',
    ];
    const messages = new Set();
    for (const bad of variants) {
      try {
        fernet.decrypt(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidToken);
        expect(error).toBeInstanceOf(Error);
        expect(error.name).toBe('InvalidToken');
        messages.add(error.message);
      }
    }
    expect([...messages]).toEqual(['Invalid token']);
  });

  test('a token as bytes decrypts like the same token as a string', () => {
    expect(fernet.decryptToString(new TextEncoder().encode(token))).toBe('still works');
  });

  test.each([['NaN', NaN], ['fractional', 0.5], ['Infinity', Infinity], ['bigint beyond 64 bits', 2n ** 63n]])(
    'a %s ttl is a RangeError', (_, ttl) => {
      expect(() => fernet.decrypt(token, ttl)).toThrow(RangeError);
    });

  test.each([['string', '60'], ['object', {}]])('a %s ttl is a TypeError', (_, ttl) => {
    expect(() => fernet.decrypt(token, ttl)).toThrow(TypeError);
  });

  test('decryptAtTime needs a ttl, as Python\'s decrypt_at_time does', () => {
    expect(() => fernet.decryptAtTime(token, undefined, 0)).toThrow(TypeError);
    expect(() => multi.decryptAtTime(token, null, 0)).toThrow(TypeError);
  });

  test.each([['NaN', NaN], ['negative', -5]])('a %s current time is a RangeError', (_, now) => {
    expect(() => fernet.decryptAtTime(token, 60, now)).toThrow(RangeError);
  });

  test('decrypt without a ttl ignores age; with one, applies it', () => {
    const old = fernet.encryptAtTime('old', 1000);
    expect(fernet.decryptToString(old)).toBe('old');
    expect(() => fernet.decrypt(old, 60)).toThrow(InvalidToken);
    expect(fernet.decryptToString(old, null)).toBe('old');
    expect(new TextDecoder().decode(fernet.decryptAtTime(old, 60, 1060))).toBe('old');
    expect(new TextDecoder().decode(fernet.decryptAtTime(old, 60n, 1060n))).toBe('old');
  });

  test('decryptToString refuses invalid UTF-8 instead of mangling it', () => {
    const binary = fernet.encrypt(new Uint8Array([0xff, 0xfe, 0x00]));
    expect(() => fernet.decryptToString(binary)).toThrow(TypeError);
    expect([...fernet.decrypt(binary)]).toEqual([0xff, 0xfe, 0x00]);
  });

  test('tokens over MAX_TOKEN_LENGTH are a RangeError before any work', () => {
    expect(() => fernet.decrypt('g'.repeat(MAX_TOKEN_LENGTH + 1))).toThrow(RangeError);
  });

  test('the wrong key is InvalidToken; MultiFernet tries each key in order', () => {
    const other = new Fernet(Fernet.generateKey());
    expect(() => other.decrypt(token)).toThrow(InvalidToken);
    expect(new MultiFernet([other, fernet]).decryptToString(token)).toBe('still works');
    expect(() => new MultiFernet([other]).decrypt(token)).toThrow(InvalidToken);
  });
});

describe('small and large inputs take different internal paths with the same results', () => {
  // Text over 4096 UTF-16 units is first given one byte a unit in wasm memory
  // and the rest of its worst case only when a character needs more (the area
  // may move then); 65536 bytes and over are released after the call.
  test.each([1365, 1366, 4095, 4096, 4097, 16384, 65537, 100000])('%i characters, as a string and as bytes', (n) => {
    const texts = [
      '€'.repeat(Math.floor(n / 3)),
      'a'.repeat(n),
      `${'é'.repeat(n >> 1)}x`,
      `${'a'.repeat(n)}😀`,
      `${'a'.repeat(n - 1)}😀😀b`,
      '中'.repeat(n),
      `${'a'.repeat(n >> 1)}${'😀é中'.repeat(n >> 3)}`,
    ];
    for (const text of texts) {
      const bytes = new TextEncoder().encode(text);
      const token = fernet._encryptFromParts(text, 1234, IV);
      expect(token).toBe(fernet._encryptFromParts(bytes, 1234, IV));
      expect(fernet.decryptToString(token)).toBe(text);
      expect(Buffer.from(fernet.decrypt(new TextEncoder().encode(token))).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});

describe('MultiFernet', () => {
  test('an empty list is an Error, as in Python', () => {
    expect(() => new MultiFernet([])).toThrow(new Error('MultiFernet requires at least one Fernet instance'));
  });

  test.each([[null], [undefined], [42], ['keys'], [[KEY]], [[{}]]])('%p is a TypeError', (bad) => {
    expect(() => new MultiFernet(bad)).toThrow(TypeError);
  });

  test('encrypt uses the first key; rotate keeps the timestamp and moves to the first key', () => {
    const first = new Fernet(Fernet.generateKey());
    const m = new MultiFernet([first, fernet]);
    expect(first.decryptToString(m.encrypt('by first'))).toBe('by first');
    const old = fernet.encryptAtTime('aged', 1234);
    const rotated = m.rotate(old);
    expect(first.extractTimestamp(rotated)).toBe(1234);
    expect(first.decryptToString(rotated)).toBe('aged');
    expect(() => fernet.decrypt(rotated)).toThrow(InvalidToken);
    expect(m.extractTimestamp(old)).toBe(1234);
  });

  test('it takes any iterable of Fernets', () => {
    const m = new MultiFernet(new Set([fernet]));
    expect(m.decryptToString(token)).toBe('still works');
  });
});

describe('randomness', () => {
  test('comes from crypto.getRandomValues, pooled, and never from Math.random', () => {
    const original = Math.random;
    const spy = jest.spyOn(globalThis.crypto, 'getRandomValues');
    Math.random = () => { throw new Error('Math.random must not be used'); };
    try {
      for (let i = 0; i <= 4096; i++) fernet.encrypt('x');
      Fernet.generateKey();
      // 4097 IVs from a 4096-IV pool is one or two refills, plus one call for the key.
      expect(spy.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      Math.random = original;
      spy.mockRestore();
    }
  });
});
