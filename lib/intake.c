/*
 * intake.c: one complaint as an export gives it, made into a ticket.
 *
 * Whatever the source (a CSV row through a column map, later a mail), the
 * reader fills a struct cx_intake with the raw text of each field, and
 * cx_intake_build validates and normalises it: times parsed in the team's
 * zone, phone and email normalised, amounts made exact decimals, the
 * channel and the expected remedy reduced to their codes.  What it builds
 * is the body of the ticket; the caller adds the number once dedupe has
 * decided there is to be a new ticket at all.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

static const char *names[CX_I_N] = {
	[CX_I_AGENT] = "agent",
	[CX_I_AMOUNT] = "amount",
	[CX_I_ANSWERED] = "answered_at",
	[CX_I_ANON] = "anonymous",
	[CX_I_ATTACH] = "attachments",
	[CX_I_AUTHOR] = "author",
	[CX_I_BATCH] = "batch",
	[CX_I_CARRIER] = "carrier",
	[CX_I_CHANNEL] = "channel",
	[CX_I_CLOSED] = "closed_at",
	[CX_I_CONV] = "conversation",
	[CX_I_CURRENCY] = "currency",
	[CX_I_EMAIL] = "customer.email",
	[CX_I_CUSTID] = "customer.id",
	[CX_I_NAME] = "customer.name",
	[CX_I_PHONE] = "customer.phone",
	[CX_I_TIER] = "customer.tier",
	[CX_I_EXPECT] = "expectation",
	[CX_I_EXTID] = "external_id",
	[CX_I_HAPPENED] = "happened_at",
	[CX_I_ORDER] = "order_id",
	[CX_I_OUTCOME] = "outcome",
	[CX_I_RECEIVED] = "received_at",
	[CX_I_REGION] = "region",
	[CX_I_REPLYTO] = "reply_to",
	[CX_I_SENT] = "sent_at",
	[CX_I_SKU] = "sku",
	[CX_I_SUBJECT] = "subject",
	[CX_I_TEXT] = "text",
	[CX_I_TIMELY] = "timely",
	[CX_I_WAREHOUSE] = "warehouse",
};

int
cx_intake_index(const char *field)
{
	int i;

	for (i = 0; i < CX_I_N; i++)
		if (strcmp(names[i], field) == 0)
			return i;
	return -1;
}

void
cx_intake_reset(struct cx_intake *t)
{
	memset(t->v, 0, sizeof(t->v));
	memset(t->n, 0, sizeof(t->n));
	t->nextra = 0;
	t->key = NULL;
	t->keylen = 0;
	t->team = t->threaded = 0;
}

void
cx_intake_extra(struct cx_intake *t, const char *k, size_t kn, const char *v,
    size_t vn)
{
	if (t->nextra == t->capextra) {
		t->capextra = t->capextra ? t->capextra * 2 : 16;
		t->extra = cx_realloc(t->extra, t->capextra * sizeof(*t->extra));
	}
	t->extra[t->nextra].k = k;
	t->extra[t->nextra].kn = kn;
	t->extra[t->nextra].v = v;
	t->extra[t->nextra].vn = vn;
	t->nextra++;
}

void
cx_intake_free(struct cx_intake *t)
{
	free(t->extra);
	t->extra = NULL;
	t->capextra = t->nextra = 0;
}

/* Fields are trimmed once, when the build starts. */
static int
has(const struct cx_intake *t, int i)
{
	return t->v[i] != NULL && t->n[i] > 0;
}

static void
field(const struct cx_intake *t, int i, const char **s, size_t *n)
{
	*s = t->v[i];
	*n = t->n[i];
}

/*
 * The field whose text was not UTF-8, if any: strings are checked as they
 * are escaped (one pass over each byte), and the build fails at its end.
 */
static const char *badfield;

/* Inlined, so that the length of each literal key is known at compile. */
#define HOT	static inline __attribute__((always_inline))

HOT void
addstr(struct cx_buf *b, const char *key, const char *s, size_t n)
{
	cx_buf_addc(b, ',');
	cx_buf_addc(b, '"');
	cx_buf_add(b, key, strlen(key));
	cx_buf_add(b, "\":", 2);
	if (cx_json_addstr_utf8(b, s, n) == -1) {
		if (badfield == NULL)
			badfield = key;
		cx_buf_adds(b, "null");
	}
}

