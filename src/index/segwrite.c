/*
 * segwrite.c — build a segment file from added documents, or by merging
 * segments; the layout is described in segment.h.
 *
 * While documents are added, their records are packed into ~64 KiB blocks
 * that are zstd-compressed and written to the file at once (so document text
 * never piles up in memory; with threads, by a compression thread beside the
 * adding one); the inverted index is accumulated in memory — a hash table
 * from term to one growable byte string of postings (doc gap, tf_title,
 * tf_body, positions, as varints), or, for a term with HOT_DF postings or
 * more, to its posting list already being encoded — and written sorted by
 * term at finish. Memory is reported so the caller can cut segments at a
 * budget.
 *
 * The file is written as NAME.tmp, fsync'ed and renamed to NAME; it becomes
 * part of the archive only when a manifest naming it is committed (archive.c).
 */
#include "index/segment.h"
#include "dedup/dedup.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#define DOCBLOCK (64u << 10)
#define ZLEVEL 1 /* level 3 took twice the CPU for 1.3% less archive */
#define WRITEBACK_STEP ((uint64_t)8 << 20)

/* --------------------------------------------------- file with sections --- */

struct fw {
	int fd;
	uint64_t off;
	uint64_t written;         /* bytes in the file (off less what out holds) */
	uint64_t synced;          /* writeback started up to here (fw_raw) */
	struct buf out;           /* write buffer */
	XXH3_state_t *h;
	uint32_t nsec;
	struct { uint32_t type; uint64_t off, len, hash; } sec[SEC_MAX];
	uint64_t sec_start;
	int rc;
	char *err;
	size_t errcap;
	const char *path;
};

/* Write n bytes at p to the file (after what is already there). */
static void fw_raw(struct fw *f, const char *p, size_t n)
{
	size_t done = 0;
	while (f->rc == 0 && done < n) {
		ssize_t w = write(f->fd, p + done, n - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			snprintf(f->err, f->errcap, "%s: write failed: %s", f->path, strerror(errno));
			f->rc = NL_EIO;
			break;
		}
		done += (size_t)w;
	}
	f->written += done;
	/* Start the writeback of what is written so far every WRITEBACK_STEP
	 * bytes: the disk then works while the index is built, and the fsync at
	 * the end has less left to wait for. */
#ifdef SYNC_FILE_RANGE_WRITE
	if (f->rc == 0 && f->written - f->synced >= WRITEBACK_STEP) {
		(void)sync_file_range(f->fd, (off64_t)f->synced, (off64_t)(f->written - f->synced),
				      SYNC_FILE_RANGE_WRITE);
		f->synced = f->written;
	}
#endif
}

static void fw_flush(struct fw *f)
{
	fw_raw(f, f->out.p, f->out.n);
	buf_clear(&f->out);
}

/* Count n bytes at p, about to be written, into the offset and the open
 * section's hash; false once a write has failed (nothing more is written). */
static bool fw_account(struct fw *f, const void *p, size_t n)
{
	if (f->rc)
		return false;
	if (f->h)
		XXH3_64bits_update(f->h, p, n);
	f->off += n;
	return true;
}

/* Write n bytes at p straight from there, with no copy into out (for a
 * large write, or a buffer of the caller's already gathered). */
static void fw_write_direct(struct fw *f, const void *p, size_t n)
{
	if (!fw_account(f, p, n))
		return;
	fw_flush(f);
	fw_raw(f, p, n);
}

static void fw_write(struct fw *f, const void *p, size_t n)
{
	if (n >= (1u << 20)) {
		fw_write_direct(f, p, n);
		return;
	}
	if (!fw_account(f, p, n))
		return;
	buf_put(&f->out, p, n);
	if (f->out.n >= (1u << 20))
		fw_flush(f);
}

static void fw_sec_begin(struct fw *f, uint32_t type)
{
	f->sec_start = f->off;
	XXH3_64bits_reset(f->h);
	f->sec[f->nsec].type = type;
}

static void fw_sec_end(struct fw *f)
{
	f->sec[f->nsec].off = f->sec_start;
	f->sec[f->nsec].len = f->off - f->sec_start;
	f->sec[f->nsec].hash = XXH3_64bits_digest(f->h);
	f->nsec++;
}

/* The head of a docstore block's sketch frame (segment.h): ndocs sketches
 * follow. */
static void fw_sketch_head(struct fw *f, uint32_t ndocs)
{
	unsigned char h[8];
	wr_u32le(h, SEG_SKETCH_MAGIC);
	wr_u32le(h + 4, ndocs * DEDUP_SKETCH_BYTES);
	fw_write(f, h, sizeof h);
}

static int fw_open(struct fw *f, const char *path, char *err, size_t errcap)
{
	memset(f, 0, sizeof *f);
	f->path = path;
	f->err = err;
	f->errcap = errcap;
	buf_init(&f->out, 0);
	f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		snprintf(err, errcap, "%s: cannot create: %s", path, strerror(errno));
		return NL_EIO;
	}
	f->h = XXH3_createState();
	unsigned char hdr[32] = { 0 };
	memcpy(hdr, SEG_MAGIC, 8);
	wr_u32le(hdr + 8, SEG_VERSION);
	XXH3_state_t *save = f->h;
	f->h = NULL;
	fw_write(f, hdr, 32);
	f->h = save;
	return NL_OK;
}

/* Write the footer, patch ndocs into the header, fsync, close. */
static int fw_close(struct fw *f, uint32_t ndocs)
{
	XXH3_state_t *save = f->h;
	f->h = NULL;
	uint64_t table_off = f->off;
	struct buf t;
	buf_init(&t, 0);
	for (uint32_t i = 0; i < f->nsec; i++) {
		buf_put_u32le(&t, f->sec[i].type);
		buf_put_u32le(&t, 0);
		buf_put_u64le(&t, f->sec[i].off);
		buf_put_u64le(&t, f->sec[i].len);
		buf_put_u64le(&t, f->sec[i].hash);
	}
	uint64_t th = XXH3_64bits(t.p, t.n);
	buf_put_u32le(&t, f->nsec);
	buf_put_u32le(&t, SEG_VERSION);
	buf_put_u64le(&t, table_off);
	buf_put_u64le(&t, th);
	buf_put(&t, SEG_END_MAGIC, 8);
	fw_write(f, t.p, t.n);
	buf_release(&t);
	fw_flush(f);
	if (f->rc == 0) {
		unsigned char n4[4];
		wr_u32le(n4, ndocs);
		if (pwrite(f->fd, n4, 4, 12) != 4 || fsync(f->fd) != 0) {
			snprintf(f->err, f->errcap, "%s: write failed: %s", f->path, strerror(errno));
			f->rc = NL_EIO;
		}
	}
	if (close(f->fd) != 0 && f->rc == 0) {
		snprintf(f->err, f->errcap, "%s: close failed: %s", f->path, strerror(errno));
		f->rc = NL_EIO;
	}
	f->fd = -1;
	XXH3_freeState(save);
	buf_release(&f->out);
	return f->rc;
}

static void fw_abort(struct fw *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->h)
		XXH3_freeState(f->h);
	buf_release(&f->out);
	unlink(f->path);
}

/* ------------------------------------------------------- dictionary out --- */

struct dictw {
	struct buf terms;       /* SEC_TERMS bytes */
	struct buf idx;         /* block offsets */
	uint32_t nterms, nblocks;
	char prev[256];
	size_t prevlen;
};

static void dict_add(struct dictw *d, const char *term, size_t len, const struct post_stats *st,
		     uint64_t off, uint64_t docs_len, uint64_t pos_len)
{
	size_t shared = 0;
	if (d->nterms % SEG_TERM_BLOCK == 0) {
		buf_put_u64le(&d->idx, d->terms.n);
		d->nblocks++;
	} else {
		while (shared < len && shared < d->prevlen && term[shared] == d->prev[shared])
			shared++;
	}
	/* one reserve for the entry: at most 9 varints and the term */
	unsigned char *t = (unsigned char *)buf_reserve(&d->terms, len + 9 * 10);
	size_t n = varint_put(t, shared);
	n += varint_put(t + n, len - shared);
	memcpy(t + n, term + shared, len - shared);
	n += len - shared;
	n += varint_put(t + n, st->df);
	n += varint_put(t + n, st->max_tft);
	n += varint_put(t + n, st->max_tfb);
	n += varint_put(t + n, st->min_len);
	n += varint_put(t + n, off);
	n += varint_put(t + n, docs_len);
	n += varint_put(t + n, pos_len);
	d->terms.n += n;
	d->terms.p[d->terms.n] = 0;
	memcpy(d->prev, term, len);
	d->prevlen = len;
	d->nterms++;
}

