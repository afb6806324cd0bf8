/*
 * archive.c — open, add to, commit, merge and check an archive directory.
 *
 * MANIFEST (text, one item per line, "\n" line ends):
 *   newsline-manifest 1
 *   generation G            incremented by every commit
 *   next N                  number of the next segment file
 *   segment NAME DOCS BYTES one line per segment, in document-id order
 *   end HHHHHHHHHHHHHHHH    XXH3-64 (hex) of every byte before this line
 * A manifest whose checksum, syntax or segment files (size, document count)
 * disagree is reported as corruption, never guessed at.
 *
 * Merge policy (log-structured): while a commit leaves more than
 * MAX_SEGMENTS segments, the trailing run of segments is merged, extending
 * the run leftwards while the segment before it is no more than four times
 * the run's size (at least two segments). Large old segments are thus
 * rewritten rarely and the count stays logarithmic in the archive size. One
 * merge is not always enough: an add that cut many segments at the budget
 * ends with a small one, and the full segment before it is more than four
 * times that.
 *
 * Segments are cut when what their documents take in the writer passes
 * $NEWSLINE_MEM_MB; the writer's own tables (megabytes, there from its first
 * document) are not counted, else a small budget made a segment, an fsync'ed
 * file and a merge input, of every document.
 */
#include "index/archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "dedup/dedup.h"
#include "index/pipeline.h"
#include "util/day.h"

#define MAX_SEGMENTS 8
#define MANIFEST_MAX (4u << 20)
/* An add that had to replay at least this many stored sketches saves the
 * detector for the next one ($NEWSLINE_SNAPSHOT_MIN overrides, for tests). */
#define SNAPSHOT_MIN 20000
#define SNAPSHOT_NAME "dedup.snap"
#define SNAPSHOT_MAGIC "NLDDSNAP"
#define SNAPSHOT_VERSION 1u
#define SNAPSHOT_HEAD 40

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NL_EIO;
	int r = fsync(fd);
	close(fd);
	return r == 0 ? NL_OK : NL_EIO;
}

static const char *seg_name(const struct segment *s)
{
	const char *b = strrchr(s->path, '/');
	return b ? b + 1 : s->path;
}

/* ------------------------------------------------------------- key set --- */

static void keys_insert(struct archive *a, uint64_t k)
{
	if (k == 0)
		k = 1;
	if ((a->nkeys + 1) * 2 > a->keycap) {
		size_t nc = a->keycap ? a->keycap * 2 : 1024;
		uint64_t *nk = xcalloc(nc, sizeof *nk);
		for (size_t i = 0; i < a->keycap; i++) {
			if (!a->keys[i])
				continue;
			size_t j = a->keys[i] & (nc - 1);
			while (nk[j])
				j = (j + 1) & (nc - 1);
			nk[j] = a->keys[i];
		}
		free(a->keys);
		a->keys = nk;
		a->keycap = nc;
	}
	size_t j = k & (a->keycap - 1);
	while (a->keys[j]) {
		if (a->keys[j] == k)
			return;
		j = (j + 1) & (a->keycap - 1);
	}
	a->keys[j] = k;
	a->nkeys++;
}

static bool keys_has(const struct archive *a, uint64_t k)
{
	if (k == 0)
		k = 1;
	if (!a->keycap)
		return false;
	size_t j = k & (a->keycap - 1);
	while (a->keys[j]) {
		if (a->keys[j] == k)
			return true;
		j = (j + 1) & (a->keycap - 1);
	}
	return false;
}

/* ------------------------------------------------------------ manifest --- */

static void rebase(struct archive *a)
{
	a->base = xrealloc(a->base, (a->nsegs + 1) * sizeof *a->base);
	a->base[0] = 0;
	for (uint32_t i = 0; i < a->nsegs; i++)
		a->base[i + 1] = a->base[i] + a->segs[i]->ndocs;
	a->ndocs = a->base[a->nsegs];
}

