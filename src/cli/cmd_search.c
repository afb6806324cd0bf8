/*
 * cmd_search.c — `newsline search`: ranked results with snippets, or with
 * --batch one JSON line per query (for scripts and benchmarks).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "query/search.h"
#include "util/day.h"
#include "util/jsonw.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int cli_parse_day(const char *s, int32_t *out)
{
	int32_t d = day_parse(s, strlen(s));
	if (d == NL_NODAY)
		return -1;
	*out = d;
	return 0;
}

/* Other copies of a story group (excluding the hit), as JSON array members. */
/* Story-group member lists: first[g] is group g's lowest id, next[i] the
 * next id of i's group (UINT32_MAX ends both), built once from rep[] so a
 * hit's copies are listed in O(copies) wherever they sit in the archive. */
struct members {
	uint32_t *first, *next;
};

static void members_build(struct members *m, const uint32_t *rep, uint32_t n)
{
	m->first = xmalloc((n + 1) * sizeof *m->first);
	m->next = xmalloc((n + 1) * sizeof *m->next);
	for (uint32_t i = 0; i < n; i++)
		m->first[i] = UINT32_MAX;
	for (uint32_t i = n; i-- > 0;) {
		m->next[i] = m->first[rep[i]];
		m->first[rep[i]] = i;
	}
}

/* The lowest id of story group g (members_build on first use); walk on
 * with m->next. */
static uint32_t group_first(struct members *m, const uint32_t *rep, uint32_t ndocs, uint32_t g)
{
	if (!m->first)
		members_build(m, rep, ndocs);
	return m->first[g];
}

/* The copies of hit's story group other than hit, in id order, as JSON. */
static void json_copies(struct archive *a, struct members *m, const uint32_t *rep,
			uint32_t group, uint32_t hit, struct buf *o, struct doc *d)
{
	bool first = true;
	buf_putc(o, '[');
	for (uint32_t i = group_first(m, rep, a->ndocs, group); i != UINT32_MAX; i = m->next[i]) {
		if (i == hit)
			continue;
		if (archive_doc(a, i, d) != NL_OK)
			break;
		buf_printf(o, "%s{\"id\":%u,", first ? "" : ",", i + 1);
		jsonw_key(o, "url"); jsonw_nstr(o, d->url); buf_putc(o, ',');
		jsonw_key(o, "source"); jsonw_nstr(o, d->source); buf_putc(o, ',');
		jsonw_key(o, "date"); jsonw_day(o, d->day); buf_putc(o, '}');
		first = false;
	}
	buf_putc(o, ']');
}

struct hit_ref {
	uint32_t doc;
	size_t i;
};

static int cmp_hit_ref(const void *x, const void *y)
{
	const struct hit_ref *a = x, *b = y;
	return a->doc < b->doc ? -1 : a->doc > b->doc;
}

/*
 * The input ids of every hit, read in document order: documents are stored
 * in id order, so that order reads each docstore block once however many
 * hits it holds (in rank order a 1,000-hit batch line decompresses a block
 * per hit). Hit i's id is ids[off[i] .. off[i] + len[i]).
 */
static int batch_ids(struct archive *a, const struct search_result *r, struct buf *ids,
		     size_t *off, size_t *len, struct doc *d)
{
	struct hit_ref *h = xmalloc((r->nhits + 1) * sizeof *h);
	for (size_t i = 0; i < r->nhits; i++)
		h[i] = (struct hit_ref){ r->hits[i].doc, i };
	qsort(h, r->nhits, sizeof *h, cmp_hit_ref);
	int rc = 0;
	buf_clear(ids);
	for (size_t k = 0; k < r->nhits && !rc; k++) {
		rc = archive_doc(a, h[k].doc, d);
		if (rc)
			break;
		off[h[k].i] = ids->n;
		len[h[k].i] = d->extid.n;
		buf_put(ids, d->extid.p, d->extid.n);
	}
	free(h);
	return rc;
}

