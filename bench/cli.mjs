// The `fernet` CLI on a large file (not a test): encrypt and decrypt wall time,
// against Python's cryptography doing the same with Fernet in one process
// (read the file, encrypt or decrypt, write the result), and optionally
// against another checkout's CLI.
//   node bench/cli.mjs                   128 MiB (CLI_BENCH_MIB=… for another size)
//   node bench/cli.mjs ../old/bin/fernet.mjs   also time that CLI, same files
// Median of 3 runs each, runs interleaved; every output is checked.
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const MiB = 2 ** 20;
const size = Number(process.env.CLI_BENCH_MIB ?? 128) * MiB;
const KEY = 'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM=';
const python = process.env.PYTHON ?? 'python3';

const dir = mkdtempSync(join(tmpdir(), 'fernet-cli-bench-'));
const plain = join(dir, 'plain.bin');
const keyFile = join(dir, 'key');
writeFileSync(keyFile, `${KEY}\n`);
const fd = openSync(plain, 'w');
const chunk = Buffer.alloc(8 * MiB);
for (let written = 0; written < size; written += chunk.length) {
  randomFillSync(chunk);
  writeSync(fd, chunk, 0, Math.min(chunk.length, size - written));
}
closeSync(fd);
const digest = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const expected = digest(plain);

const PY = `
import sys
from cryptography.fernet import Fernet
op, key, src, dst = sys.argv[1:5]
f = Fernet(key.encode())
data = open(src, "rb").read()
out = f.encrypt(data) if op == "encrypt" else f.decrypt(data.strip())
open(dst, "wb").write(out)
`;

function timed(command, args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
  return seconds;
}

const contenders = [
  { name: 'fernet-wasm CLI (this)', cli: join(root, 'bin', 'fernet.mjs') },
  ...process.argv.slice(2).map((cli) => ({ name: `fernet CLI at ${cli}`, cli: resolve(cli) })),
];
const runs = Object.fromEntries([...contenders.map((c) => c.name), 'Python'].map((n) => [n, { encrypt: [], decrypt: [] }]));
try {
  for (let round = 0; round < 3; round++) {
    for (const { name, cli } of contenders) {
      const token = join(dir, 'token'), back = join(dir, 'back');
      runs[name].encrypt.push(timed(process.execPath, [cli, 'encrypt', plain, '-o', token, '--key-file', keyFile, '--force', '--quiet']));
      runs[name].decrypt.push(timed(process.execPath, [cli, 'decrypt', token, '-o', back, '--key-file', keyFile, '--force', '--quiet']));
      if (digest(back) !== expected) throw new Error(`${name}: the round trip changed the file`);
      rmSync(token);
      rmSync(back);
    }
    const token = join(dir, 'py-token'), back = join(dir, 'py-back');
    runs.Python.encrypt.push(timed(python, ['-c', PY, 'encrypt', KEY, plain, token]));
    runs.Python.decrypt.push(timed(python, ['-c', PY, 'decrypt', KEY, token, back]));
    if (digest(back) !== expected) throw new Error('Python: the round trip changed the file');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const version = spawnSync(python, ['-c', 'import cryptography; print(cryptography.__version__)'], { encoding: 'utf8' }).stdout.trim();
console.log(`| ${size / MiB} MiB file | encrypt s | decrypt s |\n|---|---:|---:|`);
for (const [name, r] of Object.entries(runs)) {
  const label = name === 'Python' ? `Python cryptography ${version} (Fernet, whole file in memory)` : name;
  console.log(`| ${label} | ${median(r.encrypt).toFixed(2)} | ${median(r.decrypt).toFixed(2)} |`);
}
