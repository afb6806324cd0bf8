/*
 * search.c — query execution: compile a query tree into iterators per
 * segment, score with BM25, collapse story groups, keep the top k; see
 * search.h.
 *
 * Iterators walk one segment's local document numbers: it_next(it, target)
 * moves to the first matching document >= target and returns it (END when
 * exhausted). Conjunctions leapfrog their members (the rarest first), which
 * lets posting cursors skip whole 128-posting blocks; disjunctions keep each
 * member positioned and return the least. Predicates (source, date) are not
 * iterated: they are checked on the candidates an iterator produces, and a
 * query made only of predicates walks every document.
 *
 * Ranked runs keep the best k + offset story groups in a heap indexed by
 * group (hpos), so a group's copies update one entry and the heap's worst
 * score is the threshold of the top k. Once SEARCH_EXACT_TOTAL groups have
 * been counted, pruning uses it. A disjunction runs MaxScore over windows of
 * RANK_WINDOW documents (rank_or): members sorted by their list-level upper
 * bound, the cheapest members whose bounds together stay under the
 * threshold only score documents the others bring; a window whose members'
 * block bounds sum under the threshold is skipped whole; the essential
 * members add their scores into the window term-at-a-time. Other queries
 * walk their root iterator and skip block-max windows (the documents their
 * lists' current blocks share). Bounds come from the blocks' impacts
 * (postings.h: a few (tf, length) pairs that dominate every posting) and,
 * for a candidate, from its actual tfs (cand_ub), so most candidates are
 * dropped before their length is read; they are compared with a small
 * relative slack, and a candidate that survives is scored exactly as
 * without pruning, so the top k is identical to exhaustive evaluation
 * (tests/unit/test_search.c checks it on random queries).
 *
 * Term iterators decode a block of doc data at a time (blk_load); a
 * phrase's words read the positions of the postings it tests only
 * (post_block_positions), the others' position bytes are skipped unread.
 * Per-document lengths (2 bytes) and a bit telling whether the story has
 * other copies are read once per searcher into arrays small enough to stay
 * in cache.
 */
#include "query/search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/token.h"
#include "util/day.h"

#define END UINT32_MAX

/* Ranking parameters: one setting for every collection, chosen on a grid
 * (k1 1.2-2.1, b 0.55-0.85, title weight 1-4) with bench/ir.sh's four
 * collections; the neighbourhood of this point is flat, so it is no spike. */
#define K1 2.1f
#define B 0.7f
#define TITLE_W 2.5f
#define STOPDROP 1

/* Bounds are compared with this relative slack, so float rounding in a sum
 * never prunes a document whose exact score would make the top k. */
#define SLACK 1e-4

enum it_kind { IT_TERM, IT_PHRASE, IT_SET, IT_AND, IT_OR, IT_ALL, IT_EMPTY };

struct pred;

/* One decoded block of a posting list's doc data (terms outside phrases never
 * need positions, so they skip the position bytes altogether). */
struct blk {
	uint32_t doc[POST_BLOCK], tft[POST_BLOCK], tfb[POST_BLOCK];
	uint32_t n, i, b;       /* postings in the block, the current one, block number */
	bool tfs;               /* tft[] and tfb[] are unpacked; else read from pk */
	struct post_packed pk;  /* the block's tfs as stored */
};

/* Unpack all of the block's tfs (a list scored posting by posting). */
static inline void blk_tfs(struct blk *k)
{
	if (!k->tfs) {
		post_block_tfs(&k->pk, k->n, k->tft, k->tfb);
		k->tfs = true;
	}
}

/* The tfs of posting i of the block, unpacked or read from where they are
 * stored (a list only searched for documents never unpacks them all). */
static inline void blk_tf(const struct blk *k, uint32_t i, uint32_t *tft, uint32_t *tfb)
{
	if (k->tfs) {
		*tft = k->tft[i];
		*tfb = k->tfb[i];
	} else {
		*tft = post_packed_get(k->pk.tft, k->pk.wt, i);
		*tfb = post_packed_get(k->pk.tfb, k->pk.wb, i);
	}
}

struct it {
	enum it_kind kind;
	uint32_t doc;           /* current document, END when exhausted */
	bool scoring;
	float boost;
	/* TERM */
	struct post_cur cur;
	struct post_stats st;   /* the list's maxima in this segment */
	struct blk *blk;        /* the decoded block the iterator walks */
	struct pset *set;       /* SET: the prefix (cur.tft, cur.tfb: current tfs) */
	bool started;
	enum qfield field;
	float idf;
	/* per block of the list its bounds read (a phrase: its first word's),
	 * cached: the impacts' best score and the length norm of the block's
	 * shortest document, at [2b] and [2b + 1]; negative = not read yet */
	float *bub;
	/* PHRASE: members are TERM iterators */
	int slop;
	uint32_t phrase_freq, phrase_title;
	/* AND / OR / PHRASE */
	struct it **kids;
	size_t nkids;
	struct it **excl;       /* AND/OR: MUST_NOT iterators */
	size_t nexcl;
	struct pred *preds;     /* predicates every candidate must pass */
	uint32_t ndocs;         /* ALL */
};

enum pred_kind { P_SOURCE, P_DATE, P_AND, P_OR, P_NOT, P_TRUE };

struct pred {
	enum pred_kind kind;
	uint8_t *srcok;         /* SOURCE: per source number of the segment */
	int32_t from, to;       /* DATE */
	struct pred **kids;     /* AND/OR: kids; NOT: one kid */
	size_t nkids;
};

struct qterm {
	char term[TOKEN_MAX_BYTES + 1];
	size_t len;
	float idf;
	bool prefix;            /* marks every word beginning with term */
};

/*
 * A prefix (trailing *) is one term whose postings are the union of its
 * words', as FTS5 scores a prefix: per document the title and body tfs of
 * all its words summed (saturating at 65535), its df the documents holding
 * any of them. Built once per query over every segment, so the df is
 * archive-wide and no word is left out however many the prefix has.
 */
struct pset {
	const struct qnode *node;
	uint16_t *tft, *tfb;    /* per archive document */
	uint64_t *bits;         /* documents holding a word of the prefix */
	uint64_t df;
	uint32_t max_tft, max_tfb, min_len;
};

/* What a ranked run reads per candidate is kept small so that a large
 * archive's share stays in cache: the weighted length (TITLE_W x title +
 * body tokens) doubled, which is an integer, as u16 (DLEN_BIG: look it up),
 * and one bit per document telling whether its story has other copies (only
 * those need their group, s->rep, to be counted once). */
#define DLEN_BIG UINT16_MAX

/* Documents per window of a disjunction's ranked run (rank_or). */
#define RANK_WINDOW 2048

struct searcher {
	struct archive *a;
	struct tokenizer *tk, *tkraw;
	const uint32_t *rep, *gsize;
	float avgdl;
	/* per-group scratch, stamped by query number */
	uint32_t *stamp;
	float *best;
	uint32_t *bestdoc;
	uint32_t *touched;
	size_t ntouched;
	uint32_t qno;
	/* ranked runs: the best `want` groups, worst on top; hpos[group] is its
	 * heap index + 1 (0 = not in the heap) */
	struct search_hit *heap;
	size_t nheap, want, heapcap;
	uint32_t *hpos;
	uint64_t total;
	bool inexact;
	/* a phrase at the root checks this threshold before reading positions */
	struct it *proot;
	double ptheta;
	uint16_t *dlen2;        /* per document (2 x TITLE_W must be whole), read on the first ranked run */
	uint64_t *copied;       /* bit per document: its story has several copies */
	/* rank_or's window: per document, each member's score and their sum */
	float *wrow;
	size_t wrowcap;
	float wacc[RANK_WINDOW];
	uint64_t wmask[RANK_WINDOW]; /* which members' entries of a row are set */
	uint64_t wbits[RANK_WINDOW / 64];
	/* iterators of the current segment (arena-like list for freeing) */
	struct it **its;
	size_t nits, itscap;
	struct pred **preds;
	size_t npreds, predcap;
	struct segment *seg;
	uint32_t segbase, segi; /* the current segment, its first document and index */
	/* the dictionary entries term_df() found in each segment for the term
	 * it looked up last (tmemo_ok[i]: found in segment i), which term_it()
	 * then opens without looking the term up again */
	struct seg_term *tmemo;
	bool *tmemo_ok;
	char tmemo_term[256];
	size_t tmemo_len; /* 0: no term */
	/* the prefixes of the current query */
	struct pset **psets;    /* each on its own: iterators point at them */
	size_t npsets, pscap;
	/* query terms of the last run, for snippets */
	struct qterm *qterms;
	size_t nqterms, qtcap;
	uint32_t *posbuf[8];
	size_t poscap[8];
	char err[256];
	int rc;
};

struct searcher *searcher_new(struct archive *a)
{
	struct searcher *s = xcalloc(1, sizeof *s);
	s->a = a;
	s->tk = tokenizer_new(true);
	s->tkraw = tokenizer_new(false);
	archive_groups(a, &s->rep, &s->gsize);
	/* summed over segments first: the weighting must not round per segment,
	 * or scores would depend on how documents fell into segments */
	uint64_t title = 0, body = 0;
	for (uint32_t i = 0; i < a->nsegs; i++) {
		title += a->segs[i]->total_title;
		body += a->segs[i]->total_body;
	}
	double tokens = (double)TITLE_W * (double)title + (double)body;
	s->avgdl = a->ndocs ? (float)(tokens / (double)a->ndocs) : 1.0f;
	if (s->avgdl <= 0)
		s->avgdl = 1.0f;
	size_t n = a->ndocs + 1;
	s->stamp = xcalloc(n, sizeof *s->stamp);
	s->best = xcalloc(n, sizeof *s->best);
	s->bestdoc = xcalloc(n, sizeof *s->bestdoc);
	s->touched = xcalloc(n, sizeof *s->touched);
	s->hpos = xcalloc(n, sizeof *s->hpos);
	return s;
}

