/*
 * t_lib: CSV reading, normalisation, keys, the spool and the registry.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"	/* white-box: the library's insides too */
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

/*
 * The keys are kept in spools and the feature hashes in models: the same
 * bytes must give the same key on every version.  Known answers, and the
 * hashes that skip the copy or the second half against cx_key_of.
 */
static void
test_hash(void)
{
	static const struct { const char *s; uint64_t h0, h1; } kat[] = {
		{ "", 0x1f61290f0cc40e95ULL, 0xb6e36dfa29e48e03ULL },
		{ "x", 0x8cbd758b0ce43f82ULL, 0xe19cd994c3827479ULL },
		{ "0123456", 0x0cc7177394525bdaULL, 0x2570043dbce88942ULL },
		{ "01234567", 0x60fc3853a64f75feULL, 0x53cf89a536903b5cULL },
		{ "0123456789abcdef0", 0x8c58022cbd0b8b5eULL,
		    0xf9e3c9e00795357aULL },
		{ "退款太慢了，等了一个多月还没有到账", 0xe394a43edf6a1fb5ULL,
		    0x0fa764719a2d0e3cULL },
	};
	unsigned char b[80], *e;
	struct cx_key k;
	size_t i, n, off;
	int bad = 0, badt = 0;

	for (i = 0; i < sizeof(kat) / sizeof(*kat); i++) {
		k = cx_key_of(kat[i].s, strlen(kat[i].s));
		if (k.h[0] != kat[i].h0 || k.h[1] != kat[i].h1)
			bad++;
	}
	ok(bad == 0, "cx_key_of gives the keys it always gave");
	for (i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)(i * 37 + 11);
	bad = 0;
	/* The bytes copied to the very end of an allocation, at an even and
	 * an odd address: a read past them is the sanitizers' to see. */
	for (n = 0; n < sizeof(b) - 1; n++)
		for (off = 0; off < 2; off++) {
			e = cx_alloc(off + n);
			memcpy(e + off, b + 1, n);
			if (cx_hash64(e + off, n) != cx_key_of(b + 1, n).h[0])
				bad++;
			if (cx_hash64_tagged(b[0], e + off, n) !=
			    cx_key_of(b, n + 1).h[0])
				badt++;
			free(e);
		}
	ok(bad == 0, "cx_hash64 is the first half of cx_key_of, 0 to 78 bytes");
	ok(badt == 0, "cx_hash64_tagged is cx_hash64 of the tag and the bytes");
}

/*
 * cx_num_float reads what strtof reads, bit for bit: the weights of a
 * model as cx writes them (%.4g and the shortest form), and numbers of
 * 1 to 9 digits at every exponent its quick way takes and around it.
 */
static void
test_num_float(void)
{
	static const char *bad[] = { "", "-", ".", "e5", "1e", "1e+", "1.2.3",
	    "1x", "inf", "nan", "1e99999", "--1" };
	struct cx_buf tmp = { 0 }, b = { 0 };
	uint64_t r = 0x9e3779b97f4a7c15ULL;
	char s[64];
	float x, y;
	double d;
	int i, k, e, digits, differ = 0, n = 0, rejected = 0;

	for (i = 0; i < 400000; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		digits = 1 + (int)(r % 9);
		e = (int)((r >> 8) % 50) - 30;
		d = (double)((r >> 16) % 1000000000ULL) *
		    pow(10, e - digits);
		k = (int)((r >> 40) % 4);
		if (k == 0)
			snprintf(s, sizeof(s), "%.4g", (r >> 50) & 1 ? -d : d);
		else if (k == 1)
			snprintf(s, sizeof(s), "%.*g", digits, d);
		else if (k == 2)
			snprintf(s, sizeof(s), "%.*f", digits, d);
		else {
			b.len = 0;
			cx_num_put(&b, (float)d, 1);
			snprintf(s, sizeof(s), "%s", cx_buf_str(&b));
		}
		y = strtof(s, NULL);
		if (!isfinite(y))
			continue;
		n++;
		if (cx_num_float(s, strlen(s), &tmp, &x) != 0 ||
		    memcmp(&x, &y, sizeof(x)) != 0)
			differ++;
	}
	ok(differ == 0, "cx_num_float reads %d numbers as strtof does", n);
	for (i = 0; i < (int)(sizeof(bad) / sizeof(*bad)); i++)
		rejected += cx_num_float(bad[i], strlen(bad[i]), &tmp, &x) == -1;
	ok(rejected == (int)(sizeof(bad) / sizeof(*bad)),
	    "cx_num_float takes no bad number, nor an infinite one");
	ok(cx_num_float("-0", 2, &tmp, &x) == 0 && x == 0 && signbit(x),
	    "-0 is a negative zero");
	cx_buf_free(&tmp);
	cx_buf_free(&b);
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

/* A spool at tmpdir/NAME, begun for writing. */
static struct cx_spool *
begin(const char *name)
{
	struct cx_spool *sp;
	struct cx_err e;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), name);
	if (cx_spool_begin(&sp, path, 0, &e) == -1) {
		printf("# %s\n", e.msg);
		return NULL;
	}
	return sp;
}

