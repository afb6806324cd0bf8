#!/bin/sh
# bench/ir.sh — issue 3 part 5: ranking quality of newsline beside SQLite FTS5
# and Lucene 8 on the classic test collections CRAN, CISI, MED and ADI, same
# documents, same queries, same judgements, same scorer, in one run.
#
#   bench/ir.sh                     all four collections
#   BENCH_IR="cran med" bench/ir.sh some of them
#
# Environment: BENCH_IR (collections, default "cran cisi med adi"),
# BENCH_IR_DATA (default ../shared/data/ir), BENCH_KEEP=1 keeps the work
# folder, NEWSLINE (default build/newsline), JAVA_OPTS (default -Xmx1g), TMPDIR.
#
# Steps per collection: (1) irconv writes docs.jsonl ({"id","title","text"}),
# queries.tsv (qid TAB plain lower-case words: every engine runs the same OR
# of words) and qrels.txt (TREC; CRAN's graded and renumbered, see irconv.c);
# (2) newsline: `add --db DIR docs.jsonl`, then
# `search --db DIR --copies -n 1000 --batch queries.tsv` (--copies: these
# collections are not news, and collapsing near-identical documents into one
# story would hide judged documents the peers return; one JSON line per query,
# {"qid", "hits": [{"id", "score"}]}); n/a when the binary, `add` or
# `search --batch` is missing or fails; (3) irfts5: FTS5, porter unicode61,
# bm25() top 1000; (4) IrLucene: EnglishAnalyzer, BM25Similarity,
# MultiFieldQueryParser over title and text, top 1000; (5) irscore scores each
# run: MAP, P@10, nDCG@10 over all queries with a relevant document (a query
# without results scores 0). Prints one table, then newsline's ratio to the
# better peer for MAP and nDCG@10 (goal: >= 1.00 on every collection).
set -eu
cd "$(dirname "$0")/.."

DATA=${BENCH_IR_DATA:-../shared/data/ir}
COLLS=${BENCH_IR:-cran cisi med adi}
NEWSLINE=${NEWSLINE:-build/newsline}
JAVA_OPTS=${JAVA_OPTS:--Xmx1g}

# --- tools ---------------------------------------------------------------------
# The Makefile rule, or src/util alone while the library does not build.
build_tool() {
	make -s "build/bench/$1" >/dev/null 2>&1 && return 0
	mkdir -p build/bench
	${CC:-cc} -std=c11 -D_GNU_SOURCE -pthread -O2 -Isrc "bench/$1.c" src/util/common.c \
		src/util/buf.c -lsqlite3 -ljansson -lxxhash -lm -o "build/bench/$1"
}
for t in irconv irscore irfts5; do
	build_tool $t || { echo "ir: cannot build bench/$t.c" >&2; exit 1; }
done
LUCENE_CP=""
for j in core analyzers-common queryparser; do
	jar=$(ls /usr/share/java/lucene-$j-8*.jar 2>/dev/null | head -n 1)
	[ -n "$jar" ] && LUCENE_CP="$LUCENE_CP$jar:"
done
HAVE_LUCENE=0
if [ -n "$LUCENE_CP" ] && command -v javac >/dev/null; then
	mkdir -p build/bench/lucene
	if javac -nowarn -cp "$LUCENE_CP" -d build/bench/lucene bench/ir/IrLucene.java; then
		HAVE_LUCENE=1
	fi
fi
[ $HAVE_LUCENE = 1 ] || echo "ir: Lucene unavailable (install liblucene8-java" \
	"default-jdk-headless, or run scripts/deps.sh bench); lucene prints n/a" >&2
if [ ! -x "$NEWSLINE" ] && [ "$NEWSLINE" = build/newsline ]; then
	make -s build/newsline >/dev/null 2>&1 || true
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/newsline-ir.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	echo "work folder kept: $T" >&2
else
	trap 'rm -rf "$T"' EXIT INT TERM
fi

now() { date +%s.%N; }
since() { echo "$1 $(now)" | awk '{ printf "%.1f", $2 - $1 }'; }
# score QRELS RUN: "map p10 ndcg10", or "n/a n/a n/a"
score() {
	if [ -s "$2" ] && build/bench/irscore "$1" "$2" >"$2.score" 2>"$2.score.err"; then
		awk '{ print $2, $4, $6 }' "$2.score"
	else
		echo "n/a n/a n/a"
	fi
}

