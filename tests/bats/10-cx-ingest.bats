#!/usr/bin/env bats
# cx-ingest as a filter: records on stdout, diagnostics on stderr.  What a
# row becomes (mapping, normalising, numbering, dedupe, follow-ups), the
# inputs it reads (CSV in its many dialects, JSON Lines, gzip, GBK, stdin)
# and the errors it reports.  Golden files: see helper.bash.

load helper

# The record of a source row (by its export id) from a file of records,
# as written: jq would turn the amount 1299.00 into 1299.
rec() {
	grep -F "\"ext\":\"$2\"" "$1"
}

@test "filter: examples/helpdesk-zh.csv gives the golden records, two rejects, exit 1" {
	run --separate-stderr run_to out.jsonl cx-ingest examples/helpdesk-zh.csv
	check_status 1
	check_stderr \
	    'cx-ingest: examples/helpdesk-zh.csv:11: received_at: invalid date "2026-11-31 09:00:00"' \
	    'cx-ingest: examples/helpdesk-zh.csv:12: invalid amount "十元"' \
	    'cx-ingest: 8 registered, 1 follow-ups, 0 replies, 1 duplicates, 2 rejected'
	golden helpdesk-zh.jsonl out.jsonl
}

@test "filter: tickets are numbered CX-20261124-0001 on in order; a follow-up gets none" {
	run --separate-stderr run_to out.jsonl cx-ingest examples/helpdesk-zh.csv
	check_status 1
	check_eq ids "$(jq -r '(.id // "-") + " " + .source.ext' out.jsonl | tr '\n' ,)" \
	    'CX-20261124-0001 GD-1001,CX-20261124-0002 GD-1002,CX-20261124-0003 GD-1003,CX-20261124-0004 GD-1004,CX-20261124-0005 GD-1005,CX-20261124-0006 GD-1006,- GD-1007,CX-20261124-0007 GD-1008,CX-20261124-0008 GD-1009,'
}

@test "filter: phone, email, amount, currency and expectation are normalised" {
	run --separate-stderr run_to out.jsonl cx-ingest examples/helpdesk-zh.csv
	check_status 1
	# "138 0013 8000" and "+86-139-1234-5678" are mobile numbers.
	check_eq phone "$(rec out.jsonl GD-1001 | jq -r .customer.phone)" +8613800138000
	check_eq phone "$(rec out.jsonl GD-1002 | jq -r .customer.phone)" +8613912345678
	check_eq email "$(rec out.jsonl GD-1005 | jq -r .customer.email)" chen.jie@example.com
	# Amounts stay exact decimals in the JSON text; jq would make numbers.
	rec out.jsonl GD-1001 | grep -F '"amount":1299.00,"currency":"CNY",'
	rec out.jsonl GD-1002 | grep -F '"amount":88,"currency":"CNY",'
	rec out.jsonl GD-1003 | grep -F '"amount":129.5,"currency":"CNY",'
	rec out.jsonl GD-1005 | grep -F '"amount":45.00,"currency":"USD",'
	rec out.jsonl GD-1006 | grep -F '"amount":2499.00,"currency":"CNY",'
	# 换货 is the code "exchange"; the customer's words are kept beside it.
	check_eq expectation "$(rec out.jsonl GD-1001 | jq -r '.expectation + " " + .expectation_text')" 'exchange 换货'
	check_eq expectation "$(rec out.jsonl GD-1005 | jq -r '.expectation + " " + (.expectation_text // "-")')" 'refund -'
	check_eq channel "$(jq -r .channel out.jsonl | tr '\n' ' ')" 'chat phone wechat weibo email app chat store douyin '
	check_eq attachments "$(rec out.jsonl GD-1001 | jq -c .attachments)" '["scratch1.jpg","scratch2.jpg"]'
}

@test "filter: a phone or email not understood is kept as written, and the warning does not repeat it (cron mail)" {
	printf '%s\n' 'Conversation ID,Customer ID,Phone,Email,Message' \
	    'C-1,U1,call 138-0013-8000 ext 12,zw@example.cn,Charged twice' \
	    'C-2,U2,13800138000,zw@@example,Charged twice' > in.csv
	run --separate-stderr run_to out.jsonl cx-ingest in.csv
	check_status 0
	check_stderr 'cx-ingest: in.csv:2: phone number not understood, kept as written in phone_raw' \
	    'cx-ingest: in.csv:3: email address not understood, kept as written in email_raw' \
	    'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq raw "$(jq -r '.customer.phone_raw // .customer.email_raw' out.jsonl | tr '\n' ' ')" 'call 138-0013-8000 ext 12 zw@@example '
}

@test "filter: the email domain is lower-cased and the local part kept" {
	printf '%s\n' 'Conversation ID,Customer ID,Email,Message' \
	    'C-1,U1,Chen.Jie@Example.COM,Charged twice' > in.csv
	run --separate-stderr run_to out.jsonl cx-ingest in.csv
	check_status 0
	check_stderr 'cx-ingest: 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq email "$(jq -r .customer.email out.jsonl)" Chen.Jie@example.com
}

