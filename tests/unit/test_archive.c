/* test_archive.c — readers, postings, segments, merges, corruption. */
#include "testutil.h"

#include <unistd.h>
#include <zstd.h>
#include <sys/stat.h>

#include "dedup/dedup.h"
#include "index/archive.h"
#include "index/postings.h"
#include "index/segment.h"
#include "ingest/ingest.h"
#include "ingest/stream.h"
#include "util/day.h"

Test(ingest, parse_dates)
{
	cr_assert_eq(ingest_parse_date("2022-01-18", 10), day_from_ymd(2022, 1, 18));
	cr_assert_eq(ingest_parse_date("2022-01-18T10:00:00Z", 20), day_from_ymd(2022, 1, 18));
	cr_assert_eq(ingest_parse_date("20220118", 8), day_from_ymd(2022, 1, 18));
	cr_assert_eq(ingest_parse_date("2022/01/18", 10), day_from_ymd(2022, 1, 18));
	cr_assert_eq(ingest_parse_date("2011-04-0", 9), NL_NODAY);
	cr_assert_eq(ingest_parse_date("20221345", 8), NL_NODAY);
	cr_assert_eq(ingest_parse_date("yesterday", 9), NL_NODAY);
	cr_assert_eq(ingest_parse_date("2022-01-18garbage", 17), NL_NODAY);
}

Test(ingest, url_host)
{
	struct nl_str h = ingest_url_host(NL_STR("https://www.thereminder.ca/world-news/x"));
	cr_assert(nl_str_eq(h, NL_STR("www.thereminder.ca")));
	h = ingest_url_host(NL_STR("http://user@example.com:8080/a"));
	cr_assert(nl_str_eq(h, NL_STR("example.com")));
	h = ingest_url_host(NL_STR("no url here"));
	cr_assert_eq(h.n, 0);
}

/* One scratch parses record after record with a kept handle: a bad line in
 * between is reported as a fresh parser reports it, and the next good line
 * is read in full. */
Test(ingest, jsonl_records_share_a_parser)
{
	struct ingest ig;
	ingest_init(&ig, NULL, NULL);
	struct buf msgs;
	buf_init(&msgs, 0);
	ig.capture = &msgs;
	struct jsonl_scratch js;
	jsonl_scratch_init(&js);
	static const struct { const char *line, *title, *msg; } cases[] = {
		{ "{\"title\":\"one\",\"text\":\"a\\nb\"}", "one", NULL },
		{ "{\"title\":\"two\"} {\"title\":\"three\"}", NULL, "column 18: trailing garbage" },
		{ "{\"title\":\"four\",\"id\":4}", "four", NULL },
		{ "{\"title\":\"five\"} 5", NULL, "the line ends inside a value" },
		{ "{\"title\":\"six\"} \"x\"", NULL, "invalid JSON" },
		{ "[1, 2]", NULL, "not a JSON object" },
		{ "{\"title\":\"seven\"", NULL, "the line ends inside a value" },
		{ "\"eight\"", NULL, "invalid JSON" },
		{ "{\"title\":\"nine\"}  ", "nine", NULL },
		{ "{\"title\":\"ten\",\"x\":[{\"title\":\"no\"}]}", "ten", NULL },
	};
	for (size_t i = 0; i < NL_ARRAY_LEN(cases); i++) {
		struct rec r;
		memset(&r, 0, sizeof r);
		r.file = "t.jsonl";
		r.line = i + 1;
		r.json = nl_str_make(cases[i].line, strlen(cases[i].line));
		buf_clear(&msgs);
		int rc = jsonl_record(&ig, &r, &js);
		if (cases[i].title) {
			cr_assert_eq(rc, NL_OK, "line %zu", i + 1);
			cr_assert(nl_str_eq(r.title, nl_str_make(cases[i].title, strlen(cases[i].title))),
				  "line %zu", i + 1);
		} else {
			cr_assert_eq(rc, NL_EINVAL, "line %zu", i + 1);
			buf_putc(&msgs, 0);
			cr_assert(memmem(msgs.p, msgs.n, cases[i].msg, strlen(cases[i].msg)),
				  "line %zu: %s", i + 1, msgs.p + 7);
		}
	}
	jsonl_scratch_release(&js);
	buf_release(&msgs);
}

Test(analyze, paragraph_layouts)
{
	struct nl_str *p = NULL;
	size_t n = 0, cap = 0;
	struct buf j;
	buf_init(&j, 0);
	/* hard-wrapped newswire with indented paragraph starts */
	const char *wire = "Showers continued in\nthe Bahia zone.\n    The dry period means\nlate crops.\n    Arrivals were 155,221 bags.";
	analyze_paragraphs(wire, strlen(wire), false, &p, &n, &cap, &j);
	cr_assert_eq(n, 3);
	cr_assert(nl_str_eq(p[0], NL_STR("Showers continued in the Bahia zone.")));
	cr_assert(nl_str_eq(p[1], NL_STR("The dry period means late crops.")));
	/* blank-line separated */
	n = 0;
	buf_clear(&j);
	const char *blank = "One line\nwrapped.\n\nSecond para.\n\n\nThird.";
	analyze_paragraphs(blank, strlen(blank), false, &p, &n, &cap, &j);
	cr_assert_eq(n, 3);
	cr_assert(nl_str_eq(p[0], NL_STR("One line wrapped.")));
	/* one paragraph per line */
	n = 0;
	buf_clear(&j);
	const char *lines = "First.\nSecond.\n\nThird.";
	analyze_paragraphs(lines, strlen(lines), true, &p, &n, &cap, &j);
	cr_assert_eq(n, 3);
	free(p);
	buf_release(&j);
}

