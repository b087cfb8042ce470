/*
 * sweep.c: one ticket swept against the policy at now.
 *
 * Its clocks are replayed (sla.c), what earlier sweeps said is read back
 * from its history (slarec.c), and what is due now comes out as data: a
 * warning or a breach of a clock, a rung of the escalation ladder.  The
 * tool decides whether to say it now (an alert for a ticket that is not
 * urgent waits for working time) and, if so, applies those events once:
 * history entries, alerts, and for a rung a move to another desk or a
 * raised priority, after which the clocks are counted again, since a
 * higher priority has tighter limits.  Everything a ticket's sweep makes
 * (entries, alerts, counts) stays in its struct cx_sla_ticket until the
 * tool takes it, so a ticket set aside for later costs nothing to undo.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

struct cx_sla_run *
cx_sla_run_new(struct cx_sla_policy *pol, const struct cx_route *rt,
    const char *spool, const char *nowtext)
{
	struct cx_sla_run *run = cx_alloc(sizeof(*run));
	size_t n = (size_t)cx_route_nagents(rt) + 1;
	int k;

	run->pol = pol;
	run->rt = rt;
	run->spool = spool;
	run->now = cx_now();
	run->nowtext = nowtext;
	run->load = cx_alloc(n * sizeof(*run->load));
	run->sup = cx_alloc(n * sizeof(*run->sup));
	for (k = 0; k < cx_route_nagents(rt); k++)
		if (cx_agent_skill(cx_route_agent_at(rt, k), "supervisor"))
			run->sup[run->nsup++] = k;
	return run;
}

/* Every load is counted: a rung may hand a ticket on now. */
void
cx_sla_run_final(struct cx_sla_run *run)
{
	run->final = 1;
}

void
cx_sla_run_history(struct cx_sla_run *run, time_t before)
{
	run->history = before;
	run->has_history = 1;
}

void
cx_sla_run_free(struct cx_sla_run *run)
{
	if (run == NULL)
		return;
	free(run->load);
	free(run->sup);
	free(run);
}

struct cx_sla_ticket *
cx_sla_ticket_new(void)
{
	return cx_alloc(sizeof(struct cx_sla_ticket));
}

const struct cx_sla_swept *
cx_sla_swept(const struct cx_sla_ticket *tk)
{
	return &tk->out;
}

void
cx_sla_ticket_free(struct cx_sla_ticket *tk)
{
	int i;

	if (tk == NULL)
		return;
	cx_sla_facts_free(&tk->facts);
	cx_sla_said_free(&tk->said);
	cx_buf_free(&tk->id);
	cx_buf_free(&tk->hist);
	cx_buf_free(&tk->out.alerts);
	cx_buf_free(&tk->sla);
	cx_buf_free(&tk->ent);
	cx_buf_free(&tk->to);
	cx_buf_free(&tk->str);
	for (i = 0; i < 3; i++)
		cx_buf_free(&tk->who[i]);
	free(tk->ev);
	free(tk);
}

/* The calendar of the ticket's department; NULL and why if none loads. */
static const struct cx_cal *
calendar(struct cx_sla_run *run, struct cx_sla_ticket *tk, struct cx_err *err)
{
	return cx_sla_calendar(run->pol, run->spool, cx_rec_getstr(tk->r,
	    "department", &tk->str) == 0 ? tk->str.p : NULL, err);
}

static void
note_missing(struct cx_sla_ticket *tk, const struct cx_cal_info *info)
{
	size_t i, k;

	for (k = 0; k < (size_t)info->nmissing && k < CX_CAL_MAXMISS; k++) {
		for (i = 0; i < tk->out.nmissing; i++)
			if (tk->out.missing[i] == info->missing[k])
				break;
		if (i == tk->out.nmissing && tk->out.nmissing < CX_CAL_MAXMISS)
			tk->out.missing[tk->out.nmissing++] = info->missing[k];
	}
}

