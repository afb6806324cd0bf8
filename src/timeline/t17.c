/*
 * t17.c — Timeline17-layout dataset reader (see t17.h for the layout).
 *
 * The timeline parser is a line state machine over (pointer, length) text:
 *
 *   WANT_DATE --date line--> IN_BLOCK --dashes--> WANT_DATE
 *   WANT_DATE --other text--> SKIP (warn) --dashes--> WANT_DATE
 *   IN_BLOCK  --date line--> IN_BLOCK of the new date (warn: no dashes)
 *
 * Blocks are collected in file order, then sorted by day (stable) and
 * collapsed so that a repeated day keeps its last block. The file text is
 * copied once and every sentence points into the copy, so a timeline is
 * three allocations whatever its size.
 *
 * Why not tilse's reader: it turns an unparsable date line into a summary
 * sentence filed under date None and silently drops a last block without
 * dashes; here both are explicit.
 */
#include "timeline/t17.h"
#include "util/buf.h"
#include "util/day.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ========================================================================== */
/* warnings                                                                   */
/* ========================================================================== */

static void warn(const struct t17_opts *o, const char *file, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void warn(const struct t17_opts *o, const char *file, size_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (o && o->warn)
		o->warn(o->warn_arg, file, line, msg);
	else if (line)
		nl_warn("t17: %s:%zu: %s", file, line, msg);
	else
		nl_warn("t17: %s: %s", file, msg);
}

/* ========================================================================== */
/* timeline files                                                             */
/* ========================================================================== */

struct block {
	int32_t day;
	size_t line;       /* of the date line */
	size_t first, n;   /* sentences [first, first + n) */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_dashes(const char *p, size_t n)
{
	if (n < 5)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] != '-')
			return false;
	return true;
}

/* A line meant as a date: starts with four digits and a dash. */
static bool looks_like_date(const char *p, size_t n)
{
	if (n < 5 || n > 40)
		return false;
	for (int i = 0; i < 4; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return p[4] == '-';
}

/* Printable excerpt of a line for a message. */
static void excerpt(char *out, size_t cap, const char *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 4 < cap; i++)
		out[k++] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
	if (n > k && k + 4 <= cap) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = 0;
}

static int cmp_block(const void *a, const void *b)
{
	const struct block *x = a, *y = b;
	if (x->day != y->day)
		return (x->day > y->day) - (x->day < y->day);
	return (x->line > y->line) - (x->line < y->line); /* stable: file order */
}

static const char *base_name(const char *path, size_t *len)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	if (n > 4 && memcmp(b + n - 4, ".txt", 4) == 0)
		n -= 4;
	*len = n;
	return b;
}

