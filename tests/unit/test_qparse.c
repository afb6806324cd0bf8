/* test_qparse.c — query language: canonical trees, errors with columns, caps. */
#include "testutil.h"
#include "query/qparse.h"
#include "util/day.h"

/* Parse q and return its canonical form (malloc'd), checking that the
 * canonical form parses to itself again. */
static char *canon(const char *q)
{
	struct qtree *t;
	struct qparse_error e;
	int rc = qparse(q, strlen(q), &t, &e);
	cr_assert_eq(rc, NL_OK, "parse '%s' failed: %s", q, e.msg);
	struct buf b;
	buf_init(&b, 0);
	cr_assert_eq(qparse_print(t->root, &b), NL_OK);
	qparse_free(t);

	struct qtree *t2;
	rc = qparse(b.p, b.n, &t2, &e);
	cr_assert_eq(rc, NL_OK, "reparse of '%s' ('%s') failed: %s", q, b.p, e.msg);
	struct buf b2;
	buf_init(&b2, 0);
	qparse_print(t2->root, &b2);
	cr_assert_str_eq(b2.p, b.p, "canonical form of '%s' is not stable", q);
	qparse_free(t2);
	buf_release(&b2);
	return buf_detach(&b, NULL);
}

static void expect(const char *q, const char *want)
{
	char *got = canon(q);
	cr_expect_str_eq(got, want, "query '%s'", q);
	free(got);
}

static void expect_err(const char *q, int code, size_t column, const char *msg)
{
	struct qtree *t = (struct qtree *)1;
	struct qparse_error e;
	int rc = qparse(q, strlen(q), &t, &e);
	cr_expect_eq(rc, code, "query '%s': rc %d, want %d (%s)", q, rc, code, e.msg);
	cr_expect_null(t, "query '%s': tree must be NULL on error", q);
	cr_expect_eq(e.code, code);
	cr_expect_eq(e.column, column, "query '%s': column %zu, want %zu (%s)", q, e.column, column, e.msg);
	cr_expect(strstr(e.msg, msg) != NULL, "query '%s': message '%s' lacks '%s'", q, e.msg, msg);
	char head[64];
	snprintf(head, sizeof(head), "query: column %zu: ", column);
	cr_expect(strncmp(e.msg, head, strlen(head)) == 0, "message '%s' must start with '%s'", e.msg, head);
}

static struct qtree *parse_ok(const char *q)
{
	struct qtree *t;
	struct qparse_error e;
	cr_assert_eq(qparse(q, strlen(q), &t, &e), NL_OK, "%s", e.msg);
	return t;
}

Test(qparse, words_and_default_or)
{
	expect("climate change", "climate change");
	expect("  climate\tchange\n", "climate change");
	expect("Blinken Lavrov Geneva", "Blinken Lavrov Geneva");
	/* raw words are kept as typed: the executor normalises them */
	expect("U.S. ex-Soviet Kyiv's", "U.S. ex-Soviet Kyiv's");
	expect("and or not", "and or not");
	expect("what? yes!", "what? yes!");
	expect("10:30", "10\\:30");
}

Test(qparse, operators_and_precedence)
{
	expect("Blinken AND Lavrov", "+Blinken +Lavrov");
	expect("a && b", "+a +b");
	expect("a OR b", "a b");
	expect("a || b", "a b");
	expect("+Blinken -Geneva", "+Blinken -Geneva");
	expect("a NOT b", "a -b");
	expect("a AND NOT b", "+a -b");
	expect("NOT a", "-a");
	/* AND binds tighter than OR, unlike Lucene's classic parser */
	expect("a AND b OR c", "(+a +b) c");
	expect("a OR b AND c", "a (+b +c)");
	expect("a b AND c d", "a (+b +c) d");
	expect("(Kyiv OR Kiev) AND gas", "+(Kyiv Kiev) +gas");
	expect("-(a b) c", "-(a b) c");
	expect("x (a AND -b)", "x (+a -b)");
}

