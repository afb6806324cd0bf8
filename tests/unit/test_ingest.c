/* test_ingest.c — jsonl_record(): the fields of a JSONL line, and the lines it
 * refuses, read one after another with one scratch (so with the yajl handle
 * it keeps between records). */
#include "testutil.h"
#include "ingest/ingest.h"
#include "util/day.h"

struct parsed {
	int rc;
	char msg[256];   /* the last message reported */
	char title[64], body[64], id[32];
	int32_t day;
};

/* Copy a field out of the scratch (it is overwritten by the next record). */
static void field(char *dst, size_t cap, struct nl_str s)
{
	cr_assert(s.n < cap);
	memcpy(dst, s.p, s.n);
	dst[s.n] = 0;
}

static struct parsed parse(struct jsonl_scratch *js, const char *line)
{
	struct parsed p;
	memset(&p, 0, sizeof p);
	struct buf msgs;
	buf_init(&msgs, 0);
	struct ingest ig;
	ingest_init(&ig, NULL, NULL);
	ig.capture = &msgs;
	/* the line in a buffer of its own, as the pipeline hands it over */
	size_t n = strlen(line);
	char *copy = malloc(n + 1);
	memcpy(copy, line, n + 1);
	struct rec r;
	memset(&r, 0, sizeof r);
	r.file = "f.jsonl";
	r.line = 7;
	r.day = NL_NODAY;
	r.json = nl_str_make(copy, n);
	p.rc = jsonl_record(&ig, &r, js);
	/* captured: u32 key, u8 reason, u16 length, text; keep the last */
	for (size_t off = 0; off + 7 <= msgs.n;) {
		size_t l = (unsigned char)msgs.p[off + 5] | (size_t)(unsigned char)msgs.p[off + 6] << 8;
		snprintf(p.msg, sizeof p.msg, "%.*s", (int)l, msgs.p + off + 7);
		off += 7 + l;
	}
	if (p.rc == NL_OK) {
		field(p.title, sizeof p.title, r.title);
		field(p.body, sizeof p.body, r.body);
		field(p.id, sizeof p.id, r.id);
		p.day = r.day;
	}
	free(copy);
	buf_release(&msgs);
	return p;
}

Test(jsonl, fields_escapes_and_first_wins)
{
	struct jsonl_scratch js;
	jsonl_scratch_init(&js);
	struct parsed p = parse(&js, "{\"headline\":\"H\",\"title\":\"T\\u00e9\",\"id\":42,"
				     "\"text\":null,\"text\":\"one\\ntwo \\\"q\\\"\",\"body\":\"b\","
				     "\"date\":\"2020-01-02\",\"x\":{\"title\":\"nested\"}}");
	cr_assert_eq(p.rc, NL_OK);
	cr_assert_str_eq(p.title, "T\xc3\xa9");
	cr_assert_str_eq(p.body, "one\ntwo \"q\"");
	cr_assert_str_eq(p.id, "42");
	cr_assert_eq(p.day, day_from_ymd(2020, 1, 2));
	/* a key with escapes is the same key; surrogates as yajl decodes them */
	p = parse(&js, "{\"ti\\u0074le\":\"\\uD83D\\uDE00 \\uD800x\",\"text\":\"w\",\"date\":20200103}");
	cr_assert_eq(p.rc, NL_OK);
	cr_assert_str_eq(p.title, "\xf0\x9f\x98\x80 ?x");
	cr_assert_eq(p.day, day_from_ymd(2020, 1, 3));
	jsonl_scratch_release(&js);
}

Test(jsonl, what_follows_the_object)
{
	struct jsonl_scratch js;
	jsonl_scratch_init(&js);
	/* white space after the object is nothing */
	struct parsed p = parse(&js, "{\"text\":\"a\",\"date\":\"2020-01-01\"}  \t\r");
	cr_assert_eq(p.rc, NL_OK);
	cr_assert_str_eq(p.body, "a");
	/* anything else is an error, also a number yajl has not finished when
	 * the line ends (the message is not checked here: yajl reports trailing
	 * garbage at the end as the line ending in a value) */
	p = parse(&js, "{\"text\":\"a\"} 5");
	cr_assert_eq(p.rc, NL_EINVAL);
	p = parse(&js, "{\"text\":\"a\"} x");
	cr_assert_eq(p.rc, NL_EINVAL);
	p = parse(&js, "{\"text\":\"a\"}{}");
	cr_assert_eq(p.rc, NL_EINVAL);
	cr_assert_str_eq(p.msg, "f.jsonl:7: invalid JSON at column 14: trailing garbage; skipped");
	p = parse(&js, "{\"text\":\"a\"");
	cr_assert_eq(p.rc, NL_EINVAL);
	cr_assert_str_eq(p.msg, "f.jsonl:7: invalid JSON: the line ends inside a value; skipped");
	p = parse(&js, "[1]");
	cr_assert_eq(p.rc, NL_EINVAL);
	cr_assert_str_eq(p.msg, "f.jsonl:7: not a JSON object; skipped");
	/* and the kept handle reads the next good line as ever */
	p = parse(&js, "{\"text\":\"b\",\"date\":\"2020-01-01\"}");
	cr_assert_eq(p.rc, NL_OK);
	cr_assert_str_eq(p.body, "b");
	jsonl_scratch_release(&js);
}
