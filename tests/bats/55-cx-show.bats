#!/usr/bin/env bats
# cx-show: the team's view.  Lists of open tickets come from the spool's
# index, which every writer keeps in its commit; a ticket's story from its
# own file.  Personal data is masked unless --unmasked.

load helper

setup() {
	cx_setup
	routed_spool sp examples/helpdesk-zh.csv
}

T1=CX-20261124-0001
T3=CX-20261124-0003

# ids: the ids a list shows, in its order.
ids() {
	grep -v '^#' | cut -f 1 | tr '\n' ' '
}

@test "list: every open ticket from the index, the soonest due first; filters by agent, department, priority, breach and due time" {
	[ -f sp/index ]
	check_eq index "$(grep -vc '^#' sp/index)" 8
	check_eq unswept "$(cx-show -q -s sp | sed -n 2p)" "$T1	normal	assigned	商品部	刘经理	-	-	收到的手机屏幕有划痕"
	# Swept at Tuesday 09:00: every Sunday ticket is late, most at the
	# senior desk.
	cx-sla -q -s sp || [ $? -eq 1 ]
	run --separate-stderr cx-show -s sp
	check_status 0
	check_stderr 'cx-show: 8 tickets shown, 0 unread'
	check_eq header "$(head -n 1 <<<"$output")" "# 工单号	优先级	状态	部门	处理人	应于	已超时	主题"
	check_eq first "$(sed -n 2p <<<"$output")" "$T1	urgent	assigned	高级客服	老马	11-22T10:12	first_response,investigation,resolution	收到的手机屏幕有划痕"
	check_eq order "$(ids <<<"$output")" "$T1 CX-20261124-0002 $T3 CX-20261124-0004 CX-20261124-0005 CX-20261124-0006 CX-20261124-0007 CX-20261124-0008 "
	check_eq agent "$(cx-show -q -s sp -a 老马 | ids)" "$T1 $T3 CX-20261124-0005 "
	check_eq dept "$(cx-show -q -s sp --department 商品部 | ids)" 'CX-20261124-0007 '
	check_eq prio "$(cx-show -q -s sp --priority low | ids)" 'CX-20261124-0008 '
	check_eq breached "$(cx-show -q -s sp --breached | ids | wc -w)" 8
	check_eq due "$(cx-show -q -s sp --due 2026-11-22T12:00+08:00 | ids)" "$T1 CX-20261124-0002 "
	check_eq span "$(cx-show -q -s sp --due 1d | ids | wc -w)" 8
	check_eq en "$(cx-show -q -s sp -L en | head -n 1)" "# id	priority	status	department	assignee	due	breached	subject"
	check_eq json "$(cx-show -q -s sp -J --department 客服部)" \
	    '{"id":"CX-20261124-0008","status":"assigned","priority":"low","category":"suggestion","department":"客服部","assignee":"小王","owner":"小李","received_at":"2026-11-22T17:30:00+08:00","due":"2026-11-23T18:00:00+08:00","breached":"investigation","subject":"建议增加夜间配送"}'
}

@test "index: kept by each writer in its commit: a sweep's clocks, a close, a correction, a reopening" {
	cx-sla -q -s sp || [ $? -eq 1 ]
	check_eq swept "$(grep "^$T3	" sp/index | cut -f 9,10)" '2026-11-22T12:05:00+08:00	first_response,emergency,investigation,resolution'
	cx-close -q -s sp -i $T1 -a 刘经理 resolve exchange
	cx-close -q -s sp -i $T1 confirm
	check_eq closed "$(grep -c "^$T1	" sp/index)" 0
	cx-classify -q -s sp -a 小王 -S priority=low -i CX-20261124-0002
	check_eq corrected "$(grep '^CX-20261124-0002	' sp/index | cut -f 3)" low
	cx-close -q -s sp -i $T1 -a 刘经理 reopen
	check_eq reopened "$(grep -c "^$T1	" sp/index)" 0
	cx-route -q -s sp
	check_eq rerouted "$(grep "^$T1	" sp/index | cut -f 2)" assigned
	# The index is what a scan of open/ gives, which a spool without one
	# is shown from.
	cx-show -q -s sp -J >kept
	rm sp/index
	run --separate-stderr run_to scanned cx-show -s sp -J
	check_status 0
	check_stderr 'cx-show: 8 tickets shown, 0 unread'
	diff -u kept scanned
}

@test "story: a ticket's fields, clocks and history in Chinese or English, the customer masked unless --unmasked" {
	cx-sla -q -s sp || [ $? -eq 1 ]
	run --separate-stderr cx-show -s sp -i $T3
	check_status 0
	check_stderr 'cx-show: 1 tickets shown, 0 unread'
	check_eq top "$(sed -n 1,8p <<<"$output")" "$T3
  状态         assigned
  优先级       urgent
  类别         quality.safety
  渠道         wechat
  收到         2026-11-22T11:05:00+08:00
  客户         李*
  电话         +86137****7000"
	[[ $output == *'  emergency       2h  应于 2026-11-22T13:05:00+08:00  已超时'* ]]
	[[ $output == *'  2026-11-24T09:00 cx-route routed'* ]]
	run --separate-stderr cx-show -s sp -L en --unmasked -i $T3
	[[ $output == *'  customer     李娜'* ]]
	[[ $output == *'  phone        +8613700137000'* ]]
	[[ $output == *'  emergency       2h  due 2026-11-22T13:05:00+08:00  BREACHED'* ]]
	check_eq json "$(cx-show -q -s sp -J -i $T3 | jq -c '[.id, .customer]')" "[\"$T3\",{\"masked\":true}]"
	run --separate-stderr cx-show -s sp -i CX-20261124-0099 -i $T1
	check_status 1
	check_stderr 'cx-show: CX-20261124-0099: no such ticket' 'cx-show: 1 tickets shown, 0 unread'
}

@test "usage: a spool is needed, tickets are named with -i, -L is zh or en" {
	run --separate-stderr cx-show
	check_status 2
	check_stderr 'cx-show: cx-show works on a spool: give -s or set CX_SPOOL'
	run --separate-stderr cx-show -s sp -L fr
	check_status 2
	check_stderr 'cx-show: -L: zh or en, not "fr"'
	run --separate-stderr cx-show -s sp --due soon
	check_status 2
	check_stderr 'cx-show: --due: "soon" is no time and no span'
}
