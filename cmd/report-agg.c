/*
 * report-agg.c: the counts a briefing is made of, and their partial form.
 *
 * Every figure of a briefing comes from whole numbers kept under string
 * keys ("vol\x1fchannel\x1fchat\x1fc": chats this period) and from four
 * ranked lists kept short (the longest breaches, the typical cases, the
 * QA candidates).  Counts add; a list of the merged parts, sorted and cut,
 * is the list of the whole, as each part keeps at least what the whole
 * could want of it.  So partials merge exactly, in any order.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define PARTIAL_VERSION	1

static uint64_t
hash(const char *s, size_t n)
{
	return cx_key_of(s, n).h[0];
}

void
agg_init(struct agg *a)
{
	static const size_t keep[L_N] = { REP_BREACHES, REP_CASES, 0,
	    REP_QAHEAP };
	int i;

	memset(a, 0, sizeof(*a));
	a->nslot = 1024;
	a->slot = cx_alloc(a->nslot * sizeof(*a->slot));
	memset(a->slot, 0, a->nslot * sizeof(*a->slot));
	for (i = 0; i < L_N; i++)
		a->list[i].keep = keep[i];
}

void
agg_free(struct agg *a)
{
	size_t i;
	int l;

	for (i = 0; i < a->nslot; i++)
		free(a->slot[i].key);
	free(a->slot);
	for (l = 0; l < L_N; l++) {
		for (i = 0; i < a->list[l].n; i++) {
			free(a->list[l].v[i].id);
			free(a->list[l].v[i].json);
		}
		free(a->list[l].v);
	}
	cx_buf_free(&a->k);
}

static void
grow(struct agg *a)
{
	struct rep_slot *old = a->slot;
	size_t i, j, n = a->nslot;

	a->nslot *= 2;
	a->slot = cx_alloc(a->nslot * sizeof(*a->slot));
	memset(a->slot, 0, a->nslot * sizeof(*a->slot));
	for (i = 0; i < n; i++) {
		if (old[i].key == NULL)
			continue;
		for (j = old[i].h & (a->nslot - 1); a->slot[j].key != NULL;
		    j = (j + 1) & (a->nslot - 1))
			;
		a->slot[j] = old[i];
	}
	free(old);
}

static struct rep_slot *
find(const struct agg *a, const char *key, size_t klen, uint64_t h)
{
	size_t j;

	for (j = h & (a->nslot - 1); a->slot[j].key != NULL;
	    j = (j + 1) & (a->nslot - 1))
		if (a->slot[j].h == h && a->slot[j].klen == klen &&
		    memcmp(a->slot[j].key, key, klen) == 0)
			return &a->slot[j];
	return &a->slot[j];
}

void
agg_addk(struct agg *a, const char *key, size_t klen, long long n)
{
	uint64_t h = hash(key, klen);
	struct rep_slot *s = find(a, key, klen, h);

	if (s->key == NULL) {
		if ((a->used + 1) * 4 > a->nslot * 3) {
			grow(a);
			s = find(a, key, klen, h);
		}
		s->key = cx_strndup(key, klen);
		s->klen = klen;
		s->h = h;
		a->used++;
	}
	/* A part could hold any number: the count stops at the largest. */
	if (__builtin_add_overflow(s->n, n, &s->n))
		s->n = n > 0 ? LLONG_MAX : LLONG_MIN;
}

static void
key_of(struct cx_buf *k, va_list ap)
{
	const char *f;
	int first = 1;

	k->len = 0;
	while ((f = va_arg(ap, const char *)) != NULL) {
		if (!first)
			cx_buf_addc(k, '\x1f');
		/* The separator in a value (a hostile export) is a space. */
		for (; *f != '\0'; f++)
			cx_buf_addc(k, *f == '\x1f' ? ' ' : *f);
		first = 0;
	}
}

void
agg_add(struct agg *a, long long n, ...)
{
	va_list ap;

	if (n == 0)
		return;		/* no key for nothing: a count never made is 0 */
	va_start(ap, n);
	key_of(&a->k, ap);
	va_end(ap);
	agg_addk(a, a->k.p, a->k.len, n);
}

long long
agg_get(const struct agg *a, ...)
{
	struct cx_buf k = { 0 };
	struct rep_slot *s;
	va_list ap;

	va_start(ap, a);
	key_of(&k, ap);
	va_end(ap);
	s = find(a, k.p, k.len, hash(k.p, k.len));
	cx_buf_free(&k);
	return s->key != NULL ? s->n : 0;
}

