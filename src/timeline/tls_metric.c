/*
 * tls_metric.c — tilse's timeline ROUGE variants and date F1, in C.
 *
 * Why by hand: this is the yardstick of the timeline feature; the numbers
 * must equal the published tooling (tilse + pyrouge + ROUGE-1.5.5.pl +
 * scipy), which is a Python/Perl pipeline that writes HTML files per date
 * pair and takes seconds per timeline. Here every summary is tokenised once
 * and each comparison is a merge of sorted n-gram arrays.
 *
 * Structure: struct eval holds, for the sorted predicted days and the
 * sorted union of reference days, the ROUGE token documents (rouge_doc) and
 * the raw whitespace tokens (for the content cost). Each metric walks
 * these and accumulates numerators / denominators in the order tilse
 * appends them to its lists, so even the floating-point sums agree.
 *
 * How tilse computes each variant (tilse/evaluation/rouge.py), restated:
 *  - one ROUGE call = peer summary vs the summaries of *all* references at
 *    a date (absent ones empty); counts summed over references; precision
 *    adds the peer's n-gram count once per reference;
 *  - concat: one call, all sentences in date order;
 *  - agreement: for every day in either side: predicted days add
 *    (hit, peer), reference days add (hit, model);
 *  - align / align+ / align+ m:1: an assignment on the precision matrix
 *    (rows = predicted days) and another on the recall matrix (rows =
 *    reference days); a matched pair adds hit / (|days apart| + 1) and the
 *    peer (resp. model) count; an unmatched predicted day adds its peer
 *    count against empty models, an unmatched reference day its model
 *    count against an empty peer;
 *  - align+ costs use "compute_rouge_approximation": raw str.split()
 *    tokens minus those found in string.punctuation, match = sum over references of clipped counts, precision
 *    denominator = #references * predicted tokens;
 *  - m:1 takes, for every row, the first column of minimal cost.
 */
#include "timeline/tls_metric.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *tls_metric_name(enum tls_metric m)
{
	switch (m) {
	case TLS_CONCAT: return "concat";
	case TLS_AGREEMENT: return "agreement";
	case TLS_ALIGN: return "align_date_costs";
	case TLS_ALIGN_PLUS: return "align_date_content_costs";
	case TLS_ALIGN_PLUS_M1: return "align_date_content_costs_many_to_one";
	default: return "?";
	}
}

struct tls_prf tls_prf_make(double p, double r)
{
	struct tls_prf x = { p, r, 0 };
	if (p + r != 0)
		x.f_score = 2 * p * r / (p + r);
	return x;
}

/* ========================================================================== */
/* linear sum assignment (shortest augmenting path, Crouse 2016)              */
/* ========================================================================== */

/*
 * The algorithm scipy.optimize.linear_sum_assignment uses, with the same
 * scan order and tie rule so that equal-cost optima resolve the same way:
 * columns are scanned from a list filled in reverse order and shrunk by
 * swap-with-last; among equal path costs a free column wins.
 * Requires nr <= nc. col4row[i] receives the column of row i.
 */
struct lsap {
	size_t nr, nc;
	const double *cost;
	double *u, *v, *spc;
	ptrdiff_t *path, *row4col, *col4row;
	size_t *remaining;
	bool *sr, *sc;
};

static ptrdiff_t lsap_augment(struct lsap *s, size_t i, double *pmin)
{
	double minval = 0;
	size_t nrem = s->nc;
	for (size_t it = 0; it < s->nc; it++)
		s->remaining[it] = s->nc - it - 1;
	memset(s->sr, 0, s->nr * sizeof(bool));
	memset(s->sc, 0, s->nc * sizeof(bool));
	for (size_t j = 0; j < s->nc; j++)
		s->spc[j] = INFINITY;

	ptrdiff_t sink = -1;
	while (sink == -1) {
		size_t index = 0;
		bool found = false;
		double lowest = INFINITY;
		s->sr[i] = true;
		for (size_t it = 0; it < nrem; it++) {
			size_t j = s->remaining[it];
			double r = minval + s->cost[i * s->nc + j] - s->u[i] - s->v[j];
			if (r < s->spc[j]) {
				s->path[j] = (ptrdiff_t)i;
				s->spc[j] = r;
			}
			if (s->spc[j] < lowest || (s->spc[j] == lowest && s->row4col[j] == -1)) {
				lowest = s->spc[j];
				index = it;
				found = true;
			}
		}
		minval = lowest;
		if (!found || minval == INFINITY)
			return -1;
		size_t j = s->remaining[index];
		if (s->row4col[j] == -1)
			sink = (ptrdiff_t)j;
		else
			i = (size_t)s->row4col[j];
		s->sc[j] = true;
		s->remaining[index] = s->remaining[--nrem];
	}
	*pmin = minval;
	return sink;
}

