/*
 * batch.c: what one registration commit writes to a spool.
 *
 * New tickets go to a batch file in new/; rejected rows to a file in
 * rejects/; a follow-up or a message of its conversation joining a ticket
 * registered earlier rewrites the ticket's file in open/, or, while the
 * ticket is in its batch in new/ or classified/, is a line of a journal
 * beside the batch (joins.c): a batch is never rewritten for what joins
 * one of its tickets, nor read (but for the keys of a registry of format
 * 1, see locate), so a follow-up costs what a new ticket costs, however
 * many tickets the spool holds.
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
	cx_keyset_put_replace(&b->tidx, cx_key_of(id, strlen(id)),
	    (uint32_t)b->nt);
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

/* 1 if the ticket is one of this commit's, joined; else 0.  (One that
 * came in closed is in none: its keys name commit 0.) */
static int
in_batch(struct cx_batch *b, const char *id, const struct cx_join *j)
{
	uint32_t i;
	size_t n;
	char *t;

	if (!cx_keyset_get(&b->tidx, cx_key_of(id, strlen(id)), &i) ||
	    (t = cx_ticket_join(b->t[i].text, b->t[i].len - 1, j, &n)) ==
	    NULL)
		return 0;
	free(b->t[i].text);
	b->t[i].text = t;
	b->t[i].len = n;
	return 1;
}

/* The open tickets' ids of a batch file, read the first time asked. */
static struct cx_keyset *
batch_ids(struct cx_batch *b, struct cx_spool *sp, const char *dir,
    const char *name, struct cx_err *err)
{
	static const char *const keys[] = { "id", "status" };
	struct cx_seen_batch *s;
	struct cx_buf f = { 0 }, id = { 0 }, st = { 0 };
	const char *p, *end, *l, *m[2];
	size_t i, n, mn[2];

	for (i = 0; i < b->nseen; i++)
		if (strcmp(b->seen[i].dir, dir) == 0 &&
		    strcmp(b->seen[i].name, name) == 0)
			return &b->seen[i].ids;
	if (cx_spool_read(sp, dir, name, &f, err) == -1) {
		/* Not cached: a later commit of this run may make it. */
		static struct cx_keyset none;

		return errno == ENOENT ? &none : NULL;
	}
	b->seen = cx_grow(b->seen, b->nseen, sizeof(*b->seen));
	s = &b->seen[b->nseen++];
	memset(s, 0, sizeof(*s));
	s->dir = cx_strndup(dir, strlen(dir));
	s->name = cx_strndup(name, strlen(name));
	/* The batch is this spool's own: its lines are records, and only
	 * the two members are looked at. */
	for (p = f.p, end = p + f.len; cx_line(&p, end, &l, &n);) {
		id.len = st.len = 0;
		if (cx_json_fields(l, n, keys, 2, m, mn) == -1 ||
		    m[0] == NULL || cx_json_str(m[0], mn[0], &id) == -1 ||
		    (m[1] != NULL && cx_json_str(m[1], mn[1], &st) == 0 &&
		    strcmp(cx_buf_str(&st), "closed") == 0))
			continue;
		(void)cx_keyset_put(&s->ids, cx_key_of(id.p, id.len), 0, NULL);
	}
	cx_buf_free(&f);
	cx_buf_free(&id);
	cx_buf_free(&st);
	return &s->ids;
}

/* Whether a batch holds the ticket, open (a follow-up must not be lost
 * to a batch that no longer has it); -1 if the batch cannot be read: a
 * read error is no answer. */
static int
batch_has(struct cx_batch *b, struct cx_spool *sp, const char *dir,
    const char *name, const char *id, struct cx_err *err)
{
	struct cx_keyset *ids;

	if ((ids = batch_ids(b, sp, dir, name, err)) == NULL)
		return -1;
	return cx_keyset_get(ids, cx_key_of(id, strlen(id)), NULL);
}

static const char *const stages[] = { "new", "classified" };

/*
 * The stage the batch of a commit is in: 1 new/, 2 classified/, 0 none;
 * -1 and why if that cannot be looked at (a read error is no "not
 * there").  Looked at once a run for a batch committed before: while the
 * run holds the spool's lock only its own commits change the spool, and
 * they add batches of their own numbers, never move one.
 */
static int
batch_stage(struct cx_batch *b, struct cx_spool *sp, unsigned long serial,
    struct cx_err *err)
{
	struct cx_key k = cx_key_of(&serial, sizeof(serial));
	char name[32];
	uint32_t v;
	int r = 0;