static void push_seg(struct archive *a, struct segment *s)
{
	a->segs = xrealloc(a->segs, (a->nsegs + 1) * sizeof *a->segs);
	a->segs[a->nsegs++] = s;
	rebase(a);
}

static int read_manifest(struct archive *a, char *err, size_t errcap)
{
	char *mpath = path_join(a->dir, "MANIFEST");
	FILE *f = fopen(mpath, "rb");
	if (!f) {
		int e = errno;
		free(mpath);
		if (e == ENOENT)
			return NL_OK; /* empty archive */
		snprintf(err, errcap, "%s/MANIFEST: cannot open: %s", a->dir, strerror(e));
		return NL_EIO;
	}
	char *text = xmalloc(MANIFEST_MAX + 1);
	size_t n = fread(text, 1, MANIFEST_MAX + 1, f);
	fclose(f);
	free(mpath);
	int rc = NL_OK;
	text[NL_MIN(n, (size_t)MANIFEST_MAX)] = 0;
	char *end = n > 0 ? strstr(text, "\nend ") : NULL;
	if (n > MANIFEST_MAX || !end || strncmp(text, "newsline-manifest 1\n", 20) != 0) {
		rc = NL_ECORRUPT;
		snprintf(err, errcap, "%s/MANIFEST: corrupt manifest: bad header or no end line",
			 a->dir);
		goto out;
	}
	uint64_t want = nl_hash64(text, (size_t)(end + 1 - text));
	unsigned long long got;
	if (sscanf(end + 5, "%16llx", &got) != 1 || got != want) {
		rc = NL_ECORRUPT;
		snprintf(err, errcap, "%s/MANIFEST: corrupt manifest: checksum mismatch", a->dir);
		goto out;
	}
	*end = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long g, docs, bytes;
		char name[64];
		if (!strncmp(line, "newsline-manifest", 17))
			continue;
		if (sscanf(line, "generation %llu", &g) == 1) {
			a->generation = g;
		} else if (sscanf(line, "next %llu", &g) == 1) {
			a->next_seg = g;
		} else if (sscanf(line, "segment %63s %llu %llu", name, &docs, &bytes) == 3) {
			if (strncmp(name, "seg-", 4) != 0 || strchr(name, '/')) {
				rc = NL_ECORRUPT;
				snprintf(err, errcap, "%s/MANIFEST: corrupt manifest: bad segment name",
					 a->dir);
				goto out;
			}
			char *sp = path_join(a->dir, name);
			char serr[400];
			struct segment *s = seg_open(sp, &rc, serr, sizeof serr);
			free(sp);
			if (!s) {
				snprintf(err, errcap, "%s", serr);
				goto out;
			}
			if (s->ndocs != docs || s->size != bytes) {
				snprintf(err, errcap,
					 "%s: corrupt segment: manifest says %llu documents and %llu "
					 "bytes, file has %u and %zu",
					 s->path, docs, bytes, s->ndocs, s->size);
				seg_close(s);
				rc = NL_ECORRUPT;
				goto out;
			}
			push_seg(a, s);
		} else {
			rc = NL_ECORRUPT;
			snprintf(err, errcap, "%s/MANIFEST: corrupt manifest: unknown line '%.40s'",
				 a->dir, line);
			goto out;
		}
	}
out:
	free(text);
	return rc;
}

