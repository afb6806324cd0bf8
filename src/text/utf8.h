/*
 * utf8.h — UTF-8 validation and repair.
 *
 * Input text is never trusted: utf8_repair() copies text into out, replacing
 * every invalid sequence (bad lead byte, truncated sequence, overlong form,
 * surrogate, code point > U+10FFFF) with U+FFFD, one U+FFFD per "maximal
 * subpart" as the Unicode standard (ch. 3, U+FFFD substitution) recommends,
 * and every NUL and C0 control other than tab and newline (so also CR) with a
 * space. Everything else — DEL, C1 controls, noncharacters — is valid UTF-8
 * and is copied as is. After utf8_repair() the text is valid UTF-8 with no
 * bytes below 0x20 except '\t' and '\n'.
 */
#ifndef NL_UTF8_H
#define NL_UTF8_H

#include "util/buf.h"

/* True if s[0..n) is well-formed UTF-8 (encoding only: controls are allowed). */
bool utf8_valid(const char *s, size_t n);

/* Append the repaired text to out; returns the number of bad sequences
 * replaced (controls replaced by spaces are not counted), or NL_ETOOBIG if
 * out's cap would be crossed, in which case out is left as it was. */
long utf8_repair(const char *s, size_t n, struct buf *out);
/* utf8_repair(), also telling in *plain (whatever it returns) the length of
 * the leading part of s made only of 0x20..0x7F, tab and newline (n if that
 * is all of s): the repair's scan finds it at no extra cost. */
long utf8_repair_plain(const char *s, size_t n, struct buf *out, size_t *plain);

/*
 * Decode one code point at s (n > 0 bytes available). Returns its length
 * (1..4) and stores the code point in *cp when the sequence is well-formed;
 * otherwise returns -k, where k >= 1 is the length of the maximal ill-formed
 * subpart to skip (and replace by one U+FFFD). Never reads past s + n.
 */
static inline int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c = u[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	unsigned need, lo = 0x80, hi = 0xBF;
	uint32_t v;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* > U+10FFFF */
	} else {
		return -1; /* continuation byte, C0, C1, F5..FF */
	}
	for (unsigned i = 1; i <= need; i++) {
		if (i >= n)
			return -(int)i; /* truncated */
		unsigned d = u[i];
		if (d < lo || d > hi)
			return -(int)i;
		lo = 0x80;
		hi = 0xBF;
		v = v << 6 | (d & 0x3F);
	}
	*cp = v;
	return (int)need + 1;
}

#endif
