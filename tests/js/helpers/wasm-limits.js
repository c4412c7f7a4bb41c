// A copy of a wasm module with its memory's maximum changed, and nothing
// else. resource-limits.test.js uses it to get the shipped module with a
// small memory cap: Emscripten's -sMAXIMUM_MEMORY changes exactly this field
// of the binary (the JS glue that checks it is dist's own either way), so
// rewriting it gives the module a -sMAXIMUM_MEMORY build would link, without
// compiling mbedTLS and the core a second time.
const PAGE = 65536;

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, end: at };
  }
}

function leb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

function skipName(bytes, at) {
  const { value, end } = readLeb(bytes, at);
  return end + value;
}

// Limits at `at` rewritten with `maxPages`; returns { bytes, end } of the new encoding.
function limits(bytes, at, maxPages) {
  const flags = bytes[at];
  if (flags !== 0 && flags !== 1) throw new Error(`unsupported memory limits flags 0x${flags.toString(16)} (shared or 64-bit memory)`);
  const min = readLeb(bytes, at + 1);
  if (maxPages !== null && min.value > maxPages) throw new Error(`the memory starts at ${min.value} pages, over the ${maxPages}-page cap`);
  const max = flags === 1 ? readLeb(bytes, min.end) : null;
  const end = max ? max.end : min.end;
  return { encoded: [1, ...leb(min.value), ...leb(maxPages)], start: at, end, min: min.value, max: max?.value ?? null };
}

// The one memory of `bytes` (defined or imported): where its limits are, and what they are.
function findMemory(bytes, maxPages) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('not a wasm module');
  const found = [];
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const size = readLeb(bytes, at + 1);
    const body = size.end;
    const next = body + size.value;
    if (id === 5) { // memory section: count, then limits
      const count = readLeb(bytes, body);
      if (count.value !== 1) throw new Error(`${count.value} memories; expected one`);
      found.push({ section: at, body, next, change: limits(bytes, count.end, maxPages) });
    } else if (id === 2) { // imports: module, name, kind, description
      const count = readLeb(bytes, body);
      let p = count.end;
      for (let i = 0; i < count.value; i++) {
        p = skipName(bytes, skipName(bytes, p));
        const kind = bytes[p++];
        if (kind === 0) p = readLeb(bytes, p).end; // function: type index
        else if (kind === 1) { // table: element type, then limits
          const flags = bytes[p + 1];
          p = readLeb(bytes, p + 2).end;
          if (flags & 1) p = readLeb(bytes, p).end;
        }
        else if (kind === 2) { const change = limits(bytes, p, maxPages); found.push({ section: at, body, next, change }); p = change.end; }
        else if (kind === 3) p += 2; // global: type, mutability
        else throw new Error(`unknown import kind ${kind}`);
      }
    }
    at = next;
  }
  if (found.length !== 1) throw new Error(`${found.length} memories found; expected one`);
  return found[0];
}

/** The memory limits of `wasm`, in bytes: { initial, maximum } (maximum null if none). */
function memoryLimits(wasm) {
  const { change } = findMemory(Uint8Array.from(wasm), null);
  return { initial: change.min * PAGE, maximum: change.max === null ? null : change.max * PAGE };
}

/** `wasm` (bytes) with its one memory's maximum set to `maxBytes` (a multiple of 64 KiB). */
function withMaximumMemory(wasm, maxBytes) {
  if (maxBytes % PAGE !== 0) throw new Error('the maximum must be whole 64 KiB pages');
  const bytes = Uint8Array.from(wasm);
  const { section, body, next, change } = findMemory(bytes, maxBytes / PAGE);
  const content = [...bytes.subarray(body, change.start), ...change.encoded, ...bytes.subarray(change.end, next)];
  return Uint8Array.from([...bytes.subarray(0, section + 1), ...leb(content.length), ...content, ...bytes.subarray(next)]);
}

module.exports = { withMaximumMemory, memoryLimits };
