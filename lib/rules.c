/*
 * rules.c: the classification rules (cx-rules(5)) over the taxonomy
 * (taxonomy.c), and applying them to a record.
 *
 * Every keyword of every rule goes into one Aho-Corasick automaton, in its
 * simplified and traditional forms (OpenCC makes them), so a record's text
 * is read once.  A keyword that hits makes the rules that name it
 * candidates; rules with no keyword to wait for are candidates always.
 * Only candidates are then tried, in file order, so the cost per record
 * follows what matched rather than how many rules there are.
 *
 * A file that says "order text" gives the category to the problem the
 * customer names first.  Of the rules that match, one that gives the
 * urgent priority decides, in file order; else the one whose word comes
 * first in the text, of those with a subcategory, then of those with a
 * top category, then of those that give the low priority.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

enum { C_ANY, C_ALL, C_NONE, C_CHANNEL, C_TIER, C_FIELD, C_AMOUNT, C_NEAR,
	C_FAR };
#define WINDOW	3		/* words or CJK characters, either side */
enum { OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ };
enum { L_URGENT, L_SUB, L_TOP, L_LOW };	/* a category's rule, first first */

struct cond {
	int	 kind;
	int	*kw;			/* keyword ids */
	int	 nkw;
	char	**val;			/* values for channel, tier, field */
	int	 nval;
	char	*path;			/* field */
	int	 op;			/* amount */
	double	 num;
};

struct rule {
	char		*name;
	unsigned long	 line;
	struct cond	*c;
	int		 nc;
	const char	*category;	/* a taxonomy code, or NULL */
	const char	*priority;
	const char	*scope;
	char		**tag;
	int		 ntag;
	int		 stop;
	int		 waits;		/* has any: or all: keywords */
	int		 context;	/* has near: or not near: */
	int		 window;
	int		 level;		/* "order text": L_URGENT to L_LOW */
};

/* Where a keyword hit: its first and last bytes. */
struct occ {
	int		 id;
	size_t		 start, end;
};

struct cx_rules {
	struct rule	*r;
	int		 nr;
	int		 bytext;	/* "order text" */
	char		**kw;		/* keywords as written */
	int		 nkw;
	int		**kwrule;	/* rules waiting for each keyword */
	int		*nkwrule;
	struct cx_ac	*ac;
	const struct cx_taxonomy *tax;
	/* per record */
	unsigned	*hit;		/* generation a keyword hit in */
	uint64_t	*cand;		/* candidate rules of this record */
	uint64_t	*always;	/* rules with no keyword to wait for */
	size_t		 nwords;	/* of either bitmap */
	struct {
		unsigned char category, priority, scope, tags;
	}		*later;		/* set by this rule or a later one */
	unsigned	 gen;
	int		 best;		/* "order text": the category so far */
	int		 blevel;
	size_t		 bpos;
	struct occ	*occ;		/* every hit of this record */
	size_t		 nocc, capocc;
	uint32_t	*tok;		/* the word each byte is in or before */
	size_t		 captok;
	unsigned	 tokgen;	/* tok is of this record */
	struct cx_cc	*cc;		/* OpenCC's conversions, convs[] */
	struct cx_keyset memo;		/* convert()'s answers, by conversion */
	char		**memov;	/* and text, and the answers */
	size_t		 nmemo;
	struct cx_buf	 text;
};

/* The rules. */
struct loader {
	struct cx_rules	*rs;
	struct rule	*cur;
	unsigned long	 order;		/* the line of "order", or 0 */
};

static int
keyword(struct cx_rules *rs, const char *s, size_t n)
{
	int i;

	for (i = 0; i < rs->nkw; i++)
		if (strlen(rs->kw[i]) == n && memcmp(rs->kw[i], s, n) == 0)
			return i;
	rs->kw = cx_grow(rs->kw, (size_t)rs->nkw, sizeof(*rs->kw));
	rs->kw[rs->nkw] = cx_strndup(s, n);
	return rs->nkw++;
}

static struct cond *
new_cond(struct rule *r, int kind)
{
	struct cond *c;

	r->c = cx_grow(r->c, (size_t)r->nc, sizeof(*r->c));
	c = &r->c[r->nc++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	return c;
}

static int
cond_words(struct loader *ld, int kind, const char *v, size_t vn,
    struct cx_err *err)
{
	struct cond *c = new_cond(ld->cur, kind);
	char **w;
	int i, n;

	if (cx_split(v, vn, &w, &n) == -1) {
		cx_seterr(err, "no keywords");
		return -1;
	}
	c->kw = cx_alloc((size_t)n * sizeof(*c->kw));
	for (i = 0; i < n; i++) {
		c->kw[i] = keyword(ld->rs, w[i], strlen(w[i]));
		free(w[i]);
	}
	free(w);
	c->nkw = n;
	if (kind == C_ANY || kind == C_ALL)
		ld->cur->waits = 1;
	if (kind == C_NEAR || kind == C_FAR)
		ld->cur->context = 1;
	return 0;
}

static int
cond_amount(struct loader *ld, const char *s, size_t n, struct cx_err *err)
{
	static const struct { const char *op; int code; } ops[] = {
		{ ">=", OP_GE }, { "<=", OP_LE }, { ">", OP_GT }, { "<", OP_LT },
		{ "=", OP_EQ },
	};
	struct cx_buf num = { 0 };
	const char *cur;
	struct cond *c;
	size_t i, k;

	cx_trim(&s, &n);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		k = strlen(ops[i].op);
		if (n > k && memcmp(s, ops[i].op, k) == 0)
			break;
	}
	if (i == sizeof(ops) / sizeof(ops[0]) ||
	    cx_norm_amount(s + k, n - k, &num, &cur) == -1) {
		cx_seterr(err, "expected \"amount OP NUMBER\", OP one of > >= < "
		    "<= =");
		cx_buf_free(&num);
		return -1;
	}
	c = new_cond(ld->cur, C_AMOUNT);
	c->op = ops[i].code;
	c->num = strtod(cx_buf_str(&num), NULL);
	cx_buf_free(&num);
	return 0;
}

