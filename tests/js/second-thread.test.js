// The file helpers' second thread (js/second-thread.mjs): files of 32 MiB and
// more are encrypted with AES-CBC in a worker thread, and tokens that large
// are verified with their HMAC computed there (verifyFile, decryptFile,
// rotateFile: the first pass) and decrypted with AES-CBC there (decryptFile,
// rotateFile: the second pass). Each job runs in a child
// process that records the exit code of every worker thread it starts
// (process 'worker' events): a worker that could not load its script or its
// core exits with 1 and the job falls back to one thread, so a silent
// fall-back fails here. Tokens are compared byte for byte with the one-shot
// encryption and read by real Python, the verifying helpers decide as on one
// thread (keys, TTL, any changed character), and a job that fails half-way
// leaves nothing and ends its thread.
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
    import { ready, Fernet, MultiFernet, InvalidToken } from ${JSON.stringify(path.join(ROOT, 'dist', 'fernet.node.mjs'))};
    import * as node from ${JSON.stringify(path.join(ROOT, 'dist', 'node.mjs'))};
    import fs from 'node:fs';
    const exits = [];
    process.on('worker', (worker) => exits.push(new Promise((resolve) => worker.on('exit', resolve))));
    await ready();
    const fernet = new Fernet(${JSON.stringify(KEY)});
    const env = process.env;
    const result = {};
    // How each job ended: 'accepted', 'InvalidToken', or another error's text.
    const outcomesOf = async (runs) => {
      const outcomes = [];
      for (const run of runs) {
        try {
          await run();
          outcomes.push('accepted');
        } catch (error) {
          outcomes.push(error instanceof InvalidToken ? 'InvalidToken' : String(error));
        }
      }
      return outcomes;
    };
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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-second-thread-'));
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
  fs.rmSync(token);
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

// A large token made by Python (48) from the plaintext, for the tests below.
let pythonToken;
function largeToken() {
  if (pythonToken === undefined) {
    pythonToken = path.join(dir, 'python.fernet');
    const [{ executable }] = pythons();
    execFileSync(executable, ['-c', PY_ENCRYPT, KEY, plain, pythonToken, String(TIME)]);
  }
  return pythonToken;
}

const PY_ENCRYPT = `
import sys
from cryptography.fernet import Fernet
data = open(sys.argv[2], "rb").read()
open(sys.argv[3], "wb").write(Fernet(sys.argv[1].encode()).encrypt_at_time(data, int(sys.argv[4])))
`;

test('a large token is verified with its HMAC in a second thread: verifyFile, decryptFile and rotateFile', () => {
  const token = largeToken();
  const back = path.join(dir, 'python.back');
  const rotated = path.join(dir, 'rotated.fernet');
  const result = job(`
    const other = new Fernet(Fernet.generateKey());
    const ring = new MultiFernet([other, fernet]);
    result.verified = await node.verifyFile(fernet, env.TOKEN, { ttl: 60, currentTime: ${TIME + 60} });
    result.verifiedUnderSecondKey = await node.verifyFile(ring, env.TOKEN);
    await node.decryptFile(fernet, env.TOKEN, env.BACK);
    await node.rotateFile(new MultiFernet([fernet, other]), env.TOKEN, env.ROTATED);
    result.rotatedTimestamp = fernet.extractTimestamp(fs.readFileSync(env.ROTATED, 'latin1'));
    result.verified.timestamp = Number(result.verified.timestamp);
    result.verifiedUnderSecondKey.timestamp = Number(result.verifiedUnderSecondKey.timestamp);
  `, { TOKEN: token, BACK: back, ROTATED: rotated });
  expect(result).toEqual({
    workerExitCodes: [0, 0, 0, 0],
    verified: { keyIndex: 0, timestamp: TIME },
    verifiedUnderSecondKey: { keyIndex: 1, timestamp: TIME },
    rotatedTimestamp: TIME,
  });
  const expected = sha256(plain);
  expect(sha256(back)).toBe(expected);
  for (const { executable } of pythons()) {
    expect(execFileSync(executable, ['-c', PY_DECRYPT, KEY, rotated], { encoding: 'utf8' }).trim()).toBe(expected);
  }
  for (const file of [back, rotated]) fs.rmSync(file);
});

