// WebAssembly SIMD is required (the constant-time AES is built on it):
// in a runtime without it, ready() rejects with a message that says so, and
// the module loads once the runtime has it.
test('ready() names the missing feature, then loads where SIMD exists', async () => {
  const { ready, Fernet } = require('../../dist/fernet.cjs');
  const validate = WebAssembly.validate;
  WebAssembly.validate = () => false;
  try {
    await expect(ready()).rejects.toThrow(/needs WebAssembly SIMD \(Chrome\/Edge 91\+, Firefox 89\+, Safari 16\.4\+, Node 16\.4\+/);
  } finally {
    WebAssembly.validate = validate;
  }
  await ready();
  const fernet = new Fernet(Fernet.generateKey());
  expect(fernet.decryptToString(fernet.encrypt('simd'))).toBe('simd');
});
