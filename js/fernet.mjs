// fernet-wasm: Fernet tokens that Python's cryptography.fernet reads and
// writes, byte for byte. This file is the whole JS API; the work is done by
// the C++ core in wasm (cpp/). scripts/build.mjs turns it into dist/fernet.mjs
// and dist/fernet.cjs, replacing the two imports below with the Emscripten
// glue and the wasm itself.
import createFernetCore from '../build-wasm/fernet_core.mjs'; // @build:strip
import { defaultWasm } from './wasm-source.mjs'; // @build:strip
import { kdfDeriveKey } from './kdf.mjs'; // @build:strip

// fernet::Status values (cpp/fernet.h).
const INVALID_TOKEN = 1;
const INVALID_KEY = 2;
const OUT_OF_MEMORY = 3;
const TOO_LARGE = 4;

/** The largest message the in-memory API takes, in bytes. */
export const MAX_MESSAGE_SIZE = 256 * 1024 * 1024;
/** The length of the token for a MAX_MESSAGE_SIZE message: longer tokens are refused. */
export const MAX_TOKEN_LENGTH = Math.ceil((25 + (MAX_MESSAGE_SIZE + 16) + 32) / 3) * 4;

const KEY_MESSAGE = 'Fernet key must be 32 url-safe base64-encoded bytes.';
const NOT_READY = 'fernet-wasm is not ready: await ready() before using it';
const TWO_32 = 2 ** 32;

const utf8Encoder = new TextEncoder();
const asciiDecoder = new TextDecoder();

// Token and key text is ASCII. For short text, building the string in JS
// beats a call into the runtime's decoder; long text goes to TextDecoder.
function asciiText(bytes) {
  if (bytes.length > 1024) return asciiDecoder.decode(bytes);
  return String.fromCharCode.apply(null, bytes);
}
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });

let core = null;
let loading = null;

/** Thrown for every token that fails to verify or decrypt, whatever the reason. */
export class InvalidToken extends Error {
  constructor() {
    super('Invalid token');
    this.name = 'InvalidToken';
  }
}

/**
 * Loads and self-tests the wasm core once; later calls return the same promise.
 * `wasm` optionally supplies the module for hosts that load code their own way:
 * a WebAssembly.Module, or the wasm bytes (ArrayBuffer or Uint8Array).
 */
export function ready(wasm) {
  if (loading === null) {
    loading = load(wasm).catch((error) => {
      loading = null;
      throw error;
    });
  }
  return loading;
}

async function load(wasm) {
  if (typeof globalThis.crypto?.getRandomValues !== 'function') {
    throw new Error('fernet-wasm needs crypto.getRandomValues (Web Crypto), which this runtime lacks');
  }
  const source = wasm ?? defaultWasm();
  const loaded = await new Promise((resolve, reject) => {
    createFernetCore({
      // Handing Emscripten the instance means its loader never fetches a URL
      // or reads a file: one code path for Node, browsers, workers and bundlers.
      instantiateWasm(imports, receiveInstance) {
        instantiate(source, imports).then(receiveInstance, reject);
        return {};
      },
    }).then(resolve, reject);
  });
  selfTest(loaded);
  core = loaded;
}

async function instantiate(source, imports) {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, imports);
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return (await WebAssembly.instantiate(source, imports)).instance;
  }
  throw new TypeError('ready(wasm): wasm must be a WebAssembly.Module, an ArrayBuffer or a Uint8Array');
}

// A token made by Python's cryptography (Fernet(key)._encrypt_from_parts(
// b"fernet-wasm", 1700000000, bytes(range(16))), key = bytes(range(100, 132))).
function selfTest(candidate) {
  const key = new Uint8Array(32).map((_, i) => 100 + i);
  const iv = new Uint8Array(16).map((_, i) => i);
  const expected =
    'gAAAAABlU_EAAAECAwQFBgcICQoLDA0OD3wy6x31JCj2xAjN4lPEbePkB6I9cL_S7KpRmWxyFI7hNChLHDJHn39qnLuQj0z_dw==';
  const token = candidate.encrypt(key, utf8Encoder.encode('fernet-wasm'), 0, 1700000000, iv);
  const plain = candidate.decrypt(key, token, false, 0, 0, 0, 0);
  if (typeof token === 'number' || asciiDecoder.decode(token) !== expected ||
      typeof plain === 'number' || asciiDecoder.decode(plain) !== 'fernet-wasm') {
    throw new Error('fernet-wasm self-test failed: the wasm core does not produce the known token');
  }
}

