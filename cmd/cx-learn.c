/*
 * cx-learn: learn a classification model from a team's labelled history,
 * and measure how well a model, or the rules, would have done.
 *
 * The examples are tickets (JSON Lines, labelled by a field: by default
 * what an agent set by hand, else the subcategory or category) or a CSV
 * export with a label column.  -o writes a model for cx-classify -M; -k
 * cross-validates one, every fold predicted by a model that never saw it;
 * -E scores what cx-classify would decide (rules first, then -M's model)
 * against the labels.  The report is accuracy, per-class precision,
 * recall and F1, and the confusion matrix.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"

struct example {
	char	*label;
	char	*text;
	size_t	 len;
	char	*rec;			/* JSON, for scoring the rules */
	size_t	 reclen;
};

static struct {
	struct example	*ex;
	size_t		 n, cap;
	const char	*label;		/* field or column */
	const char	*textcols;	/* CSV columns joined as the text */
	int		 top;		/* compare categories, not codes */
	unsigned long	 unlabelled;	/* no label or no text: left out */
} G;

static void
usage(void)
{
	fprintf(stderr, "usage: cx-learn [-E] [-k folds] [-l label] "
	    "[-M model] [-o model] [-R rules]\n"
	    "                [-S seed] [-T taxonomy] [-x columns] "
	    "[file ...]\n");
	exit(CX_EXIT_ERR);
}

static void
add(const char *label, size_t ln, struct cx_buf *text, const char *rec,
    size_t reclen)
{
	struct example *e;

	const char *t = text->p;
	size_t tn = text->len;

	cx_trim(&label, &ln);
	cx_trim(&t, &tn);
	if (ln == 0 || tn == 0) {
		G.unlabelled++;		/* nothing to learn from */
		return;
	}
	if (G.n == G.cap) {
		G.cap = G.cap ? G.cap * 2 : 1024;
		G.ex = cx_realloc(G.ex, G.cap * sizeof(*G.ex));
	}
	e = &G.ex[G.n++];
	e->label = cx_strndup(label, ln);
	e->text = cx_strndup(text->p ? text->p : "", text->len);
	e->len = text->len;
	e->rec = cx_strndup(rec, reclen);
	e->reclen = reclen;
}

/* A ticket's label: -l's field, else a hand correction, else the rules'. */
static int
label_of(const struct cx_rec *r, struct cx_buf *b)
{
	static const char *order[] = { "manual.subcategory",
	    "manual.category", "subcategory", "category" };
	size_t i;

	if (G.label != NULL)
		return cx_rec_getstr(r, G.label, b);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (cx_rec_getstr(r, order[i], b) == 0 && b->len > 0)
			return 0;
	return -1;
}

static void
read_jsonl(struct cx_in *in)
{
	struct cx_rec r = { 0 };
	struct cx_buf label = { 0 }, text = { 0 }, s = { 0 };
	struct cx_err e;
	const char *l;
	size_t n;
	int rc;

	while ((rc = cx_in_line(in, &l, &n, &e)) == 1) {
		if (n == 0)
			continue;
		if (cx_rec_parse(&r, l, n, &e, NULL) == -1) {
			warnx("%s:%lu: %s", in->name, in->lineno, e.msg);
			continue;
		}
		text.len = 0;
		if (cx_rec_getstr(&r, "subject", &s) == 0)
			cx_buf_add(&text, s.p, s.len);
		cx_buf_addc(&text, '\n');
		if (cx_rec_getstr(&r, "text", &s) == 0)
			cx_buf_add(&text, s.p, s.len);
		if (label_of(&r, &label) == 0)
			add(label.p, label.len, &text, l, n);
		else
			G.unlabelled++;
	}
	if (rc == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_rec_free(&r);
	cx_buf_free(&label);
	cx_buf_free(&text);
	cx_buf_free(&s);
}

/* The index of a column by name, or -1. */
static int
column(const struct cx_csvrow *h, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		const char *f = h->data.p + h->off[i];
		size_t fn = h->flen[i];
		cx_trim(&f, &fn);
		if (cx_streqi(f, fn, name, n))
			return (int)i;
	}
	return -1;
}

static void
csv_columns(struct cx_csvrow *h, const char *file, int *lab, int **txt,
    int *ntxt)
{
	const char *p = G.textcols ? G.textcols : "text", *comma;
	size_t n;

	if ((*lab = column(h, G.label ? G.label : "label",
	    strlen(G.label ? G.label : "label"))) == -1)
		errx(CX_EXIT_ERR, "%s:%lu: no column \"%s\" for the label",
		    file, h->line, G.label ? G.label : "label");
	for (*ntxt = 0; *p != '\0'; p = comma + (*comma != '\0')) {
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		n = (size_t)(comma - p);
		*txt = cx_realloc(*txt, (size_t)(*ntxt + 1) * sizeof(**txt));
		if (((*txt)[(*ntxt)++] = column(h, p, n)) == -1)
			errx(CX_EXIT_ERR, "%s:%lu: no column \"%.*s\" for the "
			    "text", file, h->line, (int)n, p);
	}
}

