// Differential testing against real Python (cryptography 38 and 48): a few
// thousand generated cases per run, fed to both sides, decisions compared.
//   - every canonical token gets the same decision and the same plaintext;
//   - a non-canonical spelling (Python's base64 decoder is lenient, ours is
//     not) may be rejected by us only: anything Python rejects we reject.
// The cases come from a seeded generator; the seed is printed, and
// FERNET_DIFF_SEED=<seed> replays a run exactly (FERNET_DIFF_CASES scales it).
const { ready, Fernet, MultiFernet, InvalidToken } = require('../../dist/fernet.cjs');
const { pythons, runPython, b64 } = require('./helpers/python');
const { toText } = require('./helpers/tokens');
const { T0 } = require('./helpers/fixtures');

const SEED = Number(process.env.FERNET_DIFF_SEED ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
const BASE_CASES = Number(process.env.FERNET_DIFF_CASES ?? 300);
console.log(`differential: seed ${SEED} (replay with FERNET_DIFF_SEED=${SEED})`);

// sfc32: small, seedable, and the same on every platform.
function generator(seed) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  const int = (n) => next() % n;
  return {
    int,
    pick: (list) => list[int(list.length)],
    bytes: (n) => Uint8Array.from({ length: n }, () => next() & 0xff),
    chance: (p) => next() / 2 ** 32 < p,
  };
}

// Each run of generateCases() starts from the seed, so both Pythons see the
// same cases and a replay reproduces them.
let rng = generator(SEED);
const MAX64 = 2n ** 64n - 1n;

const fromText = (text) => new Uint8Array(Buffer.from(text, 'base64url'));
// Canonical: exactly what an encoder writes for the bytes it stands for.
const isCanonical = (text) => /^[A-Za-z0-9_-]*={0,2}$/.test(text) && text.length % 4 === 0 &&
  toText(fromText(text)) === text;

function messageSize() {
  return rng.pick([
    () => rng.int(50), // every padding length, several times over
    () => rng.pick([15, 16, 17, 31, 32, 33, 47, 48, 49]),
    () => rng.int(3000),
  ])();
}

function timestamp() {
  return rng.pick([0, 1, 59, 60, 61, T0, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, MAX64 - 60n, MAX64,
    BigInt(rng.int(2 ** 31)) * 2n ** 32n + BigInt(rng.int(2 ** 31))]);
}

// Wrong versions, flipped bits in every field, truncation and extension
// (of the bytes, and of the text), and the re-spellings Python tolerates.
const FIELDS = { version: [0, 1], timestamp: [1, 9], iv: [9, 25], ciphertext: [25, -32], hmac: [-32, 0] };
function mutations(token) {
  const raw = fromText(token);
  const out = [];
  const fieldRange = (name) => {
    const [start, end] = FIELDS[name];
    return [start < 0 ? raw.length + start : start, end <= 0 ? raw.length + end : end];
  };
  for (const name of Object.keys(FIELDS)) {
    const [start, end] = fieldRange(name);
    const copy = raw.slice();
    copy[start + rng.int(end - start)] ^= 1 << rng.int(8);
    out.push([`bit flip in ${name}`, toText(copy)]);
  }
  const wrongVersion = raw.slice();
  wrongVersion[0] = rng.pick([0x00, 0x7f, 0x81, 0x90, 0xff]);
  out.push(['wrong version', toText(wrongVersion)]);
  const cut = 1 + rng.int(Math.min(raw.length - 1, 48));
  out.push([`${cut} bytes truncated`, toText(raw.subarray(0, raw.length - cut))]);
  out.push(['bytes appended', toText(new Uint8Array([...raw, ...rng.bytes(1 + rng.int(33))]))]);
  out.push(['text truncated', token.slice(0, token.length - 1 - rng.int(8))]);
  out.push(['text appended', token + rng.pick(['A', 'AAAA', '=', '\n', 'gAAA'])]);
  out.push(['padding stripped', token.replace(/=+$/, '')]);
  out.push(['standard alphabet', token.replace(/-/g, '+').replace(/_/g, '/')]);
  const at = rng.int(token.length);
  out.push(['character inserted', token.slice(0, at) + rng.pick(['!', ' ', '.', '*', '\t']) + token.slice(at)]);
  const last = token.replace(/=+$/, '').length - 1;
  const bumped = String.fromCharCode(token.charCodeAt(last) ^ 1);
  out.push(['trailing bits changed', token.slice(0, last) + bumped + token.slice(last + 1)]);
  out.push(['empty', '']);
  return out;
}

// TTL and now around each boundary of Python's rule: expiry at timestamp +
// ttl, the 60 s clock-skew allowance, negative TTLs, and no TTL at all.
function freshness(ts) {
  if (rng.chance(0.3)) return {};
  const big = BigInt(ts);
  const ttl = rng.pick([0, 1, 59, 60, 61, 3600, -1, -60, -61, 2 ** 31, -(2 ** 40)]);
  const pivot = rng.pick([big + BigInt(ttl), big - 60n, big]);
  let now = pivot + BigInt(rng.pick([-2, -1, 0, 1, 2]));
  if (now < 0n) now = 0n;
  if (now > MAX64) now = MAX64;
  return { ttl, now };
}

