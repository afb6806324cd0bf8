/*
 * segment.h — one write-once segment file of the archive: its documents
 * (compressed) and their inverted index.
 *
 * FILE LAYOUT (seg-NNNNNN.nls; all integers little-endian)
 *
 *   header, 32 bytes
 *     0   8  magic "NLSEGMNT"
 *     8   4  format version (5; version 4 is read too)
 *     12  4  number of documents
 *     16  16 zero
 *   sections, in any order, each described in the footer
 *   footer
 *     section table: one 32-byte entry per section
 *       0  4  type (SEC_*)      4  4  zero
 *       8  8  offset in file    16 8  length
 *       24 8  XXH3-64 of the section's bytes
 *     trailer, 32 bytes, at the very end of the file
 *       0  4  number of sections   4  4  format version
 *       8  8  offset of the section table
 *       16 8  XXH3-64 of the section table
 *       24 8  magic "NLSEGEND"
 *
 * SECTIONS
 *   SEC_DOCSTORE  per docstore block, a zstd frame (with content checksum) of
 *                 whole document records (see doc.h for a record), then a
 *                 zstd skippable frame holding the block's documents'
 *                 sketches: u32 SEG_SKETCH_MAGIC, u32 size (documents x
 *                 DEDUP_SKETCH_BYTES), then each document's sketch (dedup.h,
 *                 the near-duplicate sketch of its body, replayed into the
 *                 detector when a writer opens the archive), in id order.
 *                 Sketches go with their block so that they reach the disk
 *                 while documents are added (the docstore is written as it
 *                 fills); a section of their own, written at the end, made
 *                 the final fsync wait for a third of the file. zstd skips
 *                 skippable frames, so the section is still a valid stream.
 *   SEC_BLOCKS    per docstore block, 24 bytes: u64 offset within DOCSTORE,
 *                 u32 compressed size, u32 raw size, u32 first doc, u32 docs
 *   SEC_DOCTAB    per document, 40 bytes:
 *                   0 u64 content key (XXH3 of URL, NUL, paragraphs)
 *                   8 i32 day (days since 1970-01-01; INT32_MIN undated)
 *                  12 u32 docstore block   16 u32 offset in the raw block
 *                  20 u32 record length    24 u32 title tokens
 *                  28 u32 body tokens      32 u32 source number (SEC_SOURCES)
 *                  36 u32 zero
 *   SEC_SOURCES   u32 count, then per source: u32 length, bytes
 *   SEC_POSTINGS  the posting lists, one after another (postings.h)
 *   SEC_TERMS     the sorted term dictionary in blocks of 32 entries; entry:
 *                   varint shared prefix with the previous term (0 at a
 *                   block start), varint suffix length, suffix bytes,
 *                   varint df, varint max_tft, varint max_tfb, varint min_len,
 *                   varint postings offset, varint docs-part length,
 *                   varint positions-part length
 *   SEC_TERMIDX   u32 number of terms, u32 number of blocks, then per block
 *                 u64 offset of the block within SEC_TERMS
 *   SEC_STATS     u64 total title tokens, u64 total body tokens
 *   SEC_SKETCH    version 4 only (version 5 keeps sketches in SEC_DOCSTORE):
 *                 per document, DEDUP_SKETCH_BYTES
 *   SEC_GROUPS    per document, u32: archive-wide id of the story group's
 *                 representative when the document was added
 *   SEC_MERGES    pairs of u32 (a, b): groups a and b became one when this
 *                 segment's documents were added (a later copy bridged them)
 *   Readers ignore section types they do not know, so later versions can add
 *   sections (date mentions, duplicate sketches) without breaking old files.
 *
 * Opening a segment checks magic, version, trailer and table checksums, the
 * checksums of every section except DOCSTORE, POSTINGS and SKETCH (large; checked
 * by seg_verify, i.e. `newsline check`, while their readers are bounds
 * checked), and that the docstore blocks cover the documents in order, each
 * followed by its sketch frame. Every failure is NL_ECORRUPT with a message
 * naming the part.
 */
#ifndef NL_SEGMENT_H
#define NL_SEGMENT_H

#include "index/postings.h"
#include "util/buf.h"

#define SEG_MAGIC "NLSEGMNT"
#define SEG_END_MAGIC "NLSEGEND"
#define SEG_VERSION 5
#define SEG_VERSION_OLDEST 4 /* the oldest version still read */
#define SEG_SKETCH_MAGIC 0x184D2A5Eu /* a zstd skippable frame's */
#define SEG_TERM_BLOCK 32
#define SEG_DOCTAB_ENTRY 40
#define SEG_BLOCKS_ENTRY 24

enum seg_section {
	SEC_DOCSTORE = 1,
	SEC_BLOCKS = 2,
	SEC_DOCTAB = 3,
	SEC_SOURCES = 4,
	SEC_POSTINGS = 5,
	SEC_TERMS = 6,
	SEC_TERMIDX = 7,
	SEC_STATS = 8,
	SEC_SKETCH = 9,
	SEC_GROUPS = 10,
	SEC_MERGES = 11,
	SEC_MAX = 16
};

struct seg_docinfo {
	uint64_t key;
	int32_t day;
	uint32_t block, off, len;
	uint32_t title_len, body_len;
	uint32_t source;
};

struct seg_term {
	struct post_stats st;
	uint64_t off, docs_len, pos_len;
};

