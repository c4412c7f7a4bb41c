#!/usr/bin/env bash
# Two tiers (CONTRIBUTING.md, "Testing"):
#   npm test              full tier, what CI runs: sets up (scripts/setup.sh) and
#                         builds whatever is missing, then the native unit tests
#                         (GoogleTest) under ASan+UBSan plus every libFuzzer target
#                         (scripts/fuzz.sh; seconds per target below), the core
#                         compiled by the platform compiler too (warnings are
#                         errors), and every Jest suite.
#   npm run test:quick    the inner loop: installs nothing; builds dist/ if stale,
#                         then the native unit tests (platform compiler, no
#                         sanitizers) and the fast Jest suites (QUICK in
#                         jest.config.cjs). No Chromium, packaging, other
#                         runtimes, reproducibility builds or fuzzing.
# Extra arguments go to Jest (e.g. a suite's path or -t 'name').
# Long fuzzing is separate: npm run fuzz -- SECONDS.
#
# The native line (build, ctest) and the sanitizer and fuzz line start before
# the wasm build, and Jest once dist/ is built: none reads another's output.
# The wasm build leaves a core idle while it links, and Jest spends much of
# its time waiting on Chromium, Python and child processes: time the
# compilers and fuzzers use. Each background line's log is printed when it
# ends; any failure fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tier=full
if [ "${1:-}" = --quick ]; then tier=quick; shift; fi
started=$(date +%s)
# Each stage's start, in seconds since the run began, to see where the time goes.
stage() { echo "== [$(($(date +%s) - started)) s] $*"; }
# Build jobs: one per core (a bare --parallel lets make start every job at once).
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
export CMAKE_BUILD_PARALLEL_LEVEL=$jobs

if [ "$tier" = full ]; then
  stage "setup"
  bash scripts/setup.sh --npm
  # The suites write up to about 0.9 GB of scratch files to the temp folder at
  # once (the demo's 300 MB round trip in Chromium beside one other suite): a
  # machine with less free says so here, before a suite fails with ENOSPC.
  free_mb=$(df -Pk "${TMPDIR:-/tmp}" 2>/dev/null | awk 'NR == 2 { print int($4 / 1024) }' || true)
  if [ -n "$free_mb" ] && [ "$free_mb" -lt 1024 ]; then
    echo "warning: only ${free_mb} MB free in ${TMPDIR:-/tmp}; the full tier needs about 1 GB there" >&2
  fi
fi
logs=$(mktemp -d "${TMPDIR:-/tmp}/fernet-test.XXXXXX")
pids=()
names=()
cleanup() {
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$logs"
}
trap cleanup EXIT
# Runs a named line in the background, its output kept for when it ends.
background() {
  local name=$1; shift
  stage "$name (started in the background)"
  ( "$@" ) >"$logs/${#pids[@]}.log" 2>&1 &
  pids+=("$!")
  names+=("$name")
}

# (The native line keeps the normal priority: at nice 10, on a machine shared
# with other work, it yielded to that work too and finished after Jest.)
native() {
  cmake -S . -B build-native -DCMAKE_BUILD_TYPE=Release >/dev/null
  if [ "$tier" = full ]; then
    # The full tier runs the unit tests in the sanitizer build (clang); building
    # and running them with this compiler as well cost 30 CPU-s for no check
    # that build lacks. The core is still compiled by it, for its warnings.
    cmake --build build-native --parallel "$jobs" --target fernet_core >/dev/null
    local compiler
    compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' build-native/CMakeCache.txt)
    echo "the core compiled by $("$compiler" --version | head -n 1), warnings as errors"
    return
  fi
  cmake --build build-native --parallel "$jobs" >/dev/null
  # The summary only, unless something fails: then the whole log.
  ctest --test-dir build-native --output-on-failure --parallel "$jobs" >build-native/ctest.log 2>&1 ||
    { cat build-native/ctest.log; return 1; }
  tail -n 3 build-native/ctest.log
}
if [ "$tier" = full ]; then
  background "native core (platform compiler)" native
else
  background "native core (GoogleTest via ctest)" native
fi

if [ "$tier" = full ]; then
  # 3 s per target. Each starts from the inputs earlier campaigns kept
  # (fuzz/corpus/, with their coverage) besides the fresh seeds from
  # tests/vectors and Python, so these short runs replay what long ones
  # found and look a little further, while Jest shares the cores
  # (CONTRIBUTING.md, "Testing"). Longer campaigns: npm run fuzz -- SECONDS.
  # A FUZZ_SECONDS given to npm test applies to every target (FUZZ_SECONDS_<TARGET>
  # set as well still wins for that target).
  export FUZZ_SECONDS=${FUZZ_SECONDS:-3}
  background "sanitizers and fuzzing (scripts/fuzz.sh)" bash scripts/fuzz.sh
fi

# A failed build still waits for the background lines below: their results
# are reported, and no compiler or fuzzer is left running.
stage "build (if needed)"
build=0
node scripts/build.mjs --if-needed || build=$?

jest=0
if [ $build = 0 ]; then
  stage "JS (Jest, $tier tier)"
  FERNET_TEST_TIER=$tier node --experimental-vm-modules node_modules/jest/bin/jest.js --ci "$@" || jest=$?
fi

failed=()
for i in "${!pids[@]}"; do
  status=0
  wait "${pids[$i]}" || status=$?
  stage "${names[$i]}: $([ $status = 0 ] && echo passed || echo "FAILED ($status)")"
  cat "$logs/$i.log"
  [ $status = 0 ] || failed+=("${names[$i]}")
done
pids=()
[ $build = 0 ] || failed+=("the wasm build (so no Jest)")
[ $jest = 0 ] || failed+=("Jest")
if [ ${#failed[@]} -gt 0 ]; then
  echo "test: $tier tier FAILED after $(($(date +%s) - started)) s: ${failed[*]}" >&2
  exit 1
fi
echo "test: $tier tier passed in $(($(date +%s) - started)) s"