@test "filter: received_at is RFC 3339 with +08:00 whatever way the export wrote it" {
	run --separate-stderr run_to out.jsonl cx-ingest examples/helpdesk-zh.csv
	check_status 1
	check_eq times "$(jq -r '.source.ext + " " + .received_at' out.jsonl | head -5 | tr '\n' ,)" \
	    'GD-1001 2026-11-22T09:12:00+08:00,GD-1002 2026-11-22T10:30:00+08:00,GD-1003 2026-11-22T11:05:00+08:00,GD-1004 2026-11-22T13:40:00+08:00,GD-1005 2026-11-22T14:15:00+08:00,'
	check_eq registered "$(jq -r .registered_at out.jsonl | sort -u)" 2026-11-24T09:00:00+08:00
}

@test "filter: a row with no customer details is anonymous" {
	run --separate-stderr run_to out.jsonl cx-ingest examples/helpdesk-zh.csv
	check_status 1
	check_eq customer "$(rec out.jsonl GD-1004 | jq -c .customer)" '{"anonymous":true}'
	check_eq others "$(jq -r 'select(.source.ext != "GD-1004") | .customer.anonymous // false' out.jsonl | sort -u)" false
}

@test "filter: identifiers are JSON strings, byte for byte, however long" {
	printf '%s\n' 'Conversation ID,Customer ID,Phone,Order ID,SKU,Message' \
	    '88001,10047494,13800138000,3182987844886814306123,0012,Late parcel' > in.csv
	run --separate-stderr run_to out.jsonl cx-ingest in.csv
	check_status 0
	check_stderr 'cx-ingest: 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	grep -F '"ext":"88001"' out.jsonl
	grep -F '"customer":{"id":"10047494","phone":"+8613800138000"}' out.jsonl
	grep -F '"order_id":"3182987844886814306123","sku":"0012"' out.jsonl
	check_eq types "$(jq -r '[.id, .source.ext, .customer.id, .customer.phone, .order_id, .sku] | map(type) | unique | join(" ")' out.jsonl)" string
	# And in every record of the example.
	cx-ingest examples/helpdesk-zh.csv >ex.jsonl 2>/dev/null || [ $? -eq 1 ]
	check_eq types "$(jq -r '[.id, .followup_of, .customer.id, .customer.phone, .order_id, .sku] | map(select(. != null) | type) | .[]' ex.jsonl | sort -u)" string
}

@test "filter: the same row twice in one export registers once" {
	# Line 13 of the example repeats line 3.
	run --separate-stderr run_to out.jsonl cx-ingest examples/helpdesk-zh.csv
	check_status 1
	check_eq count "$(jq -r 'select(.source.ext == "GD-1002") | .source.line' out.jsonl)" 3
	# A whole export twice over, and the same file given twice.
	{ cat examples/chat.csv; tail -n +2 examples/chat.csv; } > twice.csv
	run --separate-stderr run_to out.jsonl cx-ingest twice.csv
	check_status 0
	check_stderr 'cx-ingest: 3 registered, 0 follow-ups, 0 replies, 3 duplicates, 0 rejected'
	check_eq lines "$(jq -r .source.line out.jsonl | tr '\n' ' ')" '2 3 4 '
	run --separate-stderr run_to out.jsonl cx-ingest examples/chat.csv examples/chat.csv
	check_status 0
	check_stderr 'cx-ingest: 3 registered, 0 follow-ups, 0 replies, 3 duplicates, 0 rejected'
	check_eq ids "$(jq -r .id out.jsonl | tr '\n' ' ')" 'CX-20261124-0001 CX-20261124-0002 CX-20261124-0003 '
}

@test "filter: the same customer and order again is a follow-up with followup_of and no id" {
	run --separate-stderr run_to out.jsonl cx-ingest examples/helpdesk-zh.csv examples/chat.csv
	check_status 1
	check_eq followups "$(jq -r 'select(has("followup_of")) | .source.ext + " " + .followup_of + " " + (has("id") | tostring)' out.jsonl | tr '\n' ,)" \
	    'GD-1007 CX-20261124-0001 false,C-88001 CX-20261124-0001 false,'
	check_eq ids "$(jq -r '.id // empty' out.jsonl | tr '\n' ' ')" \
	    'CX-20261124-0001 CX-20261124-0002 CX-20261124-0003 CX-20261124-0004 CX-20261124-0005 CX-20261124-0006 CX-20261124-0007 CX-20261124-0008 CX-20261124-0009 CX-20261124-0010 '
}

