/*
 * eval.c: how well a classifier did: a confusion matrix over label
 * strings, accuracy, per-class precision, recall and F1, macro-F1, and
 * the report cx-learn prints.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

static size_t
eval_index(struct cx_eval *ev, const char *label)
{
	unsigned long *m;
	uint32_t v;
	size_t cap, i;

	if (cx_keyset_put(&ev->idx, cx_key_of(label, strlen(label)),
	    (uint32_t)ev->n, &v))
		return v;
	if (ev->n == ev->cap) {
		cap = ev->cap ? ev->cap * 2 : 16;
		m = cx_alloc(cap * cap * sizeof(*m));
		for (i = 0; i < ev->n; i++)
			memcpy(m + i * cap, ev->m + i * ev->cap,
			    ev->n * sizeof(*m));
		free(ev->m);
		ev->m = m;
		ev->label = cx_realloc(ev->label, cap * sizeof(*ev->label));
		ev->cap = cap;
	}
	ev->label[ev->n] = cx_strndup(label, strlen(label));
	return ev->n++;
}

void
cx_eval_add(struct cx_eval *ev, const char *truth, const char *predicted)
{
	size_t t, p;

	t = eval_index(ev, truth);
	p = eval_index(ev, predicted != NULL ? predicted : "(none)");
	ev->m[t * ev->cap + p]++;
	ev->total++;
}

struct cx_eval *
cx_eval_new(void)
{
	return cx_alloc(sizeof(struct cx_eval));
}

void
cx_eval_free(struct cx_eval *ev)
{
	size_t i;

	if (ev == NULL)
		return;
	for (i = 0; i < ev->n; i++)
		free(ev->label[i]);
	free(ev->label);
	free(ev->m);
	cx_keyset_free(&ev->idx);
	free(ev);
}

/* Per class: support (row), predicted (column), correct (diagonal). */
struct evrow {
	size_t		 i;
	const char	*label;
	unsigned long	 support, predicted, tp;
	double		 p, r, f1;
};

static struct evrow *
eval_rows(const struct cx_eval *ev)
{
	struct evrow *r;
	size_t i, j;

	r = cx_alloc((ev->n + 1) * sizeof(*r));
	for (i = 0; i < ev->n; i++) {
		r[i].i = i;
		r[i].label = ev->label[i];
		r[i].tp = ev->m[i * ev->cap + i];
		for (j = 0; j < ev->n; j++) {
			r[i].support += ev->m[i * ev->cap + j];
			r[i].predicted += ev->m[j * ev->cap + i];
		}
		/* An undefined ratio (no such predictions, no such truth)
		 * counts as 0, as scikit-learn reports it. */
		r[i].p = r[i].predicted ? (double)r[i].tp / r[i].predicted : 0;
		r[i].r = r[i].support ? (double)r[i].tp / r[i].support : 0;
		r[i].f1 = r[i].p + r[i].r > 0 ?
		    2 * r[i].p * r[i].r / (r[i].p + r[i].r) : 0;
	}
	return r;
}

double
cx_eval_accuracy(const struct cx_eval *ev)
{
	unsigned long tp = 0;
	size_t i;

	for (i = 0; i < ev->n; i++)
		tp += ev->m[i * ev->cap + i];
	return ev->total ? (double)tp / ev->total : 0;
}

/* The mean F1 over every label seen, as truth or as prediction. */
double
cx_eval_macro_f1(const struct cx_eval *ev)
{
	struct evrow *r;
	double sum = 0;
	size_t i;

	if (ev->n == 0)
		return 0;
	r = eval_rows(ev);
	for (i = 0; i < ev->n; i++)
		sum += r[i].f1;
	free(r);
	return sum / ev->n;
}

static int
cmp_support(const void *a, const void *b)
{
	const struct evrow *x = a, *y = b;

	if (x->support != y->support)
		return x->support > y->support ? -1 : 1;
	return strcmp(x->label, y->label);
}

