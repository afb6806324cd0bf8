/*
 * analyze.c — record -> stored document + index terms; see analyze.h.
 *
 * Term collection per document: every token's term is looked up in a small
 * open-addressing table (cleared per document) that gives it a dense number;
 * tokens are appended as numbers, in position order (a token's position is
 * its index, plus one in the body: a gap after the title); a counting sort by
 * number then yields each unique term's ascending positions without per-term
 * allocation. The tokenizer hands the terms over some tens at a time
 * (tokenize_batch), so the table's state stays in registers between them.
 */
#include "index/analyze.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dates/dates.h"
#include "dedup/dedup.h"
#include "ingest/readers.h"
#include "text/sentence.h"
#include "text/token.h"
#include "text/utf8.h"
#include "util/day.h"

#define MAX_TITLE 1000
#define MAX_FIELD 2000

struct analyzer {
	struct tokenizer *tk;
	struct dates_tagger *dt;
	size_t mentcap;
	struct buf values;          /* mention values of the current document */
	struct jsonl_scratch js;
	struct buf title, url, source, extid, body, pbuf, rec, terms, misc, joined, prep;
	struct nl_str *para;
	size_t npara, paracap;
	uint32_t *paraoff;         /* offsets into pbuf (stable across growth) */
	struct line_span {         /* a line of the body: offsets of its start, */
		uint32_t start, end, text; /* its end, its first byte other than white space */
	} *lines;
	size_t linecap;
	size_t paraoffcap;
	struct span *spans;
	size_t nspans, spancap;
	struct doc d;
	size_t sentcap;
	/* per-document term table */
	uint32_t *slot;            /* hash -> base + term number + 1 */
	uint32_t base;             /* slots holding base or less are empty (0, or a
				    * term of an earlier document) */
	size_t slotcap;
	uint32_t *toff;            /* term number -> offset in terms buf */
	uint64_t *thash;           /* term number -> nl_hash64 of the term */
	uint8_t *tlen;
	uint32_t *tft, *tfb, *start;
	size_t tcap;
	uint32_t nterms;
	uint32_t *toks;            /* term number of each token, in text order */
	size_t ntoks, tokcap;
	uint32_t *pos;
	size_t poscap;
	uint32_t title_toks;       /* tokens of the title (positions 0..title_toks) */
	bool in_title;
};

struct analyzer *analyzer_new(void)
{
	struct analyzer *a = xcalloc(1, sizeof *a);
	a->tk = tokenizer_new(true);
	a->dt = dates_new();
	buf_init(&a->values, 0);
	jsonl_scratch_init(&a->js);
	struct buf *bs[] = { &a->title, &a->url, &a->source, &a->extid, &a->body,
			     &a->pbuf, &a->rec, &a->terms, &a->misc, &a->joined, &a->prep };
	for (size_t i = 0; i < NL_ARRAY_LEN(bs); i++)
		buf_init(bs[i], 0);
	a->slotcap = 4096;
	a->slot = xcalloc(a->slotcap, sizeof *a->slot);
	return a;
}

