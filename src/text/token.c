/*
 * token.c — words to index terms; see token.h.
 *
 * What is a word. A word starts at a Unicode letter or number (utf8proc
 * categories L* and N*) and goes on over letters, numbers and combining marks
 * (Mn, Mc). Three kinds of character may sit *inside* a word, never at its
 * edges:
 *   - an apostrophe (' or U+2019) followed by a letter or number: "don't",
 *     "O'Brien", "Russia's". The term drops the apostrophe ("dont",
 *     "obrien") and an English possessive "'s" ("russia"); "workers'" ends
 *     at the apostrophe anyway ("workers").
 *   - '.' or ',' between two ASCII digits: "3.5" stays "3.5", "2,014" and
 *     "1,000,000" lose their commas ("2014", "1000000").
 *   - a format character (Cf: soft hyphen, zero-width joiner) followed by a
 *     letter or number; normalisation removes it.
 * Everything else separates words, hyphens included ("ex-Soviet" gives
 * "ex" and "soviet").
 *
 * Special cases, all decided from the word and its immediate neighbours so
 * that a word alone (tokenizer_term) gives the term it gets in running text:
 *   - acronyms written with dots, two or more single ASCII letters each
 *     followed by '.' ("U.S.", "U.N.", "a.m.", "e.g."), are one word whose
 *     term is the letters ("us", "un", "am"), never stemmed; the span covers
 *     the final dot;
 *   - Timeline17 / Penn Treebank artefacts are not words: the bracket tokens
 *     "-LRB-" "-RRB-" "-LSB-" "-RSB-" "-LCB-" "-RCB-", and clitics split off
 *     as tokens of their own: "'s" "'ll" "'re" "'ve" "'d" "'m" after white
 *     space or at the start ("China 's" -> china, like "China's"), and
 *     "n't" ("do n't" -> do; the unsplit "don't" gives "dont").
 *
 * Normalisation. Words made only of ASCII (plus U+2019) take the fast path:
 * bytes are lowercased through a table straight into the term buffer, with no
 * call into utf8proc and no allocation. Most words are ASCII letters or
 * digits ending within 16 bytes at a plain separator: with SSE2 one 16-byte
 * load finds such a word's end and lower-cases its term at once
 * (plain_word), where scanning and then lower-casing read it twice. Other
 * words are NFKC case folded by utf8proc (decompose + reencode into a
 * scratch array the tokenizer keeps, so again no allocation once warm).
 * Words with a number in them are not stemmed ("1990s", "h1n1", "3.5");
 * other terms go through Snowball English (libstemmer). Snowball is the
 * slowest step, and news vocabulary is Zipfian, so each tokenizer keeps a
 * cache of recent stems (32768 sets of two 32-byte slots, 2 MiB; words up to
 * 16 bytes): on Reuters 19 in 20 lookups hit and skip the stemmer. (1 MiB
 * missed more at full scale: the 334k-record add with 2 threads took 3.6%
 * longer in 3 interleaved pairs; 4 MiB measured no better than 2.) A slot
 * also keeps the stem's nl_hash64, which tokenize_batch() hands out with
 * the term, so the indexer does not hash the terms that hit (words of 17 to
 * 24 bytes, which the cache took before the hash had their room, are too
 * rare to count: 32,752 stemmer calls on 10,000 live-blog posts, not 32,687;
 * these figures, and the misses below, were counted before the set index
 * became two multiplies; with it, 32,759 calls). A set
 * is one 64-byte cache line, so the second way costs no extra memory
 * access, and it keeps two frequent words
 * that hash to the same set from evicting each other (on 10,000 live-blog
 * posts: 37,635 misses, against 51,480 for a direct-mapped table of the
 * same size; 30,326 of them are first sightings). A new stem goes into way 0
 * and the old way 0 moves to way 1; a hit in way 1 swaps the two, so way 1
 * holds the less recently used (keeping way 1 in place instead cost more).
 * A miss to memory is what a lookup costs, so tokenize() works in batches:
 * it scans and lowercases up to BATCH words, prefetching each one's set,
 * then stems them and hands them out (the terms come out in the same
 * order). tokenize_batch() hands a batch out in one call: the indexer's
 * work per term is small, and a call per term (registers saved, its
 * table's state reloaded) cost 2% of a live-blog add's instructions.
 * A word that misses the cache and that the stemmer would give back as it
 * is, for sure from its letters (stem_keeps: all a-z, ending in no suffix
 * English stemming looks for: "work", "china", "print"), is not passed to
 * it: 37% of the misses on those 10,000 posts, 20,674 calls left of
 * 32,759.
 *
 * Lengths. A term is cut to TOKEN_MAX_BYTES at a code point boundary; the
 * raw bytes of a non-ASCII word are first cut to 4 * TOKEN_MAX_BYTES so a
 * pathological megabyte-long "word" costs no more than a short one.
 */
/* XXH3 inlined for the terms' hashes (the same values as nl_hash64) */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "text/token.h"
#include "text/utf8.h"