static int print_hits(struct searcher *se, struct archive *a, struct members *m,
		      const struct search_result *r, bool json, bool batch, bool tty, const char *qid,
		      double took, struct buf *o)
{
	const uint32_t *rep, *size;
	archive_groups(a, &rep, &size);
	struct doc d, c;
	memset(&d, 0, sizeof d);
	memset(&c, 0, sizeof c);
	int rc = 0;
	if (json || batch) {
		buf_putc(o, '{');
		if (qid) {
			jsonw_key(o, "qid");
			jsonw_str(o, qid, strlen(qid));
			buf_putc(o, ',');
		}
		buf_printf(o, "\"total\":%llu,\"total_exact\":%s,\"took_us\":%.0f,\"hits\":[",
			   (unsigned long long)r->total, r->total_exact ? "true" : "false", took);
	} else {
		buf_printf(o, "%llu%s matching %s\n", (unsigned long long)r->total,
			   r->total_exact ? "" : "+", r->total == 1 && r->total_exact ? "story" : "stories");
	}
	if (batch) {
		struct buf ids;
		buf_init(&ids, 0);
		size_t *off = xmalloc((r->nhits + 1) * sizeof *off);
		size_t *len = xmalloc((r->nhits + 1) * sizeof *len);
		rc = batch_ids(a, r, &ids, off, len, &d);
		if (rc)
			fprintf(stderr, "newsline: search: %s\n", a->err);
		for (size_t i = 0; i < r->nhits && !rc; i++) {
			const struct search_hit *h = &r->hits[i];
			buf_printf(o, "%s{\"id\":%u,\"input_id\":", i ? "," : "", h->doc + 1);
			jsonw_nstr(o, nl_str_make(ids.p ? ids.p + off[i] : "", len[i]));
			buf_printf(o, ",\"score\":%.4f", h->score);
			if (h->copies > 1) { /* the story's other copies, by id */
				buf_puts(o, ",\"copies\":[");
				bool first = true;
				for (uint32_t k = group_first(m, rep, a->ndocs, h->group); k != UINT32_MAX;
				     k = m->next[k])
					if (k != h->doc) {
						buf_printf(o, "%s%u", first ? "" : ",", k + 1);
						first = false;
					}
				buf_putc(o, ']');
			}
			buf_putc(o, '}');
		}
		free(off);
		free(len);
		buf_release(&ids);
	}
	for (size_t i = 0; i < r->nhits && !rc && !batch; i++) {
		const struct search_hit *h = &r->hits[i];
		rc = archive_doc(a, h->doc, &d);
		if (rc) {
			fprintf(stderr, "newsline: search: %s\n", a->err);
			break;
		}
		struct buf snip;
		buf_init(&snip, 0);
		searcher_snippet(se, h->doc, 240, json ? "<b>" : tty ? "\033[1m" : "*",
				 json ? "</b>" : tty ? "\033[0m" : "*", &snip);
		char day[11] = "undated";
		if (d.day != NL_NODAY)
			day_format(d.day, day);
		if (json) {
			buf_printf(o, "%s{\"id\":%u,", i ? "," : "", h->doc + 1);
			jsonw_key(o, "title"); jsonw_nstr(o, d.title); buf_putc(o, ',');
			jsonw_key(o, "date"); jsonw_day(o, d.day); buf_putc(o, ',');
			jsonw_key(o, "url"); jsonw_nstr(o, d.url); buf_putc(o, ',');
			jsonw_key(o, "source"); jsonw_nstr(o, d.source); buf_putc(o, ',');
			buf_printf(o, "\"score\":%.4f,", h->score);
			jsonw_key(o, "snippet"); jsonw_str(o, snip.p ? snip.p : "", snip.n); buf_putc(o, ',');
			jsonw_key(o, "copies");
			if (h->copies > 1)
				json_copies(a, m, rep, h->group, h->doc, o, &c);
			else
				buf_puts(o, "[]");
			buf_putc(o, '}');
		} else {
			buf_printf(o, "\n%zu. %.*s\n   %s  %.*s  score %.2f  id %u\n   %.*s\n   %.*s\n",
				   i + 1, (int)d.title.n, d.title.p, day, (int)d.source.n, d.source.p,
				   h->score, h->doc + 1, (int)d.url.n, d.url.p, (int)snip.n,
				   snip.p ? snip.p : "");
			if (h->copies > 1)
				buf_printf(o, "   also published by %u other outlet%s (--json lists them)\n",
					   h->copies - 1, h->copies == 2 ? "" : "s");
		}
		buf_release(&snip);
	}
	if (json || batch)
		buf_puts(o, "]}\n");
	doc_release(&d);
	doc_release(&c);
	return rc;
}

