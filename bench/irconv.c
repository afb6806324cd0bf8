/*
 * irconv.c — convert a classic SMART-format test collection (CRAN, CISI,
 * MED, ADI in ../shared/data/ir) into the three files the relevance harness
 * feeds every engine:
 *
 *   docs.jsonl   {"id","title","text"} per document (newsline's JSONL reader)
 *   queries.tsv  qid <TAB> query text as plain lower-case words, so that no
 *                engine's query syntax reads an operator, field or quote
 *                into it: every engine runs the same OR of words
 *   qrels.txt    TREC format: qid 0 docid grade
 *
 * Usage: irconv NAME SRCDIR OUTDIR     (NAME: cran, cisi, med or adi)
 *
 * SMART files are records opened by ".I <id>" and split into fields by
 * lines ".T" (title), ".A" (authors), ".B" (bibliography), ".W" (text),
 * ".X" (citations), ".K", ".C". A field may repeat (CRAN 576 has two .W,
 * ADI 67 two .T): repeats are joined. Documents keep .T as title and .W as
 * text; queries keep .W only (CISI queries also carry .T/.A/.B of the paper
 * they came from, which is not part of the request).
 *
 * Relevance judgements come in a different layout per collection:
 *   cran  cranqrel   "qid docid code": qid numbers the queries in file order
 *                    (1..225) while cran.qry's .I ids skip (1, 2, 4, 8...), so
 *                    query ids are renumbered to their position in the file.
 *                    code is Cleverdon's scale: 1 complete answer, 2 high, 3
 *                    useful, 4 minimal interest; -1 (one per query) is not
 *                    relevant. Grades become 5 - code (4..1), -1 becomes 0.
 *   cisi  CISI.REL   "qid docid 0 0.000000", binary
 *   adi   ADI.REL    "qid docid 0 0.000000", binary
 *   med   MED.REL    "qid 0 docid 1" (already TREC), binary
 * Pairs listed twice keep their highest grade.
 */
#include "util/buf.h"
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rec {
	char *id;
	struct buf title, text;
};

struct recs {
	struct rec *v;
	size_t n, cap;
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		nl_die("irconv: %s: cannot open", path);
	struct buf b;
	buf_init(&b, 0);
	char tmp[65536];
	size_t k;
	while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_put(&b, tmp, k);
	fclose(f);
	return buf_detach(&b, len);
}

/* Append a line to a field, joining lines with one space. */
static void field_add(struct buf *b, const char *p, size_t n)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	if (!n)
		return;
	if (b->n)
		buf_putc(b, ' ');
	buf_put(b, p, n);
}

/* Parse a SMART file into records; fields other than .T and .W are skipped. */
static void smart_parse(const char *path, struct recs *out)
{
	size_t len;
	char *s = slurp(path, &len);
	struct buf *cur = NULL;
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && s[e] != '\n')
			e++;
		const char *l = s + i;
		size_t n = e - i;
		i = e + 1;
		bool marker = n >= 2 && l[0] == '.' && l[1] >= 'A' && l[1] <= 'Z' &&
			      (n == 2 || l[2] == ' ' || l[2] == '\t' || l[2] == '\r');
		if (marker && l[1] == 'I') {
			out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof(*out->v));
			struct rec *r = &out->v[out->n++];
			const char *p = l + 2;
			size_t k = n - 2;
			while (k && (*p == ' ' || *p == '\t'))
				p++, k--;
			while (k && (p[k - 1] == ' ' || p[k - 1] == '\r'))
				k--;
			if (!k)
				nl_die("irconv: %s: .I without an id", path);
			r->id = xstrndup(p, k);
			buf_init(&r->title, 0);
			buf_init(&r->text, 0);
			cur = NULL;
		} else if (marker) {
			if (!out->n)
				nl_die("irconv: %s: field before the first .I", path);
			struct rec *r = &out->v[out->n - 1];
			cur = l[1] == 'T' ? &r->title : l[1] == 'W' ? &r->text : NULL;
			/* text on the marker line itself (".T title") belongs to the field */
			if (cur && n > 3)
				field_add(cur, l + 3, n - 3);
		} else if (cur) {
			field_add(cur, l, n);
		}
	}
	free(s);
}

/* Query text as plain lower-case words: letters and digits kept, everything
 * else (quotes, parentheses, colons, hyphens, ?, *, +, -) becomes a blank. */
static void plain_words(const struct buf *in, struct buf *out)
{
	buf_clear(out);
	bool blank = true;
	for (size_t i = 0; i < in->n; i++) {
		unsigned char c = (unsigned char)in->p[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
			buf_putc(out, c);
			blank = false;
		} else if (!blank) {
			buf_putc(out, ' ');
			blank = true;
		}
	}
	while (out->n && out->p[out->n - 1] == ' ')
		out->p[--out->n] = 0;
}

struct qrel {
	long qid;
	char *doc;
	int grade;
};

