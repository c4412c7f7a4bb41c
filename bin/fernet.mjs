#!/usr/bin/env node
// fernet: Fernet tokens from the command line, interchangeable with Python's
// cryptography.fernet, for files of any size in constant memory.
import { closeSync, fstatSync, fsyncSync, lstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ready, Fernet, MultiFernet, InvalidToken } from '../dist/fernet.node.mjs';
import { encryptFile, decryptFile, rotateFile, verifyFile } from '../dist/node.mjs';
import { HEAD_CHARS, TAIL_CHARS, VERSION, parseTokenEnds } from '../dist/token-layout.mjs';

const USAGE = `usage:
  fernet keygen
  fernet derive-key --salt-file SALT [password options]
  fernet encrypt [IN|-] [-o OUT|-] [key or password options] [--force] [--quiet]
  fernet decrypt [IN|-] [-o OUT|-] [--ttl SECONDS] [key or password options] [--force] [--quiet]
  fernet rotate  [IN|-] [-o OUT|-] [key or password options] [--force] [--quiet]
  fernet inspect [IN|-] [key or password options]
  fernet help

key options (the first that is given is used):
  --key-file FILE   a file holding the key (several keys: one per line, newest first)
  --key KEY         the key itself (warned against: it lands in shell history)
  FERNET_KEYS       comma-separated keys, newest first (rotate; decrypt with old keys)
  FERNET_KEY        the key

password options (a key derived as Python's cryptography derives it; with
key options as well, the password's key comes first and the others are older):
  --salt-file SALT      the salt; encrypt and derive-key create it (16 random
                        bytes) when it does not exist, and never overwrite it
  --password-file FILE  the password (one trailing line break is not part of it);
                        else FERNET_PASSWORD, else asked for on the terminal
  --kdf pbkdf2|scrypt   pbkdf2: PBKDF2HMAC(SHA256(), length=32, iterations)
                        scrypt: Scrypt(length=32, n=2**14, r=8, p=1); default pbkdf2
  --iterations N        PBKDF2 iterations (default 1200000)

IN and OUT default to - (standard input and output). An existing OUT is kept
unless --force is given. Every value flag also takes the form --flag=VALUE.
Exit status: 0 ok, 1 invalid token or bad key, 2 usage, 130 interrupted.`;

class UsageError extends Error {}
class KeyError extends Error {}
class HelpRequest extends Error {}

const VALUE_FLAGS = {
  '-o': 'output', '--output': 'output', '--ttl': 'ttl', '--key-file': 'keyFile', '--key': 'key',
  '--password-file': 'passwordFile', '--salt-file': 'saltFile', '--kdf': 'kdf', '--iterations': 'iterations',
};
const SWITCHES = { '--force': 'force', '-f': 'force', '--quiet': 'quiet', '-q': 'quiet' };
const KEY_FLAGS = ['keyFile', 'key'];
const PASSWORD_FLAGS = ['passwordFile', 'saltFile', 'kdf', 'iterations'];
const FILE_FLAGS = ['output', 'force', 'quiet'];
// What each command takes; `input` is the positional IN.
const COMMANDS = {
  keygen: [],
  'derive-key': [...PASSWORD_FLAGS],
  encrypt: ['input', ...FILE_FLAGS, ...KEY_FLAGS, ...PASSWORD_FLAGS],
  decrypt: ['input', ...FILE_FLAGS, 'ttl', ...KEY_FLAGS, ...PASSWORD_FLAGS],
  rotate: ['input', ...FILE_FLAGS, ...KEY_FLAGS, ...PASSWORD_FLAGS],
  inspect: ['input', ...KEY_FLAGS, ...PASSWORD_FLAGS],
};
const FLAG_NAMES = Object.fromEntries(Object.entries({ ...VALUE_FLAGS, ...SWITCHES }).reverse().map(([flag, name]) => [name, flag]));

// Arguments may be keys or passwords (a key can even start with '-'), so a
// message names one only when it has the shape of a flag or command name.
function shown(arg) {
  return /^-{0,2}[a-z][a-z-]{0,23}$/.test(arg) ? arg : null;
}

const INT64 = 2n ** 63n;

