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

static int
local_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '%' ||
	    c == '+' || c == '-';
}

/*
 * The end of a phone number starting at s[i], or i if there is none:
 * 7 to 13 digits in one run (a mobile number, with its country code),
 * or groups of 3 digits or more apart by one kind of separator, a space
 * or a dash, 10 digits in all (138-0013-8000, +86 138 0013 8000), so
 * that dates, times, amounts and long order numbers are left alone.
 */
static size_t
phone_end(const char *s, size_t n, size_t i)
{
	size_t j = i, digits = 0, group = 0, groups = 0, best = i;
	int plus = 0, sep = 0, ok = 1;

	if (j < n && s[j] == '+') {
		plus = 1;
		j++;
	}
	for (; j <= n; j++) {
		if (j < n && s[j] >= '0' && s[j] <= '9') {
			digits++;
			group++;
			continue;
		}
		/* A group ends here: is what came so far a number?  The
		 * longest that is wins, whatever follows it. */
		if (group < 3 && !(plus && groups == 0))
			ok = 0;
		if (ok && digits >= 7 && digits <= 13 && (groups == 0 ||
		    (digits >= 10 && group >= 3)))
			best = j;
		if (j == n || (s[j] != ' ' && s[j] != '-') || (sep != 0 &&
		    s[j] != sep) || j + 1 >= n || s[j + 1] < '0' ||
		    s[j + 1] > '9' || !ok)
			break;
		sep = s[j];
		groups++;
		group = 0;
	}
	return best;
}

static int
alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/*
 * Free text with the personal data in it masked: the customer's name
 * wherever it is written, phone numbers (seven digits or more) and
 * email addresses.
 */
void
cx_mask_text(const char *s, size_t n, const char *name, struct cx_buf *out)
{
	size_t i = 0, j, k, nn = name != NULL ? strlen(name) : 0;

	while (i < n) {
		/* An address first, from the start of its local part, so
		 * that nothing of it is written before it is known. */
		if (local_char((unsigned char)s[i]) && (i == 0 ||
		    !local_char((unsigned char)s[i - 1]))) {
			for (k = i; k < n && local_char((unsigned char)s[k]);
			    k++)
				;
			if (k < n && s[k] == '@') {
				for (j = k + 1; j < n && local_char((unsigned
				    char)s[j]) && s[j] != '_' && s[j] != '%' &&
				    s[j] != '+'; j++)
					;
				while (j > k + 1 && s[j - 1] == '.')
					j--;	/* a full stop after it */
				if (j > k + 1 && memchr(s + k, '.', j - k) !=
				    NULL) {
					cx_mask_email(s + i, j - i, out);
					i = j;
					continue;
				}
			}
		}
		if (nn > 0 && n - i >= nn && memcmp(s + i, name, nn) == 0) {
			cx_mask_name(name, nn, out);
			i += nn;
			continue;
		}
		if (((s[i] >= '0' && s[i] <= '9') || s[i] == '+') &&
		    (i == 0 || !alnum((unsigned char)s[i - 1])) &&
		    (j = phone_end(s, n, i)) > i) {
			cx_mask_phone(s + i, j - i, out);
			i = j;
			continue;
		}
		cx_buf_addc(out, s[i]);
		i++;
	}
}
