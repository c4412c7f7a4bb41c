#!/usr/bin/env bash
# Native hardening of the C++ core with clang: the GoogleTest suite under
# ASan+UBSan, then each libFuzzer target (fuzz/) for FUZZ_SECONDS, two at a
# time (one per core). Any sanitizer report, crash, broken property, leak or
# timeout fails the script; the input that caused it is kept in
# build-fuzz/findings/ and printed as base64.
#
#   bash scripts/fuzz.sh                       # as CI runs it (40 s per target)
#   FUZZ_SECONDS=3600 bash scripts/fuzz.sh     # a longer campaign
#   bash scripts/fuzz.sh decrypt key           # only these targets
#   build-fuzz/fuzz_decrypt build-fuzz/findings/crash-...   # replay a finding
#
# Seeds are written fresh from the official vectors (FERNET_VECTORS_DIR, by
# default ../shared/vectors/fernet-spec beside the clone) and from tokens
# Python's cryptography makes on the spot (fuzz/seeds.py).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=${FUZZ_SECONDS:-40}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decrypt decrypt_signed decrypt_ttl key multifernet stream)
build=build-fuzz
vectors=${FERNET_VECTORS_DIR:-$root/../shared/vectors/fernet-spec}

echo "== native core under ASan+UBSan (clang-14), and libFuzzer"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFERNET_FUZZ=ON >/dev/null
cmake --build "$build" --parallel >/dev/null
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$build" --output-on-failure --parallel 2 | tail -n 3

# Secrets (MACs, key text) are compared only with mbedtls_ct_memcmp: the
# core's objects must not call a library comparison, which may exit early.
imports=$(nm -u "$build/libfernet_core.a")
if grep -qwE 'memcmp|bcmp|strcmp|strncmp' <<<"$imports" || ! grep -qw mbedtls_ct_memcmp <<<"$imports"; then
  echo "fuzz: the core calls a non-constant-time comparison:" >&2
  grep -wE 'memcmp|bcmp|strcmp|strncmp|mbedtls_ct_memcmp' <<<"$imports" >&2 || true
  exit 1
fi

rm -rf "$build/corpus" "$build/findings"
mkdir -p "$build/findings"
if [ -f "$vectors/generate.json" ]; then
  python3 fuzz/seeds.py "$build/corpus" "$vectors"
elif [ -n "${CI:-}" ]; then
  echo "fuzz: official vectors missing in CI: $vectors" >&2
  exit 1
else
  echo "fuzz: vectors not found at $vectors; seeding from Python-made tokens only" >&2
  python3 fuzz/seeds.py "$build/corpus"
fi

run_target() {
  local name=$1
  mkdir -p "$build/corpus/$name"
  "$build/fuzz_$name" "$build/corpus/$name" -max_total_time="$seconds" -max_len=4096 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/findings/$name-" >"$build/fuzz_$name.log" 2>&1
}

failed=()
running=()
for name in "${targets[@]}"; do
  [ -x "$build/fuzz_$name" ] || { echo "fuzz: no target fuzz_$name" >&2; exit 1; }
  run_target "$name" & running+=("$!:$name")
  if [ ${#running[@]} -ge 2 ]; then
    entry=${running[0]}; running=("${running[@]:1}")
    wait "${entry%%:*}" || failed+=("${entry#*:}")
  fi
done
for entry in "${running[@]}"; do wait "${entry%%:*}" || failed+=("${entry#*:}"); done

for name in "${targets[@]}"; do
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz_$name.log" | grep -o '[0-9]*$' || true)
  echo "fuzz_$name: ${runs:-?} inputs in ${seconds} s, corpus $(ls "$build/corpus/$name" | wc -l)"
done
if [ ${#failed[@]} -gt 0 ]; then
  for name in "${failed[@]}"; do
    echo "== fuzz_$name FAILED; log tail:" >&2
    tail -n 40 "$build/fuzz_$name.log" >&2
    for finding in "$build/findings/$name-"*; do
      [ -f "$finding" ] && echo "finding $finding (base64): $(base64 -w0 "$finding")" >&2
    done
  done
  exit 1
fi