	if (cx_keyset_get(&b->where, k, &v))
		return (int)v;
	(void)snprintf(name, sizeof(name), "B%010lu.jsonl", serial);
	for (v = 0; v < 2; v++)
		if ((r = cx_spool_has(sp, stages[v], name, err)) != 0)
			break;
	if (r == -1)
		return -1;
	v = r == 1 ? v + 1 : 0;
	if (serial < cx_spool_serial(sp))
		cx_keyset_put_replace(&b->where, k, v);
	return (int)v;
}

/*
 * Where an open ticket lives: 0 its file in open/, 1 or 2 the batch it
 * came in, in new/ or classified/ (batch_stage); -1 if it is in none, -2
 * and why if where it is cannot be looked at.  A ticket is in its batch,
 * open, until cx-route moves the batch to open/ in one commit, so its
 * batch is where to look first; but for a key of a registry of format 1
 * (cx_reg_since), which gave a ticket that came in closed the number of
 * its batch, the batch is read, and open/ looked at first: a run of the
 * first release that died could leave a ticket in both.
 */
static int
locate(struct cx_batch *bt, const struct cx_reg *g, struct cx_spool *sp,
    const struct cx_reg_entry *e, struct cx_err *err)
{
	char name[32];
	int r, i;

	if (e->serial != 0 && e->serial >= cx_reg_since(g)) {
		if ((r = batch_stage(bt, sp, e->serial, err)) != 0)
			return r == -1 ? -2 : r;
	}
	if ((r = cx_spool_has(sp, "open", e->id, err)) != 0)
		return r == -1 ? -2 : 0;
	if (e->serial == 0 || e->serial >= cx_reg_since(g))
		return -1;		/* it came in closed, or is done */
	(void)snprintf(name, sizeof(name), "B%010lu.jsonl", e->serial);
	for (i = 0; i < 2; i++)
		if ((r = batch_has(bt, sp, stages[i], name, e->id, err)) != 0)
			return r == -1 ? -2 : i + 1;
	return -1;
}

/* A line of this commit's journal beside the batch of a commit. */
static void
journal(struct cx_batch *b, int stage, unsigned long serial, const char *id,
    const struct cx_join *j)
{
	struct cx_key k = cx_key_of(&serial, sizeof(serial));
	uint32_t i;

	if (!cx_keyset_get(&b->jidx, k, &i)) {
		b->jn = cx_reserve(b->jn, b->njn, &b->capjn, sizeof(*b->jn));
		i = (uint32_t)b->njn++;
		memset(&b->jn[i], 0, sizeof(b->jn[i]));
		b->jn[i].stage = stage;
		b->jn[i].serial = serial;
		cx_keyset_put_replace(&b->jidx, k, i);
	}
	cx_joins_line(&b->jn[i].lines, id, j);
}

