// The browser demo, driven like a person in real Chromium: the page served by
// `npm start`'s server under its strict CSP, checked against real Python.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launch } = require('./helpers/chromium');
const { pythons, runPython, b64 } = require('./helpers/python');

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const [python] = pythons();

let server;
let browser;
let page;
let origin;
const problems = [];

beforeAll(async () => {
  const { startServer } = await import('../../examples/browser/server.mjs');
  server = await startServer(0);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
  page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(origin);
  await page.evaluate(() => document.addEventListener('securitypolicyviolation', (event) => {
    console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
  }));
  await page.waitForSelector('body[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

afterEach(() => {
  const seen = problems.splice(0);
  expect(seen).toEqual([]);
});

async function useKey(key) {
  await page.fill('#key', key);
  await page.dispatchEvent('#key', 'input');
}

test('the page is served with the strict CSP and says it is ready', async () => {
  const response = await page.request.get(origin);
  expect(response.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  await expect(page.textContent('#status')).resolves.toMatch(/^Ready: WebAssembly core loaded and self-tested/);
});

test('a generated key encrypts text that Python decrypts', async () => {
  await page.click('#generate');
  const key = await page.inputValue('#key');
  expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
  await page.fill('#plaintext', 'Grüße from Chromium 🔐');
  await page.click('#encrypt');
  const token = await page.inputValue('#token-out');
  const [result] = runPython(python.executable, [{ op: 'decrypt', key, token }]);
  expect(Buffer.from(result.data, 'base64').toString()).toBe('Grüße from Chromium 🔐');
});

test('a token made by Python decrypts in the page, and its anatomy is shown', async () => {
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  const [{ token }] = runPython(python.executable, [
    { op: 'encrypt', key, data: b64(Buffer.from('made in Python')), time: 1700000000, iv: b64(Buffer.alloc(16, 7)) },
  ]);
  await useKey(key);
  await page.fill('#token-in', token);
  await page.dispatchEvent('#token-in', 'input');
  await page.click('#decrypt');
  await expect(page.inputValue('#decrypted')).resolves.toBe('made in Python');
  const anatomy = await page.textContent('#anatomy');
  expect(anatomy).toContain('0x80');
  expect(anatomy).toContain('2023-11-14T22:13:20Z');
  expect(anatomy).toContain('07'.repeat(16));
  expect(anatomy).toContain('16 bytes');
  const checks = await page.textContent('#checks');
  expect(checks).toContain('✔ HMAC verified with this key');
  expect(checks).toContain('✔ Decrypts, and its padding is valid');
  await page.fill('#ttl', '60');
  await page.click('#decrypt');
  await expect(page.textContent('#decrypt-message')).resolves.toMatch(/^This token has expired/);
  await page.fill('#ttl', '');
});

test('a tampered token, and a bad key, get friendly messages', async () => {
  const token = await page.inputValue('#token-in');
  const tampered = `${token.slice(0, 30)}${token[30] === 'A' ? 'B' : 'A'}${token.slice(31)}`;
  await page.fill('#token-in', tampered);
  await page.dispatchEvent('#token-in', 'input');
  await page.click('#decrypt');
  await expect(page.textContent('#decrypt-message')).resolves.toMatch(/^Invalid token: it was not made with this key/);
  await expect(page.inputValue('#decrypted')).resolves.toBe('');
  await expect(page.textContent('#checks')).resolves.toContain('✘ HMAC does not verify with this key');
  await useKey('not-a-key');
  await expect(page.textContent('#key-message')).resolves.toMatch(/^That is not a Fernet key/);
  await page.click('#decrypt');
  await expect(page.textContent('#decrypt-message')).resolves.toMatch(/^That is not a Fernet key/);
});

test('files: encrypt in the page, decrypt in Python; Python\'s file decrypts in the page', async () => {
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  await useKey(key);
  const content = Buffer.from(Array.from({ length: 300000 }, (_, i) => (i * 31) % 256));
  await page.setInputFiles('#file', { name: 'data.bin', mimeType: 'application/octet-stream', buffer: content });
  await page.click('#encrypt-file');
  await page.waitForSelector('#download:not([hidden])');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  expect(download.suggestedFilename()).toBe('data.bin.fernet');
  const token = fs.readFileSync(await download.path(), 'latin1');
  const [result] = runPython(python.executable, [{ op: 'decrypt', key, token }]);
  expect(Buffer.from(result.data, 'base64').equals(content)).toBe(true);

  const [{ token: pythonToken }] = runPython(python.executable, [{ op: 'encrypt', key, data: b64(content) }]);
  await page.setInputFiles('#file', { name: 'from-python.bin.fernet', mimeType: 'text/plain', buffer: Buffer.from(`${pythonToken}\n`) });
  await page.click('#decrypt-file');
  await page.waitForSelector('#download:not([hidden])');
  const [back] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  expect(back.suggestedFilename()).toBe('from-python.bin');
  expect(fs.readFileSync(await back.path()).equals(content)).toBe(true);

  await page.setInputFiles('#file', { name: 'bad.fernet', mimeType: 'text/plain', buffer: Buffer.from(pythonToken.replace(/^gAAAAA/, 'gAAAAB')) });
  await page.click('#decrypt-file');
  await expect(page.waitForSelector('#file-message[data-kind="error"]')).resolves.toBeTruthy();
  await expect(page.textContent('#file-message')).resolves.toMatch(/^Invalid token file/);
});

test('key rotation: MultiFernet decrypts the old token, rotate keeps its timestamp, Python agrees', async () => {
  await page.click('#generate');
  const newKey = await page.inputValue('#key');
  await page.click('#generate-old');
  const oldKey = await page.inputValue('#old-key');
  await page.fill('#plaintext', 'rotate me');
  await page.click('#make-old');
  const oldToken = await page.inputValue('#old-token');
  await page.click('#multi-decrypt');
  await expect(page.textContent('#rotate-message')).resolves.toBe('MultiFernet decrypted it: "rotate me"');
  await page.click('#rotate');
  const rotated = await page.inputValue('#rotated');
  await expect(page.textContent('#rotate-message')).resolves.toMatch(/\(kept\)\.$/);
  const [before, after, decrypted] = runPython(python.executable, [
    { op: 'extract_timestamp', key: oldKey, token: oldToken },
    { op: 'extract_timestamp', key: newKey, token: rotated },
    { op: 'decrypt', key: newKey, token: rotated },
  ]);
  expect(after.timestamp).toBe(before.timestamp);
  expect(Buffer.from(decrypted.data, 'base64').toString()).toBe('rotate me');
});

test('screenshots at phone and desktop sizes', async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, width, height] of [['phone', 390, 844], ['desktop', 1280, 900]]) {
    await page.setViewportSize({ width, height });
    const file = path.join(ARTIFACTS, `demo-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(10000);
    // Nothing overflows sideways on either size.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  }
});
