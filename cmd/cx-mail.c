/*
 * cx-mail: mail as complaint records (R1.2).
 *
 * Reads single messages (.eml), mbox files and maildirs, or the standard
 * input (an MTA's pipe, fetchmail's mda), and writes a JSON record for
 * each message that is a complaint, which cx-ingest(1) registers:
 *
 *	cx-mail inbox.mbox | cx-ingest -s spool -
 *
 * GMime parses the MIME structure, the transfer encodings, RFC 2047
 * encoded words and RFC 2231 parameters; mail-text.c reads the text in
 * whatever charset it is really in, and turns an HTML-only body into
 * text.  Automatic mail (auto-replies, bounces, delivery reports) makes
 * no record.  Attachments are listed on the record (name, type, size,
 * SHA-256) and, with --attachments, kept in a directory under their
 * hash, never opened or run.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

#include "cx.h"
#include "mail.h"
#include "tool.h"

enum { OPT_ATTACH = 300 };

static const struct tool_opt opts[] = {
	{ OPT_ATTACH, "attachments", "dir", "keep attachments in dir, each "
	    "named by its SHA-256" },
	{ 0, NULL, NULL, NULL }
};

static struct {
	struct tool		 t;
	GMimeParserOptions	*po;
	const char		*dir;
	unsigned long		 nmsg, nrec, nauto, natt;
} G = {
	.t = {
		.name = "cx-mail",
		.synopsis = "cx-mail [-q] [-z zone] [--now time] "
		    "[--attachments dir] [file | maildir ...]",
		.opts = opts,
		.flags = TOOL_CLOCK,
	},
};

/* What one message is made into. */
struct msg {
	struct cx_buf	 body, html, atts, tmp;
	char		 declared[64], used[64];
	int		 have_body, have_html;
};

/* --- parts -------------------------------------------------------------- */

static void
content(GMimePart *p, GByteArray **ba, GMimeStream **mem)
{
	GMimeDataWrapper *w = g_mime_part_get_content(p);

	*mem = g_mime_stream_mem_new();
	if (w != NULL)
		g_mime_data_wrapper_write_to_stream(w, *mem);
	*ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(*mem));
}

/* Keep an attachment's bytes under their hash, written whole or not at
 * all; one already there is the same bytes. */
static void
keep(const char *hash, const guint8 *data, size_t n)
{
	struct cx_buf path = { 0 }, tmp = { 0 };
	int fd;

	cx_buf_printf(&path, "%s/%s", G.dir, hash);
	if (access(cx_buf_str(&path), F_OK) == 0)
		goto out;
	if (errno != ENOENT)
		err(CX_EXIT_ERR, "%s", path.p);
	cx_buf_printf(&tmp, "%s/.%s.%ld", G.dir, hash, (long)getpid());
	if ((fd = open(cx_buf_str(&tmp), O_WRONLY | O_CREAT | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC, 0640)) == -1)
		err(CX_EXIT_ERR, "%s", tmp.p);
	if (cx_write_all(fd, data, n) == -1 || fsync(fd) == -1 ||
	    close(fd) == -1 || rename(tmp.p, path.p) == -1) {
		(void)unlink(tmp.p);
		err(CX_EXIT_ERR, "%s", path.p);
	}
out:
	cx_buf_free(&path);
	cx_buf_free(&tmp);
}

static void
attachment(struct msg *x, GMimeObject *o, const guint8 *data, size_t n)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	const char *name = GMIME_IS_PART(o) ?
	    g_mime_part_get_filename(GMIME_PART(o)) : NULL;
	char *type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(o));
	char used[64];
	const char *hash;

	g_checksum_update(ck, data, n);
	hash = g_checksum_get_string(ck);
	cx_buf_adds(&x->atts, x->atts.len > 0 ? ",{\"name\":" : "{\"name\":");
	x->tmp.len = 0;
	if (name != NULL)
		mail_decode(NULL, name, strlen(name), &x->tmp, used,
		    sizeof(used));
	cx_json_addstr(&x->atts, x->tmp.p != NULL ? x->tmp.p : "", x->tmp.len);
	cx_buf_adds(&x->atts, ",\"type\":");
	cx_json_addstr(&x->atts, type, strlen(type));
	cx_buf_printf(&x->atts, ",\"size\":%zu,\"sha256\":\"%s\"}", n, hash);
	if (G.dir != NULL)
		keep(hash, data, n);
	G.natt++;
	g_free(type);
	g_checksum_free(ck);
}

