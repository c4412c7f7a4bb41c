// Streaming benchmark (not a test): peak memory while encrypting and
// decrypting a large file, and streaming throughput against the in-memory API.
//   npm run bench:stream            (2 GiB file; STREAM_BENCH_MIB=512 for a smaller one)
// Each measured operation runs in its own process, whose peak RSS
// (resourceUsage().maxRSS) is compared with that of a process that only loads
// the library.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, mkdtempSync, openSync, rmSync, statfsSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ready, Fernet } from '../dist/fernet.node.mjs';
import { encryptFile, decryptFile } from '../dist/node.mjs';

const KEY = 'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM=';
const MiB = 2 ** 20;

async function child([op, input, output]) {
  await ready();
  const fernet = new Fernet(KEY);
  const started = performance.now();
  if (op === 'encrypt') await encryptFile(fernet, input, output);
  if (op === 'decrypt') await decryptFile(fernet, input, output);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

function measure(...args) {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args], { encoding: 'utf8' });
  return JSON.parse(out);
}

async function sha256(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(chunk);
  return hash.digest('hex');
}

function makeFile(path, mib) {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(16 * MiB);
  for (let written = 0; written < mib; written += 16) writeSync(fd, randomFillSync(block), 0, Math.min(16, mib - written) * MiB);
  closeSync(fd);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// In-process MB/s of the in-memory API and of the streaming API on the same data.
async function throughput(mib) {
  await ready();
  const fernet = new Fernet(KEY);
  const data = randomFillSync(Buffer.alloc(mib * MiB));
  const time = (fn) => { const t = performance.now(); fn(); return (performance.now() - t) / 1000; };
  const timeAsync = async (fn) => { const t = performance.now(); await fn(); return (performance.now() - t) / 1000; };
  const token = fernet.encrypt(data);
  const results = { encryptMemory: [], encryptStream: [], decryptMemory: [], decryptStream: [] };
  for (let round = 0; round < 5; round++) {
    results.encryptMemory.push(time(() => fernet.encrypt(data)));
    results.encryptStream.push(time(() => {
      const encryptor = fernet.encryptor();
      for (let i = 0; i < data.length; i += MiB) encryptor.update(data.subarray(i, i + MiB));
      encryptor.finish();
    }));
    results.decryptMemory.push(time(() => fernet.decrypt(token)));
    const blob = new Blob([token]);
    results.decryptStream.push(await timeAsync(async () => {
      const reader = fernet.decryptStream(blob).getReader();
      while (!(await reader.read()).done);
    }));
  }
  return Object.fromEntries(Object.entries(results).map(([k, v]) => [k, mib / median(v)]));
}

async function main() {
  const mib = Number(process.env.STREAM_BENCH_MIB ?? 2048);
  const dir = mkdtempSync(join(process.env.STREAM_BENCH_DIR ?? tmpdir(), 'fernet-stream-bench-'));
  const { bavail, bsize } = statfsSync(dir);
  if (bavail * bsize < mib * MiB * 3.5) throw new Error(`need ${(mib * 3.5) / 1024} GiB free in ${dir}`);
  try {
    const plain = join(dir, 'plain.bin');
    makeFile(plain, mib);
    const baseline = measure('load');
    const encrypt = measure('encrypt', plain, join(dir, 'token.fernet'));
    const decrypt = measure('decrypt', join(dir, 'token.fernet'), join(dir, 'back.bin'));
    const same = (await sha256(plain)) === (await sha256(join(dir, 'back.bin')));
    const rates = await throughput(64);
    const row = (name, r) => `| ${name} | ${(mib / r.seconds).toFixed(0)} MiB/s | ${r.maxRssMiB.toFixed(0)} MiB | ${(r.maxRssMiB - baseline.maxRssMiB).toFixed(0)} MiB |`;
    console.log(`\n${mib} MiB file, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
    console.log('| file to file | throughput | peak RSS | above baseline |\n|---|---|---|---|');
    console.log(`| baseline (library loaded) | | ${baseline.maxRssMiB.toFixed(0)} MiB | |`);
    console.log(row('encryptFile', encrypt));
    console.log(row('decryptFile', decrypt));
    console.log(`decrypted file identical to the original: ${same}`);
    console.log('\n64 MiB in memory, median of 5 | MiB/s | streaming / in-memory |\n|---|---|---|');
    console.log(`| encrypt: in-memory / encryptor (1 MiB chunks) | ${rates.encryptMemory.toFixed(0)} / ${rates.encryptStream.toFixed(0)} | ${(100 * rates.encryptStream / rates.encryptMemory).toFixed(0)}% |`);
    console.log(`| decrypt: in-memory / decryptStream (two passes) | ${rates.decryptMemory.toFixed(0)} / ${rates.decryptStream.toFixed(0)} | ${(100 * rates.decryptStream / rates.decryptMemory).toFixed(0)}% |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await main();
