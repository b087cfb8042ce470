/*
 * json.c: the record codec (lib/json.c) against jq's own parser (libjq's
 * jv), on one line: the input, whole, is the line.
 *
 * Where no difference below applies, cx_rec_parse accepts the line if and
 * only if jq 1.6 reads it as one object, and then every reading agrees
 * with jq's value: the record as written back, each member as cx_rec_get
 * finds it, strings as decoded, array elements and members of nested
 * objects as the walkers find them, and the record after a set, an
 * append, a delete and a cx_json_setmember, against the same edits made
 * by jq's API.
 *
 * A record read is then taken as cx-ingest takes one of a JSON Lines
 * export or of cx-mail (lib/intake.c, thread.c): made a ticket body in
 * place, and a message if it is a mail's; both are still records.
 *
 * The codec refuses, on purpose, some lines jq 1.6 lets through (json.c,
 * cx(7), tests/bats/05-codec.bats): a line must be one JSON object by
 * RFC 8259, in UTF-8.  Each is recognised here on its own terms, never
 * from the codec's answer, and the codec must then refuse the line:
 *  - bytes that are not UTF-8 (jq puts U+FFFD for them);
 *  - a byte order mark at the start (jq skips it);
 *  - a raw NUL, U+001E or U+001F (jq 1.6 lets NUL and U+001F through in
 *    strings, and takes U+001E for RFC 7464's record separator);
 *  - outside strings, a word that is none of true, false, null and an
 *    RFC 8259 number (jq reads 01, .5, +1, 1., nan, NaN, Infinity);
 *  - no value, or more than one (jq reads a stream of values);
 *  - a value that is not an object.
 */
#include <jv.h>

#include "fuzz.h"

/* UTF-8 as RFC 3629 has it: shortest forms, no surrogates, at most
 * U+10FFFF.  Written here, not taken from the library under test. */
