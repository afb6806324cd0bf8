/* common.c — allocation, error names, warnings, hashing; see common.h. */
#include "util/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

const char *nl_strerror(int err)
{
	switch (err) {
	case NL_OK: return "success";
	case NL_EIO: return "i/o error";
	case NL_ECORRUPT: return "corrupt data";
	case NL_EINVAL: return "invalid input";
	case NL_ETOOBIG: return "too large";
	case NL_ENOTFOUND: return "not found";
	case NL_EVERSION: return "unsupported format version";
	case NL_ELOCKED: return "locked by another writer";
	case NL_EEMPTY: return "empty";
	}
	return "unknown error";
}

bool nl_str_eq(struct nl_str a, struct nl_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool nl_str_ieq(struct nl_str a, const char *lit)
{
	size_t n = strlen(lit);
	if (a.n != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int x = (unsigned char)a.p[i], y = (unsigned char)lit[i];
		if (x >= 'A' && x <= 'Z') x += 32;
		if (y >= 'A' && y <= 'Z') y += 32;
		if (x != y)
			return false;
	}
	return true;
}

static _Noreturn void oom(size_t n)
{
	fprintf(stderr, "newsline: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		oom(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void *xaligned_alloc(size_t align, size_t n)
{
	size_t r = n ? (n + align - 1) & ~(align - 1) : align;
	if (r < n)
		oom(n);
	void *p = aligned_alloc(align, r);
	if (!p)
		oom(r);
	return p;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t elsize)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / elsize)
			oom(SIZE_MAX);
		c *= 2;
	}
	*cap = c;
	return xrealloc(p, c * elsize);
}

void nl_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("newsline: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void nl_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("newsline: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

uint64_t nl_hash64(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

uint64_t nl_hash64_seed(const void *p, size_t n, uint64_t seed)
{
	return XXH3_64bits_withSeed(p, n, seed);
}
