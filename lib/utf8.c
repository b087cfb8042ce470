/*
 * utf8.c: small text helpers shared by the tools.
 */
#include <string.h>

#include "cx.h"

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

/*
 * How to name an option getopt complained of: a long one as given
 * ("--bogus"), a short one alone ("-x" of "-qx"); buf holds the latter.
 */
const char *
cx_optname(const char *arg, int opt, char buf[3])
{
	if (strncmp(arg, "--", 2) == 0)
		return arg;
	buf[0] = '-';
	buf[1] = (char)opt;
	buf[2] = '\0';
	return buf;
}

const char *
cx_optfmt(int ch)
{
	return ch == ':' ? "option %s needs a value" : "unknown option %s";
}
