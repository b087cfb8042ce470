/*
 * tool.c: the frame every cx tool is built in (tool.h).
 *
 * One table of options per tool, and the common ones added here, give
 * getopt_long its optstring and long options, the usage line and the
 * --help text, so that a letter means one thing in the whole suite and
 * what a tool accepts is what it says it accepts.
 */
#include <sys/stat.h>

#include <err.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

#ifndef CX_VERSION
#define CX_VERSION	"unknown"
#endif

#define HELPCOL		28		/* where the help of an option begins */

static const struct tool_opt common[] = {
	{ 'h', "help", NULL, "print this help and exit" },
	{ 'q', "quiet", NULL, "print no summary on the standard error" },
	{ TOOL_VERSION, "version", NULL, "print the version and exit" },
	{ 0, NULL, NULL, NULL }
};

static const struct tool_opt spoolopts[] = {
	{ 's', "spool", "spool", "work on the spool, not on files ($CX_SPOOL)" },
	{ 0, NULL, NULL, NULL }
};

static const struct tool_opt clockopts[] = {
	{ 'z', "zone", "zone", "the team's time zone ($CX_TZ)" },
	{ TOOL_NOW, "now", "time", "the time now, not the clock's ($CX_NOW)" },
	{ 0, NULL, NULL, NULL }
};

/* Every option of the tool, in the order of the help: built once. */
static struct {
	const struct tool_opt	**o;
	size_t			  n;
	char			 *optstring;
	struct option		 *longopts;
} all;

static void
add(const struct tool_opt *o)
{
	for (; o->name != NULL; o++) {
		all.o = cx_grow(all.o, all.n, sizeof(*all.o));
		all.o[all.n++] = o;
	}
}

/* Letters in order, each capital before its small one; long only last. */
static int
cmpopt(const void *a, const void *b)
{
	const struct tool_opt *x = *(const struct tool_opt *const *)a;
	const struct tool_opt *y = *(const struct tool_opt *const *)b;
	int lx, ly;

	if ((x->ch < 256) != (y->ch < 256))
		return x->ch < 256 ? -1 : 1;
	if (x->ch >= 256)
		return strcmp(x->name, y->name);
	lx = x->ch | 0x20;
	ly = y->ch | 0x20;
	if (lx != ly)
		return lx - ly;
	return x->ch - y->ch;	/* capitals sort first in ASCII */
}

static void
build(const struct tool *t)
{
	struct cx_buf s = { 0 };
	size_t i;

	add(t->opts);
	add(common);
	if (t->flags & TOOL_SPOOL)
		add(spoolopts);
	if (t->flags & TOOL_CLOCK)
		add(clockopts);
	qsort(all.o, all.n, sizeof(*all.o), cmpopt);
	cx_buf_addc(&s, ':');
	all.longopts = cx_alloc((all.n + 1) * sizeof(*all.longopts));
	for (i = 0; i < all.n; i++) {
		if (all.o[i]->ch < 256) {
			cx_buf_addc(&s, all.o[i]->ch);
			if (all.o[i]->arg != NULL)
				cx_buf_addc(&s, ':');
		}
		all.longopts[i].name = all.o[i]->name;
		all.longopts[i].has_arg = all.o[i]->arg != NULL ?
		    required_argument : no_argument;
		all.longopts[i].val = all.o[i]->ch;
	}
	all.optstring = (char *)cx_buf_str(&s);
}

static void
done(void)
{
	free(all.o);
	free(all.optstring);
	free(all.longopts);
	memset(&all, 0, sizeof(all));
}

void
tool_usage(const struct tool *t)
{
	fprintf(stderr, "usage: %s\n", t->synopsis);
	exit(CX_EXIT_ERR);
}

/* Words from column HELPCOL to 79, the lines after indented to HELPCOL. */
static void
wrap(struct cx_buf *b, const char *text)
{
	const char *p = text, *w;
	size_t col = HELPCOL, n;

	while (*p != '\0') {
		for (w = p; *w == ' '; w++)
			;
		for (n = 0; w[n] != '\0' && w[n] != ' '; n++)
			;
		if (n == 0)
			break;
		if (col > HELPCOL && col + 1 + n > 79) {
			cx_buf_printf(b, "\n%*s", HELPCOL, "");
			col = HELPCOL;
		} else if (col > HELPCOL) {
			cx_buf_addc(b, ' ');
			col++;
		}
		cx_buf_add(b, w, n);
		col += n;
		p = w + n;
	}
	cx_buf_addc(b, '\n');
}