function requireCore() {
  if (core === null) throw new Error(NOT_READY);
  return core;
}

// Results from the core are a Uint8Array, or a status number on failure.
function unwrap(result) {
  if (typeof result !== 'number') return result;
  switch (result) {
    case INVALID_TOKEN: throw new InvalidToken();
    case INVALID_KEY: throw new Error(KEY_MESSAGE);
    case OUT_OF_MEMORY: throw new RangeError('fernet-wasm: out of wasm memory');
    case TOO_LARGE: throw new RangeError('fernet-wasm: input too large');
    default: throw new Error(`fernet-wasm: unexpected status ${result}`);
  }
}

// IVs come from a pool refilled from the platform CSPRNG: one
// getRandomValues call serves 64 tokens. IVs are public, so a pooled one
// is as good as a fresh one.
const ivPool = new Uint8Array(1024);
let ivPoolOffset = ivPool.length;
function randomIv() {
  if (ivPoolOffset === ivPool.length) {
    globalThis.crypto.getRandomValues(ivPool);
    ivPoolOffset = 0;
  }
  ivPoolOffset += 16;
  return ivPool.subarray(ivPoolOffset - 16, ivPoolOffset);
}

function now() {
  return Math.floor(Date.now() / 1000);
}

function isBytes(value) {
  return value instanceof Uint8Array;
}

// A message as bytes; `owned` tells whether the copy is ours to wipe.
function messageBytes(data) {
  if (typeof data === 'string') {
    if (data.length > MAX_MESSAGE_SIZE) throw new RangeError(tooLarge('message', MAX_MESSAGE_SIZE));
    const bytes = utf8Encoder.encode(data);
    if (bytes.length > MAX_MESSAGE_SIZE) throw new RangeError(tooLarge('message', MAX_MESSAGE_SIZE));
    return { bytes, owned: true };
  }
  if (isBytes(data)) {
    if (data.length > MAX_MESSAGE_SIZE) throw new RangeError(tooLarge('message', MAX_MESSAGE_SIZE));
    return { bytes: data, owned: false };
  }
  throw new TypeError('data must be a Uint8Array or a string');
}

function tokenBytes(token) {
  if (typeof token === 'string') {
    if (token.length > MAX_TOKEN_LENGTH) throw new RangeError(tooLarge('token', MAX_TOKEN_LENGTH));
    return utf8Encoder.encode(token); // non-ASCII becomes bytes the decoder rejects
  }
  if (isBytes(token)) {
    if (token.length > MAX_TOKEN_LENGTH) throw new RangeError(tooLarge('token', MAX_TOKEN_LENGTH));
    return token;
  }
  throw new TypeError('token must be a string or a Uint8Array');
}

function tooLarge(what, limit) {
  return `fernet-wasm: ${what} larger than ${limit} bytes; use the streaming API for large data`;
}

