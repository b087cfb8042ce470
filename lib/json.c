/*
 * json.c: the record codec.
 *
 * A record is one JSON object on one line.  Parsing validates the whole
 * line (RFC 8259 grammar, UTF-8 inside strings, nesting as deep as jq
 * lets it) but keeps only the byte ranges of the top-level members: a tool
 * reads the few fields it needs, sets a few, and writes every member it did
 * not touch back as the bytes it read.  That keeps identifiers, amounts and
 * unknown fields exact through every tool, and it is most of the speed: no
 * tree is built and nothing is re-serialised that did not change.  A key
 * given twice in an object, at any depth, is read as its last and written
 * once: the member holding the repeat is the one thing written anew.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

/*
 * Nesting as jq 1.6 counts it: a container may not open where 256 levels
 * are open already, and the key of an object's member counts as a level
 * of its own.  So a record can hold 254 arrays one in another, or 127
 * objects; deeper, jq refuses the line, and so does the codec, so that
 * no ticket is one jq cannot read.
 */
#define MAXDEPTH	256

/* Byte classes inside a string: 0 passes, others need a look. */
enum { C_OK, C_QUOTE, C_BSLASH, C_CTRL, C_HIGH };
static const unsigned char strcls[256] = {
	[0 ... 0x1f] = C_CTRL, ['"'] = C_QUOTE, ['\\'] = C_BSLASH,
	[0x80 ... 0xff] = C_HIGH,
};

struct pstate {
	const char	*s;		/* start of the text, for positions */
	const char	*end;
	struct cx_err	*err;
	const char	*errp;
	int		 dup;		/* a nested object repeats a key */
};

static const char *
fail(struct pstate *ps, const char *p, const char *what)
{
	if (ps->errp == NULL) {
		ps->errp = p;
		if (p >= ps->end)
			cx_seterr(ps->err, "%s at end of line", what);
		else
			cx_seterr(ps->err, "%s at column %zu", what,
			    (size_t)(p - ps->s) + 1);
	}
	return NULL;
}

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static unsigned long
hex4(const void *v)
{
	const unsigned char *p = v;

	return (unsigned long)(hexval(p[0]) << 12 | hexval(p[1]) << 8 |
	    hexval(p[2]) << 4 | hexval(p[3]));
}

static int
hex4ok(const unsigned char *p, const unsigned char *end)
{
	int i;

	for (i = 0; i < 4; i++)
		if (p + i >= end || hexval(p[i]) < 0)
			return 0;
	return 1;
}

static int needs_escape(uint64_t);

