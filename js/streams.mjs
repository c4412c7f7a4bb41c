// Streams: incremental encryption, and the one verify-then-decrypt helper
// that decryptStream and every file path use. Decryption reads its source
// twice: the first pass authenticates the whole token (HMAC, TTL, padding)
// and commits to its bytes; the second releases each segment's plaintext only
// after that segment matches what was authenticated (cpp/fernet_stream.h).
import * as args from './args.mjs';
import { call, commitmentKey, createStream, freeStream, readBytes, readVerification } from './core.mjs';
import { NativeUint8Array, codeUnitAt, setBytes, wipe } from './intrinsics.mjs';
import { randomIv } from './random.mjs';

export function now() {
  return Math.floor(Date.now() / 1000);
}

const nothing = () => undefined;

// Each stream owns a C++ state object in wasm, freed as soon as the stream
// finishes, fails or is cancelled; the garbage collector frees abandoned ones.
const abandoned = new FinalizationRegistry(({ kind, handle }) => freeStream(kind, handle));

class CoreStream {
  #kind;
  #handle;

  constructor(kind) {
    this.#kind = kind;
    this.#handle = createStream(kind);
    abandoned.register(this, { kind, handle: this.#handle }, this);
  }

  /** Runs `operation` on this stream; any failure ends the stream. */
  run(operation, request, read, ...others) {
    if (this.#handle === 0) throw new Error('fernet-wasm: this stream has already ended');
    try {
      return call(`${this.#kind}${operation}`, request, read, this.#handle, ...others);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  get handle() {
    return this.#handle;
  }

  close() {
    if (this.#handle === 0) return;
    abandoned.unregister(this);
    freeStream(this.#kind, this.#handle);
    this.#handle = 0;
  }
}

function isHighSurrogate(unit) {
  return unit >= 0xd800 && unit <= 0xdbff;
}

// For the file helpers' second thread only (js/second-thread.mjs), never part of
// the public API: an encryptor's next output for ciphertext of whole blocks
// that the thread encrypted under its key from its IV (set in the class
// below), copied out of wasm memory by `read`.
export let sealCiphertext = null;

/**
 * Incremental encryption: update() takes plaintext pieces and returns the
 * token text produced so far (ASCII bytes); finish() returns the rest. The
 * concatenated output is exactly the token encryptAtTime() would make.
 */
export class Encryptor {
  #stream;
  #header;
  // A string chunk may end in the first half of a surrogate pair whose
  // second half starts the next chunk.
  #pendingHalf = '';

  constructor(key, options) {
    const { currentTime, iv } = args.options(options, ['currentTime', 'iv']);
    const time = currentTime === undefined ? now() : args.seconds(currentTime, 'currentTime');
    const chosenIv = iv === undefined ? randomIv() : args.iv(iv);
    this.#stream = new CoreStream('encryptor');
    this.#header = this.#stream.run('Start', { keys: key, iv: chosenIv, time }, readBytes);
  }

  update(chunk) {
    let piece = chunk;
    if (typeof chunk === 'string') {
      piece = this.#pendingHalf + chunk;
      this.#pendingHalf = '';
      if (piece.length !== 0 && isHighSurrogate(codeUnitAt(piece, piece.length - 1))) {
        this.#pendingHalf = piece.slice(-1);
        piece = piece.slice(0, -1);
      }
    } else if (this.#pendingHalf !== '') {
      this.destroy();
      throw new TypeError('a stream chunk is not well-formed Unicode (it has a lone surrogate)');
    }
    let input;
    try {
      input = args.chunk(piece);
    } catch (error) {
      this.destroy();
      throw error;
    }
    try {
      return this.#withHeader(this.#stream.run('Update', { input: input.input }, readBytes));
    } finally {
      if (input.owned !== null) wipe(input.owned);
    }
  }

  finish() {
    if (this.#pendingHalf !== '') {
      this.destroy();
      throw new TypeError('the last stream chunk ends in half a surrogate pair');
    }
    const last = this.#withHeader(this.#stream.run('Finish', {}, readBytes));
    this.#stream.close();
    return last;
  }

  /** Frees the encryptor without finishing (finish() does this itself). */
  destroy() {
    this.#stream.close();
  }

  static {
    sealCiphertext = (encryptor, ciphertext, read) =>
      encryptor.#withHeader(encryptor.#stream.run('Seal', { input: ciphertext }, read));
  }

  #withHeader(bytes) {
    if (this.#header === null) return bytes;
    const joined = new NativeUint8Array(this.#header.length + bytes.length);
    setBytes(joined, this.#header, 0);
    setBytes(joined, bytes, this.#header.length);
    this.#header = null;
    return joined;
  }
}

export function encryptStream(key, options) {
  let encryptor = null;
  return new TransformStream({
    start() {
      encryptor = new Encryptor(key, options);
    },
    transform(chunk, controller) {
      const out = encryptor.update(chunk);
      if (out.length !== 0) controller.enqueue(out);
    },
    flush(controller) {
      controller.enqueue(encryptor.finish());
    },
    cancel() {
      encryptor?.destroy();
    },
  });
}

// ---- reading a token ---------------------------------------------------------

/** A function that opens the token anew for each pass. */
export function opener(source) {
  if (typeof Blob !== 'undefined' && source instanceof Blob) return () => source.stream();
  if (typeof source === 'function') return source;
  throw new TypeError('decryptStream() needs a Blob, or a function returning a new ReadableStream of the token each time');
}

function iterate(readable) {
  if (readable !== null && typeof readable === 'object' && typeof readable.getReader === 'function') {
    const reader = readable.getReader();
    return { next: () => reader.read(), stop: () => reader.cancel().catch(nothing) };
  }
  if (readable !== null && typeof readable === 'object' && typeof readable[Symbol.asyncIterator] === 'function') {
    const iterator = readable[Symbol.asyncIterator]();
    return { next: () => iterator.next(), stop: () => iterator.return?.() };
  }
  throw new TypeError('the token source must open a ReadableStream (or an async iterable of chunks)');
}

function lineBreakTail(bytes) {
  const n = bytes.length;
  if (n >= 1 && bytes[n - 1] === 0x0d) return 1;
  if (n >= 1 && bytes[n - 1] === 0x0a) return n >= 2 && bytes[n - 2] === 0x0d ? 2 : 1;
  return 0;
}

function isLineBreak(bytes) {
  return (bytes.length === 1 && bytes[0] === 0x0a) || (bytes.length === 2 && bytes[0] === 0x0d && bytes[1] === 0x0a);
}

/**
 * The token's chunks as bytes, one pass. `signal` stops the pass at the next
 * chunk; `trailingNewline` drops one final "\n" or "\r\n"; `onChunk(size)`
 * hears how many bytes were read.
 */
async function* chunksOf(readable, { signal, trailingNewline, onChunk } = {}) {
  const source = iterate(readable);
  let held = null; // a possible final line break, held until the end is known
  let finished = false;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await source.next();
      signal?.throwIfAborted();
      if (done) break;
      const piece = args.chunk(value);
      let bytes = piece.input;
      onChunk?.(bytes.length);
      if (trailingNewline) {
        if (held !== null) {
          const joined = new NativeUint8Array(held.length + bytes.length);
          setBytes(joined, held, 0);
          setBytes(joined, bytes, held.length);
          bytes = joined;
          held = null;
        }
        const tail = lineBreakTail(bytes);
        if (tail !== 0) {
          held = bytes.slice(bytes.length - tail);
          bytes = new NativeUint8Array(bytes.buffer, bytes.byteOffset, bytes.length - tail);
        }
      }
      if (bytes.length !== 0) yield bytes;
      if (piece.owned !== null) wipe(piece.owned);
    }
    if (held !== null && !isLineBreak(held)) yield held;
    finished = true;
  } finally {
    if (!finished) await source.stop();
  }
}

/**
 * The first pass: authenticates the token that `open()` reads (HMAC, TTL,
 * padding, under the first key that opens it, as Python's MultiFernet) and
 * commits to its bytes. Resolves to a Verified, or rejects with InvalidToken.
 * `elsewhere(verifier, chunks)`, if given, runs the pass with the HMAC
 * computed elsewhere (js/second-thread.mjs) and resolves to the decision.
 */
export async function verify(keys, open, options = {}, elsewhere = null) {
  const verifier = new CoreStream('verifier');
  try {
    const key = commitmentKey();
    try {
      verifier.run('Start', { keys, ttl: options.ttl, time: options.currentTime, input: key }, nothing);
    } finally {
      wipe(key);
    }
    const chunks = chunksOf(open(), options);
    let decision;
    if (elsewhere === null) {
      for await (const bytes of chunks) verifier.run('Update', { input: bytes }, nothing);
      decision = verifier.run('Finish', {}, readVerification);
    } else {
      decision = await elsewhere(verifier, chunks);
    }
    return new Verified(keys, verifier, decision.keyIndex, decision.timestamp);
  } catch (error) {
    verifier.close();
    throw error;
  }
}

class Verified {
  #keys;
  #verifier;

  constructor(keys, verifier, keyIndex, timestamp) {
    this.#keys = keys;
    this.#verifier = verifier;
    this.keyIndex = keyIndex;
    this.timestamp = timestamp;
  }

  /**
   * The second pass: plaintext chunks, each released only after the token
   * text it comes from matched the first pass. Rejects with InvalidToken (and
   * releases nothing more) as soon as the source differs. `elsewhere`, if
   * given, decrypts the ciphertext the decryptor releases elsewhere
   * (js/second-thread.mjs, aesIn).
   */
  async *plaintext(open, options = {}, elsewhere = null) {
    const decryptor = new CoreStream('decryptor');
    try {
      decryptor.run('Start', { keys: this.#keys }, nothing, this.#verifier.handle);
      this.close();
      const chunks = chunksOf(open(), options);
      if (elsewhere !== null) return yield* elsewhere.decrypt(decryptor, chunks);
      for await (const bytes of chunks) {
        const out = decryptor.run('Update', { input: bytes }, readBytes);
        if (out.length !== 0) yield out;
      }
      const last = decryptor.run('Finish', {}, readBytes);
      if (last.length !== 0) yield last;
    } finally {
      decryptor.close();
      this.close();
    }
  }

  close() {
    this.#verifier.close();
  }
}

/** A ReadableStream of the plaintext of the token `source` holds (read twice). */
export function decryptStream(keys, source, options) {
  const open = opener(source);
  const read = args.options(options, ['ttl', 'currentTime']);
  const ttl = args.ttl(read.ttl);
  const currentTime = read.currentTime === undefined ? now() : args.seconds(read.currentTime, 'currentTime');
  let verified = null;
  let plaintext = null;
  return new ReadableStream({
    async start() {
      verified = await verify(keys, open, { ttl, currentTime });
      plaintext = verified.plaintext(open);
    },
    async pull(controller) {
      const { done, value } = await plaintext.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      verified?.close();
      await plaintext?.return();
    },
  });
}

