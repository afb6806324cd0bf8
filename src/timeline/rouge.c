/*
 * rouge.c — ROUGE-1.5.5 (-m -s) tokenisation, Porter stemming and ROUGE-N
 * counts. See rouge.h for what is reproduced and why.
 *
 * Why by hand: the evaluation numbers of the timeline summarisation
 * literature are ROUGE-1.5.5.pl numbers, and that script's normalisation has
 * quirks no stemming library shares (its Porter port tests "*o" against the
 * whole word, drops "-ement" before "-ment", looks words up in a WordNet
 * exception table first and leaves words of 3 bytes or less alone).
 * libstemmer's Porter differs on words like "agreement" or "hopping"; an
 * exact metric needs the script's own rules, written out below.
 *
 * How ROUGE-1.5.5 reads a summary (readText + createNGram), restated:
 *   1. every sentence is ASCII lower-cased (tr/A-Z/a-z/) and the sentences
 *      are joined with spaces;
 *   2. '-' is padded with spaces, then every byte outside [A-Za-z0-9-]
 *      becomes a space; the text is split on whitespace;
 *   3. a token that is a stopword is dropped; a token not starting with
 *      [a-z0-9$] is dropped (this drops the "-" tokens);
 *   4. a token longer than 3 bytes is replaced by its exception-table entry
 *      if it has one, else by its Porter stem.
 * So the words are the maximal runs of ASCII letters and digits, and every
 * other byte (UTF-8 included) separates words.
 *
 * The Perl stemmer is written with regular expressions; each expression is
 * restated below as a scan that accepts exactly what the Perl pattern
 * accepts (with backtracking taken into account), see porter_* helpers.
 *
 * Tables: stopwords and exceptions live in open-addressing hash tables
 * whose keys point into the loaded file text (one allocation per file).
 */
#include "timeline/rouge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUGE_FILE_CAP ((size_t)64 << 20)

/* ========================================================================== */
/* string hash table (set or map), keys and values point into owned text      */
/* ========================================================================== */

struct strtab_slot {
	const char *key, *val;
	uint32_t klen, vlen;
	uint64_t hash;
};

struct strtab {
	struct strtab_slot *slots;
	size_t cap, n; /* cap is a power of two, or 0 */
};

