#!/usr/bin/env bats
# A team's past, imported with its outcome (cx-columns(5): outcome,
# answered_at, closed_at, sent_at, timely; cx-conf(5): outcomes,
# history_before).  A row the export says was closed comes in closed,
# its entries at their own times, and cx-route files it in closed/; a
# ticket received before history_before is counted by cx-sla but never
# alerted on.  data/history-zh.csv is a helpdesk export with a status and
# its times; data/cfpb-history.csv has the CFPB's columns.

load helper

# ends FILE: "EXT STATUS RESOLUTION ACTION@MM-DDTHH:MM[~] ..." per record.
ends() {
	jq -r '[.source.ext, .status, .resolution.code // "-",
	    (.history[] | "\(.action)@\(.at[5:16])\(if .approx then "~" else "" end)")] | join(" ")' "$@"
}

@test "outcome: a helpdesk's status and times give each ticket its history, closed where the export says" {
	run --separate-stderr run_to out.jsonl cx-ingest data/history-zh.csv
	check_status 1
	check_stderr 'cx-ingest: data/history-zh.csv:7: outcome "已补偿了吧" is not in the outcomes file: the ticket stays open' \
	    'cx-ingest: data/history-zh.csv:9: closed_at: invalid time "2026-10-31 25:00"' \
	    'cx-ingest: 7 registered, 0 follow-ups, 0 replies, 0 duplicates, 1 rejected'
	# 已退款 is refund (R5.4), 投诉不成立 unfounded; 已回复 answered, 处理中
	# open.  Where the export says closed without a time, the entry bears
	# the latest time it gives, marked approx.  A closing time alone closes.
	check_eq ends "$(ends out.jsonl)" \
	    'H-1 closed refund replied@10-08T09:40 closed@10-09T17:00 registered@11-24T09:00
H-2 closed - closed@10-12T12:00 registered@11-24T09:00
H-3 new - replied@10-10T11:20 registered@11-24T09:00
H-4 new - registered@11-24T09:00
H-5 closed unfounded replied@10-12T14:00 closed@10-12T14:00~ registered@11-24T09:00
H-6 new - registered@11-24T09:00
H-7 closed - replied@10-14T15:30 closed@10-14T16:00 registered@11-24T09:00'
	check_eq outcome "$(jq -c 'select(.source.ext == "H-1") | [.outcome, .resolution, .history[1]]' out.jsonl)" \
	    '[{"text":"已退款"},{"code":"refund"},{"at":"2026-10-09T17:00:00+08:00","by":"cx-ingest","action":"closed","resolution":"refund"}]'
}

@test "outcome: the CFPB's response, timeliness and date sent to the company" {
	run --separate-stderr run_to out.jsonl cx-ingest data/cfpb-history.csv
	check_status 0
	check_stderr 'cx-ingest: data/cfpb-history.csv:6: timely "maybe" is neither yes nor no: left out' \
	    'cx-ingest: 5 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq ends "$(ends out.jsonl)" \
	    '9000001 closed explanation forwarded@03-05T00:00 closed@03-05T00:00~ registered@11-24T09:00
9000002 closed compensation forwarded@03-06T00:00 closed@03-06T00:00~ registered@11-24T09:00
9000003 new - forwarded@01-11T00:00 registered@11-24T09:00
9000004 closed untimely forwarded@02-20T00:00 closed@02-20T00:00~ registered@11-24T09:00
9000005 closed relief forwarded@02-04T00:00 closed@02-04T00:00~ registered@11-24T09:00'
	check_eq outcome "$(jq -c .outcome out.jsonl)" \
	    '{"text":"Closed with explanation","timely":true}
{"text":"Closed with monetary relief","timely":true}
{"text":"In progress","timely":true}
{"text":"Untimely response","timely":false}
{"text":"Closed with non-monetary relief"}'
}

@test "outcome: a spool's etc/outcomes replaces the shipped one" {
	mkdir -p sp/etc
	printf '%s\n' 'open: 处理中' 'closed: 已关闭' 'refund: 已退款' 'goodwill: 已补偿了吧' >sp/etc/outcomes
	cx-ingest -q -s sp data/history-zh.csv 2>/dev/null || [ $? -eq 1 ]
	check_eq H-6 "$(jq -r 'select(.source.ext == "H-6") | [.status, .resolution.code] | join(" ")' sp/new/*.jsonl)" \
	    'closed goodwill'
	# 已回复 and 投诉不成立 are unknown here.
	check_eq H-3 "$(jq -r 'select(.source.ext == "H-3" or .source.ext == "H-5") | .status' sp/new/*.jsonl | tr '\n' ' ')" 'new new '
}

