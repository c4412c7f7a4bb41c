// The demo page: every button is one or two calls of the public API.
import { ready, Fernet, MultiFernet, InvalidToken } from '/fernet.mjs';
import { parseToken, hex, describeTime } from '/anatomy.js';

const $ = (id) => document.getElementById(id);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const KEY_HELP = 'That is not a Fernet key: a key is 44 characters of url-safe base64 (32 bytes), '
  + "like the output of Python's Fernet.generate_key().";

function say(id, text, kind = 'ok') {
  const element = $(id);
  element.textContent = text;
  element.dataset.kind = kind;
}

// The Fernet for the key in step 1, or null after explaining what is wrong.
function fernetFor(inputId, messageId) {
  const key = $(inputId).value.trim();
  if (key === '') {
    say(messageId, 'Enter a key, or generate one, first.', 'error');
    return null;
  }
  try {
    return new Fernet(key);
  } catch {
    say(messageId, KEY_HELP, 'error');
    return null;
  }
}

function ttlValue() {
  const text = $('ttl').value.trim();
  if (text === '') return null;
  const ttl = Number(text);
  return Number.isSafeInteger(ttl) && ttl >= 0 ? ttl : undefined;
}

// The library says only "InvalidToken", on purpose (no oracle for attackers).
// With the key in hand, the page can say more to the person who owns it.
function explainInvalid(fernet, token, ttl) {
  if (ttl !== null) {
    try {
      fernet.decrypt(token);
      const made = fernet.extractTimestamp(token);
      if (made > nowSeconds() + 60) {
        return `This token is dated in the future (${describeTime(made)}), beyond the 60 s clock-skew allowance.`;
      }
      return `This token has expired: it was made ${nowSeconds() - made} s ago, more than the ${ttl} s allowed.`;
    } catch {
      // not just too old: fall through
    }
  }
  return 'Invalid token: it was not made with this key, or it has been changed since. '
    + '(Fernet does not say which, on purpose.)';
}

function onKeyInput() {
  const key = $('key').value.trim();
  if (key === '') return say('key-message', '');
  try {
    new Fernet(key);
    say('key-message', 'Valid Fernet key.');
  } catch {
    say('key-message', KEY_HELP, 'error');
  }
  updateAnatomy();
}

function onEncrypt() {
  const fernet = fernetFor('key', 'encrypt-message');
  if (fernet === null) return;
  $('token-out').value = fernet.encrypt($('plaintext').value);
  say('encrypt-message', `Encrypted at ${describeTime(nowSeconds())}.`);
  updateAnatomy();
}

function onDecrypt() {
  $('decrypted').value = '';
  const fernet = fernetFor('key', 'decrypt-message');
  if (fernet === null) return;
  const token = $('token-in').value.trim();
  const ttl = ttlValue();
  if (token === '') return say('decrypt-message', 'Paste a token first.', 'error');
  if (ttl === undefined) return say('decrypt-message', 'The TTL must be a whole number of seconds.', 'error');
  try {
    const bytes = fernet.decrypt(token, ttl);
    try {
      $('decrypted').value = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      say('decrypt-message', `Decrypted ${bytes.length} bytes; made ${describeTime(fernet.extractTimestamp(token))}.`);
    } catch {
      $('decrypted').value = hex(bytes);
      say('decrypt-message', `Decrypted ${bytes.length} bytes of binary data (shown as hex).`);
    }
  } catch (error) {
    if (!(error instanceof InvalidToken)) throw error;
    say('decrypt-message', explainInvalid(fernet, token, ttl), 'error');
  }
  updateAnatomy();
}

function updateAnatomy() {
  const token = $('token-in').value.trim() || $('token-out').value.trim();
  const body = $('anatomy').tBodies[0];
  const checks = $('checks');
  body.replaceChildren();
  checks.replaceChildren();
  if (token === '') return;
  const parts = parseToken(token);
  const row = (name, value) => {
    const tr = body.insertRow();
    tr.insertCell().textContent = name;
    tr.insertCell().textContent = value;
  };
  const check = (passed, text) => {
    const li = document.createElement('li');
    li.dataset.passed = String(passed);
    li.textContent = `${passed === true ? '✔' : passed === false ? '✘' : '?'} ${text}`;
    checks.append(li);
  };
  if (parts.problem) {
    check(false, `Token format: ${parts.problem}`);
    return;
  }
  row('Version', `0x${parts.version.toString(16)}`);
  row('Timestamp', describeTime(parts.timestamp));
  row('IV', hex(parts.iv));
  row('Ciphertext', `${parts.ciphertextLength} bytes`);
  row('HMAC-SHA256', hex(parts.hmac));
  check(true, 'Canonical url-safe base64');
  check(parts.version === 0x80, 'Version byte is 0x80');
  check(parts.blockAligned, 'Ciphertext is whole 16-byte blocks');
  let fernet = null;
  try {
    fernet = new Fernet($('key').value.trim());
  } catch {
    check(null, 'HMAC not verified: enter the key in step 1 to verify it');
    return;
  }
  try {
    fernet.extractTimestamp(token);
    check(true, 'HMAC verified with this key');
  } catch {
    check(false, 'HMAC does not verify with this key');
    return;
  }
  try {
    fernet.decrypt(token);
    check(true, 'Decrypts, and its padding is valid');
  } catch {
    check(false, 'Does not decrypt');
  }
}

