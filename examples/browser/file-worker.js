// Encrypts and decrypts files off the main thread with the streaming API, so
// large files neither freeze the page nor need to fit in wasm memory. The page
// starts one worker per job and ends it afterwards, so a failed or cancelled
// job leaves nothing behind for the next one.
// In:  { op: 'encrypt' | 'decrypt', key, file, handle? } to start;
//      { cancel: true } to stop (the output file, if any, is discarded).
// Out: { progress, phase } while working, then { ok: true, size, blob? } or
//      { ok: false, error: { kind, message } }.
// With a FileSystemFileHandle (File System Access) the output streams straight
// to that file and nothing is collected in memory; without one it is
// collected into a Blob for a download link.
import { ready, Fernet, InvalidToken } from '/fernet.mjs';
import { notATokenStart } from '/token-layout.mjs';

const loaded = ready();
const stop = new AbortController();

class NotAToken extends Error {}

// Python's decoder skips whitespace and quotes anywhere in a token (a token
// file saved with a final newline, wrapped lines, a quoted repr), so the
// demo drops those bytes before the library's strict decoder sees them.
const IGNORED = new Uint8Array(256);
for (const c of '\t\n\r\f\v "\'') IGNORED[c.charCodeAt(0)] = 1;

// The file's bytes, chunk by chunk, with progress. Reads into two buffers
// handed back and forth instead of a new ArrayBuffer per chunk: a 300 MB job
// would otherwise leave hundreds of MB of garbage for the collector, which is
// most of what the browser's memory growth was. Each chunk must be used
// before the next is asked for; if one were kept, the read that reuses its
// buffer transfers (detaches) it, so a kept chunk reads as empty, never as
// other bytes (and a token then fails its HMAC).
// A chunk is a whole CHUNK-byte buffer, filled by as many reads as it takes:
// a Blob stream hands out about 64 KiB a read, and each call into the
// library has a fixed cost (measured in Chromium on 300 MB: 64 KiB calls
// encrypt at 43-52 MB/s, 1 MiB calls at 68; decryption is fastest at 1 MiB,
// slower at 4 MiB).
const CHUNK = 1024 * 1024;

// Fills `buffer` from a BYOB reader: { bytes, end }, bytes a view of the
// buffer (which each read transfers: the one returned is the one to reuse).
async function fill(reader, buffer) {
  let filled = 0;
  let current = buffer;
  while (filled < current.byteLength) {
    const { done, value } = await reader.read(new Uint8Array(current, filled));
    if (value !== undefined) current = value.buffer;
    // (No value: the read was cancelled, and the job is ending anyway.)
    if (done) return { bytes: value === undefined ? new Uint8Array(0) : new Uint8Array(current, 0, filled), end: true };
    filled += value.length;
  }
  return { bytes: new Uint8Array(current, 0, filled), end: false };
}

async function* chunks(file, phase) {
  const spare = [new ArrayBuffer(CHUNK), new ArrayBuffer(CHUNK)];
  let turn = 0;
  let done = 0;
  let reported = 0;
  let reader;
  let byob = true;
  try {
    reader = file.stream().getReader({ mode: 'byob' });
  } catch {
    byob = false; // a browser whose Blob streams are not byte streams
    reader = file.stream().getReader();
  }
  try {
    for (;;) {
      if (stop.signal.aborted) throw stop.signal.reason;
      let value;
      let end;
      if (byob) {
        ({ bytes: value, end } = await fill(reader, spare[turn]));
        spare[turn] = value.buffer;
        turn ^= 1;
      } else {
        ({ value, done: end } = await reader.read());
      }
      if (value !== undefined && value.length !== 0) {
        done += value.length;
        if (done - reported > file.size / 100) {
          reported = done;
          self.postMessage({ progress: done / file.size, phase });
        }
        yield value;
      }
      if (end) break;
    }
    self.postMessage({ progress: 1, phase });
  } finally {
    reader.cancel().catch(() => {});
  }
}

