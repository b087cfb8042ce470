/*
 * batch.c: what one registration commit writes to a spool.
 *
 * New tickets go to a batch file in new/; rejected rows to a file in
 * rejects/; a follow-up or a message of its conversation joining a ticket
 * registered earlier rewrites the file that ticket lives in (its batch in
 * new/ or classified/, or open/ID).
 * All of it is staged in one spool transaction with the registry's keys
 * (reg.c), so a crash leaves the spool before or after the whole batch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

void
cx_batch_ticket(struct cx_batch *b, const char *id, const char *text,
    size_t len)
{
	b->t = cx_reserve(b->t, b->nt, &b->capt, sizeof(*b->t));
	b->t[b->nt].id = cx_strndup(id, strlen(id));
	b->t[b->nt].text = cx_strndup(text, len);
	b->t[b->nt].len = len;
	b->nt++;
}

char *
cx_ticket_join(const char *text, size_t len, const struct cx_join *j,
    size_t *newlen)
{
	struct cx_rec r = { 0 };
	struct cx_buf b = { 0 };

	if (cx_rec_parse(&r, text, len, NULL, NULL) == -1)
		return NULL;
	if (j->at != 0) {
		cx_rec_insert_by_time(&r, j->into, j->elem, j->at);
		cx_rec_insert_by_time(&r, "history", j->hist, j->at);
	} else {
		cx_rec_append(&r, j->into, j->elem, strlen(j->elem));
		cx_rec_append(&r, "history", j->hist, strlen(j->hist));
	}
	cx_rec_write(&r, &b);
	cx_rec_free(&r);
	*newlen = b.len;
	return b.p;
}

static int has_id(const char *, size_t, const char *);

static int
in_batch(struct cx_batch *b, const char *id, const struct cx_join *j)
{
	size_t i, n;
	char *t;

	for (i = b->nt; i-- > 0;)
		if (strcmp(b->t[i].id, id) == 0) {
			/* One that came in closed is no longer open. */
			if (has_id(b->t[i].text, b->t[i].len - 1, id) != 1)
				return -1;
			t = cx_ticket_join(b->t[i].text, b->t[i].len - 1, j,
			    &n);
			if (t == NULL)
				return 0;
			free(b->t[i].text);
			b->t[i].text = t;
			b->t[i].len = n;
			return 1;
		}
	return 0;
}


/* Whether a batch holds the ticket (a follow-up must not be lost to a
 * batch that no longer has it); -1 if the batch cannot be read: a read
 * error is no answer. */
static int
batch_has(struct cx_spool *sp, const char *dir, const char *name,
    const char *id, struct cx_err *err)
{
	struct cx_buf f = { 0 };
	const char *p, *end, *l;
	size_t n;
	int yes = 0;

	if (cx_spool_read(sp, dir, name, &f, err) == -1)
		return errno == ENOENT ? 0 : -1;
	for (p = f.p, end = p + f.len; !yes && cx_line(&p, end, &l, &n);)
		yes = has_id(l, n, id) == 1;
	cx_buf_free(&f);
	return yes;
}

/*
 * Where an open ticket lives: open/ID, or the batch it came in, in new/
 * or classified/; -1 if it is in none, -2 and why if one of them cannot
 * be read.
 */
static int
locate(struct cx_spool *sp, const struct cx_reg_entry *e, char **dir,
    char **name, struct cx_err *err)
{
	static const char *const stages[] = { "new", "classified" };
	struct cx_buf b = { 0 };
	size_t i;
	int r;

	if ((r = cx_spool_has(sp, "open", e->id, err)) != 0) {
		if (r == -1)
			return -2;
		*dir = cx_strndup("open", 4);
		*name = cx_strndup(e->id, strlen(e->id));
		return 0;
	}
	cx_buf_printf(&b, "B%010lu.jsonl", e->serial);
	for (i = 0; i < 2; i++)
		if ((r = batch_has(sp, stages[i], cx_buf_str(&b), e->id,
		    err)) != 0) {
			if (r == -1) {
				cx_buf_free(&b);
				return -2;
			}
			*dir = cx_strndup(stages[i], strlen(stages[i]));
			*name = b.p;
			return 0;
		}
	cx_buf_free(&b);
	return -1;
}