static int
utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, k, j;
	unsigned long c;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			k = 1;
			c = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			k = 2;
			c = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			k = 3;
			c = s[i] & 0x07;
		} else
			return 0;
		if (n - i <= k)
			return 0;
		for (j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && c < 0x800) || (k == 3 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* An RFC 8259 number, the whole of s. */
static int
rfc_number(const unsigned char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

/* Where jq 1.6 ends a word: a blank, structure or a quote. */
static int
word_end(unsigned char c)
{
	return c != '\0' && strchr(" \t\r\n[]{}:,\"", c) != NULL;
}

static int
word_ok(const unsigned char *s, size_t n)
{
	return (n == 4 && memcmp(s, "true", 4) == 0) ||
	    (n == 5 && memcmp(s, "false", 5) == 0) ||
	    (n == 4 && memcmp(s, "null", 4) == 0) || rfc_number(s, n);
}

/*
 * Which of the codec's own refusals the line falls under, or NULL.  Words
 * are cut as jq cuts them: at blanks, structure and quotes.  Each reason
 * is enough to make a line no RFC 8259 text, whatever else it holds.
 */
static const char *
refused(const unsigned char *s, size_t n)
{
	size_t i, w;

	if (!utf8_ok(s, n))
		return "not UTF-8";
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		return "a byte order mark";
	for (i = 0; i < n; i++)
		if (s[i] == 0 || s[i] == 0x1e || s[i] == 0x1f)
			return "a raw NUL, U+001E or U+001F";
	for (i = 0; i < n;) {
		if (s[i] == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
		} else if (word_end(s[i]))
			i++;
		else {
			for (w = i; i < n && !word_end(s[i]); i++)
				;
			if (!word_ok(s + w, i - w))
				return "a word that is no JSON literal";
		}
	}
	return NULL;
}

/* jq's reading of a line as jq reads a file: how many values (the
 * first in *v), and whether it failed. */
static int
jq_read(const char *s, size_t n, jv *v, int *nval)
{
	struct jv_parser *p = jv_parser_new(0);
	jv x;
	int bad;

	*nval = 0;
	jv_parser_set_buf(p, s, (int)n, 0);
	while (jv_is_valid(x = jv_parser_next(p)))
		if ((*nval)++ == 0)
			*v = x;
		else
			jv_free(x);
	bad = jv_invalid_has_msg(x);
	jv_parser_free(p);
	if (bad && *nval > 0)
		jv_free(*v);
	return bad ? -1 : 0;
}

static void check_value(const char *, size_t, jv, const char *);

/* A key as a C string, or NULL if it holds a NUL (no cx_rec_get can
 * name it). */
static const char *
cstr_key(jv k)
{
	const char *s = jv_string_value(k);

	return strlen(s) == (size_t)jv_string_length_bytes(jv_copy(k)) ?
	    s : NULL;
}

struct elems {
	const char	**v;
	size_t		 *n;
	size_t		  len;
};

static void
elem(void *arg, const char *v, size_t n)
{
	struct elems *e = arg;

	e->v = cx_grow(e->v, e->len, sizeof(*e->v));
	e->n = cx_grow(e->n, e->len, sizeof(*e->n));
	e->v[e->len] = v;
	e->n[e->len++] = n;
}

static void
dump_fail(const char *what, const char *raw, size_t n, jv want)
{
	jv d = jv_dump_string(want, 0);

	fuzz_fail("%s: cx has %.*s, jq %s", what, (int)(n > 200 ? 200 : n),
	    raw, jv_string_value(d));
}

/* A raw value of the codec's is jq's value v (consumed) in every
 * reading. */
static void
check_value(const char *raw, size_t n, jv v, const char *what)
{
	static const enum cx_jtype types[] = {
		[JV_KIND_NULL] = CX_J_NULL, [JV_KIND_FALSE] = CX_J_FALSE,
		[JV_KIND_TRUE] = CX_J_TRUE, [JV_KIND_NUMBER] = CX_J_NUM,
		[JV_KIND_STRING] = CX_J_STR, [JV_KIND_ARRAY] = CX_J_ARR,
		[JV_KIND_OBJECT] = CX_J_OBJ,
	};
	jv w = jv_parse_sized(raw, (int)n);
	jv_kind kind = jv_get_kind(v);
	struct cx_buf b = { 0 };
	struct elems e = { 0 };
	const char *mv, *ks;
	size_t mn, i;
	int it;

	if (!jv_is_valid(w))
		fuzz_fail("%s: jq cannot read the codec's value %.*s", what,
		    (int)(n > 200 ? 200 : n), raw);
	if (!jv_equal(jv_copy(v), w))
		dump_fail(what, raw, n, v);
	if (kind == JV_KIND_INVALID || kind > JV_KIND_OBJECT ||
	    cx_json_type(raw, n) != types[kind])
		dump_fail("type", raw, n, v);
	switch (kind) {
	case JV_KIND_STRING:
		if (cx_json_str(raw, n, &b) == -1 ||
		    b.len != (size_t)jv_string_length_bytes(jv_copy(v)) ||
		    (b.len > 0 && memcmp(b.p, jv_string_value(v), b.len) != 0))
			dump_fail("decoded string", raw, n, v);
		cx_buf_free(&b);
		break;
	case JV_KIND_ARRAY:
		if (cx_json_each(raw, n, elem, &e) == -1 ||
		    e.len != (size_t)jv_array_length(jv_copy(v)))
			dump_fail("array elements", raw, n, v);
		for (i = 0; i < e.len; i++)
			check_value(e.v[i], e.n[i], jv_array_get(jv_copy(v),
			    (int)i), "array element");
		free(e.v);
		free(e.n);
		break;
	case JV_KIND_OBJECT:
		for (it = jv_object_iter(v); jv_object_iter_valid(v, it);
		    it = jv_object_iter_next(v, it)) {
			jv k = jv_object_iter_key(v, it);

			if ((ks = cstr_key(k)) != NULL) {
				if (cx_json_member(raw, n, ks, &mv, &mn) == -1)
					dump_fail("member not found", raw, n,
					    jv_copy(v));
				check_value(mv, mn, jv_object_iter_value(v, it),
				    "member");
			}
			jv_free(k);
		}
		break;
	default:
		break;
	}
	jv_free(v);
}

/* The codec's record, written, is jq's value want (consumed). */
static void
check_written(const struct cx_rec *r, jv want, const char *what)
{
	struct cx_buf out = { 0 };
	size_t at = 0;

	cx_rec_write(r, &out);
	if (out.len == 0 || out.p[out.len - 1] != '\n')
		fuzz_fail("%s: no line written", what);
	/* A line untouched is written as it was read, blanks and all. */
	while (out.p[at] == ' ' || out.p[at] == '\t' || out.p[at] == '\r' ||
	    out.p[at] == '\n')
		at++;
	check_value(out.p + at, out.len - 1 - at, want, what);
	cx_buf_free(&out);
}

/* The edits the tools make, made by both: the same value after. */
static void
check_edits(struct cx_rec *r, jv v)
{
	struct cx_buf out = { 0 }, set = { 0 };
	const char *first = NULL;
	jv h, k = jv_invalid();
	int it;

	/* Append to "h": made an array if it is none. */
	cx_rec_append(r, "h", "{\"n\":1}", 7);
	h = jv_object_get(jv_copy(v), jv_string("h"));
	if (!jv_is_valid(h))
		h = jv_array();
	else if (jv_get_kind(h) != JV_KIND_ARRAY)
		h = jv_array_append(jv_array(), h);
	h = jv_array_append(h, jv_object_set(jv_object(), jv_string("n"),
	    jv_number(1)));
	v = jv_object_set(v, jv_string("h"), h);
	/* Set a string with what must be escaped. */
	cx_rec_set_str(r, "s", "a\"b\\c\n\x01", 7);
	v = jv_object_set(v, jv_string("s"), jv_string_sized("a\"b\\c\n\x01",
	    7));
	/* Delete the first member jq lists that a C string can name. */
	for (it = jv_object_iter(v); jv_object_iter_valid(v, it) &&
	    first == NULL; it = jv_object_iter_next(v, it)) {
		jv_free(k);
		k = jv_object_iter_key(v, it);
		first = cstr_key(k);
	}
	if (first != NULL) {
		cx_rec_del(r, first);
		v = jv_object_delete(v, jv_copy(k));
	}
	jv_free(k);
	check_written(r, jv_copy(v), "after an edit");
	/* A member set in the raw object, as the ticket files are edited. */
	cx_rec_write(r, &out);
	if (cx_json_setmember(out.p, out.len - 1, "s", "[true]", 6, &set) == -1)
		fuzz_fail("setmember: no object");
	v = jv_object_set(v, jv_string("s"), jv_array_append(jv_array(),
	    jv_true()));
	check_value(set.p, set.len, v, "after setmember");
	cx_buf_free(&out);
	cx_buf_free(&set);
}

static struct cx_intake_ctx ctx;

/* A record as cx-ingest takes it (its jsonl_file and mail_item). */
static void
intake(const char *s, size_t n)
{
	struct cx_rec r = { 0 };
	struct cx_intake_msg m = { 0 };
	struct cx_buf out = { 0 };
	struct cx_key key, okey;
	struct cx_err e;
	int has_order;

	if (cx_rec_parse(&r, s, n, NULL, NULL) == -1)
		fuzz_fail("a record read once is not read again");
	if (cx_intake_rec(&r, &ctx, "in.jsonl", 1, &key, &has_order, &okey,
	    &e) == 0) {
		cx_rec_write(&r, &out);
		fuzz_record("a record taken in", out.p, out.len - 1);
		if (cx_intake_mail(&r, &m, &e) == 1) {
			if (cx_json_check(m.elem.p, m.elem.len, &e) !=
			    m.elem.len || m.elem.len == 0)
				fuzz_fail("a mail's message is no JSON");
			if (cx_json_check(m.hist.p, m.hist.len, &e) !=
			    m.hist.len || m.hist.len == 0)
				fuzz_fail("a mail's history entry is no JSON");
		}
	}
	cx_intake_msg_free(&m);
	cx_rec_free(&r);
	cx_buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *s = (const char *)d, *why;
	struct cx_rec r = { 0 };
	struct cx_err e;
	size_t pos, i, live;
	jv v = jv_invalid();
	int cx_ok, jq_ok, nval, it;

	if (n > 1 << 20)
		return 0;
	e.msg[0] = '\0';
	cx_ok = cx_rec_parse(&r, s, n, &e, &pos) == 0;
	if (!cx_ok && pos > n)
		fuzz_fail("error position %zu past the line's end %zu", pos, n);
	jq_ok = jq_read(s, n, &v, &nval) == 0;
	why = refused(d, n);
	if (why == NULL && jq_ok && nval != 1)
		why = nval == 0 ? "no value" : "several values";
	if (why == NULL && jq_ok && jv_get_kind(v) != JV_KIND_OBJECT)
		why = "not an object";
	if (jq_ok && nval > 0 && why != NULL) {
		jv_free(v);
		jq_ok = 0;
	}
	if (why != NULL) {
		if (cx_ok)
			fuzz_fail("the codec accepts a line with %s", why);
		goto out;
	}
	if (cx_ok && !jq_ok)
		fuzz_fail("the codec accepts the line, jq refuses it");
	if (!cx_ok && jq_ok)
		fuzz_fail("the codec refuses the line (%s), jq reads it", e.msg);
	if (!cx_ok)
		goto out;
	/* Both read one object: it reads the same every way. */
	check_written(&r, jv_copy(v), "written back");
	for (i = live = 0; i < r.n; i++)
		live += !(r.f[i].flags & CX_F_DEL);
	if (live != (size_t)jv_object_length(jv_copy(v)))
		fuzz_fail("%zu members kept, jq has %d", live,
		    jv_object_length(jv_copy(v)));
	for (it = jv_object_iter(v); jv_object_iter_valid(v, it);
	    it = jv_object_iter_next(v, it)) {
		jv k = jv_object_iter_key(v, it);
		const char *ks = cstr_key(k);
		const struct cx_field *f;

		if (ks != NULL) {
			if ((f = cx_rec_get(&r, ks)) == NULL)
				fuzz_fail("cx_rec_get finds no \"%s\"", ks);
			check_value(f->v, f->vlen, jv_object_iter_value(v, it),
			    "cx_rec_get");
		}
		jv_free(k);
	}
	check_edits(&r, v);
	intake(s, n);
out:
	cx_rec_free(&r);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_intake_ctx(&ctx);
	return 0;
}

/*
 * jq 1.6 leaks what it had read of a line it refuses (in jv_parser_next):
 * its leaks are not the codec's.  libjq has no frame pointers, so the
 * stacks are unwound the slow way to tell them apart.
 */
const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *
__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions(void)
{
	return "leak:jv_parser_next\n";
}
