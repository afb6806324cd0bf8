/*
 * postings.c — posting list encoder and cursor; the layout is in postings.h.
 *
 * Why this shape: doc data and positions live apart so that ranked OR/AND
 * queries never touch positions; 128-posting blocks with a skip table let a
 * cursor jump over blocks (AND, phrase, MaxScore/WAND) and give block maxima
 * for block-max pruning; varints keep the index compact (the archive must be
 * no larger than SQLite FTS5's database of the same text).
 */
#include "index/postings.h"

#include <stdlib.h>
#include <string.h>

void post_enc_init(struct post_enc *e)
{
	memset(e, 0, sizeof *e);
	buf_init(&e->docs, 0);
	buf_init(&e->pos, 0);
	buf_init(&e->skip, 0);
	buf_init(&e->blockdocs, 0);
	buf_init(&e->blockpos, 0);
}

void post_enc_release(struct post_enc *e)
{
	buf_release(&e->docs);
	buf_release(&e->pos);
	buf_release(&e->skip);
	buf_release(&e->blockdocs);
	buf_release(&e->blockpos);
}

void post_enc_begin(struct post_enc *e)
{
	buf_clear(&e->docs);
	buf_clear(&e->pos);
	buf_clear(&e->skip);
	buf_clear(&e->blockdocs);
	buf_clear(&e->blockpos);
	e->nblocks = e->inblock = 0;
	e->last_doc = 0;
	e->prev_block_last = 0;
	e->any = false;
	e->b_max_tft = e->b_max_tfb = 0;
	e->b_min_len = UINT32_MAX;
	memset(&e->st, 0, sizeof e->st);
	e->st.min_len = UINT32_MAX;
}

static void close_block(struct post_enc *e)
{
	if (e->inblock == 0)
		return;
	buf_put_varint(&e->skip, e->nblocks == 0 ? e->last_doc : e->last_doc - e->prev_block_last);
	buf_put_varint(&e->skip, e->blockdocs.n);
	buf_put_varint(&e->skip, e->blockpos.n);
	buf_put_varint(&e->skip, e->b_max_tft);
	buf_put_varint(&e->skip, e->b_max_tfb);
	buf_put_varint(&e->skip, e->b_min_len);
	buf_put(&e->docs, e->blockdocs.p, e->blockdocs.n);
	buf_put(&e->pos, e->blockpos.p, e->blockpos.n);
	buf_clear(&e->blockdocs);
	buf_clear(&e->blockpos);
	e->prev_block_last = e->last_doc;
	e->nblocks++;
	e->inblock = 0;
	e->b_max_tft = e->b_max_tfb = 0;
	e->b_min_len = UINT32_MAX;
}

void post_enc_add(struct post_enc *e, uint32_t doc, uint32_t tft, uint32_t tfb, uint32_t doclen,
		  const uint32_t *pos, uint32_t npos)
{
	uint32_t gap = e->any ? doc - e->last_doc - 1 : doc;
	unsigned char t[32];
	size_t n = varint_put(t, gap);
	n += varint_put(t + n, (uint64_t)tfb << 1 | (tft > 0));
	if (tft)
		n += varint_put(t + n, tft);
	buf_put(&e->blockdocs, t, n);
	char *w = buf_reserve(&e->blockpos, (size_t)npos * 5);
	size_t wn = 0;
	uint32_t prev = 0;
	for (uint32_t i = 0; i < npos; i++) {
		wn += varint_put((unsigned char *)w + wn, i == 0 ? pos[0] : pos[i] - prev);
		prev = pos[i];
	}
	e->blockpos.n += wn;
	e->last_doc = doc;
	e->any = true;
	if (tft > e->b_max_tft) e->b_max_tft = tft;
	if (tfb > e->b_max_tfb) e->b_max_tfb = tfb;
	if (doclen < e->b_min_len) e->b_min_len = doclen;
	if (tft > e->st.max_tft) e->st.max_tft = tft;
	if (tfb > e->st.max_tfb) e->st.max_tfb = tfb;
	if (doclen < e->st.min_len) e->st.min_len = doclen;
	e->st.df++;
	if (++e->inblock == POST_BLOCK)
		close_block(e);
}

void post_enc_end(struct post_enc *e, struct buf *out, uint64_t *docs_len, uint64_t *pos_len,
		  struct post_stats *st)
{
	close_block(e);
	size_t start = out->n;
	buf_put_varint(out, e->nblocks);
	if (e->nblocks > 1)
		buf_put(out, e->skip.p, e->skip.n);
	buf_put(out, e->docs.p, e->docs.n);
	*docs_len = out->n - start;
	buf_put(out, e->pos.p, e->pos.n);
	*pos_len = e->pos.n;
	if (e->st.min_len == UINT32_MAX)
		e->st.min_len = 0;
	*st = e->st;
}

/* ---------------------------------------------------------------- cursor --- */

