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
		/* checked against the rules written as Perl regexes (a throwaway
		 * oracle; it also agreed on all 68,915 distinct T17 words and
		 * 300,000 random strings) */
		{ "syzygy", "syzygi" }, { "byway", "bywai" }, { "yaya", "yaya" }, { "feed", "feed" },
		{ "agreed", "agre" }, { "bled", "bled" }, { "hoping", "hope" }, { "filing", "file" },
		{ "generously", "gener" }, { "conditional", "condit" }, { "electricity", "electr" },
		{ "rationalization", "ration" }, { "adjustable", "adjust" }, { "replacement", "replac" },
		{ "sensibility", "sensibl" }, { "hopefulness", "hope" }, { "declension", "declens" },
		{ "absorption", "absorpt" }, { "missed", "miss" }, { "sky", "sky" }, { "llll", "llll" },
		{ "yeyy", "yeyi" },
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

/* ---- metric_vectors.json ------------------------------------------------- */

/* A timeline built from the JSON [{"date", "sentences": [...]}, ...]; the
 * strings stay owned by the JSON document. */
struct jtl {
	struct tls_date *dates;
	struct nl_str *sents;
	struct tls_timeline tl;
};

static void jtl_from_json(struct jtl *t, json_t *arr)
{
	size_t nd = json_array_size(arr), ns = 0;
	for (size_t i = 0; i < nd; i++)
		ns += json_array_size(json_object_get(json_array_get(arr, i), "sentences"));
	t->dates = calloc(nd + 1, sizeof(*t->dates));
	t->sents = calloc(ns + 1, sizeof(*t->sents));
	size_t k = 0;
	for (size_t i = 0; i < nd; i++) {
		json_t *d = json_array_get(arr, i);
		const char *ds = json_string_value(json_object_get(d, "date"));
		cr_assert_not_null(ds);
		t->dates[i].day = day_parse(ds, 10);
		cr_assert_neq(t->dates[i].day, NL_NODAY, "bad date %s", ds);
		json_t *ss = json_object_get(d, "sentences");
		t->dates[i].sents = &t->sents[k];
		t->dates[i].nsents = json_array_size(ss);
		for (size_t j = 0; j < json_array_size(ss); j++) {
			json_t *s = json_array_get(ss, j);
			t->sents[k++] = nl_str_make(json_string_value(s), json_string_length(s));
		}
	}
	t->tl.dates = t->dates;
	t->tl.ndates = nd;
}

static void jtl_free(struct jtl *t)
{
	free(t->dates);
	free(t->sents);
}

static double jnum(json_t *o, const char *k1, const char *k2)
{
	json_t *v = json_object_get(o, k1);
	if (k2)
		v = json_object_get(v, k2);
	cr_assert(json_is_number(v), "missing %s.%s", k1, k2 ? k2 : "");
	return json_number_value(v);
}

static void expect_prf(const struct tls_prf *got, json_t *exp, const char *what)
{
	cr_expect(fabs(got->precision - jnum(exp, "precision", NULL)) < 1e-6,
		  "%s precision %.12f want %.12f", what, got->precision,
		  jnum(exp, "precision", NULL));
	cr_expect(fabs(got->recall - jnum(exp, "recall", NULL)) < 1e-6,
		  "%s recall %.12f want %.12f", what, got->recall, jnum(exp, "recall", NULL));
	cr_expect(fabs(got->f_score - jnum(exp, "f_score", NULL)) < 1e-6,
		  "%s f %.12f want %.12f", what, got->f_score, jnum(exp, "f_score", NULL));
}

static json_t *load_vectors(void)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/metric_vectors.json", vecdir);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	cr_assert_not_null(root, "%s: %s", path, jerr.text);
	return root;
}

