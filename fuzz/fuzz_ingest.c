/*
 * fuzz_ingest.c — libFuzzer harness for the input readers and the analysis
 * of what they read: the first byte picks the file name (so format detection
 * sees .jsonl, .jsonl.gz, .jsonl.zst, a plain text record or a Timeline17
 * path), the rest is the file's content. Every record is analysed as
 * `newsline add` would (UTF-8 repair, paragraphs, sentences, dates, terms,
 * sketch). Nothing may crash, leak or read out of bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/analyze.h"
#include "ingest/ingest.h"

static struct analyzer *an;

static int emit(void *ctx, struct ingest *ig, const struct rec *r)
{
	(void)ctx;
	struct seg_wdoc w;
	if (analyze_record(an, ig, r, &w) == NL_OK) {
		/* touch every term and position the writer would read: the
		 * terms' bytes and their positions, each one after another */
		volatile uint32_t sum = 0;
		const char *term = w.term_bytes;
		const uint32_t *pos = w.positions;
		for (uint32_t i = 0; i < w.nterms; i++) {
			for (uint32_t k = 0; k < w.term_lens[i]; k++)
				sum += (uint8_t)term[k];
			term += w.term_lens[i];
			for (uint32_t k = 0; k < w.tft[i] + w.tfb[i]; k++)
				sum += *pos++;
		}
		(void)sum;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64];
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/fuzz_ingest.%d", (int)getpid());
		mkdir(dir, 0755);
		char sub[128];
		snprintf(sub, sizeof sub, "%s/Topic_src", dir);
		mkdir(sub, 0755);
		snprintf(sub, sizeof sub, "%s/Topic_src/InputDocs", dir);
		mkdir(sub, 0755);
		snprintf(sub, sizeof sub, "%s/Topic_src/InputDocs/2011-01-25", dir);
		mkdir(sub, 0755);
		an = analyzer_new();
	}
	if (size < 1)
		return 0;
	static const char *names[] = { "a.jsonl", "a.jsonl.gz", "a.jsonl.zst", "a.txt",
				       "Topic_src/InputDocs/2011-01-25/1.htm.txt" };
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, names[data[0] % 5]);
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	struct ingest ig;
	ingest_init(&ig, emit, NULL);
	ig.quiet = true;
	ig.max_record = 1 << 16;
	ingest_path(&ig, path);
	unlink(path);
	return 0;
}