static int
action(struct loader *ld, const char *k, size_t kn, const char *v, size_t vn,
    struct cx_err *err)
{
	struct rule *r = ld->cur;
	const struct cx_taxon *t;
	char *code;

	if ((kn == 8 && memcmp(k, "category", 8) == 0 && r->category) ||
	    (kn == 8 && memcmp(k, "priority", 8) == 0 && r->priority) ||
	    (kn == 5 && memcmp(k, "scope", 5) == 0 && r->scope)) {
		cx_seterr(err, "%.*s set twice in one rule", (int)kn, k);
		return -1;
	}
	if (kn == 8 && memcmp(k, "category", 8) == 0) {
		code = cx_strndup(v, vn);
		t = cx_taxonomy_get(ld->rs->tax, code);
		free(code);
		if (t == NULL) {
			cx_seterr(err, "category \"%.*s\" is not in the taxonomy",
			    (int)vn, v);
			return -1;
		}
		r->category = t->code;
	} else if (kn == 8 && memcmp(k, "priority", 8) == 0) {
		if ((r->priority = cx_priority_name(v, vn)) == NULL) {
			cx_seterr(err, "priority: urgent, normal or low");
			return -1;
		}
	} else if (kn == 5 && memcmp(k, "scope", 5) == 0) {
		if ((r->scope = cx_scope_name(v, vn)) == NULL) {
			cx_seterr(err, "scope: one, group or public");
			return -1;
		}
	} else if (kn == 3 && memcmp(k, "tag", 3) == 0) {
		char **t;
		int nt, i;

		if (cx_split(v, vn, &t, &nt) == -1) {
			cx_seterr(err, "no tags");
			return -1;
		}
		/* Tags accumulate, over lines as over rules. */
		r->tag = cx_realloc(r->tag, (size_t)(r->ntag + nt) *
		    sizeof(*r->tag));
		for (i = 0; i < nt; i++)
			r->tag[r->ntag++] = t[i];
		free(t);
	} else
		return 1;
	return 0;
}

static int
values(struct loader *ld, int kind, const char *path, size_t pn,
    const char *v, size_t vn, struct cx_err *err)
{
	struct cond *c = new_cond(ld->cur, kind);

	if (cx_split(v, vn, &c->val, &c->nval) == -1) {
		cx_seterr(err, "no values");
		return -1;
	}
	if (path != NULL)
		c->path = cx_strndup(path, pn);
	return 0;
}

static int
window(struct loader *ld, const char *v, size_t vn, struct cx_err *err)
{
	size_t i;
	int w = 0;

	for (i = 0; i < vn && v[i] >= '0' && v[i] <= '9' && w < 100; i++)
		w = w * 10 + (v[i] - '0');
	if (vn == 0 || i < vn || w < 1 || w > 99 || ld->cur->window != 0) {
		cx_seterr(err, ld->cur->window != 0 ? "window set twice in one "
		    "rule" : "window: a number of words from 1 to 99");
		return -1;
	}
	ld->cur->window = w;
	return 0;
}

static int
rule_body(struct loader *ld, const char *l, size_t n, struct cx_err *err)
{
	const char *colon, *k = l, *v;
	size_t kn, vn;
	int r;

	if (n == 4 && memcmp(l, "stop", 4) == 0) {
		ld->cur->stop = 1;
		return 0;
	}
	if (n > 6 && memcmp(l, "amount", 6) == 0 && strchr("<>= \t", l[6]))
		return cond_amount(ld, l + 6, n - 6, err);
	if ((colon = memchr(l, ':', n)) == NULL) {
		cx_seterr(err, "expected \"KEY: VALUE\"");
		return -1;
	}
	kn = (size_t)(colon - l);
	cx_trim(&k, &kn);
	v = colon + 1;
	vn = (size_t)(l + n - v);
	cx_trim(&v, &vn);
	if (kn == 3 && memcmp(k, "any", 3) == 0)
		return cond_words(ld, C_ANY, v, vn, err);
	if (kn == 3 && memcmp(k, "all", 3) == 0)
		return cond_words(ld, C_ALL, v, vn, err);
	if (kn == 4 && memcmp(k, "none", 4) == 0)
		return cond_words(ld, C_NONE, v, vn, err);
	if (kn == 4 && memcmp(k, "near", 4) == 0)
		return cond_words(ld, C_NEAR, v, vn, err);
	if (kn == 8 && memcmp(k, "not near", 8) == 0)
		return cond_words(ld, C_FAR, v, vn, err);
	if (kn == 6 && memcmp(k, "window", 6) == 0)
		return window(ld, v, vn, err);
	if (kn == 7 && memcmp(k, "channel", 7) == 0)
		return values(ld, C_CHANNEL, NULL, 0, v, vn, err);
	if (kn == 4 && memcmp(k, "tier", 4) == 0)
		return values(ld, C_TIER, NULL, 0, v, vn, err);
	if (kn > 6 && memcmp(k, "field", 5) == 0 && (k[5] == ' ' ||
	    k[5] == '\t')) {
		const char *p = k + 6;
		size_t pn = kn - 6;
		cx_trim(&p, &pn);
		return values(ld, C_FIELD, p, pn, v, vn, err);
	}
	if ((r = action(ld, k, kn, v, vn, err)) != 1)
		return r;
	cx_seterr(err, "unknown key \"%.*s\"", (int)kn, k);
	return -1;
}

