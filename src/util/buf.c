/* buf.c — growable byte buffer with a cap; see buf.h. */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t limit)
{
	b->p = NULL;
	b->n = b->cap = 0;
	b->limit = limit;
}

void buf_release(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

void buf_clear(struct buf *b)
{
	b->n = 0;
	if (b->p)
		b->p[0] = 0;
}

/* buf_reserve() when the room is short. */
char *buf_grow_(struct buf *b, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = buf_grow_cap(b->cap, b->n + n + 1);
		b->p = xrealloc(b->p, b->cap);
	}
	return b->p + b->n;
}

/* buf_put() with a cap or when the room is short. */
int buf_put_(struct buf *b, const void *p, size_t n)
{
	if (b->limit && b->n + n > b->limit)
		return NL_ETOOBIG;
	buf_reserve(b, n);
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = 0;
	return NL_OK;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NL_EINVAL;
	if (b->limit && b->n + (size_t)n > b->limit)
		return NL_ETOOBIG;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
	return NL_OK;
}

char *buf_detach(struct buf *b, size_t *len)
{
	buf_reserve(b, 0);
	char *p = b->p;
	if (len)
		*len = b->n;
	b->p = NULL;
	b->n = b->cap = 0;
	return p;
}

void buf_put_u32le(struct buf *b, uint32_t v)
{
	unsigned char t[4];
	wr_u32le(t, v);
	buf_put(b, t, 4);
}

void buf_put_u64le(struct buf *b, uint64_t v)
{
	unsigned char t[8];
	wr_u64le(t, v);
	buf_put(b, t, 8);
}
