/*
 * fuzz_text.c — libFuzzer harness for the text module.
 *
 * The input is untrusted bytes, as ingest sees them. We check:
 *   - utf8_repair: the output is valid UTF-8 without controls other than
 *     tab and newline; repairing it again changes nothing; utf8_valid(input)
 *     agrees with "no replacements"; utf8_repair_plain gives the same output
 *     and the length of the plain ASCII prefix;
 *   - tokenize (with and without stemming) on the repaired text: spans are
 *     in bounds, non-empty and in order, terms are 1..TOKEN_MAX_BYTES bytes of
 *     valid UTF-8, and tokenizer_term() on each span's text gives exactly
 *     the term tokenize() reported (query terms match index terms);
 *   - sentence_split on the repaired text: spans in bounds, non-empty,
 *     ordered, without surrounding white space, only white space between;
 *   - tokenize and sentence_split on the raw, unrepaired bytes: no crash,
 *     spans in bounds;
 *   - tokenize_batch_padded, as `add` calls it (the text followed by
 *     TOKEN_PAD zero bytes), on both texts: tokenize's terms and spans in
 *     order, each with its nl_hash64.
 */
#include "text/sentence.h"
#include "text/token.h"
#include "text/utf8.h"

#include <stdlib.h>
#include <string.h>

static struct tokenizer *tok_stem, *tok_plain;

struct check {
	struct tokenizer *t;
	const char *text;
	size_t len;
	uint32_t last_end;
	bool exact; /* compare with tokenizer_term */
};

#define CHECK(c) \
	do { \
		if (!(c)) \
			abort(); \
	} while (0)

static int on_token(void *ctx, const char *term, size_t n, uint32_t start, uint32_t end)
{
	struct check *c = ctx;
	CHECK(start < end && end <= c->len);
	CHECK(start >= c->last_end);
	c->last_end = end;
	CHECK(n >= 1 && n <= TOKEN_MAX_BYTES);
	CHECK(utf8_valid(term, n));
	if (c->exact) {
		char out[TOKEN_MAX_BYTES];
		size_t m = tokenizer_term(c->t, c->text + start, end - start, out, sizeof out);
		CHECK(m == n && memcmp(out, term, n) == 0);
	}
	return 0;
}

/* tokenize_batch_padded gives tokenize's terms and spans, in order, each
 * with its nl_hash64 */
struct seq {
	struct buf b; /* each term as a length byte, its bytes, start and end (u32 each) */
	size_t at;
};

static int collect(void *ctx, const char *term, size_t n, uint32_t start, uint32_t end)
{
	struct seq *q = ctx;
	buf_putc(&q->b, (char)n);
	buf_put(&q->b, term, n);
	buf_put(&q->b, &start, 4);
	buf_put(&q->b, &end, 4);
	return 0;
}

static int replay_batch(void *ctx, const struct token_term *terms, size_t k)
{
	struct seq *q = ctx;
	for (size_t i = 0; i < k; i++) {
		const struct token_term *e = &terms[i];
		size_t n = e->len;
		CHECK(e->hash == nl_hash64(e->term, n));
		CHECK(q->at + 1 + n + 8 <= q->b.n && (size_t)(unsigned char)q->b.p[q->at] == n &&
		      memcmp(q->b.p + q->at + 1, e->term, n) == 0);
		uint32_t start, end;
		memcpy(&start, q->b.p + q->at + 1 + n, 4);
		memcpy(&end, q->b.p + q->at + 1 + n + 4, 4);
		CHECK(e->start == start && e->end == end);
		q->at += 1 + n + 8;
	}
	return 0;
}

static void check_batch(struct tokenizer *t, const char *text, size_t len)
{
	struct seq q;
	buf_init(&q.b, 0);
	q.at = 0;
	CHECK(tokenize(t, text, len, collect, &q) == 0);
	char *padded = xmalloc(len + TOKEN_PAD);
	if (len)
		memcpy(padded, text, len);
	memset(padded + len, 0, TOKEN_PAD);
	CHECK(tokenize_batch_padded(t, padded, len, replay_batch, &q) == 0);
	CHECK(q.at == q.b.n);
	free(padded);
	buf_release(&q.b);
}

