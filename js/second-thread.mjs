// The file helpers' second thread (Node only). For a large file, it takes
// the part of the work that cannot be split further: encryptFile hands it the
// AES-CBC encryption, while this thread authenticates (HMAC-SHA256), encodes
// and does the I/O. verifyFile, decryptFile and rotateFile hand it the HMAC
// of their first pass, while this thread decodes, commits to what it read
// and decides (the MACs it gets back are compared here, by the core); and
// decryptFile and rotateFile the AES-CBC decryption of their second pass, of
// ciphertext this thread's core has matched against the first pass.
//
// What the worker sees: the prepared keys of its job (copied to it, wiped
// when the job ends); plaintext this thread has already read, which it
// encrypts in place and hands back; a token's header and ciphertext; verified
// ciphertext, which it decrypts in place and hands back. Its wasm memory is
// wiped after every call, as this thread's is, and the thread exits with the
// job.
import { join } from 'node:path';
import { Worker, parentPort } from 'node:worker_threads';
import { call, createStream, freeStream, hasSecondThread, readBytes, readInto, readVerification, ready } from './core.mjs';
import { NativeUint8Array, wipe } from './intrinsics.mjs';

const BLOCK = 16;
// dist/second-thread.node.cjs, beside the bundle this module is part of
// (dist/internal.node.cjs); none when js/ runs unbundled.
const SCRIPT = typeof __dirname === 'string' ? join(__dirname, 'second-thread.node.cjs') : null;
const nothing = () => undefined;

/** The worker: one job's messages, in the order they come, until told to end. */
export function serveSecondThread() {
  let key = null;
  let chain = null;
  let authenticator = 0;  // a StreamAuthenticator's handle while one runs
  const stopAuthenticating = () => {
    if (authenticator !== 0) freeStream('authenticator', authenticator);
    authenticator = 0;
  };
  // Each message but `key` and `end` gets one answer: { bytes }, with the
  // buffer it moves back, or { error }.
  const handlers = {
    blocks({ blocks, iv }) {
      if (iv !== undefined) chain = iv;
      // In place: the buffer goes back holding the ciphertext, so a piece
      // costs this thread no allocation (garbage it would collect late).
      call('cbcEncrypt', { keys: key, iv: chain, input: blocks }, readInto(blocks));
      chain = blocks.slice(-BLOCK);
      return blocks;
    },
    decrypt({ decrypt }) {
      // What the decryptor releases is the IV, then ciphertext: each piece is
      // decrypted in place, chained from the end of the one before.
      let blocks = decrypt;
      if (chain === null) {
        chain = blocks.slice(0, BLOCK);
        blocks = blocks.subarray(BLOCK);
      }
      const next = blocks.length === 0 ? chain : blocks.slice(-BLOCK);
      call('cbcDecrypt', { keys: key, iv: chain, input: blocks }, readInto(blocks));
      chain = next;
      return blocks;
    },
    macKeys({ macKeys }) {
      const keys = new NativeUint8Array(macKeys);
      try {
        stopAuthenticating();
        authenticator = createStream('authenticator');
        call('authenticatorStart', { keys }, nothing, authenticator);
      } finally {
        wipe(keys);
      }
      return undefined;
    },
    authenticate({ authenticate }) {
      call('authenticatorUpdate', { input: authenticate }, nothing, authenticator);
      return authenticate;  // back for reuse
    },
    macs() {
      try {
        return call('authenticatorFinish', {}, readBytes, authenticator);
      } finally {
        stopAuthenticating();
      }
    },
  };
  parentPort.on('message', (message) => {
    if (message.end === true) {
      if (key !== null) wipe(key);
      stopAuthenticating();
      parentPort.close();
      return;
    }
    if (message.key !== undefined) {
      if (key !== null) wipe(key);
      key = new NativeUint8Array(message.key);
      chain = null;
      return;
    }
    const kind = Object.keys(handlers).find((name) => message[name] !== undefined);
    try {
      const bytes = handlers[kind](message);
      parentPort.postMessage({ bytes }, bytes === undefined ? [] : [bytes.buffer]);
    } catch (error) {
      if (message.blocks !== undefined) wipe(message.blocks);
      if (message.decrypt !== undefined) wipe(message.decrypt);
      parentPort.postMessage({ error: String(error?.message ?? error) });
    }
  });
  ready().then(
    () => parentPort.postMessage({ ready: true }),
    (error) => parentPort.postMessage({ error: String(error?.message ?? error) }),
  );
}

/**
 * This thread's end of one job's worker: wait for ready(), then hand it work,
 * whose answers come in order. close() always, whatever happened.
 */
