/*
 * report-sec.c: the sections of a briefing after its key figures: hot
 * spots, time limits, the backlog, departments and agents, the QA
 * sample, typical cases, and the public report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report-doc.h"

static int
vol_cmp(const void *x, const void *y)
{
	const struct rep_vol *a = x, *b = y;

	if (a->now != b->now)
		return a->now > b->now ? -1 : 1;
	if (a->before != b->before)
		return a->before > b->before ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Rows "VALUE X" (sorted by value) into values, most this period first. */
struct rep_vol *
rep_vol_rows(const struct rep_row *r, size_t n, size_t *k)
{
	struct rep_vol *v = cx_alloc((n + 1) * sizeof(*v));
	size_t i;

	*k = 0;
	for (i = 0; i < n; i++) {
		if (r[i].nf < 2)
			continue;
		if (*k == 0 || strcmp(v[*k - 1].name, r[i].f[0]) != 0) {
			v[*k].name = r[i].f[0];
			v[*k].now = v[*k].before = 0;
			(*k)++;
		}
		if (strcmp(r[i].f[1], "c") == 0)
			v[*k - 1].now += r[i].n;
		else
			v[*k - 1].before += r[i].n;
	}
	qsort(v, *k, sizeof(*v), vol_cmp);
	return v;
}

const char *
rep_dim_zh(const char *dim)
{
	static const char *const d[][2] = {
		{ "channel", "渠道" }, { "category", "类别" },
		{ "subcategory", "问题类型" }, { "priority", "优先级" },
		{ "department", "部门" }, { "agent", "客服" },
		{ "sku", "商品" }, { "batch", "批次" }, { "warehouse", "仓库" },
		{ "carrier", "承运商" }, { "region", "地区" },
	};
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (strcmp(dim, d[i][0]) == 0)
			return d[i][1];
	return dim;
}

void
rep_label(struct rep_table *t, const struct rep_view *v, const char *dim,
    const char *value)
{
	static const char *const zh[][2] = {
		{ "urgent", "紧急" }, { "high", "高" }, { "normal", "一般" },
		{ "low", "低" }, { "chat", "在线客服" }, { "email", "邮件" },
		{ "phone", "电话" }, { "web", "网站" }, { "app", "App" },
		{ "social", "社交媒体" },
	};
	const struct cx_taxon *tx;
	struct cx_buf b = { 0 };
	size_t i;

	if (*value == '\0')
		value = "-";
	if ((strcmp(dim, "category") == 0 || strcmp(dim, "subcategory") ==
	    0) && v->tax != NULL && (tx = cx_taxonomy_get(v->tax, value)) !=
	    NULL) {
		cx_buf_printf(&b, "%s (%s)", v->en ? tx->en : tx->zh, value);
		rep_cell_text(t, cx_buf_str(&b));
		cx_buf_free(&b);
		return;
	}
	for (i = 0; !v->en && i < sizeof(zh) / sizeof(zh[0]); i++)
		if ((strcmp(dim, "priority") == 0 || strcmp(dim, "channel") ==
		    0) && strcmp(value, zh[i][0]) == 0) {
			rep_cell_text(t, zh[i][1]);
			return;
		}
	rep_cell_text(t, value);
}

void
rep_cell_small(struct rep_table *t, long long n, unsigned k)
{
	char s[16];

	if (n > 0 && n < (long long)k) {
		snprintf(s, sizeof(s), "<%u", k);
		rep_cell_text(t, s);
	} else
		rep_cell_count(t, n);
}

struct fields {
	struct cx_buf	*b;
	size_t		*off;
	int		 n, max;
};

static void
field(void *arg, const char *v, size_t n)
{
	struct fields *f = arg;

	if (f->n >= f->max)
		return;
	f->off[f->n++] = f->b->len;
	if (cx_json_type(v, n) == CX_J_STR)
		(void)cx_json_str(v, n, f->b);
	else
		cx_buf_add(f->b, v, n);
	cx_buf_addc(f->b, '\0');
}

int
rep_item_fields(const char *json, struct cx_buf *b, const char **v, int max)
{
	size_t off[16];
	struct fields f = { b, off, 0, max < 16 ? max : 16 };
	int i;

	b->len = 0;
	(void)cx_json_each(json, strlen(json), field, &f);
	for (i = 0; i < f.n; i++)
		v[i] = b->p + off[i];
	for (; i < max; i++)
		v[i] = "";
	return f.n;
}

/* --- hot spots ------------------------------------------------------------ */

struct hot {
	const char	*dim, *name;
	long long	 now, w[REP_HOTWIN], sum;
};

