#!/usr/bin/env bats
# cx-follow: the customer's side of the loop.  Each event is told once,
# in the customer's language, as a mail for sendmail -t and an SMS line;
# a resolved ticket nobody answers gets a confirmation request, then
# closes; a closed one gets its survey invitation 3 to 7 days later.  The
# spool: both examples, classified, routed and swept (CX-20261124-0001 ..
# -0010; -0009 is Maria Lopez's, in English).

load helper

setup() {
	cx_setup
	routed_spool sp examples/helpdesk-zh.csv examples/chat.csv
	cx-sla -q -s sp || [ $? -eq 1 ]	# breaches: exit 1
}

T1=CX-20261124-0001	# 张伟: email and phone, 刘经理
T2=CX-20261124-0002	# 王芳: phone only, 老周
T9=CX-20261124-0009	# Maria Lopez, English, Ben

NONE='0 messages (0 acknowledgements, 0 progress, 0 resolutions, 0 confirmation requests, 0 surveys): 0 mails, 0 SMS, 0 with no address; 0 closed unanswered'

# told ID: the messages the ticket was sent, "MESSAGE VIA" a line each.
told() {
	jq -r '.history[] | select(.action == "notified") | "\(.message) \(.via)"' \
	    "$(ls sp/open/$1 sp/closed/$1 2>/dev/null | head -n 1)"
}

follow() {
	run --separate-stderr cx-follow -s sp --now "$1"
	check_status 0
}

@test "usage: a spool is needed, files are not taken" {
	run --separate-stderr cx-follow
	check_status 2
	check_stderr 'cx-follow: cx-follow works on a spool: give -s or set CX_SPOOL'
	run --separate-stderr cx-follow -s sp file.csv
	check_status 2
	check_stderr 'cx-follow: a spool is its own input: no files with -s'
}

@test "acknowledgement: once per ticket, a mail where there is an address, an SMS where there is a number; a second run sends nothing" {
	run --separate-stderr cx-follow -s sp
	check_status 0
	check_stderr 'cx-follow: 10 messages (10 acknowledgements, 0 progress, 0 resolutions, 0 confirmation requests, 0 surveys): 4 mails, 7 SMS, 2 with no address; 0 closed unanswered'
	check_eq mails "$(cd sp/outbox && ls *.eml | tr '\n' ' ')" \
	    "$T1.ack.5.eml CX-20261124-0003.ack.5.eml CX-20261124-0005.ack.5.eml $T9.ack.5.eml "
	golden follow-ack-zh.eml sp/outbox/$T1.ack.5.eml
	golden follow-ack-en.eml sp/outbox/$T9.ack.5.eml
	golden follow-ack.sms.csv sp/outbox/sms-5.csv
	check_eq told "$(told $T1)" 'ack email,sms'
	check_eq told2 "$(told $T2)" 'ack sms'
	check_eq none "$(told CX-20261124-0010)" 'ack none'
	run --separate-stderr cx-follow -s sp
	check_status 0
	check_stderr "cx-follow: $NONE"
	check_eq files "$(ls sp/outbox | wc -l)" 6
	no_world_access sp
}

