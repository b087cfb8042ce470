/*
 * ingest-reg.c: what each row cx-ingest reads becomes.
 *
 * A row seen before (the same export ingested twice, the same message
 * from two exports) registers nothing; a second complaint by the same
 * customer about the same order, while the first is open, is added to the
 * first ticket as a follow-up; a message of a conversation joins the
 * ticket of the message it answers (lib/thread.c), or waits for it until
 * the end of the input; anything else is a new ticket, numbered from the
 * spool's per-day counter.  A row that cannot be registered is set aside
 * in the rejects with the reason.
 */
#include <err.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "ingest.h"

/* A message held until the one it answers is registered. */
struct held {
	struct item		 it;
	struct cx_intake_msg	 m;
};

static void
flush_out(int force)
{
	if (force || G.t.out.len >= 65536)
		tool_flush(&G.t);
}

/*
 * Set a row aside: a warning, and a line in the rejects with the reason
 * and the row as read.  A row an earlier run set aside already is only
 * counted, so a cron job re-reading an export does not report it again.
 */
void
reject(const char *file, unsigned long line, const char *why,
    const char *raw, size_t rawlen)
{
	struct cx_buf *b = cx_batch_rejects(G.b), reason = { 0 };
	struct cx_key k;

	while (rawlen > 0 && (raw[rawlen - 1] == '\n' || raw[rawlen - 1] == '\r'))
		rawlen--;
	k = cx_key_of(raw, rawlen);
	if (cx_reg_claim(G.reg, CX_REG_REJECT, k)) {
		G.nold++;
		return;
	}
	cx_utf8_scrub(why, strlen(why), &reason);
	warnx("%s:%lu: %s", file, line, cx_buf_str(&reason));
	G.t.nbad++;
	if (G.dry)
		goto out;
	if (G.t.spool == NULL && G.rejf == NULL)
		goto out;	/* filter mode without -r: stderr is all */
	cx_reg_add(G.reg, CX_REG_REJECT, k, "-");
	cx_batch_reject(G.b, G.ctx.nowtext, file, line, reason.p, raw,
	    rawlen);
	if (G.rejf != NULL) {
		if (fwrite(b->p, 1, b->len, G.rejf) != b->len) {
			warn("rejects file");
			G.failed = 1;
		}
		b->len = 0;
	}
out:
	cx_buf_free(&reason);
}

static void
history(struct cx_buf *b, const char *action)
{
	cx_hist_begin(b, G.ctx.nowtext, "cx-ingest", action);
	cx_buf_addc(b, '}');
}

/*
 * The ticket's JSON text, with its newline; or, for a follow-up in filter
 * mode (followup set), the record that links it to its ticket.
 */
static void
ticket_text(const struct item *it, const char *id, int followup,
    struct cx_buf *b)
{
	struct cx_buf h = { 0 }, s = { 0 };
	const struct cx_field *f;

