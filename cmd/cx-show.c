/*
 * cx-show: the team's view of its tickets.
 *
 * Without -i, the open tickets, from the spool's index (lib/index.c), not
 * from a hundred thousand files: an agent's, a department's, a
 * priority's, those in breach or due soon, the soonest due first.  With
 * -i, each ticket's whole story, read from its own file: who the customer
 * is, what the complaint is, who has it, each clock with its due time and
 * how it stands, and the history and the conversation in order.  In
 * Chinese or English for a person, or as JSON Lines for a pipeline.
 * Names, phone numbers and email addresses are masked unless --unmasked
 * is given.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx.h"
#include "tool.h"

enum { OPT_DEPT = 300, OPT_PRIO, OPT_BREACHED, OPT_DUE, OPT_UNMASKED };

static const struct tool_opt opts[] = {
	{ 'a', "agent", "agent", "only the tickets of this agent" },
	{ 'i', "id", "id", "this ticket's story; again for more" },
	{ 'J', "json", NULL, "JSON Lines, not text" },
	{ 'L', "language", "language", "zh or en: the text's language" },
	{ OPT_BREACHED, "breached", NULL, "only the tickets in breach" },
	{ OPT_DEPT, "department", "department", "only the tickets this "
	    "department leads" },
	{ OPT_DUE, "due", "time", "only the tickets due by then (a time, or "
	    "4h from now)" },
	{ OPT_PRIO, "priority", "priority", "only the tickets of this "
	    "priority" },
	{ OPT_UNMASKED, "unmasked", NULL, "names, phones and emails as they "
	    "are" },
	{ 0, NULL, NULL, NULL }
};

static struct {
	struct tool		 t;
	struct cx_spool		*sp;
	struct tool_ids		 ids;
	const char		*agent, *dept, *prio, *due;
	time_t			 dueby;
	int			 json, en, breached, unmasked;
	unsigned long		 shown;
} G = {
	.t = {
		.name = "cx-show",
		.synopsis = "cx-show [-Jq] [-a agent] [-L language] [-s spool] "
		    "[-z zone] [--now time] [--breached]\n"
		    "               [--department department] [--due time] "
		    "[--priority priority] [--unmasked]\n"
		    "       cx-show [-Jq] -i id [-L language] [-s spool] "
		    "[-z zone] [--now time] [--unmasked]",
		.opts = opts,
		.flags = TOOL_SPOOL | TOOL_CLOCK | TOOL_SPOOLONLY,
	},
};

/* A label in the text's language. */
static const char *
L(const char *en, const char *zh)
{
	return G.en ? en : zh;
}

/* --- lists ------------------------------------------------------------ */

enum { X_ID, X_STATUS, X_PRIO, X_CAT, X_DEPT, X_AGENT, X_OWNER, X_RECV,
    X_DUE, X_BREACHED, X_SUBJECT, X_N };

static int
split(const char *line, const char **f, size_t *n)
{
	const char *p = line, *tab;
	int k;

	for (k = 0; k < X_N; k++) {
		f[k] = "";
		n[k] = 0;
	}
	for (k = 0; k < X_N; k++) {
		tab = strchr(p, '\t');
		f[k] = p;
		n[k] = tab != NULL ? (size_t)(tab - p) : strlen(p);
		if (tab == NULL)
			break;
		p = tab + 1;
	}
	return k == X_N - 1 ? 0 : -1;
}

static int
is(const char *s, size_t n, const char *want)
{
	return want == NULL || (strlen(want) == n && memcmp(s, want, n) == 0);
}

static int
wanted(const char **f, const size_t *n)
{
	time_t due;

	if (!is(f[X_AGENT], n[X_AGENT], G.agent) ||
	    !is(f[X_DEPT], n[X_DEPT], G.dept) ||
	    !is(f[X_PRIO], n[X_PRIO], G.prio) ||
	    (G.breached && is(f[X_BREACHED], n[X_BREACHED], "-")))
		return 0;
	if (G.due == NULL)
		return 1;
	return n[X_DUE] > 1 && cx_time_parse(f[X_DUE], n[X_DUE], &due,
	    NULL) == 0 && due <= G.dueby;
}