@test "mail: RFC 5322 and MIME that a mail reader decodes: encoded-word headers, base64 UTF-8 body, auto-submitted" {
	cx-follow -q -s sp
	local m=sp/outbox/$T1.ack.5.eml
	check_eq subject "$(mhdr -h subject -d $m)" "您的投诉已受理 [$T1]"
	check_eq to "$(mhdr -h to -d $m)" '张伟 <zhangwei@example.cn>'
	check_eq from "$(mhdr -h from -d $m)" '客服中心 <service@example.com>'
	check_eq auto "$(mhdr -h auto-submitted $m)" 'auto-generated'
	check_eq type "$(mhdr -h content-type $m)" 'text/plain; charset=UTF-8'
	mshow -O $m 1 >body
	grep -q "工单号为 $T1" body
	grep -q '收到的手机屏幕有划痕' body
	# A long subject is folded into words of at most 75 characters, each
	# of whole characters, and reads back whole.
	mkdir -p sp/etc/templates/zh
	printf 'Subject: {subject}，{subject}，{subject} [{id}]\n\n{name}\n' >sp/etc/templates/zh/ack
	rm sp/outbox/*.eml
	jq -c 'del(.history[] | select(.action == "notified"))' sp/open/$T1 >t && mv t sp/open/$T1
	cx-follow -q -s sp
	m=$(ls sp/outbox/$T1.ack.*.eml)
	check_eq long "$(mhdr -h subject -d $m)" "收到的手机屏幕有划痕，收到的手机屏幕有划痕，收到的手机屏幕有划痕 [$T1]"
	check_eq lines "$(awk 'length > 76' $m | wc -l)" 0
	check_eq words "$(grep -c '^ =?UTF-8?B?' $m)" 2
}

@test "the loop: progress, resolution, a confirmation request after the silence, the close, the survey invitation, each once" {
	follow 2026-11-24T09:00+08:00
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-24T09:30+08:00 investigate
	follow 2026-11-24T09:35+08:00
	check_stderr "cx-follow: 1 messages (0 acknowledgements, 1 progress, 0 resolutions, 0 confirmation requests, 0 surveys): 1 mails, 1 SMS, 0 with no address; 0 closed unanswered"
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-24T11:00+08:00 resolve refund 59.90
	follow 2026-11-24T11:05+08:00
	check_stderr "cx-follow: 1 messages (0 acknowledgements, 0 progress, 1 resolutions, 0 confirmation requests, 0 surveys): 1 mails, 1 SMS, 0 with no address; 0 closed unanswered"
	grep -q '处理方式：退款 59.90' <(mshow -O sp/outbox/$T1.resolution.*.eml 1)
	grep -q "$T1.*已处理：退款59.90" sp/outbox/sms-*.csv
	# Three days from the resolution told: not a minute before.
	follow 2026-11-27T11:04+08:00
	check_stderr "cx-follow: $NONE"
	follow 2026-11-27T11:05+08:00
	check_stderr "cx-follow: 1 messages (0 acknowledgements, 0 progress, 0 resolutions, 1 confirmation requests, 0 surveys): 1 mails, 1 SMS, 0 with no address; 0 closed unanswered"
	grep -q '4 天内未收到您的回复' <(mshow -O sp/outbox/$T1.confirm.*.eml 1)
	# Four days more of silence: closed, by cx-follow, into closed/.
	follow 2026-12-01T11:04+08:00
	check_stderr "cx-follow: $NONE"
	follow 2026-12-01T11:05+08:00
	check_stderr "cx-follow: ${NONE%0 closed unanswered}1 closed unanswered"
	[ -f sp/closed/$T1 ] && [ ! -e sp/open/$T1 ]
	check_eq index "$(grep -c "^$T1	" sp/index)" 0
	check_eq closed "$(jq -c '.history[-1] | [.by, .action, .note]' sp/closed/$T1)" '["cx-follow","closed","no answer to the confirmation request"]'
	# The survey: three to seven days after the close, once.
	follow 2026-12-04T11:04+08:00
	check_stderr "cx-follow: $NONE"
	follow 2026-12-04T11:05+08:00
	check_stderr "cx-follow: 1 messages (0 acknowledgements, 0 progress, 0 resolutions, 0 confirmation requests, 1 surveys): 1 mails, 1 SMS, 0 with no address; 0 closed unanswered"
	follow 2026-12-05T11:05+08:00
	check_stderr "cx-follow: $NONE"
	check_eq told "$(told $T1 | tr '\n' ' ')" 'ack email,sms progress email,sms resolution email,sms confirm email,sms survey email,sms '
}

@test "the loop: a customer's word after the resolution stops the timers; a survey answered or a close too old invites nobody" {
	cx-close -q -s sp -i $T2 -a 老周 --now 2026-11-24T10:00+08:00 resolve refund 20
	cx-close -q -s sp -i $T9 -a Ben --now 2026-11-24T10:00+08:00 resolve exchange
	follow 2026-11-24T10:05+08:00
	# Maria confirms, and answers the survey before it is sent.
	cx-close -q -s sp -i $T9 --now 2026-11-25T09:00+08:00 confirm
	cx-close -q -s sp -i $T9 --now 2026-11-25T09:10+08:00 survey 5 5 4
	# 王芳 answers: the ticket waits for an agent, not for the timers.
	jq -c '.followups = [{"received_at":"2026-11-25T08:00:00+08:00","text":"还没收到退款"}]' sp/open/$T2 >t && mv t sp/open/$T2
	follow 2026-11-29T09:00+08:00
	follow 2026-12-10T10:00+08:00
	check_eq waits "$(jq -r .status sp/open/$T2)" resolved
	# Resolved before cx-follow first saw it: no acknowledgement then.
	check_eq told "$(told $T2 | tr '\n' ' ')" 'resolution sms '
	check_eq answered "$(told $T9 | tr '\n' ' ')" 'resolution email,sms '
	# A close more than survey_until ago is not surveyed any more.
	cx-close -q -s sp -i CX-20261124-0003 -a 小何 --now 2026-11-24T10:00+08:00 resolve explanation
	cx-close -q -s sp -i CX-20261124-0003 -a 小何 --now 2026-11-24T10:10+08:00 close
	follow 2026-12-02T10:11+08:00
	check_eq late "$(told CX-20261124-0003 | tr '\n' ' ')" 'ack email,sms '
}

@test "language: the English templates for an English customer, team_name_en to sign them; a ticket's lang decides" {
	cx-follow -q -s sp
	check_eq subject "$(mhdr -h subject -d sp/outbox/$T9.ack.5.eml)" "We have received your complaint [$T9]"
	grep -q '^Customer Service$' <(mshow -O sp/outbox/$T9.ack.5.eml 1)
	grep -q "^\"+14155550100\",\"$T9\",\"ack\",\"Customer Service: complaint received" sp/outbox/sms-5.csv
	jq -c '.lang = "en"' sp/open/$T1 >t && mv t sp/open/$T1
	cx-close -q -s sp -i $T1 -a 刘经理 investigate
	cx-follow -q -s sp
	check_eq en "$(mhdr -h subject -d sp/outbox/$T1.progress.*.eml)" "Your complaint is being handled [$T1]"
}

@test "history imported with its outcome and tickets received before history_before are told nothing" {
	mkdir -p sp/etc
	echo 'history_before = 2026-11-22T14:00:00+08:00' >>sp/etc/cx.conf
	jq -c '.outcome = "resolved"' sp/open/CX-20261124-0007 >t && mv t sp/open/CX-20261124-0007
	run --separate-stderr cx-follow -s sp
	check_status 0
	check_stderr 'cx-follow: 5 messages (5 acknowledgements, 0 progress, 0 resolutions, 0 confirmation requests, 0 surveys): 2 mails, 3 SMS, 1 with no address; 0 closed unanswered'
	check_eq silent "$(told $T1)" ''
	check_eq imported "$(told CX-20261124-0007)" ''
}

@test "templates: a spool's etc/templates overrides the shipped one; an unknown field or line is exit 2 with file and line" {
	mkdir -p sp/etc/templates/zh
	printf '# ours: {id} and the like are for the lines below\nSubject: 收到 {id}\nSMS: {team}收到{id}\n\n{name}：收到。\n' >sp/etc/templates/zh/ack
	cx-follow -q -s sp
	check_eq ours "$(mhdr -h subject -d sp/outbox/$T1.ack.5.eml)" "收到 $T1"
	check_eq body "$(mshow -O sp/outbox/$T1.ack.5.eml 1)" '张伟：收到。'
	printf 'Subject: {id}\n\n{nmae}\n' >sp/etc/templates/zh/progress
	run --separate-stderr cx-follow -s sp
	check_status 2
	check_stderr 'cx-follow: sp/etc/templates/zh/progress:3: unknown field {nmae}'
	printf 'Subjekt: {id}\n\nx\n' >sp/etc/templates/zh/progress
	run --separate-stderr cx-follow -s sp
	check_status 2
	check_stderr 'cx-follow: sp/etc/templates/zh/progress:1: a Subject: or SMS: line, or a blank line before the body'
	printf 'SMS: {id}\n\nx\n' >sp/etc/templates/zh/progress
	run --separate-stderr cx-follow -s sp
	check_status 2
	check_stderr 'cx-follow: sp/etc/templates/zh/progress: no Subject: line'
}

@test "dry run: says what would be sent and closed; changes nothing" {
	cp -a sp before
	run --separate-stderr cx-follow -n -s sp
	check_status 0
	check_eq first "${stderr%%$'\n'*}" "cx-follow: $T1: ack by email,sms"
	check_eq last "${stderr##*$'\n'}" 'cx-follow: dry run: would have sent 10 messages (10 acknowledgements, 0 progress, 0 resolutions, 0 confirmation requests, 0 surveys): 4 mails, 7 SMS, 2 with no address; 0 closed unanswered'
	same_tree before sp
}

@test "crash: killed at any step, a second run tells each event once, nothing lost or doubled" {
	need_strace
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-24T09:30+08:00 resolve refund 10
	cx-follow -q -s sp --now 2026-11-24T10:00+08:00
	cx-close -q -s sp -i $T2 -a 老周 investigate
	cp -a sp base
	crash_loop "write fsync /^renameat unlinkat" base cx-follow --now 2026-11-28T10:00+08:00
}

@test "concurrency: cx-follow and cx-close at once take turns; every action and every message once" {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		echo "CX-20261124-000$i,investigate,小李,2026-11-24 09:0$i" >>a.csv
	done
	sed -i '1i id,action,agent,at' a.csv
	cx-follow -q -s sp & local pid=$!
	cx-close -q -s sp a.csv 2>/dev/null || [ $? -eq 1 ]
	wait $pid
	cx-follow -q -s sp
	check_eq acks "$(cat sp/open/* | jq -r '.history[] | select(.message == "ack") | .message' | wc -l)" 10
	check_eq sms "$(cat sp/outbox/sms-*.csv | grep -c ',"ack",')" 7
}

@test "the loop: a reopened ticket is not acknowledged again; one resolved by hand with no entry is left to the team; one nobody can ask closes saying so" {
	cx-close -q -s sp -i $T2 -a 老周 --now 2026-11-24T10:00+08:00 resolve refund 20
	follow 2026-11-24T10:05+08:00
	cx-close -q -s sp -i $T2 -a 老周 --now 2026-11-25T10:00+08:00 reopen
	cx-route -q -s sp --now 2026-11-25T10:01+08:00
	cx-sla -q -s sp --now 2026-11-25T10:02+08:00 || [ $? -eq 1 ]
	follow 2026-11-25T10:05+08:00
	check_eq reopened "$(told $T2 | tr '\n' ' ')" 'resolution sms '
	# Status "resolved" set by hand, no "resolved" entry: no timers.
	jq -c '.status = "resolved"' sp/open/CX-20261124-0004 >t && mv t sp/open/CX-20261124-0004
	follow 2026-12-20T10:00+08:00
	check_eq by_hand "$(jq -r .status sp/open/CX-20261124-0004)" resolved
	# CX-20261124-0010 has neither address nor number.
	cx-close -q -s sp -i CX-20261124-0010 -a Amy --now 2026-11-24T10:00+08:00 resolve explanation
	follow 2026-11-24T10:05+08:00
	follow 2026-11-27T10:05+08:00
	follow 2026-12-01T10:05+08:00
	check_eq unreached "$(jq -r '.history[-1].note' sp/closed/CX-20261124-0010)" 'no answer: the customer has no address or number to ask'
	check_eq told "$(told CX-20261124-0010 | tr '\n' ' ')" 'ack none resolution none confirm none '
}

@test "mail: an address a mail cannot go to is said, masked, and the message goes by SMS; headers stay within 76 characters" {
	jq -c '.customer.email = "zw@例子.中国" | .customer.name = "张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟张伟"' sp/open/$T1 >t && mv t sp/open/$T1
	jq -c '.customer.email = "a.very.long.local.part.of.an.address@mail.example-company.com.cn" | .customer.name = "李娜李娜李娜李娜李娜李娜李娜李娜李娜"' \
	    sp/open/CX-20261124-0003 >t && mv t sp/open/CX-20261124-0003
	mkdir -p sp/etc/templates/en
	printf '# a comment may say {anything}\nSubject: Re: =?UTF-8?B?SGFja2Vk?= {subject} {subject} {subject} [{id}]\n\n{name}\n' >sp/etc/templates/en/ack
	run --separate-stderr cx-follow -s sp
	check_status 0
	check_eq warned "${stderr%%$'\n'*}" "cx-follow: $T1: ack: \"z***@例子.中国\" is no address a mail can go to; not mailed"
	check_eq via "$(told $T1)" 'ack sms'
	local m=sp/outbox/CX-20261124-0003.ack.5.eml
	check_eq long "$(awk 'length > 76' $m sp/outbox/$T9.ack.5.eml | wc -l)" 0
	check_eq to "$(mhdr -h to -d $m)" '李娜李娜李娜李娜李娜李娜李娜李娜李娜 <a.very.long.local.part.of.an.address@mail.example-company.com.cn>'
	check_eq spoof "$(mhdr -h subject -d sp/outbox/$T9.ack.5.eml)" "Re: =?UTF-8?B?SGFja2Vk?= Wrong size delivered Wrong size delivered Wrong size delivered [$T9]"
}

@test "templates: {days} is close_after in whole days, rounded up" {
	mkdir -p sp/etc
	echo 'close_after = 36h' >>sp/etc/cx.conf
	cx-close -q -s sp -i $T1 -a 刘经理 --now 2026-11-24T10:00+08:00 resolve refund 10
	follow 2026-11-24T10:05+08:00
	follow 2026-11-27T10:05+08:00
	grep -q '2 天内未收到您的回复' <(mshow -O sp/outbox/$T1.confirm.*.eml 1)
}
