/*
 * utf8.c: UTF-8 validation and repair.
 *
 * Every string a tool reads or writes is checked here or in the record
 * parser (json.c), with the same inline sequence test (priv.h).  Runs of
 * ASCII are passed eight bytes at a time and runs of CJK characters three
 * bytes at a time: that is nearly all of the text of real complaints.
 */
#include <string.h>

#include "priv.h"

int
cx_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t k;
	uint64_t w;

	while (p < end) {
		while (end - p >= 8) {
			memcpy(&w, p, 8);
			if (w & 0x8080808080808080ULL)
				break;
			p += 8;
		}
		p = cx_utf8_skip_cjk(p, end);
		if (p >= end)
			break;
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((k = cx_utf8_seq(p, end)) == 0)
			return 0;
		p += k;
	}
	return 1;
}

size_t
cx_utf8_prefix(const char *s, size_t n)
{
	size_t i = n, back = 0;

	/* Step back over an incomplete final sequence, if any. */
	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
		i--;
		back++;
	}
	if (i > 0 && (unsigned char)s[i - 1] >= 0xc0) {
		if (cx_utf8_seq((const unsigned char *)s + i - 1,
		    (const unsigned char *)s + n) == 0)
			return i - 1;
	}
	return n;
}

/* Text with every byte that is not part of valid UTF-8 as U+FFFD. */
void
cx_utf8_scrub(const char *s, size_t n, struct cx_buf *out)
{
	size_t i = 0, k;

	while (i < n) {
		for (k = 1; k <= 4 && i + k <= n; k++)
			if (cx_utf8_valid(s + i, k))
				break;
		if (k <= 4 && i + k <= n && ((unsigned char)s[i] < 0x80 ||
		    k > 1)) {
			cx_buf_add(out, s + i, k);
			i += k;
		} else {
			cx_buf_adds(out, "\xef\xbf\xbd");
			i++;
		}
	}
}

/* A code point and its length in bytes; a bad byte is U+FFFD, 1 long. */
uint32_t
cx_utf8_decode(const unsigned char *p, const unsigned char *end, size_t *len)
{
	uint32_t c;
	size_t i, n;

	*len = 1;
	if (p[0] < 0x80)
		return p[0];
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0xfffd;
	if ((size_t)(end - p) < n)
		return 0xfffd;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0xfffd;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0xfffd;
	*len = n;
	return c;
}

/* A code point (a valid one: no surrogate, at most 0x10ffff) as UTF-8. */
void
cx_utf8_put(struct cx_buf *b, unsigned long c)
{
	char u[4];

	if (c < 0x80) {
		cx_buf_addc(b, (int)c);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		cx_buf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		cx_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		cx_buf_add(b, u, 4);
	}
}
