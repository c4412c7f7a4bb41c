// Encrypts and decrypts files off the main thread with the streaming API,
// so large files neither freeze the page nor need to fit in wasm memory.
// In:  { op: 'encrypt' | 'decrypt', key, file }
// Out: { progress, phase } while working, then { ok: true, blob } or { ok: false, error }.
import { ready, Fernet, InvalidToken } from '/fernet.mjs';

const loaded = ready();

function reporting(total, phase) {
  let done = 0;
  let reported = 0;
  return new TransformStream({
    transform(chunk, controller) {
      done += chunk.length;
      if (done - reported > total / 100 || done === total) {
        reported = done;
        self.postMessage({ progress: total === 0 ? 1 : done / total, phase });
      }
      controller.enqueue(chunk);
    },
  });
}

// Token files written by hand or by `echo` often end in a line break; the
// library's decoder is strict, so the demo leaves exactly that out.
async function withoutTrailingNewline(file) {
  const tail = new Uint8Array(await file.slice(-2).arrayBuffer());
  let cut = 0;
  if (tail.at(-1) === 0x0a) cut = tail.at(-2) === 0x0d ? 2 : 1;
  return cut === 0 ? file : file.slice(0, file.size - cut);
}

// Collects a stream into a Blob, in pieces the browser may keep on disk. (A
// Response would do this too, but it turns the stream's InvalidToken into a
// generic network error.)
async function toBlob(stream) {
  const pieces = [];
  let parts = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.length;
    if (size >= 2 ** 26) {
      pieces.push(new Blob(parts));
      parts = [];
      size = 0;
    }
  }
  return new Blob([...pieces, ...parts]);
}

self.onmessage = async ({ data: { op, key, file } }) => {
  try {
    await loaded;
    const fernet = new Fernet(key);
    let output;
    if (op === 'encrypt') {
      output = file.stream().pipeThrough(reporting(file.size, 'Encrypting')).pipeThrough(fernet.encryptStream());
    } else {
      const token = await withoutTrailingNewline(file);
      let pass = 0;
      // decryptStream reads the token twice: first to verify it, then to decrypt it.
      output = fernet.decryptStream(() => token.stream()
        .pipeThrough(reporting(token.size, pass++ === 0 ? 'Verifying' : 'Decrypting')));
    }
    self.postMessage({ ok: true, blob: await toBlob(output) });
  } catch (error) {
    const kind = error instanceof InvalidToken ? 'InvalidToken' : error.name;
    self.postMessage({ ok: false, error: { kind, message: error.message } });
  }
};
