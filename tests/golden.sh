#!/bin/sh
# Golden CLI tests: each tests/golden/<case>/ has `cmd` (a shell script run with
# $NL = the newsline binary, $DB = a fresh archive path, $FIX = tests/fixtures,
# $SHARED = ../shared) and `expected` (its stdout and stderr, then "[exit N]").
# Timings ("in 0.12 s", "seconds", "took_us") and archive sizes in bytes (which
# depend on the length of the checkout's path) are masked before comparing.
# Usage: tests/golden.sh BINARY [CASE...]   Set GOLDEN_UPDATE=1 to rewrite expected files.
set -u
NL_BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${NEWSLINE_SHARED:-$ROOT/../shared}
cases=${*:-$(ls "$ROOT/tests/golden")}
pass=0; fail=0; skip=0
for c in $cases; do
	d=$ROOT/tests/golden/$c
	[ -f "$d/cmd" ] || continue
	if grep -q 'SHARED' "$d/cmd" && [ ! -d "$SHARED/data" ]; then
		skip=$((skip + 1)); continue
	fi
	tmp=$(mktemp -d)
	out=$(cd "$ROOT" && NL=$NL_BIN DB=$tmp/db FIX=tests/fixtures SHARED=$SHARED \
		TMP=$tmp sh "$d/cmd" 2>&1; echo "[exit $?]")
	out=$(printf '%s\n' "$out" | sed -E -e 's/in [0-9]+\.[0-9]+ s/in X s/g' \
		-e 's/"seconds":[0-9.]+/"seconds":X/g' -e 's/"took_us":[0-9]+/"took_us":X/g' \
		-e 's/"bytes":[0-9]+/"bytes":X/g' -e 's/\(([0-9]+) bytes\)/(X bytes)/g' -e "s#$tmp#TMP#g" -e "s#$ROOT/##g")
	if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
		printf '%s\n' "$out" > "$d/expected"
	fi
	if printf '%s\n' "$out" | diff -u "$d/expected" - > "$tmp/diff"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "golden: $c FAILED"
		head -60 "$tmp/diff"
	fi
	rm -rf "$tmp"
done
echo "golden: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