@test "jsonl: records by extension, by -f jsonl and sniffed on stdin; bad lines rejected" {
	run --separate-stderr run_to out.jsonl cx-ingest data/tickets.jsonl
	check_status 1
	check_stderr \
	    "cx-ingest: data/tickets.jsonl:2: invalid JSON: expected ',' or '}' at end of line" \
	    'cx-ingest: data/tickets.jsonl:5: invalid JSON: not a JSON object at column 1' \
	    'cx-ingest: data/tickets.jsonl:6: received_at: invalid date "2026-13-01"' \
	    'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 3 rejected'
	golden tickets.jsonl out.jsonl
	cp data/tickets.jsonl export.txt
	run --separate-stderr run_to txt.jsonl cx-ingest -f jsonl export.txt
	check_status 1
	check_stderr \
	    "cx-ingest: export.txt:2: invalid JSON: expected ',' or '}' at end of line" \
	    'cx-ingest: export.txt:5: invalid JSON: not a JSON object at column 1' \
	    'cx-ingest: export.txt:6: received_at: invalid date "2026-13-01"' \
	    'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 3 rejected'
	diff -u <(unfile out.jsonl) <(unfile txt.jsonl)
	run --separate-stderr run_io data/tickets.jsonl in.jsonl cx-ingest
	check_status 1
	check_eq first "${stderr_lines[0]}" "cx-ingest: (stdin):2: invalid JSON: expected ',' or '}' at end of line"
	check_eq file "$(jq -r .source.file in.jsonl | sort -u)" '(stdin)'
	diff -u <(unfile out.jsonl) <(unfile in.jsonl)
}

@test "jsonl: a record keeps its fields and bytes; id, source and history are added" {
	run --separate-stderr run_to out.jsonl cx-ingest data/tickets.jsonl
	check_status 1
	head -n 1 out.jsonl | grep -F '{"order_id":"123456789012345678901","customer":{"phone":"+8613800138000"},"subject":"Kettle leaks","amount":1299.00,"currency":"CNY","received_at":"2026-11-22T09:00:00+08:00",'
	# Filter mode keeps a ticket's own number; a status of its own is kept.
	check_eq second "$(sed -n 2p out.jsonl | jq -c '[.id, .status, .channel, .source.line]')" \
	    '["OLD-1","acknowledged","email",4]'
	# Into a spool it gets the spool's number and keeps the old one.
	run --separate-stderr cx-ingest -s S data/tickets.jsonl
	check_status 1
	check_eq spool "$(sed -n 2p S/new/*.jsonl | jq -c '[.id, .source.id, .status]')" \
	    '["CX-20261124-0002","OLD-1","acknowledged"]'
}

# Regression: JSON Lines once keyed "customer and order" differently from
# a CSV row, so this made a second ticket instead of a follow-up.
@test "jsonl: a record about a CSV ticket's customer and order is a follow-up of it" {
	printf '%s\n' '{"customer":{"id":"U10086"},"order_id":"OD202611220001","text":"Any news about the screen?"}' > fu.jsonl
	run --separate-stderr run_to out.jsonl cx-ingest examples/helpdesk-zh.csv fu.jsonl
	check_status 1
	check_eq last "$(tail -n 1 out.jsonl | jq -c '[.followup_of, .id]')" '["CX-20261124-0001",null]'
}

# Minor inconsistency: a CSV row's bad date is "received_at: invalid date",
# a JSON Lines record's only "invalid date".  Reproduce:
#   echo '{"text":"x","received_at":"2026-13-01"}' | cx-ingest -f jsonl
@test "jsonl: a bad received_at is reported as the CSV reader reports it" {
	printf '%s\n' '{"text":"x","received_at":"2026-13-01"}' > bad.jsonl
	run --separate-stderr run_to out.jsonl cx-ingest bad.jsonl
	check_status 1
	check_stderr 'cx-ingest: bad.jsonl:1: received_at: invalid date "2026-13-01"' \
	    'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 0 duplicates, 1 rejected'
}

@test "gzip: a gzipped export, as a file or on stdin, gives what the plain one does" {
	cx-ingest examples/helpdesk-zh.csv >plain.jsonl 2>/dev/null || [ $? -eq 1 ]
	gzip -c examples/helpdesk-zh.csv > export.csv.gz
	run --separate-stderr run_to gz.jsonl cx-ingest export.csv.gz
	check_status 1
	check_stderr 'cx-ingest: export.csv.gz:11: received_at: invalid date "2026-11-31 09:00:00"' \
	    'cx-ingest: export.csv.gz:12: invalid amount "十元"' \
	    'cx-ingest: 8 registered, 1 follow-ups, 0 replies, 1 duplicates, 2 rejected'
	check_eq file "$(jq -r .source.file gz.jsonl | sort -u)" export.csv.gz
	diff -u <(unfile plain.jsonl) <(unfile gz.jsonl)
	run --separate-stderr run_io export.csv.gz in.jsonl cx-ingest -
	check_status 1
	diff -u <(unfile plain.jsonl) <(unfile in.jsonl)
}

# cx-ingest(1): "gzipped input with no telling name is taken as CSV, so
# give -f jsonl for gzipped JSON Lines on the standard input".
@test "gzip: gzipped JSON Lines on stdin with -f jsonl, or named .jsonl.gz" {
	cx-ingest data/tickets.jsonl >plain.jsonl 2>/dev/null || [ $? -eq 1 ]
	gzip -c data/tickets.jsonl > tickets.gz
	run --separate-stderr run_io tickets.gz in.jsonl cx-ingest -f jsonl
	check_status 1
	check_eq first "${stderr_lines[0]}" "cx-ingest: (stdin):2: invalid JSON: expected ',' or '}' at end of line"
	diff -u <(unfile plain.jsonl) <(unfile in.jsonl)
	cp tickets.gz tickets.jsonl.gz
	run --separate-stderr run_to gz.jsonl cx-ingest tickets.jsonl.gz
	check_status 1
	diff -u <(unfile plain.jsonl) <(unfile gz.jsonl)
}