/* Write SEC_TERMS, SEC_TERMIDX. */
static void dict_write(struct fw *f, struct dictw *d)
{
	fw_sec_begin(f, SEC_TERMS);
	fw_write(f, d->terms.p, d->terms.n);
	fw_sec_end(f);
	fw_sec_begin(f, SEC_TERMIDX);
	unsigned char h[8];
	wr_u32le(h, d->nterms);
	wr_u32le(h + 4, d->nblocks);
	fw_write(f, h, 8);
	fw_write(f, d->idx.p, d->idx.n);
	fw_sec_end(f);
	buf_release(&d->terms);
	buf_release(&d->idx);
}

/* ------------------------------------------------------------ the writer --- */

/*
 * Hot terms. A term's postings are kept as the varints above and encoded
 * into a posting list (postings.h) when the segment is finished, until the
 * term has HOT_DF postings: then the list is begun, and from then on, each
 * time the term's buffer holds a full block of POST_BLOCK postings, they
 * are encoded at once (post_enc_add_gaps) and the buffer is emptied for
 * the next block. Most postings belong to such frequent terms, so most of
 * the encoding is done while documents are added (with one thread or more,
 * beside the analysis) rather than all at once at the end. A posting itself
 * touches only the term's accumulator and the end of its buffer, as a cold
 * term's does; the encoder, its impacts and the ends of its lists (three
 * or four more cache lines, at random places) are touched once a block.
 * The bytes are the same: the encoder sees the same postings in the same
 * order. dn and dcap count what the varints of all of a term's postings
 * would take and how one buffer holding them would have grown, so the
 * memory reported, and so where segments are cut, do not change.
 */
#define HOT_DF POST_BLOCK /* a term's buffer holds one block at most (replay_postings) */

#define ZQ 4 /* full docstore blocks waiting for the compression thread, at most */
#define SLAB_CLASSES 10                          /* 64 B .. 32 KiB */
#define SLAB_MAX ((size_t)64 << (SLAB_CLASSES - 1))

/* A term's accumulator: one 64-byte cache line, which holds the start of
 * the term, so finding a term costs one miss into the table (the writer
 * prefetches the slots of the terms ahead). Buffer sizes are powers of two
 * from 64 (buf_grow_cap), kept as their logarithm (cap_of) to fit. */
#define TACC_PRE 15
struct tacc {
	uint64_t hash;          /* nl_hash64 of the term */
	char *term;             /* NULL: empty slot */
	char *data;             /* postings not yet encoded: per posting gap,
				 * tft, tfb, positions (first, then gaps); for a
				 * hot term after its encoder's pointer (HOT_HEAD) */
	size_t dn;              /* bytes all the term's postings take as
				 * varints (the memory count, see HOT_DF) */
	uint32_t bn;            /* bytes of data used */
	uint32_t df, last_doc;
	uint8_t len;
	uint8_t dcap_lg;        /* cap_of: what a buffer of dn bytes would have
				 * grown to (the memory count) */
	uint8_t bcap_lg;        /* cap_of: data's size */
	char pre[TACC_PRE];     /* the term's first bytes */
};
#define HOT_HEAD sizeof(struct post_enc *)

/* The size a tacc's size logarithm stands for: 0 for none, else 32 << lg
 * (64 for 1). */
static inline size_t cap_of(uint8_t lg)
{
	return lg ? (size_t)32 << lg : 0;
}

static inline uint8_t cap_lg(size_t cap)
{
	return (uint8_t)(__builtin_ctzll(cap) - 5);
}

/* A hot term's encoder, at the head of its buffer. */
static inline struct post_enc *tacc_enc(const struct tacc *a)
{
	struct post_enc *e;
	memcpy(&e, a->data, sizeof e);
	return e;
}
_Static_assert(sizeof(struct tacc) == 64, "a term accumulator is one cache line");

/* The table is probed at random, a cache and often a TLB miss per term:
 * large tables are asked for huge pages (2 MiB: one TLB entry for 32768
 * slots instead of 64). */
static struct tacc *tacc_table(size_t n)
{
	size_t bytes = n * sizeof(struct tacc), huge = (size_t)2 << 20;
	bool big = bytes >= 2 * huge;
	struct tacc *t = xaligned_alloc(big ? huge : 64, bytes);
	if (big)
		(void)madvise(t, bytes, MADV_HUGEPAGE); /* a hint: without it, small pages */
	memset(t, 0, bytes);
	return t;
}

struct seg_writer {
	struct fw f;
	char *final_path;
	ZSTD_CCtx *zc;
	struct buf block;       /* raw records of the open docstore block */
	size_t block_cap;       /* the largest block.cap so far: the block buffers
				 * take turns (flush_block), the count stays as
				 * for one buffer that only grows */
	uint32_t block_first, nblocks;
	struct buf blocks;      /* SEC_BLOCKS bytes */
	struct buf doctab;      /* SEC_DOCTAB bytes */
	struct buf sketch;      /* the open block's documents' sketches */
	struct buf groups, merges;
	uint32_t ndocs;
	uint32_t *doclen;       /* title+body tokens per doc */
	size_t doclen_cap;
	/* sources */
	struct nl_str *src;
	size_t nsrc, srccap;
	uint32_t *srchash;      /* open addressing: index+1 */
	size_t srchcap;
	uint32_t last_src;      /* the last document's source (source_id) */
	/* terms */
	struct tacc *tab;
	size_t tcap, tcount;
	char *arena;
	size_t arena_left;
	char **chunks;
	size_t nchunks, chunkcap;
	size_t mem;
	struct tacc **slots;    /* seg_writer_add: the document's terms' accumulators */
	size_t slotcap;
	uint64_t *hashes;       /* seg_writer_add: the terms' hashes if not given */
	size_t hashcap;
	uint64_t total_title, total_body;
	struct buf zbuf;
	unsigned threads;       /* threads seg_writer_finish may use */
	/* docstore compression thread (flush_block) */
	bool zon;               /* it runs */
	pthread_t zthread;
	pthread_mutex_t zmu;
	pthread_cond_t zcv;     /* a block queued or done, or stop */
	struct zjob {
		struct buf raw, sketch;
		uint32_t first, ndocs;
	} zq[ZQ];
	unsigned zhead, ztail;  /* blocks zhead..ztail-1 queued (under zmu) */
	bool zstop;             /* under zmu */
	int zrc;                /* f.rc as the thread last saw it (under zmu) */
	int zseen;              /* zrc as the adding thread last saw it */
	/* cold terms' postings buffers (slab_get) */
	void *slab_free[SLAB_CLASSES];
	char *slab;
	size_t slab_left;
	char **slabs;
	size_t nslabs, slabcap;
};

/*
 * A term's postings buffer has a power of two size from 64 bytes (it
 * grows as a struct buf does). Up to SLAB_MAX they are carved from 1 MiB
 * slabs of the writer, and one that a term outgrows goes on a free list of
 * its size for the next term that needs one;
 * all are freed with the writer, at once. Many small buffers that grow and
 * are dropped cost a malloc, a realloc with a copy and a free each
 * otherwise, and freeing them one by one at the end was part of the serial
 * end of an add. The slabs are not counted in the writer's memory: the
 * postings are, as one buffer per term would hold them all (dn, dcap_lg).
 */
static void *slab_get(struct seg_writer *w, size_t cap)
{
	if (cap > SLAB_MAX)
		return xmalloc(cap);
	unsigned c = (unsigned)__builtin_ctzll(cap / 64);
	void *p = w->slab_free[c];
	if (p) {
		memcpy(&w->slab_free[c], p, sizeof p);
		return p;
	}
	if (w->slab_left < cap) {
		w->slab_left = (size_t)1 << 20;
		w->slab = xmalloc(w->slab_left);
		w->slabs = xgrow(w->slabs, &w->slabcap, w->nslabs + 1, sizeof *w->slabs);
		w->slabs[w->nslabs++] = w->slab;
	}
	p = w->slab;
	w->slab += cap;
	w->slab_left -= cap;
	return p;
}

