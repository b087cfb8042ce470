/*
 * rules.c: the rules file (cx-rules(5); lib/rules.c) and classification
 * by it (lib/classify.c), as cx-classify runs them.
 *
 * The input is the rules, then after a line "%%" records (JSON Lines),
 * then after another a taxonomy (cx-taxonomy(5)) in place of the shipped
 * one.  Rules that load classify each record that parses, and what
 * classification writes is again a record; its explanation is readable.
 */
#include <dlfcn.h>
#include <opencc/opencc.h>

#include "fuzz.h"

/*
 * OpenCC takes a tenth of a second to load its dictionaries, which every
 * load of rules with Chinese keywords does: here its converters are
 * loaded once per process, by these in place of OpenCC's own, and reused
 * (a converter keeps nothing from one text to the next).
 */
opencc_t
opencc_open(const char *config)
{
	static struct {
		char		*name;
		opencc_t	 cc;
	} cache[8];
	static opencc_t (*real)(const char *);
	size_t i;

	if (real == NULL && (real = (opencc_t (*)(const char *))dlsym(
	    RTLD_NEXT, "opencc_open")) == NULL)
		fuzz_fail("no opencc_open");
	for (i = 0; i < 8 && cache[i].name != NULL; i++)
		if (strcmp(cache[i].name, config) == 0)
			return cache[i].cc;
	if (i == 8)
		fuzz_fail("more than 8 OpenCC configurations");
	cache[i].cc = real(config);
	if (cache[i].cc != (opencc_t)-1)
		cache[i].name = cx_strndup(config, strlen(config));
	return cache[i].cc;
}

int
opencc_close(opencc_t cc)
{
	(void)cc;
	return 0;
}

/* Records for input that brings none: Chinese, English, an amount, a
 * channel and a tier, as the rules test them. */
static const char defrecs[] =
    "{\"id\":\"a\",\"subject\":\"奶粉發黴\","
    "\"text\":\"罐子打开就这样，很多人\"}\n"
    "{\"id\":\"b\",\"text\":\"The parcel is LATE, delivery failed\","
    "\"channel\":\"weibo\",\"customer\":{\"tier\":\"vip\"}}\n"
    "{\"id\":\"c\",\"text\":\"退款\",\"amount\":1299.00,"
    "\"manual\":{\"category\":\"x\"}}\n";

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *part[3], *recs, *end, *l, *taxpath;
	size_t len[3], ln;
	struct cx_taxonomy *tax;
	struct cx_rules *rules;
	struct cx_classifier *cl;
	struct cx_rec r = { 0 };
	struct cx_buf out = { 0 };
	struct cx_err e;
	char *shipped = NULL;
	int np;

	np = fuzz_split(d, n, part, len, 3);
	if (np == 3)
		taxpath = fuzz_file(2, part[2], len[2]);
	else if (cx_conf_path(NULL, "taxonomy", &shipped, &e) == -1 ||
	    (taxpath = shipped) == NULL)
		fuzz_fail("no shipped taxonomy");
	tax = cx_taxonomy_load(taxpath, &e);
	free(shipped);
	if (tax == NULL)
		return 0;
	e.msg[0] = '\0';
	if ((rules = cx_rules_load(fuzz_file(0, part[0], len[0]), tax,
	    &e)) == NULL) {
		if (e.msg[0] == '\0')
			fuzz_fail("rules refused, no reason");
		cx_taxonomy_free(tax);
		return 0;
	}
	cl = cx_classifier_new(tax, rules, NULL);
	if (np >= 2) {
		recs = part[1];
		end = recs + len[1];
	} else {
		recs = defrecs;
		end = recs + sizeof(defrecs) - 1;
	}
	while (cx_line(&recs, end, &l, &ln)) {
		if (cx_rec_parse(&r, l, ln, NULL, NULL) == -1)
			continue;
		(void)cx_classify(cl, &r);
		out.len = 0;
		cx_rec_write(&r, &out);
		fuzz_record("a classified record", out.p, out.len - 1);
		out.len = 0;
		cx_classified_explain(&r, &out);
		fuzz_touch(out.p, out.len);
	}
	cx_rec_free(&r);
	cx_buf_free(&out);
	cx_classifier_free(cl);
	return 0;
}
