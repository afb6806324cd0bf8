/*
 * segread.c — open, check and read a segment file; layout in segment.h.
 *
 * The file is mmap'ed read-only. Everything read from it is treated as
 * hostile: offsets and lengths are checked against the mapping before use,
 * and every failure becomes NL_ECORRUPT with a message naming the file and
 * the part that failed.
 */
#include "index/segment.h"
#include "dedup/dedup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

static int corrupt(char *err, size_t cap, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int corrupt(char *err, size_t cap, const char *path, const char *fmt, ...)
{
	int n = snprintf(err, cap, "%s: corrupt segment: ", path);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < cap)
		vsnprintf(err + n, cap - (size_t)n, fmt, ap);
	va_end(ap);
	return NL_ECORRUPT;
}

static const char *sec_name(int type)
{
	static const char *names[SEC_MAX] = {
		[SEC_DOCSTORE] = "docstore", [SEC_BLOCKS] = "block table", [SEC_DOCTAB] = "document table",
		[SEC_SOURCES] = "source table", [SEC_POSTINGS] = "postings", [SEC_TERMS] = "term dictionary",
		[SEC_TERMIDX] = "term index", [SEC_STATS] = "statistics", [SEC_SKETCH] = "sketches",
		[SEC_GROUPS] = "story groups", [SEC_MERGES] = "group merges",
	};
	return type > 0 && type < SEC_MAX && names[type] ? names[type] : "unknown";
}

void seg_close(struct segment *s)
{
	if (!s)
		return;
	if (s->map && s->size)
		munmap(s->map, s->size);
	free(s->sources);
	free(s->path);
	buf_release(&s->cache);
	free(s);
}

static bool verify_sec(const struct segment *s, int type)
{
	return XXH3_64bits(s->sec[type], s->seclen[type]) == s->sechash[type];
}

