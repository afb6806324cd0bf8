/*
 * irfts5.c — the SQLite FTS5 peer of the relevance harness.
 *
 * Usage: irfts5 DOCS.jsonl QUERIES.tsv RUN.txt [DBFILE]
 *
 * Loads {"id","title","text"} records into an FTS5 table (title and text
 * columns, tokenize='porter unicode61', id unindexed), then runs each query
 * as an OR of its words, each word quoted so that none is read as an FTS5
 * operator, ranked by bm25() with its default parameters and column weights
 * (what an FTS5 user gets), keeps the top 1000 and writes a TREC run
 * (score = -bm25, so larger is better). The database lives in memory unless
 * DBFILE is given. Prints the index and query times to stderr.
 */
#include "util/buf.h"
#include "util/common.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		nl_die("irfts5: %s: %s", what, sqlite3_errmsg(db));
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5)
		nl_die("usage: irfts5 DOCS.jsonl QUERIES.tsv RUN.txt [DBFILE]");
	sqlite3 *db;
	if (argc == 5)
		remove(argv[4]);
	if (sqlite3_open(argc == 5 ? argv[4] : ":memory:", &db) != SQLITE_OK)
		nl_die("irfts5: cannot open database");
	check(db, sqlite3_exec(db, "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, "
				   "tokenize='porter unicode61')", NULL, NULL, NULL), "create");

	double t0 = now();
	FILE *f = fopen(argv[1], "r");
	if (!f)
		nl_die("irfts5: %s: cannot open", argv[1]);
	sqlite3_stmt *ins;
	check(db, sqlite3_prepare_v2(db, "INSERT INTO docs(id, title, text) VALUES (?, ?, ?)", -1, &ins, NULL),
	      "prepare insert");
	check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	size_t ndocs = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		json_error_t e;
		json_t *o = json_loadb(line, (size_t)n, 0, &e);
		if (!o)
			nl_die("irfts5: %s: bad JSON: %s", argv[1], e.text);
		json_t *id = json_object_get(o, "id");
		const char *title = json_string_value(json_object_get(o, "title"));
		const char *text = json_string_value(json_object_get(o, "text"));
		if (!json_is_string(id))
			nl_die("irfts5: %s: record without a string id", argv[1]);
		sqlite3_bind_text(ins, 1, json_string_value(id), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, title ? title : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 3, text ? text : "", -1, SQLITE_TRANSIENT);
		check(db, sqlite3_step(ins), "insert");
		sqlite3_reset(ins);
		json_decref(o);
		ndocs++;
	}
	fclose(f);
	sqlite3_finalize(ins);
	check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
	check(db, sqlite3_exec(db, "INSERT INTO docs(docs) VALUES('optimize')", NULL, NULL, NULL), "optimize");
	double t1 = now();

	f = fopen(argv[2], "r");
	if (!f)
		nl_die("irfts5: %s: cannot open", argv[2]);
	FILE *out = fopen(argv[3], "w");
	if (!out)
		nl_die("irfts5: %s: cannot create", argv[3]);
	sqlite3_stmt *q;
	check(db, sqlite3_prepare_v2(db, "SELECT id, bm25(docs) FROM docs WHERE docs MATCH ? "
				     "ORDER BY bm25(docs) LIMIT 1000", -1, &q, NULL), "prepare query");
	struct buf expr;
	buf_init(&expr, 0);
	size_t nq = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		char *tab = memchr(line, '\t', (size_t)n);
		if (!tab)
			continue;
		*tab = 0;
		const char *qid = line;
		buf_clear(&expr);
		/* "w1" OR "w2" ...; the words are plain letters and digits already */
		for (char *p = tab + 1; *p;) {
			while (*p == ' ' || *p == '\n' || *p == '\r')
				p++;
			char *w = p;
			while (*p && *p != ' ' && *p != '\n' && *p != '\r')
				p++;
			if (p == w)
				break;
			if (expr.n)
				buf_puts(&expr, " OR ");
			buf_putc(&expr, '"');
			for (char *c = w; c < p; c++) {
				if (*c == '"')
					buf_putc(&expr, '"');
				buf_putc(&expr, *c);
			}
			buf_putc(&expr, '"');
		}
		nq++;
		if (!expr.n)
			continue;
		sqlite3_bind_text(q, 1, expr.p, (int)expr.n, SQLITE_STATIC);
		int rank = 0, rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			rank++;
			fprintf(out, "%s Q0 %s %d %.6f fts5\n", qid, (const char *)sqlite3_column_text(q, 0), rank,
				-sqlite3_column_double(q, 1));
		}
		check(db, rc, "query");
		sqlite3_reset(q);
	}
	double t2 = now();
	fclose(f);
	if (fclose(out))
		nl_die("irfts5: %s: write failed", argv[3]);
	sqlite3_finalize(q);
	sqlite3_close(db);
	buf_release(&expr);
	free(line);
	fprintf(stderr, "irfts5: %zu documents indexed in %.2fs, %zu queries in %.2fs\n", ndocs, t1 - t0, nq,
		t2 - t1);
	return 0;
}
