/*
 * rouge.h — ROUGE-1.5.5 tokenisation and ROUGE-N counts, exactly as the Perl
 * script computes them when run with `-m -s` (stem, remove stopwords).
 *
 * The timeline summarisation literature reports ROUGE through tilse, which
 * writes each summary into a SEE-format HTML file (pyrouge) and runs
 * ROUGE-1.5.5.pl -n 2 -m -s -t 2 -f A. This module reproduces both halves:
 *
 *   rouge_tokenize()       ROUGE's own normalisation of a text: ASCII
 *                          lower-casing, every byte outside [A-Za-z0-9]
 *                          separates words, SMART stopwords dropped, words
 *                          longer than 3 bytes replaced by their WordNet
 *                          exception entry or else stemmed with ROUGE's
 *                          Porter variant (rouge_porter()).
 *   rouge_doc_add_see()    the same, for a sentence as pyrouge hands it to
 *                          ROUGE: '^' is written as "&circ;" (so it becomes
 *                          the word "circ") and the sentence is cut at its
 *                          first '<' (ROUGE's SEE reader stops there).
 *   rouge_count()          model / peer / hit n-gram counts for one peer
 *                          against several models, summed over the models
 *                          (scoring formula A), with clipped hits.
 *
 * Word lists are not compiled in: rouge_lang_open() reads
 * smart_common_words.txt and wordnet_exceptions.tsv from a directory,
 * by default $NEWSLINE_ROUGE_DATA or else ../shared/vectors/tls-metric.
 */
#ifndef NL_ROUGE_H
#define NL_ROUGE_H

#include "util/common.h"
#include "util/buf.h"

#define ROUGE_DEFAULT_DIR "../shared/vectors/tls-metric"

/* Stopword set and exception table. Immutable after open, so one instance
 * can be shared by any number of threads. */
struct rouge_lang;

/* The directory rouge_lang_open(NULL, ...) reads: $NEWSLINE_ROUGE_DATA if set
 * and non-empty, else ROUGE_DEFAULT_DIR. Never NULL. */
const char *rouge_data_dir(void);

/* Load <dir>/smart_common_words.txt (one stopword a line) and
 * <dir>/wordnet_exceptions.tsv (inflected<TAB>base a line); dir NULL means
 * rouge_data_dir(). On success stores a new object in *out (free with
 * rouge_lang_free) and returns 0. Errors: NL_ENOTFOUND / NL_EIO when a file
 * cannot be read, NL_ETOOBIG when one is over 64 MiB, NL_EINVAL when the
 * exception table has a line without a tab. If err is non-NULL a message
 * naming the file is appended to it. */
int rouge_lang_open(const char *dir, struct rouge_lang **out, struct buf *err);
void rouge_lang_free(struct rouge_lang *lang);

size_t rouge_lang_nstopwords(const struct rouge_lang *lang);
size_t rouge_lang_nexceptions(const struct rouge_lang *lang);

/* ROUGE's Porter stemmer (the tartarus Perl version with Chin-Yew Lin's
 * change to step 4) applied to the lowercase ASCII word w[0..n). Writes the
 * stem to out, which must have room for n bytes (a stem is never longer
 * than its word; out may equal w) and returns its length. Words shorter
 * than 3 bytes are returned unchanged. No exception lookup. */
size_t rouge_porter(const char *w, size_t n, char *out);

/* Called once per token, in text order. The token bytes are valid only
 * during the call. */
typedef void (*rouge_token_fn)(void *arg, const char *tok, size_t n);

/* Tokenise text[0..len) as ROUGE-1.5.5 -m -s does (see top of file). */
void rouge_tokenize(const struct rouge_lang *lang, const char *text, size_t len,
		    rouge_token_fn fn, void *arg);

/* Tokenise one sentence the way it reaches ROUGE through pyrouge's SEE
 * file: cut at the first '<', '^' becomes the word "circ", then as
 * rouge_tokenize(). */
void rouge_tokenize_see(const struct rouge_lang *lang, const char *sent, size_t len,
			rouge_token_fn fn, void *arg);

/* ---- n-gram counting ------------------------------------------------------ */

/* Interns token strings to dense ids so that documents are id arrays. */
struct rouge_vocab;
struct rouge_vocab *rouge_vocab_new(void);
void rouge_vocab_free(struct rouge_vocab *v);
/* Id of the token (added if new). */
uint32_t rouge_vocab_id(struct rouge_vocab *v, const char *tok, size_t n);
/* Token bytes of an id (NUL terminated; valid until the vocab is freed or
 * grows). */
struct nl_str rouge_vocab_str(const struct rouge_vocab *v, uint32_t id);

/* A summary as ROUGE sees it: the token ids of all its sentences, joined. */
struct rouge_doc {
	uint32_t *ids;
	size_t n, cap;
};

void rouge_doc_init(struct rouge_doc *d);
void rouge_doc_release(struct rouge_doc *d);
/* Append the tokens of one sentence, pyrouge/SEE path (rouge_tokenize_see). */
void rouge_doc_add_see(struct rouge_doc *d, const struct rouge_lang *lang,
		       struct rouge_vocab *v, const char *sent, size_t len);

/* Raw counts as `ROUGE-1.5.5.pl -t 2 -f A` prints them. */
struct rouge_counts {
	int64_t model; /* n-grams in the models, summed over models */
	int64_t peer;  /* n-grams in the peer, counted once per model */
	int64_t hit;   /* clipped matches, summed over models */
};

/* ROUGE-n counts of peer against models[0..nmodels), n = 1 or 2 (other n
 * give zero counts). N-grams run across sentence boundaries, as ROUGE joins
 * the sentences. An empty model still counts as a model: the peer's n-grams
 * enter the peer count once per model. */
struct rouge_counts rouge_count(const struct rouge_doc *peer, const struct rouge_doc *models,
				size_t nmodels, int n);

#endif
