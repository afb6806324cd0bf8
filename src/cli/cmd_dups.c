/*
 * cmd_dups.c — `newsline dups`: the largest story groups (syndicated copies
 * of one article), with their outlets, URLs and dates; each group's
 * representative (earliest, most complete copy) is listed first.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "index/archive.h"
#include "util/day.h"
#include "util/jsonw.h"

struct grp {
	uint32_t rep, size;
};

static int cmp_grp(const void *x, const void *y)
{
	const struct grp *a = x, *b = y;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->rep < b->rep ? -1 : a->rep > b->rep;
}

int cmd_dups(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "min", required_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	bool json = false;
	long min = 2, limit = 20;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:jm:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'j': json = true; break;
		case 'm': min = atol(optarg); break;
		case 'n': limit = atol(optarg); break;
		case 'h':
			printf("usage: newsline dups [--db DIR] [--min N] [-n LIMIT] [--json]\n");
			return 0;
		default: return 2;
		}
	}
	if (min < 1 || limit < 0) {
		fprintf(stderr, "newsline: dups: --min must be at least 1 and -n at least 0\n");
		return 2;
	}
	struct archive *a = cli_open_archive(db, ARCHIVE_READ, "dups");
	if (!a)
		return 1;
	const uint32_t *rep, *size;
	archive_groups(a, &rep, &size);
	struct grp *g = NULL;
	size_t n = 0, cap = 0;
	uint64_t copies = 0;
	for (uint32_t i = 0; i < a->ndocs; i++) {
		if (rep[i] != i)
			continue;
		if (size[i] > 1)
			copies += size[i] - 1;
		if (size[i] < (uint32_t)min)
			continue;
		g = xgrow(g, &cap, n + 1, sizeof *g);
		g[n++] = (struct grp){ i, size[i] };
	}
	if (n)
		qsort(g, n, sizeof *g, cmp_grp);
	size_t shown = NL_MIN(n, (size_t)limit);
	/* members of the shown groups, in id order */
	uint32_t **mem = xcalloc(shown + 1, sizeof *mem);
	uint32_t *nmem = xcalloc(shown + 1, sizeof *nmem);
	for (size_t k = 0; k < shown; k++)
		mem[k] = xmalloc(g[k].size * sizeof **mem);
	/* the representative first, then the other copies in id order */
	for (size_t k = 0; k < shown; k++)
		mem[k][nmem[k]++] = g[k].rep;
	for (uint32_t i = 0; i < a->ndocs && shown; i++) {
		for (size_t k = 0; k < shown; k++)
			if (rep[i] == g[k].rep && i != g[k].rep) {
				mem[k][nmem[k]++] = i;
				break;
			}
	}
	struct buf o;
	buf_init(&o, 0);
	struct doc d;
	memset(&d, 0, sizeof d);
	int rc = 0;
	if (json)
		buf_printf(&o, "{\"groups_total\":%zu,\"copies\":%llu,\"groups\":[", n,
			   (unsigned long long)copies);
	else
		buf_printf(&o, "%zu story groups with at least %ld copies; %llu documents are copies of "
			   "an earlier one\n", n, min, (unsigned long long)copies);
	for (size_t k = 0; k < shown && !rc; k++) {
		if (json)
			buf_printf(&o, "%s{\"size\":%u,\"members\":[", k ? "," : "", g[k].size);
		else
			buf_printf(&o, "\n%u copies:\n", g[k].size);
		for (uint32_t m = 0; m < nmem[k]; m++) {
			rc = archive_doc(a, mem[k][m], &d);
			if (rc) {
				fprintf(stderr, "newsline: dups: %s\n", a->err);
				break;
			}
			char day[11] = "undated";
			if (d.day != NL_NODAY)
				day_format(d.day, day);
			if (json) {
				buf_printf(&o, "%s{\"id\":%u,", m ? "," : "", mem[k][m] + 1);
				jsonw_key(&o, "url"); jsonw_nstr(&o, d.url); buf_putc(&o, ',');
				jsonw_key(&o, "source"); jsonw_nstr(&o, d.source); buf_putc(&o, ',');
				jsonw_key(&o, "date"); jsonw_day(&o, d.day); buf_putc(&o, ',');
				jsonw_key(&o, "title"); jsonw_nstr(&o, d.title); buf_putc(&o, '}');
			} else {
				buf_printf(&o, "  %-7u %s  %-24.*s %.*s\n", mem[k][m] + 1, day,
					   (int)NL_MIN(d.source.n, (size_t)24), d.source.p,
					   (int)d.title.n, d.title.p);
			}
		}
		if (json)
			buf_puts(&o, "]}");
	}
	if (json)
		buf_puts(&o, "]}\n");
	fwrite(o.p, 1, o.n, stdout);
	buf_release(&o);
	doc_release(&d);
	for (size_t k = 0; k < shown; k++)
		free(mem[k]);
	free(mem);
	free(nmem);
	free(g);
	archive_close(a);
	return rc ? 1 : 0;
}
