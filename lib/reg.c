/*
 * reg.c: the registry of a spool: ticket numbers and what was ingested.
 *
 * Two files hold it.  "keys" is an append-only log, a line per thing
 * registered: "BATCH KIND KEY TICKET", where KIND is s (a source row or
 * message), c (a customer and order) or r (a rejected row).  "state" is
 * small and replaced whole: the last committed batch, how many bytes of
 * "keys" are committed, the per-day ticket counters, and the files of the
 * last commit that were staged in tmp/ to be moved into place.
 *
 * Committing a batch: stage every file it writes in tmp/ (flushed), append
 * its keys to the log (flushed), then replace "state": that rename is the
 * commit.  Only then are the staged files renamed into place.  Opening the
 * registry repairs whatever a crash left: keys past the committed length
 * are cut off (their batch never happened), and staged files of the last
 * commit still in tmp/ are moved into place (their batch did happen).  So
 * a row is registered exactly once whatever instant a run dies at, and the
 * counter never hands out a number twice.  All of it runs under the spool
 * lock.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"

#define NOENTRY	UINT32_MAX

/* Ticket ids live in one arena; an entry is its offset and batch. */
static uint32_t
entry_add(struct cx_reg *g, const char *id, size_t idlen, unsigned long batch)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1024;
		g->e = cx_realloc(g->e, g->cap * sizeof(*g->e));
	}
	g->e[g->n].off = (uint32_t)g->ids.len;
	g->e[g->n].batch = (uint32_t)batch;
	cx_buf_add(&g->ids, id, idlen);
	cx_buf_addc(&g->ids, '\0');
	return (uint32_t)g->n++;
}

static int
parse_ulong(const char *s, size_t n, unsigned long *v)
{
	size_t i;

	*v = 0;
	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return 0;
}

/* Split a line into at most max words on single spaces. */
static size_t
words(const char *l, size_t n, const char **w, size_t *wl, size_t max)
{
	size_t k = 0;
	const char *p = l, *end = l + n, *sp;

	while (p < end && k < max) {
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL || k == max - 1)
			sp = end;
		w[k] = p;
		wl[k++] = (size_t)(sp - p);
		p = sp + 1;
	}
	return k;
}

static void
seq_set(struct cx_reg *g, const char *date, unsigned long n)
{
	size_t i;

	for (i = 0; i < g->nseq; i++)
		if (memcmp(g->seq[i].date, date, 8) == 0) {
			g->seq[i].n = n;
			return;
		}
	g->seq = cx_realloc(g->seq, (g->nseq + 1) * sizeof(*g->seq));
	memcpy(g->seq[g->nseq].date, date, 8);
	g->seq[g->nseq].date[8] = '\0';
	g->seq[g->nseq].n = n;
	g->nseq++;
}

static int
state_line(struct cx_reg *g, const char *l, size_t n, struct cx_err *err)
{
	const char *w[3];
	size_t wl[3], k;
	unsigned long v;

	k = words(l, n, w, wl, 3);
	if (k == 2 && wl[0] == 5 && memcmp(w[0], "batch", 5) == 0 &&
	    parse_ulong(w[1], wl[1], &g->batch) == 0)
		return 0;
	if (k == 2 && wl[0] == 4 && memcmp(w[0], "keys", 4) == 0 &&
	    parse_ulong(w[1], wl[1], &v) == 0) {
		g->keyslen = (off_t)v;
		return 0;
	}
	if (k == 3 && wl[0] == 3 && memcmp(w[0], "seq", 3) == 0 &&
	    wl[1] == 8 && parse_ulong(w[2], wl[2], &v) == 0) {
		seq_set(g, w[1], v);
		return 0;
	}
	if (k == 3 && wl[0] == 7 && memcmp(w[0], "pending", 7) == 0) {
		cx_buf_add(&g->pending, w[1], wl[1]);
		cx_buf_addc(&g->pending, ' ');
		cx_buf_add(&g->pending, w[2], wl[2]);
		cx_buf_addc(&g->pending, '\n');
		return 0;
	}
	if (k >= 1 && wl[0] == 8 && memcmp(w[0], "cx-state", 8) == 0)
		return 0;
	cx_seterr(err, "%s/state: unreadable line \"%.*s\"", g->sp->path,
	    (int)(n > 60 ? 60 : n), l);
	return -1;
}

