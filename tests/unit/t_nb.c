/*
 * t_nb: the text classifier: obvious cases in Chinese and English, the
 * model file round trip and its errors, cross-validation on separable
 * and on random labels, and the evaluation report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"	/* white-box: the library's insides too */
#include "tap.h"

static void
add(struct cx_nb *nb, const char *label, const char *text)
{
	cx_nb_add(nb, label, text, strlen(text));
}

static const char *
predict(const struct cx_nb *nb, const char *text, double *conf)
{
	return cx_nb_predict(nb, text, strlen(text), conf);
}

static const struct {
	const char *label, *text;
} zh[] = {
	{ "物流", "物流太慢了，等了一个星期" },
	{ "物流", "快递慢，还没到" },
	{ "物流", "物流慢得要命，快递员也不接电话" },
	{ "物流", "快递三天了还没发货，太慢" },
	{ "质量", "质量太差，用一天就坏了" },
	{ "质量", "收到的时候盒子是破的，东西也坏了" },
	{ "质量", "屏幕坏了，质量不行" },
	{ "质量", "包装破损，质量差" },
	{ "late delivery", "The package is late and delivery is slow" },
	{ "late delivery", "Courier never delivered, shipping is slow" },
	{ "late delivery", "My parcel arrived two weeks late" },
	{ "broken 100%", "The screen was broken when it arrived" },
	{ "broken 100%", "Item damaged and broken, poor quality" },
	{ "broken 100%", "The cup came cracked and broken" },
};

static struct cx_nb *
train_zh(void)
{
	struct cx_nb *nb;
	size_t i;

	nb = cx_nb_new();
	for (i = 0; i < sizeof(zh) / sizeof(zh[0]); i++)
		add(nb, zh[i].label, zh[i].text);
	cx_nb_finish(nb);
	return nb;
}

static const char *probe[] = {
	"快递好慢啊", "东西坏了", "质量很差，破了", "物流什么时候到",
	"delivery is so slow", "BROKEN screen", "ＢＲＯＫＥＮ　ｓｃｒｅｅｎ",
	"", "没有见过的字", "快递 broken", "🙂",
};

static void
test_obvious(void)
{
	static const struct {
		const char *text, *want;
	} t[] = {
		{ "快递好慢啊", "物流" },
		{ "物流什么时候到", "物流" },
		{ "东西坏了", "质量" },
		{ "质量很差，破了", "质量" },
		{ "delivery is so slow", "late delivery" },
		{ "Late again: where is my parcel?", "late delivery" },
		{ "BROKEN screen", "broken 100%" },
		{ "ＢＲＯＫＥＮ　ｓｃｒｅｅｎ", "broken 100%" },
	};
	struct cx_nb *nb;
	double conf, p[4], sum;
	size_t i, c, best;
	char name[128];

	nb = train_zh();
	ok(cx_nb_nclass(nb) == 4, "four classes");
	is_str(cx_nb_label(nb, 0), "broken 100%", "classes in label order");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(name, sizeof(name), "%s is %s", t[i].text, t[i].want);
		is_str(predict(nb, t[i].text, &conf), t[i].want, name);
		ok(conf > 0.25 && conf <= 1, "%s: confidence %.3f", t[i].text,
		    conf);
		best = cx_nb_probs(nb, t[i].text, strlen(t[i].text), p);
		for (c = 0, sum = 0; c < 4; c++)
			sum += p[c];
		ok(best < 4 && strcmp(cx_nb_label(nb, best), t[i].want) == 0 &&
		    fabs(p[best] - conf) < 1e-9 && fabs(sum - 1) < 1e-9,
		    "%s: probabilities, the best's the confidence", t[i].text);
	}
	predict(nb, "快递慢，物流太慢了，还没到", &conf);
	ok(conf > 0.9, "many clues, sure: %.3f", conf);
	cx_nb_free(nb);

	nb = cx_nb_new();
	ok(predict(nb, "x", &conf) == NULL && conf == 0,
	    "an empty model predicts nothing");
	ok(cx_nb_probs(nb, "x", 1, p) == SIZE_MAX, "nor gives probabilities");
	add(nb, "", "ignored: no label");
	cx_nb_finish(nb);
	ok(cx_nb_nclass(nb) == 0, "an empty label is no class");
	add(nb, "only", "the one class");
	cx_nb_finish(nb);
	is_str(predict(nb, "anything", &conf), "only", "one class");
	ok(conf == 1, "one class, certain");
	cx_nb_free(nb);
}