test('with the HMAC in the second thread, any changed character, a wrong key or an expired TTL is InvalidToken', () => {
  const token = largeToken();
  // One copy, changed in place one character at a time and restored after each
  // check: a token this large is 54 MiB, and the suite keeps its disk use small.
  const changed = path.join(dir, 'changed.fernet');
  fs.copyFileSync(token, changed);
  const size = fs.statSync(changed).size;
  const setCharacter = (at, from, to) => {
    const fd = fs.openSync(changed, 'r+');
    try {
      const c = Buffer.alloc(1);
      fs.readSync(fd, c, 0, 1, at);
      expect(c[0]).toBe(from);
      fs.writeSync(fd, Buffer.from([to]), 0, 1, at);
    } finally {
      fs.closeSync(fd);
    }
  };
  // Header (version, timestamp, IV), ciphertext at the start, middle and end, the MAC.
  const places = [0, 5, 20, 40, size >> 1, size - 60, size - 10];
  const original = fs.readFileSync(token);
  for (const at of places) {
    const c = original[at] === 65 ? 66 : 65; // 'A' or 'B'
    setCharacter(at, original[at], c);
    const result = job(`
      result.outcomes = await outcomesOf([
        () => node.verifyFile(fernet, env.CHANGED),
        () => node.decryptFile(fernet, env.CHANGED, env.CHANGED + '.back'),
      ]);
    `, { CHANGED: changed });
    expect([at, result]).toEqual([at, { workerExitCodes: [0, 0], outcomes: ['InvalidToken', 'InvalidToken'] }]);
    expect(fs.existsSync(`${changed}.back`)).toBe(false);
    setCharacter(at, c, original[at]);
  }
  fs.rmSync(changed);
  const result = job(`
    result.outcomes = await outcomesOf([
      () => node.verifyFile(new Fernet(Fernet.generateKey()), env.TOKEN),
      () => node.verifyFile(fernet, env.TOKEN, { ttl: 60, currentTime: ${TIME + 61} }),
    ]);
  `, { TOKEN: token });
  expect(result).toEqual({ workerExitCodes: [0, 0], outcomes: ['InvalidToken', 'InvalidToken'] });
});

test('with AES in the second thread, a token changed between the passes publishes nothing', () => {
  const changing = path.join(dir, 'changing.fernet');
  fs.copyFileSync(largeToken(), changing);
  const result = job(`
    // Once the second pass is well under way, one character near the end changes.
    let changed = false;
    const onProgress = (done, total) => {
      if (changed || done < total / 2 + 8 * 2 ** 20) return;
      changed = true;
      const at = fs.statSync(env.CHANGING).size - 1000;
      const fd = fs.openSync(env.CHANGING, 'r+');
      const c = Buffer.alloc(1);
      fs.readSync(fd, c, 0, 1, at);
      c[0] = c[0] === 65 ? 66 : 65;
      fs.writeSync(fd, c, 0, 1, at);
      fs.closeSync(fd);
    };
    result.outcomes = await outcomesOf([() => node.decryptFile(fernet, env.CHANGING, env.CHANGING + '.back', { onProgress })]);
    result.changed = changed;
  `, { CHANGING: changing });
  expect(result).toEqual({ workerExitCodes: [0], outcomes: ['InvalidToken'], changed: true });
  expect(fs.readdirSync(dir).filter((name) => name.includes('changing.fernet.back'))).toEqual([]);
  fs.rmSync(changing);
});

test('files and tokens under the threshold stay on one thread', () => {
  const small = path.join(dir, 'small.bin');
  fs.writeFileSync(small, crypto.randomBytes(2 ** 20));
  const result = job(`
    await node.encryptFile(fernet, env.SMALL, env.SMALL + '.fernet');
    await node.verifyFile(fernet, env.SMALL + '.fernet');
    await node.decryptFile(fernet, env.SMALL + '.fernet', env.SMALL + '.back');
  `, { SMALL: small });
  expect(result).toEqual({ workerExitCodes: [] });
  expect(sha256(`${small}.back`)).toBe(sha256(small));
});
