/*
 * pipeline.c — batches of records analysed by worker threads and consumed in
 * order; see pipeline.h.
 *
 * A batch owns copies of its records' fields (one buffer, offsets fixed up
 * before analysis), the packed analysis results and the messages. Packed
 * document layout (native endianness; never leaves the process), starting at
 * a multiple of 8:
 *   u32 words: record length, source length, title tokens, body tokens,
 *              terms, total positions, day, term bytes, prepared sketch
 *              length, 0; u64 key
 *   record bytes, source bytes, term bytes, u8 term lengths[terms]
 *   (padded to 4) u32 tft[terms], tfb[terms], positions[total]
 *   (padded to 8) u64 term hashes[terms], prepared dedup sketch bytes
 */
#include "index/pipeline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_BYTES (2u << 20)
#define BATCH_RECS 1024

struct rec_off {
	struct rec r;       /* string pointers are offsets into raw until fixed */
	size_t off[7];
	const char *file;   /* interned per batch: pointer stays valid (files[]) */
};

struct batch {
	struct buf raw;
	struct rec_off *recs;
	size_t nrec, reccap;
	char **files;       /* copies of file names */
	size_t nfiles, filecap;
	struct buf packed;
	struct buf msgs;
	struct ingest_stats st;
	bool done;           /* analysed */
	bool ordered;        /* passed through the ordering stage */
	struct buf ord;      /* the ordering stage's bytes */
	struct batch *next;  /* in submission order */
	struct batch *qnext; /* in the work queue */
};

struct pipeline {
	struct ingest *ig;
	struct ingest igcfg;               /* ig's settings, copied at creation */
	pipeline_order_fn order;
	pthread_t order_thread;
	struct batch *ord_next;            /* next batch for the ordering stage */
	int order_rc;
	pipeline_consume_fn consume;
	void *ctx;
	unsigned nworkers;
	pthread_t *threads;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct batch *queue, *queue_tail;  /* waiting for a worker */
	struct batch *head, *tail;         /* submitted, not yet consumed */
	unsigned inflight;
	bool stop;
	struct batch *cur;                 /* filling */
	struct batch *spare;               /* consumed batches kept for reuse: their
					    * buffers are warm (no page faults) */
	unsigned nspare, spare_max;        /* as many as can be in flight: the
					    * consumer often takes several at once,
					    * and a batch freed then is a batch
					    * allocated, and faulted in, again soon */
	struct analyzer *inline_an;
	int rc;
};

static struct batch *batch_new(struct pipeline *p)
{
	if (p->spare) {
		struct batch *b = p->spare;
		p->spare = b->next;
		p->nspare--;
		b->next = NULL;
		return b;
	}
	struct batch *b = xcalloc(1, sizeof *b);
	buf_init(&b->raw, 0);
	buf_reserve(&b->raw, 4096);
	buf_init(&b->packed, 0);
	buf_init(&b->msgs, 0);
	buf_init(&b->ord, 0);
	return b;
}

static void batch_free(struct batch *b);

/* Keep a consumed batch for batch_new(), emptied, or free it. */
static void batch_recycle(struct pipeline *p, struct batch *b)
{
	if (p->nspare >= p->spare_max) {
		batch_free(b);
		return;
	}
	buf_clear(&b->raw);
	buf_clear(&b->packed);
	buf_clear(&b->msgs);
	buf_clear(&b->ord);
	b->nrec = 0;
	for (size_t i = 0; i < b->nfiles; i++)
		free(b->files[i]);
	b->nfiles = 0;
	memset(&b->st, 0, sizeof b->st);
	b->done = b->ordered = false;
	b->qnext = NULL;
	b->next = p->spare;
	p->spare = b;
	p->nspare++;
}

static void batch_free(struct batch *b)
{
	buf_release(&b->raw);
	buf_release(&b->packed);
	buf_release(&b->msgs);
	buf_release(&b->ord);
	free(b->recs);
	for (size_t i = 0; i < b->nfiles; i++)
		free(b->files[i]);
	free(b->files);
	free(b);
}

/* Append n bytes at src to the room at *p (reserved). */
static inline void put(char **p, const void *src, size_t n)
{
	if (n) /* src may be NULL when n is 0 */
		memcpy(*p, src, n);
	*p += n;
}

/* Zero bytes at *p until its offset in the buffer (base at offset at) is a
 * multiple of to. */
static inline void put_pad(char **p, const char *base, size_t at, size_t to)
{
	while ((at + (size_t)(*p - base)) % to)
		*(*p)++ = 0;
}

