/*
 * jsonl_reader.c — one JSON object per line, plain, gzip or zstd.
 *
 * Field names are those of common scrapers and data sets (news-please,
 * newspaper, Common Crawl news extractions, the shared scale corpora):
 *   title   title | headline
 *   date    date | date_publish | published | datetime | time | date_published
 *           (ISO 8601 or YYYYMMDD string; or a number of seconds/milliseconds
 *           since 1970)
 *   url     url | link
 *   body    text | maintext | body | content
 *   source  source | domain | source_domain, else the URL's host
 *   id      id (string or integer)
 * The first non-empty field of each list wins. Lines with invalid UTF-8 are
 * repaired before parsing (the parser rejects them otherwise) and counted.
 */
#include "ingest/readers.h"
#include "ingest/stream.h"
#include "text/utf8.h"
#include "util/buf.h"
#include "util/day.h"

#include <yajl/yajl_parse.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/*
 * Parsing is event-driven (yajl): only the wanted top-level fields are kept,
 * nothing else is built, which makes a record several times cheaper than
 * building a document tree. The slots below list every field we read;
 * key_slot() knows their names.
 *
 * A yajl handle costs some 30 allocations over a record (the handle, its
 * lexer, and the buffers growing from nothing to the size of the text), so
 * each thread keeps one in its scratch and parses record after record with
 * it (yajl_allow_multiple_values: after a complete value it takes the next).
 * That handle only serves records that parse: a second value on the line is
 * cancelled by the callbacks (a fresh handle would call it trailing garbage
 * before any callback), and on any failure the kept handle is freed and the
 * line parsed again by a fresh one, which gives the same events, error and
 * column as always.
 */
enum slot {
	S_TITLE, S_HEADLINE, S_URL, S_LINK, S_TEXT, S_MAINTEXT, S_BODY, S_CONTENT, S_SOURCE,
	S_DOMAIN, S_SOURCE_DOMAIN, S_ID, S_DATE, S_DATE_PUBLISH, S_PUBLISHED, S_DATETIME, S_TIME,
	S_DATE_PUBLISHED, S_PUBDATE, S_NSLOTS
};
struct jparse {
	struct jsonl_scratch *js;
	int depth;
	int key;            /* slot of the current top-level key, -1 if unwanted */
	bool object;        /* the top level is an object */
	bool started;
	const char *line;   /* the text parsed */
	size_t len;
	yajl_handle h;      /* the kept handle, NULL for a fresh one */
	size_t end;         /* where the top-level value ended (kept handle), 0 before */
};

/* The handle kept in a scratch between records, with the context its
 * callbacks were given. */
struct jsonl_parser {
	yajl_handle h;
	struct jparse p;
};

/* The slot of a top-level key, -1 if it is not a name we read: by length,
 * then first byte, then one compare of a known size (inlined as a few word
 * loads), as every record names some ten keys. */
static int key_slot(const unsigned char *k, size_t n)
{
#define NAME(s, slot) (memcmp(k, s, sizeof s - 1) ? -1 : (slot))
	switch (n) {
	case 2: return NAME("id", S_ID);
	case 3: return NAME("url", S_URL);
	case 4:
		switch (k[0]) {
		case 't': return k[1] == 'e' ? NAME("text", S_TEXT) : NAME("time", S_TIME);
		case 'd': return NAME("date", S_DATE);
		case 'l': return NAME("link", S_LINK);
		case 'b': return NAME("body", S_BODY);
		}
		return -1;
	case 5: return NAME("title", S_TITLE);
	case 6: return k[0] == 's' ? NAME("source", S_SOURCE) : NAME("domain", S_DOMAIN);
	case 7: return k[0] == 'c' ? NAME("content", S_CONTENT) : NAME("pubdate", S_PUBDATE);
	case 8:
		switch (k[0]) {
		case 'h': return NAME("headline", S_HEADLINE);
		case 'm': return NAME("maintext", S_MAINTEXT);
		case 'd': return NAME("datetime", S_DATETIME);
		}
		return -1;
	case 9: return NAME("published", S_PUBLISHED);
	case 12: return NAME("date_publish", S_DATE_PUBLISH);
	case 13: return NAME("source_domain", S_SOURCE_DOMAIN);
	case 14: return NAME("date_published", S_DATE_PUBLISHED);
	}
	return -1;
#undef NAME
}

