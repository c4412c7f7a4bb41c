// npm run bench: every Fernet implementation on the same payloads, in one
// run, interleaved, median of several rounds. Writes bench/results/latest.md
// and latest.svg and prints the table. Not part of npm test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ReferenceFernet } from './reference.mjs';
import { kdfReport } from './kdf.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(join(here, 'package.json'));
const SIZES = [16, 100, 1024, 64 * 1024, 1 << 20, 16 << 20];
const MIN_SECONDS = Number(process.env.BENCH_MIN_SECONDS ?? 0.25);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 21);
const SLICE_MS = 100;

// Every timing starts on a clean heap and ends by collecting its own young
// garbage, timed: each implementation pays for the garbage it makes and for
// no one else's. Without this, interleaving charged one implementation for
// collecting the garbage of the one before it (CONTRIBUTING.md, Benchmarks).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const startClean = () => gc();
const collectOwnGarbage = () => gc({ type: 'minor' });
const KEY = 'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM=';

// The wasm memory, for the report: captured as the module instantiates.
let wasmMemory = null;
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (...args) => {
  const result = await instantiate(...args);
  const instance = result.instance ?? result;
  wasmMemory = Object.values(instance.exports).find((e) => e instanceof WebAssembly.Memory) ?? wasmMemory;
  return result;
};
// What `import 'fernet-wasm'` gives Node (its own link of the core: AES and HMAC in one loop),
// and, as a row of its own, the portable bundle browsers load (two passes: a smaller download).
const ours = await import('../dist/fernet.node.mjs');
const readyStarted = performance.now();
await ours.ready();
const readyInProcess = performance.now() - readyStarted;
WebAssembly.instantiate = instantiate;
const portable = await import('../dist/fernet.mjs');
await portable.ready();
// Another build to compare with (e.g. an older checkout's dist/fernet.mjs).
const baseline = process.env.BENCH_BASELINE ? await import(resolve(process.env.BENCH_BASELINE)) : null;

// ASCII payloads: the peers take and return strings only.
const payload = (size) => 'fernet-wasm bench '.repeat(Math.ceil(size / 18) + 1).slice(0, size);

async function implementations() {
  const ourFernet = new ours.Fernet(KEY);
  const portableFernet = new portable.Fernet(KEY);
  const reference = new ReferenceFernet(KEY);
  const npmFernet = require('fernet');
  const secret = new npmFernet.Secret(KEY);
  const { Fernet: FernetNodejs } = require('fernet-nodejs');
  const nodejs = new FernetNodejs(KEY);
  // fernet-web assumes a browser's `window`; Node has the same functions on globalThis.
  globalThis.window ??= globalThis;
  const { default: FernetWeb } = await import('fernet-web');
  const web = await FernetWeb.create(KEY);
  const { Fernet: FernetTs } = require('fernet-ts');
  const ts = await FernetTs.getInstance(KEY);
  const version = (name) => require(`${name}/package.json`).version;
  const extra = [];
  if (baseline !== null) {
    await baseline.ready();
    const old = new baseline.Fernet(KEY);
    extra.push({ name: `baseline: ${process.env.BENCH_BASELINE}`, sync: true, encrypt: (m) => old.encrypt(m), decrypt: (t) => old.decryptToString(t) });
  }
  return [
    { name: 'fernet-wasm (this)', sync: true, encrypt: (m) => ourFernet.encrypt(m), decrypt: (t) => ourFernet.decryptToString(t) },
    { name: 'fernet-wasm, portable bundle', sync: true, encrypt: (m) => portableFernet.encrypt(m), decrypt: (t) => portableFernet.decryptToString(t) },
    { name: 'node:crypto reference', sync: true, encrypt: (m) => reference.encrypt(m), decrypt: (t) => reference.decrypt(t).toString() },
    { name: `fernet-nodejs ${version('fernet-nodejs')}`, sync: true, encrypt: (m) => nodejs.encrypt(m), decrypt: (t) => nodejs.decrypt(t) },
    {
      name: `fernet ${version('fernet')} (crypto-js)`,
      sync: true,
      encrypt: (m) => new npmFernet.Token({ secret, ttl: 0 }).encode(m),
      decrypt: (t) => new npmFernet.Token({ secret, token: t, ttl: 0 }).decode(),
    },
    { name: `fernet-web ${version('fernet-web')}`, sync: false, encrypt: (m) => web.encrypt(m), decrypt: (t) => web.decrypt(t) },
    { name: `fernet-ts ${version('fernet-ts')}`, sync: false, encrypt: (m) => ts.encrypt(m), decrypt: (t) => ts.decrypt(t) },
    ...extra,
  ];
}

