/*
 * token.h — turn text into index terms with byte offsets.
 *
 * The tokenizer walks UTF-8 text (already valid, see utf8.h) and reports each
 * word through a callback, as SQLite FTS5's tokenizers do: the normalised
 * term (Unicode NFKC case-folded via utf8proc, English possessive removed,
 * then Snowball English stemming when enabled) and the byte range of the word
 * in the original text. The original text is never modified.
 *
 * A tokenizer owns a libstemmer handle and scratch buffers: one per thread.
 */
#ifndef NL_TOKEN_H
#define NL_TOKEN_H

#include "util/common.h"

#define TOKEN_MAX_BYTES 64 /* longer words are cut to this many bytes (at a code point) */

struct tokenizer;

/* Called once per token; term is not NUL-terminated and valid only during the
 * call. Return nonzero to stop tokenizing (tokenize() then returns that value). */
typedef int (*token_fn)(void *ctx, const char *term, size_t term_len, uint32_t start, uint32_t end);

struct tokenizer *tokenizer_new(bool stem);
void tokenizer_free(struct tokenizer *t);
int tokenize(struct tokenizer *t, const char *text, size_t len, token_fn fn, void *ctx);
/* Normalise one word as tokenize() would (for query terms); writes at most cap
 * bytes to out and returns the length (0 if the word has no term characters). */
size_t tokenizer_term(struct tokenizer *t, const char *word, size_t len, char *out, size_t cap);

#endif
