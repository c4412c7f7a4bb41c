// Argument checking: one validator per kind of argument, each returning a
// plain value the rest of the library can use without running user code again.
import { KEY_MESSAGE } from './errors.mjs';
import { bytesView, byteLength, copyBytes, encode, isBytes, isWellFormed } from './intrinsics.mjs';

/** The largest message the in-memory API takes, in bytes. */
export const MAX_MESSAGE_SIZE = 256 * 1024 * 1024;
/** The length of the token for a MAX_MESSAGE_SIZE message: longer tokens are refused. */
export const MAX_TOKEN_LENGTH = Math.ceil((25 + (MAX_MESSAGE_SIZE + 16) + 32) / 3) * 4;
// Strings up to this length are UTF-8 encoded straight into wasm memory: their
// UTF-8 (at most three bytes a UTF-16 unit) cannot pass MAX_MESSAGE_SIZE.
const DIRECT_STRING_LENGTH = Math.floor(MAX_MESSAGE_SIZE / 3);

function tooLarge(what, limit) {
  return new RangeError(`fernet-wasm: ${what} larger than ${limit} bytes; use the streaming API for large data`);
}

/** A string as UTF-8; a lone surrogate is a TypeError (Python refuses to encode one). */
export function utf8(text, name) {
  if (!isWellFormed(text)) throw new TypeError(`${name} is not well-formed Unicode (it has a lone surrogate)`);
  return encode(text);
}

/**
 * A message for the core: `input` is the string itself (encoded straight into
 * wasm memory) unless it is long enough for its UTF-8 to exceed the limit, or
 * bytes; `owned` bytes are the library's own copy, to wipe after use.
 */
export function message(data) {
  if (typeof data === 'string') {
    if (data.length > MAX_MESSAGE_SIZE) throw tooLarge('message', MAX_MESSAGE_SIZE);
    if (!isWellFormed(data)) throw new TypeError('data is not well-formed Unicode (it has a lone surrogate)');
    if (data.length <= DIRECT_STRING_LENGTH) return { input: data, owned: null };
    const bytes = encode(data);
    if (bytes.length > MAX_MESSAGE_SIZE) {
      bytes.fill(0);
      throw tooLarge('message', MAX_MESSAGE_SIZE);
    }
    return { input: bytes, owned: bytes };
  }
  if (isBytes(data)) {
    const view = bytesView(data);
    if (byteLength(view) > MAX_MESSAGE_SIZE) throw tooLarge('message', MAX_MESSAGE_SIZE);
    return { input: view, owned: null };
  }
  throw new TypeError('data must be a Uint8Array or a string');
}

/**
 * A token for the core. Token text is ASCII, so a string is measured in
 * bytes by its length; one with other characters cannot be valid (`ascii`
 * makes the core call refuse it as an invalid token without a large buffer).
 */
export function token(value) {
  if (typeof value === 'string') {
    if (value.length > MAX_TOKEN_LENGTH) throw tooLarge('token', MAX_TOKEN_LENGTH);
    // Text with other characters than ASCII is refused by the core call, which
    // reserves one byte a character and sees encodeInto stop short: no
    // separate scan of the text (it cost 9% of a 1 MiB decrypt).
    return value;
  }
  if (isBytes(value)) {
    const view = bytesView(value);
    if (byteLength(view) > MAX_TOKEN_LENGTH) throw tooLarge('token', MAX_TOKEN_LENGTH);
    return view;
  }
  throw new TypeError('token must be a string or a Uint8Array');
}

/** A key as given: 44 characters of text (parsed by the core) or 32 raw bytes (copied). */
export function key(value) {
  if (typeof value === 'string') {
    if (value.length !== 44) throw new Error(KEY_MESSAGE);
    return { text: value };
  }
  if (isBytes(value)) {
    const raw = copyBytes(value);
    if (raw.length !== 32) {
      raw.fill(0);
      throw new Error(KEY_MESSAGE);
    }
    return { raw };
  }
  throw new TypeError('Fernet key must be a string or a Uint8Array');
}

/** A time in seconds since the epoch: a non-negative safe integer or a bigint up to 2^64-1. */
export function seconds(value, name) {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`${name} must be a non-negative integer number of seconds`);
    }
    return value;
  }
  if (typeof value === 'bigint') {
    if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`${name} must be within 0 .. 2^64-1 seconds`);
    return value;
  }
  throw new TypeError(`${name} must be a number or a bigint`);
}

/** A TTL in seconds (signed 64-bit, as Python's int arithmetic allows), or null for none. */
export function ttl(value) {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError('ttl must be an integer number of seconds');
    return value;
  }
  if (typeof value === 'bigint') {
    if (value < -(2n ** 63n) || value >= 2n ** 63n) throw new RangeError('ttl must fit in 64 signed bits');
    return value;
  }
  throw new TypeError('ttl must be a number or a bigint');
}

/** A 16-byte IV, copied. */
export function iv(value) {
  if (!isBytes(value)) throw new TypeError('iv must be a 16-byte Uint8Array');
  const copy = copyBytes(value);
  if (copy.length !== 16) throw new RangeError('iv must be 16 bytes');
  return copy;
}

/** An options argument: undefined, or an object whose properties are read once each. */
export function options(value, names) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') throw new TypeError('options must be an object');
  const read = {};
  for (const name of names) read[name] = value[name];
  return read;
}

/** A stream chunk as bytes: a Uint8Array (viewed) or a string (UTF-8, library-owned). */
export function chunk(value) {
  if (isBytes(value)) return { input: bytesView(value), owned: null };
  if (typeof value === 'string') {
    const bytes = utf8(value, 'a stream chunk');
    return { input: bytes, owned: bytes };
  }
  throw new TypeError('stream chunks must be Uint8Arrays or strings');
}

