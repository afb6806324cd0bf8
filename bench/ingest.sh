#!/bin/sh
# bench/ingest.sh — issue 2: ingest throughput, peak memory and on-disk size of
# `newsline add` (one core and both cores) beside SQLite FTS5 (bench/fts5load)
# building a full-text index of the same records, in the same run.
#
#   bench/ingest.sh                      full run on the scale corpus
#   BENCH_LIMIT=50000 bench/ingest.sh    first 50,000 records of each file
#
# Environment: BENCH_LIMIT (records per file, 0 = all), BENCH_DATA (folder
# with liveblogs.jsonl.zst and reuters21578.jsonl.zst, default
# ../shared/data/scale), BENCH_KEEP=1 keeps the work folder, NEWSLINE (the
# binary, default build/newsline), TMPDIR.
#
# Throughput is MB (10^6 bytes) of input text — title + text of every record
# with either, as counted by fts5load — divided by the wall time of the whole
# command (process start to exit, input decompression and parsing included),
# so both engines are divided into the same numerator. Peak memory is GNU
# time's "Maximum resident set size"; size is `du -sk` of the database file /
# archive folder. With BENCH_LIMIT the subset is written once to .zst files
# that every engine then reads, so all read identical input.
set -eu
cd "$(dirname "$0")/.."

DATA=${BENCH_DATA:-../shared/data/scale}
LIMIT=${BENCH_LIMIT:-0}
NEWSLINE=${NEWSLINE:-build/newsline}
SRC="$DATA/liveblogs.jsonl.zst $DATA/reuters21578.jsonl.zst"
for f in $SRC; do
	[ -r "$f" ] || { echo "ingest: $f: not readable" >&2; exit 1; }
done

# --- tools ---------------------------------------------------------------------
# Build a bench tool with the Makefile; while the library does not build (others
# are changing it), fall back to linking just src/util, which is all the bench
# tools use.
build_tool() {
	make -s "build/bench/$1" >/dev/null 2>&1 && return 0
	mkdir -p build/bench
	${CC:-cc} -std=c11 -D_GNU_SOURCE -pthread -O2 -Isrc "bench/$1.c" src/util/common.c \
		src/util/buf.c -lsqlite3 -lzstd -lz -ljansson -lxxhash -lm -o "build/bench/$1"
}
build_tool fts5load || { echo "ingest: cannot build bench/fts5load.c" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then
	echo "ingest: installing GNU time" >&2
	{ apt-get install -y -qq time || sudo apt-get install -y -qq time; } >/dev/null 2>&1 || true
fi
TIMEV=""
[ -x /usr/bin/time ] && TIMEV=/usr/bin/time

T=$(mktemp -d "${TMPDIR:-/tmp}/newsline-ingest.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	echo "work folder kept: $T" >&2
else
	trap 'rm -rf "$T"' EXIT INT TERM
fi

FILES=""
if [ "$LIMIT" -gt 0 ]; then
	for f in $SRC; do
		b=$(basename "$f")
		zstd -dc "$f" | head -n "$LIMIT" | zstd -q -1 -o "$T/$b"
		FILES="$FILES $T/$b"
	done
else
	FILES=$SRC
fi
cat $FILES >/dev/null # same warm page cache for every engine

now() { date +%s.%N; }

# run NAME CMD... : runs CMD under GNU time; leaves $T/NAME.{out,time,secs}
# and returns CMD's status.
run() {
	name=$1
	shift
	t0=$(now)
	st=0
	if [ -n "$TIMEV" ]; then
		$TIMEV -v -o "$T/$name.time" "$@" >"$T/$name.out" 2>&1 || st=$?
	else
		"$@" >"$T/$name.out" 2>&1 || st=$?
	fi
	t1=$(now)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }' >"$T/$name.secs"
	return $st
}
rss_mb() { # peak RSS in MB from GNU time -v output, or n/a
	[ -f "$T/$1.time" ] || { echo n/a; return; }
	awk -F: '/Maximum resident set size/ { printf "%.1f\n", $2 * 1024 / 1e6; f = 1 }
		END { if (!f) print "n/a" }' "$T/$1.time"
}
du_mb() { du -sk "$1" | awk '{ printf "%.1f\n", $1 * 1024 / 1e6 }'; }
kv() { sed -n 's/^kv //p' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# --- SQLite FTS5 -----------------------------------------------------------------
run fts5 build/bench/fts5load "$T/fts5.db" $FILES || {
	cat "$T/fts5.out" >&2
	echo "ingest: fts5load failed" >&2
	exit 1
}
RECORDS=$(kv records "$T/fts5.out")
TEXTB=$(kv text_bytes "$T/fts5.out")
MB=$(echo "$TEXTB" | awk '{ printf "%.1f", $1 / 1e6 }')
F_SECS=$(cat "$T/fts5.secs")
F_RSS=$(rss_mb fts5)
F_SIZE=$(du_mb "$T/fts5.db")

# --- newsline, one core and both -------------------------------------------------
for th in 1 2; do
	eval "N${th}_SECS=n/a N${th}_RSS=n/a N${th}_SIZE=n/a N${th}_NOTE="
	if [ ! -x "$NEWSLINE" ]; then
		eval "N${th}_NOTE='$NEWSLINE missing'"
		continue
	fi
	NEWSLINE_THREADS=$th
	export NEWSLINE_THREADS
	if run "nl$th" "$NEWSLINE" add --db "$T/nl$th.db" $FILES; then
		eval "N${th}_SECS=$(cat "$T/nl$th.secs") N${th}_RSS=$(rss_mb "nl$th")"
		eval "N${th}_SIZE=$(du_mb "$T/nl$th.db")"
		eval "N${th}_NOTE=\$(tail -n 1 \"\$T/nl$th.out\")"
	else
		eval "N${th}_NOTE='newsline add failed: '\$(tail -n 1 \"\$T/nl$th.out\")"
	fi
done

# --- report ----------------------------------------------------------------------
mbps() { [ "$1" = n/a ] && echo n/a || echo "$TEXTB $1" | awk '{ printf "%.2f", $1 / 1e6 / $2 }'; }
ratio() { # ratio A B [digits]
	case "$1$2" in *n/a*) echo n/a ;; *) echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }' ;; esac
}
F_MBPS=$(mbps "$F_SECS")
N1_MBPS=$(mbps "$N1_SECS")
N2_MBPS=$(mbps "$N2_SECS")

