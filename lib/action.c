/*
 * action.c: what is done to a ticket once it is routed (cx-close(1)).
 *
 * Each step of R5.1 is an action: acknowledge, reply, note, investigate,
 * wait on the customer, a merchant or a carrier, resume, reassign,
 * propose a solution, approve it, resolve, the customer's confirmation,
 * close, reopen, merge, link, and the customer's survey answers and
 * reward.  An action is checked against the ticket as it is (an action
 * that makes no sense in its state is refused, with why) and applied: a
 * history entry at the action's own time, with who did it, and the
 * members it changes.  The history entries are the ones cx-sla(1) reads:
 * "acknowledged" and "replied" stop the first-response clock, "waiting"
 * pauses the clocks that pause, "resolved" stops resolution, "reopened"
 * starts the reopened clocks again.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

static const char *const names[CX_ACT_N] = {
	[CX_ACT_ACK] = "acknowledge",
	[CX_ACT_REPLY] = "reply",
	[CX_ACT_NOTE] = "note",
	[CX_ACT_INVESTIGATE] = "investigate",
	[CX_ACT_WAIT] = "wait",
	[CX_ACT_RESUME] = "resume",
	[CX_ACT_REASSIGN] = "reassign",
	[CX_ACT_PROPOSE] = "propose",
	[CX_ACT_APPROVE] = "approve",
	[CX_ACT_RESOLVE] = "resolve",
	[CX_ACT_CONFIRM] = "confirm",
	[CX_ACT_CLOSE] = "close",
	[CX_ACT_REOPEN] = "reopen",
	[CX_ACT_MERGE] = "merge",
	[CX_ACT_LINK] = "link",
	[CX_ACT_SURVEY] = "survey",
	[CX_ACT_REWARD] = "reward",
	[CX_ACT_REVIEW] = "review",
	[CX_ACT_ABSORB] = "absorb",
};

/* The history entry each action writes: what cx-sla and reports read. */
static const char *const entries[CX_ACT_N] = {
	[CX_ACT_ACK] = "acknowledged",
	[CX_ACT_REPLY] = "replied",
	[CX_ACT_NOTE] = "note",
	[CX_ACT_INVESTIGATE] = "investigating",
	[CX_ACT_WAIT] = "waiting",
	[CX_ACT_RESUME] = "resumed",
	[CX_ACT_REASSIGN] = "reassigned",
	[CX_ACT_PROPOSE] = "solution_proposed",
	[CX_ACT_APPROVE] = "approved",
	[CX_ACT_RESOLVE] = "resolved",
	[CX_ACT_CONFIRM] = "customer_confirmed",
	[CX_ACT_CLOSE] = "closed",
	[CX_ACT_REOPEN] = "reopened",
	[CX_ACT_MERGE] = "merged",
	[CX_ACT_LINK] = "linked",
	[CX_ACT_SURVEY] = "survey",
	[CX_ACT_REWARD] = "rewarded",
	[CX_ACT_REVIEW] = "reviewed",
	[CX_ACT_ABSORB] = "merged",
};

const char *
cx_act_name(int kind)
{
	return kind >= 0 && kind < CX_ACT_N ? names[kind] : "?";
}

/* An action by its name, or by an alias of the actions table; -1. */
int
cx_act_kind(struct cx_alias *aliases, const char *s, size_t n)
{
	const char *code = NULL;
	int i;

	cx_trim(&s, &n);
	if (aliases != NULL && (code = cx_alias_code(aliases, s, n)) != NULL) {
		s = code;
		n = strlen(code);
	}
	for (i = 0; i < CX_ACT_N; i++)
		if (i != CX_ACT_ABSORB && cx_streqi(names[i], strlen(names[i]),
		    s, n))
			return i;
	return -1;
}

/* Statuses in which nothing but notes, links and the customer's answers
 * are done: the ticket is finished. */
static int
finished(const char *st)
{
	return strcmp(st, "closed") == 0 || strcmp(st, "merged") == 0;
}

static void
hist(struct cx_rec *r, const struct cx_action *a, int kind,
    struct cx_buf *extra)
{
	struct cx_buf b = { 0 }, at = { 0 };