/* Give back a buffer of cap bytes from slab_get (NULL: none). */
static void slab_put(struct seg_writer *w, void *p, size_t cap)
{
	if (!p)
		return;
	if (cap > SLAB_MAX) {
		free(p);
		return;
	}
	unsigned c = (unsigned)__builtin_ctzll(cap / 64);
	memcpy(p, &w->slab_free[c], sizeof p);
	w->slab_free[c] = p;
}

static char *arena_copy(struct seg_writer *w, const char *p, size_t n)
{
	if (w->arena_left < n) {
		size_t sz = NL_MAX((size_t)1 << 20, n);
		w->arena = xmalloc(sz);
		w->arena_left = sz;
		w->mem += sz;
		w->chunks = xgrow(w->chunks, &w->chunkcap, w->nchunks + 1, sizeof *w->chunks);
		w->chunks[w->nchunks++] = w->arena;
	}
	char *r = w->arena;
	memcpy(r, p, n);
	w->arena += n;
	w->arena_left -= n;
	return r;
}

struct seg_writer *seg_writer_new(const char *path, int *rc, char *err, size_t errcap)
{
	struct seg_writer *w = xcalloc(1, sizeof *w);
	size_t n = strlen(path) + 5;
	char *tmp = xmalloc(n);
	snprintf(tmp, n, "%s.tmp", path);
	*rc = fw_open(&w->f, tmp, err, errcap);
	if (*rc) {
		free(tmp);
		free(w);
		return NULL;
	}
	w->final_path = xstrdup(path);
	w->zc = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, ZLEVEL);
	ZSTD_CCtx_setParameter(w->zc, ZSTD_c_checksumFlag, 1);
	buf_init(&w->block, 0);
	buf_init(&w->blocks, 0);
	buf_init(&w->doctab, 0);
	buf_init(&w->zbuf, 0);
	buf_init(&w->sketch, 0);
	buf_init(&w->groups, 0);
	buf_init(&w->merges, 0);
	w->tcap = 1u << 16;
	w->tab = tacc_table(w->tcap);
	w->srchcap = 256;
	w->srchash = xcalloc(w->srchcap, sizeof *w->srchash);
	fw_sec_begin(&w->f, SEC_DOCSTORE);
	return w;
}

/* ------------------------------------------------- docstore compression --- */
/*
 * With threads (seg_writer_set_threads > 1), full docstore blocks are
 * compressed and written by a thread of their own, ZQ of them at most
 * waiting, so that the thread adding documents — the serial stage of an add
 * — does not spend a third of its time in zstd. One thread compresses the
 * blocks in order with the one context: the frames and the SEC_BLOCKS
 * entries are the same. While it runs, it alone touches the file (and
 * zbuf, zc, blocks); the adding thread learns of a write error (zseen) when
 * it queues a block, and waits for the queue to drain (zdrain) before it
 * writes anything else.
 */

/* Compress raw block bytes, write the frame, its SEC_BLOCKS entry and the
 * skippable frame of the block's sketches (sk: ndocs of them). */
static void compress_block(struct seg_writer *w, const char *raw, size_t n, uint32_t first,
			   uint32_t ndocs, const unsigned char *sk)
{
	size_t bound = ZSTD_compressBound(n);
	buf_clear(&w->zbuf);
	buf_reserve(&w->zbuf, bound);
	size_t c = ZSTD_compress2(w->zc, w->zbuf.p, bound, raw, n);
	if (ZSTD_isError(c))
		nl_die("zstd compression failed: %s", ZSTD_getErrorName(c));
	buf_put_u64le(&w->blocks, w->f.off - w->f.sec_start);
	buf_put_u32le(&w->blocks, (uint32_t)c);
	buf_put_u32le(&w->blocks, (uint32_t)n);
	buf_put_u32le(&w->blocks, first);
	buf_put_u32le(&w->blocks, ndocs);
	fw_write(&w->f, w->zbuf.p, c);
	fw_sketch_head(&w->f, ndocs);
	fw_write(&w->f, sk, (size_t)ndocs * DEDUP_SKETCH_BYTES);
}

static void *zmain(void *arg)
{
	struct seg_writer *w = arg;
	pthread_mutex_lock(&w->zmu);
	for (;;) {
		while (w->zhead == w->ztail && !w->zstop)
			pthread_cond_wait(&w->zcv, &w->zmu);
		if (w->zhead == w->ztail)
			break; /* stopped, nothing left */
		struct zjob *j = &w->zq[w->zhead % ZQ];
		pthread_mutex_unlock(&w->zmu);
		compress_block(w, j->raw.p, j->raw.n, j->first, j->ndocs,
			       (const unsigned char *)j->sketch.p);
		pthread_mutex_lock(&w->zmu);
		w->zhead++;
		w->zrc = w->f.rc;
		pthread_cond_broadcast(&w->zcv);
	}
	pthread_mutex_unlock(&w->zmu);
	return NULL;
}

/* Start the compression thread; false if it cannot be (then blocks are
 * compressed by the caller). */
static bool zstart(struct seg_writer *w)
{
	pthread_mutex_init(&w->zmu, NULL);
	pthread_cond_init(&w->zcv, NULL);
	for (unsigned i = 0; i < ZQ; i++) {
		buf_init(&w->zq[i].raw, 0);
		buf_init(&w->zq[i].sketch, 0);
	}
	w->zon = pthread_create(&w->zthread, NULL, zmain, w) == 0;
	if (!w->zon) {
		pthread_mutex_destroy(&w->zmu);
		pthread_cond_destroy(&w->zcv);
	}
	return w->zon;
}

/* Let the compression thread finish the queued blocks and end. */
static void zdrain(struct seg_writer *w)
{
	if (!w->zon)
		return;
	pthread_mutex_lock(&w->zmu);
	w->zstop = true;
	pthread_cond_broadcast(&w->zcv);
	pthread_mutex_unlock(&w->zmu);
	pthread_join(w->zthread, NULL);
	pthread_mutex_destroy(&w->zmu);
	pthread_cond_destroy(&w->zcv);
	for (unsigned i = 0; i < ZQ; i++) {
		buf_release(&w->zq[i].raw);
		buf_release(&w->zq[i].sketch);
	}
	w->zon = false;
}

static void flush_block(struct seg_writer *w)
{
	if (w->block.n == 0)
		return;
	if (w->zon || (w->threads > 1 && !w->zstop && zstart(w))) {
		pthread_mutex_lock(&w->zmu);
		while (w->ztail - w->zhead == ZQ)
			pthread_cond_wait(&w->zcv, &w->zmu);
		pthread_mutex_unlock(&w->zmu);
		/* slot ztail is not queued: the thread does not read it */
		/* the block is handed over, not copied: the job's old buffer
		 * (same size class) becomes the next open block */
		struct zjob *j = &w->zq[w->ztail % ZQ];
		struct buf t = j->raw;
		w->block_cap = NL_MAX(w->block_cap, w->block.cap);
		j->raw = w->block;
		w->block = t;
		t = j->sketch;
		j->sketch = w->sketch;
		w->sketch = t;
		j->first = w->block_first;
		j->ndocs = w->ndocs - w->block_first;
		pthread_mutex_lock(&w->zmu);
		w->ztail++;
		w->zseen = w->zrc;
		pthread_cond_broadcast(&w->zcv);
		pthread_mutex_unlock(&w->zmu);
	} else {
		compress_block(w, w->block.p, w->block.n, w->block_first,
			       w->ndocs - w->block_first, (const unsigned char *)w->sketch.p);
	}
	buf_clear(&w->block);
	buf_clear(&w->sketch);
	w->block_first = w->ndocs;
	w->nblocks++;
}

/* source_id's lookup in the table of sources, s added when new. */
static uint32_t source_find(struct seg_writer *w, struct nl_str s)
{
	uint64_t h = nl_hash64(s.p, s.n);
	size_t mask = w->srchcap - 1, i = h & mask;
	while (w->srchash[i]) {
		struct nl_str t = w->src[w->srchash[i] - 1];
		if (nl_str_eq(t, s))
			return w->srchash[i] - 1;
		i = (i + 1) & mask;
	}
	w->src = xgrow(w->src, &w->srccap, w->nsrc + 1, sizeof *w->src);
	w->src[w->nsrc] = nl_str_make(arena_copy(w, s.p, s.n), s.n);
	w->srchash[i] = (uint32_t)++w->nsrc;
	if (w->nsrc * 2 > w->srchcap) {
		size_t nc = w->srchcap * 2;
		uint32_t *nh = xcalloc(nc, sizeof *nh);
		for (size_t k = 0; k < w->nsrc; k++) {
			uint64_t hh = nl_hash64(w->src[k].p, w->src[k].n);
			size_t j = hh & (nc - 1);
			while (nh[j])
				j = (j + 1) & (nc - 1);
			nh[j] = (uint32_t)(k + 1);
		}
		free(w->srchash);
		w->srchash = nh;
		w->srchcap = nc;
	}
	return (uint32_t)(w->nsrc - 1);
}

