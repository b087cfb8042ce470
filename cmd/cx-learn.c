/*
 * cx-learn: learn a classification model from a team's labelled history,
 * and measure how well a model, or the rules, would have done.
 *
 * The examples are tickets (JSON Lines, labelled by a field: by default
 * what an agent set by hand, else the subcategory or category) or a CSV
 * export with a label column.  -o writes a model for cx-classify -M; -k
 * cross-validates one, every fold predicted by a model that never saw it;
 * -t tests what cx-classify would decide (rules first, then -M's model)
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
#include "tool.h"

enum { OPT_LEARNER = 300 };
enum { LEARN_BEST, LEARN_NB, LEARN_LINEAR };

struct example {
	char	*label;
	char	*text;
	size_t	 len;
	char	*rec;			/* JSON, for scoring the rules */
	size_t	 reclen;
};

static const struct tool_opt opts[] = {
	{ 'k', "folds", "folds", "cross-validate a model with this many folds" },
	{ 'l', "label", "label", "the label's field or column, not the "
	    "usual" },
	{ OPT_LEARNER, "learner", "learner", "nb, linear, or best: both "
	    "cross-validated, the better kept (best)" },
	{ 'M', "model", "model", "with -t, the model cx-classify -M would "
	    "use" },
	{ 'o', "output", "model", "learn a model and write it to this file" },
	{ 'R', "rules", "rules", "with -t, the rules file, not the shipped "
	    "one" },
	{ 'T', "taxonomy", "taxonomy", "with -t, the taxonomy file, not the "
	    "shipped one" },
	{ 't', "test", NULL, "test the rules (and -M's model) against the "
	    "labels" },
	{ TOOL_SEED, "seed", "seed", "the seed of the folds, and of the "
	    "calibration of -o (1)" },
	{ TOOL_TEXT, "text", "columns", "CSV: the columns of the text, "
	    "comma-separated (text)" },
	{ 0, NULL, NULL, NULL }
};