static void
read_csv(struct cx_in *in)
{
	struct cx_buf text = { 0 }, rec = { 0 };
	struct cx_csvrow *row;
	struct cx_csv *csv;
	struct cx_err e;
	int lab = -1, *txt = NULL, ntxt = 0, i, rc, header = 1;

	csv = cx_csv_open(in, NULL, &e);
	while ((rc = cx_csv_next(csv, &row, &e)) == 1) {
		if (header) {
			if (row->err != NULL)
				errx(CX_EXIT_ERR, "%s:%lu: %s", in->name,
				    row->line, row->err);
			csv_columns(row, in->name, &lab, &txt, &ntxt);
			header = 0;
			continue;
		}
		if (row->err != NULL || row->n <= (size_t)lab) {
			warnx("%s:%lu: %s", in->name, row->line, row->err ?
			    row->err : "too few fields");
			continue;
		}
		text.len = 0;
		for (i = 0; i < ntxt; i++) {
			if (i > 0)
				cx_buf_addc(&text, '\n');
			if ((size_t)txt[i] < row->n)
				cx_buf_add(&text, row->data.p + row->off[txt[i]],
				    row->flen[txt[i]]);
		}
		if (!cx_utf8_valid(text.p ? text.p : "", text.len)) {
			warnx("%s:%lu: invalid UTF-8", in->name, row->line);
			continue;
		}
		rec.len = 0;
		cx_buf_adds(&rec, "{\"text\":");
		cx_json_addstr(&rec, text.p ? text.p : "", text.len);
		cx_buf_addc(&rec, '}');
		add(row->data.p + row->off[lab], row->flen[lab], &text, rec.p,
		    rec.len);
	}
	if (rc == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(txt);
	cx_buf_free(&text);
	cx_buf_free(&rec);
	cx_csv_close(csv);
}

static void
read_file(const char *path)
{
	struct cx_in in;
	struct cx_err e;

	if (cx_in_open(&in, path, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (cx_in_is_jsonl(&in, path))
		read_jsonl(&in);
	else
		read_csv(&in);
	cx_in_close(&in);
}

/* The code compared with a label: its category alone with -l category. */
static const char *
compared(const char *code, struct cx_buf *b)
{
	const char *dot;

	if (code == NULL || !G.top || (dot = strchr(code, '.')) == NULL)
		return code;
	b->len = 0;
	cx_buf_add(b, code, (size_t)(dot - code));
	return cx_buf_str(b);
}

/* The member the label is in: all of it, for a dotted path. */
static void
hide_label(struct cx_rec *r)
{
	const char *dot = strchr(G.label, '.');
	char *top;

	top = cx_strndup(G.label, dot ? (size_t)(dot - G.label) :
	    strlen(G.label));
	cx_rec_del(r, top);
	free(top);
}

/* -E: what cx-classify would decide, scored against the labels. */
static void
score(const char *taxfile, const char *rulefile, const struct cx_nb *model,
    struct cx_eval *ev)
{
	struct cx_taxonomy *tax;
	struct cx_rules *rules;
	struct cx_verdict v;
	struct cx_rec r = { 0 };
	struct cx_buf b = { 0 };
	static const char *hide[] = { "category", "subcategory", "priority",
	    "scope", "tags", "manual", "classified_by" };
	struct cx_err e;
	const char *code;
	char *path;
	size_t i, k;

	if ((path = taxfile ? cx_strndup(taxfile, strlen(taxfile)) :
	    cx_conf_path(NULL, "taxonomy")) == NULL ||
	    (tax = cx_taxonomy_load(path, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", path ? e.msg : "no taxonomy");
	free(path);
	if ((path = rulefile ? cx_strndup(rulefile, strlen(rulefile)) :
	    cx_conf_path(NULL, "rules")) == NULL ||
	    (rules = cx_rules_load(path, tax, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", path ? e.msg : "no rules");
	free(path);
	for (i = 0; i < G.n; i++) {
		code = NULL;
		if (cx_rec_parse(&r, G.ex[i].rec, G.ex[i].reclen, NULL,
		    NULL) == 0) {
			/* The rules must not see what they are scored on. */
			for (k = 0; k < sizeof(hide) / sizeof(hide[0]); k++)
				cx_rec_del(&r, hide[k]);
			if (G.label != NULL)
				hide_label(&r);
			cx_rules_apply(rules, &r, &v);
			code = v.category;
		}
		if (code == NULL && model != NULL)
			code = cx_nb_predict(model, G.ex[i].text, G.ex[i].len,
			    NULL);
		cx_eval_add(ev, G.ex[i].label, compared(code, &b));
	}
	cx_rec_free(&r);
	cx_buf_free(&b);
	cx_rules_free(rules);
	cx_taxonomy_free(tax);
}

/* The examples as the arrays the model's functions take. */
static void
arrays(const char ***labels, const char ***texts, size_t **lens)
{
	size_t i;

	*labels = cx_alloc(G.n * sizeof(**labels));
	*texts = cx_alloc(G.n * sizeof(**texts));
	*lens = cx_alloc(G.n * sizeof(**lens));
	for (i = 0; i < G.n; i++) {
		(*labels)[i] = G.ex[i].label;
		(*texts)[i] = G.ex[i].text;
		(*lens)[i] = G.ex[i].len;
	}
}

static void
save(const char *path, unsigned seed)
{
	struct cx_nb *nb = cx_nb_new();
	struct cx_buf b = { 0 }, tmp = { 0 };
	const char **labels, **texts;
	size_t *lens, i;
	FILE *fp;

	for (i = 0; i < G.n; i++)
		cx_nb_add(nb, G.ex[i].label, G.ex[i].text, G.ex[i].len);
	cx_nb_finish(nb);
	/* Confidences that mean what they say, where there is data enough. */
	arrays(&labels, &texts, &lens);
	if (G.n >= 10)
		(void)cx_nb_calibrate(nb, labels, texts, lens, G.n, 5, seed);
	cx_nb_save(nb, &b);
	/* Written whole and renamed, so a classifier never reads half. */
	cx_buf_printf(&tmp, "%s.%ld", path, (long)getpid());
	if ((fp = fopen(cx_buf_str(&tmp), "w")) == NULL ||
	    fwrite(b.p, 1, b.len, fp) != b.len || fclose(fp) == EOF ||
	    rename(tmp.p, path) == -1)
		err(CX_EXIT_ERR, "%s", path);
	fprintf(stderr, "cx-learn: %s: %zu classes from %zu examples\n", path,
	    cx_nb_nclass(nb), G.n);
	cx_nb_free(nb);
	free(labels);
	free(texts);
	free(lens);
	cx_buf_free(&b);
	cx_buf_free(&tmp);
}

static void
crossval(int k, unsigned seed, struct cx_eval *ev)
{
	const char **labels, **texts;
	size_t *lens;

	arrays(&labels, &texts, &lens);
	if (cx_nb_crossval(labels, texts, lens, G.n, k, seed, ev) == -1)
		errx(CX_EXIT_ERR, "-k %d: needs 2 to %zu folds", k, G.n);
	free(labels);
	free(texts);
	free(lens);
}

static long
number(const char *s, long lo, long hi, const char *what)
{
	size_t v;

	if (cx_number(s, (size_t)lo, (size_t)hi, &v) == -1)
		errx(CX_EXIT_ERR, "%s: \"%s\" is not a number from %ld to %ld",
		    what, s, lo, hi);
	return (long)v;
}

int
main(int argc, char *argv[])
{
	const char *out = NULL, *model = NULL, *taxfile = NULL;
	const char *rulefile = NULL;
	struct cx_eval ev = { 0 };
	struct cx_buf report = { 0 };
	struct cx_nb *nb = NULL;
	struct cx_err e;
	unsigned seed = 1;
	char opt[3];
	int ch, i, k = 0, eval = 0;

	opterr = 0;
	while ((ch = getopt(argc, argv, ":Ek:l:M:o:R:S:T:x:")) != -1) {
		switch (ch) {
		case 'E':
			eval = 1;
			break;
		case 'k':
			k = (int)number(optarg, 2, 100, "-k");
			break;
		case 'l':
			G.label = optarg;
			break;
		case 'M':
			model = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'R':
			rulefile = optarg;
			break;
		case 'S':
			seed = (unsigned)number(optarg, 0, 4294967295UL, "-S");
			break;
		case 'T':
			taxfile = optarg;
			break;
		case 'x':
			G.textcols = optarg;
			break;
		default:
			warnx(cx_optfmt(ch), cx_optname(argv[optind - 1],
			    optopt, opt));
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (!eval && k == 0 && out == NULL)
		usage();
	G.top = G.label != NULL && strcmp(G.label, "category") == 0;
	if (model != NULL && (nb = cx_nb_load(model, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (argc == 0)
		read_file("-");
	for (i = 0; i < argc; i++)
		read_file(argv[i]);
	if (G.n == 0)
		errx(CX_EXIT_ERR, "no labelled examples");
	if (out != NULL)
		save(out, seed);
	if (k > 0) {
		crossval(k, seed, &ev);
		cx_buf_printf(&report, "%d-fold cross-validation, %zu examples"
		    " (%lu without label or text left out)\n", k, G.n,
		    G.unlabelled);
	} else if (eval) {
		score(taxfile, rulefile, nb, &ev);
		cx_buf_printf(&report, "rules%s on %zu examples (%lu without "
		    "label or text left out)\n", nb ? " and model" : "", G.n,
		    G.unlabelled);
	}
	if (k > 0 || eval) {
		cx_eval_report(&ev, &report);
		if (cx_write_all(STDOUT_FILENO, report.p, report.len) == -1)
			err(CX_EXIT_ERR, "stdout");
	}
	for (size_t j = 0; j < G.n; j++) {
		free(G.ex[j].label);
		free(G.ex[j].text);
		free(G.ex[j].rec);
	}
	free(G.ex);
	cx_eval_free(&ev);
	cx_buf_free(&report);
	cx_nb_free(nb);
	return CX_EXIT_OK;
}
