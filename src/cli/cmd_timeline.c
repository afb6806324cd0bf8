/*
 * cmd_timeline.c — `newsline timeline QUERY`: the key dates of a story and
 * what happened on each, in sentences from the archive's articles, with
 * their sources (timeline.h builds it).
 *
 * Which documents: the search engine (src/query/search.h) finds them. Plain
 * words must all appear (a timeline follows one story); a query written in
 * the query language (quotes, AND/OR/NOT, +/-, title:, source:, date:, *) is
 * taken as written (see match_query). Dates and
 * sentences then come from the matching documents' stored sentences and
 * date references; --from/--to bound the dates of the timeline (articles
 * published at any time may tell of them), --published-from/--published-to
 * the articles used.
 *
 * Output: plain text (default), --json
 *   {"query", "from", "to", "documents", "entries": [{"date", "sentences":
 *    [{"text", "id", "title", "url", "source", "published"}]}]}
 * --md a Markdown timeline with links, --timelinejs the JSON document the
 * TimelineJS viewer reads ({"title", "events": [{"start_date", "text"}]}).
 * The human formats undo Treebank tokenisation ("-LRB- 30 years -RRB- ," ->
 * "(30 years),") found in research corpora such as Timeline17.
 * --copies counts syndicated copies (articles most of whose sentences an
 * earlier article already has) like any other article; by default they
 * count once.
 * Exit status 0, 1 when nothing matches or the archive cannot be read, 2 on
 * usage errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "query/search.h"
#include "index/archive.h"
#include "text/token.h"
#include "timeline/timeline.h"
#include "util/day.h"
#include "util/jsonw.h"

enum fmt { FMT_PLAIN, FMT_JSON, FMT_MD, FMT_TLJS };


/* ========================================================================== */
/* document selection                                                         */
/* ========================================================================== */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct idlist {
	uint32_t *ids;
	size_t n, cap;
};

static void on_match(void *ctx, uint32_t doc)
{
	struct idlist *l = ctx;
	l->ids = xgrow(l->ids, &l->cap, l->n + 1, sizeof *l->ids);
	l->ids[l->n++] = doc;
}

/* The next word at *p, blanks (space, tab) apart: its start, its length in
 * *len (0 at the end); *p moves past it. */
static const char *next_word(const char **p, size_t *len)
{
	const char *q = *p;
	while (*q == ' ' || *q == '\t')
		q++;
	const char *w = q;
	while (*q && *q != ' ' && *q != '\t')
		q++;
	*len = (size_t)(q - w);
	*p = q;
	return w;
}

/* Is the query plain words (no quotes, operators, fields, groups, prefixes)? */
static bool plain_words(const char *q)
{
	if (strpbrk(q, "\"():+-*^~[]{}\\!&|"))
		return false;
	size_t l;
	for (const char *w = next_word(&q, &l); l; w = next_word(&q, &l))
		if ((l == 3 && (!strncmp(w, "AND", 3) || !strncmp(w, "NOT", 3))) ||
		    (l == 2 && !strncmp(w, "OR", 2)))
			return false;
	return true;
}

/* Documents matching query, found by the search engine (search.h). Plain
 * words must all appear — a timeline follows one story, so "Mubarak Egypt
 * protest" means articles with all three — while a query written in the
 * query language (quotes, AND/OR/NOT, +/-, title:, source:, date:, *) is
 * taken as written. Every copy is returned: the generator counts story
 * groups itself. Returns NL_OK, a query error (message in err) or
 * NL_ECORRUPT. */
static int match_query(struct archive *a, const char *query, uint32_t **ids, size_t *n,
		       char *err, size_t errcap)
{
	struct buf q;
	buf_init(&q, 0);
	if (plain_words(query)) {
		const char *p = query;
		size_t l;
		for (const char *w = next_word(&p, &l); l; w = next_word(&p, &l)) {
			if (q.n)
				buf_puts(&q, " AND ");
			buf_put(&q, w, l);
		}
	} else {
		buf_puts(&q, query);
	}
	struct searcher *se = searcher_new(a);
	struct search_opts so;
	search_opts_init(&so);
	so.copies = true;
	struct idlist l = { NULL, 0, 0 };
	int rc = q.n ? searcher_match(se, q.p, q.n, &so, on_match, &l, err, errcap) : NL_EEMPTY;
	if (rc == NL_EEMPTY && !q.n)
		snprintf(err, errcap, "the query has no words to search for");
	searcher_free(se);
	buf_release(&q);
	*ids = l.ids;
	*n = l.n;
	return rc;
}