static int qrel_cmp(const void *a, const void *b)
{
	const struct qrel *x = a, *y = b;
	if (x->qid != y->qid)
		return x->qid < y->qid ? -1 : 1;
	long dx = strtol(x->doc, NULL, 10), dy = strtol(y->doc, NULL, 10);
	if (dx != dy)
		return dx < dy ? -1 : 1;
	int c = strcmp(x->doc, y->doc);
	if (c)
		return c;
	return y->grade - x->grade; /* highest grade first, so dedup keeps it */
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		nl_die("irconv: %s: cannot create", path);
	return f;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		nl_die("usage: irconv cran|cisi|med|adi SRCDIR OUTDIR");
	const char *name = argv[1], *src = argv[2], *dst = argv[3];
	const char *fdocs, *fqry, *frel;
	if (!strcmp(name, "cran"))
		fdocs = "cran.all.1400", fqry = "cran.qry", frel = "cranqrel";
	else if (!strcmp(name, "cisi"))
		fdocs = "CISI.ALL", fqry = "CISI.QRY", frel = "CISI.REL";
	else if (!strcmp(name, "med"))
		fdocs = "MED.ALL", fqry = "MED.QRY", frel = "MED.REL";
	else if (!strcmp(name, "adi"))
		fdocs = "ADI.ALL", fqry = "ADI.QRY", frel = "ADI.REL";
	else
		nl_die("irconv: unknown collection '%s' (cran, cisi, med, adi)", name);
	char path[4096];

	/* documents */
	struct recs docs = { 0 };
	snprintf(path, sizeof(path), "%s/%s", src, fdocs);
	smart_parse(path, &docs);
	FILE *f = open_out(dst, "docs.jsonl");
	for (size_t i = 0; i < docs.n; i++) {
		struct rec *r = &docs.v[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(r->id));
		json_object_set_new(o, "title", json_stringn(r->title.p ? r->title.p : "", r->title.n));
		json_object_set_new(o, "text", json_stringn(r->text.p ? r->text.p : "", r->text.n));
		char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!line)
			nl_die("irconv: document %s is not valid UTF-8", r->id);
		fprintf(f, "%s\n", line);
		free(line);
		json_decref(o);
	}
	if (fclose(f))
		nl_die("irconv: %s: write failed", dst);

	/* queries: qid = position in the file for cran, the .I id otherwise */
	struct recs qs = { 0 };
	snprintf(path, sizeof(path), "%s/%s", src, fqry);
	smart_parse(path, &qs);
	bool renumber = !strcmp(name, "cran");
	f = open_out(dst, "queries.tsv");
	struct buf words;
	buf_init(&words, 0);
	for (size_t i = 0; i < qs.n; i++) {
		long qid = renumber ? (long)i + 1 : strtol(qs.v[i].id, NULL, 10);
		plain_words(&qs.v[i].text, &words);
		fprintf(f, "%ld\t%s\n", qid, words.p ? words.p : "");
	}
	buf_release(&words);
	fclose(f);

	/* judgements */
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", src, frel);
	char *s = slurp(path, &len);
	struct qrel *rel = NULL;
	size_t nrel = 0, caprel = 0;
	for (char *line = s, *next; line < s + len; line = next) {
		char *nl = memchr(line, '\n', (size_t)(s + len - line));
		next = nl ? nl + 1 : s + len;
		if (nl)
			*nl = 0;
		char a[64], b[64], c[64], d[64];
		int k = sscanf(line, "%63s %63s %63s %63s", a, b, c, d);
		if (k < 3)
			continue;
		struct qrel q;
		q.qid = strtol(a, NULL, 10);
		if (!strcmp(name, "cran")) {
			long code = strtol(c, NULL, 10);
			q.doc = xstrdup(b);
			q.grade = code >= 1 && code <= 4 ? (int)(5 - code) : 0;
		} else if (!strcmp(name, "med")) {
			if (k < 4)
				nl_die("irconv: %s: bad line '%s'", path, line);
			q.doc = xstrdup(c);
			q.grade = strtol(d, NULL, 10) > 0 ? 1 : 0;
		} else {
			q.doc = xstrdup(b);
			q.grade = 1;
		}
		rel = xgrow(rel, &caprel, nrel + 1, sizeof(*rel));
		rel[nrel++] = q;
	}
	free(s);
	qsort(rel, nrel, sizeof(*rel), qrel_cmp);
	f = open_out(dst, "qrels.txt");
	size_t nq = 0, npos = 0;
	for (size_t i = 0; i < nrel; i++) {
		if (i && rel[i].qid == rel[i - 1].qid && !strcmp(rel[i].doc, rel[i - 1].doc))
			continue;
		if (!i || rel[i].qid != rel[i - 1].qid)
			nq++;
		npos += rel[i].grade > 0;
		fprintf(f, "%ld 0 %s %d\n", rel[i].qid, rel[i].doc, rel[i].grade);
	}
	fclose(f);
	fprintf(stderr, "irconv: %s: %zu documents, %zu queries, %zu judged queries, %zu relevant pairs\n",
		name, docs.n, qs.n, nq, npos);
	return 0;
}
