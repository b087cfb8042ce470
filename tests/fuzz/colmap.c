/*
 * colmap.c: the column-map file (cx-columns(5); lib/colmap.c) and the
 * rows of an export read by it into ticket bodies (lib/intake.c,
 * thread.c, outcome.c, norm.c), as cx-ingest does in filter mode.
 *
 * The input is the map, then after a line "%%" the export (CSV, its
 * first record the header).  A map that loads reads each row; what a row
 * is made into is JSON: the body is a record's members, the events are
 * history entries, a message its entry of the conversation and of the
 * history.  Aliases are the shipped channels, remedies and outcomes.
 */
#include "fuzz.h"

static struct cx_intake_ctx ctx;

/* An export for input that brings none. */
static const char defcsv[] =
    "Ref,When,Complaint,Tel,Order,Mood,Internal note\n"
    "S-1,2026-11-20 08:30:00,The kettle leaks,138 0013 8000,"
    "900000000000000001,angry,call back\n";

static void
json(const char *what, const char *open, const struct cx_buf *b,
    const char *close)
{
	struct cx_buf v = { 0 };
	struct cx_err e;

	cx_buf_adds(&v, open);
	if (b->len > 0)
		cx_buf_add(&v, b->p, b->len);
	cx_buf_adds(&v, close);
	if (cx_json_check(v.p, v.len, &e) != v.len)
		fuzz_fail("%s is no JSON: %.*s", what,
		    (int)(v.len > 300 ? 300 : v.len), v.p);
	cx_buf_free(&v);
}

static void
rows(const struct cx_colmap *map, const char *path)
{
	struct cx_intake t = { 0 };
	struct cx_intake_out o = { 0 };
	struct cx_intake_msg m = { 0 };
	struct cx_cols c = { 0 };
	struct cx_csvrow *row;
	struct cx_csv *csv;
	struct cx_in in;
	struct cx_err e;
	int r, header = 1;

	if (cx_in_open(&in, path, &e) == -1)
		fuzz_fail("open: %s", e.msg);
	if ((csv = cx_csv_open(&in, NULL, &e)) == NULL)
		fuzz_fail("cx_csv_open: %s", e.msg);
	while ((r = cx_csv_next(csv, &row, &e)) == 1) {
		if (header) {
			if (row->err != NULL)
				break;
			cx_cols_open(&c, map, row);
			(void)cx_cols_team_missing(&c);
			header = 0;
			continue;
		}
		if (row->err != NULL || row->n != c.n)
			continue;
		cx_intake_reset(&t);
		t.file = "export.csv";
		t.line = row->line;
		o.key = cx_cols_fill(&c, row, &t);
		o.body.len = o.warn.len = o.events.len = 0;
		e.msg[0] = '\0';
		if (cx_intake_message(&t, &ctx, &m, &e) == -1 || (!m.team &&
		    cx_intake_build(&t, &ctx, &o, &e) == -1)) {
			if (e.msg[0] == '\0')
				fuzz_fail("a row refused, no reason");
			continue;
		}
		if (m.threaded && m.elem.len > 0)
			json("a message", "", &m.elem, "");
		if (m.threaded && m.hist.len > 0)
			json("a message's history entry", "", &m.hist, "");
		if (m.team)
			continue;
		json("a body", "{", &o.body, "}");
		json("the events", "[", &o.events, "]");
		fuzz_touch(o.warn.p, o.warn.len);
	}
	cx_cols_free(&c);
	cx_intake_free(&t);
	cx_buf_free(&o.body);
	cx_buf_free(&o.warn);
	cx_buf_free(&o.events);
	cx_intake_msg_free(&m);
	cx_csv_close(csv);
	cx_in_close(&in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *part[2];
	size_t len[2];
	struct cx_colmap *map;
	struct cx_err e;
	int np;

	np = fuzz_split(d, n, part, len, 2);
	e.msg[0] = '\0';
	if ((map = cx_colmap_load(fuzz_file(0, part[0], len[0]), &e)) ==
	    NULL) {
		if (e.msg[0] == '\0')
			fuzz_fail("a map refused, no reason");
		return 0;
	}
	fuzz_touch(cx_colmap_name(map), strlen(cx_colmap_name(map)));
	if (np == 2)
		rows(map, fuzz_file(1, part[1], len[1]));
	else
		rows(map, fuzz_file(1, defcsv, sizeof(defcsv) - 1));
	cx_colmap_free(map);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_intake_ctx(&ctx);
	return 0;
}
