// Derives a Fernet key from a password off the main thread: PBKDF2 at
// 1,200,000 iterations takes a noticeable fraction of a second, and the page
// must keep responding meanwhile. The page starts one worker per derivation
// and ends it afterwards (or to cancel one).
// In:  { password, salt (Uint8Array), options } as Fernet.deriveKey takes them.
// Out: { ok: true, key, ms } (ms: the derivation alone, without loading the
//      module), or { ok: false, error: { name, message } }.
import { ready, Fernet } from '/fernet.mjs';

const loaded = ready();

self.onmessage = async ({ data }) => {
  try {
    await loaded;
    const started = performance.now();
    const key = Fernet.deriveKey(data.password, data.salt, data.options);
    self.postMessage({ ok: true, key, ms: performance.now() - started });
  } catch (error) {
    self.postMessage({ ok: false, error: { name: error.name, message: error.message } });
  }
};
