/*
 * fuzz_t17.c — libFuzzer harness for the Timeline17 timeline parser.
 *
 * Parses the input as a timeline file from memory, then checks what the
 * parser promises: days ascending and distinct, every sentence non-empty,
 * inside the parser's copy of the text and without a line break, counts
 * consistent. Small results also go through the date-only metric paths
 * (date F1, alignment costs, assignment), which take any timeline.
 */
#include "timeline/t17.h"
#include "timeline/tls_metric.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void quiet(void *arg, const char *file, size_t line, const char *msg)
{
	(void)arg, (void)file, (void)line, (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct t17_opts o = { quiet, NULL };
	struct t17_timeline tl;
	if (t17_timeline_parse(&tl, (const char *)data, size, "fuzz.txt", &o) != NL_OK)
		return 0;

	size_t nsents = 0;
	for (size_t i = 0; i < tl.tl.ndates; i++) {
		const struct tls_date *d = &tl.tl.dates[i];
		if (i && d->day <= tl.tl.dates[i - 1].day)
			abort();
		if (d->nsents == 0)
			abort();
		for (size_t j = 0; j < d->nsents; j++) {
			struct nl_str s = d->sents[j];
			if (s.n == 0 || s.p < tl.text || s.p + s.n > tl.text + size)
				abort();
			if (memchr(s.p, '\n', s.n))
				abort();
		}
		nsents += d->nsents;
	}
	if (tl.tl.ndates + tl.nduplicates != tl.nblocks)
		abort();
	(void)nsents;

	if (tl.tl.ndates > 0 && tl.tl.ndates <= 32) {
		struct tls_prf p = tls_date_prf(&tl.tl, &tl.tl, 1);
		if (p.precision != 1 || p.recall != 1)
			abort();
		double *cost;
		size_t np, nr;
		if (tls_align_costs(&tl.tl, &tl.tl, 1, true, &cost, &np, &nr) != NL_OK)
			abort();
		size_t *rows = malloc(np * sizeof(size_t)), *cols = malloc(np * sizeof(size_t));
		size_t k = tls_assign(cost, np, nr, rows, cols);
		if (k != np)
			abort();
		double total = 0; /* the diagonal is free, so the optimum costs 0 */
		for (size_t i = 0; i < k; i++)
			total += cost[rows[i] * nr + cols[i]];
		if (total > 1e-9)
			abort();
		free(rows);
		free(cols);
		free(cost);
	}
	size_t l, kk;
	t17_timeline_task_size(&tl, &l, &kk);
	t17_timeline_release(&tl);
	return 0;
}
