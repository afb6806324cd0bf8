/*
 * cmd_volume.c — `newsline volume`: how much coverage a query got per day,
 * week or month: matching stories and their share of all stories published
 * in that period (the two numbers Media Cloud and GDELT users ask for), as a
 * table with a bar chart, --json or --csv. Periods with no match between the
 * first and last one are shown as zeros, so the series has no holes.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "query/search.h"
#include "util/day.h"
#include "util/jsonw.h"

enum by { BY_DAY, BY_WEEK, BY_MONTH };

/* Period number of a day: the day itself, the Monday of its week, or y*12+m-1. */
static int32_t period_of(int32_t day, enum by by)
{
	if (by == BY_DAY)
		return day;
	if (by == BY_WEEK)
		return day - day_weekday(day);
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	return y * 12 + m - 1;
}

static int32_t period_next(int32_t p, enum by by)
{
	return by == BY_WEEK ? p + 7 : p + 1;
}

static void period_label(int32_t p, enum by by, char out[16])
{
	if (by == BY_DAY) {
		day_format(p, out);
	} else if (by == BY_WEEK) {
		int iy, w;
		day_iso_week(p, &iy, &w);
		snprintf(out, 16, "%04d-W%02d", iy, w);
	} else {
		snprintf(out, 16, "%04d-%02d", p / 12, p % 12 + 1);
	}
}

struct vol {
	struct archive *a;
	enum by by;
	int32_t *pers;
	size_t n, cap;
	uint64_t undated;
};

static void on_match(void *ctx, uint32_t doc)
{
	struct vol *v = ctx;
	struct seg_docinfo di;
	archive_docinfo(v->a, doc, &di);
	if (di.day == NL_NODAY) {
		v->undated++;
		return;
	}
	v->pers = xgrow(v->pers, &v->cap, v->n + 1, sizeof *v->pers);
	v->pers[v->n++] = period_of(di.day, v->by);
}

static int cmp_i32(const void *x, const void *y)
{
	int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
	return (a > b) - (a < b);
}

