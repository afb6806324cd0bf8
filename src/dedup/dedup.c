/*
 * dedup.c — exact and near-duplicate detection of article bodies.
 *
 * What: each body becomes a multiset of word 5-shingles, sketched as a
 * 128-value MinHash signature; LSH banding over the signature finds
 * candidates, and every candidate is verified on the full signature. A hash
 * of the body's letters and digits finds exact copies first. Written by hand
 * because it is the product's own craft (STYLE.md 11); XXH3 is the library.
 *
 * Normalisation (why each step):
 *   - The headline is not looked at: syndicating outlets rewrite it.
 *   - A word is a run of bytes between ASCII white space; inside it only ASCII
 *     letters and digits are kept, lowercased, and every other byte (ASCII
 *     punctuation, any non-ASCII byte) is dropped, not turned into a break.
 *     So "Moscow’s", "Moscow's" and "Moscows" are the same word, "U.S." is
 *     "us", "14,000" is "14000": the forms a punctuation-stripping crawler
 *     produces are the forms we compare.
 *   - Shingles never cross a line ('\n', a paragraph): reordering paragraphs
 *     leaves the shingle multiset unchanged. A line of 2-4 words is one
 *     shingle of all its words (tables and live-blog one-liners keep content);
 *     one-word lines ("Reuter", "Advertisement") are skipped.
 *   - Boilerplate lines are skipped, by rules and by learning:
 *       rules: lines that start like a byline ("By ..." up to 12 words), a
 *       photo credit, an editor's note, a copyright or newsletter or "follow
 *       us" line, "Reporting by / Editing by", "This story has been updated",
 *       or end like "... contributed to this report"; a "Related stories" /
 *       "Read more" / "See also" heading and up to 6 short link lines (<= 15
 *       words, not ending like a sentence) under it. The decision rests on
 *       the line's own normalised words, so a line gets it in every copy.
 *       learning: each sketch carries keys of its first and last 3 lines (a
 *       hash of the whole line and of its first or last 8 words). The
 *       detector counts in how many different groups each key appeared; a key
 *       seen in 3 groups is site furniture ("We welcome your comments...",
 *       the Reuters-site footer T17 glues to the last sentence), and a line
 *       with such a key, its prefix or its suffix is left out of later
 *       sketches. Counting groups, not documents, keeps a story's own lines
 *       from being learned when it is syndicated a hundred times. Without
 *       learning, pairwise precision on the labelled set falls from 0.999 to
 *       0.93 (docs/DEDUP.md): short stories with the same footer merge.
 *     A body with nothing left (all boilerplate) is sketched on every line
 *     the rules let through (or, failing that, every line) and flagged SHORT:
 *     it matches only a near-identical body (J and C >= 0.9).
 *
 * Exact key: XXH3 of the body's lowercased ASCII letters and digits, all else
 * dropped — independent of the learned state, of line breaks and of spacing,
 * so a re-wrapped or re-spaced copy is still exact. It is what groups the
 * exact duplicates of the scale corpora (363 in Reuters, 8,567 in the live
 * blogs by the lowercased-token-sequence reference: all of them).
 *
 * Sketch: one-permutation MinHash (Li, Owen & Zhang 2012) — each shingle hash
 * picks one of 128 bins with its top 7 bits and competes for the bin's
 * minimum with its low 32 bits — so a shingle costs one hash, not 128. Empty
 * bins (short bodies) are filled by optimal densification (Shrivastava 2017):
 * bin i copies the first non-empty bin of the sequence hash(i, 1), hash(i, 2)...,
 * which keeps the estimator locality-sensitive. Each minimum is stored as its
 * low 16 bits (b-bit MinHash, Li & König 2010): two different minima agree
 * by chance with probability 2^-16, a negligible bias, and the sketch halves.
 *
 * Lookup: the first 64 values form 32 bands of 2 rows. A copy keeping half of
 * the text has Jaccard >= ~0.45, and P(share a band) = 1 - (1 - J^2)^32 =
 * 0.9994 at J = 0.45; unrelated articles (J < 0.05) collide in a band with
 * probability < 0.08 and are dropped by verification. The band tables are one
 * chained hash table: head[] holds entry+1, next[] one link per (document,
 * band), the entry number itself says which document and band it is, and the
 * band values are re-read from the stored signature — 4 bytes per band per
 * document plus the heads.
 *
 * Verification: from the full signatures, J = matching values / 128, and the
 * containment of the smaller document in the larger, C = J (a + b) /
 * ((1 + J) min(a, b)) with a, b the shingle counts (exact for sets when J is).
 * The Jaccard the rule uses is the larger of J and J recomputed without the
 * shingles the newer sketch left out as learned boilerplate (the sketch says
 * how many): a copy sketched after one of its template lines was learned
 * lacks the line that its source, sketched before, still has.
 * A copy is J >= 0.30 and C >= 0.70, and the smaller has >= 8 shingles. The
 * values were measured with bench/dupgen.c (docs/DEDUP.md): copies keeping
 * at least half of the text have C >= 0.80 at the 1st percentile; different
 * articles on the same topic and day reach C 0.74 and J 0.33 at most, and
 * never both 0.6 and 0.2.
 *
 * Groups: a new document joins the group of the stored document it matches
 * best (highest C, then J, then earliest); the group's representative is its
 * first-stored document. A document that holds >= 90% of a stored document
 * no larger than itself also folds that document's group into its own (the
 * full story arriving after two partial copies that share nothing); the
 * oldest group survives and dedup_merged() names the others. Matching is
 * against every stored member, so a copy of a copy is found. Exact copies and
 * copies with J >= 0.9 to a stored member are not stored: their sketch would
 * nearly repeat that member's, and a story copied a thousand times would make
 * every lookup verify a thousand candidates. Verification stops after 256
 * candidates in any case.
 */
#include "dedup/dedup.h"
#include "util/buf.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
/* XXH3 inlined: the exact key and the sketch check hash a few hundred bytes
 * a document, which the library's copy does in a quarter more instructions
 * (the same values) */
#define XXH_INLINE_ALL
#include <xxhash.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------------------- */
/* Parameters                                                                */

#define SHINGLE_W 5          /* words per shingle (sk_para unrolls 5) */
#define MIN_LINE_WORDS 2     /* shorter lines are skipped (a line of fewer than
			      * SHINGLE_W words is one shingle of all its words) */
#define BIN_BITS 7           /* 2^7 = DEDUP_K bins */
#define BANDS 32
#define ROWS 2
#define MIN_JACCARD 0.30f
#define MIN_CONTAINMENT 0.70f
#define MIN_NEAR_SHINGLES 8  /* fewer shingles: only exact copies match */
#define SHORT_JACCARD 0.9f   /* Jaccard and containment a SHORT body needs */
#define MERGE_CONTAINMENT 0.9f /* a copy this complete of two groups joins them */
#define STORE_JACCARD 0.9f   /* a copy this similar to a stored one is not stored */
#define MAX_VERIFY 256       /* candidates verified per lookup at most */
#define LINK_LINES 6         /* lines under a "related stories" heading skipped */
#define LINK_MAX_WORDS 15    /* ...if they are no longer than this */
#define EDGE_LINES 3         /* first and last lines whose keys a sketch keeps */
#define NEDGE (4 * EDGE_LINES) /* ...a key and a prefix or suffix key each */
#define KEY_WORDS 8          /* words of a line's prefix and suffix keys */
#define BOILER_GROUPS 3      /* a key seen in this many groups is boilerplate */

#define SKETCH_VERSION 1
#define FLAG_EMPTY 1u
#define FLAG_SHORT 2u
#define OFF_MINS 16
#define OFF_EDGES (OFF_MINS + 2 * DEDUP_K)
#define OFF_LEARNED (OFF_EDGES + 4 * NEDGE)
#define OFF_CHECK (OFF_LEARNED + 4)

_Static_assert(DEDUP_K == 1 << BIN_BITS, "bins");
_Static_assert(BANDS * ROWS <= DEDUP_K, "bands");
_Static_assert((BANDS & (BANDS - 1)) == 0, "BANDS is a power of two");
_Static_assert(BANDS <= 32, "lookup keeps a bit per band in a u32");
_Static_assert(OFF_CHECK + 4 == DEDUP_SKETCH_BYTES, "layout");

static inline uint64_t fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

/* ------------------------------------------------------------------------- */
/* Words                                                                     */

struct wordscan {
	const char *p, *end;
	char *ex;  /* if not NULL: every letter and digit scanned is appended
		    * here (the exact key's input; see exact_key) */
	size_t exn;
};

#define FNV_OFFSET 0xcbf29ce484222325ULL /* a word's hash: FNV-1a of its */
#define FNV_PRIME 0x100000001b3ULL       /* normalised bytes */

static inline bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Each byte's part in a word: an ASCII letter or digit, lowercased; SPACE for
 * ASCII white space (is_space); NEWLINE for '\n', white space that ends the
 * paragraph (para_scan_x finds the end so); 0 for every other byte. Both
 * white space kinds have the top bit set. */
#define SPACE 0x80
#define NEWLINE 0x81
static const unsigned char wtab[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* A byte's wtab entry, sign-extended: < 0 for white space (WNEWLINE for
 * '\n'), > 0 for a letter or digit, 0 for a byte that is dropped. */
#define WSPACE ((int64_t)(signed char)SPACE)
#define WNEWLINE ((int64_t)(signed char)NEWLINE)
static inline int64_t wclass(unsigned char b)
{
	return (signed char)wtab[b];
}

/* Next word of the paragraph into *h (its hash); false at the end. Words
 * are runs of non-space bytes with at least one ASCII letter or digit; only
 * those are kept. The first pass reads words with para_scan_x or
 * para_scan_v, which keep them by the same rule; this is for sk_para, to read
 * a paragraph again. */
static bool word_next(struct wordscan *s, uint64_t *h)
{
	const unsigned char *p = (const unsigned char *)s->p;
	const unsigned char *end = (const unsigned char *)s->end;
	for (;;) {
		while (p < end && wclass(*p) < 0)
			p++;
		if (p == end) {
			s->p = (const char *)p;
			return false;
		}
		uint64_t wh = FNV_OFFSET;
		bool any = false;
		for (; p < end; p++) {
			int64_t c = wclass(*p);
			if (c <= 0) { /* one test for both rare kinds */
				if (c < 0)
					break;
				continue;
			}
			any = true;
			wh = (wh ^ (uint64_t)c) * FNV_PRIME;
		}
		if (any) {
			s->p = (const char *)p;
			*h = wh;
			return true;
		}
	}
}

/* ------------------------------------------------------------------------- */
/* Boilerplate                                                               */

/* What the first pass learns of a paragraph. Word i's hash and the place of
 * its text in the scan's ex buffer are at i % PARA_WORDS: all of them for a
 * paragraph of at most PARA_WORDS words (sk_para shingles those from the
 * hashes), the last PARA_WORDS of a longer one. One store each per word: the
 * keys and the rules' words are taken from them once the paragraph ends. */
#define PARA_WORDS 512 /* a power of two */

