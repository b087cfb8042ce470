/*
 * reg.c: the registry of a spool: ticket numbers and what was ingested.
 *
 * Two files hold it, both changed only by a spool transaction (spool.c).
 * "keys" is an append-only log, a line per thing registered: "SERIAL KIND
 * KEY TICKET", where KIND is s (a source row or message), c (a customer
 * and order), m (a message of a conversation, or the conversation) or r
 * (a rejected row); SERIAL is the commit that registered the ticket.
 * "seq" is small and replaced whole: how many bytes of "keys" are
 * committed, the per-day ticket counters, and since which commit the keys
 * of a ticket that came in closed name commit 0, no batch.
 *
 * A commit appends its keys to the log (flushed), stages the new "seq" in
 * the transaction, and commits it: keys past the committed length belong
 * to a transaction that never committed, and are cut off when the
 * registry is next opened.  So a row is registered exactly once whatever
 * instant a run dies at, and no ticket number is given twice.  Only
 * cx-ingest opens this registry, and cx-close one of its own in files of
 * other names (close-keys, close-seq); the other writers never read keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

#define NOENTRY	UINT32_MAX

struct cx_reg {
	struct cx_spool		*sp;		/* NULL: in memory only */
	const char		*keysname;	/* "keys", "close-keys" */
	const char		*seqname;	/* "seq", "close-seq" */
	int			 dry;		/* read only: nothing written */
	int			 noseq;		/* no seq file: nothing committed */
	off_t			 keyslen;	/* committed bytes of keys */
	int			 version;	/* of seq: 0 none, 1, 2 */
	unsigned long		 since;		/* cx_reg_since() */
	int			 has_since;	/* seq has its line */
	struct {
		char		 date[9];	/* YYYYMMDD */
		unsigned long	 n;
	}			*seq;
	size_t			 nseq;
	int			 seqdirty;
	struct {
		uint32_t	 off;		/* of the id in ids */
		uint32_t	 serial;
	}			*e;		/* customer-and-order tickets */
	size_t			 n;
	struct cx_buf		 ids;
	struct cx_keyset	 keys;		/* kind and key to entry */
	struct cx_buf		 log;		/* keys of this transaction */
};

/* Ticket ids live in one arena; an entry is its offset and commit. */
static uint32_t
entry_add(struct cx_reg *g, const char *id, size_t idlen,
    unsigned long serial)
{
	g->e = cx_grow(g->e, g->n, sizeof(*g->e));
	g->e[g->n].off = (uint32_t)g->ids.len;
	g->e[g->n].serial = (uint32_t)serial;
	cx_buf_add(&g->ids, id, idlen);
	cx_buf_addc(&g->ids, '\0');
	return (uint32_t)g->n++;
}

/* A day as the counters name it: eight digits, a real date. */
static int
date_ok(const char *s, size_t n)
{
	unsigned long v;
	int y, m, d;

	if (n != 8 || cx_digits(s, n, &v) == -1)
		return 0;
	y = (int)(v / 10000);
	m = (int)(v / 100 % 100);
	d = (int)(v % 100);
	return y >= 1970 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= cx_days_in_month(y, m);
}

static unsigned long *
counter(struct cx_reg *g, const char *date)
{
	size_t i;

	for (i = 0; i < g->nseq; i++)
		if (memcmp(g->seq[i].date, date, 8) == 0)
			return &g->seq[i].n;
	g->seq = cx_grow(g->seq, g->nseq, sizeof(*g->seq));
	memcpy(g->seq[g->nseq].date, date, 8);
	g->seq[g->nseq].date[8] = '\0';
	g->seq[g->nseq].n = 0;
	return &g->seq[g->nseq++].n;
}

