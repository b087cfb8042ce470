/*
 * priv.h: what the files of libcx share and no tool needs: the bodies of
 * structures the public header (cx.h) keeps opaque, and small inline
 * helpers on hot paths of more than one file.  Only lib/ and the unit
 * tests, which look inside on purpose, include it.
 */
#ifndef CX_PRIV_H
#define CX_PRIV_H

#include "cx.h"

/* hash.c: the mixer of content keys, for hash tables and random draws. */
uint64_t cx_mix64(uint64_t);

/* spool.c: a file of the spool's top directory, never through a link. */
int	 cx_spool_openat(struct cx_spool *, const char *, int flags,
	    struct cx_err *);
/* A subdirectory's descriptor, made if missing (and the spool writable). */
int	 cx_spool_dir(struct cx_spool *, const char *, struct cx_err *);

/* text.c: a word that is exactly s; a word in a list "a\0b\0\0". */
int	 cx_tokeq(const char *, size_t, const char *s);
int	 cx_listed(const char *list, const char *, size_t);

/* calendar.c and calfile.c: a working-time calendar. */
#define CX_CAL_MAXRANGE	8		/* time ranges in a day */
enum { CX_CAL_HOLIDAY = 1, CX_CAL_WORKDAY = 2 };

struct cx_cal_range {
	int	 from, to;		/* seconds since local midnight */
};

struct cx_cal_hours {
	struct cx_cal_range	 r[CX_CAL_MAXRANGE];
	int		 n;
	int		 set;		/* given in the file */
};

struct cx_cal_special {
	long long	 day;		/* days since 1970-01-01, local */
	int		 kind;
	unsigned long	 line;
	char		*name;		/* may be NULL */
};

struct cx_cal_yearly {
	int		 from, to;	/* month * 100 + day */
	char		*name;
};

struct cx_cal {
	char		*zone;		/* IANA name */
	char		*tzenv;		/* what TZ must say for it */
	struct cx_cal_hours	 week[7];	/* Sunday first */
	struct cx_cal_hours	 wdhours;	/* workday-hours */
	long		 weekly;	/* working seconds of a plain week */
	struct cx_cal_special	*sp;		/* sorted by day once loaded */
	size_t		 nsp, capsp;
	struct cx_cal_yearly	*yr;
	size_t		 nyr, capyr;
	int		*years;		/* covered, sorted */
	size_t		 nyears, capyears;
	int		 allyears;	/* "year all" */
};
/* The weekday of a day since 1970-01-01, Sunday 0. */
int	 cx_cal_weekday(long long day);

/* utf8.c: a code point and its length in bytes; a bad byte is U+FFFD. */
uint32_t cx_utf8_decode(const unsigned char *, const unsigned char *end,
	    size_t *len);

/* utf8.c and json.c: UTF-8 sequences, inline where every string passes. */
/* Length of the UTF-8 sequence at p if it is valid, else 0. */
static inline size_t
cx_utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (end - p >= 2 && (p[1] & 0xc0) == 0x80) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (end - p < 3 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0;	/* overlong */
		if (c == 0xed && p[1] >= 0xa0)
			return 0;	/* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (end - p < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;
		if (c == 0xf4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Past a run of three-byte characters led by E1 to EC, where no overlong
 * form or surrogate can hide: most text that is not ASCII here is CJK.
 */
static inline const unsigned char *
cx_utf8_skip_cjk(const unsigned char *p, const unsigned char *end)
{
	while (end - p >= 3 && p[0] >= 0xe1 && p[0] <= 0xec &&
	    (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80)
		p += 3;
	return p;
}

#endif
