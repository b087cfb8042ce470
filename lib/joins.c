/*
 * joins.c: follow-ups waiting beside the batch of their ticket.
 *
 * A follow-up, or a message of a conversation, that joins a ticket still
 * in its batch (in new/ or classified/) is not written into the batch:
 * that would rewrite the whole batch for each commit that adds one, work
 * that grows with the spool, not with the follow-ups.  cx-ingest writes
 * it as a line of a journal beside the batch, F<commit>-<batch>, staged
 * in its commit as a batch of new tickets is (batch.c).  Every reader of
 * a batch joins the lines of its journals to its tickets, in the order
 * they were committed, as cx-ingest would have; a writer that moves or
 * rewrites the batch writes it joined and removes its journals in the
 * same commit (cx-spool(5)).
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

#define NONE	UINT32_MAX

struct cx_joins {
	char		*dir;
	char		**files;	/* the journals, in commit order */
	size_t		 nfiles;
	struct jline {
		char		*id;
		struct cx_join	 j;		/* its strings owned */
		uint32_t	 file;
		unsigned long	 line;
		uint32_t	 next;		/* the ticket's next line */
		uint32_t	 last;		/* of the ticket's first: its last */
		int		 done;
	}		*v;
	size_t		 n;
	struct cx_keyset ids;			/* ticket to its first line */
	struct cx_buf	 why;			/* the first line unread */
	struct cx_buf	 tmp;
};

/* A follow-up as a line of a journal: what cx_ticket_join adds. */
void
cx_joins_line(struct cx_buf *b, const char *id, const struct cx_join *j)
{
	cx_buf_adds(b, "{\"followup_of\":");
	cx_json_addstr(b, id, strlen(id));
	cx_buf_adds(b, ",\"into\":");
	cx_json_addstr(b, j->into, strlen(j->into));
	if (j->at != 0) {
		cx_buf_adds(b, ",\"at\":\"");
		cx_time_fmt(j->at, b);
		cx_buf_addc(b, '"');
	}
	cx_buf_adds(b, ",\"entry\":");
	cx_buf_adds(b, j->elem);
	cx_buf_adds(b, ",\"history\":");
	cx_buf_adds(b, j->hist);
	cx_buf_adds(b, "}\n");
}

