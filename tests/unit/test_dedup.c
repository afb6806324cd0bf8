/* test_dedup.c — syndicated-copy detection: copies, non-copies, sketches. */
#include "testutil.h"
#include "dedup/dedup.h"
#include "util/buf.h"

#include <ctype.h>

/* The seed article's body: its lines after headline, date and URL. */
static char *seed_body(size_t *len, char **title)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/examples/seed-article.txt", shared_dir());
	char *t = slurp(path, NULL);
	cr_assert_not_null(t, "missing %s", path);
	char *p = t;
	for (int i = 0; i < 3; i++) {
		p = strchr(p, '\n');
		cr_assert_not_null(p);
		p++;
	}
	*title = strndup(t, (size_t)(strchr(t, '\n') - t));
	char *body = strdup(p);
	*len = strlen(body);
	while (*len && body[*len - 1] == '\n')
		body[--*len] = 0;
	free(t);
	return body;
}

/* Split into lines (in place); returns the count. */
static size_t split_lines(char *s, char **lines, size_t max)
{
	size_t n = 0;
	for (char *p = s; *p && n < max;) {
		lines[n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = 0;
		p = nl + 1;
	}
	return n;
}

/* A syndicated copy of body: paragraphs in the order ord[0..n), with extra
 * lines before and after; punctuation and non-ASCII stripped, lowercased when
 * strip is set. */
static char *make_copy(const char *body, const size_t *ord, size_t n, const char *before,
		       const char *after, bool strip)
{
	char *tmp = strdup(body), *lines[256];
	size_t nl = split_lines(tmp, lines, 256);
	struct buf b;
	buf_init(&b, 0);
	if (before)
		buf_printf(&b, "%s\n", before);
	for (size_t i = 0; i < n; i++) {
		cr_assert_lt(ord[i], nl);
		buf_printf(&b, "%s\n", lines[ord[i]]);
	}
	if (after)
		buf_printf(&b, "%s\n", after);
	if (strip) {
		size_t o = 0;
		for (size_t i = 0; i < b.n; i++) {
			unsigned char c = (unsigned char)b.p[i];
			if (c >= 128 || ispunct(c))
				continue;
			b.p[o++] = (char)tolower(c);
		}
		b.n = o;
		b.p[o] = 0;
	}
	free(tmp);
	size_t len;
	return buf_detach(&b, &len);
}

static size_t count_lines(const char *s)
{
	size_t n = 1;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

Test(dedup, seed_twice_is_one_story)
{
	size_t len;
	char *title;
	char *body = seed_body(&len, &title);
	size_t n = count_lines(body), ord[256];
	for (size_t i = 0; i < n; i++)
		ord[i] = (i * 7 + 3) % n; /* n is not a multiple of 7: a permutation */
	char *shuffled = make_copy(body, ord, n, NULL, NULL, false);

	struct dedup *d = dedup_new();
	cr_assert_eq(dedup_add(d, 1, title, body, len), 1u);
	cr_assert_eq(dedup_add(d, 2, "Blinken, Lavrov to meet in Geneva", shuffled, strlen(shuffled)),
		     1u, "a shuffled copy with a new headline is the same story");
	cr_assert_eq(dedup_count(d), 2u);
	dedup_free(d);
	free(shuffled);
	free(body);
	free(title);
}

Test(dedup, half_copy_with_boilerplate_stripped_and_lowercased)
{
	size_t len;
	char *title;
	char *body = seed_body(&len, &title);
	size_t n = count_lines(body), ord[256], k = 0;
	for (size_t i = n; i-- > n / 2;) /* the second half, reversed */
		ord[k++] = i;
	char *copy = make_copy(body, ord, k,
			       "By Jane Smith and Carlos Garcia, The Associated Press\n"
			       "Editor's note: This story has been updated with comment from "
			       "the State Department.",
			       "Related stories:\nRussia warns of consequences\nNATO allies meet in "
			       "Brussels\nCopyright 2022 The Associated Press. All rights reserved.",
			       true);
	struct dedup *d = dedup_new();
	cr_assert_eq(dedup_add(d, 10, title, body, len), 10u);
	cr_assert_eq(dedup_add(d, 11, NULL, copy, strlen(copy)), 10u);

	unsigned char a[DEDUP_SKETCH_BYTES], b[DEDUP_SKETCH_BYTES];
	struct dedup_match m;
	cr_assert_eq(dedup_sketch(NULL, body, len, a), NL_OK);
	cr_assert_eq(dedup_sketch(NULL, copy, strlen(copy), b), NL_OK);
	cr_assert_eq(dedup_compare(a, b, &m), 1);
	cr_assert(!m.exact);
	cr_assert_gt(m.containment, 0.9f, "containment %f", m.containment);
	dedup_free(d);
	free(copy);
	free(body);
	free(title);
}

Test(dedup, excerpt_of_a_fifth_is_not_a_copy)
{
	size_t len;
	char *title;
	char *body = seed_body(&len, &title);
	size_t n = count_lines(body), ord[256], k = 0;
	for (size_t i = 0; i < n / 5; i++)
		ord[k++] = i;
	char *copy = make_copy(body, ord, k, NULL, NULL, false);
	struct dedup *d = dedup_new();
	cr_assert_eq(dedup_add(d, 1, title, body, len), 1u);
	cr_assert_eq(dedup_add(d, 2, NULL, copy, strlen(copy)), 2u);
	dedup_free(d);
	free(copy);
	free(body);
	free(title);
}

/* Two BBC reports on the oil spill from the same day share names and topic
 * but are different articles. */
Test(dedup, same_topic_same_day_is_not_a_copy)
{
	const char *files[] = { "2010-06-16/70.htm.txt", "2010-06-16/826.htm.txt",
				"2010-06-16/1367.htm.txt" };
	struct dedup *d = dedup_new();
	for (uint32_t i = 0; i < 3; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/data/t17/bpoil_bbc/InputDocs/%s", shared_dir(),
			 files[i]);
		size_t len;
		char *t = slurp(path, &len);
		cr_assert_not_null(t, "missing %s", path);
		cr_assert_eq(dedup_add(d, i, NULL, t, len), i, "%s merged", files[i]);
		free(t);
	}
	dedup_free(d);
}

Test(dedup, exact_copies_of_short_texts)
{
	const char *a = "have a very good evening .";
	const char *b = "Have a very good evening!";
	const char *c = "have a very good morning .";
	struct dedup *d = dedup_new();
	cr_assert_eq(dedup_add(d, 1, NULL, a, strlen(a)), 1u);
	cr_assert_eq(dedup_add(d, 2, NULL, b, strlen(b)), 1u, "same letters: exact copy");
	cr_assert_eq(dedup_add(d, 3, NULL, c, strlen(c)), 3u, "short texts match only exactly");
	dedup_free(d);
}

Test(dedup, empty_bodies_never_match)
{
	unsigned char s[DEDUP_SKETCH_BYTES];
	cr_assert_eq(dedup_sketch(NULL, " \n -- \n", 7, s), NL_EEMPTY);
	struct dedup *d = dedup_new();
	cr_assert_eq(dedup_load(d, 5, s, sizeof s), 5);
	cr_assert_eq(dedup_load(d, 6, s, sizeof s), 6);
	cr_assert_eq(dedup_add(d, 7, "title only", "", 0), 7u);
	cr_assert_eq(dedup_check(d, s, sizeof s, NULL), 0);
	cr_assert_eq(dedup_count(d), 3u);
	dedup_free(d);
}

Test(dedup, reload_from_sketches_replays_every_decision)
{
	size_t len;
	char *title;
	char *body = seed_body(&len, &title);
	size_t n = count_lines(body), ord[256];
	/* first half, second half, then the whole: the whole joins both groups */
	char *docs[6];
	for (size_t i = 0; i < n; i++)
		ord[i] = i;
	docs[0] = make_copy(body, ord, n / 2 + 1, NULL, NULL, false);
	docs[1] = make_copy(body, ord + n / 2, n - n / 2, NULL, NULL, true);
	docs[2] = strdup(body);
	docs[3] = strdup("An unrelated note about the weather in Cumbria this afternoon, with "
			 "showers moving east and a chance of sunshine by evening.");
	docs[4] = strdup(docs[3]);
	docs[5] = make_copy(body, ord + 2, n - 4, "By John Roe, Reuters", NULL, false);

	struct dedup *d = dedup_new();
	unsigned char blobs[6][DEDUP_SKETCH_BYTES];
	int64_t reps[6];
	size_t merged[6];
	for (uint32_t i = 0; i < 6; i++) {
		dedup_sketch(d, docs[i], strlen(docs[i]), blobs[i]);
		reps[i] = dedup_load(d, 100 + i, blobs[i], DEDUP_SKETCH_BYTES);
		dedup_merged(d, &merged[i]);
	}
	cr_assert_eq(reps[0], 100);
	cr_assert_eq(reps[1], 101, "the two halves share nothing");
	cr_assert_eq(reps[2], 100, "the whole joins the oldest group");
	cr_assert_eq(merged[2], 1u);
	size_t nm;
	dedup_merged(d, &nm);
	cr_assert_eq(reps[3], 103);
	cr_assert_eq(reps[4], 103);
	cr_assert_eq(reps[5], 100);
	dedup_free(d);

	struct dedup *r = dedup_new();
	for (uint32_t i = 0; i < 6; i++) {
		cr_assert_eq(dedup_load(r, 100 + i, blobs[i], DEDUP_SKETCH_BYTES), reps[i]);
		size_t m;
		const uint32_t *ids = dedup_merged(r, &m);
		cr_assert_eq(m, merged[i]);
		if (i == 2)
			cr_assert_eq(ids[0], 101u);
	}
	cr_assert_eq(dedup_count(r), 6u);
	dedup_free(r);
	for (int i = 0; i < 6; i++)
		free(docs[i]);
	free(body);
	free(title);
}

Test(dedup, corrupt_sketches_are_refused)
{
	size_t len;
	char *title;
	char *body = seed_body(&len, &title);
	unsigned char s[DEDUP_SKETCH_BYTES], t[DEDUP_SKETCH_BYTES];
	cr_assert_eq(dedup_sketch(NULL, body, len, s), NL_OK);
	struct dedup *d = dedup_new();
	cr_assert_eq(dedup_load(d, 1, s, sizeof s - 1), NL_ECORRUPT);
	for (size_t i = 0; i < sizeof s; i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			memcpy(t, s, sizeof s);
			t[i] ^= (unsigned char)(1u << bit);
			int64_t rc = dedup_load(d, 2, t, sizeof t);
			cr_assert(rc == NL_ECORRUPT || (i == 2 && rc == NL_EVERSION),
				  "byte %zu bit %d: %lld", i, bit, (long long)rc);
			cr_assert_lt(dedup_check(d, t, sizeof t, NULL), 0);
			cr_assert_lt(dedup_compare(s, t, NULL), 0);
		}
	}
	cr_assert_eq(dedup_count(d), 0u, "nothing stored from a bad sketch");
	cr_assert_eq(dedup_load(d, 3, s, sizeof s), 3);
	dedup_free(d);
	free(body);
	free(title);
}

