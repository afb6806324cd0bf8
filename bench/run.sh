#!/bin/sh
# bench/run.sh — run every benchmark script that exists (`make bench`).
#
# Each of the scripts below runs when it is present and executable; a failing
# script is reported and the others still run. Environment variables (e.g.
# BENCH_LIMIT=50000 for a quick run) pass through to every script; see
# bench/README.md. Exit status: 0 when every script that ran succeeded.
cd "$(dirname "$0")/.." || exit 1

SCRIPTS="ingest speed ir tempeval3 dedup tls"
ran="" failed="" missing=""
for s in $SCRIPTS; do
	f="bench/$s.sh"
	if [ ! -x "$f" ]; then
		missing="$missing $s"
		continue
	fi
	echo "==> $f ($(date -u +%H:%M:%SZ))"
	if "$f"; then
		ran="$ran $s"
	else
		echo "==> $f failed with status $?" >&2
		failed="$failed $s"
	fi
	echo
done
echo "bench: ran:${ran:- none}; failed:${failed:- none}; not present:${missing:- none}"
[ -z "$failed" ]
