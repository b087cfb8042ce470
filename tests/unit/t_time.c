/*
 * t_time.c: zones, cx_time_parse, cx_time_fmt and cx_now.
 *
 * The tables give each input with the RFC 3339 text it must come out as:
 * the output carries the offset, so one string checks both the instant
 * and the zone arithmetic.  Every expected string is parsed back too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "priv.h"	/* white-box: the library's insides too */
#include "tap.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define SH		"Asia/Shanghai"
#define BER		"Europe/Berlin"

struct good {
	const char	*zone;
	const char	*in;
	const char	*want;
};

static const struct good goods[] = {
	/* RFC 3339 and ISO 8601 */
	{ SH, "2026-11-22T10:30:00+08:00", "2026-11-22T10:30:00+08:00" },
	{ SH, "2026-11-22T10:30:00Z", "2026-11-22T18:30:00+08:00" },
	{ SH, "2026-11-22t10:30:00z", "2026-11-22T18:30:00+08:00" },
	{ SH, "2026-11-22T10:30+08:00", "2026-11-22T10:30:00+08:00" },
	{ SH, "2026-11-22T10:30:00.123Z", "2026-11-22T18:30:00+08:00" },
	{ SH, "2026-11-22T10:30:00,5+01:00", "2026-11-22T17:30:00+08:00" },
	{ SH, "2026-11-22T10:30:00+0800", "2026-11-22T10:30:00+08:00" },
	{ SH, "2026-11-22T10:30:00+08", "2026-11-22T10:30:00+08:00" },
	{ SH, "2026-11-22T10:30:00-05:30", "2026-11-23T00:00:00+08:00" },
	{ SH, "2026-11-22T10:30:00", "2026-11-22T10:30:00+08:00" },
	/* ISO with a space, local unless an offset follows */
	{ SH, "2026-11-22 10:30:00", "2026-11-22T10:30:00+08:00" },
	{ SH, "2026-11-22 10:30", "2026-11-22T10:30:00+08:00" },
	{ SH, "2026-11-22", "2026-11-22T00:00:00+08:00" },
	{ SH, "2026-11-22 10:30:00 +01:00", "2026-11-22T17:30:00+08:00" },
	{ SH, "2026-11-22 10:30:00+0100", "2026-11-22T17:30:00+08:00" },
	{ SH, "2026-11-22 10:30 UTC", "2026-11-22T18:30:00+08:00" },
	{ SH, "  2026-11-22 10:30\t", "2026-11-22T10:30:00+08:00" },
	{ SH, "\xe3\x80\x80" "2026-11-22\xe3\x80\x80",
	    "2026-11-22T00:00:00+08:00" },
	/* slashes */
	{ SH, "2026/11/22 10:30", "2026-11-22T10:30:00+08:00" },
	{ SH, "2026/11/22 10:30:00", "2026-11-22T10:30:00+08:00" },
	{ SH, "2020/3/18", "2020-03-18T00:00:00+08:00" },
	{ SH, "2020/3/18 9:05", "2020-03-18T09:05:00+08:00" },
	{ SH, "2026/11/22 10:30 +09:00", "2026-11-22T09:30:00+08:00" },
	/* Chinese */
	{ SH, "2026年11月22日 10时30分", "2026-11-22T10:30:00+08:00" },
	{ SH, "2026年11月22日 10:30", "2026-11-22T10:30:00+08:00" },
	{ SH, "2026年11月22日", "2026-11-22T00:00:00+08:00" },
	{ SH, "2026年11月22日10时30分15秒", "2026-11-22T10:30:15+08:00" },
	{ SH, "2026年11月22日 10点30分", "2026-11-22T10:30:00+08:00" },
	{ SH, "2026年3月8日 9点05分", "2026-03-08T09:05:00+08:00" },
	/* US */
	{ SH, "11/22/2026 10:30 AM", "2026-11-22T10:30:00+08:00" },
	{ SH, "11/22/2026 10:30:15 PM", "2026-11-22T22:30:15+08:00" },
	{ SH, "11/22/2026", "2026-11-22T00:00:00+08:00" },
	{ SH, "11/22/2026 22:30", "2026-11-22T22:30:00+08:00" },
	{ SH, "11/22/2026 12:00 AM", "2026-11-22T00:00:00+08:00" },
	{ SH, "11/22/2026 12:05 pm", "2026-11-22T12:05:00+08:00" },
	{ SH, "3/8/2026 9:05AM", "2026-03-08T09:05:00+08:00" },
	/* Twitter and ctime(3) */
	{ SH, "Tue Oct 31 22:10:47 +0000 2017", "2017-11-01T06:10:47+08:00" },
	{ SH, "Tue Oct  3 22:10:47 2017", "2017-10-03T22:10:47+08:00" },
	/* RFC 5322 */
	{ SH, "Sun, 22 Nov 2026 10:30:00 +0800", "2026-11-22T10:30:00+08:00" },
	{ SH, "22 Nov 2026 10:30:00 +0800", "2026-11-22T10:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30:00 +0800 (CST)",
	    "2026-11-22T10:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30 GMT", "2026-11-22T18:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30:00 UT", "2026-11-22T18:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30:00 EST", "2026-11-22T23:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30:00 EDT", "2026-11-22T22:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30:00 CST", "2026-11-23T00:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30:00 CDT", "2026-11-22T23:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30:00 MST", "2026-11-23T01:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30:00 MDT", "2026-11-23T00:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30:00 PST", "2026-11-23T02:30:00+08:00" },
	{ SH, "Sun, 22 Nov 2026 10:30:00 PDT", "2026-11-23T01:30:00+08:00" },
	/* epoch seconds and milliseconds */
	{ SH, "1763778600", "2025-11-22T10:30:00+08:00" },
	{ SH, "1763778600000", "2025-11-22T10:30:00+08:00" },
	{ SH, "1763778600999", "2025-11-22T10:30:00+08:00" },
	{ SH, "1763778600.5", "2025-11-22T10:30:00+08:00" },
	{ SH, "123456789", "1973-11-30T05:33:09+08:00" },
	{ SH, "123456789000", "1973-11-30T05:33:09+08:00" },
	/* edges of the calendar */
	{ SH, "1970-01-01", "1970-01-01T00:00:00+08:00" },
	{ SH, "2024-02-29 23:59:59", "2024-02-29T23:59:59+08:00" },
	{ SH, "2000-02-29", "2000-02-29T00:00:00+08:00" },
	{ SH, "9999-12-31 23:59:59", "9999-12-31T23:59:59+08:00" },

	{ "UTC", "2026-11-22T10:30:00+08:00", "2026-11-22T02:30:00+00:00" },
	{ "UTC", "2026-11-22 10:30", "2026-11-22T10:30:00+00:00" },
	{ "UTC", "2026/11/22", "2026-11-22T00:00:00+00:00" },
	{ "UTC", "2026年11月22日", "2026-11-22T00:00:00+00:00" },
	{ "UTC", "11/22/2026 10:30:15 PM", "2026-11-22T22:30:15+00:00" },
	{ "UTC", "Tue Oct 31 22:10:47 +0000 2017", "2017-10-31T22:10:47+00:00" },
	{ "UTC", "Sun, 22 Nov 2026 10:30:00 -0000", "2026-11-22T10:30:00+00:00" },
	{ "UTC", "1763778600", "2025-11-22T02:30:00+00:00" },
	{ "UTC", "1970-01-01", "1970-01-01T00:00:00+00:00" },

	{ BER, "2026-11-22 10:30", "2026-11-22T10:30:00+01:00" },
	{ BER, "2026-07-01 10:30", "2026-07-01T10:30:00+02:00" },
	{ BER, "2026-11-22T10:30:00+08:00", "2026-11-22T03:30:00+01:00" },
	{ BER, "Sun, 22 Nov 2026 10:30:00 +0800 (CST)",
	    "2026-11-22T03:30:00+01:00" },
	{ BER, "2026年11月22日 10时30分", "2026-11-22T10:30:00+01:00" },
	{ BER, "11/22/2026 10:30 AM", "2026-11-22T10:30:00+01:00" },
	{ BER, "2020/3/18 9:05", "2020-03-18T09:05:00+01:00" },
	/*
	 * Spring forward: 02:00 to 03:00 does not exist, so a time in the
	 * gap moves on by an hour.  In the repeated hour of the fall back,
	 * the earlier instant is taken (see to_time in time.c).
	 */
	{ BER, "2026-03-29", "2026-03-29T00:00:00+01:00" },
	{ BER, "2026-03-29 01:59:59", "2026-03-29T01:59:59+01:00" },
	{ BER, "2026-03-29 02:30", "2026-03-29T03:30:00+02:00" },
	{ BER, "2026-03-29 03:00", "2026-03-29T03:00:00+02:00" },
	{ BER, "2026-03-29 12:00", "2026-03-29T12:00:00+02:00" },
	{ BER, "2026-03-29T00:59:59Z", "2026-03-29T01:59:59+01:00" },
	{ BER, "2026-03-29T01:00:00Z", "2026-03-29T03:00:00+02:00" },
	/* Fall back: 02:00 to 03:00 happens twice. */
	{ BER, "2026-10-25", "2026-10-25T00:00:00+02:00" },
	{ BER, "2026-10-25 01:59:59", "2026-10-25T01:59:59+02:00" },
	{ BER, "2026-10-25 02:30", "2026-10-25T02:30:00+02:00" },
	{ BER, "2026-10-25 02:59:59", "2026-10-25T02:59:59+02:00" },
	{ BER, "2026-10-25 03:00", "2026-10-25T03:00:00+01:00" },
	{ BER, "2026-10-25T00:30:00Z", "2026-10-25T02:30:00+02:00" },
	{ BER, "2026-10-25T01:30:00Z", "2026-10-25T02:30:00+01:00" },
	{ BER, "2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+02:00" },
	{ BER, "1792891800", "2026-10-25T02:30:00+01:00" },
	/* The repeated hour again after a time in the other one. */
	{ BER, "2026-10-25T02:30:00+01:00", "2026-10-25T02:30:00+01:00" },
	{ BER, "2026-10-25 02:30", "2026-10-25T02:30:00+02:00" },
	{ BER, "2026-03-29 02:00", "2026-03-29T03:00:00+02:00" },
	{ BER, "2026-03-29 02:59:59", "2026-03-29T03:59:59+02:00" },
};