Test(dedup, learned_boilerplate_is_left_out)
{
	/* five different short stories from one site, each with the same
	 * footer the rules do not know: the footer must not make them copies */
	const char *footer = "We welcome your comments below, but please keep them civil and on "
			     "topic; comments are moderated before they appear.";
	const char *stories[] = {
		"The city council approved the new budget on Tuesday after a long debate "
		"about road repairs and the library.",
		"Heavy rain flooded several streets near the river overnight and two schools "
		"opened late on Wednesday morning.",
		"A local bakery won a national prize for its sourdough bread, beating more "
		"than two hundred other entries.",
		"Police are asking for witnesses after a van was stolen from a car park "
		"behind the station on Sunday evening.",
		"The football club signed a young striker from the second division on a "
		"three year contract, the manager said.",
	};
	struct dedup *d = dedup_new();
	for (uint32_t i = 0; i < NL_ARRAY_LEN(stories); i++) {
		char text[1024];
		snprintf(text, sizeof text, "%s\n%s", stories[i], footer);
		cr_assert_eq(dedup_add(d, i, NULL, text, strlen(text)), i, "story %u merged", i);
	}
	dedup_free(d);
}

/* Long articles from one site teach the detector its footer; after that, two
 * short stories that share little but the footer are not copies (without the
 * learning they would be). */
