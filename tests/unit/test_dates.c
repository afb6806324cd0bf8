/* test_dates.c — the date-reference tagger: the seed article, one test per
 * coverage item of issue 4, and the negative cases. */
#include "testutil.h"
#include "dates/dates.h"
#include "util/day.h"

static struct dates_tagger *tg;

static void setup(void)
{
	tg = dates_new();
}

static void teardown(void)
{
	dates_free(tg);
}

TestSuite(dates, .init = setup, .fini = teardown);

static int32_t D(const char *s)
{
	return day_parse(s, strlen(s));
}

/* Tag text with DCT dct (YYYY-MM-DD) and return the mention whose text is
 * exactly `span`, or NULL. */
static const struct date_mention *find(const char *text, const char *dct, struct dates_ctx *ctx,
				       const char *span)
{
	const struct date_mention *m;
	size_t n = dates_tag(tg, text, strlen(text), dct ? D(dct) : NL_NODAY, ctx, &m);
	for (size_t i = 0; i < n; i++)
		if (m[i].end - m[i].start == strlen(span) && !memcmp(text + m[i].start, span, strlen(span)))
			return &m[i];
	return NULL;
}

static size_t count(const char *text, const char *dct)
{
	const struct date_mention *m;
	return dates_tag(tg, text, strlen(text), dct ? D(dct) : NL_NODAY, NULL, &m);
}

#define EXPECT(text, dct, span, type_, value_)                                                    \
	do {                                                                                       \
		const struct date_mention *m_ = find(text, dct, NULL, span);                       \
		cr_assert(m_ != NULL, "no mention '%s' in '%s'", span, text);                      \
		cr_expect_str_eq(m_->value, value_, "'%s' in '%s'", span, text);                   \
		cr_expect_eq(m_->type, type_, "type of '%s' in '%s'", span, text);                 \
	} while (0)

#define NONE(text, dct) cr_expect_eq(count(text, dct), 0, "unexpected mention in '%s'", text)

/* ---- the seed article ------------------------------------------------------ */

Test(dates, seed_article)
{
	char path[512];
	snprintf(path, sizeof path, "%s/examples/seed-article.txt", shared_dir());
	size_t len;
	char *doc = slurp(path, &len);
	cr_assert(doc, "cannot read %s", path);
	struct {
		const char *needle, *span, *value;
		int type;
	} want[] = {
		{ "will travel to Kyiv on Wednesday", "Wednesday", "2022-01-19", DATE_DATE },
		{ "in Geneva on Friday.", "Friday", "2022-01-21", DATE_DATE },
		{ "visited Kyiv last Wednesday", "last Wednesday", "2022-01-12", DATE_DATE },
		{ "Europe last week", "last week", "2022-W02", DATE_DATE },
		{ "Russia in 2014 seized", "2014", "2014", DATE_DATE },
		{ "nearly eight years of", "nearly eight years", "P8Y", DATE_DURATION },
	};
	const struct date_mention *m;
	struct dates_ctx ctx;
	dates_ctx_init(&ctx);
	/* tag every paragraph (line) as the indexer does and look the spans up */
	for (size_t w = 0; w < NL_ARRAY_LEN(want); w++) {
		const char *at = strstr(doc, want[w].needle);
		cr_assert(at, "seed article lacks '%s'", want[w].needle);
		const char *ls = at;
		while (ls > doc && ls[-1] != '\n')
			ls--;
		const char *le = strchr(at, '\n');
		if (!le)
			le = doc + len;
		size_t n = dates_tag(tg, ls, (size_t)(le - ls), D("2022-01-18"), &ctx, &m);
		size_t off = (size_t)(strstr(at, want[w].span) - ls);
		bool found = false;
		for (size_t i = 0; i < n; i++) {
			if (m[i].start == off && m[i].end == off + strlen(want[w].span)) {
				found = true;
				cr_expect_str_eq(m[i].value, want[w].value, "'%s'", want[w].needle);
				cr_expect_eq(m[i].type, want[w].type, "type of '%s'", want[w].needle);
				if (m[i].gran == GRAN_DAY)
					cr_expect_eq(m[i].day, D(want[w].value));
			}
		}
		cr_expect(found, "'%s' not tagged as '%s'", want[w].needle, want[w].span);
	}
	free(doc);
}

