/*
 * cx-route: the departments, the owner, the agent and the standard remedy
 * of each ticket, and whether its customer complains again and again.
 *
 * The departments come from the routing file, the first leading; the
 * agent from the lead department's agents on duty and under capacity, the
 * least loaded or in turn.  The owner is the agent who first received the
 * complaint (首问负责制): set once, from the intake record or the first
 * assignee, and never changed after; reassigning changes the assignee.
 *
 * Filter mode routes the records it reads, counting the load of this run.
 * Spool mode takes the batches in classified/ and files each ticket in
 * open/, one file each, the batches removed in the same commit; loads
 * count every open ticket.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"
#include "tool.h"

static const struct tool_opt opts[] = {
	{ 'b', "balance", "how", "how an agent is chosen: least (loaded), "
	    "or rr (in turn)" },
	{ 0, NULL, NULL, NULL }
};

static struct {
	struct tool		 t;
	struct cx_route		*rt;
	struct cx_spool		*sp;
	int			 rr;
	unsigned long		*load;		/* per agent */
	char			**tdept;	/* round-robin turns */
	unsigned long		*turn;
	size_t			 nturn;
	struct cx_repeat	*rep;		/* customers' complaints */
	unsigned long		 nrouted, nqueued, nclosed;
	struct cx_index		*index;		/* of open/ */
} G = {
	.t = {
		.name = "cx-route",
		.synopsis = "cx-route [-q] [-b how] [-s spool] [-z zone] "
		    "[--now time] [file ...]",
		.opts = opts,
		.flags = TOOL_SPOOL | TOOL_CLOCK,
	},
};

/* A ticket already in the spool: its agent's load, its customer's past. */
static void
count(const struct cx_rec *r, int open, struct cx_buf *tmp)
{
	int i;

	if (open && cx_rec_getstr(r, "assignee", tmp) == 0 &&
	    (i = cx_route_agent_index(G.rt, tmp->p)) >= 0)
		G.load[i]++;
	cx_repeat_note(G.rep, r);
}

static void
keep_flag(void *arg, const char *v, size_t n)
{
	struct cx_buf *f = arg;

	if ((n == 8 && memcmp(v, "\"repeat\"", 8) == 0) ||
	    (n == 8 && memcmp(v, "\"review\"", 8) == 0))
		return;
	cx_buf_addc(f, ',');
	cx_buf_add(f, v, n);
}

static unsigned long *
turn_of(const char *dept)
{
	size_t i;

	for (i = 0; i < G.nturn; i++)
		if (strcmp(G.tdept[i], dept) == 0)
			return &G.turn[i];
	G.tdept = cx_grow(G.tdept, G.nturn, sizeof(*G.tdept));
	G.turn = cx_grow(G.turn, G.nturn, sizeof(*G.turn));
	G.tdept[G.nturn] = cx_strndup(dept, strlen(dept));
	G.turn[G.nturn] = (unsigned long)-1;
	return &G.turn[G.nturn++];
}

/* The language the customer wrote in, a skill agents list: zh or en. */
static const char *
language(const struct cx_rec *r)
{
	struct cx_buf s = { 0 };
	const char *lang = NULL;
	size_t i;

	if (cx_rec_getstr(r, "text", &s) == 0 ||
	    cx_rec_getstr(r, "subject", &s) == 0) {
		lang = "en";
		for (i = 0; i + 2 < s.len; i++)
			if ((unsigned char)s.p[i] >= 0xe3 &&
			    (unsigned char)s.p[i] <= 0xe9) {
				lang = "zh";	/* a CJK character */
				break;
			}
	}
	cx_buf_free(&s);
	return lang;
}