static int write_manifest(struct archive *a)
{
	struct buf m;
	buf_init(&m, 0);
	buf_printf(&m, "newsline-manifest 1\ngeneration %" PRIu64 "\nnext %" PRIu64 "\n",
		   a->generation + 1, a->next_seg);
	for (uint32_t i = 0; i < a->nsegs; i++)
		buf_printf(&m, "segment %s %u %zu\n", seg_name(a->segs[i]), a->segs[i]->ndocs,
			   a->segs[i]->size);
	buf_printf(&m, "end %016" PRIx64 "\n", nl_hash64(m.p, m.n));
	char *tmp = path_join(a->dir, "MANIFEST.tmp"), *fin = path_join(a->dir, "MANIFEST");
	int rc = NL_OK;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, m.p, m.n) != (ssize_t)m.n || fsync(fd) != 0) {
		snprintf(a->err, sizeof a->err, "%s: cannot write: %s", tmp, strerror(errno));
		rc = NL_EIO;
	}
	if (fd >= 0)
		close(fd);
	if (rc == NL_OK && rename(tmp, fin) != 0) {
		snprintf(a->err, sizeof a->err, "%s: cannot rename: %s", fin, strerror(errno));
		rc = NL_EIO;
	}
	if (rc == NL_OK && fsync_dir(a->dir) != NL_OK) {
		snprintf(a->err, sizeof a->err, "%s: cannot sync directory", a->dir);
		rc = NL_EIO;
	}
	if (rc == NL_OK)
		a->generation++;
	free(tmp);
	free(fin);
	buf_release(&m);
	return rc;
}

/* Remove files no manifest names (leftovers of a crash). Writer only. */
static void remove_garbage(struct archive *a)
{
	DIR *d = opendir(a->dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		bool tmp = strlen(n) > 4 && !strcmp(n + strlen(n) - 4, ".tmp");
		bool seg = !strncmp(n, "seg-", 4);
		if (!tmp && !seg)
			continue;
		bool named = false;
		for (uint32_t i = 0; seg && !tmp && i < a->nsegs; i++)
			if (!strcmp(seg_name(a->segs[i]), n))
				named = true;
		if (!named) {
			char *p = path_join(a->dir, n);
			unlink(p);
			free(p);
		}
	}
	closedir(d);
}

/* The positive number $name holds, else dflt. */
static long env_positive(const char *name, long dflt)
{
	const char *v = getenv(name);
	return v && atol(v) > 0 ? atol(v) : dflt;
}

size_t archive_cache_bytes(const struct archive *a)
{
	char *path = path_join(a->dir, SNAPSHOT_NAME);
	struct stat sb;
	size_t n = stat(path, &sb) == 0 ? (size_t)sb.st_size : 0;
	free(path);
	return n;
}

/*
 * The near-duplicate detector is rebuilt when an archive is opened for an
 * add: every stored sketch is loaded again in id order (dedup.h). On a large
 * archive that costs seconds, so the state is also kept in dedup.snap, a
 * cache (never needed, never fsync'ed; when it is missing, damaged or does
 * not match, the sketches are replayed):
 *   off size
 *     0    8  magic "NLDDSNAP"
 *     8    4  u32le version (1)
 *    12    4  u32 0x01020304 in native order (another order: not used)
 *    16    8  u64le D: the state after the archive's documents 0..D-1
 *    24    8  u64le XXH3-64 of those documents' stored sketches, in id order
 *    32    8  u64le payload length L
 *    40    L  the detector's state (dedup_save)
 *  40+L    8  u64le XXH3-64 of bytes [0, 40 + L)
 * Ids only grow and a document's sketch never changes, so a state for the
 * first D documents stays right as documents are added: the ones after D
 * are replayed on top of it.
 */
static uint64_t sketch_hash(const struct archive *a, uint64_t docs)
{
	XXH3_state_t *st = XXH3_createState();
	XXH3_64bits_reset(st);
	for (uint32_t i = 0; i < a->nsegs && a->base[i] < docs; i++) {
		uint64_t n = NL_MIN((uint64_t)a->segs[i]->ndocs, docs - a->base[i]);
		for (uint32_t d = 0; d < n; d++) {
			static const unsigned char none[DEDUP_SKETCH_BYTES];
			const unsigned char *sk = seg_sketch(a->segs[i], d);
			/* a damaged file: the replay that follows reports it */
			XXH3_64bits_update(st, sk ? sk : none, DEDUP_SKETCH_BYTES);
		}
	}
	uint64_t h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return h;
}

