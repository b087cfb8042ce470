/*
 * calendar.c: the calendar file (cx-calendar(5); lib/calfile.c) and the
 * working-time arithmetic over it (lib/calendar.c), as cx-sla uses them.
 *
 * A calendar that loads is asked for deadlines from a few starts (fixed
 * ones around the changes of daylight saving time and the years' ends,
 * and one drawn from the input) after a few durations.  Each deadline has
 * exactly that much working time between the start and it, its last
 * second is working time, and it is the same when asked from another
 * process zone with every day walked (explained, where the fast path
 * skips plain weeks), as t_calendar.c checks for the shipped calendars.
 */
#include "fuzz.h"

static const char *const starts[] = {
	"2026-11-24T09:00:00+08:00", "2026-02-14T08:59:59+08:00",
	"2026-03-29T00:30:00Z", "2026-10-25T00:30:00Z",
	"2025-12-31T23:30:00Z", "2027-01-01T00:00:00-10:00",
};
#define NSTARTS	(sizeof(starts) / sizeof(starts[0]))

static const long spans[] = { 0, 1, 1800, 3 * 3600, 86400, 10 * 86400 };
#define NSPANS	(sizeof(spans) / sizeof(spans[0]))

static void
deadline(const struct cx_cal *c, time_t start, long secs)
{
	struct cx_cal_info info, xinfo;
	struct cx_buf x = { 0 };
	struct cx_err e;
	time_t due, due2;
	long got;

	memset(&info, 0, sizeof(info));
	if (cx_tz_set("UTC", &e) == -1)
		fuzz_fail("UTC: %s", e.msg);
	e.msg[0] = '\0';
	if (cx_cal_add(c, start, secs, &due, &info, &e) == -1) {
		if (e.msg[0] == '\0')
			fuzz_fail("no deadline and no reason");
		return;
	}
	if (due < start)
		fuzz_fail("%lld + %ld: a deadline before the start, %lld",
		    (long long)start, secs, (long long)due);
	if ((got = cx_cal_between(c, start, due, NULL)) != secs)
		fuzz_fail("%lld + %ld is %lld, but %ld working seconds lie "
		    "between", (long long)start, secs, (long long)due, got);
	if (secs > 0 && !cx_cal_is_working(c, due - 1))
		fuzz_fail("%lld + %ld is %lld, its last second not working",
		    (long long)start, secs, (long long)due);
	if (info.nmissing < 0)
		fuzz_fail("a negative count of years missing");
	/* The same from another zone, every day walked (where the walk
	 * is short enough to be explained line by line). */
	if (due - start > 400L * 86400)
		return;
	if (cx_tz_set("America/New_York", &e) == -1)
		fuzz_fail("America/New_York: %s", e.msg);
	memset(&xinfo, 0, sizeof(xinfo));
	xinfo.explain = &x;
	if (cx_cal_add(c, start, secs, &due2, &xinfo, &e) == -1 ||
	    due2 != due || xinfo.nmissing != info.nmissing)
		fuzz_fail("%lld + %ld is %lld, and explained %lld",
		    (long long)start, secs, (long long)due, (long long)due2);
	fuzz_touch(x.p, x.len);
	cx_buf_free(&x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct cx_cal *c;
	struct cx_err e;
	struct cx_key k;
	time_t t;
	size_t i, j;

	e.msg[0] = '\0';
	if ((c = cx_cal_load(fuzz_file(0, d, n), &e)) == NULL) {
		if (e.msg[0] == '\0')
			fuzz_fail("a calendar refused, no reason");
		return 0;
	}
	if (cx_cal_daylen(c) < 0)
		fuzz_fail("a negative working day");
	for (i = 0; i < NSTARTS; i++) {
		if (cx_time_parse(starts[i], strlen(starts[i]), &t, &e) == -1)
			fuzz_fail("%s: %s", starts[i], e.msg);
		for (j = 0; j < NSPANS; j++)
			deadline(c, t, spans[j]);
		deadline(c, t, 5 * cx_cal_daylen(c));
	}
	/* One start and one span drawn from the input: 2020 to 2035. */
	k = cx_key_of(d, n);
	deadline(c, (time_t)(1577836800 + k.h[0] % (16 * 365 * 86400ULL)),
	    (long)(k.h[1] % (40 * 86400)));
	cx_cal_free(c);
	return 0;
}
