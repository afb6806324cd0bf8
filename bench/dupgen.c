/*
 * dupgen.c — labelled syndication test sets from real articles, and the
 * measurements of src/dedup against them (issue 6).
 *
 * Usage: dupgen [--seed S] [--shared DIR] [--reuters N] [--copies N]
 *               [--limit N] [--show N] [--debug] [--no-scale | --only-scale]
 *
 * --reuters N: Reuters sources (default 8000); --copies N: copies per source
 * (default 2); --limit N: records read from each scale file, the Reuters
 * sources of the labelled set included (default all); --show N:
 * examples printed per kind of error (default 5); --debug: also print what
 * each document matched (a second lookup per document, so throughput is not
 * comparable).
 *
 * 1. Sources: Timeline17 articles (../shared/data/t17/<topic>_<outlet>/InputDocs/
 *    <date>/<n>.htm.txt, one sentence per line) and N Reuters-21578 stories
 *    (libzstd streaming + jansson over scale/reuters21578.jsonl.zst), whose
 *    hard-wrapped lines are joined back into paragraphs (a paragraph starts at
 *    an indented or blank line; a long story with no such structure is cut
 *    into two-sentence paragraphs). Sources whose letters-and-digits text
 *    equals an earlier source's are dropped, so that every source is its own
 *    story.
 * 2. Copies: per source, --copies syndicated copies, each keeping a random
 *    share f in [0.5, 1] of the text (by characters): the tail is cut, or
 *    random paragraphs are dropped; then the paragraphs may be shuffled, and
 *    a new headline, a byline, a dateline, an editor's note, a "related
 *    stories" block of other real headlines, copyright / newsletter / credit
 *    lines, and lines of boilerplate the detector has no rule for are added;
 *    finally ASCII punctuation and / or non-ASCII bytes may be stripped and
 *    the case changed.
 * 3. Hard negatives: every pair of different T17 articles on the same topic
 *    (all outlets of it) and the same day.
 * 4. The stream (sources and copies, shuffled) goes through dedup_sketch +
 *    dedup_load. Reported: copy recall (copy put in its source's group),
 *    pairwise precision and recall over the groups (pairs of documents in the
 *    same detector group vs the same source), merged hard negatives,
 *    throughput, and the similarity of copies and of hard negatives to show
 *    the margin around the thresholds; then, separately, how detection falls
 *    off for excerpts keeping less than half.
 * 5. Scale corpora: exact duplicates of reuters21578 and liveblogs (reference:
 *    equal lowercased letters-and-digits token sequences) grouped by the
 *    detector, its near-duplicate merges, throughput and memory.
 */
#include "dedup/dedup.h"
#include "util/buf.h"

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

static const char *shared = "../shared";
static size_t limit; /* records read from each scale file, 0 = all */
static int show = 5;
static bool debug;

/* ------------------------------------------------------------------------- */
/* Small helpers                                                             */

static uint64_t rng_s = 1;
static uint64_t rnd(void)
{
	uint64_t z = (rng_s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}
static double rnd_unit(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}
static bool chance(double p)
{
	return rnd_unit() < p;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this thread: the machine is shared, and the goal is per core */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reference key for "exact duplicate": hash of the lowercased [a-z0-9]+ token
 * sequence; 0 when there is no token. */
static uint64_t ref_key(const char *t, size_t n)
{
	struct buf b;
	buf_init(&b, 0);
	bool gap = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (isalnum(c) && c < 128) {
			if (gap && b.n)
				buf_putc(&b, ' ');
			buf_putc(&b, tolower(c));
			gap = false;
		} else {
			gap = true;
		}
	}
	uint64_t k = b.n ? nl_hash64(b.p, b.n) | 1 : 0;
	buf_release(&b);
	return k;
}

/* ------------------------------------------------------------------------- */
/* Articles                                                                  */

struct art {
	char *id, *title, *date, *topic;
	char *text; /* paragraphs joined by '\n' */
	size_t len;
};

struct arts {
	struct art *a;
	size_t n, cap;
};

static void art_free(struct art *a)
{
	free(a->id);
	free(a->title);
	free(a->date);
	free(a->topic);
	free(a->text);
}

static void arts_push(struct arts *v, struct art a)
{
	v->a = xgrow(v->a, &v->cap, v->n + 1, sizeof *v->a);
	v->a[v->n++] = a;
}

/* Split text into lines (pointers into it); returns count. */
struct lines {
	struct nl_str *l;
	size_t n, cap;
};

static void lines_split(struct lines *ls, const char *t, size_t n)
{
	ls->n = 0;
	if (!n)
		t = "";
	const char *p = t, *end = t + n;
	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		ls->l = xgrow(ls->l, &ls->cap, ls->n + 1, sizeof *ls->l);
		ls->l[ls->n++] = nl_str_make(p, (size_t)(e - p));
		if (!nl)
			break;
		p = nl + 1;
	}
}

static struct nl_str trim(struct nl_str s)
{
	while (s.n && isspace((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && isspace((unsigned char)s.p[s.n - 1]))
		s.n--;
	return s;
}

/* Reuters: hard-wrapped lines, a paragraph starts at an indented line or after
 * a blank line. A long story without that structure is cut into paragraphs
 * of two sentences. */
static char *reuters_paras(const char *t, size_t n, size_t *outlen)
{
	struct lines ls = { 0 };
	struct buf b;
	buf_init(&b, 0);
	lines_split(&ls, t, n);
	size_t paras = 0;
	bool newpara = true;
	for (size_t i = 0; i < ls.n; i++) {
		struct nl_str l = ls.l[i];
		struct nl_str tl = trim(l);
		if (!tl.n) {
			newpara = true;
			continue;
		}
		if (l.n && isspace((unsigned char)l.p[0]))
			newpara = true;
		if (b.n)
			buf_putc(&b, newpara ? '\n' : ' ');
		paras += newpara;
		buf_put(&b, tl.p, tl.n);
		newpara = false;
	}
	free(ls.l);
	if (paras == 1 && b.n > 400) {
		/* no structure: two sentences per paragraph */
		struct buf o;
		buf_init(&o, 0);
		int sent = 0;
		for (size_t i = 0; i < b.n; i++) {
			buf_putc(&o, b.p[i]);
			if (b.p[i] == '.' && i + 2 < b.n && b.p[i + 1] == ' ' &&
			    isupper((unsigned char)b.p[i + 2]) && ++sent % 2 == 0) {
				buf_putc(&o, '\n');
				i++;
			}
		}
		buf_release(&b);
		b = o;
	}
	if (!b.n) {
		buf_release(&b);
		*outlen = 0;
		return xstrdup("");
	}
	return buf_detach(&b, outlen);
}

/* Feed each JSON object of a zstd-compressed JSONL file to fn. */
static void jsonl_zst_each(const char *path, void (*fn)(json_t *, void *), void *ctx)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		nl_die("%s: cannot open", path);
	ZSTD_DStream *z = ZSTD_createDStream();
	size_t insz = ZSTD_DStreamInSize(), outsz = ZSTD_DStreamOutSize();
	char *in = xmalloc(insz), *out = xmalloc(outsz);
	struct buf line;
	buf_init(&line, 64u << 20);
	size_t got, nrec = 0;
	while ((got = fread(in, 1, insz, f)) > 0) {
		ZSTD_inBuffer ib = { in, got, 0 };
		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = { out, outsz, 0 };
			size_t r = ZSTD_decompressStream(z, &ob, &ib);
			if (ZSTD_isError(r))
				nl_die("%s: %s", path, ZSTD_getErrorName(r));
			const char *p = out, *end = out + ob.pos;
			while (p < end) {
				const char *nl = memchr(p, '\n', (size_t)(end - p));
				if (buf_put(&line, p, (size_t)((nl ? nl : end) - p)))
					nl_die("%s: line over 64 MiB", path);
				if (!nl)
					break;
				json_error_t err;
				if (limit && nrec >= limit)
					goto done;
				nrec++;
				json_t *j = json_loadb(line.p, line.n, 0, &err);
				if (!j)
					nl_die("%s: bad json: %s", path, err.text);
				fn(j, ctx);
				json_decref(j);
				buf_clear(&line);
				p = nl + 1;
			}
		}
	}
done:
	buf_release(&line);
	free(in);
	free(out);
	ZSTD_freeDStream(z);
	fclose(f);
}

