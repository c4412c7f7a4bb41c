// In Node, `import` and `require` of fernet-wasm and fernet-wasm/node all
// reach this one bundle (dist/internal.node.cjs) through the thin files in
// js/entries/, so a process has one wasm instance, one InvalidToken class and
// one set of keys, and the file helpers share the library's internals as
// modules rather than through anything user code could reach.
import { randomFillSync } from 'node:crypto';
import { InvalidToken, MAX_MESSAGE_SIZE, MAX_TOKEN_LENGTH, Fernet, MultiFernet, ready } from './index.mjs';
import { createEncryptStream, decryptFile, encryptFile, rotateFile, verifyFile } from './node.mjs';
import { useNodeRandom } from './random.mjs';

// The file helpers' worker thread runs this bundle too (js/entries/second-thread.node.cjs).
export { serveSecondThread } from './second-thread.mjs';

useNodeRandom(randomFillSync);

export const main = Object.freeze({ ready, InvalidToken, MAX_MESSAGE_SIZE, MAX_TOKEN_LENGTH, Fernet, MultiFernet });
export const node = Object.freeze({ createEncryptStream, decryptFile, encryptFile, rotateFile, verifyFile });
