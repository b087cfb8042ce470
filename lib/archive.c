/*
 * archive.c: closed tickets kept by month (R5.8, cx-spool(5) "archive/").
 *
 * closed/ holds a file per ticket closed, until it is old enough to be
 * archived: then it goes, with the others closed the same month, into
 * archive/YYYY-MM.jsonl.gz, one line per ticket.  A run's tickets for a
 * month are one more gzip member after those of the month's file (gzip
 * readers, ours and zcat, read members as one stream), so archiving
 * never recompresses what is archived, and the file and the removals
 * from closed/ are one commit.  (The file is staged whole, as every file of a
 * commit is: its old members copied as they are, never decompressed.)  Lookups find a ticket in open/, closed/ and
 * then the archive.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

/* When a ticket closed: its last "closed" or "merged" entry, else the
 * closed_at of history imported with its outcome; 0 if neither. */
struct closed_at {
	time_t		 t;
	struct cx_buf	 tmp;
};

static void
closing(void *arg, const char *v, size_t n)
{
	static const char *const keys[] = { "at", "action" };
	struct closed_at *c = arg;
	const char *m[2];
	size_t mn[2];
	time_t t;

	if (cx_json_fields(v, n, keys, 2, m, mn) == -1 || m[0] == NULL ||
	    m[1] == NULL || (!cx_tokeq(m[1], mn[1], "\"closed\"") &&
	    !cx_tokeq(m[1], mn[1], "\"merged\"")))
		return;
	c->tmp.len = 0;
	if (cx_json_str(m[0], mn[0], &c->tmp) == 0 && cx_time_parse(c->tmp.p,
	    c->tmp.len, &t, NULL) == 0 && t > c->t)
		c->t = t;
}

time_t
cx_closed_at(const struct cx_rec *r)
{
	const struct cx_field *h = cx_rec_get(r, "history");
	struct closed_at c = { 0, { 0 } };

	if (h != NULL)
		(void)cx_json_each(h->v, h->vlen, closing, &c);
	if (c.t == 0 && cx_rec_getstr(r, "closed_at", &c.tmp) == 0)
		(void)cx_time_parse(c.tmp.p, c.tmp.len, &c.t, NULL);
	cx_buf_free(&c.tmp);
	return c.t;
}

struct month {
	char		 name[8];	/* "2026-11" */
	struct cx_buf	 lines;
};

int
cx_archive_closed(struct cx_spool *sp, time_t before, unsigned long *moved,
    unsigned long *kept, struct cx_err *err)
{
	struct cx_buf text = { 0 }, t = { 0 }, raw = { 0 }, z = { 0 };
	struct cx_rec r = { 0 };
	struct month *mo = NULL;
	size_t nmo = 0, i, k;
	char **names;
	time_t at;
	int rc = -1;

	*moved = *kept = 0;
	if ((names = cx_spool_list(sp, "closed", err)) == NULL)
		return -1;
	for (i = 0; names[i] != NULL; i++) {
		switch (cx_spool_ticket(sp, "closed", names[i], &text, &r,
		    err)) {
		case -1:
			goto out;
		case 1:			/* no record: left for a person */
			(*kept)++;
			continue;
		}
		if ((at = cx_closed_at(&r)) == 0 || at >= before) {
			(*kept)++;
			continue;
		}
		t.len = 0;
		cx_time_fmt(at, &t);	/* the month in the team's zone */
		for (k = 0; k < nmo; k++)
			if (memcmp(mo[k].name, t.p, 7) == 0)
				break;
		if (k == nmo) {
			mo = cx_grow(mo, nmo, sizeof(*mo));
			memset(&mo[nmo], 0, sizeof(*mo));
			memcpy(mo[nmo].name, t.p, 7);
			nmo++;
		}
		cx_buf_add(&mo[k].lines, text.p, text.len);
		if (text.len > 0 && text.p[text.len - 1] != '\n')
			cx_buf_addc(&mo[k].lines, '\n');
		if (cx_spool_remove(sp, "closed", names[i], err) == -1)
			goto out;
		(*moved)++;
	}
	for (k = 0; k < nmo; k++) {
		t.len = 0;
		cx_buf_printf(&t, "%s.jsonl.gz", mo[k].name);
		raw.len = 0;
		if (cx_spool_read(sp, "archive", cx_buf_str(&t), &raw, err) ==
		    -1 && errno != ENOENT)
			goto out;
		z.len = 0;
		if (cx_gz_compress(mo[k].lines.p, mo[k].lines.len, &z, err) ==
		    -1)
			goto out;
		cx_buf_add(&raw, z.p, z.len);
		if (cx_spool_stage(sp, "archive", cx_buf_str(&t), raw.p,
		    raw.len, err) == -1)
			goto out;
	}
	rc = 0;
out:
	for (k = 0; k < nmo; k++)
		cx_buf_free(&mo[k].lines);
	free(mo);
	cx_spool_list_free(names);
	cx_rec_free(&r);
	cx_buf_free(&text);
	cx_buf_free(&t);
	cx_buf_free(&raw);
	cx_buf_free(&z);
	return rc;
}

