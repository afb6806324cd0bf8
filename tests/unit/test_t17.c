/* test_t17.c — Timeline17 reader: parser rules on small inputs, then the
 * shared dataset (../shared/data/t17: 17 topics, 19 timelines). */
#include "testutil.h"
#include "timeline/t17.h"
#include "util/day.h"

struct warns {
	char text[8192];
	size_t n;
};

static void collect(void *arg, const char *file, size_t line, const char *msg)
{
	struct warns *w = arg;
	size_t k = strlen(w->text);
	snprintf(w->text + k, sizeof(w->text) - k, "%s:%zu: %s\n", file, line, msg);
	w->n++;
}

static void parse(struct t17_timeline *tl, struct warns *w, const char *text)
{
	memset(w, 0, sizeof(*w));
	struct t17_opts o = { collect, w };
	cr_assert_eq(t17_timeline_parse(tl, text, strlen(text), "mem.txt", &o), NL_OK);
}

static bool sent_is(const struct tls_date *d, size_t i, const char *s)
{
	return i < d->nsents && d->sents[i].n == strlen(s) && memcmp(d->sents[i].p, s, d->sents[i].n) == 0;
}

Test(t17, parses_blocks)
{
	struct t17_timeline tl;
	struct warns w;
	parse(&tl, &w, "2010-09-19\nThe well is sealed .\r\n  Second sentence .  \n"
		       "--------------------------------\n\n"
		       "2010-09-17\nBP pumps cement .\n--------------------------------\n");
	cr_assert_eq(w.n, 0, "%s", w.text);
	cr_assert_eq(tl.tl.ndates, 2);
	cr_assert_str_eq(tl.name, "mem");
	/* ascending by day */
	cr_assert_eq(tl.tl.dates[0].day, day_from_ymd(2010, 9, 17));
	cr_assert(sent_is(&tl.tl.dates[0], 0, "BP pumps cement ."));
	cr_assert_eq(tl.tl.dates[1].nsents, 2);
	cr_assert(sent_is(&tl.tl.dates[1], 1, "Second sentence ."));
	size_t l, k;
	t17_timeline_task_size(&tl, &l, &k);
	cr_assert(l == 2 && k == 2, "l=%zu k=%zu", l, k); /* mean 1.5 rounds to 2 */
	t17_timeline_release(&tl);
}

Test(t17, malformed_date_is_skipped_with_warning)
{
	struct t17_timeline tl;
	struct warns w;
	parse(&tl, &w, "2011-03-01\nA .\n-----\n2011-04-0\nJury selection begins .\nB .\n"
		       "--------\n2011-05-02\nC .\n");
	cr_assert_eq(tl.tl.ndates, 2, "last block without dashes is kept");
	cr_assert_eq(tl.nskipped, 1);
	cr_assert_eq(w.n, 1);
	cr_assert(strstr(w.text, "mem.txt:4: malformed date line '2011-04-0'") != NULL, "%s",
		  w.text);
	t17_timeline_release(&tl);
}

Test(t17, duplicates_keep_the_later_block)
{
	struct t17_timeline tl;
	struct warns w;
	parse(&tl, &w, "2009-05-01\nfirst .\n-----\n2009-04-29\nx .\n-----\n2009-05-01\nsecond .\n"
		       "-----\n");
	cr_assert_eq(tl.tl.ndates, 2);
	cr_assert_eq(tl.nduplicates, 1);
	cr_assert(sent_is(&tl.tl.dates[1], 0, "second ."));
	cr_assert(strstr(w.text, "mem.txt:7: date 2009-05-01 repeats line 1") != NULL, "%s",
		  w.text);
	t17_timeline_release(&tl);
}

Test(t17, odd_inputs)
{
	struct t17_timeline tl;
	struct warns w;
	/* text before any date, empty block, date inside block, bytes after */
	parse(&tl, &w, "preamble\n-----\n2001-01-01\n-----\n2002-02-02\nA .\n2002-02-03\nB .\n");
	cr_assert_eq(tl.tl.ndates, 2, "%s", w.text);
	cr_assert_eq(w.n, 3, "%s", w.text);
	t17_timeline_release(&tl);
	parse(&tl, &w, "");
	cr_assert_eq(tl.tl.ndates, 0);
	t17_timeline_release(&tl);
	static const char nul[] = "2003-03-03\nx\0y\n";
	memset(&w, 0, sizeof(w));
	struct t17_opts o = { collect, &w };
	cr_assert_eq(t17_timeline_parse(&tl, nul, sizeof(nul) - 1, "nul", &o), NL_OK);
	cr_assert_eq(tl.tl.ndates, 1);
	cr_assert_eq(tl.tl.dates[0].sents[0].n, 3);
	t17_timeline_release(&tl);
}

Test(t17, shared_dataset)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/data/t17", shared_dir());
	struct warns w;
	memset(&w, 0, sizeof(w));
	struct t17_opts o = { collect, &w };
	struct t17_dataset ds;
	cr_assert_eq(t17_open(&ds, dir, &o), NL_OK);
	cr_assert_eq(ds.ntopics, 17);
	size_t ntl = 0, ndates = 0, narticles = 0;
	for (size_t i = 0; i < ds.ntopics; i++) {
		struct t17_topic *t = &ds.topics[i];
		ntl += t->ntimelines;
		cr_expect_geq(t->nkeywords, 1, "%s has no keywords", t->name);
		for (size_t j = 0; j < t->ntimelines; j++) {
			cr_expect_gt(t->timelines[j].tl.ndates, 0);
			ndates += t->timelines[j].tl.ndates;
		}
		struct t17_article *a;
		size_t na;
		cr_assert_eq(t17_topic_articles(t, &a, &na, &o), NL_OK);
		for (size_t j = 1; j < na; j++)
			cr_assert_leq(a[j - 1].day, a[j].day);
		narticles += na;
		if (strcmp(t->name, "MJ_bbc") == 0) {
			cr_assert_str_eq(t->keywords[0], "MJ");
			cr_assert_eq(t->ntimelines, 1);
			cr_assert_eq(t->timelines[0].nskipped, 1);
			cr_assert_eq(t->timelines[0].tl.ndates, 37);
		}
		t17_articles_free(a, na);
	}
	cr_assert_eq(ntl, 19);
	cr_assert_eq(narticles, 4650);
	cr_assert(strstr(w.text, "MJ_bbc/timelines/bbc.co.uk.txt:60: malformed date line "
				 "'2011-04-0'; block skipped") != NULL, "%s", w.text);
	/* the other warnings are the repeated days of three timelines */
	cr_assert(strstr(w.text, "H1N1_bbc/timelines/influenza_A_h1n1_scotland_bbc.txt") != NULL);
	cr_expect_gt(ndates, 600);
	t17_release(&ds);
}

Test(t17, missing_dir)
{
	struct t17_dataset ds;
	cr_assert_eq(t17_open(&ds, "/nonexistent-t17", NULL), NL_ENOTFOUND);
}
