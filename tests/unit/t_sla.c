/*
 * t_sla.c: time limits replayed from a ticket's history (sla.c,
 * cx-policy(5)).
 *
 * The golden table runs one clock of a small policy over one ticket at
 * one instant, through cx_sla_load, cx_sla_facts and cx_sla_clock as
 * cx-sla does, and describes the answer in a line: the start, the due
 * time (or what is left of a paused clock), the stop, whether it is
 * breached, and how much of the limit is used.  The expected lines were
 * worked out by hand on the calendars' hours (the shipped one: 09:00-12:00
 * and 13:30-18:00 Monday to Friday, a working day of 7h30m); a paused
 * working-time clock over a weekend matches t_calendar's golden vector.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "priv.h"	/* white-box: the library's insides too */
#include "tap.h"
#include "calcache.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define CN		"share/cx/calendar"
#define BER		"tests/data/cal-berlin"
#define OFFICE		"berlin-office"		/* written in tap_tmpdir */

/* The clocks every golden row's target line refers to. */
#define CLOCKS \
	"# clocks of the golden rows\n" \
	"clock run   from=received stop=resolved,closed\n" \
	"clock wait  from=received stop=resolved,closed pause\n" \
	"clock again from=received stop=resolved,closed pause reopen\n" \
	"clock next  from=customer stop=replied,resolved pause\n"

/* History entries and times, to keep the table readable. */
#define CST(t)		t "+08:00"
#define RCV(t)		"\"received_at\":\"" CST(t) "\""
#define E(t, act)	"{\"at\":\"" CST(t) "\",\"by\":\"小李\"," \
			"\"action\":\"" act "\"}"
#define SLA(t, act)	"{\"at\":\"" CST(t) "\",\"by\":\"cx-sla\"," \
			"\"action\":\"" act "\",\"clock\":\"wait\"}"
#define HIST(h)		",\"history\":[" h "]"
#define FU(t)		"{\"received_at\":\"" CST(t) "\",\"text\":\"还没好\"}"

/* A ticket that waits on the customer from Friday 16:00 to Monday 10:00. */
#define WEEKEND	RCV("2026-11-27T10:00:00") HIST(E("2026-11-27T16:00:00", \
	"waiting") "," E("2026-11-30T10:00:00", "customer_reply"))
#define WEEKEND_OPEN RCV("2026-11-27T10:00:00") \
	HIST(E("2026-11-27T16:00:00", "waiting"))
/* Waits from 12:00 on the day it came in at 10:00. */
#define PAUSED	RCV("2026-11-24T10:00:00") HIST(E("2026-11-24T12:00:00", \
	"waiting"))
#define RESUMED	RCV("2026-11-24T10:00:00") HIST(E("2026-11-24T12:00:00", \
	"waiting") "," E("2026-11-25T09:00:00", "customer_reply"))

struct vec {
	const char	*cal;
	const char	*clock;
	const char	*target;	/* after "target CLOCK " */
	const char	*rec;		/* members after "id" */
	const char	*now;
	const char	*want;
	const char	*what;
};

