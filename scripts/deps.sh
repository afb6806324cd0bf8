#!/bin/sh
# Install the Debian packages newsline needs to build and test, when missing.
# Idempotent; runs apt-get only if something is absent. Usage: scripts/deps.sh [bench]
set -e
PKGS="gcc make pkg-config clang libclang-rt-14-dev libcriterion-dev libutf8proc-dev \
libstemmer-dev libzstd-dev libxxhash-dev libjansson-dev libyajl-dev zlib1g-dev"
if [ "$1" = bench ]; then
	PKGS="$PKGS sqlite3 libsqlite3-dev liblucene8-java default-jdk-headless python3 zstd"
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