static void
part(GMimeObject *parent, GMimeObject *o, gpointer arg)
{
	struct msg *x = arg;
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	GMimeStream *mem = NULL;
	GByteArray *ba = NULL;
	const char *cs;
	int att;

	(void)parent;
	if (GMIME_IS_MESSAGE_PART(o)) {
		/* A message attached: kept as it was sent. */
		char *s = g_mime_object_to_string(o, NULL);

		attachment(x, o, (const guint8 *)s, strlen(s));
		g_free(s);
		return;
	}
	if (!GMIME_IS_PART(o))
		return;		/* a multipart: its parts come on their own */
	att = g_mime_part_is_attachment(GMIME_PART(o)) ||
	    g_mime_part_get_filename(GMIME_PART(o)) != NULL;
	content(GMIME_PART(o), &ba, &mem);
	cs = g_mime_object_get_content_type_parameter(o, "charset");
	if (!att && g_mime_content_type_is_type(ct, "text", "plain") &&
	    !x->have_body) {
		snprintf(x->declared, sizeof(x->declared), "%s", cs != NULL ?
		    cs : "");
		mail_decode(cs, (const char *)ba->data, ba->len, &x->body,
		    x->used, sizeof(x->used));
		x->have_body = 1;
	} else if (!att && g_mime_content_type_is_type(ct, "text", "html") &&
	    !x->have_html) {
		char used[64];

		x->tmp.len = 0;
		mail_decode(cs, (const char *)ba->data, ba->len, &x->tmp, used,
		    sizeof(used));
		mail_html_text(x->tmp.p != NULL ? x->tmp.p : "", x->tmp.len,
		    &x->html);
		if (!x->have_body) {
			snprintf(x->declared, sizeof(x->declared), "%s",
			    cs != NULL ? cs : "");
			snprintf(x->used, sizeof(x->used), "%s", used);
		}
		x->have_html = 1;
	} else if (att || !g_mime_content_type_is_type(ct, "text", "*"))
		attachment(x, o, ba->data, ba->len);
	g_object_unref(mem);
}

/* --- a message, a record -------------------------------------------------- */

/* A string as JSON, bytes that are no UTF-8 (a broken address or
 * Message-ID) replaced: nothing but UTF-8 comes out. */
static void
utf8_str(struct cx_buf *b, const char *v, size_t n)
{
	struct cx_buf u = { 0 };
	size_t was = b->len;

	if (cx_json_addstr_utf8(b, v, n) == 0)
		return;
	b->len = was;
	cx_utf8_scrub(v, n, &u);
	cx_json_addstr(b, u.p != NULL ? u.p : "", u.len);
	cx_buf_free(&u);
}

static void
str_member(struct cx_buf *b, const char *key, const char *v, size_t n)
{
	cx_buf_printf(b, ",\"%s\":", key);
	utf8_str(b, v, n);
}