	cx_buf_addc(&at, '"');
	cx_time_fmt(a->at, &at);
	cx_buf_addc(&at, '"');
	cx_hist_begin(&b, cx_buf_str(&at), a->agent != NULL ? a->agent :
	    "customer", entries[kind]);
	if (extra != NULL && extra->len > 0)
		cx_buf_add(&b, extra->p, extra->len);
	if (a->note != NULL && *a->note != '\0' && kind != CX_ACT_ABSORB) {
		cx_buf_adds(&b, ",\"note\":");
		cx_json_addstr(&b, a->note, strlen(a->note));
	}
	cx_buf_addc(&b, '}');
	cx_rec_insert_by_time(r, "history", cx_buf_str(&b), a->at);
	cx_buf_free(&b);
	cx_buf_free(&at);
}

static void
member(struct cx_buf *b, const char *key, const char *v)
{
	cx_buf_addc(b, ',');
	cx_json_addstr(b, key, strlen(key));
	cx_buf_addc(b, ':');
	cx_json_addstr(b, v, strlen(v));
}

static void
set_str(struct cx_rec *r, const char *key, const char *v)
{
	cx_rec_set_str(r, key, v, strlen(v));
}

/* Whether the history has an entry of that action. */
struct seen {
	const char	*action;
	int		 yes;
	struct cx_buf	 tmp;
};

static void
seen_entry(void *arg, const char *v, size_t n)
{
	static const char *const keys[] = { "action" };
	struct seen *s = arg;
	const char *m[1];
	size_t mn[1];

	if (s->yes || cx_json_fields(v, n, keys, 1, m, mn) == -1 ||
	    m[0] == NULL)
		return;
	s->tmp.len = 0;
	if (cx_json_str(m[0], mn[0], &s->tmp) == 0 &&
	    strcmp(cx_buf_str(&s->tmp), s->action) == 0)
		s->yes = 1;
}

static int
has_entry(const struct cx_rec *r, const char *action)
{
	const struct cx_field *h = cx_rec_get(r, "history");
	struct seen s = { action, 0, { 0 } };

	if (h != NULL)
		(void)cx_json_each(h->v, h->vlen, seen_entry, &s);
	cx_buf_free(&s.tmp);
	return s.yes;
}

static int
refuse(struct cx_err *err, const char *why, const char *st)
{
	cx_seterr(err, why, st);
	return -1;
}

/* A money amount above the limit needs a supervisor's approval. */
static int
over_limit(const struct cx_act_ctx *c, const char *amount)
{
	return amount != NULL && c->approval_limit >= 0 &&
	    strtod(amount, NULL) > c->approval_limit;
}

static const struct cx_agent *
agent_of(const struct cx_act_ctx *c, const char *name)
{
	return name != NULL && c->rt != NULL ? cx_route_agent(c->rt, name) :
	    NULL;
}

/* The proposal waiting on the ticket: its code, amount and proposer. */
struct proposal {
	struct cx_buf	 code, amount, by;
	int		 needs, approved;
};

static void
proposal_read(const struct cx_rec *r, struct proposal *p)
{
	struct cx_buf t = { 0 };
	const char *v;
	size_t n;

	memset(p, 0, sizeof(*p));
	(void)cx_rec_getstr(r, "proposal.code", &p->code);
	if (cx_json_path(r, "proposal.amount", &v, &n) == 0 &&
	    cx_json_type(v, n) == CX_J_NUM)
		cx_buf_add(&p->amount, v, n);
	(void)cx_rec_getstr(r, "proposal.by", &p->by);
	(void)cx_buf_str(&p->code);
	(void)cx_buf_str(&p->amount);
	(void)cx_buf_str(&p->by);
	p->needs = cx_rec_getstr(r, "proposal.approval", &t) == 0 &&
	    strcmp(cx_buf_str(&t), "needed") == 0;
	p->approved = cx_rec_getstr(r, "proposal.approval", &t) == 0 &&
	    strcmp(cx_buf_str(&t), "given") == 0;
	cx_buf_free(&t);
}

static void
proposal_free(struct proposal *p)
{
	cx_buf_free(&p->code);
	cx_buf_free(&p->amount);
	cx_buf_free(&p->by);
}

/* A solution: {"code":..,"amount":..,"by":..,"at":..} and the rest. */
static void
solution(struct cx_buf *b, const struct cx_action *a, const char *more)
{
	cx_buf_adds(b, "{\"code\":");
	cx_json_addstr(b, a->code, strlen(a->code));
	if (a->amount != NULL) {
		cx_buf_adds(b, ",\"amount\":");
		cx_buf_adds(b, a->amount);	/* an exact decimal */
	}
	member(b, "by", a->agent);
	cx_buf_adds(b, ",\"at\":\"");
	cx_time_fmt(a->at, b);
	cx_buf_addc(b, '"');
	if (more != NULL)
		cx_buf_adds(b, more);
	cx_buf_addc(b, '}');
}

