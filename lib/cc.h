/*
 * cc.h: what cc.c asks of opencc-shim.cc, in C that C++ reads too.
 *
 * A dictionary is made from the bytes of an .ocd2 file, a group from
 * dictionaries, a converter from a segmentation dictionary and a chain of
 * conversion dictionaries (each shared: freeing one made from others
 * leaves those).  Nothing here opens a file or throws; running out of
 * memory aborts, as everywhere in the library (cx.h).
 */
#ifndef CX_CC_H
#define CX_CC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cx_ccd;
struct cx_ccc;

/* NULL and why (NUL-terminated in whylen bytes) if it is none. */
struct cx_ccd *cx_ccd_ocd2(const void *, size_t, char *why, size_t whylen);
struct cx_ccd *cx_ccd_group(struct cx_ccd *const *, size_t);
void	 cx_ccd_free(struct cx_ccd *);
struct cx_ccc *cx_ccc_new(const struct cx_ccd *seg,
	    struct cx_ccd *const *chain, size_t);
/* The text converted (malloc'd), or NULL if OpenCC could not. */
char	*cx_ccc_convert(const struct cx_ccc *, const char *, size_t);
void	 cx_ccc_free(struct cx_ccc *);

#ifdef __cplusplus
}
#endif

#endif
