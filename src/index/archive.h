/*
 * archive.h — the archive: a directory of write-once segments and the
 * manifest that names them.
 *
 * DIRECTORY LAYOUT
 *   MANIFEST          the commit point (text, described in archive.c)
 *   seg-NNNNNNNN.nls  segment files (segment.h), never modified once written
 *   LOCK              held (flock) by the one writer at a time
 *   *.tmp             files being written; removed by the next writer
 *
 * Commit protocol: a writer writes new segments (fsync'ed), then writes
 * MANIFEST.tmp, fsyncs it, renames it over MANIFEST and fsyncs the
 * directory. Readers read MANIFEST once at open and see exactly the segments
 * it names; a crash at any moment leaves either the old or the new manifest,
 * and files no manifest names are deleted by the next writer.
 *
 * Documents are numbered 0..n-1 across segments in manifest order (users see
 * id + 1). Segments keep their order when merged, so ids are stable.
 */
#ifndef NL_ARCHIVE_H
#define NL_ARCHIVE_H

#include "index/analyze.h"
#include "index/doc.h"
#include "index/segment.h"
#include "ingest/ingest.h"

enum {
	ARCHIVE_READ = 0,
	ARCHIVE_WRITE = 1,  /* take the writer lock; create the directory if missing */
};

struct archive {
	char *dir;
	struct segment **segs;
	uint32_t nsegs;
	uint32_t *base;          /* nsegs + 1 entries: first doc id of each segment */
	uint32_t ndocs;
	uint64_t generation;     /* manifest generation */
	uint64_t next_seg;       /* number for the next segment file */
	bool writable;
	int lockfd;
	/* writer state */
	uint64_t *keys;          /* open-addressing set of content keys */
	size_t keycap, nkeys;
	struct seg_writer *w;
	char *wpath;
	struct pipeline *pipe;
	struct dedup *dd;        /* writer: near-duplicate detector over all documents */
	uint32_t *rep;           /* reader: story group representative per document (lazy) */
	uint32_t *gsize;         /* reader: group size per representative (lazy) */
	uint32_t copies;         /* writer: documents added as copies of an earlier story */
	uint32_t next_id;        /* writer (ordering stage): id of the next new document */
	struct buf body;         /* writer: scratch for the body being sketched */
	unsigned char *sketch;   /* writer: DEDUP_SKETCH_BYTES of scratch */
	unsigned threads;        /* analysis threads: $NEWSLINE_THREADS, else the CPU count */
	size_t mem_budget;       /* writer: bytes a segment's documents may take in memory */
	size_t wmem0;            /* writer: the open segment's writer's memory at its first document */
	int merge_rc;            /* writer: result of the last commit's merges (NL_OK: none failed) */
	uint32_t added, present;
	struct doc scratch;
	char err[512];
};

/* Open dir. ARCHIVE_READ on a missing directory or manifest gives an empty
 * archive. Returns NL_OK, or an error with a message in err. */
int archive_open(const char *dir, int mode, struct archive **out, char *err, size_t errcap);
/* Close; an uncommitted batch is discarded. */
void archive_close(struct archive *a);

/* Writer: analyse and add one record (ingest emit callback shape). Returns
 * NL_OK for kept, skipped and already-present records alike; a nonzero value
 * only for a failure that must stop ingest (I/O). */
int archive_add(void *archive, struct ingest *ig, const struct rec *r);
/* Make everything added so far durable and visible. Then merge while there
 * are many segments; a merge that fails leaves what was committed intact and
 * is reported in merge_rc (message in err), not in the return value. */
int archive_commit(struct archive *a);
/* Bytes of the archive's cache files (dedup.snap; docs/FORMAT.md), 0 if none. */
size_t archive_cache_bytes(const struct archive *a);
/* Merge small segments (called by commit when there are many). */
int archive_merge(struct archive *a);

/* Which segment holds doc id; local id in *local. */
uint32_t archive_seg_of(const struct archive *a, uint32_t id, uint32_t *local);
/* Decode document id (0-based) into d (owned by the caller; doc_release it).
 * The strings are valid until the next archive_doc call on the same segment. */
int archive_doc(struct archive *a, uint32_t id, struct doc *d);
void archive_docinfo(const struct archive *a, uint32_t id, struct seg_docinfo *di);
struct nl_str archive_source(const struct archive *a, uint32_t id);
/* Find a document by URL (linear scan of the records; for `show URL`). */
int archive_find_url(struct archive *a, struct nl_str url, uint32_t *id);
/* Story groups (syndicated copies): rep[id] is the representative of id's
 * group — its earliest-published copy, the most complete (most body tokens)
 * among equally early ones; rep[id] == id for the representative itself and
 * for an article with no copies; size[rep] the number of documents in the
 * group. Computed on first use from the per-segment group tables and merge
 * records; owned by a. */
void archive_groups(struct archive *a, const uint32_t **rep, const uint32_t **size);
/* Verify every file. Prints nothing; returns NL_OK or the first error in err. */
int archive_check(struct archive *a, char *err, size_t errcap);

#endif
