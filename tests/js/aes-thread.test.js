// The file helpers' second thread (js/aes-thread.mjs): files of 32 MiB and
// more are encrypted with AES-CBC in a worker thread. Each job runs in a child
// process that records the exit code of every worker thread it starts
// (process 'worker' events): a worker that could not load its script or its
// core exits with 1 and the job falls back to one thread, so a silent
// fall-back fails here. Tokens are compared byte for byte with the one-shot
// encryption and read by real Python, and a job that fails half-way leaves
// nothing and ends its thread.
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

// One job in a fresh Node: { workerExitCodes, error, ... } as JSON.
function job(source, env = {}) {
  const script = `
    import { ready, Fernet, InvalidToken } from ${JSON.stringify(path.join(ROOT, 'dist', 'fernet.node.mjs'))};
    import * as node from ${JSON.stringify(path.join(ROOT, 'dist', 'node.mjs'))};
    import fs from 'node:fs';
    const exits = [];
    process.on('worker', (worker) => exits.push(new Promise((resolve) => worker.on('exit', resolve))));
    await ready();
    const fernet = new Fernet(${JSON.stringify(KEY)});
    const env = process.env;
    const result = {};
    try {
      ${source}
    } catch (error) {
      result.error = error instanceof InvalidToken ? 'InvalidToken' : String(error);
    }
    result.workerExitCodes = await Promise.all(exits);
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
  expect(result).toEqual({ workerExitCodes: [0], same: true });
  const expected = sha256(plain);
  for (const { executable } of pythons()) {
    expect(execFileSync(executable, ['-c', PY_DECRYPT, KEY, token], { encoding: 'utf8' }).trim()).toBe(expected);
  }
});

test('a failure half-way (a throwing onProgress) leaves no output, and the thread ends', () => {
  const token = path.join(dir, 'failed.fernet');
  const result = job(`
    let seen = 0;
    const onProgress = (done) => {
      seen += 1;
      if (seen === 5) throw new Error('stop here');
    };
    await node.encryptFile(fernet, env.PLAIN, env.TOKEN, { onProgress });
  `, { PLAIN: plain, TOKEN: token });
  // The worker exited cleanly, and the child after it: no thread kept it alive.
  expect(result).toEqual({ workerExitCodes: [0], error: 'Error: stop here' });
  expect(fs.readdirSync(dir).filter((name) => name.includes('failed.fernet'))).toEqual([]);
});

test('decryption, and files under the threshold, stay on one thread', () => {
  const token = path.join(dir, 'large.fernet');
  const back = path.join(dir, 'large.back');
  const small = path.join(dir, 'small.bin');
  fs.writeFileSync(small, crypto.randomBytes(2 ** 20));
  job('await node.encryptFile(fernet, env.PLAIN, env.TOKEN);', { PLAIN: plain, TOKEN: token });
  const result = job(`
    await node.decryptFile(fernet, env.TOKEN, env.BACK);
    await node.encryptFile(fernet, env.SMALL, env.SMALL + '.fernet');
    await node.decryptFile(fernet, env.SMALL + '.fernet', env.SMALL + '.back');
  `, { TOKEN: token, BACK: back, SMALL: small });
  expect(result).toEqual({ workerExitCodes: [] });
  expect(sha256(back)).toBe(sha256(plain));
  expect(sha256(`${small}.back`)).toBe(sha256(small));
});