int cmd_volume(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "by", required_argument, NULL, 'b' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "source", required_argument, NULL, 's' },
		{ "copies", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	enum by by = BY_DAY;
	bool json = false, csv = false;
	struct search_opts so;
	search_opts_init(&so);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:b:f:t:s:cjvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'b':
			if (!strcmp(optarg, "day")) by = BY_DAY;
			else if (!strcmp(optarg, "week")) by = BY_WEEK;
			else if (!strcmp(optarg, "month")) by = BY_MONTH;
			else {
				fprintf(stderr, "newsline: volume: --by takes day, week or month, not '%s'\n", optarg);
				return 2;
			}
			break;
		case 'f':
		case 't':
			if (cli_parse_day(optarg, c == 'f' ? &so.from : &so.to)) {
				fprintf(stderr, "newsline: volume: --%s: '%s' is not a date (YYYY-MM-DD)\n",
					c == 'f' ? "from" : "to", optarg);
				return 2;
			}
			break;
		case 's': so.source = optarg; break;
		case 'c': so.copies = true; break;
		case 'j': json = true; break;
		case 'v': csv = true; break;
		case 'h':
			printf("usage: newsline volume [--db DIR] [--by day|week|month] [--from D] [--to D] "
			       "[--source HOST] [--copies] [--json|--csv] QUERY\n");
			return 0;
		default: return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "newsline: volume: no query given\n");
		return 2;
	}
	struct buf q;
	buf_init(&q, 0);
	cli_join_args(&q, argc, argv, optind);
	struct archive *a = cli_open_archive(db, ARCHIVE_READ, "volume");
	if (!a) {
		buf_release(&q);
		return 1;
	}
	struct searcher *se = searcher_new(a);
	struct vol v = { a, by, NULL, 0, 0, 0 };
	char err[512];
	int rc = searcher_match(se, q.p, q.n, &so, on_match, &v, err, sizeof err);
	if (rc) {
		fprintf(stderr, "newsline: volume: %s\n", err);
		searcher_free(se);
		archive_close(a);
		buf_release(&q);
		return rc == NL_ECORRUPT ? 1 : 2;
	}
	/* all stories per period (one per story group unless --copies), same filters */
	struct vol all = { a, by, NULL, 0, 0, 0 };
	const uint32_t *rep, *size;
	archive_groups(a, &rep, &size);
	for (uint32_t i = 0; i < a->ndocs; i++) {
		if (!so.copies && rep[i] != i)
			continue;
		on_match(&all, i);
	}
	if (v.n)
		qsort(v.pers, v.n, sizeof *v.pers, cmp_i32);
	if (all.n)
		qsort(all.pers, all.n, sizeof *all.pers, cmp_i32);
	struct buf o;
	buf_init(&o, 0);
	int32_t first = v.n ? v.pers[0] : 0, last = v.n ? v.pers[v.n - 1] : -1;
	if (so.from != NL_NODAY && v.n)
		first = period_of(so.from, by) < first ? period_of(so.from, by) : first;
	if (so.to != NL_NODAY && v.n)
		last = period_of(so.to, by) > last ? period_of(so.to, by) : last;
	uint64_t maxc = 0, matched = 0;
	size_t i = 0, k = 0;
	/* first pass for the scale of the bars */
	for (int32_t p = first; v.n && p <= last; p = period_next(p, by)) {
		uint64_t cnt = 0;
		while (i < v.n && v.pers[i] == p) { i++; cnt++; }
		if (cnt > maxc) maxc = cnt;
		matched += cnt;
	}
	if (json) {
		buf_puts(&o, "{");
		jsonw_key(&o, "query"); jsonw_str(&o, q.p, q.n);
		buf_printf(&o, ",\"by\":\"%s\",\"matches\":%llu,\"undated_matches\":%llu,\"periods\":[",
			   by == BY_DAY ? "day" : by == BY_WEEK ? "week" : "month",
			   (unsigned long long)matched, (unsigned long long)v.undated);
	} else if (csv) {
		buf_puts(&o, "period,count,total,share\n");
	} else {
		buf_printf(&o, "%llu matching %s", (unsigned long long)matched,
			   matched == 1 ? "story" : "stories");
		if (v.undated)
			buf_printf(&o, " (+%llu undated, not shown)", (unsigned long long)v.undated);
		buf_puts(&o, "\n\nperiod        count   total   share\n");
	}
	i = 0;
	bool firstrow = true;
	for (int32_t p = first; v.n && p <= last; p = period_next(p, by)) {
		uint64_t cnt = 0, tot = 0;
		while (i < v.n && v.pers[i] == p) { i++; cnt++; }
		while (k < all.n && all.pers[k] < p) k++;
		while (k < all.n && all.pers[k] == p) { k++; tot++; }
		double share = tot ? (double)cnt / (double)tot : 0.0;
		char label[16];
		period_label(p, by, label);
		if (json) {
			buf_printf(&o, "%s{\"period\":\"%s\",\"count\":%llu,\"total\":%llu,\"share\":%.4f}",
				   firstrow ? "" : ",", label, (unsigned long long)cnt,
				   (unsigned long long)tot, share);
		} else if (csv) {
			buf_printf(&o, "%s,%llu,%llu,%.4f\n", label, (unsigned long long)cnt,
				   (unsigned long long)tot, share);
		} else {
			buf_printf(&o, "%-12s %6llu  %6llu  %5.1f%%  ", label, (unsigned long long)cnt,
				   (unsigned long long)tot, share * 100);
			int bar = maxc ? (int)((cnt * 40 + maxc - 1) / maxc) : 0;
			for (int b = 0; b < bar; b++)
				buf_puts(&o, "\xe2\x96\x88"); /* full block */
			buf_putc(&o, '\n');
		}
		firstrow = false;
	}
	if (json)
		buf_puts(&o, "]}\n");
	fwrite(o.p, 1, o.n, stdout);
	buf_release(&o);
	free(v.pers);
	free(all.pers);
	searcher_free(se);
	archive_close(a);
	buf_release(&q);
	return 0;
}
