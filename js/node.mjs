// fernet-wasm/node: files and node:stream, in constant memory. Node only;
// the main entry stays free of Node built-ins for browser bundles.
//
// Decryption goes through the same verify-then-decrypt helper as
// decryptStream (streams.mjs): the whole token is authenticated first, and
// every plaintext byte written is derived from bytes that matched what was
// authenticated, so even a process killed half-way leaves no unverified
// plaintext. Output files appear only when complete.
import { constants, copyFile, link, open, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { Encryptor, sealCiphertext } from './streams.mjs';
import { MultiFernet, ringOf } from './fernet.mjs';
import * as args from './args.mjs';
import { SecondThread, aesIn, hmacIn } from './second-thread.mjs';
import { readInto } from './core.mjs';
import { NativeUint8Array, setBytes, wipe } from './intrinsics.mjs';
import { randomIv } from './random.mjs';

const CHUNK = 1 << 20;
const FLUSH_EVERY = 8 << 20;
// From this size on, the file helpers hand a second thread (js/second-thread.mjs)
// encryption's AES, verification's HMAC and decryption's AES; starting one
// takes about 50 ms (measured in CONTRIBUTING.md).
const THREAD_FROM = 32 << 20;
// Pieces handed to the thread and not yet answered, at most.
const IN_FLIGHT = 2;
// Token text for a CHUNK of ciphertext: 4 characters per 3 bytes, and the
// bytes an earlier piece left short of a group of 3.
const SEALED_CHUNK = Math.ceil((CHUNK + 2) / 3) * 4;
// Plaintext files are private to their owner; token files are not secret.
const PLAINTEXT_MODE = 0o600;
const TOKEN_MODE = 0o644;

/** A node:stream Transform from plaintext to the token's text. */
export function createEncryptStream(fernet, options) {
  const encryptor = new Encryptor(ringOf(fernet).first, options);
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

const isPath = (value) => typeof value === 'string' && value !== '-';

// A function that opens `input` anew: a file path, or '-' / a stream (read once).
function inputOpener(input) {
  if (isPath(input)) return () => fileChunks(input);
  if (input === '-') return () => process.stdin;
  if (input instanceof Readable) return () => input;
  throw new TypeError('input must be a file path, "-" or a Readable stream');
}

// A file's chunks, read into two buffers that take turns: the next read runs
// while the consumer works on a chunk, which it must be done with when it asks
// for the next (every consumer here copies a chunk into wasm memory at once).
// Fresh buffers for every chunk (a stream's) are garbage that V8 collects
// late: this keeps a large file's peak memory down.
async function* fileChunks(path) {
  const handle = await open(path, 'r');
  const buffers = [Buffer.alloc(CHUNK), Buffer.alloc(CHUNK)];
  let turn = 0;
  let next = handle.read(buffers[turn], 0, CHUNK, null);
  try {
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) break;
      const chunk = buffers[turn].subarray(0, bytesRead);
      turn ^= 1;
      next = handle.read(buffers[turn], 0, CHUNK, null);
      yield chunk;
    }
  } finally {
    await next.catch(() => {});
    await handle.close();
  }
}

async function inputSize(input) {
  return isPath(input) ? (await stat(input)).size : undefined;
}

// Calls onProgress(done, total) as input is read; a throwing callback fails the job.
function progress(total, onProgress) {
  if (typeof onProgress !== 'function') return undefined;
  let done = 0;
  return (size) => {
    done += size;
    onProgress(done, total);
  };
}