// Each implementation decrypts every other's token before anything is timed.
async function crossCheck(impls) {
  for (const size of [0, 17, 1000]) {
    const message = payload(size);
    for (const maker of impls) {
      const token = await maker.encrypt(message);
      for (const reader of impls) {
        const back = await reader.decrypt(token);
        if (back !== message) throw new Error(`${reader.name} misread a ${size}-byte token from ${maker.name}`);
      }
    }
  }
}

async function rate(impl, op, input, seconds = MIN_SECONDS) {
  const fn = impl[op];
  let count = 0;
  startClean();
  const start = performance.now();
  let elapsed = 0;
  do {
    if (impl.sync) fn(input);
    else await fn(input);
    count += 1;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < seconds);
  collectOwnGarbage();
  return count / ((performance.now() - start) / 1000);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * q)];

// Issue 15's ratio targets: [size, peer (name prefix), encrypt, decrypt].
const RATIO_TARGETS = [
  [16, 'fernet-nodejs', 5, 4], [16, 'node:crypto', 4, 3],
  [100, 'fernet-nodejs', 5, 4], [100, 'node:crypto', 4, 3],
  [1024, 'fernet-nodejs', 2.5, 2], [1024, 'node:crypto', 2, 1.5],
  [1 << 20, 'fernet-nodejs', 1, 0.4], [1 << 20, 'baseline', 2, 2],
];

// Calls per millisecond over one short slice (at least SLICE_MS, the clock
// read every second call, the same for every implementation).
function slice(fn, input) {
  let count = 0;
  startClean();
  const start = performance.now();
  do {
    fn(input);
    fn(input);
    count += 2;
  } while (performance.now() - start < SLICE_MS);
  collectOwnGarbage();
  return count / (performance.now() - start);
}

// The ratio targets are measured in pairs: a short slice of ours, then one of
// the peer (which goes first alternates), ratio per pair, median and
// interquartile range over PAIRS pairs. The tables time each implementation
// for MIN_SECONDS at a time, and this machine's speed swings by up to 2x
// within minutes: a fast or slow spell that fell on one of the two moved a
// target ratio by as much as 2x between runs of the same build. The pairs go
// round the targets, one pair of each per round, so that every target's pairs
// are spread over the whole measurement: when each target's pairs ran back to
// back, a spell of a few seconds fell on one target alone.
function measurePaired(impls) {
  const ours = impls[0];
  const cases = [];
  for (const [size, prefix] of RATIO_TARGETS) {
    const peer = impls.find((i) => i.name.startsWith(prefix));
    if (peer === undefined) continue;
    if (!ours.sync || !peer.sync) throw new Error(`paired timing needs synchronous implementations: ${peer.name}`);
    const message = payload(size);
    const inputs = { encrypt: [message, message], decrypt: [ours.encrypt(message), peer.encrypt(message)] };
    for (const op of ['encrypt', 'decrypt']) {
      const [ourInput, peerInput] = inputs[op];
      cases.push({ key: `${size} ${prefix} ${op}`, ours: ours[op], peer: peer[op], ourInput, peerInput, ratios: [] });
    }
  }
  for (const c of cases) {
    for (let w = 0; w < 3; w++) {
      slice(c.ours, c.ourInput);
      slice(c.peer, c.peerInput);
    }
  }
  for (let p = 0; p < PAIRS; p++) {
    for (const c of cases) {
      const peerFirst = p % 2 === 1 ? slice(c.peer, c.peerInput) : 0;
      const ourRate = slice(c.ours, c.ourInput);
      const peerRate = p % 2 === 1 ? peerFirst : slice(c.peer, c.peerInput);
      c.ratios.push(ourRate / peerRate);
    }
    process.stderr.write(`paired round ${p + 1} of ${PAIRS}\n`);
  }
  const paired = new Map();
  for (const c of cases) {
    paired.set(c.key, { median: median(c.ratios), low: quantile(c.ratios, 0.25), high: quantile(c.ratios, 0.75) });
  }
  return paired;
}

async function measureJs(impls) {
  const rates = Object.fromEntries(impls.map((i) => [i.name, {}]));
  for (const size of SIZES) {
    const message = payload(size);
    const tokens = await Promise.all(impls.map((i) => i.encrypt(message)));
    const samples = impls.map(() => ({ encrypt: [], decrypt: [] }));
    for (const [i, impl] of impls.entries()) {
      // Warm-up: let the JIT settle before anything counts.
      await rate(impl, 'encrypt', message, MIN_SECONDS / 2);
      await rate(impl, 'decrypt', tokens[i], MIN_SECONDS / 2);
    }
    for (let rep = 0; rep < REPS; rep++) {
      for (const [i, impl] of impls.entries()) {
        samples[i].encrypt.push(await rate(impl, 'encrypt', message));
        samples[i].decrypt.push(await rate(impl, 'decrypt', tokens[i]));
      }
    }
    impls.forEach((impl, i) => {
      rates[impl.name][size] = { encrypt: median(samples[i].encrypt), decrypt: median(samples[i].decrypt) };
    });
    process.stderr.write(`measured ${size} B\n`);
  }
  return rates;
}

