// The browser demo, driven like a person in real Chromium: the page served by
// `npm start`'s server under its strict CSP, checked against real Python, with
// axe-core run in every state the tests reach.
//
// One test hook, in the browser rather than in the demo: Chromium's save
// dialog (showSaveFilePicker) cannot be answered by playwright, so the page's
// showSaveFilePicker is replaced by one that returns a file handle in the
// Origin Private File System. That is the same FileSystemFileHandle type, and
// the demo writes to it through the same createWritable() streaming path.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launch } = require('./helpers/chromium');
const { pythons, runPython, b64 } = require('./helpers/python');
const { forgeToken } = require('./helpers/tokens');

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PYTHONS = pythons();
const [python] = PYTHONS;
const MB = 1000 * 1000;

let server;
let browser;
let page;
let origin;
let scratch;
const problems = [];

// Replaces the save dialog with a file in the Origin Private File System.
function saveToOpfs() {
  window.showSaveFilePicker = async ({ suggestedName }) => {
    const directory = await navigator.storage.getDirectory();
    window.savedAs = suggestedName;
    return directory.getFileHandle(suggestedName, { create: true });
  };
}

// Counts what screen readers would announce: text changes inside live regions.
function countAnnouncements() {
  window.announced = { polite: 0, assertive: 0 };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target.nodeType === Node.TEXT_NODE ? record.target.parentElement : record.target;
      const region = node?.closest('[role="alert"], [role="status"], [aria-live]');
      if (!region || region.textContent.trim() === '') continue;
      const assertive = region.getAttribute('role') === 'alert' || region.getAttribute('aria-live') === 'assertive';
      window.announced[assertive ? 'assertive' : 'polite'] += 1;
    }
  });
  const start = () => observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
}

function watch(target) {
  target.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  target.on('pageerror', (error) => problems.push(String(error)));
}

async function openPage({ fileSystemAccess = true } = {}) {
  const opened = await browser.context.newPage();
  watch(opened);
  if (fileSystemAccess) await opened.addInitScript(saveToOpfs);
  else await opened.addInitScript(() => { delete window.showSaveFilePicker; });
  await opened.addInitScript(() => {
    // Records which Blob URLs the page releases.
    const revoke = URL.revokeObjectURL;
    window.revoked = [];
    URL.revokeObjectURL = (url) => { window.revoked.push(url); revoke.call(URL, url); };
  });
  await opened.addInitScript(countAnnouncements);
  await opened.goto(origin);
  await opened.evaluate(() => document.addEventListener('securitypolicyviolation', (event) => {
    console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
  }));
  await opened.waitForSelector('body[data-ready="true"]');
  return opened;
}

