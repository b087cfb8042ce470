/*
 * t_calendar.c: working-time calendars (calendar.c, cx-calendar(5)).
 *
 * The golden table gives a start, a working duration and, for a pause,
 * when the ticket waited on the customer; the deadline is the duration
 * plus the working time spent paused, after the start, as cx-sla will
 * compute it.  The expected deadlines were worked out by hand and checked
 * against a brute-force model that steps a minute at a time (an instant
 * works if its local wall time is in a range of its local date's hours).
 * Every row is also computed with another process zone, with the walk
 * explained (no week is skipped then), and checked against
 * cx_cal_between, so the fast path, the zone switching and the two
 * functions agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "priv.h"	/* white-box: the library's insides too */
#include "tap.h"
#include "calcache.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define CN		"share/cx/calendar"
#define BER		"tests/data/cal-berlin"
#define NIGHT		"tests/data/cal-berlin-night"
#define UTC		"tests/data/cal-utc"
#define H		3600L

struct vec {
	const char	*cal;
	const char	*start;
	long		 secs;
	const char	*pause0, *pause1;	/* or NULL */
	const char	*want;
	const char	*missing;		/* years, "2027" */
	const char	*what;
};

static const struct vec vecs[] = {
	{ CN, "2026-11-24T20:00:00+08:00", 1 * H, NULL, NULL,
	    "2026-11-25T10:00:00+08:00", "", "created after hours" },
	{ CN, "2026-11-24T07:00:00+08:00", H / 2, NULL, NULL,
	    "2026-11-24T09:30:00+08:00", "", "created before opening" },
	{ CN, "2026-11-24T12:30:00+08:00", 1 * H, NULL, NULL,
	    "2026-11-24T14:30:00+08:00", "", "created in the lunch break" },
	{ CN, "2026-11-24T17:00:00+08:00", 1 * H, NULL, NULL,
	    "2026-11-24T18:00:00+08:00", "", "due at closing, not next day" },
	{ CN, "2026-11-27T17:00:00+08:00", 2 * H, NULL, NULL,
	    "2026-11-30T10:00:00+08:00", "", "across a weekend" },
	{ CN, "2026-11-28T10:00:00+08:00", 1 * H, NULL, NULL,
	    "2026-11-30T10:00:00+08:00", "", "created on a Saturday" },
	{ CN, "2026-11-28T10:00:00+08:00", 0, NULL, NULL,
	    "2026-11-30T09:00:00+08:00", "", "no time: the next working one" },
	{ CN, "2026-06-18T17:00:00+08:00", 2 * H, NULL, NULL,
	    "2026-06-22T10:00:00+08:00", "", "a holiday on a Friday (端午)" },
	{ CN, "2026-10-09T17:00:00+08:00", 2 * H, NULL, NULL,
	    "2026-10-10T10:00:00+08:00", "", "a make-up Saturday" },
	{ CN, "2026-01-03T10:00:00+08:00", 1 * H, NULL, NULL,
	    "2026-01-04T10:00:00+08:00", "", "a make-up Sunday after 元旦" },
	{ CN, "2026-02-13T17:00:00+08:00", 8 * H + H / 2, NULL, NULL,
	    "2026-02-14T18:00:00+08:00", "", "春节: the make-up Saturday" },
	{ CN, "2026-02-13T17:00:00+08:00", 9 * H, NULL, NULL,
	    "2026-02-24T09:30:00+08:00", "", "春节: past nine days off" },
	{ CN, "2026-09-30T17:00:00+08:00", 2 * H, NULL, NULL,
	    "2026-10-08T10:00:00+08:00", "", "国庆节" },
	{ CN, "2026-08-03T09:00:00+08:00", 60 * 7 * H + 60 * H / 2, NULL, NULL,
	    "2026-10-29T18:00:00+08:00", "", "60 working days, 90 days out" },
	{ CN, "2025-01-24T17:00:00+08:00", 2 * H, NULL, NULL,
	    "2025-01-26T10:00:00+08:00", "", "2025: a make-up Sunday" },
	{ CN, "2025-09-30T17:00:00+08:00", 2 * H, NULL, NULL,
	    "2025-10-09T10:00:00+08:00", "", "2025: 国庆节 and 中秋节" },
	{ CN, "2026-12-31T17:00:00+08:00", 2 * H, NULL, NULL,
	    "2027-01-01T10:00:00+08:00", "2027", "into a year not covered" },
	{ CN, "2026-11-27T10:00:00+08:00", 8 * H,
	    "2026-11-27T16:00:00+08:00", "2026-11-30T10:00:00+08:00",
	    "2026-11-30T15:00:00+08:00", "", "a pause over a weekend" },
	{ BER, "2026-03-28T12:00:00+01:00", 24 * H, NULL, NULL,
	    "2026-03-29T13:00:00+02:00", "", "Berlin: a 23-hour day" },
	{ BER, "2026-10-24T12:00:00+02:00", 24 * H, NULL, NULL,
	    "2026-10-25T11:00:00+01:00", "", "Berlin: a 25-hour day" },
	{ BER, "2026-09-01T00:00:00+02:00", 90 * 24 * H, NULL, NULL,
	    "2026-11-29T23:00:00+01:00", "", "Berlin: 90 days, one change" },
	{ BER, "2026-12-24T23:00:00+01:00", 2 * H, NULL, NULL,
	    "2026-12-27T01:00:00+01:00", "", "a yearly holiday" },
	{ NIGHT, "2026-03-29T00:00:00+01:00", 2 * H, NULL, NULL,
	    "2026-03-29T04:00:00+02:00", "", "01:00-04:00 on a spring day" },
	{ NIGHT, "2026-03-29T00:00:00+01:00", 2 * H + H / 2, NULL, NULL,
	    "2026-04-05T01:30:00+02:00", "", "which has two hours" },
	{ NIGHT, "2026-10-25T00:00:00+02:00", 3 * H, NULL, NULL,
	    "2026-10-25T03:00:00+01:00", "", "01:00-04:00 on an autumn day" },
	{ NIGHT, "2026-10-25T00:00:00+02:00", 4 * H, NULL, NULL,
	    "2026-10-25T04:00:00+01:00", "", "which has four hours" },
	{ UTC, "2026-02-28T13:00:00+00:00", 2 * H, NULL, NULL,
	    "2026-03-01T09:00:00+00:00", "",
	    "Saturday hours, then a make-up Sunday's workday-hours" },
};

