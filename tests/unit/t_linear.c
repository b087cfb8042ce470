/*
 * t_linear: the linear classifier: obvious cases in Chinese and English,
 * the model file round trip and its errors, the same model from the same
 * data, cross-validation on separable and on random labels, calibration,
 * and a model of either kind loaded by its first word.
 */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "priv.h"	/* white-box: the library's insides too */
#include "tap.h"

static const char *labels[] = {
	"物流", "物流", "物流", "物流", "质量", "质量", "质量", "质量",
	"late delivery", "late delivery", "late delivery",
	"broken 100%", "broken 100%", "broken 100%",
};
static const char *texts[] = {
	"物流太慢了，等了一个星期", "快递慢，还没到",
	"物流慢得要命，快递员也不接电话", "快递三天了还没发货，太慢",
	"质量太差，用一天就坏了", "收到的时候盒子是破的，东西也坏了",
	"屏幕坏了，质量不行", "包装破损，质量差",
	"The package is late and delivery is slow",
	"Courier never delivered, shipping is slow",
	"My parcel arrived two weeks late",
	"The screen was broken when it arrived",
	"Item damaged and broken, poor quality",
	"The cup came cracked and broken",
};
#define N	(sizeof(labels) / sizeof(labels[0]))

static struct cx_lin *
train_small(void)
{
	size_t lens[N], i;

	for (i = 0; i < N; i++)
		lens[i] = strlen(texts[i]);
	return cx_lin_train(labels, texts, lens, N, CX_LIN_COST, 1, NULL, 0);
}

static void
test_obvious(void)
{
	static const struct {
		const char *text, *want;
	} t[] = {
		{ "快递好慢啊", "物流" },
		{ "东西坏了", "质量" },
		{ "delivery is so slow", "late delivery" },
		{ "the deliveries were late", "late delivery" },
		{ "BROKEN screen", "broken 100%" },
		{ "ＢＲＯＫＥＮ　ｓｃｒｅｅｎ", "broken 100%" },
	};
	struct cx_lin *m = train_small();
	const char *got;
	double conf, p[4], sum;
	size_t i, c, best;

	ok(cx_lin_nclass(m) == 4, "four classes");
	is_str(cx_lin_label(m, 0), "broken 100%", "classes in label order");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = cx_lin_predict(m, t[i].text, strlen(t[i].text), &conf);
		is_str(got, t[i].want, t[i].text);
		ok(conf > 0.25 && conf <= 1, "%s: confidence %.3f", t[i].text,
		    conf);
		best = cx_lin_probs(m, t[i].text, strlen(t[i].text), p);
		for (c = 0, sum = 0; c < 4; c++)
			sum += p[c];
		ok(best < 4 && strcmp(cx_lin_label(m, best), got) == 0 &&
		    fabs(p[best] - conf) < 1e-9 && fabs(sum - 1) < 1e-9,
		    "%s: probabilities, the best's the confidence", t[i].text);
	}
	cx_lin_free(m);
}

/* Save, load, save again: the same text and the same predictions. */
static void
test_roundtrip(void)
{
	static const char *probe[] = { "快递好慢啊", "东西坏了", "", "🙂",
	    "delivery is so slow", "BROKEN screen", "没有见过的字" };
	struct cx_lin *m, *m2, *m3;
	struct cx_buf a = { 0 }, b = { 0 }, c = { 0 };
	struct cx_model *any;
	struct cx_err err;
	const char *path;
	double c1, c2;
	size_t i, same = 0;

	m = train_small();
	m3 = train_small();
	cx_lin_save(m, &a);
	cx_lin_save(m3, &c);
	ok(a.len == c.len && memcmp(a.p, c.p, a.len) == 0,
	    "the same data, the same model");
	cx_buf_str(&a);
	ok(strncmp(a.p, "cx-linear 1 buckets=1048576 c=1\n", 32) == 0,
	    "header");
	ok(strstr(a.p, "\nclass broken%20100%25 3\n") != NULL,
	    "label escaped");
	path = tap_file("model", a.p, a.len);
	m2 = cx_lin_load(path, &err);
	ok(m2 != NULL, "load: %s", m2 ? "ok" : err.msg);
	if (m2 == NULL)
		return;
	cx_lin_save(m2, &b);
	ok(a.len == b.len && memcmp(a.p, b.p, a.len) == 0,
	    "saved again, the same file");
	for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
		same += strcmp(cx_lin_predict(m, probe[i], strlen(probe[i]),
		    &c1), cx_lin_predict(m2, probe[i], strlen(probe[i]),
		    &c2)) == 0 && c1 == c2;
	ok(same == sizeof(probe) / sizeof(probe[0]),
	    "the loaded model predicts the same, as sure");
	any = cx_model_load(path, &err);
	ok(any != NULL && strcmp(cx_model_kind(any), "linear") == 0,
	    "a model of either kind: linear by its first word");
	is_str(cx_model_predict(any, "东西坏了", 12, NULL), "质量",
	    "and predicts as the linear one");
	cx_model_free(any);
	cx_lin_free(m);
	cx_lin_free(m2);
	cx_lin_free(m3);
	cx_buf_free(&a);
	cx_buf_free(&b);
	cx_buf_free(&c);
}