static struct {
	struct tool	 t;
	struct example	*ex;
	size_t		 n, cap;
	const char	*label;		/* field or column */
	const char	*textcols;	/* CSV columns joined as the text */
	int		 top;		/* compare categories, not codes */
	int		 learner;	/* LEARN_ */
	unsigned long	 unlabelled;	/* no label or no text: left out */
} G = {
	.t = {
		.name = "cx-learn",
		.synopsis = "cx-learn [-qt] [-k folds] [-l label] [-M model] "
		    "[-o model] [-R rules]\n"
		    "                [-T taxonomy] [--learner learner] "
		    "[--seed seed] [--text columns]\n"
		    "                [file ...]",
		.opts = opts,
	},
};

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
	G.ex = cx_reserve(G.ex, G.n, &G.cap, sizeof(*G.ex));
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
		if (in->cut) {
			cx_cut_why(&e, "a line");
			tool_bad(&G.t, in->name, in->lineno, e.msg, "left out");
			continue;
		}
		if (n == 0)
			continue;
		if (cx_rec_parse(&r, l, n, &e, NULL) == -1) {
			tool_bad(&G.t, in->name, in->lineno, e.msg, "left out");
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
	size_t ncol = 0;
	char why[96];

	csv = cx_csv_open(in, NULL, &e);
	while ((rc = cx_csv_next(csv, &row, &e)) == 1) {
		if (header) {
			if (row->err != NULL)
				errx(CX_EXIT_ERR, "%s:%lu: %s", in->name,
				    row->line, row->err);
			csv_columns(row, in->name, &lab, &txt, &ntxt);
			ncol = row->n;
			header = 0;
			continue;
		}
		/* A row of another shape is no example: its columns are not
		 * the header's. */
		if (row->err == NULL && row->n != ncol)
			snprintf(why, sizeof(why), "row has %zu fields, the "
			    "header has %zu", row->n, ncol);
		if (row->err != NULL || row->n != ncol) {
			tool_bad(&G.t, in->name, row->line, row->err ?
			    row->err : why, "left out");
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
			tool_bad(&G.t, in->name, row->line, "invalid UTF-8",
			    "left out");
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

/*
 * -t: what cx-classify would decide, tested against the labels: its rules
 * (with its taxonomy), then the model, whose label counts as it is even
 * where it is no code of the taxonomy, so that a model is tested on the
 * labels it was learnt from.
 */
static void
score(const char *taxfile, const char *rulefile, const char *modelfile,
    struct cx_eval *ev)
{
	static const char *hide[] = { "category", "subcategory", "priority",
	    "scope", "tags", "manual", "classified_by" };
	struct cx_classifier *cl;
	/* Static, so that what is loaded stays reachable when an error ends
	 * the run (see cx-classify.c). */
	static struct cx_taxonomy *tax;
	static struct cx_rules *rules;
	static struct cx_model *model;
	struct cx_rec r = { 0 };
	struct cx_buf b = { 0 }, code = { 0 };
	struct cx_err e;
	const char *got;
	char *path;
	size_t i, k;

	path = tool_conf(&G.t, taxfile, "taxonomy");
	if ((tax = cx_taxonomy_load(path, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(path);
	path = tool_conf(&G.t, rulefile, "rules");
	if ((rules = cx_rules_load(path, tax, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(path);
	if (modelfile != NULL && (model = cx_model_load(modelfile, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cl = cx_classifier_new(tax, rules, NULL);
	for (i = 0; i < G.n; i++) {
		code.len = 0;
		if (cx_rec_parse(&r, G.ex[i].rec, G.ex[i].reclen, NULL,
		    NULL) == 0) {
			/* The rules must not see what they are scored on. */
			for (k = 0; k < sizeof(hide) / sizeof(hide[0]); k++)
				cx_rec_del(&r, hide[k]);
			if (G.label != NULL)
				hide_label(&r);
			cx_classify(cl, &r);
			if (cx_rec_getstr(&r, "subcategory", &code) == -1)
				(void)cx_rec_getstr(&r, "category", &code);
		}
		got = code.len > 0 ? cx_buf_str(&code) : NULL;
		if (got == NULL && model != NULL)
			got = cx_model_predict(model, G.ex[i].text,
			    G.ex[i].len, NULL);
		cx_eval_add(ev, G.ex[i].label, compared(got, &b));
	}
	cx_rec_free(&r);
	cx_buf_free(&b);
	cx_buf_free(&code);
	cx_classifier_free(cl);
	cx_model_free(model);
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

/* Labels cx-classify would never give: not codes of the taxonomy. */
static void
check_labels(const struct cx_model *m, const char *path, const char *taxfile)
{
	struct cx_taxonomy *tax;
	struct cx_buf list = { 0 };
	struct cx_err e;
	char *tpath;

	tpath = tool_conf(&G.t, taxfile, "taxonomy");
	if ((tax = cx_taxonomy_load(tpath, &e)) == NULL) {
		free(tpath);
		errx(CX_EXIT_ERR, "%s", e.msg);
	}
	if (cx_model_foreign(m, tax, &list) > 0)
		warnx("warning: %s: labels that are no code of the taxonomy, "
		    "which cx-classify -M never gives: %s", path,
		    cx_buf_str(&list));
	cx_taxonomy_free(tax);
	cx_buf_free(&list);
	free(tpath);
}

/*
 * Cross-validation of the learners asked for, into ev[0] (naive Bayes)
 * and ev[1] (linear); the better, by accuracy (naive Bayes on a tie, the
 * smaller model).
 */
static int
crossval(int k, unsigned seed, struct cx_eval **ev)
{
	const char **labels, **texts;
	size_t *lens;
	int rc = 0;

	arrays(&labels, &texts, &lens);
	if (G.learner != LEARN_LINEAR)
		rc = cx_nb_crossval(labels, texts, lens, G.n, k, seed, ev[0]);
	if (rc == 0 && G.learner != LEARN_NB)
		rc = cx_lin_crossval(labels, texts, lens, G.n, k, seed, CX_LIN_COST,
		    ev[1]);
	if (rc == -1)
		errx(CX_EXIT_ERR, "-k %d: needs 2 to %zu folds", k, G.n);
	free(labels);
	free(texts);
	free(lens);
	if (G.learner != LEARN_BEST)
		return G.learner == LEARN_LINEAR;
	return cx_eval_accuracy(ev[1]) > cx_eval_accuracy(ev[0]);
}

/* The model of the learner chosen, learnt from every example. */
static void
save(const char *path, int lin, unsigned seed, const char *taxfile,
    struct cx_buf *said)
{
	struct cx_model *m;
	struct cx_buf b = { 0 }, tmp = { 0 };
	const char **labels, **texts;
	size_t *lens;
	FILE *fp;

	arrays(&labels, &texts, &lens);
	m = cx_model_train(lin, labels, texts, lens, G.n, seed);
	check_labels(m, path, taxfile);
	cx_model_save(m, &b);
	/* Written whole and renamed, so a classifier never reads half. */
	cx_buf_printf(&tmp, "%s.%ld", path, (long)getpid());
	if ((fp = fopen(cx_buf_str(&tmp), "w")) == NULL ||
	    fwrite(b.p, 1, b.len, fp) != b.len || fclose(fp) == EOF ||
	    rename(tmp.p, path) == -1) {
		warn("%s", path);
		(void)unlink(tmp.p);	/* no half model left beside it */
		exit(CX_EXIT_ERR);
	}
	cx_buf_printf(said, "; %s: %zu classes, %s", path, cx_model_nclass(m),
	    cx_model_kind(m));
	cx_model_free(m);
	free(labels);
	free(texts);
	free(lens);
	cx_buf_free(&b);
	cx_buf_free(&tmp);
}

static int
learner(const char *s)
{
	static const char *name[] = { "best", "nb", "linear" };
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, name[i]) == 0)
			return i;
	return -1;
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
	struct cx_eval *ev[2] = { cx_eval_new(), cx_eval_new() };
	struct cx_buf report = { 0 }, said = { 0 };
	unsigned seed = 1;
	int ch, i, k = 0, test = 0, status, lin = 0;
	size_t j;

	while ((ch = tool_getopt(&G.t, argc, argv)) != -1) {
		switch (ch) {
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
		case 'T':
			taxfile = optarg;
			break;
		case 't':
			test = 1;
			break;
		case TOOL_SEED:
			seed = (unsigned)number(optarg, 0, 4294967295UL,
			    "--seed");
			break;
		case TOOL_TEXT:
			G.textcols = optarg;
			break;
		case OPT_LEARNER:
			if ((G.learner = learner(optarg)) == -1)
				errx(CX_EXIT_ERR, "--learner: \"%s\" is none of "
				    "nb, linear and best", optarg);
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (!test && k == 0 && out == NULL) {
		warnx("nothing to do: give -k, -o or -t");
		tool_usage(&G.t);
	}
	if (test && k > 0)
		errx(CX_EXIT_ERR, "-k and -t: one report at a time");
	if (!test && (model != NULL || rulefile != NULL))
		errx(CX_EXIT_ERR, "-M and -R go with -t");
	if (!test && out == NULL && taxfile != NULL)
		errx(CX_EXIT_ERR, "-T goes with -t or -o");
	G.top = G.label != NULL && strcmp(G.label, "category") == 0;
	if (argc == 0)
		read_file("-");
	for (i = 0; i < argc; i++)
		read_file(argv[i]);
	if (G.n == 0)
		errx(CX_EXIT_ERR, "no labelled examples");
	if (test && G.learner != LEARN_BEST)
		errx(CX_EXIT_ERR, "--learner goes with -k or -o");
	/* -o of the better learner: cross-validated on the examples. */
	if (k > 0 || (out != NULL && G.learner == LEARN_BEST && G.n >= 10))
		lin = crossval(k > 0 ? k : 5, seed, ev);
	else
		lin = G.learner == LEARN_LINEAR;
	if (out != NULL) {
		save(out, lin, seed, taxfile, &said);
		if (G.learner == LEARN_BEST && G.n >= 10)
			cx_buf_printf(&said, " (%d-fold accuracy %.4f, %s %.4f)",
			    k > 0 ? k : 5, cx_eval_accuracy(ev[lin]),
			    lin ? "naive Bayes" : "linear",
			    cx_eval_accuracy(ev[!lin]));
	}
	if (k > 0) {
		cx_buf_printf(&report, "%d-fold cross-validation of the %s "
		    "model, %zu examples (%lu without label or text left out)"
		    "\n", k, lin ? "linear" : "naive Bayes", G.n, G.unlabelled);
		if (G.learner == LEARN_BEST)
			cx_buf_printf(&report, "better than %s, accuracy %.4f, "
			    "macro-F1 %.4f\n", lin ? "naive Bayes" : "linear",
			    cx_eval_accuracy(ev[!lin]),
			    cx_eval_macro_f1(ev[!lin]));
	} else if (test) {
		score(taxfile, rulefile, model, ev[0]);
		cx_buf_printf(&report, "rules%s on %zu examples (%lu without "
		    "label or text left out)\n", model ? " and model" : "",
		    G.n, G.unlabelled);
	}
	if (k > 0 || test) {
		cx_eval_report(ev[lin], &report);
		cx_buf_add(&G.t.out, report.p, report.len);
	}
	status = tool_exit(&G.t, "%zu examples, %lu without label or text, "
	    "%lu unreadable%s", G.n, G.unlabelled, G.t.nbad,
	    said.len > 0 ? cx_buf_str(&said) : "");
	for (j = 0; j < G.n; j++) {
		free(G.ex[j].label);
		free(G.ex[j].text);
		free(G.ex[j].rec);
	}
	free(G.ex);
	cx_eval_free(ev[0]);
	cx_eval_free(ev[1]);
	cx_buf_free(&report);
	cx_buf_free(&said);
	return status;
}
