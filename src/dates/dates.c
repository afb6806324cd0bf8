/*
 * dates.c — the date-reference tagger: find temporal expressions in English
 * news text and resolve them against the publication day (see dates.h).
 *
 * Why by hand: this is the product's own craft and it runs on every sentence
 * at ingest, so it must be fast (tens of MB/s per core) and allocation free.
 * A regex engine over HeidelTime-style pattern lists would be slower and no
 * easier to read; instead there are three simple passes:
 *
 *  1. Scan. One pass over the bytes makes tokens: words (ASCII letter runs,
 *     measured and lower-cased 16 bytes at a time, and looked up in a keyword
 *     hash table built once per tagger), numbers ("14,000" and "3.5" are one number flagged
 *     GROUPED, so they are never a year or a day), and single punctuation
 *     characters. Each token knows whether white space precedes it. The array
 *     ends with sentinel tokens so matchers can look ahead without checks.
 *     Words are most of the bytes and few of them matter, so a word that
 *     is no keyword costs about 37 instructions after a word and a space
 *     (most of them): its token is its span plus
 *     the keyword's ready made fields (or an unknown word's), and what only
 *     some matchers ask (capitalised? -ed?) is read from the text when they
 *     ask.
 *
 *  2. Match. Only tokens that can start an expression (numbers, keywords
 *     flagged as starters; the scan lists them) are tried; a matcher is a
 *     plain function reading tokens forward and returning the end of the
 *     longest expression it recognises, filling a struct res (type,
 *     granularity, value). Matchers are tried longest-first where they
 *     compete. Most starters find nothing, so what turns them down early
 *     is done before the work: "the", "a" and "an" before a word that is
 *     no keyword are passed over in the driver, and a matcher that needs a
 *     unit or a month gives up when the scan saw none in the text (SEEN_*).
 *
 *  3. Resolve. Relative expressions are resolved with day numbers
 *     (util/day.h): "last week" is the ISO week of dct-7, "Friday" is the
 *     nearest Friday before or after the publication day depending on the
 *     tense of the sentence, "Sept. 30" takes the year that the tense (or,
 *     with no tense cue, nearness to the publication day) points to, as
 *     HeidelTime's news strategy does. Anaphoric expressions ("two days
 *     later", "the following day") use the last day mentioned, kept in the
 *     caller's struct dates_ctx.
 *
 * Tense: the nearest cue in the expression's clause wins, looking both ways
 * (see tense_of): future cues are will, 'll, shall, going to, is/are to,
 * plans/expects/scheduled to, payable, effective, next/upcoming, tomorrow,
 * and by/until right before the expression; past cues are was, were, had,
 * did, lower-case words ending in -ed (not after be/been), a list of
 * irregular past forms, ago, yesterday, last, and since right before it.
 * Reporting verbs (said, told) count only when next to the expression or
 * when nothing else does.
 */
#include "dates/dates.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------------------ */
/* Keywords                                                                  */
/* ------------------------------------------------------------------------ */

enum kcls {
	K_NONE = 0,
	K_MONTH,    /* val 1..12 */
	K_MONABBR,  /* jan feb ... (val 1..12), may take a '.' */
	K_WDAY,     /* val 0..6 Monday..Sunday */
	K_NUMW,     /* number word, val */
	K_TENS,     /* twenty..ninety, val */
	K_ORDW,     /* first..thirty-first, val */
	K_UNIT,     /* val enum unit; plural flag in kw_plural */
	K_SEASON,   /* val 0 SP 1 SU 2 FA 3 WI */
	K_POD,      /* part of day: val enum pod */
	K_SETADV,   /* daily weekly ... val enum unit */
	K_TZ,       /* time zone */
	K_COUNTNOUN,/* people, troops ...: a number before it is a count */
	K_NUMPRE,   /* no, number, route, flight ...: a number after it is a label */
	K_PASTV,    /* irregular past-tense verb */
	K_HOLI,     /* holiday head word; val enum holiday */
	K_DECW,     /* twenties..nineties: val decade (20..90) */
	/* single words with their own meaning */
	K_A, K_AN, K_THE, K_LAST, K_THIS, K_NEXT, K_PAST, K_COMING, K_PREVIOUS,
	K_FOLLOWING, K_CURRENT, K_LATEST, K_RECENT, K_EARLY, K_LATE, K_MID,
	K_EARLIER, K_LATER, K_AGO, K_BEFORE, K_AFTER, K_SAME, K_THAT, K_OF,
	K_IN, K_ON, K_AT, K_FOR, K_SINCE, K_UNTIL, K_BY, K_DURING, K_FROM,
	K_THROUGH, K_WITHIN, K_OVER, K_FISCAL, K_APPROX, K_MORE, K_LESS,
	K_THAN, K_LEAST, K_UP, K_TO, K_EVERY, K_EACH, K_PER, K_OTHER, K_FEW,
	K_SEVERAL, K_MANY, K_SOME, K_COUPLE, K_HALF, K_AND, K_NOW, K_HENCE,
	K_TODAY, K_YESTERDAY, K_TOMORROW, K_TONIGHT, K_REF, K_FUTURE, K_END,
	K_BEGINNING, K_MIDDLE, K_START, K_AM, K_PM, K_M, K_OCLOCK, K_S, K_TH,
	K_WILL, K_LL, K_GOING, K_IS, K_PLANS, K_EXPECTED, K_SAID, K_WAS,
	K_HAD, K_DID, K_NINETEEN, K_THOUSAND, K_HUNDRED,
	K_WEEKDAYS, K_OR, K_SO, K_PERIOD, K_COMPARABLE,
	K_BE,
	K_PLAIN,    /* a known word with no role (listed to keep it from being a cue) */
};

enum unit { U_SEC = 1, U_MIN, U_HOUR, U_DAY, U_WEEK, U_WEEKEND, U_MONTH, U_QUARTER,
	U_HALF, U_YEAR, U_DECADE, U_CENTURY, U_FORTNIGHT };
enum pod { POD_MO = 1, POD_AF, POD_EV, POD_NI, POD_NOON, POD_MIDNIGHT, POD_DT };
enum holi { H_XMAS = 1, H_XMASEVE, H_NEWYEAR, H_NEWYEARSEVE, H_THANKS, H_EASTER, H_HALLOWEEN,
	H_INDEP, H_VALENTINE, H_VETERANS, H_LABOR, H_MEMORIAL, H_BOXING, H_PATRICK };
enum tense { T_NONE = 0, T_FUT = 1, T_PAST = 2 };

#define KF_START 0x01  /* may start an expression */
#define KF_PLURAL 0x02
#define KF_FUT 0x04    /* tense cue */
#define KF_PAST 0x08
#define KF_WEAK 0x10   /* reporting verb: a tense cue only when there is no other */
#define KF_ABBR 0x20   /* abbreviation: a '.' after it does not end the sentence */

struct kwdef {
	const char *w;
	uint8_t cls;
	int8_t val;
	uint8_t flags;
};

#define S KF_START
static const struct kwdef kwdefs[] = {
	{ "january", K_MONTH, 1, S }, { "february", K_MONTH, 2, S }, { "march", K_MONTH, 3, S },
	{ "april", K_MONTH, 4, S }, { "may", K_MONTH, 5, S }, { "june", K_MONTH, 6, S },
	{ "july", K_MONTH, 7, S }, { "august", K_MONTH, 8, S }, { "september", K_MONTH, 9, S },
	{ "october", K_MONTH, 10, S }, { "november", K_MONTH, 11, S }, { "december", K_MONTH, 12, S },
	{ "jan", K_MONABBR, 1, S }, { "feb", K_MONABBR, 2, S }, { "mar", K_MONABBR, 3, S },
	{ "apr", K_MONABBR, 4, S }, { "jun", K_MONABBR, 6, S }, { "jul", K_MONABBR, 7, S },
	{ "aug", K_MONABBR, 8, S }, { "sep", K_MONABBR, 9, S }, { "sept", K_MONABBR, 9, S },
	{ "oct", K_MONABBR, 10, S }, { "nov", K_MONABBR, 11, S }, { "dec", K_MONABBR, 12, S },
	{ "monday", K_WDAY, 0, S }, { "tuesday", K_WDAY, 1, S }, { "wednesday", K_WDAY, 2, S },
	{ "thursday", K_WDAY, 3, S }, { "friday", K_WDAY, 4, S }, { "saturday", K_WDAY, 5, S },
	{ "sunday", K_WDAY, 6, S },
	{ "mondays", K_WDAY, 0, S | KF_PLURAL }, { "tuesdays", K_WDAY, 1, S | KF_PLURAL },
	{ "wednesdays", K_WDAY, 2, S | KF_PLURAL }, { "thursdays", K_WDAY, 3, S | KF_PLURAL },
	{ "fridays", K_WDAY, 4, S | KF_PLURAL }, { "saturdays", K_WDAY, 5, S | KF_PLURAL },
	{ "sundays", K_WDAY, 6, S | KF_PLURAL },
	{ "one", K_NUMW, 1, S }, { "two", K_NUMW, 2, S }, { "three", K_NUMW, 3, S },
	{ "four", K_NUMW, 4, S }, { "five", K_NUMW, 5, S }, { "six", K_NUMW, 6, S },
	{ "seven", K_NUMW, 7, S }, { "eight", K_NUMW, 8, S }, { "nine", K_NUMW, 9, S },
	{ "ten", K_NUMW, 10, S }, { "eleven", K_NUMW, 11, S }, { "twelve", K_NUMW, 12, S },
	{ "thirteen", K_NUMW, 13, S }, { "fourteen", K_NUMW, 14, S }, { "fifteen", K_NUMW, 15, S },
	{ "sixteen", K_NUMW, 16, S }, { "seventeen", K_NUMW, 17, S }, { "eighteen", K_NUMW, 18, S },
	{ "nineteen", K_NINETEEN, 19, S }, { "twenty", K_TENS, 20, S }, { "thirty", K_TENS, 30, S },
	{ "forty", K_TENS, 40, S }, { "fifty", K_TENS, 50, S }, { "sixty", K_TENS, 60, S },
	{ "seventy", K_TENS, 70, S }, { "eighty", K_TENS, 80, S }, { "ninety", K_TENS, 90, S },
	{ "hundred", K_HUNDRED, 100, 0 }, { "thousand", K_THOUSAND, 0, 0 },
	{ "first", K_ORDW, 1, S }, { "second", K_ORDW, 2, S }, { "third", K_ORDW, 3, S },
	{ "fourth", K_ORDW, 4, S }, { "fifth", K_ORDW, 5, S }, { "sixth", K_ORDW, 6, S },
	{ "seventh", K_ORDW, 7, S }, { "eighth", K_ORDW, 8, S }, { "ninth", K_ORDW, 9, S },
	{ "tenth", K_ORDW, 10, S }, { "eleventh", K_ORDW, 11, S }, { "twelfth", K_ORDW, 12, S },
	{ "thirteenth", K_ORDW, 13, S }, { "fourteenth", K_ORDW, 14, S }, { "fifteenth", K_ORDW, 15, S },
	{ "sixteenth", K_ORDW, 16, S }, { "seventeenth", K_ORDW, 17, S },
	{ "eighteenth", K_ORDW, 18, S }, { "nineteenth", K_ORDW, 19, S },
	{ "twentieth", K_ORDW, 20, S }, { "thirtieth", K_ORDW, 30, S },
	{ "twenties", K_DECW, 20, 0 }, { "thirties", K_DECW, 30, 0 }, { "forties", K_DECW, 40, 0 },
	{ "fifties", K_DECW, 50, 0 }, { "sixties", K_DECW, 60, 0 }, { "seventies", K_DECW, 70, 0 },
	{ "eighties", K_DECW, 80, 0 }, { "nineties", K_DECW, 90, 0 },
	{ "second", K_UNIT, U_SEC, 0 }, /* shadowed by the ordinal; see unit_of() */
	{ "seconds", K_UNIT, U_SEC, S | KF_PLURAL },
	{ "minute", K_UNIT, U_MIN, S }, { "minutes", K_UNIT, U_MIN, S | KF_PLURAL },
	{ "hour", K_UNIT, U_HOUR, S }, { "hours", K_UNIT, U_HOUR, S | KF_PLURAL },
	{ "day", K_UNIT, U_DAY, S }, { "days", K_UNIT, U_DAY, S | KF_PLURAL },
	{ "week", K_UNIT, U_WEEK, S }, { "weeks", K_UNIT, U_WEEK, S | KF_PLURAL },
	{ "weekend", K_UNIT, U_WEEKEND, S }, { "weekends", K_UNIT, U_WEEKEND, S | KF_PLURAL },
	{ "fortnight", K_UNIT, U_FORTNIGHT, S },
	{ "month", K_UNIT, U_MONTH, S }, { "months", K_UNIT, U_MONTH, S | KF_PLURAL },
	{ "quarter", K_UNIT, U_QUARTER, S }, { "quarters", K_UNIT, U_QUARTER, S | KF_PLURAL },
	{ "year", K_UNIT, U_YEAR, S }, { "years", K_UNIT, U_YEAR, S | KF_PLURAL },
	{ "decade", K_UNIT, U_DECADE, S }, { "decades", K_UNIT, U_DECADE, S | KF_PLURAL },
	{ "century", K_UNIT, U_CENTURY, S }, { "centuries", K_UNIT, U_CENTURY, S | KF_PLURAL },
	{ "spring", K_SEASON, 0, S }, { "summer", K_SEASON, 1, S }, { "fall", K_SEASON, 2, S },
	{ "autumn", K_SEASON, 2, S }, { "winter", K_SEASON, 3, S },
	{ "morning", K_POD, POD_MO, S }, { "afternoon", K_POD, POD_AF, S },
	{ "evening", K_POD, POD_EV, S }, { "night", K_POD, POD_NI, S },
	{ "noon", K_POD, POD_NOON, S }, { "midday", K_POD, POD_NOON, S },
	{ "midnight", K_POD, POD_MIDNIGHT, S }, { "overnight", K_POD, POD_NI, 0 },
	{ "mornings", K_POD, POD_MO, KF_PLURAL }, { "afternoons", K_POD, POD_AF, KF_PLURAL },
	{ "evenings", K_POD, POD_EV, KF_PLURAL }, { "nights", K_POD, POD_NI, KF_PLURAL },
	{ "daily", K_SETADV, U_DAY, S }, { "weekly", K_SETADV, U_WEEK, S },
	{ "monthly", K_SETADV, U_MONTH, S }, { "annually", K_SETADV, U_YEAR, S },
	{ "yearly", K_SETADV, U_YEAR, S }, { "quarterly", K_SETADV, U_QUARTER, S },
	{ "hourly", K_SETADV, U_HOUR, S }, { "nightly", K_SETADV, -1, S },
	{ "est", K_TZ, 0, 0 }, { "edt", K_TZ, 0, 0 }, { "gmt", K_TZ, 0, 0 }, { "utc", K_TZ, 0, 0 },
	{ "pst", K_TZ, 0, 0 }, { "pdt", K_TZ, 0, 0 }, { "cst", K_TZ, 0, 0 }, { "cdt", K_TZ, 0, 0 },
	{ "bst", K_TZ, 0, 0 }, { "cet", K_TZ, 0, 0 }, { "et", K_TZ, 0, 0 }, { "mdt", K_TZ, 0, 0 },
	{ "people", K_COUNTNOUN, 0, 0 }, { "troops", K_COUNTNOUN, 0, 0 },
	{ "soldiers", K_COUNTNOUN, 0, 0 }, { "men", K_COUNTNOUN, 0, 0 },
	{ "women", K_COUNTNOUN, 0, 0 }, { "children", K_COUNTNOUN, 0, 0 },
	{ "cases", K_COUNTNOUN, 0, 0 }, { "deaths", K_COUNTNOUN, 0, 0 },
	{ "votes", K_COUNTNOUN, 0, 0 }, { "shares", K_COUNTNOUN, 0, 0 },
	{ "units", K_COUNTNOUN, 0, 0 }, { "feet", K_COUNTNOUN, 0, 0 },
	{ "meters", K_COUNTNOUN, 0, 0 }, { "metres", K_COUNTNOUN, 0, 0 },
	{ "miles", K_COUNTNOUN, 0, 0 }, { "km", K_COUNTNOUN, 0, 0 },
	{ "kilometers", K_COUNTNOUN, 0, 0 }, { "tons", K_COUNTNOUN, 0, 0 },
	{ "tonnes", K_COUNTNOUN, 0, 0 }, { "dollars", K_COUNTNOUN, 0, 0 },
	{ "euros", K_COUNTNOUN, 0, 0 }, { "pounds", K_COUNTNOUN, 0, 0 },
	{ "yen", K_COUNTNOUN, 0, 0 }, { "barrels", K_COUNTNOUN, 0, 0 },
	{ "acres", K_COUNTNOUN, 0, 0 }, { "jobs", K_COUNTNOUN, 0, 0 },
	{ "homes", K_COUNTNOUN, 0, 0 }, { "cars", K_COUNTNOUN, 0, 0 },
	{ "employees", K_COUNTNOUN, 0, 0 }, { "workers", K_COUNTNOUN, 0, 0 },
	{ "points", K_COUNTNOUN, 0, 0 }, { "seats", K_COUNTNOUN, 0, 0 },
	{ "students", K_COUNTNOUN, 0, 0 }, { "patients", K_COUNTNOUN, 0, 0 },
	{ "residents", K_COUNTNOUN, 0, 0 }, { "refugees", K_COUNTNOUN, 0, 0 },
	{ "victims", K_COUNTNOUN, 0, 0 }, { "percent", K_COUNTNOUN, 0, 0 },
	{ "pages", K_COUNTNOUN, 0, 0 }, { "words", K_COUNTNOUN, 0, 0 },
	{ "members", K_COUNTNOUN, 0, 0 }, { "companies", K_COUNTNOUN, 0, 0 },
	{ "no", K_NUMPRE, 0, KF_ABBR }, { "nos", K_NUMPRE, 0, 0 }, { "number", K_NUMPRE, 0, 0 },
	{ "route", K_NUMPRE, 0, 0 }, { "flight", K_NUMPRE, 0, 0 }, { "room", K_NUMPRE, 0, 0 },
	{ "highway", K_NUMPRE, 0, 0 }, { "interstate", K_NUMPRE, 0, 0 },
	{ "channel", K_NUMPRE, 0, 0 }, { "fox", K_NUMPRE, 0, 0 }, { "page", K_NUMPRE, 0, 0 },
	{ "model", K_NUMPRE, 0, 0 }, { "windows", K_NUMPRE, 0, 0 }, { "apt", K_NUMPRE, 0, 0 },
	{ "suite", K_NUMPRE, 0, 0 }, { "box", K_NUMPRE, 0, 0 }, { "resolution", K_NUMPRE, 0, 0 },
	{ "size", K_NUMPRE, 0, 0 }, { "gate", K_NUMPRE, 0, 0 }, { "street", K_NUMPRE, 0, 0 },
	{ "christmas", K_HOLI, H_XMAS, S }, { "thanksgiving", K_HOLI, H_THANKS, S },
	{ "easter", K_HOLI, H_EASTER, S }, { "halloween", K_HOLI, H_HALLOWEEN, S },
	{ "independence", K_HOLI, H_INDEP, S }, { "valentine", K_HOLI, H_VALENTINE, S },
	{ "veterans", K_HOLI, H_VETERANS, S }, { "labor", K_HOLI, H_LABOR, S },
	{ "memorial", K_HOLI, H_MEMORIAL, S }, { "boxing", K_HOLI, H_BOXING, S },
	{ "new", K_HOLI, H_NEWYEAR, S }, { "patrick", K_HOLI, H_PATRICK, 0 },
	{ "a", K_A, 1, S }, { "an", K_AN, 1, S }, { "the", K_THE, 0, S },
	{ "last", K_LAST, 0, S | KF_PAST }, { "this", K_THIS, 0, S }, { "next", K_NEXT, 0, S | KF_FUT },
	{ "past", K_PAST, 0, S }, { "coming", K_COMING, 0, S }, { "upcoming", K_COMING, 0, S | KF_FUT },
	{ "previous", K_PREVIOUS, 0, S }, { "prior", K_PREVIOUS, 0, S },
	{ "following", K_FOLLOWING, 0, S }, { "current", K_CURRENT, 0, S },
	{ "latest", K_LATEST, 0, S }, { "recent", K_RECENT, 0, S },
	{ "early", K_EARLY, 0, S }, { "late", K_LATE, 0, S }, { "mid", K_MID, 0, S },
	{ "earlier", K_EARLIER, 0, S | KF_PAST }, { "later", K_LATER, 0, S },
	{ "ago", K_AGO, 0, KF_PAST }, { "before", K_BEFORE, 0, 0 }, { "after", K_AFTER, 0, 0 },
	{ "same", K_SAME, 0, 0 }, { "that", K_THAT, 0, S }, { "of", K_OF, 0, 0 },
	{ "in", K_IN, 0, 0 }, { "on", K_ON, 0, 0 }, { "at", K_AT, 0, S }, { "for", K_FOR, 0, 0 },
	{ "since", K_SINCE, 0, 0 }, { "until", K_UNTIL, 0, 0 }, { "till", K_UNTIL, 0, 0 },
	{ "by", K_BY, 0, 0 }, { "during", K_DURING, 0, 0 }, { "from", K_FROM, 0, 0 },
	{ "through", K_THROUGH, 0, 0 }, { "within", K_WITHIN, 0, 0 }, { "over", K_OVER, 0, 0 },
	{ "fiscal", K_FISCAL, 0, S }, { "nearly", K_APPROX, 0, S }, { "almost", K_APPROX, 0, S },
	{ "about", K_PLAIN, 0, 0 }, { "around", K_PLAIN, 0, 0 }, { "roughly", K_PLAIN, 0, 0 },
	{ "approximately", K_PLAIN, 0, 0 }, { "some", K_SOME, 0, S }, { "more", K_MORE, 0, S },
	{ "less", K_LESS, 0, S }, { "fewer", K_LESS, 0, S }, { "than", K_THAN, 0, 0 },
	{ "least", K_LEAST, 0, 0 }, { "up", K_UP, 0, S }, { "to", K_TO, 0, 0 },
	{ "every", K_EVERY, 0, S }, { "each", K_EACH, 0, S }, { "per", K_PER, 0, 0 },
	{ "other", K_OTHER, 0, 0 }, { "few", K_FEW, 0, S }, { "several", K_SEVERAL, 0, S },
	{ "many", K_MANY, 0, S }, { "couple", K_COUPLE, 0, 0 }, { "half", K_HALF, 0, S },
	{ "be", K_BE, 0, 0 }, { "been", K_BE, 0, 0 }, { "being", K_BE, 0, 0 },
	{ "and", K_AND, 0, 0 }, { "but", K_AND, 0, 0 }, { "while", K_AND, 0, 0 },
	{ "whereas", K_AND, 0, 0 }, { "or", K_OR, 0, 0 }, { "so", K_SO, 0, 0 },
	{ "period", K_PERIOD, 0, 0 }, { "comparable", K_COMPARABLE, 0, 0 },
	{ "corresponding", K_COMPARABLE, 0, 0 },
	{ "now", K_NOW, 0, S }, { "hence", K_HENCE, 0, 0 },
	{ "today", K_TODAY, 0, S }, { "yesterday", K_YESTERDAY, 0, S | KF_PAST },
	{ "tomorrow", K_TOMORROW, 0, S | KF_FUT }, { "tonight", K_TONIGHT, 0, S },
	{ "currently", K_REF, 1, S }, { "recently", K_REF, 0, S }, { "lately", K_REF, 0, S },
	{ "nowadays", K_REF, 1, S },
	{ "future", K_FUTURE, 0, S }, { "present", K_REF, 1, 0 },
	{ "end", K_END, 0, 0 }, { "beginning", K_BEGINNING, 0, 0 }, { "middle", K_MIDDLE, 0, 0 },
	{ "start", K_START, 0, 0 },
	{ "am", K_AM, 0, 0 }, { "pm", K_PM, 0, 0 }, { "m", K_M, 0, 0 }, { "p", K_PM, 0, 0 },
	{ "o", K_OCLOCK, 0, 0 }, { "s", K_S, 0, 0 },
	{ "th", K_TH, 0, 0 }, { "st", K_TH, 0, 0 }, { "nd", K_TH, 0, 0 }, { "rd", K_TH, 0, 0 },
	{ "would", K_PLAIN, 0, 0 }, { "might", K_PLAIN, 0, 0 },
	{ "planning", K_PLANS, 0, 0 }, { "soon", K_WILL, 0, KF_FUT },
	{ "payable", K_WILL, 0, KF_FUT }, { "effective", K_WILL, 0, KF_FUT },
	{ "will", K_WILL, 0, KF_FUT }, { "shall", K_WILL, 0, KF_FUT }, { "ll", K_LL, 0, KF_FUT },
	{ "going", K_GOING, 0, 0 }, { "is", K_IS, 0, 0 }, { "are", K_IS, 0, 0 },
	{ "plans", K_PLANS, 0, 0 }, { "plan", K_PLANS, 0, 0 }, 
	{ "expected", K_EXPECTED, 0, 0 }, { "expects", K_EXPECTED, 0, 0 },
	{ "scheduled", K_EXPECTED, 0, 0 }, { "due", K_EXPECTED, 0, 0 }, { "set", K_EXPECTED, 0, 0 },
	{ "said", K_SAID, 0, KF_PAST | KF_WEAK }, { "told", K_SAID, 0, KF_PAST | KF_WEAK },
	{ "announced", K_SAID, 0, KF_PAST }, { "reported", K_SAID, 0, KF_PAST },
	{ "was", K_WAS, 0, KF_PAST }, { "were", K_WAS, 0, KF_PAST },
	{ "had", K_HAD, 0, KF_PAST }, { "did", K_DID, 0, KF_PAST },
{ "spoke", K_PASTV, 0, KF_PAST },
	{ "met", K_PASTV, 0, KF_PAST }, { "went", K_PASTV, 0, KF_PAST },
	{ "came", K_PASTV, 0, KF_PAST }, { "took", K_PASTV, 0, KF_PAST },
	{ "gave", K_PASTV, 0, KF_PAST }, { "made", K_PASTV, 0, KF_PAST },
	{ "began", K_PASTV, 0, KF_PAST }, { "left", K_PASTV, 0, KF_PAST },
	{ "held", K_PASTV, 0, KF_PAST }, { "won", K_PASTV, 0, KF_PAST },
	{ "lost", K_PASTV, 0, KF_PAST }, { "fell", K_PASTV, 0, KF_PAST },
	{ "rose", K_PASTV, 0, KF_PAST }, { "got", K_PASTV, 0, KF_PAST },
	{ "saw", K_PASTV, 0, KF_PAST }, { "found", K_PASTV, 0, KF_PAST },
	{ "thought", K_PASTV, 0, KF_PAST }, { "brought", K_PASTV, 0, KF_PAST },
	{ "sent", K_PASTV, 0, KF_PAST }, { "kept", K_PASTV, 0, KF_PAST },
	{ "wrote", K_PASTV, 0, KF_PAST }, { "paid", K_PASTV, 0, KF_PAST },
	{ "sold", K_PASTV, 0, KF_PAST }, { "bought", K_PASTV, 0, KF_PAST },
	{ "led", K_PASTV, 0, KF_PAST }, { "ran", K_PASTV, 0, KF_PAST },
	{ "struck", K_PASTV, 0, KF_PAST }, { "hit", K_PASTV, 0, 0 },
	{ "shot", K_PASTV, 0, KF_PAST }, { "killed", K_PASTV, 0, KF_PAST },
	{ "flew", K_PASTV, 0, KF_PAST }, { "became", K_PASTV, 0, KF_PAST },
	{ "knew", K_PASTV, 0, KF_PAST }, { "felt", K_PASTV, 0, KF_PAST },
	{ "stood", K_PASTV, 0, KF_PAST }, { "heard", K_PASTV, 0, KF_PAST },
	{ "chose", K_PASTV, 0, KF_PAST }, { "broke", K_PASTV, 0, KF_PAST },
	{ "drove", K_PASTV, 0, KF_PAST }, { "threw", K_PASTV, 0, KF_PAST },
	{ "grew", K_PASTV, 0, KF_PAST }, { "meant", K_PASTV, 0, KF_PAST },
	{ "built", K_PASTV, 0, KF_PAST }, { "spent", K_PASTV, 0, KF_PAST },
	{ "dropped", K_PASTV, 0, KF_PAST }, { "stopped", K_PASTV, 0, KF_PAST },
	{ "quit", K_PASTV, 0, 0 }, { "fought", K_PASTV, 0, KF_PAST },
	{ "sought", K_PASTV, 0, KF_PAST }, { "taught", K_PASTV, 0, KF_PAST },
	{ "caught", K_PASTV, 0, KF_PAST }, { "swore", K_PASTV, 0, KF_PAST },
	{ "wore", K_PASTV, 0, KF_PAST }, { "forgot", K_PASTV, 0, KF_PAST },
	{ "underwent", K_PASTV, 0, KF_PAST }, { "overtook", K_PASTV, 0, KF_PAST },
	{ "withdrew", K_PASTV, 0, KF_PAST }, { "arose", K_PASTV, 0, KF_PAST },
	{ "slid", K_PASTV, 0, KF_PAST }, { "sank", K_PASTV, 0, KF_PAST },
	{ "sprang", K_PASTV, 0, KF_PAST }, { "woke", K_PASTV, 0, KF_PAST },
	{ "ago", K_AGO, 0, KF_PAST },
	/* abbreviations that take a dot */
	{ "vs", K_PLAIN, 0, KF_ABBR }, { "mr", K_PLAIN, 0, KF_ABBR }, { "mrs", K_PLAIN, 0, KF_ABBR },
	{ "ms", K_PLAIN, 0, KF_ABBR }, { "dr", K_PLAIN, 0, KF_ABBR }, { "jr", K_PLAIN, 0, KF_ABBR },
	{ "sr", K_PLAIN, 0, KF_ABBR }, { "gen", K_PLAIN, 0, KF_ABBR }, { "gov", K_PLAIN, 0, KF_ABBR },
	{ "sen", K_PLAIN, 0, KF_ABBR }, { "rep", K_PLAIN, 0, KF_ABBR }, { "col", K_PLAIN, 0, KF_ABBR },
	{ "lt", K_PLAIN, 0, KF_ABBR }, { "sgt", K_PLAIN, 0, KF_ABBR }, { "capt", K_PLAIN, 0, KF_ABBR },
	{ "inc", K_PLAIN, 0, KF_ABBR }, { "corp", K_PLAIN, 0, KF_ABBR }, { "co", K_PLAIN, 0, KF_ABBR },
	{ "ltd", K_PLAIN, 0, KF_ABBR }, { "prof", K_PLAIN, 0, KF_ABBR }, { "rev", K_PLAIN, 0, KF_ABBR },
	{ "mt", K_PLAIN, 0, KF_ABBR }, { "ft", K_PLAIN, 0, KF_ABBR }, { "ala", K_PLAIN, 0, KF_ABBR },
	{ "ariz", K_PLAIN, 0, KF_ABBR }, { "calif", K_PLAIN, 0, KF_ABBR }, { "conn", K_PLAIN, 0, KF_ABBR },
	{ "fla", K_PLAIN, 0, KF_ABBR }, { "ga", K_PLAIN, 0, KF_ABBR }, { "ill", K_PLAIN, 0, KF_ABBR },
	{ "mass", K_PLAIN, 0, KF_ABBR }, { "mich", K_PLAIN, 0, KF_ABBR }, { "minn", K_PLAIN, 0, KF_ABBR },
	{ "mo", K_PLAIN, 0, KF_ABBR }, { "pa", K_PLAIN, 0, KF_ABBR }, { "tenn", K_PLAIN, 0, KF_ABBR },
	{ "tex", K_PLAIN, 0, KF_ABBR }, { "va", K_PLAIN, 0, KF_ABBR }, { "wash", K_PLAIN, 0, KF_ABBR },
	{ "wis", K_PLAIN, 0, KF_ABBR }, { "md", K_PLAIN, 0, KF_ABBR }, { "ky", K_PLAIN, 0, KF_ABBR },
	{ "okla", K_PLAIN, 0, KF_ABBR }, { "ore", K_PLAIN, 0, KF_ABBR }, { "nev", K_PLAIN, 0, KF_ABBR },
	/* not past tense despite the -ed ending */
	{ "hundred", K_HUNDRED, 100, 0 }, { "indeed", K_PLAIN, 0, 0 }, { "need", K_PLAIN, 0, 0 },
	{ "speed", K_PLAIN, 0, 0 }, { "proceed", K_PLAIN, 0, 0 }, { "exceed", K_PLAIN, 0, 0 },
	{ "succeed", K_PLAIN, 0, 0 }, { "breed", K_PLAIN, 0, 0 }, { "greed", K_PLAIN, 0, 0 },
	{ "weekdays", K_WEEKDAYS, 0, 0 }, { "seed", K_PLAIN, 0, 0 }, { "based", K_PLAIN, 0, 0 },
	{ "united", K_PLAIN, 0, 0 }, { "limited", K_PLAIN, 0, 0 }, { "related", K_PLAIN, 0, 0 },
	{ "advanced", K_PLAIN, 0, 0 }, { "concerned", K_PLAIN, 0, 0 }, { "interested", K_PLAIN, 0, 0 },
	{ "armed", K_PLAIN, 0, 0 }, { "detailed", K_PLAIN, 0, 0 }, { "used", K_PLAIN, 0, 0 },
	{ "supposed", K_PLAIN, 0, 0 }, { "proposed", K_PLAIN, 0, 0 },
};
#undef S

