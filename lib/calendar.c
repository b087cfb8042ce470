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
 * The C library converts times only in the zone named by TZ, which time.c
 * owns.  A call here sets TZ to the calendar's zone, unless it is that
 * already, and puts it back before returning, so time.c's notion of the
 * zone (and its offset cache) is what it was.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cx.h"

#define MAXRANGE	8		/* time ranges in a day */
#define MAXSPAN		366		/* days in one dated holiday line */
#define MAXDAYS		(100L * 366)	/* how far a search goes */
#define DAY		86400L

enum { HOLIDAY = 1, WORKDAY = 2 };

struct range {
	int	 from, to;		/* seconds since local midnight */
};

struct hours {
	struct range	 r[MAXRANGE];
	int		 n;
	int		 set;		/* given in the file */
};

struct special {
	long long	 day;		/* days since 1970-01-01, local */
	int		 kind;
	unsigned long	 line;
	char		*name;		/* may be NULL */
};

struct yearly {
	int		 from, to;	/* month * 100 + day */
	char		*name;
};

struct cx_cal {
	char		*zone;		/* IANA name */
	char		*tzenv;		/* what TZ must say for it */
	struct hours	 week[7];	/* Sunday first */
	struct hours	 wdhours;	/* workday-hours */
	long		 weekly;	/* working seconds of a plain week */
	struct special	*sp;		/* sorted by day once loaded */
	size_t		 nsp, capsp;
	struct yearly	*yr;
	size_t		 nyr, capyr;
	int		*years;		/* covered, sorted */
	size_t		 nyears, capyears;
	int		 allyears;	/* "year all" */
};

struct zsave {
	char	*old;
	int	 had, swapped;
};

/* Set while a call runs in a zone not the run's: time.c's cache is off. */
static int inzone;

static const char *const wdnames[] = { "sun", "mon", "tue", "wed", "thu",
	"fri", "sat" };

static int
weekday(long long day)
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
	if (setenv("TZ", c->tzenv, 1) == -1)
		abort();	/* only ENOMEM: see cx.h */
	tzset();
	z->swapped = 1;
	inzone = 1;
}

