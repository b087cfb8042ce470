/*
 * lines.c: input from a file, stdin or a gzip stream, as bytes or lines.
 *
 * Gzip is recognised by its magic number rather than the file name, so a
 * compressed export arriving on stdin works too.  Concatenated gzip members
 * (what `cat a.gz b.gz` makes) are read as one stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "priv.h"

#define CHUNK	(256 * 1024)

static long
raw_read(struct cx_in *in, void *dst, size_t n, struct cx_err *err)
{
	ssize_t r;

	do
		r = read(in->fd, dst, n);
	while (r == -1 && errno == EINTR);
	if (r == -1) {
		cx_seterr(err, "%s: %s", in->name, strerror(errno));
		return -1;
	}
	return (long)r;
}

int
cx_in_open(struct cx_in *in, const char *path, struct cx_err *err)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return cx_in_fdopen(in, 0, "(stdin)", err);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cx_seterr(err, "%s: %s", path, strerror(errno));
		memset(in, 0, sizeof(*in));
		in->fd = -1;
		return -1;
	}
	if (cx_in_fdopen(in, fd, path, err) == -1) {
		close(fd);
		return -1;
	}
	return 0;
}

/* The input is a descriptor already open, which cx_in_close closes. */
int
cx_in_fdopen(struct cx_in *in, int fd, const char *name, struct cx_err *err)
{
	z_stream *z;
	long r;

	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->name = cx_strndup(name, strlen(name));
	in->zbuf = cx_alloc(CHUNK);
	/* Read enough to see the magic number, however the bytes trickle. */
	while (in->zlen < 2) {
		if ((r = raw_read(in, in->zbuf + in->zlen, CHUNK - in->zlen,
		    err)) == -1)
			goto fail;
		if (r == 0)
			break;
		in->zlen += (size_t)r;
	}
	if (in->zlen >= 2 && in->zbuf[0] == 0x1f && in->zbuf[1] == 0x8b) {
		z = cx_alloc(sizeof(*z));
		if (inflateInit2(z, 15 + 32) != Z_OK) {
			free(z);
			cx_seterr(err, "%s: cannot start gzip", in->name);
			goto fail;
		}
		z->next_in = in->zbuf;
		z->avail_in = (uInt)in->zlen;
		in->z = z;
		in->gz = 1;
	}
	return 0;
fail:
	in->fd = -1;		/* the caller closes it */
	cx_in_close(in);
	return -1;
}

static long in_fill(struct cx_in *, void *, size_t, struct cx_err *);

static long
gz_read(struct cx_in *in, void *dst, size_t n, struct cx_err *err)
{
	z_stream *z = in->z;
	long r;
	int rc;

	z->next_out = dst;
	z->avail_out = (uInt)(n > CHUNK ? CHUNK : n);
	while (z->avail_out > 0) {
		if (z->avail_in == 0 && !in->zeof) {
			if ((r = raw_read(in, in->zbuf, CHUNK, err)) == -1)
				return -1;
			if (r == 0)
				in->zeof = 1;
			z->next_in = in->zbuf;
			z->avail_in = (uInt)r;
		}
		if (z->avail_in == 0 && in->zeof) {
			if (in->zmid) {
				cx_seterr(err, "%s: truncated gzip stream",
				    in->name);
				return -1;
			}
			break;
		}
		rc = inflate(z, Z_NO_FLUSH);
		in->zmid = 1;
		if (rc == Z_STREAM_END) {
			in->zmid = 0;
			inflateReset(z);
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			cx_seterr(err, "%s: corrupt gzip data", in->name);
			return -1;
		}
		if (z->next_out != (unsigned char *)dst)
			break;
	}
	return (long)((unsigned char *)z->next_out - (unsigned char *)dst);
}

/*
 * The first bytes of the (decompressed) input, without using them up:
 * they are kept in the line buffer, which both readers drain first.
 */
int
cx_in_peek(struct cx_in *in, const char **p, size_t *n, struct cx_err *err)
{
	long r;

	if (in->end == 0 && !in->eof) {
		in->cap = 2 * CHUNK;
		in->buf = cx_realloc(in->buf, in->cap);
		if ((r = in_fill(in, in->buf, in->cap, err)) == -1)
			return -1;
		in->end = (size_t)r;
		in->eof = r == 0;
	}
	*p = in->buf + in->beg;
	*n = in->end - in->beg;
	return 0;
}

long
cx_in_read(struct cx_in *in, void *dst, size_t n, struct cx_err *err)
{
	size_t k;

	if (in->end > in->beg) {
		k = in->end - in->beg < n ? in->end - in->beg : n;
		memcpy(dst, in->buf + in->beg, k);
		in->beg += k;
		return (long)k;
	}
	if (in->eof)
		return 0;
	return in_fill(in, dst, n, err);
}

static long
in_fill(struct cx_in *in, void *dst, size_t n, struct cx_err *err)
{
	size_t k;

	if (in->gz)
		return gz_read(in, dst, n, err);
	if (in->zpos < in->zlen) {
		k = in->zlen - in->zpos;
		if (k > n)
			k = n;
		memcpy(dst, in->zbuf + in->zpos, k);
		in->zpos += k;
		return (long)k;
	}
	return raw_read(in, dst, n, err);
}