static char *jstr(json_t *j, const char *k)
{
	const char *s = json_string_value(json_object_get(j, k));
	return xstrdup(s ? s : "");
}

struct rd {
	struct arts *v;
	bool unwrap;
};

static void on_json(json_t *j, void *ctx)
{
	struct rd *r = ctx;
	struct art a = { 0 };
	a.id = jstr(j, "id");
	a.title = jstr(j, "title");
	a.date = jstr(j, "date");
	a.topic = jstr(j, "collection");
	char *t = jstr(j, "text");
	if (r->unwrap) {
		a.text = reuters_paras(t, strlen(t), &a.len);
		free(t);
	} else {
		a.text = t;
		a.len = strlen(t);
	}
	arts_push(r->v, a);
}

static void read_jsonl(const char *name, struct arts *v, bool unwrap)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/data/scale/%s", shared, name);
	struct rd r = { v, unwrap };
	jsonl_zst_each(path, on_json, &r);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of a directory (no dot files). */
static char **dir_list(const char *path, size_t *n)
{
	DIR *d = opendir(path);
	char **v = NULL;
	size_t cap = 0;
	*n = 0;
	if (!d)
		return NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		v = xgrow(v, &cap, *n + 1, sizeof *v);
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(v, *n, sizeof *v, cmp_str);
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void read_t17(struct arts *v)
{
	char path[2048];
	snprintf(path, sizeof path, "%s/data/t17", shared);
	size_t nt;
	char **topics = dir_list(path, &nt);
	for (size_t i = 0; i < nt; i++) {
		snprintf(path, sizeof path, "%s/data/t17/%s/InputDocs", shared, topics[i]);
		size_t nd;
		char **dates = dir_list(path, &nd);
		for (size_t j = 0; j < nd; j++) {
			snprintf(path, sizeof path, "%s/data/t17/%s/InputDocs/%s", shared, topics[i],
				 dates[j]);
			size_t nf;
			char **files = dir_list(path, &nf);
			for (size_t k = 0; k < nf; k++) {
				char fp[4096];
				snprintf(fp, sizeof fp, "%s/%s", path, files[k]);
				FILE *f = fopen(fp, "rb");
				if (!f)
					continue;
				struct buf b, o;
				buf_init(&b, 0);
				buf_init(&o, 0);
				char tmp[65536];
				size_t got;
				while ((got = fread(tmp, 1, sizeof tmp, f)) > 0)
					buf_put(&b, tmp, got);
				fclose(f);
				struct lines ls = { 0 };
				lines_split(&ls, b.p, b.n);
				for (size_t l = 0; l < ls.n; l++) {
					struct nl_str s = trim(ls.l[l]);
					if (!s.n)
						continue;
					if (o.n)
						buf_putc(&o, '\n');
					buf_put(&o, s.p, s.n);
				}
				free(ls.l);
				buf_release(&b);
				if (!o.n) { /* an empty file */
					buf_release(&o);
					continue;
				}
				struct art a = { 0 };
				snprintf(fp, sizeof fp, "t17/%s/%s/%s", topics[i], dates[j], files[k]);
				a.id = xstrdup(fp);
				a.date = xstrdup(dates[j]);
				const char *us = strchr(topics[i], '_');
				a.topic = xstrndup(topics[i], us ? (size_t)(us - topics[i]) : strlen(topics[i]));
				/* the headline is glued to the first line: take its first words */
				size_t tl = 0, words = 0;
				while (tl < o.n && o.p[tl] != '\n' && words < 10)
					words += o.p[tl++] == ' ';
				a.title = xstrndup(o.p, tl);
				a.text = buf_detach(&o, &a.len);
				arts_push(v, a);
			}
			free_list(files, nf);
		}
		free_list(dates, nd);
	}
	free_list(topics, nt);
}

/* ------------------------------------------------------------------------- */
/* Making copies                                                             */

enum {
	T_CUT = 1 << 0,      /* tail cut */
	T_DROP = 1 << 1,     /* random paragraphs dropped */
	T_SHUFFLE = 1 << 2,
	T_BYLINE = 1 << 3,
	T_DATELINE = 1 << 4,
	T_BOILER = 1 << 5,   /* known boilerplate lines */
	T_UNKNOWN = 1 << 6,  /* boilerplate no rule knows */
	T_RELATED = 1 << 7,
	T_NOPUNCT = 1 << 8,
	T_NOASCII = 1 << 9,
	T_CASE = 1 << 10,
	T_NBITS = 11,
};
static const char *tnames[] = { "cut", "drop", "shuffle", "byline", "dateline", "boiler",
				"unknown-boiler", "related", "nopunct", "nonascii", "case" };

static const char *first_names[] = { "Jane", "John", "Maria", "Ahmed", "Li", "Olga", "Peter",
				     "Sarah", "Carlos", "Fatima", "David", "Anna" };
static const char *last_names[] = { "Smith", "Garcia", "Nguyen", "Okafor", "Müller", "Kowalski",
				    "Rossi", "Haddad", "Johnson", "O'Brien", "Tanaka", "Dubois" };
static const char *outlets[] = { "The Associated Press", "Reuters", "AFP", "The Canadian Press",
				 "Daily Herald", "Morning Star-Tribune", "Valley News Network",
				 "The Reminder", "Capital Gazette", "Coastal Times" };
static const char *cities[] = { "WASHINGTON", "LONDON", "NEW YORK", "MOSCOW", "KYIV", "PARIS",
				"TOKYO", "CAIRO", "SÃO PAULO", "ZÜRICH" };

#define PICK(a) (a)[rnd_below(NL_ARRAY_LEN(a))]

static void put_known_boiler(struct buf *b)
{
	switch (rnd_below(9)) {
	case 0:
		buf_printf(b, "Editor's note: This story has been updated to include comment "
			      "from officials and to correct the spelling of a name.");
		break;
	case 1:
		buf_printf(b, "Copyright %d %s. All rights reserved. This material may not be "
			      "published, broadcast, rewritten or redistributed.",
			   2000 + (int)rnd_below(25), PICK(outlets));
		break;
	case 2:
		buf_printf(b, "Sign up for our daily newsletter to get the latest headlines "
			      "delivered straight to your inbox every morning.");
		break;
	case 3:
		buf_printf(b, "%s writer %s %s in %s contributed to this report.", PICK(outlets),
			   PICK(first_names), PICK(last_names), PICK(cities));
		break;
	case 4:
		buf_printf(b, "(Reporting by %s %s; Additional reporting by %s %s; Editing by %s %s)",
			   PICK(first_names), PICK(last_names), PICK(first_names),
			   PICK(last_names), PICK(first_names), PICK(last_names));
		break;
	case 5:
		buf_printf(b, "Advertisement");
		break;
	case 6:
		buf_printf(b, "Photo: %s %s / %s", PICK(first_names), PICK(last_names),
			   PICK(outlets));
		break;
	case 7:
		buf_printf(b, "Follow us on Twitter and Facebook for the latest updates on "
			      "this and other stories.");
		break;
	default:
		buf_printf(b, "© %d %s", 2000 + (int)rnd_below(25), PICK(outlets));
		break;
	}
}

static void put_unknown_boiler(struct buf *b)
{
	switch (rnd_below(4)) {
	case 0:
		buf_printf(b, "This report was first published by %s on the %s website and is "
			      "republished here with permission.",
			   PICK(outlets), PICK(outlets));
		break;
	case 1:
		buf_printf(b, "Want more stories like this one? Download the %s app for free and "
			      "turn on notifications for breaking news alerts.",
			   PICK(outlets));
		break;
	case 2:
		buf_printf(b, "We welcome your comments below, but please keep them civil and "
			      "on topic; comments are moderated before they appear.");
		break;
	default:
		buf_printf(b, "Trending now on %s: the stories our readers are talking about "
			      "most this week.",
			   PICK(outlets));
		break;
	}
}

struct doc {
	char *text, *title;
	size_t len;
	size_t src;       /* index of the source article */
	bool copy;
	float keep;       /* share of the source's characters kept */
	unsigned tf;      /* T_* bits */
	uint32_t rep;
	struct dedup_match m; /* with --debug: what the detector matched */
	unsigned char sk[DEDUP_SKETCH_BYTES];
};

struct docs {
	struct doc *d;
	size_t n, cap;
};

static void docs_push(struct docs *v, struct doc d)
{
	v->d = xgrow(v->d, &v->cap, v->n + 1, sizeof *v->d);
	v->d[v->n++] = d;
}

/* Character-level changes applied to the finished copy. */
static void char_transforms(struct buf *b, unsigned tf, int casemode)
{
	size_t o = 0;
	for (size_t i = 0; i < b->n; i++) {
		unsigned char c = (unsigned char)b->p[i];
		if ((tf & T_NOASCII) && c >= 128)
			continue;
		if ((tf & T_NOPUNCT) && c < 128 && ispunct(c))
			continue;
		if (tf & T_CASE)
			c = (unsigned char)(casemode ? toupper(c) : tolower(c));
		b->p[o++] = (char)c;
	}
	b->n = o;
	b->p[o] = 0;
}

/* A copy of a keeping at least keep_min and at most keep_max of its
 * characters (at paragraph granularity: a source of one paragraph is kept
 * whole). */
static struct doc make_copy(const struct arts *all, size_t si, double keep_min, double keep_max)
{
	const struct art *a = &all->a[si];
	struct lines ls = { 0 };
	lines_split(&ls, a->text, a->len);
	size_t np = ls.n, total = 0;
	for (size_t i = 0; i < np; i++)
		total += ls.l[i].n;
	bool *keep = xcalloc(np, 1);
	double f = keep_min + (keep_max - keep_min) * rnd_unit();
	unsigned tf = 0;
	size_t kept = 0;
	if (chance(0.5)) {
		tf |= T_CUT;
		for (size_t i = 0; i < np && (double)kept < f * (double)total; i++) {
			keep[i] = true;
			kept += ls.l[i].n;
		}
	} else {
		tf |= T_DROP;
		for (size_t i = 0; i < np; i++)
			keep[i] = true;
		kept = total;
		size_t *ord = xmalloc((np + 1) * sizeof *ord);
		for (size_t i = 0; i < np; i++)
			ord[i] = i;
		for (size_t i = np; i > 1; i--) {
			size_t j = rnd_below(i), t = ord[i - 1];
			ord[i - 1] = ord[j];
			ord[j] = t;
		}
		for (size_t i = 0; i < np; i++) {
			size_t k = ord[i];
			if ((double)(kept - ls.l[k].n) >= f * (double)total) {
				keep[k] = false;
				kept -= ls.l[k].n;
			}
		}
		free(ord);
	}
	/* the kept paragraphs, maybe shuffled */
	size_t *ord = xmalloc((np + 1) * sizeof *ord), nk = 0;
	for (size_t i = 0; i < np; i++)
		if (keep[i])
			ord[nk++] = i;
	if (chance(0.6) && nk > 1) {
		tf |= T_SHUFFLE;
		for (size_t i = nk; i > 1; i--) {
			size_t j = rnd_below(i), t = ord[i - 1];
			ord[i - 1] = ord[j];
			ord[j] = t;
		}
	}
	bool byline = chance(0.5), dateline = chance(0.3), related = chance(0.3);
	size_t nboiler = chance(0.5) ? 1 + rnd_below(3) : 0;
	bool unknown = chance(0.2);
	size_t related_at = rnd_below(nk + 1);
	struct buf b;
	buf_init(&b, 0);
	if (byline) {
		tf |= T_BYLINE;
		if (chance(0.5))
			buf_printf(&b, "By %s %s, %s\n", PICK(first_names), PICK(last_names),
				   PICK(outlets));
		else
			buf_printf(&b, "By %s %s and %s %s\n", PICK(first_names), PICK(last_names),
				   PICK(first_names), PICK(last_names));
	}
	for (size_t i = 0; i < nk; i++) {
		if (related && i == related_at) {
			tf |= T_RELATED;
			buf_puts(&b, chance(0.5) ? "Related stories:\n" : "READ MORE:\n");
			size_t nr = 2 + rnd_below(3);
			for (size_t r = 0; r < nr; r++)
				buf_printf(&b, "%s\n", all->a[rnd_below(all->n)].title);
		}
		if (i == 0 && dateline) {
			tf |= T_DATELINE;
			buf_printf(&b, "%s (%s) — ", PICK(cities), PICK(outlets));
		}
		struct nl_str p = ls.l[ord[i]];
		buf_put(&b, p.p, p.n);
		buf_putc(&b, '\n');
	}
	if (related && related_at == nk) {
		tf |= T_RELATED;
		buf_puts(&b, "Related stories:\n");
		for (size_t r = 0; r < 3; r++)
			buf_printf(&b, "%s\n", all->a[rnd_below(all->n)].title);
	}
	for (size_t i = 0; i < nboiler; i++) {
		tf |= T_BOILER;
		put_known_boiler(&b);
		buf_putc(&b, '\n');
	}
	if (unknown) {
		tf |= T_UNKNOWN;
		put_unknown_boiler(&b);
		buf_putc(&b, '\n');
	}
	if (chance(0.3))
		tf |= T_NOPUNCT;
	if (chance(0.4))
		tf |= T_NOASCII;
	if (chance(0.3))
		tf |= T_CASE;
	char_transforms(&b, tf, (int)rnd_below(2));

	struct doc d = { 0 };
	d.text = buf_detach(&b, &d.len);
	d.title = xstrdup(all->a[rnd_below(all->n)].title); /* a new headline */
	d.src = si;
	d.copy = true;
	d.keep = total ? (float)((double)kept / (double)total) : 1;
	d.tf = tf;
	free(ord);
	free(keep);
	free(ls.l);
	return d;
}

/* ------------------------------------------------------------------------- */
/* Exact shingle sets (reference similarity of two sources)                 */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* How shingle_set() cuts words. */
enum shingling {
	SH_REF,   /* words = [a-z0-9]+ runs, shingles within a line: the reference
		   * for "the corpus has this story twice" */
	SH_RAW,   /* whole text; words = whitespace-separated tokens, lowercased,
		   * punctuation and all other bytes kept (Broder's resemblance as
		   * usually implemented) */
	SH_ALNUM, /* whole text; words as in src/dedup (letters and digits of a
		   * whitespace-separated token) */
};

/* Sorted distinct word-5-shingle hashes of t. */
static uint64_t *shingle_set(const char *t, size_t n, enum shingling how, size_t *cnt)
{
	uint64_t *v = NULL, w[5];
	size_t cap = 0, k = 0, nw = 0;
	char word[64];
	size_t wl = 0;
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)t[i] : '\n';
		bool alnum = c < 128 && isalnum(c);
		bool brk = how == SH_REF ? !alnum : isspace(c) != 0;
		if (!brk) {
			if ((how == SH_RAW || alnum) && wl < sizeof word)
				word[wl++] = (char)tolower(c);
			continue;
		}
		if (wl) {
			w[nw++ % 5] = nl_hash64(word, wl);
			wl = 0;
			if (nw >= 5) {
				uint64_t h = 0;
				for (size_t j = 0; j < 5; j++)
					h = h * 31 + w[(nw + j) % 5];
				v = xgrow(v, &cap, k + 1, sizeof *v);
				v[k++] = h;
			}
		}
		if (c == '\n' && how == SH_REF)
			nw = 0;
	}
	qsort(v, k, sizeof *v, cmp_u64);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (!u || v[u - 1] != v[i])
			v[u++] = v[i];
	*cnt = u;
	return v;
}