/* The agent: the one it has if still good, else one of the lead's. */
static const struct cx_agent *
assign(const struct cx_rec *r, const struct cx_routing *rt)
{
	struct cx_buf s = { 0 };
	const struct cx_agent *a = NULL;
	int i, k;

	if (cx_rec_getstr(r, "assignee", &s) == 0 &&
	    (a = cx_route_agent(G.rt, cx_buf_str(&s))) != NULL && a->on) {
		for (k = 0; k < rt->ndept && strcmp(rt->dept[k], a->dept); k++)
			;
		if (k == rt->ndept)
			a = NULL;	/* of no department it now concerns */
	} else
		a = NULL;
	cx_buf_free(&s);
	if (a != NULL) {
		G.load[cx_route_agent_index(G.rt, a->name)]++;
		return a;
	}
	if (rt->ndept == 0 || (i = cx_route_pick(G.rt, rt->dept[0], G.load,
	    G.rr, turn_of(rt->dept[0]), language(r))) == -1)
		return NULL;
	G.load[i]++;
	return cx_route_agent_at(G.rt, i);
}

static void
set_str(struct cx_rec *r, const char *key, const char *s)
{
	cx_rec_set_str(r, key, s, strlen(s));
}

static int
closed(const struct cx_rec *r)
{
	struct cx_buf s = { 0 };
	int yes;

	yes = cx_rec_getstr(r, "status", &s) == 0 &&
	    strcmp(cx_buf_str(&s), "closed") == 0;
	cx_buf_free(&s);
	return yes;
}

static void
route(struct cx_rec *r)
{
	struct cx_buf s = { 0 }, cat = { 0 }, sub = { 0 }, ch = { 0 };
	struct cx_buf reg = { 0 }, b = { 0 }, f = { 0 };
	const struct cx_solution *sol;
	const struct cx_field *fl;
	const struct cx_agent *a;
	struct cx_routing rt;
	const char *v;
	double amount;
	size_t n;
	int i, has_amount;

	cx_rec_getstr(r, "category", &cat);
	cx_rec_getstr(r, "subcategory", &sub);
	cx_rec_getstr(r, "channel", &ch);
	cx_rec_getstr(r, "region", &reg);
	has_amount = cx_json_path(r, "amount", &v, &n) == 0 &&
	    cx_json_type(v, n) == CX_J_NUM;
	amount = has_amount ? strtod(v, NULL) : 0;
	cx_route_departments(G.rt, cx_buf_str(&cat), cx_buf_str(&sub),
	    cx_buf_str(&ch), cx_buf_str(&reg), has_amount ? &amount : NULL,
	    &rt);
	cx_buf_addc(&b, '[');
	for (i = 0; i < rt.ndept; i++) {
		if (i > 0)
			cx_buf_addc(&b, ',');
		cx_json_addstr(&b, rt.dept[i], strlen(rt.dept[i]));
	}
	cx_buf_addc(&b, ']');
	if (rt.ndept > 0)
		set_str(r, "department", rt.dept[0]);
	else
		cx_rec_del(r, "department");
	cx_rec_set_raw(r, "departments", b.p, b.len);
	/* A ticket imported closed is counted, for repeats and reports, and
	 * filed: nobody is to work it. */
	if (closed(r)) {
		cx_repeat_note(G.rep, r);
		G.nclosed++;
		goto out;
	}
	a = assign(r, &rt);
	if (a != NULL)
		set_str(r, "assignee", a->name);
	else
		cx_rec_del(r, "assignee");
	/* The owner is set once: who received it, else its first agent. */
	if (cx_rec_getstr(r, "owner", &s) == -1 || s.len == 0) {
		if (cx_rec_getstr(r, "received_by", &s) == 0 && s.len > 0)
			set_str(r, "owner", cx_buf_str(&s));
		else if (a != NULL)
			set_str(r, "owner", a->name);
	}
	if ((sol = cx_route_solution(G.rt, cx_buf_str(&cat),
	    cx_buf_str(&sub))) != NULL) {
		b.len = 0;
		cx_buf_adds(&b, "{\"remedy\":");
		cx_json_addstr(&b, sol->remedy, strlen(sol->remedy));
		cx_buf_adds(&b, ",\"reply\":{\"zh\":");
		cx_json_addstr(&b, sol->zh, strlen(sol->zh));
		cx_buf_adds(&b, ",\"en\":");
		cx_json_addstr(&b, sol->en, strlen(sol->en));
		cx_buf_adds(&b, "}}");
		cx_rec_set_raw(r, "solution", b.p, b.len);
	}
	/* Flags others set are kept; repeat and review are this run's. */
	if ((fl = cx_rec_get(r, "flags")) != NULL)
		(void)cx_json_each(fl->v, fl->vlen, keep_flag, &f);
	cx_repeat_flags(G.rep, r, &f);
	if (f.len > 0) {
		f.p[0] = '[';
		cx_buf_addc(&f, ']');
		cx_rec_set_raw(r, "flags", f.p, f.len);
	} else
		cx_rec_del(r, "flags");
	set_str(r, "status", a != NULL ? "assigned" : "queued");
	b.len = 0;
	cx_hist_begin(&b, G.t.nowtext, "cx-route", "routed");
	if (rt.ndept > 0) {
		cx_buf_adds(&b, ",\"department\":");
		cx_json_addstr(&b, rt.dept[0], strlen(rt.dept[0]));
	}
	if (a != NULL) {
		cx_buf_adds(&b, ",\"assignee\":");
		cx_json_addstr(&b, a->name, strlen(a->name));
	}
	cx_buf_addc(&b, '}');
	cx_rec_append(r, "history", b.p, b.len);
	G.nrouted++;
	if (a == NULL)
		G.nqueued++;
out:
	cx_buf_free(&s);
	cx_buf_free(&cat);
	cx_buf_free(&sub);
	cx_buf_free(&ch);
	cx_buf_free(&reg);
	cx_buf_free(&b);
	cx_buf_free(&f);
}