HOT void
addfield(struct cx_buf *b, const struct cx_intake *t, int i, const char *key)
{
	const char *s;
	size_t n;

	if (!has(t, i))
		return;
	field(t, i, &s, &n);
	addstr(b, key, s, n);
}

static int
addtime(struct cx_buf *b, const struct cx_intake *t, int i, const char *key,
    time_t *when, struct cx_err *err)
{
	struct cx_err e;
	const char *s;
	size_t n;

	if (!has(t, i))
		return 0;
	field(t, i, &s, &n);
	if (cx_time_parse(s, n, when, &e) == -1) {
		cx_seterr(err, "%s: %s", key, e.msg);
		return -1;
	}
	cx_json_addkey(b, 0, key);
	cx_buf_addc(b, '"');
	cx_time_fmt(*when, b);
	cx_buf_addc(b, '"');
	return 0;
}

static int
truthy(const char *s, size_t n)
{
	static const char *yes[] = { "1", "true", "yes", "y", "是", "匿名",
	    "t" };
	size_t i;

	cx_trim(&s, &n);
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (cx_streqi(s, n, yes[i], strlen(yes[i])))
			return 1;
	return 0;
}

static void
tagged(struct cx_buf *b, const char *tag, const char *s, size_t n)
{
	cx_buf_adds(b, tag);
	cx_buf_add(b, s, n);
}

/* customer {id, name, phone, email, tier, anonymous}; its dedupe name. */
static void
customer(struct cx_buf *b, const struct cx_intake *t, struct cx_buf *who,
    struct cx_buf *warn)
{
	struct cx_buf v = { 0 };
	const char *s;
	size_t n, mark;
	int anon;

	cx_json_addkey(b, 0, "customer");
	cx_buf_addc(b, '{');
	mark = b->len;
	/* Asked to stay anonymous: no contact is kept at all (R1.6). */
	if (has(t, CX_I_ANON) && truthy(t->v[CX_I_ANON], t->n[CX_I_ANON])) {
		addfield(b, t, CX_I_TIER, "tier");
		cx_buf_adds(b, ",\"anonymous\":true}");
		memmove(b->p + mark, b->p + mark + 1, b->len - mark - 1);
		b->len--;
		return;
	}
	anon = !has(t, CX_I_CUSTID) && !has(t, CX_I_NAME) &&
	    !has(t, CX_I_PHONE) && !has(t, CX_I_EMAIL);
	addfield(b, t, CX_I_CUSTID, "id");
	addfield(b, t, CX_I_NAME, "name");
	if (has(t, CX_I_PHONE)) {
		field(t, CX_I_PHONE, &s, &n);
		if (cx_norm_phone(s, n, &v) == 0)
			addstr(b, "phone", v.p, v.len);
		else {
			addstr(b, "phone_raw", s, n);
			/* Warnings go to cron mail: the number is not in
			 * them (R1.6); FILE:LINE finds the row. */
			cx_buf_adds(warn, "phone number not understood, kept "
			    "as written in phone_raw");
		}
	}
	if (who->len == 0 && v.len > 0)
		tagged(who, "p:", v.p, v.len);
	if (has(t, CX_I_EMAIL)) {
		v.len = 0;
		field(t, CX_I_EMAIL, &s, &n);
		if (cx_norm_email(s, n, &v) == 0)
			addstr(b, "email", v.p, v.len);
		else {
			addstr(b, "email_raw", s, n);
			if (warn->len == 0)
				cx_buf_adds(warn, "email address not "
				    "understood, kept as written in email_raw");
		}
		if (who->len == 0 && v.len > 0)
			tagged(who, "e:", v.p, v.len);
	}
	addfield(b, t, CX_I_TIER, "tier");
	if (anon)
		cx_buf_adds(b, ",\"anonymous\":true");
	/* The fields were written with leading commas: drop the first. */
	if (b->len > mark) {
		memmove(b->p + mark, b->p + mark + 1, b->len - mark - 1);
		b->len--;
	}
	cx_buf_addc(b, '}');
	if (has(t, CX_I_CUSTID)) {
		field(t, CX_I_CUSTID, &s, &n);
		who->len = 0;
		tagged(who, "i:", s, n);
	}
	cx_buf_free(&v);
}