struct segment {
	char *path;
	unsigned char *map;
	size_t size;
	uint32_t ndocs;
	uint32_t version;
	const unsigned char *sec[SEC_MAX];
	uint64_t seclen[SEC_MAX];
	uint64_t sechash[SEC_MAX];
	uint32_t nterms, ntblocks;
	uint32_t nblocks;
	uint32_t nsources;
	struct nl_str *sources;
	uint64_t total_title, total_body;
	/* one-block cache of decompressed docstore data */
	int cached_block;
	struct buf cache;
	char err[256];
};

/* Map and check a segment file. On failure returns NULL and writes a message to err. */
struct segment *seg_open(const char *path, int *rc, char *err, size_t errcap);
void seg_close(struct segment *s);
/* Read document info i (0 <= i < ndocs). */
void seg_docinfo(const struct segment *s, uint32_t i, struct seg_docinfo *out);
/* The raw record bytes of document i; valid until the next call on s.
 * NL_ECORRUPT on a damaged block (message in s->err). */
int seg_record(struct segment *s, uint32_t i, struct nl_str *rec);
/* The stored sketch (DEDUP_SKETCH_BYTES) of document i, or NULL if i is out
 * of range or its block does not hold it (a damaged file). */
const unsigned char *seg_sketch(const struct segment *s, uint32_t i);
/* Find a term. Returns true and fills *t if present. */
bool seg_term_find(const struct segment *s, const char *term, size_t len, struct seg_term *t);
/* Open a cursor for a found term. */
void seg_term_cursor(const struct segment *s, const struct seg_term *t, struct post_cur *c);

/* Iterate the dictionary in order; returns false at the end or on corruption
 * (it->corrupt). The term is valid until the next call. */
struct seg_term_iter {
	const struct segment *s;
	const unsigned char *p, *end;
	uint32_t index;
	char term[256];
	size_t len;
	struct seg_term t;
	bool corrupt;
};
void seg_term_iter_init(struct seg_term_iter *it, const struct segment *s);
bool seg_term_iter_next(struct seg_term_iter *it);
/* Position the iterator so that the following seg_term_iter_next() calls
 * return the terms from the dictionary block that may hold the first term
 * >= key (binary search over the term index; a few terms before key may come
 * first). Used to walk a prefix's terms without reading the whole dictionary. */
void seg_term_iter_seek(struct seg_term_iter *it, const char *key, size_t len);
/* For an n-way walk of several dictionaries in term order: the index of the
 * iterator (among those with live[i]) holding the smallest current term, or
 * -1 when none is live. */
int seg_term_iter_min(const struct seg_term_iter *it, const bool *live, size_t n);

/* Full verification (all checksums, every record decodable, every posting
 * list decodable and consistent). Returns NL_OK or NL_ECORRUPT with err set. */
int seg_verify(struct segment *s, char *err, size_t errcap);

/* ------------------------------------------------------------ writer --- */

/* One analysed document handed to the writer (see analyze.h). */
struct seg_wdoc {
	uint64_t key;
	int32_t day;
	struct nl_str record;       /* encoded record (doc.h) */
	struct nl_str source;
	uint32_t title_len, body_len;
	/* unique terms of the document with their positions: the terms' bytes
	 * one after another (term_lens[i] each), and their positions likewise
	 * (tft[i] + tfb[i] each, ascending), which is how the writer reads them */
	uint32_t nterms;
	const char *term_bytes;
	size_t nterm_bytes;         /* term_bytes' length: the term_lens summed */
	const uint8_t *term_lens;
	const uint32_t *tft, *tfb;
	const uint32_t *positions;
	const unsigned char *sketch; /* DEDUP_SKETCH_BYTES */
	uint32_t rep;               /* story group representative (archive-wide id) */
	/* optional, NULL when absent: nl_hash64() of each term (saves the writer
	 * hashing it again), and the body's prepared dedup sketch (dedup.h) */
	const uint64_t *term_hash;
	struct nl_str dedup_prep;
};

struct seg_writer;

/* Start writing a segment to path (written as path + ".tmp", renamed by seg_writer_finish). */
struct seg_writer *seg_writer_new(const char *path, int *rc, char *err, size_t errcap);
int seg_writer_add(struct seg_writer *w, const struct seg_wdoc *d);
uint32_t seg_writer_ndocs(const struct seg_writer *w);
/* Record that story groups a and b were joined (SEC_MERGES). */
void seg_writer_note_merge(struct seg_writer *w, uint32_t a, uint32_t b);
/* Approximate memory held by the writer, bytes. */
size_t seg_writer_memory(const struct seg_writer *w);
/* Let seg_writer_finish use up to n threads (default 1; it uses 2 at most,
 * and the file is the same whatever n is). */
void seg_writer_set_threads(struct seg_writer *w, unsigned n);
/* Write the index and footer, fsync, rename into place. Frees w. */
int seg_writer_finish(struct seg_writer *w, uint64_t *size, char *err, size_t errcap);
/* Drop a writer without producing a file. */
void seg_writer_abort(struct seg_writer *w);

/* Merge segments (in order; their documents are renumbered consecutively)
 * into a new segment at path. */
int seg_merge(struct segment *const *in, size_t n, const char *path, uint64_t *size, char *err,
	      size_t errcap);

#endif