/* The id of source s, numbered as sources are first seen. */
static uint32_t source_id(struct seg_writer *w, struct nl_str s)
{
	/* most documents come from the source of the one before: no hash */
	if (w->nsrc && nl_str_eq(w->src[w->last_src], s))
		return w->last_src;
	w->last_src = source_find(w, s);
	return w->last_src;
}

static void grow_terms(struct seg_writer *w)
{
	size_t nc = w->tcap * 2;
	struct tacc *nt = tacc_table(nc);
	for (size_t i = 0; i < w->tcap; i++) {
		if (!w->tab[i].term)
			continue;
		size_t j = w->tab[i].hash & (nc - 1);
		while (nt[j].term)
			j = (j + 1) & (nc - 1);
		nt[j] = w->tab[i];
	}
	w->mem += (nc - w->tcap) * sizeof *nt;
	free(w->tab);
	w->tab = nt;
	w->tcap = nc;
}

/* Whether the first m (<= 15) bytes of p and t are the same. Terms are
 * short: two loads that overlap (of 8, 4 or 1 bytes) compare them, where a
 * byte loop or a call to memcmp cost more. */
static inline bool pre_eq(const char *p, const char *t, size_t m)
{
	if (m >= 8) {
		uint64_t x, y, u, v;
		memcpy(&x, p, 8);
		memcpy(&y, t, 8);
		memcpy(&u, p + m - 8, 8);
		memcpy(&v, t + m - 8, 8);
		return ((x ^ y) | (u ^ v)) == 0;
	}
	if (m >= 4) {
		uint32_t x, y, u, v;
		memcpy(&x, p, 4);
		memcpy(&y, t, 4);
		memcpy(&u, p + m - 4, 4);
		memcpy(&v, t + m - 4, 4);
		return ((x ^ y) | (u ^ v)) == 0;
	}
	return m == 0 || (p[0] == t[0] && p[m / 2] == t[m / 2] && p[m - 1] == t[m - 1]);
}

/* The slot of term t (n bytes, nl_hash64 h) in table tab of mask + 1 slots:
 * its accumulator, or the empty slot where it would go. Inline: called for
 * every posting. */
static inline __attribute__((always_inline)) struct tacc *
term_find(struct tacc *tab, size_t mask, const char *t, size_t n, uint64_t h)
{
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct tacc *a = &tab[i];
		/* the hash first: most lookups find their term at once (an empty
		 * slot's hash is 0, its term NULL) */
		if (a->hash == h && a->len == n && a->term &&
		    pre_eq(a->pre, t, NL_MIN(n, (size_t)TACC_PRE)) &&
		    (n <= TACC_PRE || !memcmp(a->term + TACC_PRE, t + TACC_PRE, n - TACC_PRE)))
			return a;
		if (!a->term)
			return a;
	}
}

/* Make term t's accumulator in the empty slot a (term_find); the table may
 * grow, and the accumulator move with it. */
static __attribute__((noinline)) struct tacc *term_new(struct seg_writer *w, struct tacc *a,
							const char *t, size_t n, uint64_t h)
{
	a->term = arena_copy(w, t, n);
	a->len = (uint8_t)n;
	a->hash = h;
	memcpy(a->pre, t, NL_MIN(n, (size_t)TACC_PRE));
	a->last_doc = UINT32_MAX; /* so the first posting's gap, doc - last_doc - 1, is doc */
	w->tcount++;
	if (w->tcount * 2 > w->tcap) {
		grow_terms(w);
		return term_find(w->tab, w->tcap - 1, t, n, h);
	}
	return a;
}

/* Add the n postings kept in a's varints from byte from of data on (n <=
 * POST_BLOCK: one block; the whole list so far when it is not hot yet, else
 * those since its last full block) to enc (begun; the first gap is from
 * its last document), and drop them from data. */
static void replay_postings(const struct seg_writer *w, struct tacc *a, size_t from, uint32_t n,
			    struct post_enc *enc)
{
	/* The postings are read into arrays (their doc gaps as they are kept:
	 * the encoder packs gaps), and each document's length asked for (a
	 * cache miss per posting: here the loads are independent and overlap),
	 * then encoded as one block. The positions are already the
	 * varints the encoder stores (first as is, then gaps): their bytes are
	 * copied as they are, with no decoding. Room for all of them (fewer
	 * than the postings' bytes) is made once, with 8 bytes more for a
	 * short run's copy of 8. */
	uint32_t gaps[POST_BLOCK], tft[POST_BLOCK], tfb[POST_BLOCK], len[POST_BLOCK];
	const unsigned char *p = (const unsigned char *)a->data + from;
	const unsigned char *end = (const unsigned char *)a->data + a->bn;
	const unsigned char *lim = (const unsigned char *)a->data + cap_of(a->bcap_lg); /* the buffer's end */
	unsigned char *o = (unsigned char *)buf_reserve(&enc->pos, a->bn - from + 8), *o0 = o;
	uint32_t doc = enc->last_doc; /* UINT32_MAX when begun: doc + 1 + gap is the gap */
	const uint32_t *doclen = w->doclen; /* a local: o's stores may alias w */
	for (uint32_t j = 0; j < n; j++) {
		/* written by seg_writer_add: whole, no bounds to check; a posting
		 * takes 4 bytes at least (3 varints, a position) */
		uint32_t u = rd_u32le(p), gap, t1, t2;
		t1 = u >> 8 & 0xff;
		t2 = u >> 16 & 0xff;
		if ((u & 0x80808080u) == 0 && t1 + t2 == 1) {
			/* most often: one byte each, and one position of one byte */
			gap = u & 0xff;
			*o++ = (unsigned char)(u >> 24);
			p += 4;
		} else {
			if ((u & 0x808080u) == 0) { /* one byte each */
				gap = u & 0xff;
				p += 3;
			} else {
				gap = (uint32_t)varint_get_own(&p);
				t1 = (uint32_t)varint_get_own(&p);
				t2 = (uint32_t)varint_get_own(&p);
			}
			uint32_t np = t1 + t2;
			uint64_t x, ends = 0;
			if (np <= 8 && lim - p >= 8) {
				/* most often: the positions' bytes lie in the next
				 * 8; the np-th byte with its high bit clear ends
				 * them (the bytes past data's end, read here, come
				 * after it) */
				x = rd_u64le(p);
				ends = ~x & 0x8080808080808080ULL;
				for (uint32_t k = 1; k < np; k++)
					ends &= ends - 1;
			}
			if (ends) {
				size_t m = (size_t)__builtin_ctzll(ends) / 8 + 1;
				memcpy(o, p, 8);
				o += m;
				p += m;
			} else {
				const unsigned char *q = p;
				for (uint32_t c = 0; c < np && q < end; q++)
					c += *q < 0x80;
				size_t m = (size_t)(q - p);
				memcpy(o, p, m);
				o += m;
				p = q;
			}
		}
		doc = doc + 1 + gap;
		gaps[j] = gap;
		tft[j] = t1;
		tfb[j] = t2;
		len[j] = doclen[doc];
	}
	enc->pos.n += (size_t)(o - o0);
	post_enc_add_gaps(enc, gaps, tft, tfb, len, n, doc);
	a->bn = (uint32_t)from;
}

/* A's buffer holds a full block (df a multiple of POST_BLOCK): encode it.
 * The first time, the term becomes hot: its encoder is made, and its
 * pointer goes at the head of the buffer, before the next block. */
static __attribute__((noinline)) void hot_block(struct seg_writer *w, struct tacc *a)
{
	if (a->df == HOT_DF) {
		/* aligned: its first two cache lines hold what a block's encoding
		 * touches most */
		struct post_enc *pe = xaligned_alloc(64, sizeof *pe);
		post_enc_init(pe);
		post_enc_begin(pe);
		replay_postings(w, a, 0, POST_BLOCK, pe);
		memcpy(a->data, &pe, sizeof pe); /* data holds 64 bytes at least */
		a->bn = HOT_HEAD;
		return;
	}
	replay_postings(w, a, HOT_HEAD, POST_BLOCK, tacc_enc(a));
}