function parse(argv) {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  if (argv.length === 0) throw new UsageError('a command is needed');
  if (argv[0] === 'help' || flags.some((arg) => arg === '--help' || arg === '-h')) throw new HelpRequest();
  const [command, ...rest] = argv;
  if (!Object.hasOwn(COMMANDS, command)) {
    throw new UsageError(shown(command) === null ? 'unknown command' : `unknown command ${command}`);
  }
  const takes = COMMANDS[command];
  const options = { input: '-', output: '-', force: false, quiet: false };
  const positional = [];
  const seen = new Set();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') {
      positional.push(...rest.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const name = VALUE_FLAGS[flag] ?? SWITCHES[flag];
    if (name === undefined) {
      throw new UsageError(shown(flag) === null ? 'unknown option (not shown: it might be a key or password)' : `unknown option ${flag}`);
    }
    if (!takes.includes(name)) throw new UsageError(`${command} does not take ${flag}`);
    if (seen.has(name)) throw new UsageError(`${flag} is given twice`);
    seen.add(name);
    if (SWITCHES[flag] !== undefined) {
      if (eq !== -1) throw new UsageError(`${flag} takes no value`);
      options[name] = true;
    } else if (eq !== -1) {
      options[name] = arg.slice(eq + 1);
    } else {
      if (i + 1 >= rest.length) throw new UsageError(`${flag} needs a value`);
      options[name] = rest[++i];
    }
  }
  if (positional.length > 0 && !takes.includes('input')) throw new UsageError(`${command} takes no file argument`);
  if (positional.length > 1) throw new UsageError('at most one input');
  if (positional.length === 1) options.input = positional[0];
  if (options.ttl !== undefined) {
    if (!/^-?\d{1,20}$/.test(options.ttl) || BigInt(options.ttl) < -INT64 || BigInt(options.ttl) >= INT64) {
      throw new UsageError('--ttl takes a whole number of seconds (within 64 signed bits)');
    }
    const ttl = BigInt(options.ttl);
    options.ttl = ttl >= BigInt(Number.MIN_SAFE_INTEGER) && ttl <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(ttl) : ttl;
  }
  if (options.kdf !== undefined && options.kdf !== 'pbkdf2' && options.kdf !== 'scrypt') {
    throw new UsageError('--kdf takes pbkdf2 or scrypt');
  }
  if (options.iterations !== undefined) {
    if (options.kdf === 'scrypt') throw new UsageError('--iterations is for --kdf pbkdf2 only');
    if (!/^\d{1,10}$/.test(options.iterations) || Number(options.iterations) < 1 || Number(options.iterations) > 2 ** 31 - 1) {
      throw new UsageError('--iterations takes a whole number from 1 to 2147483647');
    }
    options.iterations = Number(options.iterations);
  }
  if (options.saltFile === undefined) {
    const needsSalt = ['passwordFile', 'kdf', 'iterations'].find((name) => options[name] !== undefined);
    if (needsSalt !== undefined) throw new UsageError(`${FLAG_NAMES[needsSalt]} needs --salt-file`);
    if (command === 'derive-key') throw new UsageError('derive-key needs --salt-file');
  }
  if (options.key !== undefined && options.key.length === 0) throw new UsageError('--key needs a value');
  return { command, options };
}

// The key texts, newest first; flags win over the environment. Messages name
// where a key came from, never the key itself. Null when none is given.
function keyTexts(options) {
  if (options.keyFile !== undefined) {
    let text;
    try {
      text = readFileSync(options.keyFile, 'utf8');
    } catch {
      throw new UsageError('cannot read the file given to --key-file');
    }
    // Paths given to --key-file and --password-file are not repeated: a
    // slip of the flags would otherwise print a key or password.
    return { source: 'the file given to --key-file', keys: text.split(/\r?\n/).map((k) => k.trim()).filter(Boolean) };
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
  return null;
}

// ---- passwords ---------------------------------------------------------------

// The salt file's bytes. encrypt and derive-key create it when missing, with
// an exclusive-create open: an existing file (even one created a moment ago
// by another run) is read, never replaced.
function saltBytes(options, create) {
  const path = options.saltFile;
  if (create) {
    let fd = null;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (error) {
      if (error.code !== 'EEXIST') throw new UsageError(`cannot create the salt file ${path}`);
    }
    if (fd !== null) {
      const salt = randomBytes(16);
      try {
        writeSync(fd, salt);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (!options.quiet) process.stderr.write(`fernet: created the salt file ${path} (16 random bytes): keep it with the data\n`);
      return { salt, created: true };
    }
  }
  let salt;
  try {
    salt = readFileSync(path);
  } catch (error) {
    throw new UsageError(error.code === 'ENOENT' ? `the salt file ${path} does not exist` : `cannot read the salt file ${path}`);
  }
  if (salt.length === 0) throw new UsageError(`the salt file ${path} is empty`);
  return { salt, created: false };
}

// Reads a line from the terminal with echo off.
function ask(question) {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    const typed = [];
    const stop = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    function onData(chunk) {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stop();
          resolve(typed.join(''));
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          stop();
          const error = new Error('interrupted');
          error.name = 'AbortError';
          reject(error);
          return;
        }
        if (ch === '\u007f' || ch === '\b') typed.pop();
        else typed.push(ch);
      }
    }
    // Echo goes off before the prompt shows, so nothing typed after it is echoed.
    stdin.setRawMode(true);
    process.stderr.write(question);
    stdin.resume();
    stdin.on('data', onData);
  });
}