/* A string starting at the quote p; returns the byte after the close. */
static const char *
parse_string(struct pstate *ps, const char *p, int *esc)
{
	const unsigned char *q = (const unsigned char *)p + 1;
	const unsigned char *end = (const unsigned char *)ps->end;
	size_t k;
	uint64_t w;

	for (;;) {
		/* Eight plain ASCII bytes at a time, then four by the table. */
		while (end - q >= 8) {
			memcpy(&w, q, 8);
			if ((w & 0x8080808080808080ULL) || needs_escape(w))
				break;
			q += 8;
		}
		while (q + 4 <= end && !strcls[q[0]] && !strcls[q[1]] &&
		    !strcls[q[2]] && !strcls[q[3]])
			q += 4;
		if (q >= end)
			return fail(ps, (const char *)q, "unterminated string");
		switch (strcls[*q]) {
		case C_OK:
			q++;
			break;
		case C_QUOTE:
			return (const char *)q + 1;
		case C_BSLASH:
			*esc = 1;
			if (q + 1 >= end)
				return fail(ps, (const char *)q,
				    "unterminated string");
			switch (q[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				q += 2;
				break;
			case 'u':
				if (!hex4ok(q + 2, end))
					return fail(ps, (const char *)q,
					    "invalid \\u escape");
				/* As jq: a high surrogate needs its pair. */
				if (hex4(q + 2) >= 0xd800 &&
				    hex4(q + 2) < 0xdc00 &&
				    (end - q < 12 || q[6] != '\\' ||
				    q[7] != 'u' || !hex4ok(q + 8, end) ||
				    hex4(q + 8) < 0xdc00 ||
				    hex4(q + 8) >= 0xe000))
					return fail(ps, (const char *)q,
					    "unpaired \\u surrogate");
				q += 6;
				break;
			default:
				return fail(ps, (const char *)q,
				    "invalid escape");
			}
			break;
		case C_CTRL:
			return fail(ps, (const char *)q,
			    "control character in string");
		default:
			if ((k = cx_utf8_seq(q, end)) == 0)
				return fail(ps, (const char *)q,
				    "invalid UTF-8");
			q = cx_utf8_skip_cjk(q + k, end);
		}
	}
}

static const char *
parse_number(struct pstate *ps, const char *p)
{
	const char *end = ps->end, *start = p;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return fail(ps, start, "invalid number");
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(ps, start, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(ps, start, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static const char *
parse_word(struct pstate *ps, const char *p, const char *w, size_t n)
{
	if ((size_t)(ps->end - p) < n || memcmp(p, w, n) != 0)
		return fail(ps, p, "invalid literal");
	return p + n;
}

static const char *parse_value(struct pstate *, const char *, int);
static int key_is(const struct cx_field *, const char *, size_t);
static int next_member(const char **, const char *, struct cx_field *,
    const char **, size_t *);
static const char *skip_valid(const char *, const char *);

/* A cheap hash of a key, a bit of a 256-bit mask of an object's keys. */
static unsigned
keyhash(const char *k, size_t n)
{
	return n > 0 ? (unsigned)(n * 31 + (unsigned char)k[0] * 7 +
	    (unsigned char)k[n / 2] * 13 + (unsigned char)k[n - 1]) & 255 : 0;
}

/*
 * Whether the key from k to kend (quotes and all) repeats one before it
 * in the object opened at o, where the mask of the keys seen says it may,
 * or the key is escaped: the keys before it are compared, decoded, so
 * that "a\u0062" repeats "ab" (an escaped key is hashed decoded).
 */
static int
repeated(const char *o, const char *k, const char *kend, int esc,
    uint64_t seen[4])
{
	struct cx_buf d = { 0 };
	struct cx_field f;
	const char *key = k + 1, *p = o + 1, *v;
	size_t klen = (size_t)(kend - k) - 2, vn;
	uint64_t bit;
	unsigned h;
	int found = 0;

	if (esc) {
		(void)cx_json_str(k, (size_t)(kend - k), &d);
		key = d.p != NULL ? d.p : "";
		klen = d.len;
	}
	h = keyhash(key, klen);
	bit = (uint64_t)1 << (h & 63);
	if (!(seen[h >> 6] & bit))
		seen[h >> 6] |= bit;
	else
		while (!found && next_member(&p, k, &f, &v, &vn))
			found = key_is(&f, key, klen);
	cx_buf_free(&d);
	return found;
}

static const char *
parse_container(struct pstate *ps, const char *p, int depth)
{
	uint64_t seen[4];
	const char *open = p, *k;
	int obj = *p == '{', esc;
	char close = obj ? '}' : ']';
	uint64_t bit;
	unsigned h;

	if (depth >= MAXDEPTH)
		return fail(ps, p, "nesting too deep");
	if (obj)
		memset(seen, 0, sizeof(seen));
	p = skip_ws(p + 1, ps->end);
	if (p < ps->end && *p == close)
		return p + 1;
	for (;;) {
		if (obj) {
			if (p >= ps->end || *p != '"')
				return fail(ps, p, "expected a key");
			k = p;
			esc = 0;
			if ((p = parse_string(ps, p, &esc)) == NULL)
				return NULL;
			/* A key seen before in the object (rare): see
			 * repeated().  Most keys cost a hash and a bit. */
			h = keyhash(k + 1, (size_t)(p - k) - 2);
			bit = (uint64_t)1 << (h & 63);
			if (!(seen[h >> 6] & bit) && !esc)
				seen[h >> 6] |= bit;
			else if (!ps->dup)
				ps->dup = repeated(open, k, p, esc, seen);
			p = skip_ws(p, ps->end);
			if (p >= ps->end || *p != ':')
				return fail(ps, p, "expected ':'");
			p = skip_ws(p + 1, ps->end);
		}
		if ((p = parse_value(ps, p, depth + 1 + obj)) == NULL)
			return NULL;
		p = skip_ws(p, ps->end);
		if (p < ps->end && *p == ',') {
			p = skip_ws(p + 1, ps->end);
			continue;
		}
		if (p < ps->end && *p == close)
			return p + 1;
		return fail(ps, p, obj ? "expected ',' or '}'" :
		    "expected ',' or ']'");
	}
}

static const char *
parse_value(struct pstate *ps, const char *p, int depth)
{
	int esc;

	if (p >= ps->end)
		return fail(ps, p, "expected a value");
	switch (*p) {
	case '"':
		return parse_string(ps, p, &esc);
	case '{':
	case '[':
		return parse_container(ps, p, depth);
	case 't':
		return parse_word(ps, p, "true", 4);
	case 'f':
		return parse_word(ps, p, "false", 5);
	case 'n':
		return parse_word(ps, p, "null", 4);
	default:
		if (*p == '-' || (*p >= '0' && *p <= '9'))
			return parse_number(ps, p);
		return fail(ps, p, "expected a value");
	}
}

size_t
cx_json_check(const char *s, size_t n, struct cx_err *err)
{
	struct pstate ps = { s, s + n, err, NULL, 0 };
	const char *p;

	p = skip_ws(s, s + n);
	if ((p = parse_value(&ps, p, 0)) == NULL)
		return 0;
	return (size_t)(p - s);
}

static void
field_release(struct cx_field *f)
{
	if (f->flags & CX_F_OWNED)
		free((char *)f->v);
	if (f->flags & CX_F_KOWNED)
		free((char *)f->k);
}

static struct cx_field *
field_add(struct cx_rec *r)
{
	struct cx_field *f;

	r->f = cx_reserve(r->f, r->n, &r->cap, sizeof(*r->f));
	f = &r->f[r->n++];
	memset(f, 0, sizeof(*f));
	return f;
}

static void
rec_reset(struct cx_rec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		field_release(&r->f[i]);
	r->n = 0;
	r->dirty = 0;
}

/*
 * A key given twice: the last is the value, as jq reads it, and the
 * record is written back without the others, so that no reader of the
 * stored ticket can take the one a tool did not.  A 256-bit mask of a
 * cheap hash of each key finds the rare repeat without comparing every
 * pair.
 */
static void
dedupe(struct cx_rec *r, int esc)
{
	uint64_t seen[4] = { 0, 0, 0, 0 }, bit;
	const struct cx_field *f;
	struct cx_buf k = { 0 };
	size_t i, j, h;

	/* An escaped key ("a\u0062") may repeat a plain one ("ab"): where
	 * there is one (esc), every key is compared, decoded. */
	for (i = 0; i < r->n; i++) {
		f = &r->f[i];
		h = keyhash(f->k, f->klen);
		bit = (uint64_t)1 << (h & 63);
		if (!esc && !(seen[h >> 6] & bit)) {
			seen[h >> 6] |= bit;
			continue;
		}
		seen[h >> 6] |= bit;
		/* Maybe a repeat: compared with those before, decoded. */
		k.len = 0;
		if (f->flags & CX_F_KESC) {
			struct cx_buf raw = { 0 };

			cx_buf_addc(&raw, '"');
			cx_buf_add(&raw, f->k, f->klen);
			cx_buf_addc(&raw, '"');
			(void)cx_json_str(raw.p, raw.len, &k);
			cx_buf_free(&raw);
		} else
			cx_buf_add(&k, f->k, f->klen);
		for (j = 0; j < i; j++)
			if (!(r->f[j].flags & CX_F_DEL) &&
			    key_is(&r->f[j], k.p != NULL ? k.p : "", k.len)) {
				r->f[j].flags |= CX_F_DEL;
				r->dirty = 1;
			}
	}
	cx_buf_free(&k);
}

/* Whether two keys of objects of the text are one, decoded. */
static int
same_key(const struct cx_field *a, const struct cx_field *b)
{
	struct cx_buf d = { 0 };
	int eq;

	if (!(b->flags & CX_F_KESC))
		return key_is(a, b->k, b->klen);
	(void)cx_json_str(b->k - 1, b->klen + 2, &d);
	eq = key_is(a, d.p != NULL ? d.p : "", d.len);
	cx_buf_free(&d);
	return eq;
}

struct member {
	struct cx_field	 f;
	const char	*v;
	size_t		 vn;
};

/*
 * A value of validated text written to out with, in each of its objects,
 * only the last member of each key; the end of the value.  Rare (a
 * nested object repeats a key), so it is plain: each object's members
 * gathered, each written unless a later one has its key.
 */
static const char *
undup(const char *p, const char *end, struct cx_buf *out)
{
	struct member *m = NULL;
	const char *q;
	size_t n = 0, i, j;
	int first = 1;

	p = skip_ws(p, end);
	if (p < end && *p == '[') {
		cx_buf_addc(out, '[');
		for (p = skip_ws(p + 1, end); p < end && *p != ']';) {
			if (!first)
				cx_buf_addc(out, ',');
			first = 0;
			p = skip_ws(undup(p, end, out), end);
			if (p < end && *p == ',')
				p = skip_ws(p + 1, end);
		}
		cx_buf_addc(out, ']');
		return p < end ? p + 1 : end;
	}
	if (p >= end || *p != '{') {
		q = skip_valid(p, end);
		cx_buf_add(out, p, (size_t)(q - p));
		return q;
	}
	for (p++;; n++) {
		m = cx_grow(m, n, sizeof(*m));
		if (!next_member(&p, end, &m[n].f, &m[n].v, &m[n].vn))
			break;
	}
	cx_buf_addc(out, '{');
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n && !same_key(&m[j].f, &m[i].f); j++)
			;
		if (j < n)
			continue;	/* a later one is the value */
		if (!first)
			cx_buf_addc(out, ',');
		first = 0;
		cx_buf_add(out, m[i].f.k - 1, m[i].f.klen + 2);
		cx_buf_addc(out, ':');
		(void)undup(m[i].v, m[i].v + m[i].vn, out);
	}
	cx_buf_addc(out, '}');
	free(m);
	return p < end ? p + 1 : end;
}

int
cx_rec_parse(struct cx_rec *r, const char *line, size_t len,
    struct cx_err *err, size_t *errpos)
{
	struct pstate ps = { line, line + len, err, NULL, 0 };
	struct cx_field *f;
	const char *p, *end = line + len, *k, *v;
	int esc, anyesc = 0;

	rec_reset(r);
	r->line = line;
	r->len = len;
	p = skip_ws(line, end);
	if (p >= end || *p != '{') {
		fail(&ps, p, p >= end ? "empty record" : "not a JSON object");
		goto bad;
	}
	p = skip_ws(p + 1, end);
	if (p < end && *p == '}') {
		p++;
		goto done;
	}
	for (;;) {
		if (p >= end || *p != '"') {
			fail(&ps, p, "expected a key");
			goto bad;
		}
		k = p;
		esc = 0;
		if ((p = parse_string(&ps, p, &esc)) == NULL)
			goto bad;
		f = field_add(r);
		f->k = k + 1;
		f->klen = (size_t)(p - k) - 2;
		f->flags = esc ? CX_F_KESC : 0;
		anyesc |= esc;
		p = skip_ws(p, end);
		if (p >= end || *p != ':') {
			fail(&ps, p, "expected ':'");
			goto bad;
		}
		v = p = skip_ws(p + 1, end);
		if ((p = parse_value(&ps, p, 2)) == NULL)
			goto bad;
		f->v = v;
		f->vlen = (size_t)(p - v);
		if (ps.dup) {
			/* Nested, as at the top: the last, written once. */
			struct cx_buf b = { 0 };

			(void)undup(v, p, &b);
			f->v = b.p;
			f->vlen = b.len;
			f->flags |= CX_F_OWNED;
			r->dirty = 1;
			ps.dup = 0;
		}
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}') {
			p++;
			break;
		}
		fail(&ps, p, "expected ',' or '}'");
		goto bad;
	}
done:
	p = skip_ws(p, end);
	if (p < end) {
		fail(&ps, p, "trailing characters after the object");
		goto bad;
	}
	dedupe(r, anyesc);
	return 0;
bad:
	if (errpos != NULL)
		*errpos = (size_t)(ps.errp - line);
	rec_reset(r);
	return -1;
}

