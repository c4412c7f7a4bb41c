// Every Node example runs as a user would run it, and its output is checked,
// against real Python where the example talks to Python.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pythons, runPython } = require('./helpers/python');
const { tamper } = require('./helpers/tokens');

const EXAMPLES = path.join(__dirname, '..', '..', 'examples', 'node');
const [python] = pythons();
const KEY = runPython(python.executable, [{ op: 'generate_key' }])[0].key;
const node = (script, args = [], env = {}) => spawnSync(process.execPath, [path.join(EXAMPLES, script), ...args], {
  encoding: 'utf8', env: { ...process.env, ...env },
});

let dir;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-examples-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('generate-key prints a key Python accepts', () => {
  const { stdout, status } = node('generate-key.mjs');
  expect(status).toBe(0);
  const key = stdout.trim();
  expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
  expect(runPython(python.executable, [{ op: 'encrypt', key, data: '' }])[0].token).toMatch(/^gAAAAA/);
});

test('encrypt-string round-trips, and Python reads its token', () => {
  const { stdout, status } = node('encrypt-string.mjs', ['café ✓'], { FERNET_KEY: KEY });
  expect(status).toBe(0);
  expect(stdout).toContain('decrypted: café ✓');
  const token = stdout.match(/^token: +(\S+)$/m)[1];
  const [result] = runPython(python.executable, [{ op: 'decrypt', key: KEY, token }]);
  expect(Buffer.from(result.data, 'base64').toString()).toBe('café ✓');
});

test('encrypt-file: Python decrypts the file, the example decrypts it back, and refuses a tampered one', () => {
  const plain = path.join(dir, 'photo.bin');
  const content = Buffer.from(Array.from({ length: 100000 }, (_, i) => (i * 7) % 256));
  fs.writeFileSync(plain, content);
  const env = { FERNET_KEY: KEY };
  expect(node('encrypt-file.mjs', ['encrypt', plain, `${plain}.fernet`], env).status).toBe(0);
  const token = fs.readFileSync(`${plain}.fernet`, 'latin1');
  const [result] = runPython(python.executable, [{ op: 'decrypt', key: KEY, token }]);
  expect(Buffer.from(result.data, 'base64').equals(content)).toBe(true);

  expect(node('encrypt-file.mjs', ['decrypt', `${plain}.fernet`, `${plain}.out`], env).status).toBe(0);
  expect(fs.readFileSync(`${plain}.out`).equals(content)).toBe(true);
  // It never overwrites an existing file.
  expect(node('encrypt-file.mjs', ['decrypt', `${plain}.fernet`, `${plain}.out`], env).status).not.toBe(0);

  fs.writeFileSync(`${plain}.bad`, tamper(token, 50));
  const bad = node('encrypt-file.mjs', ['decrypt', `${plain}.bad`, `${plain}.bad.out`], env);
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('invalid token');
  expect(fs.existsSync(`${plain}.bad.out`)).toBe(false);
});

test('python-app: Node reads the tokens the Python app stored, and Python reads the reply', () => {
  const store = path.join(dir, 'tokens.json');
  execFileSync(python.executable, [path.join(EXAMPLES, 'python-app', 'app.py'), store, 'alice@example.com', '4111 1111 1111 1111'], {
    env: { ...process.env, FERNET_KEY: KEY },
  });
  const { stdout, status } = node(path.join('python-app', 'read-tokens.mjs'), [store], { FERNET_KEY: KEY });
  expect(status).toBe(0);
  expect(stdout.split('\n').slice(0, 2)).toEqual(['alice@example.com', '4111 1111 1111 1111']);
  const reply = stdout.match(/^reply: (\S+)$/m)[1];
  const [result] = runPython(python.executable, [{ op: 'decrypt', key: KEY, token: reply }]);
  expect(Buffer.from(result.data, 'base64').toString()).toBe('hello back from Node');
});

test('rotate-keys shows rotation keeping the timestamp', () => {
  const { stdout, status } = node('rotate-keys.mjs');
  expect(status).toBe(0);
  expect(stdout).toBe([
    'readable during rotation: account 12345',
    'rotated token readable with the new key alone: account 12345',
    'timestamp kept: true',
    '',
  ].join('\n'));
});
