/*
 * linear.c: a linear classifier for complaint texts, beside naive Bayes
 * (nb.c): a linear support vector machine from liblinear over word and
 * character n-grams weighted by tf-idf, its cross-validation and its
 * calibration.
 *
 * Features.  Words of spaced scripts, lower-cased, and each pair of
 * neighbouring words; the character n-grams of 3 to 5 of each ASCII word
 * with a mark at either end, which catch inflections and misspellings
 * ("refun", "efund", "refunded" share most of theirs); in runs of CJK,
 * each character, pair and triple; emoji.  Hashed into buckets as nb.c
 * hashes its own, through feats.c.
 *
 * Weights.  Each feature counts 1 + log tf, times its idf, log((1 + N) /
 * (1 + df)) + 1, and a text's vector has unit length.  Features seen in
 * fewer than two training texts are dropped: they cannot generalise, and
 * they are most of a vocabulary.
 *
 * Training.  liblinear's L2-regularised L2-loss SVM (dual), one class
 * against the rest, with a bias; its permutations draw from rand(),
 * seeded here, so the same data give the same model.
 *
 * Confidence.  softmax(d / T) over the decision values d, with the
 * temperature T fitted to held-out texts as nb.c fits its own.
 */
#include <linear.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

#define BUCKETS		(1u << 20)
#define MIN_DF		2		/* texts a feature must be in */
#define AHEAD		4		/* features fetched ahead in decide() */
#define popcount64(x)	((uint32_t)__builtin_popcountll(x))
#define PREFETCH(p)	__builtin_prefetch(p)

struct linclass {
	char		*label;
	unsigned long	 docs;
};

struct cx_lin {
	uint32_t	 buckets;
	double		 c;		/* the SVM's cost */
	double		 temp;
	struct linclass	*cl;
	size_t		 nc;
	struct cx_keyset idx;		/* label to class */
	uint32_t	*fb;		/* the features' buckets, ascending */
	uint64_t	*bits;		/* a bit a bucket: a feature's */
	uint32_t	*rank;		/* the bits set before each word */
	float		*idf;
	float		*w;		/* nc a feature */
	size_t		 nf;
	float		*bias;		/* nc */
};

/* A word's character n-grams, with a mark at each end. */
static void
grams(struct cx_feats *f, const char *w, size_t n, uint32_t buckets)
{
	char b[72];
	size_t len, i, k;

	if (n + 2 > sizeof(b))
		return;
	b[0] = '<';
	memcpy(b + 1, w, n);
	b[n + 1] = '>';
	len = n + 2;
	for (k = 3; k <= 5; k++)
		for (i = 0; i + k <= len; i++)
			cx_feats_put(f, cx_feats_tagged('g', b + i, k),
			    buckets);
}

/* The buckets of a text's features, each once, with its count. */
static void
featurize(const char *text, size_t len, uint32_t buckets, struct cx_feats *f)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	struct cx_buf prev = { 0 };
	unsigned char gram[12];		/* up to three characters */
	size_t n, l1 = 0, l2 = 0, nchar;
	uint32_t c;
	int cls, ascii;

	f->n = 0;
	while (p < end) {
		c = cx_feats_char(p, end, &n);
		cls = cx_charclass(c);
		if (cls == CX_CH_WORD) {
			f->word.len = 0;
			nchar = 0;
			ascii = 1;
			while (p < end && cls == CX_CH_WORD) {
				if (c < 0x80)
					cx_buf_addc(&f->word, c >= 'A' &&
					    c <= 'Z' ? (int)c + 32 : (int)c);
				else {
					cx_buf_add(&f->word, p, n);
					ascii = 0;
				}
				nchar++;
				p += n;
				if (p < end)
					cls = cx_charclass(c = cx_feats_char(p,
					    end, &n));
			}
			l1 = l2 = 0;
			if (nchar < 2)
				continue;
			cx_feats_put(f, cx_feats_tagged('w', f->word.p,
			    f->word.len), buckets);
			if (ascii)
				grams(f, f->word.p, f->word.len, buckets);
			if (prev.len > 0) {
				cx_buf_addc(&prev, ' ');
				cx_buf_add(&prev, f->word.p, f->word.len);
				cx_feats_put(f, cx_feats_tagged('p', prev.p,
				    prev.len), buckets);
			}
			prev.len = 0;
			cx_buf_add(&prev, f->word.p, f->word.len);
			continue;
		}
		if (cls == CX_CH_RUN) {
			prev.len = 0;
			cx_feats_put(f, cx_feats_tagged('c', p, n), buckets);
			memcpy(gram + l1 + l2, p, n);
			if (l2 > 0)
				cx_feats_put(f, cx_feats_tagged('b', gram + l1,
				    l2 + n), buckets);
			if (l1 > 0)
				cx_feats_put(f, cx_feats_tagged('t', gram,
				    l1 + l2 + n), buckets);
			/* Keep the last two characters. */
			memmove(gram, gram + l1, l2 + n);
			l1 = l2;
			l2 = n;
		} else {
			if (cls == CX_CH_SYM)
				cx_feats_put(f, cx_feats_tagged('s', p, n),
				    buckets);
			l1 = l2 = 0;
		}
		p += n;
	}
	cx_buf_free(&prev);
	cx_feats_count(f);
}

