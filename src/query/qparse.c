/*
 * qparse.c — recursive-descent parser for the Lucene-classic query language.
 *
 * Why by hand: the language is small, its error messages must point at a
 * byte column, and its tree must say what our executor needs (fields,
 * filters in day numbers, raw words for our own tokenizer). A generated
 * parser would buy little and a library parser (Lucene's) is Java.
 *
 * Pipeline: the whole query is checked as UTF-8 first, so the lexer may step
 * over code points by their lead byte. The lexer produces one token of
 * lookahead (word, phrase, field:, operator, parenthesis, ^, ~); values that
 * have their own small syntax (source hosts, date ranges, boost and slop
 * numbers) are read straight from the text by the parser.
 *
 * Grammar (juxtaposition is the default operator, OR):
 *
 *   query   = or EOF
 *   or      = and { [OR] and }
 *   and     = unary { AND unary }
 *   unary   = [NOT | '+' | '-'] primary
 *   primary = ( '(' or ')' | WORD | PHRASE ['~' N] | FIELD primary ) ['^' N]
 *
 * Each or/and level becomes a QNODE_BOOL (see qparse.h for occurs). While a
 * boolean is finished, three rewrites keep the tree small and canonical, and
 * are stable (printing and parsing again gives the same tree): filter
 * clauses are promoted to FILTER; a clause that is itself a boolean of the
 * same kind (SHOULD of all-SHOULD, MUST/FILTER of no-SHOULD) is spliced into
 * its parent; a boolean of a single non-negative clause is replaced by that
 * clause's node.
 *
 * Memory: every node and string goes into an arena of linked blocks owned by
 * the tree, so an error anywhere frees everything with one call and the tree
 * does not borrow the caller's text. Recursion depth is bounded by the
 * parenthesis cap; memory by the length cap.
 */
#include "query/qparse.h"

#include "text/utf8.h"
#include "util/day.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ arena */

struct ablock {
	struct ablock *next;
	size_t used, cap;
	alignas(16) unsigned char data[];
};

struct qarena {
	struct ablock *head;
};