ROWS="$T/rows"
: >"$ROWS"
for c in $COLLS; do
	d="$T/$c"
	mkdir -p "$d"
	build/bench/irconv "$c" "$DATA/$c" "$d" 2>"$d/irconv.err" || { cat "$d/irconv.err" >&2; exit 1; }
	sed 's/^/ir: /' "$d/irconv.err" >&2

	# newsline
	N_T=n/a
	: >"$d/newsline.run"
	if [ -x "$NEWSLINE" ]; then
		t0=$(now)
		if "$NEWSLINE" add --db "$d/nl.db" "$d/docs.jsonl" >"$d/nl-add.out" 2>&1 &&
		   "$NEWSLINE" search --db "$d/nl.db" --copies -n 1000 --batch "$d/queries.tsv" \
			>"$d/newsline.run" 2>"$d/nl-search.err"; then
			N_T=$(since "$t0")
		else
			if [ -s "$d/nl-search.err" ]; then why=$(head -n 1 "$d/nl-search.err")
			else why=$(tail -n 1 "$d/nl-add.out"); fi
			echo "ir: $c: newsline n/a: $why" >&2
			: >"$d/newsline.run"
		fi
	else
		echo "ir: $c: newsline n/a: $NEWSLINE not built" >&2
	fi

	# SQLite FTS5
	t0=$(now)
	build/bench/irfts5 "$d/docs.jsonl" "$d/queries.tsv" "$d/fts5.run" 2>"$d/fts5.err" ||
		{ cat "$d/fts5.err" >&2; : >"$d/fts5.run"; }
	F_T=$(since "$t0")

	# Lucene
	L_T=n/a
	: >"$d/lucene.run"
	if [ $HAVE_LUCENE = 1 ]; then
		t0=$(now)
		if java $JAVA_OPTS -cp "${LUCENE_CP}build/bench/lucene" IrLucene "$d/docs.jsonl" \
			"$d/queries.tsv" "$d/lucene.run" 2>"$d/lucene.err"; then
			L_T=$(since "$t0")
		else
			tail -n 5 "$d/lucene.err" >&2
			: >"$d/lucene.run"
		fi
	fi

	echo "$c $(score "$d/qrels.txt" "$d/newsline.run") $(score "$d/qrels.txt" "$d/fts5.run")" \
		"$(score "$d/qrels.txt" "$d/lucene.run") $N_T $F_T $L_T" >>"$ROWS"
done

# --- report --------------------------------------------------------------------
echo
echo "ranking quality: MAP, P@10, nDCG@10 (top 1000; every query with a relevant document counts)"
awk '
function sec(x) { return x == "n/a" ? x : x "s" }
BEGIN {
	printf "%-6s | %-22s | %-22s | %-22s\n", "", "newsline", "sqlite fts5", "lucene 8"
	printf "%-6s | %6s %6s %8s | %6s %6s %8s | %6s %6s %8s\n", "coll",
		"MAP", "P@10", "nDCG@10", "MAP", "P@10", "nDCG@10", "MAP", "P@10", "nDCG@10"
	print "-------+------------------------+------------------------+-----------------------"
}
{
	printf "%-6s | %6s %6s %8s | %6s %6s %8s | %6s %6s %8s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
	t[NR] = sprintf("%-6s   newsline %s, fts5 %s, lucene %s", $1, sec($11), sec($12), sec($13))
	best_map = ($5 == "n/a" || ($8 != "n/a" && $8 > $5)) ? $8 : $5
	best_ndcg = ($7 == "n/a" || ($10 != "n/a" && $10 > $7)) ? $10 : $7
	if ($2 == "n/a" || best_map == "n/a" || best_map == 0)
		r[NR] = sprintf("%-6s   MAP n/a, nDCG@10 n/a", $1)
	else
		r[NR] = sprintf("%-6s   MAP %.2f, nDCG@10 %.2f", $1, $2 / best_map, (best_ndcg > 0 ? $4 / best_ndcg : 0))
}
END {
	print ""
	print "newsline / better peer (goal: >= 1.00):"
	for (i = 1; i <= NR; i++) print r[i]
	print ""
	print "wall time (index + all queries, process start included):"
	for (i = 1; i <= NR; i++) print t[i]
}' "$ROWS"
