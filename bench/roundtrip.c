/*
 * roundtrip: read every record, set one field, write it.
 *
 *	roundtrip [file ...]
 *
 * The codec's part of every cx filter, with nothing else: the line reader,
 * a full parse and validation of each record, one member set to raw JSON
 * ("x": 1, as `jq -c '.x=1'` would), and the record written back with its
 * other members' bytes unchanged.  bench/run times it against jq.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cx.h"

#define FLUSH_AT	(64 * 1024)

static void
flush(struct cx_buf *out)
{
	if (cx_write_all(1, out->p, out->len) == -1)
		err(2, "stdout");
	out->len = 0;
}

static int
roundtrip(const char *path, struct cx_rec *rec, struct cx_buf *out)
{
	struct cx_err e;
	struct cx_in in;
	const char *line;
	size_t len;
	int r;

	if (cx_in_open(&in, path, &e) == -1) {
		warnx("%s", e.msg);
		return -1;
	}
	while ((r = cx_in_line(&in, &line, &len, &e)) == 1) {
		if (cx_rec_parse(rec, line, len, &e, NULL) == -1) {
			warnx("%s:%lu: %s", in.name, in.lineno, e.msg);
			cx_in_close(&in);
			return -1;
		}
		cx_rec_set_raw(rec, "x", "1", 1);
		cx_rec_write(rec, out);
		if (out->len >= FLUSH_AT)
			flush(out);
	}
	if (r == -1)
		warnx("%s", e.msg);
	cx_in_close(&in);
	return r;
}

int
main(int argc, char *argv[])
{
	struct cx_rec rec = { 0 };
	struct cx_buf out = { 0 };
	int i, rc = 0;

	if (getopt(argc, argv, "") != -1) {
		fprintf(stderr, "usage: roundtrip [file ...]\n");
		return 2;
	}
	if (optind == argc)
		rc = roundtrip("-", &rec, &out);
	for (i = optind; i < argc && rc == 0; i++)
		rc = roundtrip(argv[i], &rec, &out);
	flush(&out);
	cx_rec_free(&rec);
	cx_buf_free(&out);
	return rc == 0 ? 0 : 2;
}
