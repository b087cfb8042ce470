/*
 * thread.c: conversations (cx-columns(5)): a message's keys and entries,
 * and the messages waiting for the one they answer.
 *
 * A chat or social-media export holds both sides of each conversation, in
 * no useful order: a reply may come before the message it answers.  Each
 * message is known by its map and the export's id for it; one that
 * answers another joins that one's ticket, as a message of its
 * "conversation" and a history entry at its own time.  One whose message
 * has not been seen waits (struct cx_wait) until it is, or until the end
 * of the input.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

#define NONE	UINT32_MAX

/*
 * An id as the export wrote it, trimmed; a float column's "3.0" (pandas
 * writes an id column with an empty cell as floats) is the id 3.
 */
static void
id_norm(const char **s, size_t *n)
{
	size_t i;

	cx_trim(s, n);
	if (*n < 3 || memcmp(*s + *n - 2, ".0", 2) != 0)
		return;
	for (i = 0; i < *n - 2; i++)
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return;
	*n -= 2;
}

/* The key of a message ('m') or a conversation ('v') of a system: the
 * map's, or the one its "ids of" names. */
static int
key_of(int kind, const char *map, const struct cx_intake *t, int i,
    int asis, struct cx_key *k)
{
	struct cx_buf b = { 0 };
	const char *s = t->v[i];
	size_t n = t->n[i];

	if (s == NULL)
		return 0;
	if (!asis)
		id_norm(&s, &n);
	if (n == 0)
		return 0;
	/* 'x' is the key of a row of the map by its external_id, as its
	 * source key is made (cx_cols_fill), from the id as written. */
	cx_buf_addc(&b, kind);
	cx_buf_addc(&b, '\0');
	cx_buf_adds(&b, map != NULL ? map : "");
	cx_buf_addc(&b, '\0');
	cx_buf_add(&b, s, n);
	*k = cx_key_of(b.p, b.len);
	cx_buf_free(&b);
	return 1;
}

static int
thread_key(int kind, const char *map, const struct cx_intake *t, int i,
    struct cx_key *k)
{
	return key_of(kind, map, t, i, 0, k);
}

static int
addstr(struct cx_buf *b, const char *key, const char *s, size_t n)
{
	cx_json_addkey(b, 0, key);
	return cx_json_addstr_utf8(b, s, n);
}

/*
 * A row of a conversation: its keys, when it was written, its entry for
 * the ticket's "conversation" and its history entry.  m->threaded is 0 for
 * a row that is no message of a conversation: its map says nothing of who
 * wrote it, and it answers nothing.
 */
int
cx_intake_message(struct cx_intake *t, const struct cx_intake_ctx *c,
    struct cx_intake_msg *m, struct cx_err *err)
{
	const char *s, *who;
	size_t n, wn;
	struct cx_err e;
	int bad = 0;

	m->elem.len = m->hist.len = 0;
	m->team = t->team;
	m->has_self = 0;
	m->has_to = thread_key('m', t->ns, t, CX_I_REPLYTO, &m->to);
	/* The row it answers, by the id as written or as read. */
	m->has_row = key_of('x', t->ns, t, CX_I_REPLYTO, 1, &m->row[0]) &&
	    key_of('x', t->ns, t, CX_I_REPLYTO, 0, &m->row[1]);
	m->has_conv = thread_key('v', t->ns, t, CX_I_CONV, &m->conv);
	m->threaded = t->threaded || m->has_to || m->has_conv;
	if (!m->threaded)
		return 0;
	/* Its own id is of its own map's space: "ids of" names whose ids it
	 * answers, and a log's message numbers are no ticket numbers. */
	m->has_self = thread_key('m', t->map, t, CX_I_EXTID, &m->self);
	m->at = c->now;
	if ((s = t->v[CX_I_RECEIVED]) != NULL) {
		n = t->n[CX_I_RECEIVED];
		cx_trim(&s, &n);
		if (n > 0 && cx_time_parse(s, n, &m->at, &e) == -1) {
			cx_seterr(err, "received_at: %s", e.msg);
			return -1;
		}
	}
	if ((s = t->v[CX_I_TEXT]) == NULL || (n = t->n[CX_I_TEXT],
	    cx_trim(&s, &n), n == 0)) {
		s = t->v[CX_I_SUBJECT];
		n = s != NULL ? t->n[CX_I_SUBJECT] : 0;
		if (s != NULL)
			cx_trim(&s, &n);
	}
	if (n == 0 && !m->team)
		return 0;	/* the complaint's own check says why */
	if (n == 0) {
		cx_seterr(err, "empty message: no text and no subject");
		return -1;
	}
	who = t->v[CX_I_AUTHOR];
	wn = who != NULL ? t->n[CX_I_AUTHOR] : 0;
	if (who != NULL)
		cx_trim(&who, &wn);
	/* Its entry in the conversation. */
	cx_buf_adds(&m->elem, "{\"at\":\"");
	cx_time_fmt(m->at, &m->elem);
	cx_buf_adds(&m->elem, "\",\"from\":");
	cx_buf_adds(&m->elem, m->team ? "\"team\"" : "\"customer\"");
	if (wn > 0)
		bad |= addstr(&m->elem, "by", who, wn);
	if (t->v[CX_I_EXTID] != NULL && t->n[CX_I_EXTID] > 0)
		bad |= addstr(&m->elem, "ext", t->v[CX_I_EXTID],
		    t->n[CX_I_EXTID]);
	bad |= addstr(&m->elem, "text", s, n);
	cx_buf_addc(&m->elem, '}');
	/* Its history entry: a reply stops the clocks a reply stops. */
	cx_buf_adds(&m->hist, "{\"at\":\"");
	cx_time_fmt(m->at, &m->hist);
	cx_buf_addc(&m->hist, '"');
	if (m->team && wn > 0)
		bad |= addstr(&m->hist, "by", who, wn);
	else
		cx_buf_adds(&m->hist, m->team ? ",\"by\":\"team\"" :
		    ",\"by\":\"customer\"");
	cx_buf_adds(&m->hist, m->team ? ",\"action\":\"replied\"" :
	    ",\"action\":\"customer_reply\"");
	cx_buf_addc(&m->hist, '}');
	(void)cx_buf_str(&m->elem);
	(void)cx_buf_str(&m->hist);
	if (bad) {
		cx_seterr(err, "invalid UTF-8 in the message");
		return -1;
	}
	return 0;
}