static void
help(const struct tool *t)
{
	struct cx_buf b = { 0 };
	const struct tool_opt *o;
	size_t i, start;

	cx_buf_printf(&b, "usage: %s\n\n", t->synopsis);
	for (i = 0; i < all.n; i++) {
		o = all.o[i];
		start = b.len;
		if (o->ch < 256)
			cx_buf_printf(&b, "  -%c, --%s", o->ch, o->name);
		else
			cx_buf_printf(&b, "      --%s", o->name);
		if (o->arg != NULL)
			cx_buf_printf(&b, " %s", o->arg);
		if (b.len - start + 2 > HELPCOL)
			cx_buf_printf(&b, "\n%*s", HELPCOL, "");
		else
			cx_buf_printf(&b, "%*s", (int)(HELPCOL - (b.len - start)),
			    "");
		wrap(&b, o->help);
	}
	if (cx_write_all(STDOUT_FILENO, b.p, b.len) == -1)
		err(CX_EXIT_ERR, "stdout");
	cx_buf_free(&b);
	done();
	exit(CX_EXIT_OK);
}

/*
 * The long option WORD ("--zone", "--zone=x", "--zo") names, if getopt's
 * complaint about the option CH is about it; NULL if not.  After an error
 * in a cluster of short options ("--quiet -Xq") the word before optind is
 * the one before the cluster, and must not be taken for it.
 */
static const char *
long_word(const char *word, int ch)
{
	size_t i, n;

	if (strncmp(word, "--", 2) != 0)
		return NULL;
	word += 2;
	n = strcspn(word, "=");
	if (ch == 0)
		return word;
	for (i = 0; i < all.n; i++)
		if (all.o[i]->ch == ch && strncmp(all.o[i]->name, word, n) == 0)
			return all.o[i]->name;
	return NULL;
}

/*
 * The option getopt complained of, as the user wrote it: a long one as
 * given ("--bogus"), a short one alone ("-x" of "-qx").
 */
static void
complain(const struct tool *t, int ch, const char *word)
{
	const char *name = long_word(word, optopt);

	if (name != NULL && optopt == 0)
		warnx("unknown option --%.*s", (int)strcspn(name, "="), name);
	else if (name != NULL && ch == ':')
		warnx("option --%s needs a value", name);
	else if (name != NULL)
		warnx("option --%s takes no value", name);
	else if (ch == ':')
		warnx("option -%c needs a value", optopt);
	else
		warnx("unknown option -%c", optopt);
	done();
	tool_usage(t);
}

int
tool_getopt(struct tool *t, int argc, char *argv[])
{
	int ch;

	if (all.optstring == NULL) {
		/* What a tool creates outside a spool (alerts, a model, a
		 * rejects file) is at most 0640, whatever the umask. */
		umask(umask(027) | 027);
		build(t);
		opterr = 0;		/* our own messages, named for the tool */
		if (t->flags & TOOL_SPOOL)
			t->spool = cx_spool_env();
	}
	for (;;) {
		switch (ch = getopt_long(argc, argv, all.optstring,
		    all.longopts, NULL)) {
		case -1:
			done();
			return -1;
		case 'h':
			help(t);
			break;
		case 'q':
			t->quiet = 1;
			break;
		case 's':
			if (*optarg == '\0')
				errx(CX_EXIT_ERR, "the spool's path is empty");
			t->spool = optarg;
			break;
		case 'z':
			t->zone = optarg;
			break;
		case TOOL_NOW:
			t->now = optarg;
			break;
		case TOOL_VERSION:
			printf("%s %s\n", t->name, CX_VERSION);
			done();
			exit(CX_EXIT_OK);
		case ':':
		case '?':
			complain(t, ch, argv[optind - 1]);
			break;
		default:
			return ch;
		}
	}
}

void
tool_operands(const struct tool *t, int argc)
{
	if (t->spool != NULL && argc > 0)
		errx(CX_EXIT_ERR, "a spool is its own input: no files with -s");
}