static int
row_cmp(const void *x, const void *y)
{
	const struct rep_row *a = x, *b = y;
	size_t i;
	int c;

	for (i = 0; i < a->nf && i < b->nf; i++)
		if ((c = strcmp(a->f[i], b->f[i])) != 0)
			return c;
	return (a->nf > b->nf) - (a->nf < b->nf);
}

/* The keys under a prefix of fields, split into their other fields,
 * sorted; agg_rows_free frees them. */
size_t
agg_rows(const struct agg *a, struct rep_row **out, ...)
{
	struct cx_buf k = { 0 };
	struct rep_row *v = NULL;
	size_t i, n = 0, cap = 0;
	char *p, *e;
	va_list ap;

	va_start(ap, out);
	key_of(&k, ap);
	va_end(ap);
	cx_buf_addc(&k, '\x1f');
	for (i = 0; i < a->nslot; i++) {
		const struct rep_slot *s = &a->slot[i];

		if (s->key == NULL || s->klen < k.len || memcmp(s->key, k.p,
		    k.len) != 0)
			continue;
		v = cx_reserve(v, n + 1, &cap, sizeof(*v));
		memset(&v[n], 0, sizeof(v[n]));
		v[n].n = s->n;
		v[n].mem = cx_strndup(s->key + k.len, s->klen - k.len);
		p = v[n].mem;
		e = p + (s->klen - k.len);
		while (v[n].nf < 6) {
			v[n].f[v[n].nf++] = p;
			while (p < e && *p != '\x1f')
				p++;
			if (p == e)
				break;
			*p++ = '\0';
		}
		n++;
	}
	cx_buf_free(&k);
	if (n > 1)
		qsort(v, n, sizeof(*v), row_cmp);
	*out = v;
	return n;
}

void
agg_rows_free(struct rep_row *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].mem);
	free(v);
}

static int
item_cmp(const void *x, const void *y)
{
	const struct rep_item *a = x, *b = y;

	int c;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	/* The same ticket twice with other words: one, always the same. */
	if ((c = strcmp(a->id, b->id)) != 0)
		return c;
	return strcmp(a->json, b->json);
}

static void
cut(struct rep_list *l)
{
	size_t i, o = 0;

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), item_cmp);
	/* The same ticket twice (a part read twice): once. */
	for (i = 0; i < l->n; i++) {
		if (o > 0 && strcmp(l->v[o - 1].id, l->v[i].id) == 0) {
			free(l->v[i].id);
			free(l->v[i].json);
			continue;
		}
		l->v[o++] = l->v[i];
	}
	l->n = o;
	for (i = l->keep; l->keep > 0 && i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].json);
	}
	if (l->keep > 0 && l->n > l->keep)
		l->n = l->keep;
}

void
agg_list_add(struct agg *a, int list, uint64_t rank, const char *id,
    const char *json, size_t jlen)
{
	struct rep_list *l = &a->list[list];

	if (l->keep > 0 && l->n >= 4 * l->keep + 64)
		cut(l);
	l->v = cx_reserve(l->v, l->n + 1, &l->cap, sizeof(*l->v));
	l->v[l->n].rank = rank;
	l->v[l->n].id = cx_strndup(id, strlen(id));
	l->v[l->n].json = cx_strndup(json, jlen);
	l->n++;
}

void
agg_list_done(struct agg *a, int list)
{
	cut(&a->list[list]);
}

/* --- the partial form -------------------------------------------------- */

static void
time_member(struct cx_buf *b, const char *key, time_t t)
{
	cx_buf_printf(b, ",\"%s\":\"", key);
	cx_time_fmt(t, b);
	cx_buf_addc(b, '"');
}

static void
header(const struct rep_def *d, struct cx_buf *b)
{
	cx_buf_printf(b, "{\"cx_report_partial\":%d", PARTIAL_VERSION);
	time_member(b, "from", d->from);
	time_member(b, "to", d->to);
	time_member(b, "now", d->now);
	cx_buf_adds(b, ",\"zone\":");
	cx_json_addstr(b, d->zone, strlen(d->zone));
	cx_buf_printf(b, ",\"seed\":%lu,\"qa_rate\":%u,\"hot_min\":%u,"
	    "\"unmasked\":%s", d->seed, d->qa_rate, d->hot_min,
	    d->unmasked ? "true" : "false");
	cx_buf_adds(b, ",\"where\":");
	if (d->where != NULL)
		cx_json_addstr(b, d->where, strlen(d->where));
	else
		cx_buf_adds(b, "null");
	cx_buf_adds(b, "}\n");
}

