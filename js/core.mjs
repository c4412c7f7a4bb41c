// The wasm core and the one way data reaches it: the JS twin of
// cpp/bindings.cpp. Inputs are written into the exchange area in wasm memory,
// an operation runs, its output is copied out, and the area is zero-filled.
// The field layout, sizes and statuses are the constants the bindings export.
import createFernetCore from '../build-wasm/fernet_core.mjs';
import { defaultWasm } from '../build-wasm/fernet_core_wasm.mjs';
import { InvalidToken, KEY_MESSAGE } from './errors.mjs';
import {
  NativeUint8Array, NativeUint32Array, decodeAscii, decodeStrict, encodeTextInto, setBytes, sliceString, wipe,
} from './intrinsics.mjs';
import { FRESH_IV, hasRandomSource, randomKey, writeRandomIv } from './random.mjs';

const NOT_READY = 'fernet-wasm is not ready: await ready() before using it';
// A module whose one function returns i8x16.swizzle(splat 0, splat 0): the
// instruction the constant-time AES is built on. A runtime without SIMD
// refuses it, and ready() says so instead of failing to compile the core.
const SIMD_PROBE = new NativeUint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 14, 1, 12, 0,
  65, 0, 253, 15, 65, 0, 253, 15, 253, 14, 11,
]);
// A call this large keeps its wasm memory only for the call: it is wiped and freed after.
const KEEP_CAPACITY = 64 * 1024;
const TWO_32 = 2 ** 32;
const { floor } = Math;
const { apply } = Reflect;

let core = null;
// The bindings' constants (field indexes, sizes, statuses), copied out of the
// Emscripten module object, whose many properties make each read a lookup.
let k = null;
// The bindings' functions by name, read from the module once each.
let operations = null;
let memory = null;
// memory.buffer as of the last refreshViews() (the getter is a runtime call).
let heapBuffer = null;
let fieldsAddress = 0;
let heap = null;
let fieldView = null;
let busy = false;
let loading = null;

/**
 * Loads and self-tests the wasm core once; later calls return the same promise.
 * `wasm` optionally supplies the module for hosts that load code their own way:
 * a WebAssembly.Module, or the wasm bytes (ArrayBuffer or Uint8Array).
 */
export function ready(wasm) {
  if (loading === null) {
    loading = load(wasm).catch((error) => {
      loading = null;
      throw error;
    });
  }
  return loading;
}

async function load(wasm) {
  if (!hasRandomSource()) {
    throw new Error('fernet-wasm needs crypto.getRandomValues (Web Crypto), which this runtime lacks');
  }
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new Error('fernet-wasm needs WebAssembly SIMD (Chrome/Edge 91+, Firefox 89+, Safari 16.4+, Node 16.4+, Deno 1.9+), which this runtime lacks');
  }
  const source = wasm ?? defaultWasm();
  let instanceExports = null;
  const loaded = await new Promise((resolve, reject) => {
    createFernetCore({
      // Handing Emscripten the instance means its loader never fetches a URL
      // or reads a file: one code path for Node, browsers, workers and bundlers.
      instantiateWasm(imports, receiveInstance) {
        instantiate(source, imports).then((instance) => {
          instanceExports = Object.values(instance.exports);
          receiveInstance(instance);
        }, reject);
        return {};
      },
    }).then(resolve, reject);
  });
  const previous = [core, k, operations, memory, fieldsAddress];
  const exported = (type) => instanceExports.find((e) => e instanceof type);
  [core, k, operations, memory] = [loaded, constantsOf(loaded), Object.create(null), exported(WebAssembly.Memory)];
  // Node's link says where encrypt and decrypt are in the wasm function table:
  // called from there, they skip Embind's invoker (cpp/bindings.cpp).
  if (loaded.ENCRYPT_FUNCTION !== undefined) {
    const table = exported(WebAssembly.Table);
    operations.encrypt = table.get(loaded.ENCRYPT_FUNCTION);
    operations.decrypt = table.get(loaded.DECRYPT_FUNCTION);
  }
  fieldsAddress = loaded.exchangeFields();
  heap = null;
  refreshViews();
  try {
    selfTest();
  } catch (error) {
    [core, k, operations, memory, fieldsAddress] = previous;
    throw error;
  }
}