void analyzer_free(struct analyzer *a)
{
	if (!a)
		return;
	tokenizer_free(a->tk);
	dates_free(a->dt);
	buf_release(&a->values);
	free(a->d.ment);
	jsonl_scratch_release(&a->js);
	struct buf *bs[] = { &a->title, &a->url, &a->source, &a->extid, &a->body,
			     &a->pbuf, &a->rec, &a->terms, &a->misc, &a->joined, &a->prep };
	for (size_t i = 0; i < NL_ARRAY_LEN(bs); i++)
		buf_release(bs[i]);
	free(a->para);
	free(a->paraoff);
	free(a->lines);
	free(a->spans);
	free(a->d.sent);
	free(a->slot);
	free(a->toff);
	free(a->thash);
	free(a->tlen);
	free(a->tft);
	free(a->tfb);
	free(a->start);
	free(a->toks);
	free(a->pos);
	free(a);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Append trimmed [p, p+n) as a paragraph, joining its inner newlines with
 * spaces; one_line: the caller knows it has no line break but at its end.
 * Inlined: a call a paragraph (most are a line) cost more than its work. */
__attribute__((always_inline))
static inline void add_para(struct analyzer *a, const char *p, size_t n, bool one_line)
{
	while (n && (is_space(*p) || *p == '\n')) { p++; n--; }
	while (n && (is_space(p[n - 1]) || p[n - 1] == '\n')) n--;
	if (!n)
		return;
	if ((a->npara + 1) * 2 > a->paraoffcap) /* the call only to grow */
		a->paraoff = xgrow(a->paraoff, &a->paraoffcap, (a->npara + 1) * 2, sizeof *a->paraoff);
	uint32_t off = (uint32_t)a->pbuf.n;
	bool had_nl = !one_line && memchr(p, '\n', n) != NULL;
	if (!had_nl) {
		buf_put(&a->pbuf, p, n);
	} else {
		/* hard-wrapped lines: one space where a line break and indentation were */
		size_t i = 0;
		while (i < n) {
			const char *nl = memchr(p + i, '\n', n - i);
			size_t e = nl ? (size_t)(nl - p) : n;
			buf_put(&a->pbuf, p + i, e - i);
			if (!nl)
				break;
			while (a->pbuf.n > off && is_space(a->pbuf.p[a->pbuf.n - 1]))
				a->pbuf.n--;
			buf_putc(&a->pbuf, ' ');
			i = e;
			while (i + 1 < n && is_space(p[i + 1]))
				i++;
			i++;
		}
	}
	a->paraoff[a->npara * 2] = off;
	a->paraoff[a->npara * 2 + 1] = (uint32_t)(a->pbuf.n - off);
	a->npara++;
}

static void find_paragraphs(struct analyzer *a, const char *t, size_t n, bool lines)
{
	a->npara = 0;
	buf_clear(&a->pbuf);
	if (lines) {
		const char *p = t, *e = t + n;
		while (p < e) {
			const char *nl = memchr(p, '\n', (size_t)(e - p));
			const char *le = nl ? nl : e;
			add_para(a, p, (size_t)(le - p), true);
			p = nl ? nl + 1 : e;
		}
		return;
	}
	/* look at the layout: blank lines? indented lines? Each line's start,
	 * end and first other than white space are kept for the pass below,
	 * which would otherwise find them all again */
	bool blank = false;
	size_t indented = 0, nlines = 0, nl_all = 0;
	const char *p = t, *e = t + n;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;
		const char *q = p;
		while (q < le && is_space(*q))
			q++;
		if (q == le) {
			if (nl && nlines > 0)
				blank = true;
		} else {
			nlines++;
			if (q > p && p > t)
				indented++;
		}
		if (nl_all == a->linecap)
			a->lines = xgrow(a->lines, &a->linecap, nl_all + 1, sizeof *a->lines);
		a->lines[nl_all++] = (struct line_span){ (uint32_t)(p - t), (uint32_t)(le - t),
							 (uint32_t)(q - t) };
		p = nl ? nl + 1 : e;
	}
	/* every line starts a paragraph unless there are blank lines or
	 * indented ones: then a paragraph is one line (and its break) */
	bool one_line = !blank && indented < 2;
	const char *pstart = t;
	for (size_t k = 0; k < nl_all; k++) {
		p = t + a->lines[k].start;
		const char *le = t + a->lines[k].end, *q = t + a->lines[k].text;
		const char *next = le < e ? le + 1 : e; /* past the line break */
		bool is_blank = q == le;
		bool starts = false;
		if (blank)
			starts = is_blank;
		else if (indented >= 2)
			starts = q > p;
		else
			starts = true;
		if (blank && starts) {
			add_para(a, pstart, (size_t)(p - pstart), false);
			pstart = next;
		} else if (!blank && starts && p > pstart) {
			add_para(a, pstart, (size_t)(p - pstart), one_line);
			pstart = p;
		}
	}
	add_para(a, pstart, (size_t)(e - pstart), one_line);
}