static int
seq_line(struct cx_reg *g, const char *l, size_t n, unsigned long line)
{
	const char *w[4], *p = l, *end = l + n;
	size_t wl[4];
	unsigned long v;
	int k;

	for (k = 0; k < 4 && cx_word(&p, end, &w[k], &wl[k]); k++)
		;
	if (line == 1) {
		if (k != 2 || !cx_tokeq(w[0], wl[0], "cx-seq") ||
		    (!cx_tokeq(w[1], wl[1], "1") && !cx_tokeq(w[1], wl[1],
		    "2")))
			return -1;
		g->version = w[1][0] - '0';
		return 0;
	}
	if (k == 2 && cx_tokeq(w[0], wl[0], "keys") &&
	    cx_digits(w[1], wl[1], &v) == 0) {
		g->keyslen = (off_t)v;
		return 0;
	}
	if (g->version == 2 && k == 2 && cx_tokeq(w[0], wl[0], "since") &&
	    cx_digits(w[1], wl[1], &v) == 0) {
		g->since = v;
		g->has_since = 1;
		return 0;
	}
	if (k == 3 && cx_tokeq(w[0], wl[0], "seq") && date_ok(w[1], wl[1]) &&
	    cx_digits(w[2], wl[2], &v) == 0) {
		*counter(g, w[1]) = v;
		return 0;
	}
	return -1;
}

/* What the registry's files say is damage: errno EBADMSG tells it from
 * a file that could not be read. */
static int
damaged(struct cx_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	errno = EBADMSG;
	return -1;
}

static int
read_seq(struct cx_reg *g, struct cx_err *err)
{
	struct cx_buf b = { 0 };
	const char *p, *end, *l;
	unsigned long line = 0;
	size_t n;
	int r = 0;

	if (cx_spool_read(g->sp, ".", g->seqname, &b, err) == -1) {
		g->noseq = errno == ENOENT;
		return g->noseq ? 0 : -1;
	}
	for (p = b.p, end = p + b.len; r == 0 && cx_line(&p, end, &l, &n);)
		if (seq_line(g, l, n, ++line) == -1)
			r = damaged(err, line == 1 ? "%s/%s:%lu: \"%.*s\" is no "
			    "registry this release reads (cx-seq 1 or 2)" :
			    "%s/%s:%lu: unreadable line \"%.*s\": the registry "
			    "is damaged", cx_spool_path(g->sp), g->seqname, line,
			    (int)(n > 60 ? 60 : n), l);
	if (r == 0 && line == 0)
		r = damaged(err, "%s/%s: empty: the registry is damaged",
		    cx_spool_path(g->sp), g->seqname);
	/* Without it every key would be taken to name its batch right. */
	if (r == 0 && g->version == 2 && !g->has_since)
		r = damaged(err, "%s/%s: no \"since\" line: the registry is "
		    "damaged", cx_spool_path(g->sp), g->seqname);
	cx_buf_free(&b);
	return r;
}

static struct cx_key
kinded(struct cx_key k, int kind)
{
	k.h[0] ^= (uint64_t)(unsigned char)kind;
	return k;
}

static int
keeps(int kind)
{
	return kind == CX_REG_ORDER || kind == CX_REG_MESSAGE;
}

/* A line of keys: "SERIAL KIND KEY TICKET". */
struct keyline {
	unsigned long	 serial;
	int		 kind;
	struct cx_key	 key;
	const char	*id;
	size_t		 idlen;
};

static int
parse_line(const char *l, size_t n, struct keyline *kl)
{
	const char *w[4], *p = l, *end = l + n;
	size_t wl[4];
	int k;

	for (k = 0; k < 4 && cx_word(&p, end, &w[k], &wl[k]); k++)
		;
	if (k != 4 || p != end || cx_digits(w[0], wl[0], &kl->serial) == -1 ||
	    wl[1] != 1 || strchr("scmr", w[1][0]) == NULL ||
	    cx_key_parse(w[2], wl[2], &kl->key) == -1)
		return -1;
	kl->kind = w[1][0];
	kl->id = w[3];
	kl->idlen = wl[3];
	return 0;
}

static int
keys_line(struct cx_reg *g, const char *l, size_t n)
{
	struct keyline kl;

	if (parse_line(l, n, &kl) == -1)
		return -1;
	/* Only a customer and order, or a message, needs its ticket back. */
	cx_keyset_put_replace(&g->keys, kinded(kl.key, kl.kind),
	    keeps(kl.kind) ? entry_add(g, kl.id, kl.idlen, kl.serial) :
	    NOENTRY);
	return 0;
}

/*
 * Without a seq, keys is either the log of a registry's first commit,
 * which died before its seq, or a log whose seq was lost.  Its first line
 * tells them apart: a commit that happened has a number the spool's state
 * has passed.  0 if it is a dead commit's, 1 if not, -1 if it cannot be
 * read.
 */