/** Where output goes: a file published atomically, or a stream written as it comes. */
async function openOutput(output, { force, mode }) {
  if (isPath(output)) {
    if (!force) await refuseExisting(output);
    const path = join(dirname(output), `.${basename(output)}.${randomBytes(6).toString('hex')}.partial`);
    const handle = await open(path, 'wx', mode);
    let closed = false;
    // The file reaches the disk while the job runs, not all at the end: every
    // FLUSH_EVERY bytes a datasync starts (one at a time, not waited for), so
    // the sync before publishing has little left to do (the CLI on 128 MiB:
    // encrypt 2.21 -> 1.8 s here, the final sync 0.32 s -> 0.03 s). A failed
    // one fails the job: after a writeback error a later sync may well succeed.
    let unflushed = 0;
    let flushing = null;
    let flushError = null;
    return {
      async write(bytes) {
        if (flushError !== null) throw flushError;
        await handle.write(bytes);
        unflushed += bytes.length;
        if (unflushed >= FLUSH_EVERY && flushing === null) {
          unflushed = 0;
          flushing = handle.datasync().catch((error) => { flushError ??= error; }).finally(() => { flushing = null; });
        }
      },
      async commit() {
        await flushing;
        if (flushError !== null) throw flushError;
        await handle.sync();
        await handle.close();
        closed = true;
        await publish(path, output, force);
      },
      async abandon() {
        await flushing;
        if (!closed) await handle.close().catch(() => {});
        await rm(path, { force: true });
      },
    };
  }
  const stream = output === '-' ? process.stdout : output;
  if (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function') {
    throw new TypeError('output must be a file path, "-" or a Writable stream');
  }
  return {
    write: (bytes) => new Promise((resolve, reject) => {
      stream.write(bytes, (error) => (error ? reject(error) : resolve()));
    }),
    async commit() {
      if (output !== '-') await new Promise((resolve) => stream.end(resolve));
    },
    async abandon() {},
  };
}

function existsError(output) {
  const error = new Error(`${output} exists (use --force / { force: true } to overwrite)`);
  error.code = 'EEXIST';
  error.path = output;
  return error;
}

async function refuseExisting(output) {
  try {
    await stat(output);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    return;
  }
  throw existsError(output);
}

// Without force, a hard link publishes the file: it fails if any entry of
// that name exists (a dangling symlink included), so nothing is overwritten
// even when the name appears while the job runs.
async function publish(temp, output, force) {
  if (force) {
    await rename(temp, output);
    return;
  }
  try {
    await link(temp, output);
  } catch (error) {
    if (error.code === 'EEXIST') throw existsError(output);
    if (error.code !== 'EPERM' && error.code !== 'ENOTSUP' && error.code !== 'EXDEV') throw error;
    // File systems without hard links: an exclusive copy.
    await copyFile(temp, output, constants.COPYFILE_EXCL).catch((copyError) => {
      throw copyError.code === 'EEXIST' ? existsError(output) : copyError;
    });
  }
  await rm(temp, { force: true });
}

// Runs `work(writer)` and publishes the output only if it succeeds. The writer
// keeps one write in flight while work prepares the next chunk (file writes
// run on libuv's threads: disk and CPU overlap, 13-17% of a large file's time
// here); `write(bytes, written)` resolves once the write before it is done,
// and calls `written` when its own bytes are out (or failed to go out).
async function writeOutput(output, settings, work) {
  const sink = await openOutput(output, settings);
  let inFlight = Promise.resolve();
  const writer = {
    async write(bytes, written) {
      try {
        await inFlight;
      } catch (error) {
        written?.();  // these bytes will never go out: done with them all the same
        throw error;
      }
      inFlight = sink.write(bytes).finally(written);
      inFlight.catch(() => {});  // seen by the next write or below, never unhandled
    },
  };
  try {
    await work(writer);
    await inFlight;
    await sink.commit();
  } catch (error) {
    await inFlight.catch(() => {});
    await sink.abandon();
    throw error;
  }
}

// A private copy of a token that can be read only once (stdin, a stream), so
// that it can be read twice. It holds the token, not plaintext.
async function withRereadable(input, work) {
  if (isPath(input)) return work(input);
  const path = join(tmpdir(), `.fernet.${randomBytes(6).toString('hex')}.token`);
  const handle = await open(path, 'wx', PLAINTEXT_MODE);
  try {
    for await (const chunk of inputOpener(input)()) await handle.write(chunk);
    await handle.close();
    return await work(path);
  } finally {
    await handle.close().catch(() => {});
    await rm(path, { force: true });
  }
}

// The file helpers' options, read once each and checked as everywhere else.
function readSettings(options, total) {
  const read = args.options(options, ['ttl', 'currentTime', 'signal', 'trailingNewline', 'onProgress']);
  return {
    ttl: args.ttl(read.ttl),
    currentTime: read.currentTime === undefined ? undefined : args.seconds(read.currentTime, 'currentTime'),
    signal: read.signal,
    trailingNewline: read.trailingNewline === true,
    onChunk: progress(total, read.onProgress),
  };
}