// axe-core, evaluated through the devtools protocol (the page's CSP rightly
// refuses injected script tags), must find nothing.
async function expectAccessible(target = page, state = '') {
  // Once per document: the page keeps axe between checks (the demo never navigates).
  if (!(await target.evaluate(() => typeof window.axe?.run === 'function'))) await target.evaluate(AXE);
  const violations = await target.evaluate(async () => (await window.axe.run(document)).violations
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`));
  expect({ state, violations }).toEqual({ state, violations: [] });
}

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-demo-'));
  const { startServer } = await import('../../examples/browser/server.mjs');
  server = await startServer(0);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
  page = await openPage();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  fs.rmSync(scratch, { recursive: true, force: true });
});

afterEach(() => {
  const seen = problems.splice(0);
  expect(seen).toEqual([]);
});

async function useKey(key, target = page) {
  await target.fill('#key', key);
  await target.dispatchEvent('#key', 'input');
}

async function message(id, target = page) {
  return (await target.textContent(`#${id}`)).trim();
}

async function chooseFile(target, name, buffer) {
  await target.setInputFiles('#file', typeof buffer === 'string' ? buffer : { name, mimeType: 'application/octet-stream', buffer });
}

// The bytes of a file the page saved (to the Origin Private File System).
async function saved(name, target = page) {
  const text = await target.evaluate(async (file) => {
    const handle = await (await navigator.storage.getDirectory()).getFileHandle(file);
    const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }, name);
  return Buffer.from(text, 'base64');
}

// Starts a file job by `start()` and waits until the page has finished it.
async function fileJob(start, target = page) {
  const ended = () => Number(document.getElementById('files-title').closest('section').dataset.jobsEnded ?? 0);
  const before = await target.evaluate(ended);
  await start();
  // (A function, not a string: the page's CSP rightly refuses eval.)
  await target.waitForFunction((count) => Number(document.getElementById('files-title')
    .closest('section').dataset.jobsEnded ?? 0) > count, before, { timeout: 0 }); // jest's timeout bounds it
}

test('the page is served with the strict CSP, says it is ready, and axe finds nothing', async () => {
  const response = await page.request.get(origin);
  expect(response.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  await expect(message('status')).resolves.toMatch(/^Ready: WebAssembly core loaded and self-tested/);
  await expect(page.textContent('#file-output-mode')).resolves.toMatch(/straight to a file you choose/);
  await expectAccessible(page, 'ready');
});

test('without JavaScript the page says so, and its buttons are disabled', async () => {
  const html = await (await page.request.get(origin)).text();
  expect(html).toMatch(/<noscript>[\s\S]*needs JavaScript/);
  const noScript = await browser.context.newPage();
  const session = await browser.context.newCDPSession(noScript);
  await session.send('Emulation.setScriptExecutionDisabled', { value: true });
  await noScript.goto(origin);
  await expect(noScript.isVisible('.noscript')).resolves.toBe(true);
  await expect(noScript.isVisible('#status')).resolves.toBe(false); // no "Loading…" beside it
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await noScript.screenshot({ path: path.join(ARTIFACTS, 'demo-noscript-desktop.png') });
  const live = await noScript.$$eval('button', (buttons) => buttons.filter((b) => !b.disabled).map((b) => b.id));
  expect(live).toEqual([]);
  await noScript.close();
});

test('if the module cannot load, the page says so and the buttons stay disabled', async () => {
  const broken = await browser.context.newPage();
  await broken.route('**/fernet.mjs', (route) => route.abort());
  await broken.goto(origin);
  await broken.waitForSelector('body[data-load-failed="true"]');
  await expect(broken.textContent('#status [role="alert"]')).resolves.toMatch(/could not load.*buttons are disabled/);
  const live = await broken.$$eval('button', (buttons) => buttons.filter((b) => !b.disabled).map((b) => b.id));
  expect(live).toEqual([]);
  await expectAccessible(broken, 'load failure');
  await broken.setViewportSize({ width: 390, height: 700 });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await broken.screenshot({ path: path.join(ARTIFACTS, 'demo-load-failure-phone.png') });
  await broken.close();
  problems.splice(0); // the browser logs the blocked request itself
});

test('a generated key encrypts text that Python decrypts', async () => {
  await page.click('#generate');
  const key = await page.inputValue('#key');
  expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
  await page.fill('#plaintext', 'Grüße from Chromium 🔐');
  await page.click('#encrypt');
  const token = await page.inputValue('#token-out');
  for (const { executable } of PYTHONS) {
    const [result] = runPython(executable, [{ op: 'decrypt', key, token }]);
    expect(Buffer.from(result.data, 'base64').toString()).toBe('Grüße from Chromium 🔐');
  }
  await expectAccessible(page, 'encrypted');
});

test('typing a key by hand is not a stream of alerts', async () => {
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  await page.fill('#key', '');
  await page.evaluate(() => { window.announced = { polite: 0, assertive: 0 }; });
  await page.type('#key', key);
  const announced = await page.evaluate(() => window.announced);
  expect(announced.assertive).toBe(0);
  expect(announced.polite).toBeLessThanOrEqual(1);
  await expect(message('key-message')).resolves.toBe('Valid Fernet key.');
});

test('a token made by Python decrypts in the page, and its anatomy is shown', async () => {
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  const [{ token }] = runPython(python.executable, [
    { op: 'encrypt', key, data: b64(Buffer.from('made in Python')), time: 1700000000, iv: b64(Buffer.alloc(16, 7)) },
  ]);
  await useKey(key);
  await page.fill('#token-in', token);
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
  await expect(message('decrypt-message')).resolves.toMatch(/^This token has expired/);
  await page.fill('#ttl', '');
  await expectAccessible(page, 'anatomy shown, expired');
});

test('the anatomy timestamp never wraps in the middle of a number, even on a phone', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    const lines = await page.evaluate(() => {
      const cell = [...document.querySelectorAll('#anatomy tr')].find((tr) => tr.cells[0].textContent === 'Timestamp').cells[1];
      const box = cell.getBoundingClientRect();
      const linesOf = (needle) => {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.data.indexOf(needle);
          if (at === -1) continue;
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + needle.length);
          const rects = [...range.getClientRects()];
          const inside = rects.every((r) => r.left >= box.left && r.right <= box.right);
          return `${new Set(rects.map((r) => Math.round(r.top))).size} line(s)${inside ? '' : ', overflowing the cell'}`;
        }
        return 'not found';
      };
      return ['2023-11-14', '22:13:20', '1700000000'].map(linesOf);
    });
    expect(lines).toEqual(['1 line(s)', '1 line(s)', '1 line(s)']);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('what Python users paste: whitespace and quotes are accepted as Python accepts them; b\'…\' is explained', async () => {
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  const [{ token }] = runPython(python.executable, [{ op: 'encrypt', key, data: b64(Buffer.from('pasted')) }]);
  const forms = {
    'a trailing newline': `${token}\n`,
    'a line break in the middle': `${token.slice(0, 60)}\n${token.slice(60)}`,
    'CRLF line breaks and spaces': `  ${token.slice(0, 40)}\r\n${token.slice(40, 90)} \r\n${token.slice(90)}  `,
    'single quotes': `'${token}'`,
    'double quotes': `"${token}"`,
    "a bytes literal b'…'": `b'${token}'`,
    'a bytes literal b"…"': `b"${token}"`,
  };
  await useKey(key);
  for (const [form, text] of Object.entries(forms)) {
    const verdicts = PYTHONS.map(({ executable }) => !runPython(executable, [{ op: 'decrypt', key, token: text }])[0].error);
    expect(new Set(verdicts).size).toBe(1); // 38 and 48 agree
    await page.fill('#token-in', text);
    await page.click('#decrypt');
    const said = await message('decrypt-message');
    if (verdicts[0]) {
      expect({ form, decrypted: await page.inputValue('#decrypted') }).toEqual({ form, decrypted: 'pasted' });
      expect(said).toMatch(/^Decrypted 6 bytes/);
    } else {
      expect({ form, said }).toEqual({ form, said: expect.stringMatching(/Python bytes literal \(b'…'\).*token\.decode\(\)/) });
      await expect(page.inputValue('#decrypted')).resolves.toBe('');
      await expect(page.getAttribute('#decrypt-message', 'data-kind')).resolves.toBe('error');
    }
  }
  // Keys: the same rule, checked against Python's Fernet(key).
  const keyForms = [`${key}\n`, `'${key}'`, `"${key}"`, ` ${key.slice(0, 20)}\n${key.slice(20)}`, `b'${key}'`];
  for (const text of keyForms) {
    const verdicts = PYTHONS.map(({ executable }) => !runPython(executable, [{ op: 'encrypt', key: text, data: '' }])[0].error);
    expect(new Set(verdicts).size).toBe(1);
    await useKey(text);
    const said = await message('key-message');
    if (verdicts[0]) expect({ text, said }).toEqual({ text, said: expect.stringMatching(/^Valid Fernet key\./) });
    else expect({ text, said }).toEqual({ text, said: expect.stringMatching(/Python bytes literal \(b'…'\).*key\.decode\(\)/) });
  }
  await expectAccessible(page, 'bytes literal key explained');
});

test('"not a Fernet token" for what is not one; "not made with this key" for a token that fails', async () => {
  const [{ key }, { key: other }] = runPython(python.executable, [{ op: 'generate_key' }, { op: 'generate_key' }]);
  const [{ token }] = runPython(python.executable, [{ op: 'encrypt', key: other, data: b64(Buffer.from('x')) }]);
  await useKey(key);
  const rawKey = Buffer.from(key, 'base64url');
  const cases = [
    ['hello, world!', /^Not a Fernet token: it contains characters that are not url-safe base64\.$/],
    [crypto.randomBytes(60).toString('base64url'), /^Not a Fernet token: its version byte is 0x[0-9a-f]{2}, not 0x80\.|^Not a Fernet token/],
    [forgeToken(rawKey, Buffer.from('v'), { version: 0x81 }), /^Not a Fernet token: its version byte is 0x81, not 0x80\.$/],
    ['gAAAAABl', /^Not a Fernet token: too short/],
    [token, /^Invalid token: it was not made with this key, or it has been changed since/],
  ];
  for (const [text, expected] of cases) {
    await page.fill('#token-in', text);
    await page.click('#decrypt');
    await expect(message('decrypt-message')).resolves.toMatch(expected);
  }
  await expectAccessible(page, 'invalid token');
});

test('a tampered token, and a bad key, get friendly messages', async () => {
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  const [{ token }] = runPython(python.executable, [{ op: 'encrypt', key, data: b64(Buffer.from('x')) }]);
  await useKey(key);
  const tampered = `${token.slice(0, 30)}${token[30] === 'A' ? 'B' : 'A'}${token.slice(31)}`;
  await page.fill('#token-in', tampered);
  await page.dispatchEvent('#token-in', 'input');
  await page.click('#decrypt');
  await expect(message('decrypt-message')).resolves.toMatch(/^Invalid token: it was not made with this key/);
  await expect(page.inputValue('#decrypted')).resolves.toBe('');
  await expect(page.textContent('#checks')).resolves.toContain('✘ HMAC does not verify with this key');
  await useKey('not-a-key');
  await page.dispatchEvent('#key', 'change');
  await expect(message('key-message')).resolves.toMatch(/^That is not a Fernet key/);
  await page.click('#decrypt');
  await expect(message('decrypt-message')).resolves.toMatch(/^That is not a Fernet key/);
  await expect(page.getAttribute('#decrypt-message [role="alert"]', 'role')).resolves.toBe('alert');
  await expectAccessible(page, 'bad key');
});

test('no stale result beside a change or an error', async () => {
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  await useKey(key);
  // Encrypted token goes when the key changes.
  await page.click('#encrypt');
  expect(await page.inputValue('#token-out')).not.toBe('');
  await useKey('');
  await expect(page.inputValue('#token-out')).resolves.toBe('');
  // "HMAC verified" goes when the key field is cleared.
  await useKey(key);
  await page.click('#encrypt');
  const token = await page.inputValue('#token-out');
  await page.fill('#token-in', token);
  await expect(page.textContent('#checks')).resolves.toContain('✔ HMAC verified with this key');
  await page.click('#decrypt');
  expect(await page.inputValue('#decrypted')).not.toBe('');
  await useKey('');
  await expect(page.textContent('#checks')).resolves.not.toContain('HMAC verified');
  await expect(page.textContent('#checks')).resolves.toContain('HMAC not verified');
  await expect(page.inputValue('#decrypted')).resolves.toBe('');
  await expect(message('decrypt-message')).resolves.toBe('');
  // A rotated token goes when a later rotation fails.
  await useKey(key);
  await page.click('#generate-old');
  await page.click('#make-old');
  await page.click('#rotate');
  expect(await page.inputValue('#rotated')).not.toBe('');
  const old = await page.inputValue('#old-token');
  await page.fill('#old-token', `${old.slice(0, 40)}${old[40] === 'A' ? 'B' : 'A'}${old.slice(41)}`);
  await page.click('#rotate');
  await expect(message('rotate-message')).resolves.toMatch(/^Invalid token: neither key made it/);
  await expect(page.inputValue('#rotated')).resolves.toBe('');
  await expectAccessible(page, 'rotation failed');
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
  await expect(message('rotate-message')).resolves.toBe('MultiFernet decrypted it: "rotate me"');
  await page.click('#rotate');
  const rotated = await page.inputValue('#rotated');
  await expect(message('rotate-message')).resolves.toMatch(/\(kept\)\.$/);
  for (const { executable } of PYTHONS) {
    const [before, after, decrypted] = runPython(executable, [
      { op: 'extract_timestamp', key: oldKey, token: oldToken },
      { op: 'extract_timestamp', key: newKey, token: rotated },
      { op: 'decrypt', key: newKey, token: rotated },
    ]);
    expect(after.timestamp).toBe(before.timestamp);
    expect(Buffer.from(decrypted.data, 'base64').toString()).toBe('rotate me');
  }
});

test('MultiFernet decrypt of binary data shows hex, without an exception', async () => {
  await page.click('#generate');
  await page.click('#generate-old');
  const oldKey = await page.inputValue('#old-key');
  const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3]);
  const [{ token }] = runPython(python.executable, [{ op: 'encrypt', key: oldKey, data: b64(binary) }]);
  await page.fill('#old-token', token);
  await page.click('#multi-decrypt');
  await expect(page.inputValue('#multi-out')).resolves.toBe(binary.toString('hex'));
  await expect(message('rotate-message')).resolves.toBe('MultiFernet decrypted 5 bytes of binary data (shown as hex).');
});

