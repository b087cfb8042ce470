/*
 * calcache.h: the calendars a unit test uses, each loaded once.
 * tap_cal(key, path) loads path the first time key is asked for (a test
 * of a failed load aborts: a broken golden calendar is the test's bug);
 * tap_cal_free() frees them all at the end.
 */
#define TAP_MAXCAL	8

static struct {
	const char	*key;
	struct cx_cal	*cal;
} tap_cals[TAP_MAXCAL];

static struct cx_cal *
tap_cal(const char *key, const char *path)
{
	struct cx_err err;
	size_t i;

	for (i = 0; i < TAP_MAXCAL && tap_cals[i].key != NULL; i++)
		if (strcmp(tap_cals[i].key, key) == 0)
			return tap_cals[i].cal;
	if (i == TAP_MAXCAL)
		abort();
	tap_cals[i].key = key;
	if ((tap_cals[i].cal = cx_cal_load(path, &err)) == NULL) {
		printf("# %s\n", err.msg);
		abort();
	}
	return tap_cals[i].cal;
}

static void
tap_cal_free(void)
{
	size_t i;

	for (i = 0; i < TAP_MAXCAL && tap_cals[i].key != NULL; i++)
		cx_cal_free(tap_cals[i].cal);
}
