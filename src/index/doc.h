/*
 * doc.h — a stored article: the record codec.
 *
 * RECORD LAYOUT (inside a docstore block; integers are LEB128 varints)
 *   u8      record version (1)
 *   title   varint length, bytes (UTF-8, as given, repaired)
 *   url     varint length, bytes
 *   source  varint length, bytes (lower-cased host or outlet name)
 *   id      varint length, bytes (the input's own id, may be empty)
 *   varint  number of paragraphs; per paragraph: varint length, bytes
 *           (verbatim text, ends trimmed)
 *   varint  number of sentences; per sentence: varint paragraph index,
 *           varint start byte in the paragraph, varint length
 *   varint  number of date mentions; per mention: varint sentence index,
 *           varint start byte in the sentence, varint length, u8 type
 *           (DATE=0 TIME=1 DURATION=2 SET=3), varint value length, value
 *           bytes (TimeML value), varint zigzag(day) + 1 or 0 when the value
 *           is not a single day
 * The day, content key and token counts live in the segment's DOCTAB.
 */
#ifndef NL_DOC_H
#define NL_DOC_H

#include "util/buf.h"

#define DOC_RECORD_VERSION 1

struct doc_sent {
	uint32_t para, start, len;
};

struct doc_mention {
	uint32_t sent, start, len;
	uint8_t type;
	struct nl_str value;
	int32_t day; /* NL_NODAY unless the value is one calendar day */
};

/* A decoded record; strings point into the record bytes, arrays are owned
 * (doc_release frees them). */
struct doc {
	uint32_t id;       /* archive-wide, 0-based */
	int32_t day;
	uint64_t key;
	struct nl_str title, url, source, extid;
	uint32_t npara;
	struct nl_str *para;
	uint32_t nsent;
	struct doc_sent *sent;
	uint32_t nment;
	struct doc_mention *ment;
	size_t paracap, sentcap, mentcap;
};

/* Encode a record into out (appended; out has no cap: buf_init(out, 0)). */
void doc_encode(struct buf *out, const struct doc *d);
/* Decode rec into d (reusing d's arrays). NL_ECORRUPT if malformed. */
int doc_decode(struct doc *d, struct nl_str rec);
void doc_release(struct doc *d);

#endif
