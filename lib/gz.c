/*
 * gz.c: gzip output.  Input is handled by lines.c, which recognises gzip
 * whatever the file is called.
 */
#include <string.h>
#include <zlib.h>

#include "priv.h"

int
cx_gz_compress(const void *data, size_t n, struct cx_buf *out,
    struct cx_err *err)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		cx_seterr(err, "cannot start gzip");
		return -1;
	}
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)n;
	do {
		cx_buf_grow(out, 64 * 1024);
		z.next_out = (unsigned char *)out->p + out->len;
		z.avail_out = (uInt)(out->cap - out->len - 1);
		rc = deflate(&z, Z_FINISH);
		out->len = (size_t)((char *)z.next_out - out->p);
	} while (rc == Z_OK || rc == Z_BUF_ERROR);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		cx_seterr(err, "gzip failed");
		return -1;
	}
	return 0;
}
