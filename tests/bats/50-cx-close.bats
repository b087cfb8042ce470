#!/usr/bin/env bats
# cx-close: working routed tickets to the end (R5).  One action from the
# command line, or rows of actions from the agents' exports (CSV, JSON
# Lines); each checked against the ticket as it is, applied as a history
# entry with who and when, refused with why; the same file twice applies
# nothing twice; closed tickets move to closed/, reopened ones go back
# through routing; cx-sla reads what was done.  The spool: both examples,
# classified and routed (CX-20261124-0001 .. -0008).

load helper

setup() {
	cx_setup
	routed_spool sp examples/helpdesk-zh.csv
}

T1=CX-20261124-0001	# quality.defect, 商品部, 刘经理, owner 小李
T2=CX-20261124-0002	# logistics.tracking, 物流部, 老周
T3=CX-20261124-0003	# quality.safety, urgent, 质检, 小何

# actions ID: "AT BY ACTION" of each history entry after routing.
actions() {
	jq -r '.history[] | select(.by != "cx-ingest" and .by != "cx-route") |
	    "\(.at[11:16]) \(.by) \(.action)"' "$(ls sp/open/$1 sp/closed/$1 2>/dev/null | head -n 1)"
}

close1() {
	cx-close -q -s sp "$@"
}

@test "usage: -i needs an action, an unknown action or a wrong count of arguments is exit 2; a spool is needed" {
	run --separate-stderr cx-close -s sp -i $T1
	check_status 2
	check_stderr "cx-close: -i $T1: which action?"
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 fly
	check_status 2
	check_stderr 'cx-close: unknown action "fly"'
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 resolve
	check_status 2
	check_stderr 'cx-close: resolve: 1 argument, not 0 (cx-close(1))'
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 wait
	check_status 2
	check_stderr 'cx-close: wait: 1 argument, not 0 (cx-close(1))'
	run --separate-stderr cx-close -i $T1 -a 刘经理 acknowledge
	check_status 2
	check_stderr 'cx-close: cx-close works on a spool: give -s or set CX_SPOOL'
	run --separate-stderr cx-close -s sp -a 刘经理 acts.csv
	check_status 2
	check_stderr "cx-close: -a and -N go with -i: a file's rows say their own"
}

@test "command line: an action is a history entry with who and when; one that makes no sense now is refused, exit 1" {
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 acknowledge
	check_status 0
	check_stderr 'cx-close: 1 applied, 0 applied before, 0 set aside'
	check_eq status "$(jq -r .status sp/open/$T1)" acknowledged
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 ack
	check_status 1
	check_stderr "cx-close: $T1: acknowledge: acknowledged already" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 reply
	check_status 1
	check_stderr "cx-close: $T1: reply: a reply needs its text" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	run --separate-stderr cx-close -s sp -i $T1 -a 无名 -N 你好 reply
	check_status 1
	check_stderr "cx-close: $T1: reply: unknown agent \"无名\"" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	run --separate-stderr cx-close -s sp -i CX-20261124-0099 -a 刘经理 acknowledge
	check_status 1
	check_stderr 'cx-close: CX-20261124-0099: acknowledge: CX-20261124-0099: no such ticket in open/ or closed/' \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	close1 -i $T1 -a 刘经理 -N 请上传照片 --now 2026-11-24T09:10+08:00 reply
	check_eq entry "$(jq -c '.history[-1]' sp/open/$T1)" \
	    '{"at":"2026-11-24T09:10:00+08:00","by":"刘经理","action":"replied","note":"请上传照片"}'
	check_eq actions "$(actions $T1)" '09:00 刘经理 acknowledged
09:10 刘经理 replied'
}

@test "reassign: another agent takes the ticket, the owner stays (首问负责制); one off duty or the same is refused" {
	mkdir -p sp/etc
	{ cat "$CX_SHARE/agents"; printf '休假客服\t商品部\t10\toff\tzh\n'; } >sp/etc/agents
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 reassign 休假客服
	check_status 1
	check_stderr "cx-close: $T1: reassign: 休假客服 is not on duty" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 reassign 商品主管
	check_status 0
	check_eq who "$(jq -c '[.assignee, .owner, .history[-1].from, .history[-1].to]' sp/open/$T1)" \
	    '["商品主管","小李","刘经理","商品主管"]'
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 reassign 商品主管
	check_status 1
	check_stderr "cx-close: $T1: reassign: assigned to 商品主管 already" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
}

