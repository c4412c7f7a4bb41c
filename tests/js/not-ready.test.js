// Before ready() resolves, every entry point throws a clear Error; Jest gives
// this file a fresh module instance, so nothing has loaded the wasm yet.
const { ready, Fernet, MultiFernet } = require('../../dist/fernet.cjs');

const KEY = 'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM=';

test('the API refuses to work before ready(), then works', async () => {
  const notReady = /not ready: await ready\(\)/;
  expect(() => Fernet.generateKey()).toThrow(notReady);
  expect(() => new Fernet(KEY)).toThrow(notReady);
  const pending = ready();
  expect(() => new Fernet(KEY)).toThrow(notReady);
  await pending;
  const fernet = new Fernet(KEY);
  expect(fernet.decryptToString(new MultiFernet([fernet]).encrypt('now it works'))).toBe('now it works');
});

test('ready() is idempotent: one load, one promise', async () => {
  const first = ready();
  expect(ready()).toBe(first);
  await expect(first).resolves.toBeUndefined();
});

test('ready() rejects a wasm source of the wrong type, and a later ready() still loads', async () => {
  jest.resetModules();
  const fresh = require('../../dist/fernet.cjs');
  await expect(fresh.ready('not wasm')).rejects.toThrow(TypeError);
  await fresh.ready();
  expect(fresh.Fernet.generateKey()).toHaveLength(44);
});
