/*
 * nb.c: a text classifier for complaint texts in Chinese and English,
 * multinomial naive Bayes over hashed features, its cross-validation
 * and its calibration.  eval.c scores what it predicts.
 *
 * Features.  Chinese has no spaces, and a word segmenter would need a
 * dictionary; character unigrams and bigrams classify about as well and
 * need nothing.  So a run of CJK characters (or of any script without
 * spaced words: kana, Hangul, Thai) gives each character and each pair of
 * neighbours.  ASCII, and the alphabets written in spaced words (Latin,
 * Greek, Cyrillic), give lower-cased words of two or more letters or
 * digits; full-width letters and digits are read as ASCII.  Pairs of
 * words are not used: on English complaints they cost 1 to 4 points of
 * accuracy, as they mostly repeat what the words say.  Punctuation
 * separates; emoji and dingbats, which say a lot in a review, are
 * features of their own.
 *
 * Each feature is hashed (cx_hash64) into a fixed number of buckets, so
 * a model never holds more than buckets x classes weights whatever the
 * vocabulary; at 2^20 buckets collisions cost nothing measurable, at 2^16
 * under half a point.
 *
 * Training.  A text adds its feature counts scaled to unit length
 * (Rennie et al., 2003): otherwise a class is made of its longest
 * complaints, and a long narrative outvotes twenty short ones.
 *
 * Model.  Only the (class, bucket) pairs seen in training are stored.
 * With Lidstone smoothing (a pseudo-count a) the weight of an unseen pair
 * is the same for every bucket of a class, so the score of class c is
 *
 *	log P(c) + L log(a / (N_c + a V)) + sum t_f log(1 + n_cf / a)
 *
 * where t_f counts feature f in the text, L is the sum of t_f over the
 * features training saw, and the sum runs over the pairs stored:
 * prediction touches only what is kept.  V is the number of buckets
 * training saw, not the number there are, so smoothing does not depend on
 * the table size, and features training never saw are skipped, as a
 * vocabulary-based classifier would.  The alpha asked for is relative to
 * the mean weight of one feature of one text (see cx_nb_finish); the
 * absolute a is what a model file holds.
 *
 * Confidence.  Naive Bayes counts a character and both pairs it is in as
 * three independent witnesses, so its posteriors are far too sure: four
 * predictions in five at 0.999 or more, right 80 to 93% of the time.
 * The scores are divided by sqrt(L) before the log-sum-exp, which on
 * every data set measured brought the confidence within a few points of
 * the accuracy, and by a temperature that cx_nb_calibrate fits to
 * held-out texts.  Neither changes which label wins.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

/* One stored (class, bucket) pair: the count and its weight. */
struct ent {
	uint32_t	 cls;
	float		 n;
	float		 w;
};

struct nbclass {
	char		*label;
	unsigned long	 docs;
	double		 prior;		/* log P(c) */
	double		 miss;		/* log(alpha / (N_c + alpha V)) */
	size_t		 was;		/* index before sorting */
};

struct cx_nb {
	double		 alpha;		/* the pseudo-count, in count units */
	double		 relalpha;	/* alpha per mean feature weight */
	double		 mass, nfeat;	/* for that mean */
	double		 temp;		/* posterior temperature */
	uint32_t	 buckets;
	struct nbclass	*c;
	size_t		 nc, capc;
	struct cx_keyset idx;		/* label to class */
	unsigned long	 docs;
	/* Training: counts in an open-addressing table keyed by class and
	 * bucket, class + 1 in the high half so that 0 marks a free slot. */
	uint64_t	*hk;
	double		*hn;
	size_t		 hlen, hcap;
	/* Finished: the pairs of bucket b are e[off[b]] to e[off[b + 1]]. */
	int		 done;
	uint32_t	*off;
	struct ent	*e;
};

