/*
 * cx-classify: category, subcategory, priority and scope for each ticket.
 *
 * The rules an admin writes (cx-rules(5)) decide first, and the record
 * says which rule decided and which words it matched; a model learnt from
 * the team's own labelled history (cx-learn(1)) decides what no rule did,
 * and says with what confidence.  What an agent set by hand (-S) is kept
 * in "manual" and never changed by a later run.
 *
 * Filter mode reads records and writes them classified.  Spool mode
 * classifies the batches waiting in new/, each rewritten atomically under
 * the spool lock, so cx-ingest and cx-route can run at the same time.
 */
#include <sys/stat.h>

#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"


#define MAXSET	8

static struct {
	struct cx_taxonomy	*tax;
	struct cx_rules		*rules;
	struct cx_nb		*model;
	const char		*spool;
	const char		*agent;
	char			*set[MAXSET];	/* field=value, by hand */
	int			 nset;
	char			**ids;		/* tickets -S applies to */
	int			 nids;
	int			 explain;
	int			 quiet;
	char			 nowtext[CX_NOWTEXT];
	struct cx_buf		 out;
	unsigned long		 nrec, nbad, nchanged, nset_done;
} G;

static void
usage(void)
{
	fprintf(stderr, "usage: cx-classify [-q] [-M model] [-R rules] "
	    "[-s spool] [-T taxonomy] [--explain]\n"
	    "                   [--now time] [file ...]\n"
	    "       cx-classify -a agent -S field=value ... [-s spool] "
	    "[-i id ...] [file ...]\n");
	exit(CX_EXIT_ERR);
}

/* Set a member to a JSON string. */
static void
set_str(struct cx_rec *r, const char *key, const char *s)
{
	cx_rec_set_str(r, key, s, strlen(s));
}

/* The category part of a code: "logistics" of "logistics.late". */
static void
category_of(const char *code, struct cx_buf *b)
{
	const char *dot = strchr(code, '.');

	b->len = 0;
	cx_buf_add(b, code, dot ? (size_t)(dot - code) : strlen(code));
	cx_buf_str(b);
}

/* The string at a member of the record's "manual", or NULL. */
static char *
manual(const struct cx_rec *r, const char *key)
{
	struct cx_buf b = { 0 };
	const struct cx_field *f;

	if ((f = cx_rec_get(r, "manual")) == NULL ||
	    cx_json_getstr(f->v, f->vlen, key, &b) == -1) {
		cx_buf_free(&b);
		return NULL;
	}
	return (char *)cx_buf_str(&b);
}

static void
by_rule(struct cx_buf *b, const char *what, int rule, int words)
{
	cx_json_addkey(b, 0, what);
	cx_buf_adds(b, "{\"by\":\"rules\",\"rule\":");
	cx_json_addstr(b, cx_rules_name(G.rules, rule),
	    strlen(cx_rules_name(G.rules, rule)));
	if (words) {
		cx_buf_adds(b, ",\"words\":");
		cx_rules_words(G.rules, rule, b);
	}
	cx_buf_addc(b, '}');
}

static void
by_what(struct cx_buf *b, const char *what, const char *by)
{
	cx_json_addkey(b, 0, what);
	cx_buf_printf(b, "{\"by\":\"%s\"}", by);
}

/* The model, for a text no rule placed; 0 and a category if it knows. */
static int
predict(const struct cx_rec *r, const char **code, double *conf)
{
	struct cx_buf t = { 0 }, s = { 0 };
	int rc = -1;

	if (G.model == NULL)
		return -1;
	if (cx_rec_getstr(r, "subject", &s) == 0)
		cx_buf_add(&t, s.p, s.len);
	cx_buf_addc(&t, '\n');
	if (cx_rec_getstr(r, "text", &s) == 0)
		cx_buf_add(&t, s.p, s.len);
	*code = cx_nb_predict(G.model, t.p, t.len, conf);
	if (*code != NULL && cx_taxonomy_get(G.tax, *code) != NULL)
		rc = 0;
	cx_buf_free(&t);
	cx_buf_free(&s);
	return rc;
}