export class SecondThread {
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
      this.#fail(new Error('fernet-wasm: the second thread has ended'));
    });
  }

  /** Resolves once the worker's core is ready; rejects if it cannot start. */
  ready() {
    return this.#ready;
  }

  /** Gives the worker its encryption key: a copy moves there. */
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
    return this.#send({ blocks, iv }, blocks);
  }

  /**
   * Decrypts, in place, the next piece of what a VerifiedDecryptor releases
   * to be decrypted elsewhere (the IV, then ciphertext). The buffer moves to
   * the worker and comes back: the answer is a view of its plaintext.
   */
  decrypt(released) {
    return this.#send({ decrypt: released }, released);
  }

  /** Starts an HMAC under each of `keys` (prepared keys, concatenated: a copy moves there). */
  startAuthenticating(keys) {
    return this.#send({ macKeys: keys.slice().buffer }, null);
  }

  /**
   * Hands `bytes` on to the HMACs, in order. The buffer moves to the worker
   * and comes back, for reuse: the answer is a view like `bytes`.
   */
  authenticate(bytes) {
    return this.#send({ authenticate: bytes }, bytes);
  }

  /** The MACs of all the bytes handed on, one per key in key order (kHmacSize bytes each). */
  macs() {
    return this.#send({ macs: true }, null);
  }

  /**
   * Ends the job, also after a failure: the worker wipes its keys and exits
   * after what it was given.
   */
  close() {
    if (!this.#exited) this.#worker.postMessage({ end: true });
    this.#fail(new Error('fernet-wasm: the second thread was closed'));
  }

  // Posts `message`, moving the buffer of `moved` (or of the message's own
  // ArrayBuffer, macKeys) to the worker; after a failure nothing goes, and
  // plaintext that would have gone is wiped.
  #send(message, moved) {
    const answer = this.#expect();
    const transfer = moved !== null ? [moved.buffer] : message.macKeys !== undefined ? [message.macKeys] : [];
    if (this.#failure === null) {
      this.#worker.postMessage(message, transfer);
    } else if (message.blocks !== undefined) {
      wipe(message.blocks);
    } else if (message.macKeys !== undefined) {
      wipe(new NativeUint8Array(message.macKeys));
    }
    return answer;
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
      next.reject(new Error(`fernet-wasm: the second thread failed: ${message.error}`));
      this.#fail(new Error('fernet-wasm: the second thread failed'));
    } else {
      next.resolve(message.bytes ?? true);
    }
  }

  #fail(error) {
    this.#failure ??= error;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#failure);
  }
}

// Pieces handed to the worker and not yet answered, at most.
const IN_FLIGHT = 3;

// Each chunk through `step` (a core call, its output in a buffer of `pool`)
// and on to the worker by `send`, then `rest()`'s output if there is one; at
// most IN_FLIGHT pieces unanswered. Yields the answers, in order.
async function* throughThread(chunks, pool, step, send, rest = null) {
  const answers = [];
  const hand = (piece) => (piece.length === 0 ? pool.reuse(piece) : answers.push(send(piece)));
  for await (const bytes of chunks) {
    hand(step(bytes));
    if (answers.length >= IN_FLIGHT) yield await answers.shift();
  }
  if (rest !== null) hand(rest());
  while (answers.length !== 0) yield await answers.shift();
}

// Buffers that go round between this thread and the worker (a large file
// leaves no garbage for the collector to find late: peak memory): `read`
// copies an output out of wasm memory into a spare one (or a new one), and
// `reuse` takes one back.
function sparePool() {
  const spare = [];
  return {
    read(start, size) {
      const last = spare[spare.length - 1];
      const buffer = last !== undefined && last.length >= size ? spare.pop() : new NativeUint8Array(size);
      return readInto(buffer)(start, size);
    },
    reuse(view) {
      spare.push(new NativeUint8Array(view.buffer));
    },
  };
}

/**
 * The first pass of a verification (js/streams.mjs, verify) with its HMAC in
 * `thread`: the verifier reads the text and hands out the bytes the MAC
 * covers, the thread computes the MAC of those under each of `keys`, and the
 * verifier compares them and decides. The pieces' buffers come back and are
 * reused.
 */
export function hmacIn(thread, keys) {
  return async (verifier, chunks) => {
    await thread.startAuthenticating(keys);
    const pool = sparePool();
    const covered = (bytes) => verifier.run('UpdateExternal', { input: bytes }, pool.read);
    for await (const back of throughThread(chunks, pool, covered, (piece) => thread.authenticate(piece))) {
      pool.reuse(back);
    }
    const macs = await thread.macs();
    try {
      return verifier.run('FinishExternal', { input: macs }, readVerification);
    } finally {
      wipe(macs);
    }
  };
}

/**
 * The second pass of a decryption (js/streams.mjs, Verified.plaintext) with
 * its AES-CBC in `thread`, under `key` (the prepared key the first pass
 * chose): the decryptor releases ciphertext that matched the first pass, the
 * thread decrypts it, and the last block comes from the decryptor, which
 * checks its padding. `decrypt` yields plaintext views in order; give each
 * back with `reuse` once it is wiped and done with.
 */
export function aesIn(thread, key) {
  const pool = sparePool();
  return {
    reuse: pool.reuse,
    async *decrypt(decryptor, chunks) {
      thread.setKey(key);
      const released = (bytes) => decryptor.run('UpdateElsewhere', { input: bytes }, pool.read);
      const rest = () => decryptor.run('FinishElsewhere', {}, pool.read);
      for await (const plain of throughThread(chunks, pool, released, (piece) => thread.decrypt(piece), rest)) {
        if (plain.length === 0) pool.reuse(plain);
        else yield plain;
      }
      const last = decryptor.run('Final', {}, pool.read);
      if (last.length !== 0) yield last;
    },
  };
}
