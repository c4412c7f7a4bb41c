// Built-ins the library relies on, captured when it loads. Arguments may be
// Proxies or subclasses whose getters call back into the library; reading
// them only through these means no user code runs while an input is copied.
const { apply } = Reflect;
const TypedArray = Object.getPrototypeOf(Uint8Array.prototype);
const getter = (name) => Object.getOwnPropertyDescriptor(TypedArray, name).get;
const tagOf = getter(Symbol.toStringTag);
const lengthOf = getter('length');
const bufferOf = getter('buffer');
const offsetOf = getter('byteOffset');
const typedArraySet = TypedArray.set;
const typedArrayFill = TypedArray.fill;

export const NativeUint8Array = Uint8Array;
export const NativeUint32Array = Uint32Array;

/** True only for a genuine Uint8Array (or subclass instance), never for a Proxy. */
export function isBytes(value) {
  return typeof value === 'object' && value !== null && apply(tagOf, value, []) === 'Uint8Array';
}

/**
 * A fixed-length view of the bytes `value` holds now, made without calling any
 * user code (a subclass's own `length` or `buffer` getters are not consulted).
 */
export function bytesView(value) {
  return new NativeUint8Array(apply(bufferOf, value, []), apply(offsetOf, value, []), apply(lengthOf, value, []));
}

/** A private copy of a genuine Uint8Array's bytes. */
export function copyBytes(value) {
  const view = bytesView(value);
  const copy = new NativeUint8Array(apply(lengthOf, view, []));
  apply(typedArraySet, copy, [view]);
  return copy;
}

export function setBytes(target, source, offset) {
  apply(typedArraySet, target, [source, offset]);
}

export function wipe(bytes, start, end) {
  apply(typedArrayFill, bytes, [0, start, end]);
}

export function byteLength(bytes) {
  return apply(lengthOf, bytes, []);
}

const encoder = new TextEncoder();
const encode = encoder.encode.bind(encoder);
const encodeInto = encoder.encodeInto.bind(encoder);
const asciiDecoder = new TextDecoder();
const decodeAsciiView = asciiDecoder.decode.bind(asciiDecoder);
// ignoreBOM keeps a leading U+FEFF, as Python's bytes.decode() does.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const decodeStrict = strictDecoder.decode.bind(strictDecoder);
const isWellFormedString = String.prototype.isWellFormed;
const charCodeAt = String.prototype.charCodeAt;
const stringSlice = String.prototype.slice;

export { encode, decodeStrict };

const viewOf = (bytes, start, size) =>
  new NativeUint8Array(apply(bufferOf, bytes, []), apply(offsetOf, bytes, []) + start, size);

/** Bytes start..end of a genuine Uint8Array, known to be ASCII, as a string. */
export let decodeAscii = (bytes, start, end) => decodeAsciiView(viewOf(bytes, start, end - start));

/**
 * `text` as UTF-8 into bytes start..start+room of a genuine Uint8Array:
 * { read, written }, as TextEncoder#encodeInto says them.
 */
export let encodeTextInto = (text, bytes, start, room) => encodeInto(text, viewOf(bytes, start, room));

/** For the Node bundle (js/node-internal.mjs): the two above on Node's Buffer methods. */
export function useNodeText(nodeDecodeAscii, nodeEncodeTextInto) {
  decodeAscii = nodeDecodeAscii;
  encodeTextInto = nodeEncodeTextInto;
}

/** Whether a string has no lone surrogate (Python refuses to encode those). */
export function isWellFormed(text) {
  if (isWellFormedString !== undefined) return apply(isWellFormedString, text, []);
  for (let i = 0; i < text.length; i++) {
    const unit = apply(charCodeAt, text, [i]);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < text.length ? apply(charCodeAt, text, [i + 1]) : 0;
      if (next < 0xdc00 || next > 0xdfff) return false;
      i += 1;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

export function sliceString(text, start) {
  return apply(stringSlice, text, [start]);
}

export function codeUnitAt(text, index) {
  return apply(charCodeAt, text, [index]);
}