static void free_its(struct searcher *s)
{
	for (size_t i = 0; i < s->nits; i++) {
		struct it *it = s->its[i];
		if (it->kind == IT_TERM)
			post_cur_close(&it->cur);
		free(it->blk);
		free(it->bub);
		free(it->kids);
		free(it->excl);
		free(it);
	}
	s->nits = 0;
	for (size_t i = 0; i < s->npreds; i++) {
		free(s->preds[i]->srcok);
		free(s->preds[i]->kids);
		free(s->preds[i]);
	}
	s->npreds = 0;
}

static void free_psets(struct searcher *s)
{
	for (size_t i = 0; i < s->npsets; i++) {
		free(s->psets[i]->tft);
		free(s->psets[i]->tfb);
		free(s->psets[i]->bits);
		free(s->psets[i]);
	}
	s->npsets = 0;
}

void searcher_free(struct searcher *s)
{
	if (!s)
		return;
	free_its(s);
	free_psets(s);
	free(s->psets);
	free(s->its);
	free(s->preds);
	tokenizer_free(s->tk);
	tokenizer_free(s->tkraw);
	free(s->heap);
	free(s->hpos);
	free(s->dlen2);
	free(s->copied);
	free(s->wrow);
	free(s->stamp);
	free(s->best);
	free(s->bestdoc);
	free(s->touched);
	free(s->qterms);
	free(s->tmemo);
	free(s->tmemo_ok);
	for (int i = 0; i < 8; i++)
		free(s->posbuf[i]);
	free(s);
}

void search_opts_init(struct search_opts *o)
{
	memset(o, 0, sizeof *o);
	o->from = o->to = NL_NODAY;
	o->k = 10;
}

void search_result_release(struct search_result *r)
{
	free(r->hits);
	memset(r, 0, sizeof *r);
}

static struct it *new_it(struct searcher *s, enum it_kind kind)
{
	struct it *it = xcalloc(1, sizeof *it);
	it->kind = kind;
	it->doc = 0;
	it->boost = 1.0f;
	s->its = xgrow(s->its, &s->itscap, s->nits + 1, sizeof *s->its);
	s->its[s->nits++] = it;
	return it;
}

static struct pred *new_pred(struct searcher *s, enum pred_kind kind)
{
	struct pred *p = xcalloc(1, sizeof *p);
	p->kind = kind;
	s->preds = xgrow(s->preds, &s->predcap, s->npreds + 1, sizeof *s->preds);
	s->preds[s->npreds++] = p;
	return p;
}

/* ------------------------------------------------------------ statistics --- */

/* Archive-wide document frequency of a term (its entries kept in tmemo). */
static uint64_t term_df(struct searcher *s, const char *t, size_t n)
{
	uint64_t df = 0;
	if (!s->tmemo) {
		s->tmemo = xcalloc(s->a->nsegs + 1, sizeof *s->tmemo);
		s->tmemo_ok = xcalloc(s->a->nsegs + 1, sizeof *s->tmemo_ok);
	}
	for (uint32_t i = 0; i < s->a->nsegs; i++) {
		s->tmemo_ok[i] = seg_term_find(s->a->segs[i], t, n, &s->tmemo[i]);
		if (s->tmemo_ok[i])
			df += s->tmemo[i].st.df;
	}
	s->tmemo_len = 0;
	if (n > 0 && n < sizeof s->tmemo_term) {
		memcpy(s->tmemo_term, t, n);
		s->tmemo_len = n;
	}
	return df;
}

/* The current segment's dictionary entry of a term: from tmemo when term_df()
 * looked that term up last. */
static bool term_entry(struct searcher *s, const char *t, size_t n, struct seg_term *st)
{
	if (s->tmemo_len == n && n && !memcmp(s->tmemo_term, t, n)) {
		*st = s->tmemo[s->segi];
		return s->tmemo_ok[s->segi];
	}
	return seg_term_find(s->seg, t, n, st);
}

static float idf_of(struct searcher *s, uint64_t df)
{
	double N = s->a->ndocs;
	return (float)log(1.0 + (N - (double)df + 0.5) / ((double)df + 0.5));
}

static void note_qterm(struct searcher *s, const char *t, size_t n, float idf, bool prefix)
{
	for (size_t i = 0; i < s->nqterms; i++)
		if (s->qterms[i].len == n && !memcmp(s->qterms[i].term, t, n) &&
		    s->qterms[i].prefix == prefix)
			return;
	s->qterms = xgrow(s->qterms, &s->qtcap, s->nqterms + 1, sizeof *s->qterms);
	struct qterm *q = &s->qterms[s->nqterms++];
	memcpy(q->term, t, n);
	q->term[n] = 0;
	q->len = n;
	q->idf = idf;
	q->prefix = prefix;
}

/* ------------------------------------------------------------- compiling --- */

struct compiled {
	struct it *it;          /* NULL if the node is a predicate */
	struct pred *pred;
};

static struct it *term_it(struct searcher *s, const char *t, size_t n, enum qfield field,
			  float boost, bool note)
{
	struct seg_term st;
	float idf = idf_of(s, term_df(s, t, n));
	if (note)
		note_qterm(s, t, n, idf, false);
	if (!term_entry(s, t, n, &st))
		return new_it(s, IT_EMPTY);
	struct it *it = new_it(s, IT_TERM);
	seg_term_cursor(s->seg, &st, &it->cur);
	it->st = st.st;
	it->blk = xcalloc(1, sizeof *it->blk);
	it->field = field;
	it->idf = idf;
	it->boost = boost;
	it->scoring = true;
	return it;
}

struct collect {
	char terms[64][TOKEN_MAX_BYTES + 1];
	size_t lens[64];
	size_t n;
};

static int collect_term(void *ctx, const char *term, size_t len, uint32_t start, uint32_t end)
{
	struct collect *c = ctx;
	(void)start;
	(void)end;
	if (c->n >= 64 || len > TOKEN_MAX_BYTES)
		return 0;
	memcpy(c->terms[c->n], term, len);
	c->lens[c->n++] = len;
	return 0;
}

/* A phrase of the given terms (already normalised). */
static struct it *phrase_it(struct searcher *s, struct collect *c, enum qfield field, float boost,
			    int slop)
{
	if (c->n == 0)
		return new_it(s, IT_EMPTY);
	if (c->n == 1)
		return term_it(s, c->terms[0], c->lens[0], field, boost, true);
	struct it *p = new_it(s, IT_PHRASE);
	p->kids = xcalloc(c->n, sizeof *p->kids);
	p->nkids = c->n;
	p->field = field;
	p->boost = boost;
	p->slop = slop;
	p->scoring = true;
	float idf = 0;
	for (size_t i = 0; i < c->n; i++) {
		struct it *t = term_it(s, c->terms[i], c->lens[i], QFIELD_ANY, 1.0f, true);
		if (t->kind == IT_EMPTY)
			return new_it(s, IT_EMPTY);
		idf += t->idf;
		p->kids[i] = t;
	}
	p->idf = idf;
	return p;
}

static struct compiled compile(struct searcher *s, const struct qnode *n);

/* Rough number of documents an iterator may visit, to order conjunctions. */
static uint64_t it_cost(const struct it *it)
{
	switch (it->kind) {
	case IT_EMPTY:
		return 0;
	case IT_TERM:
		return it->cur.df;
	case IT_SET:
		return it->set->df;
	case IT_PHRASE:
	case IT_AND: {
		uint64_t c = UINT64_MAX;
		for (size_t i = 0; i < it->nkids; i++)
			c = NL_MIN(c, it_cost(it->kids[i]));
		return c;
	}
	case IT_OR: {
		uint64_t c = 0;
		for (size_t i = 0; i < it->nkids; i++)
			c += it_cost(it->kids[i]);
		return c;
	}
	case IT_ALL:
		return UINT64_MAX;
	}
	return UINT64_MAX;
}

static bool host_matches_any(struct segment *seg, struct nl_str host, uint8_t **out)
{
	uint8_t *ok = xcalloc(seg->nsources + 1, 1);
	bool any = false;
	for (uint32_t i = 0; i < seg->nsources; i++)
		if (qparse_host_match(host, seg->sources[i]))
			ok[i] = 1, any = true;
	*out = ok;
	return any;
}

/* Lucene's English stop set (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET). */
static const char *const stopwords[] = {
	"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
	"it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
	"these", "they", "this", "to", "was", "will", "with",
};

static bool is_stopword(struct searcher *s, const struct qnode *n)
{
	char w[TOKEN_MAX_BYTES + 1];
	if (n->kind != QNODE_TERM || n->text.n > 8)
		return false;
	size_t len = tokenizer_term(s->tkraw, n->text.p, n->text.n, w, sizeof w);
	for (size_t i = 0; i < sizeof stopwords / sizeof *stopwords; i++)
		if (strlen(stopwords[i]) == len && !memcmp(stopwords[i], w, len))
			return true;
	return false;
}

static bool scores(const struct qnode *n)
{
	if (n->kind == QNODE_BOOL) {
		for (size_t i = 0; i < n->nclauses; i++)
			if (n->clauses[i].occur != QOCCUR_MUST_NOT && n->clauses[i].occur != QOCCUR_FILTER &&
			    scores(n->clauses[i].node))
				return true;
		return false;
	}
	return n->kind == QNODE_TERM || n->kind == QNODE_PHRASE || n->kind == QNODE_PREFIX;
}