/* ------------------------------------------------------------------------ */
/* Tagger state                                                              */
/* ------------------------------------------------------------------------ */

enum tkind { TK_END = 0, TK_WORD, TK_NUM, TK_PUNCT };

/* (whether a word is capitalised, all capitals or ends in -ed is read from
 * the text when a matcher asks: tok_cap, tok_allcap, tok_ed) */
#define TF_SPACE 0x01    /* white space (or start of text) before the token */
#define TF_GROUPED 0x04  /* number with thousands separators or decimals */
#define TF_NL 0x10       /* a line break precedes the token */
#define TF_START 0x40    /* an expression may start here (dates_tag tries only these):
			  * a number, a starter keyword, an ordinal word, the word Q
			  * or H, an apostrophe before a digit (nothing else could:
			  * match_at would say so, after work) */

struct tok {          /* 16 bytes */
	uint32_t s, e;   /* byte span */
	int32_t num;     /* number value (capped), punct char, or keyword value */
	uint8_t kind, flags;
	uint8_t cls;     /* keyword class (enum kcls), K_NONE for unknown words */
	union {
		uint8_t kf;  /* word: keyword flags KF_* */
		uint8_t nd;  /* number: digit count (capped at 255) */
	};
};

#define KW_SLOTS 4096 /* power of two, > 8 * NL_ARRAY_LEN(kwdefs): most words are not
		       * keywords, and most of them then find an empty slot first */
#define KW_MAXLEN 15
#define TOK_PAD 16    /* sentinel tokens after the last one: matchers look ahead freely */

/* A token's last 8 bytes (num, kind, flags, cls, kf) as one little-endian
 * word: the scanner composes it in a register and stores it at once, and a
 * keyword keeps its own ready made (tok_put). */
#define TOK_HI(num, kind, flags, cls, kf)                                            \
	((uint64_t)(uint32_t)(int32_t)(num) | (uint64_t)(kind) << 32 |                 \
	 (uint64_t)(flags) << 40 | (uint64_t)(cls) << 48 | (uint64_t)(kf) << 56)
#define TOK_HI_FLAGS 40 /* the shift of the flags byte in TOK_HI */
#define TOK_HI_CLS 48   /* and of the class byte */

struct kwent {
	uint64_t w0, w1;           /* the word, zero-padded to 16 bytes (little-endian) */
	uint64_t hi;               /* its token's TOK_HI, TF_START set if it starts */
	uint64_t step;             /* the bytes scan's list of starters moves on past
				    * the word: one entry's if it starts, else none */
	uint64_t seen;             /* SEEN_* bits the word sets in the tagger's seen */
};

/* What kinds of words a call's text holds (dates_tagger.seen, or'ed up by
 * scan as it meets keywords): a matcher that needs one looks no further
 * when there is none, as most sentences have no unit ("day", "years") and
 * no month, and their numbers and number words would try them in vain. */
#define SEEN_UNIT 0x01   /* a word unit_of takes: a K_UNIT, or "second" */
#define SEEN_MONTH 0x02  /* a K_MONTH or K_MONABBR, as month_at takes */

struct dates_tagger {
	uint16_t slot[KW_SLOTS];   /* keyword hash table, open addressing: the byte
				    * offset of the entry from slot (one base register
				    * for both in scan's loop), 0 = empty */
	/* the keywords from kw[1] on, then the one-letter words that are none */
	struct kwent kw[NL_ARRAY_LEN(kwdefs) + 27];
	struct tok *tok;
	size_t ntok, tokcap;
	uint32_t *start;           /* the tokens flagged TF_START, in order, each as
				    * tok_ref (scan stores it at once; dates_tag
				    * takes the index back) */
	size_t nstart, startcap;
	unsigned char *pad;        /* the text of the call, then 16 zero bytes */
	size_t padcap;
	struct date_mention *ment;
	size_t nment, mentcap;
	/* per call */
	const char *text;
	int32_t dct;
	int dy, dm, dd, dwd;       /* dct as y-m-d and weekday */
	int32_t ymd_day;           /* the day dy, dm, dd (and dwd) were computed for */
	struct dates_ctx *ctx;
	uint64_t seen;             /* SEEN_* of the call's words */
};

/* Slot of a lower-case word given as its first 8 bytes, zero-padded
 * (little-endian; the padding tells the lengths apart): the scanner gathers
 * them in a register, so there is no per-byte chain and nothing is stored
 * and read back. A multiply's top bits: two instructions a word. Longer
 * words are told apart by the compare (the few keywords that share their
 * first 8 letters, "thirteen" and "thirteenth", take a slot after). */
static inline uint32_t kw_slot(uint64_t w0)
{
	return (uint32_t)((w0 * 0x9E3779B97F4A7C15ull) >> (64 - 12));
}
_Static_assert(KW_SLOTS == 1 << 12, "kw_slot gives 12 bits");

/* The first n <= 16 bytes of w as two little-endian words, zero-padded. */
static void kw_words(const char *w, size_t n, uint64_t out[2])
{
	out[0] = out[1] = 0;
	for (size_t i = 0; i < n; i++)
		out[i / 8] |= (uint64_t)(unsigned char)w[i] << (8 * (i % 8));
}

/* Enter the word w[] (zero-padded) with its token's TOK_HI, unless it is in
 * the table already (the first definition wins). */
static void kw_add(struct dates_tagger *t, size_t *nkw, const uint64_t w[2], uint64_t hi)
{
	uint32_t h = kw_slot(w[0]);
	for (; t->slot[h]; h = (h + 1) & (KW_SLOTS - 1)) {
		const struct kwent *e = (const struct kwent *)((const char *)t->slot + t->slot[h]);
		if (e->w0 == w[0] && e->w1 == w[1])
			return;
	}
	struct kwent *e = &t->kw[++*nkw];
	e->w0 = w[0];
	e->w1 = w[1];
	e->hi = hi;
	e->step = hi & (uint64_t)TF_START << TOK_HI_FLAGS ? sizeof *t->start : 0;
	int cls = (uint8_t)(hi >> TOK_HI_CLS), num = (int32_t)(uint32_t)hi;
	e->seen = (cls == K_UNIT || (cls == K_ORDW && num == 2) ? SEEN_UNIT : 0) |
		  (cls == K_MONTH || cls == K_MONABBR ? SEEN_MONTH : 0);
	t->slot[h] = (uint16_t)((const char *)e - (const char *)t->slot);
}

struct dates_tagger *dates_new(void)
{
	_Static_assert(offsetof(struct dates_tagger, kw) + sizeof(((struct dates_tagger *)0)->kw) <= 65535,
		       "kw offsets fit 16 bits");
	struct dates_tagger *t = xcalloc(1, sizeof *t);
	t->ymd_day = NL_NODAY;
	size_t nkw = 0;
	for (size_t i = 0; i < NL_ARRAY_LEN(kwdefs); i++) {
		const struct kwdef *d = &kwdefs[i];
		size_t n = strlen(d->w);
		if (n > KW_MAXLEN)
			continue; /* the scanner looks up no longer word */
		uint64_t w[2];
		kw_words(d->w, n, w);
		/* (every keyword has a class, so hi is never that of an unknown word) */
		uint8_t fl = (d->flags & KF_START) || d->cls == K_ORDW ? TF_START : 0;
		kw_add(t, &nkw, w, TOK_HI(d->val, TK_WORD, fl, d->cls, d->flags));
	}
	/* of the other one-letter words only Q and H start one ("Q3", "H1":
	 * match_at tries m_quarter on any, and it wants one of them) */
	for (char c = 'a'; c <= 'z'; c++) {
		uint64_t w[2] = { (uint64_t)c, 0 };
		kw_add(t, &nkw, w, TOK_HI(0, TK_WORD, c == 'q' || c == 'h' ? TF_START : 0, K_NONE, 0));
	}
	return t;
}