/* Save, load, save again: the same text and the same predictions. */
static void
test_roundtrip(void)
{
	struct cx_nb *nb, *nb2, *nb3;
	struct cx_buf a = { 0 }, b = { 0 };
	struct cx_err err;
	const char *p1, *p2, *path;
	double c1, c2;
	size_t i, same = 0;
	int r;

	nb = train_zh();
	ok(cx_nb_save(nb, &a) == 0, "save");
	cx_buf_str(&a);
	ok(strncmp(a.p, "cx-nb 1 buckets=1048576 alpha=", 30) == 0,
	    "header");
	ok(strstr(a.p, "\nclass broken%20100%25 3\n") != NULL,
	    "label escaped");
	path = tap_file("model", a.p, a.len);
	nb2 = cx_nb_load(path, &err);
	if (!ok(nb2 != NULL, "load"))
		printf("# %s\n", err.msg);
	cx_nb_save(nb2, &b);
	ok(a.len == b.len && memcmp(a.p, b.p, a.len) == 0,
	    "saved again, the same text");
	for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		p1 = predict(nb, probe[i], &c1);
		p2 = predict(nb2, probe[i], &c2);
		same += strcmp(p1, p2) == 0 && c1 == c2;
	}
	ok(same == sizeof(probe) / sizeof(probe[0]),
	    "identical predictions and confidences");

	/* The order of the training data does not show in the file. */
	nb3 = cx_nb_new();
	for (i = sizeof(zh) / sizeof(zh[0]); i > 0; i--)
		add(nb3, zh[i - 1].label, zh[i - 1].text);
	cx_nb_finish(nb3);
	b.len = 0;
	cx_nb_save(nb3, &b);
	ok(a.len == b.len && memcmp(a.p, b.p, a.len) == 0,
	    "trained in another order, the same file");
	cx_nb_free(nb3);

	/* Adding to a finished model reopens it. */
	add(nb2, "退款", "退款还没到账");
	add(nb2, "退款", "申请退款一直不处理");
	cx_nb_finish(nb2);
	is_str(predict(nb2, "什么时候退款", NULL), "退款",
	    "a loaded model learns more");
	ok(cx_nb_nclass(nb2) == 5, "five classes");
	is_str(predict(nb2, "东西坏了", NULL), "质量", "and keeps the old");
	cx_nb_free(nb2);

	/* Calibration changes confidences, never labels. */
	{
		const char *labels[64], *texts[64];
		size_t lens[64], n = 0;

		for (i = 0; i < sizeof(zh) / sizeof(zh[0]); i++) {
			labels[n] = zh[i].label;
			texts[n] = zh[i].text;
			lens[n++] = strlen(zh[i].text);
		}
		r = cx_nb_calibrate(nb, labels, texts, lens, n, 3, 1);
		ok(r == 0, "calibrate");
		for (i = same = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
			p1 = predict(nb, probe[i], &c1);
			nb2 = cx_nb_load(path, NULL);
			p2 = predict(nb2, probe[i], &c2);
			same += strcmp(p1, p2) == 0 && c1 > 0 && c1 <= 1;
			cx_nb_free(nb2);
		}
		ok(same == sizeof(probe) / sizeof(probe[0]),
		    "the same labels after calibration");
		b.len = 0;
		cx_nb_save(nb, &b);
		ok(strstr(cx_buf_str(&b), " temp=") != NULL, "temp saved");
		nb2 = cx_nb_load(tap_file("model2", b.p, b.len), NULL);
		p1 = predict(nb, probe[0], &c1);
		p2 = predict(nb2, probe[0], &c2);
		ok(nb2 != NULL && c1 == c2, "and loaded");
		cx_nb_free(nb2);
		ok(cx_nb_calibrate(nb, labels, texts, lens, n, 1, 1) == -1,
		    "one fold is an error");
	}
	cx_nb_free(nb);
	cx_buf_free(&a);
	cx_buf_free(&b);
}

