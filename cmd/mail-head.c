/*
 * mail-head.c: what a mail's headers say: whether a person wrote it, its
 * text headers in their real charset, when it was sent, and the ticket it
 * names.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail.h"

/* --- automatic mail ------------------------------------------------------- */

/* Why a message is automatic, or NULL if a person wrote it. */
const char *
mail_automatic(GMimeMessage *m, struct cx_buf *why)
{
	GMimeObject *o = GMIME_OBJECT(m);
	InternetAddressList *from = g_mime_message_get_from(m);
	InternetAddress *a;
	const char *v, *addr;

	why->len = 0;
	if ((v = g_mime_object_get_header(o, "Auto-Submitted")) != NULL &&
	    !cx_streqi(v, strcspn(v, " ;("), "no", 2))
		cx_buf_printf(why, "Auto-Submitted: %.40s", v);
	else if (g_mime_content_type_is_type(g_mime_object_get_content_type(
	    g_mime_message_get_mime_part(m) != NULL ?
	    g_mime_message_get_mime_part(m) : o), "multipart", "report"))
		cx_buf_adds(why, "a delivery or read report");
	else if ((v = g_mime_object_get_header(o, "Precedence")) != NULL &&
	    (strstr(v, "bulk") != NULL || strstr(v, "junk") != NULL ||
	    strstr(v, "auto_reply") != NULL))
		cx_buf_printf(why, "Precedence: %.20s", v);
	else if (g_mime_object_get_header(o, "X-Autoreply") != NULL ||
	    g_mime_object_get_header(o, "X-Autorespond") != NULL)
		cx_buf_adds(why, "an auto-reply (X-Autoreply)");
	else if ((v = g_mime_object_get_header(o, "Return-Path")) != NULL &&
	    strstr(v, "<>") != NULL)
		cx_buf_adds(why, "a bounce (Return-Path: <>)");
	else if (from != NULL && internet_address_list_length(from) > 0 &&
	    INTERNET_ADDRESS_IS_MAILBOX((a = internet_address_list_get_address(
	    from, 0))) && (addr = internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(a))) != NULL &&
	    (strncasecmp(addr, "mailer-daemon@", 14) == 0 ||
	    strncasecmp(addr, "postmaster@", 11) == 0))
		cx_buf_printf(why, "a bounce (From: %.*s)", (int)strcspn(addr,
		    "@"), addr);
	return why->len > 0 ? cx_buf_str(why) : NULL;
}

/* --- headers ------------------------------------------------------------ */

/* A header as text: raw 8-bit bytes read in their real charset, encoded
 * words decoded, folding undone. */
void
mail_header(GMimeParserOptions *po, GMimeObject *o, const char *name,
    struct cx_buf *out)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	GMimeHeader *h = g_mime_header_list_get_header(hl, name);
	const char *raw = h != NULL ? g_mime_header_get_raw_value(h) : NULL;
	struct cx_buf u = { 0 };
	char used[64], *dec;
	size_t i;

	out->len = 0;
	if (raw == NULL)
		return;
	mail_decode(NULL, raw, strlen(raw), &u, used, sizeof(used));
	dec = g_mime_utils_header_decode_text(po, cx_buf_str(&u));
	for (i = 0; dec != NULL && dec[i] != '\0'; i++)
		if (dec[i] == '\r' || dec[i] == '\n' || dec[i] == '\t') {
			if (out->len > 0 && out->p[out->len - 1] != ' ')
				cx_buf_addc(out, ' ');
		} else if (dec[i] != ' ' || (out->len > 0 &&
		    out->p[out->len - 1] != ' '))
			cx_buf_addc(out, dec[i]);
	while (out->len > 0 && out->p[out->len - 1] == ' ')
		out->len--;
	/* GMime's decoding is trusted only as far as it is UTF-8. */
	if (!cx_utf8_valid(out->p != NULL ? out->p : "", out->len)) {
		u.len = 0;
		cx_utf8_scrub(out->p, out->len, &u);
		out->len = 0;
		cx_buf_add(out, u.p, u.len);
	}
	(void)cx_buf_str(out);
	g_free(dec);
	cx_buf_free(&u);
}

/* The time it was sent: Date, else the mbox separator's, else that of
 * the last Received; -1 if none can be read. */
time_t
mail_sent(GMimeMessage *m, const char *marker)
{
	GDateTime *d = g_mime_message_get_date(m);
	const char *r, *semi;
	time_t t = -1;

	if (d == NULL && marker != NULL && (r = strchr(marker + 5, ' ')) !=
	    NULL)
		d = g_mime_utils_header_decode_date(r + 1);
	else if (d != NULL)
		g_date_time_ref(d);
	if (d == NULL && (r = g_mime_object_get_header(GMIME_OBJECT(m),
	    "Received")) != NULL && (semi = strrchr(r, ';')) != NULL)
		d = g_mime_utils_header_decode_date(semi + 1);
	if (d != NULL) {
		t = (time_t)g_date_time_to_unix(d);
		g_date_time_unref(d);
	}
	return t;
}

/* A ticket number the mail names: [CX-...] in its subject, or one of our
 * Message-IDs (<CX-....event.N@...>) it answers. */
void
mail_ticket(const char *subject, GMimeObject *o, struct cx_buf *out)
{
	static const char *const hdrs[] = { "In-Reply-To", "References" };
	const char *p, *v;
	size_t i, k;

	out->len = 0;
	for (p = subject; (p = strstr(p, "[CX-")) != NULL; p++) {
		k = strspn(p + 1, "CX-0123456789");
		if (k > 4 && p[1 + k] == ']') {
			cx_buf_add(out, p + 1, k);
			return;
		}
	}
	for (i = 0; i < 2; i++) {
		if ((v = g_mime_object_get_header(o, hdrs[i])) == NULL)
			continue;
		for (p = v; (p = strstr(p, "<CX-")) != NULL; p++) {
			k = strspn(p + 1, "CX-0123456789");
			if (k > 4 && p[1 + k] == '.') {
				cx_buf_add(out, p + 1, k);
				return;
			}
		}
	}
}
