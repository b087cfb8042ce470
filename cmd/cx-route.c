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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"

struct customer {
	time_t	*t;			/* when each complaint came */
	uint64_t *id;			/* which ticket it is (a hash) */
	size_t	 n, cap;
	size_t	 unfounded;		/* closed as unfounded */
};

static struct {
	struct cx_route		*rt;
	struct cx_spool		*sp;
	const char		*spool;
	int			 rr, quiet;
	unsigned long		*load;		/* per agent */
	char			**tdept;	/* round-robin turns */
	unsigned long		*turn;
	size_t			 nturn;
	struct cx_keyset	 ckeys;		/* customer to index */
	struct customer		*cust;
	size_t			 ncust;
	size_t			 repeat_n, repeat_days, review_n;
	char			 nowtext[CX_NOWTEXT];
	struct cx_buf		 out;
	unsigned long		 nrouted, nqueued, nbad;
} G;

static void
usage(void)
{
	fprintf(stderr, "usage: cx-route [-q] [-p policy] [-s spool] "
	    "[--now time] [file ...]\n");
	exit(CX_EXIT_ERR);
}

/* What names a customer, as cx-ingest tells follow-ups: id, phone, email. */
static int
customer_key(const struct cx_rec *r, struct cx_key *k)
{
	static const char *paths[] = { "customer.id", "customer.phone",
	    "customer.email" };
	struct cx_buf s = { 0 };
	size_t i;

	for (i = 0; i < 3; i++)
		if (cx_rec_getstr(r, paths[i], &s) == 0 && s.len > 0) {
			cx_buf_addc(&s, (int)i);
			*k = cx_key_of(s.p, s.len);
			cx_buf_free(&s);
			return 0;
		}
	cx_buf_free(&s);
	return -1;
}

static struct customer *
customer(const struct cx_rec *r)
{
	struct cx_key k;
	uint32_t i;

	if (customer_key(r, &k) == -1)
		return NULL;
	if (!cx_keyset_get(&G.ckeys, k, &i)) {
		G.cust = cx_realloc(G.cust, (G.ncust + 1) * sizeof(*G.cust));
		memset(&G.cust[G.ncust], 0, sizeof(G.cust[0]));
		i = (uint32_t)G.ncust++;
		cx_keyset_put(&G.ckeys, k, i, NULL);
	}
	return &G.cust[i];
}

static time_t
received(const struct cx_rec *r)
{
	struct cx_buf s = { 0 };
	time_t t = cx_now();

	if (cx_rec_getstr(r, "received_at", &s) == 0)
		(void)cx_time_parse(s.p, s.len, &t, NULL);
	cx_buf_free(&s);
	return t;
}

/* A ticket's id as a number, to tell it from the customer's others. */
static uint64_t
id_of(const struct cx_rec *r)
{
	struct cx_buf s = { 0 };
	uint64_t h = 0;

	if (cx_rec_getstr(r, "id", &s) == 0)
		h = cx_key_of(s.p, s.len).h[0];
	cx_buf_free(&s);
	return h;
}

static void
remember(struct customer *c, time_t t, uint64_t id)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 4;
		c->t = cx_realloc(c->t, c->cap * sizeof(*c->t));
		c->id = cx_realloc(c->id, c->cap * sizeof(*c->id));
	}
	c->t[c->n] = t;
	c->id[c->n++] = id;
}

/* A ticket already in the spool: its agent's load, its customer's past. */
static void
count(const struct cx_rec *r, int open)
{
	struct cx_buf s = { 0 };
	const struct cx_agent *a;
	struct customer *c;
	int i;

	if (open && cx_rec_getstr(r, "assignee", &s) == 0 &&
	    (a = cx_route_agent(G.rt, cx_buf_str(&s))) != NULL)
		for (i = 0; i < cx_route_nagents(G.rt); i++)
			if (cx_route_agent_at(G.rt, i) == a)
				G.load[i]++;
	if ((c = customer(r)) != NULL) {
		remember(c, received(r), id_of(r));
		if (cx_rec_getstr(r, "resolution.code", &s) == 0 &&
		    strcmp(cx_buf_str(&s), "unfounded") == 0)
			c->unfounded++;
	}
	cx_buf_free(&s);
}

