/*
 * cx-status: how a complaint stands, for the customer who made it (R5.3,
 * 进度查询).
 *
 * Given a ticket number and the last four digits of the customer's phone
 * number, or their email address, it prints the ticket's status, the
 * steps the customer may see (registered, acknowledged, investigating,
 * waiting, resolved, closed, reopened: not the notes, the reassignments or
 * the clocks) and the promised date, and nothing else: no name, no agent,
 * no text.  A ticket that is not there and a pair that does not match get
 * the same answer, so the tool tells nobody which ticket numbers exist.
 * It finds tickets in open/, closed/ and the archive, and only reads.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx.h"
#include "tool.h"

static const struct tool_opt opts[] = {
	{ 'J', "json", NULL, "a JSON object, not text" },
	{ 'L', "language", "language", "zh or en; else the customer's" },
	{ 0, NULL, NULL, NULL }
};

static struct {
	struct tool	 t;
	struct cx_spool	*sp;
	int		 json, lang;
} G = {
	.t = {
		.name = "cx-status",
		.synopsis = "cx-status [-Jq] [-L language] [-s spool] [-z zone] "
		    "[--now time] id phone-last-4|email",
		.opts = opts,
		.flags = TOOL_SPOOL | TOOL_CLOCK | TOOL_SPOOLONLY,
	},
	.lang = -1,
};

/* Words for the customer: a status or a step, in English and Chinese. */
struct word {
	const char	*key, *en, *zh;
};

static const struct word statuses[] = {
	{ "new", "received", "已受理" },
	{ "classified", "received", "已受理" },
	{ "assigned", "received", "已受理" },
	{ "queued", "received", "已受理" },
	{ "acknowledged", "acknowledged", "已受理" },
	{ "investigating", "being handled", "处理中" },
	{ "proposed", "being handled", "处理中" },
	{ "approved", "being handled", "处理中" },
	{ "waiting", "waiting", "等待中" },
	{ "resolved", "resolved, waiting for your confirmation",
	    "已解决，待您确认" },
	{ "closed", "closed", "已结案" },
	{ "reopened", "being handled again", "重新处理中" },
	{ "merged", "merged into another ticket", "已与其他工单合并处理" },
	{ NULL, NULL, NULL }
};

static const struct word steps[] = {
	{ "registered", "registered", "已登记" },
	{ "acknowledged", "acknowledged", "已受理" },
	{ "investigating", "investigation started", "开始调查处理" },
	{ "waiting", "waiting", "等待中" },
	{ "resumed", "handling resumed", "继续处理" },
	{ "replied", "we answered you", "已答复您" },
	{ "solution_proposed", "a solution was proposed", "已提出解决方案" },
	{ "resolved", "resolved", "已解决" },
	{ "customer_confirmed", "you confirmed the solution", "您已确认解决" },
	{ "closed", "closed", "已结案" },
	{ "reopened", "reopened", "重新处理" },
	{ "merged", "merged into another ticket", "与其他工单合并处理" },
	{ NULL, NULL, NULL }
};

static const struct word *
word(const struct word *w, const char *key)
{
	for (; w->key != NULL; w++)
		if (strcmp(w->key, key) == 0)
			return w;
	return NULL;
}

static const char *
say(const struct word *w)
{
	return G.lang == CX_LANG_EN ? w->en : w->zh;
}

/* Whether the pair matches: the phone's last four digits, or the email. */
static int
matches(const struct cx_rec *r, const char *key)
{
	struct cx_buf b = { 0 };
	char last[5] = "";
	size_t i, k = 0;
	int yes = 0;

	if (strchr(key, '@') != NULL) {
		if (cx_rec_getstr(r, "customer.email", &b) == 0)
			yes = cx_streqi(b.p, b.len, key, strlen(key));
	} else if (cx_rec_getstr(r, "customer.phone", &b) == 0) {
		for (i = b.len; i > 0 && k < 4; i--)
			if (b.p[i - 1] >= '0' && b.p[i - 1] <= '9')
				last[3 - k++] = b.p[i - 1];
		yes = k == 4 && memcmp(last, key, 4) == 0;
	}
	cx_buf_free(&b);
	return yes;
}

struct out {
	struct cx_buf	*o, tmp, act;
	int		 n;
};

