/*
 * cx-ingest: register complaints from CSV and JSON Lines exports.
 *
 * Each row becomes a ticket: its columns named through a column map, its
 * fields validated and normalised (lib/intake.c), and what it becomes
 * decided in ingest-reg.c and ingest-conv.c.  A row that cannot be
 * registered is reported with its file and line and set aside in the
 * rejects with the reason; the rest of the input goes on.
 *
 * In spool mode the tickets of a run are committed in batches, each a
 * spool transaction with the registry's keys (lib/reg.c), which makes a
 * killed run harmless: the next one registers exactly what the dead one
 * did not.  The whole run holds the spool lock, so concurrent ingests
 * take turns.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest.h"

enum { OPT_REBUILD = 300, OPT_FORCE };

static const struct tool_opt opts[] = {
	{ 'c', "channel", "channel", "the channel of rows that name none" },
	{ 'e', "charset", "charset", "the input's character set: UTF-8, "
	    "GB18030, GBK, ..." },
	{ 'f', "format", "format", "csv or jsonl, not guessed from the "
	    "input" },
	{ 'm', "map", "map", "the column map of a CSV export (cx-columns(5))" },
	{ 'n', "dry-run", NULL, "say what would be registered; change "
	    "nothing" },
	{ 'r', "rejects", "rejects", "filter mode: append rejected rows to "
	    "this file" },
	{ OPT_FORCE, "force", NULL, "with --rebuild-keys: rebuild a registry "
	    "that reads as it should" },
	{ OPT_REBUILD, "rebuild-keys", NULL, "rebuild the spool's registry "
	    "from its tickets (cx-spool(5))" },
	{ 0, NULL, NULL, NULL }
};

struct ingest G = {
	.t = {
		.name = "cx-ingest",
		.synopsis = "cx-ingest [-nq] [-c channel] [-e charset] "
		    "[-f format] [-m map] [-r rejects]\n"
		    "                 [-s spool] [-z zone] [--now time] "
		    "[file ...]\n"
		    "       cx-ingest [-nq] --rebuild-keys [--force] "
		    "[-s spool]",
		.opts = opts,
		.flags = TOOL_SPOOL | TOOL_CLOCK,
	},
};

/*
 * A dry run says how it reads a CSV file: the map and its file, then a
 * line per column, tab-separated: the header, where it goes (a field,
 * extra.NAME, or - for dropped), and why where it is not the map's own
 * header, so that a wrong guess shows.
 */
static void
report(const struct cx_cols *c, const char *file)
{
	struct cx_buf *o = &G.t.out;
	size_t i;

	cx_buf_printf(o, "%s: map %s (%s)\n", file, cx_colmap_name(c->map),
	    cx_colmap_path(c->map));
	for (i = 0; i < c->n; i++) {
		cx_buf_addc(o, '\t');
		cx_buf_add(o, c->head[i], c->hlen[i]);
		cx_buf_addc(o, '\t');
		if (c->idx[i] == CX_COL_IGNORE)
			cx_buf_adds(o, "-");
		else if (c->idx[i] >= 0)
			cx_buf_adds(o, c->field[i]);
		else {
			cx_buf_adds(o, "extra.");
			cx_buf_add(o, c->xname[i], c->xlen[i]);
		}
		if (c->how[i] == CX_HDR_CLOSE || c->how[i] == CX_HDR_HOLDS)
			cx_buf_printf(o, "\t%s \"%s\"", c->how[i] ==
			    CX_HDR_CLOSE ? "close to" : "holds", c->like[i]);
		else if (c->how[i] == CX_HDR_AMBIGUOUS)
			cx_buf_adds(o, "\tlike the headers of several fields");
		else if (c->how[i] == CX_HDR_TEAM)
			cx_buf_adds(o, "\ttells the team's rows");
		else if (c->idx[i] == CX_COL_UNKNOWN)
			cx_buf_adds(o, "\tnot in the map");
		else if (c->idx[i] == CX_COL_IGNORE && c->hlen[i] == 0)
			cx_buf_adds(o, "\tno header");
		cx_buf_addc(o, '\n');
	}
	tool_flush(&G.t);
}

