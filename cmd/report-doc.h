/*
 * report-doc.h: what the parts of the briefing's tables share.
 */
#ifndef REPORT_DOC_H
#define REPORT_DOC_H

#include "report.h"

static inline const char *
L(const struct rep_view *v, const char *en, const char *zh)
{
	return v->en ? en : zh;
}

/* A dimension's values, this period and the one before, most first. */
struct rep_vol {
	const char	*name;
	long long	 now, before;
};
struct rep_vol *rep_vol_rows(const struct rep_row *, size_t, size_t *);
const char *rep_dim_zh(const char *dim);
/* A value of a dimension as the reader knows it: a category's name. */
void	 rep_label(struct rep_table *, const struct rep_view *,
	    const char *dim, const char *value);

void	 rep_note(struct rep_table *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 rep_cell_rate(struct rep_table *, long long n, long long of);
void	 rep_cell_minutes(struct rep_table *, long long);
void	 rep_cell_change(struct rep_table *, long long now, long long before);
/* A count, or "<k" where it is under k (the public report). */
void	 rep_cell_small(struct rep_table *, long long, unsigned k);
long long rep_percentile(const struct agg *, const char *what,
	    const char *x, const char *group, int pct, long long *count);
/* The items of a list as JSON arrays, decoded: v[i] strings. */
int	 rep_item_fields(const char *json, struct cx_buf *, const char **v,
	    int max);
/* The QA sample: the handled tickets of the lowest draws, as many as
 * the rate asks (rounded up); items point into the lists. */
size_t	 rep_qa_sample(struct agg *, const struct rep_def *,
	    struct rep_item ***);

void	 rep_satisfaction(struct rep_doc *, const struct agg *,
	    const struct rep_view *);
void	 rep_hotspots(struct rep_doc *, const struct agg *,
	    const struct rep_def *, const struct rep_view *);
void	 rep_sla(struct rep_doc *, struct agg *, const struct rep_view *);
void	 rep_backlog(struct rep_doc *, const struct agg *,
	    const struct rep_view *);
void	 rep_groups(struct rep_doc *, const struct agg *,
	    const struct rep_view *, const char *);
void	 rep_qa(struct rep_doc *, struct agg *, const struct rep_def *,
	    const struct rep_view *);
void	 rep_cases(struct rep_doc *, struct agg *, const struct rep_view *);
void	 rep_public(struct rep_doc *, const struct agg *,
	    const struct rep_view *);

#endif