#include <libstemmer.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* character classes: bits, so a run's classes can be OR-ed together */
enum {
	K_LET = 1,    /* letter */
	K_NUM = 2,    /* number */
	K_MARK = 4,   /* combining mark: continues a word */
	K_JOIN = 8,   /* format character: inside a word only */
	K_APOS = 16,  /* ' or U+2019: inside a word only */
	K_DOT = 32,   /* '.' between digits */
	K_COMMA = 64, /* ',' between digits */
	K_HIGH = 128, /* byte >= 0x80: decode to classify */
};

/* word flags */
enum {
	F_NUM = K_NUM,  /* has a number: not stemmed */
	F_SEP = 0x100,  /* has ' or ',' to drop (ASCII path) */
	F_WIDE = 0x200, /* has non-ASCII letters, marks or joiners: utf8proc path */
	F_ACRO = 0x400, /* dotted acronym */
};

#define RAW_MAX (4 * TOKEN_MAX_BYTES)
#define STEM_SETS 32768 /* power of two; two slots each */
#define STEM_KEY 16       /* longer words bypass the cache */

/* A cached stem, 32 bytes: the word zero-padded, the stem written as
 * "keep this many bytes of the word, then append add" (English stems differ
 * from their word only at the end: running -> run, happy -> happi) with
 * its length, and the stem's nl_hash64 (tokenize_batch hands it out: no
 * hashing on a hit). */
struct stem_slot {
	uint64_t key[STEM_KEY / 8];
	uint64_t hash;
	char add[5];       /* first, so that a hit copies it as one 8-byte word */
	unsigned char klen, keep;
	unsigned char slen; /* the stem's: keep + the bytes of add used */
};
_Static_assert(sizeof(struct stem_slot) == 32 &&
		       offsetof(struct stem_slot, add) + 8 <= sizeof(struct stem_slot),
	       "a slot's add and the 3 bytes after it are read as one word");

/* Two slots in one 64-byte line: way[0] the more recently used. */
struct stem_set {
	_Alignas(64) struct stem_slot way[2];
};

/* Words wait for their stems in batches: tokenize() scans and lowercases up
 * to BATCH words, prefetching each one's stem-cache set (a miss to memory,
 * most of the tokenizer's time otherwise), then stems the batch and hands
 * it out. A word's term is built in its struct token_term (token.h); what
 * only the stemming needs is beside it in a struct stem_job. */
#define BATCH 64
struct stem_job {
	struct stem_set *set;      /* its cache set; &no_set: stemmed but too long
				    * for the cache; NULL: not stemmed */
	uint64_t key[STEM_KEY / 8]; /* the word zero-padded, for the slot */
};

/* The set of the words too long for the cache: its slots' length (0xFF)
 * matches no word, so a lookup misses without a test of its own, and
 * stem_miss() never fills it (so it is only ever read, by every thread). */
static const struct stem_set no_set = { .way = { { .klen = 0xFF }, { .klen = 0xFF } } };

struct tokenizer {
	struct sb_stemmer *stemmer; /* NULL: no stemming */
	struct sb_stemmer *stemmer8; /* the same for single-byte text: ASCII terms */
	struct stem_set *cache;    /* STEM_SETS sets, 64-byte aligned */
	uint64_t keymask[STEM_KEY + 1][STEM_KEY / 8]; /* [n]: the bytes of a key of length n */
	/* [y][z]: bit x set if Snowball English may change a word of a-z
	 * ending in xyz (all bits: any word ending in yz); see stem_keeps() */
	uint32_t stem_ends[26][26];
	unsigned char cls[256];
	unsigned char lower[256];
	/* the nl_hash64 of every term of one or two of a-z and 0-9 ("of",
	 * "a", "9"), not stemmed and among the commonest: [code] for one,
	 * [36 + 36 * code + code] for two, where code[] numbers those bytes
	 * (36 for any other byte) */
	unsigned char code[256];
	uint64_t short_hash[36 + 36 * 36];
	utf8proc_int32_t *cps; /* scratch for utf8proc */
	size_t ncps;
	char raw[RAW_MAX + 4];
};

struct word {
	size_t start, end; /* span in the text */
	size_t tend;       /* end of the part that makes the term */
	unsigned flags;
};

static const utf8proc_option_t FOLD = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
				      UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;

/* Every suffix the English stemmer (Snowball's english.sbl, Porter2) looks
 * for, and every word it treats as a whole (exception1 and exception2):
 * it changes a word only where one of these ends it. Steps 1a to 5 each
 * find the longest of their suffixes that ends the word and do nothing
 * when none does; the prelude's y -> Y is undone by the postlude, and the
 * apostrophes it and step 1a take off are never in a term (token.c drops
 * them). Two one-letter suffixes change a word only after certain letters,
 * so these are listed instead: step 1c turns a final y (or the prelude's
 * Y) into i only after a letter other than a vowel (aeiouy; a y after y
 * stays y in the prelude, and is listed), and step 5 deletes a final l
 * only after another l. So a word of a-z that ends in none of them is its
 * own stem. */
