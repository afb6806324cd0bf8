/*
 * stream.c — line reader over plain, gzip and zstd files; see stream.h.
 *
 * Decompressed bytes go through one 256 KiB window (s->win); lines are
 * returned as pointers into it when they fit, otherwise assembled in s->line
 * (up to the cap). zstd uses ZSTD_decompressStream; a file that ends inside a
 * frame is reported as truncated. gzip uses zlib's inflate with automatic
 * header detection (windowBits 15+32) so concatenated members work too.
 */
#include "ingest/stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define WIN 262144
#define INBUF 131072

struct stream {
	FILE *f;
	enum stream_kind kind;
	size_t cap;
	char *win;             /* decompressed window */
	size_t wpos, wlen;
	unsigned char *in;     /* compressed input */
	size_t inpos, inlen;
	bool in_eof, eof, failed;
	ZSTD_DStream *zd;
	size_t zlast;          /* last ZSTD_decompressStream hint: 0 = frame complete */
	z_stream gz;
	bool gz_init, gz_end;
	struct buf line;
	uint64_t lineno, offset;
	char err[200];
};

static int fill_input(struct stream *s)
{
	if (s->inpos < s->inlen || s->in_eof)
		return 0;
	s->inlen = fread(s->in, 1, INBUF, s->f);
	s->inpos = 0;
	if (s->inlen == 0) {
		if (ferror(s->f)) {
			snprintf(s->err, sizeof s->err, "read error: %s", strerror(errno));
			return -1;
		}
		s->in_eof = true;
	}
	return 0;
}

/* Refill s->win with the next decompressed bytes. Returns 1 if data, 0 at
 * clean end, -1 on error. */
static int fill_window(struct stream *s)
{
	s->wpos = s->wlen = 0;
	if (s->eof)
		return 0;
	if (s->kind == STREAM_PLAIN) {
		s->wlen = fread(s->win, 1, WIN, s->f);
		if (s->wlen == 0) {
			if (ferror(s->f)) {
				snprintf(s->err, sizeof s->err, "read error: %s", strerror(errno));
				return -1;
			}
			s->eof = true;
			return 0;
		}
		return 1;
	}
	while (s->wlen == 0) {
		if (fill_input(s) < 0)
			return -1;
		if (s->kind == STREAM_ZSTD) {
			if (s->in_eof && s->inpos >= s->inlen) {
				if (s->zlast != 0) {
					snprintf(s->err, sizeof s->err,
						 "truncated zstd data after %llu decompressed bytes",
						 (unsigned long long)s->offset);
					return -1;
				}
				s->eof = true;
				return 0;
			}
			ZSTD_inBuffer ib = { s->in, s->inlen, s->inpos };
			ZSTD_outBuffer ob = { s->win, WIN, 0 };
			size_t r = ZSTD_decompressStream(s->zd, &ob, &ib);
			if (ZSTD_isError(r)) {
				snprintf(s->err, sizeof s->err, "damaged zstd data: %s",
					 ZSTD_getErrorName(r));
				return -1;
			}
			s->zlast = r;
			s->inpos = ib.pos;
			s->wlen = ob.pos;
		} else {
			if (s->gz_end) {
				/* another gzip member may follow */
				if (s->in_eof && s->inpos >= s->inlen) {
					s->eof = true;
					return 0;
				}
				if (s->inpos >= s->inlen)
					continue;
				inflateReset(&s->gz);
				s->gz_end = false;
			}
			if (s->in_eof && s->inpos >= s->inlen) {
				snprintf(s->err, sizeof s->err, "truncated gzip data after %llu decompressed bytes",
					 (unsigned long long)s->offset);
				return -1;
			}
			s->gz.next_in = s->in + s->inpos;
			s->gz.avail_in = (uInt)(s->inlen - s->inpos);
			s->gz.next_out = (Bytef *)s->win;
			s->gz.avail_out = WIN;
			int r = inflate(&s->gz, Z_NO_FLUSH);
			if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
				snprintf(s->err, sizeof s->err, "damaged gzip data: %s",
					 s->gz.msg ? s->gz.msg : "inflate failed");
				return -1;
			}
			s->inpos = s->inlen - s->gz.avail_in;
			s->wlen = WIN - s->gz.avail_out;
			if (r == Z_STREAM_END)
				s->gz_end = true;
		}
	}
	return 1;
}