/* A zstd file of several frames cut short: every line before the damage is read. */
Test(stream, truncated_zstd_keeps_earlier_lines)
{
	char *d = tmpdir();
	char path[300];
	snprintf(path, sizeof path, "%s/t.jsonl.zst", d);
	FILE *f = fopen(path, "wb");
	size_t total_lines = 0;
	for (int frame = 0; frame < 4; frame++) {
		struct buf b;
		buf_init(&b, 0);
		for (int i = 0; i < 2000; i++, total_lines++)
			buf_printf(&b, "line %zu of frame %d with some text %d\n", total_lines, frame, i * 7919 % 1000);
		size_t bound = ZSTD_compressBound(b.n);
		char *z = malloc(bound);
		size_t zn = ZSTD_compress(z, bound, b.p, b.n, 3);
		fwrite(z, 1, frame == 3 ? zn / 2 : zn, f);
		free(z);
		buf_release(&b);
	}
	fclose(f);
	const char *err;
	struct stream *s = stream_open(path, 1 << 20, &err);
	cr_assert(s);
	const char *line;
	size_t len, got = 0;
	enum stream_status st;
	while ((st = stream_getline(s, &line, &len)) == STREAM_LINE)
		got++;
	cr_assert_eq(st, STREAM_ERROR);
	cr_assert_geq(got, 6000, "lines of the three intact frames must be read (got %zu)", got);
	cr_assert_lt(got, 8000);
	cr_assert(strstr(stream_error(s), "truncated"));
	stream_close(s);
	rmrf(d);
	free(d);
}

/* zstd frames of every kind in one file: a small window and no content size
 * (the decoding ring wraps many times), a skippable frame, an empty frame, a
 * frame with its size: every line comes back as written. */
Test(stream, zstd_frames_read_back)
{
	char *d = tmpdir();
	char path[300];
	snprintf(path, sizeof path, "%s/f.jsonl.zst", d);
	struct buf text, z;
	buf_init(&text, 0);
	buf_init(&z, 0);
	for (int i = 0; i < 30000; i++)
		buf_printf(&text, "line %d %d %.*s\n", i, i * 7919 % 100003, i % 97,
			   "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
	size_t half = text.n / 2;
	while (text.p[half - 1] != '\n')
		half++;
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 10);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	size_t bound = ZSTD_compressBound(text.n);
	char *out = malloc(bound);
	ZSTD_outBuffer ob = { out, bound, 0 };
	ZSTD_inBuffer ib = { text.p, half, 0 };
	cr_assert_eq(ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_end), 0);
	buf_put(&z, out, ob.pos);
	unsigned char skip[8 + 300] = { 0x50, 0x2a, 0x4d, 0x18, 44, 1, 0, 0 };
	buf_put(&z, skip, sizeof skip);
	size_t n = ZSTD_compress(out, bound, "", 0, 1);
	buf_put(&z, out, n);
	n = ZSTD_compress(out, bound, text.p + half, text.n - half, 3);
	buf_put(&z, out, n);
	free(out);
	ZSTD_freeCCtx(c);
	FILE *f = fopen(path, "wb");
	fwrite(z.p, 1, z.n, f);
	fclose(f);
	const char *err;
	struct stream *s = stream_open(path, 1 << 20, &err);
	cr_assert(s);
	struct buf got;
	buf_init(&got, 0);
	const char *line;
	size_t len;
	enum stream_status st;
	while ((st = stream_getline(s, &line, &len)) == STREAM_LINE) {
		buf_put(&got, line, len);
		buf_putc(&got, '\n');
	}
	cr_assert_eq(st, STREAM_EOF, "%s", stream_error(s));
	cr_assert_eq(got.n, text.n);
	cr_assert(memcmp(got.p, text.p, text.n) == 0);
	stream_close(s);
	buf_release(&got);
	buf_release(&text);
	buf_release(&z);
	rmrf(d);
	free(d);
}

Test(stream, long_lines_are_skipped_not_buffered)
{
	char *d = tmpdir();
	char path[300];
	snprintf(path, sizeof path, "%s/l.txt", d);
	FILE *f = fopen(path, "wb");
	fputs("short\n", f);
	for (int i = 0; i < 1000000; i++)
		fputc('x', f);
	fputs("\nafter\n", f);
	fclose(f);
	const char *err;
	struct stream *s = stream_open(path, 1000, &err);
	const char *line;
	size_t len;
	cr_assert_eq(stream_getline(s, &line, &len), STREAM_LINE);
	cr_assert_eq(stream_getline(s, &line, &len), STREAM_TOOLONG);
	cr_assert_eq(stream_lineno(s), 2);
	cr_assert_eq(stream_getline(s, &line, &len), STREAM_LINE);
	cr_assert_eq(len, 5);
	cr_assert_eq(memcmp(line, "after", 5), 0);
	cr_assert_eq(stream_getline(s, &line, &len), STREAM_EOF);
	stream_close(s);
	rmrf(d);
	free(d);
}

/* A posting list encoded by a test, kept to open cursors on: its docs part
 * is the first dl bytes of out, its positions the pl after them. */
struct enc_list {
	struct buf out;
	uint64_t dl, pl;
	struct post_stats st;
	uint32_t df;
};

static void enc_finish(struct post_enc *e, struct enc_list *l, uint32_t df)
{
	buf_init(&l->out, 0);
	post_enc_end(e, &l->out, &l->dl, &l->pl, &l->st);
	l->df = df;
}

/* A cursor on l whose docs part is cut to its first dn bytes. */
static void enc_cursor(const struct enc_list *l, uint64_t dn, struct post_cur *c)
{
	post_cur_open(c, (unsigned char *)l->out.p, dn, (unsigned char *)l->out.p + l->dl, l->pl,
		      l->df);
}