static void strtab_grow(struct strtab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 1024;
	struct strtab_slot *ns = xcalloc(ncap, sizeof(*ns));
	for (size_t i = 0; i < t->cap; i++) {
		struct strtab_slot *s = &t->slots[i];
		if (!s->key)
			continue;
		size_t j = (size_t)s->hash & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = *s;
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
}

/* Insert unless present (first entry wins, like reading a hash from a file
 * once). */
static void strtab_put(struct strtab *t, const char *k, size_t kn, const char *v, size_t vn)
{
	if ((t->n + 1) * 2 > t->cap)
		strtab_grow(t);
	uint64_t h = nl_hash64(k, kn);
	size_t j = (size_t)h & (t->cap - 1);
	while (t->slots[j].key) {
		struct strtab_slot *s = &t->slots[j];
		if (s->hash == h && s->klen == kn && memcmp(s->key, k, kn) == 0)
			return;
		j = (j + 1) & (t->cap - 1);
	}
	t->slots[j] = (struct strtab_slot){ k, v, (uint32_t)kn, (uint32_t)vn, h };
	t->n++;
}

static const struct strtab_slot *strtab_get(const struct strtab *t, const char *k, size_t kn)
{
	if (!t->cap)
		return NULL;
	uint64_t h = nl_hash64(k, kn);
	size_t j = (size_t)h & (t->cap - 1);
	while (t->slots[j].key) {
		const struct strtab_slot *s = &t->slots[j];
		if (s->hash == h && s->klen == kn && memcmp(s->key, k, kn) == 0)
			return s;
		j = (j + 1) & (t->cap - 1);
	}
	return NULL;
}

/* ========================================================================== */
/* word lists                                                                 */
/* ========================================================================== */

struct rouge_lang {
	char *stop_text, *exc_text;
	struct strtab stop, exc;
};

const char *rouge_data_dir(void)
{
	const char *e = getenv("NEWSLINE_ROUGE_DATA");
	return (e && *e) ? e : ROUGE_DEFAULT_DIR;
}

static int read_file(const char *path, char **out, size_t *len, struct buf *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		int rc = errno == ENOENT ? NL_ENOTFOUND : NL_EIO;
		if (err)
			buf_printf(err, "rouge: %s: %s", path, strerror(errno));
		return rc;
	}
	struct buf b;
	buf_init(&b, ROUGE_FILE_CAP);
	char tmp[65536];
	size_t got;
	int rc = NL_OK;
	while ((got = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (buf_put(&b, tmp, got) != NL_OK) {
			rc = NL_ETOOBIG;
			if (err)
				buf_printf(err, "rouge: %s: larger than %zu bytes", path,
					   (size_t)ROUGE_FILE_CAP);
			break;
		}
	}
	if (rc == NL_OK && ferror(f)) {
		rc = NL_EIO;
		if (err)
			buf_printf(err, "rouge: %s: read error", path);
	}
	fclose(f);
	if (rc != NL_OK) {
		buf_release(&b);
		return rc;
	}
	buf_reserve(&b, 1); /* a NUL-terminated allocation even when empty */
	*out = buf_detach(&b, len);
	return NL_OK;
}

/* Perl's chomp: drop one trailing "\n". Lines are also cut at '\r' (the
 * shipped lists have none, but a CRLF copy must not change the metric). */
static size_t line_end(const char *p, const char *end)
{
	const char *e = memchr(p, '\n', (size_t)(end - p));
	return (size_t)((e ? e : end) - p);
}

int rouge_lang_open(const char *dir, struct rouge_lang **out, struct buf *err)
{
	if (!dir)
		dir = rouge_data_dir();
	struct rouge_lang *l = xcalloc(1, sizeof(*l));
	struct buf path;
	buf_init(&path, 0);
	size_t n;
	int rc;

	buf_printf(&path, "%s/smart_common_words.txt", dir);
	rc = read_file(path.p, &l->stop_text, &n, err);
	if (rc != NL_OK)
		goto fail;
	for (const char *p = l->stop_text, *end = p + n; p < end;) {
		size_t k = line_end(p, end), w = k;
		if (w && p[w - 1] == '\r')
			w--;
		if (w)
			strtab_put(&l->stop, p, w, NULL, 0);
		p += k + 1;
	}

	buf_clear(&path);
	buf_printf(&path, "%s/wordnet_exceptions.tsv", dir);
	rc = read_file(path.p, &l->exc_text, &n, err);
	if (rc != NL_OK)
		goto fail;
	size_t lineno = 0;
	for (const char *p = l->exc_text, *end = p + n; p < end;) {
		size_t k = line_end(p, end), w = k;
		lineno++;
		if (w && p[w - 1] == '\r')
			w--;
		if (w) {
			const char *tab = memchr(p, '\t', w);
			if (!tab) {
				rc = NL_EINVAL;
				if (err)
					buf_printf(err, "rouge: %s:%zu: no tab in exception line",
						   path.p, lineno);
				goto fail;
			}
			strtab_put(&l->exc, p, (size_t)(tab - p), tab + 1,
				   w - (size_t)(tab - p) - 1);
		}
		p += k + 1;
	}
	buf_release(&path);
	*out = l;
	return NL_OK;
fail:
	buf_release(&path);
	rouge_lang_free(l);
	return rc;
}

void rouge_lang_free(struct rouge_lang *l)
{
	if (!l)
		return;
	free(l->stop.slots);
	free(l->exc.slots);
	free(l->stop_text);
	free(l->exc_text);
	free(l);
}

size_t rouge_lang_nstopwords(const struct rouge_lang *l) { return l->stop.n; }
size_t rouge_lang_nexceptions(const struct rouge_lang *l) { return l->exc.n; }

/* ========================================================================== */
/* Porter stemmer, ROUGE-1.5.5 variant                                        */
/* ========================================================================== */

/*
 * The Perl patterns, with c = [^aeiou], v = [aeiouy],
 * C = c[^aeiouy]*, V = v[aeiou]*:
 *   mgr0 = ^(C)?VC        m > 0   (prefix match)
 *   meq1 = ^(C)?VC(V)?$   m = 1   (whole word)
 *   mgr1 = ^(C)?VCVC      m > 1   (prefix match)
 *   _v   = ^(C)?v         has a vowel
 *   cvc  = ^CV[^aeiouwxy]$  (whole word — note: not "ends in cvc")
 * Backtracking leaves few choices: the first V can start only at 0 (if
 * s[0] is in v) or at the first [aeiouy] after position 0 (if s[0] is in
 * c); every later boundary is forced (a V run must be followed by a
 * non-[aeiou] byte, a C run by a [aeiouy] byte). Both starts are tried.
 */
static bool is_v0(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
static bool is_vy(char c) { return is_v0(c) || c == 'y'; }

/* Possible starts of the first V of ^(C)?V; returns how many (0..2). */
static int v_starts(const char *s, size_t n, size_t ps[2])
{
	int k = 0;
	if (n == 0)
		return 0;
	if (is_vy(s[0]))
		ps[k++] = 0;
	if (!is_v0(s[0])) {
		for (size_t i = 1; i < n; i++) {
			if (is_vy(s[i])) {
				ps[k++] = i;
				break;
			}
		}
	}
	return k;
}

/* Given a V starting at p, position of the C that must follow it (the first
 * non-[aeiou] byte after p), or n if none. */
static size_t after_v(const char *s, size_t n, size_t p)
{
	size_t q = p + 1;
	while (q < n && is_v0(s[q]))
		q++;
	return q;
}

/* Given a C starting at q, the next [aeiouy] byte after q, or n. */
static size_t after_c(const char *s, size_t n, size_t q)
{
	size_t r = q + 1;
	while (r < n && !is_vy(s[r]))
		r++;
	return r;
}

static bool porter_mgr0(const char *s, size_t n)
{
	size_t ps[2];
	int k = v_starts(s, n, ps);
	for (int i = 0; i < k; i++)
		if (after_v(s, n, ps[i]) < n)
			return true;
	return false;
}

static bool porter_mgr1(const char *s, size_t n)
{
	size_t ps[2];
	int k = v_starts(s, n, ps);
	for (int i = 0; i < k; i++) {
		size_t q = after_v(s, n, ps[i]);
		if (q >= n)
			continue;
		size_t r = after_c(s, n, q);
		if (r >= n)
			continue;
		if (after_v(s, n, r) < n)
			return true;
	}
	return false;
}

static bool porter_meq1(const char *s, size_t n)
{
	size_t ps[2];
	int k = v_starts(s, n, ps);
	for (int i = 0; i < k; i++) {
		size_t q = after_v(s, n, ps[i]);
		if (q >= n)
			continue;
		size_t t = after_c(s, n, q); /* C then end, or C V then end */
		if (t == n)
			return true;
		t = after_v(s, n, t);
		if (t == n)
			return true;
	}
	return false;
}

static bool porter_has_v(const char *s, size_t n)
{
	size_t ps[2];
	return v_starts(s, n, ps) > 0;
}

static bool porter_cvc(const char *s, size_t n)
{
	if (n < 3 || is_v0(s[0]))
		return false;
	size_t k = 1;
	while (k < n && !is_vy(s[k]))
		k++;
	if (k != n - 2)
		return false;
	char last = s[n - 1];
	return !(is_v0(last) || last == 'w' || last == 'x' || last == 'y');
}

static bool ends(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return k <= n && memcmp(s + n - k, suf, k) == 0;
}

struct suffix_rule {
	const char *suf, *rep;
};

/* Longest suffix of the list that ends the word (what Perl's leftmost match
 * of an end-anchored alternation finds), or NULL. */
static const struct suffix_rule *longest_suffix(const char *s, size_t n,
						const struct suffix_rule *rules, size_t nrules)
{
	const struct suffix_rule *best = NULL;
	for (size_t i = 0; i < nrules; i++)
		if (ends(s, n, rules[i].suf) && (!best || strlen(rules[i].suf) > strlen(best->suf)))
			best = &rules[i];
	return best;
}

static const struct suffix_rule step2_rules[] = {
	{ "ational", "ate" }, { "tional", "tion" }, { "enci", "ence" }, { "anci", "ance" },
	{ "izer", "ize" }, { "bli", "ble" }, { "alli", "al" }, { "entli", "ent" },
	{ "eli", "e" }, { "ousli", "ous" }, { "ization", "ize" }, { "ation", "ate" },
	{ "ator", "ate" }, { "alism", "al" }, { "iveness", "ive" }, { "fulness", "ful" },
	{ "ousness", "ous" }, { "aliti", "al" }, { "iviti", "ive" }, { "biliti", "ble" },
	{ "logi", "log" },
};

static const struct suffix_rule step3_rules[] = {
	{ "icate", "ic" }, { "ative", "" }, { "alize", "al" }, { "iciti", "ic" },
	{ "ical", "ic" }, { "ful", "" }, { "ness", "" },
};

static const struct suffix_rule step4_rules[] = {
	{ "al", "" }, { "ance", "" }, { "ence", "" }, { "er", "" }, { "ic", "" },
	{ "able", "" }, { "ible", "" }, { "ant", "" }, { "ement", "" }, { "ou", "" },
	{ "ism", "" }, { "ate", "" }, { "iti", "" }, { "ous", "" }, { "ive", "" },
	{ "ize", "" },
};

/* Replace the suffix of w (length *n) matched by r when the remaining stem
 * passes test. */
static void apply_rule(char *w, size_t *n, const struct suffix_rule *r,
		       bool (*test)(const char *, size_t))
{
	size_t sl = *n - strlen(r->suf);
	if (test(w, sl)) {
		size_t rl = strlen(r->rep);
		memcpy(w + sl, r->rep, rl); /* rep is never longer than suf */
		*n = sl + rl;
	}
}

size_t rouge_porter(const char *in, size_t n, char *w)
{
	if (w != in)
		memmove(w, in, n);
	if (n < 3)
		return n;
	bool first_y = w[0] == 'y';
	if (first_y)
		w[0] = 'Y';

	/* step 1a */
	if (ends(w, n, "sses") || ends(w, n, "ies"))
		n -= 2;
	else if (n >= 2 && w[n - 1] == 's' && w[n - 2] != 's')
		n -= 1;

	/* step 1b */
	if (ends(w, n, "eed")) {
		if (porter_mgr0(w, n - 3))
			n -= 1;
	} else if (ends(w, n, "ed") || ends(w, n, "ing")) {
		size_t sl = n - (ends(w, n, "ed") ? 2 : 3);
		if (porter_has_v(w, sl)) {
			n = sl;
			if (ends(w, n, "at") || ends(w, n, "bl") || ends(w, n, "iz")) {
				w[n++] = 'e';
			} else if (n >= 2 && w[n - 1] == w[n - 2] &&
				   !strchr("aeiouylsz", w[n - 1])) {
				n -= 1;
			} else if (porter_cvc(w, n)) {
				w[n++] = 'e';
			}
		}
	}

	/* step 1c */
	if (n >= 1 && w[n - 1] == 'y' && porter_has_v(w, n - 1))
		w[n - 1] = 'i';

	/* steps 2 and 3 */
	const struct suffix_rule *r;
	if ((r = longest_suffix(w, n, step2_rules, NL_ARRAY_LEN(step2_rules))))
		apply_rule(w, &n, r, porter_mgr0);
	if ((r = longest_suffix(w, n, step3_rules, NL_ARRAY_LEN(step3_rules))))
		apply_rule(w, &n, r, porter_mgr0);

	/* step 4, with ROUGE's change: "-ement" is its own rule and "-ment",
	 * "-ent" are tried afterwards on the result */
	if ((r = longest_suffix(w, n, step4_rules, NL_ARRAY_LEN(step4_rules))))
		apply_rule(w, &n, r, porter_mgr1);
	if (ends(w, n, "ment") && porter_mgr1(w, n - 4))
		n -= 4;
	if (ends(w, n, "ent")) {
		if (porter_mgr1(w, n - 3))
			n -= 3;
	} else if (ends(w, n, "sion") || ends(w, n, "tion")) {
		if (porter_mgr1(w, n - 3))
			n -= 3;
	}

	/* step 5 */
	if (n >= 1 && w[n - 1] == 'e') {
		size_t sl = n - 1;
		if (porter_mgr1(w, sl) || (porter_meq1(w, sl) && !porter_cvc(w, sl)))
			n = sl;
	}
	if (ends(w, n, "ll") && porter_mgr1(w, n))
		n -= 1;

	if (first_y)
		w[0] = 'y';
	return n;
}

/* ========================================================================== */
/* tokenisation                                                               */
/* ========================================================================== */

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Word scratch: stack for ordinary words, heap for very long ones. */
static void emit_word(const struct rouge_lang *lang, const char *p, size_t n,
		      rouge_token_fn fn, void *arg)
{
	char small[128] = { 0 };
	char *w = n <= sizeof(small) ? small : xmalloc(n);
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		w[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	if (!strtab_get(&lang->stop, w, n)) {
		if (n > 3) {
			const struct strtab_slot *e = strtab_get(&lang->exc, w, n);
			if (e)
				fn(arg, e->val, e->vlen);
			else
				fn(arg, w, rouge_porter(w, n, w));
		} else {
			fn(arg, w, n);
		}
	}
	if (w != small)
		free(w);
}

void rouge_tokenize(const struct rouge_lang *lang, const char *text, size_t len,
		    rouge_token_fn fn, void *arg)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && !is_alnum((unsigned char)text[i]))
			i++;
		size_t s = i;
		while (i < len && is_alnum((unsigned char)text[i]))
			i++;
		if (i > s)
			emit_word(lang, text + s, i - s, fn, arg);
	}
}