// Every byte Python skips is below BELOW (40), so a chunk with no byte below
// it has nothing to drop; token text ('-' is its lowest character, 45) never
// has one, so a token file's chunks all but always skip the filter, which
// cost 1.5-2 s a pass on a 300 MB file's 400 MB of token. Checked four bytes
// at a time: for bytes x and B <= 0x80, (x - B) & ~x & 0x80 is set in the
// lowest byte below B (a borrow can only set it in bytes above that one), so
// a word with a byte below B is never missed, and whatever is flagged goes
// through the exact filter.
let BELOW = 0;
IGNORED.forEach((ignored, byte) => { if (ignored === 1) BELOW = byte + 1; });
const BELOW4 = BELOW * 0x01010101;
const NO_WORDS = new Uint32Array(0);
function mayHaveIgnored(bytes) {
  // (The chunks start a buffer, so are aligned; anything else goes byte by byte.)
  const aligned = bytes.byteOffset % 4 === 0 ? bytes.length >>> 2 : 0;
  const words = aligned === 0 ? NO_WORDS : new Uint32Array(bytes.buffer, bytes.byteOffset, aligned);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (((word - BELOW4) & ~word & 0x80808080) !== 0) return true;
  }
  for (let i = aligned * 4; i < bytes.length; i++) if (bytes[i] < BELOW) return true;
  return false;
}

// One pass over a token file, for decryptStream (which makes two: verify,
// then decrypt), without the bytes Python would skip.
function tokenPass(file, phase) {
  const source = chunks(file, phase);
  return new ReadableStream({
    async pull(controller) {
      for (;;) {
        const { done, value } = await source.next();
        if (done) return controller.close();
        if (!mayHaveIgnored(value)) return controller.enqueue(value);
        let keep = 0;
        for (let i = 0; i < value.length; i++) if (IGNORED[value[i]] === 0) value[keep++] = value[i];
        if (keep > 0) return controller.enqueue(value.subarray(0, keep));
      }
    },
    cancel() {
      return source.return();
    },
  }, { highWaterMark: 0 });
}

// The first characters of the token file with ignorable bytes dropped, and
// the file's size without trailing ones, to tell "not a token" from "fails".
async function head(file) {
  const bytes = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  const kept = bytes.filter((b) => IGNORED[b] === 0);
  const tail = new Uint8Array(await file.slice(-64).arrayBuffer());
  let trailing = 0;
  while (trailing < tail.length && IGNORED[tail[tail.length - 1 - trailing]] === 1) trailing++;
  return { text: new TextDecoder('latin1').decode(kept.subarray(0, 64)), size: file.size - trailing };
}

// Frees a chunk of output at once instead of leaving it to the garbage
// collector. Each chunk the library hands out is a fresh copy that only this
// worker holds; hundreds of MB of them, collected only now and then, were
// most of the worker's memory growth once the job ran fast (100-150 MB at
// 300 MB, against the test's 100 MB bound; 40-60 MB with this, as before the
// speed-up). Detaching the buffer (transfer to length 0) releases its memory
// now; a browser without transfer() keeps it until a collection. Only a
// whole, non-empty buffer is detached: never a view into something shared.
// Zero-filled first: a decrypted chunk is plaintext.
function discard(bytes) {
  const { buffer } = bytes;
  bytes.fill(0);
  if (typeof buffer.transfer === 'function' && bytes.length !== 0
    && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) buffer.transfer(0);
}

