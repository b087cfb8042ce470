/*
 * colmap.c: column maps, which name an export's columns in our fields
 * (cx-columns(5)).  A line is "field = Header | Other header | ...";
 * headers match without regard to ASCII case or surrounding blanks.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

static const char *fields[] = {
	"-", "agent", "amount", "anonymous", "attachments", "batch",
	"carrier", "channel", "currency", "customer.email", "customer.id",
	"customer.name", "customer.phone", "customer.tier", "expectation",
	"external_id", "happened_at", "order_id", "received_at", "region",
	"sku", "subject", "text", "warehouse",
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

static int
map_line(void *arg, const char *l, size_t n, unsigned long line,
    struct cx_err *err)
{
	struct cx_colmap *m = arg;
	const char *eq, *f = l, *p, *end = l + n, *bar, *h;
	size_t fn, hn;

	(void)line;
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
			return -1;
		}
		m->col = cx_grow(m->col, m->n, sizeof(*m->col));
		m->col[m->n].field = cx_strndup(f, fn);
		m->col[m->n].header = cx_strndup(h, hn);
		m->n++;
		if (bar == end)
			break;
	}
	return 0;
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
	if (cx_conf_lines(path, map_line, m, err) == -1) {
		cx_colmap_free(m);
		return NULL;
	}
	return m;
}

const char *
cx_colmap_field(const struct cx_colmap *m, const char *h, size_t n)
{
	size_t i;

	cx_trim(&h, &n);
	for (i = 0; i < m->n; i++)
		if (cx_streqi(m->col[i].header, strlen(m->col[i].header), h, n))
			return m->col[i].field;
	return NULL;
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
	}
	free(m->col);
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

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((d = readdir(dp)) != NULL) {
		len = strlen(d->d_name);
		if (len > 4 && strcmp(d->d_name + len - 4, ".map") == 0) {
			names = cx_grow(names, n, sizeof(*names));
			names[n++] = cx_strndup(d->d_name, len);
		}
	}
	closedir(dp);
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
	const char *f, *h;
	size_t i, n;

	memset(c, 0, sizeof(*c));
	c->map = map;
	c->n = hdr->n;
	c->hdr = cx_strndup(hdr->data.p, hdr->data.len);
	c->idx = cx_alloc(c->n * sizeof(*c->idx));
	c->xname = cx_alloc(c->n * sizeof(*c->xname));
	c->xlen = cx_alloc(c->n * sizeof(*c->xlen));
	for (i = 0; i < c->n; i++) {
		h = c->hdr + hdr->off[i];
		n = hdr->flen[i];
		cx_trim(&h, &n);
		f = cx_colmap_field(map, h, n);
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
	free(c->hdr);
	memset(c, 0, sizeof(*c));
}
