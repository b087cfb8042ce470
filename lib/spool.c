/*
 * spool.c: the spool directory (see cx-spool(5)).
 *
 * A file's state is the directory it lives in, and every change is a new
 * file written in tmp/, flushed, and renamed into place, so that a crash at
 * any instant leaves either the old file or the new one.  Writers hold an
 * flock(2) on the file "lock" while they change what is in the spool; the
 * kernel drops it when a process dies, so a killed run never wedges the
 * next one.  Everything is created readable by owner and group only.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"

/* The spool $CX_SPOOL names, or NULL if it is unset or empty. */
const char *
cx_spool_env(void)
{
	const char *s = getenv("CX_SPOOL");

	return s != NULL && *s != '\0' ? s : NULL;
}

#define DIRMODE		0750
#define FILEMODE	0640

/* A new directory's entry is durable once its parent is synced. */
static void
sync_parent(const char *path)
{
	char *parent, *slash;
	int fd;

	parent = cx_strndup(path, strlen(path));
	if ((slash = strrchr(parent, '/')) == NULL)
		strcpy(parent, ".");
	else if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(parent);
}

int
cx_spool_open(struct cx_spool *sp, const char *path, int create,
    struct cx_err *err)
{
	memset(sp, 0, sizeof(*sp));
	sp->dfd = sp->lockfd = -1;
	if (create && mkdir(path, DIRMODE) == 0)
		sync_parent(path);
	else if (create && errno != EEXIST) {
		cx_seterr(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((sp->dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		cx_seterr(err, "%s: %s", path, errno == ENOENT ?
		    "no such spool" : strerror(errno));
		return -1;
	}
	sp->path = cx_strndup(path, strlen(path));
	sp->rdonly = !create;
	return 0;
}

void
cx_spool_close(struct cx_spool *sp)
{
	size_t i;

	cx_spool_unlock(sp);
	for (i = 0; i < sp->ndirs; i++) {
		close(sp->dirs[i].fd);
		free(sp->dirs[i].name);
	}
	free(sp->dirs);
	if (sp->dfd != -1)
		close(sp->dfd);
	free(sp->path);
	memset(sp, 0, sizeof(*sp));
	sp->dfd = sp->lockfd = -1;
}

int
cx_spool_lock(struct cx_spool *sp, struct cx_err *err)
{
	if (sp->lockfd != -1)
		return 0;
	/* A reader (a dry run) shares the lock, and makes no file for it. */
	if (sp->rdonly && (sp->lockfd = openat(sp->dfd, "lock",
	    O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (!sp->rdonly && (sp->lockfd = openat(sp->dfd, "lock",
	    O_RDWR | O_CREAT | O_CLOEXEC, FILEMODE)) == -1) {
		cx_seterr(err, "%s/lock: %s", sp->path, strerror(errno));
		return -1;
	}
	while (flock(sp->lockfd, sp->rdonly ? LOCK_SH : LOCK_EX) == -1) {
		if (errno == EINTR)
			continue;
		cx_seterr(err, "%s/lock: %s", sp->path, strerror(errno));
		close(sp->lockfd);
		sp->lockfd = -1;
		return -1;
	}
	return 0;
}

void
cx_spool_unlock(struct cx_spool *sp)
{
	if (sp->lockfd == -1)
		return;
	flock(sp->lockfd, LOCK_UN);
	close(sp->lockfd);
	sp->lockfd = -1;
}

int
cx_spool_dir(struct cx_spool *sp, const char *name, struct cx_err *err)
{
	size_t i;
	int fd;

	for (i = 0; i < sp->ndirs; i++)
		if (strcmp(sp->dirs[i].name, name) == 0)
			return sp->dirs[i].fd;
	if (!sp->rdonly && mkdirat(sp->dfd, name, DIRMODE) == 0)
		(void)fsync(sp->dfd);	/* the new entry survives a crash */
	else if (!sp->rdonly && errno != EEXIST) {
		cx_seterr(err, "%s/%s: %s", sp->path, name, strerror(errno));
		return -1;
	}
	if ((fd = openat(sp->dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC))
	    == -1) {
		cx_seterr(err, "%s/%s: %s", sp->path, name, strerror(errno));
		return -1;
	}
	sp->dirs = cx_grow(sp->dirs, sp->ndirs, sizeof(*sp->dirs));
	sp->dirs[sp->ndirs].name = cx_strndup(name, strlen(name));
	sp->dirs[sp->ndirs].fd = fd;
	sp->ndirs++;
	return fd;
}

static int
write_file(int dfd, const char *name, const void *data, size_t n,
    const struct cx_spool *sp, int sync, struct cx_err *err)
{
	int fd;

	if ((fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    FILEMODE)) == -1) {
		cx_seterr(err, "%s/tmp/%s: %s", sp->path, name, strerror(errno));
		return -1;
	}
	if (cx_write_all(fd, data, n) == -1 || (sync && fsync(fd) == -1)) {
		cx_seterr(err, "%s/tmp/%s: %s", sp->path, name, strerror(errno));
		close(fd);
		unlinkat(dfd, name, 0);
		return -1;
	}
	if (close(fd) == -1) {
		cx_seterr(err, "%s/tmp/%s: %s", sp->path, name, strerror(errno));
		unlinkat(dfd, name, 0);
		return -1;
	}
	return 0;
}

int
cx_spool_stage(struct cx_spool *sp, const char *name, const void *data,
    size_t n, struct cx_err *err)
{
	int tfd;

	if ((tfd = cx_spool_dir(sp, "tmp", err)) == -1)
		return -1;
	return write_file(tfd, name, data, n, sp, 0, err);
}

/*
 * Staged files are not synced one by one: a commit of a hundred thousand
 * tickets would spend minutes in fsync.  One syncfs of the spool's file
 * system before the commit point makes them all durable at once.
 */
int
cx_spool_sync(struct cx_spool *sp, struct cx_err *err)
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

int
cx_spool_publish(struct cx_spool *sp, const char *tmpname, const char *dir,
    const char *name, struct cx_err *err)
{
	int tfd, dfd;

	if ((tfd = cx_spool_dir(sp, "tmp", err)) == -1 ||
	    (dfd = cx_spool_dir(sp, dir, err)) == -1)
		return -1;
	if (renameat(tfd, tmpname, dfd, name) == -1) {
		cx_seterr(err, "%s/%s/%s: %s", sp->path, dir, name,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
cx_spool_syncdir(struct cx_spool *sp, const char *dir, struct cx_err *err)
{
	int dfd;

	if ((dfd = cx_spool_dir(sp, dir, err)) == -1)
		return -1;
	if (fsync(dfd) == -1) {
		cx_seterr(err, "%s/%s: %s", sp->path, dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
cx_spool_put(struct cx_spool *sp, const char *dir, const char *name,
    const void *data, size_t n, struct cx_err *err)
{
	struct cx_buf t = { 0 };
	int tfd, dfd, r = -1;

	if ((tfd = cx_spool_dir(sp, "tmp", err)) == -1 ||
	    (dfd = cx_spool_dir(sp, dir, err)) == -1)
		return -1;
	/* A name of our own in tmp/, so two writers never share one. */
	cx_buf_printf(&t, "%s.%ld", name, (long)getpid());
	if (write_file(tfd, cx_buf_str(&t), data, n, sp, 1, err) == -1)
		goto out;
	if (renameat(tfd, t.p, dfd, name) == -1) {
		cx_seterr(err, "%s/%s/%s: %s", sp->path, dir, name,
		    strerror(errno));
		unlinkat(tfd, t.p, 0);
		goto out;
	}
	if (fsync(dfd) == -1) {
		cx_seterr(err, "%s/%s: %s", sp->path, dir, strerror(errno));
		goto out;
	}
	r = 0;
out:
	cx_buf_free(&t);
	return r;
}

int
cx_spool_read(struct cx_spool *sp, const char *dir, const char *name,
    struct cx_buf *out, struct cx_err *err)
{
	ssize_t r;
	size_t want;
	int dfd, fd;

	if ((dfd = cx_spool_dir(sp, dir, err)) == -1)
		return -1;
	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC)) == -1) {
		cx_seterr(err, "%s/%s/%s: %s", sp->path, dir, name,
		    strerror(errno));
		return -1;
	}
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
			cx_seterr(err, "%s/%s/%s: %s", sp->path, dir, name,
			    strerror(errno));
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

	if ((fd = cx_spool_dir(sp, dir, err)) == -1)
		return NULL;
	if ((fd = dup(fd)) == -1 || (dp = fdopendir(fd)) == NULL) {
		cx_seterr(err, "%s/%s: %s", sp->path, dir, strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	rewinddir(dp);		/* the offset is shared with the cached fd */
	names = cx_alloc(sizeof(*names));
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		names = cx_realloc(names, (n + 2) * sizeof(*names));
		names[n++] = cx_strndup(d->d_name, strlen(d->d_name));
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