static void pack(struct buf *out, const struct seg_wdoc *w)
{
	/* analyze_record() (analyze.h) keeps the terms' bytes one after the
	 * other in term order, and their positions too, one per token: both
	 * sizes are known without a pass over the terms */
	uint32_t n = w->nterms, total = w->title_len + w->body_len;
	size_t tbytes = w->nterm_bytes;
	/* room for all of it at once (the paddings at their most), then plain
	 * copies, where an append each tested for room and wrote a NUL */
	size_t most = 7 + 48 + w->record.n + w->source.n + tbytes + n + 3 +
		      ((size_t)2 * n + total) * 4 + 7 + (size_t)n * 8 + w->dedup_prep.n;
	size_t at = out->n;
	char *base = buf_reserve(out, most), *p = base;
	put_pad(&p, base, at, 8);
	uint32_t h[10] = { (uint32_t)w->record.n, (uint32_t)w->source.n, w->title_len, w->body_len,
			   n, total, (uint32_t)w->day, (uint32_t)tbytes, (uint32_t)w->dedup_prep.n, 0 };
	put(&p, h, sizeof h);
	put(&p, &w->key, 8);
	put(&p, w->record.p, w->record.n);
	put(&p, w->source.p, w->source.n);
	if (n) {
		put(&p, w->term_bytes, tbytes);
		put(&p, w->term_lens, n);
	}
	put_pad(&p, base, at, 4);
	put(&p, w->tft, (size_t)n * 4);
	put(&p, w->tfb, (size_t)n * 4);
	if (n)
		put(&p, w->positions, (size_t)total * 4);
	put_pad(&p, base, at, 8);
	put(&p, w->term_hash, (size_t)n * 8);
	put(&p, w->dedup_prep.p, w->dedup_prep.n);
	out->n += (size_t)(p - base);
	out->p[out->n] = 0;
}

/* Unpack the document at *off; advances *off. */
static void unpack(const struct buf *in, size_t *off, struct seg_wdoc *w)
{
	*off = (*off + 7) & ~(size_t)7;
	const char *b = in->p + *off;
	uint32_t h[10];
	memcpy(h, b, sizeof h);
	memcpy(&w->key, b + 40, 8);
	w->sketch = NULL;
	w->rep = 0;
	const char *q = b + 48;
	w->record = nl_str_make(q, h[0]);
	q += h[0];
	w->source = nl_str_make(q, h[1]);
	q += h[1];
	w->title_len = h[2];
	w->body_len = h[3];
	w->nterms = h[4];
	w->day = (int32_t)h[6];
	const char *terms = q;
	const uint8_t *lens = (const uint8_t *)(q + h[7]);
	size_t o = (size_t)(q + h[7] + w->nterms - in->p);
	o = (o + 3) & ~(size_t)3;
	/* the terms, their lengths and their positions as they lie, one
	 * after another: no per-term pointers to build (the writer walks
	 * them) */
	w->tft = (const uint32_t *)(const void *)(in->p + o);
	w->tfb = w->tft + w->nterms;
	w->term_bytes = terms;
	w->nterm_bytes = h[7];
	w->term_lens = lens;
	w->positions = w->tfb + w->nterms;
	const uint32_t *pos = w->positions + h[5]; /* total positions */
	o = (size_t)((const char *)pos - in->p);
	o = (o + 7) & ~(size_t)7;
	w->term_hash = (const uint64_t *)(const void *)(in->p + o);
	o += (size_t)w->nterms * 8;
	w->dedup_prep = nl_str_make(in->p + o, h[8]);
	*off = o + h[8];
}

static void analyze_batch(struct pipeline *p, struct analyzer *an, struct batch *b)
{
	struct ingest sh = p->igcfg; /* a snapshot: the reader keeps changing *p->ig */
	memset(&sh.st, 0, sizeof sh.st);
	sh.capture = &b->msgs;
	/* fix string pointers now that raw will not move */
	for (size_t i = 0; i < b->nrec; i++) {
		struct rec_off *ro = &b->recs[i];
		struct nl_str *f[6] = { &ro->r.title, &ro->r.url, &ro->r.source, &ro->r.id, &ro->r.body,
					&ro->r.json };
		for (int k = 0; k < 6; k++)
			f[k]->p = b->raw.p + ro->off[k];
		ro->r.file = ro->file;
	}
	for (size_t i = 0; i < b->nrec; i++) {
		struct seg_wdoc w;
		sh.capture_key = (uint32_t)i;
		if (analyze_record(an, &sh, &b->recs[i].r, &w) == NL_OK) {
			buf_putc(&b->packed, 1);
			pack(&b->packed, &w);
		} else {
			buf_putc(&b->packed, 0);
		}
	}
	b->st = sh.st;
}