/* A proposal or a resolution set (key), its code and amount in the
 * history entry (x), and the ticket's status. */
static void
settle(struct cx_rec *r, const struct cx_action *a, const char *key,
    const char *more, const char *status, struct cx_buf *b,
    struct cx_buf *x)
{
	b->len = 0;
	solution(b, a, more);
	cx_rec_set_raw(r, key, b->p, b->len);
	member(x, "code", a->code);
	if (a->amount != NULL)
		cx_buf_printf(x, ",\"amount\":%s", a->amount);
	set_str(r, "status", status);
}

static int
check_code(const struct cx_act_ctx *c, const struct cx_action *a,
    const char **code, struct cx_err *err)
{
	if (a->code == NULL || *a->code == '\0')
		return refuse(err, "no resolution code%s", "");
	*code = c->codes != NULL ? cx_alias_code(c->codes, a->code,
	    strlen(a->code)) : a->code;
	if (*code == NULL)
		return refuse(err, "unknown resolution code \"%s\"", a->code);
	return 0;
}

/* A reviewer's verdict on how a ticket was handled (R6.4). */
static const char *
verdict_of(const char *s, size_t n)
{
	static const struct {
		const char	*code, *alias;
	} v[] = {
		{ "pass", "pass" }, { "pass", "ok" }, { "pass", "合格" },
		{ "pass", "通过" }, { "fail", "fail" }, { "fail", "不合格" },
		{ "fail", "未通过" }, { "fail", "有误" },
	};
	size_t i;

	cx_trim(&s, &n);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (cx_streqi(s, n, v[i].alias, strlen(v[i].alias)))
			return v[i].code;
	return NULL;
}

/*
 * The verdict of quality review: member "review" (verdict, by, at, note),
 * the last one standing; the history keeps each.  A reviewer does not
 * review a ticket of their own.
 */
static int
review(const struct cx_act_ctx *c, const struct cx_action *a,
    struct cx_rec *r, struct cx_buf *x, struct cx_buf *b, struct cx_err *err)
{
	const char *v;

	(void)c;
	if (a->code == NULL || (v = verdict_of(a->code, strlen(a->code))) ==
	    NULL)
		return refuse(err, "a verdict is pass or fail, not \"%s\"",
		    a->code != NULL ? a->code : "");
	b->len = 0;
	if ((cx_rec_getstr(r, "assignee", b) == 0 && strcmp(cx_buf_str(b),
	    a->agent) == 0) || (cx_rec_getstr(r, "owner", b) == 0 &&
	    strcmp(cx_buf_str(b), a->agent) == 0))
		return refuse(err, "%s handled the ticket: another reviews it",
		    a->agent);
	member(x, "verdict", v);
	b->len = 0;
	cx_buf_adds(b, "{\"verdict\":");
	cx_json_addstr(b, v, strlen(v));
	member(b, "by", a->agent);
	cx_buf_adds(b, ",\"at\":\"");
	cx_time_fmt(a->at, b);
	cx_buf_addc(b, '"');
	if (a->note != NULL && *a->note != '\0') {
		cx_buf_adds(b, ",\"note\":");
		cx_json_addstr(b, a->note, strlen(a->note));
	}
	cx_buf_addc(b, '}');
	cx_rec_set_raw(r, "review", b->p, b->len);
	return 0;
}

/*
 * Apply an action to a ticket, or refuse it (-1, why in err).  Returns
 * where the ticket goes: CX_ACT_STAYS, CX_ACT_CLOSES (to closed/) or
 * CX_ACT_REROUTES (back through routing).
 */
int
cx_action_apply(const struct cx_act_ctx *c, const struct cx_action *in,
    struct cx_rec *r, struct cx_err *err)
{
	struct cx_action a = *in;
	struct cx_buf st = { 0 }, x = { 0 }, b = { 0 }, was = { 0 };
	struct proposal p = { 0 };
	const struct cx_agent *ag;
	const char *code = NULL, *s;
	int rc = -1, go = CX_ACT_STAYS, team;