/* ---- explicit dates ---------------------------------------------------------- */

Test(dates, explicit_forms)
{
	EXPECT("It happened on January 18, 2022 in Kyiv.", "2023-05-01", "January 18, 2022", DATE_DATE, "2022-01-18");
	EXPECT("It happened on 18 Jan 2022 in Kyiv.", "2023-05-01", "18 Jan 2022", DATE_DATE, "2022-01-18");
	EXPECT("Filed 2022-01-18 by the agency.", "2023-05-01", "2022-01-18", DATE_DATE, "2022-01-18");
	EXPECT("Filed 1/18/2022 by the agency.", "2023-05-01", "1/18/2022", DATE_DATE, "2022-01-18");
	EXPECT("The deal closed Jan. 18 after talks.", "2022-03-01", "Jan. 18", DATE_DATE, "2022-01-18");
	EXPECT("on the 18th of January 2022", "2023-05-01", "18th of January 2022", DATE_DATE, "2022-01-18");
	EXPECT("Monday, Oct. 26, 1998 was the day", "1998-11-01", "Monday, Oct. 26, 1998", DATE_DATE, "1998-10-26");
	/* the weekday picks the year when the text gives none */
	EXPECT("the match on saturday , 19 november was won", "2017-11-20", "saturday , 19 november", DATE_DATE, "2016-11-19");
	EXPECT("They met on Friday 23 October.", "2015-11-02", "Friday 23 October", DATE_DATE, "2015-10-23");
	const struct date_mention *m = find("Filed 2022-01-18.", "2023-05-01", NULL, "2022-01-18");
	cr_assert(m);
	cr_expect_eq(m->day, D("2022-01-18"));
	cr_expect_eq(m->gran, GRAN_DAY);
}

Test(dates, month_day_year_by_tense)
{
	/* past tense and a month after the DCT month: last year */
	EXPECT("Prices fell on Dec. 15.", "1998-01-08", "Dec. 15", DATE_DATE, "1997-12-15");
	/* future tense and a month before the DCT month: next year */
	EXPECT("The plant will open on March 3.", "2021-11-20", "March 3", DATE_DATE, "2022-03-03");
	/* future tense, month later this year */
	EXPECT("Voting will take place on June 5.", "2021-03-01", "June 5", DATE_DATE, "2021-06-05");
	/* past tense, month earlier this year */
	EXPECT("He resigned on June 5.", "2021-09-01", "June 5", DATE_DATE, "2021-06-05");
	/* no tense cue: the nearest */
	EXPECT("Profit in October rose.", "1998-01-08", "October", DATE_DATE, "1997-10");
}

/* ---- weekdays ------------------------------------------------------------------ */