static struct cx_cal *
cal(const char *path)
{
	return tap_cal(path, path);
}

static time_t
when(const char *s)
{
	struct cx_err err;
	time_t t;

	if (cx_time_parse(s, strlen(s), &t, &err) == -1) {
		printf("# %s\n", err.msg);
		abort();
	}
	return t;
}

static const char *
fmt(time_t t, struct cx_buf *b)
{
	b->len = 0;
	cx_time_fmt(t, b);
	return cx_buf_str(b);
}

static const char *
years(const struct cx_cal_info *info, struct cx_buf *b)
{
	int i;

	b->len = 0;
	cx_buf_adds(b, "");
	for (i = 0; i < info->nmissing && i < CX_CAL_MAXMISS; i++)
		cx_buf_printf(b, "%s%d", i > 0 ? "," : "", info->missing[i]);
	return cx_buf_str(b);
}

static void
test_vectors(void)
{
	struct cx_buf b = { 0 }, x = { 0 };
	struct cx_cal_info info, xinfo;
	struct cx_err err;
	const struct vec *v;
	struct cx_cal *c;
	time_t start, due, due2;
	long secs;
	size_t i;

	for (i = 0; i < NITEMS(vecs); i++) {
		v = &vecs[i];
		c = cal(v->cal);
		if (cx_tz_set(cx_cal_zone(c), &err) == -1)
			abort();
		start = when(v->start);
		secs = v->secs;
		if (v->pause0 != NULL)
			secs += cx_cal_between(c, when(v->pause0),
			    when(v->pause1), NULL);
		memset(&info, 0, sizeof(info));
		if (!ok(cx_cal_add(c, start, secs, &due, &info, &err) == 0,
		    "%s: computed", v->what)) {
			printf("#   %s\n", err.msg);
			continue;
		}
		is_str(fmt(due, &b), v->want, v->what);
		is_str(years(&info, &b), v->missing, "  years missing");
		ok(cx_cal_between(c, start, due, NULL) == secs,
		    "  as much working time between start and deadline");

		/* The same from another zone, and walking every day. */
		if (cx_tz_set("America/New_York", &err) == -1)
			abort();
		memset(&xinfo, 0, sizeof(xinfo));
		x.len = 0;
		xinfo.explain = &x;
		ok(cx_cal_add(c, start, secs, &due2, &xinfo, &err) == 0 &&
		    due2 == due && xinfo.nmissing == info.nmissing,
		    "  the same in another zone, explained");
	}
	cx_buf_free(&b);
	cx_buf_free(&x);
}

