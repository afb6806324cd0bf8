/*
 * cmd_show.c — `newsline show ID|URL`: one article as stored: title, date,
 * URL, source, paragraphs verbatim, then its sentences and resolved dates.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "index/archive.h"
#include "util/day.h"
#include "util/jsonw.h"

static const char *mention_type(uint8_t t)
{
	static const char *names[] = { "DATE", "TIME", "DURATION", "SET" };
	return t < 4 ? names[t] : "?";
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	bool json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'j': json = true; break;
		case 'h': printf("usage: newsline show [--db DIR] [--json] ID|URL\n"); return 0;
		default: return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "newsline: show: give one document id or URL\n");
		return 2;
	}
	const char *what = argv[optind];
	struct archive *a = cli_open_archive(db, ARCHIVE_READ, "show");
	if (!a)
		return 1;
	int rc = 0;
	uint32_t id = 0;
	char *end = NULL;
	unsigned long v = strtoul(what, &end, 10);
	if (*what && end && *end == 0) {
		if (v == 0 || v > a->ndocs) {
			fprintf(stderr, "newsline: show: no document %s (the archive has %u)\n", what,
				a->ndocs);
			archive_close(a);
			return 1;
		}
		id = (uint32_t)(v - 1);
	} else {
		rc = archive_find_url(a, nl_str_make(what, strlen(what)), &id);
		if (rc) {
			if (rc == NL_ENOTFOUND)
				fprintf(stderr, "newsline: show: no document with URL %s\n", what);
			else
				fprintf(stderr, "newsline: show: %s\n", a->err);
			archive_close(a);
			return 1;
		}
	}
	struct doc d;
	memset(&d, 0, sizeof d);
	rc = archive_doc(a, id, &d);
	if (rc) {
		fprintf(stderr, "newsline: show: %s\n", a->err);
		doc_release(&d);
		archive_close(a);
		return 1;
	}
	struct buf o;
	buf_init(&o, 0);
	if (json) {
		buf_printf(&o, "{\"id\":%u,", id + 1);
		jsonw_key(&o, "title"); jsonw_nstr(&o, d.title); buf_putc(&o, ',');
		jsonw_key(&o, "date"); jsonw_day(&o, d.day); buf_putc(&o, ',');
		jsonw_key(&o, "url"); jsonw_nstr(&o, d.url); buf_putc(&o, ',');
		jsonw_key(&o, "source"); jsonw_nstr(&o, d.source); buf_putc(&o, ',');
		jsonw_key(&o, "input_id"); jsonw_nstr(&o, d.extid); buf_putc(&o, ',');
		jsonw_key(&o, "paragraphs");
		buf_putc(&o, '[');
		for (uint32_t i = 0; i < d.npara; i++) {
			if (i) buf_putc(&o, ',');
			jsonw_nstr(&o, d.para[i]);
		}
		buf_puts(&o, "],");
		jsonw_key(&o, "sentences");
		buf_putc(&o, '[');
		for (uint32_t i = 0; i < d.nsent; i++) {
			const struct doc_sent *s = &d.sent[i];
			buf_printf(&o, "%s{\"paragraph\":%u,\"start\":%u,\"end\":%u,\"text\":", i ? "," : "",
				   s->para + 1, s->start, s->start + s->len);
			jsonw_str(&o, d.para[s->para].p + s->start, s->len);
			buf_putc(&o, '}');
		}
		buf_puts(&o, "],");
		jsonw_key(&o, "dates");
		buf_putc(&o, '[');
		for (uint32_t i = 0; i < d.nment; i++) {
			const struct doc_mention *m = &d.ment[i];
			const struct doc_sent *s = &d.sent[m->sent];
			buf_printf(&o, "%s{\"sentence\":%u,\"text\":", i ? "," : "", m->sent + 1);
			jsonw_str(&o, d.para[s->para].p + s->start + m->start, m->len);
			buf_printf(&o, ",\"type\":\"%s\",\"value\":", mention_type(m->type));
			jsonw_nstr(&o, m->value);
			buf_putc(&o, '}');
		}
		buf_puts(&o, "]}\n");
	} else {
		char day[11] = "undated";
		if (d.day != NL_NODAY)
			day_format(d.day, day);
		buf_printf(&o, "id:      %u\ntitle:   %.*s\ndate:    %s\nurl:     %.*s\nsource:  %.*s\n",
			   id + 1, (int)d.title.n, d.title.p, day, (int)d.url.n, d.url.p,
			   (int)d.source.n, d.source.p);
		buf_printf(&o, "text:    %u paragraphs, %u sentences, %u date references\n\n",
			   d.npara, d.nsent, d.nment);
		for (uint32_t i = 0; i < d.npara; i++)
			buf_printf(&o, "%.*s\n\n", (int)d.para[i].n, d.para[i].p);
		buf_puts(&o, "sentences:\n");
		uint32_t m = 0;
		for (uint32_t i = 0; i < d.nsent; i++) {
			const struct doc_sent *s = &d.sent[i];
			const char *t = d.para[s->para].p + s->start;
			buf_printf(&o, "  %u.%u  ", s->para + 1, i + 1);
			/* mark resolved dates inline: [text => value] */
			uint32_t at = 0;
			for (; m < d.nment && d.ment[m].sent == i; m++) {
				const struct doc_mention *dm = &d.ment[m];
				if (dm->start < at)
					continue;
				buf_put(&o, t + at, dm->start - at);
				buf_printf(&o, "[%.*s => %.*s]", (int)dm->len, t + dm->start,
					   (int)dm->value.n, dm->value.p);
				at = dm->start + dm->len;
			}
			buf_put(&o, t + at, s->len - at);
			buf_putc(&o, '\n');
		}
	}
	fwrite(o.p, 1, o.n, stdout);
	buf_release(&o);
	doc_release(&d);
	archive_close(a);
	return 0;
}
