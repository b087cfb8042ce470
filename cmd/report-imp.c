/*
 * report-imp.c: improvement actions (R6.7, cx-improvements(5)).
 *
 * A root cause found in review becomes an action: what is to be done,
 * who owns it, by when, its state, the complaints it explains and the
 * problem type it should make rarer.  The team keeps them in a CSV file
 * (a spreadsheet); the briefing lists each with its state (overdue where
 * it is not done by its date), the complaints linked to it, and its
 * problem type's count this period against the one before, so that an
 * action can be seen to work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report-doc.h"

enum { I_ID, I_ACTION, I_OWNER, I_DUE, I_STATE, I_DONE, I_TICKETS,
	I_PROBLEM, I_CAUSE, I_N };

static const char *const heads[I_N][6] = {
	{ "id", "编号", "序号" },
	{ "action", "措施", "整改措施", "改进措施", "title" },
	{ "owner", "负责人", "责任人" },
	{ "due", "截止日期", "完成时限", "期限" },
	{ "state", "status", "状态" },
	{ "done", "完成日期", "done at" },
	{ "tickets", "关联工单", "工单", "complaints" },
	{ "problem", "问题类型", "subcategory", "category" },
	{ "cause", "根本原因", "原因", "root cause" },
};

static int
head(const char *h, size_t n)
{
	return cx_header_field(h, n, &heads[0][0], I_N, 6);
}

/* done, doing or open, from what a spreadsheet says; NULL if unknown. */
static const char *
state_of(const char *s)
{
	static const char *const v[][2] = {
		{ "done", "done" }, { "已完成", "done" }, { "完成", "done" },
		{ "closed", "done" }, { "doing", "doing" },
		{ "进行中", "doing" }, { "in progress", "doing" },
		{ "open", "open" }, { "未开始", "open" }, { "待办", "open" },
		{ "", "open" },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (cx_streqi(s, strlen(s), v[i][0], strlen(v[i][0])))
			return v[i][1];
	return NULL;
}

static size_t
count_ids(const char *s)
{
	const char *p = s, *w;
	size_t n = 0, wn;

	/* Ids apart by blanks, commas, semicolons or 、. */
	for (;;) {
		while (*p == ' ' || *p == ',' || *p == ';' || *p == '\t' ||
		    strncmp(p, "、", 3) == 0 || strncmp(p, "，", 3) == 0)
			p += (unsigned char)*p >= 0x80 ? 3 : 1;
		if (*p == '\0')
			return n;
		w = p;
		while (*p != '\0' && *p != ' ' && *p != ',' && *p != ';' &&
		    *p != '\t' && strncmp(p, "、", 3) != 0 &&
		    strncmp(p, "，", 3) != 0)
			p++;
		wn = (size_t)(p - w);
		n += wn > 0;
	}
}

static const char *
state_label(const struct rep_view *v, const char *st, int overdue)
{
	if (strcmp(st, "done") == 0)
		return L(v, "done", "已完成");
	if (overdue)
		return L(v, "OVERDUE", "已逾期");
	return strcmp(st, "doing") == 0 ? L(v, "in progress", "进行中") :
	    L(v, "not started", "未开始");
}

int
rep_improvements(struct rep_doc *d, const char *path, struct agg *a,
    const struct rep_def *def, const struct rep_view *v, struct cx_err *err)
{
	struct cx_csvrow *row;
	struct rep_table *t;
	struct cx_csv *csv;
	struct cx_in in;
	const char *f[I_N], *st;
	int col[64], r, ret = 0;
	size_t i, ncol = 0, ndone = 0, nover = 0;
	time_t due, done, end = def->to < def->now ? def->to : def->now;
	struct cx_err e;

	if (cx_in_open(&in, path, err) == -1)
		return -1;
	if ((csv = cx_csv_open(&in, NULL, err)) == NULL) {
		cx_in_close(&in);
		return -1;
	}
	t = rep_table_new(d, "improvements", L(v, "Improvement actions",
	    "整改措施"), 8, L(v, "id", "编号"), L(v, "action", "措施"),
	    L(v, "owner", "负责人"), L(v, "due", "期限"), L(v, "state",
	    "状态"), L(v, "complaints linked", "关联投诉"), L(v,
	    "its problem type, this period", "对应问题本期"), L(v,
	    "previous", "上期"));
	while ((r = cx_csv_next(csv, &row, err)) == 1) {
		if (ncol == 0) {
			ncol = row->n < 64 ? row->n : 64;
			for (i = 0; i < ncol; i++)
				col[i] = head(row->data.p + row->off[i],
				    row->flen[i]);
			continue;
		}
		if (row->err != NULL) {
			cx_seterr(err, "%s:%lu: %s", path, row->line, row->err);
			ret = -1;
			break;
		}
		for (i = 0; i < I_N; i++)
			f[i] = "";
		for (i = 0; i < ncol && i < row->n; i++)
			if (col[i] >= 0)
				f[col[i]] = row->data.p + row->off[i];
		if (*f[I_ID] == '\0' && *f[I_ACTION] == '\0')
			continue;	/* a blank line of a spreadsheet */
		if ((st = state_of(f[I_STATE])) == NULL) {
			cx_seterr(err, "%s:%lu: state \"%s\": done, doing or "
			    "open (cx-improvements(5))", path, row->line,
			    f[I_STATE]);
			ret = -1;
			break;
		}
		due = -1;
		if (*f[I_DUE] != '\0' && cx_time_parse(f[I_DUE],
		    strlen(f[I_DUE]), &due, &e) == -1) {
			cx_seterr(err, "%s:%lu: due: %s", path, row->line,
			    e.msg);
			ret = -1;
			break;
		}
		if (strcmp(st, "done") == 0 && *f[I_DONE] != '\0' &&
		    cx_time_parse(f[I_DONE], strlen(f[I_DONE]), &done, &e) ==
		    0 && done >= def->from && done < def->to)
			ndone++;
		rep_cell_text(t, f[I_ID]);
		rep_cell_text(t, f[I_ACTION]);
		rep_cell_text(t, f[I_OWNER]);
		rep_cell_text(t, f[I_DUE]);
		rep_cell_text(t, state_label(v, st, strcmp(st, "done") != 0 &&
		    due != -1 && due < end));
		nover += strcmp(st, "done") != 0 && due != -1 && due < end;
		rep_cell_count(t, (long long)count_ids(f[I_TICKETS]));
		if (*f[I_PROBLEM] != '\0') {
			const char *dim = strchr(f[I_PROBLEM], '.') != NULL ?
			    "subcategory" : "category";

			rep_cell_count(t, agg_get(a, "vol", dim, f[I_PROBLEM],
			    "c", NULL));
			rep_cell_count(t, agg_get(a, "vol", dim, f[I_PROBLEM],
			    "p", NULL));
		} else {
			rep_cell_none(t);
			rep_cell_none(t);
		}
	}
	if (r == -1)
		ret = -1;
	if (ret == 0)
		rep_note(t, L(v, "%zu done in the period, %zu overdue.",
		    "本期完成 %zu 项，逾期 %zu 项。"), ndone, nover);
	cx_csv_close(csv);
	cx_in_close(&in);
	return ret;
}