test('files: saved straight to disk; Python decrypts the page\'s file and the page decrypts Python\'s', async () => {
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  await useKey(key);
  const content = Buffer.from(Array.from({ length: 300000 }, (_, i) => (i * 31) % 256));
  await chooseFile(page, 'data.bin', content);
  await fileJob(() => page.click('#encrypt-file'));
  await expect(message('file-message')).resolves.toBe('Encrypted data.bin: 400,100 bytes, saved as data.bin.fernet.');
  await expect(page.isHidden('#download')).resolves.toBe(true);
  const token = (await saved('data.bin.fernet')).toString('latin1');
  for (const { executable } of PYTHONS) {
    const [result] = runPython(executable, [{ op: 'decrypt', key, token }]);
    expect(Buffer.from(result.data, 'base64').equals(content)).toBe(true);
  }
  await expectAccessible(page, 'file saved');

  // Python's token as a file, with a final newline and wrapped at 76 columns
  // (Python reads both): decrypted into a file. Over 2 MB, so that it spans
  // several of the worker's 1 MiB chunks, with line breaks across their edges.
  const larger = Buffer.concat(Array(6).fill(content));
  const [{ token: pythonToken }] = runPython(python.executable, [{ op: 'encrypt', key, data: b64(larger) }]);
  const wrapped = `${pythonToken.match(/.{1,76}/g).join('\n')}\n`;
  expect(runPython(python.executable, [{ op: 'decrypt', key, token: wrapped }])[0].error).toBeUndefined();
  await chooseFile(page, 'from-python.bin.fernet', Buffer.from(wrapped));
  await fileJob(() => page.click('#decrypt-file'));
  await expect(message('file-message')).resolves.toBe('Decrypted from-python.bin.fernet: 1,800,000 bytes, saved as from-python.bin.');
  expect((await saved('from-python.bin')).equals(larger)).toBe(true);
});

