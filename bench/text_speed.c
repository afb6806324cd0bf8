/*
 * text_speed.c — throughput of the text module, side by side with SQLite
 * FTS5's own tokenizers (the peer whose design ours follows).
 *
 * Usage: text_speed FILE [ROUNDS]
 *
 * FILE is plain UTF-8 text (for example the Reuters stories:
 *   zstdcat ../shared/data/scale/reuters21578.jsonl.zst |
 *     python3 -c 'import json,sys; [print(json.loads(l)["text"]) for l in sys.stdin]' >/tmp/r.txt
 * ). It is read into memory once; each stage then runs ROUNDS times
 * (default 3) over the whole of it on one thread and the best round is
 * reported, in MB/s of input per second of the thread's CPU time (MB =
 * 10^6 bytes), so a busy machine slows the run but barely moves the figures:
 *
 *   utf8_repair          repair into a reused buffer
 *   tokenize             newsline, no stemming
 *   tokenize+stem        newsline, Snowball English (the ingest path)
 *   sentence_split       newsline
 *   fts5 unicode61       SQLite's tokenizer, same text, same callback work
 *   fts5 porter          SQLite's "porter unicode61"
 *
 * The last line compares tokenize+stem with fts5 porter as a ratio. The two
 * are close relatives, not twins: FTS5's "porter" is the original 1980 Porter
 * algorithm, ours is Snowball English (Porter2, more rules, slower per word,
 * hence our stem cache), and our tokenizer does more per word (possessives,
 * number separators, acronyms, NFKC). Times are measured, never asserted:
 * this is a tool, not a test.
 */
#include "text/sentence.h"
#include "text/token.h"
#include "text/utf8.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this thread: on a shared machine wall time measures the
 * neighbours, CPU time measures us (MB/s per core). */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct count {
	size_t tokens, bytes;
};

static int on_token(void *ctx, const char *term, size_t n, uint32_t start, uint32_t end)
{
	struct count *c = ctx;
	c->tokens++;
	c->bytes += n + term[0];
	return 0;
}

static int on_fts5_token(void *ctx, int tflags, const char *term, int n, int start, int end)
{
	struct count *c = ctx;
	c->tokens++;
	c->bytes += (size_t)n + (size_t)term[0];
	return SQLITE_OK;
}

/* FTS5 is fed in chunks at line ends (its API takes an int length). */
static void fts5_run(fts5_tokenizer *api, Fts5Tokenizer *tok, const char *text, size_t len,
		     struct count *c)
{
	size_t off = 0;
	while (off < len) {
		size_t n = NL_MIN(len - off, (size_t)1 << 20);
		while (off + n < len && text[off + n - 1] != '\n')
			n++;
		api->xTokenize(tok, c, FTS5_TOKENIZE_DOCUMENT, text + off, (int)n, on_fts5_token);
		off += n;
	}
}

static fts5_api *fts5_get(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

enum stage { S_REPAIR, S_TOK, S_STEM, S_SENT, S_FTS, S_FTSPORTER, S_COUNT };
static const char *const names[S_COUNT] = { "utf8_repair", "tokenize", "tokenize+stem",
					    "sentence_split", "fts5 unicode61", "fts5 porter" };

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: text_speed FILE [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
	if (rounds < 1)
		rounds = 1;
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	struct buf in;
	buf_init(&in, 0);
	char chunk[1 << 16];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&in, chunk, got);
	fclose(f);

	struct buf clean;
	buf_init(&clean, 0);
	long bad = utf8_repair(in.p, in.n, &clean);
	const char *text = clean.p;
	size_t len = clean.n;
	printf("%s: %.1f MB, %ld invalid sequences repaired\n", argv[1], (double)in.n / 1e6, bad);

	struct tokenizer *plain = tokenizer_new(false), *stem = tokenizer_new(true);
	sqlite3 *db = NULL;
	sqlite3_open(":memory:", &db);
	fts5_api *fapi = fts5_get(db);
	fts5_tokenizer ft_uni, ft_porter;
	Fts5Tokenizer *tok_uni = NULL, *tok_porter = NULL;
	void *uctx, *pctx;
	if (fapi && fapi->xFindTokenizer(fapi, "unicode61", &uctx, &ft_uni) == SQLITE_OK)
		ft_uni.xCreate(uctx, NULL, 0, &tok_uni);
	if (fapi && fapi->xFindTokenizer(fapi, "porter", &pctx, &ft_porter) == SQLITE_OK) {
		const char *args[] = { "unicode61" };
		ft_porter.xCreate(pctx, args, 1, &tok_porter);
	}

	double best[S_COUNT];
	size_t tokens[S_COUNT] = { 0 };
	struct span *spans = NULL;
	size_t nspans = 0, capspans = 0;
	for (int s = 0; s < S_COUNT; s++) {
		best[s] = 0;
		for (int r = 0; r < rounds; r++) {
			struct count c = { 0, 0 };
			double t0 = now();
			switch (s) {
			case S_REPAIR:
				buf_clear(&in);
				utf8_repair(text, len, &in);
				c.tokens = in.n;
				break;
			case S_TOK:
				tokenize(plain, text, len, on_token, &c);
				break;
			case S_STEM:
				tokenize(stem, text, len, on_token, &c);
				break;
			case S_SENT:
				nspans = 0;
				c.tokens = sentence_split(text, len, &spans, &nspans, &capspans);
				break;
			case S_FTS:
				if (tok_uni)
					fts5_run(&ft_uni, tok_uni, text, len, &c);
				break;
			case S_FTSPORTER:
				if (tok_porter)
					fts5_run(&ft_porter, tok_porter, text, len, &c);
				break;
			}
			double dt = now() - t0;
			double mbs = (double)len / 1e6 / dt;
			if (mbs > best[s])
				best[s] = mbs;
			tokens[s] = c.tokens;
		}
		if ((s == S_FTS && !tok_uni) || (s == S_FTSPORTER && !tok_porter))
			printf("%-16s unavailable\n", names[s]);
		else
			printf("%-16s %8.1f MB/s  (%zu %s)\n", names[s], best[s], tokens[s],
			       s == S_REPAIR ? "bytes out" : s == S_SENT ? "sentences" : "tokens");
	}
	if (tok_porter && best[S_FTSPORTER] > 0)
		printf("tokenize+stem / fts5 porter = %.2fx\n", best[S_STEM] / best[S_FTSPORTER]);

	if (tok_uni)
		ft_uni.xDelete(tok_uni);
	if (tok_porter)
		ft_porter.xDelete(tok_porter);
	sqlite3_close(db);
	tokenizer_free(plain);
	tokenizer_free(stem);
	free(spans);
	buf_release(&in);
	buf_release(&clean);
	return 0;
}
