/*
 * te3eval.c — score the date tagger (src/dates) on TempEval-3 TimeML files
 * the way the TempEval-3 task A scorer (evaluate_entities.py) does, and
 * measure its speed.
 *
 *   build/bench/te3eval [--errors] [--speed DIR] [PATH...]
 *
 * PATH is a .tml file or a directory searched recursively for them (default
 * ../shared/data/tempeval3/tbaq). For each document: the DCT is the value of
 * the TIMEX3 whose functionInDocument is CREATION_TIME; the text is the
 * content of <TEXT> with tags removed and the XML entities decoded; the gold
 * timexes are the TIMEX3 elements inside <TEXT>, with spans in that text.
 * The text is tagged line by line with one struct dates_ctx per document,
 * as the indexer does at ingest.
 *
 * Scoring (after the TE3 scorer, whose normaliser gives a system timex the
 * id of the gold timex it overlaps):
 *   relaxed match   the spans overlap; strict match: the spans are equal
 *   precision       system timexes matched / system timexes
 *   recall          gold timexes matched / gold timexes
 *   type / value    accuracy = gold timexes whose matching system timex has
 *                   the same type / value, over relaxed-matched gold timexes;
 *                   attribute F1 = accuracy x relaxed F1 (as the scorer prints)
 * Per type T: recall over gold timexes of type T, precision over system
 * timexes of type T.
 *
 * --errors prints every miss, false alarm and wrong value (for development).
 * --speed DIR also times the tagger on the *.txt news files under DIR (e.g.
 * ../shared/data/t17, one sentence per line), reporting MB/s on one core.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dates/dates.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/day.h"

struct gold {
	uint32_t start, end;
	int type;
	char value[64];
};

struct doc {
	char *path;
	int32_t dct;
	struct buf text;
	struct gold *g;
	size_t ng, gcap;
};

static struct doc *docs;
static size_t ndocs, doccap;

/* ---- reading TimeML ------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	for (;;) {
		char *p = buf_reserve(&b, 1 << 16);
		size_t got = fread(p, 1, 1 << 16, f);
		if (!got)
			break;
		b.n += got;
		b.p[b.n] = 0;
	}
	fclose(f);
	if (!b.p)
		buf_reserve(&b, 1);
	b.p[b.n] = 0;
	*len = b.n;
	return b.p;
}

/* Value of attribute name="..." within tag [p, e); empty if absent. */
static void attr(const char *p, const char *e, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	out[0] = 0;
	for (const char *q = p; q + n + 2 < e; q++) {
		if ((q == p || q[-1] == ' ') && !strncmp(q, name, n) && q[n] == '=' && q[n + 1] == '"') {
			const char *v = q + n + 2, *ve = memchr(v, '"', (size_t)(e - v));
			if (!ve)
				return;
			size_t l = NL_MIN((size_t)(ve - v), cap - 1);
			memcpy(out, v, l);
			out[l] = 0;
			return;
		}
	}
}

static int type_code(const char *s)
{
	if (!strcmp(s, "DATE"))
		return DATE_DATE;
	if (!strcmp(s, "TIME"))
		return DATE_TIME;
	if (!strcmp(s, "DURATION"))
		return DATE_DURATION;
	if (!strcmp(s, "SET"))
		return DATE_SET;
	return -1;
}

/* Append the character data [p, e) decoding XML entities. */
static void put_text(struct buf *b, const char *p, const char *e)
{
	while (p < e) {
		if (*p == '&') {
			const char *semi = memchr(p, ';', (size_t)(e - p));
			if (semi && semi - p <= 8) {
				size_t n = (size_t)(semi - p - 1);
				const char *ent = p + 1;
				int c = -1;
				if (n == 3 && !strncmp(ent, "amp", 3)) c = '&';
				else if (n == 2 && !strncmp(ent, "lt", 2)) c = '<';
				else if (n == 2 && !strncmp(ent, "gt", 2)) c = '>';
				else if (n == 4 && !strncmp(ent, "quot", 4)) c = '"';
				else if (n == 4 && !strncmp(ent, "apos", 4)) c = '\'';
				else if (n >= 2 && ent[0] == '#') {
					long v = ent[1] == 'x' ? strtol(ent + 2, NULL, 16) : strtol(ent + 1, NULL, 10);
					if (v > 0 && v < 128)
						c = (int)v;
					else if (v >= 128 && v < 0x800) {
						buf_putc(b, 0xC0 | (int)(v >> 6));
						buf_putc(b, 0x80 | (int)(v & 0x3F));
						p = semi + 1;
						continue;
					}
				}
				if (c >= 0) {
					buf_putc(b, c);
					p = semi + 1;
					continue;
				}
			}
		}
		buf_putc(b, *p++);
	}
}