Test(postings, roundtrip_and_seek)
{
	struct post_enc e;
	post_enc_init(&e);
	post_enc_begin(&e);
	uint32_t docs[1000], pos[3];
	uint32_t d = 0;
	srand(7);
	for (int i = 0; i < 1000; i++) {
		d += 1 + (uint32_t)(rand() % 50);
		docs[i] = d;
		pos[0] = (uint32_t)i;
		pos[1] = (uint32_t)i + 5;
		pos[2] = (uint32_t)i + 9;
		post_enc_add(&e, d, (uint32_t)(i % 2), 2 - (uint32_t)(i % 2) + 1, 100, pos, 3);
	}
	struct enc_list l;
	enc_finish(&e, &l, 1000);
	cr_assert_eq(l.st.df, 1000);
	struct post_cur c;
	enc_cursor(&l, l.dl, &c);
	uint32_t *pp = NULL;
	size_t cap = 0;
	for (int i = 0; i < 1000; i++) {
		cr_assert(post_cur_next(&c));
		cr_assert_eq(c.doc, docs[i]);
		if (i % 3 == 0) {
			cr_assert_eq(post_cur_positions(&c, &pp, &cap), 3);
			cr_assert_eq(pp[0], (uint32_t)i);
			cr_assert_eq(pp[2], (uint32_t)i + 9);
		}
	}
	cr_assert(!post_cur_next(&c));
	cr_assert(!c.corrupt);
	post_cur_close(&c);
	/* seeks, with positions after a block jump */
	enc_cursor(&l, l.dl, &c);
	for (int i = 5; i < 1000; i += 97) {
		cr_assert(post_cur_seek(&c, docs[i]));
		cr_assert_eq(c.doc, docs[i]);
		cr_assert_eq(post_cur_positions(&c, &pp, &cap), 3);
		cr_assert_eq(pp[1], (uint32_t)i + 5);
	}
	cr_assert(!post_cur_seek(&c, docs[999] + 1));
	post_cur_close(&c);
	/* truncated input never reads out of bounds */
	for (size_t cut = 0; cut < l.dl; cut += 7) {
		enc_cursor(&l, cut, &c);
		while (post_cur_next(&c))
			post_cur_positions(&c, &pp, &cap);
		post_cur_close(&c);
	}
	free(pp);
	buf_release(&l.out);
	post_enc_release(&e);
}

/* post_enc_add_block gives the bytes of as many post_enc_add calls: full
 * blocks then a short last one, at widths from 0 to 32 bits, with impacts
 * past POST_IMPACTS_MAX to merge. */
Test(postings, add_block_matches_add)
{
	enum { N = 3 * POST_BLOCK + 37 };
	static uint32_t docs[N], tft[N], tfb[N], len[N];
	uint32_t d = 0, pos[4] = { 3, 9, 200, 70000 };
	srand(5);
	for (int i = 0; i < N; i++) {
		uint32_t r = (uint32_t)rand();
		d += i == N - 1 ? 0x7fffffffu : 1 + (i % 5 == 0 ? r % 100000 : r % 7);
		docs[i] = d;
		tft[i] = i % 3 ? 0 : r % 4;
		tfb[i] = i % 7 == 0 ? r % 3000 : 1 + r % 3;
		len[i] = 10 + r % 5000;
	}
	for (uint32_t n = 1; n <= N; n += n < 20 ? 1 : 61) {
		struct post_enc a, b;
		post_enc_init(&a);
		post_enc_init(&b);
		post_enc_begin(&a);
		post_enc_begin(&b);
		for (uint32_t i = 0; i < n; i++) {
			uint32_t np = 1 + i % 4;
			post_enc_add(&a, docs[i], tft[i] ? 1 : 0, np - (tft[i] ? 1 : 0), len[i], pos, np);
		}
		for (uint32_t i = 0; i < n; i += POST_BLOCK) {
			uint32_t k = n - i < POST_BLOCK ? n - i : POST_BLOCK;
			uint32_t t1[POST_BLOCK], t2[POST_BLOCK];
			for (uint32_t j = 0; j < k; j++) {
				uint32_t np = 1 + (i + j) % 4, pn = 0;
				t1[j] = tft[i + j] ? 1 : 0;
				t2[j] = np - t1[j];
				char *o = buf_reserve(&b.pos, 40);
				for (uint32_t q = 0; q < np; q++)
					pn += (uint32_t)varint_put((unsigned char *)o + pn,
								   q ? pos[q] - pos[q - 1] : pos[0]);
				b.pos.n += pn;
			}
			post_enc_add_block(&b, docs + i, t1, t2, len + i, k);
		}
		struct enc_list la, lb;
		enc_finish(&a, &la, n);
		enc_finish(&b, &lb, n);
		cr_assert_eq(la.out.n, lb.out.n, "n %u", n);
		cr_assert_eq(memcmp(la.out.p, lb.out.p, la.out.n), 0, "n %u", n);
		cr_assert_eq(la.dl, lb.dl);
		cr_assert_eq(memcmp(&la.st, &lb.st, sizeof la.st), 0);
		buf_release(&la.out);
		buf_release(&lb.out);
		post_enc_release(&a);
		post_enc_release(&b);
	}
	/* varied tfs too: the title tf and the body tf of every width */
	struct post_enc a, b;
	post_enc_init(&a);
	post_enc_init(&b);
	post_enc_begin(&a);
	post_enc_begin(&b);
	for (uint32_t i = 0; i < POST_BLOCK; i++)
		post_enc_add(&a, docs[i], tft[i], tfb[i], len[i], NULL, 0);
	post_enc_add_block(&b, docs, tft, tfb, len, POST_BLOCK);
	for (uint32_t i = POST_BLOCK; i < POST_BLOCK + 5; i++) /* adds after a full block */
		post_enc_add(&a, docs[i], tft[i], tfb[i], len[i], NULL, 0),
		post_enc_add(&b, docs[i], tft[i], tfb[i], len[i], NULL, 0);
	struct enc_list la, lb;
	enc_finish(&a, &la, POST_BLOCK + 5);
	enc_finish(&b, &lb, POST_BLOCK + 5);
	cr_assert_eq(la.out.n, lb.out.n);
	cr_assert_eq(memcmp(la.out.p, lb.out.p, la.out.n), 0);
	buf_release(&la.out);
	buf_release(&lb.out);
	post_enc_release(&a);
	post_enc_release(&b);
}