/* Columns a character takes on a terminal: East Asian wide ones two. */
static int
colwidth(uint32_t c)
{
	if ((c >= 0x300 && c < 0x370) || c == 0x200b || c == 0x200d ||
	    (c >= 0xfe00 && c < 0xfe10))
		return 0;
	if ((c >= 0x1100 && c < 0x1160) || (c >= 0x2e80 && c < 0x303f) ||
	    (c >= 0x3041 && c < 0xa4d0) ||
	    (c >= 0xac00 && c < 0xd7a4) || (c >= 0xf900 && c < 0xfb00) ||
	    (c >= 0xfe30 && c < 0xfe50) || (c >= 0xff00 && c < 0xff61) ||
	    (c >= 0xffe0 && c < 0xffe7) || (c >= 0x1f300 && c < 0x1f650) ||
	    (c >= 0x1f900 && c < 0x1fa00) || (c >= 0x20000 && c < 0x3fffe))
		return 2;
	return 1;
}

static size_t
strwidth(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	size_t w = 0, n;

	for (end = p + strlen(s); p < end; p += n)
		w += (size_t)colwidth(cx_utf8_decode(p, end, &n));
	return w;
}

/* A label cut to width columns (the last one "~" if cut), padded. */
static void
add_cell(struct cx_buf *out, const char *s, size_t width)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	size_t w = 0, n, cw;

	end = p + strlen(s);
	if (strwidth(s) <= width) {
		cx_buf_adds(out, s);
		w = strwidth(s);
	} else {
		for (; p < end; p += n) {
			cw = (size_t)colwidth(cx_utf8_decode(p, end, &n));
			if (w + cw > width - 1)
				break;
			cx_buf_add(out, p, n);
			w += cw;
		}
		cx_buf_addc(out, '~');
		w++;
	}
	for (; w < width; w++)
		cx_buf_addc(out, ' ');
}

#define EVAL_LABELW	24		/* widest label shown whole */

void
cx_eval_report(const struct cx_eval *ev, struct cx_buf *out)
{
	struct evrow *r;
	unsigned long max = 0;
	size_t i, j, lw = 5, nw, cw;
	double f1 = 0;
	char num[24];

	cx_buf_printf(out, "examples %lu\n", ev->total);
	if (ev->total == 0)
		return;
	r = eval_rows(ev);
	qsort(r, ev->n, sizeof(*r), cmp_support);
	for (i = 0; i < ev->n; i++) {
		f1 += r[i].f1;
		if (strwidth(r[i].label) > lw)
			lw = strwidth(r[i].label);
		for (j = 0; j < ev->n; j++)
			if (ev->m[r[i].i * ev->cap + j] > max)
				max = ev->m[r[i].i * ev->cap + j];
	}
	if (lw > EVAL_LABELW)
		lw = EVAL_LABELW;
	nw = (size_t)snprintf(num, sizeof(num), "%zu", ev->n);
	cw = (size_t)snprintf(num, sizeof(num), "%lu", max);
	if (cw < nw)
		cw = nw;
	if (cw < 3)
		cw = 3;
	cx_buf_printf(out, "accuracy %.4f\nmacro-F1 %.4f\n\n",
	    cx_eval_accuracy(ev), f1 / ev->n);

	cx_buf_printf(out, "%*s ", (int)nw, "#");
	add_cell(out, "class", lw);
	cx_buf_adds(out, " support precision recall    F1\n");
	for (i = 0; i < ev->n; i++) {
		cx_buf_printf(out, "%*zu ", (int)nw, i + 1);
		add_cell(out, r[i].label, lw);
		cx_buf_printf(out, " %7lu %9.3f %6.3f %5.3f\n", r[i].support,
		    r[i].p, r[i].r, r[i].f1);
	}

	cx_buf_adds(out, "\nconfusion: rows are the truth, columns the "
	    "prediction\n");
	cx_buf_printf(out, "%*s ", (int)nw, "");
	add_cell(out, "", lw);
	for (j = 0; j < ev->n; j++)
		cx_buf_printf(out, " %*zu", (int)cw, j + 1);
	cx_buf_addc(out, '\n');
	for (i = 0; i < ev->n; i++) {
		cx_buf_printf(out, "%*zu ", (int)nw, i + 1);
		add_cell(out, r[i].label, lw);
		for (j = 0; j < ev->n; j++)
			cx_buf_printf(out, " %*lu", (int)cw,
			    ev->m[r[i].i * ev->cap + r[j].i]);
		cx_buf_addc(out, '\n');
	}
	free(r);
}
