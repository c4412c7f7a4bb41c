// The file helpers' second thread (Node only). For a large file, encryptFile
// runs AES-CBC in a worker thread with a wasm instance of its own, while this
// thread reads, authenticates (HMAC-SHA256), encodes and writes: the two
// halves take about the same time, and the CBC chain cannot be split.
//
// What the worker sees: one prepared key (copied to it, wiped when the job
// ends) and plaintext this thread has already read from the file, which it
// encrypts in place and hands back. Its wasm memory is wiped after every
// call, as this thread's is, and the thread exits with the job.
import { join } from 'node:path';
import { Worker, parentPort } from 'node:worker_threads';
import { call, hasSecondThread, readInto, ready } from './core.mjs';
import { NativeUint8Array, wipe } from './intrinsics.mjs';

const BLOCK = 16;
// dist/aes-thread.node.cjs, beside the bundle this module is part of
// (dist/internal.node.cjs); none when js/ runs unbundled.
const SCRIPT = typeof __dirname === 'string' ? join(__dirname, 'aes-thread.node.cjs') : null;

/** The worker: one job's blocks, in the order they come, until told to end. */
export function serveAesThread() {
  let key = null;
  let chain = null;
  parentPort.on('message', (message) => {
    if (message.end === true) {
      if (key !== null) wipe(key);
      parentPort.close();
      return;
    }
    if (message.key !== undefined) {
      key = new NativeUint8Array(message.key);
      return;
    }
    const { blocks } = message;
    try {
      if (message.iv !== undefined) chain = message.iv;
      // In place: the buffer goes back holding the ciphertext, so a piece
      // costs this thread no allocation (garbage it would collect late).
      call('cbcEncrypt', { keys: key, iv: chain, input: blocks }, readInto(blocks));
      chain = blocks.slice(-BLOCK);
      parentPort.postMessage({ bytes: blocks }, [blocks.buffer]);
    } catch (error) {
      wipe(blocks);
      parentPort.postMessage({ error: String(error?.message ?? error) });
    }
  });
  ready().then(
    () => parentPort.postMessage({ ready: true }),
    (error) => parentPort.postMessage({ error: String(error?.message ?? error) }),
  );
}

/**
 * This thread's end of one job's worker: wait for ready(), give it the key,
 * then encrypt() pieces, whose answers come in order. close() always,
 * whatever happened.
 */
export class AesThread {
  #worker;
  #waiting = [];  // { resolve, reject } per message not yet answered (the first: ready)
  #failure = null;
  #exited = false;
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
    this.#worker.on('exit', () => {
      this.#exited = true;
      this.#fail(new Error('fernet-wasm: the AES thread has ended'));
    });
  }

  /** Resolves once the worker's core is ready; rejects if it cannot start. */
  ready() {
    return this.#ready;
  }

  /** Gives the worker its key: a copy moves there. */
  setKey(key) {
    const copy = key.slice();
    this.#worker.postMessage({ key: copy.buffer }, [copy.buffer]);
  }

  /**
   * Encrypts `blocks` (whole blocks) in place, in CBC mode: `iv` starts the
   * chain, later calls continue it. The buffer moves to the worker and comes
   * back with the result, a view like `blocks`.
   */
  encrypt(blocks, iv) {
    const answer = this.#expect();
    if (this.#failure === null) this.#worker.postMessage({ blocks, iv }, [blocks.buffer]);
    else wipe(blocks);  // plaintext that goes nowhere
    return answer;
  }

  /**
   * Ends the job, also after a failure: the worker wipes its key and exits
   * after what it was given.
   */
  close() {
    if (!this.#exited) this.#worker.postMessage({ end: true });
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
