/*
 * report-map.c: what one ticket adds to a briefing's counts.
 *
 * A ticket received in the period counts in the period's cohort ("c"),
 * one received in the period before in the previous cohort ("p"); each
 * cohort is judged by what its history says had happened by the end of
 * its period (or now, if that is sooner), so that last week is told as
 * it stood on Sunday night and compared with the week before as it stood
 * then.  Events (surveys answered, invitations, reviews, tickets handled)
 * count in the period they happened.  Every key is listed in cx-report(1)
 * only by what it means; here is what they are:
 *
 *	vol DIM VALUE X		tickets of cohort X by channel, category, ...
 *	kpi X NAME		cohort X: n, resolved, reopened, repeat, ...
 *	grp department|agent NAME X WHAT	the same by group
 *	frt|res X DEPT MINUTES	working minutes to first reply, to resolve
 *	sla X CLOCK met|breached|pending
 *	ev X NAME		events of period X: csat_n, csat_sum, ...
 *	qa AGENT pass|fail, qadept DEPT pass|fail	reviews in the period
 *	backlog BUCKET, backlogdept DEPT BUCKET	open at the period's end
 *	hot DIM VALUE W		cohort c (W "c") and the REP_HOTWIN periods
 *				before it (W "0" the latest)
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

enum { E_REPLY, E_RESOLVED, E_CLOSED, E_REOPENED, E_ACK, E_TOLD,
	E_INVITED, E_REVIEW_PASS, E_REVIEW_FAIL, E_N };

struct ev {
	time_t		 at;
	int		 kind;
};

struct rep_map {
	const struct rep_def	*d;
	const struct cx_cal	*cal;
	struct agg		*a;
	struct cx_rec		 r;
	struct ev		*ev;
	size_t			 nev, evcap;
	struct cx_buf		 s[12], tmp, js;
	const char		*late[3];	/* subject, text, customer: */
	size_t			 laten[3];	/* decoded only for a case */
	time_t			 pfrom, hfrom;	/* previous, hot spot start */
};

/* The string fields a ticket is counted by. */
enum { S_ID, S_CHANNEL, S_CAT, S_SUBCAT, S_PRIO, S_DEPT, S_AGENT,
	S_STATUS, S_SCOPE, S_SUBJECT, S_TEXT, S_NAME, S_N };

static const char *const hotdims[] = { "sku", "batch", "warehouse",
	"carrier", "region" };

struct rep_map *
rep_map_new(const struct rep_def *d, const struct cx_cal *cal, struct agg *a)
{
	struct rep_map *m = cx_alloc(sizeof(*m));

	memset(m, 0, sizeof(*m));
	m->d = d;
	m->cal = cal;
	m->a = a;
	m->pfrom = d->from - d->len;
	m->hfrom = d->from - (time_t)REP_HOTWIN * d->len;
	return m;
}

void
rep_map_free(struct rep_map *m)
{
	size_t i;

	if (m == NULL)
		return;
	cx_rec_free(&m->r);
	for (i = 0; i < sizeof(m->s) / sizeof(m->s[0]); i++)
		cx_buf_free(&m->s[i]);
	cx_buf_free(&m->tmp);
	cx_buf_free(&m->js);
	free(m->ev);
	free(m);
}

/* A raw JSON value's time, or -1. */
static time_t
tm(const char *v, size_t n)
{
	time_t t;

	if (n < 2 || v[0] != '"' || cx_time_parse(v + 1, n - 2, &t, NULL) ==
	    -1)
		return -1;
	return t;
}

static const char *
str(const char *v, size_t n, struct cx_buf *b)
{
	b->len = 0;
	if (v == NULL || cx_json_str(v, n, b) == -1)
		b->len = 0;
	return cx_buf_str(b);
}

static void
add_ev(struct rep_map *m, time_t at, int kind)
{
	m->ev = cx_reserve(m->ev, m->nev + 1, &m->evcap, sizeof(*m->ev));
	m->ev[m->nev].at = at;
	m->ev[m->nev].kind = kind;
	m->nev++;
}