struct segment *seg_open(const char *path, int *rc, char *err, size_t errcap)
{
	struct segment *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->cached_block = -1;
	buf_init(&s->cache, 0);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*rc = errno == ENOENT ? NL_ENOTFOUND : NL_EIO;
		snprintf(err, errcap, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		*rc = NL_EIO;
		snprintf(err, errcap, "%s: cannot stat: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	s->size = (size_t)st.st_size;
	if (s->size < 64) {
		close(fd);
		*rc = corrupt(err, errcap, path, "file too short (%zu bytes)", s->size);
		goto fail;
	}
	s->map = mmap(NULL, s->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		*rc = NL_EIO;
		snprintf(err, errcap, "%s: cannot map: %s", path, strerror(errno));
		goto fail;
	}
	const unsigned char *m = s->map;
	if (memcmp(m, SEG_MAGIC, 8) != 0) {
		*rc = corrupt(err, errcap, path, "bad magic");
		goto fail;
	}
	s->version = rd_u32le(m + 8);
	if (s->version < SEG_VERSION_OLDEST || s->version > SEG_VERSION) {
		*rc = NL_EVERSION;
		snprintf(err, errcap,
			 "%s: segment format version %u is not supported (this newsline reads %u "
			 "to %u: add the articles again into a new archive)",
			 path, s->version, SEG_VERSION_OLDEST, SEG_VERSION);
		goto fail;
	}
	s->ndocs = rd_u32le(m + 12);
	const unsigned char *tr = m + s->size - 32;
	if (memcmp(tr + 24, SEG_END_MAGIC, 8) != 0) {
		*rc = corrupt(err, errcap, path, "bad trailer (truncated file?)");
		goto fail;
	}
	uint32_t nsec = rd_u32le(tr);
	uint64_t toff = rd_u64le(tr + 8);
	if (nsec > 64 || toff > s->size - 32 || (s->size - 32 - toff) != (uint64_t)nsec * 32) {
		*rc = corrupt(err, errcap, path, "bad section table");
		goto fail;
	}
	if (XXH3_64bits(m + toff, (size_t)nsec * 32) != rd_u64le(tr + 16)) {
		*rc = corrupt(err, errcap, path, "section table checksum mismatch");
		goto fail;
	}
	for (uint32_t i = 0; i < nsec; i++) {
		const unsigned char *e = m + toff + (size_t)i * 32;
		uint32_t type = rd_u32le(e);
		uint64_t off = rd_u64le(e + 8), len = rd_u64le(e + 16);
		if (off < 32 || off > toff || len > toff - off) {
			*rc = corrupt(err, errcap, path, "section %u out of bounds", type);
			goto fail;
		}
		if (type >= SEC_MAX)
			continue; /* a later version's section */
		s->sec[type] = m + off;
		s->seclen[type] = len;
		s->sechash[type] = rd_u64le(e + 24);
	}
	static const int need[] = { SEC_DOCSTORE, SEC_BLOCKS, SEC_DOCTAB, SEC_SOURCES,
				    SEC_POSTINGS, SEC_TERMS, SEC_TERMIDX, SEC_STATS,
				    SEC_GROUPS, SEC_MERGES, SEC_SKETCH };
	/* version 4 keeps the sketches in a section of their own */
	size_t nneed = NL_ARRAY_LEN(need) - (s->version >= 5);
	if (s->version >= 5)
		s->sec[SEC_SKETCH] = NULL;
	for (size_t i = 0; i < nneed; i++) {
		if (!s->sec[need[i]]) {
			*rc = corrupt(err, errcap, path, "%s section missing", sec_name(need[i]));
			goto fail;
		}
		if (need[i] != SEC_DOCSTORE && need[i] != SEC_POSTINGS && need[i] != SEC_SKETCH &&
		    !verify_sec(s, need[i])) {
			*rc = corrupt(err, errcap, path, "%s checksum mismatch", sec_name(need[i]));
			goto fail;
		}
	}
	if (s->seclen[SEC_DOCTAB] != (uint64_t)s->ndocs * SEG_DOCTAB_ENTRY ||
	    s->seclen[SEC_BLOCKS] % SEG_BLOCKS_ENTRY || s->seclen[SEC_STATS] != 16 ||
	    s->seclen[SEC_TERMIDX] < 8 ||
	    (s->sec[SEC_SKETCH] && s->seclen[SEC_SKETCH] != (uint64_t)s->ndocs * DEDUP_SKETCH_BYTES) ||
	    s->seclen[SEC_GROUPS] != (uint64_t)s->ndocs * 4 || s->seclen[SEC_MERGES] % 8) {
		*rc = corrupt(err, errcap, path, "section sizes disagree");
		goto fail;
	}
	s->nblocks = (uint32_t)(s->seclen[SEC_BLOCKS] / SEG_BLOCKS_ENTRY);
	uint64_t dlen = s->seclen[SEC_DOCSTORE], first = 0;
	for (uint32_t b = 0; b < s->nblocks; b++) {
		const unsigned char *e = s->sec[SEC_BLOCKS] + (size_t)b * SEG_BLOCKS_ENTRY;
		uint64_t off = rd_u64le(e), cl = rd_u32le(e + 8);
		if (off > dlen || cl > dlen - off || rd_u32le(e + 12) > (256u << 20)) {
			*rc = corrupt(err, errcap, path, "docstore block %u out of bounds", b);
			goto fail;
		}
		if (s->version < 5)
			continue;
		/* the block's sketch frame, and the blocks cover the documents
		 * in order: seg_sketch relies on both */
		uint64_t nd = rd_u32le(e + 20), sk = off + cl;
		if (rd_u32le(e + 16) != first || nd > s->ndocs - first || dlen - sk < 8 ||
		    rd_u32le(s->sec[SEC_DOCSTORE] + sk) != SEG_SKETCH_MAGIC ||
		    rd_u32le(s->sec[SEC_DOCSTORE] + sk + 4) != nd * DEDUP_SKETCH_BYTES ||
		    nd * DEDUP_SKETCH_BYTES > dlen - sk - 8) {
			*rc = corrupt(err, errcap, path, "docstore block %u: bad sketch frame", b);
			goto fail;
		}
		first += nd;
	}
	if (s->version >= 5 && first != s->ndocs) {
		*rc = corrupt(err, errcap, path, "docstore blocks hold %llu of %u documents",
			      (unsigned long long)first, s->ndocs);
		goto fail;
	}
	s->nterms = rd_u32le(s->sec[SEC_TERMIDX]);
	s->ntblocks = rd_u32le(s->sec[SEC_TERMIDX] + 4);
	if (s->seclen[SEC_TERMIDX] != 8 + (uint64_t)s->ntblocks * 8 ||
	    s->ntblocks != (s->nterms + SEG_TERM_BLOCK - 1) / SEG_TERM_BLOCK) {
		*rc = corrupt(err, errcap, path, "term index size mismatch");
		goto fail;
	}
	for (uint32_t b = 0; b < s->ntblocks; b++)
		if (rd_u64le(s->sec[SEC_TERMIDX] + 8 + (size_t)b * 8) >= s->seclen[SEC_TERMS]) {
			*rc = corrupt(err, errcap, path, "term index entry out of bounds");
			goto fail;
		}
	const unsigned char *sp = s->sec[SEC_SOURCES], *se = sp + s->seclen[SEC_SOURCES];
	if (se - sp < 4) {
		*rc = corrupt(err, errcap, path, "sources section too short");
		goto fail;
	}
	s->nsources = rd_u32le(sp);
	sp += 4;
	if (s->nsources > s->seclen[SEC_SOURCES] / 4) {
		*rc = corrupt(err, errcap, path, "bad source count");
		goto fail;
	}
	s->sources = xcalloc(s->nsources + 1, sizeof *s->sources);
	for (uint32_t i = 0; i < s->nsources; i++) {
		if (se - sp < 4 || rd_u32le(sp) > (size_t)(se - sp - 4)) {
			*rc = corrupt(err, errcap, path, "source %u out of bounds", i);
			goto fail;
		}
		uint32_t l = rd_u32le(sp);
		s->sources[i] = nl_str_make((const char *)sp + 4, l);
		sp += 4 + l;
	}
	s->total_title = rd_u64le(s->sec[SEC_STATS]);
	s->total_body = rd_u64le(s->sec[SEC_STATS] + 8);
	*rc = NL_OK;
	return s;
fail:
	seg_close(s);
	return NULL;
}

void seg_docinfo(const struct segment *s, uint32_t i, struct seg_docinfo *o)
{
	const unsigned char *e = s->sec[SEC_DOCTAB] + (size_t)i * SEG_DOCTAB_ENTRY;
	o->key = rd_u64le(e);
	o->day = (int32_t)rd_u32le(e + 8);
	o->block = rd_u32le(e + 12);
	o->off = rd_u32le(e + 16);
	o->len = rd_u32le(e + 20);
	o->title_len = rd_u32le(e + 24);
	o->body_len = rd_u32le(e + 28);
	o->source = rd_u32le(e + 32);
}

const unsigned char *seg_sketch(const struct segment *s, uint32_t i)
{
	if (i >= s->ndocs)
		return NULL;
	if (s->sec[SEC_SKETCH])
		return s->sec[SEC_SKETCH] + (size_t)i * DEDUP_SKETCH_BYTES;
	uint32_t b = rd_u32le(s->sec[SEC_DOCTAB] + (size_t)i * SEG_DOCTAB_ENTRY + 12);
	if (b >= s->nblocks)
		return NULL;
	/* seg_open checked the frame and that the block's documents are
	 * first .. first + nd - 1 */
	const unsigned char *e = s->sec[SEC_BLOCKS] + (size_t)b * SEG_BLOCKS_ENTRY;
	uint32_t first = rd_u32le(e + 16), nd = rd_u32le(e + 20);
	if (i < first || i - first >= nd)
		return NULL;
	return s->sec[SEC_DOCSTORE] + rd_u64le(e) + rd_u32le(e + 8) + 8 +
	       (size_t)(i - first) * DEDUP_SKETCH_BYTES;
}

int seg_record(struct segment *s, uint32_t i, struct nl_str *rec)
{
	if (i >= s->ndocs)
		return NL_ENOTFOUND;
	struct seg_docinfo di;
	seg_docinfo(s, i, &di);
	if (di.block >= s->nblocks)
		return corrupt(s->err, sizeof s->err, s->path, "document %u names block %u", i,
			       di.block);
	if ((int)di.block != s->cached_block) {
		const unsigned char *e = s->sec[SEC_BLOCKS] + (size_t)di.block * SEG_BLOCKS_ENTRY;
		uint64_t off = rd_u64le(e);
		uint32_t cl = rd_u32le(e + 8), rl = rd_u32le(e + 12);
		buf_clear(&s->cache);
		buf_reserve(&s->cache, rl);
		size_t got = ZSTD_decompress(s->cache.p, rl, s->sec[SEC_DOCSTORE] + off, cl);
		if (ZSTD_isError(got) || got != rl) {
			s->cached_block = -1;
			return corrupt(s->err, sizeof s->err, s->path, "docstore block %u: %s",
				       di.block, ZSTD_isError(got) ? ZSTD_getErrorName(got)
								   : "size mismatch");
		}
		s->cache.n = rl;
		s->cached_block = (int)di.block;
	}
	if (di.off > s->cache.n || di.len > s->cache.n - di.off)
		return corrupt(s->err, sizeof s->err, s->path, "document %u out of its block", i);
	*rec = nl_str_make(s->cache.p + di.off, di.len);
	return NL_OK;
}

/* ------------------------------------------------------------ dictionary --- */

/* The term of the dictionary entry at *pp (its prefix shared with the
 * previous entry's term, already in term[0..*len), then its own suffix); *pp
 * is left on the entry's statistics. */
static bool dict_head(const unsigned char **pp, const unsigned char *end, char *term, size_t *len)
{
	uint64_t pre, suf;
	if (!varint_get(pp, end, &pre) || !varint_get(pp, end, &suf))
		return false;
	if (pre > *len || pre + suf > 255 || suf > (uint64_t)(end - *pp))
		return false;
	memcpy(term + pre, *pp, suf);
	*pp += suf;
	*len = (size_t)(pre + suf);
	return true;
}

/* The seven statistics varints of an entry: decoded into t, or skipped. */
static bool dict_stats(const unsigned char **pp, const unsigned char *end, struct seg_term *t)
{
	uint64_t v[7];
	for (int i = 0; i < 7; i++)
		if (!varint_get(pp, end, &v[i]))
			return false;
	if (v[0] > UINT32_MAX || v[0] == 0)
		return false;
	t->st.df = (uint32_t)v[0];
	t->st.max_tft = (uint32_t)NL_MIN(v[1], UINT32_MAX);
	t->st.max_tfb = (uint32_t)NL_MIN(v[2], UINT32_MAX);
	t->st.min_len = (uint32_t)NL_MIN(v[3], UINT32_MAX);
	t->off = v[4];
	t->docs_len = v[5];
	t->pos_len = v[6];
	return true;
}

static bool dict_skip_stats(const unsigned char **pp, const unsigned char *end)
{
	uint64_t v;
	for (int i = 0; i < 7; i++)
		if (!varint_get(pp, end, &v))
			return false;
	return true;
}

/* Decode one dictionary entry at *pp into term (with prefix from the previous). */
static bool dict_entry(const unsigned char **pp, const unsigned char *end, char *term, size_t *len,
		       struct seg_term *t)
{
	return dict_head(pp, end, term, len) && dict_stats(pp, end, t);
}

static int term_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, NL_MIN(an, bn));
	return c ? c : (an < bn ? -1 : an > bn ? 1 : 0);
}