struct para {
	size_t nwords;
	uint64_t words[PARA_WORDS];
	uint32_t start[PARA_WORDS]; /* offset of word i's text in ex (with ex) */
	uint32_t fstart[5];  /* start[0..4], kept when a long paragraph wraps */
	const char *text;    /* the ex buffer the offsets are in */
	size_t tend;         /* ...and the offset just past the last word */
	uint32_t key;        /* hash of the normalised words, never 0 */
	uint32_t pkey, skey; /* the same of the first and of the last KEY_WORDS words */
};
_Static_assert((PARA_WORDS & (PARA_WORDS - 1)) == 0 && PARA_WORDS > KEY_WORDS, "ring");

static inline uint32_t words_key(uint64_t h)
{
	return (uint32_t)(fmix64(h) | 1);
}

/* The hash of words[i], i = from .. from + KEY_WORDS - 1 (mod PARA_WORDS) */
static uint64_t key_words(const uint64_t *words, size_t from)
{
	uint64_t h = 0;
#pragma GCC unroll 8
	for (size_t i = 0; i < KEY_WORDS; i++)
		h = (h + words[(from + i) % PARA_WORDS]) * 0x9e3779b97f4a7c15ULL;
	return h;
}

/* A scanned paragraph's keys, from its n words (pa->words, a ring past
 * PARA_WORDS: the first KEY_WORDS' key then comes from the scan) and h, the
 * hash of all of them; both scans end here. */
static inline void para_keys(struct para *pa, size_t n, uint64_t h)
{
	pa->key = words_key(h);
	if (n <= KEY_WORDS) {
		pa->pkey = pa->skey = pa->key;
	} else {
		if (n <= PARA_WORDS)
			pa->pkey = words_key(key_words(pa->words, 0));
		pa->skey = words_key(key_words(pa->words, n - KEY_WORDS));
	}
}

/* Read the paragraph at p0 (word_next's rule) into pa; returns its end.
 * ex, if not NULL, gets the paragraph's letters and digits appended (at
 * ex->ex + ex->exn). nl_end: a '\n' follows, and the first one ends the
 * paragraph (end0 is not used): it stops a word as a space does, so a byte
 * need not be compared with an end, and with ex a word's letters are copied
 * and hashed by one index; otherwise the paragraph ends at end0 (the last of
 * a body). Both are constants: the compiler makes a loop for each. */
static inline __attribute__((always_inline)) const char *para_scan_x(const char *p0,
								     const char *end0,
								     struct para *pa,
								     struct wordscan *ex,
								     bool nl_end)
{
	const unsigned char *p = (const unsigned char *)p0;
	const unsigned char *end = (const unsigned char *)end0;
	char *xb = ex ? ex->ex : NULL, *x = ex ? ex->ex + ex->exn : NULL;
	uint64_t h = 0;
	size_t n = 0;
	/* the byte at p, as wtab has it, sign-extended: SPACE is negative, a
	 * letter or digit positive (one test for a byte's part, and the
	 * compiler's best loop) */
	int64_t c = nl_end || p < end ? wclass(*p) : WSPACE;
	for (;;) {
		/* the white space before a word */
		while (c < 0) {
			if (nl_end ? c == WNEWLINE : p == end)
				goto done;
			p++;
			c = nl_end || p < end ? wclass(*p) : WSPACE;
		}
		/* a word: its letters and digits up to a space, any other byte
		 * dropped */
		uint64_t wh = FNV_OFFSET;
		char *x0 = x;
		bool any = false;
		for (;;) {
			if (ex && nl_end) {
				size_t i = 0;
				while (c > 0) {
					x[i] = (char)c;
					wh = (wh ^ (uint64_t)c) * FNV_PRIME;
					c = wclass(p[++i]);
				}
				p += i;
				x += i;
			} else {
				while (c > 0) {
					if (ex)
						*x++ = (char)c;
					any = true;
					wh = (wh ^ (uint64_t)c) * FNV_PRIME;
					p++;
					c = nl_end || p < end ? wclass(*p) : WSPACE;
				}
			}
			if (c < 0)
				break;
			p++; /* a byte that is dropped */
			c = nl_end || p < end ? wclass(*p) : WSPACE;
		}
		if (ex ? x == x0 : !any)
			continue; /* no letter or digit: not a word */
		h = (h + wh) * 0x9e3779b97f4a7c15ULL;
		if (n == PARA_WORDS) {
			/* the ring wraps: keep what the keys and rules need
			 * of the first words */
			pa->pkey = words_key(key_words(pa->words, 0));
			if (ex)
				memcpy(pa->fstart, pa->start, sizeof pa->fstart);
		}
		pa->words[n % PARA_WORDS] = wh;
		if (ex)
			pa->start[n % PARA_WORDS] = (uint32_t)(x0 - xb);
		n++;
	}
done:
	pa->nwords = n;
	if (ex) {
		ex->exn = (size_t)(x - xb);
		pa->text = xb;
		pa->tend = ex->exn;
	}
	para_keys(pa, n, h);
	return (const char *)p;
}

#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * The first pass over a paragraph with ex (sk_body's rule pass), 64 bytes
 * at a time. para_scan_x reads a byte, branches on its kind and hashes it
 * into its word at once, so every word ends in a branch on its length that
 * the CPU cannot foresee, and a word's letters are a chain of dependent
 * multiplies. Here the kinds of 64 bytes are found at once as bit masks
 * (scan_window); the runs of letters and digits are copied to ex and the
 * words' starts there recorded from the masks; then, at the paragraph's end,
 * the words are hashed from ex, two at a time, each in a fixed number of steps
 * (fnv_letters), so that no branch depends on a word's length and several
 * hashes are in flight together. Same words, hashes, offsets and keys as
 * para_scan_x (which non-SSE2 or big-endian builds still use).
 */

/* FNV-1a of n >= 1 letters at q (8 bytes readable past each 8 read), all
 * but its last eight steps: returns the state and sets *last to the last
 * chunk of m <= 8 letters, moved to the top of a u64 with 8 - m zero bytes
 * under them, for eight steps of (h ^ byte) * FNV_PRIME, low byte first. A
 * zero byte's step only multiplies by the FNV prime, which is odd, so the
 * state returned has been multiplied by the prime's inverse 8 - m times
 * (fnv_unwind, fnv_first): the eight steps end on the true hash, and no
 * branch depends on m. */
static const uint64_t fnv_unwind[8] = { /* FNV_PRIME^-k mod 2^64 */
	0x1ULL, 0xce965057aff6957bULL, 0x501d877bc9ac6919ULL, 0x9af153df54080c03ULL,
	0xb10f8d2ca6bd8471ULL, 0xba88eb8deeba674bULL, 0xf30a275cb8c04809ULL,
	0x375026270df5d953ULL,
};
static const uint64_t fnv_first[9] = { /* FNV_OFFSET * fnv_unwind[8 - m] */
	0, 0xa9099b2f4a44c1ffULL, 0x8014b05b32d5a44dULL,
	0x78cbf7f761062ed7ULL, 0x48c53059dd819755ULL, 0x28a87db36334256fULL,
	0x4a7306d1919b9b9dULL, 0x1d10331a6b696bc7ULL, FNV_OFFSET,
};

static inline uint64_t fnv_letters(const char *q, size_t n, uint64_t *last)
{
	uint64_t h, w;
	if (n <= 8) {
		h = fnv_first[n];
	} else {
		h = FNV_OFFSET;
		do {
			memcpy(&w, q, 8);
#pragma GCC unroll 8
			for (unsigned i = 0; i < 8; i++) {
				h = (h ^ (w & 0xff)) * FNV_PRIME;
				w >>= 8;
			}
			q += 8;
			n -= 8;
		} while (n > 8);
		h *= fnv_unwind[8 - n];
	}
	memcpy(&w, q, 8);
	*last = w << 8 * (8 - n);
	return h;
}

/* One window of a paragraph: the 64 bytes at src (copied with '\n' after
 * the body's end, at most 63 bytes, so that every load is within the body). */
struct window {
	uint64_t letters; /* bit i: byte i is a letter or digit */
	uint64_t spaces;  /* ...ASCII white space */
	uint64_t newline; /* ...'\n' */
};

static inline struct window scan_window(const unsigned char *src, unsigned char low[64])
{
	struct window m = { 0, 0, 0 };
#pragma GCC unroll 4
	for (unsigned b = 0; b < 4; b++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(src + 16 * b));
		/* each range of bytes by one signed compare: the range's first
		 * byte moved to -128 by adding 0x80 - first (a letter, with 0x20 set,
		 * is 'a'..'z') */
		__m128i t = _mm_or_si128(v, _mm_set1_epi8(0x20));
		__m128i al = _mm_cmplt_epi8(_mm_add_epi8(t, _mm_set1_epi8(0x80 - 'a')),
					    _mm_set1_epi8(-128 + 26));
		__m128i dg = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x80 - '0')),
					    _mm_set1_epi8(-128 + 10));
		/* white space: ' ' and '\t' '\n' '\v' '\f' '\r' (is_space, '\n') */
		__m128i sp = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
					  _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x80 - '\t')),
							 _mm_set1_epi8(-128 + 5)));
		__m128i nl = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
		_mm_storeu_si128((__m128i *)(low + 16 * b),
				 _mm_or_si128(_mm_and_si128(al, t), _mm_and_si128(dg, v)));
		m.letters |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(al, dg)) << (16 * b);
		m.spaces |= (uint64_t)(unsigned)_mm_movemask_epi8(sp) << (16 * b);
		m.newline |= (uint64_t)(unsigned)_mm_movemask_epi8(nl) << (16 * b);
	}
	return m;
}

/* para_scan_x with ex, for either kind of end (the body's last paragraph
 * reads as if a '\n' followed it). ex has 16 bytes of room past the body's
 * letters (dedup_prepare). */