static const unsigned char *stored_sketch(void *ctx, uint32_t id)
{
	struct archive *a = ctx;
	uint32_t local;
	uint32_t i = archive_seg_of(a, id, &local);
	if (i >= a->nsegs)
		return NULL;
	return seg_sketch(a->segs[i], local);
}

/* The saved detector, if it matches the archive: sets a->dd and returns the
 * documents it covers; 0 (a->dd untouched) otherwise. */
static uint64_t snapshot_load(struct archive *a)
{
	char *path = path_join(a->dir, SNAPSHOT_NAME);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return 0;
	uint64_t docs = 0;
	struct stat sb;
	unsigned char *m = NULL;
	if (fstat(fileno(f), &sb) || sb.st_size < SNAPSHOT_HEAD + 8 || sb.st_size > ((off_t)1 << 40))
		goto out;
	size_t size = (size_t)sb.st_size;
	m = xmalloc(size);
	if (fread(m, 1, size, f) != size || memcmp(m, SNAPSHOT_MAGIC, 8) ||
	    rd_u32le(m + 8) != SNAPSHOT_VERSION)
		goto out;
	uint32_t bom;
	memcpy(&bom, m + 12, 4);
	uint64_t d = rd_u64le(m + 16), len = rd_u64le(m + 32);
	if (bom != 0x01020304 || len != size - SNAPSHOT_HEAD - 8 || d > a->ndocs ||
	    rd_u64le(m + size - 8) != XXH3_64bits(m, size - 8) || rd_u64le(m + 24) != sketch_hash(a, d))
		goto out;
	struct dedup *dd = dedup_restore(m + SNAPSHOT_HEAD, (size_t)len, d, stored_sketch, a);
	if (dd) {
		a->dd = dd;
		docs = d;
	}
out:
	free(m);
	fclose(f);
	return docs;
}

/* Save the detector as it is after the archive's documents (all of them). A
 * failure is harmless: the next add replays. */
static void snapshot_save(struct archive *a)
{
	struct buf b;
	buf_init(&b, 0);
	buf_put(&b, SNAPSHOT_MAGIC, 8);
	buf_put_u32le(&b, SNAPSHOT_VERSION);
	uint32_t bom = 0x01020304;
	buf_put(&b, &bom, 4);
	buf_put_u64le(&b, a->ndocs);
	buf_put_u64le(&b, sketch_hash(a, a->ndocs));
	buf_put_u64le(&b, 0);
	dedup_save(a->dd, &b);
	wr_u64le(b.p + 32, b.n - SNAPSHOT_HEAD);
	buf_put_u64le(&b, XXH3_64bits(b.p, b.n));
	char *tmp = path_join(a->dir, SNAPSHOT_NAME ".tmp"), *path = path_join(a->dir, SNAPSHOT_NAME);
	FILE *f = fopen(tmp, "wb");
	bool ok = f && fwrite(b.p, 1, b.n, f) == b.n;
	if (f && fclose(f))
		ok = false;
	if (!ok || rename(tmp, path))
		unlink(tmp);
	free(tmp);
	free(path);
	buf_release(&b);
}