static int
hot_cmp(const void *x, const void *y)
{
	const struct hot *a = x, *b = y;
	/* now/mean, larger first, without dividing: now_a*sum_b vs ... */
	double ra = a->sum > 0 ? (double)a->now * REP_HOTWIN / (double)a->sum :
	    INFINITY, rb = b->sum > 0 ? (double)b->now * REP_HOTWIN /
	    (double)b->sum : INFINITY;

	if (ra != rb)
		return ra > rb ? -1 : 1;
	if (a->now != b->now)
		return a->now > b->now ? -1 : 1;
	return strcmp(a->name, b->name);
}

/*
 * A value is hot when this period's count is at least hot_min, at least
 * twice its mean over the REP_HOTWIN periods before, and above that mean
 * by more than three times the mean's square root (Poisson's spread; a
 * mean under 1 counts as 1).
 */
static int
is_hot(const struct hot *h, unsigned min)
{
	double mean = (double)h->sum / REP_HOTWIN;

	return h->now >= (long long)min && (double)h->now >= 2 * mean &&
	    (double)h->now > mean + 3 * sqrt(mean < 1 ? 1 : mean);
}

void
rep_hotspots(struct rep_doc *d, const struct agg *a,
    const struct rep_def *def, const struct rep_view *v)
{
	static const char *const dims[] = { "sku", "batch", "warehouse",
	    "carrier", "region" };
	struct hot *h = NULL;
	struct rep_row *r[5];
	size_t n[5], i, k, nh = 0, cap = 0;
	struct rep_table *t;
	struct cx_buf b = { 0 };
	long w;

	for (k = 0; k < 5; k++) {
		n[k] = agg_rows(a, &r[k], "hot", dims[k], NULL);
		for (i = 0; i < n[k]; i++) {
			if (r[k][i].nf < 2)
				continue;
			if (nh == 0 || h[nh - 1].dim != dims[k] ||
			    strcmp(h[nh - 1].name, r[k][i].f[0]) != 0) {
				h = cx_reserve(h, nh + 1, &cap, sizeof(*h));
				memset(&h[nh], 0, sizeof(h[nh]));
				h[nh].dim = dims[k];
				h[nh].name = r[k][i].f[0];
				nh++;
			}
			if (strcmp(r[k][i].f[1], "c") == 0)
				h[nh - 1].now += r[k][i].n;
			else if ((w = strtol(r[k][i].f[1], NULL, 10)) >= 0 &&
			    w < REP_HOTWIN) {
				h[nh - 1].w[w] += r[k][i].n;
				h[nh - 1].sum += r[k][i].n;
			}
		}
	}
	for (i = k = 0; i < nh; i++)
		if (is_hot(&h[i], def->hot_min))
			h[k++] = h[i];
	if (k > 1)
		qsort(h, k, sizeof(*h), hot_cmp);
	t = rep_table_new(d, "hot_spots", L(v, "Hot spots", "热点问题"), 6,
	    L(v, "where", "维度"), L(v, "which", "对象"), L(v, "this period",
	    "本期"), L(v, "mean before", "此前均值"), L(v, "times", "倍数"),
	    L(v, "the 8 periods before, oldest first", "此前8期（由远及近）"));
	t->chart = 2;
	for (i = 0; i < k; i++) {
		rep_cell_text(t, L(v, h[i].dim, rep_dim_zh(h[i].dim)));
		rep_cell_text(t, h[i].name);
		rep_cell_count(t, h[i].now);
		rep_cell_num(t, (double)h[i].sum / REP_HOTWIN, "%.1f",
		    (double)h[i].sum / REP_HOTWIN);
		if (h[i].sum > 0)
			rep_cell_num(t, (double)h[i].now * REP_HOTWIN /
			    (double)h[i].sum, "%.1fx", (double)h[i].now *
			    REP_HOTWIN / (double)h[i].sum);
		else
			rep_cell_text(t, L(v, "new", "新出现"));
		b.len = 0;
		for (w = REP_HOTWIN - 1; w >= 0; w--)
			cx_buf_printf(&b, "%lld%s", h[i].w[w], w > 0 ? " " : "");
		rep_cell_text(t, cx_buf_str(&b));
	}
	rep_note(t, L(v, "A product (SKU), batch, warehouse, carrier or region "
	    "is hot when this period it has at least %u complaints, at least "
	    "twice its mean over the 8 periods of the same length before, and "
	    "more than that mean plus three times its square root.%s",
	    "商品、批次、仓库、承运商或地区本期投诉不少于 %u 件、至少为此前"
	    "8个同长周期均值的2倍、且高于均值加3倍均值平方根时，列为热点。%s"),
	    def->hot_min, k == 0 ? L(v, " None this period.", "本期无。") : "");
	cx_buf_free(&b);
	free(h);
	for (i = 0; i < 5; i++)
		agg_rows_free(r[i], n[i]);
}