Test(rouge, metric_vectors)
{
	json_t *root = load_vectors();
	json_t *cases = json_object_get(root, "cases");
	cr_assert(json_array_size(cases) >= 3);
	for (size_t c = 0; c < json_array_size(cases); c++) {
		json_t *cs = json_array_get(cases, c);
		const char *name = json_string_value(json_object_get(cs, "name"));
		json_t *exp = json_object_get(cs, "expected");
		struct jtl pred;
		jtl_from_json(&pred, json_object_get(cs, "predicted"));
		json_t *jrefs = json_object_get(cs, "references");
		size_t nrefs = json_array_size(jrefs);
		struct jtl *refs = calloc(nrefs, sizeof(*refs));
		struct tls_timeline *rtl = calloc(nrefs, sizeof(*rtl));
		for (size_t r = 0; r < nrefs; r++) {
			jtl_from_json(&refs[r], json_array_get(jrefs, r));
			rtl[r] = refs[r].tl;
		}

		struct tls_rouge_prf all[TLS_NMETRICS];
		cr_assert_eq(tls_eval_all(lang, &pred.tl, rtl, nrefs, all), NL_OK);
		for (int m = 0; m < TLS_NMETRICS; m++) {
			json_t *e = json_object_get(exp, tls_metric_name((enum tls_metric)m));
			cr_assert_not_null(e, "%s: no expected %s", name,
					   tls_metric_name((enum tls_metric)m));
			char what[256];
			snprintf(what, sizeof(what), "%s %s rouge_1", name,
				 tls_metric_name((enum tls_metric)m));
			expect_prf(&all[m].rouge_1, json_object_get(e, "rouge_1"), what);
			snprintf(what, sizeof(what), "%s %s rouge_2", name,
				 tls_metric_name((enum tls_metric)m));
			expect_prf(&all[m].rouge_2, json_object_get(e, "rouge_2"), what);

			struct tls_rouge_prf one;
			cr_assert_eq(tls_eval(lang, &pred.tl, rtl, nrefs, (enum tls_metric)m, &one),
				     NL_OK);
			cr_expect(memcmp(&one, &all[m], sizeof(one)) == 0,
				  "%s: tls_eval and tls_eval_all differ", name);
		}
		struct tls_prf d = tls_date_prf(&pred.tl, rtl, nrefs);
		char what[256];
		snprintf(what, sizeof(what), "%s date_f1", name);
		expect_prf(&d, json_object_get(exp, "date_f1"), what);

		for (size_t r = 0; r < nrefs; r++)
			jtl_free(&refs[r]);
		free(refs);
		free(rtl);
		jtl_free(&pred);
	}
	json_decref(root);
}

/* ---- counts.txt: raw ROUGE counts per date pair, and the cost matrices --- */

static void doc_from_json_list(struct rouge_doc *d, struct rouge_vocab *v, json_t *arr)
{
	rouge_doc_init(d);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *s = json_array_get(arr, i);
		rouge_doc_add_see(d, lang, v, json_string_value(s), json_string_length(s));
	}
}

/* Parse numpy's printing of a matrix: rows of numbers between brackets. */
static size_t parse_matrix(char **lines, size_t nlines, size_t *at, double *out, size_t cap)
{
	size_t n = 0;
	while (*at < nlines) {
		char *l = lines[*at];
		if (l[0] != ' ' && l[0] != '[')
			break;
		for (char *p = l; *p;) {
			if (*p == '[' || *p == ']' || *p == ' ') {
				p++;
				continue;
			}
			char *end;
			double x = strtod(p, &end);
			cr_assert(end != p, "bad matrix line: %s", l);
			cr_assert(n < cap);
			out[n++] = x;
			p = end;
		}
		(*at)++;
	}
	return n;
}