/* Whether a raw JSON string is this plain one ("replied"). */
static int
is(const char *v, size_t n, const char *lit, size_t ln)
{
	return n == ln + 2 && v[0] == '"' && memcmp(v + 1, lit, ln) == 0;
}
#define IS(v, n, lit)	is(v, n, lit, sizeof(lit) - 1)

static const char *const entry_keys[] = { "at", "action", "message", "via",
	"verdict" };

static void
entry(void *arg, const char **f, size_t *fn)
{
	struct rep_map *m = arg;
	time_t at;
	int kind;

	if (f[0] == NULL || f[1] == NULL)
		return;
	/* The action first: most entries count for nothing here. */
	if (IS(f[1], fn[1], "replied") || IS(f[1], fn[1], "acknowledged"))
		kind = E_REPLY;
	else if (IS(f[1], fn[1], "resolved"))
		kind = E_RESOLVED;
	else if (IS(f[1], fn[1], "closed") || IS(f[1], fn[1], "merged"))
		kind = E_CLOSED;
	else if (IS(f[1], fn[1], "reopened"))
		kind = E_REOPENED;
	else if (IS(f[1], fn[1], "reviewed") && f[4] != NULL)
		kind = IS(f[4], fn[4], "pass") ? E_REVIEW_PASS : E_REVIEW_FAIL;
	else if (IS(f[1], fn[1], "notified") && f[2] != NULL) {
		kind = IS(f[2], fn[2], "ack") ? E_ACK :
		    IS(f[2], fn[2], "resolution") ? E_TOLD :
		    IS(f[2], fn[2], "survey") ? E_INVITED : -1;
		/* Told by no way at all (no address) is not told. */
		if (kind != E_INVITED && f[3] != NULL && IS(f[3], fn[3],
		    "none"))
			kind = -1;
	} else
		kind = -1;
	if (kind != -1 && (at = tm(f[0], fn[0])) != -1)
		add_ev(m, at, kind);
}

/* The first event of a kind before the end, or -1. */
static time_t
first(const struct rep_map *m, int kind, time_t end)
{
	time_t t = -1;
	size_t i;

	for (i = 0; i < m->nev; i++)
		if (m->ev[i].kind == kind && m->ev[i].at < end &&
		    (t == -1 || m->ev[i].at < t))
			t = m->ev[i].at;
	return t;
}

static long long
between(const struct rep_map *m, int kind, time_t from, time_t to)
{
	long long n = 0;
	size_t i;

	for (i = 0; i < m->nev; i++)
		n += m->ev[i].kind == kind && m->ev[i].at >= from &&
		    m->ev[i].at < to;
	return n;
}

/* Whether the ticket was closed at the end: closed, and not reopened
 * since. */
static int
closed_by(const struct rep_map *m, time_t end)
{
	time_t c = -1, o = -1;
	size_t i;

	for (i = 0; i < m->nev; i++) {
		if (m->ev[i].at >= end)
			continue;
		if (m->ev[i].kind == E_CLOSED && m->ev[i].at > c)
			c = m->ev[i].at;
		if (m->ev[i].kind == E_REOPENED && m->ev[i].at > o)
			o = m->ev[i].at;
	}
	return c != -1 && c >= o;
}

static const char *
cohort_of(const struct rep_map *m, time_t recv, time_t *end)
{
	if (recv >= m->d->from && recv < m->d->to) {
		*end = m->d->to < m->d->now ? m->d->to : m->d->now;
		return "c";
	}
	if (recv >= m->pfrom && recv < m->d->from) {
		*end = m->d->from;
		return "p";
	}
	return NULL;
}

/* Per clock: met by the end, broken by it, or still running. */
struct clockarg {
	struct rep_map	*m;
	const char	*x;
	time_t		 end;
	int		 breached;
	const char	*id, *dept, *agent, *prio;
};

