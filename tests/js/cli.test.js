// The fernet CLI, run as a user runs it, against real Python: round trips
// around every boundary, tampering, no output left behind, exit codes.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pythons, runPython } = require('./helpers/python');

const CLI = path.join(__dirname, '..', '..', 'bin', 'fernet.mjs');
const [python] = pythons();
let dir;
let key;

const fernet = (args, { env = {}, input } = {}) => spawnSync(process.execPath, [CLI, ...args], {
  env: { ...process.env, FERNET_KEY: '', FERNET_KEYS: '', ...env }, input, maxBuffer: 1 << 28,
});
const file = (name) => path.join(dir, name);
const leftovers = () => fs.readdirSync(dir).filter((f) => f.endsWith('.partial'));

// Python reads and writes files itself here, not through the JSON oracle.
function pythonFile(op, input, output) {
  const code = `import os, sys
from cryptography.fernet import Fernet
f = Fernet(os.environ["FERNET_KEY"])
data = open(sys.argv[2], "rb").read()
open(sys.argv[3], "wb").write(f.encrypt(data) if sys.argv[1] == "encrypt" else f.decrypt(data))`;
  const result = spawnSync(python.executable, ['-c', code, op, input, output], { env: { ...process.env, FERNET_KEY: key } });
  return result.status;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-cli-'));
  key = fernet(['keygen']).stdout.toString().trim();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => expect(leftovers()).toEqual([]));

test('keygen prints a key Python accepts', () => {
  expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
  expect(runPython(python.executable, [{ op: 'encrypt', key, data: '' }])[0].token).toMatch(/^gAAAAA/);
});

// Around the block size, the 1 MiB read chunk and the 3 KiB decode slice.
test.each([0, 1, 15, 16, 17, 3071, 3072, 3073, 2 ** 20 - 1, 2 ** 20, 2 ** 20 + 1, 5 * 2 ** 20 + 3])(
  '%i bytes: CLI -> Python and Python -> CLI', (size) => {
    const env = { FERNET_KEY: key };
    const data = crypto.randomBytes(size);
    fs.writeFileSync(file('in.bin'), data);
    expect(fernet(['encrypt', file('in.bin'), '-o', file('in.fernet')], { env }).status).toBe(0);
    expect(pythonFile('decrypt', file('in.fernet'), file('py.out'))).toBe(0);
    expect(fs.readFileSync(file('py.out')).equals(data)).toBe(true);

    expect(pythonFile('encrypt', file('in.bin'), file('py.fernet'))).toBe(0);
    expect(fernet(['decrypt', file('py.fernet'), '-o', file('cli.out')], { env }).status).toBe(0);
    expect(fs.readFileSync(file('cli.out')).equals(data)).toBe(true);
    for (const f of ['in.bin', 'in.fernet', 'py.out', 'py.fernet', 'cli.out']) fs.rmSync(file(f));
  });

test('pipes: stdin to stdout both ways, and a trailing newline on a token is tolerated', () => {
  const env = { FERNET_KEY: key };
  const token = fernet(['encrypt'], { env, input: 'piped secret' }).stdout;
  expect(token.toString()).toMatch(/^gAAAAA[A-Za-z0-9_-]+=*$/);
  const back = fernet(['decrypt'], { env, input: Buffer.concat([token, Buffer.from('\n')]) });
  expect(back.status).toBe(0);
  expect(back.stdout.toString()).toBe('piped secret');
  expect(fernet(['decrypt'], { env, input: Buffer.concat([token, Buffer.from('\n\n')]) }).status).toBe(1);
});

describe('tampering: exit 1, the message says so, and no output is left behind', () => {
  const data = crypto.randomBytes(3 * 2 ** 20);
  let token;
  beforeAll(() => {
    fs.writeFileSync(file('big.bin'), data);
    fernet(['encrypt', file('big.bin'), '-o', file('big.fernet')], { env: { FERNET_KEY: key } });
    token = fs.readFileSync(file('big.fernet'), 'latin1');
  });
  test.each([['header', 3], ['middle', 2 * 10 ** 6], ['last block', -60], ['HMAC', -8], ['length', null]])(
    'in the %s', (_, at) => {
      let bad;
      if (at === null) bad = token.slice(0, -8);
      else {
        const i = at < 0 ? token.length + at : at;
        bad = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      }
      fs.writeFileSync(file('bad.fernet'), bad);
      const result = fernet(['decrypt', file('bad.fernet'), '-o', file('bad.out')], { env: { FERNET_KEY: key } });
      expect(result.status).toBe(1);
      expect(result.stderr.toString()).toContain('invalid token');
      expect(fs.existsSync(file('bad.out'))).toBe(false);
      expect(fs.readFileSync(file('bad.fernet'), 'latin1')).toBe(bad); // the input is untouched
      const toStdout = fernet(['decrypt', file('bad.fernet')], { env: { FERNET_KEY: key } });
      expect([toStdout.status, toStdout.stdout.length]).toEqual([1, 0]);
    });
});