/* repeat: N complaints in M days, this one included; review: unfounded. */
static void
flags(const struct cx_rec *r, struct cx_buf *f)
{
	struct customer *c;
	time_t t = received(r);
	uint64_t id = id_of(r);
	size_t i, n = 0;

	if ((c = customer(r)) == NULL)
		return;
	/* Not counting the ticket itself, filed by a run that died. */
	for (i = 0; i < c->n; i++)
		if (c->t[i] <= t && t - c->t[i] <= (time_t)G.repeat_days *
		    86400 && (id == 0 || c->id[i] != id))
			n++;
	if (n + 1 >= G.repeat_n)
		cx_buf_adds(f, ",\"repeat\"");
	if (G.review_n > 0 && c->unfounded >= G.review_n)
		cx_buf_adds(f, ",\"review\"");
	remember(c, t, id);
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
	G.tdept = cx_realloc(G.tdept, (G.nturn + 1) * sizeof(*G.tdept));
	G.turn = cx_realloc(G.turn, (G.nturn + 1) * sizeof(*G.turn));
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
		for (i = 0; i < cx_route_nagents(G.rt); i++)
			if (cx_route_agent_at(G.rt, i) == a)
				G.load[i]++;
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
	flags(r, &f);
	if (f.len > 0) {
		f.p[0] = '[';
		cx_buf_addc(&f, ']');
		cx_rec_set_raw(r, "flags", f.p, f.len);
	} else
		cx_rec_del(r, "flags");
	set_str(r, "status", a != NULL ? "assigned" : "queued");
	b.len = 0;
	cx_buf_adds(&b, "{\"at\":");
	cx_buf_adds(&b, G.nowtext);
	cx_buf_adds(&b, ",\"by\":\"cx-route\",\"action\":\"routed\"");
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
		warnx("%s:%lu: %s; passed through unrouted", file, lineno,
		    e.msg);
		G.nbad++;
		cx_buf_add(out, line, n);
		cx_buf_addc(out, '\n');
		return;
	}
	/* A follow-up is no ticket of its own: it goes through. */
	if (cx_rec_get(r, "followup_of") == NULL)
		route(r);
	cx_rec_write(r, out);
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

