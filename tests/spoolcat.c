/*
 * spoolcat: the tickets of a spool's batches as its readers see them.
 *
 *	spoolcat SPOOL [DIR]
 *
 * Every ticket of the batches of DIR (new, the default, or classified),
 * batch by batch, with the follow-ups journaled beside each batch joined
 * (lib/joins.c), under the spool's shared lock: what cx-classify,
 * cx-route and cx-report read.  For the tests, where a cat of the batches
 * would show a ticket without what joined it since its batch was written.
 * Exit 2, with the reason, if a batch or a journal cannot be read or a
 * journal's line joins no ticket of its batch.
 */
#include <err.h>
#include <stdio.h>

#include "cx.h"

int
main(int argc, char *argv[])
{
	const char *dir = argc > 2 ? argv[2] : "new";
	struct cx_buf out = { 0 };
	struct cx_spool *sp;
	struct cx_joins *js;
	struct cx_err e;
	char **names;
	size_t i;

	if (argc < 2 || argc > 3)
		errx(2, "usage: spoolcat spool [new | classified]");
	if (cx_spool_begin(&sp, argv[1], CX_SPOOL_READ, &e) == -1 ||
	    (names = cx_spool_list(sp, dir, &e)) == NULL)
		errx(2, "%s", e.msg);
	for (i = 0; names[i] != NULL; i++) {
		if (cx_joins_file(names[i], NULL))
			continue;
		out.len = 0;
		if ((js = cx_joins_load(sp, dir, names[i], names, &e)) ==
		    NULL || cx_joins_read(sp, dir, names[i], js, &out, &e) ==
		    -1 || cx_joins_check(js, sp, names[i], &e) == -1)
			errx(2, "%s", e.msg);
		cx_joins_free(js);
		if (fwrite(out.p, 1, out.len, stdout) != out.len)
			err(2, "stdout");
	}
	cx_spool_list_free(names);
	cx_spool_end(sp);
	cx_buf_free(&out);
	return fflush(stdout) == 0 ? 0 : 2;
}
