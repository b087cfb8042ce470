/*
 * ingest-reg.c: what each row cx-ingest reads becomes.
 *
 * A row seen before (the same export ingested twice, the same message
 * from two exports) registers nothing; a second complaint by the same
 * customer about the same order, while the first is open, is added to the
 * first ticket as a follow-up; a message of a conversation goes to
 * ingest-conv.c; anything else is a new ticket, numbered from the spool's
 * per-day counter.  A row that cannot be registered is set aside in the
 * rejects with the reason.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"



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
			warn("%s", G.rejpath);
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
	r = cx_batch_join(G.b, G.reg, G.sp, e, &j, &err);
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

/*
 * A row of a conversation as it is stored, with the message keys it
 * registers kept in its source (cx-spool(5)): its own and its
 * conversation's for a new ticket; for a follow-up, its conversation's
 * only where no ticket has it yet, as followed() registers them.  body
 * holds the piece's members where it has no record.
 */
static void
with_thread(const struct item *it, int followup, struct item *piece,
    struct cx_buf *body)
{
	const struct cx_intake_msg *m = it->msg;
	struct cx_key k[2];
	size_t n = 0;

	*piece = *it;
	if (m == NULL || !m->threaded)
		return;
	if (m->has_self)
		k[n++] = m->self;
	if (m->has_conv && !(followup && cx_reg_find(G.reg, CX_REG_MESSAGE,
	    m->conv, NULL)) && !(n > 0 && memcmp(&k[0], &m->conv,
	    sizeof(m->conv)) == 0))
		k[n++] = m->conv;
	if (it->rec != NULL)
		cx_thread_set(it->rec, k, n);
	else if (n > 0) {
		cx_thread_body(it->body, it->blen, k, n, body);
		piece->body = body->p;
		piece->blen = body->len;
	}
}

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
void
open_ticket(const struct item *it)
{
	struct cx_reg_entry e;
	struct cx_buf id = { 0 }, text = { 0 }, body = { 0 };
	struct item piece;

	if (it->has_order && !(G.t.spool == NULL && it->rec != NULL &&
	    cx_rec_get(it->rec, "id") != NULL) &&
	    cx_reg_find(G.reg, CX_REG_ORDER, it->okey, &e)) {
		with_thread(it, 1, &piece, &body);
		if (G.t.spool == NULL) {
			ticket_text(&piece, e.id, 1, &text);
			if (!G.dry)
				cx_buf_add(&G.t.out, text.p, text.len);
			G.nfollow++;
			followed(it, &e);
			goto out;
		}
		if (followup(&piece, &e) == 0) {
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
	/* One that comes in closed is in no batch a follow-up may join. */
	e.id = cx_buf_str(&id);
	e.serial = it->closed ? 0 : G.sp != NULL ? cx_spool_serial(G.sp) : 1;
	cx_reg_add_to(G.reg, CX_REG_SOURCE, it->key, &e);
	if (it->has_order)
		cx_reg_add_to(G.reg, CX_REG_ORDER, it->okey, &e);
	G.nreg++;
	with_thread(it, 0, &piece, &body);
	if (G.t.spool != NULL) {
		ticket_text(&piece, id.p, 0, &text);
		cx_batch_ticket(G.b, id.p, text.p, text.len);
	} else if (!G.dry)
		ticket_text(&piece, id.p, 0, &G.t.out);
	/* The messages that answer it, or its conversation, may go. */
	if (it->msg != NULL && it->msg->threaded && it->msg->has_self) {
		cx_reg_add_to(G.reg, CX_REG_MESSAGE, it->msg->self, &e);
		release(&it->msg->self);
	}
	if (it->msg != NULL && it->msg->threaded && it->msg->has_conv) {
		cx_reg_add_to(G.reg, CX_REG_MESSAGE, it->msg->conv, &e);
		release(&it->msg->conv);
	}
out:
	cx_buf_free(&id);
	cx_buf_free(&text);
	cx_buf_free(&body);
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