/* Every ticket of a spool directory, one file each, counted. */
static void
count_dir(const char *dir, int open)
{
	struct cx_buf b = { 0 };
	struct cx_rec r = { 0 };
	struct cx_err e;
	char **names;
	size_t i;

	if ((names = cx_spool_list(G.sp, dir, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; names[i] != NULL; i++) {
		b.len = 0;
		if (cx_spool_read(G.sp, dir, names[i], &b, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		while (b.len > 0 && b.p[b.len - 1] == '\n')
			b.len--;
		if (cx_rec_parse(&r, b.p ? b.p : "", b.len, &e, NULL) == -1)
			warnx("%s/%s/%s: %s", cx_spool_path(G.sp), dir, names[i], e.msg);
		else
			count(&r, open);
	}
	cx_spool_list_free(names);
	cx_rec_free(&r);
	cx_buf_free(&b);
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
	const struct cx_agent *a;
	int found = 0, i;

	if (cx_spool_read(G.sp, "open", id, &b, NULL) == 0) {
		found = 1;
		while (b.len > 0 && b.p[b.len - 1] == '\n')
			b.len--;
		if (G.rr && cx_rec_parse(&o, b.p, b.len, NULL, NULL) == 0 &&
		    cx_rec_getstr(&o, "assignee", &s) == 0 &&
		    (a = cx_route_agent(G.rt, cx_buf_str(&s))) != NULL)
			for (i = 0; i < cx_route_nagents(G.rt); i++)
				if (cx_route_agent_at(G.rt, i) == a)
					*turn_of(a->dept) = (unsigned long)i;
	}
	cx_rec_free(&o);
	cx_buf_free(&b);
	cx_buf_free(&s);
	return found;
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
		    -1 || cx_rec_getstr(&r, "id", &id) == -1 || id.len == 0 ||
		    memchr(id.p, '/', id.len) != NULL || id.p[0] == '.'))
			bad = lineno;
	cx_rec_free(&r);
	cx_buf_free(&id);
	return bad;
}

/* A batch: each ticket into open/, the batch out of classified/. */
static void
route_batch(const char *name)
{
	struct cx_buf in = { 0 }, out = { 0 }, id = { 0 };
	struct cx_rec r = { 0 };
	struct cx_err e;
	const char *p, *end, *l;
	unsigned long bad;
	size_t n;

	if (cx_spool_read(G.sp, "classified", name, &in, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if ((bad = batch_bad(&in)) > 0) {
		warnx("%s/classified/%s:%lu: not a ticket with an id; batch left "
		    "in classified/", cx_spool_path(G.sp), name, bad);
		G.nbad++;
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
		if (cx_spool_stage(G.sp, "open", id.p, out.p, out.len, &e) ==
		    -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	}
	if (cx_spool_remove(G.sp, "classified", name, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
out:
	cx_rec_free(&r);
	cx_buf_free(&in);
	cx_buf_free(&out);
	cx_buf_free(&id);
}

/* The round-robin turns of each department, kept in the spool. */
static void
turns_load(void)
{
	struct cx_buf b = { 0 };
	const char *p, *nl, *end, *sp;
	char *num;
	size_t v;

	if (cx_spool_read(G.sp, ".", "route-state", &b, NULL) == -1)
		return;
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

	if (cx_spool_begin(&G.sp, G.spool, 0, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	count_dir("open", 1);
	count_dir("closed", 0);
	turns_load();
	if ((names = cx_spool_list(G.sp, "classified", &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; names[i] != NULL; i++)
		route_batch(names[i]);
	cx_spool_list_free(names);
	if (G.rr && cx_spool_pending(G.sp) > 0)
		turns_save();
	if (cx_spool_commit(G.sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_spool_end(G.sp);
}

static void
setup(const char *now)
{
	struct cx_err e;
	char *routing = NULL, *agents = NULL, *solutions = NULL;

	if (cx_clock_setup(G.spool, NULL, now, G.nowtext, &e) == -1 ||
	    (routing = cx_conf_need(G.spool, "routing", &e)) == NULL ||
	    (agents = cx_conf_need(G.spool, "agents", &e)) == NULL ||
	    (solutions = cx_conf_need(G.spool, "solutions", &e)) == NULL ||
	    (G.rt = cx_route_load(routing, agents, solutions, &e)) == NULL ||
	    cx_setting_number(G.spool, "repeat_count", 3, 0, 1000,
	    &G.repeat_n, &e) == -1 ||
	    cx_setting_number(G.spool, "repeat_days", 30, 0, 3650,
	    &G.repeat_days, &e) == -1 ||
	    cx_setting_number(G.spool, "review_unfounded", 2, 0, 1000,
	    &G.review_n, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(routing);
	free(agents);
	free(solutions);
	G.load = cx_alloc(((size_t)cx_route_nagents(G.rt) + 1) *
	    sizeof(*G.load));
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "now", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	const char *now = NULL;
	size_t i;
	char opt[3];
	int ch, k;

	G.spool = cx_spool_env();
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":p:qs:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'N':
			now = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "least") == 0)
				G.rr = 0;
			else if (strcmp(optarg, "rr") == 0)
				G.rr = 1;
			else
				errx(CX_EXIT_ERR, "-p: least or rr, not \"%s\"",
				    optarg);
			break;
		case 'q':
			G.quiet = 1;
			break;
		case 's':
			G.spool = optarg;
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
	if (G.spool != NULL)
		spool();
	else if (argc == 0)
		filter("-");
	for (k = 0; k < argc; k++)
		filter(argv[k]);
	if (G.out.len > 0 && cx_write_all(STDOUT_FILENO, G.out.p, G.out.len)
	    == -1)
		err(CX_EXIT_ERR, "stdout");
	if (!G.quiet && G.spool != NULL)
		fprintf(stderr, "cx-route: %lu routed, %lu queued without an "
		    "agent\n", G.nrouted, G.nqueued);
	for (i = 0; i < G.ncust; i++) {
		free(G.cust[i].t);
		free(G.cust[i].id);
	}
	free(G.cust);
	cx_keyset_free(&G.ckeys);
	for (i = 0; i < G.nturn; i++)
		free(G.tdept[i]);
	free(G.tdept);
	free(G.turn);
	free(G.load);
	cx_route_free(G.rt);
	cx_buf_free(&G.out);
	return G.nbad > 0 ? CX_EXIT_NO : CX_EXIT_OK;
}
