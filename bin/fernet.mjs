#!/usr/bin/env node
// fernet: Fernet tokens from the command line, interchangeable with Python's
// cryptography.fernet, for files of any size in constant memory.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { ready, Fernet, MultiFernet, InvalidToken } from '../dist/fernet.node.mjs';
import { encryptFile, decryptFile, rotateFile, verifyFile } from '../dist/node.mjs';

const USAGE = `usage:
  fernet keygen
  fernet encrypt [IN|-] [-o OUT|-] [key options] [--force] [--quiet]
  fernet decrypt [IN|-] [-o OUT|-] [--ttl SECONDS] [key options] [--force] [--quiet]
  fernet rotate  [IN|-] [-o OUT|-] [key options] [--force] [--quiet]
  fernet inspect [IN|-] [key options]

key options (the first that is given is used):
  --key-file FILE   a file holding the key (several keys: one per line, newest first)
  --key KEY         the key itself (warned against: it lands in shell history)
  FERNET_KEYS       comma-separated keys, newest first (rotate; decrypt with old keys)
  FERNET_KEY        the key

IN and OUT default to - (standard input and output). An existing OUT is kept
unless --force is given. Exit status: 0 ok, 1 invalid token or bad key, 2 usage.`;

class UsageError extends Error {}
class KeyError extends Error {}

function parse(argv) {
  const [command, ...rest] = argv;
  const options = { input: '-', output: '-', force: false, quiet: false };
  const valueOf = (flag, i) => {
    if (i + 1 >= rest.length) throw new UsageError(`${flag} needs a value`);
    return rest[i + 1];
  };
  const positional = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-o' || arg === '--output') options.output = valueOf(arg, i++);
    else if (arg === '--ttl') options.ttl = valueOf(arg, i++);
    else if (arg === '--key-file') options.keyFile = valueOf(arg, i++);
    else if (arg === '--key') options.key = valueOf(arg, i++);
    else if (arg === '--force' || arg === '-f') options.force = true;
    else if (arg === '--quiet' || arg === '-q') options.quiet = true;
    else if (arg === '-h' || arg === '--help') throw new UsageError('');
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length > 1) throw new UsageError('at most one input');
  if (positional.length === 1) options.input = positional[0];
  if (options.ttl !== undefined) {
    if (!/^-?\d+$/.test(options.ttl)) throw new UsageError('--ttl takes a whole number of seconds');
    options.ttl = Number(options.ttl);
  }
  return { command, options };
}

// The key texts, newest first; flags win over the environment. Messages name
// where a key came from, never the key itself.
function keyTexts(options) {
  if (options.keyFile !== undefined) {
    let text;
    try {
      text = readFileSync(options.keyFile, 'utf8');
    } catch {
      throw new UsageError(`cannot read the key file ${options.keyFile}`);
    }
    return { source: `the key file ${options.keyFile}`, keys: text.split(/\r?\n/).map((k) => k.trim()).filter(Boolean) };
  }
  if (options.key !== undefined) {
    process.stderr.write('fernet: warning: a key given with --key lands in shell history and process lists; '
      + 'prefer --key-file or FERNET_KEY\n');
    return { source: '--key', keys: [options.key] };
  }
  if (process.env.FERNET_KEYS) {
    return { source: 'FERNET_KEYS', keys: process.env.FERNET_KEYS.split(',').map((k) => k.trim()).filter(Boolean) };
  }
  if (process.env.FERNET_KEY) return { source: 'FERNET_KEY', keys: [process.env.FERNET_KEY.trim()] };
  throw new UsageError('no key: use --key-file FILE, FERNET_KEY or FERNET_KEYS');
}

function fernets(options) {
  const { source, keys } = keyTexts(options);
  if (keys.length === 0) throw new KeyError(`no key found in ${source}`);
  return keys.map((key, i) => {
    try {
      return new Fernet(key);
    } catch {
      throw new KeyError(`${source}: key ${i + 1} is not a Fernet key (32 url-safe base64-encoded bytes)`);
    }
  });
}

