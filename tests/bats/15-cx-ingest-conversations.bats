#!/usr/bin/env bats
# cx-ingest on exports that hold both sides of each conversation
# (cx-columns(5): "team if", reply_to, conversation, author, "set").  The
# customer's first message opens a ticket; what answers it joins the
# ticket's "conversation" in time order, with a history entry at its own
# time: "replied" for the team's, which stops the first-response clock,
# "customer_reply" for the customer's.  data/dm.csv names the message each
# answers, in no useful order; data/sessions.csv shares a session number.

load helper

# thread SPOOL: "ID EXT,EXT,... ACTION@HH:MM ..." of each ticket in new/.
thread() {
	jq -r '[.id, ([.conversation[]? | .ext // .by] | join(",")),
	    (.history[] | "\(.action)@\(.at[11:16])")] | join(" ")' "$1"/new/*.jsonl
}

@test "reply_to: replies and follow-ups join the ticket they answer, in time order, whatever the order of the rows" {
	run --separate-stderr cx-ingest -s sp -m data/dm.map data/dm.csv
	check_status 1
	check_stderr 'cx-ingest: data/dm.csv:6: a reply of the team'"'"'s that answers no message' \
	    'cx-ingest: data/dm.csv:7: a reply to a message that is not registered' \
	    'cx-ingest: 2 registered, 2 follow-ups, 2 replies, 0 duplicates, 2 rejected'
	# 1003 answers 1002, which answers 1001, all three read before 1001;
	# "1007.0" (a float column's id) is 1007.
	check_eq thread "$(thread sp)" \
	    'CX-20261124-0001 1004,1002,1003 replied@09:05 customer_reply@09:10 replied@09:20 registered@09:00
CX-20261124-0002 1008 customer_reply@11:01 registered@09:00'
	check_eq entry "$(jq -c 'select(.id == "CX-20261124-0001") | (.conversation[0] | del(.source)), .history[0]' sp/new/*.jsonl)" \
	    '{"at":"2026-11-23T09:05:00+08:00","from":"team","by":"shop_li","ext":"1004","text":"收到，正在查询"}
{"at":"2026-11-23T09:05:00+08:00","by":"shop_li","action":"replied"}'
	# Each message keeps the registry's keys it is known by
	# (cx-spool(5)): its row's, its own, and the one it answers.
	check_eq keys "$(jq -c 'select(.id == "CX-20261124-0001") | [.source.thread, (.conversation[] | [.ext, .source.key, .source.thread])] | tostring | gsub("[0-9a-f]{32}"; "K")' sp/new/*.jsonl)" \
	    '"[[\"K\"],[\"1004\",\"K\",[\"K\",\"K\"]],[\"1002\",\"K\",[\"K\",\"K\"]],[\"1003\",\"K\",[\"K\",\"K\"]]]"'
	# set channel: every row's channel; author: the customer.
	check_eq ticket "$(jq -c '[.channel, .customer.id, .source.ext, .text]' sp/new/*.jsonl)" \
	    '["weibo","u100","1001","快递三天没动了"]
["weibo","u200","1007","收到的杯子有划痕"]'
	check_eq rejects "$(jq -r '"\(.line) \(.reason)"' sp/rejects/*.jsonl)" \
	    "6 a reply of the team's that answers no message
7 a reply to a message that is not registered"
	# Read again, every message is known.
	run --separate-stderr cx-ingest -s sp -m data/dm.map data/dm.csv
	check_status 0
	check_stderr 'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 6 duplicates, 0 rejected (2 set aside before)'
}

@test "reply_to: the first reply stops the first-response clock at its own time" {
	cx-ingest -q -s sp -m data/dm.map data/dm.csv || [ $? -eq 1 ]
	cx-classify -q -s sp
	cx-route -q -s sp
	run --separate-stderr cx-sla -E -i CX-20261124-0001 -s sp
	check_status 0
	check_eq answer "$(sed -n '/^first_response/,/^[a-z]/p' <<<"$output" | sed -n '2,5p')" \
	    '  starts when received 2026-11-23T09:00:00+08:00
  stopped by "replied" at 2026-11-23T09:05:00+08:00
  due 2026-11-24T09:00:00+08:00
  met in time'
}