function constantsOf(m) {
  return {
    FIELD_DATA: m.FIELD_DATA,
    FIELD_CAPACITY: m.FIELD_CAPACITY,
    FIELD_KEY_COUNT: m.FIELD_KEY_COUNT,
    FIELD_INPUT_SIZE: m.FIELD_INPUT_SIZE,
    FIELD_TIME: m.FIELD_TIME,
    FIELD_TTL: m.FIELD_TTL,
    FIELD_CHECK_TTL: m.FIELD_CHECK_TTL,
    FIELD_KEY_INDEX: m.FIELD_KEY_INDEX,
    FIELD_OUTPUT_ADDRESS: m.FIELD_OUTPUT_ADDRESS,
    FIELD_OUTPUT_SIZE: m.FIELD_OUTPUT_SIZE,
    PREPARED_KEY_SIZE: m.PREPARED_KEY_SIZE,
    IV_SIZE: m.IV_SIZE,
    COMMITMENT_KEY_SIZE: m.COMMITMENT_KEY_SIZE,
    STATUS_OK: m.STATUS_OK,
    STATUS_INVALID_TOKEN: m.STATUS_INVALID_TOKEN,
    STATUS_INVALID_KEY: m.STATUS_INVALID_KEY,
    STATUS_OUT_OF_MEMORY: m.STATUS_OUT_OF_MEMORY,
    STATUS_TOO_LARGE: m.STATUS_TOO_LARGE,
    STATUS_INVALID_PARAMETERS: m.STATUS_INVALID_PARAMETERS,
  };
}

async function instantiate(source, imports) {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, imports);
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return (await WebAssembly.instantiate(source, imports)).instance;
  }
  throw new TypeError('ready(wasm): wasm must be a WebAssembly.Module, an ArrayBuffer or a Uint8Array');
}

// A token made by Python's cryptography (Fernet(key)._encrypt_from_parts(
// b"fernet-wasm", 1700000000, bytes(range(16))), key = bytes(range(100, 132))).
function selfTest() {
  const raw = new NativeUint8Array(32).map((_, i) => 100 + i);
  const key = call('prepareKey', { input: raw }, readBytes);
  const iv = new NativeUint8Array(16).map((_, i) => i);
  const expected =
    'gAAAAABlU_EAAAECAwQFBgcICQoLDA0OD3wy6x31JCj2xAjN4lPEbePkB6I9cL_S7KpRmWxyFI7hNChLHDJHn39qnLuQj0z_dw==';
  const token = call('encrypt', { keys: key, iv, input: 'fernet-wasm', time: 1700000000 }, readAscii);
  const plain = call('decrypt', { keys: key, input: token }, readAscii);
  if (token !== expected || plain !== 'fernet-wasm') {
    throw new Error('fernet-wasm self-test failed: the wasm core does not produce the known token');
  }
}

export function requireCore() {
  if (core === null) throw new Error(NOT_READY);
  return core;
}

// The one place a core status becomes an exception.
function fail(status) {
  switch (status) {
    case k.STATUS_INVALID_TOKEN: throw new InvalidToken();
    case k.STATUS_INVALID_KEY: throw new Error(KEY_MESSAGE);
    case k.STATUS_OUT_OF_MEMORY: throw new RangeError('fernet-wasm: out of wasm memory');
    case k.STATUS_TOO_LARGE: throw new RangeError('fernet-wasm: input too large');
    case k.STATUS_INVALID_PARAMETERS: throw new RangeError('fernet-wasm: key derivation parameters refused');
    default: throw new Error(`fernet-wasm: unexpected status ${status}`);
  }
}

// Views of wasm memory go stale when it grows (growing detaches the old
// buffer, so a stale view has length 0); they are made anew then.
function refreshViews() {
  if (heap === null || heap.length === 0) {
    heapBuffer = fixedLengthBuffer();
    heap = new NativeUint8Array(heapBuffer);
    fieldView = new NativeUint32Array(heapBuffer, fieldsAddress, k.FIELD_OUTPUT_SIZE + 1);
  }
}

