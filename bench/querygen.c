/*
 * querygen.c — a fixed, reproducible query set for the speed benchmark
 * (issue 3): at least 1,000 queries of 1-6 terms from the corpus vocabulary,
 * in OR and AND form, plus 2-word phrases that occur in the corpus.
 *
 * Usage: querygen [-n N] [--seed S] [--min-df D] [--max-df-frac F] DB PREFIX
 *
 * DB is an FTS5 database built by fts5load with the default unicode61
 * tokenizer (not --porter: the vocabulary must hold surface words). Writes
 *
 *     PREFIX.or      N lines "w1 OR w2 OR w3"
 *     PREFIX.and     the same term sets as "w1 AND w2 AND w3"
 *     PREFIX.phrase  N lines "\"w1 w2\""
 *
 * in a syntax that SQLite FTS5, Lucene's classic QueryParser and newsline's
 * query language all read the same way.
 *
 * How terms are drawn. The vocabulary with document frequencies (df) comes
 * from FTS5's own fts5vocab table, so "a term" means exactly what the FTS5
 * peer indexes. A term is eligible when it is all ASCII letters, at least two
 * of them, not a stopword (the list below includes Lucene's English stop set,
 * so no engine silently drops a query term) and its df lies in the band
 * [min_df, max_df]: by default min_df = max(5, docs/10,000) leaves out typos
 * and one-off tokens, max_df = docs/10 leaves out near-stopwords. Each query
 * takes its k terms (k uniform in 1..6) from one random document's eligible
 * terms, so the terms belong together as in a real search and every AND
 * query matches at least that document (random unrelated terms would make
 * most AND queries trivially empty, flattering every engine). Phrases are two
 * adjacent words of a random document's text, both non-stopwords with
 * df >= min_df, checked with an FTS5 phrase query on that document.
 *
 * Randomness is splitmix64 with a fixed seed (default 20261127), so the same
 * DB and options give byte-identical files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "util/buf.h"
#include "util/common.h"

#define MAX_TERMS 6

/* ------------------------------------------------------------------------ */
/* Stopwords (a superset of Lucene's EnglishAnalyzer stop set)               */
/* ------------------------------------------------------------------------ */

static const char *const stopwords[] = {
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "an",
	"and", "any", "are", "as", "at", "be", "because", "been", "before", "being",
	"below", "between", "both", "but", "by", "can", "could", "did", "do", "does",
	"doing", "down", "during", "each", "few", "for", "from", "further", "had",
	"has", "have", "having", "he", "her", "here", "hers", "herself", "him",
	"himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
	"just", "ll", "me", "might", "more", "most", "must", "my", "myself", "no",
	"nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our",
	"ours", "ourselves", "out", "over", "own", "re", "said", "same", "say", "says",
	"she", "should", "so", "some", "such", "than", "that", "the", "their",
	"theirs", "them", "themselves", "then", "there", "these", "they", "this",
	"those", "through", "to", "too", "under", "until", "up", "us", "ve", "very",
	"was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
	"why", "will", "with", "would", "you", "your", "yours", "yourself",
	"yourselves", "don", "didn", "doesn", "isn", "wasn", "won", "couldn",
	"shouldn", "wouldn", "aren", "weren", "hasn", "haven", "hadn", "mr", "mrs",
	"ms", "near", "one", "two", "get", "got", "go", "going", "new", "like",
};

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char **stop_sorted;

static bool is_stopword(struct nl_str w)
{
	char tmp[32];
	if (w.n >= sizeof tmp)
		return false;
	memcpy(tmp, w.p, w.n);
	tmp[w.n] = 0;
	const char *key = tmp;
	return bsearch(&key, stop_sorted, NL_ARRAY_LEN(stopwords), sizeof *stop_sorted,
		       cmp_cstr) != NULL;
}

/* ------------------------------------------------------------------------ */
/* Random numbers: splitmix64                                                */
/* ------------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0. */
static uint64_t rng_below(uint64_t n)
{
	return rng_next() % n; /* bias < n / 2^64: irrelevant here */
}