Test(qparse, simplification)
{
	expect("((a))", "a");
	expect("+a", "a");
	expect("(a b) c", "a b c");
	expect("(a AND b) AND c", "+a +b +c");
	expect("a AND (b AND c)", "+a +b +c");
	expect("+(a b)", "a b");
	expect("+a (b c)", "+a b c");
	expect("(a b)^2 c", "(a b)^2 c");
	expect("(a)^2", "a^2");
}

Test(qparse, phrases)
{
	expect("\"Crimean Peninsula\"", "\"Crimean Peninsula\"");
	expect("\xe2\x80\x9c" "Crimean Peninsula" "\xe2\x80\x9d", "\"Crimean Peninsula\"");
	expect("\"a b\"~3", "\"a b\"~3");
	expect("\"a b\"~3^2", "\"a b\"~3^2");
	expect("\"say \\\"no\\\"\"", "\"say \\\"no\\\"\"");
	expect("\"a*\" x", "\"a*\" x");
	expect("foo\"bar baz\"", "foo \"bar baz\"");

	struct qtree *t = parse_ok("\"U.S. sanctions\"");
	cr_assert_eq(t->root->kind, QNODE_PHRASE);
	cr_assert_str_eq(t->root->text.p, "U.S. sanctions");
	cr_assert_eq(t->root->text.n, 14);
	qparse_free(t);
}

Test(qparse, fields)
{
	expect("title:Putin", "title:Putin");
	expect("Title:Putin", "title:Putin");
	expect("body:gas text:oil", "body:gas body:oil");
	expect("title:\"gas deal\"", "title:\"gas deal\"");
	expect("title:(a OR b) c", "title:a title:b c");
	expect("title:(a body:b)", "title:a body:b");
	expect("title:sanction*^2", "title:sanction*^2");

	struct qtree *t = parse_ok("title:(Putin AND gas) oil");
	const struct qnode *r = t->root;
	cr_assert_eq(r->kind, QNODE_BOOL);
	cr_assert_eq(r->nclauses, 2);
	const struct qnode *g = r->clauses[0].node;
	cr_assert_eq(r->clauses[0].occur, QOCCUR_SHOULD);
	cr_assert_eq(g->kind, QNODE_BOOL);
	cr_assert_eq(g->clauses[0].occur, QOCCUR_MUST);
	cr_assert_eq(g->clauses[0].node->field, QFIELD_TITLE);
	cr_assert_eq(g->clauses[1].node->field, QFIELD_TITLE);
	cr_assert_eq(r->clauses[1].node->field, QFIELD_ANY);
	cr_assert(t->scoring);
	cr_assert_eq(t->nleaves, 3);
	qparse_free(t);
}

Test(qparse, prefix)
{
	expect("sanction*", "sanction*");
	expect("ab*", "ab*");
	expect("\xc3\xa9t*", "\xc3\xa9t*");
	expect("a\\*b", "a\\*b");
	struct qtree *t = parse_ok("sanction*");
	cr_assert_eq(t->root->kind, QNODE_PREFIX);
	cr_assert_str_eq(t->root->text.p, "sanction");
	qparse_free(t);
}

Test(qparse, source_filter)
{
	expect("source:www.bbc.co.uk", "source:bbc.co.uk");
	expect("source:BBC.co.uk", "source:bbc.co.uk");
	expect("source:\"bbc.co.uk\"", "source:bbc.co.uk");
	expect("source:https://www.theguardian.com/world/live", "source:theguardian.com");
	/* every leading "www." goes, so the canonical form parses to itself
	 * (fuzz_qparse found one stripped at a time) */
	expect("source:\"htt0s://www.www.tth.example/w\" x", "+source:tth.example x");
	expect("source:www.www.bbc.co.uk", "source:bbc.co.uk");
	expect("source:www.www.www", "source:www");
	/* a filter beside scoring clauses is required and does not score */
	expect("climate source:bbc.co.uk", "climate +source:bbc.co.uk");
	expect("source:a.com OR source:b.com", "source:a.com source:b.com");
	expect("climate (source:a.com OR source:b.com)", "climate +(source:a.com source:b.com)");
	expect("climate -source:a.com", "climate -source:a.com");
	expect("(source:a.com)^2", "source:a.com");

	struct qtree *t = parse_ok("climate source:bbc.co.uk");
	cr_assert_eq(t->root->clauses[1].occur, QOCCUR_FILTER);
	cr_assert_eq(t->root->clauses[1].node->kind, QNODE_SOURCE);
	cr_assert_str_eq(t->root->clauses[1].node->text.p, "bbc.co.uk");
	qparse_free(t);

	t = parse_ok("source:bbc.co.uk");
	cr_assert_eq(t->root->kind, QNODE_SOURCE);
	cr_assert(!t->scoring);
	qparse_free(t);
}

