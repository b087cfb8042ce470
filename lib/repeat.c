/*
 * repeat.c: each customer's complaints over time, for cx-route's flags:
 * "repeat" when a customer complained N times in M days, this complaint
 * included, and "review" when N of their complaints were closed as
 * unfounded (R3.6: flagged from history, never dropped).  A customer is
 * named as cx-ingest names one for follow-ups: by id, phone or email.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

struct customer {
	time_t		*t;		/* when each complaint came */
	uint64_t	*id;		/* which ticket it is (a hash) */
	size_t		 n;
	size_t		 unfounded;	/* closed as unfounded */
};

struct cx_repeat {
	size_t		 count, days, review;
	struct cx_keyset keys;		/* customer to index */
	struct customer	*c;
	size_t		 n;
	struct cx_buf	 s;
};

struct cx_repeat *
cx_repeat_new(size_t count, size_t days, size_t review)
{
	struct cx_repeat *rp = cx_alloc(sizeof(*rp));

	rp->count = count;
	rp->days = days;
	rp->review = review;
	return rp;
}

void
cx_repeat_free(struct cx_repeat *rp)
{
	size_t i;

	if (rp == NULL)
		return;
	for (i = 0; i < rp->n; i++) {
		free(rp->c[i].t);
		free(rp->c[i].id);
	}
	free(rp->c);
	cx_keyset_free(&rp->keys);
	cx_buf_free(&rp->s);
	free(rp);
}

static struct customer *
customer(struct cx_repeat *rp, const struct cx_rec *r)
{
	static const char *const paths[] = { "customer.id", "customer.phone",
	    "customer.email" };
	struct cx_key k;
	uint32_t i;
	size_t p;

	for (p = 0; p < 3; p++)
		if (cx_rec_getstr(r, paths[p], &rp->s) == 0 && rp->s.len > 0)
			break;
	if (p == 3)
		return NULL;
	cx_buf_addc(&rp->s, (int)p);
	k = cx_key_of(rp->s.p, rp->s.len);
	if (!cx_keyset_get(&rp->keys, k, &i)) {
		rp->c = cx_grow(rp->c, rp->n, sizeof(*rp->c));
		memset(&rp->c[rp->n], 0, sizeof(rp->c[0]));
		i = (uint32_t)rp->n++;
		cx_keyset_put(&rp->keys, k, i, NULL);
	}
	return &rp->c[i];
}

static time_t
received(struct cx_repeat *rp, const struct cx_rec *r)
{
	time_t t = cx_now();

	if (cx_rec_getstr(r, "received_at", &rp->s) == 0)
		(void)cx_time_parse(rp->s.p, rp->s.len, &t, NULL);
	return t;
}

/* A ticket's id as a number, to tell it from the customer's others. */
static uint64_t
id_of(struct cx_repeat *rp, const struct cx_rec *r)
{
	return cx_rec_getstr(r, "id", &rp->s) == 0 ?
	    cx_key_of(rp->s.p, rp->s.len).h[0] : 0;
}

static void
remember(struct customer *c, time_t t, uint64_t id)
{
	c->t = cx_grow(c->t, c->n, sizeof(*c->t));
	c->id = cx_grow(c->id, c->n, sizeof(*c->id));
	c->t[c->n] = t;
	c->id[c->n++] = id;
}

void
cx_repeat_note(struct cx_repeat *rp, const struct cx_rec *r)
{
	struct customer *c;

	if ((c = customer(rp, r)) == NULL)
		return;
	remember(c, received(rp, r), id_of(rp, r));
	if (cx_rec_getstr(r, "resolution.code", &rp->s) == 0 &&
	    strcmp(rp->s.p, "unfounded") == 0)
		c->unfounded++;
}

void
cx_repeat_flags(struct cx_repeat *rp, const struct cx_rec *r,
    struct cx_buf *f)
{
	struct customer *c;
	time_t t = received(rp, r);
	uint64_t id = id_of(rp, r);
	size_t i, n = 0;

	if ((c = customer(rp, r)) == NULL)
		return;
	/* Not counting the ticket itself, if it was counted already. */
	for (i = 0; i < c->n; i++)
		if (c->t[i] <= t && t - c->t[i] <= (time_t)rp->days * 86400 &&
		    (id == 0 || c->id[i] != id))
			n++;
	if (n + 1 >= rp->count)
		cx_buf_adds(f, ",\"repeat\"");
	if (rp->review > 0 && c->unfounded >= rp->review)
		cx_buf_adds(f, ",\"review\"");
	remember(c, t, id);
}
