// The ESM entry exposes the same API as the CommonJS one and interoperates with it.
import { createRequire } from 'node:module';
import * as esm from '../../dist/fernet.mjs';

const require = createRequire(import.meta.url);
const cjs = require('../../dist/fernet.cjs');

test('ESM and CJS export the same names', () => {
  expect(Object.keys(esm).sort()).toEqual(Object.keys(cjs).sort());
  expect(Object.keys(esm).sort()).toEqual(
    ['Fernet', 'InvalidToken', 'MAX_MESSAGE_SIZE', 'MAX_TOKEN_LENGTH', 'MultiFernet', 'ready'],
  );
});

test('a token from the ESM build decrypts with the CJS build', async () => {
  await Promise.all([esm.ready(), cjs.ready()]);
  const key = esm.Fernet.generateKey();
  const token = new esm.Fernet(key).encrypt('from ESM');
  expect(new cjs.Fernet(key).decryptToString(token)).toBe('from ESM');
});
