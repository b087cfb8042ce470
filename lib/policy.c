/*
 * policy.c: the policy file (cx-policy(5)) and the extensions file of
 * force majeure: clocks, the limits of each for the tickets that match,
 * the warnings, the escalation ladder, the calendars of departments.
 * sla.c replays the clocks a policy declares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

#define DAY	86400L
/* Ten years in days, working or not: well within the calendar's reach. */
#define MAXSPAN	3660L

/* "a,b,c" as "a\0b\0c\0\0". */
static char *
list(const char *s, size_t n)
{
	char *l = cx_alloc(n + 2), *p = l;
	size_t i;

	for (i = 0; i < n; i++)
		*p++ = s[i] == ',' ? '\0' : s[i];
	*p++ = '\0';
	*p = '\0';
	return l;
}

int
cx_sla_span_parse(const char *s, size_t n, struct cx_sla_span *sp)
{
	size_t i = 0;
	long v;

	sp->days = sp->secs = 0;
	if (n == 1 && s[0] == '0')
		return 0;
	if (n == 0)
		return -1;
	while (i < n) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		for (v = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if ((v = v * 10 + (s[i] - '0')) > 100000000L)
				return -1;
		if (i == n)
			return -1;
		switch (s[i++]) {
		case 'd':
			if ((sp->days += v) > MAXSPAN)
				return -1;
			break;
		case 'h':
			sp->secs += v * 3600;
			break;
		case 'm':
			sp->secs += v * 60;
			break;
		case 's':
			sp->secs += v;
			break;
		default:
			return -1;
		}
		if (sp->secs > MAXSPAN * DAY)
			return -1;
	}
	return 0;
}

long
cx_sla_span_secs(const struct cx_sla_span *sp, const struct cx_cal *cal)
{
	long day = DAY;

	if (sp->working)
		day = cal != NULL ? cx_cal_daylen(cal) : 8 * 3600L;
	return sp->secs + sp->days * day;
}

/* A span ("30m", "4h", "2d") in seconds of calendar time; -1 if none. */
int
cx_span_secs(const char *s, size_t n, long *secs)
{
	struct cx_sla_span sp = { 0, 0, 0 };

	if (cx_sla_span_parse(s, n, &sp) == -1)
		return -1;
	*secs = cx_sla_span_secs(&sp, NULL);
	return 0;
}

static void
unit(struct cx_buf *b, unsigned long v, char u)
{
	cx_buf_ulong(b, v);
	cx_buf_addc(b, u);
}

void
cx_sla_span_fmt(const struct cx_sla_span *sp, struct cx_buf *b)
{
	long s = sp->secs;

	if (sp->days == 0 && s == 0)
		cx_buf_addc(b, '0');
	if (sp->days > 0)
		unit(b, (unsigned long)sp->days, 'd');
	if (s / 3600 > 0)
		unit(b, (unsigned long)(s / 3600), 'h');
	if (s / 60 % 60 > 0)
		unit(b, (unsigned long)(s / 60 % 60), 'm');
	if (s % 60 > 0)
		unit(b, (unsigned long)(s % 60), 's');
	if (sp->working)
		cx_buf_adds(b, " working");
}

/* Policy files. */

static int
basis(const char *w, size_t n, struct cx_sla_span *sp)
{
	if (cx_tokeq(w, n, "working"))
		sp->working = 1;
	else if (cx_tokeq(w, n, "calendar"))
		sp->working = 0;
	else
		return 0;
	return 1;
}

/* The index of a field conditions read, added if new. */
static size_t
field_index(struct cx_sla_policy *p, const char *f, size_t n)
{
	size_t i;

	for (i = 0; i < p->nfields; i++)
		if (cx_tokeq(f, n, p->fields[i]))
			return i;
	p->fields = cx_grow(p->fields, p->nfields, sizeof(*p->fields));
	p->fields[p->nfields] = cx_strndup(f, n);
	return p->nfields++;
}

