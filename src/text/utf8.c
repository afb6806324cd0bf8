/*
 * utf8.c — UTF-8 validation and repair; see utf8.h.
 *
 * Every byte of ingested text passes through utf8_repair(), so it is written
 * for the common case: English news is almost all printable ASCII. The main
 * loop skips 8 bytes at a time while they are all in 0x20..0x7F (one load,
 * two word-wide tests), then looks at single bytes. Valid text is never
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
	static const char fffd[3] = { (char)0xEF, (char)0xBF, (char)0xBD };
	size_t old = out->n;
	size_t run = 0, i = 0;
	long bad = 0;

	while (i < n) {
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
			if (buf_put(out, s + run, i - run) || buf_putc(out, ' '))
				goto toobig;
			run = ++i;
			continue;
		}
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
	if (buf_put(out, s + run, n - run))
		goto toobig;
	return bad;

toobig:
	out->n = old;
	if (out->p)
		out->p[old] = 0;
	return NL_ETOOBIG;
}