/* Classify one record in place; how each field was decided goes in cb. */
static void
classify(struct cx_rec *r)
{
	struct cx_verdict v;
	struct cx_buf cb = { 0 }, cat = { 0 }, tags = { 0 };
	char *mcat, *mpri, *mscope;
	const struct cx_taxon *t;
	const char *code = NULL;
	double conf = 0;
	int bymodel = 0;

	cx_rules_apply(G.rules, r, &v);
	mcat = manual(r, "subcategory");
	if (mcat == NULL)
		mcat = manual(r, "category");
	mpri = manual(r, "priority");
	mscope = manual(r, "scope");
	if (v.category == NULL && mcat == NULL && predict(r, &code, &conf)
	    == 0) {
		v.category = code;
		bymodel = 1;
	}
	/* No rule set the priority: the default of the category decided
	 * (by the model, or by hand), raised by the scope. */
	if (v.prule < 0 && (mcat != NULL || bymodel)) {
		t = cx_taxonomy_get(G.tax, mcat ? mcat : v.category);
		v.base = t ? t->priority : NULL;
	}
	v.priority = cx_priority_scoped(v.base, mscope ? mscope : v.scope);
	if (mcat != NULL)
		by_what(&cb, "category", "agent");
	else if (bymodel) {
		cx_json_addkey(&cb, 0, "category");
		cx_buf_printf(&cb, "{\"by\":\"model\",\"confidence\":%.3f}",
		    conf);
	} else if (v.crule >= 0)
		by_rule(&cb, "category", v.crule, 1);
	else
		by_what(&cb, "category", "none");
	if (mcat == NULL && v.category != NULL) {
		category_of(v.category, &cat);
		set_str(r, "category", cat.p);
		if (strchr(v.category, '.') != NULL)
			set_str(r, "subcategory", v.category);
		else
			cx_rec_del(r, "subcategory");
	} else if (mcat == NULL) {
		cx_rec_del(r, "category");
		cx_rec_del(r, "subcategory");
	}
	if (mpri != NULL)
		by_what(&cb, "priority", "agent");
	else if (v.priority != NULL && v.base != v.priority)
		by_what(&cb, "priority", mscope ? mscope : v.scope); /* raised */
	else if (v.prule >= 0)
		by_rule(&cb, "priority", v.prule, 1);
	else if (v.priority != NULL)
		by_what(&cb, "priority", bymodel ? "model" : "taxonomy");
	else
		by_what(&cb, "priority", "none");
	if (mpri == NULL && v.priority != NULL)
		set_str(r, "priority", v.priority);
	else if (mpri == NULL)
		cx_rec_del(r, "priority");	/* nothing decided it now */
	if (mscope != NULL)
		by_what(&cb, "scope", "agent");
	else if (v.srule >= 0)
		by_rule(&cb, "scope", v.srule, 1);
	else
		by_what(&cb, "scope", "default");
	if (mscope == NULL)
		set_str(r, "scope", v.scope);
	cx_verdict_tags(r, &v, &tags, &cb);
	cb.p[0] = '{';
	cx_buf_addc(&cb, '}');
	cx_rec_set_raw(r, "classified_by", cb.p, cb.len);
	free(mcat);
	free(mpri);
	free(mscope);
	cx_buf_free(&cb);
	cx_buf_free(&cat);
	cx_buf_free(&tags);
}

/* Set a member of the raw object in m; NULL sets it to null. */
static void
mset(struct cx_buf *m, const char *key, const char *val)
{
	struct cx_buf v = { 0 }, out = { 0 };

	if (val != NULL)
		cx_json_addstr(&v, val, strlen(val));
	else
		cx_buf_adds(&v, "null");
	if (cx_json_setmember(m->p, m->len, key, v.p, v.len, &out) == -1) {
		/* "manual" was not an object: it starts again. */
		out.len = 0;
		cx_json_setmember("{}", 2, key, v.p, v.len, &out);
	}
	cx_buf_free(m);
	*m = out;
	cx_buf_free(&v);
}

