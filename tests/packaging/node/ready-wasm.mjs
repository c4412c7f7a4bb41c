// ready(wasm) for hosts that load code their own way: argv[2] says which
// form of the shipped fernet_core.wasm to hand over. A broken module is
// refused first, which shows the argument is really used, and that a failed
// ready() can be retried.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ready, Fernet } from 'fernet-wasm';

const bytes = readFileSync(fileURLToPath(import.meta.resolve('fernet-wasm/fernet_core.wasm')));
const forms = {
  module: () => WebAssembly.compile(bytes),
  arraybuffer: () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
  uint8array: () => new Uint8Array(bytes),
};
const brokenError = await ready(bytes.subarray(0, 100)).then(() => null, (error) => error.name);
await ready(await forms[process.argv[2]]());
const fernet = new Fernet(Fernet.generateKey());
console.log(JSON.stringify({ brokenError, decrypted: fernet.decryptToString(fernet.encrypt('loaded my way')) }));