test('files: "not a Fernet token file" vs "not made with this key"; nothing is written either way', async () => {
  const [{ key }, { key: other }] = runPython(python.executable, [{ op: 'generate_key' }, { op: 'generate_key' }]);
  const [{ token }] = runPython(python.executable, [{ op: 'encrypt', key: other, data: b64(Buffer.alloc(1000, 1)) }]);
  await useKey(key);
  const cases = [
    ['empty.fernet', Buffer.alloc(0), /^Not a Fernet token file: the file is empty\./],
    ['random.fernet', crypto.randomBytes(5000), /^Not a Fernet token file: /],
    ['version.fernet', Buffer.from(forgeToken(Buffer.from(key, 'base64url'), Buffer.alloc(100), { version: 0x81 })), /^Not a Fernet token file: its version byte is 0x81, not 0x80\./],
    ['other-key.fernet', Buffer.from(token), /^Invalid token file: it was not made with this key, or it has been changed since\./],
    ['tampered.fernet', Buffer.from(token.replace(/^gAAAAA/, 'gAAAAB')), /^Invalid token file: it was not made with this key/],
  ];
  for (const [name, bytes, expected] of cases) {
    await chooseFile(page, name, bytes);
    await fileJob(() => page.click('#decrypt-file'));
    await expect(message('file-message')).resolves.toMatch(expected);
    await expect(page.getAttribute('#file-message', 'data-kind')).resolves.toBe('error');
    await expect(page.isHidden('#download')).resolves.toBe(true);
    expect((await saved(name.replace(/\.fernet$/, ''))).length).toBe(0);
  }
  await expectAccessible(page, 'file error');
});

// A file big enough that a job is still running when the test acts on it.
function bigFile(name, megabytes) {
  const file = path.join(scratch, name);
  if (!fs.existsSync(file)) {
    const block = Buffer.alloc(MB);
    for (let i = 0; i < block.length; i++) block[i] = (i * 131 + 7) % 251;
    const fd = fs.openSync(file, 'w');
    for (let i = 0; i < megabytes; i++) {
      block.writeUInt32BE(i, 0); // every megabyte differs
      fs.writeSync(fd, block);
    }
    fs.closeSync(fd);
  }
  return file;
}

// A file of `bytes` bytes whose content is never read (a size check refuses
// it first): sparse, so that no 200 MB is written just to be refused.
function sizedFile(name, bytes) {
  const file = path.join(scratch, name);
  fs.closeSync(fs.openSync(file, 'w'));
  fs.truncateSync(file, bytes);
  return file;
}