static const char *para_scan_v(const char *p0, const char *end0, struct para *pa,
			       struct wordscan *ex)
{
	const unsigned char *w = (const unsigned char *)p0;
	const unsigned char *end = (const unsigned char *)end0;
	char *xb = ex->ex, *x = ex->ex + ex->exn;
	/* the window's letters and digits lowercased, 0 for other bytes; a
	 * run's copy reads up to 15 bytes past the window */
	unsigned char low[64 + 16];
	unsigned char tail[64];
	uint64_t h = 0;
	size_t n = 0, done = 0; /* words started; words hashed */
	/* the last byte before the window that is not dropped is white space
	 * (or there is none): a letter after it starts a word */
	uint64_t after_space = 1;
	unsigned cut;
	memset(low + 64, 0, 16);
	for (;;) {
		const unsigned char *src = w;
		if (end - w < 64) {
			size_t r = (size_t)(end - w);
			memcpy(tail, w, r);
			memset(tail + r, '\n', 64 - r);
			src = tail;
		}
		struct window m = scan_window(src, low);
		uint64_t L = m.letters, S = m.spaces;
		cut = 64;
		if (m.newline) {
			cut = (unsigned)__builtin_ctzll(m.newline);
			uint64_t before = (1ULL << cut) - 1;
			L &= before;
			S &= before;
		}
		/* a word starts at a letter whose last byte before that is not
		 * dropped is white space: directly after it, or after a run of
		 * dropped bytes that begins after it (the add carries a run's
		 * first bit to the bit past the run) */
		uint64_t drop = ~(L | S) & (cut == 64 ? ~0ULL : (1ULL << cut) - 1);
		uint64_t sp = S << 1 | after_space, past;
		bool carry = __builtin_add_overflow(drop, sp & drop, &past);
		uint64_t starts = L & (sp | (past & ~drop));
		after_space = S >> 63 | carry;
		/* start[0..4] of a long paragraph, before the ring wraps (this
		 * window starts at most 32 words) */
		if (n - (PARA_WORDS - 32) < 32)
			memcpy(pa->fstart, pa->start, sizeof pa->fstart);
		/* each run of letters and digits to ex (16 bytes at a time; ex
		 * has room past its end), and where each word starts there */
		uint64_t rs = L & ~(L << 1), re = L & ~(L >> 1); /* runs' first, last bits */
		while (rs) {
			unsigned b = (unsigned)__builtin_ctzll(rs);
			size_t len = (unsigned)__builtin_ctzll(re) + 1 - b;
			rs &= rs - 1;
			re &= re - 1;
			_mm_storeu_si128((__m128i *)x, _mm_loadu_si128((const __m128i *)(low + b)));
			for (size_t i = 16; i < len; i += 16)
				_mm_storeu_si128((__m128i *)(x + i),
						 _mm_loadu_si128((const __m128i *)(low + b + i)));
			/* a run that starts no word writes the next word's
			 * slot, which holds no word yet or one hashed and gone
			 * (n - done < PARA_WORDS), but for start[0] at exactly
			 * PARA_WORDS words, put back at the end */
			pa->start[n % PARA_WORDS] = (uint32_t)(x - xb);
			n += starts >> b & 1;
			x += len;
		}
		/* the words are hashed at the paragraph's end, or before the ring
		 * of starts fills (fewer ends of the loops below to mispredict) */
		if (cut == 64 && n - done < PARA_WORDS - 64) {
			w += 64;
			continue;
		}
		/* hash the words whose end is known: all but the last started (it
		 * may go on in the next window), all at the paragraph's end */
		size_t upto = cut < 64 ? n : n - (n > 0);
		/* two words at a time: their hashes are independent chains */
		for (; done + 1 < upto; done += 2) {
			size_t s0 = pa->start[done % PARA_WORDS];
			size_t s1 = pa->start[(done + 1) % PARA_WORDS];
			size_t e1 = done + 2 < n ? pa->start[(done + 2) % PARA_WORDS] :
						   (size_t)(x - xb);
			uint64_t l0, l1;
			uint64_t w0 = fnv_letters(xb + s0, s1 - s0, &l0);
			uint64_t w1 = fnv_letters(xb + s1, e1 - s1, &l1);
#pragma GCC unroll 8
			for (unsigned i = 0; i < 8; i++) {
				w0 = (w0 ^ (l0 & 0xff)) * FNV_PRIME;
				w1 = (w1 ^ (l1 & 0xff)) * FNV_PRIME;
				l0 >>= 8;
				l1 >>= 8;
			}
			h = (h + w0) * 0x9e3779b97f4a7c15ULL;
			if (done == PARA_WORDS)
				pa->pkey = words_key(key_words(pa->words, 0));
			pa->words[done % PARA_WORDS] = w0;
			h = (h + w1) * 0x9e3779b97f4a7c15ULL;
			if (done + 1 == PARA_WORDS)
				pa->pkey = words_key(key_words(pa->words, 0));
			pa->words[(done + 1) % PARA_WORDS] = w1;
		}
		if (done < upto) {
			size_t s = pa->start[done % PARA_WORDS];
			size_t e = done + 1 < n ? pa->start[(done + 1) % PARA_WORDS] :
						  (size_t)(x - xb);
			uint64_t lw;
			uint64_t wh = fnv_letters(xb + s, e - s, &lw);
#pragma GCC unroll 8
			for (unsigned i = 0; i < 8; i++) {
				wh = (wh ^ (lw & 0xff)) * FNV_PRIME;
				lw >>= 8;
			}
			h = (h + wh) * 0x9e3779b97f4a7c15ULL;
			if (done == PARA_WORDS)
				pa->pkey = words_key(key_words(pa->words, 0));
			pa->words[done % PARA_WORDS] = wh;
			done++;
		}
		if (cut < 64)
			break;
		w += 64;
	}
	if (n == PARA_WORDS)
		pa->start[0] = pa->fstart[0];
	pa->nwords = n;
	ex->exn = (size_t)(x - xb);
	pa->text = xb;
	pa->tend = ex->exn;
	para_keys(pa, n, h);
	return (const char *)(w + cut);
}
#endif

/* nl_end: a '\n' follows p (the paragraph is not the body's last). A
 * function of its own: inlined in sk_body, the scan's loops lose registers
 * (a tenth more instructions). */
static __attribute__((noinline)) const char *para_scan(const char *p, const char *end,
							struct para *pa, struct wordscan *ex,
							bool nl_end)
{
#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (ex)
		return para_scan_v(p, end, pa, ex);
#else
	if (ex)
		return nl_end ? para_scan_x(p, end, pa, ex, true) : para_scan_x(p, end, pa, ex, false);
#endif
	else
		return nl_end ? para_scan_x(p, end, pa, NULL, true) :
				para_scan_x(p, end, pa, NULL, false);
}

/* Whether word i (one of the first or last 4) is lit; the paragraph was
 * scanned with ex. */
static inline __attribute__((always_inline)) bool word_at_is(const struct para *pa, size_t i,
							     const char *lit)
{
	const uint32_t *st = pa->nwords > PARA_WORDS && i < 4 ? pa->fstart : pa->start;
	size_t b = st[i % PARA_WORDS];
	size_t e = i + 1 < pa->nwords ? st[(i + 1) % PARA_WORDS] : pa->tend;
	size_t n = strlen(lit);
	return e - b == n && memcmp(pa->text + b, lit, n) == 0;
}

static inline __attribute__((always_inline)) bool first_is(const struct para *pa, size_t i,
							   const char *lit)
{
	return i < pa->nwords && i < 4 && word_at_is(pa, i, lit);
}

/* i-th word from the end (0 = last) */
static inline __attribute__((always_inline)) bool last_is(const struct para *pa, size_t i,
							  const char *lit)
{
	return i < pa->nwords && i < 4 && word_at_is(pa, pa->nwords - 1 - i, lit);
}

enum para_kind { PARA_TEXT, PARA_SKIP, PARA_LINKS };

static enum para_kind para_classify(const struct para *pa)
{
	size_t n = pa->nwords;
	if (n < MIN_LINE_WORDS)
		return PARA_SKIP;
	/* link blocks: "Related stories", "Read more: ...", "See also" */
	if (n <= LINK_MAX_WORDS && (first_is(pa, 0, "related") || (first_is(pa, 0, "read") &&
	    (first_is(pa, 1, "more") || first_is(pa, 1, "also"))) ||
	    (first_is(pa, 0, "see") && first_is(pa, 1, "also")) ||
	    (first_is(pa, 0, "more") && (first_is(pa, 1, "on") || first_is(pa, 1, "from")))))
		return PARA_LINKS;
	if (n <= 12 && (first_is(pa, 0, "by") || first_is(pa, 0, "photo") ||
	    first_is(pa, 0, "photograph") || first_is(pa, 0, "image") || first_is(pa, 0, "video")))
		return PARA_SKIP;
	if ((first_is(pa, 0, "editors") || first_is(pa, 0, "editor") || first_is(pa, 0, "eds")) &&
	    first_is(pa, 1, "note"))
		return PARA_SKIP;
	if (first_is(pa, 0, "note") && first_is(pa, 1, "to") && first_is(pa, 2, "editors"))
		return PARA_SKIP;
	if (first_is(pa, 0, "copyright") || (n <= 12 && first_is(pa, 0, "c")) ||
	    (last_is(pa, 0, "reserved") && last_is(pa, 1, "rights")))
		return PARA_SKIP;
	if ((first_is(pa, 0, "reporting") || first_is(pa, 0, "writing") ||
	     first_is(pa, 0, "editing") || first_is(pa, 0, "compiled")) && first_is(pa, 1, "by"))
		return PARA_SKIP;
	if (first_is(pa, 0, "additional") && first_is(pa, 1, "reporting"))
		return PARA_SKIP;
	if (last_is(pa, 0, "report") && last_is(pa, 1, "this") && last_is(pa, 2, "to") &&
	    last_is(pa, 3, "contributed"))
		return PARA_SKIP;
	if (n <= 40 && ((first_is(pa, 0, "sign") && first_is(pa, 1, "up")) ||
	    first_is(pa, 0, "subscribe") || (first_is(pa, 0, "follow") && first_is(pa, 1, "us")) ||
	    (first_is(pa, 0, "click") && first_is(pa, 1, "here")) ||
	    first_is(pa, 0, "advertisement")))
		return PARA_SKIP;
	if ((first_is(pa, 0, "this") && (first_is(pa, 1, "story") || first_is(pa, 1, "article")) &&
	     (first_is(pa, 2, "has") || first_is(pa, 2, "was") || first_is(pa, 2, "originally"))))
		return PARA_SKIP;
	return PARA_TEXT;
}

/* ------------------------------------------------------------------------- */
/* Sketching, in two steps                                                   */
/*
 * What a sketch holds depends on the detector in one way only: a line that
 * passed the rules is left out of the signature when one of its keys has been
 * learned as boilerplate. Everything else (the words, the rules, the
 * shingles, the edge keys, the exact key, the signature of every line the
 * rules let through and of every line) depends on the body alone. So
 * dedup_prepare(), which any thread may run, does all of that and keeps each
 * rule-passing line's keys and shingle hashes; dedup_sketch_prepared(), on
 * the detector's thread, checks the keys and recomputes the signature from
 * the kept shingles only when a line turns out to be learned boilerplate.
 * dedup_sketch() is the two steps in a row, so there is one sketching code
 * path and a prepared sketch is byte-identical to a direct one.
 *
 * Prepared layout (native byte order, in-process only; never stored):
 *   struct prep_head
 *   u64 shingles[xcount]        the rule-passing lines' shingle hashes, line
 *                               after line
 *   struct prep_line[ntext]     each rule-passing line: keys, shingle count
 */

struct sketcher {
	uint32_t mins[DEDUP_K];
	unsigned char fill[DEDUP_K]; /* 1 for a filled bin (fill_bits) */
	uint64_t count;           /* shingles in the signature */
	uint32_t head[EDGE_LINES][2]; /* first lines: key, prefix key */
	uint32_t tail[EDGE_LINES][2]; /* ring of the last lines: key, suffix key */
	size_t nlines;            /* lines that passed the rules */
	unsigned char *sh;        /* rules pass: every shingle hash, or NULL */
};

#define PREP_MAGIC 0x50524550u /* "PREP" */

struct prep_head {
	uint32_t magic;
	uint32_t ntext;           /* lines that passed the rules (have shingles) */
	uint64_t xcount;          /* their shingles */
	uint64_t wcount;          /* shingles of every line; only when xcount == 0 */
	uint64_t exact;           /* exact key of the (cut) body */
	uint32_t head[EDGE_LINES][2], tail[EDGE_LINES][2];
	uint64_t nlines;
	unsigned char sig[2 * DEDUP_K]; /* densified signature (the blob's bytes)
				   * of the rule-passing lines, or of every
				   * line when there are none */
};

struct prep_line {
	uint32_t key, pkey, skey; /* struct para's keys */
	uint32_t nsh;             /* its shingles */
};

static bool boiler_has(const struct dedup *d, uint32_t key);