int archive_open(const char *dir, int mode, struct archive **out, char *err, size_t errcap)
{
	struct archive *a = xcalloc(1, sizeof *a);
	a->dir = xstrdup(dir);
	a->lockfd = -1;
	a->base = xcalloc(1, sizeof *a->base);
	a->next_seg = 1;
	int rc = NL_OK;
	if (mode & ARCHIVE_WRITE) {
		a->writable = true;
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			snprintf(err, errcap, "%s: cannot create archive directory: %s", dir,
				 strerror(errno));
			rc = NL_EIO;
			goto fail;
		}
		char *lp = path_join(dir, "LOCK");
		a->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		free(lp);
		if (a->lockfd < 0) {
			snprintf(err, errcap, "%s: cannot open lock file: %s", dir, strerror(errno));
			rc = NL_EIO;
			goto fail;
		}
		if (flock(a->lockfd, LOCK_EX | LOCK_NB) != 0) {
			snprintf(err, errcap, "%s: another newsline process is writing this archive",
				 dir);
			rc = NL_ELOCKED;
			goto fail;
		}
	}
	/* A reader can race a writer's merge that deletes segments: retry. */
	for (int attempt = 0; attempt < 5; attempt++) {
		rc = read_manifest(a, err, errcap);
		if (rc != NL_ENOTFOUND || a->writable)
			break;
		for (uint32_t i = 0; i < a->nsegs; i++)
			seg_close(a->segs[i]);
		a->nsegs = 0;
		rebase(a);
	}
	if (rc)
		goto fail;
	if (a->writable) {
		remove_garbage(a);
		uint64_t saved = snapshot_load(a);
		if (!a->dd)
			a->dd = dedup_new();
		for (uint32_t i = 0; i < a->nsegs; i++)
			for (uint32_t d = 0; d < a->segs[i]->ndocs; d++) {
				struct seg_docinfo di;
				seg_docinfo(a->segs[i], d, &di);
				keys_insert(a, di.key);
				/* replay the stored sketches the saved detector lacks: the
				 * detector is rebuilt without text */
				if (a->base[i] + d >= saved) {
					/* a sketch missing or damaged: the document is
					 * left out of the detector, as dedup_load does
					 * with a blob it refuses */
					const unsigned char *sk = seg_sketch(a->segs[i], d);
					if (sk)
						dedup_load(a->dd, a->base[i] + d, sk,
							   DEDUP_SKETCH_BYTES);
				}
			}
		if (a->ndocs - saved >= (uint64_t)env_positive("NEWSLINE_SNAPSHOT_MIN", SNAPSHOT_MIN))
			snapshot_save(a);
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		a->threads = (unsigned)NL_MIN(env_positive("NEWSLINE_THREADS", ncpu > 0 ? ncpu : 1), 16);
		a->mem_budget = (size_t)env_positive("NEWSLINE_MEM_MB", 256) << 20;
	}
	*out = a;
	return NL_OK;
fail:
	archive_close(a);
	*out = NULL;
	return rc;
}

void archive_close(struct archive *a)
{
	if (!a)
		return;
	if (a->w) {
		seg_writer_abort(a->w);
		a->w = NULL;
	}
	for (uint32_t i = 0; i < a->nsegs; i++)
		seg_close(a->segs[i]);
	free(a->segs);
	free(a->base);
	free(a->keys);
	free(a->wpath);
	pipeline_free(a->pipe);
	dedup_free(a->dd);
	buf_release(&a->body);
	free(a->sketch);
	free(a->rep);
	free(a->gsize);
	doc_release(&a->scratch);
	if (a->lockfd >= 0)
		close(a->lockfd);
	free(a->dir);
	free(a);
}

/* --------------------------------------------------------------- writer --- */

static int finish_segment(struct archive *a)
{
	if (!a->w)
		return NL_OK;
	if (seg_writer_ndocs(a->w) == 0) {
		seg_writer_abort(a->w);
		a->w = NULL;
		return NL_OK;
	}
	uint64_t size;
	int rc = seg_writer_finish(a->w, &size, a->err, sizeof a->err);
	a->w = NULL;
	if (rc)
		return rc;
	struct segment *s = seg_open(a->wpath, &rc, a->err, sizeof a->err);
	if (!s)
		return rc;
	push_seg(a, s);
	return NL_OK;
}

static char *new_seg_path(struct archive *a)
{
	char name[64];
	snprintf(name, sizeof name, "seg-%08" PRIu64 ".nls", a->next_seg++);
	return path_join(a->dir, name);
}

/*
 * Ordering stage (pipeline.h), in input order, on its own thread: drop
 * documents already present, give the rest their archive id, finish their
 * sketch with the near-duplicate detector's learned boilerplate (the sketch
 * depends on the detector's state as of this document; the analysis threads
 * did the rest, dedup_prepare) and find their story group. Appends to out:
 *   u8 kept; if kept: u32 rep, u32 merged count, u32 merged[], sketch bytes
 * Only this stage touches the key set and the detector while ingest runs.
 */