static void
put_file(const char *name, const char *text)
{
	char path[600];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), name);
	if ((fp = fopen(path, "w")) != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
}

static void
test_spool(void)
{
	struct cx_spool *sp;
	struct cx_err e;
	struct stat st;
	char path[512], to[512];

	ok((sp = begin("tx")) != NULL, "spool created and locked");
	snprintf(path, sizeof(path), "%s/tx", tap_tmpdir());
	ok(stat(path, &st) == 0 && (st.st_mode & 007) == 0,
	    "spool not world-readable");
	ok(cx_spool_serial(sp) == 1, "an empty spool's first commit is 1");
	ok(cx_spool_commit(sp, &e) == 0 && access(strcat(strcpy(to, path),
	    "/state"), F_OK) == -1, "a commit of nothing writes nothing");
	ok(cx_spool_stage(sp, "new", "B1", "a\n", 2, &e) == 0 &&
	    cx_spool_stage(sp, "open", "X", "x\n", 2, &e) == 0 &&
	    cx_spool_pending(sp) == 2 && count("tx/new") == 0,
	    "staged: nothing visible yet");
	ok(cx_spool_commit(sp, &e) == 0 && count("tx/new") == 1 &&
	    count("tx/open") == 1 && count("tx/tmp") == 0 &&
	    cx_spool_serial(sp) == 2, "committed: in place, tmp/ empty");
	ok(cx_spool_stage(sp, "classified", "B1", "b\n", 2, &e) == 0 &&
	    cx_spool_remove(sp, "new", "B1", &e) == 0 &&
	    cx_spool_commit(sp, &e) == 0 && count("tx/new") == 0 &&
	    file_is("tx/classified/B1", "b\n"), "a move: staged and removed");
	ok(cx_spool_remove(sp, "open", "X", &e) == 0 &&
	    cx_spool_stage(sp, "open", "X", "y\n", 2, &e) == 0 &&
	    cx_spool_commit(sp, &e) == 0 && count("tx/open") == 0,
	    "removed and staged in one commit: removed");
	ok(cx_spool_stage(sp, "open", "../x", "", 0, &e) == -1 &&
	    cx_spool_stage(sp, "open", "a b", "", 0, &e) == -1 &&
	    cx_spool_stage(sp, "../etc", "x", "", 0, &e) == -1 &&
	    cx_spool_remove(sp, "open", ".lock", &e) == -1,
	    "names with a slash, a blank or a leading dot are refused: %s",
	    e.msg);
	/* A transaction that dies before its commit leaves no trace. */
	cx_spool_stage(sp, "open", "Y", "dead\n", 5, &e);
	cx_spool_remove(sp, "classified", "B1", &e);
	cx_spool_end(sp);
	ok((sp = begin("tx")) != NULL && count("tx/tmp") == 0 &&
	    count("tx/open") == 0 && count("tx/classified") == 1,
	    "a dead transaction is undone");
	ok(cx_spool_serial(sp) == 4, "and its number is given again");
	/* A commit that died after its commit point is finished. */
	cx_spool_stage(sp, "open", "Z", "z\n", 2, &e);
	cx_spool_remove(sp, "classified", "B1", &e);
	ok(cx_spool_commit(sp, &e) == 0, "fourth commit");
	cx_spool_end(sp);
	rename(strcat(strcpy(path, tap_tmpdir()), "/tx/open/Z"),
	    strcat(strcpy(to, tap_tmpdir()), "/tx/tmp/4.open.Z"));
	put_file("tx/classified/B1", "b\n");
	put_file("tx/state", "cx-state 2\ncommit 4\nput open Z\n"
	    "remove classified B1\n");
	ok((sp = begin("tx")) != NULL && file_is("tx/open/Z", "z\n") &&
	    count("tx/classified") == 0 && count("tx/tmp") == 0,
	    "recovery finishes a commit: staged files in, removed ones out");
	ok(file_is("tx/state", "cx-state 2\ncommit 4\n"),
	    "and says it is done");
	ok(cx_spool_stage(sp, "open", "W", "1\n", 2, &e) == 0 &&
	    cx_spool_stage(sp, "open", "W", "2\n", 2, &e) == 0 &&
	    cx_spool_remove(sp, "new", "none", &e) == 0 &&
	    cx_spool_remove(sp, "new", "none", &e) == 0 &&
	    cx_spool_pending(sp) == 2 && cx_spool_commit(sp, &e) == 0 &&
	    file_is("tx/open/W", "2\n") && count("tx/tmp") == 0,
	    "staged twice in one commit: one put, the last data");
	ok(cx_spool_remove(sp, "open", "W", &e) == 0 &&
	    cx_spool_commit(sp, &e) == 0 && count("tx/open") == 1,
	    "and removed again");
	cx_spool_end(sp);
	put_file("tx/classified/B1", "again\n");
	ok((sp = begin("tx")) != NULL && file_is("tx/classified/B1", "again\n"),
	    "a commit carried out is not done again");
	cx_spool_end(sp);
}