/*
 * Optimal densification: an empty bin i copies the first filled bin of the
 * probe sequence fmix64(i << 32 | a) mod DEDUP_K, a = 1, 2, ... Only the
 * first time the sequence reaches a bin matters (a bin seen empty stays
 * empty), so each bin's sequence is kept as the order in which it first
 * reaches every bin: the same choice for a table walk instead of a hash per
 * probe (short bodies have most bins empty). Built once per process.
 */
static unsigned char probe_order[DEDUP_K][DEDUP_K];
static unsigned char probe_rank[DEDUP_K][DEDUP_K]; /* [i][j]: j's place in i's order */
#ifdef __SSE2__
/* [j][i]: probe_rank[i][j] << 8 | j, by filled bin j: the minimum over the
 * filled bins' rows names, for every bin i at once, the bin i reaches first.
 * [i][i] is 0x8000 | i, negative as an int16: below every other key, so a
 * filled bin names itself. */
static uint16_t probe_key[DEDUP_K][DEDUP_K] __attribute__((aligned(16)));
#endif
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static void probe_init(void)
{
	for (unsigned i = 0; i < DEDUP_K; i++) {
		unsigned char seen[DEDUP_K] = { 0 }; /* a byte a bin: one test */
		unsigned n = 0;
		/* every sequence reaches every bin within 1,449 probes (densify's
		 * walk relies on it) */
		for (uint64_t a = 1; n < DEDUP_K && a < (1u << 20); a++) {
			unsigned j = (unsigned)fmix64((uint64_t)i << 32 | a) & (DEDUP_K - 1);
			if (!seen[j]) {
				seen[j] = 1;
				probe_rank[i][j] = (unsigned char)n;
#ifdef __SSE2__
				probe_key[j][i] = (uint16_t)(n << 8 | j);
#endif
				probe_order[i][n++] = (unsigned char)j;
			}
		}
#ifdef __SSE2__
		probe_key[i][i] = (uint16_t)(0x8000 | i);
#endif
		if (n < DEDUP_K)
			nl_die("dedup: probe sequence %u misses a bin", i); /* cannot happen */
	}
}

/* A bin's value into the blob: the low 16 bits of v, little-endian (one
 * store on a little-endian host; two byte stores were the compiler's
 * choice for the byte by byte form). */
static inline void put_min16(unsigned char *out, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint16_t x = (uint16_t)v;
	memcpy(out, &x, 2);
#else
	out[0] = (unsigned char)v;
	out[1] = (unsigned char)(v >> 8);
#endif
}

/* Densify a signature (at least one bin filled) into the blob's 2 * DEDUP_K
 * bytes: low 16 bits of each bin's minimum, little-endian. With few filled
 * bins, every bin's source is found at once (probe_key); otherwise the filled
 * bins are written first, all at once, then each empty bin, found from the
 * filled bits, gets the minimum its sequence reaches first. */
static void densify(const uint32_t *mins, const uint64_t *filled, unsigned char *out)
{
	pthread_once(&probe_once, probe_init);
	_Static_assert(DEDUP_K == 128, "two words of filled bits");
	unsigned nf = (unsigned)(__builtin_popcountll(filled[0]) + __builtin_popcountll(filled[1]));
#ifdef __SSE2__
	/* below 80: fewest instructions at 56, but the walk below has a
	 * branch per empty bin that the CPU cannot foresee, and 80 takes
	 * less time (72 to 96 about the same) */
	if (nf < 80) {
		/* few filled bins: for every bin, the smallest key of the filled
		 * bins' rows (ranks are distinct: no tie), sixty-four bins at a
		 * time in eight vectors that stay in registers; then every bin
		 * takes the minimum of the bin its key names (itself, if filled) */
		uint16_t best[DEDUP_K] __attribute__((aligned(16)));
		for (unsigned half = 0; half < 2; half++) {
			__m128i m[8];
#pragma GCC unroll 8
			for (unsigned k = 0; k < 8; k++)
				m[k] = _mm_set1_epi16(0x7fff);
			for (unsigned w = 0; w < 2; w++)
				for (uint64_t b = filled[w]; b; b &= b - 1) {
					const __m128i *r = (const __m128i *)probe_key[64 * w +
						(unsigned)__builtin_ctzll(b)] + 8 * half;
#pragma GCC unroll 8
					for (unsigned k = 0; k < 8; k++)
						m[k] = _mm_min_epi16(m[k], _mm_load_si128(r + k));
				}
#pragma GCC unroll 8
			for (unsigned k = 0; k < 8; k++)
				_mm_store_si128((__m128i *)best + 8 * half + k, m[k]);
		}
#pragma GCC unroll 8
		for (unsigned i = 0; i < DEDUP_K; i++)
			put_min16(out + 2 * i, mins[best[i] & 0xff]);
		return;
	}
#endif
#if defined(__SSE2__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* eight at a time: each u32's low half, sign-extended so that the
	 * saturating pack keeps it as it is */
	for (unsigned i = 0; i < DEDUP_K; i += 8) {
		__m128i a = _mm_loadu_si128((const __m128i *)(mins + i));
		__m128i b = _mm_loadu_si128((const __m128i *)(mins + i + 4));
		a = _mm_srai_epi32(_mm_slli_epi32(a, 16), 16);
		b = _mm_srai_epi32(_mm_slli_epi32(b, 16), 16);
		_mm_storeu_si128((__m128i *)(out + 2 * i), _mm_packs_epi32(a, b));
	}
#else
	for (unsigned i = 0; i < DEDUP_K; i++)
		put_min16(out + 2 * i, mins[i]);
#endif
	if (nf == DEDUP_K)
		return;
	unsigned char fl[DEDUP_K];
	unsigned char isf[DEDUP_K]; /* not 0 for a filled bin */
	if (nf < 12) {
		unsigned n = 0;
		for (unsigned w = 0; w < 2; w++)
			for (uint64_t b = filled[w]; b; b &= b - 1)
				fl[n++] = (unsigned char)(64 * w + (unsigned)__builtin_ctzll(b));
	} else {
		for (unsigned j = 0; j < DEDUP_K / 8; j++) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* eight bits to eight bytes: byte k keeps bit k */
			uint64_t b = filled[j >> 3] >> (8 * (j & 7)) & 0xff;
			uint64_t x = (b * 0x0101010101010101ULL) & 0x8040201008040201ULL;
			memcpy(isf + 8 * j, &x, 8);
#else
			for (unsigned k = 8 * j; k < 8 * j + 8; k++)
				isf[k] = (unsigned char)(filled[k >> 6] >> (k & 63) & 1);
#endif
		}
	}
	for (unsigned w = 0; w < 2; w++) {
		for (uint64_t e = ~filled[w]; e; e &= e - 1) {
			unsigned i = 64 * w + (unsigned)__builtin_ctzll(e);
			uint32_t v;
			if (nf < 12) {
				/* few filled bins: the one i's sequence reaches first */
				unsigned best = fl[0];
				for (unsigned f = 1; f < nf; f++)
					if (probe_rank[i][fl[f]] < probe_rank[i][best])
						best = fl[f];
				v = mins[best];
			} else {
				/* i's order walked to its first filled bin: about
				 * DEDUP_K / (nf + 1) steps (every order holds
				 * every bin: the walk ends) */
				const unsigned char *o = probe_order[i];
				unsigned r = 0;
				while (!isf[o[r]])
					r++;
				v = mins[o[r]];
			}
			put_min16(out + 2 * i, v);
		}
	}
}

/* The prepared lines of a body: on the stack up to PREP_STACK_LINES (most
 * bodies; no allocation per document), then on the heap. */
#define PREP_STACK_LINES 128

struct prep_lines {
	struct prep_line *l;
	size_t n, cap;
	struct prep_line stack[PREP_STACK_LINES];
};

static void lines_put(struct prep_lines *ls, const struct prep_line *l)
{
	if (ls->n == ls->cap) {
		if (ls->l == ls->stack) {
			ls->l = xmalloc(2 * ls->cap * sizeof *ls->l);
			memcpy(ls->l, ls->stack, ls->n * sizeof *ls->l);
			ls->cap *= 2;
		} else {
			ls->l = xgrow(ls->l, &ls->cap, ls->n + 1, sizeof *ls->l);
		}
	}
	ls->l[ls->n++] = *l;
}

/* Remember the first and the last lines, to learn boilerplate from. */
static void sk_edge(struct sketcher *k, const struct para *pa)
{
	if (k->nlines < EDGE_LINES) {
		k->head[k->nlines][0] = pa->key;
		k->head[k->nlines][1] = pa->pkey;
	}
	k->tail[k->nlines % EDGE_LINES][0] = pa->key;
	k->tail[k->nlines % EDGE_LINES][1] = pa->skey;
	k->nlines++;
}

/* Put a shingle in the signature. The minima start at UINT32_MAX (see
 * mins_clear), so a bin's minimum is the smaller of it and the value, empty
 * bin or not, and every shingle fills its bin: no branch (whether a value
 * beats its bin's minimum is a coin the CPU mispredicted, more often the
 * shorter the body). A filled bin is marked by a byte (one store; fill_bits
 * makes densify's bits of them once). */
static inline void mins_add(uint32_t *mins, unsigned char *fill, uint64_t s)
{
	unsigned bin = (unsigned)(s >> (64 - BIN_BITS));
	uint32_t v = (uint32_t)s, m = mins[bin];
	mins[bin] = v < m ? v : m;
	fill[bin] = 1;
}

static void mins_clear(uint32_t *mins, unsigned char *fill)
{
	memset(mins, 0xff, DEDUP_K * sizeof *mins);
	memset(fill, 0, DEDUP_K);
}

/* A sketcher with nothing in it yet (sh: see struct sketcher): every field
 * set once, the minima by mins_clear (a memset of the whole struct first
 * wrote them twice). */
static void sk_init(struct sketcher *k, unsigned char *sh)
{
	mins_clear(k->mins, k->fill);
	k->count = 0;
	memset(k->head, 0, sizeof k->head);
	memset(k->tail, 0, sizeof k->tail);
	k->nlines = 0;
	k->sh = sh;
}

/* The filled bins' bits (bit i of word i / 64) from mins_add's bytes. */
static void fill_bits(const unsigned char *fill, uint64_t filled[DEDUP_K / 64])
{
	filled[0] = filled[1] = 0;
#ifdef __SSE2__
	for (unsigned i = 0; i < DEDUP_K; i += 16) {
		/* each byte's 1 moved to its top bit */
		__m128i v = _mm_slli_epi16(_mm_loadu_si128((const __m128i *)(fill + i)), 7);
		filled[i >> 6] |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << (i & 63);
	}
#else
	for (unsigned i = 0; i < DEDUP_K; i++)
		filled[i >> 6] |= (uint64_t)fill[i] << (i & 63);
#endif
}

static inline void sk_shingle(struct sketcher *k, uint64_t s)
{
	mins_add(k->mins, k->fill, s);
	k->count++;
	if (k->sh)
		memcpy(k->sh + 8 * (k->count - 1), &s, 8);
}

static const uint64_t pos_mul[SHINGLE_W] = {
	0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL, 0x165667b19e3779f9ULL,
	0x85ebca77c2b2ae63ULL, 0x27d4eb2f165667c5ULL,
};

