/*
 * index.c: the index of a spool's open tickets (cx-spool(5), "index").
 *
 * A team looks at its open tickets many times a day: an agent's, a
 * department's, those in breach.  Reading a hundred thousand files for
 * that would take seconds; the index is one small file with a line per
 * open ticket, what lists are made from, kept by the writers in the same
 * commit as the tickets they change: cx-route adds what it files,
 * cx-close and cx-classify change what they change, and cx-sla, which
 * reads every open ticket at each sweep, writes it whole.
 *
 * A line is tab-separated: id, status, priority, category (the
 * subcategory where there is one), department, assignee, owner, received
 * at, the earliest due time of the clocks still running ("-" if none),
 * the clocks in breach and not met (comma-separated, "-" if none), and the
 * subject or the start of the text.  Tabs and newlines of values are
 * blanks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

#define SUBJECT_MAX	60		/* bytes of the subject kept */

struct cx_index {
	char			**line;		/* NULL: dropped */
	char			 *seen;		/* by this sweep */
	size_t			 n, cap;
	struct cx_keyset	 ids;		/* id to its line */
	int			 dirty;
};

static void
field(struct cx_buf *b, const char *s, size_t n)
{
	size_t i;

	cx_buf_addc(b, '\t');
	if (s == NULL || n == 0) {
		cx_buf_addc(b, '-');
		return;
	}
	for (i = 0; i < n; i++)
		cx_buf_addc(b, s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ?
		    ' ' : s[i]);
}

static void
str_field(struct cx_buf *b, const struct cx_rec *r, const char *path,
    struct cx_buf *tmp)
{
	tmp->len = 0;
	if (cx_rec_getstr(r, path, tmp) == 0)
		field(b, tmp->p, tmp->len);
	else
		field(b, NULL, 0);
}

struct clocks {
	struct cx_buf	 due, breached, tmp;
};

static void
clock_of(void *arg, const char *k, size_t kn, const char *v, size_t vn)
{
	static const char *const keys[] = { "due", "met_at", "breached" };
	struct clocks *c = arg;
	const char *m[3];
	size_t mn[3];

	if (cx_json_fields(v, vn, keys, 3, m, mn) == -1 || m[1] != NULL)
		return;			/* met: no longer running */
	c->tmp.len = 0;
	if (m[0] != NULL && cx_json_str(m[0], mn[0], &c->tmp) == 0 &&
	    (c->due.len == 0 || strcmp(cx_buf_str(&c->tmp),
	    cx_buf_str(&c->due)) < 0)) {
		c->due.len = 0;
		cx_buf_add(&c->due, c->tmp.p, c->tmp.len);
	}
	if (m[2] != NULL && cx_tokeq(m[2], mn[2], "true")) {
		if (c->breached.len > 0)
			cx_buf_addc(&c->breached, ',');
		cx_buf_add(&c->breached, k, kn);
	}
}

/* The index line of a ticket, without its newline. */
void
cx_index_line(const struct cx_rec *r, struct cx_buf *b)
{
	struct cx_buf tmp = { 0 };
	struct clocks c = { { 0 }, { 0 }, { 0 } };
	const struct cx_field *sla;
	size_t n;

	b->len = 0;
	if (cx_rec_getstr(r, "id", &tmp) == 0)
		cx_buf_add(b, tmp.p, tmp.len);
	str_field(b, r, "status", &tmp);
	str_field(b, r, "priority", &tmp);
	tmp.len = 0;
	if (cx_rec_getstr(r, "subcategory", &tmp) == 0 ||
	    cx_rec_getstr(r, "category", &tmp) == 0)
		field(b, tmp.p, tmp.len);
	else
		field(b, NULL, 0);
	str_field(b, r, "department", &tmp);
	str_field(b, r, "assignee", &tmp);
	str_field(b, r, "owner", &tmp);
	str_field(b, r, "received_at", &tmp);
	if ((sla = cx_rec_get(r, "sla")) != NULL)
		(void)cx_json_each_member(sla->v, sla->vlen, clock_of, &c);
	field(b, c.due.p, c.due.len);
	field(b, c.breached.p, c.breached.len);
	tmp.len = 0;
	if (cx_rec_getstr(r, "subject", &tmp) == 0 ||
	    cx_rec_getstr(r, "text", &tmp) == 0) {
		n = cx_utf8_prefix(tmp.p, tmp.len < SUBJECT_MAX ? tmp.len :
		    SUBJECT_MAX);
		field(b, tmp.p, n);
	} else
		field(b, NULL, 0);
	(void)cx_buf_str(b);
	cx_buf_free(&tmp);
	cx_buf_free(&c.due);
	cx_buf_free(&c.breached);
	cx_buf_free(&c.tmp);
}

static size_t
id_len(const char *line)
{
	return strcspn(line, "\t");
}

/* A line set (n 0: dropped); 1 if that changed the index. */
static int
put(struct cx_index *x, const char *line, size_t n)
{
	struct cx_key k = cx_key_of(line, id_len(line));
	uint32_t i;

	if (cx_keyset_get(&x->ids, k, &i)) {
		x->seen[i] = 1;
		if (x->line[i] != NULL && n > 0 && strlen(x->line[i]) == n &&
		    memcmp(x->line[i], line, n) == 0)
			return 0;
		if (x->line[i] == NULL && n == 0)
			return 0;
		free(x->line[i]);
		x->line[i] = n > 0 ? cx_strndup(line, n) : NULL;
		return 1;
	}
	if (n == 0)
		return 0;
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 64;
		x->line = cx_realloc(x->line, x->cap * sizeof(*x->line));
		x->seen = cx_realloc(x->seen, x->cap);
	}
	x->line[x->n] = cx_strndup(line, n);
	x->seen[x->n] = 1;
	cx_keyset_put_replace(&x->ids, k, (uint32_t)x->n);
	x->n++;
	return 1;
}

