// import 'fernet-wasm' in Node: the shared instance (js/node-internal.mjs).
import internal from './internal.node.cjs';

export const { ready, InvalidToken, MAX_MESSAGE_SIZE, MAX_TOKEN_LENGTH, Fernet, MultiFernet } = internal.main;
