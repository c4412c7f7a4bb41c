// Encrypts and decrypts files off the main thread, so large files do not
// freeze the page. Messages: { op, key, bytes } -> { ok, bytes } | { ok: false, error }.
import { ready, Fernet, InvalidToken } from '/fernet.mjs';

const loaded = ready();

self.onmessage = async ({ data: { op, key, bytes } }) => {
  try {
    await loaded;
    const fernet = new Fernet(key);
    const result = op === 'encrypt'
      ? new TextEncoder().encode(fernet.encrypt(bytes))
      : fernet.decrypt(stripTrailingNewline(bytes));
    self.postMessage({ ok: true, bytes: result }, [result.buffer]);
  } catch (error) {
    const kind = error instanceof InvalidToken ? 'InvalidToken' : error.name;
    self.postMessage({ ok: false, error: { kind, message: error.message } });
  }
};

// Token files written by hand or by `echo` often end in a newline; the
// library's decoder is strict, so the demo removes exactly that.
function stripTrailingNewline(bytes) {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0a) end -= 1;
  if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
  return bytes.subarray(0, end);
}