static void
test_errors(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "", "empty model" },
		{ "cx-linear 1 buckets=16 c=1\nclass a 1\n",
		    "a model without its bias line" },
		{ "cx-linear 2 buckets=16 c=1\n",
		    ":1: unknown model version 2" },
		{ "cx-linear 1 buckets=16\n", ":1: c missing" },
		{ "cx-linear 1 c=1\n", ":1: buckets missing" },
		{ "cx-linear 1 buckets=16 c=0\n", ":1: bad cost 0" },
		{ "cx-linear 1 buckets=16 c=1 temp=x\n",
		    ":1: bad temperature x" },
		{ "cx-linear 1 buckets=16 c=1 colour=red\n",
		    ":1: unknown setting colour=red" },
		{ "cx-linear 1 buckets=16 c=1\nbias 1\n",
		    ":2: expected \"bias\" and a weight a class" },
		{ "cx-linear 1 buckets=16 c=1\nclass a 1\nclass b 1\nbias 1\n",
		    ":4: expected \"bias\" and a weight a class" },
		{ "cx-linear 1 buckets=16 c=1\nclass a 1\nclass a 1\n",
		    ":3: class a twice" },
		{ "cx-linear 1 buckets=16 c=1\nclass a 1\nbias 0\n3 1 x\n",
		    ":4: expected \"BUCKET IDF W...\", a weight a class" },
		{ "cx-linear 1 buckets=16 c=1\nclass a 1\nbias 0\n3 1 1 1\n",
		    ":4: expected \"BUCKET IDF W...\", a weight a class" },
		{ "cx-linear 1 buckets=16 c=1\nclass a 1\nbias 0\n16 1 1\n",
		    ":4: bucket 16 out of range or order" },
		{ "cx-linear 1 buckets=16 c=1\nclass a 1\nbias 0\n3 1 1\n3 1 1\n",
		    ":5: bucket 3 out of range or order" },
		{ "cx-linear 1 buckets=16 c=1\nclass a 1\nbias 0\nclass b 1\n",
		    ":4: expected \"BUCKET IDF W...\"" },
		{ "cx-linear 1 buckets=16 c=1\n3 1 1\n",
		    ":2: expected \"class LABEL DOCS\" or \"bias W...\"" },
	};
	struct cx_lin *m;
	struct cx_err err;
	const char *path, *at;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		path = tap_file("bad", t[i].in, strlen(t[i].in));
		m = cx_lin_load(path, &err);
		at = m == NULL ? strstr(err.msg, t[i].want) : NULL;
		ok(m == NULL && at != NULL && strlen(at) == strlen(t[i].want),
		    "error %s: %s", t[i].want, m ? "(loaded)" : err.msg);
		cx_lin_free(m);
	}
	at = "cx-linear 1 buckets=16 c=1 temp=0.5\nclass a 1\nclass b 2\n"
	    "bias 0.5 -0.5\n3 1.5 -1 1\n";
	path = tap_file("ok", at, strlen(at));
	m = cx_lin_load(path, &err);
	ok(m != NULL && cx_lin_nclass(m) == 2, "a model by hand loads");
	cx_lin_free(m);
}

/* Labels that follow the words, or do not. */
static void
test_crossval(void)
{
	static const char *cls[] = { "物流", "质量", "refund" };
	static const char *word[] = { "快递", "物流", "配送", "质量", "破损",
	    "做工", "退款", "到账", "商家" };
	static char buf[600][64];
	static const char *lab[600], *txt[600];
	static size_t len[600];
	struct cx_eval *ev;
	struct cx_lin *m;
	unsigned long s = 7;
	size_t i, j, c;
	double acc;
	int r;

	for (r = 0; r < 2; r++) {
		for (i = 0; i < 600; i++) {
			c = (s = s * 6364136223846793005UL + 1) >> 61;
			c %= 3;
			len[i] = 0;
			for (j = 0; j < 3; j++) {
				s = s * 6364136223846793005UL + 1;
				len[i] += (size_t)sprintf(buf[i] + len[i], "%s",
				    word[3 * (r == 0 ? c : (s >> 40) % 3) +
				    (s >> 33) % 3]);
			}
			txt[i] = buf[i];
			s = s * 6364136223846793005UL + 1;
			lab[i] = cls[r == 0 ? c : (s >> 50) % 3];
		}
		ev = cx_eval_new();
		ok(cx_lin_crossval(lab, txt, len, 600, 5, 1, CX_LIN_COST, ev) ==
		    0, "5-fold cross-validation");
		acc = cx_eval_accuracy(ev);
		if (r == 0)
			ok(acc == 1, "separable: accuracy %.4f", acc);
		else
			ok(acc > 0.25 && acc < 0.42, "random labels: accuracy "
			    "%.4f, chance 1/3", acc);
		cx_eval_free(ev);
	}
	m = cx_lin_train(lab, txt, len, 600, CX_LIN_COST, 1, NULL, 0);
	ok(cx_lin_calibrate(m, lab, txt, len, 600, 5, 1) == 0, "calibrated");
	{
		struct cx_buf b = { 0 };
		double conf;

		cx_lin_save(m, &b);
		cx_buf_str(&b);
		ok(strstr(b.p, " temp=") != NULL, "the temperature is saved");
		cx_lin_predict(m, txt[0], len[0], &conf);
		ok(conf < 0.6, "random labels, unsure: %.3f", conf);
		cx_buf_free(&b);
	}
	ev = cx_eval_new();
	ok(cx_lin_crossval(lab, txt, len, 3, 4, 1, CX_LIN_COST, ev) == -1,
	    "k > n refused");
	cx_eval_free(ev);
	cx_lin_free(m);
}

int
main(void)
{
	test_obvious();
	test_roundtrip();
	test_errors();
	test_crossval();
	tap_cleanup();
	return done_testing();
}
