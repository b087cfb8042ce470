/*
 * cx-classify: category, subcategory, priority and scope for each ticket.
 *
 * The rules an admin writes (cx-rules(5)) decide first, and the record
 * says which rule decided and which words it matched; a model learnt from
 * the team's own labelled history (cx-learn(1)) decides what no rule did,
 * and says with what confidence; at least model_overrides sure (0, never,
 * as shipped, cx-conf(5)) it also places a ticket a rule placed, unless
 * the ticket is urgent.  What an agent set by hand (-S) is kept
 * in "manual" and never changed by a later run.  The deciding is
 * lib/classify.c's; this is the tool around it.
 *
 * Filter mode reads records and writes them classified.  Spool mode
 * classifies the batches waiting in new/ and moves them to classified/ in
 * one commit, under the spool lock, so cx-ingest and cx-route can run at
 * the same time.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"
#include "tool.h"

#define MAXSET	8

static const struct tool_opt opts[] = {
	{ 'a', "agent", "agent", "who makes the corrections of -S" },
	{ 'E', "explain", NULL, "a line of words for each ticket: what "
	    "decided, and why" },
	{ 'i', "id", "id", "the ticket -S corrects or -E explains; may be "
	    "repeated" },
	{ 'M', "model", "model", "a model for what no rule places "
	    "(cx-learn -o)" },
	{ 'R', "rules", "rules", "the rules file, not the spool's or the "
	    "shipped one" },
	{ 'S', "set", "field=value", "set by hand: category, priority or "
	    "scope; needs -a" },
	{ 'T', "taxonomy", "taxonomy", "the taxonomy file, not the spool's or "
	    "the shipped one" },
	{ 0, NULL, NULL, NULL }
};

static struct {
	struct tool		 t;
	struct cx_classifier	*cl;
	struct cx_taxonomy	*tax;		/* the classifier's */
	const char		*agent;
	char			*set[MAXSET];	/* field=value, by hand */
	int			 nset;
	struct tool_ids		 ids;		/* -i */
	int			 explain;
	unsigned long		 nrec, nchanged, nexplained, nunplaced;
	struct cx_rec		 r;
	struct cx_buf		 tmp;
} G = {
	.t = {
		.name = "cx-classify",
		.synopsis = "cx-classify [-Eq] [-i id] [-M model] [-R rules] "
		    "[-s spool] [-T taxonomy]\n"
		    "                   [-z zone] [--now time] [file ...]\n"
		    "       cx-classify -a agent -S field=value [-q] [-i id] "
		    "[-s spool] [file ...]",
		.opts = opts,
		.flags = TOOL_SPOOL | TOOL_CLOCK,
	},
};

/* Whether -i names the record (or there is no -i). */
static int
wanted(const struct cx_rec *r, struct cx_buf *tmp)
{
	return tool_ids_want(&G.ids, cx_rec_getstr(r, "id", tmp) == 0 ?
	    tmp->p : NULL);
}

static int
has_text(const struct cx_rec *r)
{
	const struct cx_field *f;

	return ((f = cx_rec_get(r, "text")) != NULL &&
	    cx_json_type(f->v, f->vlen) == CX_J_STR && f->vlen > 2) ||
	    ((f = cx_rec_get(r, "subject")) != NULL &&
	    cx_json_type(f->v, f->vlen) == CX_J_STR && f->vlen > 2);
}

/*
 * One line: classified (and corrected by hand, with -S) into out, or
 * explained.  A line that is no record, or has no text, goes through as
 * it was; a ticket -i does not name goes through untouched.
 */
static void
process(void *arg, const char *file, unsigned long lineno,
    const char *line, size_t n, struct cx_buf *out)
{
	struct cx_rec *r = arg;
	struct cx_err e;
	size_t start;
	int want;

	if (cx_rec_parse(r, line, n, &e, NULL) == -1) {
		tool_bad(&G.t, file, lineno, e.msg, G.explain ? "left out" :
		    "passed through unclassified");
		if (!G.explain) {
			cx_buf_add(out, line, n);
			cx_buf_addc(out, '\n');
		}
		return;
	}
	want = wanted(r, &G.tmp);
	if (!want) {
		if (!G.explain)
			cx_rec_write(r, out);
		return;
	}
	G.nrec++;
	if (!has_text(r)) {
		tool_bad(&G.t, file, lineno, "no subject and no text",
		    G.explain ? "left out" : "passed through unclassified");
		if (!G.explain)
			cx_rec_write(r, out);
		return;
	}
	if (G.nset > 0)
		(void)cx_correct(r, G.set, G.nset, G.agent, G.t.nowtext);
	if (!cx_classify(G.cl, r))
		G.nunplaced++;
	if (G.explain) {
		cx_classified_explain(r, out);
		G.nexplained++;
		return;
	}
	start = out->len;
	cx_rec_write(r, out);
	if (out->len - start != n + 1 || memcmp(out->p + start, line, n) != 0)
		G.nchanged++;
}

