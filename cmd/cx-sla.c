/*
 * cx-sla: every ticket's time limits, its warnings and breaches, and the
 * escalation ladder.
 *
 * The clocks, their limits and the ladder come from the policy file
 * (cx-policy(5)), working time from the calendars (cx-calendar(5)), force
 * majeure from the extensions file or -x.  Each clock is replayed from the
 * ticket's history at every run (lib/sla.c), so the sla member it writes
 * is a pure function of the ticket, the policy and now: a ticket whose
 * clocks crossed nothing since the last run comes out byte for byte as it
 * went in and is not rewritten.  What did happen (a warning, a breach, a
 * step of the ladder, an extension) is written once to the history and
 * to the alerts; a later run reads its own entries back and never says it
 * again.  An alert for a ticket that is not urgent waits for working time.
 *
 * Spool mode sweeps open/ under the spool lock and commits the changed
 * tickets and the alerts (outbox/) in one transaction, so a crash leaves
 * either all of a sweep or none of it.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"

enum { SAME, CHANGED, DEFER };

static struct {
	struct cx_sla_policy	*pol;
	struct cx_route		*rt;
	struct cx_spool		*sp;
	const char		*spool, *explain, *extend;
	char			*extpath;	/* the extensions in force */
	int			 dry, quiet, final;
	int			 moved;		/* a rung moved or raised it */
	int			 apart;		/* alert files staged */
	struct cx_buf		 parts;		/* their names, NUL-separated */
	time_t			 now;
	char			 nowtext[CX_NOWTEXT];
	struct cx_sla_facts	 facts;
	struct cx_sla_result	 res[CX_SLA_MAXCLOCK];
	struct cx_sla_result	 res0[CX_SLA_MAXCLOCK];	/* the first pass */
	int			 pass;
	struct cx_sla_said	 said;
	struct cx_buf		 out, alerts, sla, ent, tmp, tmp2, xb;
	FILE			*alertf;
	unsigned long		*load;
	int			*sup;		/* supervisors, as agents */
	size_t			 nsup;
	struct cx_buf		 hist;		/* new history entries */
	struct {
		int		 ok;
		int		 has[3];	/* assignee, owner, department */
		struct cx_buf	 v[3];
	}			 who;
	int			 missing[64];
	size_t			 nmissing;
	unsigned long		 nseen, nchanged, nwarn, nbreach, nesc;
	unsigned long		 nheld, nopen, nbad, found;
} G;

static void
usage(void)
{
	fprintf(stderr, "usage: cx-sla [-nq] [-a alerts] [-s spool] "
	    "[-x extension] [--explain id] [--now time] [file ...]\n");
	exit(CX_EXIT_ERR);
}

