#!/bin/sh
# bench/ingest.sh — issue 2: ingest throughput, peak memory and on-disk size of
# `newsline add` (one core and both cores) beside SQLite FTS5 (bench/fts5load)
# building a full-text index of the same records, in the same run.
#
#   bench/ingest.sh                      full run on the scale corpus
#   BENCH_LIMIT=50000 bench/ingest.sh    first 50,000 records of each file
#
# Environment: BENCH_LIMIT (records per file, 0 = all), BENCH_REPEAT (rounds,
# default 1; the best of them is reported, which damps the noise of other
# work on the machine), BENCH_DATA (folder
# with liveblogs.jsonl.zst and reuters21578.jsonl.zst, default
# ../shared/data/scale), BENCH_KEEP=1 keeps the work folder, NEWSLINE (the
# binary, default build/newsline), BENCH_FTS5_HUGE (default 1: FTS5 also runs
# a second time with glibc's malloc in huge pages, GLIBC_TUNABLES=
# glibc.malloc.hugetlb=1, as newsline's add sets for itself; 0: not), TMPDIR.
#
# Throughput is MB (10^6 bytes) of input text — title + text of every record
# whose text (body) is not blank, as counted by fts5load; records with a blank
# body are skipped by both engines — divided by the wall time of the whole
# command (process start to exit, input decompression and parsing included),
# so both engines share one numerator. Peak memory is GNU
# time's "Maximum resident set size"; CPU time is user + system time, and
# MB/CPU-s is text MB per CPU-second (less sensitive than wall time to other
# load on a shared machine; for 2 threads it shows the cost of the
# parallelism, not its speed); size is `du -sk` of the database file /
# archive folder. With BENCH_LIMIT the subset is written once to .zst files
# that every engine then reads, so all read identical input.
set -eu
cd "$(dirname "$0")/.."

DATA=${BENCH_DATA:-../shared/data/scale}
LIMIT=${BENCH_LIMIT:-0}
REPEAT=${BENCH_REPEAT:-1}
FTS5_HUGE=${BENCH_FTS5_HUGE:-1}
NEWSLINE=${NEWSLINE:-build/newsline}
SRC="$DATA/liveblogs.jsonl.zst $DATA/reuters21578.jsonl.zst"
for f in $SRC; do
	[ -r "$f" ] || { echo "ingest: $f: not readable" >&2; exit 1; }
done

# --- tools ---------------------------------------------------------------------
# Build a bench tool with the Makefile; while the library does not build (others
# are changing it), fall back to linking just src/util, which is all the bench
# tools but fts5load use (it reads input with newsline's reader: no fallback).
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
	trap 'rm -rf "$T"' EXIT HUP INT PIPE TERM
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

