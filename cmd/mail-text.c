/*
 * mail-text.c: the text of a mail, whatever it says its charset is.
 *
 * Chinese mail lies about its charset: gb2312 that only decodes as GBK,
 * big5 or utf-8 that is really GBK, 8-bit GB bytes with no declaration,
 * names no library knows ("gb2312_charset", "134").  A part's bytes are
 * tried as declared (the GB family read as GB18030, which holds GB2312
 * and GBK, as cx_conv_name reads it), then as what libuchardet detects, then as GB18030, and last
 * as ISO-8859-1, which takes any bytes: the text is never lost, and what
 * comes out is always UTF-8.  Which charset was declared and which was
 * used is said.  GMime decodes MIME; it has no HTML-to-text, so a body
 * that is only HTML is turned into text here.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <uchardet.h>

#include "mail.h"

/* What a broken or odd declaration means. */
static const char *
canonical(const char *cs, char *buf, size_t len)
{
	static const char *const alias[][2] = {
		{ "134", "GB18030" },		/* Windows' GB2312 charset id */
		{ "136", "BIG5" },
		{ "128", "SHIFT_JIS" },
		{ "gb2312_charset", "GB18030" },
		{ "chinesebig5_charset", "BIG5" },
		{ "x-gbk", "GBK" }, { "x-euc-cn", "GB2312" },
		{ "big5-hkscs", "BIG5-HKSCS" }, { "x-sjis", "SHIFT_JIS" },
		{ "sjis", "SHIFT_JIS" }, { "ms_kanji", "SHIFT_JIS" },
		{ "utf8", "UTF-8" }, { "unicode-1-1-utf-8", "UTF-8" },
		{ "latin1", "ISO-8859-1" }, { "us-ascii", "UTF-8" },
		{ "ascii", "UTF-8" },
	};
	size_t i, n = strlen(cs);

	if (n == 0 || n >= len)
		return NULL;
	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (cx_streqi(cs, n, alias[i][0], strlen(alias[i][0])))
			return alias[i][1];
	for (i = 0; i <= n; i++)
		buf[i] = (char)toupper((unsigned char)cs[i]);
	return buf;
}

static const char *
detect(const char *s, size_t n)
{
	static char found[64];
	uchardet_t ud = uchardet_new();
	const char *cs;

	found[0] = '\0';
	if (ud == NULL)
		return NULL;
	if (uchardet_handle_data(ud, s, n) == 0) {
		uchardet_data_end(ud);
		cs = uchardet_get_charset(ud);
		if (cs != NULL && strlen(cs) < sizeof(found))
			strcpy(found, cs);
	}
	uchardet_delete(ud);
	return found[0] != '\0' ? found : NULL;
}

static int
ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* Convert, wholly or not at all. */
static int
try(const char *cs, const char *s, size_t n, struct cx_buf *out)
{
	size_t was = out->len;

	if (cs == NULL)
		return -1;
	if (strcmp(cs, "UTF-8") == 0) {
		if (!cx_utf8_valid(s, n))
			return -1;
		cx_buf_add(out, s, n);
		return 0;
	}
	if (cx_conv(cs, s, n, out, NULL) == -1 ||
	    !cx_utf8_valid(out->p + was, out->len - was)) {
		out->len = was;
		return -1;
	}
	return 0;
}

/*
 * Bytes of a declared charset (or NULL) as UTF-8, appended to out; the
 * charset used is copied to used.
 */
void
mail_decode(const char *declared, const char *s, size_t n, struct cx_buf *out,
    char *used, size_t usedlen)
{
	char buf[64];
	const char *want = declared != NULL ? canonical(declared, buf,
	    sizeof(buf)) : NULL, *cs;
	const char *order[4];
	size_t i;

	if (ascii(s, n)) {
		cx_buf_add(out, s, n);
		snprintf(used, usedlen, "%s", want != NULL ? want : "US-ASCII");
		return;
	}
	/* Declared; then what its bytes look like; then GB18030, which
	 * most Chinese mail is; then Latin-1, which reads anything. */
	order[0] = want;
	order[1] = cx_utf8_valid(s, n) ? "UTF-8" : detect(s, n);
	/* Big5 and GBK share their byte ranges: a "big5" text that looks
	 * like GB is read as GB first. */
	if (want != NULL && strncmp(want, "BIG5", 4) == 0 && order[1] != NULL &&
	    strcmp(cx_conv_name(order[1]), "GB18030") == 0) {
		order[0] = order[1];
		order[1] = want;
	}
	order[2] = "GB18030";
	order[3] = "ISO-8859-1";
	for (i = 0; i < 4; i++) {
		/* The GB family as GB18030 (cx_conv_name): the same bytes,
		 * and more; said as what was used. */
		cs = order[i] != NULL ? cx_conv_name(order[i]) : NULL;
		if (try(cs, s, n, out) == 0) {
			snprintf(used, usedlen, "%s", cs);
			return;
		}
	}
	/* Not reached: Latin-1 takes every byte. */
	cx_utf8_scrub(s, n, out);
	snprintf(used, usedlen, "UTF-8");
}

/* --- HTML ----------------------------------------------------------------- */

