/*
 * t_json: the record codec.  Tables of valid and invalid lines, what a
 * round trip keeps byte for byte, and what set, delete and append write.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"	/* white-box: the library's insides too */
#include "tap.h"

static const char *valid[] = {
	"{}",
	" { } ",
	"{\"a\":1}",
	"{\"id\":\"CX-1\",\"n\":12345678901234567890123}",
	"{\"a\":-0.5e+10,\"b\":0,\"c\":1E5,\"d\":-0}",
	"{\"s\":\"\\u4e2d\\ud83d\\ude00\\n\\t\\\"\\\\\\/\"}",
	"{\"s\":\"中文 😀\"}",
	"{\"a\":[1,[2,[3,{}]],{\"b\":null}],\"t\":true,\"f\":false}",
	"{\"lone\":\"\\udc00\"}",
	"{\"k\\u0041\":1}",
	"{\"a\" : [ 1 , 2 ] , \"b\" : { } }",
};

static const char *invalid[] = {
	"", "[]", "1", "\"s\"", "null", "{", "}", "{\"a\"}", "{\"a\":}",
	"{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}", "{a:1}", "{'a':1}",
	"{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}",
	"{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}",
	"{\"a\":\"unterminated}", "{\"a\":\"tab\there\"}", "{\"a\":1}x",
	"{\"a\":1}{}", "{\"a\":[1,2}", "{\"a\":NaN}", "{\"a\":Infinity}",
	"{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
	"{\"a\":\"\xe4\xb8\"}",
};

static void
test_valid(void)
{
	struct cx_rec r = { 0 };
	struct cx_buf out = { 0 };
	struct cx_err e;
	size_t i, pos;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		ok(cx_rec_parse(&r, valid[i], strlen(valid[i]), &e, &pos) == 0,
		    "valid: %s", valid[i]);
		out.len = 0;
		cx_rec_write(&r, &out);
		ok(out.len == strlen(valid[i]) + 1 &&
		    memcmp(out.p, valid[i], out.len - 1) == 0,
		    "untouched record written back byte for byte: %s",
		    valid[i]);
	}
	cx_rec_free(&r);
	cx_buf_free(&out);
}

static void
test_invalid(void)
{
	struct cx_rec r = { 0 };
	struct cx_err e;
	size_t i, pos;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		e.msg[0] = '\0';
		ok(cx_rec_parse(&r, invalid[i], strlen(invalid[i]), &e, &pos)
		    == -1 && e.msg[0] != '\0' && pos <= strlen(invalid[i]),
		    "invalid (%s): %s", e.msg, invalid[i]);
	}
	cx_rec_free(&r);
}

/* A record with n arrays, or n objects, one in another. */
static void
nested(struct cx_buf *b, size_t n, int obj)
{
	size_t i;

	b->len = 0;
	cx_buf_adds(b, "{\"a\":");
	for (i = 0; i < n; i++)
		cx_buf_adds(b, obj ? "{\"a\":" : "[");
	cx_buf_addc(b, '1');
	for (i = 0; i < n; i++)
		cx_buf_addc(b, obj ? '}' : ']');
	cx_buf_addc(b, '}');
}

static void
test_depth(void)
{
	struct cx_rec r = { 0 };
	struct cx_buf b = { 0 };
	size_t i;

	/* As deep as jq 1.6 reads, and no deeper: it counts keys too. */
	nested(&b, 254, 0);
	ok(cx_rec_parse(&r, b.p, b.len, NULL, NULL) == 0,
	    "254 arrays one in another parse");
	nested(&b, 255, 0);
	ok(cx_rec_parse(&r, b.p, b.len, NULL, NULL) == -1,
	    "255 arrays are refused, as jq refuses them");
	nested(&b, 127, 1);
	ok(cx_rec_parse(&r, b.p, b.len, NULL, NULL) == 0,
	    "127 objects one in another parse");
	nested(&b, 128, 1);
	ok(cx_rec_parse(&r, b.p, b.len, NULL, NULL) == -1,
	    "128 objects are refused, as jq refuses them");
	b.len = 0;
	cx_buf_adds(&b, "{\"a\":");
	for (i = 0; i < 100000; i++)
		cx_buf_addc(&b, '[');
	ok(cx_rec_parse(&r, b.p, b.len, NULL, NULL) == -1,
	    "100000 deep is refused, not a stack overflow");
	cx_rec_free(&r);
	cx_buf_free(&b);
}