static void
sla_clock(void *arg, const char *k, size_t kn, const char *v, size_t n)
{
	static const char *const keys[] = { "due", "met_at" };
	struct clockarg *c = arg;
	struct rep_map *m = c->m;
	const char *f[2], *state;
	size_t fn[2];
	time_t due, met = -1, stop;
	char name[64];

	if (kn == 0 || kn >= sizeof(name) || cx_json_fields(v, n, keys, 2, f,
	    fn) == -1 || f[0] == NULL || (due = tm(f[0], fn[0])) == -1)
		return;
	memcpy(name, k, kn);
	name[kn] = '\0';
	if (f[1] != NULL && (met = tm(f[1], fn[1])) >= c->end)
		met = -1;
	if (met != -1)
		state = met > due ? "breached" : "met";
	else
		state = due < c->end ? "breached" : "pending";
	agg_add(m->a, 1, "sla", c->x, name, state, NULL);
	if (*state != 'b')
		return;
	c->breached = 1;
	/* The breaches of the period: the longest over their limit. */
	if (*c->x == 'c' && due >= m->d->from && due < m->d->to) {
		stop = met != -1 ? met : c->end;
		m->js.len = 0;
		cx_buf_adds(&m->js, "[");
		cx_json_addstr(&m->js, c->id, strlen(c->id));
		cx_buf_addc(&m->js, ',');
		cx_json_addstr(&m->js, name, kn);
		cx_buf_adds(&m->js, ",\"");
		cx_time_fmt(due, &m->js);
		cx_buf_printf(&m->js, "\",%lld,", (long long)(stop - due) / 60);
		cx_json_addstr(&m->js, c->dept, strlen(c->dept));
		cx_buf_addc(&m->js, ',');
		cx_json_addstr(&m->js, c->agent, strlen(c->agent));
		cx_buf_addc(&m->js, ',');
		cx_json_addstr(&m->js, c->prio, strlen(c->prio));
		cx_buf_addc(&m->js, ']');
		/* A ticket breaks several clocks: each is an item. */
		m->tmp.len = 0;
		cx_buf_printf(&m->tmp, "%s %s", c->id, name);
		agg_list_add(m->a, L_BREACH, UINT64_MAX - (uint64_t)(stop -
		    due), cx_buf_str(&m->tmp), m->js.p, m->js.len);
		agg_add(m->a, 1, "breaches", NULL);
	}
}

static void
minutes(struct rep_map *m, const char *what, const char *x,
    const char *dept, time_t a, time_t b)
{
	char num[24];
	long s = m->cal != NULL ? cx_cal_between(m->cal, a, b, NULL) :
	    (long)(b - a);

	snprintf(num, sizeof(num), "%ld", s / 60);
	agg_add(m->a, 1, what, x, "", num, NULL);	/* all departments */
	agg_add(m->a, 1, what, x, dept, num, NULL);
}

static void
group(struct rep_map *m, const char *x, const char *what, long long n,
    const char *dept, const char *agent)
{
	if (n == 0)
		return;
	agg_add(m->a, n, "kpi", x, what, NULL);
	agg_add(m->a, n, "grp", "department", dept, x, what, NULL);
	agg_add(m->a, n, "grp", "agent", agent, x, what, NULL);
}

static int
rank_of(const char *s, const char *const *v)
{
	int i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(s, v[i]) == 0)
			return i;
	return i;
}

