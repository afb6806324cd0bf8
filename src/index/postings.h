/*
 * postings.h — encoding of one term's posting list, and cursors over it.
 *
 * A posting is (doc, tf_title, tf_body, positions). Token positions number
 * the title's words 0..T-1 and the body's words from T+1 on, so one position
 * list serves phrase queries on either field and a phrase never spans the
 * title/body edge.
 *
 * Byte layout of a posting list (varints are LEB128):
 *
 *   docs part:
 *     varint nblocks
 *     a skip table, one fixed 16-byte entry per block of 128 postings, read
 *     in place (a seek looks at the entries it passes and decodes nothing):
 *       u32le last_doc  (the block's last document)
 *       u32le doc_end   (doc data bytes up to the end of this block)
 *       u32le pos_end   (position bytes up to the end of this block)
 *       u32le imp_end   (impact bytes up to the end of this block)
 *     impacts, per block: varint nimp (1..POST_IMPACTS_MAX), then nimp
 *       impacts, each varint len (document length in tokens, title + body;
 *       the first as is, then the gap from the previous: ascending), varint
 *       tf_title, varint tf_body.
 *       The impacts bound every posting of the block: each posting is
 *       dominated by one of them (tf_title and tf_body no smaller, len no
 *       larger). They are the block's Pareto frontier of (tf_title, tf_body,
 *       shorter length), merged pairwise into their envelope (largest tfs,
 *       shortest length) while more than POST_IMPACTS_MAX remain; BM25 grows
 *       with tf and shrinks with length, so the best BM25 over the impacts is
 *       an upper bound of the block's for any k1, b, field weights and
 *       average length (block-max pruning; Lucene calls these "impacts").
 *     block doc data, for a block of n postings (128, or fewer in a list's
 *     last block):
 *       u8 wg, u8 wb, u8 wt   bit widths (0..32) of the three arrays below:
 *                             each the width of the largest value in it
 *       gaps       n values of wg bits: each posting's doc minus the previous
 *                  posting's doc minus 1 (the list's first posting: its doc)
 *       tf_body    n values of wb bits
 *       tf_title   n values of wt bits (wt = 0: no posting of the block is
 *                  in a title, and the array is empty)
 *       Each array is packed least significant bit first — value i occupies
 *       bits [i * w, (i + 1) * w) of the array, bit k of an array being bit
 *       k % 8 of its byte k / 8 — and takes (n * w + 7) / 8 bytes; the block
 *       is exactly 3 + the three arrays long. (Fixed widths per block decode
 *       without a dependency from one posting to the next, unlike varints.)
 *   positions part: for each posting in order, tf_title + tf_body positions,
 *     first as is, the rest as gaps.
 *
 * Decoding is bounds checked: a cursor that runs past its bytes or finds an
 * impossible value sets its corrupt flag and ends, never reading out of range.
 */
#ifndef NL_POSTINGS_H
#define NL_POSTINGS_H

#include "util/buf.h"

#include <string.h>

#define POST_BLOCK 128
#define POST_IMPACTS_MAX 8

/* A (tf_title, tf_body, document length) that bounds postings of a block. */
struct post_impact {
	uint32_t tft, tfb, len;
};

struct post_stats {
	uint32_t df;
	uint32_t max_tft, max_tfb, min_len;
};

/* Builds one posting list; postings must come in increasing doc order.
 * What every posting touches comes first, in the first two cache lines of
 * an encoder aligned to 64 bytes (a segment writer keeps one per frequent
 * term and reaches them at random). */
struct post_enc {
	struct buf docs;    /* current list's doc data, its blocks one after another */
	struct buf pos;     /* current list's positions (appended to directly) */
	uint32_t inblock, last_doc, nimp;
	uint32_t len01;     /* the shortest length of an impact with tf_body >= 1
			     * (UINT32_MAX: none); see post_enc_impact_add_ */
	struct post_stats st;
	struct post_impact imp[POST_IMPACTS_MAX + 1]; /* current block's frontier
						       * (nimp of them) */
	struct buf skip;    /* skip entries */
	struct buf impb;    /* impacts */
	size_t block_at;    /* where the open block's doc data starts in docs: its
			     * postings are varints there until it closes, then packed */
	uint32_t nblocks;
};

