/*
 * fuzz_dedup.c — libFuzzer harness for the near-duplicate detector: the
 * input is split at its first NUL into two bodies; both are sketched and
 * added, a copy of the first is re-added, and the raw input is also fed to
 * dedup_load()/dedup_compare() as a (mostly invalid) sketch blob, which must
 * be rejected cleanly.
 */
#include <stdlib.h>
#include <string.h>

#include "dedup/dedup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	const char *nul = memchr(p, 0, size);
	size_t n1 = nul ? (size_t)(nul - p) : size;
	const char *b2 = nul ? nul + 1 : "";
	size_t n2 = nul ? size - n1 - 1 : 0;
	struct dedup *d = dedup_new();
	uint32_t r0 = dedup_add(d, 0, NULL, p, n1);
	uint32_t r1 = dedup_add(d, 1, "t", b2, n2);
	uint32_t r2 = dedup_add(d, 2, NULL, p, n1);
	if (r0 != 0 || r1 > 1 || r2 > 2)
		abort();
	unsigned char a[DEDUP_SKETCH_BYTES], b[DEDUP_SKETCH_BYTES];
	dedup_sketch(d, p, n1, a);
	dedup_sketch(NULL, b2, n2, b);
	struct dedup_match m;
	dedup_compare(a, b, &m);
	dedup_check(d, a, sizeof a, &m);
	/* hostile blobs */
	dedup_load(d, 3, data, size);
	if (size >= DEDUP_SKETCH_BYTES) {
		dedup_load(d, 4, data, DEDUP_SKETCH_BYTES);
		dedup_compare(data, a, &m);
	}
	size_t nm;
	dedup_merged(d, &nm);
	dedup_free(d);
	return 0;
}
