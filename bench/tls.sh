#!/bin/sh
# bench/tls.sh — issue 5: the standard Timeline17 evaluation, timed.
#
# Runs `newsline tls-eval` on ../shared/data/t17 (ingest and date tagging of
# the 17 folders into one temporary archive per topic, 19 timelines, scoring
# with alignment-based ROUGE and date F1) for the DATEWISE baseline and the
# newsline method, and prints each table beside the published figures of
# DATEWISE and SUnSET that tls-eval prints. Wall and CPU time are measured
# around the whole command (GNU time when present). The published DATEWISE
# code needs about 16 s per task on 16 cores after a slow preprocessing pass.
#
# Environment: BENCH_T17 (dataset, default ../shared/data/t17), NEWSLINE (the
# binary, default build/newsline), BENCH_METHODS (default "datewise newsline").
set -eu
cd "$(dirname "$0")/.."

DATA=${BENCH_T17:-../shared/data/t17}
NL=${NEWSLINE:-build/newsline}
METHODS=${BENCH_METHODS:-datewise newsline}
[ -x "$NL" ] || make -s "$NL"
if [ ! -d "$DATA" ]; then
	echo "tls: $DATA not found; skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TIME=""
if [ -x /usr/bin/time ]; then TIME="/usr/bin/time -f %e\t%U\t%S\t%M -o $tmp/time"; fi

for m in $METHODS; do
	echo "--- method $m"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	$TIME "$NL" tls-eval --quiet --method "$m" --out "$tmp/$m.jsonl" "$DATA" \
		>"$tmp/$m.out" 2>"$tmp/$m.err" || { cat "$tmp/$m.err"; exit 1; }
	t1=$(date +%s.%N)
	cat "$tmp/$m.out"
	if [ -n "$TIME" ]; then
		awk -F'\t' '{ printf "whole command: %.2f s wall, %.2f s CPU, peak memory %.0f MB\n",
			$1, $2 + $3, $4 / 1024 }' "$tmp/time"
	else
		echo "$t0 $t1" | awk '{ printf "whole command: %.2f s wall\n", $2 - $1 }'
	fi
	echo
done