/* post_enc_single gives the bytes, sizes and statistics of post_enc_add and
 * post_enc_end for one posting, at every width of doc and tfs. */
Test(postings, single_matches_add)
{
	static const uint32_t vals[] = { 0, 1, 2, 127, 128, 255, 256, 65535, 65536, 1u << 24,
					 0x7fffffffu, 0xfffffffeu };
	enum { NV = sizeof vals / sizeof vals[0] };
	uint32_t pos[3] = { 5, 300, 70000 };
	for (int a = 0; a < NV; a++)
		for (int b = 0; b < NV; b++) {
			uint32_t doc = vals[a], tft = vals[(a + b) % NV] % 3, tfb = vals[b];
			uint32_t len = vals[(a * 7 + b) % NV] + 1, np = 1 + (uint32_t)(a + b) % 3;
			if (tft > np)
				tft = np;
			struct post_enc e;
			post_enc_init(&e);
			post_enc_begin(&e);
			post_enc_add(&e, doc, tft, tfb, len, pos, np);
			struct enc_list la;
			enc_finish(&e, &la, 1);
			unsigned char pb[16];
			size_t pn = 0;
			for (uint32_t q = 0; q < np; q++)
				pn += varint_put(pb + pn, q ? pos[q] - pos[q - 1] : pos[0]);
			struct buf out;
			buf_init(&out, 0);
			buf_put(&out, "x", 1); /* appended after what is there */
			uint64_t dl, pl;
			struct post_stats st;
			post_enc_single(&out, doc, tft, tfb, len, pb, pn, &dl, &pl, &st);
			cr_assert_eq(out.n - 1, la.out.n, "doc %u tft %u tfb %u", doc, tft, tfb);
			cr_assert_eq(memcmp(out.p + 1, la.out.p, la.out.n), 0, "doc %u tfb %u", doc, tfb);
			cr_assert_eq(dl, la.dl);
			cr_assert_eq(pl, la.pl);
			cr_assert_eq(memcmp(&st, &la.st, sizeof st), 0);
			buf_release(&out);
			buf_release(&la.out);
			post_enc_release(&e);
		}
}

/* Block decoding (ranked search's path) gives what the posting-by-posting
 * cursor gives, for gaps and tfs of every varint length, title tf or not;
 * a truncated list decodes to an error, never out of bounds. */
Test(postings, block_decode_matches_cursor)
{
	enum { N = 3000 };
	struct post_enc e;
	post_enc_init(&e);
	post_enc_begin(&e);
	static uint32_t docs[N], tft[N], tfb[N];
	uint32_t d = 0, pos[700];
	srand(11);
	for (int i = 0; i < N; i++) {
		int r = rand() % 10;
		d += r < 6 ? 1 + (uint32_t)(rand() % 127) : r < 9 ? 1 + (uint32_t)(rand() % 16000)
								: 1 + (uint32_t)(rand() % 3000000);
		docs[i] = d;
		tft[i] = rand() % 3 ? 0 : (uint32_t)(rand() % (rand() % 4 ? 60 : 400));
		tfb[i] = (uint32_t)(rand() % (rand() % 4 ? 63 : 300)) + (tft[i] == 0);
		for (uint32_t k = 0; k < tft[i] + tfb[i]; k++)
			pos[k] = (uint32_t)i + k * k; /* gaps of every varint length */
		post_enc_add(&e, d, tft[i], tfb[i], 100, pos, tft[i] + tfb[i]);
	}
	struct enc_list l;
	enc_finish(&e, &l, N);
	struct post_cur c;
	enc_cursor(&l, l.dl, &c);
	cr_assert_eq(c.nblocks, (N + POST_BLOCK - 1) / POST_BLOCK);
	uint32_t bd[POST_BLOCK], bt[POST_BLOCK], bb[POST_BLOCK], *pp = NULL;
	size_t cap = 0;
	int i = 0;
	for (uint32_t b = 0; b < c.nblocks; b++) {
		uint32_t n = post_block_decode(&c, b, d + 1, bd, bt, bb);
		cr_assert_eq(n, b + 1 < c.nblocks ? POST_BLOCK : N - b * POST_BLOCK);
		for (uint32_t k = 0; k < n; k++, i++) {
			cr_assert_eq(bd[k], docs[i], "posting %d", i);
			cr_assert_eq(bt[k], tft[i], "posting %d", i);
			cr_assert_eq(bb[k], tfb[i], "posting %d", i);
			/* positions of some postings, skipping the others' */
			if ((i * 7) % 5 < 2 || k == n - 1) {
				uint32_t np = post_block_positions(&c, b, k, bt, bb, &pp, &cap);
				cr_assert_eq(np, tft[i] + tfb[i], "posting %d", i);
				for (uint32_t x = 0; x < np; x++)
					cr_assert_eq(pp[x], (uint32_t)i + x * x, "posting %d", i);
			}
		}
		/* an earlier posting of the block again: its positions are re-read */
		cr_assert_eq(post_block_positions(&c, b, 0, bt, bb, &pp, &cap),
			     tft[i - (int)n] + tfb[i - (int)n]);
	}
	cr_assert_eq(i, N);
	cr_assert(!c.corrupt);
	/* a document at or past ndocs is damage */
	cr_assert_eq(post_block_decode(&c, c.nblocks - 1, docs[N - 1], bd, bt, bb), 0);
	cr_assert(c.corrupt);
	post_cur_close(&c);
	for (size_t cut = 0; cut < l.dl; cut += 13) {
		enc_cursor(&l, cut, &c);
		for (uint32_t b = 0; b < c.nblocks && !c.corrupt; b++) {
			uint32_t n = post_block_decode(&c, b, d + 1, bd, bt, bb);
			for (uint32_t k = 0; k < n && !c.corrupt; k += 3)
				post_block_positions(&c, b, k, bt, bb, &pp, &cap);
		}
		post_cur_close(&c);
	}
	free(pp);
	buf_release(&l.out);
	post_enc_release(&e);
}

