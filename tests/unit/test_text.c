/* test_text.c — UTF-8 repair, tokenizer, sentence splitter. */
#include "testutil.h"
#include "text/sentence.h"
#include "text/token.h"
#include "text/utf8.h"

#include <libstemmer.h>

/* ------------------------------------------------------------------------ */
/* helpers                                                                   */
/* ------------------------------------------------------------------------ */

struct collect {
	char terms[4096]; /* terms joined by ' ' */
	size_t n;
	uint32_t start[256], end[256];
	size_t count;
};

static int collect_fn(void *ctx, const char *term, size_t n, uint32_t start, uint32_t end)
{
	struct collect *c = ctx;
	cr_assert(n > 0 && n <= TOKEN_MAX_BYTES, "term length %zu", n);
	if (c->n)
		c->terms[c->n++] = ' ';
	cr_assert(c->n + n < sizeof c->terms);
	memcpy(c->terms + c->n, term, n);
	c->n += n;
	c->terms[c->n] = 0;
	if (c->count < 256) {
		c->start[c->count] = start;
		c->end[c->count] = end;
	}
	c->count++;
	return 0;
}

/* Terms of text joined by spaces, in a static buffer. */
static const char *terms(bool stem, const char *text)
{
	static struct collect c;
	memset(&c, 0, sizeof c);
	struct tokenizer *t = tokenizer_new(stem);
	cr_assert_eq(tokenize(t, text, strlen(text), collect_fn, &c), 0);
	tokenizer_free(t);
	return c.terms;
}

static struct collect *tokens_of(bool stem, const char *text)
{
	static struct collect c;
	memset(&c, 0, sizeof c);
	struct tokenizer *t = tokenizer_new(stem);
	cr_assert_eq(tokenize(t, text, strlen(text), collect_fn, &c), 0);
	tokenizer_free(t);
	return &c;
}

/* Sentences of text joined by " | ", in a static buffer. */
static const char *sentences(const char *text)
{
	static char out[4096];
	struct span *sp = NULL;
	size_t n = 0, cap = 0, len = strlen(text);
	size_t got = sentence_split(text, len, &sp, &n, &cap);
	cr_assert_eq(got, n);
	size_t o = 0;
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		cr_assert(sp[i].start < sp[i].end && sp[i].end <= len);
		if (i)
			cr_assert(sp[i - 1].end <= sp[i].start, "spans ordered");
		size_t k = sp[i].end - sp[i].start;
		cr_assert(o + k + 4 < sizeof out);
		if (i) {
			memcpy(out + o, " | ", 3);
			o += 3;
		}
		memcpy(out + o, text + sp[i].start, k);
		o += k;
		out[o] = 0;
	}
	free(sp);
	return out;
}

static const char *repair(const char *s, size_t n, long *bad)
{
	static struct buf b;
	buf_release(&b);
	buf_init(&b, 0);
	*bad = utf8_repair(s, n, &b);
	return b.p ? b.p : "";
}

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                     */
/* ------------------------------------------------------------------------ */

Test(utf8, valid_text_is_copied)
{
	const char *s = "plain ASCII, h\xC3\xA9llo, \xE2\x82\xAC 5, \xF0\x9D\x84\x9E clef, \xF4\x8F\xBF\xBF";
	long bad;
	cr_assert(utf8_valid(s, strlen(s)));
	cr_assert_str_eq(repair(s, strlen(s), &bad), s);
	cr_assert_eq(bad, 0);
}

