/*
 * token.h — turn text into index terms with byte offsets.
 *
 * The tokenizer walks UTF-8 text (already valid, see utf8.h) and reports each
 * word through a callback, as SQLite FTS5's tokenizers do: the normalised
 * term (Unicode NFKC case-folded via utf8proc, English possessive removed,
 * then Snowball English stemming when enabled) and the byte range of the word
 * in the original text. The original text is never modified.
 *
 * What a term is (token.c's design comment has the details):
 *   - a word is a run of letters and numbers (plus combining marks); hyphens
 *     and other punctuation split words: "ex-Soviet" -> ex, soviet;
 *   - apostrophes inside a word are dropped, and a final possessive 's with
 *     them: "Russia's" -> russia, "don't" -> dont, "workers'" -> workers;
 *   - "2,014" -> 2014 and "3.5" -> 3.5 (separators between digits);
 *   - dotted acronyms are one term: "U.S." -> us, "a.m." -> am;
 *   - Treebank artefacts give no term: -LRB- -RRB- ..., split-off clitics
 *     " 's " " 're " " n't " ...;
 *   - terms with a digit are never stemmed; acronyms neither;
 *   - a term is at most TOKEN_MAX_BYTES bytes, cut at a code point.
 * Spans [start, end) are byte offsets into the text passed to tokenize(),
 * cover the whole word as written (possessive and all, a cut word in full, an
 * acronym with its final dot), are non-empty and come in increasing,
 * non-overlapping order. Invalid UTF-8 is skipped, never read past len.
 *
 * A tokenizer owns a libstemmer handle, a 2 MiB stem cache and scratch
 * buffers: use one per thread. Out of memory aborts (xmalloc).
 */
#ifndef NL_TOKEN_H
#define NL_TOKEN_H

#include "util/common.h"

#define TOKEN_MAX_BYTES 64 /* longer words are cut to this many bytes (at a code point) */

struct tokenizer;

/* Called once per token; term is not NUL-terminated and valid only during the
 * call. term[0..TOKEN_MAX_BYTES) may always be read (the bytes past term_len
 * are unspecified), so a callback can copy a short term with a fixed-size
 * copy. Return nonzero to stop tokenizing (tokenize() then returns that value). */
typedef int (*token_fn)(void *ctx, const char *term, size_t term_len, uint32_t start, uint32_t end);

/* A new tokenizer; stem = true applies Snowball English stemming. Never NULL. */
struct tokenizer *tokenizer_new(bool stem);
/* Free t and everything it owns; NULL is allowed. */
void tokenizer_free(struct tokenizer *t);
/* Report every term of text[0..len) to fn, in text order. Returns 0 when the
 * text is done, the callback's nonzero value if it stopped early, or
 * NL_ETOOBIG (without calling fn) if len > UINT32_MAX (offsets are 32-bit). */
int tokenize(struct tokenizer *t, const char *text, size_t len, token_fn fn, void *ctx);
/* A term as tokenize_batch() hands it out. */
struct token_term {
	uint64_t hash;       /* nl_hash64(term, len) (util/common.h): the
			      * tokenizer keeps each stem's hash in its stem
			      * cache, so most terms come hashed at no cost */
	uint32_t len;        /* 1..TOKEN_MAX_BYTES */
	uint32_t start, end; /* the word's span, as token_fn's */
	char term[TOKEN_MAX_BYTES + 32]; /* not NUL-terminated; all of it may be read */
};
/* Called with terms[0..n) (n >= 1), the next terms of the text in order;
 * valid only during the call. Return nonzero to stop tokenizing. */
typedef int (*token_batch_fn)(void *ctx, const struct token_term *terms, size_t n);
/* tokenize(), handing out the terms with their hashes some tens at a time:
 * for a callback that does little per term, a call per term costs more than
 * its work (saving registers, reloading its state). Returns as tokenize(). */
int tokenize_batch(struct tokenizer *t, const char *text, size_t len, token_batch_fn fn,
		   void *ctx);
#define TOKEN_PAD 16
/* tokenize_batch() of text followed by TOKEN_PAD more bytes that may be
 * read (any values; zeroed keeps memory checkers quiet): the words near
 * its end take the fast path too. The terms are tokenize_batch()'s. */
int tokenize_batch_padded(struct tokenizer *t, const char *text, size_t len, token_batch_fn fn,
			  void *ctx);
/* Normalise one word as tokenize() would (for query terms): the result is the
 * first term tokenize() reports for word[0..len) alone, so a query word
 * matches the index term of the same word in a document. If the text holds
 * several words ("ex-Soviet") only the first is returned: tokenize phrases
 * with tokenize(). Writes at most cap bytes to out (cut at a code point; cap
 * >= TOKEN_MAX_BYTES never cuts) and returns the length; 0 if there is no
 * term ("--", "'s"). out is not NUL-terminated. */
size_t tokenizer_term(struct tokenizer *t, const char *word, size_t len, char *out, size_t cap);

#endif
