/*
 * dates.h — find temporal expressions in English news text and resolve them
 * to the calendar (TimeML TIMEX3 style).
 *
 *     struct dates_tagger *t = dates_new();
 *     struct dates_ctx ctx;
 *     dates_ctx_init(&ctx);                    // once per document
 *     for each sentence or paragraph of the document, in order:
 *         const struct date_mention *m;
 *         size_t n = dates_tag(t, text, len, dct, &ctx, &m);
 *         // m[0..n) valid until the next dates_tag() or dates_free() on t
 *     dates_free(t);
 *
 * Threads: a tagger holds only scratch memory and read-only tables, and
 * dates_tag() mutates nothing but the tagger and the caller's ctx, so one
 * tagger per thread (and one ctx per document) is all that is needed. The
 * module has no mutable globals.
 *
 * Memory: the tagger keeps two arrays (tokens of the current text, 16 bytes
 * per input byte reserved, and the mentions found) that grow to the largest
 * text seen and are reused; tagging does not allocate once they are large
 * enough. Text is capped at DATES_MAX_TEXT bytes per call (longer text: only
 * the first DATES_MAX_TEXT bytes are tagged — split paragraphs into
 * sentences first, as the indexer does).
 *
 * Errors: none. Any bytes are accepted (invalid UTF-8 and NUL are
 * separators); out of memory aborts (util/common.h).
 *
 * Values follow TimeML (TIMEX3 value attribute):
 *   DATE      2022-01-19  2022-01  2022  2022-W02  2022-Q1  2022-SU  199 (the
 *             1990s)  19 (the 20th century)  2022-W03-WE (weekend)
 *             PAST_REF PRESENT_REF FUTURE_REF; X for what the text leaves open
 *             (XXXX-01-18 when there is no publication day to take a year from)
 *   TIME      2022-01-18TEV (part of day)  2022-01-18T09:30  2022-01-18TNI
 *   DURATION  P8Y P3M P2W P5D PT4H PT30M P2Y6M P10Y (a decade) P3Q, PXY when
 *             vague ("for years")
 *   SET       P1D (daily), P1W, XXXX-WXX-1 (every Monday)
 */
#ifndef NL_DATES_H
#define NL_DATES_H

#include "util/common.h"
#include "util/day.h"

#define DATES_MAX_TEXT (1u << 20)  /* bytes tagged per call */
#define DATES_VALUE_MAX 24         /* value buffer size, NUL included */

enum date_type {
	DATE_DATE = 0,
	DATE_TIME = 1,
	DATE_DURATION = 2,
	DATE_SET = 3,
};

/* Granularity of a DATE/TIME value (DURATION and SET: GRAN_NONE; the REF
 * values: GRAN_NONE). Ordered from coarse to fine. */
enum date_gran {
	GRAN_NONE = 0,
	GRAN_CENTURY,
	GRAN_DECADE,
	GRAN_YEAR,
	GRAN_HALF,
	GRAN_SEASON,
	GRAN_QUARTER,
	GRAN_MONTH,
	GRAN_WEEK,
	GRAN_DAY,
	GRAN_PARTOFDAY,
	GRAN_MINUTE,
};

/* Mention flags */
#define DATES_F_RESOLVED 0x01  /* DATE/TIME value anchored on the calendar (no X,
                                * not a REF), from the text or the DCT */
#define DATES_F_ANAPHOR  0x02  /* resolved against the context ("two days later",
                                * "the quarter"), not the DCT */
#define DATES_F_TENSE    0x04  /* year or day chosen by a tense cue of the sentence */

struct date_mention {
	uint32_t start, end;          /* byte span [start, end) in the text */
	uint8_t type;                 /* enum date_type */
	uint8_t gran;                 /* enum date_gran */
	uint8_t flags;                /* DATES_F_* */
	int32_t day;                  /* the resolved day when gran is DAY or finer
	                               * and the value is resolved, else NL_NODAY */
	char value[DATES_VALUE_MAX];  /* TimeML value, NUL terminated */
};

/* What the tagger remembers between the sentences of one document. The
 * caller owns it, initialises it at the start of each document and passes it
 * to every dates_tag() call for that document, in text order. dates_tag()
 * updates it after each mention that names a calendar day. */
struct dates_ctx {
	int32_t last_day;             /* last day mentioned, NL_NODAY if none */
	uint8_t last_gran;            /* granularity of the last resolved DATE */
	char last_value[DATES_VALUE_MAX]; /* its value ("1989-Q3", "1998-01-08") */
};

void dates_ctx_init(struct dates_ctx *ctx);

struct dates_tagger;

/* A new tagger; never NULL (out of memory aborts). */
struct dates_tagger *dates_new(void);
/* Free the tagger and its arrays; NULL is a no-op. Mentions returned by
 * dates_tag() become invalid. */
void dates_free(struct dates_tagger *t);

/*
 * Tag text[0..len) (UTF-8; invalid bytes are treated as separators, never
 * read past len; NUL bytes are ordinary separators).
 *
 * dct is the document creation (publication) day or NL_NODAY; relative
 * expressions are resolved against it, or left with X when it is NL_NODAY.
 * ctx may be NULL (no memory between calls, anaphora resolve against dct).
 *
 * Stores in *out a pointer to the mentions, sorted by start and not
 * overlapping, and returns their number. The array is owned by the tagger
 * and valid until the next dates_tag() or dates_free() on the same tagger.
 */
size_t dates_tag(struct dates_tagger *t, const char *text, size_t len, int32_t dct,
		 struct dates_ctx *ctx, const struct date_mention **out);

/* "DATE", "TIME", "DURATION", "SET" (or "?"); never NULL. */
const char *dates_type_name(int type);
/* "day", "month", ... (or "none"); never NULL. */
const char *dates_gran_name(int gran);

#endif
