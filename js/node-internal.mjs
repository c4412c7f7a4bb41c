// In Node, `import` and `require` of fernet-wasm and fernet-wasm/node all
// reach this one bundle (dist/internal.node.cjs) through the thin files in
// js/entries/, so a process has one wasm instance, one InvalidToken class and
// one set of keys, and the file helpers share the library's internals as
// modules rather than through anything user code could reach.
import { Buffer } from 'node:buffer';
import { randomFillSync } from 'node:crypto';
import { InvalidToken, MAX_MESSAGE_SIZE, MAX_TOKEN_LENGTH, Fernet, MultiFernet, ready } from './index.mjs';
import { encodeTextInto, useNodeText } from './intrinsics.mjs';
import { createEncryptStream, decryptFile, encryptFile, rotateFile, verifyFile } from './node.mjs';
import { useNodeRandom } from './random.mjs';

// The file helpers' worker thread runs this bundle too (js/entries/second-thread.node.cjs).
export { serveSecondThread } from './second-thread.mjs';

useNodeRandom(randomFillSync);

// Text in and token text out through Buffer's own methods, where they are
// native code (Node's and Bun's are; a Buffer written in JavaScript leaves the
// library with TextEncoder and TextDecoder): about 1.7 times as fast on 1 KiB.
// utf8Write says only what it wrote, so it takes text whose worst case (three
// bytes a UTF-16 unit) fits; longer text goes to encodeInto, which says where it stopped.
const { apply } = Reflect;
const isNative = (f) =>
  typeof f === 'function' && /\{\s*\[native code\]\s*\}$/.test(apply(Function.prototype.toString, f, []));
const { latin1Slice, utf8Write } = Buffer.prototype;
if (isNative(latin1Slice) && isNative(utf8Write)) {
  const encodeWithTextEncoder = encodeTextInto;
  useNodeText(
    (bytes, start, end) => apply(latin1Slice, bytes, [start, end]),
    (text, bytes, start, room) => (room >= 3 * text.length
      ? { read: text.length, written: apply(utf8Write, bytes, [text, start, room]) }
      : encodeWithTextEncoder(text, bytes, start, room)),
  );
}

export const main = Object.freeze({ ready, InvalidToken, MAX_MESSAGE_SIZE, MAX_TOKEN_LENGTH, Fernet, MultiFernet });
export const node = Object.freeze({ createEncryptStream, decryptFile, encryptFile, rotateFile, verifyFile });
