/*
 * conf.c: where configuration lives and how its lines are read.
 *
 * A spool's etc/NAME overrides the shipped share/cx/NAME, file by file.
 * The shipped directory is $CX_SHARE, or found next to the program: an
 * installed tool in PREFIX/bin uses PREFIX/share/cx, and a tool in the
 * build tree (build/bin, build/san/bin) finds the checkout's share/cx.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"

static char *sharedir;
static int shareerr;		/* why sharedir could not be told */

/* 1 if dir has the file, 0 if not, -1 if that cannot be told. */
static int
isdir_with(const char *dir, const char *file)
{
	struct cx_buf b = { 0 };
	int r = 1, e;

	cx_buf_printf(&b, "%s/%s", dir, file);
	if (access(cx_buf_str(&b), R_OK) == -1)
		r = errno == ENOENT || errno == ENOTDIR || errno == EACCES ?
		    0 : -1;
	e = errno;
	cx_buf_free(&b);
	errno = e;
	return r;
}

const char *
cx_share_dir(void)
{
	static const char *up[] = { "/..", "/../..", "/../../.." };
	struct cx_buf b = { 0 };
	char exe[PATH_MAX], *slash;
	const char *env;
	ssize_t n;
	size_t i;
	int r;

	if (sharedir != NULL)
		return sharedir;
	if ((env = getenv("CX_SHARE")) != NULL && *env != '\0')
		return sharedir = cx_strndup(env, strlen(env));
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
			b.len = 0;
			cx_buf_printf(&b, "%s%s/share/cx", exe, up[i]);
			/* One that cannot be told is taken, so that the
			 * read that follows says what is wrong with it,
			 * rather than another directory's files used. */
			if ((r = isdir_with(cx_buf_str(&b), "cx.conf")) != 0) {
				shareerr = r == -1 ? errno : 0;
				sharedir = cx_strndup(b.p, b.len);
				break;
			}
		}
	}
	if (sharedir == NULL)
		sharedir = cx_strndup(CX_SHAREDIR, strlen(CX_SHAREDIR));
	cx_buf_free(&b);
	return sharedir;
}

/*
 * 1 if a configuration file is there to read, 0 if it is not there; -1
 * and why if that cannot be told (EIO), or if it is there but cannot be
 * read (EACCES): taken for absent, it would leave a team's own file out
 * for the shipped one without a word.
 */
static int
readable(const char *path, struct cx_err *err)
{
	if (access(path, R_OK) == 0)
		return 1;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	cx_seterr(err, "%s: %s", path, strerror(errno));
	return -1;
}

int
cx_conf_path(const char *spool, const char *name, char **path,
    struct cx_err *err)
{
	struct cx_buf b = { 0 };
	int k = 0;

	*path = NULL;
	if (spool != NULL) {
		cx_buf_printf(&b, "%s/etc/%s", spool, name);
		k = readable(cx_buf_str(&b), err);
	}
	if (k == 0 && cx_share_dir() != NULL && shareerr != 0) {
		cx_seterr(err, "%s/cx.conf: %s", sharedir, strerror(shareerr));
		k = -1;
	}
	if (k == 0) {
		b.len = 0;
		cx_buf_printf(&b, "%s/%s", cx_share_dir(), name);
		k = readable(cx_buf_str(&b), err);
	}
	if (k == 1)
		*path = b.p;
	else
		cx_buf_free(&b);
	return k == -1 ? -1 : 0;
}