size_t analyze_paragraphs(const char *text, size_t len, bool lines, struct nl_str **out,
			  size_t *n, size_t *cap, struct buf *joined)
{
	struct analyzer a;
	memset(&a, 0, sizeof a);
	a.pbuf = *joined;
	find_paragraphs(&a, text, len, lines);
	*joined = a.pbuf;
	*out = xgrow(*out, cap, *n + a.npara + 1, sizeof **out);
	for (size_t i = 0; i < a.npara; i++)
		(*out)[(*n)++] = nl_str_make(joined->p + a.paraoff[i * 2], a.paraoff[i * 2 + 1]);
	free(a.paraoff);
	free(a.lines);
	return a.npara;
}

/* --------------------------------------------------------------- terms --- */

static void terms_reset(struct analyzer *a)
{
	/* The table keeps the size of the largest document so far, and is not
	 * cleared between documents: a slot holds base + the term's number + 1,
	 * and the next document's base is past every number of this one, so
	 * this document's slots read as empty (a slot left over is as good as
	 * an empty one: nothing is removed while a document is in the table).
	 * Only when the numbers would run out is it cleared. Before, each
	 * document's slots were found and emptied one by one, which cost as
	 * much as inserting them. */
	a->base += a->nterms;
	if (a->base > UINT32_MAX / 2) {
		memset(a->slot, 0, a->slotcap * sizeof *a->slot);
		a->base = 0;
	}
	a->nterms = 0;
	a->ntoks = 0;
	buf_clear(&a->terms);
}

/* Room for more terms in the per-term arrays (rare: kept out of on_token,
 * whose every call would otherwise save the registers this needs). */
static __attribute__((noinline)) void terms_grow(struct analyzer *a, size_t need)
{
	size_t c = a->tcap ? a->tcap * 2 : 1024;
	while (c < need)
		c *= 2;
	/* base (at most 2^31 - 1, terms_reset) + a term's number + 1 must fit
	 * a slot; memory runs out long before a document has 2^31 terms */
	if (c > (size_t)1 << 31)
		nl_die("analyzer: more than 2^31 terms in one document");
	a->toff = xrealloc(a->toff, c * sizeof *a->toff);
	a->thash = xrealloc(a->thash, c * sizeof *a->thash);
	a->tlen = xrealloc(a->tlen, c);
	a->tft = xrealloc(a->tft, c * sizeof *a->tft);
	a->tfb = xrealloc(a->tfb, c * sizeof *a->tfb);
	a->start = xrealloc(a->start, (c + 1) * sizeof *a->start);
	a->tcap = c;
}

/* Double the term table and put every term back (rare, as terms_grow). */
static __attribute__((noinline)) void slots_grow(struct analyzer *a)
{
	size_t nc = a->slotcap * 2;
	uint32_t *ns = xcalloc(nc, sizeof *ns);
	for (uint32_t t = 0; t < a->nterms; t++) {
		size_t j = a->thash[t] & (nc - 1);
		while (ns[j])
			j = (j + 1) & (nc - 1);
		ns[j] = a->base + t + 1;
	}
	free(a->slot);
	a->slot = ns;
	a->slotcap = nc;
}

/* [n]: the bytes of a term of n <= 16 bytes, as two little-endian words:
 * a table look, where computing them took two variable shifts */
