// The page: one round trip on the main thread and one in a module worker.
// Parameters come in the URL fragment; the result lands on globalThis for
// the test to read.
import { roundTrip } from './roundtrip.js';

function inWorker(params) {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
    worker.postMessage(params);
  });
}

const params = JSON.parse(decodeURIComponent(location.hash.slice(1)));
Promise.all([roundTrip(params), inWorker(params)]).then(
  ([page, worker]) => { globalThis.fernetResult = { page, worker }; },
  (error) => { globalThis.fernetResult = { error: String(error?.stack ?? error) }; },
);