static void
attachments(struct cx_buf *b, const struct cx_intake *t)
{
	const char *s, *p, *end, *sep, *a;
	size_t n, an;
	int first = 1;

	if (!has(t, CX_I_ATTACH))
		return;
	field(t, CX_I_ATTACH, &s, &n);
	cx_json_addkey(b, 0, "attachments");
	cx_buf_addc(b, '[');
	for (p = s, end = s + n; p < end; p = sep + 1) {
		for (sep = p; sep < end && !strchr(";|\n,", *sep); sep++)
			;
		a = p;
		an = (size_t)(sep - p);
		cx_trim(&a, &an);
		if (an > 0) {
			if (!first)
				cx_buf_addc(b, ',');
			first = 0;
			if (cx_json_addstr_utf8(b, a, an) == -1) {
				badfield = "attachments";
				cx_buf_adds(b, "null");
			}
		}
		if (sep == end)
			break;
	}
	cx_buf_addc(b, ']');
}

static int
amount(struct cx_buf *b, const struct cx_intake *t, struct cx_err *err)
{
	struct cx_buf v = { 0 };
	const char *s, *cur;
	size_t n;

	if (has(t, CX_I_AMOUNT)) {
		field(t, CX_I_AMOUNT, &s, &n);
		if (cx_norm_amount(s, n, &v, &cur) == -1) {
			cx_seterr(err, "invalid amount \"%.*s\"", (int)n, s);
			cx_buf_free(&v);
			return -1;
		}
		cx_json_addkey(b, 0, "amount");
		cx_buf_add(b, v.p, v.len);
		if (has(t, CX_I_CURRENCY))
			addfield(b, t, CX_I_CURRENCY, "currency");
		else if (cur != NULL)
			addstr(b, "currency", cur, strlen(cur));
	} else
		addfield(b, t, CX_I_CURRENCY, "currency");
	cx_buf_free(&v);
	return 0;
}

static void
expectation(struct cx_buf *b, const struct cx_intake *t,
    const struct cx_intake_ctx *c)
{
	const char *s, *code;
	size_t n;

	if (!has(t, CX_I_EXPECT))
		return;
	field(t, CX_I_EXPECT, &s, &n);
	code = NULL;
	if (c->remedies != NULL && (code = cx_alias_code(c->remedies, s, n))
	    == NULL)
		code = cx_alias_find(c->remedies, s, n);
	addstr(b, "expectation", code ? code : "other",
	    strlen(code ? code : "other"));
	if (code == NULL || !cx_streqi(s, n, code, strlen(code)))
		addstr(b, "expectation_text", s, n);
}