@test "stdin: - reads standard input, named (stdin) in records and messages" {
	run --separate-stderr run_io examples/helpdesk-zh.csv out.jsonl cx-ingest -
	check_status 1
	check_stderr 'cx-ingest: (stdin):11: received_at: invalid date "2026-11-31 09:00:00"' \
	    'cx-ingest: (stdin):12: invalid amount "十元"' \
	    'cx-ingest: 8 registered, 1 follow-ups, 0 replies, 1 duplicates, 2 rejected'
	check_eq file "$(jq -r .source.file out.jsonl | sort -u)" '(stdin)'
	diff -u <(unfile "$GOLDEN/helpdesk-zh.jsonl") <(unfile out.jsonl)
}

# GBK cannot write U+00A5 "¥" (only the full-width "￥"), so the GBK copy
# of the example is made from one that uses "￥".
make_gbk() {
	sed 's/¥/￥/g' examples/helpdesk-zh.csv > utf8.csv
	iconv -f UTF-8 -t GBK utf8.csv > gbk.csv
	cx-ingest utf8.csv >utf8.jsonl 2>/dev/null || [ $? -eq 1 ]
}

@test "gbk: a GBK export is recognised and gives the records of its UTF-8 original" {
	make_gbk
	run --separate-stderr run_to out.jsonl cx-ingest gbk.csv
	check_status 1
	check_stderr 'cx-ingest: gbk.csv:11: received_at: invalid date "2026-11-31 09:00:00"' \
	    'cx-ingest: gbk.csv:12: invalid amount "十元"' \
	    'cx-ingest: 8 registered, 1 follow-ups, 0 replies, 1 duplicates, 2 rejected'
	[ -s out.jsonl ]
	diff -u <(unfile utf8.jsonl) <(unfile out.jsonl)
	check_eq name "$(jq -r 'select(.source.ext == "GD-1001") | .customer.name' out.jsonl)" 张伟
}

@test "gbk: -e gbk and -e GB18030 read it too, from a file or stdin" {
	make_gbk
	run --separate-stderr run_to e.jsonl cx-ingest -e gbk gbk.csv
	check_status 1
	diff -u <(unfile utf8.jsonl) <(unfile e.jsonl)
	run --separate-stderr run_io gbk.csv in.jsonl cx-ingest -e GB18030 -
	check_status 1
	diff -u <(unfile utf8.jsonl) <(unfile in.jsonl)
	run --separate-stderr cx-ingest -e no-such-charset gbk.csv
	check_status 2
	check_stderr 'cx-ingest: gbk.csv: unknown character set "no-such-charset"' \
	    'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
}

# cx-ingest(1): "Exports labelled GB2312 or GBK often hold characters only
# GB18030 has: give -e GB18030 for them."  堃 is not in GB2312.
@test "gbk: a character beyond GB2312 (堃) reads with -e GB18030 and when guessed" {
	printf '%s\n' '工单号,客户姓名,问题描述' 'G1,王堃,屏幕有划痕' | iconv -f UTF-8 -t GBK > k.csv
	run --separate-stderr run_to out.jsonl cx-ingest -e GB18030 k.csv
	check_status 0
	check_stderr 'cx-ingest: 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq name "$(jq -r .customer.name out.jsonl)" 王堃
	run --separate-stderr run_to out.jsonl cx-ingest k.csv
	check_status 0
	check_eq name "$(jq -r .customer.name out.jsonl)" 王堃
}

@test "line ends: CRLF, bare CR and a BOM give the same records and line numbers" {
	sed 's/$/\r/' examples/helpdesk-zh.csv > crlf.csv
	tr '\n' '\r' < examples/helpdesk-zh.csv > cr.csv
	{ printf '\357\273\277'; cat examples/helpdesk-zh.csv; } > bom.csv
	for f in crlf cr bom; do
		run --separate-stderr run_to $f.jsonl cx-ingest $f.csv
		check_status 1
		check_stderr "cx-ingest: $f.csv:11: received_at: invalid date \"2026-11-31 09:00:00\"" \
		    "cx-ingest: $f.csv:12: invalid amount \"十元\"" \
		    'cx-ingest: 8 registered, 1 follow-ups, 0 replies, 1 duplicates, 2 rejected'
		diff -u <(unfile "$GOLDEN/helpdesk-zh.jsonl") <(unfile $f.jsonl)
	done
}

