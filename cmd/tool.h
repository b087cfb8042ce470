/*
 * tool.h: the frame every cx tool is built in.  It owns what the tools
 * share and say alike (cx(7)): the common options and their letters, the
 * usage and --help text, --version, filter mode over file operands or the
 * standard input, the warning for a line passed through unread, the
 * summary on the standard error, and the exit status.  libcx never prints
 * and never exits; this frame and the tools do.
 */
#ifndef TOOL_H
#define TOOL_H

#include "cx.h"

/* Codes of options with a long name only. */
enum {
	TOOL_NOW = 256, TOOL_VERSION, TOOL_SEED, TOOL_TEXT
};

/* The common options a tool takes besides -h, -q and --version. */
#define TOOL_SPOOL	0x1		/* -s spool */
#define TOOL_CLOCK	0x2		/* -z zone, --now time */
#define TOOL_SPOOLONLY	0x4		/* no filter mode: tool_clock says
					 * so where there is no spool */

struct tool_opt {
	int		 ch;		/* the letter, or a TOOL_ code */
	const char	*name;		/* the long name */
	const char	*arg;		/* the value's name, or NULL */
	const char	*help;
};

typedef void	 tool_line_fn(void *, const char *file, unsigned long line,
		    const char *, size_t, struct cx_buf *out);

struct tool {
	/* given by the tool */
	const char		*name;		/* "cx-classify" */
	const char		*synopsis;	/* usage lines after "usage: " */
	const struct tool_opt	*opts;		/* its own, { 0 } ended */
	int			 flags;		/* TOOL_SPOOL, TOOL_CLOCK */
	/* the common options */
	const char		*spool;		/* -s, or $CX_SPOOL */
	const char		*zone, *now;
	int			 quiet;
	char			 nowtext[CX_NOWTEXT];	/* now, a JSON string */
	/* the run */
	unsigned long		 nbad;		/* passed through unread, left */
	int			 no;		/* the tool's own "no" */
	struct cx_buf		 out;		/* records for the standard output */
};

/* The next of the tool's own options (getopt_long's way), -1 at the end;
 * the common ones are handled, a bad one is a usage error. */
int	 tool_getopt(struct tool *, int argc, char *argv[]);
void	 tool_usage(const struct tool *) __attribute__((noreturn));
/* After the options: file operands are checked against spool mode. */
void	 tool_operands(const struct tool *, int argc);
/* The run's zone and clock (cx_clock_setup), or exit 2; exit 2 too for
 * a TOOL_SPOOLONLY tool given no spool. */
void	 tool_clock(struct tool *);
/* A configuration file: given on the command line, or the spool's or the
 * shipped one; exit 2 if there is none.  The caller frees it. */
char	*tool_conf(const struct tool *, const char *given, const char *name);
/* -f: "csv" or "jsonl", else exit 2. */
const char *tool_format(const char *);
/* Whether an input is JSON Lines: as -f says, else by its name and first
 * byte (cx_in_is_jsonl). */
int	 tool_is_jsonl(const char *format, struct cx_in *, const char *path);
/* An alias table of the spool's etc/ or the shipped ones; exit 2 if
 * there is none or it is broken. */
struct cx_alias *tool_alias(const struct tool *, const char *name);
/* Filter mode: fn for each non-empty line of each operand, or of the
 * standard input, what it appends to out written to the standard output. */
void	 tool_filter(struct tool *, int argc, char *argv[], tool_line_fn *,
	    void *);
void	 tool_flush(struct tool *);
/* A line passed through or left out unread: warned of, counted. */
void	 tool_bad(struct tool *, const char *file, unsigned long line,
	    const char *what, const char *fate);
/* The tickets -i names: each is looked for, and one not found is said. */
struct tool_ids {
	const char	**id;
	char		 *found;
	size_t		  n;
};
void	 tool_ids_add(struct tool_ids *, const char *);
/* Whether a ticket is wanted: there is no -i, or -i names it (found). */
int	 tool_ids_want(struct tool_ids *, const char *id);
/* Each -i not found: "ID: no such ticket", and the tool's "no". */
void	 tool_ids_check(struct tool *, struct tool_ids *);
void	 tool_ids_free(struct tool_ids *);
/* The summary ("cx-NAME: ..." on the standard error, unless -q) and the
 * exit status of a run that finished (cx_exit_status). */
int	 tool_exit(struct tool *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
