/*
 * t_rules: the Aho-Corasick matcher and the classification rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"	/* white-box: the library's insides too */
#include "tap.h"

static void
collect(void *arg, int id, size_t start, size_t end)
{
	struct cx_buf *b = arg;

	cx_buf_printf(b, "%d@%zu ", id, end);
	if (end + 1 - start >= 9 && start > 0)
		cx_buf_printf(b, "(from %zu) ", start);
}

static void
test_ac(void)
{
	static const struct {
		const char *text, *want;
	} t[] = {
		{ "the parcel is LATE", "3@2 0@17 " },
		{ "a template", "" },
		{ "delivered late", "2@6 0@13 " },
		{ "还没到货", "1@8 " },
		{ "X还没到货", "1@9 (from 1) " },
		{ "he, she, hers", "3@1 4@6 3@6 3@10 5@12 " },
	};
	struct cx_ac *a = cx_ac_new();
	struct cx_buf b = { 0 };
	size_t i;

	cx_ac_add(a, "late", 4, 0, CX_AC_WORD_START | CX_AC_WORD_END);
	cx_ac_add(a, "还没到", 9, 1, CX_AC_WORD_START | CX_AC_WORD_END);
	cx_ac_add(a, "deliver", 7, 2, CX_AC_WORD_START);
	cx_ac_add(a, "he", 2, 3, 0);
	cx_ac_add(a, "she", 3, 4, 0);
	cx_ac_add(a, "hers", 4, 5, 0);
	cx_ac_build(a);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		b.len = 0;
		cx_buf_adds(&b, "");
		cx_ac_scan(a, t[i].text, strlen(t[i].text), collect, &b);
		is_str(cx_buf_str(&b), t[i].want, t[i].text);
	}
	cx_ac_free(a);
	cx_buf_free(&b);
}

static void
verdict(struct cx_rules *rs, const char *json, struct cx_buf *out)
{
	struct cx_rec r = { 0 };
	struct cx_verdict v;
	int i;

	out->len = 0;
	if (cx_rec_parse(&r, json, strlen(json), NULL, NULL) == -1) {
		cx_buf_adds(out, "bad json");
		return;
	}
	cx_rules_apply(rs, &r, &v);
	cx_buf_printf(out, "%s %s %s", v.category ? v.category : "-",
	    v.priority ? v.priority : "-", v.scope);
	for (i = 0; i < v.ntag; i++)
		cx_buf_printf(out, " #%s", v.tag[i]);
	if (v.crule >= 0) {
		cx_buf_printf(out, " by %s ", cx_rules_name(rs, v.crule));
		cx_rules_words(rs, v.crule, out);
	}
	cx_rec_free(&r);
}