static int j_key(void *ctx, const unsigned char *k, size_t n)
{
	struct jparse *p = ctx;
	p->key = p->depth == 1 ? key_slot(k, n) : -1;
	return 1;
}

/* A value at depth 0 after the first: a second value on the line, which
 * only a kept handle reports (see above); it stops the parse. */
static int second_value(const struct jparse *p)
{
	return p->depth == 0 && p->started;
}

/* Keep a wanted top-level value. yajl hands a string without escapes (and a
 * number) as it stands in the line, which outlives the record's analysis:
 * only what it unescaped into its own buffer, reused by the next string, is
 * copied. */
static void j_value(struct jparse *p, const char *v, size_t n, bool number)
{
	struct jsonl_scratch *js = p->js;
	if (p->depth == 1 && p->key >= 0 && !js->set[p->key]) {
		uintptr_t a = (uintptr_t)v, l = (uintptr_t)p->line;
		if (a >= l && a - l <= p->len && n <= p->len - (a - l)) {
			js->at[p->key] = v;
		} else {
			js->at[p->key] = NULL;
			js->off[p->key] = js->vals.n;
			buf_put(&js->vals, v, n);
		}
		js->len[p->key] = n;
		js->num[p->key] = number;
		js->set[p->key] = true;
	}
	p->key = -1;
}

/* Where a kept value is. */
static const char *slot_at(const struct jsonl_scratch *js, int slot)
{
	return js->at[slot] ? js->at[slot] : js->vals.p + js->off[slot];
}

static int j_string(void *ctx, const unsigned char *v, size_t n)
{
	if (second_value(ctx))
		return 0;
	j_value(ctx, (const char *)v, n, false);
	return 1;
}

static int j_number(void *ctx, const char *v, size_t n)
{
	if (second_value(ctx))
		return 0;
	j_value(ctx, v, n, true);
	return 1;
}

static int j_null(void *ctx)
{
	if (second_value(ctx))
		return 0;
	((struct jparse *)ctx)->key = -1;
	return 1;
}

static int j_bool(void *ctx, int b)
{
	(void)b;
	if (second_value(ctx))
		return 0;
	((struct jparse *)ctx)->key = -1;
	return 1;
}

static int j_start(void *ctx, bool is_map)
{
	struct jparse *p = ctx;
	if (second_value(p))
		return 0;
	if (!p->started) {
		p->started = true;
		p->object = is_map;
		if (!is_map)
			return 0; /* not an object: stop */
	}
	p->depth++;
	p->key = -1;
	return p->depth < 1000;
}

static int j_start_map(void *ctx) { return j_start(ctx, true); }
static int j_start_array(void *ctx) { return j_start(ctx, false); }

static int j_end(void *ctx)
{
	struct jparse *p = ctx;
	p->depth--;
	p->key = -1;
	if (p->depth == 0 && p->h)
		p->end = yajl_get_bytes_consumed(p->h); /* just past the bracket */
	return 1;
}

static const yajl_callbacks jcb = {
	j_null, j_bool, NULL, NULL, j_number, j_string, j_start_map, j_key, j_end,
	j_start_array, j_end,
};

static struct nl_str slot_str(const struct jsonl_scratch *js, int slot)
{
	if (!js->set[slot] || js->num[slot])
		return nl_str_make("", 0);
	return nl_str_make(slot_at(js, slot), js->len[slot]);
}

/* First non-empty string among the slots. */
static struct nl_str pick(const struct jsonl_scratch *js, const int *slots, int n)
{
	for (int i = 0; i < n; i++) {
		struct nl_str v = slot_str(js, slots[i]);
		if (v.n)
			return v;
	}
	return nl_str_make("", 0);
}

/* The day of the first date field that gives one, or NL_NODAY; *shown is
 * the slot of the last non-empty date field (to name in a warning), -1 if
 * there is none. */
