// Hand-written types for fernet-wasm; they match js/fernet.mjs exactly
// (tests/types/usage.ts is type-checked with tsc --strict).

/** Something the wasm can be loaded from, for hosts that load code their own way. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | Uint8Array;

/** Seconds since the Unix epoch: a non-negative safe integer, or a bigint up to 2^64-1. */
export type Seconds = number | bigint;

/** The largest message the in-memory API takes, in bytes. */
export declare const MAX_MESSAGE_SIZE: number;
/** The longest token the in-memory API takes, in characters. */
export declare const MAX_TOKEN_LENGTH: number;

/**
 * Loads and self-tests the wasm core once; later calls return the same promise.
 * Every other function throws an Error until it has resolved.
 */
export declare function ready(wasm?: WasmSource): Promise<void>;

/** Incremental encryption; the concatenated output is exactly the token encryptAtTime() makes. */
export interface Encryptor {
  /** Plaintext in; the token text produced so far out (ASCII bytes; may be empty). */
  update(chunk: Uint8Array | string): Uint8Array;
  /** The rest of the token text; frees the encryptor. */
  finish(): Uint8Array;
  /** Frees the encryptor without finishing. */
  destroy(): void;
}

export interface EncryptorOptions {
  currentTime?: Seconds;
  /** For tests and vectors only: a fixed 16-byte IV. */
  iv?: Uint8Array;
}

export interface DecryptStreamOptions {
  ttl?: number | bigint | null;
  currentTime?: Seconds;
}

/**
 * A token source that can be read twice (verified first, then decrypted):
 * a Blob or File, or a function returning a new stream of the same token each time.
 */
export type RereadableSource = Blob | (() => ReadableStream<Uint8Array>);

/** The methods Fernet and MultiFernet share (MultiFernet encrypts with its first key). */
interface FernetMethods {
  /** A string is UTF-8 encoded. */
  encrypt(data: Uint8Array | string): string;
  encryptAtTime(data: Uint8Array | string, currentTime: Seconds): string;
  /** `ttl` in seconds; omitted or null means no age check. */
  decrypt(token: string | Uint8Array, ttl?: number | bigint | null): Uint8Array;
  decryptAtTime(token: string | Uint8Array, ttl: number | bigint, currentTime: Seconds): Uint8Array;
  /** decrypt(), then strict UTF-8 decoding (invalid UTF-8 throws a TypeError). */
  decryptToString(token: string | Uint8Array, ttl?: number | bigint | null): string;
  /** The token's timestamp, after its HMAC is verified (as Python does). */
  extractTimestamp(token: string | Uint8Array): number;
  encryptor(options?: EncryptorOptions): Encryptor;
  /** Plaintext chunks in, the token's text (ASCII bytes) out. */
  encryptStream(options?: EncryptorOptions): TransformStream<Uint8Array | string, Uint8Array>;
  /** The plaintext, released only after the whole token's HMAC has verified. */
  decryptStream(source: RereadableSource, options?: DecryptStreamOptions): ReadableStream<Uint8Array>;
}

/** PBKDF2-HMAC-SHA256, as pyca/cryptography's PBKDF2HMAC(algorithm=SHA256(), length=32, ...). */
export interface Pbkdf2Options {
  kdf?: 'pbkdf2';
  /** At least 1, at most 2^31-1; default 1_200_000 (pyca's documented recipe). */
  iterations?: number;
}

/** scrypt, as pyca/cryptography's Scrypt(length=32, ...). 128*r*n + 128*r*p bytes may not exceed 256 MiB. */
export interface ScryptOptions {
  kdf: 'scrypt';
  /** A power of 2 greater than 1 (and below 2^(16r)); default 2**14. */
  n?: number;
  /** At least 1; default 8. */
  r?: number;
  /** At least 1; default 1. */
  p?: number;
}

export type DeriveKeyOptions = Pbkdf2Options | ScryptOptions;

/** Thrown for every token that fails to verify or decrypt, whatever the reason. */
export declare class InvalidToken extends Error {
  constructor();
}

/** Fernet with one key, as Python's cryptography.fernet.Fernet. */
export interface Fernet extends FernetMethods {}
export declare class Fernet {
  /** base64url of 32 CSPRNG bytes: 44 characters, as Python's Fernet.generate_key(). */
  static generateKey(): string;
  /**
   * The key text (44 characters) Python's recipe derives:
   * base64.urlsafe_b64encode(PBKDF2HMAC(...) or Scrypt(...).derive(password)).
   * A string password is UTF-8 encoded (a lone surrogate is a TypeError).
   * Wrong types throw a TypeError; parameters Python refuses, and scrypt
   * beyond its 256 MiB memory cap, throw a RangeError.
   */
  static deriveKey(password: string | Uint8Array, salt: Uint8Array, options?: DeriveKeyOptions): string;
  /** `key`: the base64url text of 32 bytes, as Python's, or the 32 raw bytes. */
  constructor(key: string | Uint8Array);
  /** Deterministic tokens, for tests and vectors only. */
  _encryptFromParts(data: Uint8Array | string, currentTime: Seconds, iv: Uint8Array): string;
}

/** Key rotation, as Python's MultiFernet: the first key encrypts, any key decrypts. */
export interface MultiFernet extends FernetMethods {}
export declare class MultiFernet {
  /** Throws an Error when `fernets` is empty. */
  constructor(fernets: Iterable<Fernet>);
  /** Re-encrypts under the first key, keeping the token's original timestamp. */
  rotate(token: string | Uint8Array): string;
}