void
agg_write(struct agg *a, const struct rep_def *d, struct cx_buf *b)
{
	static const char *const names[L_N] = { "breach", "case", "qalow",
	    "qaany" };
	size_t i;
	int l;

	header(d, b);
	for (i = 0; i < a->nslot; i++) {
		if (a->slot[i].key == NULL)
			continue;
		cx_buf_adds(b, "[\"c\",");
		cx_json_addstr(b, a->slot[i].key, a->slot[i].klen);
		cx_buf_printf(b, ",%lld]\n", a->slot[i].n);
	}
	for (l = 0; l < L_N; l++) {
		agg_list_done(a, l);
		for (i = 0; i < a->list[l].n; i++) {
			struct rep_item *it = &a->list[l].v[i];

			cx_buf_printf(b, "[\"%s\",\"%llu\",", names[l],
			    (unsigned long long)it->rank);
			cx_json_addstr(b, it->id, strlen(it->id));
			cx_buf_printf(b, ",%s]\n", it->json);
		}
	}
}

struct elems {
	const char	*v[5];
	size_t		 n[5];
	int		 k;
};

static void
elem(void *arg, const char *v, size_t n)
{
	struct elems *e = arg;

	if (e->k < 5) {
		e->v[e->k] = v;
		e->n[e->k] = n;
	}
	e->k++;
}

static int
line(struct agg *a, const char *l, size_t n, struct cx_buf *t1,
    struct cx_buf *t2)
{
	static const char *const names[L_N] = { "\"breach\"", "\"case\"",
	    "\"qalow\"", "\"qaany\"" };
	struct elems e = { .k = 0 };
	char *end;
	long long c;
	int i;

	if (cx_json_each(l, n, elem, &e) == -1 || e.k < 3)
		return -1;
	t1->len = 0;
	if (e.k == 3 && e.n[0] == 3 && memcmp(e.v[0], "\"c\"", 3) == 0) {
		if (cx_json_str(e.v[1], e.n[1], t1) == -1 || cx_json_type(e.v[2],
		    e.n[2]) != CX_J_NUM)
			return -1;
		c = strtoll(e.v[2], &end, 10);
		if (end != e.v[2] + e.n[2])
			return -1;
		agg_addk(a, t1->p != NULL ? t1->p : "", t1->len, c);
		return 0;
	}
	for (i = 0; i < L_N; i++)
		if (e.k == 4 && e.n[0] == strlen(names[i]) &&
		    memcmp(e.v[0], names[i], e.n[0]) == 0)
			break;
	if (i == L_N || cx_json_str(e.v[1], e.n[1], t1) == -1)
		return -1;
	t2->len = 0;
	if (cx_json_str(e.v[2], e.n[2], t2) == -1)
		return -1;
	agg_list_add(a, i, strtoull(cx_buf_str(t1), NULL, 10),
	    cx_buf_str(t2), e.v[3], e.n[3]);
	return 0;
}

int
agg_read(struct agg *a, const struct rep_def *d, struct cx_in *in,
    struct cx_err *err)
{
	struct cx_buf want = { 0 }, t1 = { 0 }, t2 = { 0 };
	const char *l;
	size_t n;
	int rc, first = 1, ret = 0;

	header(d, &want);
	want.len--;		/* its newline */
	while ((rc = cx_in_line(in, &l, &n, err)) == 1) {
		/* Parts written into one file (parallel --pipe), or sorted
		 * by a framework (Hadoop): a header on any line, at least
		 * one, each the same. */
		if (n > 21 && memcmp(l, "{\"cx_report_partial\":", 21) == 0) {
			if (n != want.len || memcmp(l, want.p, n) != 0) {
				cx_seterr(err, "%s:%lu: a part of another "
				    "report (its period, clock, seed, rate or "
				    "--where differ)", in->name, in->lineno);
				ret = -1;
				break;
			}
			first = 0;
			continue;
		}
		if (n == 0)
			continue;
		if (line(a, l, n, &t1, &t2) == -1) {
			cx_seterr(err, "%s:%lu: not a line of cx-report "
			    "--partial", in->name, in->lineno);
			ret = -1;
			break;
		}
	}
	if (rc == -1)
		ret = -1;
	else if (ret == 0 && first) {
		cx_seterr(err, "%s: no header line: not a part of cx-report "
		    "--partial", in->name);
		ret = -1;
	}
	cx_buf_free(&want);
	cx_buf_free(&t1);
	cx_buf_free(&t2);
	return ret;
}

/* The backlog's age bucket of an age in seconds: 0, 1, 3, 7, 30 days. */
const char *
rep_age_bucket(time_t age)
{
	if (age < 86400)
		return "0";
	if (age < 3 * 86400)
		return "1";
	if (age < 7 * 86400)
		return "3";
	if (age < 30 * 86400)
		return "7";
	return "30";
}
