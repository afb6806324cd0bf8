/* test_timeline.c — the timeline generator: DATEWISE reproduced on the
 * newstls-toy dataset, the method's switches, options and edge cases. */
#include "testutil.h"

#include <ftw.h>
#include <math.h>
#include <unistd.h>

#include "index/archive.h"
#include "ingest/ingest.h"
#include "timeline/rouge.h"
#include "timeline/timeline.h"
#include "timeline/tls_metric.h"
#include "util/day.h"

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(p);
}

/* A fresh archive holding what `newsline add PATH` would store. */
static struct archive *make_archive(const char *path, char *dir)
{
	strcpy(dir, "/tmp/nl-tl-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	char db[64];
	snprintf(db, sizeof db, "%s/db", dir);
	char err[512];
	struct archive *a;
	cr_assert_eq(archive_open(db, ARCHIVE_WRITE, &a, err, sizeof err), NL_OK, "%s", err);
	struct ingest ig;
	ingest_init(&ig, archive_add, a);
	ig.quiet = true;
	cr_assert_eq(ingest_path(&ig, path), NL_OK);
	cr_assert_eq(archive_commit(a), NL_OK, "%s", a->err);
	return a;
}

static void drop_archive(struct archive *a, const char *dir)
{
	archive_close(a);
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static int32_t day(const char *s)
{
	return day_parse(s, strlen(s));
}

static void toy_path(char *p, size_t n, const char *file)
{
	snprintf(p, n, "%s/vectors/tls-metric/newstls-toy/flood/%s", shared_dir(), file);
}

static const char *const want_toy[][2] = {
	{ "2020-03-02", "The flood hit the town on Monday , forcing hundreds to leave ." },
	{ "2020-03-05", "The government announced flood aid of 5 million dollars ." },
	{ "2020-03-06", "Flood aid arrived in the town on Friday ." },
};

static void check_toy(const struct timeline *tl)
{
	cr_assert_eq(tl->nentries, 3);
	for (size_t i = 0; i < 3; i++) {
		char d[11];
		day_format(tl->entries[i].day, d);
		cr_expect_str_eq(d, want_toy[i][0]);
		cr_assert_eq(tl->entries[i].nsents, 1);
		struct nl_str t = tl->entries[i].sents[0].text;
		cr_expect(t.n == strlen(want_toy[i][1]) && !memcmp(t.p, want_toy[i][1], t.n),
			  "date %s: got '%.*s'", d, (int)t.n, t.p);
	}
}

static void toy_opts(struct timeline_opts *o, const char *const *kw)
{
	timeline_opts_init(o);
	o->method = TIMELINE_DATEWISE;
	o->dates = 3;
	o->per_date = 1;
	o->from = day("2020-03-02");
	o->to = day("2020-03-09");
	o->pub_from = o->from;
	o->pub_to = o->to;
	o->keywords = kw;
	o->nkeywords = 1;
	o->ranker = NULL; /* mention count */
}

Test(timeline, newstls_toy_datewise)
{
	char path[4096], dir[64];
	toy_path(path, sizeof path, "articles.preprocessed.jsonl.gz");
	struct archive *a = make_archive(path, dir);
	cr_assert_eq(a->ndocs, 8);
	uint32_t ids[8];
	for (uint32_t i = 0; i < 8; i++)
		ids[i] = i;
	static const char *const kw[] = { "flood" };
	struct timeline_opts o;
	toy_opts(&o, kw);
	struct timeline tl;

	/* mention-count ranker */
	cr_assert_eq(timeline_build(a, ids, 8, &o, &tl), NL_OK);
	check_toy(&tl);
	cr_expect_eq(tl.ndocs, 6, "articles of 03-02..03-09");
	cr_expect_eq(tl.ncandidates, 4, "03-01 is outside the span");
	/* ranks: 03-02 first, then 03-05, 03-06 */
	cr_expect_eq(tl.entries[0].rank, 0);
	cr_expect_eq(tl.entries[1].rank, 1);
	cr_expect_eq(tl.entries[2].rank, 2);
	cr_expect_eq(tl.entries[0].sents[0].doc, 1);
	cr_expect_eq(tl.entries[0].sents[0].sent, 0);

	/* score it as the published run did: AR-1 F 0.464464, AR-2 F 0.242775 */
	struct rouge_lang *lang;
	cr_assert_eq(rouge_lang_open(NULL, &lang, NULL), NL_OK);
	struct tls_date pd[3];
	for (size_t i = 0; i < 3; i++)
		pd[i] = (struct tls_date){ tl.entries[i].day, &tl.entries[i].sents[0].text, 1 };
	struct tls_timeline pred = { pd, 3 };
	static const struct nl_str r1[] = { NL_STR("A flood hits the town and hundreds are evacuated .") };
	static const struct nl_str r2[] = { NL_STR("The government approves a flood aid package .") };
	static const struct nl_str r3[] = { NL_STR("An inquiry into the flood response begins .") };
	struct tls_date rd[3] = { { day("2020-03-02"), r1, 1 }, { day("2020-03-05"), r2, 1 },
				  { day("2020-03-09"), r3, 1 } };
	struct tls_timeline ref = { rd, 3 };
	struct tls_rouge_prf got;
	cr_assert_eq(tls_eval(lang, &pred, &ref, 1, TLS_ALIGN_PLUS_M1, &got), NL_OK);
	cr_expect(fabs(got.rouge_1.f_score - 0.464464) < 1e-6, "AR-1 %f", got.rouge_1.f_score);
	cr_expect(fabs(got.rouge_2.f_score - 0.242775) < 1e-6, "AR-2 %f", got.rouge_2.f_score);
	rouge_lang_free(lang);
	timeline_release(&tl);

	/* the default ranker and that of every T17 fold rank the toy's dates alike */
	o.ranker = timeline_default_ranker;
	cr_assert_eq(timeline_build(a, ids, 8, &o, &tl), NL_OK);
	check_toy(&tl);
	timeline_release(&tl);
	char cpath[4096];
	snprintf(cpath, sizeof cpath, "%s/vectors/tls-metric/datewise_date_ranker_coefs.tsv",
		 shared_dir());
	static const char *const folds[] = { "bpoil", "egypt", "finan", "h1n1", "haiti",
					     "iraq", "libya", "mj", "syria" };
	for (size_t f = 0; f < NL_ARRAY_LEN(folds); f++) {
		double coef[TIMELINE_RANKER_COEFS];
		char name[32];
		cr_assert_eq(timeline_ranker_load(cpath, "t17", folds[f], coef, name, sizeof name),
			     NL_OK);
		cr_expect_str_eq(name, folds[f]);
		o.ranker = coef;
		cr_assert_eq(timeline_build(a, ids, 8, &o, &tl), NL_OK);
		check_toy(&tl);
		timeline_release(&tl);
	}
	drop_archive(a, dir);
}

Test(timeline, newstls_toy_newsline)
{
	char path[4096], dir[64];
	toy_path(path, sizeof path, "articles.preprocessed.jsonl.gz");
	struct archive *a = make_archive(path, dir);
	uint32_t ids[8];
	for (uint32_t i = 0; i < 8; i++)
		ids[i] = i;
	static const char *const kw[] = { "flood" };
	struct timeline_opts o;
	toy_opts(&o, kw);
	o.method = TIMELINE_NEWSLINE;
	struct timeline tl;
	cr_assert_eq(timeline_build(a, ids, 8, &o, &tl), NL_OK);
	cr_expect_eq(tl.ncopies, 0);
	cr_assert_eq(tl.nentries, 3);
	for (size_t i = 0; i + 1 < tl.nentries; i++)
		cr_expect_lt(tl.entries[i].day, tl.entries[i + 1].day, "in date order");
	timeline_release(&tl);
	drop_archive(a, dir);
}

Test(timeline, keywords_and_defaults)
{
	char path[4096], dir[64];
	toy_path(path, sizeof path, "articles.preprocessed.jsonl.gz");
	struct archive *a = make_archive(path, dir);
	uint32_t ids[8];
	for (uint32_t i = 0; i < 8; i++)
		ids[i] = i;
	struct timeline_opts o;
	struct timeline tl;

	/* a keyword in no sentence: an empty timeline, or no filter when optional */
	static const char *const none[] = { "Tsunami" };
	toy_opts(&o, none);
	cr_assert_eq(timeline_build(a, ids, 8, &o, &tl), NL_OK);
	cr_expect_eq(tl.nentries, 0);
	timeline_release(&tl);
	o.keywords_if_present = true;
	cr_assert_eq(timeline_build(a, ids, 8, &o, &tl), NL_OK);
	cr_expect_eq(tl.nentries, 3);
	cr_expect_eq(tl.nkeywords_used, 0);
	timeline_release(&tl);

	/* case-insensitive: "FLOOD" works as "flood" */
	static const char *const upper[] = { "FLOOD" };
	toy_opts(&o, upper);
	cr_assert_eq(timeline_build(a, ids, 8, &o, &tl), NL_OK);
	check_toy(&tl);
	timeline_release(&tl);

	/* defaults: span of the documents, L and K from the data */
	timeline_opts_init(&o);
	cr_assert_eq(timeline_build(a, ids, 8, &o, &tl), NL_OK);
	cr_expect_eq(tl.from, day("2020-03-01"));
	cr_expect_eq(tl.to, day("2020-03-10"));
	cr_expect_eq(tl.per_date, 1);
	cr_expect_geq(tl.dates, 3);
	cr_expect_gt(tl.nentries, 0);
	timeline_release(&tl);

	/* no documents, an id out of range */
	cr_assert_eq(timeline_build(a, NULL, 0, &o, &tl), NL_OK);
	cr_expect_eq(tl.nentries, 0);
	timeline_release(&tl);
	uint32_t bad = 99;
	cr_expect_eq(timeline_build(a, &bad, 1, &o, &tl), NL_EINVAL);
	drop_archive(a, dir);
}

Test(timeline, ranker_load_errors)
{
	double coef[TIMELINE_RANKER_COEFS];
	cr_expect_eq(timeline_ranker_load("/nonexistent/coefs.tsv", "t17", "mj", coef, NULL, 0),
		     NL_ENOTFOUND);
	char cpath[4096];
	snprintf(cpath, sizeof cpath, "%s/vectors/tls-metric/datewise_date_ranker_coefs.tsv",
		 shared_dir());
	cr_expect_eq(timeline_ranker_load(cpath, "t17", "nosuchtopic", coef, NULL, 0), NL_ENOTFOUND);
	char name[32];
	cr_assert_eq(timeline_ranker_load(cpath, "t17", "EgyptianProtest_cnn", coef, name,
					  sizeof name), NL_OK);
	cr_expect_str_eq(name, "egypt");
	cr_expect(fabs(coef[0] - 0.07018800951864111) < 1e-15);
}

Test(timeline, ranker_fit_recovers_a_linear_rule)
{
	/* labels made by a known linear rule over two features are fitted back */
	enum { N = 60 };
	static struct timeline_cand c[2][N];
	static double y[2][N];
	for (int g = 0; g < 2; g++)
		for (int i = 0; i < N; i++) {
			c[g][i].day = i;
			for (int k = 0; k < TIMELINE_RANKER_COEFS - 1; k++)
				c[g][i].f[k] = (double)((i * (k + 3) + g * 7) % 11) / 11.0 +
					       (double)k * 0.01 * (double)(i % 5);
			y[g][i] = 0.5 + 2.0 * c[g][i].f[0] - 1.0 * c[g][i].f[3];
		}
	const struct timeline_cand *sets[2] = { c[0], c[1] };
	size_t n[2] = { N, N };
	const double *labels[2] = { y[0], y[1] };
	double coef[TIMELINE_RANKER_COEFS];
	timeline_ranker_fit(sets, n, labels, 2, 1e-9, coef);
	/* predictions reproduce the labels */
	for (int g = 0; g < 2; g++)
		for (int i = 0; i < N; i++) {
			double p = coef[0];
			for (int k = 0; k < TIMELINE_RANKER_COEFS - 1; k++)
				p += coef[1 + k] * c[g][i].f[k];
			cr_expect(fabs(p - y[g][i]) < 1e-6, "task %d cand %d: %f want %f", g, i, p,
				  y[g][i]);
		}
	/* no data: all zero, no crash */
	timeline_ranker_fit(NULL, NULL, NULL, 0, 0.1, coef);
	for (int k = 0; k < TIMELINE_RANKER_COEFS; k++)
		cr_expect(fabs(coef[k]) < 1e-9);
}

Test(timeline, syndicated_copies_count_once)
{
	char dir[64], path[128];
	strcpy(dir, "/tmp/nl-tlc-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/in.jsonl", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	const char *body = "The storm reached the coast on Monday , officials said . "
			   "Thousands of homes lost power across the region overnight . "
			   "Schools will stay closed until Wednesday , the mayor said .";
	fprintf(f, "{\"title\":\"Storm\",\"date\":\"2021-05-04\",\"url\":\"https://a.example/1\","
		   "\"text\":\"%s\"}\n", body);
	fprintf(f, "{\"title\":\"Storm hits\",\"date\":\"2021-05-04\",\"url\":\"https://b.example/9\","
		   "\"text\":\"%s\"}\n", body);
	fprintf(f, "{\"title\":\"Clean-up\",\"date\":\"2021-05-06\",\"url\":\"https://a.example/2\","
		   "\"text\":\"Crews began clearing fallen trees on Thursday across the coastal towns . "
		   "Power was restored to most homes by Thursday evening , the utility said .\"}\n");
	fclose(f);
	char adir[64];
	struct archive *a = make_archive(path, adir);
	cr_assert_eq(a->ndocs, 3);
	uint32_t ids[3] = { 0, 1, 2 };
	struct timeline_opts o;
	timeline_opts_init(&o);
	struct timeline tl;
	cr_assert_eq(timeline_build(a, ids, 3, &o, &tl), NL_OK);
	cr_expect_eq(tl.ncopies, 1);
	cr_expect_eq(tl.ndocs, 2);
	cr_expect_gt(tl.nentries, 0);
	for (size_t i = 0; i < tl.nentries; i++)
		for (size_t j = 0; j < tl.entries[i].nsents; j++)
			cr_expect_neq(tl.entries[i].sents[j].doc, 1, "the copy is never quoted");
	timeline_release(&tl);
	o.keep_copies = true;
	cr_assert_eq(timeline_build(a, ids, 3, &o, &tl), NL_OK);
	cr_expect_eq(tl.ncopies, 0);
	cr_expect_eq(tl.ndocs, 3);
	timeline_release(&tl);
	/* DATEWISE counts every article */
	o.keep_copies = false;
	o.method = TIMELINE_DATEWISE;
	cr_assert_eq(timeline_build(a, ids, 3, &o, &tl), NL_OK);
	cr_expect_eq(tl.ncopies, 0);
	timeline_release(&tl);
	drop_archive(a, adir);
	remove(path);
	rmdir(dir);
}

Test(timeline, keyword_in_few_documents_is_ignored_when_optional)
{
	char path[4096], dir[64];
	toy_path(path, sizeof path, "articles.preprocessed.jsonl.gz");
	struct archive *a = make_archive(path, dir);
	uint32_t ids[8];
	for (uint32_t i = 0; i < 8; i++)
		ids[i] = i;
	/* "inquiry" is in 2 of 8 articles (>= 1 in 10): kept, and it filters */
	static const char *const kw[] = { "inquiry", "tsunami" };
	struct timeline_opts o;
	timeline_opts_init(&o);
	o.method = TIMELINE_DATEWISE;
	o.keywords = kw;
	o.nkeywords = 2;
	o.keywords_if_present = true;
	struct timeline tl;
	cr_assert_eq(timeline_build(a, ids, 8, &o, &tl), NL_OK);
	cr_expect_eq(tl.nkeywords_used, 1);
	cr_expect_gt(tl.nentries, 0);
	for (size_t i = 0; i < tl.nentries; i++)
		for (size_t j = 0; j < tl.entries[i].nsents; j++) {
			struct nl_str t = tl.entries[i].sents[j].text;
			cr_expect(memmem(t.p, t.n, "nquiry", 6) != NULL, "'%.*s'", (int)t.n, t.p);
		}
	timeline_release(&tl);
	drop_archive(a, dir);
}
