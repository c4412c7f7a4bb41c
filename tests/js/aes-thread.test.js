// The file helpers' second thread (js/aes-thread.mjs): files of 32 MiB and
// more are encrypted and decrypted with AES-CBC in a worker thread. Each job
// runs in a child process that counts the worker threads it starts
// (process 'worker' events), so a silent fall-back to one thread fails here;
// its tokens are compared byte for byte with the one-shot encryption and read
// by real Python, and a file changed between the passes still leaves nothing.
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pythons } = require('./helpers/python');

const ROOT = path.join(__dirname, '..', '..');
const KEY = 'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM=';
const TIME = 1700000000;
const IV = Array.from({ length: 16 }, (_, i) => 200 + i);
const LARGE = 40 * 2 ** 20 + 7;  // over the threshold (32 MiB), not whole blocks

// One job in a fresh Node: { workers, error, ... } as JSON.
function job(source, env = {}) {
  const script = `
    import { ready, Fernet, InvalidToken } from ${JSON.stringify(path.join(ROOT, 'dist', 'fernet.node.mjs'))};
    import * as node from ${JSON.stringify(path.join(ROOT, 'dist', 'node.mjs'))};
    import fs from 'node:fs';
    let workers = 0;
    process.on('worker', () => { workers += 1; });
    await ready();
    const fernet = new Fernet(${JSON.stringify(KEY)});
    const env = process.env;
    const result = { workers: 0 };
    try {
      ${source}
    } catch (error) {
      result.error = error instanceof InvalidToken ? 'InvalidToken' : String(error);
    }
    result.workers = workers;
    console.log(JSON.stringify(result));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 20,
  });
  return JSON.parse(out);
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const PY_DECRYPT = `
import hashlib, sys
from cryptography.fernet import Fernet
token = open(sys.argv[2], "rb").read()
print(hashlib.sha256(Fernet(sys.argv[1].encode()).decrypt(token)).hexdigest())
`;
const PY_ENCRYPT = `
import sys
from cryptography.fernet import Fernet
open(sys.argv[3], "wb").write(Fernet(sys.argv[1].encode()).encrypt(open(sys.argv[2], "rb").read()))
`;

let dir;
let plain;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-aes-thread-'));
  plain = path.join(dir, 'plain.bin');
  fs.writeFileSync(plain, crypto.randomBytes(LARGE));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a large file is encrypted in a second thread into the one-shot token, which Python decrypts', () => {
  const token = path.join(dir, 'thread.fernet');
  const result = job(`
    await node.encryptFile(fernet, env.PLAIN, env.TOKEN, { iv: new Uint8Array(${JSON.stringify(IV)}), currentTime: ${TIME} });
    const oneShot = fernet._encryptFromParts(fs.readFileSync(env.PLAIN), ${TIME}, new Uint8Array(${JSON.stringify(IV)}));
    result.same = fs.readFileSync(env.TOKEN, 'latin1') === oneShot;
  `, { PLAIN: plain, TOKEN: token });
  expect(result).toEqual({ workers: 1, same: true });
  const expected = sha256(plain);
  for (const { executable } of pythons()) {
    expect(execFileSync(executable, ['-c', PY_DECRYPT, KEY, token], { encoding: 'utf8' }).trim()).toBe(expected);
  }
});

test('a large token from Python is decrypted with a second thread', () => {
  for (const { executable } of pythons()) {
    const token = path.join(dir, 'python.fernet');
    const back = path.join(dir, 'back.bin');
    execFileSync(executable, ['-c', PY_ENCRYPT, KEY, plain, token]);
    const result = job('await node.decryptFile(fernet, env.TOKEN, env.BACK, { force: true });', { TOKEN: token, BACK: back });
    expect(result).toEqual({ workers: 1 });
    expect(sha256(back)).toBe(sha256(plain));
  }
});

test('a large token changed between the passes: InvalidToken, no output, and the thread ends', () => {
  const token = path.join(dir, 'changed.fernet');
  const output = path.join(dir, 'changed.out');
  job('await node.encryptFile(fernet, env.PLAIN, env.TOKEN);', { PLAIN: plain, TOKEN: token });
  // When the first pass has read the whole token, a character far into it
  // changes: the second pass must stop there, in the thread's path too.
  const result = job(`
    const size = fs.statSync(env.TOKEN).size;
    let changed = false;
    const onProgress = (done) => {
      if (!changed && done >= size) {
        changed = true;
        const fd = fs.openSync(env.TOKEN, 'r+');
        const at = Math.floor(size * 0.7);
        const [c] = fs.readFileSync(env.TOKEN).subarray(at, at + 1);
        fs.writeSync(fd, Buffer.from([c === 65 ? 66 : 65]), 0, 1, at);
        fs.closeSync(fd);
      }
    };
    await node.decryptFile(fernet, env.TOKEN, env.OUT, { onProgress });
  `, { TOKEN: token, OUT: output });
  expect(result).toEqual({ workers: 1, error: 'InvalidToken' });
  expect(fs.readdirSync(dir).filter((name) => name.includes('changed.out'))).toEqual([]);
});

test('a tampered large token: InvalidToken, nothing written, and the thread started for it ends', () => {
  const token = path.join(dir, 'tampered.fernet');
  const output = path.join(dir, 'tampered.out');
  job('await node.encryptFile(fernet, env.PLAIN, env.TOKEN);', { PLAIN: plain, TOKEN: token });
  const bytes = fs.readFileSync(token);
  bytes[bytes.length - 10] = bytes[bytes.length - 10] === 65 ? 66 : 65;
  fs.writeFileSync(token, bytes);
  const result = job('await node.decryptFile(fernet, env.TOKEN, env.OUT);', { TOKEN: token, OUT: output });
  expect(result).toEqual({ workers: 1, error: 'InvalidToken' });
  expect(fs.readdirSync(dir).filter((name) => name.includes('tampered.out'))).toEqual([]);
});

test('files under the threshold stay on one thread', () => {
  const small = path.join(dir, 'small.bin');
  fs.writeFileSync(small, crypto.randomBytes(2 ** 20));
  const result = job(`
    await node.encryptFile(fernet, env.SMALL, env.SMALL + '.fernet');
    await node.decryptFile(fernet, env.SMALL + '.fernet', env.SMALL + '.back');
  `, { SMALL: small });
  expect(result).toEqual({ workers: 0 });
  expect(sha256(`${small}.back`)).toBe(sha256(small));
});
