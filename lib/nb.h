/*
 * nb.h: declarations of nb.c, to be merged into cx.h under its own
 * heading ("nb.c: a text classifier ...").  Kept apart only while cx.h
 * is being edited elsewhere.
 */
#ifndef CX_NB_H
#define CX_NB_H

#include "cx.h"

/* nb.c: a text classifier (naive Bayes), its evaluation and tuning. */
#define CX_NB_ALPHA	0.1		/* Lidstone smoothing */
#define CX_NB_BUCKETS	(1u << 20)	/* feature hash buckets */
struct cx_nb_opts {
	double		 alpha;		/* 0: CX_NB_ALPHA */
	uint32_t	 buckets;	/* 0: CX_NB_BUCKETS */
};
struct cx_nb;
struct cx_nb *cx_nb_new(void);
struct cx_nb *cx_nb_new_opts(const struct cx_nb_opts *);
/*
 * One training example: label and text are UTF-8, the label a
 * NUL-terminated string without newlines.  An empty label is no class: the
 * example is ignored.  Adding to a finished model reopens it.
 */
void	 cx_nb_add(struct cx_nb *, const char *label, const char *, size_t);
void	 cx_nb_finish(struct cx_nb *);
/*
 * The most likely label of a text (borrowed from the model) and, if
 * confidence is not NULL, its posterior probability; NULL if the model
 * has no classes or is not finished.
 */
const char *cx_nb_predict(const struct cx_nb *, const char *, size_t,
	    double *confidence);
size_t	 cx_nb_nclass(const struct cx_nb *);
const char *cx_nb_label(const struct cx_nb *, size_t);
/* The model as text (cx-nb(5)), appended; -1 if not finished. */
int	 cx_nb_save(const struct cx_nb *, struct cx_buf *);
/* A saved model, finished; NULL with "file:line: what" in the error. */
struct cx_nb *cx_nb_load(const char *path, struct cx_err *);
void	 cx_nb_free(struct cx_nb *);

/*
 * A confusion matrix over label strings.  Start from { 0 }; a NULL
 * prediction counts as the label "(none)".
 */
struct cx_eval {
	char		**label;	/* in order of first appearance */
	size_t		  n, cap;
	unsigned long	 *m;		/* m[truth * cap + predicted] */
	unsigned long	  total;
	struct cx_keyset  idx;		/* label to index */
};
void	 cx_eval_add(struct cx_eval *, const char *truth,
	    const char *predicted);
/* Accuracy, per-class precision, recall, F1, macro-F1, the matrix. */
void	 cx_eval_report(const struct cx_eval *, struct cx_buf *);
double	 cx_eval_accuracy(const struct cx_eval *);
double	 cx_eval_macro_f1(const struct cx_eval *);
void	 cx_eval_free(struct cx_eval *);
/*
 * k-fold cross-validation into out: folds drawn from seed, each predicted
 * by a model trained on the others; -1 unless 2 <= k <= n.  Examples with
 * an empty label are left out.
 */
int	 cx_nb_crossval(const char **labels, const char **texts,
	    const size_t *lens, size_t n, int k, unsigned seed,
	    struct cx_eval *out);
int	 cx_nb_crossval_opts(const struct cx_nb_opts *, const char **labels,
	    const char **texts, const size_t *lens, size_t n, int k,
	    unsigned seed, struct cx_eval *out);

#endif