static const char *const stem_suffixes[] = {
	/* Step_1a */ "sses", "ied", "ies", "s", "us", "ss",
	/* Step_1b */ "eed", "eedly", "ed", "edly", "ing", "ingly",
	/* Step_1c */ "by", "cy", "dy", "fy", "gy", "hy", "jy", "ky", "ly", "my", "ny", "py",
	"qy", "ry", "sy", "ty", "vy", "wy", "xy", "yy", "zy",
	/* Step_2 */ "tional", "enci", "anci", "abli", "entli", "izer", "ization", "ational",
	"ation", "ator", "alism", "aliti", "alli", "fulness", "ousli", "ousness", "iveness",
	"iviti", "biliti", "bli", "ogi", "fulli", "lessli", "li",
	/* Step_3 */ "tional", "ational", "alize", "icate", "iciti", "ical", "ful", "ness",
	"ative",
	/* Step_4 */ "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment",
	"ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion",
	/* Step_5 */ "e", "ll",
	/* exception1 */ "skis", "skies", "dying", "lying", "tying", "idly", "gently", "ugly",
	"early", "only", "singly", "sky", "news", "howe", "atlas", "cosmos", "bias", "andes",
	/* exception2 (evening: newer Snowball) */ "inning", "outing", "canning", "herring",
	"earring", "evening", "proceed", "exceed", "succeed",
};

/* The stem_ends table: a suffix of one or two letters marks every word
 * ending in it; a longer one, the words ending in its last three letters
 * (more than it ends: such words are stemmed, which is never wrong). */
static void stem_ends_init(uint32_t ends[26][26])
{
	memset(ends, 0, 26 * sizeof *ends);
	for (size_t i = 0; i < NL_ARRAY_LEN(stem_suffixes); i++) {
		const char *x = stem_suffixes[i];
		size_t n = strlen(x);
		unsigned z = (unsigned)(x[n - 1] - 'a');
		if (n == 1) {
			for (unsigned y = 0; y < 26; y++)
				ends[y][z] = ~0u;
			continue;
		}
		unsigned y = (unsigned)(x[n - 2] - 'a');
		ends[y][z] |= n == 2 ? ~0u : 1u << (x[n - 3] - 'a');
	}
}

/* Would the English stemmer give term[0..n) (n >= 3) back as it is, for
 * sure: all of it a-z, and ending in none of stem_suffixes? Over a third
 * of the words that miss the stem cache do ("work", "obama", "print",
 * "china", "today"), and the stemmer costs some 1,800 instructions a
 * word. */
static bool stem_keeps(const struct tokenizer *t, const char *term, size_t n)
{
#ifdef __SSE2__
	/* 16 bytes a turn (a term's buffer may be read past its length,
	 * token.h): a byte less 'a' is below 26 unsigned, one biased add and
	 * one signed compare */
	for (size_t i = 0; i < n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(term + i));
		__m128i az = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(128 - 'a'))),
					    _mm_set1_epi8((char)(26 - 128)));
		unsigned in = n - i >= 16 ? 0xFFFF : (1u << (n - i)) - 1;
		if (((unsigned)_mm_movemask_epi8(az) & in) != in)
			return false;
	}
#else
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)(term[i] - 'a') >= 26)
			return false;
#endif
	unsigned x = (unsigned char)term[n - 3] - 'a', y = (unsigned char)term[n - 2] - 'a',
		 z = (unsigned char)term[n - 1] - 'a';
	return !(t->stem_ends[y][z] >> x & 1);
}

struct tokenizer *tokenizer_new(bool stem)
{
	struct tokenizer *t = xcalloc(1, sizeof *t);
	for (int c = 0; c < 256; c++) {
		unsigned char k = 0;
		if (c >= 0x80)
			k = K_HIGH;
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			k = K_LET;
		else if (c >= '0' && c <= '9')
			k = K_NUM;
		else if (c == '\'')
			k = K_APOS;
		else if (c == '.')
			k = K_DOT;
		else if (c == ',')
			k = K_COMMA;
		t->cls[c] = k;
		t->lower[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		t->code[c] = (unsigned char)(c >= 'a' && c <= 'z' ? c - 'a' : c >= '0' && c <= '9' ? 26 + c - '0' : 36);
	}
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	for (size_t x = 0; x < 36; x++) {
		t->short_hash[x] = XXH3_64bits(alnum + x, 1);
		for (size_t y = 0; y < 36; y++) {
			char two[2] = { alnum[x], alnum[y] };
			t->short_hash[36 + 36 * x + y] = XXH3_64bits(two, 2);
		}
	}
	if (stem) {
		t->stemmer = sb_stemmer_new("english", NULL);
		t->stemmer8 = sb_stemmer_new("english", "ISO_8859_1");
		if (!t->stemmer || !t->stemmer8)
			nl_die("tokenizer: cannot create the english stemmer");
		t->cache = xaligned_alloc(64, STEM_SETS * sizeof *t->cache);
		memset(t->cache, 0, STEM_SETS * sizeof *t->cache);
		for (size_t n = 0; n <= STEM_KEY; n++)
			for (size_t j = 0; j < STEM_KEY / 8; j++) {
				size_t valid = n > 8 * j ? NL_MIN(n - 8 * j, (size_t)8) : 0;
				t->keymask[n][j] = valid ? ~0ull >> (64 - 8 * valid) : 0;
			}
		stem_ends_init(t->stem_ends);
	}
	return t;
}

void tokenizer_free(struct tokenizer *t)
{
	if (!t)
		return;
	if (t->stemmer)
		sb_stemmer_delete(t->stemmer);
	if (t->stemmer8)
		sb_stemmer_delete(t->stemmer8);
	free(t->cache);
	free(t->cps);
	free(t);
}

/* ------------------------------------------------------------------------ */
/* Classifying and scanning                                                  */
/* ------------------------------------------------------------------------ */

static unsigned cp_class(uint32_t cp)
{
	if (cp == 0x2019)
		return K_APOS;
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return K_LET;
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return K_NUM;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
		return K_MARK;
	case UTF8PROC_CATEGORY_CF:
		return K_JOIN;
	default:
		return 0;
	}
}

