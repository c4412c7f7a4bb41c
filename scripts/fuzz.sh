#!/usr/bin/env bash
# Native hardening of the C++ core with clang: the GoogleTest suite under
# ASan+UBSan, then each libFuzzer target (fuzz/) for a number of seconds, two
# at a time (one per core). Any sanitizer report, crash, broken property, leak
# or timeout fails the script; the input that caused it is kept in
# build-fuzz/findings/ and printed as base64.
#
#   npm run fuzz -- 3600                       # a long campaign: 3600 s per target
#   bash scripts/fuzz.sh 600 decrypt key       # only these targets, 600 s each
#   npm run fuzz -- --keep 600                 # and keep what it found (fuzz/corpus/)
#   FUZZ_SECONDS=3 bash scripts/fuzz.sh        # as npm test runs it (scripts/test.sh)
#   build-fuzz/fuzz_decrypt build-fuzz/findings/crash-...   # replay a finding
#
# The compiler is CC/CXX when they name clang (libFuzzer is clang's), otherwise
# the first clang pair on PATH (clang, then clang-19 ... clang-14).
# FUZZ_SECONDS_<TARGET> (e.g. FUZZ_SECONDS_STREAM) overrides the seconds for
# one target; the targets given the most time start first.
# Seeds are written fresh from the official vectors in tests/vectors/, from
# tokens Python's cryptography makes on the spot, and from the inputs earlier
# campaigns kept in fuzz/corpus/ (fuzz/seeds.py). With --keep, a passing run
# replaces each target's kept inputs with the smallest set of its corpus that
# has all the coverage the fresh seeds lack (libFuzzer's -merge=1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

keep=0
if [ "${1:-}" = --keep ]; then keep=1; shift; fi
seconds=${FUZZ_SECONDS:-60}
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decrypt decrypt_signed decrypt_ttl key multifernet stream kdf base64url)
build=build-fuzz

have() { command -v "$1" >/dev/null 2>&1; }
is_clang() { "$1" --version 2>/dev/null | grep -qi clang; }
# CC/CXX may name gcc for the other builds; only a clang pair can fuzz.
if [ -z "${CC:-}" ] || [ -z "${CXX:-}" ] || ! is_clang "$CC" || ! is_clang "$CXX"; then
  CC= CXX=
  for v in "" -19 -18 -17 -16 -15 -14; do
    if have "clang$v" && have "clang++$v"; then CC=clang$v CXX=clang++$v; break; fi
  done
fi
if [ -z "$CC" ]; then
  echo "fuzz: needs clang with libFuzzer and the sanitizer runtimes: set CC/CXX to clang and clang++" >&2
  echo "      (on Debian/Ubuntu, npm run setup installs them)" >&2
  exit 1
fi
export CC CXX

echo "== native core under ASan+UBSan ($CXX), and libFuzzer ($seconds s per target)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFERNET_FUZZ=ON >/dev/null
# One job per core: a bare --parallel lets make start every job at once.
jobs=${CMAKE_BUILD_PARALLEL_LEVEL:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)}
cmake --build "$build" --parallel "$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$build" --output-on-failure --parallel "$jobs" >"$build/ctest.log" 2>&1 ||
  { cat "$build/ctest.log"; exit 1; }
tail -n 3 "$build/ctest.log"

# Secrets (MACs, key text) are compared only with mbedtls_ct_memcmp: the
# core's objects must not call a library comparison, which may exit early.
imports=$(nm -u "$build/libfernet_core.a")
# (Mach-O names carry a leading underscore, ELF names do not.)
unsafe='(^|[[:space:]])_?(memcmp|bcmp|strcmp|strncmp)$'
if grep -qE "$unsafe" <<<"$imports" || ! grep -qE '(^|[[:space:]])_?mbedtls_ct_memcmp$' <<<"$imports"; then
  echo "fuzz: the core calls a non-constant-time comparison:" >&2
  grep -E "$unsafe|mbedtls_ct_memcmp\$" <<<"$imports" >&2 || true
  exit 1
fi

rm -rf "$build/corpus" "$build/findings"
mkdir -p "$build/findings"
python3 fuzz/seeds.py "$build/corpus" tests/vectors

# This target's seconds: FUZZ_SECONDS_<NAME> if set, else the common value.
seconds_for() {
  local var
  var=FUZZ_SECONDS_$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')
  echo "${!var:-$seconds}"
}

run_target() {
  local name=$1
  mkdir -p "$build/corpus/$name"
  "$build/fuzz_$name" "$build/corpus/$name" -max_total_time="$(seconds_for "$name")" -max_len=4096 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/findings/$name-" >"$build/fuzz_$name.log" 2>&1
}

# Two at a time (one per core), longest first, and a target starts as soon as
# either lane is free (bash 3.2, macOS's, has no wait -n: the lanes are polled).
order=$(for name in "${targets[@]}"; do echo "$(seconds_for "$name") $name"; done | sort -k1,1nr -s | cut -d' ' -f2)
for name in $order; do
  [ -x "$build/fuzz_$name" ] || { echo "fuzz: no target fuzz_$name" >&2; exit 1; }
done
failed=()
running=()
# Waits until fewer than $1 targets are running, collecting the ones that ended.
settle() {
  local entry still
  while [ ${#running[@]} -ge "$1" ]; do
    still=()
    for entry in "${running[@]}"; do
      if kill -0 "${entry%%:*}" 2>/dev/null; then still+=("$entry"); else wait "${entry%%:*}" || failed+=("${entry#*:}"); fi
    done
    running=(${still[@]+"${still[@]}"})
    if [ ${#running[@]} -ge "$1" ]; then sleep 0.2; fi
  done
}
for name in $order; do
  settle 2
  run_target "$name" & running+=("$!:$name")
done
settle 1

for name in "${targets[@]}"; do
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz_$name.log" | grep -o '[0-9]*$' || true)
  echo "fuzz_$name: ${runs:-?} inputs in $(seconds_for "$name") s, corpus $(ls "$build/corpus/$name" | wc -l)"
done
if [ ${#failed[@]} -gt 0 ]; then
  for name in "${failed[@]}"; do
    echo "== fuzz_$name FAILED; log tail:" >&2
    tail -n 40 "$build/fuzz_$name.log" >&2
    for finding in "$build/findings/$name-"*; do
      [ -f "$finding" ] && echo "finding $finding (base64): $(base64 <"$finding" | tr -d '\n')" >&2
    done
  done
  exit 1
fi

if [ $keep = 1 ]; then
  # Fresh seeds first: only inputs that add coverage beyond them are kept.
  rm -rf "$build/fresh" "$build/merged"
  python3 fuzz/seeds.py --fresh "$build/fresh" tests/vectors >/dev/null
  for name in "${targets[@]}"; do
    mkdir -p "$build/fresh/$name" "$build/merged/$name"
    cp -R "$build/fresh/$name/." "$build/merged/$name/"
    "$build/fuzz_$name" -merge=1 -max_len=4096 "$build/merged/$name" "$build/corpus/$name" \
      >"$build/merge_$name.log" 2>&1
    for seed in "$build/fresh/$name/"*; do [ -f "$seed" ] && rm -f "$build/merged/$name/$(basename "$seed")"; done
    python3 fuzz/seeds.py --keep "$name" "$build/merged/$name"
  done
fi