/*
 * Every clock of the ticket, and the sla member they make.  A clock that
 * had stopped keeps its verdict: the one the ticket's sla member gives,
 * and the one of this sweep's first count when a rung changed the
 * priority since.
 */
static int
clocks(struct cx_sla_run *run, struct cx_sla_ticket *tk, struct cx_err *err)
{
	const struct cx_sla_policy *p = run->pol;
	struct cx_cal_info info = { 0 };
	const struct cx_field *old;
	struct cx_sla_result *res = tk->res, *first = tk->first;
	struct cx_err e;
	int k;

	for (k = 0; k < p->nclock; k++) {
		if (cx_sla_clock(p, k, tk->r, &tk->facts, tk->cal, run->now,
		    &res[k], NULL, &info, &e) == -1) {
			cx_seterr(err, "%s: %s", p->clock[k].name, e.msg);
			return -1;
		}
		if (!tk->out.history)
			note_missing(tk, &info);
	}
	if ((old = cx_rec_get(tk->r, "sla")) != NULL)
		cx_sla_keep(p, res, old->v, old->vlen, &tk->str);
	for (k = 0; tk->counted > 0 && k < p->nclock; k++)
		if (res[k].met && first[k].met && res[k].target >= 0 &&
		    first[k].target >= 0 && res[k].start == first[k].start &&
		    res[k].met_at == first[k].met_at)
			res[k] = first[k];
	if (tk->counted++ == 0)
		memcpy(first, res, sizeof(tk->res));
	tk->sla.len = 0;
	cx_sla_member(p, res, &tk->sla);
	return 0;
}

int
cx_sla_ticket_open(struct cx_sla_run *run, struct cx_sla_ticket *tk,
    struct cx_rec *r, struct cx_err *err)
{
	size_t i;

	tk->r = r;
	tk->counted = 0;
	tk->nev = 0;
	tk->out.nmissing = 0;
	tk->out.inbreach = 0;
	tk->out.nwarn = tk->out.nbreach = tk->out.nesc = 0;
	tk->whoread = 0;
	tk->hist.len = tk->out.alerts.len = 0;
	if (cx_sla_facts(&tk->facts, r, err) == -1)
		return -1;
	if (!tk->facts.has_received) {
		cx_seterr(err, "no received_at or registered_at");
		return -1;
	}
	tk->out.history = run->has_history &&
	    tk->facts.received < run->history;
	tk->id.len = 0;
	if (cx_rec_getstr(r, "id", &tk->id) == -1)
		cx_buf_adds(&tk->id, "?");
	(void)cx_buf_str(&tk->id);
	if ((tk->cal = calendar(run, tk, err)) == NULL)
		return -2;
	if (clocks(run, tk, err) == -1)
		return -1;
	cx_sla_said_reset(&tk->said);
	for (i = 0; i < tk->facts.nours; i++)
		cx_sla_said_entry(&tk->said, run->pol, tk->res,
		    tk->facts.ours[i].v, tk->facts.ours[i].n);
	return 0;
}

static void
add_event(struct cx_sla_ticket *tk, int kind, int clock, int level)
{
	tk->ev = cx_reserve(tk->ev, tk->nev, &tk->capev, sizeof(*tk->ev));
	tk->ev[tk->nev].kind = kind;
	tk->ev[tk->nev].clock = clock;
	tk->ev[tk->nev].level = level;
	tk->nev++;
}