static void
channel(struct cx_buf *b, const struct cx_intake *t,
    const struct cx_intake_ctx *c, struct cx_buf *out)
{
	const char *s = "unknown", *code;
	size_t n = 7, i;

	if (has(t, CX_I_CHANNEL))
		field(t, CX_I_CHANNEL, &s, &n);
	else if (c->channel != NULL) {
		s = c->channel;
		n = strlen(s);
	}
	if (c->channels != NULL && (code = cx_alias_code(c->channels, s, n))
	    != NULL) {
		s = code;
		n = strlen(code);
	}
	for (i = 0; i < n; i++)
		cx_buf_addc(out, s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	addstr(b, "channel", out->p, out->len);
}

static void
extras(struct cx_buf *b, const struct cx_intake *t)
{
	size_t i;

	if (t->nextra == 0)
		return;
	cx_json_addkey(b, 0, "extra");
	cx_buf_addc(b, '{');
	for (i = 0; i < t->nextra; i++) {
		if (i > 0)
			cx_buf_addc(b, ',');
		/* A header read in the wrong charset names it: the row is
		 * set aside, as for a value, never stored as no JSON. */
		if (cx_json_addstr_utf8(b, t->extra[i].k, t->extra[i].kn)
		    == -1) {
			if (badfield == NULL)
				badfield = "a column name kept under extra";
			cx_buf_adds(b, "\"\"");
		}
		cx_buf_addc(b, ':');
		if (cx_json_addstr_utf8(b, t->extra[i].v, t->extra[i].vn)
		    == -1) {
			if (badfield == NULL)
				badfield = "extra";
			cx_buf_adds(b, "null");
		}
	}
	cx_buf_addc(b, '}');
}

int
cx_intake_build(struct cx_intake *t, const struct cx_intake_ctx *c,
    struct cx_intake_out *o, struct cx_err *err)
{
	struct cx_buf *b = &o->body, ch = { 0 }, who = { 0 };
	const char *s;
	size_t n, i;
	time_t when;
	char hex[33];

	b->len = o->warn.len = 0;
	for (i = 0; i < CX_I_N; i++)
		if (t->v[i] != NULL)
			cx_trim(&t->v[i], &t->n[i]);
	/* The writer of a customer's message is the customer. */
	if (!has(t, CX_I_CUSTID) && has(t, CX_I_AUTHOR)) {
		t->v[CX_I_CUSTID] = t->v[CX_I_AUTHOR];
		t->n[CX_I_CUSTID] = t->n[CX_I_AUTHOR];
	}
	o->has_order = 0;
	badfield = NULL;
	if (!has(t, CX_I_TEXT) && !has(t, CX_I_SUBJECT)) {
		cx_seterr(err, "empty complaint: no subject and no description");
		return -1;
	}
	channel(b, t, c, &ch);
	/* source {channel, file, line, key, ext, map}: the dedupe key. */
	cx_json_addkey(b, 0, "source");
	cx_buf_addc(b, '{');
	cx_json_addkey(b, 1, "file");
	cx_json_addstr(b, t->file, strlen(t->file));
	cx_buf_adds(b, ",\"line\":");
	cx_buf_ulong(b, t->line);
	if (t->map != NULL)
		addstr(b, "map", t->map, strlen(t->map));
	addfield(b, t, CX_I_EXTID, "ext");
	cx_key_hex(o->key, hex);
	addstr(b, "key", hex, 32);
	cx_buf_addc(b, '}');
	when = c->now;
	if (addtime(b, t, CX_I_RECEIVED, "received_at", &when, err) == -1)
		goto bad;
	if (!has(t, CX_I_RECEIVED)) {
		cx_json_addkey(b, 0, "received_at");
		cx_buf_add(b, c->nowtext, strlen(c->nowtext));
	}
	o->received = when;
	cx_json_addkey(b, 0, "registered_at");
	cx_buf_add(b, c->nowtext, strlen(c->nowtext));
	customer(b, t, &who, &o->warn);
	addfield(b, t, CX_I_ORDER, "order_id");
	addfield(b, t, CX_I_SKU, "sku");
	addfield(b, t, CX_I_BATCH, "batch");
	addfield(b, t, CX_I_WAREHOUSE, "warehouse");
	addfield(b, t, CX_I_CARRIER, "carrier");
	addfield(b, t, CX_I_REGION, "region");
	if (amount(b, t, err) == -1)
		goto bad;
	if (addtime(b, t, CX_I_HAPPENED, "happened_at", &when, err) == -1)
		goto bad;
	addfield(b, t, CX_I_SUBJECT, "subject");
	addfield(b, t, CX_I_TEXT, "text");
	expectation(b, t, c);
	attachments(b, t);
	addfield(b, t, CX_I_AGENT, "received_by");
	if (cx_intake_outcome(t, c, o, err) == -1)
		goto bad;
	extras(b, t);
	/* Same customer, same order: one complaint, whatever the channel. */
	if (who.len > 0 && has(t, CX_I_ORDER)) {
		field(t, CX_I_ORDER, &s, &n);
		cx_buf_add(&who, "\0", 1);
		cx_buf_add(&who, s, n);
		o->order_key = cx_key_of(who.p, who.len);
		o->has_order = 1;
	}
	if (badfield != NULL) {
		cx_seterr(err, "invalid UTF-8 in %s", badfield);
		goto bad;
	}
	/* Drop the comma the first member was written with. */
	memmove(b->p, b->p + 1, b->len - 1);
	b->len--;
	cx_buf_free(&ch);
	cx_buf_free(&who);
	return 0;
bad:
	cx_buf_free(&ch);
	cx_buf_free(&who);
	return -1;
}

/* The string at a path of a record, trimmed, into b; 0 if not empty. */
static int
rec_str(const struct cx_rec *r, const char *path, struct cx_buf *b)
{
	const char *v;
	size_t n;

	if (cx_rec_getstr(r, path, b) == -1)
		return -1;
	v = b->p;
	n = b->len;
	cx_trim(&v, &n);
	if (n > 0)
		memmove(b->p, v, n);
	b->len = n;
	(void)cx_buf_str(b);
	return b->len > 0 ? 0 : -1;
}

static void
who_is(struct cx_buf *who, const char *how, const struct cx_buf *v)
{
	cx_buf_adds(who, how);
	cx_buf_add(who, v->p, v->len);
}

static void
set_now(struct cx_rec *r, const char *key, time_t now)
{
	struct cx_buf v = { 0 };

	if (cx_rec_get(r, key) != NULL)
		return;
	cx_buf_addc(&v, '"');
	cx_time_fmt(now, &v);
	cx_buf_addc(&v, '"');
	cx_rec_set_raw(r, key, v.p, v.len);
	cx_buf_free(&v);
}

/* Set a member of an object member of r ("customer", "phone"). */
static void
set_in(struct cx_rec *r, const char *obj, const char *key, const char *v,
    size_t vn)
{
	const struct cx_field *f;
	struct cx_buf b = { 0 };

	if ((f = cx_rec_get(r, obj)) == NULL)
		cx_rec_set_raw(r, obj, "{}", 2);
	f = cx_rec_get(r, obj);
	if (cx_json_setmember(f->v, f->vlen, key, v, vn, &b) == 0)
		cx_rec_set_raw(r, obj, b.p, b.len);
	cx_buf_free(&b);
}

/* Normalise a contact the way a CSV row's is; 0 if it was normalised. */
static int
norm_contact(struct cx_rec *r, const char *path, const char *key,
    int (*norm)(const char *, size_t, struct cx_buf *), struct cx_buf *out)
{
	struct cx_buf s = { 0 }, j = { 0 };
	int rc = -1;

	out->len = 0;
	if (rec_str(r, path, &s) == 0 && norm(s.p, s.len, out) == 0) {
		cx_json_addstr(&j, out->p, out->len);
		if (j.len != s.len + 2 || memcmp(j.p + 1, s.p, s.len) != 0)
			set_in(r, "customer", key, j.p, j.len);
		rc = 0;
	}
	cx_buf_free(&s);
	cx_buf_free(&j);
	return rc;
}

/* received_at as RFC 3339, or now if there is none. */
static int
rec_received(struct cx_rec *r, const struct cx_intake_ctx *c,
    struct cx_err *err)
{
	const struct cx_field *f;
	struct cx_buf s = { 0 }, v = { 0 };
	struct cx_err e;
	time_t t;
	int rc = 0;

	if (rec_str(r, "received_at", &s) == 0) {
		if (cx_time_parse(s.p, s.len, &t, &e) == -1) {
			cx_seterr(err, "received_at: %s", e.msg);
			rc = -1;
		} else {
			cx_buf_addc(&v, '"');
			cx_time_fmt(t, &v);
			cx_buf_addc(&v, '"');
			if (v.len != s.len + 2 || memcmp(v.p + 1, s.p, s.len))
				cx_rec_set_raw(r, "received_at", v.p, v.len);
		}
	} else if ((f = cx_rec_get(r, "received_at")) != NULL &&
	    cx_json_type(f->v, f->vlen) != CX_J_STR &&
	    cx_json_type(f->v, f->vlen) != CX_J_NULL) {
		cx_seterr(err, "received_at: not a time");
		rc = -1;
	} else {
		cx_rec_del(r, "received_at");	/* "" or null: none given */
		set_now(r, "received_at", c->now);
	}
	cx_buf_free(&s);
	cx_buf_free(&v);
	return rc;
}

static void
rec_channel(struct cx_rec *r, const struct cx_intake_ctx *c)
{
	struct cx_buf s = { 0 }, low = { 0 };
	const char *ch, *code;
	size_t n, i;

	if (rec_str(r, "channel", &s) == 0) {
		ch = s.p;
		n = s.len;
	} else {
		ch = c->channel ? c->channel : "unknown";
		n = strlen(ch);
	}
	code = c->channels ? cx_alias_code(c->channels, ch, n) : NULL;
	if (code != NULL) {
		ch = code;
		n = strlen(code);
	}
	/* Lower case, as a CSV row's channel is. */
	for (i = 0; i < n; i++)
		cx_buf_addc(&low, ch[i] >= 'A' && ch[i] <= 'Z' ? ch[i] + 32 :
		    ch[i]);
	if (s.len != n || memcmp(s.p, low.p, n) != 0)
		cx_rec_set_str(r, "channel", low.p, n);
	cx_buf_free(&s);
	cx_buf_free(&low);
}

/*
 * The customer and order of a record, as the key of its follow-ups: the
 * same customer name as a CSV row gives (see customer()), from the
 * contacts as registration normalises them.  1 if it has both.
 */
int
cx_intake_order(const struct cx_rec *r, struct cx_key *okey)
{
	struct cx_buf s = { 0 }, v = { 0 }, who = { 0 };
	int has = 0;

	if (rec_str(r, "customer.phone", &s) == 0 &&
	    cx_norm_phone(s.p, s.len, &v) == 0)
		who_is(&who, "p:", &v);
	v.len = 0;
	if (who.len == 0 && rec_str(r, "customer.email", &s) == 0 &&
	    cx_norm_email(s.p, s.len, &v) == 0)
		who_is(&who, "e:", &v);
	if (rec_str(r, "customer.id", &s) == 0) {
		who.len = 0;
		who_is(&who, "i:", &s);
	}
	if (who.len > 0 && rec_str(r, "order_id", &v) == 0) {
		cx_buf_addc(&who, 0);
		cx_buf_add(&who, v.p, v.len);
		*okey = cx_key_of(who.p, who.len);
		has = 1;
	}
	cx_buf_free(&s);
	cx_buf_free(&v);
	cx_buf_free(&who);
	return has;
}

/*
 * A record read as JSON Lines is a ticket already (from another spool, or
 * cx-ingest in filter mode): it is checked and normalised as a CSV row
 * would be, and given what registration adds; its source key and its
 * customer-and-order key are found.
 */
int
cx_intake_rec(struct cx_rec *r, const struct cx_intake_ctx *c,
    const char *file, unsigned long line, struct cx_key *key, int *has_order,
    struct cx_key *okey, struct cx_err *err)
{
	struct cx_buf s = { 0 }, v = { 0 };
	char hex[33];
	int rc = -1;

	if (rec_str(r, "text", &s) == -1 && rec_str(r, "subject", &s) == -1) {
		cx_seterr(err, "empty complaint: no subject and no description");
		goto out;
	}
	if (rec_received(r, c, err) == -1)
		goto out;
	set_now(r, "registered_at", c->now);
	rec_channel(r, c);
	if (rec_str(r, "source.key", &s) == -1 ||
	    cx_key_parse(s.p, s.len, key) == -1) {
		*key = cx_key_of(r->line, r->len);
		cx_key_hex(*key, hex);
		cx_buf_adds(&v, "{\"file\":");
		cx_json_addstr(&v, file, strlen(file));
		cx_buf_adds(&v, ",\"line\":");
		cx_buf_ulong(&v, line);
		cx_buf_adds(&v, ",\"key\":\"");
		cx_buf_add(&v, hex, 32);
		cx_buf_adds(&v, "\"}");
		cx_rec_set_raw(r, "source", v.p, v.len);
	}
	(void)norm_contact(r, "customer.phone", "phone", cx_norm_phone, &s);
	(void)norm_contact(r, "customer.email", "email", cx_norm_email, &s);
	*has_order = cx_intake_order(r, okey);
	rc = 0;
out:
	cx_buf_free(&s);
	cx_buf_free(&v);
	return rc;
}