static void
test_errors(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "", "empty model" },
		{ "# nothing\n\n", "empty model" },
		{ "cx-nb 1 buckets=16 alpha=0.1\n", "a model without classes" },
		{ "nb 1\n", ":1: not a cx-nb model" },
		{ "cx-nb 2 buckets=16 alpha=0.1\n",
		    ":1: unknown model version 2" },
		{ "cx-nb 1 buckets=16\n", ":1: alpha missing" },
		{ "cx-nb 1 alpha=1\n", ":1: buckets missing" },
		{ "cx-nb 1 buckets=0 alpha=1\n", ":1: bad bucket count 0" },
		{ "cx-nb 1 buckets=16 alpha=-1\n", ":1: bad alpha -1" },
		{ "cx-nb 1 buckets=16 alpha=1 temp=x\n",
		    ":1: bad temperature x" },
		{ "cx-nb 1 buckets=16 alpha=1 colour=red\n",
		    ":1: unknown setting colour=red" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a 1\n0 3 x\n",
		    ":3: bad count x" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a 1\n0 3 0\n",
		    ":3: bad count 0" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a 1\n0 16 1\n",
		    ":3: bucket 16 out of range" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a 1\n1 3 1\n",
		    ":3: no class 1" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a 1\n0 3 1\n0 3 2\n",
		    ":4: class 0 bucket 3 twice" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a 1\n0 3\n",
		    ":3: expected \"class LABEL DOCS\" or "
		    "\"CLASS BUCKET COUNT\"" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a 1\n0 3 1\nclass b 1\n",
		    ":4: class after the weights" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a 1\nclass a 2\n",
		    ":3: class a twice" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a%2 1\n",
		    ":2: bad label a%2" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a%00b 1\n",
		    ":2: bad label a%00b" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a%FF 1\n",
		    ":2: bad label a%FF" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a 0\n",
		    ":2: bad document count 0" },
		{ "cx-nb 1 buckets=16 alpha=1\nclass a 1\n0 3 1.5\n", NULL },
		{ "# made by hand\ncx-nb 1 buckets=16 alpha=1\n\n"
		    "class a%20b 2\nclass c 1\n1 0 2\n0 3 1.5\n", NULL },
	};
	struct cx_nb *nb;
	struct cx_err err;
	char want[1024];
	const char *path;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		path = tap_file("bad", t[i].in, strlen(t[i].in));
		err.msg[0] = '\0';
		nb = cx_nb_load(path, &err);
		if (t[i].want == NULL) {
			if (!ok(nb != NULL, "good model %zu", i))
				printf("# %s\n", err.msg);
		} else {
			snprintf(want, sizeof(want), "%s%s%s", path,
			    t[i].want[0] == ':' ? "" : ": ", t[i].want);
			ok(nb == NULL, "bad model %zu refused", i);
			is_str(err.msg, want, want + strlen(path));
		}
		cx_nb_free(nb);
	}
	nb = cx_nb_load(path, NULL);
	is_str(cx_nb_label(nb, 0), "a b", "label unescaped");
	is_str(predict(nb, "", NULL), "a b", "prior decides an empty text");
	cx_nb_free(nb);
	ok(cx_nb_load("/nonexistent/model", &err) == NULL && strstr(err.msg,
	    "/nonexistent/model") != NULL, "missing file: %s", err.msg);
}

/* A small generator, so that the data sets are the same on every run. */
static unsigned
rnd(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(*s >> 33);
}

struct set {
	const char	*label[1000];
	const char	*text[1000];
	size_t		 len[1000];
	char		 buf[1000][160];
	size_t		 n;
};

static void
make_set(struct set *s, int separable)
{
	static const char *cls[] = { "物流", "质量", "refund" };
	static const char *zhw[] = { "快递", "物流", "配送", "质量", "破损",
	    "做工", "退款", "到账", "商家" };
	unsigned long seed = separable ? 7 : 11;
	size_t i, j, m;
	unsigned c, w;
	char *p;

	s->n = 600;
	for (i = 0; i < s->n; i++) {
		c = rnd(&seed) % 3;
		s->label[i] = cls[c];
		p = s->buf[i];
		m = 3 + rnd(&seed) % 5;
		for (j = 0; j < m; j++) {
			w = rnd(&seed) % 3 + (separable ? 3 * c : 3 *
			    (rnd(&seed) % 3));
			if (rnd(&seed) % 2)
				p += sprintf(p, "%s", zhw[w]);
			else
				p += sprintf(p, "word%u ", w);
		}
		if (!separable)
			s->label[i] = cls[rnd(&seed) % 3];
		s->text[i] = s->buf[i];
		s->len[i] = (size_t)(p - s->buf[i]);
	}
}

