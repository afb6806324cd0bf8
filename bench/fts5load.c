/*
 * fts5load.c — build a SQLite FTS5 full-text index of JSONL news records,
 * the peer newsline's ingest is measured against (issues 2 and 3).
 *
 * Usage: fts5load [--porter] [--limit N] [--meta] [--hashsize BYTES] DB FILE...
 *
 * Each FILE is JSONL, plain or .gz or .zst compressed (one object per line,
 * fields id, title, text, source, date, url). Every record with a title or a
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
 * the default, and 'optimize' then has little left to do). The reported time covers reading, decompressing
 * and parsing the input, inserting, committing and optimize; the insert and
 * optimize phases are also shown on their own.
 *
 * "Text" is title + text, counted in bytes of UTF-8 as read from the input
 * (the scale corpus is almost all ASCII, so bytes ~ characters). MB = 10^6.
 *
 * Output: one line for people, then one line of key=value pairs starting
 * with "kv " for scripts (bench/ingest.sh, bench/speed.sh).
 *
 * Input is read in chunks through a small reader abstraction: libzstd's
 * streaming decoder for .zst, zlib's gzread for everything else (gzread
 * passes plain files through unchanged). A line longer than LINE_CAP is an
 * error for that line, which is skipped; an invalid JSON line is skipped and
 * counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>
#include <zlib.h>
#include <zstd.h>

#include "util/buf.h"
#include "util/common.h"

#define LINE_CAP ((size_t)256 << 20)
#define CHUNK ((size_t)1 << 17)

/* ------------------------------------------------------------------------ */
/* Input: chunked reader over .zst / .gz / plain files                       */
/* ------------------------------------------------------------------------ */

struct reader {
	const char *path;
	bool zst;
	FILE *f;              /* .zst: the compressed file */
	ZSTD_DCtx *dctx;
	char *zin;            /* .zst: compressed input buffer */
	ZSTD_inBuffer in;
	size_t zhint;         /* last ZSTD_decompressStream result: 0 = frame complete */
	gzFile gz;            /* everything else */
	bool eof;
	int err;              /* sticky: NL_OK or NL_EIO / NL_ECORRUPT */
	char *chunk;          /* decompressed bytes not yet split into lines */
	size_t cpos, clen;
	struct buf line;
};

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && memcmp(s + n - m, suf, m) == 0;
}

static int reader_open(struct reader *r, const char *path)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	r->zst = has_suffix(path, ".zst");
	if (r->zst) {
		r->f = fopen(path, "rb");
		if (!r->f)
			return NL_EIO;
		r->dctx = ZSTD_createDCtx();
		if (!r->dctx)
			nl_die("out of memory creating a zstd context");
		r->zin = xmalloc(ZSTD_DStreamInSize());
		r->in.src = r->zin;
	} else {
		r->gz = gzopen(path, "rb");
		if (!r->gz)
			return NL_EIO;
		gzbuffer(r->gz, (unsigned)CHUNK);
	}
	r->chunk = xmalloc(CHUNK);
	buf_init(&r->line, LINE_CAP);
	return NL_OK;
}

static void reader_close(struct reader *r)
{
	if (r->f)
		fclose(r->f);
	if (r->dctx)
		ZSTD_freeDCtx(r->dctx);
	if (r->gz)
		gzclose(r->gz);
	free(r->zin);
	free(r->chunk);
	buf_release(&r->line);
}

/* Refill r->chunk; returns bytes available (0 at end of input or error). */
static size_t reader_fill(struct reader *r)
{
	r->cpos = r->clen = 0;
	if (r->eof || r->err)
		return 0;
	if (!r->zst) {
		int n = gzread(r->gz, r->chunk, (unsigned)CHUNK);
		if (n < 0) {
			int zerr;
			nl_warn("%s: read failed: %s", r->path, gzerror(r->gz, &zerr));
			r->err = NL_EIO;
			return 0;
		}
		if (n == 0) {
			r->eof = true;
			/* gzread returns 0 with Z_BUF_ERROR on a truncated .gz */
			int zerr;
			gzerror(r->gz, &zerr);
			if (zerr != Z_OK) {
				nl_warn("%s: truncated or corrupt gzip data", r->path);
				r->err = NL_ECORRUPT;
			}
		}
		r->clen = (size_t)n;
		return r->clen;
	}
	ZSTD_outBuffer out = { r->chunk, CHUNK, 0 };
	while (out.pos == 0) {
		if (r->in.pos == r->in.size) {
			r->in.size = fread(r->zin, 1, ZSTD_DStreamInSize(), r->f);
			r->in.pos = 0;
			if (r->in.size == 0) {
				if (ferror(r->f)) {
					nl_warn("%s: read failed: %s", r->path, strerror(errno));
					r->err = NL_EIO;
				} else if (r->zhint != 0) {
					nl_warn("%s: truncated zstd data", r->path);
					r->err = NL_ECORRUPT;
				}
				r->eof = true;
				break;
			}
		}
		size_t rc = ZSTD_decompressStream(r->dctx, &out, &r->in);
		r->zhint = rc;
		if (ZSTD_isError(rc)) {
			nl_warn("%s: corrupt zstd data: %s", r->path, ZSTD_getErrorName(rc));
			r->err = NL_ECORRUPT;
			break;
		}
	}
	r->clen = out.pos;
	return r->clen;
}