/* The zone swapped in for a call is put back: output is unchanged. */
static void
test_zone_kept(void)
{
	struct cx_buf b = { 0 };
	struct cx_err err;
	time_t due;

	cx_tz_set("America/New_York", &err);
	cx_cal_add(cal(BER), when("2026-03-28T12:00:00+01:00"), 24 * H,
	    &due, NULL, &err);
	is_str(fmt(due, &b), "2026-03-29T07:00:00-04:00",
	    "the process zone is back after a call");
	is_str(cx_tz_name(), "America/New_York", "and its name");
	cx_buf_free(&b);
}

static void
test_explain(void)
{
	struct cx_buf x = { 0 };
	struct cx_cal_info info;
	struct cx_err err;
	time_t due;

	memset(&info, 0, sizeof(info));
	info.explain = &x;
	cx_cal_add(cal(CN), when("2026-06-18T17:00:00+08:00"), 2 * H, &due,
	    &info, &err);
	is_str(cx_buf_str(&x),
	    "2026-06-18 17:00-18:00 1h00m\n"
	    "2026-06-19 off 端午节\n"
	    "2026-06-22 09:00-10:00 1h00m\n", "explained: a holiday");
	x.len = 0;
	cx_cal_add(cal(CN), when("2026-10-09T11:15:30+08:00"), 3 * H, &due,
	    &info, &err);
	is_str(cx_buf_str(&x),
	    "2026-10-09 11:15-12:00 0h44m30s\n"
	    "2026-10-09 13:30-15:45 2h15m30s\n", "explained: seconds");
	x.len = 0;
	cx_cal_add(cal(CN), when("2026-10-09T17:00:00+08:00"), 2 * H, &due,
	    &info, &err);
	is_str(cx_buf_str(&x),
	    "2026-10-09 17:00-18:00 1h00m\n"
	    "2026-10-10 09:00-10:00 1h00m 国庆节调休\n",
	    "explained: a make-up day");
	x.len = 0;
	cx_cal_between(cal(BER), when("2026-03-29T00:00:00+01:00"),
	    when("2026-03-30T00:00:00+02:00"), &info);
	is_str(cx_buf_str(&x), "2026-03-29 00:00-24:00 23h00m\n",
	    "explained: a 23-hour day");
	cx_buf_free(&x);
}

static void
test_between(void)
{
	static const struct {
		const char	*cal, *a, *b;
		long		 want;
	} t[] = {
		{ CN, "2026-11-27T16:00:00+08:00", "2026-11-30T10:00:00+08:00",
		    3 * H },
		{ CN, "2026-11-30T10:00:00+08:00", "2026-11-27T16:00:00+08:00",
		    0 },
		{ CN, "2026-11-24T11:00:00+08:00", "2026-11-24T14:00:00+08:00",
		    H + H / 2 },
		{ CN, "2026-09-28T09:00:00+08:00", "2026-10-12T09:00:00+08:00",
		    6 * (7 * H + H / 2) },
		{ CN, "2026-01-05T00:00:00+08:00", "2027-01-04T00:00:00+08:00",
		    248L * (7 * H + H / 2) },
		{ NIGHT, "2026-03-29T00:00:00+01:00",
		    "2026-03-30T00:00:00+02:00", 2 * H },
		{ NIGHT, "2026-10-25T00:00:00+02:00",
		    "2026-10-26T00:00:00+01:00", 4 * H },
		{ BER, "2026-01-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00",
		    363L * 24 * H },
	};
	struct cx_cal *c;
	time_t a, m, b;
	long got;
	size_t i;

	for (i = 0; i < NITEMS(t); i++) {
		got = cx_cal_between(cal(t[i].cal), when(t[i].a), when(t[i].b),
		    NULL);
		if (!ok(got == t[i].want, "between %s and %s", t[i].a, t[i].b))
			printf("#   got %ld, want %ld\n", got, t[i].want);
	}
	/* Additive at any cut, working time or not. */
	c = cal(CN);
	a = when("2026-01-01T00:00:00+08:00");
	b = when("2026-12-31T00:00:00+08:00");
	for (m = a + 1234; m < b; m += 86400 * 17 + 3607)
		if (cx_cal_between(c, a, m, NULL) + cx_cal_between(c, m, b,
		    NULL) != cx_cal_between(c, a, b, NULL))
			break;
	ok(m >= b, "between a and b is between a, m and m, b");
}

