/*
 * fuzz_qparse.c — libFuzzer harness for the query parser.
 *
 * Any input must give either a tree or an error with a column inside the
 * query (or just past it), never a crash or a leak. A tree must print to a
 * canonical form that parses again (unless it crosses a size cap) and
 * prints the same (the printer's escaping and the parser's rewrites agree).
 */
#include "query/qparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void walk(const struct qnode *n)
{
	if (n->kind == QNODE_SOURCE)
		(void)qparse_host_match(n->text, NL_STR("www.example.co.uk"));
	if (n->kind == QNODE_DATE) {
		(void)qparse_date_match(n, 19000);
		if (n->from > n->to)
			abort();
	}
	if (n->kind != QNODE_BOOL && n->kind != QNODE_DATE && n->text.p[n->text.n] != 0)
		abort();
	for (size_t i = 0; i < n->nclauses; i++)
		walk(n->clauses[i].node);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qtree *t;
	struct qparse_error e;
	int rc = qparse((const char *)data, size, &t, &e);
	if (rc) {
		if (t || e.code != rc || e.column < 1 || e.column > size + 1 || strncmp(e.msg, "query: column ", 14))
			abort();
		return 0;
	}
	walk(t->root);
	struct buf b1, b2;
	buf_init(&b1, 0);
	buf_init(&b2, 0);
	qparse_print(t->root, &b1);
	struct qtree *t2;
	rc = qparse(b1.p, b1.n, &t2, &e);
	if (rc == NL_ETOOBIG) {
		/* the canonical form may cross a cap the query did not: escapes and
		 * expanded dates make it longer, AND inside OR adds a paren level */
		qparse_free(t);
		buf_release(&b1);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "canonical form '%s' does not parse: %s\n", b1.p, e.msg);
		abort();
	}
	qparse_print(t2->root, &b2);
	if (b1.n != b2.n || memcmp(b1.p, b2.p, b1.n) != 0) {
		fprintf(stderr, "canonical form not stable:\n  %s\n  %s\n", b1.p, b2.p);
		abort();
	}
	qparse_free(t2);
	qparse_free(t);
	buf_release(&b1);
	buf_release(&b2);
	return 0;
}
