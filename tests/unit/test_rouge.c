/* test_rouge.c — ROUGE-1.5.5 tokenisation and the tilse timeline metrics
 * against the shared test vectors (../shared/vectors/tls-metric). */
#include "testutil.h"
#include "timeline/rouge.h"
#include "timeline/tls_metric.h"
#include "util/day.h"

#include <jansson.h>
#include <math.h>

static struct rouge_lang *lang;
static char vecdir[4096];

static void setup(void)
{
	snprintf(vecdir, sizeof(vecdir), "%s/vectors/tls-metric", shared_dir());
	struct buf err;
	buf_init(&err, 0);
	int rc = rouge_lang_open(vecdir, &lang, &err);
	cr_assert_eq(rc, NL_OK, "%s", err.p);
	buf_release(&err);
}

static void teardown(void)
{
	rouge_lang_free(lang);
	lang = NULL;
}

static void join_token(void *arg, const char *tok, size_t n)
{
	struct buf *b = arg;
	if (b->n)
		buf_putc(b, ' ');
	buf_put(b, tok, n);
}

TestSuite(rouge, .init = setup, .fini = teardown);

Test(rouge, word_lists_load)
{
	/* 598 lines, "may" and "would" twice */
	cr_assert_eq(rouge_lang_nstopwords(lang), 596);
	cr_assert_eq(rouge_lang_nexceptions(lang), 5930);
}

Test(rouge, missing_dir_is_an_error)
{
	struct rouge_lang *l = NULL;
	struct buf err;
	buf_init(&err, 0);
	cr_assert_eq(rouge_lang_open("/nonexistent-rouge-dir", &l, &err), NL_ENOTFOUND);
	cr_assert(strstr(err.p, "smart_common_words.txt") != NULL, "message names the file: %s",
		  err.p);
	cr_assert_null(l);
	buf_release(&err);
}

Test(rouge, env_overrides_data_dir)
{
	setenv("NEWSLINE_ROUGE_DATA", vecdir, 1);
	cr_assert_str_eq(rouge_data_dir(), vecdir);
	struct rouge_lang *l = NULL;
	cr_assert_eq(rouge_lang_open(NULL, &l, NULL), NL_OK);
	rouge_lang_free(l);
	unsetenv("NEWSLINE_ROUGE_DATA");
	cr_assert_str_eq(rouge_data_dir(), ROUGE_DEFAULT_DIR);
}

/* Every row of rouge_tok_vectors.tsv: sentence TAB expected tokens. */
Test(rouge, tok_vectors)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/rouge_tok_vectors.tsv", vecdir);
	size_t len;
	char *text = slurp(path, &len);
	cr_assert_not_null(text, "cannot read %s", path);
	size_t rows = 0;
	struct buf got;
	buf_init(&got, 0);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		char *tab = strchr(line, '\t');
		cr_assert_not_null(tab, "row %zu has no tab", rows + 1);
		*tab = 0;
		buf_clear(&got);
		rouge_tokenize(lang, line, strlen(line), join_token, &got);
		cr_expect_str_eq(got.p, tab + 1, "row %zu: %s", rows + 1, line);
		rows++;
	}
	cr_assert_eq(rows, 6);
	buf_release(&got);
	free(text);
}

Test(rouge, porter_rules)
{
	static const char *const cases[][2] = {
		{ "caresses", "caress" }, { "ponies", "poni" }, { "agreement", "agreem" },
		{ "hopping", "hop" }, { "conflated", "conflat" }, { "sized", "size" },
		{ "generalization", "gener" }, { "yelling", "yell" }, { "circ", "circ" },
		{ "controll", "control" }, { "relational", "relat" }, { "2019", "2019" },
	};
	for (size_t i = 0; i < NL_ARRAY_LEN(cases); i++) {
		char w[64];
		size_t n = rouge_porter(cases[i][0], strlen(cases[i][0]), w);
		w[n] = 0;
		cr_expect_str_eq(w, cases[i][1], "stem(%s)", cases[i][0]);
	}
}

Test(rouge, see_path_caret_and_angle)
{
	struct buf got;
	buf_init(&got, 0);
	const char *s = "growth ^ analysts a^b <ignored words";
	rouge_tokenize_see(lang, s, strlen(s), join_token, &got);
	cr_assert_str_eq(got.p, "growth circ analyst circ");
	buf_release(&got);
}
