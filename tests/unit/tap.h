/*
 * tap.h: a header-only Test Anything Protocol writer for the unit tests.
 *
 * Each test prints "ok N - name" or "not ok N - name" with a diagnostic;
 * done_testing() prints the plan last and gives the exit status, so a
 * test can be table-driven without counting its rows first.  Everything
 * is static inline so a test that uses only part of it still builds with
 * -Werror.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed;

static inline int
tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	printf("\n");
	return cond;
}

static inline int ok(int, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static inline int
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vok(cond, fmt, ap);
	va_end(ap);
	return cond;
}

static inline int
is_str(const char *got, const char *want, const char *name)
{
	int cond;

	cond = got != NULL && want != NULL ? strcmp(got, want) == 0 :
	    got == want;
	if (!ok(cond, "%s", name))
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n",
		    got != NULL ? got : "(null)", want != NULL ? want : "(null)");
	return cond;
}

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_run);
	fflush(stdout);
	return tap_failed != 0;
}

#endif
