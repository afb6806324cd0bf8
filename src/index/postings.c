/*
 * postings.c — posting list encoder and cursor; the layout is in postings.h.
 *
 * Why this shape: doc data and positions live apart so that ranked OR/AND
 * queries never touch positions; 128-posting blocks with a skip table let a
 * cursor jump over blocks (AND, phrase, MaxScore/WAND) and give block maxima
 * for block-max pruning; a block's gaps and tfs are bit-packed at the width
 * of its largest value, which keeps the index compact (the archive must be
 * no larger than SQLite FTS5's database of the same text) and decodes a
 * block in a few hundred independent shifts; positions stay varints.
 */
#include "index/postings.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void post_enc_init(struct post_enc *e)
{
	memset(e, 0, sizeof *e);
	e->len01 = UINT32_MAX;
	buf_init(&e->docs, 0);
	buf_init(&e->pos, 0);
	buf_init(&e->skip, 0);
	buf_init(&e->impb, 0);
}

void post_enc_release(struct post_enc *e)
{
	buf_release(&e->docs);
	buf_release(&e->pos);
	buf_release(&e->skip);
	buf_release(&e->impb);
}

void post_enc_begin(struct post_enc *e)
{
	buf_clear(&e->docs);
	buf_clear(&e->pos);
	buf_clear(&e->skip);
	buf_clear(&e->impb);
	e->nblocks = e->inblock = 0;
	e->block_at = 0;
	e->last_doc = UINT32_MAX; /* so the first gap, doc - last_doc - 1, is doc */
	e->nimp = 0;
	e->len01 = UINT32_MAX;
	memset(&e->st, 0, sizeof e->st);
	e->st.min_len = UINT32_MAX;
}

/* A rough BM25 shape (k1 1.2, b 0.75, average length 300, title weight 2)
 * used only to choose which two impacts to merge: any choice keeps the
 * bound valid, this one keeps it tight for typical settings. */
static float impact_shape(uint32_t tft, uint32_t tfb, uint32_t len)
{
	float tf = 2.0f * (float)tft + (float)tfb;
	return tf / (tf + 1.2f * (0.25f + 0.75f * (float)len / 300.0f));
}

static bool dominates(const struct post_impact *a, uint32_t tft, uint32_t tfb, uint32_t len)
{
	return a->tft >= tft && a->tfb >= tfb && a->len <= len;
}

/* The block's k = POST_IMPACTS_MAX + 1 impacts are one too many: replace
 * the two whose envelope loosens the bound least by that envelope; returns
 * how many impacts are left. Rare: out of line, so that the common insert
 * saves and restores fewer registers. */
static __attribute__((noinline)) uint32_t impact_merge(struct post_enc *e, uint32_t k)
{
	struct post_impact *v = e->imp;
	uint32_t bi = 0, bj = 1;
	float best = INFINITY, shape[POST_IMPACTS_MAX + 1]; /* each impact's, once */
	for (uint32_t i = 0; i < k; i++)
		shape[i] = impact_shape(v[i].tft, v[i].tfb, v[i].len);
	for (uint32_t i = 0; i < k; i++)
		for (uint32_t j = i + 1; j < k; j++) {
			float env = impact_shape(NL_MAX(v[i].tft, v[j].tft), NL_MAX(v[i].tfb, v[j].tfb),
						 NL_MIN(v[i].len, v[j].len));
			float loss = env - NL_MAX(shape[i], shape[j]);
			if (loss < best) {
				best = loss;
				bi = i;
				bj = j;
			}
		}
	v[bi] = (struct post_impact){ NL_MAX(v[bi].tft, v[bj].tft), NL_MAX(v[bi].tfb, v[bj].tfb),
				      NL_MIN(v[bi].len, v[bj].len) };
	v[bj] = v[--k];
	if (v[bi].tfb >= 1 && v[bi].len < e->len01)
		e->len01 = v[bi].len;
	/* the envelope may dominate others now */
	uint32_t m = 0;
	for (uint32_t i = 0; i < k; i++)
		if (i == bi || !dominates(&v[bi], v[i].tft, v[i].tfb, v[i].len))
			v[m++] = v[i];
	return m;
}

