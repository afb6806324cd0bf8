/*
 * qparse.h — the search query language: parse a query into a tree.
 *
 * The language is Lucene's classic query syntax, the one news researchers
 * write daily in Media Cloud and Elasticsearch:
 *
 *   climate change                 words; the default operator is OR (ranked)
 *   "Crimean Peninsula"            exact phrase; "a b"~3 allows slop 3
 *   Blinken AND Lavrov             AND, OR, NOT in capitals (also && and ||)
 *   +Blinken -Geneva               required / excluded clause
 *   (Kyiv OR Kiev) AND gas         parentheses group
 *   title:Putin  title:(a OR b)    restrict words to the headline (body: to the text)
 *   source:bbc.co.uk               only articles from that host (www. optional)
 *   date:[2022-01-01 TO 2022-01-31], date:2022-01-18, date:2022-01, date:2022,
 *   date:[2022-01-01 TO *]         date filters; {} bounds are exclusive
 *   sanction*                      prefix (at least 2 characters before the *)
 *   term^2  "a b"^0.5  (a b)^3     boost
 *   \( \" \: \*                    backslash makes the next character literal
 *
 * Precedence is NOT > AND > OR (juxtaposition is OR). Unlike Lucene's classic
 * parser, which turns "a AND b OR c" into "+a +b c", we honour precedence:
 * (a AND b) OR c. The tree is Lucene's BooleanQuery: a QNODE_BOOL holds
 * clauses, each with an occur: MUST (+), SHOULD (plain, ranked OR), MUST_NOT
 * (-, NOT) or FILTER (must match, does not score). So "AND" is a BOOL of MUST
 * clauses, "OR" a BOOL of SHOULD clauses, "NOT x" a MUST_NOT clause.
 *
 * Filters (source:, date: and groups made only of them) never score. A filter
 * clause that is required (+, AND) becomes FILTER; so does a plain filter
 * clause in a boolean that also has scoring clauses: "climate source:bbc.co.uk"
 * means climate articles from the BBC, not climate OR anything from the BBC.
 * A boolean made only of filters keeps its SHOULD clauses: source:a OR source:b.
 *
 * Words are not normalised: a TERM carries the raw word as typed (escapes
 * removed). The executor runs it through tokenizer_term() (text/token.h); a
 * raw word such as "U.S." or "ex-Soviet" may give several terms, which are to
 * be matched as a phrase. A PHRASE carries the raw text between the quotes.
 *
 * Errors carry the 1-based byte column: "query: column 14: unclosed quote".
 * Input is capped (QPARSE_MAX_LEN bytes, QPARSE_MAX_DEPTH levels of
 * parentheses, QPARSE_MAX_LEAVES words/phrases/filters) and must be UTF-8.
 */
#ifndef NL_QPARSE_H
#define NL_QPARSE_H

#include "util/common.h"
#include "util/buf.h"

#define QPARSE_MAX_LEN 8192
#define QPARSE_MAX_DEPTH 32
#define QPARSE_MAX_LEAVES 1024
#define QPARSE_MIN_PREFIX 2 /* code points before a trailing '*' */

/* Open ends of a date range. */
#define QPARSE_DAY_MIN INT32_MIN
#define QPARSE_DAY_MAX INT32_MAX

enum qnode_kind {
	QNODE_TERM,   /* text: one raw word */
	QNODE_PHRASE, /* text: raw words between quotes; slop */
	QNODE_PREFIX, /* text: the raw word before the '*' */
	QNODE_BOOL,   /* clauses */
	QNODE_SOURCE, /* text: lower-case host, no scheme, path or leading "www." */
	QNODE_DATE,   /* from..to inclusive day numbers (util/day.h); open = QPARSE_DAY_MIN/MAX */
};

enum qoccur {
	QOCCUR_MUST,     /* must match, scores */
	QOCCUR_SHOULD,   /* may match, scores; a BOOL with no MUST/FILTER clause needs one */
	QOCCUR_MUST_NOT, /* must not match */
	QOCCUR_FILTER,   /* must match, does not score */
};

enum qfield {
	QFIELD_ANY,   /* title or body */
	QFIELD_TITLE,
	QFIELD_BODY,
};

struct qnode;

struct qclause {
	enum qoccur occur;
	struct qnode *node;
};

struct qnode {
	enum qnode_kind kind;
	enum qfield field;      /* TERM, PHRASE, PREFIX */
	float boost;            /* 1 unless ^N was given */
	uint32_t pos, len;      /* bytes of the query this node came from */
	struct nl_str text;     /* TERM, PHRASE, PREFIX, SOURCE; NUL follows text.p[text.n] */
	int slop;               /* PHRASE: ~N, else 0 */
	int32_t from, to;       /* DATE */
	struct qclause *clauses; /* BOOL */
	size_t nclauses;
};

/* A parsed query. All nodes and strings live in memory the tree owns; they
 * stay valid until qparse_free() and do not point into the query text. */
struct qtree {
	struct qnode *root;
	size_t nleaves;          /* TERM + PHRASE + PREFIX + SOURCE + DATE nodes */
	bool scoring;            /* some TERM/PHRASE/PREFIX can contribute a score */
	struct qarena *arena;    /* private */
};

struct qparse_error {
	int code;       /* NL_EINVAL, NL_ETOOBIG or NL_EEMPTY */
	size_t column;  /* 1-based byte column; length + 1 for "at end of query" */
	char msg[200];  /* "query: column 14: unclosed quote" */
};

/*
 * Parse len bytes of query text. On success returns NL_OK and stores a tree
 * the caller frees with qparse_free(). On failure returns
 *   NL_EEMPTY   the query has no clause (empty, blanks only)
 *   NL_ETOOBIG  longer than QPARSE_MAX_LEN, deeper than QPARSE_MAX_DEPTH or
 *               more than QPARSE_MAX_LEAVES leaves
 *   NL_EINVAL   any other syntax error, or invalid UTF-8
 * stores NULL in *out and, when err is not NULL, fills it in.
 */
int qparse(const char *text, size_t len, struct qtree **out, struct qparse_error *err);

void qparse_free(struct qtree *t);

/*
 * Append the canonical form of a node to out: Lucene's toString style, with
 * clauses prefixed + (MUST, FILTER), - (MUST_NOT) or nothing (SHOULD), nested
 * booleans in parentheses (the root without), fields as title:/body:, words
 * escaped so that parsing the output gives the same tree again. Returns NL_OK
 * or NL_ETOOBIG when out's cap is crossed.
 */
int qparse_print(const struct qnode *n, struct buf *out);

/* Does a SOURCE filter's host match an article's host? ASCII case-insensitive,
 * a leading "www." ignored on both sides, and a filter matches its subdomains:
 * "bbc.co.uk" matches "news.bbc.co.uk" but not "notbbc.co.uk". */
bool qparse_host_match(struct nl_str filter, struct nl_str host);

/* Does a DATE node's range contain day? Undated (NL_NODAY) never matches. */
bool qparse_date_match(const struct qnode *n, int32_t day);

#endif
