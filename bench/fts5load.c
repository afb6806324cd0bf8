/*
 * fts5load.c — build a SQLite FTS5 full-text index of JSONL news records,
 * the peer newsline's ingest is measured against (issues 2 and 3).
 *
 * Usage: fts5load [--porter] [--limit N] [--meta] [--hashsize BYTES] DB FILE...
 *
 * Each FILE is JSONL, plain or .gz or .zst compressed (one object per line,
 * fields id, title, text, source, date, url). Every record with a non-blank
 * text becomes one row of
 *
 *     CREATE VIRTUAL TABLE t USING fts5(title, text [, tokenize='porter unicode61'])
 *
 * with rowid = 1, 2, ... in input order (querygen relies on that). A record
 * whose text (body) is missing or blank is skipped and counted, as
 * `newsline add` skips an empty body, so both index the same articles. With --meta
 * the table also stores id, source, date and url as UNINDEXED columns, so the
 * database holds what an archive holds; the default is the smaller table of
 * title and text only, the stricter size comparison for newsline.
 *
 * The database is built the fastest honest way: a fresh file, one
 * transaction, journal_mode=OFF, synchronous=OFF, a 64 MiB page cache, one
 * prepared INSERT, then 'optimize' (merging all FTS5 segments into one, as a
 * read-mostly archive would). FTS5 gathers pending terms in memory up to its
 * 'hashsize' and then writes a segment; the default (1 MB) makes it write and
 * merge hundreds of small ones, so it gets the memory newsline gets for a
 * segment, 256 MiB (--hashsize; 12% less wall time on the scale corpus than
 * the default, and 'optimize' then has little left to do). The reported time
 * covers reading, decompressing and parsing the input, inserting, committing
 * and optimize; the insert and optimize phases are also shown on their own.
 *
 * "Text" is title + text, counted in bytes of UTF-8 as read from the input
 * (the scale corpus is almost all ASCII, so bytes ~ characters). MB = 10^6.
 *
 * Output: one line for people, then one line of key=value pairs starting
 * with "kv " for scripts (bench/ingest.sh, bench/speed.sh).
 *
 * Input is read and parsed by newsline's own reader (src/ingest: zstd/gzip
 * streams, yajl's event parser keeping only the wanted fields, UTF-8
 * repair), single-threaded, with the field names `newsline add` uses
 * (title|headline, text|maintext|body|content, ...), so the two engines
 * share the cost of turning JSONL into records and differ only in indexing.
 * (A JSON document tree per record, built with jansson, took about 30% of
 * this loader's time on the scale corpus: 30.5 s against 21.6 s with this
 * reader and the larger hashsize together.) Lines the reader rejects (too
 * long, invalid JSON) are skipped and counted as skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "ingest/ingest.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/day.h"

static void exec_or_die(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		nl_die("sqlite: %s: %s", sql, msg ? msg : sqlite3_errmsg(db));
}

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_blank(struct nl_str s)
{
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v')
			return false;
	}
	return true;
}

/* A JSON string field as (pointer, length); missing, null or non-string = "". */
static void bind_str(sqlite3_stmt *st, int col, struct nl_str s)
{
	sqlite3_bind_text(st, col, s.p, (int)s.n, SQLITE_STATIC);
}

static void usage(void)
{
	fprintf(stderr, "usage: fts5load [--porter] [--limit N] [--meta] [--hashsize BYTES] DB FILE...\n"
			"  --porter   tokenize='porter unicode61' (default: unicode61)\n"
			"  --limit N  only the first N lines (records) of each file (the rest is read)\n"
			"  --meta     also store id, source, date, url (UNINDEXED)\n"
			"  --hashsize BYTES  FTS5 pending-data memory (default 268435456, newsline's\n"
			"             segment budget; SQLite's own default is 1048576)\n"
			"records with a blank text (body) are skipped, as newsline skips them\n");
	exit(2);
}

struct load {
	sqlite3 *db;
	sqlite3_stmt *ins;
	bool meta;
	unsigned long long limit;
	unsigned long long records, skipped, text_bytes;
	struct jsonl_scratch js;
};

/* One record from newsline's reader: parsed as `newsline add` parses it,
 * inserted unless its body is blank. */
static int insert_record(void *ctx, struct ingest *ig, const struct rec *in)
{
	struct load *ld = ctx;
	struct rec r = *in;
	if (ld->limit && r.line > ld->limit)
		return 0;
	if (r.json.n && jsonl_record(ig, &r, &ld->js) != NL_OK)
		return 0; /* counted by the reader as bad JSON */
	if (is_blank(r.body)) {
		ld->skipped++;
		return 0;
	}
	ld->records++;
	ld->text_bytes += r.title.n + r.body.n;
	sqlite3_bind_int64(ld->ins, 1, (sqlite3_int64)ld->records);
	bind_str(ld->ins, 2, r.title);
	bind_str(ld->ins, 3, r.body);
	if (ld->meta) {
		char day[11] = "";
		if (r.day != NL_NODAY)
			day_format(r.day, day);
		bind_str(ld->ins, 4, r.id);
		bind_str(ld->ins, 5, r.source);
		bind_str(ld->ins, 6, nl_str_make(day, strlen(day)));
		bind_str(ld->ins, 7, r.url);
	}
	if (sqlite3_step(ld->ins) != SQLITE_DONE)
		nl_die("sqlite: insert record %llu: %s", ld->records, sqlite3_errmsg(ld->db));
	sqlite3_reset(ld->ins);
	return 0;
}