/* post_enc_impact_add_ for a posting no impact dominates: add it and drop
 * what it dominates; past POST_IMPACTS_MAX, merge two (impact_merge). */
void post_enc_impact_insert_(struct post_enc *e, uint32_t tft, uint32_t tfb, uint32_t len)
{
	struct post_impact *v = e->imp;
	uint32_t n = e->nimp, k = 0;
	const struct post_impact add = { tft, tfb, len };
	/* the impacts before the first one add dominates stay where they are */
	while (k < n && !dominates(&add, v[k].tft, v[k].tfb, v[k].len))
		k++;
	for (uint32_t i = k; i < n; i++)
		if (!dominates(&add, v[i].tft, v[i].tfb, v[i].len))
			v[k++] = v[i];
	v[k++] = add;
	/* len01 (postings.h): an impact dropped here is dominated by one that
	 * stays (add, or the envelope impact_merge makes), so only those can
	 * lower it */
	if (tfb >= 1 && len < e->len01)
		e->len01 = len;
	if (k > POST_IMPACTS_MAX)
		k = impact_merge(e, k);
	e->nimp = k;
}

static int cmp_impact(const void *x, const void *y)
{
	const struct post_impact *a = x, *b = y;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->tft != b->tft)
		return a->tft < b->tft ? -1 : 1;
	return a->tfb < b->tfb ? -1 : a->tfb > b->tfb;
}

/* A u32 field of the skip table: a list too large for it cannot be stored. */
static uint32_t u32_or_die(size_t v)
{
	if (v > UINT32_MAX) {
		fprintf(stderr, "newsline: posting list over 4 GiB: cannot be stored\n");
		abort();
	}
	return (uint32_t)v;
}

/* Bits needed for the largest of some values, given all of them or'ed (0
 * when all are 0). */
static unsigned width_of(uint32_t all)
{
	return all ? 32u - (unsigned)__builtin_clz(all) : 0;
}

/* pack() for w a constant (the switch below): eight fields fill exactly w
 * bytes, so within a group of eight every shift and every 32-bit store is
 * known at compile time, and a field costs a load, a shift and an or (the
 * loop with a variable w also counts the bits and tests for a store at each
 * field; it is left for the last few fields). A group's last store may write
 * up to 7 bytes past its w bytes: the next group's stores cover them again. */
static inline __attribute__((always_inline)) void pack_w(unsigned char *o, const uint32_t *v,
							 uint32_t n, unsigned w)
{
	uint32_t i = 0;
	for (; i + 8 <= n; i += 8, o += w) {
		uint64_t acc = 0;
		unsigned nb = 0;
		unsigned char *q = o;
#pragma GCC unroll 8
		for (unsigned j = 0; j < 8; j++) {
			acc |= (uint64_t)v[i + j] << nb;
			nb += w;
			if (nb >= 32) {
				wr_u32le(q, (uint32_t)acc);
				q += 4;
				acc >>= 32;
				nb -= 32;
			}
		}
		if (nb)
			wr_u64le(q, acc);
	}
	uint64_t acc = 0;
	unsigned nb = 0; /* bits in acc, < 32 between values: nb + w < 64 */
	for (; i < n; i++) {
		acc |= (uint64_t)v[i] << nb;
		nb += w;
		if (nb >= 32) {
			wr_u32le(o, (uint32_t)acc);
			o += 4;
			acc >>= 32;
			nb -= 32;
		}
	}
	wr_u64le(o, acc); /* the last bits (room reserved; bytes past size are not kept) */
}

/* Append v[0..n) as n fields of w bits (every v[i] < 2^w), least
 * significant bit first, in (n * w + 7) / 8 bytes. */
static void pack(struct buf *b, const uint32_t *v, uint32_t n, unsigned w)
{
	size_t size = ((size_t)n * w + 7) / 8;
	if (size == 0)
		return;
	unsigned char *o = (unsigned char *)buf_reserve(b, size + 8);
	switch (w) {
#define W(k) case k: pack_w(o, v, n, k); break;
	W(1) W(2) W(3) W(4) W(5) W(6) W(7) W(8) W(9) W(10) W(11) W(12) W(13) W(14) W(15) W(16)
	W(17) W(18) W(19) W(20) W(21) W(22) W(23) W(24) W(25) W(26) W(27) W(28) W(29) W(30)
	W(31) W(32)
#undef W
	}
	b->n += size;
}

