/*
 * pipeline.h — analyse records on worker threads, add them in input order.
 *
 * The reader (ingest) runs on the calling thread and hands each record to
 * pipeline_add(), which copies it into the current batch. Full batches
 * (about 2 MiB of text or 1024 records) go to a pool of worker threads that
 * run analyze_record() — UTF-8 repair, paragraphs, sentences, tokenizing,
 * stemming, record encoding — and pack the results. The calling thread takes
 * finished batches strictly in submission order and passes each analysed
 * document to the consume callback (the archive's segment writer), so the
 * archive's content and document numbering do not depend on the thread count.
 *
 * Between the two, an ordering stage (its own thread) sees every analysed
 * document in input order before it is consumed: the archive uses it for
 * the work that depends on all earlier documents but not on the segment
 * writer (the already-present check and near-duplicate detection), so that
 * it overlaps with writing the previous batch.
 *
 * Messages: while a batch is filling, ig->capture points at it, so the
 * reader's messages and the workers' are collected per batch, tagged with the
 * record they concern, and printed in input order when the batch is consumed:
 * output is the same as with one thread.
 */
#ifndef NL_PIPELINE_H
#define NL_PIPELINE_H

#include "index/analyze.h"

struct pipeline;

/* The ordering stage: called for every analysed document in input order, on
 * its own thread when there are workers (so it overlaps with consuming the
 * previous batch). w has no terms (nterms 0): the key, day, lengths, record,
 * source and dedup_prep are set. It appends what it decides about the document to out
 * (opaque bytes the consume callback reads back) and returns 0, or nonzero
 * to stop ingest. */
typedef int (*pipeline_order_fn)(void *ctx, const struct seg_wdoc *w, struct buf *out);
/* consume gets each document with a pointer to its ordering bytes (*ord,
 * which it advances past what it reads); returns 0, or nonzero to stop
 * ingest (the value is passed back). */
typedef int (*pipeline_consume_fn)(void *ctx, const struct seg_wdoc *w, const char **ord);

/* workers: analysis threads; 0 or 1 analyses on the calling thread. */
struct pipeline *pipeline_new(unsigned workers, struct ingest *ig, pipeline_order_fn order,
			      pipeline_consume_fn fn, void *ctx);
/* Copy r into the current batch (ingest emit shape). */
int pipeline_add(struct pipeline *p, const struct rec *r);
/* Analyse and consume everything added; detaches from ig. */
int pipeline_finish(struct pipeline *p);
void pipeline_free(struct pipeline *p);

#endif