int
cx_sla_due(struct cx_sla_run *run, struct cx_sla_ticket *tk)
{
	const struct cx_sla_policy *p = run->pol;
	const struct cx_sla_result *res;
	struct cx_err e;
	time_t base = 0, at;
	int k, lv, open = -1;
	size_t j;

	tk->nev = 0;
	if (tk->out.history)
		return 0;	/* counted, shown, never said */
	for (k = 0; k < p->nclock; k++) {
		res = &tk->res[k];
		if (res->target < 0)
			continue;
		if (res->breached && !res->met && (open == -1 ||
		    res->due < base)) {
			open = k;
			base = res->due;
		}
		if ((lv = cx_sla_level(p, res)) > tk->said.level[k])
			add_event(tk, lv > p->nwarn ? CX_SLA_BREACH :
			    CX_SLA_WARNING, k, lv);
	}
	/* The ladder counts from the earliest breach still open. */
	for (j = (size_t)tk->said.esc; open >= 0 && j < p->nstep; j++) {
		if (cx_sla_after(tk->cal, base, &p->step[j].delay, &at, NULL,
		    &e) == -1 || at > run->now)
			break;
		if (p->step[j].queue != NULL && !run->final)
			return -1;	/* the loads must be counted first */
		add_event(tk, CX_SLA_RUNG, open, (int)j + 1);
	}
	return tk->nev > 0;
}

/* The ticket's people, read once (and again after a rung moves it). */
static void
people(struct cx_sla_ticket *tk)
{
	static const char *const keys[] = { "assignee", "owner",
	    "department" };
	int i;

	if (tk->whoread)
		return;
	for (i = 0; i < 3; i++)
		tk->has[i] = cx_rec_getstr(tk->r, keys[i], &tk->who[i]) == 0 &&
		    tk->who[i].len > 0;
	tk->whoread = 1;
}

/* Who an event goes to, as "a\0b\0\0" in tk->to. */
static void
recipients(const struct cx_sla_run *run, struct cx_sla_ticket *tk,
    unsigned who)
{
	const struct cx_agent *a;
	struct cx_buf *to = &tk->to;
	size_t i;

	people(tk);
	to->len = 0;
	if ((who & CX_SLA_ASSIGNEE) && tk->has[0])
		cx_buf_add(to, tk->who[0].p, tk->who[0].len + 1);
	if ((who & CX_SLA_OWNER) && tk->has[1] && (to->len == 0 ||
	    strcmp(to->p, tk->who[1].p) != 0))
		cx_buf_add(to, tk->who[1].p, tk->who[1].len + 1);
	if ((who & CX_SLA_SUPERVISOR) && tk->has[2])
		for (i = 0; i < run->nsup; i++) {
			a = cx_route_agent_at(run->rt, run->sup[i]);
			if (strcmp(a->dept, tk->who[2].p) == 0)
				cx_buf_add(to, a->name, strlen(a->name) + 1);
		}
	cx_buf_addc(to, '\0');
	cx_buf_addc(to, '\0');
}

/* The history entry of one event, and its alert if it has a kind. */
static void
say(const struct cx_sla_run *run, struct cx_sla_ticket *tk, int k,
    const char *action, const char *kind, int share, int level,
    const char *extra)
{
	size_t body;

	tk->ent.len = 0;
	body = cx_sla_entry(&tk->ent, run->nowtext, run->pol, k >= 0 ?
	    &tk->res[k] : NULL, k, action, share, level, extra,
	    kind != NULL ? tk->to.p : NULL);
	if (tk->hist.len > 0)
		cx_buf_addc(&tk->hist, ',');
	cx_buf_add(&tk->hist, tk->ent.p, tk->ent.len);
	if (kind != NULL)
		cx_sla_alert(&tk->out.alerts, run->nowtext, kind, tk->id.p,
		    tk->ent.p + body, tk->ent.len - body);
}

/* The entries gathered, appended to the history at once. */
static void
flush(struct cx_sla_ticket *tk)
{
	if (tk->hist.len > 0)
		cx_rec_append(tk->r, "history", tk->hist.p, tk->hist.len);
	tk->hist.len = 0;
}

