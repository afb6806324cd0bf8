/*
 * common.h — the few things every newsline module shares.
 *
 * Error convention (after SQLite and git): functions return 0 (NL_OK) on
 * success and a negative NL_E* code on failure; nl_strerror() names the code.
 * Messages for users are built by the caller, lowercase, naming the subject
 * ("archive: seg-3.nls: checksum mismatch").
 *
 * Text inside the program is (pointer, length) — struct nl_str — and is NUL
 * terminated only where it meets the OS.
 *
 * Out of memory is not an error we recover from: xmalloc() and friends print
 * a message and abort, so callers never check for NULL.
 */
#ifndef NL_COMMON_H
#define NL_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum nl_err {
	NL_OK = 0,
	NL_EIO = -1,       /* the OS refused a read, write, open, rename... */
	NL_ECORRUPT = -2,  /* on-disk data failed a magic, bounds or checksum check */
	NL_EINVAL = -3,    /* bad argument or malformed input */
	NL_ETOOBIG = -4,   /* input crossed a size cap */
	NL_ENOTFOUND = -5, /* no such document, term, file */
	NL_EVERSION = -6,  /* on-disk format version we do not read */
	NL_ELOCKED = -7,   /* another writer holds the archive */
	NL_EEMPTY = -8,    /* nothing to work on (empty record, empty query) */
};

/* Name of an NL_E* code; never NULL. */
const char *nl_strerror(int err);

struct nl_str {
	const char *p;
	size_t n;
};

#define NL_STR(lit) ((struct nl_str){ (lit), sizeof(lit) - 1 })
static inline struct nl_str nl_str_make(const char *p, size_t n)
{
	struct nl_str s = { p, n };
	return s;
}
bool nl_str_eq(struct nl_str a, struct nl_str b);
/* ASCII case-insensitive comparison. */
bool nl_str_ieq(struct nl_str a, const char *lit);

/* Allocation that aborts with a message on failure; never returns NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* n bytes aligned to align (a power of two), n rounded up to a multiple of
 * it as aligned_alloc() requires; freed with free(). */
void *xaligned_alloc(size_t align, size_t n);
char *xstrndup(const char *s, size_t n);
char *xstrdup(const char *s);
/* Grow *p (an array of elsize items with capacity *cap) to hold need items. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elsize);

#define NL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NL_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Print "newsline: <fmt>\n" to stderr. */
void nl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As nl_warn, then exit(2). */
_Noreturn void nl_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 64-bit hash of bytes (XXH3). */
uint64_t nl_hash64(const void *p, size_t n);
uint64_t nl_hash64_seed(const void *p, size_t n, uint64_t seed);

#endif