static const uint64_t short_mask[17][2] = {
	{ 0x0000000000000000ull, 0x0000000000000000ull }, /* 0 */
	{ 0x00000000000000ffull, 0x0000000000000000ull }, /* 1 */
	{ 0x000000000000ffffull, 0x0000000000000000ull }, /* 2 */
	{ 0x0000000000ffffffull, 0x0000000000000000ull }, /* 3 */
	{ 0x00000000ffffffffull, 0x0000000000000000ull }, /* 4 */
	{ 0x000000ffffffffffull, 0x0000000000000000ull }, /* 5 */
	{ 0x0000ffffffffffffull, 0x0000000000000000ull }, /* 6 */
	{ 0x00ffffffffffffffull, 0x0000000000000000ull }, /* 7 */
	{ 0xffffffffffffffffull, 0x0000000000000000ull }, /* 8 */
	{ 0xffffffffffffffffull, 0x00000000000000ffull }, /* 9 */
	{ 0xffffffffffffffffull, 0x000000000000ffffull }, /* 10 */
	{ 0xffffffffffffffffull, 0x0000000000ffffffull }, /* 11 */
	{ 0xffffffffffffffffull, 0x00000000ffffffffull }, /* 12 */
	{ 0xffffffffffffffffull, 0x000000ffffffffffull }, /* 13 */
	{ 0xffffffffffffffffull, 0x0000ffffffffffffull }, /* 14 */
	{ 0xffffffffffffffffull, 0x00ffffffffffffffull }, /* 15 */
	{ 0xffffffffffffffffull, 0xffffffffffffffffull }, /* 16 */
};

/* Is term number id the term[0..len) of hash h? */
__attribute__((always_inline))
static inline bool term_is(const uint64_t *thash, const uint8_t *tlen, const uint32_t *toff,
			   const char *terms, uint32_t id, uint64_t h, size_t len, const char *term)
{
	if (thash[id] != h || tlen[id] != len)
		return false;
	const char *q = terms + toff[id];
	if (len > 16)
		return memcmp(q, term, len) == 0;
	/* two words each: 16 bytes can be read at both (see on_terms' append
	 * and token.h) */
	uint64_t x0, x1, y0, y1;
	memcpy(&x0, q, 8);
	memcpy(&x1, q + 8, 8);
	memcpy(&y0, term, 8);
	memcpy(&y1, term + 8, 8);
	return (((x0 ^ y0) & short_mask[len][0]) | ((x1 ^ y1) & short_mask[len][1])) == 0;
}

/* The table's slot, after slot i, that holds the term[0..len) of hash h
 * or is empty. Out of line: it is seldom needed (the table is at most half
 * full), and on_terms' loop keeps its registers. */
static __attribute__((noinline)) size_t probe_on(const struct analyzer *a, size_t i, uint64_t h,
						 size_t len, const char *term)
{
	size_t mask = a->slotcap - 1;
	for (;;) {
		i = (i + 1) & mask;
		uint32_t s = a->slot[i];
		if (s <= a->base ||
		    term_is(a->thash, a->tlen, a->toff, a->terms.p, s - a->base - 1, h, len, term))
			return i;
	}
}

/* Number each term of a batch from the tokenizer (a new term of this
 * document gets the next number) and append the numbers to toks. The
 * table's arrays are in locals for the batch. */
