#!/bin/sh
# bench/speed.sh — issue 3: indexing time, index size and top-10 query latency
# of newsline beside SQLite FTS5 and Lucene 8 on the scale corpus, same
# records and same queries in the same run, with ratios.
#
#   bench/speed.sh                      full run
#   BENCH_LIMIT=50000 bench/speed.sh    first 50,000 records of each file
#
# Environment: BENCH_LIMIT (records per file, 0 = all), BENCH_QUERIES (queries
# per form, default 1000), BENCH_ROUNDS (query rounds, default 3), BENCH_SEED (querygen seed), BENCH_THREADS (indexing
# threads for newsline and Lucene, default 1; FTS5 has one), BENCH_DATA,
# BENCH_KEEP=1 keeps the work folder, NEWSLINE (default build/newsline),
# JAVA_OPTS (default -Xmx2g), LUCENE_WARMUP (least seconds of Lucene warm-up
# per query file, default 10), TMPDIR.
#
# Steps: (1) fts5load builds the FTS5 database (unicode61, 'optimize'
# included); (2) querygen draws the queries from that database's vocabulary
# (OR, AND and phrase forms, same term sets for OR and AND); (3) Lucene
# indexes the same records (EnglishAnalyzer, BM25, stored fields,
# forceMerge(1) included); (4) `newsline add` builds the archive. Indexing
# time is the wall time of each whole command. (5) Every engine runs every
# query file top-10 after a warm-up pass in the same process, as a server
# would run them: fts5query (1 warm-up pass), LuceneSpeed (at least 3 passes
# and LUCENE_WARMUP seconds, for the JIT), `newsline search -n 10 --batch`
# (the query file given twice in one batch; the second pass is timed). This is
# done BENCH_ROUNDS times, the engines taking turns, and each query's latency
# is its least over the rounds (noise on a shared machine only ever adds time;
# the minimum damps it for every engine alike). Latency statistics (median, p99 nearest-rank, mean, all in microseconds) are
# computed here from each engine's per-query latencies, the same way for all.
# newsline's per-query latencies are the "took_us" fields of its JSON lines
# when every line has one; otherwise only the mean (batch wall time / queries,
# process start included) is known and median/p99 print n/a.
set -eu
cd "$(dirname "$0")/.."

DATA=${BENCH_DATA:-../shared/data/scale}
LIMIT=${BENCH_LIMIT:-0}
NQ=${BENCH_QUERIES:-1000}
SEED=${BENCH_SEED:-20261127}
THREADS=${BENCH_THREADS:-1}
NEWSLINE=${NEWSLINE:-build/newsline}
JAVA_OPTS=${JAVA_OPTS:--Xmx2g}
LUCENE_WARMUP=${LUCENE_WARMUP:-10}
ROUNDS=${BENCH_ROUNDS:-3}
SRC="$DATA/liveblogs.jsonl.zst $DATA/reuters21578.jsonl.zst"
for f in $SRC; do
	[ -r "$f" ] || { echo "speed: $f: not readable" >&2; exit 1; }
done

# --- tools ---------------------------------------------------------------------
# As in ingest.sh: the Makefile rule, or src/util alone while the library does
# not build (not for fts5load, which needs the library).
build_tool() {
	make -s "build/bench/$1" >/dev/null 2>&1 && return 0
	mkdir -p build/bench
	${CC:-cc} -std=c11 -D_GNU_SOURCE -pthread -O2 -Isrc "bench/$1.c" src/util/common.c \
		src/util/buf.c -lsqlite3 -lzstd -lz -ljansson -lxxhash -lm -o "build/bench/$1"
}
for t in fts5load querygen fts5query; do
	build_tool $t || { echo "speed: cannot build bench/$t.c" >&2; exit 1; }
done
LUCENE_CP=""
for j in core analyzers-common queryparser; do
	jar=$(ls /usr/share/java/lucene-$j-8*.jar 2>/dev/null | head -n 1)
	[ -n "$jar" ] && LUCENE_CP="$LUCENE_CP$jar:"
done
HAVE_LUCENE=0
if [ -n "$LUCENE_CP" ] && command -v javac >/dev/null; then
	mkdir -p build/bench/lucene
	if javac -nowarn -cp "$LUCENE_CP" -d build/bench/lucene bench/ir/LuceneSpeed.java; then
		HAVE_LUCENE=1
	fi