static int load_tml(const char *path)
{
	size_t len;
	char *s = slurp(path, &len);
	if (!s) {
		nl_warn("te3eval: %s: cannot read", path);
		return -1;
	}
	if (ndocs == doccap)
		docs = xgrow(docs, &doccap, ndocs + 1, sizeof *docs);
	struct doc *d = &docs[ndocs];
	memset(d, 0, sizeof *d);
	d->path = xstrdup(path);
	d->dct = NL_NODAY;
	buf_init(&d->text, 0);

	/* the DCT */
	for (const char *q = strstr(s, "<TIMEX3"); q; q = strstr(q + 1, "<TIMEX3")) {
		const char *qe = strchr(q, '>');
		if (!qe)
			break;
		char fn[64], val[64];
		attr(q, qe, "functionInDocument", fn, sizeof fn);
		if (!strcmp(fn, "CREATION_TIME")) {
			attr(q, qe, "value", val, sizeof val);
			d->dct = day_parse(val, NL_MIN(strlen(val), (size_t)10));
			break;
		}
	}
	const char *tb = strstr(s, "<TEXT>"), *te = tb ? strstr(tb, "</TEXT>") : NULL;
	if (!tb || !te) {
		nl_warn("te3eval: %s: no <TEXT>", path);
		free(s);
		free(d->path);
		buf_release(&d->text);
		return -1;
	}
	const char *p = tb + 6;
	struct gold *open_g = NULL;
	while (p < te) {
		const char *lt = memchr(p, '<', (size_t)(te - p));
		if (!lt)
			lt = te;
		put_text(&d->text, p, lt);
		if (lt >= te)
			break;
		const char *gt = memchr(lt, '>', (size_t)(te - lt));
		if (!gt)
			break;
		if (!strncmp(lt, "<TIMEX3", 7)) {
			if (d->ng == d->gcap)
				d->g = xgrow(d->g, &d->gcap, d->ng + 1, sizeof *d->g);
			open_g = &d->g[d->ng++];
			char ty[32];
			attr(lt, gt, "type", ty, sizeof ty);
			attr(lt, gt, "value", open_g->value, sizeof open_g->value);
			open_g->type = type_code(ty);
			open_g->start = (uint32_t)d->text.n;
		} else if (!strncmp(lt, "</TIMEX3", 8) && open_g) {
			open_g->end = (uint32_t)d->text.n;
			open_g = NULL;
		}
		p = gt + 1;
	}
	/* drop empty gold timexes (the scorer skips them) */
	size_t k = 0;
	for (size_t i = 0; i < d->ng; i++)
		if (d->g[i].end > d->g[i].start)
			d->g[k++] = d->g[i];
	d->ng = k;
	free(s);
	ndocs++;
	return 0;
}

static void load_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		nl_warn("te3eval: %s: no such file or directory", path);
		return;
	}
	if (S_ISREG(st.st_mode)) {
		size_t n = strlen(path);
		if (n > 4 && !strcmp(path + n - 4, ".tml"))
			load_tml(path);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			char sub[4096];
			snprintf(sub, sizeof sub, "%s/%s", path, ents[i]->d_name);
			load_path(sub);
		}
		free(ents[i]);
	}
	free(ents);
}

/* ---- tagging and scoring ---------------------------------------------------- */

struct sysm {
	uint32_t start, end;
	int type;
	char value[DATES_VALUE_MAX];
};

/* Tag a document line by line with one context; appends to *out. */
static size_t tag_doc(struct dates_tagger *t, const char *text, size_t len, int32_t dct,
		      struct sysm **out, size_t *cap)
{
	struct dates_ctx ctx;
	dates_ctx_init(&ctx);
	size_t n = 0, pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		const struct date_mention *m;
		size_t k = dates_tag(t, text + pos, end - pos, dct, &ctx, &m);
		for (size_t i = 0; i < k; i++) {
			if (n == *cap)
				*out = xgrow(*out, cap, n + 1, sizeof **out);
			(*out)[n].start = (uint32_t)pos + m[i].start;
			(*out)[n].end = (uint32_t)pos + m[i].end;
			(*out)[n].type = m[i].type;
			memcpy((*out)[n].value, m[i].value, DATES_VALUE_MAX);
			n++;
		}
		pos = end + 1;
	}
	return n;
}

struct score {
	long gold, sys, rel_r, rel_p, str_r, str_p, type_ok, value_ok;
};

