/*
 * cli.h — the command table and helpers shared by the cmd_*.c files.
 *
 * A command is int cmd_x(int argc, char **argv) with argv[0] the command name;
 * it returns the process exit status (0 ok, 1 failure the user caused or data
 * problems under --strict, 2 usage error).
 */
#ifndef NL_CLI_H
#define NL_CLI_H

#include <stdint.h>

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
	const char *help;
};

int cmd_add(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_dups(int argc, char **argv);
int cmd_dates(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_volume(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_tls_eval(int argc, char **argv);

struct buf;
/* Append argv[from..argc) to q joined by single spaces (the query of search,
 * volume and timeline). Returns 0, or NL_ETOOBIG when q's cap is crossed. */
int cli_join_args(struct buf *q, int argc, char **argv, int from);

/* Parse YYYY-MM-DD (or YYYYMMDD) into a day number; -1 if not a date. */
int cli_parse_day(const char *s, int32_t *out);

/* The archive directory: --db value if given, else $NEWSLINE_DB, else ./newsline.db. */
const char *cli_db_path(const char *opt);

/* Open the archive of --db value db (cli_db_path) in mode (ARCHIVE_READ or
 * ARCHIVE_WRITE) for command cmd; on failure print "newsline: CMD: reason"
 * and return NULL. */
struct archive;
struct archive *cli_open_archive(const char *db, int mode, const char *cmd);

#endif