static void
filter_line(void *arg, const char *file, unsigned long lineno,
    const char *line, size_t n, struct cx_buf *out)
{
	struct cx_rec *r = arg;
	struct cx_err e;

	if (cx_rec_parse(r, line, n, &e, NULL) == -1) {
		tool_bad(&G.t, file, lineno, e.msg, "passed through unrouted");
		cx_buf_add(out, line, n);
		cx_buf_addc(out, '\n');
		return;
	}
	/* A follow-up is no ticket of its own: it goes through. */
	if (cx_rec_get(r, "followup_of") == NULL)
		route(r);
	cx_rec_write(r, out);
}

/* Every ticket of a spool directory, one file each, counted. */
static void
count_dir(const char *dir, int open)
{
	struct cx_buf b = { 0 }, tmp = { 0 };
	struct cx_rec r = { 0 };
	struct cx_err e;
	char **names;
	size_t i;

	if ((names = cx_spool_list(G.sp, dir, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; names[i] != NULL; i++)
		switch (cx_spool_ticket(G.sp, dir, names[i], &b, &r, &e)) {
		case -1:
			errx(CX_EXIT_ERR, "%s", e.msg);
		case 1:
			warnx("%s; not counted", e.msg);
			G.t.nbad++;
			break;
		default:
			count(&r, open, &tmp);	/* r borrows b */
			if (open)
				cx_index_set(G.index, names[i], &r);
		}
	cx_spool_list_free(names);
	cx_rec_free(&r);
	cx_buf_free(&b);
	cx_buf_free(&tmp);
}

/*
 * A ticket already in open/ is left as it is there: a follow-up or a
 * correction may have changed it since.  (A spool of version 1 could hold
 * one there and in a batch, from a run of cx-route that died.)  Round
 * robin goes on after its agent, as if this run had picked it.
 */
static int
already_open(const char *id)
{
	struct cx_buf b = { 0 }, s = { 0 };
	struct cx_rec o = { 0 };
	struct cx_err e;
	int i, r = 1;

	switch (cx_spool_has(G.sp, "open", id, &e)) {
	case -1:
		errx(CX_EXIT_ERR, "%s", e.msg);
	case 0:
		return 0;
	}
	if (G.rr && (r = cx_spool_ticket(G.sp, "open", id, &b, &o, &e)) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (G.rr && r == 0 && cx_rec_getstr(&o, "assignee", &s) == 0 &&
	    (i = cx_route_agent_index(G.rt, s.p)) >= 0)
		*turn_of(cx_route_agent_at(G.rt, i)->dept) = (unsigned long)i;
	cx_rec_free(&o);
	cx_buf_free(&b);
	cx_buf_free(&s);
	return 1;
}

/* Whether every line of a batch is a ticket with an id this spool can
 * file; its first line that is not, or 0. */
static unsigned long
batch_bad(const struct cx_buf *in)
{
	struct cx_buf id = { 0 };
	struct cx_rec r = { 0 };
	const char *p, *end, *l;
	unsigned long lineno = 0, bad = 0;
	size_t n;

	for (p = in->p, end = p + in->len; !bad && cx_line(&p, end, &l, &n);)
		if (++lineno, n > 0 && (cx_rec_parse(&r, l, n, NULL, NULL) ==
		    -1 || cx_rec_getstr(&r, "id", &id) == -1 ||
		    !cx_spool_name_ok(cx_buf_str(&id))))
			bad = lineno;
	cx_rec_free(&r);
	cx_buf_free(&id);
	return bad;
}

/*
 * A batch, with the follow-ups journaled for its tickets (names: the
 * listing of classified/): each ticket into open/, the batch and its
 * journals out of classified/.
 */
static void
route_batch(const char *name, char *const *names)
{
	struct cx_buf in = { 0 }, out = { 0 }, id = { 0 }, label = { 0 };
	struct cx_joins *js;
	struct cx_rec r = { 0 };
	struct cx_err e;
	const char *p, *end, *l;
	unsigned long bad;
	size_t n;

	if ((js = cx_joins_load(G.sp, "classified", name, names, &e)) ==
	    NULL || cx_joins_read(G.sp, "classified", name, js, &in, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (cx_joins_check(js, G.sp, name, &e) == -1) {
		warnx("%s; batch left in classified/", e.msg);
		G.t.nbad++;
		goto out;
	}
	if ((bad = batch_bad(&in)) > 0) {
		cx_buf_printf(&label, "%s/classified/%s", cx_spool_path(G.sp),
		    name);
		tool_bad(&G.t, cx_buf_str(&label), bad, "not a ticket with an id",
		    "batch left in classified/");
		goto out;
	}
	for (p = in.p, end = p + in.len; cx_line(&p, end, &l, &n);) {
		if (n == 0)
			continue;
		(void)cx_rec_parse(&r, l, n, NULL, NULL);
		(void)cx_rec_getstr(&r, "id", &id);
		if (already_open(cx_buf_str(&id)))
			continue;
		route(&r);
		out.len = 0;
		cx_rec_write(&r, &out);
		if (cx_spool_stage(G.sp, closed(&r) ? "closed" : "open", id.p,
		    out.p, out.len, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		cx_index_set(G.index, id.p, closed(&r) ? NULL : &r);
	}
	if (cx_spool_remove(G.sp, "classified", name, &e) == -1 ||
	    cx_joins_remove(js, G.sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
out:
	cx_joins_free(js);
	cx_rec_free(&r);
	cx_buf_free(&in);
	cx_buf_free(&out);
	cx_buf_free(&id);
	cx_buf_free(&label);
}

/* The round-robin turns of each department, kept in the spool. */
static void
turns_load(void)
{
	struct cx_buf b = { 0 };
	struct cx_err e;
	const char *p, *nl, *end, *sp;
	char *num;
	size_t v;

	/* None yet is every turn at its start; one unreadable is an error,
	 * not a start again. */
	if (cx_spool_read(G.sp, ".", "route-state", &b, &e) == -1) {
		if (errno != ENOENT)
			errx(CX_EXIT_ERR, "%s", e.msg);
		return;
	}
	for (p = b.p, end = b.p + b.len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((sp = memchr(p, ' ', (size_t)(nl - p))) == NULL)
			continue;
		num = cx_strndup(p, (size_t)(sp - p));
		if (cx_number(num, 0, 1000000, &v) == 0) {
			char *d = cx_strndup(sp + 1, (size_t)(nl - sp - 1));
			*turn_of(d) = (unsigned long)v;
			free(d);
		}
		free(num);
	}
	cx_buf_free(&b);
}

static void
turns_save(void)
{
	struct cx_buf b = { 0 };
	struct cx_err e;
	size_t i;

	for (i = 0; i < G.nturn; i++)
		if (G.turn[i] != (unsigned long)-1)
			cx_buf_printf(&b, "%lu %s\n", G.turn[i], G.tdept[i]);
	if (cx_spool_stage(G.sp, ".", "route-state", b.p, b.len, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_buf_free(&b);
}

static void
spool(void)
{
	struct cx_err e;
	char **names;
	size_t i;
	int exists;

	if (cx_spool_begin(&G.sp, G.t.spool, 0, &e) == -1 ||
	    (G.index = cx_index_load(G.sp, &exists, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	/* Every open ticket is read for the loads: the index is made anew. */
	cx_index_sweep_begin(G.index);
	count_dir("open", 1);
	count_dir("closed", 0);
	turns_load();
	if ((names = cx_spool_list(G.sp, "classified", &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; names[i] != NULL; i++)
		if (!cx_joins_file(names[i], NULL))	/* with its batch */
			route_batch(names[i], names);
	cx_spool_list_free(names);
	cx_index_sweep_end(G.index);
	if (G.rr && cx_spool_pending(G.sp) > 0)
		turns_save();
	if (cx_spool_pending(G.sp) > 0 && cx_index_stage(G.index, G.sp,
	    &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_index_free(G.index);
	if (cx_spool_commit(G.sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_spool_end(G.sp);
}

static void
setup(void)
{
	size_t count, days, review;
	struct cx_err e;

	tool_clock(&G.t);
	if ((G.rt = cx_route_open(G.t.spool, &e)) == NULL ||
	    cx_setting_number(G.t.spool, "repeat_count", 3, 0, 1000,
	    &count, &e) == -1 ||
	    cx_setting_number(G.t.spool, "repeat_days", 30, 0, 3650,
	    &days, &e) == -1 ||
	    cx_setting_number(G.t.spool, "review_unfounded", 2, 0, 1000,
	    &review, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	G.rep = cx_repeat_new(count, days, review);
	G.load = cx_alloc(((size_t)cx_route_nagents(G.rt) + 1) *
	    sizeof(*G.load));
}

int
main(int argc, char *argv[])
{
	struct cx_rec r = { 0 };
	size_t i;
	int ch, status;

	while ((ch = tool_getopt(&G.t, argc, argv)) != -1) {
		switch (ch) {
		case 'b':
			if (strcmp(optarg, "least") == 0)
				G.rr = 0;
			else if (strcmp(optarg, "rr") == 0)
				G.rr = 1;
			else
				errx(CX_EXIT_ERR, "-b: least or rr, not \"%s\"",
				    optarg);
			break;
		}
	}
	argc -= optind;
	argv += optind;
	tool_operands(&G.t, argc);
	setup();
	if (G.t.spool != NULL)
		spool();
	else
		tool_filter(&G.t, argc, argv, filter_line, &r);
	status = tool_exit(&G.t, "%lu routed, %lu queued without an agent, "
	    "%lu filed closed, %lu unread", G.nrouted, G.nqueued, G.nclosed,
	    G.t.nbad);
	cx_rec_free(&r);
	cx_repeat_free(G.rep);
	for (i = 0; i < G.nturn; i++)
		free(G.tdept[i]);
	free(G.tdept);
	free(G.turn);
	free(G.load);
	cx_route_free(G.rt);
	return status;
}