@test "reply_to: a later export's messages join tickets already routed; a reply to a closed ticket is set aside, a customer's opens a new one" {
	cx-ingest -q -s sp -m data/dm.map data/dm.csv || [ $? -eq 1 ]
	cx-classify -q -s sp
	cx-route -q -s sp
	# CX-20261124-0001 is closed since.
	mkdir -p sp/closed
	jq -c '.status = "closed"' sp/open/CX-20261124-0001 >sp/closed/CX-20261124-0001
	rm sp/open/CX-20261124-0001
	cp sp/closed/CX-20261124-0001 closed.before
	printf '%s\n' 'msg_id,author,direction,time,body,reply_to' \
	    '1009,shop_wang,out,2026-11-24 08:30,发票已开,1008' \
	    '1010,shop_li,out,2026-11-24 08:40,退款已到账,1003' \
	    '1011,u100,in,2026-11-24 08:50,钱还没收到,1003' >later.csv
	run --separate-stderr cx-ingest -s sp -m data/dm.map later.csv
	check_status 1
	check_stderr 'cx-ingest: later.csv:3: a reply to ticket CX-20261124-0001, which is no longer open' \
	    'cx-ingest: 1 registered, 0 follow-ups, 1 replies, 0 duplicates, 1 rejected'
	check_eq joined "$(jq -c '[.conversation[].ext], [.history[] | .action + "@" + .at[5:16]]' sp/open/CX-20261124-0002)" \
	    '["1008","1009"]
["customer_reply@11-23T11:01","replied@11-24T08:30","registered@11-24T09:00","routed@11-24T09:00"]'
	check_eq new "$(jq -c '[.id, .customer.id, .source.ext, .status]' sp/new/*.jsonl)" \
	    '["CX-20261124-0003","u100","1011","new"]'
	cmp closed.before sp/closed/CX-20261124-0001
}

@test "conversation: messages sharing a session join the ticket its customer's first message opens; a greeting before it is kept" {
	run --separate-stderr cx-ingest -s sp -m data/sessions.map data/sessions.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 1 follow-ups, 2 replies, 0 duplicates, 0 rejected'
	check_eq thread "$(thread sp)" \
	    'CX-20261124-0001 小李,小李,张三 replied@14:00 replied@14:05 customer_reply@14:06 registered@09:00
CX-20261124-0002  registered@09:00'
	check_eq tickets "$(jq -c '[.channel, .customer.id, .received_at, .text]' sp/new/*.jsonl)" \
	    '["chat","张三","2026-11-23T14:01:00+08:00","耳机左边没声音"]
["chat","李四","2026-11-23T15:00:00+08:00","退款还没到账"]'
	# The greeting came before the complaint: the reply at 14:05 answers it.
	cx-classify -q -s sp
	cx-route -q -s sp
	check_eq answer "$(cx-sla -E -i CX-20261124-0001 -s sp | sed -n '/^first_response/,/^[a-z]/p' | sed -n 3p)" \
	    '  stopped by "replied" at 2026-11-23T14:05:00+08:00'
}

@test "filter: a message that joins a ticket is a record of its own, followup_of the ticket, with its entries" {
	run --separate-stderr run_to out.jsonl cx-ingest -q -m data/dm.map data/dm.csv
	check_status 1
	check_eq records "$(jq -c 'if .id then .id else [.followup_of, .conversation[0].ext, .history[0].action] end' out.jsonl)" \
	    '"CX-20261124-0001"
["CX-20261124-0001","1002","customer_reply"]
["CX-20261124-0001","1003","replied"]
["CX-20261124-0001","1004","replied"]
"CX-20261124-0002"
["CX-20261124-0002","1008","customer_reply"]'
}

@test "map: set and team if are checked as the map is read" {
	local l
	for l in 'set nosuch = x' 'set channel =' 'set channel' 'team direction = out' \
	    'team if = out' 'team if direction =' 'team if direction'; do
		printf '%s\n' 'text = body' "$l" >m.map
		run --separate-stderr cx-ingest -m m.map data/dm.csv
		check_status 2
		[[ $stderr == "cx-ingest: m.map:2: "* ]] ||
		    { echo "$l: $stderr" >&2; return 1; }
	done
	check_eq why "$(printf '%s\n' 'set nosuch = x' >m.map; cx-ingest -m m.map data/dm.csv 2>&1)" \
	    'cx-ingest: m.map:1: set: unknown field "nosuch"'
}

