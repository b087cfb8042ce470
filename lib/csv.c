/*
 * csv.c: CSV records through libcsv, each with the line it starts on.
 *
 * libcsv is fed one physical line at a time, so that every record knows
 * its first and last line and its raw text (for the rejects), and so that
 * a malformed record costs only itself: the parser is restarted on the
 * next line and the stream goes on.
 *
 * Line ends: a file whose first chunk holds a line feed ends its records
 * with LF or CRLF, and a bare CR inside a field is data (a Twitter export
 * has "\r\r" in an unquoted field); a file with no LF at all uses bare CR.
 * libcsv trims "spaces" around unquoted fields, so the only space it is
 * told about is CR: nothing a customer typed is trimmed away.
 */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

#define CHUNK		(256 * 1024)
#define SAMPLE		(64 * 1024)	/* read before deciding the format */
#define ROW_NOT_BEGUN	0		/* libcsv's pstate between records */

struct cx_csv {
	struct cx_in		*in;
	struct csv_parser	 p;
	char			 charset[32];
	iconv_t			 cd;		/* (iconv_t)-1 for UTF-8 */
	struct cx_buf		 raw;		/* bytes read, not converted */
	struct cx_buf		 text;		/* UTF-8, not yet fed */
	size_t			 tpos;
	int			 eof;		/* input exhausted */
	int			 finished;	/* csv_fini done */
	int			 started;	/* BOM handled */
	unsigned char		 term;		/* '\n' or '\r' */
	unsigned long		 line;		/* of the slice being fed */
	int			 inrec;
	int			 crdata;	/* term is LF alone */
	size_t			 rawstart;	/* of this record in text */
	int			 complete;
	struct cx_csvrow	 row;
};

static int
is_term_lf(unsigned char c)
{
	return c == '\n';
}

static int
is_term_cr(unsigned char c)
{
	return c == '\r';
}

static int
is_space_cr(unsigned char c)
{
	return c == '\r';
}

static int
is_space_none(unsigned char c)
{
	(void)c;
	return 0;
}

static void
parser_init(struct cx_csv *c)
{
	csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&c->p, is_space_none);
	if (c->term == '\r')
		csv_set_term_func(&c->p, is_term_cr);
	c->crdata = 0;
}

/*
 * In an LF file, a line with a CR that does not end it needs LF alone to
 * end records, and CR trimmed as the space before the LF.  Any other line
 * can use libcsv's own test (CR or LF), which costs no call per byte.
 */
static void
set_term(struct cx_csv *c, const char *s, size_t n)
{
	int cr;

	if (c->term == '\r')
		return;
	if (n >= 2 && s[n - 1] == '\n' && s[n - 2] == '\r')
		n -= 2;
	cr = memchr(s, '\r', n) != NULL;
	if (cr == c->crdata)
		return;
	csv_set_term_func(&c->p, cr ? is_term_lf : NULL);
	csv_set_space_func(&c->p, cr ? is_space_cr : is_space_none);
	c->crdata = cr;
}

static void
on_field(void *s, size_t n, void *data)
{
	struct cx_csv *c = data;
	struct cx_csvrow *r = &c->row;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->off = cx_realloc(r->off, r->cap * sizeof(*r->off));
		r->flen = cx_realloc(r->flen, r->cap * sizeof(*r->flen));
	}
	r->off[r->n] = r->data.len;
	r->flen[r->n] = n;
	cx_buf_add(&r->data, s, n);
	cx_buf_addc(&r->data, '\0');
	r->n++;
}

static void
on_record(int term, void *data)
{
	struct cx_csv *c = data;

	(void)term;
	c->complete = 1;
	c->row.endline = c->line;
}

static void
row_reset(struct cx_csvrow *r)
{
	r->data.len = 0;
	r->raw.len = 0;
	r->n = 0;
	free(r->err);
	r->err = NULL;
}

struct cx_csv *
cx_csv_open(struct cx_in *in, const char *charset, struct cx_err *err)
{
	struct cx_csv *c;

	c = cx_alloc(sizeof(*c));
	c->in = in;
	c->cd = (iconv_t)-1;
	if (charset != NULL) {
		snprintf(c->charset, sizeof(c->charset), "%s", charset);
		if (cx_streqi(charset, strlen(charset), "utf-8", 5) ||
		    cx_streqi(charset, strlen(charset), "utf8", 4))
			snprintf(c->charset, sizeof(c->charset), "UTF-8");
	}
	(void)err;
	return c;
}

const char *
cx_csv_charset(const struct cx_csv *c)
{
	return c->charset;
}

/* Decode raw bytes into text; a byte that is not in the charset becomes
 * 0xFF, which no UTF-8 validation lets through, so its row is rejected. */
