/*
 * ingest-conv.c: the messages of conversations cx-ingest reads.
 *
 * A message of a conversation joins the ticket of the message it answers
 * (lib/thread.c), or of its conversation, or the ticket its mail names;
 * one whose message is not registered yet waits for it until the end of
 * the input; a customer's that answers nothing opens a ticket
 * (ingest-reg.c).  A customer who writes again about a ticket closed
 * lately reopens it.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"

/* A message held until the one it answers is registered. */
struct held {
	struct item		 it;
	struct cx_intake_msg	 m;
};

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

/* How a message found the ticket it joins. */
enum { BY_NAME = 1, BY_TO, BY_CONV };

/* The ticket a message joins: of the message it answers (BY_TO), or of
 * its conversation (BY_CONV); 0 if neither has one. */
static int
thread_of(const struct cx_intake_msg *m, struct cx_reg_entry *e)
{
	if (m->has_to && cx_reg_find(G.reg, CX_REG_MESSAGE, m->to, e))
		return BY_TO;
	if (m->has_conv && cx_reg_find(G.reg, CX_REG_MESSAGE, m->conv, e))
		return BY_CONV;
	return 0;
}

/*
 * A customer writes again about a ticket closed less than reopen_within
 * ago (cx-conf(5)): it is reopened, as cx-close reopens one, with what
 * they wrote in its conversation, and goes back through routing: to
 * classified/ in the commit, out of closed/.  0 if so, -1 if it is not
 * a ticket to reopen.
 */
static int
reopen(const struct item *it, const char *id, const char *elem)
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
	cx_rec_insert_by_time(&r, "conversation", elem, m->at);
	cx_rec_insert_by_time(&r, "history", m->hist.p, m->at);
	cx_rec_write(&r, &G.reopened);
	cx_buf_add(&G.reopened_ids, id, strlen(id) + 1);
	rc = 0;
out:
	cx_rec_free(&r);
	cx_buf_free(&text);
	return rc;
}

/*
 * Staged with the batch: the reopened tickets to classified/, under a
 * name of their own: the commit's new tickets go there too, under
 * B<serial>.jsonl, when they are classified.
 */
void
commit_reopened(void)
{
	struct cx_buf name = { 0 };
	struct cx_err e;
	const char *p;

	if (G.reopened.len == 0)
		return;
	cx_buf_printf(&name, "B%010lu.reopened.jsonl", cx_spool_serial(G.sp));
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
join(const struct item *it, const struct cx_reg_entry *found, int by)
{
	const struct cx_intake_msg *m = it->msg;
	struct cx_join j = { "conversation", NULL, m->hist.p, m->at };
	struct cx_reg_entry e = *found;
	struct cx_buf why = { 0 }, elem = { 0 };
	struct cx_key k[2];
	struct cx_err err;
	char *id = cx_strndup(found->id, strlen(found->id));
	size_t n = 0;
	int r;

	e.id = id;
	/* Kept with it: its source key, its own key, and the key of the
	 * message it answers, which the registry has for this ticket now
	 * (cx-spool(5)). */
	if (m->has_self)
		k[n++] = m->self;
	if (by == BY_TO && !(n > 0 && memcmp(&k[0], &m->to,
	    sizeof(m->to)) == 0))
		k[n++] = m->to;
	cx_thread_elem(m->elem.p, it->key, k, n, &elem);
	j.elem = elem.p;
	if (G.t.spool == NULL) {
		if (!G.dry) {
			cx_buf_adds(&G.t.out, "{\"followup_of\":");
			cx_json_addstr(&G.t.out, id, strlen(id));
			cx_buf_printf(&G.t.out, ",\"conversation\":[%s],"
			    "\"history\":[%s]}\n", j.elem, j.hist);
		}
	} else if ((r = cx_batch_join(G.b, G.reg, G.sp, &e, &j, &err)) != 0) {
		if (r == -2)
			errx(CX_EXIT_ERR, "%s", err.msg);
		if (!m->team && reopen(it, id, j.elem) == 0)
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
	cx_buf_free(&elem);
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
void
converse(const struct item *it)
{
	const struct cx_intake_msg *m = it->msg;
	struct cx_reg_entry e;
	int by;

	/* A mail that names its ticket ([CX-...] in the subject, or one of
	 * our messages answered) joins it while it is open, and reopens it
	 * if it closed lately. */
	if (it->ticket != NULL && named(it)) {
		e.id = it->ticket;
		e.serial = 0;
		join(it, &e, BY_NAME);
		return;
	}
	if ((by = thread_of(m, &e)) != 0)
		join(it, &e, by);
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
void
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