// [high, low] 32-bit halves of an unsigned 64-bit time in seconds.
function timeHalves(value, name) {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${name} must be a non-negative integer number of seconds`);
    }
    return [Math.floor(value / TWO_32), value >>> 0];
  }
  if (typeof value === 'bigint') {
    if (value < 0n || value > 0xffffffffffffffffn) {
      throw new RangeError(`${name} must be within 0 .. 2^64-1 seconds`);
    }
    return [Number(value >> 32n), Number(value & 0xffffffffn)];
  }
  throw new TypeError(`${name} must be a number or a bigint`);
}

// [high, low] halves of a signed 64-bit TTL (two's complement).
function ttlHalves(ttl) {
  if (typeof ttl === 'number') {
    if (!Number.isSafeInteger(ttl)) throw new RangeError('ttl must be an integer number of seconds');
    return [Math.floor(ttl / TWO_32) | 0, ttl >>> 0];
  }
  if (typeof ttl === 'bigint') {
    if (ttl < -(2n ** 63n) || ttl >= 2n ** 63n) throw new RangeError('ttl must fit in 64 signed bits');
    return [Number(BigInt.asIntN(32, ttl >> 32n)), Number(ttl & 0xffffffffn)];
  }
  throw new TypeError('ttl must be a number or a bigint');
}

function parseKey(key) {
  const c = requireCore();
  if (typeof key === 'string') {
    if (key.length !== 44) throw new Error(KEY_MESSAGE);
    const text = utf8Encoder.encode(key);
    try {
      return unwrap(c.parseKey(text));
    } finally {
      text.fill(0);
    }
  }
  if (isBytes(key)) {
    if (key.length !== 32) throw new Error(KEY_MESSAGE);
    return key.slice();
  }
  throw new TypeError('Fernet key must be a string or a Uint8Array');
}

// The raw keys of each Fernet, kept out of reach of user code.
const rawKeys = new WeakMap();

// The operations Fernet and MultiFernet share; `keys` holds one raw key or
// several concatenated, tried in order.
function encryptWith(keys, data, currentTime, iv) {
  const c = requireCore();
  const [high, low] = timeHalves(currentTime, 'currentTime');
  if (!isBytes(iv)) throw new TypeError('iv must be a Uint8Array');
  if (iv.length !== 16) throw new RangeError('iv must be 16 bytes');
  const key = keys.subarray(0, 32);
  if ((typeof data === 'string' && data.length * 3 <= HOT_PATH_LIMIT) || (isBytes(data) && data.length <= HOT_PATH_LIMIT)) {
    return encryptSmall(c, key, data, high, low, iv);
  }
  const message = messageBytes(data);
  try {
    return asciiText(unwrap(c.encrypt(key, message.bytes, high, low, iv)));
  } finally {
    if (message.owned) message.bytes.fill(0);
  }
}

function decryptWith(keys, token, ttl, currentTime) {
  const c = requireCore();
  const timing = ttl === undefined || ttl === null
    ? [false, 0, 0, 0, 0]
    : [true, ...ttlHalves(ttl), ...timeHalves(currentTime, 'currentTime')];
  if ((typeof token === 'string' || isBytes(token)) && token.length <= HOT_PATH_LIMIT) {
    return decryptSmall(c, keys, token, timing);
  }
  return unwrap(c.decrypt(keys, tokenBytes(token), ...timing));
}

// Small messages and tokens, the common case, go through one scratch buffer
// in wasm memory (cpp/bindings.cpp): the inputs are written straight into it,
// the result is copied out, and the buffer is zero-filled before returning.
const HOT_PATH_LIMIT = 16 * 1024;
let scratchView = null;

function scratch(c, size) {
  // A view goes stale (length 0) when wasm memory grows; then it is fetched anew.
  if (scratchView === null || scratchView.length < size) {
    scratchView = unwrap(c.scratchView(Math.max(size, 4096)));
  }
  return scratchView;
}

function tokenLength(messageSize) {
  return Math.ceil((57 + (Math.floor(messageSize / 16) + 1) * 16) / 3) * 4;
}

function encryptSmall(c, key, data, high, low, iv) {
  const room = typeof data === 'string' ? data.length * 3 : data.length;
  const size = 48 + room + tokenLength(room);
  const view = scratch(c, size);
  try {
    view.set(key, 0);
    view.set(iv, 32);
    let length = data.length;
    if (typeof data === 'string') length = utf8Encoder.encodeInto(data, view.subarray(48, 48 + room)).written;
    else view.set(data, 48);
    const result = c.encryptInScratch(length, high, low);
    if (result < 0) unwrap(-result);
    return asciiText(scratch(c, size).subarray(48 + length, 48 + length + result));
  } finally {
    scratch(c, size).fill(0, 0, size);
  }
}

function decryptSmall(c, keys, token, timing) {
  const room = typeof token === 'string' ? token.length * 3 : token.length;
  const start = keys.length;
  const size = start + room + Math.floor(room / 4) * 3;
  const view = scratch(c, size);
  try {
    view.set(keys, 0);
    let length = token.length;
    if (typeof token === 'string') length = utf8Encoder.encodeInto(token, view.subarray(start, start + room)).written;
    else view.set(token, start);
    const result = c.decryptInScratch(keys.length / 32, length, ...timing);
    if (result < 0) unwrap(-result);
    return scratch(c, size).slice(start + length, start + length + result);
  } finally {
    scratch(c, size).fill(0, 0, size);
  }
}

function requireTtl(ttl) {
  if (ttl === undefined || ttl === null) {
    throw new TypeError('decryptAtTime() can only be used with a non-null ttl');
  }
}

function decodeText(bytes) {
  try {
    return strictUtf8Decoder.decode(bytes);
  } catch {
    throw new TypeError('the decrypted message is not valid UTF-8; use decrypt() for binary data');
  } finally {
    bytes.fill(0);
  }
}

function extractTimestampWith(keys, token) {
  const be = unwrap(requireCore().extractTimestamp(keys, tokenBytes(token)));
  const view = new DataView(be.buffer, be.byteOffset, 8);
  return view.getUint32(0) * TWO_32 + view.getUint32(4);
}

// ---- streams -------------------------------------------------------------
// Each stream owns a C++ state object in wasm. It is deleted as soon as the
// stream finishes, fails or is cancelled; the garbage collector deletes the
// ones a caller abandons.
const abandoned = new FinalizationRegistry((handle) => handle.delete());

class CoreStream {
  #handle;

  constructor(kind) {
    this.#handle = new (requireCore()[kind])();
    abandoned.register(this, this.#handle, this);
  }

  call(method, ...args) {
    if (this.#handle === null) throw new Error('fernet-wasm: this stream has already ended');
    try {
      return unwrap(this.#handle[method](...args));
    } catch (error) {
      this.close();
      throw error;
    }
  }

  get handle() {
    return this.#handle;
  }

  close() {
    if (this.#handle === null) return;
    abandoned.unregister(this);
    this.#handle.delete();
    this.#handle = null;
  }
}

function chunkBytes(chunk) {
  if (isBytes(chunk)) return chunk;
  if (typeof chunk === 'string') return utf8Encoder.encode(chunk);
  throw new TypeError('stream chunks must be Uint8Arrays or strings');
}

function concatBytes(a, b) {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * Incremental encryption: update() takes plaintext pieces and returns the
 * token text produced so far (ASCII bytes); finish() returns the rest. The
 * concatenated output is exactly the token encryptAtTime() would make.
 */
class Encryptor {
  #stream;
  #header;

  constructor(key, { currentTime = now(), iv } = {}) {
    const [high, low] = timeHalves(currentTime, 'currentTime');
    const chosenIv = iv ?? randomIv();
    if (!isBytes(chosenIv) || chosenIv.length !== 16) throw new TypeError('iv must be a 16-byte Uint8Array');
    this.#stream = new CoreStream('EncryptStream');
    this.#header = this.#stream.call('start', key, high, low, chosenIv);
  }

  update(chunk) {
    return this.#withHeader(this.#stream.call('update', chunkBytes(chunk)));
  }

  finish() {
    const last = this.#withHeader(this.#stream.call('finish'));
    this.#stream.close();
    return last;
  }

  /** Frees the encryptor without finishing (finish() does this itself). */
  destroy() {
    this.#stream.close();
  }

  #withHeader(bytes) {
    if (this.#header === null) return bytes;
    const joined = concatBytes(this.#header, bytes);
    this.#header = null;
    return joined;
  }
}

function encryptStreamWith(key, options) {
  let encryptor = null;
  return new TransformStream({
    start() {
      encryptor = new Encryptor(key, options);
    },
    transform(chunk, controller) {
      try {
        const out = encryptor.update(chunk);
        if (out.length !== 0) controller.enqueue(out);
      } catch (error) {
        encryptor.destroy();
        throw error;
      }
    },
    flush(controller) {
      controller.enqueue(encryptor.finish());
    },
    cancel() {
      encryptor?.destroy();
    },
  });
}

// A C++ decryptor (cpp/fernet_stream.h). With decrypt = false it only checks;
// with decrypt = true its output is unauthenticated until finish() succeeds.
function openDecryptor(keys, decrypt, ttl, currentTime) {
  const stream = new CoreStream('DecryptStream');
  if (ttl === undefined || ttl === null) {
    stream.call('start', keys, decrypt, false, 0, 0, 0, 0);
  } else {
    const [ttlHigh, ttlLow] = ttlHalves(ttl);
    const [nowHigh, nowLow] = timeHalves(currentTime, 'currentTime');
    stream.call('start', keys, decrypt, true, ttlHigh, ttlLow, nowHigh, nowLow);
  }
  return stream;
}

function sourceOpener(source) {
  if (typeof Blob !== 'undefined' && source instanceof Blob) return () => source.stream();
  if (typeof source === 'function') return source;
  throw new TypeError('decryptStream() needs a Blob, or a function returning a new ReadableStream of the token each time');
}

async function readAll(readable, onChunk) {
  const reader = readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onChunk(chunkBytes(value));
    }
  } finally {
    reader.releaseLock();
  }
}

// Two passes over a re-readable source: the first verifies the HMAC of the
// whole token, the second decrypts, so no plaintext is released before the
// token is known to be authentic. The second pass checks the HMAC again and
// errors the stream if the source changed in between.
function decryptStreamWith(keys, source, { ttl, currentTime = now() } = {}) {
  const open = sourceOpener(source);
  let decryptor = null;
  let reader = null;
  const fail = (error) => {
    decryptor?.close();
    throw error;
  };
  return new ReadableStream({
    async start() {
      const verifier = openDecryptor(keys, false, ttl, currentTime);
      let key;
      try {
        await readAll(open(), (chunk) => verifier.call('update', chunk));
        verifier.call('finish');
        const index = verifier.handle.keyIndex();
        key = keys.subarray(32 * index, 32 * index + 32);
      } finally {
        verifier.close();
      }
      decryptor = openDecryptor(key, true, ttl, currentTime);
      reader = open().getReader();
    },
    // Reads until there is something to hand on: a pull that enqueues
    // nothing would not be called again.
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            const last = decryptor.call('finish');
            decryptor.close();
            if (last.length !== 0) controller.enqueue(last);
            controller.close();
            return;
          }
          const out = decryptor.call('update', chunkBytes(value));
          if (out.length !== 0) {
            controller.enqueue(out);
            return;
          }
        }
      } catch (error) {
        fail(error);
      }
    },
    async cancel(reason) {
      decryptor?.close();
      await reader?.cancel(reason);
    },
  });
}

// For fernet-wasm/node only (not public): a one-pass decryptor whose output
// must stay private until finish() succeeds.
const INTERNAL = Symbol.for('fernet-wasm/internal');

/** Fernet with one key, as Python's cryptography.fernet.Fernet. */
export class Fernet {
  /** A new key: base64url of 32 bytes from the platform CSPRNG (44 characters). */
  static generateKey() {
    const c = requireCore();
    const raw = globalThis.crypto.getRandomValues(new Uint8Array(32));
    try {
      return asciiText(unwrap(c.formatKey(raw)));
    } finally {
      raw.fill(0);
    }
  }

  /** The key text Python's PBKDF2HMAC / Scrypt recipe derives from a password (js/kdf.mjs). */
  static deriveKey(password, salt, options) { return kdfDeriveKey(requireCore(), password, salt, options); }

  /** `key`: the base64url text of 32 bytes (as Python's), or the 32 raw bytes. */
  constructor(key) {
    rawKeys.set(this, parseKey(key));
  }

  encrypt(data) {
    return this.encryptAtTime(data, now());
  }

  encryptAtTime(data, currentTime) {
    return encryptWith(rawKeys.get(this), data, currentTime, randomIv());
  }

  /** Deterministic tokens, for tests and vectors only (as Python's private twin). */
  _encryptFromParts(data, currentTime, iv) {
    return encryptWith(rawKeys.get(this), data, currentTime, iv);
  }

  decrypt(token, ttl) {
    return decryptWith(rawKeys.get(this), token, ttl, now());
  }

  decryptAtTime(token, ttl, currentTime) {
    requireTtl(ttl);
    return decryptWith(rawKeys.get(this), token, ttl, currentTime);
  }

  /** decrypt(), then strict UTF-8 decoding (invalid UTF-8 throws TypeError). */
  decryptToString(token, ttl) {
    return decodeText(this.decrypt(token, ttl));
  }

  extractTimestamp(token) {
    return extractTimestampWith(rawKeys.get(this), token);
  }

  /** An incremental encryptor; options: { currentTime, iv (tests only) }. */
  encryptor(options) {
    return new Encryptor(rawKeys.get(this), options);
  }

  /** A TransformStream from plaintext chunks to the token's text (ASCII bytes). */
  encryptStream(options) {
    return encryptStreamWith(rawKeys.get(this), options);
  }

  /**
   * A ReadableStream of the plaintext of a token read from `source`: a Blob,
   * or a function that returns a new ReadableStream of the same token each
   * time (it is read twice). Options: { ttl, currentTime }.
   */
  decryptStream(source, options) {
    return decryptStreamWith(rawKeys.get(this), source, options);
  }
}

/** Key rotation, as Python's MultiFernet: the first key encrypts, any key decrypts. */
export class MultiFernet {
  #keys;

  constructor(fernets) {
    if (fernets === null || typeof fernets !== 'object' || typeof fernets[Symbol.iterator] !== 'function') {
      throw new TypeError('MultiFernet requires an array of Fernet instances');
    }
    const list = Array.from(fernets);
    if (list.length === 0) throw new Error('MultiFernet requires at least one Fernet instance');
    this.#keys = new Uint8Array(32 * list.length);
    list.forEach((fernet, i) => {
      if (!(fernet instanceof Fernet)) throw new TypeError('MultiFernet takes Fernet instances only');
      this.#keys.set(rawKeys.get(fernet), 32 * i);
    });
  }

  encrypt(data) {
    return this.encryptAtTime(data, now());
  }

  encryptAtTime(data, currentTime) {
    return encryptWith(this.#keys, data, currentTime, randomIv());
  }

  decrypt(token, ttl) {
    return decryptWith(this.#keys, token, ttl, now());
  }

  decryptAtTime(token, ttl, currentTime) {
    requireTtl(ttl);
    return decryptWith(this.#keys, token, ttl, currentTime);
  }

  decryptToString(token, ttl) {
    return decodeText(this.decrypt(token, ttl));
  }

  extractTimestamp(token) {
    return extractTimestampWith(this.#keys, token);
  }

  encryptor(options) {
    return new Encryptor(this.#keys.subarray(0, 32), options);
  }

  encryptStream(options) {
    return encryptStreamWith(this.#keys.subarray(0, 32), options);
  }

  decryptStream(source, options) {
    return decryptStreamWith(this.#keys, source, options);
  }

  static [INTERNAL](multi) {
    return multi.#keys;
  }

  /** Re-encrypts under the first key, keeping the token's original timestamp. */
  rotate(token) {
    const c = requireCore();
    return asciiText(unwrap(c.rotate(this.#keys, tokenBytes(token), randomIv())));
  }
}

// What fernet-wasm/node needs beyond the public API, under a registered
// symbol rather than an export so that it stays out of the public surface.
Fernet[INTERNAL] = {
  keysOf: (fernet) => (fernet instanceof MultiFernet ? MultiFernet[INTERNAL](fernet) : rawKeys.get(fernet)),
  openDecryptor,
  now,
};