static int32_t date_field(const struct jsonl_scratch *js, int *shown)
{
	static const int slots[] = { S_DATE, S_DATE_PUBLISH, S_PUBLISHED, S_DATETIME, S_TIME,
				     S_DATE_PUBLISHED, S_PUBDATE };
	*shown = -1;
	for (size_t i = 0; i < NL_ARRAY_LEN(slots); i++) {
		int sl = slots[i];
		if (!js->set[sl] || js->len[sl] == 0)
			continue;
		const char *v = slot_at(js, sl);
		size_t n = js->len[sl];
		*shown = sl;
		if (!js->num[sl]) {
			int32_t d = ingest_parse_date(v, n);
			if (d != NL_NODAY)
				return d;
			continue; /* maybe a later field parses */
		}
		/* a number: seconds or milliseconds since 1970, or YYYYMMDD */
		char tmp[32];
		if (n >= sizeof tmp)
			continue;
		memcpy(tmp, v, n);
		tmp[n] = 0;
		char *e;
		long long t = strtoll(tmp, &e, 10);
		if (*e)
			continue; /* fractions or exponents: not a date we read */
		if (t >= 10000101 && t <= 99991231) {
			int y = (int)(t / 10000), m = (int)(t / 100 % 100), d = (int)(t % 100);
			if (day_valid(y, m, d))
				return day_from_ymd(y, m, d);
		}
		if (t > 100000000000LL)
			t /= 1000; /* milliseconds */
		if (t >= 0 && t < 253402300800LL)
			return (int32_t)(t / 86400);
	}
	return NL_NODAY;
}

/* Start a record: no field seen yet. */
static void fields_clear(struct jsonl_scratch *js)
{
	buf_clear(&js->vals);
	memset(js->set, 0, sizeof js->set);
}

/* Only white space (as few kinds as any JSON parser skips)? */
static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Parse the line with the kept handle (made on first use); true if it is a
 * JSON object and nothing else. On false the handle is gone and the fields
 * are to be read again. */
static bool parse_kept(struct jsonl_scratch *js, const char *line, size_t len)
{
	struct jsonl_parser *jp = js->parser;
	if (!jp) {
		jp = js->parser = xcalloc(1, sizeof *jp);
		jp->h = yajl_alloc(&jcb, NULL, &jp->p);
		if (!jp->h)
			nl_die("out of memory allocating a JSON parser");
		yajl_config(jp->h, yajl_allow_multiple_values, 1);
	}
	fields_clear(js);
	jp->p = (struct jparse){ js, 0, -1, false, false, line, len, jp->h, 0 };
	yajl_status st = yajl_parse(jp->h, (const unsigned char *)line, len);
	/* yajl_complete_parse() only says whether the text ended inside a value
	 * (a number or literal is taken only when something follows it): not
	 * so when the value closed and only white space follows, where it would
	 * lex one more space to no effect and leave the handle as it is. */
	if (st == yajl_status_ok && !(jp->p.end && blank(line + jp->p.end, len - jp->p.end)))
		st = yajl_complete_parse(jp->h);
	if (st == yajl_status_ok && jp->p.object)
		return true;
	yajl_free(jp->h);
	free(jp);
	js->parser = NULL;
	return false;
}

/* Parse the line with a handle of its own, reporting why it is not a JSON
 * object if it is not. */
static int parse_fresh(struct ingest *ig, struct jsonl_scratch *js, const char *line, size_t len,
		       const char *path, uint64_t ln)
{
	fields_clear(js);
	struct jparse p = { js, 0, -1, false, false, line, len, NULL, 0 };
	yajl_handle h = yajl_alloc(&jcb, NULL, &p);
	yajl_status st = yajl_parse(h, (const unsigned char *)line, len);
	size_t col = yajl_get_bytes_consumed(h) + 1;
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		col = len + 1;
	}
	if (st != yajl_status_ok || !p.object) {
		if (p.started && !p.object) {
			ingest_report(ig, SKIP_BADJSON, path, ln, "not a JSON object; skipped");
		} else {
			unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
			char m[160];
			snprintf(m, sizeof m, "%s", (const char *)msg);
			yajl_free_error(h, msg);
			const char *mp = m;
			if (!strncmp(mp, "parse error: ", 13))
				mp += 13;
			if (!strncmp(mp, "lexical error: ", 15))
				mp += 15;
			size_t ml = strlen(mp);
			while (ml && (mp[ml - 1] == '\n' || mp[ml - 1] == ' ' || mp[ml - 1] == '.'))
				ml--;
			if (col > len)
				ingest_report(ig, SKIP_BADJSON, path, ln,
					      "invalid JSON: the line ends inside a value; skipped");
			else
				ingest_report(ig, SKIP_BADJSON, path, ln,
					      "invalid JSON at column %zu: %.*s; skipped", col, (int)ml, mp);
		}
		yajl_free(h);
		return NL_EINVAL;
	}
	yajl_free(h);
	return NL_OK;
}