test('files: cancel, a clean retry after the worker fails to load, and another file chosen mid-job', async () => {
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  await useKey(key);
  // The 300 MB file (the 300 MB test below reuses it): the job must still be
  // running after axe and a screenshot, when the test cancels it, and under
  // load a 60 MB job could end first, leaving nothing to cancel.
  const big = bigFile('big-300.bin', 300);

  // Cancel: the job stops, focus stays where it was, nothing is offered.
  await chooseFile(page, 'big-300.bin', big);
  await page.focus('#encrypt-file');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('file-progress').value > 0);
  await expect(page.evaluate(() => document.activeElement.id)).resolves.toBe('encrypt-file');
  await expectAccessible(page, 'file job running');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.locator('#files-title').locator('xpath=..').screenshot({ path: path.join(ARTIFACTS, 'demo-file-job-desktop.png') });
  await page.focus('#cancel-file');
  await fileJob(() => page.keyboard.press('Enter'));
  await expect(message('file-message')).resolves.toBe('Cancelled encrypting big-300.bin; nothing was saved.');
  await expect(page.evaluate(() => document.activeElement.id)).resolves.toBe('cancel-file');
  await expect(page.getAttribute('#cancel-file', 'aria-disabled')).resolves.toBe('true');
  await expect(page.isHidden('#download')).resolves.toBe(true);

  // The worker script does not load (offline): a clear error; then a retry works.
  await page.route('**/file-worker.js', (route) => route.abort());
  const small = Buffer.from('small file');
  await chooseFile(page, 'small.txt', small);
  await page.focus('#encrypt-file');
  await fileJob(() => page.keyboard.press('Enter'));
  await expect(message('file-message')).resolves.toMatch(/^Could not encrypt the file: the file worker stopped .*\. Nothing was written to small\.txt\.fernet\. Try again\.$/);
  await expect(page.evaluate(() => document.activeElement.id)).resolves.toBe('encrypt-file');
  await expectAccessible(page, 'worker failed');
  problems.splice(0); // the browser logs the blocked script itself
  await page.unroute('**/file-worker.js');
  await fileJob(() => page.keyboard.press('Enter'));
  await expect(message('file-message')).resolves.toBe('Encrypted small.txt: 100 bytes, saved as small.txt.fernet.');
  const [result] = runPython(python.executable, [{ op: 'decrypt', key, token: (await saved('small.txt.fernet')).toString() }]);
  expect(Buffer.from(result.data, 'base64').equals(small)).toBe(true);

  // Another file chosen while a job runs: the job is cancelled, not finished.
  await chooseFile(page, 'big-300.bin', big);
  await page.click('#encrypt-file');
  await page.waitForFunction(() => document.getElementById('file-progress').value > 0);
  await chooseFile(page, 'other.txt', Buffer.from('other'));
  await expect(message('file-message')).resolves.toBe('Cancelled the job on big-300.bin. Selected other.txt (5 bytes).');
  await page.waitForFunction(() => document.getElementById('encrypt-file').getAttribute('aria-disabled') === 'false');
  await expect(message('file-message')).resolves.toBe('Cancelled the job on big-300.bin. Selected other.txt (5 bytes).');
  await fileJob(() => page.click('#encrypt-file'));
  await expect(message('file-message')).resolves.toBe('Encrypted other.txt: 100 bytes, saved as other.txt.fernet.');
});

test('a file job is announced twice (start, end), not once per percent', async () => {
  const big = bigFile('big-60.bin', 60);
  await page.click('#generate');
  await chooseFile(page, 'big-60.bin', big);
  await page.evaluate(() => { window.announced = { polite: 0, assertive: 0 }; });
  await fileJob(() => page.click('#encrypt-file'));
  await expect(message('file-message')).resolves.toMatch(/^Encrypted big-60\.bin: 80,000,1\d\d bytes, saved as big-60\.bin\.fernet\.$/);
  await expect(page.evaluate(() => window.announced)).resolves.toEqual({ polite: 2, assertive: 0 });
  // 80 MB the tests below do not need: the suite keeps its disk use small.
  await page.evaluate(async () => (await navigator.storage.getDirectory()).removeEntry('big-60.bin.fernet'));
  fs.rmSync(big);
});

test('files without File System Access: a stated size limit, and the download released once taken', async () => {
  const plain = await openPage({ fileSystemAccess: false });
  await expect(plain.textContent('#file-output-mode')).resolves.toMatch(/held in memory.*up to 200,000,000 bytes/);
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  await useKey(key, plain);
  const content = Buffer.from('downloaded, then released');
  await chooseFile(plain, 'note.txt', content);
  await plain.click('#encrypt-file');
  await plain.waitForSelector('#download:not([hidden])');
  const href = await plain.getAttribute('#download', 'href');
  const [download] = await Promise.all([plain.waitForEvent('download'), plain.click('#download')]);
  expect(download.suggestedFilename()).toBe('note.txt.fernet');
  const token = fs.readFileSync(await download.path(), 'latin1');
  const [result] = runPython(python.executable, [{ op: 'decrypt', key, token }]);
  expect(Buffer.from(result.data, 'base64').equals(content)).toBe(true);
  await plain.waitForSelector('#download', { state: 'hidden' });
  await expect(message('file-message', plain)).resolves.toBe('Downloaded; the page no longer holds a copy of the result.');
  await expect(plain.evaluate(() => window.revoked)).resolves.toEqual([href]);

  // A failed job clears a waiting download link.
  await plain.click('#encrypt-file');
  await plain.waitForSelector('#download:not([hidden])');
  await chooseFile(plain, 'note.txt.fernet', Buffer.from('not a token'));
  await expect(plain.isHidden('#download')).resolves.toBe(true);
  await plain.click('#encrypt-file');
  await plain.waitForSelector('#download:not([hidden])');
  await plain.click('#decrypt-file');
  await plain.waitForFunction(() => document.getElementById('file-message').dataset.kind === 'error');
  await expect(plain.isHidden('#download')).resolves.toBe(true);

  // Over the stated limit: refused before any work.
  await chooseFile(plain, 'big.bin', sizedFile('big-201.bin', 201 * MB));
  await plain.click('#encrypt-file');
  await expect(message('file-message', plain)).resolves.toMatch(/^big-201\.bin is 201,000,000 bytes: .*limit here is 200,000,000 bytes/);
  await expectAccessible(plain, 'fallback: over the limit');
  await plain.close();
});

