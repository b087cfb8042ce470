/*
 * feats.c: what the text classifiers (nb.c, linear.c) read in a text:
 * its characters sorted into kinds, and its features hashed into
 * buckets and counted.
 */
#include <stdlib.h>
#include <string.h>

#include "priv.h"

void
cx_feats_put(struct cx_feats *f, uint64_t h, uint32_t buckets)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 256;
		f->b = cx_realloc(f->b, f->cap * sizeof(*f->b));
		f->tf = cx_realloc(f->tf, f->cap * sizeof(*f->tf));
	}
	/* A power of two (as cx writes) needs no division. */
	f->b[f->n++] = (uint32_t)((buckets & (buckets - 1)) == 0 ?
	    h & (buckets - 1) : h % buckets);
}

int
cx_charclass(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') ? CX_CH_WORD : CX_CH_SEP;
	if (c < 0xc0 || c == 0xd7 || c == 0xf7)
		return CX_CH_SEP;
	/* Latin, IPA, combining marks, Greek, Cyrillic, Armenian, Hebrew,
	 * Arabic, and Latin and Greek extended: spaced words. */
	if (c < 0x700 || (c >= 0x1e00 && c < 0x2000))
		return CX_CH_WORD;
	if ((c >= 0x2600 && c < 0x27c0) || (c >= 0x1f000 && c < 0x1fb00))
		return CX_CH_SYM;
	if ((c >= 0x2000 && c < 0x2c00) || (c >= 0x2e00 && c < 0x2e80) ||
	    (c >= 0x3000 && c < 0x3040) || (c >= 0xd800 && c < 0xf900) ||
	    (c >= 0xfe00 && c < 0xfe70) || (c >= 0xff00 && c < 0xff66) ||
	    c >= 0xffe0)
		return CX_CH_SEP;
	return CX_CH_RUN;
}

uint64_t
cx_feats_tagged(int tag, const void *p, size_t n)
{
	return cx_hash64_tagged(tag, p, n > 63 ? 63 : n);
}

uint32_t
cx_feats_char(const unsigned char *p, const unsigned char *end, size_t *n)
{
	uint32_t c;

	c = cx_utf8_decode(p, end, n);
	if ((c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) ||
	    (c >= 0xff41 && c <= 0xff5a))
		c -= 0xfee0;
	return c;
}

/*
 * The buckets in order, tmp as long for scratch: a radix sort a byte a
 * pass, the passes whose byte is the same throughout left out.  A text
 * has hundreds of features, and qsort's calls cost more than reading them.
 */
static void
sort_u32(uint32_t *a, uint32_t *tmp, size_t n)
{
	size_t cnt[256], i, sum, t;
	uint32_t *src = a, *dst = tmp, *sw, all = 0;
	unsigned shift;

	for (i = 0; i < n; i++)
		all |= a[i] ^ a[0];	/* the bits that differ anywhere */
	for (shift = 0; shift < 32; shift += 8) {
		if (((all >> shift) & 0xff) == 0)
			continue;
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(src[i] >> shift) & 0xff]++;
		for (i = 0, sum = 0; i < 256; i++) {
			t = cnt[i];
			cnt[i] = sum;
			sum += t;
		}
		for (i = 0; i < n; i++)
			dst[cnt[(src[i] >> shift) & 0xff]++] = src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

void
cx_feats_count(struct cx_feats *f)
{
	size_t i, j;

	if (f->n == 0)
		return;
	sort_u32(f->b, f->tf, f->n);
	f->tf[0] = 1;
	for (i = j = 1; i < f->n; i++) {
		if (f->b[i] == f->b[j - 1])
			f->tf[j - 1]++;
		else {
			f->b[j] = f->b[i];
			f->tf[j++] = 1;
		}
	}
	f->n = j;
}

void
cx_feats_free(struct cx_feats *f)
{
	free(f->b);
	free(f->tf);
	cx_buf_free(&f->word);
}
