/*
 * t_lib: CSV reading, normalisation, keys, the spool and the registry.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"
#include "tap.h"

/* Rows as "line:field|field|...;" or "line:!error;" for comparing. */
static void
csv_rows(const char *data, size_t n, const char *charset, struct cx_buf *out)
{
	struct cx_in in;
	struct cx_csv *c;
	struct cx_csvrow *row;
	size_t i;

	cx_in_open(&in, tap_file("in.csv", data, n), NULL);
	c = cx_csv_open(&in, charset, NULL);
	while (cx_csv_next(c, &row, NULL) == 1) {
		cx_buf_printf(out, "%lu:", row->line);
		if (row->err != NULL)
			cx_buf_printf(out, "!%s", row->err);
		for (i = 0; row->err == NULL && i < row->n; i++)
			cx_buf_printf(out, "%s%s", i ? "|" : "",
			    row->data.p + row->off[i]);
		cx_buf_addc(out, ';');
	}
	cx_csv_close(c);
	cx_in_close(&in);
}

static void
test_csv(void)
{
	static const struct {
		const char *in, *want, *name;
	} t[] = {
		{ "a,b\n1,2\n", "1:a|b;2:1|2;", "plain" },
		{ "a,b\r\n1,2\r\n", "1:a|b;2:1|2;", "CRLF" },
		{ "a,b\r1,2\r", "1:a|b;2:1|2;", "bare CR line ends" },
		{ "\xef\xbb\xbf" "a,b\n1,2", "1:a|b;2:1|2;",
		    "BOM and no final newline" },
		{ "a,b\n\"x, \"\"y\"\"\nz\", w \n", "1:a|b;2:x, \"y\"\nz| w ;",
		    "quotes, commas, newlines; spaces kept" },
		{ "a,b\n\n1,2\n", "1:a|b;3:1|2;", "blank line skipped" },
		{ "a,b\r\n1,\r\n,2\r\n \t, x \r\n", "1:a|b;2:1|;3:|2;4: \t| x ;",
		    "plain lines: empty fields, blanks kept, CRLF" },
		{ "a,b\n1,\"x\ny\"\n3,4\n", "1:a|b;2:1|x\ny;4:3|4;",
		    "a plain line after a quoted multi-line record" },
		{ "a,b\n1,x\r\ry\n", "1:a|b;2:1|x\r\ry;",
		    "bare CR inside a field of an LF file is data" },
		{ "a,b\n1,\"open\n2,3\n", "1:a|b;2:!unterminated quoted field "
		    "at end of file;", "cut-off record at end of file" },
		{ "a,b\n1,x\"y\n2,3\n", "1:a|b;2:!quote inside an unquoted "
		    "field;3:2|3;", "malformed record costs only itself" },
		{ "a,b\n\"1\"x,2\n3,4\n", "1:a|b;2:!stray quote after a quoted "
		    "field;3:3|4;", "stray quote" },
	};
	struct cx_buf out = { 0 };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		out.len = 0;
		csv_rows(t[i].in, strlen(t[i].in), NULL, &out);
		is_str(cx_buf_str(&out), t[i].want, t[i].name);
	}
	/* "投诉,订单\n退款,1\n" in GBK */
	out.len = 0;
	csv_rows("\xcd\xb6\xcb\xdf,\xb6\xa9\xb5\xa5\n\xcd\xcb\xbf\xee,1\n", 17,
	    NULL, &out);
	is_str(cx_buf_str(&out), "1:投诉|订单;2:退款|1;", "GBK guessed");
	out.len = 0;
	csv_rows("\xcd\xb6\xcb\xdf,\xb6\xa9\xb5\xa5\n\xcd\xcb\xbf\xee,1\n", 17,
	    "gbk", &out);
	is_str(cx_buf_str(&out), "1:投诉|订单;2:退款|1;", "GBK named");
	cx_buf_free(&out);
}