static int
rule_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct loader *ld = arg;
	struct cx_rules *rs = ld->rs;
	const char *name;
	size_t i, nn;
	int k;

	if (n > 5 && memcmp(l, "rule", 4) == 0 && (l[4] == ' ' ||
	    l[4] == '\t')) {
		name = l + 5;
		nn = n - 5;
		cx_trim(&name, &nn);
		for (i = 0; i < nn; i++)
			if (!((name[i] >= 'a' && name[i] <= 'z') ||
			    (name[i] >= 'A' && name[i] <= 'Z') ||
			    (name[i] >= '0' && name[i] <= '9') ||
			    name[i] == '-' || name[i] == '_'))
				break;
		if (nn == 0 || i < nn) {
			cx_seterr(err, "a rule name is letters, digits, '-', '_'");
			return -1;
		}
		for (k = 0; k < rs->nr; k++)
			if (strlen(rs->r[k].name) == nn &&
			    memcmp(rs->r[k].name, name, nn) == 0) {
				cx_seterr(err, "rule %.*s is defined twice (line "
				    "%lu first)", (int)nn, name, rs->r[k].line);
				return -1;
			}
		rs->r = cx_grow(rs->r, (size_t)rs->nr, sizeof(*rs->r));
		ld->cur = &rs->r[rs->nr++];
		memset(ld->cur, 0, sizeof(*ld->cur));
		ld->cur->name = cx_strndup(name, nn);
		ld->cur->line = line;
		return 0;
	}
	/* A line of its own, anywhere, about the whole file. */
	if (n > 6 && memcmp(l, "order", 5) == 0 && (l[5] == ' ' ||
	    l[5] == '\t')) {
		name = l + 6;
		nn = n - 6;
		cx_trim(&name, &nn);
		if (nn != 4 || (memcmp(name, "text", 4) != 0 &&
		    memcmp(name, "file", 4) != 0)) {
			cx_seterr(err, "order: text or file");
			return -1;
		}
		if (ld->order != 0 && rs->bytext != (name[0] == 't')) {
			cx_seterr(err, "order given otherwise on line %lu",
			    ld->order);
			return -1;
		}
		rs->bytext = name[0] == 't';
		if (ld->order == 0)
			ld->order = line;
		return 0;
	}
	if (ld->cur == NULL) {
		cx_seterr(err, "expected \"rule NAME\"");
		return -1;
	}
	return rule_body(ld, l, n, err);
}

/*
 * Simplified and traditional forms of Chinese keywords match alike.  A
 * keyword is made simplified (t2s), and then every mix of each character's
 * forms is added (发霉 gives 發霉 as Taiwan writes it and 發黴 as OpenCC's
 * s2t does), with the whole-phrase conversions for words whose
 * traditional form is not character by character.
 */
static const char *convs[] = { "t2s.json", "s2t.json", "s2tw.json",
	"s2hk.json", "s2twp.json" };
#define NCONV	(sizeof(convs) / sizeof(convs[0]))
#define MAXVAR	32

/*
 * Conversion i of s, newly allocated.  Each is asked of OpenCC once: the
 * same characters come back in keyword after keyword, and OpenCC's calls
 * were most of the time it takes to load the rules.
 */
static char *
convert(struct cx_rules *rs, int i, const char *s, size_t n)
{
	struct cx_buf k = { 0 };
	struct cx_key key;
	uint32_t at;
	char *c, *r;

	cx_buf_addc(&k, '0' + i);
	cx_buf_add(&k, s, n);
	key = cx_key_of(k.p, k.len);
	cx_buf_free(&k);
	if (cx_keyset_get(&rs->memo, key, &at))
		return cx_strndup(rs->memov[at], strlen(rs->memov[at]));
	if ((c = cx_cc_convert(rs->cc, (size_t)i, s, n)) == NULL)
		r = cx_strndup(s, n);
	else {
		r = cx_strndup(c, strlen(c));
		free(c);
	}
	rs->memov = cx_grow(rs->memov, rs->nmemo, sizeof(*rs->memov));
	rs->memov[rs->nmemo] = cx_strndup(r, strlen(r));
	cx_keyset_put(&rs->memo, key, (uint32_t)rs->nmemo++, NULL);
	return r;
}

static void
add_unique(char **v, int *nv, char *s)
{
	int i;

	for (i = 0; i < *nv; i++)
		if (strcmp(v[i], s) == 0) {
			free(s);
			return;
		}
	if (*nv < MAXVAR)
		v[(*nv)++] = s;
	else
		free(s);
}

/* Every mix of the characters' forms, up to MAXVAR, into v. */
static void
mixes(struct cx_rules *rs, const char *k, char **v, int *nv)
{
	struct cx_buf b = { 0 };
	char *alt[NCONV], *prefix[MAXVAR];
	int na, np, nn, i, j;
	size_t n, len;
	const char *p;

	prefix[0] = cx_strndup("", 0);
	np = 1;
	for (p = k; *p != '\0'; p += len) {
		len = 1;
		while (((unsigned char)p[len] & 0xc0) == 0x80)
			len++;
		na = 0;
		add_unique(alt, &na, cx_strndup(p, len));
		for (i = 1; i < (int)NCONV && (unsigned char)*p >= 0x80; i++)
			add_unique(alt, &na, convert(rs, i, p, len));
		nn = 0;
		for (i = 0; i < np; i++)
			for (j = 0; j < na; j++) {
				if (nn == MAXVAR || (j > 0 && np * na > MAXVAR))
					break;
				b.len = 0;
				cx_buf_adds(&b, prefix[i]);
				cx_buf_adds(&b, alt[j]);
				v[nn++] = cx_strndup(b.p, b.len);
			}
		for (i = 0; i < np; i++)
			free(prefix[i]);
		for (i = 0; i < nn; i++)
			prefix[i] = v[i];
		np = nn;
		for (j = 0; j < na; j++)
			free(alt[j]);
	}
	*nv = 0;
	for (i = 0; i < np; i++) {
		n = strlen(prefix[i]);
		add_unique(v, nv, cx_strndup(prefix[i], n));
		free(prefix[i]);
	}
	cx_buf_free(&b);
}