/* Doc data is bit-packed per block at the width of its largest value: every
 * width from 0 to 32 round-trips, through post_block_decode and post_cur_next,
 * in a full block and in a list's short last block; a width over 32 and a
 * last document that is not the skip table's are damage. */
Test(postings, every_packed_width)
{
	enum { N = POST_BLOCK + 37 };
	static uint32_t docs[N], tft[N], tfb[N];
	uint32_t bd[POST_BLOCK], bt[POST_BLOCK], bb[POST_BLOCK], pos[1] = { 0 };
	for (unsigned w = 0; w <= 32; w++) {
		uint32_t top = w ? (uint32_t)((1ull << w) - 1) : 0; /* the largest w-bit value */
		struct post_enc e;
		post_enc_init(&e);
		post_enc_begin(&e);
		for (uint32_t i = 0; i < N; i++) {
			/* the first gap (the first doc) needs w bits, the rest are 0 */
			docs[i] = (w ? (uint32_t)(1ull << (w - 1)) : 0) + i;
			tfb[i] = i % 2 ? top : 1;
			tft[i] = i % 3 ? 0 : top;
			post_enc_add(&e, docs[i], tft[i], tfb[i], 10, pos, 1);
		}
		struct enc_list l;
		enc_finish(&e, &l, N);
		struct post_cur c;
		enc_cursor(&l, l.dl, &c);
		cr_assert_eq(c.nblocks, 2);
		uint32_t i = 0;
		for (uint32_t b = 0; b < 2; b++) {
			uint32_t n = post_block_decode(&c, b, UINT32_MAX, bd, bt, bb);
			cr_assert_eq(n, b ? N - POST_BLOCK : POST_BLOCK, "width %u", w);
			for (uint32_t k = 0; k < n; k++, i++) {
				cr_assert_eq(bd[k], docs[i], "width %u posting %u", w, i);
				cr_assert_eq(bt[k], tft[i], "width %u posting %u", w, i);
				cr_assert_eq(bb[k], tfb[i], "width %u posting %u", w, i);
			}
		}
		post_cur_close(&c);
		enc_cursor(&l, l.dl, &c);
		for (i = 0; post_cur_next(&c); i++) {
			cr_assert_eq(c.doc, docs[i], "width %u posting %u", w, i);
			cr_assert_eq(c.tft, tft[i]);
			cr_assert_eq(c.tfb, tfb[i]);
		}
		cr_assert_eq(i, N);
		cr_assert(!c.corrupt);
		size_t at = (size_t)(c.docs - (const unsigned char *)l.out.p);
		post_cur_close(&c);
		/* a width byte over 32 */
		l.out.p[at] = 33;
		enc_cursor(&l, l.dl, &c);
		cr_assert_eq(post_block_decode(&c, 0, UINT32_MAX, bd, bt, bb), 0);
		cr_assert(c.corrupt);
		post_cur_close(&c);
		buf_release(&l.out);
		post_enc_release(&e);
	}
	/* a skip table whose last document is not the block's */
	struct post_enc e;
	post_enc_init(&e);
	post_enc_begin(&e);
	for (uint32_t i = 0; i < 10; i++)
		post_enc_add(&e, 3 * i, 0, 1, 10, pos, 1);
	struct enc_list l;
	enc_finish(&e, &l, 10);
	struct post_cur c;
	enc_cursor(&l, l.dl, &c);
	cr_assert_eq(post_block_decode(&c, 0, 100, bd, bt, bb), 10);
	post_cur_close(&c);
	wr_u32le(l.out.p + 1, 28); /* entry 0's last doc, after the 1-byte varint nblocks */
	enc_cursor(&l, l.dl, &c);
	cr_assert_eq(post_block_decode(&c, 0, 100, bd, bt, bb), 0);
	cr_assert(c.corrupt);
	post_cur_close(&c);
	buf_release(&l.out);
	post_enc_release(&e);
}

/* Every posting of a block is dominated by one of the block's impacts (tfs no
 * smaller, length no larger), there are at most POST_IMPACTS_MAX, and the
 * block lookups the search uses find the right blocks. */