int
cx_joins_file(const char *name, const char **batch)
{
	size_t i;

	if (name[0] != 'F')
		return 0;
	for (i = 1; i <= 10; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	if (name[11] != '-' || name[12] == '\0')
		return 0;
	if (batch != NULL)
		*batch = name + 12;
	return 1;
}

/* A line of a journal taken in; -1 if it is none. */
static int
add_line(struct cx_joins *js, const char *l, size_t n, uint32_t file,
    unsigned long line)
{
	static const char *const keys[] = { "followup_of", "into", "at",
	    "entry", "history" };
	const char *v[5];
	size_t vn[5];
	struct jline *x;
	time_t at = 0;
	uint32_t first;

	js->tmp.len = 0;
	if (cx_json_check(l, n, NULL) != n ||
	    cx_json_fields(l, n, keys, 5, v, vn) == -1 || v[0] == NULL ||
	    v[1] == NULL || v[3] == NULL || v[4] == NULL ||
	    cx_json_type(v[3], vn[3]) != CX_J_OBJ ||
	    cx_json_type(v[4], vn[4]) != CX_J_OBJ ||
	    cx_json_str(v[1], vn[1], &js->tmp) == -1 ||
	    (strcmp(cx_buf_str(&js->tmp), "followups") != 0 &&
	    strcmp(js->tmp.p, "conversation") != 0))
		return -1;
	if (v[2] != NULL) {
		js->tmp.len = 0;
		if (cx_json_str(v[2], vn[2], &js->tmp) == -1 ||
		    cx_time_parse(js->tmp.p, js->tmp.len, &at, NULL) == -1 ||
		    at == 0)
			return -1;
	}
	js->tmp.len = 0;
	if (cx_json_str(v[0], vn[0], &js->tmp) == -1 || js->tmp.len == 0)
		return -1;
	js->v = cx_grow(js->v, js->n, sizeof(*js->v));
	x = &js->v[js->n];
	memset(x, 0, sizeof(*x));
	x->id = cx_strndup(js->tmp.p, js->tmp.len);
	js->tmp.len = 0;
	(void)cx_json_str(v[1], vn[1], &js->tmp);
	x->j.into = cx_strndup(js->tmp.p, js->tmp.len);
	x->j.elem = cx_strndup(v[3], vn[3]);
	x->j.hist = cx_strndup(v[4], vn[4]);
	x->j.at = at;
	x->file = file;
	x->line = line;
	x->next = NONE;
	x->last = (uint32_t)js->n;
	if (cx_keyset_put(&js->ids, cx_key_of(x->id, strlen(x->id)),
	    (uint32_t)js->n, &first)) {
		js->v[js->v[first].last].next = (uint32_t)js->n;
		js->v[first].last = (uint32_t)js->n;
	}
	js->n++;
	return 0;
}

static void
say_where(struct cx_joins *js, struct cx_spool *sp, uint32_t file,
    unsigned long line, const char *what)
{
	if (js->why.len > 0)
		return;
	cx_buf_printf(&js->why, "%s/%s/%s:%lu: %s", cx_spool_path(sp),
	    js->dir, js->files[file], line, what);
}

struct cx_joins *
cx_joins_load(struct cx_spool *sp, const char *dir, const char *batch,
    char *const *names, struct cx_err *err)
{
	struct cx_joins *js = cx_alloc(sizeof(*js));
	struct cx_buf text = { 0 };
	const char *b, *p, *end, *l;
	unsigned long line;
	size_t i, n;

	js->dir = cx_strndup(dir, strlen(dir));
	for (i = 0; names[i] != NULL; i++) {
		if (!cx_joins_file(names[i], &b) || strcmp(b, batch) != 0)
			continue;
		text.len = 0;
		if (cx_spool_read(sp, dir, names[i], &text, err) == -1) {
			cx_buf_free(&text);
			cx_joins_free(js);
			return NULL;
		}
		js->files = cx_grow(js->files, js->nfiles, sizeof(*js->files));
		js->files[js->nfiles++] = cx_strndup(names[i],
		    strlen(names[i]));
		line = 0;
		for (p = text.p, end = p + text.len; cx_line(&p, end, &l, &n);)
			if (++line, n > 0 && add_line(js, l, n,
			    (uint32_t)(js->nfiles - 1), line) == -1)
				say_where(js, sp, (uint32_t)(js->nfiles - 1),
				    line, "unreadable follow-up");
	}
	cx_buf_free(&text);
	return js;
}

int
cx_joins_apply(struct cx_joins *js, const char *line, size_t len,
    struct cx_buf *out)
{
	static const char *const keys[] = { "id" };
	const char *m[1];
	size_t mn[1], n = len;
	char *t = NULL, *u;
	uint32_t k;

	if (js == NULL || js->n == 0)
		return 0;
	js->tmp.len = 0;
	if (cx_json_fields(line, len, keys, 1, m, mn) == -1 || m[0] == NULL ||
	    cx_json_str(m[0], mn[0], &js->tmp) == -1 || js->tmp.len == 0 ||
	    !cx_keyset_get(&js->ids, cx_key_of(js->tmp.p, js->tmp.len), &k))
		return 0;
	for (; k != NONE; k = js->v[k].next) {
		if (js->v[k].done)
			continue;	/* a ticket twice in its batch */
		if ((u = cx_ticket_join(t ? t : line, t ? n - 1 : len,
		    &js->v[k].j, &n)) == NULL)
			break;		/* no record: left, and said */
		free(t);
		t = u;
		js->v[k].done = 1;
	}
	if (t == NULL)
		return 0;
	cx_buf_add(out, t, n);
	free(t);
	return 1;
}

int
cx_joins_read(struct cx_spool *sp, const char *dir, const char *name,
    struct cx_joins *js, struct cx_buf *out, struct cx_err *err)
{
	struct cx_buf in = { 0 };
	const char *p, *end, *l;
	size_t n;

	if (js == NULL || js->n == 0)
		return cx_spool_read(sp, dir, name, out, err);
	if (cx_spool_read(sp, dir, name, &in, err) == -1) {
		cx_buf_free(&in);
		return -1;
	}
	for (p = in.p, end = p + in.len; cx_line(&p, end, &l, &n);)
		if (!cx_joins_apply(js, l, n, out)) {
			cx_buf_add(out, l, n);
			cx_buf_addc(out, '\n');
		}
	cx_buf_free(&in);
	return 0;
}

int
cx_joins_check(struct cx_joins *js, struct cx_spool *sp, const char *batch,
    struct cx_err *err)
{
	size_t i;

	if (js == NULL)
		return 0;
	for (i = 0; i < js->n && js->why.len == 0; i++)
		if (!js->v[i].done) {
			js->tmp.len = 0;
			cx_buf_printf(&js->tmp, "a follow-up of %s, which is "
			    "no ticket of %s/%s", js->v[i].id, js->dir, batch);
			say_where(js, sp, js->v[i].file, js->v[i].line,
			    cx_buf_str(&js->tmp));
		}
	if (js->why.len == 0)
		return 0;
	cx_seterr(err, "%s", cx_buf_str(&js->why));
	return -1;
}

int
cx_joins_remove(const struct cx_joins *js, struct cx_spool *sp,
    struct cx_err *err)
{
	size_t i;

	for (i = 0; js != NULL && i < js->nfiles; i++)
		if (cx_spool_remove(sp, js->dir, js->files[i], err) == -1)
			return -1;
	return 0;
}

void
cx_joins_free(struct cx_joins *js)
{
	size_t i;

	if (js == NULL)
		return;
	for (i = 0; i < js->nfiles; i++)
		free(js->files[i]);
	free(js->files);
	for (i = 0; i < js->n; i++) {
		free(js->v[i].id);
		free((char *)js->v[i].j.into);
		free((char *)js->v[i].j.elem);
		free((char *)js->v[i].j.hist);
	}
	free(js->v);
	free(js->dir);
	cx_keyset_free(&js->ids);
	cx_buf_free(&js->why);
	cx_buf_free(&js->tmp);
	free(js);
}