int t17_timeline_parse(struct t17_timeline *tl, const char *text, size_t len, const char *name,
		       const struct t17_opts *opts)
{
	memset(tl, 0, sizeof(*tl));
	if (len > T17_FILE_CAP)
		return NL_ETOOBIG;
	tl->path = xstrdup(name);
	size_t bn;
	const char *b = base_name(name, &bn);
	tl->name = xstrndup(b, bn);
	tl->text = xmalloc(len + 1);
	if (len)
		memcpy(tl->text, text, len);
	tl->text[len] = 0;

	struct block *blocks = NULL;
	size_t nblocks = 0, bcap = 0, scap = 0, nsents = 0;
	enum { WANT_DATE, IN_BLOCK, SKIP } state = WANT_DATE;
	size_t lineno = 0;
	const char *p = tl->text, *end = tl->text + len;
	char ex[64];

	while (p < end || state == IN_BLOCK) {
		const char *ls = p, *le;
		bool eof = p >= end;
		if (!eof) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			le = nl ? nl : end;
			p = nl ? nl + 1 : end;
			lineno++;
			while (ls < le && is_space(*ls))
				ls++;
			while (le > ls && is_space(le[-1]))
				le--;
		} else {
			le = ls;
		}
		size_t n = (size_t)(le - ls);
		bool dashes = !eof && is_dashes(ls, n);
		int32_t day = (!eof && n == 10) ? day_parse(ls, n) : NL_NODAY;

		if (state == IN_BLOCK && (eof || dashes || day != NL_NODAY)) {
			struct block *cur = &blocks[nblocks - 1];
			if (cur->n == 0) {
				char d[11];
				day_format(cur->day, d);
				warn(opts, name, cur->line, "date %s has no sentences; block skipped", d);
				nblocks--;
				tl->nskipped++;
			}
			if (!eof && day != NL_NODAY) {
				char d[11];
				day_format(day, d);
				warn(opts, name, lineno,
				     "date line %s inside a block (missing dashes line); new block", d);
			}
			state = WANT_DATE;
			if (eof)
				break;
			if (dashes)
				continue;
		}
		if (n == 0)
			continue;
		if (state == SKIP) {
			if (dashes)
				state = WANT_DATE;
			if (day == NL_NODAY)
				continue;
			state = WANT_DATE; /* a good date line ends the skip */
		}
		if (state == WANT_DATE) {
			if (dashes)
				continue; /* stray separator */
			if (day != NL_NODAY) {
				blocks = xgrow(blocks, &bcap, nblocks + 1, sizeof(*blocks));
				blocks[nblocks++] = (struct block){ day, lineno, nsents, 0 };
				state = IN_BLOCK;
				continue;
			}
			excerpt(ex, sizeof(ex), ls, n);
			if (looks_like_date(ls, n))
				warn(opts, name, lineno, "malformed date line '%s'; block skipped", ex);
			else
				warn(opts, name, lineno, "expected a date line, found '%s'; block skipped",
				     ex);
			tl->nskipped++;
			state = SKIP;
			continue;
		}
		/* IN_BLOCK: a sentence */
		tl->sents = xgrow(tl->sents, &scap, nsents + 1, sizeof(*tl->sents));
		tl->sents[nsents++] = nl_str_make(ls, n);
		blocks[nblocks - 1].n++;
	}

	tl->nblocks = nblocks;
	if (nblocks > 1)
		qsort(blocks, nblocks, sizeof(*blocks), cmp_block);
	tl->dates = xmalloc((nblocks ? nblocks : 1) * sizeof(*tl->dates));
	size_t nd = 0;
	for (size_t i = 0; i < nblocks; i++) {
		if (i + 1 < nblocks && blocks[i + 1].day == blocks[i].day) {
			char d[11];
			day_format(blocks[i].day, d);
			warn(opts, name, blocks[i + 1].line,
			     "date %s repeats line %zu; the later block replaces it", d,
			     blocks[i].line);
			tl->nduplicates++;
			continue;
		}
		tl->dates[nd++] = (struct tls_date){ blocks[i].day, tl->sents + blocks[i].first,
						     blocks[i].n };
	}
	free(blocks);
	tl->tl.dates = tl->dates;
	tl->tl.ndates = nd;
	return NL_OK;
}

static int read_capped(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? NL_ENOTFOUND : NL_EIO;
	struct buf b;
	buf_init(&b, T17_FILE_CAP);
	char tmp[65536];
	size_t got;
	int rc = NL_OK;
	while ((got = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (buf_put(&b, tmp, got) != NL_OK) {
			rc = NL_ETOOBIG;
			break;
		}
	}
	if (rc == NL_OK && ferror(f))
		rc = NL_EIO;
	fclose(f);
	if (rc != NL_OK) {
		buf_release(&b);
		return rc;
	}
	buf_reserve(&b, 1);
	*out = buf_detach(&b, len);
	return NL_OK;
}

int t17_timeline_load(struct t17_timeline *tl, const char *path, const struct t17_opts *opts)
{
	char *text;
	size_t len;
	memset(tl, 0, sizeof(*tl));
	int rc = read_capped(path, &text, &len);
	if (rc != NL_OK)
		return rc;
	rc = t17_timeline_parse(tl, text, len, path, opts);
	free(text);
	return rc;
}

void t17_timeline_release(struct t17_timeline *tl)
{
	free(tl->path);
	free(tl->name);
	free(tl->text);
	free(tl->dates);
	free(tl->sents);
	memset(tl, 0, sizeof(*tl));
}

void t17_timeline_task_size(const struct t17_timeline *tl, size_t *l, size_t *k)
{
	size_t nd = tl->tl.ndates, ns = 0;
	for (size_t i = 0; i < nd; i++)
		ns += tl->tl.dates[i].nsents;
	*l = nd;
	if (nd == 0) {
		*k = 0;
		return;
	}
	/* round(ns / nd) with ties to even, in integers */
	size_t q = ns / nd, r = ns % nd;
	if (2 * r > nd || (2 * r == nd && (q & 1)))
		q++;
	*k = q;
}

/* ========================================================================== */
/* directories                                                                */
/* ========================================================================== */

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *path_join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = xmalloc(na + nb + 2);
	memcpy(p, a, na);
	p[na] = '/';
	memcpy(p + na + 1, b, nb + 1);
	return p;
}