@test "approval: a solution above approval_limit needs a supervisor, not its proposer, before it resolves" {
	close1 -i $T1 -a 刘经理 propose compensation 500
	check_eq proposal "$(jq -c .proposal sp/open/$T1)" \
	    '{"code":"compensation","amount":500,"by":"刘经理","at":"2026-11-24T09:00:00+08:00","approval":"needed"}'
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 resolve compensation 500
	check_status 1
	check_stderr "cx-close: $T1: resolve: compensation 500 is above the limit of 200: a supervisor must approve it first" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	run --separate-stderr cx-close -s sp -i $T1 -a 小李 approve
	check_status 1
	check_stderr "cx-close: $T1: approve: 小李 is no supervisor" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	# 商品主管 proposes in the next case; here another approves.
	close1 -i $T1 -a 商品主管 approve
	close1 -i $T1 -a 刘经理 resolve 赔偿 500
	check_eq resolved "$(jq -c '[.status, .resolution.code, .resolution.amount, .proposal.approved_by]' sp/open/$T1)" \
	    '["resolved","compensation",500,"商品主管"]'
	# A supervisor who proposed it may not approve it; 200 needs none.
	close1 -i $T2 -a 物流主管 propose refund 300
	run --separate-stderr cx-close -s sp -i $T2 -a 物流主管 approve
	check_status 1
	check_stderr "cx-close: $T2: approve: 物流主管 proposed it: another supervisor approves" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	run --separate-stderr cx-close -s sp -i $T3 -a 小何 resolve refund ¥200
	check_status 0
}

@test "closed loop: confirm or close a resolved ticket moves it to closed/; reopen sends it back through routing, history kept" {
	run --separate-stderr cx-close -s sp -i $T2 confirm
	check_status 1
	check_stderr "cx-close: $T2: confirm: not resolved: the ticket is assigned" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	close1 -i $T2 -a 老周 resolve refund 88
	close1 -i $T2 confirm --now 2026-11-24T10:00+08:00
	[ ! -e sp/open/$T2 ]
	check_eq closed "$(jq -c '[.status, (.history[-2:][] | .by + " " + .action)]' sp/closed/$T2)" \
	    '["closed","customer customer_confirmed","customer closed"]'
	close1 -i $T2 -a 老周 -N 客户说还没收到 reopen --now 2026-11-24T11:00+08:00
	[ ! -e sp/closed/$T2 ]
	check_eq batch "$(jq -c '[.id, .status, .resolution]' sp/classified/*.jsonl)" "[\"$T2\",\"reopened\",null]"
	cx-route -q -s sp --now 2026-11-24T11:00+08:00
	check_eq routed "$(jq -c '[.status, .owner, .assignee, (.history | length), .history[-1].action]' sp/open/$T2)" \
	    '["assigned","小王","老周",7,"routed"]'
}