static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/*
 * English keywords match their plurals and simple inflections: the last
 * word of "parcel" gives parcels, parcelled, parceled..., of "reply"
 * replies, replied, replying, of "charge" charges, charged, charging.
 * Forms that are no words cost nothing, as no text has them.  A keyword
 * written "=word" is matched as written only; "word*" is a prefix.
 */
static int
vowel(int c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static void
form(struct cx_ac *ac, const char *k, size_t stem, const char *end, int id,
    unsigned flags)
{
	struct cx_buf b = { 0 };

	cx_buf_add(&b, k, stem);
	cx_buf_adds(&b, end);
	cx_ac_add(ac, b.p, b.len, id, flags);
	cx_buf_free(&b);
}

static void
inflect(struct cx_ac *ac, const char *k, size_t n, int id, unsigned flags)
{
	char dbl[5] = { 0 }, last, prev;
	size_t w = n, i;

	while (w > 0 && k[w - 1] != ' ')
		w--;
	if (n - w < 3)
		return;
	for (i = w; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' &&
		    k[i] <= 'Z')))
			return;
	last = (char)(k[n - 1] | 0x20);
	prev = (char)(k[n - 2] | 0x20);
	if (last == 'y' && !vowel(prev)) {	/* reply */
		form(ac, k, n - 1, "ies", id, flags);
		form(ac, k, n - 1, "ied", id, flags);
		form(ac, k, n, "ing", id, flags);
	} else if (last == 'e' && vowel(prev)) { /* fee, and no "feed" */
		form(ac, k, n, "s", id, flags);
		if (prev == 'e')
			form(ac, k, n, "ing", id, flags);
	} else if (last == 'e') {		/* charge */
		form(ac, k, n, "s", id, flags);
		form(ac, k, n, "d", id, flags);
		form(ac, k, n - 1, "ing", id, flags);
	} else if (last == 's' || last == 'x' || last == 'z' ||
	    (last == 'h' && (prev == 'c' || prev == 's'))) { /* box */
		form(ac, k, n, "es", id, flags);
		form(ac, k, n, "ed", id, flags);
		form(ac, k, n, "ing", id, flags);
	} else {
		form(ac, k, n, "s", id, flags);
		form(ac, k, n, "ed", id, flags);
		form(ac, k, n, "ing", id, flags);
		/* stop: stopped; cancel: cancelled beside canceled */
		if (!vowel(last) && last != 'w' && last != 'y' &&
		    vowel(prev) && !vowel(k[n - 3] | 0x20)) {
			dbl[0] = k[n - 1];
			memcpy(dbl + 1, "ed", 3);
			form(ac, k, n, dbl, id, flags);
			memcpy(dbl + 1, "ing", 4);
			form(ac, k, n, dbl, id, flags);
		}
	}
}

static void
add_variants(struct cx_rules *rs, int id)
{
	const char *k = rs->kw[id];
	unsigned flags = CX_AC_WORD_START | CX_AC_WORD_END;
	size_t n = strlen(k);
	char *v[MAXVAR], *simple;
	int nv = 0, i;

	if (n > 1 && k[n - 1] == '*') {
		n--;
		flags &= ~(unsigned)CX_AC_WORD_END;
	} else if (n > 1 && k[0] == '=') {
		cx_ac_add(rs->ac, k + 1, n - 1, id, flags);
		return;
	} else if (is_ascii(k))
		inflect(rs->ac, k, n, id, flags);
	if (rs->cc == NULL || !cx_utf8_valid(k, n)) {
		cx_ac_add(rs->ac, k, n, id, flags);
		return;
	}
	simple = convert(rs, 0, k, n);
	mixes(rs, simple, v, &nv);
	add_unique(v, &nv, cx_strndup(k, n));
	for (i = 1; i < (int)NCONV; i++)
		add_unique(v, &nv, convert(rs, i, simple, strlen(simple)));
	for (i = 0; i < nv; i++) {
		cx_ac_add(rs->ac, v[i], strlen(v[i]), id, flags);
		free(v[i]);
	}
	free(simple);
}