/* Compare names with runs of digits compared as numbers ("9.txt" < "10.txt"). */
static int natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			size_t na = 0, nb = 0;
			while (a[na] >= '0' && a[na] <= '9')
				na++;
			while (b[nb] >= '0' && b[nb] <= '9')
				nb++;
			if (na != nb)
				return na < nb ? -1 : 1;
			int c = memcmp(a, b, na);
			if (c)
				return c;
			a += na;
			b += nb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && strcmp(s + n - k, suf) == 0;
}

/* Entries of dir (no "." names), filtered, sorted by strcmp. */
static int list_dir(const char *dir, bool want_dirs, const char *suffix, char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? NL_ENOTFOUND : NL_EIO;
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (suffix && !has_suffix(e->d_name, suffix))
			continue;
		char *full = path_join(dir, e->d_name);
		bool isd = is_dir(full);
		free(full);
		if (isd != want_dirs)
			continue;
		v = xgrow(v, &cap, cnt + 1, sizeof(*v));
		v[cnt++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), cmp_name);
	*out = v;
	*n = cnt;
	return NL_OK;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void load_keywords(struct t17_topic *t, const struct t17_opts *opts)
{
	char *path = path_join(t->dir, "keywords.json");
	char *text;
	size_t len;
	int rc = read_capped(path, &text, &len);
	if (rc != NL_OK) {
		warn(opts, path, 0, "cannot read keywords (%s); topic has none", nl_strerror(rc));
		free(path);
		return;
	}
	json_error_t jerr;
	json_t *root = json_loadb(text, len, 0, &jerr);
	free(text);
	if (!root || !json_is_array(root)) {
		warn(opts, path, root ? 0 : (size_t)jerr.line,
		     "keywords must be a JSON array of strings%s%s; topic has none",
		     root ? "" : ": ", root ? "" : jerr.text);
		json_decref(root);
		free(path);
		return;
	}
	size_t n = json_array_size(root);
	t->keywords = xcalloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(root, i);
		if (!json_is_string(s)) {
			warn(opts, path, 0, "keyword %zu is not a string; ignored", i + 1);
			continue;
		}
		t->keywords[t->nkeywords++] = xstrndup(json_string_value(s), json_string_length(s));
	}
	json_decref(root);
	free(path);
}

static void topic_release(struct t17_topic *t)
{
	for (size_t i = 0; i < t->ntimelines; i++)
		t17_timeline_release(&t->timelines[i]);
	free(t->timelines);
	for (size_t i = 0; i < t->nkeywords; i++)
		free(t->keywords[i]);
	free(t->keywords);
	free(t->name);
	free(t->dir);
	memset(t, 0, sizeof(*t));
}

