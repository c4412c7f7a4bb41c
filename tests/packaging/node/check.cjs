// Node CommonJS: `require` resolves the package's "require" condition.
const fernetWasm = require('fernet-wasm');

import('./src/roundtrip-with.js')
  .then(({ roundTripWith }) => roundTripWith(fernetWasm, JSON.parse(process.argv[2])))
  .then((result) => console.log(JSON.stringify(result)));
