/*
 * day.h — calendar days as integers.
 *
 * A day is an int32 count of days since 1970-01-01 (proleptic Gregorian), so
 * date arithmetic is integer arithmetic. NL_NODAY marks "undated".
 */
#ifndef NL_DAY_H
#define NL_DAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define NL_NODAY INT32_MIN

/* Days since 1970-01-01 of a valid y-m-d; the caller validates with day_valid. */
int32_t day_from_ymd(int y, int m, int d);
void day_to_ymd(int32_t day, int *y, int *m, int *d);
bool day_valid(int y, int m, int d);          /* year 1..9999, real month/day */
int day_days_in_month(int y, int m);
int day_weekday(int32_t day);                 /* 0 = Monday ... 6 = Sunday */
/* ISO 8601 week: stores ISO year and week number (1..53). */
void day_iso_week(int32_t day, int *iso_year, int *week);
/* Write "YYYY-MM-DD" (11 bytes with NUL) into out. */
void day_format(int32_t day, char out[11]);
/* Parse "YYYY-MM-DD" or "YYYYMMDD" exactly (len bytes). Returns NL_NODAY when
 * malformed or impossible (e.g. 2011-04-0, 20221345). */
int32_t day_parse(const char *s, size_t len);

#endif
