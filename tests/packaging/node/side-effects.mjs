// Loading and using the package must leave the process as it found it: no
// new globals, no process-wide listeners (Emscripten's Node glue would add
// uncaughtException / unhandledRejection handlers).
const globalsBefore = Object.getOwnPropertyNames(globalThis).sort();
const listenersBefore = process.eventNames().map((name) => [String(name), process.listenerCount(name)]);

const { ready, Fernet } = await import('fernet-wasm');
await ready();
new Fernet(Fernet.generateKey()).encrypt('x');

console.log(JSON.stringify({
  globalsBefore,
  globalsAfter: Object.getOwnPropertyNames(globalThis).sort(),
  listenersBefore,
  listenersAfter: process.eventNames().map((name) => [String(name), process.listenerCount(name)]),
}));
