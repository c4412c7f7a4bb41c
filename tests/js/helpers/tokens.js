// Tokens built outside the wasm, with Node's crypto: for tokens the module
// cannot make itself (too large for a small memory, or validly signed but
// badly padded or versioned).
const crypto = require('node:crypto');

// Canonical padded base64url, as every Fernet implementation writes it.
function toText(raw) {
  const text = Buffer.from(raw).toString('base64url');
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

// `plaintext` is PKCS7-padded unless pad is false (then it must be whole
// blocks, and its last block is taken as is).
function forgeToken(rawKey, plaintext, { pad = true, version = 0x80, time = 1_700_000_000 } = {}) {
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-128-cbc', rawKey.subarray(16), iv).setAutoPadding(pad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(time));
  const signed = Buffer.concat([Buffer.from([version]), timestamp, iv, ciphertext]);
  const mac = crypto.createHmac('sha256', rawKey.subarray(0, 16)).update(signed).digest();
  return toText(Buffer.concat([signed, mac]));
}

module.exports = { toText, forgeToken };
