/*
 * sentence.h — split a paragraph into sentences.
 *
 * Rule based and careful with the cases news text is full of: abbreviations
 * ("U.S.", "Mr.", "Gen.", "Jan.", "a.m."), initials ("John F. Kennedy"),
 * numbers ("3.5 percent", "No. 2"), ellipses, and closing quotes and brackets
 * after the final stop ("...he said." Then). Offsets are bytes into the text;
 * spans exclude leading and trailing white space.
 *
 * Also understood: pre-tokenised text such as Timeline17's (" . " ends a
 * sentence whatever follows; " . '' " and " . -RRB- " keep their closer), a
 * blank line (always a break) and a Reuters-style indented new line after a
 * stop. A single newline is not a break (wrapped lines). A sentence needs
 * its next word to start with an uppercase or uncased letter, a digit or an
 * opening quote, so lowercased text only splits at spaced stops and blank
 * lines. sentence.c's design comment lists the rules.
 */
#ifndef NL_SENTENCE_H
#define NL_SENTENCE_H

#include "util/common.h"

struct span {
	uint32_t start, end;
};

/* Split text into sentences, appending spans to *out (an array of *n spans
 * with capacity *cap, grown with xgrow; start with NULL, 0, 0 and free() it).
 * Returns the number of spans appended (0 for empty or all-white text, and
 * for len > UINT32_MAX, which 32-bit offsets cannot describe). Spans are
 * non-empty, in order and do not overlap; text between them is white space.
 * Any bytes are accepted: invalid UTF-8 is never read past len. */
size_t sentence_split(const char *text, size_t len, struct span **out, size_t *n, size_t *cap);

#endif
