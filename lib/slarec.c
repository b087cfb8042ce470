/*
 * slarec.c: what sla.c computes, as a ticket record says it.
 *
 * The sla member is written from the results alone, in the policy's clock
 * order, so that the same ticket, policy and now give the same bytes and
 * a sweep with nothing new rewrites nothing.  cx-sla's own history
 * entries are read back to know what was already said: a warning or a
 * breach of a clock in one cycle (its start), a rung of the ladder, an
 * extension; nothing is said twice.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

static void
put_time(struct cx_buf *b, const char *key, time_t t)
{
	cx_buf_adds(b, key);
	cx_time_fmt(t, b);
	cx_buf_addc(b, '"');
}

static int
raw_time(const char *v, size_t n, struct cx_buf *tmp, time_t *t)
{
	struct cx_err e;

	tmp->len = 0;
	return v != NULL && cx_json_str(v, n, tmp) == 0 &&
	    cx_time_parse(tmp->p, tmp->len, t, &e) == 0 ? 0 : -1;
}

/*
 * A deadline met in time stays met in time: a rung that raises the
 * priority, or a stricter policy, does not make it a breach after the fact.
 */
void
cx_sla_keep(const struct cx_sla_policy *p, struct cx_sla_result *res,
    const char *old, size_t n, struct cx_buf *tmp)
{
	static const char *const keys[] = { "start", "met_at", "due",
	    "breached" };
	const char *v, *m[4];
	size_t vn, mn[4];
	time_t start, met, due;
	int k;

	for (k = 0; k < p->nclock; k++) {
		if (res[k].target < 0 || !res[k].met ||
		    cx_json_member(old, n, p->clock[k].name, &v, &vn) == -1 ||
		    cx_json_fields(v, vn, keys, 4, m, mn) == -1 ||
		    raw_time(m[0], mn[0], tmp, &start) == -1 ||
		    raw_time(m[1], mn[1], tmp, &met) == -1 ||
		    start != res[k].start || met != res[k].met_at)
			continue;
		if (raw_time(m[2], mn[2], tmp, &due) == 0) {
			res[k].due = due;
			res[k].has_due = 1;
		}
		res[k].breached = m[3] != NULL && mn[3] == 4 &&
		    memcmp(m[3], "true", 4) == 0;
		res[k].kept = v;
		res[k].keptn = vn;
	}
}

void
cx_sla_member(const struct cx_sla_policy *p, const struct cx_sla_result *res,
    struct cx_buf *b)
{
	const struct cx_sla_result *r;
	struct cx_sla_span left;
	int k, first = 1;
	size_t i;

	cx_buf_addc(b, '{');
	for (k = 0; k < p->nclock; k++) {
		r = &res[k];
		if (r->target < 0)
			continue;
		cx_json_addkey(b, first, p->clock[k].name);
		first = 0;
		if (r->kept != NULL) {
			cx_buf_add(b, r->kept, r->keptn);
			continue;
		}
		cx_buf_adds(b, "{\"limit\":\"");
		cx_sla_span_fmt(&p->t[r->target].limit, b);
		cx_buf_addc(b, '"');
		put_time(b, ",\"start\":\"", r->start);
		if (r->has_due)
			put_time(b, ",\"due\":\"", r->due);
		else {
			left.days = 0;
			left.secs = r->remaining;
			left.working = p->t[r->target].limit.working;
			cx_buf_adds(b, ",\"remaining\":\"");
			cx_sla_span_fmt(&left, b);
			cx_buf_addc(b, '"');
		}
		if (r->met)
			put_time(b, ",\"met_at\":\"", r->met_at);
		cx_buf_adds(b, r->breached ? ",\"breached\":true" :
		    ",\"breached\":false");
		cx_buf_adds(b, r->paused ? ",\"paused\":true" :
		    ",\"paused\":false");
		if (r->exts != 0) {
			cx_buf_adds(b, ",\"extended\":[");
			for (i = 0; i < p->next; i++)
				if (r->exts & 1UL << i) {
					if (b->p[b->len - 1] != '[')
						cx_buf_addc(b, ',');
					cx_json_addstr(b, p->ext[i].name,
					    strlen(p->ext[i].name));
				}
			cx_buf_addc(b, ']');
		}
		cx_buf_addc(b, '}');
	}
	cx_buf_addc(b, '}');
}

size_t
cx_sla_entry(struct cx_buf *h, const char *nowtext,
    const struct cx_sla_policy *p, const struct cx_sla_result *res, int k,
    const char *action, int share, int level, const char *extra,
    const char *to)
{
	size_t body;

	cx_buf_adds(h, "{\"at\":");
	cx_buf_adds(h, nowtext);
	cx_buf_adds(h, ",\"by\":\"cx-sla\"");
	body = h->len;
	cx_buf_adds(h, ",\"action\":\"");
	cx_buf_adds(h, action);
	cx_buf_addc(h, '"');
	if (res != NULL) {
		cx_buf_adds(h, ",\"clock\":");
		cx_json_addstr(h, p->clock[k].name, strlen(p->clock[k].name));
		if (share > 0) {
			cx_buf_adds(h, ",\"share\":");
			cx_buf_ulong(h, (unsigned long)share);
		}
		put_time(h, ",\"since\":\"", res->start);
		if (res->has_due)
			put_time(h, ",\"due\":\"", res->due);
	}
	if (level > 0) {
		cx_buf_adds(h, ",\"level\":");
		cx_buf_ulong(h, (unsigned long)level);
	}
	if (extra != NULL)
		cx_buf_adds(h, extra);
	if (to != NULL) {
		cx_buf_adds(h, ",\"to\":");
		cx_json_addlist(h, to);
	}
	cx_buf_addc(h, '}');
	return body;
}