static double f1(double p, double r)
{
	return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

static void print_row(const char *name, const struct score *s)
{
	double sp = s->sys ? (double)s->str_p / (double)s->sys : 0;
	double sr = s->gold ? (double)s->str_r / (double)s->gold : 0;
	double rp = s->sys ? (double)s->rel_p / (double)s->sys : 0;
	double rr = s->gold ? (double)s->rel_r / (double)s->gold : 0;
	double rf = f1(rp, rr);
	double ta = s->rel_r ? (double)s->type_ok / (double)s->rel_r : 0;
	double va = s->rel_r ? (double)s->value_ok / (double)s->rel_r : 0;
	printf("%-9s %5ld %5ld | %.3f %.3f %.3f | %.3f %.3f %.3f | %.3f %.3f | %.3f %.3f\n", name,
	       s->gold, s->sys, sp, sr, f1(sp, sr), rp, rr, rf, ta, ta * rf, va, va * rf);
}

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Collect *.txt files under dir into one buffer (up to cap bytes). */
static void load_txt(const char *path, struct buf *b, size_t cap)
{
	struct stat st;
	if (b->n >= cap || stat(path, &st) != 0)
		return;
	if (S_ISREG(st.st_mode)) {
		size_t n = strlen(path);
		if (n > 4 && !strcmp(path + n - 4, ".txt")) {
			size_t len;
			char *s = slurp(path, &len);
			if (s) {
				buf_put(b, s, len);
				if (len && s[len - 1] != '\n')
					buf_putc(b, '\n');
				free(s);
			}
		}
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			char sub[4096];
			snprintf(sub, sizeof sub, "%s/%s", path, ents[i]->d_name);
			load_txt(sub, b, cap);
		}
		free(ents[i]);
	}
	free(ents);
}

/* Tag text line by line, repeatedly for at least min_sec; returns MB/s. */
static double speed(struct dates_tagger *t, const char *text, size_t len, int32_t dct, double min_sec,
		    size_t *mentions)
{
	double t0 = now_sec(), el;
	size_t bytes = 0, nm = 0;
	do {
		struct dates_ctx ctx;
		dates_ctx_init(&ctx);
		size_t pos = 0;
		while (pos < len) {
			const char *nl = memchr(text + pos, '\n', len - pos);
			size_t end = nl ? (size_t)(nl - text) : len;
			const struct date_mention *m;
			nm += dates_tag(t, text + pos, end - pos, dct, &ctx, &m);
			pos = end + 1;
		}
		bytes += len;
		el = now_sec() - t0;
	} while (el < min_sec);
	*mentions = nm;
	return (double)bytes / el / 1e6;
}