int
cx_conf_lines(const char *path,
    int (*fn)(void *, const char *, size_t, unsigned long, struct cx_err *),
    void *arg, struct cx_err *err)
{
	struct cx_in in;
	struct cx_err e2;
	const char *l;
	size_t n;
	int r;

	if (cx_in_open(&in, path, err) == -1)
		return -1;
	while ((r = cx_in_line(&in, &l, &n, err)) == 1) {
		if (in.cut) {
			cx_cut_why(&e2, "a line");
			cx_seterr(err, "%s:%lu: %s", path, in.lineno, e2.msg);
			r = -1;
			break;
		}
		if (in.lineno == 1 && n >= 3 && memcmp(l, "\xef\xbb\xbf", 3) == 0) {
			l += 3;
			n -= 3;
		}
		cx_trim(&l, &n);
		if (n == 0 || l[0] == '#')
			continue;
		if (!cx_utf8_valid(l, n)) {
			cx_seterr(err, "%s:%lu: invalid UTF-8", path, in.lineno);
			r = -1;
			break;
		}
		if (fn(arg, l, n, in.lineno, &e2) == -1) {
			cx_seterr(err, "%s:%lu: %s", path, in.lineno, e2.msg);
			r = -1;
			break;
		}
	}
	cx_in_close(&in);
	return r == -1 ? -1 : 0;
}

/* Alias tables: "code: alias, alias, ..." */
struct alias {
	char	*code;			/* shared by a code's aliases */
	char	*alias;
	size_t	 len;
	int	 owner;			/* this entry frees code */
};
#define ALIAS_MEMO	64
struct alias_memo {
	char		*q;		/* a value asked for */
	size_t		 n;
	const char	*code;		/* and its code */
};
struct cx_alias {
	struct alias	*a;
	size_t		 n;
	size_t		 cap;
	struct alias_memo memo[ALIAS_MEMO];	/* for cx_alias_code */
	struct alias_memo fmemo[ALIAS_MEMO];	/* for cx_alias_find */
};

static void
alias_add(struct cx_alias *t, const char *code, const char *s, size_t n)
{
	t->a = cx_grow(t->a, t->n, sizeof(*t->a));
	t->a[t->n].code = (char *)code;
	t->a[t->n].alias = cx_strndup(s, n);
	t->a[t->n].len = n;
	t->a[t->n].owner = s == code;
	t->n++;
}

static int
alias_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct cx_alias *t = arg;
	const char *colon, *p, *end = l + n, *comma;
	size_t cn, an;
	char *code;

	(void)line;
	if ((colon = memchr(l, ':', n)) == NULL) {
		cx_seterr(err, "expected \"code: alias, alias, ...\"");
		return -1;
	}
	p = l;
	cn = (size_t)(colon - l);
	cx_trim(&p, &cn);
	if (cn == 0 || memchr(p, ' ', cn) != NULL) {
		cx_seterr(err, "the code before ':' must be one word");
		return -1;
	}
	code = cx_strndup(p, cn);
	alias_add(t, code, code, cn);	/* a code is its own alias */
	for (p = colon + 1; p < end; p = comma + 1) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		const char *a = p;
		an = (size_t)(comma - p);
		cx_trim(&a, &an);
		if (an > 0)
			alias_add(t, code, a, an);
	}
	return 0;
}

struct cx_alias *
cx_alias_load(const char *path, struct cx_err *err)
{
	struct cx_alias *t;

	t = cx_alloc(sizeof(*t));
	if (cx_conf_lines(path, alias_line, t, err) == -1) {
		cx_alias_free(t);
		return NULL;
	}
	return t;
}

/* A code's first alias other than itself (its name in the team's
 * language, as the tables list it first), else the code. */
const char *
cx_alias_label(const struct cx_alias *t, const char *code)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->a[i].code, code) == 0 && !t->a[i].owner)
			return t->a[i].alias;
	return code;
}

/* Exports repeat a handful of values: recent answers are kept. */
static const char **
memo(struct alias_memo *tab, const char *s, size_t n, int *hit)
{
	struct cx_key k = cx_key_of(s, n);
	struct alias_memo *m = &tab[k.h[0] % ALIAS_MEMO];

	*hit = m->q != NULL && m->n == n && memcmp(m->q, s, n) == 0;
	if (!*hit) {
		free(m->q);
		m->q = cx_strndup(s, n);
		m->n = n;
	}
	return &m->code;
}

