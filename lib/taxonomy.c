/*
 * taxonomy.c: the categories a complaint can be in (cx-taxonomy(5)), each
 * with its default priority, and the words of priority and scope.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

static const char *priorities[] = { "low", "normal", "urgent" };
static const char *scopes[] = { "one", "group", "public" };

static int prio_level(const char *);

const char *
cx_priority_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (strlen(priorities[i]) == n && memcmp(priorities[i], s, n) == 0)
			return priorities[i];
	return NULL;
}

const char *
cx_scope_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (strlen(scopes[i]) == n && memcmp(scopes[i], s, n) == 0)
			return scopes[i];
	return NULL;
}

/* A group raises a priority a level; the public makes it urgent. */
const char *
cx_priority_scoped(const char *priority, const char *scope)
{
	int level;

	if (scope != NULL && strcmp(scope, "public") == 0)
		return priorities[2];
	if (priority == NULL)
		return NULL;
	level = prio_level(priority);
	if (scope != NULL && strcmp(scope, "group") == 0 && level < 2)
		level++;
	return priorities[level];
}

/* A level up, as an escalation raises it; urgent stays urgent. */
const char *
cx_priority_raised(const char *priority)
{
	int level = prio_level(priority);

	return priorities[level < 2 ? level + 1 : 2];
}

/* The higher of two priorities; NULL counts as normal. */
const char *
cx_priority_max(const char *a, const char *b)
{
	int la = a ? prio_level(a) : 1, lb = b ? prio_level(b) : 1;

	return priorities[la > lb ? la : lb];
}

static int
prio_level(const char *p)
{
	int i;

	for (i = 0; i < 3; i++)
		if (p == priorities[i] || strcmp(p, priorities[i]) == 0)
			return i;
	return 1;
}

/* The taxonomy. */
struct cx_taxonomy {
	struct cx_taxon	*t;
	size_t		 n, cap;
};

static int
code_ok(const char *s, size_t n)
{
	size_t i, dots = 0;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.')
			dots++;
		else if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	}
	return dots <= 1;
}

static int
taxon_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct cx_taxonomy *x = arg;
	struct cx_taxon *t;
	const char *p = l, *end = l + n, *code, *prio, *zh, *dot;
	size_t cn, pn, zn, rest;

	(void)line;
	if (!cx_word(&p, end, &code, &cn) || !cx_word(&p, end, &prio, &pn) ||
	    !cx_word(&p, end, &zh, &zn)) {
		cx_seterr(err, "expected \"CODE PRIORITY 中文名 English name\"");
		return -1;
	}
	if (!code_ok(code, cn)) {
		cx_seterr(err, "bad code \"%.*s\": lower-case letters, digits, "
		    "'-', one '.'", (int)cn, code);
		return -1;
	}
	if (cx_priority_name(prio, pn) == NULL) {
		cx_seterr(err, "priority \"%.*s\": urgent, normal or low",
		    (int)pn, prio);
		return -1;
	}
	if ((dot = memchr(code, '.', cn)) != NULL) {
		char *cat = cx_strndup(code, (size_t)(dot - code));
		int known = cx_taxonomy_get(x, cat) != NULL;
		free(cat);
		if (!known) {
			cx_seterr(err, "subcategory \"%.*s\" before its category",
			    (int)cn, code);
			return -1;
		}
	}
	x->t = cx_grow(x->t, x->n, sizeof(*x->t));
	t = &x->t[x->n++];
	t->code = cx_strndup(code, cn);
	t->priority = cx_priority_name(prio, pn);
	t->zh = cx_strndup(zh, zn);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	rest = (size_t)(end - p);
	t->en = cx_strndup(p, rest);
	return 0;
}

struct cx_taxonomy *
cx_taxonomy_load(const char *path, struct cx_err *err)
{
	struct cx_taxonomy *x;

	x = cx_alloc(sizeof(*x));
	if (cx_conf_lines(path, taxon_line, x, err) == -1) {
		cx_taxonomy_free(x);
		return NULL;
	}
	return x;
}

const struct cx_taxon *
cx_taxonomy_get(const struct cx_taxonomy *x, const char *code)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (strcmp(x->t[i].code, code) == 0)
			return &x->t[i];
	return NULL;
}

void
cx_taxonomy_free(struct cx_taxonomy *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n; i++) {
		free(x->t[i].code);
		free(x->t[i].zh);
		free(x->t[i].en);
	}
	free(x->t);
	free(x);
}