fi
[ $HAVE_LUCENE = 1 ] || echo "speed: Lucene unavailable (install liblucene8-java" \
	"default-jdk-headless, or run scripts/deps.sh bench); lucene prints n/a" >&2
lucene() { java $JAVA_OPTS -cp "${LUCENE_CP}build/bench/lucene" LuceneSpeed "$@"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/newsline-speed.XXXXXX")
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
cat $FILES >/dev/null

now() { date +%s.%N; }
since() { echo "$1 $(now)" | awk '{ printf "%.2f", $2 - $1 }'; }
# tcpu FILE CMD... : run CMD, leaving its user+system CPU seconds in FILE
tcpu() {
	o=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%U %S' -o "$o" "$@"
	else
		echo n/a >"$o"
		"$@"
	fi
}
cpus() { tail -n 1 "$1" 2>/dev/null | awk '{ if (NF == 2) printf "%.2f", $1 + $2; else print "n/a" }'; }
du_mb() { du -sk "$1" | awk '{ printf "%.1f", $1 * 1024 / 1e6 }'; }
kv() { sed -n 's/^kv //p' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
ratio() {
	case "$1$2" in *n/a*) echo n/a ;; *) echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }' ;; esac
}
# stats FILE: "median p99 mean" of one latency (us) per line, nearest rank
stats() {
	sort -g "$1" | awk '{ v[NR] = $1; s += $1 }
		END { if (NR == 0) { print "n/a n/a n/a"; exit }
		      m = int(0.5 * NR); if (m < 0.5 * NR) m++
		      p = int(0.99 * NR); if (p < 0.99 * NR) p++
		      printf "%.1f %.1f %.1f\n", v[m], v[p], s / NR }'
}

# --- indexing ----------------------------------------------------------------------
echo "speed: indexing with fts5" >&2
t0=$(now)
tcpu "$T/fts5.cpu" build/bench/fts5load "$T/fts5.db" $FILES >"$T/fts5load.out" 2>"$T/fts5load.err" || {
	cat "$T/fts5load.err" >&2
	exit 1
}
F_IDX=$(since "$t0")
F_CPU=$(cpus "$T/fts5.cpu")
F_SIZE=$(du_mb "$T/fts5.db")
TEXTB=$(kv text_bytes "$T/fts5load.out")
RECORDS=$(kv records "$T/fts5load.out")

build/bench/querygen -n "$NQ" --seed "$SEED" "$T/fts5.db" "$T/q" >"$T/querygen.out"

L_IDX=n/a L_SIZE=n/a L_CPU=n/a
if [ $HAVE_LUCENE = 1 ]; then
	echo "speed: indexing with lucene" >&2
	t0=$(now)
	if zstd -dc $FILES | tcpu "$T/lucene.cpu" java $JAVA_OPTS -cp "${LUCENE_CP}build/bench/lucene" \
		LuceneSpeed index "$T/lucene" "$THREADS" >"$T/lucene.out" 2>"$T/lucene.err"; then
		L_IDX=$(since "$t0")
		L_CPU=$(cpus "$T/lucene.cpu")
		L_SIZE=$(du_mb "$T/lucene")
	else
		tail -n 5 "$T/lucene.err" >&2
		HAVE_LUCENE=0
	fi
fi

N_IDX=n/a N_SIZE=n/a N_CPU=n/a N_NOTE=""
HAVE_NL=0
if [ -x "$NEWSLINE" ]; then
	echo "speed: indexing with newsline" >&2
	t0=$(now)
	NEWSLINE_THREADS=$THREADS
	export NEWSLINE_THREADS
	if tcpu "$T/nl.cpu" "$NEWSLINE" add --db "$T/nl.db" $FILES >"$T/nl.out" 2>&1; then
		N_IDX=$(since "$t0")
		N_CPU=$(cpus "$T/nl.cpu")
		N_SIZE=$(du_mb "$T/nl.db")
		HAVE_NL=1
	else
		N_NOTE="newsline add failed: $(tail -n 1 "$T/nl.out")"
	fi
else
	N_NOTE="$NEWSLINE missing"
fi

