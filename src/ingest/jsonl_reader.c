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
 * repaired before parsing (jansson rejects them otherwise) and counted.
 */
#include "ingest/readers.h"
#include "ingest/stream.h"
#include "text/utf8.h"
#include "util/buf.h"
#include "util/day.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static struct nl_str field(json_t *o, const char *const *names)
{
	for (; *names; names++) {
		json_t *v = json_object_get(o, *names);
		if (v && json_is_string(v) && json_string_length(v) > 0)
			return nl_str_make(json_string_value(v), json_string_length(v));
	}
	return nl_str_make("", 0);
}

static int32_t date_field(json_t *o, bool *given, char *shown, size_t shown_cap)
{
	static const char *const names[] = { "date", "date_publish", "published", "datetime",
					     "time", "date_published", "pubdate", NULL };
	*given = false;
	for (const char *const *n = names; *n; n++) {
		json_t *v = json_object_get(o, *n);
		if (!v || json_is_null(v))
			continue;
		if (json_is_string(v) && json_string_length(v) > 0) {
			*given = true;
			snprintf(shown, shown_cap, "%.40s", json_string_value(v));
			int32_t d = ingest_parse_date(json_string_value(v), json_string_length(v));
			if (d != NL_NODAY)
				return d;
			continue; /* maybe a later field parses */
		}
		if (json_is_integer(v)) {
			*given = true;
			json_int_t t = json_integer_value(v);
			snprintf(shown, shown_cap, "%lld", (long long)t);
			if (t > 100000000000LL)
				t /= 1000; /* milliseconds */
			if (t >= 0 && t < 253402300800LL)
				return (int32_t)(t / 86400);
			if (t >= 10000101 && t <= 99991231) {
				int y = (int)(t / 10000), m = (int)(t / 100 % 100), d = (int)(t % 100);
				if (day_valid(y, m, d))
					return day_from_ymd(y, m, d);
			}
		}
	}
	return NL_NODAY;
}

int jsonl_record(struct ingest *ig, struct rec *r, struct jsonl_scratch *js)
{
	static const char *const title_f[] = { "title", "headline", NULL };
	static const char *const url_f[] = { "url", "link", NULL };
	static const char *const body_f[] = { "text", "maintext", "body", "content", NULL };
	static const char *const source_f[] = { "source", "domain", "source_domain", NULL };

	const char *line = r->json.p;
	size_t len = r->json.n;
	uint64_t ln = r->line;
	const char *path = r->file;
	if (js->obj) {
		json_decref(js->obj);
		js->obj = NULL;
	}
	bool repaired = false;
	if (!utf8_valid(line, len)) {
		buf_clear(&js->fixed);
		utf8_repair(line, len, &js->fixed);
		line = js->fixed.p;
		len = js->fixed.n;
		repaired = true;
	}
	json_error_t je;
	json_t *o = json_loadb(line, len, JSON_ALLOW_NUL, &je);
	if (!o || !json_is_object(o)) {
		if (o)
			ingest_report(ig, SKIP_BADJSON, path, ln, "not a JSON object; skipped");
		else
			ingest_report(ig, SKIP_BADJSON, path, ln,
				      "invalid JSON at column %d: %s; skipped", je.column, je.text);
		json_decref(o);
		return NL_EINVAL;
	}
	js->obj = o;
	if (repaired)
		ingest_report(ig, WARN_BADUTF8, path, ln, "invalid UTF-8 repaired");
	r->json = nl_str_make(NULL, 0);
	r->body_lines = false;
	r->title = field(o, title_f);
	r->url = field(o, url_f);
	r->body = field(o, body_f);
	r->source = field(o, source_f);
	r->id = nl_str_make("", 0);
	json_t *idv = json_object_get(o, "id");
	if (idv && json_is_string(idv))
		r->id = nl_str_make(json_string_value(idv), json_string_length(idv));
	else if (idv && json_is_integer(idv)) {
		snprintf(js->idbuf, sizeof js->idbuf, "%lld", (long long)json_integer_value(idv));
		r->id = nl_str_make(js->idbuf, strlen(js->idbuf));
	}
	bool given;
	char shown[48] = "";
	r->day = date_field(o, &given, shown, sizeof shown);
	if (r->day == NL_NODAY && given)
		ingest_report(ig, WARN_BADDATE, path, ln,
			      "impossible date '%s'; article kept undated", shown);
	else if (r->day == NL_NODAY)
		ingest_report(ig, WARN_NODATE, path, ln, "no date; article kept undated");
	return NL_OK;
}

void jsonl_scratch_init(struct jsonl_scratch *js)
{
	memset(js, 0, sizeof *js);
	buf_init(&js->fixed, 0);
}

void jsonl_scratch_release(struct jsonl_scratch *js)
{
	if (js->obj)
		json_decref(js->obj);
	js->obj = NULL;
	buf_release(&js->fixed);
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
