/*
 * cx-follow: the customer's side of the loop (R5.2, R5.3, R5.5, R5.6),
 * for cron: the messages each event owes the customer, and the timers of
 * the closed loop.
 *
 * Each run reads every ticket of open/ and closed/ and works out what is
 * due now from its history: the acknowledgement of a new ticket with its
 * promised date, a progress message when the investigation starts, the
 * resolution, a confirmation request when the customer has said nothing
 * for confirm_after, the close when they still say nothing close_after
 * later, and the survey invitation survey_after to survey_until after the
 * close.  A message is written to the outbox, a mail for sendmail -t and
 * a CSV line for an SMS gateway, and a "notified" entry in the ticket's
 * history says it was, in the same commit: each event is told once,
 * however often cron runs, and a run killed at any instant loses and
 * doubles nothing.
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

static const struct tool_opt opts[] = {
	{ 'n', "dry-run", NULL, "say what would be sent and done; change "
	    "nothing" },
	{ 0, NULL, NULL, NULL }
};

/* The messages, and their templates (cx-templates(5)). */
enum { M_ACK, M_PROGRESS, M_RESOLUTION, M_CONFIRM, M_SURVEY, M_N };
static const char *const mname[M_N] = { "ack", "progress", "resolution",
	"confirm", "survey" };
#define L_ZH	CX_LANG_ZH
#define L_EN	CX_LANG_EN
#define L_N	2
static const char *const lname[L_N] = { "zh", "en" };

static struct {
	struct tool		 t;
	struct cx_spool		*sp;
	struct cx_index		*index;
	struct cx_alias		*codes;
	struct cx_act_ctx	 ctx;
	struct cx_tmpl		*tmpl[L_N][M_N];
	char			*from, *team, *team_en;
	long			 confirm_after, close_after;
	long			 survey_after, survey_until;
	time_t			 now, history_before;
	int			 dry;
	struct cx_buf		 sms;		/* the run's SMS file */
	struct cx_buf		 vals[CX_TV_N];	/* of the ticket at hand */
	int			 valued, lang;
	unsigned long		 nsent[M_N], nmail, nsms, nclosed, nnone;
} G = {
	.t = {
		.name = "cx-follow",
		.synopsis = "cx-follow [-nq] [-s spool] [-z zone] "
		    "[--now time]",
		.opts = opts,
		.flags = TOOL_SPOOL | TOOL_CLOCK | TOOL_SPOOLONLY,
	},
};

/* What a ticket's history says of the loop. */
struct facts {
	time_t	 investigating, resolved, closed;	/* the last of each */
	time_t	 customer;		/* the customer's last message */
	time_t	 told[M_N];		/* the event each message told of */
	time_t	 told_at[M_N];		/* when it was sent */
	int	 unreached[M_N];	/* the last of each went nowhere */
	int	 told_any;
	struct cx_buf tmp, act;
};

static time_t
time_of(const char *v, size_t n, struct cx_buf *tmp)
{
	time_t t;

	tmp->len = 0;
	if (v == NULL || cx_json_str(v, n, tmp) == -1 ||
	    cx_time_parse(tmp->p, tmp->len, &t, NULL) == -1)
		return 0;
	return t;
}

static void
max_to(time_t *a, time_t b)
{
	if (b > *a)
		*a = b;
}

static void
entry(void *arg, const char *v, size_t n)
{
	static const char *const keys[] = { "at", "action", "message", "for",
	    "via" };
	struct facts *f = arg;
	const char *m[5], *s;
	size_t mn[5];
	time_t at;
	int i;

	if (cx_json_fields(v, n, keys, 5, m, mn) == -1 || m[1] == NULL ||
	    (at = time_of(m[0], mn[0], &f->tmp)) == 0)
		return;
	f->act.len = 0;
	if (cx_json_str(m[1], mn[1], &f->act) == -1)
		return;
	s = cx_buf_str(&f->act);
	if (strcmp(s, "investigating") == 0)
		max_to(&f->investigating, at);
	else if (strcmp(s, "resolved") == 0)
		max_to(&f->resolved, at);
	else if (strcmp(s, "closed") == 0)
		max_to(&f->closed, at);
	else if (strcmp(s, "customer_reply") == 0)
		max_to(&f->customer, at);
	else if (strcmp(s, "notified") == 0 && m[2] != NULL) {
		f->act.len = 0;
		if (cx_json_str(m[2], mn[2], &f->act) == -1)
			return;
		for (i = 0; i < M_N; i++)
			if (strcmp(cx_buf_str(&f->act), mname[i]) == 0) {
				max_to(&f->told[i], time_of(m[3], mn[3],
				    &f->tmp));
				max_to(&f->told_at[i], at);
				f->tmp.len = 0;
				f->unreached[i] = m[4] != NULL &&
				    cx_json_str(m[4], mn[4], &f->tmp) == 0 &&
				    strcmp(cx_buf_str(&f->tmp), "none") == 0;
				f->told_any = 1;
			}
	}
}