static void
test_norm(void)
{
	static const struct {
		const char *in, *want;
	} phone[] = {
		{ "138 0013 8000", "+8613800138000" },
		{ "+86-138-0013-8000", "+8613800138000" },
		{ "008613800138000", "+8613800138000" },
		{ "8613800138000", "+8613800138000" },
		{ "021-6432 1234", "02164321234" },
		{ "+1 (415) 555-0100", "+14155550100" },
		{ "call me", NULL }, { "123", NULL },
	}, email[] = {
		{ " Chen.Jie@Example.COM ", "Chen.Jie@example.com" },
		{ "Zhang <z@qq.com>", "z@qq.com" },
		{ "no-at.example.com", NULL }, { "a@b", NULL },
		{ "a b@c.com", NULL },
	}, amount[] = {
		{ "¥1,299.00", "1299.00 CNY" }, { "￥88", "88 CNY" },
		{ "129.5元", "129.5 CNY" }, { "RMB 50", "50 CNY" },
		{ "$12.99", "12.99 USD" }, { "1,000", "1000 -" },
		{ "-5.00", "-5.00 -" }, { "007", "7 -" },
		{ "十元", NULL }, { "1.2.3", NULL }, { "12.", NULL },
		{ "12,50 €", NULL }, { "0,5", NULL }, { "1234,567", NULL },
		{ "1,234,567.5", "1234567.5 -" }, { "1,23", NULL },
	};
	struct cx_buf b = { 0 };
	const char *cur;
	size_t i;
	int r;

	for (i = 0; i < sizeof(phone) / sizeof(phone[0]); i++) {
		b.len = 0;
		r = cx_norm_phone(phone[i].in, strlen(phone[i].in), &b);
		ok(phone[i].want ? r == 0 && strcmp(cx_buf_str(&b),
		    phone[i].want) == 0 : r == -1, "phone %s", phone[i].in);
	}
	for (i = 0; i < sizeof(email) / sizeof(email[0]); i++) {
		b.len = 0;
		r = cx_norm_email(email[i].in, strlen(email[i].in), &b);
		ok(email[i].want ? r == 0 && strcmp(cx_buf_str(&b),
		    email[i].want) == 0 : r == -1, "email %s", email[i].in);
	}
	for (i = 0; i < sizeof(amount) / sizeof(amount[0]); i++) {
		b.len = 0;
		r = cx_norm_amount(amount[i].in, strlen(amount[i].in), &b,
		    &cur);
		if (r == 0)
			cx_buf_printf(&b, " %s", cur ? cur : "-");
		ok(amount[i].want ? r == 0 && strcmp(cx_buf_str(&b),
		    amount[i].want) == 0 : r == -1, "amount %s", amount[i].in);
	}
	cx_buf_free(&b);
}

static void
test_keys(void)
{
	struct cx_keyset s = { 0 };
	struct cx_key k, x;
	char hex[33], buf[32];
	uint32_t v;
	int i, bad = 0;

	for (i = 0; i < 100000; i++) {
		snprintf(buf, sizeof(buf), "row %d", i);
		if (cx_keyset_put(&s, cx_key_of(buf, strlen(buf)), (uint32_t)i,
		    NULL) != 0)
			bad++;
	}
	ok(bad == 0 && s.n == 100000, "100000 distinct keys, no collision");
	ok(cx_keyset_get(&s, cx_key_of("row 4242", 8), &v) && v == 4242,
	    "lookup finds the value");
	ok(cx_keyset_put(&s, cx_key_of("row 7", 5), 1, &v) == 1 && v == 7,
	    "a second put reports the first value");
	x = cx_key_of("x", 1);
	cx_key_hex(x, hex);
	ok(cx_key_parse(hex, 32, &k) == 0 && k.h[0] == x.h[0] &&
	    k.h[1] == x.h[1], "hex round trip");
	cx_keyset_free(&s);
}

static int
count(const char *dir)
{
	char cmd[600];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls %s/%s 2>/dev/null | wc -l",
	    tap_tmpdir(), dir);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static int
file_is(const char *name, const char *want)
{
	char path[600], got[256];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), name);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	n = fread(got, 1, sizeof(got) - 1, fp);
	fclose(fp);
	got[n] = '\0';
	return strcmp(got, want) == 0;
}

