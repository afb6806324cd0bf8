/* cmd_check.c — `newsline check`: verify every checksum, record and posting list. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "index/archive.h"

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': printf("usage: newsline check [--db DIR]\n"); return 0;
		default: return 2;
		}
	}
	struct archive *a = cli_open_archive(db, ARCHIVE_READ, "check");
	if (!a)
		return 1;
	char err[512];
	int rc = archive_check(a, err, sizeof err);
	if (rc) {
		fprintf(stderr, "newsline: check: %s\n", err);
		archive_close(a);
		return 1;
	}
	size_t bytes = 0;
	for (uint32_t i = 0; i < a->nsegs; i++)
		bytes += a->segs[i]->size;
	printf("ok: %u documents in %u segment%s (%zu bytes), every checksum, record and posting "
	       "list verified\n",
	       a->ndocs, a->nsegs, a->nsegs == 1 ? "" : "s", bytes);
	archive_close(a);
	return 0;
}
