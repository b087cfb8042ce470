/*
 * report-out.c: a briefing written as plain text (bars drawn in
 * characters), Markdown, CSV, JSON or one HTML file with SVG charts.
 *
 * Text and Markdown are for people: columns aligned by the width a
 * terminal gives each character (a Chinese character takes two), long
 * cells cut.  CSV and JSON are for programs: one line per cell in CSV
 * (table, row, column, value), numbers as numbers in JSON (shares as
 * fractions, times in minutes).  The HTML needs nothing but itself: the
 * style is in it, the charts are SVG drawn here, there is no script and
 * nothing is fetched; tables scroll sideways inside their own box on a
 * phone, and print whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define BARW	20		/* the longest bar, in characters */
#define CELLW	48		/* a text cell's widest, in columns */

/* The columns a code point takes on a terminal. */
static int
cp_width(unsigned long c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd) ?
	    2 : 1;
}

/* The next code point of valid UTF-8, and its length. */
static unsigned long
cp_next(const char *s, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80) {
		*len = 1;
		return u[0];
	}
	if (u[0] < 0xe0) {
		*len = 2;
		return (unsigned long)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
	}
	if (u[0] < 0xf0) {
		*len = 3;
		return (unsigned long)(u[0] & 0x0f) << 12 |
		    (unsigned long)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
	}
	*len = 4;
	return (unsigned long)(u[0] & 0x07) << 18 |
	    (unsigned long)(u[1] & 0x3f) << 12 |
	    (unsigned long)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
}

/* A cell as shown: newlines and tabs as spaces, cut at max columns;
 * its width. */
static size_t
shown(const char *s, size_t max, struct cx_buf *out)
{
	size_t w = 0, k, cw;
	unsigned long c;

	out->len = 0;
	while (*s != '\0') {
		c = cp_next(s, &k);
		cw = (size_t)cp_width(c);
		if (w + cw > max - 2 && strlen(s) > k) {
			/* Room for the dots if anything follows. */
			size_t rest = 0, kk;
			const char *p = s;

			while (*p != '\0') {
				rest += (size_t)cp_width(cp_next(p, &kk));
				p += kk;
			}
			if (w + rest > max) {
				cx_buf_adds(out, "..");
				w += 2;
				break;
			}
		}
		/* Controls (an escape sequence in a customer's words)
		 * never reach the terminal. */
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			cx_buf_addc(out, ' ');
		else
			cx_buf_add(out, s, k);
		w += cw;
		s += k;
	}
	(void)cx_buf_str(out);
	return w;
}

static double
col_max(const struct rep_table *t, size_t col)
{
	double m = 0;
	size_t r;

	for (r = 0; r < t->nrow; r++)
		if (t->cell[r * t->ncol + col].num &&
		    t->cell[r * t->ncol + col].value > m)
			m = t->cell[r * t->ncol + col].value;
	return m;
}

static size_t
bar_len(const struct rep_table *t, size_t r, double max)
{
	const struct rep_cell *c = &t->cell[r * t->ncol + (size_t)t->chart];

	if (!c->num || max <= 0 || c->value <= 0)
		return 0;
	return (size_t)(c->value / max * BARW + 0.5) > 0 ?
	    (size_t)(c->value / max * BARW + 0.5) : 1;
}

static void
pad(struct cx_buf *b, size_t n)
{
	while (n-- > 0)
		cx_buf_addc(b, ' ');
}

