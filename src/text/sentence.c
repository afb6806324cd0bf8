/*
 * sentence.c — rule-based sentence splitting for news text; see sentence.h.
 *
 * One pass over the text looking for stops: '.', '?', '!', runs of them
 * ("?!", "..."), and U+2026. At a stop we take the closing quotes and
 * brackets that follow it as part of the sentence ("...he said." / "(Reuters.)"
 * / Timeline17's spaced " . '' " and " . -RRB- "), then decide:
 *
 *   1. The stop (with its closers) must be followed by white space or the
 *      end: "3.5", "U.S.-led", "example.com" never split.
 *   2. A stop written with white space before it (" . ", Timeline17 and
 *      other pre-tokenised text) is a sentence end whatever follows; so is
 *      a blank line (a paragraph break), found separately. A single
 *      newline is not: Reuters wraps lines inside sentences; but a stop
 *      followed by a new line that is indented (a Reuters paragraph) ends
 *      the sentence even after an abbreviation ("...Dean Witter Inc.\n
 *      Maude said").
 *   3. Otherwise the next word must look like a sentence start: an
 *      uppercase or uncased letter, a digit or currency sign, or an opening
 *      quote or bracket. "the U.S. said" and "etc. and" do not split.
 *   4. '?', '!' and ellipses then end the sentence. A single '.' looks at the
 *      word before it:
 *        - titles that precede a name (Mr. Dr. Gen. Sen. Rep. Gov. Lt. Col.
 *          Prof. ..., vs., e.g., i.e.) never end a sentence;
 *        - "No." "Vol." "pp." and month abbreviations do not end it before a
 *          digit ("No. 2", "Jan. 5");
 *        - dotted acronyms (U.S., U.N., a.m.), single capital initials
 *          ("John F. Kennedy"), company suffixes (Inc. Corp. Co. Ltd.),
 *          Jr. Sr. St. etc. and months before a word are AMBIGUOUS: they end
 *          the sentence only when the next word is a common sentence
 *          opener ("in the U.S. The president" splits, "the U.S. Senate"
 *          does not) or an opening quote, and never when the next word is
 *          itself an initial ("F. A. Hayek");
 *        - any other word: the sentence ends.
 *
 * The opener list trades recall for precision on purpose: a missed split
 * merges two sentences (harmless for timelines, which quote whole
 * sentences), a false split cuts a sentence in half mid-name.
 */
#include "text/sentence.h"
#include "text/utf8.h"

#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum next_kind { N_END, N_UPPER, N_DIGIT, N_OPEN, N_LOWER, N_OTHER };

enum abbr { A_NONE, A_NEVER, A_NUMERIC, A_MONTH, A_AMBIG };