static int archive_order(void *arg, const struct seg_wdoc *w, struct buf *out)
{
	struct archive *a = arg;
	if (keys_has(a, w->key)) {
		buf_putc(out, 0);
		return 0;
	}
	keys_insert(a, w->key);
	uint32_t id = a->next_id++;
	if (!a->sketch)
		a->sketch = xmalloc(DEDUP_SKETCH_BYTES);
	if (dedup_sketch_prepared(a->dd, w->dedup_prep.p, w->dedup_prep.n, a->sketch) ==
	    NL_EINVAL) {
		snprintf(a->err, sizeof a->err, "internal error: an analysed record has no sketch");
		return NL_ECORRUPT;
	}
	int64_t r = dedup_load(a->dd, id, a->sketch, DEDUP_SKETCH_BYTES);
	uint32_t rep = r >= 0 ? (uint32_t)r : id;
	size_t nm;
	const uint32_t *merged = dedup_merged(a->dd, &nm);
	buf_putc(out, 1);
	buf_put(out, &rep, 4);
	uint32_t n32 = (uint32_t)nm;
	buf_put(out, &n32, 4);
	buf_put(out, merged, nm * 4);
	buf_put(out, a->sketch, DEDUP_SKETCH_BYTES);
	return 0;
}

/* Take one analysed document (in input order) from the pipeline and add it
 * to the open segment. */
static int archive_consume(void *arg, const struct seg_wdoc *w, const char **ord)
{
	struct archive *a = arg;
	int rc;
	const char *o = *ord;
	if (!*o) {
		*ord = o + 1;
		a->present++;
		return 0;
	}
	uint32_t rep, nm;
	memcpy(&rep, o + 1, 4);
	memcpy(&nm, o + 5, 4);
	const char *merged = o + 9;
	struct seg_wdoc wd = *w;
	wd.sketch = (const unsigned char *)merged + (size_t)nm * 4;
	*ord = (const char *)wd.sketch + DEDUP_SKETCH_BYTES;
	if (!a->w) {
		free(a->wpath);
		a->wpath = new_seg_path(a);
		a->w = seg_writer_new(a->wpath, &rc, a->err, sizeof a->err);
		if (!a->w)
			return rc;
		seg_writer_set_threads(a->w, a->threads);
	}
	uint32_t id = a->ndocs + seg_writer_ndocs(a->w);
	wd.rep = rep;
	if (rep != id)
		a->copies++;
	for (uint32_t k = 0; k < nm; k++) {
		uint32_t m;
		memcpy(&m, merged + (size_t)k * 4, 4);
		seg_writer_note_merge(a->w, m, rep);
	}
	rc = seg_writer_add(a->w, &wd);
	if (rc) {
		snprintf(a->err, sizeof a->err, "%s: cannot write segment", a->wpath);
		return rc;
	}
	a->added++;
	/* The budget is for what the documents take. The writer's own tables
	 * and first arena chunk, there as soon as it holds a document, are
	 * megabytes: counted, they would fill a small budget by themselves and
	 * every document would become a segment of its own. */
	size_t mem = seg_writer_memory(a->w);
	if (seg_writer_ndocs(a->w) == 1)
		a->wmem0 = mem;
	if (mem > a->wmem0 && mem - a->wmem0 > a->mem_budget)
		return finish_segment(a);
	return 0;
}

int archive_add(void *arg, struct ingest *ig, const struct rec *r)
{
	struct archive *a = arg;
	if (!a->pipe) {
		a->next_id = a->ndocs + (a->w ? seg_writer_ndocs(a->w) : 0);
		a->pipe = pipeline_new(a->threads, ig, archive_order, archive_consume, a);
	}
	return pipeline_add(a->pipe, r);
}