/* The buckets of a text's features, each once, with its count. */
static void
featurize(const char *text, size_t len, uint32_t buckets, struct cx_feats *f)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	unsigned char run[8];
	size_t n, runlen = 0, nchar;
	uint32_t c;
	int cls;

	f->n = 0;
	while (p < end) {
		c = cx_feats_char(p, end, &n);
		cls = cx_charclass(c);
		if (cls == CX_CH_WORD) {
			f->word.len = 0;
			cx_buf_addc(&f->word, 'w');
			nchar = 0;
			while (p < end && cls == CX_CH_WORD) {
				if (c < 0x80)
					cx_buf_addc(&f->word, c >= 'A' &&
					    c <= 'Z' ? (int)c + 32 : (int)c);
				else
					cx_buf_add(&f->word, p, n);
				nchar++;
				p += n;
				if (p < end)
					cls = cx_charclass(c = cx_feats_char(p, end,
					    &n));
			}
			runlen = 0;
			if (nchar < 2)
				continue;
			cx_feats_put(f, cx_hash64(f->word.p, f->word.len), buckets);
			continue;
		}
		if (cls == CX_CH_RUN) {
			cx_feats_put(f, cx_feats_tagged('c', p, n), buckets);
			if (runlen > 0) {
				memcpy(run + runlen, p, n);
				cx_feats_put(f, cx_feats_tagged('b', run, runlen + n),
				    buckets);
			}
			memcpy(run, p, n);
			runlen = n;
		} else {
			if (cls == CX_CH_SYM)
				cx_feats_put(f, cx_feats_tagged('s', p, n), buckets);
			runlen = 0;
		}
		p += n;
	}
	cx_feats_count(f);
}

struct cx_nb *
cx_nb_new_opts(const struct cx_nb_opts *o)
{
	struct cx_nb *nb;

	nb = cx_alloc(sizeof(*nb));
	nb->relalpha = o != NULL && o->alpha > 0 ? o->alpha : CX_NB_ALPHA;
	nb->temp = 1;
	nb->buckets = o != NULL && o->buckets > 0 ? o->buckets :
	    CX_NB_BUCKETS;
	return nb;
}

struct cx_nb *
cx_nb_new(void)
{
	return cx_nb_new_opts(NULL);
}

static void
count_grow(struct cx_nb *nb)
{
	uint64_t *ok = nb->hk;
	double *on = nb->hn;
	size_t ocap = nb->hcap, i, j;

	nb->hcap = ocap ? ocap * 2 : 1 << 16;
	nb->hk = cx_alloc(nb->hcap * sizeof(*nb->hk));
	nb->hn = cx_alloc(nb->hcap * sizeof(*nb->hn));
	for (i = 0; i < ocap; i++) {
		if (ok[i] == 0)
			continue;
		for (j = cx_mix64(ok[i]) & (nb->hcap - 1); nb->hk[j] != 0;
		    j = (j + 1) & (nb->hcap - 1))
			;
		nb->hk[j] = ok[i];
		nb->hn[j] = on[i];
	}
	free(ok);
	free(on);
}

/* The count of a pair, made 0 if missing. */
static double *
count_at(struct cx_nb *nb, uint32_t cls, uint32_t b)
{
	uint64_t key = ((uint64_t)cls + 1) << 32 | b;
	size_t j;

	if ((nb->hlen + 1) * 2 > nb->hcap)
		count_grow(nb);
	for (j = cx_mix64(key) & (nb->hcap - 1); nb->hk[j] != 0;
	    j = (j + 1) & (nb->hcap - 1))
		if (nb->hk[j] == key)
			return &nb->hn[j];
	nb->hk[j] = key;
	nb->hlen++;
	return &nb->hn[j];
}

