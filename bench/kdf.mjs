// Keys from passwords, side by side in one run: PBKDF2-HMAC-SHA256 at
// 1,200,000 iterations and scrypt at n=2^14, r=8, p=1, for Fernet.deriveKey
// and its peers (node:crypto = OpenSSL, Python's cryptography, WebCrypto,
// @noble/hashes, hash-wasm). Every peer's key is checked against ours first.
// Implementations are interleaved round by round, each round starting with
// the next one; the median is reported.
// `node bench/kdf.mjs` runs it alone; bench/run.mjs appends it to its report.
import { spawnSync } from 'node:child_process';
import { pbkdf2Sync, scryptSync, webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
const ROUNDS = Number(process.env.BENCH_KDF_ROUNDS ?? 3);
// A peer slower than this per call gets fewer rounds, so the run stays short.
const BUDGET_SECONDS = Number(process.env.BENCH_KDF_BUDGET ?? 12);
const PASSWORD = 'correct horse battery staple';
const SALT = new Uint8Array(16).map((_, i) => i * 7 + 1);
const ITERATIONS = 1_200_000;
const N = 2 ** 14;
const R = 8;
const P = 1;

const PYTHON = `
import base64, json, statistics, sys, time
import cryptography
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
spec = json.load(sys.stdin)
password, salt = spec["password"].encode(), bytes(spec["salt"])
def timed(make):
    times, key = [], None
    for _ in range(spec["rounds"]):
        start = time.perf_counter()
        key = make().derive(password)
        times.append(time.perf_counter() - start)
    return {"seconds": statistics.median(times), "key": base64.urlsafe_b64encode(key).decode()}
print(json.dumps({
    "version": cryptography.__version__,
    "pbkdf2": timed(lambda: PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=spec["iterations"])),
    "scrypt": timed(lambda: Scrypt(salt=salt, length=32, n=spec["n"], r=spec["r"], p=spec["p"])),
}))
`;

const keyText = (bytes) => `${Buffer.from(bytes).toString('base64url')}=`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function peers() {
  const ours = await import(pathToFileURL(join(here, '..', 'dist', 'fernet.mjs')));
  await ours.ready();
  const { pbkdf2: noblePbkdf2 } = await import(pathToFileURL(require.resolve('@noble/hashes/pbkdf2.js')));
  const { scrypt: nobleScrypt } = await import(pathToFileURL(require.resolve('@noble/hashes/scrypt.js')));
  const { sha256 } = await import(pathToFileURL(require.resolve('@noble/hashes/sha2.js')));
  const hashWasm = await import(pathToFileURL(require.resolve('hash-wasm')));
  // Read from disk: some packages do not export their package.json.
  const version = (name) => JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8')).version;
  const utf8 = new TextEncoder().encode(PASSWORD);
  const webKey = await webcrypto.subtle.importKey('raw', utf8, 'PBKDF2', false, ['deriveBits']);
  return [
    {
      name: 'fernet-wasm (this)',
      pbkdf2: () => ours.Fernet.deriveKey(PASSWORD, SALT, { kdf: 'pbkdf2', iterations: ITERATIONS }),
      scrypt: () => ours.Fernet.deriveKey(PASSWORD, SALT, { kdf: 'scrypt', n: N, r: R, p: P }),
    },
    {
      name: `node:crypto (OpenSSL ${process.versions.openssl})`,
      pbkdf2: () => keyText(pbkdf2Sync(PASSWORD, SALT, ITERATIONS, 32, 'sha256')),
      scrypt: () => keyText(scryptSync(PASSWORD, SALT, 32, { N, r: R, p: P })),
    },
    {
      name: 'WebCrypto (crypto.subtle.deriveBits)',
      pbkdf2: async () => keyText(await webcrypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: SALT, iterations: ITERATIONS }, webKey, 256)),
      scrypt: null,
    },
    {
      name: `@noble/hashes ${version('@noble/hashes')}`,
      pbkdf2: () => keyText(noblePbkdf2(sha256, utf8, SALT, { c: ITERATIONS, dkLen: 32 })),
      scrypt: () => keyText(nobleScrypt(utf8, SALT, { N, r: R, p: P, dkLen: 32 })),
    },
    {
      name: `hash-wasm ${version('hash-wasm')}`,
      pbkdf2: async () => keyText(await hashWasm.pbkdf2({
        password: utf8, salt: SALT, iterations: ITERATIONS, hashLength: 32, hashFunction: hashWasm.createSHA256(), outputType: 'binary',
      })),
      scrypt: async () => keyText(await hashWasm.scrypt({
        password: utf8, salt: SALT, costFactor: N, blockSize: R, parallelism: P, hashLength: 32, outputType: 'binary',
      })),
    },
  ];
}

