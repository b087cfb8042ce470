/*
 * ac.c: Aho-Corasick matching over UTF-8 bytes, for classification rules.
 *
 * All the keywords of all the rules go into one automaton, so a text is
 * read once whatever the number of rules: a thousand rules cost about what
 * ten do.  ASCII letters are folded to lower case on both sides; other
 * bytes match exactly (the rules add the traditional and simplified forms
 * of Chinese keywords themselves).  The root state has a full table, as
 * most bytes of most texts start no keyword; other states keep their few
 * edges sorted.  States one and two bytes deep (a CJK character's first
 * bytes, the hottest states after the root) get full tables as well, with
 * their failure transitions folded in.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

#define FULLDEPTH	2

struct edge {
	unsigned char	 c;
	int		 to;
};

struct state {
	struct edge	*e;		/* while building: own array */
	int		 ne;
	int		 fail;
	int		 out;		/* first pattern ending here, or -1 */
	int		 dict;		/* next state with output on the fail chain */
	int		 depth;
	int		*full;		/* a full table, near the root, or NULL */
};

struct pat {
	int		 id;
	unsigned	 flags;
	int		 len;
	int		 next;		/* next pattern ending in the same state */
};

struct cx_ac {
	struct state	*s;
	int		 ns;
	struct pat	*p;
	int		 np;
	int		 root[256];
	int		 built;
};

static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int
isword(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static int
new_state(struct cx_ac *a, int depth)
{
	a->s = cx_grow(a->s, (size_t)a->ns, sizeof(*a->s));
	memset(&a->s[a->ns], 0, sizeof(a->s[0]));
	a->s[a->ns].out = a->s[a->ns].dict = -1;
	a->s[a->ns].depth = depth;
	return a->ns++;
}

struct cx_ac *
cx_ac_new(void)
{
	struct cx_ac *a;

	a = cx_alloc(sizeof(*a));
	new_state(a, 0);
	return a;
}

static int
go(const struct cx_ac *a, int s, unsigned char c)
{
	const struct state *st = &a->s[s];
	int lo = 0, hi = st->ne - 1, mid;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		if (st->e[mid].c == c)
			return st->e[mid].to;
		if (st->e[mid].c < c)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static void
add_edge(struct cx_ac *a, int s, unsigned char c, int to)
{
	struct state *st = &a->s[s];
	int i;

	st->e = cx_grow(st->e, (size_t)st->ne, sizeof(*st->e));
	for (i = st->ne; i > 0 && st->e[i - 1].c > c; i--)
		st->e[i] = st->e[i - 1];
	st->e[i].c = c;
	st->e[i].to = to;
	st->ne++;
}

void
cx_ac_add(struct cx_ac *a, const char *pat, size_t n, int id, unsigned flags)
{
	struct pat *p;
	size_t i;
	int s = 0, t;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		if ((t = go(a, s, fold((unsigned char)pat[i]))) == -1) {
			t = new_state(a, (int)i + 1);
			add_edge(a, s, fold((unsigned char)pat[i]), t);
		}
		s = t;
	}
	a->p = cx_grow(a->p, (size_t)a->np, sizeof(*a->p));
	p = &a->p[a->np];
	p->id = id;
	p->len = (int)n;
	/* Whole-word matching only makes sense at an ASCII word edge. */
	p->flags = flags;
	if (!isword((unsigned char)pat[0]))
		p->flags &= ~CX_AC_WORD_START;
	if (!isword((unsigned char)pat[n - 1]))
		p->flags &= ~CX_AC_WORD_END;
	p->next = a->s[s].out;
	a->s[s].out = a->np++;
}

/* Failure and dictionary links, breadth first from the root. */
void
cx_ac_build(struct cx_ac *a)
{
	int *queue, head = 0, tail = 0, s, t, f, i, c;

	queue = cx_alloc((size_t)a->ns * sizeof(*queue));
	for (c = 0; c < 256; c++)
		a->root[c] = 0;
	for (i = 0; i < a->s[0].ne; i++) {
		t = a->s[0].e[i].to;
		a->root[a->s[0].e[i].c] = t;
		a->s[t].fail = 0;
		queue[tail++] = t;
	}
	while (head < tail) {
		s = queue[head++];
		for (i = 0; i < a->s[s].ne; i++) {
			c = a->s[s].e[i].c;
			t = a->s[s].e[i].to;
			for (f = a->s[s].fail; f != 0 && go(a, f, (unsigned char)c)
			    == -1;)
				f = a->s[f].fail;
			f = f == 0 ? a->root[c] : go(a, f, (unsigned char)c);
			a->s[t].fail = f == t ? 0 : f;
			a->s[t].dict = a->s[a->s[t].fail].out != -1 ?
			    a->s[t].fail : a->s[a->s[t].fail].dict;
			queue[tail++] = t;
		}
	}
	/* Full tables for the shallow states, in breadth-first order, so a
	 * state's failure target (always shallower) has its table already. */
	for (head = 0; head < tail; head++) {
		s = queue[head];
		if (a->s[s].depth > FULLDEPTH)
			break;
		a->s[s].full = cx_alloc(256 * sizeof(int));
		f = a->s[s].fail;
		for (c = 0; c < 256; c++) {
			t = go(a, s, (unsigned char)c);
			a->s[s].full[c] = t != -1 ? t : f == 0 ? a->root[c] :
			    a->s[f].full[c];
		}
	}
	free(queue);
	a->built = 1;
}

static void
report(const struct cx_ac *a, int s, const unsigned char *text, size_t n,
    size_t end, void (*hit)(void *, int, size_t, size_t), void *arg)
{
	const struct pat *p;
	size_t start;
	int i;

	for (i = a->s[s].out; i != -1; i = p->next) {
		p = &a->p[i];
		start = end + 1 - (size_t)p->len;
		if ((p->flags & CX_AC_WORD_START) && start > 0 &&
		    isword(text[start - 1]))
			continue;
		if ((p->flags & CX_AC_WORD_END) && end + 1 < n &&
		    isword(text[end + 1]))
			continue;
		hit(arg, p->id, start, end);
	}
}

void
cx_ac_scan(const struct cx_ac *a, const char *text, size_t n,
    void (*hit)(void *, int, size_t, size_t), void *arg)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t i;
	int s = 0, next;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = fold(t[i]);
		if (s == 0)
			s = a->root[c];
		else if (a->s[s].full != NULL)
			s = a->s[s].full[c];
		else
			for (;;) {
				if (a->s[s].full != NULL) {
					s = a->s[s].full[c];
					break;
				}
				if ((next = go(a, s, c)) != -1) {
					s = next;
					break;
				}
				if ((s = a->s[s].fail) == 0) {
					s = a->root[c];
					break;
				}
			}
		if (a->s[s].out != -1)
			report(a, s, t, n, i, hit, arg);
		for (next = a->s[s].dict; next != -1; next = a->s[next].dict)
			report(a, next, t, n, i, hit, arg);
	}
}

void
cx_ac_free(struct cx_ac *a)
{
	int i;

	if (a == NULL)
		return;
	for (i = 0; i < a->ns; i++) {
		free(a->s[i].e);
		free(a->s[i].full);
	}
	free(a->s);
	free(a->p);
	free(a);
}