static int on_terms(void *ctx, const struct token_term *tt, size_t n)
{
	struct analyzer *a = ctx;
	_Static_assert(TOKEN_MAX_BYTES <= 255, "a term's length fits tlen");
	/* room for the batch up front: a token each, and the bytes of a new
	 * term each (16 written for a short one, see below); and room in the
	 * per-term arrays and the table for as many new terms as the batch
	 * has (it grows a batch early, at most), so the loop below has no
	 * test for it: a term's number does not depend on the table's size */
	if (a->ntoks + n > a->tokcap)
		a->toks = xgrow(a->toks, &a->tokcap, a->ntoks + n, sizeof *a->toks);
	buf_reserve(&a->terms, n * (TOKEN_MAX_BYTES + 16));
	if (a->nterms + n > a->tcap)
		terms_grow(a, a->nterms + n);
	while ((a->nterms + n) * 2 > a->slotcap)
		slots_grow(a);
	uint32_t *slot = a->slot, *toff = a->toff;
	/* the count this part (title or body) adds to, and the other one */
	uint32_t *cnt = a->in_title ? a->tft : a->tfb, *oth = a->in_title ? a->tfb : a->tft;
	uint64_t *thash = a->thash;
	uint8_t *tlen = a->tlen;
	char *terms = a->terms.p;
	size_t mask = a->slotcap - 1, tn = a->terms.n;
	uint32_t nterms = a->nterms, *toks = a->toks + a->ntoks, base = a->base;
	for (size_t k = 0; k < n; k++) {
		const char *term = tt[k].term;
		size_t len = tt[k].len;
		uint64_t h = tt[k].hash;
		size_t i = h & mask;
		uint32_t s = slot[i], id;
		/* the table is at most half full: the first slot is empty or
		 * holds the term, most often; else on along the probe */
		if (s > base && !term_is(thash, tlen, toff, terms, s - base - 1, h, len, term)) {
			i = probe_on(a, i, h, len, term);
			s = slot[i];
		}
		if (s <= base) {
			id = nterms++;
			slot[i] = base + nterms;
			toff[id] = (uint32_t)tn;
			thash[id] = h;
			tlen[id] = (uint8_t)len;
			/* its first occurrence */
			cnt[id] = 1;
			oth[id] = 0;
			/* a new term of this document, appended (the buffer is
			 * not NUL-terminated). Most terms are short: 16 bytes
			 * are copied at once (a term's TOKEN_MAX_BYTES may be
			 * read), the bytes past len are overwritten by the next
			 * term */
			if (len <= 16)
				memcpy(terms + tn, term, 16);
			else
				memcpy(terms + tn, term, len);
			tn += len;
		} else {
			id = s - base - 1;
			cnt[id]++;
		}
		*toks++ = id;
	}
	a->nterms = nterms;
	a->ntoks += n;
	a->terms.n = tn;
	return 0;
}

/* Group token positions by term (counting sort) and fill the seg_wdoc
 * arrays: the terms' bytes and their positions, each one after another,
 * with no pointer per term (nothing reads them: pack copies the runs, and
 * the writer walks them) */
static void terms_finish(struct analyzer *a, struct seg_wdoc *w)
{
	uint32_t n = a->nterms;
	/* every token counted one occurrence of its term: the positions of
	 * all terms fill exactly ntoks slots */
	a->pos = xgrow(a->pos, &a->poscap, a->ntoks + 1, sizeof *a->pos);
	/* the arrays in locals: the stores through start may alias a's
	 * fields, which would be loaded again for every term */
	uint32_t *start = a->start, *pos = a->pos;
	const uint32_t *tft = a->tft, *tfb = a->tfb;
	uint32_t acc = 0;
	for (uint32_t t = 0; t < n; t++) {
		start[t] = acc;
		acc += tft[t] + tfb[t];
	}
	/* tokens are in position order, so each term's positions come out
	 * ascending; the body's are one more than their index */
	const uint32_t *toks = a->toks;
	size_t i = 0, nt = a->ntoks;
	for (; i < a->title_toks; i++)
		pos[start[toks[i]]++] = (uint32_t)i;
	for (; i < nt; i++)
		pos[start[toks[i]]++] = (uint32_t)i + 1;
	w->nterms = n;
	w->term_lens = a->tlen;
	w->term_hash = a->thash;
	w->tft = a->tft;
	w->tfb = a->tfb;
	w->term_bytes = a->terms.p;
	w->nterm_bytes = a->terms.n;
	w->positions = pos;
}

/* ------------------------------------------------------------- analysis --- */

