/*
 * fuzz_segment.c — libFuzzer harness for the segment reader: the input is
 * taken as a segment file; opening, full verification, every record decode,
 * every dictionary entry and posting list must fail cleanly or succeed,
 * never crash or read out of bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "index/doc.h"
#include "util/buf.h"
#include "index/postings.h"
#include "index/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/fuzz_segment.%d.nls", (int)getpid());
	/* Half the time, repair the checksums so that mutations reach the
	 * decoders behind them instead of stopping at the first hash check. */
	unsigned char *m = malloc(size ? size : 1);
	memcpy(m, data, size);
	if (size >= 64 && (data[0] & 1)) {
		unsigned char *tr = m + size - 32;
		uint32_t nsec = rd_u32le(tr);
		uint64_t toff = rd_u64le(tr + 8);
		if (nsec <= 64 && toff <= size - 32 && size - 32 - toff == (uint64_t)nsec * 32) {
			for (uint32_t i = 0; i < nsec; i++) {
				unsigned char *e = m + toff + (size_t)i * 32;
				uint64_t off = rd_u64le(e + 8), len = rd_u64le(e + 16);
				if (off <= toff && len <= toff - off)
					wr_u64le(e + 24, XXH3_64bits(m + off, (size_t)len));
			}
			wr_u64le(tr + 16, XXH3_64bits(m + toff, (size_t)nsec * 32));
		}
	}
	FILE *f = fopen(path, "wb");
	if (!f) {
		free(m);
		return 0;
	}
	fwrite(m, 1, size, f);
	fclose(f);
	free(m);
	int rc;
	char err[512];
	struct segment *s = seg_open(path, &rc, err, sizeof err);
	if (s) {
		seg_verify(s, err, sizeof err);
		struct doc d;
		memset(&d, 0, sizeof d);
		for (uint32_t i = 0; i < s->ndocs && i < 1000; i++) {
			struct nl_str r;
			if (seg_record(s, i, &r) == NL_OK)
				doc_decode(&d, r);
		}
		doc_release(&d);
		struct seg_term_iter it;
		seg_term_iter_init(&it, s);
		uint32_t *pos = NULL;
		size_t cap = 0;
		while (seg_term_iter_next(&it)) {
			struct seg_term t;
			seg_term_find(s, it.term, it.len, &t);
			struct post_cur c;
			seg_term_cursor(s, &it.t, &c);
			while (post_cur_next(&c))
				post_cur_positions(&c, &pos, &cap);
			post_cur_close(&c);
			/* what search reads: skip entries with their impacts, block
			 * lookups and seeks */
			seg_term_cursor(s, &it.t, &c);
			struct post_skip sk;
			for (uint32_t b = 0; b < c.nblocks && !c.corrupt; b++)
				if (post_cur_skip(&c, b, &sk) && b > 0)
					post_cur_find(&c, sk.last_doc);
			post_cur_close(&c);
			seg_term_cursor(s, &it.t, &c);
			uint32_t bd[POST_BLOCK], bt[POST_BLOCK], bb[POST_BLOCK];
			for (uint32_t b = 0; b < c.nblocks && !c.corrupt; b++) {
				uint32_t n = post_block_decode(&c, b, s->ndocs, bd, bt, bb);
				for (uint32_t k = 0; k < n && !c.corrupt; k += 1 + k % 3)
					post_block_positions(&c, b, k, bt, bb, &pos, &cap);
			}
			post_cur_close(&c);
			seg_term_cursor(s, &it.t, &c);
			for (uint64_t target = 0; target <= UINT32_MAX && !c.done &&
						  post_cur_seek(&c, (uint32_t)target);)
				target = (uint64_t)c.doc + 1 + c.doc / 2;
			post_cur_close(&c);
		}
		free(pos);
		seg_close(s);
	}
	unlink(path);
	return 0;
}