/* The shingles of nw >= SHINGLE_W kept word hashes: the same sums as
 * sk_para's ring, straight from the hashes, with the sketcher's count and
 * shingle store kept in registers (keep: k->sh is set; a constant, so the
 * compiler makes a loop for each). */
static inline __attribute__((always_inline)) void shingle_words(struct sketcher *k,
								const uint64_t *wd, size_t nw,
								bool keep)
{
	uint32_t *mins = k->mins;
	unsigned char *fill = k->fill;
	unsigned char *sh = keep ? k->sh + 8 * k->count : NULL;
	for (size_t e = SHINGLE_W; e <= nw; e++) {
		const uint64_t *q = wd + e - SHINGLE_W;
		uint64_t s = fmix64(q[0] * pos_mul[0] + q[1] * pos_mul[1] + q[2] * pos_mul[2] +
				    q[3] * pos_mul[3] + q[4] * pos_mul[4]);
		mins_add(mins, fill, s);
		if (keep) {
			memcpy(sh, &s, 8);
			sh += 8;
		}
	}
	k->count += nw - SHINGLE_W + 1;
}

/* Shingle the words of one paragraph; a paragraph shorter than SHINGLE_W
 * words becomes one shingle of all its words. */
static void sk_para(struct sketcher *k, const char *p, const char *end, const struct para *pa)
{
	struct wordscan s = { p, end, NULL, 0 };
	uint64_t wh = 0, ring[SHINGLE_W];
	size_t i = 0;
	bool kept = pa->nwords <= PARA_WORDS; /* para_scan kept the word hashes */
	if (kept && pa->nwords >= SHINGLE_W) {
		if (k->sh)
			shingle_words(k, pa->words, pa->nwords, true);
		else
			shingle_words(k, pa->words, pa->nwords, false);
		return;
	}
	while (kept ? i < pa->nwords : word_next(&s, &wh)) {
		ring[i % SHINGLE_W] = kept ? pa->words[i] : wh;
		i++;
		if (i >= SHINGLE_W) {
			uint64_t h = 0;
			for (size_t j = 0; j < SHINGLE_W; j++)
				h += ring[(i + j) % SHINGLE_W] * pos_mul[j];
			sk_shingle(k, fmix64(h));
		}
	}
	if (i > 0 && i < SHINGLE_W) {
		uint64_t h = i;
		for (size_t j = 0; j < i; j++)
			h += ring[j] * pos_mul[j];
		sk_shingle(k, fmix64(h ^ 0x5851f42d4c957f2dULL));
	}
}

/* Whether a line ends like a sentence (a link line is a headline: it does
 * not; with the punctuation stripped, nothing does). */
static bool ends_sentence(const char *p, const char *e)
{
	while (e > p && (is_space((unsigned char)e[-1]) || e[-1] == '"' || e[-1] == '\'' ||
			 e[-1] == ')' || (unsigned char)e[-1] >= 0x80))
		e--;
	return e > p && (e[-1] == '.' || e[-1] == '?' || e[-1] == '!');
}

/* Shingle every paragraph that passes the boilerplate rules (whole = false;
 * each such line's keys and shingle count go to lines, if not NULL), or every
 * paragraph with a word (whole = true). ex, if not NULL, gets the body's
 * letters and digits (every byte is scanned once). */
static void sk_body(struct sketcher *k, const char *body, size_t len, bool whole,
		    struct prep_lines *lines, struct wordscan *ex)
{
	const char *p = body, *end = body + len;
	/* the paragraphs up to the last '\n' end with one, which the scan of
	 * their words finds (no search for it first) */
	const char *last_nl = len ? memrchr(body, '\n', len) : NULL;
	unsigned links = 0; /* link lines still to skip */
	while (p < end) {
		struct para pa;
		const char *pe = para_scan(p, end, &pa, ex, last_nl && p <= last_nl);
		if (whole) {
			if (pa.nwords)
				sk_para(k, p, pe, &pa);
		} else {
			enum para_kind kind = para_classify(&pa);
			if (kind == PARA_LINKS) {
				links = LINK_LINES;
			} else if (links && pa.nwords && pa.nwords <= LINK_MAX_WORDS &&
				   !ends_sentence(p, pe)) {
				links--; /* a link line under a "related" heading */
			} else {
				if (pa.nwords)
					links = 0;
				if (kind == PARA_TEXT) {
					sk_edge(k, &pa);
					uint64_t before = k->count;
					sk_para(k, p, pe, &pa);
					if (lines) {
						struct prep_line l = { pa.key, pa.pkey, pa.skey,
								       (uint32_t)(k->count - before) };
						lines_put(lines, &l);
					}
				}
			}
		}
		p = pe + 1;
	}
}

/* The exact key: a hash of the body's ASCII letters and digits, lowercased,
 * with everything else (spaces, line breaks, punctuation, non-ASCII) dropped.
 * Two bodies that differ only in wrapping, spacing or punctuation are exact
 * copies. The letters and digits are the bytes word_next keeps (wtab): they
 * are gathered by the first scan of the body (sk_body's ex), not by a scan
 * of their own. */
static uint64_t exact_key(const char *kept, size_t n)
{
	return XXH3_64bits(kept, n);
}

void dedup_prepare(const char *body, size_t len, struct buf *out)
{
	struct sketcher k;
	struct prep_head h;
	struct prep_lines lines;
	if (len > DEDUP_MAX_BODY)
		len = DEDUP_MAX_BODY;
	lines.l = lines.stack;
	lines.n = 0;
	lines.cap = PREP_STACK_LINES;
	/* a shingle per word at most, and a word takes two bytes with its
	 * space; the head is written in place (its signature by densify) */
	size_t at = out->n;
	unsigned char *hp = (unsigned char *)buf_reserve(out, sizeof h + 8 * (len / 2 + 2));
	sk_init(&k, hp + sizeof h);
	/* the body's letters and digits, for the exact key (para_scan_v
	 * writes and reads up to 15 bytes past them) */
	char exs[4096];
	struct wordscan ex = { NULL, NULL, len + 16 <= sizeof exs ? exs : xmalloc(len + 16), 0 };
	sk_body(&k, body, len, false, &lines, &ex);
	h.magic = PREP_MAGIC;
	h.ntext = (uint32_t)lines.n;
	h.xcount = k.count;
	h.wcount = 0;
	h.exact = 0;
	h.nlines = k.nlines;
	memcpy(h.head, k.head, sizeof h.head);
	memcpy(h.tail, k.tail, sizeof h.tail);
	if (!k.count) {
		/* no line passed the rules: the signature of every line */
		sk_init(&k, NULL);
		sk_body(&k, body, len, true, NULL, NULL);
		h.wcount = k.count;
	}
	_Static_assert(offsetof(struct prep_head, sig) + sizeof h.sig == sizeof h, "sig ends the head");
	unsigned char *sig = hp + offsetof(struct prep_head, sig);
	if (h.xcount || h.wcount) {
		h.exact = exact_key(ex.ex, ex.exn);
		uint64_t filled[DEDUP_K / 64];
		fill_bits(k.fill, filled);
		densify(k.mins, filled, sig);
	} else {
		memset(sig, 0, sizeof h.sig);
	}
	if (ex.ex != exs)
		free(ex.ex);
	memcpy(hp, &h, offsetof(struct prep_head, sig));
	out->n = at + sizeof h + 8 * h.xcount;
	buf_put(out, lines.l, lines.n * sizeof *lines.l);
	if (lines.l != lines.stack)
		free(lines.l);
}

/* The last sketch this thread wrote: an add loads each sketch right after
 * making it, and sk_parse need not hash a blob again to check it when every
 * byte is the one written (a copy and a compare cost a fifth of the hash).
 * All zero (no magic) until a sketch is written: then it matches no valid
 * blob. */
static _Thread_local unsigned char last_sketch[DEDUP_SKETCH_BYTES];

int dedup_sketch_prepared(const struct dedup *d, const void *prep, size_t n,
			  unsigned char out[DEDUP_SKETCH_BYTES])
{
	struct prep_head h;
	if (n < sizeof h)
		return NL_EINVAL;
	/* the prepared bytes were written by an analysis thread a batch ago
	 * and are out of this core's cache: start every line's miss at once
	 * (the head, its signature, and the lines' keys, which end the bytes,
	 * after the shingles), not the lines' only once the head has come */
	const char *pb = prep;
	for (size_t o = 0; o < sizeof h; o += 64)
		__builtin_prefetch(pb + o);
	__builtin_prefetch(pb + n - 1);
	__builtin_prefetch(pb + n - 64);
	/* the head but its signature, which is read where it is */
	memcpy(&h, prep, offsetof(struct prep_head, sig));
	const unsigned char *psig = (const unsigned char *)prep + offsetof(struct prep_head, sig);
	const char *sp = (const char *)prep + sizeof h;
	const char *lp = sp + 8 * h.xcount;
	if (h.magic != PREP_MAGIC || n != sizeof h + (size_t)h.ntext * sizeof(struct prep_line) +
						 h.xcount * sizeof(uint64_t))
		return NL_EINVAL;
	unsigned flags = 0;
	uint32_t mins[DEDUP_K];
	unsigned char fill[DEDUP_K];
	unsigned char sig[2 * DEDUP_K];
	uint64_t count = h.xcount;
	const unsigned char *sg = psig;
	/* lines learned as boilerplate since: recompute without them */
	bool boiler = false;
	for (uint32_t i = 0; d && i < h.ntext && !boiler; i++) {
		struct prep_line l;
		memcpy(&l, lp + i * sizeof l, sizeof l);
		boiler = boiler_has(d, l.key) || boiler_has(d, l.pkey) || boiler_has(d, l.skey);
	}
	if (boiler) {
		mins_clear(mins, fill);
		count = 0;
		for (uint32_t i = 0; i < h.ntext; i++) {
			struct prep_line l;
			memcpy(&l, lp + i * sizeof l, sizeof l);
			if (!(boiler_has(d, l.key) || boiler_has(d, l.pkey) ||
			      boiler_has(d, l.skey))) {
				for (uint32_t j = 0; j < l.nsh; j++) {
					uint64_t s;
					memcpy(&s, sp + 8 * (size_t)j, 8);
					mins_add(mins, fill, s);
				}
				count += l.nsh;
			}
			sp += 8 * (size_t)l.nsh;
		}
		if (count) {
			uint64_t filled[DEDUP_K / 64];
			fill_bits(fill, filled);
			densify(mins, filled, sig);
		}
		sg = sig;
	}
	uint64_t learned = h.xcount - count;
	if (!count) {
		/* nothing but boilerplate: the lines the rules let through,
		 * learned boilerplate or not; failing that, every line */
		flags |= FLAG_SHORT;
		sg = psig;
		count = h.xcount ? h.xcount : h.wcount;
	}
	if (!count)
		flags = FLAG_EMPTY;

	/* every byte is written once (a memset of the blob first wrote most
	 * of them twice) */
	out[0] = 'D';
	out[1] = 'S';
	out[2] = SKETCH_VERSION;
	out[3] = (unsigned char)flags;
	wr_u32le(out + 4, (uint32_t)NL_MIN(count, (uint64_t)UINT32_MAX));
	wr_u32le(out + OFF_LEARNED, !(flags & FLAG_SHORT) && count ?
					    (uint32_t)NL_MIN(learned, (uint64_t)UINT32_MAX) : 0);
	if (count) {
		wr_u64le(out + 8, h.exact);
		memcpy(out + OFF_MINS, sg, 2 * DEDUP_K);
	} else {
		memset(out + 8, 0, OFF_EDGES - 8);
	}
	memset(out + OFF_EDGES, 0, 4 * NEDGE);
	/* the edge keys (the ring need not be rotated: the set is what counts);
	 * a body with no rule-passing line has none */
	size_t nl = NL_MIN((size_t)h.nlines, (size_t)EDGE_LINES);
	for (size_t i = 0; i < nl; i++) {
		wr_u32le(out + OFF_EDGES + 8 * i, h.head[i][0]);
		wr_u32le(out + OFF_EDGES + 8 * i + 4, h.head[i][1]);
		wr_u32le(out + OFF_EDGES + 8 * (EDGE_LINES + i), h.tail[i][0]);
		wr_u32le(out + OFF_EDGES + 8 * (EDGE_LINES + i) + 4, h.tail[i][1]);
	}
	wr_u32le(out + OFF_CHECK, (uint32_t)XXH3_64bits(out, OFF_CHECK));
	memcpy(last_sketch, out, DEDUP_SKETCH_BYTES);
	return count ? NL_OK : NL_EEMPTY;
}