// Runs `work(thread)` with a started second thread for a file of `size`
// bytes, or with null: small files, hosts without one, and a thread that
// cannot start all stay on this thread. The thread ends with the work,
// whatever happened.
async function withSecondThread(size, work) {
  let thread = null;
  if (size !== undefined && size >= THREAD_FROM && SecondThread.available()) {
    try {
      thread = new SecondThread();
    } catch {
      thread = null;
    }
  }
  try {
    const ready = thread !== null && (await thread.ready().then(() => true, () => false));
    return await work(ready ? thread : null);
  } finally {
    thread?.close();
  }
}

/**
 * Encrypts `input` into `output` in constant memory; the output appears only
 * when complete. Options: { currentTime, force, onProgress, signal }.
 */
export async function encryptFile(fernet, input, output, options = {}) {
  const key = ringOf(fernet).first;
  const size = await inputSize(input);
  const settings = readSettings(options, size);
  // The IV is chosen here: both threads need the same one.
  const given = args.options(options, ['iv']).iv;
  const iv = given === undefined ? randomIv() : args.iv(given);
  const encryptor = new Encryptor(key, { currentTime: settings.currentTime, iv });
  try {
    await withSecondThread(size, (thread) =>
      writeOutput(output, { force: options.force, mode: TOKEN_MODE }, async (sink) => {
        if (thread !== null) {
          thread.setKey(key);
          await encryptInThread(thread, iv, encryptor, input, settings, sink);
          return;
        }
        for await (const chunk of inputOpener(input)()) {
          settings.signal?.throwIfAborted();
          settings.onChunk?.(chunk.length);
          await sink.write(encryptor.update(chunk));
        }
        settings.signal?.throwIfAborted();
        await sink.write(encryptor.finish());
      }));
  } finally {
    encryptor.destroy();
  }
}

// The thread encrypts whole blocks in place, chained from `iv`; this one
// authenticates and encodes them, in order, and pads and encrypts the last
// partial block. The file is read with no stream: a few buffers go round
// (read here, encrypted there, sealed here, read into again), and so do the
// buffers of token text (sealed, written, sealed into again), so a large file
// leaves no garbage behind it for the collector to find late (peak memory).
async function encryptInThread(thread, iv, encryptor, path, settings, sink) {
  const handle = await open(path, 'r');
  const chunks = [];  // buffers to read into
  const texts = [];   // buffers to seal into
  const answers = [];
  let tail = null;    // the last 0-15 bytes, plaintext
  const sealDown = async (keep) => {
    while (answers.length > keep) {
      const ciphertext = await answers.shift();
      const text = texts.pop() ?? new NativeUint8Array(SEALED_CHUNK);
      const sealed = sealCiphertext(encryptor, ciphertext, readInto(text));
      chunks.push(new NativeUint8Array(ciphertext.buffer));
      await sink.write(sealed, () => texts.push(text));
    }
  };
  try {
    for (let first = true; ; first = false) {
      settings.signal?.throwIfAborted();
      const chunk = chunks.pop() ?? new NativeUint8Array(CHUNK);
      let filled;
      try {
        filled = await readFully(handle, chunk);
      } catch (error) {
        wipe(chunk);  // part of the file may have been read into it
        throw error;
      }
      const whole = filled - (filled % 16);
      if (whole !== filled) tail = chunk.slice(whole, filled);
      wipe(chunk, whole);
      if (whole !== 0) answers.push(thread.encrypt(chunk.subarray(0, whole), first ? iv : undefined));
      else chunks.push(chunk);
      if (filled !== 0) settings.onChunk?.(filled);
      if (filled < CHUNK) break;  // the end of the file
      await sealDown(IN_FLIGHT);
    }
    await sealDown(0);
    settings.signal?.throwIfAborted();
    const head = encryptor.update(tail ?? new NativeUint8Array(0));  // under a block: nothing encrypted yet
    const last = encryptor.finish();
    const joined = new NativeUint8Array(head.length + last.length);
    setBytes(joined, head, 0);
    setBytes(joined, last, head.length);
    await sink.write(joined);
  } finally {
    if (tail !== null) wipe(tail);
    await handle.close();
  }
}