function measurePython() {
  const result = spawnSync('python3', [join(here, 'python_bench.py')], {
    input: JSON.stringify({ key: KEY, sizes: SIZES, min_seconds: MIN_SECONDS, reps: REPS }), encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`python bench failed: ${result.stderr}`);
  const { version, rates } = JSON.parse(result.stdout);
  return { name: `Python cryptography ${version}`, rates };
}

function measureNative() {
  const build = join(root, 'build-native-bench');
  execFileSync('cmake', ['-S', root, '-B', build, '-DCMAKE_BUILD_TYPE=Release', '-DFERNET_BENCH=ON'], { stdio: 'ignore' });
  execFileSync('cmake', ['--build', build, '--target', 'fernet_native_bench', '--parallel'], { stdio: 'ignore' });
  const out = execFileSync(join(build, 'fernet_native_bench'), [String(MIN_SECONDS), String(REPS), ...SIZES.map(String)], { encoding: 'utf8' });
  return { name: 'our core, native (g++ -O3, same mbedTLS)', rates: JSON.parse(out) };
}

// A fresh process per run: the module's import (load, parse) and then the
// first ready() (compile, instantiate, self-test), timed apart.
function coldReady(file) {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(join(root, 'dist', file))});
    const i = performance.now(); await m.ready(); const r = performance.now();
    await m.ready(); console.log(JSON.stringify({ load: i - t, ready: r - i, warm: performance.now() - r }));`;
  const runs = Array.from({ length: 9 }, () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })));
  const of = (key) => median(runs.map((r) => r[key]));
  return { load: of('load'), ready: of('ready'), warm: of('warm') };
}

function shippedBytes() {
  const file = readFileSync(join(root, 'dist', 'fernet.mjs'));
  const esbuild = require(join(root, 'node_modules', 'esbuild'));
  const bundle = esbuild.buildSync({
    stdin: { contents: "export * from './dist/fernet.mjs';", resolveDir: root }, bundle: true, minify: true, format: 'esm', write: false,
  }).outputFiles[0].contents;
  return { raw: file.length, gzip: gzipSync(file, { level: 9 }).length, minified: bundle.length, minifiedGzip: gzipSync(bundle, { level: 9 }).length };
}

function format(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  if (n >= 10) return n.toFixed(0);
  return n.toFixed(2);
}

const label = (size) => (size >= 1 << 20 ? `${size >> 20} MiB` : size >= 1024 ? `${size >> 10} KiB` : `${size} B`);

function table(rows, op) {
  const head = `| ${op} | ${SIZES.map((s) => `${label(s)} ops/s`).join(' | ')} | 1 MiB MB/s |`;
  const rule = `|---|${SIZES.map(() => '---:').join('|')}|---:|`;
  const lines = rows.map(({ name, rates }) =>
    `| ${name} | ${SIZES.map((s) => format(rates[s][op])).join(' | ')} | ${((rates[1 << 20][op] * (1 << 20)) / 1e6).toFixed(1)} |`);
  return [head, rule, ...lines].join('\n');
}

function targets(rows, paired) {
  const get = (prefix) => rows.find((r) => r.name.startsWith(prefix)).rates;
  const us = get('fernet-wasm');
  const checks = [];
  for (const [size, peer, ...wanted] of RATIO_TARGETS) {
    ['encrypt', 'decrypt'].forEach((op, i) => {
      const r = paired.get(`${size} ${peer} ${op}`);
      if (r === undefined) return;
      const measured = `${r.median.toFixed(2)}× [${r.low.toFixed(2)}-${r.high.toFixed(2)}]`;
      checks.push(`| ${label(size)} ${op} vs ${peer} | ${measured} | ≥ ${wanted[i]}× | ${r.median >= wanted[i] ? 'met' : 'MISSED'} |`);
    });
  }
  for (const op of ['encrypt', 'decrypt']) {
    const r = us[1 << 20][op] / get('our core, native')[1 << 20][op];
    checks.push(`| 1 MiB ${op} vs our native build | ${r.toFixed(2)}× | ≥ 0.77× (within 1.3×) | ${r >= 1 / 1.3 ? 'met' : 'MISSED'} |`);
  }
  for (const peer of ['fernet 0', 'fernet-web', 'fernet-ts']) {
    const worst = Math.min(...SIZES.flatMap((s) => ['encrypt', 'decrypt'].map((op) => us[s][op] / get(peer)[s][op])));
    checks.push(`| every size vs ${peer.trim()} (worst ratio) | ${worst.toFixed(1)}× | ≥ 10× | ${worst >= 10 ? 'met' : 'MISSED'} |`);
  }
  return ['| target | measured | wanted | |', '|---|---:|---|---|', ...checks].join('\n');
}

function chart(rows) {
  const sizes = [16, 1 << 20];
  const width = 760;
  const barHeight = 14;
  const left = 290;
  const parts = [];
  let y = 30;
  for (const size of sizes) {
    for (const op of ['encrypt', 'decrypt']) {
      const values = rows.map((r) => r.rates[size][op]);
      const max = Math.log10(Math.max(...values) * 1.2);
      parts.push(`<text x="10" y="${y}" font-weight="bold">${op}, ${label(size)} (ops/s, log scale)</text>`);
      y += 8;
      rows.forEach((row, i) => {
        const v = values[i];
        const w = Math.max(2, ((Math.log10(Math.max(v, 1))) / max) * (width - left - 70));
        const fill = row.name.startsWith('fernet-wasm') ? '#0b5cad' : '#9aa7b4';
        parts.push(`<text x="10" y="${y + 11}" font-size="11">${row.name}</text>`,
          `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${fill}"/>`,
          `<text x="${left + w + 4}" y="${y + 11}" font-size="11">${format(v)}</text>`);
        y += barHeight + 3;
      });
      y += 18;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${parts.join('\n')}