/* The map for a header: -m's, or the best fit; NULL if none fits. */
static struct cx_colmap *
columns(struct cx_cols *c, const char *file, struct cx_csvrow *hdr)
{
	struct cx_colmap *guess = NULL;
	struct cx_err e;
	const char *team;
	size_t i;
	int h;

	if (G.map == NULL) {
		if (cx_colmap_guess(G.t.spool, hdr, &guess, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		if (guess == NULL) {
			warnx("%s:%lu: no column map fits this header; give one "
			    "with -m", file, hdr->line);
			return NULL;
		}
	}
	cx_cols_open(c, G.map ? G.map : guess, hdr);
	if (G.dry)
		report(c, file);
	if ((team = cx_cols_team_missing(c)) != NULL)
		warnx("%s:%lu: team if: no column \"%s\": every row is the "
		    "customer's", file, hdr->line, team);
	for (i = 0; i < c->n; i++) {
		h = (int)c->hlen[i];
		if (c->how[i] == CX_HDR_CLOSE || c->how[i] == CX_HDR_HOLDS)
			warnx("%s:%lu: column \"%.*s\" taken as %s: %s \"%s\"",
			    file, hdr->line, h, c->head[i], c->field[i],
			    c->how[i] == CX_HDR_CLOSE ? "close to" : "it holds",
			    c->like[i]);
		else if (c->how[i] == CX_HDR_AMBIGUOUS)
			warnx("%s:%lu: column \"%.*s\" is like the headers of "
			    "several fields, kept under extra", file,
			    hdr->line, h, c->head[i]);
		else if (c->idx[i] == CX_COL_UNKNOWN)
			warnx("%s:%lu: unknown column \"%.*s\", kept under "
			    "extra", file, hdr->line, h, c->head[i]);
	}
	return G.map ? G.map : guess;
}

static void
csv_row(struct cx_cols *c, const char *file, struct cx_csvrow *row,
    struct cx_intake *t, struct cx_intake_out *o, struct cx_intake_msg *m)
{
	struct cx_err e;
	struct item it = { 0 };

	cx_intake_reset(t);
	t->file = file;
	t->line = row->line;
	o->key = cx_cols_fill(c, row, t);
	o->body.len = o->warn.len = 0;
	if (cx_intake_message(t, &G.ctx, m, &e) == -1 || (!m->team &&
	    cx_intake_build(t, &G.ctx, o, &e) == -1)) {
		reject(file, row->line, e.msg, row->rawp, row->rawn);
		return;
	}
	if (o->warn.len > 0)
		warnx("%s:%lu: %s", file, row->line, cx_buf_str(&o->warn));
	it.key = o->key;
	it.has_order = o->has_order;
	it.okey = o->order_key;
	it.body = o->body.p;
	it.blen = o->body.len;
	it.file = file;
	it.line = row->line;
	it.raw = row->rawp;
	it.rawn = row->rawn;
	it.msg = m;
	it.status = o->status;
	it.closed = o->status != NULL && strcmp(o->status, "closed") == 0;
	it.events = o->events.p;
	register_item(&it);
}

static void
csv_file(struct cx_in *in)
{
	struct cx_intake t = { 0 };
	struct cx_intake_out o = { 0 };
	struct cx_intake_msg m = { 0 };
	struct cx_cols c = { 0 };
	struct cx_colmap *map = NULL;
	struct cx_csvrow *row;
	struct cx_csv *csv;
	struct cx_err e;
	int r, header = 1;

	if ((csv = cx_csv_open(in, G.charset, &e)) == NULL) {
		warnx("%s", e.msg);
		G.failed = 1;
		return;
	}
	while ((r = cx_csv_next(csv, &row, &e)) == 1) {
		if (header) {
			header = 0;
			if (row->err != NULL) {
				warnx("%s:%lu: header: %s", in->name, row->line,
				    row->err);
				G.failed = 1;
				break;
			}
			if ((map = columns(&c, in->name, row)) == NULL) {
				G.failed = 1;
				break;
			}
			continue;
		}
		if (row->err != NULL)
			reject(in->name, row->line, row->err, row->rawp,
			    row->rawn);
		else if (row->n != c.n) {
			char why[96];
			snprintf(why, sizeof(why), "row has %zu fields, the "
			    "header has %zu", row->n, c.n);
			reject(in->name, row->line, why, row->rawp,
			    row->rawn);
		} else
			csv_row(&c, in->name, row, &t, &o, &m);
	}
	if (r == -1) {
		warnx("%s", e.msg);
		G.failed = 1;
	}
	cx_cols_free(&c);
	if (map != G.map)
		cx_colmap_free(map);
	cx_intake_free(&t);
	cx_buf_free(&o.body);
	cx_buf_free(&o.warn);
	cx_buf_free(&o.events);
	cx_intake_msg_free(&m);
	cx_csv_close(csv);
}

/*
 * A mail of cx-mail(1) is a message of a conversation: it goes as a row
 * of a conversation's export goes, its record as the row's members.
 */
static int
mail_item(struct cx_rec *r, struct item *it, struct cx_intake_msg *m,
    struct cx_buf *body, struct cx_buf *ticket, struct cx_buf *sender,
    struct cx_err *e)
{
	int rc;

	if ((rc = cx_intake_mail(r, m, e)) != 1)
		return rc;
	ticket->len = 0;
	if (cx_rec_getstr(r, "mail.ticket", ticket) == 0 &&
	    cx_spool_name_ok(cx_buf_str(ticket)) &&
	    cx_rec_getstr(r, "customer.email", sender) == 0) {
		it->ticket = ticket->p;
		it->sender = cx_buf_str(sender);
	}
	body->len = 0;
	cx_rec_write(r, body);
	it->body = body->p + 1;			/* without its braces */
	it->blen = body->len - 3;
	it->rec = NULL;
	it->msg = m;
	return 1;
}

static void
jsonl_file(struct cx_in *in)
{
	struct cx_rec r = { 0 };
	struct cx_intake_msg m = { 0 };
	struct cx_buf body = { 0 }, ticket = { 0 }, sender = { 0 }, st = { 0 };
	struct cx_err e, e2;
	struct item it;
	const char *l;
	size_t n, pos;
	int rc;

	while ((rc = cx_in_line(in, &l, &n, &e)) == 1) {
		if (in->cut) {
			/* Set aside with its start: the rest is not kept. */
			cx_cut_why(&e2, "a line");
			reject(in->name, in->lineno, e2.msg, l,
			    cx_utf8_prefix(l, 1024));
			continue;
		}
		if (n == 0)
			continue;
		memset(&it, 0, sizeof(it));
		if (cx_rec_parse(&r, l, n, &e2, &pos) == -1) {
			char *why = cx_strndup(e2.msg, strlen(e2.msg));
			cx_seterr(&e2, "invalid JSON: %s", why);
			free(why);
			reject(in->name, in->lineno, e2.msg, l, n);
			continue;
		}
		if (cx_intake_rec(&r, &G.ctx, in->name, in->lineno, &it.key,
		    &it.has_order, &it.okey, &e2) == -1) {
			reject(in->name, in->lineno, e2.msg, l, n);
			continue;
		}
		it.rec = &r;
		if (mail_item(&r, &it, &m, &body, &ticket, &sender, &e2) ==
		    -1) {
			reject(in->name, in->lineno, e2.msg, l, n);
			continue;
		}
		it.closed = it.rec != NULL && cx_rec_getstr(&r, "status",
		    &st) == 0 && strcmp(st.p, "closed") == 0;
		it.file = in->name;
		it.line = in->lineno;
		it.raw = l;
		it.rawn = n;
		register_item(&it);
	}
	if (rc == -1) {
		warnx("%s", e.msg);
		G.failed = 1;
	}
	cx_rec_free(&r);
	cx_intake_msg_free(&m);
	cx_buf_free(&body);
	cx_buf_free(&ticket);
	cx_buf_free(&sender);
	cx_buf_free(&st);
}

static void
ingest(const char *path)
{
	struct cx_in in;
	struct cx_err e;

	if (cx_in_open(&in, path, &e) == -1) {
		warnx("%s", e.msg);
		G.failed = 1;
		return;
	}
	if (tool_is_jsonl(G.format, &in, path))
		jsonl_file(&in);
	else
		csv_file(&in);
	cx_in_close(&in);
}

/* Every map that guessing might read is checked now, not at a header. */
static void
check_maps(void)
{
	struct cx_csvrow none = { 0 };
	struct cx_colmap *m;
	struct cx_err e;

	if (G.map == NULL && cx_colmap_guess(G.t.spool, &none, &m, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
}

/* A registry that cannot be read; a damaged one says how to recover. */
static void __attribute__((noreturn))
registry_error(const struct cx_err *e)
{
	if (errno == EBADMSG)
		errx(CX_EXIT_ERR, "%s; rebuild it from the tickets: cx-ingest "
		    "-s %s --rebuild-keys", e->msg, G.t.spool);
	errx(CX_EXIT_ERR, "%s", e->msg);
}

static void
setup(void)
{
	struct cx_err e;
	char *v = NULL;

	tool_clock(&G.t);
	memcpy(G.ctx.nowtext, G.t.nowtext, sizeof(G.ctx.nowtext));
	if (cx_setting(G.t.spool, "id_prefix", &G.prefix, &e) == -1 ||
	    cx_setting_number(G.t.spool, "batch_size", 5000, 1, 10000000,
	    &G.batch, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	G.ctx.now = cx_now();
	G.reopen_within = 7 * 86400;
	if (cx_setting(G.t.spool, "reopen_within", &v, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (v != NULL && cx_span_secs(v, strlen(v), &G.reopen_within) == -1)
		errx(CX_EXIT_ERR, "cx.conf: reopen_within: \"%s\" is no span "
		    "(3d, 12h)", v);
	free(v);
	if (G.prefix == NULL)
		G.prefix = cx_strndup("CX", 2);
	if (!cx_spool_name_ok(G.prefix))
		errx(CX_EXIT_ERR, "cx.conf: id_prefix: \"%s\" cannot begin a "
		    "ticket id: no blank, slash, control character or leading "
		    "dot", G.prefix);
	if (G.mapfile != NULL && (G.map = cx_colmap_load(G.mapfile, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	G.channels = tool_alias(&G.t, "channels");
	G.remedies = tool_alias(&G.t, "remedies");
	G.outcomes = tool_alias(&G.t, "outcomes");
	G.ctx.outcomes = G.outcomes;
	G.ctx.channels = G.channels;
	G.ctx.remedies = G.remedies;
	check_maps();
	/* Only now, with every setting good, is the spool made. */
	if (G.t.spool != NULL && cx_spool_begin(&G.sp, G.t.spool, G.dry ?
	    CX_SPOOL_READ | CX_SPOOL_MAYBE : 0, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (G.sp == NULL)
		G.t.spool = NULL;	/* filter mode, or a dry run on a spool
					 * to be */
	if ((G.reg = cx_reg_open(G.sp, &e)) == NULL)
		registry_error(&e);
}

/*
 * --rebuild-keys: the registry made again from the spool's tickets and
 * rejects (lib/rebuild.c), in one commit, where it is damaged or lost;
 * one that reads as it should only with --force.
 */
static int
rebuild(int argc)
{
	struct cx_rebuilt rb;
	struct cx_spool *sp;
	struct cx_reg *g;
	struct cx_err e;
	int status;

	if (argc > 0)
		errx(CX_EXIT_ERR, "--rebuild-keys reads no file: it reads the "
		    "spool's tickets");
	if (G.t.spool == NULL)
		errx(CX_EXIT_ERR, "--rebuild-keys needs a spool (-s)");
	/* One not there is not made, to hold nothing. */
	if (access(G.t.spool, F_OK) == -1) {
		if (errno == ENOENT)
			errx(CX_EXIT_ERR, "%s: no such spool", G.t.spool);
		err(CX_EXIT_ERR, "%s", G.t.spool);
	}
	if (cx_spool_begin(&sp, G.t.spool, G.dry ? CX_SPOOL_READ : 0, &e) ==
	    -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if ((g = cx_reg_open(sp, &e)) == NULL && errno != EBADMSG)
		registry_error(&e);
	if (g != NULL && !G.force)
		errx(CX_EXIT_ERR, "%s/keys: the registry reads as it should; "
		    "--force rebuilds it all the same", G.t.spool);
	cx_reg_free(g);
	if (cx_reg_rebuild(sp, &rb, &e) == -1 ||
	    cx_spool_commit(sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (rb.bare > 0)
		warnx("%s: %lu follow-ups and messages kept without their "
		    "keys, registered before this release: read again, their "
		    "rows are registered again", G.t.spool, rb.bare);
	status = tool_exit(&G.t, "%s %lu keys from %lu tickets and %lu "
	    "rows set aside: %lu source, %lu customer and order, %lu message, "
	    "%lu rejected", G.dry ? "dry run: would have rebuilt" : "rebuilt",
	    rb.keys[0] + rb.keys[1] + rb.keys[2] + rb.keys[3], rb.tickets,
	    rb.rejects, rb.keys[0], rb.keys[1], rb.keys[2], rb.keys[3]);
	cx_spool_end(sp);
	return status;
}

static int
finish(void)
{
	char old[64] = "";
	int status;

	unhold();
	commit();
	if (G.rejf != NULL && fclose(G.rejf) == EOF) {
		warn("%s", G.rejpath);
		G.failed = 1;
	}
	if (G.nold > 0)
		snprintf(old, sizeof(old), " (%lu set aside before)", G.nold);
	status = tool_exit(&G.t, "%s%lu registered, %lu follow-ups, %lu "
	    "replies, %lu duplicates, %lu rejected%s", G.dry ?
	    "dry run: would have " : "", G.nreg, G.nfollow, G.nreply, G.ndup,
	    G.t.nbad, old);
	cx_reg_free(G.reg);
	cx_spool_end(G.sp);
	cx_colmap_free(G.map);
	cx_alias_free(G.channels);
	cx_alias_free(G.remedies);
	cx_alias_free(G.outcomes);
	cx_batch_free(G.b);
	cx_wait_free(G.wait);
	cx_buf_free(&G.freed);
	free(G.prefix);
	return G.failed ? CX_EXIT_ERR : status;
}

int
main(int argc, char *argv[])
{
	const char *rejects = NULL;
	int ch, i;

	while ((ch = tool_getopt(&G.t, argc, argv)) != -1) {
		switch (ch) {
		case 'c':
			G.ctx.channel = optarg;
			break;
		case 'e':
			G.charset = optarg;
			break;
		case 'f':
			G.format = tool_format(optarg);
			break;
		case 'm':
			G.mapfile = optarg;
			break;
		case 'n':
			G.dry = 1;
			break;
		case 'r':
			rejects = optarg;
			break;
		case OPT_FORCE:
			G.force = 1;
			break;
		case OPT_REBUILD:
			G.rebuild = 1;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (G.force && !G.rebuild)
		errx(CX_EXIT_ERR, "--force is for --rebuild-keys");
	if (G.rebuild)
		return rebuild(argc);
	if (rejects != NULL && G.t.spool != NULL)
		errx(CX_EXIT_ERR, "-r is for filter mode: a spool keeps its "
		    "rejects in rejects/");
	if (rejects != NULL && !G.dry) {
		int fd;

		/* Rows with personal data: readable by their owner only. */
		if ((fd = open(rejects, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC, 0600)) == -1 || (G.rejf = fdopen(fd, "a")) ==
		    NULL)
			err(CX_EXIT_ERR, "%s", rejects);
		G.rejpath = rejects;
	}
	G.b = cx_batch_new();
	G.wait = cx_wait_new();
	setup();
	if (argc == 0)
		ingest("-");
	for (i = 0; i < argc; i++)
		ingest(argv[i]);
	return finish();
}