void dates_free(struct dates_tagger *t)
{
	if (!t)
		return;
	free(t->tok);
	free(t->start);
	free(t->pad);
	free(t->ment);
	free(t);
}

void dates_ctx_init(struct dates_ctx *ctx)
{
	ctx->last_day = NL_NODAY;
	ctx->last_gran = GRAN_NONE;
	ctx->last_value[0] = 0;
}

const char *dates_type_name(int type)
{
	static const char *const names[] = { "DATE", "TIME", "DURATION", "SET" };
	return type >= 0 && type < 4 ? names[type] : "?";
}

const char *dates_gran_name(int gran)
{
	static const char *const names[] = { "none", "century", "decade", "year", "half",
		"season", "quarter", "month", "week", "day", "partofday", "minute" };
	return gran >= 0 && gran <= GRAN_MINUTE ? names[gran] : "none";
}

/* ------------------------------------------------------------------------ */
/* Scanner                                                                   */
/* ------------------------------------------------------------------------ */

static inline bool is_alpha(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}
static inline bool is_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

#define LO8 0x0101010101010101ull
#define HI8 0x8080808080808080ull

/* 0x80 in each byte of x that is an ASCII letter (is_alpha), 0 elsewhere. */
static inline uint64_t alpha8(uint64_t x)
{
	uint64_t y = (x | LO8 * 0x20) & ~HI8;  /* lower-cased, high bit cleared */
	uint64_t ge_a = y + LO8 * (0x80 - 'a'); /* high bit: >= 'a' (no carry out) */
	uint64_t gt_z = y + LO8 * (0x80 - 'z' - 1);
	return ge_a & ~gt_z & ~x & HI8;
}

#ifdef __SSE2__
/* 16 bytes from word_mask + 16 - n: n bytes 0xFF, then zeros (scan). */
static const unsigned char word_mask[32] = {
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};
#endif

/* Store a token: its span and its TOK_HI. */
static inline void tok_put(struct tok *k, uint32_t s, uint32_t e, uint64_t hi)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	_Static_assert(offsetof(struct tok, num) == 8 && offsetof(struct tok, kind) == 12 &&
		       offsetof(struct tok, flags) == 13 && offsetof(struct tok, cls) == 14 &&
		       offsetof(struct tok, kf) == 15, "TOK_HI is the token's last 8 bytes");
	k->s = s; /* (two stores: fewer instructions than composing one) */
	k->e = e;
	memcpy((char *)k + 8, &hi, 8);
#else
	k->s = s;
	k->e = e;
	k->num = (int32_t)(uint32_t)hi;
	k->kind = (uint8_t)(hi >> 32);
	k->flags = (uint8_t)(hi >> 40);
	k->cls = (uint8_t)(hi >> 48);
	k->kf = (uint8_t)(hi >> 56);
#endif
}

/* A token as scan lists a starter: the low 32 bits of its address, one
 * store with no arithmetic in scan's loop. The token array is far smaller
 * than 4 GiB, so the index is the difference of two of them, modulo 2^32,
 * over the token's size (tok_index). */
static inline uint32_t tok_ref(const struct tok *k)
{
	return (uint32_t)(uintptr_t)k;
}
static inline size_t tok_index(const struct tok *base, uint32_t ref)
{
	return (uint32_t)(ref - tok_ref(base)) / sizeof(struct tok);
}

/* What a byte starts, for scan's dispatch: one load instead of a chain of
 * compares. */
enum { B_PUNCT = 0, B_ALPHA, B_DIGIT, B_SPACE, B_NL, B_ZERO, B_HIGH };
static const uint8_t byte_class[256] = {
	[0] = B_ZERO, ['\t'] = B_SPACE, ['\n'] = B_NL, ['\v'] = B_SPACE, ['\f'] = B_SPACE,
	['\r'] = B_SPACE, [' '] = B_SPACE,
	['0'] = B_DIGIT, ['1'] = B_DIGIT, ['2'] = B_DIGIT, ['3'] = B_DIGIT, ['4'] = B_DIGIT,
	['5'] = B_DIGIT, ['6'] = B_DIGIT, ['7'] = B_DIGIT, ['8'] = B_DIGIT, ['9'] = B_DIGIT,
#define B_LETTER(c) [c] = B_ALPHA, [c + 32] = B_ALPHA
	B_LETTER('A'), B_LETTER('B'), B_LETTER('C'), B_LETTER('D'), B_LETTER('E'), B_LETTER('F'),
	B_LETTER('G'), B_LETTER('H'), B_LETTER('I'), B_LETTER('J'), B_LETTER('K'), B_LETTER('L'),
	B_LETTER('M'), B_LETTER('N'), B_LETTER('O'), B_LETTER('P'), B_LETTER('Q'), B_LETTER('R'),
	B_LETTER('S'), B_LETTER('T'), B_LETTER('U'), B_LETTER('V'), B_LETTER('W'), B_LETTER('X'),
	B_LETTER('Y'), B_LETTER('Z'),
#undef B_LETTER
#define B_HIGH16(c) [c] = B_HIGH, [c + 1] = B_HIGH, [c + 2] = B_HIGH, [c + 3] = B_HIGH,           \
	[c + 4] = B_HIGH, [c + 5] = B_HIGH, [c + 6] = B_HIGH, [c + 7] = B_HIGH, [c + 8] = B_HIGH,   \
	[c + 9] = B_HIGH, [c + 10] = B_HIGH, [c + 11] = B_HIGH, [c + 12] = B_HIGH, [c + 13] = B_HIGH, \
	[c + 14] = B_HIGH, [c + 15] = B_HIGH
	B_HIGH16(0x80), B_HIGH16(0x90), B_HIGH16(0xA0), B_HIGH16(0xB0), B_HIGH16(0xC0),
	B_HIGH16(0xD0), B_HIGH16(0xE0), B_HIGH16(0xF0),
#undef B_HIGH16
};

/* A token measured out of scan's loop: its end and its TOK_HI. */
struct scanned {
	size_t end;
	uint64_t hi;
};

/* The number at p[i] (a digit): "14,000" and "3.5" are one number, flagged
 * TF_GROUPED. Out of scan's loop, which then keeps what it needs for words
 * in registers. p is scan's padded copy: past the text come zero bytes,
 * which are no digit, comma or point, so no test of len is needed (the
 * bytes read lie within the padding). */
static __attribute__((noinline)) struct scanned scan_number(const unsigned char *p, size_t i)
{
	int64_t v = 0;
	size_t s = i;
	while (is_digit(p[i])) {
		if (v < 1000000000)
			v = v * 10 + (p[i] - '0');
		i++;
	}
	size_t nd = i - s;
	uint8_t fl = 0;
	/* thousands groups: ",ddd" not followed by another digit */
	while (p[i] == ',' && is_digit(p[i + 1]) && is_digit(p[i + 2]) && is_digit(p[i + 3]) &&
	       !is_digit(p[i + 4])) {
		fl |= TF_GROUPED;
		i += 4;
	}
	if (p[i] == '.' && is_digit(p[i + 1])) {
		fl |= TF_GROUPED;
		i++;
		while (is_digit(p[i]))
			i++;
	}
	return (struct scanned){ i, TOK_HI(v > 1000000000 ? 1000000000 : v, TK_NUM, fl | TF_START, K_NONE,
					   nd > 255 ? 255 : nd) };
}

/* The UTF-8 sequence at p[i] (a byte of 0x80 or more): no-break space is
 * space (hi 0), curly apostrophes are ', dashes are -, anything else is an
 * opaque separator. */
static __attribute__((noinline)) struct scanned scan_utf8(const unsigned char *p, size_t i, size_t len)
{
	size_t s = i++;
	while (i < len && (p[i] & 0xC0) == 0x80 && i - s < 4)
		i++;
	size_t n = i - s;
	if (n == 2 && p[s] == 0xC2 && p[s + 1] == 0xA0)
		return (struct scanned){ i, 0 };
	int ch = 0x80;
	if (n == 3 && p[s] == 0xE2 && p[s + 1] == 0x80) {
		if (p[s + 2] == 0x98 || p[s + 2] == 0x99)
			ch = '\'';
		else if (p[s + 2] == 0x93 || p[s + 2] == 0x94)
			ch = '-';
	}
	/* (an apostrophe starts only "'90s", before a digit) */
	return (struct scanned){ i, TOK_HI(ch, TK_PUNCT, ch == '\'' && is_digit(p[i]) ? TF_START : 0,
					   K_NONE, 0) };
}

/* Inlined in dates_tag (called once a sentence): the per-word loop keeps
 * few values, so it no longer spills there, and the call cost a sentence
 * as much as two words.
 *
 * Words are most of the work (a sentence of 15 words has a few other
 * tokens), so a word's turn does no more than it must: measure and
 * lower-case it in one register, look it up (most words that are not
 * keywords hit an empty slot), and store its token as two words, its last 8
 * bytes being the keyword's ready made ones (or those of an unknown word)
 * with the space before it or'ed in; a keyword that starts an expression
 * is listed by a store and an add. Words one space apart are taken in a
 * loop of their own, without the dispatch on the next byte's kind, and
 * the space after a number or punctuation mark goes with it (the live-blog
 * text spaces its punctuation: "said , and"). scan() reserves len + TOK_PAD tokens
 * and len starters first (a token is at least one byte), so nothing is
 * checked per token, and the copy it reads ends in a zero byte, so only a
 * zero byte asks whether the text has ended. */
