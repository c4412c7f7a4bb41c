// Jest's global setup: an empty folder for the packed tarball and its scratch
// install, made at most once per run by the first suite that needs them
// (helpers/packed.js), and the interpreter that `python3` on PATH runs
// (helpers/python.js). Workers start after this and inherit the variables.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async () => {
  process.env.FERNET_WASM_PACK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-wasm-pack-'));
  // A version manager's python3 is a shell script that picks the interpreter
  // on every start (pyenv's: 0.25 s and a dozen processes each time here);
  // the suites start the interpreter it picks directly.
  const found = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  const executable = found.status === 0 ? found.stdout.trim() : '';
  if (path.isAbsolute(executable)) process.env.FERNET_TEST_PYTHON3 = executable;
};
