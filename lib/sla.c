/*
 * sla.c: time limits, replayed from a ticket's history.
 *
 * A policy (cx-policy(5)) declares clocks (when each starts, which
 * actions stop it, whether waiting pauses it and reopening restarts it),
 * the limit of each clock for the tickets that match, the shares of a
 * limit that warn, and the escalation ladder.  Nothing about a clock is
 * stored as state: its start, pauses and stop are read again from the
 * history every time, so a changed policy or priority gives the new limit
 * with every pause already accrued, and any run can be replayed with
 * --now.  Calendar time is plain seconds; working time is counted by the
 * calendar (calendar.c), which skips whole days and weeks.
 */
#include <stdlib.h>
#include <string.h>

#include "cx.h"

#define DAY	86400L
/* Ten years in days, working or not: well within the calendar's reach. */
#define MAXSPAN	3660L

struct iv {				/* time that does not count */
	time_t	 a, b;
	int	 open;			/* b is "not yet" */
	int	 kind;
};
enum { PAUSE, STOPPED, EXTENSION };

static int
tokeq(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

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

static int
in_list(const char *l, const char *s, size_t n)
{
	for (; *l != '\0'; l += strlen(l) + 1)
		if (tokeq(s, n, l))
			return 1;
	return 0;
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
	if (tokeq(w, n, "working"))
		sp->working = 1;
	else if (tokeq(w, n, "calendar"))
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
		if (tokeq(f, n, p->fields[i]))
			return i;
	p->fields = cx_realloc(p->fields, (p->nfields + 1) *
	    sizeof(*p->fields));
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
	cs->c = cx_realloc(cs->c, (cs->n + 1) * sizeof(*cs->c));
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
		if (!in_list(cs->c[i].vals, tmp->p, tmp->len))
			return 0;
	}
	return 1;
}

/* cx_sla_match, each field read once a ticket. */
static int
match(const struct cx_sla_policy *p, const struct cx_sla_conds *cs,
    const struct cx_rec *r, struct cx_sla_facts *f)
{
	size_t i, k;

	if (f->nmemo < p->nfields) {
		f->memo = cx_realloc(f->memo, p->nfields * sizeof(*f->memo));
		memset(f->memo + f->nmemo, 0, (p->nfields - f->nmemo) *
		    sizeof(*f->memo));
		f->nmemo = p->nfields;
	}
	for (i = 0; i < cs->n; i++) {
		k = cs->c[i].fi;
		if (f->memo[k].gen != f->gen) {
			f->memo[k].gen = f->gen;
			f->memo[k].has = cx_rec_getstr(r, p->fields[k],
			    &f->tmp) == 0;
			f->memo[k].off = f->vals.len;
			f->memo[k].len = f->tmp.len;
			if (f->memo[k].has)
				cx_buf_add(&f->vals, f->tmp.p, f->tmp.len);
		}
		if (!f->memo[k].has || !in_list(cs->c[i].vals, f->vals.p +
		    f->memo[k].off, f->memo[k].len))
			return 0;
	}
	return 1;
}

static int
find_clock(const struct cx_sla_policy *p, const char *w, size_t n)
{
	int i;

	for (i = 0; i < p->nclock; i++)
		if (tokeq(w, n, p->clock[i].name))
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
		if (tokeq(w, n, "from=received"))
			from = 1;
		else if (tokeq(w, n, "from=customer"))
			from = c->customer = 1;
		else if (n > 5 && memcmp(w, "stop=", 5) == 0) {
			free(c->stop);
			c->stop = list(w + 5, n - 5);
		} else if (tokeq(w, n, "pause"))
			c->pause = 1;
		else if (tokeq(w, n, "reopen"))
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
	p->t = cx_realloc(p->t, (p->nt + 1) * sizeof(*p->t));
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
	if (tokeq(w, n, "-"))
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

	p->step = cx_realloc(p->step, (p->nstep + 1) * sizeof(*p->step));
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
		} else if (tokeq(w, n, "raise"))
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
	p->cal = cx_realloc(p->cal, (p->ncal + 1) * sizeof(*p->cal));
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
	if (tokeq(w, wn, "clock"))
		return clock_line(p, l, end, err);
	if (tokeq(w, wn, "target"))
		return target_line(p, l, end, line, err);
	if (tokeq(w, wn, "warn"))
		return warn_line(p, l, end, err);
	if (tokeq(w, wn, "escalate"))
		return escalate_line(p, l, end, line, err);
	if (tokeq(w, wn, "calendar"))
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
	p->cals = cx_realloc(p->cals, (p->ncals + 1) * sizeof(*p->cals));
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

	p->ext = cx_realloc(p->ext, (p->next + 1) * sizeof(*p->ext));
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
	if (!cx_word(&l, end, &w, &n) || (!tokeq(w, n, "pause") &&
	    (w[0] != '+' || cx_sla_span_parse(w + 1, n - 1, &x->add) == -1))) {
		cx_seterr(err, "%s: expected +SPAN (+48h, +2d) or pause",
		    x->name);
		return -1;
	}
	x->pause = tokeq(w, n, "pause");
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
	free(p);
}

