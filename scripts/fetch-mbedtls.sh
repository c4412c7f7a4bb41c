#!/usr/bin/env bash
# Puts mbedTLS 3.6.6 (the 3.6 LTS line) into third_party/mbedtls-3.6.6, from
# Debian's source package, checked against a pinned SHA-256. Reuses what is
# already there. MBEDTLS_SOURCE_DIR, when set, wins and nothing is fetched.
#
# The deb-src entry is built from the machine's own apt sources (its Debian
# mirror), in a private apt state folder: the system's apt configuration is
# neither read for sources nor changed.
set -euo pipefail

VERSION=3.6.6
DEBIAN_VERSION=3.6.6-0.1~deb13u1
SUITE=trixie
ORIG=mbedtls_${VERSION}.orig.tar.bz2
SHA256=8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/third_party/mbedtls-$VERSION"

if [ -n "${MBEDTLS_SOURCE_DIR:-}" ]; then
  [ -f "$MBEDTLS_SOURCE_DIR/include/mbedtls/aes.h" ] || {
    echo "MBEDTLS_SOURCE_DIR=$MBEDTLS_SOURCE_DIR does not look like an mbedTLS source tree" >&2; exit 1; }
  echo "mbedTLS: using MBEDTLS_SOURCE_DIR=$MBEDTLS_SOURCE_DIR"
  exit 0
fi
if [ -f "$dest/.verified" ]; then
  exit 0
fi

work="$root/third_party/.apt-source"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/download"

# The Debian mirror this machine already uses (deb822 or one-line format).
mirror=$( (cat /etc/apt/sources.list.d/*.sources 2>/dev/null; true) |
  awk '/^URIs:/ {print $2}' | grep -v -- '-security' | grep '/debian/\?$' | head -n1 || true)
if [ -z "$mirror" ]; then
  mirror=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null; true) |
    awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) {print $i; break}}' |
    grep -v -- '-security' | grep '/debian/\?$' | head -n1 || true)
fi
[ -n "$mirror" ] || { echo "fetch-mbedtls: no Debian mirror found in /etc/apt sources" >&2; exit 1; }

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb-src [signed-by=$keyring] $mirror $SUITE main" > "$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o "APT::Sandbox::User=root")

if [ ! -f "$work/download/$ORIG" ]; then
  echo "mbedTLS: fetching Debian source package mbedtls=$DEBIAN_VERSION ($SUITE)"
  apt-get "${apt_opts[@]}" -qq update
  (cd "$work/download" && apt-get "${apt_opts[@]}" -qq source --download-only "mbedtls=$DEBIAN_VERSION")
fi

echo "$SHA256  $work/download/$ORIG" | sha256sum --check --quiet - || {
  echo "fetch-mbedtls: SHA-256 mismatch for $ORIG; refusing to use it" >&2
  rm -f "$work/download/$ORIG"; exit 1; }

rm -rf "$dest" "$dest.tmp"
mkdir -p "$dest.tmp"
tar -xjf "$work/download/$ORIG" -C "$dest.tmp" --strip-components=1
mv "$dest.tmp" "$dest"
echo "$SHA256  $ORIG" > "$dest/.verified"
echo "mbedTLS $VERSION ready in ${dest#"$root"/}"
