#!/usr/bin/env bash
# Puts mbedTLS 3.6.6 (the 3.6 LTS line) where the build finds it. The version
# and the SHA-256 of its release archive are pinned here, once; every archive
# used is checked against that hash before it is unpacked.
#
# Where the sources come from, first match wins:
#   MBEDTLS_SOURCE_DIR=path   an unpacked tree, used in place (its version
#                             header must say 3.6.6; nothing is fetched)
#   MBEDTLS_ARCHIVE=path      a local copy of the release archive (hash-checked),
#                             unpacked into third_party/mbedtls-3.6.6
#   third_party/mbedtls-3.6.6 already unpacked from a checked archive: reused
#   Debian's source package   when the machine's apt sources name a Debian
#                             mirror (the mirror is read from them; no host is
#                             written here). Its orig tarball is the upstream
#                             release archive byte for byte: same SHA-256.
#   the upstream release      anywhere else (curl or wget), from UPSTREAM_URL
# MBEDTLS_FETCH=upstream or MBEDTLS_FETCH=debian forces one of the last two.
#
# The apt route runs in a private apt state folder: the system's apt
# configuration is neither read for sources nor changed.
set -euo pipefail

VERSION=3.6.6
SHA256=8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a
UPSTREAM_URL=https://github.com/Mbed-TLS/mbedtls/releases/download/mbedtls-$VERSION/mbedtls-$VERSION.tar.bz2
DEBIAN_VERSION=3.6.6-0.1~deb13u1
DEBIAN_SUITE=trixie
DEBIAN_ORIG=mbedtls_${VERSION}.orig.tar.bz2

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/third_party/mbedtls-$VERSION"
have() { command -v "$1" >/dev/null 2>&1; }
fail() { echo "fetch-mbedtls: $*" >&2; exit 1; }

# SHA-256 of a file with whatever the system has (GNU, BSD/macOS, OpenSSL, Node).
sha256_of() {
  if have sha256sum; then sha256sum "$1" | cut -d' ' -f1
  elif have shasum; then shasum -a 256 "$1" | cut -d' ' -f1
  elif have openssl; then openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  elif have node; then node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1])).digest("hex"))' "$1"
  else fail "no SHA-256 tool (sha256sum, shasum, openssl or node)"; fi
}

# The version a source tree declares (include/mbedtls/build_info.h in 3.x).
tree_version() {
  sed -n 's/^#define MBEDTLS_VERSION_STRING  *"\([^"]*\)".*/\1/p' "$1/include/mbedtls/build_info.h" 2>/dev/null || true
}

# Checks the archive against the pin, then unpacks it as third_party/mbedtls-3.6.6.
unpack() {
  local archive=$1 actual
  actual=$(sha256_of "$archive")
  [ "$actual" = "$SHA256" ] || fail "SHA-256 mismatch for $archive: $actual, expected $SHA256; refusing to use it"
  rm -rf "$dest" "$dest.tmp"
  mkdir -p "$dest.tmp"
  tar -xjf "$archive" -C "$dest.tmp" --strip-components=1
  [ "$(tree_version "$dest.tmp")" = "$VERSION" ] || fail "$archive does not unpack to mbedTLS $VERSION"
  mv "$dest.tmp" "$dest"
  echo "$SHA256  mbedtls-$VERSION.tar.bz2" > "$dest/.verified"
  echo "mbedTLS $VERSION ready in ${dest#"$root"/} (SHA-256 checked)"
}

if [ -n "${MBEDTLS_SOURCE_DIR:-}" ]; then
  found=$(tree_version "$MBEDTLS_SOURCE_DIR")
  [ "$found" = "$VERSION" ] ||
    fail "MBEDTLS_SOURCE_DIR=$MBEDTLS_SOURCE_DIR is not an mbedTLS $VERSION tree (its build_info.h says '${found:-nothing}')"
  echo "mbedTLS: using MBEDTLS_SOURCE_DIR=$MBEDTLS_SOURCE_DIR ($VERSION)"
  exit 0
fi
if [ -n "${MBEDTLS_ARCHIVE:-}" ]; then
  [ -f "$MBEDTLS_ARCHIVE" ] || fail "MBEDTLS_ARCHIVE=$MBEDTLS_ARCHIVE: no such file"
  unpack "$MBEDTLS_ARCHIVE"
  exit 0
fi
if [ -f "$dest/.verified" ] && grep -q "^$SHA256 " "$dest/.verified"; then
  exit 0
fi

# The Debian mirror this machine already uses (deb822 or one-line format), if any.
debian_mirror() {
  local mirror
  mirror=$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null; true) |
    awk '/^URIs:/ {print $2}' | grep -v -- '-security' | grep '/debian/\?$' | head -n1 || true)
  if [ -z "$mirror" ]; then
    mirror=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null; true) |
      awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) {print $i; break}}' |
      grep -v -- '-security' | grep '/debian/\?$' | head -n1 || true)
  fi
  echo "$mirror"
}

work="$root/third_party/.download"
mkdir -p "$work"
route=${MBEDTLS_FETCH:-}
mirror=""
if [ "$route" != upstream ] && have apt-get; then mirror=$(debian_mirror); fi
if [ -z "$route" ]; then
  if [ -n "$mirror" ]; then route=debian; else route=upstream; fi
fi

case "$route" in
  debian)
    [ -n "$mirror" ] || fail "MBEDTLS_FETCH=debian, but no Debian mirror in the apt sources (or no apt-get)"
    archive="$work/$DEBIAN_ORIG"
    if [ ! -f "$archive" ]; then
      state="$work/apt"
      mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/source"
      keyring=/usr/share/keyrings/debian-archive-keyring.gpg
      echo "deb-src [signed-by=$keyring] $mirror $DEBIAN_SUITE main" > "$state/sources.list"
      apt_opts=(-o "Dir::Etc::SourceList=$state/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
                -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache" -o "APT::Sandbox::User=root")
      echo "mbedTLS: fetching Debian source package mbedtls=$DEBIAN_VERSION ($DEBIAN_SUITE)"
      apt-get "${apt_opts[@]}" -qq update
      (cd "$state/source" && apt-get "${apt_opts[@]}" -qq source --download-only "mbedtls=$DEBIAN_VERSION")
      mv "$state/source/$DEBIAN_ORIG" "$archive"
    fi
    ;;
  upstream)
    archive="$work/mbedtls-$VERSION.tar.bz2"
    if [ ! -f "$archive" ]; then
      echo "mbedTLS: fetching $UPSTREAM_URL"
      if have curl; then get=(curl -fsSL -o "$archive.part" "$UPSTREAM_URL")
      elif have wget; then get=(wget -q -O "$archive.part" "$UPSTREAM_URL")
      else fail "neither curl nor wget to fetch $UPSTREAM_URL; download it yourself and set MBEDTLS_ARCHIVE=path"; fi
      "${get[@]}" || { rm -f "$archive.part"
        fail "could not download $UPSTREAM_URL; download it yourself and set MBEDTLS_ARCHIVE=path (or MBEDTLS_SOURCE_DIR)"; }
      mv "$archive.part" "$archive"
    fi
    ;;
  *) fail "MBEDTLS_FETCH must be 'debian' or 'upstream', not '$route'" ;;
esac

# A download that fails the check is deleted, so the next run fetches afresh.
if ! (unpack "$archive"); then rm -f "$archive"; exit 1; fi