void
cx_rec_free(struct cx_rec *r)
{
	rec_reset(r);
	free(r->f);
	memset(r, 0, sizeof(*r));
}

/* Rare: an escaped key is decoded before comparing. */
static int
key_is_escaped(const struct cx_field *f, const char *key, size_t klen)
{
	struct cx_buf b = { 0 };
	struct cx_buf raw = { 0 };
	int eq;

	cx_buf_addc(&raw, '"');
	cx_buf_add(&raw, f->k, f->klen);
	cx_buf_addc(&raw, '"');
	cx_json_str(raw.p, raw.len, &b);
	eq = b.len == klen && memcmp(b.p, key, klen) == 0;
	cx_buf_free(&b);
	cx_buf_free(&raw);
	return eq;
}

/* On the hot path of every lookup: the length and the first byte tell
 * most keys apart without a call. */
static inline int
key_is(const struct cx_field *f, const char *key, size_t klen)
{
	if (f->flags & CX_F_KESC)
		return key_is_escaped(f, key, klen);
	return f->klen == klen && (klen == 0 || (f->k[0] == key[0] &&
	    memcmp(f->k, key, klen) == 0));
}

/* The last member with that key wins, as in jq. */
static struct cx_field *
find(const struct cx_rec *r, const char *key, size_t klen)
{
	size_t i;

	for (i = r->n; i-- > 0;)
		if (!(r->f[i].flags & CX_F_DEL) && key_is(&r->f[i], key, klen))
			return &r->f[i];
	return NULL;
}

