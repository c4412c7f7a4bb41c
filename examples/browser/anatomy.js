// Splits a Fernet token into its fields for display, and says what is wrong
// with pasted text that is not a token. Nothing here verifies anything: the
// page asks the library (with the key) for that.
const HEADER = 1 + 8 + 16;
const HMAC = 32;
// The shortest token: header, one AES block, HMAC; as base64 text.
export const MIN_TOKEN_BYTES = HEADER + 16 + HMAC;
export const MIN_TOKEN_CHARS = Math.ceil(MIN_TOKEN_BYTES / 3) * 4;

function base64urlToBytes(text) {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return bytesToBase64url(bytes) === text ? bytes : null; // canonical spelling only
}

function bytesToBase64url(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_');
}

export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

const BYTES_LITERAL = /^b(['"])[\s\S]*\1$/;

// What people paste from Python, made into what the library reads, the way
// Python's own decoder treats it: Python's base64 decoding skips every
// character outside the alphabet, so whitespace anywhere (line breaks from
// wrapping, a trailing newline) and the quotes of a string literal are
// harmless and are dropped here too. Python's bytes literal b'…' is not: the
// "b" is a base64 letter, so Python rejects it, and so does the page, saying
// why. Returns { value, note } or { problem }.
export function cleanPasted(text, what) {
  let value = text.trim();
  if (BYTES_LITERAL.test(value)) {
    return {
      problem: `This is a Python bytes literal (b'…'), the way the Python prompt prints the ${what}. `
        + `Python itself does not accept it in that form (the "b" counts as part of the ${what}): copy only `
        + `the text between the quotes, or print ${what}.decode() in Python.`,
    };
  }
  const ignored = [];
  const quoted = /^(['"])([\s\S]*)\1$/.exec(value);
  if (quoted) {
    value = quoted[2];
    ignored.push('quotes');
  }
  if (/\s/.test(value)) {
    value = value.replace(/\s+/g, '');
    ignored.push('line breaks and spaces');
  }
  return { value, note: ignored.length ? `Ignored the ${ignored.join(' and ')} around or in the ${what}, as Python does.` : '' };
}

// Why text (already cleaned) cannot be a Fernet token at all, or null if it
// has a token's shape (it may still fail with a given key).
export function notATokenReason(text) {
  if (text === '') return 'it is empty';
  if (/[+/]/.test(text) && /^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
    return 'it uses the standard base64 alphabet (+ and /); Fernet tokens are url-safe base64 (- and _)';
  }
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return 'it contains characters that are not url-safe base64';
  if (text.length % 4 !== 0) return 'its length is not a multiple of 4 (is its = padding missing?)';
  const parts = parseToken(text);
  if (parts.problem) return parts.problem;
  if (parts.version !== 0x80) return `its version byte is 0x${parts.version.toString(16).padStart(2, '0')}, not 0x80`;
  if (!parts.blockAligned) return 'its ciphertext is not whole 16-byte blocks';
  return null;
}

// Same check on the first characters of a token file: { reason } or null.
export function notATokenStart(head, totalChars) {
  if (totalChars === 0) return 'the file is empty';
  if (/^b['"]/.test(head)) return 'the file holds a Python bytes literal (b\'…\'); save token.decode() instead';
  if (!/^[A-Za-z0-9_-]{4}/.test(head)) return 'it does not start with url-safe base64 text';
  const first = atob(head.slice(0, 4).replace(/-/g, '+').replace(/_/g, '/')).charCodeAt(0);
  if (first !== 0x80) return `its version byte is 0x${first.toString(16).padStart(2, '0')}, not 0x80`;
  if (totalChars < MIN_TOKEN_CHARS) return `it is too short (${totalChars} characters)`;
  return null;
}

// { problem } when the token cannot even be split into fields, else its parts.
export function parseToken(text) {
  const raw = base64urlToBytes(text);
  if (raw === null) return { problem: 'not canonical url-safe base64' };
  if (raw.length < MIN_TOKEN_BYTES) return { problem: `too short (${raw.length} bytes)` };
  const view = new DataView(raw.buffer);
  const ciphertextLength = raw.length - HEADER - HMAC;
  return {
    version: raw[0],
    timestamp: view.getBigUint64(1),
    iv: raw.subarray(9, HEADER),
    ciphertextLength,
    blockAligned: ciphertextLength % 16 === 0,
    hmac: raw.subarray(raw.length - HMAC),
    totalBytes: raw.length,
  };
}

export function describeTime(seconds) {
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms) || ms > 8.64e15) return `${seconds} (beyond the JavaScript date range)`;
  return `${new Date(ms).toISOString().replace('.000Z', 'Z')} (${seconds})`;
}
