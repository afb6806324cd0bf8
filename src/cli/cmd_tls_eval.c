/*
 * cmd_tls_eval.c — `newsline tls-eval DATASET_DIR`: the standard timeline
 * summarisation protocol on a dataset in the Timeline17 layout.
 *
 * A topic is what the published systems call one: the folders of one story
 * from several outlets ("bpoil_bbc", "bpoil_guardian", ... are the topic
 * "bpoil"), grouped by the folder name before its last '_'. For each topic
 * its articles are added to a temporary archive exactly as `newsline add`
 * adds them (ingest_path + archive_add + archive_commit: the same sentence
 * splitting and date tagging), then every reference timeline of the topic
 * is one task:
 *
 *   input     the topic's articles published between the first and last
 *             reference date (inclusive);
 *   L, K      the number of reference dates, and the mean number of
 *             sentences per reference date rounded half to even;
 *   keywords  the topic's keywords.json, matched case-insensitively (the
 *             published code lower-cases the sentence, not the keyword); a
 *             keyword found in fewer than one in ten input articles is
 *             ignored: T17's keywords are folder names ("bpoil",
 *             "EgyptianProtest", "MJ") that articles do not contain, and
 *             taken literally they would empty those timelines;
 *   ranker    always trained without the task's topic (leave one topic
 *             out): --ranker trained (the default for --method newsline)
 *             fits timeline.h's linear ranker on the candidate dates of
 *             the other topics' tasks, labelled by their reference dates;
 *             --ranker published (the default for --method datewise) takes
 *             DATEWISE's published coefficients for the held-out topic
 *             (datewise_date_ranker_coefs.tsv); --ranker mentions needs no
 *             training;
 *   score     alignment-based ROUGE-1 and ROUGE-2 F (align+ m:1, ROUGE-1.5.5
 *             -m -s counts, tls_metric.h) and date F1 against the one
 *             reference timeline.
 *
 * The averages are over tasks: mean precision and mean recall, then F, as
 * the published evaluation script computes them.
 *
 * Two passes: the first builds every topic's archive and, for the trained
 * ranker, every task's candidate dates with their labels; the second fits
 * the ranker for each task, builds its timeline and scores it. Archives
 * live in $TMPDIR (else /tmp) and are removed at the end.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "index/archive.h"
#include "ingest/ingest.h"
#include "timeline/rouge.h"
#include "timeline/t17.h"
#include "timeline/timeline.h"
#include "timeline/tls_metric.h"
#include "util/day.h"
#include "util/jsonw.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(p);
}

/* Length of the topic key of a folder name: up to its last '_'. */
static size_t topic_key_len(const char *name)
{
	const char *u = strrchr(name, '_');
	return u && u != name ? (size_t)(u - name) : strlen(name);
}

static bool same_topic(const char *a, const char *b)
{
	size_t na = topic_key_len(a), nb = topic_key_len(b);
	return na == nb && !strncasecmp(a, b, na);
}

struct sums {
	double p[3], r[3]; /* AR-1, AR-2, date */
	size_t n;
};

static void sums_add(struct sums *s, const struct tls_rouge_prf *ar, const struct tls_prf *dt)
{
	s->p[0] += ar->rouge_1.precision;
	s->r[0] += ar->rouge_1.recall;
	s->p[1] += ar->rouge_2.precision;
	s->r[1] += ar->rouge_2.recall;
	s->p[2] += dt->precision;
	s->r[2] += dt->recall;
	s->n++;
}

static double sums_f(const struct sums *s, int i)
{
	if (!s->n)
		return 0;
	return tls_prf_make(s->p[i] / (double)s->n, s->r[i] / (double)s->n).f_score;
}

/* Docs of an archive, by publication day (then id). */
static int cmp_doc_day(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;
	return *x < *y ? -1 : *x > *y;
}

static uint32_t *docs_by_day(struct archive *a)
{
	int64_t *k = xmalloc((a->ndocs + 1) * sizeof *k);
	for (uint32_t i = 0; i < a->ndocs; i++) {
		struct seg_docinfo di;
		archive_docinfo(a, i, &di);
		k[i] = ((int64_t)di.day << 32) | i;
	}
	if (a->ndocs)
		qsort(k, a->ndocs, sizeof *k, cmp_doc_day);
	uint32_t *ids = xmalloc((a->ndocs + 1) * sizeof *ids);
	for (uint32_t i = 0; i < a->ndocs; i++)
		ids[i] = (uint32_t)(k[i] & 0xffffffff);
	free(k);
	return ids;
}

