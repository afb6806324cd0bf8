/*
 * fuzz_search.c — libFuzzer harness for query evaluation: the input is taken
 * as a query and run against a small archive (two segments, 1,700 articles
 * with syndicated copies, titles, dates, sources) built once in a temporary
 * folder, large enough for common words to pass the exact-count point.
 *
 * Any query must give results or a clean error, never a crash, a leak or an
 * out-of-bounds read; and pruned top-k evaluation must return exactly the
 * hits of exhaustive evaluation (same documents, scores and groups), with a
 * total that is exact or a lower bound of at least SEARCH_EXACT_TOTAL.
 * Matching (for volume and timelines) and a snippet of the first hit run too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index/archive.h"
#include "ingest/ingest.h"
#include "query/search.h"

static const char *const words[] = {
	"storm", "bridge", "river", "council", "geneva", "talks", "peninsula", "crimean",
	"flood", "grain", "export", "ukraine", "deal", "minister", "election", "vote",
	"the",   "of",     "new",   "city",    "police", "court", "market",    "price",
};
#define NWORDS (sizeof words / sizeof *words)

static char dir[64];
static struct archive *arch;
static struct searcher *srch;

static void cleanup(void)
{
	searcher_free(srch);
	archive_close(arch);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_search: could not remove %s\n", dir);
}

/* Deterministic pseudo-random text: the same archive on every run. */
static uint64_t rnd_state = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (unsigned)(rnd_state % n);
}

static void add_part(int part, int ndocs)
{
	char path[128], err[512];
	snprintf(path, sizeof path, "%s/part%d.jsonl", dir, part);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	for (int i = 0; i < ndocs; i++) {
		char title[128] = "", text[1024] = "";
		size_t tn = 0, xn = 0;
		for (int w = 0; w < 1 + (int)rnd(4); w++)
			tn += (size_t)snprintf(title + tn, sizeof title - tn, "%s%s", w ? " " : "",
					       words[rnd(NWORDS)]);
		for (int w = 0; w < 5 + (int)rnd(40); w++)
			xn += (size_t)snprintf(text + xn, sizeof text - xn, "%s%s%s", w ? " " : "",
					       words[rnd(NWORDS)], rnd(9) ? "" : ".");
		/* every seventh article again from another outlet: a story group */
		for (int copy = 0; copy < 1 + (i % 7 == 0); copy++)
			fprintf(f,
				"{\"title\":\"%s\",\"date\":\"2022-%02u-%02u\",\"url\":"
				"\"https://s%u.example.com/%d/%d/%d\",\"text\":\"%s\"}\n",
				title, 1 + rnd(12), 1 + rnd(28), copy ? 9 : rnd(4), part, i, copy, text);
	}
	fclose(f);
	char db[96];
	snprintf(db, sizeof db, "%s/db", dir);
	struct archive *a;
	if (archive_open(db, ARCHIVE_WRITE, &a, err, sizeof err))
		abort();
	struct ingest ig;
	ingest_init(&ig, archive_add, a);
	ig.quiet = true;
	if (ingest_path(&ig, path) || archive_commit(a))
		abort();
	archive_close(a);
}

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/fuzz_search.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	/* more matches than SEARCH_EXACT_TOTAL for common words: pruning runs */
	add_part(0, 900);
	add_part(1, 600);
	char db[96], err[512];
	snprintf(db, sizeof db, "%s/db", dir);
	if (archive_open(db, ARCHIVE_READ, &arch, err, sizeof err))
		abort();
	srch = searcher_new(arch);
	atexit(cleanup);
}

static void count_doc(void *ctx, uint32_t doc)
{
	(void)doc;
	++*(size_t *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!srch)
		setup();
	const char *q = (const char *)data;
	struct search_opts o;
	search_opts_init(&o);
	o.k = 1 + (size ? data[0] % 12 : 0);
	o.copies = size > 1 && (data[1] & 1);
	struct search_result x, y;
	memset(&x, 0, sizeof x);
	memset(&y, 0, sizeof y);
	char err[256];
	o.exhaustive = true;
	int rx = searcher_run(srch, q, size, &o, &x, err, sizeof err);
	o.exhaustive = false;
	int ry = searcher_run(srch, q, size, &o, &y, err, sizeof err);
	if (rx != ry)
		abort();
	if (rx == NL_OK) {
		if (!x.total_exact || x.nhits != y.nhits)
			abort();
		for (size_t i = 0; i < x.nhits; i++)
			if (x.hits[i].doc != y.hits[i].doc || x.hits[i].score != y.hits[i].score ||
			    x.hits[i].group != y.hits[i].group || x.hits[i].copies != y.hits[i].copies)
				abort();
		if (y.total_exact ? y.total != x.total
				  : y.total < SEARCH_EXACT_TOTAL || y.total > x.total)
			abort();
		size_t matched = 0;
		if (searcher_match(srch, q, size, &o, count_doc, &matched, err, sizeof err) != NL_OK)
			abort();
		if (matched != x.total)
			abort();
		if (x.nhits) {
			struct buf snip;
			buf_init(&snip, 0);
			searcher_snippet(srch, x.hits[0].doc, 120, "[", "]", &snip);
			buf_release(&snip);
		}
	}
	search_result_release(&x);
	search_result_release(&y);
	return 0;
}