static const struct cx_cal *
calendar(const struct cx_rec *r)
{
	const struct cx_cal *cal;
	struct cx_err e;

	if ((cal = cx_sla_calendar(G.pol, G.spool, cx_rec_getstr(r,
	    "department", &G.tmp) == 0 ? G.tmp.p : NULL, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	return cal;
}

static void
note_missing(const struct cx_cal_info *info)
{
	size_t i, k;

	for (k = 0; k < (size_t)info->nmissing && k < CX_CAL_MAXMISS; k++) {
		for (i = 0; i < G.nmissing; i++)
			if (G.missing[i] == info->missing[k])
				break;
		if (i < G.nmissing || G.nmissing == 64)
			continue;
		for (i = G.nmissing++; i > 0 && G.missing[i - 1] >
		    info->missing[k]; i--)
			G.missing[i] = G.missing[i - 1];
		G.missing[i] = info->missing[k];
	}
}

/* What becomes of a ticket that cannot be timed. */
static const char *
kept(void)
{
	return G.spool != NULL ? "; left as it is" : "; passed through";
}

/* What earlier runs said of the ticket: the entries the history walk kept. */
static void
said(void)
{
	size_t i;

	cx_sla_said_reset(&G.said);
	for (i = 0; i < G.facts.nours; i++)
		cx_sla_said_entry(&G.said, G.pol, G.res, G.facts.ours[i].v,
		    G.facts.ours[i].n);
}

/* Every clock of a ticket, and the sla member they make. */
static int
clocks(const struct cx_rec *r, const struct cx_cal *cal, const char *file,
    unsigned long line)
{
	struct cx_cal_info info = { 0 };
	const struct cx_field *old;
	struct cx_err e;
	int k;

	for (k = 0; k < G.pol->nclock; k++) {
		if (cx_sla_clock(G.pol, k, r, &G.facts, cal, G.now, &G.res[k],
		    NULL, &info, &e) == -1) {
			warnx("%s:%lu: %s: %s%s", file, line,
			    G.pol->clock[k].name, e.msg, kept());
			return -1;
		}
		note_missing(&info);
	}
	/* Stopped clocks keep their verdict: in the ticket, and this run's. */
	if ((old = cx_rec_get(r, "sla")) != NULL)
		cx_sla_keep(G.pol, G.res, old->v, old->vlen, &G.tmp);
	for (k = 0; G.pass > 0 && k < G.pol->nclock; k++)
		if (G.res[k].met && G.res0[k].met && G.res[k].target >= 0 &&
		    G.res0[k].target >= 0 && G.res[k].start ==
		    G.res0[k].start && G.res[k].met_at == G.res0[k].met_at)
			G.res[k] = G.res0[k];
	if (G.pass == 0)
		memcpy(G.res0, G.res, sizeof(G.res));
	G.sla.len = 0;
	cx_sla_member(G.pol, G.res, &G.sla);
	return 0;
}

/* The ticket's people, read once a ticket (again after a rung moves it). */
static void
people(const struct cx_rec *r)
{
	static const char *const keys[] = { "assignee", "owner",
	    "department" };
	int i;

	if (G.who.ok)
		return;
	for (i = 0; i < 3; i++)
		G.who.has[i] = cx_rec_getstr(r, keys[i], &G.who.v[i]) == 0 &&
		    G.who.v[i].len > 0;
	G.who.ok = 1;
}

/* Who an event goes to, as "a\0b\0\0". */
static void
recipients(const struct cx_rec *r, unsigned who, struct cx_buf *to)
{
	const struct cx_agent *a;
	size_t i;

	people(r);
	to->len = 0;
	if ((who & CX_SLA_ASSIGNEE) && G.who.has[0])
		cx_buf_add(to, G.who.v[0].p, G.who.v[0].len + 1);
	if ((who & CX_SLA_OWNER) && G.who.has[1] && (to->len == 0 ||
	    strcmp(to->p, G.who.v[1].p) != 0))
		cx_buf_add(to, G.who.v[1].p, G.who.v[1].len + 1);
	if ((who & CX_SLA_SUPERVISOR) && G.who.has[2])
		for (i = 0; i < G.nsup; i++) {
			a = cx_route_agent_at(G.rt, G.sup[i]);
			if (strcmp(a->dept, G.who.v[2].p) == 0)
				cx_buf_add(to, a->name, strlen(a->name) + 1);
		}
	cx_buf_addc(to, '\0');
	cx_buf_addc(to, '\0');
}

/* The history entry and the alert of one event. */
static void
event(const char *id, const char *action, const char *kind, int k,
    int share, int level, const char *to, const char *extra)
{
	size_t body;

	G.ent.len = 0;
	body = cx_sla_entry(&G.ent, G.nowtext, G.pol, k >= 0 ? &G.res[k] : NULL,
	    k, action, share, level, extra, to);
	/* Gathered, and appended to the history once per ticket. */
	if (G.hist.len > 0)
		cx_buf_addc(&G.hist, ',');
	cx_buf_add(&G.hist, G.ent.p, G.ent.len);
	if (kind != NULL)
		cx_sla_alert(&G.alerts, G.nowtext, kind, id, G.ent.p + body,
		    G.ent.len - body);
}

/* The entries gathered, appended to the history at once. */
static void
flush(struct cx_rec *r)
{
	if (G.hist.len > 0)
		cx_rec_append(r, "history", G.hist.p, G.hist.len);
	G.hist.len = 0;
}

/* A rung of the ladder: who is told, and where the ticket goes. */
static void
step(struct cx_rec *r, const char *id, size_t j, int k)
{
	const struct cx_sla_step *s = &G.pol->step[j];
	struct cx_buf to = { 0 }, extra = { 0 };
	const char *prio;

	G.who.ok = 0;
	if (s->queue != NULL) {
		(void)cx_route_move(G.rt, r, s->queue, G.load);
		cx_buf_adds(&extra, ",\"queue\":");
		cx_json_addstr(&extra, s->queue, strlen(s->queue));
	}
	if (s->raise && cx_rec_getstr(r, "priority", &G.tmp) == 0 &&
	    strcmp(G.tmp.p, "urgent") != 0) {
		prio = cx_priority_raised(G.tmp.p);
		cx_rec_set_str(r, "priority", prio, strlen(prio));
		cx_buf_printf(&extra, ",\"priority\":\"%s\"", prio);
	}
	recipients(r, s->notify, &to);
	event(id, "escalated", "escalation", k, 0, (int)j + 1, to.p,
	    extra.len > 0 ? cx_buf_str(&extra) : NULL);
	G.said.esc = (int)j + 1;
	G.moved |= s->queue != NULL || s->raise;
	flush(r);		/* the history before the escalation member */
	G.tmp.len = 0;
	cx_buf_printf(&G.tmp, "{\"level\":%d,\"at\":%s,\"clock\":\"%s\"}",
	    (int)j + 1, G.nowtext, G.pol->clock[k].name);
	cx_rec_set_raw(r, "escalation", G.tmp.p, G.tmp.len);
	cx_buf_free(&to);
	cx_buf_free(&extra);
	G.nesc++;
}

/* The warnings, breaches and rungs now due; 1 if there are any. */
static int
events(struct cx_rec *r, const char *id, const struct cx_cal *cal,
    int apply)
{
	const struct cx_sla_result *res;
	struct cx_buf to = { 0 };
	struct cx_err e;
	time_t base = 0, at;
	int k, lv, any = 0, open = -1;
	size_t j;

	for (k = 0; k < G.pol->nclock; k++) {
		res = &G.res[k];
		if (res->target < 0)
			continue;
		lv = cx_sla_level(G.pol, res);
		if (res->breached && !res->met && (open == -1 ||
		    res->due < base)) {
			open = k;
			base = res->due;
		}
		if (lv <= G.said.level[k])
			continue;
		any = 1;
		if (!apply)
			continue;
		G.said.level[k] = lv;
		if (lv > G.pol->nwarn) {
			recipients(r, CX_SLA_ASSIGNEE | CX_SLA_OWNER, &to);
			event(id, "sla_breach", "breach", k, 0, 0, to.p,
			    NULL);
			G.nbreach++;
		} else {
			recipients(r, CX_SLA_ASSIGNEE, &to);
			event(id, "sla_warning", "warning", k,
			    G.pol->warn[lv - 1], 0, to.p, NULL);
			G.nwarn++;
		}
	}
	for (j = (size_t)G.said.esc; open >= 0 && j < G.pol->nstep; j++) {
		if (cx_sla_after(cal, base, &G.pol->step[j].delay, &at, NULL,
		    &e) == -1 || at > G.now)
			break;
		if (G.pol->step[j].queue != NULL && !G.final) {
			cx_buf_free(&to);
			return -1;	/* DEFER: loads first */
		}
		any = 1;
		if (apply)
			step(r, id, j, open);
	}
	cx_buf_free(&to);
	return any;
}

static void
extensions(const char *id)
{
	unsigned long all = 0;
	size_t i;
	int k;

	for (k = 0; k < G.pol->nclock; k++)
		all |= G.res[k].target >= 0 ? G.res[k].exts : 0;
	for (i = 0; i < G.pol->next; i++) {
		if (!(all & 1UL << i) ||
		    cx_sla_said_ext(&G.said, G.pol->ext[i].name))
			continue;
		G.tmp2.len = 0;
		cx_buf_adds(&G.tmp2, ",\"name\":");
		cx_json_addstr(&G.tmp2, G.pol->ext[i].name,
		    strlen(G.pol->ext[i].name));
		cx_buf_adds(&G.tmp2, ",\"rule\":");
		cx_json_addstr(&G.tmp2, G.pol->ext[i].text,
		    strlen(G.pol->ext[i].text));
		event(id, "extended", NULL, -1, 0, 0, NULL,
		    cx_buf_str(&G.tmp2));
	}
}

static int sweep_ticket(struct cx_rec *, const char *, unsigned long);

/*
 * One ticket: SAME, CHANGED or DEFER; -1 if it cannot be read.  What a
 * ticket said is taken back if it is not written after all: one deferred
 * for the loads is swept again from its file.
 */
static int
sweep(struct cx_rec *r, const char *file, unsigned long line)
{
	size_t len = G.alerts.len;
	unsigned long n[4] = { G.nwarn, G.nbreach, G.nesc, G.nheld };
	int s;

	if ((s = sweep_ticket(r, file, line)) == DEFER || s == -1) {
		G.alerts.len = len;
		G.nwarn = n[0];
		G.nbreach = n[1];
		G.nesc = n[2];
		G.nheld = n[3];
	}
	return s;
}

static int
sweep_ticket(struct cx_rec *r, const char *file, unsigned long line)
{
	const struct cx_field *old;
	const struct cx_cal *cal;
	struct cx_err e;
	char *id;
	int k, ev, changed, pass;

	if (cx_sla_facts(&G.facts, r, &e) == -1) {
		warnx("%s:%lu: %s%s", file, line, e.msg, kept());
		return -1;
	}
	if (!G.facts.has_received) {
		warnx("%s:%lu: no received_at or registered_at%s", file, line,
		    kept());
		return -1;
	}
	cal = calendar(r);
	G.pass = 0;
	if (clocks(r, cal, file, line) == -1)
		return -1;
	id = cx_rec_getstr(r, "id", &G.tmp) == 0 ? cx_strndup(G.tmp.p,
	    G.tmp.len) : cx_strndup("?", 1);
	/*
	 * A rung of the ladder can raise the priority and so tighten the
	 * limits: the clocks are counted again until nothing more is due.
	 */
	G.hist.len = 0;
	G.who.ok = 0;
	said();
	for (changed = 0, pass = 0; pass < 4; pass++) {
		if ((ev = events(r, id, cal, 0)) == -1) {
			free(id);
			return DEFER;
		}
		/* Alerts wait for working time, unless the ticket is urgent. */
		if (ev && !(cx_rec_getstr(r, "priority", &G.tmp) == 0 &&
		    strcmp(G.tmp.p, "urgent") == 0) &&
		    !cx_cal_is_working(cal, G.now)) {
			G.nheld++;
			ev = 0;
		}
		if (!ev)
			break;
		changed = 1;
		G.moved = 0;
		(void)events(r, id, cal, 1);
		if (!G.moved)
			break;
		cx_sla_facts_touch(&G.facts);
		G.pass = pass + 1;
		cal = calendar(r);
		if (clocks(r, cal, file, line) == -1) {
			free(id);
			return -1;
		}
	}
	extensions(id);
	free(id);
	flush(r);
	old = cx_rec_get(r, "sla");
	if (old == NULL || old->vlen != G.sla.len || memcmp(old->v, G.sla.p,
	    G.sla.len) != 0) {
		cx_rec_set_raw(r, "sla", G.sla.p, G.sla.len);
		changed = 1;
	}
	changed |= r->dirty;
	for (k = 0; k < G.pol->nclock; k++)
		if (G.res[k].target >= 0 && G.res[k].breached &&
		    !G.res[k].met) {
			G.nopen++;
			break;
		}
	if (G.load != NULL && cx_rec_getstr(r, "assignee", &G.tmp) == 0)
		for (k = 0; k < cx_route_nagents(G.rt); k++)
			if (strcmp(cx_route_agent_at(G.rt, k)->name,
			    G.tmp.p) == 0) {
				G.load[k]++;
				break;
			}
	return changed ? CHANGED : SAME;
}

static void
explain(struct cx_rec *r, const char *file, unsigned long line)
{
	struct cx_cal_info info = { 0 };
	struct cx_err e;
	const struct cx_cal *cal;
	struct cx_sla_result res;
	int k;

	G.found++;
	if (cx_sla_facts(&G.facts, r, &e) == -1)
		errx(CX_EXIT_ERR, "%s:%lu: %s", file, line, e.msg);
	cal = calendar(r);
	G.xb.len = 0;
	cx_buf_printf(&G.xb, "%s: now ", G.explain);
	cx_time_fmt(G.now, &G.xb);
	cx_buf_printf(&G.xb, "; calendar \"%s\" (%s)\n", cx_sla_calfile(G.pol,
	    cx_rec_getstr(r, "department", &G.tmp) == 0 ? G.tmp.p : NULL),
	    cx_cal_zone(cal));
	info.explain = &G.xb;
	for (k = 0; k < G.pol->nclock; k++) {
		if (cx_sla_clock(G.pol, k, r, &G.facts, cal, G.now, &res,
		    &G.xb, &info, &e) == -1)
			errx(CX_EXIT_ERR, "%s:%lu: %s: %s", file, line,
			    G.pol->clock[k].name, e.msg);
		note_missing(&info);
		if (res.target < 0)
			cx_buf_printf(&G.xb, "%s: does not apply\n",
			    G.pol->clock[k].name);
	}
	fwrite(G.xb.p, 1, G.xb.len, stdout);
}

static void
filter_line(void *arg, const char *file, unsigned long lineno,
    const char *line, size_t n, struct cx_buf *out)
{
	struct cx_rec *r = arg;
	struct cx_err e;
	int s;

	if (cx_rec_parse(r, line, n, &e, NULL) == -1) {
		warnx("%s:%lu: %s; passed through", file, lineno, e.msg);
		G.nbad++;
	} else if (G.explain != NULL) {
		if (cx_rec_getstr(r, "id", &G.tmp) == 0 &&
		    strcmp(G.tmp.p, G.explain) == 0)
			explain(r, file, lineno);
		return;
	} else if (cx_rec_get(r, "followup_of") == NULL) {
		if ((s = sweep(r, file, lineno)) == -1)
			G.nbad++;
		else {
			G.nseen++;
			G.nchanged += s == CHANGED;
			cx_rec_write(r, out);
			if (G.alertf == NULL)
				G.alerts.len = 0;
			else if (G.alerts.len > 65536) {
				if (fwrite(G.alerts.p, 1, G.alerts.len,
				    G.alertf) != G.alerts.len)
					err(CX_EXIT_ERR, "alerts");
				G.alerts.len = 0;
			}
			return;
		}
	}
	cx_buf_add(out, line, n);
	cx_buf_addc(out, '\n');
}

static void
filter(const char *path)
{
	struct cx_rec r = { 0 };
	struct cx_err e;

	if (cx_each_line(path, filter_line, &r, &G.out, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_rec_free(&r);
}

/*
 * The alerts go to outbox/sla-N.jsonl, N the commit's number; a sweep
 * with more than fit in a part goes on in sla-N-2.jsonl and so on, so
 * that memory stays bounded however many tickets break at once.
 */
#define ALERTS_PART	(4 << 20)

static void
stage_alerts(void)
{
	struct cx_buf name = { 0 };
	struct cx_err e;

	if (G.alerts.len == 0)
		return;
	cx_buf_printf(&name, "sla-%lu", cx_spool_serial(G.sp));
	if (G.apart++ > 0)
		cx_buf_printf(&name, "-%d", G.apart);
	cx_buf_adds(&name, ".jsonl");
	if (cx_spool_stage(G.sp, "outbox", cx_buf_str(&name), G.alerts.p,
	    G.alerts.len, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_buf_add(&G.parts, name.p, name.len + 1);
	/* A dry run commits nothing: -a has what it would have said. */
	if (G.dry && G.alertf != NULL && fwrite(G.alerts.p, 1, G.alerts.len,
	    G.alertf) != G.alerts.len)
		err(CX_EXIT_ERR, "alerts");
	G.alerts.len = 0;
	cx_buf_free(&name);
}

/* -a in spool mode: the alerts the commit put in the outbox, once it has. */
static void
copy_alerts(void)
{
	struct cx_buf b = { 0 };
	struct cx_err e;
	size_t i;

	for (i = 0; i < G.parts.len; i += strlen(G.parts.p + i) + 1) {
		b.len = 0;
		if (cx_spool_read(G.sp, "outbox", G.parts.p + i, &b,
		    &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		if (fwrite(b.p, 1, b.len, G.alertf) != b.len)
			err(CX_EXIT_ERR, "alerts");
	}
	cx_buf_free(&b);
}

/* One ticket file of the spool; 1 if it must wait for the loads. */
static int
spool_ticket(const char *dir, const char *name, struct cx_rec *r,
    struct cx_buf *text)
{
	struct cx_err e;
	char *path;
	int s;

	text->len = 0;
	if (cx_spool_read(G.sp, dir, name, text, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	while (text->len > 0 && text->p[text->len - 1] == '\n')
		text->len--;
	if (cx_rec_parse(r, text->p, text->len, &e, NULL) == -1) {
		warnx("%s/%s/%s:1: %s; left as it is", G.spool, dir, name,
		    e.msg);
		G.nbad++;
		return 0;
	}
	if (G.explain != NULL) {
		explain(r, name, 1);
		return 0;
	}
	G.out.len = 0;
	G.tmp2.len = 0;
	cx_buf_printf(&G.tmp2, "%s/%s/%s", G.spool, dir, name);
	path = cx_strndup(G.tmp2.p, G.tmp2.len);
	s = sweep(r, path, 1);
	free(path);
	if (s == DEFER)
		return 1;
	if (s == -1) {
		G.nbad++;
		return 0;
	}
	G.nseen++;
	switch (s) {
	case CHANGED:
		cx_rec_write(r, &G.out);
		if (cx_spool_stage(G.sp, dir, name, G.out.p, G.out.len,
		    &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		G.nchanged++;
		break;
	}
	if (G.alerts.len > ALERTS_PART)
		stage_alerts();
	return 0;
}

/* -x: the spool keeps the new extension for every later sweep. */
static void
keep_extension(void)
{
	struct cx_buf b = { 0 };
	struct cx_err e;
	struct cx_in in;
	const char *l;
	char *path;
	size_t n;
	int r;

	/* etc/extensions replaces the shipped file: it starts as a copy. */
	if ((path = cx_conf_path(G.spool, "extensions")) != NULL) {
		if (cx_in_open(&in, path, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		while ((r = cx_in_line(&in, &l, &n, &e)) == 1) {
			cx_buf_add(&b, l, n);
			cx_buf_addc(&b, '\n');
		}
		cx_in_close(&in);
		if (r == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		free(path);
	} else
		cx_buf_adds(&b, "# extensions: force majeure (cx-policy(5))\n");
	cx_buf_printf(&b, "%s\n", G.extend);
	if (cx_spool_stage(G.sp, "etc", "extensions", b.p, b.len, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_buf_free(&b);
}

static void
spool(void)
{
	struct cx_rec r = { 0 };
	struct cx_buf text = { 0 };
	struct cx_err e;
	char **names, **later;
	size_t i, n = 0;

	if (cx_spool_begin(&G.sp, G.spool, G.explain != NULL || G.dry ?
	    CX_SPOOL_READ : 0, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (G.explain != NULL) {
		for (i = 0; i < 2 && G.found == 0; i++)
			if (cx_spool_read(G.sp, i ? "closed" : "open",
			    G.explain, &text, &e) == 0)
				(void)spool_ticket(i ? "closed" : "open",
				    G.explain, &r, &text);
			else
				text.len = 0;
		cx_spool_end(G.sp);
		cx_rec_free(&r);
		cx_buf_free(&text);
		return;
	}
	if (G.extend != NULL)
		keep_extension();
	if ((names = cx_spool_list(G.sp, "open", &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; names[i] != NULL; i++)
		n++;
	later = cx_alloc((n + 1) * sizeof(*later));
	for (i = n = 0; names[i] != NULL; i++)
		if (spool_ticket("open", names[i], &r, &text))
			later[n++] = names[i];
	G.final = 1;		/* every load is counted now */
	for (i = 0; i < n; i++)
		(void)spool_ticket("open", later[i], &r, &text);
	stage_alerts();
	/* Nothing to say: the spool is left as it was, state included. */
	if (cx_spool_commit(G.sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (G.alertf != NULL && !G.dry)
		copy_alerts();
	free(later);
	cx_spool_list_free(names);
	cx_rec_free(&r);
	cx_buf_free(&text);
	cx_spool_end(G.sp);
}

/* -x with a line the extensions have already: nothing to add. */
static int
known_extension(void)
{
	const char *l = G.extend, *w, *end = l + strlen(l);
	size_t i, n;

	(void)cx_word(&l, end, &w, &n);
	for (i = 0; i < G.pol->next; i++)
		if (strlen(G.pol->ext[i].name) == n &&
		    memcmp(G.pol->ext[i].name, w, n) == 0) {
			if (strcmp(G.pol->ext[i].text, G.extend) != 0)
				errx(CX_EXIT_ERR, "-x: %s: %s:%lu extends "
				    "otherwise", G.pol->ext[i].name, G.extpath,
				    G.pol->ext[i].line);
			G.extend = NULL;
			return 1;
		}
	return 0;
}

static void
setup(const char *now)
{
	struct cx_err e;
	char *path, *routing = NULL, *agents = NULL, *solutions = NULL;
	int k;

	if (cx_clock_setup(G.spool, NULL, now, G.nowtext, &e) == -1 ||
	    (path = cx_conf_need(G.spool, "policy", &e)) == NULL ||
	    (G.pol = cx_sla_load(path, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(path);
	G.now = cx_now();
	if ((G.extpath = cx_conf_path(G.spool, "extensions")) != NULL &&
	    cx_sla_ext_load(G.pol, G.extpath, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (G.extend != NULL && !known_extension() &&
	    cx_sla_ext_line(G.pol, G.extend, strlen(G.extend), 0, &e) == -1)
		errx(CX_EXIT_ERR, "-x: %s", e.msg);
	if ((routing = cx_conf_need(G.spool, "routing", &e)) == NULL ||
	    (agents = cx_conf_need(G.spool, "agents", &e)) == NULL ||
	    (solutions = cx_conf_need(G.spool, "solutions", &e)) == NULL ||
	    (G.rt = cx_route_load(routing, agents, solutions, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(routing);
	free(agents);
	free(solutions);
	G.load = cx_alloc(((size_t)cx_route_nagents(G.rt) + 1) *
	    sizeof(*G.load));
	G.sup = cx_alloc(((size_t)cx_route_nagents(G.rt) + 1) *
	    sizeof(*G.sup));
	for (k = 0; k < cx_route_nagents(G.rt); k++)
		if (cx_agent_skill(cx_route_agent_at(G.rt, k), "supervisor"))
			G.sup[G.nsup++] = k;
	memset(G.load, 0, ((size_t)cx_route_nagents(G.rt) + 1) *
	    sizeof(*G.load));
}

static void
report(void)
{
	size_t i;

	for (i = 0; i < G.nmissing; i++)
		warnx("warning: the calendar has no holidays for %d: "
		    "deadlines in %d count the weekly hours only", G.missing[i],
		    G.missing[i]);
	if (G.quiet || G.explain != NULL)
		return;
	fprintf(stderr, "cx-sla: %s%lu tickets, %lu changed: %lu warnings, "
	    "%lu breaches, %lu escalations", G.dry ? "dry run: " : "",
	    G.nseen, G.nchanged, G.nwarn, G.nbreach, G.nesc);
	if (G.nheld > 0)
		fprintf(stderr, " (alerts of %lu held until working time)",
		    G.nheld);
	fprintf(stderr, "; %lu in breach\n", G.nopen);
}

static void
finish(void)
{
	size_t i;

	cx_sla_said_free(&G.said);
	free(G.extpath);
	free(G.load);
	free(G.sup);
	cx_buf_free(&G.hist);
	cx_buf_free(&G.parts);
	for (i = 0; i < 3; i++)
		cx_buf_free(&G.who.v[i]);
	cx_sla_facts_free(&G.facts);
	cx_sla_free(G.pol);
	cx_route_free(G.rt);
	cx_buf_free(&G.out);
	cx_buf_free(&G.alerts);
	cx_buf_free(&G.sla);
	cx_buf_free(&G.ent);
	cx_buf_free(&G.tmp);
	cx_buf_free(&G.tmp2);
	cx_buf_free(&G.xb);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "explain", required_argument, NULL, 'E' },
		{ "extend", required_argument, NULL, 'x' },
		{ "now", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	const char *now = NULL, *alerts = NULL;
	char opt[3];
	int ch, k;

	G.spool = cx_spool_env();
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":a:nqs:x:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'E':
			G.explain = optarg;
			break;
		case 'N':
			now = optarg;
			break;
		case 'a':
			alerts = optarg;
			break;
		case 'n':
			G.dry = 1;
			break;
		case 'q':
			G.quiet = 1;
			break;
		case 's':
			G.spool = optarg;
			break;
		case 'x':
			G.extend = optarg;
			break;
		default:
			warnx(cx_optfmt(ch), cx_optname(argv[optind - 1],
			    optopt, opt));
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (G.spool != NULL && argc > 0)
		errx(CX_EXIT_ERR, "a spool is its own input: no files with -s");
	setup(now);
	if (alerts != NULL && G.explain == NULL &&
	    (G.alertf = fopen(alerts, "w")) == NULL)
		err(CX_EXIT_ERR, "%s", alerts);
	G.final = G.spool == NULL;
	if (G.spool != NULL)
		spool();
	else if (argc == 0)
		filter("-");
	for (k = 0; k < argc; k++)
		filter(argv[k]);
	if (G.out.len > 0 && G.spool == NULL &&
	    cx_write_all(STDOUT_FILENO, G.out.p, G.out.len) == -1)
		err(CX_EXIT_ERR, "stdout");
	if (G.alertf != NULL && ((G.alerts.len > 0 && fwrite(G.alerts.p, 1,
	    G.alerts.len, G.alertf) != G.alerts.len) || fclose(G.alertf) ==
	    EOF))
		err(CX_EXIT_ERR, "%s", alerts);
	report();
	finish();
	if (G.explain != NULL && G.found == 0)
		errx(CX_EXIT_ERR, "%s: no such ticket", G.explain);
	if (G.nbad > 0)
		return CX_EXIT_ERR;
	return G.nopen > 0 ? CX_EXIT_NO : CX_EXIT_OK;
}