static const struct vec vecs[] = {
	/* Working time: hours, weekends, holidays, 调休. */
	{ CN, "run", "1h working", RCV("2026-11-24T20:00:00"),
	    CST("2026-11-25T09:30:00"),
	    "start 2026-11-24T20:00:00+08:00 due 2026-11-25T10:00:00+08:00 "
	    "used 30m", "created outside working hours: due next morning" },
	{ CN, "run", "1h", RCV("2026-11-24T20:00:00"),
	    CST("2026-11-25T09:30:00"),
	    "start 2026-11-24T20:00:00+08:00 due 2026-11-24T21:00:00+08:00 "
	    "breached used 1h", "  calendar time: due that evening" },
	{ CN, "run", "2h working", RCV("2026-11-27T17:00:00"),
	    CST("2026-11-28T12:00:00"),
	    "start 2026-11-27T17:00:00+08:00 due 2026-11-30T10:00:00+08:00 "
	    "used 1h", "a deadline crossing a weekend" },
	{ CN, "run", "1d working", RCV("2026-11-27T10:00:00"),
	    CST("2026-11-30T09:30:00"),
	    "start 2026-11-27T10:00:00+08:00 due 2026-11-30T10:00:00+08:00 "
	    "used 7h", "  1d working is 7h30m of the calendar's hours" },
	{ CN, "run", "2h working", RCV("2026-06-18T17:00:00"),
	    CST("2026-06-19T12:00:00"),
	    "start 2026-06-18T17:00:00+08:00 due 2026-06-22T10:00:00+08:00 "
	    "used 1h", "a public holiday on a Friday (端午节)" },
	{ CN, "run", "2h working", RCV("2026-10-09T17:00:00"),
	    CST("2026-10-10T09:30:00"),
	    "start 2026-10-09T17:00:00+08:00 due 2026-10-10T10:00:00+08:00 "
	    "used 1h30m", "a make-up Saturday (国庆节调休)" },
	{ CN, "run", "2h working", RCV("2026-09-30T17:00:00"),
	    CST("2026-10-08T09:00:00"),
	    "start 2026-09-30T17:00:00+08:00 due 2026-10-08T10:00:00+08:00 "
	    "used 1h", "a week of holidays (国庆节)" },

	/* Pauses. */
	{ CN, "wait", "8h working", WEEKEND, CST("2026-11-30T12:00:00"),
	    "start 2026-11-27T10:00:00+08:00 due 2026-11-30T15:00:00+08:00 "
	    "used 6h30m", "a pause over a weekend, working time" },
	{ CN, "wait", "24h", WEEKEND, CST("2026-11-30T12:00:00"),
	    "start 2026-11-27T10:00:00+08:00 due 2026-12-01T04:00:00+08:00 "
	    "used 8h", "  calendar time: another answer" },
	{ CN, "wait", "8h working", WEEKEND_OPEN, CST("2026-11-28T12:00:00"),
	    "start 2026-11-27T10:00:00+08:00 paused left 3h30m used 4h30m",
	    "  still waiting, working time: what is left" },
	{ CN, "wait", "24h", WEEKEND_OPEN, CST("2026-11-28T12:00:00"),
	    "start 2026-11-27T10:00:00+08:00 paused left 18h used 6h",
	    "  still waiting, calendar time" },
	{ CN, "wait", "8h working", WEEKEND, CST("2026-11-27T15:00:00"),
	    "start 2026-11-27T10:00:00+08:00 due 2026-11-30T10:30:00+08:00 "
	    "used 3h30m", "  before the wait began, nothing of it is known" },
	{ CN, "run", "8h working", WEEKEND, CST("2026-11-30T12:00:00"),
	    "start 2026-11-27T10:00:00+08:00 due 2026-11-30T10:30:00+08:00 "
	    "breached used 8h", "a clock without pause (first response) "
	    "never pauses" },
	{ CN, "wait", "1h", PAUSED, CST("2026-11-24T13:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-24T11:00:00+08:00 "
	    "breached used 1h", "a wait that begins after the deadline "
	    "changes nothing" },
	{ CN, "wait", "4h", RCV("2026-11-24T10:00:00") HIST(
	    E("2026-11-24T11:00:00", "waiting") ","
	    E("2026-11-24T12:00:00", "note") ","
	    E("2026-11-24T12:10:00", "assigned") ","
	    E("2026-11-24T12:20:00", "reassigned") ","
	    E("2026-11-24T12:30:00", "routed") ","
	    E("2026-11-24T12:40:00", "escalated") ","
	    E("2026-11-24T12:45:00", "reclassified") ","
	    SLA("2026-11-24T12:50:00", "sla_warning") ","
	    E("2026-11-24T13:00:00", "waiting")),
	    CST("2026-11-24T16:00:00"),
	    "start 2026-11-24T10:00:00+08:00 paused left 3h used 1h",
	    "notes, routing, reclassifying, escalations and cx-sla's "
	    "entries leave a wait as it was" },
	{ CN, "wait", "4h", RCV("2026-11-24T10:00:00") HIST(
	    E("2026-11-24T11:00:00", "waiting") ","
	    E("2026-11-24T14:00:00", "progress")),
	    CST("2026-11-24T16:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-24T17:00:00+08:00 "
	    "used 3h", "work on the ticket ends a wait" },
	{ CN, "wait", "4h", RCV("2026-11-24T10:00:00")
	    HIST(E("2026-11-24T11:00:00", "waiting"))
	    ",\"followups\":[" FU("2026-11-24T15:00:00") "]",
	    CST("2026-11-24T16:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-24T18:00:00+08:00 "
	    "used 2h", "a message from the customer ends a wait" },
	{ CN, "wait", "4h", RCV("2026-11-24T10:00:00") HIST(
	    E("2026-11-24T11:00:00", "waiting") ","
	    E("2026-11-24T20:00:00", "resolved")),
	    CST("2026-11-25T10:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-24T23:00:00+08:00 "
	    "met 2026-11-24T20:00:00+08:00", "a stop action ends a wait" },
	{ CN, "wait", "4h", RCV("2026-11-24T10:00:00") HIST(
	    E("2026-11-24T11:00:00", "waiting") ","
	    E("2026-11-24T20:00:00", "resolved")),
	    CST("2026-11-24T19:00:00"),
	    "start 2026-11-24T10:00:00+08:00 paused left 3h used 1h",
	    "  and an entry after now is not there yet" },

	/* The priority changes while the ticket waits. */
	{ CN, "wait", "4h priority=urgent\ntarget wait 24h",
	    "\"priority\":\"normal\"," PAUSED, CST("2026-11-24T20:00:00"),
	    "start 2026-11-24T10:00:00+08:00 paused left 22h used 2h",
	    "paused at normal priority" },
	{ CN, "wait", "4h priority=urgent\ntarget wait 24h",
	    "\"priority\":\"urgent\"," PAUSED, CST("2026-11-24T20:00:00"),
	    "start 2026-11-24T10:00:00+08:00 paused left 2h used 2h",
	    "  made urgent: the new limit, the pause accrued kept" },
	{ CN, "wait", "4h priority=urgent\ntarget wait 24h",
	    "\"priority\":\"urgent\"," RESUMED, CST("2026-11-25T10:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-25T11:00:00+08:00 "
	    "used 3h", "  resumed: due two hours later" },
	{ CN, "wait", "4h priority=urgent\ntarget wait 24h",
	    "\"priority\":\"normal\"," RESUMED, CST("2026-11-25T10:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-26T07:00:00+08:00 "
	    "used 3h", "  had it stayed normal" },

	/* Reopening. */
	{ CN, "again", "24h", RCV("2026-11-20T10:00:00") HIST(
	    E("2026-11-20T16:00:00", "resolved") ","
	    E("2026-11-23T10:00:00", "reopened")),
	    CST("2026-11-23T20:00:00"),
	    "start 2026-11-20T10:00:00+08:00 due 2026-11-24T04:00:00+08:00 "
	    "used 16h", "reopen restarts a stopped clock, the stopped time "
	    "not counted" },
	{ CN, "again", "24h", RCV("2026-11-20T10:00:00") HIST(
	    E("2026-11-20T16:00:00", "resolved") ","
	    E("2026-11-23T10:00:00", "reopened") ","
	    E("2026-11-23T12:00:00", "resolved")),
	    CST("2026-11-24T20:00:00"),
	    "start 2026-11-20T10:00:00+08:00 due 2026-11-24T04:00:00+08:00 "
	    "met 2026-11-23T12:00:00+08:00", "  and stops again" },
	{ CN, "again", "24h", RCV("2026-11-20T10:00:00") HIST(
	    E("2026-11-20T16:00:00", "resolved")),
	    CST("2026-11-23T20:00:00"),
	    "start 2026-11-20T10:00:00+08:00 due 2026-11-21T10:00:00+08:00 "
	    "met 2026-11-20T16:00:00+08:00", "  before the reopen" },
	{ CN, "wait", "24h", RCV("2026-11-20T10:00:00") HIST(
	    E("2026-11-20T16:00:00", "resolved") ","
	    E("2026-11-23T10:00:00", "reopened")),
	    CST("2026-11-23T20:00:00"),
	    "start 2026-11-20T10:00:00+08:00 due 2026-11-21T10:00:00+08:00 "
	    "met 2026-11-20T16:00:00+08:00",
	    "a clock without reopen stays stopped" },
	{ CN, "wait", "24h", RCV("2026-11-20T10:00:00") HIST(
	    E("2026-11-22T16:00:00", "resolved")),
	    CST("2026-11-23T20:00:00"),
	    "start 2026-11-20T10:00:00+08:00 due 2026-11-21T10:00:00+08:00 "
	    "met 2026-11-22T16:00:00+08:00 breached", "met late" },

	/* from=customer: the customer's latest message. */
	{ CN, "next", "24h", RCV("2026-11-20T10:00:00") HIST(
	    E("2026-11-21T12:00:00", "replied"))
	    ",\"followups\":[" FU("2026-11-21T09:00:00") ","
	    FU("2026-11-23T15:00:00") "]",
	    CST("2026-11-22T10:00:00"),
	    "start 2026-11-21T09:00:00+08:00 due 2026-11-22T09:00:00+08:00 "
	    "met 2026-11-21T12:00:00+08:00",
	    "from=customer: the first follow-up, then a reply" },
	{ CN, "next", "24h", RCV("2026-11-20T10:00:00") HIST(
	    E("2026-11-21T12:00:00", "replied"))
	    ",\"followups\":[" FU("2026-11-21T09:00:00") ","
	    FU("2026-11-23T15:00:00") "]",
	    CST("2026-11-24T10:00:00"),
	    "start 2026-11-23T15:00:00+08:00 due 2026-11-24T15:00:00+08:00 "
	    "used 19h", "  the next follow-up starts it again" },
	{ CN, "next", "24h", RCV("2026-11-20T10:00:00") HIST(
	    E("2026-11-21T12:00:00", "replied") ","
	    E("2026-11-24T08:00:00", "customer_reply"))
	    ",\"followups\":[" FU("2026-11-21T09:00:00") ","
	    FU("2026-11-23T15:00:00") "]",
	    CST("2026-11-24T10:00:00"),
	    "start 2026-11-24T08:00:00+08:00 due 2026-11-25T08:00:00+08:00 "
	    "used 2h", "  and so does a customer_reply entry" },
	{ CN, "next", "24h", RCV("2026-11-20T10:00:00"),
	    CST("2026-11-20T12:00:00"),
	    "start 2026-11-20T10:00:00+08:00 due 2026-11-21T10:00:00+08:00 "
	    "used 2h", "  no message yet: from receipt" },

	/* Daylight saving time in Europe/Berlin. */
	{ OFFICE, "run", "24h", "\"received_at\":\"2026-03-28T12:00:00+01:00\"",
	    "2026-03-28T13:00:00+01:00",
	    "start 2026-03-28T12:00:00+01:00 due 2026-03-29T13:00:00+02:00 "
	    "used 1h", "Berlin spring: 24h calendar time is 13:00 next day" },
	{ OFFICE, "run", "8h working",
	    "\"received_at\":\"2026-03-28T12:00:00+01:00\"",
	    "2026-03-28T13:00:00+01:00",
	    "start 2026-03-28T12:00:00+01:00 due 2026-03-30T17:00:00+02:00 "
	    "used 0", "  8h working time: Monday's hours" },
	{ OFFICE, "run", "72h", "\"received_at\":\"2026-03-27T13:00:00+01:00\"",
	    "2026-03-30T12:00:00+02:00",
	    "start 2026-03-27T13:00:00+01:00 due 2026-03-30T14:00:00+02:00 "
	    "used 70h", "  72h calendar time from Friday 13:00" },
	{ OFFICE, "run", "1d working",
	    "\"received_at\":\"2026-03-27T13:00:00+01:00\"",
	    "2026-03-30T12:00:00+02:00",
	    "start 2026-03-27T13:00:00+01:00 due 2026-03-30T13:00:00+02:00 "
	    "used 7h", "  a working day from Friday 13:00: Monday 13:00" },
	{ OFFICE, "run", "24h", "\"received_at\":\"2026-10-24T12:00:00+02:00\"",
	    "2026-10-24T13:00:00+02:00",
	    "start 2026-10-24T12:00:00+02:00 due 2026-10-25T11:00:00+01:00 "
	    "used 1h", "Berlin autumn: 24h calendar time is 11:00 next day" },
	{ BER, "run", "1d working",
	    "\"received_at\":\"2026-03-28T12:00:00+01:00\"",
	    "2026-03-29T12:00:00+02:00",
	    "start 2026-03-28T12:00:00+01:00 due 2026-03-29T13:00:00+02:00 "
	    "used 23h", "  a desk that never closes: a working day is 24h" },

	/* Far deadlines. */
	{ CN, "run", "60d working", RCV("2026-08-03T09:00:00"),
	    CST("2026-08-03T10:00:00"),
	    "start 2026-08-03T09:00:00+08:00 due 2026-10-29T18:00:00+08:00 "
	    "used 1h", "60 working days, 90 days out" },
	{ CN, "run", "90d", RCV("2026-11-24T10:00:00"),
	    CST("2026-11-24T10:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2027-02-22T10:00:00+08:00 "
	    "used 0", "90 days of calendar time" },
	{ CN, "run", "1826d", RCV("2026-01-05T09:00:00"),
	    CST("2026-01-05T09:00:00"),
	    "start 2026-01-05T09:00:00+08:00 due 2031-01-05T09:00:00+08:00 "
	    "used 0", "five years of calendar time" },

	/* Which target. */
	{ CN, "wait", "-", RCV("2026-11-24T10:00:00"),
	    CST("2026-11-24T12:00:00"), "none", "target -: no such clock" },
	{ CN, "wait", "1h priority=urgent\ntarget wait -",
	    "\"priority\":\"urgent\"," RCV("2026-11-24T10:00:00"),
	    CST("2026-11-24T10:30:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-24T11:00:00+08:00 "
	    "used 30m", "  unless a line before it matches" },
	{ CN, "wait", "1h priority=urgent\ntarget wait -",
	    "\"priority\":\"high\"," RCV("2026-11-24T10:00:00"),
	    CST("2026-11-24T10:30:00"), "none", "  which it does not" },
	{ CN, "wait", "1h category=quality\ntarget wait 2h "
	    "category=quality,logistics\ntarget wait 3h",
	    "\"category\":\"quality\"," RCV("2026-11-24T10:00:00"),
	    CST("2026-11-24T10:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-24T11:00:00+08:00 "
	    "used 0", "the first matching target wins" },
	{ CN, "wait", "1h category=quality\ntarget wait 2h "
	    "category=quality,logistics\ntarget wait 3h",
	    "\"category\":\"logistics\"," RCV("2026-11-24T10:00:00"),
	    CST("2026-11-24T10:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-24T12:00:00+08:00 "
	    "used 0", "  a value of a list" },
	{ CN, "wait", "1h category=quality\ntarget wait 2h "
	    "category=quality,logistics\ntarget wait 3h",
	    RCV("2026-11-24T10:00:00"), CST("2026-11-24T10:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-24T13:00:00+08:00 "
	    "used 0", "  no category: the line without conditions" },
	{ CN, "wait", "1h priority=urgent category=quality\ntarget wait 3h",
	    "\"priority\":\"urgent\",\"category\":\"logistics\","
	    RCV("2026-11-24T10:00:00"), CST("2026-11-24T10:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-24T13:00:00+08:00 "
	    "used 0", "  every condition of a line must match" },
	{ CN, "wait", "1h", "\"registered_at\":\"2026-11-24T10:00:00+08:00\"",
	    CST("2026-11-24T10:00:00"),
	    "start 2026-11-24T10:00:00+08:00 due 2026-11-24T11:00:00+08:00 "
	    "used 0", "no received_at: from registered_at" },
	{ CN, "wait", "1h", "\"text\":\"没有时间\"", CST("2026-11-24T10:00:00"),
	    "none", "  neither: no clock" },
};

static char *
file(const char *name, const char *text)
{
	const char *path = tap_file(name, text, strlen(text));

	return cx_strndup(path, strlen(path));
}

static struct cx_sla_policy *
policy(const char *text)
{
	struct cx_sla_policy *p;
	struct cx_err err;
	char *path = file("policy", text);

	if ((p = cx_sla_load(path, &err)) == NULL)
		printf("# %s\n", err.msg);
	free(path);
	return p;
}

static struct cx_cal *
cal(const char *path)
{
	struct cx_cal *c;
	char *p;

	/* The Berlin office's calendar is written here, the others shipped. */
	p = strcmp(path, OFFICE) == 0 ? file(OFFICE, "timezone Europe/Berlin\n"
	    "hours mon-fri 09:00-17:00\nyear all\n") : cx_strndup(path,
	    strlen(path));
	c = tap_cal(path, p);
	free(p);
	return c;
}

static time_t
when(const char *s)
{
	struct cx_err err;
	time_t t;

	if (cx_time_parse(s, strlen(s), &t, &err) == -1) {
		printf("# %s: %s\n", s, err.msg);
		abort();
	}
	return t;
}

static void
span(long secs, struct cx_buf *b)
{
	struct cx_sla_span sp = { 0, secs, 0 };

	cx_sla_span_fmt(&sp, b);
}

/* A clock's answer in a line. */
static void
describe(const struct cx_sla_policy *p, const struct cx_sla_result *res,
    struct cx_buf *b)
{
	size_t i;

	b->len = 0;
	if (res->target < 0) {
		cx_buf_adds(b, "none");
		return;
	}
	cx_buf_adds(b, "start ");
	cx_time_fmt(res->start, b);
	if (res->has_due) {
		cx_buf_adds(b, " due ");
		cx_time_fmt(res->due, b);
	}
	if (res->met) {
		cx_buf_adds(b, " met ");
		cx_time_fmt(res->met_at, b);
	}
	if (res->paused) {
		cx_buf_adds(b, " paused left ");
		span(res->remaining, b);
	}
	if (res->breached)
		cx_buf_adds(b, " breached");
	if (!res->met) {
		cx_buf_adds(b, " used ");
		span(res->elapsed, b);
	}
	for (i = 0; i < p->next; i++)
		if (res->exts & 1UL << i)
			cx_buf_printf(b, " ext %s", p->ext[i].name);
}

/*
 * Clock name of p over the ticket {"id":"T",members} at now, described in
 * b; -1 with err if the clock cannot be counted.
 */
static int
run(const struct cx_sla_policy *p, const char *name, const char *calpath,
    const char *members, const char *now, struct cx_buf *b,
    struct cx_cal_info *info, struct cx_err *err)
{
	struct cx_sla_facts f = { 0 };
	struct cx_sla_result res;
	struct cx_rec r = { 0 };
	struct cx_buf line = { 0 };
	int k, rc = -1;

	b->len = 0;
	cx_buf_printf(&line, "{\"id\":\"T\",%s}", members);
	for (k = 0; k < p->nclock; k++)
		if (strcmp(p->clock[k].name, name) == 0)
			break;
	if (k == p->nclock) {
		cx_seterr(err, "no clock %s", name);
		goto out;
	}
	if (cx_rec_parse(&r, line.p, line.len, err, NULL) == -1 ||
	    cx_sla_facts(&f, &r, err) == -1 ||
	    cx_sla_clock(p, k, &r, &f, cal(calpath), when(now), &res, NULL,
	    info, err) == -1)
		goto out;
	describe(p, &res, b);
	rc = 0;
out:
	cx_sla_facts_free(&f);
	cx_rec_free(&r);
	cx_buf_free(&line);
	return rc;
}

static void
test_vectors(void)
{
	struct cx_buf b = { 0 }, text = { 0 };
	struct cx_sla_policy *p;
	struct cx_err err;
	const struct vec *v;
	size_t i;

	for (i = 0; i < NITEMS(vecs); i++) {
		v = &vecs[i];
		if (cx_tz_set(cx_cal_zone(cal(v->cal)), &err) == -1)
			abort();
		text.len = 0;
		cx_buf_printf(&text, "%starget %s %s\n", CLOCKS, v->clock,
		    v->target);
		if (!ok((p = policy(cx_buf_str(&text))) != NULL,
		    "%s: policy loads", v->what))
			continue;
		if (run(p, v->clock, v->cal, v->rec, v->now, &b, NULL,
		    &err) == -1)
			cx_buf_printf(&b, "error: %s", err.msg);
		is_str(cx_buf_str(&b), v->want, v->what);
		cx_sla_free(p);
	}
	cx_buf_free(&b);
	cx_buf_free(&text);
}

/* Force majeure: +SPAN in the clock's own time, or a range that pauses. */
/* Extension lines, one or more, each ending at a newline or the end. */
static int
extensions(struct cx_sla_policy *p, const char *text, struct cx_err *err)
{
	const char *nl;
	unsigned long line = 1;

	for (;; text = nl + 1, line++) {
		nl = strchr(text, '\n');
		if (cx_sla_ext_line(p, text, nl != NULL ? (size_t)(nl - text) :
		    strlen(text), line, err) == -1)
			return -1;
		if (nl == NULL)
			return 0;
	}
}

static void
test_extensions(void)
{
	static const struct {
		const char	*ext;
		const char	*clock;
		const char	*rec;		/* after received_at */
		const char	*recv, *now;
		const char	*want;
		const char	*what;
	} t[] = {
		{ NULL, "wait", "", "2026-11-27T10:00:00",
		    "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-30T10:00:00+08:00 "
		    "used 2h", "1d working, no extension" },
		{ NULL, "cwait", "", "2026-11-27T10:00:00",
		    "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-28T10:00:00+08:00 "
		    "used 2h", "24h calendar time, no extension" },
		{ "typhoon 2026-11-20 2026-11-30 +1d region=广东,福建",
		    "wait", ",\"region\":\"福建\"", "2026-11-27T10:00:00",
		    "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-12-01T10:00:00+08:00 "
		    "used 2h ext typhoon",
		    "+1d on a working clock: 7h30m more" },
		{ "typhoon 2026-11-20 2026-11-30 +1d region=广东,福建",
		    "cwait", ",\"region\":\"福建\"", "2026-11-27T10:00:00",
		    "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-29T10:00:00+08:00 "
		    "used 2h ext typhoon", "  on a calendar clock: 24h more" },
		{ "typhoon 2026-11-20 2026-11-30 +1d region=广东,福建",
		    "wait", ",\"region\":\"北京\"", "2026-11-27T10:00:00",
		    "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-30T10:00:00+08:00 "
		    "used 2h", "  not in a region named" },
		{ "typhoon 2026-11-20 2026-11-30 +1d region=广东,福建",
		    "wait", "", "2026-11-27T10:00:00", "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-30T10:00:00+08:00 "
		    "used 2h", "  no region at all" },
		{ "typhoon 2026-11-20 2026-11-30 +1d region=广东,福建",
		    "run", ",\"region\":\"福建\"", "2026-11-27T10:00:00",
		    "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-28T10:00:00+08:00 "
		    "used 2h", "  not a clock that never pauses" },
		{ "typhoon 2026-11-20 2026-11-30 +1d clock=run",
		    "run", "", "2026-11-27T10:00:00", "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-29T10:00:00+08:00 "
		    "used 2h ext typhoon", "  unless clock= names it" },
		{ "typhoon 2026-11-20 2026-11-30 +1d clock=run",
		    "wait", "", "2026-11-27T10:00:00", "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-30T10:00:00+08:00 "
		    "used 2h", "  and then only the clocks it names" },
		{ "typhoon 2026-11-20 2026-11-26 +1d", "wait", "",
		    "2026-11-26T23:00:00", "2026-11-27T12:00:00",
		    "start 2026-11-26T23:00:00+08:00 "
		    "due 2026-11-30T18:00:00+08:00 "
		    "used 3h ext typhoon", "  received on its last day" },
		{ "typhoon 2026-11-20 2026-11-26 +1d", "wait", "",
		    "2026-11-27T00:00:00", "2026-11-27T12:00:00",
		    "start 2026-11-27T00:00:00+08:00 "
		    "due 2026-11-27T18:00:00+08:00 "
		    "used 3h", "  received after it" },
		{ "typhoon 2026-11-28 2026-11-30 +1d", "wait", "",
		    "2026-11-27T10:00:00", "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-12-01T10:00:00+08:00 "
		    "used 2h ext typhoon",
		    "  announced: a deadline it will delay moves at once" },
		{ "typhoon 2026-12-02 2026-12-05 +1d", "wait", "",
		    "2026-11-27T10:00:00", "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-30T10:00:00+08:00 "
		    "used 2h", "  one due before it begins does not" },
		{ "typhoon 2026-11-28 2026-11-30 +1d", "wait",
		    ",\"history\":[" E("2026-11-27T15:00:00", "resolved") "]",
		    "2026-11-27T10:00:00", "2026-11-28T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-30T10:00:00+08:00 "
		    "met 2026-11-27T15:00:00+08:00",
		    "  stopped before it began" },
		{ "strike 2026-11-28 2026-11-28 pause carrier=中通 "
		    "category=logistics", "cwait",
		    ",\"carrier\":\"中通\",\"category\":\"logistics\"",
		    "2026-11-27T10:00:00", "2026-11-28T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-29T10:00:00+08:00 "
		    "used 14h ext strike",
		    "pause: Saturday does not count on a calendar clock" },
		{ "strike 2026-11-28 2026-11-28 pause carrier=中通 "
		    "category=logistics", "wait",
		    ",\"carrier\":\"中通\",\"category\":\"logistics\"",
		    "2026-11-27T10:00:00", "2026-11-28T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-30T10:00:00+08:00 "
		    "used 6h30m ext strike",
		    "  nor on a working one, where it never did" },
		{ "strike 2026-11-28 2026-11-28 pause carrier=中通 "
		    "category=logistics", "cwait",
		    ",\"carrier\":\"中通\",\"category\":\"quality\"",
		    "2026-11-27T10:00:00", "2026-11-28T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-28T10:00:00+08:00 "
		    "breached used 24h", "  another category: not extended" },
		{ "strike 2026-11-30 2026-11-30 pause", "wait", "",
		    "2026-11-27T10:00:00", "2026-11-30T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-12-01T10:00:00+08:00 "
		    "used 6h30m ext strike", "  a working Monday paused" },
		{ "strike 2026-11-30 2026-11-30 pause", "wait", "",
		    "2026-11-27T10:00:00", "2026-11-29T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-12-01T10:00:00+08:00 "
		    "used 6h30m ext strike",
		    "  and counts before it begins, once announced" },
		{ "strike 2026-11-30 2026-11-30 +1d", "wait",
		    ",\"history\":[" E("2026-11-27T11:00:00", "waiting") "]",
		    "2026-11-27T10:00:00", "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 paused left 6h30m "
		    "used 1h", "  paused: one yet to begin waits for the due "
		    "time" },
		{ "strike 2026-11-26 2026-11-30 +1d", "wait",
		    ",\"history\":[" E("2026-11-27T11:00:00", "waiting") "]",
		    "2026-11-27T10:00:00", "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 paused left 14h "
		    "used 1h ext strike", "  paused in one begun: it applies" },
		{ "typhoon 2026-11-26 2026-11-27 +1d\n"
		    "strike 2026-11-30 2026-11-30 pause", "wait", "",
		    "2026-11-27T10:00:00", "2026-11-27T12:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-12-02T10:00:00+08:00 "
		    "used 2h ext typhoon ext strike",
		    "  one carries the clock into another's range" },
		{ "outage 2026-11-27T14:00:00+08:00 2026-11-27T16:00:00+08:00 "
		    "pause", "wait", "", "2026-11-27T10:00:00",
		    "2026-11-27T17:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-30T12:00:00+08:00 "
		    "used 3h30m ext outage", "  two hours given as times" },
		{ "outage 2026-11-27T14:00:00+08:00 2026-11-27T16:00:00+08:00 "
		    "pause", "wait", ",\"history\":["
		    E("2026-11-27T15:00:00", "waiting") ","
		    E("2026-11-27T17:00:00", "customer_reply") "]",
		    "2026-11-27T10:00:00", "2026-11-27T17:00:00",
		    "start 2026-11-27T10:00:00+08:00 "
		    "due 2026-11-30T14:30:00+08:00 "
		    "used 2h30m ext outage",
		    "  overlapping a wait: counted once" },
	};
	struct cx_sla_policy *p;
	struct cx_buf b = { 0 }, rec = { 0 };
	struct cx_err err;
	size_t i;

	cx_tz_set("Asia/Shanghai", &err);
	for (i = 0; i < NITEMS(t); i++) {
		p = policy(CLOCKS "clock cwait from=received stop=resolved "
		    "pause\ntarget run 24h\ntarget wait 1d working\n"
		    "target cwait 24h\n");
		if (p == NULL)
			abort();
		if (t[i].ext != NULL && !ok(extensions(p, t[i].ext, &err) == 0,
		    "%s: extension reads", t[i].what)) {
			printf("#   %s\n", err.msg);
			cx_sla_free(p);
			continue;
		}
		rec.len = 0;
		cx_buf_printf(&rec, "\"received_at\":\"%s+08:00\"%s",
		    t[i].recv, t[i].rec);
		b.len = 0;
		cx_buf_printf(&b, "%s+08:00", t[i].now);
		if (run(p, t[i].clock, CN, cx_buf_str(&rec), cx_buf_str(&b),
		    &b, NULL, &err) == -1)
			cx_buf_printf(&b, "error: %s", err.msg);
		is_str(cx_buf_str(&b), t[i].want, t[i].what);
		cx_sla_free(p);
	}
	cx_buf_free(&b);
	cx_buf_free(&rec);
}

/*
 * Far deadlines in working time: they return, and quickly.  1250 working
 * days from Monday 5 January 2026: 247 in 2026 (259 weekdays, 17 of them
 * holidays, 5 make-up days), 261 in 2027, 260 in 2028, 261 in 2029 (no
 * holidays known: weekdays only), and the 221st of 2030 is Tuesday 5
 * November.
 */
static void
test_far(void)
{
	struct cx_sla_policy *p;
	struct cx_cal_info info;
	struct cx_buf b = { 0 };
	struct cx_err err;
	clock_t t0;
	double ms;
	int i;

	cx_tz_set("Asia/Shanghai", &err);
	p = policy(CLOCKS "target run 1250d working\n");
	if (p == NULL)
		abort();
	memset(&info, 0, sizeof(info));
	t0 = clock();
	for (i = 0; i < 100; i++)
		if (run(p, "run", CN, RCV("2026-01-05T09:00:00"),
		    CST("2026-01-05T10:00:00"), &b, &info, &err) == -1)
			break;
	ms = (double)(clock() - t0) * 1000 / CLOCKS_PER_SEC / 100;
	is_str(cx_buf_str(&b), "start 2026-01-05T09:00:00+08:00 "
	    "due 2030-11-05T18:00:00+08:00 used 1h",
	    "1250 working days, five years out");
	ok(info.nmissing == 4 && info.missing[0] == 2027 &&
	    info.missing[3] == 2030, "  the years without holidays reported");
	printf("# five years of working time took %.3f ms\n", ms);
	ok(ms < 50, "  in well under a second");
	cx_sla_free(p);
	cx_buf_free(&b);
}

/* A calendar without working time: an error, never a hang. */
static void
test_no_time(void)
{
	struct cx_sla_policy *p;
	struct cx_cal *c;
	struct cx_buf b = { 0 };
	struct cx_err err;
	char *path;

	path = file("cal-closed", "timezone Asia/Shanghai\n"
	    "hours mon-fri -\nhours sat,sun -\n");
	c = cx_cal_load(path, &err);
	ok(c == NULL, "a calendar with no working time does not load");
	cx_buf_printf(&b, "%s: no working time: no hours in the week and no "
	    "workday", path);
	is_str(c == NULL ? err.msg : NULL, cx_buf_str(&b), "  saying why");
	cx_cal_free(c);
	free(path);

	/* One make-up day, and then nothing: the deadline cannot be found. */
	cx_tz_set("Asia/Shanghai", &err);
	p = policy(CLOCKS "target run 2h working\n");
	if (p == NULL)
		abort();
	ok(run(p, "run", "tests/data/cal-oneday", RCV("2026-10-09T12:00:00"),
	    CST("2026-10-09T12:00:00"), &b, NULL, &err) == 0,
	    "the one working day of a calendar is found");
	is_str(cx_buf_str(&b), "start 2026-10-09T12:00:00+08:00 "
	    "due 2026-10-10T11:00:00+08:00 used 0", "  due on it");
	ok(run(p, "run", "tests/data/cal-oneday", RCV("2026-10-10T17:00:00"),
	    CST("2026-10-10T17:00:00"), &b, NULL, &err) == -1,
	    "after it a working-time clock is an error, not a hang");
	is_str(err.msg, "no working time in the 100 years after the start",
	    "  saying why");
	cx_sla_free(p);
	cx_buf_free(&b);
}

static void
test_spans(void)
{
	static const struct {
		const char	*in;
		int		 ok;
		long		 days, secs;
		const char	*out;
	} t[] = {
		{ "30m", 0, 0, 1800, "30m" },
		{ "2h", 0, 0, 7200, "2h" },
		{ "1d", 0, 1, 0, "1d" },
		{ "1h30m", 0, 0, 5400, "1h30m" },
		{ "90m", 0, 0, 5400, "1h30m" },
		{ "2d4h", 0, 2, 4 * 3600, "2d4h" },
		{ "45s", 0, 0, 45, "45s" },
		{ "1h0m5s", 0, 0, 3605, "1h5s" },
		{ "48h", 0, 0, 48 * 3600, "48h" },
		{ "0", 0, 0, 0, "0" },
		{ "0h", 0, 0, 0, "0" },
		{ "", -1, 0, 0, NULL },
		{ "30", -1, 0, 0, NULL },
		{ "h", -1, 0, 0, NULL },
		{ "1x", -1, 0, 0, NULL },
		{ "1h30", -1, 0, 0, NULL },
		{ "-1h", -1, 0, 0, NULL },
		{ "+1h", -1, 0, 0, NULL },
		{ "1.5h", -1, 0, 0, NULL },
		{ "1 h", -1, 0, 0, NULL },
		{ "1H", -1, 0, 0, NULL },
		{ "36601d", -1, 0, 0, NULL },
		{ "99999999999h", -1, 0, 0, NULL },
	};
	struct cx_sla_span sp, w = { 1, 1800, 1 };
	struct cx_buf b = { 0 };
	struct cx_cal *c;
	size_t i;
	int r;

	for (i = 0; i < NITEMS(t); i++) {
		r = cx_sla_span_parse(t[i].in, strlen(t[i].in), &sp);
		if (t[i].ok == -1) {
			ok(r == -1, "span \"%s\" is refused", t[i].in);
			continue;
		}
		ok(r == 0 && sp.days == t[i].days && sp.secs == t[i].secs,
		    "span \"%s\" reads", t[i].in);
		b.len = 0;
		sp.working = 0;
		cx_sla_span_fmt(&sp, &b);
		is_str(cx_buf_str(&b), t[i].out, "  and prints back");
	}
	b.len = 0;
	cx_sla_span_fmt(&w, &b);
	is_str(cx_buf_str(&b), "1d30m working", "a working span says so");
	c = cal(CN);
	ok(cx_sla_span_secs(&w, c) == 7 * 3600 + 1800 + 1800,
	    "  a working day is the calendar's average: 7h30m");
	w.working = 0;
	ok(cx_sla_span_secs(&w, c) == 86400 + 1800, "  a calendar day 24h");
	w.working = 1;
	ok(cx_sla_span_secs(&w, cal(OFFICE)) == 8 * 3600 + 1800,
	    "  of an 8-hour office, 8h");
	cx_buf_free(&b);
}

static void
test_policy_errors(void)
{
	static const struct {
		const char	*text;
		const char	*want;		/* after "PATH:" */
	} t[] = {
		{ "clock a from=received\n",
		    "1: clock a: needs from= and stop=" },
		{ "clock a stop=resolved\n",
		    "1: clock a: needs from= and stop=" },
		{ "# two\nclock a from=received stop=x\n"
		    "clock a from=customer stop=y\n",
		    "3: clock a: declared twice" },
		{ "clock a from=received stop=x pauses\n",
		    "1: clock a: unknown \"pauses\" (from=, stop=, pause, "
		    "reopen)" },
		{ "clock a from=email stop=x\n",
		    "1: clock a: unknown \"from=email\" (from=, stop=, pause, "
		    "reopen)" },
		{ "clock\n", "1: clock: expected a name" },
		{ "clock a from=received stop=x\ntarget b 1h\n",
		    "2: target: \"b\" is no clock declared above" },
		{ "target a 1h\nclock a from=received stop=x\n",
		    "1: target: \"a\" is no clock declared above" },
		{ "clock a from=received stop=x\ntarget a\n",
		    "2: target: expected a limit (30m, 24h, 2d or -)" },
		{ "clock a from=received stop=x\ntarget a soon\n",
		    "2: target: bad limit \"soon\" (30m, 24h, 2d)" },
		{ "clock a from=received stop=x\ntarget a 1h priority\n",
		    "2: expected FIELD=VALUE, not \"priority\"" },
		{ "clock a from=received stop=x\ntarget a 1h =urgent\n",
		    "2: expected FIELD=VALUE, not \"=urgent\"" },
		{ "clock a from=received stop=x\nwarn 90% 75%\n",
		    "2: warn: expected rising shares 1%..99%, not \"75%\"" },
		{ "clock a from=received stop=x\nwarn 100%\n",
		    "2: warn: expected rising shares 1%..99%, not \"100%\"" },
		{ "clock a from=received stop=x\nwarn 75\n",
		    "2: warn: expected rising shares 1%..99%, not \"75\"" },
		{ "clock a from=received stop=x\nwarn 10% 20% 30% 40% 50%\n",
		    "2: warn: at most 4 shares" },
		{ "clock a from=received stop=x\nescalate soon notify=owner\n",
		    "2: escalate: expected a delay after the breach (0, 2h, "
		    "1d)" },
		{ "clock a from=received stop=x\nescalate 2h working\n",
		    "2: escalate: does nothing" },
		{ "clock a from=received stop=x\nescalate 0 notify=boss\n",
		    "2: notify: \"boss\" is not assignee, owner or "
		    "supervisor" },
		{ "clock a from=received stop=x\nescalate 0 upgrade\n",
		    "2: escalate: unknown \"upgrade\" (notify=, queue=, "
		    "raise)" },
		{ "clock a from=received stop=x\ncalendar *\n",
		    "2: calendar: expected DEPARTMENT (or *) and FILE" },
		{ "clock a from=received stop=x\ncalendar * a b\n",
		    "2: calendar: expected DEPARTMENT (or *) and FILE" },
		{ "clock a from=received stop=x\ncalendar * ../../etc/x\n",
		    "2: calendar: \"../../etc/x\" is no file name: the file "
		    "is named as it is in etc/, without a directory" },
		{ "clock a from=received stop=x\ncalendar 物流部 ..\n",
		    "2: calendar: \"..\" is no file name: the file is named "
		    "as it is in etc/, without a directory" },
		{ "clock a from=received stop=x\ndeadline a 1h\n",
		    "2: unknown line \"deadline\" (clock, target, warn, "
		    "escalate, calendar)" },
		{ "clock a from=received stop=x\ntarget a 1h\n\xff\n",
		    "3: invalid UTF-8" },
		{ "# nothing but comments\n\n", " no clocks" },
		{ "warn 75% 90%\n", " no clocks" },
	};
	struct cx_sla_policy *p;
	struct cx_buf want = { 0 };
	struct cx_err err;
	char *path;
	size_t i;

	for (i = 0; i < NITEMS(t); i++) {
		path = file("bad-policy", t[i].text);
		want.len = 0;
		cx_buf_printf(&want, "%s:%s", path, t[i].want);
		p = cx_sla_load(path, &err);
		ok(p == NULL, "bad policy %zu refused", i + 1);
		is_str(p == NULL ? err.msg : NULL, cx_buf_str(&want),
		    "  with file:line: message");
		cx_sla_free(p);
		free(path);
	}
	cx_buf_free(&want);
}

static void
test_ext_errors(void)
{
	static const struct {
		const char	*text;
		const char	*want;
	} t[] = {
		{ "", "expected NAME FROM TO +SPAN|pause" },
		{ "typhoon", "typhoon: expected FROM and TO, dates or times" },
		{ "typhoon 2026-09-10", "typhoon: expected FROM and TO, dates "
		    "or times" },
		{ "typhoon 2026-09-10 soon +2d", "typhoon: expected FROM and "
		    "TO, dates or times" },
		{ "typhoon 2026-09-14 2026-09-10 +2d",
		    "typhoon: TO is not after FROM" },
		{ "typhoon 2026-09-10 2026-09-14", "typhoon: expected +SPAN "
		    "(+48h, +2d) or pause" },
		{ "typhoon 2026-09-10 2026-09-14 2d", "typhoon: expected +SPAN "
		    "(+48h, +2d) or pause" },
		{ "typhoon 2026-09-10 2026-09-14 +2x",
		    "typhoon: expected +SPAN (+48h, +2d) or pause" },
		{ "typhoon 2026-09-10 2026-09-14 paused", "typhoon: expected "
		    "+SPAN (+48h, +2d) or pause" },
		{ "typhoon 2026-09-10 2026-09-14 +2d region",
		    "expected FIELD=VALUE, not \"region\"" },
	};
	struct cx_sla_policy *p;
	struct cx_buf want = { 0 };
	struct cx_err err;
	char *path;
	size_t i;

	cx_tz_set("Asia/Shanghai", &err);
	for (i = 0; i < NITEMS(t); i++) {
		if ((p = policy(CLOCKS)) == NULL)
			abort();
		ok(cx_sla_ext_line(p, t[i].text, strlen(t[i].text), 1,
		    &err) == -1, "bad extension \"%s\" refused", t[i].text);
		is_str(err.msg, t[i].want, "  saying why");
		cx_sla_free(p);
	}
	/* One day is a range: FROM and TO the same date. */
	p = policy(CLOCKS);
	ok(p != NULL && cx_sla_ext_line(p, "a 2026-09-10 2026-09-10 pause",
	    29, 1, &err) == 0 && p->ext[0].to - p->ext[0].from == 86400 &&
	    p->ext[0].pause, "a day's extension is that whole day");
	cx_sla_free(p);
	/* A file gives file:line. */
	p = policy(CLOCKS);
	path = file("ext", "# force majeure\nok 2026-09-10 2026-09-14 +2d\n"
	    "\nbad 2026-09-14 2026-09-10 +2d\n");
	ok(p != NULL && cx_sla_ext_load(p, path, &err) == -1,
	    "an extensions file with a bad line is refused");
	want.len = 0;
	cx_buf_printf(&want, "%s:4: bad: TO is not after FROM", path);
	is_str(err.msg, cx_buf_str(&want), "  with file:line: message");
	cx_sla_free(p);
	free(path);
	cx_buf_free(&want);
}

/* Which calendar file a department's tickets count in. */
static void
test_calfile(void)
{
	struct cx_sla_policy *p;

	p = policy(CLOCKS "calendar 物流部 cal-logistics\ncalendar * cal-main\n"
	    "calendar 质检 cal-qa\n");
	if (p == NULL)
		abort();
	is_str(cx_sla_calfile(p, "物流部"), "cal-logistics",
	    "a department's own calendar");
	is_str(cx_sla_calfile(p, "质检"), "cal-qa", "  after the * line too");
	is_str(cx_sla_calfile(p, "客服部"), "cal-main", "  others: the * line");
	is_str(cx_sla_calfile(p, NULL), "cal-main", "  no department: * too");
	cx_sla_free(p);
	p = policy(CLOCKS);
	is_str(cx_sla_calfile(p, "物流部"), "calendar",
	    "no calendar line: the file \"calendar\"");
	cx_sla_free(p);
}

static void
test_facts(void)
{
	static const char *const bad[] = {
		"{\"id\":\"T\",\"received_at\":\"yesterday\"}",
		"{\"id\":\"T\",\"received_at\":\"2026-11-24T10:00:00+08:00\","
		    "\"history\":[{\"at\":\"soon\",\"action\":\"waiting\"}]}",
		"{\"id\":\"T\",\"received_at\":\"2026-11-24T10:00:00+08:00\","
		    "\"followups\":[{\"received_at\":\"2026-13-01\"}]}",
	};
	struct cx_sla_facts f = { 0 };
	struct cx_rec r = { 0 };
	struct cx_err err;
	size_t i;

	for (i = 0; i < NITEMS(bad); i++) {
		if (cx_rec_parse(&r, bad[i], strlen(bad[i]), &err, NULL) == -1)
			abort();
		ok(cx_sla_facts(&f, &r, &err) == -1,
		    "a time that is not one is an error (%zu)", i + 1);
	}
	is_str(err.msg, "a time in history or followups is not a time",
	    "  saying where");
	cx_sla_facts_free(&f);
	cx_rec_free(&r);
}

/* How far a clock is: the warning shares, then the breach. */
static void
test_levels(void)
{
	static const struct {
		long		 limit, elapsed;
		int		 breached, met;
		int		 want;
	} t[] = {
		{ 14400, 0, 0, 0, 0 },
		{ 14400, 10799, 0, 0, 0 },
		{ 14400, 10800, 0, 0, 1 },
		{ 14400, 12959, 0, 0, 1 },
		{ 14400, 12960, 0, 0, 2 },
		{ 14400, 14399, 0, 0, 2 },
		{ 14400, 14400, 1, 0, 3 },
		{ 14400, 14400, 1, 1, 3 },
		{ 14400, 13000, 0, 1, 0 },
		{ 1001, 750, 0, 0, 0 },		/* 74.93%: not yet */
		{ 1001, 751, 0, 0, 1 },		/* 75.02% */
		{ 5000000000L / 100, 3750000000L / 100, 0, 0, 1 },
	};
	struct cx_sla_policy *p;
	struct cx_sla_result r;
	size_t i;

	p = policy(CLOCKS "target run 4h working\nwarn 75% 90%\n");
	if (p == NULL)
		abort();
	for (i = 0; i < NITEMS(t); i++) {
		memset(&r, 0, sizeof(r));
		r.target = 0;
		r.limit = t[i].limit;
		r.elapsed = t[i].elapsed;
		r.breached = t[i].breached;
		r.met = t[i].met;
		ok(cx_sla_level(p, &r) == t[i].want,
		    "%ld of %ld%s%s: level %d", t[i].elapsed, t[i].limit,
		    t[i].breached ? ", breached" : "", t[i].met ? ", met" : "",
		    t[i].want);
	}
	r.target = -1;
	ok(cx_sla_level(p, &r) == 0, "no such clock: level 0");
	cx_sla_free(p);
}

/* A ticket's clocks as the sla member, and what was said read back. */
static void
test_member(void)
{
	static const char rec[] = "{\"id\":\"T\"," RCV("2026-11-24T09:00:00")
	    HIST(E("2026-11-24T09:30:00", "replied") ","
	    E("2026-11-24T10:00:00", "waiting")) "}";
	static const char *const said[] = {
		"{\"at\":\"x\",\"by\":\"cx-sla\",\"action\":\"sla_warning\","
		    "\"clock\":\"run\",\"share\":90,"
		    "\"since\":\"2026-11-24T09:00:00+08:00\"}",
		"{\"by\":\"cx-sla\",\"action\":\"sla_warning\",\"clock\":\"wait\","
		    "\"share\":75,\"since\":\"2026-11-23T09:00:00+08:00\"}",
		"{\"by\":\"小李\",\"action\":\"sla_breach\",\"clock\":\"wait\","
		    "\"since\":\"2026-11-24T09:00:00+08:00\"}",
		"{\"by\":\"cx-sla\",\"action\":\"sla_warning\",\"clock\":\"next\","
		    "\"share\":80,\"since\":\"2026-11-24T09:00:00+08:00\"}",
		"{\"by\":\"cx-sla\",\"action\":\"sla_breach\",\"clock\":\"again\","
		    "\"since\":\"2026-11-24T09:00:00+08:00\"}",
		"{\"by\":\"cx-sla\",\"action\":\"escalated\",\"level\":2}",
		"{\"by\":\"cx-sla\",\"action\":\"escalated\",\"level\":1}",
		"{\"by\":\"cx-sla\",\"action\":\"extended\",\"name\":\"storm\"}",
	};
	static const char storm[] = "storm 2026-11-24 2026-11-24 +2h "
	    "clock=wait,next";
	struct cx_sla_result res[CX_SLA_MAXCLOCK];
	struct cx_sla_facts f = { 0 };
	struct cx_sla_said sd = { 0 };
	struct cx_sla_policy *p;
	struct cx_rec r = { 0 };
	struct cx_buf b = { 0 };
	struct cx_err err;
	size_t i;
	int k;

	cx_tz_set("Asia/Shanghai", &err);
	p = policy(CLOCKS "target run 4h working\ntarget wait 1d working\n"
	    "target again 24h\ntarget again -\ntarget next 2h\n"
	    "warn 75% 90%\n");
	if (p == NULL || cx_sla_ext_line(p, storm, strlen(storm), 1,
	    &err) == -1 ||
	    cx_rec_parse(&r, rec, strlen(rec), &err, NULL) == -1 ||
	    cx_sla_facts(&f, &r, &err) == -1)
		abort();
	for (k = 0; k < p->nclock; k++)
		if (cx_sla_clock(p, k, &r, &f, cal(CN),
		    when("2026-11-24T11:00:00+08:00"), &res[k], NULL, NULL,
		    &err) == -1)
			abort();
	cx_sla_member(p, res, &b);
	is_str(cx_buf_str(&b), "{"
	    "\"run\":{\"limit\":\"4h working\","
	    "\"start\":\"2026-11-24T09:00:00+08:00\","
	    "\"due\":\"2026-11-24T14:30:00+08:00\","
	    "\"breached\":false,\"paused\":false},"
	    "\"wait\":{\"limit\":\"1d working\","
	    "\"start\":\"2026-11-24T09:00:00+08:00\","
	    "\"remaining\":\"8h30m working\","
	    "\"breached\":false,\"paused\":true,\"extended\":[\"storm\"]},"
	    "\"again\":{\"limit\":\"24h\","
	    "\"start\":\"2026-11-24T09:00:00+08:00\","
	    "\"remaining\":\"23h\",\"breached\":false,\"paused\":true},"
	    "\"next\":{\"limit\":\"2h\","
	    "\"start\":\"2026-11-24T09:00:00+08:00\","
	    "\"due\":\"2026-11-24T13:00:00+08:00\","
	    "\"met_at\":\"2026-11-24T09:30:00+08:00\","
	    "\"breached\":false,\"paused\":false,\"extended\":[\"storm\"]}}",
	    "the sla member: clocks in order, due or remaining, extensions");

	cx_sla_said_reset(&sd);
	for (i = 0; i < NITEMS(said); i++)
		cx_sla_said_entry(&sd, p, res, said[i], strlen(said[i]));
	ok(sd.level[0] == 2, "a 90%% warning of this cycle: level 2");
	ok(sd.level[1] == 0, "  one of another cycle, or not cx-sla's: "
	    "nothing");
	ok(sd.level[3] == 1, "  a share between two: the lower level");
	ok(sd.level[2] == 3, "  a breach: above the warnings");
	ok(sd.esc == 2, "  the highest rung taken");
	ok(cx_sla_said_ext(&sd, "storm") && !cx_sla_said_ext(&sd, "storms") &&
	    !cx_sla_said_ext(&sd, "stor"), "  the extensions noted, by name");
	cx_sla_said_reset(&sd);
	ok(sd.level[0] == 0 && sd.esc == 0 && !cx_sla_said_ext(&sd, "storm"),
	    "  and forgotten at a reset");
	cx_sla_said_free(&sd);
	cx_sla_facts_free(&f);
	cx_rec_free(&r);
	cx_buf_free(&b);
	cx_sla_free(p);
}

int
main(void)
{
	test_vectors();
	test_extensions();
	test_far();
	test_no_time();
	test_spans();
	test_policy_errors();
	test_ext_errors();
	test_calfile();
	test_facts();
	test_levels();
	test_member();
	tap_cal_free();
	tap_cleanup();
	return done_testing();
}