static void
test_crossval(void)
{
	static struct set s;
	struct cx_eval *ev = cx_eval_new(), *ev2 = cx_eval_new();
	struct cx_buf a = { 0 }, b = { 0 };
	double acc;

	make_set(&s, 1);
	ok(cx_nb_crossval(s.label, s.text, s.len, s.n, 5, 1, ev) == 0,
	    "5-fold cross-validation");
	ok(ev->total == 600, "every example predicted once");
	ok(cx_eval_accuracy(ev) == 1, "separable: accuracy %.4f",
	    cx_eval_accuracy(ev));
	ok(cx_eval_macro_f1(ev) == 1, "separable: macro-F1 1");
	cx_eval_free(ev);

	ev = cx_eval_new();
	make_set(&s, 0);
	cx_nb_crossval(s.label, s.text, s.len, s.n, 5, 1, ev);
	acc = cx_eval_accuracy(ev);
	ok(acc > 0.25 && acc < 0.42, "random labels: accuracy %.4f, chance "
	    "1/3", acc);
	cx_nb_crossval(s.label, s.text, s.len, s.n, 5, 1, ev2);
	cx_eval_report(ev, &a);
	cx_eval_report(ev2, &b);
	ok(a.len == b.len && memcmp(a.p, b.p, a.len) == 0,
	    "the same seed, the same folds");
	cx_eval_free(ev);
	cx_eval_free(ev2);
	cx_buf_free(&a);
	cx_buf_free(&b);

	ev = cx_eval_new();
	ok(cx_nb_crossval(s.label, s.text, s.len, s.n, 1, 1, ev) == -1,
	    "k = 1 refused");
	ok(cx_nb_crossval(s.label, s.text, s.len, 3, 4, 1, ev) == -1,
	    "k > n refused");
	ok(ev->total == 0, "nothing counted then");
	cx_eval_free(ev);
}

static void
test_report(void)
{
	static const char *pairs[][2] = {
		{ "物流", "物流" }, { "物流", "物流" }, { "物流", "物流" },
		{ "物流", "quality" },
		{ "quality", "quality" }, { "quality", "quality" },
		{ "quality", "物流" },
		{ "refund-requested-by-the-customer-after-delivery",
		    "quality" },
	};
	/*
	 * By hand: 5 of 8 right.  物流: 3 of 4 predicted, 3 of 4 true: P, R,
	 * F1 0.75.  quality: 2 of 4 predicted, 2 of 3 true: F1 2(.5)(.667)/
	 * 1.167 = 0.571.  refund: never predicted, 0.  Macro-F1 1.321/3.
	 */
	static const char want[] =
	    "examples 8\n"
	    "accuracy 0.6250\n"
	    "macro-F1 0.4405\n"
	    "\n"
	    "# class                    support precision recall    F1\n"
	    "1 物流                           4     0.750  0.750 0.750\n"
	    "2 quality                        3     0.500  0.667 0.571\n"
	    "3 refund-requested-by-the~       1     0.000  0.000 0.000\n"
	    "\n"
	    "confusion: rows are the truth, columns the prediction\n"
	    "                             1   2   3\n"
	    "1 物流                       3   1   0\n"
	    "2 quality                    1   2   0\n"
	    "3 refund-requested-by-the~   0   1   0\n";
	struct cx_eval *ev = cx_eval_new();
	struct cx_buf out = { 0 };
	size_t i;

	cx_eval_report(ev, &out);
	is_str(cx_buf_str(&out), "examples 0\n", "empty report");
	out.len = 0;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		cx_eval_add(ev, pairs[i][0], pairs[i][1]);
	cx_eval_report(ev, &out);
	is_str(cx_buf_str(&out), want, "report");
	cx_eval_add(ev, "物流", NULL);
	ok(ev->n == 4 && strcmp(ev->label[3], "(none)") == 0,
	    "no prediction is (none)");
	cx_eval_free(ev);
	cx_buf_free(&out);
}

int
main(void)
{
	test_obvious();
	test_roundtrip();
	test_errors();
	test_crossval();
	test_report();
	tap_cleanup();
	return done_testing();
}