static void write_pred(FILE *f, const char *topic, const char *name, const struct timeline *tl)
{
	struct buf b;
	buf_init(&b, 0);
	buf_putc(&b, '{');
	jsonw_key(&b, "topic");
	jsonw_str(&b, topic, strlen(topic));
	buf_putc(&b, ',');
	jsonw_key(&b, "timeline");
	jsonw_str(&b, name, strlen(name));
	buf_putc(&b, ',');
	jsonw_key(&b, "entries");
	buf_putc(&b, '[');
	for (size_t i = 0; i < tl->nentries; i++) {
		const struct timeline_entry *e = &tl->entries[i];
		buf_puts(&b, i ? ",{" : "{");
		jsonw_key(&b, "date");
		jsonw_day(&b, e->day);
		buf_putc(&b, ',');
		jsonw_key(&b, "sentences");
		buf_putc(&b, '[');
		for (size_t j = 0; j < e->nsents; j++) {
			if (j)
				buf_putc(&b, ',');
			jsonw_nstr(&b, e->sents[j].text);
		}
		buf_puts(&b, "]}");
	}
	buf_puts(&b, "]}\n");
	fwrite(b.p, 1, b.n, f);
	buf_release(&b);
}

enum ranker { RANK_PUBLISHED, RANK_TRAINED, RANK_MENTIONS };

/* A topic: its folders' articles in one temporary archive. */
struct group {
	const char *name;             /* first folder's name */
	char dir[4096];
	struct archive *a;
	uint32_t *ids;                /* every document, by publication day */
	const char **kw;              /* keywords of its folders, once each */
	size_t nkw;
	bool have_coef;
	double coef[TIMELINE_RANKER_COEFS];
	char fold[64];
};

/* One reference timeline. */
struct task {
	size_t group;
	const struct t17_topic *tp;
	const struct t17_timeline *ref;
	size_t L, K;
	struct timeline_cand *cand;   /* candidate dates (trained ranker) */
	size_t ncand;
	double *label;                /* 1 for a reference date */
};

/* Add the articles of every folder of topic g (marking them done) to a
 * new temporary archive, as `newsline add` does, and open it for reading.
 * Returns 0, or 1 after printing why. */
static int group_open(struct group *gr, const struct t17_dataset *ds, size_t g, bool *done,
		      const char *tmproot)
{
	snprintf(gr->dir, sizeof gr->dir, "%s/newsline-tls-XXXXXX", tmproot);
	if (!mkdtemp(gr->dir)) {
		fprintf(stderr, "newsline: tls-eval: %s: %s\n", gr->dir, strerror(errno));
		gr->dir[0] = 0;
		return 1;
	}
	char db[4200];
	snprintf(db, sizeof db, "%s/db", gr->dir);
	char aerr[512];
	struct archive *a;
	int rc = archive_open(db, ARCHIVE_WRITE, &a, aerr, sizeof aerr);
	if (rc) {
		fprintf(stderr, "newsline: tls-eval: %s\n", aerr);
		return 1;
	}
	struct ingest ig;
	ingest_init(&ig, archive_add, a);
	ig.quiet = true;
	size_t kwcap = 0;
	for (size_t t = g; t < ds->ntopics && rc == 0; t++) {
		if (!same_topic(gr->name, ds->topics[t].name))
			continue;
		done[t] = true;
		rc = ingest_path(&ig, ds->topics[t].dir);
		for (size_t k = 0; k < ds->topics[t].nkeywords; k++) {
			bool dup = false;
			for (size_t q = 0; q < gr->nkw && !dup; q++)
				dup = !strcasecmp(gr->kw[q], ds->topics[t].keywords[k]);
			if (dup)
				continue;
			gr->kw = xgrow(gr->kw, &kwcap, gr->nkw + 1, sizeof *gr->kw);
			gr->kw[gr->nkw++] = ds->topics[t].keywords[k];
		}
	}
	if (rc == 0)
		rc = archive_commit(a);
	if (rc) {
		fprintf(stderr, "newsline: tls-eval: %s: %s\n", gr->name,
			a->err[0] ? a->err : nl_strerror(rc));
		archive_close(a);
		return 1;
	}
	archive_close(a);
	rc = archive_open(db, ARCHIVE_READ, &gr->a, aerr, sizeof aerr);
	if (rc) {
		fprintf(stderr, "newsline: tls-eval: %s\n", aerr);
		gr->a = NULL;
		return 1;
	}
	gr->ids = docs_by_day(gr->a);
	return 0;
}