int
cx_batch_join(struct cx_batch *b, struct cx_spool *sp,
    const struct cx_reg_entry *e, const struct cx_join *j,
    struct cx_err *err)
{
	struct cx_followup *f;
	char *dir, *name;
	int r;

	if (e->serial == cx_spool_serial(sp) && (r = in_batch(b, e->id, j))
	    != 0)
		return r == 1 ? 0 : -1;
	if ((r = locate(sp, e, &dir, &name, err)) != 0)
		return r;
	b->fu = cx_reserve(b->fu, b->nfu, &b->capfu, sizeof(*b->fu));
	f = &b->fu[b->nfu++];
	f->dir = dir;
	f->name = name;
	f->id = cx_strndup(e->id, strlen(e->id));
	f->j.into = cx_strndup(j->into, strlen(j->into));
	f->j.elem = cx_strndup(j->elem, strlen(j->elem));
	f->j.hist = cx_strndup(j->hist, strlen(j->hist));
	f->j.at = j->at;
	return 0;
}

/* 1 if the line is the ticket id, open; 2 if it is, closed; else 0. */
static int
has_id(const char *line, size_t len, const char *id)
{
	struct cx_rec r = { 0 };
	const struct cx_field *f;
	struct cx_buf b = { 0 };
	int yes = 0;

	if (cx_rec_parse(&r, line, len, NULL, NULL) == 0 &&
	    (f = cx_rec_get(&r, "id")) != NULL &&
	    cx_json_str(f->v, f->vlen, &b) == 0 &&
	    strcmp(cx_buf_str(&b), id) == 0) {
		b.len = 0;
		yes = cx_rec_getstr(&r, "status", &b) == 0 &&
		    strcmp(cx_buf_str(&b), "closed") == 0 ? 2 : 1;
	}
	cx_rec_free(&r);
	cx_buf_free(&b);
	return yes;
}

static void
fu_free(struct cx_followup *f)
{
	free(f->dir);
	free(f->name);
	free(f->id);
	free((char *)f->j.into);
	free((char *)f->j.elem);
	free((char *)f->j.hist);
	memset(f, 0, sizeof(*f));
}

static int
same_file(const struct cx_followup *a, const struct cx_followup *b)
{
	return a->dir != NULL && b->dir != NULL &&
	    strcmp(a->dir, b->dir) == 0 && strcmp(a->name, b->name) == 0;
}

/* One line of a ticket file with every follow-up meant for it applied. */
static void
apply_all(struct cx_batch *b, const char *line, size_t len, size_t first,
    struct cx_buf *out)
{
	char *t = NULL, *u;
	size_t j, n = len;

	for (j = first; j < b->nfu; j++) {
		if (!same_file(&b->fu[j], &b->fu[first]) ||
		    !has_id(t ? t : line, t ? n - 1 : len, b->fu[j].id))
			continue;
		u = cx_ticket_join(t ? t : line, t ? n - 1 : len,
		    &b->fu[j].j, &n);
		if (u == NULL)
			continue;
		free(t);
		t = u;
	}
	if (t != NULL) {
		cx_buf_add(out, t, n);
		free(t);
	} else if (len > 0) {
		cx_buf_add(out, line, len);
		cx_buf_addc(out, '\n');
	}
}

static int
stage(struct cx_spool *sp, const char *dir, const char *name,
    const struct cx_buf *data, struct cx_err *err)
{
	return cx_spool_stage(sp, dir, name, data->p, data->len, err);
}

/* Rewrite each file that got follow-ups and stage it with the batch. */
static int
stage_followups(struct cx_batch *b, struct cx_spool *sp, struct cx_err *err)
{
	struct cx_buf file = { 0 }, out = { 0 };
	const char *p, *end, *l;
	size_t i, j, n;
	int r = 0;

	for (i = 0; i < b->nfu && r == 0; i++) {
		if (b->fu[i].dir == NULL)
			continue;
		file.len = out.len = 0;
		if (cx_spool_read(sp, b->fu[i].dir, b->fu[i].name, &file,
		    err) == -1) {
			r = -1;
			break;
		}
		for (p = file.p, end = p + file.len; cx_line(&p, end, &l, &n);)
			apply_all(b, l, n, i, &out);
		r = stage(sp, b->fu[i].dir, b->fu[i].name, &out, err);
		for (j = b->nfu; j-- > i + 1;)
			if (same_file(&b->fu[j], &b->fu[i]))
				fu_free(&b->fu[j]);
	}
	for (i = 0; i < b->nfu; i++)
		fu_free(&b->fu[i]);
	b->nfu = 0;
	cx_buf_free(&file);
	cx_buf_free(&out);
	return r;
}

