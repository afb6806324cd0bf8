/* testutil.h — helpers shared by the Criterion unit tests. */
#ifndef NL_TESTUTIL_H
#define NL_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path of the shared data directory (../shared from the project root). */
static inline const char *shared_dir(void)
{
	const char *e = getenv("NEWSLINE_SHARED");
	return e ? e : "../shared";
}

/* Read a whole file into a malloc'd NUL-terminated buffer; NULL if absent. */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	size_t got = fread(p, 1, (size_t)n, f);
	fclose(f);
	p[got] = 0;
	if (len)
		*len = got;
	return p;
}

/* A new empty directory under /tmp (malloc'd path); rmrf() removes it. */
static inline char *tmpdir(void)
{
	char *t = strdup("/tmp/nltestXXXXXX");
	cr_assert(mkdtemp(t));
	return t;
}

static inline void rmrf(const char *d)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
	cr_assert_eq(system(cmd), 0);
}

#endif
