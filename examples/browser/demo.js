// The demo page: every button is one or two calls of the public API; the rest
// is telling people, clearly and once, what happened.
import { ready, Fernet, MultiFernet, InvalidToken } from '/fernet.mjs';
import { hex, describeTime, cleanPasted } from '/anatomy.js';
import { parseToken, notATokenReason } from '/token-layout.mjs';

const $ = (id) => document.getElementById(id);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const KEY_HELP = 'That is not a Fernet key: a key is 44 characters of url-safe base64 (32 bytes), '
  + "like the output of Python's Fernet.generate_key().";
const INVALID = 'Invalid token: it was not made with this key, or it has been changed since. '
  + '(Fernet does not say which, on purpose.)';
// Without File System Access the output is held in memory until downloaded.
const IN_MEMORY_LIMIT = 200 * 1000 * 1000;
const canSaveToDisk = typeof window.showSaveFilePicker === 'function';

// Each message area holds a polite status region and an alert region, both
// present from the start so screen readers track them. Alerts are only for
// errors a person must act on; everything else is announced politely.
function say(id, text, kind = 'ok') {
  const element = $(id);
  const alert = kind === 'error';
  element.querySelector('[role="status"]').textContent = alert ? '' : text;
  element.querySelector('[role="alert"]').textContent = alert ? text : '';
  element.dataset.kind = text === '' ? '' : kind;
}
const clear = (id) => say(id, '');

// The Fernet for a key field, or null after explaining what is wrong.
function fernetFor(inputId, messageId) {
  const text = $(inputId).value;
  if (text.trim() === '') {
    say(messageId, 'Enter a key, or generate one, first.', 'error');
    return null;
  }
  const { value, problem } = cleanPasted(text, 'key');
  if (problem) {
    say(messageId, problem, 'error');
    return null;
  }
  try {
    return new Fernet(value);
  } catch {
    say(messageId, KEY_HELP, 'error');
    return null;
  }
}

// The key in step 1 as a Fernet, or null, without saying anything.
function quietFernet() {
  const { value, problem } = cleanPasted($('key').value, 'key');
  if (problem || value === '') return null;
  try {
    return new Fernet(value);
  } catch {
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
  return INVALID;
}

// A token field's text as the library reads it, or null after saying why it
// is not a token at all (as opposed to a token this key does not open).
function tokenFrom(inputId, messageId) {
  const text = $(inputId).value;
  if (text.trim() === '') {
    say(messageId, 'Paste a token first.', 'error');
    return null;
  }
  const { value, note, problem } = cleanPasted(text, 'token');
  if (problem) {
    say(messageId, problem, 'error');
    return null;
  }
  const reason = notATokenReason(value);
  if (reason !== null) {
    say(messageId, `Not a Fernet token: ${reason}.`, 'error');
    return null;
  }
  return { token: value, note };
}

const asText = (bytes) => {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), binary: false };
  } catch {
    return { text: hex(bytes), binary: true };
  }
};

// Typing a key by hand must not announce a complaint per keystroke: a
// half-typed key is silent, a valid one is announced once, and a diagnosis
// (a bytes literal, a wrong length) is polite, not an alert.
function onKeyInput() {
  clearKeyDependents();
  updateAnatomy();
  const text = $('key').value;
  const { value, note, problem } = cleanPasted(text, 'key');
  if (text.trim() === '') return clear('key-message');
  if (problem) return say('key-message', problem, 'note');
  try {
    new Fernet(value);
    say('key-message', `Valid Fernet key.${note ? ` ${note}` : ''}`);
  } catch {
    if (/^[A-Za-z0-9_-]{0,43}$/.test(value)) clear('key-message'); // still being typed
    else say('key-message', KEY_HELP, 'note');
  }
}

function onKeyChange() {
  // Leaving the field with a half-typed key: now say what is wrong.
  const { value, problem } = cleanPasted($('key').value, 'key');
  if (problem || value === '') return;
  try {
    new Fernet(value);
  } catch {
    say('key-message', KEY_HELP, 'note');
  }
}

