/*
 * route.c: who answers for a ticket (cx-routing(5)), who works on it
 * (cx-agents(5)), and the standard remedy (cx-solutions(5)).
 *
 * Routing lines name the departments for a category or subcategory, the
 * first one leading; lines for a channel, a region or an amount add
 * departments that are involved but never lead.  Agents belong to one
 * department, have a capacity and are on duty or not.  The choice of an
 * agent is made here from loads the caller counts, so that filter mode
 * (loads of this run) and spool mode (loads of every open ticket) share
 * it.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

enum { R_CATEGORY, R_CHANNEL, R_REGION, R_AMOUNT, R_DEFAULT };

struct rline {
	int	 kind;
	char	**match;		/* category codes, channels, regions */
	int	 nmatch;
	double	 over;			/* amount > over */
	char	**dept;
	int	 ndept;
};

struct cx_route {
	struct rline		*l;
	int			 nl;
	struct cx_agent		*a;
	int			 na;
	struct cx_solution	*s;
	int			 ns;
};

static int
routing_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct cx_route *rt = arg;
	struct rline *r;
	const char *colon, *k = l, *sp;
	struct cx_buf num = { 0 };
	const char *cur;
	size_t kn, vn;

	(void)line;
	if ((colon = memchr(l, ':', n)) == NULL) {
		cx_seterr(err, "expected \"WHAT: DEPARTMENT, ...\"");
		return -1;
	}
	rt->l = cx_grow(rt->l, (size_t)rt->nl, sizeof(*rt->l));
	r = &rt->l[rt->nl];
	memset(r, 0, sizeof(*r));
	if (cx_split(colon + 1, (size_t)(l + n - colon - 1), &r->dept,
	    &r->ndept) == -1) {
		cx_seterr(err, "no department");
		return -1;
	}
	rt->nl++;
	kn = (size_t)(colon - l);
	cx_trim(&k, &kn);
	sp = memchr(k, ' ', kn);
	vn = sp ? kn - (size_t)(sp - k) - 1 : 0;
	if (kn == 7 && memcmp(k, "default", 7) == 0) {
		r->kind = R_DEFAULT;
		return 0;
	}
	if (sp != NULL && sp - k == 6 && memcmp(k, "amount", 6) == 0) {
		const char *v = sp + 1;
		cx_trim(&v, &vn);
		if (vn < 2 || v[0] != '>' || cx_norm_amount(v + 1, vn - 1,
		    &num, &cur) == -1) {
			cx_seterr(err, "expected \"amount > NUMBER\"");
			cx_buf_free(&num);
			return -1;
		}
		r->kind = R_AMOUNT;
		r->over = strtod(cx_buf_str(&num), NULL);
		cx_buf_free(&num);
		return 0;
	}
	if (sp != NULL && sp - k == 8 && memcmp(k, "category", 8) == 0)
		r->kind = R_CATEGORY;
	else if (sp != NULL && sp - k == 7 && memcmp(k, "channel", 7) == 0)
		r->kind = R_CHANNEL;
	else if (sp != NULL && sp - k == 6 && memcmp(k, "region", 6) == 0)
		r->kind = R_REGION;
	else {
		cx_seterr(err, "expected category, channel, region, amount or "
		    "default before ':'");
		return -1;
	}
	if (cx_split(sp + 1, vn, &r->match, &r->nmatch) == -1) {
		cx_seterr(err, "nothing to match");
		return -1;
	}
	return 0;
}

static int
agent_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct cx_route *rt = arg;
	struct cx_agent *a;
	const char *w[5], *p = l, *end = l + n;
	size_t wl[5], cap;
	char *num;
	int k, ok;

	(void)line;
	for (k = 0; k < 5; k++) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		w[k] = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		wl[k] = (size_t)(p - w[k]);
		if (wl[k] == 0)
			break;
	}
	if (k < 4) {
		cx_seterr(err, "expected \"NAME DEPARTMENT CAPACITY on|off "
		    "[SKILLS]\"");
		return -1;
	}
	num = cx_strndup(w[2], wl[2]);
	ok = cx_number(num, 0, 1000000, &cap) == 0;
	free(num);
	if (!ok) {
		cx_seterr(err, "capacity \"%.*s\" is not a number", (int)wl[2],
		    w[2]);
		return -1;
	}
	if (!(wl[3] == 2 && memcmp(w[3], "on", 2) == 0) &&
	    !(wl[3] == 3 && memcmp(w[3], "off", 3) == 0)) {
		cx_seterr(err, "duty \"%.*s\": on or off", (int)wl[3], w[3]);
		return -1;
	}
	rt->a = cx_grow(rt->a, (size_t)rt->na, sizeof(*rt->a));
	a = &rt->a[rt->na++];
	a->name = cx_strndup(w[0], wl[0]);
	a->dept = cx_strndup(w[1], wl[1]);
	a->capacity = cap;
	a->on = wl[3] == 2;
	a->skills = cx_strndup(k > 4 ? w[4] : "", k > 4 ? (size_t)(end - w[4])
	    : 0);
	return 0;
}

