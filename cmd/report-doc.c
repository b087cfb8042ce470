/*
 * report-doc.c: the briefing worked out from the counts, as tables.
 *
 * Nothing here reads a ticket: every figure comes from the counts of
 * report-map.c, so one run and the merge of parts say the same.  Medians
 * and 90th percentiles are exact over whole working minutes: the counts
 * keep how many tickets took each minute, and the nearest rank (the
 * smallest value with at least that share of the tickets at or below it)
 * is read from them, as from the sorted list of every ticket's minutes.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report-doc.h"

/* --- tables ------------------------------------------------------------- */

struct rep_table *
rep_table_new(struct rep_doc *d, const char *id, const char *title,
    size_t ncol, ...)
{
	struct rep_table *t;
	va_list ap;
	size_t i;

	d->t = cx_reserve(d->t, d->n + 1, &d->cap, sizeof(*d->t));
	t = &d->t[d->n++];
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->title = cx_strndup(title, strlen(title));
	t->chart = -1;
	t->ncol = ncol;
	va_start(ap, ncol);
	for (i = 0; i < ncol && i < 10; i++)
		t->cols[i] = va_arg(ap, const char *);
	va_end(ap);
	return t;
}

static struct rep_cell *
next_cell(struct rep_table *t)
{
	size_t n = t->nrow * t->ncol;
	struct rep_cell *c;

	/* A row is begun by its first cell. */
	if (t->ncell == n) {
		t->cell = cx_reserve(t->cell, n + t->ncol, &t->cap,
		    sizeof(*t->cell));
		memset(t->cell + n, 0, t->ncol * sizeof(*t->cell));
		t->nrow++;
	}
	c = &t->cell[t->ncell++];
	return c;
}

void
rep_cell_text(struct rep_table *t, const char *s)
{
	struct rep_cell *c = next_cell(t);

	c->text = cx_strndup(s, strlen(s));
}

void
rep_cell_num(struct rep_table *t, double v, const char *fmt, ...)
{
	struct rep_cell *c = next_cell(t);
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&c->text, fmt, ap) < 0)
		c->text = cx_strndup("?", 1);
	va_end(ap);
	c->num = 1;
	c->value = v;
}

void
rep_cell_count(struct rep_table *t, long long n)
{
	rep_cell_num(t, (double)n, "%lld", n);
}

void
rep_cell_none(struct rep_table *t)
{
	rep_cell_text(t, "-");
}

void
rep_doc_free(struct rep_doc *d)
{
	size_t i, k;

	for (i = 0; i < d->n; i++) {
		for (k = 0; k < d->t[i].ncell; k++)
			free(d->t[i].cell[k].text);
		free(d->t[i].cell);
		free(d->t[i].title);
		free(d->t[i].note);
	}
	free(d->t);
	free(d->title);
	free(d->period);
	free(d->masked);
}

void
rep_note(struct rep_table *t, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(t->note);
	t->note = s;
}

/* --- numbers -------------------------------------------------------------- */

void
rep_minutes(long long m, struct cx_buf *b)
{
	if (m < 60)
		cx_buf_printf(b, "%lldm", m);
	else
		cx_buf_printf(b, "%lldh%02lldm", m / 60, m % 60);
}

void
rep_period_text(time_t from, time_t to, struct cx_buf *b)
{
	struct cx_buf t = { 0 };

	cx_time_fmt(from, &t);
	cx_buf_add(b, t.p, 10);
	cx_buf_adds(b, " .. ");
	t.len = 0;
	cx_time_fmt(to - 1, &t);
	cx_buf_add(b, t.p, 10);
	cx_buf_free(&t);
}

/* A share: "95.3%", its value the fraction; "-" if there is none. */
void
rep_cell_rate(struct rep_table *t, long long n, long long of)
{
	if (of <= 0)
		rep_cell_none(t);
	else
		rep_cell_num(t, (double)n / (double)of, "%.1f%%", 100.0 *
		    (double)n / (double)of);
}

void
rep_cell_minutes(struct rep_table *t, long long m)
{
	struct cx_buf b = { 0 };

	if (m < 0) {
		rep_cell_none(t);
		return;
	}
	rep_minutes(m, &b);
	rep_cell_num(t, (double)m, "%s", cx_buf_str(&b));
	cx_buf_free(&b);
}

