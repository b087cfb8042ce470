/*
 * report.h: the parts of cx-report.
 *
 * A briefing is made in two steps that never mix: each ticket is read
 * once and leaves counts behind (report-map.c), whole numbers kept under
 * string keys and a few short ranked lists (report-agg.c); the briefing
 * is then worked out from those counts alone (report-doc.c) and written
 * in one of five forms (report-out.c).  Since the counts of two parts of
 * the tickets add up to the counts of the whole, --partial writes them
 * and --merge adds them up, and the briefing of the merged counts is the
 * briefing of one run, byte for byte.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdint.h>
#include <time.h>

#include "cx.h"

/* What defines a report: a merge adds up only parts made alike. */
struct rep_def {
	time_t		 from, to;	/* the period, [from, to) */
	time_t		 now;
	long		 len;		/* to - from, seconds */
	unsigned long	 seed;		/* of the QA sample */
	unsigned	 qa_rate;	/* percent of handled tickets */
	unsigned	 hot_min;	/* a hot spot's least count */
	const char	*where;		/* --where, or NULL */
	int		 unmasked;	/* cases shown as written */
	const char	*zone;
};

#define REP_HOTWIN	8		/* trailing periods of a hot spot */
#define REP_BREACHES	20		/* breaches listed, the longest over */
#define REP_CASES	3		/* typical cases */
#define REP_QAHEAP	256		/* QA candidates kept whatever their draw */

/* --- report-agg.c: counts and ranked lists ------------------------------ */

enum { L_BREACH, L_CASE, L_QALOW, L_QAANY, L_N };

struct rep_item {
	uint64_t	 rank;		/* the smaller, the sooner */
	char		*id;		/* ties, and duplicates */
	char		*json;		/* what is shown: a JSON array */
};

struct rep_list {
	struct rep_item	*v;
	size_t		 n, cap;
	size_t		 keep;		/* at most, or 0: all */
};

struct rep_slot {
	char		*key;		/* fields joined by \x1f */
	size_t		 klen;
	uint64_t	 h;
	long long	 n;
};

struct agg {
	struct rep_slot	*slot;
	size_t		 nslot, used;
	struct rep_list	 list[L_N];
	struct cx_buf	 k;		/* the key being built */
};

void	 agg_init(struct agg *);
void	 agg_free(struct agg *);
/* Add n under the key of the NULL-ended fields. */
void	 agg_add(struct agg *, long long n, ...);
void	 agg_addk(struct agg *, const char *key, size_t klen, long long n);
/* The count under a key, 0 if none. */
long long agg_get(const struct agg *, ...);
/* Every key whose first fields are these: sorted keys, their counts. */
struct rep_row {
	const char	*f[6];		/* the fields after the prefix */
	size_t		 nf;
	long long	 n;
	char		*mem;
};
size_t	 agg_rows(const struct agg *, struct rep_row **, ...);
void	 agg_rows_free(struct rep_row *, size_t);
void	 agg_list_add(struct agg *, int list, uint64_t rank, const char *id,
	    const char *json, size_t jlen);
/* A list sorted and cut to its size. */
void	 agg_list_done(struct agg *, int list);
/* The partial form: a header line, then a line per count and per item. */
void	 agg_write(struct agg *, const struct rep_def *, struct cx_buf *);
/* Add a partial's lines; -1 and why (with file and line) if it is none,
 * or was made for another report. */
int	 agg_read(struct agg *, const struct rep_def *, struct cx_in *,
	    struct cx_err *);

/* --- report-map.c: a ticket's counts ------------------------------------ */

struct rep_map;
struct rep_map *rep_map_new(const struct rep_def *, const struct cx_cal *,
	    struct agg *);
void	 rep_map_free(struct rep_map *);
/* One ticket's line: 0, or -1 and why if it is no ticket. */
int	 rep_map_ticket(struct rep_map *, const char *, size_t,
	    struct cx_err *);
/* report-qa.c: the QA draw of a ticket: the same seed, the same draw. */
uint64_t rep_draw(unsigned long seed, const char *id, size_t n);
/* report-agg.c: the backlog's age bucket of an age in seconds. */
const char *rep_age_bucket(time_t);

/* --- report-doc.c: the briefing, as tables ------------------------------ */

struct rep_cell {
	char		*text;		/* as shown to a person */
	int		 num;		/* value is a number */
	double		 value;
	int		 bar;		/* drawn as a bar in the charts */
};

struct rep_table {
	const char	*id;		/* stable, English: "volume_channel" */
	char		*title;
	char		*note;		/* below the table, or NULL */
	const char	*cols[10];
	size_t		 ncol;
	struct rep_cell	*cell;		/* rows * ncol */
	size_t		 nrow, ncell, cap;
	int		 chart;		/* column drawn as bars, or -1 */
};

struct rep_doc {
	char		*title, *period, *masked;
	struct rep_table *t;
	size_t		 n, cap;
};

struct rep_view {
	int		 en;		/* English labels */
	int		 unmasked;
	int		 public;	/* the transparency report */
	unsigned	 min_group;	/* public: smaller groups suppressed */
	const char	*improvements;	/* file of improvement actions */
	const struct cx_taxonomy *tax;	/* names of the categories */
};

void	 rep_doc_build(struct rep_doc *, struct agg *, const struct rep_def *,
	    const struct rep_view *);
void	 rep_doc_free(struct rep_doc *);
/* A period's bounds as the reader reads them: 2026-11-23 .. 2026-11-29. */
void	 rep_period_text(time_t from, time_t to, struct cx_buf *);
/* Working minutes as text: 26h40m. */
void	 rep_minutes(long long, struct cx_buf *);

/* --- report-imp.c: improvement actions ---------------------------------- */

/* The table of improvement actions from the file; -1 and why. */
int	 rep_improvements(struct rep_doc *, const char *path, struct agg *,
	    const struct rep_def *, const struct rep_view *, struct cx_err *);

/* --- report-out.c: the five forms --------------------------------------- */

enum { OUT_TEXT, OUT_MD, OUT_CSV, OUT_JSON, OUT_HTML };
/* A CSV field, quoted where it must be (RFC 4180). */
void	 rep_csv_field(struct cx_buf *, const char *);
/* tty: bold titles; en: the HTML's language. */
void	 rep_out(const struct rep_doc *, int form, int tty, int en,
	    struct cx_buf *);

/* --- shared by the parts ----------------------------------------------- */

struct rep_table *rep_table_new(struct rep_doc *, const char *id,
	    const char *title, size_t ncol, ...);
void	 rep_cell_text(struct rep_table *, const char *);
void	 rep_cell_num(struct rep_table *, double, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 rep_cell_count(struct rep_table *, long long);
void	 rep_cell_none(struct rep_table *);

#endif