void post_cur_open(struct post_cur *c, const unsigned char *d, size_t dn, const unsigned char *p,
		   size_t pn, uint32_t df)
{
	memset(c, 0, sizeof *c);
	c->df = df;
	c->pos_base = p;
	c->pos_end = p + pn;
	const unsigned char *q = d, *end = d + dn;
	uint64_t nb;
	if (!varint_get(&q, end, &nb) || nb == 0 || nb > (df + POST_BLOCK - 1) / POST_BLOCK + 1 ||
	    nb != (df + POST_BLOCK - 1) / POST_BLOCK) {
		c->corrupt = c->done = true;
		return;
	}
	c->nblocks = (uint32_t)nb;
	if (nb > 1) {
		c->skips = xmalloc(nb * sizeof *c->skips);
		uint64_t last = 0, doff = 0, poff = 0;
		for (uint32_t b = 0; b < nb; b++) {
			uint64_t v[6];
			for (int k = 0; k < 6; k++)
				if (!varint_get(&q, end, &v[k])) {
					c->corrupt = c->done = true;
					return;
				}
			last = b == 0 ? v[0] : last + v[0];
			if (last > UINT32_MAX) {
				c->corrupt = c->done = true;
				return;
			}
			c->skips[b] = (struct post_skip){ (uint32_t)last, doff, poff,
							  (uint32_t)v[3], (uint32_t)v[4], (uint32_t)v[5] };
			doff += v[1];
			poff += v[2];
		}
		if (doff > (uint64_t)(end - q) || poff > pn) {
			c->corrupt = c->done = true;
			return;
		}
	}
	c->docs = q;
	c->docs_end = end;
	c->p = q;
	c->pp = p;
	c->block = 0;
	c->left_in_block = NL_MIN(df, (uint32_t)POST_BLOCK);
	c->doc = UINT32_MAX; /* before first */
}

void post_cur_close(struct post_cur *c)
{
	free(c->skips);
	c->skips = NULL;
}

static bool fail(struct post_cur *c)
{
	c->corrupt = c->done = true;
	return false;
}

/* The positions of the current posting were not read: remember to skip them.
 * Skipping is lazy — the bytes are walked only when a later posting's
 * positions are wanted in the same block — so conjunctions that jump over
 * postings, and cursors that never read positions, never touch them. */
static bool skip_positions(struct post_cur *c)
{
	if (!c->have_pos)
		return true;
	c->have_pos = false;
	c->pending += (uint64_t)c->tft + c->tfb;
	return true;
}

/* Walk the pending position varints so that pp is at the current posting's. */
static bool settle_positions(struct post_cur *c)
{
	const unsigned char *q = c->pp;
	for (uint64_t i = 0; i < c->pending; i++) {
		while (q < c->pos_end && (*q & 0x80))
			q++;
		if (q >= c->pos_end)
			return fail(c);
		q++;
	}
	c->pending = 0;
	c->pp = q;
	return true;
}

static void enter_block(struct post_cur *c, uint32_t b)
{
	c->block = b;
	c->p = c->docs + c->skips[b].doc_off;
	c->pp = c->pos_base + c->skips[b].pos_off;
	c->pending = 0;
	c->have_pos = false;
	c->doc = c->skips[b - 1].last_doc;
	uint32_t before = b * POST_BLOCK;
	c->left_in_block = NL_MIN(c->df - before, (uint32_t)POST_BLOCK);
}

bool post_cur_next(struct post_cur *c)
{
	if (c->done)
		return false;
	if (!skip_positions(c))
		return false;
	if (c->left_in_block == 0) {
		if (c->block + 1 >= c->nblocks) {
			c->done = true;
			return false;
		}
		c->block++;
		uint32_t before = c->block * POST_BLOCK;
		c->left_in_block = NL_MIN(c->df - before, (uint32_t)POST_BLOCK);
		if (c->skips) {
			/* the block's positions start where the skip table says */
			c->pp = c->pos_base + c->skips[c->block].pos_off;
			c->pending = 0;
		}
	}
	uint64_t gap, tfw, tft = 0;
	if (!varint_get(&c->p, c->docs_end, &gap) || !varint_get(&c->p, c->docs_end, &tfw))
		return fail(c);
	if ((tfw & 1) && !varint_get(&c->p, c->docs_end, &tft))
		return fail(c);
	uint64_t doc = c->doc == UINT32_MAX ? gap : (uint64_t)c->doc + 1 + gap;
	if (doc >= UINT32_MAX || (tfw >> 1) > UINT32_MAX || tft > UINT32_MAX)
		return fail(c);
	c->doc = (uint32_t)doc;
	c->tfb = (uint32_t)(tfw >> 1);
	c->tft = (uint32_t)tft;
	c->left_in_block--;
	c->have_pos = true;
	return true;
}

bool post_cur_seek(struct post_cur *c, uint32_t target)
{
	if (c->done)
		return false;
	if (c->doc != UINT32_MAX && c->doc >= target)
		return true;
	if (c->skips) {
		uint32_t b = c->block;
		while (b + 1 < c->nblocks && c->skips[b].last_doc < target)
			b++;
		if (b != c->block) {
			enter_block(c, b);
		}
	}
	while (post_cur_next(c))
		if (c->doc >= target)
			return true;
	return false;
}

bool post_cur_block_info(struct post_cur *c, uint32_t target, struct post_skip *s)
{
	if (!c->skips)
		return false;
	uint32_t b = c->block;
	while (b + 1 < c->nblocks && c->skips[b].last_doc < target)
		b++;
	*s = c->skips[b];
	return true;
}

uint32_t post_cur_positions(struct post_cur *c, uint32_t **out, size_t *cap)
{
	if (!c->have_pos || !settle_positions(c))
		return 0;
	uint32_t n = c->tft + c->tfb;
	*out = xgrow(*out, cap, n ? n : 1, sizeof **out);
	const unsigned char *q = c->pp;
	uint64_t prev = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t v;
		if (!varint_get(&q, c->pos_end, &v)) {
			fail(c);
			return 0;
		}
		prev = i == 0 ? v : prev + v;
		if (prev > UINT32_MAX) {
			fail(c);
			return 0;
		}
		(*out)[i] = (uint32_t)prev;
	}
	c->pp = q;
	c->have_pos = false;
	return n;
}