/* --- time limits ---------------------------------------------------------- */

static const char *const clocks[][3] = {
	{ "registration", "registration", "登记" },
	{ "first_response", "first response", "首次响应" },
	{ "investigation", "investigation", "调查" },
	{ "solution", "solution", "方案" },
	{ "next_update", "next update", "进展更新" },
	{ "resolution", "resolution", "解决" },
};

static const char *
clock_label(const struct rep_view *v, const char *c)
{
	size_t i;

	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		if (strcmp(c, clocks[i][0]) == 0)
			return L(v, clocks[i][1], clocks[i][2]);
	return c;
}

static int
clock_rank(const char *c)
{
	size_t i;

	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		if (strcmp(c, clocks[i][0]) == 0)
			return (int)i;
	return 99;
}

/* The rows of one clock, and its place. */
struct span {
	size_t		 i, j;
	int		 rank;
};

static int
span_cmp(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	if (a->rank != b->rank)
		return a->rank - b->rank;
	return (a->i > b->i) - (a->i < b->i);
}

void
rep_sla(struct rep_doc *d, struct agg *a, const struct rep_view *v)
{
	struct rep_row *r;
	size_t n = agg_rows(a, &r, "sla", "c", NULL), i, j, k, ng = 0, gcap = 0;
	struct span *g = NULL;
	struct rep_list *bl = &a->list[L_BREACH];
	struct rep_table *t;
	struct cx_buf b = { 0 }, m = { 0 };
	const char *f[7];
	long long met, br, run;

	t = rep_table_new(d, "time_limits", L(v, "Time limits, by clock",
	    "各环节时限"), 5, L(v, "clock", "环节"), L(v, "kept", "达成"),
	    L(v, "broken", "超时"), L(v, "running", "进行中"),
	    L(v, "kept, share", "达成率"));
	t->chart = 2;
	/* Clocks in their order in a ticket's life, then the others. */
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(r[j].f[0], r[i].f[0]) == 0; j++)
			;
		g = cx_reserve(g, ng + 1, &gcap, sizeof(*g));
		g[ng].i = i;
		g[ng].j = j;
		g[ng].rank = clock_rank(r[i].f[0]);
		ng++;
	}
	if (ng > 1)
		qsort(g, ng, sizeof(*g), span_cmp);
	for (size_t x = 0; x < ng; x++) {
		met = br = run = 0;
		for (k = g[x].i; k < g[x].j; k++) {
			if (r[k].nf < 2)
				continue;
			if (strcmp(r[k].f[1], "met") == 0)
				met += r[k].n;
			else if (strcmp(r[k].f[1], "breached") == 0)
				br += r[k].n;
			else
				run += r[k].n;
		}
		rep_cell_text(t, clock_label(v, r[g[x].i].f[0]));
		rep_cell_count(t, met);
		rep_cell_count(t, br);
		rep_cell_count(t, run);
		rep_cell_rate(t, met, met + br);
	}
	free(g);
	agg_rows_free(r, n);
	agg_list_done(a, L_BREACH);
	t = rep_table_new(d, "breaches", L(v, "Limits broken in the period, "
	    "longest over first", "本期超时工单（超时最久者在前）"), 7,
	    L(v, "ticket", "工单"), L(v, "clock", "环节"), L(v, "due", "时限"),
	    L(v, "over by", "超出"), L(v, "department", "部门"),
	    L(v, "agent", "客服"), L(v, "priority", "优先级"));
	for (i = 0; i < bl->n; i++) {
		rep_item_fields(bl->v[i].json, &b, f, 7);
		rep_cell_text(t, f[0]);
		rep_cell_text(t, clock_label(v, f[1]));
		m.len = 0;
		cx_buf_add(&m, f[2], strlen(f[2]) >= 16 ? 16 : strlen(f[2]));
		if (m.len == 16)
			m.p[10] = ' ';
		rep_cell_text(t, cx_buf_str(&m));
		rep_cell_minutes(t, strtoll(f[3], NULL, 10));
		rep_cell_text(t, f[4]);
		rep_cell_text(t, f[5]);
		rep_label(t, v, "priority", f[6]);
	}
	rep_note(t, L(v, "%lld limits fell due and broke in the period; the "
	    "%zu longest over are listed (over by: calendar time).",
	    "本期到期并超时 %lld 次；列出超时最久的 %zu 次（超出时长按日历时间计）。"),
	    agg_get(a, "breaches", NULL), bl->n);
	cx_buf_free(&b);
	cx_buf_free(&m);
}