int archive_commit(struct archive *a)
{
	int rc = NL_OK;
	if (a->pipe) {
		rc = pipeline_finish(a->pipe);
		pipeline_free(a->pipe);
		a->pipe = NULL;
		if (rc)
			return rc;
	}
	rc = finish_segment(a);
	if (rc)
		return rc;
	rc = write_manifest(a);
	if (rc)
		return rc;
	/* committed: a merge that fails now loses nothing (the old segments
	 * stay in use; the next commit merges again), so it is reported apart */
	a->merge_rc = NL_OK;
	while (a->merge_rc == NL_OK && a->nsegs > MAX_SEGMENTS)
		a->merge_rc = archive_merge(a);
	return NL_OK;
}

int archive_merge(struct archive *a)
{
	if (a->nsegs < 2)
		return NL_OK;
	uint32_t i = a->nsegs - 1;
	uint64_t run = a->segs[i]->size;
	while (i > 0 && a->segs[i - 1]->size <= 4 * run) {
		i--;
		run += a->segs[i]->size;
	}
	if (a->nsegs - i < 2)
		i = a->nsegs - 2;
	char *path = new_seg_path(a);
	uint64_t size;
	int rc = seg_merge(a->segs + i, a->nsegs - i, path, &size, a->err, sizeof a->err);
	if (rc) {
		free(path);
		return rc;
	}
	struct segment *s = seg_open(path, &rc, a->err, sizeof a->err);
	free(path);
	if (!s)
		return rc;
	uint32_t old_n = a->nsegs;
	struct segment **old = xmalloc(old_n * sizeof *old);
	memcpy(old, a->segs, old_n * sizeof *old);
	a->nsegs = i;
	push_seg(a, s);
	rc = write_manifest(a);
	if (rc) {
		/* keep the old view; the merged file is garbage for the next writer */
		seg_close(a->segs[a->nsegs - 1]);
		a->segs = xrealloc(a->segs, old_n * sizeof *a->segs);
		memcpy(a->segs, old, old_n * sizeof *old);
		a->nsegs = old_n;
		rebase(a);
		free(old);
		return rc;
	}
	for (uint32_t k = i; k < old_n; k++) {
		unlink(old[k]->path);
		seg_close(old[k]);
	}
	free(old);
	return NL_OK;
}

/* --------------------------------------------------------------- reader --- */

uint32_t archive_seg_of(const struct archive *a, uint32_t id, uint32_t *local)
{
	uint32_t lo = 0, hi = a->nsegs;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (a->base[mid] <= id)
			lo = mid;
		else
			hi = mid;
	}
	*local = id - a->base[lo];
	return lo;
}

void archive_docinfo(const struct archive *a, uint32_t id, struct seg_docinfo *di)
{
	uint32_t local, s = archive_seg_of(a, id, &local);
	seg_docinfo(a->segs[s], local, di);
}

struct nl_str archive_source(const struct archive *a, uint32_t id)
{
	uint32_t local, s = archive_seg_of(a, id, &local);
	struct seg_docinfo di;
	seg_docinfo(a->segs[s], local, &di);
	if (di.source >= a->segs[s]->nsources)
		return NL_STR("unknown");
	return a->segs[s]->sources[di.source];
}

int archive_doc(struct archive *a, uint32_t id, struct doc *d)
{
	if (id >= a->ndocs)
		return NL_ENOTFOUND;
	uint32_t local, s = archive_seg_of(a, id, &local);
	struct nl_str rec;
	int rc = seg_record(a->segs[s], local, &rec);
	if (rc) {
		snprintf(a->err, sizeof a->err, "%s", a->segs[s]->err);
		return rc;
	}
	rc = doc_decode(d, rec);
	if (rc) {
		snprintf(a->err, sizeof a->err, "%s: corrupt segment: record of document %u is malformed",
			 a->segs[s]->path, id + 1);
		return rc;
	}
	struct seg_docinfo di;
	seg_docinfo(a->segs[s], local, &di);
	d->id = id;
	d->day = di.day;
	d->key = di.key;
	return NL_OK;
}