/* The prefix set of node n (pre, pn: its folded prefix), built on the
 * first segment's compile and kept for the query's other segments. */
static struct pset *prefix_set(struct searcher *s, const struct qnode *n, const char *pre,
			       size_t pn)
{
	for (size_t i = 0; i < s->npsets; i++)
		if (s->psets[i]->node == n)
			return s->psets[i];
	/* allocated on its own, not in a growing array: a query's earlier
	 * prefix iterators keep pointing at theirs (fuzz_search found this) */
	s->psets = xgrow(s->psets, &s->pscap, s->npsets + 1, sizeof *s->psets);
	struct pset *p = xmalloc(sizeof *p);
	s->psets[s->npsets++] = p;
	uint32_t nd = s->a->ndocs;
	*p = (struct pset){ .node = n, .min_len = UINT32_MAX };
	p->tft = xcalloc((size_t)nd + 1, sizeof *p->tft);
	p->tfb = xcalloc((size_t)nd + 1, sizeof *p->tfb);
	p->bits = xcalloc((size_t)nd / 64 + 1, sizeof *p->bits);
	uint32_t doc[POST_BLOCK], tft[POST_BLOCK], tfb[POST_BLOCK];
	for (uint32_t si = 0; si < s->a->nsegs; si++) {
		const struct segment *seg = s->a->segs[si];
		uint32_t base = s->a->base[si];
		struct seg_term_iter ti;
		seg_term_iter_init(&ti, seg);
		seg_term_iter_seek(&ti, pre, pn);
		/* terms are sorted: those with the prefix are one run */
		while (seg_term_iter_next(&ti)) {
			int c = memcmp(ti.term, pre, NL_MIN(ti.len, pn));
			if (c > 0)
				break;
			if (c < 0 || ti.len < pn)
				continue; /* before the prefix */
			struct post_cur cur;
			seg_term_cursor(seg, &ti.t, &cur);
			p->min_len = NL_MIN(p->min_len, ti.t.st.min_len);
			for (uint32_t b = 0; b < cur.nblocks; b++) {
				uint32_t k = post_block_decode(&cur, b, seg->ndocs, doc, tft, tfb);
				if (!k) {
					s->rc = NL_ECORRUPT;
					break;
				}
				for (uint32_t i = 0; i < k; i++) {
					uint32_t g = base + doc[i];
					uint64_t bit = (uint64_t)1 << (g & 63);
					if (!(p->bits[g >> 6] & bit)) {
						p->bits[g >> 6] |= bit;
						p->df++;
					}
					p->tft[g] = (uint16_t)NL_MIN((uint32_t)p->tft[g] + tft[i], UINT16_MAX);
					p->tfb[g] = (uint16_t)NL_MIN((uint32_t)p->tfb[g] + tfb[i], UINT16_MAX);
					p->max_tft = NL_MAX(p->max_tft, (uint32_t)p->tft[g]);
					p->max_tfb = NL_MAX(p->max_tfb, (uint32_t)p->tfb[g]);
				}
			}
			post_cur_close(&cur);
		}
		if (ti.corrupt)
			s->rc = NL_ECORRUPT;
	}
	if (p->min_len == UINT32_MAX)
		p->min_len = 0;
	return p;
}

static struct compiled compile_bool(struct searcher *s, const struct qnode *n)
{
	struct compiled out = { NULL, NULL };
	size_t nc = n->nclauses;
	struct compiled *cc = xcalloc(nc + 1, sizeof *cc);
	bool any_it = false;
	/* stopwords among the SHOULD words go when something else scores */
	bool *drop = xcalloc(nc + 1, sizeof *drop);
	size_t nscoring = 0, nstop = 0;
	for (size_t i = 0; i < nc && STOPDROP; i++) {
		const struct qclause *cl = &n->clauses[i];
		if (cl->occur == QOCCUR_MUST_NOT || cl->occur == QOCCUR_FILTER || !scores(cl->node))
			continue;
		nscoring++;
		if (cl->occur == QOCCUR_SHOULD && is_stopword(s, cl->node))
			drop[i] = true, nstop++;
	}
	if (nstop == nscoring)
		memset(drop, 0, (nc + 1) * sizeof *drop);
	for (size_t i = 0; i < nc; i++) {
		if (drop[i]) {
			cc[i].it = new_it(s, IT_EMPTY);
			any_it = true;
			continue;
		}
		cc[i] = compile(s, n->clauses[i].node);
		if (cc[i].it)
			any_it = true;
	}
	free(drop);
	if (!any_it) {
		/* a predicate: AND of MUST/FILTER, OR of SHOULD, NOT of MUST_NOT */
		struct pred *p = new_pred(s, P_AND);
		struct pred *ors = NULL;
		p->kids = xcalloc(nc + 1, sizeof *p->kids);
		for (size_t i = 0; i < nc; i++) {
			enum qoccur oc = n->clauses[i].occur;
			if (oc == QOCCUR_SHOULD) {
				if (!ors) {
					ors = new_pred(s, P_OR);
					ors->kids = xcalloc(nc + 1, sizeof *ors->kids);
					p->kids[p->nkids++] = ors;
				}
				ors->kids[ors->nkids++] = cc[i].pred;
			} else if (oc == QOCCUR_MUST_NOT) {
				struct pred *np = new_pred(s, P_NOT);
				np->kids = xcalloc(1, sizeof *np->kids);
				np->kids[0] = cc[i].pred;
				np->nkids = 1;
				p->kids[p->nkids++] = np;
			} else {
				p->kids[p->nkids++] = cc[i].pred;
			}
		}
		out.pred = p;
		free(cc);
		return out;
	}
	struct it *req[QPARSE_MAX_LEAVES], *opt[QPARSE_MAX_LEAVES], *exc[QPARSE_MAX_LEAVES];
	size_t nreq = 0, nopt = 0, nexc = 0;
	struct pred *pa = NULL;
	for (size_t i = 0; i < nc && nreq + nopt + nexc < QPARSE_MAX_LEAVES; i++) {
		enum qoccur oc = n->clauses[i].occur;
		if (cc[i].it) {
			if (oc == QOCCUR_MUST) req[nreq++] = cc[i].it;
			else if (oc == QOCCUR_FILTER) { cc[i].it->scoring = false; req[nreq++] = cc[i].it; }
			else if (oc == QOCCUR_SHOULD) opt[nopt++] = cc[i].it;
			else exc[nexc++] = cc[i].it;
		} else {
			if (!pa) {
				pa = new_pred(s, P_AND);
				pa->kids = xcalloc(nc + 1, sizeof *pa->kids);
			}
			if (oc == QOCCUR_MUST_NOT) {
				struct pred *np = new_pred(s, P_NOT);
				np->kids = xcalloc(1, sizeof *np->kids);
				np->kids[0] = cc[i].pred;
				np->nkids = 1;
				pa->kids[pa->nkids++] = np;
			} else {
				pa->kids[pa->nkids++] = cc[i].pred;
			}
		}
	}
	free(cc);
	/* leapfrog from the rarest required clause */
	for (size_t i = 1; i < nreq; i++)
		for (size_t j = i; j > 0 && it_cost(req[j]) < it_cost(req[j - 1]); j--) {
			struct it *x = req[j];
			req[j] = req[j - 1];
			req[j - 1] = x;
		}
	struct it *it;
	if (nreq) {
		it = new_it(s, IT_AND);
		it->kids = xcalloc(nreq + nopt + 1, sizeof *it->kids);
		for (size_t i = 0; i < nreq; i++)
			it->kids[it->nkids++] = req[i];
		/* optional clauses only add to the score: an OR riding on the AND */
		if (nopt) {
			struct it *o = new_it(s, IT_OR);
			o->kids = xcalloc(nopt, sizeof *o->kids);
			for (size_t i = 0; i < nopt; i++)
				o->kids[o->nkids++] = opt[i];
			o->scoring = true;
			it->excl = NULL;
			/* stored after the required kids, flagged by ndocs = 1 */
			it->kids[it->nkids] = o;
			it->ndocs = 1;
		}
	} else if (nopt) {
		it = new_it(s, IT_OR);
		it->kids = xcalloc(nopt, sizeof *it->kids);
		for (size_t i = 0; i < nopt; i++)
			it->kids[it->nkids++] = opt[i];
	} else {
		/* only exclusions (and predicates): everything minus them */
		it = new_it(s, IT_ALL);
		it->ndocs = s->seg->ndocs;
	}
	it->scoring = true;
	it->boost = n->boost;
	if (nexc) {
		it->excl = xcalloc(nexc, sizeof *it->excl);
		for (size_t i = 0; i < nexc; i++)
			it->excl[it->nexcl++] = exc[i];
	}
	it->preds = pa;
	out.it = it;
	return out;
}