Test(qparse, date_filter)
{
	expect("date:[2022-01-01 TO 2022-01-31]", "date:[2022-01-01 TO 2022-01-31]");
	expect("date:2022-01-18", "date:2022-01-18");
	expect("date:20220118", "date:2022-01-18");
	expect("date:2022-02", "date:[2022-02-01 TO 2022-02-28]");
	expect("date:2024", "date:[2024-01-01 TO 2024-12-31]");
	expect("date:[2022-01-01 TO *]", "date:[2022-01-01 TO *]");
	expect("date:[* TO 2022-01-31]", "date:[* TO 2022-01-31]");
	expect("date:{2022-01-01 TO 2022-01-03}", "date:2022-01-02");
	expect("date:[ 2022-01 TO 2022-03 ]", "date:[2022-01-01 TO 2022-03-31]");
	expect("gas date:[2022-01-01 TO 2022-01-31]", "gas +date:[2022-01-01 TO 2022-01-31]");

	struct qtree *t = parse_ok("date:[2022-01-01 TO 2022-01-31]");
	const struct qnode *d = t->root;
	cr_assert_eq(d->kind, QNODE_DATE);
	cr_assert_eq(d->from, day_from_ymd(2022, 1, 1));
	cr_assert_eq(d->to, day_from_ymd(2022, 1, 31));
	cr_assert(qparse_date_match(d, day_from_ymd(2022, 1, 18)));
	cr_assert(!qparse_date_match(d, day_from_ymd(2022, 2, 1)));
	cr_assert(!qparse_date_match(d, NL_NODAY));
	qparse_free(t);

	t = parse_ok("date:[* TO *]");
	cr_assert_eq(t->root->from, QPARSE_DAY_MIN);
	cr_assert_eq(t->root->to, QPARSE_DAY_MAX);
	cr_assert(qparse_date_match(t->root, 0));
	cr_assert(!qparse_date_match(t->root, NL_NODAY));
	qparse_free(t);
}

Test(qparse, boosts_and_escapes)
{
	expect("a^2", "a^2");
	expect("a^0.5", "a^0.5");
	expect("a^1.250", "a^1.25");
	expect("a^1", "a");
	expect("(a^2)^3", "a^6");
	expect("\\AND \\(x\\)", "\\AND \\(x\\)");
	expect("\\-x", "\\-x");
	expect("title\\:x", "title\\:x");
	struct qtree *t = parse_ok("\\(x\\)");
	cr_assert_str_eq(t->root->text.p, "(x)");
	qparse_free(t);
}

Test(qparse, seed_example_queries)
{
	struct qtree *t = parse_ok("Blinken -Geneva");
	const struct qnode *r = t->root;
	cr_assert_eq(r->kind, QNODE_BOOL);
	cr_assert_eq(r->nclauses, 2);
	cr_assert_eq(r->clauses[0].occur, QOCCUR_SHOULD);
	cr_assert_eq(r->clauses[0].node->kind, QNODE_TERM);
	cr_assert_str_eq(r->clauses[0].node->text.p, "Blinken");
	cr_assert_eq(r->clauses[1].occur, QOCCUR_MUST_NOT);
	cr_assert_str_eq(r->clauses[1].node->text.p, "Geneva");
	cr_assert_eq(r->clauses[1].node->pos, 9);
	cr_assert_eq(r->clauses[1].node->len, 6);
	qparse_free(t);
}

