#!/usr/bin/env bash
# Checks for (and, on Debian/Ubuntu only, installs) what building and testing
# need: Emscripten, CMake, make, a C++17 compiler, GoogleTest, clang with
# libFuzzer, Python's cryptography, Chromium, bzip2; then the mbedTLS 3.6.6
# sources (scripts/fetch-mbedtls.sh) and, with --npm, the npm dev dependencies.
# Elsewhere nothing is installed: it prints exactly what is missing and fails.
# CXX and CHROMIUM_PATH, when set, are the compiler and browser checked.
#
# Only `npm start`, `npm test` and `npm run setup` run this; `npm run build`
# and `npm pack` never do (they only report what is missing).
#   --npm     also the npm dev dependencies (npm ci), when missing or stale
#   --build   only what building dist/ needs (npm start): no test tools
#             (native compiler, GoogleTest, clang's libFuzzer, Python, Chromium)
set -euo pipefail
# (Empty arrays are expanded as ${a[@]+"${a[@]}"}: bash 3.2, macOS's, rejects "${a[@]}" under set -u.)
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

have() { command -v "$1" >/dev/null 2>&1; }
npm=false build_only=false
for arg in "$@"; do
  case "$arg" in
    --npm) npm=true ;;
    --build) build_only=true ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

os_id=$( (. /etc/os-release 2>/dev/null && echo "${ID:-} ${ID_LIKE:-}") || true)
apt=false
if have apt-get && [[ " $os_id " =~ [[:space:]](debian|ubuntu)[[:space:]] ]]; then apt=true; fi

packages=()   # what apt-get would install
missing=()    # the same, in words, for a person to provide
blockers=()   # what no package fixes (a CXX or CHROMIUM_PATH that is wrong)
need() { packages+=("$1"); missing+=("$2"); }

# libFuzzer and the sanitizer runtimes are there when a fuzz target links.
fuzzer_links() {
  local cxx dir ok=1
  for cxx in clang++ clang++-19 clang++-18 clang++-17 clang++-16 clang++-15 clang++-14; do
    have "$cxx" || continue
    dir=$(mktemp -d)
    printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$dir/t.cpp"
    if "$cxx" -fsanitize=fuzzer,address,undefined "$dir/t.cpp" -o "$dir/t" >/dev/null 2>&1; then ok=0; fi
    rm -rf "$dir"
    return $ok
  done
  return 1
}

gtest_found() {
  local d
  for d in /usr/include /usr/local/include /opt/homebrew/include ${GTEST_ROOT:+"$GTEST_ROOT/include"}; do
    [ -f "$d/gtest/gtest.h" ] && return 0
  done
  return 1
}

have emcc || need emscripten "Emscripten: emcc on PATH (an activated emsdk, or your distribution's package)"
have cmake || need cmake "CMake 3.20 or newer"
have make || need make "make (CMake's default generator)"
have bzip2 || need bzip2 "bzip2 (unpacks the mbedTLS release archive)"
if ! $build_only; then
  if [ -n "${CXX:-}" ]; then
    have "$CXX" || blockers+=("CXX=$CXX: no such compiler (unset it, or point it at a C++17 compiler)")
  elif ! have c++ && ! have g++ && ! have clang++; then
    need g++ "a C++17 compiler (c++, g++ or clang++ on PATH, or CXX)"
  fi
  gtest_found || need libgtest-dev "GoogleTest (headers and CMake package; GTEST_ROOT if not in a standard prefix)"
  if ! fuzzer_links; then
    need clang "clang++ with libFuzzer and the ASan/UBSan runtimes (scripts/fuzz.sh)"
    packages+=(libclang-rt-dev)
  fi
  python=python3
  [ -x /usr/bin/python3 ] && python=/usr/bin/python3
  "$python" -c 'import cryptography' >/dev/null 2>&1 || need python3-cryptography "Python 3 with the cryptography package ($python)"
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    [ -x "$CHROMIUM_PATH" ] || blockers+=("CHROMIUM_PATH=$CHROMIUM_PATH: not an executable")
  elif ! have chromium && ! have chromium-browser; then
    if [[ " $os_id " =~ [[:space:]]ubuntu[[:space:]] ]]; then chromium=chromium-browser; else chromium=chromium; fi
    need "$chromium" "Chromium for the browser tests (chromium on PATH, or CHROMIUM_PATH=/path/to/chrome)"
  fi
fi
# Debian's source package is where mbedTLS comes from on Debian (apt-get source).
if $apt && ! dpkg -s dpkg-dev >/dev/null 2>&1; then need dpkg-dev "dpkg-dev (apt-get source)"; fi

if [ ${#blockers[@]} -gt 0 ] || { [ ${#missing[@]} -gt 0 ] && ! $apt; }; then
  echo "setup: cannot build and test yet; missing:" >&2
  for item in ${blockers[@]+"${blockers[@]}"} ${missing[@]+"${missing[@]}"}; do [ -n "$item" ] && echo "  - $item" >&2; done
  $apt || echo "setup: packages are installed automatically on Debian/Ubuntu only; see CONTRIBUTING.md" >&2
  exit 1
fi
if [ ${#packages[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${packages[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=(); elif have sudo; then sudo=(sudo); else
    echo "setup: need root (or sudo) to install: ${packages[*]}" >&2; exit 1
  fi
  ${sudo[@]+"${sudo[@]}"} apt-get update -qq
  DEBIAN_FRONTEND=noninteractive ${sudo[@]+"${sudo[@]}"} apt-get install -y -qq "${packages[@]}" >/dev/null
fi

bash scripts/fetch-mbedtls.sh

if $npm && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "setup: installing npm dev dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