/* Index of the last dictionary block whose first term is <= term (0 if none);
 * UINT32_MAX when a block start cannot be decoded. */
static uint32_t term_block(const struct segment *s, const char *term, size_t len)
{
	const unsigned char *base = s->sec[SEC_TERMS], *end = base + s->seclen[SEC_TERMS];
	const unsigned char *idx = s->sec[SEC_TERMIDX] + 8;
	uint32_t lo = 0, hi = s->ntblocks;
	char buf[256];
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		const unsigned char *p = base + rd_u64le(idx + (size_t)mid * 8);
		size_t bl = 0;
		if (!dict_head(&p, end, buf, &bl))
			return UINT32_MAX;
		if (term_cmp(buf, bl, term, len) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

bool seg_term_find(const struct segment *s, const char *term, size_t len, struct seg_term *t)
{
	if (s->nterms == 0 || len > 255)
		return false;
	uint32_t lo = term_block(s, term, len);
	if (lo == UINT32_MAX)
		return false;
	const unsigned char *base = s->sec[SEC_TERMS], *end = base + s->seclen[SEC_TERMS];
	const unsigned char *p = base + rd_u64le(s->sec[SEC_TERMIDX] + 8 + (size_t)lo * 8);
	char buf[256];
	size_t bl = 0;
	uint32_t count = NL_MIN((uint32_t)SEG_TERM_BLOCK, s->nterms - lo * SEG_TERM_BLOCK);
	/* only the entry that matches has its statistics decoded */
	for (uint32_t i = 0; i < count; i++) {
		if (!dict_head(&p, end, buf, &bl))
			return false;
		int c = term_cmp(buf, bl, term, len);
		if (c == 0)
			return dict_stats(&p, end, t);
		if (c > 0 || !dict_skip_stats(&p, end))
			return false;
	}
	return false;
}

void seg_term_cursor(const struct segment *s, const struct seg_term *t, struct post_cur *c)
{
	uint64_t plen = s->seclen[SEC_POSTINGS];
	if (t->off > plen || t->docs_len > plen - t->off || t->pos_len > plen - t->off - t->docs_len) {
		memset(c, 0, sizeof *c);
		c->done = c->corrupt = true;
		return;
	}
	const unsigned char *p = s->sec[SEC_POSTINGS] + t->off;
	post_cur_open(c, p, t->docs_len, p + t->docs_len, t->pos_len, t->st.df);
}

void seg_term_iter_init(struct seg_term_iter *it, const struct segment *s)
{
	memset(it, 0, sizeof *it);
	it->s = s;
	it->p = s->sec[SEC_TERMS];
	it->end = it->p + s->seclen[SEC_TERMS];
}

void seg_term_iter_seek(struct seg_term_iter *it, const char *key, size_t len)
{
	const struct segment *s = it->s;
	if (s->nterms == 0 || len > 255)
		return;
	uint32_t b = term_block(s, key, len);
	if (b == UINT32_MAX) {
		it->corrupt = true;
		return;
	}
	it->p = s->sec[SEC_TERMS] + rd_u64le(s->sec[SEC_TERMIDX] + 8 + (size_t)b * 8);
	it->index = b * SEG_TERM_BLOCK;
	it->len = 0;
}

int seg_term_iter_min(const struct seg_term_iter *it, const bool *live, size_t n)
{
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		if (!live[i])
			continue;
		if (best < 0 || term_cmp(it[i].term, it[i].len, it[best].term, it[best].len) < 0)
			best = (int)i;
	}
	return best;
}

bool seg_term_iter_next(struct seg_term_iter *it)
{
	if (it->corrupt || it->index >= it->s->nterms)
		return false;
	if (it->index % SEG_TERM_BLOCK == 0)
		it->len = 0;
	char prev[256];
	size_t plen = it->len;
	memcpy(prev, it->term, plen);
	if (!dict_entry(&it->p, it->end, it->term, &it->len, &it->t)) {
		it->corrupt = true;
		return false;
	}
	if (it->index > 0 && term_cmp(prev, plen, it->term, it->len) >= 0 &&
	    it->index % SEG_TERM_BLOCK != 0) {
		it->corrupt = true;
		return false;
	}
	it->index++;
	return true;
}

/* ------------------------------------------------------------------ check --- */

int seg_verify(struct segment *s, char *err, size_t errcap)
{
	for (int t = 1; t < SEC_MAX; t++)
		if (s->sec[t] && !verify_sec(s, t))
			return corrupt(err, errcap, s->path, "%s checksum mismatch", sec_name(t));
	for (uint32_t i = 0; i < s->ndocs; i++) {
		struct nl_str r;
		int rc = seg_record(s, i, &r);
		if (rc) {
			snprintf(err, errcap, "%s", s->err);
			return rc;
		}
	}
	struct seg_term_iter it;
	seg_term_iter_init(&it, s);
	uint32_t *pos = NULL;
	size_t cap = 0;
	uint32_t n = 0;
	int rc = NL_OK;
	while (rc == NL_OK && seg_term_iter_next(&it)) {
		struct post_cur c;
		seg_term_cursor(s, &it.t, &c);
		uint32_t count = 0;
		while (post_cur_next(&c)) {
			if (c.doc >= s->ndocs) {
				c.corrupt = true;
				break;
			}
			post_cur_positions(&c, &pos, &cap);
			count++;
		}
		if (c.corrupt || count != it.t.st.df)
			rc = corrupt(err, errcap, s->path, "posting list of term '%.*s' is damaged",
				     (int)it.len, it.term);
		post_cur_close(&c);
		n++;
	}
	free(pos);
	if (rc == NL_OK && (it.corrupt || n != s->nterms))
		rc = corrupt(err, errcap, s->path, "term dictionary is damaged");
	return rc;
}
