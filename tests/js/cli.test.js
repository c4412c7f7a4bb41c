// The fernet CLI, run as a user runs it, against real Python: round trips
// around every boundary, tampering, no output left behind, exit codes.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pythons, runPython } = require('./helpers/python');
const { tamper } = require('./helpers/tokens');
const { T0 } = require('./helpers/fixtures');

const CLI = path.join(__dirname, '..', '..', 'bin', 'fernet.mjs');
const [python] = pythons();
let dir;
let key;

const fernet = (args, { env = {}, input } = {}) => spawnSync(process.execPath, [CLI, ...args], {
  env: { ...process.env, FERNET_KEY: '', FERNET_KEYS: '', ...env }, input, maxBuffer: 1 << 28,
});
// The same run, not waiting: for tables of independent cases, run a few at
// a time (one per core) by fernetEach. Each result has spawnSync's shape.
function fernetAsync(args, { env = {}, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, FERNET_KEY: '', FERNET_KEYS: '', ...env } });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) }));
    child.stdin.on('error', () => {}); // a child that exits before reading its input
    child.stdin.end(input);
  });
}
async function fernetEach(argsList, options) {
  const results = [];
  let next = 0;
  const lane = async () => {
    while (next < argsList.length) {
      const i = next++;
      results[i] = await fernetAsync(argsList[i], options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(os.availableParallelism(), 4) }, lane));
  return results;
}
const file = (name) => path.join(dir, name);
const leftovers = () => fs.readdirSync(dir).filter((f) => f.endsWith('.partial'));

