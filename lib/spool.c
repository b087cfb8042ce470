/*
 * spool.c: the spool directory (cx-spool(5)) and the one way it changes.
 *
 * The state of a file is the directory it lives in, and every change a
 * writer makes is a transaction.  The files it writes are staged in tmp/,
 * the files it takes away are listed, and a commit makes all of it happen
 * or none: the staged files are flushed (one syncfs for them all), the list
 * of what the commit does is written to "state" (tmp, fsync, rename: that
 * rename is the commit point), and only then are the staged files renamed
 * into place and the listed ones removed.  Every writer starts by finishing
 * the last commit from "state" if it was not carried out in full, and by
 * emptying tmp/ of what a transaction that never committed left.
 * So a crash at any instant leaves every file before or after each commit.
 *
 * Within a transaction the staged files go into place before any listed
 * file is removed, at the commit and when a crashed commit is finished, so
 * both orders give one result: a path staged and removed ends removed.
 *
 * Writers hold an flock(2) on "lock" for their whole run; the kernel drops
 * it when a process dies, so a killed run never wedges the next.
 * Everything is created readable by owner and group only, and every name
 * in the spool is opened relative to it, never through a symbolic link.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

#define DIRMODE		0750
#define FILEMODE	0640
#define STATE_VERSION	2

struct cx_spool {
	char		*path;
	int		 dfd;		/* the spool directory */
	int		 lockfd;
	int		 rdonly;	/* opened to read: nothing changes */
	struct {
		char	*name;
		int	 fd;
	}		*dirs;		/* subdirectories opened so far */
	size_t		 ndirs;
	unsigned long	 committed;	/* the last commit's number */
	struct cx_buf	 puts;		/* "put DIR NAME\n", this transaction */
	struct cx_buf	 removes;	/* "remove DIR NAME\n" */
	struct cx_keyset ops;		/* the lines of both, once each */
	size_t		 nops;
	struct cx_buf	 tmp;
};

/* The spool $CX_SPOOL names, or NULL if it is unset or empty. */
const char *
cx_spool_env(void)
{
	const char *s = getenv("CX_SPOOL");

	return s != NULL && *s != '\0' ? s : NULL;
}

const char *
cx_spool_path(const struct cx_spool *sp)
{
	return sp->path;
}

unsigned long
cx_spool_serial(const struct cx_spool *sp)
{
	return sp->committed + 1;
}

size_t
cx_spool_pending(const struct cx_spool *sp)
{
	return sp->nops;
}

/*
 * A new directory's entry is durable once its parent is synced; -1 with
 * errno if the parent cannot be.
 */
static int
sync_parent(const char *path)
{
	char *parent, *slash;
	int fd, r = -1, e;

	parent = cx_strndup(path, strlen(path));
	if ((slash = strrchr(parent, '/')) == NULL)
		strcpy(parent, ".");
	else if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		r = fsync(fd);
		e = errno;
		close(fd);
		errno = e;
	}
	free(parent);
	return r;
}

/*
 * The spool's directory, and any of its parents that are missing, made
 * (mode 750, each new entry synced); what cannot be made is named.
 */
static int
make_path(const char *path, struct cx_err *err)
{
	char *p = cx_strndup(path, strlen(path)), *slash;
	int r = 0;

	for (slash = p + 1; r == 0 && slash != NULL; ) {
		if ((slash = strchr(slash, '/')) != NULL)
			*slash = '\0';
		if (mkdir(p, DIRMODE) == 0) {
			if (sync_parent(p) == -1) {
				cx_seterr(err, "%s: cannot sync the directory "
				    "holding %s: %s", path, p, strerror(errno));
				r = -1;
			}
		} else if (errno != EEXIST) {
			cx_seterr(err, "%s: cannot make the spool's directory %s: "
			    "%s", path, p, strerror(errno));
			r = -1;
		}
		if (slash != NULL)
			*slash++ = '/';
	}
	free(p);
	return r;
}