static struct compiled compile(struct searcher *s, const struct qnode *n)
{
	struct compiled out = { NULL, NULL };
	switch (n->kind) {
	case QNODE_TERM:
	case QNODE_PHRASE: {
		struct collect c;
		c.n = 0;
		tokenize(s->tk, n->text.p, n->text.n, collect_term, &c);
		out.it = phrase_it(s, &c, n->field, n->boost, n->kind == QNODE_PHRASE ? n->slop : 0);
		return out;
	}
	case QNODE_PREFIX: {
		char pre[TOKEN_MAX_BYTES + 1];
		/* the stem of a prefix is not a prefix of its words: use the folded form */
		size_t pn = tokenizer_term(s->tkraw, n->text.p, n->text.n, pre, sizeof pre);
		struct pset *p = pn ? prefix_set(s, n, pre, pn) : NULL;
		if (!p || p->df == 0) {
			out.it = new_it(s, IT_EMPTY);
			return out;
		}
		struct it *it = new_it(s, IT_SET);
		it->set = p;
		it->field = n->field;
		it->idf = idf_of(s, p->df);
		it->boost = n->boost;
		it->scoring = true;
		note_qterm(s, pre, pn, it->idf, true);
		out.it = it;
		return out;
	}
	case QNODE_SOURCE: {
		struct pred *p = new_pred(s, P_SOURCE);
		host_matches_any(s->seg, n->text, &p->srcok);
		out.pred = p;
		return out;
	}
	case QNODE_DATE: {
		struct pred *p = new_pred(s, P_DATE);
		p->from = n->from;
		p->to = n->to;
		out.pred = p;
		return out;
	}
	case QNODE_BOOL:
		return compile_bool(s, n);
	}
	return out;
}

/* ------------------------------------------------------------ predicates --- */

static bool pred_ok(struct searcher *s, const struct pred *p, uint32_t doc)
{
	switch (p->kind) {
	case P_TRUE:
		return true;
	case P_SOURCE: {
		struct seg_docinfo di;
		seg_docinfo(s->seg, doc, &di);
		return di.source < s->seg->nsources && p->srcok[di.source];
	}
	case P_DATE: {
		struct seg_docinfo di;
		seg_docinfo(s->seg, doc, &di);
		return di.day != NL_NODAY && di.day >= p->from && di.day <= p->to;
	}
	case P_AND:
		for (size_t i = 0; i < p->nkids; i++)
			if (!pred_ok(s, p->kids[i], doc))
				return false;
		return true;
	case P_OR:
		for (size_t i = 0; i < p->nkids; i++)
			if (pred_ok(s, p->kids[i], doc))
				return true;
		return false;
	case P_NOT:
		return !pred_ok(s, p->kids[0], doc);
	}
	return false;
}

/* ------------------------------------------------------------- iterating --- */

static uint32_t it_next(struct searcher *s, struct it *it, uint32_t target);

static bool field_ok(const struct it *it)
{
	return it->field == QFIELD_ANY || (it->field == QFIELD_TITLE && it->cur.tft > 0) ||
	       (it->field == QFIELD_BODY && it->cur.tfb > 0);
}

/* Decode block b of it's doc data (layout: postings.h). */
static bool blk_load(struct searcher *s, struct it *it, uint32_t b)
{
	struct blk *k = it->blk;
	uint32_t n = post_block_docs(&it->cur, b, s->seg->ndocs, k->doc, &k->pk);
	if (!n)
		return false;
	k->tfs = false;
	k->n = n;
	k->i = 0;
	k->b = b;
	it->cur.block = b;
	return true;
}

static uint32_t term_next(struct searcher *s, struct it *it, uint32_t target)
{
	struct post_cur *c = &it->cur;
	struct blk *k = it->blk;
	for (;;) {
		if (c->done) {
			if (c->corrupt)
				s->rc = NL_ECORRUPT;
			return it->doc = END;
		}
		if (k->n == 0 || k->doc[k->n - 1] < target) {
			uint32_t b = k->n ? k->b + 1 : 0;
			if (b < c->nblocks)
				b = post_block_scan(c, b, target);
			if (b >= c->nblocks) {
				c->done = true;
				continue;
			}
			if (!blk_load(s, it, b)) {
				c->done = c->corrupt = true;
				continue;
			}
			if (k->doc[k->n - 1] < target)
				continue;
		}
		while (k->doc[k->i] < target)
			k->i++;
		c->doc = k->doc[k->i];
		blk_tf(k, k->i, &c->tft, &c->tfb);
		if (field_ok(it))
			return it->doc = c->doc;
		target = c->doc + 1;
	}
}

/* Count phrase occurrences in the current document (all kids positioned on
 * it). Title occurrences are those whose first word is one of the first
 * word's title positions (positions ascend, title before body: its first
 * tft), so the document's title length is not needed. */
static uint32_t phrase_count(struct searcher *s, struct it *p, uint32_t *in_title)
{
	uint32_t title0 = p->kids[0]->cur.tft;
	size_t n = NL_MIN(p->nkids, (size_t)8);
	uint32_t cnt[8];
	for (size_t i = 0; i < n; i++) {
		struct it *t = p->kids[i];
		blk_tfs(t->blk);
		cnt[i] = post_block_positions(&t->cur, t->blk->b, t->blk->i, t->blk->tft,
					      t->blk->tfb, &s->posbuf[i], &s->poscap[i]);
	}
	uint32_t freq = 0, titlef = 0;
	size_t idx[8] = { 0 };
	for (uint32_t a = 0; a < cnt[0]; a++) {
		uint32_t p0 = s->posbuf[0][a];
		bool ok = true;
		for (size_t i = 1; i < n && ok; i++) {
			/* position of word i must be p0 + i (within slop) */
			int64_t want = (int64_t)p0 + (int64_t)i;
			while (idx[i] < cnt[i] && (int64_t)s->posbuf[i][idx[i]] < want - p->slop)
				idx[i]++;
			ok = idx[i] < cnt[i] && (int64_t)s->posbuf[i][idx[i]] <= want + p->slop;
		}
		if (ok) {
			freq++;
			if (a < title0)
				titlef++;
		}
	}
	*in_title = titlef;
	return freq;
}

static uint32_t and_next(struct searcher *s, struct it **kids, size_t n, uint32_t target)
{
	uint32_t d = target;
	for (;;) {
		uint32_t x = it_next(s, kids[0], d);
		if (x == END)
			return END;
		d = x;
		size_t i = 1;
		for (; i < n; i++) {
			uint32_t y = it_next(s, kids[i], d);
			if (y == END)
				return END;
			if (y != d) {
				d = y;
				break;
			}
		}
		if (i == n)
			return d;
	}
}

static bool excluded(struct searcher *s, struct it *it, uint32_t doc)
{
	for (size_t i = 0; i < it->nexcl; i++)
		if (it_next(s, it->excl[i], doc) == doc)
			return true;
	return it->preds && !pred_ok(s, it->preds, doc);
}

static bool phrase_below(struct searcher *s, struct it *it);

static uint32_t it_next(struct searcher *s, struct it *it, uint32_t target)
{
	if (it->started && (it->doc == END || it->doc >= target))
		return it->doc;
	it->started = true;
	switch (it->kind) {
	case IT_EMPTY:
		return it->doc = END;
	case IT_TERM:
		return term_next(s, it, target);
	case IT_SET: {
		const struct pset *p = it->set;
		uint32_t nd = s->seg->ndocs;
		for (uint32_t d = target; d < nd;) {
			uint32_t g = s->segbase + d;
			uint64_t w = p->bits[g >> 6] >> (g & 63);
			if (!w) { /* on to the next word of bits */
				d += 64 - (g & 63);
				continue;
			}
			d += (uint32_t)__builtin_ctzll(w);
			if (d >= nd)
				break;
			it->cur.tft = p->tft[s->segbase + d];
			it->cur.tfb = p->tfb[s->segbase + d];
			if (field_ok(it))
				return it->doc = d;
			d++;
		}
		return it->doc = END;
	}
	case IT_ALL: {
		for (uint32_t d = target; d < it->ndocs; d++)
			if (!excluded(s, it, d))
				return it->doc = d;
		return it->doc = END;
	}
	case IT_PHRASE: {
		for (;;) {
			uint32_t d = and_next(s, it->kids, it->nkids, target);
			if (d == END)
				return it->doc = END;
			if (it == s->proot && s->ptheta > -INFINITY && phrase_below(s, it)) {
				s->inexact = true; /* cannot reach the top k: positions not read */
				target = d + 1;
				continue;
			}
			uint32_t in_title;
			uint32_t f = phrase_count(s, it, &in_title);
			bool ok = f > 0 && (it->field == QFIELD_ANY ||
					    (it->field == QFIELD_TITLE && in_title > 0) ||
					    (it->field == QFIELD_BODY && f > in_title));
			if (ok) {
				it->phrase_freq = f;
				it->phrase_title = in_title;
				return it->doc = d;
			}
			target = d + 1;
		}
	}
	case IT_AND: {
		for (;;) {
			uint32_t d = and_next(s, it->kids, it->nkids, target);
			if (d == END)
				return it->doc = END;
			if (!excluded(s, it, d)) {
				if (it->ndocs == 1) /* optional scorers ride along */
					it_next(s, it->kids[it->nkids], d);
				return it->doc = d;
			}
			target = d + 1;
		}
	}
	case IT_OR: {
		for (;;) {
			uint32_t m = END;
			for (size_t i = 0; i < it->nkids; i++) {
				uint32_t x = it_next(s, it->kids[i], target);
				if (x < m)
					m = x;
			}
			if (m == END)
				return it->doc = END;
			if (!excluded(s, it, m))
				return it->doc = m;
			target = m + 1;
		}
	}
	}
	return END;
}

/* BM25's length part of a document of weighted length dl. */
static float norm_of(const struct searcher *s, float dl)
{
	return K1 * (1 - B + B * dl / s->avgdl);
}

/* The length BM25 normalises by: title tokens weigh TITLE_W. */
static float weighted_len(const struct seg_docinfo *di)
{
	return TITLE_W * (float)di->title_len + (float)di->body_len;
}

/* norm_of() a document of len tokens counting title and body once: no
 * weighted length is shorter, so no document of len tokens has a smaller
 * norm (bounds use it). */