/* A rung of the ladder: who is told, and where the ticket goes. */
static int
rung(struct cx_sla_run *run, struct cx_sla_ticket *tk, int level, int k)
{
	const struct cx_sla_step *s = &run->pol->step[level - 1];
	struct cx_buf extra = { 0 }, esc = { 0 }, prio = { 0 };
	const char *raised;
	int moved = 0;

	if (s->queue != NULL) {
		(void)cx_route_move(run->rt, tk->r, s->queue, run->load);
		cx_buf_adds(&extra, ",\"queue\":");
		cx_json_addstr(&extra, s->queue, strlen(s->queue));
		moved = 1;
	}
	if (s->raise && cx_rec_getstr(tk->r, "priority", &prio) == 0 &&
	    strcmp(prio.p, "urgent") != 0) {
		raised = cx_priority_raised(prio.p);
		cx_rec_set_str(tk->r, "priority", raised, strlen(raised));
		cx_buf_printf(&extra, ",\"priority\":\"%s\"", raised);
		moved = 1;
	}
	tk->whoread = 0;		/* the people may have changed */
	recipients(run, tk, s->notify);
	say(run, tk, k, "escalated", "escalation", 0, level, extra.len > 0 ?
	    cx_buf_str(&extra) : NULL);
	tk->said.esc = level;
	flush(tk);		/* the history before the escalation member */
	cx_buf_printf(&esc, "{\"level\":%d,\"at\":%s,\"clock\":\"%s\"}",
	    level, run->nowtext, run->pol->clock[k].name);
	cx_rec_set_raw(tk->r, "escalation", esc.p, esc.len);
	tk->out.nesc++;
	cx_buf_free(&extra);
	cx_buf_free(&esc);
	cx_buf_free(&prio);
	return moved;
}

int
cx_sla_apply(struct cx_sla_run *run, struct cx_sla_ticket *tk,
    struct cx_err *err)
{
	const struct cx_sla_policy *p = run->pol;
	const struct cx_sla_event *ev;
	size_t i;
	int moved = 0, k;

	for (i = 0; i < tk->nev; i++) {
		ev = &tk->ev[i];
		k = ev->clock;
		switch (ev->kind) {
		case CX_SLA_BREACH:
			tk->said.level[k] = ev->level;
			recipients(run, tk, CX_SLA_ASSIGNEE | CX_SLA_OWNER);
			say(run, tk, k, "sla_breach", "breach", 0, 0, NULL);
			tk->out.nbreach++;
			break;
		case CX_SLA_WARNING:
			tk->said.level[k] = ev->level;
			recipients(run, tk, CX_SLA_ASSIGNEE);
			say(run, tk, k, "sla_warning", "warning",
			    p->warn[ev->level - 1], 0, NULL);
			tk->out.nwarn++;
			break;
		case CX_SLA_RUNG:
			moved |= rung(run, tk, ev->level, k);
			break;
		}
	}
	tk->nev = 0;
	if (!moved)
		return 0;
	/* A rung moved the ticket or raised its priority: count again. */
	cx_sla_facts_touch(&tk->facts);
	if ((tk->cal = calendar(run, tk, err)) == NULL)
		return -2;
	return clocks(run, tk, err) == -1 ? -1 : 1;
}

/* The extensions applied to the ticket's clocks that it has not said. */
static void
extensions(const struct cx_sla_run *run, struct cx_sla_ticket *tk)
{
	const struct cx_sla_policy *p = run->pol;
	struct cx_buf extra = { 0 };
	unsigned long all = 0;
	size_t i;
	int k;

	for (k = 0; k < p->nclock; k++)
		all |= tk->res[k].target >= 0 ? tk->res[k].exts : 0;
	for (i = 0; i < p->next; i++) {
		if (!(all & 1UL << i) || cx_sla_said_ext(&tk->said,
		    p->ext[i].name))
			continue;
		extra.len = 0;
		cx_buf_adds(&extra, ",\"name\":");
		cx_json_addstr(&extra, p->ext[i].name, strlen(p->ext[i].name));
		cx_buf_adds(&extra, ",\"rule\":");
		cx_json_addstr(&extra, p->ext[i].text, strlen(p->ext[i].text));
		say(run, tk, -1, "extended", NULL, 0, 0, cx_buf_str(&extra));
	}
	cx_buf_free(&extra);
}

