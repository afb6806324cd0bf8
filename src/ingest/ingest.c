/*
 * ingest.c — walk paths, recognise formats, report problems; see ingest.h.
 *
 * Format detection: a file under .../InputDocs/<YYYY-MM-DD>/ is t17; a name
 * ending in .jsonl/.ndjson/.json (optionally .gz/.zst) is jsonl; a file whose
 * decompressed content starts with '{' is jsonl; anything else is a text
 * record. --format overrides it.
 */
#include "ingest/ingest.h"
#include "ingest/readers.h"
#include "util/day.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *reason_names[INGEST_NREASONS] = {
	[SKIP_EMPTY] = "empty",
	[SKIP_BINARY] = "binary",
	[SKIP_BADJSON] = "bad-json",
	[SKIP_TOOLONG] = "too-long",
	[SKIP_DAMAGED] = "damaged",
	[SKIP_UNREADABLE] = "unreadable",
	[WARN_NODATE] = "no-date",
	[WARN_BADDATE] = "bad-date",
	[WARN_NOURL] = "no-url",
	[WARN_NOTITLE] = "no-title",
	[WARN_BADUTF8] = "bad-utf8",
};

const char *ingest_reason_name(enum ingest_reason r)
{
	return r < INGEST_NREASONS ? reason_names[r] : "?";
}

void ingest_init(struct ingest *ig, ingest_emit_fn emit, void *ctx)
{
	memset(ig, 0, sizeof *ig);
	ig->format = FMT_AUTO;
	ig->max_record = 16u << 20;
	ig->max_messages = 20;
	ig->emit = emit;
	ig->ctx = ctx;
}

static void print_msg(struct ingest *ig, enum ingest_reason why, const char *text, size_t n)
{
	if (ig->quiet)
		return;
	if (ig->printed[why] >= ig->max_messages) {
		if (ig->printed[why] == ig->max_messages) {
			fprintf(stderr, "newsline: further '%s' messages suppressed (see summary)\n",
				reason_names[why]);
			ig->printed[why]++;
			__atomic_store_n(&ig->muted[why], 1, __ATOMIC_RELAXED);
		}
		return;
	}
	ig->printed[why]++;
	fprintf(stderr, "newsline: %.*s\n", (int)n, text);
}

void ingest_report(struct ingest *ig, enum ingest_reason why, const char *file, uint64_t line,
		   const char *fmt, ...)
{
	ig->st.count[why]++;
	if (ig->quiet)
		return;
	if (ig->capture && ig->muted_by && __atomic_load_n(&ig->muted_by[why], __ATOMIC_RELAXED))
		return; /* would not be printed: no need to format it */
	char text[1024];
	int n = line ? snprintf(text, sizeof text, "%s:%llu: ", file, (unsigned long long)line)
		     : snprintf(text, sizeof text, "%s: ", file);
	if (n < 0 || (size_t)n >= sizeof text)
		n = 0;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : NL_MIN((size_t)m, sizeof text - (size_t)n - 1));
	if (ig->capture) {
		/* u32 key, u8 reason, u16 length, text */
		unsigned char h[7];
		wr_u32le(h, ig->capture_key);
		h[4] = (unsigned char)why;
		h[5] = (unsigned char)(len & 0xff);
		h[6] = (unsigned char)(len >> 8);
		buf_put(ig->capture, h, 7);
		buf_put(ig->capture, text, len);
		return;
	}
	print_msg(ig, why, text, len);
}

struct msgref {
	uint32_t key, seq;
	size_t off;
};

static int cmp_msg(const void *a, const void *b)
{
	const struct msgref *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void ingest_replay(struct ingest *ig, const char *msgs, size_t len)
{
	struct msgref *r = NULL;
	size_t n = 0, cap = 0;
	for (size_t off = 0; off + 7 <= len;) {
		const unsigned char *h = (const unsigned char *)msgs + off;
		size_t l = (size_t)h[5] | (size_t)h[6] << 8;
		r = xgrow(r, &cap, n + 1, sizeof *r);
		r[n] = (struct msgref){ rd_u32le(h), (uint32_t)n, off };
		n++;
		off += 7 + l;
	}
	if (n == 0)
		return;
	qsort(r, n, sizeof *r, cmp_msg);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *h = (const unsigned char *)msgs + r[i].off;
		size_t l = (size_t)h[5] | (size_t)h[6] << 8;
		enum ingest_reason why = h[4] < INGEST_NREASONS ? h[4] : SKIP_DAMAGED;
		print_msg(ig, why, (const char *)h + 7, l);
	}
	free(r);
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + s[i] - '0';
	}
	return v;
}

int32_t ingest_parse_date(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
	int y, m, d;
	if (n >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4]) {
		/* YYYY-MM-DD, optionally followed by a time part */
		if (n > 10 && s[10] != 'T' && s[10] != ' ' && s[10] != 't')
			return NL_NODAY;
		y = num(s, 4); m = num(s + 5, 2); d = num(s + 8, 2);
	} else if (n == 8 || (n > 8 && s[8] == 'T')) {
		y = num(s, 4); m = num(s + 4, 2); d = num(s + 6, 2);
	} else {
		return NL_NODAY;
	}
	if (y < 0 || m < 0 || d < 0 || !day_valid(y, m, d))
		return NL_NODAY;
	return day_from_ymd(y, m, d);
}