static int
read_state(struct cx_reg *g, struct cx_err *err)
{
	struct cx_buf b = { 0 };
	const char *p, *nl, *end;
	int fd;

	if ((fd = openat(g->sp->dfd, "state", O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		cx_seterr(err, "%s/state: %s", g->sp->path, strerror(errno));
		return -1;
	}
	close(fd);
	if (cx_spool_read(g->sp, ".", "state", &b, err) == -1)
		return -1;
	for (p = b.p, end = b.p + b.len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl > p && state_line(g, p, (size_t)(nl - p), err) == -1) {
			cx_buf_free(&b);
			return -1;
		}
	}
	cx_buf_free(&b);
	return 0;
}

/* Whether a line of a newline-separated list is name. */
static int
listed(const struct cx_buf *l, const char *name)
{
	size_t n = strlen(name);
	const char *p, *end, *nl;

	if (l->len == 0)
		return 0;
	for (p = l->p, end = l->p + l->len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if ((size_t)(nl - p) == n && memcmp(p, name, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * Move the files a commit staged into place, and sync their directories
 * once each.  In tmp/ each is named for its batch ("7.B0000000007.jsonl"),
 * so a staged file left by a batch that died before its commit is never
 * taken for the committed one's.  MOVE: each is in tmp/; MOVE_LEFT: those
 * still there (a crashed commit); MOVED: all were moved already.
 */
enum { MOVE, MOVE_LEFT, MOVED };

static int
publish(struct cx_reg *g, const struct cx_buf *list, unsigned long batch,
    int how, struct cx_err *err)
{
	struct cx_buf tmpname = { 0 }, dirs = { 0 };
	const char *p, *nl, *end, *sp;
	char *dir, *name;
	int tfd, r = 0;

	if ((tfd = cx_spool_dir(g->sp, "tmp", err)) == -1)
		return -1;
	for (p = list->p, end = p + list->len; p < end && r == 0; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		sp = memchr(p, ' ', (size_t)(nl - p));
		dir = cx_strndup(p, (size_t)(sp - p));
		name = cx_strndup(sp + 1, (size_t)(nl - sp - 1));
		tmpname.len = 0;
		cx_buf_ulong(&tmpname, batch);
		cx_buf_addc(&tmpname, '.');
		cx_buf_adds(&tmpname, name);
		if (how == MOVE || (how == MOVE_LEFT &&
		    faccessat(tfd, cx_buf_str(&tmpname), F_OK, 0) == 0))
			r = cx_spool_publish(g->sp, cx_buf_str(&tmpname), dir,
			    name, err);
		if (r == 0 && !listed(&dirs, dir))
			cx_buf_printf(&dirs, "%s\n", dir);
		free(dir);
		free(name);
	}
	/* Each directory once, after all its renames. */
	for (p = dirs.p, end = p + dirs.len; p < end && r == 0; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		dir = cx_strndup(p, (size_t)(nl - p));
		r = cx_spool_syncdir(g->sp, dir, err);
		free(dir);
	}
	cx_buf_free(&dirs);
	cx_buf_free(&tmpname);
	return r;
}

/*
 * Finish the last commit, then empty tmp/: what else is there was being
 * written by a run that died (writers hold the lock, so none is live).
 */
static int
recover(struct cx_reg *g, struct cx_err *err)
{
	struct dirent *d;
	DIR *dp;
	int tfd, fd;

	if (g->dry)
		return 0;
	if ((tfd = cx_spool_dir(g->sp, "tmp", err)) == -1)
		return -1;
	if ((fd = dup(tfd)) == -1 || (dp = fdopendir(fd)) == NULL) {
		cx_seterr(err, "%s/tmp: %s", g->sp->path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	/*
	 * With tmp/ empty, the last commit's files are all in place: only
	 * their directories are synced again (the run that moved them may
	 * have died first), not each file looked for.
	 */
	rewinddir(dp);		/* the offset is shared with tfd */
	while ((d = readdir(dp)) != NULL && d->d_name[0] == '.')
		;
	if (publish(g, &g->pending, g->batch, d == NULL ? MOVED : MOVE_LEFT,
	    err) == -1) {
		closedir(dp);
		return -1;
	}
	rewinddir(dp);
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			(void)unlinkat(tfd, d->d_name, 0);
	closedir(dp);
	return 0;
}

static struct cx_key
kinded(struct cx_key k, int kind)
{
	k.h[0] ^= (uint64_t)(unsigned char)kind;
	return k;
}

static int
load_keys(struct cx_reg *g, struct cx_err *err)
{
	struct cx_in in;
	struct cx_key key;
	const char *l, *w[4];
	size_t n, wl[4], k;
	off_t seen = 0;
	unsigned long b;
	int fd, r;

	if ((fd = openat(g->sp->dfd, "keys", g->dry ? O_RDONLY | O_CLOEXEC :
	    O_RDWR | O_CREAT | O_CLOEXEC, 0640)) == -1) {
		if (g->dry && errno == ENOENT)
			return 0;
		cx_seterr(err, "%s/keys: %s", g->sp->path, strerror(errno));
		return -1;
	}
	/* Keys past the committed length belong to a batch that died. */
	if (!g->dry && lseek(fd, 0, SEEK_END) != g->keyslen &&
	    ftruncate(fd, g->keyslen) == -1) {
		cx_seterr(err, "%s/keys: %s", g->sp->path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	cx_buf_printf(&g->path, "%s/keys", g->sp->path);
	if (cx_in_open(&in, cx_buf_str(&g->path), err) == -1)
		return -1;
	while (seen < g->keyslen && (r = cx_in_line(&in, &l, &n, err)) == 1) {
		seen += (off_t)n + 1;
		k = words(l, n, w, wl, 4);
		if (k != 4 || parse_ulong(w[0], wl[0], &b) == -1 ||
		    wl[1] != 1 || cx_key_parse(w[2], wl[2], &key) == -1) {
			cx_seterr(err, "%s/keys:%lu: unreadable line",
			    g->sp->path, in.lineno);
			cx_in_close(&in);
			return -1;
		}
		/* Only a customer and order needs its ticket back. */
		cx_keyset_put_replace(&g->keys, kinded(key, w[1][0]),
		    w[1][0] == CX_REG_ORDER ? entry_add(g, w[3], wl[3], b) :
		    NOENTRY);
	}
	cx_in_close(&in);
	return 0;
}

/*
 * Every writer repairs what a crashed commit left before it reads the
 * spool: otherwise its change would be overwritten later by a stale file
 * staged by the dead commit.  Call with the spool locked.
 */
int
cx_reg_recover(struct cx_spool *sp, struct cx_err *err)
{
	struct cx_reg g;
	int r;

	memset(&g, 0, sizeof(g));
	g.sp = sp;
	r = read_state(&g, err) == -1 || recover(&g, err) == -1 ? -1 : 0;
	cx_reg_free(&g);
	return r;
}

/* What a writer does first: the spool opened (made if new), locked, and
 * repaired. */
int
cx_spool_begin(struct cx_spool *sp, const char *path, struct cx_err *err)
{
	if (cx_spool_open(sp, path, 1, err) == -1)
		return -1;
	if (cx_spool_lock(sp, err) == -1 || cx_reg_recover(sp, err) == -1) {
		cx_spool_close(sp);
		return -1;
	}
	return 0;
}

int
cx_reg_open(struct cx_reg *g, struct cx_spool *sp, int dry,
    struct cx_err *err)
{
	memset(g, 0, sizeof(*g));
	g->sp = sp;
	g->dry = dry;
	if (read_state(g, err) == -1 || recover(g, err) == -1 ||
	    load_keys(g, err) == -1)
		return -1;
	g->committed = g->batch;
	return 0;
}

void
cx_reg_free(struct cx_reg *g)
{
	free(g->e);
	cx_buf_free(&g->ids);
	free(g->seq);
	cx_keyset_free(&g->keys);
	cx_buf_free(&g->pending);
	cx_buf_free(&g->log);
	cx_buf_free(&g->staged);
	cx_buf_free(&g->path);
	memset(g, 0, sizeof(*g));
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
		e->batch = g->e[i].batch;
	}
	return 1;
}

/* Note a key as seen; 1 if it was already. */
int
cx_reg_claim(struct cx_reg *g, int kind, struct cx_key key)
{
	return cx_keyset_put(&g->keys, kinded(key, kind), NOENTRY, NULL);
}

/*
 * Record a key for the batch being built.  Only customer-and-order keys
 * keep their ticket in memory: the others are asked only whether they
 * were seen, and cx_reg_claim has noted that already.
 */
void
cx_reg_add(struct cx_reg *g, int kind, struct cx_key key, const char *id)
{
	char hex[33];

	if (kind == CX_REG_ORDER)
		cx_keyset_put_replace(&g->keys, kinded(key, kind),
		    entry_add(g, id, strlen(id), g->batch + 1));
	else
		(void)cx_reg_claim(g, kind, key);
	if (g->sp == NULL)
		return;		/* filter mode keeps no log */
	cx_key_hex(key, hex);
	cx_buf_ulong(&g->log, g->batch + 1);
	cx_buf_addc(&g->log, ' ');
	cx_buf_addc(&g->log, kind);
	cx_buf_addc(&g->log, ' ');
	cx_buf_add(&g->log, hex, 32);
	cx_buf_addc(&g->log, ' ');
	cx_buf_adds(&g->log, id);
	cx_buf_addc(&g->log, '\n');
}

unsigned long
cx_reg_next(struct cx_reg *g, const char *date)
{
	size_t i;

	for (i = 0; i < g->nseq; i++)
		if (memcmp(g->seq[i].date, date, 8) == 0)
			return ++g->seq[i].n;
	seq_set(g, date, 1);
	return 1;
}

/* Write a file of this batch to tmp/, to be moved to dir/name on commit. */
int
cx_reg_stage(struct cx_reg *g, const char *dir, const char *name,
    const void *data, size_t n, struct cx_err *err)
{
	struct cx_buf t = { 0 };
	int r;

	if (g->dry)
		return 0;
	cx_buf_ulong(&t, g->batch + 1);
	cx_buf_addc(&t, '.');
	cx_buf_adds(&t, name);
	r = cx_spool_stage(g->sp, cx_buf_str(&t), data, n, err);
	cx_buf_free(&t);
	if (r == 0)
		cx_buf_printf(&g->staged, "%s %s\n", dir, name);
	return r;
}

static void
state_text(const struct cx_reg *g, off_t keyslen, struct cx_buf *b)
{
	const char *p, *nl, *end;
	size_t i;

	cx_buf_adds(b, "cx-state 1\n");
	cx_buf_printf(b, "batch %lu\n", g->batch + 1);
	cx_buf_printf(b, "keys %lld\n", (long long)keyslen);
	for (i = 0; i < g->nseq; i++)
		cx_buf_printf(b, "seq %s %lu\n", g->seq[i].date, g->seq[i].n);
	for (p = g->staged.p, end = p + g->staged.len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		cx_buf_printf(b, "pending %.*s\n", (int)(nl - p), p);
	}
}

static int
append_log(struct cx_reg *g, off_t *len, struct cx_err *err)
{
	int fd;

	if ((fd = openat(g->sp->dfd, "keys", O_WRONLY | O_APPEND | O_CLOEXEC))
	    == -1) {
		cx_seterr(err, "%s/keys: %s", g->sp->path, strerror(errno));
		return -1;
	}
	if (cx_write_all(fd, g->log.p, g->log.len) == -1 || fsync(fd) == -1 ||
	    (*len = lseek(fd, 0, SEEK_END)) == -1) {
		cx_seterr(err, "%s/keys: %s", g->sp->path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * The files of this batch are already staged in tmp/ and named with
 * cx_reg_stage.  Append the keys, commit the state, move the files.
 */
int
cx_reg_commit(struct cx_reg *g, struct cx_err *err)
{
	struct cx_buf st = { 0 };
	off_t len = g->keyslen;
	int r = -1;

	if (g->dry)
		return 0;
	if (g->log.len > 0 && append_log(g, &len, err) == -1)
		return -1;
	if (g->staged.len > 0 && cx_spool_sync(g->sp, err) == -1)
		return -1;
	state_text(g, len, &st);
	if (cx_spool_put(g->sp, ".", "state", st.p, st.len, err) == -1)
		goto out;
	g->batch++;
	g->keyslen = len;
	g->log.len = 0;
	if (publish(g, &g->staged, g->batch, MOVE, err) == -1)
		goto out;
	g->staged.len = 0;
	r = 0;
out:
	cx_buf_free(&st);
	return r;
}