static const struct {
	const char *w;
	enum abbr kind;
} abbrevs[] = {
	{ "mr", A_NEVER },    { "mrs", A_NEVER },    { "ms", A_NEVER },    { "messrs", A_NEVER },
	{ "dr", A_NEVER },    { "prof", A_NEVER },   { "gen", A_NEVER },   { "lt", A_NEVER },
	{ "col", A_NEVER },   { "sgt", A_NEVER },    { "capt", A_NEVER },  { "maj", A_NEVER },
	{ "adm", A_NEVER },   { "cmdr", A_NEVER },   { "cpl", A_NEVER },   { "pvt", A_NEVER },
	{ "sen", A_NEVER },   { "sens", A_NEVER },   { "rep", A_NEVER },   { "reps", A_NEVER },
	{ "gov", A_NEVER },   { "govs", A_NEVER },   { "rev", A_NEVER },   { "hon", A_NEVER },
	{ "pres", A_NEVER },  { "supt", A_NEVER },   { "insp", A_NEVER },  { "vs", A_NEVER },
	{ "v", A_NEVER },     { "e.g", A_NEVER },    { "i.e", A_NEVER },   { "cf", A_NEVER },
	{ "fig", A_NEVER },   { "figs", A_NEVER },   { "approx", A_NEVER },
	{ "no", A_NUMERIC },  { "nos", A_NUMERIC },  { "vol", A_NUMERIC }, { "pp", A_NUMERIC },
	{ "jan", A_MONTH },   { "feb", A_MONTH },    { "mar", A_MONTH },   { "apr", A_MONTH },
	{ "jun", A_MONTH },   { "jul", A_MONTH },    { "aug", A_MONTH },   { "sep", A_MONTH },
	{ "sept", A_MONTH },  { "oct", A_MONTH },    { "nov", A_MONTH },   { "dec", A_MONTH },
	{ "inc", A_AMBIG },   { "corp", A_AMBIG },   { "co", A_AMBIG },    { "ltd", A_AMBIG },
	{ "llc", A_AMBIG },   { "plc", A_AMBIG },    { "bros", A_AMBIG },  { "jr", A_AMBIG },
	{ "sr", A_AMBIG },    { "st", A_AMBIG },     { "ft", A_AMBIG },    { "mt", A_AMBIG },
	{ "etc", A_AMBIG },   { "al", A_AMBIG },
	/* US states, AP style ("Chicago, Ill."); not Miss. Wash. Del., words too often */
	{ "ala", A_AMBIG },   { "ariz", A_AMBIG },   { "ark", A_AMBIG },   { "calif", A_AMBIG },
	{ "colo", A_AMBIG },  { "conn", A_AMBIG },   { "fla", A_AMBIG },   { "ga", A_AMBIG },
	{ "ill", A_AMBIG },   { "ind", A_AMBIG },    { "kan", A_AMBIG },   { "kans", A_AMBIG },
	{ "ky", A_AMBIG },    { "la", A_AMBIG },     { "md", A_AMBIG },    { "mass", A_AMBIG },
	{ "mich", A_AMBIG },  { "minn", A_AMBIG },   { "mo", A_AMBIG },    { "mont", A_AMBIG },
	{ "neb", A_AMBIG },   { "nev", A_AMBIG },    { "okla", A_AMBIG },  { "ore", A_AMBIG },
	{ "pa", A_AMBIG },    { "tenn", A_AMBIG },   { "tex", A_AMBIG },   { "va", A_AMBIG },
	{ "vt", A_AMBIG },    { "wis", A_AMBIG },    { "wyo", A_AMBIG },
};

/* Words that commonly open a sentence in news (case-sensitive). */
static const char *const openers[] = {
	"The", "A", "An", "In", "On", "At", "As", "It", "Its", "He", "She", "They", "We", "I",
	"You", "His", "Her", "Their", "Our", "This", "That", "These", "Those", "There", "Here",
	"But", "And", "Or", "So", "Yet", "Also", "However", "Meanwhile", "Still", "If", "When",
	"While", "After", "Before", "Since", "Although", "Though", "Because", "Despite", "During",
	"For", "From", "With", "Without", "By", "According", "Some", "Many", "Most", "Several",
	"Both", "All", "Each", "Such", "One", "Two", "Three", "Last", "Earlier", "Later", "Now",
	"Today", "Yesterday", "What", "Why", "How", "Who", "Where",
	"Which", "Not", "Under", "Among", "Until", "Then", "Instead", "Even", "Only", "No", "Asked",
	"Mr", "Mrs", "Ms", "Dr",
};

/* ------------------------------------------------------------------------ */
/* Characters                                                                */
/* ------------------------------------------------------------------------ */

/* Index of the first byte at or after s[i] that is a line break or may start
 * a stop ('.', '?', '!', or 0xE2, the lead byte of U+2026); len if none.
 * Most bytes are none of these: with SSE2, 16 are tested at once. */
