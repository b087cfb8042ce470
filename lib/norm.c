/*
 * norm.c: phone numbers, email addresses and amounts as registration
 * stores them, so that the same customer written three ways is one
 * customer, and an amount is a decimal that no tool rounds.
 */
#include <string.h>

#include "priv.h"

/*
 * Chinese mobile numbers (11 digits from 13x to 19x) get +86, as do numbers
 * written with 0086 or 86 in front; other numbers keep their digits and a
 * leading + if they had one.  Separators people type are dropped.
 */
int
cx_norm_phone(const char *s, size_t n, struct cx_buf *out)
{
	char d[32];
	size_t i, k = 0, start;
	int plus = 0;

	cx_trim(&s, &n);
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (k == sizeof(d))
				return -1;
			d[k++] = s[i];
		} else if (s[i] == '+' && k == 0 && !plus)
			plus = 1;
		else if (!strchr(" -().\t/", s[i]))
			return -1;
	}
	if (k < 5 || k > 15)
		return -1;
	start = 0;
	if (!plus && k == 15 && memcmp(d, "0086", 4) == 0) {
		start = 4;
		plus = 1;
	}
	if (!plus && k == 13 && memcmp(d, "86", 2) == 0 && d[2] == '1') {
		start = 2;
		plus = 1;
		cx_buf_adds(out, "+86");
		cx_buf_add(out, d + 2, 11);
		return 0;
	}
	if (!plus && k == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9') {
		cx_buf_adds(out, "+86");
		cx_buf_add(out, d, 11);
		return 0;
	}
	if (start == 4) {
		cx_buf_adds(out, "+86");
		cx_buf_add(out, d + 4, k - 4);
		return 0;
	}
	if (plus)
		cx_buf_addc(out, '+');
	cx_buf_add(out, d, k);
	return 0;
}

int
cx_norm_email(const char *s, size_t n, struct cx_buf *out)
{
	const char *lt, *gt, *at, *dot;
	size_t i;

	cx_trim(&s, &n);
	/* "Name <addr>" as mail clients write it. */
	if ((lt = memchr(s, '<', n)) != NULL &&
	    (gt = memchr(lt, '>', n - (size_t)(lt - s))) != NULL) {
		s = lt + 1;
		n = (size_t)(gt - s);
	}
	if ((at = memchr(s, '@', n)) == NULL || at == s ||
	    memchr(at + 1, '@', n - (size_t)(at - s) - 1) != NULL)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || strchr("<>(),;:\"[]\\", s[i]))
			return -1;
	dot = memchr(at + 1, '.', n - (size_t)(at - s) - 1);
	if (dot == NULL || dot == at + 1 || s[n - 1] == '.')
		return -1;
	cx_buf_add(out, s, (size_t)(at - s) + 1);
	for (i = (size_t)(at - s) + 1; i < n; i++)
		cx_buf_addc(out, s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	return 0;
}

static const struct {
	const char	*mark;
	const char	*cur;
} marks[] = {
	{ "US$", "USD" }, { "HK$", "HKD" }, { "NT$", "TWD" },
	{ "人民币", "CNY" }, { "RMB", "CNY" }, { "CNY", "CNY" },
	{ "USD", "USD" }, { "EUR", "EUR" }, { "HKD", "HKD" },
	{ "¥", "CNY" }, { "￥", "CNY" }, { "元", "CNY" }, { "块", "CNY" },
	{ "$", "USD" }, { "€", "EUR" }, { "£", "GBP" },
};

/* Strip one currency mark at the front or back; returns its currency. */
static int
digit(int c)
{
	return c >= '0' && c <= '9';
}

static const char *
strip_mark(const char **s, size_t *n)
{
	size_t i, ml;

	/* Most amounts are bare numbers: no mark to look for. */
	if (*n == 0 || ((digit((*s)[0]) || (*s)[0] == '-') &&
	    digit((*s)[*n - 1])))
		return NULL;
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		ml = strlen(marks[i].mark);
		if (*n >= ml && cx_streqi(*s, ml, marks[i].mark, ml)) {
			*s += ml;
			*n -= ml;
			cx_trim(s, n);
			return marks[i].cur;
		}
		if (*n >= ml && cx_streqi(*s + *n - ml, ml, marks[i].mark, ml)) {
			*n -= ml;
			cx_trim(s, n);
			return marks[i].cur;
		}
	}
	return NULL;
}

/*
 * A comma is a thousands separator only: groups of exactly three digits
 * after it ("1,299.00").  "12,50" could be 12.50 as Europe writes it, so
 * it is refused rather than read as 1250.
 */
int
cx_norm_amount(const char *s, size_t n, struct cx_buf *out,
    const char **currency)
{
	const char *c;
	size_t i, start = out->len;
	int digits = 0, dot = 0, frac = 0, group = -1;

	*currency = NULL;
	cx_trim(&s, &n);
	while ((c = strip_mark(&s, &n)) != NULL)
		if (*currency == NULL)
			*currency = c;
	if (n > 0 && *s == '-') {
		cx_buf_addc(out, '-');
		s++;
		n--;
	}
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			/* No leading zeros in a JSON number: "007" is 7. */
			if (digits == 1 && !dot && out->p[out->len - 1] == '0')
				out->len--;
			else
				digits++;
			cx_buf_addc(out, s[i]);
			frac += dot;
			if (group >= 0 && !dot)
				group++;
		} else if (s[i] == ',' && digits > 0 && !dot &&
		    (group == -1 ? digits <= 3 : group == 3))
			group = 0;
		else if (s[i] == '.' && digits > 0 && !dot &&
		    (group == -1 || group == 3)) {
			dot = 1;
			cx_buf_addc(out, '.');
		} else
			goto bad;
	}
	if (digits == 0 || (dot && frac == 0) || (!dot && group != -1 &&
	    group != 3))
		goto bad;
	return 0;
bad:
	out->len = start;
	return -1;
}
