/*
 * rebuild.c: the registry as the tickets keep it.
 *
 * Every key cx-ingest registers for a ticket is kept in the ticket too,
 * so that a lost keys log can be made again from the spool: the source
 * key of the row that made the ticket (source.key), of each follow-up
 * (followups[].source.key) and of each message that joined its
 * conversation (conversation[].source.key); the keys of the messages and
 * conversations it can be found by (source.thread of each); and its
 * customer and order, from its fields, as registration reads them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

static int
hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void
keys_json(struct cx_buf *b, const struct cx_key *k, size_t n)
{
	char hex[33];
	size_t i;

	cx_buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			cx_buf_addc(b, ',');
		cx_key_hex(k[i], hex);
		cx_buf_addc(b, '"');
		cx_buf_add(b, hex, 32);
		cx_buf_addc(b, '"');
	}
	cx_buf_addc(b, ']');
}

void
cx_thread_set(struct cx_rec *r, const struct cx_key *k, size_t n)
{
	const struct cx_field *f = cx_rec_get(r, "source");
	struct cx_buf a = { 0 }, s = { 0 };

	if (n == 0 || f == NULL || cx_json_type(f->v, f->vlen) != CX_J_OBJ)
		return;
	keys_json(&a, k, n);
	if (cx_json_setmember(f->v, f->vlen, "thread", a.p, a.len, &s) == 0)
		cx_rec_set_raw(r, "source", s.p, s.len);
	cx_buf_free(&a);
	cx_buf_free(&s);
}

void
cx_thread_body(const char *body, size_t n, const struct cx_key *k,
    size_t nk, struct cx_buf *out)
{
	struct cx_buf o = { 0 };
	struct cx_rec r = { 0 };

	out->len = 0;
	cx_buf_addc(&o, '{');
	cx_buf_add(&o, body, n);
	cx_buf_addc(&o, '}');
	if (nk > 0 && cx_rec_parse(&r, o.p, o.len, NULL, NULL) == 0) {
		cx_thread_set(&r, k, nk);
		cx_rec_write(&r, out);
		/* The members only: no braces, no newline. */
		memmove(out->p, out->p + 1, out->len - 3);
		out->len -= 3;
	} else
		cx_buf_add(out, body, n);
	(void)cx_buf_str(out);
	cx_rec_free(&r);
	cx_buf_free(&o);
}

void
cx_thread_elem(const char *elem, struct cx_key key, const struct cx_key *k,
    size_t n, struct cx_buf *out)
{
	size_t len = strlen(elem);
	char hex[33];

	out->len = 0;
	while (len > 0 && elem[len - 1] != '}')
		len--;
	if (len == 0) {
		cx_buf_adds(out, elem);
		(void)cx_buf_str(out);
		return;
	}
	cx_buf_add(out, elem, len - 1);
	cx_key_hex(key, hex);
	cx_buf_adds(out, ",\"source\":{\"key\":\"");
	cx_buf_add(out, hex, 32);
	cx_buf_addc(out, '"');
	if (n > 0) {
		cx_buf_adds(out, ",\"thread\":");
		keys_json(out, k, n);
	}
	cx_buf_adds(out, "}}");
	(void)cx_buf_str(out);
}

/* --- rebuilding ------------------------------------------------------ */

struct tkey {
	int		 kind;
	struct cx_key	 k;
};

/* A ticket read: its id, its batch, and the keys it holds. */
struct tk {
	size_t		 id;		/* in ids */
	size_t		 k0, nk;	/* in keys */
	unsigned long	 serial;
	unsigned long	 num;		/* its number of the day */
	char		 date[9];	/* "" where the id has none */
};

struct rb {
	struct cx_spool		*sp;
	struct cx_rebuilt	*out;
	struct cx_buf		 ids;
	struct tkey		*k;
	size_t			 nk, capk;
	struct tk		*t;
	size_t			 nt, capt;
	struct cx_rec		 r;
	struct cx_buf		 tmp;
};

static void
push(struct rb *b, int kind, struct cx_key k)
{
	b->k = cx_reserve(b->k, b->nk, &b->capk, sizeof(*b->k));
	b->k[b->nk].kind = kind;
	b->k[b->nk].k = k;
	b->nk++;
}

/* A JSON string of 32 hexadecimal digits, as a key. */
static int
hexkey(const char *v, size_t n, struct cx_key *k)
{
	return n == 34 && v[0] == '"' && v[33] == '"' &&
	    cx_key_parse(v + 1, 32, k) == 0 ? 0 : -1;
}

