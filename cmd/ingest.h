/*
 * ingest.h: what the parts of cx-ingest share.  cx-ingest.c reads the
 * exports row by row; ingest-reg.c decides what each row becomes: a
 * ticket, a follow-up, a duplicate or a reject, and ingest-conv.c what
 * becomes of a message of a conversation.
 */
#ifndef INGEST_H
#define INGEST_H

#include <stdio.h>

#include "cx.h"
#include "tool.h"

struct item {
	struct cx_key		 key;
	int			 has_order;
	struct cx_key		 okey;
	const char		*body;	/* CSV: members, no braces */
	size_t			 blen;
	struct cx_rec		*rec;	/* JSON Lines: the record */
	const char		*file;
	unsigned long		 line;
	const char		*raw;	/* the row as read */
	size_t			 rawn;
	const char		*status;	/* CSV: "closed", or NULL */
	int			 closed;	/* it comes in closed */
	const char		*events;	/* CSV: the export's history */
	struct cx_intake_msg	*msg;	/* a message of a conversation */
	const char		*ticket;	/* a mail: the ticket it names */
	const char		*sender;	/* a mail: its From address */
};

struct ingest {
	struct tool		 t;
	struct cx_spool		*sp;		/* NULL in filter mode */
	struct cx_reg		*reg;
	struct cx_intake_ctx	 ctx;
	struct cx_alias		*channels, *remedies, *outcomes;
	const char		*charset, *format, *mapfile;
	struct cx_colmap	*map;		/* -m */
	char			*prefix;
	int			 dry;
	int			 rebuild, force;	/* --rebuild-keys, --force */
	FILE			*rejf;
	const char		*rejpath;	/* -r */
	struct cx_batch		*b;
	size_t			 batch;
	struct cx_wait		*wait;		/* messages held */
	struct cx_buf		 freed;		/* keys whose messages may go */
	int			 releasing;
	unsigned long		 nreg, nfollow, nreply, ndup, nold;
	int			 failed;
	long			 reopen_within;	/* cx.conf: seconds */
	struct cx_buf		 reopened;	/* closed tickets reopened by
						 * the customer: their lines */
	struct cx_buf		 reopened_ids;	/* "id\0id\0" */
};
extern struct ingest G;

/* Set a row aside, with its reason. */
void	 reject(const char *file, unsigned long line, const char *why,
	    const char *raw, size_t rawlen);
/* A row read and built: registered, or known already. */
void	 register_item(const struct item *);
/* A new ticket, or a follow-up to the open ticket of its order. */
void	 open_ticket(const struct item *);
/* A message of a conversation: joined to its ticket, held, or a ticket. */
void	 converse(const struct item *);
/* The messages held for a key, and for those they free, in turn. */
void	 release(const struct cx_key *);
/* Spool mode: what is registered so far, committed. */
void	 commit(void);
/* The tickets reopened by what their customers wrote, staged. */
void	 commit_reopened(void);
/* At the end of the input: the messages still waiting. */
void	 unhold(void);

#endif