# --- queries ---------------------------------------------------------------------
# ROUNDS rounds; in each, every engine runs every query file once (after its
# in-process warm-up), engines interleaved, so a slow spell of this shared
# machine falls on all engines alike rather than on whichever ran then. Each
# engine leaves $T/<engine>.<form>.lat.<round> (one latency per line, us) or,
# for newsline without took_us, $T/newsline.<form>.mean.<round>; and
# $T/<engine>.<form>.cpu.<round> (CPU microseconds per query over the timed
# pass). The reported latency of a query is its minimum over the rounds (as
# ingest.sh reports the best of its rounds), the same for every engine; each
# round's own median is printed too.
nl_search() { "$NEWSLINE" search --db "$T/nl.db" -n 10 --batch "$1"; }
r=1
while [ $r -le "$ROUNDS" ]; do
for form in or and phrase; do
	q="$T/q.$form"
	n=$(wc -l <"$q")
	echo "speed: round $r of $ROUNDS, $n $form queries" >&2
	if build/bench/fts5query --lat "$T/fts5.$form.lat.$r" "$T/fts5.db" "$q" \
		>"$T/fts5.$form.out" 2>"$T/fts5.$form.err"; then
		kv cpu_us "$T/fts5.$form.out" >"$T/fts5.$form.cpu.$r"
	else
		rm -f "$T/fts5.$form.lat.$r"
	fi
	if [ $HAVE_LUCENE = 1 ]; then
		if lucene query "$T/lucene" "$q" "$T/lucene.$form.lat.$r" 3 "$LUCENE_WARMUP" \
			>"$T/lucene.$form.out" 2>"$T/lucene.$form.err"; then
			kv cpu_us "$T/lucene.$form.out" >"$T/lucene.$form.cpu.$r"
		else
			rm -f "$T/lucene.$form.lat.$r"
		fi
	fi
	if [ $HAVE_NL = 1 ]; then
		[ $r = 1 ] && { nl_search "$q" >/dev/null 2>&1 || true; } # page cache
		cat "$q" "$q" >"$T/q2.$form" # warm-up pass, then the timed pass
		t0=$(now)
		if tcpu "$T/nl.$form.tcpu" "$NEWSLINE" search --db "$T/nl.db" -n 10 --batch "$T/q2.$form" \
			>"$T/nl.$form.json2" 2>"$T/nl.$form.err" &&
			[ "$(wc -l <"$T/nl.$form.json2")" -eq $((2 * n)) ]; then
			tail -n "$n" "$T/nl.$form.json2" >"$T/nl.$form.json"
			secs=$(echo "$t0 $(now)" | awk '{ printf "%.6f", ($2 - $1) / 2 }')
			if [ "$(grep -c '"took_us"' "$T/nl.$form.json")" -eq "$n" ]; then
				sed 's/.*"took_us"[[:space:]]*:[[:space:]]*\([0-9.eE+]*\).*/\1/' \
					"$T/nl.$form.json" >"$T/newsline.$form.lat.$r"
			else
				echo "$secs $n" | awk '{ printf "%.1f\n", $1 * 1e6 / $2 }' \
					>"$T/newsline.$form.mean.$r"
			fi
			c=$(cpus "$T/nl.$form.tcpu")
			[ "$c" = n/a ] || echo "$c $n" | awk '{ printf "%.1f\n", $1 * 1e6 / (2 * $2) }' \
				>"$T/newsline.$form.cpu.$r"
		else
			N_NOTE="newsline search --batch failed ($form): $(tail -n 1 "$T/nl.$form.err")"
		fi
	fi
done
r=$((r + 1))
done
# minrows OUT FILE...: per line, the least value over the files (which have
# one value per line, the same number of lines); nothing when a file is missing
minrows() {
	o=$1
	shift
	for f in "$@"; do [ -s "$f" ] || return 0; done
	paste "$@" | awk '{ m = $1; for (i = 2; i <= NF; i++) if ($i < m) m = $i; print m }' >"$o"
}
# rounds_of FILE: FILE.1 ... FILE.ROUNDS
rounds_of() {
	i=1
	while [ $i -le "$ROUNDS" ]; do
		printf '%s ' "$1.$i"
		i=$((i + 1))
	done
}
for form in or and phrase; do
	for e in newsline fts5 lucene; do
		minrows "$T/$e.$form.lat" $(rounds_of "$T/$e.$form.lat")
		minrows "$T/$e.$form.mean" $(rounds_of "$T/$e.$form.mean")
		minrows "$T/$e.$form.cpu" $(rounds_of "$T/$e.$form.cpu")
		rm -f "$T/$e.$form.rmed"
		for f in $(rounds_of "$T/$e.$form.lat"); do
			[ -s "$f" ] && stats "$f" | awk '{ printf "%d ", $1 }' >>"$T/$e.$form.rmed"
		done
	done
done