static float short_norm(const struct searcher *s, uint32_t len)
{
	return norm_of(s, NL_MIN(1.0f, TITLE_W) * (float)len);
}

/* doc_norm() of a document too long for the length table */
static __attribute__((noinline)) float doc_norm_big(const struct searcher *s, uint32_t gdoc)
{
	struct seg_docinfo di;
	archive_docinfo(s->a, gdoc, &di);
	return norm_of(s, weighted_len(&di));
}

/* norm_of() document gdoc's weighted length. Inline, the common case is a
 * few instructions, so the scoring loops can overlap documents. */
static inline float doc_norm(const struct searcher *s, uint32_t gdoc)
{
	uint16_t d2 = s->dlen2[gdoc];
	if (__builtin_expect(d2 == DLEN_BIG, 0))
		return doc_norm_big(s, gdoc);
	return norm_of(s, 0.5f * (float)d2);
}

/* norm: the document's doc_norm() */
static float bm25(float idf, float tf, float norm)
{
	if (tf <= 0)
		return 0;
	return idf * tf * (K1 + 1) / (tf + norm);
}

/* The tf field f scores for tft title and tfb body occurrences: title
 * occurrences weigh TITLE_W. Scores and bounds all go through it. */
static float field_tf(enum qfield f, uint32_t tft, uint32_t tfb)
{
	return f == QFIELD_TITLE ? TITLE_W * (float)tft
	       : f == QFIELD_BODY ? (float)tfb
				  : TITLE_W * (float)tft + (float)tfb;
}

/* The tf a term or phrase iterator scores on its current document. */
static float leaf_tf(const struct it *it)
{
	if (it->kind == IT_PHRASE)
		return field_tf(QFIELD_ANY, it->phrase_title, it->phrase_freq - it->phrase_title);
	return field_tf(it->field, it->cur.tft, it->cur.tfb);
}

/* The term whose posting list bounds term or phrase it (a phrase: its first
 * word, which occurs at least as often), and the field the bound is for. */
static struct it *bound_term(struct it *it)
{
	return it->kind == IT_PHRASE ? it->kids[0] : it;
}

static enum qfield bound_field(const struct it *it)
{
	return it->kind == IT_TERM ? it->field : QFIELD_ANY;
}

static float leaf_score(const struct it *it, float tf, float norm)
{
	return it->boost * bm25(it->idf, tf, norm);
}

/* A scoring term or phrase: its score is leaf_score() of its leaf_tf(). */
static bool is_leaf(const struct it *it)
{
	return it->scoring && (it->kind == IT_TERM || it->kind == IT_PHRASE);
}