static void
test_registry(void)
{
	struct cx_spool sp;
	struct cx_reg g;
	struct cx_err e;
	struct stat st;
	char path[512];

	snprintf(path, sizeof(path), "%s/spool", tap_tmpdir());
	ok(cx_spool_open(&sp, path, 1, &e) == 0 && cx_spool_lock(&sp, &e) == 0,
	    "spool created and locked");
	ok(stat(path, &st) == 0 && (st.st_mode & 007) == 0,
	    "spool not world-readable");
	ok(cx_reg_open(&g, &sp, 0, &e) == 0, "empty registry opens");
	ok(cx_reg_next(&g, "20261124") == 1 && cx_reg_next(&g, "20261124") == 2
	    && cx_reg_next(&g, "20261125") == 1, "per-day counters");
	cx_reg_add(&g, 's', cx_key_of("a", 1), "CX-20261124-0001");
	ok(cx_reg_stage(&g, "new", "B1.jsonl", "{}\n", 3, &e) == 0,
	    "batch staged");
	ok(cx_reg_commit(&g, &e) == 0 && count("spool/new") == 1 &&
	    count("spool/tmp") == 0, "commit moves the batch into new/");
	/* A batch that dies before its commit leaves no trace... */
	cx_reg_add(&g, 's', cx_key_of("b", 1), "CX-20261124-0003");
	cx_reg_next(&g, "20261124");
	cx_reg_stage(&g, "new", "B1.jsonl", "{\"dead\":1}\n", 11, &e);
	cx_reg_free(&g);
	ok(cx_reg_open(&g, &sp, 0, &e) == 0 &&
	    cx_reg_find(&g, 's', cx_key_of("a", 1), NULL) &&
	    !cx_reg_find(&g, 's', cx_key_of("b", 1), NULL) &&
	    !cx_reg_find(&g, 'c', cx_key_of("a", 1), NULL),
	    "reopened: committed keys kept, kinds kept apart");
	/* ...not even a staged rewrite of a file the last commit wrote. */
	ok(count("spool/tmp") == 0 && file_is("spool/new/B1.jsonl", "{}\n"),
	    "a dead batch's staged file is not published by recovery");
	ok(cx_reg_next(&g, "20261124") == 3, "counter resumes after commit");
	/* A commit whose files were not yet moved is finished on open. */
	cx_reg_add(&g, 's', cx_key_of("c", 1), "CX-20261124-0003");
	cx_reg_stage(&g, "new", "B2.jsonl", "{}\n", 3, &e);
	ok(cx_reg_commit(&g, &e) == 0, "second commit");
	cx_reg_free(&g);
	rename(strcat(strcpy(path, tap_tmpdir()), "/spool/new/B2.jsonl"),
	    strcat(strcpy(path + 256, tap_tmpdir()), "/spool/tmp/2.B2.jsonl"));
	ok(cx_reg_open(&g, &sp, 0, &e) == 0 && count("spool/new") == 2 &&
	    count("spool/tmp") == 0, "recovery moves staged files into place");
	cx_reg_free(&g);
	ok(cx_spool_put(&sp, "open", "CX-1", "x\n", 2, &e) == 0 &&
	    count("spool/open") == 1, "atomic put");
	cx_spool_close(&sp);
}

static void
test_gz(void)
{
	struct cx_buf z = { 0 }, all = { 0 };
	struct cx_in in;
	const char *l;
	size_t n;
	int lines = 0;

	cx_gz_compress("one\ntwo\r\nthree", 14, &z, NULL);
	cx_buf_add(&all, z.p, z.len);
	cx_buf_add(&all, z.p, z.len);	/* two members, as cat makes */
	cx_in_open(&in, tap_file("x.gz", all.p, all.len), NULL);
	while (cx_in_line(&in, &l, &n, NULL) == 1)
		lines++;
	ok(in.gz && lines == 5, "gzip read back, members joined (%d lines)",
	    lines);
	cx_in_close(&in);
	cx_in_open(&in, tap_file("y.gz", z.p, z.len - 4), NULL);
	while (cx_in_line(&in, &l, &n, NULL) == 1)
		;
	ok(cx_in_line(&in, &l, &n, NULL) != 1, "truncated gzip ends");
	cx_in_close(&in);
	cx_buf_free(&z);
	cx_buf_free(&all);
}

int
main(void)
{
	test_csv();
	test_norm();
	test_keys();
	test_registry();
	test_gz();
	tap_cleanup();
	return done_testing();
}