/* Class of the code point at s[i] (0 past the end or if ill-formed); its
 * length goes to *k. */
static unsigned class_at(const struct tokenizer *t, const char *s, size_t len, size_t i, int *k)
{
	*k = 1;
	if (i >= len)
		return 0;
	unsigned c = t->cls[(unsigned char)s[i]];
	if (c != K_HIGH)
		return c;
	uint32_t cp;
	*k = utf8_decode(s + i, len - i, &cp);
	if (*k < 0) {
		*k = -*k;
		return 0;
	}
	return cp_class(cp);
}

static bool is_ascii_letter(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* End of a dotted acronym starting at s[ws] ("U.S." -> ws + 4), or 0.
 * Rare, so kept out of tokenize()'s loop. */
static __attribute__((noinline)) size_t acronym_end(const struct tokenizer *t, const char *s,
						    size_t len, size_t ws)
{
	size_t p = ws;
	int letters = 0;
	while (p + 1 < len && is_ascii_letter((unsigned char)s[p]) && s[p + 1] == '.') {
		letters++;
		p += 2;
		if (p < len && !is_ascii_letter((unsigned char)s[p]))
			break;
		if (p + 1 < len && s[p + 1] != '.')
			break; /* "U.Sa": not an acronym letter */
	}
	if (letters < 2)
		return 0;
	int k;
	if (class_at(t, s, len, p, &k) & (K_LET | K_NUM | K_MARK))
		return 0; /* "U.S.A" without the last dot, "e.g.the": leave it */
	return p;
}

/* Scan the word starting at s[ws], whose first code point has class c0 and
 * length k0. */
__attribute__((always_inline))
static inline void scan_word(const struct tokenizer *t, const char *s, size_t len, size_t ws, unsigned c0,
		      int k0, struct word *w)
{
	w->start = ws;
	if (k0 == 1 && c0 == K_LET && ws + 1 < len && s[ws + 1] == '.') {
		size_t e = acronym_end(t, s, len, ws);
		if (e) {
			w->end = w->tend = e;
			w->flags = F_ACRO;
			return;
		}
	}
	unsigned fl = (c0 & F_NUM) | (k0 > 1 ? F_WIDE : 0);
	size_t i = ws + (size_t)k0;
	while (i < len) {
		unsigned c = t->cls[(unsigned char)s[i]];
		if (c & (K_LET | K_NUM)) {
			fl |= c;
			i++;
			continue;
		}
		int k;
		if (c == K_HIGH) {
			c = class_at(t, s, len, i, &k);
			if (c & (K_LET | K_NUM | K_MARK)) {
				fl |= F_WIDE | (c & F_NUM);
				i += (size_t)k;
				continue;
			}
			if (c & (K_APOS | K_JOIN)) {
				int k2;
				if (!(class_at(t, s, len, i + (size_t)k, &k2) & (K_LET | K_NUM)))
					break;
				/* a curly apostrophe alone keeps the ASCII path */
				fl |= c == K_APOS ? F_SEP : F_WIDE;
				i += (size_t)k;
				continue;
			}
			break;
		}
		if (c == K_APOS) {
			if (!(class_at(t, s, len, i + 1, &k) & (K_LET | K_NUM)))
				break;
			fl |= F_SEP;
			i++;
			continue;
		}
		if ((c == K_DOT || c == K_COMMA) && i + 1 < len && is_digit((unsigned char)s[i - 1]) &&
		    is_digit((unsigned char)s[i + 1])) {
			if (c == K_COMMA)
				fl |= F_SEP;
			i++;
			continue;
		}
		break;
	}
	w->end = w->tend = i;
	w->flags = fl;
	/* English possessive: drop a final 's */
	if ((fl & F_SEP) && (s[i - 1] == 's' || s[i - 1] == 'S')) {
		if (s[i - 2] == '\'')
			w->tend = i - 2;
		else if (i - ws >= 5 && memcmp(s + i - 4, "\xE2\x80\x99", 3) == 0)
			w->tend = i - 4;
	}
}

static bool is_apos_before(const char *s, size_t a, size_t *q)
{
	if (a >= 1 && s[a - 1] == '\'') {
		*q = a - 1;
		return true;
	}
	if (a >= 3 && memcmp(s + a - 3, "\xE2\x80\x99", 3) == 0) {
		*q = a - 3;
		return true;
	}
	return false;
}

/* The bytes that may stand right before a Treebank artefact: '-', an
 * apostrophe and the last byte of U+2019 */
static const bool skip_before[256] = { ['-'] = true, ['\''] = true, [0x99] = true };

/* Words that are not words: Penn Treebank bracket tokens (-LRB-) and
 * clitics split off as tokens of their own (China 's, we 're, do n't). */
__attribute__((always_inline))
static inline bool skip_word(const char *s, size_t len, const struct word *w)
{
	size_t a = w->start, n = w->end - w->start, q;
	if (n > 5)
		return false; /* every case below is a short word */
	/* ... with an apostrophe inside it (F_SEP), or a '-' or an apostrophe
	 * (' or the last byte of U+2019) right before it: most have neither */
	unsigned char before = a > 0 ? (unsigned char)s[a - 1] : 0;
	if (!(w->flags & F_SEP) && !skip_before[before])
		return false;
	if (n == 3 && a > 0 && w->end < len && s[a - 1] == '-' && s[w->end] == '-') {
		static const char brackets[][4] = { "LRB", "RRB", "LSB", "RSB", "LCB", "RCB" };
		for (size_t i = 0; i < NL_ARRAY_LEN(brackets); i++)
			if (memcmp(s + a, brackets[i], 3) == 0)
				return true;
		return false;
	}
	/* "n't" is a word of its own only when split off: always skip it */
	if ((n == 3 || n == 5) && (s[a] | 0x20) == 'n' && (s[w->end - 1] | 0x20) == 't' &&
	    is_apos_before(s, w->end - 1, &q) && q == a + 1)
		return true;
	/* 's 'll 're 've 'd 'm after white space or at the start */
	if (n <= 2 && is_apos_before(s, a, &q) && (q == 0 || is_space((unsigned char)s[q - 1]))) {
		char c0 = (char)(s[a] | 0x20), c1 = n == 2 ? (char)(s[a + 1] | 0x20) : 0;
		static const char clitics[][3] = { "s", "ll", "re", "ve", "d", "m" };
		for (size_t i = 0; i < NL_ARRAY_LEN(clitics); i++)
			if (clitics[i][0] == c0 && clitics[i][1] == c1)
				return true;
	}
	return false;
}

/* ------------------------------------------------------------------------ */
/* Terms                                                                     */
/* ------------------------------------------------------------------------ */

/* Longest prefix of p[0..n) of at most max bytes ending at a code point. */
static size_t cut_utf8(const char *p, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
		k--;
	return k;
}

/* NFKC + case fold the word s[0..n) into out; returns the length. Rare in
 * English news, so kept out of tokenize()'s loop. */
static __attribute__((noinline)) size_t fold_word(struct tokenizer *t, const char *s, size_t n,
						  char *out)
{
	size_t rn = 0;
	for (size_t i = 0; i < n && rn < RAW_MAX;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\'' || c == ',') {
			i++;
			continue;
		}
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x99) {
			i += 3;
			continue;
		}
		t->raw[rn++] = (char)c;
		i++;
	}
	rn = cut_utf8(t->raw, rn, RAW_MAX);
	utf8proc_ssize_t r;
	for (;;) {
		r = utf8proc_decompose((const utf8proc_uint8_t *)t->raw, (utf8proc_ssize_t)rn, t->cps,
				       (utf8proc_ssize_t)t->ncps, FOLD);
		if (r < 0)
			return 0;
		if ((size_t)r + 1 <= t->ncps)
			break;
		t->ncps = (size_t)r + 64;
		t->cps = xrealloc(t->cps, t->ncps * sizeof *t->cps);
	}
	r = utf8proc_reencode(t->cps, r, FOLD);
	if (r < 0)
		return 0;
	const char *u = (const char *)t->cps;
	size_t m = cut_utf8(u, (size_t)r, TOKEN_MAX_BYTES);
	memcpy(out, u, m);
	return m;
}

