/*
 * run.c: what every run of a tool shares: its zone and its clock, and
 * the table of exit statuses.
 */
#include <stdio.h>
#include <stdlib.h>

#include "priv.h"

/*
 * The clock and the zone of a run: the zone from -z, else CX_TZ, else the
 * setting "timezone", else UTC; the time from --now, else CX_NOW, else
 * the clock.  nowtext gets now as a JSON string, for every stamp.
 */
int
cx_clock_setup(const char *spool, const char *zone, const char *now,
    char nowtext[CX_NOWTEXT], struct cx_err *err)
{
	struct cx_buf b = { 0 };
	struct cx_err e;
	char *tz = NULL;
	int r;

	if (cx_setting(spool, "timezone", &tz, err) == -1)
		return -1;
	if (zone == NULL && (zone = getenv("CX_TZ")) != NULL && *zone == '\0')
		zone = NULL;
	r = cx_tz_set(zone ? zone : tz ? tz : "UTC", err);
	free(tz);
	if (r == -1)
		return -1;
	if (now != NULL && cx_now_set(now, &e) == -1) {
		cx_seterr(err, "--now: %s", e.msg);
		return -1;
	}
	if (now == NULL && (now = getenv("CX_NOW")) != NULL && *now != '\0' &&
	    cx_now_set(now, &e) == -1) {
		cx_seterr(err, "CX_NOW: %s", e.msg);
		return -1;
	}
	cx_buf_addc(&b, '"');
	cx_time_fmt(cx_now(), &b);
	cx_buf_addc(&b, '"');
	snprintf(nowtext, CX_NOWTEXT, "%s", cx_buf_str(&b));
	cx_buf_free(&b);
	return 0;
}

int
cx_exit_status(unsigned long nbad, int no)
{
	return nbad > 0 || no ? CX_EXIT_NO : CX_EXIT_OK;
}