static int
cmp_label(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
quiet(const char *s)
{
	(void)s;
}

/* The classes of the labelled examples, in label order. */
static void
classes(struct cx_lin *m, const char **labels, size_t n, const size_t *fold,
    size_t skip)
{
	char **l = cx_alloc((n + 1) * sizeof(*l));
	size_t i, k = 0;
	uint32_t c;

	for (i = 0; i < n; i++)
		if (labels[i] != NULL && *labels[i] != '\0' &&
		    (fold == NULL || fold[i] != skip))
			l[k++] = (char *)labels[i];
	qsort(l, k, sizeof(*l), cmp_label);
	m->cl = cx_alloc((k + 1) * sizeof(*m->cl));
	for (i = 0; i < k; i++) {
		if (m->nc == 0 || strcmp(m->cl[m->nc - 1].label, l[i]) != 0) {
			m->cl[m->nc].label = cx_strndup(l[i], strlen(l[i]));
			cx_keyset_put(&m->idx, cx_key_of(l[i], strlen(l[i])),
			    (uint32_t)m->nc, NULL);
			m->nc++;
		}
		(void)cx_keyset_get(&m->idx, cx_key_of(l[i], strlen(l[i])),
		    &c);
		m->cl[c].docs++;
	}
	free(l);
}

/*
 * Each bucket's feature, or -1, without a search through the features
 * (which was a quarter of cx-classify's time): a bit a bucket, set for
 * the features', and the count of bits set before each word of them, so
 * a feature's index is that count and the bits set before it in its word.
 * 192 kB for a million buckets, where most lookups are of buckets that
 * are no feature: the cache holds it, as it would not a table of a word
 * a bucket.
 */
static void
map_buckets(struct cx_lin *m)
{
	size_t j, nw = ((size_t)m->buckets + 63) / 64;

	if (m->buckets > (1u << 22))	/* more than cx writes: a search */
		return;
	m->bits = cx_alloc((nw + 1) * sizeof(*m->bits));	/* zeroed */
	m->rank = cx_alloc((nw + 1) * sizeof(*m->rank));
	for (j = 0; j < m->nf; j++)
		m->bits[m->fb[j] / 64] |= (uint64_t)1 << (m->fb[j] % 64);
	for (j = 1; j <= nw; j++)
		m->rank[j] = m->rank[j - 1] + popcount64(m->bits[j - 1]);
}

/* The feature of a bucket, or -1. */
static long
feature(const struct cx_lin *m, uint32_t b)
{
	uint64_t word, bit;
	size_t lo = 0, hi = m->nf, mid;

	if (b >= m->buckets)
		return -1;
	if (m->bits == NULL) {
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (m->fb[mid] < b)
				lo = mid + 1;
			else if (m->fb[mid] > b)
				hi = mid;
			else
				return (long)mid;
		}
		return -1;
	}
	word = m->bits[b / 64];
	bit = (uint64_t)1 << (b % 64);
	if ((word & bit) == 0)
		return -1;
	return (long)(m->rank[b / 64] + popcount64(word & (bit - 1)));
}

/* A text's tf-idf vector of unit length, as liblinear's nodes. */
static size_t
vector(const struct cx_lin *m, const struct cx_feats *f,
    struct feature_node *x)
{
	double norm = 0;
	size_t i, k = 0;
	long j;

	for (i = 0; i < f->n; i++) {
		if ((j = feature(m, f->b[i])) < 0)
			continue;
		x[k].index = (int)j + 1;
		/* Most features are once in a text: no log of 1. */
		x[k].value = f->tf[i] == 1 ? m->idf[j] :
		    (1 + log((double)f->tf[i])) * m->idf[j];
		norm += x[k].value * x[k].value;
		k++;
	}
	norm = sqrt(norm);
	for (i = 0; i < k && norm > 0; i++)
		x[i].value /= norm;
	return k;
}