static size_t
class_of(struct cx_nb *nb, const char *label)
{
	uint32_t v;

	if (cx_keyset_put(&nb->idx, cx_key_of(label, strlen(label)),
	    (uint32_t)nb->nc, &v))
		return v;
	if (nb->nc == nb->capc) {
		nb->capc = nb->capc ? nb->capc * 2 : 16;
		nb->c = cx_realloc(nb->c, nb->capc * sizeof(*nb->c));
	}
	memset(&nb->c[nb->nc], 0, sizeof(nb->c[0]));
	nb->c[nb->nc].label = cx_strndup(label, strlen(label));
	return nb->nc++;
}

/* Back to counting: the stored pairs return to the table. */
static void
reopen(struct cx_nb *nb)
{
	uint32_t b, i;

	for (b = 0; b < nb->buckets; b++)
		for (i = nb->off[b]; i < nb->off[b + 1]; i++)
			*count_at(nb, nb->e[i].cls, b) = nb->e[i].n;
	free(nb->off);
	free(nb->e);
	nb->off = NULL;
	nb->e = NULL;
	nb->done = 0;
}

void
cx_nb_add(struct cx_nb *nb, const char *label, const char *text, size_t n)
{
	struct cx_feats f = { 0 };
	double len = 0;
	size_t c, i;

	if (*label == '\0')
		return;
	if (nb->done)
		reopen(nb);
	c = class_of(nb, label);
	nb->c[c].docs++;
	nb->docs++;
	featurize(text, n, nb->buckets, &f);
	for (i = 0; i < f.n; i++)
		len += (double)f.tf[i] * f.tf[i];
	len = sqrt(len);
	for (i = 0; i < f.n; i++) {
		*count_at(nb, (uint32_t)c, f.b[i]) += f.tf[i] / len;
		nb->mass += f.tf[i] / len;
	}
	nb->nfeat += f.n;
	cx_feats_free(&f);
}

/* Four significant digits: a smaller file that reads back the same. */
float
cx_round4(double d)
{
	char s[32];

	snprintf(s, sizeof(s), "%.4g", d);
	return strtof(s, NULL);
}

static int
cmp_class(const void *a, const void *b)
{
	return strcmp(((const struct nbclass *)a)->label,
	    ((const struct nbclass *)b)->label);
}