void
cx_intake_msg_free(struct cx_intake_msg *m)
{
	cx_buf_free(&m->elem);
	cx_buf_free(&m->hist);
}

/* Messages waiting for the one they answer, in the order they came. */
struct cx_wait {
	struct {
		void		*item;
		uint32_t	 prev;	/* the one before, for the same key */
		int		 taken;
		int		 has_self;
		struct cx_key	 to, self;
	}			*w;
	struct cx_keyset	 selves;	/* cx_wait_next_first's */
	size_t			 n, cap;
	size_t			 waiting;
	struct cx_keyset	 last;	/* key to its latest, or NONE */
};

struct cx_wait *
cx_wait_new(void)
{
	return cx_alloc(sizeof(struct cx_wait));
}

void
cx_wait_add(struct cx_wait *q, struct cx_key k, const struct cx_key *self,
    void *item)
{
	uint32_t prev = NONE;

	q->w = cx_reserve(q->w, q->n, &q->cap, sizeof(*q->w));
	q->w[q->n].item = item;
	q->w[q->n].taken = 0;
	q->w[q->n].to = k;
	q->w[q->n].has_self = self != NULL;
	if (self != NULL)
		q->w[q->n].self = *self;
	(void)cx_keyset_get(&q->last, k, &prev);
	q->w[q->n].prev = prev;
	cx_keyset_put_replace(&q->last, k, (uint32_t)q->n);
	q->n++;
	q->waiting++;
}

/* The items waiting for k, taken out, oldest first; their count. */
size_t
cx_wait_take(struct cx_wait *q, struct cx_key k, void ***items)
{
	uint32_t i;
	size_t n = 0, j;

	*items = NULL;
	if (!cx_keyset_get(&q->last, k, &i) || i == NONE)
		return 0;
	cx_keyset_put_replace(&q->last, k, NONE);
	for (j = i; j != NONE; j = q->w[j].prev)
		n += !q->w[j].taken;
	if (n == 0)
		return 0;
	*items = cx_alloc(n * sizeof(**items));
	for (j = n; i != NONE; i = q->w[i].prev)
		if (!q->w[i].taken) {
			(*items)[--j] = q->w[i].item;
			q->w[i].taken = 1;
		}
	q->waiting -= n;
	return n;
}

/* The next item still waiting that want() takes (want NULL: any), oldest
 * first, taken out; NULL if none. */
void *
cx_wait_next(struct cx_wait *q, size_t *pos, int (*want)(const void *))
{
	for (; *pos < q->n; ++*pos)
		if (!q->w[*pos].taken && (want == NULL ||
		    want(q->w[*pos].item))) {
			q->w[*pos].taken = 1;
			q->waiting--;
			return q->w[(*pos)++].item;
		}
	return NULL;
}

/*
 * The next item still waiting that want() takes and whose key is none of
 * theirs, oldest first, taken out: the first of what is left of a chain,
 * so that the rest go after it whatever their order.  NULL when none is
 * left; call again from 0 to look anew.
 */