static void
thread_key(void *arg, const char *v, size_t n)
{
	struct cx_key k;

	if (hexkey(v, n, &k) == 0)
		push(arg, CX_REG_MESSAGE, k);
}

/* A source's key and thread; 0 if it has a key. */
static int
source_keys(struct rb *b, const char *src, size_t n)
{
	const char *v;
	struct cx_key k;
	size_t vn;
	int r = -1;

	if (cx_json_type(src, n) != CX_J_OBJ)
		return -1;
	if (cx_json_member(src, n, "key", &v, &vn) == 0 &&
	    hexkey(v, vn, &k) == 0) {
		push(b, CX_REG_SOURCE, k);
		r = 0;
	}
	if (cx_json_member(src, n, "thread", &v, &vn) == 0)
		(void)cx_json_each(v, vn, thread_key, b);
	return r;
}

/* A follow-up, or a message of its conversation, that joined a ticket. */
static void
piece(void *arg, const char *v, size_t n)
{
	struct rb *b = arg;
	const char *src;
	size_t sn;

	if (cx_json_type(v, n) != CX_J_OBJ)
		return;
	if (cx_json_member(v, n, "source", &src, &sn) == -1 ||
	    source_keys(b, src, sn) == -1)
		b->out->bare++;
}

/* A ticket of id b->tmp read, in the batch of that commit (0: none). */
static struct tk *
tk_new(struct rb *b, unsigned long serial)
{
	struct tk *t;

	b->t = cx_reserve(b->t, b->nt, &b->capt, sizeof(*b->t));
	t = &b->t[b->nt++];
	memset(t, 0, sizeof(*t));
	t->id = b->ids.len;
	cx_buf_add(&b->ids, cx_buf_str(&b->tmp), b->tmp.len + 1);
	t->serial = serial;
	if (cx_reg_id_number(b->tmp.p, t->date, &t->num) == -1)
		t->date[0] = '\0';
	t->k0 = b->nk;
	return t;
}

/* A ticket's keys gathered; -1 and why if the text is no ticket. */
static int
ticket(struct rb *b, const char *text, size_t len, unsigned long serial,
    const char *where, unsigned long line, struct cx_err *err)
{
	const struct cx_field *f;
	struct cx_err e;
	struct cx_key ok;
	struct tk *t;

	if (cx_rec_parse(&b->r, text, len, &e, NULL) == -1) {
		cx_seterr(err, "%s:%lu: no ticket: %s", where, line, e.msg);
		return -1;
	}
	if (cx_rec_getstr(&b->r, "id", &b->tmp) == -1 || b->tmp.len == 0) {
		cx_seterr(err, "%s:%lu: a ticket without its id", where, line);
		return -1;
	}
	t = tk_new(b, serial);
	if ((f = cx_rec_get(&b->r, "source")) == NULL ||
	    source_keys(b, f->v, f->vlen) == -1)
		b->out->bare++;
	if (cx_intake_order(&b->r, &ok))
		push(b, CX_REG_ORDER, ok);
	if ((f = cx_rec_get(&b->r, "followups")) != NULL)
		(void)cx_json_each(f->v, f->vlen, piece, b);
	if ((f = cx_rec_get(&b->r, "conversation")) != NULL)
		(void)cx_json_each(f->v, f->vlen, piece, b);
	t->nk = b->nk - t->k0;
	b->out->tickets++;
	return 0;
}

/*
 * A line of a journal beside a batch (joins.c): a follow-up, or a message
 * of a conversation, that joined a ticket of the batch.  Its keys are its
 * ticket's, as they were registered; the ticket itself is read in the
 * batch, once.  -1 and why if the line is none.
 */
static int
journal_line(struct rb *b, const char *l, size_t n, unsigned long serial,
    const char *where, unsigned long line, struct cx_err *err)
{
	static const char *const keys[] = { "followup_of", "entry" };
	const char *v[2];
	size_t vn[2];
	struct tk *t;

	b->tmp.len = 0;
	if (cx_json_check(l, n, NULL) != n || cx_json_fields(l, n, keys, 2, v,
	    vn) == -1 || v[0] == NULL || v[1] == NULL ||
	    cx_json_str(v[0], vn[0], &b->tmp) == -1 || b->tmp.len == 0 ||
	    cx_json_type(v[1], vn[1]) != CX_J_OBJ) {
		cx_seterr(err, "%s:%lu: no follow-up", where, line);
		return -1;
	}
	t = tk_new(b, serial);
	piece(b, v[1], vn[1]);
	t->nk = b->nk - t->k0;
	return 0;
}