static int
cond(struct cx_sla_policy *p, struct cx_sla_conds *cs, const char *w,
    size_t n, struct cx_err *err)
{
	const char *eq = memchr(w, '=', n);
	struct cx_sla_cond *c;

	if (eq == NULL || eq == w || eq + 1 == w + n) {
		cx_seterr(err, "expected FIELD=VALUE, not \"%.*s\"", (int)n, w);
		return -1;
	}
	cs->c = cx_grow(cs->c, cs->n, sizeof(*cs->c));
	c = &cs->c[cs->n++];
	c->field = cx_strndup(w, (size_t)(eq - w));
	c->vals = list(eq + 1, (size_t)(w + n - eq - 1));
	c->fi = field_index(p, w, (size_t)(eq - w));
	return 0;
}

static void
conds_free(struct cx_sla_conds *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		free(cs->c[i].field);
		free(cs->c[i].vals);
	}
	free(cs->c);
}

int
cx_sla_match(const struct cx_sla_conds *cs, const struct cx_rec *r,
    struct cx_buf *tmp)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		if (cx_rec_getstr(r, cs->c[i].field, tmp) == -1)
			return 0;
		if (!cx_listed(cs->c[i].vals, tmp->p, tmp->len))
			return 0;
	}
	return 1;
}

static int
find_clock(const struct cx_sla_policy *p, const char *w, size_t n)
{
	int i;

	for (i = 0; i < p->nclock; i++)
		if (cx_tokeq(w, n, p->clock[i].name))
			return i;
	return -1;
}

static int
clock_line(struct cx_sla_policy *p, const char *l, const char *end,
    struct cx_err *err)
{
	struct cx_sla_clock *c;
	const char *w;
	size_t n;
	int from = 0;

	if (!cx_word(&l, end, &w, &n)) {
		cx_seterr(err, "clock: expected a name");
		return -1;
	}
	if (find_clock(p, w, n) != -1) {
		cx_seterr(err, "clock %.*s: declared twice", (int)n, w);
		return -1;
	}
	if (p->nclock == CX_SLA_MAXCLOCK) {
		cx_seterr(err, "more than %d clocks", CX_SLA_MAXCLOCK);
		return -1;
	}
	c = &p->clock[p->nclock++];
	c->name = cx_strndup(w, n);
	while (cx_word(&l, end, &w, &n)) {
		if (cx_tokeq(w, n, "from=received"))
			from = 1;
		else if (cx_tokeq(w, n, "from=customer"))
			from = c->customer = 1;
		else if (n > 5 && memcmp(w, "stop=", 5) == 0) {
			free(c->stop);
			c->stop = list(w + 5, n - 5);
		} else if (cx_tokeq(w, n, "pause"))
			c->pause = 1;
		else if (cx_tokeq(w, n, "reopen"))
			c->reopen = 1;
		else {
			cx_seterr(err, "clock %s: unknown \"%.*s\" (from=, stop=, "
			    "pause, reopen)", c->name, (int)n, w);
			return -1;
		}
	}
	if (!from || c->stop == NULL) {
		cx_seterr(err, "clock %s: needs from= and stop=", c->name);
		return -1;
	}
	return 0;
}

static int
target_line(struct cx_sla_policy *p, const char *l, const char *end,
    unsigned long line, struct cx_err *err)
{
	struct cx_sla_target *t;
	const char *start = l, *w;
	size_t n;
	int k;

	if (!cx_word(&l, end, &w, &n) || (k = find_clock(p, w, n)) == -1) {
		cx_seterr(err, "target: \"%.*s\" is no clock declared above",
		    (int)n, w);
		return -1;
	}
	p->t = cx_grow(p->t, p->nt, sizeof(*p->t));
	t = &p->t[p->nt++];
	memset(t, 0, sizeof(*t));
	t->clock = k;
	t->line = line;
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	t->text = cx_strndup(start, (size_t)(end - start));
	if (!cx_word(&l, end, &w, &n)) {
		cx_seterr(err, "target: expected a limit (30m, 24h, 2d or -)");
		return -1;
	}
	if (cx_tokeq(w, n, "-"))
		t->none = 1;
	else if (cx_sla_span_parse(w, n, &t->limit) == -1) {
		cx_seterr(err, "target: bad limit \"%.*s\" (30m, 24h, 2d)",
		    (int)n, w);
		return -1;
	}
	while (cx_word(&l, end, &w, &n))
		if (!basis(w, n, &t->limit) && cond(p, &t->when, w, n,
		    err) == -1)
			return -1;
	return 0;
}