/* A typical case: the most urgent, widest, broken complaints first. */
static void
typical(struct rep_map *m, time_t recv, int breached, const char **s)
{
	static const char *const prios[] = { "urgent", "high", "normal",
	    "low", NULL };
	static const char *const scopes[] = { "public", "many", "one", NULL };
	struct cx_buf *b = &m->js;
	uint64_t rank;
	size_t cut;

	rank = (uint64_t)rank_of(s[S_PRIO], prios) << 60 |
	    (uint64_t)rank_of(s[S_SCOPE], scopes) << 56 |
	    (uint64_t)!breached << 55 | ((uint64_t)recv & ((1ULL << 55) - 1));
	b->len = 0;
	cx_buf_addc(b, '[');
	cx_json_addstr(b, s[S_ID], strlen(s[S_ID]));
	cx_buf_adds(b, ",\"");
	cx_time_fmt(recv, b);
	cx_buf_adds(b, "\"");
	for (int i = S_CHANNEL; i <= S_SCOPE; i++) {
		cx_buf_addc(b, ',');
		cx_json_addstr(b, s[i], strlen(s[i]));
	}
	/* The words as the customer wrote them, masked unless asked. */
	s[S_SUBJECT] = str(m->late[0], m->laten[0], &m->s[S_SUBJECT]);
	s[S_TEXT] = str(m->late[1], m->laten[1], &m->s[S_TEXT]);
	m->s[S_NAME].len = 0;
	if (m->late[2] == NULL || cx_json_getstr(m->late[2], m->laten[2],
	    "name", &m->s[S_NAME]) == -1)
		m->s[S_NAME].len = 0;
	s[S_NAME] = cx_buf_str(&m->s[S_NAME]);
	for (int i = S_SUBJECT; i <= S_TEXT; i++) {
		m->tmp.len = 0;
		if (m->d->unmasked)
			cx_buf_adds(&m->tmp, s[i]);
		else
			cx_mask_text(s[i], strlen(s[i]), s[S_NAME], &m->tmp);
		cut = cx_utf8_prefix(m->tmp.p != NULL ? m->tmp.p : "",
		    m->tmp.len < 240 ? m->tmp.len : 240);
		cx_buf_addc(b, ',');
		cx_json_addstr(b, m->tmp.p != NULL ? m->tmp.p : "", cut);
	}
	m->tmp.len = 0;
	if (m->d->unmasked)
		cx_buf_adds(&m->tmp, s[S_NAME]);
	else
		cx_mask_name(s[S_NAME], strlen(s[S_NAME]), &m->tmp);
	cx_buf_addc(b, ',');
	cx_json_addstr(b, m->tmp.p != NULL ? m->tmp.p : "", m->tmp.len);
	cx_buf_addc(b, ']');
	agg_list_add(m->a, L_CASE, rank, s[S_ID], b->p, b->len);
}

/* A handled ticket is a candidate of the QA sample. */
static void
candidate(struct rep_map *m, const char **s)
{
	uint64_t draw = rep_draw(m->d->seed, s[S_ID], strlen(s[S_ID]));
	/* Kept at any rate up to 2.5 times the rate drawn, and the lowest
	 * REP_QAHEAP draws whatever they are: the sample is among them. */
	uint64_t low = m->d->qa_rate * 25 >= 1000 ? UINT64_MAX :
	    UINT64_MAX / 1000 * (m->d->qa_rate * 25);
	struct cx_buf *b = &m->js;

	b->len = 0;
	cx_buf_addc(b, '[');
	for (int i = S_ID; i <= S_SUBCAT; i++) {
		if (i != S_ID)
			cx_buf_addc(b, ',');
		cx_json_addstr(b, s[i], strlen(s[i]));
	}
	cx_buf_addc(b, ',');
	cx_json_addstr(b, s[S_DEPT], strlen(s[S_DEPT]));
	cx_buf_addc(b, ',');
	cx_json_addstr(b, s[S_AGENT], strlen(s[S_AGENT]));
	cx_buf_addc(b, ']');
	if (draw <= low)
		agg_list_add(m->a, L_QALOW, draw, s[S_ID], b->p, b->len);
	else
		agg_list_add(m->a, L_QAANY, draw, s[S_ID], b->p, b->len);
}


static void
cohort(struct rep_map *m, const char *x, time_t end, time_t recv,
    const char **s, const char *sla, size_t slan)
{
	static const char *const dims[] = { "channel", "category",
	    "subcategory", "priority", "department" };
	static const int dimf[] = { S_CHANNEL, S_CAT, S_SUBCAT, S_PRIO,
	    S_DEPT };
	struct clockarg c = { m, x, end, 0, s[S_ID], s[S_DEPT], s[S_AGENT],
	    s[S_PRIO] };
	time_t reply = first(m, E_REPLY, end), res = first(m, E_RESOLVED, end);
	size_t i;

	agg_add(m->a, 1, "vol", "all", "*", x, NULL);
	for (i = 0; i < 5; i++)
		agg_add(m->a, 1, "vol", dims[i], s[dimf[i]], x, NULL);
	group(m, x, "n", 1, s[S_DEPT], s[S_AGENT]);
	if (*s[S_CAT] != '\0' && strcmp(s[S_CAT], "other") != 0)
		agg_add(m->a, 1, "kpi", x, "placed", NULL);
	if (res == -1 && closed_by(m, end))
		res = first(m, E_CLOSED, end);
	if (reply != -1)
		minutes(m, "frt", x, s[S_DEPT], recv, reply);
	if (res != -1) {
		minutes(m, "res", x, s[S_DEPT], recv, res);
		group(m, x, "resolved", 1, s[S_DEPT], s[S_AGENT]);
	}
	group(m, x, "reopened", first(m, E_REOPENED, end) != -1, s[S_DEPT],
	    s[S_AGENT]);
	/* Kept informed: told the ticket was taken, and of its end. */
	group(m, x, "informed", first(m, E_ACK, end) != -1 && (res == -1 ||
	    first(m, E_TOLD, end) != -1), s[S_DEPT], s[S_AGENT]);
	if (strcmp(s[S_PRIO], "normal") == 0 && ((reply != -1 && reply <
	    recv + 86400) || recv + 86400 <= end)) {
		agg_add(m->a, 1, "kpi", x, "normal_n", NULL);
		if (reply != -1 && reply <= recv + 86400)
			agg_add(m->a, 1, "kpi", x, "normal_24h", NULL);
	}
	if (sla != NULL)
		(void)cx_json_each_member(sla, slan, sla_clock, &c);
	group(m, x, "breached", c.breached, s[S_DEPT], s[S_AGENT]);
	if (*x == 'c')
		typical(m, recv, c.breached, s);
}