/* The open block's doc data from its n gaps, body tfs and title tfs (ag,
 * ab, at: each array's values or'ed, for the widths), at block_at. */
static void pack_arrays(struct post_enc *e, const uint32_t *gap, const uint32_t *tfb,
			const uint32_t *tft, uint32_t n, uint32_t ag, uint32_t ab, uint32_t at)
{
	unsigned wg = width_of(ag), wb = width_of(ab), wt = width_of(at);
	unsigned char *h = (unsigned char *)buf_reserve(&e->docs, 3);
	h[0] = (unsigned char)wg;
	h[1] = (unsigned char)wb;
	h[2] = (unsigned char)wt;
	e->docs.n += 3;
	pack(&e->docs, gap, n, wg);
	pack(&e->docs, tfb, n, wb);
	pack(&e->docs, tft, n, wt);
	e->block_at = e->docs.n;
}

/* The block's doc data (layout: postings.h): its postings, held as varints
 * (gap, tfw, title tf when flagged) from block_at on while it was open, are
 * rewritten as three widths, then the gaps, body tfs and title tfs packed at
 * those widths. Keeping varints until then keeps an encoder small (the
 * segment writer holds one per frequent term). */
static void pack_block(struct post_enc *e)
{
	uint32_t n = e->inblock;
	uint32_t gap[POST_BLOCK], tfb[POST_BLOCK], tft[POST_BLOCK];
	const unsigned char *q = (const unsigned char *)e->docs.p + e->block_at;
	uint32_t ag = 0, ab = 0, at = 0; /* every value or'ed: the widths */
	for (uint32_t i = 0; i < n; i++) {
		/* written by post_enc_add just before: whole, no bounds to check */
		uint64_t g = varint_get_own(&q), w = varint_get_own(&q);
		gap[i] = (uint32_t)g;
		tfb[i] = (uint32_t)(w >> 1);
		tft[i] = w & 1 ? (uint32_t)varint_get_own(&q) : 0;
		ag |= gap[i];
		ab |= tfb[i];
		at |= tft[i];
	}
	e->docs.n = e->block_at;
	pack_arrays(e, gap, tfb, tft, n, ag, ab, at);
}

/* The rest of closing a block whose doc data is packed: its impacts, its
 * skip entry, the list's maxima. */