/* What the ordering stage reads of the document at *off (the key, the
 * record, the source and the prepared sketch; no terms); advances *off. */
static void unpack_order(const struct buf *in, size_t *off, struct seg_wdoc *w)
{
	*off = (*off + 7) & ~(size_t)7;
	const char *b = in->p + *off;
	uint32_t h[10];
	memcpy(h, b, sizeof h);
	memset(w, 0, sizeof *w);
	memcpy(&w->key, b + 40, 8);
	size_t o = *off + 48;
	w->record = nl_str_make(in->p + o, h[0]);
	o += h[0];
	w->source = nl_str_make(in->p + o, h[1]);
	o += h[1] + h[7] + h[4];
	o = (o + 3) & ~(size_t)3;
	o += ((size_t)2 * h[4] + h[5]) * 4;
	o = (o + 7) & ~(size_t)7;
	o += (size_t)h[4] * 8;
	w->title_len = h[2];
	w->body_len = h[3];
	w->day = (int32_t)h[6];
	w->dedup_prep = nl_str_make(in->p + o, h[8]);
	*off = o + h[8];
}

/* Run the ordering stage over an analysed batch. */
static int order_batch(struct pipeline *p, struct batch *b)
{
	size_t off = 0;
	int rc = 0;
	for (size_t i = 0; i < b->nrec && rc == 0; i++) {
		char kept = b->packed.p[off++];
		if (!kept)
			continue;
		struct seg_wdoc w;
		unpack_order(&b->packed, &off, &w);
		rc = p->order(p->ctx, &w, &b->ord);
	}
	return rc;
}

static void *order_main(void *arg)
{
	struct pipeline *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!(p->ord_next && p->ord_next->done) && !p->stop)
			pthread_cond_wait(&p->done, &p->mu);
		struct batch *b = p->ord_next;
		if (!b || !b->done)
			break; /* stopping */
		pthread_mutex_unlock(&p->mu);
		int rc = p->order_rc ? p->order_rc : order_batch(p, b);
		pthread_mutex_lock(&p->mu);
		if (rc && !p->order_rc)
			p->order_rc = rc;
		b->ordered = true;
		p->ord_next = b->next;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void *worker(void *arg)
{
	struct pipeline *p = arg;
	struct analyzer *an = analyzer_new();
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->queue && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (!p->queue)
			break;
		struct batch *b = p->queue;
		p->queue = b->qnext;
		if (!p->queue)
			p->queue_tail = NULL;
		pthread_mutex_unlock(&p->mu);
		analyze_batch(p, an, b);
		pthread_mutex_lock(&p->mu);
		b->done = true;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	analyzer_free(an);
	return NULL;
}

struct pipeline *pipeline_new(unsigned workers, struct ingest *ig, pipeline_order_fn order,
			      pipeline_consume_fn fn, void *ctx)
{
	struct pipeline *p = xcalloc(1, sizeof *p);
	p->ig = ig;
	p->igcfg = *ig;
	p->igcfg.capture = NULL;
	p->igcfg.muted_by = ig->muted;
	memset(&p->igcfg.st, 0, sizeof p->igcfg.st);
	p->order = order;
	p->consume = fn;
	p->ctx = ctx;
	p->nworkers = workers > 1 ? workers : 0;
	p->spare_max = 2 * p->nworkers + 2;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	if (p->nworkers) {
		p->threads = xcalloc(p->nworkers, sizeof *p->threads);
		for (unsigned i = 0; i < p->nworkers; i++)
			if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
				nl_die("cannot start a worker thread");
		if (pthread_create(&p->order_thread, NULL, order_main, p) != 0)
			nl_die("cannot start the ordering thread");
	} else {
		p->inline_an = analyzer_new();
	}
	p->cur = batch_new(p);
	ig->capture = &p->cur->msgs;
	ig->capture_key = 0;
	return p;
}

/* Consume the oldest batch (which must be done). */
static void consume_head(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	struct batch *b = p->head;
	p->head = b->next;
	if (!p->head)
		p->tail = NULL;
	p->inflight--;
	pthread_mutex_unlock(&p->mu);
	if (!p->rc && p->order_rc)
		p->rc = p->order_rc;
	size_t off = 0;
	const char *ord = b->ord.p;
	for (size_t i = 0; i < b->nrec && p->rc == 0; i++) {
		char kept = b->packed.p[off++];
		if (!kept)
			continue;
		struct seg_wdoc w;
		unpack(&b->packed, &off, &w);
		p->rc = p->consume(p->ctx, &w, &ord);
	}
	struct ingest *ig = p->ig;
	for (int r = 0; r < INGEST_NREASONS; r++)
		ig->st.count[r] += b->st.count[r];
	ig->st.bytes += b->st.bytes;
	ingest_replay(ig, b->msgs.p, b->msgs.n);
	batch_recycle(p, b);
}