/* Events of a period, whatever the ticket's cohort. */
static void
events(struct rep_map *m, const char *x, time_t from, time_t to,
    const char **s, const char *survey, size_t surveyn)
{
	static const char *const keys[] = { "at", "result" };
	const char *f[2];
	size_t fn[2];
	time_t at;
	long r;

	group(m, x, "invited", between(m, E_INVITED, from, to), s[S_DEPT],
	    s[S_AGENT]);
	if (survey != NULL && cx_json_fields(survey, surveyn, keys, 2, f,
	    fn) == 0 && f[0] != NULL && f[1] != NULL && (at = tm(f[0],
	    fn[0])) >= from && at < to && (r = strtol(f[1], NULL, 10)) >= 1 &&
	    r <= 5) {
		group(m, x, "csat_n", 1, s[S_DEPT], s[S_AGENT]);
		group(m, x, "csat_sum", r, s[S_DEPT], s[S_AGENT]);
		group(m, x, "csat_ok", r >= 4, s[S_DEPT], s[S_AGENT]);
	}
	if (*x != 'c')
		return;
	if (between(m, E_RESOLVED, from, to) + between(m, E_CLOSED, from,
	    to) > 0) {
		agg_add(m->a, 1, "handled", NULL);
		candidate(m, s);
	}
	agg_add(m->a, between(m, E_REVIEW_PASS, from, to), "qa", s[S_AGENT],
	    "pass", NULL);
	agg_add(m->a, between(m, E_REVIEW_FAIL, from, to), "qa", s[S_AGENT],
	    "fail", NULL);
	agg_add(m->a, between(m, E_REVIEW_PASS, from, to), "qadept",
	    s[S_DEPT], "pass", NULL);
	agg_add(m->a, between(m, E_REVIEW_FAIL, from, to), "qadept",
	    s[S_DEPT], "fail", NULL);
}

/* The members a ticket is counted by, with their lengths. */
#define M(s)	{ s, sizeof(s) - 1 }
static const struct {
	const char	*name;
	size_t		 len;
} members[] = {
	[S_ID] = M("id"), [S_CHANNEL] = M("channel"),
	[S_CAT] = M("category"), [S_SUBCAT] = M("subcategory"),
	[S_PRIO] = M("priority"), [S_DEPT] = M("department"),
	[S_AGENT] = M("assignee"), [S_STATUS] = M("status"),
	[S_SCOPE] = M("scope"), [S_SUBJECT] = M("subject"),
	[S_TEXT] = M("text"), [S_NAME] = M("customer"),
	[S_N + 0] = M("received_at"), [S_N + 1] = M("followup_of"),
	[S_N + 2] = M("sla"), [S_N + 3] = M("survey"),
	[S_N + 4] = M("history"), [S_N + 5] = M("flags"),
	[S_N + 6] = M("sku"), [S_N + 7] = M("batch"),
	[S_N + 8] = M("warehouse"), [S_N + 9] = M("carrier"),
	[S_N + 10] = M("region"),
};
#undef M
enum { K_RECV = S_N, K_FOLLOWUP, K_SLA, K_SURVEY, K_HISTORY, K_FLAGS,
	K_HOT, K_N = K_HOT + 5 };

