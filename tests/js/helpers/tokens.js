// Tokens built or damaged outside the wasm, with Node's crypto: for tokens
// the module cannot make itself (too large for a small memory, or validly
// signed but badly padded or versioned), and the one way each of changing a
// token's text and its decoded bytes that the suites share.
const crypto = require('node:crypto');
const { T0 } = require('./fixtures');

// Canonical padded base64url, as every Fernet implementation writes it.
function toText(raw) {
  const text = Buffer.from(raw).toString('base64url');
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

// `plaintext` is PKCS7-padded unless pad is false (then it must be whole
// blocks, and its last block is taken as is).
function forgeToken(rawKey, plaintext, { pad = true, version = 0x80, time = T0 } = {}) {
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-128-cbc', rawKey.subarray(16), iv).setAutoPadding(pad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(time));
  const signed = Buffer.concat([Buffer.from([version]), timestamp, iv, ciphertext]);
  const mac = crypto.createHmac('sha256', rawKey.subarray(0, 16)).update(signed).digest();
  return toText(Buffer.concat([signed, mac]));
}

/**
 * `token` with one character (string) or byte (bytes) changed at `at`
 * (negative counts from the end): 'A' <-> 'B', which stays in the base64url
 * alphabet, so only the decoded bytes differ. Bytes come back as a copy of
 * the same kind (Buffer or Uint8Array).
 */
function tamper(token, at) {
  const i = at < 0 ? token.length + at : at;
  if (typeof token === 'string') return `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
  const copy = Buffer.isBuffer(token) ? Buffer.from(token) : new Uint8Array(token);
  copy[i] = copy[i] === 0x41 ? 0x42 : 0x41;
  return copy;
}

/** `token` (text) with bits `mask` of its decoded byte `at` flipped, re-encoded canonically. */
function flipBits(token, at = -1, mask = 1) {
  const raw = Buffer.from(token, 'base64url');
  raw[at < 0 ? raw.length + at : at] ^= mask;
  return toText(raw);
}

module.exports = { toText, forgeToken, tamper, flipBits };
