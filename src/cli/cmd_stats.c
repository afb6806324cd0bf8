/*
 * cmd_stats.c — `newsline stats`: documents, undated, sources, date range,
 * distinct terms, segments and sizes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "index/archive.h"
#include "util/day.h"
#include "util/jsonw.h"

/* Distinct terms across segments: n-way merge of the sorted dictionaries. */
static uint64_t count_terms(struct archive *a)
{
	if (a->nsegs == 1)
		return a->segs[0]->nterms;
	struct seg_term_iter *it = xcalloc(a->nsegs + 1, sizeof *it);
	bool *live = xcalloc(a->nsegs + 1, sizeof *live);
	for (uint32_t i = 0; i < a->nsegs; i++) {
		seg_term_iter_init(&it[i], a->segs[i]);
		live[i] = seg_term_iter_next(&it[i]);
	}
	uint64_t n = 0;
	for (;;) {
		int best = seg_term_iter_min(it, live, a->nsegs);
		if (best < 0)
			break;
		char t[256];
		size_t tl = it[best].len;
		memcpy(t, it[best].term, tl);
		n++;
		for (uint32_t i = 0; i < a->nsegs; i++)
			if (live[i] && it[i].len == tl && !memcmp(it[i].term, t, tl))
				live[i] = seg_term_iter_next(&it[i]);
	}
	free(it);
	free(live);
	return n;
}

static int cmp_str(const void *x, const void *y)
{
	const struct nl_str *a = x, *b = y;
	int c = memcmp(a->p, b->p, NL_MIN(a->n, b->n));
	return c ? c : (a->n > b->n) - (a->n < b->n);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	bool json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'j': json = true; break;
		case 'h': printf("usage: newsline stats [--db DIR] [--json]\n"); return 0;
		default: return 2;
		}
	}
	struct archive *a = cli_open_archive(db, ARCHIVE_READ, "stats");
	if (!a)
		return 1;
	uint32_t undated = 0;
	int32_t first = NL_NODAY, last = NL_NODAY;
	size_t bytes = 0, nsrc = 0;
	uint64_t tokens = 0;
	for (uint32_t i = 0; i < a->nsegs; i++) {
		bytes += a->segs[i]->size;
		nsrc += a->segs[i]->nsources;
		tokens += a->segs[i]->total_title + a->segs[i]->total_body;
	}
	struct nl_str *src = xmalloc((nsrc + 1) * sizeof *src);
	size_t k = 0;
	for (uint32_t i = 0; i < a->nsegs; i++)
		for (uint32_t s = 0; s < a->segs[i]->nsources; s++)
			src[k++] = a->segs[i]->sources[s];
	qsort(src, k, sizeof *src, cmp_str);
	size_t distinct = 0;
	for (size_t i = 0; i < k; i++)
		if (i == 0 || cmp_str(&src[i], &src[i - 1]) != 0)
			distinct++;
	free(src);
	for (uint32_t id = 0; id < a->ndocs; id++) {
		struct seg_docinfo di;
		archive_docinfo(a, id, &di);
		if (di.day == NL_NODAY) {
			undated++;
			continue;
		}
		if (first == NL_NODAY || di.day < first) first = di.day;
		if (last == NL_NODAY || di.day > last) last = di.day;
	}
	uint64_t terms = count_terms(a);
	size_t cache = archive_cache_bytes(a);
	struct buf o;
	buf_init(&o, 0);
	if (json) {
		buf_printf(&o, "{\"documents\":%u,\"undated\":%u,\"sources\":%zu,", a->ndocs, undated,
			   distinct);
		jsonw_key(&o, "first_date"); jsonw_day(&o, first); buf_putc(&o, ',');
		jsonw_key(&o, "last_date"); jsonw_day(&o, last); buf_putc(&o, ',');
		buf_printf(&o, "\"terms\":%llu,\"tokens\":%llu,\"segments\":%u,\"bytes\":%zu,"
			   "\"cache_bytes\":%zu,\"generation\":%llu}\n",
			   (unsigned long long)terms, (unsigned long long)tokens, a->nsegs, bytes,
			   cache, (unsigned long long)a->generation);
	} else {
		char f[11] = "-", l[11] = "-";
		if (first != NL_NODAY) day_format(first, f);
		if (last != NL_NODAY) day_format(last, l);
		buf_printf(&o, "archive:    %s\ndocuments:  %u (%u undated)\nsources:    %zu\n"
			   "dates:      %s to %s\nterms:      %llu distinct, %llu tokens\n"
			   "segments:   %u, %.1f MB on disk\n",
			   cli_db_path(db), a->ndocs, undated, distinct, f, l, (unsigned long long)terms,
			   (unsigned long long)tokens, a->nsegs, (double)bytes / 1e6);
		if (cache)
			buf_printf(&o, "cache:      %.1f MB (dedup.snap: the near-duplicate detector, "
				   "for the next add)\n", (double)cache / 1e6);
	}
	fwrite(o.p, 1, o.n, stdout);
	buf_release(&o);
	archive_close(a);
	return 0;
}