static void
text_table(const struct rep_table *t, int md, int tty, struct cx_buf *b)
{
	size_t w[11] = { 0 }, r, c, cw, nc = t->ncol;
	struct cx_buf s = { 0 };
	double max = t->chart >= 0 ? col_max(t, (size_t)t->chart) : 0;
	int bars = t->chart >= 0 && max > 0;

	if (md)
		cx_buf_printf(b, "\n## %s\n\n", t->title);
	else
		cx_buf_printf(b, "\n%s%s%s\n", tty ? "\033[1m" : "", t->title,
		    tty ? "\033[0m" : "");
	if (t->nrow == 0) {
		cx_buf_adds(b, md ? "(-)\n" : "  -\n");
		goto note;
	}
	for (c = 0; c < nc; c++)
		w[c] = shown(t->cols[c], CELLW, &s);
	for (r = 0; r < t->nrow; r++)
		for (c = 0; c < nc; c++)
			if ((cw = shown(t->cell[r * nc + c].text, CELLW, &s)) >
			    w[c])
				w[c] = cw;
	/* The header, then (Markdown) the rule, then the rows. */
	for (r = 0; r <= t->nrow + (size_t)md; r++) {
		if (md && r == 1) {
			cx_buf_adds(b, "|");
			for (c = 0; c < nc; c++)
				cx_buf_adds(b, c > 0 && t->nrow > 0 &&
				    t->cell[c].num ? " ---: |" : " --- |");
			if (bars)
				cx_buf_adds(b, " --- |");
			cx_buf_addc(b, '\n');
			continue;
		}
		size_t row = r - (md && r > 1);
		cx_buf_adds(b, md ? "|" : " ");
		for (c = 0; c < nc; c++) {
			const struct rep_cell *cell = row == 0 ? NULL :
			    &t->cell[(row - 1) * nc + c];
			const char *text = cell == NULL ? t->cols[c] :
			    cell->text;
			int right = cell != NULL && cell->num;

			if (md) {
				cx_buf_addc(b, ' ');
				shown(text, CELLW, &s);
				for (char *p = s.p; p != NULL && *p != '\0'; p++) {
					if (*p == '|')
						cx_buf_addc(b, '\\');
					cx_buf_addc(b, *p);
				}
				cx_buf_adds(b, " |");
				continue;
			}
			cw = shown(text, CELLW, &s);
			cx_buf_adds(b, " ");
			if (right)
				pad(b, w[c] - cw);
			cx_buf_adds(b, s.p);
			if (!right && (c + 1 < nc || bars))
				pad(b, w[c] - cw);
		}
		if (bars && row > 0) {
			size_t n = bar_len(t, row - 1, max);

			cx_buf_adds(b, md ? " " : "  ");
			while (n-- > 0)
				cx_buf_adds(b, md ? "\xe2\x96\x88" : "#");
			if (md)
				cx_buf_adds(b, " |");
		} else if (bars && md)
			cx_buf_adds(b, "  |");
		/* No blanks at the end of a line. */
		while (b->len > 0 && b->p[b->len - 1] == ' ')
			b->len--;
		cx_buf_addc(b, '\n');
	}
note:
	if (t->note != NULL)
		cx_buf_printf(b, md ? "\n%s\n" : "  %s\n", t->note);
	cx_buf_free(&s);
}

/* --- CSV and JSON --------------------------------------------------------- */

void
rep_csv_field(struct cx_buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		cx_buf_adds(b, s);
		return;
	}
	cx_buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			cx_buf_addc(b, '"');
		cx_buf_addc(b, *s);
	}
	cx_buf_addc(b, '"');
}

static void
number(struct cx_buf *b, const struct rep_cell *c)
{
	if (c->value == (double)(long long)c->value)
		cx_buf_printf(b, "%lld", (long long)c->value);
	else
		cx_buf_printf(b, "%.10g", c->value);
}

static void
csv(const struct rep_doc *d, struct cx_buf *b)
{
	struct cx_buf v = { 0 };
	size_t i, r, c;

	cx_buf_adds(b, "table,row,column,value\r\n");
	cx_buf_adds(b, "report,0,title,");
	rep_csv_field(b, d->title);
	cx_buf_adds(b, "\r\nreport,0,period,");
	rep_csv_field(b, d->period);
	cx_buf_adds(b, "\r\nreport,0,privacy,");
	rep_csv_field(b, d->masked);
	cx_buf_adds(b, "\r\n");
	for (i = 0; i < d->n; i++) {
		const struct rep_table *t = &d->t[i];

		for (r = 0; r < t->nrow; r++)
			for (c = 0; c < t->ncol; c++) {
				const struct rep_cell *cell = &t->cell[r *
				    t->ncol + c];

				cx_buf_printf(b, "%s,%zu,", t->id, r + 1);
				rep_csv_field(b, t->cols[c]);
				cx_buf_addc(b, ',');
				v.len = 0;
				if (cell->num)
					number(&v, cell);
				else
					cx_buf_adds(&v, cell->text);
				rep_csv_field(b, cx_buf_str(&v));
				cx_buf_adds(b, "\r\n");
			}
	}
	cx_buf_free(&v);
}

