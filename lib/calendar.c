/*
 * calendar.c: working time, for deadlines that count only working hours.
 *
 * A calendar (cx-calendar(5)) gives weekly hours as local ranges per
 * weekday, dated and yearly holidays, and the make-up working days of the
 * Chinese calendar (调休).  Everything is computed in the calendar's own
 * zone, day by day: a day's local ranges become instants for that day, so
 * a day of 23 or 25 hours comes out right.  Whole weeks without a holiday,
 * a make-up day or an offset change are skipped at once (their working
 * time is the weekly total), so a deadline years away costs a few hundred
 * steps, and a calendar that never works stops at a 100-year cap.
 *
 * The calendar file is read by calfile.c.
 *
 * The C library converts times only in the zone named by TZ, which time.c
 * owns.  A call here sets TZ to the calendar's zone, unless it is that
 * already, and puts it back before returning, so time.c's notion of the
 * zone (and its offset cache) is what it was.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "priv.h"

#define MAXDAYS		(100L * 366)	/* how far a search goes */
#define DAY		86400L

struct zsave {
	char	*old;
	int	 had, swapped;
};

/* Set while a call runs in a zone not the run's: time.c's cache is off. */
static int inzone;

int
cx_cal_weekday(long long day)
{
	return (int)(((day + 4) % 7 + 7) % 7);	/* 1970-01-01 was a Thursday */
}

/* Zone switching: see the top of the file. */
static void
zone_enter(const struct cx_cal *c, struct zsave *z)
{
	const char *cur;

	z->swapped = 0;
	/* time.c owns TZ: its zone's name says what TZ holds, cheaply. */
	if (strcmp(cx_tz_name(), c->zone) == 0)
		return;
	cur = getenv("TZ");
	if (cur != NULL && strcmp(cur, c->tzenv) == 0)
		return;
	z->had = cur != NULL;
	z->old = cur != NULL ? cx_strndup(cur, strlen(cur)) : NULL;
	/* A zone that fails to load is remembered: see cx_tz_ok. */
	(void)cx_tz_apply(c->tzenv, NULL);
	z->swapped = 1;
	inzone = 1;
}

static void
zone_leave(struct zsave *z)
{
	if (!z->swapped)
		return;
	if (z->had)
		(void)cx_tz_apply(z->old, NULL);
	else {
		unsetenv("TZ");
		tzset();
	}
	free(z->old);
	inzone = 0;
}

static long
offset(time_t t)
{
	struct tm tm;

	if (!inzone)
		return cx_tz_offset(t);
	return localtime_r(&t, &tm) != NULL ? tm.tm_gmtoff : 0;
}

/*
 * The instant of a local day and time, as time.c reads a local time: the
 * offset in force a day before if it gives the wall time back, else the one
 * a day after; so a time in a spring-forward gap moves on by the gap and
 * one in a repeated hour is the earlier instant.
 */
static time_t
local_time(long long day, long secs)
{
	long long wall = day * DAY + secs;
	long before, after;

	before = offset((time_t)(wall - DAY));
	after = offset((time_t)(wall + DAY));
	if (before != after && offset((time_t)(wall - before)) != before &&
	    offset((time_t)(wall - after)) == after)
		return (time_t)(wall - after);
	return (time_t)(wall - before);
}

static long long
local_day(time_t t)
{
	long long wall = (long long)t + offset(t);

	return wall / DAY - (wall % DAY < 0);
}