// Glue from a newer Emscripten may switch the memory to a resizable buffer
// (WebAssembly.Memory#toResizableBuffer), and browsers' TextDecoder and
// TextEncoder refuse views of one: it is switched back. The glue itself reads
// its views only while it loads, or after growing the memory, which detaches
// this buffer (length 0 above) and so brings the check round again.
function fixedLengthBuffer() {
  const buffer = memory.buffer;
  if (buffer.resizable !== true || typeof memory.toFixedLengthBuffer !== 'function') return buffer;
  return memory.toFixedLengthBuffer();
}

function writeU64(field, value) {
  if (typeof value === 'bigint') {
    fieldView[field] = Number(BigInt.asUintN(32, value));
    fieldView[field + 1] = Number(BigInt.asUintN(32, value >> 32n));
  } else {
    // A number here is a safe integer, possibly negative (a TTL): two's complement.
    fieldView[field] = value >>> 0;
    fieldView[field + 1] = floor(value / TWO_32) >>> 0;
  }
}

function readU64(field) {
  return BigInt(fieldView[field + 1]) << 32n | BigInt(fieldView[field]);
}

/** Output readers: each copies the result out of wasm memory. */
export function readBytes(start, size) {
  const copy = new NativeUint8Array(size);
  setBytes(copy, new NativeUint8Array(heapBuffer, start, size), 0);
  return copy;
}
/** A reader that copies the output to the start of `target` and returns that view of it. */
export function readInto(target) {
  return (start, size) => {
    if (size > target.length) throw new RangeError('fernet-wasm: an output larger than its buffer');
    const view = new NativeUint8Array(target.buffer, target.byteOffset, size);
    setBytes(view, new NativeUint8Array(heapBuffer, start, size), 0);
    return view;
  };
}
export function readAscii(start, size) {
  return decodeAscii(heap, start, start + size);
}
/** Strict UTF-8 text, decoded straight from wasm memory (no copy of the bytes). */
export function readText(start, size) {
  try {
    return decodeStrict(new NativeUint8Array(heapBuffer, start, size));
  } catch {
    throw new TypeError('the decrypted message is not valid UTF-8; use decrypt() for binary data');
  }
}

/**
 * Runs one core operation: `operation` names an export of the bindings,
 * `numbers` its numeric arguments, if any. `request` holds the inputs, all already
 * plain values (no user code can run from here on): keys (Uint8Array: one or
 * several prepared keys, as prepareKey/parseKey return them, concatenated),
 * iv (16 bytes, or FRESH_IV for the next pooled random one), input (Uint8Array or string; `ascii` for token
 * text), time, ttl, publicOutput (true when the output is a token: it is not
 * wiped, as the input is). Returns `read(start, size)`: the output copied out of
 * wasm memory (or, for readTimestamp/readVerification, what the fields say).
 */
