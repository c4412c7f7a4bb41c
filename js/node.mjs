// fernet-wasm/node: files and node:stream, in constant memory. Node only;
// the main entry stays free of Node built-ins for browser bundles.
//
// Decryption never releases unauthenticated plaintext: it is written to a
// private temporary file beside the output, which is renamed into place (or
// copied to a stream) only after the token's HMAC has verified. On failure the
// temporary file is removed, nothing is left behind, and the error is InvalidToken.
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Fernet, MultiFernet } from './fernet.mjs';

const { keysOf, openDecryptor, now } = Fernet[Symbol.for('fernet-wasm/internal')];
const CHUNK = 1 << 20;

function requireFernet(fernet) {
  if (!(fernet instanceof Fernet) && !(fernet instanceof MultiFernet)) {
    throw new TypeError('expected a Fernet or MultiFernet instance');
  }
  return keysOf(fernet);
}

/** A node:stream Transform from plaintext to the token's text. */
export function createEncryptStream(fernet, options) {
  requireFernet(fernet);
  const encryptor = fernet.encryptor(options);
  return new Transform({
    transform(chunk, _encoding, done) {
      try {
        done(null, encryptor.update(chunk));
      } catch (error) {
        done(error);
      }
    },
    flush(done) {
      try {
        done(null, encryptor.finish());
      } catch (error) {
        done(error);
      }
    },
    destroy(error, done) {
      encryptor.destroy();
      done(error);
    },
  });
}

// A file path, '-' for stdin/stdout, or a stream.
function openInput(input) {
  if (input === '-') return process.stdin;
  if (typeof input === 'string') return createReadStream(input, { highWaterMark: CHUNK });
  if (input instanceof Readable) return input;
  throw new TypeError('input must be a file path, "-" or a Readable stream');
}

async function inputSize(input) {
  return typeof input === 'string' && input !== '-' ? (await stat(input)).size : undefined;
}

function counting(total, onProgress) {
  let done = 0;
  return new Transform({
    transform(chunk, _encoding, callback) {
      done += chunk.length;
      onProgress?.(done, total);
      callback(null, chunk);
    },
  });
}

// A new file only this process can read, beside `output` (so the final
// rename stays on one file system), or in the temp folder for streams.
async function privateTempFile(output) {
  const folder = typeof output === 'string' && output !== '-' ? dirname(output) : tmpdir();
  const base = typeof output === 'string' && output !== '-' ? basename(output) : 'fernet';
  const path = join(folder, `.${base}.${randomBytes(6).toString('hex')}.partial`);
  const handle = await open(path, 'wx', 0o600);
  return { path, handle };
}

async function refuseExisting(output, force) {
  if (force || typeof output !== 'string' || output === '-') return;
  try {
    await stat(output);
  } catch (error) {
    if (error.code === 'ENOENT') return;
    throw error;
  }
  const error = new Error(`${output} exists (use --force / { force: true } to overwrite)`);
  error.code = 'EEXIST';
  throw error;
}

// Runs `write(handle)` into a private temp file, then publishes it as
// `output` (rename) or copies it to a stream; on any failure, removes it.
async function publishAtomically(output, force, write) {
  await refuseExisting(output, force);
  const temp = await privateTempFile(output);
  try {
    await write(temp.handle);
    await temp.handle.sync();
    await temp.handle.close();
    if (typeof output === 'string' && output !== '-') {
      await rename(temp.path, output);
    } else {
      await pipeline(createReadStream(temp.path), output === '-' ? process.stdout : output, { end: output !== '-' });
      await rm(temp.path, { force: true });
    }
  } catch (error) {
    await temp.handle.close().catch(() => {});
    await rm(temp.path, { force: true });
    throw error;
  }
}

function handleWriter(handle) {
  return new Writable({
    write(chunk, _encoding, done) {
      handle.write(chunk).then(() => done(), done);
    },
  });
}

/**
 * Encrypts `input` into `output` in constant memory; the output appears only
 * when complete. Options: { currentTime, force, onProgress, signal }.
 */
export async function encryptFile(fernet, input, output, options = {}) {
  requireFernet(fernet);
  const total = await inputSize(input);
  await publishAtomically(output, options.force, (handle) => pipeline(
    openInput(input), counting(total, options.onProgress), createEncryptStream(fernet, options), handleWriter(handle),
    { signal: options.signal },
  ));
}