function python() {
  const result = spawnSync('python3', ['-c', PYTHON], {
    input: JSON.stringify({ password: PASSWORD, salt: [...SALT], iterations: ITERATIONS, n: N, r: R, p: P, rounds: ROUNDS }),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`python kdf bench failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

async function measure() {
  const impls = await peers();
  const times = Object.fromEntries(impls.map((i) => [i.name, { pbkdf2: [], scrypt: [] }]));
  const expected = {};
  for (const kdf of ['pbkdf2', 'scrypt']) {
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with another implementation, so none always runs
      // right after the same (long) one.
      const order = impls.map((_, i) => impls[(i + round) % impls.length]);
      for (const impl of order) {
        if (impl[kdf] === null) continue;
        const spent = times[impl.name][kdf].reduce((a, b) => a + b, 0);
        if (round > 0 && spent > BUDGET_SECONDS) continue;
        const start = performance.now();
        const key = await impl[kdf]();
        times[impl.name][kdf].push((performance.now() - start) / 1000);
        expected[kdf] ??= key;
        if (key !== expected[kdf]) throw new Error(`${impl.name} derived another ${kdf} key than ${impls[0].name}`);
      }
    }
    process.stderr.write(`measured ${kdf}\n`);
  }
  const py = python();
  for (const kdf of ['pbkdf2', 'scrypt']) {
    if (py[kdf].key !== expected[kdf]) throw new Error(`Python derived another ${kdf} key`);
  }
  const rows = impls.map((impl) => ({
    name: impl.name,
    pbkdf2: times[impl.name].pbkdf2.length ? median(times[impl.name].pbkdf2) : null,
    scrypt: times[impl.name].scrypt.length ? median(times[impl.name].scrypt) : null,
    rounds: Math.max(times[impl.name].pbkdf2.length, times[impl.name].scrypt.length),
  }));
  rows.splice(2, 0, { name: `Python cryptography ${py.version}`, pbkdf2: py.pbkdf2.seconds, scrypt: py.scrypt.seconds, rounds: ROUNDS });
  return rows;
}

const show = (seconds) => (seconds === null ? 'n/a' : seconds >= 1 ? `${seconds.toFixed(2)} s` : `${(seconds * 1000).toFixed(0)} ms`);

/** The markdown section: the table and the targets of issue 14. */
export async function kdfReport() {
  const rows = await measure();
  const us = rows[0];
  const get = (prefix) => rows.find((r) => r.name.startsWith(prefix));
  const table = [
    `| implementation | PBKDF2-HMAC-SHA256, ${ITERATIONS.toLocaleString('en')} iterations | scrypt n=2^14 r=8 p=1 | rounds |`,
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${show(r.pbkdf2)} | ${show(r.scrypt)} | ${r.rounds} |`),
  ].join('\n');
  // The JavaScript and wasm libraries; WebCrypto is the engine's native code, shown beside them.
  const jsPeers = rows.filter((r) => r.name.startsWith('@noble') || r.name.startsWith('hash-wasm'));
  const web = get('WebCrypto');
  const check = (what, measured, wanted, ok) => `| ${what} | ${measured} | ${wanted} | ${ok ? 'met' : 'MISSED'} |`;
  const node = get('node:crypto');
  const py = get('Python');
  const hw = get('hash-wasm');
  const targets = [
    '| target | measured | wanted | |',
    '|---|---:|---|---|',
    check('PBKDF2 time', show(us.pbkdf2), '≤ 0.5 s', us.pbkdf2 <= 0.5),
    check('PBKDF2 vs the fastest JS/wasm library (@noble/hashes, hash-wasm)',
      `${(us.pbkdf2 / Math.min(...jsPeers.map((r) => r.pbkdf2))).toFixed(2)}×`, '< 1×', us.pbkdf2 < Math.min(...jsPeers.map((r) => r.pbkdf2))),
    check('PBKDF2 vs WebCrypto (native)', `${(us.pbkdf2 / web.pbkdf2).toFixed(2)}×`, '< 1×', us.pbkdf2 < web.pbkdf2),
    check('PBKDF2 vs Python', `${(us.pbkdf2 / py.pbkdf2).toFixed(2)}×`, '≤ 3×', us.pbkdf2 <= 3 * py.pbkdf2),
    check('scrypt vs hash-wasm', `${(us.scrypt / hw.scrypt).toFixed(2)}×`, '≤ 1×', us.scrypt <= hw.scrypt),
    check('scrypt vs node:crypto', `${(us.scrypt / node.scrypt).toFixed(2)}×`, '≤ 1.3×', us.scrypt <= 1.3 * node.scrypt),
  ].join('\n');
  return `## Keys from passwords (issue 14)

Same password and 16-byte salt for every implementation; each key was checked equal to ours.
Median of up to ${ROUNDS} interleaved rounds (fewer for a peer once it has spent ${BUDGET_SECONDS} s); Python timed in its own process.

${table}

${targets}
`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(await kdfReport());