@test "map: a team if whose column the export lacks is warned of; every row is then the customer's" {
	sed 's/^team if direction/team if sender/' data/dm.map >dm.map
	run --separate-stderr run_to out.jsonl cx-ingest -m dm.map data/dm.csv
	check_status 0
	check_stderr 'cx-ingest: data/dm.csv:1: team if: no column "sender": every row is the customer'"'"'s' \
	    'cx-ingest: 4 registered, 4 follow-ups, 0 replies, 0 duplicates, 0 rejected'
}

@test "map: reply_to without team if: every row is the customer's, and a message still joins the one it answers" {
	grep -v '^team if' data/dm.map >dm.map
	run --separate-stderr run_to out.jsonl cx-ingest -m dm.map data/dm.csv
	check_status 0
	check_stderr 'cx-ingest: 4 registered, 4 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq tickets "$(jq -r 'select(.id) | .source.ext' out.jsonl | tr '\n' ' ')" '1001 1005 1007 1006 '
}

@test "ids of: a helpdesk's message log joins the tickets of its export, in the same run or a later one" {
	run --separate-stderr cx-ingest -q -s sp examples/helpdesk-zh.csv examples/helpdesk-log-zh.csv
	check_status 1
	check_eq first "$(jq -r 'select(.source.ext == "GD-1001") | .conversation[] | "\(.from) \(.by)"' sp/new/*.jsonl)" \
	    'team 小李
customer 张伟
team 小李'
	# In two runs: the log's replies find the rows of the first by their
	# 工单号, in the registry.
	cx-ingest -q -s sp2 examples/helpdesk-zh.csv 2>/dev/null || [ $? -eq 1 ]
	run --separate-stderr cx-ingest -s sp2 examples/helpdesk-log-zh.csv
	check_status 0
	check_stderr 'cx-ingest: 0 registered, 1 follow-ups, 9 replies, 0 duplicates, 0 rejected'
	check_eq same "$(tickets sp2 | jq -c '[.id, .conversation]')" "$(tickets sp | jq -c '[.id, .conversation]')"
	# The replies wait beside the batch, and cx-report reads them there:
	# its briefing is the one run's (and another without them).
	check_eq journal "$(ls sp2/new | tr '\n' ' ')" 'B0000000001.jsonl F0000000002-B0000000001.jsonl '
	cx-report -s sp --now 2026-11-30T09:00+08:00 >one.txt 2>&1
	cx-report -s sp2 --now 2026-11-30T09:00+08:00 >two.txt 2>&1
	diff -u one.txt two.txt
	cp -a sp2 bare
	rm bare/new/F0000000002-B0000000001.jsonl
	! cx-report -s bare --now 2026-11-30T09:00+08:00 2>&1 | cmp -s - one.txt
	# Found once, known after: the registry holds the message now.
	check_eq known "$(grep -c ' m ' sp2/keys)" 8
	cx-classify -q -s sp2
	cx-route -q -s sp2
	check_eq late "$(cx-sla -E -i CX-20261124-0003 -s sp2 --now 2026-11-23T10:30+08:00 | sed -n '/^first_response/,/^[a-z]/p' | sed -n '3,5p')" \
	    '  stopped by "replied" at 2026-11-22T12:25:00+08:00
  due 2026-11-22T12:05:00+08:00
  met late'
	check_eq report "$(cx-ingest -q -n examples/helpdesk-log-zh.csv | sed -n 1,3p)" \
	    "examples/helpdesk-log-zh.csv: map helpdesk-log-zh ($CX_SHARE/columns/helpdesk-log-zh.map)
	工单号	reply_to
	发送方	-	tells the team's rows"
}

@test "ids of: a name with a blank, or none, is an error of the map" {
	local l
	for l in 'ids of' 'ids of a b' 'ids helpdesk-zh'; do
		printf '%s\n' 'text = 内容' "$l" >m.map
		run --separate-stderr cx-ingest -m m.map examples/helpdesk-log-zh.csv
		check_status 2
		check_stderr "cx-ingest: m.map:2: expected \"ids of NAME\""
	done
}

@test "ids of: a log's own message numbers are no ticket numbers" {
	printf '%s\n' '工单号,客户ID,投诉时间,问题描述' '1,u1,2026-11-23 09:00,快递没到' \
	    '2,u2,2026-11-23 09:05,杯子碎了' >t.csv
	printf '%s\n' '消息ID,工单号,发送方,发送人,发送时间,内容' \
	    '2,1,客服,小李,2026-11-23 09:10,已催促快递' \
	    '9,2,客服,小王,2026-11-23 09:20,给您补发' >log.csv
	cx-ingest -q -s sp t.csv log.csv
	check_eq joined "$(jq -c '[.source.ext, [.conversation[]?.text]]' sp/new/*.jsonl)" \
	    '["1",["已催促快递"]]
["2",["给您补发"]]'
}

