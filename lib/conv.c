/*
 * conv.c: character sets, through glibc's iconv.
 *
 * Chinese exports come in GBK and its supersets as often as in UTF-8.
 * GB2312 and GBK are read as GB18030, which contains both: a file labelled
 * GB2312 that uses GBK characters is the common case, not the exception.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "priv.h"

const char *
cx_conv_name(const char *cs)
{
	if (cx_streqi(cs, strlen(cs), "gb2312", 6) ||
	    cx_streqi(cs, strlen(cs), "gbk", 3) ||
	    cx_streqi(cs, strlen(cs), "cp936", 5) ||
	    cx_streqi(cs, strlen(cs), "euc-cn", 6))
		return "GB18030";
	return cs;
}

int
cx_conv(const char *charset, const char *s, size_t n, struct cx_buf *out,
    struct cx_err *err)
{
	iconv_t cd;
	char *in = (char *)(uintptr_t)s, *o;
	size_t inleft = n, oleft, r;

	if ((cd = iconv_open("UTF-8", cx_conv_name(charset))) == (iconv_t)-1) {
		cx_seterr(err, "unknown character set \"%s\"", charset);
		return -1;
	}
	while (inleft > 0) {
		cx_buf_grow(out, inleft * 2 + 16);
		o = out->p + out->len;
		oleft = out->cap - out->len - 1;
		r = iconv(cd, &in, &inleft, &o, &oleft);
		out->len = (size_t)(o - out->p);
		if (r == (size_t)-1 && errno != E2BIG) {
			cx_seterr(err, "bytes that are not %s at offset %zu",
			    charset, n - inleft);
			iconv_close(cd);
			return -1;
		}
	}
	iconv_close(cd);
	return 0;
}

/*
 * UTF-8 if the sample is (allowing a sequence cut at its end), otherwise
 * GB18030 if it decodes as that, otherwise UTF-8 so that the bad bytes are
 * reported where they are.
 */
const char *
cx_conv_guess(const char *s, size_t n)
{
	struct cx_buf b = { 0 };
	size_t whole = cx_utf8_prefix(s, n);
	int ok;

	if (cx_utf8_valid(s, whole))
		return "UTF-8";
	/* A GB18030 character is at most 4 bytes: drop a cut one. */
	ok = 0;
	for (size_t cut = 0; cut < 4 && cut < n && !ok; cut++) {
		b.len = 0;
		ok = cx_conv("GB18030", s, n - cut, &b, NULL) == 0;
	}
	cx_buf_free(&b);
	return ok ? "GB18030" : "UTF-8";
}
