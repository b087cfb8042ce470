/*
 * cc.c: OpenCC's conversions (t2s.json, s2t.json...), every file they
 * need read here.
 *
 * opencc_open() reads a configuration and its dictionaries itself: it
 * looks in the working directory first (a spool with a t2s.json or an
 * STPhrases.ocd2 in it would be read instead of OpenCC's), takes a
 * dictionary it cannot open for one that is not there and tries the next
 * place, reads the configuration through a stream whose errors it never
 * asks about, and lets marisa's exception for a failed read abort the
 * run.  So the configuration is read here from OpenCC's data directory
 * (CX_OPENCC_DIR), walked with the record codec, and each dictionary it
 * names read whole, once however many conversions share it; a file that
 * cannot be read stops the load with its path and the error.  Only the
 * bytes go to OpenCC, through opencc-shim.cc.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"
#include "cc.h"

#ifndef CX_OPENCC_DIR
#define CX_OPENCC_DIR	"/usr/share/opencc"
#endif

#define MAXDICTS	64	/* dictionaries in one configuration */

struct cx_cc {
	struct cx_ccc	**conv;
	size_t		  nconv;
	struct {
		char		*file;
		struct cx_ccd	*d;
	}		 *dict;		/* the .ocd2 files read, by name */
	size_t		  ndict;
};

/* What a walk through one configuration carries along. */
struct walk {
	struct cx_cc	*cc;
	const char	*path;		/* the configuration's, for errors */
	struct cx_err	*err;
	int		 failed;
	struct cx_ccd	*got[MAXDICTS];	/* made on the way, freed after */
	size_t		 ngot;
	struct cx_ccd	*list[MAXDICTS];
	size_t		 nlist;
};

/* A whole file into b; -1 and "PATH: error" if it cannot be read. */
static int
read_whole(const char *path, struct cx_buf *b, struct cx_err *err)
{
	struct cx_in in;
	long r;

	if (cx_in_open(&in, path, err) == -1) {
		if (errno == ENOENT)
			cx_seterr(err, "%s: not there (OpenCC's data: package "
			    "libopencc-data)", path);
		return -1;
	}
	for (;;) {
		cx_buf_grow(b, 65536);
		if ((r = cx_in_read(&in, b->p + b->len, b->cap - b->len - 1,
		    err)) <= 0)
			break;
		b->len += (size_t)r;
	}
	cx_in_close(&in);
	return r == -1 ? -1 : 0;
}

static struct cx_ccd *
ocd2(struct walk *w, const char *file)
{
	struct cx_buf path = { 0 }, data = { 0 };
	struct cx_ccd *d = NULL;
	char why[200];
	size_t i;

	for (i = 0; i < w->cc->ndict; i++)
		if (strcmp(w->cc->dict[i].file, file) == 0)
			return w->cc->dict[i].d;
	/* Files of OpenCC's directory only. */
	if (file[0] == '\0' || file[0] == '.' || strchr(file, '/') != NULL) {
		cx_seterr(w->err, "%s: \"%s\" is no dictionary of %s", w->path,
		    file, CX_OPENCC_DIR);
		return NULL;
	}
	cx_buf_printf(&path, "%s/%s", CX_OPENCC_DIR, file);
	if (read_whole(cx_buf_str(&path), &data, w->err) == 0 &&
	    (d = cx_ccd_ocd2(data.p, data.len, why, sizeof(why))) == NULL)
		cx_seterr(w->err, "%s: not an OpenCC dictionary (%s)", path.p,
		    why);
	if (d != NULL) {
		w->cc->dict = cx_grow(w->cc->dict, w->cc->ndict,
		    sizeof(*w->cc->dict));
		w->cc->dict[w->cc->ndict].file = cx_strndup(file,
		    strlen(file));
		w->cc->dict[w->cc->ndict++].d = d;
	}
	cx_buf_free(&path);
	cx_buf_free(&data);
	return d;
}

static struct cx_ccd *dict(struct walk *, const char *, size_t);

/* One dictionary of a group, onto the walk's list. */
static void
group_member(void *arg, const char *v, size_t n)
{
	struct walk *w = arg;
	struct cx_ccd *d;

	if (w->failed)
		return;
	if ((d = dict(w, v, n)) == NULL) {
		w->failed = 1;
		return;
	}
	if (w->nlist == MAXDICTS) {
		cx_seterr(w->err, "%s: more than %d dictionaries", w->path,
		    MAXDICTS);
		w->failed = 1;
		return;
	}
	w->list[w->nlist++] = d;
}

