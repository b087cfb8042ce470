/*
 * outcome.c: what an export says became of a complaint (cx-columns(5)).
 *
 * A team starts with its past: an export of old complaints records how
 * each ended (CFPB: "Company response to consumer", "Timely response?",
 * "Date sent to company").  Such a row comes in with that history: the
 * entries at their own times, closed where the export says it was, so
 * that reports count it and cx-sla has nothing to chase.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

struct ev {
	time_t		 at;
	const char	*action;
	int		 approx;	/* the export gives no time: a bound */
	const char	*resolution;
};

static int
yesno(const char *s, size_t n)
{
	static const char *const yes[] = { "yes", "y", "true", "t", "1", "是",
	    NULL };
	static const char *const no[] = { "no", "n", "false", "f", "0", "否",
	    NULL };
	int i;

	for (i = 0; yes[i] != NULL; i++)
		if (cx_streqi(s, n, yes[i], strlen(yes[i])))
			return 1;
	for (i = 0; no[i] != NULL; i++)
		if (cx_streqi(s, n, no[i], strlen(no[i])))
			return 0;
	return -1;
}

static void
entry(struct cx_buf *b, const struct ev *e)
{
	if (b->len > 0)
		cx_buf_addc(b, ',');
	cx_buf_adds(b, "{\"at\":\"");
	cx_time_fmt(e->at, b);
	cx_buf_adds(b, "\",\"by\":\"cx-ingest\",\"action\":");
	cx_json_addstr(b, e->action, strlen(e->action));
	if (e->resolution != NULL) {
		cx_buf_adds(b, ",\"resolution\":");
		cx_json_addstr(b, e->resolution, strlen(e->resolution));
	}
	if (e->approx)
		cx_buf_adds(b, ",\"approx\":true");
	cx_buf_addc(b, '}');
}

static void
warn(struct cx_intake_out *o, const char *why, const char *s, size_t n)
{
	if (o->warn.len == 0)
		cx_buf_printf(&o->warn, why, (int)n, s);
}

/*
 * The export's outcome of a row: history entries (in o->events), a
 * status, and the members "resolution" and "outcome" added to the body.
 * The fields were trimmed by cx_intake_build; o->received is set.
 */
int
cx_intake_outcome(const struct cx_intake *t, const struct cx_intake_ctx *c,
    struct cx_intake_out *o, struct cx_err *err)
{
	static const struct {
		int		 i;
		const char	*name;
	} times[] = {
		{ CX_I_SENT, "sent_at" },
		{ CX_I_ANSWERED, "answered_at" },
		{ CX_I_CLOSED, "closed_at" },
	};
	struct ev ev[3], tmp;
	struct cx_err e;
	time_t at[3], latest = o->received;
	const char *code = NULL, *res, *s = t->v[CX_I_OUTCOME];
	size_t n = s != NULL ? t->n[CX_I_OUTCOME] : 0, k, j, nev = 0;
	int has[3], timely = -1, closing, answered;

	o->status = NULL;
	o->events.len = 0;
	for (k = 0; k < 3; k++) {
		has[k] = t->v[times[k].i] != NULL && t->n[times[k].i] > 0;
		if (has[k] && cx_time_parse(t->v[times[k].i], t->n[times[k].i],
		    &at[k], &e) == -1) {
			cx_seterr(err, "%s: %s", times[k].name, e.msg);
			return -1;
		}
	}
	if (n > 0 && c->outcomes != NULL &&
	    (code = cx_alias_code(c->outcomes, s, n)) == NULL)
		warn(o, "outcome \"%.*s\" is not in the outcomes file: the "
		    "ticket stays open", s, n);
	if (t->v[CX_I_TIMELY] != NULL && t->n[CX_I_TIMELY] > 0 &&
	    (timely = yesno(t->v[CX_I_TIMELY], t->n[CX_I_TIMELY])) == -1)
		warn(o, "timely \"%.*s\" is neither yes nor no: left out",
		    t->v[CX_I_TIMELY], t->n[CX_I_TIMELY]);
	closing = has[2] || (code != NULL && strcmp(code, "open") != 0 &&
	    strcmp(code, "answered") != 0);
	answered = has[1] || (code != NULL && strcmp(code, "answered") == 0);
	/* Each entry at its time; where the export gives none, the latest
	 * time it gives before it, marked approx. */
	if (has[0]) {
		ev[nev++] = (struct ev){ at[0], "forwarded", 0, NULL };
		if (at[0] > latest)
			latest = at[0];
	}
	if (answered) {
		ev[nev++] = (struct ev){ has[1] ? at[1] : latest, "replied",
		    !has[1], NULL };
		if (has[1] && at[1] > latest)
			latest = at[1];
	}
	res = closing && code != NULL && strcmp(code, "closed") != 0 ? code :
	    NULL;
	if (closing)
		ev[nev++] = (struct ev){ has[2] ? at[2] : latest, "closed",
		    !has[2], res };
	for (k = 1; k < nev; k++)
		for (j = k; j > 0 && ev[j - 1].at > ev[j].at; j--) {
			tmp = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = tmp;
		}
	for (k = 0; k < nev; k++)
		entry(&o->events, &ev[k]);
	(void)cx_buf_str(&o->events);
	if (closing)
		o->status = "closed";
	if (res != NULL) {
		cx_json_addkey(&o->body, 0, "resolution");
		cx_buf_adds(&o->body, "{\"code\":");
		cx_json_addstr(&o->body, code, strlen(code));
		cx_buf_addc(&o->body, '}');
	}
	if (n > 0 || timely != -1) {
		cx_json_addkey(&o->body, 0, "outcome");
		cx_buf_addc(&o->body, '{');
		if (n > 0) {
			cx_buf_adds(&o->body, "\"text\":");
			if (cx_json_addstr_utf8(&o->body, s, n) == -1) {
				cx_seterr(err, "invalid UTF-8 in outcome");
				return -1;
			}
		}
		if (timely != -1)
			cx_buf_printf(&o->body, "%s\"timely\":%s", n > 0 ?
			    "," : "", timely ? "true" : "false");
		cx_buf_addc(&o->body, '}');
	}
	return 0;
}