const struct cx_field *
cx_rec_get(const struct cx_rec *r, const char *key)
{
	return find(r, key, strlen(key));
}

void
cx_rec_set_raw(struct cx_rec *r, const char *key, const char *v, size_t n)
{
	struct cx_field *f;
	size_t klen = strlen(key);

	if ((f = find(r, key, klen)) == NULL) {
		f = field_add(r);
		f->k = cx_strndup(key, klen);
		f->klen = klen;
		f->flags = CX_F_KOWNED;
	} else if (f->flags & CX_F_OWNED)
		free((char *)f->v);
	f->v = cx_strndup(v, n);
	f->vlen = n;
	f->flags |= CX_F_OWNED;
	r->dirty = 1;
}

void
cx_rec_set_str(struct cx_rec *r, const char *key, const char *s, size_t n)
{
	struct cx_buf b = { 0 };

	cx_json_addstr(&b, s, n);
	cx_rec_set_raw(r, key, b.p, b.len);
	cx_buf_free(&b);
}

void
cx_rec_append(struct cx_rec *r, const char *key, const char *v, size_t n)
{
	const struct cx_field *f;
	struct cx_buf b = { 0 };

	f = cx_rec_get(r, key);
	if (f == NULL)
		cx_buf_addc(&b, '[');
	else if (cx_json_type(f->v, f->vlen) != CX_J_ARR) {
		/* Not an array: it becomes the first element, not lost. */
		cx_buf_addc(&b, '[');
		cx_buf_add(&b, f->v, f->vlen);
		cx_buf_addc(&b, ',');
	} else {
		cx_buf_add(&b, f->v, f->vlen - 1);
		if (*skip_ws(f->v + 1, f->v + f->vlen) != ']')
			cx_buf_addc(&b, ',');
	}
	cx_buf_add(&b, v, n);
	cx_buf_addc(&b, ']');
	cx_rec_set_raw(r, key, b.p, b.len);
	cx_buf_free(&b);
}