static void
json(const struct rep_doc *d, struct cx_buf *b)
{
	size_t i, r, c;

	cx_buf_adds(b, "{\"title\":");
	cx_json_addstr(b, d->title, strlen(d->title));
	cx_buf_adds(b, ",\"period\":");
	cx_json_addstr(b, d->period, strlen(d->period));
	cx_buf_adds(b, ",\"privacy\":");
	cx_json_addstr(b, d->masked, strlen(d->masked));
	cx_buf_adds(b, ",\"tables\":[");
	for (i = 0; i < d->n; i++) {
		const struct rep_table *t = &d->t[i];

		cx_buf_printf(b, "%s\n{\"id\":\"%s\",\"title\":", i > 0 ? "," :
		    "", t->id);
		cx_json_addstr(b, t->title, strlen(t->title));
		cx_buf_adds(b, ",\"columns\":[");
		for (c = 0; c < t->ncol; c++) {
			if (c > 0)
				cx_buf_addc(b, ',');
			cx_json_addstr(b, t->cols[c], strlen(t->cols[c]));
		}
		cx_buf_adds(b, "],\"rows\":[");
		for (r = 0; r < t->nrow; r++) {
			cx_buf_adds(b, r > 0 ? ",[" : "[");
			for (c = 0; c < t->ncol; c++) {
				const struct rep_cell *cell = &t->cell[r *
				    t->ncol + c];

				if (c > 0)
					cx_buf_addc(b, ',');
				if (cell->num)
					number(b, cell);
				else if (strcmp(cell->text, "-") == 0)
					cx_buf_adds(b, "null");
				else
					cx_json_addstr(b, cell->text,
					    strlen(cell->text));
			}
			cx_buf_addc(b, ']');
		}
		cx_buf_adds(b, "],\"note\":");
		if (t->note != NULL)
			cx_json_addstr(b, t->note, strlen(t->note));
		else
			cx_buf_adds(b, "null");
		cx_buf_addc(b, '}');
	}
	cx_buf_adds(b, "]}\n");
}

/* --- HTML ----------------------------------------------------------------- */

static void
esc(struct cx_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': cx_buf_adds(b, "&amp;"); break;
		case '<': cx_buf_adds(b, "&lt;"); break;
		case '>': cx_buf_adds(b, "&gt;"); break;
		case '"': cx_buf_adds(b, "&quot;"); break;
		default: cx_buf_addc(b, *s);
		}
}

static const char css[] =
    "*{box-sizing:border-box}"
    "body{font-family:system-ui,\"Noto Sans CJK SC\",\"WenQuanYi Zen Hei\","
    "sans-serif;color:#222;margin:0 auto;max-width:64rem;padding:1rem;"
    "line-height:1.45}"
    "h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 "
    ".5rem;border-bottom:2px solid #2b6cb0;padding-bottom:.2rem}"
    ".meta{color:#555;margin:.1rem 0}.masked{font-weight:bold}"
    ".scroll{overflow-x:auto;max-width:100%}"
    "table{border-collapse:collapse;font-size:.88rem;margin:.3rem 0}"
    "th,td{padding:.25rem .55rem;border-bottom:1px solid #ddd;"
    "vertical-align:top;text-align:left}"
    "th{background:#f2f5f9;white-space:nowrap}"
    "td.n{text-align:right;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}"
    "td.t{max-width:22rem;overflow-wrap:anywhere}"
    ".note{color:#555;font-size:.85rem;margin:.3rem 0 0}"
    "svg{display:block;width:100%;max-width:40rem;height:auto;"
    "margin:.4rem 0}"
    "svg text{font-size:13px;fill:#222}svg .bar{fill:#2b6cb0}"
    "@media print{body{max-width:none}.scroll{overflow:visible}"
    "section{break-inside:avoid}}";