static void
step(void *arg, const char *v, size_t n)
{
	static const char *const keys[] = { "at", "action" };
	struct out *x = arg;
	const struct word *w;
	const char *m[2];
	size_t mn[2];

	if (cx_json_fields(v, n, keys, 2, m, mn) == -1 || m[0] == NULL ||
	    m[1] == NULL)
		return;
	x->act.len = 0;
	x->tmp.len = 0;
	if (cx_json_str(m[1], mn[1], &x->act) == -1 ||
	    (w = word(steps, cx_buf_str(&x->act))) == NULL ||
	    cx_json_str(m[0], mn[0], &x->tmp) == -1 || x->tmp.len < 16)
		return;
	if (G.json) {
		cx_buf_adds(x->o, x->n++ > 0 ? "," : "");
		cx_buf_adds(x->o, "{\"at\":");
		cx_json_addstr(x->o, x->tmp.p, x->tmp.len);
		cx_buf_printf(x->o, ",\"step\":\"%s\",\"text\":\"%s\"}",
		    w->key, say(w));
	} else
		cx_buf_printf(x->o, "  %.10s %.5s  %s\n", x->tmp.p,
		    x->tmp.p + 11, say(w));
}

static void
show(const char *id, const struct cx_rec *r)
{
	struct cx_buf st = { 0 }, due = { 0 }, tmp = { 0 };
	struct out x = { &G.t.out, { 0 }, { 0 }, 0 };
	const struct cx_field *h = cx_rec_get(r, "history");
	const struct word *w;
	int promise;

	if (G.lang == -1)
		G.lang = cx_lang_of(r, &tmp);
	if (cx_rec_getstr(r, "status", &st) == -1)
		cx_buf_adds(&st, "new");
	w = word(statuses, cx_buf_str(&st));
	/* A promise while the ticket is being worked on, not after. */
	promise = strcmp(st.p, "resolved") == 0 || strcmp(st.p, "closed") ==
	    0 || strcmp(st.p, "merged") == 0 ? -1 : cx_promised(r, cx_now(),
	    G.lang, &due, &tmp);
	if (G.json) {
		cx_buf_adds(x.o, "{\"id\":");
		cx_json_addstr(x.o, id, strlen(id));
		cx_buf_adds(x.o, ",\"status\":");
		cx_json_addstr(x.o, st.p, st.len);
		cx_buf_adds(x.o, ",\"status_text\":");
		cx_json_addstr(x.o, w != NULL ? say(w) : st.p, strlen(w !=
		    NULL ? say(w) : st.p));
		if (promise != -1) {
			cx_buf_adds(x.o, ",\"promised\":");
			cx_json_addstr(x.o, due.p, due.len);
		}
		cx_buf_adds(x.o, ",\"steps\":[");
	} else {
		cx_buf_printf(x.o, G.lang == CX_LANG_EN ? "Ticket %s\n" :
		    "工单 %s\n", id);
		cx_buf_printf(x.o, G.lang == CX_LANG_EN ? "Status: %s\n" :
		    "状态：%s\n", w != NULL ? say(w) : cx_buf_str(&st));
		if (promise != -1)
			cx_buf_printf(x.o, G.lang == CX_LANG_EN ?
			    "Promised: %s\n" : "承诺时限：%s\n",
			    cx_buf_str(&due));
		cx_buf_adds(x.o, G.lang == CX_LANG_EN ? "Steps:\n" : "进度：\n");
	}
	if (h != NULL)
		(void)cx_json_each(h->v, h->vlen, step, &x);
	if (G.json)
		cx_buf_adds(x.o, "]}\n");
	cx_buf_free(&st);
	cx_buf_free(&due);
	cx_buf_free(&tmp);
	cx_buf_free(&x.tmp);
	cx_buf_free(&x.act);
}

int
main(int argc, char *argv[])
{
	struct cx_buf text = { 0 };
	struct cx_rec r = { 0 };
	const char *where, *key;
	struct cx_err e;
	size_t i;
	int ch, rc;

	while ((ch = tool_getopt(&G.t, argc, argv)) != -1) {
		if (ch == 'J')
			G.json = 1;
		else if (ch == 'L') {
			if (strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") !=
			    0)
				errx(CX_EXIT_ERR, "-L: zh or en, not \"%s\"",
				    optarg);
			G.lang = strcmp(optarg, "en") == 0 ? CX_LANG_EN :
			    CX_LANG_ZH;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		tool_usage(&G.t);
	key = argv[1];
	for (i = 0; key[i] >= '0' && key[i] <= '9'; i++)
		;
	if (strchr(key, '@') == NULL && (i != 4 || key[i] != '\0'))
		errx(CX_EXIT_ERR, "\"%s\": the last four digits of the phone, "
		    "or the email", key);
	tool_clock(&G.t);
	if (cx_spool_begin(&G.sp, G.t.spool, CX_SPOOL_READ, &e) == -1 ||
	    (rc = cx_spool_find(G.sp, argv[0], &text, &r, &where, &e)) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	/* Not there, no record, or not theirs: one answer for all. */
	if (rc != 0 || !matches(&r, key)) {
		warnx("%s: no such ticket for that phone or email", argv[0]);
		G.t.no = 1;
	} else
		show(argv[0], &r);
	tool_flush(&G.t);
	cx_buf_free(&text);
	cx_rec_free(&r);
	cx_spool_end(G.sp);
	return cx_exit_status(0, G.t.no);
}
