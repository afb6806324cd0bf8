/*
 * fuzz_dedup.c — libFuzzer harness for the near-duplicate detector: the
 * input is split at its first NUL into two bodies; both are sketched and
 * added, a copy of the first is re-added, and the raw input is also fed to
 * dedup_load()/dedup_compare() as a (mostly invalid) sketch blob, which must
 * be rejected cleanly, and to dedup_restore() as a saved state, which must be
 * refused or give a working detector.
 */
#include <stdlib.h>
#include <string.h>

#include "dedup/dedup.h"
#include "util/buf.h"

/* The sketches stored for documents 0..2, for restoring. */
static unsigned char blobs[3][DEDUP_SKETCH_BYTES];

static const unsigned char *sketch_of(void *ctx, uint32_t id)
{
	(void)ctx;
	return id < 3 ? blobs[id] : NULL;
}

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
	/* a detector saved and restored answers as the original; the raw input
	 * as a saved state must be refused or give a detector that works */
	struct dedup *e = dedup_new();
	const char *bodies[3] = { p, b2, p };
	size_t lens[3] = { n1, n2, n1 };
	for (uint32_t i = 0; i < 3; i++) {
		dedup_sketch(e, bodies[i], lens[i], blobs[i]);
		dedup_load(e, i, blobs[i], DEDUP_SKETCH_BYTES);
	}
	struct buf st;
	buf_init(&st, 0);
	dedup_save(e, &st);
	struct dedup *r = dedup_restore(st.p, st.n, 3, sketch_of, NULL);
	if (!r)
		abort();
	if (dedup_load(r, 3, a, sizeof a) != dedup_load(e, 3, a, sizeof a))
		abort();
	dedup_free(r);
	dedup_free(e);
	buf_release(&st);
	r = dedup_restore(data, size, 3, sketch_of, NULL);
	if (r) {
		dedup_load(r, 3, b, sizeof b);
		dedup_free(r);
	}
	dedup_free(d);
	return 0;
}