/* Elements two sorted sets share. */
static size_t set_common(const uint64_t *p, size_t x, const uint64_t *q, size_t y)
{
	size_t i = 0, j = 0, c = 0;
	while (i < x && j < y) {
		if (p[i] < q[j])
			i++;
		else if (p[i] > q[j])
			j++;
		else
			c++, i++, j++;
	}
	return c;
}

/* Containment of the smaller reference shingle set in the larger. */
static double ref_containment(const struct art *a, const struct art *b)
{
	size_t na, nb;
	uint64_t *x = shingle_set(a->text, a->len, SH_REF, &na);
	uint64_t *y = shingle_set(b->text, b->len, SH_REF, &nb);
	size_t c = set_common(x, na, y, nb), lo = NL_MIN(na, nb);
	free(x);
	free(y);
	return lo ? (double)c / (double)lo : 0;
}

/* Exact Jaccard of two texts' whole-text shingle sets (the baselines). */
static double text_jaccard(const char *a, size_t na, const char *b, size_t nb,
			   enum shingling how)
{
	size_t x, y;
	uint64_t *p = shingle_set(a, na, how, &x), *q = shingle_set(b, nb, how, &y);
	size_t c = set_common(p, x, q, y);
	free(p);
	free(q);
	return x + y - c ? (double)c / (double)(x + y - c) : 0;
}