int jsonl_record(struct ingest *ig, struct rec *r, struct jsonl_scratch *js)
{
	static const int title_s[] = { S_TITLE, S_HEADLINE };
	static const int url_s[] = { S_URL, S_LINK };
	static const int body_s[] = { S_TEXT, S_MAINTEXT, S_BODY, S_CONTENT };
	static const int source_s[] = { S_SOURCE, S_DOMAIN, S_SOURCE_DOMAIN };

	const char *line = r->json.p;
	size_t len = r->json.n;
	uint64_t ln = r->line;
	const char *path = r->file;
	bool repaired = false;
	if (!utf8_valid(line, len)) {
		buf_clear(&js->fixed);
		utf8_repair(line, len, &js->fixed);
		line = js->fixed.p;
		len = js->fixed.n;
		repaired = true;
	}
	if (!parse_kept(js, line, len)) {
		int rc = parse_fresh(ig, js, line, len, path, ln);
		if (rc != NL_OK)
			return rc;
	}
	if (repaired)
		ingest_report(ig, WARN_BADUTF8, path, ln, "invalid UTF-8 repaired");
	r->json = nl_str_make(NULL, 0);
	r->body_lines = false;
	r->title = pick(js, title_s, 2);
	r->url = pick(js, url_s, 2);
	r->body = pick(js, body_s, 4);
	r->source = pick(js, source_s, 3);
	r->id = js->set[S_ID] ? nl_str_make(slot_at(js, S_ID), js->len[S_ID])
			      : nl_str_make("", 0);
	int sl;
	r->day = date_field(js, &sl);
	if (r->day == NL_NODAY && sl >= 0) {
		char shown[48];
		snprintf(shown, sizeof shown, "%.*s", (int)NL_MIN(js->len[sl], (size_t)40),
			 slot_at(js, sl));
		ingest_report(ig, WARN_BADDATE, path, ln,
			      "impossible date '%s'; article kept undated", shown);
	} else if (r->day == NL_NODAY)
		ingest_report(ig, WARN_NODATE, path, ln, "no date; article kept undated");
	return NL_OK;
}

void jsonl_scratch_init(struct jsonl_scratch *js)
{
	memset(js, 0, sizeof *js);
	buf_init(&js->fixed, 0);
	buf_init(&js->vals, 0);
}

void jsonl_scratch_release(struct jsonl_scratch *js)
{
	buf_release(&js->fixed);
	buf_release(&js->vals);
	if (js->parser) {
		yajl_free(js->parser->h);
		free(js->parser);
		js->parser = NULL;
	}
}

/* The reader only cuts lines; parsing happens in jsonl_record(), on the
 * analysis threads. */
int read_jsonl(struct ingest *ig, const char *path)
{
	const char *err = NULL;
	struct stream *s = stream_open(path, ig->max_record, &err);
	if (!s) {
		ingest_report(ig, SKIP_UNREADABLE, path, 0, "cannot open: %s", err);
		return 0;
	}
	int stop = 0;
	const char *line;
	size_t len;
	enum stream_status st;
	while (!stop && (st = stream_getline(s, &line, &len)) != STREAM_EOF) {
		uint64_t ln = stream_lineno(s);
		if (st == STREAM_ERROR) {
			if (ln)
				ingest_report(ig, SKIP_DAMAGED, path, ln,
					      "%s; the rest of the file after line %llu is lost",
					      stream_error(s), (unsigned long long)ln);
			else
				ingest_report(ig, SKIP_DAMAGED, path, 0,
					      "%s; no complete record could be read",
					      stream_error(s));
			break;
		}
		if (st == STREAM_TOOLONG) {
			ig->st.records++;
			ingest_report(ig, SKIP_TOOLONG, path, ln, "line longer than %zu bytes; skipped",
				      ig->max_record);
			continue;
		}
		size_t i = 0;
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i == len)
			continue; /* blank line */
		ig->st.records++;
		struct rec r;
		memset(&r, 0, sizeof r);
		r.file = path;
		r.line = ln;
		r.day = NL_NODAY;
		r.json = nl_str_make(line, len);
		stop = ig->emit(ig->ctx, ig, &r);
	}
	stream_close(s);
	return stop;
}
