/*
 * stream.c — line reader over plain, gzip and zstd files; see stream.h.
 *
 * Decompressed bytes go through a window (s->win); lines are returned as
 * pointers into it when they fit, otherwise assembled in s->line (up to the
 * cap). Plain and gzip data are read into one 256 KiB buffer. zstd data is
 * decoded block by block (libzstd's buffer-less decoder) straight into a
 * ring that holds the frame's window, and each decoded block is the window:
 * the streaming decoder decodes into a ring of its own and copies every byte
 * out, a copy that cost 2% of a large add. The ring is managed as
 * ZSTD_decompressStream manages its own: sized by ZSTD_decodingBufferSize_min,
 * a block starts at the beginning again when a largest block would not fit,
 * windows over 2^27 bytes are refused. A file that ends inside a frame is
 * reported as truncated. gzip uses zlib's inflate with automatic header
 * detection (windowBits 15+32) so concatenated members work too.
 */
#include "ingest/stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY /* the buffer-less decoder */
#include <zstd.h>

#define WIN 262144
#define INBUF 131072
#define ZINBUF (2 * ZSTD_BLOCKSIZE_MAX) /* holds any unit the zstd decoder asks for */
#define ZWINDOW_MAX ((unsigned long long)1 << 27) /* ZSTD_decompressStream's default */