/* --- the backlog ---------------------------------------------------------- */

static const char *const ages[][3] = {
	{ "0", "under 1 day", "1天内" }, { "1", "1 to 3 days", "1-3天" },
	{ "3", "3 to 7 days", "3-7天" }, { "7", "7 to 30 days", "7-30天" },
	{ "30", "30 days or more", "30天以上" },
};

void
rep_backlog(struct rep_doc *d, const struct agg *a, const struct rep_view *v)
{
	struct rep_table *t;
	struct rep_row *r;
	size_t n, i, j, k;
	long long sum;

	t = rep_table_new(d, "backlog", L(v, "Open at the period's end, by "
	    "age", "期末未结工单（按时长）"), 2, L(v, "age", "已持续"),
	    L(v, "open", "工单数"));
	t->chart = 1;
	for (k = 0; k < 5; k++) {
		rep_cell_text(t, L(v, ages[k][1], ages[k][2]));
		rep_cell_count(t, agg_get(a, "backlog", ages[k][0], NULL));
	}
	n = agg_rows(a, &r, "backlogdept", NULL);
	t = rep_table_new(d, "backlog_department", L(v, "Open at the period's "
	    "end, by department", "期末未结工单（按部门）"), 7,
	    L(v, "department", "部门"), L(v, ages[0][1], ages[0][2]),
	    L(v, ages[1][1], ages[1][2]), L(v, ages[2][1], ages[2][2]),
	    L(v, ages[3][1], ages[3][2]), L(v, ages[4][1], ages[4][2]),
	    L(v, "all", "合计"));
	t->chart = 6;
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(r[j].f[0], r[i].f[0]) == 0; j++)
			;
		rep_cell_text(t, r[i].f[0]);
		sum = 0;
		for (k = 0; k < 5; k++) {
			long long c = 0;

			for (size_t x = i; x < j; x++)
				if (r[x].nf > 1 && strcmp(r[x].f[1],
				    ages[k][0]) == 0)
					c += r[x].n;
			rep_cell_count(t, c);
			sum += c;
		}
		rep_cell_count(t, sum);
	}
	agg_rows_free(r, n);
}

/* --- departments and agents ----------------------------------------------- */

void
rep_groups(struct rep_doc *d, const struct agg *a, const struct rep_view *v,
    const char *g)
{
	struct rep_table *t;
	struct rep_row *r;
	size_t n = agg_rows(a, &r, "grp", g, NULL), i, j, k;
	int dept = strcmp(g, "department") == 0;
	long long c[10];
	static const char *const what[] = { "n", "resolved", "reopened",
	    "repeat", "informed", "breached", "csat_n", "csat_sum", "invited",
	    "csat_ok" };

	t = rep_table_new(d, dept ? "departments" : "agents", dept ? L(v,
	    "By department", "各部门") : L(v, "By agent", "各客服"),
	    dept ? 10 : 9, L(v, g, rep_dim_zh(g)), L(v, "received", "投诉量"),
	    L(v, "resolved", "解决率"), L(v, "reopened", "重开率"),
	    L(v, "repeat", "重复投诉"), L(v, "informed", "知情率"),
	    L(v, "limit broken", "超时率"), L(v, "satisfaction", "满意度"),
	    L(v, "survey answered", "回访响应"), L(v, "first response, median",
	    "首次响应中位数"));
	t->chart = 1;
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(r[j].f[0], r[i].f[0]) == 0; j++)
			;
		memset(c, 0, sizeof(c));
		for (size_t x = i; x < j; x++)
			for (k = 0; k < 10; k++)
				if (r[x].nf > 2 && strcmp(r[x].f[1], "c") == 0 &&
				    strcmp(r[x].f[2], what[k]) == 0)
					c[k] += r[x].n;
		if (c[0] == 0 && c[6] == 0 && c[8] == 0)
			continue;	/* only the period before */
		rep_cell_text(t, r[i].f[0]);
		rep_cell_count(t, c[0]);
		rep_cell_rate(t, c[1], c[0]);
		rep_cell_rate(t, c[2], c[1]);
		rep_cell_rate(t, c[3], c[0]);
		rep_cell_rate(t, c[4], c[0]);
		rep_cell_rate(t, c[5], c[0]);
		if (c[6] > 0)
			rep_cell_num(t, (double)c[7] / (double)c[6], "%.2f",
			    (double)c[7] / (double)c[6]);
		else
			rep_cell_none(t);
		rep_cell_rate(t, c[6], c[8]);
		if (dept)
			rep_cell_minutes(t, rep_percentile(a, "frt", "c",
			    r[i].f[0], 50, NULL));
	}
	agg_rows_free(r, n);
}