/* A ticket's history. */

struct walk {
	struct cx_sla_facts	*f;
	int			 customer;
	int			 bad;
};

static void
ev_add(struct cx_sla_facts *f, time_t at, const char *act, size_t n,
    int customer, int ours)
{
	struct cx_sla_ev *e;
	size_t i;

	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->ev = cx_realloc(f->ev, f->cap * sizeof(*f->ev));
	}
	/* Histories are written in order: this is a stable insertion. */
	for (i = f->n; i > 0 && f->ev[i - 1].at > at; i--)
		f->ev[i] = f->ev[i - 1];
	e = &f->ev[i];
	f->n++;
	e->at = at;
	e->act = (unsigned)f->names.len;
	e->customer = customer;
	e->ours = ours;
	cx_buf_add(&f->names, act, n);
	cx_buf_addc(&f->names, '\0');
}

static int
when(const char *v, size_t n, struct cx_buf *tmp, time_t *t)
{
	struct cx_err e;

	tmp->len = 0;
	return v == NULL || cx_json_str(v, n, tmp) == -1 ||
	    cx_time_parse(tmp->p, tmp->len, t, &e) == -1 ? -1 : 0;
}

static void
entry(void *arg, const char *v, size_t n)
{
	static const char *const keys[] = { "at", "by", "action",
	    "received_at" };
	struct walk *w = arg;
	struct cx_sla_facts *f = w->f;
	const char *m[4];
	size_t mn[4];
	time_t at;
	int ours;

	if (cx_json_fields(v, n, keys, 4, m, mn) == -1)
		return;
	if (w->customer) {	/* a follow-up: when the customer wrote */
		if (m[3] == NULL)
			return;
		if (when(m[3], mn[3], &f->tmp, &at) == -1)
			w->bad = 1;
		else
			ev_add(f, at, "followup", 8, 1, 0);
		return;
	}
	if (m[0] == NULL || m[2] == NULL)
		return;
	if (when(m[0], mn[0], &f->tmp, &at) == -1) {
		w->bad = 1;
		return;
	}
	ours = m[1] != NULL && tokeq(m[1], mn[1], "\"cx-sla\"");
	if (ours) {
		if (f->nours == f->capours) {
			f->capours = f->capours ? 2 * f->capours : 8;
			f->ours = cx_realloc(f->ours, f->capours *
			    sizeof(*f->ours));
		}
		f->ours[f->nours].v = v;
		f->ours[f->nours++].n = n;
	}
	f->tmp.len = 0;
	if (cx_json_str(m[2], mn[2], &f->tmp) == -1)
		return;
	ev_add(f, at, f->tmp.p, f->tmp.len, tokeq(f->tmp.p, f->tmp.len,
	    "customer_reply"), ours);
}

int
cx_sla_facts(struct cx_sla_facts *f, const struct cx_rec *r,
    struct cx_err *err)
{
	static const char *const times[] = { "received_at", "registered_at" };
	const struct cx_field *h;
	struct walk w = { f, 0, 0 };
	size_t i;

	f->n = f->nours = 0;
	f->names.len = 0;
	cx_sla_facts_touch(f);
	f->has_received = 0;
	for (i = 0; i < 2 && !f->has_received; i++) {
		if (cx_rec_getstr(r, times[i], &f->tmp) == -1)
			continue;
		if (cx_time_parse(f->tmp.p, f->tmp.len, &f->received,
		    err) == -1)
			return -1;
		f->has_received = 1;
	}
	if ((h = cx_rec_get(r, "history")) != NULL)
		(void)cx_json_each(h->v, h->vlen, entry, &w);
	w.customer = 1;
	if ((h = cx_rec_get(r, "followups")) != NULL)
		(void)cx_json_each(h->v, h->vlen, entry, &w);
	if (w.bad) {
		cx_seterr(err, "a time in history or followups is not a time");
		return -1;
	}
	return 0;
}