static int
warn_line(struct cx_sla_policy *p, const char *l, const char *end,
    struct cx_err *err)
{
	const char *w;
	size_t n, i;
	int v;

	p->nwarn = 0;
	while (cx_word(&l, end, &w, &n)) {
		for (v = 0, i = 0; i + 1 < n && w[i] >= '0' && w[i] <= '9'; i++)
			v = v * 10 + (w[i] - '0');
		if (n < 2 || n > 3 || i + 1 != n || w[i] != '%' || v < 1 ||
		    v > 99 || (p->nwarn > 0 && v <= p->warn[p->nwarn - 1])) {
			cx_seterr(err, "warn: expected rising shares 1%%..99%%, "
			    "not \"%.*s\"", (int)n, w);
			return -1;
		}
		if (p->nwarn == CX_SLA_MAXWARN) {
			cx_seterr(err, "warn: at most %d shares", CX_SLA_MAXWARN);
			return -1;
		}
		p->warn[p->nwarn++] = v;
	}
	return 0;
}

static int
notify(const char *w, size_t n, unsigned *who, struct cx_err *err)
{
	char *l = list(w, n), *s;
	int r = 0;

	for (s = l; *s != '\0'; s += strlen(s) + 1) {
		if (strcmp(s, "assignee") == 0)
			*who |= CX_SLA_ASSIGNEE;
		else if (strcmp(s, "owner") == 0)
			*who |= CX_SLA_OWNER;
		else if (strcmp(s, "supervisor") == 0)
			*who |= CX_SLA_SUPERVISOR;
		else {
			cx_seterr(err, "notify: \"%s\" is not assignee, owner "
			    "or supervisor", s);
			r = -1;
			break;
		}
	}
	free(l);
	return r;
}

static int
escalate_line(struct cx_sla_policy *p, const char *l, const char *end,
    unsigned long line, struct cx_err *err)
{
	struct cx_sla_step *s;
	const char *w;
	size_t n;

	p->step = cx_grow(p->step, p->nstep, sizeof(*p->step));
	s = &p->step[p->nstep++];
	memset(s, 0, sizeof(*s));
	s->line = line;
	if (!cx_word(&l, end, &w, &n) ||
	    cx_sla_span_parse(w, n, &s->delay) == -1) {
		cx_seterr(err, "escalate: expected a delay after the breach "
		    "(0, 2h, 1d)");
		return -1;
	}
	while (cx_word(&l, end, &w, &n)) {
		if (basis(w, n, &s->delay))
			continue;
		if (n > 7 && memcmp(w, "notify=", 7) == 0) {
			if (notify(w + 7, n - 7, &s->notify, err) == -1)
				return -1;
		} else if (n > 6 && memcmp(w, "queue=", 6) == 0) {
			free(s->queue);
			s->queue = cx_strndup(w + 6, n - 6);
		} else if (cx_tokeq(w, n, "raise"))
			s->raise = 1;
		else {
			cx_seterr(err, "escalate: unknown \"%.*s\" (notify=, "
			    "queue=, raise)", (int)n, w);
			return -1;
		}
	}
	if (s->notify == 0 && s->queue == NULL && !s->raise) {
		cx_seterr(err, "escalate: does nothing");
		return -1;
	}
	return 0;
}

static int
calendar_line(struct cx_sla_policy *p, const char *l, const char *end,
    struct cx_err *err)
{
	const char *d, *f, *x;
	size_t dn, fn, xn;

	if (!cx_word(&l, end, &d, &dn) || !cx_word(&l, end, &f, &fn) ||
	    cx_word(&l, end, &x, &xn)) {
		cx_seterr(err, "calendar: expected DEPARTMENT (or *) and FILE");
		return -1;
	}
	/* A file of the spool's etc/ or the shipped directory, by name: no
	 * path leads out of them. */
	if (memchr(f, '/', fn) != NULL || (fn <= 2 && f[0] == '.' &&
	    (fn == 1 || f[1] == '.'))) {
		cx_seterr(err, "calendar: \"%.*s\" is no file name: the file is "
		    "named as it is in etc/, without a directory", (int)fn, f);
		return -1;
	}
	p->cal = cx_grow(p->cal, p->ncal, sizeof(*p->cal));
	p->cal[p->ncal].dept = cx_strndup(d, dn);
	p->cal[p->ncal].file = cx_strndup(f, fn);
	p->ncal++;
	return 0;
}