static int
build(struct cx_rules *rs, struct cx_err *err)
{
	int i, j, k, w, needcc = 0;

	for (i = 0; i < rs->nkw; i++)
		if (!is_ascii(rs->kw[i]))
			needcc = 1;
	if (needcc && (rs->cc = cx_cc_load(convs, NCONV, err)) == NULL)
		return -1;
	for (i = 0; i < rs->nr; i++)
		if (rs->r[i].context && !rs->r[i].waits) {
			cx_seterr(err, ":%lu: rule %s: near: and not near: are "
			    "about the keywords of any: or all:, and it has none",
			    rs->r[i].line, rs->r[i].name);
			return -1;
		}
	rs->ac = cx_ac_new();
	for (i = 0; i < rs->nkw; i++)
		add_variants(rs, i);
	cx_ac_build(rs->ac);
	rs->kwrule = cx_alloc((size_t)(rs->nkw + 1) * sizeof(*rs->kwrule));
	rs->nkwrule = cx_alloc((size_t)(rs->nkw + 1) * sizeof(*rs->nkwrule));
	for (i = 0; i < rs->nr; i++)
		for (j = 0; j < rs->r[i].nc; j++) {
			if (rs->r[i].c[j].kind != C_ANY &&
			    rs->r[i].c[j].kind != C_ALL)
				continue;
			for (k = 0; k < rs->r[i].c[j].nkw; k++) {
				w = rs->r[i].c[j].kw[k];
				if (rs->nkwrule[w] > 0 &&
				    rs->kwrule[w][rs->nkwrule[w] - 1] == i)
					continue;
				rs->kwrule[w] = cx_realloc(rs->kwrule[w],
				    (size_t)(rs->nkwrule[w] + 1) * sizeof(int));
				rs->kwrule[w][rs->nkwrule[w]++] = i;
			}
		}
	/* What the rules from each one on can still set, to stop early. */
	rs->later = cx_alloc((size_t)(rs->nr + 1) * sizeof(*rs->later));
	for (i = rs->nr - 1; i >= 0; i--) {
		rs->later[i] = rs->later[i + 1];
		rs->later[i].category |= rs->r[i].category != NULL;
		rs->later[i].priority |= rs->r[i].priority != NULL;
		rs->later[i].scope |= rs->r[i].scope != NULL;
		rs->later[i].tags |= rs->r[i].ntag > 0;
	}
	for (i = 0; i < rs->nr; i++) {
		const struct rule *r = &rs->r[i];
		const struct cx_taxon *t;
		const char *p;

		/* The priority the rule gives, its own or its category's. */
		p = r->priority;
		if (p == NULL && r->category != NULL &&
		    (t = cx_taxonomy_get(rs->tax, r->category)) != NULL)
			p = t->priority;
		rs->r[i].level = p != NULL && strcmp(p, "urgent") == 0 ?
		    L_URGENT : p != NULL && strcmp(p, "low") == 0 ? L_LOW :
		    r->category != NULL && strchr(r->category, '.') ? L_SUB :
		    L_TOP;
	}
	/* Rules with no keyword to wait for are tried for every record. */
	rs->nwords = (size_t)rs->nr / 64 + 1;
	rs->always = cx_alloc(rs->nwords * sizeof(*rs->always));
	rs->cand = cx_alloc(rs->nwords * sizeof(*rs->cand));
	for (i = 0; i < rs->nr; i++)
		if (!rs->r[i].waits)
			rs->always[i / 64] |= 1ULL << (i % 64);
	rs->hit = cx_alloc((size_t)(rs->nkw + 1) * sizeof(*rs->hit));
	return 0;
}

struct cx_rules *
cx_rules_load(const char *path, const struct cx_taxonomy *tax,
    struct cx_err *err)
{
	struct loader ld = { 0 };
	struct cx_err e;

	ld.rs = cx_alloc(sizeof(*ld.rs));
	ld.rs->tax = tax;
	if (cx_conf_lines(path, rule_line, &ld, err) == -1)
		goto bad;
	if (build(ld.rs, &e) == -1) {
		cx_seterr(err, "%s%s%s", path, e.msg[0] == ':' ? "" : ": ",
		    e.msg);
		goto bad;
	}
	return ld.rs;
bad:
	cx_rules_free(ld.rs);
	return NULL;
}

void
cx_rules_free(struct cx_rules *rs)
{
	int i, j, k;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nr; i++) {
		for (j = 0; j < rs->r[i].nc; j++) {
			free(rs->r[i].c[j].kw);
			for (k = 0; k < rs->r[i].c[j].nval; k++)
				free(rs->r[i].c[j].val[k]);
			free(rs->r[i].c[j].val);
			free(rs->r[i].c[j].path);
		}
		for (j = 0; j < rs->r[i].ntag; j++)
			free(rs->r[i].tag[j]);
		free(rs->r[i].tag);
		free(rs->r[i].c);
		free(rs->r[i].name);
	}
	free(rs->r);
	for (i = 0; i < rs->nkw; i++) {
		free(rs->kw[i]);
		if (rs->kwrule != NULL)
			free(rs->kwrule[i]);
	}
	free(rs->kw);
	free(rs->kwrule);
	free(rs->nkwrule);
	free(rs->hit);
	free(rs->cand);
	free(rs->always);
	free(rs->later);
	free(rs->occ);
	free(rs->tok);
	cx_cc_free(rs->cc);
	for (i = 0; i < (int)rs->nmemo; i++)
		free(rs->memov[i]);
	free(rs->memov);
	cx_keyset_free(&rs->memo);
	cx_ac_free(rs->ac);
	cx_buf_free(&rs->text);
	free(rs);
}

int
cx_rules_count(const struct cx_rules *rs)
{
	return rs->nr;
}

/* Applying them. */
static void
on_hit(void *arg, int id, size_t start, size_t end)
{
	struct cx_rules *rs = arg;
	int i, r;

	if (rs->nocc == rs->capocc)
		rs->occ = cx_grow(rs->occ, rs->capocc++, sizeof(*rs->occ));
	rs->occ[rs->nocc].id = id;
	rs->occ[rs->nocc].start = start;
	rs->occ[rs->nocc++].end = end;
	if (rs->hit[id] == rs->gen)
		return;
	rs->hit[id] = rs->gen;
	for (i = 0; i < rs->nkwrule[id]; i++) {
		r = rs->kwrule[id][i];
		rs->cand[r / 64] |= 1ULL << (r % 64);
	}
}


