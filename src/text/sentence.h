/*
 * sentence.h — split a paragraph into sentences.
 *
 * Rule based and careful with the cases news text is full of: abbreviations
 * ("U.S.", "Mr.", "Gen.", "Jan.", "a.m."), initials ("John F. Kennedy"),
 * numbers ("3.5 percent", "No. 2"), ellipses, and closing quotes and brackets
 * after the final stop ("...he said." Then). Offsets are bytes into the text;
 * spans exclude leading and trailing white space.
 */
#ifndef NL_SENTENCE_H
#define NL_SENTENCE_H

#include "util/common.h"

struct span {
	uint32_t start, end;
};

/* Split text into sentences, appending spans to *out (grown with xgrow,
 * capacity *cap). Returns the number of spans appended. */
size_t sentence_split(const char *text, size_t len, struct span **out, size_t *n, size_t *cap);

#endif