/* Inputs to refuse, in Asia/Shanghai; msg NULL means any message. */
struct bad {
	const char	*in;
	const char	*msg;
};

static const struct bad bads[] = {
	{ "", "empty time" },
	{ "  \t ", "empty time" },
	{ "foo", "unrecognised time \"foo\"" },
	{ "2026-02-30", "invalid date \"2026-02-30\"" },
	{ "2025-02-29", "invalid date \"2025-02-29\"" },
	{ "2100-02-29", NULL },
	{ "2026-04-31", NULL },
	{ "2026-13-01", NULL },
	{ "2026-00-10", NULL },
	{ "2026-11-00", NULL },
	{ "2026-11-22 25:00", "invalid time \"2026-11-22 25:00\"" },
	{ "2026-11-22 24:00", NULL },
	{ "2026-11-22 10:60", NULL },
	{ "2026-11-22 10:30:60", NULL },
	{ "1969-12-31", "date out of range \"1969-12-31\"" },
	{ "10000-01-01", NULL },
	{ "26-11-22", NULL },
	{ "2026-11-22T10:30:00+08:00x",
	    "unrecognised time \"2026-11-22T10:30:00+08:00x\"" },
	{ "2026-11-22 10:30 junk", NULL },
	{ "2026-11-22T", NULL },
	{ "2026-11-22 10", NULL },
	{ "2026-11-22 10:3", NULL },
	{ "2026-11-22T10:30:00.Z", NULL },
	{ "2026-11-22T10:30:00+24:00",
	    "invalid offset \"2026-11-22T10:30:00+24:00\"" },
	{ "2026-11-22T10:30:00+08:60", NULL },
	{ "2026-11-22T10:30:00+8:00", NULL },
	{ "2026-11-22T10:30:00+080", NULL },
	{ "2026-11-22 10:30 CST", NULL },
	{ "2026-11-22 10:30:00 +01:00 (CET)", NULL },
	{ "2026/11/22 10:30 +08:00 extra", NULL },
	{ "2026年13月1日", NULL },
	{ "2026年11月22日 10时", NULL },
	{ "11/22/2026 13:00 PM", "invalid time \"11/22/2026 13:00 PM\"" },
	{ "11/22/2026 0:30 AM", NULL },
	{ "13/22/2026", NULL },
	{ "Sun, 22 Nov 2026 10:30:00 XYZ", NULL },
	{ "Sun, 22 Nov 2026 10:30:00", NULL },
	{ "Foo, 22 Nov 2026 10:30:00 +0800", NULL },
	{ "Sun, 31 Nov 2026 10:30:00 +0800", NULL },
	{ "Sun, 22 Nov 2026 10:30:00 +0800 (CST", NULL },
	{ "Tue Oct 31 22:10:47 +0000 17", NULL },
	{ "12345678", NULL },
	{ "12345678901", NULL },
	{ "12345678901234", NULL },
	{ "1763778600.", NULL },
	{ "1763778600.5x", NULL },
	{ "-1763778600", NULL },
};