void rouge_tokenize_see(const struct rouge_lang *lang, const char *sent, size_t len,
			rouge_token_fn fn, void *arg)
{
	const char *lt = memchr(sent, '<', len);
	if (lt)
		len = (size_t)(lt - sent);
	/* '^' is written as "&circ;": the word "circ" between separators */
	size_t s = 0;
	for (size_t i = 0; i < len; i++) {
		if (sent[i] == '^') {
			rouge_tokenize(lang, sent + s, i - s, fn, arg);
			emit_word(lang, "circ", 4, fn, arg);
			s = i + 1;
		}
	}
	rouge_tokenize(lang, sent + s, len - s, fn, arg);
}

/* ========================================================================== */
/* vocabulary and documents                                                   */
/* ========================================================================== */

struct rouge_vocab {
	struct buf text;    /* all token strings, each NUL terminated */
	uint32_t *off, *len; /* per id */
	size_t nids, idcap;
	uint32_t *slots;    /* id + 1, 0 = empty */
	uint64_t *hashes;   /* per id */
	size_t cap;
};

struct rouge_vocab *rouge_vocab_new(void)
{
	struct rouge_vocab *v = xcalloc(1, sizeof(*v));
	buf_init(&v->text, 0);
	return v;
}

void rouge_vocab_free(struct rouge_vocab *v)
{
	if (!v)
		return;
	buf_release(&v->text);
	free(v->off);
	free(v->len);
	free(v->slots);
	free(v->hashes);
	free(v);
}