/* The ticket's line in the archive, newest month first: 0, 1 if it is
 * not there, -1 if the archive cannot be read. */
static int
archived(struct cx_spool *sp, const char *id, struct cx_buf *text,
    struct cx_err *err)
{
	struct cx_buf path = { 0 }, got = { 0 };
	struct cx_rec r = { 0 };
	struct cx_in in;
	const char *l;
	char **names;
	size_t i, n, idn = strlen(id);
	int fd, rc = 1, lr;

	errno = 0;
	if ((names = cx_spool_list(sp, "archive", err)) == NULL)
		return errno == ENOENT ? 1 : -1;
	for (i = 0; names[i] != NULL; i++)
		;
	while (rc == 1 && i-- > 0) {
		path.len = 0;
		cx_buf_printf(&path, "archive/%s", names[i]);
		if ((fd = cx_spool_openat(sp, cx_buf_str(&path), O_RDONLY,
		    err)) == -1) {
			rc = -1;
			break;
		}
		/* Messages name the file as the user knows it. */
		path.len = 0;
		cx_buf_printf(&path, "%s/archive/%s", cx_spool_path(sp),
		    names[i]);
		if (cx_in_fdopen(&in, fd, cx_buf_str(&path), err) == -1) {
			close(fd);
			rc = -1;
			break;
		}
		/* The whole month: were a ticket there twice, the last. */
		while ((lr = cx_in_line(&in, &l, &n, err)) == 1) {
			if (n < idn || memmem(l, n, id, idn) == NULL ||
			    cx_rec_parse(&r, l, n, NULL, NULL) == -1 ||
			    cx_rec_getstr(&r, "id", &got) == -1 ||
			    strcmp(cx_buf_str(&got), id) != 0)
				continue;
			text->len = 0;
			cx_buf_add(text, l, n);
			rc = 0;
		}
		if (lr == -1)
			rc = -1;	/* a damaged month: said, not passed over */
		cx_in_close(&in);
	}
	cx_spool_list_free(names);
	cx_rec_free(&r);
	cx_buf_free(&path);
	cx_buf_free(&got);
	return rc;
}

int
cx_spool_find(struct cx_spool *sp, const char *id, struct cx_buf *text,
    struct cx_rec *r, const char **where, struct cx_err *err)
{
	static const char *const dirs[] = { "open", "closed" };
	size_t i;
	int rc;

	if (!cx_spool_name_ok(id))
		return 1;
	for (i = 0; i < 2; i++) {
		if ((rc = cx_spool_ticket(sp, dirs[i], id, text, r, err)) !=
		    -1 || errno != ENOENT) {
			*where = dirs[i];
			return rc == 1 ? 2 : rc;
		}
	}
	if ((rc = archived(sp, id, text, err)) != 0)
		return rc;
	*where = "archive";
	if (cx_rec_parse(r, text->p, text->len, err, NULL) == -1)
		return 2;
	return 0;
}