/* a's memory count, its would-be buffer of all postings, grows as a struct
 * buf would to hold need bytes more, if they do not fit (the segment cuts
 * depend on it). */
static __attribute__((noinline)) void grow_count(struct seg_writer *w, struct tacc *a, size_t need)
{
	size_t cap = cap_of(a->dcap_lg), c = buf_grow_cap(cap, a->dn + need + 1);
	w->mem += c - cap;
	a->dcap_lg = cap_lg(c);
}

/* a's buffer grows to hold need bytes more, if they do not fit. */
static __attribute__((noinline)) void grow_data(struct seg_writer *w, struct tacc *a, size_t need)
{
	size_t cap = cap_of(a->bcap_lg), c = buf_grow_cap(cap, a->bn + need + 1);
	if (c == cap)
		return;
	if (c > UINT32_MAX) /* bn: the list's positions would be as many */
		nl_die("posting list over 4 GiB: cannot be stored");
	char *nd = slab_get(w, c);
	if (a->bn)
		memcpy(nd, a->data, a->bn);
	slab_put(w, a->data, cap);
	a->data = nd;
	a->bcap_lg = cap_lg(c);
}

int seg_writer_add(struct seg_writer *w, const struct seg_wdoc *d)
{
	int rc = w->zon ? w->zseen : w->f.rc; /* f is the thread's while it runs */
	if (rc)
		return rc;
	if (w->block.n && w->block.n + d->record.n > DOCBLOCK)
		flush_block(w);
	uint32_t doc = w->ndocs;
	unsigned char e[SEG_DOCTAB_ENTRY] = { 0 };
	wr_u64le(e, d->key);
	wr_u32le(e + 8, (uint32_t)d->day);
	wr_u32le(e + 12, w->nblocks);
	wr_u32le(e + 16, (uint32_t)w->block.n);
	wr_u32le(e + 20, (uint32_t)d->record.n);
	wr_u32le(e + 24, d->title_len);
	wr_u32le(e + 28, d->body_len);
	wr_u32le(e + 32, source_id(w, d->source));
	buf_put(&w->doctab, e, sizeof e);
	buf_put(&w->block, d->record.p, d->record.n);
	if (d->sketch) {
		buf_put(&w->sketch, d->sketch, DEDUP_SKETCH_BYTES);
	} else {
		unsigned char z[DEDUP_SKETCH_BYTES] = { 0 };
		buf_put(&w->sketch, z, sizeof z);
	}
	buf_put_u32le(&w->groups, d->rep);
	w->doclen = xgrow(w->doclen, &w->doclen_cap, doc + 1, sizeof *w->doclen);
	w->doclen[doc] = d->title_len + d->body_len;
	w->total_title += d->title_len;
	w->total_body += d->body_len;
	w->ndocs++;
	/* the document's arrays in locals: the postings are written as bytes,
	 * which may alias anything, so fields read through d would be loaded
	 * again after every store */
	const uint32_t nterms = d->nterms;
	const uint8_t *term_lens = d->term_lens;
	const uint64_t *th = d->term_hash;
	const uint32_t *tfts = d->tft, *tfbs = d->tfb;
	const char *tb = d->term_bytes;     /* the terms one after another */
	const uint32_t *pb = d->positions;  /* likewise their positions */
	/* First every term's accumulator is found (or made), the slots of the
	 * terms 16 on prefetched; then the postings are added, the ends of the
	 * buffers of the terms 8 on prefetched from the accumulators found,
	 * with no hashing or comparing again. */
	w->slots = xgrow(w->slots, &w->slotcap, (size_t)nterms + 8, sizeof *w->slots);
	struct tacc **sl = w->slots;
	struct tacc *tab = w->tab; /* and its mask, as they are after any growth */
	size_t mask = w->tcap - 1;
	if (!th) { /* hashed here when the caller did not */
		w->hashes = xgrow(w->hashes, &w->hashcap, nterms ? nterms : 1, sizeof *w->hashes);
		const char *t = tb;
		for (uint32_t i = 0; i < nterms; i++) {
			w->hashes[i] = nl_hash64(t, term_lens[i]);
			t += term_lens[i];
		}
		th = w->hashes;
	}
	/* the terms 16 on are prefetched up to the last 16 (no test for the
	 * end at each term) */
	uint32_t pf = nterms > 16 ? nterms - 16 : 0;
	for (uint32_t i = 0; i < 16 && i < nterms; i++)
		__builtin_prefetch(&tab[th[i] & mask]);
	bool grew = false;
	const char *t = tb;
	for (uint32_t i = 0; i < nterms; i++) {
		if (i < pf)
			__builtin_prefetch(&tab[th[i + 16] & mask]);
		struct tacc *a = term_find(tab, mask, t, term_lens[i], th[i]);
		if (__builtin_expect(!a->term, 0)) {
			a = term_new(w, a, t, term_lens[i], th[i]);
			if (w->tab != tab) {
				grew = true;
				tab = w->tab;
				mask = w->tcap - 1;
			}
		}
		sl[i] = a;
		t += term_lens[i];
	}
	if (grew) {
		/* the table grew (a new term made it half full): the
		 * accumulators found before moved; all are there now */
		t = tb;
		for (uint32_t i = 0; i < nterms; i++) {
			sl[i] = term_find(tab, mask, t, term_lens[i], th[i]);
			t += term_lens[i];
		}
	}
	/* past the last term, 8 slots of an empty accumulator (no buffer,
	 * nothing to prefetch): the stage ahead needs no test for the end */
	static const struct tacc none;
	for (uint32_t i = nterms; i < nterms + 8; i++)
		sl[i] = (struct tacc *)&none;
	for (uint32_t i = 0; i < nterms; i++) {
		{
			/* no test for a term with no buffer yet: a prefetch of
			 * a null pointer's neighbourhood is harmless */
			const struct tacc *b = sl[i + 8];
			__builtin_prefetch((const void *)((uintptr_t)b->data + b->bn), 1);
		}
		struct tacc *a = sl[i];
		uint32_t t1 = tfts[i], t2 = tfbs[i], npos = t1 + t2;
		size_t need = 30 + (size_t)npos * 5, dn = a->dn, bn = a->bn;
		/* room for the posting in the memory count and in the buffer:
		 * tested without cap_of's test for 0 (32 << 0 is 32, less than
		 * need + 2 for a new term), and by 2 bytes early (the grow_
		 * functions then change nothing) */
		if (__builtin_expect(dn + need + 2 >= (size_t)32 << a->dcap_lg, 0))
			grow_count(w, a, need);
		if (__builtin_expect(bn + need + 2 >= (size_t)32 << a->bcap_lg, 0))
			grow_data(w, a, need);
		unsigned char *p = (unsigned char *)a->data + bn;
		uint32_t gap = doc - a->last_doc - 1;
		size_t n;
		if ((gap | t1 | t2) < 0x80) { /* most often */
			p[0] = (unsigned char)gap;
			p[1] = (unsigned char)t1;
			p[2] = (unsigned char)t2;
			n = 3;
		} else {
			n = varint_put(p, gap);
			n += varint_put(p + n, t1);
			n += varint_put(p + n, t2);
		}
		const uint32_t *ps = pb;
		pb += npos;
		if (npos == 1 && ps[0] < 0x80) /* most often */
			p[n++] = (unsigned char)ps[0];
		else
			n += post_pos_put(p + n, ps, npos);
		a->bn = (uint32_t)(bn + n);
		a->dn = dn + n;
		a->df++;
		a->last_doc = doc;
		if (a->df % POST_BLOCK == 0)
			hot_block(w, a);
	}
	return NL_OK;
}

uint32_t seg_writer_ndocs(const struct seg_writer *w) { return w->ndocs; }

void seg_writer_note_merge(struct seg_writer *w, uint32_t a, uint32_t b)
{
	buf_put_u32le(&w->merges, a);
	buf_put_u32le(&w->merges, b);
}

static void write_blob(struct fw *f, uint32_t type, const void *p, size_t n)
{
	fw_sec_begin(f, type);
	fw_write(f, p, n);
	fw_sec_end(f);
}