// Where the output goes: a file (written through the browser's temporary
// file, which only replaces the chosen one on close; abort discards it), or
// a Blob, in pieces the browser may keep on disk.
// The output is written in batches of WRITE_BATCH bytes (each write to a
// browser file has a fixed cost: 300 MB in 1 MiB writes took 3.6 s in
// Chromium, in 4 MiB writes 2.7 s), and each write goes on while the next
// batch is made: the browser writes (in another process) while this worker
// encrypts or decrypts. Two buffers take turns; one is reused only once its
// write has finished, and a write's failure surfaces at the next write or at
// close. (300 MB: 8 MiB batches saved about 0.9 s encrypting, 0.6 s
// decrypting, over writing each 1 MiB chunk's output.) write() takes its
// bytes: they are zero-filled and freed once copied into the batch, or when the
// write fails.
const WRITE_BATCH = 8 * 1024 * 1024;
async function fileSink(handle) {
  const writable = await handle.createWritable();
  let size = 0;
  let batch = new Uint8Array(WRITE_BATCH);
  let other = new Uint8Array(WRITE_BATCH);
  let filled = 0;
  let writing = null;
  const settle = async () => {
    const previous = writing;
    writing = null;
    if (previous !== null) await previous;
  };
  // The batches hold plaintext when decrypting: zero-filled once no write reads them.
  const wipeBatches = () => {
    batch.fill(0);
    other.fill(0);
  };
  const flush = async () => {
    await settle();
    if (filled === 0) return;
    writing = writable.write(batch.subarray(0, filled));
    writing.catch(() => {}); // handled by settle(), or moot after abort
    [batch, other] = [other, batch];
    filled = 0;
  };
  return {
    write: async (bytes) => {
      size += bytes.length;
      try {
        let at = 0;
        while (at < bytes.length) {
          const take = Math.min(bytes.length - at, WRITE_BATCH - filled);
          batch.set(bytes.subarray(at, at + take), filled);
          filled += take;
          at += take;
          if (filled === WRITE_BATCH) await flush();
        }
      } finally {
        discard(bytes); // a failed write's chunk too: it may be plaintext
      }
    },
    close: async () => {
      try {
        await flush();
        await settle();
        await writable.close();
      } finally {
        wipeBatches();
      }
      return { ok: true, size };
    },
    abort: async (error) => {
      await settle().catch(() => {});
      wipeBatches();
      await writable.abort(error).catch(() => {});
    },
  };
}
function blobSink() {
  const pieces = [];
  let parts = [];
  let size = 0;
  return {
    write: async (bytes) => {
      parts.push(bytes);
      size += bytes.length;
      if (size >= 2 ** 26) {
        pieces.push(new Blob(parts));
        parts = [];
        size = 0;
      }
    },
    close: async () => {
      const blob = new Blob([...pieces, ...parts]);
      return { ok: true, size: blob.size, blob };
    },
    abort: async () => {},
  };
}

async function run({ op, key, file, handle }) {
  await loaded;
  const fernet = new Fernet(key);
  if (op === 'decrypt') {
    const start = await head(file);
    const reason = notATokenStart(start.text, start.size);
    if (reason !== null) throw new NotAToken(reason);
  }
  const sink = handle ? await fileSink(handle) : blobSink();
  try {
    if (op === 'encrypt') {
      const encryptor = fernet.encryptor();
      try {
        for await (const chunk of chunks(file, 'Encrypting')) await sink.write(encryptor.update(chunk));
      } catch (error) {
        encryptor.destroy();
        throw error;
      }
      await sink.write(encryptor.finish());
    } else {
      let pass = 0;
      const output = fernet.decryptStream(() => tokenPass(file, pass++ === 0 ? 'Verifying' : 'Decrypting'));
      const reader = output.getReader();
      try {
        for (;;) {
          if (stop.signal.aborted) throw stop.signal.reason;
          const { done, value } = await reader.read();
          if (done) break;
          await sink.write(value);
        }
      } catch (error) {
        reader.cancel(error).catch(() => {});
        throw error;
      }
    }
    return await sink.close();
  } catch (error) {
    await sink.abort(error);
    throw error;
  }
}

self.onmessage = async ({ data }) => {
  if (data.cancel) {
    stop.abort(new DOMException('Cancelled', 'AbortError'));
    return;
  }
  try {
    self.postMessage(await run(data));
  } catch (error) {
    const kind = error instanceof InvalidToken ? 'InvalidToken' : error instanceof NotAToken ? 'NotAToken' : error.name;
    self.postMessage({ ok: false, error: { kind, message: error.message } });
  }
};