/*
 * The index of the spool, or an empty one where there is none (exists
 * says which).
 */
struct cx_index *
cx_index_load(struct cx_spool *sp, int *exists, struct cx_err *err)
{
	struct cx_index *x = cx_alloc(sizeof(*x));
	struct cx_buf b = { 0 };
	const char *p, *end, *l;
	size_t n;

	*exists = 0;
	if (cx_spool_read(sp, ".", "index", &b, err) == -1) {
		if (errno != ENOENT) {
			cx_index_free(x);
			return NULL;
		}
		return x;
	}
	*exists = 1;
	for (p = b.p, end = p + b.len; cx_line(&p, end, &l, &n);)
		if (n > 0 && l[0] != '#')
			put(x, l, n);
	cx_buf_free(&b);
	x->dirty = 0;
	return x;
}

/* A ticket a sweep left unchanged: its line kept as it is, unless it
 * has none (0: then it must be set). */
int
cx_index_touch(struct cx_index *x, const char *id)
{
	uint32_t i;

	if (!cx_keyset_get(&x->ids, cx_key_of(id, strlen(id)), &i) ||
	    x->line[i] == NULL)
		return 0;
	x->seen[i] = 1;
	return 1;
}

/* A ticket now in open/, or (r NULL) the ticket id gone from it. */
void
cx_index_set(struct cx_index *x, const char *id, const struct cx_rec *r)
{
	struct cx_buf b = { 0 };

	if (r != NULL) {
		cx_index_line(r, &b);
		x->dirty |= put(x, b.p, b.len);
	} else {
		cx_buf_adds(&b, id);
		cx_buf_addc(&b, '\t');
		x->dirty |= put(x, b.p, 0);
	}
	cx_buf_free(&b);
}

static int
by_id(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return strcmp(x, y);
}

/* The index's lines, in the order of the ids: a NULL-ended array the
 * index owns. */
const char **
cx_index_lines(struct cx_index *x, size_t *n)
{
	const char **v = cx_alloc((x->n + 1) * sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < x->n; i++)
		if (x->line[i] != NULL)
			v[k++] = x->line[i];
	qsort(v, k, sizeof(*v), by_id);
	*n = k;
	return v;
}

/* Staged in the spool's transaction if anything changed. */
int
cx_index_stage(struct cx_index *x, struct cx_spool *sp, struct cx_err *err)
{
	struct cx_buf b = { 0 };
	const char **v;
	size_t i, n;
	int r;

	if (!x->dirty)
		return 0;
	v = cx_index_lines(x, &n);
	cx_buf_adds(&b, "# cx-index 1: id status priority category "
	    "department assignee owner received due breached subject\n");
	for (i = 0; i < n; i++) {
		cx_buf_adds(&b, v[i]);
		cx_buf_addc(&b, '\n');
	}
	free(v);
	r = cx_spool_stage(sp, ".", "index", b.p, b.len, err);
	cx_buf_free(&b);
	return r;
}

/*
 * The index of the spool, built from open/ where there is none yet (a
 * spool of an earlier release): a writer then keeps it whole.
 */
struct cx_index *
cx_index_open(struct cx_spool *sp, struct cx_err *err)
{
	struct cx_buf text = { 0 };
	struct cx_rec r = { 0 };
	struct cx_index *x;
	char **names;
	size_t i;
	int exists;

	if ((x = cx_index_load(sp, &exists, err)) == NULL || exists)
		return x;
	if ((names = cx_spool_list(sp, "open", err)) == NULL) {
		cx_index_free(x);
		return NULL;
	}
	/* A ticket that cannot be read is an error: an index without it
	 * would hide it.  One that is no record is left out, as a sweep
	 * leaves it. */
	for (i = 0; names[i] != NULL; i++)
		switch (cx_spool_ticket(sp, "open", names[i], &text, &r, err)) {
		case -1:
			cx_spool_list_free(names);
			cx_rec_free(&r);
			cx_buf_free(&text);
			cx_index_free(x);
			return NULL;
		case 0:
			cx_index_set(x, names[i], &r);
		}
	cx_spool_list_free(names);
	cx_rec_free(&r);
	cx_buf_free(&text);
	x->dirty = 1;
	return x;
}

/*
 * A sweep of every open ticket (cx-route, cx-sla) sets each line again:
 * those it did not set are of tickets no longer open, and go.
 */
void
cx_index_sweep_begin(struct cx_index *x)
{
	if (x->n > 0)
		memset(x->seen, 0, x->n);
}

void
cx_index_sweep_end(struct cx_index *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (!x->seen[i] && x->line[i] != NULL) {
			free(x->line[i]);
			x->line[i] = NULL;
			x->dirty = 1;
		}
}

void
cx_index_free(struct cx_index *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n; i++)
		free(x->line[i]);
	free(x->line);
	free(x->seen);
	cx_keyset_free(&x->ids);
	free(x);
}
