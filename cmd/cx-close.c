/*
 * cx-close: work routed tickets to the end (R5): acknowledge, reply,
 * note, investigate, wait, resume, reassign, propose, approve, resolve,
 * the customer's confirmation, close, reopen, merge, link, and the
 * customer's survey answers and rewards.
 *
 * One action from the command line (-i ID ACTION [ARGUMENT ...]), or a
 * row per action from the agents' own exports, CSV or JSON Lines.  Each
 * is checked against the ticket as the actions before it left it
 * (lib/action.c) and applied; a row that cannot be is set aside in the
 * spool's rejects/ with its file, line and reason, and the rest are
 * applied.  The same file applied twice applies nothing twice: each row
 * applied is registered by its content in a registry of cx-close's own.
 * A run is one spool commit: tickets rewritten in open/, closed ones
 * moved to closed/, reopened ones put back before routing in
 * classified/, the registry and the rejects, all or none of it.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"
#include "tool.h"

enum { OPT_ARCHIVE = 300 };

static const struct tool_opt opts[] = {
	{ 'a', "agent", "agent", "the agent who does it" },
	{ 'f', "format", "format", "csv or jsonl, not guessed from the "
	    "input" },
	{ 'i', "id", "id", "the ticket of the action on the command line" },
	{ 'N', "note", "note", "the text: a reply, a note, a reason, a "
	    "comment" },
	{ 'n', "dry-run", NULL, "check and say what would be done; change "
	    "nothing" },
	{ OPT_ARCHIVE, "archive", "age", "move the tickets closed longer "
	    "ago than age (30d) to the archive" },
	{ 0, NULL, NULL, NULL }
};

/* A ticket of the run, as the actions so far left it. */
struct tk {
	char		*id;
	const char	*dir;		/* where it is: "open" or "closed" */
	struct cx_buf	 text;		/* the record, no newline */
	int		 dirty;
	int		 reroute;	/* reopened: back through routing */
};

static struct {
	struct tool		 t;
	struct cx_spool		*sp;
	struct cx_reg		*reg;
	struct cx_route		*rt;
	struct cx_alias		*aliases, *codes;
	struct cx_act_ctx	 ctx;
	struct cx_batch		*rej;		/* the rejects' lines */
	struct cx_index		*index;		/* of open/ */
	const char		*agent, *id, *note, *format, *archive;
	int			 dry;
	struct tk		*tk;
	size_t			 ntk;
	unsigned long		 napplied, nbefore, nold;
} G = {
	.t = {
		.name = "cx-close",
		.synopsis = "cx-close [-nq] -i id [-a agent] [-N note] "
		    "[-s spool] [-z zone] [--now time]\n"
		    "                action [argument ...]\n"
		    "       cx-close [-nq] [-f format] [-s spool] [-z zone] "
		    "[--now time] [file ...]\n"
		    "       cx-close [-nq] --archive age [-s spool] [-z zone] "
		    "[--now time]",
		.opts = opts,
		.flags = TOOL_SPOOL | TOOL_CLOCK | TOOL_SPOOLONLY,
	},
};