	if (it->rec == NULL) {
		cx_buf_addc(b, '{');
		cx_json_addkey(b, 1, followup ? "followup_of" : "id");
		cx_json_addstr(b, id, strlen(id));
		cx_buf_addc(b, ',');
		cx_buf_add(b, it->body, it->blen);
		if (followup)
			cx_buf_adds(b, ",\"history\":[");
		else {
			/* Not printf: this is every ticket's path. */
			cx_buf_adds(b, ",\"status\":\"");
			cx_buf_adds(b, it->status != NULL ? it->status : "new");
			cx_buf_adds(b, "\",\"history\":[");
			if (it->events != NULL && *it->events != '\0') {
				cx_buf_adds(b, it->events);
				cx_buf_addc(b, ',');
			}
		}
		history(b, followup ? "followup" : "registered");
		cx_buf_adds(b, "]}\n");
		return;
	}
	/* A ticket already numbered, or a follow-up already linked, passes
	 * through filter mode as it is. */
	if (G.t.spool == NULL && cx_rec_get(it->rec, followup ? "followup_of" :
	    "id") != NULL) {
		cx_rec_write(it->rec, b);
		return;
	}
	/* Into a spool, it gets the spool's number and keeps its old one. */
	if (!followup && (f = cx_rec_get(it->rec, "id")) != NULL) {
		cx_buf_add(&h, f->v, f->vlen);
		f = cx_rec_get(it->rec, "source");
		if (cx_json_setmember(f->v, f->vlen, "id", h.p, h.len, &s) == 0)
			cx_rec_set_raw(it->rec, "source", s.p, s.len);
		h.len = 0;
	}
	cx_rec_del(it->rec, followup ? "id" : "followup_of");
	cx_json_addstr(&h, id, strlen(id));
	cx_rec_set_raw(it->rec, followup ? "followup_of" : "id", h.p, h.len);
	if (followup)
		cx_rec_del(it->rec, "status");
	else if (cx_rec_get(it->rec, "status") == NULL)
		cx_rec_set_raw(it->rec, "status", "\"new\"", 5);
	h.len = 0;
	history(&h, followup ? "followup" : "registered");
	cx_rec_append(it->rec, "history", h.p, h.len);
	cx_rec_write(it->rec, b);
	cx_buf_free(&h);
	cx_buf_free(&s);
}

static void
followup_elem(const struct item *it, struct cx_buf *b)
{
	if (it->rec != NULL) {
		cx_rec_del(it->rec, "id");
		cx_rec_del(it->rec, "status");
		cx_rec_del(it->rec, "history");
		cx_rec_write(it->rec, b);
		b->len--;		/* the newline */
		return;
	}
	cx_buf_addc(b, '{');
	cx_buf_add(b, it->body, it->blen);
	cx_buf_addc(b, '}');
}

static int
followup(const struct item *it, const struct cx_reg_entry *e)
{
	struct cx_buf elem = { 0 }, hist = { 0 };
	struct cx_join j = { "followups", NULL, NULL, 0 };
	struct cx_err err;
	int r;

	followup_elem(it, &elem);
	history(&hist, "followup");
	j.elem = cx_buf_str(&elem);
	j.hist = cx_buf_str(&hist);
	r = cx_batch_join(G.b, G.sp, e, &j, &err);
	if (r == -2)		/* a read error is no "not open" */
		errx(CX_EXIT_ERR, "%s", err.msg);
	cx_buf_free(&elem);
	cx_buf_free(&hist);
	return r;
}

static int
rec_id(const struct cx_rec *r, struct cx_buf *id)
{
	const struct cx_field *f;

	if ((f = cx_rec_get(r, "id")) == NULL ||
	    cx_json_type(f->v, f->vlen) != CX_J_STR)
		return -1;
	return cx_json_str(f->v, f->vlen, id);
}

static void release(const struct cx_key *);

/* A follow-up of a conversation's export: what answers it joins e. */
static void
followed(const struct item *it, const struct cx_reg_entry *e)
{
	const struct cx_intake_msg *m = it->msg;
	struct cx_reg_entry copy = *e;
	char *id;

	if (m == NULL || !m->threaded)
		return;
	/* e->id may lie in the registry's ids, which adding moves. */
	id = cx_strndup(e->id, strlen(e->id));
	copy.id = id;
	if (m->has_self)
		cx_reg_add_to(G.reg, CX_REG_MESSAGE, m->self, &copy);
	if (m->has_conv && !cx_reg_find(G.reg, CX_REG_MESSAGE, m->conv, NULL))
		cx_reg_add_to(G.reg, CX_REG_MESSAGE, m->conv, &copy);
	if (m->has_self)
		release(&m->self);
	if (m->has_conv)
		release(&m->conv);
	free(id);
}

