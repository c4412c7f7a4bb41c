// Splits a Fernet token into its fields for display. Nothing here verifies
// anything: the page asks the library (with the key) for that.
const HEADER = 1 + 8 + 16;
const HMAC = 32;

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

// { problem } when the token cannot even be split into fields, else its parts.
export function parseToken(text) {
  const raw = base64urlToBytes(text);
  if (raw === null) return { problem: 'not canonical url-safe base64' };
  if (raw.length < HEADER + 16 + HMAC) return { problem: `too short (${raw.length} bytes)` };
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