void
cx_nb_finish(struct cx_nb *nb)
{
	uint32_t *perm, b, i, j, v = 0;
	double *total, z;
	size_t c, h;
	struct ent t;

	if (nb->done)
		return;
	/*
	 * Unit-length texts make one occurrence of a feature weigh about
	 * 1/sqrt(features of the text): 0.2 in a short review, 0.03 in a
	 * long narrative.  A pseudo-count fixed in those units would smooth
	 * long texts into noise and short ones hardly at all, so alpha is
	 * asked for as a share of the mean weight and made absolute here.
	 * A loaded model has only the absolute one, and keeps it.
	 */
	if (nb->relalpha > 0)
		nb->alpha = cx_round3(nb->relalpha * (nb->nfeat > 0 ?
		    nb->mass / nb->nfeat : 1));
	/* Classes in label order, so that a saved model does not depend on
	 * the order of the training data. */
	for (c = 0; c < nb->nc; c++)
		nb->c[c].was = c;
	if (nb->nc > 1)
		qsort(nb->c, nb->nc, sizeof(*nb->c), cmp_class);
	perm = cx_alloc((nb->nc + 1) * sizeof(*perm));
	cx_keyset_free(&nb->idx);
	for (c = 0; c < nb->nc; c++) {
		perm[nb->c[c].was] = (uint32_t)c;
		cx_keyset_put(&nb->idx, cx_key_of(nb->c[c].label,
		    strlen(nb->c[c].label)), (uint32_t)c, NULL);
	}

	nb->off = cx_alloc(((size_t)nb->buckets + 1) * sizeof(*nb->off));
	nb->e = cx_alloc((nb->hlen + 1) * sizeof(*nb->e));
	for (h = 0; h < nb->hcap; h++)
		if (nb->hk[h] != 0)
			nb->off[(uint32_t)nb->hk[h] + 1]++;
	for (b = 0; b < nb->buckets; b++)
		nb->off[b + 1] += nb->off[b];
	for (h = 0; h < nb->hcap; h++) {
		if (nb->hk[h] == 0)
			continue;
		b = (uint32_t)nb->hk[h];
		/* off[b] runs ahead while filling and is put back below. */
		i = nb->off[b]++;
		nb->e[i].cls = perm[(nb->hk[h] >> 32) - 1];
		nb->e[i].n = cx_round4(nb->hn[h]);
	}
	for (b = nb->buckets; b > 0; b--)
		nb->off[b] = nb->off[b - 1];
	nb->off[0] = 0;
	free(nb->hk);
	free(nb->hn);
	nb->hk = NULL;
	nb->hn = NULL;
	nb->hlen = nb->hcap = 0;
	free(perm);

	/* A bucket's pairs in class order, so that the sums of a loaded model
	 * are made in the same order as those of the one saved. */
	total = cx_alloc((nb->nc + 1) * sizeof(*total));
	for (b = 0; b < nb->buckets; b++) {
		if (nb->off[b] == nb->off[b + 1])
			continue;
		v++;
		for (i = nb->off[b] + 1; i < nb->off[b + 1]; i++) {
			t = nb->e[i];
			for (j = i; j > nb->off[b] && nb->e[j - 1].cls > t.cls;
			    j--)
				nb->e[j] = nb->e[j - 1];
			nb->e[j] = t;
		}
		for (i = nb->off[b]; i < nb->off[b + 1]; i++) {
			total[nb->e[i].cls] += nb->e[i].n;
			nb->e[i].w = (float)log1p(nb->e[i].n / nb->alpha);
		}
	}
	for (c = 0; c < nb->nc; c++) {
		z = total[c] + nb->alpha * (v > 0 ? v : 1);
		nb->c[c].prior = log((double)nb->c[c].docs / nb->docs);
		nb->c[c].miss = log(nb->alpha / z);
	}
	free(total);
	nb->done = 1;
}

/* The log-likelihood of each class for a text, into score; the best. */
static size_t
scores(const struct cx_nb *nb, const char *text, size_t n, double *score,
    double *scale)
{
	struct cx_feats f = { 0 };
	size_t c, best, i;
	uint32_t b, j;
	double seen = 0;

	featurize(text, n, nb->buckets, &f);
	memset(score, 0, nb->nc * sizeof(*score));
	for (i = 0; i < f.n; i++) {
		b = f.b[i];
		if (nb->off[b] == nb->off[b + 1])
			continue;
		seen += f.tf[i];
		for (j = nb->off[b]; j < nb->off[b + 1]; j++)
			score[nb->e[j].cls] += f.tf[i] * (double)nb->e[j].w;
	}
	for (c = best = 0; c < nb->nc; c++) {
		score[c] += nb->c[c].prior + seen * nb->c[c].miss;
		if (score[c] > score[best])
			best = c;
	}
	*scale = sqrt(seen > 1 ? seen : 1);
	cx_feats_free(&f);
	return best;
}

const char *
cx_nb_predict(const struct cx_nb *nb, const char *text, size_t n,
    double *confidence)
{
	double *p;
	size_t best;

	if (confidence != NULL)
		*confidence = 0;
	p = cx_alloc((nb->nc + 1) * sizeof(*p));
	if ((best = cx_nb_probs(nb, text, n, p)) != SIZE_MAX &&
	    confidence != NULL)
		*confidence = p[best];
	free(p);
	return best != SIZE_MAX ? nb->c[best].label : NULL;
}

size_t
cx_nb_probs(const struct cx_nb *nb, const char *text, size_t n, double *p)
{
	double scale;
	size_t best;

	if (!nb->done || nb->nc == 0)
		return SIZE_MAX;
	best = scores(nb, text, n, p, &scale);
	cx_softmax(p, nb->nc, best, nb->temp * scale);
	return best;
}

size_t
cx_nb_nclass(const struct cx_nb *nb)
{
	return nb->nc;
}