void
cx_rec_del(struct cx_rec *r, const char *key)
{
	struct cx_field *f;
	size_t klen = strlen(key);

	while ((f = find(r, key, klen)) != NULL) {
		f->flags |= CX_F_DEL;
		r->dirty = 1;
	}
}

void
cx_rec_write(const struct cx_rec *r, struct cx_buf *out)
{
	const struct cx_field *f;
	size_t i, need = 2;
	char *p;
	int first = 1;

	if (!r->dirty) {
		cx_buf_grow(out, r->len + 1);
		memcpy(out->p + out->len, r->line, r->len);
		out->len += r->len;
		out->p[out->len++] = '\n';
		return;
	}
	for (i = 0; i < r->n; i++)
		need += r->f[i].klen + r->f[i].vlen + 4;
	cx_buf_grow(out, need + 1);
	p = out->p + out->len;
	*p++ = '{';
	for (i = 0; i < r->n; i++) {
		f = &r->f[i];
		if (f->flags & CX_F_DEL)
			continue;
		if (!first)
			*p++ = ',';
		first = 0;
		*p++ = '"';
		memcpy(p, f->k, f->klen);
		p += f->klen;
		*p++ = '"';
		*p++ = ':';
		memcpy(p, f->v, f->vlen);
		p += f->vlen;
	}
	*p++ = '}';
	*p++ = '\n';
	out->len = (size_t)(p - out->p);
}

enum cx_jtype
cx_json_type(const char *v, size_t n)
{
	if (n == 0)
		return CX_J_BAD;
	switch (v[0]) {
	case '"':
		return CX_J_STR;
	case '{':
		return CX_J_OBJ;
	case '[':
		return CX_J_ARR;
	case 't':
		return CX_J_TRUE;
	case 'f':
		return CX_J_FALSE;
	case 'n':
		return CX_J_NULL;
	default:
		return CX_J_NUM;
	}
}


/* Decode a validated string; lone surrogates become U+FFFD, as in jq. */
int
cx_json_str(const char *v, size_t n, struct cx_buf *out)
{
	const char *p, *end, *run;
	unsigned long c, lo;

	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return -1;
	p = v + 1;
	end = v + n - 1;
	while (p < end) {
		run = p;
		while (p < end && *p != '\\')
			p++;
		cx_buf_add(out, run, (size_t)(p - run));
		if (p >= end)
			break;
		switch (p[1]) {
		case 'b': cx_buf_addc(out, '\b'); break;
		case 'f': cx_buf_addc(out, '\f'); break;
		case 'n': cx_buf_addc(out, '\n'); break;
		case 'r': cx_buf_addc(out, '\r'); break;
		case 't': cx_buf_addc(out, '\t'); break;
		case 'u':
			c = hex4(p + 2);
			if (c >= 0xd800 && c < 0xdc00 && end - p >= 12 &&
			    p[6] == '\\' && p[7] == 'u' &&
			    (lo = hex4(p + 8)) >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			} else if (c >= 0xd800 && c < 0xe000)
				c = 0xfffd;
			cx_utf8_put(out, c);
			p += 4;
			break;
		default:
			cx_buf_addc(out, p[1]);
		}
		p += 2;
	}
	return 0;
}

/*
 * Past the closing quote of a valid string (p after the opening one).
 * A quote ends it unless an odd run of backslashes comes before it.
 */
static const char *
skip_string(const char *p, const char *end)
{
	const char *q, *b;

	while ((q = memchr(p, '"', (size_t)(end - p))) != NULL) {
		for (b = q; b > p && b[-1] == '\\'; b--)
			;
		if ((q - b) % 2 == 0)
			return q + 1;
		p = q + 1;
	}
	return end;
}