Test(dates, weekdays)
{
	/* DCT Tuesday 2022-01-18 */
	EXPECT("He will visit on Friday.", "2022-01-18", "Friday", DATE_DATE, "2022-01-21");
	EXPECT("He visited on Friday.", "2022-01-18", "Friday", DATE_DATE, "2022-01-14");
	EXPECT("He said Tuesday that", "2022-01-18", "Tuesday", DATE_DATE, "2022-01-18");
	EXPECT("They met last Monday.", "2022-01-18", "last Monday", DATE_DATE, "2022-01-17");
	EXPECT("They meet next Monday.", "2022-01-18", "next Monday", DATE_DATE, "2022-01-24");
	EXPECT("They meet this coming Friday.", "2022-01-18", "this coming Friday", DATE_DATE, "2022-01-21");
	EXPECT("It rained the past Sunday.", "2022-01-18", "the past Sunday", DATE_DATE, "2022-01-16");
	EXPECT("He is going to sign it Thursday.", "2022-01-18", "Thursday", DATE_DATE, "2022-01-20");
	EXPECT("They'll decide Thursday.", "2022-01-18", "Thursday", DATE_DATE, "2022-01-20");
	/* "will be held": the participle takes the auxiliary's tense */
	EXPECT("The election will be held on May 5.", "2022-01-18", "May 5", DATE_DATE, "2022-05-05");
	/* the cue of the clause, not of the next one */
	EXPECT("He will fly to Kyiv on Wednesday and met Burns last week.", "2022-01-18", "Wednesday", DATE_DATE, "2022-01-19");
	/* a reporting verb right next to the day decides; farther away it does not */
	EXPECT("The White House said Friday that officials had concluded", "2022-01-18", "Friday", DATE_DATE, "2022-01-14");
	EXPECT("The ministry said the envoy will arrive in Geneva on Friday.", "2022-01-18", "Friday", DATE_DATE, "2022-01-21");
	/* a deadline looks ahead */
	EXPECT("They said it must be done by Friday.", "2022-01-18", "Friday", DATE_DATE, "2022-01-21");
}

/* ---- relative days and parts of day ----------------------------------------------- */

Test(dates, today_yesterday_tomorrow)
{
	EXPECT("Stocks fell today.", "2022-01-18", "today", DATE_DATE, "2022-01-18");
	EXPECT("Stocks fell yesterday.", "2022-01-18", "yesterday", DATE_DATE, "2022-01-17");
	EXPECT("Stocks may fall tomorrow.", "2022-01-18", "tomorrow", DATE_DATE, "2022-01-19");
}

Test(dates, tonight_and_parts_of_day)
{
	EXPECT("The vote is tonight.", "2022-01-18", "tonight", DATE_TIME, "2022-01-18TNI");
	EXPECT("He spoke this morning.", "2022-01-18", "this morning", DATE_TIME, "2022-01-18TMO");
	EXPECT("He spoke yesterday afternoon.", "2022-01-18", "yesterday afternoon", DATE_TIME, "2022-01-17TAF");
	EXPECT("The blast came last night.", "2022-01-18", "last night", DATE_TIME, "2022-01-17TNI");
	EXPECT("They talked Monday evening.", "2022-01-18", "Monday evening", DATE_TIME, "2022-01-17TEV");
	EXPECT("It opens at 10:35 a.m. today", "2022-01-18", "10:35 a.m. today", DATE_TIME, "2022-01-18T10:35");
	EXPECT("we 'll be back to do it again tomorrow at 08:00 .", "2017-11-20", "08:00", DATE_TIME, "2017-11-21T08:00");
	EXPECT("the rain will stop this evening .", "2017-11-20", "this evening", DATE_TIME, "2017-11-20TEV");
	EXPECT("It hit at 3 p.m. local time on Sunday.", "2022-01-18", "3 p.m. local time on Sunday", DATE_TIME, "2022-01-16T15:00");
	EXPECT("Meet at 10am on 12/03/2021.", "2022-01-18", "10am on 12/03/2021", DATE_TIME, "2021-12-03T10:00");
	EXPECT("Bids close at 5 p.m. EST, Nov. 6.", "1989-10-30", "5 p.m. EST, Nov. 6", DATE_TIME, "1989-11-06T17:00");
}

