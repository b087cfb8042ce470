/*
 * hash.c: 128-bit content keys, for dedupe, and an open-addressing set;
 * their first 64 bits alone, the classifiers' feature hashes.
 *
 * The keys decide that two rows are the same complaint, so they are wide
 * enough that an accidental collision (which would silently merge two
 * complaints) is out of the question for any real spool; they are not a
 * defence against someone forging a colliding row on purpose.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

/* A 64-bit finaliser (splitmix64's): every input bit moves every output bit. */
uint64_t
cx_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/*
 * The n < 8 bytes at p as a word, as memcpy into a zeroed word would give
 * them: on a little-endian machine two loads that may overlap rather than
 * a byte at a time, whose stores the word's load then waits for.
 */
static uint64_t
tail(const unsigned char *p, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t lo, hi;
	uint16_t a, b;

	if (n >= 4) {
		memcpy(&lo, p, 4);
		memcpy(&hi, p + n - 4, 4);
		return lo | (uint64_t)hi << (8 * (n - 4));
	}
	if (n >= 2) {
		memcpy(&a, p, 2);
		memcpy(&b, p + n - 2, 2);
		return a | (uint64_t)b << (8 * (n - 2));
	}
	return n > 0 ? p[0] : 0;
#else
	uint64_t w = 0;

	memcpy(&w, p, n);
	return w;
#endif
}

/* The two halves of the key of n bytes, before any is read. */
static inline void
start(uint64_t *a, uint64_t *b, size_t n)
{
	*a = 0x9e3779b97f4a7c15ULL ^ n;
	*b = 0xc2b2ae3d27d4eb4fULL + n;
}

/* The first half of a key, from the halves of its state. */
static inline uint64_t
first(uint64_t a, uint64_t b)
{
	return cx_mix64(a ^ cx_mix64(b));
}

/* A word into the two halves of a key. */
static inline void
mixin(uint64_t *a, uint64_t *b, uint64_t w)
{
	*a = (*a ^ w) * 0x100000001b3ULL;
	*a = (*a << 29) | (*a >> 35);
	*b = (*b + w) * 0xff51afd7ed558ccdULL;
	*b ^= *b >> 33;
}

/* The last word, of n < 8 bytes, into the halves, before their finalisers. */
static inline void
last(uint64_t *a, uint64_t *b, uint64_t w, size_t n)
{
	*a = (*a ^ w ^ ((uint64_t)n << 56)) * 0x100000001b3ULL;
	*b = (*b + w + n) * 0xff51afd7ed558ccdULL;
}

/* The two halves of a key before their finalisers. */
static void
key_state(const unsigned char *p, size_t n, uint64_t *a, uint64_t *b)
{
	uint64_t w;

	start(a, b, n);
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		mixin(a, b, w);
	}
	last(a, b, tail(p, n), n);
}

struct cx_key
cx_key_of(const void *data, size_t n)
{
	struct cx_key k;
	uint64_t a, b;

	key_state(data, n, &a, &b);
	k.h[0] = first(a, b);
	k.h[1] = cx_mix64(b + cx_mix64(a));
	return k;
}

uint64_t
cx_hash64(const void *data, size_t n)
{
	uint64_t a, b;

	key_state(data, n, &a, &b);
	return first(a, b);
}

/*
 * cx_hash64 of the byte tag followed by the n bytes at p, without copying
 * them behind the tag: the copy's stores, read back at once as words, cost
 * more than the hash (the classifiers hash hundreds of features a text).
 */
uint64_t
cx_hash64_tagged(int tag, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t a, b;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t len = n + 1;
	uint64_t w;

	start(&a, &b, len);
	if (len < 8) {
		last(&a, &b, (unsigned char)tag | tail(p, n) << 8, len);
		return first(a, b);
	}
	mixin(&a, &b, (unsigned char)tag | tail(p, 7) << 8);
	for (p += 7, len -= 8; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		mixin(&a, &b, w);
	}
	last(&a, &b, tail(p, len), len);
#else
	unsigned char *t = cx_alloc(n + 1);

	t[0] = (unsigned char)tag;
	memcpy(t + 1, p, n);
	key_state(t, n + 1, &a, &b);
	free(t);
#endif
	return first(a, b);
}

void
cx_key_hex(struct cx_key k, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	int i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 16; j++)
			out[i * 16 + j] = hex[(k.h[i] >> (60 - 4 * j)) & 15];
	out[32] = '\0';
}

int
cx_key_parse(const char *s, size_t n, struct cx_key *k)
{
	size_t i;
	int c, v;

	if (n != 32)
		return -1;
	k->h[0] = k->h[1] = 0;
	for (i = 0; i < 32; i++) {
		c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return -1;
		k->h[i / 16] = (k->h[i / 16] << 4) | (uint64_t)v;
	}
	return 0;
}

static int
keyeq(struct cx_key a, struct cx_key b)
{
	return a.h[0] == b.h[0] && a.h[1] == b.h[1];
}

/* A zero key marks an empty slot; a real zero key is nudged to 1. */
static struct cx_key
nonzero(struct cx_key k)
{
	if (k.h[0] == 0 && k.h[1] == 0)
		k.h[1] = 1;
	return k;
}

static void
rehash(struct cx_keyset *s)
{
	struct cx_keyset t = { 0 };
	size_t i;

	t.cap = s->cap ? s->cap * 2 : 1024;
	t.k = cx_alloc(t.cap * sizeof(*t.k));
	t.v = cx_alloc(t.cap * sizeof(*t.v));
	for (i = 0; i < s->cap; i++)
		if (s->k[i].h[0] != 0 || s->k[i].h[1] != 0)
			cx_keyset_put(&t, s->k[i], s->v[i], NULL);
	free(s->k);
	free(s->v);
	*s = t;
}

int
cx_keyset_put(struct cx_keyset *s, struct cx_key k, uint32_t v, uint32_t *old)
{
	size_t i;

	k = nonzero(k);
	if ((s->n + 1) * 4 > s->cap * 3)
		rehash(s);
	for (i = k.h[0] & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->k[i].h[0] == 0 && s->k[i].h[1] == 0)
			break;
		if (keyeq(s->k[i], k)) {
			if (old != NULL)
				*old = s->v[i];
			return 1;
		}
	}
	s->k[i] = k;
	s->v[i] = v;
	s->n++;
	return 0;
}

void
cx_keyset_put_replace(struct cx_keyset *s, struct cx_key k, uint32_t v)
{
	size_t i;

	if (!cx_keyset_put(s, k, v, NULL))
		return;
	k = nonzero(k);
	for (i = k.h[0] & (s->cap - 1);; i = (i + 1) & (s->cap - 1))
		if (keyeq(s->k[i], k)) {
			s->v[i] = v;
			return;
		}
}

int
cx_keyset_get(const struct cx_keyset *s, struct cx_key k, uint32_t *v)
{
	size_t i;

	if (s->cap == 0)
		return 0;
	k = nonzero(k);
	for (i = k.h[0] & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->k[i].h[0] == 0 && s->k[i].h[1] == 0)
			return 0;
		if (keyeq(s->k[i], k)) {
			if (v != NULL)
				*v = s->v[i];
			return 1;
		}
	}
}

void
cx_keyset_free(struct cx_keyset *s)
{
	free(s->k);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