const char *
cx_nb_label(const struct cx_nb *nb, size_t i)
{
	return i < nb->nc ? nb->c[i].label : NULL;
}

void
cx_nb_free(struct cx_nb *nb)
{
	size_t c;

	if (nb == NULL)
		return;
	for (c = 0; c < nb->nc; c++)
		free(nb->c[c].label);
	free(nb->c);
	cx_keyset_free(&nb->idx);
	free(nb->hk);
	free(nb->hn);
	free(nb->off);
	free(nb->e);
	free(nb);
}

/*
 * The file (cx-nb(5)):
 *
 *	cx-nb 1 buckets=1048576 alpha=0.00678 temp=1.49
 *	class LABEL DOCS		one a class, in label order
 *	CLASS BUCKET COUNT		one a stored pair, by class and bucket
 *
 * temp= only if calibrated.  A label has its bytes up to space, DEL and %
 * written as %XX.  The counts are kept, not the weights, so that the file
 * changes as the data do: COUNT is the feature's sum over the class's
 * texts, each text of unit length, to four digits; alpha is in the same
 * units.  Changing the features moves the buckets, so it takes a new
 * version number.
 */

/* The shortest decimal that reads back as the same double or float. */
void
cx_num_put(struct cx_buf *out, double d, int isfloat)
{
	char s[40];
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, d);
		if (isfloat ? strtof(s, NULL) == (float)d :
		    strtod(s, NULL) == d)
			break;
	}
	cx_buf_adds(out, s);
}

void
cx_label_put(struct cx_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f || *p == '%') {
			cx_buf_addc(out, '%');
			cx_buf_addc(out, hex[*p >> 4]);
			cx_buf_addc(out, hex[*p & 15]);
		} else
			cx_buf_addc(out, *p);
	}
}

int
cx_nb_save(const struct cx_nb *nb, struct cx_buf *out)
{
	uint32_t *start, *at, *bk, b, i;
	size_t c, total;

	if (!nb->done)
		return -1;
	cx_buf_printf(out, "cx-nb 1 buckets=%lu alpha=",
	    (unsigned long)nb->buckets);
	cx_num_put(out, nb->alpha, 0);
	if (nb->temp != 1) {
		cx_buf_adds(out, " temp=");
		cx_num_put(out, nb->temp, 0);
	}
	cx_buf_addc(out, '\n');
	for (c = 0; c < nb->nc; c++) {
		cx_buf_adds(out, "class ");
		cx_label_put(out, nb->c[c].label);
		cx_buf_printf(out, " %lu\n", nb->c[c].docs);
	}
	/* The pairs are stored by bucket; written by class, then bucket. */
	total = nb->off[nb->buckets];
	start = cx_alloc((nb->nc + 1) * sizeof(*start));
	at = cx_alloc((total + 1) * sizeof(*at));
	bk = cx_alloc((total + 1) * sizeof(*bk));
	for (i = 0; i < total; i++)
		start[nb->e[i].cls + 1]++;
	for (c = 0; c < nb->nc; c++)
		start[c + 1] += start[c];
	for (b = 0; b < nb->buckets; b++)
		for (i = nb->off[b]; i < nb->off[b + 1]; i++) {
			bk[start[nb->e[i].cls]] = b;
			at[start[nb->e[i].cls]++] = i;
		}
	for (i = 0; i < total; i++) {
		cx_buf_ulong(out, nb->e[at[i]].cls);
		cx_buf_addc(out, ' ');
		cx_buf_ulong(out, bk[i]);
		cx_buf_addc(out, ' ');
		cx_num_put(out, nb->e[at[i]].n, 1);
		cx_buf_addc(out, '\n');
	}
	free(bk);
	free(start);
	free(at);
	return 0;
}

struct load {
	struct cx_nb	*nb;
	int		 header;	/* the header line was read */
	int		 settings;	/* of those required, seen */
	int		 pairs;		/* a pair was read: no more classes */
	struct cx_buf	 tmp;
};

