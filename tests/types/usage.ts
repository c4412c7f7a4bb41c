// Type-checked with `tsc --strict` against the installed tarball, then run:
// the declarations must accept every real use, reject misuse, and name
// exactly what the runtime exports (checked both ways below).
import * as api from 'fernet-wasm';
import { ready, Fernet, MultiFernet, InvalidToken, MAX_MESSAGE_SIZE, MAX_TOKEN_LENGTH } from 'fernet-wasm';
import type { Encryptor, Seconds, WasmSource } from 'fernet-wasm';

// Record<keyof X, true> must list every declared member and nothing else.
const exportNames: Record<keyof typeof api, true> = {
  ready: true, Fernet: true, MultiFernet: true, InvalidToken: true, MAX_MESSAGE_SIZE: true, MAX_TOKEN_LENGTH: true,
};
const fernetMethods: Record<keyof Fernet, true> = {
  encrypt: true, encryptAtTime: true, decrypt: true, decryptAtTime: true, decryptToString: true,
  extractTimestamp: true, _encryptFromParts: true, encryptor: true, encryptStream: true, decryptStream: true,
};
const multiMethods: Record<keyof MultiFernet, true> = {
  encrypt: true, encryptAtTime: true, decrypt: true, decryptAtTime: true, decryptToString: true,
  extractTimestamp: true, rotate: true, encryptor: true, encryptStream: true, decryptStream: true,
};
const fernetStatics: Record<Exclude<keyof typeof Fernet, 'prototype'>, true> = { generateKey: true, deriveKey: true };

function methodsOf(cls: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(cls.prototype).filter((name) => name !== 'constructor').sort();
}
function staticsOf(cls: object): string[] {
  return Object.getOwnPropertyNames(cls).filter((name) => !['length', 'name', 'prototype'].includes(name)).sort();
}

const source: WasmSource | undefined = undefined;
const done: Promise<void> = ready(source);
await done;

const key: string = Fernet.generateKey();
const salt = new Uint8Array(16);
const fromPassword: string = Fernet.deriveKey('password', salt, { iterations: 1 });
const fromScrypt: string = Fernet.deriveKey(new Uint8Array([1]), salt, { kdf: 'scrypt', n: 16, r: 1, p: 1 });
// Never called: the type error is the check.
// @ts-expect-error scrypt's options do not take iterations
const deriveMisuse = () => Fernet.deriveKey('password', salt, { kdf: 'scrypt', iterations: 1 });
void fromPassword; void fromScrypt; void deriveMisuse;
const fernet = new Fernet(key);
const fromBytes = new Fernet(new Uint8Array(32));
const time: Seconds = 1_700_000_000n;
const token: string = fernet.encrypt('text');
const tokenAt: string = fernet.encryptAtTime(new Uint8Array([1, 2]), time);
const plain: Uint8Array = fernet.decrypt(token);
const plainTtl: Uint8Array = fernet.decrypt(token, 60);
const plainNoTtl: Uint8Array = fernet.decrypt(new TextEncoder().encode(token), null);
const plainAt: Uint8Array = fernet.decryptAtTime(tokenAt, 10n, 1_700_000_005);
const text: string = fernet.decryptToString(token, 3600);
const stamp: number = fernet.extractTimestamp(tokenAt);
const fixed: string = fromBytes._encryptFromParts('x', 0, new Uint8Array(16));
const encryptor: Encryptor = fernet.encryptor({ currentTime: 1_700_000_000 });
const streamed = new TextDecoder().decode(new Uint8Array([...encryptor.update('text'), ...encryptor.finish()]));

const multi = new MultiFernet([new Fernet(Fernet.generateKey()), fernet]);
const rotated: string = multi.rotate(token);
const multiText: string = multi.decryptToString(rotated);
const multiPlain: Uint8Array = multi.decryptAtTime(multi.encryptAtTime('m', 5), 1, 5);
const multiStamp: number = multi.extractTimestamp(multi.encrypt(new Uint8Array(0)));

let caught: InvalidToken | undefined;
try {
  fernet.decrypt(token.slice(0, -4) + 'AAA=');
} catch (error) {
  if (error instanceof InvalidToken) caught = error;
}
const limits: number = MAX_MESSAGE_SIZE + MAX_TOKEN_LENGTH;

// Misuse the declarations must reject: tsc fails if any of these compiles.
// (Never called: the point is the types, not the runtime errors.)
export function misuse(): void {
  // @ts-expect-error a key is a string or bytes
  new Fernet(42);
  // @ts-expect-error decrypt returns bytes, not a string
  const wrong: string = fernet.decrypt(token);
  // @ts-expect-error decryptAtTime needs a ttl
  fernet.decryptAtTime(token);
  // @ts-expect-error MultiFernet takes Fernet instances
  new MultiFernet(['key']);
  // @ts-expect-error Fernet has no rotate
  fernet.rotate(token);
  // @ts-expect-error times are numbers or bigints
  fernet.encryptAtTime('x', new Date());
  void wrong;
}

const runtime = {
  exports: Object.keys(api).sort(),
  fernetMethods: methodsOf(Fernet),
  multiMethods: methodsOf(MultiFernet),
  fernetStatics: staticsOf(Fernet),
};
const declared = {
  exports: Object.keys(exportNames).sort(),
  fernetMethods: Object.keys(fernetMethods).sort(),
  multiMethods: Object.keys(multiMethods).sort(),
  fernetStatics: Object.keys(fernetStatics).sort(),
};
console.log(JSON.stringify({
  runtime,
  declared,
  text,
  multiText,
  streamed: fernet.decryptToString(streamed),
  sizes: [plain.length, plainTtl.length, plainNoTtl.length, plainAt.length, multiPlain.length],
  stamps: [stamp, multiStamp > 0],
  fixed: fixed.length > 0,
  invalidTokenCaught: caught instanceof InvalidToken,
  limits: limits > 0,
}));
