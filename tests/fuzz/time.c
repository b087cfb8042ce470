/*
 * time.c: times as exports write them (cx_time_parse, lib/time.c).  The
 * first byte of the input picks the team's zone, the rest is the text.
 *
 * A time read is written as RFC 3339 (cx_time_fmt) and read back to the
 * same instant, wherever the year allows; the same text with blanks
 * around it reads the same (the tools' own form has a path of its own
 * that blanks send the other way); a second reading gives the same
 * instant (nothing depends on what was read before); a message quotes
 * UTF-8 input as UTF-8.
 */
#include "fuzz.h"

static const char *const zones[] = {
	"UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York",
	"Australia/Lord_Howe", "Africa/Monrovia", "Pacific/Chatham",
	"America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati",
};
#define NZONES	(sizeof(zones) / sizeof(zones[0]))

static int
parse(const char *s, size_t n, time_t *t, struct cx_err *e)
{
	e->msg[0] = '\0';
	return cx_time_parse(s, n, t, e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *zone, *s = (const char *)d + 1;
	struct cx_buf b = { 0 }, pad = { 0 };
	struct cx_err e;
	time_t t, t2;
	int r;

	if (n < 1 || n > 4096)
		return 0;
	zone = zones[d[0] % NZONES];
	n--;
	if (cx_tz_set(zone, &e) == -1)
		fuzz_fail("zone %s: %s", zone, e.msg);
	r = parse(s, n, &t, &e);
	if (r == -1 && (e.msg[0] == '\0' || strlen(e.msg) >= sizeof(e.msg)))
		fuzz_fail("no message for a time refused");
	if (r == -1 && cx_utf8_valid(s, n) &&
	    !cx_utf8_valid(e.msg, strlen(e.msg)))
		fuzz_fail("the message is no UTF-8: %s", e.msg);
	/* Blanks around it change nothing. */
	cx_buf_addc(&pad, ' ');
	cx_buf_add(&pad, s, n);
	cx_buf_adds(&pad, "\t ");
	if ((parse(pad.p, pad.len, &t2, &e) == 0) != (r == 0) ||
	    (r == 0 && t2 != t))
		fuzz_fail("in %s, \"%.*s\" reads %s, with blanks around %s",
		    zone, (int)n, s, r == 0 ? "as a time" : "as none",
		    r == 0 ? "another" : "as a time");
	if (r == -1)
		goto out;
	if (parse(s, n, &t2, &e) == -1 || t2 != t)
		fuzz_fail("in %s, \"%.*s\" reads otherwise the second time",
		    zone, (int)n, s);
	cx_time_fmt(t, &b);
	/* What RFC 3339 cannot say is written as the number. */
	if (b.len != 25 && (b.len == 0 || b.p[0] == '-' ||
	    strspn(cx_buf_str(&b), "0123456789") != b.len))
		fuzz_fail("in %s, %lld is written %s", zone, (long long)t,
		    cx_buf_str(&b));
	/* What the tools wrote, they read back, for years 1970 to 9999. */
	if (b.len == 25 && memcmp(b.p, "1969", 4) != 0 &&
	    (parse(b.p, b.len, &t2, &e) == -1 || t2 != t))
		fuzz_fail("in %s, \"%.*s\" is %lld, written %s, read back %s",
		    zone, (int)n, s, (long long)t, cx_buf_str(&b),
		    e.msg[0] != '\0' ? e.msg : "as another instant");
out:
	cx_buf_free(&b);
	cx_buf_free(&pad);
	return 0;
}
