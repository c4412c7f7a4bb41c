// A Cloudflare Worker that uses the package exactly as the README shows.
// POST / runs the shared round trip; GET /compile-bytes shows what this
// runtime does with wasm bytes (workerd refuses to compile them).
import { roundTrip } from './src/roundtrip.js';

export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/compile-bytes') {
      try {
        await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
        return Response.json({ compiled: true });
      } catch (error) {
        return Response.json({ compiled: false, error: String(error) });
      }
    }
    return Response.json(await roundTrip(await request.json()));
  },
};
