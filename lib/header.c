/*
 * header.c: the headers of an export, compared as a person would.
 *
 * Real exports name the same column in many ways: "Date received" and
 * "date_received", "金额(元)" and "金额", "Ｏｒｄｅｒ ＩＤ" and "Order ID",
 * "期望解决方案" where the map knows "期望解决方式".  A header is first
 * normalised: letters of full width made ASCII, ASCII letters made small,
 * what is in brackets (a unit, a note) dropped, blanks and punctuation
 * dropped.  Two headers the same after that are the same header; one a
 * character away from another, or holding another whole, is close to it,
 * and a column map's reader says so (colmap.c).
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

/* The code point at *p (advanced), or U+FFFD for a byte that starts none. */
static uint32_t
next_cp(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	size_t k = cx_utf8_seq(s, end);
	uint32_t c;

	if (*s < 0x80) {
		*p = s + 1;
		return *s;
	}
	if (k == 0) {
		*p = s + 1;
		return 0xfffd;
	}
	*p = s + k;
	c = k == 2 ? s[0] & 0x1f : k == 3 ? s[0] & 0x0f : s[0] & 0x07;
	while (--k > 0)
		c = c << 6 | (*++s & 0x3f);
	return c;
}


/* Full-width forms as ASCII, the ideographic space as a space. */
static uint32_t
narrow(uint32_t c)
{
	if (c >= 0xff01 && c <= 0xff5e)
		return c - 0xff01 + 0x21;
	return c == 0x3000 ? ' ' : c;
}

static int
opening(uint32_t c)
{
	return c == '(' || c == '[' || c == '{' || c == 0x3010 ||
	    c == 0x3014 || c == 0x3016 || c == 0x300a || c == 0x3008;
}

static int
closing(uint32_t c)
{
	return c == ')' || c == ']' || c == '}' || c == 0x3011 ||
	    c == 0x3015 || c == 0x3017 || c == 0x300b || c == 0x3009;
}

/* Blanks and punctuation, ASCII and CJK: nothing a header is told by. */
static int
ignored(uint32_t c)
{
	if (c < 0x80)
		return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'));
	return (c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || c == 0x00b7 || c == 0xfeff ||
	    c == 0x00a0;
}

static void
norm(const char *s, size_t n, struct cx_buf *out, int brackets)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	uint32_t c;
	int depth = 0;

	while (p < end) {
		c = narrow(next_cp(&p, end));
		if (brackets && opening(c)) {
			depth++;
			continue;
		}
		if (brackets && closing(c) && depth > 0) {
			depth--;
			continue;
		}
		if (depth > 0 || ignored(c))
			continue;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		cx_utf8_put(out, c);
	}
}

/*
 * A header as it is compared, appended to out.  What is in brackets goes,
 * unless nothing else is left ("(备注)").
 */
void
cx_header_norm(const char *s, size_t n, struct cx_buf *out)
{
	size_t at = out->len;

	norm(s, n, out, 1);
	if (out->len == at)
		norm(s, n, out, 0);
	(void)cx_buf_str(out);
}

/* Code points of a normalised header; *ascii whether all are ASCII. */
static size_t
decode(const char *s, uint32_t **cp, int *ascii)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	size_t n = 0;

	*cp = cx_alloc((size_t)(end - p + 1) * sizeof(**cp));
	*ascii = 1;
	while (p < end) {
		(*cp)[n] = next_cp(&p, end);
		*ascii &= (*cp)[n++] < 0x80;
	}
	return n;
}

/*
 * Whether two normalised headers are a character apart (one changed,
 * added or dropped): only for headers long enough that one character is
 * a variant, not another word: four characters where either is not
 * ASCII ("期望解决方案", "期望解决方式"), eight where both are
 * ("Complaint narative"), since "rate" and "date" are different words.
 */
int
cx_header_close(const char *a, const char *b)
{
	uint32_t *x, *y;
	size_t n, m, i, j, k;
	int xa, ya, close = 0;

	n = decode(a, &x, &xa);
	m = decode(b, &y, &ya);
	if ((n > m ? n - m : m - n) > 1 || n < (xa && ya ? 8u : 4u) ||
	    m < (xa && ya ? 8u : 4u))
		goto out;
	for (i = 0; i < n && i < m && x[i] == y[i]; i++)
		;
	for (j = n, k = m; j > i && k > i && x[j - 1] == y[k - 1]; j--, k--)
		;
	/* What is left between the common head and tail: one at most. */
	close = (j - i) <= 1 && (k - i) <= 1 && !(j == i && k == i);
out:
	free(x);
	free(y);
	return close;
}

/*
 * Whether the normalised header h holds the normalised alias a whole, a
 * alone being a header worth that: two characters where it is not ASCII
 * ("收货人手机号" holds "手机号", "退款金额" holds "金额"), five where it
 * is.
 */
int
cx_header_holds(const char *h, const char *a)
{
	uint32_t *x;
	size_t n;
	int ascii;

	if (strstr(h, a) == NULL || strcmp(h, a) == 0)
		return 0;
	n = decode(a, &x, &ascii);
	free(x);
	return n >= (ascii ? 5u : 2u);
}

int
cx_header_field(const char *h, size_t n, const char *const *names,
    int nfield, int width)
{
	struct cx_buf a = { 0 }, b = { 0 };
	const char *name;
	int i, k, f = -1;

	cx_header_norm(h, n, &a);
	for (i = 0; i < nfield && f == -1 && a.len > 0; i++)
		for (k = 0; k < width && (name = names[i * width + k]) !=
		    NULL; k++) {
			b.len = 0;
			cx_header_norm(name, strlen(name), &b);
			if (strcmp(cx_buf_str(&a), cx_buf_str(&b)) == 0) {
				f = i;
				break;
			}
		}
	cx_buf_free(&a);
	cx_buf_free(&b);
	return f;
}