static __attribute__((always_inline)) inline void scan(struct dates_tagger *t, const unsigned char *text,
					   size_t len)
{
	size_t i = 0;
	uint8_t pend = TF_SPACE;
	t->ntok = 0;
	/* the three arrays grow together (one test a call) */
	if (__builtin_expect(len + TOK_PAD + 1 > t->tokcap, 0)) {
		t->tok = xgrow(t->tok, &t->tokcap, len + TOK_PAD + 1, sizeof *t->tok);
		t->start = xgrow(t->start, &t->startcap, t->tokcap, sizeof *t->start);
		t->pad = xgrow(t->pad, &t->padcap, t->tokcap, 1);
	}
	/* scanned from a copy with 16 zero bytes after it, so every word is
	 * measured 16 bytes at a time, up to the end of the text (a zero byte
	 * ends a word as the end of the text does) */
	if (len)
		memcpy(t->pad, text, len);
	memset(t->pad + len, 0, 16);
	const unsigned char *p = t->pad;
	/* the array and the count in locals: the tokens' byte-sized fields may
	 * alias anything, so t's would be stored and loaded again per token */
	struct tok *tk = t->tok, *tp = tk;
	/* and the starters (tok_ref), so that dates_tag visits only them (a
	 * word that is not a keyword never starts one) */
	uint32_t *sp = t->start;
	const uint16_t *slot = t->slot;
	uint64_t seen = 0;
#ifdef __SSE2__
	const unsigned char *wm_end = word_mask + 16; /* (a register, not an address each word) */
#endif
	for (;;) {
		unsigned char c = p[i];
		unsigned bc = byte_class[c];
		if (bc == B_ALPHA) {
			/* words one space apart (most of the text) follow each other
			 * in this inner loop, without the dispatch above; ph is the
			 * TOK_HI flags of the space before the word */
			uint64_t ph = (uint64_t)pend << TOK_HI_FLAGS;
			size_t n;
			for (;;) {
				size_t s = i;
				/* the word's first 16 bytes lower-cased (w0, w1: little-endian,
				 * zero-padded) */
				uint64_t w0 = 0;
				n = 0;
#ifdef __SSE2__
				__m128i w; /* (the compare reads w) */
				{
					/* 16 bytes in one register (p is padded): a byte is a
					 * letter if, lower-cased, it lies in 'a'..'z' (biased by
					 * 128 for a signed compare); the word's length is the
					 * first that is not; its bytes are kept through a mask
					 * loaded from word_mask (n 0xFF bytes, then zeros) */
					__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
					__m128i lv = _mm_or_si128(v, _mm_set1_epi8(0x20));
					__m128i let = _mm_cmplt_epi8(_mm_sub_epi8(lv, _mm_set1_epi8((char)('a' + 128))),
								     _mm_set1_epi8((char)(26 - 128)));
					unsigned lm = (unsigned)_mm_movemask_epi8(let);
					/* the letters' run from bit 0 carries into bit n */
					n = (unsigned)__builtin_ctz(lm + 1); /* 1..16 */
					w = _mm_and_si128(lv, _mm_loadu_si128((const __m128i *)(wm_end - n)));
					w0 = (uint64_t)_mm_cvtsi128_si64(w);
					i += n;
				}
				/* (a word of 16 letters or more is measured on past them
				 * when the run ends, below: its first 16 letters equal no
				 * keyword of up to KW_MAXLEN) */
#else
				uint64_t w1 = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				{
					/* 16 bytes at once (p is padded): the word's length from
					 * the first byte that is not a letter, no branch per byte */
					uint64_t x0;
					memcpy(&x0, p + i, 8);
					uint64_t a0 = alpha8(x0);
					if (~a0 & HI8) {
						n = (size_t)__builtin_ctzll(~a0 & HI8) / 8;
						uint64_t m = ~0ull >> (64 - 8 * n); /* n >= 1 */
						w0 = (x0 | LO8 * 0x20) & m;
					} else {
						/* the second 8 bytes only for a word of 8 letters
						 * or more (most are shorter) */
						uint64_t x1;
						memcpy(&x1, p + i + 8, 8);
						uint64_t a1 = alpha8(x1);
						w0 = x0 | LO8 * 0x20;
						n = 8;
						if (~a1 & HI8) {
							size_t n1 = (size_t)__builtin_ctzll(~a1 & HI8) / 8;
							uint64_t m = n1 ? ~0ull >> (64 - 8 * n1) : 0;
							w1 = (x1 | LO8 * 0x20) & m;
							n += n1;
						} else {
							w1 = x1 | LO8 * 0x20;
							n = 16;
						}
					}
					i += n;
				}
#endif
				/* the rest of a word of 16 letters or more (w0, w1 keep its
				 * first 16, which no keyword of up to KW_MAXLEN letters
				 * equals, so it is looked up all the same); byte by byte
				 * on a host with neither path above */
				if (__builtin_expect(n == 16 || n == 0, 0)) {
					while (i < len && is_alpha(p[i])) {
						unsigned char l = p[i] | 0x20;
						size_t k = i - s;
						if (k < 8)
							w0 |= (uint64_t)l << (8 * k);
						else if (k < 16)
							w1 |= (uint64_t)l << (8 * (k - 8));
						i++;
					}
					n = 0; /* (measured) */
				}
#endif
				uint64_t hi = TOK_HI(0, TK_WORD, 0, K_NONE, 0);
				for (uint32_t h = kw_slot(w0), x; (x = slot[h]) != 0; h = (h + 1) & (KW_SLOTS - 1)) {
					/* equal zero-padded words are equal words (no
					 * keyword holds a zero byte) */
					const struct kwent *e = (const struct kwent *)((const char *)slot + x);
#ifdef __SSE2__
					if (_mm_movemask_epi8(_mm_cmpeq_epi8(w, _mm_loadu_si128((const __m128i *)e))) == 0xFFFF) {
#else
					if (e->w0 == w0 && e->w1 == w1) {
#endif
						hi = e->hi;
						/* the token is written, and the pointer
						 * moves past it if the keyword starts */
						*sp = tok_ref(tp);
						sp = (uint32_t *)((char *)sp + e->step);
						seen |= e->seen;
						break;
					}
				}
				tok_put(tp++, (uint32_t)s, (uint32_t)i, hi | ph);
				/* the next word one space on? (p[len] is padding) */
				if (p[i] != ' ' || byte_class[p[i + 1]] != B_ALPHA)
					break;
				i++;
				ph = (uint64_t)TF_SPACE << TOK_HI_FLAGS;
			}
#ifdef __SSE2__
			/* a word of 16 letters or more: its end */
			if (__builtin_expect(n == 16, 0)) {
				while (i < len && is_alpha(p[i]))
					i++;
				tp[-1].e = (uint32_t)i;
			}
#endif
			/* the usual separator, without another turn of the loop */
			_Static_assert(TF_SPACE == 1, "TF_SPACE is bit 0");
			pend = p[i] == ' ';
			i += pend;
		} else if (__builtin_expect(bc == B_PUNCT, 1)) {
			/* an apostrophe starts only "'90s", before a digit */
			uint8_t fl = c == '\'' && byte_class[p[i + 1]] == B_DIGIT ? TF_START : 0;
			if (fl)
				*sp++ = tok_ref(tp);
			tok_put(tp++, (uint32_t)i, (uint32_t)i + 1, TOK_HI(c, TK_PUNCT, pend | fl, K_NONE, 0));
			/* and the space after it, as after a word (the text often
			 * spaces its punctuation: "said , and") */
			pend = p[i + 1] == ' ';
			i += 1 + pend;
		} else {
			/* (the rarer kinds apart: tested one by one, not through a
			 * jump table) */
			if (bc == B_DIGIT) {
				struct scanned r = scan_number(p, i);
				*sp++ = tok_ref(tp);
				tok_put(tp++, (uint32_t)i, (uint32_t)r.end, r.hi | (uint64_t)pend << TOK_HI_FLAGS);
				/* and the space after it, as after a word */
				pend = p[r.end] == ' ';
				i = r.end + pend;
			} else if (bc == B_SPACE) {
				pend |= TF_SPACE;
				i++;
			} else if (bc == B_NL) {
				pend |= TF_SPACE | TF_NL;
				i++;
			} else if (bc == B_ZERO) {
				if (i >= len)
					break; /* the padding */
				pend |= TF_SPACE;
				i++;
			} else {
				struct scanned r = scan_utf8(p, i, len);
				if (!r.hi) {
					pend |= TF_SPACE; /* a no-break space */
				} else {
					if (r.hi & (uint64_t)TF_START << TOK_HI_FLAGS)
						*sp++ = tok_ref(tp);
					tok_put(tp++, (uint32_t)i, (uint32_t)r.end,
						r.hi | (uint64_t)pend << TOK_HI_FLAGS);
					pend = 0;
				}
				i = r.end;
			}
		}
	}
	/* sentinels: kind TK_END, span at the end of the text (room for them
	 * was reserved above: a token is at least one byte) */
	t->ntok = (size_t)(tp - tk);
	t->nstart = (size_t)(sp - t->start);
	t->seen = seen;
	/* (one store a token: every sentence pays this) */
#ifdef __SSE2__
	__m128i sv = _mm_set_epi64x((long long)TOK_HI(0, TK_END, TF_SPACE, K_NONE, 0),
				    (long long)(len | (uint64_t)len << 32));
#pragma GCC unroll 16
	for (size_t j = 0; j < TOK_PAD; j++)
		_mm_storeu_si128((__m128i *)&tp[j], sv);
#else
	for (size_t j = 0; j < TOK_PAD; j++)
		tok_put(&tp[j], (uint32_t)len, (uint32_t)len, TOK_HI(0, TK_END, TF_SPACE, K_NONE, 0));
#endif
}

/* ------------------------------------------------------------------------ */
/* Token helpers                                                             */
/* ------------------------------------------------------------------------ */

#define RF_GUESSED_YEAR 0x80 /* internal: year chosen, not written */

struct res {
	uint8_t type, gran, flags;
	int32_t day;
	char value[DATES_VALUE_MAX];
};

#define TK(i) (&t->tok[(i)])
static inline int cls(const struct dates_tagger *t, size_t i)
{
	return t->tok[i].cls;
}
static inline bool is_punct(const struct dates_tagger *t, size_t i, int c)
{
	return t->tok[i].kind == TK_PUNCT && t->tok[i].num == c;
}
/* token i follows i-1 with no space in between */
static inline bool glued(const struct dates_tagger *t, size_t i)
{
	return !(t->tok[i].flags & TF_SPACE);
}

/* Does word token k begin with an upper-case letter? (These three read the
 * text when a matcher asks, which few tokens are: the scanner does not work
 * them out for every word.) */
static inline bool tok_cap(const struct dates_tagger *t, const struct tok *k)
{
	return k->kind == TK_WORD && !(t->text[k->s] & 0x20);
}

/* Is word token k all upper case, two letters or more? */
static bool tok_allcap(const struct dates_tagger *t, const struct tok *k)
{
	if (k->kind != TK_WORD || k->e - k->s < 2)
		return false;
	for (uint32_t j = k->s; j < k->e; j++)
		if (t->text[j] & 0x20)
			return false;
	return true;
}

/* Is token k a lower-case word of five letters or more ending in -ed, and
 * not a keyword (a past tense cue)? */
static bool tok_ed(const struct dates_tagger *t, const struct tok *k)
{
	return k->kind == TK_WORD && k->cls == K_NONE && k->e - k->s >= 5 && (t->text[k->s] & 0x20) &&
	       (t->text[k->e - 1] | 0x20) == 'd' && (t->text[k->e - 2] | 0x20) == 'e';
}

/* Is token i the word w (ASCII, compared without case)? Never reads past
 * the token. */
static bool word_is(const struct dates_tagger *t, size_t i, const char *w)
{
	const struct tok *k = &t->tok[i];
	size_t n = strlen(w);
	return k->kind == TK_WORD && k->e - k->s == n && !strncasecmp(t->text + k->s, w, n);
}

/* A '.' right after token i (glued), as in "Jan." or "a.m."; returns the index
 * after it, or i + 1 when there is none. */
static size_t skip_dot(const struct dates_tagger *t, size_t i)
{
	return is_punct(t, i + 1, '.') && glued(t, i + 1) ? i + 2 : i + 1;
}

/* Is token i inside a digit-dash chain like a phone number or a score
 * ("555-1234", "4-2")? */
static bool in_num_chain(const struct dates_tagger *t, size_t i)
{
	if (i >= 2 && glued(t, i) && (is_punct(t, i - 1, '-') || is_punct(t, i - 1, '/') ||
	    is_punct(t, i - 1, ':') || is_punct(t, i - 1, '.')) && t->tok[i - 2].kind == TK_NUM &&
	    glued(t, i - 1))
		return true;
	if (glued(t, i + 1) && (is_punct(t, i + 1, '-') || is_punct(t, i + 1, '/') ||
	    is_punct(t, i + 1, ':') || is_punct(t, i + 1, '.')) && glued(t, i + 2) &&
	    t->tok[i + 2].kind == TK_NUM)
		return true;
	if (i >= 1 && glued(t, i) && (is_punct(t, i - 1, '$') || is_punct(t, i - 1, '#') ||
	    is_punct(t, i - 1, '(') || is_punct(t, i - 1, '+')))
		return true;
	return false;
}

/* A numeric quantity at i: digits, a number word, "twenty-five", "a"/"an".
 * Stores the value (-1 = vague: few, several, some, many) and returns the end. */
static size_t quantity(const struct dates_tagger *t, size_t i, double *val)
{
	const struct tok *k = TK(i);
	if (k->kind == TK_NUM) {
		if (k->flags & TF_GROUPED) {
			/* "3.5" years; "14,000" stays a count */
			const char *s = t->text + k->s;
			double v = 0, f = 0.1;
			bool frac = false;
			for (const char *q = s; q < t->text + k->e; q++) {
				if (*q == '.')
					frac = true;
				else if (*q == ',')
					continue;
				else if (frac) {
					v += (*q - '0') * f;
					f /= 10;
				} else {
					v = v * 10 + (*q - '0');
				}
			}
			*val = v;
		} else {
			*val = k->num;
		}
		size_t j = i + 1;
		/* "2 1/2" */
		if (TK(j)->kind == TK_NUM && TK(j)->num == 1 && is_punct(t, j + 1, '/') &&
		    TK(j + 2)->kind == TK_NUM && TK(j + 2)->num == 2 && glued(t, j + 1)) {
			*val += 0.5;
			j += 3;
		}
		return j;
	}
	switch (k->cls) {
	case K_NUMW: case K_NINETEEN: {
		*val = k->num;
		return i + 1;
	}
	case K_TENS:
		*val = k->num;
		if (is_punct(t, i + 1, '-') && cls(t, i + 2) == K_NUMW && TK(i + 2)->num < 10) {
			*val += TK(i + 2)->num;
			return i + 3;
		}
		if (cls(t, i + 1) == K_NUMW && TK(i + 1)->num < 10) {
			*val += TK(i + 1)->num;
			return i + 2;
		}
		return i + 1;
	case K_A: case K_AN:
		if (cls(t, i + 1) == K_FEW) {
			*val = -1;
			return i + 2;
		}
		if (cls(t, i + 1) == K_COUPLE && cls(t, i + 2) == K_OF) {
			*val = 2;
			return i + 3;
		}
		*val = 1;
		return i + 1;
	case K_FEW: case K_SEVERAL: case K_MANY: case K_SOME:
		*val = -1;
		return i + 1;
	default:
		return 0;
	}
}

/* Is token i a unit word ("days", "second" as a unit)? */
static int unit_of(const struct dates_tagger *t, size_t i, bool *plural)
{
	const struct tok *k = TK(i);
	if (k->cls == K_UNIT) {
		*plural = (k->kf & KF_PLURAL) != 0;
		return k->num;
	}
	if (k->cls == K_ORDW && k->num == 2 && k->e - k->s == 6) {
		*plural = false;
		return U_SEC;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Tense                                                                     */
/* ------------------------------------------------------------------------ */

static bool sent_break(const struct dates_tagger *t, size_t i)
{
	const struct tok *k = TK(i);
	if (k->flags & TF_NL)
		return true;
	if (k->kind != TK_PUNCT)
		return false;
	if (k->num == '!' || k->num == '?' || k->num == ';')
		return true;
	if (k->num == '.' && (TK(i + 1)->flags & TF_SPACE)) {
		/* not after an initial ("U.S.") or a month abbreviation */
		if (i > 0 && TK(i - 1)->kind == TK_WORD &&
		    (TK(i - 1)->e - TK(i - 1)->s == 1 || TK(i - 1)->cls == K_MONABBR ||
		     (TK(i - 1)->kf & KF_ABBR)))
			return false;
		return true;
	}
	return false;
}

/* Tense cue at token i, or T_NONE. */
static int cue_at(const struct dates_tagger *t, size_t i)
{
	const struct tok *k = TK(i);
	if (k->kind != TK_WORD)
		return T_NONE;
	switch (k->cls) {
	case K_GOING:
		return cls(t, i + 1) == K_TO ? T_FUT : T_NONE;
	case K_IS:
		/* "is to", "are to" */
		return cls(t, i + 1) == K_TO ? T_FUT : T_NONE;
	case K_PLANS:
		return cls(t, i + 1) == K_TO ? T_FUT : T_NONE;
	case K_EXPECTED:
		return cls(t, i + 1) == K_TO || cls(t, i + 1) == K_FOR ? T_FUT : T_NONE;
	case K_NEXT: case K_LAST: {
		/* "next week", not "next to"; "last year", not "at last" */
		int c = cls(t, i + 1);
		if (c == K_UNIT || c == K_WDAY || c == K_MONTH || c == K_SEASON || c == K_MONABBR)
			return k->cls == K_NEXT ? T_FUT : T_PAST;
		return T_NONE;
	}
	case K_LL:
		return i > 0 && is_punct(t, i - 1, '\'') ? T_FUT : T_NONE;
	default:
		break;
	}
	if (k->kf & KF_FUT)
		return T_FUT;
	bool past = (k->kf & KF_PAST) || (tok_ed(t, k) && cls(t, i + 1) != K_TO);
	/* a participle after be/been ("will be held") takes its tense from
	 * the auxiliary before it */
	if (past && i > 0 && cls(t, i - 1) == K_BE && k->cls != K_WAS)
		return T_NONE;
	return past ? T_PAST : T_NONE;
}

/* Tense of the sentence around tokens [s, e): the nearest cue, looking
 * both ways within the sentence; cues after the expression count as a little
 * farther than those before it. Reporting verbs ("said") count as much
 * farther still, unless right next to the expression: in "the State
 * Department said Blinken will travel on Wednesday" the sentence is about the
 * future, in "the White House said Friday that officials had" about the past. */
/* Is token k a word tense_of can pass over at once: no keyword, no line
 * break before it, not ending in d (so no -ed cue)? sent_break and cue_at
 * would say neither, after two calls; most words of a clause are such. */
static inline bool plain_word(const struct dates_tagger *t, const struct tok *k)
{
	return k->cls == K_NONE && k->kind == TK_WORD && !(k->flags & TF_NL) &&
	       (t->text[k->e - 1] | 0x20) != 'd';
}

static int tense_of(const struct dates_tagger *t, size_t s, size_t e)
{
	int best = T_NONE;
	unsigned best_score = ~0u;
	unsigned d = 0;
	/* a deadline: "by August", "through January", "until Friday" */
	if (s > 0 && (cls(t, s - 1) == K_BY || cls(t, s - 1) == K_UNTIL))
		return T_FUT;
	/* "has been on patrol since March" */
	if (s > 0 && cls(t, s - 1) == K_SINCE)
		return T_PAST;
	for (size_t i = s; i > 0 && d < 30; i--, d++) {
		if (plain_word(t, TK(i - 1)))
			continue;
		if (sent_break(t, i - 1))
			break;
		int c = cue_at(t, i - 1);
		if (c) {
			unsigned score = d + ((TK(i - 1)->kf & KF_WEAK) && d > 1 ? 8u : 0u);
			if (score < best_score) {
				best_score = score;
				best = c;
			}
		}
		if (TK(i - 1)->flags & TF_NL)
			break;
	}
	d = 0;
	for (size_t i = e; i < t->ntok && d < 30; i++, d++) {
		if (plain_word(t, TK(i)))
			continue;
		if (i > e && (TK(i)->flags & TF_NL))
			break;
		int c = cue_at(t, i);
		if (c) {
			unsigned score = d + 2 + ((TK(i)->kf & KF_WEAK) && d > 1 ? 8u : 0u);
			if (score < best_score) {
				best_score = score;
				best = c;
			}
			break;
		}
		if (sent_break(t, i) || (cls(t, i) == K_AND && best != T_NONE))
			break; /* "will travel on Wednesday and met": another clause */
	}
	return best;
}

/* ------------------------------------------------------------------------ */
/* Values                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * snprintf for what values are made of: literal text, %s, and %d or %ld
 * with an optional 0 flag and width. Every sentence with a mention writes a
 * value or two, and glibc's snprintf cost some 800 instructions each (0.6%
 * of an add). Output is the same as snprintf's, cut to cap - 1 bytes the
 * same way; any other conversion is a bug and aborts.
 */
static __attribute__((format(printf, 3, 4))) void vfmt(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = 0;
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			if (n + 1 < cap)
				out[n] = *f;
			n++;
			continue;
		}
		f++;
		bool zero = *f == '0';
		size_t width = 0;
		while (*f >= '0' && *f <= '9')
			width = width * 10 + (size_t)(*f++ - '0');
		char num[24];
		const char *s;
		size_t len;
		if (*f == 's') {
			s = va_arg(ap, const char *);
			len = strlen(s);
		} else {
			long v;
			if (*f == 'l') {
				f++;
				v = va_arg(ap, long);
			} else {
				v = va_arg(ap, int);
			}
			if (*f != 'd')
				nl_die("dates: vfmt: unknown conversion in \"%s\"", fmt);
			/* digits from the right end of num, then zeros or spaces
			 * to the width, the sign inside the zeros */
			unsigned long u = v < 0 ? 0 - (unsigned long)v : (unsigned long)v;
			char *e = num + sizeof num, *q = e;
			do {
				*--q = (char)('0' + u % 10);
				u /= 10;
			} while (u);
			size_t body = (size_t)(e - q) + (v < 0);
			for (; zero && body < width && q > num + 1; body++)
				*--q = '0';
			if (v < 0)
				*--q = '-';
			for (; body < width && q > num; body++)
				*--q = ' ';
			s = q;
			len = (size_t)(e - q);
		}
		/* a value is a few bytes: a loop, not a call */
		for (size_t j = 0; j < len; j++, n++)
			if (n + 1 < cap)
				out[n] = s[j];
	}
	va_end(ap);
	if (cap)
		out[NL_MIN(n, cap - 1)] = 0;
}

static void v_day(struct res *r, int32_t day)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	if (y < 1 || y > 9999) {
		vfmt(r->value, sizeof r->value, "XXXX-XX-XX");
		r->gran = GRAN_DAY;
		return;
	}
	/* the most common value: its digits written directly (y is in range,
	 * m and d are those of a real day) */
	char *v = r->value;
	v[0] = (char)('0' + y / 1000);
	v[1] = (char)('0' + y / 100 % 10);
	v[2] = (char)('0' + y / 10 % 10);
	v[3] = (char)('0' + y % 10);
	v[4] = '-';
	v[5] = (char)('0' + m / 10);
	v[6] = (char)('0' + m % 10);
	v[7] = '-';
	v[8] = (char)('0' + d / 10);
	v[9] = (char)('0' + d % 10);
	v[10] = 0;
	r->gran = GRAN_DAY;
	r->day = day;
	r->flags |= DATES_F_RESOLVED;
}

static void v_ymd_unknown_year(struct res *r, int m, int d)
{
	vfmt(r->value, sizeof r->value, "XXXX-%02d-%02d", m % 100, d % 100);
	r->gran = GRAN_DAY;
}

static void v_month(struct res *r, int y, int m)
{
	if (y < 1 || y > 9999)
		vfmt(r->value, sizeof r->value, "XXXX-%02d", m % 100);
	else {
		vfmt(r->value, sizeof r->value, "%04d-%02d", y, m % 100);
		r->flags |= DATES_F_RESOLVED;
	}
	r->gran = GRAN_MONTH;
}

static void v_year(struct res *r, int y)
{
	if (y < 0 || y > 9999)
		vfmt(r->value, sizeof r->value, "XXXX");
	else {
		/* "%04d", its digits written directly */
		char *v = r->value;
		v[0] = (char)('0' + y / 1000);
		v[1] = (char)('0' + y / 100 % 10);
		v[2] = (char)('0' + y / 10 % 10);
		v[3] = (char)('0' + y % 10);
		v[4] = 0;
		r->flags |= DATES_F_RESOLVED;
	}
	r->gran = GRAN_YEAR;
}

static void v_week(struct res *r, int32_t day, bool weekend)
{
	int iy, w;
	day_iso_week(day, &iy, &w);
	vfmt(r->value, sizeof r->value, "%04d-W%02d%s", iy % 10000, w % 100, weekend ? "-WE" : "");
	r->gran = GRAN_WEEK;
	r->flags |= DATES_F_RESOLVED;
}

static void v_quarter(struct res *r, int y, int q)
{
	if (y < 1 || y > 9999)
		vfmt(r->value, sizeof r->value, "XXXX-Q%d", q % 10);
	else {
		vfmt(r->value, sizeof r->value, "%04d-Q%d", y, q % 10);
		r->flags |= DATES_F_RESOLVED;
	}
	r->gran = GRAN_QUARTER;
}

static void v_half(struct res *r, int y, int h)
{
	if (y < 1 || y > 9999)
		vfmt(r->value, sizeof r->value, "XXXX-H%d", h % 10);
	else {
		vfmt(r->value, sizeof r->value, "%04d-H%d", y, h % 10);
		r->flags |= DATES_F_RESOLVED;
	}
	r->gran = GRAN_HALF;
}

static const char *const season_code[4] = { "SP", "SU", "FA", "WI" };

static void v_season(struct res *r, int y, int s)
{
	if (y < 1 || y > 9999)
		vfmt(r->value, sizeof r->value, "XXXX-%s", season_code[s & 3]);
	else {
		vfmt(r->value, sizeof r->value, "%04d-%s", y, season_code[s & 3]);
		r->flags |= DATES_F_RESOLVED;
	}
	r->gran = GRAN_SEASON;
}

static void v_decade(struct res *r, int dec) /* dec = year / 10 */
{
	if (dec < 0 || dec > 999)
		vfmt(r->value, sizeof r->value, "XXX");
	else {
		vfmt(r->value, sizeof r->value, "%03d", dec);
		r->flags |= DATES_F_RESOLVED;
	}
	r->gran = GRAN_DECADE;
}

static void v_century(struct res *r, int c) /* c = year / 100 */
{
	if (c < 0 || c > 99)
		vfmt(r->value, sizeof r->value, "XX");
	else {
		vfmt(r->value, sizeof r->value, "%02d", c);
		r->flags |= DATES_F_RESOLVED;
	}
	r->gran = GRAN_CENTURY;
}

static void v_ref(struct res *r, const char *ref)
{
	vfmt(r->value, sizeof r->value, "%s", ref);
	r->gran = GRAN_NONE;
}

static const char pod_code[][3] = { "", "MO", "AF", "EV", "NI", "MI", "MI", "DT" };

/* Part of day appended to a day value: "2022-01-18TEV"; noon: T12:00. */
static void v_add_pod(struct res *r, int pod)
{
	size_t n = strlen(r->value);
	if (pod == POD_NOON)
		vfmt(r->value + n, sizeof r->value - n, "T12:00");
	else if (pod == POD_MIDNIGHT)
		vfmt(r->value + n, sizeof r->value - n, "T24:00");
	else
		vfmt(r->value + n, sizeof r->value - n, "T%s", pod_code[pod & 7]);
	r->type = DATE_TIME;
	r->gran = GRAN_PARTOFDAY;
}

/* v in decimal as vfmt's "%ld" writes it, NUL-terminated in out[24];
 * returns its length. */
static size_t put_long(char *out, long v)
{
	unsigned long u = v < 0 ? 0 - (unsigned long)v : (unsigned long)v;
	char tmp[24], *e = tmp + sizeof tmp, *q = e;
	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--q = '-';
	size_t l = (size_t)(e - q);
	memcpy(out, q, l);
	out[l] = 0;
	return l;
}

static void v_dur(struct res *r, double n, int unit)
{
	char num[24];
	if (n >= 0 && n < 1e6 && n - (double)(long)n == 0.5 &&
	    (unit == U_YEAR || unit == U_HOUR || unit == U_MIN || unit == U_DAY)) {
		/* halves the TimeML way: P2Y6M, PT5H30M, PT1M30S, P1DT12H */
		long w = (long)n;
		const char *f = unit == U_YEAR ? "P%ldY6M" : unit == U_HOUR ? "PT%ldH30M" :
				unit == U_MIN ? "PT%ldM30S" : "P%ldDT12H";
		if (w == 0)
			f = unit == U_YEAR ? "P6M" : unit == U_HOUR ? "PT30M" : unit == U_MIN ? "PT30S" : "PT12H";
		vfmt(r->value, sizeof r->value, f, w);
		r->type = DATE_DURATION;
		r->gran = GRAN_NONE;
		return;
	}
	if (n < 0)
		vfmt(num, sizeof num, "X");
	else if (n == (double)(long)n)
		put_long(num, (long)n % 100000000L);
	else
	{
		/* "24.69 seconds": up to two decimals, no trailing zeros */
		snprintf(num, sizeof num, "%.2f", n < 1e8 ? n : 1e8);
		size_t l = strlen(num);
		while (l > 0 && num[l - 1] == '0')
			num[--l] = 0;
		if (l > 0 && num[l - 1] == '.')
			num[--l] = 0;
	}
	const char *u = "D", *pre = "P";
	switch (unit) {
	case U_SEC: pre = "PT"; u = "S"; break;
	case U_MIN: pre = "PT"; u = "M"; break;
	case U_HOUR: pre = "PT"; u = "H"; break;
	case U_DAY: u = "D"; break;
	case U_WEEK: u = "W"; break;
	case U_WEEKEND: u = "WE"; break;
	case U_FORTNIGHT: u = "W"; if (n >= 0) put_long(num, (long)(2 * n) % 100000000L); break;
	case U_MONTH: u = "M"; break;
	case U_QUARTER: u = "Q"; break;
	case U_HALF: u = "M"; if (n >= 0) put_long(num, (long)(6 * n) % 100000000L); break;
	case U_YEAR: u = "Y"; break;
	case U_DECADE: u = "Y"; if (n >= 0) put_long(num, (long)(10 * n) % 100000000L); break;
	case U_CENTURY: u = "Y"; if (n >= 0) put_long(num, (long)(100 * n) % 100000000L); break;
	}
	/* pre, num and u: at most 2 + 11 + 2 bytes (num is below 10^8 and
	 * signed, or has two decimals), so nothing is cut */
	char *v = r->value;
	for (const char *q = pre; *q; q++)
		*v++ = *q;
	for (const char *q = num; *q; q++)
		*v++ = *q;
	for (const char *q = u; *q; q++)
		*v++ = *q;
	*v = 0;
	r->type = DATE_DURATION;
	r->gran = GRAN_NONE;
}

/* ------------------------------------------------------------------------ */
/* Resolution against the publication day                                   */
/* ------------------------------------------------------------------------ */

