/*
 * csv.c: CSV reading (lib/csv.c over lib/lines.c), as cx-ingest reads an
 * export: a file, maybe gzipped, its charset guessed.
 *
 * Every record is whole: its fields are in its data, each ended by a NUL,
 * its lines follow the last record's, and its raw text is where it says.
 * Where the text is UTF-8 with no CR, nothing is malformed and it is not
 * gzipped, the records are the ones libcsv makes of the whole text at
 * once: the reader feeds libcsv a line at a time, splits the lines with
 * no quote itself, and must come to the same fields.
 */
#include <csv.h>

#include "fuzz.h"

struct ref {
	struct cx_buf	 data;		/* each record: its fields, NUL after
					 * each, and a 0x01 after the last */
	int		 nf;
};

static void
ref_field(void *s, size_t n, void *arg)
{
	struct ref *r = arg;

	cx_buf_add(&r->data, s, n);
	cx_buf_addc(&r->data, '\0');
	r->nf++;
}

static void
ref_record(int c, void *arg)
{
	struct ref *r = arg;

	(void)c;
	cx_buf_addc(&r->data, 0x01);
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* libcsv's records of the whole text, as the reader sets it up: strict,
 * and no blank trimmed. */
static int
reference(const char *s, size_t n, struct ref *r)
{
	struct csv_parser p;
	int ok;

	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&p, no_space);
	ok = csv_parse(&p, s, n, ref_field, ref_record, r) == n &&
	    csv_fini(&p, ref_field, ref_record, r) == 0;
	csv_free(&p);
	return ok ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *path = fuzz_file(0, d, n);
	struct cx_buf mine = { 0 };
	struct ref ref = { { 0 }, 0 };
	struct cx_csvrow *row;
	struct cx_csv *csv;
	struct cx_in in;
	struct cx_err e;
	unsigned long last = 0;
	size_t i, skip = 0;
	int r, bad = 0, gz = n >= 2 && d[0] == 0x1f && d[1] == 0x8b;

	if (cx_in_open(&in, path, &e) == -1)
		fuzz_fail("open: %s", e.msg);
	if ((csv = cx_csv_open(&in, NULL, &e)) == NULL)
		fuzz_fail("cx_csv_open: %s", e.msg);
	while ((r = cx_csv_next(csv, &row, &e)) == 1) {
		if (row->line <= last || row->endline < row->line)
			fuzz_fail("a record of lines %lu to %lu after line %lu",
			    row->line, row->endline, last);
		last = row->endline;
		if (row->rawp == NULL && row->rawn > 0)
			fuzz_fail("no raw text");
		fuzz_touch(row->rawp, row->rawn);
		if (row->err != NULL) {
			bad = 1;
			if (row->err[0] == '\0')
				fuzz_fail("a malformed record, no reason");
			continue;
		}
		if (row->n == 0)
			fuzz_fail("a record of no fields at line %lu", row->line);
		for (i = 0; i < row->n; i++) {
			if (row->off[i] + row->flen[i] >= row->data.len ||
			    row->data.p[row->off[i] + row->flen[i]] != '\0')
				fuzz_fail("field %zu of line %lu is not whole",
				    i, row->line);
			cx_buf_add(&mine, row->data.p + row->off[i],
			    row->flen[i] + 1);
		}
		cx_buf_addc(&mine, 0x01);
	}
	/* Only a gzip stream can be broken: memory is always read. */
	if (r == -1 && !gz)
		fuzz_fail("a read error from memory: %s", e.msg);
	if (strcmp(cx_csv_charset(csv), "UTF-8") == 0 && !bad && !gz &&
	    memchr(d, '\r', n) == NULL && cx_utf8_valid((const char *)d, n)) {
		if (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
			skip = 3;	/* the BOM, which the reader drops */
		if (reference((const char *)d + skip, n - skip, &ref) == -1)
			fuzz_fail("libcsv refuses what the reader took whole");
		if (ref.data.len != mine.len || (mine.len > 0 &&
		    memcmp(ref.data.p, mine.p, mine.len) != 0))
			fuzz_fail("the records differ from libcsv's");
	}
	cx_csv_close(csv);
	cx_in_close(&in);
	cx_buf_free(&mine);
	cx_buf_free(&ref.data);
	return 0;
}