static int
fail(struct cx_spool *sp, struct cx_err *err, const char *dir,
    const char *name)
{
	struct cx_buf rel = { 0 };
	struct stat st;
	const char *why;
	int e = errno;

	/* O_NOFOLLOW's errors say little: name the link. */
	if (name == NULL)
		cx_buf_adds(&rel, dir);
	else if (strcmp(dir, ".") == 0)
		cx_buf_adds(&rel, name);
	else
		cx_buf_printf(&rel, "%s/%s", dir, name);
	(void)cx_buf_str(&rel);
	why = (e == ELOOP || e == ENOTDIR) && fstatat(sp->dfd, rel.p, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode) ? "a symbolic link; within a spool the tools "
	    "follow links only to read etc/" : strerror(e);
	if (strcmp(rel.p, ".") == 0)
		cx_seterr(err, "%s: %s", sp->path, why);
	else
		cx_seterr(err, "%s/%s: %s", sp->path, rel.p, why);
	cx_buf_free(&rel);
	errno = e;
	return -1;
}

/* The subdirectory, if it is open already; else -1. */
static int
dir_open(const struct cx_spool *sp, const char *name)
{
	size_t i;

	if (strcmp(name, ".") == 0)
		return sp->dfd;
	for (i = 0; i < sp->ndirs; i++)
		if (strcmp(sp->dirs[i].name, name) == 0)
			return sp->dirs[i].fd;
	return -1;
}