static int
solution_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct cx_route *rt = arg;
	struct cx_solution *s;
	const char *colon, *p, *bar1, *bar2, *end = l + n, *f;
	size_t fn;

	(void)line;
	if ((colon = memchr(l, ':', n)) == NULL ||
	    (bar1 = memchr(colon, '|', (size_t)(end - colon))) == NULL ||
	    (bar2 = memchr(bar1 + 1, '|', (size_t)(end - bar1 - 1))) == NULL) {
		cx_seterr(err, "expected \"CODE: REMEDY | 中文 | English\"");
		return -1;
	}
	rt->s = cx_grow(rt->s, (size_t)rt->ns, sizeof(*rt->s));
	s = &rt->s[rt->ns++];
	f = l;
	fn = (size_t)(colon - l);
	cx_trim(&f, &fn);
	s->code = cx_strndup(f, fn);
	p = colon + 1;
	fn = (size_t)(bar1 - p);
	cx_trim(&p, &fn);
	s->remedy = cx_strndup(p, fn);
	p = bar1 + 1;
	fn = (size_t)(bar2 - p);
	cx_trim(&p, &fn);
	s->zh = cx_strndup(p, fn);
	p = bar2 + 1;
	fn = (size_t)(end - p);
	cx_trim(&p, &fn);
	s->en = cx_strndup(p, fn);
	if (s->remedy[0] == '\0') {
		cx_seterr(err, "no remedy");
		return -1;
	}
	return 0;
}

struct cx_route *
cx_route_load(const char *routing, const char *agents, const char *solutions,
    struct cx_err *err)
{
	struct cx_route *rt;

	rt = cx_alloc(sizeof(*rt));
	if (cx_conf_lines(routing, routing_line, rt, err) == -1 ||
	    cx_conf_lines(agents, agent_line, rt, err) == -1 ||
	    cx_conf_lines(solutions, solution_line, rt, err) == -1) {
		cx_route_free(rt);
		return NULL;
	}
	return rt;
}

/* The routing, agents and solutions of a spool (NULL: the shipped ones). */
struct cx_route *
cx_route_open(const char *spool, struct cx_err *err)
{
	static const char *const names[] = { "routing", "agents",
	    "solutions" };
	struct cx_route *rt = NULL;
	char *path[3] = { NULL, NULL, NULL };
	int i;

	for (i = 0; i < 3; i++)
		if ((path[i] = cx_conf_need(spool, names[i], err)) == NULL)
			goto out;
	rt = cx_route_load(path[0], path[1], path[2], err);
out:
	for (i = 0; i < 3; i++)
		free(path[i]);
	return rt;
}

struct lead {
	struct cx_buf	*b, tmp;
	const char	*dept;
};

static void
not_lead(void *arg, const char *v, size_t n)
{
	struct lead *l = arg;

	l->tmp.len = 0;
	if (cx_json_str(v, n, &l->tmp) == 0 && (l->tmp.len !=
	    strlen(l->dept) || memcmp(l->tmp.p, l->dept, l->tmp.len) != 0)) {
		cx_buf_addc(l->b, ',');
		cx_buf_add(l->b, v, n);
	}
}

int
cx_route_move(const struct cx_route *rt, struct cx_rec *r, const char *dept,
    const unsigned long *load)
{
	const struct cx_field *f;
	struct cx_buf b = { 0 };
	struct lead l = { &b, { 0 }, dept };
	const char *name;
	int a;

	cx_rec_set_str(r, "department", dept, strlen(dept));
	cx_buf_addc(&b, '[');
	cx_json_addstr(&b, dept, strlen(dept));
	if ((f = cx_rec_get(r, "departments")) != NULL)
		(void)cx_json_each(f->v, f->vlen, not_lead, &l);
	cx_buf_addc(&b, ']');
	cx_rec_set_raw(r, "departments", b.p, b.len);
	cx_buf_free(&b);
	cx_buf_free(&l.tmp);
	if ((a = cx_route_pick(rt, dept, load, 0, NULL, NULL)) >= 0) {
		name = rt->a[a].name;
		cx_rec_set_str(r, "assignee", name, strlen(name));
		cx_rec_set_str(r, "status", "assigned", 8);
	} else {
		cx_rec_del(r, "assignee");
		cx_rec_set_str(r, "status", "queued", 6);
	}
	return a;
}

void
cx_route_free(struct cx_route *rt)
{
	int i;

	if (rt == NULL)
		return;
	for (i = 0; i < rt->nl; i++) {
		cx_split_free(rt->l[i].match, rt->l[i].nmatch);
		cx_split_free(rt->l[i].dept, rt->l[i].ndept);
	}
	free(rt->l);
	for (i = 0; i < rt->na; i++) {
		free(rt->a[i].name);
		free(rt->a[i].dept);
		free(rt->a[i].skills);
	}
	free(rt->a);
	for (i = 0; i < rt->ns; i++) {
		free(rt->s[i].code);
		free(rt->s[i].remedy);
		free(rt->s[i].zh);
		free(rt->s[i].en);
	}
	free(rt->s);
	free(rt);
}

static int
one_of(char **v, int n, const char *s)
{
	int i;

	for (i = 0; s != NULL && i < n; i++)
		if (cx_streqi(v[i], strlen(v[i]), s, strlen(s)))
			return 1;
	return 0;
}