Test(dates, units_ago_later)
{
	EXPECT("It began three days ago.", "2022-01-18", "three days ago", DATE_DATE, "2022-01-15");
	EXPECT("It began two weeks ago.", "2022-01-18", "two weeks ago", DATE_DATE, "2022-W01");
	EXPECT("It began 5 months ago.", "2022-01-18", "5 months ago", DATE_DATE, "2021-08");
	EXPECT("It began a year ago.", "2022-01-18", "a year ago", DATE_DATE, "2021");
	EXPECT("It was signed 48 hours ago.", "2022-01-18", "48 hours ago", DATE_DATE, "2022-01-16");
	EXPECT("It will end two years from now.", "2022-01-18", "two years from now", DATE_DATE, "2024");
	/* anaphoric: against the last day mentioned */
	struct dates_ctx ctx;
	dates_ctx_init(&ctx);
	const char *a = "The talks began on March 3, 2021.";
	cr_assert(find(a, "2022-01-18", &ctx, "March 3, 2021"));
	cr_expect_eq(ctx.last_day, D("2021-03-03"));
	const struct date_mention *m = find("Two days later, they collapsed.", "2022-01-18", &ctx, "Two days later");
	cr_assert(m);
	cr_expect_str_eq(m->value, "2021-03-05");
	cr_expect(m->flags & DATES_F_ANAPHOR);
	m = find("A week earlier, they had met.", "2022-01-18", &ctx, "A week earlier");
	cr_assert(m);
	cr_expect_str_eq(m->value, "2021-W08"); /* 2021-02-24 */
	dates_ctx_init(&ctx);
	cr_assert(find("The plant opened in March 1987.", "2022-01-18", &ctx, "March 1987"));
	m = find("The following month it closed.", "2022-01-18", &ctx, "The following month");
	cr_assert(m);
	cr_expect_str_eq(m->value, "1987-04");
}

Test(dates, the_day_before_after)
{
	struct dates_ctx ctx;
	dates_ctx_init(&ctx);
	cr_assert(find("The summit opened on June 4, 2019.", NULL, &ctx, "June 4, 2019"));
	const struct date_mention *m = find("The day before, protesters gathered.", NULL, &ctx, "The day before");
	cr_assert(m);
	cr_expect_str_eq(m->value, "2019-06-03");
	m = find("The day after, it rained.", NULL, &ctx, "The day after");
	cr_assert(m);
	cr_expect_str_eq(m->value, "2019-06-05");
	m = find("The following day, they left.", NULL, &ctx, "The following day");
	cr_assert(m);
	cr_expect_str_eq(m->value, "2019-06-05");
	m = find("They signed it that same day.", NULL, &ctx, "same day");
	if (!m)
		m = find("They signed it that same day.", NULL, &ctx, "that same day");
	cr_assert(m);
	cr_expect_str_eq(m->value, "2019-06-04");
}

Test(dates, last_this_next_units)
{
	EXPECT("Sales rose last week.", "2022-01-18", "last week", DATE_DATE, "2022-W02");
	EXPECT("Sales rise this week.", "2022-01-18", "this week", DATE_DATE, "2022-W03");
	EXPECT("Sales rise next week.", "2022-01-18", "next week", DATE_DATE, "2022-W04");
	EXPECT("Sales rose last month.", "2022-01-18", "last month", DATE_DATE, "2021-12");
	EXPECT("Sales rise this month.", "2022-01-18", "this month", DATE_DATE, "2022-01");
	EXPECT("Sales rise next month.", "2022-01-18", "next month", DATE_DATE, "2022-02");
	EXPECT("Sales rose last year.", "2022-01-18", "last year", DATE_DATE, "2021");
	EXPECT("Sales rise this year.", "2022-01-18", "this year", DATE_DATE, "2022");
	EXPECT("Sales rise next year.", "2022-01-18", "next year", DATE_DATE, "2023");
	EXPECT("It opened last spring.", "2022-01-18", "last spring", DATE_DATE, "2021-SP");
	EXPECT("It opens next summer.", "2022-01-18", "next summer", DATE_DATE, "2022-SU");
	EXPECT("It was built last decade.", "2022-01-18", "last decade", DATE_DATE, "201");
	EXPECT("Sales rose earlier this year.", "2022-05-18", "earlier this year", DATE_DATE, "2022");
	EXPECT("It will cut jobs by the end of the year.", "2022-05-18", "the end of the year", DATE_DATE, "2022");
}

