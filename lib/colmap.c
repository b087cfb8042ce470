/*
 * colmap.c: column maps, which name an export's columns in our fields
 * (cx-columns(5)).  A line is "field = Header | Other header | ...";
 * headers match without regard to ASCII case or surrounding blanks.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

static const char *fields[] = {
	"-", "agent", "amount", "answered_at", "anonymous", "attachments",
	"author", "batch", "carrier", "channel", "closed_at", "conversation",
	"currency", "customer.email", "customer.id", "customer.name",
	"customer.phone", "customer.tier", "expectation", "external_id",
	"happened_at", "order_id", "outcome", "received_at", "region",
	"reply_to", "sent_at", "sku", "subject", "text", "timely",
	"warehouse",
};

static int
known_field(const char *f, size_t n)
{
	size_t i;

	if (n > 6 && memcmp(f, "extra.", 6) == 0)
		return 1;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(fields[i]) == n && memcmp(fields[i], f, n) == 0)
			return 1;
	return 0;
}

/* "set FIELD = VALUE": the value of a field no column gives a row. */
static int
set_line(struct cx_colmap *m, const char *l, size_t n, struct cx_err *err)
{
	const char *eq = memchr(l, '=', n), *f = l, *v;
	size_t fn, vn;
	char *name;
	int i;

	if (eq == NULL) {
		cx_seterr(err, "expected \"set field = value\"");
		return -1;
	}
	fn = (size_t)(eq - l);
	cx_trim(&f, &fn);
	v = eq + 1;
	vn = (size_t)(l + n - v);
	cx_trim(&v, &vn);
	name = cx_strndup(f, fn);
	i = cx_intake_index(name);
	free(name);
	if (i < 0) {
		cx_seterr(err, "set: unknown field \"%.*s\"", (int)fn, f);
		return -1;
	}
	if (vn == 0) {
		cx_seterr(err, "set: empty value");
		return -1;
	}
	m->set = cx_grow(m->set, m->nset, sizeof(*m->set));
	m->set[m->nset].field = i;
	m->set[m->nset].value = cx_strndup(v, vn);
	m->nset++;
	return 0;
}

/* "team if Header = Value | Value ...": the rows the team wrote. */
static int
team_line(struct cx_colmap *m, const char *l, size_t n, struct cx_err *err)
{
	const char *eq = memchr(l, '=', n), *h = l, *v, *p, *bar, *end;
	struct cx_buf norm = { 0 };
	size_t hn, vn;

	if (eq == NULL) {
		cx_seterr(err, "expected \"team if Header = value | value "
		    "...\"");
		return -1;
	}
	hn = (size_t)(eq - l);
	cx_trim(&h, &hn);
	v = eq + 1;
	vn = (size_t)(l + n - v);
	cx_trim(&v, &vn);
	if (hn == 0 || vn == 0) {
		cx_seterr(err, "team if: %s", hn == 0 ? "empty header name" :
		    "no value");
		return -1;
	}
	/* The values normalised as headers are, "|" between. */
	for (p = v, end = v + vn; p <= end; p = bar + 1) {
		if ((bar = memchr(p, '|', (size_t)(end - p))) == NULL)
			bar = end;
		if (norm.len > 0)
			cx_buf_addc(&norm, '|');
		cx_header_norm(p, (size_t)(bar - p), &norm);
	}
	m->team = cx_grow(m->team, m->nteam, sizeof(*m->team));
	m->team[m->nteam].header = cx_strndup(h, hn);
	m->team[m->nteam].values = cx_strndup(norm.p, norm.len);
	m->nteam++;
	cx_buf_free(&norm);
	return 0;
}

/* A line that begins with the word w (and a blank): its rest. */
static int
directive(const char **l, size_t *n, const char *w)
{
	size_t k = strlen(w);

	if (*n <= k || memcmp(*l, w, k) != 0 || (*l)[k] != ' ')
		return 0;
	*l += k;
	*n -= k;
	cx_trim(l, n);
	return 1;
}