Test(rouge, counts_txt)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/counts.txt", vecdir);
	char *text = slurp(path, NULL);
	cr_assert_not_null(text, "cannot read %s", path);
	char *lines[256];
	size_t nlines = 0;
	for (char *p = text; p && *p && nlines < 256;) {
		lines[nlines++] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = 0;
	}
	struct rouge_vocab *v = rouge_vocab_new();
	size_t pairs = 0;
	double pc[64], rc[64];
	size_t npc = 0, nrc = 0;
	for (size_t i = 0; i < nlines; i++) {
		if (strncmp(lines[i], "PRED ", 5) == 0) {
			char *ref = strstr(lines[i], " REF ");
			cr_assert_not_null(ref);
			*ref = 0;
			json_error_t jerr;
			json_t *jp = json_loads(lines[i] + 5, 0, &jerr);
			json_t *jr = json_loads(ref + 5, 0, &jerr);
			cr_assert(jp && jr, "bad PRED/REF json on line %zu", i + 1);
			struct rouge_doc peer, models[8];
			doc_from_json_list(&peer, v, jp);
			size_t nm = 0;
			for (;; nm++) {
				char key[32];
				snprintf(key, sizeof(key), "%zu", nm);
				json_t *m = json_object_get(jr, key);
				if (!m || nm == 8)
					break;
				doc_from_json_list(&models[nm], v, m);
			}
			cr_assert(nm > 0);
			long h1, p1, m1, h2, p2, m2;
			cr_assert_eq(sscanf(lines[i + 1],
					    " r1 hit=%ld peer=%ld model=%ld | r2 hit=%ld peer=%ld model=%ld",
					    &h1, &p1, &m1, &h2, &p2, &m2), 6, "line %zu", i + 2);
			struct rouge_counts c1 = rouge_count(&peer, models, nm, 1);
			struct rouge_counts c2 = rouge_count(&peer, models, nm, 2);
			cr_expect(c1.hit == h1 && c1.peer == p1 && c1.model == m1,
				  "line %zu r1: got %lld/%lld/%lld", i + 1, (long long)c1.hit,
				  (long long)c1.peer, (long long)c1.model);
			cr_expect(c2.hit == h2 && c2.peer == p2 && c2.model == m2,
				  "line %zu r2: got %lld/%lld/%lld", i + 1, (long long)c2.hit,
				  (long long)c2.peer, (long long)c2.model);
			rouge_doc_release(&peer);
			for (size_t k = 0; k < nm; k++)
				rouge_doc_release(&models[k]);
			json_decref(jp);
			json_decref(jr);
			pairs++;
		} else if (strncmp(lines[i], "prec cost matrix", 16) == 0) {
			size_t at = i + 1;
			npc = parse_matrix(lines, nlines, &at, pc, 64);
			i = at - 1;
		} else if (strncmp(lines[i], "rec cost matrix", 15) == 0) {
			size_t at = i + 1;
			nrc = parse_matrix(lines, nlines, &at, rc, 64);
			i = at - 1;
		}
	}
	cr_assert_eq(pairs, 8);

	/* the matrices are those of egypt_single_ref, align+ (content) costs */
	json_t *root = load_vectors();
	json_t *cases = json_object_get(root, "cases");
	json_t *cs = NULL;
	for (size_t c = 0; c < json_array_size(cases); c++)
		if (strcmp(json_string_value(json_object_get(json_array_get(cases, c), "name")),
			   "egypt_single_ref") == 0)
			cs = json_array_get(cases, c);
	cr_assert_not_null(cs);
	struct jtl pred, ref;
	jtl_from_json(&pred, json_object_get(cs, "predicted"));
	jtl_from_json(&ref, json_array_get(json_object_get(cs, "references"), 0));
	double *cost;
	size_t np, nr;
	cr_assert_eq(tls_align_costs(&pred.tl, &ref.tl, 1, true, &cost, &np, &nr), NL_OK);
	cr_assert_eq(np * nr, npc);
	cr_assert_eq(np * nr, nrc);
	for (size_t i = 0; i < np; i++) {
		for (size_t j = 0; j < nr; j++) {
			cr_expect(fabs(cost[i * nr + j] - pc[i * nr + j]) < 1e-8,
				  "prec cost [%zu][%zu] %.10f want %.8f", i, j, cost[i * nr + j],
				  pc[i * nr + j]);
			cr_expect(fabs(cost[i * nr + j] - rc[j * np + i]) < 1e-8,
				  "rec cost [%zu][%zu]", j, i);
		}
	}
	free(cost);
	jtl_free(&pred);
	jtl_free(&ref);
	json_decref(root);
	rouge_vocab_free(v);
	free(text);
}

/* ---- assignment and edge cases -------------------------------------------- */

