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

/** The streaming methods Fernet and MultiFernet share. */
interface Streaming {
  encryptor(options?: EncryptorOptions): Encryptor;
  /** Plaintext chunks in, the token's text (ASCII bytes) out. */
  encryptStream(options?: EncryptorOptions): TransformStream<Uint8Array | string, Uint8Array>;
  /** The plaintext, released only after the whole token's HMAC has verified. */
  decryptStream(source: RereadableSource, options?: DecryptStreamOptions): ReadableStream<Uint8Array>;
}

/** Thrown for every token that fails to verify or decrypt, whatever the reason. */
export declare class InvalidToken extends Error {
  constructor();
}

/** Fernet with one key, as Python's cryptography.fernet.Fernet. */
export interface Fernet extends Streaming {}
export declare class Fernet {
  /** base64url of 32 CSPRNG bytes: 44 characters, as Python's Fernet.generate_key(). */
  static generateKey(): string;
  /** `key`: the base64url text of 32 bytes, as Python's, or the 32 raw bytes. */
  constructor(key: string | Uint8Array);
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
  /** Deterministic tokens, for tests and vectors only. */
  _encryptFromParts(data: Uint8Array | string, currentTime: Seconds, iv: Uint8Array): string;
}

/** Key rotation, as Python's MultiFernet: the first key encrypts, any key decrypts. */
export interface MultiFernet extends Streaming {}
export declare class MultiFernet {
  /** Throws an Error when `fernets` is empty. */
  constructor(fernets: Iterable<Fernet>);
  encrypt(data: Uint8Array | string): string;
  encryptAtTime(data: Uint8Array | string, currentTime: Seconds): string;
  decrypt(token: string | Uint8Array, ttl?: number | bigint | null): Uint8Array;
  decryptAtTime(token: string | Uint8Array, ttl: number | bigint, currentTime: Seconds): Uint8Array;
  decryptToString(token: string | Uint8Array, ttl?: number | bigint | null): string;
  extractTimestamp(token: string | Uint8Array): number;
  /** Re-encrypts under the first key, keeping the token's original timestamp. */
  rotate(token: string | Uint8Array): string;
}