/* Skip one value of text already validated. */
static const char *
skip_valid(const char *p, const char *end)
{
	int depth = 0;

	do {
		p = skip_ws(p, end);
		if (p >= end)
			return end;
		switch (*p) {
		case '"':
			p = skip_string(p + 1, end);
			break;
		case '{':
		case '[':
			depth++;
			p++;
			break;
		case '}':
		case ']':
			depth--;
			p++;
			break;
		case ',':
		case ':':
			p++;
			break;
		default:
			while (p < end && *p != ',' && *p != '}' &&
			    *p != ']' && *p != ' ' && *p != '\t' &&
			    *p != '\n' && *p != '\r')
				p++;
		}
	} while (depth > 0);
	return p;
}

/* fn for each element of a raw array; -1 if it is not one. */
int
cx_json_each(const char *a, size_t n, void (*fn)(void *, const char *,
    size_t), void *arg)
{
	const char *p = a, *end = a + n, *v;

	p = skip_ws(p, end);
	if (p >= end || *p != '[')
		return -1;
	p = skip_ws(p + 1, end);
	while (p < end && *p != ']') {
		v = p;
		p = skip_valid(p, end);
		fn(arg, v, (size_t)(p - v));
		p = skip_ws(p, end);
		if (p < end && *p == ',')
			p = skip_ws(p + 1, end);
	}
	return 0;
}

/*
 * The members of a raw object already validated, one at a time: the key
 * (with its quotes) in f, the value in val; 0 when there are no more.
 * *p starts after the '{' and is left after the member.
 */
static int
next_member(const char **p, const char *end, struct cx_field *f,
    const char **val, size_t *vlen)
{
	const char *k;

	*p = skip_ws(*p, end);
	if (*p < end && **p == ',')
		*p = skip_ws(*p + 1, end);
	if (*p >= end || **p != '"')
		return 0;
	k = *p;
	*p = skip_valid(*p, end);
	f->k = k + 1;
	f->klen = (size_t)(*p - k) - 2;
	f->flags = memchr(f->k, '\\', f->klen) ? CX_F_KESC : 0;
	*p = skip_ws(skip_ws(*p, end) + 1, end);	/* past the colon */
	*val = *p;
	*p = skip_valid(*p, end);
	*vlen = (size_t)(*p - *val);
	return 1;
}

/* Past the '{' of a raw object, or NULL if it is not one. */
static const char *
object_start(const char *o, size_t n)
{
	const char *p = skip_ws(o, o + n);

	return p < o + n && *p == '{' ? p + 1 : NULL;
}

int
cx_json_member(const char *o, size_t n, const char *key, const char **v,
    size_t *vlen)
{
	const char *p, *end = o + n, *val;
	size_t klen = strlen(key), vn;
	struct cx_field f;
	int found = -1;

	if ((p = object_start(o, n)) == NULL)
		return -1;
	while (next_member(&p, end, &f, &val, &vn))
		if (key_is(&f, key, klen)) {
			*v = val;
			*vlen = vn;
			found = 0;
		}
	return found;
}

/* fn(arg, key, keylen, value, valuelen) for each member of a raw object
 * (the key without its quotes, as written); -1 if it is no object. */
int
cx_json_each_member(const char *o, size_t n, void (*fn)(void *,
    const char *, size_t, const char *, size_t), void *arg)
{
	const char *p, *end = o + n, *val;
	struct cx_field f;
	size_t vn;

	if ((p = object_start(o, n)) == NULL)
		return -1;
	while (next_member(&p, end, &f, &val, &vn))
		fn(arg, f.k, f.klen, val, vn);
	return 0;
}

int
cx_json_fields(const char *o, size_t n, const char *const *keys,
    size_t nkeys, const char **v, size_t *vlen)
{
	const char *p, *end = o + n, *val;
	struct cx_field f;
	size_t i, vn, kl[16];

	for (i = 0; i < nkeys; i++) {
		v[i] = NULL;
		kl[i] = i < 16 ? strlen(keys[i]) : 0;
	}
	if ((p = object_start(o, n)) == NULL)
		return -1;
	while (next_member(&p, end, &f, &val, &vn))
		for (i = 0; i < nkeys; i++)
			if (key_is(&f, keys[i], i < 16 ? kl[i] :
			    strlen(keys[i]))) {
				v[i] = val;
				vlen[i] = vn;
				break;
			}
	return 0;
}

/*
 * For each object of a raw array, fn with the values of the keys wanted
 * (NULL where absent; the last of a key wins): one walk over each object,
 * where cx_json_each and cx_json_fields would make two.  Elements that
 * are not objects are passed over.  -1 if it is not an array.
 */
