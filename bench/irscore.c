/*
 * irscore.c — score a ranked run against relevance judgements: MAP, P@10
 * and nDCG@10, the way trec_eval computes them.
 *
 * Usage: irscore [-q] QRELS RUN
 *
 *   QRELS  TREC format, "qid iter docid grade"; grade > 0 is relevant.
 *   RUN    either a TREC run, "qid Q0 docid rank score tag", or newsline's
 *          `search --batch` output, one JSON object per line:
 *          {"qid": ..., "hits": [{"id": ..., "score": ...}, ...]}
 *          (qid and id may be strings or numbers). When a hit also has
 *          "input_id" (the record's id in the input file, beside newsline's
 *          own document number in "id"), that is the document's id.
 *   -q     also print the scores of each query.
 *
 * Prints one line: "map 0.4321 p10 0.3210 ndcg10 0.5432 queries 225".
 *
 * As trec_eval does: the run's documents of a query are ordered by score,
 * descending, ties broken by docid descending (string order), the rank
 * column ignored; a document listed twice for a query counts once. Every
 * query with at least one relevant judgement counts; a query the run does
 * not answer scores 0. AP divides by the number of relevant documents;
 * P@10 by 10 whatever was retrieved; nDCG@10 uses gain = grade and discount
 * log2(rank + 1), the ideal ranking being the judgements sorted by grade.
 */
#include "util/buf.h"
#include "util/common.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct judg {
	char *qid, *doc;
	int grade;
};

struct hit {
	char *qid, *doc;
	double score;
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		nl_die("irscore: %s: cannot open", path);
	struct buf b;
	buf_init(&b, 0);
	char tmp[65536];
	size_t k;
	while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_put(&b, tmp, k);
	fclose(f);
	if (!b.p)
		buf_putc(&b, 0), b.n = 0;
	return buf_detach(&b, len);
}

/* Next line of s (modified in place); NULL at the end. */
static char *next_line(char **cur, char *end)
{
	if (*cur >= end)
		return NULL;
	char *l = *cur;
	char *nl = memchr(l, '\n', (size_t)(end - l));
	if (nl) {
		*nl = 0;
		*cur = nl + 1;
	} else {
		*cur = end;
	}
	return l;
}

static char *json_scalar(json_t *v)
{
	char tmp[64];
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(tmp, sizeof(tmp), "%lld", (long long)json_integer_value(v));
		return xstrdup(tmp);
	}
	return NULL;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(x->qid, y->qid);
	if (c)
		return c;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(y->doc, x->doc);
}

static int judg_cmp(const void *a, const void *b)
{
	const struct judg *x = a, *y = b;
	int c = strcmp(x->qid, y->qid);
	if (c)
		return c;
	return strcmp(x->doc, y->doc);
}

static int grade_desc(const void *a, const void *b)
{
	return *(const int *)b - *(const int *)a;
}

