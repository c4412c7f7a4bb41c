// fernet-wasm: Fernet tokens that Python's cryptography.fernet reads and
// writes, byte for byte. The package's main entry.
export { ready } from './core.mjs';
export { InvalidToken } from './errors.mjs';
export { MAX_MESSAGE_SIZE, MAX_TOKEN_LENGTH } from './args.mjs';
export { Fernet, MultiFernet } from './fernet.mjs';
