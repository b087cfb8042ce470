/*
 * opt.c: what every tool says of its options.
 */
#include <string.h>

#include "cx.h"

/*
 * How to name an option getopt complained of: a long one as given
 * ("--bogus"), a short one alone ("-x" of "-qx"); buf holds the latter.
 */
const char *
cx_optname(const char *arg, int opt, char buf[3])
{
	if (strncmp(arg, "--", 2) == 0)
		return arg;
	buf[0] = '-';
	buf[1] = (char)opt;
	buf[2] = '\0';
	return buf;
}

const char *
cx_optfmt(int ch)
{
	return ch == ':' ? "option %s needs a value" : "unknown option %s";
}