size_t seg_writer_memory(const struct seg_writer *w)
{
	return w->mem + w->doctab.cap + w->tcap * sizeof *w->tab + NL_MAX(w->block.cap, w->block_cap);
}

/* Terms are sorted as (key, accumulator) pairs: the key is the term's first
 * 8 bytes, big-endian, zero-padded, so most of the order comes from the
 * pair alone and not from the accumulator and the term (a cache miss each).
 * Keys order as the bytes do (a shorter term padded with zeros sorts before
 * a longer one it begins); equal keys fall back to the whole terms. */
struct term_ent {
	uint64_t key;
	struct tacc *a;
};

static uint64_t term_key(const struct tacc *a)
{
	/* pre's bytes past the term are zero (the table is made zeroed, and
	 * term_new copies the term's bytes only): one load, read big-endian
	 * (its first byte the most significant) */
	return __builtin_bswap64(rd_u64le(a->pre));
}

static int cmp_term_ent(const void *a, const void *b)
{
	const struct term_ent *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	size_t n = NL_MIN(x->a->len, y->a->len);
	int c = memcmp(x->a->term, y->a->term, n);
	return c ? c : (int)x->a->len - (int)y->a->len;
}

/* Sort the k accumulators at order[] by term: a radix sort of the pairs by
 * key, a byte a pass from the last (a pass whose byte is the same in every
 * key is skipped), then each run of equal keys by the whole terms. Terms
 * are distinct, so the order is the one any sort gives; qsort took five
 * times the instructions, calling the comparison through a pointer at each
 * of its n log n steps. */
static void sort_terms(struct tacc **order, size_t k)
{
	struct term_ent *e = xmalloc((k ? k : 1) * sizeof *e);
	struct term_ent *t = xmalloc((k ? k : 1) * sizeof *t);
	size_t (*cnt)[256] = xcalloc(8, sizeof *cnt);
	for (size_t i = 0; i < k; i++) {
		uint64_t key = term_key(order[i]);
		e[i] = (struct term_ent){ key, order[i] };
		for (unsigned b = 0; b < 8; b++)
			cnt[b][key >> (8 * b) & 0xff]++;
	}
	for (unsigned b = 0; b < 8; b++) {
		size_t *c = cnt[b], sum = 0;
		if (k == 0 || c[e[0].key >> (8 * b) & 0xff] == k)
			continue; /* one byte value: the pass would change nothing */
		for (unsigned v = 0; v < 256; v++) {
			size_t n = c[v];
			c[v] = sum;
			sum += n;
		}
		for (size_t i = 0; i < k; i++)
			t[c[e[i].key >> (8 * b) & 0xff]++] = e[i];
		struct term_ent *x = e;
		e = t;
		t = x;
	}
	for (size_t i = 0; i < k;) {
		size_t j = i + 1;
		while (j < k && e[j].key == e[i].key)
			j++;
		if (j - i > 1)
			qsort(e + i, j - i, sizeof *e, cmp_term_ent);
		i = j;
	}
	for (size_t i = 0; i < k; i++)
		order[i] = e[i].a;
	free(cnt);
	free(t);
	free(e);
}

static void write_sources(struct fw *f, const struct nl_str *src, size_t n)
{
	fw_sec_begin(f, SEC_SOURCES);
	unsigned char h[4];
	wr_u32le(h, (uint32_t)n);
	fw_write(f, h, 4);
	for (size_t i = 0; i < n; i++) {
		wr_u32le(h, (uint32_t)src[i].n);
		fw_write(f, h, 4);
		fw_write(f, src[i].p, src[i].n);
	}
	fw_sec_end(f);
}

static void write_stats(struct fw *f, uint64_t tt, uint64_t tb)
{
	fw_sec_begin(f, SEC_STATS);
	unsigned char h[16];
	wr_u64le(h, tt);
	wr_u64le(h + 8, tb);
	fw_write(f, h, 16);
	fw_sec_end(f);
}

/* Free a term's postings (not yet encoded, and its encoder); a buffer in a
 * slab is freed with the slabs. Any thread may call it. */
static void tacc_release(struct tacc *a)
{
	if (!a->data)
		return;
	if (a->df >= HOT_DF) {
		struct post_enc *e = tacc_enc(a);
		post_enc_release(e);
		free(e);
	}
	if (cap_of(a->bcap_lg) > SLAB_MAX)
		free(a->data);
	a->data = NULL;
}

static void free_writer(struct seg_writer *w)
{
	for (size_t i = 0; i < w->tcap; i++)
		if (w->tab[i].term)
			tacc_release(&w->tab[i]);
	free(w->tab);
	free(w->slots);
	free(w->hashes);
	ZSTD_freeCCtx(w->zc);
	buf_release(&w->block);
	buf_release(&w->blocks);
	buf_release(&w->doctab);
	buf_release(&w->zbuf);
	buf_release(&w->sketch);
	buf_release(&w->groups);
	buf_release(&w->merges);
	free(w->doclen);
	free(w->src);
	free(w->srchash);
	free(w->final_path);
	for (size_t i = 0; i < w->nchunks; i++)
		free(w->chunks[i]);
	free(w->chunks);
	for (size_t i = 0; i < w->nslabs; i++)
		free(w->slabs[i]);
	free(w->slabs);
	free(w);
}

/*
 * The posting lists at finish. They are encoded in dictionary order (a cold
 * term's from its kept varints, a hot term's list only closed) and written
 * with the dictionary. The terms are cut into ENC_RUNS runs of about equal
 * work, each encoded into a buffer of its own; the runs are written in
 * order. With threads, a helper thread and the calling thread both take
 * the next run not yet taken, and the calling thread alone writes (the
 * file, its hash, the dictionary): each run as soon as it and the runs
 * before it are done, between runs of its own. So it encodes fewer runs
 * than the helper, as many as its writing leaves it time for, and both
 * threads stay busy to the end, which is a run's writing away (a fixed
 * split left one thread alone for a long end, the helper's share being
 * written after both had encoded theirs). The buffers of written runs are
 * taken again (fresh memory costs the kernel's zeroing of every page). The
 * bytes are the same whichever thread encodes a run.
 */
#define ENC_RUNS 64

struct enc_term {
	struct post_stats st;
	uint64_t dl, pl, bytes;
};

struct enc_job {
	struct seg_writer *w;
	struct tacc **order;
	struct enc_term *ents;        /* per term, filled as it is encoded */
	size_t cut[ENC_RUNS + 1];     /* run r: terms cut[r] .. cut[r + 1] - 1 */
	size_t nruns;
	struct buf *out[ENC_RUNS];    /* run r's lists, once taken */
	pthread_mutex_t mu;
	pthread_cond_t cv;            /* a run is done */
	size_t next;                  /* the next run to take (under mu) */
	bool done[ENC_RUNS];          /* under mu */
	struct buf *spare[ENC_RUNS];  /* buffers of written runs (under mu) */
	size_t nspare;
};

/* Take the next run (false: none left) with a buffer for it. */
static bool run_take(struct enc_job *j, size_t *r)
{
	pthread_mutex_lock(&j->mu);
	if (j->next == j->nruns) {
		pthread_mutex_unlock(&j->mu);
		return false;
	}
	*r = j->next++;
	struct buf *b = j->nspare ? j->spare[--j->nspare] : NULL;
	pthread_mutex_unlock(&j->mu);
	if (!b) {
		b = xmalloc(sizeof *b);
		buf_init(b, 0);
	}
	buf_clear(b);
	j->out[*r] = b;
	return true;
}