/* Next line without its '\n' in *line (valid until the next call).
 * Returns 1 for a line, 0 at end of input, NL_ETOOBIG for an over-long line
 * (skipped to its end). */
static int reader_line(struct reader *r, struct nl_str *line)
{
	bool toobig = false;
	buf_clear(&r->line);
	for (;;) {
		if (r->cpos == r->clen && reader_fill(r) == 0) {
			if (toobig)
				return NL_ETOOBIG;
			if (r->line.n == 0)
				return 0;
			break;
		}
		const char *s = r->chunk + r->cpos;
		size_t avail = r->clen - r->cpos;
		const char *nl = memchr(s, '\n', avail);
		size_t take = nl ? (size_t)(nl - s) : avail;
		if (!toobig && buf_put(&r->line, s, take) != NL_OK)
			toobig = true;
		r->cpos += take + (nl ? 1 : 0);
		if (nl) {
			if (toobig)
				return NL_ETOOBIG;
			break;
		}
	}
	*line = nl_str_make(r->line.p, r->line.n);
	return 1;
}

/* ------------------------------------------------------------------------ */
/* SQLite                                                                    */
/* ------------------------------------------------------------------------ */

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
static struct nl_str json_field(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_string(v))
		return NL_STR("");
	return nl_str_make(json_string_value(v), json_string_length(v));
}

static void bind_str(sqlite3_stmt *st, int col, struct nl_str s)
{
	sqlite3_bind_text(st, col, s.p, (int)s.n, SQLITE_STATIC);
}

static void usage(void)
{
	fprintf(stderr, "usage: fts5load [--porter] [--limit N] [--meta] [--hashsize BYTES] DB FILE...\n"
			"  --porter   tokenize='porter unicode61' (default: unicode61)\n"
			"  --limit N  only the first N lines (records) of each file\n"
			"  --meta     also store id, source, date, url (UNINDEXED)\n"
			"  --hashsize BYTES  FTS5 pending-data memory (default 268435456, newsline's\n"
			"             segment budget; SQLite's own default is 1048576)\n"
			"records with a blank text (body) are skipped, as newsline skips them\n");
	exit(2);
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
	unsigned long long records = 0, skipped = 0, text_bytes = 0;
	for (; i < argc; i++) {
		struct reader r;
		if (reader_open(&r, argv[i]) != NL_OK)
			nl_die("%s: cannot open: %s", argv[i], strerror(errno));
		unsigned long long lineno = 0;
		struct nl_str line;
		int rc;
		while ((limit == 0 || lineno < limit) && (rc = reader_line(&r, &line)) != 0) {
			lineno++;
			if (rc == NL_ETOOBIG) {
				nl_warn("%s:%llu: line longer than %zu bytes, skipped", argv[i],
					lineno, LINE_CAP);
				skipped++;
				continue;
			}
			if (line.n == 0)
				continue;
			json_error_t jerr;
			json_t *obj = json_loadb(line.p, line.n, 0, &jerr);
			if (!json_is_object(obj)) {
				if (skipped < 10)
					nl_warn("%s:%llu: invalid json, skipped: %s", argv[i],
						lineno, jerr.text);
				json_decref(obj);
				skipped++;
				continue;
			}
			struct nl_str title = json_field(obj, "title");
			struct nl_str text = json_field(obj, "text");
			if (is_blank(text)) {
				json_decref(obj);
				skipped++;
				continue;
			}
			records++;
			text_bytes += title.n + text.n;
			sqlite3_bind_int64(ins, 1, (sqlite3_int64)records);
			bind_str(ins, 2, title);
			bind_str(ins, 3, text);
			if (meta) {
				bind_str(ins, 4, json_field(obj, "id"));
				bind_str(ins, 5, json_field(obj, "source"));
				bind_str(ins, 6, json_field(obj, "date"));
				bind_str(ins, 7, json_field(obj, "url"));
			}
			if (sqlite3_step(ins) != SQLITE_DONE)
				nl_die("sqlite: insert record %llu: %s", records, sqlite3_errmsg(db));
			sqlite3_reset(ins);
			json_decref(obj);
		}
		reader_close(&r);
	}
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