	if (cx_rec_getstr(r, "status", &st) == -1)
		cx_buf_adds(&st, "new");
	s = cx_buf_str(&st);
	team = a.kind != CX_ACT_CONFIRM && a.kind != CX_ACT_SURVEY &&
	    a.kind != CX_ACT_ABSORB && a.kind != CX_ACT_LINK;
	if (team && a.agent == NULL) {
		refuse(err, "no agent: who did it?%s", "");
		goto out;
	}
	if (a.agent != NULL && strcmp(a.agent, "customer") != 0 &&
	    (c->system == NULL || strcmp(a.agent, c->system) != 0) &&
	    agent_of(c, a.agent) == NULL) {
		refuse(err, "unknown agent \"%s\"", a.agent);
		goto out;
	}
	if (finished(s) && a.kind != CX_ACT_NOTE && a.kind != CX_ACT_LINK &&
	    a.kind != CX_ACT_SURVEY && a.kind != CX_ACT_REWARD &&
	    a.kind != CX_ACT_REVIEW && a.kind != CX_ACT_REOPEN) {
		refuse(err, "the ticket is %s", s);
		goto out;
	}
	switch (a.kind) {
	case CX_ACT_ACK:
		if (strcmp(s, "resolved") == 0 || has_entry(r, "acknowledged")) {
			refuse(err, strcmp(s, "resolved") == 0 ?
			    "the ticket is %s" : "acknowledged already%s",
			    strcmp(s, "resolved") == 0 ? s : "");
			goto out;
		}
		if (strcmp(s, "new") == 0 || strcmp(s, "assigned") == 0 ||
		    strcmp(s, "queued") == 0 || strcmp(s, "reopened") == 0)
			set_str(r, "status", "acknowledged");
		break;
	case CX_ACT_REPLY:
		if (a.note == NULL || *a.note == '\0') {
			refuse(err, "a reply needs its text%s", "");
			goto out;
		}
		break;
	case CX_ACT_NOTE:
		if (a.note == NULL || *a.note == '\0') {
			refuse(err, "a note needs its text%s", "");
			goto out;
		}
		break;
	case CX_ACT_INVESTIGATE:
		if (strcmp(s, "resolved") == 0) {
			refuse(err, "the ticket is %s", s);
			goto out;
		}
		set_str(r, "status", "investigating");
		break;
	case CX_ACT_WAIT:
		if (a.to == NULL || (strcmp(a.to, "customer") != 0 &&
		    strcmp(a.to, "merchant") != 0 &&
		    strcmp(a.to, "carrier") != 0)) {
			refuse(err, "wait on whom: customer, merchant or "
			    "carrier, not \"%s\"", a.to != NULL ? a.to : "");
			goto out;
		}
		if (strcmp(s, "resolved") == 0) {
			refuse(err, "the ticket is %s", s);
			goto out;
		}
		if (strcmp(s, "waiting") == 0 && cx_rec_getstr(r,
		    "waiting.on", &b) == 0 && strcmp(cx_buf_str(&b), a.to) ==
		    0) {
			refuse(err, "waiting on the %s already", a.to);
			goto out;
		}
		member(&x, "on", a.to);
		b.len = 0;
		cx_buf_adds(&b, "{\"on\":");
		cx_json_addstr(&b, a.to, strlen(a.to));
		cx_buf_adds(&b, ",\"since\":\"");
		cx_time_fmt(a.at, &b);
		cx_buf_adds(&b, "\",\"was\":");
		/* Resuming goes back to the status before the first wait. */
		if (strcmp(s, "waiting") == 0 &&
		    cx_rec_getstr(r, "waiting.was", &was) == 0)
			cx_json_addstr(&b, was.p, was.len);
		else
			cx_json_addstr(&b, s, strlen(s));
		cx_buf_addc(&b, '}');
		cx_rec_set_raw(r, "waiting", b.p, b.len);
		set_str(r, "status", "waiting");
		break;
	case CX_ACT_RESUME:
		if (strcmp(s, "waiting") != 0) {
			refuse(err, "not waiting: the ticket is %s", s);
			goto out;
		}
		break;
	case CX_ACT_REASSIGN:
		if ((ag = agent_of(c, a.to)) == NULL) {
			refuse(err, "reassign to whom? unknown agent \"%s\"",
			    a.to != NULL ? a.to : "");
			goto out;
		}
		if (!ag->on) {
			refuse(err, "%s is not on duty", ag->name);
			goto out;
		}
		if (cx_rec_getstr(r, "assignee", &b) == 0 &&
		    strcmp(cx_buf_str(&b), ag->name) == 0) {
			refuse(err, "assigned to %s already", ag->name);
			goto out;
		}
		if (b.len > 0)
			member(&x, "from", cx_buf_str(&b));
		member(&x, "to", ag->name);
		/* The owner never changes (首问负责制); the status stays. */
		set_str(r, "assignee", ag->name);
		if (strcmp(s, "queued") == 0)
			set_str(r, "status", "assigned");
		break;
	case CX_ACT_PROPOSE:
		if (strcmp(s, "resolved") == 0) {
			refuse(err, "the ticket is %s", s);
			goto out;
		}
		if (check_code(c, &a, &code, err) == -1)
			goto out;
		a.code = code;
		settle(r, &a, "proposal", over_limit(c, a.amount) ?
		    ",\"approval\":\"needed\"" : NULL, "proposed", &b, &x);
		break;
	case CX_ACT_APPROVE:
		proposal_read(r, &p);
		if (!p.needs) {
			refuse(err, p.approved ? "approved already%s" :
			    "no proposal waits for approval%s", "");
			goto out;
		}
		if ((ag = agent_of(c, a.agent)) == NULL ||
		    !cx_agent_skill(ag, "supervisor")) {
			refuse(err, "%s is no supervisor", a.agent);
			goto out;
		}
		if (strcmp(p.by.p, a.agent) == 0) {
			refuse(err, "%s proposed it: another supervisor "
			    "approves", a.agent);
			goto out;
		}
		b.len = 0;
		cx_json_addstr(&b, "given", 5);
		{
			const struct cx_field *f = cx_rec_get(r, "proposal");
			struct cx_buf o = { 0 }, by = { 0 };

			cx_json_addstr(&by, a.agent, strlen(a.agent));
			if (cx_json_setmember(f->v, f->vlen, "approval", b.p,
			    b.len, &o) == 0) {
				b.len = 0;
				cx_buf_add(&b, o.p, o.len);
				o.len = 0;
				if (cx_json_setmember(b.p, b.len,
				    "approved_by", by.p, by.len, &o) == 0)
					cx_rec_set_raw(r, "proposal", o.p,
					    o.len);
			}
			cx_buf_free(&o);
			cx_buf_free(&by);
		}
		member(&x, "code", p.code.p);
		set_str(r, "status", "approved");
		break;
	case CX_ACT_RESOLVE:
		if (strcmp(s, "resolved") == 0) {
			refuse(err, "resolved already%s", "");
			goto out;
		}
		if (check_code(c, &a, &code, err) == -1)
			goto out;
		a.code = code;
		if (over_limit(c, a.amount)) {
			proposal_read(r, &p);
			if (!p.approved || strcmp(p.code.p, a.code) != 0 ||
			    strtod(p.amount.p, NULL) < strtod(a.amount, NULL)) {
				cx_seterr(err, "%s %s is above the limit of "
				    "%g: a supervisor must approve it first",
				    a.code, a.amount, c->approval_limit);
				goto out;
			}
		}
		settle(r, &a, "resolution", NULL, "resolved", &b, &x);
		break;
	case CX_ACT_CONFIRM:
	case CX_ACT_CLOSE:
		if (strcmp(s, "resolved") != 0) {
			refuse(err, "not resolved: the ticket is %s", s);
			goto out;
		}
		if (a.kind == CX_ACT_CONFIRM)
			hist(r, &a, CX_ACT_CONFIRM, NULL);
		a.kind = CX_ACT_CLOSE;
		set_str(r, "status", "closed");
		go = CX_ACT_CLOSES;
		break;
	case CX_ACT_REOPEN:
		if (strcmp(s, "resolved") != 0 && strcmp(s, "closed") != 0) {
			refuse(err, "not resolved or closed: the ticket is %s",
			    s);
			goto out;
		}
		cx_rec_del(r, "resolution");
		cx_rec_del(r, "proposal");
		set_str(r, "status", "reopened");
		go = CX_ACT_REROUTES;
		break;
	case CX_ACT_MERGE:
		if (a.to == NULL || *a.to == '\0') {
			refuse(err, "merge into which ticket?%s", "");
			goto out;
		}
		member(&x, "into", a.to);
		set_str(r, "merged_into", a.to);
		set_str(r, "status", "merged");
		go = CX_ACT_CLOSES;
		break;
	case CX_ACT_ABSORB:
		member(&x, "from", a.to);
		b.len = 0;
		cx_json_addstr(&b, a.to, strlen(a.to));
		cx_rec_append(r, "merged_from", b.p, b.len);
		break;
	case CX_ACT_LINK:
		if (a.to == NULL || *a.to == '\0') {
			refuse(err, "link to which ticket?%s", "");
			goto out;
		}
		member(&x, "with", a.to);
		b.len = 0;
		cx_json_addstr(&b, a.to, strlen(a.to));
		cx_rec_append(r, "links", b.p, b.len);
		break;
	case CX_ACT_SURVEY:
		if (strcmp(s, "closed") != 0) {
			refuse(err, "not closed: the ticket is %s", s);
			goto out;
		}
		if (cx_rec_get(r, "survey") != NULL) {
			refuse(err, "answered already%s", "");
			goto out;
		}
		if (a.score[0] == 0 && a.score[1] == 0 && a.score[2] == 0 &&
		    (a.note == NULL || *a.note == '\0')) {
			refuse(err, "no answer: no score and no comment%s", "");
			goto out;
		}
		b.len = 0;
		cx_buf_adds(&b, "{\"at\":\"");
		cx_time_fmt(a.at, &b);
		cx_buf_addc(&b, '"');
		if (a.score[0])
			cx_buf_printf(&b, ",\"result\":%d", a.score[0]);
		if (a.score[1])
			cx_buf_printf(&b, ",\"attitude\":%d", a.score[1]);
		if (a.score[2])
			cx_buf_printf(&b, ",\"timeliness\":%d", a.score[2]);
		if (a.note != NULL && *a.note != '\0') {
			cx_buf_adds(&b, ",\"comment\":");
			cx_json_addstr(&b, a.note, strlen(a.note));
		}
		cx_buf_addc(&b, '}');
		cx_rec_set_raw(r, "survey", b.p, b.len);
		a.note = NULL;
		break;
	case CX_ACT_REWARD:
		if (a.amount == NULL || strtod(a.amount, NULL) <= 0) {
			refuse(err, "a reward needs its points%s", "");
			goto out;
		}
		cx_buf_printf(&x, ",\"points\":%s", a.amount);
		b.len = 0;
		cx_buf_printf(&b, "{\"points\":%s,\"at\":\"", a.amount);
		cx_time_fmt(a.at, &b);
		cx_buf_adds(&b, "\"}");
		cx_rec_append(r, "rewards", b.p, b.len);
		break;
	case CX_ACT_REVIEW:
		if (review(c, &a, r, &x, &b, err) == -1)
			goto out;
		break;
	default:
		refuse(err, "unknown action%s", "");
		goto out;
	}
	/* Work on a ticket that waits ends the wait (cx-policy(5)). */
	if (a.kind != CX_ACT_WAIT && a.kind != CX_ACT_NOTE &&
	    a.kind != CX_ACT_REASSIGN && a.kind != CX_ACT_LINK &&
	    a.kind != CX_ACT_ABSORB && a.kind != CX_ACT_REVIEW &&
	    strcmp(s, "waiting") == 0 &&
	    cx_rec_get(r, "waiting") != NULL) {
		if (cx_rec_getstr(r, "status", &b) == 0 &&
		    strcmp(cx_buf_str(&b), "waiting") == 0 &&
		    cx_rec_getstr(r, "waiting.was", &was) == 0)
			set_str(r, "status", cx_buf_str(&was));
		cx_rec_del(r, "waiting");
	}
	hist(r, &a, a.kind, &x);
	rc = go;
out:
	proposal_free(&p);
	cx_buf_free(&st);
	cx_buf_free(&x);
	cx_buf_free(&b);
	cx_buf_free(&was);
	return rc;
}

