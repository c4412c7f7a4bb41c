// Encrypts or decrypts a whole file with the in-memory API; the token file is
// what Python's Fernet(key).decrypt(open(path, 'rb').read()) reads.
//   FERNET_KEY=... node examples/node/encrypt-file.mjs encrypt photo.jpg photo.jpg.fernet
//   FERNET_KEY=... node examples/node/encrypt-file.mjs decrypt photo.jpg.fernet photo.jpg
import { readFile, writeFile } from 'node:fs/promises';
import { ready, Fernet, InvalidToken } from 'fernet-wasm';

const [command, input, output] = process.argv.slice(2);
if (!['encrypt', 'decrypt'].includes(command) || !input || !output || !process.env.FERNET_KEY) {
  console.error('usage: FERNET_KEY=... node encrypt-file.mjs encrypt|decrypt INPUT OUTPUT');
  process.exit(2);
}

await ready();
const fernet = new Fernet(process.env.FERNET_KEY);
const data = await readFile(input);
try {
  const result = command === 'encrypt'
    ? fernet.encrypt(data)
    : fernet.decrypt(data.toString('latin1').trimEnd()); // tolerate a trailing newline
  await writeFile(output, result, { flag: 'wx' }); // never overwrite
  console.log(`${command}ed ${input} (${data.length} bytes) -> ${output}`);
} catch (error) {
  if (!(error instanceof InvalidToken)) throw error;
  console.error(`${input}: invalid token (wrong key, or the file was changed)`);
  process.exit(1);
}