void post_enc_init(struct post_enc *e);
void post_enc_release(struct post_enc *e);
void post_enc_begin(struct post_enc *e);
static inline void post_enc_add(struct post_enc *e, uint32_t doc, uint32_t tft, uint32_t tfb,
				uint32_t doclen, const uint32_t *pos, uint32_t npos);
/* A block of n postings (1..POST_BLOCK; doc[] increasing, above the
 * list's postings so far) at once, to an encoder whose postings so far fill
 * whole blocks (inblock 0: just begun, or after a multiple of POST_BLOCK);
 * their positions must be appended to e->pos already (varints, as the
 * positions part stores them). The block is closed at once: with fewer than
 * POST_BLOCK postings it is the list's last, and only post_enc_end may
 * follow. The bytes are those of n post_enc_add calls. */
void post_enc_add_block(struct post_enc *e, const uint32_t *doc, const uint32_t *tft,
			const uint32_t *tfb, const uint32_t *doclen, uint32_t n);
/* post_enc_add_block for a caller that holds the postings' doc gaps, not
 * their documents (the segment writer keeps gaps): gap[i] is doc i minus
 * the one before minus 1, the first's from the list's last document
 * (e->last_doc: UINT32_MAX when just begun, so the first gap is the
 * document), and last is the block's last document. */
void post_enc_add_gaps(struct post_enc *e, const uint32_t *gap, const uint32_t *tft,
		       const uint32_t *tfb, const uint32_t *doclen, uint32_t n, uint32_t last);
/* The whole list of a term with one posting (pos_len bytes of positions at
 * pos, encoded as the positions part stores them), appended to out at once,
 * with no encoder: the bytes, sizes and statistics post_enc_add and
 * post_enc_end would give. */
void post_enc_single(struct buf *out, uint32_t doc, uint32_t tft, uint32_t tfb, uint32_t doclen,
		     const unsigned char *pos, size_t pos_len, uint64_t *docs_len,
		     uint64_t *pos_len_out, struct post_stats *st);
/* Finish the list: append its docs part and positions part to out; report
 * their sizes and the list's statistics. */
void post_enc_end(struct post_enc *e, struct buf *out, uint64_t *docs_len, uint64_t *pos_len,
		  struct post_stats *st);

/* One block's skip entry, decoded (post_cur_skip). */
struct post_skip {
	uint32_t last_doc;
	uint64_t doc_off, pos_off; /* offsets of the block within the doc data / positions part */
	uint32_t max_tft, max_tfb, min_len; /* the block's maxima (from its impacts) */
	uint32_t nimp;
	struct post_impact imp[POST_IMPACTS_MAX];
};

/* Cursor over one posting list. */
struct post_cur {
	const unsigned char *tab;             /* skip table: nblocks 16-byte entries */
	const unsigned char *imps, *imps_end; /* impacts */
	const unsigned char *docs, *docs_end; /* doc data */
	const unsigned char *pos_base, *pos_end;
	const unsigned char *data_end;        /* readable bytes end (unpack may read past a block) */
	const unsigned char *pp;              /* next position list */
	uint32_t nblocks, block;              /* current block index */
	uint32_t bscan;                       /* last block post_cur_find found */
	uint32_t doc, tft, tfb;               /* current posting */
	bool have_pos;                        /* positions of current posting not yet skipped */
	uint64_t pending;                     /* position varints to skip before pp's posting */
	bool done, corrupt;
	uint32_t df;
	uint32_t pos_block, pos_at;           /* post_block_positions(): pp stands at
					       * posting pos_at of block pos_block */
	/* post_cur_next(): the current block, decoded; bi is the next posting */
	bool loaded;
	uint32_t bi, bn;
	uint32_t bdoc[POST_BLOCK], btft[POST_BLOCK], btfb[POST_BLOCK];
};