static void sort_by_day(struct archive *a, uint32_t *ids, size_t n)
{
	uint64_t *k = xmalloc((n + 1) * sizeof *k);
	for (size_t i = 0; i < n; i++) {
		struct seg_docinfo di;
		archive_docinfo(a, ids[i], &di);
		k[i] = (uint64_t)((int64_t)di.day + ((int64_t)1 << 31)) << 32 | ids[i];
	}
	if (n)
		qsort(k, n, sizeof *k, cmp_u64);
	for (size_t i = 0; i < n; i++)
		ids[i] = (uint32_t)k[i];
	free(k);
}

/* ========================================================================== */
/* output                                                                     */
/* ========================================================================== */

/* Treebank-tokenised text (Timeline17 and other research corpora: "Mubarak
 * 's rule -LRB- 30 years -RRB- , he said .") made readable for the human
 * formats: brackets and quotes restored, no space before punctuation and
 * clitics. Text without a tell-tale (" .", " ,", " 's ", "``", "-LRB-") is
 * left alone, and JSON keeps the sentence as stored. Appends to out. */
static void detok(struct buf *out, struct nl_str s)
{
	if (!memmem(s.p, s.n, " .", 2) && !memmem(s.p, s.n, " ,", 2) &&
	    !memmem(s.p, s.n, " 's ", 4) && !memmem(s.p, s.n, "``", 2) &&
	    !memmem(s.p, s.n, "-LRB-", 5)) {
		buf_put(out, s.p, s.n);
		return;
	}
	static const struct { const char *tok, *text; bool glue_left, glue_right; } map[] = {
		{ "-LRB-", "(", false, true }, { "-RRB-", ")", true, false },
		{ "-LSB-", "[", false, true }, { "-RSB-", "]", true, false },
		{ "-LCB-", "{", false, true }, { "-RCB-", "}", true, false },
		{ "``", "\"", false, true },   { "''", "\"", true, false },
		{ ",", ",", true, false },      { ".", ".", true, false },
		{ ";", ";", true, false },      { ":", ":", true, false },
		{ "?", "?", true, false },      { "!", "!", true, false },
		{ "%", "%", true, false },      { "'s", "'s", true, false },
		{ "n't", "n't", true, false },  { "'re", "'re", true, false },
		{ "'ll", "'ll", true, false },  { "'ve", "'ve", true, false },
		{ "'m", "'m", true, false },    { "'d", "'d", true, false },
		{ "$", "$", false, true },
	};
	bool glue = true; /* no space before the next token */
	size_t i = 0;
	while (i < s.n) {
		while (i < s.n && s.p[i] == ' ')
			i++;
		size_t j = i;
		while (j < s.n && s.p[j] != ' ')
			j++;
		if (j == i)
			break;
		const char *t = s.p + i;
		size_t n = j - i, k;
		for (k = 0; k < NL_ARRAY_LEN(map); k++)
			if (strlen(map[k].tok) == n && !memcmp(map[k].tok, t, n))
				break;
		if (k < NL_ARRAY_LEN(map)) {
			if (!glue && !map[k].glue_left)
				buf_putc(out, ' ');
			buf_puts(out, map[k].text);
			glue = map[k].glue_right;
		} else {
			if (!glue)
				buf_putc(out, ' ');
			buf_put(out, t, n);
			glue = false;
		}
		i = j;
	}
}

/* Append s with &, <, >, " escaped for HTML. */
static void html_esc(struct buf *b, struct nl_str s)
{
	for (size_t i = 0; i < s.n; i++) {
		switch (s.p[i]) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_putc(b, s.p[i]);
		}
	}
}