/* A new ticket, or a follow-up to the open ticket of its order. */
static void
open_ticket(const struct item *it)
{
	struct cx_reg_entry e;
	struct cx_buf id = { 0 }, text = { 0 };

	if (it->has_order && !(G.t.spool == NULL && it->rec != NULL &&
	    cx_rec_get(it->rec, "id") != NULL) &&
	    cx_reg_find(G.reg, CX_REG_ORDER, it->okey, &e)) {
		if (G.t.spool == NULL) {
			ticket_text(it, e.id, 1, &text);
			if (!G.dry)
				cx_buf_add(&G.t.out, text.p, text.len);
			G.nfollow++;
			followed(it, &e);
			goto out;
		}
		if (followup(it, &e) == 0) {
			/* The ticket's commit: its batch is where it lives. */
			cx_reg_add_to(G.reg, CX_REG_SOURCE, it->key, &e);
			G.nfollow++;
			followed(it, &e);
			goto out;
		}
	}
	if (G.t.spool == NULL && it->rec != NULL && rec_id(it->rec, &id) == 0)
		;		/* filter mode keeps a ticket's number */
	else
		cx_reg_ticket_id(G.reg, G.prefix, G.ctx.nowtext, &id);
	cx_buf_str(&id);
	cx_reg_add(G.reg, CX_REG_SOURCE, it->key, id.p);
	if (it->has_order)
		cx_reg_add(G.reg, CX_REG_ORDER, it->okey, id.p);
	G.nreg++;
	if (G.t.spool != NULL) {
		ticket_text(it, id.p, 0, &text);
		cx_batch_ticket(G.b, id.p, text.p, text.len);
	} else if (!G.dry)
		ticket_text(it, id.p, 0, &G.t.out);
	/* The messages that answer it, or its conversation, may go. */
	if (it->msg != NULL && it->msg->threaded && it->msg->has_self) {
		cx_reg_add(G.reg, CX_REG_MESSAGE, it->msg->self, id.p);
		release(&it->msg->self);
	}
	if (it->msg != NULL && it->msg->threaded && it->msg->has_conv) {
		cx_reg_add(G.reg, CX_REG_MESSAGE, it->msg->conv, id.p);
		release(&it->msg->conv);
	}
out:
	cx_buf_free(&id);
	cx_buf_free(&text);
}

static int
customer_msg(const void *h)
{
	return !((const struct held *)h)->m.team;
}

static struct held *
hold(const struct item *it)
{
	struct held *h = cx_alloc(sizeof(*h));
	const struct cx_intake_msg *m = it->msg;

	h->it = *it;
	h->it.body = it->body != NULL ? cx_strndup(it->body, it->blen) : NULL;
	h->it.file = cx_strndup(it->file, strlen(it->file));
	h->it.raw = cx_strndup(it->raw, it->rawn);
	h->it.events = it->events != NULL ? cx_strndup(it->events,
	    strlen(it->events)) : NULL;
	h->it.ticket = it->ticket != NULL ? cx_strndup(it->ticket,
	    strlen(it->ticket)) : NULL;
	h->it.sender = it->sender != NULL ? cx_strndup(it->sender,
	    strlen(it->sender)) : NULL;
	h->it.msg = &h->m;
	h->m = *m;
	memset(&h->m.elem, 0, sizeof(h->m.elem));
	memset(&h->m.hist, 0, sizeof(h->m.hist));
	cx_buf_add(&h->m.elem, m->elem.p, m->elem.len);
	cx_buf_add(&h->m.hist, m->hist.p, m->hist.len);
	(void)cx_buf_str(&h->m.elem);
	(void)cx_buf_str(&h->m.hist);
	return h;
}

static void
held_free(struct held *h)
{
	free((char *)h->it.body);
	free((char *)h->it.file);
	free((char *)h->it.raw);
	free((char *)h->it.events);
	free((char *)h->it.ticket);
	free((char *)h->it.sender);
	cx_intake_msg_free(&h->m);
	free(h);
}

/* The ticket a message joins: of the message it answers, or of its
 * conversation. */
static int
thread_of(const struct cx_intake_msg *m, struct cx_reg_entry *e)
{
	return (m->has_to && cx_reg_find(G.reg, CX_REG_MESSAGE, m->to, e)) ||
	    (m->has_conv && cx_reg_find(G.reg, CX_REG_MESSAGE, m->conv, e));
}