/* Whether each -S is what an agent set by hand already. */
static int
set_already(const struct cx_rec *r)
{
	struct cx_buf cat = { 0 };
	const char *eq, *sub;
	char *m, *ms;
	int i, same = 1;

	for (i = 0; i < G.nset && same; i++) {
		eq = strchr(G.set[i], '=');
		if (strncmp(G.set[i], "category=", 9) == 0) {
			category_of(eq + 1, &cat);
			sub = strchr(eq + 1, '.') != NULL ? eq + 1 : NULL;
			m = manual(r, "category");
			ms = manual(r, "subcategory");
			same = m != NULL && strcmp(m, cat.p) == 0 &&
			    (sub == NULL ? ms == NULL : ms != NULL &&
			    strcmp(ms, sub) == 0);
			free(ms);
		} else {
			*(char *)eq = '\0';
			m = manual(r, G.set[i]);
			*(char *)eq = '=';
			same = m != NULL && strcmp(m, eq + 1) == 0;
		}
		free(m);
	}
	cx_buf_free(&cat);
	return same;
}

/*
 * -S: what an agent set by hand, kept in "manual" with who and when.  A
 * correction the ticket has by hand already is not made again (a command
 * run again after a crash, say).
 */
static void
set_by_hand(struct cx_rec *r)
{
	struct cx_buf m = { 0 }, t = { 0 }, h = { 0 }, cat = { 0 };
	const struct cx_field *f;
	const char *eq;
	int i;

	G.nset_done++;
	if (set_already(r))
		return;
	f = cx_rec_get(r, "manual");
	cx_buf_add(&m, f ? f->v : "{}", f ? f->vlen : 2);
	cx_buf_adds(&h, "{\"at\":");
	cx_buf_adds(&h, G.nowtext);
	cx_buf_adds(&h, ",\"by\":");
	cx_json_addstr(&h, G.agent, strlen(G.agent));
	cx_buf_adds(&h, ",\"action\":\"reclassified\"");
	for (i = 0; i < G.nset; i++) {
		eq = strchr(G.set[i], '=');
		t.len = 0;
		cx_json_addstr(&t, eq + 1, strlen(eq + 1));
		if (strncmp(G.set[i], "category=", 9) == 0) {
			category_of(eq + 1, &cat);
			set_str(r, "category", cat.p);
			mset(&m, "category", cat.p);
			if (strchr(eq + 1, '.') != NULL) {
				set_str(r, "subcategory", eq + 1);
				mset(&m, "subcategory", eq + 1);
			} else {
				cx_rec_del(r, "subcategory");
				mset(&m, "subcategory", NULL);
			}
		} else {
			*(char *)eq = '\0';
			set_str(r, G.set[i], eq + 1);
			mset(&m, G.set[i], eq + 1);
			*(char *)eq = '=';
		}
		cx_buf_printf(&h, ",\"%.*s\":%.*s", (int)(eq - G.set[i]),
		    G.set[i], (int)t.len, t.p);
	}
	mset(&m, "by", G.agent);
	t.len = 0;
	cx_buf_add(&t, G.nowtext + 1, strlen(G.nowtext) - 2);
	mset(&m, "at", cx_buf_str(&t));
	cx_rec_set_raw(r, "manual", m.p, m.len);
	cx_buf_addc(&h, '}');
	cx_rec_append(r, "history", h.p, h.len);
	cx_buf_free(&m);
	cx_buf_free(&t);
	cx_buf_free(&h);
	cx_buf_free(&cat);
}

