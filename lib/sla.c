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
 * calendar (calendar.c), which skips whole days and weeks.  The policy
 * itself is read by policy.c.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

struct iv {				/* time that does not count */
	time_t	 a, b;
	int	 open;			/* b is "not yet" */
	int	 kind;
};
enum { PAUSE, STOPPED, EXTENSION };

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
		if (!f->memo[k].has || !cx_listed(cs->c[i].vals, f->vals.p +
		    f->memo[k].off, f->memo[k].len))
			return 0;
	}
	return 1;
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

	f->ev = cx_reserve(f->ev, f->n, &f->cap, sizeof(*f->ev));
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
	ours = m[1] != NULL && cx_tokeq(m[1], mn[1], "\"cx-sla\"");
	if (ours) {
		f->ours = cx_reserve(f->ours, f->nours, &f->capours,
		    sizeof(*f->ours));
		f->ours[f->nours].v = v;
		f->ours[f->nours++].n = n;
	}
	f->tmp.len = 0;
	if (cx_json_str(m[2], mn[2], &f->tmp) == -1)
		return;
	ev_add(f, at, f->tmp.p, f->tmp.len, cx_tokeq(f->tmp.p, f->tmp.len,
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
	s->v = cx_reserve(s->v, s->n, &s->cap, sizeof(*s->v));
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
	const char *p = lines->p, *end = lines->p + lines->len, *l;
	size_t n;

	cx_buf_adds(b, head);
	while (cx_line(&p, end, &l, &n)) {
		cx_buf_adds(b, "    ");
		cx_buf_add(b, l, n);
		cx_buf_addc(b, '\n');
	}
}

static int
ext_matches(const struct cx_sla_ext *x, const struct cx_sla_clock *c,
    const struct cx_rec *r, struct cx_buf *tmp, time_t start)
{
	if (x->clocks != NULL ? !cx_listed(x->clocks, c->name,
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
		if (cx_listed(c->stop, act, strlen(act))) {
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
