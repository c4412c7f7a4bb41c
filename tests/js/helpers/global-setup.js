// Jest's global setup: an empty folder for the packed tarball and its scratch
// install, made at most once per run by the first suite that needs them
// (helpers/packed.js). Workers start after this and inherit the variable.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
  process.env.FERNET_WASM_PACK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-wasm-pack-'));
};