static const struct {
	const char	*name, *text;
} entities[] = {
	{ "nbsp", " " }, { "amp", "&" }, { "lt", "<" }, { "gt", ">" },
	{ "quot", "\"" }, { "apos", "'" }, { "ldquo", "\xe2\x80\x9c" },
	{ "rdquo", "\xe2\x80\x9d" }, { "hellip", "\xe2\x80\xa6" },
	{ "yen", "\xc2\xa5" }, { "copy", "\xc2\xa9" },
};

static void
codepoint(struct cx_buf *b, unsigned long c)
{
	if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	cx_utf8_put(b, c);
}

/* An entity at s (after '&'): its text appended, its length returned;
 * 0 if it is none. */
static size_t
entity(const char *s, const char *end, struct cx_buf *b)
{
	const char *semi = memchr(s, ';', (size_t)(end - s) < 12 ?
	    (size_t)(end - s) : 12);
	size_t i, n;
	char *e;

	if (semi == NULL)
		return 0;
	n = (size_t)(semi - s);
	if (n > 1 && s[0] == '#') {
		unsigned long c = s[1] == 'x' || s[1] == 'X' ?
		    strtoul(s + 2, &e, 16) : strtoul(s + 1, &e, 10);

		if (e != semi)
			return 0;
		codepoint(b, c);
		return n + 1;
	}
	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
		if (strlen(entities[i].name) == n && memcmp(s,
		    entities[i].name, n) == 0) {
			cx_buf_adds(b, entities[i].text);
			return n + 1;
		}
	return 0;
}

static int
tag_is(const char *t, size_t n, const char *name)
{
	size_t k = strlen(name);

	if (n > 0 && *t == '/') {
		t++;
		n--;
	}
	return n >= k && cx_streqi(t, k, name, k) && (n == k ||
	    !isalnum((unsigned char)t[k]));
}

/*
 * HTML as the text a reader sees: tags out, scripts and styles out,
 * blocks and line breaks as newlines, entities decoded, runs of blank
 * space as one.
 */
void
mail_html_text(const char *s, size_t n, struct cx_buf *out)
{
	static const char *const blocks[] = { "br", "p", "div", "tr", "li",
	    "h1", "h2", "h3", "h4", "table", "blockquote" };
	const char *end = s + n, *gt, *close;
	size_t i, k;
	int space = 0;

	while (s < end) {
		if (*s == '<') {
			if ((gt = memchr(s, '>', (size_t)(end - s))) == NULL)
				break;
			k = (size_t)(gt - s - 1);
			if (tag_is(s + 1, k, "script") || tag_is(s + 1, k,
			    "style") || tag_is(s + 1, k, "head")) {
				const char *name = tag_is(s + 1, k, "script") ?
				    "</script" : tag_is(s + 1, k, "style") ?
				    "</style" : "</head";

				close = memmem(gt, (size_t)(end - gt), name,
				    strlen(name));
				if (s[1] != '/' && close != NULL) {
					s = close;
					continue;
				}
			}
			for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
				if (tag_is(s + 1, k, blocks[i])) {
					while (out->len > 0 &&
					    out->p[out->len - 1] == ' ')
						out->len--;
					if (out->len > 0 && (out->len < 2 ||
					    out->p[out->len - 1] != '\n' ||
					    out->p[out->len - 2] != '\n'))
						cx_buf_addc(out, '\n');
					space = 1;
					break;
				}
			s = gt + 1;
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			if (!space && out->len > 0)
				cx_buf_addc(out, ' ');
			space = 1;
			s++;
			continue;
		}
		space = 0;
		if (*s == '&' && (k = entity(s + 1, end, out)) > 0) {
			s += k + 1;
			continue;
		}
		cx_buf_addc(out, *s++);
	}
	while (out->len > 0 && (out->p[out->len - 1] == ' ' ||
	    out->p[out->len - 1] == '\n'))
		out->len--;
}

/* --- order numbers -------------------------------------------------------- */

/* An order number after one of the words that announce one. */
int
mail_order(const char *s, size_t n, struct cx_buf *out)
{
	static const char *const words[] = { "订单号", "订单编号", "订单",
	    "order number", "order no.", "order no", "order #", "order" };
	const char *end = s + n, *p, *q;
	size_t i, k, digits;

	for (p = s; p < end; p++)
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			k = strlen(words[i]);
			if ((size_t)(end - p) < k || !cx_streqi(p, k,
			    words[i], k))
				continue;
			q = p + k;
			/* Blanks, colons (also full-width), # and 为/是. */
			while (q < end && (*q == ' ' || *q == ':' ||
			    *q == '#' || *q == '\t'))
				q++;
			if (end - q >= 3 && (memcmp(q, "\xef\xbc\x9a", 3) == 0 ||
			    memcmp(q, "\xe4\xb8\xba", 3) == 0 ||
			    memcmp(q, "\xe6\x98\xaf", 3) == 0))
				q += 3;
			while (q < end && *q == ' ')
				q++;
			for (k = 0, digits = 0; q + k < end && (isalnum(
			    (unsigned char)q[k]) || q[k] == '-'); k++)
				digits += isdigit((unsigned char)q[k]) != 0;
			if (k >= 6 && k <= 40 && digits >= 4) {
				cx_buf_add(out, q, k);
				return 0;
			}
		}
	return -1;
}