Test(dates, months_and_years_alone)
{
	EXPECT("It happened in March.", "2022-06-18", "March", DATE_DATE, "2022-03");
	EXPECT("Russia in 2014 seized Crimea.", "2022-01-18", "2014", DATE_DATE, "2014");
	EXPECT("It was founded in 1066.", "2022-01-18", "1066", DATE_DATE, "1066");
	EXPECT("It happened in January 2020.", "2022-01-18", "January 2020", DATE_DATE, "2020-01");
	EXPECT("It happened last March.", "2022-06-18", "last March", DATE_DATE, "2022-03");
	EXPECT("It happened last March.", "2022-02-18", "last March", DATE_DATE, "2021-03");
	EXPECT("He was shot last Oct. 23 at home.", "1999-04-19", "last Oct. 23", DATE_DATE, "1998-10-23");
	EXPECT("The carrier has been on patrol since March.", "1990-08-13", "March", DATE_DATE, "1990-03");
	/* "vs." does not end the sentence, so "killed" is the cue */
	EXPECT("In January, a week after Roe vs. Wade, a bombing killed a guard.", "1998-10-25", "January", DATE_DATE, "1998-01");
}

Test(dates, decades_centuries)
{
	EXPECT("Built in the 1990s.", "2022-01-18", "1990s", DATE_DATE, "199");
	EXPECT("Popular in the '80s.", "2022-01-18", "'80s", DATE_DATE, "198");
	EXPECT("Since the early 1970s prices", "2022-01-18", "the early 1970s", DATE_DATE, "197");
	EXPECT("Art of the 20th century", "2022-01-18", "20th century", DATE_DATE, "19");
}

Test(dates, seasons)
{
	EXPECT("It opens in the spring.", "2022-01-18", "spring", DATE_DATE, "2022-SP");
	EXPECT("It opened in the summer of 1994.", "2022-01-18", "summer of 1994", DATE_DATE, "1994-SU");
	EXPECT("It opened this fall.", "2022-10-18", "this fall", DATE_DATE, "2022-FA");
}

Test(dates, quarters)
{
	EXPECT("Profit rose in the third quarter.", "1989-10-25", "the third quarter", DATE_DATE, "1989-Q3");
	EXPECT("Third-quarter profit rose.", "1989-10-25", "Third-quarter", DATE_DATE, "1989-Q3");
	EXPECT("in the first quarter of 2021", "2022-01-18", "the first quarter of 2021", DATE_DATE, "2021-Q1");
	EXPECT("Sales in Q2 2020 fell", "2022-01-18", "Q2 2020", DATE_DATE, "2020-Q2");
	EXPECT("Profit rose in fiscal 1989.", "1989-10-25", "fiscal 1989", DATE_DATE, "1989");
	EXPECT("Sales fell in the first half.", "1989-10-25", "the first half", DATE_DATE, "1989-H1");
}

Test(dates, holidays)
{
	EXPECT("Shops close on Christmas Day.", "2021-12-01", "Christmas Day", DATE_DATE, "2021-12-25");
	EXPECT("Crowds gathered on New Year's Eve.", "2022-01-03", "New Year's Eve", DATE_DATE, "2021-12-31");
	EXPECT("Parades on Independence Day", "2021-06-20", "Independence Day", DATE_DATE, "2021-07-04");
	EXPECT("Sales fell after Thanksgiving.", "2021-12-01", "Thanksgiving", DATE_DATE, "2021-11-25");
	EXPECT("Fireworks on the Fourth of July", "2021-06-20", "Fourth of July", DATE_DATE, "2021-07-04");
}