void
cx_sla_facts_touch(struct cx_sla_facts *f)
{
	if (++f->gen == 0) {	/* wrapped: no memo may look current */
		if (f->nmemo > 0)
			memset(f->memo, 0, f->nmemo * sizeof(*f->memo));
		f->gen = 1;
	}
	f->vals.len = 0;
}

void
cx_sla_facts_free(struct cx_sla_facts *f)
{
	free(f->ev);
	free(f->ours);
	free(f->memo);
	cx_buf_free(&f->vals);
	cx_buf_free(&f->names);
	cx_buf_free(&f->tmp);
}

/* One clock. */

/* Entries that leave a wait as it was: bookkeeping, not work. */
static int
resumes(const char *act)
{
	static const char *const keep[] = { "waiting", "note", "routed",
	    "assigned", "reassigned", "escalated", "reclassified", NULL };
	int i;

	for (i = 0; keep[i] != NULL; i++)
		if (strcmp(act, keep[i]) == 0)
			return 0;
	return 1;
}

struct ivs {
	struct iv	*v;
	size_t		 n, cap;
};

static void
iv_add(struct ivs *s, time_t a, time_t b, int open, int kind)
{
	if (!open && b <= a)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->v = cx_realloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n].a = a;
	s->v[s->n].b = b;
	s->v[s->n].open = open;
	s->v[s->n].kind = kind;
	s->n++;
}

static int
iv_cmp(const void *x, const void *y)
{
	const struct iv *a = x, *b = y;

	return a->a < b->a ? -1 : a->a > b->a;
}

static long
between(const struct cx_cal *cal, int working, time_t a, time_t b,
    struct cx_cal_info *info)
{
	if (!working)
		return b > a ? (long)(b - a) : 0;
	return cx_cal_between(cal, a, b, info);
}

int
cx_sla_after(const struct cx_cal *cal, time_t t,
    const struct cx_sla_span *sp, time_t *out, struct cx_cal_info *info,
    struct cx_err *err)
{
	if (!sp->working) {
		*out = t + cx_sla_span_secs(sp, cal);
		return 0;
	}
	return cx_cal_add(cal, t, cx_sla_span_secs(sp, cal), out, info, err);
}

/*
 * The instant x seconds of the basis have counted from start, skipping
 * the intervals (sorted, merged): 1 and *t, 0 if a pause still open
 * comes first (*left what is left), -1 on error.
 */
static int
reach(const struct cx_cal *cal, int working, time_t start,
    const struct ivs *s, long x, time_t *t, long *left,
    struct cx_cal_info *info, struct cx_err *err)
{
	time_t a = start;
	long used;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (!s->v[i].open && s->v[i].b <= a)
			continue;
		if (s->v[i].a > a) {
			used = between(cal, working, a, s->v[i].a, info);
			if (used >= x)
				break;
			x -= used;
		}
		if (s->v[i].open) {
			*left = x;
			return 0;
		}
		a = s->v[i].b;
	}
	if (!working) {
		*t = a + x;
		return 1;
	}
	return cx_cal_add(cal, a, x, t, info, err) == -1 ? -1 : 1;
}

/* Time of the basis counted from start until t, skipping the intervals. */
static long
counted(const struct cx_cal *cal, int working, time_t start,
    const struct ivs *s, time_t t)
{
	time_t a = start;
	long sum = 0;
	size_t i;

	for (i = 0; i < s->n && a < t; i++) {
		if (!s->v[i].open && s->v[i].b <= a)
			continue;
		if (s->v[i].a > a)
			sum += between(cal, working, a, s->v[i].a < t ?
			    s->v[i].a : t, NULL);
		if (s->v[i].open)
			return sum;
		a = s->v[i].b;
	}
	return a < t ? sum + between(cal, working, a, t, NULL) : sum;
}

/* Sorted, overlapping intervals merged; open ones swallow what follows. */
static void
merge(struct ivs *s)
{
	size_t i, k = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), iv_cmp);
	for (i = 1; i < s->n; i++) {
		if (s->v[k].open)
			break;
		if (s->v[i].a <= s->v[k].b) {
			if (s->v[i].open)
				s->v[k].open = 1;
			else if (s->v[i].b > s->v[k].b)
				s->v[k].b = s->v[i].b;
		} else
			s->v[++k] = s->v[i];
	}
	s->n = k + 1;
}

static void
put_time(struct cx_buf *b, const char *what, time_t t)
{
	cx_buf_printf(b, "  %s ", what);
	cx_time_fmt(t, b);
	cx_buf_addc(b, '\n');
}