static char *
fmt(time_t t)
{
	static struct cx_buf b;

	b.len = 0;
	cx_time_fmt(t, &b);
	return (char *)cx_buf_str(&b);
}

static void
use_zone(const char *zone)
{
	struct cx_err err;

	if (strcmp(cx_tz_name(), zone) != 0 && cx_tz_set(zone, &err) == -1)
		ok(0, "cx_tz_set %s: %s", zone, err.msg);
}

static void
test_zones(void)
{
	static const char *const unknown[] = { "", "Mars/Olympus", "Asia",
	    "../../etc/passwd", "/etc/localtime", "zone.tab", "CST-8",
	    "Asia/Shanghai " };
	struct cx_err err;
	size_t i;

	setenv("TZ", "America/New_York", 1);
	is_str(cx_tz_name(), "UTC", "zone is UTC until set");
	is_str(fmt(0), "1970-01-01T00:00:00+00:00",
	    "default zone ignores TZ");
	ok(cx_tz_set("UTC", &err) == 0, "UTC is always known");
	ok(cx_tz_set(SH, &err) == 0, "set %s", SH);
	is_str(cx_tz_name(), SH, "zone name");
	for (i = 0; i < NITEMS(unknown); i++)
		ok(cx_tz_set(unknown[i], &err) == -1, "refuse zone \"%s\"",
		    unknown[i]);
	cx_tz_set("Mars/Olympus", &err);
	is_str(err.msg, "unknown time zone \"Mars/Olympus\"",
	    "unknown zone message");
	is_str(cx_tz_name(), SH, "a refused zone leaves the old one");
	setenv("TZDIR", "/nonexistent", 1);
	ok(cx_tz_set("Asia/Tokyo", &err) == -1, "zones are looked up in TZDIR");
	unsetenv("TZDIR");
	ok(cx_tz_set("Asia/Tokyo", &err) == 0, "Asia/Tokyo");
	is_str(fmt(0), "1970-01-01T09:00:00+09:00", "epoch in Tokyo");
}