static void
convert(struct cx_csv *c, int last)
{
	char *in = c->raw.p, *o;
	size_t inleft = c->raw.len, oleft, r;

	if (c->cd == (iconv_t)-1) {
		cx_buf_add(&c->text, c->raw.p, c->raw.len);
		c->raw.len = 0;
		return;
	}
	while (inleft > 0) {
		cx_buf_grow(&c->text, inleft * 2 + 16);
		o = c->text.p + c->text.len;
		oleft = c->text.cap - c->text.len - 1;
		r = iconv(c->cd, &in, &inleft, &o, &oleft);
		c->text.len = (size_t)(o - c->text.p);
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno == EINVAL && !last)
			break;		/* a character cut by the chunk */
		cx_buf_addc(&c->text, (char)0xff);
		in++;
		inleft--;
	}
	memmove(c->raw.p, in, inleft);
	c->raw.len = inleft;
}

static int
fill(struct cx_csv *c, struct cx_err *err)
{
	long r;

	if (c->inrec) {
		/* Keep the start of a record the compaction will move. */
		cx_buf_add(&c->row.raw, c->text.p + c->rawstart,
		    c->tpos - c->rawstart);
		c->rawstart = 0;
	}
	if (c->tpos > 0) {
		memmove(c->text.p, c->text.p + c->tpos, c->text.len - c->tpos);
		c->text.len -= c->tpos;
		c->tpos = 0;
	}
	if (c->started && c->cd == (iconv_t)-1) {
		/* UTF-8 needs no conversion: read straight into the text. */
		cx_buf_grow(&c->text, CHUNK);
		if ((r = cx_in_read(c->in, c->text.p + c->text.len, CHUNK,
		    err)) == -1)
			return -1;
		c->text.len += (size_t)r;
		c->eof = r == 0;
		return 0;
	}
	/*
	 * Line ends, a BOM and the charset are decided from the first bytes,
	 * so those are a good sample, however a pipe trickles them in.
	 */
	do {
		cx_buf_grow(&c->raw, CHUNK);
		if ((r = cx_in_read(c->in, c->raw.p + c->raw.len, CHUNK,
		    err)) == -1)
			return -1;
		c->raw.len += (size_t)r;
		if (r == 0)
			c->eof = 1;
	} while (!c->started && !c->eof && c->raw.len < SAMPLE);
	if (!c->started) {
		if (c->charset[0] == '\0')
			snprintf(c->charset, sizeof(c->charset), "%s",
			    cx_conv_guess(c->raw.p, c->raw.len));
		if (strcmp(c->charset, "UTF-8") != 0 && (c->cd =
		    iconv_open("UTF-8", cx_conv_name(c->charset))) ==
		    (iconv_t)-1) {
			cx_seterr(err, "%s: unknown character set \"%s\"",
			    c->in->name, c->charset);
			return -1;
		}
	}
	convert(c, c->eof);
	if (!c->started) {
		c->started = 1;
		if (c->text.len >= 3 && memcmp(c->text.p, "\xef\xbb\xbf", 3) == 0)
			c->tpos = 3;
		c->term = memchr(c->text.p, '\n', c->text.len) == NULL &&
		    memchr(c->text.p, '\r', c->text.len) != NULL ? '\r' : '\n';
		parser_init(c);
		c->line = 1;
	}
	return 0;
}

/*
 * A whole record on one line with no quote and no CR but its ending is
 * split here, as libcsv would split it, and much faster: about half the
 * lines of real exports are such.  Anything else goes to libcsv.
 */
static int
plain_line(struct cx_csv *c, const char *s, size_t n)
{
	const char *p, *end = s + n, *comma;

	if (c->term != '\n' || c->p.pstate != ROW_NOT_BEGUN)
		return 0;
	if (n > 0 && end[-1] == '\n')
		end--;
	if (end > s && end[-1] == '\r')
		end--;
	if (memchr(s, '"', (size_t)(end - s)) != NULL ||
	    memchr(s, '\r', (size_t)(end - s)) != NULL)
		return 0;
	if (end == s)
		return 1;	/* a blank line, which libcsv skips too */
	for (p = s;; p = comma + 1) {
		if ((comma = memchr(p, ',', (size_t)(end - p))) == NULL)
			comma = end;
		on_field((void *)(uintptr_t)p, (size_t)(comma - p), c);
		if (comma == end)
			break;
	}
	on_record('\n', c);
	return 1;
}

static void
malformed(struct cx_csv *c, const char *why)
{
	struct cx_csvrow *r = &c->row;

	free(r->err);
	r->err = cx_strndup(why, strlen(why));
	r->endline = c->line;
	csv_free(&c->p);
	parser_init(c);
	c->complete = 1;
}

/*
 * A physical line longer than cx_record_max: thrown away up to its end,
 * read a chunk at a time, so that neither it nor the record it is in is
 * ever held whole.  0, or -1 if the input cannot be read.
 */
static int
skip_line(struct cx_csv *c, int quoted, struct cx_err *err)
{
	const char *p, *end;

	c->inrec = 0;			/* nothing of it is kept */
	for (;;) {
		/* A line ends a record only outside quotes: a quote opens
		 * or closes them, and "" closes and opens them again. */
		for (p = c->text.p + c->tpos, end = c->text.p + c->text.len;
		    p < end; p++)
			if (*p == '"')
				quoted = !quoted;
			else if ((unsigned char)*p == c->term && !quoted) {
				c->tpos = (size_t)(p + 1 - c->text.p);
				return 0;
			} else if ((unsigned char)*p == c->term)
				c->line++;
		c->tpos = c->text.len;
		if (c->eof)
			return 0;
		if (fill(c, err) == -1)
			return -1;
	}
}