static inline bool have_dct(const struct dates_tagger *t)
{
	return t->dct != NL_NODAY;
}

/* Weekday wd relative to day `from`: dir -1 strictly before, +1 strictly
 * after, 0 on or before, 2 on or after. */
static int32_t wday_rel(int32_t from, int wd, int dir)
{
	int cur = day_weekday(from);
	int back = (cur - wd + 7) % 7, fwd = (wd - cur + 7) % 7;
	switch (dir) {
	case -1: return from - (back ? back : 7);
	case 1: return from + (fwd ? fwd : 7);
	case 0: return from - back;
	default: return from + fwd;
	}
}

/* Year for month m (day d, 0 = whole month) mentioned without a year. */
static int year_for(const struct dates_tagger *t, int m, int d, int tense)
{
	int y = t->dy;
	/* rough distance in days from the publication day to m/d this year */
	int diff = (m - t->dm) * 30 + (d ? d - t->dd : (m == t->dm ? 0 : 15 - t->dd));
	if (tense == T_PAST)
		return diff > 60 ? y - 1 : y;   /* a date just ahead: reported plans */
	if (tense == T_FUT)
		return diff < -60 ? y + 1 : y;
	/* no cue: the occurrence nearest the publication day, leaning past */
	if (diff > 183)
		return y - 1;
	if (diff < -240)
		return y + 1;
	return y;
}

static void resolve_md(struct dates_tagger *t, struct res *r, int m, int d, size_t s, size_t e)
{
	if (!have_dct(t)) {
		v_ymd_unknown_year(r, m, d);
		return;
	}
	int tense = tense_of(t, s, e);
	int y = year_for(t, m, d, tense);
	if (tense)
		r->flags |= DATES_F_TENSE;
	if (!day_valid(y, m, d)) {
		v_ymd_unknown_year(r, m, d);
		return;
	}
	v_day(r, day_from_ymd(y, m, d));
	r->flags |= RF_GUESSED_YEAR;
}

static void resolve_month(struct dates_tagger *t, struct res *r, int m, size_t s, size_t e)
{
	if (!have_dct(t)) {
		v_month(r, -1, m);
		return;
	}
	int tense = tense_of(t, s, e);
	if (tense)
		r->flags |= DATES_F_TENSE;
	v_month(r, year_for(t, m, 0, tense), m);
}

static void resolve_wday(struct dates_tagger *t, struct res *r, int wd, int mod, size_t s, size_t e)
{
	if (!have_dct(t)) {
		vfmt(r->value, sizeof r->value, "XXXX-WXX-%d", wd + 1);
		r->gran = GRAN_DAY;
		return;
	}
	int dir;
	if (mod == K_LAST || mod == K_PAST || mod == K_PREVIOUS)
		dir = -1;
	else if (mod == K_NEXT || mod == K_COMING || mod == K_FOLLOWING)
		dir = 1;
	else {
		int tense = tense_of(t, s, e);
		if (tense)
			r->flags |= DATES_F_TENSE;
		dir = tense == T_FUT ? 2 : 0;
	}
	v_day(r, wday_rel(t->dct, wd, dir));
}

static int dct_quarter(const struct dates_tagger *t)
{
	return (t->dm - 1) / 3 + 1;
}

/* Season key: year * 4 + season, winter counted in the year of its December */
static int season_now(const struct dates_tagger *t)
{
	int m = t->dm;
	if (m <= 2)
		return (t->dy - 1) * 4 + 3;
	if (m == 12)
		return t->dy * 4 + 3;
	return t->dy * 4 + (m - 3) / 3;
}

static void resolve_season(struct dates_tagger *t, struct res *r, int s, int mod, size_t a, size_t b)
{
	if (!have_dct(t)) {
		v_season(r, -1, s);
		return;
	}
	int now = season_now(t), y = now / 4, cur = now % 4;
	int key;
	if (mod == K_LAST || mod == K_PAST || mod == K_PREVIOUS) {
		key = y * 4 + s;
		if (key >= now)
			key -= 4;
	} else if (mod == K_NEXT || mod == K_COMING) {
		key = y * 4 + s;
		if (key <= now)
			key += 4;
	} else if (mod == K_THIS) {
		key = y * 4 + s;
		if (cur == 3 && s != 3 && t->dm <= 2)
			key += 4; /* "this summer" said in January */
	} else {
		int tense = tense_of(t, a, b);
		key = y * 4 + s;
		if (key - now > 2)
			key -= 4;
		else if (now - key > 2)
			key += 4;
		if (tense == T_PAST && key > now)
			key -= 4;
		else if (tense == T_FUT && key < now)
			key += 4;
		if (tense)
			r->flags |= DATES_F_TENSE;
	}
	v_season(r, key / 4, key % 4);
}

/* Easter Sunday (anonymous Gregorian algorithm). */
static int32_t easter(int y)
{
	int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
	return day_from_ymd(y, month, day);
}

/* n-th weekday wd of month m (n = -1: the last one) */
static int32_t nth_wday(int y, int m, int wd, int n)
{
	if (n < 0) {
		int32_t last = day_from_ymd(y, m, day_days_in_month(y, m));
		return wday_rel(last, wd, 0);
	}
	int32_t first = day_from_ymd(y, m, 1);
	return wday_rel(first, wd, 2) + 7 * (n - 1);
}

static int32_t holiday_day(int h, int y)
{
	switch (h) {
	case H_XMAS: return day_from_ymd(y, 12, 25);
	case H_XMASEVE: return day_from_ymd(y, 12, 24);
	case H_NEWYEAR: return day_from_ymd(y, 1, 1);
	case H_NEWYEARSEVE: return day_from_ymd(y, 12, 31);
	case H_THANKS: return nth_wday(y, 11, 3, 4);
	case H_EASTER: return easter(y);
	case H_HALLOWEEN: return day_from_ymd(y, 10, 31);
	case H_INDEP: return day_from_ymd(y, 7, 4);
	case H_VALENTINE: return day_from_ymd(y, 2, 14);
	case H_VETERANS: return day_from_ymd(y, 11, 11);
	case H_LABOR: return nth_wday(y, 9, 0, 1);
	case H_MEMORIAL: return nth_wday(y, 5, 0, -1);
	case H_BOXING: return day_from_ymd(y, 12, 26);
	case H_PATRICK: return day_from_ymd(y, 3, 17);
	}
	return NL_NODAY;
}

/* ------------------------------------------------------------------------ */
/* Matchers. Each returns the end token (exclusive) or 0 for no match.       */
/* ------------------------------------------------------------------------ */

/* A four-digit year at i (1000..2199), not a count or a label. */
static bool year_tok(const struct dates_tagger *t, size_t i)
{
	const struct tok *k = TK(i);
	return k->kind == TK_NUM && k->nd == 4 && !(k->flags & TF_GROUPED) && k->num >= 1000 &&
	       k->num <= 2199;
}

/* Optional ", 2022" / " 2022" / "'22" after a day or month; stores the year. */
static size_t opt_year(const struct dates_tagger *t, size_t j, int *y)
{
	size_t k = j;
	if (is_punct(t, k, ','))
		k++;
	if (year_tok(t, k) && !in_num_chain(t, k) && cls(t, k + 1) != K_COUNTNOUN && cls(t, k + 1) != K_TZ) {
		*y = TK(k)->num;
		return k + 1;
	}
	if (is_punct(t, k, '\'') && TK(k + 1)->kind == TK_NUM && TK(k + 1)->nd == 2 && glued(t, k + 1)) {
		int v = TK(k + 1)->num;
		*y = v < 50 ? 2000 + v : 1900 + v;
		return k + 2;
	}
	return j;
}

/* A day of month at i: 1..31 with 1-2 digits, optional st/nd/rd/th, or an
 * ordinal word. Returns end or 0. */
static size_t day_of_month(const struct dates_tagger *t, size_t i, int *d)
{
	const struct tok *k = TK(i);
	if (k->kind == TK_NUM && !(k->flags & TF_GROUPED) && k->nd <= 2 && k->num >= 1 && k->num <= 31) {
		*d = k->num;
		if (cls(t, i + 1) == K_TH && glued(t, i + 1))
			return i + 2;
		if (in_num_chain(t, i))
			return 0;
		return i + 1;
	}
	if (k->cls == K_ORDW && k->num >= 1 && k->num <= 31) {
		*d = k->num;
		return i + 1;
	}
	return 0;
}

/* A month name at i ("January", or "Jan"/"Jan." with its dot): stores the
 * month and the token after the name. */
static bool month_at(const struct dates_tagger *t, size_t i, int *m, size_t *end)
{
	const struct tok *k = TK(i);
	if (k->cls == K_MONTH) {
		*m = k->num;
		*end = i + 1;
		return true;
	}
	if (k->cls == K_MONABBR) {
		*m = k->num;
		*end = skip_dot(t, i);
		return true;
	}
	return false;
}

/* Month-led dates: "January 18, 2022", "Jan. 18", "January 2022", "January". */
static size_t m_month(struct dates_tagger *t, size_t i, struct res *r, bool ctx_ok)
{
	int m, d, y = -1;
	size_t j;
	if (!month_at(t, i, &m, &j))
		return 0;
	const struct tok *k = TK(i);
	bool ambiguous = k->cls == K_MONTH && (m == 5 || m == 3);
	/* "Jan" without a dot or capital is too often something else */
	if (k->cls == K_MONABBR && !tok_cap(t, k))
		return 0;
	size_t e = day_of_month(t, j, &d);
	if (e && !(TK(j)->kind == TK_NUM && cls(t, e) == K_COUNTNOUN) &&
	    !(TK(j)->kind == TK_NUM && is_punct(t, e, '%'))) {
		size_t e2 = opt_year(t, e, &y);
		if (y > 0) {
			if (!day_valid(y, m, d))
				return 0;
			v_day(r, day_from_ymd(y, m, d));
			return e2;
		}
		if (ambiguous && !tok_cap(t, k) && TK(j)->kind != TK_NUM)
			return 0;
		resolve_md(t, r, m, d, i, e);
		return e;
	}
	/* "January 2022", "January of 2022" */
	size_t e2 = j;
	if (cls(t, j) == K_OF)
		e2 = j + 1;
	if (year_tok(t, e2) && !in_num_chain(t, e2) && cls(t, e2 + 1) != K_COUNTNOUN && cls(t, e2 + 1) != K_TZ) {
		v_month(r, TK(e2)->num, m);
		return e2 + 1;
	}
	if (is_punct(t, j, ',') && year_tok(t, j + 1) && !in_num_chain(t, j + 1) && cls(t, j + 2) != K_TZ) {
		v_month(r, TK(j + 1)->num, m);
		return j + 2;
	}
	/* "January last year", "June this year" */
	if ((cls(t, j) == K_LAST || cls(t, j) == K_THIS || cls(t, j) == K_NEXT) &&
	    unit_of(t, j + 1, &(bool){ 0 }) == U_YEAR && have_dct(t)) {
		int dy = cls(t, j) == K_LAST ? -1 : cls(t, j) == K_NEXT ? 1 : 0;
		v_month(r, t->dy + dy, m);
		return j + 2;
	}
	/* the month alone: needs a capital (unless the text is all lower case)
	 * and, for May and March, a preceding preposition or modifier */
	if (k->cls == K_MONABBR && !(is_punct(t, i + 1, '.') && glued(t, i + 1)))
		return 0;
	if (ambiguous && (!ctx_ok || (i > 0 && cls(t, i - 1) == K_THE)))
		return 0; /* "the march", "to march" */
	if (ambiguous && !tok_cap(t, k) && i > 0 && (cls(t, i - 1) == K_TO))
		return 0;
	if (!ctx_ok && !tok_cap(t, k))
		return 0;
	if (k->cls == K_MONABBR)
		j = i + 1; /* leave the dot out of the span */
	resolve_month(t, r, m, i, j);
	return j;
}

/* Day-first dates: "18 January 2022", "18th of January". */
static size_t m_dayfirst(struct dates_tagger *t, size_t i, struct res *r)
{
	if (!(t->seen & SEEN_MONTH))
		return 0; /* (month_at would find none) */
	int d, m, y = -1;
	size_t j = day_of_month(t, i, &d);
	if (!j)
		return 0;
	if (cls(t, j) == K_OF)
		j++;
	size_t e;
	if (!month_at(t, j, &m, &e))
		return 0;
	if (TK(j)->cls == K_MONTH && (m == 5 || m == 3) && !tok_cap(t, TK(j)) &&
	    TK(e)->kind == TK_WORD && cls(t, e) == K_NONE)
		return 0; /* "the 5 may go": a modal; "on 5 may ." is a date */
	if (TK(j)->cls == K_MONABBR && !tok_cap(t, TK(j)))
		return 0;
	size_t e2 = opt_year(t, e, &y);
	if (y > 0) {
		if (!day_valid(y, m, d))
			return 0;
		v_day(r, day_from_ymd(y, m, d));
		return e2;
	}
	if (TK(j)->cls == K_MONABBR)
		e = j + 1;
	resolve_md(t, r, m, d, i, e);
	return e;
}

/* Numeric dates: 2022-01-18, 2022/01/18, 1/18/2022, 18.01.2022, 1/18/22. */
static size_t m_numeric(struct dates_tagger *t, size_t i, struct res *r)
{
	const struct tok *a = TK(i);
	if (a->kind != TK_NUM || (a->flags & TF_GROUPED))
		return 0;
	int sep = TK(i + 1)->kind == TK_PUNCT ? TK(i + 1)->num : 0;
	if (sep != '-' && sep != '/' && sep != '.')
		return 0;
	if (!glued(t, i + 1) || !glued(t, i + 2) || !glued(t, i + 3) || !glued(t, i + 4))
		return 0;
	if (TK(i + 2)->kind != TK_NUM || !is_punct(t, i + 3, sep) || TK(i + 4)->kind != TK_NUM)
		return 0;
	const struct tok *b = TK(i + 2), *c = TK(i + 4);
	/* a longer chain is a phone number or an identifier */
	if (glued(t, i + 5) && TK(i + 5)->kind == TK_PUNCT && (TK(i + 5)->num == sep) &&
	    TK(i + 6)->kind == TK_NUM && glued(t, i + 6))
		return 0;
	if (i > 0 && glued(t, i) && TK(i - 1)->kind == TK_PUNCT &&
	    (TK(i - 1)->num == '-' || TK(i - 1)->num == '/') && i > 1 && TK(i - 2)->kind == TK_NUM)
		return 0;
	int y, m, d;
	if (a->nd == 4 && b->nd <= 2 && c->nd <= 2) {
		y = a->num; m = b->num; d = c->num;
	} else if (a->nd <= 2 && b->nd <= 2 && (c->nd == 4 || c->nd == 2) && sep != '-') {
		y = c->nd == 4 ? c->num : (c->num < 50 ? 2000 + c->num : 1900 + c->num);
		if (sep == '.') {
			d = a->num; m = b->num;  /* 18.01.2022 */
		} else {
			m = a->num; d = b->num;  /* 1/18/2022; 18/1/2022 when the first is > 12 */
			if (m > 12 && d <= 12) {
				int x = m; m = d; d = x;
			}
		}
	} else {
		return 0;
	}
	if (!day_valid(y, m, d) || y < 1000)
		return 0;
	v_day(r, day_from_ymd(y, m, d));
	return i + 5;
}

/* Clock times: "10:35 a.m.", "6 a.m.", "9 p.m. EST", "10 o'clock". */
static size_t m_clock(struct dates_tagger *t, size_t i, int *hh, int *mm)
{
	const struct tok *a = TK(i);
	if (a->kind != TK_NUM || (a->flags & TF_GROUPED) || a->nd > 2 || a->num > 24)
		return 0;
	size_t j = i + 1;
	int h = a->num, mi = 0;
	bool minutes = false;
	if (is_punct(t, j, ':') && glued(t, j) && TK(j + 1)->kind == TK_NUM && TK(j + 1)->nd == 2 &&
	    glued(t, j + 1) && TK(j + 1)->num < 60) {
		mi = TK(j + 1)->num;
		minutes = true;
		j += 2;
		if (is_punct(t, j, ':') && glued(t, j) && TK(j + 1)->kind == TK_NUM && TK(j + 1)->nd == 2)
			j += 2; /* seconds: kept in the span, not in the value */
	}
	bool ampm = false;
	int c = cls(t, j);
	if (c == K_AM || c == K_PM) {
		/* "am"/"pm" glued or spaced; "p.m." as p . m . */
		if (c == K_PM && TK(j)->e - TK(j)->s == 1) {
			if (!(is_punct(t, j + 1, '.') && cls(t, j + 2) == K_M))
				return 0;
			j = skip_dot(t, j + 2);
		} else {
			j = skip_dot(t, j);
		}
		if (c == K_PM && h < 12)
			h += 12;
		if (c == K_AM && h == 12)
			h = 0;
		ampm = true;
	} else if (c == K_A && TK(j)->e - TK(j)->s == 1 && is_punct(t, j + 1, '.') &&
		   cls(t, j + 2) == K_M && glued(t, j + 1) && glued(t, j + 2)) {
		j = skip_dot(t, j + 2);
		if (h == 12)
			h = 0;
		ampm = true;
	} else if (c == K_OCLOCK && is_punct(t, j + 1, '\'') && word_is(t, j + 2, "clock") &&
		   glued(t, j + 1) && glued(t, j + 2)) {
		j += 3;
		ampm = true;
	}
	if (!ampm && !minutes)
		return 0;
	if (!ampm) {
		/* a 24-hour time "08:00", not part of a longer chain "1:2:3" or
		 * "2-08:00", nor followed by another number */
		if (TK(j)->kind == TK_NUM)
			return 0;
		if (glued(t, j) && TK(j)->kind == TK_PUNCT && TK(j)->num != '.' && TK(j)->num != ',' &&
		    glued(t, j + 1) && TK(j + 1)->kind == TK_NUM)
			return 0;
		if (i >= 2 && glued(t, i) && TK(i - 1)->kind == TK_PUNCT && TK(i - 1)->num != '(' &&
		    glued(t, i - 1) && TK(i - 2)->kind == TK_NUM)
			return 0;
	}
	if (h > 24 || (ampm && a->num > 12 && a->num != 0))
		return 0;
	if (cls(t, j) == K_TZ)
		j++;
	else if (word_is(t, j, "local") && unit_of(t, j + 1, &(bool){ 0 }) == 0 && word_is(t, j + 1, "time"))
		j += 2;
	*hh = h;
	*mm = mi;
	return j;
}

static size_t m_wday(struct dates_tagger *t, size_t i, struct res *r, int mod, size_t ms);

/* The day a clock time or part of day attaches to, right after it
 * ("9 a.m. Tuesday", "noon yesterday"). Returns end or 0. */
static size_t day_after(struct dates_tagger *t, size_t j, int32_t *day)
{
	size_t k = is_punct(t, j, ',') ? j + 1 : j;
	if (TK(k)->kind == TK_NUM) {
		/* "10am on 12/03/2021" */
		struct res r = { 0 };
		r.day = NL_NODAY;
		size_t e = m_numeric(t, k, &r);
		if (!e)
			e = m_dayfirst(t, k, &r);
		if (e && r.gran == GRAN_DAY && r.day != NL_NODAY) {
			*day = r.day;
			return e;
		}
		return 0;
	}
	if (cls(t, k) == K_MONTH || cls(t, k) == K_MONABBR) {
		/* "5 p.m. EST, Nov. 6" */
		struct res r = { 0 };
		r.day = NL_NODAY;
		size_t e = m_month(t, k, &r, false);
		if (e && r.gran == GRAN_DAY && r.day != NL_NODAY) {
			*day = r.day;
			return e;
		}
		return 0;
	}
	if (!have_dct(t))
		return 0;
	switch (cls(t, j)) {
	case K_TODAY: *day = t->dct; return j + 1;
	case K_YESTERDAY: *day = t->dct - 1; return j + 1;
	case K_TOMORROW: *day = t->dct + 1; return j + 1;
	case K_WDAY: {
		if (TK(j)->kf & KF_PLURAL)
			return 0;
		/* "saturday 21 november" as well as "Saturday" */
		struct res r = { 0 };
		r.day = NL_NODAY;
		size_t e = m_wday(t, j, &r, 0, j);
		if (!e || r.day == NL_NODAY || r.gran != GRAN_DAY)
			return 0;
		*day = r.day;
		return e;
	}
	default:
		return 0;
	}
}

