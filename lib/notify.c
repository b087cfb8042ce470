/*
 * notify.c: the messages of the customer loop (cx-follow(1)): templates
 * (cx-templates(5)) filled with a ticket's values, and the mail that
 * carries them, RFC 5322 with MIME (RFC 2045) and encoded words (RFC
 * 2047) for what is not ASCII, ready for sendmail -t.
 *
 * Writing a message needs only base64 and header folding, a few dozen
 * lines; a MIME library (GMime) earns its place where mail is read, not
 * here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "priv.h"

static const char *const fields[CX_TV_N] = {
	[CX_TV_ID] = "id", [CX_TV_NAME] = "name", [CX_TV_DUE] = "due",
	[CX_TV_SUBJECT] = "subject", [CX_TV_RESOLUTION] = "resolution",
	[CX_TV_AMOUNT] = "amount", [CX_TV_TEAM] = "team",
	[CX_TV_DAYS] = "days",
};

struct cx_tmpl {
	char	*subject, *sms, *body;
};

/* The field "{name}" at s names, or -1; *n its length with the braces. */
static int
field_at(const char *s, size_t *n)
{
	size_t k = 1;
	int i;

	while ((s[k] >= 'a' && s[k] <= 'z') || s[k] == '_')
		k++;
	if (k == 1 || s[k] != '}')
		return -2;		/* no field: a brace as written */
	*n = k + 1;
	for (i = 0; i < CX_TV_N; i++)
		if (strlen(fields[i]) == k - 1 && memcmp(fields[i], s + 1,
		    k - 1) == 0)
			return i;
	return -1;
}

/* Each "{field}" of a line known; -1 and why if not. */
static int
check_fields(const char *path, unsigned long ln, const char *s,
    struct cx_err *err)
{
	size_t n;

	for (; (s = strchr(s, '{')) != NULL; s++)
		if (field_at(s, &n) == -1) {
			cx_seterr(err, "%s:%lu: unknown field %.*s", path, ln,
			    (int)n, s);
			return -1;
		}
	return 0;
}

struct cx_tmpl *
cx_tmpl_load(const char *path, struct cx_err *err)
{
	struct cx_tmpl *t = cx_alloc(sizeof(*t));
	struct cx_buf body = { 0 }, line = { 0 };
	struct cx_in in;
	const char *l, *v;
	size_t n, vn;
	int head = 1, r, open = 0;

	if (cx_in_open(&in, path, err) == -1)
		goto fail;
	open = 1;
	while ((r = cx_in_line(&in, &l, &n, err)) == 1) {
		if (in.cut) {
			cx_seterr(err, "%s:%lu: a line too long", path,
			    in.lineno);
			goto fail;
		}
		if (!cx_utf8_valid(l, n)) {
			cx_seterr(err, "%s:%lu: invalid UTF-8", path, in.lineno);
			goto fail;
		}
		if (head && n > 0 && l[0] == '#')
			continue;	/* a comment of the head */
		line.len = 0;
		cx_buf_add(&line, l, n);
		if (check_fields(path, in.lineno, cx_buf_str(&line), err) == -1)
			goto fail;
		if (!head) {
			cx_buf_add(&body, l, n);
			cx_buf_addc(&body, '\n');
			continue;
		}
		if (n == 0) {
			head = 0;
			continue;
		}
		v = strchr(cx_buf_str(&line), ':');
		vn = v != NULL ? line.len - (size_t)(v + 1 - line.p) : 0;
		if (v != NULL)
			v++;
		if (v != NULL && v - line.p == 8 &&
		    strncmp(line.p, "Subject:", 8) == 0 && t->subject == NULL) {
			cx_trim(&v, &vn);
			t->subject = cx_strndup(v, vn);
		} else if (v != NULL && v - line.p == 4 &&
		    strncmp(line.p, "SMS:", 4) == 0 && t->sms == NULL) {
			cx_trim(&v, &vn);
			t->sms = cx_strndup(v, vn);
		} else {
			cx_seterr(err, "%s:%lu: a Subject: or SMS: line, or a "
			    "blank line before the body", path, in.lineno);
			goto fail;
		}
	}
	if (r == -1)
		goto fail;
	if (t->subject == NULL) {
		cx_seterr(err, "%s: no Subject: line", path);
		goto fail;
	}
	while (body.len > 1 && body.p[body.len - 1] == '\n' &&
	    body.p[body.len - 2] == '\n')
		body.len--;
	t->body = cx_strndup(body.p != NULL ? body.p : "", body.len);
	cx_in_close(&in);
	cx_buf_free(&body);
	cx_buf_free(&line);
	return t;
fail:
	if (open)
		cx_in_close(&in);
	cx_buf_free(&body);
	cx_buf_free(&line);
	cx_tmpl_free(t);
	return NULL;
}

void
cx_tmpl_free(struct cx_tmpl *t)
{
	if (t == NULL)
		return;
	free(t->subject);
	free(t->sms);
	free(t->body);
	free(t);
}

