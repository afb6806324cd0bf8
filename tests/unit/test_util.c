/* test_util.c — buffers, varints, day numbers. */
#include "testutil.h"
#include "util/buf.h"
#include "util/day.h"

Test(buf, cap_is_enforced)
{
	struct buf b;
	buf_init(&b, 8);
	cr_assert_eq(buf_put(&b, "12345678", 8), NL_OK);
	cr_assert_eq(buf_put(&b, "9", 1), NL_ETOOBIG);
	cr_assert_eq(b.n, 8);
	cr_assert_str_eq(b.p, "12345678");
	buf_release(&b);
}

Test(varint, roundtrip_and_truncation)
{
	uint64_t vals[] = { 0, 1, 127, 128, 300, 1u << 31, UINT64_MAX };
	for (size_t i = 0; i < NL_ARRAY_LEN(vals); i++) {
		unsigned char t[10];
		size_t n = varint_put(t, vals[i]);
		const unsigned char *p = t;
		uint64_t v;
		cr_assert(varint_get(&p, t + n, &v));
		cr_assert_eq(v, vals[i]);
		cr_assert_eq(p, t + n);
		if (n > 1) {
			p = t;
			cr_assert(!varint_get(&p, t + n - 1, &v), "truncated varint must fail");
		}
	}
}

Test(day, conversions)
{
	cr_assert_eq(day_from_ymd(1970, 1, 1), 0);
	cr_assert_eq(day_from_ymd(2000, 3, 1), 11017);
	int32_t d = day_from_ymd(2022, 1, 18);
	cr_assert_eq(day_weekday(d), 1, "2022-01-18 is a Tuesday");
	char s[11];
	day_format(d, s);
	cr_assert_str_eq(s, "2022-01-18");
	for (int32_t x = -800000; x < 800000; x += 37) {
		int y, m, dd;
		day_to_ymd(x, &y, &m, &dd);
		cr_assert_eq(day_from_ymd(y, m, dd), x);
	}
	int iy, w;
	day_iso_week(day_from_ymd(2022, 1, 12), &iy, &w);
	cr_assert_eq(iy, 2022);
	cr_assert_eq(w, 2);
	day_iso_week(day_from_ymd(2021, 1, 3), &iy, &w);
	cr_assert_eq(iy, 2020);
	cr_assert_eq(w, 53);
}

Test(day, parse_rejects_impossible)
{
	cr_assert_eq(day_parse("2022-01-18", 10), day_from_ymd(2022, 1, 18));
	cr_assert_eq(day_parse("20220118", 8), day_from_ymd(2022, 1, 18));
	cr_assert_eq(day_parse("2011-04-0", 9), NL_NODAY);
	cr_assert_eq(day_parse("20221345", 8), NL_NODAY);
	cr_assert_eq(day_parse("2021-02-29", 10), NL_NODAY);
	cr_assert_eq(day_parse("2020-02-29", 10), day_from_ymd(2020, 2, 29));
}
