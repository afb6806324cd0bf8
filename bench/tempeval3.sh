#!/bin/sh
# bench/tempeval3.sh — score the date tagger on TempEval-3 TBAQ and time it.
#
# Builds build/bench/te3eval and runs it over ../shared/data/tempeval3/tbaq
# (TimeBank + AQUAINT, 256 TimeML files), printing strict and relaxed span
# P/R/F1, type and value accuracy and F1, overall and per TIMEX3 type, next to
# HeidelTime-t's published TempEval-3 task A results; then the tagging speed
# (CPU time, one core) on the TimeML text and on the Timeline17 news
# sentences (../shared/data/t17). Set TE3_ERRORS=1 to list every miss,
# false alarm and wrong value instead.
cd "$(dirname "$0")/.." || exit 1
SHARED=${NEWSLINE_SHARED:-../shared}
TBAQ="$SHARED/data/tempeval3/tbaq"
if [ ! -d "$TBAQ" ]; then
	echo "tempeval3: $TBAQ not found" >&2
	exit 1
fi
make -s build/bench/te3eval || exit 1
if [ -n "$TE3_ERRORS" ]; then
	exec build/bench/te3eval --errors "$TBAQ"
fi
if [ -d "$SHARED/data/t17" ]; then
	exec build/bench/te3eval --speed "$SHARED/data/t17" "$TBAQ"
fi
exec build/bench/te3eval "$TBAQ"
