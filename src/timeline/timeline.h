/*
 * timeline.h — build an event timeline from archive documents: the key
 * dates of a story and, for each, a few sentences taken from the articles.
 *
 *     struct timeline_opts o;
 *     timeline_opts_init(&o);
 *     o.dates = 10; o.per_date = 1;            // or 0: chosen from the data
 *     struct timeline tl;
 *     int rc = timeline_build(archive, ids, nids, &o, &tl);
 *     for (size_t i = 0; i < tl.nentries; i++) ... tl.entries[i] ...
 *     timeline_release(&tl);
 *
 * Two methods (docs/TIMELINE.md describes both and their measured scores):
 *
 *   TIMELINE_DATEWISE  a faithful re-implementation of DATEWISE (Gholipour
 *                      Ghalandari & Ifrim, ACL 2020) as its published code
 *                      runs it: day-level date mentions rank the dates
 *                      (mention count, or the linear date ranker), sentences
 *                      mentioning a date plus early sentences of articles
 *                      published on it or the day after are the candidates,
 *                      filtered at the knee of their similarity to the date's
 *                      centroid, and a greedy TF-IDF centroid summariser picks
 *                      K of them. Reproduces the published code's output on
 *                      ../shared/vectors/tls-metric/newstls-toy.
 *   TIMELINE_NEWSLINE  the same pipeline with what measured better on
 *                      Timeline17 (see the design comment of timeline.c).
 *
 * The inputs are stored documents: their sentences and the resolved date
 * mentions that `newsline add` found. Nothing is re-tagged.
 */
#ifndef NL_TIMELINE_H
#define NL_TIMELINE_H

#include "index/archive.h"
#include "util/common.h"
#include "util/day.h"

enum timeline_method {
	TIMELINE_DATEWISE = 0,
	TIMELINE_NEWSLINE = 1,
};

/* Coefficients of the linear date ranker: score = c[0] + sum c[1+i] * f_i
 * over the features of a candidate date, each L2-normalised over all the
 * candidates of the collection: sentences mentioning it (in total, in
 * articles published later, earlier), articles mentioning it (the same
 * three), articles published on it — the seven of DATEWISE — then articles
 * published the day after, the square root of articles mentioning it,
 * articles mentioning it in their first three sentences, and sentences of
 * later articles that name it with a number ("April 20", not "Tuesday"). */
#define TIMELINE_RANKER_COEFS 12
#define TIMELINE_PUBLISHED_COEFS 8 /* DATEWISE's: intercept and seven features */

struct timeline_opts {
	enum timeline_method method;
	size_t dates;       /* L: dates in the timeline; 0 = chosen from the data */
	size_t per_date;    /* K: sentences per date; 0 = chosen from the data */
	int32_t from, to;   /* dates kept in the timeline; NL_NODAY = no bound */
	int32_t pub_from, pub_to; /* publication days of the documents used;
	                           * NL_NODAY = no bound */
	const char *const *keywords; /* a summary sentence must contain one of them
	                              * (ASCII case-insensitive substring); NULL = none */
	size_t nkeywords;
	/* Ignore keywords found in fewer than one in ten of the input
	 * documents (the Timeline17 keywords "bpoil", "EgyptianProtest", "MJ"
	 * are folder names that articles do not contain, or once by chance);
	 * without any left, no keyword filter. */
	bool keywords_if_present;
	/* Linear date ranker (TIMELINE_RANKER_COEFS numbers, copied) or NULL for
	 * the unsupervised mention-count ranker. */
	const double *ranker;
	/* TIMELINE_NEWSLINE: count syndicated copies like other articles. */
	bool keep_copies;
};

/* The linear date ranker used when no other is given: fitted on all of
 * Timeline17 (19 timelines) with the features above. */
extern const double timeline_default_ranker[TIMELINE_RANKER_COEFS];

/* method TIMELINE_NEWSLINE, L and K from the data, no bounds, no keywords,
 * ranker timeline_default_ranker. */
void timeline_opts_init(struct timeline_opts *o);

/* One summary sentence. text is owned by the timeline. */
struct timeline_sent {
	struct nl_str text;
	uint32_t doc;       /* archive document id, 0-based */
	uint32_t sent;      /* sentence index within the document */
};

struct timeline_entry {
	int32_t day;
	uint32_t rank;      /* 0 = the best ranked date */
	size_t nsents;
	struct timeline_sent *sents;
};

struct timeline {
	struct timeline_entry *entries; /* ascending by day */
	size_t nentries;
	size_t dates, per_date;         /* L and K used */
	int32_t from, to;               /* first and last publication day of the
	                                 * documents used (NL_NODAY if none) */
	size_t ndocs;                   /* documents used (in span, copies counted once) */
	size_t ncopies;                 /* documents dropped as syndicated copies */
	size_t ncandidates;             /* candidate dates in the span */
	size_t nkeywords_used;          /* keywords applied (see keywords_if_present) */
	/* storage (private) */
	char *text;
	struct timeline_sent *sentv;
};

/*
 * Build a timeline from archive documents docs[0..ndocs) (0-based ids; the
 * order is the collection order, which breaks ties: pass them by
 * publication day). Undated documents and documents published outside
 * [o->pub_from, o->pub_to] are ignored. On success fills *out (release with
 * timeline_release; it holds copies of the text, so the archive may be
 * closed) and returns NL_OK; a timeline may have no entries. Errors: what
 * archive_doc returns (NL_ECORRUPT, with the message in a->err) and
 * NL_EINVAL for an id out of range; on error *out holds nothing.
 */
int timeline_build(struct archive *a, const uint32_t *docs, size_t ndocs,
		   const struct timeline_opts *o, struct timeline *out);
void timeline_release(struct timeline *t);

/* A candidate date with its normalised ranker features. */
struct timeline_cand {
	int32_t day;
	double f[TIMELINE_RANKER_COEFS - 1];
};

/* The candidate dates that timeline_build would rank for these inputs (in
 * [o->from, o->to]), in order of first mention, for training a ranker.
 * *out is a new array of *n (free() it). Errors as timeline_build. */
int timeline_candidates(struct archive *a, const uint32_t *docs, size_t ndocs,
			const struct timeline_opts *o, struct timeline_cand **out, size_t *n);

/* Fit ranker coefficients by ridge-regularised least squares (the
 * intercept is not penalised) on ngroups candidate sets, sets[g][0..nsets[g])
 * with target labels[g][i] (1 = a reference date, 0 = not). */
void timeline_ranker_fit(const struct timeline_cand *const *sets, const size_t *nsets,
			 const double *const *labels, size_t ngroups, double ridge,
			 double coef[TIMELINE_RANKER_COEFS]);

/*
 * Read the coefficients of the date ranker for one held-out topic from a
 * datewise_date_ranker_coefs.tsv file (columns dataset, held_out_topic,
 * intercept, then the seven coefficients; the ranker's further coefficients
 * are set to 0). topic matches when it equals the
 * file's held_out_topic or starts with it, ASCII case-insensitively
 * ("EgyptianProtest" -> egypt, "bpoil_bbc" -> bpoil). Errors: NL_ENOTFOUND /
 * NL_EIO for the file, NL_ENOTFOUND when no row matches, NL_EINVAL for a
 * malformed row. On success stores the fold's name (up to namecap bytes,
 * NUL terminated) when name is non-NULL.
 */
int timeline_ranker_load(const char *path, const char *dataset, const char *topic,
			 double coef[TIMELINE_RANKER_COEFS], char *name, size_t namecap);

#endif
