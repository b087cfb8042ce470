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
 * again.  The library's sweep (lib/sweep.c) says what is due on a ticket;
 * this tool decides when to say it (an alert for a ticket that is not
 * urgent waits for working time) and has it applied once.
 *
 * Spool mode sweeps open/ under the spool lock and commits the changed
 * tickets and the alerts (outbox/) in one transaction, so a crash leaves
 * either all of a sweep or none of it.  A rung that hands a ticket to
 * another desk needs every agent's load, so such a ticket waits until
 * every other has been swept.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"
#include "tool.h"

enum { SAME, CHANGED, DEFER, UNTIMED };

static const struct tool_opt opts[] = {
	{ 'A', "alerts", "alerts", "also write the alerts to this file" },
	{ 'E', "explain", NULL, "how each clock was counted, for the tickets "
	    "of -i" },
	{ 'i', "id", "id", "the ticket -E explains; may be repeated" },
	{ 'n', "dry-run", NULL, "say what a sweep would do; change nothing" },
	{ 'P', "policy", "policy", "the policy file, not the spool's or the "
	    "shipped one" },
	{ 'x', "extend", "extension", "force majeure: a line of the extensions "
	    "file, kept in the spool" },
	{ 0, NULL, NULL, NULL }
};

/* A ticket's work space, reused from ticket to ticket. */
struct work {
	struct cx_sla_ticket	*tk;
	struct cx_rec		 r;
	struct cx_buf		 text, path, out;
};

/* What the sweeps of a run added up to. */
struct totals {
	unsigned long	 seen, changed, warn, breach, esc, held, open, found;
	unsigned long	 history;
	int		 missing[64];	/* calendar years with no holidays */
	size_t		 nmissing;
};

static struct {
	struct tool		 t;
	struct cx_sla_policy	*pol;
	struct cx_route		*rt;
	struct cx_sla_run	*run;
	struct cx_spool		*sp;
	struct cx_index		*index;		/* of open/ */
	const char		*extend;	/* -x */
	char			*extpath;	/* the extensions in force */
	struct tool_ids		 ids;		/* -i */
	int			 explain, dry;
	FILE			*alertf;	/* -A */
	const char		*alertpath;
	struct cx_buf		 alerts;	/* not yet written or staged */
	struct cx_buf		 parts;		/* staged, NUL-separated */
	int			 nparts;
	struct totals		 sum;
} G = {
	.t = {
		.name = "cx-sla",
		.synopsis = "cx-sla [-Enq] [-A alerts] [-i id] [-P policy] "
		    "[-s spool] [-x extension]\n"
		    "              [-z zone] [--now time] [file ...]",
		.opts = opts,
		.flags = TOOL_SPOOL | TOOL_CLOCK,
	},
};

/* What becomes of a ticket that cannot be timed. */
static const char *
kept(void)
{
	return G.t.spool != NULL ? "left as it is" : "passed through";
}

static void
note_missing(const int *years, size_t n)
{
	struct totals *s = &G.sum;
	size_t i, k;

	for (k = 0; k < n; k++) {
		for (i = 0; i < s->nmissing && s->missing[i] != years[k]; i++)
			;
		if (i < s->nmissing || s->nmissing == 64)
			continue;
		for (i = s->nmissing++; i > 0 && s->missing[i - 1] > years[k];
		    i--)
			s->missing[i] = s->missing[i - 1];
		s->missing[i] = years[k];
	}
}

/* What a ticket's sweep made, added to the run's. */
static void
take(struct cx_sla_ticket *tk, int held, int changed)
{
	const struct cx_sla_swept *sw = cx_sla_swept(tk);
	struct totals *s = &G.sum;

	s->seen++;
	s->changed += changed;
	s->warn += sw->nwarn;
	s->breach += sw->nbreach;
	s->esc += sw->nesc;
	s->held += held;
	s->open += sw->inbreach;
	s->history += sw->history;
	note_missing(sw->missing, sw->nmissing);
	cx_buf_add(&G.alerts, sw->alerts.p, sw->alerts.len);
	cx_sla_count_load(G.run, tk);
}

/*
 * One ticket: SAME, CHANGED, DEFER (a rung must wait for the loads) or
 * UNTIMED.  Until it is taken, all it made is the ticket's.
 */
