/*
 * priv.h: what the files of libcx share and no tool needs: the bodies of
 * structures the public header (cx.h) keeps opaque, and small inline
 * helpers on hot paths of more than one file.  Only lib/ and the unit
 * tests, which look inside on purpose, include it.
 */
#ifndef CX_PRIV_H
#define CX_PRIV_H

#include "cx.h"

/* hash.c: the mixer of content keys, for hash tables and random draws. */
uint64_t cx_mix64(uint64_t);
/* The first half of cx_key_of's key, and of the byte tag and the bytes. */
uint64_t cx_hash64(const void *, size_t);
uint64_t cx_hash64_tagged(int tag, const void *, size_t);

/* cc.c: OpenCC's conversions by configuration name ("t2s.json"); NULL
 * and why, with the file's path, if one cannot be loaded. */
struct cx_cc;
struct cx_cc *cx_cc_load(const char *const *names, size_t, struct cx_err *);
/* s by the ith conversion (malloc'd), or NULL if OpenCC could not. */
char	*cx_cc_convert(const struct cx_cc *, size_t i, const char *, size_t);
void	 cx_cc_free(struct cx_cc *);

/* A subdirectory's descriptor, made if missing (and the spool writable). */
int	 cx_spool_dir(struct cx_spool *, const char *, struct cx_err *);

/* text.c: a word that is exactly s; a word in a list "a\0b\0\0". */
int	 cx_tokeq(const char *, size_t, const char *s);
int	 cx_listed(const char *list, const char *, size_t);

/* calendar.c and calfile.c: a working-time calendar. */
#define CX_CAL_MAXRANGE	8		/* time ranges in a day */
enum { CX_CAL_HOLIDAY = 1, CX_CAL_WORKDAY = 2 };

struct cx_cal_range {
	int	 from, to;		/* seconds since local midnight */
};

struct cx_cal_hours {
	struct cx_cal_range	 r[CX_CAL_MAXRANGE];
	int		 n;
	int		 set;		/* given in the file */
};

struct cx_cal_special {
	long long	 day;		/* days since 1970-01-01, local */
	int		 kind;
	unsigned long	 line;
	char		*name;		/* may be NULL */
};

struct cx_cal_yearly {
	int		 from, to;	/* month * 100 + day */
	char		*name;
};

struct cx_cal {
	char		*zone;		/* IANA name */
	char		*tzenv;		/* what TZ must say for it */
	struct cx_cal_hours	 week[7];	/* Sunday first */
	struct cx_cal_hours	 wdhours;	/* workday-hours */
	long		 weekly;	/* working seconds of a plain week */
	struct cx_cal_special	*sp;		/* sorted by day once loaded */
	size_t		 nsp, capsp;
	struct cx_cal_yearly	*yr;
	size_t		 nyr, capyr;
	int		*years;		/* covered, sorted */
	size_t		 nyears, capyears;
	int		 allyears;	/* "year all" */
};
/* The weekday of a day since 1970-01-01, Sunday 0. */
int	 cx_cal_weekday(long long day);

/* utf8.c: a code point and its length in bytes; a bad byte is U+FFFD. */
uint32_t cx_utf8_decode(const unsigned char *, const unsigned char *end,
	    size_t *len);