static int lsap_solve(const double *cost, size_t nr, size_t nc, ptrdiff_t *col4row)
{
	struct lsap s = { nr, nc, cost, NULL, NULL, NULL, NULL, NULL, col4row, NULL, NULL, NULL };
	s.u = xcalloc(nr, sizeof(double));
	s.v = xcalloc(nc, sizeof(double));
	s.spc = xcalloc(nc, sizeof(double));
	s.path = xmalloc(nc * sizeof(ptrdiff_t));
	s.row4col = xmalloc(nc * sizeof(ptrdiff_t));
	s.remaining = xmalloc(nc * sizeof(size_t));
	s.sr = xcalloc(nr, sizeof(bool));
	s.sc = xcalloc(nc, sizeof(bool));
	for (size_t j = 0; j < nc; j++)
		s.path[j] = s.row4col[j] = -1;
	for (size_t i = 0; i < nr; i++)
		col4row[i] = -1;

	int rc = 0;
	for (size_t cur = 0; cur < nr; cur++) {
		double minval;
		ptrdiff_t sink = lsap_augment(&s, cur, &minval);
		if (sink < 0) {
			rc = -1;
			break;
		}
		s.u[cur] += minval;
		for (size_t i = 0; i < nr; i++)
			if (s.sr[i] && i != cur)
				s.u[i] += minval - s.spc[col4row[i]];
		for (size_t j = 0; j < nc; j++)
			if (s.sc[j])
				s.v[j] -= minval - s.spc[j];
		ptrdiff_t j = sink;
		for (;;) {
			ptrdiff_t i = s.path[j];
			s.row4col[j] = i;
			ptrdiff_t t = col4row[i];
			col4row[i] = j;
			j = t;
			if ((size_t)i == cur)
				break;
		}
	}
	free(s.u);
	free(s.v);
	free(s.spc);
	free(s.path);
	free(s.row4col);
	free(s.remaining);
	free(s.sr);
	free(s.sc);
	return rc;
}

size_t tls_assign(const double *cost, size_t nr, size_t nc, size_t *rows, size_t *cols)
{
	if (nr == 0 || nc == 0)
		return 0;
	bool transpose = nc < nr;
	size_t r = transpose ? nc : nr, c = transpose ? nr : nc;
	double *m = xmalloc(r * c * sizeof(double));
	for (size_t i = 0; i < r; i++)
		for (size_t j = 0; j < c; j++)
			m[i * c + j] = transpose ? cost[j * nc + i] : cost[i * nc + j];
	ptrdiff_t *col4row = xmalloc(r * sizeof(ptrdiff_t));
	size_t k = 0;
	if (lsap_solve(m, r, c, col4row) == 0) {
		if (!transpose) {
			for (size_t i = 0; i < r; i++) {
				rows[k] = i;
				cols[k++] = (size_t)col4row[i];
			}
		} else {
			/* pairs (original row = col4row[i], original col = i), by row */
			ptrdiff_t *byrow = xmalloc(nr * sizeof(ptrdiff_t));
			for (size_t i = 0; i < nr; i++)
				byrow[i] = -1;
			for (size_t i = 0; i < r; i++)
				byrow[col4row[i]] = (ptrdiff_t)i;
			for (size_t i = 0; i < nr; i++) {
				if (byrow[i] >= 0) {
					rows[k] = i;
					cols[k++] = (size_t)byrow[i];
				}
			}
			free(byrow);
		}
	}
	free(col4row);
	free(m);
	return k;
}

/* ========================================================================== */
/* raw tokens (Python str.split) for the content cost                         */
/* ========================================================================== */

/* Length of the Python-whitespace character at p (0 if none): ASCII
 * \t\n\v\f\r, \x1c-\x1f, space, and in UTF-8 U+0085, U+00A0, U+1680,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. */
