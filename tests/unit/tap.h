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
#include <stdlib.h>
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

/*
 * A scratch directory for a test's files, made on first use, and the
 * path of a file written in it; tap_cleanup removes it all.
 */
static char tap_dir[] = "/tmp/cx-test-XXXXXX";
static int tap_dir_made;

static inline const char *
tap_tmpdir(void)
{
	if (!tap_dir_made && mkdtemp(tap_dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	tap_dir_made = 1;
	return tap_dir;
}

static inline char *
tap_file(const char *name, const void *data, size_t n)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), name);
	if ((fp = fopen(path, "wb")) == NULL || fwrite(data, 1, n, fp) != n ||
	    fclose(fp) == EOF) {
		perror(path);
		exit(2);
	}
	return path;
}

static inline void
tap_cleanup(void)
{
	char cmd[64];

	if (!tap_dir_made)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tap_dir);
	if (system(cmd) != 0)
		exit(2);
}

#endif
