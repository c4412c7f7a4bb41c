// A Node round trip: a new key, a token, and the token decrypted again.
// Run with `npm start` (which builds the package first when needed).
import { ready, Fernet } from '../../dist/fernet.mjs';

await ready();
const key = Fernet.generateKey();
const fernet = new Fernet(key);
const token = fernet.encrypt('Hello from fernet-wasm');

console.log(`key:       ${key}`);
console.log(`token:     ${token}`);
console.log(`decrypted: ${fernet.decryptToString(token)}`);
console.log(`timestamp: ${new Date(fernet.extractTimestamp(token) * 1000).toISOString()}`);
console.log('\nPython reads the same token:');
console.log(`  python3 -c "from cryptography.fernet import Fernet; print(Fernet(b'${key}').decrypt(b'${token}'))"`);