static void check_sentences(const char *text, size_t len, bool trimmed)
{
	struct span *sp = NULL;
	size_t n = 0, cap = 0;
	size_t got = sentence_split(text, len, &sp, &n, &cap);
	CHECK(got == n);
	for (size_t i = 0; i < n; i++) {
		CHECK(sp[i].start < sp[i].end && sp[i].end <= len);
		CHECK(i == 0 || sp[i - 1].end <= sp[i].start);
		/* between spans only white space (ASCII, or the bytes of U+00A0 etc.) */
		for (size_t j = i ? sp[i - 1].end : 0; j < sp[i].start; j++) {
			unsigned char b = (unsigned char)text[j];
			CHECK(b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' ||
			      b == '\v' || b >= 0x80);
		}
		if (trimmed) {
			CHECK(text[sp[i].start] != ' ' && text[sp[i].start] != '\n');
			CHECK(text[sp[i].end - 1] != ' ' && text[sp[i].end - 1] != '\n');
		}
	}
	free(sp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!tok_stem) {
		tok_stem = tokenizer_new(true);
		tok_plain = tokenizer_new(false);
	}
	const char *raw = (const char *)data;

	struct buf out;
	buf_init(&out, 0);
	long bad = utf8_repair(raw, size, &out);
	CHECK(bad >= 0);
	CHECK((bad == 0) == utf8_valid(raw, size));
	CHECK(utf8_valid(out.p ? out.p : "", out.n));
	for (size_t i = 0; i < out.n; i++) {
		unsigned char c = (unsigned char)out.p[i];
		CHECK(c >= 0x20 || c == '\t' || c == '\n');
	}
	/* utf8_repair_plain: the same output, and *plain is the first byte
	 * outside 0x20..0x7F, tab and newline */
	struct buf same;
	buf_init(&same, 0);
	size_t plain = 0, want = 0;
	while (want < size && (((unsigned char)raw[want] >= 0x20 && (unsigned char)raw[want] < 0x80) ||
			       raw[want] == '\t' || raw[want] == '\n'))
		want++;
	CHECK(utf8_repair_plain(raw, size, &same, &plain) == bad);
	CHECK(plain == want);
	CHECK(same.n == out.n && (out.n == 0 || memcmp(same.p, out.p, out.n) == 0));
	buf_release(&same);
	struct buf again;
	buf_init(&again, 0);
	CHECK(utf8_repair(out.p, out.n, &again) == 0);
	CHECK(again.n == out.n && (out.n == 0 || memcmp(again.p, out.p, out.n) == 0));
	buf_release(&again);

	/* a capped buffer: all or nothing */
	struct buf capped;
	buf_init(&capped, size / 2 + 1);
	long r = utf8_repair(raw, size, &capped);
	CHECK(r == NL_ETOOBIG ? capped.n == 0 : (r == bad && capped.n == out.n));
	buf_release(&capped);

	const char *text = out.p ? out.p : "";
	struct check c = { tok_stem, text, out.n, 0, true };
	CHECK(tokenize(tok_stem, text, out.n, on_token, &c) == 0);
	c = (struct check){ tok_plain, text, out.n, 0, true };
	CHECK(tokenize(tok_plain, text, out.n, on_token, &c) == 0);
	check_sentences(text, out.n, true);
	check_batch(tok_stem, text, out.n);
	check_batch(tok_plain, text, out.n);

	c = (struct check){ tok_stem, raw, size, 0, false };
	CHECK(tokenize(tok_stem, raw, size, on_token, &c) == 0);
	check_sentences(raw, size, false);
	check_batch(tok_stem, raw, size);

	buf_release(&out);
	return 0;
}