void
cx_sla_alert(struct cx_buf *b, const char *nowtext, const char *kind,
    const char *id, const char *members, size_t n)
{
	cx_buf_adds(b, "{\"at\":");
	cx_buf_adds(b, nowtext);
	cx_buf_adds(b, ",\"event\":\"");
	cx_buf_adds(b, kind);
	cx_buf_adds(b, "\",\"ticket\":");
	cx_json_addstr(b, id, strlen(id));
	cx_buf_add(b, members, n);
	cx_buf_addc(b, '\n');
}

int
cx_sla_level(const struct cx_sla_policy *p, const struct cx_sla_result *r)
{
	int lv = 0;

	if (r->target < 0)
		return 0;
	if (r->breached)
		return p->nwarn + 1;
	if (r->met)
		return 0;
	/* Exact: a share is reached when elapsed / limit >= share / 100. */
	while (lv < p->nwarn && (long long)r->elapsed * 100 >=
	    (long long)r->limit * p->warn[lv])
		lv++;
	return lv;
}

/* A small whole number written by cx-sla (a level, a share); 0 if not. */
static int
number(const char *v)
{
	long n = strtol(v, NULL, 10);

	return n > 0 && n < 1000 ? (int)n : 0;
}

void
cx_sla_said_reset(struct cx_sla_said *s)
{
	memset(s->level, 0, sizeof(s->level));
	s->esc = 0;
	s->ext.len = 0;
}

void
cx_sla_said_free(struct cx_sla_said *s)
{
	cx_buf_free(&s->ext);
	cx_buf_free(&s->tmp);
	cx_buf_free(&s->tmp2);
}

int
cx_sla_said_ext(const struct cx_sla_said *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ext.len; i += strlen(s->ext.p + i) + 1)
		if (strcmp(s->ext.p + i, name) == 0)
			return 1;
	return 0;
}

void
cx_sla_said_entry(struct cx_sla_said *s, const struct cx_sla_policy *p,
    const struct cx_sla_result *res, const char *v, size_t n)
{
	static const char *const keys[] = { "by", "action", "level", "name",
	    "share", "clock", "since" };
	enum { BY, ACTION, LEVEL, NAME, SHARE, CLOCK, SINCE };
	const char *m[7];
	size_t mn[7];
	struct cx_err e;
	time_t since;
	int k, lv;
	long share;

	if (cx_json_fields(v, n, keys, 7, m, mn) == -1 || m[BY] == NULL ||
	    mn[BY] != 8 || memcmp(m[BY], "\"cx-sla\"", 8) != 0 ||
	    m[ACTION] == NULL)
		return;
	s->tmp2.len = 0;
	if (cx_json_str(m[ACTION], mn[ACTION], &s->tmp2) == -1)
		return;
	(void)cx_buf_str(&s->tmp2);
	if (strcmp(s->tmp2.p, "escalated") == 0) {
		if (m[LEVEL] != NULL && cx_json_type(m[LEVEL], mn[LEVEL]) ==
		    CX_J_NUM && (lv = number(m[LEVEL])) > s->esc)
			s->esc = lv;
		return;
	}
	if (strcmp(s->tmp2.p, "extended") == 0) {
		if (m[NAME] != NULL && cx_json_str(m[NAME], mn[NAME],
		    &s->ext) == 0)
			cx_buf_addc(&s->ext, '\0');
		return;
	}
	if (strcmp(s->tmp2.p, "sla_warning") == 0) {
		if (m[SHARE] == NULL || cx_json_type(m[SHARE], mn[SHARE]) !=
		    CX_J_NUM)
			return;
		share = number(m[SHARE]);
		for (lv = 0; lv < p->nwarn && p->warn[lv] <= share; lv++)
			;
	} else if (strcmp(s->tmp2.p, "sla_breach") == 0)
		lv = p->nwarn + 1;
	else
		return;
	s->tmp2.len = 0;
	if (m[CLOCK] == NULL || m[SINCE] == NULL ||
	    cx_json_str(m[CLOCK], mn[CLOCK], &s->tmp2) == -1)
		return;
	(void)cx_buf_str(&s->tmp2);
	for (k = 0; k < p->nclock; k++)
		if (strcmp(p->clock[k].name, s->tmp2.p) == 0)
			break;
	/* The time is read only when the entry could still count. */
	if (k == p->nclock || res[k].target < 0 || lv <= s->level[k])
		return;
	s->tmp.len = 0;
	if (cx_json_str(m[SINCE], mn[SINCE], &s->tmp) == -1 ||
	    cx_time_parse(s->tmp.p, s->tmp.len, &since, &e) == -1 ||
	    res[k].start != since)
		return;
	s->level[k] = lv;
}