int
cx_json_each_fields(const char *a, size_t n, const char *const *keys,
    size_t nkeys, void (*fn)(void *, const char **, size_t *), void *arg)
{
	const char *p = a, *end = a + n, *val, *v[16];
	struct cx_field f;
	size_t i, vn, kl[16], vlen[16];

	if (nkeys > 16)
		return -1;
	for (i = 0; i < nkeys; i++)
		kl[i] = strlen(keys[i]);
	p = skip_ws(p, end);
	if (p >= end || *p != '[')
		return -1;
	p = skip_ws(p + 1, end);
	while (p < end && *p != ']') {
		if (*p != '{')
			p = skip_valid(p, end);
		else {
			p++;
			for (i = 0; i < nkeys; i++)
				v[i] = NULL;
			while (next_member(&p, end, &f, &val, &vn))
				for (i = 0; i < nkeys; i++)
					if (key_is(&f, keys[i], kl[i])) {
						v[i] = val;
						vlen[i] = vn;
						break;
					}
			if (p < end && *p == '}')
				p++;
			fn(arg, v, vlen);
		}
		p = skip_ws(p, end);
		if (p < end && *p == ',')
			p = skip_ws(p + 1, end);
	}
	return 0;
}

/*
 * A raw object with one member set (replaced where it was, or added at
 * the end), written to out; the other members keep their bytes.
 */
int
cx_json_setmember(const char *o, size_t n, const char *key, const char *v,
    size_t vn, struct cx_buf *out)
{
	const char *p, *end = o + n, *val, *last = NULL;
	struct cx_field f;
	size_t len;
	int first = 1, done = 0;

	if ((p = object_start(o, n)) == NULL)
		return -1;
	/* The member set is the last of that name, the one a get reads. */
	if (cx_json_member(o, n, key, &last, &len) == -1)
		last = NULL;
	cx_buf_addc(out, '{');
	while (next_member(&p, end, &f, &val, &len)) {
		if (!first)
			cx_buf_addc(out, ',');
		first = 0;
		cx_buf_add(out, f.k - 1, f.klen + 2);
		cx_buf_addc(out, ':');
		if (!done && val == last) {
			cx_buf_add(out, v, vn);
			done = 1;
		} else
			cx_buf_add(out, val, len);
	}
	if (!done) {
		cx_json_addkey(out, first, key);
		cx_buf_add(out, v, vn);
	}
	cx_buf_addc(out, '}');
	return 0;
}

int
cx_json_path(const struct cx_rec *r, const char *path, const char **v,
    size_t *vlen)
{
	const struct cx_field *f;
	const char *dot, *cur;
	char seg[128];
	size_t n;

	dot = strchr(path, '.');
	n = dot ? (size_t)(dot - path) : strlen(path);
	if ((f = find(r, path, n)) == NULL)
		return -1;
	*v = f->v;
	*vlen = f->vlen;
	while (dot != NULL) {
		cur = dot + 1;
		dot = strchr(cur, '.');
		n = dot ? (size_t)(dot - cur) : strlen(cur);
		if (n >= sizeof(seg))
			return -1;
		memcpy(seg, cur, n);
		seg[n] = '\0';
		if (cx_json_member(*v, *vlen, seg, v, vlen) == -1)
			return -1;
	}
	return 0;
}

/* Any byte of w that is '"', '\\' or below 0x20. */
static int
needs_escape(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones << 7;
	uint64_t q = w ^ (ones * '"'), s = w ^ (ones * '\\');

	return (((q - ones) & ~q) | ((s - ones) & ~s) | ((w - ones * 0x20) &
	    ~w)) & high ? 1 : 0;
}

static const char *
escape(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	*o++ = '\\';
	switch (c) {
	case '"': *o++ = '"'; break;
	case '\\': *o++ = '\\'; break;
	case '\n': *o++ = 'n'; break;
	case '\r': *o++ = 'r'; break;
	case '\t': *o++ = 't'; break;
	case '\b': *o++ = 'b'; break;
	case '\f': *o++ = 'f'; break;
	default:
		memcpy(o, "u00", 3);
		o[3] = hex[c >> 4];
		o[4] = hex[c & 15];
		o += 5;
	}
	return o;
}

/*
 * A JSON string for s, appended; with check, -1 (and b as it was) if s is
 * not UTF-8.  One pass does both, as registration escapes and validates
 * every field: runs of plain bytes are copied whole, eight at a time
 * where they are ASCII and three at a time where they are CJK.
 */