/* ------------------------------------------------------------------------ */
/* Vocabulary: terms in FTS5 (memcmp) order with their df                    */
/* ------------------------------------------------------------------------ */

struct vterm {
	char *term;
	size_t len;
	int64_t df;
};

struct vocab {
	struct vterm *v;
	size_t n, cap;
};

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, NL_MIN(an, bn));
	return c ? c : (an < bn ? -1 : an > bn);
}

/* df of w, 0 when absent. */
static int64_t vocab_df(const struct vocab *vc, struct nl_str w)
{
	size_t lo = 0, hi = vc->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_bytes(vc->v[mid].term, vc->v[mid].len, w.p, w.n);
		if (c == 0)
			return vc->v[mid].df;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void vocab_load(struct vocab *vc, sqlite3 *db)
{
	char *msg = NULL;
	if (sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, 't', 'row')",
			 NULL, NULL, &msg) != SQLITE_OK)
		nl_die("sqlite: fts5vocab: %s", msg);
	sqlite3_stmt *st;
	/* fts5vocab returns terms in memcmp order; ORDER BY keeps us honest. */
	if (sqlite3_prepare_v2(db, "SELECT term, doc FROM temp.v ORDER BY term", -1, &st,
			       NULL) != SQLITE_OK)
		nl_die("sqlite: %s", sqlite3_errmsg(db));
	memset(vc, 0, sizeof *vc);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		vc->v = xgrow(vc->v, &vc->cap, vc->n + 1, sizeof *vc->v);
		vc->v[vc->n].term = xstrndup(t, n);
		vc->v[vc->n].len = n;
		vc->v[vc->n].df = sqlite3_column_int64(st, 1);
		vc->n++;
	}
	sqlite3_finalize(st);
}

/* ------------------------------------------------------------------------ */
/* Words of a document, split as unicode61 would for ASCII                   */
/* ------------------------------------------------------------------------ */

struct word {
	struct nl_str w; /* lower-cased copy in the words arena */
	bool ascii_alpha;
};

struct words {
	struct word *v;
	size_t n, cap;
	struct buf text; /* lower-cased bytes the words point into */
};

static bool is_tokch(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c >= 0x80;
}

/* Split s into maximal runs of ASCII alphanumerics and non-ASCII bytes.
 * Non-ASCII is kept inside words so "café" stays one (ineligible) word rather
 * than yielding a false "caf"; only all-letter ASCII words are eligible. */
static void words_split(struct words *ws, const char *s, size_t n)
{
	ws->n = 0;
	buf_clear(&ws->text);
	char *low = buf_reserve(&ws->text, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	ws->text.n = n;
	size_t i = 0;
	while (i < n) {
		while (i < n && !is_tokch((unsigned char)low[i]))
			i++;
		size_t b = i;
		bool alpha = true;
		while (i < n && is_tokch((unsigned char)low[i])) {
			if (!(low[i] >= 'a' && low[i] <= 'z'))
				alpha = false;
			i++;
		}
		if (i > b) {
			ws->v = xgrow(ws->v, &ws->cap, ws->n + 1, sizeof *ws->v);
			ws->v[ws->n].w = nl_str_make(low + b, i - b);
			ws->v[ws->n].ascii_alpha = alpha;
			ws->n++;
		}
	}
}

/* ------------------------------------------------------------------------ */
/* main                                                                      */
/* ------------------------------------------------------------------------ */

struct opts {
	long n;
	uint64_t seed;
	int64_t min_df;
	double max_df_frac;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: querygen [-n N] [--seed S] [--min-df D] [--max-df-frac F] DB PREFIX\n"
		"  writes PREFIX.or, PREFIX.and, PREFIX.phrase (N queries each, default 1000)\n");
	exit(2);
}

static bool eligible(const struct word *w, const struct vocab *vc, int64_t lo, int64_t hi)
{
	if (!w->ascii_alpha || w->w.n < 2 || is_stopword(w->w))
		return false;
	int64_t df = vocab_df(vc, w->w);
	return df >= lo && df <= hi;
}