int main(int argc, char **argv)
{
	bool errors = false;
	const char *speed_dir = NULL;
	int npaths = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--errors"))
			errors = true;
		else if (!strcmp(argv[i], "--speed") && i + 1 < argc)
			speed_dir = argv[++i];
		else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: te3eval [--errors] [--speed DIR] [PATH...]\n");
			return 2;
		} else {
			load_path(argv[i]);
			npaths++;
		}
	}
	if (!npaths)
		load_path("../shared/data/tempeval3/tbaq");
	if (!ndocs) {
		fprintf(stderr, "te3eval: no .tml documents found\n");
		return 1;
	}

	struct dates_tagger *t = dates_new();
	struct score all = { 0 }, per[4] = { { 0 } };
	struct sysm *sm = NULL;
	size_t smcap = 0, text_bytes = 0;
	for (size_t di = 0; di < ndocs; di++) {
		struct doc *d = &docs[di];
		text_bytes += d->text.n;
		size_t ns = tag_doc(t, d->text.p, d->text.n, d->dct, &sm, &smcap);
		/* recall side */
		for (size_t gi = 0; gi < d->ng; gi++) {
			const struct gold *g = &d->g[gi];
			int gt = g->type >= 0 ? g->type : 0;
			all.gold++;
			per[gt].gold++;
			const struct sysm *best = NULL;
			for (size_t si = 0; si < ns; si++) {
				if (sm[si].start < g->end && g->start < sm[si].end) {
					if (!best || (sm[si].start == g->start && sm[si].end == g->end))
						best = &sm[si];
				}
			}
			if (!best) {
				if (errors)
					printf("MISS  %s\t%s\t%.*s\t%s\n", d->path + (strlen(d->path) > 40 ? strlen(d->path) - 40 : 0),
					       dates_type_name(g->type), (int)(g->end - g->start), d->text.p + g->start, g->value);
				continue;
			}
			all.rel_r++;
			per[gt].rel_r++;
			if (best->start == g->start && best->end == g->end) {
				all.str_r++;
				per[gt].str_r++;
			} else if (errors) {
				printf("SPAN  gold '%.*s' sys '%.*s'\n", (int)(g->end - g->start), d->text.p + g->start,
				       (int)(best->end - best->start), d->text.p + best->start);
			}
			if (best->type == g->type) {
				all.type_ok++;
				per[gt].type_ok++;
			}
			if (!strcmp(best->value, g->value)) {
				all.value_ok++;
				per[gt].value_ok++;
			} else if (errors) {
				char dct[11] = "none";
				if (d->dct != NL_NODAY)
					day_format(d->dct, dct);
				printf("VALUE dct %s '%.*s' gold %s %s sys %s %s\n", dct, (int)(g->end - g->start),
				       d->text.p + g->start, dates_type_name(g->type), g->value,
				       dates_type_name(best->type), best->value);
			}
		}
		/* precision side */
		for (size_t si = 0; si < ns; si++) {
			const struct sysm *s = &sm[si];
			all.sys++;
			per[s->type].sys++;
			bool rel = false, str = false;
			for (size_t gi = 0; gi < d->ng; gi++) {
				const struct gold *g = &d->g[gi];
				if (s->start < g->end && g->start < s->end) {
					rel = true;
					if (s->start == g->start && s->end == g->end)
						str = true;
				}
			}
			if (rel) {
				all.rel_p++;
				per[s->type].rel_p++;
			} else if (errors) {
				/* a little context around the false alarm */
				uint32_t cs = s->start > 30 ? s->start - 30 : 0;
				uint32_t ce = (uint32_t)NL_MIN((size_t)s->end + 30, d->text.n);
				printf("FALSE %s %s\t[%.*s]\t...%.*s...\n", dates_type_name(s->type), s->value,
				       (int)(s->end - s->start), d->text.p + s->start, (int)(ce - cs), d->text.p + cs);
			}
			if (str) {
				all.str_p++;
				per[s->type].str_p++;
			}
		}
	}

	printf("TempEval-3 task A (timex) on %zu documents, %zu bytes of text\n\n", ndocs, text_bytes);
	printf("%-9s %5s %5s | %-17s | %-17s | %-11s | %-11s\n", "", "gold", "sys", "strict P R F1",
	       "relaxed P R F1", "type acc F1", "value acc F1");
	print_row("overall", &all);
	for (int i = 0; i < 4; i++)
		print_row(dates_type_name(i), &per[i]);
	double rp = all.sys ? (double)all.rel_p / (double)all.sys : 0;
	double rr = all.gold ? (double)all.rel_r / (double)all.gold : 0;
	double sp = all.sys ? (double)all.str_p / (double)all.sys : 0;
	double sr = all.gold ? (double)all.str_r / (double)all.gold : 0;
	double rf = f1(rp, rr), sf = f1(sp, sr);
	double vf = all.rel_r ? (double)all.value_ok / (double)all.rel_r * rf : 0;
	printf("\n%-28s %8s %8s %8s\n", "", "strictF1", "relaxF1", "valueF1");
	printf("%-28s %8.3f %8.3f %8.3f\n", "newsline (this run)", sf, rf, vf);
	printf("%-28s %8.3f %8.3f %8.3f\n", "HeidelTime-t (TE3, published)", 0.813, 0.903, 0.776);
	printf("%-28s %8.2f %8.2f %8.2f\n", "ratio newsline/HeidelTime", sf / 0.813, rf / 0.903, vf / 0.776);
	printf("(HeidelTime's numbers are on the TE3 platinum test set; these are on the files above)\n");

	/* speed */
	struct buf all_text;
	buf_init(&all_text, 0);
	for (size_t di = 0; di < ndocs; di++) {
		buf_put(&all_text, docs[di].text.p, docs[di].text.n);
		buf_putc(&all_text, '\n');
	}
	size_t nm;
	double mbs = speed(t, all_text.p, all_text.n, docs[0].dct, 1.0, &nm);
	printf("\nspeed: %.1f MB/s on the TimeML text (one core)\n", mbs);
	if (speed_dir) {
		struct buf news;
		buf_init(&news, 0);
		load_txt(speed_dir, &news, (size_t)64 << 20);
		if (news.n) {
			double mb = speed(t, news.p, news.n, day_from_ymd(2011, 6, 1), 2.0, &nm);
			printf("speed: %.1f MB/s on %.1f MB of news text under %s (one core)\n", mb,
			       (double)news.n / 1e6, speed_dir);
		}
		buf_release(&news);
	}
	buf_release(&all_text);

	dates_free(t);
	free(sm);
	for (size_t di = 0; di < ndocs; di++) {
		free(docs[di].path);
		free(docs[di].g);
		buf_release(&docs[di].text);
	}
	free(docs);
	return 0;
}
