/*
 * cx-report: the complaint briefing (R6).
 *
 * Reads tickets (a spool's open, closed, waiting and archived ones, or
 * JSON Lines files and the standard input), counts what each says about
 * the period and the one before, and writes the briefing: key figures,
 * volumes, hot spots, time limits, the backlog, departments and agents,
 * the quality review, typical cases; or the public report, or the QA
 * sample for the reviewers, or its counts as a part (--partial) that
 * --merge adds up with others into the same briefing as one run.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"
#include "report.h"
#include "report-doc.h"
#include "tool.h"

enum { OPT_WEEK = 300, OPT_DAY, OPT_FROM, OPT_TO, OPT_WHERE, OPT_PARTIAL,
	OPT_MERGE, OPT_QA, OPT_QARATE, OPT_HOTMIN, OPT_PUBLIC, OPT_MINGROUP,
	OPT_UNMASKED, OPT_IMPROVE };

static const struct tool_opt opts[] = {
	{ 'L', "language", "language", "zh or en: the briefing's language" },
	{ 'O', "output-format", "format", "text, md, csv, json or html" },
	{ OPT_DAY, "day", "day", "the period: a day (today, yesterday, a "
	    "date)" },
	{ OPT_FROM, "from", "time", "the period's start" },
	{ OPT_HOTMIN, "hot-min", "count", "a hot spot's least count (5)" },
	{ OPT_IMPROVE, "improvements", "file", "the improvement actions "
	    "(cx-improvements(5))" },
	{ OPT_MERGE, "merge", NULL, "the files are parts: add them up" },
	{ OPT_MINGROUP, "min-group", "count", "public: the smallest group "
	    "shown (10)" },
	{ OPT_PARTIAL, "partial", NULL, "write this part's counts, not a "
	    "briefing" },
	{ OPT_PUBLIC, "public", NULL, "the public transparency report" },
	{ OPT_QA, "qa", NULL, "write the QA sample for the reviewers (CSV)" },
	{ OPT_QARATE, "qa-rate", "percent", "the QA sample's share (10)" },
	{ TOOL_SEED, "seed", "seed", "the seed of the QA sample (1)" },
	{ OPT_TO, "to", "time", "the period's end (not in it)" },
	{ OPT_UNMASKED, "unmasked", NULL, "personal data as written" },
	{ OPT_WEEK, "week", "week", "the period: a week, Monday to Sunday "
	    "(last, this, a date in it)" },
	{ OPT_WHERE, "where", "jq", "only the tickets this jq expression "
	    "holds for" },
	{ 0, NULL, NULL, NULL }
};

static struct {
	struct tool	 t;
	struct rep_def	 d;
	struct rep_view	 v;
	struct agg	 a;
	struct rep_map	*m;
	jq_state	*jq;
	int		 form, partial, merge, qa;
	unsigned long	 read, left;
	struct cx_buf	 jqerr;
} G = {
	.t = {
		.name = "cx-report",
		.synopsis = "cx-report [-q] [-L language] [-O format] "
		    "[-s spool | file ...] [-z zone] [--now time]\n"
		    "                 [--week week | --day day | --from time "
		    "--to time] [--where jq]\n"
		    "                 [--hot-min count] [--improvements file] "
		    "[--qa-rate percent] [--seed seed]\n"
		    "                 [--public [--min-group count]] [--qa] "
		    "[--partial] [--unmasked]\n"
		    "       cx-report --merge [options] [part ...]",
		.opts = opts,
		.flags = TOOL_SPOOL | TOOL_CLOCK,
	},
};

static unsigned long
number(const char *s, unsigned long lo, unsigned long hi, const char *what)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 || n < lo ||
	    n > hi)
		errx(CX_EXIT_ERR, "%s: a number from %lu to %lu, not \"%s\"",
		    what, lo, hi, s);
	return n;
}

/* Local midnight of the day a time falls on, days later. */
static time_t
midnight(time_t t, long days)
{
	struct cx_buf b = { 0 };
	struct cx_err e;
	long long dn;
	int y, m, d;
	time_t out;

	cx_time_fmt(t, &b);
	if (sscanf(cx_buf_str(&b), "%d-%d-%d", &y, &m, &d) != 3)
		errx(CX_EXIT_ERR, "cannot read the date of %s", b.p);
	dn = cx_days_from_civil(y, m, d) + days;
	cx_civil_from_days(dn, &y, &m, &d);
	b.len = 0;
	cx_buf_printf(&b, "%04d-%02d-%02d 00:00:00", y, m, d);
	if (cx_time_parse(b.p, b.len, &out, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_buf_free(&b);
	return out;
}

static long long
weekday(time_t t)
{
	struct cx_buf b = { 0 };
	int y, m, d;

	cx_time_fmt(t, &b);
	if (sscanf(cx_buf_str(&b), "%d-%d-%d", &y, &m, &d) != 3)
		y = 1970, m = 1, d = 1;
	cx_buf_free(&b);
	/* 1970-01-01 was a Thursday; Monday is 0. */
	return ((cx_days_from_civil(y, m, d) % 7) + 10) % 7;
}

static time_t
when(const char *s, const char *what)
{
	struct cx_err e;
	time_t t;

	if (cx_time_parse(s, strlen(s), &t, &e) == -1)
		errx(CX_EXIT_ERR, "%s: %s", what, e.msg);
	return t;
}

/* The period from --week, --day or --from and --to; last week if none. */
static void
period(const char *week, const char *day, const char *from, const char *to)
{
	time_t now = cx_now(), t;

	if ((week != NULL) + (day != NULL) + (from != NULL || to != NULL) > 1)
		errx(CX_EXIT_ERR, "--week, --day and --from/--to: one of them");
	if ((from == NULL) != (to == NULL))
		errx(CX_EXIT_ERR, "--from and --to go together");
	if (from != NULL) {
		G.d.from = when(from, "--from");
		G.d.to = when(to, "--to");
		if (G.d.to <= G.d.from)
			errx(CX_EXIT_ERR, "--to is not after --from");
	} else if (day != NULL) {
		t = strcmp(day, "today") == 0 ? now : strcmp(day, "yesterday") ==
		    0 ? midnight(now, -1) : when(day, "--day");
		G.d.from = midnight(t, 0);
		G.d.to = midnight(t, 1);
	} else {
		if (week == NULL || strcmp(week, "last") == 0)
			t = midnight(now, -7);
		else if (strcmp(week, "this") == 0)
			t = now;
		else
			t = when(week, "--week");
		G.d.from = midnight(t, -weekday(t));
		G.d.to = midnight(G.d.from, 7);
	}
	G.d.len = (long)(G.d.to - G.d.from);
	/* A period that is over is told as it stood at its end, whenever
	 * it is told: parts made at other times of the same past week are
	 * parts of the same report. */
	G.d.now = now < G.d.to ? now : G.d.to;
}

/* --- --where: jq, in the process --------------------------------------- */

static void
jq_error(void *arg, jv msg)
{
	struct cx_buf *b = arg;
	jv s = jv_is_valid(msg) && jv_get_kind(msg) == JV_KIND_STRING ?
	    jv_copy(msg) : jv_dump_string(jv_copy(msg), 0);

	/* The first says what is wrong; the last only how many. */
	if (b->len == 0)
		cx_buf_adds(b, jv_string_value(s));
	jv_free(s);
	jv_free(msg);
}

static void
where_init(void)
{
	if (G.d.where == NULL)
		return;
	if ((G.jq = jq_init()) == NULL)
		errx(CX_EXIT_ERR, "--where: cannot start jq");
	jq_set_error_cb(G.jq, jq_error, &G.jqerr);
	if (!jq_compile(G.jq, G.d.where))
		errx(CX_EXIT_ERR, "--where: %s", G.jqerr.len > 0 ?
		    cx_buf_str(&G.jqerr) : "not a jq expression");
}

/* 1 if the ticket is wanted, 0 if not, -1 (why in e) if jq fails. */
static int
where(const char *l, size_t n, struct cx_err *e)
{
	jv v, r;
	int ok;

	if (G.jq == NULL)
		return 1;
	v = jv_parse_sized(l, (int)n);
	if (!jv_is_valid(v)) {
		jv_free(v);
		cx_seterr(e, "not JSON");
		return -1;
	}
	jq_start(G.jq, v, 0);
	r = jq_next(G.jq);
	if (!jv_is_valid(r) && jv_invalid_has_msg(jv_copy(r))) {
		jv msg = jv_invalid_get_msg(r);

		cx_seterr(e, "--where: %s", jv_get_kind(msg) ==
		    JV_KIND_STRING ? jv_string_value(msg) : "jq failed");
		jv_free(msg);
		return -1;
	}
	ok = jv_is_valid(r) && jv_get_kind(r) != JV_KIND_FALSE &&
	    jv_get_kind(r) != JV_KIND_NULL;
	jv_free(r);
	return ok;
}

/* --- tickets -------------------------------------------------------------- */

static void
ticket(void *arg, const char *file, unsigned long line, const char *l,
    size_t n, struct cx_buf *out)
{
	struct cx_err e;
	int rc;

	(void)arg;
	(void)out;
	if ((rc = where(l, n, &e)) == 0) {
		G.read++;
		G.left++;
		return;
	}
	/* A follow-up (1) has no ticket of its own: not counted. */
	if (rc == 1 && (rc = rep_map_ticket(G.m, l, n, &e)) == 0)
		G.read++;
	else if (rc == -1)
		tool_bad(&G.t, file, line, e.msg, "left out");
}

/*
 * Every ticket of a spool directory: a file each, or batches of lines,
 * read with the follow-ups journaled beside them.
 */
static void
spool_dir(struct cx_spool *sp, const char *dir, int batches)
{
	struct cx_buf path = { 0 }, shown = { 0 }, joined = { 0 };
	struct cx_joins *js = NULL;
	struct cx_err e;
	struct cx_in in;
	const char *l;
	char **names;
	size_t i, n;
	int fd, rc;

	errno = 0;
	if ((names = cx_spool_list(sp, dir, &e)) == NULL) {
		if (errno == ENOENT)
			return;
		errx(CX_EXIT_ERR, "%s", e.msg);
	}
	for (i = 0; names[i] != NULL; i++) {
		if (batches && cx_joins_file(names[i], NULL))
			continue;	/* with its batch */
		if (batches && (js = cx_joins_load(sp, dir, names[i], names,
		    &e)) == NULL)
			errx(CX_EXIT_ERR, "%s", e.msg);
		path.len = shown.len = 0;
		cx_buf_printf(&path, "%s/%s", dir, names[i]);
		cx_buf_printf(&shown, "%s/%s/%s", cx_spool_path(sp), dir,
		    names[i]);
		if ((fd = cx_spool_openat(sp, cx_buf_str(&path), O_RDONLY,
		    &e)) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		if (cx_in_fdopen(&in, fd, cx_buf_str(&shown), &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		while ((rc = cx_in_line(&in, &l, &n, &e)) == 1) {
			if (in.cut) {
				cx_cut_why(&e, "a line");
				tool_bad(&G.t, in.name, in.lineno, e.msg,
				    "left out");
			} else if (n > 0 && (joined.len = 0, cx_joins_apply(js,
			    l, n, &joined)))
				ticket(NULL, in.name, in.lineno, joined.p,
				    joined.len - 1, NULL);
			else if (n > 0)
				ticket(NULL, in.name, in.lineno, l, n, NULL);
		}
		if (rc == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		cx_in_close(&in);
		if (cx_joins_check(js, sp, names[i], &e) == -1) {
			warnx("%s; left out", e.msg);
			G.t.nbad++;
		}
		cx_joins_free(js);
		js = NULL;
	}
	cx_spool_list_free(names);
	cx_buf_free(&path);
	cx_buf_free(&shown);
	cx_buf_free(&joined);
}

static void
spool(void)
{
	static const char *const dirs[] = { "new", "classified", "open",
	    "closed", "archive" };
	struct cx_spool *sp;
	struct cx_err e;
	size_t i;

	if (cx_spool_begin(&sp, G.t.spool, CX_SPOOL_READ, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		spool_dir(sp, dirs[i], i < 2);
	cx_spool_end(sp);
}

static void
merge(int argc, char *argv[])
{
	struct cx_err e;
	struct cx_in in;
	int i;

	for (i = 0; i < (argc > 0 ? argc : 1); i++) {
		if (cx_in_open(&in, argc > 0 ? argv[i] : "-", &e) == -1 ||
		    agg_read(&G.a, &G.d,
		    &in, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		cx_in_close(&in);
		G.read++;
	}
}

/* --- the QA sample for reviewers ------------------------------------------ */

static void
qa_csv(struct cx_buf *b)
{
	struct rep_item **items;
	struct cx_buf f = { 0 };
	const char *v[6];
	size_t n = rep_qa_sample(&G.a, &G.d, &items), i;

	/* The columns cx-close reads back (id, action, agent, verdict,
	 * note), then what the reviewer needs to find the ticket. */
	cx_buf_adds(b, G.v.en ? "id,action,agent,verdict,note,handled by,"
	    "department,problem type,channel\r\n" : "工单号,动作,处理人,"
	    "质检结果,备注,经办客服,部门,问题类型,渠道\r\n");
	for (i = 0; i < n; i++) {
		rep_item_fields(items[i]->json, &f, v, 6);
		rep_csv_field(b, v[0]);
		cx_buf_adds(b, ",review,,,,");
		rep_csv_field(b, v[5]);
		cx_buf_addc(b, ',');
		rep_csv_field(b, v[4]);
		cx_buf_addc(b, ',');
		rep_csv_field(b, *v[3] != '\0' ? v[3] : v[2]);
		cx_buf_addc(b, ',');
		rep_csv_field(b, v[1]);
		cx_buf_adds(b, "\r\n");
	}
	free(items);
	cx_buf_free(&f);
}

int
main(int argc, char *argv[])
{
	const char *week = NULL, *day = NULL, *from = NULL, *to = NULL;
	const char *form = "text";
	struct cx_taxonomy *tax = NULL;
	struct cx_cal *cal = NULL;
	struct rep_doc doc;
	struct cx_buf out = { 0 };
	struct cx_err e;
	char *path, *imp = NULL, *zone;
	int ch;

	G.d.seed = 1;
	G.d.qa_rate = 10;
	G.d.hot_min = 5;
	G.v.min_group = 10;
	while ((ch = tool_getopt(&G.t, argc, argv)) != -1) {
		switch (ch) {
		case 'L':
			if (strcmp(optarg, "zh") != 0 && strcmp(optarg,
			    "en") != 0)
				errx(CX_EXIT_ERR, "-L: zh or en, not \"%s\"",
				    optarg);
			G.v.en = strcmp(optarg, "en") == 0;
			break;
		case 'O':
			form = optarg;
			break;
		case OPT_WEEK: week = optarg; break;
		case OPT_DAY: day = optarg; break;
		case OPT_FROM: from = optarg; break;
		case OPT_TO: to = optarg; break;
		case OPT_WHERE: G.d.where = optarg; break;
		case OPT_PARTIAL: G.partial = 1; break;
		case OPT_MERGE: G.merge = 1; break;
		case OPT_QA: G.qa = 1; break;
		case OPT_PUBLIC: G.v.public = 1; break;
		case OPT_UNMASKED: G.d.unmasked = G.v.unmasked = 1; break;
		case OPT_IMPROVE: G.v.improvements = optarg; break;
		case OPT_QARATE:
			G.d.qa_rate = (unsigned)number(optarg, 1, 100,
			    "--qa-rate");
			break;
		case OPT_HOTMIN:
			G.d.hot_min = (unsigned)number(optarg, 1, 1000000,
			    "--hot-min");
			break;
		case OPT_MINGROUP:
			G.v.min_group = (unsigned)number(optarg, 1, 1000000,
			    "--min-group");
			break;
		case TOOL_SEED:
			G.d.seed = number(optarg, 0, 4294967295UL, "--seed");
			break;
		}
	}
	argc -= optind;
	argv += optind;
	tool_operands(&G.t, argc);
	if (strcmp(form, "text") == 0)
		G.form = OUT_TEXT;
	else if (strcmp(form, "md") == 0 || strcmp(form, "markdown") == 0)
		G.form = OUT_MD;
	else if (strcmp(form, "csv") == 0)
		G.form = OUT_CSV;
	else if (strcmp(form, "json") == 0)
		G.form = OUT_JSON;
	else if (strcmp(form, "html") == 0)
		G.form = OUT_HTML;
	else
		errx(CX_EXIT_ERR, "-O: text, md, csv, json or html, not \"%s\"",
		    form);
	if (G.partial + G.merge + G.qa + G.v.public > 1 && !(G.merge &&
	    (G.qa || G.v.public) && !G.partial))
		errx(CX_EXIT_ERR, "--partial, --qa and --public: one of them "
		    "(--merge may go with --qa or --public)");
	if (G.merge && G.t.spool != NULL)
		errx(CX_EXIT_ERR, "--merge adds up parts, not a spool");
	tool_clock(&G.t);
	path = tool_conf(&G.t, NULL, "calendar");
	if ((cal = cx_cal_load(path, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(path);
	G.d.zone = zone = cx_strndup(cx_tz_name(), strlen(cx_tz_name()));
	period(week, day, from, to);
	path = tool_conf(&G.t, NULL, "taxonomy");
	if ((tax = cx_taxonomy_load(path, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(path);
	G.v.tax = tax;
	/* The spool's own list of improvement actions, if it has one. */
	if (G.v.improvements == NULL && G.t.spool != NULL) {
		if (cx_conf_path(G.t.spool, "improvements", &imp, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		G.v.improvements = imp;
	}
	agg_init(&G.a);
	if (G.merge)
		merge(argc, argv);
	else {
		where_init();
		G.m = rep_map_new(&G.d, cal, &G.a);
		if (G.t.spool != NULL)
			spool();
		else
			tool_filter(&G.t, argc, argv, ticket, NULL);
	}
	if (G.partial)
		agg_write(&G.a, &G.d, &out);
	else if (G.qa)
		qa_csv(&out);
	else {
		rep_doc_build(&doc, &G.a, &G.d, &G.v);
		if (G.v.improvements != NULL && !G.v.public &&
		    rep_improvements(&doc, G.v.improvements, &G.a, &G.d, &G.v,
		    &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		rep_out(&doc, G.form, isatty(1) && getenv("NO_COLOR") == NULL &&
		    G.form == OUT_TEXT, G.v.en, &out);
		rep_doc_free(&doc);
	}
	if (cx_write_all(1, out.p, out.len) == -1)
		err(CX_EXIT_ERR, "standard output");
	cx_buf_free(&out);
	rep_map_free(G.m);
	agg_free(&G.a);
	cx_cal_free(cal);
	cx_taxonomy_free(tax);
	free(imp);
	free(zone);
	if (G.jq != NULL)
		jq_teardown(&G.jq);
	cx_buf_free(&G.jqerr);
	return tool_exit(&G.t, G.merge ? "%lu parts merged" :
	    "%lu tickets read, %lu left out by --where, %lu unread", G.read,
	    G.left, G.t.nbad);
}