static int
policy_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct cx_sla_policy *p = arg;
	const char *end = l + n, *w;
	size_t wn;

	(void)cx_word(&l, end, &w, &wn);
	if (cx_tokeq(w, wn, "clock"))
		return clock_line(p, l, end, err);
	if (cx_tokeq(w, wn, "target"))
		return target_line(p, l, end, line, err);
	if (cx_tokeq(w, wn, "warn"))
		return warn_line(p, l, end, err);
	if (cx_tokeq(w, wn, "escalate"))
		return escalate_line(p, l, end, line, err);
	if (cx_tokeq(w, wn, "calendar"))
		return calendar_line(p, l, end, err);
	cx_seterr(err, "unknown line \"%.*s\" (clock, target, warn, escalate, "
	    "calendar)", (int)wn, w);
	return -1;
}

struct cx_sla_policy *
cx_sla_load(const char *path, struct cx_err *err)
{
	struct cx_sla_policy *p = cx_alloc(sizeof(*p));

	memset(p, 0, sizeof(*p));
	p->path = cx_strndup(path, strlen(path));
	if (cx_conf_lines(path, policy_line, p, err) == -1) {
		cx_sla_free(p);
		return NULL;
	}
	if (p->nclock == 0) {
		cx_seterr(err, "%s: no clocks", path);
		cx_sla_free(p);
		return NULL;
	}
	return p;
}

const char *
cx_sla_calfile(const struct cx_sla_policy *p, const char *dept)
{
	const char *any = NULL;
	size_t i;

	/* The first line for the department, else the first for all. */
	for (i = 0; i < p->ncal; i++) {
		if (dept != NULL && strcmp(p->cal[i].dept, dept) == 0)
			return p->cal[i].file;
		if (any == NULL && strcmp(p->cal[i].dept, "*") == 0)
			any = p->cal[i].file;
	}
	return any != NULL ? any : "calendar";
}

const struct cx_cal *
cx_sla_calendar(struct cx_sla_policy *p, const char *spool, const char *dept,
    struct cx_err *err)
{
	const char *file = cx_sla_calfile(p, dept);
	struct cx_cal *cal;
	char *path;
	size_t i;

	for (i = 0; i < p->ncals; i++)
		if (strcmp(p->cals[i].file, file) == 0)
			return p->cals[i].cal;
	if ((path = cx_conf_need(spool, file, err)) == NULL)
		return NULL;
	cal = cx_cal_load(path, err);
	free(path);
	if (cal == NULL)
		return NULL;
	p->cals = cx_grow(p->cals, p->ncals, sizeof(*p->cals));
	p->cals[p->ncals].file = cx_strndup(file, strlen(file));
	p->cals[p->ncals].cal = cal;
	return p->cals[p->ncals++].cal;
}

/* Force majeure. */

