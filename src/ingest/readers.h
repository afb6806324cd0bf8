/* readers.h — the format readers behind ingest_path(); internal to src/ingest. */
#ifndef NL_READERS_H
#define NL_READERS_H

#include "ingest/ingest.h"

/* One text-record or Timeline17 file (t17: day from the folder, lines are sentences). */
int read_text(struct ingest *ig, const char *path, bool t17, int32_t t17day);
/* A JSONL file, plain or compressed. */
int read_jsonl(struct ingest *ig, const char *path);
/* True if the bytes look like binary data rather than text (NULs, many control
 * bytes or invalid UTF-8 in the first 64 KiB). */
bool text_looks_binary(const char *p, size_t n);

#endif