static void
test_edit(void)
{
	const char *in = "{\"id\":\"7\", \"amount\":176.14,\"big\":"
	    "123456789012345678901,\"h\":[],\"x\":{\"y\":\"z\"}}";
	struct cx_rec r = { 0 };
	struct cx_buf out = { 0 }, s = { 0 };
	const struct cx_field *f;
	const char *v;
	size_t n;

	ok(cx_rec_parse(&r, in, strlen(in), NULL, NULL) == 0, "parse");
	f = cx_rec_get(&r, "amount");
	ok(f != NULL && f->vlen == 6 && memcmp(f->v, "176.14", 6) == 0,
	    "get keeps the number's text");
	ok(cx_rec_get(&r, "missing") == NULL, "get of a missing key");
	ok(cx_json_path(&r, "x.y", &v, &n) == 0 && n == 3 &&
	    memcmp(v, "\"z\"", 3) == 0, "path into an object");
	ok(cx_json_path(&r, "x.q", &v, &n) == -1, "path to nothing");
	cx_rec_set_str(&r, "status", "new \"one\"", 9);
	cx_rec_set_raw(&r, "id", "\"8\"", 3);
	cx_rec_append(&r, "h", "{\"a\":1}", 7);
	cx_rec_append(&r, "h", "2", 1);
	cx_rec_append(&r, "g", "3", 1);
	cx_rec_del(&r, "x");
	cx_rec_write(&r, &out);
	is_str(cx_buf_str(&out), "{\"id\":\"8\",\"amount\":176.14,\"big\":"
	    "123456789012345678901,\"h\":[{\"a\":1},2],"
	    "\"status\":\"new \\\"one\\\"\",\"g\":[3]}\n",
	    "set, append and delete touch only what they name");
	f = cx_rec_get(&r, "status");
	ok(f != NULL && cx_json_str(f->v, f->vlen, &s) == 0 &&
	    strcmp(cx_buf_str(&s), "new \"one\"") == 0, "string decodes");
	cx_rec_free(&r);
	cx_buf_free(&out);
	cx_buf_free(&s);
}

static void
test_strings(void)
{
	struct cx_buf b = { 0 }, d = { 0 };
	const char raw[] = "a\"b\\c\n\x01\x1f中😀";

	cx_json_addstr(&b, raw, sizeof(raw) - 1);
	is_str(cx_buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\\u001f中😀\"",
	    "escaping");
	ok(cx_json_check(b.p, b.len, NULL) == b.len, "escaped text is JSON");
	ok(cx_json_str(b.p, b.len, &d) == 0 && d.len == sizeof(raw) - 1 &&
	    memcmp(d.p, raw, d.len) == 0, "decoding undoes escaping");
	d.len = 0;
	cx_json_str("\"\\ud83d\\ude00\\udc00\"", 20, &d);
	is_str(cx_buf_str(&d), "😀\xef\xbf\xbd",
	    "surrogate pair joined, lone surrogate U+FFFD");
	ok(cx_utf8_valid("ok 中", 6) && !cx_utf8_valid("\xe4\xb8", 2),
	    "UTF-8 validation");
	ok(cx_utf8_prefix("ab\xe4\xb8", 4) == 2 &&
	    cx_utf8_prefix("ab\xe4\xb8\xad", 5) == 5, "whole-character prefix");
	cx_buf_free(&b);
	cx_buf_free(&d);
}