/* Whom a ticket waits on, in English or Chinese; NULL if no one. */
static const char *
waits_on(const char *s, size_t n)
{
	static const struct {
		const char	*code, *alias;
	} w[] = {
		{ "customer", "customer" }, { "customer", "客户" },
		{ "customer", "顾客" }, { "customer", "用户" },
		{ "merchant", "merchant" }, { "merchant", "商家" },
		{ "merchant", "卖家" }, { "merchant", "店铺" },
		{ "carrier", "carrier" }, { "carrier", "快递" },
		{ "carrier", "物流" }, { "carrier", "承运商" },
	};
	size_t i;

	cx_trim(&s, &n);
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (cx_streqi(s, n, w[i].alias, strlen(w[i].alias)))
			return w[i].code;
	return NULL;
}

static const char *const fieldnames[CX_AF_N][8] = {
	{ "id", "ticket", "工单号", "投诉编号", "工单编号", "ticket id" },
	{ "action", "动作", "操作", "处理动作" },
	{ "agent", "by", "处理人", "客服", "操作人" },
	{ "at", "time", "时间", "处理时间", "操作时间" },
	{ "code", "resolution", "方案", "处理方式", "解决方式", "verdict",
	    "质检结果" },
	{ "amount", "points", "金额", "赔偿金额", "积分" },
	{ "note", "text", "comment", "备注", "内容", "回复内容", "评价" },
	{ "to", "on", "with", "into", "对象", "转派给", "目标" },
	{ "result", "结果满意度", "结果" },
	{ "attitude", "态度满意度", "态度" },
	{ "timeliness", "及时性满意度", "及时性" },
};