/* The ticket, read once from open/ or closed/; NULL if it is in neither. */
static struct tk *
ticket(const char *id)
{
	static const char *const dirs[] = { "open", "closed" };
	struct cx_buf b = { 0 };
	struct cx_err e;
	struct tk *t;
	size_t i;

	for (i = 0; i < G.ntk; i++)
		if (strcmp(G.tk[i].id, id) == 0)
			return &G.tk[i];
	if (!cx_spool_name_ok(id))
		return NULL;
	for (i = 0; i < 2; i++) {
		if (cx_spool_read(G.sp, dirs[i], id, &b, &e) == 0)
			break;
		if (errno != ENOENT)
			errx(CX_EXIT_ERR, "%s", e.msg);
	}
	if (i == 2) {
		cx_buf_free(&b);
		return NULL;
	}
	while (b.len > 0 && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\r'))
		b.len--;
	G.tk = cx_grow(G.tk, G.ntk, sizeof(*G.tk));
	t = &G.tk[G.ntk++];
	memset(t, 0, sizeof(*t));
	t->id = cx_strndup(id, strlen(id));
	t->dir = dirs[i];
	t->text = b;
	return t;
}

/* One action applied to one ticket's text; -1 and why if refused. */
static int
apply_to(struct tk *t, const struct cx_action *a, struct cx_err *e)
{
	struct cx_rec r = { 0 };
	struct cx_buf out = { 0 };
	int go;

	if (cx_rec_parse(&r, t->text.p, t->text.len, e, NULL) == -1) {
		cx_seterr(e, "%s is no ticket: its file is not a record",
		    t->id);
		cx_rec_free(&r);
		return -1;
	}
	if ((go = cx_action_apply(&G.ctx, a, &r, e)) != -1) {
		cx_rec_write(&r, &out);
		out.len--;		/* the newline */
		cx_buf_free(&t->text);
		t->text = out;
		t->dirty = 1;
		if (go == CX_ACT_REROUTES)
			t->reroute = 1;
		else if (go == CX_ACT_CLOSES)
			t->reroute = 0;
	}
	cx_rec_free(&r);
	return go == -1 ? -1 : 0;
}

/*
 * An action, with the other ticket of a merge or a link; -1 and why.  A
 * ticket's text is kept as it was until both sides are known to go.
 */
static int
act(const struct cx_action *a, struct cx_err *e)
{
	struct cx_action b = *a;
	struct cx_buf keep = { 0 };
	struct tk *t, *o = NULL;
	int dirty, r;

	if ((t = ticket(a->id)) == NULL) {
		cx_seterr(e, "%s: no such ticket in open/ or closed/", a->id);
		return -1;
	}
	if (a->kind == CX_ACT_MERGE || a->kind == CX_ACT_LINK) {
		if (a->to == NULL || strcmp(a->to, a->id) == 0) {
			cx_seterr(e, "%s: %s with which other ticket?", a->id,
			    cx_act_name(a->kind));
			return -1;
		}
		if ((o = ticket(a->to)) == NULL) {
			cx_seterr(e, "%s: no such ticket in open/ or closed/",
			    a->to);
			return -1;
		}
		t = ticket(a->id);	/* the table may have moved */
	}
	cx_buf_add(&keep, t->text.p, t->text.len);
	dirty = t->dirty;
	if (apply_to(t, a, e) == -1) {
		cx_buf_free(&keep);
		return -1;
	}
	if (o != NULL) {
		b.kind = a->kind == CX_ACT_MERGE ? CX_ACT_ABSORB : CX_ACT_LINK;
		b.id = a->to;
		b.to = a->id;
		b.note = NULL;
		if ((r = apply_to(o, &b, e)) == -1) {
			cx_buf_free(&t->text);
			t->text = keep;
			t->dirty = dirty;
			return -1;
		}
	}
	cx_buf_free(&keep);
	return 0;
}

/* What a row is: its action, with the row's own text for the rejects. */
static void
row_done(const struct cx_action *a, const char *file, unsigned long line,
    const char *raw, size_t rawn, int parsed, const char *why)
{
	struct cx_err e;
	struct cx_key k;

	while (rawn > 0 && (raw[rawn - 1] == '\n' || raw[rawn - 1] == '\r'))
		rawn--;
	k = cx_key_of(raw, rawn);
	if (cx_reg_find(G.reg, CX_REG_SOURCE, k, NULL)) {
		G.nbefore++;		/* applied by an earlier run */
		return;
	}
	if (cx_reg_find(G.reg, CX_REG_REJECT, k, NULL)) {
		G.nold++;
		return;
	}
	if (parsed && act(a, &e) == 0) {
		cx_reg_add(G.reg, CX_REG_SOURCE, k, a->id);
		G.napplied++;
		return;
	}
	if (parsed)
		why = e.msg;
	warnx("%s:%lu: %s", file, line, why);
	G.t.nbad++;
	cx_reg_add(G.reg, CX_REG_REJECT, k, "-");
	cx_batch_reject(G.rej, G.t.nowtext, file, line, why, raw, rawn);
}

/* -i ID ACTION [ARGUMENT ...]: one action, said and refused at once. */
static void
command_line(int argc, char *argv[])
{
	char *v[CX_AF_N] = { 0 };
	struct cx_buf amount = { 0 };
	struct cx_action a;
	struct cx_err e;
	int kind, want;

	if ((kind = cx_act_kind(G.aliases, argv[0], strlen(argv[0]))) == -1)
		errx(CX_EXIT_ERR, "unknown action \"%s\"", argv[0]);
	v[CX_AF_ID] = (char *)G.id;
	v[CX_AF_ACTION] = argv[0];
	v[CX_AF_AGENT] = (char *)G.agent;
	v[CX_AF_NOTE] = (char *)G.note;
	switch (kind) {
	case CX_ACT_WAIT: case CX_ACT_REASSIGN: case CX_ACT_MERGE:
	case CX_ACT_LINK:
		want = 1;
		v[CX_AF_TO] = argc > 1 ? argv[1] : NULL;
		break;
	case CX_ACT_PROPOSE: case CX_ACT_RESOLVE:
		want = argc > 2 ? 2 : 1;
		v[CX_AF_CODE] = argc > 1 ? argv[1] : NULL;
		v[CX_AF_AMOUNT] = argc > 2 ? argv[2] : NULL;
		break;
	case CX_ACT_SURVEY:
		want = argc - 1 > 0 ? 3 : 0;
		v[CX_AF_RESULT] = argc > 1 ? argv[1] : NULL;
		v[CX_AF_ATTITUDE] = argc > 2 ? argv[2] : NULL;
		v[CX_AF_TIMELY] = argc > 3 ? argv[3] : NULL;
		break;
	case CX_ACT_REWARD:
		want = 1;
		v[CX_AF_AMOUNT] = argc > 1 ? argv[1] : NULL;
		break;
	case CX_ACT_REVIEW:
		want = 1;
		v[CX_AF_CODE] = argc > 1 ? argv[1] : NULL;
		break;
	default:
		want = 0;
	}
	if (argc - 1 != want)
		errx(CX_EXIT_ERR, "%s: %d argument%s, not %d (cx-close(1))",
		    cx_act_name(kind), want, want == 1 ? "" : "s", argc - 1);
	if (cx_action_make(&a, v, G.aliases, &amount, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (act(&a, &e) == -1) {
		warnx("%s: %s: %s", G.id, cx_act_name(kind), e.msg);
		G.t.nbad++;
	} else
		G.napplied++;
	cx_buf_free(&amount);
}

/* A CSV file of actions, its header naming the fields. */
static void
csv_rows(struct cx_in *in)
{
	struct cx_buf amount = { 0 };
	struct cx_csvrow *row;
	struct cx_action a;
	struct cx_csv *csv;
	struct cx_err e;
	char *v[CX_AF_N];
	int *col = NULL, r, k, ok;
	size_t i, ncol = 0;

	if ((csv = cx_csv_open(in, NULL, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	while ((r = cx_csv_next(csv, &row, &e)) == 1) {
		if (col == NULL) {
			ncol = row->n;
			col = cx_alloc((ncol + 1) * sizeof(*col));
			for (i = 0; i < ncol; i++)
				col[i] = cx_act_field(row->data.p + row->off[i],
				    row->flen[i]);
			continue;
		}
		memset(v, 0, sizeof(v));
		ok = row->err == NULL && row->n == ncol;
		for (i = 0; ok && i < ncol; i++)
			if ((k = col[i]) >= 0 && v[k] == NULL)
				v[k] = cx_strndup(row->data.p + row->off[i],
				    row->flen[i]);
		ok = ok && cx_action_make(&a, v, G.aliases, &amount, &e) == 0;
		if (row->err == NULL && row->n != ncol)
			cx_seterr(&e, "row has %zu fields, the header has %zu",
			    row->n, ncol);
		row_done(&a, in->name, row->line, row->rawp, row->rawn, ok,
		    row->err != NULL ? row->err : e.msg);
		for (k = 0; k < CX_AF_N; k++)
			free(v[k]);
	}
	if (r == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(col);
	cx_buf_free(&amount);
	cx_csv_close(csv);
}

/* A JSON Lines file of actions: {"id":..,"action":..,...}. */
static void
jsonl_rows(struct cx_in *in)
{
	static const char *const keys[CX_AF_N] = { "id", "action", "agent", "at",
	    "code", "amount", "note", "to", "result", "attitude",
	    "timeliness" };
	struct cx_buf amount = { 0 }, s = { 0 };
	struct cx_rec rec = { 0 };
	struct cx_action a;
	struct cx_err e;
	const char *l, *raw;
	size_t n, rn;
	char *v[CX_AF_N];
	int rc, k, ok;

	while ((rc = cx_in_line(in, &l, &n, &e)) == 1) {
		if (n == 0)
			continue;
		memset(v, 0, sizeof(v));
		if (in->cut) {
			ok = 0;
			cx_cut_why(&e, "a line");
			n = cx_utf8_prefix(l, 1024);	/* its start, set aside */
		} else if (!(ok = cx_rec_parse(&rec, l, n, &e, NULL) == 0)) {
			char *why = cx_strndup(e.msg, strlen(e.msg));

			cx_seterr(&e, "invalid JSON: %s", why);
			free(why);
		}
		for (k = 0; ok && k < CX_AF_N; k++) {
			s.len = 0;
			if (cx_rec_getstr(&rec, keys[k], &s) == 0)
				v[k] = cx_strndup(s.p, s.len);
			else if (cx_json_path(&rec, keys[k], &raw, &rn) == 0 &&
			    cx_json_type(raw, rn) == CX_J_NUM)
				v[k] = cx_strndup(raw, rn);
		}
		ok = ok && cx_action_make(&a, v, G.aliases, &amount, &e) == 0;
		row_done(&a, in->name, in->lineno, l, n, ok, e.msg);
		for (k = 0; k < CX_AF_N; k++)
			free(v[k]);
	}
	if (rc == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_rec_free(&rec);
	cx_buf_free(&amount);
	cx_buf_free(&s);
}

static void
rows(const char *path)
{
	struct cx_in in;
	struct cx_err e;

	if (cx_in_open(&in, path, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (tool_is_jsonl(G.format, &in, path))
		jsonl_rows(&in);
	else
		csv_rows(&in);
	cx_in_close(&in);
}

/* The run, committed: every ticket changed, where its status puts it. */
static void
commit(void)
{
	struct cx_buf batch = { 0 }, name = { 0 };
	struct cx_err e;
	const char *to, *st;
	struct cx_rec r = { 0 };
	struct cx_buf s = { 0 };
	size_t i;

	for (i = 0; i < G.ntk; i++) {
		struct tk *t = &G.tk[i];

		if (!t->dirty)
			continue;
		(void)cx_rec_parse(&r, t->text.p, t->text.len, NULL, NULL);
		st = cx_rec_getstr(&r, "status", &s) == 0 ? cx_buf_str(&s) :
		    "";
		if (t->reroute && strcmp(st, "reopened") == 0) {
			cx_buf_add(&batch, t->text.p, t->text.len);
			cx_buf_addc(&batch, '\n');
			to = NULL;
		} else if (strcmp(st, "closed") == 0 || strcmp(st, "merged") ==
		    0)
			to = "closed";
		else
			to = "open";
		cx_index_set(G.index, t->id, to != NULL && strcmp(to, "open") ==
		    0 ? &r : NULL);
		cx_buf_addc(&t->text, '\n');
		if ((to != NULL && cx_spool_stage(G.sp, to, t->id, t->text.p,
		    t->text.len, &e) == -1) || ((to == NULL ||
		    strcmp(to, t->dir) != 0) && cx_spool_remove(G.sp, t->dir,
		    t->id, &e) == -1))
			errx(CX_EXIT_ERR, "%s", e.msg);
	}
	if (batch.len > 0) {
		cx_buf_printf(&name, "B%010lu.jsonl", cx_spool_serial(G.sp));
		if (cx_spool_stage(G.sp, "classified", cx_buf_str(&name),
		    batch.p, batch.len, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	}
	if (cx_batch_rejects(G.rej)->len > 0) {
		name.len = 0;
		cx_buf_printf(&name, "C%010lu.jsonl", cx_spool_serial(G.sp));
		if (cx_spool_stage(G.sp, "rejects", cx_buf_str(&name),
		    cx_batch_rejects(G.rej)->p, cx_batch_rejects(G.rej)->len,
		    &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	}
	if (cx_index_stage(G.index, G.sp, &e) == -1 ||
	    cx_reg_commit(G.reg, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_rec_free(&r);
	cx_buf_free(&s);
	cx_buf_free(&batch);
	cx_buf_free(&name);
}

static void
setup(void)
{
	struct cx_err e;
	char *limit = NULL;

	tool_clock(&G.t);
	if ((G.rt = cx_route_open(G.t.spool, &e)) == NULL ||
	    cx_setting(G.t.spool, "approval_limit", &limit, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	G.ctx.rt = G.rt;
	G.ctx.approval_limit = -1;
	if (limit != NULL) {
		char *end;

		G.ctx.approval_limit = strtod(limit, &end);
		if (end == limit || *end != '\0' || G.ctx.approval_limit < 0)
			errx(CX_EXIT_ERR, "cx.conf: approval_limit: \"%s\" is "
			    "not an amount", limit);
		free(limit);
	}
	G.aliases = tool_alias(&G.t, "actions");
	G.codes = tool_alias(&G.t, "resolutions");
	G.ctx.codes = G.codes;
	if (cx_spool_begin(&G.sp, G.t.spool, G.dry ? CX_SPOOL_READ : 0,
	    &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if ((G.reg = cx_reg_open_named(G.sp, "close-keys", "close-seq",
	    &e)) == NULL)
		errx(CX_EXIT_ERR, "%s%s", e.msg, errno == EBADMSG ? "; move "
		    "close-keys and close-seq aside for a new one, which knows "
		    "no row applied before (cx-spool(5))" : "");
	if (!G.dry && (G.index = cx_index_open(G.sp, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	G.rej = cx_batch_new();
}

static int
finish(void)
{
	char old[96] = "";
	size_t i;
	int status;

	if (!G.dry)
		commit();
	if (G.nold > 0)
		snprintf(old, sizeof(old), " (%lu set aside before)", G.nold);
	status = tool_exit(&G.t, "%s%lu applied, %lu applied before, %lu "
	    "set aside%s", G.dry ? "dry run: would have " : "", G.napplied,
	    G.nbefore, G.t.nbad, old);
	for (i = 0; i < G.ntk; i++) {
		free(G.tk[i].id);
		cx_buf_free(&G.tk[i].text);
	}
	free(G.tk);
	cx_reg_free(G.reg);
	cx_spool_end(G.sp);
	cx_route_free(G.rt);
	cx_alias_free(G.aliases);
	cx_alias_free(G.codes);
	cx_batch_free(G.rej);
	cx_index_free(G.index);
	return status;
}

/*
 * --archive: the tickets closed longer ago than the age, out of closed/
 * into archive/YYYY-MM.jsonl.gz, in one commit (lib/archive.c).
 */
static int
archive(int argc)
{
	unsigned long moved, kept;
	struct cx_err e;
	long age;
	int status;

	if (argc > 0 || G.id != NULL)
		errx(CX_EXIT_ERR, "--archive takes no actions: it archives");
	if (cx_span_secs(G.archive, strlen(G.archive), &age) == -1)
		errx(CX_EXIT_ERR, "--archive: \"%s\" is no age (30d, 12h)",
		    G.archive);
	tool_clock(&G.t);
	if (cx_spool_begin(&G.sp, G.t.spool, G.dry ? CX_SPOOL_READ : 0,
	    &e) == -1 || cx_archive_closed(G.sp, cx_now() - age, &moved,
	    &kept, &e) == -1 || (!G.dry && cx_spool_commit(G.sp, &e) == -1))
		errx(CX_EXIT_ERR, "%s", e.msg);
	status = tool_exit(&G.t, "%s%lu archived, %lu closed kept",
	    G.dry ? "dry run: would have " : "", moved, kept);
	cx_spool_end(G.sp);
	return status;
}

int
main(int argc, char *argv[])
{
	int ch, i;

	while ((ch = tool_getopt(&G.t, argc, argv)) != -1) {
		switch (ch) {
		case 'a':
			G.agent = optarg;
			break;
		case 'f':
			G.format = tool_format(optarg);
			break;
		case 'i':
			G.id = optarg;
			break;
		case 'N':
			G.note = optarg;
			break;
		case 'n':
			G.dry = 1;
			break;
		case OPT_ARCHIVE:
			G.archive = optarg;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (G.id == NULL && (G.agent != NULL || G.note != NULL))
		errx(CX_EXIT_ERR, "-a and -N go with -i: a file's rows say "
		    "their own");
	if (G.id != NULL && argc == 0)
		errx(CX_EXIT_ERR, "-i %s: which action?", G.id);
	if (G.archive != NULL)
		return archive(argc);
	setup();
	if (G.id != NULL)
		command_line(argc, argv);
	else if (argc == 0)
		rows("-");
	else
		for (i = 0; i < argc; i++)
			rows(argv[i]);
	return finish();
}