int
cx_num_uint(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (x > (max - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 0;
}

/* A finite number above 0; strtod wants a string, so tmp holds one. */
int
cx_num_positive(const char *s, size_t n, struct cx_buf *tmp, double *v)
{
	char *e;

	tmp->len = 0;
	cx_buf_add(tmp, s, n);
	*v = strtod(cx_buf_str(tmp), &e);
	return *e != '\0' || !(*v > 0) || !isfinite(*v) ? -1 : 0;
}

/*
 * The float of at most 6 significant digits times 10^e, -11 <= e <= 10,
 * as strtof reads it, without strtof (most of loading a model): m / 10^-e
 * or m * 10^e in double is one correct rounding, and no such number lies
 * near enough the middle of two floats for rounding it again to a float
 * to differ from rounding it once.  (m < 2^20; a float's middle has 25
 * bits; their distance, relative, is at least 2^-20 or 1/(2^25 5^-e) for
 * e < 0, and 1/(2^20 5^e) for e > 0: above 2^-51, where the double is
 * within 2^-53.)  -1 for anything else, which strtof reads.
 */
static int
float_fast(const char *s, size_t n, float *x)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9, 1e10, 1e11 };
	const char *p = s, *end = s + n;
	uint32_t m = 0;
	int digits = 0, e = 0, ev = 0, eneg = 0, neg = 0, seen = 0, frac = 0;
	double d;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	for (; p < end && (isdigit((unsigned char)*p) || (*p == '.' &&
	    !frac)); p++) {
		if (*p == '.') {
			frac = 1;
			continue;
		}
		seen = 1;
		if (m == 0 && *p == '0') {	/* not significant */
			e -= frac;
			continue;
		}
		if (++digits > 6)
			return -1;
		m = m * 10 + (uint32_t)(*p - '0');
		e -= frac;
	}
	if (!seen)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		if (p == end)
			return -1;
		for (; p < end && isdigit((unsigned char)*p); p++)
			if ((ev = ev * 10 + (*p - '0')) > 99)
				return -1;
	}
	if (p != end)
		return -1;
	e += eneg ? -ev : ev;
	if (m == 0)
		d = 0;
	else if (e >= -11 && e < 0)
		d = (double)m / p10[-e];
	else if (e >= 0 && e <= 10)
		d = (double)m * p10[e];
	else
		return -1;
	*x = (float)(neg ? -d : d);
	return 0;
}

int
cx_num_float(const char *s, size_t n, struct cx_buf *tmp, float *x)
{
	char *e;

	if (float_fast(s, n, x) == 0)
		return 0;
	if (n == 0)			/* strtof would read it as 0 */
		return -1;
	tmp->len = 0;
	cx_buf_add(tmp, s, n);
	*x = strtof(cx_buf_str(tmp), &e);
	return *e != '\0' || !isfinite(*x) ? -1 : 0;
}

static int
hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
cx_label_get(const char *s, size_t n, struct cx_buf *out)
{
	size_t i;
	int hi, lo;

	out->len = 0;
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			cx_buf_addc(out, s[i]);
			continue;
		}
		if (i + 2 >= n)
			return -1;
		if ((hi = hexdigit((unsigned char)s[i + 1])) == -1 ||
		    (lo = hexdigit((unsigned char)s[i + 2])) == -1 ||
		    (hi == 0 && lo == 0))
			return -1;
		cx_buf_addc(out, hi << 4 | lo);
		i += 2;
	}
	cx_buf_str(out);
	return cx_utf8_valid(out->p, out->len) ? 0 : -1;
}

static int
load_header(struct load *ld, const char *l, const char *end,
    struct cx_err *err)
{
	const char *w;
	size_t n;
	uint64_t v;
	double a;