static void v_clock(struct dates_tagger *t, struct res *r, int32_t day, int h, int mi)
{
	if (day != NL_NODAY) {
		v_day(r, day);
		size_t n = strlen(r->value);
		vfmt(r->value + n, sizeof r->value - n, "T%02d:%02d", h % 100, mi % 100);
	} else {
		vfmt(r->value, sizeof r->value, "XXXX-XX-XXT%02d:%02d", h % 100, mi % 100);
	}
	r->type = DATE_TIME;
	r->gran = GRAN_MINUTE;
	r->day = day;
}

static size_t m_time(struct dates_tagger *t, size_t i, struct res *r)
{
	int h, mi;
	size_t j = m_clock(t, i, &h, &mi);
	if (!j)
		return 0;
	int32_t day = have_dct(t) ? t->dct : NL_NODAY;
	size_t e = day_after(t, j, &day);
	if (!e && cls(t, j) == K_ON)
		e = day_after(t, j + 1, &day);
	if (!e && i >= 2 && cls(t, i - 1) == K_AT) {
		/* "tomorrow at 08:00": the day named just before */
		int32_t d2;
		if (day_after(t, i - 2, &d2) == i - 1)
			day = d2;
	}
	v_clock(t, r, day, h, mi);
	return e ? e : j;
}

/* Decades: "1990s", "the '80s", "1990's". Returns end or 0; i at the number
 * or at the apostrophe. */
static size_t m_decade(struct dates_tagger *t, size_t i, struct res *r)
{
	const struct tok *k = TK(i);
	if (year_tok(t, i) && k->num % 10 == 0) {
		size_t j = i + 1;
		if (is_punct(t, j, '\'') && glued(t, j))
			j++;
		if (cls(t, j) == K_S && glued(t, j)) {
			v_decade(r, k->num / 10);
			return j + 1;
		}
		return 0;
	}
	if (is_punct(t, i, '\'') && TK(i + 1)->kind == TK_NUM && TK(i + 1)->nd == 2 &&
	    TK(i + 1)->num % 10 == 0 && glued(t, i + 1) && cls(t, i + 2) == K_S && glued(t, i + 2)) {
		int v = TK(i + 1)->num;
		v_decade(r, (v < 30 ? 2000 + v : 1900 + v) / 10);
		return i + 3;
	}
	return 0;
}

/* Is the number at i a bare year? */
static bool bare_year_ok(const struct dates_tagger *t, size_t i, bool prep)
{
	const struct tok *k = TK(i);
	if (!year_tok(t, i) || in_num_chain(t, i))
		return false;
	if (i > 0 && cls(t, i - 1) == K_NUMPRE)
		return false;
	/* "Orion 1980", "Windows 2000": a name with a number, unless the
	 * capital only starts the sentence */
	if (i > 1 && TK(i - 1)->kind == TK_WORD && tok_cap(t, TK(i - 1)) && cls(t, i - 1) == K_NONE &&
	    !sent_break(t, i - 2) && !(TK(i - 1)->flags & TF_NL) && !is_punct(t, i - 2, '"'))
		return false;
	if ((k->num < 1900 && !prep) || k->num > 2100)
		return false; /* "2130 UN teams": a clock time, not a year */
	int c = cls(t, i + 1);
	if (c == K_COUNTNOUN || is_punct(t, i + 1, '%') || c == K_UNIT || c == K_TZ)
		return false; /* "2000 people", "1815 GMT" */
	/* "1990s" is a decade, handled elsewhere; "2000 to 3000 people" */
	if (TK(i + 1)->kind == TK_WORD && glued(t, i + 1))
		return false;
	if (i > 0 && is_punct(t, i - 1, '.') && glued(t, i) && i > 1 && TK(i - 2)->kind == TK_NUM)
		return false;
	return true;
}

static size_t quarter_core(const struct dates_tagger *t, size_t i, int *q);
static void v_qh(struct res *r, int y, int q);

/* ------------------------------------------------------------------------ */
/* Quantities: durations and "N units ago/later"                             */
/* ------------------------------------------------------------------------ */

/* The day an anaphoric expression counts from ("two days later", "the
 * following month"): the last date the text mentioned, at a granularity fine
 * enough for the unit, else the publication day. *ana tells which. */
static int32_t ctx_anchor(const struct dates_tagger *t, int unit, bool *ana)
{
	const struct dates_ctx *c = t->ctx;
	*ana = false;
	if (c) {
		int y, m;
		if (c->last_gran >= GRAN_DAY && c->last_day != NL_NODAY) {
			*ana = true;
			return c->last_day;
		}
		if (c->last_gran == GRAN_MONTH && unit >= U_MONTH &&
		    sscanf(c->last_value, "%4d-%2d", &y, &m) == 2 && day_valid(y, m, 1)) {
			*ana = true;
			return day_from_ymd(y, m, 1);
		}
		if (c->last_gran == GRAN_YEAR && unit == U_YEAR && sscanf(c->last_value, "%4d", &y) == 1 &&
		    day_valid(y, 1, 1)) {
			*ana = true;
			return day_from_ymd(y, 1, 1);
		}
		if (c->last_day != NL_NODAY && unit <= U_WEEK) {
			*ana = true;
			return c->last_day;
		}
	}
	return t->dct;
}

/* Shift the publication day (or anchor) by n units back (sign -1) or forward. */
static void shift_units(struct dates_tagger *t, struct res *r, int32_t anchor, int unit, double n, int sign)
{
	if (anchor == NL_NODAY || n < 0 || n != (double)(long)n || n > 100000) {
		v_ref(r, sign < 0 ? "PAST_REF" : "FUTURE_REF");
		return;
	}
	long k = (long)n * sign;
	int y, m, d;
	day_to_ymd(anchor, &y, &m, &d);
	switch (unit) {
	case U_SEC: case U_MIN: case U_HOUR:
		/* "48 hours ago": the day, counted in whole days */
		if (unit == U_HOUR && n <= 240)
			v_day(r, anchor + sign * (int32_t)((long)n / 24));
		else if (unit == U_MIN && n <= 60 * 24)
			v_day(r, anchor);
		else
			v_ref(r, sign < 0 ? "PAST_REF" : "FUTURE_REF");
		return;
	case U_DAY: v_day(r, anchor + (int32_t)k); return;
	case U_WEEK: v_week(r, anchor + (int32_t)(7 * k), false); return;
	case U_FORTNIGHT: v_week(r, anchor + (int32_t)(14 * k), false); return;
	case U_WEEKEND: v_week(r, anchor + (int32_t)(7 * k), true); return;
	case U_MONTH: {
		long mm = (long)y * 12 + (m - 1) + k;
		v_month(r, (int)(mm / 12), (int)(mm % 12) + 1);
		return;
	}
	case U_QUARTER: {
		long qq = (long)y * 4 + (m - 1) / 3 + k;
		v_quarter(r, (int)(qq / 4), (int)(qq % 4) + 1);
		return;
	}
	case U_HALF: {
		long hh = (long)y * 2 + (m - 1) / 6 + k;
		v_half(r, (int)(hh / 2), (int)(hh % 2) + 1);
		return;
	}
	case U_YEAR: v_year(r, y + (int)k); return;
	case U_DECADE: v_decade(r, (y + (int)k * 10) / 10); return;
	case U_CENTURY: v_century(r, (y + (int)k * 100) / 100); return;
	}
	v_ref(r, sign < 0 ? "PAST_REF" : "FUTURE_REF");
}

/* "a year ago" in a text about a quarter means that quarter a year before:
 * take the granularity of the last date mentioned when it is a quarter. */
static bool year_ago_quarter(struct dates_tagger *t, struct res *r, double n)
{
	struct dates_ctx *c = t->ctx;
	if (!c || c->last_gran != GRAN_QUARTER || n != 1)
		return false;
	int y, q;
	if (sscanf(c->last_value, "%4d-Q%1d", &y, &q) != 2)
		return false;
	v_quarter(r, y - 1, q);
	return true;
}

/* The quarter the text is about: the last quarter mentioned, when there is
 * one from this year or the last; else the last full quarter before the
 * publication day (business news reports on the quarter just ended). */
static bool topic_quarter(struct dates_tagger *t, int *y, int *q)
{
	struct dates_ctx *c = t->ctx;
	int now = t->dy * 4 + (t->dm - 1) / 3; /* index of the publication quarter */
	if (c && c->last_gran == GRAN_QUARTER && sscanf(c->last_value, "%4d-Q%1d", y, q) == 2 &&
	    (!have_dct(t) || (*y * 4 + *q - 1 <= now && *y * 4 + *q - 1 >= now - 4)))
		return true;
	if (!have_dct(t))
		return false;
	int qq = now - 1;
	*y = qq / 4;
	*q = qq % 4 + 1;
	return true;
}

/* "year-ago", "year-earlier" at i (the word "year"): returns the end or 0 */
static size_t year_ago_adj(const struct dates_tagger *t, size_t i)
{
	bool pl;
	if (unit_of(t, i, &pl) == U_YEAR && !pl && is_punct(t, i + 1, '-') && glued(t, i + 1) &&
	    (cls(t, i + 2) == K_EARLIER || cls(t, i + 2) == K_AGO) && glued(t, i + 2))
		return i + 3;
	return 0;
}

/* After "year-ago": an optional period noun ("quarter", "third quarter",
 * "period", "nine months"); sets the value to the period a year before. */
static size_t year_ago_period(struct dates_tagger *t, size_t j, struct res *r)
{
	int y, q, qq;
	bool pl;
	r->flags |= DATES_F_ANAPHOR;
	size_t e = quarter_core(t, j, &qq);
	if (e) {
		int by = t->dy;
		if (topic_quarter(t, &y, &q))
			by = y;
		v_qh(r, by - 1, qq);
		return e;
	}
	if ((unit_of(t, j, &pl) == U_QUARTER && !pl) || cls(t, j) == K_PERIOD) {
		if (topic_quarter(t, &y, &q))
			v_quarter(r, y - 1, q);
		else
			v_year(r, have_dct(t) ? t->dy - 1 : -1);
		return j + 1;
	}
	if (!year_ago_quarter(t, r, 1))
		v_year(r, have_dct(t) ? t->dy - 1 : -1);
	return j;
}

/* Approximators and comparatives that belong to a quantity's span:
 * "nearly", "about", "more than", "less than", "at least", "up to", "over",
 * "some". Returns where the quantity starts. */
static size_t approx_prefix(const struct dates_tagger *t, size_t i)
{
	switch (cls(t, i)) {
	case K_APPROX: return i + 1;
	case K_MORE: case K_LESS: return cls(t, i + 1) == K_THAN ? i + 2 : i;
	case K_AT: return cls(t, i + 1) == K_LEAST ? i + 2 : i;
	case K_UP: return cls(t, i + 1) == K_TO ? i + 2 : i;
	default: return i;
	}
}

/* Quantity + unit: durations and offsets. i may point at an approximator. */
static size_t m_quantity(struct dates_tagger *t, size_t i, struct res *r)
{
	if (!(t->seen & SEEN_UNIT))
		return 0; /* (unit_of would find none) */
	size_t q = approx_prefix(t, i);
	if (q == i && (cls(t, i) == K_SOME))
		q = i; /* "some" is itself a vague quantity */
	double n;
	size_t j = quantity(t, q, &n);
	if (!j)
		return 0;
	if (TK(q)->kind == TK_NUM && (in_num_chain(t, q) || TK(q)->num > 100000))
		return 0;
	/* "two and a half years", "an hour and a half" handled below */
	if (cls(t, j) == K_AND && (cls(t, j + 1) == K_A) && cls(t, j + 2) == K_HALF) {
		n += 0.5;
		j += 3;
	}
	if (cls(t, j) == K_MORE && cls(t, q) != K_SOME) /* "two more weeks" */
		j++;
	/* ranges: "two to three weeks", "12 to 18 months", "two or three days" */
	if ((cls(t, j) == K_TO || cls(t, j) == K_OR || (is_punct(t, j, '-') && glued(t, j) &&
	    TK(j + 1)->kind == TK_NUM)) && n >= 0) {
		double n2;
		size_t j2 = quantity(t, j + 1, &n2);
		bool pl2;
		if (j2 && cls(t, j + 1) != K_A && cls(t, j + 1) != K_AN && unit_of(t, j2, &pl2) && n2 > n)
			j = j2;
	}
	bool hyph = false;
	if (is_punct(t, j, '-') && glued(t, j) && glued(t, j + 1)) {
		hyph = true;
		j++;
	}
	bool plural;
	int unit = unit_of(t, j, &plural);
	if (!unit) {
		/* "half an hour", "a half-hour" */
		return 0;
	}
	if (TK(q)->kind == TK_NUM && !plural && n != 1 && !hyph)
		return 0; /* "5 second" is an ordinal, not a unit */
	if ((cls(t, q) == K_A || cls(t, q) == K_AN) && n == 1 && plural)
		return 0; /* "a decades-long feud" */
	if (cls(t, j) == K_ORDW && !(n >= 0 && TK(q)->kind == TK_NUM) && cls(t, q) != K_A &&
	    cls(t, q) != K_AN && cls(t, q) != K_NUMW)
		return 0;
	if (cls(t, j) == K_ORDW && (cls(t, q) == K_A || cls(t, q) == K_AN))
		return 0; /* "a second time" */
	size_t e = j + 1;
	/* "an hour and a half" */
	if (cls(t, e) == K_AND && (cls(t, e + 1) == K_A) && cls(t, e + 2) == K_HALF && n >= 0) {
		n += 0.5;
		e += 3;
	}
	/* "a week or so ago" */
	if (cls(t, e) == K_OR && cls(t, e + 1) == K_SO && (cls(t, e + 2) == K_AGO || cls(t, e + 2) == K_EARLIER ||
	    cls(t, e + 2) == K_LATER))
		e += 2;
	int c = cls(t, e);
	if (c == K_AGO || (c == K_EARLIER && !hyph) || (c == K_LATER && !hyph) ||
	    (c == K_FROM && cls(t, e + 1) == K_NOW) || c == K_HENCE) {
		int sign = (c == K_AGO || c == K_EARLIER) ? -1 : 1;
		int32_t anchor = t->dct;
		size_t end = c == K_FROM ? e + 2 : e + 1;
		if (c == K_EARLIER || c == K_LATER) {
			/* from the last date named, if it names a month or a day;
			 * "a year earlier" after "in 1989" compares with the DCT */
			bool ana;
			int32_t a = ctx_anchor(t, unit, &ana);
			if (ana && t->ctx->last_gran >= GRAN_MONTH) {
				anchor = a;
				r->flags |= DATES_F_ANAPHOR;
			}
		}
		if (unit == U_YEAR && sign < 0 && year_ago_quarter(t, r, n)) {
			r->flags |= DATES_F_ANAPHOR;
			return end;
		}
		shift_units(t, r, anchor, unit, n, sign);
		r->type = DATE_DATE;
		return end;
	}
	if ((cls(t, q) == K_A || cls(t, q) == K_AN) && q == i && !hyph) {
		/* "a week" on its own is a duration, but "$5 a year", "358,000 a
		 * month", "10% a year" are rates, and "a year", "a day" are too
		 * often idiom: those only after for/in/over and friends */
		bool prep = i > 0 && (cls(t, i - 1) == K_FOR || cls(t, i - 1) == K_IN ||
			cls(t, i - 1) == K_WITHIN || cls(t, i - 1) == K_OVER || cls(t, i - 1) == K_AFTER ||
			cls(t, i - 1) == K_DURING || cls(t, i - 1) == K_THAN);
		if (i > 0 && (TK(i - 1)->kind == TK_NUM || cls(t, i - 1) == K_COUNTNOUN ||
		    is_punct(t, i - 1, '%') || cls(t, i - 1) == K_NUMW))
			return 0;
		if (i > 1 && TK(i - 1)->kind == TK_WORD && (TK(i - 2)->kind == TK_NUM || cls(t, i - 2) == K_NUMW))
			return 0; /* "four flights a week": a rate */
		if (!prep && (unit == U_YEAR || unit == U_DAY))
			return 0;
	}
	if (unit == U_WEEKEND)
		return 0;
	if (word_is(t, e, "old"))
		return 0; /* "37 years old" */
	if (hyph && is_punct(t, e, '-') && glued(t, e) && word_is(t, e + 1, "old"))
		return 0; /* "five-year-old": a person's age, not a time */
	if (unit == U_QUARTER && ((hyph && plural) || cls(t, e) == K_OF))
		return 0; /* "three-quarters", "a quarter of": fractions */
	if (TK(q)->kind == TK_NUM && tok_cap(t, TK(j)) && !tok_allcap(t, TK(j)))
		return 0; /* "60 Minutes": a title */
	v_dur(r, n, unit);
	return e;
}

/* ------------------------------------------------------------------------ */
/* Word-led expressions                                                      */
/* ------------------------------------------------------------------------ */

/* A part of day right after a day expression ("Friday night"). */
static size_t opt_pod(const struct dates_tagger *t, size_t j, int *pod)
{
	if (cls(t, j) == K_POD && TK(j)->num != POD_NOON && TK(j)->num != POD_MIDNIGHT) {
		*pod = TK(j)->num;
		return j + 1;
	}
	return j;
}

/* Weekday-led: "Friday", "Friday, Oct. 23", "Friday night". mod = the modifier
 * before it (K_LAST...), or 0. */
static size_t m_wday(struct dates_tagger *t, size_t i, struct res *r, int mod, size_t ms)
{
	const struct tok *k = TK(i);
	if (k->cls != K_WDAY)
		return 0;
	if (k->kf & KF_PLURAL) {
		/* "Mondays", "on Tuesday nights": every such day */
		vfmt(r->value, sizeof r->value, "XXXX-WXX-%d", k->num + 1);
		r->type = DATE_SET;
		r->gran = GRAN_NONE;
		if (cls(t, i + 1) == K_POD && (TK(i + 1)->kf & KF_PLURAL)) {
			size_t n = strlen(r->value);
			vfmt(r->value + n, sizeof r->value - n, "T%s", pod_code[TK(i + 1)->num & 7]);
			return i + 2;
		}
		return i + 1;
	}
	if (cls(t, i + 1) == K_POD && (TK(i + 1)->kf & KF_PLURAL)) {
		/* "Tuesday nights" */
		vfmt(r->value, sizeof r->value, "XXXX-WXX-%dT%s", k->num + 1, pod_code[TK(i + 1)->num & 7]);
		r->type = DATE_SET;
		r->gran = GRAN_NONE;
		return i + 2;
	}
	size_t j = i + 1;
	if (is_punct(t, j, ',') || ((TK(j)->kind == TK_WORD || TK(j)->kind == TK_NUM) && !mod)) {
		size_t jj = is_punct(t, j, ',') ? j + 1 : j;
		struct res r2 = { 0 };
		r2.day = NL_NODAY;
		size_t e = m_month(t, jj, &r2, false);
		if (!e)
			e = m_dayfirst(t, jj, &r2);
		if (e && r2.gran == GRAN_DAY) {
			if ((r2.flags & RF_GUESSED_YEAR) && r2.day != NL_NODAY && day_weekday(r2.day) != k->num) {
				/* "Saturday, 19 November": the year whose 19 November is
				 * a Saturday, nearest the one the tense chose */
				int y, m, d;
				day_to_ymd(r2.day, &y, &m, &d);
				for (int dy = 1; dy <= 6; dy++) {
					if (day_valid(y - dy, m, d) && day_weekday(day_from_ymd(y - dy, m, d)) == k->num) {
						v_day(&r2, day_from_ymd(y - dy, m, d));
						break;
					}
					if (day_valid(y + dy, m, d) && day_weekday(day_from_ymd(y + dy, m, d)) == k->num) {
						v_day(&r2, day_from_ymd(y + dy, m, d));
						break;
					}
				}
			}
			*r = r2;
			return e;
		}
	}
	resolve_wday(t, r, k->num, mod, ms, j);
	int pod = 0;
	size_t e = opt_pod(t, j, &pod);
	if (pod && r->day != NL_NODAY)
		v_add_pod(r, pod);
	return e;
}

/* today/yesterday/tomorrow/tonight [+ part of day] */
static size_t m_relday(struct dates_tagger *t, size_t i, struct res *r)
{
	int c = cls(t, i);
	int off;
	switch (c) {
	case K_TODAY: off = 0; break;
	case K_YESTERDAY: off = -1; break;
	case K_TOMORROW: off = 1; break;
	case K_TONIGHT: off = 0; break;
	default: return 0;
	}
	if (!have_dct(t)) {
		v_ref(r, c == K_YESTERDAY ? "PAST_REF" : c == K_TOMORROW ? "FUTURE_REF" : "PRESENT_REF");
		return i + 1;
	}
	v_day(r, t->dct + off);
	if (c == K_TONIGHT) {
		v_add_pod(r, POD_NI);
		return i + 1;
	}
	/* "today" in "today's" or "Today show"... keep it simple */
	int pod = 0;
	size_t e = opt_pod(t, i + 1, &pod);
	if (pod)
		v_add_pod(r, pod);
	return e;
}