static size_t py_space(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	if ((c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20))
		return 1;
	if (c == 0xc2 && end - p >= 2 && (p[1] == 0x85 || p[1] == 0xa0))
		return 2;
	if (end - p >= 3) {
		if (c == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
			return 3;
		if (c == 0xe2 && p[1] == 0x80 &&
		    (p[2] <= 0x8a ? p[2] >= 0x80 : (p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf)))
			return 3;
		if (c == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
			return 3;
		if (c == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
			return 3;
	}
	return 0;
}

struct idvec {
	uint32_t *v;
	size_t n, cap;
};

static void idvec_push(struct idvec *a, uint32_t id)
{
	a->v = xgrow(a->v, &a->cap, a->n + 1, sizeof(*a->v));
	a->v[a->n++] = id;
}

/* tilse drops a token when `token in string.punctuation` — a substring test
 * on "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", so "." and "()" go, "''" stays. */
static bool in_punctuation(const char *t, size_t n)
{
	static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
	size_t np = sizeof(punct) - 1;
	for (size_t i = 0; n <= np && i + n <= np; i++)
		if (memcmp(punct + i, t, n) == 0)
			return true;
	return false;
}

static void raw_split(struct rouge_vocab *voc, const char *s, size_t n, struct idvec *out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		size_t k;
		while (p < end && (k = py_space(p, end)) > 0)
			p += k;
		const unsigned char *st = p;
		while (p < end && py_space(p, end) == 0)
			p++;
		if (p > st && !in_punctuation((const char *)st, (size_t)(p - st)))
			idvec_push(out, rouge_vocab_id(voc, (const char *)st, (size_t)(p - st)));
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Sum over distinct ids of min(count in a, count in b); a, b sorted. */
static int64_t clipped_u32(const struct idvec *a, const struct idvec *b)
{
	int64_t hit = 0;
	size_t i = 0, j = 0;
	while (i < a->n && j < b->n) {
		if (a->v[i] < b->v[j]) {
			i++;
		} else if (a->v[i] > b->v[j]) {
			j++;
		} else {
			uint32_t key = a->v[i];
			size_t ca = 0, cb = 0;
			while (i < a->n && a->v[i] == key)
				i++, ca++;
			while (j < b->n && b->v[j] == key)
				j++, cb++;
			hit += (int64_t)NL_MIN(ca, cb);
		}
	}
	return hit;
}

/* ========================================================================== */
/* evaluation state                                                           */
/* ========================================================================== */

struct eval {
	const struct rouge_lang *lang;
	struct rouge_vocab *voc, *rawvoc;
	size_t nrefs;
	/* predicted days, ascending; pdoc / praw per day */
	int32_t *pdays;
	size_t np;
	const struct tls_date **pdate;
	struct rouge_doc *pdoc;
	struct idvec *praw;
	/* reference days (union), ascending; rdoc / rraw [day * nrefs + ref] */
	int32_t *rdays;
	size_t nr;
	const struct tls_date **rdate;
	struct rouge_doc *rdoc;
	struct idvec *rraw;
};

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static int cmp_date_ptr(const void *a, const void *b)
{
	const struct tls_date *x = *(const struct tls_date *const *)a;
	const struct tls_date *y = *(const struct tls_date *const *)b;
	return (x->day > y->day) - (x->day < y->day);
}

/* Dates of tl sorted by day into a new array; NL_EINVAL on a repeated day. */
static int sorted_dates(const struct tls_timeline *tl, const struct tls_date ***out)
{
	const struct tls_date **d = xmalloc((tl->ndates ? tl->ndates : 1) * sizeof(*d));
	for (size_t i = 0; i < tl->ndates; i++)
		d[i] = &tl->dates[i];
	qsort(d, tl->ndates, sizeof(*d), cmp_date_ptr);
	for (size_t i = 1; i < tl->ndates; i++) {
		if (d[i]->day == d[i - 1]->day) {
			free(d);
			return NL_EINVAL;
		}
	}
	*out = d;
	return NL_OK;
}

static ptrdiff_t find_day(const int32_t *days, size_t n, int32_t day)
{
	const int32_t *p = bsearch(&day, days, n, sizeof(*days), cmp_i32);
	return p ? p - days : -1;
}

static void summary_docs(struct eval *e, const struct tls_date *d, struct rouge_doc *doc,
			 struct idvec *raw, bool want_raw)
{
	rouge_doc_init(doc);
	if (!d)
		return;
	for (size_t s = 0; s < d->nsents; s++) {
		rouge_doc_add_see(doc, e->lang, e->voc, d->sents[s].p, d->sents[s].n);
		if (want_raw)
			raw_split(e->rawvoc, d->sents[s].p, d->sents[s].n, raw);
	}
	if (want_raw)
		if (raw->n > 1)
			qsort(raw->v, raw->n, sizeof(*raw->v), cmp_u32);
}

static void eval_release(struct eval *e)
{
	for (size_t i = 0; i < e->np; i++) {
		if (e->pdoc)
			rouge_doc_release(&e->pdoc[i]);
		if (e->praw)
			free(e->praw[i].v);
	}
	for (size_t i = 0; i < e->nr * e->nrefs; i++) {
		if (e->rdoc)
			rouge_doc_release(&e->rdoc[i]);
		if (e->rraw)
			free(e->rraw[i].v);
	}
	free(e->pdays);
	free(e->pdate);
	free(e->pdoc);
	free(e->praw);
	free(e->rdays);
	free(e->rdate);
	free(e->rdoc);
	free(e->rraw);
	rouge_vocab_free(e->voc);
	rouge_vocab_free(e->rawvoc);
	memset(e, 0, sizeof(*e));
}

/* Build the state. with_docs false: days only (date costs, date F1);
 * lang may then be NULL. */
static int eval_init(struct eval *e, const struct rouge_lang *lang,
		     const struct tls_timeline *pred, const struct tls_timeline *refs,
		     size_t nrefs, bool with_docs)
{
	memset(e, 0, sizeof(*e));
	if (nrefs == 0)
		return NL_EINVAL;
	e->lang = lang;
	e->nrefs = nrefs;
	int rc = sorted_dates(pred, &e->pdate);
	if (rc != NL_OK)
		return rc;
	e->np = pred->ndates;
	e->pdays = xmalloc((e->np ? e->np : 1) * sizeof(int32_t));
	for (size_t i = 0; i < e->np; i++)
		e->pdays[i] = e->pdate[i]->day;

	/* union of reference days */
	size_t total = 0;
	for (size_t r = 0; r < nrefs; r++) {
		const struct tls_date **tmp;
		rc = sorted_dates(&refs[r], &tmp); /* checks repeated days */
		if (rc != NL_OK) {
			eval_release(e);
			return rc;
		}
		free(tmp);
		total += refs[r].ndates;
	}
	e->rdays = xmalloc((total ? total : 1) * sizeof(int32_t));
	for (size_t r = 0, k = 0; r < nrefs; r++)
		for (size_t i = 0; i < refs[r].ndates; i++)
			e->rdays[k++] = refs[r].dates[i].day;
	qsort(e->rdays, total, sizeof(int32_t), cmp_i32);
	for (size_t i = 0; i < total; i++)
		if (e->nr == 0 || e->rdays[e->nr - 1] != e->rdays[i])
			e->rdays[e->nr++] = e->rdays[i];

	/* reference summaries per (day, ref); NULL where a ref lacks the day */
	e->rdate = xcalloc((e->nr ? e->nr : 1) * nrefs, sizeof(*e->rdate));
	for (size_t r = 0; r < nrefs; r++) {
		for (size_t i = 0; i < refs[r].ndates; i++) {
			ptrdiff_t k = find_day(e->rdays, e->nr, refs[r].dates[i].day);
			e->rdate[(size_t)k * nrefs + r] = &refs[r].dates[i];
		}
	}
	if (!with_docs)
		return NL_OK;

	e->voc = rouge_vocab_new();
	e->rawvoc = rouge_vocab_new();
	e->pdoc = xcalloc(e->np ? e->np : 1, sizeof(*e->pdoc));
	e->praw = xcalloc(e->np ? e->np : 1, sizeof(*e->praw));
	for (size_t i = 0; i < e->np; i++)
		summary_docs(e, e->pdate[i], &e->pdoc[i], &e->praw[i], true);
	size_t nrd = e->nr * nrefs;
	e->rdoc = xcalloc(nrd ? nrd : 1, sizeof(*e->rdoc));
	e->rraw = xcalloc(nrd ? nrd : 1, sizeof(*e->rraw));
	for (size_t i = 0; i < nrd; i++)
		summary_docs(e, e->rdate[i], &e->rdoc[i], &e->rraw[i], true);
	return NL_OK;
}

/* ========================================================================== */
/* accumulation                                                               */
/* ========================================================================== */

/* Numerators and denominators for ROUGE-1 and ROUGE-2. */
struct acc {
	double pnum[2], pden[2], rnum[2], rden[2];
};

static struct tls_rouge_prf acc_finish(const struct acc *a)
{
	struct tls_rouge_prf out;
	struct tls_prf *o[2] = { &out.rouge_1, &out.rouge_2 };
	for (int n = 0; n < 2; n++) {
		double p = a->pden[n] == 0 ? 0 : a->pnum[n] / a->pden[n];
		double r = a->rden[n] == 0 ? 0 : a->rnum[n] / a->rden[n];
		*o[n] = tls_prf_make(p, r);
	}
	return out;
}

static const struct rouge_doc empty_doc = { NULL, 0, 0 };

/* Counts of peer against the nrefs models at models[0..nrefs) (NULL = all
 * empty). */
static void counts2(const struct eval *e, const struct rouge_doc *peer,
		    const struct rouge_doc *models, struct rouge_counts c[2])
{
	struct rouge_doc *empties = NULL;
	if (!models) {
		empties = xcalloc(e->nrefs, sizeof(*empties));
		models = empties;
	}
	c[0] = rouge_count(peer, models, e->nrefs, 1);
	c[1] = rouge_count(peer, models, e->nrefs, 2);
	free(empties);
}

static void doc_append(struct rouge_doc *d, const struct rouge_doc *s)
{
	d->ids = xgrow(d->ids, &d->cap, d->n + s->n, sizeof(*d->ids));
	if (s->n)
		memcpy(d->ids + d->n, s->ids, s->n * sizeof(*d->ids));
	d->n += s->n;
}

static struct tls_rouge_prf eval_concat(const struct eval *e)
{
	struct rouge_doc peer;
	rouge_doc_init(&peer);
	for (size_t i = 0; i < e->np; i++)
		doc_append(&peer, &e->pdoc[i]);
	struct rouge_doc *models = xcalloc(e->nrefs, sizeof(*models));
	for (size_t r = 0; r < e->nrefs; r++)
		for (size_t i = 0; i < e->nr; i++)
			doc_append(&models[r], &e->rdoc[i * e->nrefs + r]);
	struct rouge_counts c[2];
	counts2(e, &peer, models, c);
	struct acc a;
	memset(&a, 0, sizeof(a));
	for (int n = 0; n < 2; n++) {
		a.pnum[n] = a.rnum[n] = (double)c[n].hit;
		a.pden[n] = (double)c[n].peer;
		a.rden[n] = (double)c[n].model;
	}
	for (size_t r = 0; r < e->nrefs; r++)
		rouge_doc_release(&models[r]);
	free(models);
	rouge_doc_release(&peer);
	return acc_finish(&a);
}

static struct tls_rouge_prf eval_agreement(const struct eval *e)
{
	struct acc a;
	memset(&a, 0, sizeof(a));
	/* all days of either side; order does not change integer sums */
	size_t i = 0, j = 0;
	while (i < e->np || j < e->nr) {
		bool inp = i < e->np && (j >= e->nr || e->pdays[i] <= e->rdays[j]);
		bool inr = j < e->nr && (i >= e->np || e->rdays[j] <= e->pdays[i]);
		const struct rouge_doc *peer = inp ? &e->pdoc[i] : &empty_doc;
		const struct rouge_doc *models = inr ? &e->rdoc[j * e->nrefs] : NULL;
		struct rouge_counts c[2];
		counts2(e, peer, models, c);
		for (int n = 0; n < 2; n++) {
			if (inp) {
				a.pnum[n] += (double)c[n].hit;
				a.pden[n] += (double)c[n].peer;
			}
			if (inr) {
				a.rnum[n] += (double)c[n].hit;
				a.rden[n] += (double)c[n].model;
			}
		}
		i += inp;
		j += inr;
	}
	return acc_finish(&a);
}

/* compute_rouge_approximation: F1 of raw-token overlap of predicted day i
 * with reference day j (all references). */
static double content_f1(const struct eval *e, size_t i, size_t j)
{
	const struct idvec *pr = &e->praw[i];
	int64_t match = 0, rden = 0;
	for (size_t r = 0; r < e->nrefs; r++) {
		const struct idvec *rr = &e->rraw[j * e->nrefs + r];
		match += clipped_u32(pr, rr);
		rden += (int64_t)rr->n;
	}
	int64_t pden = (int64_t)e->nrefs * (int64_t)pr->n;
	double p = pden == 0 ? 0 : (double)match / (double)pden;
	double r = rden == 0 ? 0 : (double)match / (double)rden;
	if (p + r == 0)
		return 0;
	return 2 * p * r / (p + r);
}

static double date_factor(int32_t a, int32_t b)
{
	int64_t d = (int64_t)a - b;
	return 1 - 1 / ((double)(d < 0 ? -d : d) + 1);
}

static double date_weight(int32_t a, int32_t b)
{
	int64_t d = (int64_t)a - b;
	return 1 / ((double)(d < 0 ? -d : d) + 1);
}

/* Precision cost matrix, rows = predicted days, cols = reference days. */
static double *cost_matrix(const struct eval *e, bool content)
{
	double *c = xmalloc((e->np && e->nr ? e->np * e->nr : 1) * sizeof(double));
	for (size_t i = 0; i < e->np; i++) {
		for (size_t j = 0; j < e->nr; j++) {
			double df = date_factor(e->pdays[i], e->rdays[j]);
			c[i * e->nr + j] = content ? df * (1 - content_f1(e, i, j)) : df;
		}
	}
	return c;
}

/* m:1 — for every row the first column of minimal cost (numpy argmin). */
static size_t assign_min(const double *cost, size_t nr, size_t nc, size_t *rows, size_t *cols)
{
	if (nc == 0)
		return 0;
	for (size_t i = 0; i < nr; i++) {
		size_t best = 0;
		for (size_t j = 1; j < nc; j++)
			if (cost[i * nc + j] < cost[i * nc + best])
				best = j;
		rows[i] = i;
		cols[i] = best;
	}
	return nr;
}

static struct tls_rouge_prf eval_align(const struct eval *e, bool content, bool many_to_one)
{
	struct acc a;
	memset(&a, 0, sizeof(a));
	size_t np = e->np, nr = e->nr, nrefs = e->nrefs;
	double *pc = cost_matrix(e, content);
	double *rc = xmalloc((np && nr ? np * nr : 1) * sizeof(double));
	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < nr; j++)
			rc[j * np + i] = pc[i * nr + j];
	size_t most = NL_MAX(np, nr) + 1;
	size_t *rows = xmalloc(most * sizeof(size_t)), *cols = xmalloc(most * sizeof(size_t));
	bool *matched = xcalloc(most, sizeof(bool));
	struct rouge_counts c[2];

	/* precision: rows are predicted days */
	size_t k = many_to_one ? assign_min(pc, np, nr, rows, cols)
			       : tls_assign(pc, np, nr, rows, cols);
	for (size_t t = 0; t < k; t++) {
		size_t i = rows[t], j = cols[t];
		counts2(e, &e->pdoc[i], &e->rdoc[j * nrefs], c);
		double w = date_weight(e->pdays[i], e->rdays[j]);
		for (int n = 0; n < 2; n++) {
			a.pnum[n] += w * (double)c[n].hit;
			a.pden[n] += (double)c[n].peer;
		}
		matched[i] = true;
	}
	for (size_t i = 0; i < np; i++) {
		if (matched[i])
			continue;
		counts2(e, &e->pdoc[i], NULL, c);
		for (int n = 0; n < 2; n++) {
			a.pnum[n] += (double)c[n].hit;
			a.pden[n] += (double)c[n].peer;
		}
	}

	/* recall: rows are reference days */
	memset(matched, 0, most * sizeof(bool));
	k = many_to_one ? assign_min(rc, nr, np, rows, cols) : tls_assign(rc, nr, np, rows, cols);
	for (size_t t = 0; t < k; t++) {
		size_t j = rows[t], i = cols[t];
		counts2(e, &e->pdoc[i], &e->rdoc[j * nrefs], c);
		double w = date_weight(e->pdays[i], e->rdays[j]);
		for (int n = 0; n < 2; n++) {
			a.rnum[n] += w * (double)c[n].hit;
			a.rden[n] += (double)c[n].model;
		}
		matched[j] = true;
	}
	for (size_t j = 0; j < nr; j++) {
		if (matched[j])
			continue;
		counts2(e, &empty_doc, &e->rdoc[j * nrefs], c);
		for (int n = 0; n < 2; n++) {
			a.rnum[n] += (double)c[n].hit;
			a.rden[n] += (double)c[n].model;
		}
	}
	free(rows);
	free(cols);
	free(matched);
	free(pc);
	free(rc);
	return acc_finish(&a);
}

static struct tls_rouge_prf eval_one(const struct eval *e, enum tls_metric m)
{
	switch (m) {
	case TLS_CONCAT: return eval_concat(e);
	case TLS_AGREEMENT: return eval_agreement(e);
	case TLS_ALIGN: return eval_align(e, false, false);
	case TLS_ALIGN_PLUS: return eval_align(e, true, false);
	default: return eval_align(e, true, true);
	}
}

int tls_eval(const struct rouge_lang *lang, const struct tls_timeline *pred,
	     const struct tls_timeline *refs, size_t nrefs, enum tls_metric m,
	     struct tls_rouge_prf *out)
{
	if (m >= TLS_NMETRICS || !lang)
		return NL_EINVAL;
	struct eval e;
	int rc = eval_init(&e, lang, pred, refs, nrefs, true);
	if (rc != NL_OK)
		return rc;
	*out = eval_one(&e, m);
	eval_release(&e);
	return NL_OK;
}

int tls_eval_all(const struct rouge_lang *lang, const struct tls_timeline *pred,
		 const struct tls_timeline *refs, size_t nrefs,
		 struct tls_rouge_prf out[TLS_NMETRICS])
{
	if (!lang)
		return NL_EINVAL;
	struct eval e;
	int rc = eval_init(&e, lang, pred, refs, nrefs, true);
	if (rc != NL_OK)
		return rc;
	for (int m = 0; m < TLS_NMETRICS; m++)
		out[m] = eval_one(&e, (enum tls_metric)m);
	eval_release(&e);
	return NL_OK;
}

struct tls_prf tls_date_prf(const struct tls_timeline *pred, const struct tls_timeline *refs,
			    size_t nrefs)
{
	struct tls_prf zero = { 0, 0, 0 };
	struct eval e;
	if (eval_init(&e, NULL, pred, refs, nrefs, false) != NL_OK)
		return zero;
	size_t shared = 0;
	for (size_t i = 0; i < e.np; i++)
		if (find_day(e.rdays, e.nr, e.pdays[i]) >= 0)
			shared++;
	double p = e.np ? (double)shared / (double)e.np : 0;
	double r = e.nr ? (double)shared / (double)e.nr : 0;
	eval_release(&e);
	return tls_prf_make(p, r);
}

int tls_align_costs(const struct tls_timeline *pred, const struct tls_timeline *refs,
		    size_t nrefs, bool content, double **cost, size_t *npred, size_t *nref)
{
	struct eval e;
	/* the content cost uses raw tokens only; lang is not needed */
	int rc = eval_init(&e, NULL, pred, refs, nrefs, false);
	if (rc != NL_OK)
		return rc;
	if (content) {
		e.rawvoc = rouge_vocab_new();
		e.praw = xcalloc(e.np ? e.np : 1, sizeof(*e.praw));
		e.rraw = xcalloc(e.nr && nrefs ? e.nr * nrefs : 1, sizeof(*e.rraw));
		for (size_t i = 0; i < e.np; i++)
			for (size_t s = 0; s < e.pdate[i]->nsents; s++)
				raw_split(e.rawvoc, e.pdate[i]->sents[s].p, e.pdate[i]->sents[s].n,
					  &e.praw[i]);
		for (size_t i = 0; i < e.nr * nrefs; i++)
			if (e.rdate[i])
				for (size_t s = 0; s < e.rdate[i]->nsents; s++)
					raw_split(e.rawvoc, e.rdate[i]->sents[s].p,
						  e.rdate[i]->sents[s].n, &e.rraw[i]);
		for (size_t i = 0; i < e.np; i++)
			if (e.praw[i].n > 1)
				qsort(e.praw[i].v, e.praw[i].n, sizeof(uint32_t), cmp_u32);
		for (size_t i = 0; i < e.nr * nrefs; i++)
			if (e.rraw[i].n > 1)
				qsort(e.rraw[i].v, e.rraw[i].n, sizeof(uint32_t), cmp_u32);
	}
	*npred = e.np;
	*nref = e.nr;
	*cost = e.np && e.nr ? cost_matrix(&e, content) : NULL;
	eval_release(&e);
	return NL_OK;
}