test('an interrupted encryption leaves no output and no partial file', async () => {
  const child = spawn(process.execPath, [CLI, 'encrypt', '-', '-o', file('cut.fernet')], {
    env: { ...process.env, FERNET_KEY: key },
  });
  const closed = new Promise((resolve) => child.on('close', resolve));
  child.stdin.on('error', () => {}); // the write may still be going when the child stops
  child.stdin.write(crypto.randomBytes(4 * 2 ** 20));
  // Interrupt once the work is under way: its temporary file exists.
  for (let i = 0; i < 200 && leftovers().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  expect(leftovers()).toHaveLength(1);
  child.kill('SIGTERM');
  expect(await closed).toBe(130);
  expect(fs.existsSync(file('cut.fernet'))).toBe(false);
});

test('rotate: first key new, timestamp kept, Python reads the result', () => {
  const oldKey = key;
  const newKey = fernet(['keygen']).stdout.toString().trim();
  const original = runPython(python.executable, [{ op: 'encrypt', key: oldKey, data: Buffer.from('rotate me').toString('base64'), time: 1234567890 }])[0].token;
  fs.writeFileSync(file('old.fernet'), original);
  const result = fernet(['rotate', file('old.fernet'), '-o', file('new.fernet')], { env: { FERNET_KEYS: `${newKey},${oldKey}` } });
  expect(result.status).toBe(0);
  const rotated = fs.readFileSync(file('new.fernet'), 'latin1');
  const [time, plain, withOld] = runPython(python.executable, [
    { op: 'extract_timestamp', key: newKey, token: rotated },
    { op: 'decrypt', key: newKey, token: rotated },
    { op: 'decrypt', key: oldKey, token: rotated },
  ]);
  expect(time.timestamp).toBe('1234567890');
  expect(Buffer.from(plain.data, 'base64').toString()).toBe('rotate me');
  expect(withOld).toEqual({ error: 'InvalidToken' });
});

test('decrypt --ttl follows Python\'s rule', () => {
  const token = runPython(python.executable, [{ op: 'encrypt', key, data: '', time: 1000 }])[0].token;
  fs.writeFileSync(file('old.tok'), token);
  const result = fernet(['decrypt', file('old.tok'), '--ttl', '60'], { env: { FERNET_KEY: key } });
  expect(result.status).toBe(1);
  expect(fernet(['decrypt', file('old.tok')], { env: { FERNET_KEY: key } }).status).toBe(0);
});

test('inspect says "not verified" without a key, verifies with one', () => {
  const token = runPython(python.executable, [{ op: 'encrypt', key, data: 'aGk=', time: 1700000000, iv: 'AAAAAAAAAAAAAAAAAAAAAA==' }])[0].token;
  fs.writeFileSync(file('t.fernet'), `${token}\n`);
  const plain = fernet(['inspect', file('t.fernet')]);
  expect(plain.status).toBe(0);
  const out = plain.stdout.toString();
  expect(out).toContain('timestamp:  1700000000 (2023-11-14T22:13:20.000Z)');
  expect(out).toContain(`iv:         ${'00'.repeat(16)}`);
  expect(out).toContain('ciphertext: 16 bytes');
  expect(out).toMatch(/verified: +NOT VERIFIED/);
  expect(fernet(['inspect', file('t.fernet')], { env: { FERNET_KEY: key } }).stdout.toString()).toMatch(/verified: +yes/);
  const other = fernet(['keygen']).stdout.toString().trim();
  const wrong = fernet(['inspect', file('t.fernet')], { env: { FERNET_KEY: other } });
  expect(wrong.status).toBe(1);
  expect(wrong.stdout.toString()).toMatch(/verified: +NO/);
});

test('keys: --key is warned about, bad keys exit 1 without echoing them, flags beat the environment', () => {
  fs.writeFileSync(file('k.txt'), 'msg');
  const warned = fernet(['encrypt', file('k.txt'), '-o', file('k.fernet'), '--key', key]);
  expect(warned.status).toBe(0);
  expect(warned.stderr.toString()).toContain('shell history');
  const secretLooking = 'secret-secret-secret-secret';
  const bad = fernet(['encrypt', file('k.txt')], { env: { FERNET_KEY: secretLooking } });
  expect(bad.status).toBe(1);
  expect(bad.stderr.toString()).not.toContain('secret');
  fs.writeFileSync(file('key.txt'), `${key}\n`);
  const fromFile = fernet(['decrypt', file('k.fernet'), '--key-file', file('key.txt')], { env: { FERNET_KEY: secretLooking } });
  expect([fromFile.status, fromFile.stdout.toString()]).toEqual([0, 'msg']);
});

test('usage errors exit 2; an existing output is kept unless --force', () => {
  expect(fernet(['frobnicate']).status).toBe(2);
  expect(fernet(['encrypt', '--bogus']).status).toBe(2);
  expect(fernet(['encrypt', file('none.bin')], { env: { FERNET_KEY: key } }).status).toBe(2);
  expect(fernet(['decrypt', '--ttl', 'soon'], { env: { FERNET_KEY: key } }).status).toBe(2);
  expect(fernet(['encrypt'], { input: 'x' }).status).toBe(2); // no key
  fs.writeFileSync(file('keep.bin'), 'data');
  fs.writeFileSync(file('keep.out'), 'precious');
  const env = { FERNET_KEY: key };
  expect(fernet(['encrypt', file('keep.bin'), '-o', file('keep.out')], { env }).status).toBe(2);
  expect(fs.readFileSync(file('keep.out'), 'utf8')).toBe('precious');
  expect(fernet(['encrypt', file('keep.bin'), '-o', file('keep.out'), '--force'], { env }).status).toBe(0);
  expect(fs.readFileSync(file('keep.out'), 'utf8')).toMatch(/^gAAAAA/);
  expect(fernet(['--help']).status).toBe(0);
});