static int
one_of(const struct cond *c, const struct cx_buf *s)
{
	int i;

	for (i = 0; i < c->nval; i++)
		if (cx_streqi(c->val[i], strlen(c->val[i]), s->p, s->len))
			return 1;
	return 0;
}

/*
 * Words in context.  Each byte of the text gets the number of the word
 * it is in (or the next word, for a space or a mark): an ASCII word is
 * one word, and so is every other letter, a CJK character being a word
 * of its own.  Made once a record, when a rule first asks.
 */
static int
separator(uint32_t c)
{
	return c < 0x80 ? !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9')) : (c >= 0x2000 && c <= 0x206f) ||
	    (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff0f) ||
	    (c >= 0xff1a && c <= 0xff20) || c == 0xff5e;
}

static void
words_of(struct cx_rules *rs)
{
	const unsigned char *t = (const unsigned char *)rs->text.p;
	size_t i = 0, j, n = rs->text.len, len;
	uint32_t word = 0, c;
	int in = 0;

	if (rs->tokgen == rs->gen)
		return;
	rs->tokgen = rs->gen;
	if (n + 1 > rs->captok) {
		free(rs->tok);
		rs->captok = n + 1;
		rs->tok = cx_alloc(rs->captok * sizeof(*rs->tok));
	}
	while (i < n) {
		c = cx_utf8_decode(t + i, t + n, &len);
		if (separator(c))
			in = 0;
		else if (c >= 0x80 || !in) {
			word++;
			in = c < 0x80;
		}
		for (j = 0; j < len; j++)
			rs->tok[i + j] = word;
		i += len;
	}
	rs->tok[n] = word + 1;
}

/* A hit of one of c's keywords within the rule's window of o. */
static int
near(struct cx_rules *rs, const struct cond *c, const struct occ *o,
    uint32_t window)
{
	uint32_t from = rs->tok[o->start], to = rs->tok[o->end];
	size_t i;
	int k;

	from = from > window ? from - window : 0;
	to += window;
	for (i = 0; i < rs->nocc; i++) {
		if (rs->tok[rs->occ[i].end] < from ||
		    rs->tok[rs->occ[i].start] > to)
			continue;
		for (k = 0; k < c->nkw; k++)
			if (rs->occ[i].id == c->kw[k])
				return 1;
	}
	return 0;
}

/* A hit in the context the rule asks, if it asks one. */
static int
hit_in_context(struct cx_rules *rs, const struct rule *r,
    const struct occ *o)
{
	int j;

	if (!r->context)
		return 1;
	words_of(rs);
	for (j = 0; j < r->nc; j++)
		if ((r->c[j].kind == C_NEAR || r->c[j].kind == C_FAR) &&
		    near(rs, &r->c[j], o, (uint32_t)(r->window ? r->window :
		    WINDOW)) != (r->c[j].kind == C_NEAR))
			return 0;
	return 1;
}

/* A keyword's hit, in the context the rule asks, if it has one. */
static int
in_context(struct cx_rules *rs, const struct rule *r, int kw)
{
	size_t i;

	if (rs->hit[kw] != rs->gen)
		return 0;
	if (!r->context)
		return 1;
	for (i = 0; i < rs->nocc; i++)
		if (rs->occ[i].id == kw && hit_in_context(rs, r, &rs->occ[i]))
			return 1;
	return 0;
}

/*
 * Where the first of rule k's any: and all: words is, in context: a hit
 * is one of them when the keyword's rules (kwrule, which made k a
 * candidate) include k.
 */
static size_t
first_word(struct cx_rules *rs, int k)
{
	const struct occ *o;
	size_t i, at = (size_t)-1;
	int j;

	for (i = 0; i < rs->nocc; i++) {
		o = &rs->occ[i];
		if (o->start >= at)
			continue;
		for (j = 0; j < rs->nkwrule[o->id]; j++)
			if (rs->kwrule[o->id][j] == k)
				break;
		if (j < rs->nkwrule[o->id] && hit_in_context(rs, &rs->r[k], o))
			at = o->start;
	}
	return at;
}

/*
 * "order text": rule k, which matched, against the category so far.  An
 * urgent rule decides at once (the first in the file); the others wait
 * for the end of the record.
 */
static void
by_text(struct cx_rules *rs, int k, struct cx_verdict *v)
{
	const struct rule *r = &rs->r[k];
	size_t at;

	if (r->level == L_URGENT) {
		v->category = r->category;
		v->crule = k;
		return;
	}
	if (rs->best >= 0 && r->level > rs->blevel)
		return;
	at = first_word(rs, k);
	if (rs->best < 0 || r->level < rs->blevel || at < rs->bpos) {
		rs->best = k;
		rs->blevel = r->level;
		rs->bpos = at;
	}
}

static int
holds(struct cx_rules *rs, const struct rule *r, const struct cond *c,
    const struct cx_rec *rec)
{
	struct cx_buf s = { 0 };
	const char *v;
	size_t n;
	double a;
	int i, yes = 0;

	switch (c->kind) {
	case C_ANY:
		for (i = 0; i < c->nkw && !yes; i++)
			yes = in_context(rs, r, c->kw[i]);
		return yes;
	case C_ALL:
		for (i = 0; i < c->nkw; i++)
			if (!in_context(rs, r, c->kw[i]))
				return 0;
		return 1;
	case C_NEAR:
	case C_FAR:
		return 1;		/* asked of each keyword's hit */
	case C_NONE:
		for (i = 0; i < c->nkw; i++)
			if (rs->hit[c->kw[i]] == rs->gen)
				return 0;
		return 1;
	case C_AMOUNT:
		if (cx_json_path(rec, "amount", &v, &n) == -1 ||
		    cx_json_type(v, n) != CX_J_NUM)
			return 0;
		a = strtod(v, NULL);
		switch (c->op) {
		case OP_GT: return a > c->num;
		case OP_GE: return a >= c->num;
		case OP_LT: return a < c->num;
		case OP_LE: return a <= c->num;
		default: return a == c->num;
		}
	default:
		if (cx_rec_getstr(rec, c->kind == C_CHANNEL ? "channel" :
		    c->kind == C_TIER ? "customer.tier" : c->path, &s) == 0)
			yes = one_of(c, &s);
		cx_buf_free(&s);
		return yes;
	}
}