int dedup_sketch(const struct dedup *d, const char *body, size_t len,
		 unsigned char out[DEDUP_SKETCH_BYTES])
{
	struct buf prep;
	buf_init(&prep, 0);
	dedup_prepare(body, len, &prep);
	int rc = dedup_sketch_prepared(d, prep.p, prep.n, out);
	buf_release(&prep);
	return rc;
}

/* ------------------------------------------------------------------------- */
/* Reading sketches                                                          */

struct sk {
	unsigned flags;
	uint32_t count;
	uint32_t learned; /* shingles left out as learned boilerplate */
	uint64_t exact;
	uint16_t sig[DEDUP_K];
	uint32_t edge[NEDGE]; /* 0 = unused */
};

static int sk_parse(const unsigned char *b, size_t n, struct sk *s)
{
	if (n != DEDUP_SKETCH_BYTES || b[0] != 'D' || b[1] != 'S')
		return NL_ECORRUPT;
	if (b[2] != SKETCH_VERSION)
		return NL_EVERSION;
	if (memcmp(b, last_sketch, DEDUP_SKETCH_BYTES) &&
	    rd_u32le(b + OFF_CHECK) != (uint32_t)XXH3_64bits(b, OFF_CHECK))
		return NL_ECORRUPT;
	s->flags = b[3];
	if (s->flags & ~(FLAG_EMPTY | FLAG_SHORT))
		return NL_ECORRUPT;
	s->count = rd_u32le(b + 4);
	s->learned = rd_u32le(b + OFF_LEARNED);
	s->exact = rd_u64le(b + 8);
	if ((s->count == 0) != ((s->flags & FLAG_EMPTY) != 0))
		return NL_ECORRUPT;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(s->sig, b + OFF_MINS, sizeof s->sig); /* the blob's u16s are ours */
#else
	for (unsigned i = 0; i < DEDUP_K; i++)
		s->sig[i] = (uint16_t)(b[OFF_MINS + 2 * i] | b[OFF_MINS + 2 * i + 1] << 8);
#endif
	for (unsigned i = 0; i < NEDGE; i++)
		s->edge[i] = rd_u32le(b + OFF_EDGES + 4 * i);
	return NL_OK;
}

/* Similarity of two sketches; returns whether the rule calls them copies.
 * The Jaccard the rule uses discounts, from each side, the shingles the other
 * side left out as learned boilerplate (ra, rb): a copy sketched after a line
 * was learned lacks that line, its source sketched before still has it. */
static bool sim(const struct sk *x, const uint16_t *ysig, uint32_t ycount, unsigned yflags,
		uint32_t ylearned, float *jac, float *con)
{
	unsigned m = 0;
	for (unsigned i = 0; i < DEDUP_K; i++)
		m += x->sig[i] == ysig[i];
	float j = (float)m / DEDUP_K;
	float a = (float)x->count, b = (float)ycount;
	float lo = NL_MIN(a, b);
	float inter = j * (a + b) / (1.0f + j);
	float c = lo > 0 ? inter / lo : 0;
	if (c > 1)
		c = 1;
	*jac = j;
	*con = c;
	unsigned f = x->flags | yflags;
	if (f & FLAG_EMPTY || lo < MIN_NEAR_SHINGLES)
		return false;
	/* a body that is all boilerplate (SHORT) is only the same as another
	 * body with (nearly) the same lines */
	if (f & FLAG_SHORT)
		return j >= SHORT_JACCARD && c >= SHORT_JACCARD;
	float aa = NL_MAX(inter, a - (float)ylearned), bb = NL_MAX(inter, b - (float)x->learned);
	float ja = aa + bb - inter > 0 ? inter / (aa + bb - inter) : 0;
	return NL_MAX(j, ja) >= MIN_JACCARD && c >= MIN_CONTAINMENT;
}

int dedup_compare(const unsigned char *a, const unsigned char *b, struct dedup_match *m)
{
	struct sk sa, sb;
	int rc = sk_parse(a, DEDUP_SKETCH_BYTES, &sa);
	if (rc == NL_OK)
		rc = sk_parse(b, DEDUP_SKETCH_BYTES, &sb);
	if (rc)
		return rc;
	float j, c;
	bool near = sim(&sa, sb.sig, sb.count, sb.flags, sb.learned, &j, &c);
	bool exact = !(sa.flags & FLAG_EMPTY) && sa.exact == sb.exact;
	if (m) {
		m->rep = m->doc = 0;
		m->exact = exact;
		m->jaccard = j;
		m->containment = c;
	}
	return exact || near;
}

/* ------------------------------------------------------------------------- */
/* The detector                                                              */

struct dedup {
	size_t added;
	/* stored documents, by slot */
	size_t n, cap;
	uint32_t *id, *count, *stamp;
	uint32_t *up;   /* union-find over slots: up[s] == s for a representative */
	uint8_t *flags;
	uint16_t *sig;  /* n * DEDUP_K */
	uint32_t gen;   /* stamp of the current lookup */
	uint32_t hshift; /* 64 - log2(hmask + 1): band_bucket's shift (below) */
	/* exact table: open addressing on the exact key; val = slot + 1 */
	uint64_t *ekey;
	uint32_t *eval;
	size_t emask, en;
	/* band table: head[bucket] = entry + 1, next[entry] = entry + 1, where
	 * entry = slot * BANDS + band */
	uint32_t *head, *next;
	size_t hmask;
	/* groups the current lookup matched (representative slots), and the ids
	 * of the representatives the last load folded into another group */
	uint32_t *roots, *merged;
	size_t nroots, rcap, nmerged, mcap;
	/* learned boilerplate: edge shingle key -> groups seen, and the set of
	 * keys seen in BOILER_GROUPS groups or more (both open addressing) */
	struct edgeent *et;
	size_t emask2, en2;
	uint32_t *bset;
	size_t bmask, bn;
};

struct edgeent {
	uint32_t kg;    /* key with its low 2 bits replaced by the groups seen,
			 * 1..BOILER_GROUPS; 0 = empty */
	uint32_t last;  /* id of the last group the key was seen in */
};
_Static_assert(BOILER_GROUPS <= 3, "groups fit in 2 bits");

static bool boiler_has(const struct dedup *d, uint32_t key)
{
	if (!d->bn)
		return false;
	for (size_t i = key & d->bmask; d->bset[i]; i = (i + 1) & d->bmask)
		if (d->bset[i] == key)
			return true;
	return false;
}

static void boiler_put(struct dedup *d, uint32_t key)
{
	if ((d->bn + 1) * 2 > d->bmask + 1) {
		uint32_t *old = d->bset;
		size_t om = d->bmask;
		d->bmask = om * 2 + 1;
		d->bset = xcalloc(d->bmask + 1, sizeof *d->bset);
		for (size_t i = 0; i <= om; i++) {
			if (!old[i])
				continue;
			size_t j = old[i] & d->bmask;
			while (d->bset[j])
				j = (j + 1) & d->bmask;
			d->bset[j] = old[i];
		}
		free(old);
	}
	size_t i = key & d->bmask;
	while (d->bset[i])
		i = (i + 1) & d->bmask;
	d->bset[i] = key;
	d->bn++;
}

static void hint_huge(void *p, size_t n);

static void edge_seen(struct dedup *d, uint32_t key, uint32_t group)
{
	if ((d->en2 + 1) * 4 > (d->emask2 + 1) * 3) {
		struct edgeent *old = d->et;
		size_t om = d->emask2;
		d->emask2 = om * 2 + 1;
		d->et = xcalloc(d->emask2 + 1, sizeof *d->et);
		hint_huge(d->et, (d->emask2 + 1) * sizeof *d->et);
		for (size_t i = 0; i <= om; i++) {
			if (!old[i].kg)
				continue;
			size_t j = (old[i].kg >> 2) & d->emask2;
			while (d->et[j].kg)
				j = (j + 1) & d->emask2;
			d->et[j] = old[i];
		}
		free(old);
	}
	size_t i = (key >> 2) & d->emask2;
	while (d->et[i].kg && (d->et[i].kg ^ key) >> 2)
		i = (i + 1) & d->emask2;
	struct edgeent *e = &d->et[i];
	if (!e->kg) {
		e->kg = (key & ~3u) | 1;
		e->last = group;
		d->en2++;
	} else if (e->last != group && (e->kg & 3) < BOILER_GROUPS) {
		e->last = group;
		e->kg++;
		if ((e->kg & 3) == BOILER_GROUPS)
			boiler_put(d, key);
	}
}

static void band_size(struct dedup *d);

struct dedup *dedup_new(void)
{
	struct dedup *d = xcalloc(1, sizeof *d);
	d->emask = 1023;
	d->ekey = xcalloc(d->emask + 1, sizeof *d->ekey);
	d->eval = xcalloc(d->emask + 1, sizeof *d->eval);
	band_size(d);
	d->head = xcalloc(d->hmask + 1, sizeof *d->head);
	d->emask2 = 4095;
	d->et = xcalloc(d->emask2 + 1, sizeof *d->et);
	d->bmask = 255;
	d->bset = xcalloc(d->bmask + 1, sizeof *d->bset);
	return d;
}

void dedup_free(struct dedup *d)
{
	if (!d)
		return;
	free(d->id);
	free(d->count);
	free(d->stamp);
	free(d->up);
	free(d->flags);
	free(d->sig);
	free(d->ekey);
	free(d->eval);
	free(d->head);
	free(d->next);
	free(d->roots);
	free(d->merged);
	free(d->et);
	free(d->bset);
	free(d);
}

size_t dedup_count(const struct dedup *d)
{
	return d->added;
}

size_t dedup_memory(const struct dedup *d)
{
	return sizeof *d + d->cap * (4 * sizeof(uint32_t) + 1 + DEDUP_K * sizeof(uint16_t) +
				     BANDS * sizeof(uint32_t)) +
	       (d->emask + 1) * (sizeof(uint64_t) + sizeof(uint32_t)) +
	       (d->hmask + 1) * sizeof(uint32_t) + (d->rcap + d->mcap) * sizeof(uint32_t) +
	       (d->emask2 + 1) * sizeof(struct edgeent) + (d->bmask + 1) * sizeof(uint32_t);
}