int
cx_spool_dir(struct cx_spool *sp, const char *name, struct cx_err *err)
{
	int fd;

	if ((fd = dir_open(sp, name)) != -1)
		return fd;
	/* A new entry survives a crash once the spool's directory is synced. */
	if (!sp->rdonly && mkdirat(sp->dfd, name, DIRMODE) == 0) {
		if (fsync(sp->dfd) == -1)
			return fail(sp, err, ".", NULL);
	} else if (!sp->rdonly && errno != EEXIST)
		return fail(sp, err, name, NULL);
	if ((fd = openat(sp->dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return fail(sp, err, name, NULL);
	sp->dirs = cx_grow(sp->dirs, sp->ndirs, sizeof(*sp->dirs));
	sp->dirs[sp->ndirs].name = cx_strndup(name, strlen(name));
	sp->dirs[sp->ndirs].fd = fd;
	sp->ndirs++;
	return fd;
}

int
cx_spool_openat(struct cx_spool *sp, const char *name, int flags,
    struct cx_err *err)
{
	int fd;

	if ((fd = openat(sp->dfd, name, flags | O_NOFOLLOW | O_CLOEXEC,
	    FILEMODE)) == -1)
		return fail(sp, err, ".", name);
	return fd;
}

static int
write_file(struct cx_spool *sp, int dfd, const char *name, const void *data,
    size_t n, int sync, struct cx_err *err)
{
	int fd;

	if ((fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, FILEMODE)) == -1)
		return fail(sp, err, "tmp", name);
	if (cx_write_all(fd, data, n) == -1 || (sync && fsync(fd) == -1)) {
		fail(sp, err, "tmp", name);
		close(fd);
		unlinkat(dfd, name, 0);
		return -1;
	}
	if (close(fd) == -1) {
		fail(sp, err, "tmp", name);
		unlinkat(dfd, name, 0);
		return -1;
	}
	return 0;
}

/* A name a transaction can hold: no slash, blank or control character. */
int
cx_spool_name_ok(const char *s)
{
	if (*s == '\0' || *s == '.')
		return 0;
	for (; *s != '\0'; s++)
		if (*s == '/' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

/* In tmp/, a staged file is named for its commit and its place. */
static const char *
tmpname(struct cx_spool *sp, unsigned long serial, const char *dir,
    const char *name)
{
	sp->tmp.len = 0;
	cx_buf_ulong(&sp->tmp, serial);
	cx_buf_addc(&sp->tmp, '.');
	cx_buf_adds(&sp->tmp, dir);
	cx_buf_addc(&sp->tmp, '.');
	cx_buf_adds(&sp->tmp, name);
	return cx_buf_str(&sp->tmp);
}

static int
check_names(struct cx_spool *sp, const char *dir, const char *name,
    struct cx_err *err)
{
	if ((strcmp(dir, ".") != 0 && !cx_spool_name_ok(dir)) ||
	    !cx_spool_name_ok(name)) {
		cx_seterr(err, "%s: \"%s/%s\" cannot be a file of the spool",
		    sp->path, dir, name);
		return -1;
	}
	return 0;
}

/*
 * An operation of the transaction, once: a file staged again is the same
 * put, its data the last staged (the same file of tmp/).
 */
static void
add_op(struct cx_spool *sp, struct cx_buf *ops, const char *op,
    const char *dir, const char *name)
{
	size_t at = ops->len;

	cx_buf_printf(ops, "%s %s %s\n", op, dir, name);
	if (cx_keyset_put(&sp->ops, cx_key_of(ops->p + at, ops->len - at), 0,
	    NULL))
		ops->len = at;
	else
		sp->nops++;
}

int
cx_spool_stage(struct cx_spool *sp, const char *dir, const char *name,
    const void *data, size_t n, struct cx_err *err)
{
	int tfd;

	if (sp->rdonly)
		return 0;
	if (check_names(sp, dir, name, err) == -1 ||
	    (tfd = cx_spool_dir(sp, "tmp", err)) == -1 ||
	    cx_spool_dir(sp, dir, err) == -1)
		return -1;
	if (write_file(sp, tfd, tmpname(sp, cx_spool_serial(sp), dir, name),
	    data ? data : "", n, 0, err) == -1)
		return -1;
	add_op(sp, &sp->puts, "put", dir, name);
	return 0;
}

/* 1 and its text if the transaction stages dir/name, else 0. */
int
cx_spool_staged(struct cx_spool *sp, const char *dir, const char *name,
    struct cx_buf *text)
{
	struct cx_buf op = { 0 };
	int yes;

	cx_buf_printf(&op, "put %s %s\n", dir, name);
	yes = cx_keyset_get(&sp->ops, cx_key_of(op.p, op.len), NULL);
	cx_buf_free(&op);
	if (!yes)
		return 0;
	text->len = 0;
	return cx_spool_read(sp, "tmp", tmpname(sp, cx_spool_serial(sp), dir,
	    name), text, NULL) == 0;
}

int
cx_spool_remove(struct cx_spool *sp, const char *dir, const char *name,
    struct cx_err *err)
{
	if (sp->rdonly)
		return 0;
	if (check_names(sp, dir, name, err) == -1)
		return -1;
	add_op(sp, &sp->removes, "remove", dir, name);
	return 0;
}

/*
 * Staged files are not synced one by one: a commit of a hundred thousand
 * tickets would spend minutes in fsync.  One syncfs of the spool's file
 * system before the commit point makes them all durable at once.
 */
static int
sync_all(struct cx_spool *sp, struct cx_err *err)
{
#ifdef __linux__
	if (syncfs(sp->dfd) == -1) {
		cx_seterr(err, "%s: %s", sp->path, strerror(errno));
		return -1;
	}
#else
	(void)err;
	sync();
#endif
	return 0;
}

/* The words of an operation line: "put DIR NAME", "remove DIR NAME". */
static int
op_words(const char *l, size_t n, const char **w, size_t *wl)
{
	const char *p = l, *end = l + n;
	int k;

	for (k = 0; k < 3; k++)
		if (!cx_word(&p, end, &w[k], &wl[k]))
			return -1;
	return p == end ? 0 : -1;
}

static void
dirs_add(struct cx_buf *dirs, const char *dir, size_t n)
{
	const char *p = dirs->p, *end = p + dirs->len, *l;
	size_t ln;

	while (cx_line(&p, end, &l, &ln))
		if (ln == n && memcmp(l, dir, n) == 0)
			return;
	cx_buf_add(dirs, dir, n);
	cx_buf_addc(dirs, '\n');
}

/*
 * Carry out a commit's operations.  LEFT: the commit may have been carried
 * out in part (a crash), so a staged file is moved only if it is still in
 * tmp/ and a removed one may be gone already; v1 names staged files as a
 * spool of version 1 did ("N.NAME").  Each directory is synced once.
 */
enum { ALL, LEFT, NONE_LEFT };

static int
carry_out(struct cx_spool *sp, const struct cx_buf *ops, unsigned long serial,
    int how, int v1, struct cx_err *err)
{
	struct cx_buf dirs = { 0 }, dir = { 0 }, name = { 0 };
	const char *p = ops->p, *end = p + ops->len, *l, *w[3], *t;
	size_t n, wl[3];
	int tfd, dfd, r = 0;

	if ((tfd = cx_spool_dir(sp, "tmp", err)) == -1)
		return -1;
	while (r == 0 && cx_line(&p, end, &l, &n)) {
		if (op_words(l, n, w, wl) == -1)
			continue;
		dir.len = name.len = 0;
		cx_buf_add(&dir, w[1], wl[1]);
		cx_buf_add(&name, w[2], wl[2]);
		if ((dfd = cx_spool_dir(sp, cx_buf_str(&dir), err)) == -1) {
			r = -1;
			break;
		}
		(void)cx_buf_str(&name);
		if (wl[0] == 3) {		/* put */
			if (v1) {
				sp->tmp.len = 0;
				cx_buf_printf(&sp->tmp, "%lu.%s", serial, name.p);
				t = cx_buf_str(&sp->tmp);
			} else
				t = tmpname(sp, serial, dir.p, name.p);
			if (how != NONE_LEFT && renameat(tfd, t, dfd, name.p) ==
			    -1 && !(how == LEFT && errno == ENOENT))
				r = fail(sp, err, dir.p, name.p);
		} else if (unlinkat(dfd, name.p, 0) == -1 && errno != ENOENT)
			r = fail(sp, err, dir.p, name.p);
		if (r == 0)
			dirs_add(&dirs, dir.p, dir.len);
	}
	p = dirs.p;
	end = p + dirs.len;
	while (r == 0 && cx_line(&p, end, &l, &n)) {
		dir.len = 0;
		cx_buf_add(&dir, l, n);
		if ((dfd = cx_spool_dir(sp, cx_buf_str(&dir), err)) == -1 ||
		    fsync(dfd) == -1)
			r = dfd == -1 ? -1 : fail(sp, err, dir.p, NULL);
	}
	cx_buf_free(&dirs);
	cx_buf_free(&dir);
	cx_buf_free(&name);
	return r;
}

/* Write and rename a small file of the spool's top directory. */
static int
put_top(struct cx_spool *sp, const char *name, const struct cx_buf *b,
    struct cx_err *err)
{
	struct cx_buf t = { 0 };
	int tfd, r = -1;

	if ((tfd = cx_spool_dir(sp, "tmp", err)) == -1)
		return -1;
	cx_buf_printf(&t, "%lu..%s", cx_spool_serial(sp), name);
	if (write_file(sp, tfd, cx_buf_str(&t), b->p ? b->p : "", b->len, 1,
	    err) == 0) {
		if (renameat(tfd, t.p, sp->dfd, name) == -1)
			fail(sp, err, ".", name);
		else if (fsync(sp->dfd) == -1)
			fail(sp, err, ".", NULL);
		else
			r = 0;
	}
	cx_buf_free(&t);
	return r;
}

/*
 * A commit carried out, and the state saying so, so that no later writer
 * does it again: done again, a removal would take away a file put back
 * since.  HOW and v1 as for carry_out.
 */
static int
carry_out_all(struct cx_spool *sp, const struct cx_buf *puts,
    const struct cx_buf *removes, unsigned long serial, int how, int v1,
    struct cx_err *err)
{
	struct cx_buf st = { 0 };
	int r;

	if (carry_out(sp, puts, serial, how, v1, err) == -1 ||
	    carry_out(sp, removes, serial, how == ALL ? ALL : LEFT, 0,
	    err) == -1)
		return -1;
	cx_buf_printf(&st, "cx-state %d\ncommit %lu\n", STATE_VERSION, serial);
	r = put_top(sp, "state", &st, err);
	cx_buf_free(&st);
	return r;
}

int
cx_spool_commit(struct cx_spool *sp, struct cx_err *err)
{
	struct cx_buf st = { 0 };
	int r = -1;

	if (sp->rdonly || sp->nops == 0)
		return 0;
	/* Nothing computed in a zone that did not load is committed. */
	if (cx_tz_ok(err) == -1)
		return -1;
	if (sp->puts.len > 0 && sync_all(sp, err) == -1)
		return -1;
	cx_buf_printf(&st, "cx-state %d\ncommit %lu\n", STATE_VERSION,
	    cx_spool_serial(sp));
	cx_buf_add(&st, sp->puts.p, sp->puts.len);
	cx_buf_add(&st, sp->removes.p, sp->removes.len);
	if (put_top(sp, "state", &st, err) == -1)
		goto out;
	sp->committed++;
	if (carry_out_all(sp, &sp->puts, &sp->removes, sp->committed, ALL, 0,
	    err) == -1)
		goto out;
	r = 0;
out:
	sp->puts.len = sp->removes.len = 0;
	sp->nops = 0;
	cx_keyset_free(&sp->ops);
	cx_buf_free(&st);
	return r;
}

/* The state as the last commit left it. */
struct state {
	int		 version;
	unsigned long	 commit;
	struct cx_buf	 puts, removes;
	struct cx_buf	 v1reg;		/* version 1: the registry's lines */
};

/* A number as the state writes it: digits, no leading zero. */
static int
number(const char *s, size_t n, unsigned long *v)
{
	return (s[0] == '0' && n > 1) ? -1 : cx_digits(s, n, v);
}

static int
state_line(struct state *st, const char *l, size_t n, unsigned long line)
{
	const char *w[3], *p = l, *end = l + n;
	size_t wl[3];
	unsigned long v;
	int k;

	for (k = 0; k < 3 && cx_word(&p, end, &w[k], &wl[k]); k++)
		;
	if (line == 1) {
		if (k == 2 && cx_tokeq(w[0], wl[0], "cx-state") &&
		    number(w[1], wl[1], &v) == 0 && (v == 1 || v == 2)) {
			st->version = (int)v;
			return 0;
		}
		return -1;
	}
	if (k == 2 && cx_tokeq(w[0], wl[0], st->version == 1 ? "batch" :
	    "commit") && number(w[1], wl[1], &st->commit) == 0)
		return 0;
	if (st->version == 2 && k == 3 && p == end &&
	    (cx_tokeq(w[0], wl[0], "put") || cx_tokeq(w[0], wl[0], "remove"))) {
		cx_buf_add(wl[0] == 3 ? &st->puts : &st->removes, l, n);
		cx_buf_addc(wl[0] == 3 ? &st->puts : &st->removes, '\n');
		return 0;
	}
	if (st->version == 1 && k == 3 && p == end &&
	    cx_tokeq(w[0], wl[0], "pending")) {
		cx_buf_adds(&st->puts, "put ");
		cx_buf_add(&st->puts, w[1], (size_t)(end - w[1]));
		cx_buf_addc(&st->puts, '\n');
		return 0;
	}
	if (st->version == 1 && (cx_tokeq(w[0], wl[0], "keys") ||
	    cx_tokeq(w[0], wl[0], "seq"))) {
		cx_buf_add(&st->v1reg, l, n);
		cx_buf_addc(&st->v1reg, '\n');
		return 0;
	}
	return -1;
}

static void
state_free(struct state *st)
{
	cx_buf_free(&st->puts);
	cx_buf_free(&st->removes);
	cx_buf_free(&st->v1reg);
}

static int
read_state(struct cx_spool *sp, struct state *st, struct cx_err *err)
{
	struct cx_buf b = { 0 };
	const char *p, *end, *l;
	unsigned long line = 0;
	size_t n;
	int r = 0;

	memset(st, 0, sizeof(*st));
	st->version = STATE_VERSION;
	if (cx_spool_read(sp, ".", "state", &b, err) == -1)
		return errno == ENOENT ? 0 : -1;
	for (p = b.p, end = p + b.len; r == 0 && cx_line(&p, end, &l, &n);) {
		if (++line > 1 && n == 0)
			continue;
		if (state_line(st, l, n, line) == -1) {
			cx_seterr(err, line == 1 ? "%s/state:%lu: \"%.*s\" is "
			    "no state this release reads (cx-state 2); see "
			    "Recovery in cx-spool(5)" : "%s/state:%lu: "
			    "unreadable line \"%.*s\": the state is damaged; "
			    "see Recovery in cx-spool(5)", sp->path, line,
			    (int)(n > 60 ? 60 : n), l);
			r = -1;
		}
	}
	/* Written whole, and renamed into place: never empty but damaged. */
	if (r == 0 && line == 0) {
		cx_seterr(err, "%s/state: empty: the state is damaged; see "
		    "Recovery in cx-spool(5)", sp->path);
		r = -1;
	}
	cx_buf_free(&b);
	return r;
}

/*
 * A spool of version 1 kept the registry (keys' length, ticket counters)
 * in "state"; they move to the registry's own file, "seq", before the
 * state is written again as version 2.  Both are whole-file renames: a
 * crash between them leaves version 1, and the next writer does it again.
 */
static int
upgrade_registry(struct cx_spool *sp, const struct state *st,
    struct cx_err *err)
{
	struct cx_buf b = { 0 };
	int r;

	cx_buf_adds(&b, "cx-seq 1\n");
	cx_buf_add(&b, st->v1reg.p, st->v1reg.len);
	r = put_top(sp, "seq", &b, err);
	cx_buf_free(&b);
	return r;
}

/*
 * Finish the last commit, then empty tmp/: what else is there was being
 * written by a run that died (writers hold the lock, so none is live).
 */
static int
recover(struct cx_spool *sp, struct cx_err *err)
{
	struct state st;
	struct dirent *d;
	DIR *dp;
	int tfd, fd, r = -1, how;

	if (read_state(sp, &st, err) == -1)
		return -1;
	sp->committed = st.commit;
	if ((tfd = cx_spool_dir(sp, "tmp", err)) == -1)
		goto out;
	if ((fd = dup(tfd)) == -1 || (dp = fdopendir(fd)) == NULL) {
		fail(sp, err, "tmp", NULL);
		if (fd != -1)
			close(fd);
		goto out;
	}
	/*
	 * With tmp/ empty, the last commit's files are all in place: only
	 * their directories are synced again (the run that moved them may
	 * have died first), not each file looked for.
	 */
	rewinddir(dp);		/* the offset is shared with tfd */
	errno = 0;
	while ((d = readdir(dp)) != NULL && d->d_name[0] == '.')
		;
	if (d == NULL && errno != 0) {
		fail(sp, err, "tmp", NULL);
		closedir(dp);
		goto out;
	}
	how = d == NULL ? NONE_LEFT : LEFT;
	if ((st.version == 1 && upgrade_registry(sp, &st, err) == -1) ||
	    ((st.puts.len > 0 || st.removes.len > 0 || st.version == 1) &&
	    carry_out_all(sp, &st.puts, &st.removes, st.commit, how,
	    st.version == 1, err) == -1)) {
		closedir(dp);
		goto out;
	}
	/* A directory is none of a writer's, and is left as it is. */
	rewinddir(dp);
	for (errno = 0; (d = readdir(dp)) != NULL; errno = 0)
		if (d->d_name[0] != '.' && unlinkat(tfd, d->d_name, 0) == -1 &&
		    errno != ENOENT && errno != EISDIR && errno != EPERM) {
			fail(sp, err, "tmp", d->d_name);
			closedir(dp);
			goto out;
		}
	if (errno != 0) {
		fail(sp, err, "tmp", NULL);
		closedir(dp);
		goto out;
	}
	closedir(dp);
	r = 0;
out:
	state_free(&st);
	return r;
}

static int
lock(struct cx_spool *sp, struct cx_err *err)
{
	/* A reader (a dry run) shares the lock, and makes no file for it. */
	if (sp->rdonly && (sp->lockfd = openat(sp->dfd, "lock", O_RDONLY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : fail(sp, err, ".", "lock");
	if (!sp->rdonly && (sp->lockfd = cx_spool_openat(sp, "lock", O_RDWR |
	    O_CREAT, err)) == -1)
		return -1;
	while (flock(sp->lockfd, sp->rdonly ? LOCK_SH : LOCK_EX) == -1) {
		if (errno == EINTR)
			continue;
		return fail(sp, err, ".", "lock");
	}
	return 0;
}

/*
 * A reader that finds the last commit unfinished, or a spool of version
 * 1, finishes it first as a writer would: until then the spool's files do
 * not say what was committed.  The shared lock is let go for the
 * exclusive one, and taken again after.
 */
static int
finish_for_reader(struct cx_spool *sp, struct cx_err *err)
{
	struct cx_err why;
	int fd, r;

	if (sp->lockfd != -1)
		close(sp->lockfd);
	sp->lockfd = -1;
	sp->rdonly = 0;
	if ((fd = cx_spool_openat(sp, "lock", O_RDWR | O_CREAT, err)) == -1)
		goto out;
	sp->lockfd = fd;
	while ((r = flock(fd, LOCK_EX)) == -1 && errno == EINTR)
		;
	if (r == -1) {
		fail(sp, err, ".", "lock");
		goto out;
	}
	if (recover(sp, err) == -1)
		goto out;
	while ((r = flock(fd, LOCK_SH)) == -1 && errno == EINTR)
		;
	if (r == -1) {
		fail(sp, err, ".", "lock");
		goto out;
	}
	sp->rdonly = 1;
	return 0;
out:
	sp->rdonly = 1;
	if (err != NULL) {
		memcpy(why.msg, err->msg, sizeof(why.msg));
		cx_seterr(err, "%s; the last commit is unfinished, and a dry "
		    "run cannot read the spool until it is", why.msg);
	}
	return -1;
}

int
cx_spool_begin(struct cx_spool **out, const char *path, int flags,
    struct cx_err *err)
{
	struct cx_spool *sp;
	struct state st;

	*out = NULL;
	if (*path == '\0') {
		cx_seterr(err, "the spool's path is empty");
		return -1;
	}
	sp = cx_alloc(sizeof(*sp));
	sp->dfd = sp->lockfd = -1;
	sp->rdonly = (flags & CX_SPOOL_READ) != 0;
	sp->path = cx_strndup(path, strlen(path));
	if (!sp->rdonly && make_path(path, err) == -1)
		goto fail;
	if ((sp->dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT && (flags & CX_SPOOL_MAYBE)) {
			cx_spool_end(sp);
			return 0;
		}
		cx_seterr(err, "%s: %s", path, errno == ENOENT ?
		    "no such spool" : strerror(errno));
		goto fail;
	}
	if (lock(sp, err) == -1)
		goto fail;
	if (!sp->rdonly && recover(sp, err) == -1)
		goto fail;
	if (sp->rdonly) {
		if (read_state(sp, &st, err) == -1)
			goto fail;
		if (st.puts.len > 0 || st.removes.len > 0 || st.version == 1) {
			state_free(&st);
			if (finish_for_reader(sp, err) == -1 ||
			    read_state(sp, &st, err) == -1)
				goto fail;
		}
		sp->committed = st.commit;
		state_free(&st);
	}
	*out = sp;
	return 0;
fail:
	cx_spool_end(sp);
	return -1;
}

void
cx_spool_end(struct cx_spool *sp)
{
	size_t i;

	if (sp == NULL)
		return;
	if (sp->lockfd != -1) {
		flock(sp->lockfd, LOCK_UN);
		close(sp->lockfd);
	}
	for (i = 0; i < sp->ndirs; i++) {
		close(sp->dirs[i].fd);
		free(sp->dirs[i].name);
	}
	free(sp->dirs);
	if (sp->dfd != -1)
		close(sp->dfd);
	free(sp->path);
	cx_buf_free(&sp->puts);
	cx_buf_free(&sp->removes);
	cx_keyset_free(&sp->ops);
	cx_buf_free(&sp->tmp);
	free(sp);
}

int
cx_spool_read(struct cx_spool *sp, const char *dir, const char *name,
    struct cx_buf *out, struct cx_err *err)
{
	ssize_t r;
	size_t want;
	int dfd, fd;

	if (check_names(sp, dir, name, err) == -1) {
		errno = EINVAL;
		return -1;
	}
	if ((dfd = cx_spool_dir(sp, dir, err)) == -1)
		return -1;
	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return fail(sp, err, dir, name);
	/*
	 * Straight into the buffer: a ticket is read on every sweep.  A read
	 * of a regular file that comes back short has reached its end, so a
	 * ticket costs one read, not two.
	 */
	for (;;) {
		cx_buf_grow(out, 65536);
		want = out->cap - out->len - 1;
		if ((r = read(fd, out->p + out->len, want)) == 0)
			break;
		if (r == -1) {
			if (errno == EINTR)
				continue;
			fail(sp, err, dir, name);
			close(fd);
			return -1;
		}
		out->len += (size_t)r;
		if ((size_t)r < want)
			break;
	}
	close(fd);
	return 0;
}

int
cx_spool_has(struct cx_spool *sp, const char *dir, const char *name,
    struct cx_err *err)
{
	int dfd;

	if (check_names(sp, dir, name, NULL) == -1)
		return 0;		/* no file of the spool has that name */
	/* A question makes no directory: one not there holds nothing. */
	if (dir_open(sp, dir) == -1 && faccessat(sp->dfd, dir, F_OK,
	    AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : fail(sp, err, dir, NULL);
	if ((dfd = cx_spool_dir(sp, dir, err)) == -1)
		return -1;
	if (faccessat(dfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return 1;
	/* Only "not there" is a no: an I/O error is no answer. */
	return errno == ENOENT ? 0 : fail(sp, err, dir, name);
}

/* 1 if a directory of the spool holds no file, or is not there; 0 if it
 * holds one; -1 if it cannot be read.  It is not made. */
int
cx_spool_empty(struct cx_spool *sp, const char *dir, struct cx_err *err)
{
	struct dirent *d;
	DIR *dp;
	int fd, r = 1;

	if ((fd = openat(sp->dfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 1 : fail(sp, err, dir, NULL);
	if ((dp = fdopendir(fd)) == NULL) {
		fail(sp, err, dir, NULL);
		close(fd);
		return -1;
	}
	errno = 0;
	while (r == 1 && (d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			r = 0;
	if (r == 1 && errno != 0)
		r = fail(sp, err, dir, NULL);
	closedir(dp);
	return r;
}

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
cx_spool_list(struct cx_spool *sp, const char *dir, struct cx_err *err)
{
	struct dirent *d;
	char **names;
	size_t n = 0;
	DIR *dp;
	int fd;

	names = cx_alloc(sizeof(*names));
	if ((fd = cx_spool_dir(sp, dir, err)) == -1) {
		if (sp->rdonly && errno == ENOENT)
			return names;	/* a dry run: nothing there yet */
		free(names);
		return NULL;
	}
	if ((fd = dup(fd)) == -1 || (dp = fdopendir(fd)) == NULL) {
		fail(sp, err, dir, NULL);
		if (fd != -1)
			close(fd);
		free(names);
		return NULL;
	}
	rewinddir(dp);		/* the offset is shared with the cached fd */
	for (errno = 0; (d = readdir(dp)) != NULL; errno = 0) {
		if (d->d_name[0] == '.')
			continue;
		names = cx_grow(names, n + 1, sizeof(*names));
		names[n++] = cx_strndup(d->d_name, strlen(d->d_name));
	}
	/* A listing cut short by an error is not the directory's. */
	if (errno != 0) {
		fail(sp, err, dir, NULL);
		closedir(dp);
		names[n] = NULL;
		cx_spool_list_free(names);
		return NULL;
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), cmpname);
	names[n] = NULL;
	return names;
}

void
cx_spool_list_free(char **names)
{
	size_t i;

	for (i = 0; names != NULL && names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

int
cx_spool_readonly(const struct cx_spool *sp)
{
	return sp->rdonly;
}

/*
 * A ticket file: read whole into text and its line parsed into r.  -1 if
 * the file cannot be read, 1 (with why in err) if it is not a ticket.
 */
int
cx_spool_ticket(struct cx_spool *sp, const char *dir, const char *name,
    struct cx_buf *text, struct cx_rec *r, struct cx_err *err)
{
	struct cx_err e;

	text->len = 0;
	if (cx_spool_read(sp, dir, name, text, err) == -1)
		return -1;
	while (text->len > 0 && text->p[text->len - 1] == '\n')
		text->len--;
	if (cx_rec_parse(r, text->p ? text->p : "", text->len, &e, NULL) ==
	    -1) {
		cx_seterr(err, "%s/%s/%s:1: %s", sp->path, dir, name, e.msg);
		return 1;
	}
	return 0;
}
