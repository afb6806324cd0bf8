/*
 * t17.h — reader for datasets in the Timeline17 layout (Tran et al. 2013),
 * the standard timeline summarisation benchmark:
 *
 *   <dir>/<topic>/keywords.json                JSON array of strings
 *   <dir>/<topic>/timelines/<name>.txt         reference timelines
 *   <dir>/<topic>/InputDocs/<YYYY-MM-DD>/<n>.txt articles of that day
 *
 * A timeline file is a sequence of blocks:
 *
 *   2011-02-11                         date line, YYYY-MM-DD
 *   Mubarak resigns .                  one sentence per line
 *   --------------------------------   a line of dashes ends the block
 *
 * The reader is lenient where the data is (CRLF, blank lines, spaces around
 * lines, a last block without dashes) and loud where it is broken: a block
 * whose date line is malformed (MJ_bbc has "2011-04-0") or missing, or that
 * has no sentences, is skipped with a warning naming the file and line. A
 * day given by two blocks keeps the later block, as tilse and news-tls read
 * these files, also with a warning.
 */
#ifndef NL_T17_H
#define NL_T17_H

#include "util/common.h"
#include "timeline/tls_metric.h"

/* Largest timeline or keywords file read (bigger: NL_ETOOBIG). */
#define T17_FILE_CAP ((size_t)64 << 20)

/* Receives each warning: the file as named to the reader, a 1-based line
 * (0 = the file as a whole) and a lowercase message. */
typedef void (*t17_warn_fn)(void *arg, const char *file, size_t line, const char *msg);

struct t17_opts {
	t17_warn_fn warn; /* NULL: print "newsline: t17: <file>:<line>: <msg>" */
	void *warn_arg;
};

/* One reference timeline. tl is what the metric takes: one date per day,
 * ascending, sentences as (pointer, length) into memory the struct owns. */
struct t17_timeline {
	char *path;             /* as given to the reader */
	char *name;             /* file name without directory and ".txt" */
	struct tls_timeline tl;
	size_t nblocks;         /* well-formed blocks read, duplicates included */
	size_t nskipped;        /* blocks skipped with a warning */
	size_t nduplicates;     /* blocks replaced by a later one for the same day */
	/* storage (private) */
	char *text;
	struct tls_date *dates;
	struct nl_str *sents;
};

/* Parse a timeline held in memory (text need not be NUL terminated and is
 * copied). name is used in warnings and stored as path. Returns 0, or
 * NL_ETOOBIG when len > T17_FILE_CAP. Malformed blocks are not errors. On
 * success release with t17_timeline_release; on error nothing is held. */
int t17_timeline_parse(struct t17_timeline *tl, const char *text, size_t len, const char *name,
		       const struct t17_opts *opts);

/* Read and parse a timeline file. Errors: NL_ENOTFOUND, NL_EIO, NL_ETOOBIG. */
int t17_timeline_load(struct t17_timeline *tl, const char *path, const struct t17_opts *opts);

void t17_timeline_release(struct t17_timeline *tl);

/* The T17 task size for a reference timeline: L = number of dates, K = mean
 * sentences per date rounded half to even (Python's round(), as news-tls
 * computes it). */
void t17_timeline_task_size(const struct t17_timeline *tl, size_t *l, size_t *k);

struct t17_topic {
	char *name;                      /* folder name, e.g. "MJ_bbc" */
	char *dir;                       /* <dir>/<name> */
	struct t17_timeline *timelines;  /* timelines/<name>.txt, by name */
	size_t ntimelines;
	char **keywords;                 /* from keywords.json */
	size_t nkeywords;
};

struct t17_dataset {
	char *dir;
	struct t17_topic *topics;        /* sub-folders of dir, by name */
	size_t ntopics;
};

/* Read every topic folder of dir (folders without timelines/ and
 * InputDocs/ are ignored): its reference timelines and keywords. A missing
 * or malformed keywords.json leaves the topic without keywords, with a
 * warning. Errors: NL_ENOTFOUND if dir is not a readable directory,
 * NL_EIO / NL_ETOOBIG from reading a timeline. On error nothing is held. */
int t17_open(struct t17_dataset *ds, const char *dir, const struct t17_opts *opts);
void t17_release(struct t17_dataset *ds);

/* An input article: its publication day (from the folder name) and path. */
struct t17_article {
	int32_t day;
	char *path;
};

/* List <topic>/InputDocs/<YYYY-MM-DD>/<file>.txt sorted by day, then by file name
 * (numbers in names compare as numbers). Folders whose name is not a valid
 * date are skipped with a warning. On success *out is a new array of *n
 * articles (free with t17_articles_free). Errors: NL_ENOTFOUND when the
 * topic has no InputDocs folder. */
int t17_topic_articles(const struct t17_topic *topic, struct t17_article **out, size_t *n,
		       const struct t17_opts *opts);
void t17_articles_free(struct t17_article *a, size_t n);

#endif
