/*
 * search.h — run queries against the archive: ranked top-k, every match
 * (for volume and timelines), snippets.
 *
 * A query (qparse.h) is compiled per segment into a tree of iterators over
 * posting lists (terms, phrases, conjunctions, disjunctions, exclusions) and
 * predicates (source:, date:, --from/--to/--source) checked on candidates.
 * Scores are BM25 over title and body with the title weighted (a BM25F-style
 * blend: tf = W*tf_title + tf_body, length = W*title + body); phrases score
 * as one term whose frequency is the phrase count and whose IDF is the sum of
 * its words'; a prefix (sanction*) as one term whose frequency sums those of
 * all the words that begin with it and whose document frequency counts the
 * documents holding any of them (as FTS5 scores a prefix). Statistics (document count, frequencies, average length) are
 * archive-wide, so scores do not depend on how documents fell into segments.
 *
 * Story groups: unless opts.copies is set, a story's syndicated copies count
 * once: a group is represented in the results by its best-scoring matching
 * copy, and total counts groups.
 *
 * Top k with dynamic pruning: a ranked run keeps the best k + offset groups
 * in a heap as it goes; once SEARCH_EXACT_TOTAL groups have matched, the
 * heap's worst score is a threshold no newcomer can win at. A disjunction is
 * then run MaxScore-style (terms whose upper bounds together stay under the
 * threshold are only probed for documents the other terms bring), and any
 * query skips whole posting blocks whose block-max bound stays under it. The
 * hits are exactly those of exhaustive evaluation (same documents, same
 * scores, same order); only total becomes a lower bound (total_exact false).
 *
 * Words of an OR (SHOULD clauses) that are English stopwords ("the", "of",
 * Lucene's English stop set) are dropped when the same boolean has another
 * scoring clause; in phrases, AND and alone they are kept.
 *
 * A searcher is used by one thread at a time; it keeps scratch memory sized
 * to the archive between queries.
 */
#ifndef NL_SEARCH_H
#define NL_SEARCH_H

#include "index/archive.h"
#include "query/qparse.h"

struct search_opts {
	int32_t from, to;     /* inclusive day range; NL_NODAY = open end */
	const char *source;   /* host filter (as source:), NULL = any */
	size_t k, offset;     /* hits wanted after skipping offset */
	bool copies;          /* count every copy of a story (no collapsing) */
	bool exhaustive;      /* score every match (no pruning): total always exact */
};

/* Matches counted exactly before pruning may begin (Lucene's default too). */
#define SEARCH_EXACT_TOTAL 1000

void search_opts_init(struct search_opts *o); /* k = 10, everything else open */

struct search_hit {
	uint32_t doc;         /* archive-wide id (0-based) */
	float score;
	uint32_t group;       /* representative of the doc's story group */
	uint32_t copies;      /* documents in the story group, the hit included */
};

struct search_result {
	uint64_t total;       /* matching documents (groups unless copies); when
	                       * total_exact is false a lower bound (>= SEARCH_EXACT_TOTAL) */
	bool total_exact;     /* false when pruning skipped documents that may match */
	struct search_hit *hits;
	size_t nhits;
	size_t cap;
};

struct searcher;

struct searcher *searcher_new(struct archive *a);
void searcher_free(struct searcher *s);
void search_result_release(struct search_result *r);

/* Parse and run a ranked query. On a query error returns NL_EINVAL/NL_EEMPTY/
 * NL_ETOOBIG with the parser's message ("query: column 14: ...") in err;
 * NL_ECORRUPT on a damaged archive. */
int searcher_run(struct searcher *s, const char *q, size_t qlen, const struct search_opts *o,
		 struct search_result *res, char *err, size_t errcap);

/* Call fn for every matching document in id order (after collapsing copies
 * unless o->copies: then only each group's first matching copy is passed).
 * Ranking is skipped. Returns as searcher_run. */
int searcher_match(struct searcher *s, const char *q, size_t qlen, const struct search_opts *o,
		   void (*fn)(void *ctx, uint32_t doc), void *ctx, char *err, size_t errcap);

/* Append a snippet of doc for the last query run: the sentence that holds
 * the most (IDF-weighted) query terms, cut to about max_bytes around the
 * first match, with matched words between open and close. */
int searcher_snippet(struct searcher *s, uint32_t doc, size_t max_bytes, const char *open,
		     const char *close, struct buf *out);

#endif
