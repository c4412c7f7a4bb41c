// A straightforward Fernet on node:crypto (OpenSSL), written as fast as we
// can: the yardstick for what plain Node does without wasm.
import { createCipheriv, createDecipheriv, createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';

const ivPool = Buffer.alloc(4096);
let ivOffset = ivPool.length;

export class ReferenceFernet {
  constructor(keyText) {
    const key = Buffer.from(keyText, 'base64url');
    if (key.length !== 32) throw new Error('bad key');
    this.signing = key.subarray(0, 16);
    this.encryption = key.subarray(16);
  }

  encrypt(data, time = Math.floor(Date.now() / 1000)) {
    if (ivOffset === ivPool.length) {
      randomFillSync(ivPool);
      ivOffset = 0;
    }
    const iv = ivPool.subarray(ivOffset, (ivOffset += 16));
    const cipher = createCipheriv('aes-128-cbc', this.encryption, iv);
    const first = cipher.update(data);
    const last = cipher.final();
    const raw = Buffer.allocUnsafe(25 + first.length + last.length + 32);
    raw[0] = 0x80;
    raw.writeBigUInt64BE(BigInt(time), 1);
    iv.copy(raw, 9);
    first.copy(raw, 25);
    last.copy(raw, 25 + first.length);
    const body = raw.subarray(0, raw.length - 32);
    createHmac('sha256', this.signing).update(body).digest().copy(raw, body.length);
    const text = raw.toString('base64url');
    return text + '='.repeat((4 - (text.length % 4)) % 4);
  }

  decrypt(token) {
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < 73 || raw[0] !== 0x80 || (raw.length - 57) % 16 !== 0) throw new Error('InvalidToken');
    const body = raw.subarray(0, raw.length - 32);
    const mac = createHmac('sha256', this.signing).update(body).digest();
    if (!timingSafeEqual(mac, raw.subarray(raw.length - 32))) throw new Error('InvalidToken');
    const decipher = createDecipheriv('aes-128-cbc', this.encryption, raw.subarray(9, 25));
    return Buffer.concat([decipher.update(raw.subarray(25, raw.length - 32)), decipher.final()]);
  }
}