void
tool_clock(struct tool *t)
{
	struct cx_err e;

	size_t mb;

	if (cx_clock_setup(t->spool, t->zone, t->now, t->nowtext, &e) == -1 ||
	    cx_setting_number(t->spool, "record_max_mb", 8, 1, 4096, &mb,
	    &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_record_max = mb << 20;
	if ((t->flags & TOOL_SPOOLONLY) && t->spool == NULL)
		errx(CX_EXIT_ERR, "%s works on a spool: give -s or set "
		    "CX_SPOOL", t->name);
}

char *
tool_conf(const struct tool *t, const char *given, const char *name)
{
	struct cx_err e;
	char *path;

	if (given != NULL)
		return cx_strndup(given, strlen(given));
	if ((path = cx_conf_need(t->spool, name, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	return path;
}

void
tool_flush(struct tool *t)
{
	if (t->out.len > 0 && cx_write_all(STDOUT_FILENO, t->out.p,
	    t->out.len) == -1)
		err(CX_EXIT_ERR, "stdout");
	t->out.len = 0;
}

static void
filter_one(struct tool *t, const char *path, tool_line_fn *fn, void *arg)
{
	struct cx_in in;
	struct cx_err e;
	const char *l;
	size_t n;
	int rc;

	if (cx_in_open(&in, path, &e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	while ((rc = cx_in_line(&in, &l, &n, &e)) == 1) {
		if (in.cut) {
			cx_cut_why(&e, "a line");
			tool_bad(t, in.name, in.lineno, e.msg, "left out");
			continue;
		}
		if (n == 0)
			continue;
		fn(arg, in.name, in.lineno, l, n, &t->out);
		if (t->out.len >= 65536)
			tool_flush(t);
	}
	if (rc == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	cx_in_close(&in);
}

void
tool_filter(struct tool *t, int argc, char *argv[], tool_line_fn *fn,
    void *arg)
{
	int i;

	if (argc == 0)
		filter_one(t, "-", fn, arg);
	for (i = 0; i < argc; i++)
		filter_one(t, argv[i], fn, arg);
	tool_flush(t);
}

void
tool_bad(struct tool *t, const char *file, unsigned long line,
    const char *what, const char *fate)
{
	warnx("%s:%lu: %s; %s", file, line, what, fate);
	t->nbad++;
}

void
tool_ids_add(struct tool_ids *ids, const char *id)
{
	ids->id = cx_grow(ids->id, ids->n, sizeof(*ids->id));
	ids->found = cx_grow(ids->found, ids->n, sizeof(*ids->found));
	ids->id[ids->n] = id;
	ids->found[ids->n++] = 0;
}

int
tool_ids_want(struct tool_ids *ids, const char *id)
{
	size_t i;
	int yes = ids->n == 0;

	for (i = 0; id != NULL && i < ids->n; i++)
		if (strcmp(ids->id[i], id) == 0)
			yes = ids->found[i] = 1;
	return yes;
}

void
tool_ids_check(struct tool *t, struct tool_ids *ids)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		if (!ids->found[i]) {
			warnx("%s: no such ticket", ids->id[i]);
			t->no = 1;
		}
}

void
tool_ids_free(struct tool_ids *ids)
{
	free(ids->id);
	free(ids->found);
	memset(ids, 0, sizeof(*ids));
}

int
tool_exit(struct tool *t, const char *fmt, ...)
{
	struct cx_err e;
	va_list ap;

	/* Times computed in a zone that did not load are wrong: say so. */
	if (cx_tz_ok(&e) == -1)
		errx(CX_EXIT_ERR, "%s", e.msg);
	tool_flush(t);
	cx_buf_free(&t->out);
	if (!t->quiet) {
		va_start(ap, fmt);
		vwarnx(fmt, ap);
		va_end(ap);
	}
	return cx_exit_status(t->nbad, t->no);
}

struct cx_alias *
tool_alias(const struct tool *t, const char *name)
{
	struct cx_alias *a = NULL;
	struct cx_err e;
	char *path;

	if ((path = cx_conf_need(t->spool, name, &e)) == NULL ||
	    (a = cx_alias_load(path, &e)) == NULL)
		errx(CX_EXIT_ERR, "%s", e.msg);
	free(path);
	return a;
}

const char *
tool_format(const char *f)
{
	if (strcmp(f, "csv") != 0 && strcmp(f, "jsonl") != 0)
		errx(CX_EXIT_ERR, "-f: csv or jsonl, not \"%s\"", f);
	return f;
}

int
tool_is_jsonl(const char *format, struct cx_in *in, const char *path)
{
	return format != NULL ? strcmp(format, "jsonl") == 0 :
	    cx_in_is_jsonl(in, path);
}