/*
 * A customer writes again about a ticket closed less than reopen_within
 * ago (cx-conf(5)): it is reopened, as cx-close reopens one, with what
 * they wrote in its conversation, and goes back through routing: to
 * classified/ in the commit, out of closed/.  0 if so, -1 if it is not
 * a ticket to reopen.
 */
static int
reopen(const struct item *it, const char *id)
{
	const struct cx_intake_msg *m = it->msg;
	struct cx_act_ctx ctx = { NULL, NULL, -1, "cx-ingest" };
	struct cx_action a = { 0 };
	struct cx_buf text = { 0 };
	struct cx_rec r = { 0 };
	struct cx_err e;
	const char *p;
	time_t closed;
	int rc = -1;

	if (G.t.spool == NULL || G.dry)
		return -1;
	for (p = G.reopened_ids.p; p != NULL && p < G.reopened_ids.p +
	    G.reopened_ids.len; p += strlen(p) + 1)
		if (strcmp(p, id) == 0)
			return -1;	/* once a run: the rest are new */
	if (cx_spool_read(G.sp, "closed", id, &text, &e) == -1) {
		if (errno != ENOENT)
			errx(CX_EXIT_ERR, "%s", e.msg);
		goto out;
	}
	if (cx_rec_parse(&r, text.p, text.len, &e, NULL) == -1 ||
	    (closed = cx_closed_at(&r)) == (time_t)-1 || m->at < closed ||
	    m->at - closed > G.reopen_within)
		goto out;
	a.kind = CX_ACT_REOPEN;
	a.id = id;
	a.agent = "cx-ingest";
	a.at = m->at;
	a.note = "the customer wrote again";
	if (cx_action_apply(&ctx, &a, &r, &e) != CX_ACT_REROUTES)
		goto out;
	cx_rec_insert_by_time(&r, "conversation", m->elem.p, m->at);
	cx_rec_insert_by_time(&r, "history", m->hist.p, m->at);
	cx_rec_write(&r, &G.reopened);
	cx_buf_add(&G.reopened_ids, id, strlen(id) + 1);
	rc = 0;
out:
	cx_rec_free(&r);
	cx_buf_free(&text);
	return rc;
}