Test(postings, impacts_bound_every_posting)
{
	struct post_enc e;
	post_enc_init(&e);
	post_enc_begin(&e);
	enum { N = 3000 };
	static uint32_t docs[N], tft[N], tfb[N], len[N];
	uint32_t d = 0, pos[1] = { 0 };
	srand(11);
	for (int i = 0; i < N; i++) {
		d += 1 + (uint32_t)(rand() % 20);
		docs[i] = d;
		tft[i] = rand() % 4 == 0 ? (uint32_t)(rand() % 3) : 0;
		tfb[i] = (uint32_t)(rand() % 6) + (tft[i] == 0);
		len[i] = 5 + (uint32_t)(rand() % 400);
		post_enc_add(&e, d, tft[i], tfb[i], len[i], pos, 1);
	}
	struct enc_list l;
	enc_finish(&e, &l, N);
	struct post_cur c;
	enc_cursor(&l, l.dl, &c);
	cr_assert_eq(c.nblocks, (N + POST_BLOCK - 1) / POST_BLOCK);
	for (uint32_t b = 0; b < c.nblocks; b++) {
		struct post_skip sk;
		cr_assert(post_cur_skip(&c, b, &sk));
		cr_assert(sk.nimp >= 1 && sk.nimp <= POST_IMPACTS_MAX);
		uint32_t from = b * POST_BLOCK, to = NL_MIN(from + POST_BLOCK, (uint32_t)N);
		cr_assert_eq(sk.last_doc, docs[to - 1]);
		for (uint32_t i = from; i < to; i++) {
			bool dominated = false;
			for (uint32_t j = 0; j < sk.nimp; j++)
				dominated |= sk.imp[j].tft >= tft[i] && sk.imp[j].tfb >= tfb[i] &&
					     sk.imp[j].len <= len[i];
			cr_assert(dominated, "block %u posting %u not bounded", b, i);
			cr_assert(sk.max_tft >= tft[i] && sk.max_tfb >= tfb[i] && sk.min_len <= len[i]);
		}
		cr_assert_eq(post_cur_find(&c, docs[from]), b);
		cr_assert_eq(post_cur_find(&c, docs[to - 1]), b);
	}
	post_cur_close(&c);
	/* a damaged skip table is corruption, never a bad read */
	for (size_t at = 1; at < 1 + 16 * (size_t)c.nblocks; at += 5) {
		l.out.p[at] ^= 0x5a;
		enc_cursor(&l, l.dl, &c);
		struct post_skip sk;
		for (uint32_t b = 0; b < c.nblocks && !c.corrupt; b++)
			post_cur_skip(&c, b, &sk);
		post_cur_close(&c);
		enc_cursor(&l, l.dl, &c);
		while (post_cur_next(&c))
			;
		post_cur_close(&c);
		l.out.p[at] ^= 0x5a;
	}
	buf_release(&l.out);
	post_enc_release(&e);
}

static int add_jsonl(const char *db, const char *path, uint32_t *added)
{
	char err[512];
	struct archive *a;
	int rc = archive_open(db, ARCHIVE_WRITE, &a, err, sizeof err);
	cr_assert_eq(rc, 0, "%s", err);
	struct ingest ig;
	ingest_init(&ig, archive_add, a);
	ig.quiet = true;
	rc = ingest_path(&ig, path);
	if (!rc)
		rc = archive_commit(a);
	*added = a->added;
	archive_close(a);
	return rc;
}

static void write_batch(const char *path, int batch, int n)
{
	FILE *f = fopen(path, "w");
	for (int i = 0; i < n; i++)
		fprintf(f, "{\"id\":\"%d-%d\",\"title\":\"Batch %d story %d\",\"date\":\"2024-02-%02d\","
			   "\"url\":\"https://t.example/%d/%d\",\"text\":\"common words here and term%d "
			   "plus batch%d marker\"}\n", batch, i, batch, i, i % 28 + 1, batch, i, i % 10, batch);
	fclose(f);
}

/* Many small adds force merges; documents keep their ids and terms their postings. */
Test(archive, merges_keep_documents_and_postings, .timeout = 60)
{
	char *d = tmpdir();
	char db[300], in[300];
	snprintf(db, sizeof db, "%s/db", d);
	snprintf(in, sizeof in, "%s/in.jsonl", d);
	for (int b = 0; b < 20; b++) {
		write_batch(in, b, 50);
		uint32_t added;
		cr_assert_eq(add_jsonl(db, in, &added), 0);
		cr_assert_eq(added, 50);
	}
	char err[512];
	struct archive *a;
	cr_assert_eq(archive_open(db, ARCHIVE_READ, &a, err, sizeof err), 0);
	cr_assert_eq(a->ndocs, 1000);
	cr_assert_leq(a->nsegs, 8, "merges keep the segment count down (%u)", a->nsegs);
	cr_assert_eq(archive_check(a, err, sizeof err), 0, "%s", err);
	struct doc doc;
	memset(&doc, 0, sizeof doc);
	cr_assert_eq(archive_doc(a, 777, &doc), 0);
	cr_assert(nl_str_eq(doc.title, NL_STR("Batch 15 story 27")));
	doc_release(&doc);
	/* "term3" is in every 10th document of every batch: 100 postings across segments */
	uint32_t total = 0;
	for (uint32_t s = 0; s < a->nsegs; s++) {
		struct seg_term t;
		if (!seg_term_find(a->segs[s], "term3", 5, &t))
			continue;
		struct post_cur c;
		seg_term_cursor(a->segs[s], &t, &c);
		while (post_cur_next(&c)) {
			struct doc x;
			memset(&x, 0, sizeof x);
			cr_assert_eq(archive_doc(a, a->base[s] + c.doc, &x), 0);
			cr_assert(strstr(x.para[0].p, "term3"));
			doc_release(&x);
			total++;
		}
		post_cur_close(&c);
	}
	cr_assert_eq(total, 100);
	archive_close(a);
	rmrf(d);
	free(d);
}

/* A small budget cuts segments of many documents, never one per document
 * (the writer's own tables once filled a 1 MB budget by themselves), and the
 * commit merges them all down to at most 8 segments in the same add. */