@test "line ends: a missing final newline loses nothing (LF, CRLF, CR)" {
	# chat.csv ends in an empty field: "Amy,\n".
	cx-ingest examples/chat.csv > plain.jsonl
	head -c -1 examples/chat.csv > lf.csv
	sed 's/$/\r/' examples/chat.csv | head -c -2 > crlf.csv
	tr '\n' '\r' < examples/chat.csv | head -c -1 > cr.csv
	for f in lf crlf cr; do
		run --separate-stderr run_to $f.jsonl cx-ingest $f.csv
		check_status 0
		check_stderr 'cx-ingest: 3 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
		diff -u <(unfile plain.jsonl) <(unfile $f.jsonl)
	done
	# And output always ends its lines.
	check_eq last "$(tail -c 1 cr.jsonl | od -An -c | tr -d ' ')" '\n'
}

@test "csv: a quoted field keeps commas, doubled quotes and newlines" {
	printf '%s\n' 'Conversation ID,Started At,Customer ID,Subject,Message' \
	    'C-1,2026-11-23T08:05:00+08:00,U1,"Hello, world","He said ""no"",' \
	    'then left.' 'Bye"' 'C-2,2026-11-23T08:06:00+08:00,U2,Short,Plain' > q.csv
	run --separate-stderr run_to out.jsonl cx-ingest q.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq subject "$(head -n 1 out.jsonl | jq -r .subject)" 'Hello, world'
	head -n 1 out.jsonl | grep -F '"text":"He said \"no\",\nthen left.\nBye"'
	check_eq lines "$(jq -r .source.line out.jsonl | tr '\n' ' ')" '2 5 '
}

@test "csv: a row with too few or too many fields is rejected with both counts" {
	printf '%s\n' 'Conversation ID,Started At,Customer ID,Subject,Message' \
	    'C-1,2026-11-23T08:05:00+08:00,U1,Few' \
	    'C-2,2026-11-23T08:06:00+08:00,U2,Right,here' \
	    'C-3,2026-11-23T08:07:00+08:00,U3,Many,fields,here' > f.csv
	run --separate-stderr run_to out.jsonl cx-ingest f.csv
	check_status 1
	check_stderr 'cx-ingest: f.csv:2: row has 4 fields, the header has 5' \
	    'cx-ingest: f.csv:4: row has 6 fields, the header has 5' \
	    'cx-ingest: 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 2 rejected'
	check_eq kept "$(jq -r .source.ext out.jsonl)" C-2
}

@test "csv: invalid UTF-8 in a field is rejected, its raw bytes kept as hex" {
	printf 'Conversation ID,Customer ID,Subject,Message\nC-1,U1,Bad,caf\351 au lait\nC-2,U2,Good,ok\n' > u.csv
	run --separate-stderr run_to out.jsonl cx-ingest -r rej.jsonl u.csv
	check_status 1
	check_stderr 'cx-ingest: u.csv:2: invalid UTF-8 in text' \
	    'cx-ingest: 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 1 rejected'
	check_eq kept "$(jq -r .source.ext out.jsonl)" C-2
	check_eq raw "$(jq -r '.raw_encoding + " " + .raw' rej.jsonl)" \
	    "hex $(printf 'C-1,U1,Bad,caf\351 au lait' | od -An -tx1 | tr -d ' \n')"
}

@test "csv: a column name that is no UTF-8 sets aside the rows it names" {
	# Its rows would be stored with no JSON for a key (found by
	# tests/fuzz/colmap.c); a row with nothing in the column is fine.
	printf 'Conversation ID,Customer ID,Subject,Message,Mo\377d\nC-1,U1,Bad,text,angry\nC-2,U2,Good,ok,\n' > h.csv
	run --separate-stderr run_to out.jsonl cx-ingest h.csv
	check_status 1
	check_stderr $'cx-ingest: h.csv:1: unknown column "Mo\377d", kept under extra' \
	    'cx-ingest: h.csv:2: invalid UTF-8 in a column name kept under extra' \
	    'cx-ingest: 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 1 rejected'
	check_eq kept "$(jq -r .source.ext out.jsonl)" C-2
}

@test "csv: an unterminated quote at end of file costs only its record" {
	printf '%s\n' 'Conversation ID,Started At,Customer ID,Subject,Message' \
	    'C-1,2026-11-23T08:05:00+08:00,U1,A,B' \
	    'C-2,2026-11-23T08:06:00+08:00,U2,C,"D' \
	    'E"' \
	    'C-3,2026-11-23T08:07:00+08:00,U3,"cut' 'off here,' > cut.csv
	run --separate-stderr run_to out.jsonl timeout 10 cx-ingest cut.csv
	check_status 1
	check_stderr 'cx-ingest: cut.csv:5: unterminated quoted field at end of file' \
	    'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 1 rejected'
	check_eq kept "$(jq -r '.source.ext + ":" + (.source.line | tostring)' out.jsonl | tr '\n' ' ')" 'C-1:2 C-2:3 '
}

@test "csv: a header no column map fits stops with exit 2" {
	printf '%s\n' 'foo,bar,baz' '1,2,3' > nomap.csv
	run --separate-stderr run_to out.jsonl cx-ingest nomap.csv
	check_status 2
	check_stderr 'cx-ingest: nomap.csv:1: no column map fits this header; give one with -m' \
	    'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	[ ! -s out.jsonl ]
}