/* ------------------------------------------------------------------------- */
/* Union-find over sources (to merge sources that are themselves copies)     */

static size_t uf_find(size_t *p, size_t x)
{
	while (p[x] != x)
		x = p[x] = p[p[x]];
	return x;
}

/* Story groups as the archive would keep them: the representative returned
 * by the detector, and the groups it reports folded together. Ids are 0..n-1. */
struct groups {
	uint32_t *up;
};

static uint32_t grp_find(struct groups *g, uint32_t x)
{
	while (g->up[x] != x)
		x = g->up[x] = g->up[g->up[x]];
	return x;
}

static void grp_note(struct groups *g, const struct dedup *det, uint32_t id, uint32_t rep)
{
	size_t nm;
	const uint32_t *m = dedup_merged(det, &nm);
	g->up[id] = id;
	if (rep != id)
		g->up[id] = grp_find(g, rep);
	for (size_t i = 0; i < nm; i++)
		g->up[grp_find(g, m[i])] = grp_find(g, rep);
}

/* ------------------------------------------------------------------------- */
/* Pairwise precision / recall over groups                                   */

struct cell {
	uint64_t g, t;
};

static int cmp_cell(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	if (x->g != y->g)
		return x->g < y->g ? -1 : 1;
	return x->t < y->t ? -1 : x->t > y->t;
}

static double pairs(double n)
{
	return n * (n - 1) / 2;
}

/* Pairs predicted (same g), true (same t), and both. */
static void pair_counts(struct cell *c, size_t n, double *pred, double *truth, double *tp)
{
	*pred = *truth = *tp = 0;
	qsort(c, n, sizeof *c, cmp_cell);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && c[j].g == c[i].g)
			j++;
		*pred += pairs((double)(j - i));
		for (size_t k = i; k < j;) {
			size_t l = k;
			while (l < j && c[l].t == c[k].t)
				l++;
			*tp += pairs((double)(l - k));
			k = l;
		}
		i = j;
	}
	/* true pairs: sort by t */
	for (size_t i = 0; i < n; i++) {
		uint64_t t = c[i].t;
		c[i].t = c[i].g;
		c[i].g = t;
	}
	qsort(c, n, sizeof *c, cmp_cell);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && c[j].g == c[i].g)
			j++;
		*truth += pairs((double)(j - i));
		i = j;
	}
}