/* A spool of version 1 keeps its batch, counters and keys. */
static void
test_spool_v1(void)
{
	struct cx_spool *sp;
	struct cx_reg *g = NULL;
	struct cx_err e;
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/v1", tap_tmpdir());
	mkdir(dir, 0750);
	strcat(dir, "/tmp");
	mkdir(dir, 0750);
	put_file("v1/state", "cx-state 1\nbatch 3\nkeys 42\n"
	    "seq 20261124 7\npending new B0000000003.jsonl\n");
	put_file("v1/keys", "3 s 0123456789abcdef0123456789abcdef CX-1\n");
	put_file("v1/tmp/3.B0000000003.jsonl", "{}\n");
	ok((sp = begin("v1")) != NULL, "a version 1 spool opens");
	ok(sp != NULL && cx_spool_serial(sp) == 4 &&
	    file_is("v1/new/B0000000003.jsonl", "{}\n") &&
	    file_is("v1/state", "cx-state 2\ncommit 3\n") &&
	    file_is("v1/seq", "cx-seq 1\nkeys 42\nseq 20261124 7\n"),
	    "its pending commit finished, its registry moved to seq");
	ok(sp != NULL && (g = cx_reg_open(sp, &e)) != NULL &&
	    cx_reg_next(g, "20261124") == 8, "its counters go on");
	cx_reg_free(g);
	cx_spool_end(sp);
}

static void
test_registry(void)
{
	struct cx_spool *sp;
	struct cx_reg *g = NULL;
	struct cx_err e;
	char path[512];

	sp = begin("spool");
	ok(sp != NULL && (g = cx_reg_open(sp, &e)) != NULL,
	    "empty registry opens");
	ok(cx_reg_next(g, "20261124") == 1 && cx_reg_next(g, "20261124") == 2
	    && cx_reg_next(g, "20261125") == 1, "per-day counters");
	cx_reg_add(g, 's', cx_key_of("a", 1), "CX-20261124-0001");
	ok(cx_spool_stage(sp, "new", "B1.jsonl", "{}\n", 3, &e) == 0,
	    "batch staged");
	ok(cx_reg_commit(g, &e) == 0 && count("spool/new") == 1 &&
	    count("spool/tmp") == 0, "commit moves the batch into new/");
	/* A batch that dies before its commit leaves no trace... */
	cx_reg_add(g, 's', cx_key_of("b", 1), "CX-20261124-0003");
	cx_reg_next(g, "20261124");
	cx_spool_stage(sp, "new", "B1.jsonl", "{\"dead\":1}\n", 11, &e);
	cx_reg_free(g);
	cx_spool_end(sp);
	sp = begin("spool");
	ok(sp != NULL && (g = cx_reg_open(sp, &e)) != NULL &&
	    cx_reg_find(g, 's', cx_key_of("a", 1), NULL) &&
	    !cx_reg_find(g, 's', cx_key_of("b", 1), NULL) &&
	    !cx_reg_find(g, 'c', cx_key_of("a", 1), NULL),
	    "reopened: committed keys kept, kinds kept apart");
	/* ...not even a staged rewrite of a file the last commit wrote. */
	ok(count("spool/tmp") == 0 && file_is("spool/new/B1.jsonl", "{}\n"),
	    "a dead batch's staged file is not published by recovery");
	ok(cx_reg_next(g, "20261124") == 3, "counter resumes after commit");
	cx_reg_add(g, 'c', cx_key_of("c", 1), "CX-20261124-0003");
	ok(cx_reg_commit(g, &e) == 0, "second commit");
	cx_reg_free(g);
	cx_spool_end(sp);
	sp = begin("spool");
	ok(sp != NULL && (g = cx_reg_open(sp, &e)) != NULL &&
	    cx_reg_find(g, 's', cx_key_of("a", 1), NULL) &&
	    cx_reg_find(g, 'c', cx_key_of("c", 1), NULL),
	    "every line of the log read back");
	cx_reg_free(g);
	cx_spool_end(sp);
	/* The keys log cut short is damage, not a reason to make it up. */
	snprintf(path, sizeof(path), "%s/spool/keys", tap_tmpdir());
	truncate(path, 10);
	sp = begin("spool");
	ok(sp != NULL && cx_reg_open(sp, &e) == NULL &&
	    strstr(e.msg, "the registry is damaged") != NULL,
	    "a shortened keys log is an error: %s", e.msg);
	cx_spool_end(sp);
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

static void
test_mask(void)
{
	static const struct { int kind; const char *in, *out; } c[] = {
		{ 0, "张三丰", "张*" },
		{ 0, "Li Lei", "L*" },
		{ 1, "13800138000", "138****8000" },
		{ 1, "+86 138 0013 8000", "+86 138 **** 8000" },
		{ 1, "1234567", "1234567" },
		{ 2, "li.lei@example.com", "l***@example.com" },
		{ 2, "no-at-sign", "n*" },
	};
	struct cx_buf b = { 0 };
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		b.len = 0;
		(c[i].kind == 0 ? cx_mask_name : c[i].kind == 1 ?
		    cx_mask_phone : cx_mask_email)(c[i].in, strlen(c[i].in),
		    &b);
		ok(strcmp(cx_buf_str(&b), c[i].out) == 0, "mask %s: %s",
		    c[i].in, cx_buf_str(&b));
	}
	cx_buf_free(&b);
}

