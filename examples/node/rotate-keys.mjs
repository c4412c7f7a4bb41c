// Key rotation with MultiFernet: put the new key first, keep the old ones
// after it, re-encrypt stored tokens with rotate(), then drop the old keys.
//   node examples/node/rotate-keys.mjs
import { ready, Fernet, MultiFernet } from 'fernet-wasm';

await ready();
const oldFernet = new Fernet(Fernet.generateKey());
const newFernet = new Fernet(Fernet.generateKey());

// A token stored a year ago under the old key.
const aYearAgo = Math.floor(Date.now() / 1000) - 365 * 24 * 3600;
const stored = oldFernet.encryptAtTime('account 12345', aYearAgo);

const keyring = new MultiFernet([newFernet, oldFernet]);
console.log(`readable during rotation: ${keyring.decryptToString(stored)}`);

const rotated = keyring.rotate(stored);
console.log(`rotated token readable with the new key alone: ${newFernet.decryptToString(rotated)}`);
console.log(`timestamp kept: ${keyring.extractTimestamp(stored) === newFernet.extractTimestamp(rotated)}`);