/* A "dict" object: an .ocd2 file, or a group of dictionaries. */
static struct cx_ccd *
dict(struct walk *w, const char *o, size_t n)
{
	struct cx_buf type = { 0 }, file = { 0 };
	struct cx_ccd *d = NULL, *saved[MAXDICTS];
	const char *v;
	size_t vn, nsaved;

	if (cx_json_getstr(o, n, "type", &type) == -1)
		cx_seterr(w->err, "%s: a dictionary without a type", w->path);
	else if (strcmp(type.p, "ocd2") == 0) {
		if (cx_json_getstr(o, n, "file", &file) == -1)
			cx_seterr(w->err, "%s: a dictionary without a file",
			    w->path);
		else
			d = ocd2(w, file.p);
	} else if (strcmp(type.p, "group") == 0) {
		/* The list is the walk's: a group within keeps its own. */
		nsaved = w->nlist;
		memcpy(saved, w->list, nsaved * sizeof(*saved));
		w->nlist = 0;
		if (cx_json_member(o, n, "dicts", &v, &vn) == -1 ||
		    cx_json_each(v, vn, group_member, w) == -1) {
			if (!w->failed)
				cx_seterr(w->err, "%s: a group without "
				    "dictionaries", w->path);
		} else if (!w->failed && w->ngot < MAXDICTS) {
			d = cx_ccd_group(w->list, w->nlist);
			w->got[w->ngot++] = d;
		} else if (!w->failed)
			cx_seterr(w->err, "%s: more than %d dictionaries",
			    w->path, MAXDICTS);
		memcpy(w->list, saved, nsaved * sizeof(*saved));
		w->nlist = nsaved;
	} else
		cx_seterr(w->err, "%s: dictionaries of type \"%s\" are not "
		    "read", w->path, type.p);
	cx_buf_free(&type);
	cx_buf_free(&file);
	return d;
}

/* One conversion of the chain: its "dict", onto the walk's list. */
static void
conversion(void *arg, const char *v, size_t n)
{
	struct walk *w = arg;
	const char *dv;
	size_t dn;

	if (w->failed)
		return;
	if (cx_json_member(v, n, "dict", &dv, &dn) == -1) {
		cx_seterr(w->err, "%s: a conversion without a dict", w->path);
		w->failed = 1;
		return;
	}
	group_member(w, dv, dn);
}

/* One configuration, as OpenCC's Config reads it, into a converter. */
static struct cx_ccc *
converter(struct cx_cc *cc, const char *name, struct cx_err *err)
{
	struct cx_buf path = { 0 }, text = { 0 }, type = { 0 };
	struct walk w = { 0 };
	struct cx_ccc *c = NULL;
	struct cx_ccd *seg;
	const char *v;
	size_t vn, i;

	cx_buf_printf(&path, "%s/%s", CX_OPENCC_DIR, name);
	w.cc = cc;
	w.path = cx_buf_str(&path);
	w.err = err;
	if (read_whole(path.p, &text, err) == -1)
		goto out;
	if (text.len == 0 || cx_json_check(text.p, text.len, err) == 0 ||
	    cx_json_type(text.p, text.len) != CX_J_OBJ) {
		cx_seterr(err, "%s: not an OpenCC configuration", path.p);
		goto out;
	}
	if (cx_json_member(text.p, text.len, "segmentation", &v, &vn) == -1 ||
	    cx_json_getstr(v, vn, "type", &type) == -1 ||
	    strcmp(type.p, "mmseg") != 0 ||
	    cx_json_member(v, vn, "dict", &v, &vn) == -1) {
		cx_seterr(err, "%s: no segmentation OpenCC's \"mmseg\" with a "
		    "dict", path.p);
		goto out;
	}
	if ((seg = dict(&w, v, vn)) == NULL)
		goto out;
	if (cx_json_member(text.p, text.len, "conversion_chain", &v,
	    &vn) == -1 || cx_json_each(v, vn, conversion, &w) == -1) {
		if (!w.failed)
			cx_seterr(err, "%s: no conversion_chain", path.p);
		goto out;
	}
	if (!w.failed)
		c = cx_ccc_new(seg, w.list, w.nlist);
out:
	for (i = 0; i < w.ngot; i++)
		cx_ccd_free(w.got[i]);
	cx_buf_free(&path);
	cx_buf_free(&text);
	cx_buf_free(&type);
	return c;
}

struct cx_cc *
cx_cc_load(const char *const *names, size_t n, struct cx_err *err)
{
	struct cx_cc *cc = cx_alloc(sizeof(*cc));
	size_t i;

	cc->conv = cx_alloc(n * sizeof(*cc->conv));
	for (i = 0; i < n; i++) {
		if ((cc->conv[i] = converter(cc, names[i], err)) == NULL) {
			cx_cc_free(cc);
			return NULL;
		}
		cc->nconv++;
	}
	return cc;
}

char *
cx_cc_convert(const struct cx_cc *cc, size_t i, const char *s, size_t n)
{
	return cx_ccc_convert(cc->conv[i], s, n);
}

void
cx_cc_free(struct cx_cc *cc)
{
	size_t i;

	if (cc == NULL)
		return;
	for (i = 0; i < cc->nconv; i++)
		cx_ccc_free(cc->conv[i]);
	for (i = 0; i < cc->ndict; i++) {
		cx_ccd_free(cc->dict[i].d);
		free(cc->dict[i].file);
	}
	free(cc->conv);
	free(cc->dict);
	free(cc);
}