Test(archive, small_budget_cuts_few_segments_and_merges_them, .timeout = 120)
{
	char *d = tmpdir();
	char db[300], in[300];
	snprintf(db, sizeof db, "%s/db", d);
	snprintf(in, sizeof in, "%s/in.jsonl", d);
	FILE *f = fopen(in, "w");
	uint32_t x = 7, with_w42 = 0;
	for (int i = 0; i < 3000; i++) {
		fprintf(f, "{\"id\":\"%d\",\"title\":\"story %d\",\"url\":\"https://m.example/%d\","
			   "\"text\":\"", i, i, i);
		bool has = false;
		for (int k = 0; k < 120; k++) {
			x = x * 1103515245u + 12345u;
			uint32_t w = (x >> 8) % 30000;
			has |= w == 42;
			fprintf(f, " w%u", w);
		}
		with_w42 += has;
		fprintf(f, ".\"}\n");
	}
	fclose(f);
	setenv("NEWSLINE_MEM_MB", "1", 1);
	uint32_t added;
	int rc = add_jsonl(db, in, &added);
	unsetenv("NEWSLINE_MEM_MB");
	cr_assert_eq(rc, 0);
	cr_assert_eq(added, 3000);
	char err[512];
	struct archive *a;
	cr_assert_eq(archive_open(db, ARCHIVE_READ, &a, err, sizeof err), 0);
	cr_assert_eq(a->ndocs, 3000);
	cr_assert_gt(a->next_seg, 10, "the budget cut several segments (%llu)",
		     (unsigned long long)a->next_seg);
	cr_assert_lt(a->next_seg, 200, "segments of many documents, not one each (%llu)",
		     (unsigned long long)a->next_seg);
	cr_assert_leq(a->nsegs, 8, "the commit merged them (%u left)", a->nsegs);
	cr_assert_eq(archive_check(a, err, sizeof err), 0, "%s", err);
	struct doc doc;
	memset(&doc, 0, sizeof doc);
	cr_assert_eq(archive_doc(a, 2345, &doc), 0);
	cr_assert(nl_str_eq(doc.title, NL_STR("story 2345")));
	doc_release(&doc);
	uint32_t n = 0, prev = 0;
	for (uint32_t s = 0; s < a->nsegs; s++) {
		struct seg_term t;
		if (!seg_term_find(a->segs[s], "w42", 3, &t))
			continue;
		struct post_cur c;
		seg_term_cursor(a->segs[s], &t, &c);
		while (post_cur_next(&c)) {
			uint32_t id = a->base[s] + c.doc;
			cr_assert(n == 0 || id > prev, "postings in document order");
			prev = id;
			n++;
		}
		post_cur_close(&c);
	}
	cr_assert_gt(with_w42, 0);
	cr_assert_eq(n, with_w42);
	archive_close(a);
	rmrf(d);
	free(d);
}

/* Flip bytes all over a segment: opening and checking never crash. */
Test(archive, flipped_bytes_are_corruption_not_crashes, .timeout = 120)
{
	char *d = tmpdir();
	char db[300], in[300];
	snprintf(db, sizeof db, "%s/db", d);
	snprintf(in, sizeof in, "%s/in.jsonl", d);
	write_batch(in, 1, 300);
	uint32_t added;
	cr_assert_eq(add_jsonl(db, in, &added), 0);
	char seg[400];
	snprintf(seg, sizeof seg, "%s/seg-00000001.nls", db);
	size_t n;
	char *orig = slurp(seg, &n);
	cr_assert(orig);
	int detected = 0, trials = 0;
	for (size_t off = 0; off < n; off += 1 + n / 400) {
		char *m = malloc(n);
		memcpy(m, orig, n);
		m[off] ^= 0x5a;
		FILE *f = fopen(seg, "wb");
		fwrite(m, 1, n, f);
		fclose(f);
		free(m);
		char err[512];
		int rc;
		struct segment *s = seg_open(seg, &rc, err, sizeof err);
		trials++;
		if (!s) {
			cr_assert_neq(rc, 0);
			detected++;
			continue;
		}
		if (seg_verify(s, err, sizeof err) != 0)
			detected++;
		seg_close(s);
	}
	cr_assert_eq(detected, trials, "every flipped byte must be detected (%d of %d)", detected, trials);
	free(orig);
	rmrf(d);
	free(d);
}

/* Format 5 keeps each document's sketch in a skippable zstd frame right
 * after its docstore block; seg_open checks those frames. */