/* Encode run r into its buffer; enc: the thread's encoder for cold terms. */
static void run_encode(struct enc_job *j, size_t r, struct post_enc *enc)
{
	struct buf *out = j->out[r];
	size_t end = j->cut[r + 1];
	for (size_t i = j->cut[r]; i < end; i++) {
		struct tacc *a = j->order[i];
		/* the terms ahead are at random places in the table, their
		 * postings elsewhere: fetch them while this one is encoded */
		if (i + 4 < end)
			__builtin_prefetch(j->order[i + 4]);
		if (i + 2 < end)
			__builtin_prefetch(j->order[i + 2]->data);
		struct enc_term *e = &j->ents[i];
		if (a->df == 1) {
			/* most terms: one posting, written at once */
			const unsigned char *p = (const unsigned char *)a->data, *pend = p + a->bn;
			uint32_t doc = (uint32_t)varint_get_own(&p), t1 = (uint32_t)varint_get_own(&p);
			uint32_t t2 = (uint32_t)varint_get_own(&p);
			size_t before = out->n;
			post_enc_single(out, doc, t1, t2, j->w->doclen[doc], p, (size_t)(pend - p),
					&e->dl, &e->pl, &e->st);
			e->bytes = out->n - before;
			tacc_release(a);
			continue;
		}
		/* a hot term's list is built (HOT_DF) but for the postings since
		 * its last full block */
		struct post_enc *le = enc;
		if (a->df >= HOT_DF) {
			le = tacc_enc(a);
			if (a->df % POST_BLOCK)
				replay_postings(j->w, a, HOT_HEAD, a->df % POST_BLOCK, le);
		} else {
			post_enc_begin(enc);
			replay_postings(j->w, a, 0, a->df, enc);
		}
		size_t before = out->n;
		post_enc_end(le, out, &e->dl, &e->pl, &e->st);
		e->bytes = out->n - before;
		tacc_release(a);
	}
	pthread_mutex_lock(&j->mu);
	j->done[r] = true;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

static void *run_helper_main(void *arg)
{
	struct enc_job *j = arg;
	struct post_enc enc;
	post_enc_init(&enc);
	size_t r;
	while (run_take(j, &r))
		run_encode(j, r, &enc);
	post_enc_release(&enc);
	return NULL;
}

/* Write run r (done) and its terms' dictionary entries; its buffer is
 * spare then. */
static void run_write(struct enc_job *j, size_t r, struct fw *f, struct dictw *dict,
		      uint64_t *post_off)
{
	struct buf *b = j->out[r];
	fw_write_direct(f, b->p, b->n); /* ENC_RUNS writes at most: no copy */
	for (size_t i = j->cut[r]; i < j->cut[r + 1]; i++) {
		const struct tacc *a = j->order[i];
		const struct enc_term *e = &j->ents[i];
		dict_add(dict, a->term, a->len, &e->st, *post_off, e->dl, e->pl);
		*post_off += e->bytes;
	}
	pthread_mutex_lock(&j->mu);
	j->spare[j->nspare++] = b;
	j->out[r] = NULL;
	pthread_mutex_unlock(&j->mu);
}

/* What finishing a term's list costs, roughly, for cutting the runs: a
 * cold term's postings, and a hot term's since its last full block, are
 * read and encoded; the rest of a hot term's list is only copied out. */
static uint64_t enc_cost(const struct tacc *a)
{
	return a->df >= HOT_DF ? a->dn / 8 + a->bn : a->bn;
}

/* Encode and write the k posting lists of order[] (dictionary order) as
 * SEC_POSTINGS, their entries into dict. */
static void write_postings(struct seg_writer *w, struct tacc **order, size_t k, struct dictw *dict)
{
	struct fw *f = &w->f;
	struct enc_job *j = xcalloc(1, sizeof *j);
	j->w = w;
	j->order = order;
	j->ents = xmalloc((k ? k : 1) * sizeof *j->ents);
	uint64_t total = 0, acc = 0;
	for (size_t i = 0; i < k; i++)
		total += enc_cost(order[i]);
	size_t i = 0;
	for (size_t r = 0; r < ENC_RUNS && i < k; r++) {
		j->cut[r] = i;
		uint64_t upto = total / ENC_RUNS * (r + 1);
		if (r == ENC_RUNS - 1)
			i = k;
		while (i < k && acc < upto)
			acc += enc_cost(order[i++]);
		if (i == j->cut[r])
			i++; /* a run has a term at least */
		j->cut[r + 1] = i;
		j->nruns = r + 1;
	}
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	pthread_t helper;
	bool threaded = w->threads > 1 && w->mem > ((size_t)16 << 20) &&
			pthread_create(&helper, NULL, run_helper_main, j) == 0;
	struct post_enc enc;
	post_enc_init(&enc);
	uint64_t post_off = 0;
	size_t written = 0;
	fw_sec_begin(f, SEC_POSTINGS);
	for (;;) {
		size_t r;
		bool took = run_take(j, &r);
		if (took)
			run_encode(j, r, &enc);
		/* write the runs done, in order; with none left to take, wait
		 * for the helper's */
		for (;;) {
			pthread_mutex_lock(&j->mu);
			while (!took && written < j->nruns && !j->done[written])
				pthread_cond_wait(&j->cv, &j->mu);
			bool ready = written < j->nruns && j->done[written];
			pthread_mutex_unlock(&j->mu);
			if (!ready)
				break;
			run_write(j, written++, f, dict, &post_off);
		}
		if (!took && written == j->nruns)
			break;
	}
	fw_sec_end(f);
	if (threaded)
		pthread_join(helper, NULL);
	post_enc_release(&enc);
	for (size_t s = 0; s < j->nspare; s++) {
		buf_release(j->spare[s]);
		free(j->spare[s]);
	}
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j->ents);
	free(j);
}

void seg_writer_set_threads(struct seg_writer *w, unsigned n)
{
	w->threads = n;
}

int seg_writer_finish(struct seg_writer *w, uint64_t *size, char *err, size_t errcap)
{
	struct fw *f = &w->f;
	flush_block(w);
	zdrain(w);
	fw_sec_end(f);
	fw_sec_begin(f, SEC_BLOCKS);
	fw_write(f, w->blocks.p, w->blocks.n);
	fw_sec_end(f);
	fw_sec_begin(f, SEC_DOCTAB);
	fw_write(f, w->doctab.p, w->doctab.n);
	fw_sec_end(f);
	write_sources(f, w->src, w->nsrc);

	/* postings, sorted by term */
	struct tacc **order = xmalloc((w->tcount ? w->tcount : 1) * sizeof *order);
	size_t k = 0;
	for (size_t i = 0; i < w->tcap; i++)
		if (w->tab[i].term)
			order[k++] = &w->tab[i];
	sort_terms(order, k);
	struct dictw dict;
	memset(&dict, 0, sizeof dict);
	buf_init(&dict.terms, 0);
	buf_init(&dict.idx, 0);
	write_postings(w, order, k, &dict);
	free(order);
	dict_write(f, &dict);
	write_stats(f, w->total_title, w->total_body);
	write_blob(f, SEC_GROUPS, w->groups.p, w->groups.n);
	write_blob(f, SEC_MERGES, w->merges.p, w->merges.n);
	int rc = fw_close(f, w->ndocs);
	if (rc == 0 && rename(f->path, w->final_path) != 0) {
		snprintf(err, errcap, "%s: cannot rename into place: %s", w->final_path,
			 strerror(errno));
		rc = NL_EIO;
	} else if (rc) {
		snprintf(err, errcap, "%s", f->err);
		unlink(f->path);
	}
	if (size)
		*size = f->off;
	free((char *)f->path);
	free_writer(w);
	return rc;
}

void seg_writer_abort(struct seg_writer *w)
{
	zdrain(w);
	fw_abort(&w->f);
	free((char *)w->f.path);
	free_writer(w);
}

/* ----------------------------------------------------------------- merge --- */

/*
 * The n-way walk of the inputs' dictionaries keeps the live inputs in a
 * binary min-heap ordered by (current term, input number): the inputs that
 * hold the smallest term come off the top in input order, so each term's
 * postings are appended with ascending document ids. A term costs O(log n)
 * per input that holds it, instead of a scan of all n inputs (a merge of
 * thousands of small segments was quadratic).
 */
struct term_heap {
	const struct seg_term_iter *it;
	uint32_t *h;
	size_t n;
};

static bool term_heap_less(const struct term_heap *th, uint32_t a, uint32_t b)
{
	const struct seg_term_iter *x = &th->it[a], *y = &th->it[b];
	int c = memcmp(x->term, y->term, NL_MIN(x->len, y->len));
	if (c == 0)
		c = (x->len > y->len) - (x->len < y->len);
	return c < 0 || (c == 0 && a < b);
}

static void term_heap_down(struct term_heap *th, size_t k)
{
	for (;;) {
		size_t l = 2 * k + 1, m = k;
		if (l < th->n && term_heap_less(th, th->h[l], th->h[m]))
			m = l;
		if (l + 1 < th->n && term_heap_less(th, th->h[l + 1], th->h[m]))
			m = l + 1;
		if (m == k)
			return;
		uint32_t t = th->h[k];
		th->h[k] = th->h[m];
		th->h[m] = t;
		k = m;
	}
}