static void
put_secs(struct cx_buf *b, long s)
{
	struct cx_sla_span sp = { 0, s, 0 };

	cx_sla_span_fmt(&sp, b);
}

static void
indent(struct cx_buf *b, const char *head, const struct cx_buf *lines)
{
	const char *p = lines->p, *end = lines->p + lines->len, *nl;

	cx_buf_adds(b, head);
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		cx_buf_adds(b, "    ");
		cx_buf_add(b, p, (size_t)(nl - p));
		cx_buf_addc(b, '\n');
	}
}

static int
ext_matches(const struct cx_sla_ext *x, const struct cx_sla_clock *c,
    const struct cx_rec *r, struct cx_buf *tmp, time_t start)
{
	if (x->clocks != NULL ? !in_list(x->clocks, c->name,
	    strlen(c->name)) : !c->pause)
		return 0;
	return start < x->to && cx_sla_match(&x->when, r, tmp);
}

/*
 * Force majeure: an extension applies to a clock that runs into its range:
 * one met after it began, one paused when it has begun (the clock will run
 * on after now), or one due after it begins, counting the extensions
 * already applied, so that a strike announced for next week moves the
 * deadlines it will delay now, and one extension can carry a clock into
 * another's range.  Once applied, an extension stays applied as time goes
 * on: a wait only moves the due time later.
 */
static int
extend(const struct cx_sla_policy *p, int ci, const struct cx_rec *r,
    const struct cx_cal *cal, int w, time_t now, struct cx_sla_result *res,
    struct ivs *s, struct cx_buf *tmp, struct cx_buf *xb, struct cx_err *err)
{
	const struct cx_sla_ext *x;
	struct cx_sla_span add;
	time_t due = 0;
	long left;
	size_t i, n = p->next < 8 * sizeof(unsigned long) ? p->next :
	    8 * sizeof(unsigned long);
	int k = 0, more = 1;

	while (more) {
		more = 0;
		for (i = 0; i < n; i++) {
			x = &p->ext[i];
			if ((res->exts & 1UL << i) ||
			    !ext_matches(x, &p->clock[ci], r, tmp, res->start))
				continue;
			if (!res->met && k == 0) {
				merge(s);
				if ((k = reach(cal, w, res->start, s,
				    res->limit, &due, &left, NULL, err)) == -1)
					return -1;
			}
			if (res->met ? res->met_at <= x->from : k == 1 ?
			    due <= x->from : x->from > now)
				continue;
			res->exts |= 1UL << i;
			add = x->add;
			add.working = w;
			if (x->pause)
				iv_add(s, x->from, x->to, 0, EXTENSION);
			else
				res->limit += cx_sla_span_secs(&add, cal);
			if (xb != NULL)
				cx_buf_printf(xb, "  extended by %s "
				    "(extensions:%lu: %s)\n", x->name, x->line,
				    x->text);
			k = 0;		/* the due time moved: again */
			more = 1;
		}
	}
	return 0;
}

/* Start, stop and the time that does not count, from the history. */
static void
replay(const struct cx_sla_clock *c, const struct cx_sla_facts *f,
    time_t now, struct cx_sla_result *res, struct ivs *s,
    struct cx_buf *xb)
{
	const char *act;
	time_t p0 = 0;
	size_t i;
	int paused = 0;

	res->start = f->received;
	for (i = 0; c->customer && i < f->n; i++)
		if (f->ev[i].customer && f->ev[i].at <= now &&
		    f->ev[i].at > res->start)
			res->start = f->ev[i].at;
	if (xb != NULL)
		put_time(xb, c->customer && res->start != f->received ?
		    "starts at the customer's last message" :
		    "starts when received", res->start);
	for (i = 0; i < f->n; i++) {
		if (f->ev[i].ours || f->ev[i].at < res->start ||
		    f->ev[i].at > now)
			continue;
		act = f->names.p + f->ev[i].act;
		if (res->met) {
			if (c->reopen && strcmp(act, "reopened") == 0) {
				iv_add(s, res->met_at, f->ev[i].at, 0, STOPPED);
				if (xb != NULL)
					put_time(xb, "reopened", f->ev[i].at);
				res->met = 0;
			}
			continue;
		}
		if (in_list(c->stop, act, strlen(act))) {
			if (paused)
				iv_add(s, p0, f->ev[i].at, 0, PAUSE);
			paused = 0;
			res->met = 1;
			res->met_at = f->ev[i].at;
			if (xb != NULL)
				cx_buf_printf(xb, "  stopped by \"%s\" at ", act);
			if (xb != NULL) {
				cx_time_fmt(res->met_at, xb);
				cx_buf_addc(xb, '\n');
			}
		} else if (c->pause && strcmp(act, "waiting") == 0) {
			if (!paused)
				p0 = f->ev[i].at;
			paused = 1;
		} else if (paused && (f->ev[i].customer || resumes(act))) {
			iv_add(s, p0, f->ev[i].at, 0, PAUSE);
			if (xb != NULL) {
				cx_buf_adds(xb, "  paused ");
				cx_time_fmt(p0, xb);
				cx_buf_adds(xb, " until ");
				cx_time_fmt(f->ev[i].at, xb);
				cx_buf_printf(xb, " (\"%s\")\n", act);
			}
			paused = 0;
		}
	}
	if (paused) {
		iv_add(s, p0, 0, 1, PAUSE);
		if (xb != NULL)
			put_time(xb, "paused, waiting, since", p0);
	}
}