static float it_score(struct searcher *s, struct it *it, uint32_t doc, float norm)
{
	if (!it->scoring || !it->started || it->doc != doc)
		return 0;
	switch (it->kind) {
	case IT_TERM:
	case IT_PHRASE:
	case IT_SET:
		return leaf_score(it, leaf_tf(it), norm);
	case IT_AND: {
		float sum = 0;
		for (size_t i = 0; i < it->nkids; i++)
			sum += it_score(s, it->kids[i], doc, norm);
		if (it->ndocs == 1)
			sum += it_score(s, it->kids[it->nkids], doc, norm);
		return it->boost * sum;
	}
	case IT_OR: {
		float sum = 0;
		for (size_t i = 0; i < it->nkids; i++)
			sum += it_score(s, it->kids[i], doc, norm);
		return it->boost * sum;
	}
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------- bounds --- */

/* BM25 of a term over a set of postings whose tf maxima and shortest
 * document are given: bm25 grows with tf and shrinks with length. */
static double ub_tf(struct searcher *s, const struct it *it, enum qfield field, float idf,
		    uint32_t max_tft, uint32_t max_tfb, uint32_t min_len)
{
	float tf = field_tf(field, max_tft, max_tfb);
	return (double)it->boost * (double)bm25(idf, tf, short_norm(s, min_len));
}

/* The best BM25 over a block's impacts (postings.h): every posting of the
 * block is dominated by one of them, so this bounds the block's scores. The
 * impacts' length counts title and body tokens once, never more than the
 * weighted length the score uses. */
static double ub_block(struct searcher *s, const struct it *it, enum qfield field,
		       const struct post_skip *sk)
{
	float best = 0;
	for (uint32_t i = 0; i < sk->nimp; i++) {
		const struct post_impact *im = &sk->imp[i];
		float v = bm25(it->idf, field_tf(field, im->tft, im->tfb), short_norm(s, im->len));
		if (v > best)
			best = v;
	}
	return (double)it->boost * (double)best;
}

/* Block b's bound for term or phrase it (the impacts of block b of
 * bound_term(it)'s list) and the length norm of the block's shortest
 * document, read once per iterator; false when the entry is damaged. */
static bool block_bounds(struct searcher *s, struct it *it, uint32_t b, float *ub, float *bn)
{
	struct post_cur *c = &bound_term(it)->cur;
	if (b >= c->nblocks)
		return false;
	if (!it->bub) {
		it->bub = xmalloc(2 * (size_t)c->nblocks * sizeof *it->bub);
		for (size_t i = 0; i < 2 * (size_t)c->nblocks; i++)
			it->bub[i] = -1;
	}
	float *e = &it->bub[2 * (size_t)b];
	if (e[0] < 0) {
		struct post_skip sk;
		if (!post_cur_skip(c, b, &sk))
			return false;
		e[0] = (float)ub_block(s, it, bound_field(it), &sk);
		e[1] = short_norm(s, sk.min_len);
	}
	*ub = e[0];
	*bn = e[1];
	return true;
}

/*
 * Upper bound of it's score on the documents of the block (of each posting
 * list below it) that holds the first document >= d, narrowing *upto to the
 * last document those blocks cover; with d = 0 and *upto ignored, on any
 * document of the segment when list is set. INFINITY when it cannot tell.
 */
static double it_bound(struct searcher *s, struct it *it, uint32_t d, uint32_t *upto, bool list)
{
	if (!it->scoring || it->boost < 0)
		return it->boost < 0 ? INFINITY : 0;
	switch (it->kind) {
	case IT_EMPTY:
	case IT_ALL:
		return 0;
	case IT_SET:
		if (it->started && it->doc == END)
			return 0;
		return ub_tf(s, it, it->field, it->idf, it->set->max_tft, it->set->max_tfb,
			     it->set->min_len);
	case IT_TERM:
	case IT_PHRASE: {
		/* a phrase occurs at most as often as its first word, in title and body */
		struct it *t = bound_term(it);
		if (t->cur.done || (t->started && t->doc == END))
			return 0;
		struct post_skip sk;
		enum qfield f = bound_field(it);
		struct post_cur *c = &t->cur;
		if (!list && !c->corrupt) {
			uint32_t b = post_cur_find(c, d), last = post_block_last(c, b);
			if (last < d) /* the list ends before d */
				return 0;
			if (last < *upto)
				*upto = last;
			float ub, bn;
			if (block_bounds(s, it, b, &ub, &bn))
				return ub;
		}
		if (list && c->nblocks == 1 && post_cur_skip(c, 0, &sk))
			return ub_block(s, it, f, &sk);
		/* a longer list: its maxima (the impacts of every block would be
		 * tighter but cost more than the whole query on a long list) */
		return ub_tf(s, it, f, it->idf, t->st.max_tft, t->st.max_tfb, t->st.min_len);
	}
	case IT_AND:
	case IT_OR: {
		double sum = 0;
		size_t n = it->nkids + (it->kind == IT_AND && it->ndocs == 1);
		for (size_t i = 0; i < n; i++)
			sum += it_bound(s, it->kids[i], d, upto, list);
		return (double)it->boost * sum;
	}
	}
	return INFINITY;
}

static bool below(double bound, double theta)
{
	return bound * (1 + SLACK) + 1e-9 < theta;
}

/* A limit x must stay under for below(boost * x + c, theta) to hold (with
 * a hair more slack), -infinity when it cannot be told. */
static double below_limit(double boost, double c, double theta)
{
	if (!(boost > 0) || theta == -INFINITY)
		return -INFINITY;
	double x = ((theta - 1e-9) / (1 + SLACK) - c) / boost;
	return x - fabs(x) * 1e-9;
}

/* The length norm of the shortest document of the block t's cursor is in
 * (cached with the block's bound). */
static float block_norm(struct searcher *s, struct it *t)
{
	struct post_cur *c = &t->cur;
	uint32_t b = t->blk->b;
	float ub, bn;
	if (b >= c->nblocks)
		b = c->nblocks - 1;
	if (!block_bounds(s, t, b, &ub, &bn))
		return short_norm(s, t->st.min_len);
	return bn;
}

/* Whether phrase it, its words on one document, scores under the threshold
 * whatever its positions: it occurs at most as often as its first word (and,
 * without slop, as its rarest), in title and in body. */
static bool phrase_below(struct searcher *s, struct it *it)
{
	uint32_t tt = it->kids[0]->cur.tft, tb = it->kids[0]->cur.tfb;
	for (size_t i = 1; i < it->nkids && it->slop == 0; i++) {
		tt = NL_MIN(tt, it->kids[i]->cur.tft);
		tb = NL_MIN(tb, it->kids[i]->cur.tfb);
	}
	float tf = field_tf(QFIELD_ANY, tt, tb);
	return below((double)leaf_score(it, tf, block_norm(s, it->kids[0])), s->ptheta);
}

/*
 * Upper bound of it's score on document d, read from the postings only (no
 * per-document data): a member positioned on d scores at most BM25 of its
 * actual tf in the shortest document of its block; one past d scores 0; one
 * not yet moved to d (a MaxScore non-essential list) at most its block bound.
 * Candidates whose bound is under the threshold are dropped before their
 * length norm is read (a cache miss per document on a large archive).
 */
static double cand_ub(struct searcher *s, struct it *it, uint32_t d)
{
	if (!it->scoring || it->boost < 0)
		return it->boost < 0 ? INFINITY : 0;
	if (it->started && (it->doc == END || it->doc > d))
		return 0;
	if (it->started && it->doc == d) {
		switch (it->kind) {
		case IT_TERM:
		case IT_PHRASE:
			return leaf_score(it, leaf_tf(it), block_norm(s, bound_term(it)));
		case IT_AND:
		case IT_OR: {
			double sum = 0;
			size_t n = it->nkids + (it->kind == IT_AND && it->ndocs == 1);
			for (size_t i = 0; i < n; i++)
				sum += cand_ub(s, it->kids[i], d);
			return (double)it->boost * sum;
		}
		default:
			break;
		}
	}
	uint32_t upto = END;
	return it_bound(s, it, d, &upto, false);
}

/* ------------------------------------------------------------------ top k --- */

static bool hit_better(const struct search_hit *a, const struct search_hit *b)
{
	return a->score > b->score || (a->score == b->score && a->doc < b->doc);
}

static void heap_swap(struct searcher *s, size_t i, size_t j)
{
	struct search_hit t = s->heap[i];
	s->heap[i] = s->heap[j];
	s->heap[j] = t;
	s->hpos[s->heap[i].group] = (uint32_t)i + 1;
	s->hpos[s->heap[j].group] = (uint32_t)j + 1;
}

/* The heap keeps the worst hit on top: a parent is never better than a child. */
static void heap_up(struct searcher *s, size_t i)
{
	while (i && hit_better(&s->heap[(i - 1) / 2], &s->heap[i])) {
		heap_swap(s, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct searcher *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < s->nheap && hit_better(&s->heap[m], &s->heap[l]))
			m = l;
		if (r < s->nheap && hit_better(&s->heap[m], &s->heap[r]))
			m = r;
		if (m == i)
			return;
		heap_swap(s, i, m);
		i = m;
	}
}

/* Offer document doc of group g with its score. Documents come in increasing
 * id order, so a group keeps its first best-scoring copy, as an exhaustive
 * run that remembered every group would. */
static void offer(struct searcher *s, uint32_t g, uint32_t doc, float score)
{
	if (!s->want || (s->nheap == s->want && score <= s->heap[0].score))
		return; /* worse than the worst kept, and than its own group's entry if any */
	uint32_t at = s->hpos[g];
	if (at) {
		struct search_hit *x = &s->heap[at - 1];
		if (score > x->score) {
			x->score = score;
			x->doc = doc;
			heap_down(s, at - 1);
		}
		return;
	}
	struct search_hit h = { doc, score, g, 0 };
	if (s->nheap < s->want) {
		s->heap[s->nheap] = h;
		s->hpos[g] = (uint32_t)++s->nheap;
		heap_up(s, s->nheap - 1);
	} else if (hit_better(&h, &s->heap[0])) {
		s->hpos[s->heap[0].group] = 0;
		s->heap[0] = h;
		s->hpos[g] = 1;
		heap_down(s, 0);
	}
}

/* The score a newcomer must beat, once pruning may begin; else -infinity. */
static double threshold(const struct searcher *s, const struct search_opts *o)
{
	if (o->exhaustive || !s->want || s->nheap < s->want || s->total < SEARCH_EXACT_TOTAL)
		return -INFINITY;
	return (double)s->heap[0].score;
}

/* ------------------------------------------------------------------ runs --- */

struct run {
	const struct search_opts *o;
	bool rank;
	void (*fn)(void *ctx, uint32_t doc);
	void *ctx;
};

static void visit(struct searcher *s, struct run *r, uint32_t gdoc)
{
	uint32_t g = r->o->copies ? gdoc : s->rep[gdoc];
	if (s->stamp[g] != s->qno) {
		s->stamp[g] = s->qno;
		s->touched[s->ntouched++] = g;
		if (r->fn)
			r->fn(r->ctx, gdoc);
	}
}

/* Whether gdoc stands for itself in the results: copies are not collapsed,
 * or its story has no other copy. */
static bool alone(const struct searcher *s, const struct run *r, uint32_t gdoc)
{
	return r->o->copies || !(s->copied[gdoc >> 6] >> (gdoc & 63) & 1);
}

/* Count gdoc's group if it is new for this query; return the group. Every
 * document is a candidate at most once per query, so only stories with
 * several copies need the stamps. */
static uint32_t count_group(struct searcher *s, const struct run *r, uint32_t gdoc)
{
	if (alone(s, r, gdoc)) {
		s->total++;
		return gdoc;
	}
	uint32_t g = s->rep[gdoc];
	if (s->stamp[g] != s->qno) {
		s->stamp[g] = s->qno;
		s->total++;
	}
	return g;
}

/* The group gdoc stands for in the results (itself unless it is a copy). */
static uint32_t group_of(const struct searcher *s, const struct run *r, uint32_t gdoc)
{
	return alone(s, r, gdoc) ? gdoc : s->rep[gdoc];
}

/* A match that may score into the top k: counted while the count is exact
 * (th is -infinity until SEARCH_EXACT_TOTAL groups have matched); once
 * pruning has begun the total is only a lower bound, as Lucene's is past its
 * threshold, and counting further would cost a cache miss per copy. */
static uint32_t match_group(struct searcher *s, const struct run *r, uint32_t gdoc, double th)
{
	if (th == -INFINITY)
		return count_group(s, r, gdoc);
	s->inexact = true;
	return group_of(s, r, gdoc);
}

static int cmp_bound(const void *x, const void *y, void *ctx)
{
	(void)ctx;
	const double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

struct scorer {
	double ub;   /* list-level bound (with the root's boost) */
	struct it *it;
	size_t kid;  /* its index among the root's members */
};

static int cmp_scorer(const void *x, const void *y)
{
	return cmp_bound(&((const struct scorer *)x)->ub, &((const struct scorer *)y)->ub, NULL);
}

/* Upper bound of it's score on the documents [lo, hi): the best block bound
 * of the blocks of its list that overlap the range (a phrase: those of its
 * first word), or its list-level bound. */
static double range_ub(struct searcher *s, struct it *it, uint32_t lo, uint32_t hi)
{
	if (!it->scoring || it->boost < 0)
		return it->boost < 0 ? INFINITY : 0;
	if (it->kind != IT_TERM && it->kind != IT_PHRASE)
		return it_bound(s, it, 0, NULL, true);
	struct it *t = bound_term(it);
	struct post_cur *c = &t->cur;
	if (t->cur.done || (t->started && t->doc == END))
		return 0;
	if (c->corrupt)
		return it_bound(s, it, 0, NULL, true);
	uint32_t b = post_cur_find(c, lo);
	if (post_block_last(c, b) < lo)
		return 0;
	double best = 0;
	for (; b < c->nblocks; b++) {
		float ub, bn;
		if (!block_bounds(s, it, b, &ub, &bn))
			return it_bound(s, it, 0, NULL, true);
		best = NL_MAX(best, (double)ub);
		if (post_block_last(c, b) >= hi - 1)
			break;
	}
	return best;
}

/* Record member kid's value v for the window's document at offset off
 * (wmask tells which members of a row are set). */
static inline void window_set(struct searcher *s, uint32_t off, size_t m, size_t kid, float v)
{
	if (!(s->wbits[off >> 6] >> (off & 63) & 1)) {
		s->wbits[off >> 6] |= (uint64_t)1 << (off & 63);
		s->wmask[off] = 0;
		s->wacc[off] = 0;
	}
	s->wrow[(size_t)off * m + kid] = v;
	s->wmask[off] |= (uint64_t)1 << kid;
}

/*
 * rank_or's pass of one essential member over the window [lo, hi) (it is
 * positioned on its first document >= lo): it leaves its exact score in each
 * of its documents' rows and adds it to their window sums (the window's
 * length norms were prefetched and stay in cache). A term walking decoded
 * blocks is read from them directly.
 */
static void window_add(struct searcher *s, struct it *k, uint32_t lo, uint32_t hi, size_t m,
		       size_t kid)
{
	if (k->kind == IT_TERM && is_leaf(k) && k->field == QFIELD_ANY) {
		/* the rest of each decoded block, then the next block */
		struct blk *b = k->blk;
		while (k->doc < hi && !s->rc) {
			uint32_t i = b->i, n = b->n;
			blk_tfs(b);
			for (; i < n && b->doc[i] < hi; i++) {
				uint32_t d = b->doc[i];
				float tf = field_tf(QFIELD_ANY, b->tft[i], b->tfb[i]); /* leaf_tf() */
				float v = leaf_score(k, tf, doc_norm(s, s->segbase + d));
				window_set(s, d - lo, m, kid, v);
				s->wacc[d - lo] += v;
			}
			if (i == n)
				i = n - 1; /* stand on the block's last posting, then step past it */
			b->i = i;
			k->doc = k->cur.doc = b->doc[i];
			k->cur.tft = b->tft[i];
			k->cur.tfb = b->tfb[i];
			if (k->doc < hi)
				it_next(s, k, k->doc + 1);
		}
		return;
	}
	for (uint32_t d = k->doc; d < hi && !s->rc; d = it_next(s, k, d + 1)) {
		float v = it_score(s, k, d, doc_norm(s, s->segbase + d));
		window_set(s, d - lo, m, kid, v);
		s->wacc[d - lo] += v;
	}
}

/*
 * Ranked run of a disjunction, window by window (MaxScore with term-at-a-time
 * windows, as Lucene's MaxScoreBulkScorer does). Members are sorted by their
 * list-level bound; the longest prefix whose bounds sum under the threshold is
 * non-essential. A window of RANK_WINDOW documents starting at the least
 * essential document is skipped whole when its members' block bounds sum
 * under the threshold; else each essential member adds its score for every
 * document it holds in the window to that document's row (one list at a
 * time: the window's length norms stay in cache). Then, in document order,
 * a document whose sum plus the bounds of the non-essential members
 * stays under the threshold is dropped; the others are counted, the
 * non-essential members are moved to them while the sum can still reach the
 * threshold, and the score offered is the row summed in member order —
 * exactly what it_score() of the disjunction gives.
 */
static void rank_or(struct searcher *s, struct run *r, struct it *root, struct pred *gp,
		    const struct scorer *sc, const double *pre, size_t m)
{
	const struct search_opts *o = r->o;
	const double boost = (double)root->boost;
	size_t p = 0;
	double last = -INFINITY;
	uint32_t lo = 0, nd = s->seg->ndocs;
	/* the window's members by window bound (ord), those bounds (wub) and
	 * their prefix sums (wpre); the first q members are non-essential */
	size_t *ord = xmalloc(m * sizeof *ord);
	double *wub = xmalloc(m * sizeof *wub), *wpre = xmalloc((m + 1) * sizeof *wpre);
	s->wrow = xgrow(s->wrow, &s->wrowcap, (size_t)RANK_WINDOW * m, sizeof *s->wrow);
	while (lo < nd && !s->rc) {
		double th = threshold(s, o);
		if (th != last) {
			while (p < m && below(pre[p + 1], th))
				p++;
			last = th;
			if (p == m) {
				s->inexact = true;
				break;
			}
		}
		if (p)
			s->inexact = true; /* documents only non-essential members hold are not seen */
		uint32_t first = END;
		for (size_t i = p; i < m; i++)
			first = NL_MIN(first, it_next(s, sc[i].it, lo));
		if (first == END || s->rc)
			break;
		lo = first;
		uint32_t hi = nd - lo > RANK_WINDOW ? lo + RANK_WINDOW : nd;
		size_t q = 0;
		wpre[0] = 0;
		for (size_t i = 0; i < m; i++) {
			ord[i] = i;
			wub[i] = th > -INFINITY ? boost * range_ub(s, sc[i].it, lo, hi) : sc[i].ub;
		}
		for (size_t i = 1; i < m; i++) /* insertion sort: m is small */
			for (size_t j = i; j > 0 && wub[ord[j]] < wub[ord[j - 1]]; j--) {
				size_t t = ord[j];
				ord[j] = ord[j - 1];
				ord[j - 1] = t;
			}
		for (size_t i = 0; i < m; i++)
			wpre[i + 1] = wpre[i] + wub[ord[i]];
		if (th > -INFINITY) {
			while (q < m && below(wpre[q + 1], th))
				q++;
			if (q == m) { /* the whole window scores under the threshold */
				s->inexact = true;
				lo = hi;
				continue;
			}
			if (q)
				s->inexact = true;
		}
		memset(s->wbits, 0, sizeof s->wbits);
		/* the window's lengths are read in pass 2: have them on the way */
		for (uint32_t d = lo; d < hi; d += 32)
			__builtin_prefetch(&s->dlen2[s->segbase + d]);
		for (size_t j = q; j < m && !s->rc; j++) {
			const struct scorer *e = &sc[ord[j]];
			if (it_next(s, e->it, lo) < hi)
				window_add(s, e->it, lo, hi, m, e->kid);
		}
		/* a document whose window sum is under lim cannot reach the top k */
		th = threshold(s, o);
		double lim = below_limit(boost, wpre[q], th);
		bool dirty = false; /* a document was counted: the threshold may have risen */
		for (size_t w = 0; w < RANK_WINDOW / 64 && !s->rc; w++) {
			for (uint64_t bits = s->wbits[w]; bits; bits &= bits - 1) {
				if (dirty) {
					double nth = threshold(s, o);
					if (nth != th) {
						th = nth;
						lim = below_limit(boost, wpre[q], th);
					}
					dirty = false;
				}
				uint32_t off = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
				uint32_t d = lo + off;
				if ((double)s->wacc[off] < lim) {
					s->inexact = true;
					continue;
				}
				float *row = s->wrow + (size_t)off * m;
				if (((root->nexcl || root->preds) && excluded(s, root, d)) ||
				    (gp->nkids && !pred_ok(s, gp, d)))
					continue;
				double part = (double)s->wacc[off];
				uint64_t mask = s->wmask[off];
				bool dead = false;
				for (size_t j = q; j-- > 0;) {
					const struct scorer *e = &sc[ord[j]];
					if (below(boost * part + wpre[j + 1], th)) {
						dead = true;
						break;
					}
					if (it_next(s, e->it, d) != d)
						continue;
					float v = it_score(s, e->it, d, doc_norm(s, s->segbase + d));
					row[e->kid] = v;
					mask |= (uint64_t)1 << e->kid;
					part += (double)v;
				}
				if (dead || (q && below(boost * part, th))) {
					s->inexact = true; /* a match, not counted */
					continue;
				}
				/* it_score() of the disjunction: members in order, a missing
				 * one adding 0 (which changes no float sum) */
				float sum = 0;
				for (size_t i = 0; i < m; i++)
					if (mask >> i & 1)
						sum += row[i];
				uint32_t g = match_group(s, r, s->segbase + d, th);
				offer(s, g, s->segbase + d, root->boost * sum);
				dirty = true;
			}
		}
		lo = hi;
	}
	free(ord);
	free(wub);
	free(wpre);
}

/*
 * Ranked run of a single term walking decoded blocks: a block whose impacts
 * bound stays under the threshold is not decoded; a posting whose tf in the
 * block's shortest document stays under it is dropped before its length is
 * read; the others are scored by leaf_score() as it_score() would.
 */
static void rank_term(struct searcher *s, struct run *r, struct it *it, struct pred *gp)
{
	const struct search_opts *o = r->o;
	struct post_cur *c = &it->cur;
	struct blk *k = it->blk;
	it->started = true;
	for (uint32_t b = 0; b < c->nblocks && !s->rc; b++) {
		double th = threshold(s, o);
		float ub, bn;
		bool ok = block_bounds(s, it, b, &ub, &bn);
		if (ok && th > -INFINITY && below((double)ub, th)) {
			s->inexact = true; /* skipped undecoded */
			continue;
		}
		if (!ok || !blk_load(s, it, b)) {
			c->done = c->corrupt = true;
			s->rc = NL_ECORRUPT;
			break;
		}
		blk_tfs(k);
		double lim = below_limit(1.0, 0, th);
		for (uint32_t i = 0; i < k->n; i++) {
			it->doc = c->doc = k->doc[i];
			c->tft = k->tft[i];
			c->tfb = k->tfb[i];
			if (!field_ok(it))
				continue;
			float tf = leaf_tf(it);
			if ((double)leaf_score(it, tf, bn) < lim) {
				s->inexact = true;
				continue;
			}
			uint32_t d = k->doc[i];
			if (gp->nkids && !pred_ok(s, gp, d))
				continue;
			uint32_t g = match_group(s, r, s->segbase + d, th);
			offer(s, g, s->segbase + d, leaf_score(it, tf, doc_norm(s, s->segbase + d)));
			double nth = threshold(s, o);
			if (nth != th) {
				th = nth;
				lim = below_limit(1.0, 0, th);
			}
		}
	}
	it->doc = END;
}

/*
 * Ranked run over one segment. A disjunction goes to rank_or(). Any other
 * root brings its candidates in order; with a threshold, each is tested
 * against the block-max bound of the window of documents its lists' current
 * blocks share (whole windows are skipped), then against cand_ub() (its
 * actual tfs in its blocks' shortest documents), before its length norm is
 * read. Survivors are scored by it_score(), exactly as exhaustively.
 */
static void rank_segment(struct searcher *s, struct run *r, struct it *root, struct pred *gp)
{
	const struct search_opts *o = r->o;
	bool prune = !o->exhaustive && s->want && isfinite(it_bound(s, root, 0, NULL, true));
	if (prune && is_leaf(root) && root->kind == IT_TERM && root->boost > 0) {
		rank_term(s, r, root, gp);
		return;
	}
	if (prune && root->kind == IT_OR && root->nkids > 1 && root->nkids <= 64) {
		size_t m = root->nkids;
		struct scorer *sc = xmalloc(m * sizeof *sc);
		double *pre = xmalloc((m + 1) * sizeof *pre); /* pre[i] = sum of sc[0..i).ub */
		for (size_t i = 0; i < m; i++) {
			sc[i].it = root->kids[i];
			sc[i].kid = i;
			sc[i].ub = (double)root->boost * it_bound(s, root->kids[i], 0, NULL, true);
		}
		qsort(sc, m, sizeof *sc, cmp_scorer);
		pre[0] = 0;
		for (size_t i = 0; i < m; i++)
			pre[i + 1] = pre[i] + sc[i].ub;
		rank_or(s, r, root, gp, sc, pre, m);
		free(sc);
		free(pre);
		return;
	}
	double wtheta = -INFINITY;
	uint32_t target = 0, win_to = 0;
	bool win = false, win_low = false;
	s->proot = prune && root->kind == IT_PHRASE && root->boost > 0 ? root : NULL;
	while (!s->rc) {
		double th = prune ? threshold(s, o) : -INFINITY;
		s->ptheta = th;
		uint32_t d = it_next(s, root, target);
		if (d == END || s->rc)
			break;
		if (th > -INFINITY) {
			if (!win || d > win_to || th != wtheta) {
				uint32_t upto = END;
				double bound = it_bound(s, root, d, &upto, false);
				win = true;
				win_to = NL_MAX(upto, d);
				wtheta = th;
				win_low = below(bound, th);
			}
			if (win_low) {
				s->inexact = true;
				if (win_to == END)
					break;
				target = win_to + 1;
				continue;
			}
		}
		target = d + 1;
		if (th > -INFINITY && below(cand_ub(s, root, d), th)) {
			s->inexact = true;
			continue;
		}
		if (gp->nkids && !pred_ok(s, gp, d))
			continue;
		uint32_t g = match_group(s, r, s->segbase + d, th);
		offer(s, g, s->segbase + d, it_score(s, root, d, doc_norm(s, s->segbase + d)));
	}
	s->proot = NULL;
}

static int run_query(struct searcher *s, const char *q, size_t qlen, struct run *r, char *err,
		     size_t errcap)
{
	struct qtree *t;
	struct qparse_error pe;
	int rc = qparse(q, qlen, &t, &pe);
	if (rc) {
		snprintf(err, errcap, "%s", pe.msg);
		return rc;
	}
	s->qno++;
	if (s->qno == 0) { /* stamps wrapped: clear them */
		memset(s->stamp, 0, (s->a->ndocs + 1) * sizeof *s->stamp);
		s->qno = 1;
	}
	s->ntouched = 0;
	s->nqterms = 0;
	s->nheap = 0;
	s->total = 0;
	s->inexact = false;
	s->rc = 0;
	for (uint32_t si = 0; si < s->a->nsegs && !s->rc; si++) {
		s->seg = s->a->segs[si];
		s->segbase = s->a->base[si];
		s->segi = si;
		struct compiled c = compile(s, t->root);
		struct it *it = c.it;
		struct pred *gp = new_pred(s, P_AND);
		gp->kids = xcalloc(4, sizeof *gp->kids);
		if (c.pred)
			gp->kids[gp->nkids++] = c.pred;
		if (r->o->from != NL_NODAY || r->o->to != NL_NODAY) {
			struct pred *d = new_pred(s, P_DATE);
			d->from = r->o->from == NL_NODAY ? INT32_MIN : r->o->from;
			d->to = r->o->to == NL_NODAY ? INT32_MAX : r->o->to;
			gp->kids[gp->nkids++] = d;
		}
		if (r->o->source) {
			struct pred *p = new_pred(s, P_SOURCE);
			host_matches_any(s->seg, nl_str_make(r->o->source, strlen(r->o->source)),
					 &p->srcok);
			gp->kids[gp->nkids++] = p;
		}
		if (!it) {
			it = new_it(s, IT_ALL);
			it->ndocs = s->seg->ndocs;
		}
		if (r->rank) {
			rank_segment(s, r, it, gp);
		} else {
			uint32_t d = 0;
			while ((d = it_next(s, it, d)) != END && !s->rc) {
				if (gp->nkids == 0 || pred_ok(s, gp, d))
					visit(s, r, s->segbase + d);
				d++;
				if (d == END)
					break;
			}
		}
		free_its(s);
	}
	qparse_free(t);
	free_psets(s);
	if (s->rc) {
		snprintf(err, errcap, "corrupt segment: a posting list is damaged (run newsline check)");
		return s->rc;
	}
	return NL_OK;
}

static int cmp_hit(const void *x, const void *y)
{
	const struct search_hit *a = x, *b = y;
	return hit_better(a, b) ? -1 : hit_better(b, a);
}

int searcher_run(struct searcher *s, const char *q, size_t qlen, const struct search_opts *o,
		 struct search_result *res, char *err, size_t errcap)
{
	struct run r = { o, true, NULL, NULL };
	if (!s->dlen2) {
		uint32_t n = s->a->ndocs;
		s->dlen2 = xmalloc((n + 1) * sizeof *s->dlen2);
		s->copied = xcalloc(n / 64 + 1, sizeof *s->copied);
		for (uint32_t i = 0; i < n; i++) {
			struct seg_docinfo di;
			archive_docinfo(s->a, i, &di);
			float d2 = 2 * weighted_len(&di); /* whole, and exact below DLEN_BIG */
			s->dlen2[i] = d2 < DLEN_BIG ? (uint16_t)d2 : DLEN_BIG;
			if (s->gsize[s->rep[i]] > 1)
				s->copied[i >> 6] |= (uint64_t)1 << (i & 63);
		}
	}
	s->want = o->k + o->offset;
	if (s->want < o->k) /* overflow */
		s->want = SIZE_MAX / sizeof *s->heap / 2;
	if (s->want > s->a->ndocs)
		s->want = s->a->ndocs;
	s->heap = xgrow(s->heap, &s->heapcap, s->want + 1, sizeof *s->heap);
	int rc = run_query(s, q, qlen, &r, err, errcap);
	for (size_t i = 0; i < s->nheap; i++)
		s->hpos[s->heap[i].group] = 0;
	res->total = 0;
	res->total_exact = true;
	res->nhits = 0;
	if (rc) {
		s->nheap = 0;
		return rc;
	}
	res->total = s->total;
	res->total_exact = !s->inexact;
	size_t n = s->nheap;
	qsort(s->heap, n, sizeof *s->heap, cmp_hit);
	size_t from = NL_MIN(o->offset, n);
	res->hits = xgrow(res->hits, &res->cap, n - from + 1, sizeof *res->hits);
	for (size_t i = from; i < n; i++) {
		struct search_hit h = s->heap[i];
		h.copies = o->copies ? 1 : s->gsize[h.group];
		res->hits[i - from] = h;
	}
	res->nhits = n - from;
	s->nheap = 0;
	return NL_OK;
}

int searcher_match(struct searcher *s, const char *q, size_t qlen, const struct search_opts *o,
		   void (*fn)(void *ctx, uint32_t doc), void *ctx, char *err, size_t errcap)
{
	struct run r = { o, false, fn, ctx };
	return run_query(s, q, qlen, &r, err, errcap);
}

/* --------------------------------------------------------------- snippets --- */

struct snipctx {
	struct searcher *s;
	float weight;
	uint32_t first;
	struct { uint32_t start, end; } marks[64];
	size_t nmarks;
	uint64_t seen;
};

static int snip_token(void *ctx, const char *term, size_t len, uint32_t start, uint32_t end)
{
	struct snipctx *c = ctx;
	for (size_t i = 0; i < c->s->nqterms; i++) {
		const struct qterm *q = &c->s->qterms[i];
		if ((q->prefix ? q->len <= len : q->len == len) && !memcmp(q->term, term, q->len)) {
			if (i < 64 && !(c->seen & (1ull << i))) {
				c->seen |= 1ull << i;
				c->weight += q->idf;
			}
			if (c->nmarks < 64) {
				c->marks[c->nmarks].start = start;
				c->marks[c->nmarks].end = end;
				c->nmarks++;
			}
			if (c->first == UINT32_MAX)
				c->first = start;
			break;
		}
	}
	return 0;
}

int searcher_snippet(struct searcher *s, uint32_t doc, size_t max_bytes, const char *open,
		     const char *close, struct buf *out)
{
	struct doc d;
	memset(&d, 0, sizeof d);
	int rc = archive_doc(s->a, doc, &d);
	if (rc) {
		doc_release(&d);
		return rc;
	}
	uint32_t best = 0;
	float bw = -1;
	struct snipctx c, cur;
	memset(&c, 0, sizeof c);
	for (uint32_t i = 0; i < d.nsent; i++) {
		memset(&cur, 0, sizeof cur);
		cur.s = s;
		cur.first = UINT32_MAX;
		const char *st = d.para[d.sent[i].para].p + d.sent[i].start;
		tokenize(s->tk, st, d.sent[i].len, snip_token, &cur);
		if (cur.weight > bw) {
			/* keep the best sentence's marks: no second tokenizing pass */
			bw = cur.weight;
			best = i;
			c = cur;
		}
	}
	if (d.nsent == 0) {
		doc_release(&d);
		return NL_OK;
	}
	const char *t = d.para[d.sent[best].para].p + d.sent[best].start;
	uint32_t len = d.sent[best].len;
	/* a window of max_bytes around the first match, cut at spaces */
	uint32_t from = 0, to = len;
	if (len > max_bytes) {
		uint32_t f = c.first == UINT32_MAX ? 0 : c.first;
		from = f > max_bytes / 3 ? f - (uint32_t)(max_bytes / 3) : 0;
		while (from > 0 && from < len && t[from - 1] != ' ')
			from++;
		to = NL_MIN(len, from + (uint32_t)max_bytes);
		while (to < len && to > from && t[to] != ' ')
			to--;
		if (to <= from)
			to = NL_MIN(len, from + (uint32_t)max_bytes);
		while (to < len && ((unsigned char)t[to] & 0xc0) == 0x80)
			to++;
	}
	if (from > 0)
		buf_puts(out, "...");
	uint32_t at = from;
	for (size_t m = 0; m < c.nmarks; m++) {
		if (c.marks[m].start < at || c.marks[m].end > to)
			continue;
		buf_put(out, t + at, c.marks[m].start - at);
		buf_puts(out, open);
		buf_put(out, t + c.marks[m].start, c.marks[m].end - c.marks[m].start);
		buf_puts(out, close);
		at = c.marks[m].end;
	}
	buf_put(out, t + at, to - at);
	if (to < len)
		buf_puts(out, "...");
	doc_release(&d);
	return NL_OK;
}
