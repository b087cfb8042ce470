/*
 * classify.c: what decides a ticket's category, priority and scope, and
 * says so in "classified_by": a correction by hand first (kept in
 * "manual", never undone by a later run), then the rules an admin writes,
 * then a model learnt from the team's history, for what no rule placed
 * and, at least model_overrides sure, over a rule that placed a ticket
 * not urgent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

struct cx_classifier {
	struct cx_taxonomy	*tax;
	struct cx_rules		*rules;
	struct cx_model		*model;
	const char		*defprio;	/* when nothing else decides */
	double			 threshold;	/* the model's least confidence */
	double			 overrides;	/* over a rule's; 0: never */
	const struct cx_taxon	**cat;		/* each class's category */
};

/* The category part of a code: "logistics" of "logistics.late". */
static void
category_of(const char *code, struct cx_buf *b)
{
	const char *dot = strchr(code, '.');

	b->len = 0;
	cx_buf_add(b, code, dot ? (size_t)(dot - code) : strlen(code));
	cx_buf_str(b);
}

struct cx_classifier *
cx_classifier_new(struct cx_taxonomy *tax, struct cx_rules *rules,
    struct cx_model *model)
{
	struct cx_classifier *c = cx_alloc(sizeof(*c));

	c->tax = tax;
	c->rules = rules;
	c->model = model;
	c->defprio = cx_priority_name("normal", 6);
	if (model != NULL) {
		struct cx_buf b = { 0 };
		size_t i, n = cx_model_nclass(model);

		c->cat = cx_alloc((n + 1) * sizeof(*c->cat));
		for (i = 0; i < n; i++) {
			category_of(cx_model_label(model, i), &b);
			c->cat[i] = cx_taxonomy_get(tax, b.p);
		}
		cx_buf_free(&b);
	}
	return c;
}

int
cx_classifier_default(struct cx_classifier *c, const char *priority)
{
	const char *p = cx_priority_name(priority, strlen(priority));

	if (p == NULL)
		return -1;
	c->defprio = p;
	return 0;
}

void
cx_classifier_threshold(struct cx_classifier *c, double threshold)
{
	c->threshold = threshold;
}

void
cx_classifier_overrides(struct cx_classifier *c, double confidence)
{
	c->overrides = confidence;
}

void
cx_classifier_free(struct cx_classifier *c)
{
	if (c == NULL)
		return;
	cx_rules_free(c->rules);
	cx_taxonomy_free(c->tax);
	cx_model_free(c->model);
	free(c->cat);
	free(c);
}