static void
message(GMimeMessage *m, const char *file, unsigned long line,
    const char *marker)
{
	GMimeObject *o = GMIME_OBJECT(m);
	struct msg x = { 0 };
	struct cx_buf b = { 0 }, subj = { 0 }, name = { 0 }, t = { 0 };
	InternetAddressList *from = g_mime_message_get_from(m);
	InternetAddress *a = NULL;
	const char *mid = g_mime_message_get_message_id(m), *addr = NULL, *v;
	const char *text;
	size_t textn;
	time_t at;
	char hex[33];

	G.nmsg++;
	if (mail_automatic(m, &t) != NULL) {
		G.nauto++;
		goto out;
	}
	mail_header(G.po, o, "Subject", &subj);
	if (from != NULL && internet_address_list_length(from) > 0)
		a = internet_address_list_get_address(from, 0);
	if (a != NULL && INTERNET_ADDRESS_IS_MAILBOX(a))
		addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(a));
	if (a != NULL && (v = internet_address_get_name(a)) != NULL) {
		char used[64];

		mail_decode(NULL, v, strlen(v), &name, used, sizeof(used));
	}
	if (g_mime_message_get_mime_part(m) != NULL)
		g_mime_message_foreach(m, part, &x);
	text = x.have_body ? x.body.p : x.html.p;
	textn = x.have_body ? x.body.len : x.html.len;
	if (text == NULL) {
		text = "";
		textn = 0;
	}
	while (textn > 0 && (text[textn - 1] == '\n' || text[textn - 1] == '\r' ||
	    text[textn - 1] == ' ' || text[textn - 1] == '\t'))
		textn--;
	cx_buf_adds(&b, "{\"channel\":\"email\",\"source\":{\"file\":");
	cx_json_addstr(&b, file, strlen(file));
	cx_buf_printf(&b, ",\"line\":%lu", line);
	if (mid != NULL && *mid != '\0') {
		t.len = 0;
		cx_buf_printf(&t, "<%s>", mid);
		str_member(&b, "message_id", t.p, t.len);
		/* The Message-ID is the mail's dedupe key. */
		cx_key_hex(cx_key_of(t.p, t.len), hex);
		cx_buf_printf(&b, ",\"key\":\"%s\"", hex);
	}
	cx_buf_addc(&b, '}');
	if ((at = mail_sent(m, marker)) == -1)
		at = cx_now();
	cx_buf_adds(&b, ",\"received_at\":\"");
	cx_time_fmt(at, &b);
	cx_buf_addc(&b, '"');
	/* The customer: the sender's name and address, or no one. */
	cx_buf_adds(&b, ",\"customer\":{");
	if (name.len > 0) {
		cx_buf_adds(&b, "\"name\":");
		cx_json_addstr(&b, name.p, name.len);
	}
	if (addr != NULL) {
		cx_buf_adds(&b, name.len > 0 ? ",\"email\":" : "\"email\":");
		utf8_str(&b, addr, strlen(addr));
	}
	if (name.len == 0 && addr == NULL)
		cx_buf_adds(&b, "\"anonymous\":true");
	cx_buf_addc(&b, '}');
	if (subj.len > 0)
		str_member(&b, "subject", subj.p, subj.len);
	if (textn > 0)
		str_member(&b, "text", text, textn);
	t.len = 0;
	if (mail_order(subj.p != NULL ? subj.p : "", subj.len, &t) == 0 ||
	    mail_order(text, textn, &t) == 0)
		str_member(&b, "order_id", t.p, t.len);
	if (x.atts.len > 0)
		cx_buf_printf(&b, ",\"attachments\":[%s]", x.atts.p);
	/* How the mail was read, and what it answers. */
	cx_buf_adds(&b, ",\"mail\":{\"charset\":{\"declared\":");
	if (x.declared[0] != '\0')
		utf8_str(&b, x.declared, strlen(x.declared));
	else
		cx_buf_adds(&b, "null");
	cx_buf_adds(&b, ",\"used\":");
	if (x.used[0] != '\0')
		utf8_str(&b, x.used, strlen(x.used));
	else
		cx_buf_adds(&b, "null");
	cx_buf_addc(&b, '}');
	if (!x.have_body && x.have_html)
		cx_buf_adds(&b, ",\"body\":\"html\"");
	if ((v = g_mime_object_get_header(o, "In-Reply-To")) != NULL) {
		mail_header(G.po, o, "In-Reply-To", &t);
		str_member(&b, "in_reply_to", t.p != NULL ? t.p : "", t.len);
	}
	if ((v = g_mime_object_get_header(o, "References")) != NULL) {
		mail_header(G.po, o, "References", &t);
		str_member(&b, "references", t.p != NULL ? t.p : "", t.len);
	}
	mail_ticket(subj.p != NULL ? subj.p : "", o, &t);
	if (t.len > 0)
		str_member(&b, "ticket", t.p, t.len);
	cx_buf_adds(&b, "}}\n");
	cx_buf_add(&G.t.out, b.p, b.len);
	G.nrec++;
	if (G.t.out.len >= 65536)
		tool_flush(&G.t);
out:
	cx_buf_free(&x.body);
	cx_buf_free(&x.html);
	cx_buf_free(&x.atts);
	cx_buf_free(&x.tmp);
	cx_buf_free(&b);
	cx_buf_free(&subj);
	cx_buf_free(&name);
	cx_buf_free(&t);
}

/* --- input -------------------------------------------------------------- */

