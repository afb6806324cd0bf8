/* jsonw.c — JSON output helpers; see jsonw.h. */
#include "util/jsonw.h"

#include <string.h>

#include "util/day.h"

void jsonw_str(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	buf_putc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': buf_put(b, "\\\"", 2); break;
		case '\\': buf_put(b, "\\\\", 2); break;
		case '\n': buf_put(b, "\\n", 2); break;
		case '\t': buf_put(b, "\\t", 2); break;
		case '\r': buf_put(b, "\\r", 2); break;
		default: {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			buf_put(b, e, 6);
		}
		}
	}
	buf_put(b, s + run, n - run);
	buf_putc(b, '"');
}

void jsonw_key(struct buf *b, const char *key)
{
	jsonw_str(b, key, strlen(key));
	buf_putc(b, ':');
}

void jsonw_day(struct buf *b, int32_t day)
{
	if (day == NL_NODAY) {
		buf_puts(b, "null");
		return;
	}
	char s[11];
	day_format(day, s);
	buf_putc(b, '"');
	buf_put(b, s, 10);
	buf_putc(b, '"');
}