static void
followup(void *arg, const char *v, size_t n)
{
	struct facts *f = arg;
	const char *t;
	size_t tn;

	if (cx_json_member(v, n, "received_at", &t, &tn) == 0)
		max_to(&f->customer, time_of(t, tn, &f->tmp));
}

static void
facts_of(const struct cx_rec *r, struct facts *f)
{
	const struct cx_field *h;

	if ((h = cx_rec_get(r, "history")) != NULL)
		(void)cx_json_each(h->v, h->vlen, entry, f);
	if ((h = cx_rec_get(r, "followups")) != NULL)
		(void)cx_json_each(h->v, h->vlen, followup, f);
}

static void
csv_field(struct cx_buf *b, const char *s, int last)
{
	cx_buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			cx_buf_addc(b, '"');
		cx_buf_addc(b, *s);
	}
	cx_buf_adds(b, last ? "\"\r\n" : "\",");
}

static void values(const struct cx_rec *, const char *);

/* One message to the customer: a mail and an SMS line where there is an
 * address and a number for them; the history entry that says so. */
static void
tell(int m, const char *id, struct cx_rec *r, time_t event)
{
	struct cx_buf subj = { 0 }, sms = { 0 }, body = { 0 }, mail = { 0 };
	struct cx_buf email = { 0 }, phone = { 0 }, name = { 0 }, h = { 0 };
	struct cx_buf via = { 0 }, ev = { 0 }, fn = { 0 };
	const char *v[CX_TV_N];
	struct cx_mail mm;
	struct cx_err e;
	int i, has_sms;

	values(r, id);
	for (i = 0; i < CX_TV_N; i++)
		v[i] = G.vals[i].len > 0 ? cx_buf_str(&G.vals[i]) : NULL;
	has_sms = cx_tmpl_render(G.tmpl[G.lang][m], v, &subj, &sms, &body);
	if (cx_rec_getstr(r, "customer.email", &email) == 0 && email.len > 0 &&
	    !cx_mail_addr_ok(cx_buf_str(&email))) {
		/* Said once, with the message it stops; masked (R1.6). */
		cx_mask_email(email.p, email.len, &name);
		warnx("%s: %s: \"%s\" is no address a mail can go to; not "
		    "mailed", id, mname[m], cx_buf_str(&name));
		name.len = 0;
		email.len = 0;
	}
	if (email.len > 0) {
		(void)cx_rec_getstr(r, "customer.name", &name);
		cx_buf_printf(&fn, "%s.%s.%lu", id, mname[m],
		    cx_spool_serial(G.sp));
		mm = (struct cx_mail){ G.from, name.len > 0 ? cx_buf_str(&name) :
		    NULL, cx_buf_str(&email), cx_buf_str(&subj),
		    cx_buf_str(&body), G.now, cx_buf_str(&fn), id };
		if (cx_mail_write(&mm, &mail, &e) == -1)
			errx(CX_EXIT_ERR, "cx.conf: %s", e.msg);
		cx_buf_adds(&fn, ".eml");
		if (!G.dry && cx_spool_stage(G.sp, "outbox",
		    cx_buf_str(&fn), mail.p, mail.len, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		cx_buf_adds(&via, "email");
		G.nmail++;
	}
	if (has_sms && cx_rec_getstr(r, "customer.phone", &phone) == 0 &&
	    phone.len >= 7) {
		if (G.sms.len == 0)
			cx_buf_adds(&G.sms, "phone,ticket,message,text\r\n");
		csv_field(&G.sms, cx_buf_str(&phone), 0);
		csv_field(&G.sms, id, 0);
		csv_field(&G.sms, mname[m], 0);
		csv_field(&G.sms, cx_buf_str(&sms), 1);
		cx_buf_adds(&via, via.len > 0 ? ",sms" : "sms");
		G.nsms++;
	}
	if (via.len == 0) {
		cx_buf_adds(&via, "none");
		G.nnone++;
	}
	G.nsent[m]++;
	if (!G.t.quiet && G.dry)
		fprintf(stderr, "cx-follow: %s: %s by %s\n", id, mname[m],
		    cx_buf_str(&via));
	cx_buf_addc(&ev, '"');
	cx_time_fmt(event, &ev);
	cx_buf_addc(&ev, '"');
	cx_hist_begin(&h, G.t.nowtext, "cx-follow", "notified");
	cx_buf_printf(&h, ",\"message\":\"%s\",\"for\":%s,\"via\":\"%s\"}",
	    mname[m], cx_buf_str(&ev), cx_buf_str(&via));
	cx_rec_insert_by_time(r, "history", cx_buf_str(&h), G.now);
	cx_buf_free(&subj);
	cx_buf_free(&sms);
	cx_buf_free(&body);
	cx_buf_free(&mail);
	cx_buf_free(&email);
	cx_buf_free(&phone);
	cx_buf_free(&name);
	cx_buf_free(&h);
	cx_buf_free(&via);
	cx_buf_free(&ev);
	cx_buf_free(&fn);
}

/* The values the ticket's messages fill in, and its language: made
 * for the first message a ticket is sent, not for every ticket read. */
static void
values(const struct cx_rec *r, const char *id)
{
	struct cx_buf *v = G.vals, tmp = { 0 };
	const char *a;
	size_t n;
	int lang;

	if (G.valued)
		return;
	G.valued = 1;
	lang = G.lang = cx_lang_of(r, &tmp);
	for (n = 0; n < CX_TV_N; n++)
		v[n].len = 0;
	cx_buf_adds(&v[CX_TV_ID], id);
	if (cx_rec_getstr(r, "customer.name", &v[CX_TV_NAME]) == -1 ||
	    v[CX_TV_NAME].len == 0) {
		v[CX_TV_NAME].len = 0;
		cx_buf_adds(&v[CX_TV_NAME], lang == L_ZH ? "客户" : "customer");
	}
	cx_promised(r, G.now, lang, &v[CX_TV_DUE], &tmp);
	if (cx_rec_getstr(r, "subject", &v[CX_TV_SUBJECT]) == -1 &&
	    cx_rec_getstr(r, "text", &tmp) == 0) {
		n = cx_utf8_prefix(tmp.p, tmp.len < 60 ? tmp.len : 60);
		cx_buf_add(&v[CX_TV_SUBJECT], tmp.p, n);
	}
	if (cx_rec_getstr(r, "resolution.code", &tmp) == 0)
		cx_buf_adds(&v[CX_TV_RESOLUTION], lang == L_ZH ?
		    cx_alias_label(G.codes, cx_buf_str(&tmp)) :
		    cx_buf_str(&tmp));
	if (cx_json_path(r, "resolution.amount", &a, &n) == 0) {
		if (n > 0 && a[0] == '"')
			(void)cx_json_str(a, n, &v[CX_TV_AMOUNT]);
		else
			cx_buf_add(&v[CX_TV_AMOUNT], a, n);
	}
	cx_buf_adds(&v[CX_TV_TEAM], lang == L_EN && G.team_en != NULL ?
	    G.team_en : G.team);
	cx_buf_printf(&v[CX_TV_DAYS], "%ld", (G.close_after + 86399) / 86400);
	cx_buf_free(&tmp);
}

static int
is(const char *st, const char *s)
{
	return strcmp(st, s) == 0;
}

/* What the ticket is owed now; 1 if it changed. */
static int
follow(const char *dir, const char *id, struct cx_rec *r, int *closes)
{
	struct facts f;
	struct cx_buf st = { 0 };
	struct cx_action a;
	struct cx_err e;
	time_t received = 0, told;
	const char *s;
	int n0 = 0, i, changed = 0;

	memset(&f, 0, sizeof(f));
	*closes = 0;
	if (cx_rec_getstr(r, "received_at", &st) == 0)
		(void)cx_time_parse(st.p, st.len, &received, NULL);
	/* History imported from the tools before cx is told nothing. */
	if (cx_rec_get(r, "outcome") != NULL || (G.history_before != 0 &&
	    received < G.history_before) || cx_rec_getstr(r, "status",
	    &st) == -1) {
		cx_buf_free(&st);
		return 0;
	}
	s = cx_buf_str(&st);
	facts_of(r, &f);
	G.valued = 0;
	for (i = 0; i < M_N; i++)
		n0 += (int)G.nsent[i];
	if (is(dir, "open") && !is(s, "resolved")) {
		/* Only a ticket never told of nor resolved is acknowledged:
		 * not one reopened after a resolution it was told of. */
		if (!f.told_any && f.resolved == 0 && cx_rec_get(r, "sla") !=
		    NULL)
			tell(M_ACK, id, r, received);
		if (f.investigating > f.told[M_PROGRESS] &&
		    !is(s, "reopened") && (values(r, id),
		    G.vals[CX_TV_DUE].len > 0))
			tell(M_PROGRESS, id, r, f.investigating);
	} else if (is(dir, "open") && f.resolved != 0) {
		/* The customer hears of the resolution, then is asked to
		 * confirm it, then it closes: each after a silence.  (A
		 * ticket resolved with no "resolved" entry, by hand, is left
		 * to the team.) */
		told = f.told[M_RESOLUTION] >= f.resolved ?
		    f.told_at[M_RESOLUTION] : 0;
		if (told == 0)
			tell(M_RESOLUTION, id, r, f.resolved);
		else if (f.customer > f.resolved)
			;		/* they answered: an agent's turn */
		else if (f.told_at[M_CONFIRM] == 0 ||
		    f.told[M_CONFIRM] < f.resolved) {
			if (G.now >= told + G.confirm_after)
				tell(M_CONFIRM, id, r, f.resolved);
		} else if (G.now >= f.told_at[M_CONFIRM] + G.close_after) {
			a = (struct cx_action){ .kind = CX_ACT_CLOSE, .id = id,
			    .agent = "cx-follow", .at = G.now,
			    .note = f.unreached[M_CONFIRM] ? "no answer: the "
			    "customer has no address or number to ask" :
			    "no answer to the confirmation request" };
			if (cx_action_apply(&G.ctx, &a, r, &e) == -1)
				errx(CX_EXIT_ERR, "%s: %s", id, e.msg);
			if (G.dry && !G.t.quiet)
				fprintf(stderr, "cx-follow: %s: closed\n", id);
			G.nclosed++;
			*closes = changed = 1;
		}
	} else if (is(s, "closed") && f.closed != 0 && f.told_at[M_SURVEY] ==
	    0 && cx_rec_get(r, "survey") == NULL && G.now >= f.closed +
	    G.survey_after && G.now <= f.closed + G.survey_until)
		tell(M_SURVEY, id, r, f.closed);
	for (i = 0; i < M_N; i++)
		n0 -= (int)G.nsent[i];
	cx_buf_free(&st);
	cx_buf_free(&f.tmp);
	cx_buf_free(&f.act);
	return changed || n0 != 0;
}

static void
sweep(const char *dir)
{
	struct cx_buf text = { 0 }, out = { 0 };
	struct cx_rec r = { 0 };
	struct cx_err e;
	char **names;
	size_t i;
	int closes, rc;

	if ((names = cx_spool_list(G.sp, dir, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; names[i] != NULL; i++) {
		if ((rc = cx_spool_ticket(G.sp, dir, names[i], &text, &r,
		    &e)) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		if (rc == 1) {		/* "SPOOL/DIR/ID:1: why" */
			warnx("%s; left as it is", e.msg);
			G.t.nbad++;
			continue;
		}
		if (!follow(dir, names[i], &r, &closes) || G.dry)
			continue;
		out.len = 0;
		cx_rec_write(&r, &out);
		if (cx_spool_stage(G.sp, closes ? "closed" : dir, names[i],
		    out.p, out.len, &e) == -1 || (closes &&
		    cx_spool_remove(G.sp, dir, names[i], &e) == -1))
			errx(CX_EXIT_ERR, "%s", e.msg);
		if (is(dir, "open"))
			cx_index_set(G.index, names[i], closes ? NULL : &r);
	}
	cx_spool_list_free(names);
	cx_rec_free(&r);
	cx_buf_free(&text);
	cx_buf_free(&out);
}

static long
span(const char *key, const char *def)
{
	struct cx_err e;
	char *v = NULL;
	long secs;

	if (cx_setting(G.t.spool, key, &v, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (cx_span_secs(v != NULL ? v : def, strlen(v != NULL ? v : def),
	    &secs) == -1)
		errx(CX_EXIT_ERR, "cx.conf: %s: \"%s\" is no span (3d, 12h)",
		    key, v);
	free(v);
	return secs;
}

static void
setup(void)
{
	struct cx_buf path = { 0 };
	struct cx_err e;
	char *p, *v = NULL;
	int l, m;

	tool_clock(&G.t);
	G.now = cx_now();
	G.confirm_after = span("confirm_after", "3d");
	G.close_after = span("close_after", "4d");
	G.survey_after = span("survey_after", "3d");
	G.survey_until = span("survey_until", "7d");
	if (cx_setting(G.t.spool, "mail_from", &G.from, &e) == -1 ||
	    cx_setting(G.t.spool, "team_name", &G.team, &e) == -1 ||
	    cx_setting(G.t.spool, "team_name_en", &G.team_en, &e) == -1 ||
	    cx_setting(G.t.spool, "history_before", &v, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (G.from == NULL)
		G.from = cx_strndup("cx <cx@localhost>", 17);
	if (G.team == NULL)
		G.team = cx_strndup("", 0);
	if (v != NULL && cx_time_parse(v, strlen(v), &G.history_before,
	    &e) == -1)
		errx(CX_EXIT_ERR, "cx.conf: history_before: %s", e.msg);
	free(v);
	for (l = 0; l < L_N; l++)
		for (m = 0; m < M_N; m++) {
			path.len = 0;
			cx_buf_printf(&path, "templates/%s/%s", lname[l],
			    mname[m]);
			if ((p = cx_conf_need(G.t.spool, cx_buf_str(&path),
			    &e)) == NULL || (G.tmpl[l][m] = cx_tmpl_load(p,
			    &e)) == NULL)
				errx(CX_EXIT_ERR, "%s", e.msg);
			free(p);
		}
	cx_buf_free(&path);
	G.codes = tool_alias(&G.t, "resolutions");
	G.ctx.codes = G.codes;
	G.ctx.approval_limit = -1;
	G.ctx.system = "cx-follow";
	if (cx_spool_begin(&G.sp, G.t.spool, G.dry ? CX_SPOOL_READ : 0,
	    &e) == -1 || (!G.dry && (G.index = cx_index_open(G.sp, &e)) ==
	    NULL))
		errx(CX_EXIT_ERR, "%s", e.msg);
}

static void
commit(void)
{
	struct cx_buf name = { 0 };
	struct cx_err e;

	if (G.sms.len > 0) {
		cx_buf_printf(&name, "sms-%lu.csv", cx_spool_serial(G.sp));
		if (cx_spool_stage(G.sp, "outbox", cx_buf_str(&name),
		    G.sms.p, G.sms.len, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	}
	if (cx_index_stage(G.index, G.sp, &e) == -1 ||
	    cx_spool_commit(G.sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_buf_free(&name);
}

int
main(int argc, char *argv[])
{
	unsigned long total = 0;
	int ch, l, m, status;

	while ((ch = tool_getopt(&G.t, argc, argv)) != -1)
		if (ch == 'n')
			G.dry = 1;
	tool_operands(&G.t, argc - optind);
	setup();
	sweep("open");
	sweep("closed");
	if (!G.dry)
		commit();
	for (m = 0; m < M_N; m++)
		total += G.nsent[m];
	status = tool_exit(&G.t, "%s%lu messages (%lu acknowledgements, "
	    "%lu progress, %lu resolutions, %lu confirmation requests, %lu "
	    "surveys): %lu mails, %lu SMS, %lu with no address; %lu closed "
	    "unanswered", G.dry ? "dry run: would have sent " : "", total,
	    G.nsent[M_ACK], G.nsent[M_PROGRESS], G.nsent[M_RESOLUTION],
	    G.nsent[M_CONFIRM], G.nsent[M_SURVEY], G.nmail, G.nsms, G.nnone,
	    G.nclosed);
	for (l = 0; l < L_N; l++)
		for (m = 0; m < M_N; m++)
			cx_tmpl_free(G.tmpl[l][m]);
	for (m = 0; m < CX_TV_N; m++)
		cx_buf_free(&G.vals[m]);
	cx_buf_free(&G.sms);
	cx_alias_free(G.codes);
	cx_index_free(G.index);
	cx_spool_end(G.sp);
	free(G.from);
	free(G.team);
	free(G.team_en);
	return status;
}