/* The ordinal quarter/half: "third quarter", "third-quarter", "Q3", "first
 * half", optional "of 2022" / "2022". Stores q (1..4) or h (5..6 = H1..H2). */
static size_t quarter_core(const struct dates_tagger *t, size_t i, int *q)
{
	const struct tok *k = TK(i);
	if (k->cls == K_LAST && cls(t, i + 1) == K_HALF) {
		*q = 6;
		return i + 2;
	}
	if (k->cls == K_ORDW && k->num >= 1 && k->num <= 4) {
		size_t j = i + 1;
		if (is_punct(t, j, '-') && glued(t, j))
			j++;
		bool pl;
		int u = unit_of(t, j, &pl);
		if (u == U_QUARTER && !pl) {
			*q = k->num;
			return j + 1;
		}
		if (k->num <= 2 && cls(t, j) == K_HALF) {
			*q = 4 + k->num;
			return j + 1;
		}
		return 0;
	}
	if (k->kind == TK_WORD && k->e - k->s == 1 && (t->text[k->s] == 'Q' || t->text[k->s] == 'H') &&
	    TK(i + 1)->kind == TK_NUM && glued(t, i + 1) && TK(i + 1)->nd == 1) {
		int v = TK(i + 1)->num;
		if (t->text[k->s] == 'Q' && v >= 1 && v <= 4) {
			*q = v;
			return i + 2;
		}
		if (t->text[k->s] == 'H' && v >= 1 && v <= 2) {
			*q = 4 + v;
			return i + 2;
		}
	}
	return 0;
}

static void v_qh(struct res *r, int y, int q)
{
	if (q <= 4)
		v_quarter(r, y, q);
	else
		v_half(r, y, q - 4);
}

/* Year of a quarter named without one. */
static int quarter_year(struct dates_tagger *t, int q, size_t s, size_t e)
{
	int cq = q <= 4 ? q : (q == 5 ? 1 : 3);
	if (cq <= dct_quarter(t))
		return t->dy;
	return tense_of(t, s, e) == T_PAST ? t->dy - 1 : t->dy;
}

static size_t m_quarter(struct dates_tagger *t, size_t i, struct res *r, int mod)
{
	int q;
	size_t j = quarter_core(t, i, &q);
	if (!j)
		return 0;
	int y;
	size_t e = j;
	if (cls(t, j) == K_OF && year_tok(t, j + 1)) {
		y = TK(j + 1)->num;
		e = j + 2;
	} else if (is_punct(t, j, ',') && year_tok(t, j + 1)) {
		y = TK(j + 1)->num;
		e = j + 2;
	} else if (year_tok(t, j) && !in_num_chain(t, j)) {
		y = TK(j)->num;
		e = j + 1;
	} else if (cls(t, j) == K_OF && (cls(t, j + 1) == K_LAST || cls(t, j + 1) == K_THIS ||
		   cls(t, j + 1) == K_NEXT) && unit_of(t, j + 2, &(bool){ 0 }) == U_YEAR && have_dct(t)) {
		y = t->dy + (cls(t, j + 1) == K_LAST ? -1 : cls(t, j + 1) == K_NEXT ? 1 : 0);
		e = j + 3;
	} else if (!have_dct(t)) {
		y = -1;
	} else if (mod == K_LAST || mod == K_PREVIOUS) {
		y = t->dy - 1;
	} else if (mod == K_NEXT) {
		y = t->dy + 1;
	} else if (mod == K_THIS || mod == K_CURRENT) {
		y = t->dy;
	} else {
		y = quarter_year(t, q, i, j);
	}
	v_qh(r, y, q);
	return e;
}

/* "last|this|next|past|coming|previous|current ..." + unit, weekday, month,
 * season. Returns end or 0. i at the modifier. */
static size_t m_modified(struct dates_tagger *t, size_t i, struct res *r)
{
	int mod = cls(t, i);
	size_t j = i + 1;
	int c = cls(t, j);
	if (mod == K_LAST && c == K_HALF)
		return m_quarter(t, i, r, 0);
	/* durations: "the past three years", "the next two weeks", "last five years" */
	if (mod == K_PAST || mod == K_LAST || mod == K_NEXT || mod == K_COMING || mod == K_PREVIOUS ||
	    mod == K_FOLLOWING) {
		double n;
		size_t q = quantity(t, j, &n);
		if (q && cls(t, j) != K_A && cls(t, j) != K_AN) {
			bool pl;
			int u = unit_of(t, q, &pl);
			if (u && (pl || n == 1) && u != U_WEEKEND) {
				v_dur(r, n, u);
				return q + 1;
			}
		}
	}
	if (c == K_WDAY && !(TK(j)->kf & KF_PLURAL))
		return m_wday(t, j, r, mod, i) ? (m_wday(t, j, r, mod, i)) : 0;
	if (c == K_MONTH || (c == K_MONABBR && tok_cap(t, TK(j)))) {
		int m = TK(j)->num;
		if ((m == 3 || m == 5) && c == K_MONTH && !tok_cap(t, TK(j)) && tok_cap(t, TK(i)))
			return 0; /* "This march", lower-case march after a capital */
		if ((m == 3 || m == 5) && c == K_MONTH && !tok_cap(t, TK(j)) &&
		    TK(j + 1)->kind == TK_WORD && cls(t, j + 1) == K_NONE)
			return 0; /* "this march ended" */
		size_t e = c == K_MONABBR ? skip_dot(t, j) - (is_punct(t, j + 1, '.') ? 1 : 0) : j + 1;
		if (!have_dct(t)) {
			v_month(r, -1, m);
			return e;
		}
		int y = t->dy, d = 0;
		size_t de = c == K_MONABBR ? skip_dot(t, j) : j + 1;
		size_t e2 = day_of_month(t, de, &d);
		if (e2 && !(TK(de)->kind == TK_NUM && cls(t, e2) == K_COUNTNOUN)) {
			/* "last Oct. 23": the most recent Oct. 23 before the DCT */
			int32_t cand = day_valid(t->dy, m, d) ? day_from_ymd(t->dy, m, d) : NL_NODAY;
			if (cand == NL_NODAY)
				return 0;
			if ((mod == K_LAST || mod == K_PAST || mod == K_PREVIOUS) && cand >= t->dct)
				y = t->dy - 1;
			else if ((mod == K_NEXT || mod == K_COMING) && cand <= t->dct)
				y = t->dy + 1;
			else if (mod != K_THIS && mod != K_LAST && mod != K_PAST && mod != K_PREVIOUS &&
				 mod != K_NEXT && mod != K_COMING)
				return 0;
			if (!day_valid(y, m, d))
				return 0;
			v_day(r, day_from_ymd(y, m, d));
			return e2;
		}
		if (mod == K_LAST || mod == K_PAST || mod == K_PREVIOUS)
			y = m < t->dm ? t->dy : t->dy - 1;
		else if (mod == K_NEXT || mod == K_COMING)
			y = m > t->dm ? t->dy : t->dy + 1;
		else if (mod != K_THIS)
			return 0;
		v_month(r, y, m);
		return e;
	}
	if (c == K_SEASON) {
		if (mod != K_LAST && mod != K_THIS && mod != K_NEXT && mod != K_PAST && mod != K_COMING &&
		    mod != K_PREVIOUS)
			return 0;
		resolve_season(t, r, TK(j)->num, mod, i, j + 1);
		return j + 1;
	}
	if (c == K_POD && (mod == K_LAST || mod == K_THIS) && have_dct(t)) {
		int pod = TK(j)->num;
		if (mod == K_LAST && pod != POD_NI)
			return 0;
		v_day(r, t->dct - (mod == K_LAST ? 1 : 0));
		v_add_pod(r, pod);
		return j + 1;
	}
	if (c == K_ORDW || (TK(j)->kind == TK_WORD && TK(j)->e - TK(j)->s == 1)) {
		size_t e = m_quarter(t, j, r, mod);
		if (e)
			return e;
	}
	if (c == K_FISCAL)
		j++; /* "this fiscal year" */
	bool plural;
	int u = unit_of(t, j, &plural);
	if (u && plural && (mod == K_COMING || mod == K_PAST) && u != U_WEEKEND) {
		v_dur(r, -1, u); /* "the coming weeks", "past years" */
		return j + 1;
	}
	if (!u || plural)
		return 0;
	int sign;
	switch (mod) {
	case K_LAST: case K_PAST: case K_PREVIOUS: sign = -1; break;
	case K_NEXT: case K_COMING: case K_FOLLOWING: sign = 1; break;
	case K_THIS: case K_CURRENT: case K_LATEST: sign = 0; break;
	default: return 0;
	}
	if (mod == K_FOLLOWING || (mod == K_PREVIOUS && u == U_DAY) ||
	    (mod == K_NEXT && u == U_DAY && i > 0 && cls(t, i - 1) == K_THE)) {
		/* "the following day", "the previous day", "the next day" */
		bool ana;
		int32_t anchor = ctx_anchor(t, u, &ana);
		if (anchor == NL_NODAY)
			return 0;
		if (u != U_DAY && u != U_WEEK && u != U_MONTH && u != U_YEAR)
			return 0;
		if (ana)
			r->flags |= DATES_F_ANAPHOR;
		shift_units(t, r, anchor, u, 1, sign ? sign : 1);
		return j + 1;
	}
	if (!have_dct(t)) {
		v_ref(r, sign < 0 ? "PAST_REF" : sign > 0 ? "FUTURE_REF" : "PRESENT_REF");
		return j + 1;
	}
	if (u == U_DAY) {
		if (mod == K_THIS || mod == K_CURRENT) {
			v_day(r, t->dct);
			return j + 1;
		}
		return 0; /* "next day" without "the": too vague */
	}
	if (u == U_WEEKEND) {
		v_week(r, t->dct + 7 * sign, true);
		return j + 1;
	}
	if (u == U_SEC || u == U_MIN || u == U_HOUR)
		return 0;
	if (mod == K_LATEST && u != U_QUARTER)
		return 0;
	if (u == U_YEAR && is_punct(t, j + 1, '\'') && cls(t, j + 2) == K_S && glued(t, j + 1)) {
		/* "this year's third quarter", "last year's quarter" */
		int q, y, tq;
		size_t e2 = quarter_core(t, j + 3, &q);
		if (e2) {
			v_qh(r, t->dy + sign, q);
			return e2;
		}
		if ((unit_of(t, j + 3, &plural) == U_QUARTER && !plural) || cls(t, j + 3) == K_PERIOD) {
			if (topic_quarter(t, &y, &tq)) {
				v_quarter(r, t->dy + sign, tq);
				return j + 4;
			}
		}
	}
	if (u == U_QUARTER && mod == K_LATEST) {
		/* "the latest quarter": the one the text reports on */
		int y, q;
		if (!topic_quarter(t, &y, &q))
			return 0;
		v_quarter(r, y, q);
		r->flags |= DATES_F_ANAPHOR;
		return j + 1;
	}
	shift_units(t, r, t->dct, u, 1, 1 * sign);
	if (sign == 0)
		shift_units(t, r, t->dct, u, 0, 1);
	return j + 1;
}

/* Season with "in the", "the ... of 1994", "summer 2021". i at the season. */
static size_t m_season(struct dates_tagger *t, size_t i, struct res *r, bool ctx_ok)
{
	if (cls(t, i) != K_SEASON)
		return 0;
	int s = TK(i)->num;
	size_t j = i + 1;
	if (cls(t, j) == K_OF && year_tok(t, j + 1)) {
		v_season(r, TK(j + 1)->num, s);
		return j + 2;
	}
	if (year_tok(t, j) && !in_num_chain(t, j)) {
		v_season(r, TK(j)->num, s);
		return j + 1;
	}
	if (!ctx_ok)
		return 0;
	resolve_season(t, r, s, 0, i, j);
	return j;
}

/* Holidays: "Christmas", "Christmas Eve", "New Year's Day", "Thanksgiving",
 * "Independence Day", "Fourth of July", "Valentine's Day", "Labor Day". */
static size_t m_holiday(struct dates_tagger *t, size_t i, struct res *r, int mod)
{
	const struct tok *k = TK(i);
	int h = 0;
	size_t j = i + 1;
	bool pl;
	if (k->cls == K_HOLI) {
		h = k->num;
		switch (h) {
		case H_XMAS:
			if (word_is(t, j, "eve")) {
				h = H_XMASEVE;
				j++;
			} else if (unit_of(t, j, &pl) == U_DAY) {
				j++;
			}
			break;
		case H_NEWYEAR:
			/* New Year's Day / Eve */
			if (unit_of(t, j, &pl) != U_YEAR || !tok_cap(t, TK(i)))
				return 0;
			j++;
			if (is_punct(t, j, '\'') && cls(t, j + 1) == K_S)
				j += 2;
			if (unit_of(t, j, &pl) == U_DAY) {
				j++;
			} else if (word_is(t, j, "eve")) {
				h = H_NEWYEARSEVE;
				j++;
			} else {
				return 0;
			}
			break;
		case H_THANKS: case H_EASTER: case H_HALLOWEEN:
			if (!tok_cap(t, k) && !tok_allcap(t, TK(i)) && h != H_THANKS)
				return 0;
			if (unit_of(t, j, &pl) == U_DAY || (h == H_EASTER && cls(t, j) == K_WDAY && TK(j)->num == 6))
				j++;
			break;
		case H_VALENTINE: case H_PATRICK:
			if (is_punct(t, j, '\'') && cls(t, j + 1) == K_S)
				j += 2;
			if (unit_of(t, j, &pl) != U_DAY)
				return 0;
			j++;
			break;
		default:
			/* "Independence Day", "Labor Day", "Memorial Day", "Veterans Day", "Boxing Day" */
			if (!tok_cap(t, k))
				return 0;
			if (is_punct(t, j, '\'') && glued(t, j))
				j++;
			if (unit_of(t, j, &pl) != U_DAY || !tok_cap(t, TK(j)))
				return 0;
			j++;
			break;
		}
	} else if (k->cls == K_ORDW && k->num == 4 && cls(t, j) == K_OF && cls(t, j + 1) == K_MONTH &&
		   TK(j + 1)->num == 7 && tok_cap(t, k)) {
		h = H_INDEP;
		j += 2;
	} else {
		return 0;
	}
	int y;
	size_t e = opt_year(t, j, &(int){ 0 });
	if (e != j) {
		opt_year(t, j, &y);
		v_day(r, holiday_day(h, y));
		return e;
	}
	if (!have_dct(t)) {
		v_ref(r, "XXXX-XX-XX");
		r->gran = GRAN_DAY;
		return j;
	}
	int32_t this_year = holiday_day(h, t->dy);
	int32_t day = this_year;
	if (mod == K_LAST || mod == K_PAST) {
		if (this_year >= t->dct)
			day = holiday_day(h, t->dy - 1);
	} else if (mod == K_NEXT || mod == K_COMING) {
		if (this_year <= t->dct)
			day = holiday_day(h, t->dy + 1);
	} else if (mod != K_THIS) {
		int tense = tense_of(t, i, j);
		if (tense == T_PAST && this_year > t->dct)
			day = holiday_day(h, t->dy - 1);
		else if (tense == T_FUT && this_year < t->dct)
			day = holiday_day(h, t->dy + 1);
		else if (!tense && this_year - t->dct > 183)
			day = holiday_day(h, t->dy - 1);
		else if (!tense && t->dct - this_year > 183)
			day = holiday_day(h, t->dy + 1);
	}
	v_day(r, day);
	return j;
}

/* Spoken years: "nineteen ninety-six", "two thousand", "the year two thousand". */
static size_t m_spoken_year(struct dates_tagger *t, size_t i, struct res *r)
{
	if (cls(t, i) == K_NINETEEN || (cls(t, i) == K_NUMW && TK(i)->num >= 11 && TK(i)->num <= 18)) {
		double v;
		size_t j = quantity(t, i + 1, &v);
		if (!j || cls(t, i + 1) != K_TENS)
			return 0;
		v_year(r, TK(i)->num * 100 + (int)v);
		return j;
	}
	if (cls(t, i) == K_NUMW && TK(i)->num == 2 && cls(t, i + 1) == K_THOUSAND) {
		size_t j = i + 2;
		int y = 2000;
		double v;
		size_t k = cls(t, j) == K_AND ? j + 1 : j;
		size_t e = quantity(t, k, &v);
		if (e && cls(t, k) != K_A && cls(t, k) != K_AN && TK(k)->kind == TK_WORD && v > 0 && v < 100) {
			y += (int)v;
			j = e;
		}
		v_year(r, y);
		return j;
	}
	return 0;
}

/* Date-valued expressions that may follow "early/late/mid", "the end of". */
static size_t m_point(struct dates_tagger *t, size_t i, struct res *r)
{
	size_t e;
	if ((e = m_month(t, i, r, true)))
		return e;
	if ((e = m_decade(t, i, r)))
		return e;
	if (bare_year_ok(t, i, true)) {
		v_year(r, TK(i)->num);
		return i + 1;
	}
	int c = cls(t, i);
	if (c == K_LAST || c == K_THIS || c == K_NEXT)
		return m_modified(t, i, r);
	if (c == K_THE) {
		if ((e = m_decade(t, i + 1, r)))
			return e;
		if ((e = m_quarter(t, i + 1, r, 0)))
			return e;
		/* "the end of the year": the current one */
		bool pl;
		int u = unit_of(t, i + 1, &pl);
		if (u && !pl && have_dct(t) && (u == U_YEAR || u == U_MONTH || u == U_WEEK || u == U_QUARTER ||
		    u == U_DECADE || u == U_CENTURY)) {
			shift_units(t, r, t->dct, u, 0, 1);
			return i + 2;
		}
	}
	if ((e = m_quarter(t, i, r, 0)))
		return e;
	if (c == K_SEASON)
		return m_season(t, i, r, true);
	if (c == K_WDAY)
		return m_wday(t, i, r, 0, i);
	if (c == K_TODAY || c == K_YESTERDAY || c == K_TOMORROW)
		return m_relday(t, i, r);
	return 0;
}

/* Does a preposition that takes a time come right before token i ("in",
 * "since", ..., "in the")? Asked only by the matchers that need it. */
static bool prep_before(const struct dates_tagger *t, size_t i)
{
	return i > 0 && (cls(t, i - 1) == K_IN || cls(t, i - 1) == K_SINCE ||
		cls(t, i - 1) == K_UNTIL || cls(t, i - 1) == K_BY || cls(t, i - 1) == K_DURING ||
		cls(t, i - 1) == K_FROM || cls(t, i - 1) == K_THROUGH || cls(t, i - 1) == K_OF ||
		cls(t, i - 1) == K_ON || cls(t, i - 1) == K_FOR || cls(t, i - 1) == K_BEFORE ||
		cls(t, i - 1) == K_AFTER || cls(t, i - 1) == K_TO || cls(t, i - 1) == K_EARLY ||
		cls(t, i - 1) == K_LATE || cls(t, i - 1) == K_MID || cls(t, i - 1) == K_END ||
		(cls(t, i - 1) == K_THE && i > 1 && (cls(t, i - 2) == K_IN || cls(t, i - 2) == K_DURING ||
		cls(t, i - 2) == K_SINCE || cls(t, i - 2) == K_UNTIL || cls(t, i - 2) == K_BY ||
		cls(t, i - 2) == K_FOR || cls(t, i - 2) == K_THROUGH || cls(t, i - 2) == K_OVER)));
}