@test "csv: an unknown column is warned about once and kept under extra" {
	run --separate-stderr run_to out.jsonl cx-ingest data/unknown-columns.csv
	check_status 0
	check_stderr 'cx-ingest: data/unknown-columns.csv:1: unknown column "Mood", kept under extra' \
	    'cx-ingest: data/unknown-columns.csv:1: unknown column "Loyalty", kept under extra' \
	    'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq extra "$(jq -c .extra out.jsonl | tr '\n' ' ')" \
	    '{"Mood":"angry"} {"Mood":"calm","Loyalty":"gold"} '
}

@test "map: -m names the columns; '-' drops one, extra.NAME keeps one" {
	run --separate-stderr run_to out.jsonl cx-ingest -m data/shop.map data/shop.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	golden shop.jsonl out.jsonl
	check_eq map "$(jq -r .source.map out.jsonl | sort -u)" shop
	check_eq mood "$(jq -c .extra out.jsonl | tr '\n' ' ')" '{"mood":"angry"} null '
	! grep -F 'call back' out.jsonl
}

@test "map: a map file with a bad line is an error naming its file and line" {
	run --separate-stderr run_to out.jsonl cx-ingest -m data/bad.map data/shop.csv
	check_status 2
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ ${stderr_lines[0]} == 'cx-ingest: '*'data/bad.map:3: expected "field = Header | Header ..."' ]]
	[ ! -s out.jsonl ]
	printf '%s\n' 'text = Complaint' 'no_such_field = When' > unknown.map
	run --separate-stderr run_to out.jsonl cx-ingest -m unknown.map data/shop.csv
	check_status 2
	[[ $stderr == 'cx-ingest: '*'unknown.map:2: unknown field "no_such_field"' ]]
	run --separate-stderr cx-ingest -m no-such.map data/shop.csv
	check_status 2
	[[ $stderr == 'cx-ingest: '*'no-such.map: No such file or directory' ]]
}

# STYLE.md: "a setup error (missing spool, broken rules file) stops at
# once with a clear message": a broken -m map stops the run before any
# input is read, JSON Lines included.
# Headers as real exports write them: blanks, full-width letters and
# colons, units and notes in brackets, a variant a character away from
# the map's, one holding the map's, one holding two fields' headers.
headers_csv() {
	printf '%s\n' '工单号：,投诉 时间,客户ＩＤ,问题描述（必填）,期望解决方案,涉及金额(元),收货人手机号,快递公司电话,备注,【订单号】' \
	    'T-1,2026-11-20 10:00,U1,耳机坏了,退款,59.90,138 0013 8000,95311,急,A-1' >h.csv
}

@test "map: headers match whatever their case, width, blanks, punctuation and brackets; close ones are taken, and said" {
	headers_csv
	run --separate-stderr cx-ingest -n h.csv
	check_status 0
	check_eq report "$output" "h.csv: map helpdesk-zh ($CX_SHARE/columns/helpdesk-zh.map)
	工单号：	external_id
	投诉 时间	received_at
	客户ＩＤ	customer.id
	问题描述（必填）	text
	期望解决方案	expectation	close to \"期望解决方式\"
	涉及金额(元)	amount
	收货人手机号	customer.phone	holds \"手机号\"
	快递公司电话	extra.快递公司电话	like the headers of several fields
	备注	extra.备注	not in the map
	【订单号】	order_id"
	check_stderr 'cx-ingest: h.csv:1: column "期望解决方案" taken as expectation: close to "期望解决方式"' \
	    'cx-ingest: h.csv:1: column "收货人手机号" taken as customer.phone: it holds "手机号"' \
	    'cx-ingest: h.csv:1: column "快递公司电话" is like the headers of several fields, kept under extra' \
	    'cx-ingest: h.csv:1: unknown column "备注", kept under extra' \
	    'cx-ingest: dry run: would have 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	run --separate-stderr run_to out.jsonl cx-ingest -q h.csv
	check_status 0
	check_eq record "$(jq -c '[.source.ext, .received_at, .customer, .text, .expectation, .amount, .order_id, .extra]' out.jsonl)" \
	    '["T-1","2026-11-20T10:00:00+08:00",{"id":"U1","phone":"+8613800138000"},"耳机坏了","refund",59.9,"A-1",{"快递公司电话":"95311","备注":"急"}]'
}

@test "map: a guess is corrected by naming the header in a map of the spool's" {
	headers_csv
	mkdir -p sp/etc/columns
	{ cat "$CX_SHARE/columns/helpdesk-zh.map"; echo 'extra.carrier_phone = 快递公司电话'; echo '- = 备注'; } >sp/etc/columns/helpdesk-zh.map
	run --separate-stderr cx-ingest -n -s sp h.csv
	check_status 0
	check_eq fixed "$(grep -e 快递 -e 备注 <<<"$output")" "	快递公司电话	extra.carrier_phone
	备注	-"
	check_eq map "$(head -n 1 <<<"$output")" 'h.csv: map helpdesk-zh (sp/etc/columns/helpdesk-zh.map)'
}