// Files go through a module Worker, streamed; one job at a time.
let worker = null;
function inWorker(op, key, file, onProgress) {
  worker ??= new Worker('/file-worker.js', { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.progress !== undefined) onProgress(data.progress, data.phase);
      else if (data.ok) resolve(data.blob);
      else reject(data.error);
    };
    worker.onerror = () => reject({ kind: 'Error', message: 'the worker failed' });
    worker.postMessage({ op, key, file });
  });
}

let downloadUrl = null;
function offerDownload(blob, name) {
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(blob);
  const link = $('download');
  link.href = downloadUrl;
  link.download = name;
  link.textContent = `Download ${name} (${blob.size.toLocaleString('en')} bytes)`;
  link.hidden = false;
}

let selectedFile = null;
function selectFile(file) {
  selectedFile = file ?? null;
  $('download').hidden = true;
  if (selectedFile) say('file-message', `Selected ${file.name} (${file.size.toLocaleString('en')} bytes).`);
}

async function onFile(op) {
  const key = $('key').value.trim();
  if (fernetFor('key', 'file-message') === null) return;
  if (selectedFile === null) return say('file-message', 'Choose a file first.', 'error');
  const file = selectedFile;
  const progress = $('file-progress');
  const buttons = [$('encrypt-file'), $('decrypt-file')];
  buttons.forEach((b) => { b.disabled = true; });
  progress.hidden = false;
  progress.value = 0;
  try {
    const blob = await inWorker(op, key, file, (fraction, phase) => {
      progress.value = fraction;
      say('file-message', `${phase} ${file.name}: ${Math.round(fraction * 100)}%`);
    });
    const name = op === 'encrypt' ? `${file.name}.fernet`
      : file.name.endsWith('.fernet') ? file.name.slice(0, -'.fernet'.length) : `${file.name}.decrypted`;
    offerDownload(blob, name);
    say('file-message', op === 'encrypt' ? `Encrypted ${file.name} into a token file.` : `Decrypted ${file.name}.`);
  } catch (error) {
    progress.value = 0;
    say('file-message', error.kind === 'InvalidToken'
      ? 'Invalid token file: it was not made with this key, or it has been changed since.'
      : `Could not ${op} the file: ${error.message}`, 'error');
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function onRotation(action) {
  const fresh = fernetFor('key', 'rotate-message');
  if (fresh === null) return;
  const old = fernetFor('old-key', 'rotate-message');
  if (old === null) return;
  const multi = new MultiFernet([fresh, old]);
  const token = $('old-token').value.trim();
  try {
    if (action === 'make') {
      $('old-token').value = old.encryptAtTime($('plaintext').value, nowSeconds() - 86400);
      say('rotate-message', 'Made a token under the old key, dated one day ago.');
    } else if (action === 'decrypt') {
      say('rotate-message', `MultiFernet decrypted it: "${multi.decryptToString(token)}"`);
    } else {
      const rotated = multi.rotate(token);
      $('rotated').value = rotated;
      const before = multi.extractTimestamp(token);
      const after = fresh.extractTimestamp(rotated);
      say('rotate-message', `Rotated to the new key. Timestamp before: ${describeTime(before)}; after: `
        + `${describeTime(after)}${before === after ? ' (kept)' : ''}.`);
    }
  } catch (error) {
    if (!(error instanceof InvalidToken)) throw error;
    say('rotate-message', 'Invalid token: neither key made it, or it has been changed since.', 'error');
  }
}

async function main() {
  const started = performance.now();
  await ready();
  say('status', `Ready: WebAssembly core loaded and self-tested in ${Math.round(performance.now() - started)} ms.`);
  $('generate').addEventListener('click', () => { $('key').value = Fernet.generateKey(); onKeyInput(); });
  $('key').addEventListener('input', onKeyInput);
  $('encrypt').addEventListener('click', onEncrypt);
  $('decrypt').addEventListener('click', onDecrypt);
  $('token-in').addEventListener('input', updateAnatomy);
  $('file').addEventListener('change', (event) => selectFile(event.target.files[0]));
  const drop = $('drop');
  drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.dataset.over = 'true'; });
  drop.addEventListener('dragleave', () => { delete drop.dataset.over; });
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    delete drop.dataset.over;
    selectFile(event.dataTransfer.files[0]);
  });
  $('encrypt-file').addEventListener('click', () => onFile('encrypt'));
  $('decrypt-file').addEventListener('click', () => onFile('decrypt'));
  $('generate-old').addEventListener('click', () => { $('old-key').value = Fernet.generateKey(); });
  $('make-old').addEventListener('click', () => onRotation('make'));
  $('multi-decrypt').addEventListener('click', () => onRotation('decrypt'));
  $('rotate').addEventListener('click', () => onRotation('rotate'));
  document.body.dataset.ready = 'true';
}

main().catch((error) => say('status', `Could not start: ${error.message}`, 'error'));
