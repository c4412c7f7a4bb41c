// Runs Python's cryptography.fernet (tests/python/oracle.py) on a batch of
// requests. Both interpreters the project tests against are found here:
// Debian's /usr/bin/python3 (cryptography 38) and the python3 on PATH (48).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ORACLE = path.join(__dirname, '..', '..', 'python', 'oracle.py');

// JSON with bigints written as plain integers, which Python reads exactly.
function toJson(value) {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `@bigint:${v}` : v))
    .replace(/"@bigint:(-?\d+)"/g, '$1');
}

function runPython(executable, requests) {
  const result = spawnSync(executable, [ORACLE], {
    input: toJson(requests),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0) {
    throw new Error(`${executable} ${ORACLE} failed (${result.status}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

// Every distinct (interpreter, cryptography version) available; at least one
// must exist, or the interop suites fail rather than pass vacuously.
let found = null;
function pythons() {
  if (found !== null) return found;
  found = [];
  for (const executable of ['/usr/bin/python3', 'python3']) {
    try {
      const [{ version }] = runPython(executable, [{ op: 'version' }]);
      if (!found.some((p) => p.version === version)) found.push({ executable, version });
    } catch {
      // not installed, or without cryptography
    }
  }
  if (found.length === 0) throw new Error('no python3 with the cryptography package was found');
  if (found.length === 1) console.warn(`Interop runs against one cryptography only: ${found[0].version}`);
  return found;
}

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));

module.exports = { runPython, pythons, b64, unb64 };