// The password as bytes (the caller wipes them): the file, else
// FERNET_PASSWORD, else the terminal.
async function passwordBytes(options, confirm) {
  let bytes;
  if (options.passwordFile !== undefined) {
    try {
      bytes = readFileSync(options.passwordFile);
    } catch {
      throw new UsageError('cannot read the file given to --password-file');
    }
    let end = bytes.length;
    if (bytes[end - 1] === 0x0a) end -= bytes[end - 2] === 0x0d ? 2 : 1;
    bytes = bytes.subarray(0, end);
  } else if (process.env.FERNET_PASSWORD) {
    bytes = Buffer.from(process.env.FERNET_PASSWORD, 'utf8');
  } else if (process.stdin.isTTY) {
    const typed = await ask('Password: ');
    if (confirm && (await ask('Password (again): ')) !== typed) throw new UsageError('the passwords do not match');
    bytes = Buffer.from(typed, 'utf8');
  } else {
    throw new UsageError('no password: use --password-file FILE or FERNET_PASSWORD (or run on a terminal to be asked)');
  }
  if (bytes.length === 0) throw new UsageError('the password is empty');
  return bytes;
}

// The key text derived from the password and salt, as Python's recipe does.
async function derivedKey(options, command) {
  const creates = command === 'encrypt' || command === 'derive-key';
  // A salt that must exist is read before the password is asked for; one
  // that may be created is created after, so an abandoned prompt leaves none.
  const existing = creates ? null : saltBytes(options, false).salt;
  let isNew = false;
  try {
    lstatSync(options.saltFile);
  } catch {
    isNew = true;
  }
  const password = await passwordBytes(options, creates && (isNew || command === 'encrypt'));
  let salt;
  try {
    salt = existing ?? saltBytes(options, true).salt;
  } catch (error) {
    password.fill(0);
    throw error;
  }
  try {
    const kdf = options.kdf ?? 'pbkdf2';
    return Fernet.deriveKey(password, salt, kdf === 'pbkdf2' && options.iterations !== undefined
      ? { kdf, iterations: options.iterations } : { kdf });
  } finally {
    password.fill(0);
  }
}