/* The start of what is cut, for the rejects (and their dedupe). */
static void
keep_start(struct cx_csv *c, const char *p, size_t n)
{
	c->row.raw.len = 0;
	cx_buf_add(&c->row.raw, p, cx_utf8_prefix(p, n < 1024 ? n : 1024));
}

int
cx_csv_next(struct cx_csv *c, struct cx_csvrow **rowp, struct cx_err *err)
{
	char *nl;
	size_t n, used;

	row_reset(&c->row);
	c->complete = 0;
	c->inrec = 0;
	while (!c->complete) {
		nl = NULL;
		if (c->started && c->tpos < c->text.len)
			nl = memchr(c->text.p + c->tpos, c->term,
			    c->text.len - c->tpos);
		if (nl == NULL && !c->eof && cx_record_max > 0 &&
		    c->text.len - c->tpos > cx_record_max) {
			struct cx_err why;

			if (!c->inrec) {
				c->row.line = c->line;
				keep_start(c, c->text.p + c->tpos,
				    c->text.len - c->tpos);
			} else if (c->row.raw.len == 0)
				keep_start(c, c->text.p + c->rawstart,
				    c->text.len - c->rawstart);
			else if (c->row.raw.len > 1024)
				c->row.raw.len = cx_utf8_prefix(c->row.raw.p,
				    1024);
			if (skip_line(c, c->inrec && c->p.quoted, err) == -1)
				return -1;
			c->rawstart = c->tpos;
			cx_cut_why(&why, "a line");
			malformed(c, why.msg);
			c->line++;
			break;
		}
		if (nl == NULL && !c->eof) {
			if (fill(c, err) == -1)
				return -1;
			continue;
		}
		if (nl == NULL && c->tpos >= c->text.len) {
			if (c->finished)
				return 0;
			c->finished = 1;
			if (csv_fini(&c->p, on_field, on_record, c) != 0) {
				malformed(c, "unterminated quoted field at "
				    "end of file");
				break;
			}
			if (!c->complete && c->inrec)
				c->complete = 1;
			if (!c->complete)
				return 0;
			break;
		}
		n = nl ? (size_t)(nl - (c->text.p + c->tpos)) + 1 :
		    c->text.len - c->tpos;
		if (!c->inrec) {
			c->row.raw.len = 0;
			c->row.line = c->line;
			c->rawstart = c->tpos;
		}
		if (!c->inrec && plain_line(c, c->text.p + c->tpos, n)) {
			c->tpos += n;
			c->line++;
			continue;
		}
		set_term(c, c->text.p + c->tpos, n);
		used = csv_parse(&c->p, c->text.p + c->tpos, n, on_field,
		    on_record, c);
		c->tpos += n;
		if (used < n) {
			malformed(c, c->p.quoted ?
			    "stray quote after a quoted field" :
			    "quote inside an unquoted field");
			c->line++;
			break;
		}
		c->inrec = c->p.pstate != ROW_NOT_BEGUN || c->row.n > 0;
		c->line++;
		/* A record of many lines, each short, that grows too long. */
		if (c->inrec && !c->complete && cx_record_max > 0 &&
		    c->row.raw.len + (c->tpos - c->rawstart) > cx_record_max) {
			struct cx_err why;

			cx_cut_why(&why, "a record");
			if (c->row.raw.len == 0)
				keep_start(c, c->text.p + c->rawstart,
				    c->tpos - c->rawstart);
			else if (c->row.raw.len > 1024)
				c->row.raw.len = cx_utf8_prefix(c->row.raw.p,
				    1024);
			/* The rest of the record, to its end. */
			if (skip_line(c, c->p.quoted, err) == -1)
				return -1;
			c->rawstart = c->tpos;
			malformed(c, why.msg);
			c->line++;
			break;
		}
	}
	/* The record's text: in place, unless a refill moved some of it. */
	if (c->row.raw.len == 0) {
		c->row.rawp = c->text.p + c->rawstart;
		c->row.rawn = c->tpos - c->rawstart;
	} else {
		cx_buf_add(&c->row.raw, c->text.p + c->rawstart,
		    c->tpos - c->rawstart);
		c->row.rawp = c->row.raw.p;
		c->row.rawn = c->row.raw.len;
	}
	*rowp = &c->row;
	return 1;
}

void
cx_csv_close(struct cx_csv *c)
{
	if (c == NULL)
		return;
	if (c->started)
		csv_free(&c->p);
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	cx_buf_free(&c->raw);
	cx_buf_free(&c->text);
	row_reset(&c->row);
	cx_buf_free(&c->row.data);
	cx_buf_free(&c->row.raw);
	free(c->row.off);
	free(c->row.flen);
	free(c);
}