static void vocab_rehash(struct rouge_vocab *v)
{
	size_t ncap = v->cap ? v->cap * 2 : 256;
	uint32_t *ns = xcalloc(ncap, sizeof(*ns));
	for (size_t id = 0; id < v->nids; id++) {
		size_t j = (size_t)v->hashes[id] & (ncap - 1);
		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = (uint32_t)id + 1;
	}
	free(v->slots);
	v->slots = ns;
	v->cap = ncap;
}

uint32_t rouge_vocab_id(struct rouge_vocab *v, const char *tok, size_t n)
{
	if ((v->nids + 1) * 2 > v->cap)
		vocab_rehash(v);
	uint64_t h = nl_hash64(tok, n);
	size_t j = (size_t)h & (v->cap - 1);
	while (v->slots[j]) {
		uint32_t id = v->slots[j] - 1;
		if (v->hashes[id] == h && v->len[id] == n &&
		    memcmp(v->text.p + v->off[id], tok, n) == 0)
			return id;
		j = (j + 1) & (v->cap - 1);
	}
	if (v->nids == v->idcap) {
		size_t c = v->idcap;
		v->off = xgrow(v->off, &c, v->nids + 1, sizeof(*v->off));
		c = v->idcap;
		v->len = xgrow(v->len, &c, v->nids + 1, sizeof(*v->len));
		c = v->idcap;
		v->hashes = xgrow(v->hashes, &c, v->nids + 1, sizeof(*v->hashes));
		v->idcap = c;
	}
	uint32_t id = (uint32_t)v->nids++;
	v->off[id] = (uint32_t)v->text.n;
	v->len[id] = (uint32_t)n;
	v->hashes[id] = h;
	buf_put(&v->text, tok, n);
	buf_putc(&v->text, 0);
	v->slots[j] = id + 1;
	return id;
}