static struct stem_set *stem_slot_key(const struct tokenizer *t, uint64_t *k, size_t n);

/* The stem-cache set of the word pe->term[0..pe->len) (n <= STEM_KEY),
 * with its key in jb->key; NULL for longer words. */
__attribute__((always_inline))
static inline struct stem_set *stem_slot_of(struct tokenizer *t, const struct token_term *pe,
					    struct stem_job *jb)
{
	size_t n = pe->len;
	if (n > STEM_KEY) {
		memset(jb->key, 0, sizeof jb->key);
		return (struct stem_set *)&no_set;
	}
	/* the word as 2 zero-padded words; bytes past n may be garbage */
	uint64_t *k = jb->key;
	memcpy(k, pe->term, sizeof jb->key);
	return stem_slot_key(t, k, n);
}

/* Zero the bytes of k past n (n <= STEM_KEY) and return the set of the key. */
static inline struct stem_set *stem_slot_key(const struct tokenizer *t, uint64_t *k, size_t n)
{
	for (size_t j = 0; j < STEM_KEY / 8; j++)
		k[j] &= t->keymask[n][j];
	/* the top bits of a product depend on every bit of the word below
	 * them: a multiply per word and their top bits (the length needs no
	 * part: a key holds no zero byte before its end) */
	uint64_t h = k[0] * 0x9E3779B97F4A7C15ull + k[1] * 0xC2B2AE3D27D4EB4Full;
	_Static_assert((STEM_SETS & (STEM_SETS - 1)) == 0, "STEM_SETS is a power of two");
	return &t->cache[h >> (64 - __builtin_ctz(STEM_SETS))];
}

