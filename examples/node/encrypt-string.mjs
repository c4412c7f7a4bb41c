// Encrypts a string and decrypts it again.
//   FERNET_KEY=... node examples/node/encrypt-string.mjs "my secret"
import { ready, Fernet } from 'fernet-wasm';

await ready();
const key = process.env.FERNET_KEY ?? Fernet.generateKey();
const fernet = new Fernet(key);

const token = fernet.encrypt(process.argv[2] ?? 'Hello from fernet-wasm');
console.log(`token:     ${token}`);
console.log(`decrypted: ${fernet.decryptToString(token)}`);
console.log(`made at:   ${new Date(fernet.extractTimestamp(token) * 1000).toISOString()}`);
if (!process.env.FERNET_KEY) console.log(`key:       ${key}  (generated; set FERNET_KEY to use your own)`);
