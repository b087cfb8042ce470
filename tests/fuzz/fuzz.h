/*
 * fuzz.h: what the libFuzzer harnesses of tests/fuzz share.
 *
 * A harness is one LLVMFuzzerTestOneInput over the library's own entry
 * points, the ones the tools call.  Loaders that take a path are given
 * the input as a memory file (memfd) named by /proc/self/fd/N, so that
 * nothing is written to disk and the library needs no hook for tests.
 * An input of several files is cut at lines "%%" (fuzz_split).
 *
 * What a harness checks beyond the sanitizers it says with fuzz_fail,
 * which aborts: libFuzzer then keeps the input as a crash.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cx.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
/* Only harnesses that set something up define it: libFuzzer's is weak. */
int	 LLVMFuzzerInitialize(int *, char ***);

static void fuzz_fail(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn, unused));

/* A property broken: said, and the run stopped as a crash. */
static void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* Every byte of what the library says is there, read: AddressSanitizer
 * tells if it is not. */
static volatile unsigned char fuzz_sink;

static __attribute__((unused)) void
fuzz_touch(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		fuzz_sink ^= s[i];
}

#define FUZZ_FILES	4

/* Bytes as a file the library opens by name: memory file number slot,
 * made once and rewritten each time. */
static __attribute__((unused)) const char *
fuzz_file(int slot, const void *p, size_t n)
{
	static int fd[FUZZ_FILES] = { -1, -1, -1, -1 };
	static char path[FUZZ_FILES][32];
	const char *s = p;
	ssize_t w;

	if (fd[slot] == -1) {
		if ((fd[slot] = memfd_create("fuzz", MFD_CLOEXEC)) == -1)
			fuzz_fail("memfd_create failed");
		snprintf(path[slot], sizeof(path[slot]), "/proc/self/fd/%d",
		    fd[slot]);
	}
	if (ftruncate(fd[slot], 0) == -1)
		fuzz_fail("ftruncate failed");
	for (off_t at = 0; n > 0; at += w, s += w, n -= (size_t)w)
		if ((w = pwrite(fd[slot], s, n, at)) <= 0)
			fuzz_fail("pwrite failed");
	return path[slot];
}

/* The input cut at lines that are "%%" into at most max parts; the
 * number of parts.  A part ends with its newline. */
static __attribute__((unused)) int
fuzz_split(const uint8_t *d, size_t n, const char **part, size_t *len,
    int max)
{
	const char *p = (const char *)d, *end = p + n, *q;
	int k = 0;

	part[0] = p;
	for (q = p; k < max - 1 && q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));

		if (nl == NULL)
			break;
		if (end - nl >= 4 && memcmp(nl, "\n%%\n", 4) == 0) {
			len[k] = (size_t)(nl + 1 - part[k]);
			part[++k] = nl + 4;
			q = nl + 4;
		} else
			q = nl + 1;
	}
	len[k] = (size_t)(end - part[k]);
	return k + 1;
}

/* A line the library wrote: one JSON object, UTF-8, as every reader of
 * the spool takes it; what wrote it is said if it is not. */
static __attribute__((unused)) void
fuzz_record(const char *what, const char *s, size_t n)
{
	struct cx_rec r = { 0 };
	struct cx_err e;

	if (cx_rec_parse(&r, s, n, &e, NULL) == -1)
		fuzz_fail("%s is no record (%s): %.*s", what, e.msg,
		    (int)(n > 300 ? 300 : n), s);
	cx_rec_free(&r);
}

/* The same for a buffer of such lines. */
static __attribute__((unused)) void
fuzz_records(const char *what, const char *s, size_t n)
{
	const char *l, *end;
	size_t ln;

	if (n == 0)
		return;
	end = s + n;
	while (cx_line(&s, end, &l, &ln))
		fuzz_record(what, l, ln);
}

/* A shipped alias table (channels, remedies, outcomes). */
static __attribute__((unused)) struct cx_alias *
fuzz_alias(const char *name)
{
	struct cx_alias *a;
	struct cx_err e;
	char *path;

	if (cx_conf_path(NULL, name, &path, &e) == -1 || path == NULL ||
	    (a = cx_alias_load(path, &e)) == NULL)
		fuzz_fail("no shipped %s", name);
	free(path);
	return a;
}

/* The context cx-ingest reads records in: its clock and alias tables. */
static __attribute__((unused)) void
fuzz_intake_ctx(struct cx_intake_ctx *ctx)
{
	struct cx_err e;

	if (cx_clock_setup(NULL, "Asia/Shanghai", "2026-11-24T09:00:00+08:00",
	    ctx->nowtext, &e) == -1)
		fuzz_fail("%s", e.msg);
	ctx->now = cx_now();
	ctx->channels = fuzz_alias("channels");
	ctx->remedies = fuzz_alias("remedies");
	ctx->outcomes = fuzz_alias("outcomes");
}

#endif