static void
test_is_working(void)
{
	static const struct {
		const char	*cal, *t;
		int		 want;
	} t[] = {
		{ CN, "2026-11-24T09:00:00+08:00", 1 },
		{ CN, "2026-11-24T08:59:59+08:00", 0 },
		{ CN, "2026-11-24T12:00:00+08:00", 0 },
		{ CN, "2026-11-24T17:59:59+08:00", 1 },
		{ CN, "2026-11-24T18:00:00+08:00", 0 },
		{ CN, "2026-11-28T10:00:00+08:00", 0 },
		{ CN, "2026-10-10T10:00:00+08:00", 1 },
		{ CN, "2026-10-01T10:00:00+08:00", 0 },
		{ NIGHT, "2026-10-25T02:30:00+02:00", 1 },
		{ NIGHT, "2026-10-25T02:30:00+01:00", 1 },
		{ NIGHT, "2026-10-25T04:00:00+01:00", 0 },
	};
	size_t i;

	for (i = 0; i < NITEMS(t); i++)
		ok(cx_cal_is_working(cal(t[i].cal), when(t[i].t)) == t[i].want,
		    "%s %s working", t[i].t, t[i].want ? "is" : "is not");
}

static void
test_no_time(void)
{
	struct cx_cal *c;
	struct cx_err err;
	time_t due;

	c = cx_cal_load("tests/data/cal-none", &err);
	ok(c == NULL, "a calendar with no working time is refused");
	is_str(err.msg, "tests/data/cal-none: no working time: no hours in "
	    "the week and no workday", "  saying so");
	c = cx_cal_load("tests/data/cal-oneday", &err);
	ok(c != NULL, "a calendar of one make-up day loads");
	if (c == NULL)
		return;
	ok(cx_cal_add(c, when("2026-10-09T12:00:00+08:00"), H, &due, NULL,
	    &err) == 0 && due == when("2026-10-10T10:00:00+08:00"),
	    "  its day is found");
	ok(cx_cal_add(c, when("2026-10-10T17:00:00+08:00"), 2 * H, &due, NULL,
	    &err) == -1, "  after it, nothing: an error, not a hang");
	is_str(err.msg, "no working time in the 100 years after the start",
	    "  saying so");
	ok(cx_cal_add(c, when("2026-10-10T17:00:00+08:00"), -1, &due, NULL,
	    &err) == -1, "a negative duration is an error");
	cx_cal_free(c);
}

/* Far deadlines: no horizon, so they must return, and quickly. */
static void
test_far(void)
{
	struct cx_cal_info info;
	struct cx_buf b = { 0 };
	struct cx_err err;
	time_t due;
	clock_t t0;
	int r;

	memset(&info, 0, sizeof(info));
	cx_tz_set("Asia/Shanghai", &err);
	t0 = clock();
	r = cx_cal_add(cal(CN), when("2026-01-05T09:00:00+08:00"),
	    5L * 250 * (7 * H + H / 2), &due, &info, &err);
	ok(r == 0, "a deadline five years out returns");
	is_str(years(&info, &b), "2027,2028,2029,2030",
	    "  the years without holidays are reported");
	printf("# five years took %.3f ms\n",
	    (double)(clock() - t0) * 1000 / CLOCKS_PER_SEC);
	ok(cx_cal_between(cal(CN), when("2026-01-05T09:00:00+08:00"), due,
	    NULL) == 5L * 250 * (7 * H + H / 2), "  and between agrees");
	r = cx_cal_add(cal(BER), when("2026-01-01T00:00:00+01:00"),
	    50L * 365 * 24 * H, &due, NULL, &err);
	ok(r == 0, "fifty years of a desk that never closes");
	cx_buf_free(&b);
}

