/*
 * mail.h: the parts of cx-mail.
 */
#ifndef MAIL_H
#define MAIL_H

#include <gmime/gmime.h>
#include <stddef.h>
#include <time.h>

#include "cx.h"

/* mail-text.c */
/* Bytes said to be in a charset (or NULL) as UTF-8, appended; the
 * charset used in used. */
void	 mail_decode(const char *declared, const char *, size_t,
	    struct cx_buf *, char *used, size_t usedlen);
/* HTML as the text a reader sees, appended. */
void	 mail_html_text(const char *, size_t, struct cx_buf *);
/* An order number announced in the text (订单号, order no.), or -1. */
int	 mail_order(const char *, size_t, struct cx_buf *);

/* mail-head.c */
/* Why a message is automatic (an auto-reply, a bounce), or NULL. */
const char *mail_automatic(GMimeMessage *, struct cx_buf *why);
/* A header as UTF-8 text: raw 8-bit bytes in their real charset, encoded
 * words decoded, folding undone. */
void	 mail_header(GMimeParserOptions *, GMimeObject *, const char *name,
	    struct cx_buf *);
/* When it was sent (Date, the mbox separator, Received), or -1. */
time_t	 mail_sent(GMimeMessage *, const char *marker);
/* The ticket a mail names: [CX-...] in its subject, or one of our
 * Message-IDs in In-Reply-To or References. */
void	 mail_ticket(const char *subject, GMimeObject *, struct cx_buf *);

#endif