@test "route: a ticket imported closed is filed in closed/, its departments set, nobody assigned, and counts for repeats" {
	cx-ingest -q -s sp data/history-zh.csv 2>/dev/null || [ $? -eq 1 ]
	mkdir -p sp/etc
	cx-classify -q -s sp
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 3 routed, 0 queued without an agent, 4 filed closed, 0 unread'
	check_eq open "$(cd sp/open && jq -r .source.ext * | tr '\n' ' ')" 'H-3 H-4 H-6 '
	check_eq closed "$(cd sp/closed && jq -r '[.source.ext, .status, (.department // "-"), (.assignee // "-"), (.history | length)] | join(" ")' *)" \
	    'H-1 closed 商品部 - 3
H-2 closed 物流部 - 2
H-5 closed 客服部 - 3
H-7 closed 商品部 - 3'
	# U1's complaint of October is counted: a second within 60 days is a
	# repeat.
	printf '%s\n' 'repeat_count = 2' 'repeat_days = 60' >sp/etc/cx.conf
	printf '%s\n' '工单号,投诉时间,客户ID,问题描述' 'N-1,2026-11-20 09:00,U1,又没声音了' >new.csv
	cx-ingest -q -s sp new.csv
	cx-classify -q -s sp
	cx-route -q -s sp
	check_eq repeat "$(jq -c .flags sp/open/CX-20261124-0008)" '["repeat"]'
}

