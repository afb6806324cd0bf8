/*
 * utf8.c — UTF-8 validation and repair; see utf8.h.
 *
 * Every byte of ingested text passes through utf8_repair(), so it is written
 * for the common case: English news is almost all printable ASCII. The main
 * loop skips 16 bytes at a time (SSE2: one compare per kind of byte) or 8
 * (one load, two word-wide tests) while they are all in 0x20..0x7F, tab or
 * newline, then looks at single bytes. Valid text is never
 * copied piece by piece: we remember where the current run of good bytes
 * started and copy the whole run only when a replacement interrupts it (or at
 * the end), so valid input costs one scan and one memcpy.
 *
 * Decoding follows the Unicode "maximal subpart" rule (utf8_decode in
 * utf8.h): the second byte's allowed range depends on the lead byte
 * (E0: A0..BF, ED: 80..9F, F0: 90..BF, F4: 80..8F), which rejects overlong
 * forms, surrogates and code points above U+10FFFF without decoding first.
 */
#include "text/utf8.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* True if all 8 bytes at p are printable ASCII (0x20..0x7F). */
static inline bool all_plain8(const char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	if (x & HIGHS)
		return false;
	/* with every byte < 0x80, a byte < 0x20 borrows into its high bit */
	return ((x - ONES * 0x20) & ~x & HIGHS) == 0;
}

bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
#ifdef __SSE2__
		/* a whole JSON line is checked: 64 bytes a turn while they are
		 * all ASCII */
		if (i + 64 <= n) {
			const __m128i *q = (const __m128i *)(const void *)(s + i);
			__m128i x = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(q), _mm_loadu_si128(q + 1)),
						 _mm_or_si128(_mm_loadu_si128(q + 2), _mm_loadu_si128(q + 3)));
			if (!_mm_movemask_epi8(x)) {
				i += 64;
				continue;
			}
		}
		if (i + 16 <= n) {
			/* the high bits of 16 bytes; on to the first one set */
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			unsigned m = (unsigned)_mm_movemask_epi8(x);
			if (!m) {
				i += 16;
				continue;
			}
			i += (size_t)__builtin_ctz(m);
		}
#endif
		if (i + 8 <= n) {
			uint64_t x;
			memcpy(&x, s + i, 8);
			if (!(x & HIGHS)) {
				i += 8;
				continue;
			}
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (k < 0)
			return false;
		i += (size_t)k;
	}
	return true;
}

long utf8_repair(const char *s, size_t n, struct buf *out)
{
	size_t plain;
	return utf8_repair_plain(s, n, out, &plain);
}

long utf8_repair_plain(const char *s, size_t n, struct buf *out, size_t *plain)
{
	static const char fffd[3] = { (char)0xEF, (char)0xBF, (char)0xBD };
	size_t old = out->n;
	size_t run = 0, i = 0;
	long bad = 0;
	size_t first = n; /* the first byte other than 0x20..0x7F, tab and newline */

	while (i < n) {
#ifdef __SSE2__
		if (i + 16 <= n) {
			/* on to the first byte that is not 0x20..0x7F, tab or newline
			 * (signed compare: bytes >= 0x80 are below 0x1F) */
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			__m128i ok = _mm_or_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)),
						  _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
							       _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))));
			unsigned m = ~(unsigned)_mm_movemask_epi8(ok) & 0xFFFF;
			if (!m) {
				i += 16;
				continue;
			}
			i += (size_t)__builtin_ctz(m);
		} else if (n >= 16) {
			/* fewer than 16 left (every field's end): the 16 that end
			 * s, less those before i, instead of a byte at a time */
			size_t b = n - 16; /* < i */
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + b));
			__m128i ok = _mm_or_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)),
						  _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
							       _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))));
			unsigned m = (~(unsigned)_mm_movemask_epi8(ok) & 0xFFFF) >> (i - b);
			if (!m) {
				i = n;
				break;
			}
			i += (size_t)__builtin_ctz(m);
		}
#endif
		if (i + 8 <= n && all_plain8(s + i)) {
			i += 8;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x80) {
			i++;
			continue;
		}
		if (c < 0x20) {
			if (c == '\t' || c == '\n') {
				i++;
				continue;
			}
			first = NL_MIN(first, i);
			if (buf_put(out, s + run, i - run) || buf_putc(out, ' '))
				goto toobig;
			run = ++i;
			continue;
		}
		first = NL_MIN(first, i);
		uint32_t cp;
		int k = utf8_decode(s + i, n - i, &cp);
		if (k > 0) {
			i += (size_t)k;
			continue;
		}
		if (buf_put(out, s + run, i - run) || buf_put(out, fffd, 3))
			goto toobig;
		bad++;
		i += (size_t)-k;
		run = i;
	}
	/* s may be NULL when n is 0: no offset is applied to it then */
	*plain = first;
	if (buf_put(out, run < n ? s + run : "", n - run))
		goto toobig;
	return bad;

toobig:
	*plain = first;
	out->n = old;
	if (out->p)
		out->p[old] = 0;
	return NL_ETOOBIG;
}