static void
whole(const char *path, struct cx_buf *b)
{
	struct cx_in in;
	struct cx_err e;
	long n;

	b->len = 0;
	if (cx_in_open(&in, path, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	for (;;) {
		cx_buf_grow(b, 65536);
		if ((n = cx_in_read(&in, b->p + b->len, 65536, &e)) == -1)
			errx(CX_EXIT_ERR, "%s", e.msg);
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	cx_in_close(&in);
}

/* A file: one message, or an mbox of many. */
static void
mailfile(const char *path)
{
	struct cx_buf b = { 0 };
	GMimeStream *s;
	GMimeParser *p;
	GMimeMessage *m;
	unsigned long line = 1;
	gint64 off, at = 0;
	int mbox;
	char *marker;

	whole(path, &b);
	mbox = b.len >= 5 && memcmp(b.p, "From ", 5) == 0;
	s = g_mime_stream_mem_new_with_buffer(b.p != NULL ? b.p : "", b.len);
	p = g_mime_parser_new_with_stream(s);
	g_mime_parser_set_format(p, mbox ? GMIME_FORMAT_MBOX :
	    GMIME_FORMAT_MESSAGE);
	do {
		m = g_mime_parser_construct_message(p, G.po);
		marker = mbox ? g_mime_parser_get_mbox_marker(p) : NULL;
		if (mbox) {
			/* The line of the message's "From " separator. */
			off = g_mime_parser_get_mbox_marker_offset(p);
			for (; at < off && (size_t)at < b.len; at++)
				line += b.p[at] == '\n';
		}
		if (m == NULL) {
			if (!mbox || !g_mime_parser_eos(p))
				tool_bad(&G.t, path, line, "not a mail message",
				    "left out");
			g_free(marker);
			break;
		}
		message(m, strcmp(path, "-") == 0 ? "(stdin)" : path, line,
		    marker);
		g_free(marker);
		g_object_unref(m);
	} while (mbox && !g_mime_parser_eos(p));
	g_object_unref(p);
	g_object_unref(s);
	cx_buf_free(&b);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A maildir (its cur/ and new/), or a directory of messages: each file,
 * in the order of their names. */
static void
maildir(const char *path)
{
	static const char *const sub[] = { "cur", "new", "." };
	struct cx_buf d = { 0 }, f = { 0 };
	struct dirent *de;
	struct stat st;
	char **names = NULL;
	size_t i, n, cap = 0, k, seen = 0;
	DIR *dir;

	for (k = 0; k < 3; k++) {
		d.len = 0;
		cx_buf_printf(&d, "%s/%s", path, sub[k]);
		if (k == 2 && seen > 0)
			break;		/* a maildir: not its top */
		n = 0;
		if ((dir = opendir(cx_buf_str(&d))) == NULL) {
			if (errno == ENOENT)
				continue;
			err(CX_EXIT_ERR, "%s", d.p);
		}
		for (errno = 0; (de = readdir(dir)) != NULL; errno = 0) {
			if (de->d_name[0] == '.')
				continue;
			names = cx_reserve(names, n + 1, &cap, sizeof(*names));
			names[n++] = cx_strndup(de->d_name, strlen(de->d_name));
		}
		/* A listing cut short would leave mail out without a word. */
		if (errno != 0)
			err(CX_EXIT_ERR, "%s", d.p);
		closedir(dir);
		seen += k < 2;
		if (n > 1)
			qsort(names, n, sizeof(*names), name_cmp);
		for (i = 0; i < n; i++) {
			f.len = 0;
			cx_buf_printf(&f, "%s/%s", d.p, names[i]);
			/* One gone since the listing was moved by a reader. */
			if (stat(f.p, &st) == -1) {
				if (errno != ENOENT)
					err(CX_EXIT_ERR, "%s", f.p);
			} else if (S_ISREG(st.st_mode))
				mailfile(f.p);
			free(names[i]);
		}
	}
	free(names);
	cx_buf_free(&d);
	cx_buf_free(&f);
}

/* GMime, and how it is to read mail. */
static void
mime_begin(void)
{
	static const char *fallback[] = { "UTF-8", "GB18030", "ISO-8859-1",
	    NULL };

	g_mime_init();
	G.po = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(G.po, fallback);
	g_mime_parser_options_set_rfc2047_compliance_mode(G.po,
	    GMIME_RFC_COMPLIANCE_LOOSE);
}

int
main(int argc, char *argv[])
{
	struct cx_buf spooldir = { 0 };
	struct stat st;
	int ch, i, isdir;

	while ((ch = tool_getopt(&G.t, argc, argv)) != -1)
		if (ch == OPT_ATTACH)
			G.dir = optarg;
	argc -= optind;
	argv += optind;
	tool_clock(&G.t);
	/* Where a spool is named, its attachments/ keeps them. */
	if (G.dir == NULL && cx_spool_env() != NULL) {
		cx_buf_printf(&spooldir, "%s/attachments", cx_spool_env());
		G.dir = cx_buf_str(&spooldir);
	}
	/* Made if missing, readable by its group at most, as a spool is. */
	if (G.dir != NULL && mkdir(G.dir, 0750) == -1 && errno != EEXIST)
		err(CX_EXIT_ERR, "--attachments: %s", G.dir);
	if (G.dir != NULL && stat(G.dir, &st) == -1)
		err(CX_EXIT_ERR, "--attachments: %s", G.dir);
	if (G.dir != NULL && !S_ISDIR(st.st_mode))
		errx(CX_EXIT_ERR, "--attachments: %s: not a directory", G.dir);
	mime_begin();
	if (argc == 0)
		mailfile("-");
	for (i = 0; i < argc; i++) {
		/* One not there is said so by mailfile; another error here,
		 * not as a directory read as a file. */
		isdir = 0;
		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0)
			isdir = S_ISDIR(st.st_mode);
		else if (strcmp(argv[i], "-") != 0 && errno != ENOENT)
			err(CX_EXIT_ERR, "%s", argv[i]);
		if (isdir)
			maildir(argv[i]);
		else
			mailfile(argv[i]);
	}
	tool_flush(&G.t);
	g_mime_parser_options_free(G.po);
	g_mime_shutdown();
	cx_buf_free(&spooldir);
	return tool_exit(&G.t, "%lu messages: %lu records, %lu automatic "
	    "(no ticket), %lu attachments, %lu unread", G.nmsg, G.nrec,
	    G.nauto, G.natt, G.t.nbad);
}