static void
test_errors(void)
{
	static const struct {
		const char	*text;
		const char	*want;		/* after "PATH:" */
	} t[] = {
		{ "hours mon-fri 09:00-18:00\n", " no timezone line" },
		{ "timezone Mars/Olympus\nhours mon 09:00-10:00\n",
		    " unknown time zone \"Mars/Olympus\"" },
		{ "timezone UTC\ntimezone UTC\n", "2: a second timezone line" },
		{ "timezone UTC\n# c\n\nhours mon-fry 09:00-10:00\n",
		    "4: days \"mon-fry\": expected names as mon-fri or "
		    "sat,sun" },
		{ "timezone UTC\nhours mon 09:00-25:00\n",
		    "2: time range \"09:00-25:00\": expected HH:MM-HH:MM, "
		    "00:00 to 24:00" },
		{ "timezone UTC\nhours mon 12:00-09:00\n",
		    "2: time range \"12:00-09:00\" ends before it starts" },
		{ "timezone UTC\nhours mon 09:00-12:00 11:00-13:00\n",
		    "2: time ranges overlap" },
		{ "timezone UTC\nhours mon\n",
		    "2: expected time ranges, as 09:00-12:00, or -" },
		{ "timezone UTC\nhours mon - 09:00-10:00\n",
		    "2: \"-\" means no hours: nothing may follow it" },
		{ "timezone UTC\nholiday 2026-02-30\n",
		    "2: expected holiday [yearly] YYYY-MM-DD[..YYYY-MM-DD] "
		    "[NAME], or MM-DD[..MM-DD] after yearly" },
		{ "timezone UTC\nholiday 2026-10-07..2026-10-01\n",
		    "2: dates \"2026-10-07..2026-10-01\" end before they "
		    "start" },
		{ "timezone UTC\nworkday 10-10\n",
		    "2: expected workday YYYY-MM-DD[..YYYY-MM-DD] [NAME]" },
		{ "timezone UTC\nhours mon 09:00-10:00\nholiday 2026-10-10\n"
		    "workday 2026-10-10\n",
		    "4: 2026-10-10 is both a holiday and a workday (line 3)" },
		{ "timezone UTC\nhours sat -\nworkday-hours -\n"
		    "workday 2026-10-10\n",
		    "4: workday 2026-10-10 has no hours: give workday-hours" },
		{ "timezone UTC\nyear 26\n",
		    "2: expected year YYYY, year YYYY..YYYY or year all" },
		{ "timezone UTC\nweekend sat\n",
		    "2: unknown keyword \"weekend\": expected timezone, hours, "
		    "holiday, workday, workday-hours or year" },
	};
	char path[] = "/tmp/t_calendar.XXXXXX";
	struct cx_buf want = { 0 };
	struct cx_cal *c;
	struct cx_err err;
	size_t i;
	FILE *f;
	int fd;

	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	for (i = 0; i < NITEMS(t); i++) {
		if ((f = fopen(path, "w")) == NULL)
			abort();
		fputs(t[i].text, f);
		fclose(f);
		want.len = 0;
		cx_buf_printf(&want, "%s:%s", path, t[i].want);
		c = cx_cal_load(path, &err);
		ok(c == NULL, "bad calendar %zu refused", i + 1);
		is_str(c == NULL ? err.msg : NULL, cx_buf_str(&want),
		    "  with file:line");
		cx_cal_free(c);
	}
	unlink(path);
	cx_buf_free(&want);
}

int
main(void)
{
	test_vectors();
	test_zone_kept();
	test_explain();
	test_between();
	test_is_working();
	test_no_time();
	test_far();
	test_errors();
	tap_cal_free();
	return done_testing();
}
