/*
 * fts5query.c — top-10 query latency of SQLite FTS5, the peer of
 * `newsline search` in the speed benchmark (issue 3).
 *
 * Usage: fts5query [--warmup P] [--lat FILE] [-k K] DB QUERYFILE
 *
 * Runs each line of QUERYFILE (FTS5 syntax; querygen writes "a OR b",
 * "a AND b" and "\"a b\"") as
 *
 *     SELECT rowid, bm25(t) FROM t WHERE t MATCH ?1 ORDER BY bm25(t) LIMIT 10
 *
 * through one prepared statement, stepping through every result row. The
 * query set is run P times (default 1) untimed to warm the page cache and
 * SQLite's own cache, then once timed, query by query, with the monotonic
 * clock around bind + all steps + reset (so FTS5's parse of the MATCH
 * expression is included, as the other engines' query parsing is).
 *
 * The database is opened read-only with mmap (1 GiB) and a 64 MiB page cache,
 * SQLite's fastest honest read setting; Lucene reads its index via mmap too.
 *
 * Output: a line for people and a "kv" line for scripts with queries, errors
 * (queries FTS5 rejected), hits (rows returned), mean, median and p99 latency
 * in microseconds (nearest-rank percentiles), and CPU time (user + system,
 * getrusage) per query over the timed pass, which other load on a shared
 * machine disturbs far less than wall time. --lat FILE writes one latency
 * in microseconds per query line, so bench/speed.sh can compute every
 * engine's statistics the same way.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sqlite3.h>

#include "util/buf.h"
#include "util/common.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* CPU time (user + system) of this process so far, in microseconds. */
static double cpu_us(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile p (0..1] of sorted v[n]. */
static double percentile(const double *v, size_t n, double p)
{
	size_t r = (size_t)ceil(p * (double)n);
	return v[r ? r - 1 : 0];
}

static void usage(void)
{
	fprintf(stderr, "usage: fts5query [--warmup P] [--lat FILE] [-k K] DB QUERYFILE\n");
	exit(2);
}

/* Run one query; returns rows returned, or -1 if FTS5 rejected it. */
static long run_query(sqlite3 *db, sqlite3_stmt *st, const char *q, size_t n, bool report)
{
	long rows = 0;
	sqlite3_bind_text(st, 1, q, (int)n, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(void)sqlite3_column_int64(st, 0);
		(void)sqlite3_column_double(st, 1);
		rows++;
	}
	if (rc != SQLITE_DONE) {
		if (report)
			nl_warn("query %.*s: %s", (int)n, q, sqlite3_errmsg(db));
		rows = -1;
	}
	sqlite3_reset(st);
	return rows;
}

int main(int argc, char **argv)
{
	long warmup = 1, k = 10;
	const char *latpath = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		char *end = NULL;
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--warmup") == 0)
			warmup = strtol(argv[++i], &end, 10);
		else if (strcmp(argv[i], "-k") == 0)
			k = strtol(argv[++i], &end, 10);
		else if (strcmp(argv[i], "--lat") == 0)
			latpath = argv[++i], end = (char *)"";
		else
			usage();
		if (*end || warmup < 0 || k <= 0)
			usage();
	}
	if (argc - i != 2)
		usage();
	const char *dbpath = argv[i], *qpath = argv[i + 1];

	/* queries: one per line, kept as offsets into one buffer */
	FILE *qf = fopen(qpath, "r");
	if (!qf)
		nl_die("%s: cannot open: %s", qpath, strerror(errno));
	struct buf qs;
	buf_init(&qs, (size_t)64 << 20);
	size_t *off = NULL, ocap = 0, nq = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	while ((len = getline(&line, &lcap, qf)) > 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		off = xgrow(off, &ocap, nq + 2, sizeof *off);
		off[nq++] = qs.n;
		if (buf_put(&qs, line, (size_t)len) != NL_OK)
			nl_die("%s: query file larger than 64 MiB", qpath);
	}
	free(line);
	fclose(qf);
	if (nq == 0)
		nl_die("%s: no queries", qpath);
	off[nq] = qs.n;

	sqlite3 *db;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		nl_die("%s: cannot open: %s", dbpath, sqlite3_errmsg(db));
	sqlite3_exec(db, "PRAGMA mmap_size=1073741824", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
	struct buf sql;
	buf_init(&sql, 0);
	buf_printf(&sql,
		   "SELECT rowid, bm25(t) FROM t WHERE t MATCH ?1 ORDER BY bm25(t) LIMIT %ld", k);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql.p, -1, &st, NULL) != SQLITE_OK)
		nl_die("%s: prepare: %s", dbpath, sqlite3_errmsg(db));

	for (long p = 0; p < warmup; p++)
		for (size_t q = 0; q < nq; q++)
			run_query(db, st, qs.p + off[q], off[q + 1] - off[q], false);

	double *lat = xmalloc(nq * sizeof *lat);
	long hits = 0, errors = 0;
	double total = 0, c0 = cpu_us();
	for (size_t q = 0; q < nq; q++) {
		double t0 = now_us();
		long rows = run_query(db, st, qs.p + off[q], off[q + 1] - off[q], errors < 5);
		lat[q] = now_us() - t0;
		total += lat[q];
		if (rows < 0)
			errors++;
		else
			hits += rows;
	}
	double cpu = (cpu_us() - c0) / (double)nq;
	if (latpath) {
		FILE *lf = fopen(latpath, "w");
		if (!lf)
			nl_die("%s: cannot create: %s", latpath, strerror(errno));
		for (size_t q = 0; q < nq; q++)
			fprintf(lf, "%.1f\n", lat[q]);
		if (fclose(lf))
			nl_die("%s: write failed: %s", latpath, strerror(errno));
	}
	qsort(lat, nq, sizeof *lat, cmp_double);
	double med = percentile(lat, nq, 0.5), p99 = percentile(lat, nq, 0.99);
	printf("fts5query: %zu queries (%ld errors), %ld hits, median %.1f us, p99 %.1f us, "
	       "mean %.1f us, CPU %.1f us/query\n",
	       nq, errors, hits, med, p99, total / (double)nq, cpu);
	printf("kv queries=%zu errors=%ld hits=%ld median_us=%.1f p99_us=%.1f mean_us=%.1f "
	       "cpu_us=%.1f\n",
	       nq, errors, hits, med, p99, total / (double)nq, cpu);

	sqlite3_finalize(st);
	sqlite3_close(db);
	buf_release(&sql);
	buf_release(&qs);
	free(off);
	free(lat);
	return 0;
}
