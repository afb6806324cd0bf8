/* cli.c — helpers shared by the commands; see cli.h. */
#include "cli/cli.h"

#include <stdlib.h>

#include "util/buf.h"

const char *cli_db_path(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *e = getenv("NEWSLINE_DB");
	return e && *e ? e : "newsline.db";
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