Test(dedup, learned_footer_does_not_join_short_stories)
{
	const char *footer = "An ultra-low latency infrastructure for electronic trading and data "
			     "distribution A connected approach to governance, risk and compliance "
			     "Our next generation legal research platform";
	const char *longs[] = {
		"The central bank left its main interest rate unchanged on Thursday, saying "
		"inflation had eased faster than expected over the winter months.\nEconomists "
		"had been divided ahead of the meeting, with some predicting a cut of a quarter "
		"point.\nThe bank's governor told reporters that the board would watch wage "
		"growth closely before deciding its next move.",
		"Heavy fighting broke out near the northern border overnight, officials said, "
		"forcing thousands of families to leave their villages.\nAid agencies warned "
		"that food and medicine were running short in the camps set up last month.\n"
		"The defence ministry said two soldiers had been wounded in the clashes.",
		"Shares of the carmaker jumped eight percent after it reported record quarterly "
		"deliveries and raised its forecast for the year.\nAnalysts said demand in Asia "
		"had surprised them, although margins remained under pressure.\nThe company "
		"plans to open two new plants in the coming eighteen months.",
	};
	const char *shorts[] = {
		"The mayor resigned on Friday.",
		"The striker signed a contract.",
	};
	struct dedup *d = dedup_new();
	for (uint32_t i = 0; i < 3; i++) {
		char text[2048];
		snprintf(text, sizeof text, "%s %s", longs[i], footer);
		cr_assert_eq(dedup_add(d, i, NULL, text, strlen(text)), i);
	}
	char a[1024], b[1024];
	snprintf(a, sizeof a, "%s %s", shorts[0], footer);
	snprintf(b, sizeof b, "%s %s", shorts[1], footer);
	unsigned char sa[DEDUP_SKETCH_BYTES], sb[DEDUP_SKETCH_BYTES];
	dedup_sketch(NULL, a, strlen(a), sa);
	dedup_sketch(NULL, b, strlen(b), sb);
	cr_assert_eq(dedup_compare(sa, sb, NULL), 1, "without learning the footer joins them");
	cr_assert_eq(dedup_add(d, 10, NULL, a, strlen(a)), 10u);
	cr_assert_eq(dedup_add(d, 11, NULL, b, strlen(b)), 11u, "the learned footer joined them");
	dedup_free(d);
}