@test "map: the map is guessed by the headers normalised" {
	printf '%s\n' 'DATE_RECEIVED,Consumer Complaint Narrative,COMPLAINT ID,Company Response To Consumer' \
	    '2019-03-04,My payment was applied late.,9000001,Closed with explanation' >c.csv
	run --separate-stderr run_to out.jsonl cx-ingest c.csv
	check_status 0
	check_stderr 'cx-ingest: 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq record "$(jq -c '[.source.map, .source.ext, .text, .status, .resolution.code]' out.jsonl)" \
	    '["cfpb","9000001","My payment was applied late.","closed","explanation"]'
}

@test "map: a bad -m map stops the run before any input is read" {
	run --separate-stderr run_to out.jsonl cx-ingest -m data/bad.map data/shop.csv examples/chat.csv
	check_status 2
	check_stderr 'cx-ingest: data/bad.map:3: expected "field = Header | Header ..."'
	run --separate-stderr cx-ingest -s sp -m data/bad.map data/tickets.jsonl
	check_status 2
	check_stderr 'cx-ingest: data/bad.map:3: expected "field = Header | Header ..."'
	[ ! -e sp/new ]
}

USAGE='usage: cx-ingest [-nq] [-c channel] [-e charset] [-f format] [-m map] [-r rejects]
                 [-s spool] [-z zone] [--now time] [file ...]
       cx-ingest [-nq] --rebuild-keys [--force] [-s spool]'

@test "usage: a bad option or a missing argument prints the usage, exit 2" {
	run --separate-stderr cx-ingest -x examples/chat.csv
	check_status 2
	check_stderr "cx-ingest: unknown option -x" "$USAGE"
	[ -z "$output" ]
	run --separate-stderr cx-ingest --bogus examples/chat.csv
	check_status 2
	check_stderr "cx-ingest: unknown option --bogus" "$USAGE"
	run --separate-stderr cx-ingest examples/chat.csv -c
	check_status 2
	check_stderr "cx-ingest: option -c needs a value" "$USAGE"
	run --separate-stderr cx-ingest -f xml examples/chat.csv
	check_status 2
	check_stderr 'cx-ingest: -f: csv or jsonl, not "xml"'
	[ -z "$output" ]
}

@test "usage: -h and --help print the usage and a line per option on stdout, exit 0" {
	run --separate-stderr cx-ingest -h
	check_status 0
	check_stderr
	check_eq first "${lines[0]}" "${USAGE%%$'\n'*}"
	check_eq usage "$(head -n 3 <<<"$output")" "$USAGE"
	# Every letter of the usage, and -h, has its line "-x, --long".
	local letters l
	letters=$(head -n 2 <<<"$USAGE" | grep -o '\[-[a-zA-Z]*' | cut -c 3- | tr -d '\n')
	check_eq letters "$letters" nqcefmrsz
	for l in $(grep -o . <<<"${letters}h"); do
		grep -Eq "^  -$l, --[a-z][a-z-]*( |\$)" <<<"$output" ||
		    { echo "no line \"-$l, --...\" in the help" >&2; return 1; }
	done
	grep -Eq '^      --now time ' <<<"$output"
	grep -Eq '^      --version ' <<<"$output"
	local help=$output
	run --separate-stderr cx-ingest --help
	check_status 0
	check_stderr
	check_eq --help "$output" "$help"
}

@test "usage: --version prints the name and version on stdout, exit 0" {
	run --separate-stderr cx-ingest --version
	check_status 0
	check_stderr
	check_eq version "$output" 'cx-ingest 0.5.0'
}

@test "usage: a missing input is an error; the other inputs still go through" {
	run --separate-stderr run_to out.jsonl cx-ingest no-such.csv examples/chat.csv
	check_status 2
	check_stderr 'cx-ingest: no-such.csv: No such file or directory' \
	    'cx-ingest: 3 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq count "$(wc -l < out.jsonl)" 3
}

@test "options: -c names the channel of rows without one; --now, -z and CX_TZ set the clock" {
	printf '%s\n' 'Conversation ID,Started At,Message' 'C-1,2026-11-23 08:05,Where is my parcel?' > c.csv
	run --separate-stderr run_to out.jsonl cx-ingest -c 'Live Chat' c.csv
	check_status 0
	check_eq channel "$(jq -r .channel out.jsonl)" chat
	run --separate-stderr run_to out.jsonl cx-ingest -c Twitter --now 2026-12-01T10:00:00+08:00 c.csv
	check_status 0
	check_eq row "$(jq -r '[.channel, .id, .registered_at] | join(" ")' out.jsonl)" \
	    'social CX-20261201-0001 2026-12-01T10:00:00+08:00'
	run --separate-stderr run_to out.jsonl cx-ingest -z UTC c.csv
	check_status 0
	check_eq utc "$(jq -r '.received_at + " " + .registered_at' out.jsonl)" \
	    '2026-11-23T08:05:00+00:00 2026-11-24T01:00:00+00:00'
	CX_TZ=America/New_York run --separate-stderr run_to out.jsonl cx-ingest c.csv
	check_status 0
	check_eq ny "$(jq -r .received_at out.jsonl)" 2026-11-23T08:05:00-05:00
	run --separate-stderr cx-ingest -z Nowhere/Special c.csv
	check_status 2
	check_stderr 'cx-ingest: unknown time zone "Nowhere/Special"'
	run --separate-stderr cx-ingest --now yesterday c.csv
	check_status 2
	check_stderr 'cx-ingest: --now: unrecognised time "yesterday"'
}

