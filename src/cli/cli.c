/* cli.c — helpers shared by the commands; see cli.h. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "index/archive.h"

#include "util/buf.h"

const char *cli_db_path(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *e = getenv("NEWSLINE_DB");
	return e && *e ? e : "newsline.db";
}

struct archive *cli_open_archive(const char *db, int mode, const char *cmd)
{
	char err[512];
	struct archive *a;
	if (archive_open(cli_db_path(db), mode, &a, err, sizeof err)) {
		fprintf(stderr, "newsline: %s: %s\n", cmd, err);
		return NULL;
	}
	return a;
}

int cli_join_args(struct buf *q, int argc, char **argv, int from)
{
	for (int i = from; i < argc; i++) {
		int rc = buf_puts(q, argv[i]);
		if (!rc && i + 1 < argc)
			rc = buf_putc(q, ' ');
		if (rc)
			return rc;
	}
	return 0;
}