/* A sketch prepared off the detector's thread, before the detector learned a
 * footer, is finished with what the detector knows when it is loaded: the
 * same bytes as sketching the text then, and the footer left out. */
Test(dedup, prepared_sketch_is_finished_with_the_learned_state)
{
	const char *footer = "We welcome your comments below, but please keep them civil and on "
			     "topic; comments are moderated before they appear.";
	const char *stories[] = {
		"The city council approved the new budget on Tuesday after a long debate "
		"about road repairs and the library.",
		"Heavy rain flooded several streets near the river overnight and two schools "
		"opened late on Wednesday morning.",
		"A local bakery won a national prize for its sourdough bread, beating more "
		"than two hundred other entries.",
		"Police are asking for witnesses after a van was stolen from a car park "
		"behind the station on Sunday evening.",
	};
	char last[1024];
	snprintf(last, sizeof last, "%s\n%s", stories[3], footer);
	struct buf prep;
	buf_init(&prep, 0);
	buf_puts(&prep, "x"); /* prepared sketches need not start aligned */
	dedup_prepare(last, strlen(last), &prep);
	unsigned char before[DEDUP_SKETCH_BYTES], after[DEDUP_SKETCH_BYTES],
		direct[DEDUP_SKETCH_BYTES];
	cr_assert_eq(dedup_sketch_prepared(NULL, prep.p + 1, prep.n - 1, before), NL_OK);
	cr_assert_eq(dedup_sketch(NULL, last, strlen(last), direct), NL_OK);
	cr_assert_eq(memcmp(before, direct, sizeof direct), 0);

	struct dedup *d = dedup_new();
	for (uint32_t i = 0; i < 3; i++) {
		char text[1024];
		snprintf(text, sizeof text, "%s\n%s", stories[i], footer);
		dedup_add(d, i, NULL, text, strlen(text));
	}
	cr_assert_eq(dedup_sketch_prepared(d, prep.p + 1, prep.n - 1, after), NL_OK);
	cr_assert_eq(dedup_sketch(d, last, strlen(last), direct), NL_OK);
	cr_assert_eq(memcmp(after, direct, sizeof direct), 0);
	cr_assert_neq(memcmp(after, before, sizeof before), 0, "the footer was not left out");
	cr_assert_gt(rd_u32le(after + 320), 0u, "no shingles counted as learned");

	cr_assert_eq(dedup_sketch_prepared(d, prep.p, prep.n - 1, after), NL_EINVAL);
	cr_assert_eq(dedup_sketch_prepared(d, prep.p + 1, 8, after), NL_EINVAL);
	buf_release(&prep);
	dedup_free(d);
}
