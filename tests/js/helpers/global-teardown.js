// Jest's global teardown: removes the run's package folder (global-setup.js).
const fs = require('node:fs');

module.exports = async () => {
  const dir = process.env.FERNET_WASM_PACK_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
