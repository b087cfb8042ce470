/*
 * folds.c: what the classifiers (nb.c, linear.c) share to be measured
 * and calibrated: the folds of a cross-validation, and the temperature
 * that makes a model's confidence mean what it says.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "priv.h"

double
cx_round3(double d)
{
	char s[32];

	snprintf(s, sizeof(s), "%.3g", d);
	return strtod(s, NULL);
}

/* splitmix64: a small, well-mixed generator for drawing the folds. */
static uint64_t
next_rand(uint64_t *s)
{
	return cx_mix64(*s += 0x9e3779b97f4a7c15ULL);
}

/*
 * The fold of each example, dealt round after a Fisher-Yates shuffle so
 * that fold sizes differ by one at most; k for examples left out (no
 * label).
 */
size_t *
cx_folds(const char **labels, size_t n, int k, unsigned seed)
{
	size_t *order, *fold, i, j, t, used = 0;
	uint64_t s = seed;

	for (i = 0; i < n; i++)
		if (labels[i] != NULL && *labels[i] != '\0')
			used++;
	if (k < 2 || (size_t)k > used)
		return NULL;
	order = cx_alloc(used * sizeof(*order));
	fold = cx_alloc(n * sizeof(*fold));
	for (i = j = 0; i < n; i++) {
		fold[i] = (size_t)k;
		if (labels[i] != NULL && *labels[i] != '\0')
			order[j++] = i;
	}
	for (i = used; i > 1; i--) {
		j = (size_t)(next_rand(&s) % i);
		t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	for (i = 0; i < used; i++)
		fold[order[i]] = i % (size_t)k;
	free(order);
	return fold;
}

void
cx_held_add(struct cx_held *h, const double *score, size_t nc, size_t best,
    double scale, size_t truth)
{
	size_t c;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->nc = cx_realloc(h->nc, h->cap * sizeof(*h->nc));
		h->truth = cx_realloc(h->truth, h->cap * sizeof(*h->truth));
	}
	if (h->len + nc > h->lencap) {
		h->lencap = h->lencap ? h->lencap * 2 : 16384;
		if (h->lencap < h->len + nc)
			h->lencap = h->len + nc;
		h->d = cx_realloc(h->d, h->lencap * sizeof(*h->d));
	}
	for (c = 0; c < nc; c++)
		h->d[h->len + c] = (float)((score[c] - score[best]) / scale);
	h->len += nc;
	h->nc[h->n] = nc;
	h->truth[h->n++] = truth;
}

/* The mean negative log-likelihood of the truth at 1 / temperature b. */
static double
nll(const struct cx_held *h, double b)
{
	const float *d = h->d;
	double sum = 0, z;
	size_t i, c;

	for (i = 0; i < h->n; d += h->nc[i], i++) {
		for (c = 0, z = 0; c < h->nc[i]; c++)
			if (b * d[c] > -40)
				z += exp(b * d[c]);
		sum += log(z) - b * d[h->truth[i]];
	}
	return sum / (double)h->n;
}

double
cx_held_temp(const struct cx_held *h)
{
	static const double phi = 0.6180339887498949;
	double lo, hi, x1, x2, f1, f2;
	int it;

	/* The likelihood is convex in 1 / temperature: a golden-section
	 * search over its logarithm finds the best. */
	lo = log(1e-4);
	hi = log(100.0);
	x1 = hi - phi * (hi - lo);
	x2 = lo + phi * (hi - lo);
	f1 = nll(h, exp(x1));
	f2 = nll(h, exp(x2));
	for (it = 0; it < 40; it++) {
		if (f1 < f2) {
			hi = x2;
			x2 = x1;
			f2 = f1;
			x1 = hi - phi * (hi - lo);
			f1 = nll(h, exp(x1));
		} else {
			lo = x1;
			x1 = x2;
			f1 = f2;
			x2 = lo + phi * (hi - lo);
			f2 = nll(h, exp(x2));
		}
	}
	return cx_round3(1 / exp((lo + hi) / 2));
}

void
cx_held_free(struct cx_held *h)
{
	free(h->d);
	free(h->nc);
	free(h->truth);
}

/* Scores into probabilities in place, tempered: a softmax about best. */
void
cx_softmax(double *score, size_t nc, size_t best, double temp)
{
	double sum = 0, top = score[best];
	size_t c;

	for (c = 0; c < nc; c++)
		sum += score[c] = exp((score[c] - top) / temp);
	for (c = 0; c < nc; c++)
		score[c] /= sum;
}
