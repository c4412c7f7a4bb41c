// The library's promises against hostile callers and odd inputs (issue 11):
// arguments whose getters call back into the library, sources that change
// between the two passes of a streaming decryption, Python's decision on
// every canonical token in every API, text never silently changed, and one
// instance per realm in Node.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { captureWasmMemory, findInMemory } = require('./helpers/wasm-memory');
const { toText, tamper } = require('./helpers/tokens');
const { pythons, runPython, b64 } = require('./helpers/python');
const { T0, ZERO_KEY, IV, collect, streamOf, pieces } = require('./helpers/fixtures');

const captured = captureWasmMemory();
const { ready, Fernet, MultiFernet, InvalidToken } = require('../../dist/fernet.node.cjs');
const node = require('../../dist/node.cjs');

let keyText;
let fernet;

beforeAll(async () => {
  await ready();
  keyText = Fernet.generateKey();
  fernet = new Fernet(keyText);
});

const bytes = (text) => new TextEncoder().encode(text);
const text = (data) => new TextDecoder().decode(data);

// A Uint8Array subclass whose getters run `hook` (a call back into the library).
function reentrant(data, hook) {
  class Hostile extends Uint8Array {
    get length() {
      hook();
      return super.length;
    }

    get buffer() {
      hook();
      return super.buffer;
    }

    get byteOffset() {
      hook();
      return super.byteOffset;
    }

    subarray(...a) {
      hook();
      return super.subarray(...a);
    }
  }
  const value = new Hostile(data.length);
  value.set(data);
  return value;
}