int cmd_search(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "source", required_argument, NULL, 's' },
		{ "offset", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "copies", no_argument, NULL, 'c' },
		{ "batch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *batch = NULL;
	bool json = false;
	struct search_opts so;
	search_opts_init(&so);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:t:s:n:o:jcb:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f':
		case 't':
			if (cli_parse_day(optarg, c == 'f' ? &so.from : &so.to)) {
				fprintf(stderr, "newsline: search: --%s: '%s' is not a date (YYYY-MM-DD)\n",
					c == 'f' ? "from" : "to", optarg);
				return 2;
			}
			break;
		case 's': so.source = optarg; break;
		case 'n':
		case 'o': {
			char *e;
			long v = strtol(optarg, &e, 10);
			if (*e || v < 0 || v > 1000000) {
				fprintf(stderr, "newsline: search: -%c needs a number from 0 to 1000000\n", c);
				return 2;
			}
			if (c == 'n') so.k = (size_t)v; else so.offset = (size_t)v;
			break;
		}
		case 'j': json = true; break;
		case 'c': so.copies = true; break;
		case 'b': batch = optarg; break;
		case 'h':
			printf("usage: newsline search [--db DIR] [--from D] [--to D] [--source HOST] [-n N] "
			       "[--offset K] [--copies] [--json] QUERY\n"
			       "       newsline search [--db DIR] [-n N] --batch FILE   (one query per line,"
			       " optionally ID<TAB>QUERY; one JSON line each)\n");
			return 0;
		default: return 2;
		}
	}
	if (!batch && optind >= argc) {
		fprintf(stderr, "newsline: search: no query given\n");
		return 2;
	}
	struct archive *a = cli_open_archive(db, ARCHIVE_READ, "search");
	if (!a)
		return 1;
	struct searcher *se = searcher_new(a);
	struct members m = { NULL, NULL }; /* story-group lists, built when first needed */
	struct search_result r;
	memset(&r, 0, sizeof r);
	struct buf o;
	buf_init(&o, 0);
	int status = 0;
	char err[512];
	if (batch) {
		FILE *f = strcmp(batch, "-") ? fopen(batch, "r") : stdin;
		if (!f) {
			fprintf(stderr, "newsline: search: cannot open %s\n", batch);
			status = 1;
		} else {
			char *line = NULL;
			size_t cap = 0;
			ssize_t n;
			unsigned long lineno = 0;
			while ((n = getline(&line, &cap, f)) > 0) {
				lineno++;
				while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
					line[--n] = 0;
				if (n == 0)
					continue;
				char *q = line, *qid = NULL, *tab = strchr(line, '\t');
				char idbuf[32];
				if (tab) {
					*tab = 0;
					qid = line;
					q = tab + 1;
				} else {
					snprintf(idbuf, sizeof idbuf, "%lu", lineno);
					qid = idbuf;
				}
				double t0 = now_us();
				int rc = searcher_run(se, q, strlen(q), &so, &r, err, sizeof err);
				double took = now_us() - t0;
				buf_clear(&o);
				if (rc) {
					buf_puts(&o, "{\"qid\":");
					jsonw_str(&o, qid, strlen(qid));
					buf_puts(&o, ",\"error\":");
					jsonw_str(&o, err, strlen(err));
					buf_puts(&o, "}\n");
				} else {
					print_hits(se, a, &m, &r, true, true, false, qid, took, &o);
				}
				fwrite(o.p, 1, o.n, stdout);
			}
			free(line);
			if (f != stdin)
				fclose(f);
		}
	} else {
		/* the query is the remaining arguments joined by spaces */
		struct buf q;
		buf_init(&q, 0);
		cli_join_args(&q, argc, argv, optind);
		double t0 = now_us();
		int rc = searcher_run(se, q.p, q.n, &so, &r, err, sizeof err);
		double took = now_us() - t0;
		if (rc) {
			fprintf(stderr, "newsline: search: %s\n", err);
			status = rc == NL_ECORRUPT ? 1 : 2;
		} else {
			status = print_hits(se, a, &m, &r, json, false, isatty(1), NULL, took, &o) ? 1 : 0;
			fwrite(o.p, 1, o.n, stdout);
		}
		buf_release(&q);
	}
	buf_release(&o);
	search_result_release(&r);
	free(m.first);
	free(m.next);
	searcher_free(se);
	archive_close(a);
	return status;
}