const char *
cx_alias_code(struct cx_alias *t, const char *s, size_t n)
{
	const char **code;
	size_t i;
	int hit;

	cx_trim(&s, &n);
	if ((code = memo(t->memo, s, n, &hit)) != NULL && hit)
		return *code;
	*code = NULL;
	for (i = 0; i < t->n && *code == NULL; i++)
		if (cx_streqi(t->a[i].alias, t->a[i].len, s, n))
			*code = t->a[i].code;
	return *code;
}

static int
contains_i(const char *h, size_t hn, const char *nd, size_t nn)
{
	size_t i;

	for (i = 0; nn > 0 && i + nn <= hn; i++)
		if (cx_streqi(h + i, nn, nd, nn))
			return 1;
	return 0;
}

const char *
cx_alias_find(struct cx_alias *t, const char *s, size_t n)
{
	const char **code;
	size_t i;
	int hit;

	if ((code = memo(t->fmemo, s, n, &hit)) != NULL && hit)
		return *code;
	*code = NULL;
	for (i = 0; i < t->n && *code == NULL; i++)
		if (contains_i(s, n, t->a[i].alias, t->a[i].len))
			*code = t->a[i].code;
	return *code;
}

void
cx_alias_free(struct cx_alias *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		if (t->a[i].owner)
			free(t->a[i].code);
		free(t->a[i].alias);
	}
	free(t->a);
	for (i = 0; i < ALIAS_MEMO; i++) {
		free(t->memo[i].q);
		free(t->fmemo[i].q);
	}
	free(t);
}

struct setting {
	const char	*key;
	char		*val;
};

static int
setting_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct setting *s = arg;
	const char *eq, *k = l, *v;
	size_t kn, vn;

	(void)line;
	if ((eq = memchr(l, '=', n)) == NULL) {
		cx_seterr(err, "expected \"key = value\"");
		return -1;
	}
	kn = (size_t)(eq - l);
	cx_trim(&k, &kn);
	v = eq + 1;
	vn = (size_t)(l + n - v);
	cx_trim(&v, &vn);
	if (kn == strlen(s->key) && memcmp(k, s->key, kn) == 0) {
		free(s->val);
		s->val = cx_strndup(v, vn);
	}
	return 0;
}

/*
 * A setting from cx.conf; a spool's etc/cx.conf is read after the shipped
 * one, so its lines win.  *val is NULL if the key is set nowhere.
 */
int
cx_setting(const char *spool, const char *key, char **val, struct cx_err *err)
{
	struct setting s = { key, NULL };
	struct cx_buf b = { 0 };
	int r = 0;

	cx_buf_printf(&b, "%s/cx.conf", cx_share_dir());
	if ((r = readable(cx_buf_str(&b), err)) == 1)
		r = cx_conf_lines(b.p, setting_line, &s, err);
	if (r == 0 && spool != NULL) {
		b.len = 0;
		cx_buf_printf(&b, "%s/etc/cx.conf", spool);
		if ((r = readable(cx_buf_str(&b), err)) == 1)
			r = cx_conf_lines(b.p, setting_line, &s, err);
	}
	cx_buf_free(&b);
	if (r == -1) {
		free(s.val);
		s.val = NULL;
	}
	*val = s.val;
	return r;
}

/* A configuration file that must be there; NULL and why if it is not. */
char *
cx_conf_need(const char *spool, const char *name, struct cx_err *err)
{
	char *path;

	if (cx_conf_path(spool, name, &path, err) == 0 && path == NULL)
		cx_seterr(err, "no %s file in %s or the spool's etc/", name,
		    cx_share_dir());
	return path;
}

/* A whole-number setting from lo to hi, def where it is not set. */
int
cx_setting_number(const char *spool, const char *key, size_t def,
    size_t lo, size_t hi, size_t *val, struct cx_err *err)
{
	char *v = NULL;
	int r = 0;

	if (cx_setting(spool, key, &v, err) == -1)
		return -1;
	*val = def;
	if (v != NULL && cx_number(v, lo, hi, val) == -1) {
		cx_seterr(err, "cx.conf: %s: \"%s\" is not a number from %zu "
		    "to %zu", key, v, lo, hi);
		r = -1;
	}
	free(v);
	return r;
}
