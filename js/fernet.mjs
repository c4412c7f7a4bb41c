// The API classes: Fernet and MultiFernet, as Python's cryptography.fernet,
// over one implementation (KeyRing) that holds the raw keys out of reach.
import * as args from './args.mjs';
import { call, readAscii, readBytes, readText, readTimestamp } from './core.mjs';
import { NativeUint8Array, setBytes, wipe } from './intrinsics.mjs';
import { deriveKey } from './kdf.mjs';
import { FRESH_IV, randomKey } from './random.mjs';
import { Encryptor, decryptStream, encryptStream, now, verify } from './streams.mjs';

// One or several keys as the core prepared them (the raw key and its HMAC
// states), concatenated, tried in order (the first encrypts).
class KeyRing {
  constructor(keys, count) {
    this.keys = keys;
    this.first = keys.subarray(0, keys.length / count);
  }

  encrypt(data, currentTime, iv) {
    const time = args.seconds(currentTime, 'currentTime');
    const chosenIv = iv === undefined ? FRESH_IV : args.iv(iv);
    const { input, owned } = args.message(data);
    try {
      return call('encrypt', { keys: this.first, iv: chosenIv, input, time, publicOutput: true }, readAscii);
    } finally {
      if (owned !== null) wipe(owned);
    }
  }

  /** The plaintext as `read` takes it out of wasm memory (bytes unless told otherwise). */
  decrypt(token, ttl, currentTime, read = readBytes) {
    const checked = args.ttl(ttl);
    const time = checked === null ? 0 : args.seconds(currentTime, 'currentTime');
    return call('decrypt', { keys: this.keys, input: args.token(token), ascii: true, ttl: checked, time }, read);
  }

  extractTimestamp(token) {
    const timestamp = call('extractTimestamp', { keys: this.keys, input: args.token(token), ascii: true }, readTimestamp);
    return Number(timestamp);
  }

  rotate(token) {
    const request = { keys: this.keys, iv: FRESH_IV, input: args.token(token), ascii: true, publicOutput: true };
    return call('rotate', request, readAscii);
  }

  /** The streaming pass that verifies a token; see streams.mjs. */
  verify(open, options, elsewhere) {
    return verify(this.keys, open, options, elsewhere);
  }
}

const rings = new WeakMap();

/** The KeyRing of a Fernet or MultiFernet (for fernet-wasm/node; not exported by the package). */
export function ringOf(fernet) {
  const ring = typeof fernet === 'object' && fernet !== null ? rings.get(fernet) : undefined;
  if (ring === undefined) throw new TypeError('expected a Fernet or MultiFernet instance');
  return ring;
}

function requireTtl(ttl) {
  if (ttl === undefined || ttl === null) throw new TypeError('decryptAtTime() can only be used with a non-null ttl');
}

// What Fernet and MultiFernet share (MultiFernet encrypts with its first key),
// written once and set on both prototypes below.
class FernetMethods {
  encrypt(data) {
    return ringOf(this).encrypt(data, now());
  }

  encryptAtTime(data, currentTime) {
    return ringOf(this).encrypt(data, currentTime);
  }

  decrypt(token, ttl) {
    return ringOf(this).decrypt(token, ttl, now());
  }

  decryptAtTime(token, ttl, currentTime) {
    requireTtl(ttl);
    return ringOf(this).decrypt(token, ttl, currentTime);
  }

  /** decrypt(), then strict UTF-8 decoding (invalid UTF-8 throws TypeError). */
  decryptToString(token, ttl) {
    return ringOf(this).decrypt(token, ttl, now(), readText);
  }

  extractTimestamp(token) {
    return ringOf(this).extractTimestamp(token);
  }

  /** An incremental encryptor; options: { currentTime, iv (tests only) }. */
  encryptor(options) {
    return new Encryptor(ringOf(this).first, options);
  }

  /** A TransformStream from plaintext chunks to the token's text (ASCII bytes). */
  encryptStream(options) {
    return encryptStream(ringOf(this).first, options);
  }

  /**
   * A ReadableStream of the plaintext of a token read from `source`: a Blob,
   * or a function that returns a new ReadableStream of the same token each
   * time (it is read twice). Options: { ttl, currentTime }.
   */
  decryptStream(source, options) {
    return decryptStream(ringOf(this).keys, source, options);
  }
}

/** Fernet with one key, as Python's cryptography.fernet.Fernet. */
export class Fernet {
  /** A new key: base64url of 32 bytes from the platform CSPRNG (44 characters). */
  static generateKey() {
    const raw = randomKey();
    try {
      return call('formatKey', { input: raw }, readAscii);
    } finally {
      wipe(raw);
    }
  }

  /**
   * The key text Python's PBKDF2HMAC (default) or Scrypt recipe derives from
   * a password and salt; options { kdf: 'pbkdf2', iterations } or { kdf: 'scrypt', n, r, p }.
   */
  static deriveKey(password, salt, options) {
    return deriveKey(password, salt, options);
  }

  /** `key`: the base64url text of 32 bytes (as Python's), or the 32 raw bytes. */
  constructor(key) {
    const given = args.key(key);
    let prepared;
    if (given.raw === undefined) {
      prepared = call('parseKey', { input: given.text }, readBytes);
    } else {
      try {
        prepared = call('prepareKey', { input: given.raw }, readBytes);
      } finally {
        wipe(given.raw);
      }
    }
    rings.set(this, new KeyRing(prepared, 1));
  }

  /** Deterministic tokens, for tests and vectors only (as Python's private twin). */
  _encryptFromParts(data, currentTime, iv) {
    if (iv === undefined) throw new TypeError('iv must be a 16-byte Uint8Array');
    return ringOf(this).encrypt(data, currentTime, iv);
  }
}

/** Key rotation, as Python's MultiFernet: the first key encrypts, any key decrypts. */
export class MultiFernet {
  constructor(fernets) {
    if (fernets === null || typeof fernets !== 'object' || typeof fernets[Symbol.iterator] !== 'function') {
      throw new TypeError('MultiFernet requires an array of Fernet instances');
    }
    const list = Array.from(fernets);
    if (list.length === 0) throw new Error('MultiFernet requires at least one Fernet instance');
    const parts = list.map((fernet) => {
      const ring = fernet instanceof Fernet ? rings.get(fernet) : undefined;
      if (ring === undefined) throw new TypeError('MultiFernet takes Fernet instances only');
      return ring.keys;
    });
    const keys = new NativeUint8Array(parts.length * parts[0].length);
    parts.forEach((part, i) => setBytes(keys, part, i * part.length));
    rings.set(this, new KeyRing(keys, parts.length));
  }

  /** Re-encrypts under the first key, keeping the token's original timestamp. */
  rotate(token) {
    return ringOf(this).rotate(token);
  }
}

for (const Class of [Fernet, MultiFernet]) {
  for (const name of Object.getOwnPropertyNames(FernetMethods.prototype)) {
    if (name !== 'constructor') {
      Object.defineProperty(Class.prototype, name, Object.getOwnPropertyDescriptor(FernetMethods.prototype, name));
    }
  }
}

