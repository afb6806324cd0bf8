/*
 * stream.h — read a file line by line, plain or compressed.
 *
 * The compression is recognised from the first bytes, not the name: gzip
 * (1f 8b) is read with zlib, zstd (28 b5 2f fd) with libzstd's buffer-less
 * decoder, anything else as is. Lines longer than the cap are not returned:
 * the reader skips to the next newline and reports STREAM_TOOLONG for that
 * line, so one giant line never costs more than the cap in memory.
 *
 * A truncated or damaged compressed file ends the stream with STREAM_ERROR
 * and a message in s->err; every complete line before the damage has been
 * returned already.
 */
#ifndef NL_STREAM_H
#define NL_STREAM_H

#include "util/buf.h"

enum stream_status {
	STREAM_LINE = 1,     /* *line/len hold one line without its newline */
	STREAM_EOF = 0,
	STREAM_TOOLONG = -1, /* a line over the cap was skipped; lineno names it */
	STREAM_ERROR = -2,   /* read error or damaged/truncated data; see err */
};

enum stream_kind { STREAM_PLAIN, STREAM_GZIP, STREAM_ZSTD };

struct stream;

/* Open path; NULL with *err set to a message (static or strerror) on failure. */
struct stream *stream_open(const char *path, size_t line_cap, const char **err);
void stream_close(struct stream *s);
enum stream_kind stream_kind(const struct stream *s);
/* Next line. The line is valid until the next call. */
enum stream_status stream_getline(struct stream *s, const char **line, size_t *len);
/* 1-based number of the line last returned (or skipped). */
uint64_t stream_lineno(const struct stream *s);
/* Bytes of uncompressed data consumed so far. */
uint64_t stream_offset(const struct stream *s);
/* Message after STREAM_ERROR. */
const char *stream_error(const struct stream *s);
/* Read the whole (decompressed) stream into out, up to cap bytes.
 * Returns NL_OK, NL_ETOOBIG or NL_EIO/NL_ECORRUPT (see stream_error). */
int stream_slurp(struct stream *s, struct buf *out, size_t cap);

#endif