/* *plain: see utf8_repair_plain(), counted in s cut to cap. */
static long repair_plain(struct buf *out, struct nl_str s, size_t cap, size_t *plain)
{
	buf_clear(out);
	if (s.n > cap) {
		/* cut at a code point boundary */
		size_t n = cap;
		while (n > 0 && ((unsigned char)s.p[n] & 0xc0) == 0x80)
			n--;
		s.n = n;
	}
	/* one pass: invalid sequences -> U+FFFD (counted), controls -> spaces */
	return utf8_repair_plain(s.p, s.n, out, plain);
}

static long repair(struct buf *out, struct nl_str s, size_t cap)
{
	size_t plain;
	return repair_plain(out, s, cap, &plain);
}

/* Would squeeze() change b: white space other than ' ', two spaces in a
 * row, or a space at either end? Most titles and URLs have none, and this
 * only reads (16 bytes at a time with SSE2; the last few with one load too,
 * from room reserved past the end, so a short title takes no byte loop). */
static bool needs_squeeze(struct buf *b)
{
	size_t n = b->n, i = 0;
	if (n == 0)
		return false;
	if (b->p[0] == ' ' || b->p[n - 1] == ' ')
		return true;
	unsigned prev = 0; /* the byte before i is a space */
#ifdef __SSE2__
	buf_reserve(b, 16);
	const char *p = b->p;
	for (; i < n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		/* the bytes of the text among these 16 (the rest: reserved room) */
		unsigned in = n - i >= 16 ? 0xFFFF : (1u << (n - i)) - 1;
		__m128i ws = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
					  _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')),
						       _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));
		if ((unsigned)_mm_movemask_epi8(ws) & in)
			return true;
		unsigned sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' '))) & in;
		if (sp & ((sp << 1) | prev))
			return true;
		prev = sp >> 15;
	}
#else
	const char *p = b->p;
	for (; i < n; i++) {
		char c = p[i];
		if (c == '\n' || c == '\t' || c == '\r' || (c == ' ' && prev))
			return true;
		prev = c == ' ';
	}
#endif
	return false;
}

/* Collapse runs of white space (titles are shown on one line). */
static void squeeze(struct buf *b)
{
	if (!needs_squeeze(b)) {
		if (b->p)
			b->p[b->n] = 0;
		return;
	}
	size_t w = 0;
	bool sp = true;
	for (size_t i = 0; i < b->n; i++) {
		char c = b->p[i];
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			if (!sp)
				b->p[w++] = ' ';
			sp = true;
		} else {
			b->p[w++] = c;
			sp = false;
		}
	}
	while (w && b->p[w - 1] == ' ')
		w--;
	b->n = w;
	if (b->p)
		b->p[w] = 0;
}

/* TOKEN_PAD zero bytes after b's text (the title, the joined body), not
 * counted in it, for tokenize_batch_padded(). */
static void pad_text(struct buf *b)
{
	buf_reserve(b, TOKEN_PAD);
	memset(b->p + b->n, 0, TOKEN_PAD);
}

static bool has_word(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c >= 0xc0)
			return true;
	}
	return false;
}

int analyze_record(struct analyzer *a, struct ingest *ig, const struct rec *rin,
		   struct seg_wdoc *out)
{
	memset(out, 0, sizeof *out);
	struct rec parsed;
	const struct rec *r = rin;
	if (rin->json.n) {
		parsed = *rin;
		if (jsonl_record(ig, &parsed, &a->js) != NL_OK)
			return NL_EINVAL;
		r = &parsed;
	}
	if (r->body.n == 0 || !has_word(r->body.p, r->body.n)) {
		ingest_report(ig, SKIP_EMPTY, r->file, r->line, "empty body; skipped");
		return NL_EEMPTY;
	}
	/* The body is repaired before it is judged: the repair's scan tells how
	 * much of it is plain ASCII (tab and newline included), and
	 * text_looks_binary() finds nothing to count in such text, so most
	 * bodies skip its byte-by-byte look (it reads only the first 64 KiB). */
	long bad = 0;
	size_t plain;
	bad += repair_plain(&a->body, r->body, ig->max_record, &plain);
	if (plain < NL_MIN(r->body.n, (size_t)65536) && text_looks_binary(r->body.p, r->body.n)) {
		ingest_report(ig, SKIP_BINARY, r->file, r->line, "binary data, not an article; skipped");
		return NL_EINVAL;
	}
	bad += repair(&a->title, r->title, MAX_TITLE);
	bad += repair(&a->url, r->url, MAX_FIELD);
	bad += repair(&a->source, r->source, 200);
	bad += repair(&a->extid, r->id, 200);
	if (bad > 0)
		ingest_report(ig, WARN_BADUTF8, r->file, r->line,
			      "%ld invalid UTF-8 sequence%s repaired", bad, bad == 1 ? "" : "s");
	squeeze(&a->title);
	squeeze(&a->url);
	squeeze(&a->source);

