// The round trip with the package imported the way bundlers, browsers and
// ESM runtimes see it: `import ... from 'fernet-wasm'`.
import * as fernetWasm from 'fernet-wasm';
import { roundTripWith } from './roundtrip-with.js';

export const roundTrip = (params) => roundTripWith(fernetWasm, params);
