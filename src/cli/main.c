/*
 * main.c — the newsline command line: dispatch to one cmd_*() per command.
 *
 * Each command lives in src/cli/cmd_<name>.c and is listed in the table
 * below (after tmux's cmd-*.c layout).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const struct cli_cmd commands[] = {
	{ "add", cmd_add, "add [--db DIR] [--format F] [--strict] [--json] PATH...", "add articles to the archive" },
	{ "search", cmd_search, "search [--db DIR] [--from D] [--to D] [--source HOST] [-n N] [--offset K] [--copies] [--json] [--batch FILE] QUERY", "ranked search with snippets" },
	{ "volume", cmd_volume, "volume [--db DIR] [--by day|week|month] [--from D] [--to D] [--source HOST] [--copies] [--json|--csv] QUERY", "coverage of a query over time" },
	{ "timeline", cmd_timeline, "timeline [--db DIR] [--from D] [--to D] [--published-from D] [--published-to D] [--dates L] [--per-date K] [--keywords W,...] [--method newsline|datewise] [--copies] [--json|--md|--timelinejs] QUERY", "key dates of a story and what happened on each" },
	{ "tls-eval", cmd_tls_eval, "tls-eval [--out PRED.jsonl] [--method newsline|datewise] [--ranker trained|published|mentions] [--coefs FILE] [--quiet] DATASET_DIR", "Timeline17-style evaluation (ROUGE align+ m:1, date F1)" },
	{ "show", cmd_show, "show [--db DIR] [--json] ID|URL", "print an article as stored" },
	{ "stats", cmd_stats, "stats [--db DIR] [--json]", "summarise the archive" },
	{ "check", cmd_check, "check [--db DIR]", "verify every archive file" },
	{ "dups", cmd_dups, "dups [--db DIR] [--min N] [-n LIMIT] [--json]", "list the largest story groups (syndicated copies)" },
	{ "dates", cmd_dates, "dates --dct YYYY-MM-DD [--json] < TEXT", "resolve the date references in text" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: newsline COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n             %s\n", commands[i].name, commands[i].help,
			commands[i].usage);
	fprintf(f, "\nThe archive is --db DIR, else $NEWSLINE_DB, else ./newsline.db.\n");
}

/*
 * An add builds hundreds of megabytes of tables that it reaches at random
 * (the posting lists of the open segment, the duplicate detector's), and
 * with 4 KiB pages most such reaches miss the TLB. Where the system grants
 * transparent huge pages on request (the "madvise" setting, Debian's
 * default), glibc's malloc asks for them when its tunable
 * glibc.malloc.hugetlb is 1 — a tunable it reads only at start-up. So add
 * starts itself again, once, with the tunable set: on the scale corpus a
 * 2-thread add took 11.3 s instead of 12.7 (median of four interleaved
 * pairs; faster in each), and no byte of the archive changes. Not done when the user set
 * the tunable, when NEWSLINE_HUGEPAGES=0, under valgrind (which would lose
 * the process) or when the system's setting is not "madvise"; a failed exec
 * leaves things as they were.
 */
static void want_huge_pages(char **argv)
{
#ifdef __GLIBC__
	const char *off = getenv("NEWSLINE_HUGEPAGES"), *t = getenv("GLIBC_TUNABLES"),
		   *pre = getenv("LD_PRELOAD");
	if ((off && !strcmp(off, "0")) || (t && strstr(t, "glibc.malloc.hugetlb")) ||
	    (pre && strstr(pre, "vgpreload")))
		return;
	char mode[64] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return;
	if (!fgets(mode, sizeof mode, f))
		mode[0] = 0;
	fclose(f);
	if (!strstr(mode, "[madvise]"))
		return;
	char v[4096];
	int n = snprintf(v, sizeof v, "%s%sglibc.malloc.hugetlb=1", t ? t : "", t && *t ? ":" : "");
	if (n < 0 || (size_t)n >= sizeof v || setenv("GLIBC_TUNABLES", v, 1) != 0)
		return;
	execv("/proc/self/exe", argv);
	/* still here: go on as we are */
	if (t)
		setenv("GLIBC_TUNABLES", t, 1);
	else
		unsetenv("GLIBC_TUNABLES");
#else
	(void)argv;
#endif
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "add"))
		want_huge_pages(argv);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "newsline: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