Test(qparse, errors_point_at_the_column)
{
	expect_err("", NL_EEMPTY, 1, "empty query");
	expect_err("   ", NL_EEMPTY, 4, "empty query");
	expect_err("Putin AND Lavrov \"Geneva talks", NL_EINVAL, 18, "unclosed quote");
	expect_err("a AND", NL_EINVAL, 3, "AND needs something after it");
	expect_err("a AND OR b", NL_EINVAL, 3, "AND needs something after it");
	expect_err("AND a", NL_EINVAL, 1, "AND needs something before it");
	expect_err("OR a", NL_EINVAL, 1, "OR needs something before it");
	expect_err("a OR", NL_EINVAL, 3, "OR needs something after it");
	expect_err("a OR OR b", NL_EINVAL, 3, "OR needs something after it");
	expect_err("NOT", NL_EINVAL, 4, "query ends where");
	expect_err("NOT NOT a", NL_EINVAL, 5, "NOT cannot follow NOT");
	expect_err("+-a", NL_EINVAL, 2, "'-' cannot follow '+'");
	expect_err("a - b", NL_EINVAL, 3, "'-' must be followed");
	expect_err("a +", NL_EINVAL, 3, "'+' must be followed");
	expect_err("(a b", NL_EINVAL, 1, "unclosed '('");
	expect_err("((a b)", NL_EINVAL, 1, "unclosed '('");
	expect_err("a b)", NL_EINVAL, 4, "unmatched ')'");
	expect_err(")", NL_EINVAL, 1, "unmatched ')'");
	expect_err("()", NL_EINVAL, 2, "empty parentheses");
	expect_err("\"\"", NL_EINVAL, 1, "empty phrase");
	expect_err("\"  \"", NL_EINVAL, 1, "empty phrase");
	expect_err("a*b", NL_EINVAL, 2, "'*' is only allowed at the end");
	expect_err("*", NL_EINVAL, 1, "prefix needs at least 2");
	expect_err("a*", NL_EINVAL, 1, "prefix needs at least 2");
	expect_err("a~", NL_EINVAL, 2, "fuzzy search");
	expect_err("(a b)~2", NL_EINVAL, 6, "only follows a phrase");
	expect_err("\"a b\"~", NL_EINVAL, 6, "needs a number");
	expect_err("a^", NL_EINVAL, 2, "'^' needs a number");
	expect_err("a^2^3", NL_EINVAL, 4, "unexpected '^'");
	expect_err("a ^2", NL_EINVAL, 3, "found '^'");
	expect_err("a^5000", NL_EINVAL, 2, "at most 1000");
	expect_err("titel:x", NL_EINVAL, 1, "unknown field 'titel'");
	expect_err(":x", NL_EINVAL, 1, "':' must follow a field name");
	expect_err("title:", NL_EINVAL, 1, "needs a value");
	expect_err("title: x", NL_EINVAL, 1, "needs a value");
	expect_err("title:body:x", NL_EINVAL, 7, "found a field");
	expect_err("title:AND", NL_EINVAL, 7, "found AND");
	expect_err("source:", NL_EINVAL, 1, "needs a value");
	expect_err("source:bbc..co.uk", NL_EINVAL, 8, "bad source host");
	expect_err("source:(a OR b)", NL_EINVAL, 8, "bad source host");
	expect_err("source:\"bbc", NL_EINVAL, 8, "unclosed quote");
	expect_err("date:2022-01-0", NL_EINVAL, 6, "bad date '2022-01-0'");
	expect_err("date:2022-13", NL_EINVAL, 6, "bad date");
	expect_err("date:yesterday", NL_EINVAL, 6, "bad date");
	expect_err("date:2-22", NL_EINVAL, 6, "bad date");
	expect_err("date:0000", NL_EINVAL, 6, "bad date");
	expect_err("date:2022-1-01", NL_EINVAL, 6, "bad date");
	expect_err("date:[2022-01-01 2022-01-31]", NL_EINVAL, 18, "needs 'TO'");
	expect_err("date:[2022-01-01 TO 2022-01-31", NL_EINVAL, 6, "unclosed date range");
	expect_err("date:[2022-02-01 TO 2022-01-31]", NL_EINVAL, 6, "ends before it starts");
	expect_err("date:[2022-01-01 TO x]", NL_EINVAL, 21, "bad date 'x'");
	expect_err("date:2022-01-01x", NL_EINVAL, 6, "bad date");
	expect_err("date:[* TO *]x", NL_EINVAL, 14, "unexpected 'x'");
	expect_err("a\\", NL_EINVAL, 2, "backslash at the end");
	expect_err("ok \xff", NL_EINVAL, 4, "invalid UTF-8");
	expect_err("ok \xe2\x80", NL_EINVAL, 4, "invalid UTF-8");
}