@test "options: a long option does what its short one does" {
	printf '%s\n' 'Conversation ID,Started At,Message' 'C-1,2026-11-23 08:05,Where is my parcel?' > c.csv
	cx-ingest -q -c 'Live Chat' c.csv > short.jsonl
	run --separate-stderr run_to long.jsonl cx-ingest --channel 'Live Chat' c.csv
	check_status 0
	check_stderr 'cx-ingest: 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq channel "$(jq -r .channel long.jsonl)" chat
	cmp short.jsonl long.jsonl
	run --separate-stderr run_to long.jsonl cx-ingest --channel=Twitter c.csv
	check_status 0
	check_eq channel "$(jq -r .channel long.jsonl)" social
	# And the others that take a value.
	cx-ingest -q -z UTC -m data/shop.map data/shop.csv > short.jsonl
	run --separate-stderr run_to long.jsonl cx-ingest --zone UTC --map data/shop.map data/shop.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	cmp short.jsonl long.jsonl
	cp data/tickets.jsonl export.txt
	cx-ingest -q -f jsonl -e UTF-8 -r short.rej export.txt > short.jsonl || [ $? -eq 1 ]
	run --separate-stderr run_to long.jsonl cx-ingest --format jsonl --charset UTF-8 --rejects long.rej export.txt
	check_status 1
	check_stderr \
	    "cx-ingest: export.txt:2: invalid JSON: expected ',' or '}' at end of line" \
	    'cx-ingest: export.txt:5: invalid JSON: not a JSON object at column 1' \
	    'cx-ingest: export.txt:6: received_at: invalid date "2026-13-01"' \
	    'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 3 rejected'
	cmp short.jsonl long.jsonl
	cmp short.rej long.rej
}

@test "rejects: -r FILE appends the rejects as JSON Lines with file, line, reason, raw" {
	umask 000
	run --separate-stderr run_to out.jsonl cx-ingest -r rej.jsonl examples/helpdesk-zh.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS" \
	    'cx-ingest: 8 registered, 1 follow-ups, 0 replies, 1 duplicates, 2 rejected'
	golden helpdesk-zh.rejects.jsonl rej.jsonl
	no_world_access rej.jsonl
	run --separate-stderr run_to out.jsonl cx-ingest -r rej.jsonl examples/helpdesk-zh.csv
	check_status 1
	check_eq appended "$(jq -r .line rej.jsonl | tr '\n' ' ')" '11 12 11 12 '
}

@test "dry run: -n writes no records and no rejects, and says what it would have done" {
	run --separate-stderr cx-ingest -n -r rej.jsonl examples/helpdesk-zh.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS" \
	    'cx-ingest: dry run: would have 8 registered, 1 follow-ups, 0 replies, 1 duplicates, 2 rejected'
	# No record: how the file is read, a line per column.
	check_eq report "$(sed -n '1,3p;$p' <<<"$output")" \
	    "examples/helpdesk-zh.csv: map helpdesk-zh ($CX_SHARE/columns/helpdesk-zh.map)
	工单号	external_id
	投诉时间	received_at
	首接客服	agent"
	check_eq lines "$(wc -l <<<"$output")" 20
	[ ! -e rej.jsonl ]
	run --separate-stderr cx-ingest --dry-run examples/chat.csv
	check_status 0
	check_stderr 'cx-ingest: dry run: would have 3 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq chat "$(head -n 2 <<<"$output")" "examples/chat.csv: map chat ($CX_SHARE/columns/chat.map)
	Conversation ID	external_id"
}

@test "summary: filter mode ends with the summary line a spool run gives" {
	run --separate-stderr run_to out.jsonl cx-ingest examples/helpdesk-zh.csv examples/chat.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS" "$EXAMPLES_SUMMARY"
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv examples/chat.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS" "$EXAMPLES_SUMMARY"
}

@test "summary: -q leaves out the summary, not the warnings, the records or the exit status" {
	run --separate-stderr run_to out.jsonl cx-ingest examples/helpdesk-zh.csv examples/chat.csv
	check_status 1
	run --separate-stderr run_to q.jsonl cx-ingest -q examples/helpdesk-zh.csv examples/chat.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS"
	cmp out.jsonl q.jsonl
	run --separate-stderr run_to q.jsonl cx-ingest --quiet examples/chat.csv
	check_status 0
	check_stderr
	check_eq count "$(wc -l < q.jsonl)" 3
	# A dry run's summary too.
	run --separate-stderr cx-ingest -q -n examples/helpdesk-zh.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS"
	[[ $output != *'{'* ]]
}