static int load_topic(struct t17_topic *t, const char *dir, const char *name,
		      const struct t17_opts *opts)
{
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->dir = path_join(dir, name);
	char *tdir = path_join(t->dir, "timelines");
	char **files = NULL;
	size_t nfiles = 0;
	int rc = list_dir(tdir, false, ".txt", &files, &nfiles);
	if (rc == NL_ENOTFOUND) {
		warn(opts, tdir, 0, "no timelines folder; topic has no reference timelines");
		rc = NL_OK;
	}
	if (rc == NL_OK && nfiles) {
		t->timelines = xcalloc(nfiles, sizeof(*t->timelines));
		for (size_t i = 0; i < nfiles && rc == NL_OK; i++) {
			char *fp = path_join(tdir, files[i]);
			rc = t17_timeline_load(&t->timelines[i], fp, opts);
			if (rc == NL_OK)
				t->ntimelines++;
			else
				warn(opts, fp, 0, "cannot read timeline: %s", nl_strerror(rc));
			free(fp);
		}
	}
	free_names(files, nfiles);
	free(tdir);
	if (rc == NL_OK)
		load_keywords(t, opts);
	else
		topic_release(t);
	return rc;
}

int t17_open(struct t17_dataset *ds, const char *dir, const struct t17_opts *opts)
{
	memset(ds, 0, sizeof(*ds));
	char **names = NULL;
	size_t n = 0;
	int rc = list_dir(dir, true, NULL, &names, &n);
	if (rc != NL_OK)
		return rc;
	ds->dir = xstrdup(dir);
	ds->topics = xcalloc(n ? n : 1, sizeof(*ds->topics));
	for (size_t i = 0; i < n && rc == NL_OK; i++) {
		char *td = path_join(dir, names[i]);
		char *a = path_join(td, "timelines"), *b = path_join(td, "InputDocs");
		bool is_topic = is_dir(a) || is_dir(b);
		free(a);
		free(b);
		free(td);
		if (!is_topic)
			continue;
		rc = load_topic(&ds->topics[ds->ntopics], dir, names[i], opts);
		if (rc == NL_OK)
			ds->ntopics++;
	}
	free_names(names, n);
	if (rc != NL_OK)
		t17_release(ds);
	return rc;
}

void t17_release(struct t17_dataset *ds)
{
	for (size_t i = 0; i < ds->ntopics; i++)
		topic_release(&ds->topics[i]);
	free(ds->topics);
	free(ds->dir);
	memset(ds, 0, sizeof(*ds));
}

/* ========================================================================== */
/* input articles                                                             */
/* ========================================================================== */

static int cmp_article(const void *a, const void *b)
{
	const struct t17_article *x = a, *y = b;
	if (x->day != y->day)
		return (x->day > y->day) - (x->day < y->day);
	const char *nx = strrchr(x->path, '/'), *ny = strrchr(y->path, '/');
	return natural_cmp(nx ? nx + 1 : x->path, ny ? ny + 1 : y->path);
}

int t17_topic_articles(const struct t17_topic *topic, struct t17_article **out, size_t *n,
		       const struct t17_opts *opts)
{
	char *idir = path_join(topic->dir, "InputDocs");
	char **days = NULL;
	size_t ndays = 0;
	int rc = list_dir(idir, true, NULL, &days, &ndays);
	if (rc != NL_OK) {
		free(idir);
		return rc;
	}
	struct t17_article *v = NULL;
	size_t cnt = 0, cap = 0;
	for (size_t i = 0; i < ndays; i++) {
		char *dd = path_join(idir, days[i]);
		int32_t day = day_parse(days[i], strlen(days[i]));
		if (day == NL_NODAY || strlen(days[i]) != 10) {
			warn(opts, dd, 0, "folder name is not a YYYY-MM-DD date; skipped");
			free(dd);
			continue;
		}
		char **files = NULL;
		size_t nf = 0;
		if (list_dir(dd, false, ".txt", &files, &nf) != NL_OK) {
			warn(opts, dd, 0, "cannot list folder; skipped");
			free(dd);
			continue;
		}
		for (size_t j = 0; j < nf; j++) {
			v = xgrow(v, &cap, cnt + 1, sizeof(*v));
			v[cnt].day = day;
			v[cnt++].path = path_join(dd, files[j]);
		}
		free_names(files, nf);
		free(dd);
	}
	free_names(days, ndays);
	free(idir);
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), cmp_article);
	*out = v;
	*n = cnt;
	return NL_OK;
}

void t17_articles_free(struct t17_article *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i].path);
	free(a);
}
