// Node ESM: `import` resolves the package's "import" condition.
import { roundTrip } from './src/roundtrip.js';

console.log(JSON.stringify(await roundTrip(JSON.parse(process.argv[2]))));