	find_paragraphs(a, a->body.p, a->body.n, r->body_lines);
	if (a->npara == 0) {
		ingest_report(ig, SKIP_EMPTY, r->file, r->line, "empty body; skipped");
		return NL_EEMPTY;
	}
	a->para = xgrow(a->para, &a->paracap, a->npara + 1, sizeof *a->para);
	for (size_t i = 0; i < a->npara; i++)
		a->para[i] = nl_str_make(a->pbuf.p + a->paraoff[i * 2], a->paraoff[i * 2 + 1]);

	/* sentences */
	struct doc *d = &a->d;
	d->nsent = 0;
	for (size_t i = 0; i < a->npara; i++) {
		a->nspans = 0;
		sentence_split(a->para[i].p, a->para[i].n, &a->spans, &a->nspans, &a->spancap);
		if (d->nsent + a->nspans + 1 > a->sentcap) /* the call only to grow */
			d->sent = xgrow(d->sent, &a->sentcap, d->nsent + a->nspans + 1, sizeof *d->sent);
		for (size_t k = 0; k < a->nspans; k++)
			d->sent[d->nsent++] = (struct doc_sent){ (uint32_t)i, a->spans[k].start,
								 a->spans[k].end - a->spans[k].start };
	}

	/* date references, sentence by sentence, resolved against the publication day
	 * and (for "two days later") the last day mentioned before */
	struct dates_ctx dctx;
	dates_ctx_init(&dctx);
	d->nment = 0;
	buf_clear(&a->values);
	for (uint32_t i = 0; i < d->nsent; i++) {
		const struct doc_sent *s = &d->sent[i];
		const struct date_mention *m;
		size_t nm = dates_tag(a->dt, a->para[s->para].p + s->start, s->len, r->day, &dctx, &m);
		if (!nm)
			continue;
		if (d->nment + nm + 1 > a->mentcap)
			d->ment = xgrow(d->ment, &a->mentcap, d->nment + nm + 1, sizeof *d->ment);
		for (size_t k = 0; k < nm; k++) {
			struct doc_mention *dm = &d->ment[d->nment++];
			dm->sent = i;
			dm->start = m[k].start;
			dm->len = m[k].end - m[k].start;
			dm->type = m[k].type;
			dm->day = m[k].day;
			size_t vl = strlen(m[k].value);
			/* offsets for now; pointers are fixed once values stops growing */
			dm->value = nl_str_make(NULL, vl);
			dm->value.p = (const char *)(uintptr_t)a->values.n;
			buf_put(&a->values, m[k].value, vl);
		}
	}
	for (uint32_t k = 0; k < d->nment; k++)
		d->ment[k].value.p = a->values.p + (uintptr_t)d->ment[k].value.p;