static void end_block(struct post_enc *e)
{
	/* a few impacts: sorted by insertion (stable, as qsort is here: a
	 * frontier holds no two equal impacts anyway) */
	struct post_impact *v = e->imp;
	for (uint32_t i = 1; i < e->nimp; i++) {
		struct post_impact x = v[i];
		uint32_t j = i;
		for (; j > 0 && cmp_impact(&x, &v[j - 1]) < 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	unsigned char *t0 = (unsigned char *)buf_reserve(&e->impb, 10 + 30 * (size_t)e->nimp);
	size_t tn = varint_put(t0, e->nimp);
	/* the list's maxima, from the block's (an impact's tfs are the largest
	 * and its length the shortest of some of the block's postings, and
	 * every posting is dominated by one: the impacts' extremes are the
	 * postings'), here rather than posting by posting */
	struct post_stats *st = &e->st;
	st->df += e->inblock;
	for (uint32_t i = 0; i < e->nimp; i++) {
		tn += varint_put(t0 + tn, i ? v[i].len - v[i - 1].len : v[i].len);
		tn += varint_put(t0 + tn, v[i].tft);
		tn += varint_put(t0 + tn, v[i].tfb);
		if (v[i].tft > st->max_tft) st->max_tft = v[i].tft;
		if (v[i].tfb > st->max_tfb) st->max_tfb = v[i].tfb;
		if (v[i].len < st->min_len) st->min_len = v[i].len;
	}
	e->impb.n += tn;
	e->impb.p[e->impb.n] = 0;
	unsigned char t[16];
	wr_u32le(t, e->last_doc);
	wr_u32le(t + 4, u32_or_die(e->docs.n));
	wr_u32le(t + 8, u32_or_die(e->pos.n));
	wr_u32le(t + 12, u32_or_die(e->impb.n));
	buf_put(&e->skip, t, sizeof t);
	e->nblocks++;
	e->inblock = 0;
	e->nimp = 0;
	e->len01 = UINT32_MAX;
}

static void close_block(struct post_enc *e)
{
	if (e->inblock == 0)
		return;
	pack_block(e);
	end_block(e);
}

void post_enc_close_block_(struct post_enc *e)
{
	pack_block(e);
	end_block(e);
}

void post_enc_add_gaps(struct post_enc *e, const uint32_t *gap, const uint32_t *tft,
		       const uint32_t *tfb, const uint32_t *doclen, uint32_t n, uint32_t last)
{
	/* what post_enc_add and pack_block do, with no varints in between */
	uint32_t ag = 0, ab = 0, at = 0;
	for (uint32_t i = 0; i < n; i++) {
		ag |= gap[i];
		ab |= tfb[i];
		at |= tft[i];
		post_enc_impact_add_(e, tft[i], tfb[i], doclen[i]);
	}
	e->last_doc = last;
	e->inblock = n;
	pack_arrays(e, gap, tfb, tft, n, ag, ab, at);
	end_block(e);
}

void post_enc_add_block(struct post_enc *e, const uint32_t *doc, const uint32_t *tft,
			const uint32_t *tfb, const uint32_t *doclen, uint32_t n)
{
	uint32_t gap[POST_BLOCK], last = e->last_doc;
	for (uint32_t i = 0; i < n; i++) {
		gap[i] = doc[i] - last - 1; /* the first: doc (post_enc_begin) */
		last = doc[i];
	}
	post_enc_add_gaps(e, gap, tft, tfb, doclen, n, last);
}

void post_enc_single(struct buf *out, uint32_t doc, uint32_t tft, uint32_t tfb, uint32_t doclen,
		     const unsigned char *pos, size_t pos_len, uint64_t *docs_len,
		     uint64_t *pos_len_out, struct post_stats *st)
{
	/* what post_enc_add and post_enc_end write for one posting: one
	 * block, its one impact the posting, each array one value */
	unsigned char imp[1 + 3 * 5];
	size_t in = varint_put(imp, 1);
	in += varint_put(imp + in, doclen);
	in += varint_put(imp + in, tft);
	in += varint_put(imp + in, tfb);
	unsigned wg = width_of(doc), wb = width_of(tfb), wt = width_of(tft);
	size_t lg = (wg + 7) / 8, lb = (wb + 7) / 8, lt = (wt + 7) / 8;
	size_t dn = 3 + lg + lb + lt, head = 1 + 16 + in + dn;
	unsigned char *o = (unsigned char *)buf_reserve(out, head + pos_len + 8);
	o[0] = 1; /* nblocks */
	wr_u32le(o + 1, doc);
	wr_u32le(o + 5, (uint32_t)dn);
	wr_u32le(o + 9, u32_or_die(pos_len));
	wr_u32le(o + 13, (uint32_t)in);
	memcpy(o + 17, imp, in);
	unsigned char *d = o + 17 + in;
	d[0] = (unsigned char)wg;
	d[1] = (unsigned char)wb;
	d[2] = (unsigned char)wt;
	/* a field of w bits alone: its value's (w + 7) / 8 low bytes */
	wr_u32le(d + 3, doc);
	wr_u32le(d + 3 + lg, tfb);
	wr_u32le(d + 3 + lg + lb, tft);
	if (pos_len)
		memcpy(o + head, pos, pos_len);
	out->n += head + pos_len;
	out->p[out->n] = 0;
	*docs_len = head;
	*pos_len_out = pos_len;
	*st = (struct post_stats){ 1, tft, tfb, doclen == UINT32_MAX ? 0 : doclen };
}

void post_enc_end(struct post_enc *e, struct buf *out, uint64_t *docs_len, uint64_t *pos_len,
		  struct post_stats *st)
{
	close_block(e);
	size_t start = out->n;
	buf_put_varint(out, e->nblocks);
	buf_put(out, e->skip.p, e->skip.n);
	buf_put(out, e->impb.p, e->impb.n);
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
	memset(c, 0, offsetof(struct post_cur, bdoc)); /* the block arrays are filled when read */
	c->df = df;
	c->pos_block = UINT32_MAX;
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
	if ((uint64_t)(end - q) < nb * 16)
		goto bad;
	c->tab = q;
	c->imps = q + nb * 16;
	uint64_t impn = rd_u32le(c->tab + (nb - 1) * 16 + 12);
	if (impn > (uint64_t)(end - c->imps))
		goto bad;
	c->imps_end = c->imps + impn;
	c->docs = c->imps_end;
	c->docs_end = end;
	/* the positions part usually follows: unpack() may read into it */
	c->data_end = p == end ? p + pn : end;
	c->pp = p;
	c->block = 0;
	c->doc = UINT32_MAX; /* before first */
	return;
bad:
	c->corrupt = c->done = true;
}

/* The end offsets of field k (1 doc, 2 pos, 3 impacts) of entries b - 1 and
 * b, checked against the area's size. */
static bool block_range(struct post_cur *c, uint32_t b, int k, uint64_t size, uint64_t *from,
			uint64_t *to)
{
	*from = b ? rd_u32le(c->tab + (size_t)(b - 1) * 16 + 4 * k) : 0;
	*to = rd_u32le(c->tab + (size_t)b * 16 + 4 * k);
	if (*from > *to || *to > size) {
		c->corrupt = c->done = true;
		return false;
	}
	return true;
}

bool post_cur_skip(struct post_cur *c, uint32_t b, struct post_skip *s)
{
	uint64_t dfrom, dto, pfrom, pto, ifrom, ito;
	if (c->corrupt || b >= c->nblocks ||
	    !block_range(c, b, 1, (uint64_t)(c->docs_end - c->docs), &dfrom, &dto) ||
	    !block_range(c, b, 2, (uint64_t)(c->pos_end - c->pos_base), &pfrom, &pto) ||
	    !block_range(c, b, 3, (uint64_t)(c->imps_end - c->imps), &ifrom, &ito))
		return false;
	const unsigned char *q = c->imps + ifrom, *end = c->imps + ito;
	uint64_t n, len = 0;
	if (!varint_get(&q, end, &n) || n == 0 || n > POST_IMPACTS_MAX)
		goto bad;
	*s = (struct post_skip){ post_block_last(c, b), dfrom, pfrom, 0, 0, UINT32_MAX, (uint32_t)n, { { 0 } } };
	for (uint32_t i = 0; i < s->nimp; i++) {
		uint64_t w[3];
		for (int k = 0; k < 3; k++)
			if (!varint_get(&q, end, &w[k]))
				goto bad;
		len += w[0];
		if (len > UINT32_MAX || w[1] > UINT32_MAX || w[2] > UINT32_MAX)
			goto bad;
		struct post_impact *im = &s->imp[i];
		*im = (struct post_impact){ (uint32_t)w[1], (uint32_t)w[2], (uint32_t)len };
		s->max_tft = NL_MAX(s->max_tft, im->tft);
		s->max_tfb = NL_MAX(s->max_tfb, im->tfb);
		s->min_len = NL_MIN(s->min_len, im->len);
	}
	return true;
bad:
	c->corrupt = c->done = true;
	return false;
}

void post_cur_close(struct post_cur *c)
{
	(void)c; /* a cursor owns no memory: the skip table is read in place */
}

static bool fail(struct post_cur *c)
{
	c->corrupt = c->done = true;
	return false;
}

/* Block b's doc data [*p, *end); false (and the cursor marked corrupt) when
 * the skip table is damaged. */
static bool block_docs(struct post_cur *c, uint32_t b, const unsigned char **p,
		       const unsigned char **end)
{
	uint64_t from, to;
	if (b >= c->nblocks || !block_range(c, b, 1, (uint64_t)(c->docs_end - c->docs), &from, &to))
		return false;
	*p = c->docs + from;
	*end = c->docs + to;
	return true;
}

/* v[0..n) from n fields of w bits packed by pack() at p, each read as
 * post_packed_get() reads one. Eight fields fill exactly w bytes, so within a
 * group of eight every offset and shift is a constant once w is: no field
 * depends on the one before it. Reads up to 7 bytes past the fields' last
 * byte; the caller makes sure they are there. */
static inline __attribute__((always_inline)) void unpack_w(const unsigned char *p, uint32_t n,
							  unsigned w, uint32_t *v)
{
	uint32_t i = 0;
	for (; i + 8 <= n; i += 8, p += w) {
#pragma GCC unroll 8
		for (unsigned j = 0; j < 8; j++)
			v[i + j] = post_packed_get(p, w, j);
	}
	for (unsigned j = 0; i < n; i++, j++)
		v[i] = post_packed_get(p, w, j);
}

/* unpack_w() with w a constant in each case (w <= 32) */
static void unpack(const unsigned char *p, uint32_t n, unsigned w, uint32_t *v)
{
	switch (w) {
	case 0: memset(v, 0, (size_t)n * sizeof *v); break;
#define W(k) case k: unpack_w(p, n, k, v); break;
	W(1) W(2) W(3) W(4) W(5) W(6) W(7) W(8) W(9) W(10) W(11) W(12) W(13) W(14) W(15) W(16)
	W(17) W(18) W(19) W(20) W(21) W(22) W(23) W(24) W(25) W(26) W(27) W(28) W(29) W(30)
	W(31) W(32)
#undef W
	}
}

uint32_t post_block_docs(struct post_cur *c, uint32_t b, uint32_t ndocs, uint32_t *doc,
			 struct post_packed *pk)
{
	const unsigned char *q, *end;
	if (!block_docs(c, b, &q, &end))
		return 0;
	uint32_t n = NL_MIN(c->df - b * POST_BLOCK, (uint32_t)POST_BLOCK);
	if (end - q < 3 || q[0] > 32 || q[1] > 32 || q[2] > 32)
		goto bad;
	size_t lg = ((size_t)n * q[0] + 7) / 8, lb = ((size_t)n * q[1] + 7) / 8;
	size_t lt = ((size_t)n * q[2] + 7) / 8;
	if ((size_t)(end - q) != 3 + lg + lb + lt)
		goto bad;
	const unsigned char *p = q + 3;
	if (c->data_end - end >= 8) {
		unpack(p, n, q[0], doc);
		pk->tfb = p + lg;
		pk->tft = p + lg + lb;
	} else { /* too near the end of the data for unpacking's reads: copies */
		unsigned char gpad[POST_BLOCK * 4 + 8];
		memcpy(gpad, p, lg);
		memset(gpad + lg, 0, 8);
		unpack(gpad, n, q[0], doc);
		memcpy(pk->pad, p + lg, lb + lt);
		memset(pk->pad + lb + lt, 0, 8);
		pk->tfb = pk->pad;
		pk->tft = pk->pad + lb;
	}
	pk->wb = q[1];
	pk->wt = q[2];
	/* prev + 1 + gap: with prev = UINT64_MAX (none yet) the first posting's
	 * gap is its document. Documents only grow (and cannot wrap in 64
	 * bits), so checking the last one keeps them all in range; it must also
	 * be the one the skip table names. */
	uint64_t prev = b ? post_block_last(c, b - 1) : UINT64_MAX;
	for (uint32_t i = 0; i < n; i++) {
		prev += 1 + (uint64_t)doc[i];
		doc[i] = (uint32_t)prev;
	}
	if (n == 0 || prev >= ndocs || prev != post_block_last(c, b))
		goto bad;
	return n;
bad:
	fail(c);
	return 0;
}

void post_block_tfs(const struct post_packed *pk, uint32_t n, uint32_t *tft, uint32_t *tfb)
{
	unpack(pk->tfb, n, pk->wb, tfb);
	unpack(pk->tft, n, pk->wt, tft);
}

uint32_t post_block_decode(struct post_cur *c, uint32_t b, uint32_t ndocs, uint32_t *doc,
			   uint32_t *tft, uint32_t *tfb)
{
	struct post_packed pk;
	uint32_t n = post_block_docs(c, b, ndocs, doc, &pk);
	if (n)
		post_block_tfs(&pk, n, tft, tfb);
	return n;
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
	/* eight bytes at a time while they end no more varints than pending:
	 * a varint ends at each byte with the high bit clear */
	while (c->pending >= 8 && c->pos_end - q >= 8) {
		uint64_t w;
		memcpy(&w, q, 8);
		/* one bit per ending byte, summed by a multiply (no popcount
		 * instruction in the baseline x86-64 the build targets) */
		uint64_t ends = ((~w & 0x8080808080808080ULL) >> 7) * 0x0101010101010101ULL >> 56;
		if (ends > c->pending)
			break;
		c->pending -= ends;
		q += 8;
	}
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

/* Position block b's start in the positions part (entry b - 1's end). */
static bool block_pos(struct post_cur *c, uint32_t b)
{
	uint64_t from, to;
	if (!block_range(c, b, 2, (uint64_t)(c->pos_end - c->pos_base), &from, &to))
		return false;
	c->pp = c->pos_base + from;
	c->pending = 0;
	return true;
}

/* Decode block b into the cursor's arrays and stand before its first posting. */
static bool load_block(struct post_cur *c, uint32_t b)
{
	uint32_t n = post_block_decode(c, b, UINT32_MAX, c->bdoc, c->btft, c->btfb);
	if (!n || !block_pos(c, b))
		return false;
	c->block = b;
	c->loaded = true;
	c->bi = 0;
	c->bn = n;
	c->have_pos = false;
	return true;
}

bool post_cur_next(struct post_cur *c)
{
	if (c->done)
		return false;
	if (!skip_positions(c))
		return false;
	if (!c->loaded || c->bi == c->bn) {
		uint32_t b = c->loaded ? c->block + 1 : c->block;
		if (b >= c->nblocks) {
			c->done = true;
			return false;
		}
		if (!load_block(c, b))
			return false;
	}
	c->doc = c->bdoc[c->bi];
	c->tft = c->btft[c->bi];
	c->tfb = c->btfb[c->bi];
	c->bi++;
	c->have_pos = true;
	return true;
}

bool post_cur_seek(struct post_cur *c, uint32_t target)
{
	if (c->done)
		return false;
	if (c->doc != UINT32_MAX && c->doc >= target)
		return true;
	uint32_t b = post_block_scan(c, c->block, target);
	if ((!c->loaded || b != c->block) && !load_block(c, b))
		return false;
	while (post_cur_next(c))
		if (c->doc >= target)
			return true;
	return false;
}

uint32_t post_cur_find(struct post_cur *c, uint32_t target)
{
	uint32_t b = c->bscan > c->block ? c->bscan : c->block;
	if (b > c->block && post_block_last(c, b - 1) >= target)
		b = c->block; /* an earlier target than the last one */
	return c->bscan = post_block_scan(c, b, target);
}

uint32_t post_cur_positions(struct post_cur *c, uint32_t **out, size_t *cap)
{
	if (!c->have_pos || !settle_positions(c))
		return 0;
	uint64_t n64 = (uint64_t)c->tft + c->tfb;
	if (n64 > (uint64_t)(c->pos_end - c->pp)) { /* a position takes a byte at least */
		fail(c);
		return 0;
	}
	uint32_t n = (uint32_t)n64;
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

uint32_t post_block_positions(struct post_cur *c, uint32_t b, uint32_t i, const uint32_t *tft,
			      const uint32_t *tfb, uint32_t **out, size_t *cap)
{
	if (c->corrupt || i >= POST_BLOCK)
		return 0;
	if (c->pos_block != b || c->pos_at > i) {
		if (!block_pos(c, b))
			return 0;
		c->pos_block = b;
		c->pos_at = 0;
	}
	for (uint32_t j = c->pos_at; j < i; j++)
		c->pending += (uint64_t)tft[j] + tfb[j];
	c->tft = tft[i];
	c->tfb = tfb[i];
	c->have_pos = true;
	c->pos_at = i + 1;
	return post_cur_positions(c, out, cap);
}
