/*
 * time.c: times in and out.
 *
 * Complaint exports write times in whatever form their system liked, so
 * cx_time_parse takes a fixed list of forms (the table below) and refuses
 * anything else rather than guess.  Output is always RFC 3339 with a
 * numeric offset, in one zone per run: the zone lives in TZ, so this file
 * is process-global by design.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "priv.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define SHOWN		60	/* bytes of the input a message quotes */
#define ZONECHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789/_+-"

/*
 * The forms, tried in order; each must match the whole (trimmed) input.
 * A space matches one or more spaces, '_' any number (none too), other
 * bytes themselves, ASCII letters without case.  Directives:
 *
 *	%Y year, 4 digits		%b month name: "Nov"
 *	%m month, 1 or 2 digits		%a weekday name: checked for spelling,
 *	%d day, 1 or 2 digits		   otherwise ignored, as Go and
 *	%H hour, 1 or 2 digits		   Python's mail parsers do
 *	%M minute, 2 digits		%p AM or PM
 *	%S second, 2 digits, and any	%z optional offset: Z, UTC, GMT,
 *	   fraction, which is dropped	   +08:00, +0800 or +08
 *	%T %H:%M, then :%S if there	%Z an offset or an RFC 5322 zone
 *					   name, then an optional (comment)
 *
 * The US zone names are only taken in mail and Twitter dates: elsewhere
 * "CST" more likely means China Standard Time than RFC 5322's -0600.
 */
static const char *const forms[] = {
	"%Y-%m-%dT%T%z",
	"%Y-%m-%d %T%z",
	"%Y-%m-%d",
	"%Y/%m/%d %T%z",
	"%Y/%m/%d",
	"%Y年%m月%d日_%T",
	"%Y年%m月%d日_%H时%M分",
	"%Y年%m月%d日_%H时%M分%S秒",
	"%Y年%m月%d日_%H点%M分",
	"%Y年%m月%d日_%H点%M分%S秒",
	"%Y年%m月%d日",
	"%m/%d/%Y %T_%p",
	"%m/%d/%Y %T",
	"%m/%d/%Y",
	"%a %b %d %H:%M:%S %Z %Y",	/* Twitter */
	"%a %b %d %H:%M:%S %Y",		/* ctime(3) */
	"%a,_%d %b %Y %T %Z",		/* RFC 5322 */
	"%d %b %Y %T %Z",
};

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	"Fri", "Sat" };
static const char *const ampm[] = { "AM", "PM" };
/* The first NUNIVERSAL names are taken everywhere, the rest in %Z only. */
static const char *const znames[] = { "Z", "UT", "UTC", "GMT",
	"EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT" };
static const int zhours[] = { 0, 0, 0, 0, -5, -4, -6, -5, -7, -6, -8, -7 };
#define NUNIVERSAL	4

struct fields {
	int	 year, mon, day, hour, min, sec;
	int	 pm;		/* -1 none, 0 AM, 1 PM */
	int	 zoned;		/* an offset was given */
	int	 offmin;	/* minutes east of UTC */
	int	 offbad;	/* hours or minutes out of range */
};

struct cur {
	const char	*p;
	const char	*end;
};

static char	*zone_name;	/* NULL means UTC, the default */
static int	 zone_ready;	/* TZ has been set */
static int	 now_frozen;
static time_t	 now_time;

