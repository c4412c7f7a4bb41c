// Prints a new Fernet key. Store it like a password (a secrets manager, or an
// environment variable such as FERNET_KEY); Python's Fernet takes it as is.
//   node examples/node/generate-key.mjs
import { ready, Fernet } from 'fernet-wasm';

await ready();
console.log(Fernet.generateKey());
