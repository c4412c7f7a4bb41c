// Keys from passwords, exactly as Python's cryptography derives them
// (Fernet.deriveKey in js/fernet.mjs delegates here). The work is done by the
// C++ core (cpp/kdf.cpp); this file checks the arguments and copies them
// into plain bytes before any of them reaches wasm memory.
//
// scripts/build.mjs pastes this file, without its `export` keywords, into the
// same scope as js/fernet.mjs: every top-level name here starts with `kdf`
// so that none collides with one of fernet.mjs's.

// fernet::Status values (cpp/fernet.h) that a derivation can return.
const KDF_OUT_OF_MEMORY = 3;
const KDF_TOO_LARGE = 4;
const KDF_INVALID_PARAMETERS = 5;

/** Defaults: pyca/cryptography's documented PBKDF2 recipe, and the common scrypt one. */
export const KDF_DEFAULTS = Object.freeze({
  pbkdf2: Object.freeze({ iterations: 1_200_000 }),
  scrypt: Object.freeze({ n: 2 ** 14, r: 8, p: 1 }),
});
/** scrypt's work area, 128*r*n + 128*r*p bytes, may not exceed this (cpp/kdf.h). */
export const KDF_MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
// OpenSSL, under Python, takes the iteration count as a C int.
const KDF_MAX_ITERATIONS = 2 ** 31 - 1;

// Intrinsics captured at load time: a caller's getters, subclasses or
// patched prototypes cannot change how an argument is read.
const kdfTypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const kdfTagOf = Object.getOwnPropertyDescriptor(kdfTypedArrayProto, Symbol.toStringTag).get;
const kdfLengthOf = Object.getOwnPropertyDescriptor(kdfTypedArrayProto, 'length').get;
const kdfSet = kdfTypedArrayProto.set;
const kdfApply = Reflect.apply;
const kdfIsWellFormed = String.prototype.isWellFormed;
const kdfCharCodeAt = String.prototype.charCodeAt;
const kdfEncode = TextEncoder.prototype.encode;
const kdfEncoder = new TextEncoder();
const kdfObjectKeys = Object.keys;
const kdfFromCharCode = String.fromCharCode;

// A plain copy of a genuine Uint8Array (subclasses included), read through
// its internal slots only; anything else (a Proxy, an array) is refused.
function kdfCopyBytes(value, name) {
  if (value === null || typeof value !== 'object' || kdfApply(kdfTagOf, value, []) !== 'Uint8Array') {
    throw new TypeError(`${name} must be a Uint8Array`);
  }
  const copy = new Uint8Array(kdfApply(kdfLengthOf, value, []));
  kdfApply(kdfSet, copy, [value]);
  return copy;
}

function kdfWellFormed(text) {
  if (typeof kdfIsWellFormed === 'function') return kdfApply(kdfIsWellFormed, text, []);
  for (let i = 0; i < text.length; i++) {
    const unit = kdfApply(kdfCharCodeAt, text, [i]);
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = kdfApply(kdfCharCodeAt, text, [i + 1]);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}

function kdfPasswordBytes(password) {
  if (typeof password === 'string') {
    // Python's str.encode('utf-8') raises on a lone surrogate; so do we,
    // rather than let TextEncoder replace it with U+FFFD.
    if (!kdfWellFormed(password)) {
      throw new TypeError('password contains a lone surrogate, which has no UTF-8 encoding');
    }
    return kdfApply(kdfEncode, kdfEncoder, [password]);
  }
  try {
    return kdfCopyBytes(password, 'password');
  } catch {
    throw new TypeError('password must be a string or a Uint8Array');
  }
}

function kdfInteger(value, name, min, max) {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer`);
  }
  if (value < min || value > max) throw new RangeError(`${name} must be within ${min} .. ${max}`);
  return value;
}

// [kind, a, b, c] for the core, from options read once each.
function kdfParameters(options) {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const given = Object.create(null);
  for (const name of kdfObjectKeys(options)) given[name] = options[name];
  const kdf = given.kdf === undefined ? 'pbkdf2' : given.kdf;
  if (typeof kdf !== 'string') throw new TypeError("options.kdf must be 'pbkdf2' or 'scrypt'");
  if (kdf !== 'pbkdf2' && kdf !== 'scrypt') {
    // The value is not repeated: a misplaced argument could be the password.
    throw new RangeError("options.kdf must be 'pbkdf2' or 'scrypt'");
  }
  const allowed = kdf === 'pbkdf2' ? ['kdf', 'iterations'] : ['kdf', 'n', 'r', 'p'];
  for (const name of kdfObjectKeys(given)) {
    if (!allowed.includes(name)) {
      throw new TypeError(`options.${name.slice(0, 20)} does not apply to ${kdf} (it takes ${allowed.slice(1).join(', ')})`);
    }
  }
  const pick = (name) => (given[name] === undefined ? KDF_DEFAULTS[kdf][name] : given[name]);
  if (kdf === 'pbkdf2') {
    return [0, kdfInteger(pick('iterations'), 'options.iterations', 1, KDF_MAX_ITERATIONS), 0, 0];
  }
  const n = kdfInteger(pick('n'), 'options.n', 2, Number.MAX_SAFE_INTEGER);
  if (!Number.isInteger(Math.log2(n))) throw new RangeError('options.n must be a power of 2 greater than 1');
  const r = kdfInteger(pick('r'), 'options.r', 1, Number.MAX_SAFE_INTEGER);
  const p = kdfInteger(pick('p'), 'options.p', 1, Number.MAX_SAFE_INTEGER);
  // OpenSSL (under Python) refuses n >= 2^(16r).
  if (r < 4 && n >= 2 ** (16 * r)) throw new RangeError(`options.n must be less than 2^${16 * r} when r is ${r}`);
  if (128 * r * n + 128 * r * p > KDF_MAX_SCRYPT_MEMORY) throw kdfTooLarge();
  return [1, n, r, p];
}

function kdfTooLarge() {
  return new RangeError(
    `scrypt parameters need more than the ${KDF_MAX_SCRYPT_MEMORY / 2 ** 20} MiB memory cap (128*r*n + 128*r*p bytes)`);
}

/**
 * The Fernet key text (44 characters) Python derives from `password` and
 * `salt` with `options` ({ kdf: 'pbkdf2', iterations } or { kdf: 'scrypt', n, r, p }).
 * `core` is the loaded wasm module.
 */
export function kdfDeriveKey(core, password, salt, options) {
  const [kind, a, b, c] = kdfParameters(options);
  const saltBytes = kdfCopyBytes(salt, 'salt');
  const passwordBytes = kdfPasswordBytes(password);
  let result;
  try {
    result = core.deriveKey(passwordBytes, saltBytes, kind, a, b, c);
  } finally {
    passwordBytes.fill(0);
  }
  if (typeof result === 'number') {
    switch (result) {
      case KDF_TOO_LARGE: throw kdfTooLarge();
      case KDF_OUT_OF_MEMORY: throw new RangeError('fernet-wasm: out of wasm memory');
      case KDF_INVALID_PARAMETERS: throw new RangeError('fernet-wasm: key derivation parameters refused');
      default: throw new Error(`fernet-wasm: unexpected status ${result}`);
    }
  }
  try {
    return kdfApply(kdfFromCharCode, null, result);
  } finally {
    result.fill(0);
  }
}