static int
sweep(struct cx_sla_ticket *tk, struct cx_rec *r, const char *file,
    unsigned long line)
{
	struct cx_err e;
	int pass, rc, held = 0, changed;

	rc = cx_sla_ticket_open(G.run, tk, r, &e);
	for (pass = 0; rc == 0 && pass < 4; pass++) {
		if ((rc = cx_sla_due(G.run, tk)) == -1)
			return DEFER;
		if (rc == 1 && (held = cx_sla_held(G.run, tk)))
			rc = 0;
		if (rc == 1 && (rc = cx_sla_apply(G.run, tk, &e)) == 1)
			rc = 0;		/* moved: look again */
		else if (rc >= 0)
			break;
	}
	if (rc == -2)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (rc == -1) {
		tool_bad(&G.t, file, line, e.msg, kept());
		return UNTIMED;
	}
	changed = cx_sla_ticket_close(G.run, tk);
	take(tk, held, changed);
	return changed ? CHANGED : SAME;
}

/* How each clock of a ticket was counted, on the standard output. */
static void
explain(struct cx_sla_ticket *tk, struct cx_rec *r, const char *file,
    unsigned long line)
{
	const struct cx_sla_swept *sw = cx_sla_swept(tk);
	struct cx_err e;

	switch (cx_sla_explain(G.run, tk, r, &G.t.out, &e)) {
	case -2:
		errx(CX_EXIT_ERR, "%s", e.msg);
	case -1:
		tool_bad(&G.t, file, line, e.msg, "left out");
		break;
	default:
		G.sum.found++;
	}
	note_missing(sw->missing, sw->nmissing);
	tool_flush(&G.t);
}

static void
write_alerts(void)
{
	if (G.alertf != NULL && G.alerts.len > 0 && fwrite(G.alerts.p, 1,
	    G.alerts.len, G.alertf) != G.alerts.len)
		err(CX_EXIT_ERR, "%s", G.alertpath);
	G.alerts.len = 0;
}