static void
fill(const char *s, const char *const *v, struct cx_buf *out)
{
	size_t n;
	int f;

	out->len = 0;
	for (; *s != '\0'; s++) {
		if (*s == '{' && (f = field_at(s, &n)) >= 0) {
			if (v[f] != NULL)
				cx_buf_adds(out, v[f]);
			s += n - 1;
		} else
			cx_buf_addc(out, *s);
	}
	(void)cx_buf_str(out);
}

int
cx_tmpl_render(const struct cx_tmpl *t, const char *const *v,
    struct cx_buf *subject, struct cx_buf *sms, struct cx_buf *body)
{
	fill(t->subject, v, subject);
	fill(t->body, v, body);
	if (t->sms == NULL)
		return 0;
	fill(t->sms, v, sms);
	return 1;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
base64(struct cx_buf *b, const unsigned char *s, size_t n)
{
	size_t i;
	unsigned long v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8 |
		    s[i + 2];
		cx_buf_addc(b, b64[v >> 18 & 63]);
		cx_buf_addc(b, b64[v >> 12 & 63]);
		cx_buf_addc(b, b64[v >> 6 & 63]);
		cx_buf_addc(b, b64[v & 63]);
	}
	if (i < n) {
		v = (unsigned long)s[i] << 16 | (i + 1 < n ?
		    (unsigned long)s[i + 1] << 8 : 0);
		cx_buf_addc(b, b64[v >> 18 & 63]);
		cx_buf_addc(b, b64[v >> 12 & 63]);
		cx_buf_addc(b, i + 1 < n ? b64[v >> 6 & 63] : '=');
		cx_buf_addc(b, '=');
	}
}

static int
plain(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

/*
 * Text for a header: as it is where it is printable ASCII, else encoded
 * words of whole characters, folded onto lines of their own, each line
 * within 76 characters (RFC 2047, 2 and 5); used is what the line holds
 * before the text ("Subject: ").
 */
void
cx_mime_words(struct cx_buf *b, const char *s, size_t n, size_t used)
{
	size_t k, max;

	/* As it is only if a reader cannot take it for encoded words and
	 * it fits the line: else encoded words, which fold. */
	if (plain(s, n) && used + n <= 76 && !memmem(s, n, "=?", 2)) {
		cx_buf_add(b, s, n);
		return;
	}
	while (n > 0) {
		/* 3 bytes are 4 in base64; "=?UTF-8?B?" and "?=" are 12. */
		max = used + 12 < 76 ? (76 - used - 12) / 4 * 3 : 3;
		if (max > 45)
			max = 45;
		k = cx_utf8_prefix(s, n < max ? n : max);
		if (k == 0)
			k = n < max ? n : max;
		cx_buf_adds(b, "=?UTF-8?B?");
		base64(b, (const unsigned char *)s, k);
		cx_buf_adds(b, "?=");
		s += k;
		n -= k;
		if (n > 0)
			cx_buf_adds(b, "\n ");
		used = 1;
	}
}

/* An address fit for a header: one addr-spec, printable ASCII. */
int
cx_mail_addr_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i;

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@'))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] > 0x7e ||
		    strchr("<>()[],;:\\\"", s[i]) != NULL)
			return 0;
	return 1;
}

/* The characters on the line being written. */
static size_t
column(const struct cx_buf *b)
{
	size_t i = b->len;

	while (i > 0 && b->p[i - 1] != '\n')
		i--;
	return b->len - i;
}

/* "name <addr>", the name as a phrase: quoted, or encoded words; the
 * address on a line of its own where it would make the line too long. */
static void
mailbox(struct cx_buf *b, const char *name, const char *addr, size_t used)
{
	size_t i;

	if (name != NULL && *name != '\0') {
		if (plain(name, strlen(name)) && used + strlen(name) + 2 <=
		    76 && strstr(name, "=?") == NULL) {
			cx_buf_addc(b, '"');
			for (i = 0; name[i] != '\0'; i++) {
				if (name[i] == '"' || name[i] == '\\')
					cx_buf_addc(b, '\\');
				cx_buf_addc(b, name[i]);
			}
			cx_buf_addc(b, '"');
		} else
			cx_mime_words(b, name, strlen(name), used);
		cx_buf_adds(b, column(b) + strlen(addr) + 3 > 76 ? "\n " : " ");
	}
	cx_buf_printf(b, "<%s>", addr);
}

/* "Tue, 24 Nov 2026 09:00:00 +0800" in the team's zone (RFC 5322 3.3). */
static void
mail_date(struct cx_buf *b, time_t t)
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon",
	    "Tue", "Wed" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	long off = cx_tz_offset(t);
	long long s = (long long)t + off, days;
	int y, m, d;

	days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
	s -= days * 86400;
	cx_civil_from_days(days, &y, &m, &d);
	cx_buf_printf(b, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld",
	    wd[((days % 7) + 7) % 7], d, mon[m - 1], y, (int)(s / 3600),
	    (int)(s / 60 % 60), (int)(s % 60), off < 0 ? '-' : '+',
	    labs(off) / 3600, labs(off) / 60 % 60);
}