static int
member_of(const struct cx_field *f)
{
	int k;

	if (f->flags & (CX_F_DEL | CX_F_KESC))
		return -1;
	for (k = 0; k < K_N; k++)
		if (f->klen == members[k].len && f->k[0] == members[k].name[0] &&
		    memcmp(f->k, members[k].name, f->klen) == 0)
			return k;
	return -1;
}

int
rep_map_ticket(struct rep_map *m, const char *l, size_t n, struct cx_err *err)
{
	const char *s[S_N], *x, *raw[K_N] = { NULL };
	size_t i, k, rawn[K_N] = { 0 };
	time_t recv = -1, end, cend;
	int repeat = 0, km;

	if (cx_rec_parse(&m->r, l, n, err, NULL) == -1)
		return -1;
	/* One walk over the members; the last of a key wins, as in jq. */
	for (i = 0; i < m->r.n; i++)
		if ((km = member_of(&m->r.f[i])) != -1) {
			raw[km] = m->r.f[i].v;
			rawn[km] = m->r.f[i].vlen;
		}
	if (raw[K_FOLLOWUP] != NULL)
		return 1;	/* a follow-up: no ticket of its own */
	for (k = 0; k < S_SUBJECT; k++)
		s[k] = str(raw[k], rawn[k], &m->s[k]);
	for (; k < S_N; k++) {
		m->late[k - S_SUBJECT] = raw[k];
		m->laten[k - S_SUBJECT] = rawn[k];
		s[k] = NULL;
	}
	if (raw[K_RECV] != NULL)
		recv = tm(raw[K_RECV], rawn[K_RECV]);
	if (*s[S_ID] == '\0' || recv == -1) {
		cx_seterr(err, *s[S_ID] == '\0' ? "a ticket with no id" :
		    "a ticket with no time received (received_at)");
		return -1;
	}
	m->nev = 0;
	if (raw[K_HISTORY] != NULL)
		(void)cx_json_each_fields(raw[K_HISTORY], rawn[K_HISTORY],
		    entry_keys, 5, entry, m);
	repeat = raw[K_FLAGS] != NULL && memmem(raw[K_FLAGS], rawn[K_FLAGS],
	    "\"repeat\"", 8) != NULL;
	if (*s[S_DEPT] == '\0')
		s[S_DEPT] = "-";
	if (*s[S_AGENT] == '\0')
		s[S_AGENT] = "-";
	if ((x = cohort_of(m, recv, &end)) != NULL) {
		cohort(m, x, end, recv, s, raw[K_SLA], rawn[K_SLA]);
		group(m, x, "repeat", repeat, s[S_DEPT], s[S_AGENT]);
	}
	events(m, "c", m->d->from, m->d->to, s, raw[K_SURVEY],
	    rawn[K_SURVEY]);
	events(m, "p", m->pfrom, m->d->from, s, raw[K_SURVEY],
	    rawn[K_SURVEY]);
	/* The backlog: received, not closed, at the period's end. */
	cend = m->d->to < m->d->now ? m->d->to : m->d->now;
	if (recv < cend && !closed_by(m, cend)) {
		agg_add(m->a, 1, "backlog", rep_age_bucket(cend - recv), NULL);
		agg_add(m->a, 1, "backlogdept", s[S_DEPT], rep_age_bucket(cend -
		    recv), NULL);
	}
	/* Hot spots: this period against the ones before. */
	if (recv >= m->hfrom && recv < m->d->to) {
		char w[24];

		if (recv >= m->d->from)
			strcpy(w, "c");
		else
			snprintf(w, sizeof(w), "%ld", (long)((m->d->from -
			    recv - 1) / m->d->len));
		for (k = 0; k < 5; k++)
			if (raw[K_HOT + k] != NULL && *str(raw[K_HOT + k],
			    rawn[K_HOT + k], &m->tmp) != '\0')
				agg_add(m->a, 1, "hot", hotdims[k],
				    cx_buf_str(&m->tmp), w, NULL);
	}
	return 0;
}