Test(qparse, caps)
{
	/* length */
	size_t n = QPARSE_MAX_LEN + 1;
	char *q = malloc(n + 1);
	memset(q, 'a', n);
	q[n] = 0;
	struct qtree *t;
	struct qparse_error e;
	cr_assert_eq(qparse(q, n, &t, &e), NL_ETOOBIG);
	cr_assert(strstr(e.msg, "longer than") != NULL);
	cr_assert_eq(qparse(q, QPARSE_MAX_LEN, &t, &e), NL_OK);
	qparse_free(t);

	/* nesting depth: QPARSE_MAX_DEPTH is fine, one more is not */
	char buf[256];
	for (int d = QPARSE_MAX_DEPTH; d <= QPARSE_MAX_DEPTH + 1; d++) {
		size_t k = 0;
		for (int i = 0; i < d; i++)
			buf[k++] = '(';
		buf[k++] = 'x';
		for (int i = 0; i < d; i++)
			buf[k++] = ')';
		int rc = qparse(buf, k, &t, &e);
		if (d == QPARSE_MAX_DEPTH) {
			cr_assert_eq(rc, NL_OK, "%s", e.msg);
			qparse_free(t);
		} else {
			cr_assert_eq(rc, NL_ETOOBIG);
			cr_assert_eq(e.column, (size_t)QPARSE_MAX_DEPTH + 1);
			cr_assert(strstr(e.msg, "nested deeper") != NULL);
		}
	}

	/* number of leaves */
	size_t k = 0;
	for (int i = 0; i <= QPARSE_MAX_LEAVES; i++) {
		q[k++] = 'w';
		q[k++] = ' ';
	}
	cr_assert_eq(qparse(q, k, &t, &e), NL_ETOOBIG);
	cr_assert(strstr(e.msg, "more than") != NULL);
	cr_assert_eq(qparse(q, k - 2, &t, &e), NL_OK);
	cr_assert_eq(t->nleaves, QPARSE_MAX_LEAVES);
	qparse_free(t);
	free(q);
}

Test(qparse, error_struct_is_optional)
{
	struct qtree *t;
	cr_assert_eq(qparse("(", 1, &t, NULL), NL_EINVAL);
	cr_assert_null(t);
}

Test(qparse, print_respects_buffer_cap)
{
	struct qtree *t = parse_ok("a rather long query with words");
	struct buf b;
	buf_init(&b, 8);
	cr_assert_eq(qparse_print(t->root, &b), NL_ETOOBIG);
	buf_release(&b);
	qparse_free(t);
}

Test(qparse, host_match)
{
	struct nl_str f = NL_STR("bbc.co.uk");
	cr_assert(qparse_host_match(f, NL_STR("bbc.co.uk")));
	cr_assert(qparse_host_match(f, NL_STR("www.bbc.co.uk")));
	cr_assert(qparse_host_match(f, NL_STR("NEWS.BBC.CO.UK")));
	cr_assert(!qparse_host_match(f, NL_STR("notbbc.co.uk")));
	cr_assert(!qparse_host_match(f, NL_STR("co.uk")));
	cr_assert(qparse_host_match(NL_STR("www.bbc.co.uk"), NL_STR("bbc.co.uk")));
	cr_assert(qparse_host_match(f, NL_STR("www.www.bbc.co.uk")));
	cr_assert(!qparse_host_match(NL_STR(""), NL_STR("bbc.co.uk")));
}