static int
matches(struct cx_rules *rs, const struct rule *r, const struct cx_rec *rec)
{
	int i;

	for (i = 0; i < r->nc; i++)
		if (!holds(rs, r, &r->c[i], rec))
			return 0;
	return 1;
}

/* Try rule k on a record; 1 when no later rule can change the verdict. */
static int
try_rule(struct cx_rules *rs, int k, const struct cx_rec *rec,
    struct cx_verdict *v)
{
	const struct rule *r = &rs->r[k];
	int i;

	if ((v->category != NULL || !rs->later[k].category) &&
	    (v->priority != NULL || !rs->later[k].priority) &&
	    (v->scope != NULL || !rs->later[k].scope) && !rs->later[k].tags)
		return 1;
	if (!matches(rs, r, rec))
		return 0;
	if (v->category == NULL && r->category != NULL) {
		if (rs->bytext)
			by_text(rs, k, v);
		else {
			v->category = r->category;
			v->crule = k;
		}
	}
	if (v->priority == NULL && r->priority != NULL) {
		v->priority = r->priority;
		v->prule = k;
	}
	if (v->scope == NULL && r->scope != NULL) {
		v->scope = r->scope;
		v->srule = k;
	}
	for (i = 0; i < r->ntag && v->ntag < CX_MAXTAGS; i++)
		v->tag[v->ntag++] = r->tag[i];
	return r->stop;
}

void
cx_rules_apply(struct cx_rules *rs, const struct cx_rec *rec,
    struct cx_verdict *v)
{
	struct cx_buf s = { 0 };
	const struct cx_taxon *t;
	uint64_t bits;
	size_t w;
	int k;

	memset(v, 0, sizeof(*v));
	v->crule = v->prule = v->srule = -1;
	rs->best = -1;
	if (++rs->gen == 0) {
		memset(rs->hit, 0, (size_t)rs->nkw * sizeof(*rs->hit));
		rs->gen = 1;
	}
	/* The candidates are a bitmap, read in rule order: no sorting. */
	memcpy(rs->cand, rs->always, rs->nwords * sizeof(*rs->cand));
	rs->nocc = 0;
	rs->text.len = 0;
	if (cx_rec_getstr(rec, "subject", &s) == 0)
		cx_buf_add(&rs->text, s.p, s.len);
	cx_buf_addc(&rs->text, '\n');
	if (cx_rec_getstr(rec, "text", &s) == 0)
		cx_buf_add(&rs->text, s.p, s.len);
	cx_buf_free(&s);
	cx_ac_scan(rs->ac, rs->text.p, rs->text.len, on_hit, rs);
	for (w = 0; w < rs->nwords; w++)
		for (bits = rs->cand[w]; bits != 0; bits &= bits - 1) {
			k = (int)(w * 64) + __builtin_ctzll(bits);
			if (try_rule(rs, k, rec, v))
				goto done;
		}
done:
	if (v->category == NULL && rs->best >= 0) {
		v->category = rs->r[rs->best].category;
		v->crule = rs->best;
	}
	if (v->priority == NULL && v->category != NULL &&
	    (t = cx_taxonomy_get(rs->tax, v->category)) != NULL)
		v->priority = t->priority;
	if (v->scope == NULL)
		v->scope = cx_scope_name("one", 3);
	v->base = v->priority;
	v->priority = cx_priority_scoped(v->base, v->scope);
}

const char *
cx_rules_name(const struct cx_rules *rs, int rule)
{
	return rule >= 0 && rule < rs->nr ? rs->r[rule].name : NULL;
}

/* The keywords of a rule that hit in the last record, as a JSON array. */
void
cx_rules_words(const struct cx_rules *rs, int rule, struct cx_buf *out)
{
	const struct rule *r;
	int i, j, first = 1;

	cx_buf_addc(out, '[');
	if (rule >= 0 && rule < rs->nr) {
		r = &rs->r[rule];
		for (i = 0; i < r->nc; i++) {
			if (r->c[i].kind != C_ANY && r->c[i].kind != C_ALL)
				continue;
			for (j = 0; j < r->c[i].nkw; j++) {
				if (!in_context((struct cx_rules *)rs, r,
				    r->c[i].kw[j]))
					continue;
				if (!first)
					cx_buf_addc(out, ',');
				first = 0;
				cx_json_addstr(out, rs->kw[r->c[i].kw[j]],
				    strlen(rs->kw[r->c[i].kw[j]]));
			}
		}
	}
	cx_buf_addc(out, ']');
}

struct tagset {
	struct cx_buf	*out;		/* a JSON array's members */
	const char	*drop;		/* a raw array of tags to leave out */
	size_t		 dropn;
};

static int
in_array(const char *a, size_t n, const char *v, size_t vn)
{
	const char *p = a, *end = a + n;

	/* The raw strings compared as written: both were written here. */
	while ((p = memmem(p, (size_t)(end - p), v, vn)) != NULL) {
		if (p[-1] != '\\')
			return 1;
		p += vn;
	}
	return 0;
}

