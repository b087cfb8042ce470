/*
 * buf.c: growable byte buffers and the allocation wrappers.
 *
 * Running out of memory aborts (see cx.h): it is the one failure the
 * library does not hand back to the caller.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

void
cx_seterr(struct cx_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void *
cx_alloc(size_t n)
{
	void *p;

	if ((p = calloc(1, n ? n : 1)) == NULL)
		abort();
	return p;
}

void *
cx_realloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		abort();
	return p;
}

/*
 * Room for element n of an array only ever grown by this function, one
 * element at a time from 0: the room is the power of two above n, so it
 * is not stored, and it is made anew when n reaches it.
 */
void *
cx_grow(void *p, size_t n, size_t size)
{
	if (n & (n - 1))
		return p;		/* not a power of two: there is room */
	if (n > SIZE_MAX / 2 / size)
		abort();
	return cx_realloc(p, (n ? 2 * n : 1) * size);
}

/* Room for element n of an array reused with its room in *cap. */
void *
cx_reserve(void *p, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return p;
	if (*cap > SIZE_MAX / 2 / size)
		abort();
	*cap = *cap ? *cap * 2 : 16;
	if (*cap <= n)
		*cap = n + 1;
	return cx_realloc(p, *cap * size);
}

char *
cx_strndup(const char *s, size_t n)
{
	char *p;

	p = cx_alloc(n + 1);
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
cx_buf_reserve(struct cx_buf *b, size_t need)
{
	size_t cap;

	if (b->len + need + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1)
		cap *= 2;
	b->p = cx_realloc(b->p, cap);
	b->cap = cap;
}

void
cx_buf_adds(struct cx_buf *b, const char *s)
{
	cx_buf_add(b, s, strlen(s));
}

void
cx_buf_ulong(struct cx_buf *b, unsigned long v)
{
	char d[24];
	size_t n = 0;

	do
		d[sizeof(d) - ++n] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	cx_buf_add(b, d + sizeof(d) - n, n);
}

void
cx_buf_printf(struct cx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	cx_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *
cx_buf_str(struct cx_buf *b)
{
	cx_buf_grow(b, 0);
	b->p[b->len] = '\0';
	return b->p;
}

void
cx_buf_free(struct cx_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