static int
map_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct cx_colmap *m = arg;
	const char *eq, *f = l, *p, *end = l + n, *bar, *h;
	struct cx_buf norm = { 0 };
	size_t fn, hn;
	int r = 0;

	(void)line;
	if (directive(&l, &n, "set"))
		return set_line(m, l, n, err);
	if (directive(&l, &n, "ids")) {
		if (!directive(&l, &n, "of") || n == 0 ||
		    memchr(l, ' ', n) != NULL || memchr(l, '\t', n) != NULL) {
			cx_seterr(err, "expected \"ids of NAME\"");
			return -1;
		}
		free(m->ns);
		m->ns = cx_strndup(l, n);
		return 0;
	}
	if (directive(&l, &n, "team")) {
		if (!directive(&l, &n, "if")) {
			cx_seterr(err, "expected \"team if Header = value | "
			    "value ...\"");
			return -1;
		}
		return team_line(m, l, n, err);
	}
	if ((eq = memchr(l, '=', n)) == NULL) {
		cx_seterr(err, "expected \"field = Header | Header ...\"");
		return -1;
	}
	fn = (size_t)(eq - l);
	cx_trim(&f, &fn);
	if (!known_field(f, fn)) {
		cx_seterr(err, "unknown field \"%.*s\"", (int)fn, f);
		return -1;
	}
	for (p = eq + 1; p <= end; p = bar + 1) {
		if ((bar = memchr(p, '|', (size_t)(end - p))) == NULL)
			bar = end;
		h = p;
		hn = (size_t)(bar - p);
		cx_trim(&h, &hn);
		if (hn == 0 && !(fn == 1 && *f == '-')) {
			cx_seterr(err, "empty header name");
			r = -1;
			break;
		}
		m->col = cx_grow(m->col, m->n, sizeof(*m->col));
		m->col[m->n].field = cx_strndup(f, fn);
		m->col[m->n].header = cx_strndup(h, hn);
		norm.len = 0;
		cx_header_norm(h, hn, &norm);
		m->col[m->n].norm = cx_strndup(norm.p, norm.len);
		m->n++;
		if (bar == end)
			break;
	}
	cx_buf_free(&norm);
	return r;
}

struct cx_colmap *
cx_colmap_load(const char *path, struct cx_err *err)
{
	struct cx_colmap *m;
	const char *base, *dot;

	m = cx_alloc(sizeof(*m));
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	dot = strrchr(base, '.');
	m->name = cx_strndup(base, dot ? (size_t)(dot - base) : strlen(base));
	m->path = cx_strndup(path, strlen(path));
	if (cx_conf_lines(path, map_line, m, err) == -1) {
		cx_colmap_free(m);
		return NULL;
	}
	return m;
}

/*
 * The field of a header: that of the map's header that is the same,
 * normalised; else of those it is a character away from, or else of
 * those it holds, where those are all of one field ("快递公司电话" holds
 * a carrier's header and a phone's: it is neither).
 */
const char *
cx_colmap_match(const struct cx_colmap *m, const char *h, size_t n,
    enum cx_hdr *how, const char **like)
{
	struct cx_buf b = { 0 };
	const char *f = NULL;
	size_t i, best, len;
	int k, many = 0, hit;

	*how = CX_HDR_NONE;
	*like = NULL;
	cx_trim(&h, &n);
	cx_header_norm(h, n, &b);
	for (i = 0; i < m->n && f == NULL && b.len > 0; i++)
		if (strcmp(m->col[i].norm, b.p) == 0) {
			f = m->col[i].field;
			*how = CX_HDR_SAME;
			*like = m->col[i].header;
		}
	for (k = CX_HDR_CLOSE; k <= CX_HDR_HOLDS && f == NULL && b.len > 0;
	    k++) {
		for (i = 0, best = 0; i < m->n; i++) {
			hit = k == CX_HDR_CLOSE ?
			    cx_header_close(b.p, m->col[i].norm) :
			    cx_header_holds(b.p, m->col[i].norm);
			if (!hit)
				continue;
			if (f != NULL && strcmp(f, m->col[i].field) != 0)
				many = 1;
			/* The longest it holds is the one to name. */
			if (f == NULL || (len = strlen(m->col[i].norm)) > best) {
				f = m->col[i].field;
				*like = m->col[i].header;
				best = strlen(m->col[i].norm);
			}
		}
		if (f != NULL)
			*how = many ? CX_HDR_AMBIGUOUS : (enum cx_hdr)k;
	}
	cx_buf_free(&b);
	return *how == CX_HDR_AMBIGUOUS ? NULL : f;
}