/* A date is a whole day in the run's zone; "to" a date is its end. */
static int
instant(const char *w, size_t n, int end, time_t *t)
{
	struct cx_err e;
	char next[16];
	int y, m, d;

	if (cx_time_parse(w, n, t, &e) == -1)
		return -1;
	if (!end || n != 10)
		return 0;
	if (sscanf(w, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	cx_civil_from_days(cx_days_from_civil(y, m, d) + 1, &y, &m, &d);
	snprintf(next, sizeof(next), "%04d-%02d-%02d", y, m, d);
	return cx_time_parse(next, 10, t, &e);
}

int
cx_sla_ext_line(struct cx_sla_policy *p, const char *l, size_t len,
    unsigned long line, struct cx_err *err)
{
	struct cx_sla_ext *x;
	const char *end = l + len, *w;
	size_t n, i;

	p->ext = cx_grow(p->ext, p->next, sizeof(*p->ext));
	x = &p->ext[p->next++];
	memset(x, 0, sizeof(*x));
	x->line = line;
	x->text = cx_strndup(l, len);
	if (!cx_word(&l, end, &w, &n)) {
		cx_seterr(err, "expected NAME FROM TO +SPAN|pause");
		return -1;
	}
	x->name = cx_strndup(w, n);
	for (i = 0; i + 1 < p->next; i++)
		if (strcmp(p->ext[i].name, x->name) == 0) {
			cx_seterr(err, "%s: named twice (line %lu)", x->name,
			    p->ext[i].line);
			return -1;
		}
	if (!cx_word(&l, end, &w, &n) || instant(w, n, 0, &x->from) == -1 ||
	    !cx_word(&l, end, &w, &n) || instant(w, n, 1, &x->to) == -1) {
		cx_seterr(err, "%s: expected FROM and TO, dates or times",
		    x->name);
		return -1;
	}
	if (x->to <= x->from) {
		cx_seterr(err, "%s: TO is not after FROM", x->name);
		return -1;
	}
	if (!cx_word(&l, end, &w, &n) || (!cx_tokeq(w, n, "pause") &&
	    (w[0] != '+' || cx_sla_span_parse(w + 1, n - 1, &x->add) == -1))) {
		cx_seterr(err, "%s: expected +SPAN (+48h, +2d) or pause",
		    x->name);
		return -1;
	}
	x->pause = cx_tokeq(w, n, "pause");
	while (cx_word(&l, end, &w, &n)) {
		if (n > 6 && memcmp(w, "clock=", 6) == 0) {
			free(x->clocks);
			x->clocks = list(w + 6, n - 6);
		} else if (cond(p, &x->when, w, n, err) == -1)
			return -1;
	}
	if (p->next > 8 * sizeof(unsigned long)) {
		cx_seterr(err, "more than %zu extensions in force",
		    8 * sizeof(unsigned long));
		return -1;
	}
	return 0;
}

static int
ext_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	return cx_sla_ext_line(arg, l, n, line, err);
}

int
cx_sla_ext_load(struct cx_sla_policy *p, const char *path,
    struct cx_err *err)
{
	free(p->extpath);
	p->extpath = cx_strndup(path, strlen(path));
	return cx_conf_lines(path, ext_line, p, err);
}

void
cx_sla_free(struct cx_sla_policy *p)
{
	size_t i;
	int k;

	if (p == NULL)
		return;
	for (k = 0; k < p->nclock; k++) {
		free(p->clock[k].name);
		free(p->clock[k].stop);
	}
	for (i = 0; i < p->nt; i++) {
		conds_free(&p->t[i].when);
		free(p->t[i].text);
	}
	for (i = 0; i < p->nstep; i++)
		free(p->step[i].queue);
	for (i = 0; i < p->ncal; i++) {
		free(p->cal[i].dept);
		free(p->cal[i].file);
	}
	for (i = 0; i < p->next; i++) {
		free(p->ext[i].name);
		free(p->ext[i].clocks);
		free(p->ext[i].text);
		conds_free(&p->ext[i].when);
	}
	for (i = 0; i < p->nfields; i++)
		free(p->fields[i]);
	for (i = 0; i < p->ncals; i++) {
		free(p->cals[i].file);
		cx_cal_free(p->cals[i].cal);
	}
	free(p->cals);
	free(p->fields);
	free(p->t);
	free(p->step);
	free(p->cal);
	free(p->ext);
	free(p->path);
	free(p->extpath);
	free(p);
}

/*
 * Whether a force majeure line is one the extensions have already: 1 if
 * one of its name says the same, 0 if none has its name, -1 if one of its
 * name extends otherwise.
 */
int
cx_sla_ext_known(const struct cx_sla_policy *p, const char *line,
    struct cx_err *err)
{
	const char *l = line, *w, *end = l + strlen(l);
	size_t i, n;

	(void)cx_word(&l, end, &w, &n);
	for (i = 0; i < p->next; i++)
		if (cx_tokeq(w, n, p->ext[i].name)) {
			if (strcmp(p->ext[i].text, line) == 0)
				return 1;
			cx_seterr(err, "%s: %s:%lu extends otherwise",
			    p->ext[i].name, p->extpath ? p->extpath : "-x",
			    p->ext[i].line);
			return -1;
		}
	return 0;
}