/*
 * One file of the spool, its tickets classified: moved from new/ to
 * classified/ (to NULL: left where it is, and rewritten if it changed).
 * A batch's tickets are read with the follow-ups journaled for them
 * (names: the listing of its directory), and written with them.
 */
static void
spool_file(struct cx_spool *sp, const char *dir, const char *name,
    const char *to, char *const *names)
{
	struct cx_buf in = { 0 }, out = { 0 }, label = { 0 };
	struct cx_joins *js = NULL;
	struct cx_err e;
	const char *p, *end, *l;
	unsigned long lineno = 0;
	size_t n;

	if ((names != NULL && (js = cx_joins_load(sp, dir, name, names,
	    &e)) == NULL) || cx_joins_read(sp, dir, name, js, &in, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (cx_joins_check(js, sp, name, &e) == -1) {
		warnx("%s; batch left in %s/", e.msg, dir);
		G.t.nbad++;
		goto out;
	}
	cx_buf_printf(&label, "%s/%s/%s", cx_spool_path(sp), dir, name);
	for (p = in.p, end = p + in.len; cx_line(&p, end, &l, &n);)
		if (++lineno, n > 0)
			process(&G.r, cx_buf_str(&label), lineno, l, n, &out);
	if (G.explain) {
		cx_buf_add(&G.t.out, out.p, out.len);
		tool_flush(&G.t);
	} else if (to != NULL) {
		if (cx_spool_stage(sp, to, name, out.p, out.len, &e) == -1 ||
		    cx_spool_remove(sp, dir, name, &e) == -1 ||
		    cx_joins_remove(js, sp, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	} else if (out.len != in.len || memcmp(out.p, in.p, in.len) != 0) {
		if (cx_spool_stage(sp, dir, name, out.p, out.len, &e) == -1 ||
		    cx_joins_remove(js, sp, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	}
out:
	cx_joins_free(js);
	cx_buf_free(&in);
	cx_buf_free(&out);
	cx_buf_free(&label);
}

static void
spool_dir(struct cx_spool *sp, const char *dir, const char *to)
{
	struct cx_err e;
	char **names;
	size_t i;

	if ((names = cx_spool_list(sp, dir, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; names[i] != NULL; i++)
		if (!cx_joins_file(names[i], NULL))	/* with its batch */
			spool_file(sp, dir, names[i], to, names);
	cx_spool_list_free(names);
}

/* A correction of tickets in open/ keeps the spool's index of them. */
static void
index_open(struct cx_spool *sp)
{
	struct cx_buf text = { 0 };
	struct cx_rec r = { 0 };
	struct cx_index *x;
	struct cx_err e;
	size_t i;

	if ((x = cx_index_open(sp, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; i < G.ids.n; i++)
		if (G.ids.found[i] && cx_spool_staged(sp, "open", G.ids.id[i],
		    &text)) {
			while (text.len > 0 && text.p[text.len - 1] == '\n')
				text.len--;
			if (cx_rec_parse(&r, text.p, text.len, NULL, NULL) == 0)
				cx_index_set(x, G.ids.id[i], &r);
		}
	if (cx_index_stage(x, sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_index_free(x);
	cx_rec_free(&r);
	cx_buf_free(&text);
}

/*
 * The batches waiting in new/ are classified and move to classified/, in
 * one commit.  The tickets of -i (for -S or -E) are looked for where they
 * are, in a batch of new/ or classified/ or in open/, and nothing moves.
 */
static void
spool(void)
{
	struct cx_spool *sp;
	struct cx_err e;
	size_t i;

	if (cx_spool_begin(&sp, G.t.spool, G.explain ? CX_SPOOL_READ : 0,
	    &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (G.ids.n > 0) {
		spool_dir(sp, "new", NULL);
		spool_dir(sp, "classified", NULL);
		for (i = 0; i < G.ids.n; i++)
			switch (cx_spool_has(sp, "open", G.ids.id[i], &e)) {
			case -1:
				errx(CX_EXIT_ERR, "%s", e.msg);
			case 1:
				spool_file(sp, "open", G.ids.id[i], NULL, NULL);
			}
		if (!G.explain && cx_spool_pending(sp) > 0)
			index_open(sp);
	} else
		spool_dir(sp, "new", G.explain ? NULL : "classified");
	if (cx_spool_commit(sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_spool_end(sp);
}

/*
 * A model can only give codes of the taxonomy: one whose labels are none
 * (a sentiment set's 0 and 1, say) would place nothing, without a word.
 */
static void
check_model(const struct cx_model *model, const char *file)
{
	struct cx_buf list = { 0 };
	size_t n;

	if ((n = cx_model_foreign(model, G.tax, &list)) == cx_model_nclass(model))
		errx(CX_EXIT_ERR, "%s: none of its labels is a code of the "
		    "taxonomy (%s): it can place nothing", file,
		    cx_buf_str(&list));
	if (n > 0)
		warnx("warning: %s: labels that are no code of the taxonomy "
		    "are never given: %s", file, cx_buf_str(&list));
	cx_buf_free(&list);
}

static void
setup(const char *taxfile, const char *rulefile, const char *modelfile)
{
	/* Static, so that what is loaded stays reachable when an error ends
	 * the run: the leak checker then has nothing to say. */
	static struct cx_rules *rules;
	static struct cx_model *model;
	struct cx_err e;
	char *path, *prio = NULL;
	size_t pct;
	int i, shipped;

	tool_clock(&G.t);
	path = tool_conf(&G.t, taxfile, "taxonomy");
	if ((G.tax = cx_taxonomy_load(path, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_buf_printf(&G.tmp, "%s/taxonomy", cx_share_dir());
	shipped = strcmp(path, cx_buf_str(&G.tmp)) == 0;
	G.tmp.len = 0;
	free(path);
	path = tool_conf(&G.t, rulefile, "rules");
	if ((rules = cx_rules_load(path, G.tax, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(path);
	/*
	 * -M, else the spool's etc/model, else the shipped model, which
	 * knows the shipped taxonomy's codes only and so goes with it alone;
	 * -M none for no model.
	 */
	if (modelfile != NULL)
		path = strcmp(modelfile, "none") == 0 ? NULL :
		    cx_strndup(modelfile, strlen(modelfile));
	else if (cx_conf_path(G.t.spool, "model", &path, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	else if (path != NULL && !shipped) {
		cx_buf_printf(&G.tmp, "%s/model", cx_share_dir());
		if (strcmp(path, cx_buf_str(&G.tmp)) == 0) {
			free(path);
			path = NULL;
		}
		G.tmp.len = 0;
	}
	if (path != NULL && (model = cx_model_load(path, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (model != NULL)
		check_model(model, path);
	free(path);
	G.cl = cx_classifier_new(G.tax, rules, model);
	if (cx_setting_number(G.t.spool, "model_threshold", 60, 0, 100, &pct,
	    &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_classifier_threshold(G.cl, (double)pct / 100);
	if (cx_setting_number(G.t.spool, "model_overrides", 0, 0, 100, &pct,
	    &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_classifier_overrides(G.cl, (double)pct / 100);
	if (cx_setting(G.t.spool, "default_priority", &prio, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (prio != NULL && cx_classifier_default(G.cl, prio) == -1)
		errx(CX_EXIT_ERR, "cx.conf: default_priority: \"%s\" is not "
		    "urgent, normal or low", prio);
	free(prio);
	for (i = 0; i < G.nset; i++)
		if (cx_correction_check(G.tax, G.set[i], &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
}

int
main(int argc, char *argv[])
{
	const char *taxfile = NULL, *rulefile = NULL, *model = NULL;
	int ch, status;

	while ((ch = tool_getopt(&G.t, argc, argv)) != -1) {
		switch (ch) {
		case 'a':
			G.agent = optarg;
			break;
		case 'E':
			G.explain = 1;
			break;
		case 'i':
			tool_ids_add(&G.ids, optarg);
			break;
		case 'M':
			model = optarg;
			break;
		case 'R':
			rulefile = optarg;
			break;
		case 'S':
			if (G.nset == MAXSET)
				errx(CX_EXIT_ERR, "-S: at most %d", MAXSET);
			G.set[G.nset++] = optarg;
			break;
		case 'T':
			taxfile = optarg;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	tool_operands(&G.t, argc);
	if (G.nset > 0 && (G.agent == NULL || *G.agent == '\0'))
		errx(CX_EXIT_ERR, "-S needs -a: who corrects it");
	if (G.nset > 0 && G.t.spool != NULL && G.ids.n == 0)
		errx(CX_EXIT_ERR, "-S in a spool needs the tickets: -i ID");
	if (G.ids.n > 0 && G.nset == 0 && !G.explain)
		errx(CX_EXIT_ERR, "-i goes with -S or -E");
	setup(taxfile, rulefile, model);
	if (G.t.spool != NULL)
		spool();
	else
		tool_filter(&G.t, argc, argv, process, &G.r);
	tool_ids_check(&G.t, &G.ids);
	if (G.explain)
		status = tool_exit(&G.t, "%lu tickets explained, %lu left out",
		    G.nexplained, G.t.nbad);
	else
		status = tool_exit(&G.t, "%lu tickets, %lu changed, %lu "
		    "not placed, %lu passed through unclassified",
		    G.nrec, G.nchanged, G.nunplaced, G.t.nbad);
	cx_rec_free(&G.r);
	cx_classifier_free(G.cl);
	tool_ids_free(&G.ids);
	cx_buf_free(&G.tmp);
	return status;
}