static int
committed(struct cx_reg *g, int fd)
{
	char b[24];
	unsigned long serial;
	ssize_t n;
	size_t i;

	if ((n = pread(fd, b, sizeof(b), 0)) <= 0)
		return (int)n;
	for (i = 0; i < (size_t)n && b[i] >= '0' && b[i] <= '9'; i++)
		;
	/* What no commit wrote is not taken for one. */
	return i < (size_t)n && cx_digits(b, i, &serial) == 0 &&
	    serial >= cx_spool_serial(g->sp) ? 0 : 1;
}

static int
read_keys(struct cx_reg *g, struct cx_err *err)
{
	const char *path = cx_spool_path(g->sp), *l;
	struct cx_in in;
	off_t seen = 0, len;
	size_t n;
	int fd, r = 0;

	/* Made only where nothing is committed: one lost is not made up. */
	if ((fd = cx_spool_openat(g->sp, g->keysname, g->dry ? O_RDONLY :
	    g->keyslen == 0 ? O_RDWR | O_CREAT : O_RDWR, err)) == -1) {
		if (errno != ENOENT)
			return -1;
		if (g->keyslen == 0)
			return 0;
		return damaged(err, "%s/%s: not there, and %lld bytes of it "
		    "are committed: the registry is damaged", path,
		    g->keysname, (long long)g->keyslen);
	}
	/* Keys past the committed length belong to a commit that died. */
	if ((len = lseek(fd, 0, SEEK_END)) == -1) {
		cx_seterr(err, "%s/%s: %s", path, g->keysname,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (len > 0 && g->noseq && (r = committed(g, fd)) != 0) {
		if (r == -1) {
			cx_seterr(err, "%s/%s: %s", path, g->keysname,
			    strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		return damaged(err, "%s/%s: not there, and %s/%s holds %lld "
		    "bytes committed: the registry is lost", path, g->seqname,
		    path, g->keysname, (long long)len);
	}
	if (len < g->keyslen) {
		close(fd);
		return damaged(err, "%s/%s: %lld bytes, and %lld are "
		    "committed: the registry is damaged", path, g->keysname,
		    (long long)len, (long long)g->keyslen);
	}
	if (!g->dry && len > g->keyslen && ftruncate(fd, g->keyslen) == -1) {
		cx_seterr(err, "%s/%s: %s", path, g->keysname,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (lseek(fd, 0, SEEK_SET) == -1 || cx_in_fdopen(&in, fd, g->keysname,
	    err) == -1) {
		close(fd);
		return -1;
	}
	while (r == 0 && seen < g->keyslen &&
	    (r = cx_in_line(&in, &l, &n, err)) == 1) {
		seen += (off_t)n + 1;
		r = keys_line(g, l, n) == 0 ? 0 : damaged(err, "%s/%s:%lu: "
		    "unreadable line: the registry is damaged", path,
		    g->keysname, in.lineno);
	}
	cx_in_close(&in);
	return r == -1 ? -1 : 0;
}

/*
 * Whether the spool has a ticket anywhere: then the tickets were numbered,
 * and a registry that is not there was lost, not never made.
 */
static int
numbered(struct cx_spool *sp, struct cx_err *err)
{
	static const char *const dirs[] = { "new", "classified", "open",
	    "closed", "archive" };
	size_t i;
	int r;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if ((r = cx_spool_empty(sp, dirs[i], err)) != 1)
			return r == 0 ? 1 : -1;
	return 0;
}

static struct cx_reg *
reg_open(struct cx_spool *sp, const char *keys, const char *seq,
    int tickets, struct cx_err *err)
{
	struct cx_reg *g = cx_alloc(sizeof(*g));
	int r, e;

	g->sp = sp;
	g->keysname = keys;
	g->seqname = seq;
	if (sp == NULL)
		return g;
	g->dry = cx_spool_readonly(sp);
	if ((r = read_seq(g, err)) == 0 && g->noseq && tickets &&
	    (r = numbered(sp, err)) == 1)
		r = damaged(err, "%s/%s: not there, and the spool has tickets: "
		    "the registry is lost", cx_spool_path(sp), seq);
	if (r == -1 || read_keys(g, err) == -1) {
		e = errno;
		cx_reg_free(g);
		errno = e;
		return NULL;
	}
	/* Format 1 named a closed ticket's batch like any other's: every
	 * key committed so far may. */
	if (g->version == 1)
		g->since = cx_spool_serial(sp);
	return g;
}

/* cx-ingest's, whose tickets are in the spool. */
struct cx_reg *
cx_reg_open(struct cx_spool *sp, struct cx_err *err)
{
	return reg_open(sp, "keys", "seq", 1, err);
}

/* A registry of its own, in files of those names (cx-close's). */
struct cx_reg *
cx_reg_open_named(struct cx_spool *sp, const char *keys, const char *seq,
    struct cx_err *err)
{
	return reg_open(sp, keys, seq, 0, err);
}

unsigned long
cx_reg_since(const struct cx_reg *g)
{
	return g->since;
}

void
cx_reg_free(struct cx_reg *g)
{
	if (g == NULL)
		return;
	free(g->e);
	cx_buf_free(&g->ids);
	free(g->seq);
	cx_keyset_free(&g->keys);
	cx_buf_free(&g->log);
	free(g);
}

int
cx_reg_find(const struct cx_reg *g, int kind, struct cx_key key,
    struct cx_reg_entry *e)
{
	uint32_t i;

	if (!cx_keyset_get(&g->keys, kinded(key, kind), &i))
		return 0;
	if (e != NULL && i != NOENTRY) {
		e->id = g->ids.p + g->e[i].off;
		e->serial = g->e[i].serial;
	}
	return 1;
}

int
cx_reg_claim(struct cx_reg *g, int kind, struct cx_key key)
{
	return cx_keyset_put(&g->keys, kinded(key, kind), NOENTRY, NULL);
}

/*
 * Record a key for the transaction being built.  Only customer-and-order
 * and message keys keep their ticket in memory: the others are asked only
 * whether they were seen, and cx_reg_claim has noted that already.
 */
void
cx_reg_add(struct cx_reg *g, int kind, struct cx_key key, const char *id)
{
	struct cx_reg_entry e = { id, g->sp ? cx_spool_serial(g->sp) : 1 };

	cx_reg_add_to(g, kind, key, &e);
}

/* The same, for a ticket registered by the commit e names. */
void
cx_reg_add_to(struct cx_reg *g, int kind, struct cx_key key,
    const struct cx_reg_entry *e)
{
	unsigned long serial = e->serial;
	char hex[33], *id;

	/* e->id may lie in the arena entry_add() grows. */
	id = cx_strndup(e->id, strlen(e->id));

	if (keeps(kind))
		cx_keyset_put_replace(&g->keys, kinded(key, kind),
		    entry_add(g, id, strlen(id), serial));
	else
		(void)cx_reg_claim(g, kind, key);
	if (g->sp == NULL) {
		free(id);
		return;		/* filter mode keeps no log */
	}
	cx_key_hex(key, hex);
	cx_buf_ulong(&g->log, serial);
	cx_buf_addc(&g->log, ' ');
	cx_buf_addc(&g->log, kind);
	cx_buf_addc(&g->log, ' ');
	cx_buf_add(&g->log, hex, 32);
	cx_buf_addc(&g->log, ' ');
	cx_buf_adds(&g->log, id);
	cx_buf_addc(&g->log, '\n');
	free(id);
}

struct lookup {
	struct cx_reg		*g;
	int			 kind;
	struct cx_keyset	 want;	/* key to its first index */
	uint32_t		*at;	/* an entry per index, or NOENTRY */
};

static void
look(struct lookup *lk, const char *l, size_t n)
{
	struct keyline kl;
	uint32_t i;

	if (parse_line(l, n, &kl) == 0 && kl.kind == lk->kind &&
	    cx_keyset_get(&lk->want, kl.key, &i))
		lk->at[i] = entry_add(lk->g, kl.id, kl.idlen, kl.serial);
}

/*
 * The tickets of keys the registry keeps none of in memory (source keys:
 * a row known only as seen), found in the keys log and in this
 * transaction's keys, in one pass: found[i] is set and e[i] filled (its
 * id valid while the registry is) for each found; the number found.
 */
size_t
cx_reg_lookup(struct cx_reg *g, int kind, const struct cx_key *k, size_t n,
    struct cx_reg_entry *e, int *found)
{
	struct lookup lk = { g, kind, { 0 }, NULL };
	struct cx_err err;
	struct cx_in in;
	const char *l, *p, *end;
	off_t seen = 0;
	size_t i, nl, count = 0;
	uint32_t j;
	int fd;

	lk.at = cx_alloc((n + 1) * sizeof(*lk.at));
	for (i = 0; i < n; i++) {
		lk.at[i] = NOENTRY;
		(void)cx_keyset_put(&lk.want, k[i], (uint32_t)i, NULL);
	}
	if (g->sp != NULL && g->keyslen > 0 && (fd = cx_spool_openat(g->sp,
	    g->keysname, O_RDONLY, &err)) != -1) {
		if (cx_in_fdopen(&in, fd, g->keysname, &err) == 0) {
			while (seen < g->keyslen && cx_in_line(&in, &l, &nl,
			    &err) == 1) {
				seen += (off_t)nl + 1;
				look(&lk, l, nl);
			}
			cx_in_close(&in);
		} else
			close(fd);
	}
	for (p = g->log.p, end = p + g->log.len; cx_line(&p, end, &l, &nl);)
		look(&lk, l, nl);
	for (i = 0; i < n; i++) {
		found[i] = 0;
		if (!cx_keyset_get(&lk.want, k[i], &j) || lk.at[j] == NOENTRY)
			continue;
		e[i].id = g->ids.p + g->e[lk.at[j]].off;
		e[i].serial = g->e[lk.at[j]].serial;
		found[i] = 1;
		count++;
	}
	cx_keyset_free(&lk.want);
	free(lk.at);
	return count;
}

unsigned long
cx_reg_next(struct cx_reg *g, const char *date)
{
	g->seqdirty = 1;
	return ++*counter(g, date);
}

/* PREFIX-YYYYMMDD-NNNN, the day of now (a JSON string) in the zone. */
void
cx_reg_ticket_id(struct cx_reg *g, const char *prefix, const char *nowtext,
    struct cx_buf *id)
{
	const char *t = nowtext + 1;
	unsigned long n;
	char date[9];

	memcpy(date, t, 4);
	memcpy(date + 4, t + 5, 2);
	memcpy(date + 6, t + 8, 2);
	date[8] = '\0';
	n = cx_reg_next(g, date);
	cx_buf_adds(id, prefix);
	cx_buf_addc(id, '-');
	cx_buf_add(id, date, 8);
	cx_buf_addc(id, '-');
	if (n < 1000)
		cx_buf_add(id, "000", n < 10 ? 3 : n < 100 ? 2 : 1);
	cx_buf_ulong(id, n);
}

static int
append_keys(struct cx_reg *g, off_t *len, struct cx_err *err)
{
	const char *path = cx_spool_path(g->sp);
	int fd;

	if ((fd = cx_spool_openat(g->sp, g->keysname, O_WRONLY | O_APPEND,
	    err)) == -1)
		return -1;
	if (cx_write_all(fd, g->log.p, g->log.len) == -1 || fsync(fd) == -1 ||
	    (*len = lseek(fd, 0, SEEK_END)) == -1) {
		cx_seterr(err, "%s/%s: %s", path, g->keysname,
		    strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The keys appended, the counters staged, the transaction committed. */
int
cx_reg_commit(struct cx_reg *g, struct cx_err *err)
{
	struct cx_buf b = { 0 };
	off_t len = g->keyslen;
	size_t i;
	int r = -1;

	if (g->sp == NULL || g->dry) {
		g->log.len = 0;
		return 0;
	}
	if (g->log.len > 0 && append_keys(g, &len, err) == -1)
		return -1;
	if (g->log.len > 0 || g->seqdirty) {
		cx_buf_printf(&b, "cx-seq 2\nkeys %lld\nsince %lu\n",
		    (long long)len, g->since);
		for (i = 0; i < g->nseq; i++)
			cx_buf_printf(&b, "seq %s %lu\n", g->seq[i].date,
			    g->seq[i].n);
		if (cx_spool_stage(g->sp, ".", g->seqname, b.p, b.len, err) ==
		    -1)
			goto out;
	}
	if (cx_spool_commit(g->sp, err) == -1)
		goto out;
	g->keyslen = len;
	g->log.len = 0;
	g->seqdirty = 0;
	r = 0;
out:
	cx_buf_free(&b);
	return r;
}

/* Whether the registry has anything to commit. */
int
cx_reg_pending(const struct cx_reg *g)
{
	return g->log.len > 0 || g->seqdirty;
}

/*
 * A registry to rebuild (rebuild.c): no keys, and the counters of the
 * spool's seq as far as it can be read, a damaged one's good lines, so
 * that no ticket number it gave is given again.
 */
struct cx_reg *
cx_reg_salvage(struct cx_spool *sp, struct cx_err *err)
{
	struct cx_reg *g = cx_alloc(sizeof(*g));
	struct cx_buf b = { 0 };
	const char *p, *end, *l, *q, *w[4];
	unsigned long v;
	size_t n, wl[4];
	int k;

	g->sp = sp;
	g->keysname = "keys";
	g->seqname = "seq";
	g->dry = cx_spool_readonly(sp);
	if (cx_spool_read(sp, ".", "seq", &b, err) == -1 && errno != ENOENT) {
		cx_reg_free(g);
		return NULL;
	}
	for (p = b.p, end = p + b.len; cx_line(&p, end, &l, &n);) {
		for (q = l, k = 0; k < 4 && cx_word(&q, l + n, &w[k], &wl[k]);
		    k++)
			;
		if (k == 3 && cx_tokeq(w[0], wl[0], "seq") &&
		    date_ok(w[1], wl[1]) && cx_digits(w[2], wl[2], &v) == 0)
			cx_reg_count(g, w[1], v);
	}
	cx_buf_free(&b);
	return g;
}

/* A day's counter raised to n, if it is lower. */
void
cx_reg_count(struct cx_reg *g, const char *date, unsigned long n)
{
	unsigned long *c = counter(g, date);

	if (*c < n) {
		*c = n;
		g->seqdirty = 1;
	}
}

/* The day and number of a ticket id PREFIX-YYYYMMDD-NNNN; -1 if it has
 * none. */
int
cx_reg_id_number(const char *id, char date[9], unsigned long *n)
{
	const char *dash = strrchr(id, '-');
	size_t len;

	if (dash == NULL || dash - id < 9 || dash[-9] != '-' ||
	    !date_ok(dash - 8, 8) || (len = strlen(dash + 1)) < 4 ||
	    cx_digits(dash + 1, len, n) == -1)
		return -1;
	memcpy(date, dash - 8, 8);
	date[8] = '\0';
	return 0;
}

/* 1 if the spool's file is those bytes, 0 if not, -1 if unreadable. */
static int
same_file(struct cx_reg *g, const char *name, const struct cx_buf *want,
    struct cx_err *err)
{
	struct cx_buf b = { 0 };
	int r;

	if (cx_spool_read(g->sp, ".", name, &b, err) == -1)
		r = errno == ENOENT ? 0 : -1;
	else
		r = b.len == want->len && (b.len == 0 ||
		    memcmp(b.p, want->p, b.len) == 0);
	cx_buf_free(&b);
	return r;
}

/*
 * What a rebuild added, staged as the whole of keys, and seq with its
 * length and the counters, in the spool's transaction, for its caller to
 * commit: both or neither; neither where both are so already, as a run
 * with nothing to change commits nothing.
 */
int
cx_reg_stage_all(struct cx_reg *g, unsigned long since, struct cx_err *err)
{
	struct cx_buf b = { 0 };
	size_t i;
	int r, k, q;

	cx_buf_printf(&b, "cx-seq 2\nkeys %zu\nsince %lu\n", g->log.len,
	    since);
	for (i = 0; i < g->nseq; i++)
		cx_buf_printf(&b, "seq %s %lu\n", g->seq[i].date, g->seq[i].n);
	if ((k = same_file(g, g->keysname, &g->log, err)) == -1 ||
	    (q = same_file(g, g->seqname, &b, err)) == -1)
		r = -1;
	else if (k && q)
		r = 0;
	else
		r = cx_spool_stage(g->sp, ".", g->keysname, g->log.p,
		    g->log.len, err) == -1 || cx_spool_stage(g->sp, ".",
		    g->seqname, b.p, b.len, err) == -1 ? -1 : 0;
	cx_buf_free(&b);
	return r;
}
