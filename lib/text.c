/*
 * text.c: small text helpers: comparing without case, trimming, words,
 * whole numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

/* ASCII letters compare without case; everything else byte for byte. */
int
cx_streqi(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i;
	int ca, cb;

	if (an != bn)
		return 0;
	for (i = 0; i < an; i++) {
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
	}
	return 1;
}

/* Width of a space at p: ASCII blanks, U+3000 and a stray U+FEFF. */
static size_t
space_at(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;

	if (n >= 1 && (u[0] == ' ' || u[0] == '\t' || u[0] == '\r' ||
	    u[0] == '\n'))
		return 1;
	if (n >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return 3;
	return 0;
}

static size_t
space_before(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p + n;

	if (n >= 1 && (u[-1] == ' ' || u[-1] == '\t' || u[-1] == '\r' ||
	    u[-1] == '\n'))
		return 1;
	if (n >= 3 && u[-3] == 0xe3 && u[-2] == 0x80 && u[-1] == 0x80)
		return 3;
	return 0;
}

void
cx_trim(const char **s, size_t *n)
{
	size_t k;

	while (*n > 0 && (k = space_at(*s, *n)) > 0) {
		*s += k;
		*n -= k;
	}
	while (*n > 0 && (k = space_before(*s, *n)) > 0)
		*n -= k;
}

int
cx_word(const char **l, const char *end, const char **w, size_t *n)
{
	const char *p = *l;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	*w = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	*n = (size_t)(p - *w);
	*l = p;
	return *n > 0;
}

/* One to 18 decimal digits and nothing else, as a number; -1 if not. */
int
cx_digits(const char *s, size_t n, unsigned long *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return 0;
}

/* A whole decimal number from lo to hi, nothing else; -1 if not. */
int
cx_number(const char *s, size_t lo, size_t hi, size_t *v)
{
	size_t n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > hi)
			return -1;
		n = n * 10 + (size_t)(*s - '0');
	}
	if (n < lo || n > hi)
		return -1;
	*v = n;
	return 0;
}

int
cx_tokeq(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

/* Whether a list "a\0b\0\0" holds the word w. */
int
cx_listed(const char *l, const char *w, size_t n)
{
	for (; *l != '\0'; l += strlen(l) + 1)
		if (cx_tokeq(w, n, l))
			return 1;
	return 0;
}

/* The next line of a buffer, without its newline; 0 at the buffer's end. */
int
cx_line(const char **p, const char *end, const char **l, size_t *n)
{
	const char *nl;

	if (*p >= end)
		return 0;
	if ((nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL)
		nl = end;
	*l = *p;
	*n = (size_t)(nl - *p);
	*p = nl < end ? nl + 1 : end;
	return 1;
}

/* "a, b，c、d" as trimmed strings; -1 if there are none. */
int
cx_split(const char *s, size_t n, char ***out, int *nout)
{
	const char *p = s, *end = s + n, *q;
	size_t len, step;

	*out = NULL;
	*nout = 0;
	while (p < end) {
		for (q = p; q < end && *q != ','; q++)
			if (end - q >= 3 && (memcmp(q, "，", 3) == 0 ||
			    memcmp(q, "、", 3) == 0))
				break;
		step = q < end ? (*q == ',' ? 1 : 3) : 0;
		len = (size_t)(q - p);
		cx_trim(&p, &len);
		if (len > 0) {
			*out = cx_grow(*out, (size_t)*nout, sizeof(**out));
			(*out)[(*nout)++] = cx_strndup(p, len);
		}
		p = q + step;
		if (step == 0)
			break;
	}
	return *nout > 0 ? 0 : -1;
}

void
cx_split_free(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