struct stream {
	FILE *f;
	enum stream_kind kind;
	size_t cap;
	char *win;             /* decompressed window (zstd: a block in ring) */
	size_t wpos, wlen;
	char *buf;             /* plain and gzip: the window's memory */
	unsigned char *in;     /* compressed input */
	size_t inpos, inlen;
	bool in_eof, eof, failed;
	ZSTD_DCtx *zd;
	bool zframe;           /* inside a frame (its header is read) */
	char *ring;            /* decoded data of the frame, rcap bytes */
	size_t rcap, rpos;     /* ... the next block goes to ring + rpos */
	unsigned long long zfcs; /* the frame's content size (or unknown) */
	size_t zbmax;          /* ... and largest block */
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

/* Make n (<= ZINBUF) bytes of zstd input contiguous at s->in + s->inpos.
 * Returns 1, 0 if the file ends first, -1 on a read error. */
static int zinput(struct stream *s, size_t n)
{
	if (s->inlen - s->inpos >= n)
		return 1;
	memmove(s->in, s->in + s->inpos, s->inlen - s->inpos);
	s->inlen -= s->inpos;
	s->inpos = 0;
	while (s->inlen < n && !s->in_eof) {
		size_t got = fread(s->in + s->inlen, 1, ZINBUF - s->inlen, s->f);
		if (got == 0) {
			if (ferror(s->f)) {
				snprintf(s->err, sizeof s->err, "read error: %s", strerror(errno));
				return -1;
			}
			s->in_eof = true;
		}
		s->inlen += got;
	}
	return s->inlen >= n;
}

static int ztruncated(struct stream *s)
{
	snprintf(s->err, sizeof s->err, "truncated zstd data after %llu decompressed bytes",
		 (unsigned long long)s->offset);
	return -1;
}

static int zdamaged(struct stream *s, const char *what)
{
	snprintf(s->err, sizeof s->err, "damaged zstd data: %s", what);
	return -1;
}

/* Read the next frame's header and make the ring ready for it (a skippable
 * frame is skipped here). Returns 1 when a frame begins, 0 at a clean end,
 * -1 on error. */
static int zframe_begin(struct stream *s)
{
	for (;;) {
		int r = zinput(s, 1);
		if (r <= 0)
			return r; /* no byte after the last frame: the end */
		ZSTD_frameHeader fh;
		size_t want = 1;
		for (;;) {
			want = ZSTD_getFrameHeader(&fh, s->in + s->inpos, s->inlen - s->inpos);
			if (ZSTD_isError(want))
				return zdamaged(s, ZSTD_getErrorName(want));
			if (want == 0)
				break;
			if ((r = zinput(s, want)) <= 0)
				return r < 0 ? -1 : ztruncated(s);
		}
		if (fh.frameType == ZSTD_skippableFrame) {
			/* (the header leaves headerSize 0 for a skippable frame) */
			unsigned long long left = ZSTD_SKIPPABLEHEADERSIZE + fh.frameContentSize;
			while (left) {
				if ((r = zinput(s, 1)) <= 0)
					return r < 0 ? -1 : ztruncated(s);
				size_t k = (size_t)NL_MIN((unsigned long long)(s->inlen - s->inpos), left);
				s->inpos += k;
				left -= k;
			}
			continue;
		}
		if (fh.windowSize > ZWINDOW_MAX)
			return zdamaged(s, "Frame requires too much memory for decoding");
		size_t need = ZSTD_decodingBufferSize_min(fh.windowSize, fh.frameContentSize);
		if (ZSTD_isError(need))
			return zdamaged(s, ZSTD_getErrorName(need));
		if (need < 64)
			need = 64;
		if (need > s->rcap) {
			free(s->ring);
			s->ring = xmalloc(need);
			s->rcap = need;
		}
		s->rpos = 0;
		s->zfcs = fh.frameContentSize;
		s->zbmax = fh.blockSizeMax;
		size_t rc = ZSTD_decompressBegin(s->zd);
		if (ZSTD_isError(rc))
			return zdamaged(s, ZSTD_getErrorName(rc));
		s->zframe = true;
		return 1;
	}
}

/* fill_window for zstd: decode the next block that has bytes into the ring
 * and make it the window. */
static int fill_zstd(struct stream *s)
{
	for (;;) {
		if (!s->zframe) {
			int r = zframe_begin(s);
			if (r <= 0) {
				if (r == 0)
					s->eof = true;
				return r;
			}
		}
		size_t need = ZSTD_nextSrcSizeToDecompress(s->zd);
		if (need == 0) {
			s->zframe = false; /* the frame is complete */
			continue;
		}
		int r = need <= ZINBUF ? zinput(s, need) : 0;
		if (r <= 0)
			return r < 0 ? -1 : ztruncated(s);
		/* as ZSTD_decompressStream: back to the ring's start when a largest
		 * block might not fit (never when the ring holds the whole frame) */
		if (s->rcap < s->zfcs && s->rpos + s->zbmax > s->rcap)
			s->rpos = 0;
		size_t got = ZSTD_decompressContinue(s->zd, s->ring + s->rpos, s->rcap - s->rpos,
						     s->in + s->inpos, need);
		if (ZSTD_isError(got))
			return zdamaged(s, ZSTD_getErrorName(got));
		s->inpos += need;
		if (got) {
			s->win = s->ring + s->rpos;
			s->wpos = 0;
			s->wlen = got;
			s->rpos += got;
			return 1;
		}
	}
}

/* Refill s->win with the next decompressed bytes. Returns 1 if data, 0 at
 * clean end, -1 on error. */
static int fill_window(struct stream *s)
{
	s->wpos = s->wlen = 0;
	if (s->eof)
		return 0;
	if (s->kind == STREAM_PLAIN) {
		s->win = s->buf;
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
	if (s->kind == STREAM_ZSTD)
		return fill_zstd(s);
	s->win = s->buf;
	while (s->wlen == 0) {
		if (fill_input(s) < 0)
			return -1;
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
		s->zd = ZSTD_createDCtx();
		if (!s->zd)
			nl_die("out of memory");
	} else {
		s->kind = STREAM_PLAIN;
	}
	if (s->kind == STREAM_ZSTD) {
		s->in = xmalloc(ZINBUF);
	} else {
		s->buf = xmalloc(WIN);
		s->in = xmalloc(INBUF);
	}
	s->win = s->buf;
	return s;
}

void stream_close(struct stream *s)
{
	if (!s)
		return;
	if (s->f)
		fclose(s->f);
	if (s->zd)
		ZSTD_freeDCtx(s->zd);
	if (s->gz_init)
		inflateEnd(&s->gz);
	free(s->buf);
	free(s->ring);
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
