// The workerd build's wasm: imported as a module (wrangler bundles it as a
// compiled WebAssembly.Module), since workerd refuses to compile wasm from bytes.
import wasmModule from './fernet_core.wasm';

export function defaultWasm() {
  return wasmModule;
}