/* Markdown: escape the characters that would start markup inside a line. */
static void md_esc(struct buf *b, struct nl_str s)
{
	for (size_t i = 0; i < s.n; i++) {
		if (strchr("\\`*_[]<>#|", s.p[i]))
			buf_putc(b, '\\');
		buf_putc(b, s.p[i]);
	}
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

static void put_day(struct buf *b, int32_t d)
{
	char s[11] = "undated";
	if (d != NL_NODAY)
		day_format(d, s);
	buf_puts(b, s);
}

static int render(struct archive *a, const char *query, const struct timeline *tl,
		  size_t nmatch, enum fmt fmt, struct buf *o)
{
	struct doc d;
	memset(&d, 0, sizeof d);
	int rc = NL_OK;
	if (fmt == FMT_JSON) {
		buf_putc(o, '{');
		jsonw_key(o, "query");
		jsonw_str(o, query, strlen(query));
		buf_putc(o, ',');
		jsonw_key(o, "from");
		jsonw_day(o, tl->from);
		buf_putc(o, ',');
		jsonw_key(o, "to");
		jsonw_day(o, tl->to);
		buf_printf(o, ",\"documents\":%zu,", nmatch);
		jsonw_key(o, "entries");
		buf_putc(o, '[');
	} else if (fmt == FMT_MD) {
		buf_puts(o, "# Timeline: ");
		md_esc(o, nl_str_make(query, strlen(query)));
		buf_printf(o, "\n\n%zu date%s from %zu matching article%s.\n", tl->nentries,
			   plural(tl->nentries), nmatch, plural(nmatch));
	} else if (fmt == FMT_TLJS) {
		buf_puts(o, "{\"title\":{\"text\":{\"headline\":");
		jsonw_str(o, query, strlen(query));
		struct buf t;
		buf_init(&t, 0);
		buf_printf(&t, "%zu date%s from %zu matching article%s", tl->nentries,
			   plural(tl->nentries), nmatch, plural(nmatch));
		buf_puts(o, ",\"text\":");
		jsonw_str(o, t.p, t.n);
		buf_release(&t);
		buf_puts(o, "}},\"events\":[");
	} else {
		buf_printf(o, "timeline for \"%s\": %zu date%s from %zu matching article%s", query,
			   tl->nentries, plural(tl->nentries), nmatch, plural(nmatch));
		if (tl->ncopies)
			buf_printf(o, " (%zu syndicated copies counted once)", tl->ncopies);
		buf_putc(o, '\n');
	}
	struct buf html, tmp;
	buf_init(&html, 0);
	buf_init(&tmp, 0);
	for (size_t i = 0; i < tl->nentries && rc == NL_OK; i++) {
		const struct timeline_entry *e = &tl->entries[i];
		int y, m, dd;
		day_to_ymd(e->day, &y, &m, &dd);
		if (fmt == FMT_JSON) {
			buf_puts(o, i ? ",{" : "{");
			jsonw_key(o, "date");
			jsonw_day(o, e->day);
			buf_putc(o, ',');
			jsonw_key(o, "sentences");
			buf_putc(o, '[');
		} else if (fmt == FMT_MD) {
			buf_puts(o, "\n## ");
			put_day(o, e->day);
			buf_putc(o, '\n');
		} else if (fmt == FMT_TLJS) {
			buf_printf(o, "%s{\"start_date\":{\"year\":%d,\"month\":%d,\"day\":%d},"
				   "\"text\":{", i ? "," : "", y, m, dd);
			buf_clear(&html);
		} else {
			buf_putc(o, '\n');
			put_day(o, e->day);
			buf_putc(o, '\n');
		}
		for (size_t j = 0; j < e->nsents; j++) {
			const struct timeline_sent *s = &e->sents[j];
			rc = archive_doc(a, s->doc, &d);
			if (rc)
				break;
			if (fmt == FMT_JSON) {
				buf_puts(o, j ? ",{" : "{");
				jsonw_key(o, "text");
				jsonw_nstr(o, s->text);
				buf_printf(o, ",\"id\":%u,", s->doc + 1);
				jsonw_key(o, "title");
				jsonw_nstr(o, d.title);
				buf_putc(o, ',');
				jsonw_key(o, "url");
				jsonw_nstr(o, d.url);
				buf_putc(o, ',');
				jsonw_key(o, "source");
				jsonw_nstr(o, d.source);
				buf_putc(o, ',');
				jsonw_key(o, "published");
				jsonw_day(o, d.day);
				buf_putc(o, '}');
			} else if (fmt == FMT_MD) {
				buf_puts(o, "- ");
				buf_clear(&tmp);
				detok(&tmp, s->text);
				md_esc(o, nl_str_make(tmp.p, tmp.n));
				buf_puts(o, " — [");
				buf_clear(&tmp);
				detok(&tmp, d.title);
				md_esc(o, nl_str_make(tmp.p, tmp.n));
				buf_puts(o, "](<");
				buf_put(o, d.url.p, d.url.n);
				buf_puts(o, ">), ");
				md_esc(o, d.source);
				buf_puts(o, ", ");
				put_day(o, d.day);
				buf_putc(o, '\n');
			} else if (fmt == FMT_TLJS) {
				if (j == 0) {
					buf_puts(o, "\"headline\":");
					jsonw_nstr(o, d.title);
				}
				buf_puts(&html, "<p>");
				buf_clear(&tmp);
				detok(&tmp, s->text);
				html_esc(&html, nl_str_make(tmp.p, tmp.n));
				buf_puts(&html, " <small>(<a href=\"");
				html_esc(&html, d.url);
				buf_puts(&html, "\">");
				html_esc(&html, d.source);
				buf_puts(&html, "</a>, ");
				put_day(&html, d.day);
				buf_puts(&html, ")</small></p>");
			} else {
				buf_puts(o, "  - ");
				detok(o, s->text);
				buf_printf(o, "\n      [%u] ", s->doc + 1);
				detok(o, d.title);
				buf_printf(o, " (%.*s, ", (int)d.source.n, d.source.p);
				put_day(o, d.day);
				buf_printf(o, ") %.*s\n", (int)d.url.n, d.url.p);
			}
		}
		if (fmt == FMT_JSON) {
			buf_puts(o, "]}");
		} else if (fmt == FMT_TLJS) {
			if (!e->nsents)
				buf_puts(o, "\"headline\":\"\"");
			buf_puts(o, ",\"text\":");
			jsonw_str(o, html.p, html.n);
			buf_puts(o, "}}");
		}
	}
	buf_release(&html);
	buf_release(&tmp);
	if (fmt == FMT_JSON || fmt == FMT_TLJS)
		buf_puts(o, "]}\n");
	doc_release(&d);
	return rc;
}

/* ========================================================================== */
/* the command                                                                */
/* ========================================================================== */

static void usage(FILE *f)
{
	fprintf(f, "usage: newsline timeline [--db DIR] [--from DATE] [--to DATE] "
		   "[--published-from DATE] [--published-to DATE] [--dates L] [--per-date K] "
		   "[--keywords W,...] [--method newsline|datewise] [--copies] "
		   "[--json|--md|--timelinejs] QUERY\n");
}

static bool parse_count(const char *s, size_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v == 0 || v > 1000)
		return false;
	*out = v;
	return true;
}

