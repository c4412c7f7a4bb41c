// Runs the bundle wrangler wrote (argv[2]: its folder) on workerd through
// Miniflare (its entry file in $MINIFLARE, the repository's dev dependency)
// and prints the answers to two HTTP requests; argv[3] is the POST body.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { Miniflare } = await import(pathToFileURL(process.env.MINIFLARE).href);

const [outdir, body] = process.argv.slice(2);
const mf = new Miniflare({
  modulesRoot: outdir,
  modules: [
    { type: 'ESModule', path: join(outdir, 'worker.js') },
    // The .wasm wrangler emitted beside the bundle, imported by it as a compiled module.
    ...readdirSync(outdir).filter((f) => f.endsWith('.wasm'))
      .map((f) => ({ type: 'CompiledWasm', path: join(outdir, f) })),
  ],
  compatibilityDate: '2026-04-01',
});
try {
  const roundTrip = await (await mf.dispatchFetch('http://localhost/', { method: 'POST', body })).json();
  const compileBytes = await (await mf.dispatchFetch('http://localhost/compile-bytes')).json();
  console.log(JSON.stringify({ roundTrip, compileBytes }));
} finally {
  await mf.dispose();
}