echo "== ingest (issue 2): $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m)"
if [ "$LIMIT" -gt 0 ]; then
	echo "input: first $LIMIT records of each of: $SRC"
else
	echo "input: $SRC"
fi
echo "       $RECORDS records with text, $MB MB of text (title+text bytes)"
printf '%-22s %9s %9s %13s %10s\n' engine seconds 'MB/s' 'peak RSS MB' 'size MB'
printf '%-22s %9s %9s %13s %10s\n' "newsline (1 thread)" "$N1_SECS" "$N1_MBPS" "$N1_RSS" "$N1_SIZE"
printf '%-22s %9s %9s %13s %10s\n' "newsline (2 threads)" "$N2_SECS" "$N2_MBPS" "$N2_RSS" "$N2_SIZE"
printf '%-22s %9s %9s %13s %10s\n' "sqlite fts5" "$F_SECS" "$F_MBPS" "$F_RSS" "$F_SIZE"
echo "ratios newsline/fts5:  throughput $(ratio "$N1_MBPS" "$F_MBPS") (1 thread)," \
	"$(ratio "$N2_MBPS" "$F_MBPS") (2 threads);" \
	"peak RSS $(ratio "$N1_RSS" "$F_RSS"), $(ratio "$N2_RSS" "$F_RSS");" \
	"size $(ratio "$N1_SIZE" "$F_SIZE"), $(ratio "$N2_SIZE" "$F_SIZE")"
echo "goal: throughput >= 2.00 x fts5, peak RSS < 1024 MB, size <= 1.00 x fts5"
echo "fts5:     $(grep '^fts5load:' "$T/fts5.out")"
[ -n "$N1_NOTE" ] && echo "newsline 1 thread:  $N1_NOTE"
[ -n "$N2_NOTE" ] && echo "newsline 2 threads: $N2_NOTE"
exit 0