	/* defaults */
	if (a->title.n == 0) {
		struct nl_str first = a->para[0];
		if (d->nsent > 0)
			first.n = NL_MIN(first.n, (size_t)d->sent[0].start + d->sent[0].len);
		size_t n = NL_MIN(first.n, (size_t)120);
		while (n < first.n && n > 40 && first.p[n] != ' ')
			n--;
		while (n > 0 && n < first.n && ((unsigned char)first.p[n] & 0xc0) == 0x80)
			n--;
		buf_put(&a->title, first.p, n);
		squeeze(&a->title);
		ingest_report(ig, WARN_NOTITLE, r->file, r->line,
			      "no title; using the opening words");
	}
	if (a->url.n == 0) {
		if (r->line)
			buf_printf(&a->url, "file:%s#L%llu", r->file, (unsigned long long)r->line);
		else
			buf_printf(&a->url, "file:%s", r->file);
		ingest_report(ig, WARN_NOURL, r->file, r->line, "no URL; using %s", a->url.p);
	}
	if (a->source.n == 0) {
		struct nl_str h = ingest_url_host(nl_str_make(a->url.p, a->url.n));
		if (h.n)
			buf_put(&a->source, h.p, h.n);
		else
			buf_puts(&a->source, "unknown");
	}
	for (size_t i = 0; i < a->source.n; i++)
		if (a->source.p[i] >= 'A' && a->source.p[i] <= 'Z')
			a->source.p[i] = (char)(a->source.p[i] + 32);

	/* content key: URL and paragraphs */
	buf_clear(&a->misc);
	buf_put(&a->misc, a->url.p, a->url.n);
	buf_putc(&a->misc, 0);
	uint64_t key = nl_hash64_seed(a->misc.p, a->misc.n, 0);
	key ^= nl_hash64_seed(a->pbuf.p, a->pbuf.n, key);

	/* terms */
	terms_reset(a);
	a->in_title = true;
	pad_text(&a->title);
	tokenize_batch_padded(a->tk, a->title.p, a->title.n, on_terms, a);
	uint32_t title_len = a->title_toks = (uint32_t)a->ntoks;
	/* the body starts at title_len + 1: a gap, no phrase spans the edge */
	a->in_title = false;
	/* the body as the archive stores it, a paragraph a line (the
	 * near-duplicate sketch below reads it too): one call for all the
	 * paragraphs, where a call each cost more in calls than in work (most
	 * paragraphs are a line or two). A line break ends a word as the end
	 * of its paragraph did, and is white space before the next one as its
	 * start was, so the terms are the paragraphs' */
	buf_clear(&a->joined);
	for (size_t i = 0; i < a->npara; i++) {
		buf_put(&a->joined, a->para[i].p, a->para[i].n);
		buf_putc(&a->joined, '\n');
	}
	pad_text(&a->joined);
	tokenize_batch_padded(a->tk, a->joined.p, a->joined.n, on_terms, a);
	uint32_t body_len = (uint32_t)a->ntoks - title_len;
	terms_finish(a, out);

	/* the stored record */
	d->title = nl_str_make(a->title.p, a->title.n);
	d->url = nl_str_make(a->url.p, a->url.n);
	d->source = nl_str_make(a->source.p, a->source.n);
	d->extid = nl_str_make(a->extid.p ? a->extid.p : "", a->extid.n);
	d->npara = (uint32_t)a->npara;
	d->para = a->para;
	buf_clear(&a->rec);
	doc_encode(&a->rec, d);

	/* the near-duplicate sketch, as far as it does not depend on the
	 * detector: the body as joined above, a paragraph a line */
	buf_clear(&a->prep);
	dedup_prepare(a->joined.p, a->joined.n, &a->prep);
	out->dedup_prep = nl_str_make(a->prep.p, a->prep.n);
	out->sketch = NULL; /* finished by the archive's ordering stage, which owns the detector */

	out->key = key;
	out->day = r->day;
	out->record = nl_str_make(a->rec.p, a->rec.n);
	out->source = d->source;
	out->title_len = title_len;
	out->body_len = body_len;
	ig->st.bytes += a->title.n + a->body.n;
	return NL_OK;
}