Test(dates, durations)
{
	EXPECT("They fought for three weeks.", "2022-01-18", "three weeks", DATE_DURATION, "P3W");
	EXPECT("in nearly eight years of war", "2022-01-18", "nearly eight years", DATE_DURATION, "P8Y");
	EXPECT("a five-year plan", "2022-01-18", "five-year", DATE_DURATION, "P5Y");
	EXPECT("prices over the past two months", "2022-01-18", "the past two months", DATE_DURATION, "P2M");
	EXPECT("talks lasted 16 hours", "2022-01-18", "16 hours", DATE_DURATION, "PT16H");
	EXPECT("It took 2 1/2 years to build", "2022-01-18", "2 1/2 years", DATE_DURATION, "P2Y6M");
	EXPECT("He ran it in 24.69 seconds", "2022-01-18", "24.69 seconds", DATE_DURATION, "PT24.69S");
	EXPECT("It took a minute and a half", "2022-01-18", "a minute and a half", DATE_DURATION, "PT1M30S");
	EXPECT("It left a week or so ago.", "2022-01-18", "a week or so ago", DATE_DATE, "2022-W02");
	EXPECT("the first nine months", "2022-01-18", "the first nine months", DATE_DURATION, "P9M");
	EXPECT("He waited half an hour.", "2022-01-18", "half an hour", DATE_DURATION, "PT30M");
	EXPECT("They waited for years.", "2022-01-18", "years", DATE_DURATION, "PXY");
	EXPECT("in the coming weeks", "2022-01-18", "the coming weeks", DATE_DURATION, "PXW");
	EXPECT("a decades-long feud", "2022-01-18", "decades-long", DATE_DURATION, "PXY");
	EXPECT("talks lasting two to three weeks", "2022-01-18", "two to three weeks", DATE_DURATION, "P2W");
}

Test(dates, sets)
{
	EXPECT("The club meets every Monday.", "2022-01-18", "every Monday", DATE_SET, "XXXX-WXX-1");
	EXPECT("He runs every day.", "2022-01-18", "every day", DATE_SET, "P1D");
	EXPECT("The summit, held every two years, opens", "2022-01-18", "every two years", DATE_SET, "P2Y");
	EXPECT("Flights leave on Tuesday nights.", "2022-01-18", "Tuesday nights", DATE_SET, "XXXX-WXX-2TNI");
	EXPECT("The shop shuts on Sundays.", "2022-01-18", "Sundays", DATE_SET, "XXXX-WXX-7");
	EXPECT("The paper is published daily.", "2022-01-18", "daily", DATE_SET, "P1D");
	EXPECT("It is audited annually.", "2022-01-18", "annually", DATE_SET, "P1Y");
}

Test(dates, refs)
{
	EXPECT("Prices are now lower.", "2022-01-18", "now", DATE_DATE, "PRESENT_REF");
	EXPECT("He recently resigned.", "2022-01-18", "recently", DATE_DATE, "PAST_REF");
	EXPECT("in the future we will", "2022-01-18", "the future", DATE_DATE, "FUTURE_REF");
}

Test(dates, no_dct_leaves_x)
{
	EXPECT("He visited on Friday.", NULL, "Friday", DATE_DATE, "XXXX-WXX-5");
	EXPECT("It happened on March 3.", NULL, "March 3", DATE_DATE, "XXXX-03-03");
	EXPECT("It happened on March 3, 2001.", NULL, "March 3, 2001", DATE_DATE, "2001-03-03");
}

/* ---- negatives ---------------------------------------------------------------------- */

Test(dates, negative_march_verb)
{
	NONE("Thousands march through the capital.", "2022-01-18");
	NONE("Protesters will March on the capital.", "2022-01-18");
}

Test(dates, negative_may_modal)
{
	NONE("Prices may rise again.", "2022-01-18");
	NONE("May I ask a question?", "2022-01-18");
	NONE("Theresa May resigned as leader.", "2022-01-18");
}

Test(dates, negative_counts_scores_phones)
{
	NONE("More than 2,014 people were killed.", "2022-01-18");
	NONE("A 4-2 win for the home side.", "2022-01-18");
	NONE("Call 555-1234 or (212) 555-2014 for help", "2022-01-18");
	NONE("Call 202-555-2014 for details.", "2022-01-18");
	NONE("He told Fox 5 about it.", "2022-01-18");
	NONE("a joint venture called Orion 1980, making parts", "2022-01-18");
	NONE("It costs $2014 per unit.", "2022-01-18");
	NONE("Some 2000 people attended.", "2022-01-18");
	NONE("The score was 3.5 percent.", "2022-01-18");
	cr_expect_eq(count("19 JANUARY , 2200 GMT , PORT-AU-PRINCE", "2010-01-20"), 1, "military time is not a year");
}