Test(rouge, assignment_matches_scipy)
{
	/* constant matrix: scipy returns the identity */
	double flat[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	size_t r[3], c[3];
	cr_assert_eq(tls_assign(flat, 3, 3, r, c), 3);
	for (size_t i = 0; i < 3; i++)
		cr_expect(r[i] == i && c[i] == i);
	/* tall matrix (3 rows, 2 cols): solved transposed, pairs by row */
	double tall[6] = { 4, 1, 2, 0, 3, 5 };
	size_t k = tls_assign(tall, 3, 2, r, c);
	cr_assert_eq(k, 2);
	cr_expect(r[0] == 0 && c[0] == 1 && r[1] == 1 && c[1] == 0,
		  "got (%zu,%zu) (%zu,%zu)", r[0], c[0], r[1], c[1]);
	/* classic 3x3 */
	double m[9] = { 4, 1, 3, 2, 0, 5, 3, 2, 2 };
	cr_assert_eq(tls_assign(m, 3, 3, r, c), 3);
	cr_expect(c[0] == 1 && c[1] == 0 && c[2] == 2);
}

Test(rouge, empty_and_invalid_timelines)
{
	struct nl_str s = NL_STR("Protesters gather in Tahrir Square .");
	struct tls_date d[2] = { { 100, &s, 1 }, { 100, &s, 1 } };
	struct tls_timeline one = { d, 1 }, dup = { d, 2 }, none = { NULL, 0 };
	struct tls_rouge_prf out[TLS_NMETRICS];
	cr_expect_eq(tls_eval_all(lang, &dup, &one, 1, out), NL_EINVAL);
	cr_expect_eq(tls_eval_all(lang, &one, &one, 0, out), NL_EINVAL);
	cr_assert_eq(tls_eval_all(lang, &none, &one, 1, out), NL_OK);
	for (int m = 0; m < TLS_NMETRICS; m++)
		cr_expect(out[m].rouge_1.precision == 0 && out[m].rouge_1.recall == 0);
	cr_assert_eq(tls_eval_all(lang, &one, &one, 1, out), NL_OK);
	for (int m = 0; m < TLS_NMETRICS; m++)
		cr_expect(out[m].rouge_1.f_score == 1 && out[m].rouge_2.f_score == 1, "%s",
			  tls_metric_name((enum tls_metric)m));
	struct tls_prf dp = tls_date_prf(&none, &one, 1);
	cr_expect(dp.precision == 0 && dp.recall == 0 && dp.f_score == 0);
}

/* ---- newstls-toy: AR-1 / AR-2 of the published DATEWISE and CLUST outputs -- */

/* Parse "{"YYYY-MM-DD": [sentences], ...}" into a timeline. */
static void jtl_from_object(struct jtl *t, json_t *obj)
{
	json_t *arr = json_array();
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val) {
		json_t *d = json_object();
		json_object_set_new(d, "date", json_string(key));
		json_object_set(d, "sentences", val);
		json_array_append_new(arr, d);
	}
	jtl_from_json(t, arr);
	json_decref(arr); /* strings stay alive: obj still holds them */
}

Test(rouge, newstls_toy_scores)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/newstls-toy/flood/timelines.jsonl", vecdir);
	char *line = slurp(path, NULL);
	cr_assert_not_null(line, "cannot read %s", path);
	json_error_t jerr;
	json_t *jref = json_loads(line, JSON_DISABLE_EOF_CHECK, &jerr);
	cr_assert_not_null(jref, "%s: %s", path, jerr.text);
	/* [[ "2020-03-02T00:00:00", [sentences] ], ...] */
	json_t *arr = json_array();
	for (size_t i = 0; i < json_array_size(jref); i++) {
		json_t *it = json_array_get(jref, i);
		char day[11];
		snprintf(day, sizeof(day), "%.10s", json_string_value(json_array_get(it, 0)));
		json_t *d = json_object();
		json_object_set_new(d, "date", json_string(day));
		json_object_set(d, "sentences", json_array_get(it, 1));
		json_array_append_new(arr, d);
	}
	struct jtl ref;
	jtl_from_json(&ref, arr);

	snprintf(path, sizeof(path), "%s/newstls-toy/expected_output.txt", vecdir);
	char *text = slurp(path, NULL);
	cr_assert_not_null(text, "cannot read %s", path);
	size_t systems = 0;
	for (char *p = strstr(text, "\n== "); p; p = strstr(p + 1, "\n== ")) {
		char *brace = strchr(p, '{');
		char *ar = strstr(p, "AR1 P/R/F [");
		cr_assert(brace && ar && brace < ar);
		json_t *pred = json_loadb(brace, (size_t)(ar - brace), 0, &jerr);
		cr_assert_not_null(pred, "%s", jerr.text);
		double w[6];
		cr_assert_eq(sscanf(ar, "AR1 P/R/F [%lf, %lf, %lf] AR2 P/R/F [%lf, %lf, %lf]", &w[0],
				    &w[1], &w[2], &w[3], &w[4], &w[5]), 6);
		struct jtl pt;
		jtl_from_object(&pt, pred);
		struct tls_rouge_prf got;
		cr_assert_eq(tls_eval(lang, &pt.tl, &ref.tl, 1, TLS_ALIGN_PLUS_M1, &got), NL_OK);
		double g[6] = { got.rouge_1.precision, got.rouge_1.recall, got.rouge_1.f_score,
				got.rouge_2.precision, got.rouge_2.recall, got.rouge_2.f_score };
		for (int i = 0; i < 6; i++)
			cr_expect(fabs(g[i] - w[i]) < 1e-6, "system %zu value %d: %.6f want %.6f",
				  systems, i, g[i], w[i]);
		jtl_free(&pt);
		json_decref(pred);
		systems++;
	}
	cr_assert_eq(systems, 2, "DATEWISE and CLUST");
	jtl_free(&ref);
	json_decref(arr);
	json_decref(jref);
	free(text);
	free(line);
}