/* The longest line or CSV record a tool takes (record_max_mb); 0: any. */
size_t cx_record_max = 8 << 20;

/* Why a line or record was cut. */
void
cx_cut_why(struct cx_err *err, const char *what)
{
	cx_seterr(err, "%s longer than %zu MB (record_max_mb, cx-conf(5))",
	    what, cx_record_max >> 20);
}

/*
 * A line longer than cx_record_max: its first cx_record_max bytes are
 * returned, flagged (in->cut), and the rest is read and thrown away up
 * to the newline, so that memory stays within a few times the limit
 * however long the line, and the lines after it are read as ever.
 */
static int
cut_line(struct cx_in *in, const char **line, size_t *len,
    struct cx_err *err)
{
	size_t keep = in->beg + cx_record_max, rest;
	char *nl;
	long r;

	for (;;) {
		nl = in->end > keep ?
		    memchr(in->buf + keep, '\n', in->end - keep) : NULL;
		if (nl != NULL) {
			rest = in->end - (size_t)(nl + 1 - in->buf);
			memmove(in->buf + keep, nl + 1, rest);
			in->end = keep + rest;
			break;
		}
		in->end = keep;		/* what was scanned goes */
		if (in->cap - in->end < CHUNK) {
			in->cap = in->end + 2 * CHUNK;
			in->buf = cx_realloc(in->buf, in->cap);
		}
		if ((r = in_fill(in, in->buf + in->end, in->cap - in->end,
		    err)) == -1)
			return -1;
		if (r == 0) {
			in->eof = 1;
			break;
		}
		in->end += (size_t)r;
	}
	*line = in->buf + in->beg;
	*len = cx_record_max;
	in->beg = keep;
	in->lineno++;
	in->cut = 1;
	return 1;
}

int
cx_in_line(struct cx_in *in, const char **line, size_t *len,
    struct cx_err *err)
{
	char *nl;
	size_t scan = in->beg;
	long r;

	in->cut = 0;
	for (;;) {
		nl = in->end > scan ?
		    memchr(in->buf + scan, '\n', in->end - scan) : NULL;
		if (nl != NULL || in->eof)
			break;
		if (cx_record_max > 0 && in->end - in->beg > cx_record_max)
			return cut_line(in, line, len, err);
		scan = in->end;
		if (in->beg > 0 && in->end - in->beg < in->cap / 2) {
			memmove(in->buf, in->buf + in->beg, in->end - in->beg);
			scan -= in->beg;
			in->end -= in->beg;
			in->beg = 0;
		}
		if (in->cap - in->end < CHUNK) {
			in->cap = in->cap ? in->cap * 2 : 2 * CHUNK;
			in->buf = cx_realloc(in->buf, in->cap);
		}
		if ((r = in_fill(in, in->buf + in->end, in->cap - in->end,
		    err)) == -1)
			return -1;
		if (r == 0)
			in->eof = 1;
		in->end += (size_t)r;
	}
	if (nl == NULL) {
		if (in->beg == in->end)
			return 0;
		/* A missing final newline is accepted. */
		nl = in->buf + in->end;
	}
	*line = in->buf + in->beg;
	*len = (size_t)(nl - *line);
	in->beg = nl - in->buf + (nl < in->buf + in->end ? 1 : 0);
	if (*len > 0 && (*line)[*len - 1] == '\r')
		(*len)--;
	if (cx_record_max > 0 && *len > cx_record_max) {
		*len = cx_record_max;	/* it came whole in a last read */
		in->cut = 1;
	}
	in->lineno++;
	return 1;
}

void
cx_in_close(struct cx_in *in)
{
	if (in->z != NULL) {
		inflateEnd(in->z);
		free(in->z);
	}
	if (in->fd > 0)
		close(in->fd);
	free(in->zbuf);
	free(in->buf);
	free(in->name);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
}

int
cx_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t r;

	while (n > 0) {
		if ((r = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 * Whether an input is JSON Lines rather than CSV: by its name's ending,
 * else (stdin, a name that says nothing) by whether it starts with '{'.
 */
int
cx_in_is_jsonl(struct cx_in *in, const char *path)
{
	size_t n = strlen(path), i;
	const char *ext, *p;

	if (n > 3 && strcmp(path + n - 3, ".gz") == 0)
		n -= 3;
	for (ext = path + n; ext > path && ext[-1] != '.' && ext[-1] != '/';)
		ext--;
	if (ext > path && ext[-1] == '.') {
		if (strncmp(ext, "jsonl", 5) == 0 || strncmp(ext, "json", 4)
		    == 0 || strncmp(ext, "ndjson", 6) == 0)
			return 1;
		if (strncmp(ext, "csv", 3) == 0)
			return 0;
	}
	if (cx_in_peek(in, &p, &n, NULL) == -1)
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr(" \t\r\n", p[i]))
			return p[i] == '{';
	return 0;
}