function progress(options) {
  if (options.quiet || !process.stderr.isTTY) return undefined;
  let last = -1;
  return (done, total) => {
    if (!total) return;
    const percent = Math.floor((done / total) * 100);
    if (percent === last) return;
    last = percent;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${percent}%${percent === 100 ? '\n' : ''}`);
  };
}

// The token's head and tail, read without loading the whole token.
function tokenEnds(input, whole) {
  const fd = whole === null ? openSync(input, 'r') : null;
  try {
    let size = whole === null ? fstatSync(fd).size : whole.length;
    const read = (start, length) => {
      if (whole !== null) return whole.subarray(start, start + length);
      const buffer = Buffer.alloc(length);
      return buffer.subarray(0, readSync(fd, buffer, 0, length, start));
    };
    const last = read(Math.max(0, size - 2), 2);
    size -= last.at(-1) === 0x0a ? (last.at(-2) === 0x0d ? 2 : 1) : 0;
    return { size, head: read(0, 36).toString('latin1'), tail: read(Math.max(0, size - 48), Math.min(48, size)).toString('latin1') };
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function anatomy({ size, head, tail }) {
  const canonical = (text) => /^[A-Za-z0-9_-]*={0,2}$/.test(text) && text.length % 4 === 0;
  const rawSize = (size / 4) * 3 - (tail.endsWith('==') ? 2 : tail.endsWith('=') ? 1 : 0);
  if (size < 76 || !canonical(head) || !canonical(tail) || (rawSize - 57) % 16 !== 0) {
    return ['format:     not a well-formed Fernet token'];
  }
  const header = Buffer.from(head, 'base64url');
  const end = Buffer.from(tail, 'base64url');
  const timestamp = header.readBigUInt64BE(1);
  const date = timestamp < 8640000000000n ? new Date(Number(timestamp) * 1000).toISOString() : 'beyond JS dates';
  return [
    `version:    0x${header[0].toString(16)}${header[0] === 0x80 ? '' : ' (not the Fernet version 0x80)'}`,
    `timestamp:  ${timestamp} (${date})`,
    `iv:         ${header.subarray(9, 25).toString('hex')}`,
    `ciphertext: ${rawSize - 57} bytes`,
    `hmac:       ${end.subarray(end.length - 32).toString('hex')}`,
  ];
}

async function inspect(options) {
  // A token piped in is read whole (piped tokens are small); files are not.
  const whole = options.input === '-' ? readFileSync(0) : null;
  const lines = anatomy(tokenEnds(options.input, whole));
  const haveKey = options.keyFile !== undefined || options.key !== undefined
    || Boolean(process.env.FERNET_KEY) || Boolean(process.env.FERNET_KEYS);
  let status = 0;
  if (!haveKey) {
    lines.push('verified:   NOT VERIFIED (no key given): these fields may be forged');
  } else {
    try {
      const { keyIndex } = await verifyFile(new MultiFernet(fernets(options)),
        whole === null ? options.input : Readable.from([whole]), { trailingNewline: true });
      lines.push(`verified:   yes, the HMAC matches key ${keyIndex + 1}`);
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error;
      lines.push('verified:   NO: the HMAC does not match the key (forged, changed, or another key)');
      status = 1;
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return status;
}

async function main(argv) {
  const { command, options } = parse(argv);
  if (command === undefined) throw new UsageError('a command is needed');
  if (['help', '--help', '-h'].includes(command)) throw new UsageError('');
  await ready();
  // Ctrl+C or a kill stops the work cleanly: no output, no temporary file.
  const abort = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => abort.abort());
  const common = { force: options.force, onProgress: progress(options), trailingNewline: true, signal: abort.signal };
  switch (command) {
    case 'keygen':
      process.stdout.write(`${Fernet.generateKey()}\n`);
      return 0;
    case 'encrypt':
      await encryptFile(fernets(options)[0], options.input, options.output, common);
      return 0;
    case 'decrypt': {
      const keys = fernets(options);
      const fernet = keys.length === 1 ? keys[0] : new MultiFernet(keys);
      await decryptFile(fernet, options.input, options.output, { ...common, ttl: options.ttl });
      return 0;
    }
    case 'rotate':
      await rotateFile(new MultiFernet(fernets(options)), options.input, options.output, common);
      return 0;
    case 'inspect':
      return inspect(options);
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (error) => {
    if (error instanceof UsageError) {
      process.stderr.write(error.message ? `fernet: ${error.message}\n\n${USAGE}\n` : `${USAGE}\n`);
      process.exitCode = error.message ? 2 : 0;
    } else if (error instanceof InvalidToken) {
      process.stderr.write('fernet: invalid token (wrong key, expired, or changed)\n');
      process.exitCode = 1;
    } else if (error instanceof KeyError) {
      process.stderr.write(`fernet: ${error.message}\n`);
      process.exitCode = 1;
    } else if (error.name === 'AbortError') {
      process.stderr.write('fernet: interrupted; nothing was written\n');
      process.exitCode = 130;
    } else if (error.code === 'EEXIST') {
      process.stderr.write(`fernet: ${error.message}\n`);
      process.exitCode = 2;
    } else if (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'EISDIR') {
      process.stderr.write(`fernet: ${error.path ?? 'file'}: ${error.code === 'ENOENT' ? 'no such file' : error.code}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`fernet: ${error.message}\n`);
      process.exitCode = 1;
    }
  },
);