static void
test_goods(void)
{
	struct cx_err err;
	time_t t, back;
	size_t i;

	for (i = 0; i < NITEMS(goods); i++) {
		use_zone(goods[i].zone);
		err.msg[0] = '\0';
		if (cx_time_parse(goods[i].in, strlen(goods[i].in), &t,
		    &err) == -1) {
			ok(0, "%s: parse \"%s\": %s", goods[i].zone,
			    goods[i].in, err.msg);
			continue;
		}
		is_str(fmt(t), goods[i].want, goods[i].in);
		ok(cx_time_parse(goods[i].want, strlen(goods[i].want), &back,
		    &err) == 0 && back == t, "%s: round trip %s", goods[i].zone,
		    goods[i].want);
	}
}

static void
test_bads(void)
{
	struct cx_err err;
	time_t t;
	size_t i;

	use_zone(SH);
	for (i = 0; i < NITEMS(bads); i++) {
		err.msg[0] = '\0';
		if (!ok(cx_time_parse(bads[i].in, strlen(bads[i].in), &t,
		    &err) == -1, "refuse \"%s\"", bads[i].in))
			continue;
		if (bads[i].msg != NULL)
			is_str(err.msg, bads[i].msg, bads[i].msg);
		else
			ok(err.msg[0] != '\0', "message: %s", err.msg);
	}
}