/* The field of an action a header names ("工单号", "Ticket ID"), or -1. */
int
cx_act_field(const char *h, size_t n)
{
	return cx_header_field(h, n, &fieldnames[0][0], CX_AF_N, 8);
}

/*
 * An action from its fields as given (NULL where absent); -1 and why.
 * The action points into v, and into amount for a normalised amount.
 */
int
cx_action_make(struct cx_action *a, char *const *v, struct cx_alias *aliases,
    struct cx_buf *amount, struct cx_err *e)
{
	static const int scores[3] = { CX_AF_RESULT, CX_AF_ATTITUDE,
	    CX_AF_TIMELY };
	const char *cur;
	char *end;
	long sc;
	int i;

	memset(a, 0, sizeof(*a));
	if (v[CX_AF_ID] == NULL || *v[CX_AF_ID] == '\0') {
		cx_seterr(e, "no ticket");
		return -1;
	}
	a->id = v[CX_AF_ID];
	if (v[CX_AF_ACTION] == NULL || (a->kind = cx_act_kind(aliases,
	    v[CX_AF_ACTION], strlen(v[CX_AF_ACTION]))) == -1) {
		cx_seterr(e, "unknown action \"%s\"", v[CX_AF_ACTION] ?
		    v[CX_AF_ACTION] : "");
		return -1;
	}
	a->agent = v[CX_AF_AGENT] != NULL && *v[CX_AF_AGENT] != '\0' ? v[CX_AF_AGENT] :
	    NULL;
	a->at = cx_now();
	if (v[CX_AF_AT] != NULL && *v[CX_AF_AT] != '\0' &&
	    cx_time_parse(v[CX_AF_AT], strlen(v[CX_AF_AT]), &a->at, e) == -1)
		return -1;
	a->code = v[CX_AF_CODE] != NULL && *v[CX_AF_CODE] != '\0' ? v[CX_AF_CODE] : NULL;
	a->note = v[CX_AF_NOTE];
	a->to = v[CX_AF_TO] != NULL && *v[CX_AF_TO] != '\0' ? v[CX_AF_TO] : NULL;
	if (a->kind == CX_ACT_WAIT && a->to != NULL &&
	    waits_on(a->to, strlen(a->to)) != NULL)
		a->to = waits_on(a->to, strlen(a->to));
	if (v[CX_AF_AMOUNT] != NULL && *v[CX_AF_AMOUNT] != '\0') {
		amount->len = 0;
		if (cx_norm_amount(v[CX_AF_AMOUNT], strlen(v[CX_AF_AMOUNT]), amount,
		    &cur) == -1) {
			cx_seterr(e, "invalid amount \"%s\"", v[CX_AF_AMOUNT]);
			return -1;
		}
		a->amount = cx_buf_str(amount);
	}
	for (i = 0; i < 3; i++) {
		if (v[scores[i]] == NULL || *v[scores[i]] == '\0')
			continue;
		sc = strtol(v[scores[i]], &end, 10);
		if (*end != '\0' || sc < 1 || sc > 5) {
			cx_seterr(e, "a score is 1 to 5, not \"%s\"",
			    v[scores[i]]);
			return -1;
		}
		a->score[i] = (int)sc;
	}
	return 0;
}