int
cx_mail_write(const struct cx_mail *m, struct cx_buf *b, struct cx_err *err)
{
	const char *lt, *gt, *addr = m->from;
	struct cx_buf from = { 0 };
	size_t i, n;

	/* From: "name <addr>" of cx.conf, or a bare address. */
	if ((lt = strrchr(m->from, '<')) != NULL && (gt = strchr(lt, '>')) !=
	    NULL && gt[1] == '\0') {
		cx_buf_add(&from, lt + 1, (size_t)(gt - lt - 1));
		addr = cx_buf_str(&from);
	}
	if (!cx_mail_addr_ok(addr) || !cx_mail_addr_ok(m->to_addr)) {
		cx_seterr(err, "%s is no mail address", !cx_mail_addr_ok(addr) ?
		    "mail_from" : "the customer's email");
		cx_buf_free(&from);
		return -1;
	}
	cx_buf_adds(b, "From: ");
	if (lt != NULL) {
		const char *name = m->from;

		n = (size_t)(lt - name);
		cx_trim(&name, &n);
		if (n > 0 && name[0] == '"' && n > 1 && name[n - 1] == '"') {
			name++;
			n -= 2;
		}
		if (n > 0) {
			struct cx_buf nm = { 0 };

			cx_buf_add(&nm, name, n);
			mailbox(b, cx_buf_str(&nm), addr, 6);
			cx_buf_free(&nm);
		} else
			mailbox(b, NULL, addr, 6);
	} else
		mailbox(b, NULL, addr, 6);
	cx_buf_adds(b, "\nTo: ");
	mailbox(b, m->to_name, m->to_addr, 4);
	cx_buf_adds(b, "\nSubject: ");
	cx_mime_words(b, m->subject, strlen(m->subject), 9);
	cx_buf_adds(b, "\nDate: ");
	mail_date(b, m->date);
	/* The id's characters that are no atext: '_' (RFC 5322 3.2.3). */
	cx_buf_adds(b, "\nMessage-ID: <");
	for (i = 0; m->msgid[i] != '\0'; i++)
		cx_buf_addc(b, (m->msgid[i] >= '0' && m->msgid[i] <= '9') ||
		    (m->msgid[i] >= 'A' && m->msgid[i] <= 'Z') ||
		    (m->msgid[i] >= 'a' && m->msgid[i] <= 'z') ||
		    strchr(".-_+=", m->msgid[i]) != NULL ? m->msgid[i] : '_');
	cx_buf_printf(b, "@%s>\n", strchr(addr, '@') + 1);
	cx_buf_adds(b, "Auto-Submitted: auto-generated\nX-CX-Ticket: ");
	cx_mime_words(b, m->ticket, strlen(m->ticket), 13);
	cx_buf_addc(b, '\n');
	cx_buf_adds(b, "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: base64\n\n");
	n = strlen(m->body);
	for (i = 0; i < n; i += 57) {	/* 76 characters a line */
		base64(b, (const unsigned char *)m->body + i, n - i < 57 ?
		    n - i : 57);
		cx_buf_addc(b, '\n');
	}
	cx_buf_free(&from);
	return 0;
}

/* The customer's language: "lang", else Chinese if they wrote any. */
int
cx_lang_of(const struct cx_rec *r, struct cx_buf *tmp)
{
	static const char *const texts[] = { "subject", "text",
	    "customer.name" };
	size_t i, k;

	if (cx_rec_getstr(r, "lang", tmp) == 0 && tmp->len >= 2)
		return strncmp(tmp->p, "zh", 2) == 0 ? CX_LANG_ZH : CX_LANG_EN;
	for (i = 0; i < 3; i++)
		if (cx_rec_getstr(r, texts[i], tmp) == 0)
			for (k = 0; k < tmp->len; k++)	/* U+3000 to U+9FFF */
				if ((unsigned char)tmp->p[k] >= 0xe3 &&
				    (unsigned char)tmp->p[k] <= 0xe9)
					return CX_LANG_ZH;
	return CX_LANG_EN;
}

/*
 * The promised date: the resolution clock's due, else another clock's,
 * as "2026-11-25 09:12" in the team's zone; one already past is no
 * promise, and the customer is told "as soon as possible".  0 if there
 * is a date, 1 if it is past, -1 if there is none (out empty).
 */
int
cx_promised(const struct cx_rec *r, time_t now, int lang,
    struct cx_buf *out, struct cx_buf *tmp)
{
	static const char *const clocks[] = { "sla.resolution.due",
	    "sla.solution.due", "sla.first_response.due" };
	time_t t;
	size_t i;

	out->len = 0;
	for (i = 0; i < 3; i++) {
		if (cx_rec_getstr(r, clocks[i], tmp) == -1 ||
		    cx_time_parse(tmp->p, tmp->len, &t, NULL) == -1)
			continue;
		if (t < now) {
			cx_buf_adds(out, lang == CX_LANG_ZH ? "尽快" :
			    "as soon as possible");
			return 1;
		}
		tmp->len = 0;
		cx_time_fmt(t, tmp);	/* in the team's zone */
		cx_buf_add(out, tmp->p, 10);
		cx_buf_addc(out, ' ');
		cx_buf_add(out, tmp->p + 11, 5);
		return 0;
	}
	(void)cx_buf_str(out);
	return -1;
}
