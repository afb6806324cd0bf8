/*
 * dedup.h — find syndicated copies: exact and near-duplicate article bodies.
 *
 * A detector holds one fixed-size sketch per stored document and answers, for
 * each new document, "which earlier document is this a copy of?". Matching
 * looks at the body only (the headline is ignored by design: syndicated copies
 * change it), and does not depend on paragraph order, punctuation, case,
 * non-ASCII characters or boilerplate lines (bylines, "related stories",
 * editor's notes, copyright lines, short lines). See docs/DEDUP.md for the
 * method, the measured thresholds and where the line between "copy" and
 * "different article on the same story" is drawn.
 *
 * Typical use by the archive:
 *
 *   add:   rep = dedup_add(d, id, title, body, len);    (rep == id: new story)
 *          ...or, to keep the sketch on disk:
 *          dedup_sketch(d, body, len, blob); rep = dedup_load(d, id, blob, sizeof blob);
 *   open:  for each stored document, in the order they were added:
 *          dedup_load(d, id, blob, sizeof blob);
 *          ...or d = dedup_restore(saved state) and load only the later ones
 *
 * Replaying dedup_load() over the stored sketches in the original order
 * rebuilds exactly the detector (and the representatives) that dedup_add()
 * built, without reading any text.
 *
 * A detector is not thread-safe: one thread uses it at a time. dedup_sketch()
 * only reads it, but what it reads (the learned boilerplate) changes with
 * every load, so sketch in the thread that loads (dedup_add does both, about
 * 25-50 us per article); dedup_sketch(NULL, ...) is a pure function that any
 * thread may call, at the price of leaving learned boilerplate in. To spread
 * the work over threads and still get the detector's sketch, split it:
 *
 *   any thread:         dedup_prepare(body, len, &prep);
 *   the loading thread: dedup_sketch_prepared(d, prep.p, prep.n, blob);
 *                       rep = dedup_load(d, id, blob, sizeof blob);
 *
 * The second step is the cheap part (a few hash-set lookups per line, and the
 * signature recomputed from the prepared shingles only when a line is learned
 * boilerplate); the blob is byte-identical to dedup_sketch()'s.
 */
#ifndef NL_DEDUP_H
#define NL_DEDUP_H

#include "util/common.h"

/* MinHash values per sketch. */
#define DEDUP_K 128

/*
 * Sketch blob layout (all integers little-endian), DEDUP_SKETCH_BYTES = 328:
 *
 *   off  size  field
 *     0     2  magic "DS"
 *     2     1  version (1)
 *     3     1  flags: bit 0 EMPTY (the body has no words: never matches),
 *                     bit 1 SHORT (nothing but boilerplate: the signature is
 *                           of every line the rules let through, or of every
 *                           line; such a body matches only a near-identical
 *                           one), other bits zero
 *     4     4  u32 number of shingles in the signature (a multiset size;
 *              saturates)
 *     8     8  u64 exact key: XXH3-64 of the body's ASCII letters and digits,
 *              lowercased, all else dropped (0 when EMPTY)
 *    16   256  DEDUP_K u16 MinHash values (one-permutation hashing with
 *              optimal densification, low 16 bits of each bin's minimum)
 *   272    48  12 u32 line keys (0 = none), from which the detector learns
 *              boilerplate: for each of the first 3 lines that passed the
 *              rules, a hash of its words and of its first 8 words; then the
 *              same for the last 3 lines, with their last 8 words
 *   320     4  u32 shingles left out of the signature as learned boilerplate
 *   324     4  u32 check: low 32 bits of XXH3-64 of bytes 0..323
 */
#define DEDUP_SKETCH_BYTES (16 + 2 * DEDUP_K + 48 + 4 + 4)

/* A detector stores at most this many documents (the band links are 32-bit);
 * later ones are still checked, and returned as new when they match nothing,
 * but not stored. */
#define DEDUP_MAX_STORED (1u << 26)

/* Bodies longer than this are sketched on their first DEDUP_MAX_BODY bytes. */
#define DEDUP_MAX_BODY (4u << 20)

struct dedup;

/* What dedup_check() found. jaccard and containment are MinHash estimates
 * (containment = share of the smaller document found in the larger). */
struct dedup_match {
	uint32_t rep;       /* representative of the matched document's group */
	uint32_t doc;       /* the stored document that matched best */
	bool exact;         /* same letters and digits (see the exact key) */
	float jaccard;
	float containment;
};

/* New empty detector; free with dedup_free(). Never returns NULL. */
struct dedup *dedup_new(void);
void dedup_free(struct dedup *d);

