/*
 * cx.h: the one header of libcx, the library under every cx tool.
 *
 * The library never prints and never exits.  Errors are return values: 0 on
 * success and -1 on failure, with a message a tool can show in the error
 * buffer the call was given (struct cx_err) where there is one.  The only
 * exception is running out of memory, which aborts: no tool can do anything
 * useful then, and checking every append would hide the logic.
 *
 * Ownership: what a *_new, *_load, *_open or *_begin call returns is the
 * caller's, released by the matching *_free or *_end (NULL is allowed
 * there).  The structures a caller declares itself (cx_buf, cx_rec, cx_in,
 * cx_intake, cx_cols, ...) start as { 0 }, or are filled by their *_open,
 * and are released by their *_free or *_close.  A pointer a function
 * returns into something it was given (a record, a line reader, a policy)
 * is borrowed, and valid until the next call that changes that thing.
 * Strings are byte ranges (pointer and length), UTF-8, not necessarily
 * NUL-terminated, unless a comment says otherwise.
 *
 * Types a caller needs no field of are opaque here; their bodies, and what
 * only the library's files share, are in priv.h.  The names are grouped by
 * the file that defines them, in this order: buffers and text; records,
 * input, CSV; time and calendars; configuration and the run; the spool,
 * its registry and a registration's batch; intake; classification;
 * routing; time limits.
 */
#ifndef CX_H
#define CX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

/* The exit statuses of every cx tool (cx(7)); cx_exit_status in run.c. */
#define CX_EXIT_OK	0	/* all good */
#define CX_EXIT_NO	1	/* the tool's "no": set aside, in breach, ... */
#define CX_EXIT_ERR	2	/* an error that stopped the run */

/* Room for now as a JSON string: "2026-11-24T09:00:00+08:00". */
#define CX_NOWTEXT	40

/* An error message for the caller to show; filled by a failing call. */
struct cx_err {
	char	msg[256];
};
void	cx_seterr(struct cx_err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* buf.c: growable byte buffers. */
struct cx_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};
void	*cx_alloc(size_t);
void	*cx_realloc(void *, size_t);
/* Room for element n of a growing array: cx_grow for one only ever grown,
 * from empty; cx_reserve for one reused, with its room kept in *cap. */
