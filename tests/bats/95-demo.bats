#!/usr/bin/env bats
# examples/demo.sh, what `make demo` runs, is run here too, against the
# build under test, so the README's first command cannot rot.

bats_require_minimum_version 1.5.0
load helper

@test "demo: examples/demo.sh registers, classifies, routes, holds to time limits, works tickets to the end and reports" {
	# demo.sh finds the tools in ../bin beside examples/: a tree of links.
	mkdir -p tree/bin tree/examples
	ln -s "$TOP/share" tree/share
	for t in "$CX_BIN"/cx-*; do ln -s "$t" tree/bin/; done
	cp -R "$TOP"/examples/* tree/examples/
	run --separate-stderr sh tree/examples/demo.sh "$PWD/demo-spool"
	check_status 0
	[[ "$output" == *"CX-20261122-0003: category quality.safety by rule"* ]]
	[[ "$output" == *$'CX-20261122-0006\turgent\taccount.theft\t安全部\t小王\t阿杰\trefund'* ]]
	[[ "$output" == *$'CX-20261122-0001\tchat\t+8613800138000\t1299\t2 follow-ups'* ]]
	[[ "$output" == *'helpdesk-zh.csv:12: invalid amount "十元"'* ]]
	# A realistic day: most on time, a few warned, two breaches, and why.
	[[ "$output" == *$'CX-20261122-0003\turgent\tfirst reply: 11-22T12:25\tBREACHED first_response,emergency\twarned first_response,resolution\tladder 1'* ]]
	[[ "$output" == *$'CX-20261122-0004\turgent\tfirst reply: 11-22T13:55\tBREACHED emergency'* ]]
	[[ "$output" == *$'CX-20261122-0002\tnormal\tfirst reply: 11-23T09:20\ton time\twarned first_response,next_update'* ]]
	[ "$(grep -c $'\ton time\t' <<<"$output")" -eq 8 ]
	[[ "$output" == *'  stopped by "replied" at 2026-11-22T12:25:00+08:00'*'  met late'* ]]
	[[ "$output" == *$'  11-22T09:55 customer 张伟: 照片已经上传了，请尽快处理。'* ]]
	[[ "$stderr" == *'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 23 duplicates, 0 rejected (2 set aside before)'* ]]
	[[ "$stderr" == *"cx-sla: 10 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 2 in breach, 0 history"* ]]
	# The rest of the week: each step told once, the silent closed, the
	# surveys, a lookup, the archive.
	[[ "$output" == *'      1 "CX-20261122-0003","ack"'* ]]
	[[ "$output" == *'11-26T16:05:00+08:00  cx-follow: 2 messages (0 acknowledgements, 0 progress, 0 resolutions, 2 confirmation requests, 0 surveys)'* ]]
	[[ "$output" == *'0 with no address; 2 closed unanswered'* ]]
	[[ "$output" == *'Subject: 请确认您的问题是否已解决 [CX-20261122-0001]'* ]]
	[[ "$output" == *$'      2026-11-30 16:05  已结案'* ]]
	[[ "$stderr" == *'cx-close: 3 archived, 0 closed kept'* ]]
	[[ "$output" == *$'    Status: closed\n'*'      2026-11-24 09:30  you confirmed the solution'* ]]
	check_eq survey "$(zcat demo-spool/archive/2026-11.jsonl.gz | jq -c 'select(.id == "CX-20261122-0002") | [.survey.result, .survey.attitude, .survey.timeliness, (.rewards | length)]')" '[5,5,4,1]'
	[ "$(ls demo-spool/open | wc -l)" -eq 9 ]
	[ -z "$(ls -A demo-spool/new)$(ls -A demo-spool/classified)" ]
	# It ends with the briefing of the week, from the spool as it is:
	# open, closed and archived tickets.
	awk '/^    投诉分析简报/ { p = 1 } /^== mail/ { p = 0 } p' <<<"$output" >briefing.txt
	golden report/demo-briefing.text briefing.txt
	grep -q '<svg viewBox' demo-spool.html
	# Then mail: three records, the auto-reply none, one joins its ticket.
	[[ "$output" == *'cx-mail: 4 messages: 3 records, 1 automatic (no ticket), 1 attachments, 0 unread'* ]]
	[[ "$output" == *'朱镕牌水壶漏水 | gb2312 -> GB18030 | OD202611220001'* ]]
	[[ "$output" == *'cx-ingest: 2 registered, 1 follow-ups, 0 replies, 0 duplicates, 0 rejected'* ]]
	[[ "$output" == *'CX-20261122-0005 now ends: customer Chen Jie: I attached my bank statement'* ]]
	[ "$(ls demo-spool/attachments | wc -l)" -eq 1 ]
	! grep -q 'Sanitizer\|runtime error' <<<"$stderr"
}
