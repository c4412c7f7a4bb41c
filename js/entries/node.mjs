// import 'fernet-wasm/node': the shared instance (js/node-internal.mjs), loaded
// with require for the reason js/entries/fernet.node.mjs gives.
import { createRequire } from 'node:module';

const internal = createRequire(import.meta.url)('./internal.node.cjs');

export const { createEncryptStream, decryptFile, encryptFile, rotateFile, verifyFile } = internal.node;
