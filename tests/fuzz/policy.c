/*
 * policy.c: the policy file and the force majeure extensions (cx-policy(5);
 * lib/policy.c), and the sweep of tickets by them (lib/sla.c, sweep.c,
 * slarec.c), as cx-sla runs it in filter mode at a fixed now.
 *
 * The input is the policy, then after a line "%%" the extensions, then
 * after another the tickets (JSON Lines).  A policy that loads sweeps each
 * ticket that parses, as cx-sla does; what a sweep writes, the ticket and
 * its alerts, is records, and a ticket's explanation is readable.  The
 * agents are the shipped ones, the calendars those the policy names.
 */
#include <fcntl.h>

#include "fuzz.h"

static struct cx_route *rt;
static char nowtext[CX_NOWTEXT];

/* A routed ticket for input that brings none. */
static const char deftickets[] =
    "{\"id\":\"A\",\"received_at\":\"2026-11-24T09:00:00+08:00\","
    "\"priority\":\"urgent\",\"category\":\"quality\",\"subcategory\":"
    "\"quality.safety\",\"scope\":\"public\",\"department\":\"客服部\","
    "\"assignee\":\"小李\",\"owner\":\"小王\",\"status\":\"assigned\","
    "\"history\":[{\"at\":\"2026-11-24T10:00:00+08:00\",\"by\":\"小李\","
    "\"action\":\"waiting\",\"on\":\"customer\"}]}\n";

static void
sweep(struct cx_sla_run *run, struct cx_sla_ticket *tk, struct cx_rec *r)
{
	const struct cx_sla_swept *sw;
	struct cx_buf out = { 0 };
	struct cx_err e;
	int pass, rc;

	/* As cx-sla's sweep(): at most four passes of rungs. */
	rc = cx_sla_ticket_open(run, tk, r, &e);
	for (pass = 0; rc == 0 && pass < 4; pass++) {
		if ((rc = cx_sla_due(run, tk)) == -1)
			fuzz_fail("a rung waits for loads in filter mode");
		if (rc == 1 && cx_sla_held(run, tk))
			rc = 0;
		if (rc == 1 && (rc = cx_sla_apply(run, tk, &e)) == 1)
			rc = 0;
		else if (rc >= 0)
			break;
	}
	if (rc < 0)
		return;
	(void)cx_sla_ticket_close(run, tk);
	sw = cx_sla_swept(tk);
	fuzz_records("an alert", sw->alerts.p, sw->alerts.len);
	cx_sla_count_load(run, tk);
	cx_rec_write(r, &out);
	fuzz_record("a swept ticket", out.p, out.len - 1);
	cx_buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *part[3], *tickets, *end, *l;
	size_t len[3], ln;
	struct cx_sla_policy *pol;
	struct cx_sla_run *run;
	struct cx_sla_ticket *tk;
	struct cx_rec r = { 0 };
	struct cx_buf text = { 0 }, x = { 0 };
	struct cx_err e;
	int np;

	np = fuzz_split(d, n, part, len, 3);
	e.msg[0] = '\0';
	if ((pol = cx_sla_load(fuzz_file(0, part[0], len[0]), &e)) == NULL) {
		if (e.msg[0] == '\0')
			fuzz_fail("a policy refused, no reason");
		return 0;
	}
	if (np >= 2 && cx_sla_ext_load(pol, fuzz_file(1, part[1], len[1]),
	    &e) == -1) {
		cx_sla_free(pol);
		return 0;
	}
	if (np == 3) {
		tickets = part[2];
		end = tickets + len[2];
	} else {
		tickets = deftickets;
		end = tickets + sizeof(deftickets) - 1;
	}
	run = cx_sla_run_new(pol, rt, NULL, nowtext);
	cx_sla_run_final(run);
	tk = cx_sla_ticket_new();
	while (cx_line(&tickets, end, &l, &ln)) {
		/* The ticket is edited in place: a copy, explained first. */
		text.len = 0;
		cx_buf_add(&text, l, ln);
		if (cx_rec_parse(&r, text.p, text.len, NULL, NULL) == -1)
			continue;
		x.len = 0;
		(void)cx_sla_explain(run, tk, &r, &x, &e);
		fuzz_touch(x.p, x.len);
		if (cx_rec_parse(&r, text.p, text.len, NULL, NULL) == -1)
			fuzz_fail("a ticket parses only once");
		sweep(run, tk, &r);
	}
	cx_sla_ticket_free(tk);
	cx_sla_run_free(run);
	cx_sla_free(pol);
	cx_rec_free(&r);
	cx_buf_free(&text);
	cx_buf_free(&x);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct cx_err e;
	int fd;

	(void)argc;
	(void)argv;
	/* A calendar named "../../dev/stdin" must not wait for a reader. */
	if ((fd = open("/dev/null", O_RDONLY)) == -1 || dup2(fd, 0) == -1)
		fuzz_fail("/dev/null");
	close(fd);
	if (cx_clock_setup(NULL, "Asia/Shanghai", "2026-11-24T15:00:00+08:00",
	    nowtext, &e) == -1 || (rt = cx_route_open(NULL, &e)) == NULL)
		fuzz_fail("%s", e.msg);
	return 0;
}