void *
cx_wait_next_first(struct cx_wait *q, size_t *pos, int (*want)(const void *))
{
	size_t i;
	uint32_t v;

	if (*pos == 0) {
		cx_keyset_free(&q->selves);
		for (i = 0; i < q->n; i++)
			if (!q->w[i].taken && q->w[i].has_self &&
			    (want == NULL || want(q->w[i].item)))
				(void)cx_keyset_put(&q->selves, q->w[i].self,
				    0, NULL);
	}
	for (; *pos < q->n; ++*pos)
		if (!q->w[*pos].taken && (want == NULL ||
		    want(q->w[*pos].item)) && !cx_keyset_get(&q->selves,
		    q->w[*pos].to, &v)) {
			q->w[*pos].taken = 1;
			q->waiting--;
			return q->w[(*pos)++].item;
		}
	cx_keyset_free(&q->selves);
	return NULL;
}

size_t
cx_wait_count(const struct cx_wait *q)
{
	return q->waiting;
}

/* How many were ever added: the bound of cx_wait_at. */
size_t
cx_wait_size(const struct cx_wait *q)
{
	return q->n;
}

/* The i-th item added, if it still waits; NULL if not (or past the end). */
void *
cx_wait_at(const struct cx_wait *q, size_t i)
{
	return i < q->n && !q->w[i].taken ? q->w[i].item : NULL;
}

void
cx_wait_free(struct cx_wait *q)
{
	if (q == NULL)
		return;
	free(q->w);
	cx_keyset_free(&q->last);
	cx_keyset_free(&q->selves);
	free(q);
}

/* A mail's Message-ID ("<a@b>") as a message key of its own space. */
static void
mail_key(const char *id, size_t n, struct cx_key *k)
{
	struct cx_buf b = { 0 };

	cx_buf_adds(&b, "mail");
	cx_buf_addc(&b, '\0');
	cx_buf_add(&b, id, n);
	*k = cx_key_of(b.p, b.len);
	cx_buf_free(&b);
}

/* The first "<...>" of a header's text, as a key; 0 if there is none. */
static int
first_id(const struct cx_rec *r, const char *path, struct cx_key *k)
{
	struct cx_buf b = { 0 };
	const char *lt, *gt;
	int found = 0;

	if (cx_rec_getstr(r, path, &b) == 0 && (lt = strchr(b.p, '<')) !=
	    NULL && (gt = strchr(lt, '>')) != NULL && gt > lt + 1) {
		mail_key(lt, (size_t)(gt - lt + 1), k);
		found = 1;
	}
	cx_buf_free(&b);
	return found;
}

/*
 * A mail of cx-mail(1) is a message of a conversation too: its own
 * Message-ID, the one it answers (In-Reply-To), and its thread's first
 * (the first of References, else its own).  1 if the record is a mail
 * with a Message-ID, with m made; 0 if it is no mail; -1 and why.
 */
int
cx_intake_mail(const struct cx_rec *r, struct cx_intake_msg *m,
    struct cx_err *err)
{
	struct cx_buf id = { 0 }, t = { 0 }, who = { 0 };
	const char *s;
	int bad = 0;

	m->elem.len = m->hist.len = 0;
	m->threaded = m->team = m->has_self = m->has_to = m->has_conv = 0;
	m->has_row = 0;
	if (cx_rec_get(r, "mail") == NULL ||
	    cx_rec_getstr(r, "source.message_id", &id) == -1 || id.len == 0) {
		cx_buf_free(&id);
		return 0;
	}
	m->threaded = 1;
	m->has_self = 1;
	mail_key(id.p, id.len, &m->self);
	m->has_to = first_id(r, "mail.in_reply_to", &m->to);
	m->has_conv = 1;
	if (!first_id(r, "mail.references", &m->conv))
		m->conv = m->has_to ? m->to : m->self;
	m->at = cx_now();
	if (cx_rec_getstr(r, "received_at", &t) == 0)
		(void)cx_time_parse(t.p, t.len, &m->at, NULL);
	if (cx_rec_getstr(r, "text", &t) == -1 || t.len == 0)
		(void)cx_rec_getstr(r, "subject", &t);
	s = t.p != NULL ? t.p : "";
	cx_buf_adds(&m->elem, "{\"at\":\"");
	cx_time_fmt(m->at, &m->elem);
	cx_buf_adds(&m->elem, "\",\"from\":\"customer\"");
	if (cx_rec_getstr(r, "customer.name", &who) == 0 && who.len > 0)
		bad |= addstr(&m->elem, "by", who.p, who.len);
	bad |= addstr(&m->elem, "message_id", id.p, id.len);
	bad |= addstr(&m->elem, "text", s, t.len);
	cx_buf_addc(&m->elem, '}');
	cx_buf_adds(&m->hist, "{\"at\":\"");
	cx_time_fmt(m->at, &m->hist);
	cx_buf_adds(&m->hist, "\",\"by\":\"customer\","
	    "\"action\":\"customer_reply\",\"via\":\"email\"}");
	(void)cx_buf_str(&m->elem);
	(void)cx_buf_str(&m->hist);
	cx_buf_free(&id);
	cx_buf_free(&t);
	cx_buf_free(&who);
	if (bad) {
		cx_seterr(err, "invalid UTF-8 in the mail");
		return -1;
	}
	return 1;
}