static void
add_dept(struct cx_routing *out, const char *d)
{
	int i;

	for (i = 0; i < out->ndept; i++)
		if (strcmp(out->dept[i], d) == 0)
			return;
	if (out->ndept < CX_MAXDEPT)
		out->dept[out->ndept++] = d;
}

/*
 * The departments of a ticket: the subcategory's line, else its
 * category's, else the default; then what its channel, region and
 * amount add.
 */
void
cx_route_departments(const struct cx_route *rt, const char *category,
    const char *subcategory, const char *channel, const char *region,
    const double *amount, struct cx_routing *out)
{
	const struct rline *base = NULL, *cat = NULL, *def = NULL;
	int i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < rt->nl; i++) {
		const struct rline *r = &rt->l[i];
		if (r->kind == R_DEFAULT && def == NULL)
			def = r;
		if (r->kind != R_CATEGORY)
			continue;
		if (base == NULL && one_of(r->match, r->nmatch, subcategory))
			base = r;
		if (cat == NULL && one_of(r->match, r->nmatch, category))
			cat = r;
	}
	if (base == NULL)
		base = cat != NULL ? cat : def;
	for (j = 0; base != NULL && j < base->ndept; j++)
		add_dept(out, base->dept[j]);
	for (i = 0; i < rt->nl; i++) {
		const struct rline *r = &rt->l[i];
		if ((r->kind == R_CHANNEL && one_of(r->match, r->nmatch,
		    channel)) || (r->kind == R_REGION && one_of(r->match,
		    r->nmatch, region)) || (r->kind == R_AMOUNT &&
		    amount != NULL && *amount > r->over))
			for (j = 0; j < r->ndept; j++)
				add_dept(out, r->dept[j]);
	}
}

const struct cx_agent *
cx_route_agent(const struct cx_route *rt, const char *name)
{
	int i;

	for (i = 0; name != NULL && i < rt->na; i++)
		if (strcmp(rt->a[i].name, name) == 0)
			return &rt->a[i];
	return NULL;
}

/* The index of an agent by name, or -1. */
int
cx_route_agent_index(const struct cx_route *rt, const char *name)
{
	const struct cx_agent *a = cx_route_agent(rt, name);

	return a != NULL ? (int)(a - rt->a) : -1;
}

int
cx_route_nagents(const struct cx_route *rt)
{
	return rt->na;
}

const struct cx_agent *
cx_route_agent_at(const struct cx_route *rt, int i)
{
	return i >= 0 && i < rt->na ? &rt->a[i] : NULL;
}

int
cx_agent_skill(const struct cx_agent *a, const char *skill)
{
	const char *p = a->skills;
	size_t n = skill ? strlen(skill) : 0;

	if (n == 0)
		return 1;
	for (; (p = strstr(p, skill)) != NULL; p += n)
		if ((p == a->skills || strchr(", \t", p[-1])) &&
		    (p[n] == '\0' || strchr(", \t", p[n])))
			return 1;
	return 0;
}

static int
eligible(const struct cx_route *rt, int i, const char *dept,
    const unsigned long *load, const char *skill)
{
	return strcmp(rt->a[i].dept, dept) == 0 && rt->a[i].on &&
	    load[i] < rt->a[i].capacity && cx_agent_skill(&rt->a[i], skill);
}

static int
pick(const struct cx_route *rt, const char *dept, const unsigned long *load,
    int rr, unsigned long *turn, const char *skill)
{
	int i, k, best = -1;

	if (rr) {
		for (k = 1; k <= rt->na; k++) {
			i = (int)((*turn + (unsigned long)k) %
			    (unsigned long)rt->na);
			if (eligible(rt, i, dept, load, skill)) {
				*turn = (unsigned long)i;
				return i;
			}
		}
		return -1;
	}
	for (i = 0; i < rt->na; i++)
		if (eligible(rt, i, dept, load, skill) &&
		    (best == -1 || load[i] < load[best]))
			best = i;
	return best;
}

/*
 * An agent of the department, on duty and under capacity: the least
 * loaded (ties to the earlier in the file), or with rr the next after
 * *turn in the file's order; one with the skill asked for (a language)
 * if there is one, else any.  load[i] counts agent i's open tickets.
 */
int
cx_route_pick(const struct cx_route *rt, const char *dept,
    const unsigned long *load, int rr, unsigned long *turn,
    const char *skill)
{
	int i;

	if (skill != NULL && (i = pick(rt, dept, load, rr, turn, skill)) != -1)
		return i;
	return pick(rt, dept, load, rr, turn, NULL);
}

const struct cx_solution *
cx_route_solution(const struct cx_route *rt, const char *category,
    const char *subcategory)
{
	int i;

	for (i = 0; subcategory != NULL && i < rt->ns; i++)
		if (strcmp(rt->s[i].code, subcategory) == 0)
			return &rt->s[i];
	for (i = 0; category != NULL && i < rt->ns; i++)
		if (strcmp(rt->s[i].code, category) == 0)
			return &rt->s[i];
	return NULL;
}