struct hist {
	long long	 min, n;
};

static int
hist_cmp(const void *x, const void *y)
{
	const struct hist *a = x, *b = y;

	return (a->min > b->min) - (a->min < b->min);
}

/* The nearest-rank percentile of the working minutes under a key, or -1
 * if there are none; *count the tickets. */
long long
rep_percentile(const struct agg *a, const char *what, const char *x,
    const char *group, int pct, long long *count)
{
	struct rep_row *r;
	struct hist *h;
	size_t n = agg_rows(a, &r, what, x, group, NULL), i;
	long long total = 0, want, run = 0, v = -1;

	h = cx_alloc((n + 1) * sizeof(*h));
	for (i = 0; i < n; i++) {
		h[i].min = strtoll(r[i].f[0], NULL, 10);
		h[i].n = r[i].n;
		total += r[i].n;
	}
	agg_rows_free(r, n);
	qsort(h, n, sizeof(*h), hist_cmp);
	/* The rank: ceil(pct/100 * total), at least 1. */
	want = (total * pct + 99) / 100;
	if (want < 1)
		want = 1;
	for (i = 0; i < n; i++) {
		run += h[i].n;
		if (run >= want) {
			v = h[i].min;
			break;
		}
	}
	free(h);
	if (count != NULL)
		*count = total;
	return v;
}

/* The change of a count: "+12.5%", "new", "-". */
void
rep_cell_change(struct rep_table *t, long long now, long long before)
{
	if (before == 0)
		rep_cell_text(t, now > 0 ? "+" : "-");
	else
		rep_cell_num(t, (double)(now - before) / (double)before,
		    "%+.1f%%", 100.0 * (double)(now - before) /
		    (double)before);
}

/* The change of a share, in points: "+1.2 pt". */
static void
change_pt(struct rep_table *t, long long n1, long long of1, long long n0,
    long long of0)
{
	double a, b;

	if (of1 <= 0 || of0 <= 0) {
		rep_cell_none(t);
		return;
	}
	a = 100.0 * (double)n1 / (double)of1;
	b = 100.0 * (double)n0 / (double)of0;
	rep_cell_num(t, (a - b) / 100.0, "%+.1f pt", a - b);
}

static void
change_min(struct rep_table *t, long long now, long long before)
{
	if (now < 0 || before <= 0)
		rep_cell_none(t);
	else
		rep_cell_change(t, now, before);
}

/* --- the briefing ------------------------------------------------------- */

static void
kpi_rate(struct rep_doc *d, const char *label, const struct agg *a,
    const char *n, const char *of, const char *target)
{
	struct rep_table *t = &d->t[d->n - 1];
	long long n1, o1, n0, o0;

	n1 = agg_get(a, "kpi", "c", n, NULL);
	o1 = agg_get(a, "kpi", "c", of, NULL);
	n0 = agg_get(a, "kpi", "p", n, NULL);
	o0 = agg_get(a, "kpi", "p", of, NULL);
	rep_cell_text(t, label);
	rep_cell_rate(t, n1, o1);
	rep_cell_rate(t, n0, o0);
	change_pt(t, n1, o1, n0, o0);
	rep_cell_text(t, target != NULL ? target : "");
}

static void
kpi_time(struct rep_doc *d, const char *label, const struct agg *a,
    const char *what, int pct)
{
	struct rep_table *t = &d->t[d->n - 1];
	long long m1 = rep_percentile(a, what, "c", "", pct, NULL);
	long long m0 = rep_percentile(a, what, "p", "", pct, NULL);

	rep_cell_text(t, label);
	rep_cell_minutes(t, m1);
	rep_cell_minutes(t, m0);
	change_min(t, m1, m0);
	rep_cell_text(t, "");
}

/* Met against met or broken, over every clock of a cohort. */
static void
sla_total(const struct agg *a, const char *x, long long *met,
    long long *settled)
{
	struct rep_row *r;
	size_t n = agg_rows(a, &r, "sla", x, NULL), i;

	*met = *settled = 0;
	for (i = 0; i < n; i++) {
		if (r[i].nf < 2)
			continue;
		if (strcmp(r[i].f[1], "met") == 0)
			*met += r[i].n, *settled += r[i].n;
		else if (strcmp(r[i].f[1], "breached") == 0)
			*settled += r[i].n;
	}
	agg_rows_free(r, n);
}