static void
test_duplicates(void)
{
	static const struct { const char *in, *out, *a; } c[] = {
		{ "{\"id\":\"X\",\"a\":1,\"b\":2,\"a\":3}",
		    "{\"id\":\"X\",\"b\":2,\"a\":3}\n", "3" },
		{ "{\"a\\u0062\":1,\"ab\":2}", "{\"ab\":2}\n", NULL },
		{ "{\"ab\":1,\"a\\u0062\":2}", "{\"a\\u0062\":2}\n", NULL },
		{ "{\"a\":1,\"a\":2,\"a\":3}", "{\"a\":3}\n", "3" },
		{ "{\"a\":1,\"b\":2}", "{\"a\":1,\"b\":2}\n", "1" },
	};
	struct cx_rec r = { 0 };
	struct cx_buf out = { 0 };
	const struct cx_field *f;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ok(cx_rec_parse(&r, c[i].in, strlen(c[i].in), NULL, NULL) == 0,
		    "duplicate keys read: %s", c[i].in);
		out.len = 0;
		cx_rec_write(&r, &out);
		ok(strcmp(cx_buf_str(&out), c[i].out) == 0,
		    "the last kept, the others not written: %s", out.p);
		if (c[i].a != NULL)
			ok((f = cx_rec_get(&r, "a")) != NULL && f->vlen == 1 &&
			    f->v[0] == c[i].a[0], "the last is read");
	}
	cx_rec_free(&r);
	cx_buf_free(&out);
}

/* In a nested object too, a key given twice is its last, written once. */
static void
test_nested_duplicates(void)
{
	static const struct { const char *in, *out, *path, *v; } c[] = {
		{ "{\"c\":{\"a\":1,\"b\":2,\"a\":3}}",
		    "{\"c\":{\"b\":2,\"a\":3}}\n", "c.a", "3" },
		{ "{\"c\":{\"a\\u0062\":1,\"ab\":2}}",
		    "{\"c\":{\"ab\":2}}\n", "c.ab", "2" },
		{ "{\"c\":{\"ab\":1,\"a\\u0062\":2}}",
		    "{\"c\":{\"a\\u0062\":2}}\n", "c.ab", "2" },
		{ "{\"c\":{\"\\u0061\":1,\"\\u0061\":2,\"a\":3}}",
		    "{\"c\":{\"a\":3}}\n", "c.a", "3" },
		{ "{\"h\":[{\"at\":1,\"x\":2,\"at\":3},{\"at\":4}],\"k\":5}",
		    "{\"h\":[{\"x\":2,\"at\":3},{\"at\":4}],\"k\":5}\n", NULL,
		    NULL },
		/* A repeat within, and of, the member itself. */
		{ "{\"c\":{\"d\":{\"e\":1,\"e\":2},\"d\":{\"e\":3,\"e\":4}},"
		    "\"c\":0,\"c\":{ \"f\" : [ { \"g\":1 , \"g\":2 } ] }}",
		    "{\"c\":{\"f\":[{\"g\":2}]}}\n", "c.f", "[{\"g\":2}]" },
		/* Keys alike but not the same stay, each in its own object. */
		{ "{\"c\":{\"ab\":1,\"ba\":2,\"a\":{\"ab\":3},\"b\":[{\"ab\":4}]}}",
		    NULL, "c.a.ab", "3" },
		{ "{\"c\":{\"a\":1,\"b\":\"\\\"a\\\":2\"}}", NULL, "c.a", "1" },
	};
	struct cx_rec r = { 0 };
	struct cx_buf out = { 0 };
	const char *v;
	size_t i, n;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ok(cx_rec_parse(&r, c[i].in, strlen(c[i].in), NULL, NULL) == 0,
		    "nested duplicate keys read: %s", c[i].in);
		out.len = 0;
		cx_rec_write(&r, &out);
		if (c[i].out != NULL)
			ok(strcmp(cx_buf_str(&out), c[i].out) == 0, "nested: "
			    "the last kept, the others not written: %s", out.p);
		else
			ok(out.len == strlen(c[i].in) + 1 && memcmp(out.p,
			    c[i].in, out.len - 1) == 0, "no repeat: written "
			    "back byte for byte: %s", c[i].in);
		if (c[i].path != NULL)
			ok(cx_json_path(&r, c[i].path, &v, &n) == 0 &&
			    n == strlen(c[i].v) && memcmp(v, c[i].v, n) == 0,
			    "nested: %s is read as %s", c[i].path, c[i].v);
	}
	cx_rec_free(&r);
	cx_buf_free(&out);
}