__attribute__((always_inline))
static inline bool slot_has(const struct stem_slot *slot, const uint64_t *k, size_t n)
{
	return slot->klen == n && slot->key[0] == k[0] && slot->key[1] == k[1];
}

/* Stem pe->term[0..len) with the stemmer and remember the stem (and its
 * hash, in pe->hash too) in its cache set jb->set (not no_set); returns the new
 * length. Out of line: stem_term() inlines the cache hit, which is most
 * calls. */
static __attribute__((noinline)) size_t stem_miss(struct tokenizer *t, struct token_term *pe,
						  const struct stem_job *jb)
{
	struct stem_set *set = jb->set;
	const uint64_t *k = jb->key;
	char *term = pe->term;
	size_t n = pe->len;
	/* a word the stemmer would give back as it is needs no call */
	const sb_symbol *st = (const sb_symbol *)term;
	size_t m = n;
	if (!stem_keeps(t, term, n)) {
		/* An ASCII term (most are) goes to the single-byte build of
		 * the same Snowball program: English's rules name only ASCII
		 * letters and the apostrophe, so on ASCII both builds give the
		 * same stem, but the UTF-8 one steps through characters as
		 * code points: 2,600 instructions a word against 1,800 on
		 * 94,213 news words (the two agreed on all of them, and on
		 * 600,000 random ASCII words) */
		unsigned char high = 0;
		for (size_t i = 0; i < n; i++)
			high |= (unsigned char)term[i];
		struct sb_stemmer *sb = high < 0x80 ? t->stemmer8 : t->stemmer;
		st = sb_stemmer_stem(sb, (const sb_symbol *)term, (int)n);
		if (!st)
			nl_die("tokenizer: out of memory in the stemmer");
		m = cut_utf8((const char *)st, (size_t)sb_stemmer_length(sb), TOKEN_MAX_BYTES);
	}
	pe->hash = XXH3_64bits(st, m);
	if (set != &no_set) {
		struct stem_slot *slot = &set->way[0];
		size_t keep = 0;
		if (st == (const sb_symbol *)term)
			keep = n;
		else
			while (keep < m && keep < n && st[keep] == (sb_symbol)term[keep])
				keep++;
		if (m - keep <= sizeof slot->add) {
			set->way[1] = set->way[0];
			memcpy(slot->key, k, sizeof slot->key);
			slot->klen = (unsigned char)n;
			slot->hash = pe->hash;
			slot->keep = (unsigned char)keep;
			slot->slen = (unsigned char)m;
			memcpy(slot->add, st + keep, m - keep);
		}
	}
	if (st != (const sb_symbol *)term)
		memcpy(term, st, m);
	return m;
}

/* Stem pe->term[0..len) in place (through its cache set jb->set),
 * its hash to pe->hash; returns the new length. */
__attribute__((always_inline))
static inline size_t stem_term(struct tokenizer *t, struct token_term *pe, const struct stem_job *jb)
{
	struct stem_set *set = jb->set;
	struct stem_slot *slot = &set->way[0];
	if (!slot_has(slot, jb->key, pe->len)) {
		if (!slot_has(&set->way[1], jb->key, pe->len))
			return stem_miss(t, pe, jb);
		struct stem_slot tmp = set->way[1];
		set->way[1] = set->way[0];
		set->way[0] = tmp;
	}
	/* add and the 3 bytes after it, one word: the term's bytes past its
	 * length are unspecified (token.h); the slot's fields are read before
	 * the store, which might alias them */
	size_t keep = slot->keep, m = slot->slen;
	uint64_t add;
	memcpy(&add, (const char *)slot + offsetof(struct stem_slot, add), 8);
	pe->hash = slot->hash;
	memcpy(pe->term + keep, &add, 8);
	return m;
}

/* Lowercase 8 bytes of ASCII at once: add 0x20 to each byte in 'A'..'Z'.
 * Bytes >= 0x80 can only carry into higher bytes, which the caller ignores. */
static inline uint64_t lower8(uint64_t x)
{
	uint64_t ge_a = x + 0x3F3F3F3F3F3F3F3Full; /* high bit: byte >= 'A' */
	uint64_t gt_z = x + 0x2525252525252525ull; /* high bit: byte > 'Z' */
	return x | (((ge_a & ~gt_z) & 0x8080808080808080ull) >> 2);
}

/* Build the unstemmed term of w into out (TOKEN_MAX_BYTES + 32 bytes);
 * returns its length (may be 0). */
