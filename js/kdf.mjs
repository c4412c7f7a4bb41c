// Keys from passwords, exactly as Python's cryptography derives them
// (Fernet.deriveKey). The work is done by the C++ core (cpp/kdf.cpp); this
// module checks the arguments and copies them into plain bytes first.
import { call, readAscii } from './core.mjs';
import { NativeUint8Array, copyBytes, isBytes, setBytes, wipe } from './intrinsics.mjs';
import { utf8 } from './args.mjs';

/** Defaults: pyca/cryptography's documented PBKDF2 recipe, and the common scrypt one. */
const DEFAULTS = Object.freeze({
  pbkdf2: Object.freeze({ iterations: 1_200_000 }),
  scrypt: Object.freeze({ n: 2 ** 14, r: 8, p: 1 }),
});
/** scrypt's work area, 128*r*n + 128*r*p bytes, may not exceed this (cpp/kdf.h). */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
// OpenSSL, under Python, takes the iteration count as a C int.
const MAX_ITERATIONS = 2 ** 31 - 1;
const { keys: objectKeys } = Object;

function passwordBytes(password) {
  if (typeof password === 'string') return utf8(password, 'password');
  if (isBytes(password)) return copyBytes(password);
  throw new TypeError('password must be a string or a Uint8Array');
}

function integer(value, name, min, max) {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${name} must be an integer`);
  if (value < min || value > max) throw new RangeError(`${name} must be within ${min} .. ${max}`);
  return value;
}

function tooLarge() {
  return new RangeError(
    `scrypt parameters need more than the ${MAX_SCRYPT_MEMORY / 2 ** 20} MiB memory cap (128*r*n + 128*r*p bytes)`);
}

// [kind, a, b, c] for the core, from options read once each.
function parameters(options) {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const given = Object.create(null);
  for (const name of objectKeys(options)) given[name] = options[name];
  const kdf = given.kdf === undefined ? 'pbkdf2' : given.kdf;
  if (typeof kdf !== 'string') throw new TypeError("options.kdf must be 'pbkdf2' or 'scrypt'");
  // The value is not repeated: a misplaced argument could be the password.
  if (kdf !== 'pbkdf2' && kdf !== 'scrypt') throw new RangeError("options.kdf must be 'pbkdf2' or 'scrypt'");
  const allowed = kdf === 'pbkdf2' ? ['kdf', 'iterations'] : ['kdf', 'n', 'r', 'p'];
  for (const name of objectKeys(given)) {
    if (!allowed.includes(name)) {
      throw new TypeError(`options.${name.slice(0, 20)} does not apply to ${kdf} (it takes ${allowed.slice(1).join(', ')})`);
    }
  }
  const pick = (name) => (given[name] === undefined ? DEFAULTS[kdf][name] : given[name]);
  if (kdf === 'pbkdf2') return [0, integer(pick('iterations'), 'options.iterations', 1, MAX_ITERATIONS), 0, 0];
  const n = integer(pick('n'), 'options.n', 2, Number.MAX_SAFE_INTEGER);
  if (!Number.isInteger(Math.log2(n))) throw new RangeError('options.n must be a power of 2 greater than 1');
  const r = integer(pick('r'), 'options.r', 1, Number.MAX_SAFE_INTEGER);
  const p = integer(pick('p'), 'options.p', 1, Number.MAX_SAFE_INTEGER);
  // OpenSSL (under Python) refuses n >= 2^(16r).
  if (r < 4 && n >= 2 ** (16 * r)) throw new RangeError(`options.n must be less than 2^${16 * r} when r is ${r}`);
  if (128 * r * n + 128 * r * p > MAX_SCRYPT_MEMORY) throw tooLarge();
  return [1, n, r, p];
}

/**
 * The Fernet key text (44 characters) Python derives from `password` and
 * `salt` with `options` ({ kdf: 'pbkdf2', iterations } or { kdf: 'scrypt', n, r, p }).
 */
export function deriveKey(password, salt, options) {
  const [kind, a, b, c] = parameters(options);
  if (!isBytes(salt)) throw new TypeError('salt must be a Uint8Array');
  const saltBytes = copyBytes(salt);
  const secret = passwordBytes(password);
  // The core takes the password and the salt as one input, the password first.
  const input = new NativeUint8Array(secret.length + saltBytes.length);
  try {
    setBytes(input, secret, 0);
    setBytes(input, saltBytes, secret.length);
    return call('deriveKey', { input }, readAscii, secret.length, kind, a, b, c);
  } finally {
    wipe(secret);
    wipe(input);
  }
}
