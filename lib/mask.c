/*
 * mask.c: personal data kept private where it is shown (R1.6): a name to
 * its first character, a phone number to its first three and last four
 * digits, an email address to the first character of its local part.
 */
#include <string.h>

#include "priv.h"

void
cx_mask_name(const char *s, size_t n, struct cx_buf *out)
{
	size_t k;

	if (n == 0)
		return;
	/* The first character, whole, then a star. */
	k = (unsigned char)s[0] < 0x80 ? 1 : cx_utf8_seq((const unsigned
	    char *)s, (const unsigned char *)s + n);
	if (k == 0)
		k = 1;
	cx_buf_add(out, s, k);
	cx_buf_addc(out, '*');
}

void
cx_mask_phone(const char *s, size_t n, struct cx_buf *out)
{
	size_t i, digits = 0, seen = 0;

	for (i = 0; i < n; i++)
		digits += s[i] >= '0' && s[i] <= '9';
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			cx_buf_addc(out, s[i]);
			continue;
		}
		seen++;
		/* A country code counts: +86 138 **** 8000. */
		cx_buf_addc(out, digits < 8 || seen <= digits - 8 ||
		    seen > digits - 4 ? s[i] : '*');
	}
}

void
cx_mask_email(const char *s, size_t n, struct cx_buf *out)
{
	const char *at = memchr(s, '@', n);

	if (at == NULL || at == s) {
		cx_mask_name(s, n, out);
		return;
	}
	cx_buf_addc(out, s[0]);
	cx_buf_adds(out, "***");
	cx_buf_add(out, at, (size_t)(s + n - at));
}