/* As deep as a record may be, a repeat at the bottom is found. */
static void
test_deep_duplicates(void)
{
	struct cx_rec r = { 0 };
	struct cx_buf b = { 0 }, want = { 0 }, out = { 0 };
	size_t i;

	cx_buf_adds(&b, "{\"a\":");
	cx_buf_adds(&want, "{\"a\":");
	for (i = 0; i < 168; i++) {
		cx_buf_adds(&b, i % 2 ? "[" : "{\"k\":0,\"k\":");
		cx_buf_adds(&want, i % 2 ? "[" : "{\"k\":");
	}
	cx_buf_adds(&b, "{\"z\":1,\"z\":2}");
	cx_buf_adds(&want, "{\"z\":2}");
	for (i = 168; i-- > 0;) {
		cx_buf_adds(&b, i % 2 ? "]" : "}");
		cx_buf_adds(&want, i % 2 ? "]" : "}");
	}
	cx_buf_adds(&b, "}");
	cx_buf_adds(&want, "}\n");
	ok(cx_rec_parse(&r, b.p, b.len, NULL, NULL) == 0,
	    "as deep as jq reads, a repeat at each object, parses");
	cx_rec_write(&r, &out);
	ok(out.len == want.len && memcmp(out.p, want.p, out.len) == 0,
	    "as deep as jq reads: each object written with its last only");
	b.len = 0;
	cx_buf_adds(&b, "{\"a\":");
	for (i = 0; i < 256; i++)
		cx_buf_adds(&b, "{\"k\":1,\"k\":");
	cx_buf_adds(&b, "1");
	for (i = 0; i < 257; i++)
		cx_buf_addc(&b, '}');
	ok(cx_rec_parse(&r, b.p, b.len, NULL, NULL) == -1,
	    "257 deep is still refused");
	cx_rec_free(&r);
	cx_buf_free(&b);
	cx_buf_free(&want);
	cx_buf_free(&out);
}

struct seen {
	struct cx_buf	 b;
	int		 n;
};

static void
seen_fields(void *arg, const char **v, size_t *vlen)
{
	struct seen *s = arg;
	int i;

	s->n++;
	cx_buf_addc(&s->b, '(');
	for (i = 0; i < 2; i++) {
		if (i > 0)
			cx_buf_addc(&s->b, ' ');
		if (v[i] == NULL)
			cx_buf_adds(&s->b, "-");
		else
			cx_buf_add(&s->b, v[i], vlen[i]);
	}
	cx_buf_addc(&s->b, ')');
}

static void
test_each_fields(void)
{
	static const char *const keys[] = { "at", "action" };
	static const char a[] = "[ {\"at\":1, \"x\":{\"at\":9}, "
	    "\"action\" : \"a,b\"}, 3, [\"at\"], {}, {\"action\":\"c\","
	    "\"at\":[1,{\"y\":2}],\"at\":2}, {\"a\\u0074\":5} ]";
	struct seen s = { { 0 }, 0 };

	ok(cx_json_each_fields(a, sizeof(a) - 1, keys, 2, seen_fields, &s) ==
	    0, "each_fields: an array");
	ok(s.n == 4 && strcmp(cx_buf_str(&s.b), "(1 \"a,b\")(- -)"
	    "(2 \"c\")(5 -)") == 0, "each_fields: objects only, nested "
	    "keys not taken, the last wins, escaped keys: %s", cx_buf_str(&s.b));
	ok(cx_json_each_fields("{}", 2, keys, 2, seen_fields, &s) == -1,
	    "each_fields: not an array");
	cx_buf_free(&s.b);
}

int
main(void)
{
	test_valid();
	test_invalid();
	test_depth();
	test_edit();
	test_strings();
	test_duplicates();
	test_nested_duplicates();
	test_deep_duplicates();
	test_each_fields();
	return done_testing();
}
