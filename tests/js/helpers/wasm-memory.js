// The JS API keeps the wasm instance to itself, by design. Tests that need to
// look inside it (memory hygiene, leaks, allocation failure) wrap
// WebAssembly.instantiate before ready() and keep what it resolves to.
function captureWasmMemory() {
  const original = WebAssembly.instantiate;
  const captured = { memory: null };
  WebAssembly.instantiate = async function (...args) {
    const result = await original.apply(this, args);
    const instance = result instanceof WebAssembly.Instance ? result : result.instance;
    const exported = Object.values(instance.exports).find((e) => e instanceof WebAssembly.Memory);
    const imported = Object.values(args[1] ?? {}).flatMap((ns) => Object.values(ns))
      .find((e) => e instanceof WebAssembly.Memory);
    captured.memory = exported ?? imported ?? null;
    WebAssembly.instantiate = original;
    return result;
  };
  return captured;
}

// Offsets of every occurrence of `needle` in the whole linear memory.
function findInMemory(memory, needle) {
  const heap = Buffer.from(memory.buffer);
  const found = [];
  for (let at = heap.indexOf(needle); at !== -1; at = heap.indexOf(needle, at + 1)) found.push(at);
  return found;
}

module.exports = { captureWasmMemory, findInMemory };