/* The decision value of each class for a text, into d; the best. */
static size_t
decide(const struct cx_lin *m, const char *text, size_t len, double *d)
{
	struct cx_feats f = { 0 };
	struct feature_node *x;
	size_t i, k, c, best = 0;
	const float *w;
	double v;

	featurize(text, len, m->buckets, &f);
	x = cx_alloc((f.n + 1) * sizeof(*x));
	k = vector(m, &f, x);
	for (c = 0; c < m->nc; c++)
		d[c] = m->bias[c];
	/* The weights are megabytes, a feature's row far from the last:
	 * fetch a row a few features ahead while this one is added. */
	for (i = 0; i < k; i++) {
		v = x[i].value;
		if (i + AHEAD < k) {
			w = m->w + (size_t)(x[i + AHEAD].index - 1) * m->nc;
			for (c = 0; c < m->nc; c += 16)
				PREFETCH(w + c);
		}
		w = m->w + (size_t)(x[i].index - 1) * m->nc;
		for (c = 0; c + 4 <= m->nc; c += 4) {
			d[c] += v * w[c];
			d[c + 1] += v * w[c + 1];
			d[c + 2] += v * w[c + 2];
			d[c + 3] += v * w[c + 3];
		}
		for (; c < m->nc; c++)
			d[c] += v * w[c];
	}
	for (c = 1; c < m->nc; c++)
		if (d[c] > d[best])
			best = c;
	free(x);
	cx_feats_free(&f);
	return best;
}

struct cx_lin *
cx_lin_train(const char **labels, const char **texts, const size_t *lens,
    size_t n, double cost, unsigned seed, const size_t *fold, size_t skip)
{
	struct cx_lin *m = cx_alloc(sizeof(*m));
	struct cx_feats *f;
	struct problem prob = { 0 };
	struct parameter par = { 0 };
	struct feature_node *nodes, *x;
	struct model *lm;
	uint32_t *df, c;
	size_t i, j, k, used = 0, nnz = 0, mindf;
	int *lab;
	long *at;

	m->buckets = BUCKETS;
	m->c = cost;
	m->temp = 1;
	classes(m, labels, n, fold, skip);
	f = cx_alloc((n + 1) * sizeof(*f));
	df = cx_alloc((size_t)m->buckets * sizeof(*df));
	for (i = 0; i < n; i++) {
		if (labels[i] == NULL || *labels[i] == '\0' ||
		    (fold != NULL && fold[i] == skip))
			continue;
		featurize(texts[i], lens[i], m->buckets, &f[i]);
		for (j = 0; j < f[i].n; j++)
			df[f[i].b[j]]++;
		used++;
	}
	/* The features: buckets in enough texts, in bucket order. */
	mindf = used >= 50 ? MIN_DF : 1;
	for (c = 0; c < m->buckets; c++)
		m->nf += df[c] >= mindf;
	m->fb = cx_alloc((m->nf + 1) * sizeof(*m->fb));
	m->idf = cx_alloc((m->nf + 1) * sizeof(*m->idf));
	for (c = 0, k = 0; c < m->buckets; c++)
		if (df[c] >= mindf) {
			m->fb[k] = c;
			m->idf[k++] = cx_round4(log((1.0 + (double)used) /
			    (1.0 + df[c])) + 1);
		}
	free(df);
	for (i = 0; i < n; i++)
		nnz += f[i].n + 2;
	nodes = cx_alloc((nnz + 1) * sizeof(*nodes));
	prob.l = (int)used;
	prob.n = (int)m->nf + 1;
	prob.bias = 1;
	prob.y = cx_alloc((used + 1) * sizeof(*prob.y));
	prob.x = cx_alloc((used + 1) * sizeof(*prob.x));
	for (i = 0, k = 0, x = nodes; i < n; i++) {
		if (labels[i] == NULL || *labels[i] == '\0' ||
		    (fold != NULL && fold[i] == skip))
			continue;
		(void)cx_keyset_get(&m->idx, cx_key_of(labels[i],
		    strlen(labels[i])), &c);
		prob.y[k] = c;
		prob.x[k++] = x;
		j = vector(m, &f[i], x);
		x[j].index = prob.n;
		x[j].value = 1;
		x[j + 1].index = -1;
		x += j + 2;
		cx_feats_free(&f[i]);
	}
	free(f);
	m->w = cx_alloc((m->nf * m->nc + 1) * sizeof(*m->w));
	m->bias = cx_alloc((m->nc + 1) * sizeof(*m->bias));
	if (m->nc > 1) {
		par.solver_type = L2R_L2LOSS_SVC_DUAL;
		par.C = cost;
		par.eps = 0.1;
		set_print_string_function(quiet);
		srand(seed);
		lm = train(&prob, &par);
		lab = cx_alloc((m->nc + 1) * sizeof(*lab));
		get_labels(lm, lab);
		at = cx_alloc((m->nc + 1) * sizeof(*at));
		for (k = 0; k < m->nc; k++)
			at[lab[k]] = (long)k;
		for (c = 0; c < m->nc; c++) {
			for (j = 0; j < m->nf; j++)
				m->w[j * m->nc + c] = cx_round4(
				    get_decfun_coef(lm, (int)j + 1, (int)at[c]));
			m->bias[c] = cx_round4(get_decfun_bias(lm, (int)at[c]));
		}
		free(at);
		free(lab);
		free_and_destroy_model(&lm);
	}
	free(nodes);
	free(prob.y);
	free(prob.x);
	map_buckets(m);
	return m;
}