struct stream *stream_open(const char *path, size_t line_cap, const char **err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = strerror(errno);
		return NULL;
	}
	struct stream *s = xcalloc(1, sizeof *s);
	s->f = f;
	s->cap = line_cap;
	s->win = xmalloc(WIN);
	s->in = xmalloc(INBUF);
	buf_init(&s->line, 0);
	unsigned char m[4] = { 0 };
	size_t got = fread(m, 1, 4, f);
	rewind(f);
	if (got >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		s->kind = STREAM_GZIP;
		if (inflateInit2(&s->gz, 15 + 32) != Z_OK) {
			*err = "cannot initialise zlib";
			stream_close(s);
			return NULL;
		}
		s->gz_init = true;
	} else if (got == 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
		s->kind = STREAM_ZSTD;
		s->zd = ZSTD_createDStream();
		ZSTD_initDStream(s->zd);
	} else {
		s->kind = STREAM_PLAIN;
	}
	return s;
}

void stream_close(struct stream *s)
{
	if (!s)
		return;
	if (s->f)
		fclose(s->f);
	if (s->zd)
		ZSTD_freeDStream(s->zd);
	if (s->gz_init)
		inflateEnd(&s->gz);
	free(s->win);
	free(s->in);
	buf_release(&s->line);
	free(s);
}

enum stream_kind stream_kind(const struct stream *s) { return s->kind; }
uint64_t stream_lineno(const struct stream *s) { return s->lineno; }
uint64_t stream_offset(const struct stream *s) { return s->offset; }
const char *stream_error(const struct stream *s) { return s->err; }

enum stream_status stream_getline(struct stream *s, const char **line, size_t *len)
{
	if (s->failed)
		return STREAM_EOF;
	buf_clear(&s->line);
	bool toolong = false, have = false;
	for (;;) {
		if (s->wpos >= s->wlen) {
			int r = fill_window(s);
			if (r < 0) {
				s->failed = true;
				return STREAM_ERROR;
			}
			if (r == 0)
				break;
		}
		char *start = s->win + s->wpos;
		size_t avail = s->wlen - s->wpos;
		char *nl = memchr(start, '\n', avail);
		size_t take = nl ? (size_t)(nl - start) : avail;
		have = true;
		s->wpos += take + (nl ? 1 : 0);
		s->offset += take + (nl ? 1 : 0);
		if (!toolong) {
			if (s->line.n + take > s->cap) {
				toolong = true;
				buf_clear(&s->line);
			} else if (nl && s->line.n == 0) {
				/* whole line inside the window: no copy */
				s->lineno++;
				*line = start;
				*len = take;
				return STREAM_LINE;
			} else {
				buf_put(&s->line, start, take);
			}
		}
		if (nl)
			goto done;
	}
	if (!have)
		return STREAM_EOF;
done:
	s->lineno++;
	if (toolong)
		return STREAM_TOOLONG;
	*line = s->line.p ? s->line.p : "";
	*len = s->line.n;
	return STREAM_LINE;
}

int stream_slurp(struct stream *s, struct buf *out, size_t cap)
{
	for (;;) {
		if (s->wpos >= s->wlen) {
			int r = fill_window(s);
			if (r < 0)
				return NL_ECORRUPT;
			if (r == 0)
				return NL_OK;
		}
		size_t avail = s->wlen - s->wpos;
		if (out->n + avail > cap)
			return NL_ETOOBIG;
		buf_put(out, s->win + s->wpos, avail);
		s->offset += avail;
		s->wpos = s->wlen;
	}
}