static int
wanted(const struct cx_rec *r)
{
	struct cx_buf s = { 0 };
	const struct cx_field *f;
	int i, yes = 0;

	if (G.nids == 0)
		return 1;
	if ((f = cx_rec_get(r, "id")) != NULL &&
	    cx_json_str(f->v, f->vlen, &s) == 0)
		for (i = 0; i < G.nids && !yes; i++)
			yes = strcmp(G.ids[i], cx_buf_str(&s)) == 0;
	cx_buf_free(&s);
	return yes;
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
 * One record: classified (and corrected by hand, with -S) into out.  A
 * line that is no record, or has no text, goes through as it was.
 */
static void
process(struct cx_rec *r, const char *file, unsigned long lineno,
    const char *line, size_t n, struct cx_buf *out)
{
	struct cx_err e;
	size_t pos, start;

	if (cx_rec_parse(r, line, n, &e, &pos) == -1) {
		warnx("%s:%lu: %s; passed through unclassified", file, lineno,
		    e.msg);
		G.nbad++;
		cx_buf_add(out, line, n);
		cx_buf_addc(out, '\n');
		return;
	}
	G.nrec++;
	if (G.nset > 0 && !wanted(r)) {
		cx_rec_write(r, out);
		return;
	}
	if (!has_text(r)) {
		warnx("%s:%lu: no subject and no text; passed through "
		    "unclassified", file, lineno);
		G.nbad++;
		cx_rec_write(r, out);
		return;
	}
	if (G.nset > 0)
		set_by_hand(r);
	classify(r);
	if (G.explain) {
		cx_classified_explain(r, out);
		return;
	}
	start = out->len;
	cx_rec_write(r, out);
	if (out->len - start != n + 1 || memcmp(out->p + start, line, n) != 0)
		G.nchanged++;
}

static void
filter_line(void *arg, const char *file, unsigned long lineno,
    const char *line, size_t n, struct cx_buf *out)
{
	process(arg, file, lineno, line, n, out);
}

static void
filter(const char *path)
{
	struct cx_rec r = { 0 };
	struct cx_err e;

	if (cx_each_line(path, filter_line, &r, &G.out, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_rec_free(&r);
}

/*
 * One file of the spool, its tickets classified: moved from new/ to
 * classified/ (to NULL: left where it is, and rewritten if it changed).
 */
static void
spool_file(struct cx_spool *sp, const char *dir, const char *name,
    const char *to)
{
	struct cx_buf in = { 0 }, out = { 0 }, label = { 0 };
	struct cx_rec r = { 0 };
	struct cx_err e;
	const char *p, *end, *l;
	unsigned long lineno = 0;
	size_t n;

	if (cx_spool_read(sp, dir, name, &in, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_buf_printf(&label, "%s/%s/%s", cx_spool_path(sp), dir, name);
	for (p = in.p, end = p + in.len; cx_line(&p, end, &l, &n);)
		if (++lineno, n > 0)
			process(&r, cx_buf_str(&label), lineno, l, n, &out);
	if (G.explain) {
		if (cx_write_all(STDOUT_FILENO, out.p, out.len) == -1)
			err(CX_EXIT_ERR, "stdout");
	} else if (to != NULL) {
		if (cx_spool_stage(sp, to, name, out.p, out.len, &e) == -1 ||
		    cx_spool_remove(sp, dir, name, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	} else if (out.len != in.len || memcmp(out.p, in.p, in.len) != 0) {
		if (cx_spool_stage(sp, dir, name, out.p, out.len, &e) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
	}
	cx_rec_free(&r);
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
		spool_file(sp, dir, names[i], to);
	cx_spool_list_free(names);
}

/*
 * The batches waiting in new/ are classified and move to classified/, in
 * one commit.  A correction by hand is made where its ticket is, in a
 * batch of new/ or classified/ or in open/, and nothing moves.
 */
static void
spool(void)
{
	struct cx_spool *sp;
	struct cx_err e;
	int i;

	if (cx_spool_begin(&sp, G.spool, G.explain ? CX_SPOOL_READ : 0,
	    &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	if (G.nset > 0) {
		spool_dir(sp, "new", NULL);
		spool_dir(sp, "classified", NULL);
		for (i = 0; i < G.nids; i++)
			if (cx_spool_has(sp, "open", G.ids[i]))
				spool_file(sp, "open", G.ids[i], NULL);
	} else
		spool_dir(sp, "new", G.explain ? NULL : "classified");
	if (cx_spool_commit(sp, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_spool_end(sp);
}

static char *
conf(const char *given, const char *name)
{
	struct cx_err e;
	char *path;

	if (given != NULL)
		return cx_strndup(given, strlen(given));
	if ((path = cx_conf_need(G.spool, name, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	return path;
}

/* field=value for -S: category (a taxonomy code), priority or scope. */
static void
check_set(const char *s)
{
	static const char *scopes[] = { "one", "group", "public" };
	const char *eq = strchr(s, '=');
	size_t i;

	if (eq == NULL)
		errx(CX_EXIT_ERR, "-S %s: expected field=value", s);
	if (strncmp(s, "category=", 9) == 0) {
		if (cx_taxonomy_get(G.tax, eq + 1) == NULL)
			errx(CX_EXIT_ERR, "-S %s: not in the taxonomy", s);
	} else if (strncmp(s, "priority=", 9) == 0) {
		if (cx_priority_name(eq + 1, strlen(eq + 1)) == NULL)
			errx(CX_EXIT_ERR, "-S %s: urgent, normal or low", s);
	} else if (strncmp(s, "scope=", 6) == 0) {
		for (i = 0; i < 3 && strcmp(eq + 1, scopes[i]) != 0; i++)
			;
		if (i == 3)
			errx(CX_EXIT_ERR, "-S %s: one, group or public", s);
	} else
		errx(CX_EXIT_ERR, "-S %s: category, priority or scope", s);
}

static void
setup(const char *taxfile, const char *rulefile, const char *modelfile,
    const char *now)
{
	struct cx_err e;
	char *path;
	int i;

	if (cx_clock_setup(G.spool, NULL, now, G.nowtext, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	path = conf(taxfile, "taxonomy");
	if ((G.tax = cx_taxonomy_load(path, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(path);
	path = conf(rulefile, "rules");
	if ((G.rules = cx_rules_load(path, G.tax, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(path);
	if (modelfile != NULL && (G.model = cx_nb_load(modelfile, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (i = 0; i < G.nset; i++)
		check_set(G.set[i]);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "explain", no_argument, NULL, 'X' },
		{ "now", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	const char *taxfile = NULL, *rulefile = NULL, *model = NULL;
	const char *now = NULL;
	char opt[3];
	int ch, i;

	G.spool = cx_spool_env();
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":a:i:M:qR:S:s:T:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			G.agent = optarg;
			break;
		case 'i':
			G.ids = cx_realloc(G.ids, (size_t)(G.nids + 1) *
			    sizeof(*G.ids));
			G.ids[G.nids++] = optarg;
			break;
		case 'M':
			model = optarg;
			break;
		case 'N':
			now = optarg;
			break;
		case 'q':
			G.quiet = 1;
			break;
		case 'R':
			rulefile = optarg;
			break;
		case 'S':
			if (G.nset == MAXSET)
				errx(CX_EXIT_ERR, "-S: at most %d", MAXSET);
			G.set[G.nset++] = optarg;
			break;
		case 's':
			G.spool = optarg;
			break;
		case 'T':
			taxfile = optarg;
			break;
		case 'X':
			G.explain = 1;
			break;
		default:
			warnx(cx_optfmt(ch), cx_optname(argv[optind - 1],
			    optopt, opt));
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (G.nset > 0 && (G.agent == NULL || *G.agent == '\0'))
		errx(CX_EXIT_ERR, "-S needs -a: who corrects it");
	if (G.nset > 0 && G.spool != NULL && G.nids == 0)
		errx(CX_EXIT_ERR, "-S in a spool needs the tickets: -i ID");
	if (G.spool != NULL && argc > 0)
		errx(CX_EXIT_ERR, "a spool is its own input: no files with -s");
	setup(taxfile, rulefile, model, now);
	if (G.spool != NULL)
		spool();
	else if (argc == 0)
		filter("-");
	for (i = 0; i < argc; i++)
		filter(argv[i]);
	if (G.out.len > 0 && cx_write_all(STDOUT_FILENO, G.out.p, G.out.len)
	    == -1)
		err(CX_EXIT_ERR, "stdout");
	if (G.nset > 0 && G.nset_done == 0)
		warnx("no ticket to correct");
	if (!G.quiet && G.spool != NULL && !G.explain)
		fprintf(stderr, "cx-classify: %lu tickets, %lu changed, %lu "
		    "passed through unclassified\n", G.nrec, G.nchanged,
		    G.nbad);
	cx_rules_free(G.rules);
	cx_taxonomy_free(G.tax);
	cx_nb_free(G.model);
	cx_buf_free(&G.out);
	free(G.ids);
	return G.nbad > 0 || (G.nset > 0 && G.nset_done == 0) ? CX_EXIT_NO :
	    CX_EXIT_OK;
}