// Reads until `buffer` is full or the file ends; the number of bytes read.
async function readFully(handle, buffer) {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * Checks the token in `input` without decrypting it, in constant memory.
 * Resolves to { timestamp (bigint), keyIndex } or rejects with InvalidToken.
 * Options: { ttl, currentTime, trailingNewline, signal }.
 */
export async function verifyFile(fernet, input, options = {}) {
  const ring = ringOf(fernet);
  return withRereadable(input, async (path) => {
    const size = await inputSize(path);
    const settings = withClock(readSettings(options, size));
    const verified = await withSecondThread(size, (thread) => verifyIn(thread, ring, inputOpener(path), settings));
    verified.close();
    return { timestamp: verified.timestamp, keyIndex: verified.keyIndex };
  });
}

// The first pass, with its HMAC in `thread` if there is one.
function verifyIn(thread, ring, open, settings) {
  return ring.verify(open, settings, thread === null ? null : hmacIn(thread, ring.keys));
}

// The second pass's plaintext pieces for `use(plain, done)`, with its AES in
// `thread` if there is one. `use` calls `done` once it has finished with the
// piece (it may be later than `use` returns): that wipes it, and its buffer
// goes round again. A `use` that throws gets it wiped all the same.
async function eachPlaintext(thread, ring, verified, open, settings, use) {
  const size = ring.first.length;  // of one prepared key
  const key = ring.keys.subarray(verified.keyIndex * size, (verified.keyIndex + 1) * size);
  const elsewhere = thread === null ? null : aesIn(thread, key);
  for await (const plain of verified.plaintext(open, settings, elsewhere)) {
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      wipe(plain);
      elsewhere?.reuse(plain);
    };
    try {
      await use(plain, done);
    } catch (error) {
      done();
      throw error;
    }
  }
}

function withClock(settings) {
  return { ...settings, currentTime: settings.currentTime ?? Math.floor(Date.now() / 1000) };
}

/**
 * Decrypts the token in `input` into `output` in constant memory; nothing is
 * written unless the token is authentic. Options: { ttl, currentTime, force,
 * onProgress, signal, trailingNewline (accept one line break at the end) }.
 */
export async function decryptFile(fernet, input, output, options = {}) {
  const ring = ringOf(fernet);
  await withRereadable(input, async (path) => {
    const size = await inputSize(path);
    const settings = withClock(readSettings(options, 2 * size));
    const open = inputOpener(path);
    await withSecondThread(size, async (thread) => {
      const verified = await verifyIn(thread, ring, open, settings);
      try {
        await writeOutput(output, { force: options.force, mode: PLAINTEXT_MODE }, (sink) =>
          eachPlaintext(thread, ring, verified, open, settings, (plain, done) => sink.write(plain, done)));
      } finally {
        verified.close();
      }
    });
  });
}

/**
 * MultiFernet.rotate for files: re-encrypts the token in `input` under the
 * first key, keeping its timestamp; the plaintext never touches the disk.
 * Options: { force, onProgress, signal, trailingNewline }.
 */
export async function rotateFile(multi, input, output, options = {}) {
  if (!(multi instanceof MultiFernet)) throw new TypeError('rotateFile needs a MultiFernet');
  const ring = ringOf(multi);
  await withRereadable(input, async (path) => {
    const size = await inputSize(path);
    const settings = readSettings(options, 2 * size);
    const open = inputOpener(path);
    await withSecondThread(size, async (thread) => {
      const verified = await verifyIn(thread, ring, open, { ...settings, ttl: undefined });
      const encryptor = new Encryptor(ring.first, { currentTime: verified.timestamp });
      try {
        await writeOutput(output, { force: options.force, mode: TOKEN_MODE }, async (sink) => {
          await eachPlaintext(thread, ring, verified, open, settings, (plain, done) => {
            const token = encryptor.update(plain);
            done();
            return sink.write(token);
          });
          await sink.write(encryptor.finish());
        });
      } finally {
        encryptor.destroy();
        verified.close();
      }
    });
  });
}
