// The file helpers' second thread (Node only). For a large file, AES-CBC runs
// in a worker thread with a wasm instance of its own, while this thread reads,
// authenticates (HMAC-SHA256), encodes and writes: the two halves take about
// the same time, and CBC encryption is one chain that cannot be split.
//
// What the worker sees: one prepared key (copied to it, wiped when the job
// ends), plaintext this thread has already read from the file, or ciphertext
// that the first pass of a decryption authenticated (js/streams.mjs): no
// plaintext leaves it that the main thread could not have made itself. Its
// wasm memory is wiped after every call, as this thread's is, and the thread
// exits with the job.
import { join } from 'node:path';
import { Worker, parentPort } from 'node:worker_threads';
import { call, hasSecondThread, readBytes, ready } from './core.mjs';
import { NativeUint8Array, wipe } from './intrinsics.mjs';

const BLOCK = 16;
// dist/aes-thread.node.cjs, beside the bundle this module is part of
// (dist/internal.node.cjs); none when js/ runs unbundled.
const SCRIPT = typeof __dirname === 'string' ? join(__dirname, 'aes-thread.node.cjs') : null;

/** CBC decryption of whole blocks under a prepared key, on this thread. */
export function decryptBlocks(key, iv, blocks) {
  return call('cbc', { keys: key, iv, input: blocks }, readBytes, 1);
}

/** The worker: one job's blocks, in the order they come, until told to end. */
export function serveAesThread() {
  let key = null;
  let decrypting = false;
  let chain = null;
  parentPort.on('message', (message) => {
    if (message.end === true) {
      if (key !== null) wipe(key);
      parentPort.close();
      return;
    }
    if (message.key !== undefined) {
      key = new NativeUint8Array(message.key);
      decrypting = message.decrypting === true;
      return;
    }
    const { blocks } = message;
    try {
      if (message.iv !== undefined) chain = message.iv;
      const out = call('cbc', { keys: key, iv: chain, input: blocks }, readBytes, decrypting ? 1 : 0);
      chain = (decrypting ? blocks : out).slice(-BLOCK);
      parentPort.postMessage({ bytes: out }, [out.buffer]);
    } catch (error) {
      parentPort.postMessage({ error: String(error?.message ?? error) });
    } finally {
      wipe(blocks);
    }
  });
  ready().then(
    () => parentPort.postMessage({ ready: true }),
    (error) => parentPort.postMessage({ error: String(error?.message ?? error) }),
  );
}

/**
 * This thread's end of one job's worker. Start it early (a decryption's first
 * pass hides its start-up), wait for ready(), give it the key, then run()
 * blocks: the answers come in order. close() always, whatever happened.
 */
export class AesThread {
  #worker;
  #waiting = [];  // { resolve, reject } per message not yet answered (the first: ready)
  #failure = null;
  #ready;

  /** Whether a worker can be started here: the bundled Node build. */
  static available() {
    return SCRIPT !== null && hasSecondThread();
  }

  constructor() {
    this.#ready = this.#expect();
    this.#worker = new Worker(SCRIPT);
    this.#worker.on('message', (message) => this.#answer(message));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', () => this.#fail(new Error('fernet-wasm: the AES thread has ended')));
  }

  /** Resolves once the worker's core is ready; rejects if it cannot start. */
  ready() {
    return this.#ready;
  }

  /** Gives the worker its key: a copy moves there, nothing stays here. */
  setKey(key, decrypting) {
    const copy = key.slice();
    this.#worker.postMessage({ key: copy.buffer, decrypting }, [copy.buffer]);
  }

  /**
   * The CBC encryption (decryption) of `blocks`, whole blocks in a buffer of
   * their own, which moves to the worker; `iv` starts the chain, later calls
   * continue it.
   */
  run(blocks, iv) {
    const answer = this.#expect();
    if (this.#failure === null) this.#worker.postMessage({ blocks, iv }, [blocks.buffer]);
    else wipe(blocks);  // it may be plaintext, and it goes nowhere
    return answer;
  }

  /** Ends the job: the worker wipes its key and exits after what it was given. */
  close() {
    if (this.#failure === null) this.#worker.postMessage({ end: true });
    this.#fail(new Error('fernet-wasm: the AES thread was closed'));
  }

  #expect() {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    const answer = new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
    answer.catch(() => {});  // a job that failed elsewhere may never await it
    return answer;
  }

  #answer(message) {
    const next = this.#waiting.shift();
    if (next === undefined) return;
    if (message.error !== undefined) {
      next.reject(new Error(`fernet-wasm: the AES thread failed: ${message.error}`));
      this.#fail(new Error('fernet-wasm: the AES thread failed'));
    } else {
      next.resolve(message.bytes ?? true);
    }
  }

  #fail(error) {
    this.#failure ??= error;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#failure);
  }
}

/** Cuts a stream of bytes into whole blocks and keeps the rest for the next piece. */
export class Blocks {
  #rest = new NativeUint8Array(0);

  /** Whole blocks of what is held and `bytes`, in a new buffer; null if none. */
  take(bytes) {
    const total = this.#rest.length + bytes.length;
    const size = total - (total % BLOCK);
    const rest = new NativeUint8Array(total - size);
    let blocks = null;
    if (size !== 0) {
      blocks = new NativeUint8Array(size);
      blocks.set(this.#rest, 0);
      blocks.set(bytes.subarray(0, size - this.#rest.length), this.#rest.length);
      rest.set(bytes.subarray(size - this.#rest.length));
    } else {
      rest.set(this.#rest, 0);
      rest.set(bytes, this.#rest.length);
    }
    wipe(this.#rest);
    this.#rest = rest;
    return blocks;
  }

  /** What is left (under a block); the caller wipes it. */
  rest() {
    const rest = this.#rest;
    this.#rest = new NativeUint8Array(0);
    return rest;
  }
}