static int
by_due(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	const char *fx[X_N], *fy[X_N];
	size_t nx[X_N], ny[X_N];
	int c;

	(void)split(x, fx, nx);
	(void)split(y, fy, ny);
	/* "-" (nothing running) after every time. */
	if ((c = (nx[X_DUE] == 1) - (ny[X_DUE] == 1)) != 0)
		return c;
	if ((c = strncmp(fx[X_DUE], fy[X_DUE], nx[X_DUE] < ny[X_DUE] ?
	    nx[X_DUE] : ny[X_DUE])) != 0)
		return c;
	return strcmp(x, y);
}

static void
json_member(struct cx_buf *o, const char *k, const char *v, size_t n,
    int first)
{
	cx_json_addkey(o, first, k);
	if (n == 1 && v[0] == '-')
		cx_buf_adds(o, "null");
	else
		cx_json_addstr(o, v, n);
}

static void
list_line(const char **f, const size_t *n)
{
	static const char *const keys[X_N] = { "id", "status", "priority",
	    "category", "department", "assignee", "owner", "received_at",
	    "due", "breached", "subject" };
	struct cx_buf *o = &G.t.out;
	int k;

	if (G.json) {
		cx_buf_addc(o, '{');
		for (k = 0; k < X_N; k++)
			json_member(o, keys[k], f[k], n[k], k == 0);
		cx_buf_adds(o, "}\n");
		return;
	}
	/* ID PRIORITY STATUS DEPARTMENT ASSIGNEE DUE BREACHED SUBJECT */
	cx_buf_add(o, f[X_ID], n[X_ID]);
	for (k = X_PRIO; k <= X_SUBJECT; k++) {
		if (k == X_CAT || k == X_OWNER || k == X_RECV)
			continue;
		cx_buf_addc(o, '\t');
		if (k == X_DUE && n[k] > 16)
			cx_buf_add(o, f[k] + 5, 11);	/* MM-DDTHH:MM */
		else
			cx_buf_add(o, f[k], n[k]);
		if (k == X_PRIO) {
			cx_buf_addc(o, '\t');
			cx_buf_add(o, f[X_STATUS], n[X_STATUS]);
		}
	}
	cx_buf_addc(o, '\n');
}