Test(utf8, invalid_sequences_become_fffd)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out;
		long bad;
	} cases[] = {
		{ "a\x80z", 3, "a\xEF\xBF\xBDz", 1 },                             /* lone continuation */
		{ "a\xFFz", 3, "a\xEF\xBF\xBDz", 1 },                             /* never a lead */
		{ "\xC0\xAF", 2, "\xEF\xBF\xBD\xEF\xBF\xBD", 2 },                 /* overlong '/' */
		{ "\xE0\x80\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3 }, /* overlong */
		{ "\xED\xA0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 3 }, /* surrogate */
		{ "\xF4\x90\x80\x80", 4,
		  "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 4 },        /* > U+10FFFF */
		{ "\xF5\x80", 2, "\xEF\xBF\xBD\xEF\xBF\xBD", 2 },
		{ "ab\xE2\x82", 4, "ab\xEF\xBF\xBD", 1 },                         /* truncated at end */
		{ "\xE2\x82" "A", 3, "\xEF\xBF\xBD" "A", 1 },                     /* truncated inside */
		{ "\xF0\x9F\x98", 3, "\xEF\xBF\xBD", 1 },                         /* truncated 4-byte */
		{ "\xF0\x9F\x98\xC3\xA9", 5, "\xEF\xBF\xBD\xC3\xA9", 1 },
	};
	for (size_t i = 0; i < NL_ARRAY_LEN(cases); i++) {
		long bad;
		const char *got = repair(cases[i].in, cases[i].n, &bad);
		cr_assert_str_eq(got, cases[i].out, "case %zu", i);
		cr_assert_eq(bad, cases[i].bad, "case %zu: %ld replacements", i, bad);
		cr_assert(!utf8_valid(cases[i].in, cases[i].n), "case %zu", i);
		cr_assert(utf8_valid(got, strlen(got)), "case %zu", i);
	}
}

Test(utf8, controls_become_spaces)
{
	long bad;
	const char in[] = "a\0b\x01" "c\rd\te\nf\x1F" "g\x7F";
	cr_assert_str_eq(repair(in, sizeof in - 1, &bad), "a b c d\te\nf g\x7F");
	cr_assert_eq(bad, 0, "controls are not counted");
}

Test(utf8, fast_path_boundaries)
{
	/* a bad byte or a control at every position of a long ASCII run */
	for (size_t pos = 0; pos < 40; pos++) {
		char in[41], want[64];
		memset(in, 'x', 40);
		in[40] = 0;
		in[pos] = (char)0xFE;
		memcpy(want, in, pos);
		memcpy(want + pos, "\xEF\xBF\xBD", 3);
		memcpy(want + pos + 3, in + pos + 1, 40 - pos);
		long bad;
		cr_assert_str_eq(repair(in, 40, &bad), want, "pos %zu", pos);
		cr_assert_eq(bad, 1);
		in[pos] = '\x02';
		cr_assert_eq(strlen(repair(in, 40, &bad)), 40);
		cr_assert_eq(bad, 0);
		cr_assert_eq(strchr(repair(in, 40, &bad), '\x02'), NULL, "pos %zu", pos);
	}
}

Test(utf8, valid_across_the_wide_steps)
{
	/* a bad or a good non-ASCII byte at every position of ASCII runs
	 * around the 16- and 64-byte steps, and a bad byte just past the end */
	static const size_t lens[] = { 15, 16, 17, 63, 64, 65, 127, 128, 129, 200 };
	char in[256];
	for (size_t l = 0; l < NL_ARRAY_LEN(lens); l++) {
		size_t n = lens[l];
		memset(in, 'x', sizeof in);
		in[n] = (char)0xFF;
		cr_assert(utf8_valid(in, n), "len %zu", n);
		for (size_t pos = 0; pos < n; pos++) {
			in[pos] = (char)0xFE;
			cr_assert(!utf8_valid(in, n), "len %zu pos %zu", n, pos);
			in[pos] = 'x';
			if (pos + 1 < n) {
				in[pos] = (char)0xC3;
				in[pos + 1] = (char)0xA9;
				cr_assert(utf8_valid(in, n), "len %zu pos %zu", n, pos);
				in[pos] = in[pos + 1] = 'x';
			}
		}
	}
}

Test(utf8, plain_prefix_is_measured)
{
	/* the first byte other than 0x20..0x7F, tab and newline, at every
	 * position of a run with tabs and newlines in it */
	static const char odd[] = { '\r', '\f', '\0', '\x01', (char)0xC3, (char)0xFE };
	for (size_t k = 0; k < sizeof odd; k++)
		for (size_t pos = 0; pos < 40; pos++) {
			char in[41];
			for (size_t i = 0; i < 40; i++)
				in[i] = i % 7 == 3 ? '\n' : i % 11 == 5 ? '\t' : (char)('a' + i % 26);
			in[pos] = odd[k];
			if (pos + 1 < 40 && odd[k] == (char)0xC3)
				in[pos + 1] = (char)0xA9;
			struct buf b;
			buf_init(&b, 0);
			size_t plain = 99;
			utf8_repair_plain(in, 40, &b, &plain);
			cr_assert_eq(plain, pos, "byte %zu at %zu", k, pos);
			buf_release(&b);
		}
	struct buf b;
	buf_init(&b, 0);
	size_t plain = 99;
	const char *tn = "tab\tand\nnewline are plain";
	utf8_repair_plain(tn, strlen(tn), &b, &plain);
	cr_assert_eq(plain, strlen(tn));
	utf8_repair_plain("", 0, &b, &plain);
	cr_assert_eq(plain, 0);
	buf_release(&b);
}

Test(utf8, appends_and_respects_the_cap)
{
	struct buf b;
	buf_init(&b, 10);
	cr_assert_eq(buf_puts(&b, "ab"), NL_OK);
	cr_assert_eq(utf8_repair("cd\x80", 3, &b), 1);
	cr_assert_str_eq(b.p, "abcd\xEF\xBF\xBD");
	cr_assert_eq(utf8_repair("\x80\x80", 2, &b), NL_ETOOBIG);
	cr_assert_str_eq(b.p, "abcd\xEF\xBF\xBD", "left as it was");
	cr_assert_eq(b.n, 7);
	buf_release(&b);
}

Test(utf8, decode)
{
	uint32_t cp;
	cr_assert_eq(utf8_decode("\xE2\x82\xAC", 3, &cp), 3);
	cr_assert_eq(cp, 0x20AC);
	cr_assert_eq(utf8_decode("\xE2\x82\xAC", 2, &cp), -2, "truncated: never reads past n");
	cr_assert_eq(utf8_decode("\xF0\x9D\x84\x9E", 4, &cp), 4);
	cr_assert_eq(cp, 0x1D11E);
	cr_assert_eq(utf8_decode("\xED\xBF\xBF", 3, &cp), -1, "surrogate: ED alone is the subpart");
}

/* ------------------------------------------------------------------------ */
/* Tokenizer                                                                 */
/* ------------------------------------------------------------------------ */

Test(token, words_and_offsets)
{
	const char *text = "  The quick, brown fox!";
	struct collect *c = tokens_of(false, text);
	cr_assert_str_eq(c->terms, "the quick brown fox");
	uint32_t want[][2] = { { 2, 5 }, { 6, 11 }, { 13, 18 }, { 19, 22 } };
	cr_assert_eq(c->count, 4);
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(c->start[i], want[i][0], "token %zu", i);
		cr_assert_eq(c->end[i], want[i][1], "token %zu", i);
	}
}

Test(token, non_ascii_offsets_are_bytes)
{
	const char *text = "caf\xC3\xA9 \xE2\x80\x94 na\xC3\xAFve";
	struct collect *c = tokens_of(false, text);
	cr_assert_str_eq(c->terms, "caf\xC3\xA9 na\xC3\xAFve");
	cr_assert_eq(c->start[0], 0);
	cr_assert_eq(c->end[0], 5);
	cr_assert_eq(c->start[1], 10);
	cr_assert_eq(c->end[1], 16);
}

Test(token, apostrophes_and_possessives)
{
	cr_assert_str_eq(terms(false, "Russia's workers' don't O'Brien"), "russia workers dont obrien");
	cr_assert_str_eq(terms(false, "Russia\xE2\x80\x99s Moscow\xE2\x80\x99S"), "russia moscow");
	cr_assert_str_eq(terms(false, "'quoted' rock'n'roll"), "quoted rocknroll");
	/* the span keeps the possessive */
	struct collect *c = tokens_of(false, "Russia's army");
	cr_assert_eq(c->end[0], 8);
}

Test(token, timeline17_artefacts)
{
	cr_assert_str_eq(terms(false, "China 's censors -LRB- CNN -RRB- -- it 's"), "china censors cnn it");
	cr_assert_str_eq(terms(false, "'s"), "");
	cr_assert_str_eq(terms(false, "we 're sure you 'll do n't DO N'T I 'm he 'd they 've"),
			 "we sure you do do i he they");
	cr_assert_str_eq(terms(false, "(n't) x'll 'ok' n\xE2\x80\x99t"), "xll ok");
	cr_assert_str_eq(terms(false, "LRB -LRBX-"), "lrb lrbx", "only the exact bracket tokens");
	cr_assert_str_eq(terms(false, "China \xE2\x80\x99s censors \xE2\x80\x99re \xE2\x80\x99d -RSB- x-LCB-"),
			 "china censors x", "curly clitics, brackets after a word");
}

Test(token, hyphens_split)
{
	cr_assert_str_eq(terms(false, "ex-Soviet anti-government"), "ex soviet anti government");
}

Test(token, numbers)
{
	cr_assert_str_eq(terms(false, "2,014 bags, 3.5 percent, 1,000,000 and 5. Then 10:30"),
			 "2014 bags 3.5 percent 1000000 and 5 then 10 30");
	cr_assert_str_eq(terms(false, "H1N1 1990s 20th"), "h1n1 1990s 20th");
	cr_assert_str_eq(terms(false, "a,1 1,a 1.a"), "a 1 1 a 1 a");
}

Test(token, dotted_acronyms)
{
	struct collect *c = tokens_of(true, "the U.S. and U.N. at 5 p.m. e.g. U.Sa");
	cr_assert_str_eq(c->terms, "the us and un at 5 pm eg u sa");
	cr_assert_eq(c->start[1], 4);
	cr_assert_eq(c->end[1], 8, "span covers the final dot");
	cr_assert_str_eq(terms(false, "U.S.-led"), "us led");
}

Test(token, unicode_normalisation)
{
	cr_assert_str_eq(terms(false, "\xC3\x85ngstr\xC3\xB6m"), "\xC3\xA5ngstr\xC3\xB6m");
	cr_assert_str_eq(terms(false, "\xEF\xAC\x81nance"), "finance", "NFKC ligature");
	cr_assert_str_eq(terms(false, "Stra\xC3\x9F" "e"), "strasse", "case fold");
	cr_assert_str_eq(terms(false, "\xEF\xBC\xA8\xEF\xBD\x85\xEF\xBD\x8C\xEF\xBD\x8C\xEF\xBD\x8F"),
			 "hello", "fullwidth");
	cr_assert_str_eq(terms(false, "Cafe\xCC\x81"), "caf\xC3\xA9", "combining mark joins the word");
	cr_assert_str_eq(terms(false, "infor\xC2\xADmation"), "information", "soft hyphen");
	cr_assert_str_eq(terms(false, "\xE5\x8C\x97\xE4\xBA\xAC news"), "\xE5\x8C\x97\xE4\xBA\xAC news");
	cr_assert_str_eq(terms(false, "\xCC\x81" "abc"), "abc", "a mark cannot start a word");
}

Test(token, stemming)
{
	cr_assert_str_eq(terms(true, "Running ministers elections"), "run minist elect");
	cr_assert_str_eq(terms(true, "1990s 30s H1N1s"), "1990s 30s h1n1s", "digits: not stemmed");
	cr_assert_str_eq(terms(false, "Running"), "running");
	/* the stem cache gives the same answer on repeats */
	cr_assert_str_eq(terms(true, "elections elections elections"), "elect elect elect");
}

Test(token, long_words_are_cut_at_a_code_point)
{
	char text[300];
	memset(text, 'a', 200);
	text[200] = 0;
	struct collect *c = tokens_of(false, text);
	cr_assert_eq(c->n, TOKEN_MAX_BYTES);
	cr_assert_eq(c->end[0], 200, "span is the whole word");

	text[0] = 'b';
	for (int i = 0; i < 60; i++)
		memcpy(text + 1 + 2 * i, "\xC3\xA9", 2);
	text[121] = 0;
	c = tokens_of(false, text);
	cr_assert_eq(c->n, TOKEN_MAX_BYTES - 1, "63: the next code point would cross 64");
	cr_assert(utf8_valid(c->terms, c->n));
}

static int stop_at_second(void *ctx, const char *term, size_t n, uint32_t s, uint32_t e)
{
	int *seen = ctx;
	return ++*seen == 2 ? 7 : 0;
}

Test(token, callback_stops)
{
	struct tokenizer *t = tokenizer_new(false);
	int seen = 0;
	cr_assert_eq(tokenize(t, "one two three", 13, stop_at_second, &seen), 7);
	cr_assert_eq(seen, 2);
	tokenizer_free(t);
}

Test(token, invalid_utf8_is_skipped)
{
	const char text[] = "ab\xFF" "cd \xE2\x82 ef\xC3";
	struct collect c;
	memset(&c, 0, sizeof c);
	struct tokenizer *t = tokenizer_new(true);
	cr_assert_eq(tokenize(t, text, sizeof text - 1, collect_fn, &c), 0);
	cr_assert_str_eq(c.terms, "ab cd ef");
	tokenizer_free(t);
}

Test(token, term_matches_tokenize)
{
	static const char *const words[] = {
		"Russia's", "RUNNING", "2,014", "3.5", "U.S.", "\xEF\xAC\x81nance", "don't",
		"Elections", "ex-Soviet", "Moscow\xE2\x80\x99s", "H1N1", "Stra\xC3\x9F" "e", "a",
	};
	struct tokenizer *t = tokenizer_new(true);
	for (size_t i = 0; i < NL_ARRAY_LEN(words); i++) {
		char out[TOKEN_MAX_BYTES];
		size_t n = tokenizer_term(t, words[i], strlen(words[i]), out, sizeof out);
		const char *all = terms(true, words[i]);
		size_t first = strcspn(all, " ");
		cr_assert_eq(n, first, "%s", words[i]);
		cr_assert(memcmp(out, all, n) == 0, "%s", words[i]);
	}
	char out[8];
	cr_assert_eq(tokenizer_term(t, "-- !", 4, out, sizeof out), 0);
	cr_assert_eq(tokenizer_term(t, "\xC3\xA9\xC3\xA9\xC3\xA9", 6, out, 5), 4, "cut at a code point");
	tokenizer_free(t);
}

Test(token, every_span_normalises_to_its_term)
{
	const char *text = "Lavrov said Russia's forces, 2,014 of them, left the U.S. "
			   "ex-Soviet base at 5 p.m. on Jan. 18 \xE2\x80\x94 Ca\xC3\xB1\xC3\xB3n's "
			   "\xEF\xAC\x81nal report -LRB- 3.5 % -RRB- don't";
	struct tokenizer *t = tokenizer_new(true);
	struct collect c;
	memset(&c, 0, sizeof c);
	cr_assert_eq(tokenize(t, text, strlen(text), collect_fn, &c), 0);
	cr_assert(c.count > 10 && c.count < 256);
	const char *p = c.terms;
	for (size_t i = 0; i < c.count; i++) {
		cr_assert(c.start[i] < c.end[i] && c.end[i] <= strlen(text));
		if (i)
			cr_assert(c.end[i - 1] <= c.start[i]);
		char out[TOKEN_MAX_BYTES];
		size_t n = tokenizer_term(t, text + c.start[i], c.end[i] - c.start[i], out, sizeof out);
		size_t k = strcspn(p, " ");
		cr_assert(n == k && memcmp(out, p, n) == 0, "token %zu: %.*s vs %.*s", i, (int)n, out,
			  (int)k, p);
		p += k + (p[k] == ' ');
	}
	tokenizer_free(t);
}

/* ------------------------------------------------------------------------ */
/* Sentences                                                                 */
/* ------------------------------------------------------------------------ */

Test(sentence, basic_stops)
{
	cr_assert_str_eq(sentences("Hello world. This is it! Is it? Yes."),
			 "Hello world. | This is it! | Is it? | Yes.");
	cr_assert_str_eq(sentences("  Leading and trailing space.   \n "), "Leading and trailing space.");
	cr_assert_str_eq(sentences("No stop at the end"), "No stop at the end");
	cr_assert_str_eq(sentences(""), "");
	cr_assert_str_eq(sentences(" \n\t "), "");
}

Test(sentence, titles_never_end)
{
	cr_assert_str_eq(sentences("Mr. Smith met Dr. Jones and Gen. Petraeus. They talked."),
			 "Mr. Smith met Dr. Jones and Gen. Petraeus. | They talked.");
	cr_assert_str_eq(sentences("Sen. Kerry, Rep. Paul, Gov. Brown and Lt. Col. North spoke."),
			 "Sen. Kerry, Rep. Paul, Gov. Brown and Lt. Col. North spoke.");
	cr_assert_str_eq(sentences("Roe vs. Wade was decided. It stood."),
			 "Roe vs. Wade was decided. | It stood.");
}

Test(sentence, acronyms)
{
	cr_assert_str_eq(sentences("Officials in the U.S. said so."), "Officials in the U.S. said so.");
	cr_assert_str_eq(sentences("The U.S. Senate voted. The U.N. Security Council met."),
			 "The U.S. Senate voted. | The U.N. Security Council met.");
	cr_assert_str_eq(sentences("Troops stayed in the U.S. The president spoke."),
			 "Troops stayed in the U.S. | The president spoke.");
	cr_assert_str_eq(sentences("It opens at 10 a.m. Monday and closes at 5 p.m. The park is big."),
			 "It opens at 10 a.m. Monday and closes at 5 p.m. | The park is big.");
}

Test(sentence, initials)
{
	cr_assert_str_eq(sentences("John F. Kennedy was shot. He died."),
			 "John F. Kennedy was shot. | He died.");
	cr_assert_str_eq(sentences("Works by F. A. Hayek sold well."), "Works by F. A. Hayek sold well.");
	cr_assert_str_eq(sentences("They chose Plan B. The rest failed."),
			 "They chose Plan B. | The rest failed.");
}

Test(sentence, numbers_and_dates)
{
	cr_assert_str_eq(sentences("Growth was 3.5 percent. Prices rose 2.1 pct."),
			 "Growth was 3.5 percent. | Prices rose 2.1 pct.");
	cr_assert_str_eq(sentences("He was No. 2 in the party. No. They refused."),
			 "He was No. 2 in the party. | No. | They refused.");
	cr_assert_str_eq(sentences("On Jan. 5 and Sept. 11 they met. Dec. 7 was worse."),
			 "On Jan. 5 and Sept. 11 they met. | Dec. 7 was worse.");
	cr_assert_str_eq(sentences("It ended in 1989. 1990 was calm."),
			 "It ended in 1989. | 1990 was calm.");
}

Test(sentence, companies_and_etc)
{
	cr_assert_str_eq(sentences("Apple Inc. said profit rose. Shares of Acme Corp. The deal closed."),
			 "Apple Inc. said profit rose. | Shares of Acme Corp. | The deal closed.");
	cr_assert_str_eq(sentences("Apples, pears etc. are sold. Bread etc. But not milk."),
			 "Apples, pears etc. are sold. | Bread etc. | But not milk.");
}

Test(sentence, ellipses_and_marks)
{
	cr_assert_str_eq(sentences("He paused... Then he spoke. He paused\xE2\x80\xA6 and went on."),
			 "He paused... | Then he spoke. | He paused\xE2\x80\xA6 and went on.");
	cr_assert_str_eq(sentences("\"Why?\" he asked. Really?! Yes."),
			 "\"Why?\" he asked. | Really?! | Yes.");
}

Test(sentence, closers_belong_to_the_sentence)
{
	cr_assert_str_eq(sentences("He said, \"We will win.\" Then he left."),
			 "He said, \"We will win.\" | Then he left.");
	cr_assert_str_eq(sentences("(This is an aside.) Next one. \xE2\x80\x9CQuoted.\xE2\x80\x9D Done."),
			 "(This is an aside.) | Next one. | \xE2\x80\x9CQuoted.\xE2\x80\x9D | Done.");
	cr_assert_str_eq(sentences("It ended. \"We won,\" he said."), "It ended. | \"We won,\" he said.");
}

Test(sentence, lowercase_continues)
{
	cr_assert_str_eq(sentences("the cat sat. the dog ran."), "the cat sat. the dog ran.");
	cr_assert_str_eq(sentences("See example.com for more. Visit U.S.-led bases."),
			 "See example.com for more. | Visit U.S.-led bases.");
}

Test(sentence, paragraphs)
{
	cr_assert_str_eq(sentences("A headline without a stop\n\nThe body begins here."),
			 "A headline without a stop | The body begins here.");
	cr_assert_str_eq(sentences("Reuters wraps lines\nin the middle of sentences. Then\nends."),
			 "Reuters wraps lines\nin the middle of sentences. | Then\nends.");
	cr_assert_str_eq(sentences("One\n \t\r\nTwo"), "One | Two");
}

Test(sentence, timeline17_spaced_text)
{
	cr_assert_str_eq(sentences("For this country 's censors , this week has been a busy time . \n"
				   "The Communist Party is trying . \n"),
			 "For this country 's censors , this week has been a busy time . | "
			 "The Communist Party is trying .");
	cr_assert_str_eq(sentences("1991 , 1992 etc. . \nIn China right now , it 's calm . "),
			 "1991 , 1992 etc. . | In China right now , it 's calm .");
	cr_assert_str_eq(sentences("-LRB- normally we 're checked just once . -RRB- \nOfficers told us"),
			 "-LRB- normally we 're checked just once . -RRB- | Officers told us");
	cr_assert_str_eq(sentences("he said `` we will win . '' the crowd cheered . iPhone sales rose ."),
			 "he said `` we will win . '' | the crowd cheered . | iPhone sales rose .");
	cr_assert_str_eq(sentences("what you 'll have seen ... In order to see"),
			 "what you 'll have seen ... | In order to see");
}

Test(sentence, appends_to_existing_spans)
{
	struct span *sp = NULL;
	size_t n = 0, cap = 0;
	cr_assert_eq(sentence_split("Go. Be", 6, &sp, &n, &cap), 2);
	cr_assert_eq(sentence_split("One. Two. Three.", 16, &sp, &n, &cap), 3);
	cr_assert_eq(n, 5);
	cr_assert_eq(sp[2].start, 0);
	cr_assert_eq(sp[4].end, 16);
	cr_assert_eq(sp[1].start, 4);
	cr_assert_eq(sp[1].end, 6);
	free(sp);
}

Test(sentence, real_article_spans_are_sane)
{
	char path[512];
	snprintf(path, sizeof path, "%s/examples/seed-article.txt", shared_dir());
	size_t len;
	char *text = slurp(path, &len);
	if (!text)
		cr_skip_test("no %s", path);
	struct buf clean;
	buf_init(&clean, 0);
	cr_assert(utf8_repair(text, len, &clean) >= 0);
	struct span *sp = NULL;
	size_t n = 0, cap = 0;
	size_t got = sentence_split(clean.p, clean.n, &sp, &n, &cap);
	cr_assert(got > 5);
	for (size_t i = 0; i < n; i++) {
		cr_assert(sp[i].start < sp[i].end && sp[i].end <= clean.n);
		cr_assert(i == 0 || sp[i - 1].end <= sp[i].start);
		cr_assert(clean.p[sp[i].start] != ' ' && clean.p[sp[i].end - 1] != ' ');
	}
	/* "the U.S. and its allies" must not be cut */
	for (size_t i = 0; i < n; i++) {
		const char *s = clean.p + sp[i].start;
		size_t k = sp[i].end - sp[i].start;
		cr_assert(!(k >= 4 && memcmp(s + k - 4, "U.S.", 4) == 0 && strncmp(s + k + 1, "and", 3) == 0));
	}
	free(sp);
	buf_release(&clean);
	free(text);
}

Test(sentence, timeline17_closers_and_double_stops)
{
	cr_assert_str_eq(sentences("` When he leaves , we leave . ' \nThis is just the beginning . '' \n"),
			 "` When he leaves , we leave . ' | This is just the beginning . ''");
	cr_assert_str_eq(sentences("chanted ` civil , not military ! ' '' \nCNN 's Ivan reported ."),
			 "chanted ` civil , not military ! ' '' | CNN 's Ivan reported .");
	cr_assert_str_eq(sentences("sift for Al Queida . . \nim sure he is there now ."),
			 "sift for Al Queida . . | im sure he is there now .");
}

Test(sentence, indented_paragraphs)
{
	cr_assert_str_eq(sentences("said Bill Sullivan of Dean Witter Inc.\n    Maude said no.\n"
				   "    Sen. Kerry\nspoke. Stephens Inc.\nCazenove joined."),
			 "said Bill Sullivan of Dean Witter Inc. | Maude said no. | "
			 "Sen. Kerry\nspoke. | Stephens Inc.\nCazenove joined.");
}

Test(sentence, abbreviation_then_spaced_stop)
{
	cr_assert_str_eq(sentences("agree with Dara et al. . \nPIERS i got excited . "),
			 "agree with Dara et al. . | PIERS i got excited .");
	cr_assert_str_eq(sentences("2013 Morningstar , Inc. . \nDisclaimer The Dow"),
			 "2013 Morningstar , Inc. . | Disclaimer The Dow");
}

Test(sentence, states_and_compounds)
{
	cr_assert_str_eq(sentences("Deere of Moline, Ill. Track records fell. He lives in Springfield, Ill. "
				   "The firm grew."),
			 "Deere of Moline, Ill. Track records fell. | He lives in Springfield, Ill. | "
			 "The firm grew.");
	cr_assert_str_eq(sentences("The Japan-U.S. Trade pact and <J.P. Morgan> rose."),
			 "The Japan-U.S. Trade pact and <J.P. Morgan> rose.");
	cr_assert_str_eq(sentences("Some U.S. Officials complained."), "Some U.S. Officials complained.");
}

Test(token, ascii_lowercasing_word_at_a_time)
{
	/* long words in the middle of the text (8 bytes at a time) and at its end */
	cr_assert_str_eq(terms(false, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 x"),
			 "abcdefghijklmnopqrstuvwxyz0123456789 x");
	cr_assert_str_eq(terms(false, "x AbCdEfGhIjKlMnOpQrStUvWxYz"), "x abcdefghijklmnopqrstuvwxyz");
	cr_assert_str_eq(terms(false, "Zz@Aa[Bb`Cc{Dd"), "zz aa bb cc dd");
	cr_assert_str_eq(terms(true, "INTERNATIONALIZATION Internationalization"),
			 "internation internation");
}

/* tokenize_batch: tokenize's terms and spans, in order, with their hashes,
 * across several batches; a nonzero return stops it */
struct batch_seen {
	struct collect c;
	size_t calls;
	int stop_after; /* calls; 0: never */
};

static int collect_batch(void *ctx, const struct token_term *tt, size_t n)
{
	struct batch_seen *b = ctx;
	cr_assert(n >= 1);
	for (size_t k = 0; k < n; k++) {
		cr_assert_eq(tt[k].hash, nl_hash64(tt[k].term, tt[k].len));
		collect_fn(&b->c, tt[k].term, tt[k].len, tt[k].start, tt[k].end);
	}
	return ++b->calls == (size_t)b->stop_after ? 5 : 0;
}

Test(token, batch_matches_tokenize)
{
	char text[8192];
	size_t n = 0;
	static const char *const words[] = { "Running", "the", "U.S.", "3.5", "Russia's", "H1N1",
					     "caf\xC3\xA9", "Internationalization", "a", "don't" };
	for (size_t i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", words[i % NL_ARRAY_LEN(words)],
				      i % 7 == 6 ? ", " : " ");
	for (int stem = 0; stem < 2; stem++) {
		struct tokenizer *t = tokenizer_new(stem);
		static struct collect want;
		memset(&want, 0, sizeof want);
		cr_assert_eq(tokenize(t, text, n, collect_fn, &want), 0);
		static struct batch_seen got;
		memset(&got, 0, sizeof got);
		cr_assert_eq(tokenize_batch(t, text, n, collect_batch, &got), 0);
		cr_assert_eq(got.c.count, want.count);
		cr_assert_str_eq(got.c.terms, want.terms);
		cr_assert(memcmp(got.c.start, want.start, sizeof want.start) == 0);
		cr_assert(memcmp(got.c.end, want.end, sizeof want.end) == 0);
		cr_assert(got.calls > 1, "several batches");
		memset(&got, 0, sizeof got);
		got.stop_after = 1;
		cr_assert_eq(tokenize_batch(t, text, n, collect_batch, &got), 5);
		cr_assert_eq(got.calls, 1);
		cr_assert(got.c.count < want.count);
		tokenizer_free(t);
	}
}

static int count_hashed(void *ctx, const struct token_term *tt, size_t n)
{
	for (size_t k = 0; k < n; k++)
		cr_assert_eq(tt[k].hash, nl_hash64(tt[k].term, tt[k].len), "%.*s", (int)tt[k].len,
			     tt[k].term);
	*(size_t *)ctx += n;
	return 0;
}

/* The terms of one or two letters and digits take their hashes from a
 * table (token.c's short_hash): each of them, in either case, and short
 * terms of other bytes, with and without stemming */
Test(token, short_terms_hash_as_nl_hash64)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCZ";
	static char text[16384];
	size_t len = 0, words = 0;
	for (size_t x = 0; x < sizeof alnum - 1; x++) {
		text[len++] = alnum[x];
		text[len++] = ' ';
		words++;
		for (size_t y = 0; y < sizeof alnum - 1; y++) {
			text[len++] = alnum[x];
			text[len++] = alnum[y];
			text[len++] = ' ';
			words++;
		}
	}
	static const char others[] = "\xC3\xA9 \xC3\xA9" "a a\xC3\xA9 \xCE\xB1 ab1 2,5 3.5 ";
	memcpy(text + len, others, sizeof others - 1);
	len += sizeof others - 1;
	words += 7;
	for (int stem = 0; stem < 2; stem++) {
		struct tokenizer *t = tokenizer_new(stem);
		size_t got = 0;
		cr_assert_eq(tokenize_batch(t, text, len, count_hashed, &got), 0);
		cr_assert_eq(got, words);
		tokenizer_free(t);
	}
}

/* ASCII terms are stemmed by libstemmer's single-byte build (token.c):
 * the stems must be the UTF-8 build's, words that exercise every step */
Test(token, ascii_stems_are_the_utf8_stemmers)
{
	static const char *const words[] = {
		"running", "generously", "dying", "lying", "news", "skies", "succeeding",
		"youth", "yves", "sayings", "conditional", "relational", "hopefulness",
		"electricity", "adjustable", "controversies", "communism", "arguing",
		"emerged", "fluently", "fishing", "proceed", "exceeded", "tries",
		"crying", "inning", "outing", "canning", "herring", "earring", "gently",
		"ugly", "early", "only", "singly", "sky", "idly", "atlas", "cosmos",
		"bias", "andes", "howe", "commun", "generate", "universal", "arsenic",
		"past", "caresses", "ties", "gas", "this", "agreed", "feed", "bled",
		"hoping", "luxuriating", "hopping", "classification", "oscillators",
		"abbreviations", "internationalization", "yyyyy", "aeiouy", "ied",
	};
	struct tokenizer *t = tokenizer_new(true);
	struct sb_stemmer *u = sb_stemmer_new("english", NULL);
	for (size_t i = 0; i < NL_ARRAY_LEN(words); i++) {
		char out[TOKEN_MAX_BYTES];
		size_t n = tokenizer_term(t, words[i], strlen(words[i]), out, sizeof out);
		const sb_symbol *st = sb_stemmer_stem(u, (const sb_symbol *)words[i], (int)strlen(words[i]));
		size_t m = (size_t)sb_stemmer_length(u);
		cr_assert(n == m && memcmp(out, st, n) == 0, "%s: %.*s, not %.*s", words[i], (int)n, out,
			  (int)m, (const char *)st);
	}
	sb_stemmer_delete(u);
	tokenizer_free(t);
}

/* tokenizer_term() of the word w[0..n) is libstemmer's stem of it */
static void check_stem(struct tokenizer *t, struct sb_stemmer *u, const char *w, size_t n)
{
	char out[TOKEN_MAX_BYTES];
	size_t m = tokenizer_term(t, w, n, out, sizeof out);
	const sb_symbol *st = sb_stemmer_stem(u, (const sb_symbol *)w, (int)n);
	size_t sm = (size_t)sb_stemmer_length(u);
	cr_assert(m == sm && memcmp(out, st, m) == 0, "%.*s: %.*s, not %.*s", (int)n, w, (int)m, out,
		  (int)sm, (const char *)st);
}

/* A word the stemmer would give back as it is is not passed to it
 * (token.c's stem_keeps: all a-z, ending in none of the suffixes Snowball
 * English looks for): every word of three and four letters, which covers
 * every three-letter ending the rule reads, and longer words of each kind,
 * must still get libstemmer's stem */
Test(token, words_kept_without_the_stemmer_are_its_stems)
{
	static const char *const longer[] = {
		"obama", "china", "work", "print", "blackburn", "crowd", "stadium",
		"relationship", "background", "microsoft", "network", "fourth", "lockdown",
		"internationalization", "generalization", "commun", "communic", "arsenal",
		"generator", "actor", "emperor", "hotdog", "hanging", "misproceed", "sparrow",
		"bambi", "logi", "ecology", "bureaux", "tiramisu", "shortcut", "fluent", "basic",
		"realism", "prism", "tonic", "marathon", "reunion", "talisman", "cardamom",
		"mainland", "bigotry", "heavyweight", "jeans", "stroll", "capital", "careful",
		"cyberwar", "hyphen", "hyperlink", "yolk", "boyhood", "monday", "valley",
		"convoy", "guy", "sayy", "abbey", "travel", "council", "petrol", "annul", "tell",
		"hopefully", "supply", "fly",
	};
	struct tokenizer *t = tokenizer_new(true);
	struct sb_stemmer *u = sb_stemmer_new("english", NULL);
	char w[8];
	for (size_t n = 3; n <= 4; n++)
		for (size_t c = 0, total = n == 3 ? 26 * 26 * 26 : 26 * 26 * 26 * 26; c < total; c++) {
			for (size_t i = n, x = c; i-- > 0; x /= 26)
				w[i] = (char)('a' + x % 26);
			check_stem(t, u, w, n);
		}
	for (size_t i = 0; i < NL_ARRAY_LEN(longer); i++)
		check_stem(t, u, longer[i], strlen(longer[i]));
	sb_stemmer_delete(u);
	tokenizer_free(t);
}

/* tokenize_batch_padded reads past the text but gives tokenize_batch's
 * terms: every prefix of a text, followed by word characters that must
 * not join its last word */
Test(token, padded_matches_unpadded_at_every_end)
{
	static const char text[] = "In 2,014 the U.S. and U.N. said 3.5 a. Russia's don't "
				   "x1 Gr\xC3\xBC\xC3\x9F" "e ABCDEFGHIJKLMNOPQRSTUVWXYZ e.g. 10,000, 'll end9";
	static const char *const tails[] = { "abcdefghijklmnopqrstuvwxyz", "0123456789012345678",
					     ".5.5.5.5.5.5.5.5.5", "'s'sss'ssss'sss'ss" };
	struct tokenizer *t = tokenizer_new(true);
	for (size_t tl = 0; tl < NL_ARRAY_LEN(tails); tl++)
		for (size_t len = 0; len <= sizeof text - 1; len++) {
			char exact[sizeof text], padded[sizeof text + 32];
			memcpy(exact, text, len);
			memcpy(padded, text, len);
			memcpy(padded + len, tails[tl], strlen(tails[tl]));
			static struct batch_seen want, got;
			memset(&want, 0, sizeof want);
			memset(&got, 0, sizeof got);
			cr_assert_eq(tokenize_batch(t, exact, len, collect_batch, &want), 0);
			cr_assert_eq(tokenize_batch_padded(t, padded, len, collect_batch, &got), 0);
			cr_assert_eq(got.c.count, want.c.count, "len %zu", len);
			cr_assert_str_eq(got.c.terms, want.c.terms, "len %zu", len);
			cr_assert(memcmp(got.c.start, want.c.start, sizeof want.c.start) == 0);
			cr_assert(memcmp(got.c.end, want.c.end, sizeof want.c.end) == 0);
		}
	tokenizer_free(t);
}