/* Submit the current batch; consume the oldest finished one, waiting when
 * too many are in flight (all of them, in order, when all must finish). */
static void submit(struct pipeline *p, bool drain)
{
	struct batch *b = p->cur;
	p->cur = NULL;
	pthread_mutex_lock(&p->mu);
	if (p->tail)
		p->tail->next = b;
	else
		p->head = b;
	p->tail = b;
	if (!p->ord_next)
		p->ord_next = b;
	p->inflight++;
	pthread_mutex_unlock(&p->mu);
	if (!p->nworkers) {
		analyze_batch(p, p->inline_an, b);
		b->done = true;
		if (!p->order_rc)
			p->order_rc = order_batch(p, b);
		b->ordered = true;
		p->ord_next = NULL;
	} else {
		pthread_mutex_lock(&p->mu);
		if (p->queue_tail)
			p->queue_tail->qnext = b;
		else
			p->queue = b;
		p->queue_tail = b;
		pthread_cond_signal(&p->work);
		pthread_mutex_unlock(&p->mu);
	}
	unsigned limit = drain ? 0 : (p->nworkers ? 2 * p->nworkers + 1 : 0);
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->head && !p->head->ordered && p->inflight > limit)
			pthread_cond_wait(&p->done, &p->mu);
		bool ready = p->head && p->head->ordered;
		struct batch *h = NULL;
		if (ready) {
			/* detach the head under the lock: the ordering thread walks next */
			h = p->head;
		}
		pthread_mutex_unlock(&p->mu);
		if (!ready)
			break;
		(void)h;
		consume_head(p);
		/* one batch consumed per batch submitted: consuming all that are
		 * ready starves the workers, whose queue only this thread, by
		 * reading, fills */
		if (!drain && p->inflight <= limit)
			break;
	}
	if (!drain) {
		p->cur = batch_new(p);
		p->ig->capture = &p->cur->msgs;
	}
	p->ig->capture_key = 0;
}

static size_t copy_str(struct batch *b, struct nl_str s)
{
	size_t off = b->raw.n;
	buf_put(&b->raw, s.p, s.n);
	return off;
}

int pipeline_add(struct pipeline *p, const struct rec *r)
{
	if (p->rc)
		return p->rc;
	struct batch *b = p->cur;
	b->recs = xgrow(b->recs, &b->reccap, b->nrec + 1, sizeof *b->recs);
	struct rec_off *ro = &b->recs[b->nrec];
	ro->r = *r;
	if (b->nfiles == 0 || strcmp(b->files[b->nfiles - 1], r->file) != 0) {
		b->files = xgrow(b->files, &b->filecap, b->nfiles + 1, sizeof *b->files);
		b->files[b->nfiles++] = xstrdup(r->file);
	}
	ro->file = b->files[b->nfiles - 1];
	ro->off[0] = copy_str(b, r->title);
	ro->off[1] = copy_str(b, r->url);
	ro->off[2] = copy_str(b, r->source);
	ro->off[3] = copy_str(b, r->id);
	ro->off[4] = copy_str(b, r->body);
	ro->off[5] = copy_str(b, r->json);
	b->nrec++;
	p->ig->capture_key = (uint32_t)b->nrec;
	if (b->nrec >= BATCH_RECS || b->raw.n >= BATCH_BYTES)
		submit(p, false);
	return p->rc;
}

int pipeline_finish(struct pipeline *p)
{
	if (p->cur)
		submit(p, true);
	p->ig->capture = NULL;
	return p->rc;
}

void pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
	if (p->cur || p->head)
		pipeline_finish(p);
	if (p->nworkers) {
		pthread_mutex_lock(&p->mu);
		p->stop = true;
		pthread_cond_broadcast(&p->work);
		pthread_cond_broadcast(&p->done);
		pthread_mutex_unlock(&p->mu);
		for (unsigned i = 0; i < p->nworkers; i++)
			pthread_join(p->threads[i], NULL);
		pthread_join(p->order_thread, NULL);
		free(p->threads);
	}
	analyzer_free(p->inline_an);
	while (p->spare) {
		struct batch *b = p->spare;
		p->spare = b->next;
		batch_free(b);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p);
}