struct nl_str rouge_vocab_str(const struct rouge_vocab *v, uint32_t id)
{
	if (id >= v->nids)
		return nl_str_make("", 0);
	return nl_str_make(v->text.p + v->off[id], v->len[id]);
}

void rouge_doc_init(struct rouge_doc *d)
{
	d->ids = NULL;
	d->n = d->cap = 0;
}

void rouge_doc_release(struct rouge_doc *d)
{
	free(d->ids);
	rouge_doc_init(d);
}

struct doc_add {
	struct rouge_doc *d;
	struct rouge_vocab *v;
};

static void doc_add_token(void *arg, const char *tok, size_t n)
{
	struct doc_add *a = arg;
	a->d->ids = xgrow(a->d->ids, &a->d->cap, a->d->n + 1, sizeof(*a->d->ids));
	a->d->ids[a->d->n++] = rouge_vocab_id(a->v, tok, n);
}

void rouge_doc_add_see(struct rouge_doc *d, const struct rouge_lang *lang,
		       struct rouge_vocab *v, const char *sent, size_t len)
{
	struct doc_add a = { d, v };
	rouge_tokenize_see(lang, sent, len, doc_add_token, &a);
}

/* ========================================================================== */
/* n-gram counts                                                              */
/* ========================================================================== */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Sorted n-gram keys of a document (n = 1 or 2); returns how many. */
static size_t ngram_keys(const struct rouge_doc *d, int n, uint64_t **out)
{
	size_t k = d->n >= (size_t)n ? d->n - (size_t)n + 1 : 0;
	uint64_t *keys = xmalloc((k ? k : 1) * sizeof(*keys));
	for (size_t i = 0; i < k; i++)
		keys[i] = n == 1 ? d->ids[i] : ((uint64_t)d->ids[i] << 32 | d->ids[i + 1]);
	qsort(keys, k, sizeof(*keys), cmp_u64);
	*out = keys;
	return k;
}

/* Sum over distinct grams of min(count in a, count in b); a, b sorted. */
static int64_t clipped_hits(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	int64_t hit = 0;
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		if (a[i] < b[j]) {
			i++;
		} else if (a[i] > b[j]) {
			j++;
		} else {
			uint64_t key = a[i];
			size_t ca = 0, cb = 0;
			while (i < na && a[i] == key)
				i++, ca++;
			while (j < nb && b[j] == key)
				j++, cb++;
			hit += (int64_t)NL_MIN(ca, cb);
		}
	}
	return hit;
}

struct rouge_counts rouge_count(const struct rouge_doc *peer, const struct rouge_doc *models,
				size_t nmodels, int n)
{
	struct rouge_counts c = { 0, 0, 0 };
	if (n < 1 || n > 2)
		return c;
	uint64_t *pk;
	size_t np = ngram_keys(peer, n, &pk);
	for (size_t m = 0; m < nmodels; m++) {
		uint64_t *mk;
		size_t nm = ngram_keys(&models[m], n, &mk);
		c.hit += clipped_hits(pk, np, mk, nm);
		c.model += (int64_t)nm;
		c.peer += (int64_t)np;
		free(mk);
	}
	free(pk);
	return c;
}