static void
filter_line(void *arg, const char *file, unsigned long lineno,
    const char *line, size_t n, struct cx_buf *out)
{
	struct work *w = arg;
	struct cx_err e;
	int s = UNTIMED;

	if (cx_rec_parse(&w->r, line, n, &e, NULL) == -1) {
		tool_bad(&G.t, file, lineno, e.msg, G.explain ? "left out" :
		    "passed through");
		if (G.explain)
			return;		/* the output is explanations only */
	} else if (G.explain) {
		/* A follow-up is no ticket of its own. */
		if (cx_rec_get(&w->r, "followup_of") == NULL &&
		    tool_ids_want(&G.ids, cx_rec_getstr(&w->r, "id",
		    &w->text) == 0 ? w->text.p : NULL))
			explain(w->tk, &w->r, file, lineno);
		return;
	} else if (cx_rec_get(&w->r, "followup_of") == NULL)
		s = sweep(w->tk, &w->r, file, lineno);
	if (s == SAME || s == CHANGED)
		cx_rec_write(&w->r, out);
	else {
		cx_buf_add(out, line, n);
		cx_buf_addc(out, '\n');
	}
	if (G.alerts.len > 65536)
		write_alerts();
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
	if (G.nparts++ > 0)
		cx_buf_printf(&name, "-%d", G.nparts);
	cx_buf_adds(&name, ".jsonl");
	if (cx_spool_stage(G.sp, "outbox", cx_buf_str(&name), G.alerts.p,
	    G.alerts.len, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_buf_add(&G.parts, name.p, name.len + 1);
	/* A dry run commits nothing: -A has what it would have said. */
	if (G.dry)
		write_alerts();
	G.alerts.len = 0;
	cx_buf_free(&name);
}

/* -A in spool mode: the alerts the commit put in the outbox, once it has. */
static void
copy_alerts(void)
{
	struct cx_err e;
	size_t i;

	for (i = 0; i < G.parts.len; i += strlen(G.parts.p + i) + 1) {
		if (cx_spool_read(G.sp, "outbox", G.parts.p + i, &G.alerts,
		    &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		write_alerts();
	}
}

/* One ticket file of the spool, swept; 1 if it must wait for the loads. */
static int
spool_ticket(struct work *w, const char *dir, const char *name)
{
	struct cx_err e;
	int s;

	switch (cx_spool_ticket(G.sp, dir, name, &w->text, &w->r, &e)) {
	case -1:
		errx(CX_EXIT_ERR, "%s", e.msg);
	case 1:
		warnx("%s; left as it is", e.msg);
		G.t.nbad++;
		return 0;
	}
	w->path.len = 0;
	cx_buf_printf(&w->path, "%s/%s/%s", cx_spool_path(G.sp), dir, name);
	if (G.explain) {
		explain(w->tk, &w->r, cx_buf_str(&w->path), 1);
		return 0;
	}
	s = sweep(w->tk, &w->r, cx_buf_str(&w->path), 1);
	if (s == CHANGED) {
		w->out.len = 0;
		cx_rec_write(&w->r, &w->out);
		if (cx_spool_stage(G.sp, dir, name, w->out.p, w->out.len,
		    &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	}
	/* An unchanged ticket's line is the one the index has. */
	if (s != DEFER && (s == CHANGED || !cx_index_touch(G.index, name)))
		cx_index_set(G.index, name, &w->r);
	if (G.alerts.len > ALERTS_PART)
		stage_alerts();
	return s == DEFER;
}

/* -x: the spool keeps the new extension for every later sweep. */
static void
keep_extension(void)
{
	struct stat st;
	struct cx_buf b = { 0 };
	struct cx_err e;
	struct cx_in in;
	const char *l;
	size_t n;
	int r;

	/* A link is the team's own file kept elsewhere: not to be replaced. */
	cx_buf_printf(&b, "%s/etc/extensions", cx_spool_path(G.sp));
	if (lstat(cx_buf_str(&b), &st) == -1) {
		if (errno != ENOENT)	/* no answer: a link may be there */
			err(CX_EXIT_ERR, "%s", b.p);
	} else if (S_ISLNK(st.st_mode))
		errx(CX_EXIT_ERR, "%s: a symbolic link, which -x would replace: "
		    "add the extension to the file it names", b.p);
	b.len = 0;
	/* etc/extensions replaces the shipped file: it starts as a copy. */
	if (G.extpath != NULL) {
		if (cx_in_open(&in, G.extpath, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		while ((r = cx_in_line(&in, &l, &n, &e)) == 1) {
			if (in.cut) {
				cx_cut_why(&e, "a line");
				errx(CX_EXIT_ERR, "%s:%lu: %s", G.extpath,
				    in.lineno, e.msg);
			}
			cx_buf_add(&b, l, n);
			cx_buf_addc(&b, '\n');
		}
		cx_in_close(&in);
		if (r == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	} else
		cx_buf_adds(&b, "# extensions: force majeure (cx-policy(5))\n");
	cx_buf_printf(&b, "%s\n", G.extend);
	if (cx_spool_stage(G.sp, "etc", "extensions", b.p, b.len, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_buf_free(&b);
}

/* -E: the tickets of -i where they are, or every open one. */
static void
spool_explain(struct work *w)
{
	struct cx_err e;
	char **names;
	size_t i;

	for (i = 0; i < G.ids.n; i++) {
		static const char *const dirs[] = { "open", "closed" };
		int d, r = 0;

		for (d = 0; d < 2 && (r = cx_spool_has(G.sp, dirs[d],
		    G.ids.id[i], &e)) == 0; d++)
			;
		if (r == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		if (r == 1) {
			(void)tool_ids_want(&G.ids, G.ids.id[i]);
			(void)spool_ticket(w, dirs[d], G.ids.id[i]);
		}
	}
	if (G.ids.n > 0)
		return;
	if ((names = cx_spool_list(G.sp, "open", &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; names[i] != NULL; i++)
		(void)spool_ticket(w, "open", names[i]);
	cx_spool_list_free(names);
}

/*
 * A sweep of open/, each changed ticket staged; those with a rung that
 * hands them on wait until every other is counted.  One commit.
 */
static void
spool(struct work *w)
{
	struct cx_err e;
	char **names, **later;
	size_t i, n = 0;
	int exists;

	if (cx_spool_begin(&G.sp, G.t.spool, G.explain || G.dry ?
	    CX_SPOOL_READ : 0, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (G.explain) {
		spool_explain(w);
		cx_spool_end(G.sp);
		return;
	}
	if (G.extend != NULL)
		keep_extension();
	if ((names = cx_spool_list(G.sp, "open", &e)) == NULL ||
	    (G.index = cx_index_load(G.sp, &exists, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	/* Every open ticket is swept: the index is made anew. */
	cx_index_sweep_begin(G.index);
	for (i = 0; names[i] != NULL; i++)
		;
	later = cx_alloc((i + 1) * sizeof(*later));
	for (i = 0; names[i] != NULL; i++)
		if (spool_ticket(w, "open", names[i]))
			later[n++] = names[i];
	cx_sla_run_final(G.run);	/* every load is counted now */
	for (i = 0; i < n; i++)
		(void)spool_ticket(w, "open", later[i]);
	stage_alerts();
	cx_index_sweep_end(G.index);
	if (cx_spool_pending(G.sp) > 0 && cx_index_stage(G.index, G.sp,
	    &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_index_free(G.index);
	/* Nothing to say: the spool is left as it was. */
	if (cx_spool_commit(G.sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	/* Without -A the outbox is not read back: a mailer may take it. */
	if (G.alertf != NULL && !G.dry)
		copy_alerts();
	free(later);
	cx_spool_list_free(names);
	cx_spool_end(G.sp);
}

static void
setup(const char *policy)
{
	struct cx_err e;
	char *path, *v;
	time_t before;
	int rc = 0;

	tool_clock(&G.t);
	path = tool_conf(&G.t, policy, "policy");
	if ((G.pol = cx_sla_load(path, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(path);
	if (cx_conf_path(G.t.spool, "extensions", &G.extpath, &e) == -1 ||
	    (G.extpath != NULL && cx_sla_ext_load(G.pol, G.extpath, &e) == -1))
		errx(CX_EXIT_ERR, "%s", e.msg);
	/* A line the extensions have already is nothing to add. */
	if (G.extend != NULL && (rc = cx_sla_ext_known(G.pol, G.extend,
	    &e)) == -1)
		errx(CX_EXIT_ERR, "-x: %s", e.msg);
	if (G.extend != NULL && rc == 1)
		G.extend = NULL;
	else if (G.extend != NULL && cx_sla_ext_line(G.pol, G.extend,
	    strlen(G.extend), 0, &e) == -1)
		errx(CX_EXIT_ERR, "-x: %s", e.msg);
	if ((G.rt = cx_route_open(G.t.spool, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	G.run = cx_sla_run_new(G.pol, G.rt, G.t.spool, G.t.nowtext);
	if (cx_setting(G.t.spool, "history_before", &v, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (v != NULL && cx_time_parse(v, strlen(v), &before, &e) == -1)
		errx(CX_EXIT_ERR, "cx.conf: history_before: %s", e.msg);
	if (v != NULL)
		cx_sla_run_history(G.run, before);
	free(v);
	if (G.t.spool == NULL)
		cx_sla_run_final(G.run);
}

static int
finish(void)
{
	struct totals *s = &G.sum;
	char held[64] = "";
	size_t i;

	for (i = 0; i < s->nmissing; i++)
		warnx("warning: the calendar has no holidays for %d: "
		    "deadlines in %d count the weekly hours only",
		    s->missing[i], s->missing[i]);
	if (G.explain) {
		tool_ids_check(&G.t, &G.ids);
		return tool_exit(&G.t, "%lu tickets explained, %lu unread",
		    s->found, G.t.nbad);
	}
	G.t.no = s->open > 0;
	if (s->held > 0)
		snprintf(held, sizeof(held), " (alerts of %lu held until "
		    "working time)", s->held);
	return tool_exit(&G.t, "%s%lu tickets, %lu changed, %lu unread: %lu "
	    "warnings, %lu breaches, %lu escalations%s; %lu in breach, %lu "
	    "history", G.dry ? "dry run: " : "", s->seen, s->changed,
	    G.t.nbad, s->warn, s->breach, s->esc, held, s->open, s->history);
}

int
main(int argc, char *argv[])
{
	struct work w = { 0 };
	const char *alerts = NULL, *policy = NULL;
	int ch, status;

	w.tk = cx_sla_ticket_new();
	while ((ch = tool_getopt(&G.t, argc, argv)) != -1) {
		switch (ch) {
		case 'A':
			alerts = optarg;
			break;
		case 'E':
			G.explain = 1;
			break;
		case 'i':
			tool_ids_add(&G.ids, optarg);
			break;
		case 'n':
			G.dry = 1;
			break;
		case 'P':
			policy = optarg;
			break;
		case 'x':
			G.extend = optarg;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	tool_operands(&G.t, argc);
	if (G.ids.n > 0 && !G.explain)
		errx(CX_EXIT_ERR, "-i goes with -E");
	setup(policy);
	if (alerts != NULL && !G.explain && (G.alertf = fopen(alerts, "w")) ==
	    NULL)
		err(CX_EXIT_ERR, "%s", alerts);
	G.alertpath = alerts;
	if (G.t.spool != NULL)
		spool(&w);
	else
		tool_filter(&G.t, argc, argv, filter_line, &w);
	write_alerts();
	if (G.alertf != NULL && fclose(G.alertf) == EOF)
		err(CX_EXIT_ERR, "%s", alerts);
	status = finish();
	cx_sla_ticket_free(w.tk);
	cx_rec_free(&w.r);
	cx_buf_free(&w.text);
	cx_buf_free(&w.path);
	cx_buf_free(&w.out);
	cx_sla_run_free(G.run);
	cx_sla_free(G.pol);
	cx_route_free(G.rt);
	cx_buf_free(&G.alerts);
	cx_buf_free(&G.parts);
	free(G.extpath);
	tool_ids_free(&G.ids);
	return status;
}
