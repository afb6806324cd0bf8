/*
 * fuzz_dates.c — libFuzzer harness for the date-reference tagger.
 *
 * The first 4 input bytes pick the publication day (or none), the rest is
 * the text. Any text must give mentions that are sorted, non-overlapping,
 * inside the text, with a NUL-terminated non-empty value and a known type;
 * a day-granular resolved mention must carry a day that formats to the first
 * ten characters of its value. The same tagger and context are reused across
 * inputs, as the indexer reuses them across sentences.
 */
#include "dates/dates.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dates_tagger *t;
	static struct dates_ctx ctx;
	if (!t) {
		t = dates_new();
		dates_ctx_init(&ctx);
	}
	int32_t dct = NL_NODAY;
	if (size >= 4) {
		uint32_t v = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
			     (uint32_t)data[3] << 24;
		if (!(v & 0x80000000u))
			dct = (int32_t)(v % 80000u) - 20000; /* about 1915..2189 */
		data += 4;
		size -= 4;
		if (v & 0x40000000u)
			dates_ctx_init(&ctx);
	}
	/* copy so reads past the end are caught by ASan */
	char *text = malloc(size ? size : 1);
	if (size)
		memcpy(text, data, size);
	const struct date_mention *m;
	size_t n = dates_tag(t, text, size, dct, &ctx, &m);
	uint32_t prev_end = 0;
	for (size_t i = 0; i < n; i++) {
		if (m[i].start >= m[i].end || m[i].end > size || m[i].start < prev_end)
			abort();
		prev_end = m[i].end;
		size_t vl = strnlen(m[i].value, DATES_VALUE_MAX);
		if (vl == 0 || vl == DATES_VALUE_MAX)
			abort();
		if (m[i].type > DATE_SET || m[i].gran > GRAN_MINUTE)
			abort();
		if (m[i].day != NL_NODAY) {
			char d[11];
			day_format(m[i].day, d);
			if (strncmp(d, m[i].value, 10))
				abort();
		}
	}
	free(text);
	return 0;
}
