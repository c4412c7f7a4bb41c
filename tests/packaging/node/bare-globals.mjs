// The package must not assume Node's or a browser's globals: with process,
// Buffer, require-style and DOM globals gone, it still loads and works.
const print = console.log.bind(console);
for (const name of ['process', 'Buffer', 'global', 'setImmediate', 'clearImmediate', 'window', 'document', 'self']) {
  delete globalThis[name];
}
const { ready, Fernet } = await import('fernet-wasm');
await ready();
const fernet = new Fernet(Fernet.generateKey());
print(JSON.stringify({ decrypted: fernet.decryptToString(fernet.encrypt('no globals')), hasProcess: typeof process }));
