#!/usr/bin/env bats
# examples/demo.sh, what `make demo` runs, is run here too, against the
# build under test, so the README's first command cannot rot.

bats_require_minimum_version 1.5.0
load helper

@test "demo: examples/demo.sh registers, classifies, routes, holds to time limits and reports" {
	# demo.sh finds the tools in ../bin beside examples/: a tree of links.
	mkdir -p tree/bin tree/examples
	ln -s "$TOP/share" tree/share
	for t in "$CX_BIN"/cx-*; do ln -s "$t" tree/bin/; done
	cp "$TOP"/examples/* tree/examples/
	run --separate-stderr sh tree/examples/demo.sh "$PWD/demo-spool"
	check_status 0
	[[ "$output" == *"CX-20261124-0003: category quality.safety by rule"* ]]
	[[ "$output" == *$'CX-20261124-0006\turgent\taccount.theft\t安全部\t小王\t阿杰\trefund'* ]]
	[[ "$output" == *$'CX-20261124-0001\tchat\t+8613800138000\t1299\t2 follow-ups'* ]]
	[[ "$output" == *'helpdesk-zh.csv:12: invalid amount "十元"'* ]]
	[[ "$output" == *$'CX-20261124-0003\turgent\t高级客服\tregistration,first_response,emergency,investigation,resolution\t3'* ]]
	[[ "$stderr" == *"cx-sla: 10 tickets, 10 changed, 0 unread: 18 warnings, 34 breaches, 20 escalations; 8 in breach, 0 history"* ]]
	[[ "$stderr" == *"cx-sla: 10 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 8 in breach, 0 history"* ]]
	[[ "$output" == *$'resolution: 48h'*'  running'* ]]
	[ "$(ls demo-spool/open | wc -l)" -eq 10 ]
	[ -z "$(ls -A demo-spool/new)$(ls -A demo-spool/classified)" ]
	! grep -q 'Sanitizer\|runtime error' <<<"$stderr"
}