int
cx_batch_commit(struct cx_batch *b, struct cx_reg *g, struct cx_spool *sp,
    struct cx_err *err)
{
	struct cx_buf all = { 0 }, name = { 0 };
	size_t i;
	int r = -1;

	if (sp == NULL || cx_spool_readonly(sp) || (b->nt == 0 &&
	    b->nfu == 0 && b->rejects.len == 0 && !cx_reg_pending(g))) {
		cx_batch_clear(b);
		return 0;	/* nothing new: the spool is not touched */
	}
	if (b->nt > 0) {
		for (i = 0; i < b->nt; i++)
			cx_buf_add(&all, b->t[i].text, b->t[i].len);
		cx_buf_printf(&name, "B%010lu.jsonl", cx_spool_serial(sp));
		if (stage(sp, "new", cx_buf_str(&name), &all, err) == -1)
			goto out;
	}
	if (b->rejects.len > 0) {
		name.len = 0;
		cx_buf_printf(&name, "R%010lu.jsonl", cx_spool_serial(sp));
		if (stage(sp, "rejects", cx_buf_str(&name), &b->rejects,
		    err) == -1)
			goto out;
	}
	if (stage_followups(b, sp, err) == -1 || cx_reg_commit(g, err) == -1)
		goto out;
	cx_batch_clear(b);
	r = 0;
out:
	cx_buf_free(&all);
	cx_buf_free(&name);
	return r;
}

void
cx_batch_clear(struct cx_batch *b)
{
	size_t i;

	for (i = 0; i < b->nt; i++) {
		free(b->t[i].id);
		free(b->t[i].text);
	}
	for (i = 0; i < b->nfu; i++)
		fu_free(&b->fu[i]);
	b->nt = b->nfu = 0;
	b->rejects.len = 0;
}

struct cx_batch *
cx_batch_new(void)
{
	return cx_alloc(sizeof(struct cx_batch));
}

size_t
cx_batch_count(const struct cx_batch *b)
{
	return b->nt;
}

struct cx_buf *
cx_batch_rejects(struct cx_batch *b)
{
	return &b->rejects;
}

void
cx_batch_free(struct cx_batch *b)
{
	if (b == NULL)
		return;
	cx_batch_clear(b);
	free(b->t);
	free(b->fu);
	cx_buf_free(&b->rejects);
	free(b);
}

/* A row set aside, as a line of the rejects: when, where, why and what. */
void
cx_batch_reject(struct cx_batch *b, const char *nowtext, const char *file,
    unsigned long line, const char *why, const char *raw, size_t rawlen)
{
	struct cx_buf *r = &b->rejects;
	size_t i;

	cx_buf_adds(r, "{\"at\":");
	cx_buf_adds(r, nowtext);
	cx_buf_adds(r, ",\"file\":");
	cx_json_addstr(r, file, strlen(file));
	cx_buf_adds(r, ",\"line\":");
	cx_buf_ulong(r, line);
	cx_buf_adds(r, ",\"reason\":");
	cx_json_addstr(r, why, strlen(why));
	cx_buf_adds(r, ",\"raw\":");
	/* Raw bytes that are not UTF-8 are kept readable, not lost. */
	if (cx_utf8_valid(raw, rawlen))
		cx_json_addstr(r, raw, rawlen);
	else {
		cx_buf_addc(r, '"');
		for (i = 0; i < rawlen; i++)
			cx_buf_printf(r, "%02x", (unsigned char)raw[i]);
		cx_buf_adds(r, "\",\"raw_encoding\":\"hex\"");
	}
	cx_buf_adds(r, "}\n");
}