static int
addstr(struct cx_buf *b, const char *s, size_t n, int check)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *run;
	size_t k, start = b->len;
	uint64_t w;
	char *o;

	/* The worst case, every byte a \u00XX, so the loop needs no checks. */
	cx_buf_grow(b, 6 * n + 2);
	o = b->p + b->len;
	*o++ = '"';
	run = p;
	while (p < end) {
		while (end - p >= 8) {
			memcpy(&w, p, 8);
			if ((w & 0x8080808080808080ULL) || needs_escape(w))
				break;
			p += 8;
		}
		p = cx_utf8_skip_cjk(p, end);
		if (p >= end)
			break;
		if (*p >= 0x80) {
			if ((k = cx_utf8_seq(p, end)) == 0) {
				if (check) {
					b->len = start;
					return -1;
				}
				k = 1;
			}
			p += k;
		} else if (strcls[*p] != C_OK) {
			if (p > run)
				memcpy(o, run, (size_t)(p - run));
			o += p - run;
			o = (char *)escape(o, *p);
			run = ++p;
		} else
			p++;
	}
	if (p > run)
		memcpy(o, run, (size_t)(p - run));
	o += p - run;
	*o++ = '"';
	b->len = (size_t)(o - b->p);
	return 0;
}

/* The string at a dotted path of a record, decoded into b (replacing). */
int
cx_rec_getstr(const struct cx_rec *r, const char *path, struct cx_buf *b)
{
	const char *v;
	size_t n;

	b->len = 0;
	if (cx_json_path(r, path, &v, &n) == -1 ||
	    cx_json_type(v, n) != CX_J_STR || cx_json_str(v, n, b) == -1)
		return -1;
	(void)cx_buf_str(b);
	return 0;
}

/* The string member of a raw object, decoded into b (replacing). */
int
cx_json_getstr(const char *o, size_t n, const char *key, struct cx_buf *b)
{
	const char *v;
	size_t vn;

	b->len = 0;
	if (cx_json_member(o, n, key, &v, &vn) == -1 ||
	    cx_json_type(v, vn) != CX_J_STR || cx_json_str(v, vn, b) == -1)
		return -1;
	(void)cx_buf_str(b);
	return 0;
}

void
cx_json_addlist(struct cx_buf *b, const char *l)
{
	int first = 1;

	cx_buf_addc(b, '[');
	for (; *l != '\0'; l += strlen(l) + 1) {
		if (!first)
			cx_buf_addc(b, ',');
		first = 0;
		cx_json_addstr(b, l, strlen(l));
	}
	cx_buf_addc(b, ']');
}

void
cx_json_addstr(struct cx_buf *b, const char *s, size_t n)
{
	(void)addstr(b, s, n, 0);
}

int
cx_json_addstr_utf8(struct cx_buf *b, const char *s, size_t n)
{
	return addstr(b, s, n, 1);
}

void
cx_json_addkey(struct cx_buf *b, int first, const char *key)
{
	if (!first)
		cx_buf_addc(b, ',');
	cx_json_addstr(b, key, strlen(key));
	cx_buf_addc(b, ':');
}

/* A history entry begun: {"at":NOW,"by":BY,"action":ACTION, unclosed. */
void
cx_hist_begin(struct cx_buf *b, const char *nowtext, const char *by,
    const char *action)
{
	cx_buf_adds(b, "{\"at\":");
	cx_buf_adds(b, nowtext);
	cx_buf_adds(b, ",\"by\":");
	cx_json_addstr(b, by, strlen(by));
	cx_buf_adds(b, ",\"action\":");
	cx_json_addstr(b, action, strlen(action));
}

/* Where an entry goes in an array kept in time order. */
struct place {
	time_t		 at;
	const char	*before;	/* the first element later, or NULL */
	struct cx_buf	 tmp;
};

static void
later(void *arg, const char *v, size_t n)
{
	static const char *const keys[] = { "at" };
	struct place *p = arg;
	const char *m[1];
	size_t mn[1];
	time_t t;

	if (p->before != NULL || cx_json_fields(v, n, keys, 1, m, mn) == -1 ||
	    m[0] == NULL)
		return;
	p->tmp.len = 0;
	if (cx_json_str(m[0], mn[0], &p->tmp) == 0 &&
	    cx_time_parse(p->tmp.p, p->tmp.len, &t, NULL) == 0 && t > p->at)
		p->before = v;
}

/* An entry put in an array of entries in time order, after its equals. */
void
cx_rec_insert_by_time(struct cx_rec *r, const char *key, const char *elem,
    time_t at)
{
	const struct cx_field *f = cx_rec_get(r, key);
	struct place p = { at, NULL, { 0 } };
	struct cx_buf b = { 0 };
	size_t off;

	if (f != NULL && cx_json_type(f->v, f->vlen) == CX_J_ARR)
		(void)cx_json_each(f->v, f->vlen, later, &p);
	if (p.before == NULL)
		cx_rec_append(r, key, elem, strlen(elem));
	else {
		off = (size_t)(p.before - f->v);
		cx_buf_add(&b, f->v, off);
		cx_buf_adds(&b, elem);
		cx_buf_addc(&b, ',');
		cx_buf_add(&b, f->v + off, f->vlen - off);
		cx_rec_set_raw(r, key, b.p, b.len);
	}
	cx_buf_free(&p.tmp);
	cx_buf_free(&b);
}
