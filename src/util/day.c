/*
 * day.c — civil date <-> day number conversion.
 *
 * Uses the era-based method (400-year cycles of 146097 days) so that the
 * conversion is exact for every proleptic Gregorian date without tables.
 */
#include "util/day.h"


static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int day_days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

bool day_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= day_days_in_month(y, m);
}

int32_t day_from_ymd(int y, int m, int d)
{
	/* shift the year to start in March so the leap day is last */
	int yy = m <= 2 ? y - 1 : y;
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;                           /* [0, 399] */
	int mp = (m + 9) % 12;                              /* March = 0 */
	int doy = (153 * mp + 2) / 5 + d - 1;               /* [0, 365] */
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;    /* [0, 146096] */
	return (int32_t)(era * 146097 + doe - 719468);
}

void day_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int day_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (3) */
	int w = (int)((day % 7 + 7) % 7);
	return (w + 3) % 7;
}

void day_iso_week(int32_t day, int *iso_year, int *week)
{
	int wd = day_weekday(day);
	int32_t thursday = day - wd + 3; /* the Thursday of this ISO week decides the year */
	int y, m, d;
	day_to_ymd(thursday, &y, &m, &d);
	*iso_year = y;
	*week = (int)((thursday - day_from_ymd(y, 1, 1)) / 7 + 1);
}

void day_format(int32_t day, char out[11])
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	unsigned uy = (unsigned)y % 10000, um = (unsigned)m % 100, ud = (unsigned)d % 100;
	out[0] = (char)('0' + uy / 1000); out[1] = (char)('0' + uy / 100 % 10);
	out[2] = (char)('0' + uy / 10 % 10); out[3] = (char)('0' + uy % 10);
	out[4] = '-';
	out[5] = (char)('0' + um / 10); out[6] = (char)('0' + um % 10);
	out[7] = '-';
	out[8] = (char)('0' + ud / 10); out[9] = (char)('0' + ud % 10);
	out[10] = 0;
}

static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int32_t day_parse(const char *s, size_t len)
{
	int y, m, d;
	if (len == 10 && s[4] == '-' && s[7] == '-') {
		y = digits(s, 4); m = digits(s + 5, 2); d = digits(s + 8, 2);
	} else if (len == 8) {
		y = digits(s, 4); m = digits(s + 4, 2); d = digits(s + 6, 2);
	} else {
		return NL_NODAY;
	}
	if (y < 0 || m < 0 || d < 0 || !day_valid(y, m, d))
		return NL_NODAY;
	return day_from_ymd(y, m, d);
}