Test(dates, negative_misc)
{
	NONE("He came second in the race.", "2022-01-18");
	NONE("a second time", "2022-01-18");
	NONE("The spring water was cold.", "2022-01-18");
	NONE("Stocks fall as oil prices rise.", "2022-01-18");
	NONE("a five-year-old boy", "2022-01-18");
	NONE("about three-quarters of the vote", "2022-01-18");
	NONE("more than a quarter of the market", "2022-01-18");
	NONE("up from four flights a week", "2022-01-18");
}

/* ---- contract ---------------------------------------------------------------------- */

Test(dates, offsets_sorted_and_in_bounds)
{
	const char *t = "On Jan. 5, 2021 and again last week, then two days later, every Monday.";
	const struct date_mention *m;
	size_t n = dates_tag(tg, t, strlen(t), D("2021-03-01"), NULL, &m);
	cr_assert(n >= 4);
	for (size_t i = 0; i < n; i++) {
		cr_expect(m[i].start < m[i].end);
		cr_expect(m[i].end <= strlen(t));
		if (i)
			cr_expect(m[i - 1].end <= m[i].start);
	}
}

Test(dates, lowercase_text)
{
	/* the live-blog corpus is lower-cased */
	EXPECT("the minister said on monday that", "2014-07-09", "monday", DATE_DATE, "2014-07-07");
	EXPECT("talks in january were", "2014-07-09", "january", DATE_DATE, "2014-01");
	EXPECT("the vote is on 5 may .", "2018-04-20", "5 may", DATE_DATE, "2018-05-05");
	EXPECT("it happened on monday 17 march 2014 , police said .", "2017-11-20", "monday 17 march 2014", DATE_DATE, "2014-03-17");
	EXPECT("the match kicks off at 3pm on saturday 25 november .", "2017-11-20", "3pm on saturday 25 november", DATE_TIME, "2017-11-25T15:00");
	NONE("you may want to check back later .", "2017-11-20");
	NONE("the minister will march with protesters .", "2017-11-20");
}

/* What the scanner leaves to the matchers to read from the text (a word's
 * case, an -ed ending) and the starters it lists (an apostrophe before a
 * digit, the words Q and H). */
Test(dates, scan_rules)
{
	/* "signed" (-ed, no keyword) makes the sentence past, "will" future */
	EXPECT("They signed the deal on Friday.", "2022-01-19", "Friday", DATE_DATE, "2022-01-14");
	EXPECT("They will sign the deal on Friday.", "2022-01-19", "Friday", DATE_DATE, "2022-01-21");
	/* a capitalised unit after a number is a title, unless all capitals */
	cr_expect_null(find("He watched 60 Minutes on Sunday.", "2022-01-19", NULL, "60 Minutes"));
	EXPECT("It took 60 MINUTES to finish.", "2022-01-19", "60 MINUTES", DATE_DURATION, "PT60M");
	EXPECT("It took 60 minutes to finish.", "2022-01-19", "60 minutes", DATE_DURATION, "PT60M");
	EXPECT("In the '90s it grew.", "2022-01-19", "'90s", DATE_DATE, "199");
	EXPECT("In the \xe2\x80\x99" "90s it grew.", "2022-01-19", "\xe2\x80\x99" "90s", DATE_DATE, "199");
	EXPECT("Sales in Q3 2019 rose.", "2022-01-19", "Q3 2019", DATE_DATE, "2019-Q3");
	EXPECT("Sales in H1 rose.", "2022-01-19", "H1", DATE_DATE, "2022-H1");
	cr_expect_null(find("Sales in q3 2019 rose.", "2022-01-19", NULL, "q3 2019"));
	NONE("It's got what he's told, I'm sure, and the 'best' o'clock.", "2022-01-19");
}