@test "sla: a ticket received before history_before is counted and shown, never warned of, alerted on or escalated" {
	cx-ingest -q -s sp data/history-zh.csv 2>/dev/null || [ $? -eq 1 ]
	cx-classify -q -s sp
	cx-route -q -s sp
	cp -a sp before
	# Without the cut-off, the three open tickets of October are in breach.
	run --separate-stderr cx-sla -s sp -A alerts.jsonl
	check_status 1
	[[ ${stderr##*$'\n'} == *'; 3 in breach, 0 history' ]] || { echo "$stderr" >&2; return 1; }
	[ -s alerts.jsonl ]
	rm -rf sp
	mv before sp
	mkdir -p sp/etc
	echo 'history_before = 2026-11-01' >sp/etc/cx.conf
	run --separate-stderr cx-sla -s sp -A alerts.jsonl
	check_status 0
	check_stderr 'cx-sla: 3 tickets, 3 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 3 history'
	[ ! -s alerts.jsonl ]
	[ ! -e sp/outbox ]
	# The clocks are counted all the same, and -E says why nothing is said.
	check_eq sla "$(jq -c '.sla.first_response | [.met_at, .breached]' sp/open/CX-20261124-0003)" \
	    '["2026-10-10T11:20:00+08:00",false]'
	check_eq explain "$(cx-sla -E -i CX-20261124-0003 -s sp | sed -n 2p)" \
	    'history: received before history_before 2026-11-01T00:00:00+08:00: counted, never alerted on'
	# A ticket received since is swept as ever.
	printf '%s\n' '工单号,投诉时间,客户ID,问题描述' 'N-1,2026-11-20 09:00,U9,屏幕碎了' >new.csv
	cx-ingest -q -s sp new.csv
	cx-classify -q -s sp
	cx-route -q -s sp
	run --separate-stderr cx-sla -s sp
	check_status 1
	check_eq summary "${stderr##*$'\n'}" \
	    'cx-sla: 4 tickets, 1 changed, 0 unread: 0 warnings, 6 breaches, 3 escalations; 1 in breach, 3 history'
}

@test "sla: a history_before that is no time is exit 2" {
	mkdir -p sp/etc sp/open
	echo 'history_before = last spring' >sp/etc/cx.conf
	run --separate-stderr cx-sla -s sp
	check_status 2
	[[ $stderr == 'cx-sla: cx.conf: history_before: '* ]] || { echo "$stderr" >&2; return 1; }
}

@test "real: the CFPB exports imported as history: closed ones filed, the rest open and silent" {
	shared labeled/en_cfpb_complaints_sample_2019_2020.csv
	local a=$SHARED_DATA/csv/cfpb_complaints_export_2023_truncated_at_1MiB.csv
	local b=$SHARED_DATA/csv/cfpb_consumer_complaints_2017_snake_case_145rows.csv
	[ -f "$a" ] && [ -f "$b" ] || skip "no CFPB exports in ../shared/data/csv"
	mkdir -p sp/etc
	echo 'history_before = 2026-11-01' >sp/etc/cx.conf
	cx-ingest -q -s sp "$a" "$b" "$DATA" 2>/dev/null || [ $? -eq 1 ]
	# -M none: the routing counts are the rules', not those of whatever
	# the shipped model is learnt from.
	cx-classify -q -s sp -M none
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 661 routed, 420 queued without an agent, 8174 filed closed, 0 unread'
	run --separate-stderr timeout 120 cx-sla -s sp -A alerts.jsonl
	check_status 0
	check_stderr 'cx-sla: 661 tickets, 661 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 661 history'
	[ ! -s alerts.jsonl ]
	[ ! -e sp/outbox ]
	check_eq open "$(find sp/open -type f -exec cat {} + | jq -r .outcome.text | sort | uniq -c | sed 's/^ *//')" \
	    '661 In progress'
}

@test "follow-up: a complaint about the order of a ticket imported closed opens a new ticket, as a message of its conversation does" {
	printf '%s\n' '工单号,投诉时间,客户ID,订单号,问题描述,处理状态,结案时间' \
	    'H-1,2026-10-08 09:00,U1,O9,耳机没声音,已退款,2026-10-09 17:00' >hist.csv
	printf '%s\n' '工单号,投诉时间,客户ID,订单号,问题描述' 'N-1,2026-11-23 09:00,U1,O9,耳机又坏了' >new.csv
	printf '%s\n' '工单号,发送方,发送人,发送时间,内容' 'H-1,客户,U1,2026-11-23 10:00,又坏了' >log.csv
	cx-ingest -q -s sp hist.csv
	# Its keys name commit 0, no batch: nothing joins it in new/.
	check_eq keys "$(awk '{ print $1, $2, $4 }' sp/keys)" '0 s CX-20261124-0001
0 c CX-20261124-0001'
	cp -a sp v1
	cp -a sp v
	run --separate-stderr cx-ingest -s sp new.csv log.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq new "$(ls sp/new | tr '\n' ' ')" 'B0000000001.jsonl B0000000002.jsonl '
	cx-classify -q -s sp
	run --separate-stderr cx-route -s sp
	check_stderr 'cx-route: 2 routed, 0 queued without an agent, 1 filed closed, 0 unread'
	check_eq closed "$(jq -c '[.source.ext, .followups, .conversation]' sp/closed/*)" '["H-1",null,null]'
	# In one run, the same.
	run --separate-stderr cx-ingest -s one hist.csv new.csv log.csv
	check_stderr 'cx-ingest: 3 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	# A registry of format 1 gave the closed ticket its batch's number:
	# that batch is read, and the ticket found closed there.
	sed -i 's/^0 /1 /' v1/keys
	printf 'cx-seq 1\nkeys %s\nseq 20261124 1\n' "$(stat -c %s v1/keys)" >v1/seq
	run --separate-stderr cx-ingest -s v1 new.csv log.csv
	check_stderr 'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq v1 "$(ls v1/new | tr '\n' ' ')" 'B0000000001.jsonl B0000000002.jsonl '
	# Rebuilt, its keys name its batch again, as format 1 did, and
	# since is past that batch: it is read, and the ticket found closed.
	cp -a v rebuilt
	rm rebuilt/keys
	cx-ingest -q -s rebuilt --rebuild-keys
	check_eq rebuilt_keys "$(awk '{ print $1, $2, $4 }' rebuilt/keys)" '1 s CX-20261124-0001
1 c CX-20261124-0001'
	check_eq since "$(sed -n 3p rebuilt/seq)" 'since 2'
	run --separate-stderr cx-ingest -s rebuilt new.csv log.csv
	check_stderr 'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq rebuilt_new "$(ls rebuilt/new | tr '\n' ' ')" 'B0000000001.jsonl B0000000003.jsonl '
}
