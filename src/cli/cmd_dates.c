/*
 * cmd_dates.c — `newsline dates --dct YYYY-MM-DD [--json]`: tag the temporal
 * expressions of standard input and print them.
 *
 * The input is read whole (capped at DATES_STDIN_MAX) and tagged line by line
 * as one document: the struct dates_ctx carries the last mentioned day from
 * line to line, so "two days later" in a later paragraph resolves as it
 * would at ingest. Offsets printed are bytes into the whole input.
 *
 * Text output: one mention per line, "start end type value text".
 * JSON output: one object per mention per line,
 *   {"start":S,"end":E,"text":"...","type":"DATE","value":"2022-01-19"}
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "dates/dates.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/day.h"

/* Declared here until cli.h lists it with the other commands. */
int cmd_dates(int argc, char **argv);

#define DATES_STDIN_MAX ((size_t)1 << 30)

static void json_str(FILE *f, const char *s, size_t n)
{
	putc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c < 0x20) {
			fprintf(f, "\\u%04x", c);
		} else {
			putc(c, f);
		}
	}
	putc('"', f);
}

static void print_mentions(const char *text, size_t base, const struct date_mention *m, size_t n,
			   bool json)
{
	for (size_t i = 0; i < n; i++) {
		size_t s = base + m[i].start, e = base + m[i].end;
		if (json) {
			printf("{\"start\":%zu,\"end\":%zu,\"text\":", s, e);
			json_str(stdout, text + s, e - s);
			printf(",\"type\":\"%s\",\"value\":", dates_type_name(m[i].type));
			json_str(stdout, m[i].value, strlen(m[i].value));
			printf("}\n");
		} else {
			printf("%zu\t%zu\t%-8s\t%-14s\t%.*s\n", s, e, dates_type_name(m[i].type), m[i].value,
			       (int)(e - s), text + s);
		}
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: newsline dates [--dct YYYY-MM-DD] [--json] < text\n");
}

int cmd_dates(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dct", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int32_t dct = NL_NODAY;
	bool json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dct = day_parse(optarg, strlen(optarg));
			if (dct == NL_NODAY) {
				fprintf(stderr, "newsline: dates: bad --dct '%s' (want YYYY-MM-DD)\n", optarg);
				return 2;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}

	struct buf in;
	buf_init(&in, DATES_STDIN_MAX);
	for (;;) {
		char *p = buf_reserve(&in, 1 << 16);
		size_t got = fread(p, 1, 1 << 16, stdin);
		if (got == 0)
			break;
		if (in.n + got > DATES_STDIN_MAX) {
			fprintf(stderr, "newsline: dates: input larger than %zu bytes\n", DATES_STDIN_MAX);
			buf_release(&in);
			return 1;
		}
		in.n += got;
	}
	if (ferror(stdin)) {
		fprintf(stderr, "newsline: dates: cannot read standard input\n");
		buf_release(&in);
		return 1;
	}

	struct dates_tagger *t = dates_new();
	struct dates_ctx ctx;
	dates_ctx_init(&ctx);
	size_t pos = 0;
	while (pos < in.n) {
		const char *nl = memchr(in.p + pos, '\n', in.n - pos);
		size_t end = nl ? (size_t)(nl - in.p) : in.n;
		/* very long lines are tagged in pieces cut at white space */
		while (end - pos > DATES_MAX_TEXT) {
			size_t cut = pos + DATES_MAX_TEXT;
			while (cut > pos + DATES_MAX_TEXT / 2 && in.p[cut] != ' ')
				cut--;
			const struct date_mention *m;
			size_t n = dates_tag(t, in.p + pos, cut - pos, dct, &ctx, &m);
			print_mentions(in.p, pos, m, n, json);
			pos = cut;
		}
		const struct date_mention *m;
		size_t n = dates_tag(t, in.p + pos, end - pos, dct, &ctx, &m);
		print_mentions(in.p, pos, m, n, json);
		pos = end + 1;
	}
	dates_free(t);
	buf_release(&in);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "newsline: dates: cannot write output\n");
		return 1;
	}
	return 0;
}