/* The scanner takes words one space apart in a loop of their own, and the
 * space after a number or punctuation mark with it: spans, spacing and the
 * end of a word of 16 letters or more (measured on past its first 16) must
 * come out as when each byte was dispatched on its own. */
Test(dates, scan_spacing)
{
	/* spaced punctuation, as in the live-blog corpus */
	EXPECT("he spoke on friday , january 7 , 2022 , at noon .", "2022-01-19",
	       "friday , january 7 , 2022", DATE_DATE, "2022-01-07");
	EXPECT("he spoke on friday , january 7 , 2022 , at noon .", "2022-01-19", "noon", DATE_TIME,
	       "2022-01-19T12:00");
	EXPECT("it 's due in the '90s , or 1999 .", "2022-01-19", "'90s", DATE_DATE, "199");
	EXPECT("it 's due in the '90s , or 1999 .", "2022-01-19", "1999", DATE_DATE, "1999");
	/* a word of 17 letters ending in -ed after the date is a nearer cue than
	 * "will"; its first 16 letters are no cue (the word's end is right) */
	EXPECT("They will go to the shop on Friday compartmentalized", "2022-01-19", "Friday", DATE_DATE,
	       "2022-01-14");
	EXPECT("They will go to the shop on Friday compartmentalize", "2022-01-19", "Friday", DATE_DATE,
	       "2022-01-21");
	EXPECT("They will go to the shop on Friday abcdefghijklmnopqed", "2022-01-19", "Friday", DATE_DATE,
	       "2022-01-14");
	/* words of exactly 15, 16 and 17 letters and more before a date */
	const char *t[] = { "abcdefghijklmno March 3, 2020", "abcdefghijklmnop March 3, 2020",
			    "abcdefghijklmnopq March 3, 2020", "abcdefghijklmnopqrstuvwxyzabcdefgh March 3, 2020" };
	for (size_t k = 0; k < sizeof t / sizeof *t; k++)
		EXPECT(t[k], "2022-01-19", "March 3, 2020", DATE_DATE, "2020-03-03");
	/* two spaces, a tab, a line break and a no-break space between words */
	EXPECT("on  Friday\tMarch 4", "2022-01-19", "Friday\tMarch 4", DATE_DATE, "2022-03-04");
	EXPECT("due\nMarch 4", "2022-01-19", "March 4", DATE_DATE, "2022-03-04");
	EXPECT("due\xc2\xa0March\xc2\xa0" "4", "2022-01-19", "March\xc2\xa0" "4", DATE_DATE, "2022-03-04");
	NONE("abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz , ' \" ( ) .", "2022-01-19");
	/* numbers read up to the end of the text (scan_number reads into the
	 * padding after it) */
	EXPECT("since 2019", "2022-01-19", "2019", DATE_DATE, "2019");
	EXPECT("in 2019.", "2022-01-19", "2019", DATE_DATE, "2019");
	EXPECT("for 3.5 years", "2022-01-19", "3.5 years", DATE_DURATION, "P3Y6M");
	EXPECT("in 1,000 years", "2022-01-19", "1,000 years", DATE_DURATION, "P1000Y");
	NONE("in 2,019", "2022-01-19");
	NONE("for 1,00", "2022-01-19");
	NONE("in 1999,000", "2022-01-19");
}

Test(dates, empty_and_binary)
{
	const struct date_mention *m;
	cr_expect_eq(dates_tag(tg, "", 0, D("2022-01-18"), NULL, &m), 0);
	const char junk[] = "\xff\xfe\x00March 3\x80\xc3";
	size_t n = dates_tag(tg, junk, sizeof junk - 1, D("2022-01-18"), NULL, &m);
	for (size_t i = 0; i < n; i++)
		cr_expect(m[i].end <= sizeof junk - 1);
}
