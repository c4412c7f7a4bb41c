#!/usr/bin/env bash
# Two tiers (CONTRIBUTING.md, "Testing"):
#   npm test              full tier, what CI runs: sets up (scripts/setup.sh) and
#                         builds whatever is missing, then the native core under
#                         GoogleTest, the core under ASan+UBSan plus every libFuzzer
#                         target for FUZZ_SECONDS (8) each, and every Jest suite.
#   npm run test:quick    the inner loop: installs nothing; builds dist/ if stale,
#                         then the native unit tests and the fast Jest suites
#                         (QUICK in jest.config.cjs). No Chromium, packaging,
#                         other runtimes, reproducibility builds or fuzzing.
# Extra arguments go to Jest (e.g. a suite's path or -t 'name').
# Long fuzzing is separate: npm run fuzz -- SECONDS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tier=full
if [ "${1:-}" = --quick ]; then tier=quick; shift; fi
started=$(date +%s)
# Each stage's start, in seconds since the run began, to see where the time goes.
stage() { echo "== [$(($(date +%s) - started)) s] $*"; }

if [ "$tier" = full ]; then stage "setup"; bash scripts/setup.sh --npm; fi
stage "build (if needed)"
node scripts/build.mjs --if-needed

stage "native core (GoogleTest via ctest)"
cmake -S . -B build-native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-native --parallel >/dev/null
# The summary only, unless something fails: then the whole log.
ctest --test-dir build-native --output-on-failure --parallel 2 >build-native/ctest.log 2>&1 ||
  { cat build-native/ctest.log; exit 1; }
tail -n 3 build-native/ctest.log

if [ "$tier" = full ]; then
  stage "sanitizers and fuzzing (scripts/fuzz.sh)"
  FUZZ_SECONDS=${FUZZ_SECONDS:-8} bash scripts/fuzz.sh
fi

stage "JS (Jest, $tier tier)"
FERNET_TEST_TIER=$tier node --experimental-vm-modules node_modules/jest/bin/jest.js --ci "$@"
echo "test: $tier tier passed in $(($(date +%s) - started)) s"
