// Types for fernet-wasm/node: files and node:stream, in constant memory.
import type { Readable, Transform } from 'node:stream';
import type { EncryptorOptions, Fernet, MultiFernet, Seconds } from './index';

/** A file path, '-' for standard input/output, or a stream. */
export type Input = string | Readable;
export type Output = string | NodeJS.WritableStream;

export interface FileOptions {
  /** Overwrite an existing output file (default: refuse). */
  force?: boolean;
  /** Called as bytes of the input are read; total is undefined for streams. */
  onProgress?: (done: number, total: number | undefined) => void;
  /** Accept one line break after the token (as a text file often has). */
  trailingNewline?: boolean;
  /** Aborting stops the work; no output and no temporary file are left. */
  signal?: AbortSignal;
}

export interface DecryptFileOptions extends FileOptions {
  ttl?: number | bigint | null;
  currentTime?: Seconds;
}

/** A Transform from plaintext to the token's text. */
export declare function createEncryptStream(fernet: Fernet | MultiFernet, options?: EncryptorOptions): Transform;
/** Encrypts `input` into `output`; the output appears only when complete. */
export declare function encryptFile(fernet: Fernet | MultiFernet, input: Input, output: Output,
  options?: FileOptions & EncryptorOptions): Promise<void>;
/** Decrypts into `output` only once the token has verified; rejects with InvalidToken otherwise. */
export declare function decryptFile(fernet: Fernet | MultiFernet, input: Input, output: Output,
  options?: DecryptFileOptions): Promise<void>;
/** Checks a token without decrypting it. */
export declare function verifyFile(fernet: Fernet | MultiFernet, input: Input,
  options?: DecryptFileOptions): Promise<{ timestamp: bigint; keyIndex: number }>;
/** MultiFernet.rotate for files: re-encrypted under the first key, timestamp kept. */
export declare function rotateFile(multi: MultiFernet, input: Input, output: Output, options?: FileOptions): Promise<void>;
