#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there:
# Debian packages (Emscripten, cmake, g++, GoogleTest, Python's cryptography,
# Chromium for the browser tests), mbedTLS 3.6.6 sources, and, with --npm,
# the npm dev dependencies.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have emcc || need+=(emscripten)
have cmake || need+=(cmake)
have g++ || need+=(g++)
have make || need+=(make)
have bzip2 || need+=(bzip2)
have chromium || need+=(chromium)
# clang's libFuzzer and sanitizer runtimes, for scripts/fuzz.sh
have clang-14 || need+=(clang-14)
dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
[ -f /usr/include/gtest/gtest.h ] || need+=(libgtest-dev)
dpkg -s dpkg-dev >/dev/null 2>&1 || need+=(dpkg-dev)
/usr/bin/python3 -c 'import cryptography' >/dev/null 2>&1 || need+=(python3-cryptography)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=(); elif have sudo; then sudo=(sudo); else
    echo "setup: need root (or sudo) to install: ${need[*]}" >&2; exit 1
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi

bash scripts/fetch-mbedtls.sh

if [ "${1:-}" = "--npm" ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "setup: installing npm dev dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