static void
keep_tag(void *arg, const char *v, size_t n)
{
	struct tagset *t = arg;

	if ((t->drop != NULL && in_array(t->drop, t->dropn, v, n)) ||
	    in_array(t->out->p ? t->out->p : "", t->out->len, v, n))
		return;
	cx_buf_addc(t->out, ',');
	cx_buf_add(t->out, v, n);
}

/*
 * Tags: those the record has from elsewhere, and those of the rules that
 * matched now; a tag an earlier run's rules gave (classified_by.tags) and
 * no rule gives now goes.  cb gets the rules' tags.
 */
void
cx_verdict_tags(struct cx_rec *r, const struct cx_verdict *v,
    struct cx_buf *tags, struct cx_buf *cb)
{
	struct cx_buf mine = { 0 };
	struct tagset t = { tags, NULL, 0 };
	const struct cx_field *f;
	const char *old = NULL;
	size_t oldn = 0;
	int i;

	if ((f = cx_rec_get(r, "classified_by")) != NULL &&
	    cx_json_member(f->v, f->vlen, "tags", &old, &oldn) == 0) {
		t.drop = old;
		t.dropn = oldn;
	}
	if ((f = cx_rec_get(r, "tags")) != NULL)
		(void)cx_json_each(f->v, f->vlen, keep_tag, &t);
	t.drop = NULL;
	t.out = &mine;
	for (i = 0; i < v->ntag; i++) {
		struct cx_buf s = { 0 };
		cx_json_addstr(&s, v->tag[i], strlen(v->tag[i]));
		keep_tag(&t, s.p, s.len);
		t.out = tags;
		keep_tag(&t, s.p, s.len);
		t.out = &mine;
		cx_buf_free(&s);
	}
	if (tags->len > 0) {
		tags->p[0] = '[';
		cx_buf_addc(tags, ']');
		cx_rec_set_raw(r, "tags", tags->p, tags->len);
	} else
		cx_rec_del(r, "tags");
	if (mine.len > 0) {
		mine.p[0] = '[';
		cx_buf_addc(&mine, ']');
		cx_buf_adds(cb, ",\"tags\":");
		cx_buf_add(cb, mine.p, mine.len);
	}
	cx_buf_free(&mine);
}

/* One line of words per classified record (cx-classify --explain). */
void
cx_classified_explain(const struct cx_rec *r, struct cx_buf *b)
{
	static const char *what[] = { "category", "priority", "scope" };
	const struct cx_field *id, *cb, *f;
	struct cx_buf s = { 0 };
	const char *v, *raw;
	size_t n, rn, i;

	if ((id = cx_rec_get(r, "id")) != NULL &&
	    cx_json_str(id->v, id->vlen, &s) == 0)
		cx_buf_add(b, s.p, s.len);
	else if ((id = cx_rec_get(r, "followup_of")) != NULL &&
	    cx_json_str(id->v, id->vlen, &s) == 0)
		cx_buf_printf(b, "(follow-up of %.*s)", (int)s.len, s.p);
	else
		cx_buf_adds(b, "(no id)");
	cx_buf_addc(b, ':');
	cb = cx_rec_get(r, "classified_by");
	for (i = 0; i < 3; i++) {
		f = cx_rec_get(r, i == 0 && cx_rec_get(r, "subcategory") ?
		    "subcategory" : what[i]);
		s.len = 0;
		if (f == NULL || cx_json_str(f->v, f->vlen, &s) == -1 ||
		    s.len == 0)
			cx_buf_adds(&s, "-");
		cx_buf_printf(b, "%s %s %.*s", i ? ";" : "", what[i],
		    (int)s.len, s.p);
		if (cb == NULL || cx_json_member(cb->v, cb->vlen, what[i], &v,
		    &n) == -1)
			continue;
		if (cx_json_getstr(v, n, "rule", &s) == 0) {
			cx_buf_printf(b, " by rule %.*s", (int)s.len, s.p);
			if (cx_json_member(v, n, "words", &raw, &rn) == 0 &&
			    rn > 2)
				cx_buf_printf(b, ", words %.*s", (int)rn, raw);
		} else if (cx_json_getstr(v, n, "by", &s) == 0)
			cx_buf_printf(b, " (%.*s)", (int)s.len, s.p);
		if (cx_json_getstr(v, n, "over", &s) == 0)
			cx_buf_printf(b, " over rule %.*s", (int)s.len, s.p);
		/* The model sure of the category, not of its subcategory. */
		if (cx_json_member(v, n, "model_confidence", &raw, &rn) == 0 &&
		    cx_json_member(v, n, "confidence", &raw, &rn) == 0)
			cx_buf_printf(b, ", confidence %.*s; its subcategory "
			    "left for a person:", (int)rn, raw);
		else if (cx_json_getstr(v, n, "model", &s) == 0)
			cx_buf_adds(b, ", left for a person:");
		if (cx_json_getstr(v, n, "model", &s) == 0)
			cx_buf_printf(b, " the model's %.*s", (int)s.len, s.p);
		if (cx_json_member(v, n, "model_confidence", &raw, &rn) == 0 ||
		    cx_json_member(v, n, "confidence", &raw, &rn) == 0)
			cx_buf_printf(b, ", confidence %.*s", (int)rn, raw);
		if (cx_json_member(v, n, "threshold", &raw, &rn) == 0)
			cx_buf_printf(b, " under %.*s", (int)rn, raw);
	}
	cx_buf_addc(b, '\n');
	cx_buf_free(&s);
}
