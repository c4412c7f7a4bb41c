// Reading a Fernet token's layout for display: the version byte, timestamp,
// IV, ciphertext length and HMAC, and why text is not a well-formed token.
// Shared by the CLI's `inspect` (bin/fernet.mjs) and the browser demo's
// anatomy view and file worker (examples/browser/), through dist/token-layout.mjs.
// Pure functions over strings and bytes: no wasm, no Node built-ins, no
// browser-only globals. Nothing here verifies or decides anything about a
// token's authenticity; the library (with the key) does that, in the C++
// core (cpp/fernet_internal.h holds the format's rules).
//
// Layout: version (1) | timestamp (8, big-endian) | IV (16) | ciphertext | HMAC-SHA256 (32)

export const VERSION = 0x80;
export const TIMESTAMP_OFFSET = 1;
export const IV_OFFSET = 9;
export const HEADER_BYTES = 25;
export const HMAC_BYTES = 32;
export const BLOCK_BYTES = 16;
/** Header and HMAC with no ciphertext: every field exists (extract_timestamp reads such a token). */
export const MIN_LAYOUT_BYTES = HEADER_BYTES + HMAC_BYTES;
/** The shortest token that can decrypt: header, one AES block, HMAC. */
export const MIN_TOKEN_BYTES = MIN_LAYOUT_BYTES + BLOCK_BYTES;
export const MIN_TOKEN_CHARS = Math.ceil(MIN_TOKEN_BYTES / 3) * 4;
/** Characters of a token's start that hold its whole header, and of its end that hold its HMAC. */
export const HEAD_CHARS = Math.ceil(HEADER_BYTES / 3) * 4;
// (48 characters are 36 bytes: the HMAC's 32 even after two '=' of padding.)
export const TAIL_CHARS = 48;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Whether text is url-safe base64 characters with at most two '=' at the end, in groups of four. */
export const isBase64urlShaped = (text) => text.length % 4 === 0 && URL_SAFE.test(text);

// Url-safe base64 to bytes, reading the characters before any '='. With
// `canonical`, null unless the text is the one spelling of its bytes (whole
// groups of four, the right padding, unused bits zero), as the core decodes.
function decode(text, canonical) {
  if (!URL_SAFE.test(text)) return null;
  const data = text.replace(/=+$/, '');
  if (canonical && (text.length % 4 !== 0 || text.length - data.length !== (4 - (data.length % 4)) % 4)) return null;
  if (data.length % 4 === 1) return null;
  const bytes = new Uint8Array(Math.floor((data.length * 3) / 4));
  let bits = 0;
  let count = 0;
  let out = 0;
  for (let i = 0; i < data.length; i++) {
    bits = (bits << 6) | VALUES[data.charCodeAt(i)];
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes[out++] = (bits >> count) & 0xff;
    }
  }
  if (canonical && (bits & ((1 << count) - 1)) !== 0) return null;
  return bytes;
}

function fields(header, hmac, totalBytes) {
  let timestamp = 0n;
  for (let i = TIMESTAMP_OFFSET; i < IV_OFFSET; i++) timestamp = (timestamp << 8n) | BigInt(header[i]);
  const ciphertextLength = totalBytes - MIN_LAYOUT_BYTES;
  return {
    version: header[0],
    timestamp,
    iv: header.subarray(IV_OFFSET, HEADER_BYTES),
    ciphertextLength,
    blockAligned: ciphertextLength % BLOCK_BYTES === 0,
    hmac,
    totalBytes,
  };
}

/**
 * A whole token's bytes split into fields: { version, timestamp (bigint), iv,
 * ciphertextLength, blockAligned, hmac, totalBytes }, or { problem } when
 * they cannot be (shorter than header + HMAC).
 */
export function parseTokenBytes(raw) {
  if (raw.length < MIN_LAYOUT_BYTES) return { problem: `too short (${raw.length} bytes)` };
  return fields(raw.subarray(0, HEADER_BYTES), raw.subarray(raw.length - HMAC_BYTES), raw.length);
}

/** A whole token's text (canonical url-safe base64) split into fields, or { problem }. */
export function parseToken(text) {
  const raw = decode(text, true);
  if (raw === null) return { problem: 'not canonical url-safe base64' };
  return parseTokenBytes(raw);
}

/**
 * The fields of a token known only by its length in characters and its two
 * ends (at least HEAD_CHARS and TAIL_CHARS of them; a token too large to
 * read whole), or { problem } when they cannot be read from them.
 */
export function parseTokenEnds(size, head, tail) {
  if (size < Math.ceil(MIN_LAYOUT_BYTES / 3) * 4) return { problem: `too short (${size} characters)` };
  if (size % 4 !== 0 || !isBase64urlShaped(head) || !isBase64urlShaped(tail)) {
    return { problem: 'not url-safe base64 in groups of four characters' };
  }
  const header = decode(head, false);
  const end = decode(tail, false);
  const padding = tail.endsWith('==') ? 2 : tail.endsWith('=') ? 1 : 0;
  if (header.length < HEADER_BYTES || end.length < HMAC_BYTES) return { problem: 'its ends are too short to read' };
  return fields(header, end.subarray(end.length - HMAC_BYTES), (size / 4) * 3 - padding);
}

/**
 * Why text (whitespace and quotes already removed) cannot be a Fernet token
 * that decrypts, or null if it has a token's shape (it may still fail with a
 * given key).
 */
export function notATokenReason(text) {
  if (text === '') return 'it is empty';
  if (/[+/]/.test(text) && /^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
    return 'it uses the standard base64 alphabet (+ and /); Fernet tokens are url-safe base64 (- and _)';
  }
  if (!URL_SAFE.test(text)) return 'it contains characters that are not url-safe base64';
  if (text.length % 4 !== 0) return 'its length is not a multiple of 4 (is its = padding missing?)';
  const parts = parseToken(text);
  if (parts.problem) return parts.problem;
  if (parts.totalBytes < MIN_TOKEN_BYTES) return `too short (${parts.totalBytes} bytes)`;
  if (parts.version !== VERSION) return `its version byte is 0x${parts.version.toString(16).padStart(2, '0')}, not 0x80`;
  if (!parts.blockAligned) return 'its ciphertext is not whole 16-byte blocks';
  return null;
}

/**
 * The same question for a token file known by its first characters (at
 * least 4, ignorable bytes removed) and its length in characters: the
 * reason, or null.
 */
export function notATokenStart(head, totalChars) {
  if (totalChars === 0) return 'the file is empty';
  if (/^b['"]/.test(head)) return 'the file holds a Python bytes literal (b\'…\'); save token.decode() instead';
  if (!/^[A-Za-z0-9_-]{4}/.test(head)) return 'it does not start with url-safe base64 text';
  const first = decode(head.slice(0, 4), false)[0];
  if (first !== VERSION) return `its version byte is 0x${first.toString(16).padStart(2, '0')}, not 0x80`;
  if (totalChars < MIN_TOKEN_CHARS) return `it is too short (${totalChars} characters)`;
  return null;
}
