// Fixtures the suites share: the fixed test key, time and IV, and reading or
// feeding a web stream. (Tokens damaged on purpose: tokens.js.)

// The key of tests/cpp/fernet_test.cpp: bytes 100..131, as text.
const KEY = 'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM=';
// An all-zero raw key: a second key that never equals a generated one.
const ZERO_KEY = new Uint8Array(32);
// 2023-11-14T22:13:20Z, the timestamp of every fixed-time token.
const T0 = 1_700_000_000;
// A fixed IV, for tokens that must come out the same twice.
const IV = new Uint8Array(16).fill(5);

/** Everything a ReadableStream yields, as one Uint8Array. */
async function collect(readable) {
  return new Uint8Array(await new Response(readable).arrayBuffer());
}

/** A ReadableStream that yields `chunks` one pull at a time (the array is not changed). */
function streamOf(chunks) {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next === chunks.length) controller.close();
      else controller.enqueue(chunks[next++]);
    },
  });
}

/** `data` cut into consecutive views of `size` bytes (the last may be shorter). */
function pieces(data, size) {
  const out = [];
  for (let at = 0; at < data.length; at += size) out.push(data.subarray(at, at + size));
  return out;
}

module.exports = { KEY, ZERO_KEY, T0, IV, collect, streamOf, pieces };