/* Block b's last document (b < nblocks). */
static inline uint32_t post_block_last(const struct post_cur *c, uint32_t b)
{
	return rd_u32le(c->tab + (size_t)b * 16);
}

/* The first block from b on whose last document is >= target (the list's
 * last block when there is none): a scan of the skip table in place. */
static inline uint32_t post_block_scan(const struct post_cur *c, uint32_t b, uint32_t target)
{
	while (b + 1 < c->nblocks && post_block_last(c, b) < target)
		b++;
	return b;
}

/* A decoded block's tfs, still packed: where they are and at which widths
 * (post_block_docs). They point into the posting list, or into pad when the
 * block lies too near the end of the data for unpacking to read in place;
 * so the struct must not be copied while in use. */
struct post_packed {
	const unsigned char *tfb, *tft;
	unsigned wb, wt;
	unsigned char pad[2 * POST_BLOCK * 4 + 8];
};

/* Field i of w bits of an array packed at p (layout: postings.h); reads 8
 * bytes from the field's first. */
static inline __attribute__((always_inline)) uint32_t post_packed_get(const unsigned char *p,
								     unsigned w, uint32_t i)
{
	if (w == 0)
		return 0;
	size_t bit = (size_t)i * w;
	uint64_t x;
	memcpy(&x, p + bit / 8, 8);
	return (uint32_t)(x >> (bit % 8) & (((uint64_t)1 << w) - 1));
}

/* Block b's documents only, into doc[] (POST_BLOCK entries); its tfs are
 * left packed in *pk, to read one at a time (post_packed_get) or all at
 * once (post_block_tfs) — a block that is only searched for a document
 * never unpacks them. Returns the number of postings; 0 (and the cursor
 * marked corrupt) when the block is damaged or a document is not below
 * ndocs. The cursor itself does not move. */
uint32_t post_block_docs(struct post_cur *c, uint32_t b, uint32_t ndocs, uint32_t *doc,
			 struct post_packed *pk);
/* All n tfs of a block post_block_docs() left in pk. */
void post_block_tfs(const struct post_packed *pk, uint32_t n, uint32_t *tft, uint32_t *tfb);

/* Decode block b's postings (documents, title and body tfs; not positions)
 * into doc[], tft[] and tfb[], each of POST_BLOCK entries, at once: the
 * block-at-a-time path of ranked search. Returns how many postings the block
 * holds; 0 (and the cursor marked corrupt) when the block is damaged or a
 * document is not below ndocs. The cursor itself does not move. */
uint32_t post_block_decode(struct post_cur *c, uint32_t b, uint32_t ndocs, uint32_t *doc,
			   uint32_t *tft, uint32_t *tfb);

/* The positions of posting i of block b, whose tfs post_block_decode() put
 * in tft[] and tfb[]: *out (grown as needed) gets them, the count is
 * returned (0 and the cursor marked corrupt when damaged). The positions
 * bytes of the postings before i are skipped, not decoded; asking for
 * postings of a block in increasing order walks its positions once. */
uint32_t post_block_positions(struct post_cur *c, uint32_t b, uint32_t i, const uint32_t *tft,
			      const uint32_t *tfb, uint32_t **out, size_t *cap);

/* Open a cursor on the docs part [d, d+dn) and positions part [p, p+pn) of a
 * list with df postings. The cursor starts before the first posting. */
void post_cur_open(struct post_cur *c, const unsigned char *d, size_t dn, const unsigned char *p,
		   size_t pn, uint32_t df);