	if (!cx_word(&l, end, &w, &n) || n != 5 || memcmp(w, "cx-nb", 5) != 0) {
		cx_seterr(err, "not a cx-nb model");
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
			ld->nb->buckets = (uint32_t)v;
			ld->settings |= 1;
		} else if (n > 6 && memcmp(w, "alpha=", 6) == 0) {
			if (cx_num_positive(w + 6, n - 6, &ld->tmp, &a) == -1) {
				cx_seterr(err, "bad alpha %.*s", (int)(n - 6),
				    w + 6);
				return -1;
			}
			ld->nb->alpha = a;
			ld->settings |= 2;
		} else if (n > 5 && memcmp(w, "temp=", 5) == 0) {
			if (cx_num_positive(w + 5, n - 5, &ld->tmp, &a) == -1) {
				cx_seterr(err, "bad temperature %.*s",
				    (int)(n - 5), w + 5);
				return -1;
			}
			ld->nb->temp = a;
		} else {
			cx_seterr(err, "unknown setting %.*s", (int)n, w);
			return -1;
		}
	}
	if (ld->settings != 3) {
		cx_seterr(err, "%s missing", ld->settings & 1 ? "alpha" :
		    "buckets");
		return -1;
	}
	ld->header = 1;
	return 0;
}

static int
load_line(void *arg, const char *l, size_t len, unsigned long lineno,
    struct cx_err *err)
{
	struct load *ld = arg;
	struct cx_nb *nb = ld->nb;
	const char *end = l + len, *w[4];
	size_t n[4], nw, c;
	uint64_t v[3];
	double *cnt;
	float x;

	(void)lineno;
	if (!ld->header)
		return load_header(ld, l, end, err);
	for (nw = 0; nw < 4 && cx_word(&l, end, &w[nw], &n[nw]); nw++)
		;
	if (nw == 3 && n[0] == 5 && memcmp(w[0], "class", 5) == 0) {
		if (ld->pairs) {
			cx_seterr(err, "class after the weights");
			return -1;
		}
		if (cx_label_get(w[1], n[1], &ld->tmp) == -1) {
			cx_seterr(err, "bad label %.*s", (int)n[1], w[1]);
			return -1;
		}
		if (cx_num_uint(w[2], n[2], ULONG_MAX, &v[0]) == -1 || v[0] == 0) {
			cx_seterr(err, "bad document count %.*s", (int)n[2],
			    w[2]);
			return -1;
		}
		c = nb->nc;
		if (class_of(nb, ld->tmp.p) != c) {
			cx_seterr(err, "class %s twice", ld->tmp.p);
			return -1;
		}
		nb->c[c].docs = (unsigned long)v[0];
		nb->docs += (unsigned long)v[0];
		return 0;
	}
	if (nw != 3 || cx_num_uint(w[0], n[0], UINT32_MAX, &v[0]) == -1 ||
	    cx_num_uint(w[1], n[1], UINT32_MAX, &v[1]) == -1) {
		cx_seterr(err, "expected \"class LABEL DOCS\" or "
		    "\"CLASS BUCKET COUNT\"");
		return -1;
	}
	if (v[0] >= nb->nc) {
		cx_seterr(err, "no class %lu", (unsigned long)v[0]);
		return -1;
	}
	if (v[1] >= nb->buckets) {
		cx_seterr(err, "bucket %lu out of range", (unsigned long)v[1]);
		return -1;
	}
	/* A float, not a double: the count must be the float that was saved. */
	if (cx_num_float(w[2], n[2], &ld->tmp, &x) == -1 || !(x > 0)) {
		cx_seterr(err, "bad count %.*s", (int)n[2], w[2]);
		return -1;
	}
	cnt = count_at(nb, (uint32_t)v[0], (uint32_t)v[1]);
	if (*cnt != 0) {
		cx_seterr(err, "class %lu bucket %lu twice",
		    (unsigned long)v[0], (unsigned long)v[1]);
		return -1;
	}
	*cnt = x;
	ld->pairs = 1;
	return 0;
}