/* utf8.c and json.c: UTF-8 sequences, inline where every string passes. */
/* Length of the UTF-8 sequence at p if it is valid, else 0. */
static inline size_t
cx_utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (end - p >= 2 && (p[1] & 0xc0) == 0x80) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (end - p < 3 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0;	/* overlong */
		if (c == 0xed && p[1] >= 0xa0)
			return 0;	/* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (end - p < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;
		if (c == 0xf4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Past a run of three-byte characters led by E1 to EC, where no overlong
 * form or surrogate can hide: most text that is not ASCII here is CJK.
 */
static inline const unsigned char *
cx_utf8_skip_cjk(const unsigned char *p, const unsigned char *end)
{
	while (end - p >= 3 && p[0] >= 0xe1 && p[0] <= 0xec &&
	    (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80)
		p += 3;
	return p;
}

/* hash.c: a set of content keys, each with a value. */
struct cx_keyset {
	struct cx_key	*k;
	uint32_t	*v;		/* a value per key: a ticket index */
	size_t		 n;
	size_t		 cap;
};
/* Returns 1 and the stored value if present, else adds it and returns 0. */
int	 cx_keyset_put(struct cx_keyset *, struct cx_key, uint32_t,
	    uint32_t *);
/* Add, or replace the value of a key already present. */
void	 cx_keyset_put_replace(struct cx_keyset *, struct cx_key, uint32_t);
int	 cx_keyset_get(const struct cx_keyset *, struct cx_key, uint32_t *);
void	 cx_keyset_free(struct cx_keyset *);

/* policy.c and sla.c: the policy's parts, and clocks replayed from history. */
#define CX_SLA_MAXCLOCK	16
#define CX_SLA_MAXWARN	4
#define CX_SLA_ASSIGNEE	0x1
#define CX_SLA_OWNER	0x2
#define CX_SLA_SUPERVISOR 0x4
struct cx_sla_span {			/* 2d4h: days count in the basis */
	long		 days, secs;
	int		 working;
};
struct cx_sla_cond {			/* FIELD=VALUE[,VALUE...] */
	char		*field;
	char		*vals;		/* NUL-separated, ends with "" */
	size_t		 fi;		/* field's index in the policy's */
};
struct cx_sla_conds {
	struct cx_sla_cond *c;
	size_t		 n;
};
struct cx_sla_clock {
	char		*name;
	char		*stop;		/* actions, NUL-separated, ends "" */
	int		 customer;	/* from=customer */
	int		 pause, reopen;
};
struct cx_sla_target {
	int		 clock;
	int		 none;		/* "-": no such clock */
	struct cx_sla_span limit;
	struct cx_sla_conds when;
	unsigned long	 line;
	char		*text;
};
struct cx_sla_step {
	struct cx_sla_span delay;
	unsigned	 notify;	/* CX_SLA_ASSIGNEE ... */
	char		*queue;		/* or NULL */
	int		 raise;
	unsigned long	 line;
};
struct cx_sla_ext {			/* force majeure (extensions file) */
	char		*name;
	time_t		 from, to;
	int		 pause;		/* the range does not count */
	struct cx_sla_span add;
	char		*clocks;	/* NUL-separated, or NULL: pausing ones */
	struct cx_sla_conds when;
	unsigned long	 line;
	char		*text;
};
struct cx_sla_policy {
	char		*path;
	char		*extpath;	/* the extensions file, if one */
	struct cx_sla_clock clock[CX_SLA_MAXCLOCK];
	int		 nclock;
	struct cx_sla_target *t;
	size_t		 nt;
	int		 warn[CX_SLA_MAXWARN];	/* percent, ascending */
	int		 nwarn;
	struct cx_sla_step *step;
	size_t		 nstep;
	struct {
		char	*dept;		/* "*" for every other */
		char	*file;
	}		*cal;
	size_t		 ncal;
	struct cx_sla_ext *ext;
	size_t		 next;
	char		**fields;	/* the fields conditions read */
	size_t		 nfields;
	struct {			/* calendars loaded, by file */
		char		*file;
		struct cx_cal	*cal;
	}		*cals;
	size_t		 ncals;
};
/* A ticket's history as cx-sla reads it, in time order. */
struct cx_sla_ev {
	time_t		 at;
	unsigned	 act;		/* offset of the action in names */
	int		 customer;	/* a message from the customer */
	int		 ours;		/* written by cx-sla */
};
struct cx_sla_facts {
	time_t		 received;
	int		 has_received;
	struct cx_sla_ev *ev;
	size_t		 n, cap;
	struct cx_buf	 names;
	struct cx_buf	 tmp;
	struct {			/* cx-sla's own entries, raw */
		const char	*v;
		size_t		 n;
	}		*ours;
	size_t		 nours, capours;
	struct {			/* fields conditions read, memoised */
		unsigned	 gen;
		int		 has;
		size_t		 off, len;
	}		*memo;
	size_t		 nmemo;
	unsigned	 gen;		/* of the ticket read */
	struct cx_buf	 vals;
};
struct cx_sla_result {
	int		 target;	/* index in t, or -1: no such clock */
	long		 limit;		/* seconds in the basis, extended */
	time_t		 start;
	int		 met;		/* stopped for good */
	time_t		 met_at;
	int		 paused;	/* paused now: due unknown */
	time_t		 paused_since;
	long		 remaining;	/* basis seconds left when paused */
	int		 has_due;
	time_t		 due;
	int		 breached;	/* due passed before met_at or now */
	long		 elapsed;	/* of the limit, until now (running) */
	unsigned long	 exts;		/* bit i: extension i applied */
	const char	*kept;		/* stopped before: as the ticket says */
	size_t		 keptn;
};
/* The calendar file of a department's tickets. */
const char *cx_sla_calfile(const struct cx_sla_policy *, const char *dept);
/* That calendar, from the spool's etc/ or the shipped files, loaded once. */
const struct cx_cal *cx_sla_calendar(struct cx_sla_policy *,
	    const char *spool, const char *dept, struct cx_err *);
int	 cx_sla_span_parse(const char *, size_t, struct cx_sla_span *);
long	 cx_sla_span_secs(const struct cx_sla_span *, const struct cx_cal *);
void	 cx_sla_span_fmt(const struct cx_sla_span *, struct cx_buf *);
int	 cx_sla_match(const struct cx_sla_conds *, const struct cx_rec *,
	    struct cx_buf *tmp);
/* Read history and follow-ups; -1 if a time in them is not one. */
int	 cx_sla_facts(struct cx_sla_facts *, const struct cx_rec *,
	    struct cx_err *);
/* The ticket changed (a rung moved it): fields are read again. */
void	 cx_sla_facts_touch(struct cx_sla_facts *);
void	 cx_sla_facts_free(struct cx_sla_facts *);
/*
 * One clock of a ticket at now; explain (may be NULL) gets how.  -1 if a
 * deadline cannot be found (a calendar without working time).
 */
int	 cx_sla_clock(const struct cx_sla_policy *, int clock,
	    const struct cx_rec *, struct cx_sla_facts *,
	    const struct cx_cal *, time_t now, struct cx_sla_result *,
	    struct cx_buf *explain, struct cx_cal_info *, struct cx_err *);
/* The instant a span after t is reached in its basis. */
int	 cx_sla_after(const struct cx_cal *, time_t t,
	    const struct cx_sla_span *, time_t *, struct cx_cal_info *,
	    struct cx_err *);

/* slarec.c: the sla member, and what cx-sla's own history entries said. */
struct cx_sla_said {
	int		 level[CX_SLA_MAXCLOCK];	/* 1..nwarn, nwarn+1 breach */
	int		 esc;			/* rungs of the ladder taken */
	struct cx_buf	 ext;			/* extensions, NUL-separated */
	struct cx_buf	 tmp, tmp2;
};
/*
 * Clocks that had stopped when the ticket's sla member was written keep
 * what it says of them (old, its raw value), not what a later priority or
 * policy would make of them.
 */
void	 cx_sla_keep(const struct cx_sla_policy *, struct cx_sla_result *,
	    const char *old, size_t, struct cx_buf *tmp);
/* Every clock's result as the sla member, a JSON object, appended. */
void	 cx_sla_member(const struct cx_sla_policy *,
	    const struct cx_sla_result *, struct cx_buf *);
/*
 * One of cx-sla's history entries, appended to h: an action, of clock k
 * (res, or NULL for none), with a share, a rung's level, extra members
 * (",\"k\":v" text) and recipients ("a\0b\0\0"), each if given.  Returns
 * where the members after "at" and "by" begin, for the alert.
 */
size_t	 cx_sla_entry(struct cx_buf *h, const char *nowtext,
	    const struct cx_sla_policy *, const struct cx_sla_result *res,
	    int k, const char *action, int share, int level,
	    const char *extra, const char *to);
/* An alert line: when, what kind, which ticket, and those members. */
void	 cx_sla_alert(struct cx_buf *, const char *nowtext, const char *kind,
	    const char *id, const char *members, size_t);
/* How far a clock is: 0, a warning 1..nwarn, or nwarn+1, breached. */
int	 cx_sla_level(const struct cx_sla_policy *,
	    const struct cx_sla_result *);
void	 cx_sla_said_reset(struct cx_sla_said *);
/* Read one history entry; the results say each clock's cycle (start). */
void	 cx_sla_said_entry(struct cx_sla_said *, const struct cx_sla_policy *,
	    const struct cx_sla_result *, const char *, size_t);
int	 cx_sla_said_ext(const struct cx_sla_said *, const char *name);
void	 cx_sla_said_free(struct cx_sla_said *);

/* sweep.c: a run, and a ticket being swept. */
/* What every ticket of a run is swept against. */
struct cx_sla_run {
	struct cx_sla_policy	*pol;
	const struct cx_route	*rt;
	const char		*spool;		/* for the calendars, or NULL */
	time_t			 now;
	const char		*nowtext;	/* now, a JSON string */
	unsigned long		*load;		/* per agent, as swept */
	int			 final;		/* every load counted: a rung
						 * may hand a ticket on */
	int			*sup;		/* supervisors, as agents */
	size_t			 nsup;
	time_t			 history;	/* received before: history */
	int			 has_history;
};
/* An event now due on a ticket. */
#define CX_SLA_WARNING	1		/* level: 1..nwarn */
#define CX_SLA_BREACH	2
#define CX_SLA_RUNG	3		/* level: the rung, from 1 */
struct cx_sla_event {
	int		 kind;
	int		 clock;
	int		 level;
};
/* A ticket being swept; one serves ticket after ticket, buffers reused. */
struct cx_sla_ticket {
	struct cx_rec		*r;
	struct cx_sla_facts	 facts;
	const struct cx_cal	*cal;
	struct cx_sla_result	 res[CX_SLA_MAXCLOCK];
	struct cx_sla_result	 first[CX_SLA_MAXCLOCK];	/* first count */
	int			 counted;
	struct cx_sla_said	 said;
	struct cx_sla_event	*ev;		/* due now: cx_sla_due */
	size_t			 nev, capev;
	struct cx_buf		 who[3];	/* assignee, owner, department */
	int			 has[3], whoread;
	struct cx_buf		 to, ent, str;
	struct cx_buf		 id;
	struct cx_buf		 hist;		/* history entries not appended */
	struct cx_buf		 sla;		/* the sla member */
	struct cx_sla_swept	 out;		/* what the sweep made */
};

/* rules.c: what the rules decide of a record, for classify.c. */
#define CX_MAXTAGS	16
struct cx_verdict {
	const char	*category;	/* a taxonomy code, or NULL */
	const char	*priority;
	const char	*base;		/* the priority before scope raised it */
	const char	*scope;
	int		 crule, prule, srule;	/* deciding rules, or -1 */
	const char	*tag[CX_MAXTAGS];
	int		 ntag;
};
void	 cx_rules_apply(struct cx_rules *, const struct cx_rec *,
	    struct cx_verdict *);
int	 cx_rules_count(const struct cx_rules *);
const char *cx_rules_name(const struct cx_rules *, int);
/* The keywords of a rule that hit in the last record, a JSON array. */
void	 cx_rules_words(const struct cx_rules *, int, struct cx_buf *);
/*
 * A record's tags after a verdict: its own, and the rules'; a tag earlier
 * rules gave (classified_by.tags) that none gives now goes.  tags and cb
 * are work buffers; cb gets ,"tags":[...] for classified_by.
 */
void	 cx_verdict_tags(struct cx_rec *, const struct cx_verdict *,
	    struct cx_buf *tags, struct cx_buf *cb);

/*
 * feats.c: the features of a text for the classifiers, hashed into
 * buckets: cx_feats_put them, then cx_feats_count sorts the buckets and
 * counts each (tf).  Characters are separators, letters of spaced words,
 * characters of unspaced runs (CJK) or symbols (emoji).
 */
struct cx_feats {
	uint32_t	*b;
	uint32_t	*tf;
	size_t		 n, cap;
	struct cx_buf	 word;		/* scratch for the word being read */
};
enum { CX_CH_SEP, CX_CH_WORD, CX_CH_RUN, CX_CH_SYM };
int	 cx_charclass(uint32_t);
/* The next character, full-width letters and digits read as ASCII. */
uint32_t cx_feats_char(const unsigned char *, const unsigned char *end,
	    size_t *len);
/* The hash of tagged bytes (up to 63): tags keep kinds of feature apart. */
uint64_t cx_feats_tagged(int tag, const void *, size_t);
void	 cx_feats_put(struct cx_feats *, uint64_t hash, uint32_t buckets);
void	 cx_feats_count(struct cx_feats *);
void	 cx_feats_free(struct cx_feats *);

/* nb.c: what a model file is written with, for linear.c too. */
/* The shortest decimal that reads back as the same double or float. */
void	 cx_num_put(struct cx_buf *, double, int isfloat);
/* A label with its bytes up to space, DEL and % as %XX, and back. */
void	 cx_label_put(struct cx_buf *, const char *);
int	 cx_label_get(const char *, size_t, struct cx_buf *);
/* A decimal number up to max. */
int	 cx_num_uint(const char *, size_t, uint64_t max, uint64_t *);
/* A finite number above 0; tmp holds it as a string for strtod. */
int	 cx_num_positive(const char *, size_t, struct cx_buf *tmp, double *);
/* d to four significant digits: a smaller file that reads back the same. */
float	 cx_round4(double);
/* A finite float, as strtof reads it; -1 if the bytes are none. */
int	 cx_num_float(const char *, size_t, struct cx_buf *tmp, float *);

/* folds.c: cross-validation's folds and the fit of a temperature. */
#define CX_CAL_MAX	20000		/* texts enough to fit one number */
double	 cx_round3(double);		/* three significant digits */
/*
 * The fold of each example, 0 to k - 1, or k for one without a label;
 * NULL unless 2 <= k <= the examples with one.
 */
size_t	*cx_folds(const char **labels, size_t n, int k, unsigned seed);
/* Held-out scores, each relative to the best and divided by a scale. */
struct cx_held {
	float		*d;		/* nc a row: score - best score */
	size_t		*nc;
	size_t		*truth;
	size_t		 n, cap, len, lencap;
};
void	 cx_held_add(struct cx_held *, const double *score, size_t nc,
	    size_t best, double scale, size_t truth);
/* The temperature under which softmax(d / T) fits the truth best. */
double	 cx_held_temp(const struct cx_held *);
/* Scores into probabilities in place, tempered, best the highest. */
void	 cx_softmax(double *score, size_t nc, size_t best, double temp);
void	 cx_held_free(struct cx_held *);

/* ac.c: Aho-Corasick over UTF-8 bytes, ASCII case folded. */
#define CX_AC_WORD_START 0x1		/* an ASCII word starts here */
#define CX_AC_WORD_END	0x2		/* an ASCII word ends here */
struct cx_ac;
struct cx_ac *cx_ac_new(void);
void	 cx_ac_add(struct cx_ac *, const char *, size_t, int id, unsigned);
void	 cx_ac_build(struct cx_ac *);
/*
 * hit(arg, id, start, end) for each match: the offsets of its first and
 * last bytes.
 */
void	 cx_ac_scan(const struct cx_ac *, const char *, size_t,
	    void (*)(void *, int, size_t, size_t), void *);
void	 cx_ac_free(struct cx_ac *);

/* colmap.c: a column map. */
struct cx_colmap {
	char	*name;			/* the file's name without ".map" */
	char	*path;
	char	*ns;			/* ids of NS, or NULL: the name's */
	struct {
		char	*field;		/* "customer.phone", "extra.x", "-" */
		char	*header;
		char	*norm;		/* the header normalised (header.c) */
	}	*col;
	size_t	 n, cap;
	struct {			/* set FIELD = VALUE */
		int	 field;		/* an intake index */
		char	*value;
	}	*set;
	size_t	 nset;
	struct {			/* team if HEADER = VALUE | ... */
		char	*header;
		char	*values;	/* as written, "|" between */
	}	*team;
	size_t	 nteam;
};

/* header.c: headers compared as a person would. */
int	 cx_header_close(const char *, const char *);
int	 cx_header_holds(const char *, const char *);

/* eval.c: a confusion matrix. */
struct cx_eval {
	char		**label;	/* in order of first appearance */
	size_t		  n, cap;
	unsigned long	 *m;		/* m[truth * cap + predicted] */
	unsigned long	  total;
	struct cx_keyset  idx;		/* label to index */
};

/* batch.c: what one registration commit writes. */
struct cx_batch {
	struct {
		char	*id;
		char	*text;		/* the record, with its newline */
		size_t	 len;
	}			*t;	/* new tickets, for new/ */
	size_t			 nt, capt;
	struct cx_followup {
		char	*dir, *name;	/* where the ticket lives */
		char	*id;
		struct cx_join j;	/* its members owned */
	}			*fu;	/* what joins earlier tickets */
	size_t			 nfu, capfu;
	struct cx_buf		 rejects;	/* JSON Lines, for rejects/ */
	struct cx_keyset	 tidx;	/* a new ticket's id to its index */
	/* Follow-ups to tickets in a batch of new/ or classified/: the
	 * lines of the journal this commit writes beside each batch. */
	struct cx_journal {
		int		 stage;		/* 1 new/, 2 classified/ */
		unsigned long	 serial;	/* the batch's commit */
		struct cx_buf	 lines;
	}			*jn;
	size_t			 njn, capjn;
	struct cx_keyset	 jidx;	/* the batch's commit to its journal */
	/* The stage each batch a follow-up looked for is in, 0 none: only
	 * this run's commits change the spool, and they move no batch. */
	struct cx_keyset	 where;
	/*
	 * The open tickets of each batch file a follow-up looked in, for
	 * the keys of a registry of format 1 (cx_reg_since), which may name
	 * the batch of a ticket that came in closed: read once a run.  The
	 * run holds the spool's lock, and its own commits add to tickets,
	 * never move or close them.
	 */
	struct cx_seen_batch {
		char		*dir, *name;
		struct cx_keyset ids;	/* the open tickets' ids */
	}			*seen;
	size_t			 nseen;
};
/* A ticket's text with what joins it added. */
char	*cx_ticket_join(const char *, size_t, const struct cx_join *,
	    size_t *);
/* A follow-up as a line of a journal (joins.c). */
void	 cx_joins_line(struct cx_buf *, const char *id, const struct cx_join *);

#endif