int
cx_sla_clock(const struct cx_sla_policy *p, int ci, const struct cx_rec *r,
    struct cx_sla_facts *f, const struct cx_cal *cal, time_t now,
    struct cx_sla_result *res, struct cx_buf *xb, struct cx_cal_info *info,
    struct cx_err *err)
{
	const struct cx_sla_clock *c = &p->clock[ci];
	const struct cx_sla_target *t = NULL;
	struct cx_buf tmp = { 0 }, walked = { 0 }, *saved = NULL;
	struct ivs s = { 0 };
	size_t i;
	int k, rc = -1, w;

	memset(res, 0, sizeof(*res));
	res->target = -1;
	for (i = 0; i < p->nt; i++)
		if (p->t[i].clock == ci && match(p, &p->t[i].when, r, f)) {
			t = &p->t[i];
			break;
		}
	if (t == NULL || t->none || !f->has_received) {
		cx_buf_free(&tmp);
		return 0;
	}
	res->target = (int)i;
	w = t->limit.working;
	res->limit = cx_sla_span_secs(&t->limit, cal);
	if (xb != NULL) {
		cx_buf_printf(xb, "%s: ", c->name);
		cx_sla_span_fmt(&t->limit, xb);
		cx_buf_printf(xb, " (%s:%lu: target %s)\n", p->path, t->line,
		    t->text);
		if (w)
			cx_buf_printf(xb, "  working time of calendar %s "
			    "(a working day is %ldh%02ldm)\n", cx_cal_zone(cal),
			    cx_cal_daylen(cal) / 3600,
			    cx_cal_daylen(cal) / 60 % 60);
	}
	replay(c, f, now, res, &s, xb);
	if (extend(p, ci, r, cal, w, now, res, &s, &tmp, xb, err) == -1)
		goto out;
	merge(&s);
	if (info != NULL) {
		info->nmissing = 0;
		saved = info->explain;
		if (xb != NULL && w)
			info->explain = &walked;
	}
	k = reach(cal, w, res->start, &s, res->limit, &res->due,
	    &res->remaining, info, err);
	if (info != NULL)
		info->explain = saved;
	if (walked.len > 0)
		indent(xb, "  working time counted:\n", &walked);
	if (k == -1)
		goto out;
	if (k == 1)
		res->has_due = 1;
	else {
		res->paused = !res->met;
		res->paused_since = s.v[s.n - 1].a;
	}
	/* A clock stopped in a pause that is still open has its answer. */
	if (res->met)
		res->paused = 0;
	if (res->has_due)
		res->breached = res->met ? res->met_at > res->due :
		    now >= res->due;
	/* How much of the limit is used, for the warnings. */
	if (res->paused)
		res->elapsed = res->limit - res->remaining;
	else if (res->breached)
		res->elapsed = res->limit;
	else if (!res->met)
		res->elapsed = counted(cal, w, res->start, &s, now);
	if (xb != NULL) {
		if (res->has_due)
			put_time(xb, "due", res->due);
		if (res->met)
			cx_buf_adds(xb, res->breached ? "  met late\n" :
			    "  met in time\n");
		else if (res->paused) {
			cx_buf_adds(xb, "  paused: ");
			put_secs(xb, res->remaining);
			cx_buf_adds(xb, w ? " of working time left\n" :
			    " left\n");
		} else
			cx_buf_adds(xb, res->breached ? "  breached\n" :
			    "  running\n");
	}
	rc = 0;
out:
	free(s.v);
	cx_buf_free(&tmp);
	cx_buf_free(&walked);
	return rc;
}
