#!/usr/bin/env bats
# cx-close --archive: closed tickets older than an age go to
# archive/YYYY-MM.jsonl.gz in one commit, a gzip member a run, and
# lookups still find them.

load helper

setup() {
	cx_setup
	routed_spool sp examples/helpdesk-zh.csv examples/chat.csv
}

T1=CX-20261124-0001	# 张伟 +8613800138000
T2=CX-20261124-0002	# 王芳
T9=CX-20261124-0009	# Maria Lopez

@test "archive: closed tickets older than the age move to archive/YYYY-MM.jsonl.gz in one commit; a second run moves nothing" {
	cx-close -q -s sp -i $T9 -a Ben --now 2026-11-24T10:00+08:00 merge $T1
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-24T10:00+08:00 resolve refund 10
	cx-close -q -s sp -i $T1 --now 2026-11-25T10:00+08:00 confirm
	cx-close -q -s sp -i $T2 -a 老周 --now 2026-11-24T10:00+08:00 resolve explanation
	cx-close -q -s sp -i $T2 -a 老周 --now 2026-12-02T10:00+08:00 close
	run --separate-stderr cx-close -s sp --archive 30d --now 2026-12-20T00:00+08:00
	check_status 0
	check_stderr 'cx-close: 0 archived, 3 closed kept'
	run --separate-stderr cx-close -s sp --archive 20d --now 2026-12-20T00:00+08:00
	check_status 0
	check_stderr 'cx-close: 2 archived, 1 closed kept'
	check_eq archive "$(ls sp/archive)" 2026-11.jsonl.gz
	check_eq ids "$(zcat sp/archive/2026-11.jsonl.gz | jq -r .id | sort | tr '\n' ' ')" "$T1 $T9 "
	check_eq closed "$(ls sp/closed)" $T2
	# The next month's run appends a gzip member: what was archived stays.
	run --separate-stderr cx-close -s sp --archive 1d --now 2026-12-20T00:00+08:00
	check_stderr 'cx-close: 1 archived, 0 closed kept'
	check_eq months "$(ls sp/archive | tr '\n' ' ')" '2026-11.jsonl.gz 2026-12.jsonl.gz '
	run --separate-stderr cx-close -s sp --archive 1d --now 2026-12-20T00:00+08:00
	check_stderr 'cx-close: 0 archived, 0 closed kept'
	no_world_access sp
	# Lookups find archived tickets.
	run --separate-stderr cx-show -s sp -i $T9 -L en
	check_status 0
	check_eq shown "$(sed -n 2p <<<"$output")" '  status       merged'
}

@test "archive: a dry run archives nothing; a bad age is exit 2; a crash at any step loses and doubles nothing" {
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-24T10:00+08:00 resolve refund 10
	cx-close -q -s sp -i $T1 --now 2026-11-25T10:00+08:00 confirm
	cx-close -q -s sp -i $T2 -a 老周 --now 2026-11-24T10:00+08:00 resolve explanation
	cx-close -q -s sp -i $T2 -a 老周 --now 2026-11-24T10:10+08:00 close
	run --separate-stderr cx-close -n -s sp --archive 1d --now 2026-12-20T00:00+08:00
	check_status 0
	check_stderr 'cx-close: dry run: would have 2 archived, 0 closed kept'
	[ ! -e sp/archive ] || [ -z "$(ls sp/archive)" ]
	run --separate-stderr cx-close -s sp --archive soon
	check_status 2
	check_stderr 'cx-close: --archive: "soon" is no age (30d, 12h)'
	run --separate-stderr cx-close -s sp --archive 1d acts.csv
	check_status 2
	check_stderr 'cx-close: --archive takes no actions: it archives'
	need_strace
	cx-close -q -s sp -i CX-20261124-0003 -a 小何 --now 2026-11-24T10:00+08:00 resolve explanation
	cx-close -q -s sp --archive 1d --now 2026-12-20T00:00+08:00
	cx-close -q -s sp -i CX-20261124-0003 -a 小何 close
	cp -a sp base
	crash_loop "write fsync /^renameat unlinkat" base cx-close --archive 1d --now 2026-12-20T00:00+08:00
	check_eq after "$(zcat ref/archive/2026-11.jsonl.gz | jq -r .id | sort | tr '\n' ' ')" "$T1 $T2 CX-20261124-0003 "
}

@test "archive: a ticket in a month twice is found as its last copy; a damaged month is an error, not an answer" {
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-24T10:00+08:00 resolve refund 10
	cx-close -q -s sp -i $T1 --now 2026-11-25T10:00+08:00 confirm
	cx-close -q -s sp --archive 1d --now 2026-12-20T00:00+08:00
	zcat sp/archive/2026-11.jsonl.gz | jq -c '.status = "later"' | gzip >>sp/archive/2026-11.jsonl.gz
	run --separate-stderr cx-show -s sp -i $T1 -L en
	check_status 0
	check_eq last "$(sed -n 2p <<<"$output")" '  status       later'
	head -c 100 sp/archive/2026-11.jsonl.gz >t && mv t sp/archive/2026-11.jsonl.gz
	run --separate-stderr cx-status -s sp $T1 8000
	check_status 2
	check_stderr 'cx-status: sp/archive/2026-11.jsonl.gz: truncated gzip stream'
}