/* The number of a batch's file, B0000000012.jsonl (or R..., C...); 0. */
static unsigned long
serial_of(const char *name, int letter)
{
	unsigned long n;
	size_t len = strlen(name);

	if (name[0] != letter || len < 8 || strcmp(name + len - 6, ".jsonl") ||
	    cx_digits(name + 1, len - 7, &n) == -1)
		return 0;
	return n;
}

/* A row set aside: its key, from its raw text as it was read. */
static int
reject_row(struct rb *b, struct cx_reg *g, const char *l, size_t n,
    unsigned long serial)
{
	static const char *const keys[] = { "raw", "raw_encoding" };
	struct cx_reg_entry e = { "-", serial };
	const char *v[2];
	struct cx_buf raw = { 0 };
	struct cx_key k;
	size_t vn[2], i;
	int hex, hi, lo;

	if (cx_json_check(l, n, NULL) != n || cx_json_fields(l, n, keys, 2,
	    v, vn) == -1 || v[0] == NULL || cx_json_str(v[0], vn[0], &raw) ==
	    -1)
		return -1;
	hex = v[1] != NULL && cx_tokeq(v[1], vn[1], "\"hex\"");
	if (hex) {
		for (i = 0; i + 1 < raw.len; i += 2) {
			if ((hi = hexdigit(raw.p[i])) < 0 ||
			    (lo = hexdigit(raw.p[i + 1])) < 0)
				break;
			raw.p[i / 2] = (char)(hi << 4 | lo);
		}
		if (i != raw.len) {
			cx_buf_free(&raw);
			return -1;
		}
		raw.len /= 2;
	}
	k = cx_key_of(raw.p != NULL ? raw.p : "", raw.len);
	if (!cx_reg_find(g, CX_REG_REJECT, k, NULL)) {
		cx_reg_add_to(g, CX_REG_REJECT, k, &e);
		b->out->keys[3]++;
	}
	b->out->rejects++;
	cx_buf_free(&raw);
	return 0;
}

/*
 * Each line of a file of dir (a batch in new/ or classified/, or a
 * journal beside one, a month of the archive, the rejects of a batch), or
 * the file whole (a ticket of
 * open/ or closed/), read; -1 and why.
 */
static int
read_dir(struct rb *b, struct cx_reg *g, const char *dir, int whole,
    struct cx_err *err)
{
	struct cx_buf where = { 0 }, text = { 0 };
	struct cx_err e;
	struct cx_in in;
	unsigned long serial;
	const char *l, *batch;
	char **names = NULL;
	size_t i, n;
	int dfd, fd, r, journal, rc = -1;