static size_t group_of(struct dedup *d, size_t slot)
{
	size_t r = slot;
	while (d->up[r] != r)
		r = d->up[r];
	while (d->up[slot] != r) {
		size_t nx = d->up[slot];
		d->up[slot] = (uint32_t)r;
		slot = nx;
	}
	return r;
}

/*
 * The band table's size for the slots stored: at most one entry a bucket
 * (a lookup follows each band's chain to its end, and at two entries a
 * bucket the links were a third of lookup's instructions and, in a large
 * detector, a cache miss each). Growing links every entry again, so a small
 * table grows four times over at a time (at twice, the relinks cost as much
 * as all the lookups' bucket hashing); from BAND_QUAD_BITS on it doubles, so
 * that a large detector's heads take at most 8 bytes an entry (4 to 16 below
 * it), beside next[]'s 4.
 */
#define BAND_MIN_BITS 12
#define BAND_QUAD_BITS 20 /* 4 MB of heads */
static void band_size(struct dedup *d)
{
	unsigned bits = BAND_MIN_BITS;
	while ((uint64_t)d->n * BANDS > (uint64_t)1 << bits)
		bits += bits < BAND_QUAD_BITS ? 2 : 1;
	d->hmask = ((size_t)1 << bits) - 1;
	d->hshift = 64 - bits;
}

/* The band table mask that saved states hold (dedup_save): the table's size
 * under the first rule of this save version (two entries a bucket at most,
 * grown twice over), which the state keeps so that its bytes stay what they
 * were; dedup_restore checks it and sizes its table by band_size. */
static uint64_t saved_band_mask(uint64_t n)
{
	uint64_t size = 4096;
	while (n * BANDS > 2 * size)
		size *= 2;
	return size - 1;
}

/* The bucket of a band: the top bits of the band's two values (one u32)
 * times an odd constant, with a salt per band (Fibonacci hashing: one
 * multiply). Which bucket an entry lands in changes no answer: a chain is
 * walked for the entries of one band with the same two values, and those
 * always share a bucket and lie in it newest first, whatever the function
 * and the table's size; so it need only be fast and spread the entries. */
static inline size_t band_bucket(const uint16_t *sig, unsigned band, unsigned shift)
{
	_Static_assert(ROWS == 2, "a band is two u16s");
	uint32_t v;
	memcpy(&v, sig + band * ROWS, 4);
	return (size_t)((uint64_t)(v ^ band * 0x9e3779b9u) * 0x9e3779b97f4a7c15ULL >> shift);
}

/* The band table buckets of signature sig's bands into h, their heads
 * prefetched (to be written: a looked-up sketch is usually linked next). */
static void band_buckets(const struct dedup *d, const uint16_t *sig, size_t h[BANDS])
{
	unsigned shift = d->hshift;
	const uint32_t *head = d->head;
#pragma GCC unroll 32
	for (unsigned b = 0; b < BANDS; b++) {
		h[b] = band_bucket(sig, b, shift);
		__builtin_prefetch(&head[h[b]], 1);
	}
}

/* Link slot's entries at the heads of their buckets h (band_buckets). */
static void band_put(struct dedup *d, size_t slot, const size_t h[BANDS])
{
	for (unsigned b = 0; b < BANDS; b++) {
		size_t e = slot * BANDS + b;
		d->next[e] = d->head[h[b]];
		d->head[h[b]] = (uint32_t)(e + 1);
	}
}

/* Link every slot, in order, into an empty table: the heads of slot s + 2
 * are on their way while slot s is linked (one slot's 32 misses at a time
 * left the thread waiting out each slot's first miss). */
#define RELINK_AHEAD 2
static void band_link_all(struct dedup *d)
{
	size_t h[RELINK_AHEAD + 1][BANDS];
	for (size_t s = 0; s < d->n + RELINK_AHEAD; s++) {
		if (s < d->n)
			band_buckets(d, d->sig + s * DEDUP_K, h[s % (RELINK_AHEAD + 1)]);
		if (s >= RELINK_AHEAD)
			band_put(d, s - RELINK_AHEAD, h[(s - RELINK_AHEAD) % (RELINK_AHEAD + 1)]);
	}
}

/* Ask for huge pages under the 2 MiB-aligned part of a large array probed at
 * random (band heads, signatures, links, the exact and edge key tables):
 * fewer TLB misses. Only a hint. */
static void hint_huge(void *p, size_t n)
{
	uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + n) & ~(huge - 1);
	if (e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
}

static void band_grow(struct dedup *d)
{
	band_size(d);
	free(d->head);
	d->head = xcalloc(d->hmask + 1, sizeof *d->head);
	hint_huge(d->head, (d->hmask + 1) * sizeof *d->head);
	band_link_all(d);
}

static size_t exact_find(const struct dedup *d, const struct sk *s)
{
	for (size_t i = s->exact & d->emask; d->eval[i]; i = (i + 1) & d->emask) {
		size_t slot = d->eval[i] - 1;
		if (d->ekey[i] == s->exact)
			return slot + 1;
	}
	return 0;
}

static void exact_put(struct dedup *d, uint64_t key, size_t slot)
{
	if ((d->en + 1) * 2 > d->emask + 1) {
		size_t om = d->emask;
		uint64_t *ok = d->ekey;
		uint32_t *ov = d->eval;
		d->emask = om * 2 + 1;
		d->ekey = xcalloc(d->emask + 1, sizeof *d->ekey);
		d->eval = xcalloc(d->emask + 1, sizeof *d->eval);
		hint_huge(d->ekey, (d->emask + 1) * sizeof *d->ekey);
		hint_huge(d->eval, (d->emask + 1) * sizeof *d->eval);
		d->en = 0;
		for (size_t i = 0; i <= om; i++)
			if (ov[i])
				exact_put(d, ok[i], ov[i] - 1);
		free(ok);
		free(ov);
	}
	size_t i = key & d->emask;
	while (d->eval[i])
		i = (i + 1) & d->emask;
	d->ekey[i] = key;
	d->eval[i] = (uint32_t)(slot + 1);
	d->en++;
}

static void add_root(struct dedup *d, size_t root)
{
	for (size_t i = 0; i < d->nroots; i++)
		if (d->roots[i] == root)
			return;
	d->roots = xgrow(d->roots, &d->rcap, d->nroots + 1, sizeof *d->roots);
	d->roots[d->nroots++] = (uint32_t)root;
}

/* The best candidate of a lookup so far, and how many were verified. */
struct cand {
	size_t best; /* slot + 1, 0: none */
	size_t verified;
	float j, c;
};

#define WALK_AHEAD 4 /* chain links per band that lookup gathers before checking */

/* Check entry e (entry + 1) of band b's chain as a candidate for s; false
 * when MAX_VERIFY candidates have been verified (stop looking). */
static inline bool consider(struct dedup *d, const struct sk *s, unsigned b, uint32_t e,
			    struct cand *c)
{
	size_t cs = (e - 1) / BANDS;
	if ((e - 1) % BANDS != b || d->stamp[cs] == d->gen)
		return true;
	const uint16_t *cg = d->sig + cs * DEDUP_K;
	if (memcmp(cg + b * ROWS, s->sig + b * ROWS, ROWS * sizeof *cg))
		return true;
	d->stamp[cs] = d->gen;
	if (++c->verified > MAX_VERIFY)
		return false;
	float j, cn;
	if (!sim(s, cg, d->count[cs], d->flags[cs], 0, &j, &cn))
		return true;
	/* a document that holds most of a stored one of at most its size joins
	 * that one's group to its own */
	if (cn >= MERGE_CONTAINMENT && s->count >= d->count[cs])
		add_root(d, group_of(d, cs));
	if (!c->best || cn > c->c || (cn == c->c && (j > c->j || (j == c->j && cs + 1 < c->best)))) {
		c->best = cs + 1;
		c->j = j;
		c->c = cn;
	}
	return true;
}

/* Best stored match for s, as slot + 1 (0: none); d->roots gets its group and
 * the groups that s joins (see below). hb gets s's band buckets, for
 * dedup_load to link s with if it stores it (the same table: nothing grows
 * in between). */
static size_t lookup(struct dedup *d, const struct sk *s, struct dedup_match *m,
		     size_t hb[BANDS])
{
	d->nroots = 0;
	/* the exact key's slot, the band heads and the first link of each
	 * chain are cache misses in a large detector: start them all before
	 * reading any */
	__builtin_prefetch(&d->eval[s->exact & d->emask]);
	__builtin_prefetch(&d->ekey[s->exact & d->emask]);
	band_buckets(d, s->sig, hb);
	size_t slot = exact_find(d, s);
	if (slot) {
		m->exact = true;
		m->jaccard = m->containment = 1;
		add_root(d, group_of(d, slot - 1));
		return slot;
	}
	if (++d->gen == 0) {
		memset(d->stamp, 0, d->n * sizeof *d->stamp);
		d->gen = 1;
	}
	struct cand c = { 0, 0, 0, 0 };
	/* ...and so is every later link: the first WALK_AHEAD links of the
	 * chains are followed a round at a time, over the chains that go on
	 * (up to 32 independent loads a round, each prefetched a round
	 * before). The links of the band's own entries (the others are other
	 * bands' collisions) are kept, and the stamps and band values of their
	 * documents fetched; then the bands are checked in order: their kept
	 * links, then what is left of their chains. */
	uint32_t first[BANDS], ahead[BANDS][WALK_AHEAD];
	unsigned char na[BANDS], live[BANDS];
	unsigned nlive = 0;
	uint32_t todo = 0; /* bands with links kept or left */
	for (unsigned b = 0; b < BANDS; b++) {
		first[b] = d->head[hb[b]];
		na[b] = 0;
		if (first[b]) {
			__builtin_prefetch(&d->next[first[b] - 1]);
			live[nlive++] = (unsigned char)b;
		}
	}
	for (unsigned k = 0; k < WALK_AHEAD && nlive; k++) {
		unsigned nl = 0;
		for (unsigned i = 0; i < nlive; i++) {
			unsigned b = live[i];
			uint32_t e = first[b];
			if ((e - 1) % BANDS == b) {
				size_t cs = (e - 1) / BANDS;
				__builtin_prefetch(&d->stamp[cs]);
				__builtin_prefetch(d->sig + cs * DEDUP_K + b * ROWS);
				ahead[b][na[b]++] = e;
				todo |= 1u << b;
			}
			first[b] = d->next[e - 1];
			if (first[b]) {
				__builtin_prefetch(&d->next[first[b] - 1]);
				live[nl++] = (unsigned char)b;
			}
		}
		nlive = nl;
	}
	for (unsigned i = 0; i < nlive; i++)
		todo |= 1u << live[i];
	for (; todo; todo &= todo - 1) {
		unsigned b = (unsigned)__builtin_ctz(todo);
		for (unsigned k = 0; k < na[b]; k++)
			if (!consider(d, s, b, ahead[b][k], &c))
				goto done;
		for (uint32_t e = first[b]; e; e = d->next[e - 1])
			if (!consider(d, s, b, e, &c))
				goto done;
	}
done:
	if (c.best) {
		m->exact = false;
		m->jaccard = c.j;
		m->containment = c.c;
		add_root(d, group_of(d, c.best - 1));
	}
	return c.best;
}

