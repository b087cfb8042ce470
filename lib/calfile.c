/*
 * calfile.c: the calendar file (cx-calendar(5)): a zone, weekly hours,
 * dated and yearly holidays, make-up working days (调休) and the years the
 * holidays cover.  calendar.c does the arithmetic.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

#define MAXSPAN		366		/* days in one dated holiday line */

static const char *const wdnames[] = { "sun", "mon", "tue", "wed", "thu",
	"fri", "sat" };

struct tok {
	const char	*p;
	size_t		 n;
};

/* The next blank-separated word; 0 at the end. */
static int
word(const char **l, const char *end, struct tok *t)
{
	return cx_word(l, end, &t->p, &t->n);
}

static int
digits(const char *s, size_t n, int *v)
{
	unsigned long u;

	if (n > 9 || cx_digits(s, n, &u) == -1)
		return -1;
	*v = (int)u;
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
	const struct cx_cal_range *x = a, *y = b;

	return (x->from > y->from) - (x->from < y->from);
}

/* The time ranges that end a line, or "-" for none. */
static int
parse_ranges(const char *l, const char *end, struct cx_cal_hours *h,
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
		if (h->n == CX_CAL_MAXRANGE) {
			cx_seterr(err, "more than %d time ranges", CX_CAL_MAXRANGE);
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
	if (kind == CX_CAL_HOLIDAY && t.n == 6 && memcmp(t.p, "yearly", 6) == 0) {
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
	    kind == CX_CAL_HOLIDAY ? "holiday" : "workday",
	    kind == CX_CAL_HOLIDAY ? "[yearly] " : "",
	    kind == CX_CAL_HOLIDAY ? ", or MM-DD[..MM-DD] after yearly" : "");
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
	struct cx_cal_hours h;
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
		return parse_dates(c, CX_CAL_HOLIDAY, l, end, line, err);
	if (IS("workday"))
		return parse_dates(c, CX_CAL_WORKDAY, l, end, line, err);
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
	const struct cx_cal_special *x = a, *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

/* What only the whole file can tell. */
static int
cal_check(struct cx_cal *c, const char *path, struct cx_err *err)
{
	struct cx_err e2;
	const struct cx_cal_hours *h;
	size_t i;
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
	if (cx_tz_set(old, &e2) == -1) {
		cx_seterr(err, "%s", e2.msg);
		free(old);
		return -1;
	}
	free(old);
	c->tzenv = cx_tz_env(c->zone);
	if (!c->wdhours.set)
		c->wdhours = c->week[1];
	for (d = 0; d < 7; d++)
		for (i = 0; i < (size_t)c->week[d].n; i++)
			c->weekly += c->week[d].r[i].to - c->week[d].r[i].from;
	if (c->nsp > 0)
		qsort(c->sp, c->nsp, sizeof(*c->sp), special_cmp);
	for (i = 0; i < c->nsp; i++) {
		if (c->sp[i].kind != CX_CAL_WORKDAY)
			continue;
		h = &c->week[cx_cal_weekday(c->sp[i].day)];
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
