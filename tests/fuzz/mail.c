/*
 * mail.c: the mail reader, cx-mail(1): GMime's parse of a message or an
 * mbox, then cmd/mail-head.c and mail-text.c (charsets guessed by
 * uchardet, HTML made text).  The tool's own file is compiled in, its
 * main renamed, so that what is fuzzed is what the tool runs: mailfile()
 * on the input, as if it were a file named on the command line, its
 * standard output a memory file.
 *
 * What it writes is records, in UTF-8, whatever the mail holds: each line
 * parses as one (lib/json.c checks UTF-8 in every string).
 */
#define main cx_mail_main
#include "../../cmd/cx-mail.c"
#undef main

#include "fuzz.h"

static int outfd;

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct cx_buf out = { 0 };
	ssize_t r;

	mailfile(fuzz_file(0, d, n));
	tool_flush(&G.t);
	for (;;) {
		cx_buf_grow(&out, 65536);
		if ((r = pread(outfd, out.p + out.len, 65536,
		    (off_t)out.len)) == -1)
			fuzz_fail("reading the output back");
		if (r == 0)
			break;
		out.len += (size_t)r;
	}
	fuzz_records("a mail's record", out.p, out.len);
	if (ftruncate(outfd, 0) == -1 || lseek(STDOUT_FILENO, 0, SEEK_SET) ==
	    -1)
		fuzz_fail("emptying the output");
	cx_buf_free(&out);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct cx_err e;

	(void)argc;
	(void)argv;
	/* As cx-mail's main, with the clock fixed and no attachments
	 * kept. */
	if (cx_clock_setup(NULL, "Asia/Shanghai", "2026-11-24T09:00:00+08:00",
	    G.t.nowtext, &e) == -1)
		fuzz_fail("%s", e.msg);
	if ((outfd = memfd_create("stdout", MFD_CLOEXEC)) == -1 ||
	    dup2(outfd, STDOUT_FILENO) == -1)
		fuzz_fail("no memory file for the standard output");
	mime_begin();
	return 0;
}
