// Reads the tokens the Python app (app.py beside this file) stored, with the
// same key, and writes one back that the Python side can read.
//   FERNET_KEY=... node examples/node/python-app/read-tokens.mjs tokens.json
import { readFile } from 'node:fs/promises';
import { ready, Fernet } from 'fernet-wasm';

await ready();
const fernet = new Fernet(process.env.FERNET_KEY);
const { tokens } = JSON.parse(await readFile(process.argv[2], 'utf8'));
for (const token of tokens) {
  // A TTL of one day, as an app would bound a session or reset token.
  console.log(fernet.decryptToString(token, 24 * 3600));
}
console.log(`reply: ${fernet.encrypt('hello back from Node')}`);