/* The first special day at or after day, or NULL. */
static const struct cx_cal_special *
special_from(const struct cx_cal *c, long long day)
{
	size_t lo = 0, hi = c->nsp, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->sp[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nsp ? &c->sp[lo] : NULL;
}

static const struct cx_cal_special *
special_at(const struct cx_cal *c, long long day)
{
	const struct cx_cal_special *s = special_from(c, day);

	return s != NULL && s->day == day ? s : NULL;
}

static const struct cx_cal_yearly *
yearly_at(const struct cx_cal *c, long long day)
{
	size_t i;
	int y, m, d, md;

	if (c->nyr == 0)
		return NULL;
	cx_civil_from_days(day, &y, &m, &d);
	md = m * 100 + d;
	for (i = 0; i < c->nyr; i++)
		if (md >= c->yr[i].from && md <= c->yr[i].to)
			return &c->yr[i];
	return NULL;
}

/*
 * The hours of a day: a make-up working day works the hours of its
 * weekday, or the workday hours if its weekday has none; a holiday none.
 * *why is the holiday's or make-up day's name, if it has one.
 */
static const struct cx_cal_hours *
day_hours(const struct cx_cal *c, long long day, int *kind, const char **why)
{
	static const struct cx_cal_hours none;
	const struct cx_cal_special *s;
	const struct cx_cal_yearly *y;
	const struct cx_cal_hours *h = &c->week[cx_cal_weekday(day)];

	*kind = 0;
	*why = NULL;
	if ((s = special_at(c, day)) != NULL) {
		*kind = s->kind;
		*why = s->name;
		if (s->kind == CX_CAL_HOLIDAY)
			return &none;
		return h->n > 0 ? h : &c->wdhours;
	}
	if ((y = yearly_at(c, day)) != NULL) {
		*kind = CX_CAL_HOLIDAY;
		*why = y->name;
		return &none;
	}
	return h;
}

/* A day's working intervals as instants; empty ones are dropped. */
static int
day_intervals(const struct cx_cal *c, long long day, time_t *s, time_t *e,
    const char **why)
{
	const struct cx_cal_hours *h;
	int i, n = 0, kind;

	h = day_hours(c, day, &kind, why);
	if (kind == CX_CAL_HOLIDAY && c->week[cx_cal_weekday(day)].n == 0)
		*why = NULL;	/* a day off anyway: nothing to explain */
	for (i = 0; i < h->n; i++) {
		s[n] = local_time(day, h->r[i].from);
		e[n] = local_time(day, h->r[i].to);
		if (e[n] > s[n])
			n++;
	}
	return n;
}

/*
 * Whether the week from day on is a plain one: no holiday or make-up day
 * and one offset throughout (checked a day either side, which no zone's
 * two changes fall within).
 */
static int
plain_week(const struct cx_cal *c, long long day)
{
	const struct cx_cal_special *s;
	long long d;

	if ((s = special_from(c, day)) != NULL && s->day < day + 7)
		return 0;
	for (d = day; c->nyr > 0 && d < day + 7; d++)
		if (yearly_at(c, d) != NULL)
			return 0;
	return offset((time_t)((day - 2) * DAY)) ==
	    offset((time_t)((day + 9) * DAY));
}

static int
covered(const struct cx_cal *c, int year)
{
	size_t lo = 0, hi = c->nyears, mid;

	if (c->allyears)
		return 1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->years[mid] == year)
			return 1;
		if (c->years[mid] < year)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void
note_day(const struct cx_cal *c, long long day, struct cx_cal_info *info)
{
	int y, m, d, i, k;

	if (info == NULL)
		return;
	cx_civil_from_days(day, &y, &m, &d);
	if (covered(c, y))
		return;
	k = info->nmissing < CX_CAL_MAXMISS ? info->nmissing : CX_CAL_MAXMISS;
	for (i = 0; i < k; i++)
		if (info->missing[i] == y)
			return;
	if (k < CX_CAL_MAXMISS) {
		for (i = k; i > 0 && info->missing[i - 1] > y; i--)
			info->missing[i] = info->missing[i - 1];
		info->missing[i] = y;
	}
	info->nmissing++;
}

static void
put_duration(struct cx_buf *b, long s)
{
	cx_buf_printf(b, "%ldh%02ldm", s / 3600, s / 60 % 60);
	if (s % 60 != 0)
		cx_buf_printf(b, "%02lds", s % 60);
}

/* "2026-11-24 09:00-12:00 3h00m 国庆调休": a stretch of working time. */
static void
explain(struct cx_buf *b, long long day, time_t from, time_t to,
    const char *why)
{
	struct tm a, z;
	int y, m, d, zh, zm;

	if (b == NULL)
		return;
	cx_civil_from_days(day, &y, &m, &d);
	localtime_r(&from, &a);
	localtime_r(&to, &z);
	zh = z.tm_hour;
	zm = z.tm_min;
	if (local_day(to) != day) {
		zh = 24;	/* a range to midnight */
		zm = 0;
	}
	cx_buf_printf(b, "%04d-%02d-%02d %02d:%02d-%02d:%02d ", y, m, d,
	    a.tm_hour, a.tm_min, zh, zm);
	put_duration(b, (long)(to - from));
	if (why != NULL)
		cx_buf_printf(b, " %s", why);
	cx_buf_addc(b, '\n');
}

static void
explain_off(struct cx_buf *b, long long day, const char *why)
{
	int y, m, d;

	if (b == NULL || why == NULL)
		return;
	cx_civil_from_days(day, &y, &m, &d);
	cx_buf_printf(b, "%04d-%02d-%02d off %s\n", y, m, d, why);
}

static void
info_reset(struct cx_cal_info *info)
{
	if (info != NULL)
		info->nmissing = 0;
}

int
cx_cal_add(const struct cx_cal *c, time_t start, long seconds, time_t *due,
    struct cx_cal_info *info, struct cx_err *err)
{
	struct cx_buf *xb = info != NULL ? info->explain : NULL;
	struct zsave z;
	time_t s[CX_CAL_MAXRANGE], e[CX_CAL_MAXRANGE], cur = start;
	long long day, d0;
	long rem = seconds;
	const char *why;
	int i, n, r = -1;

	info_reset(info);
	if (seconds < 0) {
		cx_seterr(err, "a negative duration");
		return -1;
	}
	zone_enter(c, &z);
	d0 = day = local_day(start);
	for (; day - d0 <= MAXDAYS; day++) {
		/* Explaining lists every day, so it walks them all. */
		while (day > d0 && xb == NULL && rem > c->weekly &&
		    day - d0 <= MAXDAYS && plain_week(c, day)) {
			note_day(c, day, info);
			note_day(c, day + 6, info);
			rem -= c->weekly;
			day += 7;
		}
		if (day - d0 > MAXDAYS)
			break;
		note_day(c, day, info);
		n = day_intervals(c, day, s, e, &why);
		if (n == 0)
			explain_off(xb, day, why);
		for (i = 0; i < n; i++) {
			if (cur < s[i])
				cur = s[i];
			if (cur >= e[i])
				continue;
			if (rem <= (long)(e[i] - cur)) {
				*due = cur + rem;
				explain(xb, day, cur, *due, why);
				r = 0;
				goto out;
			}
			explain(xb, day, cur, e[i], why);
			rem -= (long)(e[i] - cur);
			cur = e[i];
		}
	}
	cx_seterr(err, "no working time in the 100 years after the start");
out:
	zone_leave(&z);
	return r;
}

long
cx_cal_between(const struct cx_cal *c, time_t a, time_t b,
    struct cx_cal_info *info)
{
	struct cx_buf *xb = info != NULL ? info->explain : NULL;
	struct zsave z;
	time_t s[CX_CAL_MAXRANGE], e[CX_CAL_MAXRANGE], lo, hi;
	long long day, d0, last;
	long total = 0;
	const char *why;
	int i, n;

	info_reset(info);
	if (b <= a)
		return 0;
	zone_enter(c, &z);
	d0 = day = local_day(a);
	last = local_day(b);
	for (; day <= last; day++) {
		while (xb == NULL && day + 7 <= last &&
		    day > d0 && plain_week(c, day)) {
			note_day(c, day, info);
			note_day(c, day + 6, info);
			total += c->weekly;
			day += 7;
		}
		if (day > last)
			break;
		note_day(c, day, info);
		n = day_intervals(c, day, s, e, &why);
		if (n == 0)
			explain_off(xb, day, why);
		for (i = 0; i < n; i++) {
			lo = s[i] > a ? s[i] : a;
			hi = e[i] < b ? e[i] : b;
			if (hi > lo) {
				total += (long)(hi - lo);
				explain(xb, day, lo, hi, why);
			}
		}
	}
	zone_leave(&z);
	return total;
}

int
cx_cal_is_working(const struct cx_cal *c, time_t t)
{
	struct zsave z;
	time_t s[CX_CAL_MAXRANGE], e[CX_CAL_MAXRANGE];
	const char *why;
	int i, n, yes = 0;

	zone_enter(c, &z);
	n = day_intervals(c, local_day(t), s, e, &why);
	for (i = 0; i < n; i++)
		if (t >= s[i] && t < e[i])
			yes = 1;
	zone_leave(&z);
	return yes;
}

const char *
cx_cal_zone(const struct cx_cal *c)
{
	return c->zone;
}

long
cx_cal_daylen(const struct cx_cal *c)
{
	long sum = 0;
	int d, i, n = 0;

	for (d = 0; d < 7; d++)
		if (c->week[d].n > 0)
			n++;
	if (n > 0)
		return c->weekly / n;
	for (i = 0; i < c->wdhours.n; i++)	/* only make-up days work */
		sum += c->wdhours.r[i].to - c->wdhours.r[i].from;
	return sum;
}

void
cx_cal_free(struct cx_cal *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nsp; i++)
		free(c->sp[i].name);
	for (i = 0; i < c->nyr; i++)
		free(c->yr[i].name);
	free(c->sp);
	free(c->yr);
	free(c->years);
	free(c->zone);
	free(c->tzenv);
	free(c);
}
