/*
 * jsonw.h — write JSON text into a buf (output only; input uses jansson).
 * Strings are escaped per RFC 8259; the text must be valid UTF-8 (the
 * archive stores only repaired text).
 */
#ifndef NL_JSONW_H
#define NL_JSONW_H

#include "util/buf.h"

/* Append s as a quoted, escaped JSON string. */
void jsonw_str(struct buf *b, const char *s, size_t n);
static inline void jsonw_nstr(struct buf *b, struct nl_str s) { jsonw_str(b, s.p, s.n); }
/* Append "key": (with the comma handled by the caller). */
void jsonw_key(struct buf *b, const char *key);
/* Append a day as "YYYY-MM-DD" or null. */
void jsonw_day(struct buf *b, int32_t day);

#endif