// Results computed with an old key or old input are removed as soon as the
// input changes, so nothing stale sits beside a new message.
function clearEncryptResult() {
  $('token-out').value = '';
  clear('encrypt-message');
}
function clearDecryptResult() {
  $('decrypted').value = '';
  clear('decrypt-message');
}
function clearRotationResult() {
  $('multi-out').value = '';
  $('rotated').value = '';
  clear('rotate-message');
}
function clearKeyDependents() {
  clearEncryptResult();
  clearDecryptResult();
  clearRotationResult();
  // A result waiting for download was made with the old key: it goes. (A
  // file already saved, or a file merely selected, stays as said.)
  if (!job && download !== null) {
    releaseDownload();
    clear('file-message');
  }
}

function onEncrypt() {
  clearEncryptResult();
  const fernet = fernetFor('key', 'encrypt-message');
  if (fernet !== null) {
    $('token-out').value = fernet.encrypt($('plaintext').value);
    say('encrypt-message', `Encrypted at ${describeTime(nowSeconds())}.`);
  }
  updateAnatomy();
}

function onDecrypt() {
  clearDecryptResult();
  const fernet = fernetFor('key', 'decrypt-message');
  if (fernet === null) return;
  const pasted = tokenFrom('token-in', 'decrypt-message');
  if (pasted === null) return;
  const { token, note } = pasted;
  const ttl = ttlValue();
  if (ttl === undefined) return say('decrypt-message', 'The TTL must be a whole number of seconds.', 'error');
  try {
    const bytes = fernet.decrypt(token, ttl);
    const { text, binary } = asText(bytes);
    $('decrypted').value = text;
    const what = binary ? `${bytes.length} bytes of binary data (shown as hex)` : `${bytes.length} bytes`;
    say('decrypt-message', `Decrypted ${what}; made ${describeTime(fernet.extractTimestamp(token))}.${note ? ` ${note}` : ''}`);
  } catch (error) {
    if (!(error instanceof InvalidToken)) throw error;
    say('decrypt-message', explainInvalid(fernet, token, ttl), 'error');
  }
}

function updateAnatomy() {
  const body = $('anatomy').tBodies[0];
  const checks = $('checks');
  body.replaceChildren();
  checks.replaceChildren();
  const text = $('token-in').value.trim() ? $('token-in').value : $('token-out').value;
  if (text.trim() === '') return;
  // A value given as parts may break only between its parts (a timestamp
  // must never wrap in the middle of a number); others break anywhere.
  const row = (name, value) => {
    const tr = body.insertRow();
    tr.insertCell().textContent = name;
    const cell = tr.insertCell();
    if (typeof value === 'string') {
      cell.textContent = value;
      return;
    }
    cell.className = 'words';
    value.forEach((part, i) => {
      if (i > 0) cell.append(document.createElement('wbr'));
      cell.append(Object.assign(document.createElement('span'), { className: 'nowrap', textContent: part }));
    });
  };
  const check = (passed, message) => {
    const li = document.createElement('li');
    li.dataset.passed = String(passed);
    li.textContent = `${passed === true ? '✔' : passed === false ? '✘' : '?'} ${message}`;
    checks.append(li);
  };
  const { value: token, problem } = cleanPasted(text, 'token');
  if (problem) return check(false, `Token format: ${problem}`);
  const parts = parseToken(token);
  if (parts.problem) return check(false, `Token format: ${notATokenReason(token) ?? parts.problem}`);
  row('Version', `0x${parts.version.toString(16)}`);
  // "2023-11-14T22:13:20Z (1700000000)": may break after the date and before
  // the seconds.
  row('Timestamp', describeTime(parts.timestamp).split(/(?=T\d)|(?<= )/));
  row('IV', hex(parts.iv));
  row('Ciphertext', `${parts.ciphertextLength} bytes`);
  row('HMAC-SHA256', hex(parts.hmac));
  check(true, 'Canonical url-safe base64');
  check(parts.version === 0x80, 'Version byte is 0x80');
  check(parts.blockAligned && parts.ciphertextLength > 0, 'Ciphertext is one or more whole 16-byte blocks');
  const fernet = quietFernet();
  if (fernet === null) return check(null, 'HMAC not verified: enter the key in step 1 to verify it');
  try {
    fernet.extractTimestamp(token);
    check(true, 'HMAC verified with this key');
  } catch {
    return check(false, 'HMAC does not verify with this key');
  }
  try {
    fernet.decrypt(token);
    check(true, 'Decrypts, and its padding is valid');
  } catch {
    check(false, 'Does not decrypt');
  }
}