// Python reads and writes files itself here, not through the JSON oracle:
// each job is [op, input, output], all in one interpreter (one start).
function pythonFiles(...jobs) {
  const code = `import os, sys
from cryptography.fernet import Fernet
f = Fernet(os.environ["FERNET_KEY"])
args = sys.argv[1:]
for op, src, dst in zip(args[0::3], args[1::3], args[2::3]):
    data = open(src, "rb").read()
    open(dst, "wb").write(f.encrypt(data) if op == "encrypt" else f.decrypt(data))`;
  const result = spawnSync(python.executable, ['-c', code, ...jobs.flat()], { env: { ...process.env, FERNET_KEY: key } });
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
describe('sizes', () => {
  const SIZES = [0, 1, 15, 16, 17, 3071, 3072, 3073, 2 ** 20 - 1, 2 ** 20, 2 ** 20 + 1, 5 * 2 ** 20 + 3];
  const data = new Map();
  const encrypted = new Map();
  let pythonStatus;
  // The CLI encrypts every size, then one Python (one start, not twelve)
  // decrypts every CLI token and makes its own token of every input; each
  // test below checks its size.
  beforeAll(() => {
    const env = { FERNET_KEY: key };
    const jobs = [];
    for (const size of SIZES) {
      data.set(size, crypto.randomBytes(size));
      fs.writeFileSync(file(`in-${size}.bin`), data.get(size));
      encrypted.set(size, fernet(['encrypt', file(`in-${size}.bin`), '-o', file(`in-${size}.fernet`)], { env }).status);
      jobs.push(['decrypt', file(`in-${size}.fernet`), file(`py-${size}.out`)], ['encrypt', file(`in-${size}.bin`), file(`py-${size}.fernet`)]);
    }
    pythonStatus = pythonFiles(...jobs);
  });

  test.each(SIZES)('%i bytes: CLI -> Python and Python -> CLI', (size) => {
    const env = { FERNET_KEY: key };
    expect(encrypted.get(size)).toBe(0);
    // Python decrypted the CLI's token and made its own.
    expect(pythonStatus).toBe(0);
    expect(fs.readFileSync(file(`py-${size}.out`)).equals(data.get(size))).toBe(true);

    expect(fernet(['decrypt', file(`py-${size}.fernet`), '-o', file(`cli-${size}.out`)], { env }).status).toBe(0);
    expect(fs.readFileSync(file(`cli-${size}.out`)).equals(data.get(size))).toBe(true);
    for (const f of ['in', 'py', 'cli']) for (const ext of ['bin', 'fernet', 'out']) fs.rmSync(file(`${f}-${size}.${ext}`), { force: true });
  });
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
      const bad = at === null ? token.slice(0, -8) : tamper(token, at);
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
  const token = runPython(python.executable, [{ op: 'encrypt', key, data: 'aGk=', time: T0, iv: 'AAAAAAAAAAAAAAAAAAAAAA==' }])[0].token;
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

// ---- keys from passwords ------------------------------------------------------
// A Python script following each recipe: the password file (one trailing
// line break dropped) and the salt file, read by Python itself.
const RECIPE = `import base64, sys
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
kdf_name, password_file, salt_file = sys.argv[1:4]
jobs = sys.argv[4:]  # op, src, dst, and more such triples: one derivation serves them all
password = open(password_file, "rb").read()
if password.endswith(b"\\n"):
    password = password[:-2] if password.endswith(b"\\r\\n") else password[:-1]
salt = open(salt_file, "rb").read()
if kdf_name == "scrypt":
    kdf = Scrypt(salt=salt, length=32, n=2**14, r=8, p=1)
else:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=int(kdf_name))
key = base64.urlsafe_b64encode(kdf.derive(password))
f = Fernet(key)
for op, src, dst in zip(jobs[0::3], jobs[1::3], jobs[2::3]):
    if op == "key":
        print(key.decode())
    else:
        data = open(src, "rb").read()
        open(dst, "wb").write(f.encrypt(data) if op == "encrypt" else f.decrypt(data))`;

// `jobs`: [op, src, dst] triples ('key' needs no files), done in order by one Python.
function pythonRecipe(executable, kdf, passwordFile, saltFile, ...jobs) {
  const triples = jobs.map(([op, src = '', dst = '']) => [op, src, dst]).flat();
  const result = spawnSync(executable, ['-c', RECIPE, String(kdf), passwordFile, saltFile, ...triples], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

describe('passwords: the CLI and Python\'s recipes read each other\'s files', () => {
  const pw = () => file('pw.txt');
  beforeAll(() => fs.writeFileSync(file('pw.txt'), 'correct horse battery staple ✓\n'));

  test.each([
    ['pbkdf2', 1_200_000, []],
    ['scrypt', 'scrypt', ['--kdf', 'scrypt']],
  ])('%s with its defaults, both ways, against %s', (name, pythonKdf, flags) => {
    const salt = file(`${name}.salt`);
    const data = crypto.randomBytes(5000);
    fs.writeFileSync(file('p.bin'), data);
    // The CLI creates the salt file (16 random bytes) and encrypts; Python decrypts.
    const enc = fernet(['encrypt', file('p.bin'), '-o', file('p.fernet'), '--password-file', pw(), '--salt-file', salt, ...flags]);
    expect(enc.status).toBe(0);
    expect(enc.stderr.toString()).toContain(`created the salt file ${salt}`);
    expect(fs.readFileSync(salt)).toHaveLength(16);
    // Python decrypts it, and encrypts with the same files (one derivation, as a user's script would).
    expect(pythonRecipe(python.executable, pythonKdf, pw(), salt,
      ['decrypt', file('p.fernet'), file('py.out')], ['encrypt', file('p.bin'), file('py.fernet')])).toBe('');
    expect(fs.readFileSync(file('py.out')).equals(data)).toBe(true);
    // The CLI decrypts Python's token.
    const dec = fernet(['decrypt', file('py.fernet'), '-o', file('cli.out'), `--password-file=${pw()}`, `--salt-file=${salt}`, ...flags]);
    expect(dec.status).toBe(0);
    expect(fs.readFileSync(file('cli.out')).equals(data)).toBe(true);
    for (const f of ['p.bin', 'p.fernet', 'py.out', 'py.fernet', 'cli.out']) fs.rmSync(file(f));
  });

  test.each(pythons().map((p) => [p.version, p.executable]))('derive-key prints the key cryptography %s derives', (_, executable) => {
    const salt = file('dk.salt');
    fs.writeFileSync(salt, crypto.randomBytes(23));
    const cli = (args, env) => fernet(['derive-key', '--salt-file', salt, '--password-file', pw(), ...args], { env }).stdout.toString().trim();
    expect(cli(['--iterations', '1000'])).toBe(pythonRecipe(executable, 1000, pw(), salt, ['key']));
    expect(cli(['--kdf=scrypt'])).toBe(pythonRecipe(executable, 'scrypt', pw(), salt, ['key']));
    fs.rmSync(salt);
  });

  test('one trailing line break is not part of the password; FERNET_PASSWORD works too', () => {
    const salt = file('nl.salt');
    fs.writeFileSync(salt, 'sixteen bytes!!!');
    const key = (content, env) => {
      if (content !== null) fs.writeFileSync(file('nl.txt'), content);
      const args = ['derive-key', '--salt-file', salt, '--iterations', '2'];
      if (content !== null) args.push('--password-file', file('nl.txt'));
      return fernet(args, { env }).stdout.toString().trim();
    };
    const bare = key('secret');
    expect(bare).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(key('secret\n')).toBe(bare);
    expect(key('secret\r\n')).toBe(bare);
    expect(key('secret\n\n')).not.toBe(bare);
    expect(key(null, { FERNET_PASSWORD: 'secret' })).toBe(bare);
    // The password file wins over the environment.
    expect(key('secret', { FERNET_PASSWORD: 'other' })).toBe(bare);
    fs.rmSync(salt);
    fs.rmSync(file('nl.txt'));
  });

  test('the salt file is never overwritten; decrypt needs it to exist; no password is an error', () => {
    const salt = file('keep.salt');
    fs.writeFileSync(file('m.txt'), 'message');
    const env = { FERNET_PASSWORD: 'pw' };
    expect(fernet(['encrypt', file('m.txt'), '-o', file('m1.fernet'), '--salt-file', salt, '--iterations', '3'], { env }).status).toBe(0);
    const first = fs.readFileSync(salt);
    const again = fernet(['encrypt', file('m.txt'), '-o', file('m2.fernet'), '--salt-file', salt, '--iterations', '3'], { env });
    expect(again.status).toBe(0);
    expect(again.stderr.toString()).not.toContain('created');
    expect(fs.readFileSync(salt).equals(first)).toBe(true);
    // Both tokens decrypt with the one salt.
    for (const t of ['m1.fernet', 'm2.fernet']) {
      const out = fernet(['decrypt', file(t), '--salt-file', salt, '--iterations', '3'], { env });
      expect([out.status, out.stdout.toString()]).toEqual([0, 'message']);
    }
    // Wrong password or wrong iterations: invalid token.
    expect(fernet(['decrypt', file('m1.fernet'), '--salt-file', salt, '--iterations', '4'], { env }).status).toBe(1);
    expect(fernet(['decrypt', file('m1.fernet'), '--salt-file', salt, '--iterations', '3'], { env: { FERNET_PASSWORD: 'pW' } }).status).toBe(1);
    // A missing salt file is an error for decrypt, and decrypt does not create it.
    const missing = fernet(['decrypt', file('m1.fernet'), '--salt-file', file('none.salt')], { env });
    expect(missing.status).toBe(2);
    expect(missing.stderr.toString()).toContain(`the salt file ${file('none.salt')} does not exist`);
    expect(fs.existsSync(file('none.salt'))).toBe(false);
    // No password source (stdin is not a terminal here), and an empty password.
    expect(fernet(['decrypt', file('m1.fernet'), '--salt-file', salt]).status).toBe(2);
    fs.writeFileSync(file('empty.txt'), '\n');
    expect(fernet(['decrypt', file('m1.fernet'), '--salt-file', salt, '--password-file', file('empty.txt')]).status).toBe(2);
    // A dangling symlink counts as existing: it is not followed to create a file.
    fs.symlinkSync(file('nowhere.salt'), file('link.salt'));
    expect(fernet(['encrypt', file('m.txt'), '-o', file('m3.fernet'), '--salt-file', file('link.salt')], { env }).status).toBe(2);
    expect(fs.existsSync(file('nowhere.salt'))).toBe(false);
  });

  test('rotate: password key first, older keys after; the result reads with the password', () => {
    const salt = file('rot.salt');
    fs.writeFileSync(salt, crypto.randomBytes(16));
    const old = runPython(python.executable, [{ op: 'encrypt', key, data: Buffer.from('moved').toString('base64'), time: 1234 }])[0].token;
    fs.writeFileSync(file('old.tok'), old);
    const env = { FERNET_PASSWORD: 'new password', FERNET_KEY: key };
    expect(fernet(['rotate', file('old.tok'), '-o', file('new.tok'), '--salt-file', salt, '--iterations', '5'], { env }).status).toBe(0);
    const out = fernet(['decrypt', file('new.tok'), '--salt-file', salt, '--iterations', '5'], { env: { FERNET_PASSWORD: 'new password' } });
    expect([out.status, out.stdout.toString()]).toEqual([0, 'moved']);
  });

  test('a password typed at the terminal is read without echo', () => {
    const salt = file('tty.salt');
    fs.writeFileSync(salt, 'a salt for a tty');
    const script = `import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
def until(text):
    global out
    while text not in out:
        chunk = os.read(fd, 1024)
        if not chunk: break
        out += chunk
until(b"Password: ")
os.write(fd, b"typed secret\\r")
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk: break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.write(out.decode())`;
    const result = spawnSync(python.executable, ['-c', script, process.execPath, CLI, 'derive-key', '--salt-file', salt, '--iterations', '7'],
      { encoding: 'utf8', env: { ...process.env, FERNET_PASSWORD: '' } });
    const expected = fernet(['derive-key', '--salt-file', salt, '--iterations', '7'], { env: { FERNET_PASSWORD: 'typed secret' } }).stdout.toString().trim();
    expect(result.stdout).toContain(expected);
    expect(result.stdout).not.toContain('typed secret');
  });
});

// ---- issue 11: flags, help, usage errors, messages -----------------------------
describe('command line conventions', () => {
  test('--flag=value works for every value flag', () => {
    fs.writeFileSync(file('eq.txt'), 'eq');
    fs.writeFileSync(file('eq.key'), `${key}\n`);
    expect(fernet(['encrypt', file('eq.txt'), `--output=${file('eq1.fernet')}`, `--key-file=${file('eq.key')}`]).status).toBe(0);
    expect(fernet(['encrypt', file('eq.txt'), `-o=${file('eq2.fernet')}`, `--key=${key}`]).status).toBe(0);
    const dec = fernet(['decrypt', file('eq1.fernet'), '--ttl=600', `--key=${key}`]);
    expect([dec.status, dec.stdout.toString()]).toEqual([0, 'eq']);
    expect(fernet(['decrypt', file('eq2.fernet'), `--key-file=${file('eq.key')}`]).stdout.toString()).toBe('eq');
    fs.writeFileSync(file('eq.pw'), 'pw');
    const derived = fernet(['derive-key', `--salt-file=${file('eq.salt')}`, `--password-file=${file('eq.pw')}`, '--kdf=pbkdf2', '--iterations=9']);
    expect(derived.status).toBe(0);
    expect(derived.stdout.toString().trim()).toBe(
      fernet(['derive-key', '--salt-file', file('eq.salt'), '--password-file', file('eq.pw'), '--kdf', 'pbkdf2', '--iterations', '9']).stdout.toString().trim());
  });

  test('--help, -h and help print the usage to stdout and exit 0', async () => {
    const cases = [['--help'], ['-h'], ['help'], ['encrypt', '--help'], ['decrypt', '-h'], ['derive-key', '--help']];
    for (const result of await fernetEach(cases)) {
      expect(result.status).toBe(0);
      expect(result.stdout.toString()).toContain('usage:');
      expect(result.stdout.toString()).toContain('derive-key');
      expect(result.stderr.toString()).toBe('');
    }
  });

  test('usage errors exit 2: unknown flags, bad --ttl, flags a command does not take', async () => {
    const env = { FERNET_KEY: key };
    fs.writeFileSync(file('u.txt'), 'u');
    const cases = [
      ['encrypt', '--bogus'], ['encrypt', '--bogus=1'], ['decrypt', '--ttl', '1.5'], ['decrypt', '--ttl=soon'],
      ['decrypt', '--ttl', '9223372036854775808'], ['decrypt', '--ttl', '99999999999999999999999'], ['decrypt', '--ttl'],
      ['encrypt', '--ttl', '5'], ['rotate', '--ttl=5'], ['keygen', '--force'], ['keygen', 'file'], ['inspect', '--force'],
      ['derive-key'], ['derive-key', '--salt-file', file('s'), '-o', 'x'], ['encrypt', '--kdf', 'argon2', '--salt-file', file('s')],
      ['encrypt', '--kdf', 'scrypt', '--iterations', '5', '--salt-file', file('s')], ['encrypt', '--iterations', '0', '--salt-file', file('s')],
      ['encrypt', '--password-file', file('u.txt')], ['encrypt', '--force=yes'], ['encrypt', file('u.txt'), file('u.txt')],
      ['encrypt', '--key-file', file('k'), '--key-file', file('k')], [],
    ];
    const results = await fernetEach(cases, { env });
    for (const [i, args] of cases.entries()) {
      const result = results[i];
      expect([args, result.status]).toEqual([args, 2]);
      expect(result.stderr.toString()).toMatch(/^fernet: /);
    }
    expect(fs.existsSync(file('s'))).toBe(false); // no salt file made by a refused command
    // A very large but in-range --ttl is taken.
    fs.writeFileSync(file('ttl.tok'), runPython(python.executable, [{ op: 'encrypt', key, data: 'dHRs', time: 1000 }])[0].token);
    expect(fernet(['decrypt', file('ttl.tok'), '--ttl', '9223372036854775807'], { env }).stdout.toString()).toBe('ttl');
  });

  test('no message ever repeats an argument that might be a key or password', async () => {
    const secret = 'SECRETsecretSECRETsecretSECRETsecretSECRET5='; // not a canonical key: every attempt fails
    const attempts = [
      ['encrypt', `--key=${secret}`, '--bogus'], ['encrypt', `--kye=${secret}`], ['encrypt', `-${secret}`],
      [secret], [`--${secret}`], ['encrypt', 'a', secret], ['encrypt', `--key=${secret}`], ['encrypt', '--key', secret],
      ['decrypt', `--ttl=${secret}`], ['encrypt', `--kdf=${secret}`, '--salt-file', file('x.salt')],
      ['encrypt', `--iterations=${secret}`, '--salt-file', file('x.salt')], ['derive-key', `--password-file=${secret}`, '--salt-file', file('x.salt')],
    ];
    const results = await fernetEach(attempts, { input: '' });
    for (const [i, args] of attempts.entries()) {
      const result = results[i];
      const said = result.stderr.toString() + result.stdout.toString();
      expect([args, said.includes('SECRET') || said.includes('secret')]).toEqual([args, false]);
      expect(result.status).not.toBe(0);
    }
  });

  test('messages name the user\'s paths, never the temporary files', () => {
    fs.writeFileSync(file('t.txt'), 't');
    const out = path.join(dir, 'no-such-folder', 'out.fernet');
    const result = fernet(['encrypt', file('t.txt'), '-o', out], { env: { FERNET_KEY: key } });
    expect(result.status).toBe(2);
    expect(result.stderr.toString()).toContain(out);
    expect(result.stderr.toString()).not.toContain('.partial');
    const missing = fernet(['encrypt', file('no-such-input.txt'), '-o', file('t.fernet')], { env: { FERNET_KEY: key } });
    expect(missing.stderr.toString()).toContain(file('no-such-input.txt'));
  });
});

test('inspect verifies with a password and salt file', () => {
  const salt = file('inspect.salt');
  const env = { FERNET_PASSWORD: 'inspect me' };
  fs.writeFileSync(file('i.txt'), 'i');
  expect(fernet(['encrypt', file('i.txt'), '-o', file('i.fernet'), '--salt-file', salt, '--iterations', '2'], { env }).status).toBe(0);
  const ok = fernet(['inspect', file('i.fernet'), '--salt-file', salt, '--iterations', '2'], { env });
  expect([ok.status, ok.stdout.toString()]).toEqual([0, expect.stringMatching(/verified: +yes/)]);
  const wrong = fernet(['inspect', file('i.fernet'), '--salt-file', salt, '--iterations', '3'], { env });
  expect([wrong.status, wrong.stdout.toString()]).toEqual([1, expect.stringMatching(/verified: +NO/)]);
});