@test "merge and link: the merged ticket points to the one that survives and goes to closed/; nothing is deleted" {
	close1 -i $T2 -a 老周 merge $T1
	check_eq merged "$(jq -c '[.status, .merged_into, .history[-1].action, .history[-1].into]' sp/closed/$T2)" \
	    "[\"merged\",\"$T1\",\"merged\",\"$T1\"]"
	check_eq survivor "$(jq -c '[.status, .merged_from, .history[-1].from]' sp/open/$T1)" \
	    "[\"assigned\",[\"$T2\"],\"$T2\"]"
	run --separate-stderr cx-close -s sp -i $T1 -a 刘经理 merge CX-20261124-0099
	check_status 1
	check_stderr "cx-close: $T1: merge: CX-20261124-0099: no such ticket in open/ or closed/" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	check_eq untouched "$(jq -r '.merged_from | length' sp/open/$T1)" 1
	close1 -i $T1 -a 刘经理 link $T3
	check_eq links "$(jq -c '[.links, .history[-1].with]' sp/open/$T1 sp/open/$T3)" \
	    "[[\"$T3\"],\"$T3\"]
[[\"$T1\"],\"$T1\"]"
}

@test "survey and reward: the customer's answers on a closed ticket, once; reward points recorded" {
	close1 -i $T3 -a 小何 resolve refund 129.5
	run --separate-stderr cx-close -s sp -i $T3 survey 5 4 3
	check_status 1
	check_stderr "cx-close: $T3: survey: not closed: the ticket is resolved" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	close1 -i $T3 confirm
	close1 -i $T3 -N 处理很快 survey 5 4 3
	check_eq survey "$(jq -c .survey sp/closed/$T3)" \
	    '{"at":"2026-11-24T09:00:00+08:00","result":5,"attitude":4,"timeliness":3,"comment":"处理很快"}'
	run --separate-stderr cx-close -s sp -i $T3 survey 1 1 1
	check_status 1
	check_stderr "cx-close: $T3: survey: answered already" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	run --separate-stderr cx-close -s sp -i $T3 survey 6 1 1
	check_status 2
	check_stderr 'cx-close: a score is 1 to 5, not "6"'
	close1 -i $T3 -a 小何 reward 50
	check_eq rewards "$(jq -c .rewards sp/closed/$T3)" '[{"points":50,"at":"2026-11-24T09:00:00+08:00"}]'
}

@test "review: a quality reviewer's verdict (pass or fail, 合格, 不合格) on any ticket; not by its own agent or owner" {
	run --separate-stderr cx-close -s sp -i $T3 -a 小何 review fail
	check_status 1
	check_stderr "cx-close: $T3: review: 小何 handled the ticket: another reviews it" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	run --separate-stderr cx-close -s sp -i $T3 -a 老马 review 也许
	check_status 1
	check_stderr "cx-close: $T3: review: a verdict is pass or fail, not \"也许\"" \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
	close1 -i $T3 -a 小何 resolve refund 129.5
	close1 -i $T3 confirm
	close1 -i $T3 -a 老马 -N 未启动紧急流程 质检 不合格
	check_eq review "$(jq -c .review sp/closed/$T3)" \
	    '{"verdict":"fail","by":"老马","at":"2026-11-24T09:00:00+08:00","note":"未启动紧急流程"}'
	close1 -i $T3 -a Grace review pass
	check_eq "review again" "$(jq -c .review sp/closed/$T3)" \
	    '{"verdict":"pass","by":"Grace","at":"2026-11-24T09:00:00+08:00"}'
	check_eq entries "$(actions $T3 | grep reviewed)" \
	    "$(printf '%s\n' '09:00 老马 reviewed' '09:00 Grace reviewed')"
}

@test "files: the agents' CSV export with Chinese headers and names; bad rows set aside with file, line and reason; the same file again applies nothing" {
	printf '%s\n' '工单号,动作,处理人,处理时间,方案,金额,备注,对象' \
	    "$T2,受理,老周,2026-11-24 09:10,,,," \
	    "$T2,等待,老周,2026-11-24 09:20,,,等快递回复,快递" \
	    "$T2,解决,老周,2026-11-24 11:00,退款,88,," \
	    "$T3,解决,小何,2026-11-24 10:00,退款,129.5,," \
	    'CX-20261124-9999,受理,小何,,,,,' \
	    "CX-20261124-0004,飞,小李,,,,," \
	    "CX-20261124-0005,备注,小林,2026-11-24 xx,,,看一下," >acts.csv
	run --separate-stderr cx-close -s sp acts.csv
	check_status 1
	check_stderr 'cx-close: acts.csv:6: CX-20261124-9999: no such ticket in open/ or closed/' \
	    'cx-close: acts.csv:7: unknown action "飞"' \
	    'cx-close: acts.csv:8: unrecognised time "2026-11-24 xx"' \
	    'cx-close: 4 applied, 0 applied before, 3 set aside'
	check_eq rejects "$(jq -c '[.file, .line, .reason]' sp/rejects/C*.jsonl)" \
	    '["acts.csv",6,"CX-20261124-9999: no such ticket in open/ or closed/"]
["acts.csv",7,"unknown action \"飞\""]
["acts.csv",8,"unrecognised time \"2026-11-24 xx\""]'
	check_eq T2 "$(actions $T2)" '09:10 老周 acknowledged
09:20 老周 waiting
11:00 老周 resolved'
	check_eq waited "$(jq -c '[.status, .waiting, .resolution.code]' sp/open/$T2)" '["resolved",null,"refund"]'
	cp -a sp before
	run --separate-stderr cx-close -s sp acts.csv
	check_status 0
	check_stderr 'cx-close: 0 applied, 4 applied before, 0 set aside (3 set aside before)'
	same_tree before sp
	no_world_access sp
}

@test "files: JSON Lines actions, and -n says what would be done and changes nothing" {
	printf '%s\n' "{\"id\":\"$T1\",\"action\":\"acknowledge\",\"agent\":\"刘经理\",\"at\":\"2026-11-24T09:05:00+08:00\"}" \
	    "{\"id\":\"$T1\",\"action\":\"propose\",\"agent\":\"刘经理\",\"code\":\"exchange\"}" \
	    'not json' >acts.jsonl
	cp -a sp before
	run --separate-stderr cx-close -n -s sp acts.jsonl
	check_status 1
	[[ $stderr == *'cx-close: dry run: would have 2 applied, 0 applied before, 1 set aside' ]]
	same_tree before sp
	run --separate-stderr cx-close -s sp acts.jsonl
	check_status 1
	check_eq T1 "$(actions $T1)" '09:00 刘经理 solution_proposed
09:05 刘经理 acknowledged'
}

@test "sla: acknowledging stops the first response, waiting pauses, resolving stops resolution, reopening starts it again" {
	# T1 (quality, 24h first response, 48h resolution), received 22 Nov 09:12.
	close1 -i $T1 -a 刘经理 acknowledge --now 2026-11-22T10:00+08:00
	close1 -i $T1 -a 刘经理 wait customer --now 2026-11-22T12:00+08:00
	close1 -i $T1 -a 刘经理 -N 照片收到 reply --now 2026-11-22T16:00+08:00
	close1 -i $T1 -a 刘经理 resolve exchange --now 2026-11-23T09:00+08:00
	sla() { cx-sla -q -s sp -E -i $T1 --now "$1" | sed -n "/^$2/,/^[a-z]/p" | grep -e stopped -e due -e met -e breached -e running; }
	check_eq first "$(sla 2026-11-24T09:00+08:00 first_response)" '  stopped by "acknowledged" at 2026-11-22T10:00:00+08:00
  due 2026-11-23T09:12:00+08:00
  met in time'
	# Four hours waiting on the customer do not count.
	check_eq resolution "$(sla 2026-11-24T09:00+08:00 resolution)" '  stopped by "resolved" at 2026-11-23T09:00:00+08:00
  due 2026-11-24T13:12:00+08:00
  met in time'
	close1 -i $T1 confirm --now 2026-11-23T10:00+08:00
	close1 -i $T1 -a 刘经理 reopen --now 2026-11-23T12:00+08:00
	cx-route -q -s sp --now 2026-11-23T12:00+08:00
	# Reopened: stopped from 09:00 to 12:00, which does not count either.
	check_eq reopened "$(sla 2026-11-24T09:00+08:00 resolution)" '  stopped by "resolved" at 2026-11-23T09:00:00+08:00
  due 2026-11-24T16:12:00+08:00
  running'
}

@test "crash: killed at any step, a second run applies every action once, nothing lost or doubled" {
	need_strace
	printf '%s\n' '工单号,动作,处理人,处理时间,方案,金额' \
	    "$T2,受理,老周,2026-11-24 09:10,," "$T2,解决,老周,2026-11-24 11:00,退款,88" \
	    "$T2,关闭,老周,2026-11-24 11:30,," "$T3,重开,小何,,," "$T1,受理,刘经理,,," >acts.csv
	cp -a sp base
	crash_loop "write fsync /^renameat unlinkat" base cx-close ../acts.csv
}

@test "concurrency: two runs at once on two files take turns; every action applied once" {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		echo "CX-20261124-000$i,note,小李,2026-11-24 09:0$i,,,first $i" >>a.csv
		echo "CX-20261124-000$i,note,小李,2026-11-24 10:0$i,,,second $i" >>b.csv
	done
	sed -i '1i id,action,agent,at,code,amount,note' a.csv b.csv
	cx-close -q -s sp a.csv & local pid=$!
	cx-close -q -s sp b.csv
	wait $pid
	check_eq notes "$(find sp/open -type f -exec cat {} + | jq -r '.history[] | select(.action == "note") | .note' | sort | tr '\n' ' ')" \
	    'first 1 first 2 first 3 first 4 first 5 first 6 first 7 first 8 second 1 second 2 second 3 second 4 second 5 second 6 second 7 second 8 '
}