static void group_close(struct group *gr)
{
	if (gr->a)
		archive_close(gr->a);
	free(gr->ids);
	free(gr->kw);
	if (gr->dir[0])
		nftw(gr->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* The protocol's inputs for a task (the ranker is set by the caller). */
static void task_opts(const struct task *tk, const struct group *gr, enum timeline_method m,
		      struct timeline_opts *o)
{
	timeline_opts_init(o);
	o->method = m;
	o->dates = tk->L;
	o->per_date = tk->K;
	o->from = tk->ref->tl.dates[0].day;
	o->to = tk->ref->tl.dates[tk->ref->tl.ndates - 1].day;
	o->pub_from = o->from;
	o->pub_to = o->to;
	o->keywords = gr->kw;
	o->nkeywords = gr->nkw;
	o->keywords_if_present = true;
	o->ranker = NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: newsline tls-eval [--out PRED.jsonl] [--method newsline|datewise] "
		   "[--ranker published|trained|mentions] [--coefs FILE] [--quiet] DATASET_DIR\n");
}

int cmd_tls_eval(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "method", required_argument, NULL, 'm' },
		{ "ranker", required_argument, NULL, 'r' },
		{ "coefs", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *outpath = NULL, *coefpath = NULL;
	enum timeline_method method = TIMELINE_NEWSLINE;
	enum ranker ranker = RANK_PUBLISHED;
	bool ranker_set = false, quiet = false;
	double ridge = 0.1;
	const char *re = getenv("NEWSLINE_TL_RIDGE");
	if (re && *re)
		ridge = strtod(re, NULL);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:m:r:c:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': outpath = optarg; break;
		case 'm':
			if (!strcmp(optarg, "datewise"))
				method = TIMELINE_DATEWISE;
			else if (!strcmp(optarg, "newsline"))
				method = TIMELINE_NEWSLINE;
			else {
				fprintf(stderr, "newsline: tls-eval: unknown method '%s' (newsline, datewise)\n",
					optarg);
				return 2;
			}
			break;
		case 'r':
			if (!strcmp(optarg, "published"))
				ranker = RANK_PUBLISHED;
			else if (!strcmp(optarg, "trained"))
				ranker = RANK_TRAINED;
			else if (!strcmp(optarg, "mentions"))
				ranker = RANK_MENTIONS;
			else {
				fprintf(stderr, "newsline: tls-eval: unknown ranker '%s' (published, "
					"trained, mentions)\n", optarg);
				return 2;
			}
			ranker_set = true;
			break;
		case 'c': coefpath = optarg; break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "newsline: tls-eval: give one dataset directory\n");
		usage(stderr);
		return 2;
	}
	const char *dsdir = argv[optind];
	if (!ranker_set)
		ranker = method == TIMELINE_DATEWISE ? RANK_PUBLISHED : RANK_TRAINED;
	char defcoef[4096];
	if (!coefpath) {
		snprintf(defcoef, sizeof defcoef, "%s/datewise_date_ranker_coefs.tsv", rouge_data_dir());
		coefpath = defcoef;
	}
	double t0 = now();
	struct t17_dataset ds;
	int rc = t17_open(&ds, dsdir, NULL);
	if (rc) {
		fprintf(stderr, "newsline: tls-eval: %s: %s\n", dsdir, nl_strerror(rc));
		return 1;
	}
	struct buf err;
	buf_init(&err, 0);
	struct rouge_lang *lang;
	rc = rouge_lang_open(NULL, &lang, &err);
	if (rc) {
		fprintf(stderr, "newsline: tls-eval: %.*s\n", (int)err.n, err.p);
		buf_release(&err);
		t17_release(&ds);
		return 1;
	}
	buf_release(&err);
	FILE *out = NULL;
	if (outpath) {
		out = fopen(outpath, "w");
		if (!out) {
			fprintf(stderr, "newsline: tls-eval: %s: %s\n", outpath, strerror(errno));
			rouge_lang_free(lang);
			t17_release(&ds);
			return 1;
		}
	}
	const char *tmproot = getenv("TMPDIR");
	if (!tmproot || !*tmproot)
		tmproot = "/tmp";

	/* pass 1: one archive per topic; every task's candidate dates */
	struct group *gs = xcalloc(ds.ntopics + 1, sizeof *gs);
	size_t ngs = 0;
	struct task *ts = NULL;
	size_t nts = 0, tscap = 0;
	double t_ingest = 0, t_build = 0, t_score = 0;
	int status = 0;
	bool *done = xcalloc(ds.ntopics + 1, sizeof *done);
	for (size_t g = 0; g < ds.ntopics && !status; g++) {
		if (done[g])
			continue;
		struct group *gr = &gs[ngs++];
		gr->name = ds.topics[g].name;
		double t1 = now();
		status = group_open(gr, &ds, g, done, tmproot);
		t_ingest += now() - t1;
		if (status)
			break;
		if (ranker == RANK_PUBLISHED) {
			int lrc = timeline_ranker_load(coefpath, "t17", gr->name, gr->coef, gr->fold,
						       sizeof gr->fold);
			if (lrc == NL_OK)
				gr->have_coef = true;
			else
				nl_warn("tls-eval: %s: no date ranker fold for topic %.*s (%s); "
					"ranking dates by mention count", coefpath,
					(int)topic_key_len(gr->name), gr->name, nl_strerror(lrc));
		}
		for (size_t t = g; t < ds.ntopics && !status; t++) {
			if (!same_topic(gr->name, ds.topics[t].name))
				continue;
			const struct t17_topic *tp = &ds.topics[t];
			for (size_t i = 0; i < tp->ntimelines && !status; i++) {
				const struct t17_timeline *ref = &tp->timelines[i];
				if (!ref->tl.ndates) {
					nl_warn("tls-eval: %s: no dated entries; task skipped", ref->path);
					continue;
				}
				ts = xgrow(ts, &tscap, nts + 1, sizeof *ts);
				struct task *tk = &ts[nts++];
				memset(tk, 0, sizeof *tk);
				tk->group = ngs - 1;
				tk->tp = tp;
				tk->ref = ref;
				t17_timeline_task_size(ref, &tk->L, &tk->K);
				if (ranker != RANK_TRAINED)
					continue;
				struct timeline_opts o;
				task_opts(tk, gr, method, &o);
				double t2 = now();
				rc = timeline_candidates(gr->a, gr->ids, gr->a->ndocs, &o, &tk->cand,
							     &tk->ncand);
				t_build += now() - t2;
				if (rc) {
					fprintf(stderr, "newsline: tls-eval: %s: %s\n", ref->path,
						gr->a->err[0] ? gr->a->err : nl_strerror(rc));
					status = 1;
					break;
				}
				tk->label = xcalloc(tk->ncand + 1, sizeof *tk->label);
				for (size_t q = 0; q < tk->ncand; q++)
					for (size_t r = 0; r < ref->tl.ndates; r++)
						if (ref->tl.dates[r].day == tk->cand[q].day)
							tk->label[q] = 1;
			}
		}
	}
	free(done);

	/* pass 2: train (leave the topic out), build, score */
	struct sums all;
	memset(&all, 0, sizeof all);
	size_t nlinear = 0; /* tasks whose dates a linear ranker ranked */
	const struct timeline_cand **sets = xcalloc(nts + 1, sizeof *sets);
	size_t *nsets = xcalloc(nts + 1, sizeof *nsets);
	const double **labels = xcalloc(nts + 1, sizeof *labels);
	if (!status)
		printf("%-22s %-42s %4s %2s %5s %6s %6s %6s\n", "topic", "timeline", "L", "K",
		       "docs", "AR-1", "AR-2", "date");
	for (size_t t = 0; t < nts && !status; t++) {
		struct task *tk = &ts[t];
		struct group *gr = &gs[tk->group];
		double coef[TIMELINE_RANKER_COEFS];
		const double *use = NULL;
		if (ranker == RANK_TRAINED) {
			size_t ng = 0;
			for (size_t q = 0; q < nts; q++) {
				if (ts[q].group == tk->group)
					continue;
				sets[ng] = ts[q].cand;
				nsets[ng] = ts[q].ncand;
				labels[ng] = ts[q].label;
				ng++;
			}
			if (ng) {
				timeline_ranker_fit(sets, nsets, labels, ng, ridge, coef);
				use = coef;
			}
		} else if (gr->have_coef) {
			use = gr->coef;
		}
		struct timeline_opts o;
		task_opts(tk, gr, method, &o);
		o.ranker = use;
		struct timeline tl;
		double t2 = now();
		rc = timeline_build(gr->a, gr->ids, gr->a->ndocs, &o, &tl);
		t_build += now() - t2;
		if (rc) {
			fprintf(stderr, "newsline: tls-eval: %s: %s\n", tk->ref->path,
				gr->a->err[0] ? gr->a->err : nl_strerror(rc));
			status = 1;
			break;
		}
		t2 = now();
		struct tls_date *pd = xcalloc(tl.nentries + 1, sizeof *pd);
		struct nl_str *ps = xcalloc(tl.nentries * tl.per_date + 1, sizeof *ps);
		size_t np = 0;
		for (size_t e = 0; e < tl.nentries; e++) {
			pd[e].day = tl.entries[e].day;
			pd[e].sents = ps + np;
			pd[e].nsents = tl.entries[e].nsents;
			for (size_t j = 0; j < tl.entries[e].nsents; j++)
				ps[np++] = tl.entries[e].sents[j].text;
		}
		struct tls_timeline pred = { pd, tl.nentries };
		struct tls_rouge_prf ar;
		rc = tls_eval(lang, &pred, &tk->ref->tl, 1, TLS_ALIGN_PLUS_M1, &ar);
		struct tls_prf dt = tls_date_prf(&pred, &tk->ref->tl, 1);
		t_score += now() - t2;
		if (rc) {
			fprintf(stderr, "newsline: tls-eval: %s: %s\n", tk->ref->path, nl_strerror(rc));
			status = 1;
		} else {
			sums_add(&all, &ar, &dt);
			nlinear += use != NULL;
			printf("%-22s %-42s %4zu %2zu %5zu %6.3f %6.3f %6.3f\n", tk->tp->name,
			       tk->ref->name, tk->L, tk->K, tl.ndocs, ar.rouge_1.f_score,
			       ar.rouge_2.f_score, dt.f_score);
			if (!quiet && (tl.nkeywords_used < gr->nkw || tl.ncopies))
				printf("%-22s   (%zu of %zu keywords found; %zu copies counted once)\n",
				       "", tl.nkeywords_used, gr->nkw, tl.ncopies);
			if (out)
				write_pred(out, tk->tp->name, tk->ref->name, &tl);
		}
		free(pd);
		free(ps);
		timeline_release(&tl);
	}
	if (!status && ranker == RANK_TRAINED && !quiet && nts) {
		/* the ranker fitted on every task (what `newsline timeline` ships) */
		for (size_t q = 0; q < nts; q++) {
			sets[q] = ts[q].cand;
			nsets[q] = ts[q].ncand;
			labels[q] = ts[q].label;
		}
		double coef[TIMELINE_RANKER_COEFS];
		timeline_ranker_fit(sets, nsets, labels, nts, ridge, coef);
		printf("date ranker fitted on all %zu tasks:", nts);
		for (int k = 0; k < TIMELINE_RANKER_COEFS; k++)
			printf(" %.6f", coef[k]);
		printf("\n");
	}
	free(sets);
	free(nsets);
	free(labels);
	for (size_t t = 0; t < nts; t++) {
		free(ts[t].cand);
		free(ts[t].label);
	}
	free(ts);
	for (size_t g = 0; g < ngs; g++)
		group_close(&gs[g]);
	free(gs);
	if (out && fclose(out) != 0) {
		fprintf(stderr, "newsline: tls-eval: %s: %s\n", outpath, strerror(errno));
		status = 1;
	}
	if (!status) {
		static const char *const rname[] = {
			[RANK_PUBLISHED] = "the published DATEWISE ranker of the held-out topic",
			[RANK_TRAINED] = "a linear ranker trained leave-one-topic-out",
			[RANK_MENTIONS] = "mention count",
		};
		printf("\n%-34s %6s %6s %6s\n", "average over tasks (P, R, then F)", "AR-1", "AR-2",
		       "date");
		printf("%-34s %6.3f %6.3f %6.3f   (%zu tasks, method %s; dates ranked by %s", "newsline",
		       sums_f(&all, 0), sums_f(&all, 1), sums_f(&all, 2), all.n,
		       method == TIMELINE_DATEWISE ? "datewise" : "newsline", rname[ranker]);
		if (ranker != RANK_MENTIONS && nlinear < all.n)
			printf(", by mention count in %zu", all.n - nlinear);
		printf(")\n");
		printf("%-34s %6.3f %6.3f %6.3f   (published)\n", "DATEWISE (ACL 2020)", 0.120, 0.035,
		       0.544);
		printf("%-34s %6.3f %6.3f %6.3f   (published, 72B LLM)\n", "SUnSET", 0.136, 0.044,
		       0.576);
		printf("time: %.2f s (ingest and tag %.2f s, timelines %.2f s, scoring %.2f s)\n",
		       now() - t0, t_ingest, t_build, t_score);
	}
	rouge_lang_free(lang);
	t17_release(&ds);
	return status;
}