__attribute__((always_inline))
static inline size_t make_term(struct tokenizer *t, const char *s, size_t len, const struct word *w,
			char *out)
{
	const unsigned char *p = (const unsigned char *)s + w->start;
	const unsigned char *e = (const unsigned char *)s + w->tend;
	size_t n = 0;

	if (w->flags & F_ACRO) {
		for (; p < e && n < TOKEN_MAX_BYTES; p++)
			if (*p != '.')
				out[n++] = (char)t->lower[*p];
		return n;
	}
	if (w->flags & F_WIDE) {
		n = fold_word(t, (const char *)p, (size_t)(e - p), out);
	} else if (!(w->flags & F_SEP)) {
		/* the hot path: 8 bytes at a time while the text lasts, stored
		 * as whole words so stem_slot_of's word loads forward from them */
		n = NL_MIN((size_t)(e - p), (size_t)TOKEN_MAX_BYTES);
		size_t i = 0;
		for (; i < n && w->start + i + 8 <= len; i += 8) {
			uint64_t x;
			memcpy(&x, p + i, 8);
			x = lower8(x);
			memcpy(out + i, &x, 8);
		}
		for (; i < n; i++)
			out[i] = (char)t->lower[p[i]];
	} else {
		/* only ASCII word characters, ' ',' and the bytes of U+2019 */
		for (; p < e && n < TOKEN_MAX_BYTES; p++)
			if (*p != '\'' && *p != ',' && *p < 0x80)
				out[n++] = (char)t->lower[*p];
	}
	return n;
}

#ifdef __SSE2__
/* The common word in one step: ASCII letters and digits ending within 16
 * bytes at a byte that ends the word for sure (not an apostrophe before a
 * word character, not '.' or ',' between digits, not '.' after a single
 * letter, which may be an acronym, not a byte >= 0x80). Then *w is the
 * word as scan_word() would find it, its term (make_term()'s, lower case)
 * is in out[0..16) and the term's length is returned; otherwise 0, and
 * nothing is decided. text[i] is an ASCII letter or digit and 16 bytes can
 * be read from it; the text has avail = len - i of them (16 if more: a
 * constant, so the common case has no test for it). One load serves both,
 * where scan_word() and make_term() each went through the word byte by
 * byte. */
__attribute__((always_inline))
static inline size_t plain_word(const struct tokenizer *t, const char *s, size_t len, size_t i,
				size_t avail, struct word *w, char *out)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
	/* a byte is in lo..lo+k-1 if, less lo, it is below k unsigned: one add
	 * (biased by 128) and one signed compare; bytes >= 0x80 are neither
	 * letters nor digits */
	__m128i xl = _mm_or_si128(x, _mm_set1_epi8(0x20));
	__m128i let = _mm_cmplt_epi8(_mm_add_epi8(xl, _mm_set1_epi8((char)(128 - 'a'))),
				     _mm_set1_epi8((char)(26 - 128)));
	__m128i dig = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(128 - '0'))),
				     _mm_set1_epi8((char)(10 - 128)));
	unsigned word = (unsigned)_mm_movemask_epi8(_mm_or_si128(let, dig));
	if (avail < 16)
		word &= (1u << avail) - 1; /* the bytes past the text end it */
	size_t n = (size_t)__builtin_ctz(~word); /* >= 1 */
	if (n == 16)
		return 0;
	unsigned digits = (unsigned)_mm_movemask_epi8(dig) & ((1u << n) - 1);
	/* the byte after the word: one look at its class tells the common
	 * case (a space, most punctuation) from the four that need more; the
	 * end of the text ends the word as a space does */
	unsigned char b = avail < 16 && n == avail ? ' ' : (unsigned char)s[i + n];
	unsigned cb = t->cls[b];
	if (cb & (K_APOS | K_DOT | K_COMMA | K_HIGH)) {
		if (cb == K_HIGH)
			return 0;
		unsigned next = i + n + 1 < len ? t->cls[(unsigned char)s[i + n + 1]] : 0;
		if (b == '\'' && (next & (K_LET | K_NUM | K_HIGH)))
			return 0;
		if (b != '\'' && (digits >> (n - 1) & 1) && (next & K_NUM))
			return 0;
		if (b == '.' && n == 1 && !digits)
			return 0;
	}
	/* a letter with its case bit set is lower case; digits stay */
	_mm_storeu_si128((__m128i *)(void *)out,
			 _mm_or_si128(x, _mm_and_si128(let, _mm_set1_epi8(0x20))));
	w->start = i;
	w->end = w->tend = i + n;
	w->flags = digits ? F_NUM : 0;
	return n;
}
#endif

/* nl_hash64 of a term that is not stemmed: from short_hash for one or two
 * letters or digits, where XXH3 took some 30 instructions */
__attribute__((always_inline))
static inline uint64_t term_hash(const struct tokenizer *t, const char *term, size_t n)
{
	if (n <= 2) {
		unsigned x = t->code[(unsigned char)term[0]];
		unsigned y = n == 2 ? t->code[(unsigned char)term[1]] : 0;
		if ((x | y) < 36)
			return t->short_hash[n == 1 ? x : 36 + 36 * x + y];
	}
	return XXH3_64bits(term, n);
}

/* Stem the words of a batch that are to be stemmed, hash the others (for
 * bfn), and hand them all out: one by one to fn, or at once to bfn. Returns
 * the callback's nonzero value if it stopped, else 0. */