/* A chart of the table's bar column: a bar a row, its label and value. */
static void
svg(const struct rep_table *t, struct cx_buf *b)
{
	double max = col_max(t, (size_t)t->chart);
	size_t r, h = t->nrow * 24 + 8;
	struct cx_buf s = { 0 };

	cx_buf_printf(b, "<svg viewBox=\"0 0 640 %zu\" role=\"img\" "
	    "aria-label=\"", h);
	esc(b, t->title);
	cx_buf_adds(b, "\"><title>");
	esc(b, t->title);
	cx_buf_adds(b, ": ");
	esc(b, t->cols[t->chart]);
	cx_buf_adds(b, "</title>");
	for (r = 0; r < t->nrow; r++) {
		const struct rep_cell *c = &t->cell[r * t->ncol +
		    (size_t)t->chart];
		double w = c->num && max > 0 ? c->value / max * 360 : 0;

		shown(t->cell[r * t->ncol].text, 26, &s);
		cx_buf_printf(b, "<text x=\"0\" y=\"%zu\">", r * 24 + 20);
		esc(b, s.p);
		cx_buf_printf(b, "</text><rect class=\"bar\" x=\"200\" "
		    "y=\"%zu\" width=\"%.1f\" height=\"16\"/>"
		    "<text x=\"%.1f\" y=\"%zu\">", r * 24 + 7, w, 206 + w,
		    r * 24 + 20);
		esc(b, c->text);
		cx_buf_adds(b, "</text>");
	}
	cx_buf_adds(b, "</svg>\n");
	cx_buf_free(&s);
}

static void
html(const struct rep_doc *d, int en, struct cx_buf *b)
{
	size_t i, r, c;

	cx_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>",
	    en ? "en" : "zh-CN");
	esc(b, d->title);
	cx_buf_adds(b, " ");
	esc(b, d->period);
	cx_buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<header>\n<h1>", css);
	esc(b, d->title);
	cx_buf_adds(b, "</h1>\n<p class=\"meta\">");
	esc(b, d->period);
	cx_buf_adds(b, "</p>\n<p class=\"meta masked\">");
	esc(b, d->masked);
	cx_buf_adds(b, "</p>\n</header>\n");
	for (i = 0; i < d->n; i++) {
		const struct rep_table *t = &d->t[i];

		cx_buf_printf(b, "<section id=\"%s\">\n<h2>", t->id);
		esc(b, t->title);
		cx_buf_adds(b, "</h2>\n");
		if (t->chart >= 0 && t->nrow > 0 && col_max(t,
		    (size_t)t->chart) > 0)
			svg(t, b);
		cx_buf_adds(b, "<div class=\"scroll\"><table>\n<thead><tr>");
		for (c = 0; c < t->ncol; c++) {
			cx_buf_adds(b, "<th>");
			esc(b, t->cols[c]);
			cx_buf_adds(b, "</th>");
		}
		cx_buf_adds(b, "</tr></thead>\n<tbody>\n");
		for (r = 0; r < t->nrow; r++) {
			cx_buf_adds(b, "<tr>");
			for (c = 0; c < t->ncol; c++) {
				const struct rep_cell *cell = &t->cell[r *
				    t->ncol + c];

				cx_buf_adds(b, cell->num ? "<td class=\"n\">" :
				    "<td class=\"t\">");
				esc(b, cell->text);
				cx_buf_adds(b, "</td>");
			}
			cx_buf_adds(b, "</tr>\n");
		}
		if (t->nrow == 0)
			cx_buf_printf(b, "<tr><td colspan=\"%zu\">-</td></tr>\n",
			    t->ncol);
		cx_buf_adds(b, "</tbody>\n</table></div>\n");
		if (t->note != NULL) {
			cx_buf_adds(b, "<p class=\"note\">");
			esc(b, t->note);
			cx_buf_adds(b, "</p>\n");
		}
		cx_buf_adds(b, "</section>\n");
	}
	cx_buf_adds(b, "</body>\n</html>\n");
}

void
rep_out(const struct rep_doc *d, int form, int tty, int en, struct cx_buf *b)
{
	size_t i;

	switch (form) {
	case OUT_CSV:
		csv(d, b);
		return;
	case OUT_JSON:
		json(d, b);
		return;
	case OUT_HTML:
		html(d, en, b);
		return;
	}
	if (form == OUT_MD)
		cx_buf_printf(b, "# %s\n\n%s\n\n%s\n", d->title, d->period,
		    d->masked);
	else
		cx_buf_printf(b, "%s%s%s\n%s\n%s\n", tty ? "\033[1m" : "",
		    d->title, tty ? "\033[0m" : "", d->period, d->masked);
	for (i = 0; i < d->n; i++)
		text_table(&d->t[i], form == OUT_MD, tty, b);
}