/* ------------------------------------------------------------------------- */
/* Quantiles                                                                 */

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

static void print_dist(const char *what, float *v, size_t n)
{
	if (!n) {
		printf("  %-34s (none)\n", what);
		return;
	}
	qsort(v, n, sizeof *v, cmp_float);
	printf("  %-34s n=%-7zu min %.3f  p0.1%% %.3f  p1%% %.3f  p50 %.3f  p99 %.3f  "
	       "p99.9%% %.3f  max %.3f\n",
	       what, n, v[0], v[(size_t)((double)(n - 1) * 0.001)],
	       v[(size_t)((double)(n - 1) * 0.01)], v[(n - 1) / 2],
	       v[(size_t)((double)(n - 1) * 0.99)], v[(size_t)((double)(n - 1) * 0.999)],
	       v[n - 1]);
}

static void snippet(const char *t, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max; i++)
		putchar(t[i] == '\n' ? '|' : t[i]);
	putchar('\n');
}

/* ------------------------------------------------------------------------- */
/* The labelled set                                                          */

static void eval_synthetic(size_t nreuters, size_t ncopies)
{
	struct arts all = { 0 }, reut = { 0 };
	printf("== labelled syndication set ==\n");
	read_t17(&all);
	size_t nt17 = all.n;
	read_jsonl("reuters21578.jsonl.zst", &reut, true);
	/* sources: all of T17 plus nreuters stories of at least 40 words (a random sample) */
	for (size_t i = reut.n; i > 1; i--) {
		size_t j = rnd_below(i);
		struct art t = reut.a[i - 1];
		reut.a[i - 1] = reut.a[j];
		reut.a[j] = t;
	}
	size_t taken = 0;
	for (size_t i = 0; i < reut.n; i++) {
		size_t words = 0;
		for (size_t k = 0; k < reut.a[i].len; k++)
			words += reut.a[i].text[k] == ' ';
		if (taken < nreuters && words >= 40) {
			arts_push(&all, reut.a[i]);
			taken++;
		} else {
			art_free(&reut.a[i]);
		}
	}
	free(reut.a);
	/* drop sources that equal an earlier one */
	size_t nsrc = 0, dropped = 0, dropped_t17 = 0;
	bool *is_src = xcalloc(all.n, 1);
	{
		size_t mask = 1;
		while (mask < all.n * 2)
			mask <<= 1;
		uint64_t *seen = xcalloc(mask, sizeof *seen);
		mask--;
		for (size_t i = 0; i < all.n; i++) {
			uint64_t k = ref_key(all.a[i].text, all.a[i].len);
			size_t h = k & mask;
			bool dup = false;
			while (seen[h]) {
				if (seen[h] == k) {
					dup = true;
					break;
				}
				h = (h + 1) & mask;
			}
			if (dup || !k) {
				dropped++;
				dropped_t17 += i < nt17;
				continue;
			}
			seen[h] = k;
			is_src[i] = true;
			nsrc++;
		}
		free(seen);
	}
	printf("sources: %zu T17 + %zu Reuters (>= 40 words); %zu dropped as exact copies of "
	       "an earlier source (%zu of them T17)\n",
	       nt17, taken, dropped, dropped_t17);

	/* the stream: sources and copies */
	struct docs ds = { 0 };
	for (size_t i = 0; i < all.n; i++) {
		if (!is_src[i])
			continue;
		struct doc d = { 0 };
		d.text = all.a[i].text;
		d.len = all.a[i].len;
		d.title = all.a[i].title;
		d.src = i;
		d.keep = 1;
		docs_push(&ds, d);
		for (size_t c = 0; c < ncopies; c++)
			docs_push(&ds, make_copy(&all, i, 0.5, 1.0));
	}
	for (size_t i = ds.n; i > 1; i--) {
		size_t j = rnd_below(i);
		struct doc t = ds.d[i - 1];
		ds.d[i - 1] = ds.d[j];
		ds.d[j] = t;
	}
	size_t bytes = 0;
	for (size_t i = 0; i < ds.n; i++)
		bytes += ds.d[i].len;
	printf("stream: %zu documents (%zu sources, %zu copies keeping >= 50%%), %.1f MB, "
	       "shuffled\n",
	       ds.n, nsrc, ds.n - nsrc, (double)bytes / 1e6);

	/* run the detector */
	struct dedup *det = dedup_new();
	struct groups gr = { xmalloc(ds.n * sizeof(uint32_t)) };
	uint32_t *nfold = xmalloc(ds.n * sizeof *nfold);
	double t0 = cpu_now();
	for (size_t i = 0; i < ds.n; i++) {
		dedup_sketch(det, ds.d[i].text, ds.d[i].len, ds.d[i].sk);
		if (debug && dedup_check(det, ds.d[i].sk, DEDUP_SKETCH_BYTES, &ds.d[i].m) != 1)
			ds.d[i].m.doc = (uint32_t)i;
		int64_t r = dedup_load(det, (uint32_t)i, ds.d[i].sk, DEDUP_SKETCH_BYTES);
		if (r < 0)
			nl_die("dedup_load: %s", nl_strerror((int)r));
		ds.d[i].rep = (uint32_t)r;
		grp_note(&gr, det, (uint32_t)i, (uint32_t)r);
		size_t nm;
		dedup_merged(det, &nm);
		nfold[i] = (uint32_t)nm;
	}
	double dt = cpu_now() - t0;
	/* persistence: a detector rebuilt from the stored sketches alone must
	 * make every decision again */
	{
		struct dedup *re = dedup_new();
		size_t diff = 0;
		for (size_t i = 0; i < ds.n; i++) {
			size_t nm;
			int64_t r = dedup_load(re, (uint32_t)i, ds.d[i].sk, DEDUP_SKETCH_BYTES);
			dedup_merged(re, &nm);
			diff += r != ds.d[i].rep || nm != nfold[i];
		}
		printf("replay of the %zu stored sketches into a new detector: %zu decisions differ\n",
		       ds.n, diff);
		dedup_free(re);
	}
	free(nfold);
	for (size_t i = 0; i < ds.n; i++)
		ds.d[i].rep = grp_find(&gr, (uint32_t)i);
	free(gr.up);
	printf("detector: %.0f articles/s per core (%.1f MB/s; CPU time) sketch + check + store, "
	       "%.0f bytes/doc held\n",
	       (double)ds.n / dt, (double)bytes / 1e6 / dt,
	       (double)dedup_memory(det) / (double)ds.n);

	/* index of each source's own document in the stream */
	size_t *srcdoc = xmalloc(all.n * sizeof *srcdoc);
	for (size_t i = 0; i < ds.n; i++)
		if (!ds.d[i].copy)
			srcdoc[ds.d[i].src] = i;

	/* copy recall, with breakdowns */
	size_t ncopy = 0, found = 0, miss_by_t[T_NBITS] = { 0 }, n_by_t[T_NBITS] = { 0 };
	size_t ncorp[2] = { 0 }, fcorp[2] = { 0 }; /* T17, Reuters */
	size_t nbin[6] = { 0 }, fbin[6] = { 0 }; /* keep 0.5-0.6 ... 0.9-1.0, 1.0 */
	float *cj = xmalloc(ds.n * sizeof *cj), *cc = xmalloc(ds.n * sizeof *cc);
	size_t shown = 0;
	for (size_t i = 0; i < ds.n; i++) {
		struct doc *d = &ds.d[i];
		if (!d->copy)
			continue;
		ncopy++;
		struct doc *o = &ds.d[srcdoc[d->src]];
		bool ok = d->rep == o->rep;
		found += ok;
		ncorp[d->src >= nt17]++;
		fcorp[d->src >= nt17] += ok;
		struct dedup_match m;
		dedup_compare(d->sk, o->sk, &m);
		cj[ncopy - 1] = m.jaccard;
		cc[ncopy - 1] = m.containment;
		for (int b = 0; b < T_NBITS; b++)
			if (d->tf & (1u << b)) {
				n_by_t[b]++;
				miss_by_t[b] += !ok;
			}
		int bin = d->keep >= 0.999f ? 5 : (int)((d->keep - 0.5f) * 10);
		bin = bin < 0 ? 0 : bin > 4 && d->keep < 0.999f ? 4 : bin;
		nbin[bin]++;
		fbin[bin] += ok;
		if (!ok && shown < (size_t)show) {
			shown++;
			printf("  missed copy (keep %.2f, J %.2f, C %.2f, tf 0x%x) of %s:\n    ", d->keep,
			       m.jaccard, m.containment, d->tf, all.a[d->src].id);
			snippet(d->text, d->len, 300);
			if (debug) {
				struct doc *x = &ds.d[d->m.doc];
				printf("    copy matched doc %u (src %s, copy %d, J %.2f C %.2f); source's rep %u, copy's rep %u, source matched %u (src %s)\n",
				       d->m.doc, all.a[x->src].id, x->copy, d->m.jaccard, d->m.containment,
				       o->rep, d->rep, o->m.doc, all.a[ds.d[o->m.doc].src].id);
				printf("    matched doc text: ");
				snippet(x->text, x->len, 300);
			}
		}
	}
	printf("copy recall (copy grouped with its source): %zu / %zu = %.4f\n", found, ncopy,
	       (double)found / (double)ncopy);
	printf("  T17 copies %.4f (%zu), Reuters copies %.4f (%zu)\n",
	       (double)fcorp[0] / (double)ncorp[0], ncorp[0], (double)fcorp[1] / (double)ncorp[1],
	       ncorp[1]);
	printf("  by kept share:");
	const char *bn[6] = { "0.5-0.6", "0.6-0.7", "0.7-0.8", "0.8-0.9", "0.9-1", "1.0" };
	for (int b = 0; b < 6; b++)
		if (nbin[b])
			printf("  %s %.4f (%zu)", bn[b], (double)fbin[b] / (double)nbin[b], nbin[b]);
	printf("\n  misses by transform:");
	for (int b = 0; b < T_NBITS; b++)
		printf(" %s %zu/%zu", tnames[b], miss_by_t[b], n_by_t[b]);
	printf("\n");

	/* pairwise precision / recall; sources that the detector put together are
	 * checked against their exact shingle sets: if one holds >= half of the
	 * other, the corpus itself has the story twice (not a detector error) */
	size_t *uf = xmalloc(all.n * sizeof *uf);
	for (size_t i = 0; i < all.n; i++)
		uf[i] = i;
	struct cell *cells = xmalloc(ds.n * sizeof *cells);
	for (size_t i = 0; i < ds.n; i++) {
		cells[i].g = ds.d[i].rep;
		cells[i].t = ds.d[i].src;
	}
	double pred, truth, tp;
	pair_counts(cells, ds.n, &pred, &truth, &tp);
	printf("pairwise (all pairs of documents in one group): precision %.5f  recall %.5f  "
	       "(pred %.0f, true %.0f, both %.0f)\n",
	       tp / pred, tp / truth, pred, truth, tp);
	/* groups that mix sources: first source document per rep */
	size_t *first_src = xmalloc(ds.n * sizeof *first_src);
	for (size_t i = 0; i < ds.n; i++)
		first_src[i] = SIZE_MAX;
	size_t mixed = 0, mixed_real = 0;
	shown = 0;
	for (size_t i = 0; i < ds.n; i++) {
		struct doc *d = &ds.d[i];
		if (d->copy)
			continue;
		size_t *f = &first_src[d->rep];
		if (*f == SIZE_MAX) {
			*f = d->src;
			continue;
		}
		mixed++;
		double rc = ref_containment(&all.a[*f], &all.a[d->src]);
		if (rc >= 0.5) {
			uf[uf_find(uf, d->src)] = uf_find(uf, *f);
		} else {
			mixed_real++;
			if (shown++ < (size_t)show) {
				printf("  merged distinct sources (ref containment %.2f): %s + %s\n", rc,
				       all.a[*f].id, all.a[d->src].id);
			}
		}
	}
	/* sources may also be joined through a copy: count copies whose group's
	 * first source is another source */
	for (size_t i = 0; i < ds.n; i++) {
		cells[i].g = ds.d[i].rep;
		cells[i].t = uf_find(uf, ds.d[i].src);
	}
	pair_counts(cells, ds.n, &pred, &truth, &tp);
	printf("  %zu source pairs merged: %zu are the corpus's own near copies (exact shingle "
	       "containment >= 0.5), %zu are not\n",
	       mixed, mixed - mixed_real, mixed_real);
	printf("pairwise, corpus near copies counted as one story: precision %.5f  recall %.5f\n",
	       tp / pred, tp / truth);

	/* hard negatives: T17 pairs on the same topic and day; a pair whose
	 * exact shingle containment is >= 0.5 is the corpus's own near copy */
	size_t nneg = 0, nreal = 0, merged = 0, merged_real = 0;
	float *nj = NULL, *nc = NULL;
	size_t ncap = 0, ncap2 = 0;
	shown = 0;
	size_t *t17docs = xmalloc(ds.n * sizeof *t17docs), nt = 0;
	for (size_t i = 0; i < nt17; i++)
		if (is_src[i])
			t17docs[nt++] = srcdoc[i];
	struct rset { uint64_t *v; size_t n; } *rs = xcalloc(nt, sizeof *rs);
	for (size_t x = 0; x < nt; x++) {
		const struct art *aa = &all.a[ds.d[t17docs[x]].src];
		rs[x].v = shingle_set(aa->text, aa->len, SH_REF, &rs[x].n);
	}
	for (size_t x = 0; x < nt; x++) {
		struct doc *a = &ds.d[t17docs[x]];
		const struct art *aa = &all.a[a->src];
		for (size_t y = x + 1; y < nt; y++) {
			struct doc *b = &ds.d[t17docs[y]];
			const struct art *ab = &all.a[b->src];
			if (strcmp(aa->date, ab->date) || strcmp(aa->topic, ab->topic))
				continue;
			nneg++;
			size_t c = set_common(rs[x].v, rs[x].n, rs[y].v, rs[y].n);
			size_t lo = NL_MIN(rs[x].n, rs[y].n);
			double rc = lo ? (double)c / (double)lo : 0;
			bool same = a->rep == b->rep;
			merged += same;
			if (rc >= 0.5)
				continue;
			nreal++;
			struct dedup_match m;
			dedup_compare(a->sk, b->sk, &m);
			nj = xgrow(nj, &ncap, nreal, sizeof *nj);
			nc = xgrow(nc, &ncap2, nreal, sizeof *nc);
			nj[nreal - 1] = m.jaccard;
			nc[nreal - 1] = m.containment;
			if (same) {
				merged_real++;
				if (shown++ < (size_t)show)
					printf("  merged hard negative (ref containment %.2f, J %.2f C %.2f): %s + %s\n",
					       rc, m.jaccard, m.containment, aa->id, ab->id);
			}
		}
	}
	for (size_t x = 0; x < nt; x++)
		free(rs[x].v);
	free(rs);
	printf("hard negatives (distinct T17 articles, same topic and day, all outlets): %zu pairs; "
	       "%zu are the corpus's own near copies (exact containment >= 0.5), %zu are different "
	       "articles\n  merged: %zu pairs, of which different articles: %zu\n",
	       nneg, nneg - nreal, nreal, merged, merged_real);

	/* the thresholds: share of copies passing against their source, and
	 * different-article pairs passing, for a grid of (Jaccard, containment) */
	printf("threshold grid (MinHash estimates, before the size and SHORT rules): "
	       "copies passing / different-article pairs passing\n");
	static const float gj[] = { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f };
	static const float gc[] = { 0.5f, 0.6f, 0.7f, 0.8f, 0.9f };
	printf("  %-9s", "J\\C");
	for (size_t c = 0; c < NL_ARRAY_LEN(gc); c++)
		printf("  %-16.1f", (double)gc[c]);
	printf("\n");
	for (size_t r = 0; r < NL_ARRAY_LEN(gj); r++) {
		printf("  >= %-6.1f", (double)gj[r]);
		for (size_t c = 0; c < NL_ARRAY_LEN(gc); c++) {
			size_t pp = 0, np = 0;
			for (size_t i = 0; i < ncopy; i++)
				pp += cj[i] >= gj[r] && cc[i] >= gc[c];
			for (size_t i = 0; i < nreal; i++)
				np += nj[i] >= gj[r] && nc[i] >= gc[c];
			printf("  %.4f / %-6zu", (double)pp / (double)ncopy, np);
		}
		printf("\n");
	}
	/* the textbook test beside ours, on the same pairs: Jaccard >= 0.5 of
	 * exact whole-text shingle sets (what MinHash-LSH libraries estimate) */
	{
		size_t bp[2] = { 0 }, bneg[2] = { 0 }, braw = 0, nb = 0;
		for (size_t i = 0; i < ds.n; i++) {
			struct doc *d = &ds.d[i];
			if (!d->copy)
				continue;
			const struct art *o = &all.a[d->src];
			braw += d->len == o->len && !memcmp(d->text, o->text, d->len);
			for (int raw = 0; raw < 2; raw++)
				bp[raw] += text_jaccard(d->text, d->len, o->text, o->len,
							raw ? SH_RAW : SH_ALNUM) >= 0.5;
		}
		for (size_t x = 0; x < nt; x++) {
			const struct art *aa = &all.a[ds.d[t17docs[x]].src];
			for (size_t y = x + 1; y < nt; y++) {
				const struct art *ab = &all.a[ds.d[t17docs[y]].src];
				if (strcmp(aa->date, ab->date) || strcmp(aa->topic, ab->topic))
					continue;
				nb++;
				for (int raw = 0; raw < 2; raw++)
					bneg[raw] += text_jaccard(aa->text, aa->len, ab->text, ab->len,
								  raw ? SH_RAW : SH_ALNUM) >= 0.5;
			}
		}
		double ours = (double)found / (double)ncopy;
		printf("baselines on the same copies (recall vs source) and same-topic-and-day pairs "
		       "(passing, of %zu, corpus near copies included):\n", nb);
		printf("  byte-identical body:                          recall %.4f (%.3fx ours)\n",
		       (double)braw / (double)ncopy, (double)braw / (double)ncopy / ours);
		printf("  J >= 0.5, whole text, raw lowercased tokens:   recall %.4f (%.3fx ours), "
		       "pairs passing %zu\n",
		       (double)bp[1] / (double)ncopy, (double)bp[1] / (double)ncopy / ours, bneg[1]);
		printf("  J >= 0.5, whole text, letters-and-digits words: recall %.4f (%.3fx ours), "
		       "pairs passing %zu\n",
		       (double)bp[0] / (double)ncopy, (double)bp[0] / (double)ncopy / ours, bneg[0]);
		printf("  src/dedup (stream, grouped with source):       recall %.4f, "
		       "pairs merged %zu\n",
		       ours, merged);
	}
	printf("similarity (MinHash estimates):\n");
	print_dist("copies >= 50% vs source: Jaccard", cj, ncopy);
	print_dist("copies >= 50% vs source: contain.", cc, ncopy);
	print_dist("different articles: Jaccard", nj, nreal);
	print_dist("different articles: containment", nc, nreal);

	/* where the line falls: excerpts of every share, compared with the source */
	printf("detection against the source by kept share (dedup_compare, 1 copy per T17 source):\n ");
	size_t xn[10] = { 0 }, xf[10] = { 0 };
	for (size_t i = 0; i < nt17; i++) {
		if (!is_src[i])
			continue;
		struct doc c = make_copy(&all, i, 0.05, 1.0);
		unsigned char sk[DEDUP_SKETCH_BYTES];
		dedup_sketch(det, c.text, c.len, sk);
		int r = dedup_compare(sk, ds.d[srcdoc[i]].sk, NULL);
		int bin = (int)(c.keep * 10);
		bin = bin > 9 ? 9 : bin;
		xn[bin]++;
		xf[bin] += r == 1;
		free(c.text);
		free(c.title);
	}
	for (int b = 0; b < 10; b++)
		if (xn[b])
			printf(" %.1f-%.1f: %.3f (%zu)", b / 10.0, (b + 1) / 10.0,
			       (double)xf[b] / (double)xn[b], xn[b]);
	printf("\n");

	free(t17docs);
	free(nj);
	free(nc);
	free(first_src);
	free(cells);
	free(uf);
	free(cj);
	free(cc);
	free(srcdoc);
	dedup_free(det);
	for (size_t i = 0; i < ds.n; i++)
		if (ds.d[i].copy) {
			free(ds.d[i].text);
			free(ds.d[i].title);
		}
	free(ds.d);
	for (size_t i = 0; i < all.n; i++)
		art_free(&all.a[i]);
	free(is_src);
	free(all.a);
}