int
cx_batch_join(struct cx_batch *b, const struct cx_reg *g,
    struct cx_spool *sp, const struct cx_reg_entry *e,
    const struct cx_join *j, struct cx_err *err)
{
	struct cx_followup *f;
	int r;

	if (e->serial == cx_spool_serial(sp) && in_batch(b, e->id, j))
		return 0;
	if ((r = locate(b, g, sp, e, err)) < 0)
		return r;
	if (r > 0) {
		journal(b, r, e->serial, e->id, j);
		return 0;
	}
	b->fu = cx_reserve(b->fu, b->nfu, &b->capfu, sizeof(*b->fu));
	f = &b->fu[b->nfu++];
	f->dir = cx_strndup("open", 4);
	f->name = cx_strndup(e->id, strlen(e->id));
	f->id = cx_strndup(e->id, strlen(e->id));
	f->j.into = cx_strndup(j->into, strlen(j->into));
	f->j.elem = cx_strndup(j->elem, strlen(j->elem));
	f->j.hist = cx_strndup(j->hist, strlen(j->hist));
	f->j.at = j->at;
	return 0;
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
stage(struct cx_spool *sp, const char *dir, const char *name,
    const struct cx_buf *data, struct cx_err *err)
{
	return cx_spool_stage(sp, dir, name, data->p, data->len, err);
}

/* Follow-ups in order of their file, then of their coming. */
static struct cx_batch *sort_b;

static int
by_file(const void *x, const void *y)
{
	const struct cx_followup *a = &sort_b->fu[*(const uint32_t *)x];
	const struct cx_followup *c = &sort_b->fu[*(const uint32_t *)y];
	int d;

	if ((d = strcmp(a->dir, c->dir)) != 0 ||
	    (d = strcmp(a->name, c->name)) != 0)
		return d;
	return *(const uint32_t *)x < *(const uint32_t *)y ? -1 : 1;
}

#define NONE	UINT32_MAX

/*
 * One line of a ticket file with every follow-up meant for it applied,
 * in the order they came: ids maps a ticket to the first of its
 * follow-ups (a position in ord), inext to the next.
 */
static void
apply_line(struct cx_batch *b, const char *line, size_t len,
    const struct cx_keyset *ids, const uint32_t *ord, const uint32_t *inext,
    struct cx_buf *id, struct cx_buf *out)
{
	static const char *const keys[] = { "id" };
	const char *m[1];
	size_t mn[1], n = len;
	char *t = NULL, *u;
	uint32_t k;

	id->len = 0;
	if (cx_json_fields(line, len, keys, 1, m, mn) == 0 && m[0] != NULL &&
	    cx_json_str(m[0], mn[0], id) == 0 && cx_keyset_get(ids,
	    cx_key_of(id->p, id->len), &k))
		for (; k != NONE; k = inext[k]) {
			u = cx_ticket_join(t ? t : line, t ? n - 1 : len,
			    &b->fu[ord[k]].j, &n);
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

/*
 * Rewrite each ticket file of open/ that got follow-ups and stage it with
 * the batch, each read once, its follow-ups joined in the order they came.
 */
static int
stage_followups(struct cx_batch *b, struct cx_spool *sp, struct cx_err *err)
{
	struct cx_buf file = { 0 }, out = { 0 }, id = { 0 };
	struct cx_keyset ids = { 0 };
	const char *p, *end, *l;
	uint32_t *ord, *inext, *tail, first;
	size_t i, k, g, n, nf = 0;
	int r = 0;

	ord = cx_alloc((b->nfu + 1) * sizeof(*ord));
	inext = cx_alloc((b->nfu + 1) * sizeof(*inext));
	tail = cx_alloc((b->nfu + 1) * sizeof(*tail));
	for (i = 0; i < b->nfu; i++)
		if (b->fu[i].dir != NULL)
			ord[nf++] = (uint32_t)i;
	sort_b = b;
	qsort(ord, nf, sizeof(*ord), by_file);
	for (g = 0; g < nf && r == 0; g = k) {
		/* The follow-ups of one file, ord[g .. k). */
		cx_keyset_free(&ids);
		memset(&ids, 0, sizeof(ids));
		for (k = g; k < nf && (k == g || strcmp(b->fu[ord[k]].dir,
		    b->fu[ord[g]].dir) == 0) && strcmp(b->fu[ord[k]].name,
		    b->fu[ord[g]].name) == 0; k++) {
			const char *fid = b->fu[ord[k]].id;

			inext[k] = NONE;
			tail[k] = (uint32_t)k;
			if (cx_keyset_put(&ids, cx_key_of(fid, strlen(fid)),
			    (uint32_t)k, &first)) {
				inext[tail[first]] = (uint32_t)k;
				tail[first] = (uint32_t)k;
			}
		}
		file.len = out.len = 0;
		if (cx_spool_read(sp, b->fu[ord[g]].dir, b->fu[ord[g]].name,
		    &file, err) == -1) {
			r = -1;
			break;
		}
		for (p = file.p, end = p + file.len; cx_line(&p, end, &l, &n);)
			apply_line(b, l, n, &ids, ord, inext, &id, &out);
		r = stage(sp, b->fu[ord[g]].dir, b->fu[ord[g]].name, &out, err);
	}
	for (i = 0; i < b->nfu; i++)
		fu_free(&b->fu[i]);
	b->nfu = 0;
	cx_keyset_free(&ids);
	free(ord);
	free(inext);
	free(tail);
	cx_buf_free(&file);
	cx_buf_free(&id);
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
	    b->nfu == 0 && b->njn == 0 && b->rejects.len == 0 &&
	    !cx_reg_pending(g))) {
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
	for (i = 0; i < b->njn; i++) {
		name.len = 0;
		cx_buf_printf(&name, "F%010lu-B%010lu.jsonl",
		    cx_spool_serial(sp), b->jn[i].serial);
		if (stage(sp, stages[b->jn[i].stage - 1], cx_buf_str(&name),
		    &b->jn[i].lines, err) == -1)
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
	for (i = 0; i < b->njn; i++)
		cx_buf_free(&b->jn[i].lines);
	cx_keyset_free(&b->tidx);
	cx_keyset_free(&b->jidx);
	b->nt = b->nfu = b->njn = 0;
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
	size_t i;

	if (b == NULL)
		return;
	cx_batch_clear(b);
	for (i = 0; i < b->nseen; i++) {
		free(b->seen[i].dir);
		free(b->seen[i].name);
		cx_keyset_free(&b->seen[i].ids);
	}
	free(b->seen);
	cx_keyset_free(&b->where);
	free(b->t);
	free(b->fu);
	free(b->jn);
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