export function call(operation, request, read, ...numbers) {
  const c = requireCore();
  if (busy) throw new Error('fernet-wasm: a call into the library was made while another was running; refused');
  busy = true;
  let used = 0;
  let output = 0;
  let outputSize = 0;
  try {
    const keys = request.keys;
    const keyCount = keys === undefined ? 0 : keys.length / k.PREPARED_KEY_SIZE;
    const input = request.input ?? EMPTY;
    const inputOffset = keys === undefined ? k.IV_SIZE : keys.length + k.IV_SIZE;
    // A string is UTF-8 encoded straight into wasm memory. Short text gets room
    // for its worst case (three bytes a UTF-16 unit); token text (`ascii`) and
    // long text one byte a character, long text more only if it needs it.
    const inputRoom =
      typeof input !== 'string' || request.ascii || input.length > SHORT_TEXT ? input.length : input.length * 3;
    used = inputOffset + inputRoom;
    reserve(c, used);
    let base = fieldView[k.FIELD_DATA];
    if (keys !== undefined) setBytes(heap, keys, base);
    const iv = request.iv;
    if (iv === FRESH_IV) writeRandomIv(heap, base + inputOffset - k.IV_SIZE);
    else if (iv !== undefined) setBytes(heap, iv, base + inputOffset - k.IV_SIZE);
    let inputSize = inputRoom;
    if (typeof input === 'string') {
      const encoded = encodeTextInto(input, heap, base + inputOffset, inputRoom);
      inputSize = encoded.written;
      // What the text took of its room is all there is to wipe after the call
      // (the area is all zero bytes between calls).
      used = inputOffset + inputSize;
      if (encoded.read !== input.length) {
        // Text with other characters than ASCII cannot be a token.
        if (request.ascii) return fail(k.STATUS_INVALID_TOKEN);
        // Long text that ran out of room: the rest gets its worst case. The
        // area may move as it grows; what is written so far moves with it.
        const rest = sliceString(input, encoded.read);
        used = inputOffset + inputSize + rest.length * 3;
        reserve(c, used);
        base = fieldView[k.FIELD_DATA];
        inputSize += encodeTextInto(rest, heap, base + inputOffset + inputSize, rest.length * 3).written;
        used = inputOffset + inputSize;
      }
    } else {
      setBytes(heap, input, base + inputOffset);
    }
    fieldView[k.FIELD_KEY_COUNT] = keyCount;
    fieldView[k.FIELD_INPUT_SIZE] = inputSize;
    writeU64(k.FIELD_TIME, request.time ?? 0);
    const checkTtl = request.ttl !== undefined && request.ttl !== null;
    writeU64(k.FIELD_TTL, checkTtl ? request.ttl : 0);
    fieldView[k.FIELD_CHECK_TTL] = checkTtl ? 1 : 0;
    const run = operations[operation] ?? (operations[operation] = c[operation]);
    let status;
    try {
      status = numbers.length === 0 ? run() : apply(run, c, numbers);
    } catch (error) {
      recoverFrom(c, error);
    }
    refreshViews();
    if (status !== k.STATUS_OK) return fail(status);
    output = fieldView[k.FIELD_OUTPUT_ADDRESS];
    outputSize = fieldView[k.FIELD_OUTPUT_SIZE];
    return read(output, outputSize);
  } finally {
    refreshViews();
    if (fieldView[k.FIELD_CAPACITY] > KEEP_CAPACITY || outputSize > KEEP_CAPACITY) {
      // Frees the exchange area and the result, wiping both whole.
      c.release();
    } else if (used !== 0 || outputSize !== 0) {
      const base = fieldView[k.FIELD_DATA];
      const capacity = fieldView[k.FIELD_CAPACITY];
      wipe(heap, base, base + (used < capacity ? used : capacity));
      if (request.publicOutput !== true) wipe(heap, output, output + outputSize);
    }
    busy = false;
  }
}

const EMPTY = new NativeUint8Array(0);
// Text up to this length gets its worst-case room at once.
const SHORT_TEXT = 4096;

// Makes the data area at least `size` bytes (keeping its contents); views are fresh after.
function reserve(c, size) {
  refreshViews();
  if (fieldView[k.FIELD_CAPACITY] >= size) return;
  let status;
  try {
    status = c.reserve(size);
  } catch (error) {
    recoverFrom(c, error);
  }
  refreshViews();
  if (status !== k.STATUS_OK) fail(status);
}

// A JS exception (or a trap) that unwound through C++ skipped its cleanup:
// the core resets its stack, wipes it, and wipes and frees what the aborted
// call allocated, including the exchange area; then the error goes on.
function recoverFrom(c, error) {
  c.recover();
  throw error;
}

/** Output readers for operations whose result is in the fields. */
export function readTimestamp() {
  return readU64(k.FIELD_TIME);
}
export function readVerification() {
  return { keyIndex: fieldView[k.FIELD_KEY_INDEX], timestamp: readU64(k.FIELD_TIME) };
}

/** Whether the loaded core is Node's link, with the second thread's operations. */
export function hasSecondThread() {
  return typeof requireCore().cbcEncrypt === 'function';
}

/** A fresh random key for one verification's commitments; the caller wipes it. */
export function commitmentKey() {
  return randomKey(k.COMMITMENT_KEY_SIZE);
}

/** The stream objects of the core: `kind` is encryptor, verifier or decryptor. */
export function createStream(kind) {
  const c = requireCore();
  const handle = c[`${kind}Create`]();
  if (handle === 0) fail(k.STATUS_OUT_OF_MEMORY);
  return handle;
}
export function freeStream(kind, handle) {
  core[`${kind}Free`](handle);
}