static size_t next_interesting(const char *s, size_t len, size_t i)
{
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), dot = _mm_set1_epi8('.'), qm = _mm_set1_epi8('?'),
		      ex = _mm_set1_epi8('!'), e2 = _mm_set1_epi8((char)0xE2);
	while (i + 16 <= len) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, nl), _mm_cmpeq_epi8(x, dot)),
					 _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, qm),
								   _mm_cmpeq_epi8(x, ex)),
						      _mm_cmpeq_epi8(x, e2)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits)
			return i + (size_t)__builtin_ctz(bits);
		i += 16;
	}
	/* the last bytes (fewer than 16 left): the 16 that end the text, less
	 * those before i, instead of a byte at a time (every paragraph's end) */
	if (i < len && len >= 16) {
		size_t b = len - 16; /* < i */
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + b));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, nl), _mm_cmpeq_epi8(x, dot)),
					 _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, qm),
								   _mm_cmpeq_epi8(x, ex)),
						      _mm_cmpeq_epi8(x, e2)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m) >> (i - b);
		return bits ? i + (size_t)__builtin_ctz(bits) : len;
	}
#endif
	while (i < len && s[i] != '\n' && s[i] != '.' && s[i] != '?' && s[i] != '!' &&
	       s[i] != '\xE2')
		i++;
	return i;
}

static bool is_space_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of the white-space character at s[i] (0 if none): ASCII space and
 * the Unicode spaces news text carries (NBSP, U+2000..U+200A, U+202F, U+3000). */
static size_t space_len(const char *s, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)s + i;
	if (is_space_byte(u[0]))
		return 1;
	if (u[0] == 0xC2 && i + 1 < len && u[1] == 0xA0)
		return 2;
	if (u[0] == 0xE2 && i + 2 < len && u[1] == 0x80 &&
	    ((u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xAF))
		return 3;
	if (u[0] == 0xE3 && i + 2 < len && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
	size_t k;
	while (i < len && (k = space_len(s, len, i)))
		i += k;
	return i;
}

static bool has_prefix(const char *s, size_t len, size_t i, const char *lit)
{
	size_t n = strlen(lit);
	return i + n <= len && memcmp(s + i, lit, n) == 0;
}

/* Length of the stop at s[i]: '.', '?', '!' or U+2026; 0 if none. */
static size_t stop_len(const char *s, size_t len, size_t i)
{
	char c = s[i];
	if (c == '.' || c == '?' || c == '!')
		return 1;
	return has_prefix(s, len, i, "\xE2\x80\xA6") ? 3 : 0;
}

/* Length of a closing quote or bracket written right after a stop. */
static size_t closer_len(const char *s, size_t len, size_t i)
{
	char c = s[i];
	if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}')
		return 1;
	if (has_prefix(s, len, i, "\xE2\x80\x99") || has_prefix(s, len, i, "\xE2\x80\x9D"))
		return 3;
	if (has_prefix(s, len, i, "\xC2\xBB"))
		return 2;
	return 0;
}

/* Length of a token standing alone after a stop that still belongs to the
 * sentence: a closer (" . ''", " . -RRB-", " ! ' ''") or another stop
 * (" . . "). A quote standing alone, followed by white space, closes: opening
 * quotes stick to the next word (or are written `` / ` in Treebank text). */
static size_t spaced_closer_len(const char *s, size_t len, size_t i)
{
	static const char *const toks[] = { "''", "'", "\"", "-RRB-", "-RSB-", "-RCB-", ")", "]",
					     "\xE2\x80\x9D", "\xE2\x80\x99", "\xC2\xBB" };
	size_t n = 0, k;
	while (i + n < len && (k = stop_len(s, len, i + n)))
		n += k;
	if (n == 0) {
		for (size_t t = 0; t < NL_ARRAY_LEN(toks); t++) {
			size_t m = strlen(toks[t]);
			if (has_prefix(s, len, i, toks[t])) {
				n = m;
				break;
			}
		}
	}
	if (n && (i + n == len || space_len(s, len, i + n)))
		return n;
	return 0;
}

/* Length of an opening quote or bracket at s[i] (0 if none). */
static size_t opener_len(const char *s, size_t len, size_t i)
{
	char c = s[i];
	if (c == '"' || c == '\'' || c == '(' || c == '[' || c == '{' || c == '`')
		return 1;
	if (has_prefix(s, len, i, "\xE2\x80\x9C") || has_prefix(s, len, i, "\xE2\x80\x98"))
		return 3;
	if (has_prefix(s, len, i, "\xC2\xAB"))
		return 2;
	if (has_prefix(s, len, i, "-LRB-") || has_prefix(s, len, i, "-LSB-"))
		return 5;
	return 0;
}