// A Transform that feeds token text through a C++ decryptor and passes on
// what it releases; `onFinish(decryptor)` sees it once the token verified.
function decryptorTransform(decryptor, { trailingNewline = false } = {}, onFinish = () => {}) {
  let held = null; // a trailing line break, held until we know it ends the input
  return new Transform({
    transform(chunk, _encoding, done) {
      try {
        let bytes = held === null ? chunk : Buffer.concat([held, chunk]);
        held = null;
        const keep = trailingNewline ? trailingLineBreak(bytes) : 0;
        if (keep !== 0) {
          held = bytes.subarray(bytes.length - keep);
          bytes = bytes.subarray(0, bytes.length - keep);
        }
        done(null, decryptor.call('update', bytes));
      } catch (error) {
        done(error);
      }
    },
    flush(done) {
      try {
        const last = decryptor.call('finish');
        onFinish(decryptor.handle);
        done(null, last);
      } catch (error) {
        done(error);
      } finally {
        decryptor.close();
      }
    },
    destroy(error, done) {
      decryptor.close();
      done(error);
    },
  });
}

function trailingLineBreak(bytes) {
  let n = 0;
  if (bytes.length > n && bytes[bytes.length - 1 - n] === 0x0a) n += 1;
  if (bytes.length > n && bytes[bytes.length - 1 - n] === 0x0d) n += 1;
  return n;
}

const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

// Copies a non-re-readable input (stdin, a stream) to a private temp file.
async function spool(input) {
  const temp = await privateTempFile('-');
  try {
    await pipeline(openInput(input), handleWriter(temp.handle));
  } finally {
    await temp.handle.close();
  }
  return temp.path;
}

// A first pass over a re-readable token: which key verifies it, and its timestamp.
async function verify(keys, path, options) {
  let found = null;
  const verifier = openDecryptor(keys, false, options.ttl, options.currentTime);
  await pipeline(openInput(path), decryptorTransform(verifier, options, (handle) => {
    const index = handle.keyIndex();
    found = { key: keys.subarray(32 * index, 32 * index + 32), index, timestamp: bigEndian(handle.timestamp()) };
  }), discard());
  return found;
}

function bigEndian(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
}

// Runs `work(path)` on a re-readable copy of `input`.
async function withRereadable(input, work) {
  if (typeof input === 'string' && input !== '-') return work(input);
  const path = await spool(input);
  try {
    return await work(path);
  } finally {
    await rm(path, { force: true });
  }
}

/**
 * Decrypts the token in `input` into `output` in constant memory; nothing is
 * written to `output` unless the token is authentic. Options: { ttl,
 * currentTime, force, onProgress, signal, trailingNewline (accept one line
 * break at the end) }. An aborted `signal` stops the work and removes the
 * temporary file.
 */
export async function decryptFile(fernet, input, output, options = {}) {
  const keys = requireFernet(fernet);
  const settings = { ...options, currentTime: options.currentTime ?? now() };
  const decryptFrom = async (source, key) => {
    const total = await inputSize(source);
    await publishAtomically(output, options.force, (handle) => pipeline(
      openInput(source), counting(total, options.onProgress),
      decryptorTransform(openDecryptor(key, true, settings.ttl, settings.currentTime), settings), handleWriter(handle),
      { signal: options.signal },
    ));
  };
  if (keys.length === 32) return decryptFrom(input, keys);
  // Several keys: a first pass finds the one whose HMAC verifies.
  return withRereadable(input, async (path) => decryptFrom(path, (await verify(keys, path, settings)).key));
}

/**
 * Checks the token in `input` without decrypting it, in constant memory.
 * Resolves to { timestamp (bigint), keyIndex } or rejects with InvalidToken.
 * Options: { ttl, currentTime, trailingNewline }.
 */
export async function verifyFile(fernet, input, options = {}) {
  const keys = requireFernet(fernet);
  const settings = { ...options, currentTime: options.currentTime ?? now() };
  const { index, timestamp } = await withRereadable(input, (path) => verify(keys, path, settings));
  return { timestamp, keyIndex: index };
}

/**
 * MultiFernet.rotate for files: re-encrypts the token in `input` under the
 * first key, keeping its timestamp; the plaintext never touches the disk.
 * Options: { force, onProgress, signal, trailingNewline }.
 */
export async function rotateFile(multi, input, output, options = {}) {
  if (!(multi instanceof MultiFernet)) throw new TypeError('rotateFile needs a MultiFernet');
  const keys = keysOf(multi);
  return withRereadable(input, async (path) => {
    const { key, timestamp } = await verify(keys, path, options);
    const total = await inputSize(path);
    await publishAtomically(output, options.force, (handle) => pipeline(
      openInput(path), counting(total, options.onProgress),
      decryptorTransform(openDecryptor(key, true), options),
      createEncryptStream(multi, { currentTime: timestamp }), handleWriter(handle),
      { signal: options.signal },
    ));
  });
}