@test "ids of: a ticket number written as a float's 3.0 is answered, and a reply finds a row that became a follow-up" {
	printf '%s\n' '工单号,客户ID,订单号,投诉时间,问题描述' '101.0,u1,O1,2026-11-23 09:00,快递没到' >a.csv
	printf '%s\n' '工单号,客户ID,订单号,投诉时间,问题描述' 'T-5,u1,O1,2026-11-23 10:00,还是没到' >b.csv
	printf '%s\n' '工单号,发送方,发送人,发送时间,内容' '101.0,客服,小李,2026-11-23 09:30,已催促' \
	    'T-5,客服,小王,2026-11-23 10:30,明天到' >log.csv
	cx-ingest -q -s sp a.csv
	cx-ingest -q -s sp b.csv
	run --separate-stderr cx-ingest -s sp log.csv
	check_status 0
	check_stderr 'cx-ingest: 0 registered, 0 follow-ups, 2 replies, 0 duplicates, 0 rejected'
	check_eq thread "$(tickets sp | jq -c '[.id, [.conversation[].text]]')" \
	    '["CX-20261124-0001",["已催促","明天到"]]'
	# The follow-up's row key names the ticket's batch, not its own run's.
	check_eq keys "$(awk '$2 == "s" { print $1, $4 }' sp/keys | uniq -c | sed 's/^ *//')" '4 1 CX-20261124-0001'
}

@test "order: a conversation is one ticket whatever the order of its rows, the first of what is left opening it" {
	printf '%s\n' 'msg_id,author,direction,time,body,reply_to' \
	    '1002,u1,in,2026-11-23 09:10,还没到,1001' \
	    '1003,shop,out,2026-11-23 09:20,已催促,1002' \
	    '1001,u1,in,2026-11-23 09:00,快递没到,999' >x.csv
	{ head -n 1 x.csv; tail -n 1 x.csv; sed -n 2,3p x.csv; } >y.csv
	for f in x y; do
		run --separate-stderr run_to $f.jsonl cx-ingest -q -m data/dm.map $f.csv
		check_status 0
		check_eq "$f" "$(jq -c 'select(.id) | [.source.ext, .text]' $f.jsonl)" '["1001","快递没到"]'
		check_eq "$f joins" "$(jq -r 'select(.followup_of) | .conversation[0].ext' $f.jsonl | sort | tr '\n' ' ')" '1002 1003 '
	done
}

@test "conversation: one whose first message is an order follow-up stays one" {
	printf '%s\n' 'set channel = 在线客服' 'team if 发送方 = 客服' 'conversation = 会话ID' \
	    'customer.id = 客户' 'order_id = 订单' 'received_at = 时间' 'text = 内容' 'author = 客服名' >s.map
	printf '%s\n' '会话ID,发送方,客户,客服名,订单,时间,内容' \
	    'S1,客户,u1,,O1,2026-11-23 14:00,耳机没声音' \
	    'S2,客户,u1,,O1,2026-11-23 16:00,还是没声音' \
	    'S2,客服,,小李,,2026-11-23 16:05,请提供照片' \
	    'S2,客户,u1,,,2026-11-23 16:06,照片在此' >s.csv
	run --separate-stderr cx-ingest -s sp -m s.map s.csv
	check_status 0
	check_stderr 'cx-ingest: 1 registered, 2 follow-ups, 1 replies, 0 duplicates, 0 rejected'
	check_eq one "$(jq -c '[.text, [.followups[].text], [.conversation[].text]]' sp/new/*.jsonl)" \
	    '["耳机没声音",["还是没声音"],["请提供照片","照片在此"]]'
}

@test "team if: values are compared as headers are: width, case, punctuation" {
	{ head -n 1 data/dm.csv; printf '%s\n' '1001,u100,in,2026-11-23 09:00,快递三天没动了,' \
	    '1004,shop_li,ＯＵＴ,2026-11-23 09:05,收到,1001' '1005,shop_li,out_bound,2026-11-23 09:06,查询中,1001'; } >v.csv
	run --separate-stderr run_to out.jsonl cx-ingest -m data/dm.map v.csv
	check_status 0
	check_stderr 'cx-ingest: 1 registered, 0 follow-ups, 2 replies, 0 duplicates, 0 rejected'
}
