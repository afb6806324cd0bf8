/* doc.c — encode and decode stored article records; layout in doc.h. */
#include "index/doc.h"

#include <stdlib.h>
#include <string.h>

#include "util/day.h"

/* s at o as a varint length and its bytes; returns the end. */
static unsigned char *put_str(unsigned char *o, struct nl_str s)
{
	o += varint_put(o, s.n);
	if (s.n)
		memcpy(o, s.p, s.n);
	return o + s.n;
}

void doc_encode(struct buf *out, const struct doc *d)
{
	/* room for the whole record is made at once (a varint takes 10 bytes
	 * at most), and it is written there: no append checks its room, its
	 * cap and its closing NUL for each of the many small fields */
	size_t bound = 1 + 4 * 10 + d->title.n + d->url.n + d->source.n + d->extid.n + 3 * 10 +
		       (size_t)d->nsent * 30;
	for (uint32_t i = 0; i < d->npara; i++)
		bound += 10 + d->para[i].n;
	for (uint32_t i = 0; i < d->nment; i++)
		bound += 3 * 10 + 1 + 10 + d->ment[i].value.n + 10;
	unsigned char *o0 = (unsigned char *)buf_reserve(out, bound), *o = o0;
	*o++ = DOC_RECORD_VERSION;
	o = put_str(o, d->title);
	o = put_str(o, d->url);
	o = put_str(o, d->source);
	o = put_str(o, d->extid);
	o += varint_put(o, d->npara);
	for (uint32_t i = 0; i < d->npara; i++)
		o = put_str(o, d->para[i]);
	o += varint_put(o, d->nsent);
	for (uint32_t i = 0; i < d->nsent; i++) {
		o += varint_put(o, d->sent[i].para);
		o += varint_put(o, d->sent[i].start);
		o += varint_put(o, d->sent[i].len);
	}
	o += varint_put(o, d->nment);
	for (uint32_t i = 0; i < d->nment; i++) {
		const struct doc_mention *m = &d->ment[i];
		o += varint_put(o, m->sent);
		o += varint_put(o, m->start);
		o += varint_put(o, m->len);
		*o++ = m->type;
		o = put_str(o, m->value);
		if (m->day == NL_NODAY)
			o += varint_put(o, 0);
		else
			o += varint_put(o, (((uint64_t)(int64_t)m->day << 1) ^
					    (uint64_t)((int64_t)m->day >> 63)) + 1);
	}
	out->n += (size_t)(o - o0);
	out->p[out->n] = 0;
}

static bool get_str(const unsigned char **p, const unsigned char *e, struct nl_str *s)
{
	uint64_t n;
	if (!varint_get(p, e, &n) || n > (uint64_t)(e - *p))
		return false;
	*s = nl_str_make((const char *)*p, (size_t)n);
	*p += n;
	return true;
}

static bool get_u32(const unsigned char **p, const unsigned char *e, uint32_t *v)
{
	uint64_t x;
	if (!varint_get(p, e, &x) || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

int doc_decode(struct doc *d, struct nl_str rec)
{
	const unsigned char *p = (const unsigned char *)rec.p, *e = p + rec.n;
	if (p >= e || *p != DOC_RECORD_VERSION)
		return NL_ECORRUPT;
	p++;
	if (!get_str(&p, e, &d->title) || !get_str(&p, e, &d->url) || !get_str(&p, e, &d->source) ||
	    !get_str(&p, e, &d->extid) || !get_u32(&p, e, &d->npara) ||
	    d->npara > (uint64_t)(e - p))
		return NL_ECORRUPT;
	d->para = xgrow(d->para, &d->paracap, d->npara + 1, sizeof *d->para);
	for (uint32_t i = 0; i < d->npara; i++)
		if (!get_str(&p, e, &d->para[i]))
			return NL_ECORRUPT;
	if (!get_u32(&p, e, &d->nsent) || d->nsent > (uint64_t)(e - p))
		return NL_ECORRUPT;
	d->sent = xgrow(d->sent, &d->sentcap, d->nsent + 1, sizeof *d->sent);
	for (uint32_t i = 0; i < d->nsent; i++) {
		struct doc_sent *s = &d->sent[i];
		if (!get_u32(&p, e, &s->para) || !get_u32(&p, e, &s->start) ||
		    !get_u32(&p, e, &s->len) || s->para >= d->npara ||
		    s->start > d->para[s->para].n || s->len > d->para[s->para].n - s->start)
			return NL_ECORRUPT;
	}
	if (!get_u32(&p, e, &d->nment) || d->nment > (uint64_t)(e - p))
		return NL_ECORRUPT;
	d->ment = xgrow(d->ment, &d->mentcap, d->nment + 1, sizeof *d->ment);
	for (uint32_t i = 0; i < d->nment; i++) {
		struct doc_mention *m = &d->ment[i];
		uint64_t z;
		if (!get_u32(&p, e, &m->sent) || !get_u32(&p, e, &m->start) ||
		    !get_u32(&p, e, &m->len) || p >= e)
			return NL_ECORRUPT;
		m->type = *p++;
		if (!get_str(&p, e, &m->value) || !varint_get(&p, e, &z))
			return NL_ECORRUPT;
		if (m->sent >= d->nsent || m->start > d->sent[m->sent].len ||
		    m->len > d->sent[m->sent].len - m->start)
			return NL_ECORRUPT;
		if (z == 0) {
			m->day = NL_NODAY;
		} else {
			z -= 1;
			int64_t v = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
			if (v < -4000000 || v > 4000000)
				return NL_ECORRUPT;
			m->day = (int32_t)v;
		}
	}
	return p == e ? NL_OK : NL_ECORRUPT;
}

void doc_release(struct doc *d)
{
	free(d->para);
	free(d->sent);
	free(d->ment);
	d->para = NULL;
	d->sent = NULL;
	d->ment = NULL;
	d->paracap = d->sentcap = d->mentcap = 0;
}