const char *
cx_lin_predict(const struct cx_lin *m, const char *text, size_t n,
    double *confidence)
{
	double *p;
	size_t best;

	if (confidence != NULL)
		*confidence = 0;
	p = cx_alloc((m->nc + 1) * sizeof(*p));
	if ((best = cx_lin_probs(m, text, n, p)) != SIZE_MAX &&
	    confidence != NULL)
		*confidence = p[best];
	free(p);
	return best != SIZE_MAX ? m->cl[best].label : NULL;
}

size_t
cx_lin_probs(const struct cx_lin *m, const char *text, size_t n, double *p)
{
	size_t best;

	if (m->nc == 0)
		return SIZE_MAX;
	best = decide(m, text, n, p);
	cx_softmax(p, m->nc, best, m->temp);
	return best;
}

size_t
cx_lin_nclass(const struct cx_lin *m)
{
	return m->nc;
}

const char *
cx_lin_label(const struct cx_lin *m, size_t i)
{
	return i < m->nc ? m->cl[i].label : NULL;
}

void
cx_lin_free(struct cx_lin *m)
{
	size_t c;

	if (m == NULL)
		return;
	for (c = 0; c < m->nc; c++)
		free(m->cl[c].label);
	free(m->cl);
	cx_keyset_free(&m->idx);
	free(m->fb);
	free(m->bits);
	free(m->rank);
	free(m->idf);
	free(m->w);
	free(m->bias);
	free(m);
}

int
cx_lin_crossval(const char **labels, const char **texts, const size_t *lens,
    size_t n, int k, unsigned seed, double cost, struct cx_eval *out)
{
	struct cx_lin *m;
	size_t *fold, i, f;

	if ((fold = cx_folds(labels, n, k, seed)) == NULL)
		return -1;
	for (f = 0; f < (size_t)k; f++) {
		m = cx_lin_train(labels, texts, lens, n, cost, seed, fold, f);
		for (i = 0; i < n; i++)
			if (fold[i] == f)
				cx_eval_add(out, labels[i], cx_lin_predict(m,
				    texts[i], lens[i], NULL));
		cx_lin_free(m);
	}
	free(fold);
	return 0;
}