static enum next_kind next_kind(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return N_END;
	unsigned char c = (unsigned char)s[i];
	if (c >= 'A' && c <= 'Z')
		return N_UPPER;
	if (c >= 'a' && c <= 'z')
		return N_LOWER;
	if ((c >= '0' && c <= '9') || c == '$')
		return N_DIGIT;
	if (opener_len(s, len, i))
		return N_OPEN;
	if (c < 0x80)
		return N_OTHER;
	uint32_t cp;
	if (utf8_decode(s + i, len - i, &cp) < 0)
		return N_OTHER;
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LO: /* uncased scripts */
	case UTF8PROC_CATEGORY_LM:
		return N_UPPER;
	case UTF8PROC_CATEGORY_LL:
		return N_LOWER;
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
	case UTF8PROC_CATEGORY_SC:
		return N_DIGIT;
	case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PI:
		return N_OPEN;
	default:
		return N_OTHER;
	}
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* ------------------------------------------------------------------------ */
/* Deciding                                                                  */
/* ------------------------------------------------------------------------ */

static enum abbr abbr_kind(const char *w, size_t n)
{
	char lw[8];
	if (n == 0 || n >= sizeof lw)
		return A_NONE;
	for (size_t i = 0; i < n; i++)
		lw[i] = (char)(is_upper(w[i]) ? w[i] + 32 : w[i]);
	for (size_t i = 0; i < NL_ARRAY_LEN(abbrevs); i++)
		if (strlen(abbrevs[i].w) == n && memcmp(abbrevs[i].w, lw, n) == 0)
			return abbrevs[i].kind;
	return A_NONE;
}

/* "U.S", "a.m", "N.Y": single letters joined by dots (the final dot is the stop). */
static bool is_dotted(const char *w, size_t n)
{
	if (n < 3 || !(n & 1))
		return false;
	for (size_t i = 0; i < n; i++)
		if (i & 1 ? w[i] != '.' : !is_alpha(w[i]))
			return false;
	return true;
}

/* The next word, after opening quotes, is an opener / an initial ("F."). */
static bool next_is_opener(const char *s, size_t len, size_t i)
{
	size_t k;
	while (i < len && (k = opener_len(s, len, i)))
		i = skip_space(s, len, i + k);
	size_t a = i;
	while (i < len && is_alpha(s[i]))
		i++;
	for (size_t o = 0; o < NL_ARRAY_LEN(openers); o++)
		if (strlen(openers[o]) == i - a && memcmp(openers[o], s + a, i - a) == 0)
			return true;
	return false;
}

static bool next_is_initial(const char *s, size_t len, size_t i)
{
	return i + 1 < len && is_upper(s[i]) && s[i + 1] == '.';
}

