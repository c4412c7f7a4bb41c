// Jest runs the longest suites first when it knows their times (its cache
// from an earlier run); a fresh clone, as CI has, has no cache, and Jest then
// orders by file size, which put the reproducibility builds (a short file)
// and the leak run last, alone on one worker, after everything else. So a
// suite with no cached time gets an estimate from this table (seconds on an
// idle 2-core machine, rounded; any suite not listed counts as 1 s).
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const ESTIMATE = {
  demo: 90,
  cli: 55,
  reproducible: 35,
  'browser-bundles': 30,
  package: 25,
  'resource-limits': 15,
  stream: 15,
  readme: 15,
  leak: 14,
  kdf: 12,
  runtimes: 12,
  trust: 10,
  differential: 6,
  interop: 6,
  examples: 6,
  'spec-vectors': 5,
  'failure-paths': 5,
};

class KnownLongFirst extends Sequencer {
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const name = path.basename(test.path).replace(/\.test\.m?js$/, '');
    return (ESTIMATE[name] ?? 1) * 1000;
  }
}

module.exports = KnownLongFirst;
