/*
 * report-qa.c: the QA sample and its verdicts, typical cases, and the
 * public transparency report.
 *
 * The sample (R6.4) is drawn by a hash of the seed and the ticket's id:
 * of the tickets handled (resolved or closed) in the period, the ones of
 * the lowest draws, as many as the rate asks, rounded up.  The same seed
 * gives the same sample however the tickets are split or ordered, and a
 * merge of parts draws the same sample as one run: each part keeps every
 * ticket drawn under 2.5 times the rate, and its REP_QAHEAP lowest draws
 * whatever they are, which holds the whole's sample unless a part of
 * more than a hundred tickets has under 40% of the draws it should have
 * below the line; rep_qa_sample says so if that ever happens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report-doc.h"

static int
item_cmp(const void *x, const void *y)
{
	const struct rep_item *a = *(struct rep_item *const *)x;
	const struct rep_item *b = *(struct rep_item *const *)y;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return strcmp(a->id, b->id);
}

size_t
rep_qa_sample(struct agg *a, const struct rep_def *def,
    struct rep_item ***out)
{
	long long handled = agg_get(a, "handled", NULL);
	size_t want = (size_t)((handled * (long long)def->qa_rate + 99) / 100);
	struct rep_list *lo = &a->list[L_QALOW], *any = &a->list[L_QAANY];
	struct rep_item **v;
	size_t i, n = 0, o = 0;

	agg_list_done(a, L_QALOW);
	agg_list_done(a, L_QAANY);
	v = cx_alloc((lo->n + any->n + 1) * sizeof(*v));
	for (i = 0; i < lo->n; i++)
		v[n++] = &lo->v[i];
	for (i = 0; i < any->n; i++)
		v[n++] = &any->v[i];
	qsort(v, n, sizeof(*v), item_cmp);
	for (i = 0; i < n; i++)
		if (o == 0 || strcmp(v[o - 1]->id, v[i]->id) != 0)
			v[o++] = v[i];
	*out = v;
	return o < want ? o : want;
}

void
rep_qa(struct rep_doc *d, struct agg *a, const struct rep_def *def,
    const struct rep_view *v)
{
	static const char *const g[] = { "qa", "qadept" };
	struct rep_item **items;
	struct rep_table *t;
	struct rep_row *r;
	size_t n, i, j, k = rep_qa_sample(a, def, &items);
	long long pass, fail;

	free(items);
	for (int x = 0; x < 2; x++) {
		t = rep_table_new(d, x == 0 ? "qa_agent" : "qa_department",
		    x == 0 ? L(v, "Quality review, by agent", "质检结果（按客服）") :
		    L(v, "Quality review, by department", "质检结果（按部门）"),
		    5, x == 0 ? L(v, "agent", "客服") : L(v, "department", "部门"),
		    L(v, "reviewed", "已质检"), L(v, "pass", "合格"),
		    L(v, "fail", "不合格"), L(v, "failed, share", "不合格率"));
		t->chart = 3;
		n = agg_rows(a, &r, g[x], NULL);
		for (i = 0; i < n; i = j) {
			pass = fail = 0;
			for (j = i; j < n && strcmp(r[j].f[0], r[i].f[0]) == 0;
			    j++) {
				if (r[j].nf > 1 && strcmp(r[j].f[1], "pass") == 0)
					pass += r[j].n;
				else
					fail += r[j].n;
			}
			if (pass + fail == 0)
				continue;
			rep_cell_text(t, r[i].f[0]);
			rep_cell_count(t, pass + fail);
			rep_cell_count(t, pass);
			rep_cell_count(t, fail);
			rep_cell_rate(t, fail, pass + fail);
		}
		agg_rows_free(r, n);
		if (x == 0)
			rep_note(t, L(v, "%lld tickets handled in the period; "
			    "the QA sample is %zu of them (%u%%, seed %lu: "
			    "cx-report --qa lists them). Verdicts are those "
			    "given in the period (cx-close review).",
			    "本期处理完毕 %lld 件；质检抽样 %zu 件（%u%%，种子 %lu，"
			    "cx-report --qa 列出）。质检结论为本期内给出者"
			    "（cx-close review）。"), agg_get(a, "handled", NULL),
			    k, def->qa_rate, def->seed);
	}
}

void
rep_cases(struct rep_doc *d, struct agg *a, const struct rep_view *v)
{
	struct rep_list *l = &a->list[L_CASE];
	struct cx_buf b = { 0 }, p = { 0 };
	struct rep_table *t;
	const char *f[13];
	size_t i;

	agg_list_done(a, L_CASE);
	t = rep_table_new(d, "cases", L(v, "Typical cases", "典型案例"), 8,
	    L(v, "ticket", "工单"), L(v, "received", "收到"),
	    L(v, "customer", "客户"), L(v, "problem type", "问题类型"), L(v, "priority", "优先级"),
	    L(v, "status", "状态"), L(v, "subject", "主题"),
	    L(v, "what the customer wrote", "客户描述"));
	for (i = 0; i < l->n; i++) {
		rep_item_fields(l->v[i].json, &b, f, 13);
		rep_cell_text(t, f[0]);
		p.len = 0;
		cx_buf_add(&p, f[1], strlen(f[1]) >= 16 ? 16 : strlen(f[1]));
		if (p.len == 16)
			p.p[10] = ' ';
		rep_cell_text(t, cx_buf_str(&p));
		rep_cell_text(t, *f[12] != '\0' ? f[12] : "-");
		rep_label(t, v, "subcategory", *f[4] != '\0' ? f[4] : f[3]);
		rep_label(t, v, "priority", f[5]);
		rep_cell_text(t, f[8]);
		rep_cell_text(t, f[10]);
		rep_cell_text(t, f[11]);
	}
	rep_note(t, "%s", L(v, "The most urgent and widest complaints of the "
	    "period, those that broke a limit first.", "本期最紧急、影响面最广"
	    "的投诉，超时者优先。"));
	cx_buf_free(&b);
	cx_buf_free(&p);
}

/* --- the public report ---------------------------------------------------- */