/*
 * Sketch a body: paragraphs separated by '\n' (a body without newlines is one
 * paragraph). Writes DEDUP_SKETCH_BYTES bytes to out. d, if not NULL, is the
 * detector the sketch is meant for: lines it has learned to be boilerplate (a
 * line, or its first or last 8 words, seen among the first or last 3 lines of
 * bodies in 3 different groups) are left out. The sketch depends on d's state,
 * so sketch a document just before loading it (dedup_add does both); d is
 * only read. Returns NL_OK, or NL_EEMPTY if the body has no words (the blob is
 * still written, flagged EMPTY, and may be stored and loaded like any other).
 */
int dedup_sketch(const struct dedup *d, const char *body, size_t len,
		 unsigned char out[DEDUP_SKETCH_BYTES]);

/*
 * The detector-independent part of dedup_sketch(): appends to out an opaque
 * prepared sketch of the body (native byte order, for this process only;
 * about 8 bytes per word plus 630). Pure: any thread may call it.
 */
struct buf;
void dedup_prepare(const char *body, size_t len, struct buf *out);

/*
 * Finish a prepared sketch for detector d (NULL: no learned boilerplate):
 * writes exactly what dedup_sketch(d, body, len, out) would. prep and n are
 * the bytes dedup_prepare() appended. Returns NL_OK, NL_EEMPTY as
 * dedup_sketch() does, or NL_EINVAL if prep is not a prepared sketch.
 */
int dedup_sketch_prepared(const struct dedup *d, const void *prep, size_t n,
			  unsigned char out[DEDUP_SKETCH_BYTES]);

/*
 * Look a sketch up without storing it. Returns 1 and fills *m (if m is not
 * NULL) when the sketch is a copy of a stored document, 0 when it is new,
 * NL_ECORRUPT when the blob is not a valid sketch (bad size, magic or check),
 * NL_EVERSION when it is a sketch of another version.
 */
int dedup_check(struct dedup *d, const unsigned char *blob, size_t n, struct dedup_match *m);

/*
 * Check a sketch, then store it under doc_id. Returns the id of the
 * representative of the document's group: the first-stored document of the
 * group it copies (of the oldest one, when it joins several: see
 * dedup_merged), or doc_id itself when it is new (or empty). Returns
 * NL_ECORRUPT / NL_EVERSION as dedup_check() does, storing nothing.
 * Exact copies and near-identical copies (J >= 0.9) are not stored (their
 * sketch repeats a stored one); other near copies are, so that later copies
 * can match them.
 */
int64_t dedup_load(struct dedup *d, uint32_t doc_id, const unsigned char *blob, size_t n);

/*
 * The groups that the last dedup_load() / dedup_add() folded into the group it
 * returned, by the ids of their former representatives: a document that
 * matches several groups (a full copy arriving after two partial ones) joins
 * them. *n is set to their number (usually 0); the array stays valid until
 * the next call that adds a document.
 */
const uint32_t *dedup_merged(const struct dedup *d, size_t *n);

/*
 * dedup_sketch() then dedup_load(): returns the representative's id, or doc_id
 * when the document is new. title may be NULL: it is not used for matching.
 * Adding the same doc_id twice treats the second as a copy of the first.
 */
uint32_t dedup_add(struct dedup *d, uint32_t doc_id, const char *title, const char *body,
		   size_t len);

/*
 * Similarity of two valid sketches (no stored state): the MinHash estimates of
 * Jaccard similarity and of containment of the smaller in the larger. Returns
 * 1 if the detector's rule calls them copies (exact, or near), 0 if not,
 * NL_ECORRUPT / NL_EVERSION for a bad blob. doc and rep in *m are set to 0.
 */
int dedup_compare(const unsigned char *a, const unsigned char *b, struct dedup_match *m);

/*
 * The detector's state, appended to out as bytes (native byte order: a cache
 * for this machine, not an exchange format), and a detector made from such
 * bytes that behaves exactly as the saved one did: loading the same sketches
 * into either gives the same answers. The bytes leave out what the stored
 * sketches hold (about 400 bytes per stored document): dedup_restore() asks
 * sketch(ctx, id) for the DEDUP_SKETCH_BYTES blob stored for document id. It
 * returns NULL when the bytes are not a state dedup_save() wrote (another
 * version, sizes that disagree, tables out of range, an id >= ids) or a blob
 * is missing or invalid; the caller then replays the sketches instead. The
 * archive keeps one, so that reopening it for another add does not replay
 * every stored sketch.
 */
void dedup_save(const struct dedup *d, struct buf *out);
struct dedup *dedup_restore(const void *bytes, size_t size, uint64_t ids,
			    const unsigned char *(*sketch)(void *ctx, uint32_t id), void *ctx);

/* Documents added (stored or not), and bytes of memory the detector holds. */
size_t dedup_count(const struct dedup *d);
size_t dedup_memory(const struct dedup *d);

#endif