static void
test_edges(void)
{
	static const char slice[] = "2026-11-22 10:30:00garbage";
	struct cx_buf b = { 0 };
	struct cx_err err;
	char *longin;
	time_t t;

	use_zone(SH);
	ok(cx_time_parse(slice, 19, &t, &err) == 0 &&
	    strcmp(fmt(t), "2026-11-22T10:30:00+08:00") == 0,
	    "input is a byte range, not a string");
	cx_time_parse("foobar", 3, &t, &err);
	is_str(err.msg, "unrecognised time \"foo\"", "message quotes the range");
	ok(cx_time_parse("x", 1, &t, NULL) == -1, "err may be NULL");
	longin = malloc(201);
	memset(longin, 'x', 200);
	longin[200] = '\0';
	cx_time_parse(longin, 200, &t, &err);
	ok(strlen(err.msg) < 100 && strstr(err.msg, "...\"") != NULL,
	    "long input is cut in the message: %s", err.msg);
	free(longin);

	cx_buf_adds(&b, "at ");
	cx_time_fmt(0, &b);
	is_str(cx_buf_str(&b), "at 1970-01-01T08:00:00+08:00", "fmt appends");
	cx_buf_free(&b);

	use_zone("UTC");
	is_str(fmt((time_t)253402300799LL), "9999-12-31T23:59:59+00:00",
	    "the last second of 9999");
	/* Monrovia was -0:44:30 until 1972: the offset is cut to minutes. */
	use_zone("Africa/Monrovia");
	is_str(fmt(44582400), "1971-05-31T23:16:00-00:44",
	    "offset with seconds");
	ok(cx_time_parse("1971-05-31T23:16:00-00:44", 25, &t, &err) == 0 &&
	    t == 44582400, "offset with seconds round trips");
}

static void
test_now(void)
{
	struct cx_err err;
	time_t before, now;

	use_zone("UTC");
	unsetenv("CX_NOW");
	before = time(NULL);
	now = cx_now();
	ok(now >= before && now <= time(NULL), "cx_now is the clock");
	setenv("CX_NOW", "2026-11-22T10:30:00+08:00", 1);
	is_str(fmt(cx_now()), "2026-11-22T02:30:00+00:00", "CX_NOW");
	use_zone(SH);
	setenv("CX_NOW", "2026-11-22 10:30", 1);
	is_str(fmt(cx_now()), "2026-11-22T10:30:00+08:00",
	    "CX_NOW in the zone");
	setenv("CX_NOW", "soon", 1);
	before = time(NULL);
	now = cx_now();
	ok(now >= before && now <= time(NULL), "a bad CX_NOW is ignored");

	ok(cx_now_set("later", &err) == -1, "cx_now_set refuses junk");
	is_str(err.msg, "unrecognised time \"later\"", "cx_now_set message");
	ok(cx_now() >= before, "a failed cx_now_set freezes nothing");
	setenv("CX_NOW", "2020-01-01", 1);
	ok(cx_now_set(" 1763778600 ", &err) == 0, "cx_now_set");
	ok(cx_now() == 1763778600, "cx_now_set beats CX_NOW");
	ok(cx_now_set("2026年11月22日", &err) == 0 &&
	    strcmp(fmt(cx_now()), "2026-11-22T00:00:00+08:00") == 0,
	    "cx_now_set again");
	ok(cx_now_set("2026-02-30", &err) == -1 &&
	    strcmp(fmt(cx_now()), "2026-11-22T00:00:00+08:00") == 0,
	    "a failed cx_now_set keeps the frozen time");
	unsetenv("CX_NOW");
}

int
main(void)
{
	test_zones();
	test_goods();
	test_bads();
	test_edges();
	test_now();
	return done_testing();
}