/* The oldest of the matched groups. */
static size_t oldest_root(const struct dedup *d)
{
	size_t r = d->roots[0];
	for (size_t i = 1; i < d->nroots; i++)
		r = NL_MIN(r, (size_t)d->roots[i]);
	return r;
}

int dedup_check(struct dedup *d, const unsigned char *blob, size_t n, struct dedup_match *m)
{
	struct sk s;
	struct dedup_match tmp;
	int rc = sk_parse(blob, n, &s);
	if (rc)
		return rc;
	if (!m)
		m = &tmp;
	if (s.flags & FLAG_EMPTY)
		return 0;
	size_t hb[BANDS];
	size_t slot = lookup(d, &s, m, hb);
	if (!slot)
		return 0;
	m->doc = d->id[slot - 1];
	m->rep = d->id[oldest_root(d)];
	return 1;
}

int64_t dedup_load(struct dedup *d, uint32_t doc_id, const unsigned char *blob, size_t n)
{
	struct sk s;
	struct dedup_match m;
	int rc = sk_parse(blob, n, &s);
	if (rc)
		return rc;
	d->added++;
	d->nmerged = 0;
	if (s.flags & FLAG_EMPTY)
		return doc_id;
	/* the edge keys' entries are cache misses: start them now, the lookup
	 * hides them */
	for (size_t i = 0; i < NEDGE; i++)
		if (s.edge[i])
			__builtin_prefetch(&d->et[(s.edge[i] >> 2) & d->emask2]);
	size_t hb[BANDS];
	size_t hit = lookup(d, &s, &m, hb);
	size_t root = hit ? oldest_root(d) : d->n;
	/* a document that matches several groups joins them into the oldest */
	for (size_t i = 0; hit && i < d->nroots; i++) {
		if (d->roots[i] == root)
			continue;
		d->up[d->roots[i]] = (uint32_t)root;
		d->merged = xgrow(d->merged, &d->mcap, d->nmerged + 1, sizeof *d->merged);
		d->merged[d->nmerged++] = d->id[d->roots[i]];
	}
	/* count the document's edge shingles in its group (the group's id: its
	 * representative's doc id, or the document itself when new) */
	uint32_t gid = hit ? d->id[root] : doc_id;
	for (size_t i = 0; i < NEDGE; i++)
		if (s.edge[i])
			edge_seen(d, s.edge[i], gid);
	/* an exact or nearly identical copy adds nothing to match against; the
	 * latter's exact key leads to the member it resembles */
	if (hit && !m.exact && m.jaccard >= STORE_JACCARD)
		exact_put(d, s.exact, hit - 1);
	if ((hit && (m.exact || m.jaccard >= STORE_JACCARD)) || d->n >= DEDUP_MAX_STORED)
		return hit ? d->id[root] : doc_id;

	if (d->n == d->cap) {
		size_t c = d->cap;
		d->id = xgrow(d->id, &c, d->n + 1, sizeof *d->id);
		c = d->cap;
		d->up = xgrow(d->up, &c, d->n + 1, sizeof *d->up);
		c = d->cap;
		d->count = xgrow(d->count, &c, d->n + 1, sizeof *d->count);
		c = d->cap;
		d->stamp = xgrow(d->stamp, &c, d->n + 1, sizeof *d->stamp);
		c = d->cap;
		d->flags = xgrow(d->flags, &c, d->n + 1, sizeof *d->flags);
		c = d->cap;
		d->sig = xgrow(d->sig, &c, d->n + 1, DEDUP_K * sizeof *d->sig);
		c = d->cap;
		d->next = xgrow(d->next, &c, d->n + 1, BANDS * sizeof *d->next);
		d->cap = c;
		hint_huge(d->sig, d->cap * DEDUP_K * sizeof *d->sig);
		hint_huge(d->next, d->cap * BANDS * sizeof *d->next);
	}
	size_t slot = d->n++;
	d->id[slot] = doc_id;
	d->up[slot] = (uint32_t)root;
	d->count[slot] = s.count;
	d->stamp[slot] = 0;
	d->flags[slot] = (uint8_t)s.flags;
	memcpy(d->sig + slot * DEDUP_K, s.sig, sizeof s.sig);
	exact_put(d, s.exact, slot);
	if (d->n * BANDS > d->hmask + 1)
		band_grow(d);
	else
		band_put(d, slot, hb); /* the buckets lookup found for s */
	return d->id[root];
}

const uint32_t *dedup_merged(const struct dedup *d, size_t *n)
{
	*n = d->nmerged;
	return d->merged;
}

uint32_t dedup_add(struct dedup *d, uint32_t doc_id, const char *title, const char *body,
		   size_t len)
{
	unsigned char blob[DEDUP_SKETCH_BYTES];
	(void)title;
	dedup_sketch(d, body, len, blob);
	return (uint32_t)dedup_load(d, doc_id, blob, sizeof blob);
}

/* ------------------------------------------------------- save / restore --- */

/*
 * Saved state (native byte order), every field in this order:
 *   u32 version (2), DEDUP_K, BANDS; u64 added, n, emask, en, hmask
 *   (saved_band_mask: not the table's own size),
 *   emask2, en2, bmask, bn;
 *   u32 id[n], up[n]; u64 ekey[emask + 1]; u32 eval[emask + 1];
 *   (u32 kg, u32 last) et[emask2 + 1]; u32 bset[bmask + 1]
 * What a slot keeps of its sketch (signature, shingle count, flags) is read
 * again from the stored sketch of its document, and the band table is
 * linked again from the signatures (the same chains: slots are linked in
 * order either way); the lookup stamps and the last load's roots and merges
 * are not state.
 */
#define SAVE_VERSION 2u

void dedup_save(const struct dedup *d, struct buf *out)
{
	uint32_t h[3] = { SAVE_VERSION, DEDUP_K, BANDS };
	buf_put(out, h, sizeof h);
	uint64_t v[9] = { d->added, d->n, d->emask, d->en, saved_band_mask(d->n), d->emask2, d->en2,
			  d->bmask, d->bn };
	buf_put(out, v, sizeof v);
	buf_put(out, d->id, d->n * sizeof *d->id);
	buf_put(out, d->up, d->n * sizeof *d->up);
	buf_put(out, d->ekey, (d->emask + 1) * sizeof *d->ekey);
	buf_put(out, d->eval, (d->emask + 1) * sizeof *d->eval);
	buf_put(out, d->et, (d->emask2 + 1) * sizeof *d->et);
	buf_put(out, d->bset, (d->bmask + 1) * sizeof *d->bset);
}

/* Take the next array of n bytes from *p; NULL when the bytes are short. */
static void *take_arr(const unsigned char **p, const unsigned char *end, size_t n)
{
	if ((size_t)(end - *p) < n)
		return NULL;
	void *a = xmalloc(n ? n : 1);
	memcpy(a, *p, n);
	*p += n;
	return a;
}

static bool is_mask(uint64_t m, uint64_t least)
{
	return m >= least && m < ((uint64_t)1 << 31) && ((m + 1) & m) == 0;
}

struct dedup *dedup_restore(const void *bytes, size_t size, uint64_t ids,
			    const unsigned char *(*sketch)(void *ctx, uint32_t id), void *ctx)
{
	const unsigned char *p = bytes, *end = p + size;
	uint32_t h[3];
	uint64_t v[9];
	if (size < sizeof h + sizeof v)
		return NULL;
	memcpy(h, p, sizeof h);
	memcpy(v, p + sizeof h, sizeof v);
	p += sizeof h + sizeof v;
	if (h[0] != SAVE_VERSION || h[1] != DEDUP_K || h[2] != BANDS)
		return NULL;
	uint64_t n = v[1];
	/* the band table mask is at least saved_band_mask's for n slots (the
	 * table itself is sized by band_size) */
	if (n > DEDUP_MAX_STORED || v[0] < n || !is_mask(v[2], 1023) || v[3] > v[2] ||
	    !is_mask(v[4], 4095) || n * BANDS > 2 * (v[4] + 1) || !is_mask(v[5], 4095) ||
	    v[6] > v[5] || !is_mask(v[7], 255) || v[8] > v[7])
		return NULL;
	struct dedup *d = xcalloc(1, sizeof *d);
	d->added = v[0];
	d->n = d->cap = n;
	d->emask = v[2], d->en = v[3];
	band_size(d);
	d->emask2 = v[5], d->en2 = v[6], d->bmask = v[7], d->bn = v[8];
	d->id = take_arr(&p, end, n * sizeof *d->id);
	d->up = take_arr(&p, end, n * sizeof *d->up);
	d->ekey = take_arr(&p, end, (d->emask + 1) * sizeof *d->ekey);
	d->eval = take_arr(&p, end, (d->emask + 1) * sizeof *d->eval);
	d->et = take_arr(&p, end, (d->emask2 + 1) * sizeof *d->et);
	d->bset = take_arr(&p, end, (d->bmask + 1) * sizeof *d->bset);
	size_t c = n ? n : 1;
	d->stamp = xcalloc(c, sizeof *d->stamp);
	d->count = xmalloc(c * sizeof *d->count);
	d->flags = xmalloc(c * sizeof *d->flags);
	d->sig = xmalloc(c * DEDUP_K * sizeof *d->sig);
	d->next = xmalloc(c * BANDS * sizeof *d->next);
	d->head = xcalloc(d->hmask + 1, sizeof *d->head);
	hint_huge(d->sig, c * DEDUP_K * sizeof *d->sig);
	hint_huge(d->next, c * BANDS * sizeof *d->next);
	hint_huge(d->head, (d->hmask + 1) * sizeof *d->head);
	if (!d->id || !d->up || !d->ekey || !d->eval || !d->et || !d->bset || p != end)
		goto bad;
	/* What lookups rely on, checked so that no saved state can send them
	 * out of bounds or round a loop: union-find parents point to earlier
	 * slots, ids are in range, and each open-addressing table holds the
	 * count it says (so it has an empty entry). */
	for (size_t i = 0; i < n; i++)
		if (d->up[i] > i || d->id[i] >= ids)
			goto bad;
	size_t used = 0;
	for (size_t i = 0; i <= d->emask; i++) {
		if (d->eval[i] > n)
			goto bad;
		used += d->eval[i] != 0;
	}
	if (used != d->en)
		goto bad;
	used = 0;
	for (size_t i = 0; i <= d->emask2; i++)
		used += d->et[i].kg != 0;
	if (used != d->en2)
		goto bad;
	used = 0;
	for (size_t i = 0; i <= d->bmask; i++)
		used += d->bset[i] != 0;
	if (used != d->bn)
		goto bad;
	/* each slot's sketch data, from its document's stored sketch */
	for (size_t i = 0; i < n; i++) {
		struct sk k;
		const unsigned char *b = sketch(ctx, d->id[i]);
		if (!b || sk_parse(b, DEDUP_SKETCH_BYTES, &k) != NL_OK)
			goto bad;
		d->count[i] = k.count;
		d->flags[i] = (uint8_t)k.flags;
		memcpy(d->sig + i * DEDUP_K, k.sig, sizeof k.sig);
	}
	band_link_all(d);
	return d;
bad:
	dedup_free(d);
	return NULL;
}
