#!/bin/sh
# Crash test: kill -9 `newsline add` at random moments, many times, and show
# that nothing committed is lost: after every kill `newsline check` passes and
# the archive holds exactly the documents of the committed adds (an add is
# all-or-nothing). Small memory budget so adds write several segments and
# trigger merges, so kills land in ingest, segment writing, commit and merge;
# every other add also saves the duplicate detector (dedup.snap) when it
# opens the archive, so kills land in that write too.
# Usage: tests/crash.sh BINARY [ROUNDS]
set -u
NL=$1
ROUNDS=${2:-40}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/db
export NEWSLINE_MEM_MB=1
gen() { # gen BATCH COUNT -> a JSONL file of COUNT distinct articles
	awk -v b="$1" -v n="$2" 'BEGIN { srand(b); for (i = 0; i < n; i++) {
		t = ""; for (k = 0; k < 60; k++) t = t " w" int(rand() * 5000);
		printf "{\"id\":\"%d-%d\",\"title\":\"batch %d article %d\",\"date\":\"2024-01-%02d\",\"url\":\"https://crash.example/%d/%d\",\"text\":\"%s.\\nSecond paragraph of %d-%d.\"}\n", b, i, b, i, i % 28 + 1, b, i, t, b, i } }' > "$tmp/batch$1.jsonl"
}
committed=0
fail() { echo "crash: round $r: $*"; echo "0 passed, 1 failed"; exit 1; }
r=0
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	n=$((1500 + r * 37 % 900))
	gen $r $n
	if [ $((r % 2)) -eq 1 ]; then snap=1; else snap=1000000000; fi
	NEWSLINE_SNAPSHOT_MIN=$snap "$NL" add -q --db "$db" "$tmp/batch$r.jsonl" > /dev/null 2>&1 &
	pid=$!
	# a random delay between 0 and ~0.6 s
	delay=$(awk -v s=$r 'BEGIN { srand(s * 7919); printf "%.3f", rand() * 0.6 }')
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	out=$("$NL" check --db "$db" 2>&1) || fail "check failed after kill: $out"
	docs=$("$NL" stats --db "$db" --json | sed -E 's/.*"documents":([0-9]+).*/\1/')
	if [ "$docs" -eq "$committed" ]; then
		:  # killed before the commit point: the batch is absent
	elif [ "$docs" -eq $((committed + n)) ]; then
		committed=$docs  # killed after the commit point: the whole batch is there
	else
		fail "archive has $docs documents, expected $committed or $((committed + n))"
	fi
	# every committed article of batch 1 (when committed) is still readable
	if [ "$committed" -gt 0 ]; then
		"$NL" show --db "$db" 1 > /dev/null || fail "document 1 unreadable"
		"$NL" show --db "$db" "$committed" > /dev/null || fail "document $committed unreadable"
	fi
	# every fourth round, let an add finish so the archive keeps growing
	if [ $((r % 4)) -eq 0 ]; then
		"$NL" add -q --db "$db" "$tmp/batch$r.jsonl" > /dev/null 2>&1 || fail "add failed"
		docs=$("$NL" stats --db "$db" --json | sed -E 's/.*"documents":([0-9]+).*/\1/')
		committed=$docs
	fi
	rm -f "$tmp/batch$r.jsonl"
done
segs=$("$NL" stats --db "$db" --json | sed -E 's/.*"segments":([0-9]+).*/\1/')
echo "crash: $ROUNDS kill -9 rounds, $committed documents committed in $segs segments, check passed after every kill"
echo "crash: $ROUNDS passed, 0 failed"