/* Try every matcher at token i; returns the end token or 0. */
static size_t match_at(struct dates_tagger *t, size_t i, struct res *r)
{
	const struct tok *k = TK(i);
	size_t e;

	if (k->kind == TK_NUM) {
		if ((e = m_numeric(t, i, r)))
			return e;
		if ((e = m_time(t, i, r)))
			return e;
		if ((e = m_dayfirst(t, i, r)))
			return e;
		if ((e = m_decade(t, i, r)))
			return e;
		if ((e = m_quantity(t, i, r)))
			return e;
		if (k->nd <= 2 && k->num >= 1 && k->num <= 21 && cls(t, i + 1) == K_TH && glued(t, i + 1) &&
		    unit_of(t, i + 2, &(bool){ 0 }) == U_CENTURY) {
			v_century(r, k->num - 1);
			return i + 3;
		}
		if (bare_year_ok(t, i, prep_before(t, i))) {
			v_year(r, k->num);
			return i + 1;
		}
		return 0;
	}
	if (k->kind == TK_PUNCT) {
		if (k->num == '\'')
			return m_decade(t, i, r);
		return 0;
	}
	if (!(k->kf & KF_START) && k->cls != K_ORDW && !(k->kind == TK_WORD && k->e - k->s == 1))
		return 0;
	switch (k->cls) {
	case K_MONTH: case K_MONABBR:
		return m_month(t, i, r, prep_before(t, i) || (i > 0 && (cls(t, i - 1) == K_LAST ||
			cls(t, i - 1) == K_THIS || cls(t, i - 1) == K_NEXT)));
	case K_WDAY:
		return m_wday(t, i, r, 0, i);
	case K_TODAY: case K_YESTERDAY: case K_TOMORROW: case K_TONIGHT:
		return m_relday(t, i, r);
	case K_NOW:
		/* "now" but not "right now"?: both PRESENT_REF; "until now" too */
		v_ref(r, "PRESENT_REF");
		return i + 1;
	case K_REF:
		v_ref(r, k->num == 1 ? "PRESENT_REF" : "PAST_REF");
		return i + 1;
	case K_FUTURE:
		if (i > 0 && (cls(t, i - 1) == K_THE && i > 1 && (cls(t, i - 2) == K_IN ||
		    cls(t, i - 2) == K_FOR || cls(t, i - 2) == K_OF ))) {
			v_ref(r, "FUTURE_REF");
			return i + 1;
		}
		return 0;
	case K_THE: {
		size_t j = i + 1;
		int c = cls(t, j);
		/* "the" before a word that is no keyword (most "the"s): nothing
		 * below matches one (each test wants a keyword, a number or
		 * punctuation at j) */
		if (c == K_NONE && TK(j)->kind == TK_WORD)
			return 0;
		if (c == K_FUTURE) {
			v_ref(r, "FUTURE_REF");
			return j + 1;
		}
		if (c == K_PAST && !quantity(t, j + 1, &(double){ 0 }) && !unit_of(t, j + 1, &(bool){ 0 }) &&
		    i > 0 && (cls(t, i - 1) == K_IN || cls(t, i - 1) == K_OF)) {
			v_ref(r, "PAST_REF");
			return j + 1;
		}
		if (c == K_REF && TK(j)->num == 1) {
			v_ref(r, "PRESENT_REF");
			return j + 1;
		}
		if (c == K_END || c == K_BEGINNING || c == K_MIDDLE || c == K_START) {
			if (cls(t, j + 1) == K_OF && (e = m_point(t, j + 2, r)))
				return e;
			return 0;
		}
		if (c == K_EARLY || c == K_LATE || c == K_MID) {
			size_t jj = j + 1;
			if (is_punct(t, jj, '-'))
				jj++;
			if ((e = m_decade(t, jj, r)))
				return e;
			return 0;
		}
		{
			/* "the (comparable) year-ago (third) quarter" */
			size_t jj = (c == K_COMPARABLE || c == K_SAME) ? j + 1 : j;
			size_t ya = year_ago_adj(t, jj);
			if (ya && have_dct(t)) {
				struct res r2 = *r;
				size_t e2 = year_ago_period(t, ya, &r2);
				if (e2 > ya) {
					*r = r2;
					return e2;
				}
			}
		}
		/* "the 1988 third quarter", "the 1989 period" */
		if (year_tok(t, j)) {
			int q, y, tq;
			size_t e2 = quarter_core(t, j + 1, &q);
			if (e2) {
				v_qh(r, TK(j)->num, q);
				return e2;
			}
			if (cls(t, j + 1) == K_PERIOD || (unit_of(t, j + 1, &(bool){ 0 }) == U_QUARTER &&
			    !(TK(j + 1)->kf & KF_PLURAL))) {
				if (topic_quarter(t, &y, &tq)) {
					v_quarter(r, TK(j)->num, tq);
					r->flags |= DATES_F_ANAPHOR;
				} else {
					v_year(r, TK(j)->num);
				}
				return j + 2;
			}
		}
		/* "the quarter", "the latest quarter", "the latest period" */
		{
			size_t jj = c == K_LATEST ? j + 1 : j;
			bool pl;
			if ((unit_of(t, jj, &pl) == U_QUARTER && !pl) || (c == K_LATEST && cls(t, jj) == K_PERIOD)) {
				int y, q;
				if (!topic_quarter(t, &y, &q))
					return 0;
				v_quarter(r, y, q);
				r->flags |= DATES_F_ANAPHOR;
				return jj + 1;
			}
		}
		/* "the week of March 6" */
		if (unit_of(t, j, &(bool){ 0 }) == U_WEEK && !(TK(j)->kf & KF_PLURAL) && cls(t, j + 1) == K_OF) {
			struct res r2 = *r;
			size_t e2 = m_point(t, j + 2, &r2);
			if (e2 && r2.gran == GRAN_DAY && r2.day != NL_NODAY) {
				v_week(r, r2.day, false);
				return e2;
			}
		}
		if (unit_of(t, j, &(bool){ 0 }) == U_WEEKEND) {
			if (!have_dct(t))
				return 0;
			int tense = tense_of(t, i, j + 1);
			int32_t base = t->dct;
			if (tense == T_PAST && t->dwd < 5)
				base -= 7;
			v_week(r, base, true);
			return j + 1;
		}
		if (c == K_ORDW && TK(j)->num <= 2 && cls(t, j + 1) == K_HALF) {
			if ((e = m_quarter(t, j, r, 0)))
				return e;
		}
		if (c == K_ORDW && is_punct(t, j + 1, '-') && glued(t, j + 1))
			return 0; /* "the third-quarter loss": the adjective alone */
		if (c == K_ORDW || c == K_FISCAL) {
			size_t jj = c == K_FISCAL ? j + 1 : j;
			if ((e = m_quarter(t, jj, r, 0)))
				return e;
			/* "the first nine months" */
			if (c == K_ORDW && TK(j)->num == 1) {
				double n;
				size_t q = quantity(t, j + 1, &n);
				bool pl;
				if (q && unit_of(t, q, &pl) && pl) {
					v_dur(r, n, unit_of(t, q, &pl));
					return q + 1;
				}
			}
		}
		if (c == K_LATEST || c == K_CURRENT || c == K_PAST || c == K_NEXT || c == K_COMING ||
		    c == K_PREVIOUS || c == K_FOLLOWING || c == K_LAST || c == K_SAME) {
			if (c == K_SAME && unit_of(t, j + 1, &(bool){ 0 }) == U_DAY) {
				if (t->ctx && t->ctx->last_day != NL_NODAY) {
					v_day(r, t->ctx->last_day);
					r->flags |= DATES_F_ANAPHOR;
				} else if (have_dct(t)) {
					v_day(r, t->dct);
				} else {
					return 0;
				}
				return j + 2;
			}
			if ((e = m_modified(t, j, r)))
				return e;
			return 0;
		}
		if (unit_of(t, j, &(bool){ 0 }) == U_DAY && !(TK(j)->kf & KF_PLURAL) &&
		    (cls(t, j + 1) == K_BEFORE || cls(t, j + 1) == K_AFTER)) {
			int32_t anchor = t->ctx && t->ctx->last_day != NL_NODAY ? t->ctx->last_day : t->dct;
			if (anchor == NL_NODAY)
				return 0;
			bool before = cls(t, j + 1) == K_BEFORE;
			if (before && cls(t, j + 2) == K_YESTERDAY && have_dct(t)) {
				v_day(r, t->dct - 2); /* "the day before yesterday" */
				return j + 3;
			}
			if (!before && cls(t, j + 2) == K_TOMORROW && have_dct(t)) {
				v_day(r, t->dct + 2);
				return j + 3;
			}
			/* "the day before authorities issued...": relative to an event */
			if (TK(j + 2)->kind == TK_WORD || TK(j + 2)->kind == TK_NUM)
				return 0;
			if (t->ctx && t->ctx->last_day != NL_NODAY)
				r->flags |= DATES_F_ANAPHOR;
			v_day(r, anchor + (before ? -1 : 1));
			return j + 2;
		}
		/* "the nine months", "the two years": durations */
		{
			double n;
			size_t q = quantity(t, j, &n);
			bool pl;
			if (q && TK(j)->kind == TK_WORD && cls(t, j) != K_A && cls(t, j) != K_AN &&
			    unit_of(t, q, &pl) && pl) {
				v_dur(r, n, unit_of(t, q, &pl));
				return q + 1;
			}
		}
		return 0;
	}
	case K_LAST: case K_THIS: case K_NEXT: case K_PAST: case K_COMING: case K_PREVIOUS:
	case K_FOLLOWING: case K_CURRENT: case K_LATEST: {
		if (k->cls == K_THIS && (cls(t, i + 1) == K_COMING || cls(t, i + 1) == K_PAST) &&
		    (e = m_modified(t, i + 1, r)))
			return e;
		if ((e = m_modified(t, i, r)))
			return e;
		if (k->cls == K_THIS || k->cls == K_LAST || k->cls == K_NEXT) {
			int c = cls(t, i + 1);
			if (c == K_HOLI || c == K_ORDW)
				return m_holiday(t, i + 1, r, k->cls);
		}
		return 0;
	}
	case K_EARLY: case K_LATE: case K_MID: case K_EARLIER: case K_LATER: {
		size_t j = i + 1;
		if (is_punct(t, j, '-') && glued(t, j))
			j++;
		int c = cls(t, j);
		if (k->cls == K_EARLIER || k->cls == K_LATER) {
			/* "earlier this year", "later this month", "earlier that day" */
			if (c == K_THAT && unit_of(t, j + 1, &(bool){ 0 }) == U_DAY && t->ctx &&
			    t->ctx->last_day != NL_NODAY) {
				v_day(r, t->ctx->last_day);
				r->flags |= DATES_F_ANAPHOR;
				return j + 2;
			}
			if (c == K_THIS || c == K_LAST || c == K_NEXT)
				return m_modified(t, j, r);
			if (c == K_TODAY || c == K_YESTERDAY || c == K_TOMORROW)
				return m_relday(t, j, r);
			return 0;
		}
		if (c == K_THIS || c == K_LAST || c == K_NEXT || c == K_MONTH || c == K_MONABBR ||
		    c == K_TODAY || c == K_YESTERDAY || c == K_TOMORROW || c == K_WDAY || c == K_SEASON ||
		    TK(j)->kind == TK_NUM || c == K_THE) {
			if (c == K_THE && (e = m_decade(t, j + 1, r)))
				return e;
			if (c == K_THE)
				return 0;
			if ((e = m_point(t, j, r)))
				return e;
		}
		return 0;
	}
	case K_FISCAL:
		if (year_tok(t, i + 1)) {
			v_year(r, TK(i + 1)->num);
			return i + 2;
		}
		if ((e = m_quarter(t, i + 1, r, 0)))
			return e;
		return 0;
	case K_ORDW:
		if ((e = m_quarter(t, i, r, 0)))
			return e;
		if ((e = m_holiday(t, i, r, 0)))
			return e;
		if (k->num <= 21 && unit_of(t, i + 1, &(bool){ 0 }) == U_CENTURY) {
			v_century(r, k->num - 1);
			return i + 2;
		}
		return 0;
	case K_SEASON:
		return m_season(t, i, r, prep_before(t, i) && !(i > 0 && cls(t, i - 1) == K_TO));
	case K_THAT:
		/* "that day", "that same day": the day last mentioned */
		{
			size_t j = i + 1;
			if (cls(t, j) == K_SAME)
				j++;
			bool pl;
			if (unit_of(t, j, &pl) == U_DAY && !pl && t->ctx && t->ctx->last_day != NL_NODAY) {
				v_day(r, t->ctx->last_day);
				r->flags |= DATES_F_ANAPHOR;
				return j + 1;
			}
			return 0;
		}
	case K_HOLI:
		return m_holiday(t, i, r, 0);
	case K_EVERY: case K_EACH: {
		size_t j = i + 1;
		if (cls(t, j) == K_OTHER)
			j++;
		bool pl;
		if (k->cls == K_EVERY && j == i + 1) {
			/* "every two years", "every 15 minutes" */
			double n;
			size_t q = quantity(t, j, &n);
			int u2;
			if (q && n > 1 && cls(t, j) != K_A && cls(t, j) != K_AN && (u2 = unit_of(t, q, &pl)) && pl) {
				v_dur(r, n, u2);
				r->type = DATE_SET;
				return q + 1;
			}
		}
		int u = unit_of(t, j, &pl);
		if (u && !pl) {
			v_dur(r, j > i + 1 ? 2 : 1, u);
			r->type = DATE_SET;
			return j + 1;
		}
		if (cls(t, j) == K_WDAY && !(TK(j)->kf & KF_PLURAL)) {
			vfmt(r->value, sizeof r->value, "XXXX-WXX-%d", TK(j)->num + 1);
			r->type = DATE_SET;
			r->gran = GRAN_NONE;
			int pod = 0;
			size_t e2 = opt_pod(t, j + 1, &pod);
			if (pod) {
				size_t n = strlen(r->value);
				vfmt(r->value + n, sizeof r->value - n, "T%s", pod_code[pod & 7]);
			}
			return e2;
		}
		if (cls(t, j) == K_POD) {
			vfmt(r->value, sizeof r->value, "XXXX-XX-XXT%s", pod_code[TK(j)->num & 7]);
			r->type = DATE_SET;
			return j + 1;
		}
		if (cls(t, j) == K_MONTH) {
			vfmt(r->value, sizeof r->value, "XXXX-%02d", TK(j)->num % 100);
			r->type = DATE_SET;
			return j + 1;
		}
		return 0;
	}
	case K_SETADV:
		/* "quarterly" is nearly always the earnings adjective */
		if (k->num == U_QUARTER)
			return 0;
		if (k->num < 0)
			vfmt(r->value, sizeof r->value, "XXXX-XX-XXTNI");
		else
			v_dur(r, 1, k->num);
		r->type = DATE_SET;
		r->gran = GRAN_NONE;
		return i + 1;
	case K_RECENT:
		/* "recent months": a vague stretch up to now */
		if (cls(t, i + 1) == K_UNIT && (TK(i + 1)->kf & KF_PLURAL)) {
			int u = TK(i + 1)->num;
			v_dur(r, -1, u == U_QUARTER ? U_MONTH : u);
			return i + 2;
		}
		return 0;
	case K_NUMW: case K_TENS: case K_A: case K_AN: case K_FEW: case K_SEVERAL: case K_MANY:
	case K_SOME: case K_APPROX: case K_MORE: case K_LESS: case K_AT: case K_UP:
	case K_NINETEEN:
		/* "a" or "an" before a word that is no keyword: no spoken year,
		 * and m_quantity finds no unit after the quantity it makes */
		if ((k->cls == K_A || k->cls == K_AN) && cls(t, i + 1) == K_NONE && TK(i + 1)->kind == TK_WORD)
			return 0;
		if ((e = m_spoken_year(t, i, r)))
			return e;
		if ((e = m_quantity(t, i, r)))
			return e;
		if (k->cls == K_AT || k->cls == K_APPROX) {
			/* "at 9 a.m.", "around noon": the time itself is tried next */
			return 0;
		}
		if (k->cls == K_NUMW || k->cls == K_A)
			return 0;
		return 0;
	case K_HALF:
		/* "half an hour", "half a day", "half-hour" */
		{
			size_t j = i + 1;
			if (is_punct(t, j, '-') && glued(t, j))
				j++;
			else if (cls(t, j) == K_A || cls(t, j) == K_AN)
				j++;
			bool pl;
			int u = unit_of(t, j, &pl);
			if (u && !pl) {
				v_dur(r, 0.5, u);
				if (u == U_HOUR)
					vfmt(r->value, sizeof r->value, "PT30M");
				else if (u == U_YEAR)
					vfmt(r->value, sizeof r->value, "P6M");
				return j + 1;
			}
			return 0;
		}
	case K_POD:
		if (k->num == POD_NOON || k->num == POD_MIDNIGHT) {
			int32_t day = have_dct(t) ? t->dct : NL_NODAY;
			size_t e2 = day_after(t, i + 1, &day);
			v_clock(t, r, day, k->num == POD_NOON ? 12 : 24, 0);
			r->gran = GRAN_PARTOFDAY;
			return e2 ? e2 : i + 1;
		}
		return 0;
	case K_UNIT:
		/* "decades-long", "day-long" */
		if (is_punct(t, i + 1, '-') && glued(t, i + 1) && glued(t, i + 2) && TK(i + 2)->kind == TK_WORD &&
		    word_is(t, i + 2, "long") &&
		    k->num >= U_HOUR) {
			v_dur(r, (k->kf & KF_PLURAL) ? -1 : 1, k->num);
			return i + 3;
		}
		/* "for years", "for decades" */
		if ((k->kf & KF_PLURAL) && i > 0 && cls(t, i - 1) == K_FOR && k->num >= U_DAY &&
		    cls(t, i + 1) != K_OF && TK(i + 1)->kind != TK_NUM) {
			v_dur(r, -1, k->num);
			return i + 1;
		}
		/* "year-earlier", "year-ago": the same period a year before */
		if ((e = year_ago_adj(t, i)) && have_dct(t))
			return year_ago_period(t, e, r);
		return 0;
	default:
		break;
	}
	if (k->kind == TK_WORD && k->e - k->s == 1)
		return m_quarter(t, i, r, 0);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Driver                                                                    */
/* ------------------------------------------------------------------------ */

size_t dates_tag(struct dates_tagger *t, const char *text, size_t len, int32_t dct,
		 struct dates_ctx *ctx, const struct date_mention **out)
{
	if (len > DATES_MAX_TEXT)
		len = DATES_MAX_TEXT;
	t->nment = 0;
	t->text = text;
	t->dct = dct;
	t->ctx = ctx;
	if (dct != NL_NODAY) {
		/* the sentences of an article share its day: convert it once */
		if (dct != t->ymd_day) {
			day_to_ymd(dct, &t->dy, &t->dm, &t->dd);
			if (t->dy >= 2 && t->dy <= 9998)
				t->dwd = day_weekday(dct);
			t->ymd_day = dct;
		}
		if (t->dy < 2 || t->dy > 9998)
			t->dct = NL_NODAY;
	}
	scan(t, (const unsigned char *)text, len);
	/* only the tokens flagged TF_START are tried, from scan's list of them
	 * (nothing starts at the others: match_at would say so, after work);
	 * those inside an expression found (before next) are passed over */
	size_t next = 0;
	for (size_t j = 0; j < t->nstart; j++) {
		size_t i = tok_index(t->tok, t->start[j]);
		if (i < next)
			continue;
		/* "the", "a" or "an" before a word that is no keyword (most of
		 * them, some 40% of the starters): match_at turns them down, but
		 * after its dispatch on the class (see its K_THE and K_A cases) */
		_Static_assert(K_AN == K_A + 1 && K_THE == K_A + 2, "the articles' classes are adjacent");
		if ((unsigned)(TK(i)->cls - K_A) <= K_THE - K_A && TK(i + 1)->cls == K_NONE &&
		    TK(i + 1)->kind == TK_WORD)
			continue;
		struct res r;
		r.type = DATE_DATE;
		r.gran = GRAN_NONE;
		r.flags = 0;
		r.day = NL_NODAY;
		r.value[0] = 0;
		size_t e = match_at(t, i, &r);
		if (!e || e <= i || !r.value[0])
			continue;
		if (e > t->ntok)
			e = t->ntok;
		if (cls(t, e) == K_OR && cls(t, e + 1) == K_SO) /* "a week or so" */
			e += 2;
		if (t->nment == t->mentcap)
			t->ment = xgrow(t->ment, &t->mentcap, t->nment + 1, sizeof *t->ment);
		struct date_mention *m = &t->ment[t->nment++];
		m->start = TK(i)->s;
		m->end = TK(e - 1)->e;
		m->type = r.type;
		m->gran = r.gran;
		m->flags = r.flags & (uint8_t)~RF_GUESSED_YEAR;
		m->day = (r.gran >= GRAN_DAY && (r.flags & DATES_F_RESOLVED)) ? r.day : NL_NODAY;
		memcpy(m->value, r.value, sizeof m->value);
		m->value[sizeof m->value - 1] = 0;
		if (ctx && !(r.flags & DATES_F_ANAPHOR) && (r.flags & DATES_F_RESOLVED) &&
		    r.type != DATE_DURATION && r.type != DATE_SET) {
			if (m->day != NL_NODAY)
				ctx->last_day = m->day;
			ctx->last_gran = r.gran;
			memcpy(ctx->last_value, r.value, sizeof ctx->last_value);
		}
		next = e;
	}
	*out = t->ment;
	return t->nment;
}