</svg>
`;
}

async function main() {
  const impls = await implementations();
  await crossCheck(impls);
  process.stderr.write('cross-check passed: every implementation reads every other\'s tokens\n');
  const js = await measureJs(impls);
  const paired = measurePaired(impls);
  const rows = [
    ...impls.map((i) => ({ name: i.name, rates: js[i.name] })),
    measurePython(),
    measureNative(),
  ];
  const readyNode = coldReady('fernet.node.mjs');
  const readyPortable = coldReady('fernet.mjs');
  const bytes = shippedBytes();
  const kdf = await kdfReport();
  const machine = `${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  const report = `# fernet-wasm benchmark

${machine}. Median of ${REPS} rounds of at least ${MIN_SECONDS} s each, implementations
interleaved; ASCII payloads (the peers take strings only). Every timing starts on a clean heap and
includes collecting its own young garbage. Every implementation decrypted every other's tokens first.${baseline === null ? ' Set BENCH_BASELINE to another build\'s dist/fernet.mjs to add it as a row (and the ≥ 2× rows at 1 MiB).' : ''}

${table(rows, 'encrypt')}

${table(rows, 'decrypt')}

## Targets (issues 6 and 15)

Ratio targets: median of ${PAIRS} paired ${SLICE_MS} ms slices, ours then the peer's or the other way round, one pair of each target per round so that each target's pairs span the whole measurement (interquartile range in brackets).

${targets(rows, paired)}
| \`ready()\` cold, Node entry | ${readyNode.ready.toFixed(1)} ms | < 20 ms | ${readyNode.ready < 20 ? 'met' : 'MISSED'} |
| \`ready()\` cold, portable bundle in Node | ${readyPortable.ready.toFixed(1)} ms | < 20 ms | ${readyPortable.ready < 20 ? 'met' : 'MISSED'} |
| bundled for a browser (esbuild, minified, gzip) | ${bytes.minifiedGzip} B | < 40000 B | ${bytes.minifiedGzip < 40000 ? 'met' : 'MISSED'} |

## Start-up, size, memory

- Cold start in Node, median of 9 fresh processes, the import (load and parse) and then the first \`ready()\` (compile, instantiate, self-test) timed apart:
  \`import 'fernet-wasm'\` (the Node entry, \`dist/fernet.node.mjs\`) ${readyNode.load.toFixed(1)} ms + ${readyNode.ready.toFixed(1)} ms;
  the portable bundle (\`dist/fernet.mjs\`, what browsers get) ${readyPortable.load.toFixed(1)} ms + ${readyPortable.ready.toFixed(1)} ms.
  A later \`ready()\` ${readyNode.warm.toFixed(3)} ms; in this process ${readyInProcess.toFixed(1)} ms.
- Shipped to a browser: \`dist/fernet.mjs\` ${bytes.raw} B raw, ${bytes.gzip} B gzip; bundled and minified by esbuild ${bytes.minified} B raw, ${bytes.minifiedGzip} B gzip.
- wasm memory after the run: ${(wasmMemory.buffer.byteLength / 2 ** 20).toFixed(0)} MiB (it grows to fit the largest message and does not shrink).

${kdf}`;
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'latest.md'), report);
  writeFileSync(join(here, 'results', 'latest.svg'), chart(rows));
  console.log(report);
}

await main();
