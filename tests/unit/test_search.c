/* test_search.c — the search engine on small archives built here: booleans,
 * phrases with slop, fields, prefixes, filters, story groups, ranking order,
 * snippets, damaged postings, and pruned top k == exhaustive top k. */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "index/archive.h"
#include "ingest/ingest.h"
#include "query/search.h"
#include "util/day.h"

/* Add the JSONL text as one commit to the archive in dir/db. */
static void add_jsonl(const char *dir, const char *name, const char *jsonl)
{
	char path[512], db[512], err[512];
	snprintf(path, sizeof path, "%s/%s.jsonl", dir, name);
	snprintf(db, sizeof db, "%s/db", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(jsonl, f);
	fclose(f);
	struct archive *a;
	cr_assert_eq(archive_open(db, ARCHIVE_WRITE, &a, err, sizeof err), NL_OK, "%s", err);
	struct ingest ig;
	ingest_init(&ig, archive_add, a);
	ig.quiet = true;
	cr_assert_eq(ingest_path(&ig, path), NL_OK);
	cr_assert_eq(archive_commit(a), NL_OK, "%s", a->err);
	archive_close(a);
}

static struct archive *open_db(const char *dir)
{
	char db[512], err[512];
	snprintf(db, sizeof db, "%s/db", dir);
	struct archive *a;
	cr_assert_eq(archive_open(db, ARCHIVE_READ, &a, err, sizeof err), NL_OK, "%s", err);
	return a;
}

/* Ten small articles; ids 1..10 in this order. */
static const char *news =
	"{\"title\":\"Blinken meets Lavrov in Geneva\",\"date\":\"2022-01-21\",\"url\":\"https://a.example.com/1\","
	"\"text\":\"The talks in Geneva on the Crimean Peninsula ended without a deal. Blinken said the door stays open.\"}\n"
	"{\"title\":\"Floods hit coastal towns\",\"date\":\"2022-02-03\",\"url\":\"https://b.example.org/2\","
	"\"text\":\"Heavy rain flooded towns along the coast. The storm broke records in the region.\"}\n"
	"{\"title\":\"Council approves new bridge\",\"date\":\"2022-03-10\",\"url\":\"https://city.example.com/3\","
	"\"text\":\"The city council approved the new bridge over the river after a long debate.\"}\n"
	"{\"title\":\"Storm warning for the weekend\",\"date\":\"2023-01-05\",\"url\":\"https://b.example.org/4\","
	"\"text\":\"Forecasters expect a storm with strong winds. Residents near the river should prepare.\"}\n"
	"{\"title\":\"Markets calm\",\"date\":\"2023-02-14\",\"url\":\"https://c.example.net/5\","
	"\"text\":\"Stocks were flat. Analysts mentioned Geneva once and the bridge project twice: bridge, bridge.\"}\n"
	"{\"title\":\"Peninsula tourism grows\",\"date\":\"2023-03-01\",\"url\":\"https://c.example.net/6\","
	"\"text\":\"Tourism on the peninsula, once Crimean in name only, grew by a third this year.\"}\n"
	"{\"title\":\"Construction starts\",\"date\":\"2023-04-02\",\"url\":\"https://city.example.com/7\","
	"\"text\":\"Construction of the bridge started. Constructors expect to finish in two years.\"}\n"
	"{\"title\":\"Undated note\",\"url\":\"https://d.example.com/8\","
	"\"text\":\"A short note about the river and a bridge, with no date at all.\"}\n"
	/* 9 and 10: the same story published by two outlets */
	"{\"title\":\"Dam repair finished\",\"date\":\"2023-05-01\",\"url\":\"https://wire.example.com/9\","
	"\"text\":\"Engineers finished repairing the old dam on the northern river after three months of work.\"}\n"
	"{\"title\":\"Dam repair finished\",\"date\":\"2023-05-01\",\"url\":\"https://paper.example.org/10\","
	"\"text\":\"Engineers finished repairing the old dam on the northern river after three months of work.\"}\n";

struct fixture {
	char *dir;
	struct archive *a;
	struct searcher *s;
	struct search_opts o;
	struct search_result r;
	char err[512];
};

static void fx_open(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	f->dir = tmpdir();
	add_jsonl(f->dir, "news", news);
	f->a = open_db(f->dir);
	f->s = searcher_new(f->a);
	search_opts_init(&f->o);
}

static void fx_close(struct fixture *f)
{
	search_result_release(&f->r);
	searcher_free(f->s);
	archive_close(f->a);
	rmrf(f->dir);
	free(f->dir);
}

/* Run q; return the hits' user ids (doc + 1) as a string "3 1 5". */
static const char *ids(struct fixture *f, const char *q)
{
	static char out[512];
	int rc = searcher_run(f->s, q, strlen(q), &f->o, &f->r, f->err, sizeof f->err);
	cr_assert_eq(rc, NL_OK, "%s: %s", q, f->err);
	size_t n = 0;
	out[0] = 0;
	for (size_t i = 0; i < f->r.nhits; i++)
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%u", i ? " " : "", f->r.hits[i].doc + 1);
	return out;
}

/* The same ids, sorted, to test what matches regardless of ranking. */
static const char *set(struct fixture *f, const char *q)
{
	f->o.k = 100;
	ids(f, q);
	uint32_t v[100];
	size_t n = f->r.nhits;
	for (size_t i = 0; i < n; i++)
		v[i] = f->r.hits[i].doc + 1;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint32_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	static char out[512];
	size_t m = 0;
	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		m += (size_t)snprintf(out + m, sizeof out - m, "%s%u", i ? " " : "", v[i]);
	return out;
}

Test(search, booleans)
{
	struct fixture f;
	fx_open(&f);
	cr_assert_str_eq(set(&f, "Blinken Lavrov Geneva"), "1 5");
	cr_assert_str_eq(ids(&f, "Blinken Lavrov Geneva"), "1 5");
	cr_assert_str_eq(set(&f, "Geneva AND bridge"), "5");
	cr_assert_str_eq(set(&f, "+bridge -river"), "5 7");
	cr_assert_str_eq(set(&f, "bridge NOT (river OR Geneva)"), "7");
	cr_assert_str_eq(set(&f, "Blinken -Geneva"), "");
	cr_assert_str_eq(set(&f, "(storm OR flood) AND towns"), "2");
	cr_assert_eq(f.r.total, 1);
	cr_assert(f.r.total_exact);
	/* a stopword in an OR is dropped, alone it is kept */
	cr_assert_str_eq(set(&f, "the Blinken"), "1");
	cr_assert_eq(f.r.total, 1);
	set(&f, "the");
	cr_assert_geq(f.r.total, 8);
	cr_assert_str_eq(set(&f, "\"the door\""), "1");
	/* errors */
	f.o.k = 10;
	cr_assert_eq(searcher_run(f.s, "(unclosed", 9, &f.o, &f.r, f.err, sizeof f.err), NL_EINVAL);
	cr_assert(strstr(f.err, "column"));
	cr_assert_eq(searcher_run(f.s, "  ", 2, &f.o, &f.r, f.err, sizeof f.err), NL_EEMPTY);
	fx_close(&f);
}

Test(search, phrases_and_slop)
{
	struct fixture f;
	fx_open(&f);
	cr_assert_str_eq(set(&f, "\"Crimean Peninsula\""), "1");
	cr_assert_str_eq(set(&f, "\"Peninsula Crimean\""), "");
	/* doc 6: "peninsula, once Crimean": Crimean two words after peninsula */
	/* slop: each word within N positions of its place; a swap needs 2 */
	cr_assert_str_eq(set(&f, "\"peninsula crimean\"~1"), "6");
	cr_assert_str_eq(set(&f, "\"peninsula crimean\"~2"), "1 6");
	cr_assert_str_eq(set(&f, "\"Crimean Peninsula\"~3"), "1 6");
	cr_assert_str_eq(set(&f, "\"new bridge\""), "3");
	/* a phrase never spans the title/body edge */
	cr_assert_str_eq(set(&f, "\"Geneva The\""), "");
	fx_close(&f);
}

Test(search, fields)
{
	struct fixture f;
	fx_open(&f);
	cr_assert_str_eq(set(&f, "title:bridge"), "3");
	cr_assert_str_eq(set(&f, "body:bridge"), "3 5 7 8");
	cr_assert_str_eq(set(&f, "title:storm"), "4");
	cr_assert_str_eq(set(&f, "body:storm"), "2 4");
	cr_assert_str_eq(set(&f, "title:\"new bridge\""), "3");
	cr_assert_str_eq(set(&f, "title:\"the talks\""), "");
	fx_close(&f);
}

Test(search, prefixes)
{
	struct fixture f;
	fx_open(&f);
	cr_assert_str_eq(set(&f, "constr*"), "7");
	cr_assert_str_eq(set(&f, "flood*"), "2");
	cr_assert_str_eq(set(&f, "zzq*"), "");
	cr_assert_str_eq(set(&f, "constr* AND bridge"), "7");
	fx_close(&f);
}

/* A prefix is one term over all its words, however many: every document
 * holding any of them matches (across segments), occurrences of different
 * words add up, and snippets mark each word that begins with it. */
Test(search, prefix_of_many_words)
{
	char *dir = tmpdir();
	struct buf j;
	buf_init(&j, 0);
	/* 600 documents, each with its own word zq000..zq599 (documents 1-300
	 * in one commit, 301-600 in another: two segments), plus filler */
	for (int part = 0; part < 2; part++) {
		buf_clear(&j);
		for (int i = part * 300; i < part * 300 + 300; i++)
			buf_printf(&j, "{\"title\":\"note %d\",\"date\":\"2022-01-01\",\"url\":"
				   "\"https://x.example.com/%d\",\"text\":\"filler words here zq%03d "
				   "and more filler words\"}\n", i, i, i);
		/* the last of each part mentions three different zq words */
		if (part == 1)
			buf_printf(&j, "{\"title\":\"triple\",\"date\":\"2022-01-02\",\"url\":"
				   "\"https://x.example.com/t\",\"text\":\"filler zq001 zq002 zq599 "
				   "more filler words\"}\n");
		add_jsonl(dir, part ? "b" : "a", j.p);
	}
	buf_release(&j);
	struct archive *a = open_db(dir);
	cr_assert_geq(a->nsegs, 2);
	struct searcher *s = searcher_new(a);
	struct search_opts o;
	search_opts_init(&o);
	struct search_result r;
	memset(&r, 0, sizeof r);
	char err[256];
	o.k = 5;
	cr_assert_eq(searcher_run(s, "zq*", 3, &o, &r, err, sizeof err), NL_OK, "%s", err);
	cr_assert_eq(r.total, 601);
	cr_assert(r.total_exact);
	/* three occurrences of the prefix outscore one */
	cr_assert_eq(r.hits[0].doc, 600);
	o.exhaustive = true;
	cr_assert_eq(searcher_run(s, "zq5* AND filler", 15, &o, &r, err, sizeof err), NL_OK, "%s", err);
	cr_assert_eq(r.total, 101); /* zq500..zq599, and the triple */
	cr_assert_eq(searcher_run(s, "title:zq*", 9, &o, &r, err, sizeof err), NL_OK, "%s", err);
	cr_assert_eq(r.total, 0);
	struct buf snip;
	buf_init(&snip, 0);
	searcher_snippet(s, 600, 200, "[", "]", &snip);
	cr_assert(strstr(snip.p, "[zq001] [zq002] [zq599]"), "%s", snip.p);
	buf_release(&snip);
	/* more prefixes than the searcher's first table of them holds: the
	 * iterators of the first ones must survive its growth (under ASan this
	 * was a use after free, found by fuzz_search) */
	struct buf q;
	buf_init(&q, 0);
	for (int i = 0; i < 20; i++)
		buf_printf(&q, "%szq%02d*", i ? " OR " : "", i);
	cr_assert_eq(searcher_run(s, q.p, q.n, &o, &r, err, sizeof err), NL_OK, "%s", err);
	cr_assert_eq(r.total, 201); /* zq000..zq199, and the triple */
	buf_release(&q);
	search_result_release(&r);
	searcher_free(s);
	archive_close(a);
	rmrf(dir);
	free(dir);
}

/* Scores do not depend on how the documents fell into segments: the same
 * articles added in one commit and in three give the same hits and scores. */
Test(search, scores_do_not_depend_on_segments)
{
	char *one = tmpdir(), *three = tmpdir();
	add_jsonl(one, "all", news);
	const char *cut[4] = { news, NULL, NULL, news + strlen(news) };
	const char *p = news;
	/* after the 1st and the 5th line: segments whose title token counts
	 * give a fractional weighted total */
	p = strchr(p, '\n') + 1;
	cut[1] = p;
	for (int k = 0; k < 4; k++)
		p = strchr(p, '\n') + 1;
	cut[2] = p;
	for (int part = 0; part < 3; part++) {
		char *t = strndup(cut[part], (size_t)(cut[part + 1] - cut[part]));
		char name[8];
		snprintf(name, sizeof name, "p%d", part);
		add_jsonl(three, name, t);
		free(t);
	}
	struct archive *a = open_db(one), *b = open_db(three);
	cr_assert_eq(a->nsegs, 1);
	cr_assert_eq(b->nsegs, 3);
	struct searcher *sa = searcher_new(a), *sb = searcher_new(b);
	struct search_opts o;
	search_opts_init(&o);
	struct search_result x, y;
	memset(&x, 0, sizeof x);
	memset(&y, 0, sizeof y);
	char err[256];
	static const char *const qs[] = { "bridge", "storm OR river", "\"crimean peninsula\"",
					  "dam repair", "constr* OR geneva", "title:storm flood" };
	for (size_t q = 0; q < sizeof qs / sizeof *qs; q++) {
		cr_assert_eq(searcher_run(sa, qs[q], strlen(qs[q]), &o, &x, err, sizeof err), NL_OK);
		cr_assert_eq(searcher_run(sb, qs[q], strlen(qs[q]), &o, &y, err, sizeof err), NL_OK);
		cr_assert_eq(x.nhits, y.nhits, "%s", qs[q]);
		cr_assert_gt(x.nhits, 0, "%s", qs[q]);
		for (size_t i = 0; i < x.nhits; i++) {
			cr_assert_eq(x.hits[i].doc, y.hits[i].doc, "%s: hit %zu", qs[q], i);
			cr_assert_eq(x.hits[i].score, y.hits[i].score, "%s: hit %zu: %.9g vs %.9g", qs[q],
				     i, (double)x.hits[i].score, (double)y.hits[i].score);
		}
	}
	search_result_release(&x);
	search_result_release(&y);
	searcher_free(sa);
	searcher_free(sb);
	archive_close(a);
	archive_close(b);
	rmrf(one);
	rmrf(three);
	free(one);
	free(three);
}

Test(search, filters)
{
	struct fixture f;
	fx_open(&f);
	cr_assert_str_eq(set(&f, "bridge source:city.example.com"), "3 7");
	cr_assert_str_eq(set(&f, "bridge source:www.city.example.com"), "3 7");
	cr_assert_str_eq(set(&f, "bridge date:2023"), "5 7");
	cr_assert_str_eq(set(&f, "bridge date:[2022-01-01 TO 2023-02-14]"), "3 5");
	cr_assert_str_eq(set(&f, "bridge date:{2022-03-10 TO 2023-02-14]"), "5");
	cr_assert_str_eq(set(&f, "source:b.example.org"), "2 4");
	f.o.from = day_from_ymd(2023, 1, 1);
	cr_assert_str_eq(set(&f, "bridge OR Blinken"), "5 7");
	f.o.to = day_from_ymd(2023, 3, 31);
	cr_assert_str_eq(set(&f, "bridge OR Blinken"), "5");
	f.o.from = f.o.to = NL_NODAY;
	f.o.source = "c.example.net";
	cr_assert_str_eq(set(&f, "bridge OR Crimean"), "5 6");
	f.o.source = "example.com"; /* subdomains match */
	cr_assert_str_eq(set(&f, "bridge"), "3 7 8");
	fx_close(&f);
}

Test(search, story_groups)
{
	struct fixture f;
	fx_open(&f);
	const uint32_t *rep, *size;
	archive_groups(f.a, &rep, &size);
	cr_assert_eq(rep[9], 8, "the two dam stories are one group");
	cr_assert_str_eq(set(&f, "dam repair"), "9");
	cr_assert_eq(f.r.total, 1);
	cr_assert_eq(f.r.hits[0].copies, 2);
	cr_assert_eq(f.r.hits[0].group, 8);
	f.o.copies = true;
	cr_assert_str_eq(set(&f, "dam repair"), "9 10");
	cr_assert_eq(f.r.total, 2);
	cr_assert_eq(f.r.hits[0].copies, 1);
	/* the group's first copy stands for it when copies score the same */
	f.o.copies = false;
	cr_assert_str_eq(set(&f, "dam OR Geneva"), "1 5 9");
	cr_assert_eq(f.r.total, 3);
	/* a filter that only one copy passes picks that copy */
	f.o.source = "paper.example.org";
	cr_assert_str_eq(set(&f, "dam"), "10");
	fx_close(&f);
}

Test(search, ranking_order)
{
	struct fixture f;
	fx_open(&f);
	/* a title match beats the same count in the body; more occurrences
	 * beat fewer in documents of similar length */
	cr_assert_str_eq(ids(&f, "storm"), "4 2");
	cr_assert_str_eq(ids(&f, "bridge"), "5 3 7 8");
	/* the rarer word weighs more */
	f.o.k = 1;
	cr_assert_str_eq(ids(&f, "Lavrov OR river"), "1");
	/* offset pages through the same order */
	f.o.k = 2;
	f.o.offset = 1;
	cr_assert_str_eq(ids(&f, "bridge"), "3 7");
	cr_assert_eq(f.r.total, 4);
	f.o.offset = 10;
	cr_assert_str_eq(ids(&f, "bridge"), "");
	f.o.offset = 0;
	f.o.k = 0;
	cr_assert_str_eq(ids(&f, "bridge"), "");
	cr_assert_eq(f.r.total, 4);
	/* boosts */
	f.o.k = 10;
	cr_assert_str_eq(ids(&f, "Lavrov dam^20"), "9 1");
	for (size_t i = 1; i < f.r.nhits; i++)
		cr_assert(f.r.hits[i - 1].score >= f.r.hits[i].score);
	fx_close(&f);
}

struct docs {
	uint32_t v[16];
	size_t n;
};

static void on(void *ctx, uint32_t doc)
{
	struct docs *g = ctx;
	if (g->n < 16)
		g->v[g->n++] = doc;
}

Test(search, match_every_document)
{
	struct fixture f;
	fx_open(&f);
	struct docs got = { { 0 }, 0 };
	cr_assert_eq(searcher_match(f.s, "river", 5, &f.o, on, &got, f.err, sizeof f.err), NL_OK);
	cr_assert_eq(got.n, 4); /* 3 4 8 9 (10 is 9's copy) */
	cr_assert_eq(got.v[0], 2);
	cr_assert_eq(got.v[3], 8);
	fx_close(&f);
}

Test(search, snippets)
{
	struct fixture f;
	fx_open(&f);
	ids(&f, "Crimean Peninsula");
	struct buf b;
	buf_init(&b, 0);
	cr_assert_eq(searcher_snippet(f.s, 0, 240, "[", "]", &b), NL_OK);
	cr_assert(b.n > 0);
	cr_assert(strstr(b.p, "[Crimean] [Peninsula]"), "%.*s", (int)b.n, b.p);
	buf_clear(&b);
	ids(&f, "the Blinken");
	cr_assert_eq(searcher_snippet(f.s, 0, 240, "[", "]", &b), NL_OK);
	cr_assert(strstr(b.p, "[Blinken]"), "%.*s", (int)b.n, b.p);
	cr_assert_null(strstr(b.p, "[the]"), "dropped stopwords are not marked");
	/* a short window is cut with dots */
	buf_clear(&b);
	ids(&f, "open");
	cr_assert_eq(searcher_snippet(f.s, 0, 20, "[", "]", &b), NL_OK);
	cr_assert(b.n < 40, "%.*s", (int)b.n, b.p);
	cr_assert(strstr(b.p, "[open]"), "%.*s", (int)b.n, b.p);
	buf_release(&b);
	fx_close(&f);
}

Test(search, corrupt_postings)
{
	char *dir = tmpdir();
	add_jsonl(dir, "news", news);
	struct archive *a = open_db(dir);
	char seg[600];
	snprintf(seg, sizeof seg, "%s", a->segs[0]->path);
	size_t off = (size_t)(a->segs[0]->sec[SEC_POSTINGS] - a->segs[0]->map);
	size_t len = (size_t)a->segs[0]->seclen[SEC_POSTINGS];
	archive_close(a);
	cr_assert(len > 16);
	size_t n;
	char *orig = slurp(seg, &n);
	cr_assert(orig);
	const char *qs[] = { "bridge", "river OR storm", "\"new bridge\"", "bridge AND river",
			     "constr*", "+the -river", "title:storm" };
	/* flip every byte of the postings in turn (in steps), run every query */
	for (size_t at = 0; at < len; at += 7) {
		for (int pattern = 0; pattern < 2; pattern++) {
			char *m = malloc(n);
			memcpy(m, orig, n);
			m[off + at] = pattern ? (char)0xff : (char)(m[off + at] ^ 0x5a);
			FILE *f = fopen(seg, "wb");
			fwrite(m, 1, n, f);
			fclose(f);
			free(m);
			a = open_db(dir);
			struct searcher *s = searcher_new(a);
			struct search_opts o;
			search_opts_init(&o);
			struct search_result r;
			memset(&r, 0, sizeof r);
			char err[256];
			for (size_t q = 0; q < sizeof qs / sizeof *qs; q++) {
				int rc = searcher_run(s, qs[q], strlen(qs[q]), &o, &r, err, sizeof err);
				cr_assert(rc == NL_OK || rc == NL_ECORRUPT, "%s: rc %d", qs[q], rc);
				for (size_t i = 0; i < r.nhits; i++)
					cr_assert_lt(r.hits[i].doc, a->ndocs);
			}
			search_result_release(&r);
			searcher_free(s);
			archive_close(a);
		}
	}
	FILE *f = fopen(seg, "wb");
	fwrite(orig, 1, n, f);
	fclose(f);
	free(orig);
	rmrf(dir);
	free(dir);
}

/* ------------------------------------------------ pruning == exhaustive --- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#define VOCAB 60
static char vocab[VOCAB][8];

/* A word with a skewed frequency: low numbers are common. */
static const char *word(void)
{
	uint64_t r = next_rand() % 1000;
	size_t i = (size_t)((r * r) / 1000 * VOCAB / 1000);
	return vocab[i < VOCAB ? i : VOCAB - 1];
}

static void random_archive(const char *dir, int docs, int part)
{
	struct buf j;
	buf_init(&j, 0);
	static char texts[1200][600];
	for (int d = 0; d < docs; d++) {
		int id = part * docs + d;
		char *t = texts[d];
		if (d > 10 && next_rand() % 15 == 0) {
			/* a syndicated copy of an earlier article of this part */
			memmove(t, texts[next_rand() % (uint64_t)d], 600);
		} else {
			size_t n = 0;
			int len = 3 + (int)(next_rand() % 60);
			for (int w = 0; w < len; w++)
				n += (size_t)snprintf(t + n, 600 - n, "%s%s", w ? " " : "", word());
		}
		char title[64];
		snprintf(title, sizeof title, "%s %s", word(), word());
		buf_printf(&j, "{\"title\":\"%s\",\"date\":\"2022-%02d-%02d\",\"url\":\"https://s%d.example.com/%d\","
			   "\"text\":\"%s\"}\n", title, 1 + id % 12, 1 + id % 28, id % 5, id, t);
	}
	char name[16];
	snprintf(name, sizeof name, "part%d", part);
	add_jsonl(dir, name, j.p);
	buf_release(&j);
}

static void random_query(char *q, size_t cap)
{
	size_t n = 0;
	int form = (int)(next_rand() % 6);
	int terms = 1 + (int)(next_rand() % 6);
	for (int i = 0; i < terms && n + 40 < cap; i++) {
		const char *w = i == 0 || next_rand() % 2 ? vocab[next_rand() % VOCAB] : word();
		const char *op = i == 0 ? "" : form == 1 ? " AND " : " ";
		if (form == 2 && i == 1)
			n += (size_t)snprintf(q + n, cap - n, " \"%s %s\"~%d", w, word(), (int)(next_rand() % 3));
		else if (form == 3 && i == 1)
			n += (size_t)snprintf(q + n, cap - n, " title:%s", w);
		else if (form == 4 && i == 1)
			n += (size_t)snprintf(q + n, cap - n, " %.2s*", w);
		else if (form == 5 && i == 1)
			n += (size_t)snprintf(q + n, cap - n, " %s^3", w);
		else
			n += (size_t)snprintf(q + n, cap - n, "%s%s", op, w);
	}
	if (form == 5 && next_rand() % 2)
		snprintf(q + n, cap - n, " -%s", vocab[next_rand() % VOCAB]);
}

Test(search, pruning_is_exact, .timeout = 120)
{
	for (int i = 0; i < VOCAB; i++) {
		uint64_t r = next_rand();
		for (int k = 0; k < 6; k++)
			vocab[i][k] = (char)('a' + (r >> (5 * k)) % 26);
		vocab[i][6] = 0;
	}
	char *dir = tmpdir();
	random_archive(dir, 1200, 0);
	random_archive(dir, 1200, 1);
	random_archive(dir, 1200, 2);
	struct archive *a = open_db(dir);
	cr_assert_geq(a->nsegs, 1);
	struct searcher *s = searcher_new(a);
	struct search_result x, y;
	memset(&x, 0, sizeof x);
	memset(&y, 0, sizeof y);
	char err[256], q[512];
	int pruned = 0;
	for (int t = 0; t < 400; t++) {
		random_query(q, sizeof q);
		struct search_opts o;
		search_opts_init(&o);
		static const size_t ks[] = { 1, 3, 10, 10, 20 };
		o.k = ks[next_rand() % 5];
		o.offset = next_rand() % 4 == 0 ? next_rand() % 5 : 0;
		o.copies = next_rand() % 3 == 0;
		if (next_rand() % 5 == 0)
			o.from = day_from_ymd(2022, 3, 1);
		o.exhaustive = true;
		int rx = searcher_run(s, q, strlen(q), &o, &x, err, sizeof err);
		cr_assert_eq(rx, NL_OK, "%s: %s", q, err);
		cr_assert(x.total_exact);
		o.exhaustive = false;
		int ry = searcher_run(s, q, strlen(q), &o, &y, err, sizeof err);
		cr_assert_eq(ry, NL_OK, "%s: %s", q, err);
		cr_assert_eq(x.nhits, y.nhits, "%s: %zu hits exhaustive, %zu pruned", q, x.nhits, y.nhits);
		for (size_t i = 0; i < x.nhits; i++) {
			cr_assert_eq(x.hits[i].doc, y.hits[i].doc, "%s: hit %zu: doc %u vs %u", q, i,
				     x.hits[i].doc, y.hits[i].doc);
			cr_assert_eq(x.hits[i].score, y.hits[i].score, "%s: hit %zu", q, i);
			cr_assert_eq(x.hits[i].group, y.hits[i].group);
			cr_assert_eq(x.hits[i].copies, y.hits[i].copies);
		}
		if (y.total_exact) {
			cr_assert_eq(x.total, y.total, "%s", q);
		} else {
			pruned++;
			cr_assert_geq(y.total, SEARCH_EXACT_TOTAL, "%s", q);
			cr_assert_leq(y.total, x.total, "%s", q);
		}
	}
	cr_assert_gt(pruned, 50, "pruning happened in %d of 400 queries", pruned);
	search_result_release(&x);
	search_result_release(&y);
	searcher_free(s);
	archive_close(a);
	rmrf(dir);
	free(dir);
}