struct nl_str ingest_url_host(struct nl_str url)
{
	const char *p = url.p, *end = url.p + url.n;
	const char *scheme = NULL;
	for (const char *q = p; q + 2 < end; q++) {
		if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
			scheme = q + 3;
			break;
		}
		if (*q == '/' || *q == '?')
			break;
	}
	if (!scheme)
		return nl_str_make(url.p, 0);
	const char *h = scheme, *e = h;
	while (e < end && *e != '/' && *e != '?' && *e != '#' && *e != ':')
		e++;
	for (const char *at = h; at < e; at++)
		if (*at == '@')
			h = at + 1;
	return nl_str_make(h, (size_t)(e - h));
}

enum ingest_format ingest_format_from_name(const char *name)
{
	if (!strcmp(name, "text")) return FMT_TEXT;
	if (!strcmp(name, "jsonl")) return FMT_JSONL;
	if (!strcmp(name, "t17")) return FMT_T17;
	return FMT_AUTO;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* If path is <...>/InputDocs/<YYYY-MM-DD>/<file>, return the folder's day. */
static int32_t t17_day(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash - path < 11 + 10)
		return NL_NODAY;
	const char *dir = slash - 10;
	if (dir[-1] != '/')
		return NL_NODAY;
	if (dir - path < 10 || strncmp(dir - 10, "InputDocs/", 10) != 0)
		return NL_NODAY;
	return day_parse(dir, 10);
}

static enum ingest_format detect(const char *path)
{
	if (t17_day(path) != NL_NODAY)
		return FMT_T17;
	const char *exts[] = { ".jsonl", ".ndjson", ".json", ".jsonl.gz", ".jsonl.zst",
			       ".ndjson.gz", ".ndjson.zst", ".json.gz", ".json.zst" };
	for (size_t i = 0; i < NL_ARRAY_LEN(exts); i++)
		if (ends_with(path, exts[i]))
			return FMT_JSONL;
	return FMT_AUTO; /* decided from content by the text reader */
}

static int ingest_file(struct ingest *ig, const char *path)
{
	ig->st.files++;
	enum ingest_format f = ig->format != FMT_AUTO ? ig->format : detect(path);
	switch (f) {
	case FMT_JSONL:
		return read_jsonl(ig, path);
	case FMT_T17: {
		int32_t day = t17_day(path);
		return read_text(ig, path, true, day);
	}
	default:
		return read_text(ig, path, false, NL_NODAY);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is dir/name (or dir/name/sub) a directory? */
static bool is_dir(const char *dir, const char *name, const char *sub)
{
	size_t len = strlen(dir) + strlen(name) + (sub ? strlen(sub) : 0) + 3;
	char *p = xmalloc(len);
	snprintf(p, len, "%s/%s%s%s", dir, name, sub ? "/" : "", sub ? sub : "");
	struct stat st;
	bool r = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	free(p);
	return r;
}

static int walk(struct ingest *ig, const char *path, int depth)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		ingest_report(ig, SKIP_UNREADABLE, path, 0, "cannot read: %s", strerror(errno));
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (!S_ISREG(st.st_mode)) {
			ingest_report(ig, SKIP_UNREADABLE, path, 0, "not a regular file");
			return 0;
		}
		return ingest_file(ig, path);
	}
	if (depth > 64) {
		ingest_report(ig, SKIP_UNREADABLE, path, 0, "directories nested too deep");
		return 0;
	}
	DIR *d = opendir(path);
	if (!d) {
		ingest_report(ig, SKIP_UNREADABLE, path, 0, "cannot open directory: %s",
			      strerror(errno));
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* hidden files, . and .. */
		names = xgrow(names, &cap, n + 1, sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	/* Timeline17 layout: a topic folder holds InputDocs/ (articles) beside
	 * timelines/ and keywords.json (not articles); a dataset folder holds
	 * topic folders beside index files. Read only the articles. */
	enum { PLAIN, TOPIC, DATASET } layout = PLAIN;
	for (size_t i = 0; i < n && layout == PLAIN; i++)
		if (!strcmp(names[i], "InputDocs") && is_dir(path, names[i], NULL))
			layout = TOPIC;
	for (size_t i = 0; i < n && layout == PLAIN; i++)
		if (is_dir(path, names[i], "InputDocs"))
			layout = DATASET;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		bool take = layout == PLAIN ||
			    (layout == TOPIC && !strcmp(names[i], "InputDocs")) ||
			    (layout == DATASET && is_dir(path, names[i], "InputDocs"));
		if (rc == 0 && take) {
			size_t len = strlen(path) + strlen(names[i]) + 2;
			char *child = xmalloc(len);
			snprintf(child, len, "%s%s%s", path,
				 ends_with(path, "/") ? "" : "/", names[i]);
			rc = walk(ig, child, depth + 1);
			free(child);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int ingest_path(struct ingest *ig, const char *path)
{
	return walk(ig, path, 0);
}
