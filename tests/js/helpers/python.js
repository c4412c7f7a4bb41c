// Runs Python's cryptography.fernet (tests/python/oracle.py) on a batch of
// requests. Both interpreters the project tests against are found here:
// Debian's /usr/bin/python3 (cryptography 38) and the python3 on PATH (48).
const { spawn } = require('node:child_process');
const { onStdoutLines } = require('./lines');
const path = require('node:path');
const { MessageChannel, Worker, receiveMessageOnPort } = require('node:worker_threads');

const ORACLE = path.join(__dirname, '..', '..', 'python', 'oracle.py');

// JSON with bigints written as plain integers, which Python reads exactly.
function toJson(value) {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `@bigint:${v}` : v))
    .replace(/"@bigint:(-?\d+)"/g, '$1');
}

// The oracle kept running, one request batch per line, for suites that ask
// Python many small questions: each interpreter starts once.
const SESSION = `import io, sys
sys.path.insert(0, sys.argv[1])
import oracle
for line in sys.stdin:
    sys.stdin = io.StringIO(line)
    oracle.main()
    sys.stdout.write("\\n")
    sys.stdout.flush()`;

// runPython's interpreters live in a worker thread (python-worker.js) for the
// whole suite; runPython waits for its answer, so it stays synchronous. The
// suite's end closes them (close(), called from helpers/setup-suite.js).
let oracles = null;
const WAIT_MS = 10 * 60 * 1000; // far beyond any batch; the suite's own timeout ends it first

function oracleThread() {
  if (oracles !== null) return oracles;
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  const worker = new Worker(path.join(__dirname, 'python-worker.js'), {
    workerData: { port: port2, signal, oracleDir: path.dirname(ORACLE), session: SESSION },
    transferList: [port2],
  });
  worker.unref();
  oracles = { worker, port: port1, flag: new Int32Array(signal) };
  return oracles;
}

function runPython(executable, requests) {
  const { port, flag } = oracleThread();
  Atomics.store(flag, 0, 0);
  port.postMessage({ executable, requests: toJson(requests) });
  if (Atomics.wait(flag, 0, 0, WAIT_MS) === 'timed-out') throw new Error(`${executable} ${ORACLE}: no answer in ${WAIT_MS} ms`);
  const { message } = receiveMessageOnPort(port);
  if (!message.ok) throw new Error(message.error);
  return JSON.parse(message.reply);
}

/** Ends runPython's interpreters (each suite's end, through helpers/setup-suite.js). */
function closePythons() {
  if (oracles === null) return;
  oracles.port.postMessage({ close: true });
  oracles.port.close();
  oracles = null;
}

// Every distinct (interpreter, cryptography version) available; at least one
// must exist, or the interop suites fail rather than pass vacuously.
let found = null;
function pythons() {
  if (found !== null) return found;
  found = [];
  // (The second is the python3 on PATH, as helpers/global-setup.js resolved it.)
  for (const executable of ['/usr/bin/python3', process.env.FERNET_TEST_PYTHON3 || 'python3']) {
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

function startSession(executable) {
  const child = spawn(executable, ['-c', SESSION, path.dirname(ORACLE)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = [];
  onStdoutLines(child, (line) => waiting.shift().resolve(JSON.parse(line)));
  child.on('exit', (code) => {
    for (const { reject } of waiting.splice(0)) reject(new Error(`${executable} oracle session exited (${code})`));
  });
  return {
    run(requests) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${toJson(requests)}\n`);
      });
    },
    close() {
      child.stdin.end();
    },
  };
}

/** A running oracle in every interpreter pythons() found: run(requests) -> one result list per Python. */
function pythonSessions() {
  const sessions = pythons().map(({ executable }) => startSession(executable));
  return {
    run: (requests) => Promise.all(sessions.map((s) => s.run(requests))),
    close: () => sessions.forEach((s) => s.close()),
  };
}

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));

module.exports = { runPython, closePythons, pythons, pythonSessions, b64, unb64 };