/* ------------------------------------------------------------------------- */
/* Scale corpora: exact duplicates, throughput, memory                       */

static void eval_scale(const char *name, bool unwrap)
{
	struct arts v = { 0 };
	double t0 = now();
	read_jsonl(name, &v, unwrap);
	double tread = now() - t0;
	size_t bytes = 0;
	for (size_t i = 0; i < v.n; i++)
		bytes += v.a[i].len;
	uint32_t *rep = xmalloc(v.n * sizeof *rep);
	struct dedup *det = dedup_new();
	struct groups gr = { xmalloc(v.n * sizeof(uint32_t)) };
	/* with --debug: what each document matched (costs a second lookup) */
	struct dedup_match *mt = debug ? xcalloc(v.n, sizeof *mt) : NULL;
	t0 = cpu_now();
	for (size_t i = 0; i < v.n; i++) {
		if (mt) {
			unsigned char sk[DEDUP_SKETCH_BYTES];
			dedup_sketch(det, v.a[i].text, v.a[i].len, sk);
			if (dedup_check(det, sk, sizeof sk, &mt[i]) != 1)
				mt[i].doc = (uint32_t)i;
		}
		rep[i] = dedup_add(det, (uint32_t)i, v.a[i].title, v.a[i].text, v.a[i].len);
		grp_note(&gr, det, (uint32_t)i, rep[i]);
	}
	double dt = cpu_now() - t0;
	for (size_t i = 0; i < v.n; i++)
		rep[i] = grp_find(&gr, (uint32_t)i);
	free(gr.up);
	printf("== %s%s: %zu articles, %.1f MB (read+parse %.1fs) ==\n", name,
	       unwrap ? " (lines joined into paragraphs)" : "", v.n, (double)bytes / 1e6, tread);
	printf("detector: %.0f articles/s per core (%.1f MB/s; CPU time of dedup_add), memory "
	       "%.1f MB (%.0f bytes/article)\n",
	       (double)v.n / dt, (double)bytes / 1e6 / dt, (double)dedup_memory(det) / 1e6,
	       (double)dedup_memory(det) / (double)v.n);

	/* reference exact duplicates: equal lowercased [a-z0-9]+ token sequences */
	size_t mask = 1;
	while (mask < v.n * 2)
		mask <<= 1;
	struct { uint64_t k; uint32_t first; bool counted; } *tab = xcalloc(mask, sizeof *tab);
	mask--;
	size_t refdup = 0, refgroups = 0, grouped = 0, merged = 0, near_extra = 0;
	size_t shown = 0, shown_near = 0;
	for (size_t i = 0; i < v.n; i++) {
		uint64_t k = ref_key(v.a[i].text, v.a[i].len);
		bool isdup = false;
		if (k) {
			size_t h = k & mask;
			while (tab[h].k && tab[h].k != k)
				h = (h + 1) & mask;
			if (tab[h].k == k) {
				isdup = true;
				refdup++;
				if (rep[i] == rep[tab[h].first])
					grouped++;
				else if (shown++ < (size_t)show) {
					printf("  reference duplicate not grouped: %s vs %s\n    A: ", v.a[i].id,
					       v.a[tab[h].first].id);
					snippet(v.a[i].text, v.a[i].len, 300);
					printf("    B: ");
					snippet(v.a[tab[h].first].text, v.a[tab[h].first].len, 300);
				}
				if (!tab[h].counted) {
					tab[h].counted = true;
					refgroups++;
				}
			} else {
				tab[h].k = k;
				tab[h].first = (uint32_t)i;
			}
		}
		if (rep[i] != i) {
			merged++;
			if (!isdup) {
				near_extra++;
				/* a sample of the merges beyond the reference, each with
				 * the document it matched, for reading */
				if (mt && mt[i].doc != i && !mt[i].exact && near_extra % 97 == 1 &&
				    shown_near++ < (size_t)show) {
					const struct art *o = &v.a[mt[i].doc];
					printf("  near copy (J %.2f C %.2f):\n    A %s: ", mt[i].jaccard,
					       mt[i].containment, v.a[i].id);
					snippet(v.a[i].text, v.a[i].len, 400);
					printf("    B %s: ", o->id);
					snippet(o->text, o->len, 400);
				}
			}
		}
	}
	free(mt);
	printf("reference exact duplicates: %zu later copies in %zu groups; grouped with their "
	       "first copy: %zu\n",
	       refdup, refgroups, grouped);
	printf("detector: %zu articles joined an earlier group, %zu of them beyond the reference "
	       "(near copies, or equal letters and digits with different word breaks)\n",
	       merged, near_extra);
	free(tab);
	free(rep);
	dedup_free(det);
	for (size_t i = 0; i < v.n; i++)
		art_free(&v.a[i]);
	free(v.a);
}

int main(int argc, char **argv)
{
	size_t nreuters = 8000, ncopies = 2;
	bool scale = true, synth = true;
	uint64_t seed = 42;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--shared") && i + 1 < argc)
			shared = argv[++i];
		else if (!strcmp(argv[i], "--reuters") && i + 1 < argc)
			nreuters = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--copies") && i + 1 < argc)
			ncopies = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
			limit = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--show") && i + 1 < argc)
			show = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--debug"))
			debug = true;
		else if (!strcmp(argv[i], "--no-scale"))
			scale = false;
		else if (!strcmp(argv[i], "--only-scale"))
			synth = false;
		else {
			fprintf(stderr, "usage: dupgen [--seed S] [--shared DIR] [--reuters N] "
					"[--copies N] [--limit N] [--show N] [--debug] "
					"[--no-scale | --only-scale]\n");
			return 2;
		}
	}
	rng_s = seed;
	printf("dupgen: seed %llu\n", (unsigned long long)seed);
	if (synth)
		eval_synthetic(nreuters, ncopies);
	if (scale) {
		eval_scale("reuters21578.jsonl.zst", false);
		eval_scale("liveblogs.jsonl.zst", false);
	}
	return 0;
}
