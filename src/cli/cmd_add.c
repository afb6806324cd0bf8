/*
 * cmd_add.c — `newsline add`: read files into the archive and commit.
 *
 * Ends with one summary line (or --json): added, already present, skipped by
 * reason, warnings by reason. Exit status 0 unless --strict and something was
 * skipped, or the archive could not be written (1), or usage (2).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "index/archive.h"
#include "ingest/ingest.h"
#include "util/jsonw.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-record", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	bool strict = false, json = false, quiet = false;
	enum ingest_format fmt = FMT_AUTO;
	long maxrec = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:f:sjqm:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f':
			fmt = ingest_format_from_name(optarg);
			if (fmt == FMT_AUTO && strcmp(optarg, "auto") != 0) {
				fprintf(stderr, "newsline: add: unknown format '%s' (text, jsonl, t17, auto)\n",
					optarg);
				return 2;
			}
			break;
		case 's': strict = true; break;
		case 'j': json = true; break;
		case 'q': quiet = true; break;
		case 'm':
			maxrec = atol(optarg);
			if (maxrec < 1024) {
				fprintf(stderr, "newsline: add: --max-record must be at least 1024 bytes\n");
				return 2;
			}
			break;
		case 'h':
			printf("usage: newsline add [--db DIR] [--format text|jsonl|t17] [--strict] [--json] "
			       "[--quiet] [--max-record BYTES] PATH...\n");
			return 0;
		default: return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "newsline: add: no input paths given\n");
		return 2;
	}
	struct archive *a = cli_open_archive(db, ARCHIVE_WRITE, "add");
	if (!a)
		return 1;
	struct ingest ig;
	ingest_init(&ig, archive_add, a);
	ig.format = fmt;
	ig.quiet = quiet;
	if (maxrec)
		ig.max_record = (size_t)maxrec;
	int rc = 0;
	double t0 = now();
	for (int i = optind; i < argc && rc == 0; i++)
		rc = ingest_path(&ig, argv[i]);
	if (rc == 0)
		rc = archive_commit(a);
	double secs = now() - t0;
	if (rc) {
		fprintf(stderr, "newsline: add: %s; nothing from this run was committed\n",
			a->err[0] ? a->err : nl_strerror(rc));
		archive_close(a);
		return 1;
	}
	if (a->merge_rc)
		fprintf(stderr, "newsline: add: merging segments failed: %s; the articles added are "
			"committed, the next add merges again\n",
			a->err[0] ? a->err : nl_strerror(a->merge_rc));
	uint64_t skipped = 0, warned = 0;
	for (int r = 0; r < SKIP_NREASONS; r++)
		skipped += ig.st.count[r];
	for (int r = SKIP_NREASONS; r < INGEST_NREASONS; r++)
		warned += ig.st.count[r];
	struct buf out;
	buf_init(&out, 0);
	if (json) {
		buf_printf(&out, "{\"added\":%u,\"copies\":%u,\"present\":%u,\"skipped\":%llu,\"records\":%llu,"
			   "\"files\":%llu,\"bytes\":%llu,\"seconds\":%.3f,\"documents\":%u,",
			   a->added, a->copies, a->present, (unsigned long long)skipped,
			   (unsigned long long)ig.st.records, (unsigned long long)ig.st.files,
			   (unsigned long long)ig.st.bytes, secs, a->ndocs);
		jsonw_key(&out, "skipped_by_reason");
		buf_putc(&out, '{');
		for (int r = 0; r < SKIP_NREASONS; r++)
			buf_printf(&out, "%s\"%s\":%llu", r ? "," : "", ingest_reason_name(r),
				   (unsigned long long)ig.st.count[r]);
		buf_puts(&out, "},");
		jsonw_key(&out, "warnings");
		buf_putc(&out, '{');
		for (int r = SKIP_NREASONS; r < INGEST_NREASONS; r++)
			buf_printf(&out, "%s\"%s\":%llu", r > SKIP_NREASONS ? "," : "",
				   ingest_reason_name(r), (unsigned long long)ig.st.count[r]);
		buf_puts(&out, "}}\n");
	} else {
		buf_printf(&out, "added %u", a->added);
		if (a->copies)
			buf_printf(&out, " (%u copies of earlier stories)", a->copies);
		buf_printf(&out, ", already present %u, skipped %llu", a->present,
			   (unsigned long long)skipped);
		if (skipped) {
			buf_puts(&out, " (");
			bool first = true;
			for (int r = 0; r < SKIP_NREASONS; r++)
				if (ig.st.count[r]) {
					buf_printf(&out, "%s%s %llu", first ? "" : ", ",
						   ingest_reason_name(r),
						   (unsigned long long)ig.st.count[r]);
					first = false;
				}
			buf_putc(&out, ')');
		}
		if (warned) {
			buf_puts(&out, "; kept with warnings:");
			bool first = true;
			for (int r = SKIP_NREASONS; r < INGEST_NREASONS; r++)
				if (ig.st.count[r]) {
					buf_printf(&out, "%s %s %llu", first ? "" : ",",
						   ingest_reason_name(r),
						   (unsigned long long)ig.st.count[r]);
					first = false;
				}
		}
		buf_printf(&out, "; %.1f MB in %.2f s; archive has %u documents\n",
			   (double)ig.st.bytes / 1e6, secs, a->ndocs);
	}
	fwrite(out.p, 1, out.n, stdout);
	buf_release(&out);
	archive_close(a);
	return strict && skipped ? 1 : 0;
}
