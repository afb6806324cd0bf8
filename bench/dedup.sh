#!/bin/sh
# bench/dedup.sh — issue 6: syndicated-copy detection (src/dedup) measured by
# bench/dupgen on labelled copies of real articles, and on the scale corpus.
#
#   bench/dedup.sh                      full run (about a minute of CPU)
#   BENCH_LIMIT=50000 bench/dedup.sh    first 50,000 records of each scale file
#
# Environment: BENCH_LIMIT (records per scale file, 0 = all), BENCH_SEEDS
# (seeds of the labelled set, default "42 7"), SHARED (default ../shared).
#
# Printed per seed: copy recall (a copy grouped with its source), pairwise
# precision and recall over the groups (raw, and with the corpus's own near
# copies counted as one story), merged hard negatives (different T17 articles
# on the same topic and day), the threshold grid and similarity quantiles
# from which the thresholds in src/dedup/dedup.c were chosen, and the fall-off
# for excerpts keeping less than half. Then, per scale file: exact duplicates
# (equal lowercased letter-and-digit token sequences) grouped, near merges,
# throughput per core (CPU time of the detector alone) and memory.
# docs/DEDUP.md explains the numbers.
set -eu
cd "$(dirname "$0")/.."

LIMIT=${BENCH_LIMIT:-0}
SEEDS=${BENCH_SEEDS:-42 7}
SHARED=${SHARED:-../shared}

make -s build/bench/dupgen >/dev/null || { echo "dedup: cannot build build/bench/dupgen" >&2; exit 1; }

for s in $SEEDS; do
	build/bench/dupgen --seed "$s" --shared "$SHARED" --limit "$LIMIT" --no-scale --show 3
	echo
done
build/bench/dupgen --shared "$SHARED" --limit "$LIMIT" --only-scale --show 0