static void
test_mask_text(void)
{
	static const struct { const char *in, *name, *out; } c[] = {
		{ "我是张伟，电话13800138000，邮箱zw@example.cn", "张伟",
		    "我是张*，电话138****8000，邮箱z***@example.cn" },
		{ "call +86 138-0013-8000 now", NULL,
		    "call +86 138-****-8000 now" },
		{ "订单OD202611220001金额1299元", NULL,
		    "订单OD202611220001金额1299元" },
		{ "order 12345678901234 and 2026-11-22 10:30", NULL,
		    "order 12345678901234 and 2026-11-22 10:30" },
		{ "座机 010-62345678，手机 138 0013 8000", NULL,
		    "座机 010-****5678，手机 138 **** 8000" },
		{ "write to a.b@mail.example.org.", NULL,
		    "write to a***@mail.example.org." },
		{ "an @ sign, user@ and @host", NULL,
		    "an @ sign, user@ and @host" },
		{ "zhangsan@163.com", "zhangsan", "z***@163.com" },
		{ "mail: Wang@x.com", "Wang", "mail: W***@x.com" },
		{ "电话 13800138000 2026年买的，手机13800138000 2 件", NULL,
		    "电话 138****8000 2026年买的，手机138****8000 2 件" },
	};
	struct cx_buf b = { 0 };
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		b.len = 0;
		cx_mask_text(c[i].in, strlen(c[i].in), c[i].name, &b);
		ok(strcmp(cx_buf_str(&b), c[i].out) == 0, "mask text %s: %s",
		    c[i].in, cx_buf_str(&b));
	}
	cx_buf_free(&b);
}

static void
test_index_line(void)
{
	static const char t[] = "{\"id\":\"CX-1\",\"status\":\"assigned\","
	    "\"priority\":\"high\",\"category\":\"logistics\","
	    "\"subcategory\":\"logistics.late\",\"department\":\"物流\","
	    "\"assignee\":\"a\\tb\",\"received_at\":\"2026-11-23T09:00:00+08:00\","
	    "\"sla\":{\"first_response\":{\"due\":\"2026-11-23T10:00:00+08:00\","
	    "\"met_at\":\"2026-11-23T09:30:00+08:00\"},\"resolution\":{\"due\":"
	    "\"2026-11-24T09:00:00+08:00\",\"breached\":true},\"update\":{"
	    "\"due\":\"2026-11-23T21:00:00+08:00\"}},"
	    "\"text\":\"快递三天没有更新，\\n请尽快处理这件事情好吗？谢谢你们的帮助\"}";
	struct cx_rec r = { 0 };
	struct cx_buf b = { 0 };
	struct cx_err e;
	size_t pos;

	ok(cx_rec_parse(&r, t, strlen(t), &e, &pos) == 0, "index ticket");
	cx_index_line(&r, &b);
	ok(strcmp(cx_buf_str(&b), "CX-1\tassigned\thigh\tlogistics.late\t"
	    "物流\ta b\t-\t2026-11-23T09:00:00+08:00\t"
	    "2026-11-23T21:00:00+08:00\tresolution\t"
	    "快递三天没有更新， 请尽快处理这件事情好") == 0,
	    "index line: met clock out, earliest due, tab blanked, "
	    "subject cut on a character: %s", cx_buf_str(&b));
	cx_rec_free(&r);
	cx_buf_free(&b);
}

int
main(void)
{
	test_csv();
	test_norm();
	test_keys();
	test_hash();
	test_num_float();
	test_spool();
	test_spool_v1();
	test_registry();
	test_gz();
	test_mask();
	test_mask_text();
	test_index_line();
	tap_cleanup();
	return done_testing();
}
