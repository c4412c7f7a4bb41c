// import 'fernet-wasm' in Node: the shared instance (js/node-internal.mjs).
// Loaded with require: an `import` of the CommonJS bundle would first have
// Node scan all of it for export names (cjs-module-lexer), which tripled a
// cold start (85 ms against 28 ms here).
import { createRequire } from 'node:module';

const internal = createRequire(import.meta.url)('./internal.node.cjs');

export const { ready, InvalidToken, MAX_MESSAGE_SIZE, MAX_TOKEN_LENGTH, Fernet, MultiFernet } = internal.main;