int
cx_sla_ticket_close(struct cx_sla_run *run, struct cx_sla_ticket *tk)
{
	const struct cx_field *old;
	int k, changed = 0;

	extensions(run, tk);
	flush(tk);
	old = cx_rec_get(tk->r, "sla");
	if (old == NULL || old->vlen != tk->sla.len || memcmp(old->v,
	    tk->sla.p, tk->sla.len) != 0) {
		cx_rec_set_raw(tk->r, "sla", tk->sla.p, tk->sla.len);
		changed = 1;
	}
	tk->out.inbreach = 0;
	for (k = 0; k < run->pol->nclock && !tk->out.history; k++)
		tk->out.inbreach |= tk->res[k].target >= 0 &&
		    tk->res[k].breached && !tk->res[k].met;
	return changed || tk->r->dirty;
}

/* Whether the alerts now due wait for working time: not urgent, and the
 * ticket's calendar is not working now. */
int
cx_sla_held(struct cx_sla_run *run, struct cx_sla_ticket *tk)
{
	int urgent = cx_rec_getstr(tk->r, "priority", &tk->str) == 0 &&
	    strcmp(tk->str.p, "urgent") == 0;

	return !urgent && !cx_cal_is_working(tk->cal, run->now);
}

/* The ticket's assignee counted in the loads of the run. */
void
cx_sla_count_load(struct cx_sla_run *run, struct cx_sla_ticket *tk)
{
	int k;

	if (cx_rec_getstr(tk->r, "assignee", &tk->str) == 0 &&
	    (k = cx_route_agent_index(run->rt, tk->str.p)) >= 0)
		run->load[k]++;
}

/*
 * How each clock of a ticket was counted, in words, appended to out: the
 * calendar, each clock's policy line, start, pauses, extensions and the
 * working intervals walked.
 */
int
cx_sla_explain(struct cx_sla_run *run, struct cx_sla_ticket *tk,
    struct cx_rec *r, struct cx_buf *out, struct cx_err *err)
{
	const struct cx_sla_policy *p = run->pol;
	struct cx_cal_info info = { 0 };
	struct cx_sla_result res;
	struct cx_buf dept = { 0 };
	struct cx_err e;
	const char *d;
	int k, rc = -1;

	tk->r = r;
	tk->out.nmissing = 0;
	if (cx_sla_facts(&tk->facts, r, err) == -1)
		return -1;
	d = cx_rec_getstr(r, "department", &dept) == 0 ? dept.p : NULL;
	if ((tk->cal = cx_sla_calendar(run->pol, run->spool, d, err)) == NULL) {
		rc = -2;
		goto out;
	}
	tk->id.len = 0;
	(void)cx_rec_getstr(r, "id", &tk->id);
	cx_buf_printf(out, "%s: now ", cx_buf_str(&tk->id));
	cx_time_fmt(run->now, out);
	cx_buf_printf(out, "; calendar \"%s\" (%s)\n", cx_sla_calfile(p, d),
	    cx_cal_zone(tk->cal));
	if (run->has_history && tk->facts.received < run->history) {
		cx_buf_adds(out, "history: received before history_before ");
		cx_time_fmt(run->history, out);
		cx_buf_adds(out, ": counted, never alerted on\n");
	}
	info.explain = out;
	for (k = 0; k < p->nclock; k++) {
		if (cx_sla_clock(p, k, r, &tk->facts, tk->cal, run->now, &res,
		    out, &info, &e) == -1) {
			cx_seterr(err, "%s: %s", p->clock[k].name, e.msg);
			goto out;
		}
		note_missing(tk, &info);
		if (res.target < 0)
			cx_buf_printf(out, "%s: does not apply\n",
			    p->clock[k].name);
	}
	rc = 0;
out:
	cx_buf_free(&dept);
	return rc;
}
