// Before ready() resolves, every entry point throws a clear Error. Each test
// that needs an unloaded module takes its own instance, so the tests hold in
// any order (another test here may already have loaded the shared one).
const shared = require('../../dist/fernet.cjs');
const { KEY } = require('./helpers/fixtures');

// A module instance of its own, on which nothing has called ready() yet.
function freshInstance() {
  let fresh;
  jest.isolateModules(() => {
    fresh = require('../../dist/fernet.cjs');
  });
  return fresh;
}

test('the API refuses to work before ready(), then works', async () => {
  const { ready, Fernet, MultiFernet } = freshInstance();
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
  const first = shared.ready();
  expect(shared.ready()).toBe(first);
  await expect(first).resolves.toBeUndefined();
});

test('ready() rejects a wasm source of the wrong type, and a later ready() still loads', async () => {
  const fresh = freshInstance();
  await expect(fresh.ready('not wasm')).rejects.toThrow(TypeError);
  await fresh.ready();
  expect(fresh.Fernet.generateKey()).toHaveLength(44);
});