function generateCases() {
  rng = generator(SEED);
  const cases = [];
  for (let i = 0; i < BASE_CASES; i++) {
    const key = toText(rng.bytes(32));
    const other = toText(rng.bytes(32));
    const multi = rng.chance(0.25);
    const message = rng.bytes(messageSize());
    const time = timestamp();
    const iv = rng.bytes(16);
    const token = new Fernet(key)._encryptFromParts(message, time, iv);
    cases.push({ kind: 'encrypt', key, message, time, iv, token });
    const keys = multi ? [other, key] : undefined;
    for (const [mutation, candidate] of [['original', token], ...mutations(token)]) {
      const { ttl, now } = freshness(time);
      cases.push({ kind: 'decrypt', key, keys, token: candidate, mutation, ttl, now });
      // cryptography 38's MultiFernet has no extract_timestamp.
      if (!multi && rng.chance(0.15)) cases.push({ kind: 'extract', key, token: candidate, mutation });
    }
  }
  // Keys: canonical ones and near misses.
  for (let i = 0; i < 100; i++) {
    const key = toText(rng.bytes(32));
    const [mutation, candidate] = rng.pick([
      ['original', key], ['standard alphabet', key.replace(/-/g, '+').replace(/_/g, '/')],
      ['padding stripped', key.slice(0, 43)], ['trailing bits changed', `${key.slice(0, 42)}B=`],
      ['character inserted', `${key.slice(0, 10)}.${key.slice(10)}`], ['truncated', key.slice(0, 40)],
      ['appended', `${key}AAAA`], ['31 bytes', toText(rng.bytes(31))], ['33 bytes', toText(rng.bytes(33))],
    ]);
    cases.push({ kind: 'key', key: candidate, mutation });
  }
  return cases;
}

function request(c) {
  const who = c.keys ? { keys: c.keys } : { key: c.key };
  switch (c.kind) {
    case 'encrypt': return { op: 'encrypt', key: c.key, data: b64(c.message), time: c.time, iv: b64(c.iv) };
    case 'decrypt':
      return c.ttl === undefined ? { op: 'decrypt', ...who, token: c.token }
        : { op: 'decrypt', ...who, token: c.token, ttl: c.ttl, now: c.now };
    case 'extract': return { op: 'extract_timestamp', ...who, token: c.token };
    case 'key': return { op: 'encrypt', key: c.key, data: '', time: 0, iv: b64(new Uint8Array(16)) };
    default: throw new Error(c.kind);
  }
}

// Our answer in the oracle's shape: the result, or the error class.
function ours(c) {
  try {
    const fernet = c.keys ? new MultiFernet(c.keys.map((k) => new Fernet(k))) : new Fernet(c.key);
    switch (c.kind) {
      case 'encrypt': return { token: c.token };
      case 'decrypt':
        return { data: b64(c.ttl === undefined ? fernet.decrypt(c.token) : fernet.decryptAtTime(c.token, c.ttl, c.now)) };
      case 'extract': return { timestamp: String(fernet.extractTimestamp(c.token)) };
      case 'key': return { token: fernet._encryptFromParts(new Uint8Array(0), 0, new Uint8Array(16)) };
      default: throw new Error(c.kind);
    }
  } catch (error) {
    return { error: error instanceof InvalidToken ? 'InvalidToken' : error.name };
  }
}

beforeAll(() => ready());

describe.each(pythons().map((p) => [p.version, p.executable]))('cryptography %s (%s)', (version, python) => {
  test(`generated cases decided as Python decides (seed ${SEED})`, () => {
    const cases = generateCases();
    const theirs = runPython(python, cases.map(request));
    const mismatches = [];
    const tally = { accepted: 0, rejected: 0, nonCanonicalRejectedByUsOnly: 0 };
    cases.forEach((c, i) => {
      const mine = ours(c);
      const python = theirs[i];
      delete python.message;
      // extractTimestamp returns a number, exact only up to 2^53: compare as one.
      if (mine.timestamp !== undefined && python.timestamp !== undefined &&
          mine.timestamp === String(Number(python.timestamp))) {
        mine.timestamp = python.timestamp;
      }
      const canonical = c.kind === 'key' ? isCanonical(c.key) && fromText(c.key).length === 32 : isCanonical(c.token ?? '');
      const same = JSON.stringify(mine) === JSON.stringify(python);
      const pythonRejects = 'error' in python;
      if (pythonRejects && !('error' in mine)) {
        mismatches.push({ why: 'Python rejects, we accept', c, python, mine });
      } else if (!same && (canonical || !('error' in mine))) {
        mismatches.push({ why: canonical ? 'canonical input decided differently' : 'different plaintext', c, python, mine });
      } else if (!same) {
        tally.nonCanonicalRejectedByUsOnly += 1;
      }
      if ('error' in mine) tally.rejected += 1; else tally.accepted += 1;
    });
    console.log(`differential vs cryptography ${version}: ${cases.length} cases, seed ${SEED}, ${JSON.stringify(tally)}`);
    const show = mismatches.slice(0, 5).map(({ why, c, python, mine }) => ({
      why, kind: c.kind, mutation: c.mutation, token: c.token, key: c.key, ttl: c.ttl, now: String(c.now), python, mine,
    }));
    expect({ seed: SEED, mismatches: mismatches.length, first: show }).toEqual({ seed: SEED, mismatches: 0, first: [] });
    // The generator really reaches both outcomes, for tokens and for keys.
    expect(cases.length).toBeGreaterThan(2000);
    expect(tally.accepted).toBeGreaterThan(BASE_CASES);
    expect(tally.rejected).toBeGreaterThan(BASE_CASES * 5);
  });
});