static void
summary(struct rep_doc *d, const struct agg *a, const struct rep_view *v)
{
	long long n1 = agg_get(a, "vol", "all", "*", "c", NULL);
	long long n0 = agg_get(a, "vol", "all", "*", "p", NULL);
	long long m1, s1, m0, s0;
	struct rep_table *t;

	t = rep_table_new(d, "summary", L(v, "Key figures", "核心指标"), 5,
	    L(v, "measure", "指标"), L(v, "this period", "本期"),
	    L(v, "previous", "上期"), L(v, "change", "变化"),
	    L(v, "target", "目标"));
	rep_cell_text(t, L(v, "complaints received", "投诉量"));
	rep_cell_count(t, n1);
	rep_cell_count(t, n0);
	rep_cell_change(t, n1, n0);
	rep_cell_text(t, "");
	kpi_rate(d, L(v, "placed in a problem type", "问题类型识别率"), a,
	    "placed", "n", "80%");
	kpi_rate(d, L(v, "resolution rate", "解决率"), a, "resolved", "n",
	    NULL);
	kpi_rate(d, L(v, "reopen rate (of resolved)", "二次投诉率（重开）"),
	    a, "reopened", "resolved", NULL);
	kpi_rate(d, L(v, "repeat-complaint rate", "重复投诉率"), a, "repeat",
	    "n", NULL);
	kpi_rate(d, L(v, "customers kept informed", "客户知情率"), a,
	    "informed", "n", "90%");
	kpi_rate(d, L(v, "normal complaints answered in 24 h",
	    "一般投诉24小时内答复率"), a, "normal_24h", "normal_n", "95%");
	kpi_time(d, L(v, "first response, median", "首次响应时长（中位数）"),
	    a, "frt", 50);
	kpi_time(d, L(v, "first response, 90th percentile",
	    "首次响应时长（90分位）"), a, "frt", 90);
	kpi_time(d, L(v, "resolution, median", "解决时长（中位数）"), a,
	    "res", 50);
	kpi_time(d, L(v, "resolution, 90th percentile", "解决时长（90分位）"),
	    a, "res", 90);
	sla_total(a, "c", &m1, &s1);
	sla_total(a, "p", &m0, &s0);
	rep_cell_text(t, L(v, "time limits kept", "时限达成率"));
	rep_cell_rate(t, m1, s1);
	rep_cell_rate(t, m0, s0);
	change_pt(t, m1, s1, m0, s0);
	rep_cell_text(t, "");
	rep_satisfaction(d, a, v);
	rep_note(t, "%s", L(v, "Times are working time (cx-calendar(5)). "
	    "Rates are of the complaints received in each period, as they "
	    "stood at its end; satisfaction and surveys count the answers "
	    "and invitations of the period.",
	    "时长按工作时间计（cx-calendar(5)）。比率以各期收到的投诉为准，"
	    "按期末状态计算；满意度与回访按本期收到的答复和发出的邀请计算。"));
}

void
rep_satisfaction(struct rep_doc *d, const struct agg *a,
    const struct rep_view *v)
{
	struct rep_table *t = &d->t[d->n - 1];
	long long c1 = agg_get(a, "kpi", "c", "csat_n", NULL);
	long long c0 = agg_get(a, "kpi", "p", "csat_n", NULL);
	long long s1 = agg_get(a, "kpi", "c", "csat_sum", NULL);
	long long s0 = agg_get(a, "kpi", "p", "csat_sum", NULL);

	rep_cell_text(t, L(v, "satisfaction, mean of 5", "满意度（5分制均值）"));
	if (c1 > 0)
		rep_cell_num(t, (double)s1 / (double)c1, "%.2f", (double)s1 /
		    (double)c1);
	else
		rep_cell_none(t);
	if (c0 > 0)
		rep_cell_num(t, (double)s0 / (double)c0, "%.2f", (double)s0 /
		    (double)c0);
	else
		rep_cell_none(t);
	if (c1 > 0 && c0 > 0)
		rep_cell_num(t, (double)s1 / (double)c1 - (double)s0 /
		    (double)c0, "%+.2f", (double)s1 / (double)c1 -
		    (double)s0 / (double)c0);
	else
		rep_cell_none(t);
	rep_cell_text(t, "");
	kpi_rate(d, L(v, "satisfied (4 or 5)", "满意率（4-5分）"), a,
	    "csat_ok", "csat_n", "85%");
	kpi_rate(d, L(v, "survey response rate", "回访响应率"), a, "csat_n",
	    "invited", NULL);
}