static void
list(void)
{
	struct cx_index *x;
	struct cx_err e;
	const char **v, *f[X_N];
	size_t i, n, fn[X_N];
	int exists;

	if ((x = cx_index_load(G.sp, &exists, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (!exists) {
		/* A spool no writer has indexed yet: read open/ once. */
		cx_index_free(x);
		if ((x = cx_index_open(G.sp, &e)) == NULL)
			errx(CX_EXIT_ERR, "%s", e.msg);
	}
	v = cx_index_lines(x, &n);
	qsort(v, n, sizeof(*v), by_due);
	if (!G.json)
		cx_buf_printf(&G.t.out, "%s\n", L("# id\tpriority\tstatus\t"
		    "department\tassignee\tdue\tbreached\tsubject",
		    "# 工单号\t优先级\t状态\t部门\t处理人\t应于\t已超时\t主题"));
	for (i = 0; i < n; i++)
		if (split(v[i], f, fn) == 0 && wanted(f, fn)) {
			list_line(f, fn);
			G.shown++;
			tool_flush(&G.t);
		}
	free(v);
	cx_index_free(x);
}

/* --- one ticket's story ------------------------------------------------- */

/* A label padded to 12 columns, a CJK character taking two. */
static void
pad(struct cx_buf *o, const char *label, int cols)
{
	const unsigned char *p = (const unsigned char *)label;
	int w = 0;

	cx_buf_adds(o, label);
	for (; *p != '\0'; p++)
		if (*p < 0x80)
			w++;
		else if (*p >= 0xe0)
			w += 2;		/* a three-byte character: CJK */
	for (; w < cols; w++)
		cx_buf_addc(o, ' ');
}

static void
line(const char *label, const char *v, size_t n)
{
	if (n == 0)
		return;
	cx_buf_adds(&G.t.out, "  ");
	pad(&G.t.out, label, 12);
	cx_buf_addc(&G.t.out, ' ');
	cx_buf_add(&G.t.out, v, n);
	cx_buf_addc(&G.t.out, '\n');
}

static void
str(const struct cx_rec *r, const char *path, const char *label)
{
	struct cx_buf b = { 0 };

	if (cx_rec_getstr(r, path, &b) == 0)
		line(label, b.p, b.len);
	cx_buf_free(&b);
}

/* A personal detail, masked unless --unmasked. */
static void
personal(const struct cx_rec *r, const char *path, const char *label,
    void (*mask)(const char *, size_t, struct cx_buf *))
{
	struct cx_buf b = { 0 }, m = { 0 };

	if (cx_rec_getstr(r, path, &b) == 0) {
		if (!G.unmasked)
			mask(b.p, b.len, &m);
		line(label, G.unmasked ? b.p : m.p, G.unmasked ? b.len : m.len);
	}
	cx_buf_free(&b);
	cx_buf_free(&m);
}

static void
clock_line(void *arg, const char *k, size_t kn, const char *v, size_t vn)
{
	static const char *const keys[] = { "limit", "due", "met_at",
	    "breached", "paused" };
	struct cx_buf *o = arg, s = { 0 };
	const char *m[5];
	size_t mn[5];
	int breached, i;

	if (cx_json_fields(v, vn, keys, 5, m, mn) == -1)
		return;
	cx_buf_printf(o, "  %-16.*s", (int)kn, k);
	for (i = 0; i < 3; i++) {
		s.len = 0;
		if (m[i] != NULL && cx_json_str(m[i], mn[i], &s) == 0)
			cx_buf_printf(o, "%s%s", i == 0 ? "" : i == 1 ?
			    L("  due ", "  应于 ") : L("  met ", "  完成于 "),
			    i == 0 ? cx_buf_str(&s) : cx_buf_str(&s));
	}
	breached = m[3] != NULL && mn[3] == 4 && memcmp(m[3], "true", 4) == 0;
	if (m[2] != NULL)
		cx_buf_adds(o, breached ? L("  (late)", "  (超时)") :
		    L("  (in time)", "  (按时)"));
	else if (breached)
		cx_buf_adds(o, L("  BREACHED", "  已超时"));
	else if (m[4] != NULL && mn[4] == 4 && memcmp(m[4], "true", 4) == 0)
		cx_buf_adds(o, L("  paused", "  暂停"));
	else
		cx_buf_adds(o, L("  running", "  进行中"));
	cx_buf_addc(o, '\n');
	cx_buf_free(&s);
}

static void
entry_line(void *arg, const char *v, size_t n)
{
	static const char *const keys[] = { "at", "by", "action", "note",
	    "text", "from" };
	struct cx_buf *o = arg, s = { 0 };
	const char *m[6];
	size_t mn[6];
	int i;

	if (cx_json_fields(v, n, keys, 6, m, mn) == -1)
		return;
	cx_buf_adds(o, " ");
	for (i = 0; i < 6; i++) {
		s.len = 0;
		if (m[i] == NULL || cx_json_str(m[i], mn[i], &s) == -1)
			continue;
		if (i == 0 && s.len >= 16)
			cx_buf_printf(o, " %.16s", s.p);
		else
			cx_buf_printf(o, i >= 3 ? "  %s" : " %s",
			    cx_buf_str(&s));
	}
	cx_buf_addc(o, '\n');
	cx_buf_free(&s);
}

static void
story(const char *id)
{
	struct cx_buf text = { 0 };
	struct cx_rec r = { 0 };
	const struct cx_field *f;
	const char *where;
	struct cx_err e;
	int rc;

	if ((rc = cx_spool_find(G.sp, id, &text, &r, &where, &e)) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (rc != 0) {
		if (rc == 2)
			tool_bad(&G.t, id, 1, e.msg, "not shown");
		cx_buf_free(&text);
		cx_rec_free(&r);
		return;
	}
	(void)tool_ids_want(&G.ids, id);
	G.shown++;
	if (G.json) {
		if (!G.unmasked) {
			struct cx_buf c = { 0 };

			cx_rec_del(&r, "customer");
			cx_buf_adds(&c, "{\"masked\":true}");
			cx_rec_set_raw(&r, "customer", c.p, c.len);
			cx_buf_free(&c);
		}
		cx_rec_write(&r, &G.t.out);
		goto out;
	}
	cx_buf_printf(&G.t.out, "%s\n", id);
	str(&r, "status", L("status", "状态"));
	str(&r, "priority", L("priority", "优先级"));
	str(&r, "subcategory", L("category", "类别"));
	str(&r, "channel", L("channel", "渠道"));
	str(&r, "received_at", L("received", "收到"));
	personal(&r, "customer.name", L("customer", "客户"), cx_mask_name);
	personal(&r, "customer.phone", L("phone", "电话"), cx_mask_phone);
	personal(&r, "customer.email", L("email", "邮箱"), cx_mask_email);
	str(&r, "order_id", L("order", "订单"));
	str(&r, "department", L("department", "部门"));
	str(&r, "owner", L("owner", "首问负责人"));
	str(&r, "assignee", L("assignee", "处理人"));
	str(&r, "subject", L("subject", "主题"));
	str(&r, "text", L("complaint", "内容"));
	str(&r, "resolution.code", L("resolution", "处理结果"));
	if ((f = cx_rec_get(&r, "sla")) != NULL) {
		cx_buf_printf(&G.t.out, "%s\n", L("clocks", "时效"));
		(void)cx_json_each_member(f->v, f->vlen, clock_line,
		    &G.t.out);
	}
	if ((f = cx_rec_get(&r, "conversation")) != NULL) {
		cx_buf_printf(&G.t.out, "%s\n", L("conversation", "对话"));
		(void)cx_json_each(f->v, f->vlen, entry_line, &G.t.out);
	}
	if ((f = cx_rec_get(&r, "history")) != NULL) {
		cx_buf_printf(&G.t.out, "%s\n", L("history", "处理记录"));
		(void)cx_json_each(f->v, f->vlen, entry_line, &G.t.out);
	}
out:
	tool_flush(&G.t);
	cx_buf_free(&text);
	cx_rec_free(&r);
}

int
main(int argc, char *argv[])
{
	struct cx_err e;
	long span;
	size_t i;
	int ch;

	while ((ch = tool_getopt(&G.t, argc, argv)) != -1) {
		switch (ch) {
		case 'a':
			G.agent = optarg;
			break;
		case 'i':
			tool_ids_add(&G.ids, optarg);
			break;
		case 'J':
			G.json = 1;
			break;
		case 'L':
			if (strcmp(optarg, "zh") != 0 && strcmp(optarg,
			    "en") != 0)
				errx(CX_EXIT_ERR, "-L: zh or en, not \"%s\"",
				    optarg);
			G.en = strcmp(optarg, "en") == 0;
			break;
		case OPT_BREACHED:
			G.breached = 1;
			break;
		case OPT_DEPT:
			G.dept = optarg;
			break;
		case OPT_DUE:
			G.due = optarg;
			break;
		case OPT_PRIO:
			G.prio = optarg;
			break;
		case OPT_UNMASKED:
			G.unmasked = 1;
			break;
		}
	}
	tool_operands(&G.t, argc - optind);
	if (argc > optind)
		errx(CX_EXIT_ERR, "tickets are named with -i");
	tool_clock(&G.t);
	if (G.due != NULL && cx_time_parse(G.due, strlen(G.due), &G.dueby,
	    &e) == -1) {
		/* A span from now: 4h, 30m, 1d. */
		if (cx_span_secs(G.due, strlen(G.due), &span) == -1)
			errx(CX_EXIT_ERR, "--due: \"%s\" is no time and no span",
			    G.due);
		G.dueby = cx_now() + span;
	}
	if (cx_spool_begin(&G.sp, G.t.spool, CX_SPOOL_READ, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (G.ids.n > 0)
		for (i = 0; i < G.ids.n; i++)
			story(G.ids.id[i]);
	else
		list();
	cx_spool_end(G.sp);
	if (G.ids.n > 0)
		tool_ids_check(&G.t, &G.ids);
	tool_ids_free(&G.ids);
	return tool_exit(&G.t, "%lu tickets shown, %lu unread", G.shown,
	    G.t.nbad);
}
