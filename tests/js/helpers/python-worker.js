// The thread behind runPython (python.js): keeps one oracle interpreter per
// executable running for the whole suite, so that a suite's hundred small
// questions to Python cost one interpreter start (and one `import
// cryptography`) instead of a hundred. Requests arrive on `port`; each reply
// is posted back and `signal` is raised, which the suite's thread waits on
// (Atomics.wait), so that runPython stays synchronous for its callers.
const { spawn } = require('node:child_process');
const { workerData } = require('node:worker_threads');
const { onStdoutLines } = require('./lines');

const { port, signal, oracleDir, session } = workerData;
const flag = new Int32Array(signal);
const running = new Map();

function reply(message) {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

// One interpreter answering one request batch per line, in order.
function start(executable) {
  const child = spawn(executable, ['-c', session, oracleDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  const entry = { child, waiting: [], stderr: '' };
  onStdoutLines(child, (line) => entry.waiting.shift()({ ok: true, reply: line }));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { entry.stderr += chunk; });
  const ended = (why) => {
    if (running.get(executable) === entry) running.delete(executable);
    for (const done of entry.waiting.splice(0)) done({ ok: false, error: `${executable} oracle failed (${why}): ${entry.stderr}` });
  };
  child.on('error', (error) => ended(error.message));
  child.on('close', (code, sig) => ended(sig ?? code));
  child.stdin.on('error', () => {}); // a dead interpreter is reported by 'close'
  running.set(executable, entry);
  return entry;
}

port.on('message', (message) => {
  if (message.close) {
    for (const { child } of running.values()) child.stdin.end();
    running.clear();
    port.close();
    return;
  }
  const entry = running.get(message.executable) ?? start(message.executable);
  entry.waiting.push(reply);
  entry.child.stdin.write(`${message.requests}\n`);
});
