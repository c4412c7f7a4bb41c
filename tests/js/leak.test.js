// Hundreds of thousands of operations, half of them failures of every kind,
// leave the wasm memory and the process RSS where they were after warm-up.
// The loop runs in its own node (helpers/leak-run.mjs) with --expose-gc, so
// Jest's own garbage does not count. The wasm memory starts at 16 MiB and
// only grows: a leak of more than ~50 bytes per operation in wasm grows it.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const OPS = 300_000;

test(`${OPS} operations and errors: wasm memory and RSS flat after warm-up`, () => {
  const run = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'helpers', 'leak-run.mjs'), String(OPS)], {
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const { ops, failures, before, after } = JSON.parse(run.stdout);
  console.log(`leak: ${ops} ops (${failures} failures): wasm ${before.wasm} -> ${after.wasm} bytes, ` +
    `RSS ${(before.rss / 2 ** 20).toFixed(1)} -> ${(after.rss / 2 ** 20).toFixed(1)} MiB`);
  expect(failures).toBe(ops / 2);
  expect(after.wasm).toBe(before.wasm);
  // Leaking even 100 bytes per operation in JS would add ~29 MiB.
  expect(after.rss - before.rss).toBeLessThan(16 * 2 ** 20);
});
