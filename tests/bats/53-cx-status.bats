#!/usr/bin/env bats
# cx-status: a customer's lookup by ticket number and the last four digits
# of their phone, or their email: the status, the steps they may see and
# the promised date, nothing else; a wrong pair is answered as an unknown
# ticket.  Closed and archived tickets are found too.

load helper

setup() {
	cx_setup
	routed_spool sp examples/helpdesk-zh.csv examples/chat.csv
	cx-sla -q -s sp --now 2026-11-22T12:00+08:00 || [ $? -eq 1 ]
}

T1=CX-20261124-0001	# 张伟 +8613800138000 zhangwei@example.cn
T2=CX-20261124-0002	# 王芳 +8613912345678
T9=CX-20261124-0009	# Maria Lopez +1 (415) 555-0100, English

NOPE="no such ticket for that phone or email"

@test "lookup: status, the customer's steps and the promised date, in the customer's language; no name, agent or note" {
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-22T10:00+08:00 acknowledge
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-22T10:05+08:00 -N '客户很着急' note
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-22T10:10+08:00 investigate
	run --separate-stderr cx-status -s sp --now 2026-11-22T11:00+08:00 $T1 8000
	check_status 0
	check_stderr
	check_eq out "$output" "工单 $T1
状态：处理中
承诺时限：2026-11-24 09:12
进度：
  2026-11-22 10:00  已受理
  2026-11-22 10:10  开始调查处理
  2026-11-24 09:00  已登记"
	run --separate-stderr cx-status -s sp -L en --now 2026-11-22T11:00+08:00 $T1 ZhangWei@Example.CN
	check_status 0
	check_eq en "${output%%$'\n'Steps:*}" "Ticket $T1
Status: being handled
Promised: 2026-11-24 09:12"
	[[ "$output" != *刘经理* && "$output" != *着急* && "$output" != *张伟* ]]
	# Past the promise, the customer is told "as soon as possible".
	run --separate-stderr cx-status -s sp -L en --now 2026-11-25T11:00+08:00 -J $T9 0100
	check_status 0
	check_eq json "$(jq -c . <<<"$output")" '{"id":"CX-20261124-0009","status":"assigned","status_text":"received","promised":"as soon as possible","steps":[{"at":"2026-11-24T09:00:00+08:00","step":"registered","text":"registered"}]}'
}

@test "lookup: a wrong phone, a wrong email and an unknown ticket get one answer, exit 1; a key that is neither is exit 2" {
	run --separate-stderr cx-status -s sp $T1 8001
	check_status 1
	check_stderr "cx-status: $T1: $NOPE"
	check_eq out "$output" ''
	run --separate-stderr cx-status -s sp $T1 lina@example.com
	check_status 1
	check_stderr "cx-status: $T1: $NOPE"
	run --separate-stderr cx-status -s sp CX-20261124-0099 8000
	check_status 1
	check_stderr "cx-status: CX-20261124-0099: $NOPE"
	run --separate-stderr cx-status -s sp ../etc 8000
	check_status 1
	check_stderr "cx-status: ../etc: $NOPE"
	# A ticket with no phone: four digits match nothing.
	run --separate-stderr cx-status -s sp CX-20261124-0004 0000
	check_status 1
	check_stderr "cx-status: CX-20261124-0004: $NOPE"
	run --separate-stderr cx-status -s sp $T1 800
	check_status 2
	check_stderr 'cx-status: "800": the last four digits of the phone, or the email'
	run --separate-stderr cx-status -s sp $T1
	check_status 2
	check_eq usage "${stderr%%$'\n'*}" 'usage: cx-status [-Jq] [-L language] [-s spool] [-z zone] [--now time] id phone-last-4|email'
}

@test "lookup: closed and archived tickets are found" {
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-24T10:00+08:00 resolve refund 10
	cx-close -q -s sp -i $T1 --now 2026-11-25T10:00+08:00 confirm
	run --separate-stderr cx-status -s sp $T1 8000
	check_status 0
	check_eq closed "$(sed -n 2p <<<"$output")" '状态：已结案'
	cx-close -q -s sp --archive 1d --now 2026-12-20T00:00+08:00
	[ ! -e sp/closed/$T1 ]
	run --separate-stderr cx-status -s sp $T1 8000
	check_status 0
	check_eq archived "$output" "工单 $T1
状态：已结案
进度：
  2026-11-24 09:00  已登记
  2026-11-24 10:00  已解决
  2026-11-25 10:00  您已确认解决
  2026-11-25 10:00  已结案"
	run --separate-stderr cx-status -s sp $T1 8001
	check_status 1
	check_stderr "cx-status: $T1: $NOPE"
}