/* Does the stop s[stop..e) (closers up to e2) end the sentence begun at start? */
static bool ends_sentence(const char *s, size_t len, size_t start, size_t stop, size_t e, size_t e2)
{
	size_t nx = skip_space(s, len, e2);
	if (nx >= len)
		return true;
	bool single = e - stop == 1;
	bool dot = single && s[stop] == '.';
	bool spaced = stop > start && is_space_byte((unsigned char)s[stop - 1]);
	if (spaced && single)
		return true; /* pre-tokenised " . " */
	enum next_kind kind = next_kind(s, len, nx);
	if (kind == N_LOWER || kind == N_OTHER)
		return false;
	if (!dot)
		return true; /* ? ! ?! ... */
	for (size_t j = e2; j + 1 < nx; j++)
		if (s[j] == '\n' && (s[j + 1] == ' ' || s[j + 1] == '\t'))
			return true; /* an indented new line starts a paragraph (Reuters) */

	/* the word before the dot, without opening quotes or brackets */
	size_t wb = stop;
	while (wb > start && !is_space_byte((unsigned char)s[wb - 1]))
		wb--;
	size_t k;
	while (wb < stop && (k = opener_len(s, stop, wb)))
		wb += k;
	while (wb < stop && (unsigned char)s[wb] < 0x80 && !is_alnum(s[wb]))
		wb++; /* "<J.P." */
	for (size_t j = stop; j > wb; j--)
		if (s[j - 1] == '-') {
			wb = j; /* "Japan-U.S." */
			break;
		}
	const char *w = s + wb;
	size_t wn = stop - wb;

	switch (abbr_kind(w, wn)) {
	case A_NEVER:
		return false;
	case A_NUMERIC:
		return kind != N_DIGIT;
	case A_MONTH:
		if (kind == N_DIGIT)
			return false;
		goto ambiguous;
	case A_AMBIG:
		goto ambiguous;
	case A_NONE:
		break;
	}
	if ((wn == 1 && is_upper(w[0])) || is_dotted(w, wn))
		goto ambiguous;
	return true;

ambiguous:
	if (next_is_initial(s, len, nx))
		return false;
	if (kind == N_OPEN)
		return true;
	return kind == N_UPPER && next_is_opener(s, len, nx);
}

/* ------------------------------------------------------------------------ */
/* Splitting                                                                 */
/* ------------------------------------------------------------------------ */

/* Inlined at its three calls: a call a sentence cost more than its work. */
__attribute__((always_inline))
static inline size_t emit(const char *s, size_t start, size_t end, struct span **out, size_t *n,
		   size_t *cap)
{
	for (;;) {
		if (end > start && is_space_byte((unsigned char)s[end - 1]))
			end--;
		else if (end >= start + 2 && (unsigned char)s[end - 2] == 0xC2 &&
			 (unsigned char)s[end - 1] == 0xA0)
			end -= 2;
		else
			break;
	}
	if (end <= start)
		return 0;
	if (*n + 1 > *cap) /* the call only to grow: a sentence each */
		*out = xgrow(*out, cap, *n + 1, sizeof **out);
	(*out)[*n].start = (uint32_t)start;
	(*out)[*n].end = (uint32_t)end;
	(*n)++;
	return 1;
}

size_t sentence_split(const char *s, size_t len, struct span **out, size_t *n, size_t *cap)
{
	if (len > UINT32_MAX)
		return 0;
	size_t added = 0;
	size_t start = skip_space(s, len, 0);
	size_t i = start;
	while (i < len) {
		/* most bytes are neither a line break nor can start a stop
		 * ('.', '?', '!', U+2026 = E2 80 A6): step over them at once */
		i = next_interesting(s, len, i);
		if (i >= len)
			break;
		if (s[i] == '\n') {
			/* a blank line ends the paragraph, hence the sentence */
			size_t j = i + 1;
			while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'))
				j++;
			if (j < len && s[j] == '\n') {
				added += emit(s, start, i, out, n, cap);
				start = i = skip_space(s, len, j);
			} else {
				i = j;
			}
			continue;
		}
		size_t k = stop_len(s, len, i);
		if (!k) {
			i++;
			continue;
		}
		size_t e = i;
		while (e < len && (k = stop_len(s, len, e)))
			e += k;
		size_t e2 = e;
		while (e2 < len && (k = closer_len(s, len, e2)))
			e2 += k;
		if (e2 < len && !space_len(s, len, e2)) {
			i = e;
			continue;
		}
		/* Timeline17: closers standing as tokens after the stop */
		for (;;) {
			size_t j = e2;
			while (j < len && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j == e2 || j >= len || !(k = spaced_closer_len(s, len, j)))
				break;
			e2 = j + k;
		}
		if (ends_sentence(s, len, start, i, e, e2)) {
			added += emit(s, start, e2, out, n, cap);
			start = i = skip_space(s, len, e2);
		} else {
			i = e; /* a later stop among the closers gets its own look */
		}
	}
	added += emit(s, start, len, out, n, cap);
	return added;
}