/* Staged with the batch: the reopened tickets to classified/. */
void
commit_reopened(void)
{
	struct cx_buf name = { 0 };
	struct cx_err e;
	const char *p;

	if (G.reopened.len == 0)
		return;
	cx_buf_printf(&name, "B%010lu.jsonl", cx_spool_serial(G.sp));
	if (cx_spool_stage(G.sp, "classified", cx_buf_str(&name),
	    G.reopened.p, G.reopened.len, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (p = G.reopened_ids.p; p < G.reopened_ids.p + G.reopened_ids.len;
	    p += strlen(p) + 1)
		if (cx_spool_remove(G.sp, "closed", p, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	G.reopened.len = G.reopened_ids.len = 0;
	cx_buf_free(&name);
}

/* A message joins its ticket's conversation, at its own time. */
static void
join(const struct item *it, const struct cx_reg_entry *found)
{
	const struct cx_intake_msg *m = it->msg;
	struct cx_join j = { "conversation", m->elem.p, m->hist.p, m->at };
	struct cx_reg_entry e = *found;
	struct cx_buf why = { 0 };
	struct cx_err err;
	char *id = cx_strndup(found->id, strlen(found->id));
	int r;

	e.id = id;
	if (G.t.spool == NULL) {
		if (!G.dry) {
			cx_buf_adds(&G.t.out, "{\"followup_of\":");
			cx_json_addstr(&G.t.out, id, strlen(id));
			cx_buf_printf(&G.t.out, ",\"conversation\":[%s],"
			    "\"history\":[%s]}\n", j.elem, j.hist);
		}
	} else if ((r = cx_batch_join(G.b, G.sp, &e, &j, &err)) != 0) {
		if (r == -2)
			errx(CX_EXIT_ERR, "%s", err.msg);
		if (!m->team && reopen(it, id) == 0)
			goto joined;
		if (!m->team)
			open_ticket(it);	/* the ticket is closed */
		else {
			cx_buf_printf(&why, "a reply to ticket %s, which is "
			    "no longer open", id);
			reject(it->file, it->line, cx_buf_str(&why), it->raw,
			    it->rawn);
		}
		goto out;
	}
joined:
	cx_reg_add_to(G.reg, CX_REG_SOURCE, it->key, &e);
	if (m->team)
		G.nreply++;
	else
		G.nfollow++;
	if (m->has_self) {
		cx_reg_add_to(G.reg, CX_REG_MESSAGE, m->self, &e);
		release(&m->self);
	}
out:
	cx_buf_free(&why);
	free(id);
}

/*
 * Whether a mail may join the ticket it names: the ticket is open, or
 * closed (to be reopened), and it is its customer's, from the address
 * the ticket has; anyone can write a ticket number in a subject.  Only
 * in a spool, where the ticket can be read.
 */
static int
named(const struct item *it)
{
	static const char *const dirs[] = { "open", "closed" };
	struct cx_buf text = { 0 }, email = { 0 };
	struct cx_rec r = { 0 };
	struct cx_err err;
	int i, ok = 0;

	if (G.t.spool == NULL || it->sender == NULL || it->msg->team)
		return 0;
	for (i = 0; i < 2 && !ok; i++) {
		if (cx_spool_read(G.sp, dirs[i], it->ticket, &text, &err) ==
		    -1) {
			if (errno != ENOENT)
				errx(CX_EXIT_ERR, "%s", err.msg);
			continue;
		}
		ok = cx_rec_parse(&r, text.p, text.len, NULL, NULL) == 0 &&
		    cx_rec_getstr(&r, "customer.email", &email) == 0 &&
		    cx_streqi(email.p, email.len, it->sender,
		    strlen(it->sender));
		cx_rec_free(&r);
		text.len = 0;
		break;
	}
	cx_buf_free(&text);
	cx_buf_free(&email);
	return ok;
}

/*
 * A message of a conversation: it joins the ticket of the message it
 * answers; a customer's that answers nothing opens one; one whose message
 * is not registered yet waits for it.
 */
static void
converse(const struct item *it)
{
	const struct cx_intake_msg *m = it->msg;
	struct cx_reg_entry e;

	/* A mail that names its ticket ([CX-...] in the subject, or one of
	 * our messages answered) joins it while it is open, and reopens it
	 * if it closed lately. */
	if (it->ticket != NULL && named(it)) {
		e.id = it->ticket;
		e.serial = 0;
		join(it, &e);
		return;
	}
	if (thread_of(m, &e))
		join(it, &e);
	else if (!m->team && !m->has_to)
		open_ticket(it);
	else if (m->has_to || m->has_conv)
		cx_wait_add(G.wait, m->has_to ? m->to : m->conv, m->has_self ?
		    &m->self : NULL, hold(it));
	else
		reject(it->file, it->line, "a reply of the team's that answers "
		    "no message", it->raw, it->rawn);
}

/* The messages held for a key, and for those they free, in turn. */
static void
release(const struct cx_key *k)
{
	struct cx_key next;
	void **items;
	size_t n, i;

	cx_buf_add(&G.freed, k, sizeof(*k));
	if (G.releasing)
		return;
	G.releasing = 1;
	while (G.freed.len > 0) {
		G.freed.len -= sizeof(next);
		memcpy(&next, G.freed.p + G.freed.len, sizeof(next));
		n = cx_wait_take(G.wait, next, &items);
		for (i = 0; i < n; i++) {
			converse(&((struct held *)items[i])->it);
			held_free(items[i]);
		}
		free(items);
	}
	G.releasing = 0;
}

/*
 * Messages still waiting may answer rows of the map "ids of" names, which
 * registered no message of their own (helpdesk-log-zh.map answers the
 * tickets of helpdesk-zh.map): their tickets are looked up by those rows'
 * source keys, in one pass over the registry's keys.  Found, the message
 * is known from now on, and what waits for it goes.
 */
static void
look_up_rows(void)
{
	struct cx_reg_entry *e;
	struct cx_key *row, *to;
	struct held *h;
	char **id;
	size_t i, n = 0;
	int *found;

	for (i = 0; i < cx_wait_size(G.wait); i++)
		if (cx_wait_at(G.wait, i) != NULL)
			n++;
	if (n == 0)
		return;
	/* Two keys each: the id as written, and as read ("3.0" is 3). */
	row = cx_alloc(2 * n * sizeof(*row));
	to = cx_alloc(n * sizeof(*to));
	e = cx_alloc(2 * n * sizeof(*e));
	id = cx_alloc(n * sizeof(*id));
	found = cx_alloc(2 * n * sizeof(*found));
	/* Copied out: a release frees the items it takes. */
	for (i = 0, n = 0; i < cx_wait_size(G.wait); i++)
		if ((h = cx_wait_at(G.wait, i)) != NULL) {
			row[2 * n] = h->m.row[0];
			row[2 * n + 1] = h->m.row[1];
			to[n] = h->m.to;
			if (!h->m.has_row || !h->m.has_to)
				memset(&row[2 * n], 0, 2 * sizeof(*row));
			n++;
		}
	(void)cx_reg_lookup(G.reg, CX_REG_SOURCE, row, 2 * n, e, found);
	/* Copied too: adding to the registry may move its ids. */
	for (i = 0; i < n; i++) {
		if (!found[2 * i] && found[2 * i + 1]) {
			e[2 * i] = e[2 * i + 1];
			found[2 * i] = 1;
		}
		id[i] = found[2 * i] ? cx_strndup(e[2 * i].id,
		    strlen(e[2 * i].id)) : NULL;
	}
	for (i = 0; i < n; i++) {
		e[i] = e[2 * i];
		found[i] = found[2 * i];
		e[i].id = id[i];
		if (found[i] && !cx_reg_find(G.reg, CX_REG_MESSAGE, to[i],
		    NULL)) {
			cx_reg_add_to(G.reg, CX_REG_MESSAGE, to[i], &e[i]);
			release(&to[i]);
		}
		free(id[i]);
	}
	free(row);
	free(to);
	free(e);
	free(id);
	free(found);
}

/*
 * At the end of the input, what still waits answers nothing here.  A
 * customer's message opens a ticket, those that begin what is left of a
 * conversation first, so that the rest join them whatever the order of
 * the rows (one of a circle, which has none, begins it); a reply of the
 * team's is set aside.
 */
void
unhold(void)
{
	struct held *h;
	size_t pos, opened;

	look_up_rows();
	do {
		opened = 0;
		pos = 0;
		while ((h = cx_wait_next_first(G.wait, &pos, customer_msg)) !=
		    NULL) {
			open_ticket(&h->it);
			held_free(h);
			opened++;
		}
		pos = 0;
		if (opened == 0 && (h = cx_wait_next(G.wait, &pos,
		    customer_msg)) != NULL) {
			open_ticket(&h->it);
			held_free(h);
			opened++;
		}
	} while (opened > 0);
	pos = 0;
	while ((h = cx_wait_next(G.wait, &pos, NULL)) != NULL) {
		reject(h->it.file, h->it.line, "a reply to a message that is "
		    "not registered", h->it.raw, h->it.rawn);
		held_free(h);
	}
}

void
register_item(const struct item *it)
{
	if (cx_reg_claim(G.reg, CX_REG_SOURCE, it->key))
		G.ndup++;
	else if (it->msg != NULL && it->msg->threaded)
		converse(it);
	else
		open_ticket(it);
	if (G.t.spool == NULL)
		flush_out(0);
	else if (cx_batch_count(G.b) >= G.batch)
		commit();
}

/* Spool mode: the batch, its rejects and follow-ups, committed. */
void
commit(void)
{
	struct cx_err e;

	if (G.sp != NULL)
		commit_reopened();
	if (G.sp != NULL && cx_batch_commit(G.b, G.reg, G.sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
}