int main(int argc, char **argv)
{
	bool porter = false, meta = false;
	unsigned long long limit = 0, hashsize = 256ull << 20;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--porter") == 0) {
			porter = true;
		} else if (strcmp(argv[i], "--meta") == 0) {
			meta = true;
		} else if (strcmp(argv[i], "--hashsize") == 0 && i + 1 < argc) {
			char *end;
			hashsize = strtoull(argv[++i], &end, 10);
			if (*end || hashsize == 0 || hashsize > INT32_MAX)
				usage();
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			char *end;
			limit = strtoull(argv[++i], &end, 10);
			if (*end)
				usage();
		} else {
			usage();
		}
	}
	if (argc - i < 2)
		usage();
	const char *dbpath = argv[i++];

	if (remove(dbpath) != 0 && errno != ENOENT)
		nl_die("%s: cannot remove old database: %s", dbpath, strerror(errno));
	sqlite3 *db;
	if (sqlite3_open(dbpath, &db) != SQLITE_OK)
		nl_die("%s: cannot open: %s", dbpath, sqlite3_errmsg(db));
	exec_or_die(db, "PRAGMA journal_mode=OFF");
	exec_or_die(db, "PRAGMA synchronous=OFF");
	exec_or_die(db, "PRAGMA cache_size=-65536");
	struct buf sql;
	buf_init(&sql, 0);
	buf_printf(&sql, "CREATE VIRTUAL TABLE t USING fts5(title, text%s%s)",
		   meta ? ", id UNINDEXED, source UNINDEXED, date UNINDEXED, url UNINDEXED" : "",
		   porter ? ", tokenize='porter unicode61'" : "");
	exec_or_die(db, sql.p);
	buf_clear(&sql);
	buf_printf(&sql, "INSERT INTO t(t, rank) VALUES('hashsize', %llu)", hashsize);
	exec_or_die(db, sql.p);
	sqlite3_stmt *ins;
	const char *isql = meta ? "INSERT INTO t(rowid, title, text, id, source, date, url) "
				  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
				: "INSERT INTO t(rowid, title, text) VALUES (?1, ?2, ?3)";
	if (sqlite3_prepare_v2(db, isql, -1, &ins, NULL) != SQLITE_OK)
		nl_die("sqlite: prepare insert: %s", sqlite3_errmsg(db));

	double t0 = now_sec();
	exec_or_die(db, "BEGIN");
	struct load ld = { .db = db, .ins = ins, .meta = meta, .limit = limit };
	jsonl_scratch_init(&ld.js);
	struct ingest ig;
	ingest_init(&ig, insert_record, &ld);
	ig.format = FMT_JSONL;
	ig.quiet = true;
	for (; i < argc; i++)
		if (ingest_path(&ig, argv[i]) != NL_OK)
			nl_die("%s: cannot be read", argv[i]);
	jsonl_scratch_release(&ld.js);
	for (int r = 0; r < SKIP_NREASONS; r++)
		ld.skipped += ig.st.count[r];
	unsigned long long records = ld.records, skipped = ld.skipped, text_bytes = ld.text_bytes;
	sqlite3_finalize(ins);
	exec_or_die(db, "COMMIT");
	double t1 = now_sec();
	exec_or_die(db, "INSERT INTO t(t) VALUES('optimize')");
	double t2 = now_sec();
	if (sqlite3_close(db) != SQLITE_OK)
		nl_die("%s: close failed", dbpath);
	double t3 = now_sec();
	buf_release(&sql);

	struct stat stt;
	unsigned long long dbbytes = stat(dbpath, &stt) == 0 ? (unsigned long long)stt.st_size : 0;
	double secs = t3 - t0, mb = (double)text_bytes / 1e6;
	printf("fts5load: %llu records (%llu skipped), %.1f MB text (title+text), "
	       "%.2f s incl. optimize (insert+commit %.2f s, optimize %.2f s), %.2f MB/s, "
	       "db %.1f MB (%s)\n",
	       records, skipped, mb, secs, t1 - t0, t2 - t1, secs > 0 ? mb / secs : 0.0,
	       (double)dbbytes / 1e6, porter ? "porter unicode61" : "unicode61");
	printf("kv records=%llu skipped=%llu text_bytes=%llu seconds=%.3f insert_seconds=%.3f "
	       "optimize_seconds=%.3f mb_per_s=%.3f db_bytes=%llu\n",
	       records, skipped, text_bytes, secs, t1 - t0, t2 - t1,
	       secs > 0 ? mb / secs : 0.0, dbbytes);
	return 0;
}