async function fernets(options, command) {
  const list = [];
  if (options.saltFile !== undefined) list.push(new Fernet(await derivedKey(options, command)));
  const given = keyTexts(options);
  if (given === null) {
    if (list.length > 0) return list;
    throw new UsageError('no key: use --key-file FILE, FERNET_KEY or FERNET_KEYS, or a password with --salt-file FILE');
  }
  const { source, keys } = given;
  if (keys.length === 0) throw new KeyError(`no key found in ${source}`);
  return list.concat(keys.map((key, i) => {
    try {
      return new Fernet(key);
    } catch {
      throw new KeyError(`${source}: key ${i + 1} is not a Fernet key (32 url-safe base64-encoded bytes)`);
    }
  }));
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

// The token's length and its two ends (enough for the header and the HMAC),
// read without loading the whole token.
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
    return {
      size,
      head: read(0, HEAD_CHARS).toString('latin1'),
      tail: read(Math.max(0, size - TAIL_CHARS), Math.min(TAIL_CHARS, size)).toString('latin1'),
    };
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

// The fields as `inspect` prints them (the reading is dist/token-layout.mjs's).
function anatomy({ size, head, tail }) {
  const parts = parseTokenEnds(size, head, tail);
  if (parts.problem || !parts.blockAligned) return ['format:     not a well-formed Fernet token'];
  const { version, timestamp } = parts;
  const date = timestamp < 8640000000000n ? new Date(Number(timestamp) * 1000).toISOString() : 'beyond JS dates';
  return [
    `version:    0x${version.toString(16)}${version === VERSION ? '' : ' (not the Fernet version 0x80)'}`,
    `timestamp:  ${timestamp} (${date})`,
    `iv:         ${Buffer.from(parts.iv).toString('hex')}`,
    `ciphertext: ${parts.ciphertextLength} bytes`,
    `hmac:       ${Buffer.from(parts.hmac).toString('hex')}`,
  ];
}

async function inspect(options) {
  // A token piped in is read whole (piped tokens are small); files are not.
  const whole = options.input === '-' ? readFileSync(0) : null;
  const lines = anatomy(tokenEnds(options.input, whole));
  const haveKey = options.keyFile !== undefined || options.key !== undefined || options.saltFile !== undefined
    || Boolean(process.env.FERNET_KEY) || Boolean(process.env.FERNET_KEYS);
  let status = 0;
  if (!haveKey) {
    lines.push('verified:   NOT VERIFIED (no key given): these fields may be forged');
  } else {
    try {
      const { keyIndex } = await verifyFile(new MultiFernet(await fernets(options, 'inspect')),
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

let parsed = null;

async function main(argv) {
  parsed = parse(argv);
  const { command, options } = parsed;
  await ready();
  // Ctrl+C or a kill stops the work cleanly: no output, no temporary file.
  const abort = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => abort.abort());
  const common = { force: options.force, onProgress: progress(options), trailingNewline: true, signal: abort.signal };
  switch (command) {
    case 'keygen':
      process.stdout.write(`${Fernet.generateKey()}\n`);
      return 0;
    case 'derive-key':
      process.stdout.write(`${await derivedKey(options, command)}\n`);
      return 0;
    case 'encrypt':
      await encryptFile((await fernets(options, command))[0], options.input, options.output, common);
      return 0;
    case 'decrypt': {
      const keys = await fernets(options, command);
      const fernet = keys.length === 1 ? keys[0] : new MultiFernet(keys);
      await decryptFile(fernet, options.input, options.output, { ...common, ttl: options.ttl });
      return 0;
    }
    case 'rotate':
      await rotateFile(new MultiFernet(await fernets(options, command)), options.input, options.output, common);
      return 0;
    default: // inspect
      return inspect(options);
  }
}

// A path from an error, if it is one the user named; temporary files the
// library makes beside the output are reported as the output.
function userPath(path) {
  if (parsed === null) return 'a file';
  const { options } = parsed;
  if (path !== undefined && path === options.keyFile) return 'the file given to --key-file';
  if (path !== undefined && path === options.passwordFile) return 'the file given to --password-file';
  if ([options.input, options.output, options.saltFile].includes(path)) return path;
  return options.output !== '-' ? options.output : 'a temporary file';
}

const FILE_ERRORS = { ENOENT: 'no such file or folder', EACCES: 'permission denied', EPERM: 'permission denied',
  EISDIR: 'is a folder', ENOTDIR: 'a part of the path is not a folder', EROFS: 'read-only file system' };

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (error) => {
    if (error instanceof HelpRequest) {
      process.stdout.write(`${USAGE}\n`);
      process.exitCode = 0;
    } else if (error instanceof UsageError) {
      process.stderr.write(`fernet: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
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
      process.stderr.write(`fernet: ${userPath(error.path ?? parsed?.options.output)} exists (use --force to overwrite)\n`);
      process.exitCode = 2;
    } else if (Object.hasOwn(FILE_ERRORS, error.code ?? '')) {
      process.stderr.write(`fernet: ${userPath(error.path)}: ${FILE_ERRORS[error.code]}\n`);
      process.exitCode = 2;
    } else if (typeof error.code === 'string' && error.code.startsWith('E')) {
      process.stderr.write(`fernet: ${userPath(error.path)}: ${error.code}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`fernet: ${error.message}\n`);
      process.exitCode = 1;
    }
  },
);