// ---- Keys from passwords --------------------------------------------------
// Fernet.deriveKey runs in a Web Worker, one per derivation (ended when it
// ends, or to cancel it): PBKDF2 at 1,200,000 iterations would otherwise
// freeze the page for a noticeable time.
let derivation = null;
const KDF_NAMES = { pbkdf2: 'PBKDF2-HMAC-SHA256', scrypt: 'scrypt' };

function bytesToBase64url(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_');
}

// The salt field as bytes, or { problem }. Python prints a salt as
// base64.urlsafe_b64encode(salt).decode(): url-safe base64 with = padding.
// Read as Python's urlsafe_b64decode reads it (which also takes + and /),
// except that missing padding is forgiven and characters outside base64 are
// refused (Python would skip them, and so derive from other bytes).
function saltFrom(text) {
  let value = text.trim();
  if (value === '') return { problem: 'Enter a salt (from Python, or make one with "New salt") first.' };
  if (/^b(['"])[\s\S]*\1$/.test(value)) {
    return { problem: "The salt is a Python bytes literal (b'…'): copy only the text between the quotes, or print "
      + 'base64.urlsafe_b64encode(salt).decode() in Python.' };
  }
  const quoted = /^(['"])([\s\S]*)\1$/.exec(value);
  if (quoted) value = quoted[2];
  value = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9_+/-]*={0,2}$/.test(value) || value.replace(/=+$/, '') === '') {
    return { problem: 'The salt must be url-safe base64 (letters, digits, - and _, maybe = at the end), as Python\'s '
      + 'base64.urlsafe_b64encode(salt) prints it. If you have the raw salt bytes, encode them that way first.' };
  }
  const data = value.replace(/=+$/, '');
  if (data.length % 4 === 1) {
    return { problem: `The salt is not whole base64: ${data.length} characters cannot encode whole bytes `
      + '(is a character missing, or one too many?).' };
  }
  if (value.length !== data.length && value.length % 4 !== 0) {
    return { problem: 'The salt\'s = padding does not fit its length (is a character missing, or one too many?).' };
  }
  const binary = atob(data.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(data.length / 4) * 4, '='));
  return { bytes: Uint8Array.from(binary, (c) => c.charCodeAt(0)) };
}

// The recipe's options from the form, or { problem }. The library checks the
// rest (n a power of 2, the scrypt memory cap, …) and says what is wrong.
function kdfOptions() {
  const kdf = $('kdf').value;
  const whole = (id, name) => {
    const text = $(id).value.trim();
    const value = Number(text);
    if (text === '' || !Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a whole number, at least 1`);
    }
    return value;
  };
  try {
    return kdf === 'pbkdf2'
      ? { kdf, iterations: whole('iterations', 'Iterations') }
      : { kdf, n: whole('scrypt-n', 'n'), r: whole('scrypt-r', 'r'), p: whole('scrypt-p', 'p') };
  } catch (error) {
    return { problem: `${error.message}.` };
  }
}

const describeOptions = (o) => (o.kdf === 'pbkdf2'
  ? `${KDF_NAMES.pbkdf2}, ${o.iterations.toLocaleString('en')} iterations`
  : `scrypt, n = ${o.n.toLocaleString('en')}, r = ${o.r}, p = ${o.p}`);
const describeDuration = (ms) => (ms < 1000 ? `${Math.max(1, Math.round(ms))} ms` : `${(ms / 1000).toFixed(2)} s`);

function setDeriving(busy) {
  $('derive').setAttribute('aria-disabled', String(busy));
  $('cancel-derive').disabled = false;
  $('cancel-derive').setAttribute('aria-disabled', String(!busy));
}

function cancelDerivation(message) {
  if (!derivation) return;
  const current = derivation;
  derivation = null;
  current.finish({ cancelled: true, message });
}

// The password, salt or recipe changed: a derivation from the old ones is
// cancelled, and a message about them goes.
function onPasswordInput() {
  if (derivation) cancelDerivation('Cancelled: the password, salt or recipe changed. Derive again when ready.');
  else clear('password-message');
}

function onKdfChange() {
  const scrypt = $('kdf').value === 'scrypt';
  $('pbkdf2-options').hidden = scrypt;
  $('scrypt-options').hidden = !scrypt;
  onPasswordInput();
}

function onNewSalt() {
  $('salt').value = bytesToBase64url(crypto.getRandomValues(new Uint8Array(16)));
  onPasswordInput();
  if (!derivation) say('password-message', 'Made a new salt: 16 random bytes. Keep it beside the data.');
}

async function onDerive() {
  const button = $('derive');
  if (derivation || button.getAttribute('aria-disabled') === 'true') return;
  await deriveKey(button);
  // Every handled click ends here, refused or not (the tests wait on it).
  const section = $('key-title').closest('section');
  section.dataset.derivationsEnded = String(Number(section.dataset.derivationsEnded ?? 0) + 1);
}

async function deriveKey(button) {
  clear('password-message');
  const salt = saltFrom($('salt').value);
  if (salt.problem) return say('password-message', salt.problem, 'error');
  const options = kdfOptions();
  if (options.problem) return say('password-message', options.problem, 'error');
  const password = $('password').value;
  const current = {};
  derivation = current;
  setDeriving(true);
  say('password-message', `Deriving the key (${describeOptions(options)})…`, 'busy');
  const result = await new Promise((resolve) => {
    current.finish = resolve;
    const worker = new Worker('/kdf-worker.js', { type: 'module' });
    current.worker = worker;
    worker.onmessage = ({ data }) => resolve(data);
    worker.onerror = (event) => {
      event.preventDefault();
      resolve({ ok: false, error: { name: 'WorkerError', message: 'the key worker stopped (its script may not have loaded, e.g. when offline)' } });
    };
    worker.postMessage({ password, salt: salt.bytes, options });
  });
  current.worker.terminate();
  if (derivation === current) derivation = null;
  setDeriving(derivation !== null);
  if (document.activeElement === document.body || document.activeElement === null) button.focus();
  if (result.cancelled) {
    if (result.message) say('password-message', result.message);
    return;
  }
  if (!result.ok) {
    const { name, message } = result.error;
    const reason = message.replace(/^options\./, '');
    return say('password-message', name === 'WorkerError'
      ? `Could not derive a key: ${reason}. Try again.`
      : `Could not derive a key: ${reason}.`, 'error');
  }
  $('key').value = result.key;
  onKeyInput(); // results made with the previous key go
  clear('key-message'); // the message below says it, once
  say('password-message', `Derived in ${describeDuration(result.ms)} (${describeOptions(options)}, `
    + `${salt.bytes.length}-byte salt); the key is now in the Key field.`);
}

function onCancelDerive() {
  if ($('cancel-derive').getAttribute('aria-disabled') === 'true' || !derivation) return;
  cancelDerivation('Cancelled; the key field was not changed.');
}

// The key field changed by hand or by "Generate key": a derivation running
// would overwrite it, and "the key is now in the Key field" is no longer true.
function onKeyEdited() {
  if (derivation) cancelDerivation('Cancelled: the key field was changed meanwhile.');
  else clear('password-message');
  onKeyInput();
}

// ---- Files ---------------------------------------------------------------
// One Worker per job, ended when the job ends: a failed, crashed or
// cancelled job cannot leave a stuck worker behind for the next one.
let job = null;
let selectedFile = null;
let download = null; // { url } while a result waits in memory

const fileButtons = () => [$('encrypt-file'), $('decrypt-file')];
// aria-disabled rather than disabled: a disabled button loses focus (to
// <body>), and focus must stay on the control the person used.
function setBusy(busy) {
  fileButtons().forEach((b) => b.setAttribute('aria-disabled', String(busy)));
  $('cancel-file').disabled = false;
  $('cancel-file').setAttribute('aria-disabled', String(!busy));
  $('file-progress').hidden = !busy;
  if (!busy) $('file-progress-text').textContent = '';
}

function outputName(op, name) {
  if (op === 'encrypt') return `${name}.fernet`;
  return name.endsWith('.fernet') ? name.slice(0, -'.fernet'.length) : `${name}.decrypted`;
}

function releaseDownload() {
  if (download === null) return;
  URL.revokeObjectURL(download.url);
  download = null;
  const link = $('download');
  link.hidden = true;
  link.removeAttribute('href');
}

function offerDownload(blob, name) {
  releaseDownload();
  const url = URL.createObjectURL(blob);
  download = { url };
  const link = $('download');
  link.href = url;
  link.download = name;
  link.textContent = `Download ${name} (${blob.size.toLocaleString('en')} bytes)`;
  link.hidden = false;
}

function onDownloadClick() {
  if (download === null) return;
  const { url } = download;
  // The download has its own reference once it starts; the page's copy is
  // released right after, so a large result is not held twice.
  setTimeout(() => {
    if (download?.url !== url) return;
    releaseDownload();
    say('file-message', 'Downloaded; the page no longer holds a copy of the result.');
  }, 1000);
}

function selectFile(file) {
  const previous = job;
  if (previous) cancelJob(); // the message below says so
  releaseDownload();
  selectedFile = file ?? null;
  if (selectedFile) {
    const cancelled = previous ? `Cancelled the job on ${previous.file.name}. ` : '';
    say('file-message', `${cancelled}Selected ${file.name} (${file.size.toLocaleString('en')} bytes).`);
  } else if (!previous) {
    clear('file-message');
  }
}

function cancelJob(message) {
  if (!job) return;
  const current = job;
  job = null;
  current.finish({ cancelled: true, message });
}

function endWorker(worker) {
  // A cancelled job: ask the worker to abort its output file first (so the
  // browser discards the temporary file at once), then end it regardless.
  try {
    worker.postMessage({ cancel: true });
  } catch {
    // already gone
  }
  setTimeout(() => worker.terminate(), 2000);
}

function runInWorker(current, message) {
  return new Promise((resolve) => {
    const worker = new Worker('/file-worker.js', { type: 'module' });
    current.worker = worker;
    current.finish = resolve;
    worker.onmessage = ({ data }) => {
      if (data.progress === undefined) return resolve(data);
      $('file-progress').value = data.progress;
      // Progress is shown, not announced: only the start and the end are.
      $('file-progress-text').textContent = `${data.phase} ${current.file.name}: ${Math.round(data.progress * 100)}%`;
    };
    // The script or one of its imports did not load, or it crashed.
    worker.onerror = (event) => {
      event.preventDefault();
      resolve({ ok: false, error: { kind: 'WorkerError', message: 'the file worker stopped (its script may not have loaded, e.g. when offline)' } });
    };
    worker.onmessageerror = () => resolve({ ok: false, error: { kind: 'WorkerError', message: 'the file worker sent an unreadable reply' } });
    worker.postMessage(message);
  });
}

async function onFile(op) {
  const button = op === 'encrypt' ? $('encrypt-file') : $('decrypt-file');
  if (job || button.getAttribute('aria-disabled') === 'true') return;
  releaseDownload();
  const fernet = fernetFor('key', 'file-message');
  if (fernet === null) return;
  const file = selectedFile;
  if (file === null) return say('file-message', 'Choose a file first.', 'error');
  const name = outputName(op, file.name);
  const { value: key } = cleanPasted($('key').value, 'key');
  let handle = null;
  if (canSaveToDisk) {
    try {
      handle = await window.showSaveFilePicker({ suggestedName: name });
    } catch (error) {
      if (error.name === 'AbortError') return say('file-message', 'Nothing saved: no output file was chosen.');
      return say('file-message', `Could not open a file to save to: ${error.message}`, 'error');
    }
    if (selectedFile !== file || job) return; // the choice changed meanwhile
  } else if (file.size > IN_MEMORY_LIMIT) {
    return say('file-message', `${file.name} is ${file.size.toLocaleString('en')} bytes: without a way to save `
      + `straight to disk, this browser must hold the result in memory, so the limit here is `
      + `${IN_MEMORY_LIMIT.toLocaleString('en')} bytes. Use a Chromium-based browser, or the fernet command line.`, 'error');
  }
  const current = { op, file, button };
  job = current;
  setBusy(true);
  $('file-progress').value = 0;
  say('file-message', `${op === 'encrypt' ? 'Encrypting' : 'Decrypting'} ${file.name}…`, 'busy');
  const result = await runInWorker(current, { op, key, file, handle });
  if (result.cancelled) endWorker(current.worker);
  else current.worker.terminate();
  if (job === current) job = null;
  setBusy(job !== null);
  const section = $('files-title').closest('section');
  section.dataset.jobsEnded = String(Number(section.dataset.jobsEnded ?? 0) + 1);
  if (document.activeElement === document.body || document.activeElement === null) button.focus();
  if (result.cancelled) {
    if (result.message) say('file-message', result.message);
    return;
  }
  if (result.ok) {
    if (result.blob) offerDownload(result.blob, name);
    const where = handle ? `saved as ${handle.name}` : 'ready to download below';
    say('file-message', `${op === 'encrypt' ? 'Encrypted' : 'Decrypted'} ${file.name}: `
      + `${result.size.toLocaleString('en')} bytes, ${where}.`);
    return;
  }
  const { kind, message } = result.error;
  const nothing = handle ? ` Nothing was written to ${handle.name}.` : '';
  say('file-message', kind === 'InvalidToken'
    ? `Invalid token file: it was not made with this key, or it has been changed since.${nothing}`
    : kind === 'NotAToken'
      ? `Not a Fernet token file: ${message}.${nothing}`
      : `Could not ${op} the file: ${message}.${nothing} Try again.`, 'error');
}

function onCancel() {
  if ($('cancel-file').getAttribute('aria-disabled') === 'true' || !job) return;
  const { file, op } = job;
  cancelJob(`Cancelled ${op === 'encrypt' ? 'encrypting' : 'decrypting'} ${file.name}; nothing was saved.`);
}

// ---- Rotation ------------------------------------------------------------
function onRotation(action) {
  clearRotationResult();
  const fresh = fernetFor('key', 'rotate-message');
  if (fresh === null) return;
  const old = fernetFor('old-key', 'rotate-message');
  if (old === null) return;
  if (action === 'make') {
    $('old-token').value = old.encryptAtTime($('plaintext').value, nowSeconds() - 86400);
    return say('rotate-message', 'Made a token under the old key, dated one day ago.');
  }
  const pasted = tokenFrom('old-token', 'rotate-message');
  if (pasted === null) return;
  const { token } = pasted;
  const multi = new MultiFernet([fresh, old]);
  try {
    if (action === 'decrypt') {
      const bytes = multi.decrypt(token);
      const { text, binary } = asText(bytes);
      $('multi-out').value = text;
      say('rotate-message', binary
        ? `MultiFernet decrypted ${bytes.length} bytes of binary data (shown as hex).`
        : `MultiFernet decrypted it: "${text}"`);
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
  $('file-output-mode').textContent = canSaveToDisk
    ? 'Where the result goes: straight to a file you choose, so files of any size work without filling memory.'
    : 'Where the result goes: this browser cannot write straight to disk, so the result is held in memory '
      + `for a download link; files up to ${IN_MEMORY_LIMIT.toLocaleString('en')} bytes.`;
  $('generate').addEventListener('click', () => { $('key').value = Fernet.generateKey(); onKeyEdited(); });
  $('key').addEventListener('input', onKeyEdited);
  for (const id of ['password', 'salt', 'iterations', 'scrypt-n', 'scrypt-r', 'scrypt-p']) {
    $(id).addEventListener('input', onPasswordInput);
  }
  $('kdf').addEventListener('change', onKdfChange);
  $('new-salt').addEventListener('click', onNewSalt);
  $('derive').addEventListener('click', onDerive);
  $('cancel-derive').addEventListener('click', onCancelDerive);
  $('key').addEventListener('change', onKeyChange);
  $('plaintext').addEventListener('input', () => { clearEncryptResult(); updateAnatomy(); });
  $('encrypt').addEventListener('click', onEncrypt);
  $('decrypt').addEventListener('click', onDecrypt);
  $('token-in').addEventListener('input', () => { clearDecryptResult(); updateAnatomy(); });
  $('ttl').addEventListener('input', clearDecryptResult);
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
  $('cancel-file').addEventListener('click', onCancel);
  $('download').addEventListener('click', onDownloadClick);
  $('generate-old').addEventListener('click', () => { $('old-key').value = Fernet.generateKey(); clearRotationResult(); });
  $('old-key').addEventListener('input', clearRotationResult);
  $('old-token').addEventListener('input', clearRotationResult);
  $('make-old').addEventListener('click', () => onRotation('make'));
  $('multi-decrypt').addEventListener('click', () => onRotation('decrypt'));
  $('rotate').addEventListener('click', () => onRotation('rotate'));
  for (const button of document.querySelectorAll('button')) button.disabled = false;
  setBusy(false);
  setDeriving(false);
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  say('status', `The demo could not start (${error.message}), so its buttons are disabled. Reload the page.`, 'error');
  document.body.dataset.loadFailed = 'true';
});