/* The top input has moved to its next term (live) or run out (!live). */
static void term_heap_advance(struct term_heap *th, bool live)
{
	if (!live)
		th->h[0] = th->h[--th->n];
	if (th->n)
		term_heap_down(th, 0);
}

static int merge_corrupt_dict(const struct segment *s, char *err, size_t errcap)
{
	snprintf(err, errcap, "%s: corrupt term dictionary", s->path);
	return NL_ECORRUPT;
}

int seg_merge(struct segment *const *in, size_t n, const char *path, uint64_t *size, char *err,
	      size_t errcap)
{
	size_t tl = strlen(path) + 5;
	char *tmp = xmalloc(tl);
	snprintf(tmp, tl, "%s.tmp", path);
	struct fw f;
	int rc = fw_open(&f, tmp, err, errcap);
	if (rc) {
		free(tmp);
		return rc;
	}
	uint32_t *base = xcalloc(n + 1, sizeof *base), *bbase = xcalloc(n + 1, sizeof *bbase);
	for (size_t i = 0; i < n; i++) {
		base[i + 1] = base[i] + in[i]->ndocs;
		bbase[i + 1] = bbase[i] + in[i]->nblocks;
	}
	uint32_t ndocs = base[n];
	/* docstore: the compressed frames verbatim */
	fw_sec_begin(&f, SEC_DOCSTORE);
	struct buf blocks;
	buf_init(&blocks, 0);
	/* each block's frame as it is, then its sketch frame: written anew, as
	 * a version 4 input keeps its sketches in a section of their own */
	for (size_t i = 0; i < n && rc == NL_OK; i++) {
		const unsigned char *bt = in[i]->sec[SEC_BLOCKS];
		for (uint32_t b = 0; b < in[i]->nblocks && rc == NL_OK; b++) {
			const unsigned char *e = bt + (size_t)b * SEG_BLOCKS_ENTRY;
			uint32_t cl = rd_u32le(e + 8), first = rd_u32le(e + 16), nd = rd_u32le(e + 20);
			buf_put_u64le(&blocks, f.off - f.sec_start);
			buf_put_u32le(&blocks, cl);
			buf_put_u32le(&blocks, rd_u32le(e + 12));
			buf_put_u32le(&blocks, first + base[i]);
			buf_put_u32le(&blocks, nd);
			fw_write(&f, in[i]->sec[SEC_DOCSTORE] + rd_u64le(e), cl);
			fw_sketch_head(&f, nd);
			for (uint32_t d = 0; d < nd; d++) {
				const unsigned char *sk = seg_sketch(in[i], first + d);
				if (!sk) {
					snprintf(err, errcap, "%s: docstore block %u does not hold "
						 "the sketch of document %u", in[i]->path, b, first + d);
					rc = NL_ECORRUPT;
					break;
				}
				fw_write(&f, sk, DEDUP_SKETCH_BYTES);
			}
		}
	}
	fw_sec_end(&f);
	fw_sec_begin(&f, SEC_BLOCKS);
	fw_write(&f, blocks.p, blocks.n);
	fw_sec_end(&f);
	buf_release(&blocks);

	/* sources: union, first appearance order; doctab with remapped sources */
	struct seg_writer *sw = xcalloc(1, sizeof *sw); /* reuse the source table code */
	sw->srchcap = 256;
	sw->srchash = xcalloc(sw->srchcap, sizeof *sw->srchash);
	uint32_t *doclen = xmalloc((ndocs ? ndocs : 1) * sizeof *doclen);
	uint64_t tt = 0, tb = 0;
	fw_sec_begin(&f, SEC_DOCTAB);
	for (size_t i = 0; i < n; i++) {
		uint32_t *map = xmalloc((in[i]->nsources + 1) * sizeof *map);
		for (uint32_t s = 0; s < in[i]->nsources; s++)
			map[s] = source_id(sw, in[i]->sources[s]);
		for (uint32_t d = 0; d < in[i]->ndocs; d++) {
			unsigned char e[SEG_DOCTAB_ENTRY];
			memcpy(e, in[i]->sec[SEC_DOCTAB] + (size_t)d * SEG_DOCTAB_ENTRY, sizeof e);
			wr_u32le(e + 12, rd_u32le(e + 12) + bbase[i]);
			uint32_t s = rd_u32le(e + 32);
			wr_u32le(e + 32, s < in[i]->nsources ? map[s] : 0);
			doclen[base[i] + d] = rd_u32le(e + 24) + rd_u32le(e + 28);
			fw_write(&f, e, sizeof e);
		}
		free(map);
		tt += in[i]->total_title;
		tb += in[i]->total_body;
	}
	fw_sec_end(&f);
	write_sources(&f, sw->src, sw->nsrc);

	/* postings: n-way merge of the dictionaries */
	struct seg_term_iter *it = xcalloc(n, sizeof *it);
	struct term_heap th = { it, xmalloc((n ? n : 1) * sizeof *th.h), 0 };
	for (size_t i = 0; i < n; i++) {
		seg_term_iter_init(&it[i], in[i]);
		if (seg_term_iter_next(&it[i]))
			th.h[th.n++] = (uint32_t)i;
		else if (it[i].corrupt)
			rc = merge_corrupt_dict(in[i], err, errcap);
	}
	for (size_t k = th.n / 2; k-- > 0;)
		term_heap_down(&th, k);
	struct dictw dict;
	memset(&dict, 0, sizeof dict);
	buf_init(&dict.terms, 0);
	buf_init(&dict.idx, 0);
	struct post_enc enc;
	post_enc_init(&enc);
	struct buf out;
	buf_init(&out, 0);
	uint32_t *pos = NULL;
	size_t poscap = 0;
	uint64_t post_off = 0;
	fw_sec_begin(&f, SEC_POSTINGS);
	while (th.n) {
		char term[256];
		size_t tlen = it[th.h[0]].len;
		memcpy(term, it[th.h[0]].term, tlen);
		post_enc_begin(&enc);
		while (th.n && it[th.h[0]].len == tlen && !memcmp(it[th.h[0]].term, term, tlen)) {
			uint32_t i = th.h[0];
			struct post_cur c;
			seg_term_cursor(in[i], &it[i].t, &c);
			while (post_cur_next(&c)) {
				uint32_t np = post_cur_positions(&c, &pos, &poscap);
				uint32_t d = base[i] + c.doc;
				if (c.doc >= in[i]->ndocs)
					c.corrupt = true;
				if (c.corrupt)
					break;
				post_enc_add(&enc, d, c.tft, c.tfb, doclen[d], pos, np);
			}
			if (c.corrupt) {
				snprintf(err, errcap, "%s: corrupt posting list for a term", in[i]->path);
				rc = NL_ECORRUPT;
			}
			post_cur_close(&c);
			bool live = seg_term_iter_next(&it[i]);
			if (it[i].corrupt)
				rc = merge_corrupt_dict(in[i], err, errcap);
			term_heap_advance(&th, live);
		}
		buf_clear(&out);
		uint64_t dl, pl;
		struct post_stats st;
		post_enc_end(&enc, &out, &dl, &pl, &st);
		fw_write(&f, out.p, out.n);
		dict_add(&dict, term, tlen, &st, post_off, dl, pl);
		post_off += out.n;
		if (rc)
			break;
	}
	fw_sec_end(&f);
	dict_write(&f, &dict);
	write_stats(&f, tt, tb);
	for (uint32_t type = SEC_GROUPS; type <= SEC_MERGES; type++) {
		fw_sec_begin(&f, type);
		for (size_t i = 0; i < n; i++)
			fw_write(&f, in[i]->sec[type], in[i]->seclen[type]);
		fw_sec_end(&f);
	}
	free(pos);
	buf_release(&out);
	post_enc_release(&enc);
	free(it);
	free(th.h);
	free(doclen);
	free(base);
	free(bbase);
	free(sw->src);
	free(sw->srchash);
	for (size_t i = 0; i < sw->nchunks; i++)
		free(sw->chunks[i]);
	free(sw->chunks);
	free(sw);
	if (rc) {
		fw_abort(&f);
		free(tmp);
		return rc;
	}
	rc = fw_close(&f, ndocs);
	if (rc == 0 && rename(tmp, path) != 0) {
		snprintf(err, errcap, "%s: cannot rename into place: %s", path, strerror(errno));
		rc = NL_EIO;
	} else if (rc) {
		unlink(tmp);
	}
	if (size)
		*size = f.off;
	free(tmp);
	return rc;
}
