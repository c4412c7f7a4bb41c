// A module Web Worker: no window, no document.
import { roundTrip } from './roundtrip.js';

const violations = [];
self.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));

self.onmessage = async (event) => {
  try {
    self.postMessage({ ...(await roundTrip(event.data)), violations });
  } catch (error) {
    self.postMessage({ error: String(error?.stack ?? error) });
  }
};
