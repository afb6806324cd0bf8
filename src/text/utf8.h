/*
 * utf8.h — UTF-8 validation and repair.
 *
 * Input text is never trusted: utf8_repair() copies text into out replacing
 * every invalid sequence (bad lead byte, truncated sequence, overlong form,
 * surrogate, code point > U+10FFFF) and every NUL and C0 control other than
 * tab and newline with U+FFFD (controls: with a space), and returns how many
 * replacements it made.
 */
#ifndef NL_UTF8_H
#define NL_UTF8_H

#include "util/buf.h"

bool utf8_valid(const char *s, size_t n);
/* Append the repaired text to out; returns the number of bad sequences replaced
 * (controls replaced by spaces are not counted), or NL_ETOOBIG if out's cap is hit. */
long utf8_repair(const char *s, size_t n, struct buf *out);

#endif
