/*
 * text_reader.c — the plain-text article record and Timeline17 files.
 *
 * Text record (see ../shared/examples/seed-article.txt):
 *   line 1  headline
 *   line 2  publication date, YYYYMMDD or YYYY-MM-DD
 *   line 3  URL
 *   line 4+ one paragraph per line
 * A file whose line 2 is clearly not a date line (long, with letters) or
 * whose line 3 is clearly prose is read as headline + paragraphs with the
 * missing fields defaulted and warned about, so a sloppy file still yields
 * its article.
 *
 * Timeline17: one sentence per line, headline glued to the first line, date
 * from the InputDocs/<date>/ folder, source from the topic folder's suffix
 * (EgyptianProtest_cnn -> cnn).
 */
#include "ingest/readers.h"
#include "ingest/stream.h"
#include "util/buf.h"
#include "util/day.h"

#include <stdio.h>
#include <string.h>

bool text_looks_binary(const char *p, size_t n)
{
	size_t lim = NL_MIN(n, (size_t)65536), bad = 0;
	for (size_t i = 0; i < lim; i++) {
		/* 8 bytes of printable ASCII (0x20..0x7f) at once: none counts */
		while (i + 8 <= lim) {
			uint64_t x;
			memcpy(&x, p + i, 8);
			const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
			if (((x | ((x - 0x20 * ones) & ~x)) & high) != 0)
				break;
			i += 8;
		}
		if (i >= lim)
			break;
		unsigned char c = (unsigned char)p[i];
		if (c == 0)
			return true;
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
			bad++;
		else if (c >= 0x80) {
			/* count bytes that cannot start or continue a UTF-8 sequence in place */
			size_t len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
			if (!len || i + len > lim) {
				bad++;
				continue;
			}
			size_t k = 1;
			while (k < len && ((unsigned char)p[i + k] & 0xc0) == 0x80)
				k++;
			if (k < len)
				bad++;
			else
				i += len - 1;
		}
	}
	return lim > 0 && bad * 10 > lim; /* more than 10% junk */
}

static struct nl_str trim(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f')) { p++; n--; }
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\f')) n--;
	return nl_str_make(p, n);
}

/* Next line of [*pp, end) (without newline); advances *pp. */
static struct nl_str next_line(const char **pp, const char *end)
{
	const char *p = *pp;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *e = nl ? nl : end;
	*pp = nl ? nl + 1 : end;
	return nl_str_make(p, (size_t)(e - p));
}

static bool looks_like_date_line(struct nl_str s)
{
	if (s.n == 0 || s.n > 25)
		return s.n == 0;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (!((c >= '0' && c <= '9') || c == '-' || c == '/' || c == ':' || c == 'T' ||
		      c == ' ' || c == 'Z' || c == '+' || c == '.'))
			return false;
	}
	return true;
}

static bool looks_like_url(struct nl_str s)
{
	if (s.n == 0)
		return true;
	if (memchr(s.p, ' ', s.n))
		return false;
	for (size_t i = 0; i + 2 < s.n; i++)
		if (s.p[i] == ':' && s.p[i + 1] == '/' && s.p[i + 2] == '/')
			return true;
	return s.n > 4 && !strncmp(s.p, "www.", 4);
}

/* Topic folder suffix of a t17 path: .../<Topic_source>/InputDocs/... -> source */
static struct nl_str t17_source(const char *path)
{
	const char *id = strstr(path, "/InputDocs/");
	if (!id)
		id = strstr(path, "InputDocs/") == path ? path : NULL;
	if (!id || id == path)
		return NL_STR("t17");
	const char *e = id, *b = id;
	while (b > path && b[-1] != '/')
		b--;
	const char *us = NULL;
	for (const char *q = b; q < e; q++)
		if (*q == '_')
			us = q;
	if (!us || us + 1 >= e)
		return nl_str_make(b, (size_t)(e - b));
	return nl_str_make(us + 1, (size_t)(e - us - 1));
}

