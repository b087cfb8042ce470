/*
 * model.c: a model of either kind, naive Bayes (nb.c) or linear
 * (linear.c), known by its file's first word (cx-nb(5)).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

struct cx_model {
	struct cx_nb	*nb;
	struct cx_lin	*lin;
};

struct cx_model *
cx_model_load(const char *path, struct cx_err *err)
{
	struct cx_model *m;
	char head[10];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cx_seterr(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	n = read(fd, head, sizeof(head));
	if (n == -1) {
		cx_seterr(err, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	close(fd);
	m = cx_alloc(sizeof(*m));
	if (n == (ssize_t)sizeof(head) && memcmp(head, "cx-linear ", 10) == 0)
		m->lin = cx_lin_load(path, err);
	else
		m->nb = cx_nb_load(path, err);
	if (m->nb == NULL && m->lin == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

struct cx_model *
cx_model_of(struct cx_nb *nb, struct cx_lin *lin)
{
	struct cx_model *m = cx_alloc(sizeof(*m));

	m->nb = nb;
	m->lin = lin;
	return m;
}

const char *
cx_model_predict(const struct cx_model *m, const char *text, size_t n,
    double *confidence)
{
	return m->lin != NULL ? cx_lin_predict(m->lin, text, n, confidence) :
	    cx_nb_predict(m->nb, text, n, confidence);
}

size_t
cx_model_probs(const struct cx_model *m, const char *text, size_t n,
    double *p)
{
	return m->lin != NULL ? cx_lin_probs(m->lin, text, n, p) :
	    cx_nb_probs(m->nb, text, n, p);
}

size_t
cx_model_nclass(const struct cx_model *m)
{
	return m->lin != NULL ? cx_lin_nclass(m->lin) : cx_nb_nclass(m->nb);
}

const char *
cx_model_label(const struct cx_model *m, size_t i)
{
	return m->lin != NULL ? cx_lin_label(m->lin, i) : cx_nb_label(m->nb,
	    i);
}

const char *
cx_model_kind(const struct cx_model *m)
{
	return m->lin != NULL ? "linear" : "naive Bayes";
}

void
cx_model_free(struct cx_model *m)
{
	if (m == NULL)
		return;
	cx_nb_free(m->nb);
	cx_lin_free(m->lin);
	free(m);
}

struct cx_model *
cx_model_train(int linear, const char **labels, const char **texts,
    const size_t *lens, size_t n, unsigned seed)
{
	struct cx_nb *nb = NULL;
	struct cx_lin *lin = NULL;
	size_t i;

	if (linear)
		lin = cx_lin_train(labels, texts, lens, n, CX_LIN_COST, seed,
		    NULL, 0);
	else {
		nb = cx_nb_new();
		for (i = 0; i < n; i++)
			cx_nb_add(nb, labels[i], texts[i], lens[i]);
		cx_nb_finish(nb);
	}
	/* Confidences that mean what they say, where there is data enough. */
	if (n >= 10 && linear)
		(void)cx_lin_calibrate(lin, labels, texts, lens, n, 5, seed);
	else if (n >= 10)
		(void)cx_nb_calibrate(nb, labels, texts, lens, n, 5, seed);
	return cx_model_of(nb, lin);
}

int
cx_model_save(const struct cx_model *m, struct cx_buf *out)
{
	return m->lin != NULL ? cx_lin_save(m->lin, out) : cx_nb_save(m->nb,
	    out);
}