test('keys and tokens are readable at 1x: underscores are drawn in the monospace fields', async () => {
  // The same field rendered with "_" and with " " in the same places must differ.
  const shot = async (text) => {
    await page.fill('#key', text);
    return page.locator('#key').screenshot();
  };
  const underscores = await shot('____________________');
  const spaces = await shot('                    ');
  expect(underscores.equals(spaces)).toBe(false);
  const font = await page.evaluate(() => getComputedStyle(document.getElementById('key')).fontFamily);
  expect(font).toContain('DejaVu Sans Mono');
  await useKey('');
});

// The Chromium processes this test started: the browser and its children
// (renderers, GPU, network and storage services), found through /proc.
function browserPids() {
  const parents = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const ours = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!ours.has(pid) && ours.has(parent)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  ours.delete(process.pid);
  return [...ours].filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('chrom');
    } catch {
      return false;
    }
  });
}

// The process list is walked again at most every 500 ms: sampling every
// 100 ms, walking all of /proc each time was most of the sampling's cost, and
// a process Chromium starts is still counted within half a second.
let knownPids = { at: -Infinity, pids: [] };
function browserRss() {
  if (performance.now() - knownPids.at >= 500) knownPids = { at: performance.now(), pids: browserPids() };
  let total = 0;
  for (const pid of knownPids.pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

// Peak growth of the browser's total RSS while `work` runs, over a baseline
// taken once the browser has settled (RSS steady within 2 MB for 1 s: right
// after a page action it is still moving).
async function peakGrowth(work) {
  const samples = [];
  while (samples.length < 5 || Math.max(...samples.slice(-5)) - Math.min(...samples.slice(-5)) > 2 * MB) {
    samples.push(browserRss());
    await new Promise((resolve) => { setTimeout(resolve, 200); });
  }
  const baseline = samples.at(-1);
  let peak = baseline;
  const timer = setInterval(() => { peak = Math.max(peak, browserRss()); }, 100);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, browserRss());
  return { baseline, growth: peak - baseline };
}

// ---- Keys from passwords ---------------------------------------------------

// Python's two recipes, exactly as users write them; the salt comes back as
// Python prints it, base64.urlsafe_b64encode(salt).decode().
const RECIPES = `
import base64, json, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
out = []
for req in json.load(sys.stdin):
    salt = base64.b64decode(req["salt"])
    if req["kdf"] == "pbkdf2":
        kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=req["iterations"])
    else:
        kdf = Scrypt(salt=salt, length=32, n=req["n"], r=req["r"], p=req["p"])
    key = base64.urlsafe_b64encode(kdf.derive(req["password"].encode()))
    out.append({"key": key.decode(), "salt": base64.urlsafe_b64encode(salt).decode()})
print(json.dumps(out))
`;

function pythonDerive(executable, requests) {
  const input = JSON.stringify(requests.map((r) => ({ ...r, salt: b64(r.salt) })));
  const result = require('node:child_process').spawnSync(executable, ['-c', RECIPES], { input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${executable} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

// Fills in the password form (options as Fernet.deriveKey takes them).
async function passwordForm({ password, salt, kdf, iterations, n, r, p }, target = page) {
  await target.fill('#password', password);
  await target.fill('#salt', salt);
  await target.selectOption('#kdf', kdf);
  if (kdf === 'pbkdf2') await target.fill('#iterations', String(iterations));
  else for (const [id, value] of [['#scrypt-n', n], ['#scrypt-r', r], ['#scrypt-p', p]]) await target.fill(id, String(value));
}

// Clicks "Derive key" and waits until the page has finished (or refused).
async function derive(target = page) {
  const ended = () => Number(document.getElementById('key-title').closest('section').dataset.derivationsEnded ?? 0);
  const before = await target.evaluate(ended);
  await target.click('#derive');
  await target.waitForFunction((count) => Number(document.getElementById('key-title')
    .closest('section').dataset.derivationsEnded ?? 0) > count, before, { timeout: 0 });
}

test('password mode: the page derives the key Python derives (PBKDF2 and scrypt), and Python decrypts with it', async () => {
  const cases = [
    { kdf: 'pbkdf2', iterations: 1000, password: 'pässwörd 🔑 ', salt: crypto.randomBytes(16) },
    { kdf: 'pbkdf2', iterations: 1, password: '', salt: crypto.randomBytes(16) },
    { kdf: 'scrypt', n: 1024, r: 8, p: 1, password: 'correct horse battery staple', salt: crypto.randomBytes(16) },
    { kdf: 'scrypt', n: 16, r: 1, p: 3, password: 'ключ', salt: crypto.randomBytes(8) },
    // The recipes' defaults, as the form starts.
    { kdf: 'pbkdf2', iterations: 1_200_000, password: 'my password', salt: crypto.randomBytes(16) },
    { kdf: 'scrypt', n: 2 ** 14, r: 8, p: 1, password: 'my password', salt: crypto.randomBytes(16) },
  ];
  const expected = PYTHONS.map(({ executable }) => pythonDerive(executable, cases));
  expect(expected[expected.length - 1]).toEqual(expected[0]); // 38 and 48 agree
  for (const [i, recipe] of cases.entries()) {
    const { key, salt } = expected[0][i];
    // The salt pasted exactly as Python prints it.
    await passwordForm({ ...recipe, salt });
    await page.evaluate(() => { window.announced = { polite: 0, assertive: 0 }; });
    await derive();
    // Announced politely twice (started, done), never as an alert.
    await expect(page.evaluate(() => window.announced)).resolves.toEqual({ polite: 2, assertive: 0 });
    const derived = await page.inputValue('#key');
    expect({ recipe: { ...recipe, salt }, derived }).toEqual({ recipe: { ...recipe, salt }, derived: key });
    await expect(message('password-message')).resolves.toMatch(
      /^Derived in \d+(\.\d\d)? m?s \((PBKDF2-HMAC-SHA256|scrypt), .*-byte salt\); the key is now in the Key field\.$/);
    await expect(page.getAttribute('#password-message', 'data-kind')).resolves.toBe('ok');
    await expect(page.evaluate(() => document.activeElement.id)).resolves.toBe('derive'); // focus kept
  }
  // A token made in the page with the derived key: Python opens it with the key it derived itself.
  const last = cases.length - 1;
  await page.fill('#plaintext', 'sealed with a password');
  await page.click('#encrypt');
  const token = await page.inputValue('#token-out');
  for (const { executable } of PYTHONS) {
    const [result] = runPython(executable, [{ op: 'decrypt', key: expected[0][last].key, token }]);
    expect(Buffer.from(result.data, 'base64').toString()).toBe('sealed with a password');
  }
  await expectAccessible(page, 'key derived from a password');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const section = page.locator('#key-title').locator('xpath=..');
  for (const [name, width] of [['phone', 390], ['desktop', 1280]]) {
    await page.setViewportSize({ width, height: 900 });
    await section.screenshot({ path: path.join(ARTIFACTS, `demo-password-${name}.png`) });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, `password mode at ${width} px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}, 120000);

test('password mode: the page keeps responding while deriving at the default 1,200,000 iterations, and can cancel', async () => {
  await page.fill('#password', 'my password');
  await page.click('#new-salt');
  expect(Buffer.from(await page.inputValue('#salt'), 'base64url')).toHaveLength(16);
  await expect(page.inputValue('#salt')).resolves.toMatch(/^[A-Za-z0-9_-]{22}==$/); // as Python prints 16 bytes
  await page.selectOption('#kdf', 'pbkdf2');
  await page.fill('#iterations', '1200000');
  // Frames drawn and clicks handled while the derivation runs: a blocked
  // main thread would draw no frame and handle no click until it ended.
  await page.evaluate(() => {
    window.whileDeriving = { frames: 0, clicks: 0 };
    const busy = () => document.getElementById('derive').getAttribute('aria-disabled') === 'true';
    const tick = () => {
      if (busy()) window.whileDeriving.frames += 1;
      window.whileDerivingFrame = requestAnimationFrame(tick);
    };
    tick();
    document.addEventListener('click', (event) => {
      if (busy() && event.target.id === 'generate-old') window.whileDeriving.clicks += 1;
    });
  });
  await page.fill('#old-key', '');
  await page.click('#derive');
  await page.click('#generate-old');
  await page.waitForFunction(() => document.getElementById('derive').getAttribute('aria-disabled') === 'false', null, { timeout: 0 });
  const seen = await page.evaluate(() => {
    cancelAnimationFrame(window.whileDerivingFrame);
    return window.whileDeriving;
  });
  expect(seen.frames).toBeGreaterThanOrEqual(2);
  expect(seen.clicks).toBe(1);
  await expect(page.inputValue('#old-key')).resolves.toMatch(/^[A-Za-z0-9_-]{43}=$/);
  await expect(message('password-message')).resolves.toMatch(/^Derived in .*1,200,000 iterations, 16-byte salt/);

  // Cancel: the key field keeps what it had, and the page says so.
  const before = await page.inputValue('#key');
  await page.fill('#password', 'another password');
  await page.click('#derive');
  await page.click('#cancel-derive');
  await page.waitForFunction(() => document.getElementById('derive').getAttribute('aria-disabled') === 'false');
  await expect(message('password-message')).resolves.toBe('Cancelled; the key field was not changed.');
  await expect(page.inputValue('#key')).resolves.toBe(before);
  // Changing the password mid-derivation cancels it too: no key from stale input.
  await page.click('#derive');
  await page.fill('#password', 'changed my mind');
  await page.waitForFunction(() => document.getElementById('derive').getAttribute('aria-disabled') === 'false');
  await expect(message('password-message')).resolves.toMatch(/^Cancelled: the password, salt or recipe changed/);
  await expect(page.inputValue('#key')).resolves.toBe(before);
  // A finished derivation's message goes once the key is edited by hand.
  await page.fill('#iterations', '2');
  await derive();
  await expect(message('password-message')).resolves.toMatch(/^Derived in/);
  await useKey(before);
  await expect(message('password-message')).resolves.toBe('');
  await expectAccessible(page, 'derivation cancelled');
}, 120000);

test('password mode: a salt that is not base64url, and parameters Python refuses, get clear messages', async () => {
  await page.fill('#password', 'pw');
  await page.selectOption('#kdf', 'pbkdf2');
  await page.fill('#iterations', '2');
  const salt = Buffer.from('sixteen byte slt');
  const [{ key, salt: pythonSalt }] = pythonDerive(python.executable, [{ kdf: 'pbkdf2', iterations: 2, password: 'pw', salt }]);
  await page.fill('#key', '');
  const bad = [
    ['', /^Enter a salt/],
    ['not a salt!', /^The salt must be url-safe base64 .*base64\.urlsafe_b64encode\(salt\)/],
    ['c2l4dGVlb', /^The salt is not whole base64: 9 characters cannot encode whole bytes/],
    [`b'${pythonSalt}'`, /^The salt is a Python bytes literal \(b'…'\).*urlsafe_b64encode\(salt\)\.decode\(\)/],
    ['====', /^The salt must be url-safe base64/],
    ['c2l4dA=', /^The salt's = padding does not fit its length/],
  ];
  for (const [text, expected] of bad) {
    await page.fill('#salt', text);
    await derive();
    const said = await message('password-message');
    expect({ text, said }).toEqual({ text, said: expect.stringMatching(expected) });
    await expect(page.getAttribute('#password-message', 'data-kind')).resolves.toBe('error');
    await expect(page.textContent('#password-message [role="alert"]')).resolves.toBe(said);
    await expect(page.inputValue('#key')).resolves.toBe('');
  }
  await expectAccessible(page, 'bad salt');
  // What Python users paste that is harmless: quotes, a line break, missing padding.
  for (const text of [`'${pythonSalt}'`, `${pythonSalt}\n`, pythonSalt.replace(/=+$/, '')]) {
    await page.fill('#salt', text);
    await derive();
    expect({ text, key: await page.inputValue('#key') }).toEqual({ text, key });
  }
  // Parameters Python refuses are refused, saying which.
  await page.fill('#salt', pythonSalt);
  await page.selectOption('#kdf', 'scrypt');
  const refused = [
    [{ n: 1000, r: 8, p: 1 }, /^Could not derive a key: n must be a power of 2/],
    [{ n: 2 ** 20, r: 8, p: 1 }, /^Could not derive a key: scrypt parameters need more than the 256 MiB memory cap/],
    [{ n: 16, r: 0, p: 1 }, /^r must be a whole number, at least 1\.$/],
  ];
  for (const [{ n, r, p }, expected] of refused) {
    await page.fill('#scrypt-n', String(n));
    await page.fill('#scrypt-r', String(r));
    await page.fill('#scrypt-p', String(p));
    await derive();
    await expect(message('password-message')).resolves.toMatch(expected);
    await expect(page.getAttribute('#password-message', 'data-kind')).resolves.toBe('error');
  }
  await page.fill('#scrypt-n', '16384');
  await page.fill('#scrypt-r', '8');
  await page.fill('#scrypt-p', '1');
  await page.selectOption('#kdf', 'pbkdf2');
  await page.fill('#iterations', '0');
  await derive();
  await expect(message('password-message')).resolves.toBe('Iterations must be a whole number, at least 1.');
  await expectAccessible(page, 'refused parameters');
  // The worker's script not loading (e.g. offline): said, and a retry works.
  await page.fill('#iterations', '2');
  await page.route('**/kdf-worker.js', (route) => route.abort());
  await derive();
  await expect(message('password-message')).resolves.toMatch(/^Could not derive a key: the key worker stopped.*Try again\.$/);
  await expect(page.getAttribute('#password-message', 'data-kind')).resolves.toBe('error');
  await page.unroute('**/kdf-worker.js');
  problems.splice(0); // the browser logs the blocked request itself
  await derive();
  await expect(page.inputValue('#key')).resolves.toBe(key);
  await expect(message('password-message')).resolves.toMatch(/^Derived in/);
  await page.fill('#iterations', '1200000');
});

test('300 MB: encrypt and decrypt stream to disk with under 100 MB of browser memory growth', async () => {
  const big = bigFile('big-300.bin', 300);
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  await useKey(key);
  await chooseFile(page, 'big-300.bin', big);
  const encrypt = await peakGrowth(async () => {
    await fileJob(() => page.click('#encrypt-file'));
  });
  await expect(message('file-message')).resolves.toMatch(/^Encrypted big-300\.bin: 400,000,1\d\d bytes, saved as big-300\.bin\.fernet\.$/);
  // The source is not needed again: with it gone, the suite's disk use peaks
  // at the token and the decrypted file (700 MB) rather than 1 GB.
  const expected = crypto.createHash('sha256').update(fs.readFileSync(big)).digest('hex');
  fs.rmSync(big);
  // The token file goes back in as a dropped file.
  await page.evaluate(async () => {
    const file = await (await (await navigator.storage.getDirectory()).getFileHandle('big-300.bin.fernet')).getFile();
    const transfer = new DataTransfer();
    transfer.items.add(file);
    document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  const decrypt = await peakGrowth(async () => {
    await fileJob(() => page.click('#decrypt-file'));
  });
  await expect(message('file-message')).resolves.toBe('Decrypted big-300.bin.fernet: 300,000,000 bytes, saved as big-300.bin.');
  console.log(`300 MB in Chromium, browser RSS (all its processes): baseline ${(encrypt.baseline / MB).toFixed(0)} MB; `
    + `peak growth encrypting ${(encrypt.growth / MB).toFixed(1)} MB, decrypting ${(decrypt.growth / MB).toFixed(1)} MB`);
  expect(encrypt.growth).toBeLessThan(100 * MB);
  expect(decrypt.growth).toBeLessThan(100 * MB);
  // The round trip is exact (hashed in the page, after the measurement).
  const digest = await page.evaluate(async () => {
    const file = await (await (await navigator.storage.getDirectory()).getFileHandle('big-300.bin')).getFile();
    const hash = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
  });
  expect(digest).toBe(expected);
  await page.evaluate(async () => {
    const directory = await navigator.storage.getDirectory();
    for (const name of ['big-300.bin', 'big-300.bin.fernet']) await directory.removeEntry(name).catch(() => {});
  });
}, 600000);

test('screenshots at phone and desktop sizes, with nothing overflowing and axe clean', async () => {
  const [{ key }] = runPython(python.executable, [{ op: 'generate_key' }]);
  const [{ token }] = runPython(python.executable, [
    { op: 'encrypt', key, data: b64(Buffer.from('made in Python')), time: 1700000000, iv: b64(Buffer.alloc(16, 7)) },
  ]);
  await useKey(key);
  await page.fill('#token-in', `${token.slice(0, 50)}\n${token.slice(50)}`);
  await page.click('#decrypt');
  await expect(message('decrypt-message')).resolves.toMatch(/Ignored the line breaks/);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const [name, width, height] of [['phone', 390, 844], ['desktop', 1280, 900]]) {
    await page.setViewportSize({ width, height });
    const file = path.join(ARTIFACTS, `demo-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(10000);
    // Nothing overflows sideways on either size.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, `screenshot ${name}`);
  }
});