const char *
cx_colmap_field(const struct cx_colmap *m, const char *h, size_t n)
{
	enum cx_hdr how;
	const char *like;

	return cx_colmap_match(m, h, n, &how, &like);
}

void
cx_colmap_free(struct cx_colmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->col[i].field);
		free(m->col[i].header);
		free(m->col[i].norm);
	}
	for (i = 0; i < m->nset; i++)
		free(m->set[i].value);
	for (i = 0; i < m->nteam; i++) {
		free(m->team[i].header);
		free(m->team[i].values);
	}
	free(m->col);
	free(m->path);
	free(m->ns);
	free(m->set);
	free(m->team);
	free(m->name);
	free(m);
}

static int
score(const struct cx_colmap *m, const struct cx_csvrow *hdr)
{
	size_t i;
	int s = 0;

	for (i = 0; i < hdr->n; i++)
		if (hdr->flen[i] > 0 && cx_colmap_field(m,
		    hdr->data.p + hdr->off[i], hdr->flen[i]) != NULL)
			s++;
	return s;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Scan one directory of maps, keeping the best; names sorted for ties. */
static int
scan(const char *dir, const struct cx_csvrow *hdr, struct cx_colmap **best,
    int *bestscore, struct cx_err *err)
{
	struct cx_buf path = { 0 };
	struct dirent *d;
	struct cx_colmap *m;
	char **names = NULL;
	size_t n = 0, i, len;
	DIR *dp;
	int s, r = 0;

	/* No directory is no maps; one that cannot be read is an error. */
	if ((dp = opendir(dir)) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		cx_seterr(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (errno = 0; (d = readdir(dp)) != NULL; errno = 0) {
		len = strlen(d->d_name);
		if (len > 4 && strcmp(d->d_name + len - 4, ".map") == 0) {
			names = cx_grow(names, n, sizeof(*names));
			names[n++] = cx_strndup(d->d_name, len);
		}
	}
	if (errno != 0) {
		cx_seterr(err, "%s: %s", dir, strerror(errno));
		r = -1;
	}
	closedir(dp);
	if (n > 0)		/* names is NULL then, which qsort may not get */
		qsort(names, n, sizeof(*names), cmpstr);
	for (i = 0; i < n; i++) {
		path.len = 0;
		cx_buf_printf(&path, "%s/%s", dir, names[i]);
		if (r == 0 && (m = cx_colmap_load(cx_buf_str(&path), err))
		    == NULL)
			r = -1;
		else if (r == 0 && (s = score(m, hdr)) > *bestscore) {
			cx_colmap_free(*best);
			*best = m;
			*bestscore = s;
		} else if (r == 0)
			cx_colmap_free(m);
		free(names[i]);
	}
	free(names);
	cx_buf_free(&path);
	return r;
}

/* -1 if a map file is broken; else 0, and *out NULL if none fits. */
int
cx_colmap_guess(const char *spool, const struct cx_csvrow *hdr,
    struct cx_colmap **out, struct cx_err *err)
{
	struct cx_buf dir = { 0 };
	int bestscore = 1;	/* one matching header is not a fit */
	int r = 0;

	*out = NULL;
	if (spool != NULL) {
		cx_buf_printf(&dir, "%s/etc/columns", spool);
		r = scan(cx_buf_str(&dir), hdr, out, &bestscore, err);
	}
	if (r == 0) {
		dir.len = 0;
		cx_buf_printf(&dir, "%s/columns", cx_share_dir());
		r = scan(cx_buf_str(&dir), hdr, out, &bestscore, err);
	}
	cx_buf_free(&dir);
	if (r == -1) {
		cx_colmap_free(*out);
		*out = NULL;
	}
	return r;
}

/*
 * A header's columns as intake fields.  The map stays the caller's; the
 * header is copied, as rows read later reuse the CSV reader's buffers.
 */
void
cx_cols_open(struct cx_cols *c, const struct cx_colmap *map,
    const struct cx_csvrow *hdr)
{
	struct cx_buf want = { 0 }, got = { 0 };
	const char *f, *h;
	size_t i, k, n;

	memset(c, 0, sizeof(*c));
	c->map = map;
	c->n = hdr->n;
	c->hdr = cx_strndup(hdr->data.p, hdr->data.len);
	c->idx = cx_alloc(c->n * sizeof(*c->idx));
	c->xname = cx_alloc(c->n * sizeof(*c->xname));
	c->xlen = cx_alloc(c->n * sizeof(*c->xlen));
	c->how = cx_alloc(c->n * sizeof(*c->how));
	c->like = cx_alloc(c->n * sizeof(*c->like));
	c->field = cx_alloc(c->n * sizeof(*c->field));
	c->head = cx_alloc(c->n * sizeof(*c->head));
	c->hlen = cx_alloc(c->n * sizeof(*c->hlen));
	for (i = 0; i < c->n; i++) {
		h = c->hdr + hdr->off[i];
		n = hdr->flen[i];
		cx_trim(&h, &n);
		c->head[i] = h;
		c->hlen[i] = n;
		f = c->field[i] = cx_colmap_match(map, h, n, &c->how[i],
		    &c->like[i]);
		c->idx[i] = CX_COL_EXTRA;
		c->xname[i] = h;
		c->xlen[i] = n;
		if ((f != NULL && strcmp(f, "-") == 0) || (f == NULL && n == 0))
			c->idx[i] = CX_COL_IGNORE;
		else if (f != NULL && strncmp(f, "extra.", 6) == 0) {
			c->xname[i] = f + 6;
			c->xlen[i] = strlen(f + 6);
		} else if (f != NULL)
			c->idx[i] = cx_intake_index(f);
		else
			c->idx[i] = CX_COL_UNKNOWN;
	}
	/* Rows of a conversation: the map says who wrote each, or what
	 * each answers. */
	c->threaded = map->nteam > 0 || map->ns != NULL;
	for (i = 0; i < c->n; i++)
		if (c->idx[i] == CX_I_REPLYTO || c->idx[i] == CX_I_CONV)
			c->threaded = 1;
	c->teamcol = cx_alloc((map->nteam + 1) * sizeof(*c->teamcol));
	/* A "team if" may name its column in several ways, "|" between. */
	for (k = 0; k < map->nteam; k++) {
		c->teamcol[k] = c->n;
		for (h = map->team[k].header; h != NULL && c->teamcol[k] ==
		    c->n; h = strchr(h, '|') ? strchr(h, '|') + 1 : NULL) {
			want.len = 0;
			cx_header_norm(h, strcspn(h, "|"), &want);
			for (i = 0; i < c->n && c->teamcol[k] == c->n; i++) {
				got.len = 0;
				cx_header_norm(c->hdr + hdr->off[i],
				    hdr->flen[i], &got);
				if (want.len > 0 && strcmp(got.p, want.p) == 0)
					c->teamcol[k] = i;
			}
		}
		/* Read for "team if", and not kept unless mapped. */
		if (c->teamcol[k] < c->n &&
		    c->idx[c->teamcol[k]] == CX_COL_UNKNOWN) {
			c->idx[c->teamcol[k]] = CX_COL_IGNORE;
			c->how[c->teamcol[k]] = CX_HDR_TEAM;
		}
	}
	cx_buf_free(&want);
	cx_buf_free(&got);
}

const char *
cx_colmap_name(const struct cx_colmap *m)
{
	return m->name;
}

const char *
cx_colmap_path(const struct cx_colmap *m)
{
	return m->path;
}

/* The header of a "team if" no column of the export has, or NULL. */
const char *
cx_cols_team_missing(const struct cx_cols *c)
{
	size_t k;

	for (k = 0; k < c->map->nteam; k++)
		if (c->teamcol[k] == c->n)
			return c->map->team[k].header;
	return NULL;
}

/* Whether v is one of the values of a "team if", normalised, "a|b|c". */
static int
listed_value(const char *values, const char *v, size_t n)
{
	struct cx_buf b = { 0 };
	const char *p = values, *bar;
	size_t wn;
	int yes = 0;

	cx_header_norm(v, n, &b);
	for (; !yes; p = bar + 1) {
		bar = strchr(p, '|');
		wn = bar != NULL ? (size_t)(bar - p) : strlen(p);
		yes = wn == b.len && memcmp(p, b.p, wn) == 0;
		if (bar == NULL)
			break;
	}
	cx_buf_free(&b);
	return yes;
}

/* Fill an intake from a row; returns the row's source key. */
struct cx_key
cx_cols_fill(const struct cx_cols *c, const struct cx_csvrow *row,
    struct cx_intake *t)
{
	struct cx_buf k = { 0 };
	struct cx_key key;
	const char *v;
	size_t i;

	t->map = c->map->name;
	t->ns = c->map->ns != NULL ? c->map->ns : c->map->name;
	t->threaded = c->threaded;
	for (i = 0; i < c->map->nteam && !t->team; i++)
		t->team = c->teamcol[i] < row->n && listed_value(
		    c->map->team[i].values, row->data.p + row->off[c->teamcol[i]],
		    row->flen[c->teamcol[i]]);
	for (i = 0; i < row->n && i < c->n; i++) {
		v = row->data.p + row->off[i];
		if (c->idx[i] >= 0) {
			/* Two columns for one field: the first not empty. */
			if (t->v[c->idx[i]] == NULL || t->n[c->idx[i]] == 0) {
				t->v[c->idx[i]] = v;
				t->n[c->idx[i]] = row->flen[i];
			}
		} else if (c->idx[i] != CX_COL_IGNORE && row->flen[i] > 0)
			cx_intake_extra(t, c->xname[i], c->xlen[i], v,
			    row->flen[i]);
	}
	/* A field no column gave, the map may set. */
	for (i = 0; i < c->map->nset; i++)
		if (t->v[c->map->set[i].field] == NULL ||
		    t->n[c->map->set[i].field] == 0) {
			t->v[c->map->set[i].field] = c->map->set[i].value;
			t->n[c->map->set[i].field] =
			    strlen(c->map->set[i].value);
		}
	/* The export's own id names the row; without one, its content. */
	if (t->v[CX_I_EXTID] != NULL && t->n[CX_I_EXTID] > 0) {
		cx_buf_add(&k, "x", 2);
		cx_buf_add(&k, c->map->name, strlen(c->map->name) + 1);
		cx_buf_add(&k, t->v[CX_I_EXTID], t->n[CX_I_EXTID]);
	} else
		for (i = 0; i < row->n; i++) {
			cx_buf_addc(&k, 0);
			cx_buf_add(&k, row->data.p + row->off[i], row->flen[i]);
		}
	key = cx_key_of(k.p, k.len);
	cx_buf_free(&k);
	return key;
}

void
cx_cols_free(struct cx_cols *c)
{
	free(c->idx);
	free(c->xname);
	free(c->xlen);
	free(c->how);
	free(c->like);
	free(c->field);
	free(c->head);
	free(c->hlen);
	free(c->teamcol);
	free(c->hdr);
	memset(c, 0, sizeof(*c));
}
