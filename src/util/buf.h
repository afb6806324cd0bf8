/*
 * buf.h — growable byte buffer with a size cap, and LEB128 varints.
 *
 * Like curl's dynbuf, every buffer that grows with outside input is created
 * with a cap (0 = no cap, for buffers whose size the program controls);
 * buf_put*() returns NL_ETOOBIG when an append would cross it and leaves the
 * buffer unchanged. The data is always followed by a NUL byte (not counted),
 * so b->p can be handed to the OS.
 *
 * Varint readers take (pointer, end) and never read past end: a truncated
 * varint is reported, not overrun (see varint_get).
 */
#ifndef NL_BUF_H
#define NL_BUF_H

#include "util/common.h"

#include <string.h>

struct buf {
	char *p;
	size_t n, cap;
	size_t limit; /* 0 = unlimited */
};

void buf_init(struct buf *b, size_t limit);
void buf_release(struct buf *b);    /* free memory; buffer is reusable after init */
void buf_clear(struct buf *b);      /* length 0, keep memory */
static inline int buf_put(struct buf *b, const void *p, size_t n);
static inline int buf_putc(struct buf *b, int c);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The capacity a buffer of cap bytes grows to so that need bytes fit:
 * doubling from 64 (any growable byte array that must grow as a struct buf
 * does uses it). */
static inline size_t buf_grow_cap(size_t cap, size_t need)
{
	size_t c = cap ? cap : 64;
	while (c < need)
		c *= 2;
	return c;
}
/* Ensure room for n more bytes; returns pointer to the end. */
static inline char *buf_reserve(struct buf *b, size_t n);
/* Take ownership of the bytes; the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len);

void buf_put_u32le(struct buf *b, uint32_t v);
void buf_put_u64le(struct buf *b, uint64_t v);
static inline void buf_put_varint(struct buf *b, uint64_t v);

/* Little-endian loads: one load on a little-endian host (the byte-wise
 * form is not always merged into one by the compiler), bytes elsewhere. */
static inline uint32_t rd_u32le(const void *p)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
#else
	const unsigned char *c = p;
	return (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
#endif
}
static inline uint64_t rd_u64le(const void *p)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
#else
	const unsigned char *c = p;
	return (uint64_t)rd_u32le(c) | (uint64_t)rd_u32le(c + 4) << 32;
#endif
}
static inline void wr_u32le(void *p, uint32_t v)
{
	unsigned char *c = p;
	c[0] = (unsigned char)v; c[1] = (unsigned char)(v >> 8);
	c[2] = (unsigned char)(v >> 16); c[3] = (unsigned char)(v >> 24);
}
static inline void wr_u64le(void *p, uint64_t v)
{
	wr_u32le(p, (uint32_t)v);
	wr_u32le((char *)p + 4, (uint32_t)(v >> 32));
}

/* Encode v at p (room for 10 bytes); returns bytes written. */
static inline size_t varint_put(unsigned char *p, uint64_t v)
{
	size_t i = 0;
	while (v >= 0x80) {
		p[i++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[i++] = (unsigned char)v;
	return i;
}

/* Decode a varint at *pp, not reading at or past end. On success stores the
 * value, advances *pp and returns true; on truncation or overlong encoding
 * returns false (the caller reports corruption). */
static inline bool varint_get(const unsigned char **pp, const unsigned char *end, uint64_t *out)
{
	const unsigned char *p = *pp;
	if (p < end && *p < 0x80) {
		*out = *p;
		*pp = p + 1;
		return true;
	}
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64 && p < end; shift += 7) {
		unsigned char c = *p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*out = v;
			*pp = p;
			return true;
		}
	}
	return false;
}

/* Decode a varint that this program wrote itself into memory it keeps (the
 * writer's own buffers, never input): it is whole, so there is no bound to
 * check. Advances *pp. */
static inline uint64_t varint_get_own(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint64_t v = *p++;
	if (v >= 0x80) {
		v &= 0x7f;
		for (unsigned s = 7;; s += 7) {
			uint64_t c = *p++;
			v |= (c & 0x7f) << s;
			if (c < 0x80)
				break;
		}
	}
	*pp = p;
	return v;
}

/* The appends above are called for a few bytes at a time in the hot loops
 * (pipeline packing, posting lists): the common case (no cap, room left) is
 * inline, the rest is in buf.c. */
char *buf_grow_(struct buf *b, size_t n);
int buf_put_(struct buf *b, const void *p, size_t n);

static inline char *buf_reserve(struct buf *b, size_t n)
{
	if (b->n + n + 1 > b->cap)
		return buf_grow_(b, n);
	return b->p + b->n;
}

static inline int buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->limit || b->n + n + 1 > b->cap)
		return buf_put_(b, p, n);
	if (n) /* p may be NULL when n is 0 */
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = 0;
	return NL_OK;
}

static inline int buf_putc(struct buf *b, int c)
{
	char ch = (char)c;
	return buf_put(b, &ch, 1);
}

static inline void buf_put_varint(struct buf *b, uint64_t v)
{
	if (b->limit) {
		unsigned char t[10];
		buf_put_(b, t, varint_put(t, v));
		return;
	}
	unsigned char *t = (unsigned char *)buf_reserve(b, 10);
	b->n += varint_put(t, v);
	b->p[b->n] = 0;
}

#endif