int read_text(struct ingest *ig, const char *path, bool t17, int32_t t17day)
{
	const char *err = NULL;
	struct stream *s = stream_open(path, ig->max_record, &err);
	if (!s) {
		ingest_report(ig, SKIP_UNREADABLE, path, 0, "cannot open: %s", err);
		return 0;
	}
	struct buf content;
	buf_init(&content, 0);
	int stop = 0;
	struct buf urlbuf;
	buf_init(&urlbuf, 0);
	int rc = stream_slurp(s, &content, ig->max_record);
	if (rc == NL_ETOOBIG) {
		ingest_report(ig, SKIP_TOOLONG, path, 0, "file larger than the %zu-byte record cap",
			      ig->max_record);
		goto out;
	}
	if (rc != NL_OK) {
		ingest_report(ig, SKIP_DAMAGED, path, 0, "%s; file skipped", stream_error(s));
		goto out;
	}
	ig->st.records++;
	const char *p = content.p ? content.p : "", *end = p + content.n;
	if (content.n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3; /* byte order mark */
	{
		const char *q = p;
		while (q < end && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t'))
			q++;
		if (q == end) {
			ingest_report(ig, SKIP_EMPTY, path, 0, "empty file; skipped");
			goto out;
		}
	}
	if (text_looks_binary(p, (size_t)(end - p))) {
		ingest_report(ig, SKIP_BINARY, path, 0, "binary data, not an article");
		goto out;
	}
	if (!t17 && ig->format == FMT_AUTO) {
		const char *q = p;
		while (q < end && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t'))
			q++;
		if (q < end && *q == '{') {
			ig->st.records--;
			stream_close(s);
			s = NULL;
			buf_release(&content);
			buf_release(&urlbuf);
			return read_jsonl(ig, path);
		}
	}

	struct rec r;
	memset(&r, 0, sizeof r);
	r.file = path;
	r.line = 0;
	r.body_lines = true;
	r.day = NL_NODAY;
	if (t17) {
		const char *q = p;
		struct nl_str l1 = next_line(&q, end);
		l1 = trim(l1.p, l1.n);
		/* headline glued to the first sentence: keep up to ~150 bytes at a word edge */
		size_t tn = l1.n;
		if (tn > 150) {
			tn = 150;
			while (tn > 60 && l1.p[tn] != ' ')
				tn--;
		}
		r.title = nl_str_make(l1.p, tn);
		r.day = t17day;
		r.source = t17_source(path);
		/* the layout has no URLs: the file is the article's address */
		buf_clear(&urlbuf);
		buf_printf(&urlbuf, "file:%s", path);
		r.url = nl_str_make(urlbuf.p, urlbuf.n);
		r.body = nl_str_make(p, (size_t)(end - p));
	} else {
		const char *q = p;
		struct nl_str l1 = next_line(&q, end);
		l1 = trim(l1.p, l1.n);
		const char *after1 = q;
		struct nl_str l2 = next_line(&q, end);
		l2 = trim(l2.p, l2.n);
		const char *after2 = q;
		struct nl_str l3 = next_line(&q, end);
		l3 = trim(l3.p, l3.n);
		r.title = l1;
		if (!looks_like_date_line(l2)) {
			ingest_report(ig, WARN_NODATE, path, 2,
				      "line 2 is not a date line; article kept undated");
			r.body = nl_str_make(after1, (size_t)(end - after1));
		} else {
			if (l2.n == 0) {
				ingest_report(ig, WARN_NODATE, path, 2, "no date; article kept undated");
			} else {
				r.day = ingest_parse_date(l2.p, l2.n);
				if (r.day == NL_NODAY)
					ingest_report(ig, WARN_BADDATE, path, 2,
						      "impossible date '%.*s'; article kept undated",
						      (int)NL_MIN(l2.n, 40), l2.p);
			}
			if (!looks_like_url(l3)) {
				r.body = nl_str_make(after2, (size_t)(end - after2));
			} else {
				r.url = l3;
				r.body = nl_str_make(q, (size_t)(end - q));
			}
		}
	}
	stop = ig->emit(ig->ctx, ig, &r);
out:
	buf_release(&urlbuf);
	buf_release(&content);
	stream_close(s);
	return stop;
}