	if ((r = cx_spool_empty(b->sp, dir, err)) != 0)
		return r == 1 ? 0 : -1;	/* one not there is not made */
	if ((names = cx_spool_list(b->sp, dir, err)) == NULL ||
	    (dfd = cx_spool_dir(b->sp, dir, err)) == -1)
		goto out;
	for (i = 0; names[i] != NULL; i++) {
		where.len = 0;
		cx_buf_printf(&where, "%s/%s/%s", cx_spool_path(b->sp), dir,
		    names[i]);
		if (whole) {
			text.len = 0;
			if (cx_spool_read(b->sp, dir, names[i], &text, err) ==
			    -1)
				goto out;
			n = text.len;
			while (n > 0 && text.p[n - 1] == '\n')
				n--;
			if (ticket(b, text.p != NULL ? text.p : "", n, 0,
			    where.p, 1, err) == -1)
				goto out;
			continue;
		}
		if (strcmp(dir, "rejects") == 0 &&
		    (serial = serial_of(names[i], 'R')) == 0)
			continue;	/* cx-close's, of its registry */
		/* A journal's lines join the batch it names. */
		journal = dir[0] != 'r' && cx_joins_file(names[i], &batch);
		serial = strcmp(dir, "archive") == 0 ? 0 :
		    serial_of(journal ? batch : names[i], dir[0] == 'r' ?
		    'R' : 'B');
		if ((fd = openat(dfd, names[i], O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1) {
			cx_seterr(err, "%s: %s", where.p, strerror(errno));
			goto out;
		}
		if (cx_in_fdopen(&in, fd, where.p, err) == -1) {
			close(fd);
			goto out;
		}
		while ((r = cx_in_line(&in, &l, &n, err)) == 1) {
			if (in.cut) {
				cx_cut_why(&e, "a line");
				cx_seterr(err, "%s:%lu: %s", where.p, in.lineno,
				    e.msg);
				r = -1;
			} else if (n == 0)
				continue;
			else if (journal)
				r = journal_line(b, l, n, serial, where.p,
				    in.lineno, err) == -1 ? -1 : 1;
			else if (dir[0] != 'r')
				r = ticket(b, l, n, serial, where.p, in.lineno,
				    err) == -1 ? -1 : 1;
			else if (reject_row(b, g, l, n, serial) == -1) {
				cx_seterr(err, "%s:%lu: no row set aside",
				    where.p, in.lineno);
				r = -1;
			}
			if (r == -1)
				break;
		}
		cx_in_close(&in);
		if (r == -1)
			goto out;
	}
	rc = 0;
out:
	cx_spool_list_free(names);
	cx_buf_free(&where);
	cx_buf_free(&text);
	return rc;
}

/* Tickets in the order they were numbered: by day, then number. */
static const struct rb *sort_rb;

static int
by_number(const void *x, const void *y)
{
	const struct tk *a = x, *c = y;
	int d;

	if ((d = strcmp(a->date, c->date)) != 0)
		return d;
	if (a->num != c->num)
		return a->num < c->num ? -1 : 1;
	return strcmp(sort_rb->ids.p + a->id, sort_rb->ids.p + c->id);
}

/*
 * Each ticket's keys into the registry, in the order the tickets were
 * numbered, as registration made them: a source key once, the first
 * ticket's; a customer's order and a message the last ticket's that has
 * it, as a later line of the log replaces an earlier one.
 */
static void
emit(struct rb *b, struct cx_reg *g)
{
	static const char kinds[] = "scmr";
	struct cx_reg_entry e, f;
	const struct tkey *k;
	size_t i, j;

	sort_rb = b;
	qsort(b->t, b->nt, sizeof(*b->t), by_number);
	for (i = 0; i < b->nt; i++) {
		e.id = b->ids.p + b->t[i].id;
		e.serial = b->t[i].serial;
		if (b->t[i].date[0] != '\0')
			cx_reg_count(g, b->t[i].date, b->t[i].num);
		for (j = 0; j < b->t[i].nk; j++) {
			k = &b->k[b->t[i].k0 + j];
			if (cx_reg_find(g, k->kind, k->k, &f) &&
			    (k->kind == CX_REG_SOURCE ||
			    strcmp(f.id, e.id) == 0))
				continue;
			cx_reg_add_to(g, k->kind, k->k, &e);
			b->out->keys[strchr(kinds, k->kind) - kinds]++;
		}
	}
}

/*
 * The keys rebuilt name the batch a ticket is in, in new/ or classified/,
 * as format 1 did, whether or not it came in closed: seq's since is past
 * the last commit they name, so that a follow-up of one has its batch
 * read, as for a key of format 1 (cx_reg_since); and 0, as in a registry
 * begun by this release, where they name none.  Later commits' keys are
 * past it, as their numbers are past every batch's.
 */
int
cx_reg_rebuild(struct cx_spool *sp, struct cx_rebuilt *out,
    struct cx_err *err)
{
	static const struct { const char *dir; int whole; } dirs[] = {
		{ "new", 0 }, { "classified", 0 }, { "open", 1 },
		{ "closed", 1 }, { "archive", 0 },
	};
	struct rb b;
	struct cx_reg *g;
	unsigned long since = 0;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	b.sp = sp;
	b.out = out;
	if ((g = cx_reg_salvage(sp, err)) == NULL)
		return -1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (read_dir(&b, g, dirs[i].dir, dirs[i].whole, err) == -1)
			goto out;
	emit(&b, g);
	for (i = 0; i < b.nt; i++)
		if (b.t[i].serial != 0 && b.t[i].serial >= since)
			since = b.t[i].serial + 1;
	if (read_dir(&b, g, "rejects", 0, err) == -1 ||
	    cx_reg_stage_all(g, since, err) == -1)
		goto out;
	rc = 0;
out:
	cx_reg_free(g);
	cx_rec_free(&b.r);
	cx_buf_free(&b.tmp);
	cx_buf_free(&b.ids);
	free(b.k);
	free(b.t);
	return rc;
}