static FILE *open_out(const char *prefix, const char *ext)
{
	struct buf p;
	buf_init(&p, 0);
	buf_printf(&p, "%s.%s", prefix, ext);
	FILE *f = fopen(p.p, "w");
	if (!f)
		nl_die("%s: cannot create: %s", p.p, strerror(errno));
	buf_release(&p);
	return f;
}

/* Load document rowid's title and text (either may be empty) into out. */
static bool doc_load(sqlite3_stmt *get, int64_t rowid, struct buf *out, size_t *title_len)
{
	buf_clear(out);
	sqlite3_bind_int64(get, 1, rowid);
	bool ok = sqlite3_step(get) == SQLITE_ROW;
	if (ok) {
		buf_put(out, sqlite3_column_text(get, 0), (size_t)sqlite3_column_bytes(get, 0));
		*title_len = out->n;
		buf_putc(out, '\n');
		buf_put(out, sqlite3_column_text(get, 1), (size_t)sqlite3_column_bytes(get, 1));
	}
	sqlite3_reset(get);
	return ok;
}

int main(int argc, char **argv)
{
	struct opts o = { 1000, 20261127, -1, 0.10 };
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		char *end = NULL;
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "-n") == 0)
			o.n = strtol(argv[++i], &end, 10);
		else if (strcmp(argv[i], "--seed") == 0)
			o.seed = strtoull(argv[++i], &end, 10);
		else if (strcmp(argv[i], "--min-df") == 0)
			o.min_df = strtoll(argv[++i], &end, 10);
		else if (strcmp(argv[i], "--max-df-frac") == 0)
			o.max_df_frac = strtod(argv[++i], &end);
		else
			usage();
		if (*end)
			usage();
	}
	if (argc - i != 2 || o.n <= 0 || o.max_df_frac <= 0)
		usage();
	const char *dbpath = argv[i], *prefix = argv[i + 1];

	stop_sorted = xmalloc(sizeof stopwords);
	memcpy(stop_sorted, stopwords, sizeof stopwords);
	qsort(stop_sorted, NL_ARRAY_LEN(stopwords), sizeof *stop_sorted, cmp_cstr);
	rng_state = o.seed;

	sqlite3 *db;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		nl_die("%s: cannot open: %s", dbpath, sqlite3_errmsg(db));
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT count(*), max(rowid) FROM t", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		nl_die("%s: not an fts5load database: %s", dbpath, sqlite3_errmsg(db));
	int64_t ndocs = sqlite3_column_int64(st, 0), maxrow = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	if (ndocs == 0)
		nl_die("%s: no documents", dbpath);
	int64_t min_df = o.min_df >= 0 ? o.min_df : NL_MAX((int64_t)5, ndocs / 10000);
	int64_t max_df = (int64_t)((double)ndocs * o.max_df_frac);

	struct vocab vc;
	vocab_load(&vc, db);
	size_t band = 0;
	for (size_t k = 0; k < vc.n; k++)
		band += vc.v[k].df >= min_df && vc.v[k].df <= max_df;

	sqlite3_stmt *get, *chk;
	if (sqlite3_prepare_v2(db, "SELECT title, text FROM t WHERE rowid = ?1", -1, &get,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT 1 FROM t WHERE t MATCH ?1 AND rowid = ?2", -1, &chk,
			       NULL) != SQLITE_OK)
		nl_die("sqlite: %s", sqlite3_errmsg(db));

	FILE *f_or = open_out(prefix, "or"), *f_and = open_out(prefix, "and"),
	     *f_ph = open_out(prefix, "phrase");
	struct buf doc, q;
	buf_init(&doc, 0);
	buf_init(&q, 0);
	struct words ws = { 0 };
	buf_init(&ws.text, 0);
	size_t *cand = NULL, ccap = 0;
	long made = 0, tries = 0, nterms = 0;
	double dfsum = 0;

	/* Term queries: k distinct eligible terms of one random document. */
	while (made < o.n) {
		if (++tries > o.n * 1000)
			nl_die("cannot draw %ld queries: too few eligible terms (band %zu terms)",
			       o.n, band);
		size_t k = (size_t)rng_below(MAX_TERMS) + 1, tl;
		if (!doc_load(get, (int64_t)rng_below((uint64_t)maxrow) + 1, &doc, &tl))
			continue;
		words_split(&ws, doc.p, doc.n);
		size_t nc = 0;
		for (size_t w = 0; w < ws.n; w++) {
			if (!eligible(&ws.v[w], &vc, min_df, max_df))
				continue;
			bool dup = false;
			for (size_t c = 0; c < nc && !dup; c++)
				dup = nl_str_eq(ws.v[cand[c]].w, ws.v[w].w);
			if (!dup) {
				cand = xgrow(cand, &ccap, nc + 1, sizeof *cand);
				cand[nc++] = w;
			}
		}
		if (nc < k)
			continue;
		for (size_t c = 0; c < k; c++) { /* partial Fisher-Yates */
			size_t r = c + (size_t)rng_below(nc - c), t = cand[c];
			cand[c] = cand[r];
			cand[r] = t;
		}
		for (int form = 0; form < 2; form++) {
			buf_clear(&q);
			for (size_t c = 0; c < k; c++) {
				if (c)
					buf_puts(&q, form ? " AND " : " OR ");
				buf_put(&q, ws.v[cand[c]].w.p, ws.v[cand[c]].w.n);
			}
			fprintf(form ? f_and : f_or, "%s\n", q.p);
		}
		for (size_t c = 0; c < k; c++)
			dfsum += (double)vocab_df(&vc, ws.v[cand[c]].w);
		nterms += (long)k;
		made++;
	}
	long qmade = made;

	/* Phrases: two adjacent eligible words of a random document's text. */
	made = tries = 0;
	while (made < o.n) {
		if (++tries > o.n * 1000)
			nl_die("cannot draw %ld phrases", o.n);
		size_t tl;
		int64_t rowid = (int64_t)rng_below((uint64_t)maxrow) + 1;
		if (!doc_load(get, rowid, &doc, &tl) || doc.n <= tl + 1)
			continue;
		words_split(&ws, doc.p + tl + 1, doc.n - tl - 1);
		if (ws.n < 2)
			continue;
		size_t w = (size_t)rng_below(ws.n - 1), w0 = w;
		bool found = false;
		do { /* first eligible pair at or after a random start, wrapping */
			if (eligible(&ws.v[w], &vc, min_df, INT64_MAX) &&
			    eligible(&ws.v[w + 1], &vc, min_df, INT64_MAX)) {
				found = true;
				break;
			}
			w = (w + 1) % (ws.n - 1);
		} while (w != w0);
		if (!found)
			continue;
		buf_clear(&q);
		buf_printf(&q, "\"%.*s %.*s\"", (int)ws.v[w].w.n, ws.v[w].w.p,
			   (int)ws.v[w + 1].w.n, ws.v[w + 1].w.p);
		sqlite3_bind_text(chk, 1, q.p, (int)q.n, SQLITE_STATIC);
		sqlite3_bind_int64(chk, 2, rowid);
		bool ok = sqlite3_step(chk) == SQLITE_ROW;
		sqlite3_reset(chk);
		if (!ok)
			continue;
		fprintf(f_ph, "%s\n", q.p);
		made++;
	}

	if (fclose(f_or) || fclose(f_and) || fclose(f_ph))
		nl_die("%s.*: write failed: %s", prefix, strerror(errno));
	printf("querygen: %ld term queries (mean %.2f terms, mean df %.0f) in OR and AND form, "
	       "%ld phrases; %lld docs, %zu terms, df band [%lld, %lld] holds %zu; seed %llu\n",
	       qmade, (double)nterms / (double)qmade, dfsum / (double)nterms, made,
	       (long long)ndocs, vc.n, (long long)min_df, (long long)max_df, band,
	       (unsigned long long)o.seed);

	sqlite3_finalize(get);
	sqlite3_finalize(chk);
	sqlite3_close(db);
	for (size_t k = 0; k < vc.n; k++)
		free(vc.v[k].term);
	free(vc.v);
	free(ws.v);
	free(cand);
	free(stop_sorted);
	buf_release(&ws.text);
	buf_release(&doc);
	buf_release(&q);
	return 0;
}