int archive_find_url(struct archive *a, struct nl_str url, uint32_t *id)
{
	for (uint32_t i = 0; i < a->ndocs; i++) {
		int rc = archive_doc(a, i, &a->scratch);
		if (rc)
			return rc;
		if (nl_str_eq(a->scratch.url, url)) {
			*id = i;
			return NL_OK;
		}
	}
	return NL_ENOTFOUND;
}

static uint32_t uf_find(uint32_t *p, uint32_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

void archive_groups(struct archive *a, const uint32_t **rep, const uint32_t **size)
{
	if (!a->rep) {
		uint32_t n = a->ndocs;
		uint32_t *p = xmalloc((n + 1) * sizeof *p);
		for (uint32_t i = 0; i < n; i++)
			p[i] = i;
		for (uint32_t s = 0; s < a->nsegs; s++) {
			const unsigned char *g = a->segs[s]->sec[SEC_GROUPS];
			for (uint32_t d = 0; d < a->segs[s]->ndocs; d++) {
				uint32_t id = a->base[s] + d, r = rd_u32le(g + (size_t)d * 4);
				if (r < id) {
					uint32_t x = uf_find(p, r), y = uf_find(p, id);
					if (x != y)
						p[NL_MAX(x, y)] = NL_MIN(x, y);
				}
			}
			const unsigned char *m = a->segs[s]->sec[SEC_MERGES];
			for (uint64_t k = 0; k + 8 <= a->segs[s]->seclen[SEC_MERGES]; k += 8) {
				uint32_t x = rd_u32le(m + k), y = rd_u32le(m + k + 4);
				if (x >= n || y >= n)
					continue; /* hostile data: ignore impossible ids */
				x = uf_find(p, x);
				y = uf_find(p, y);
				if (x != y)
					p[NL_MAX(x, y)] = NL_MIN(x, y);
			}
		}
		/* The representative of a group is its earliest-published copy, and
		 * among those the most complete (most body tokens), then the first
		 * added. Undated copies come after dated ones. */
		uint32_t *best = xmalloc((n + 1) * sizeof *best);
		for (uint32_t i = 0; i < n; i++)
			best[i] = UINT32_MAX;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t r = uf_find(p, i);
			if (best[r] == UINT32_MAX) {
				best[r] = i;
				continue;
			}
			struct seg_docinfo x, y;
			archive_docinfo(a, i, &x);
			archive_docinfo(a, best[r], &y);
			bool xd = x.day != NL_NODAY, yd = y.day != NL_NODAY;
			bool better = (xd && !yd) || (xd == yd && xd && x.day < y.day) ||
				      ((xd == yd) && (!xd || x.day == y.day) && x.body_len > y.body_len);
			if (better)
				best[r] = i;
		}
		uint32_t *sz = xcalloc(n + 1, sizeof *sz);
		uint32_t *reps = xmalloc((n + 1) * sizeof *reps);
		for (uint32_t i = 0; i < n; i++) {
			reps[i] = best[uf_find(p, i)];
			sz[reps[i]]++;
		}
		free(best);
		free(p);
		a->rep = reps;
		a->gsize = sz;
	}
	*rep = a->rep;
	*size = a->gsize;
}

int archive_check(struct archive *a, char *err, size_t errcap)
{
	for (uint32_t i = 0; i < a->nsegs; i++) {
		int rc = seg_verify(a->segs[i], err, errcap);
		if (rc)
			return rc;
		struct doc d;
		memset(&d, 0, sizeof d);
		for (uint32_t k = 0; k < a->segs[i]->ndocs; k++) {
			struct nl_str rec;
			rc = seg_record(a->segs[i], k, &rec);
			if (rc == NL_OK && doc_decode(&d, rec) != NL_OK)
				rc = NL_ECORRUPT;
			if (rc) {
				snprintf(err, errcap,
					 "%s: corrupt segment: record %u does not decode",
					 a->segs[i]->path, k);
				doc_release(&d);
				return rc;
			}
		}
		doc_release(&d);
	}
	return NL_OK;
}