static void *arena_alloc(struct qarena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct ablock *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 4096 ? n : 4096;
		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

static void arena_free(struct qarena *a)
{
	struct ablock *b = a->head;
	while (b) {
		struct ablock *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

/* ------------------------------------------------------------------ lexer */

enum tokkind {
	TK_EOF,
	TK_LPAREN,
	TK_RPAREN,
	TK_AND,
	TK_OR,
	TK_NOT,
	TK_PLUS,
	TK_MINUS,
	TK_WORD,
	TK_PHRASE,
	TK_FIELD,
	TK_CARET,
	TK_TILDE,
};

enum fieldname { F_TITLE, F_BODY, F_SOURCE, F_DATE };

struct tok {
	enum tokkind kind;
	size_t pos, end;  /* raw bytes [pos, end) */
	size_t qlen;      /* PHRASE: bytes of the opening quote; closing quote ends at end */
	size_t cqlen;     /* PHRASE: bytes of the closing quote */
	size_t star;      /* WORD: position of a trailing unescaped '*', or SIZE_MAX */
	bool escaped;     /* WORD: contains a backslash escape */
	enum fieldname field;
};

struct parser {
	const char *s;
	size_t n, i;          /* text and cursor */
	struct qarena *arena;
	struct qparse_error *err;
	int rc;               /* sticky: first error wins */
	int depth;
	size_t nleaves;
	struct tok tok;
	bool have;            /* tok holds the lookahead */
};

static void fail(struct parser *p, int code, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct parser *p, int code, size_t pos, const char *fmt, ...)
{
	if (p->rc)
		return;
	p->rc = code;
	if (!p->err)
		return;
	p->err->code = code;
	p->err->column = pos + 1;
	int k = snprintf(p->err->msg, sizeof(p->err->msg), "query: column %zu: ", pos + 1);
	if (k < 0 || (size_t)k >= sizeof(p->err->msg))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->msg + k, sizeof(p->err->msg) - (size_t)k, fmt, ap);
	va_end(ap);
}

static size_t cplen(const char *s, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static bool is_space(unsigned char c)
{
	return c <= ' ' || c == 0x7f;
}

/* Bytes of a quote character at s[i]: '"' or the typographic “ ” „ that
 * text pasted from news pages carries; 0 if none. */
static size_t quote_len(const char *s, size_t n, size_t i)
{
	if (s[i] == '"')
		return 1;
	if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80) {
		unsigned char c = (unsigned char)s[i + 2];
		if (c == 0x9C || c == 0x9D || c == 0x9E)
			return 3;
	}
	return 0;
}

/* Characters that end a word (besides blanks and quotes). */
static bool is_special(char c)
{
	return c == '(' || c == ')' || c == '^' || c == '~';
}

static bool is_boundary(const struct parser *p, size_t i)
{
	return i >= p->n || is_space((unsigned char)p->s[i]) || p->s[i] == ')';
}

static void skip_space(struct parser *p)
{
	while (p->i < p->n && is_space((unsigned char)p->s[p->i]))
		p->i++;
}

static bool field_lookup(const char *s, size_t n, enum fieldname *f)
{
	struct nl_str w = nl_str_make(s, n);
	if (nl_str_ieq(w, "title"))
		*f = F_TITLE;
	else if (nl_str_ieq(w, "body") || nl_str_ieq(w, "text"))
		*f = F_BODY;
	else if (nl_str_ieq(w, "source"))
		*f = F_SOURCE;
	else if (nl_str_ieq(w, "date"))
		*f = F_DATE;
	else
		return false;
	return true;
}

static void lex_phrase(struct parser *p, struct tok *t, size_t q)
{
	t->kind = TK_PHRASE;
	t->qlen = q;
	size_t i = t->pos + q;
	while (i < p->n) {
		if (p->s[i] == '\\') {
			if (i + 1 >= p->n)
				break;
			i += 1 + cplen(p->s, i + 1);
			continue;
		}
		size_t c = quote_len(p->s, p->n, i);
		if (c) {
			t->cqlen = c;
			t->end = i + c;
			return;
		}
		i += cplen(p->s, i);
	}
	fail(p, NL_EINVAL, t->pos, "unclosed quote");
}

static void lex_word(struct parser *p, struct tok *t)
{
	const char *s = p->s;
	size_t i = t->pos;
	t->kind = TK_WORD;
	t->star = SIZE_MAX;
	t->escaped = false;
	size_t badstar = SIZE_MAX;
	while (i < p->n) {
		unsigned char c = (unsigned char)s[i];
		if (is_space(c) || is_special((char)c) || quote_len(s, p->n, i))
			break;
		if (c == '\\') {
			if (i + 1 >= p->n) {
				fail(p, NL_EINVAL, i, "backslash at the end of the query");
				return;
			}
			t->escaped = true;
			i += 1 + cplen(s, i + 1);
			continue;
		}
		if (c == ':') {
			/* "title:" is a field; "10:30" is a word; "titel:" is a typo */
			enum fieldname f;
			bool alpha = i > t->pos && !t->escaped && t->star == SIZE_MAX && badstar == SIZE_MAX;
			for (size_t k = t->pos; alpha && k < i; k++) {
				unsigned char d = (unsigned char)s[k];
				alpha = (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z');
			}
			if (alpha && field_lookup(s + t->pos, i - t->pos, &f)) {
				t->kind = TK_FIELD;
				t->field = f;
				t->end = i + 1;
				return;
			}
			if (alpha) {
				fail(p, NL_EINVAL, t->pos,
				     "unknown field '%.*s' (fields are title, body, source, date; "
				     "write \\: for a literal colon)",
				     (int)NL_MIN(i - t->pos, 40), s + t->pos);
				return;
			}
			if (i == t->pos) {
				fail(p, NL_EINVAL, i, "':' must follow a field name");
				return;
			}
		}
		if (c == '*') {
			if (t->star != SIZE_MAX && badstar == SIZE_MAX)
				badstar = t->star;
			t->star = i;
		}
		i++;
	}
	t->end = i;
	if (t->star != SIZE_MAX && t->star != i - 1) {
		badstar = t->star;
	}
	if (badstar != SIZE_MAX) {
		fail(p, NL_EINVAL, badstar, "'*' is only allowed at the end of a word");
		return;
	}
	if (!t->escaped) {
		struct nl_str w = nl_str_make(s + t->pos, i - t->pos);
		if (nl_str_eq(w, NL_STR("AND")) || nl_str_eq(w, NL_STR("&&")))
			t->kind = TK_AND;
		else if (nl_str_eq(w, NL_STR("OR")) || nl_str_eq(w, NL_STR("||")))
			t->kind = TK_OR;
		else if (nl_str_eq(w, NL_STR("NOT")))
			t->kind = TK_NOT;
	}
}

/* Lex the next token at the cursor into p->tok (without consuming it). */
static const struct tok *peek(struct parser *p)
{
	if (p->have)
		return &p->tok;
	skip_space(p);
	struct tok *t = &p->tok;
	memset(t, 0, sizeof(*t));
	t->pos = p->i;
	t->end = p->i + 1;
	p->have = true;
	if (p->i >= p->n) {
		t->kind = TK_EOF;
		t->end = p->i;
		return t;
	}
	char c = p->s[p->i];
	size_t q;
	if (c == '(') {
		t->kind = TK_LPAREN;
	} else if (c == ')') {
		t->kind = TK_RPAREN;
	} else if (c == '^') {
		t->kind = TK_CARET;
	} else if (c == '~') {
		t->kind = TK_TILDE;
	} else if ((q = quote_len(p->s, p->n, p->i)) != 0) {
		lex_phrase(p, t, q);
	} else if ((c == '+' || c == '-') && !is_boundary(p, p->i + 1)) {
		t->kind = c == '+' ? TK_PLUS : TK_MINUS;
	} else if (c == '+' || c == '-') {
		fail(p, NL_EINVAL, p->i, "'%c' must be followed by a word, phrase or group", c);
	} else {
		lex_word(p, t);
	}
	if (p->rc)
		t->kind = TK_EOF;
	return t;
}

static void advance(struct parser *p)
{
	peek(p);
	p->i = p->tok.end;
	p->have = false;
}

static const char *tok_name(enum tokkind k)
{
	switch (k) {
	case TK_EOF: return "the end of the query";
	case TK_LPAREN: return "'('";
	case TK_RPAREN: return "')'";
	case TK_AND: return "AND";
	case TK_OR: return "OR";
	case TK_NOT: return "NOT";
	case TK_PLUS: return "'+'";
	case TK_MINUS: return "'-'";
	case TK_WORD: return "a word";
	case TK_PHRASE: return "a phrase";
	case TK_FIELD: return "a field";
	case TK_CARET: return "'^'";
	case TK_TILDE: return "'~'";
	}
	return "?";
}

/* ------------------------------------------------------------------ nodes */

static struct qnode *node_new(struct parser *p, enum qnode_kind kind, size_t pos, size_t end)
{
	struct qnode *n = arena_alloc(p->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->boost = 1.0f;
	n->pos = (uint32_t)pos;
	n->len = (uint32_t)(end - pos);
	if (kind != QNODE_BOOL && ++p->nleaves > QPARSE_MAX_LEAVES)
		fail(p, NL_ETOOBIG, pos, "more than %d words, phrases and filters", QPARSE_MAX_LEAVES);
	return n;
}

/* Copy raw[0..n) into the arena, removing backslash escapes. */
static struct nl_str unescape(struct parser *p, const char *raw, size_t n)
{
	char *out = arena_alloc(p->arena, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		if (raw[i] == '\\' && i + 1 < n)
			i++;
		size_t l = cplen(raw, i);
		if (i + l > n)
			l = n - i;
		memcpy(out + k, raw + i, l);
		k += l;
		i += l;
	}
	out[k] = 0;
	return nl_str_make(out, k);
}

static size_t count_cp(struct nl_str s)
{
	size_t c = 0;
	for (size_t i = 0; i < s.n; i++)
		c += ((unsigned char)s.p[i] & 0xC0) != 0x80;
	return c;
}

static bool is_filter(const struct qnode *n)
{
	if (n->kind == QNODE_SOURCE || n->kind == QNODE_DATE)
		return true;
	if (n->kind != QNODE_BOOL)
		return false;
	for (size_t i = 0; i < n->nclauses; i++)
		if (!is_filter(n->clauses[i].node))
			return false;
	return true;
}

struct clist {
	struct qclause *v;
	size_t n, cap;
};

static void clist_add(struct parser *p, struct clist *l, enum qoccur o, struct qnode *node)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct qclause *v = arena_alloc(p->arena, cap * sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].occur = o;
	l->v[l->n].node = node;
	l->n++;
}

static bool has_occur(const struct qnode *n, enum qoccur o)
{
	for (size_t i = 0; i < n->nclauses; i++)
		if (n->clauses[i].occur == o)
			return true;
	return false;
}

/* Turn a clause list into a node: promote filters, splice, collapse. */
static struct qnode *finish_bool(struct parser *p, struct clist *l, size_t pos, size_t end)
{
	bool scoring = false;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].occur != QOCCUR_MUST_NOT && !is_filter(l->v[i].node))
			scoring = true;
	for (size_t i = 0; i < l->n; i++) {
		struct qclause *c = &l->v[i];
		if (!is_filter(c->node))
			continue;
		if (c->occur == QOCCUR_MUST || (c->occur == QOCCUR_SHOULD && scoring))
			c->occur = QOCCUR_FILTER;
	}
	struct clist out = { 0 };
	for (size_t i = 0; i < l->n; i++) {
		struct qclause *c = &l->v[i];
		struct qnode *m = c->node;
		bool splice = false;
		if (m->kind == QNODE_BOOL && m->boost == 1.0f) {
			if (c->occur == QOCCUR_SHOULD)
				splice = !has_occur(m, QOCCUR_MUST) && !has_occur(m, QOCCUR_FILTER) &&
					 !has_occur(m, QOCCUR_MUST_NOT);
			else if (c->occur == QOCCUR_MUST || c->occur == QOCCUR_FILTER)
				splice = !has_occur(m, QOCCUR_SHOULD);
		}
		if (splice) {
			for (size_t k = 0; k < m->nclauses; k++)
				clist_add(p, &out, m->clauses[k].occur, m->clauses[k].node);
		} else {
			clist_add(p, &out, c->occur, m);
		}
	}
	if (out.n == 1 && out.v[0].occur != QOCCUR_MUST_NOT)
		return out.v[0].node;
	struct qnode *n = node_new(p, QNODE_BOOL, pos, end);
	n->clauses = out.v;
	n->nclauses = out.n;
	return n;
}

/* ------------------------------------------------------------------ values */

/* Read a decimal number with at most 3 decimals at the cursor, in thousandths. */
static bool read_milli(struct parser *p, uint64_t *out)
{
	size_t i = p->i, start = i;
	uint64_t v = 0;
	while (i < p->n && p->s[i] >= '0' && p->s[i] <= '9' && i - start < 9)
		v = v * 10 + (uint64_t)(p->s[i++] - '0');
	if (i == start)
		return false;
	v *= 1000;
	if (i < p->n && p->s[i] == '.') {
		i++;
		uint64_t scale = 100;
		size_t fs = i;
		while (i < p->n && p->s[i] >= '0' && p->s[i] <= '9' && i - fs < 3) {
			v += (uint64_t)(p->s[i++] - '0') * scale;
			scale /= 10;
		}
		if (i == fs)
			return false;
	}
	p->i = i;
	*out = v;
	return true;
}

static float milli_to_boost(uint64_t m)
{
	if (m > 1000u * 1000u)
		m = 1000u * 1000u;
	return (float)m / 1000.0f;
}

static uint64_t boost_to_milli(float b)
{
	double m = (double)b * 1000.0 + 0.5;
	return m < 0 ? 0 : (uint64_t)m;
}

/* After a primary: optional "~N" (phrases) then "^N". A boost on a filter
 * is accepted and dropped: filters never score. */
static void parse_suffix(struct parser *p, struct qnode *n)
{
	if (p->have || p->rc)
		return;
	bool suffixed = false;
	if (p->i < p->n && p->s[p->i] == '~') {
		size_t at = p->i;
		if (n->kind != QNODE_PHRASE) {
			fail(p, NL_EINVAL, at, "'~' (fuzzy or proximity search) only follows a phrase");
			return;
		}
		p->i++;
		size_t st = p->i;
		long v = 0;
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9' && p->i - st < 4)
			v = v * 10 + (p->s[p->i++] - '0');
		if (p->i == st) {
			fail(p, NL_EINVAL, at, "'~' after a phrase needs a number of words (\"a b\"~3)");
			return;
		}
		if (v > 100) {
			fail(p, NL_EINVAL, st, "phrase slop must be at most 100");
			return;
		}
		n->slop = (int)v;
		suffixed = true;
	}
	if (p->i < p->n && p->s[p->i] == '^') {
		size_t at = p->i;
		p->i++;
		uint64_t m;
		if (!read_milli(p, &m)) {
			fail(p, NL_EINVAL, at, "'^' needs a number (word^2, word^0.5)");
			return;
		}
		if (m > 1000u * 1000u) {
			fail(p, NL_EINVAL, at, "boost must be at most 1000");
			return;
		}
		if (!is_filter(n))
			n->boost = milli_to_boost(boost_to_milli(n->boost) * m / 1000u);
		suffixed = true;
	}
	if (suffixed && !is_boundary(p, p->i))
		fail(p, NL_EINVAL, p->i, "unexpected '%c' after %s", p->s[p->i],
		     p->s[p->i - 1] >= '0' && p->s[p->i - 1] <= '9' ? "a number" : "a suffix");
}

static bool host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

static struct qnode *parse_source(struct parser *p, size_t fpos)
{
	size_t st = p->i, en;
	size_t q = p->i < p->n ? quote_len(p->s, p->n, p->i) : 0;
	const char *raw;
	size_t rn;
	if (q) {
		struct tok t = { .pos = p->i };
		lex_phrase(p, &t, q);
		if (p->rc)
			return NULL;
		raw = p->s + t.pos + q;
		rn = t.end - t.cqlen - t.pos - q;
		en = t.end;
	} else {
		en = st;
		while (!is_boundary(p, en))
			en++;
		raw = p->s + st;
		rn = en - st;
	}
	p->i = en;
	/* accept a pasted URL: drop scheme, path, port, trailing dot, and every
	 * leading "www." (all of them, so that the canonical form parses back
	 * to itself: "www.www.bbc.co.uk" is bbc.co.uk, as it is in matching) */
	struct nl_str h = nl_str_make(raw, rn);
	for (size_t k = 0; k + 2 < h.n; k++) {
		if (h.p[k] == ':' && h.p[k + 1] == '/' && h.p[k + 2] == '/') {
			h.p += k + 3;
			h.n -= k + 3;
			break;
		}
	}
	for (size_t k = 0; k < h.n; k++) {
		if (h.p[k] == '/' || h.p[k] == ':' || h.p[k] == '?' || h.p[k] == '#') {
			h.n = k;
			break;
		}
	}
	if (h.n && h.p[h.n - 1] == '.')
		h.n--;
	while (h.n > 4 && nl_str_ieq(nl_str_make(h.p, 4), "www."))
		h.p += 4, h.n -= 4;
	bool ok = h.n > 0 && h.n <= 253 && h.p[0] != '.' && h.p[0] != '-' && h.p[h.n - 1] != '.';
	for (size_t k = 0; ok && k < h.n; k++) {
		unsigned char c = (unsigned char)h.p[k];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		ok = host_char(c) && !(c == '.' && k + 1 < h.n && h.p[k + 1] == '.');
	}
	if (!ok) {
		if (rn == 0)
			fail(p, NL_EINVAL, fpos, "'source:' needs a host (source:bbc.co.uk)");
		else
			fail(p, NL_EINVAL, st, "bad source host '%.*s' (write a host like bbc.co.uk)",
			     (int)NL_MIN(rn, 60), raw);
		return NULL;
	}
	struct qnode *n = node_new(p, QNODE_SOURCE, fpos, en);
	char *o = arena_alloc(p->arena, h.n + 1);
	for (size_t k = 0; k < h.n; k++) {
		char c = h.p[k];
		o[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	o[h.n] = 0;
	n->text = nl_str_make(o, h.n);
	return n;
}

/* Parse "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYYMMDD" into the first and last
 * day of that period. */
static bool period_parse(const char *s, size_t n, int32_t *first, int32_t *last)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	if (n == 4 && !memchr(s, '-', 4)) {
		int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		if (!day_valid(y, 1, 1))
			return false;
		*first = day_from_ymd(y, 1, 1);
		*last = day_from_ymd(y, 12, 31);
		return true;
	}
	if (n == 7 && s[4] == '-') {
		for (size_t i = 0; i < 7; i++)
			if (i != 4 && s[i] == '-')
				return false;
		int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		int m = (s[5] - '0') * 10 + (s[6] - '0');
		if (!day_valid(y, m, 1))
			return false;
		*first = day_from_ymd(y, m, 1);
		*last = day_from_ymd(y, m, day_days_in_month(y, m));
		return true;
	}
	int32_t d = day_parse(s, n);
	if (d == NL_NODAY)
		return false;
	*first = *last = d;
	return true;
}

static size_t date_token_end(struct parser *p, size_t i, bool in_range)
{
	while (i < p->n && !is_space((unsigned char)p->s[i]) && p->s[i] != ')' &&
	       !(in_range && (p->s[i] == ']' || p->s[i] == '}')))
		i++;
	return i;
}

static struct qnode *parse_date(struct parser *p, size_t fpos)
{
	int32_t from, to, a, b;
	size_t st = p->i;
	if (p->i < p->n && (p->s[p->i] == '[' || p->s[p->i] == '{')) {
		bool lo_excl = p->s[p->i] == '{';
		p->i++;
		skip_space(p);
		size_t e1 = date_token_end(p, p->i, true);
		size_t s1 = p->i;
		if (e1 - s1 == 1 && p->s[s1] == '*') {
			from = QPARSE_DAY_MIN;
		} else if (period_parse(p->s + s1, e1 - s1, &a, &b)) {
			from = lo_excl ? b + 1 : a;
		} else {
			fail(p, NL_EINVAL, s1, "bad date '%.*s' (write YYYY-MM-DD or *)",
			     (int)NL_MIN(e1 - s1, 40), p->s + s1);
			return NULL;
		}
		p->i = e1;
		skip_space(p);
		if (p->n - p->i < 2 || memcmp(p->s + p->i, "TO", 2) != 0 ||
		    !(p->i + 2 < p->n && is_space((unsigned char)p->s[p->i + 2]))) {
			fail(p, NL_EINVAL, p->i, "date range needs 'TO' ([2022-01-01 TO 2022-01-31])");
			return NULL;
		}
		p->i += 2;
		skip_space(p);
		size_t s2 = p->i, e2 = date_token_end(p, p->i, true);
		bool hi_excl = false;
		if (e2 - s2 == 1 && p->s[s2] == '*') {
			to = QPARSE_DAY_MAX;
		} else if (e2 > s2 && period_parse(p->s + s2, e2 - s2, &a, &b)) {
			to = b; /* adjusted below once we know the bracket */
		} else {
			fail(p, NL_EINVAL, s2, "bad date '%.*s' (write YYYY-MM-DD or *)",
			     (int)NL_MIN(e2 - s2, 40), p->s + s2);
			return NULL;
		}
		p->i = e2;
		skip_space(p);
		if (p->i >= p->n || (p->s[p->i] != ']' && p->s[p->i] != '}')) {
			fail(p, NL_EINVAL, st, "unclosed date range (missing ']')");
			return NULL;
		}
		hi_excl = p->s[p->i] == '}';
		if (hi_excl && to != QPARSE_DAY_MAX)
			to = a - 1;
		p->i++;
		if (from != QPARSE_DAY_MIN && to != QPARSE_DAY_MAX && from > to) {
			fail(p, NL_EINVAL, st, "date range ends before it starts");
			return NULL;
		}
	} else {
		size_t e = date_token_end(p, p->i, false);
		if (e == st) {
			fail(p, NL_EINVAL, fpos, "'date:' needs a date or a range (date:2022-01-18)");
			return NULL;
		}
		if (!period_parse(p->s + st, e - st, &from, &to)) {
			fail(p, NL_EINVAL, st, "bad date '%.*s' (write YYYY-MM-DD, YYYY-MM or YYYY)",
			     (int)NL_MIN(e - st, 40), p->s + st);
			return NULL;
		}
		p->i = e;
	}
	if (!is_boundary(p, p->i)) {
		fail(p, NL_EINVAL, p->i, "unexpected '%c' after date", p->s[p->i]);
		return NULL;
	}
	struct qnode *n = node_new(p, QNODE_DATE, fpos, p->i);
	n->from = from;
	n->to = to;
	return n;
}

/* ------------------------------------------------------------------ parser */

static struct qnode *parse_or(struct parser *p, enum qfield field, bool top);

static struct qnode *parse_primary(struct parser *p, enum qfield field, const char *after)
{
	const struct tok *t = peek(p);
	if (p->rc)
		return NULL;
	struct tok tk = *t;
	struct qnode *n = NULL;
	switch (tk.kind) {
	case TK_LPAREN: {
		if (++p->depth > QPARSE_MAX_DEPTH) {
			fail(p, NL_ETOOBIG, tk.pos, "parentheses nested deeper than %d", QPARSE_MAX_DEPTH);
			return NULL;
		}
		advance(p);
		n = parse_or(p, field, false);
		if (p->rc)
			return NULL;
		if (peek(p)->kind != TK_RPAREN) {
			fail(p, NL_EINVAL, tk.pos, "unclosed '('");
			return NULL;
		}
		advance(p);
		p->depth--;
		break;
	}
	case TK_WORD: {
		advance(p);
		bool prefix = tk.star != SIZE_MAX;
		size_t wend = prefix ? tk.star : tk.end;
		n = node_new(p, prefix ? QNODE_PREFIX : QNODE_TERM, tk.pos, tk.end);
		n->field = field;
		n->text = unescape(p, p->s + tk.pos, wend - tk.pos);
		if (prefix && count_cp(n->text) < QPARSE_MIN_PREFIX) {
			fail(p, NL_EINVAL, tk.pos, "a prefix needs at least %d characters before '*'",
			     QPARSE_MIN_PREFIX);
			return NULL;
		}
		break;
	}
	case TK_PHRASE: {
		advance(p);
		n = node_new(p, QNODE_PHRASE, tk.pos, tk.end);
		n->field = field;
		n->text = unescape(p, p->s + tk.pos + tk.qlen, tk.end - tk.cqlen - tk.pos - tk.qlen);
		bool blank = true;
		for (size_t k = 0; k < n->text.n && blank; k++)
			blank = is_space((unsigned char)n->text.p[k]);
		if (blank) {
			fail(p, NL_EINVAL, tk.pos, "empty phrase");
			return NULL;
		}
		break;
	}
	case TK_FIELD: {
		advance(p);
		if (is_boundary(p, p->i)) {
			fail(p, NL_EINVAL, tk.pos, "'%.*s' needs a value right after the colon",
			     (int)(tk.end - tk.pos), p->s + tk.pos);
			return NULL;
		}
		if (tk.field == F_SOURCE)
			return parse_source(p, tk.pos);
		if (tk.field == F_DATE)
			return parse_date(p, tk.pos);
		const struct tok *v = peek(p);
		if (p->rc)
			return NULL;
		if (v->kind != TK_WORD && v->kind != TK_PHRASE && v->kind != TK_LPAREN) {
			fail(p, NL_EINVAL, v->pos, "expected a word, phrase or group after '%.*s', found %s",
			     (int)(tk.end - tk.pos), p->s + tk.pos, tok_name(v->kind));
			return NULL;
		}
		/* parse_primary applies the suffix itself */
		return parse_primary(p, tk.field == F_TITLE ? QFIELD_TITLE : QFIELD_BODY,
				     "a field");
	}
	default:
		if (tk.kind == TK_EOF && !p->rc)
			fail(p, NL_EINVAL, tk.pos, "query ends where a word, phrase or group was expected%s%s",
			     after ? " after " : "", after ? after : "");
		else
			fail(p, NL_EINVAL, tk.pos, "expected a word, phrase or group%s%s, found %s",
			     after ? " after " : "", after ? after : "", tok_name(tk.kind));
		return NULL;
	}
	if (p->rc)
		return NULL;
	if (tk.kind == TK_WORD && p->i < p->n && p->s[p->i] == '~') {
		fail(p, NL_EINVAL, p->i, "fuzzy search (word~) is not supported");
		return NULL;
	}
	parse_suffix(p, n);
	return p->rc ? NULL : n;
}

static struct qnode *parse_unary(struct parser *p, enum qfield field, enum qoccur *occ)
{
	const struct tok *t = peek(p);
	*occ = QOCCUR_SHOULD;
	const char *after = NULL;
	if (t->kind == TK_NOT || t->kind == TK_PLUS || t->kind == TK_MINUS) {
		struct tok op = *t;
		*occ = op.kind == TK_PLUS ? QOCCUR_MUST : QOCCUR_MUST_NOT;
		after = tok_name(op.kind);
		advance(p);
		t = peek(p);
		if (t->kind == TK_NOT || t->kind == TK_PLUS || t->kind == TK_MINUS) {
			fail(p, NL_EINVAL, t->pos, "%s cannot follow %s", tok_name(t->kind), after);
			return NULL;
		}
	}
	return parse_primary(p, field, after);
}

static struct qnode *parse_and(struct parser *p, enum qfield field, enum qoccur *occ)
{
	size_t pos = peek(p)->pos;
	enum qoccur o;
	struct qnode *first = parse_unary(p, field, &o);
	if (!first)
		return NULL;
	if (peek(p)->kind != TK_AND) {
		*occ = o;
		return first;
	}
	struct clist l = { 0 };
	clist_add(p, &l, o == QOCCUR_MUST_NOT ? QOCCUR_MUST_NOT : QOCCUR_MUST, first);
	while (!p->rc && peek(p)->kind == TK_AND) {
		size_t at = p->tok.pos;
		advance(p);
		enum tokkind k = peek(p)->kind;
		if (!p->rc && (k == TK_EOF || k == TK_RPAREN || k == TK_AND || k == TK_OR)) {
			fail(p, NL_EINVAL, at, "AND needs something after it");
			return NULL;
		}
		struct qnode *n = parse_unary(p, field, &o);
		if (!n)
			return NULL;
		clist_add(p, &l, o == QOCCUR_MUST_NOT ? QOCCUR_MUST_NOT : QOCCUR_MUST, n);
	}
	*occ = QOCCUR_SHOULD;
	return p->rc ? NULL : finish_bool(p, &l, pos, p->i);
}

static struct qnode *parse_or(struct parser *p, enum qfield field, bool top)
{
	struct clist l = { 0 };
	size_t pos = peek(p)->pos;
	for (;;) {
		const struct tok *t = peek(p);
		if (p->rc)
			return NULL;
		if (t->kind == TK_EOF || t->kind == TK_RPAREN)
			break;
		if (t->kind == TK_AND || t->kind == TK_OR) {
			if (l.n == 0) {
				fail(p, NL_EINVAL, t->pos, "%s needs something before it", tok_name(t->kind));
				return NULL;
			}
			if (t->kind == TK_AND) /* only after NOT-less and-chains ending oddly */
				break;
			struct tok op = *t;
			advance(p);
			t = peek(p);
			if (p->rc)
				return NULL;
			if (t->kind == TK_EOF || t->kind == TK_RPAREN || t->kind == TK_AND || t->kind == TK_OR) {
				fail(p, NL_EINVAL, op.pos, "OR needs something after it");
				return NULL;
			}
		}
		enum qoccur o;
		struct qnode *n = parse_and(p, field, &o);
		if (!n)
			return NULL;
		clist_add(p, &l, o, n);
	}
	if (l.n == 0) {
		const struct tok *t = peek(p);
		if (top && t->kind == TK_EOF)
			fail(p, NL_EEMPTY, t->pos, "empty query");
		else if (top)
			fail(p, NL_EINVAL, t->pos, "unmatched ')'");
		else
			fail(p, NL_EINVAL, t->pos, "empty parentheses");
		return NULL;
	}
	return finish_bool(p, &l, pos, p->i);
}

static bool scoring(const struct qnode *n)
{
	switch (n->kind) {
	case QNODE_TERM:
	case QNODE_PHRASE:
	case QNODE_PREFIX:
		return true;
	case QNODE_BOOL:
		for (size_t i = 0; i < n->nclauses; i++)
			if ((n->clauses[i].occur == QOCCUR_MUST || n->clauses[i].occur == QOCCUR_SHOULD) &&
			    scoring(n->clauses[i].node))
				return true;
		return false;
	default:
		return false;
	}
}

int qparse(const char *text, size_t len, struct qtree **out, struct qparse_error *err)
{
	struct parser p = { .s = text, .n = len, .err = err };
	*out = NULL;
	if (err) {
		err->code = 0;
		err->column = 0;
		err->msg[0] = 0;
	}
	if (len > QPARSE_MAX_LEN) {
		fail(&p, NL_ETOOBIG, QPARSE_MAX_LEN, "query longer than %d bytes", QPARSE_MAX_LEN);
		return p.rc;
	}
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int k = utf8_decode(text + i, len - i, &cp);
		if (k < 0) {
			fail(&p, NL_EINVAL, i, "invalid UTF-8");
			return p.rc;
		}
		i += (size_t)k;
	}
	p.arena = xcalloc(1, sizeof(*p.arena));
	struct qnode *root = parse_or(&p, QFIELD_ANY, true);
	if (!p.rc && peek(&p)->kind != TK_EOF) {
		const struct tok *t = peek(&p);
		fail(&p, NL_EINVAL, t->pos, t->kind == TK_RPAREN ? "unmatched ')'" : "unexpected %s",
		     tok_name(t->kind));
	}
	if (p.rc) {
		arena_free(p.arena);
		return p.rc;
	}
	struct qtree *t = arena_alloc(p.arena, sizeof(*t));
	t->root = root;
	t->nleaves = p.nleaves;
	t->scoring = scoring(root);
	t->arena = p.arena;
	*out = t;
	return NL_OK;
}

void qparse_free(struct qtree *t)
{
	if (t)
		arena_free(t->arena); /* t itself lives in the arena */
}

/* ------------------------------------------------------------------ printing */

static bool word_needs_escape(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	if (is_space(c) || is_special((char)c) || c == '\\' || c == ':' || c == '*' || c == '"')
		return true;
	if (i == 0 && (c == '+' || c == '-'))
		return true;
	return quote_len(s, n, i) != 0;
}

static int print_word(struct buf *b, struct nl_str w)
{
	int rc = 0;
	bool op = nl_str_eq(w, NL_STR("AND")) || nl_str_eq(w, NL_STR("OR")) || nl_str_eq(w, NL_STR("NOT")) ||
		  nl_str_eq(w, NL_STR("&&")) || nl_str_eq(w, NL_STR("||"));
	for (size_t i = 0; i < w.n && !rc;) {
		size_t l = cplen(w.p, i);
		if (i + l > w.n)
			l = w.n - i;
		if ((i == 0 && op) || word_needs_escape(w.p, w.n, i))
			rc = buf_putc(b, '\\');
		if (!rc)
			rc = buf_put(b, w.p + i, l);
		i += l;
	}
	return rc;
}

static int print_phrase(struct buf *b, struct nl_str w)
{
	int rc = buf_putc(b, '"');
	for (size_t i = 0; i < w.n && !rc;) {
		size_t l = cplen(w.p, i);
		if (i + l > w.n)
			l = w.n - i;
		if (w.p[i] == '\\' || quote_len(w.p, w.n, i))
			rc = buf_putc(b, '\\');
		if (!rc)
			rc = buf_put(b, w.p + i, l);
		i += l;
	}
	return rc ? rc : buf_putc(b, '"');
}

static int print_node(const struct qnode *n, struct buf *b, bool top)
{
	int rc = 0;
	if (n->kind == QNODE_TERM || n->kind == QNODE_PHRASE || n->kind == QNODE_PREFIX) {
		if (n->field == QFIELD_TITLE)
			rc = buf_puts(b, "title:");
		else if (n->field == QFIELD_BODY)
			rc = buf_puts(b, "body:");
	}
	char d1[11], d2[11];
	bool paren = n->kind == QNODE_BOOL && (!top || n->boost != 1.0f);
	switch (n->kind) {
	case QNODE_TERM:
		rc = rc ? rc : print_word(b, n->text);
		break;
	case QNODE_PREFIX:
		rc = rc ? rc : print_word(b, n->text);
		rc = rc ? rc : buf_putc(b, '*');
		break;
	case QNODE_PHRASE:
		rc = rc ? rc : print_phrase(b, n->text);
		if (!rc && n->slop)
			rc = buf_printf(b, "~%d", n->slop);
		break;
	case QNODE_SOURCE:
		rc = buf_printf(b, "source:%.*s", (int)n->text.n, n->text.p);
		break;
	case QNODE_DATE:
		if (n->from != QPARSE_DAY_MIN)
			day_format(n->from, d1);
		if (n->to != QPARSE_DAY_MAX)
			day_format(n->to, d2);
		if (n->from == n->to)
			rc = buf_printf(b, "date:%s", d1);
		else
			rc = buf_printf(b, "date:[%s TO %s]", n->from == QPARSE_DAY_MIN ? "*" : d1,
					n->to == QPARSE_DAY_MAX ? "*" : d2);
		break;
	case QNODE_BOOL:
		if (paren)
			rc = buf_putc(b, '(');
		for (size_t i = 0; i < n->nclauses && !rc; i++) {
			if (i)
				rc = buf_putc(b, ' ');
			enum qoccur o = n->clauses[i].occur;
			if (!rc && (o == QOCCUR_MUST || o == QOCCUR_FILTER))
				rc = buf_putc(b, '+');
			else if (!rc && o == QOCCUR_MUST_NOT)
				rc = buf_putc(b, '-');
			rc = rc ? rc : print_node(n->clauses[i].node, b, false);
		}
		if (!rc && paren)
			rc = buf_putc(b, ')');
		break;
	}
	if (!rc && n->boost != 1.0f) {
		uint64_t m = boost_to_milli(n->boost);
		rc = buf_printf(b, "^%llu", (unsigned long long)(m / 1000));
		if (!rc && m % 1000) {
			char f[5];
			snprintf(f, sizeof(f), ".%03u", (unsigned)(m % 1000));
			size_t fl = 4;
			while (f[fl - 1] == '0')
				fl--;
			rc = buf_put(b, f, fl);
		}
	}
	return rc;
}

int qparse_print(const struct qnode *n, struct buf *out)
{
	return print_node(n, out, true);
}

/* ------------------------------------------------------------------ matching */

/* h without its leading "www."s, as the parser keeps a filter's host */
static struct nl_str strip_www(struct nl_str h)
{
	while (h.n > 4 && nl_str_ieq(nl_str_make(h.p, 4), "www."))
		h.p += 4, h.n -= 4;
	return h;
}

bool qparse_host_match(struct nl_str filter, struct nl_str host)
{
	filter = strip_www(filter);
	host = strip_www(host);
	if (filter.n == 0 || host.n < filter.n)
		return false;
	struct nl_str tail = nl_str_make(host.p + host.n - filter.n, filter.n);
	for (size_t i = 0; i < filter.n; i++) {
		int x = (unsigned char)tail.p[i], y = (unsigned char)filter.p[i];
		if (x >= 'A' && x <= 'Z') x += 32;
		if (y >= 'A' && y <= 'Z') y += 32;
		if (x != y)
			return false;
	}
	return host.n == filter.n || host.p[host.n - filter.n - 1] == '.';
}

bool qparse_date_match(const struct qnode *n, int32_t day)
{
	if (day == NL_NODAY)
		return false;
	return day >= n->from && day <= n->to;
}
