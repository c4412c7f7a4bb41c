// fernet-wasm/node as an ESM TypeScript user sees it: its declared names are
// exactly the runtime's (checked after running), with no phantom default.
import * as nodeApi from 'fernet-wasm/node';
import { encryptFile, decryptFile } from 'fernet-wasm/node';
import { Fernet } from 'fernet-wasm';

const declared: Record<keyof typeof nodeApi, true> = {
  createEncryptStream: true, encryptFile: true, decryptFile: true, verifyFile: true, rotateFile: true,
};

// Typed calls only (never run: they would touch files).
export async function copyThrough(fernet: Fernet): Promise<void> {
  await encryptFile(fernet, 'in.txt', 'out.fernet', { force: true });
  await decryptFile(fernet, 'out.fernet', 'back.txt', { ttl: 60, force: true });
}

console.log(JSON.stringify({ runtime: Object.keys(nodeApi).sort(), declared: Object.keys(declared).sort() }));
