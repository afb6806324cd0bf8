/*
 * tls_metric.h — the timeline summarisation metrics of tilse (Martschat &
 * Markert 2017, 2018) as used by the TLS literature, exactly.
 *
 * A timeline is a set of dates, each with a short summary (sentences).
 * A predicted timeline is scored against one or more reference timelines
 * with ROUGE-1 and ROUGE-2 (ROUGE-1.5.5 counts, -m -s, see rouge.h) under
 * five ways of pairing dates:
 *
 *   TLS_CONCAT        all summaries of a timeline concatenated in date order;
 *   TLS_AGREEMENT     only summaries of identical dates are compared;
 *   TLS_ALIGN         dates aligned 1:1 by an optimal assignment on date
 *                     distance, matches weighted by 1/(|days apart| + 1);
 *   TLS_ALIGN_PLUS    as TLS_ALIGN, the assignment cost also uses content
 *                     overlap (an approximate ROUGE-1 F1 on raw tokens);
 *   TLS_ALIGN_PLUS_M1 as TLS_ALIGN_PLUS, but every date goes to its cheapest
 *                     partner (many-to-one). Reported as AR-1 / AR-2.
 *
 * plus date selection precision / recall / F1 (tls_date_prf).
 *
 * With several references, the reference dates are the union of their
 * dates and every reference takes part in every comparison (a reference
 * without the date contributes an empty model), as in tilse. Optimal
 * assignments follow scipy's linear_sum_assignment (shortest augmenting
 * path, same tie-breaking), so scores match the published tooling.
 * Where tilse divides by zero (empty timelines) the score is 0.
 */
#ifndef NL_TLS_METRIC_H
#define NL_TLS_METRIC_H

#include "util/common.h"
#include "timeline/rouge.h"

/* One date of a timeline: a view, the metric never owns or changes text. */
struct tls_date {
	int32_t day;                /* util/day.h day number */
	const struct nl_str *sents; /* nsents sentences */
	size_t nsents;
};

/* A timeline: dates in any order, each day at most once. */
struct tls_timeline {
	const struct tls_date *dates;
	size_t ndates;
};

struct tls_prf {
	double precision, recall, f_score;
};

struct tls_rouge_prf {
	struct tls_prf rouge_1, rouge_2;
};

enum tls_metric {
	TLS_CONCAT,
	TLS_AGREEMENT,
	TLS_ALIGN,
	TLS_ALIGN_PLUS,
	TLS_ALIGN_PLUS_M1,
	TLS_NMETRICS
};

/* tilse's key for a metric: "concat", "agreement", "align_date_costs",
 * "align_date_content_costs", "align_date_content_costs_many_to_one". */
const char *tls_metric_name(enum tls_metric m);

/* Precision and recall with F1 (0 when both are 0). */
struct tls_prf tls_prf_make(double precision, double recall);

/* Score pred against refs[0..nrefs) with one metric. Returns 0 and fills
 * *out; NL_EINVAL when nrefs is 0 or a timeline lists a day twice. */
int tls_eval(const struct rouge_lang *lang, const struct tls_timeline *pred,
	     const struct tls_timeline *refs, size_t nrefs, enum tls_metric m,
	     struct tls_rouge_prf *out);

/* All five metrics at once (tokenises each summary once). out is indexed by
 * enum tls_metric. Errors as tls_eval. */
int tls_eval_all(const struct rouge_lang *lang, const struct tls_timeline *pred,
		 const struct tls_timeline *refs, size_t nrefs,
		 struct tls_rouge_prf out[TLS_NMETRICS]);

/* Date selection: precision = shared / predicted dates, recall = shared /
 * reference dates (union over refs), F1. Zero where a set is empty, and
 * all zero for input tls_eval rejects (nrefs 0, a repeated day). */
struct tls_prf tls_date_prf(const struct tls_timeline *pred, const struct tls_timeline *refs,
			    size_t nrefs);

/* The alignment cost matrix tilse builds for precision: row i = i-th
 * predicted day in ascending order, column j = j-th reference day
 * (ascending, union over refs); cost = (1 - 1/(|days apart| + 1)), times
 * (1 - approximate ROUGE-1 F1) when content is true. The recall matrix is
 * its transpose. On success *cost is a malloc'd npred*nref row-major array
 * (free it) and the sizes are stored; NULL when either side is empty.
 * Errors as tls_eval. */
int tls_align_costs(const struct tls_timeline *pred, const struct tls_timeline *refs,
		    size_t nrefs, bool content, double **cost, size_t *npred, size_t *nref);

/* Optimal assignment of the rows of the nr x nc matrix cost (row-major)
 * to distinct columns, minimising the sum, with scipy's tie-breaking.
 * Writes min(nr, nc) pairs, ordered by row, to rows[] and cols[] (room for
 * min(nr, nc) each) and returns their number. */
size_t tls_assign(const double *cost, size_t nr, size_t nc, size_t *rows, size_t *cols);

#endif