/* A share of a group of at least k, or "-". */
static void
rate_k(struct rep_table *t, long long n, long long of, unsigned k)
{
	if (of < (long long)k)
		rep_cell_none(t);
	else
		rep_cell_rate(t, n, of);
}

/*
 * Counts by a dimension with no group smaller than k shown: a value with
 * fewer than k in either period goes into "other", and while "other" is
 * under k (and not empty) the smallest value shown joins it too, so that
 * no small group can be worked out from the total either.
 */
static void
public_volume(struct rep_doc *d, const struct agg *a,
    const struct rep_view *v, const char *dim, const char *id,
    const char *title)
{
	struct rep_row *r;
	size_t n = agg_rows(a, &r, "vol", dim, NULL), k, shown, i;
	unsigned m = v->min_group;
	long long on = 0, ob = 0;
	struct rep_table *t;
	struct rep_vol *vs = rep_vol_rows(r, n, &k);

	for (shown = 0; shown < k && vs[shown].now >= m && vs[shown].before >=
	    m; shown++)
		;
	/* vs is sorted by this period: the small ones are at the end, but
	 * one small only in the period before may sit among them. */
	for (i = shown; i < k; i++) {
		if (vs[i].now >= m && vs[i].before >= m) {
			struct rep_vol x = vs[i];

			memmove(vs + shown + 1, vs + shown, (i - shown) *
			    sizeof(*vs));
			vs[shown++] = x;
		}
	}
	for (i = shown; i < k; i++) {
		on += vs[i].now;
		ob += vs[i].before;
	}
	while (shown > 0 && ((on > 0 && on < m) || (ob > 0 && ob < m))) {
		shown--;
		on += vs[shown].now;
		ob += vs[shown].before;
	}
	t = rep_table_new(d, id, title, 3, L(v, dim, rep_dim_zh(dim)),
	    L(v, "this period", "本期"), L(v, "previous", "上期"));
	t->chart = 1;
	for (i = 0; i < shown; i++) {
		rep_label(t, v, dim, vs[i].name);
		rep_cell_count(t, vs[i].now);
		rep_cell_count(t, vs[i].before);
	}
	if (shown < k) {
		rep_cell_text(t, L(v, "other (small groups)", "其他（小类合并）"));
		rep_cell_small(t, on, m);
		rep_cell_small(t, ob, m);
	}
	free(vs);
	agg_rows_free(r, n);
}

void
rep_public(struct rep_doc *d, const struct agg *a, const struct rep_view *v)
{
	unsigned k = v->min_group;
	struct rep_table *t;
	const char *x[2] = { "c", "p" };
	long long n[2], c, s;

	t = rep_table_new(d, "summary", L(v, "Key figures", "核心指标"), 3,
	    L(v, "measure", "指标"), L(v, "this period", "本期"),
	    L(v, "previous", "上期"));
	rep_cell_text(t, L(v, "complaints received", "投诉量"));
	for (int i = 0; i < 2; i++) {
		n[i] = agg_get(a, "vol", "all", "*", x[i], NULL);
		rep_cell_small(t, n[i], k);
	}
	rep_cell_text(t, L(v, "resolved", "解决率"));
	for (int i = 0; i < 2; i++)
		rate_k(t, agg_get(a, "kpi", x[i], "resolved", NULL), n[i], k);
	rep_cell_text(t, L(v, "answered within 24 hours (normal complaints)",
	    "一般投诉24小时内答复率"));
	for (int i = 0; i < 2; i++)
		rate_k(t, agg_get(a, "kpi", x[i], "normal_24h", NULL),
		    agg_get(a, "kpi", x[i], "normal_n", NULL), k);
	for (int w = 0; w < 2; w++) {
		rep_cell_text(t, w == 0 ? L(v, "first response, median "
		    "(working time)", "首次响应时长中位数（工作时间）") :
		    L(v, "resolution, median (working time)",
		    "解决时长中位数（工作时间）"));
		for (int i = 0; i < 2; i++) {
			long long m = rep_percentile(a, w == 0 ? "frt" : "res",
			    x[i], "", 50, &c);

			if (c < (long long)k)
				rep_cell_none(t);
			else
				rep_cell_minutes(t, m);
		}
	}
	rep_cell_text(t, L(v, "satisfaction, mean of 5", "满意度（5分制均值）"));
	for (int i = 0; i < 2; i++) {
		c = agg_get(a, "kpi", x[i], "csat_n", NULL);
		s = agg_get(a, "kpi", x[i], "csat_sum", NULL);
		if (c < (long long)k)
			rep_cell_none(t);
		else
			rep_cell_num(t, (double)s / (double)c, "%.2f",
			    (double)s / (double)c);
	}
	rep_note(t, L(v, "Aggregate figures only; no figure rests on fewer "
	    "than %u complaints.", "仅含汇总数据；任何数字均基于不少于 %u 件投诉。"),
	    k);
	public_volume(d, a, v, "category", "volume_category", L(v,
	    "Complaints by category", "投诉类别"));
	public_volume(d, a, v, "channel", "volume_channel", L(v,
	    "Complaints by channel", "投诉渠道"));
}

uint64_t
rep_draw(unsigned long seed, const char *id, size_t n)
{
	struct cx_buf b = { 0 };
	uint64_t h;

	cx_buf_printf(&b, "%lu:", seed);
	cx_buf_add(&b, id, n);
	h = cx_key_of(b.p, b.len).h[0];
	cx_buf_free(&b);
	return h;
}
