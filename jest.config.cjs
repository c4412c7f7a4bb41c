// Jest runs the JS suites against the built package in dist/ (npm test builds it first).
// Two tiers (scripts/test.sh): the full one (npm test, CI) runs every suite;
// FERNET_TEST_TIER=quick (npm run test:quick, the inner loop) runs only the
// fast suites listed here. The others need Chromium, packaging tools, other
// runtimes, extra builds or many child processes, and run in the full tier.
// A new suite is full-tier until it is added here (and stays fast).
const QUICK = [
  'api', // the JS API, on the built dist/
  'uniform-errors', // one InvalidToken for every bad token
  'spec-vectors', // the official vectors (tests/vectors), against Python too
  'differential', // generated cases against real Python
  'interop', // tokens both ways with Python's cryptography
  'not-ready', // use before ready()
  'memory-hygiene', // secrets wiped in wasm memory
  'esm', // the ESM entry points
  'trust', // hostile arguments, changing sources, Python's decisions
  'failure-paths', // exceptions through wasm, the library's own copies wiped
  'simd-required', // ready() without WebAssembly SIMD
  'aes-tables', // no AES table in the shipped wasm
  'sha256-wasm', // the wasm SHA-256 (HMAC, PBKDF2) against node:crypto
];
const quick = process.env.FERNET_TEST_TIER === 'quick';

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/js'],
  testMatch: quick
    ? QUICK.map((name) => `**/tests/js/${name}.test.{js,mjs}`)
    : ['**/*.test.js', '**/*.test.mjs'],
  moduleFileExtensions: ['js', 'mjs', 'cjs', 'json'],
  transform: {},
  testTimeout: 60000,
  // One folder per run for the packed tarball, filled by the first suite
  // that needs it (tests/js/helpers/packed.js) and removed at the end.
  globalSetup: '<rootDir>/tests/js/helpers/global-setup.js',
  globalTeardown: '<rootDir>/tests/js/helpers/global-teardown.js',
  // The longest suites start first, even without Jest's timing cache (CI).
  testSequencer: '<rootDir>/tests/js/helpers/sequencer.js',
  // Each suite's Python interpreters (helpers/python.js) end with the suite.
  setupFilesAfterEnv: ['<rootDir>/tests/js/helpers/setup-suite.js'],
  // Most suites wait on child processes (Python, Chromium, builds): three
  // workers overlap those waits even on a 2-core machine (Jest alone: 147 s
  // with three, 180 s with two, measured on an idle 2-core machine).
  maxWorkers: 3,
};