static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static int
isdig(const struct cur *c)
{
	return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

/* Width of a space at p: ASCII blanks and U+3000, common in Chinese text. */
static size_t
space_len(const char *p, size_t n)
{
	if (n >= 1 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		return 1;
	if (n >= 3 && memcmp(p, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

static void
trim(const char **s, size_t *n)
{
	size_t k;

	while ((k = space_len(*s, *n)) > 0) {
		*s += k;
		*n -= k;
	}
	for (;;) {
		if (*n >= 1 && space_len(*s + *n - 1, 1) == 1)
			*n -= 1;
		else if (*n >= 3 && space_len(*s + *n - 3, 3) == 3)
			*n -= 3;
		else
			return;
	}
}

static size_t
skip_spaces(struct cur *c)
{
	size_t k, n = 0;

	while ((k = space_len(c->p, (size_t)(c->end - c->p))) > 0) {
		c->p += k;
		n++;
	}
	return n;
}

static int
number(struct cur *c, int min, int max, int *v)
{
	int k;

	*v = 0;
	for (k = 0; k < max && isdig(c); k++)
		*v = *v * 10 + (*c->p++ - '0');
	return k >= min ? 0 : -1;
}

/* A run of ASCII letters that is one of names, without case. */
static int
word(struct cur *c, const char *const *names, size_t nn, int *idx)
{
	size_t len, i, k;

	for (len = 0; c->p + len < c->end &&
	    ((lower(c->p[len]) >= 'a' && lower(c->p[len]) <= 'z')); len++)
		;
	for (i = 0; i < nn; i++) {
		if (strlen(names[i]) != len)
			continue;
		for (k = 0; k < len && lower(c->p[k]) == lower(names[i][k]); k++)
			;
		if (k == len) {
			c->p += len;
			*idx = (int)i;
			return 0;
		}
	}
	return -1;
}

static int
seconds(struct cur *c, struct fields *f)
{
	if (number(c, 2, 2, &f->sec) == -1)
		return -1;
	if (c->end - c->p >= 2 && (*c->p == '.' || *c->p == ',') &&
	    c->p[1] >= '0' && c->p[1] <= '9') {
		c->p++;
		while (isdig(c))
			c->p++;
	}
	return 0;
}

static int
hhmm(struct cur *c, struct fields *f)
{
	if (number(c, 1, 2, &f->hour) == -1 || c->p == c->end ||
	    *c->p++ != ':' || number(c, 2, 2, &f->min) == -1)
		return -1;
	if (c->p < c->end && *c->p == ':') {
		c->p++;
		return seconds(c, f);
	}
	return 0;
}

/* An offset; names says whether the US zone names are taken. */
static int
zone(struct cur *c, struct fields *f, int names)
{
	int sign, hh, mm = 0, i;

	if (c->p < c->end && (*c->p == '+' || *c->p == '-')) {
		sign = *c->p++ == '-' ? -1 : 1;
		if (number(c, 2, 2, &hh) == -1)
			return -1;
		if (c->p < c->end && *c->p == ':') {
			c->p++;
			if (number(c, 2, 2, &mm) == -1)
				return -1;
		} else if (isdig(c) && number(c, 2, 2, &mm) == -1)
			return -1;
		f->offbad = hh > 23 || mm > 59;
		f->offmin = sign * (hh * 60 + mm);
	} else {
		if (word(c, znames, names ? NITEMS(znames) : NUNIVERSAL,
		    &i) == -1)
			return -1;
		f->offmin = zhours[i] * 60;
	}
	f->zoned = 1;
	return 0;
}

/* A mail comment after the zone, as in "+0800 (CST)", is skipped. */
static void
comment(struct cur *c)
{
	struct cur save = *c;
	const char *close;

	skip_spaces(c);
	if (c->p < c->end && *c->p == '(' &&
	    (close = memchr(c->p, ')', (size_t)(c->end - c->p))) != NULL)
		c->p = close + 1;
	else
		*c = save;
}

static int
field(int d, struct cur *c, struct fields *f)
{
	struct cur save = *c;
	int i;

	switch (d) {
	case 'Y':
		return number(c, 4, 4, &f->year);
	case 'm':
		return number(c, 1, 2, &f->mon);
	case 'd':
		return number(c, 1, 2, &f->day);
	case 'H':
		return number(c, 1, 2, &f->hour);
	case 'M':
		return number(c, 2, 2, &f->min);
	case 'S':
		return seconds(c, f);
	case 'T':
		return hhmm(c, f);
	case 'a':
		return word(c, wdays, NITEMS(wdays), &i);
	case 'b':
		if (word(c, months, NITEMS(months), &i) == -1)
			return -1;
		f->mon = i + 1;
		return 0;
	case 'p':
		return word(c, ampm, NITEMS(ampm), &f->pm);
	case 'z':
		skip_spaces(c);
		if (zone(c, f, 0) == -1) {
			*c = save;
			f->zoned = 0;
		}
		return 0;
	case 'Z':
		if (zone(c, f, 1) == -1)
			return -1;
		comment(c);
		return 0;
	}
	return -1;
}

static int
match(const char *pat, const char *s, size_t n, struct fields *f)
{
	struct cur c = { s, s + n };

	memset(f, 0, sizeof(*f));
	f->pm = -1;
	for (; *pat != '\0'; pat++) {
		if (*pat == '%') {
			if (field(*++pat, &c, f) == -1)
				return -1;
		} else if (*pat == ' ') {
			if (skip_spaces(&c) == 0)
				return -1;
		} else if (*pat == '_') {
			skip_spaces(&c);
		} else if (c.p == c.end ||
		    lower((unsigned char)*c.p++) != lower((unsigned char)*pat))
			return -1;
	}
	return c.p == c.end ? 0 : -1;
}

/* Days in a month of the proleptic Gregorian calendar. */
int
cx_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Why the fields name no time, or NULL; converts a 12-hour clock. */
static const char *
invalid(struct fields *f)
{
	if (f->pm != -1) {
		if (f->hour < 1 || f->hour > 12)
			return "invalid time";
		f->hour = f->hour % 12 + (f->pm ? 12 : 0);
	}
	if (f->year < 1970 || f->year > 9999)
		return "date out of range";
	if (f->mon < 1 || f->mon > 12 || f->day < 1 ||
	    f->day > cx_days_in_month(f->year, f->mon))
		return "invalid date";
	if (f->hour > 23 || f->min > 59 || f->sec > 59)
		return "invalid time";
	if (f->offbad)
		return "invalid offset";
	return NULL;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
long long
cx_days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * The zone's offset at an instant.  glibc re-parses the zone's POSIX rule
 * on every localtime_r past the last transition in its file, which is
 * most of the cost of a registration; so offsets are remembered per hour
 * of UTC, for hours whose start and end have the same offset (every hour
 * but the ones a change falls in, which are asked each time).
 */
#define OFFCACHE	4096
static struct {
	long long	hour;		/* t / 3600, or -1: empty */
	long		off;
} offcache[OFFCACHE];
static int offcache_ready;

static long
offset_raw(time_t t)
{
	struct tm tm;

	return localtime_r(&t, &tm) != NULL ? tm.tm_gmtoff : 0;
}

/* Instants lately written, for the zone of generation offgen. */
#define FMTCACHE	8
static unsigned offgen;
static struct fmtent {
	time_t		 t;
	unsigned	 gen;
	int		 ok;
	size_t		 n;
	char		 text[32];
} fmtcache[FMTCACHE];

static void
offcache_clear(void)
{
	size_t i;

	offgen++;
	for (i = 0; i < OFFCACHE; i++)
		offcache[i].hour = -1;
	offcache_ready = 1;
}

static long
offset_at(time_t t)
{
	long long h = (long long)t / 3600 - ((long long)t % 3600 < 0);
	size_t slot = (size_t)(h & (OFFCACHE - 1));
	long a, b;

	if (!offcache_ready)
		offcache_clear();
	if (offcache[slot].hour == h)
		return offcache[slot].off;
	a = offset_raw((time_t)(h * 3600));
	b = offset_raw((time_t)(h * 3600 + 3599));
	if (a != b)
		return offset_raw(t);
	offcache[slot].hour = h;
	offcache[slot].off = a;
	return a;
}

/* Year, month, day of a count of days since 1970-01-01. */
void
cx_civil_from_days(long long z, int *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/*
 * A local time takes the offset in force a day before it if that gives
 * the same wall time back, else the one a day after.  So a time in the
 * repeated hour of a fall-back is the earlier instant (Berlin 2026-10-25
 * 02:30 is +02:00) and one in a spring-forward gap moves on by the gap
 * (2026-03-29 02:30 is 03:30+02:00), as Temporal's and Python's default.
 * mktime with tm_isdst -1 is not used: glibc's answer for the repeated
 * hour depends on the calls before it, so output would depend on the
 * order of the input.
 */
static time_t
to_time(const struct fields *f)
{
	long long wall;
	long before, after;

	wall = cx_days_from_civil(f->year, f->mon, f->day) * 86400 +
	    f->hour * 3600 + f->min * 60 + f->sec;
	if (f->zoned)
		return (time_t)(wall - f->offmin * 60);
	before = offset_at((time_t)(wall - 86400));
	after = offset_at((time_t)(wall + 86400));
	if (offset_at((time_t)(wall - before)) != before &&
	    offset_at((time_t)(wall - after)) == after)
		return (time_t)(wall - after);
	return (time_t)(wall - before);
}

/*
 * A bare number is epoch seconds (9 or 10 digits, 1973 to 2286, with any
 * fraction dropped) or milliseconds (12 or 13 digits).  Other lengths would
 * be guesses (8 digits may well be 20261122), so they are refused.
 */
static int
epoch(const char *s, size_t n, time_t *t)
{
	long long v = 0;
	size_t i, nd;

	for (i = 0; i < n && i < 14 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	nd = i;
	if (i < n) {
		if (s[i] != '.' || nd < 9 || nd > 10 || i + 1 == n)
			return -1;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i < n)
			return -1;
	} else if (nd == 12 || nd == 13)
		v /= 1000;
	else if (nd != 9 && nd != 10)
		return -1;
	*t = (time_t)v;
	return 0;
}

static int
fail(struct cx_err *err, const char *why, const char *s, size_t n)
{
	size_t k = n;

	if (k > SHOWN) {
		/* Cut at a character boundary so the message stays UTF-8. */
		k = SHOWN;
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
	}
	cx_seterr(err, "%s \"%.*s%s\"", why, (int)k, s, k < n ? "..." : "");
	return -1;
}

/*
 * A zone's file: below TZDIR, where the C library looks.  The character
 * set keeps out paths ("..", "/etc/passwd").  NULL if the name cannot be
 * a zone's.
 */
static char *
zone_path(const char *name)
{
	struct cx_buf path = { 0 };
	const char *dir;

	if (name[0] == '\0' || name[0] == '/' ||
	    name[strspn(name, ZONECHARS)] != '\0')
		return NULL;
	if ((dir = getenv("TZDIR")) == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	cx_buf_printf(&path, "%s/%s", dir, name);
	return (char *)cx_buf_str(&path);
}

char *
cx_tz_env(const char *name)
{
	char *path;

	/* "UTC0" is a POSIX rule, so UTC needs no zoneinfo file. */
	if (strcmp(name, "UTC") == 0 || (path = zone_path(name)) == NULL)
		return cx_strndup("UTC0", 4);
	return path;
}

/* The first zone the C library could not load, for cx_tz_ok. */
static struct cx_err tzerr;
static int tzbad;

int
cx_tz_apply(const char *env, struct cx_err *err)
{
	if (setenv("TZ", env, 1) == -1)
		abort();	/* only ENOMEM: see cx.h */
	errno = 0;
	tzset();
	/*
	 * glibc takes a zone file it cannot read for no file, and TZ for a
	 * POSIX rule: UTC, without a word.  Named by its absolute path, such
	 * a zone is left with no name at all, which no zone file gives.
	 */
	if (env[0] == '/' && (tzname[0] == NULL || tzname[0][0] == '\0')) {
		if (!tzbad)
			cx_seterr(&tzerr, "%s: %s", env, errno != 0 ?
			    strerror(errno) : "not a time zone file");
		tzbad = 1;
		if (err != NULL)
			*err = tzerr;
		return -1;
	}
	return 0;
}

int
cx_tz_ok(struct cx_err *err)
{
	if (!tzbad)
		return 0;
	if (err != NULL)
		*err = tzerr;
	return -1;
}

static int
tz_apply(const char *name, struct cx_err *err)
{
	char *env = cx_tz_env(name);
	int r;

	r = cx_tz_apply(env, err);
	free(env);
	offcache_clear();
	zone_ready = 1;
	return r;
}

/* The C library's zone is the environment's until the first use here. */
static void
tz_init(void)
{
	if (!zone_ready)
		(void)tz_apply("UTC", NULL);	/* a rule: no file to fail */
}

/*
 * A name is known if it names a TZif file; the magic keeps out the other
 * files there (zone.tab), which glibc would silently read as UTC.
 */
static int
zone_known(const char *name, struct cx_err *err)
{
	char magic[4], *path;
	ssize_t n;
	int fd, ok = 0;

	if ((path = zone_path(name)) == NULL)
		return 0;
	/* Not there is unknown; a file that cannot be read is an error,
	 * not an answer. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		ok = errno == ENOENT || errno == ENOTDIR || errno == EISDIR ?
		    0 : -1;
	} else if ((n = read(fd, magic, sizeof(magic))) == -1)
		ok = -1;
	else
		ok = n == (ssize_t)sizeof(magic) &&
		    memcmp(magic, "TZif", sizeof(magic)) == 0;
	if (ok == -1)
		cx_seterr(err, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	free(path);
	return ok;
}

int
cx_tz_set(const char *name, struct cx_err *err)
{
	int k;

	if (strcmp(name, "UTC") != 0 && (k = zone_known(name, err)) != 1) {
		if (k == 0)
			cx_seterr(err, "unknown time zone \"%s\"", name);
		return -1;
	}
	if (tz_apply(name, err) == -1)
		return -1;
	free(zone_name);
	zone_name = strcmp(name, "UTC") == 0 ? NULL :
	    cx_strndup(name, strlen(name));
	return 0;
}

const char *
cx_tz_name(void)
{
	return zone_name != NULL ? zone_name : "UTC";
}

/*
 * What the tools write themselves, "2026-11-22T10:30:00+08:00", read
 * without trying the forms one by one; anything else, or anything out
 * of range, is left to the general path and its messages.
 */
static int
rfc3339(const char *s, size_t n, time_t *t)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd+dd:dd";
	struct fields f;
	int v[8], k = 0;
	size_t j;

	if (n != 25)
		return -1;
	for (j = 0; j < n; j++)
		if (pat[j] == 'd' ? (unsigned)(s[j] - '0') > 9 :
		    (pat[j] == '+' ? s[j] != '+' && s[j] != '-' :
		    s[j] != pat[j]))
			return -1;
	for (j = 0; j < n; j += 3, k++) {
		if (k == 0) {
			v[0] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
			    (s[2] - '0') * 10 + (s[3] - '0');
			j = 2;
			continue;
		}
		v[k] = (s[j] - '0') * 10 + (s[j + 1] - '0');
	}
	memset(&f, 0, sizeof(f));
	f.year = v[0];
	f.mon = v[1];
	f.day = v[2];
	f.hour = v[3];
	f.min = v[4];
	f.sec = v[5];
	f.pm = -1;
	if (v[6] > 23 || v[7] > 59 || invalid(&f) != NULL)
		return -1;
	f.zoned = 1;
	f.offmin = (s[19] == '-' ? -1 : 1) * (v[6] * 60 + v[7]);
	*t = to_time(&f);
	return 0;
}

int
cx_time_parse(const char *s, size_t n, time_t *t, struct cx_err *err)
{
	struct fields f;
	const char *why;
	size_t i;

	tz_init();
	if (rfc3339(s, n, t) == 0)
		return 0;
	trim(&s, &n);
	if (n == 0) {
		cx_seterr(err, "empty time");
		return -1;
	}
	if (epoch(s, n, t) == 0)
		return 0;
	for (i = 0; i < NITEMS(forms); i++) {
		if (match(forms[i], s, n, &f) == -1)
			continue;
		if ((why = invalid(&f)) != NULL)
			return fail(err, why, s, n);
		*t = to_time(&f);
		return 0;
	}
	return fail(err, "unrecognised time", s, n);
}

static char *
put2(char *p, int v)
{
	*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* By hand, not printf: every registered ticket writes a few of these. */
static void
put_fields(struct cx_buf *b, int y, int mo, int d, int h, int mi, int s,
    long off)
{
	char *p;
	long a = labs(off);

	cx_buf_grow(b, 25);
	p = b->p + b->len;
	p = put2(p, y / 100);
	p = put2(p, y % 100);
	*p++ = '-';
	p = put2(p, mo);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, h);
	*p++ = ':';
	p = put2(p, mi);
	*p++ = ':';
	p = put2(p, s);
	*p++ = off < 0 ? '-' : '+';
	p = put2(p, (int)(a / 3600));
	*p++ = ':';
	p = put2(p, (int)(a / 60 % 60));
	b->len = (size_t)(p - b->p);
}

void
cx_time_fmt(time_t t, struct cx_buf *b)
{
	long long wall, days, secs;
	long off;
	int y, m, d;
	size_t at;
	struct fmtent *c;

	tz_init();
	/* A ticket's times are written several times each. */
	c = &fmtcache[(unsigned long long)t % FMTCACHE];
	if (c->ok && c->t == t && c->gen == offgen) {
		cx_buf_add(b, c->text, c->n);
		return;
	}
	at = b->len;
	/*
	 * RFC 3339 offsets are whole minutes, but before 1972 some zones'
	 * were not (Africa/Monrovia was -0:44:30).  Write the wall time for
	 * the cut offset so that the text still names the same instant.
	 */
	off = offset_at(t);
	off -= off % 60;
	wall = (long long)t + off;
	days = wall / 86400 - (wall % 86400 < 0);
	secs = wall - days * 86400;
	cx_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		/* Beyond what RFC 3339 can say: the number, not a lie. */
		cx_buf_printf(b, "%lld", (long long)t);
		return;
	}
	put_fields(b, y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
	    (int)(secs % 60), off);
	c->n = b->len - at;
	memcpy(c->text, b->p + at, c->n);
	c->t = t;
	c->gen = offgen;
	c->ok = 1;
}

long
cx_tz_offset(time_t t)
{
	tz_init();
	return offset_at(t);
}

int
cx_now_set(const char *s, struct cx_err *err)
{
	time_t t;

	if (cx_time_parse(s, strlen(s), &t, err) == -1)
		return -1;
	now_time = t;
	now_frozen = 1;
	return 0;
}

time_t
cx_now(void)
{
	const char *env;
	time_t t;

	if (now_frozen)
		return now_time;
	if ((env = getenv("CX_NOW")) != NULL &&
	    cx_time_parse(env, strlen(env), &t, NULL) == 0)
		return t;
	return time(NULL);
}