int cmd_timeline(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "published-from", required_argument, NULL, 'F' },
		{ "published-to", required_argument, NULL, 'P' },
		{ "dates", required_argument, NULL, 'L' },
		{ "per-date", required_argument, NULL, 'K' },
		{ "keywords", required_argument, NULL, 'k' },
		{ "method", required_argument, NULL, 'M' },
		{ "copies", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "md", no_argument, NULL, 'm' },
		{ "timelinejs", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *kwarg = NULL;
	struct timeline_opts o;
	timeline_opts_init(&o);
	enum fmt fmt = FMT_PLAIN;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:t:F:P:L:K:k:M:cjmTh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f':
		case 't':
		case 'F':
		case 'P': {
			int32_t day = day_parse(optarg, strlen(optarg));
			const char *name = c == 'f' ? "from" : c == 't' ? "to" :
					   c == 'F' ? "published-from" : "published-to";
			if (day == NL_NODAY) {
				fprintf(stderr, "newsline: timeline: --%s: '%s' is not a date "
					"(YYYY-MM-DD)\n", name, optarg);
				return 2;
			}
			*(c == 'f' ? &o.from : c == 't' ? &o.to : c == 'F' ? &o.pub_from : &o.pub_to) = day;
			break;
		}
		case 'L':
		case 'K':
			if (!parse_count(optarg, c == 'L' ? &o.dates : &o.per_date)) {
				fprintf(stderr, "newsline: timeline: --%s: give a number from 1 to 1000\n",
					c == 'L' ? "dates" : "per-date");
				return 2;
			}
			break;
		case 'k': kwarg = optarg; break;
		case 'M':
			if (!strcmp(optarg, "datewise"))
				o.method = TIMELINE_DATEWISE;
			else if (!strcmp(optarg, "newsline"))
				o.method = TIMELINE_NEWSLINE;
			else {
				fprintf(stderr, "newsline: timeline: unknown method '%s' (newsline, "
					"datewise)\n", optarg);
				return 2;
			}
			break;
		case 'c': o.keep_copies = true; break;
		case 'j': fmt = FMT_JSON; break;
		case 'm': fmt = FMT_MD; break;
		case 'T': fmt = FMT_TLJS; break;
		case 'h': usage(stdout); return 0;
		default: return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "newsline: timeline: no query given\n");
		usage(stderr);
		return 2;
	}
	if ((o.from != NL_NODAY && o.to != NL_NODAY && o.from > o.to) ||
	    (o.pub_from != NL_NODAY && o.pub_to != NL_NODAY && o.pub_from > o.pub_to)) {
		fprintf(stderr, "newsline: timeline: --%sfrom is after --%sto\n",
			o.from > o.to ? "" : "published-", o.from > o.to ? "" : "published-");
		return 2;
	}
	/* the query: the remaining arguments, joined by spaces */
	struct buf q;
	buf_init(&q, 1 << 16);
	if (cli_join_args(&q, argc, argv, optind)) {
		fprintf(stderr, "newsline: timeline: query longer than 64 KiB\n");
		buf_release(&q);
		return 2;
	}
	/* keywords: comma-separated */
	char *kwcopy = kwarg ? xstrdup(kwarg) : NULL;
	const char **kw = NULL;
	size_t nkw = 0, kwcap = 0;
	for (char *p = kwcopy; p && *p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = 0;
		while (*p == ' ')
			p++;
		if (*p) {
			kw = xgrow(kw, &kwcap, nkw + 1, sizeof *kw);
			kw[nkw++] = p;
		}
		p = comma ? comma + 1 : p + strlen(p);
	}
	o.keywords = kw;
	o.nkeywords = nkw;

	struct archive *a = cli_open_archive(db, ARCHIVE_READ, "timeline");
	if (!a) {
		free(kw);
		free(kwcopy);
		buf_release(&q);
		return 1;
	}
	size_t nmatch = 0;
	uint32_t *ids = NULL;
	char qerr[512];
	int status = 0;
	int mrc = match_query(a, q.p, &ids, &nmatch, qerr, sizeof qerr);
	if (mrc == NL_ECORRUPT) {
		fprintf(stderr, "newsline: timeline: %s: %s\n", cli_db_path(db), qerr);
		status = 1;
	} else if (mrc) {
		fprintf(stderr, "newsline: timeline: %s\n", qerr);
		status = 2;
	} else if (nmatch == 0) {
		fprintf(stderr, "newsline: timeline: no document matches \"%s\"\n", q.p);
		status = 1;
	}
	if (!status) {
		sort_by_day(a, ids, nmatch);
		struct timeline tl;
		int rc = timeline_build(a, ids, nmatch, &o, &tl);
		struct buf out;
		buf_init(&out, 0);
		if (!rc)
			rc = render(a, q.p, &tl, nmatch, fmt, &out);
		if (rc) {
			fprintf(stderr, "newsline: timeline: %s\n",
				a->err[0] ? a->err : nl_strerror(rc));
			status = 1;
		} else {
			fwrite(out.p, 1, out.n, stdout);
		}
		buf_release(&out);
		if (!rc)
			timeline_release(&tl);
	}
	free(ids);
	archive_close(a);
	free(kw);
	free(kwcopy);
	buf_release(&q);
	return status;
}