__attribute__((always_inline))
static inline int flush_batch(struct tokenizer *t, struct token_term *tt, const struct stem_job *job,
			      size_t count, token_fn fn, token_batch_fn bfn, void *ctx)
{
	for (size_t k = 0; k < count; k++) {
		struct token_term *pe = &tt[k];
		if (job[k].set)
			pe->len = (uint32_t)stem_term(t, pe, &job[k]);
		else if (!fn)
			pe->hash = term_hash(t, pe->term, pe->len);
		if (!fn)
			continue;
		int rc = fn(ctx, pe->term, pe->len, pe->start, pe->end);
		if (rc)
			return rc;
	}
	return fn ? 0 : bfn(ctx, tt, count);
}

/* ------------------------------------------------------------------------ */
/* API                                                                       */
/* ------------------------------------------------------------------------ */

/* tokenize() and tokenize_batch(), one of fn and bfn given: inlined in
 * each, so each is the loop for its own callback.
 * padded: TOKEN_PAD bytes past len may be read; stemming: t->stemmer is
 * set (a constant where the caller tells the two apart). */
__attribute__((always_inline))
static inline int tokenize_run(struct tokenizer *t, const char *text, size_t len, token_fn fn,
			       token_batch_fn bfn, void *ctx, bool padded, bool stemming)
{
	if (len > UINT32_MAX)
		return NL_ETOOBIG;
	/* on the stack, not in t: a callback may call tokenize (tokenizer_term)
	 * with the same tokenizer while words of this call are pending */
	struct token_term tt[BATCH];
	struct stem_job job[BATCH];
	size_t i = 0;
	/* the next free entries, as pointers: an index into the 120-byte
	 * entries cost a multiply and spilled registers per word */
	struct token_term *pe = tt;
	struct stem_job *jb = job;
	while (i < len) {
		unsigned c = t->cls[(unsigned char)text[i]];
		int k = 1;
		if (c == K_HIGH) {
			/* its own variable: k, whose address went to class_at,
			 * lived on the stack for every byte */
			int kh;
			c = class_at(t, text, len, i, &kh);
			k = kh;
		}
		if (!(c & (K_LET | K_NUM))) {
			i += (size_t)k;
			continue;
		}
		struct word w;
		size_t n = 0;
#ifdef __SSE2__
		if (k == 1) {
			if (i + 16 <= len)
				n = plain_word(t, text, len, i, 16, &w, pe->term);
			else if (padded)
				n = plain_word(t, text, len, i, len - i, &w, pe->term);
		}
#endif
		if (n) {
			/* the common word: text[len] may be read when padded
			 * (a space there ends the loop a byte later), and with
			 * no apostrophe in it, only a '-' or an apostrophe
			 * before it may make it an artefact */
			i = w.end;
			if ((padded || i < len) && text[i] == ' ')
				i++; /* the usual separator, without another turn of the loop */
			if (n <= 5 && w.start > 0 && skip_before[(unsigned char)text[w.start - 1]] &&
			    skip_word(text, len, &w))
				continue;
		} else {
			scan_word(t, text, len, i, c, k, &w);
			i = w.end;
			if (i < len && text[i] == ' ')
				i++;
			if (skip_word(text, len, &w))
				continue;
			n = make_term(t, text, len, &w, pe->term);
			if (n == 0)
				continue;
		}
		pe->len = (uint32_t)n;
		pe->start = (uint32_t)w.start;
		pe->end = (uint32_t)w.end;
		bool stem = stemming && n > 2 && !(w.flags & (F_NUM | F_ACRO));
		jb->set = stem ? stem_slot_of(t, pe, jb) : NULL;
		if (stem)
			__builtin_prefetch(jb->set);
		pe++;
		jb++;
		if (pe == tt + BATCH) {
			int rc = flush_batch(t, tt, job, BATCH, fn, bfn, ctx);
			if (rc)
				return rc;
			pe = tt;
			jb = job;
		}
	}
	return pe > tt ? flush_batch(t, tt, job, (size_t)(pe - tt), fn, bfn, ctx) : 0;
}

int tokenize(struct tokenizer *t, const char *text, size_t len, token_fn fn, void *ctx)
{
	return tokenize_run(t, text, len, fn, NULL, ctx, false, t->stemmer != NULL);
}

int tokenize_batch(struct tokenizer *t, const char *text, size_t len, token_batch_fn fn,
		   void *ctx)
{
	return tokenize_run(t, text, len, NULL, fn, ctx, false, t->stemmer != NULL);
}

int tokenize_batch_padded(struct tokenizer *t, const char *text, size_t len, token_batch_fn fn,
			  void *ctx)
{
	/* the indexer's path: a loop each, with and without stemming */
	if (t->stemmer)
		return tokenize_run(t, text, len, NULL, fn, ctx, true, true);
	return tokenize_run(t, text, len, NULL, fn, ctx, true, false);
}

struct first_term {
	char *out;
	size_t cap, n;
};

static int take_first(void *ctx, const char *term, size_t n, uint32_t start, uint32_t end)
{
	struct first_term *f = ctx;
	f->n = cut_utf8(term, n, f->cap);
	memcpy(f->out, term, f->n);
	return 1;
}

size_t tokenizer_term(struct tokenizer *t, const char *word, size_t len, char *out, size_t cap)
{
	struct first_term f = { out, cap, 0 };
	tokenize(t, word, len, take_first, &f);
	return f.n;
}
