/*
 * rebuild.c: the registry as the tickets keep it.
 *
 * Every key cx-ingest registers for a ticket is kept in the ticket too,
 * so that a lost keys log can be made again from the spool: the source
 * key of the row that made the ticket (source.key), of each follow-up
 * (followups[].source.key) and of each message that joined its
 * conversation (conversation[].source.key); the keys of the messages and
 * conversations it can be found by (source.thread of each); and its
 * customer and order, from its fields, as registration reads them.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

static void
keys_json(struct cx_buf *b, const struct cx_key *k, size_t n)
{
	char hex[33];
	size_t i;

	cx_buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			cx_buf_addc(b, ',');
		cx_key_hex(k[i], hex);
		cx_buf_addc(b, '"');
		cx_buf_add(b, hex, 32);
		cx_buf_addc(b, '"');
	}
	cx_buf_addc(b, ']');
}

void
cx_thread_set(struct cx_rec *r, const struct cx_key *k, size_t n)
{
	const struct cx_field *f = cx_rec_get(r, "source");
	struct cx_buf a = { 0 }, s = { 0 };

	if (n == 0 || f == NULL || cx_json_type(f->v, f->vlen) != CX_J_OBJ)
		return;
	keys_json(&a, k, n);
	if (cx_json_setmember(f->v, f->vlen, "thread", a.p, a.len, &s) == 0)
		cx_rec_set_raw(r, "source", s.p, s.len);
	cx_buf_free(&a);
	cx_buf_free(&s);
}

void
cx_thread_body(const char *body, size_t n, const struct cx_key *k,
    size_t nk, struct cx_buf *out)
{
	struct cx_buf o = { 0 };
	struct cx_rec r = { 0 };

	out->len = 0;
	cx_buf_addc(&o, '{');
	cx_buf_add(&o, body, n);
	cx_buf_addc(&o, '}');
	if (nk > 0 && cx_rec_parse(&r, o.p, o.len, NULL, NULL) == 0) {
		cx_thread_set(&r, k, nk);
		cx_rec_write(&r, out);
		/* The members only: no braces, no newline. */
		memmove(out->p, out->p + 1, out->len - 3);
		out->len -= 3;
	} else
		cx_buf_add(out, body, n);
	(void)cx_buf_str(out);
	cx_rec_free(&r);
	cx_buf_free(&o);
}

void
cx_thread_elem(const char *elem, struct cx_key key, const struct cx_key *k,
    size_t n, struct cx_buf *out)
{
	size_t len = strlen(elem);
	char hex[33];

	out->len = 0;
	while (len > 0 && elem[len - 1] != '}')
		len--;
	if (len == 0) {
		cx_buf_adds(out, elem);
		(void)cx_buf_str(out);
		return;
	}
	cx_buf_add(out, elem, len - 1);
	cx_key_hex(key, hex);
	cx_buf_adds(out, ",\"source\":{\"key\":\"");
	cx_buf_add(out, hex, 32);
	cx_buf_addc(out, '"');
	if (n > 0) {
		cx_buf_adds(out, ",\"thread\":");
		keys_json(out, k, n);
	}
	cx_buf_adds(out, "}}");
	(void)cx_buf_str(out);
}