# --- report ----------------------------------------------------------------------
MB=$(echo "$TEXTB" | awk '{ printf "%.1f", $1 / 1e6 }')
echo "== speed (issue 3): $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m)"
if [ "$LIMIT" -gt 0 ]; then
	echo "input: first $LIMIT records of each of: $SRC"
else
	echo "input: $SRC"
fi
echo "       $RECORDS records with text, $MB MB of text (title+text bytes)"
echo "queries: $(cat "$T/querygen.out")"
echo
echo "indexing ($THREADS thread(s) for newsline and lucene; wall time of the whole command," \
	"CPU = user+system; lucene's input is piped from zstd -dc)"
printf '%-10s %9s %8s %8s %9s %9s\n' engine 'wall s' 'MB/s' 'CPU s' 'MB/CPU-s' 'size MB'
mbps() { [ "$1" = n/a ] && echo n/a || echo "$TEXTB $1" | awk '{ printf "%.2f", $1 / 1e6 / $2 }'; }
for e in newsline:N fts5:F lucene:L; do
	eval "w=\$${e#*:}_IDX c=\$${e#*:}_CPU z=\$${e#*:}_SIZE"
	printf '%-10s %9s %8s %8s %9s %9s\n' "${e%:*}" "$w" "$(mbps "$w")" "$c" "$(mbps "$c")" "$z"
done
echo "ratios newsline/fts5:   time $(ratio "$N_IDX" "$F_IDX"), CPU $(ratio "$N_CPU" "$F_CPU")," \
	"size $(ratio "$N_SIZE" "$F_SIZE")"
echo "ratios newsline/lucene: time $(ratio "$N_IDX" "$L_IDX"), CPU $(ratio "$N_CPU" "$L_CPU")," \
	"size $(ratio "$N_SIZE" "$L_SIZE")"
echo
echo "query latency, top 10, microseconds: median and p99 (nearest rank) and mean of wall" \
	"time per query, each query's least over $ROUNDS interleaved rounds; CPU = process CPU time" \
	"per query, least round (newsline: whole batch process, both passes); last column: the" \
	"median of each round on its own"
printf '%-7s %-10s %10s %10s %10s %10s   %s\n' form engine median p99 mean CPU 'round medians'
for form in or and phrase; do
	for e in newsline fts5 lucene; do
		if [ -s "$T/$e.$form.lat" ]; then
			set -- $(stats "$T/$e.$form.lat")
		elif [ -s "$T/$e.$form.mean" ]; then
			set -- n/a n/a "$(cat "$T/$e.$form.mean")"
		else
			set -- n/a n/a n/a
		fi
		c=n/a
		[ -s "$T/$e.$form.cpu" ] && c=$(cat "$T/$e.$form.cpu")
		eval "${e}_med=$1 ${e}_p99=$2 ${e}_mean=$3 ${e}_cpu=$c"
		rm=$(cat "$T/$e.$form.rmed" 2>/dev/null || true)
		printf '%-7s %-10s %10s %10s %10s %10s   %s\n' "$form" "$e" "$1" "$2" "$3" "$c" "$rm"
	done
	for p in fts5 lucene; do
		eval "pm=\$${p}_med pp=\$${p}_p99 pa=\$${p}_mean pc=\$${p}_cpu"
		printf '        newsline/%-7s median %s, p99 %s, mean %s, CPU %s\n' "$p:" \
			"$(ratio "$newsline_med" "$pm")" "$(ratio "$newsline_p99" "$pp")" \
			"$(ratio "$newsline_mean" "$pa")" "$(ratio "$newsline_cpu" "$pc")"
	done
done
echo "goal: median <= 0.50 x fts5 and x lucene (OR, AND); p99 <= 1.00 x; index size <= 1.00 x fts5"
for form in or and phrase; do
	if [ -s "$T/nl.$form.json" ] && command -v jq >/dev/null; then
		h=$(jq -s 'map(.hits | length) | add' "$T/nl.$form.json" 2>/dev/null) &&
			echo "  newsline $form: $h hits returned"
	fi
	for e in fts5 lucene; do
		[ -f "$T/$e.$form.out" ] || continue
		h=$(kv hits "$T/$e.$form.out")
		err=$(kv errors "$T/$e.$form.out")
		[ -n "$h" ] && echo "  $e $form: $h hits returned, ${err:-?} query errors"
	done
done
[ -n "$N_NOTE" ] && echo "newsline: $N_NOTE"
exit 0