static void
zone_leave(struct zsave *z)
{
	if (!z->swapped)
		return;
	if (z->had) {
		if (setenv("TZ", z->old, 1) == -1)
			abort();
	} else
		unsetenv("TZ");
	tzset();
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
static const struct special *
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

static const struct special *
special_at(const struct cx_cal *c, long long day)
{
	const struct special *s = special_from(c, day);

	return s != NULL && s->day == day ? s : NULL;
}

static const struct yearly *
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
static const struct hours *
day_hours(const struct cx_cal *c, long long day, int *kind, const char **why)
{
	static const struct hours none;
	const struct special *s;
	const struct yearly *y;
	const struct hours *h = &c->week[weekday(day)];

	*kind = 0;
	*why = NULL;
	if ((s = special_at(c, day)) != NULL) {
		*kind = s->kind;
		*why = s->name;
		if (s->kind == HOLIDAY)
			return &none;
		return h->n > 0 ? h : &c->wdhours;
	}
	if ((y = yearly_at(c, day)) != NULL) {
		*kind = HOLIDAY;
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
	const struct hours *h;
	int i, n = 0, kind;

	h = day_hours(c, day, &kind, why);
	if (kind == HOLIDAY && c->week[weekday(day)].n == 0)
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
	const struct special *s;
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
	time_t s[MAXRANGE], e[MAXRANGE], cur = start;
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
	time_t s[MAXRANGE], e[MAXRANGE], lo, hi;
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
	time_t s[MAXRANGE], e[MAXRANGE];
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

/* Loading. */

struct tok {
	const char	*p;
	size_t		 n;
};

/* The next blank-separated word; 0 at the end. */
static int
word(const char **l, const char *end, struct tok *t)
{
	const char *p = *l;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	t->p = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	t->n = (size_t)(p - t->p);
	*l = p;
	return t->n > 0;
}

static int
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* "HH:MM", 00:00 to 24:00, into seconds. */
static int
clock_time(const char *s, size_t n, int *secs)
{
	int h, m;

	if (n != 5 || s[2] != ':' || digits(s, 2, &h) == -1 ||
	    digits(s + 3, 2, &m) == -1 || m > 59 || h > 24 ||
	    (h == 24 && m != 0))
		return -1;
	*secs = h * 3600 + m * 60;
	return 0;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return (x->from > y->from) - (x->from < y->from);
}

/* The time ranges that end a line, or "-" for none. */
static int
parse_ranges(const char *l, const char *end, struct hours *h,
    struct cx_err *err)
{
	struct tok t;
	const char *dash;
	int i;

	memset(h, 0, sizeof(*h));
	h->set = 1;
	if (!word(&l, end, &t)) {
		cx_seterr(err, "expected time ranges, as 09:00-12:00, or -");
		return -1;
	}
	if (t.n == 1 && t.p[0] == '-') {
		if (word(&l, end, &t)) {
			cx_seterr(err, "\"-\" means no hours: nothing may "
			    "follow it");
			return -1;
		}
		return 0;
	}
	do {
		if (h->n == MAXRANGE) {
			cx_seterr(err, "more than %d time ranges", MAXRANGE);
			return -1;
		}
		dash = memchr(t.p, '-', t.n);
		if (dash == NULL || clock_time(t.p, (size_t)(dash - t.p),
		    &h->r[h->n].from) == -1 || clock_time(dash + 1,
		    (size_t)(t.p + t.n - dash - 1), &h->r[h->n].to) == -1) {
			cx_seterr(err, "time range \"%.*s\": expected "
			    "HH:MM-HH:MM, 00:00 to 24:00", (int)t.n, t.p);
			return -1;
		}
		if (h->r[h->n].from >= h->r[h->n].to) {
			cx_seterr(err, "time range \"%.*s\" ends before it "
			    "starts", (int)t.n, t.p);
			return -1;
		}
		h->n++;
	} while (word(&l, end, &t));
	qsort(h->r, (size_t)h->n, sizeof(h->r[0]), range_cmp);
	for (i = 1; i < h->n; i++)
		if (h->r[i].from < h->r[i - 1].to) {
			cx_seterr(err, "time ranges overlap");
			return -1;
		}
	return 0;
}

static int
day_name(const char *s, size_t n)
{
	int i;

	for (i = 0; i < 7; i++)
		if (n == 3 && memcmp(s, wdnames[i], 3) == 0)
			return i;
	return -1;
}

/* "mon-fri", "sat,sun", "mon,wed-fri" into a set of weekdays. */
static int
parse_days(const struct tok *t, int set[7], struct cx_err *err)
{
	const char *p = t->p, *end = t->p + t->n, *comma, *dash;
	int a, b;

	memset(set, 0, 7 * sizeof(set[0]));
	for (; p < end; p = comma + 1) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		dash = memchr(p, '-', (size_t)(comma - p));
		a = day_name(p, (size_t)((dash != NULL ? dash : comma) - p));
		b = dash == NULL ? a :
		    day_name(dash + 1, (size_t)(comma - dash - 1));
		if (a == -1 || b == -1) {
			cx_seterr(err, "days \"%.*s\": expected names as "
			    "mon-fri or sat,sun", (int)t->n, t->p);
			return -1;
		}
		for (;; a = (a + 1) % 7) {
			set[a] = 1;
			if (a == b)
				break;
		}
	}
	return 0;
}

/* "2026-10-01" into days; yearly, "10-01" into month * 100 + day. */
static int
parse_date(const char *s, size_t n, int yearly, long long *day, int *md,
    int *year)
{
	int y = 2000, m, d;	/* a leap year, for a yearly 02-29 */

	if (!yearly) {
		if (n != 10 || s[4] != '-' || digits(s, 4, &y) == -1 ||
		    y < 1970)
			return -1;
		s += 5;
		n -= 5;
	}
	if (n != 5 || s[2] != '-' || digits(s, 2, &m) == -1 ||
	    digits(s + 3, 2, &d) == -1 || m < 1 || m > 12 || d < 1 ||
	    d > cx_days_in_month(y, m))
		return -1;
	*day = cx_days_from_civil(y, m, d);
	*md = m * 100 + d;
	*year = y;
	return 0;
}

static void
add_year(struct cx_cal *c, int y)
{
	size_t i;

	for (i = 0; i < c->nyears; i++)
		if (c->years[i] == y)
			return;
	if (c->nyears == c->capyears) {
		c->capyears = c->capyears ? c->capyears * 2 : 16;
		c->years = cx_realloc(c->years, c->capyears * sizeof(int));
	}
	for (i = c->nyears; i > 0 && c->years[i - 1] > y; i--)
		c->years[i] = c->years[i - 1];
	c->years[i] = y;
	c->nyears++;
}

static char *
rest_name(const char *l, const char *end)
{
	size_t n;

	while (l < end && (*l == ' ' || *l == '\t'))
		l++;
	n = (size_t)(end - l);
	return n > 0 ? cx_strndup(l, n) : NULL;
}

static int
add_special(struct cx_cal *c, long long day, int kind, unsigned long line,
    const char *name, struct cx_err *err)
{
	size_t i;
	int y, m, d;

	for (i = 0; i < c->nsp; i++) {
		if (c->sp[i].day != day)
			continue;
		if (c->sp[i].kind == kind)
			return 0;	/* said twice: the first name stays */
		cx_civil_from_days(day, &y, &m, &d);
		cx_seterr(err, "%04d-%02d-%02d is both a holiday and a "
		    "workday (line %lu)", y, m, d, c->sp[i].line);
		return -1;
	}
	if (c->nsp == c->capsp) {
		c->capsp = c->capsp ? c->capsp * 2 : 64;
		c->sp = cx_realloc(c->sp, c->capsp * sizeof(*c->sp));
	}
	c->sp[c->nsp].day = day;
	c->sp[c->nsp].kind = kind;
	c->sp[c->nsp].line = line;
	c->sp[c->nsp].name = name != NULL ? cx_strndup(name, strlen(name)) :
	    NULL;
	c->nsp++;
	return 0;
}

/* holiday [yearly] DATE[..DATE] [NAME], workday DATE[..DATE] [NAME] */
static int
parse_dates(struct cx_cal *c, int kind, const char *l, const char *end,
    unsigned long line, struct cx_err *err)
{
	struct tok t;
	const char *dots;
	long long a, b, d;
	int yearly = 0, mda, mdb, ya, yb, r = 0;
	char *name;

	if (!word(&l, end, &t))
		goto bad;
	if (kind == HOLIDAY && t.n == 6 && memcmp(t.p, "yearly", 6) == 0) {
		yearly = 1;
		if (!word(&l, end, &t))
			goto bad;
	}
	dots = NULL;
	if (t.n > 2)
		dots = memmem(t.p, t.n, "..", 2);
	if (parse_date(t.p, dots != NULL ? (size_t)(dots - t.p) : t.n, yearly,
	    &a, &mda, &ya) == -1)
		goto bad;
	b = a;
	mdb = mda;
	yb = ya;
	if (dots != NULL && parse_date(dots + 2, (size_t)(t.p + t.n - dots - 2),
	    yearly, &b, &mdb, &yb) == -1)
		goto bad;
	if (b < a) {
		cx_seterr(err, "dates \"%.*s\" end before they start",
		    (int)t.n, t.p);
		return -1;
	}
	if (b - a >= MAXSPAN) {
		cx_seterr(err, "dates \"%.*s\" span more than a year",
		    (int)t.n, t.p);
		return -1;
	}
	name = rest_name(l, end);
	if (yearly) {
		if (c->nyr == c->capyr) {
			c->capyr = c->capyr ? c->capyr * 2 : 16;
			c->yr = cx_realloc(c->yr, c->capyr * sizeof(*c->yr));
		}
		c->yr[c->nyr].from = mda;
		c->yr[c->nyr].to = mdb;
		c->yr[c->nyr].name = name;
		c->nyr++;
		return 0;
	}
	for (d = a; d <= b && r == 0; d++)
		r = add_special(c, d, kind, line, name, err);
	add_year(c, ya);
	add_year(c, yb);
	free(name);
	return r;
bad:
	cx_seterr(err, "expected %s %sYYYY-MM-DD[..YYYY-MM-DD] [NAME]%s",
	    kind == HOLIDAY ? "holiday" : "workday",
	    kind == HOLIDAY ? "[yearly] " : "",
	    kind == HOLIDAY ? ", or MM-DD[..MM-DD] after yearly" : "");
	return -1;
}

static int
parse_year(struct cx_cal *c, const char *l, const char *end,
    struct cx_err *err)
{
	struct tok t, more;
	const char *dots;
	int a, b;

	if (!word(&l, end, &t) || word(&l, end, &more))
		goto bad;
	if (t.n == 3 && memcmp(t.p, "all", 3) == 0) {
		c->allyears = 1;
		return 0;
	}
	dots = t.n > 2 ? memmem(t.p, t.n, "..", 2) : NULL;
	if (digits(t.p, dots != NULL ? (size_t)(dots - t.p) : t.n, &a) == -1)
		goto bad;
	b = a;
	if (dots != NULL && digits(dots + 2, (size_t)(t.p + t.n - dots - 2),
	    &b) == -1)
		goto bad;
	if (a < 1970 || b > 9999 || b < a || b - a > 1000)
		goto bad;
	for (; a <= b; a++)
		add_year(c, a);
	return 0;
bad:
	cx_seterr(err, "expected year YYYY, year YYYY..YYYY or year all");
	return -1;
}

static int
cal_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct cx_cal *c = arg;
	const char *end = l + n;
	struct hours h;
	struct tok kw, t;
	int set[7], i;

	word(&l, end, &kw);
#define IS(s)	(kw.n == sizeof(s) - 1 && memcmp(kw.p, s, kw.n) == 0)
	if (IS("timezone")) {
		if (c->zone != NULL) {
			cx_seterr(err, "a second timezone line");
			return -1;
		}
		if (!word(&l, end, &t) || word(&l, end, &kw)) {
			cx_seterr(err, "expected timezone NAME, as "
			    "Asia/Shanghai");
			return -1;
		}
		c->zone = cx_strndup(t.p, t.n);
		return 0;
	}
	if (IS("hours")) {
		if (!word(&l, end, &t)) {
			cx_seterr(err, "expected hours DAYS RANGES...");
			return -1;
		}
		if (parse_days(&t, set, err) == -1 ||
		    parse_ranges(l, end, &h, err) == -1)
			return -1;
		for (i = 0; i < 7; i++)
			if (set[i])
				c->week[i] = h;
		return 0;
	}
	if (IS("workday-hours"))
		return parse_ranges(l, end, &c->wdhours, err);
	if (IS("holiday"))
		return parse_dates(c, HOLIDAY, l, end, line, err);
	if (IS("workday"))
		return parse_dates(c, WORKDAY, l, end, line, err);
	if (IS("year"))
		return parse_year(c, l, end, err);
#undef IS
	cx_seterr(err, "unknown keyword \"%.*s\": expected timezone, hours, "
	    "holiday, workday, workday-hours or year", (int)kw.n, kw.p);
	return -1;
}

static int
special_cmp(const void *a, const void *b)
{
	const struct special *x = a, *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

/* What only the whole file can tell. */
static int
cal_check(struct cx_cal *c, const char *path, struct cx_err *err)
{
	struct cx_err e2;
	const struct hours *h;
	size_t i;
	const char *tz;
	int d, y, m, dd, workdays = 0;
	char *old;

	if (c->zone == NULL) {
		cx_seterr(err, "%s: no timezone line", path);
		return -1;
	}
	/* cx_tz_set knows which names are zones; the old zone goes back. */
	old = cx_strndup(cx_tz_name(), strlen(cx_tz_name()));
	if (cx_tz_set(c->zone, &e2) == -1) {
		cx_seterr(err, "%s: %s", path, e2.msg);
		free(old);
		return -1;
	}
	(void)cx_tz_set(old, &e2);
	free(old);
	tz = strcmp(c->zone, "UTC") == 0 ? "UTC0" : c->zone;
	c->tzenv = cx_strndup(tz, strlen(tz));
	if (!c->wdhours.set)
		c->wdhours = c->week[1];
	for (d = 0; d < 7; d++)
		for (i = 0; i < (size_t)c->week[d].n; i++)
			c->weekly += c->week[d].r[i].to - c->week[d].r[i].from;
	if (c->nsp > 0)
		qsort(c->sp, c->nsp, sizeof(*c->sp), special_cmp);
	for (i = 0; i < c->nsp; i++) {
		if (c->sp[i].kind != WORKDAY)
			continue;
		h = &c->week[weekday(c->sp[i].day)];
		if (h->n == 0 && c->wdhours.n == 0) {
			cx_civil_from_days(c->sp[i].day, &y, &m, &dd);
			cx_seterr(err, "%s:%lu: workday %04d-%02d-%02d has no "
			    "hours: give workday-hours", path, c->sp[i].line,
			    y, m, dd);
			return -1;
		}
		workdays++;
	}
	if (c->weekly == 0 && workdays == 0) {
		cx_seterr(err, "%s: no working time: no hours in the week and "
		    "no workday", path);
		return -1;
	}
	return 0;
}

struct cx_cal *
cx_cal_load(const char *path, struct cx_err *err)
{
	struct cx_cal *c;

	c = cx_alloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	if (cx_conf_lines(path, cal_line, c, err) == -1 ||
	    cal_check(c, path, err) == -1) {
		cx_cal_free(c);
		return NULL;
	}
	return c;
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