int main(int argc, char **argv)
{
	bool perq = false;
	int ai = 1;
	if (ai < argc && !strcmp(argv[ai], "-q"))
		perq = true, ai++;
	if (argc - ai != 2)
		nl_die("usage: irscore [-q] QRELS RUN");

	/* judgements, sorted by (qid, doc) for binary search */
	size_t len;
	char *s = slurp(argv[ai], &len), *cur = s, *line;
	struct judg *J = NULL;
	size_t nj = 0, capj = 0;
	while ((line = next_line(&cur, s + len))) {
		char q[128], it[128], d[128];
		int g;
		if (sscanf(line, "%127s %127s %127s %d", q, it, d, &g) != 4)
			continue;
		J = xgrow(J, &capj, nj + 1, sizeof(*J));
		J[nj].qid = xstrdup(q);
		J[nj].doc = xstrdup(d);
		J[nj].grade = g;
		nj++;
	}
	free(s);
	qsort(J, nj, sizeof(*J), judg_cmp);

	/* run */
	s = slurp(argv[ai + 1], &len);
	cur = s;
	struct hit *H = NULL;
	size_t nh = 0, caph = 0;
	size_t lineno = 0;
	while ((line = next_line(&cur, s + len))) {
		lineno++;
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line)
			continue;
		if (*line == '{') {
			json_error_t e;
			json_t *o = json_loads(line, 0, &e);
			if (!o)
				nl_die("irscore: %s:%zu: bad JSON: %s", argv[ai + 1], lineno, e.text);
			char *qid = json_scalar(json_object_get(o, "qid"));
			json_t *hits = json_object_get(o, "hits");
			if (!qid || !json_is_array(hits))
				nl_die("irscore: %s:%zu: want {\"qid\", \"hits\": [...]}", argv[ai + 1], lineno);
			size_t n = json_array_size(hits);
			for (size_t i = 0; i < n; i++) {
				json_t *h = json_array_get(hits, i);
				json_t *iid = json_object_get(h, "input_id");
				char *doc = json_scalar(iid ? iid : json_object_get(h, "id"));
				json_t *sc = json_object_get(h, "score");
				if (!doc)
					nl_die("irscore: %s:%zu: hit without an id", argv[ai + 1], lineno);
				H = xgrow(H, &caph, nh + 1, sizeof(*H));
				H[nh].qid = xstrdup(qid);
				H[nh].doc = doc;
				/* without scores, keep the listed order */
				H[nh].score = json_is_number(sc) ? json_number_value(sc) : -(double)i;
				nh++;
			}
			free(qid);
			json_decref(o);
		} else {
			char q[128], q0[128], d[128], tag[128];
			long rank;
			double score;
			if (sscanf(line, "%127s %127s %127s %ld %lf %127s", q, q0, d, &rank, &score, tag) < 5)
				nl_die("irscore: %s:%zu: not a TREC run line", argv[ai + 1], lineno);
			H = xgrow(H, &caph, nh + 1, sizeof(*H));
			H[nh].qid = xstrdup(q);
			H[nh].doc = xstrdup(d);
			H[nh].score = score;
			nh++;
		}
	}
	free(s);
	qsort(H, nh, sizeof(*H), hit_cmp);

	double sum_ap = 0, sum_p10 = 0, sum_ndcg = 0;
	size_t nq = 0;
	for (size_t j = 0; j < nj;) {
		size_t je = j;
		size_t R = 0;
		while (je < nj && !strcmp(J[je].qid, J[j].qid)) {
			R += J[je].grade > 0;
			je++;
		}
		const char *qid = J[j].qid;
		if (R == 0) {
			j = je;
			continue;
		}
		/* ideal DCG@10 */
		int *gr = xmalloc((je - j) * sizeof(int));
		for (size_t k = j; k < je; k++)
			gr[k - j] = J[k].grade > 0 ? J[k].grade : 0;
		qsort(gr, je - j, sizeof(int), grade_desc);
		double idcg = 0;
		for (size_t k = 0; k < je - j && k < 10; k++)
			idcg += gr[k] / log2((double)k + 2);
		free(gr);

		/* this query's hits: binary search for the first */
		size_t lo = 0, hi = nh;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(H[mid].qid, qid) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		double ap = 0, dcg = 0;
		size_t rank = 0, found = 0, top10 = 0;
		for (size_t h = lo; h < nh && !strcmp(H[h].qid, qid); h++) {
			bool dup = false;
			for (size_t k = lo; k < h && !dup; k++)
				dup = !strcmp(H[k].doc, H[h].doc);
			if (dup)
				continue;
			rank++;
			struct judg key = { .qid = (char *)qid, .doc = H[h].doc };
			struct judg *m = bsearch(&key, J + j, je - j, sizeof(*J), judg_cmp);
			int g = m && m->grade > 0 ? m->grade : 0;
			if (g > 0) {
				found++;
				ap += (double)found / (double)rank;
				if (rank <= 10)
					top10++;
			}
			if (rank <= 10)
				dcg += g / log2((double)rank + 1);
		}
		ap /= (double)R;
		double p10 = (double)top10 / 10.0;
		double ndcg = idcg > 0 ? dcg / idcg : 0;
		if (perq)
			printf("%s\tmap %.4f p10 %.4f ndcg10 %.4f\n", qid, ap, p10, ndcg);
		sum_ap += ap;
		sum_p10 += p10;
		sum_ndcg += ndcg;
		nq++;
		j = je;
	}
	if (!nq)
		nl_die("irscore: %s: no query has a relevant document", argv[ai]);
	printf("map %.4f p10 %.4f ndcg10 %.4f queries %zu\n", sum_ap / (double)nq, sum_p10 / (double)nq,
	       sum_ndcg / (double)nq, nq);
	return 0;
}