int
cx_lin_calibrate(struct cx_lin *lin, const char **labels, const char **texts,
    const size_t *lens, size_t n, int k, unsigned seed)
{
	struct cx_held h = { 0 };
	struct cx_lin *m;
	size_t *fold, i, f, best, used = 0, stride, nth = 0;
	uint32_t t;
	double *d;

	if ((fold = cx_folds(labels, n, k, seed)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		used += fold[i] < (size_t)k;
	stride = used > CX_CAL_MAX ? (used + CX_CAL_MAX - 1) / CX_CAL_MAX : 1;
	for (f = 0; f < (size_t)k; f++) {
		m = cx_lin_train(labels, texts, lens, n, lin->c, seed, fold, f);
		d = cx_alloc((m->nc + 1) * sizeof(*d));
		for (i = 0; i < n && m->nc > 1; i++) {
			if (fold[i] != f || nth++ % stride != 0 ||
			    !cx_keyset_get(&m->idx, cx_key_of(labels[i],
			    strlen(labels[i])), &t))
				continue;
			best = decide(m, texts[i], lens[i], d);
			cx_held_add(&h, d, m->nc, best, 1, t);
		}
		free(d);
		cx_lin_free(m);
	}
	free(fold);
	if (h.n > 0)
		lin->temp = cx_held_temp(&h);
	cx_held_free(&h);
	return 0;
}

/*
 * The file (cx-nb(5) describes both kinds):
 *
 *	cx-linear 1 buckets=1048576 c=1 temp=0.31
 *	class LABEL DOCS		one a class, in label order
 *	bias W1 ... Wk			the bias of each class
 *	BUCKET IDF W1 ... Wk		one a feature, by bucket
 *
 * Weights and idf to four significant digits, as the model holds them.
 */
int
cx_lin_save(const struct cx_lin *m, struct cx_buf *out)
{
	size_t c, j;

	cx_buf_printf(out, "cx-linear 1 buckets=%lu c=",
	    (unsigned long)m->buckets);
	cx_num_put(out, m->c, 0);
	if (m->temp != 1) {
		cx_buf_adds(out, " temp=");
		cx_num_put(out, m->temp, 0);
	}
	cx_buf_addc(out, '\n');
	for (c = 0; c < m->nc; c++) {
		cx_buf_adds(out, "class ");
		cx_label_put(out, m->cl[c].label);
		cx_buf_printf(out, " %lu\n", m->cl[c].docs);
	}
	cx_buf_adds(out, "bias");
	for (c = 0; c < m->nc; c++) {
		cx_buf_addc(out, ' ');
		cx_num_put(out, m->bias[c], 1);
	}
	cx_buf_addc(out, '\n');
	for (j = 0; j < m->nf; j++) {
		cx_buf_ulong(out, m->fb[j]);
		cx_buf_addc(out, ' ');
		cx_num_put(out, m->idf[j], 1);
		for (c = 0; c < m->nc; c++) {
			cx_buf_addc(out, ' ');
			if (m->w[j * m->nc + c] == 0)
				cx_buf_addc(out, '0');
			else
				cx_num_put(out, m->w[j * m->nc + c], 1);
		}
		cx_buf_addc(out, '\n');
	}
	return 0;
}

struct load {
	struct cx_lin	*m;
	int		 state;		/* 0 header, 1 classes, 2 features */
	size_t		 capf;
	struct cx_buf	 tmp;
};

static int
load_header(struct load *ld, const char *l, const char *end,
    struct cx_err *err)
{
	const char *w;
	size_t n;
	uint64_t v;
	double a;
	int seen = 0;

	if (!cx_word(&l, end, &w, &n) || n != 9 ||
	    memcmp(w, "cx-linear", 9) != 0) {
		cx_seterr(err, "not a cx-linear model");
		return -1;
	}
	if (!cx_word(&l, end, &w, &n) || n != 1 || *w != '1') {
		cx_seterr(err, "unknown model version %.*s", (int)n, w);
		return -1;
	}
	while (cx_word(&l, end, &w, &n)) {
		if (n > 8 && memcmp(w, "buckets=", 8) == 0) {
			if (cx_num_uint(w + 8, n - 8, 1u << 30, &v) == -1 ||
			    v == 0) {
				cx_seterr(err, "bad bucket count %.*s",
				    (int)(n - 8), w + 8);
				return -1;
			}
			ld->m->buckets = (uint32_t)v;
			seen |= 1;
		} else if (n > 2 && memcmp(w, "c=", 2) == 0) {
			if (cx_num_positive(w + 2, n - 2, &ld->tmp, &a) == -1) {
				cx_seterr(err, "bad cost %.*s", (int)(n - 2),
				    w + 2);
				return -1;
			}
			ld->m->c = a;
			seen |= 2;
		} else if (n > 5 && memcmp(w, "temp=", 5) == 0) {
			if (cx_num_positive(w + 5, n - 5, &ld->tmp, &a) == -1) {
				cx_seterr(err, "bad temperature %.*s",
				    (int)(n - 5), w + 5);
				return -1;
			}
			ld->m->temp = a;
		} else {
			cx_seterr(err, "unknown setting %.*s", (int)n, w);
			return -1;
		}
	}
	if (seen != 3) {
		cx_seterr(err, "%s missing", seen & 1 ? "c" : "buckets");
		return -1;
	}
	ld->state = 1;
	return 0;
}

/* A float as saved: as strtof reads it, the float that was written. */
static int
weight(struct load *ld, const char *s, size_t n, float *x)
{
	return cx_num_float(s, n, &ld->tmp, x);
}

/* Weights, one a class, after the words read so far; -1 if not nc. */
static int
weights(struct load *ld, const char **l, const char *end, float *w)
{
	const char *s;
	size_t n, c;

	for (c = 0; c < ld->m->nc; c++)
		if (!cx_word(l, end, &s, &n) || weight(ld, s, n, &w[c]) == -1)
			return -1;
	return cx_word(l, end, &s, &n) ? -1 : 0;
}

static int
load_line(void *arg, const char *l, size_t len, unsigned long lineno,
    struct cx_err *err)
{
	struct load *ld = arg;
	struct cx_lin *m = ld->m;
	const char *end = l + len, *w, *w2, *w3;
	size_t n, n2, n3;
	uint64_t v;

	(void)lineno;
	if (ld->state == 0)
		return load_header(ld, l, end, err);
	if (!cx_word(&l, end, &w, &n))
		return 0;
	if (ld->state == 1 && n == 5 && memcmp(w, "class", 5) == 0) {
		if (!cx_word(&l, end, &w2, &n2) || !cx_word(&l, end, &w3, &n3) ||
		    cx_word(&l, end, &w, &n) ||
		    cx_label_get(w2, n2, &ld->tmp) == -1 ||
		    cx_num_uint(w3, n3, ULONG_MAX, &v) == -1 || v == 0) {
			cx_seterr(err, "expected \"class LABEL DOCS\"");
			return -1;
		}
		if (cx_keyset_get(&m->idx, cx_key_of(ld->tmp.p, ld->tmp.len),
		    NULL)) {
			cx_seterr(err, "class %s twice", ld->tmp.p);
			return -1;
		}
		m->cl = cx_grow(m->cl, m->nc, sizeof(*m->cl));
		m->cl[m->nc].label = cx_strndup(ld->tmp.p, ld->tmp.len);
		m->cl[m->nc].docs = (unsigned long)v;
		cx_keyset_put(&m->idx, cx_key_of(ld->tmp.p, ld->tmp.len),
		    (uint32_t)m->nc, NULL);
		m->nc++;
		return 0;
	}
	if (ld->state == 1 && n == 4 && memcmp(w, "bias", 4) == 0) {
		m->bias = cx_alloc((m->nc + 1) * sizeof(*m->bias));
		if (m->nc == 0 || weights(ld, &l, end, m->bias) == -1) {
			cx_seterr(err, "expected \"bias\" and a weight a "
			    "class");
			return -1;
		}
		ld->state = 2;
		return 0;
	}
	if (ld->state != 2 || cx_num_uint(w, n, UINT32_MAX, &v) == -1) {
		cx_seterr(err, ld->state == 1 ? "expected \"class LABEL DOCS\""
		    " or \"bias W...\"" : "expected \"BUCKET IDF W...\"");
		return -1;
	}
	if (v >= m->buckets || (m->nf > 0 && v <= m->fb[m->nf - 1])) {
		cx_seterr(err, "bucket %lu out of range or order",
		    (unsigned long)v);
		return -1;
	}
	if (m->nf == ld->capf) {
		ld->capf = ld->capf ? ld->capf * 2 : 1024;
		m->fb = cx_realloc(m->fb, ld->capf * sizeof(*m->fb));
		m->idf = cx_realloc(m->idf, ld->capf * sizeof(*m->idf));
		m->w = cx_realloc(m->w, ld->capf * m->nc * sizeof(*m->w));
	}
	m->fb[m->nf] = (uint32_t)v;
	if (!cx_word(&l, end, &w, &n) ||
	    weight(ld, w, n, &m->idf[m->nf]) == -1 ||
	    weights(ld, &l, end, m->w + m->nf * m->nc) == -1) {
		cx_seterr(err, "expected \"BUCKET IDF W...\", a weight a "
		    "class");
		return -1;
	}
	m->nf++;
	return 0;
}

struct cx_lin *
cx_lin_load(const char *path, struct cx_err *err)
{
	struct load ld = { 0 };

	ld.m = cx_alloc(sizeof(*ld.m));
	ld.m->temp = 1;
	if (cx_conf_lines(path, load_line, &ld, err) == -1)
		goto fail;
	if (ld.state != 2) {
		cx_seterr(err, "%s: %s", path, ld.state == 0 ? "empty model" :
		    "a model without its bias line");
		goto fail;
	}
	cx_buf_free(&ld.tmp);
	map_buckets(ld.m);
	return ld.m;
fail:
	cx_buf_free(&ld.tmp);
	cx_lin_free(ld.m);
	return NULL;
}