void post_cur_close(struct post_cur *c);
/* Move to the next posting; false at the end (or on corruption: see c->corrupt). */
bool post_cur_next(struct post_cur *c);
/* Move to the first posting with doc >= target (never backwards). */
bool post_cur_seek(struct post_cur *c, uint32_t target);
/* The block holding the first doc >= target, found from the skip table
 * without decoding anything (the last block when every doc is smaller).
 * Targets should not decrease (the scan resumes where the last one stopped). */
uint32_t post_cur_find(struct post_cur *c, uint32_t target);
/* Decode block b's skip entry with its impacts; false (and the cursor
 * marked corrupt) when it is damaged. */
bool post_cur_skip(struct post_cur *c, uint32_t b, struct post_skip *s);
/* Positions of the current posting (tft + tfb of them), decoded into *out
 * (grown with xgrow). Returns the count. */
uint32_t post_cur_positions(struct post_cur *c, uint32_t **out, size_t *cap);

/* ---------------------------------------------------- post_enc_add inline --- */
/*
 * A segment writer calls post_enc_add for most postings, one at a time: the
 * common case is here, inline (a call cost as much as a short posting's
 * work), the rest in postings.c. The names ending in _ are its parts, not
 * to be called otherwise.
 */
void post_enc_impact_insert_(struct post_enc *e, uint32_t tft, uint32_t tfb, uint32_t len);
void post_enc_close_block_(struct post_enc *e);

/* Keep the block's frontier: drop a posting some impact dominates (most
 * are: checked here, with no call), else post_enc_impact_insert_. The
 * most common posting, one occurrence in the body (0, 1, len), is dominated
 * exactly when an impact with tf_body >= 1 is no longer: one test of
 * len01, not a walk of the impacts. */
static inline __attribute__((always_inline)) void post_enc_impact_add_(struct post_enc *e,
								       uint32_t tft,
								       uint32_t tfb,
								       uint32_t len)
{
	if (tft == 0 && tfb == 1) {
		if (e->len01 <= len)
			return;
	} else for (uint32_t i = 0; i < e->nimp; i++) {
		const struct post_impact *a = &e->imp[i];
		if (a->tft >= tft && a->tfb >= tfb && a->len <= len)
			return;
	}
	post_enc_impact_insert_(e, tft, tfb, len);
}

/* A posting's npos ascending positions as the positions part stores them:
 * varints, the first as is, then the gaps. Writes at most npos * 5 bytes at
 * w; returns how many. (The segment writer keeps a cold term's positions
 * in the same form, to hand them to the encoder as they are.) */
static inline size_t post_pos_put(unsigned char *w, const uint32_t *pos, uint32_t npos)
{
	if (npos == 0)
		return 0;
	size_t n = varint_put(w, pos[0]);
	for (uint32_t i = 1; i < npos; i++)
		n += varint_put(w + n, pos[i] - pos[i - 1]);
	return n;
}

static inline __attribute__((always_inline)) void post_enc_add(struct post_enc *e, uint32_t doc,
								uint32_t tft, uint32_t tfb,
								uint32_t doclen,
								const uint32_t *pos, uint32_t npos)
{
	/* the positions */
	unsigned char *w = (unsigned char *)buf_reserve(&e->pos, (size_t)npos * 5);
	e->pos.n += post_pos_put(w, pos, npos);
	/* the doc data: varints until the block closes and packs them */
	uint32_t gap = doc - e->last_doc - 1; /* the first: doc (post_enc_begin) */
	unsigned char *t = (unsigned char *)buf_reserve(&e->docs, 32);
	size_t n = varint_put(t, gap);
	n += varint_put(t + n, (uint64_t)tfb << 1 | (tft > 0));
	if (tft)
		n += varint_put(t + n, tft);
	e->docs.n += n;
	e->last_doc = doc;
	post_enc_impact_add_(e, tft, tfb, doclen);
	if (++e->inblock == POST_BLOCK)
		post_enc_close_block_(e);
}

#endif
