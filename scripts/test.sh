#!/usr/bin/env bash
# npm test: sets up and builds whatever is missing, then runs every suite:
# the native core under GoogleTest (ctest), then Jest over the built package.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/setup.sh --npm
node scripts/build.mjs --if-needed

echo "== native core (GoogleTest via ctest)"
cmake -S . -B build-native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-native --parallel >/dev/null
ctest --test-dir build-native --output-on-failure

bash scripts/fuzz.sh

echo "== JS API (Jest)"
node --experimental-vm-modules node_modules/jest/bin/jest.js --ci "$@"