Test(archive, sketches_follow_their_blocks, .timeout = 60)
{
	char *d = tmpdir();
	char db[300], in[300], seg[400];
	snprintf(db, sizeof db, "%s/db", d);
	snprintf(in, sizeof in, "%s/in.jsonl", d);
	snprintf(seg, sizeof seg, "%s/seg-00000001.nls", db);
	write_batch(in, 1, 2000);
	uint32_t added;
	cr_assert_eq(add_jsonl(db, in, &added), 0);
	char err[512];
	int rc;
	struct segment *s = seg_open(seg, &rc, err, sizeof err);
	cr_assert(s, "%s", err);
	cr_assert_eq(s->version, SEG_VERSION);
	cr_assert_gt(s->nblocks, 2);
	cr_assert_null(s->sec[SEC_SKETCH]);
	uint64_t second_frame = 0;
	for (uint32_t b = 0; b < s->nblocks; b++) {
		const unsigned char *e = s->sec[SEC_BLOCKS] + (size_t)b * SEG_BLOCKS_ENTRY;
		uint64_t at = rd_u64le(e) + rd_u32le(e + 8);
		uint32_t first = rd_u32le(e + 16), nd = rd_u32le(e + 20);
		const unsigned char *f = s->sec[SEC_DOCSTORE] + at;
		cr_assert_eq(rd_u32le(f), SEG_SKETCH_MAGIC);
		cr_assert_eq(rd_u32le(f + 4), nd * DEDUP_SKETCH_BYTES);
		for (uint32_t i = 0; i < nd; i++) {
			const unsigned char *sk = seg_sketch(s, first + i);
			cr_assert_eq(sk, f + 8 + (size_t)i * DEDUP_SKETCH_BYTES);
			cr_assert(sk[0] == 'D' && sk[1] == 'S', "document %u: not a sketch", first + i);
		}
		/* the next block's frame starts where this sketch frame ends */
		if (b + 1 < s->nblocks)
			cr_assert_eq(rd_u64le(e + SEG_BLOCKS_ENTRY), at + 8 + (uint64_t)nd * DEDUP_SKETCH_BYTES);
		if (b == 1)
			second_frame = (uint64_t)(s->sec[SEC_DOCSTORE] - s->map) + at;
	}
	cr_assert_null(seg_sketch(s, s->ndocs));
	seg_close(s);
	/* a damaged frame head is corruption at open */
	size_t n;
	char *m = slurp(seg, &n);
	cr_assert(m);
	m[second_frame] ^= 1;
	FILE *f = fopen(seg, "wb");
	fwrite(m, 1, n, f);
	fclose(f);
	free(m);
	s = seg_open(seg, &rc, err, sizeof err);
	cr_assert_null(s);
	cr_assert_eq(rc, NL_ECORRUPT);
	cr_assert(strstr(err, "docstore block 1: bad sketch frame"), "%s", err);
	rmrf(d);
	free(d);
}

/* Write n articles to path: copies of a few base stories (paragraphs in
 * another order, or a paragraph left out) among new ones, so that adds join
 * existing story groups. */
static void write_stories(const char *path, int batch, int n)
{
	FILE *f = fopen(path, "w");
	cr_assert(f);
	for (int i = 0; i < n; i++) {
		int story = i % 3 == 0 ? i % 7 : 100 * batch + i;
		char p[4][160];
		for (int k = 0; k < 4; k++)
			snprintf(p[k], sizeof p[k],
				 "Paragraph %d of story %d tells what the council decided on the bridge "
				 "and the river crossing near district %d, with details.", k, story,
				 story * 7 + k);
		int rot = (batch + i) % 4, drop = i % 5 == 0 ? 3 : -1;
		fprintf(f, "{\"title\":\"Story %d\",\"date\":\"2024-03-%02d\",\"url\":"
			   "\"https://s%d.example/%d/%d\",\"text\":\"", story, 1 + i % 28, batch, batch, i);
		for (int k = 0; k < 4; k++)
			if ((k + rot) % 4 != drop)
				fprintf(f, "%s%s", k ? "\\n" : "", p[(k + rot) % 4]);
		fprintf(f, "\"}\n");
	}
	fclose(f);
}

/* Reopening for an add restores the near-duplicate detector from dedup.snap
 * and replays only the documents after it: every segment written is
 * byte-identical to the one an add that replays everything writes, also when
 * the snapshot is damaged or stale. */
Test(archive, detector_snapshot_changes_nothing, .timeout = 60)
{
	char *d = tmpdir();
	char with[600], without[600], path[600];
	snprintf(with, sizeof with, "%s/with", d);
	snprintf(without, sizeof without, "%s/without", d);
	for (int batch = 0; batch < 5; batch++) {
		snprintf(path, sizeof path, "%s/b%d.jsonl", d, batch);
		write_stories(path, batch, 60);
		uint32_t added;
		setenv("NEWSLINE_SNAPSHOT_MIN", "1", 1);
		cr_assert_eq(add_jsonl(with, path, &added), NL_OK);
		setenv("NEWSLINE_SNAPSHOT_MIN", "1000000000", 1);
		cr_assert_eq(add_jsonl(without, path, &added), NL_OK);
		char snap[700];
		snprintf(snap, sizeof snap, "%s/dedup.snap", with);
		struct stat sb;
		if (batch == 0)
			continue; /* the first add opened an empty archive: nothing replayed */
		cr_assert_eq(stat(snap, &sb), 0, "an add that replayed saves the detector");
		if (batch == 2) { /* damaged: a flipped byte fails the checksum */
			FILE *f = fopen(snap, "r+b");
			fseek(f, sb.st_size / 2, SEEK_SET);
			int c = fgetc(f);
			fseek(f, sb.st_size / 2, SEEK_SET);
			fputc(c ^ 0x20, f);
			fclose(f);
		}
	}
	unsetenv("NEWSLINE_SNAPSHOT_MIN");
	struct archive *a, *b;
	char err[512];
	cr_assert_eq(archive_open(with, ARCHIVE_READ, &a, err, sizeof err), NL_OK, "%s", err);
	cr_assert_eq(archive_open(without, ARCHIVE_READ, &b, err, sizeof err), NL_OK, "%s", err);
	cr_assert_eq(a->nsegs, b->nsegs);
	cr_assert_eq(a->ndocs, b->ndocs);
	for (uint32_t i = 0; i < a->nsegs; i++) {
		cr_assert_eq(a->segs[i]->size, b->segs[i]->size);
		cr_assert(!memcmp(a->segs[i]->map, b->segs[i]->map, a->segs[i]->size), "segment %u", i);
	}
	const uint32_t *rep, *size;
	archive_groups(a, &rep, &size);
	uint32_t grouped = 0;
	for (uint32_t i = 0; i < a->ndocs; i++)
		grouped += rep[i] != i;
	cr_assert_gt(grouped, 50, "the batches' copies joined groups (%u)", grouped);
	archive_close(a);
	archive_close(b);
	rmrf(d);
	free(d);
}