struct cx_nb *
cx_nb_load(const char *path, struct cx_err *err)
{
	struct load ld = { 0 };

	ld.nb = cx_nb_new();
	ld.nb->relalpha = 0;		/* the file's alpha is absolute */
	if (cx_conf_lines(path, load_line, &ld, err) == -1)
		goto fail;
	if (!ld.header) {
		cx_seterr(err, "%s: empty model", path);
		goto fail;
	}
	if (ld.nb->nc == 0) {
		cx_seterr(err, "%s: a model without classes", path);
		goto fail;
	}
	cx_buf_free(&ld.tmp);
	cx_nb_finish(ld.nb);
	return ld.nb;
fail:
	cx_buf_free(&ld.tmp);
	cx_nb_free(ld.nb);
	return NULL;
}

/* A model like the one given, trained on every fold but f. */
static struct cx_nb *
train_fold(const struct cx_nb *like, const char **labels, const char **texts,
    const size_t *lens, size_t n, const size_t *fold, size_t f)
{
	struct cx_nb *nb;
	size_t i;

	nb = cx_nb_new();
	nb->buckets = like->buckets;
	nb->relalpha = like->relalpha;
	nb->alpha = like->alpha;
	for (i = 0; i < n; i++)
		if (fold[i] != f && labels[i] != NULL && *labels[i] != '\0')
			cx_nb_add(nb, labels[i], texts[i], lens[i]);
	cx_nb_finish(nb);
	return nb;
}

int
cx_nb_crossval_opts(const struct cx_nb_opts *o, const char **labels,
    const char **texts, const size_t *lens, size_t n, int k, unsigned seed,
    struct cx_eval *out)
{
	struct cx_nb *like, *nb;
	size_t *fold, i, f;

	if ((fold = cx_folds(labels, n, k, seed)) == NULL)
		return -1;
	like = cx_nb_new_opts(o);
	for (f = 0; f < (size_t)k; f++) {
		nb = train_fold(like, labels, texts, lens, n, fold, f);
		for (i = 0; i < n; i++)
			if (fold[i] == f)
				cx_eval_add(out, labels[i], cx_nb_predict(nb,
				    texts[i], lens[i], NULL));
		cx_nb_free(nb);
	}
	cx_nb_free(like);
	free(fold);
	return 0;
}

int
cx_nb_crossval(const char **labels, const char **texts, const size_t *lens,
    size_t n, int k, unsigned seed, struct cx_eval *out)
{
	return cx_nb_crossval_opts(NULL, labels, texts, lens, n, k, seed, out);
}

int
cx_nb_calibrate(struct cx_nb *nb, const char **labels, const char **texts,
    const size_t *lens, size_t n, int k, unsigned seed)
{
	struct cx_held h = { 0 };
	struct cx_nb *m;
	double *score, scale;
	size_t *fold, i, f, best, used = 0, stride, nth = 0;
	uint32_t t;

	if ((fold = cx_folds(labels, n, k, seed)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		used += fold[i] < (size_t)k;
	stride = used > CX_CAL_MAX ? (used + CX_CAL_MAX - 1) / CX_CAL_MAX : 1;
	for (f = 0; f < (size_t)k; f++) {
		m = train_fold(nb, labels, texts, lens, n, fold, f);
		score = cx_alloc((m->nc + 1) * sizeof(*score));
		for (i = 0; i < n; i++) {
			if (fold[i] != f || nth++ % stride != 0 ||
			    !cx_keyset_get(&m->idx, cx_key_of(labels[i],
			    strlen(labels[i])), &t))
				continue;
			best = scores(m, texts[i], lens[i], score, &scale);
			cx_held_add(&h, score, m->nc, best, scale, t);
		}
		free(score);
		cx_nb_free(m);
	}
	free(fold);
	if (h.n > 0)
		nb->temp = cx_held_temp(&h);
	cx_held_free(&h);
	return 0;
}