# run NAME CMD... : runs CMD under GNU time; leaves $T/NAME.{out,time} and
# "wall cpu rss" (seconds, user+sys seconds, MB; n/a when unknown) in
# $T/NAME.m, and returns CMD's status.
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
	if [ -f "$T/$name.time" ]; then
		awk -F': ' -v w="$(echo "$t0 $t1" | awk '{ print $2 - $1 }')" '
			/User time \(seconds\)/ { c += $2 }
			/System time \(seconds\)/ { c += $2 }
			/Maximum resident set size/ { r = $2 * 1024 / 1e6 }
			END { printf "%.3f %.2f %.1f\n", w, c, r }' "$T/$name.time" >"$T/$name.m"
	else
		echo "$t0 $t1" | awk '{ printf "%.3f n/a n/a\n", $2 - $1 }' >"$T/$name.m"
	fi
	return $st
}
du_mb() { du -sk "$1" | awk '{ printf "%.1f\n", $1 * 1024 / 1e6 }'; }
kv() { sed -n 's/^kv //p' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# best E : fold $T/E.m into E's best-of-rounds figures: least wall and CPU
# time, largest peak RSS (the conservative choice for memory).
best() {
	if [ -f "$T/$1.best" ]; then
		paste -d' ' "$T/$1.best" "$T/$1.m" | awk '
			function lo(a, b) { return a == "n/a" ? b : (b == "n/a" || a < b) ? a : b }
			function hi(a, b) { return a == "n/a" ? b : (b == "n/a" || a > b) ? a : b }
			{ print lo($1, $4), lo($2, $5), hi($3, $6) }' >"$T/$1.tmp"
		mv "$T/$1.tmp" "$T/$1.best"
	else
		cp "$T/$1.m" "$T/$1.best"
	fi
}

# --- the runs: BENCH_REPEAT rounds of fts5, newsline x1, newsline x2 -------------
N1_NOTE="" N2_NOTE=""
[ -x "$NEWSLINE" ] || N1_NOTE="$NEWSLINE missing" N2_NOTE="$NEWSLINE missing"
round=0
while [ $round -lt "$REPEAT" ]; do
	round=$((round + 1))
	[ "$REPEAT" -gt 1 ] && echo "ingest: round $round of $REPEAT" >&2
	run fts5 build/bench/fts5load "$T/fts5.db" $FILES || {
		cat "$T/fts5.out" >&2
		echo "ingest: fts5load failed" >&2
		exit 1
	}
	best fts5
	# newsline's add runs with glibc's huge-page tunable (src/cli/main.c);
	# FTS5 is also run with it, so the gain is not the environment's
	if [ "$FTS5_HUGE" = 1 ]; then
		GLIBC_TUNABLES=glibc.malloc.hugetlb=1 run fts5h build/bench/fts5load "$T/fts5h.db" $FILES || {
			cat "$T/fts5h.out" >&2
			echo "ingest: fts5load (huge pages) failed" >&2
			exit 1
		}
		best fts5h
	fi
	for th in 1 2; do
		eval "note=\$N${th}_NOTE"
		[ -z "$note" ] || continue
		rm -rf "$T/nl$th.db"
		NEWSLINE_THREADS=$th
		export NEWSLINE_THREADS
		if run "nl$th" "$NEWSLINE" add --db "$T/nl$th.db" $FILES; then
			best "nl$th"
		else
			rm -f "$T/nl$th.best"
			eval "N${th}_NOTE=\"newsline add failed: \$(tail -n 1 \"\$T/nl$th.out\")\""
		fi
	done
done
RECORDS=$(kv records "$T/fts5.out")
TEXTB=$(kv text_bytes "$T/fts5.out")
MB=$(echo "$TEXTB" | awk '{ printf "%.1f", $1 / 1e6 }')

# --- report ----------------------------------------------------------------------
# fig E FIELD: 1 wall, 2 cpu, 3 rss, 4 MB/s by wall, 5 MB/s by CPU, 6 size
fig() {
	[ -f "$T/$1.best" ] || { echo n/a; return; }
	case $2 in
	6) du_mb "$T/$1.db" ;;
	*) awk -v f="$2" -v b="$TEXTB" '{
		if (f <= 3) { print $f; exit }
		t = f == 4 ? $1 : $2
		if (t == "n/a" || t <= 0) print "n/a"; else printf "%.2f\n", b / 1e6 / t }' \
		"$T/$1.best" ;;
	esac
}
ratio() {
	case "$1$2" in *n/a*) echo n/a ;; *) echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }' ;; esac
}
for e in fts5 fts5h nl1 nl2; do
	for k in 1 2 3 4 5 6; do
		eval "${e}_$k=\$(fig $e $k)"
	done
done

echo "== ingest (issue 2): $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m)"
if [ "$LIMIT" -gt 0 ]; then
	echo "input: first $LIMIT records of each of: $SRC"
else
	echo "input: $SRC"
fi
echo "       $RECORDS records with text, $MB MB of text (title+text bytes)"
printf '%-21s %8s %7s %7s %9s %12s %8s\n' engine 'wall s' 'MB/s' 'CPU s' 'MB/CPU-s' \
	'peak RSS MB' 'size MB'
line() {
	eval "printf '%-21s %8s %7s %7s %9s %12s %8s\n' \"\$1\" \"\$${2}_1\" \"\$${2}_4\" \
		\"\$${2}_2\" \"\$${2}_5\" \"\$${2}_3\" \"\$${2}_6\""
}
line "newsline (1 thread)" nl1
line "newsline (2 threads)" nl2
line "sqlite fts5" fts5
[ "$FTS5_HUGE" = 1 ] && line "fts5, huge pages" fts5h
echo "ratios newsline/fts5: throughput $(ratio "$nl1_4" "$fts5_4") (1 thread)," \
	"$(ratio "$nl2_4" "$fts5_4") (2 threads); per CPU-second $(ratio "$nl1_5" "$fts5_5")," \
	"$(ratio "$nl2_5" "$fts5_5");"
echo "                      peak RSS $(ratio "$nl1_3" "$fts5_3"), $(ratio "$nl2_3" "$fts5_3");" \
	"size $(ratio "$nl1_6" "$fts5_6"), $(ratio "$nl2_6" "$fts5_6")"
[ "$FTS5_HUGE" = 1 ] && echo "ratios newsline/(fts5 with glibc.malloc.hugetlb=1): throughput" \
	"$(ratio "$nl1_4" "$fts5h_4") (1 thread), $(ratio "$nl2_4" "$fts5h_4") (2 threads)"
echo "goal: throughput >= 2.00 x fts5, peak RSS < 1024 MB, size <= 1.00 x fts5"
[ "$REPEAT" -gt 1 ] && echo "best of $REPEAT rounds (least time, largest RSS)"
echo "fts5:     $(grep '^fts5load:' "$T/fts5.out")"
for th in 1 2; do
	eval "note=\$N${th}_NOTE"
	[ -z "$note" ] && [ -f "$T/nl$th.out" ] && note=$(tail -n 1 "$T/nl$th.out")
	echo "newsline $th thread(s): $note"
done
exit 0
