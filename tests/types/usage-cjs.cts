// The CommonJS view of the types (require condition, index.d.ts).
import fernetWasm = require('fernet-wasm');

export async function encryptFor(key: string, message: string): Promise<string> {
  await fernetWasm.ready();
  return new fernetWasm.Fernet(key).encrypt(message);
}
export const limit: number = fernetWasm.MAX_TOKEN_LENGTH;
// @ts-expect-error dist/fernet.cjs has no default export
export const wrong = fernetWasm.default;
