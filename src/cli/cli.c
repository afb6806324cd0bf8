/* cli.c — helpers shared by the commands; see cli.h. */
#include "cli/cli.h"

#include <stdlib.h>

const char *cli_db_path(const char *opt)
{
	if (opt && *opt)
		return opt;
	const char *e = getenv("NEWSLINE_DB");
	return e && *e ? e : "newsline.db";
}