static void
test_rules(void)
{
	static const struct {
		const char *rec, *want;
	} t[] = {
		{ "{\"text\":\"面包发霉了\"}",
		    "quality.safety urgent one #safety by safety [\"发霉\"]" },
		{ "{\"text\":\"麵包發霉了，還沒到\"}",
		    "quality.safety urgent one #safety by safety [\"发霉\"]" },
		{ "{\"subject\":\"Food Poisoning\",\"text\":\"x\"}",
		    "quality.safety urgent one #safety by safety "
		    "[\"food poisoning\"]" },
		{ "{\"text\":\"快递还没到\"}",
		    "logistics.late normal one by late [\"还没到\"]" },
		{ "{\"text\":\"快递还没到, 不对, 已经到了\"}", "- - one" },
		{ "{\"text\":\"parcels delivered slowly\"}",
		    "logistics.late normal one by late [\"deliver*\"]" },
		{ "{\"text\":\"快递太慢\",\"channel\":\"weibo\"}",
		    "logistics.late urgent one by late-weibo [\"快递\",\"慢\"]" },
		{ "{\"text\":\"快递太慢\",\"channel\":\"app\"}", "- - one" },
		{ "{\"text\":\"很多人快递还没到\"}",
		    "logistics.late urgent group by late [\"还没到\"]" },
		{ "{\"text\":\"还没到，我要找媒体曝光\"}",
		    "logistics.late urgent public by late [\"还没到\"]" },
		{ "{\"text\":\"建议加个按钮\",\"amount\":1000.00,"
		    "\"customer\":{\"tier\":\"VIP\"}}",
		    "suggestion low one #big #vip by stopper [\"建议\"]" },
		{ "{\"text\":\"nothing to see\",\"amount\":999.99}", "- - one" },
		/* Words in context: near and not near. */
		{ "{\"text\":\"a late fee again\"}", "- - one" },
		{ "{\"text\":\"charged a late fee, and the parcel is late\"}",
		    "logistics.late normal one by late [\"late\"]" },
		{ "{\"text\":\"late with my payments\"}", "- - one" },
		{ "{\"text\":\"late, so a payment\"}", "- - one" },
		{ "{\"text\":\"late, so I made a payment\"}",
		    "logistics.late normal one by late [\"late\"]" },
		{ "{\"text\":\"late: in the end, after all, my payment\"}",
		    "logistics.late normal one by late [\"late\"]" },
		{ "{\"text\":\"退款晚了\"}", "- - one" },
		{ "{\"text\":\"a broken promise\"}",
		    "logistics normal one by promise [\"promise\"]" },
		{ "{\"text\":\"the promise they made was broken\"}",
		    "quality.defect normal one by broken [\"broken\"]" },
		{ "{\"text\":\"a promise, and the lid is broken\"}",
		    "quality.defect normal one by broken [\"broken\"]" },
		/* English inflections. */
		{ "{\"text\":\"two boxes\"}",
		    "quality.defect normal one by broken [\"box\"]" },
		{ "{\"text\":\"nobody replied\"}",
		    "quality.defect normal one by broken [\"reply\"]" },
		{ "{\"text\":\"Replies came\"}",
		    "quality.defect normal one by broken [\"reply\"]" },
		{ "{\"text\":\"recharged twice, recharging\"}",
		    "quality.defect normal one by broken [\"recharge\"]" },
		{ "{\"text\":\"cancelled and canceled\"}",
		    "quality.defect normal one by broken [\"cancel\"]" },
		{ "{\"text\":\"late fees\"}", "- - one" },
		{ "{\"text\":\"the feed came late\"}",
		    "logistics.late normal one by late [\"late\"]" },
		{ "{\"text\":\"we ship\"}",
		    "quality.defect normal one by broken [\"=ship\"]" },
		{ "{\"text\":\"shipped\"}", "- - one" },
		{ "{\"text\":\"boxing day\"}",
		    "quality.defect normal one by broken [\"box\"]" },
		{ "{\"text\":\"it was delayed\"}", "- - one" },
	};
	struct cx_taxonomy *tax;
	struct cx_rules *rs;
	struct cx_buf out = { 0 };
	struct cx_err e;
	size_t i;

	tax = cx_taxonomy_load("tests/data/t-taxonomy", &e);
	ok(tax != NULL, "taxonomy loads");
	rs = cx_rules_load("tests/data/t-rules", tax, &e);
	ok(rs != NULL && cx_rules_count(rs) == 11, "rules load");
	for (i = 0; rs != NULL && i < sizeof(t) / sizeof(t[0]); i++) {
		verdict(rs, t[i].rec, &out);
		is_str(cx_buf_str(&out), t[i].want, t[i].rec);
	}
	cx_rules_free(rs);
	cx_taxonomy_free(tax);
	cx_buf_free(&out);
}

static void
test_errors(void)
{
	static const struct {
		const char *text, *want;
	} t[] = {
		{ "rule a\n\tany:\n", "/rules:2: no keywords" },
		{ "\tany: x\n", "/rules:1: expected \"rule NAME\"" },
		{ "rule a\n\tcategory: nosuch\n",
		    "/rules:2: category \"nosuch\" is not in the taxonomy" },
		{ "rule a\n\tamount ~ 3\n", "/rules:2: expected \"amount OP "
		    "NUMBER\", OP one of > >= < <= =" },
		{ "rule a b\n", "/rules:1: a rule name is letters, digits, '-', '_'" },
		{ "rule a\n\tany: x\nrule a\n\tany: y\n",
		    "/rules:3: rule a is defined twice (line 1 first)" },
		{ "rule a\n\tcolour: red\n", "/rules:2: unknown key \"colour\"" },
		{ "rule a\n\tpriority: high\n",
		    "/rules:2: priority: urgent, normal or low" },
		{ "rule a\n\tany: x\n\twindow: 0\n",
		    "/rules:3: window: a number of words from 1 to 99" },
		{ "rule a\n\tany: x\n\twindow: 2\n\twindow: 3\n",
		    "/rules:4: window set twice in one rule" },
		{ "rule a\n\tnot near: x\n",
		    "/rules:1: rule a: near: and not near: are about the keywords "
		    "of any: or all:, and it has none" },
	};
	struct cx_taxonomy *tax;
	struct cx_rules *rs;
	struct cx_err e;
	char dir[] = "/tmp/cx-t_rules-XXXXXX", path[64], *slash;
	FILE *fp;
	size_t i;

	tax = cx_taxonomy_load("tests/data/t-taxonomy", &e);
	if (mkdtemp(dir) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/rules", dir);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fp = fopen(path, "w");
		fputs(t[i].text, fp);
		fclose(fp);
		rs = cx_rules_load(path, tax, &e);
		slash = strrchr(e.msg, '/');
		ok(rs == NULL && slash != NULL && strcmp(slash, t[i].want) == 0,
		    "error: %s", rs == NULL ? e.msg : "(loaded)");
		cx_rules_free(rs);
	}
	remove(path);
	remove(dir);
	cx_taxonomy_free(tax);
}

int
main(void)
{
	test_ac();
	test_rules();
	test_errors();
	return done_testing();
}