/* A volume table: each value this period and the one before. */
static void
volume(struct rep_doc *d, const struct agg *a, const struct rep_view *v,
    const char *dim, const char *id, const char *title, size_t top)
{
	struct rep_row *r;
	size_t n = agg_rows(a, &r, "vol", dim, NULL), i, k = 0;
	long long all = agg_get(a, "vol", "all", "*", "c", NULL);
	struct rep_table *t;
	struct rep_vol *vs;

	vs = rep_vol_rows(r, n, &k);
	t = rep_table_new(d, id, title, 5, L(v, dim, rep_dim_zh(dim)),
	    L(v, "this period", "本期"), L(v, "previous", "上期"),
	    L(v, "change", "变化"), L(v, "share", "占比"));
	t->chart = 1;
	for (i = 0; i < k && (top == 0 || i < top); i++) {
		if (v->public && vs[i].now < v->min_group && vs[i].before <
		    v->min_group)
			continue;
		rep_label(t, v, dim, vs[i].name);
		if (v->public) {
			rep_cell_small(t, vs[i].now, v->min_group);
			rep_cell_small(t, vs[i].before, v->min_group);
		} else {
			rep_cell_count(t, vs[i].now);
			rep_cell_count(t, vs[i].before);
		}
		if (v->public && (vs[i].now < v->min_group || vs[i].before <
		    v->min_group))
			rep_cell_none(t);
		else
			rep_cell_change(t, vs[i].now, vs[i].before);
		if (v->public && vs[i].now < v->min_group)
			rep_cell_none(t);
		else
			rep_cell_rate(t, vs[i].now, all);
	}
	if (top > 0 && k > top)
		rep_note(t, L(v, "The %zu most frequent of %zu.",
		    "共 %2$zu 类，列出最多的 %1$zu 类。"), top, k);
	free(vs);
	agg_rows_free(r, n);
}

void
rep_doc_build(struct rep_doc *d, struct agg *a, const struct rep_def *def,
    const struct rep_view *v)
{
	struct cx_buf b = { 0 };

	const char *s;

	memset(d, 0, sizeof(*d));
	s = v->public ? L(v, "Complaint handling: transparency report",
	    "投诉处理透明度报告") : L(v, "Complaint briefing", "投诉分析简报");
	d->title = cx_strndup(s, strlen(s));
	rep_period_text(def->from, def->to, &b);
	cx_buf_adds(&b, L(v, " (previous: ", "（上期："));
	rep_period_text(def->from - def->len, def->from, &b);
	cx_buf_adds(&b, L(v, ")", "）"));
	d->period = cx_strndup(cx_buf_str(&b), b.len);
	cx_buf_free(&b);
	s = def->unmasked ? L(v, "UNMASKED: this briefing shows customers' "
	    "personal data as written.", "未脱敏：本简报含客户个人信息原文，"
	    "请勿外传。") : L(v, "Personal data masked.", "客户个人信息已脱敏。");
	d->masked = cx_strndup(s, strlen(s));
	if (v->public) {
		rep_public(d, a, v);
		return;
	}
	summary(d, a, v);
	volume(d, a, v, "channel", "volume_channel", L(v, "By channel",
	    "按渠道"), 0);
	volume(d, a, v, "category", "volume_category", L(v, "By category",
	    "按类别"), 0);
	volume(d, a, v, "subcategory", "top_problems", L(v, "Top problem "
	    "types", "主要问题类型"), 10);
	volume(d, a, v, "priority", "volume_priority", L(v, "By priority",
	    "按优先级"), 0);
	volume(d, a, v, "department", "volume_department", L(v,
	    "By department", "按部门"), 0);
	rep_hotspots(d, a, def, v);
	rep_sla(d, a, v);
	rep_backlog(d, a, v);
	rep_groups(d, a, v, "department");
	rep_groups(d, a, v, "agent");
	rep_qa(d, a, def, v);
	rep_cases(d, a, v);
}