/* Set a member to a JSON string. */
static void
set_str(struct cx_rec *r, const char *key, const char *s)
{
	cx_rec_set_str(r, key, s, strlen(s));
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
by_rule(const struct cx_classifier *c, struct cx_buf *b, const char *what,
    int rule, int words)
{
	cx_json_addkey(b, 0, what);
	cx_buf_adds(b, "{\"by\":\"rules\",\"rule\":");
	cx_json_addstr(b, cx_rules_name(c->rules, rule),
	    strlen(cx_rules_name(c->rules, rule)));
	if (words) {
		cx_buf_adds(b, ",\"words\":");
		cx_rules_words(c->rules, rule, b);
	}
	cx_buf_addc(b, '}');
}

static void
by_what(struct cx_buf *b, const char *what, const char *by)
{
	cx_json_addkey(b, 0, what);
	cx_buf_printf(b, "{\"by\":\"%s\"}", by);
}

/*
 * The model's probability of each of its classes for a record's subject
 * and text, into *p (to be freed); the likeliest, SIZE_MAX if none.
 */
static size_t
probs(const struct cx_classifier *c, const struct cx_rec *r, double **p)
{
	struct cx_buf t = { 0 }, s = { 0 };
	size_t best;

	*p = cx_alloc((cx_model_nclass(c->model) + 1) * sizeof(**p));
	if (cx_rec_getstr(r, "subject", &s) == 0)
		cx_buf_add(&t, s.p, s.len);
	cx_buf_addc(&t, '\n');
	if (cx_rec_getstr(r, "text", &s) == 0)
		cx_buf_add(&t, s.p, s.len);
	best = cx_model_probs(c->model, t.p, t.len, *p);
	cx_buf_free(&t);
	cx_buf_free(&s);
	return best;
}

/*
 * What the model says of a text no rule placed.  Its likeliest code, when
 * at least the threshold sure; else, when a category's codes together are,
 * that category, its subcategory left for a person: "quality" at 0.7 when
 * quality.defect has 0.4 and quality.mismatch 0.3.
 */
struct guess {
	const char	*code;		/* what it places, or NULL */
	double		 conf;
	const char	*unsure;	/* the likeliest code, when unsure of it */
	double		 uconf;
};

static void
predict(const struct cx_classifier *c, const struct cx_rec *r,
    struct guess *g)
{
	size_t n, i, j, best;
	double *p, sum;

	memset(g, 0, sizeof(*g));
	if (c->model == NULL || (n = cx_model_nclass(c->model)) == 0)
		return;
	if ((best = probs(c, r, &p)) == SIZE_MAX ||
	    cx_taxonomy_get(c->tax, cx_model_label(c->model, best)) == NULL)
		goto out;
	if (p[best] >= c->threshold) {
		g->code = cx_model_label(c->model, best);
		g->conf = p[best];
		goto out;
	}
	g->unsure = cx_model_label(c->model, best);
	g->uconf = p[best];
	for (i = 0; i < n; i++) {
		if (c->cat[i] == NULL)
			continue;
		for (j = 0, sum = 0; j < n; j++)
			if (c->cat[j] == c->cat[i])
				sum += p[j];
		if (sum >= c->threshold && sum > g->conf) {
			g->code = c->cat[i]->code;
			g->conf = sum;
			best = i;
		}
	}
	/* Placed in a category: the likeliest of its own codes is the one
	 * left for a person. */
	for (i = 0; g->code != NULL && i < n; i++)
		if (c->cat[i] == c->cat[best] && p[i] > p[best])
			best = i;
	if (g->code != NULL) {
		g->unsure = strchr(cx_model_label(c->model, best), '.') ?
		    cx_model_label(c->model, best) : NULL;
		g->uconf = p[best];
	}
out:
	free(p);
}

/*
 * A rule placed the ticket; with overrides set, a model at least that sure
 * (and at least its threshold) of another code places it instead, and
 * "over" names the rule.  Not an urgent ticket's: safety, funds and
 * account theft stay where their rules put them.  Nor where the model
 * only says the category of the rule's code.
 */
static int
override(const struct cx_classifier *c, const struct cx_rec *r,
    const struct cx_verdict *v, struct guess *g)
{
	struct cx_buf cat = { 0 };
	const char *code;
	size_t best;
	double *p;

	memset(g, 0, sizeof(*g));
	if (c->model == NULL || c->overrides <= 0 ||
	    cx_model_nclass(c->model) == 0 ||
	    (v->base != NULL && strcmp(v->base, "urgent") == 0))
		return 0;
	if ((best = probs(c, r, &p)) != SIZE_MAX &&
	    p[best] >= c->overrides && p[best] >= c->threshold &&
	    cx_taxonomy_get(c->tax, (code = cx_model_label(c->model, best)))
	    != NULL && strcmp(code, v->category) != 0) {
		category_of(v->category, &cat);
		if (strcmp(code, cat.p) != 0) {
			g->code = code;
			g->conf = p[best];
		}
	}
	free(p);
	cx_buf_free(&cat);
	return g->code != NULL;
}

/* How each field was decided goes in classified_by. */
int
cx_classify(struct cx_classifier *c, struct cx_rec *r)
{
	struct cx_verdict v;
	struct cx_buf cb = { 0 }, cat = { 0 }, tags = { 0 };
	char *mcat, *mpri, *mscope;
	const struct cx_taxon *t;
	struct guess g = { 0 };
	int bymodel = 0, bydefault = 0, placed, overruled = -1;

	cx_rules_apply(c->rules, r, &v);
	mcat = manual(r, "subcategory");
	if (mcat == NULL)
		mcat = manual(r, "category");
	mpri = manual(r, "priority");
	mscope = manual(r, "scope");
	/* The model, for what no rule placed: below its threshold, a
	 * person decides, and classified_by says what it would have given.
	 * With model_overrides, also over what a rule placed. */
	if (v.category == NULL && mcat == NULL) {
		predict(c, r, &g);
		if (g.code != NULL) {
			v.category = g.code;
			bymodel = 1;
		}
	} else if (mcat == NULL && override(c, r, &v, &g)) {
		v.category = g.code;
		overruled = v.crule;
		v.crule = -1;
		bymodel = 1;
		/* The overruled rule's priority was for its category. */
		if (v.prule == overruled)
			v.prule = -1;
	}
	/* No rule set the priority: the default of the category decided
	 * (by the model, or by hand), raised by the scope.  A category the
	 * model placed alone takes its likeliest code's if higher: a likely
	 * safety complaint is urgent while a person reads it. */
	if (v.prule < 0 && (mcat != NULL || bymodel)) {
		t = cx_taxonomy_get(c->tax, mcat ? mcat : v.category);
		v.base = t ? t->priority : NULL;
		if (mcat == NULL && g.unsure != NULL && (t = cx_taxonomy_get(
		    c->tax, g.unsure)) != NULL)
			v.base = cx_priority_max(v.base, t->priority);
	}
	/* Nothing placed it: a ticket has a priority all the same. */
	if (v.base == NULL) {
		v.base = c->defprio;
		bydefault = 1;
	}
	v.priority = cx_priority_scoped(v.base, mscope ? mscope : v.scope);
	placed = mcat != NULL || v.category != NULL;
	if (mcat != NULL)
		by_what(&cb, "category", "agent");
	else if (v.crule >= 0)
		by_rule(c, &cb, "category", v.crule, 1);
	else if (bymodel || g.unsure != NULL) {
		cx_json_addkey(&cb, 0, "category");
		cx_buf_printf(&cb, "{\"by\":\"%s\"", bymodel ? "model" :
		    "none");
		if (bymodel)
			cx_buf_printf(&cb, ",\"confidence\":%.3f", g.conf);
		if (overruled >= 0) {
			cx_buf_adds(&cb, ",\"over\":");
			cx_json_addstr(&cb, cx_rules_name(c->rules, overruled),
			    strlen(cx_rules_name(c->rules, overruled)));
		}
		if (g.unsure != NULL) {
			cx_buf_adds(&cb, ",\"model\":");
			cx_json_addstr(&cb, g.unsure, strlen(g.unsure));
			cx_buf_printf(&cb, ",\"%s\":%.3f", bymodel ?
			    "model_confidence" : "confidence", g.uconf);
		}
		if (!bymodel || g.unsure != NULL)
			cx_buf_printf(&cb, ",\"threshold\":%.2f",
			    c->threshold);
		cx_buf_addc(&cb, '}');
	} else
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
		by_rule(c, &cb, "priority", v.prule, 1);
	else
		by_what(&cb, "priority", bydefault ? "default" : bymodel ?
		    "model" : "taxonomy");
	if (mpri == NULL)
		set_str(r, "priority", v.priority);
	if (mscope != NULL)
		by_what(&cb, "scope", "agent");
	else if (v.srule >= 0)
		by_rule(c, &cb, "scope", v.srule, 1);
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
	return placed;
}

/*
 * The labels of a model that are no code of the taxonomy, which
 * cx_classify never gives: how many, and the first ten of them, comma-
 * separated, appended to list.
 */
size_t
cx_model_foreign(const struct cx_model *nb, const struct cx_taxonomy *tax,
    struct cx_buf *list)
{
	const char *l;
	size_t i, n = 0;

	for (i = 0; i < cx_model_nclass(nb); i++) {
		l = cx_model_label(nb, i);
		if (cx_taxonomy_get(tax, l) != NULL)
			continue;
		if (n < 10)
			cx_buf_printf(list, "%s%s", n > 0 ? ", " : "", l);
		else if (n == 10)
			cx_buf_adds(list, ", ...");
		n++;
	}
	return n;
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

/* A correction's field name, in b, and its value. */
static const char *
field_of(const char *set, struct cx_buf *b)
{
	const char *eq = strchr(set, '=');

	b->len = 0;
	cx_buf_add(b, set, (size_t)(eq - set));
	(void)cx_buf_str(b);
	return eq + 1;
}

int
cx_correction_check(const struct cx_taxonomy *tax, const char *s,
    struct cx_err *err)
{
	const char *eq = strchr(s, '=');

	if (eq == NULL)
		cx_seterr(err, "-S %s: expected field=value", s);
	else if (strncmp(s, "category=", 9) == 0) {
		if (cx_taxonomy_get(tax, eq + 1) != NULL)
			return 0;
		cx_seterr(err, "-S %s: not in the taxonomy", s);
	} else if (strncmp(s, "priority=", 9) == 0) {
		if (cx_priority_name(eq + 1, strlen(eq + 1)) != NULL)
			return 0;
		cx_seterr(err, "-S %s: urgent, normal or low", s);
	} else if (strncmp(s, "scope=", 6) == 0) {
		if (cx_scope_name(eq + 1, strlen(eq + 1)) != NULL)
			return 0;
		cx_seterr(err, "-S %s: one, group or public", s);
	} else
		cx_seterr(err, "-S %s: category, priority or scope", s);
	return -1;
}

/* Whether each correction is what an agent set by hand already. */
static int
corrected(const struct cx_rec *r, char *const *set, int nset)
{
	struct cx_buf cat = { 0 }, name = { 0 };
	const char *v, *sub;
	char *m, *ms;
	int i, same = 1;

	for (i = 0; i < nset && same; i++) {
		v = field_of(set[i], &name);
		if (strcmp(name.p, "category") == 0) {
			category_of(v, &cat);
			sub = strchr(v, '.') != NULL ? v : NULL;
			m = manual(r, "category");
			ms = manual(r, "subcategory");
			same = m != NULL && strcmp(m, cat.p) == 0 &&
			    (sub == NULL ? ms == NULL : ms != NULL &&
			    strcmp(ms, sub) == 0);
			free(ms);
		} else {
			m = manual(r, name.p);
			same = m != NULL && strcmp(m, v) == 0;
		}
		free(m);
	}
	cx_buf_free(&cat);
	cx_buf_free(&name);
	return same;
}

int
cx_correct(struct cx_rec *r, char *const *set, int nset, const char *agent,
    const char *nowtext)
{
	struct cx_buf m = { 0 }, t = { 0 }, h = { 0 }, cat = { 0 };
	struct cx_buf name = { 0 };
	const struct cx_field *f;
	const char *v;
	int i;

	if (corrected(r, set, nset))
		return 0;
	f = cx_rec_get(r, "manual");
	cx_buf_add(&m, f ? f->v : "{}", f ? f->vlen : 2);
	cx_hist_begin(&h, nowtext, agent, "reclassified");
	for (i = 0; i < nset; i++) {
		v = field_of(set[i], &name);
		if (strcmp(name.p, "category") == 0) {
			category_of(v, &cat);
			set_str(r, "category", cat.p);
			mset(&m, "category", cat.p);
			if (strchr(v, '.') != NULL) {
				set_str(r, "subcategory", v);
				mset(&m, "subcategory", v);
			} else {
				cx_rec_del(r, "subcategory");
				mset(&m, "subcategory", NULL);
			}
		} else {
			set_str(r, name.p, v);
			mset(&m, name.p, v);
		}
		cx_json_addkey(&h, 0, name.p);
		cx_json_addstr(&h, v, strlen(v));
	}
	mset(&m, "by", agent);
	t.len = 0;
	cx_buf_add(&t, nowtext + 1, strlen(nowtext) - 2);
	mset(&m, "at", cx_buf_str(&t));
	cx_rec_set_raw(r, "manual", m.p, m.len);
	cx_buf_addc(&h, '}');
	cx_rec_append(r, "history", h.p, h.len);
	cx_buf_free(&m);
	cx_buf_free(&t);
	cx_buf_free(&h);
	cx_buf_free(&cat);
	cx_buf_free(&name);
	return 1;
}