describe('re-entrancy: getters that call the library never change a key, IV or message', () => {
  const hooks = {
    'encrypt with another key': () => new Fernet(Fernet.generateKey()).encrypt('inner'),
    'decrypt of a token': () => fernet.decrypt(fernet.encrypt('inner')),
    'a large encrypt that grows wasm memory': () => fernet.encrypt(new Uint8Array(24 * 2 ** 20)),
    'a streaming encryptor': () => fernet.encryptor().finish(),
  };

  test.each(Object.keys(hooks))('encrypt(hostile data) while the getter does %s', (name) => {
    const message = crypto.randomBytes(100_000);
    const token = fernet.encryptAtTime(reentrant(message, hooks[name]), T0);
    expect(Buffer.from(fernet.decrypt(token)).equals(message)).toBe(true);
    expect(() => new Fernet(ZERO_KEY).decrypt(token)).toThrow(InvalidToken);
  });

  test.each(Object.keys(hooks))('decrypt(hostile token) while the getter does %s', (name) => {
    const token = fernet.encryptAtTime('the message', T0);
    expect(text(fernet.decrypt(reentrant(bytes(token), hooks[name])))).toBe('the message');
    const zeroToken = new Fernet(ZERO_KEY).encryptAtTime('made with the zero key', T0);
    expect(() => fernet.decrypt(reentrant(bytes(zeroToken), hooks[name]))).toThrow(InvalidToken);
  });

  test('a hostile IV and hostile options are read once, before anything is written', () => {
    const iv = crypto.randomBytes(16);
    const hook = hooks['encrypt with another key'];
    const fromParts = fernet._encryptFromParts('m', T0, reentrant(iv, hook));
    expect(Buffer.from(fromParts, 'base64url').subarray(9, 25).equals(iv)).toBe(true);
    const options = {
      get currentTime() {
        hook();
        return T0;
      },
      get iv() {
        hook();
        return reentrant(iv, hook);
      },
    };
    const encryptor = fernet.encryptor(options);
    const streamed = text(Buffer.concat([encryptor.update(reentrant(bytes('m'), hook)), encryptor.finish()]));
    expect(streamed).toBe(fromParts);
  });

  test('a hostile key is copied before use', () => {
    const raw = crypto.randomBytes(32);
    const hostile = new Fernet(reentrant(raw, hooks['decrypt of a token']));
    const token = hostile.encryptAtTime('m', T0);
    expect(text(new Fernet(raw).decrypt(token))).toBe('m');
  });

  test('a Proxy is not taken for bytes: TypeError, and the library keeps working', () => {
    const proxy = new Proxy(new Uint8Array(16), {
      get(target, prop) {
        fernet.encrypt('inner');
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    expect(() => fernet.encrypt(proxy)).toThrow(TypeError);
    expect(() => fernet.decrypt(proxy)).toThrow(TypeError);
    expect(() => new Fernet(proxy)).toThrow(TypeError);
    expect(text(fernet.decrypt(fernet.encrypt('after')))).toBe('after');
  });

  test('MultiFernet from an iterable whose iteration calls the library', () => {
    const other = new Fernet(Fernet.generateKey());
    function* list() {
      fernet.encrypt('inner');
      yield other;
      fernet.decrypt(fernet.encrypt('inner'));
      yield fernet;
    }
    const multi = new MultiFernet(list());
    expect(text(multi.decrypt(fernet.encrypt('old')))).toBe('old');
    expect(text(other.decrypt(multi.rotate(fernet.encrypt('old'))))).toBe('old');
  });

  test('decryptStream from a source whose reads call the library', async () => {
    const token = bytes(fernet.encrypt('streamed'));
    const open = () => new ReadableStream({
      pull(controller) {
        fernet.decrypt(fernet.encrypt('inner'));
        controller.enqueue(reentrant(token, () => fernet.encrypt('inner')));
        controller.close();
      },
    });
    expect(text(await collect(fernet.decryptStream(open)))).toBe('streamed');
  });
});

describe('verify-before-release: the second pass releases only authenticated bytes', () => {
  const SEGMENT = 65536;

  function sourceOf(...passes) {
    let pass = 0;
    return () => streamOf(pieces(passes[Math.min(pass++, passes.length - 1)], 10_000));
  }

  async function released(readable) {
    const chunks = [];
    const reader = readable.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { chunks, error: null };
        chunks.push(value);
      }
    } catch (error) {
      return { chunks, error };
    }
  }

  test('another valid token under the same key on the second read: nothing is released', async () => {
    const a = bytes(fernet.encryptAtTime(crypto.randomBytes(300_000), T0));
    const b = bytes(fernet.encryptAtTime(crypto.randomBytes(300_000), T0));
    const { chunks, error } = await released(fernet.decryptStream(sourceOf(a, b)));
    expect(error).toBeInstanceOf(InvalidToken);
    expect(chunks).toEqual([]);
  });

  test('an expired token swapped in on the second read is not released', async () => {
    const fresh = bytes(fernet.encryptAtTime(crypto.randomBytes(5000), T0));
    const old = bytes(fernet.encryptAtTime(crypto.randomBytes(5000), T0 - 10_000));
    const { chunks, error } = await released(fernet.decryptStream(sourceOf(fresh, old), { ttl: 60, currentTime: T0 }));
    expect(error).toBeInstanceOf(InvalidToken);
    expect(chunks).toEqual([]);
  });

  test('a change in segment k: only plaintext of the segments before it, all of it genuine', async () => {
    const message = crypto.randomBytes(400_000);
    const token = bytes(fernet.encryptAtTime(message, T0));
    const changed = tamper(token, 3 * SEGMENT + 100);
    const { chunks, error } = await released(fernet.decryptStream(sourceOf(token, changed)));
    expect(error).toBeInstanceOf(InvalidToken);
    const out = Buffer.concat(chunks);
    expect(out.length).toBeLessThanOrEqual((3 * SEGMENT) / 4 * 3);
    expect(out.equals(message.subarray(0, out.length))).toBe(true);
  });

  // The commitments hash each 32-byte unit of text with NH (cpp/nh_block.h), word i paired
  // with word i + 4, each 4 KiB under its own keys: one character changed at every offset of
  // a unit, at the ends of a 4 KiB block and in the partial last segment must be caught by
  // them alone (the second pass does not compute the HMAC again).
  test('one character changed anywhere in a unit, block or segment is caught', async () => {
    const message = crypto.randomBytes(110_000);
    const token = bytes(fernet.encryptAtTime(message, T0)); // about 147,000 characters: 2 segments and a part
    const offsets = [];
    for (let i = 0; i < 32; i++) offsets.push(SEGMENT + 4096 + i);
    offsets.push(SEGMENT, SEGMENT + 4095, 2 * SEGMENT - 1, 2 * SEGMENT + 5000, token.length - 50);
    for (const at of offsets) {
      const { chunks, error } = await released(fernet.decryptStream(sourceOf(token, tamper(token, at))));
      expect([at, error]).toEqual([at, expect.any(InvalidToken)]);
      const out = Buffer.concat(chunks);
      expect(out.length).toBeLessThanOrEqual(Math.floor(at / SEGMENT) * SEGMENT / 4 * 3);
      expect(out.equals(message.subarray(0, out.length))).toBe(true);
    }
  });

  test('a longer or shorter second read fails', async () => {
    const token = bytes(fernet.encryptAtTime(crypto.randomBytes(1000), T0));
    for (const second of [token.subarray(0, token.length - 4), Buffer.concat([token, bytes('AAAA')])]) {
      const { chunks, error } = await released(fernet.decryptStream(sourceOf(token, second)));
      expect(error).toBeInstanceOf(InvalidToken);
      expect(chunks).toEqual([]);
    }
  });

  test('decryptFile: a file swapped between the passes leaves no output', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-trust-'));
    try {
      const input = path.join(dir, 'in.fernet');
      const output = path.join(dir, 'out.bin');
      const a = fernet.encryptAtTime(crypto.randomBytes(200_000), T0);
      fs.writeFileSync(input, a);
      let swapped = false;
      const onProgress = () => {
        if (!swapped) {
          swapped = true;
          fs.writeFileSync(input, fernet.encryptAtTime(crypto.randomBytes(200_000), T0));
        }
      };
      await expect(node.decryptFile(fernet, input, output, { onProgress })).rejects.toThrow(InvalidToken);
      expect(fs.readdirSync(dir)).toEqual(['in.fernet']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('key material is out of reach', () => {
  test('no symbol-keyed back door on the exported classes', () => {
    for (const value of [Fernet, MultiFernet, Fernet.prototype, MultiFernet.prototype, fernet]) {
      expect(Object.getOwnPropertySymbols(value)).toEqual([]);
      expect(value[Symbol.for('fernet-wasm/internal')]).toBeUndefined();
    }
    expect(Object.keys(fernet)).toEqual([]);
  });
});

describe("Python's decision on every canonical token", () => {
  const sign = (raw, signed) => crypto.createHmac('sha256', raw.subarray(0, 16)).update(signed).digest();

  // Tokens whose HMAC is valid but whose body is shorter than decrypt needs.
  function shortTokens(raw) {
    const tokens = [];
    for (const size of [1, 5, 9, 10, 24, 25, 26, 40, 41, 56]) {
      const body = Buffer.alloc(size);
      body[0] = 0x80;
      if (size >= 9) body.writeBigUInt64BE(BigInt(T0 + size), 1);
      tokens.push(toText(Buffer.concat([body, sign(raw, body)])));
    }
    return tokens;
  }

  test('extractTimestamp decides as Python, on tokens decrypt refuses', () => {
    const raw = crypto.randomBytes(32);
    const key = toText(raw);
    const f = new Fernet(raw);
    const tokens = shortTokens(raw);
    // extractTimestamp returns a number: exact up to 2^53, as documented.
    const ours = tokens.map((t) => {
      try {
        return f.extractTimestamp(t);
      } catch (error) {
        return error.name;
      }
    });
    for (const { executable } of pythons()) {
      const theirs = runPython(executable, tokens.map((token) => ({ op: 'extract_timestamp', key, token })))
        .map((r) => (r.timestamp === undefined ? r.error : Number(r.timestamp)));
      expect(ours).toEqual(theirs);
    }
    expect(ours.filter((r) => r !== 'InvalidToken').length).toBeGreaterThan(0);
  });

  test('MultiFernet goes on to the next key when a shared signing half verifies but padding fails', async () => {
    const signing = crypto.randomBytes(16);
    const rawA = Buffer.concat([signing, crypto.randomBytes(16)]);
    const rawB = Buffer.concat([signing, crypto.randomBytes(16)]);
    const keys = [toText(rawA), toText(rawB)];
    const multi = new MultiFernet([new Fernet(rawA), new Fernet(rawB)]);
    const tokens = Array.from({ length: 12 }, (_, i) => new Fernet(rawB).encryptAtTime(crypto.randomBytes(i * 7), T0));
    const ours = tokens.map((t) => {
      try {
        return b64(multi.decrypt(t));
      } catch (error) {
        return error.name;
      }
    });
    for (const { executable } of pythons()) {
      const theirs = runPython(executable, tokens.map((token) => ({ op: 'decrypt', keys, token })))
        .map((r) => r.data ?? r.error);
      expect(ours).toEqual(theirs);
    }
    // Rotation, streams and files agree with the one-shot decision.
    for (const [i, token] of tokens.entries()) {
      if (ours[i] === 'InvalidToken') continue;
      expect(b64(new Fernet(rawA).decrypt(multi.rotate(token)))).toBe(ours[i]);
      expect(b64(await collect(multi.decryptStream(new Blob([token]))))).toBe(ours[i]);
    }
  });

  test('streams, files and rotation take any number of keys', async () => {
    const fernets = Array.from({ length: 20 }, () => new Fernet(Fernet.generateKey()));
    const multi = new MultiFernet(fernets);
    const token = fernets[19].encryptAtTime('from the twentieth key', T0);
    expect(text(await collect(multi.decryptStream(new Blob([token]))))).toBe('from the twentieth key');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-keys-'));
    try {
      fs.writeFileSync(path.join(dir, 'in'), token);
      expect((await node.verifyFile(multi, path.join(dir, 'in'))).keyIndex).toBe(19);
      await node.decryptFile(multi, path.join(dir, 'in'), path.join(dir, 'out'));
      expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe('from the twentieth key');
      await node.rotateFile(multi, path.join(dir, 'in'), path.join(dir, 'rotated'));
      expect(fernets[0].decryptToString(fs.readFileSync(path.join(dir, 'rotated'), 'utf8'))).toBe('from the twentieth key');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('text is never silently changed', () => {
  test('a lone surrogate is a TypeError, one-shot and streaming', () => {
    for (const lone of ['\ud800', 'a\udc00b', 'x\ud83d']) {
      expect(() => fernet.encrypt(lone)).toThrow(TypeError);
      const encryptor = fernet.encryptor();
      expect(() => {
        encryptor.update(lone);
        encryptor.finish();
      }).toThrow(TypeError);
    }
  });

  test('a surrogate pair split across two chunks is encoded as the pair', () => {
    const whole = 'emoji: \ud83d\ude00 done';
    const encryptor = fernet.encryptor({ currentTime: T0, iv: IV });
    const split = whole.indexOf('\ude00');
    const out = Buffer.concat([encryptor.update(whole.slice(0, split)), encryptor.update(whole.slice(split)), encryptor.finish()]);
    expect(out.toString()).toBe(fernet._encryptFromParts(whole, T0, IV));
    expect(fernet.decryptToString(out.toString())).toBe(whole);
  });

  test('decryptToString keeps a leading U+FEFF, as Python does', () => {
    const token = fernet.encrypt(Buffer.from('\ufeffwith a BOM'));
    expect(fernet.decryptToString(token)).toBe('\ufeffwith a BOM');
  });
});

describe('sizes are checked in bytes', () => {
  // Token text is ASCII: a string reserves one byte a character (what any
  // token of its length takes, at most MAX_TOKEN_LENGTH), never room for its
  // UTF-8 encoding; the core call then sees it is not ASCII.
  test('a string token of 3-byte characters is InvalidToken, reserving one byte a character', () => {
    const ascii = 'A'.repeat(20 * 2 ** 20);
    expect(() => fernet.decrypt(ascii)).toThrow(InvalidToken);
    const before = captured.memory.buffer.byteLength;
    const token = '€'.repeat(20 * 2 ** 20);
    expect(() => fernet.decrypt(token)).toThrow(InvalidToken);
    expect(captured.memory.buffer.byteLength).toBe(before);
    expect(fernet.decryptToString(fernet.encrypt('still working'))).toBe('still working');
  });
});

describe('one instance per realm in Node', () => {
  test('import and require of both entries share one instance', async () => {
    const esm = await import('../../dist/fernet.node.mjs');
    const nodeEsm = await import('../../dist/node.mjs');
    expect(esm.Fernet).toBe(Fernet);
    expect(esm.InvalidToken).toBe(InvalidToken);
    expect(esm.ready).toBe(ready);
    expect(nodeEsm.decryptFile).toBe(node.decryptFile);
    let thrown;
    try {
      new esm.Fernet(keyText).decrypt('gAAAAA' + 'A'.repeat(94));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidToken);
    expect(() => new esm.MultiFernet([fernet])).not.toThrow();
  });
});

describe('callbacks and cancellation', () => {
  let dir;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fernet-callbacks-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a throwing onProgress rejects and leaves nothing behind', async () => {
    const input = path.join(dir, 'in');
    fs.writeFileSync(input, fernet.encrypt(crypto.randomBytes(3 * 2 ** 20)));
    const onProgress = () => {
      throw new Error('progress failed');
    };
    for (const job of [
      () => node.decryptFile(fernet, input, path.join(dir, 'out'), { onProgress }),
      () => node.encryptFile(fernet, input, path.join(dir, 'enc'), { onProgress }),
      () => node.rotateFile(new MultiFernet([fernet]), input, path.join(dir, 'rot'), { onProgress }),
    ]) {
      await expect(job()).rejects.toThrow('progress failed');
    }
    expect(fs.readdirSync(dir)).toEqual(['in']);
  });

  test('decryptFile to a Writable that fails: rejects with its error, every plaintext chunk wiped', async () => {
    // Writes overlap the decryption of the next chunk; when one fails, the
    // chunks the Writable was given are wiped all the same once their writes
    // settle. (The chunk decrypted behind a failed write, never handed out, is
    // wiped by the same code path: js/node.mjs, writeOutput.)
    const { Writable } = require('node:stream');
    const input = path.join(dir, 'in');
    const message = crypto.randomBytes(5 * 2 ** 20 + 7);
    fs.writeFileSync(input, fernet.encrypt(message));
    for (const failAt of [1, 2, 4]) {
      const seen = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          seen.push(chunk);
          setTimeout(() => done(seen.length === failAt ? new Error('disk full') : null), 5);
        },
      });
      sink.on('error', () => {});
      await expect(node.decryptFile(fernet, input, sink)).rejects.toThrow('disk full');
      expect(seen.length).toBeGreaterThanOrEqual(failAt);
      expect(seen.slice(0, failAt - 1).map((c) => c.length).reduce((a, b) => a + b, 0)).toBeLessThan(message.length);
      for (const chunk of seen) expect(chunk.every((b) => b === 0)).toBe(true);
    }
    const seen = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        seen.push(Buffer.from(chunk));
        setTimeout(done, 2);
      },
    });
    await node.decryptFile(fernet, input, sink);
    expect(Buffer.concat(seen).equals(message)).toBe(true);
  });

  test('an abort during the verification pass stops it within a chunk', async () => {
    const input = path.join(dir, 'in');
    fs.writeFileSync(input, fernet.encrypt(crypto.randomBytes(8 * 2 ** 20)));
    const controller = new AbortController();
    let chunksAfterAbort = 0;
    const onProgress = () => {
      if (controller.signal.aborted) chunksAfterAbort += 1;
      else controller.abort();
    };
    await expect(node.decryptFile(fernet, input, path.join(dir, 'out'), { onProgress, signal: controller.signal }))
      .rejects.toMatchObject({ name: 'AbortError' });
    expect(chunksAfterAbort).toBeLessThanOrEqual(1);
    expect(fs.readdirSync(dir)).toEqual(['in']);
  });

  test('kill -9 during a decryption leaves at most verified plaintext on disk', async () => {
    const { spawn } = require('node:child_process');
    const message = crypto.randomBytes(48 * 2 ** 20);
    fs.writeFileSync(path.join(dir, 'in'), fernet.encrypt(message));
    fs.writeFileSync(path.join(dir, 'key'), keyText);
    for (const delay of [300, 1500, 3000]) {
      const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'fernet.mjs'), 'decrypt',
        path.join(dir, 'in'), '-o', path.join(dir, 'out'), '--key-file', path.join(dir, 'key'), '--force']);
      const closed = new Promise((resolve) => child.on('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await closed;
      for (const name of fs.readdirSync(dir).filter((n) => n !== 'in' && n !== 'key')) {
        const left = fs.readFileSync(path.join(dir, name));
        expect(left.equals(message.subarray(0, left.length))).toBe(true);
        fs.rmSync(path.join(dir, name));
      }
    }
  }, 120_000);

  test('the file helpers check ttl and currentTime as every other entry point does', async () => {
    const input = path.join(dir, 'in');
    fs.writeFileSync(input, fernet.encrypt('x'));
    await expect(node.decryptFile(fernet, input, path.join(dir, 'out'), { ttl: '60' })).rejects.toThrow(TypeError);
    await expect(node.decryptFile(fernet, input, path.join(dir, 'out'), { ttl: 1.5 })).rejects.toThrow(RangeError);
    await expect(node.verifyFile(fernet, input, { ttl: 60, currentTime: -1 })).rejects.toThrow(RangeError);
    expect(() => fernet.decryptAtTime(fernet.encrypt('x'), '60', T0)).toThrow(TypeError);
    expect(fs.readdirSync(dir)).toEqual(['in']);
  });

  test('output reaches the disk during a long job, and a failed flush fails the job', async () => {
    // js/node.mjs flushes every 8 MiB written in the background; a writeback
    // error it meets must not be lost (a later sync may well succeed).
    const input = path.join(dir, 'in');
    const message = crypto.randomBytes(9 * 2 ** 20);
    fs.writeFileSync(input, message);
    const probe = await fs.promises.open(input, 'r');
    const FileHandle = Object.getPrototypeOf(probe);
    await probe.close();
    const datasync = FileHandle.datasync;
    let calls = 0;
    try {
      FileHandle.datasync = function counted() {
        calls += 1;
        return datasync.call(this);
      };
      await node.encryptFile(fernet, input, path.join(dir, 'enc'));
      expect(calls).toBeGreaterThanOrEqual(1);
      expect(Buffer.from(fernet.decrypt(fs.readFileSync(path.join(dir, 'enc'), 'utf8'))).equals(message)).toBe(true);
      fs.renameSync(path.join(dir, 'enc'), path.join(dir, 'token'));
      FileHandle.datasync = function failing() {
        return Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      };
      await expect(node.encryptFile(fernet, input, path.join(dir, 'enc'))).rejects.toMatchObject({ code: 'EIO' });
      expect(fs.readdirSync(dir).sort()).toEqual(['in', 'token']);
      await expect(node.decryptFile(fernet, path.join(dir, 'token'), path.join(dir, 'out')))
        .rejects.toMatchObject({ code: 'EIO' });
      expect(fs.readdirSync(dir).sort()).toEqual(['in', 'token']);
      fs.rmSync(path.join(dir, 'token'));
    } finally {
      FileHandle.datasync = datasync;
    }
  });

  test('no overwrite without force, a dangling symlink included', async () => {
    const input = path.join(dir, 'in');
    fs.writeFileSync(input, 'plain');
    const link = path.join(dir, 'dangling');
    fs.symlinkSync(path.join(dir, 'nowhere'), link);
    await expect(node.encryptFile(fernet, input, link)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false);
    await node.encryptFile(fernet, input, link, { force: true });
    expect(fernet.decryptToString(fs.readFileSync(link, 'utf8'))).toBe('plain');
  });
});

describe('after all of the above, no secret is left in wasm memory', () => {
  test('the key and a failed verification\'s MAC are not in memory', async () => {
    const raw = Buffer.from(keyText, 'base64url');
    const token = Buffer.from(fernet.encryptAtTime(crypto.randomBytes(100), T0));
    const tampered = tamper(token, 40);
    const body = Buffer.from(tampered.toString(), 'base64url');
    const correctMac = crypto.createHmac('sha256', raw.subarray(0, 16)).update(body.subarray(0, -32)).digest();
    await expect(collect(fernet.decryptStream(new Blob([tampered])))).rejects.toThrow(InvalidToken);
    expect(() => fernet.decrypt(tampered)).toThrow(InvalidToken);
    for (const needle of [raw, raw.subarray(0, 16), raw.subarray(16), correctMac]) {
      expect(findInMemory(captured.memory, needle)).toEqual([]);
    }
  });
});
