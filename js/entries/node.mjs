// import 'fernet-wasm/node': the shared instance (js/node-internal.mjs).
import internal from './internal.node.cjs';

export const { createEncryptStream, decryptFile, encryptFile, rotateFile, verifyFile } = internal.node;
