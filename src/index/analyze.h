/*
 * analyze.h — turn an ingested record into what the archive stores.
 *
 * analyze_record() repairs the text (UTF-8), finds paragraphs, rejects
 * records with no article in them, fills defaults for a missing title, URL or
 * source, splits sentences, tokenizes the title and body into index terms
 * with positions, and encodes the stored record (doc.h). The result is a
 * struct seg_wdoc ready for seg_writer_add(), valid until the next call:
 * the terms' bytes one after the other in term order (term_bytes,
 * nterm_bytes of them), and their positions likewise (positions),
 * title_len + body_len of them in all (a position per token), as
 * pipeline.c's packing counts on.
 *
 * Problems are reported through ingest_report() with the record's file and
 * line, so every message has the same shape.
 *
 * One analyzer per thread (it owns a tokenizer and scratch buffers).
 */
#ifndef NL_ANALYZE_H
#define NL_ANALYZE_H

#include "index/doc.h"
#include "index/segment.h"
#include "ingest/ingest.h"

struct analyzer;

struct analyzer *analyzer_new(void);
void analyzer_free(struct analyzer *a);

/* Analyse r. Returns NL_OK and fills *out, or a skip: NL_EEMPTY (no text) or
 * NL_EINVAL (binary junk); the reason has been reported and counted in ig.
 * Warnings (bad UTF-8, missing title/URL) are reported and counted, and the
 * record is kept. */
int analyze_record(struct analyzer *a, struct ingest *ig, const struct rec *r,
		   struct seg_wdoc *out);

/* Split free text into paragraphs by its layout: blank lines separate
 * paragraphs when there are any; otherwise indented lines start paragraphs
 * when at least two lines are indented (hard-wrapped newswire); otherwise each
 * line is a paragraph. Spans are appended to *out. */
struct span;
size_t analyze_paragraphs(const char *text, size_t len, bool lines, struct nl_str **out,
			  size_t *n, size_t *cap, struct buf *joined);

#endif
