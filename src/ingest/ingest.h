/*
 * ingest.h — find articles in files and hand them on as records.
 *
 * ingest_path() walks a file or directory (recursively, in name order, so
 * runs are repeatable), recognises each file's format and calls the emit
 * callback once per record. Formats:
 *
 *   text   the plain article record: line 1 headline, line 2 date
 *          (YYYYMMDD or YYYY-MM-DD), line 3 URL, then one paragraph per line;
 *          one article per file.
 *   jsonl  one JSON object per line, plain, .gz or .zst; field names of the
 *          common scrapers (title/headline, date/date_publish/published/
 *          datetime/time, url/link, text/maintext/body/content, source/domain,
 *          id).
 *   t17    the Timeline17 layout <topic>/InputDocs/<YYYY-MM-DD>/<n>.txt: the
 *          date comes from the folder, one sentence per line, the headline
 *          glued to the first line.
 *
 * Problems are reported here, once, in one style — "file:line: reason" —
 * and counted by reason in struct ingest_stats: records that cannot be an
 * article are skipped; records that are damaged but still carry an article
 * are passed on with a warning (no date, bad date, no URL, no title). UTF-8
 * repair and empty-body checks happen in the archive, which reports through
 * ingest_report() so every message has the same shape.
 */
#ifndef NL_INGEST_H
#define NL_INGEST_H

#include "util/buf.h"

enum ingest_format { FMT_AUTO, FMT_TEXT, FMT_JSONL, FMT_T17 };

/* Why a record was skipped (first group) or warned about (second group). */
enum ingest_reason {
	SKIP_EMPTY,       /* no body text */
	SKIP_BINARY,      /* bytes that are not text */
	SKIP_BADJSON,     /* a JSONL line that is not a JSON object */
	SKIP_TOOLONG,     /* a line or file over the size cap */
	SKIP_DAMAGED,     /* the rest of a truncated or damaged compressed file */
	SKIP_UNREADABLE,  /* a path that cannot be opened or read */
	SKIP_NREASONS,
	WARN_NODATE = SKIP_NREASONS, /* no date given: article kept undated */
	WARN_BADDATE,     /* impossible date: article kept undated */
	WARN_NOURL,       /* no URL: a default was made */
	WARN_NOTITLE,     /* no title: a default was made */
	WARN_BADUTF8,     /* invalid UTF-8 repaired */
	INGEST_NREASONS
};

/* Short name of a reason, for summaries and JSON keys ("empty", "bad-date"...). */
const char *ingest_reason_name(enum ingest_reason r);

struct ingest_stats {
	uint64_t records;                 /* records seen, kept or not */
	uint64_t count[INGEST_NREASONS];
	uint64_t files;
	uint64_t bytes;                   /* bytes of title + body text passed on */
};

/* One article as read; fields point into the reader's buffers and are valid
 * only during the emit call. Text may still be invalid UTF-8. */
struct rec {
	const char *file;
	uint64_t line;          /* 1-based line of a JSONL record; 0 for whole-file records */
	struct nl_str title, url, source, id, body;
	int32_t day;            /* NL_NODAY when undated */
	bool body_lines;        /* true: every line is a paragraph (text, t17);
	                           false: free text, paragraphs are found by layout */
	struct nl_str json;     /* non-empty: an unparsed JSONL line; the other
	                           fields are filled by jsonl_record() */
};

struct ingest;

/* Scratch space for parsing JSONL records (one per thread). */
struct jsonl_parser;
struct jsonl_scratch {
	struct buf fixed;       /* the line after UTF-8 repair */
	struct buf vals;        /* the wanted fields' values that yajl unescaped */
	const char *at[20];     /* a value as it stands in the line, or NULL: in vals */
	size_t off[20], len[20];
	bool set[20], num[20];
	struct jsonl_parser *parser; /* a parser kept between records, or NULL */
};
void jsonl_scratch_init(struct jsonl_scratch *js);
void jsonl_scratch_release(struct jsonl_scratch *js);
/* Parse r->json into r's fields (strings valid until js's next use, and
 * only while r->json's text lives: most point into it).
 * Returns NL_OK, or NL_EINVAL for a line that is not a JSON object (reported
 * and counted in ig). */
int jsonl_record(struct ingest *ig, struct rec *r, struct jsonl_scratch *js);

struct ingest;
typedef int (*ingest_emit_fn)(void *ctx, struct ingest *ig, const struct rec *r);

struct ingest {
	enum ingest_format format;
	size_t max_record;      /* cap on one line / one file, bytes */
	bool quiet;             /* no per-record messages */
	unsigned max_messages;  /* per reason; further ones are only counted */
	struct ingest_stats st;
	ingest_emit_fn emit;
	void *ctx;
	unsigned printed[INGEST_NREASONS];
	/* When capture is set, messages are appended there (tagged with
	 * capture_key, see ingest_replay) instead of printed. */
	struct buf *capture;
	uint32_t capture_key;
	/* muted[r] is set once reason r's messages are suppressed (printed has
	 * passed max_messages). A copy of this struct used on another thread
	 * (a pipeline's analysis) points muted_by at the original's muted: its
	 * captured messages come later in the input than any being printed,
	 * so once the reason is muted they are only counted, not formatted.
	 * Both are read and written with atomic builtins. */
	unsigned char muted[INGEST_NREASONS];
	const unsigned char *muted_by;
};

void ingest_init(struct ingest *ig, ingest_emit_fn emit, void *ctx);
/* Read every article under path. Returns NL_OK; problems are counted, not returned,
 * except a nonzero value returned by emit, which stops the walk and is returned. */
int ingest_path(struct ingest *ig, const char *path);
/* Count a problem and print "newsline: FILE[:LINE]: MESSAGE" (subject to quiet/max_messages). */
void ingest_report(struct ingest *ig, enum ingest_reason why, const char *file, uint64_t line,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Print captured messages in key order (stable), applying ig's quiet flag
 * and per-reason message caps. Counts are not touched. */
void ingest_replay(struct ingest *ig, const char *msgs, size_t len);
/* Parse a date field: ISO 8601 (date part of a date-time), YYYYMMDD, YYYY/MM/DD.
 * Returns the day or NL_NODAY. */
int32_t ingest_parse_date(const char *s, size_t n);
/* Host of a URL ("https://www.x.ca/a" -> "www.x.ca"); empty if none. */
struct nl_str ingest_url_host(struct nl_str url);
enum ingest_format ingest_format_from_name(const char *name); /* FMT_AUTO if unknown */

#endif