void	*cx_grow(void *, size_t n, size_t size);
void	*cx_reserve(void *, size_t n, size_t *cap, size_t size);
char	*cx_strndup(const char *, size_t);
void	 cx_buf_reserve(struct cx_buf *, size_t);	/* the slow path */
/* Room for n more bytes and a NUL; inline, as it is on every hot path. */
static inline void
cx_buf_grow(struct cx_buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
		cx_buf_reserve(b, n);
}
static inline void
cx_buf_add(struct cx_buf *b, const void *s, size_t n)
{
	cx_buf_grow(b, n);
	if (n > 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
}
static inline void
cx_buf_addc(struct cx_buf *b, int c)
{
	cx_buf_grow(b, 1);
	b->p[b->len++] = (char)c;
}
void	 cx_buf_adds(struct cx_buf *, const char *);
void	 cx_buf_ulong(struct cx_buf *, unsigned long);
void	 cx_buf_printf(struct cx_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
const char *cx_buf_str(struct cx_buf *);	/* NUL-terminates in place */
void	 cx_buf_free(struct cx_buf *);

/* text.c: comparing without case, trimming, words, whole numbers. */
int	 cx_streqi(const char *, size_t, const char *, size_t);
void	 cx_trim(const char **, size_t *);
/* The next word of a line, split on blanks; 0 at its end. */
int	 cx_word(const char **, const char *end, const char **, size_t *);
/* "a, b，c、d" as trimmed strings; -1 if there are none. */
int	 cx_split(const char *, size_t, char ***, int *);
void	 cx_split_free(char **, int);
/* The next line of a buffer, without its newline; 0 at the buffer's end. */
int	 cx_line(const char **p, const char *end, const char **, size_t *);
/* One to 18 decimal digits and nothing else, as a number; -1 if not. */
int	 cx_digits(const char *, size_t, unsigned long *);
/* A whole decimal number from lo to hi, nothing else; -1 if not. */
int	 cx_number(const char *, size_t lo, size_t hi, size_t *);

/* utf8.c: UTF-8 validation and repair. */
int	 cx_utf8_valid(const char *, size_t);
size_t	 cx_utf8_prefix(const char *, size_t);	/* bytes of whole chars */
/* Text with every byte that is not part of valid UTF-8 as U+FFFD. */
void	 cx_utf8_scrub(const char *, size_t, struct cx_buf *);
/* A code point as UTF-8, appended. */
void	 cx_utf8_put(struct cx_buf *, unsigned long);

/* hash.c: 128-bit content keys. */
struct cx_key {
	uint64_t h[2];
};
struct cx_key cx_key_of(const void *, size_t);
void	 cx_key_hex(struct cx_key, char out[33]);
int	 cx_key_parse(const char *, size_t, struct cx_key *);

/* json.c: JSON Lines records, read and set without re-serialising. */
struct cx_field {
	const char	*k;		/* key as written, without quotes */
	size_t		 klen;
	const char	*v;		/* value as written */
	size_t		 vlen;
	unsigned	 flags;
};
#define CX_F_KESC	0x1		/* key contains escapes */
#define CX_F_OWNED	0x2		/* v was allocated by a set */
#define CX_F_DEL	0x4		/* deleted */
#define CX_F_KOWNED	0x8		/* k was allocated by a set */
struct cx_rec {
	const char	*line;		/* borrowed: the input line */
	size_t		 len;
	struct cx_field	*f;		/* top-level members, in order */
	size_t		 n;
	size_t		 cap;
	int		 dirty;		/* something was set or deleted */
};
enum cx_jtype { CX_J_BAD, CX_J_NULL, CX_J_FALSE, CX_J_TRUE, CX_J_NUM,
	CX_J_STR, CX_J_ARR, CX_J_OBJ };
/*
 * Parse one line (without its newline) as a JSON object and validate it
 * completely (RFC 8259, UTF-8).  On failure *errpos is the byte offset.
 */
int	 cx_rec_parse(struct cx_rec *, const char *, size_t,
	    struct cx_err *, size_t *errpos);
void	 cx_rec_free(struct cx_rec *);
/* The raw value of a top-level key, or NULL. */
const struct cx_field *cx_rec_get(const struct cx_rec *, const char *);
/* Set a top-level key to raw JSON (already valid); appended if new. */
void	 cx_rec_set_raw(struct cx_rec *, const char *, const char *, size_t);
void	 cx_rec_set_str(struct cx_rec *, const char *, const char *, size_t);
/* Append a raw JSON value to an array member, made if missing. */
void	 cx_rec_append(struct cx_rec *, const char *, const char *, size_t);
/* Put an object with an "at" time in an array kept in time order, after
 * those not later than at (elem a NUL-terminated raw object). */
void	 cx_rec_insert_by_time(struct cx_rec *, const char *, const char *elem,
	    time_t at);
void	 cx_rec_del(struct cx_rec *, const char *);
/* Append the record, with a final newline, to a buffer. */
void	 cx_rec_write(const struct cx_rec *, struct cx_buf *);

enum cx_jtype cx_json_type(const char *, size_t);
/* Validate one JSON value; returns bytes used or 0 with *err set. */
size_t	 cx_json_check(const char *, size_t, struct cx_err *);
/* Decode a raw JSON string value into out (appended); -1 if not a string. */
int	 cx_json_str(const char *, size_t, struct cx_buf *);
/* Find a member of a raw object value; the value's range, or -1. */
int	 cx_json_member(const char *, size_t, const char *,
	    const char **, size_t *);
/* Several members of a raw object in one walk: v[i] NULL if absent. */
int	 cx_json_fields(const char *, size_t, const char *const *keys,
	    size_t nkeys, const char **v, size_t *vlen);
/* A raw object with a member set, written to out; -1 if not an object. */
int	 cx_json_setmember(const char *, size_t, const char *key,
	    const char *, size_t, struct cx_buf *);
/* fn(arg, key, keylen, value, vlen) for each member of a raw object. */
int	 cx_json_each_member(const char *, size_t, void (*)(void *,
	    const char *, size_t, const char *, size_t), void *);
/* fn(arg, v, vlen) with the values of keys (at most 16) in each object
 * of a raw array, in one walk; -1 if it is no array. */
int	 cx_json_each_fields(const char *, size_t, const char *const *keys,
	    size_t nkeys, void (*)(void *, const char **, size_t *), void *);
/* fn(arg, value, length) for each element of a raw array; -1 if none. */
int	 cx_json_each(const char *, size_t, void (*)(void *, const char *,
	    size_t), void *);
/* Dotted path through nested objects: "customer.phone". */
int	 cx_json_path(const struct cx_rec *, const char *,
	    const char **, size_t *);
/* A string at a record's dotted path, or an object's member, decoded
 * into b (its contents replaced, NUL-terminated); -1 if there is no
 * string there. */
int	 cx_rec_getstr(const struct cx_rec *, const char *, struct cx_buf *);
int	 cx_json_getstr(const char *, size_t, const char *, struct cx_buf *);
/* A JSON array of the strings of a list "a\0b\0\0", appended. */
void	 cx_json_addlist(struct cx_buf *, const char *);
/* Writers: append JSON text for a string, or a "key": prefix. */
void	 cx_json_addstr(struct cx_buf *, const char *, size_t);
/* The same, checking the text is UTF-8 on the way; -1 if it is not. */
int	 cx_json_addstr_utf8(struct cx_buf *, const char *, size_t);
void	 cx_json_addkey(struct cx_buf *, int first, const char *);
/* A ticket's history entry begun, {"at":NOW,"by":BY,"action":ACTION, for
 * the caller to add members to and close; nowtext is a JSON string. */
void	 cx_hist_begin(struct cx_buf *, const char *nowtext, const char *by,
	    const char *action);

/* lines.c: input of any kind (file, stdin, gzip) read as lines. */
struct cx_in {
	int		 fd;
	void		*z;		/* zlib stream when gzipped */
	unsigned char	*zbuf;		/* raw input not yet used */
	size_t		 zlen, zpos;
	int		 zeof, zmid;
	char		*name;		/* for messages: "-" is "(stdin)" */
	int		 gz;
	/* line reader state */
	char		*buf;
	size_t		 cap, beg, end;
	int		 eof;
	unsigned long	 lineno;	/* of the last line returned */
	int		 cut;		/* that line was longer than
					 * cx_record_max: only its start */
};
/* The longest line or CSV record read whole (record_max_mb of cx.conf,
 * 8 MB); 0 for no limit. */
extern size_t	 cx_record_max;
/* "a line longer than 8 MB (record_max_mb, cx-conf(5))": what, why. */
void	 cx_cut_why(struct cx_err *, const char *what);
int	 cx_in_open(struct cx_in *, const char *path, struct cx_err *);
/* The same for a descriptor already open ("name" for messages). */
int	 cx_in_fdopen(struct cx_in *, int fd, const char *name,
	    struct cx_err *);
/* The first bytes, decompressed, left to be read again. */
int	 cx_in_peek(struct cx_in *, const char **, size_t *, struct cx_err *);
/* Raw bytes, decompressed; returns bytes read, 0 at end, -1 on error. */
long	 cx_in_read(struct cx_in *, void *, size_t, struct cx_err *);
/* Next line without its terminator (LF or CRLF); 1, 0 at end, -1 error. */
int	 cx_in_line(struct cx_in *, const char **, size_t *, struct cx_err *);
void	 cx_in_close(struct cx_in *);
/* JSON Lines by the name's ending, or by a first '{'; else CSV. */
int	 cx_in_is_jsonl(struct cx_in *, const char *path);
/* Write all of a buffer to a file descriptor. */
int	 cx_write_all(int, const void *, size_t);

/* gz.c: gzip output (archives, compressed exports). */
int	 cx_gz_compress(const void *, size_t, struct cx_buf *, struct cx_err *);

/* conv.c: character sets. */
/* Convert from a named charset to UTF-8, appending; -1 on bad bytes. */
int	 cx_conv(const char *charset, const char *, size_t, struct cx_buf *,
	    struct cx_err *);
/* The name iconv knows a charset by: GB2312 and GBK are read as GB18030. */
const char *cx_conv_name(const char *);
/* Guess: "UTF-8" or "GB18030" from a sample of raw bytes. */
const char *cx_conv_guess(const char *, size_t);

/* csv.c: CSV records through libcsv, with line numbers. */
struct cx_csvrow {
	struct cx_buf	 data;		/* fields, each NUL-terminated */
	const char	*rawp;		/* the record's text, as read */
	size_t		 rawn;
	struct cx_buf	 raw;		/* where rawp points if it must */
	size_t		*off;		/* offset of field i in data */
	size_t		*flen;
	size_t		 n;
	size_t		 cap;
	unsigned long	 line;		/* where the record starts */
	unsigned long	 endline;
	char		*err;		/* a malformed record: why */
};
struct cx_csv;
/* charset NULL means guess (UTF-8 unless the start is not, then GB18030). */
struct cx_csv *cx_csv_open(struct cx_in *, const char *charset,
	    struct cx_err *);
/* 1 with a row (row->err set if malformed), 0 at end, -1 on I/O error. */
int	 cx_csv_next(struct cx_csv *, struct cx_csvrow **, struct cx_err *);
const char *cx_csv_charset(const struct cx_csv *);
void	 cx_csv_close(struct cx_csv *);

/* time.c: times in and out. */
/*
 * Set the zone used for times that carry none and for output: an IANA
 * name ("Asia/Shanghai"); -1 if the zone is unknown.
 */
int	 cx_tz_set(const char *, struct cx_err *);
const char *cx_tz_name(void);
/* What TZ says for a zone: "UTC0", or its file's absolute path. */
char	*cx_tz_env(const char *);
/* TZ set to what cx_tz_env said, and applied; -1 and why if the zone's
 * file could not be read (the C library would go on in UTC). */
int	 cx_tz_apply(const char *env, struct cx_err *);
/* 0 if every zone applied so far was loaded, else -1 and why of the
 * first that was not: a run must commit nothing computed since. */
int	 cx_tz_ok(struct cx_err *);
/* Parse the formats exports use; *t seconds since the epoch. */
int	 cx_time_parse(const char *, size_t, time_t *, struct cx_err *);
/* The zone's offset from UTC at an instant, in seconds (cached). */
long	 cx_tz_offset(time_t);
/* RFC 3339 with the zone's offset: "2026-11-22T10:30:00+08:00". */
void	 cx_time_fmt(time_t, struct cx_buf *);
/* Days since 1970-01-01 of a date, and back (proleptic Gregorian). */
long long cx_days_from_civil(int y, int m, int d);
void	 cx_civil_from_days(long long, int *y, int *m, int *d);
int	 cx_days_in_month(int y, int m);
/* Now: CX_NOW or --now if set (cx_now_set), else the clock. */
int	 cx_now_set(const char *, struct cx_err *);
time_t	 cx_now(void);

/* calendar.c: working time (cx-calendar(5)): hours, holidays, 调休. */
struct cx_cal;
#define CX_CAL_MAXMISS	8
struct cx_cal_info {
	/* in: if not NULL, a line per working interval walked is appended */
	struct cx_buf	*explain;
	/* out: years walked that the calendar has no holiday entries for */
	int		 missing[CX_CAL_MAXMISS];	/* ascending */
	int		 nmissing;	/* may pass CX_CAL_MAXMISS */
};
struct cx_cal *cx_cal_load(const char *path, struct cx_err *);
void	 cx_cal_free(struct cx_cal *);
const char *cx_cal_zone(const struct cx_cal *);
/*
 * The instant when seconds of working time after start have passed;
 * from start's next working instant if start is outside working time.
 * -1 if there is no such instant within 100 years.  info may be NULL.
 */
int	 cx_cal_add(const struct cx_cal *, time_t start, long seconds,
	    time_t *due, struct cx_cal_info *, struct cx_err *);
/* Working seconds from a to b; 0 if b is not after a.  info may be NULL. */
long	 cx_cal_between(const struct cx_cal *, time_t a, time_t b,
	    struct cx_cal_info *);
/* 1 if the instant is working time, else 0. */
int	 cx_cal_is_working(const struct cx_cal *, time_t);

/* The average working day of a plain week, in seconds (a "working day"). */
long	 cx_cal_daylen(const struct cx_cal *);

/* conf.c: configuration files, a spool's etc/ before the shipped share/. */
/* Path of a configuration file into *path, NULL if none (caller frees);
 * -1 and why if whether it is there cannot be told. */
int	 cx_conf_path(const char *spool, const char *name, char **path,
	    struct cx_err *);
const char *cx_share_dir(void);
/* A line-oriented file: calls fn per non-blank, non-comment line. */
int	 cx_conf_lines(const char *path,
	    int (*fn)(void *, const char *, size_t, unsigned long,
	    struct cx_err *), void *, struct cx_err *);
/* Alias tables: "code: alias, alias, ..." lines (channels, remedies). */
struct cx_alias;
struct cx_alias *cx_alias_load(const char *path, struct cx_err *);
/* The code for a value (matched case-insensitively, trimmed), or NULL. */
const char *cx_alias_code(struct cx_alias *, const char *, size_t);
/* The first code whose alias occurs inside the text, or NULL. */
const char *cx_alias_find(struct cx_alias *, const char *, size_t);
/* A code's first alias but itself, else the code. */
const char *cx_alias_label(const struct cx_alias *, const char *code);
void	 cx_alias_free(struct cx_alias *);
/* A configuration file that must be there; NULL and why if not. */
char	*cx_conf_need(const char *spool, const char *name, struct cx_err *);
int	 cx_setting_number(const char *spool, const char *key, size_t def,
	    size_t lo, size_t hi, size_t *, struct cx_err *);
/* Simple settings: "key = value" lines (cx.conf). */
int	 cx_setting(const char *spool, const char *key, char **,
	    struct cx_err *);

/* run.c: what every run shares. */
/*
 * The exit status of a run that finished: CX_EXIT_NO if it set aside or
 * passed through unread any input (nbad) or found its "no" (a ticket in
 * breach, one asked for and not there), else CX_EXIT_OK.
 */
int	 cx_exit_status(unsigned long nbad, int no);
/* The zone and the clock of a run (-z, CX_TZ, timezone; --now, CX_NOW). */
int	 cx_clock_setup(const char *spool, const char *zone, const char *now,
	    char nowtext[CX_NOWTEXT], struct cx_err *);

/* spool.c: the spool directory and its one way of changing (cx-spool(5)). */
/* The spool $CX_SPOOL names, or NULL if it is unset or empty. */
const char *cx_spool_env(void);
struct cx_spool;
#define CX_SPOOL_READ	0x1	/* to read: shared lock; nothing made or changed */
#define CX_SPOOL_MAYBE	0x2	/* with READ: a spool not there is NULL, no error */
/*
 * A writer's start: the spool opened (made if missing), locked for the
 * run, and whatever a crash left finished or undone.
 */
int	 cx_spool_begin(struct cx_spool **, const char *path, int flags,
	    struct cx_err *);
/* Unlock and close; what is staged and not committed is dropped. */
void	 cx_spool_end(struct cx_spool *);
const char *cx_spool_path(const struct cx_spool *);
int	 cx_spool_readonly(const struct cx_spool *);
/* The number the transaction being built will commit as. */
unsigned long cx_spool_serial(const struct cx_spool *);
/*
 * A transaction: files to write to dir/name (dir "." is the spool itself)
 * and files to remove, all done by the commit or none of them.  A spool
 * opened to read stages nothing.
 */
int	 cx_spool_stage(struct cx_spool *, const char *dir, const char *name,
	    const void *, size_t, struct cx_err *);
int	 cx_spool_remove(struct cx_spool *, const char *dir, const char *name,
	    struct cx_err *);
size_t	 cx_spool_pending(const struct cx_spool *);	/* staged, removed */
/* 1 and its text if this transaction stages dir/name; else 0. */
int	 cx_spool_staged(struct cx_spool *, const char *dir, const char *name,
	    struct cx_buf *);
/* 1 if s can name a file of the spool: no slash, blank, control
 * character or leading dot (a ticket's id names its file). */
int	 cx_spool_name_ok(const char *s);
int	 cx_spool_commit(struct cx_spool *, struct cx_err *);
/* Read a whole file below the spool; -1 with errno ENOENT if absent. */
int	 cx_spool_read(struct cx_spool *, const char *dir, const char *name,
	    struct cx_buf *, struct cx_err *);
/* 1 if dir/name is there, 0 if not, -1 and why if that cannot be told. */
int	 cx_spool_has(struct cx_spool *, const char *dir, const char *name,
	    struct cx_err *);
/* 1 if dir holds no file or is not there (it is not made), 0 if it holds
 * one, -1 and why if that cannot be told. */
int	 cx_spool_empty(struct cx_spool *, const char *dir, struct cx_err *);
/*
 * A ticket's file read into text and parsed into r (which borrows text);
 * -1 if it cannot be read, 1 with "SPOOL/DIR/NAME:1: why" if it is no
 * record.
 */
int	 cx_spool_ticket(struct cx_spool *, const char *dir, const char *name,
	    struct cx_buf *text, struct cx_rec *r, struct cx_err *);
/* A file of the spool ("open/ID"), never through a link. */
int	 cx_spool_openat(struct cx_spool *, const char *, int flags,
	    struct cx_err *);
/* The files of a spool directory, sorted, NULL-terminated; caller frees. */
char	**cx_spool_list(struct cx_spool *, const char *dir, struct cx_err *);
void	 cx_spool_list_free(char **);

/* reg.c: the registry: ticket numbers and what was ingested. */
struct cx_reg;
struct cx_reg_entry {
	const char	*id;		/* the ticket */
	unsigned long	 serial;	/* the commit that registered it; 0:
					 * it came in closed, in no batch */
};
#define CX_REG_SOURCE	's'
#define CX_REG_ORDER	'c'
#define CX_REG_REJECT	'r'
#define CX_REG_MESSAGE	'm'		/* a message: its ticket */
/* The registry of a spool begun, or in memory only for NULL.  NULL and
 * why if it cannot be read, with errno EBADMSG where its files are
 * damaged (cx-spool(5)): a seq or keys lost, cut short or garbled, or no
 * seq in a spool with tickets. */
struct cx_reg *cx_reg_open(struct cx_spool *, struct cx_err *);
/* One in files of other names than keys and seq (names kept, not
 * copied); one not there in a spool with tickets is new, not lost. */
struct cx_reg *cx_reg_open_named(struct cx_spool *, const char *keys,
	    const char *seq, struct cx_err *);
void	 cx_reg_free(struct cx_reg *);
/* The first commit whose keys say 0 for a ticket that came in closed:
 * an earlier one's serial may name a closed ticket's batch. */
unsigned long cx_reg_since(const struct cx_reg *);
/* 1 if the key is known; for CX_REG_ORDER and _MESSAGE, e says which
 * ticket. */
int	 cx_reg_find(const struct cx_reg *, int kind, struct cx_key,
	    struct cx_reg_entry *e);
/* Note a key as seen, in memory only; 1 if it was seen before. */
int	 cx_reg_claim(struct cx_reg *, int kind, struct cx_key);
/* Record a key and its ticket for the transaction being built. */
void	 cx_reg_add(struct cx_reg *, int kind, struct cx_key, const char *id);
/* The same, for a ticket an earlier commit (e->serial) registered. */
void	 cx_reg_add_to(struct cx_reg *, int kind, struct cx_key,
	    const struct cx_reg_entry *e);
/* The tickets of keys kept as seen only (a source key), looked up in the
 * keys log: found[i] and e[i] for each; the number found. */
size_t	 cx_reg_lookup(struct cx_reg *, int kind, const struct cx_key *,
	    size_t, struct cx_reg_entry *e, int *found);
/* Next ticket number of a day ("20261122"). */
unsigned long cx_reg_next(struct cx_reg *, const char *date);
/* The next ticket number of now's day, PREFIX-YYYYMMDD-NNNN, appended;
 * nowtext is now as a JSON string, in the team's zone. */
void	 cx_reg_ticket_id(struct cx_reg *, const char *prefix,
	    const char *nowtext, struct cx_buf *);
int	 cx_reg_pending(const struct cx_reg *);
/* The keys and counters, with the spool's transaction, committed. */
int	 cx_reg_commit(struct cx_reg *, struct cx_err *);
/* A registry to rebuild: no keys, the counters of what can be read of
 * seq.  Keys added to it are, with cx_reg_stage_all, the whole of keys,
 * and seq with them and since (cx_reg_since), staged in the spool's
 * transaction uncommitted. */
struct cx_reg *cx_reg_salvage(struct cx_spool *, struct cx_err *);
int	 cx_reg_stage_all(struct cx_reg *, unsigned long since,
	    struct cx_err *);
/* A day's counter ("20261124") raised to n, if it is lower. */
void	 cx_reg_count(struct cx_reg *, const char *date, unsigned long n);
/* The day and number of a ticket id PREFIX-YYYYMMDD-NNNN; -1 if none. */
int	 cx_reg_id_number(const char *id, char date[9], unsigned long *);

/* action.c: what is done to a routed ticket (cx-close(1)). */
enum {
	CX_ACT_ACK, CX_ACT_REPLY, CX_ACT_NOTE, CX_ACT_INVESTIGATE,
	CX_ACT_WAIT, CX_ACT_RESUME, CX_ACT_REASSIGN, CX_ACT_PROPOSE,
	CX_ACT_APPROVE, CX_ACT_RESOLVE, CX_ACT_CONFIRM, CX_ACT_CLOSE,
	CX_ACT_REOPEN, CX_ACT_MERGE, CX_ACT_LINK, CX_ACT_SURVEY,
	CX_ACT_REWARD, CX_ACT_REVIEW,
	CX_ACT_ABSORB,		/* the other side of a merge */
	CX_ACT_N
};
struct cx_action {
	int		 kind;
	const char	*id;		/* the ticket */
	const char	*agent;		/* who did it; NULL: the customer */
	time_t		 at;		/* when */
	const char	*code;		/* propose, resolve: resolution code;
					 * review: the verdict */
	const char	*amount;	/* an exact decimal, or NULL */
	const char	*note;		/* reply, note, comment, reason */
	const char	*to;		/* wait: on whom; reassign: the agent;
					 * merge, link: the other ticket */
	int		 score[3];	/* survey: result, attitude,
					 * timeliness, 1 to 5; 0 none */
};
struct cx_act_ctx {
	const struct cx_route	*rt;		/* the agents */
	struct cx_alias		*codes;		/* resolution codes */
	double			 approval_limit;	/* -1: none */
	const char		*system;	/* a tool acting as agent
						 * ("cx-follow"), or NULL */
};
/* Where a ticket goes once an action is applied. */
#define CX_ACT_STAYS	0
#define CX_ACT_CLOSES	1		/* to closed/ */
#define CX_ACT_REROUTES	2		/* back through routing */
const char *cx_act_name(int);
/* An action by name, or by an alias of the table; -1 if none. */
int	 cx_act_kind(struct cx_alias *, const char *, size_t);
/* An action's fields as an export gives them (cx-close(1)). */
enum { CX_AF_ID, CX_AF_ACTION, CX_AF_AGENT, CX_AF_AT, CX_AF_CODE,
	CX_AF_AMOUNT, CX_AF_NOTE, CX_AF_TO, CX_AF_RESULT, CX_AF_ATTITUDE,
	CX_AF_TIMELY, CX_AF_N };
/* The field a header names ("工单号", "Ticket ID"), or -1. */
int	 cx_act_field(const char *, size_t);
/* An action from its fields (v[CX_AF_*], NULL where absent): -1 and why.
 * It points into v, and into amount for the amount normalised. */
int	 cx_action_make(struct cx_action *, char *const *v, struct cx_alias *,
	    struct cx_buf *amount, struct cx_err *);
/* Apply to the ticket, or refuse (-1, why in err). */
int	 cx_action_apply(const struct cx_act_ctx *, const struct cx_action *,
	    struct cx_rec *, struct cx_err *);

/* index.c: the index of a spool's open tickets, a line each. */
struct cx_index;
/* The spool's index, or an empty one where there is none (*exists 0). */
struct cx_index *cx_index_load(struct cx_spool *, int *exists,
	    struct cx_err *);
/* The same, built from open/ where there is none: for a writer. */
struct cx_index *cx_index_open(struct cx_spool *, struct cx_err *);
/* The line of a ticket (no newline). */
void	 cx_index_line(const struct cx_rec *, struct cx_buf *);
/* A ticket now in open/; r NULL: the ticket gone from it. */
void	 cx_index_set(struct cx_index *, const char *id, const struct cx_rec *);
/* A ticket unchanged since its line was made: kept; 0 if it has none. */
int	 cx_index_touch(struct cx_index *, const char *id);
/* Around a pass over every open ticket: what it did not set goes. */
void	 cx_index_sweep_begin(struct cx_index *);
void	 cx_index_sweep_end(struct cx_index *);
/* The lines in the order of the ids (the array to free, not the lines). */
const char **cx_index_lines(struct cx_index *, size_t *);
/* Staged in the spool's transaction, if anything changed. */
int	 cx_index_stage(struct cx_index *, struct cx_spool *, struct cx_err *);
void	 cx_index_free(struct cx_index *);

/* archive.c: closed tickets kept by month (cx-spool(5), archive/). */
/* When the ticket closed (or merged); 0 if it says not. */
time_t	 cx_closed_at(const struct cx_rec *);
/* The closed tickets that closed before a time, staged into
 * archive/YYYY-MM.jsonl.gz and out of closed/. */
int	 cx_archive_closed(struct cx_spool *, time_t before,
	    unsigned long *moved, unsigned long *kept, struct cx_err *);
/* A ticket wherever it is: open/, closed/, the archive (*where says);
 * 0, 1 if it is nowhere, 2 and why if it is no record, -1 and why if it
 * cannot be read. */
int	 cx_spool_find(struct cx_spool *, const char *id, struct cx_buf *text,
	    struct cx_rec *, const char **where, struct cx_err *);

/* notify.c: the messages of the customer loop (cx-follow(1)). */
/* The values a template fills in (cx-templates(5)). */
enum { CX_TV_ID, CX_TV_NAME, CX_TV_DUE, CX_TV_SUBJECT, CX_TV_RESOLUTION,
	CX_TV_AMOUNT, CX_TV_TEAM, CX_TV_DAYS, CX_TV_N };
struct cx_tmpl;
struct cx_tmpl *cx_tmpl_load(const char *path, struct cx_err *);
void	 cx_tmpl_free(struct cx_tmpl *);
/* Subject, SMS text and body with the values (v[CX_TV_*], NULL: empty);
 * 1 if the template has an SMS text. */
int	 cx_tmpl_render(const struct cx_tmpl *, const char *const *v,
	    struct cx_buf *subject, struct cx_buf *sms, struct cx_buf *body);
/* Header text: as it is if printable ASCII, else RFC 2047 encoded words
 * on lines of 76 characters at most, the first holding used already. */
void	 cx_mime_words(struct cx_buf *, const char *, size_t, size_t used);
/* 1 if s is one plain addr-spec, safe in a header. */
int	 cx_mail_addr_ok(const char *);
struct cx_mail {
	const char	*from;		/* "name <addr>" or "addr" */
	const char	*to_name;	/* or NULL */
	const char	*to_addr;
	const char	*subject, *body;	/* UTF-8 */
	time_t		 date;
	const char	*msgid;		/* the part before "@" */
	const char	*ticket;
};
/* The customer's language: the ticket's "lang", else zh if they wrote
 * Chinese, else en. */
#define CX_LANG_ZH	0
#define CX_LANG_EN	1
int	 cx_lang_of(const struct cx_rec *, struct cx_buf *tmp);
/* The promised date, "2026-11-25 09:12", or "as soon as possible" (1)
 * where it is past; -1 and nothing where no clock has one. */
int	 cx_promised(const struct cx_rec *, time_t now, int lang,
	    struct cx_buf *out, struct cx_buf *tmp);
/* The mail, RFC 5322 and MIME, for sendmail -t; -1 if an address is bad. */
int	 cx_mail_write(const struct cx_mail *, struct cx_buf *,
	    struct cx_err *);

/* A span ("30m", "4h", "2d") in seconds of calendar time; -1 if none. */
int	 cx_span_secs(const char *, size_t, long *);

/* mask.c: personal data as shown where it must stay private (R1.6). */
void	 cx_mask_name(const char *, size_t, struct cx_buf *);
void	 cx_mask_phone(const char *, size_t, struct cx_buf *);
void	 cx_mask_email(const char *, size_t, struct cx_buf *);
/* Free text, the name, phone numbers and email addresses in it masked. */
void	 cx_mask_text(const char *, size_t, const char *name, struct cx_buf *);

/* batch.c: what one registration commit writes to a spool. */
struct cx_batch;
struct cx_batch *cx_batch_new(void);
void	 cx_batch_ticket(struct cx_batch *, const char *id, const char *,
	    size_t);
size_t	 cx_batch_count(const struct cx_batch *);	/* new tickets */
/*
 * What joins an open ticket: an element of one of its arrays (a follow-up
 * of "followups", a message of "conversation") and its history entry,
 * both appended, or for at != 0 put in time order.
 */
struct cx_join {
	const char	*into;
	const char	*elem;
	const char	*hist;
	time_t		 at;
};
/*
 * To the ticket in this batch, in open/, or (a line of a journal beside
 * it) in its batch of new/ or classified/; -1 if it is no longer open, -2
 * and why if where it is cannot be read.
 */
int	 cx_batch_join(struct cx_batch *, const struct cx_reg *,
	    struct cx_spool *, const struct cx_reg_entry *,
	    const struct cx_join *, struct cx_err *);
/* A rejected row, as a line for rejects/ (nowtext: a JSON string). */
void	 cx_batch_reject(struct cx_batch *, const char *nowtext, const char *,
	    unsigned long, const char *why, const char *, size_t);
/* The rejects' lines not yet committed, for a filter to write itself. */
struct cx_buf *cx_batch_rejects(struct cx_batch *);
/* Staged with the registry's keys and committed; cleared. */
int	 cx_batch_commit(struct cx_batch *, struct cx_reg *, struct cx_spool *,
	    struct cx_err *);
void	 cx_batch_clear(struct cx_batch *);
void	 cx_batch_free(struct cx_batch *);

/*
 * joins.c: the follow-ups journaled beside a batch of new/ or classified/
 * (F<commit>-<batch>), which every reader of the batch joins to its
 * tickets, and a writer that moves or rewrites it removes.
 */
struct cx_joins;
/* 1 if a file of new/ or classified/ is a journal (its batch's name in
 * *batch), not a batch. */
int	 cx_joins_file(const char *name, const char **batch);
/* The journals of a batch, from its directory's listing (cx_spool_list);
 * NULL and why if one cannot be read. */
struct cx_joins *cx_joins_load(struct cx_spool *, const char *dir,
	    const char *batch, char *const *names, struct cx_err *);
/* A line of the batch with what waits for its ticket joined: 1 and the
 * ticket, with its newline, appended to out; 0 if nothing waits. */
int	 cx_joins_apply(struct cx_joins *, const char *line, size_t,
	    struct cx_buf *out);
/* The batch read whole into out, its tickets joined. */
int	 cx_joins_read(struct cx_spool *, const char *dir, const char *name,
	    struct cx_joins *, struct cx_buf *out, struct cx_err *);
/* After every line of the batch was joined: -1 and where, if a line of a
 * journal is unreadable or joined no ticket of the batch. */
int	 cx_joins_check(struct cx_joins *, struct cx_spool *,
	    const char *batch, struct cx_err *);
/* The journals removed in the transaction: the batch holds them now. */
int	 cx_joins_remove(const struct cx_joins *, struct cx_spool *,
	    struct cx_err *);
void	 cx_joins_free(struct cx_joins *);

/* colmap.c: column maps, an export's headers to our fields. */
struct cx_colmap;
struct cx_colmap *cx_colmap_load(const char *path, struct cx_err *);
/* The map in etc/columns or share/cx/columns matching most headers. */
int	 cx_colmap_guess(const char *spool, const struct cx_csvrow *header,
	    struct cx_colmap **, struct cx_err *);
/* A header normalised: width, case, blanks, punctuation, brackets. */
void	 cx_header_norm(const char *, size_t, struct cx_buf *);
/* Which of nfield fields a header names, each field's names a row of
 * width entries of names (NULL-padded), compared as normalised; -1. */
int	 cx_header_field(const char *, size_t, const char *const *names,
	    int nfield, int width);
/* How a header matched a map's. */
enum cx_hdr {
	CX_HDR_NONE,		/* no header of the map */
	CX_HDR_SAME,		/* the same, normalised */
	CX_HDR_CLOSE,		/* a character away from one */
	CX_HDR_HOLDS,		/* holds one whole */
	CX_HDR_AMBIGUOUS,	/* close to the headers of several fields */
	CX_HDR_TEAM		/* no field's: read by "team if" */
};
/* The field a header maps to, or NULL; how, and the map's header it
 * matched (for the reports of a close match). */
const char *cx_colmap_match(const struct cx_colmap *, const char *, size_t,
	    enum cx_hdr *, const char **);
/* The field a header maps to, or NULL. */
const char *cx_colmap_field(const struct cx_colmap *, const char *, size_t);
void	 cx_colmap_free(struct cx_colmap *);
/* The columns of one export's header, resolved against its map. */
#define CX_COL_EXTRA	(-1)		/* kept under "extra" */
#define CX_COL_UNKNOWN	(-2)		/* not in the map: kept under "extra" */
#define CX_COL_IGNORE	(-3)		/* mapped to "-" */
struct cx_cols {
	const struct cx_colmap	*map;
	char			*hdr;	/* a copy of the header's fields */
	int			*idx;	/* intake index or CX_COL_* */
	enum cx_hdr		*how;	/* how each header matched */
	const char		**like;	/* the map's header it is like */
	const char		**field;	/* its field, or NULL */
	const char		**head;	/* each header as written, trimmed */
	size_t			*hlen;
	const char		**xname;	/* name under "extra" */
	size_t			*xlen;
	size_t			 n;
	size_t			*teamcol;	/* of each "team if", or n */
	int			 threaded;	/* rows of a conversation */
};
struct cx_intake;
void	 cx_cols_open(struct cx_cols *, const struct cx_colmap *,
	    const struct cx_csvrow *);
struct cx_key cx_cols_fill(const struct cx_cols *, const struct cx_csvrow *,
	    struct cx_intake *);
void	 cx_cols_free(struct cx_cols *);
/* The map's name and file. */
const char *cx_colmap_name(const struct cx_colmap *);
const char *cx_colmap_path(const struct cx_colmap *);
/* The header of a "team if" the export has no column for, or NULL. */
const char *cx_cols_team_missing(const struct cx_cols *);

/* intake.c: a complaint as an export gives it, made into a ticket body. */
enum {
	CX_I_AGENT, CX_I_AMOUNT, CX_I_ANSWERED, CX_I_ANON, CX_I_ATTACH,
	CX_I_AUTHOR, CX_I_BATCH, CX_I_CARRIER, CX_I_CHANNEL, CX_I_CLOSED,
	CX_I_CONV, CX_I_CURRENCY, CX_I_EMAIL, CX_I_CUSTID, CX_I_NAME,
	CX_I_PHONE, CX_I_TIER, CX_I_EXPECT, CX_I_EXTID, CX_I_HAPPENED,
	CX_I_ORDER, CX_I_OUTCOME, CX_I_RECEIVED, CX_I_REGION, CX_I_REPLYTO,
	CX_I_SENT, CX_I_SKU, CX_I_SUBJECT, CX_I_TEXT, CX_I_TIMELY,
	CX_I_WAREHOUSE, CX_I_N
};
struct cx_intake {
	const char	*v[CX_I_N];	/* borrowed raw text of each field */
	size_t		 n[CX_I_N];
	struct {
		const char	*k, *v;
		size_t		 kn, vn;
	}		*extra;		/* extra.NAME and unknown columns */
	size_t		 nextra, capextra;
	const char	*file;
	unsigned long	 line;
	const char	*map;		/* the column map's name, or NULL */
	const char	*ns;		/* whose ids its messages carry */
	const char	*key;
	size_t		 keylen;
	int		 team;		/* written by the team: a reply */
	int		 threaded;	/* the map says who wrote each row */
};
struct cx_intake_ctx {
	const char		*channel;	/* -c, for rows without one */
	struct cx_alias		*channels;
	struct cx_alias		*remedies;
	struct cx_alias		*outcomes;
	time_t			 now;
	char			 nowtext[CX_NOWTEXT];	/* now, a JSON string */
};
struct cx_intake_out {
	struct cx_key	 key;		/* in: the source key */
	struct cx_buf	 body;		/* members, no braces, no id */
	const char	*status;	/* "closed", or NULL: new */
	struct cx_buf	 events;	/* history entries the export gives,
					 * in time order, comma-separated */
	struct cx_buf	 warn;		/* a note worth a warning, or empty */
	struct cx_key	 order_key;	/* customer and order */
	int		 has_order;
	time_t		 received;
};
/* outcome.c: what the export says became of it, from cx_intake_build. */
int	 cx_intake_outcome(const struct cx_intake *,
	    const struct cx_intake_ctx *, struct cx_intake_out *,
	    struct cx_err *);
/* A field name from a column map to its index; -1 if not one. */
int	 cx_intake_index(const char *);
void	 cx_intake_reset(struct cx_intake *);
void	 cx_intake_extra(struct cx_intake *, const char *, size_t,
	    const char *, size_t);
int	 cx_intake_build(struct cx_intake *,
	    const struct cx_intake_ctx *, struct cx_intake_out *,
	    struct cx_err *);
void	 cx_intake_free(struct cx_intake *);
/* The key of a record's customer and order; 1 if it has both. */
int	 cx_intake_order(const struct cx_rec *, struct cx_key *);
/* A JSON Lines record made a ticket body in place; its keys. */
int	 cx_intake_rec(struct cx_rec *, const struct cx_intake_ctx *,
	    const char *file, unsigned long line, struct cx_key *,
	    int *has_order, struct cx_key *order_key, struct cx_err *);

/*
 * rebuild.c: the registry as the tickets keep it (cx-spool(5)).  The
 * message keys (CX_REG_MESSAGE) a piece of a ticket registers are kept
 * in its source, as "thread": set in a record's source; in a body of
 * members without braces, into out; and in an entry of "conversation",
 * with its source key too, into out.
 */
void	 cx_thread_set(struct cx_rec *, const struct cx_key *, size_t);
void	 cx_thread_body(const char *body, size_t, const struct cx_key *,
	    size_t, struct cx_buf *out);
void	 cx_thread_elem(const char *elem, struct cx_key source,
	    const struct cx_key *, size_t, struct cx_buf *out);
/*
 * The keys log and seq made again from the tickets of new/, classified/,
 * open/, closed/ and the archive and the rows of rejects/, and staged in
 * the spool's transaction, for the caller to commit; what was read and
 * written said in out.  The counters never go back: a day's is the
 * highest of what seq can be read to say and the tickets' numbers.
 */
struct cx_rebuilt {
	unsigned long	 tickets;	/* read */
	unsigned long	 rejects;	/* rows set aside, read */
	unsigned long	 keys[4];	/* written: s, c, m and r */
	unsigned long	 bare;		/* pieces kept without their keys */
};
int	 cx_reg_rebuild(struct cx_spool *, struct cx_rebuilt *,
	    struct cx_err *);

/* thread.c: the messages of a conversation (cx-columns(5)). */
struct cx_intake_msg {
	int		 threaded;	/* a message of a conversation */
	int		 team;		/* the team's reply */
	int		 has_self, has_to, has_conv;
	struct cx_key	 self;		/* this message */
	struct cx_key	 to;		/* the message it answers */
	struct cx_key	 row[2];	/* the same, as the source key of a
					 * row of the map ids of names: the
					 * id as written, and as read */
	int		 has_row;
	struct cx_key	 conv;		/* its conversation */
	time_t		 at;		/* when it was written */
	struct cx_buf	 elem;		/* its entry of "conversation" */
	struct cx_buf	 hist;		/* its history entry */
};
int	 cx_intake_message(struct cx_intake *, const struct cx_intake_ctx *,
	    struct cx_intake_msg *, struct cx_err *);
/* A mail record of cx-mail(1) as a message: 1 and m made, 0 if it is no
 * mail, -1 and why. */
int	 cx_intake_mail(const struct cx_rec *, struct cx_intake_msg *,
	    struct cx_err *);
void	 cx_intake_msg_free(struct cx_intake_msg *);
/* Messages waiting for the message they answer, by its key. */
struct cx_wait;
struct cx_wait *cx_wait_new(void);
/* An item waiting for a key; self, if not NULL, is the item's own. */
void	 cx_wait_add(struct cx_wait *, struct cx_key,
	    const struct cx_key *self, void *);
/* The items waiting for a key, taken out, oldest first; their count
 * (*items to be freed). */
size_t	 cx_wait_take(struct cx_wait *, struct cx_key, void ***items);
/* The next item still waiting from *pos on that want() takes (NULL: any),
 * taken out; NULL if none. */
void	*cx_wait_next(struct cx_wait *, size_t *pos, int (*want)(const void *));
/* The same, of those whose key is no such item's own: the first of what
 * is left of each chain. */
void	*cx_wait_next_first(struct cx_wait *, size_t *pos,
	    int (*want)(const void *));
size_t	 cx_wait_count(const struct cx_wait *);
/* How many were ever added; the i-th of them, if it still waits, else
 * NULL. */
size_t	 cx_wait_size(const struct cx_wait *);
void	*cx_wait_at(const struct cx_wait *, size_t i);
void	 cx_wait_free(struct cx_wait *);

/* norm.c: contact details and amounts as registration stores them. */
int	 cx_norm_phone(const char *, size_t, struct cx_buf *);
int	 cx_norm_email(const char *, size_t, struct cx_buf *);
/* An amount as an exact decimal ("1299.00") and its currency or NULL. */
int	 cx_norm_amount(const char *, size_t, struct cx_buf *,
	    const char **currency);

/* taxonomy.c: categories, and the words of priority and scope. */
struct cx_taxon {
	char		*code;		/* "logistics" or "logistics.late" */
	const char	*priority;	/* the default: urgent, normal, low */
	char		*zh, *en;
};
struct cx_taxonomy;
struct cx_taxonomy *cx_taxonomy_load(const char *path, struct cx_err *);
const struct cx_taxon *cx_taxonomy_get(const struct cx_taxonomy *,
	    const char *);
void	 cx_taxonomy_free(struct cx_taxonomy *);
/* "urgent", "normal" or "low" as a static string, or NULL. */
const char *cx_priority_name(const char *, size_t);
/* "one", "group" or "public" as a static string, or NULL. */
const char *cx_scope_name(const char *, size_t);
/* A priority raised by its scope: group a level, public to urgent. */
const char *cx_priority_scoped(const char *, const char *scope);
/* The next priority up (an unknown one counts as normal). */
const char *cx_priority_raised(const char *);
/* The higher of two priorities (NULL or unknown counts as normal). */
const char *cx_priority_max(const char *, const char *);

/* rules.c: the classification rules (cx-rules(5)). */
struct cx_rules;
struct cx_rules *cx_rules_load(const char *path, const struct cx_taxonomy *,
	    struct cx_err *);
void	 cx_rules_free(struct cx_rules *);
/* A line of words saying what classified a record, and why. */
void	 cx_classified_explain(const struct cx_rec *, struct cx_buf *);

/*
 * model.c: a model of either kind (cx-nb(5)): naive Bayes or linear.
 * cx_model_of owns what it is given.
 */
struct cx_nb;
struct cx_lin;
struct cx_model;
struct cx_model *cx_model_load(const char *path, struct cx_err *);
struct cx_model *cx_model_of(struct cx_nb *, struct cx_lin *);
const char *cx_model_predict(const struct cx_model *, const char *, size_t,
	    double *confidence);
/* Each class's probability, into p (cx_model_nclass of them, in label
 * order); the most likely class, or SIZE_MAX if the model has none. */
size_t	 cx_model_probs(const struct cx_model *, const char *, size_t,
	    double *p);
size_t	 cx_model_nclass(const struct cx_model *);
const char *cx_model_label(const struct cx_model *, size_t);
const char *cx_model_kind(const struct cx_model *);	/* its learner */
/* A model learnt from every example, calibrated where there are ten. */
struct cx_model *cx_model_train(int linear, const char **labels,
	    const char **texts, const size_t *lens, size_t n, unsigned seed);
int	 cx_model_save(const struct cx_model *, struct cx_buf *);
void	 cx_model_free(struct cx_model *);

/* classify.c: what decides a ticket's category, priority and scope. */
struct cx_classifier;
/* From a taxonomy, its rules and a model or NULL, which it then owns. */
struct cx_classifier *cx_classifier_new(struct cx_taxonomy *,
	    struct cx_rules *, struct cx_model *);
void	 cx_classifier_free(struct cx_classifier *);
/* The priority of a ticket nothing else gives one ("normal" unless set);
 * -1 if it is none of urgent, normal and low. */
int	 cx_classifier_default(struct cx_classifier *, const char *);
/* The least confidence at which the model places a ticket (0). */
void	 cx_classifier_threshold(struct cx_classifier *, double);
/* The least at which it places a ticket a rule placed otherwise (0:
 * never, the default). */
void	 cx_classifier_overrides(struct cx_classifier *, double);
/*
 * Category, subcategory, priority, scope and "classified_by" set in place:
 * what a hand set ("manual") first, then the rules (which a sure model
 * may override, cx_classifier_overrides), then the model; 1 if
 * a category was decided, 0 if none placed the ticket (it still has a
 * priority, the default's at least).
 */
int	 cx_classify(struct cx_classifier *, struct cx_rec *);
/* A model's labels that are no code of the taxonomy: how many, and the
 * first ten, comma-separated, appended to list. */
size_t	 cx_model_foreign(const struct cx_model *, const struct cx_taxonomy *,
	    struct cx_buf *list);
/* A correction by hand, "field=value"; -1 and why if it is not one. */
int	 cx_correction_check(const struct cx_taxonomy *, const char *,
	    struct cx_err *);
/*
 * Corrections by hand, kept in "manual" with who and when (nowtext, a JSON
 * string) and in the history; 0 if the record had them all by hand
 * already, and nothing changed.
 */
int	 cx_correct(struct cx_rec *, char *const *set, int nset,
	    const char *agent, const char *nowtext);

/* nb.c: a text classifier (naive Bayes), cross-validated and calibrated. */
struct cx_eval;
#define CX_NB_ALPHA	0.05		/* smoothing: see nb.c */
#define CX_NB_BUCKETS	(1u << 20)	/* feature hash buckets */
struct cx_nb_opts {
	double		 alpha;		/* 0: CX_NB_ALPHA */
	uint32_t	 buckets;	/* 0: CX_NB_BUCKETS */
};
/* Prediction only reads a model: one may serve many threads. */
struct cx_nb;
struct cx_nb *cx_nb_new(void);
struct cx_nb *cx_nb_new_opts(const struct cx_nb_opts *);
/*
 * One training example: label and text are UTF-8, the label a
 * NUL-terminated string without newlines.  An empty label is no class: the
 * example is ignored.  Adding to a finished model reopens it.
 */
void	 cx_nb_add(struct cx_nb *, const char *label, const char *, size_t);
void	 cx_nb_finish(struct cx_nb *);
/*
 * The most likely label of a text (borrowed from the model) and, if
 * confidence is not NULL, its posterior probability, tempered as nb.c
 * says; NULL if the model has no classes or is not finished.
 */
const char *cx_nb_predict(const struct cx_nb *, const char *, size_t,
	    double *confidence);
/* Each class's probability into p, as cx_model_probs. */
size_t	 cx_nb_probs(const struct cx_nb *, const char *, size_t, double *p);
size_t	 cx_nb_nclass(const struct cx_nb *);
const char *cx_nb_label(const struct cx_nb *, size_t);
/* The model as text (cx-nb(5)), appended; -1 if not finished. */
int	 cx_nb_save(const struct cx_nb *, struct cx_buf *);
/* A saved model, finished; NULL with "file:line: what" in the error. */
struct cx_nb *cx_nb_load(const char *path, struct cx_err *);
void	 cx_nb_free(struct cx_nb *);

/*
 * k-fold cross-validation into out: folds drawn from seed, each predicted
 * by a model trained on the others; -1 unless 2 <= k <= n.  Examples with
 * an empty label are left out.
 */
int	 cx_nb_crossval(const char **labels, const char **texts,
	    const size_t *lens, size_t n, int k, unsigned seed,
	    struct cx_eval *out);
int	 cx_nb_crossval_opts(const struct cx_nb_opts *, const char **labels,
	    const char **texts, const size_t *lens, size_t n, int k,
	    unsigned seed, struct cx_eval *out);
/*
 * Fit the model's confidence to held-out texts (its temperature), by
 * k-fold cross-validation over the examples it was trained on, k - 1
 * more trainings.  The predicted labels do not change.
 */
int	 cx_nb_calibrate(struct cx_nb *, const char **labels,
	    const char **texts, const size_t *lens, size_t n, int k,
	    unsigned seed);

/* eval.c: how well a classifier did (cx-learn's report). */
/*
 * linear.c: a linear classifier (liblinear's SVM over tf-idf word and
 * character n-grams), calibrated.  Trained on the labelled examples, of
 * fold != skip when fold is not NULL; the same data and seed give the
 * same model.
 */
struct cx_lin;
#define CX_LIN_COST	1.0		/* the SVM's C */
struct cx_lin *cx_lin_train(const char **labels, const char **texts,
	    const size_t *lens, size_t n, double cost, unsigned seed,
	    const size_t *fold, size_t skip);
const char *cx_lin_predict(const struct cx_lin *, const char *, size_t,
	    double *confidence);
size_t	 cx_lin_probs(const struct cx_lin *, const char *, size_t, double *p);
size_t	 cx_lin_nclass(const struct cx_lin *);
const char *cx_lin_label(const struct cx_lin *, size_t);
int	 cx_lin_save(const struct cx_lin *, struct cx_buf *);
struct cx_lin *cx_lin_load(const char *path, struct cx_err *);
void	 cx_lin_free(struct cx_lin *);
int	 cx_lin_crossval(const char **labels, const char **texts,
	    const size_t *lens, size_t n, int k, unsigned seed, double cost,
	    struct cx_eval *out);
int	 cx_lin_calibrate(struct cx_lin *, const char **labels,
	    const char **texts, const size_t *lens, size_t n, int k,
	    unsigned seed);

/* A confusion matrix over label strings; a NULL prediction counts as the
 * label "(none)". */
struct cx_eval;
struct cx_eval *cx_eval_new(void);
void	 cx_eval_add(struct cx_eval *, const char *truth,
	    const char *predicted);
/* Accuracy, per-class precision, recall, F1, macro-F1, the matrix. */
void	 cx_eval_report(const struct cx_eval *, struct cx_buf *);
double	 cx_eval_accuracy(const struct cx_eval *);
double	 cx_eval_macro_f1(const struct cx_eval *);
void	 cx_eval_free(struct cx_eval *);

/* route.c: departments, agents and standard remedies. */
#define CX_MAXDEPT	8
struct cx_agent {
	char		*name, *dept, *skills;
	size_t		 capacity;	/* open tickets at most */
	int		 on;		/* on duty */
};
struct cx_solution {
	char		*code;		/* a subcategory or category */
	char		*remedy;	/* return, exchange, refund, ... */
	char		*zh, *en;	/* reply templates */
};
struct cx_routing {
	const char	*dept[CX_MAXDEPT];	/* the first leads */
	int		 ndept;
};
struct cx_route;
struct cx_route *cx_route_load(const char *routing, const char *agents,
	    const char *solutions, struct cx_err *);
/* The same from a spool's etc/ or the shipped files (spool NULL). */
struct cx_route *cx_route_open(const char *spool, struct cx_err *);
void	 cx_route_departments(const struct cx_route *, const char *category,
	    const char *subcategory, const char *channel, const char *region,
	    const double *amount, struct cx_routing *);
const struct cx_agent *cx_route_agent(const struct cx_route *, const char *);
int	 cx_route_nagents(const struct cx_route *);
/* The index of an agent by name (for loads), or -1. */
int	 cx_route_agent_index(const struct cx_route *, const char *name);
/* 1 if the agent lists the skill ("zh", "supervisor"), or skill is NULL. */
int	 cx_agent_skill(const struct cx_agent *, const char *skill);
const struct cx_agent *cx_route_agent_at(const struct cx_route *, int);
/* An agent of the department by load (or round robin), with the skill
 * if one has it; index or -1. */
int	 cx_route_pick(const struct cx_route *, const char *dept,
	    const unsigned long *load, int rr, unsigned long *turn,
	    const char *skill);
const struct cx_solution *cx_route_solution(const struct cx_route *,
	    const char *category, const char *subcategory);
/*
 * Move a ticket to a department, which then leads its departments (the
 * others stay involved), and to its agent by load, or queue it there;
 * the agent's index, or -1 if it is queued.
 */
int	 cx_route_move(const struct cx_route *, struct cx_rec *,
	    const char *dept, const unsigned long *load);
void	 cx_route_free(struct cx_route *);

/* repeat.c: customers' complaints over time: repeat and review flags. */
struct cx_repeat;
/* N complaints in M days make a repeat; N closed as unfounded, a review. */
struct cx_repeat *cx_repeat_new(size_t count, size_t days, size_t review);
void	 cx_repeat_free(struct cx_repeat *);
/* A ticket of the spool, counted in its customer's past. */
void	 cx_repeat_note(struct cx_repeat *, const struct cx_rec *);
/* The flags of a ticket being routed, as ,"repeat" ,"review" appended
 * to f; the ticket is counted too. */
void	 cx_repeat_flags(struct cx_repeat *, const struct cx_rec *,
	    struct cx_buf *f);

/* policy.c: the policy file and force majeure (cx-policy(5)). */
struct cx_route;
struct cx_sla_policy;
struct cx_sla_policy *cx_sla_load(const char *path, struct cx_err *);
/* Force majeure lines ("NAME FROM TO +SPAN|pause ..."), appended. */
int	 cx_sla_ext_load(struct cx_sla_policy *, const char *path,
	    struct cx_err *);
int	 cx_sla_ext_line(struct cx_sla_policy *, const char *, size_t,
	    unsigned long, struct cx_err *);
/* 1 if an extension of the line's name says the same, 0 if none has its
 * name, -1 (and why) if one of its name extends otherwise. */
int	 cx_sla_ext_known(const struct cx_sla_policy *, const char *line,
	    struct cx_err *);
void	 cx_sla_free(struct cx_sla_policy *);

/* sweep.c: one ticket swept against the policy at now. */
struct cx_sla_run;
struct cx_sla_ticket;
/* What a ticket's sweep made, for the tool to take. */
struct cx_sla_swept {
	struct cx_buf	 alerts;	/* JSON Lines, for the outbox */
	unsigned long	 nwarn, nbreach, nesc;
	int		 inbreach;	/* a clock running past its due time */
	int		 history;	/* received before the cut-off: silent */
	int		 missing[CX_CAL_MAXMISS];	/* calendar years */
	size_t		 nmissing;
};
/* What every ticket of a run is swept against: the policy, the agents
 * (for rungs that hand a ticket on), the spool's calendars, now. */
struct cx_sla_run *cx_sla_run_new(struct cx_sla_policy *,
	    const struct cx_route *, const char *spool, const char *nowtext);
/* Every agent's load is counted: a rung may hand a ticket on. */
void	 cx_sla_run_final(struct cx_sla_run *);
/* Tickets received before this are history: their clocks are counted,
 * nothing is said of them (no warning, alert or rung). */
void	 cx_sla_run_history(struct cx_sla_run *, time_t before);
void	 cx_sla_run_free(struct cx_sla_run *);
/* One ticket's work space, reused from ticket to ticket. */
struct cx_sla_ticket *cx_sla_ticket_new(void);
void	 cx_sla_ticket_free(struct cx_sla_ticket *);
/*
 * Read a ticket, count its clocks, read back what was said: -1 if it
 * cannot be timed, -2 if its calendar cannot be loaded (why in err).
 */
int	 cx_sla_ticket_open(struct cx_sla_run *, struct cx_sla_ticket *,
	    struct cx_rec *, struct cx_err *);
/* The events now due, as data: 1 if any, 0 if none, -1 if a rung must
 * wait until every load is counted (cx_sla_run_final). */
int	 cx_sla_due(struct cx_sla_run *, struct cx_sla_ticket *);
/* Whether alerts due now wait for working time (not urgent, off hours). */
int	 cx_sla_held(struct cx_sla_run *, struct cx_sla_ticket *);
/*
 * The events due applied once: history entries, alerts, rungs.  1 if a
 * rung changed the ticket and its clocks were counted again (look for
 * more), 0 if not; -1 and -2 as for cx_sla_ticket_open.
 */
int	 cx_sla_apply(struct cx_sla_run *, struct cx_sla_ticket *,
	    struct cx_err *);
/* Extensions said, history appended, sla member set; 1 if it changed. */
int	 cx_sla_ticket_close(struct cx_sla_run *, struct cx_sla_ticket *);
const struct cx_sla_swept *cx_sla_swept(const struct cx_sla_ticket *);
/* The ticket's assignee counted in the run's loads. */
void	 cx_sla_count_load(struct cx_sla_run *, struct cx_sla_ticket *);
/* How each clock of a ticket was counted, in words, appended to out; -1
 * and -2 as for cx_sla_ticket_open. */
int	 cx_sla_explain(struct cx_sla_run *, struct cx_sla_ticket *,
	    struct cx_rec *, struct cx_buf *out, struct cx_err *);

#endif
