#!/usr/bin/env bats
# cx-ingest -s DIR: registration into a spool (cx-spool(5)).  Batches in
# new/, rejects in rejects/, a summary on stderr; dedupe and follow-ups
# across runs; dry runs; the spool's own etc/.  Golden files: helper.bash.

load helper

# ingest_examples DIR: both examples into DIR, checked.
ingest_examples() {
	run --separate-stderr cx-ingest -s "$1" examples/helpdesk-zh.csv examples/chat.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS" "$EXAMPLES_SUMMARY"
	[ -z "$output" ]
}

@test "spool: -s DIR creates the spool, a batch in new/, the rejects in rejects/" {
	ingest_examples sp
	check_eq new "$(ls sp/new)" B0000000001.jsonl
	check_eq rejects "$(ls sp/rejects)" R0000000001.jsonl
	golden examples-spool.jsonl sp/new/B0000000001.jsonl
	golden examples-spool.rejects.jsonl sp/rejects/R0000000001.jsonl
	check_eq reasons "$(jq -r '"\(.file):\(.line): \(.reason)"' sp/rejects/R0000000001.jsonl)" \
	    'examples/helpdesk-zh.csv:11: received_at: invalid date "2026-11-31 09:00:00"
examples/helpdesk-zh.csv:12: invalid amount "十元"'
	check_eq raw "$(jq -r .raw sp/rejects/R0000000001.jsonl | head -n 1)" \
	    "$(sed -n 11p examples/helpdesk-zh.csv)"
	[ -z "$(ls -A sp/tmp)" ]
}

@test "spool: directories are 750 or stricter and files 640, whatever the umask" {
	umask 000
	ingest_examples sp
	no_world_access sp
	check_eq mode "$(stat -c %a sp)" 750
	check_eq mode "$(stat -c %a sp/new/B0000000001.jsonl)" 640
}

@test "spool: ids are unique and run on from one run to the next, per day" {
	ingest_examples sp
	check_eq ids "$(jq -r .id sp/new/*.jsonl | tr '\n' ' ')" \
	    'CX-20261124-0001 CX-20261124-0002 CX-20261124-0003 CX-20261124-0004 CX-20261124-0005 CX-20261124-0006 CX-20261124-0007 CX-20261124-0008 CX-20261124-0009 CX-20261124-0010 '
	printf '%s\n' 'Conversation ID,Customer ID,Message' 'C-9,U9,Still waiting' > more.csv
	run --separate-stderr cx-ingest -s sp more.csv
	check_status 0
	check_stderr 'cx-ingest: 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq id "$(jq -r .id sp/new/B0000000002.jsonl)" CX-20261124-0011
	printf '%s\n' 'Conversation ID,Customer ID,Message' 'C-10,U10,Next day' > day2.csv
	CX_NOW=2026-11-25T08:00:00+08:00 run --separate-stderr cx-ingest -s sp day2.csv
	check_status 0
	check_eq id "$(jq -r .id sp/new/B0000000003.jsonl)" CX-20261125-0001
}

@test "spool: the same export twice registers nothing new and writes no second rejects" {
	ingest_examples sp
	cp -a sp before
	# The rows set aside before are counted, not reported again: exit 0.
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv examples/chat.csv
	check_status 0
	check_stderr \
	    'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 13 duplicates, 0 rejected (2 set aside before)'
	same_tree before/new sp/new
	same_tree before/rejects sp/rejects
	cmp before/keys sp/keys
	[ -z "$(ls -A sp/tmp)" ]
}

# DESIGN.md: "Ingesting the same export twice changes nothing", not even
# the state file (an idle cron run must not commit an empty batch).
@test "spool: a run with nothing new leaves the spool as it was, state included" {
	ingest_examples sp
	cp -a sp before
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv examples/chat.csv
	check_status 0
	same_tree before sp
}

@test "spool: the same row twice in one export registers once" {
	{ cat examples/chat.csv; tail -n +2 examples/chat.csv; } > twice.csv
	run --separate-stderr cx-ingest -s sp twice.csv
	check_status 0
	check_stderr 'cx-ingest: 3 registered, 0 follow-ups, 0 replies, 3 duplicates, 0 rejected'
	check_eq lines "$(jq -r .source.line sp/new/*.jsonl | tr '\n' ' ')" '2 3 4 '
}

@test "spool: a follow-up in the same run is added to the first ticket" {
	ingest_examples sp
	check_eq followups "$(jq -c 'select(.followups) | [.id, [.followups[].source.ext], [.history[].action]]' sp/new/*.jsonl)" \
	    '["CX-20261124-0001",["GD-1007","C-88001"],["registered","followup","followup"]]'
	check_eq others "$(jq -r 'select(.id != "CX-20261124-0001") | .followups' sp/new/*.jsonl | sort -u)" null
	check_eq links "$(jq -r 'select(has("followup_of"))' sp/new/*.jsonl)" ''
	check_eq count "$(jq -r .id sp/new/*.jsonl | sort -u | wc -l)" 10
}

@test "spool: a follow-up in a later run is journaled beside its ticket's batch in new/, which is not rewritten; readers join it" {
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS" \
	    'cx-ingest: 8 registered, 1 follow-ups, 0 replies, 1 duplicates, 2 rejected'
	cp sp/new/B0000000001.jsonl batch
	run --separate-stderr cx-ingest -s sp examples/chat.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 1 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq new "$(ls sp/new | tr '\n' ' ')" \
	    'B0000000001.jsonl B0000000002.jsonl F0000000002-B0000000001.jsonl '
	cmp batch sp/new/B0000000001.jsonl
	check_eq journal "$(jq -c '[.followup_of, .into, .entry.source.ext, .history.action, .at]' sp/new/F0000000002-B0000000001.jsonl)" \
	    '["CX-20261124-0001","followups","C-88001","followup",null]'
	check_eq mode "$(stat -c %a sp/new/F0000000002-B0000000001.jsonl)" 640
	check_eq first "$(tickets sp | jq -c 'select(.id == "CX-20261124-0001") | [[.followups[].source.ext], [.history[].action]]')" \
	    '[["GD-1007","C-88001"],["registered","followup","followup"]]'
	check_eq second "$(jq -r .id sp/new/B0000000002.jsonl | tr '\n' ' ')" 'CX-20261124-0009 CX-20261124-0010 '
	# Joined, the batch is what one run of both exports makes of it.
	diff -u <(grep -v -e C-88002 -e C-88003 "$GOLDEN/examples-spool.jsonl") \
	    <(tickets sp | grep -v -e CX-20261124-0009 -e CX-20261124-0010)
	[ -z "$(ls -A sp/tmp)" ]
	# cx-classify moves the batch joined, and its journal goes with it.
	cx-classify -q -s sp
	check_eq moved "$(ls -A sp/new) / $(ls sp/classified | tr '\n' ' ')" \
	    ' / B0000000001.jsonl B0000000002.jsonl '
	check_eq classified "$(jq -c 'select(.id == "CX-20261124-0001") | [.category, [.followups[].source.ext], [.history[].action]]' sp/classified/B0000000001.jsonl)" \
	    '["quality",["GD-1007","C-88001"],["registered","followup","followup"]]'
}

@test "spool: a JSON Lines follow-up in a later run joins the CSV ticket" {
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv
	check_status 1
	printf '%s\n' '{"customer":{"id":"U10086"},"order_id":"OD202611220001","text":"Any news?"}' > fu.jsonl
	run --separate-stderr cx-ingest -s sp fu.jsonl
	check_status 0
	check_stderr 'cx-ingest: 0 registered, 1 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq texts "$(tickets sp | jq -c 'select(.id == "CX-20261124-0001") | [.followups[].text]')" \
	    '["上午反映的屏幕划痕问题到现在没有人联系我，请尽快处理。","Any news?"]'
}

@test "spool: batch_size = 1 in etc/cx.conf gives the same tickets as one batch" {
	ingest_examples one
	mkdir -p small/etc
	echo 'batch_size = 1' > small/etc/cx.conf
	ingest_examples small
	[ "$(ls small/new | wc -l)" -gt 1 ]
	diff -u <(tickets one | jq -c . | sort) <(tickets small | jq -c . | sort)
	diff -u <(jq -c . one/rejects/*.jsonl) <(cat small/rejects/*.jsonl | jq -c .)
	[ -z "$(ls -A small/tmp)" ]
}

@test "spool: etc/ overrides the shipped configuration: id prefix, column maps" {
	mkdir -p sp/etc/columns
	printf 'id_prefix = SHOP\n' > sp/etc/cx.conf
	cp data/shop.map sp/etc/columns/
	run --separate-stderr cx-ingest -s sp data/shop.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq ids "$(jq -r '.id + " " + .source.map' sp/new/*.jsonl | tr '\n' ,)" \
	    'SHOP-20261124-0001 shop,SHOP-20261124-0002 shop,'
}

@test "spool: an id_prefix no file can be named by is exit 2, before anything is registered" {
	local p
	mkdir -p sp/etc
	for p in 'A B' 'A/B' '.A'; do
		printf 'id_prefix = %s\n' "$p" >sp/etc/cx.conf
		run --separate-stderr cx-ingest -s sp data/shop.csv
		check_status 2
		check_stderr "cx-ingest: cx.conf: id_prefix: \"$p\" cannot begin a ticket id: no blank, slash, control character or leading dot"
	done
	check_eq spool "$(ls sp)" etc
}

@test "spool: CX_SPOOL stands for -s; nothing goes to stdout" {
	CX_SPOOL=$T/env run --separate-stderr cx-ingest examples/chat.csv
	check_status 0
	check_stderr 'cx-ingest: 3 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	[ -z "$output" ]
	check_eq count "$(tickets env | wc -l)" 3
}

@test "spool: -q leaves out the summary, not the rejects' warnings, their files or the exit status" {
	run --separate-stderr cx-ingest -q -s sp examples/helpdesk-zh.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS"
	check_eq rejects "$(jq -r .line sp/rejects/*.jsonl | tr '\n' ' ')" '11 12 '
	run --separate-stderr cx-ingest -q -s sp examples/chat.csv
	check_status 0
	check_stderr
}

@test "spool: a row that is not UTF-8 is set aside with its bytes in hex" {
	printf 'Conversation ID,Customer ID,Message\nC-1,U1,caf\351 au lait\n' > latin1.csv
	run --separate-stderr cx-ingest -s sp latin1.csv
	check_status 1
	check_stderr 'cx-ingest: latin1.csv:2: invalid UTF-8 in text' \
	    'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 0 duplicates, 1 rejected'
	check_eq raw "$(jq -r '[.line, .raw_encoding, .raw] | join(" ")' sp/rejects/*.jsonl)" \
	    '2 hex 432d312c55312c636166e9206175206c616974'
}

@test "dry run: -n -s DIR creates no spool and says what it would have done" {
	run --separate-stderr cx-ingest -n -s sp examples/helpdesk-zh.csv examples/chat.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS" \
	    'cx-ingest: dry run: would have 10 registered, 2 follow-ups, 0 replies, 1 duplicates, 2 rejected'
	check_eq maps "$(grep -v '^	' <<<"$output")" \
	    "examples/helpdesk-zh.csv: map helpdesk-zh ($CX_SHARE/columns/helpdesk-zh.map)
examples/chat.csv: map chat ($CX_SHARE/columns/chat.map)"
	[ ! -e sp ]
}

# Regression: a dry run that found a follow-up created open/ in the spool.
@test "dry run: -n on an existing spool changes nothing in it" {
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv
	check_status 1
	cp -a sp before
	run --separate-stderr cx-ingest -n -s sp examples/chat.csv examples/helpdesk-zh.csv
	check_status 0
	check_stderr \
	    'cx-ingest: dry run: would have 2 registered, 1 follow-ups, 0 replies, 10 duplicates, 0 rejected (2 set aside before)'
	same_tree before sp
}

@test "rejects: -r with -s is a usage error, and nothing is created" {
	run --separate-stderr cx-ingest -s sp -r rej.jsonl examples/helpdesk-zh.csv
	check_status 2
	check_stderr 'cx-ingest: -r is for filter mode: a spool keeps its rejects in rejects/'
	[ ! -e sp ]
	[ ! -e rej.jsonl ]
}

# data/spool-v1 was made by the cx of the last release (state format 1):
# examples/helpdesk-zh.csv ingested, then classified in place in new/.
@test "upgrade: a spool of state format 1 goes on: nothing registered twice, numbers and follow-ups carry on" {
	cp -r data/spool-v1 sp
	chmod -R go-rwx sp
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv examples/chat.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 1 follow-ups, 0 replies, 10 duplicates, 0 rejected (2 set aside before)'
	check_eq state "$(cat sp/state)" 'cx-state 2
commit 2'
	# Its keys may name the batch of a ticket that came in closed: those
	# of commits before 2 have their batch read when followed up.
	check_eq seq "$(cat sp/seq)" 'cx-seq 2
keys 1158
since 2
seq 20261124 10'
	check_eq ids "$(jq -r .id sp/new/B0000000002.jsonl | tr '\n' ' ')" \
	    'CX-20261124-0009 CX-20261124-0010 '
	check_eq followups "$(tickets sp | jq -c 'select(.followups) | [.id, [.followups[].source.ext]]')" \
	    '["CX-20261124-0001",["GD-1007","C-88001"]]'
	# The batch format 1 left classified in new/ goes on through.
	cx-classify -q -s sp
	cx-route -q -s sp
	check_eq open "$(ls sp/open | wc -l)" 10
	check_eq left "$(ls -A sp/new sp/classified sp/tmp | grep -v : | grep .)" ''
}

@test "upgrade: a dry run on a spool of state format 1 upgrades it first, and predicts what a run would do" {
	cp -r data/spool-v1 sp
	chmod -R go-rwx sp
	run --separate-stderr cx-ingest -n -s sp examples/helpdesk-zh.csv examples/chat.csv
	check_status 0
	check_stderr 'cx-ingest: dry run: would have 2 registered, 1 follow-ups, 0 replies, 10 duplicates, 0 rejected (2 set aside before)'
	check_eq state "$(cat sp/state)" 'cx-state 2
commit 1'
	check_eq new "$(ls sp/new)" B0000000001.jsonl
}

@test "spool: a dry run finishes a commit a crash left unfinished before it reads" {
	cx-ingest -q -s sp examples/helpdesk-zh.csv || [ $? -eq 1 ]
	cp sp/new/B0000000001.jsonl batch
	cp sp/seq seq
	# The writer died after its commit point, before it moved its files.
	mv sp/new/B0000000001.jsonl sp/tmp/1.new.B0000000001.jsonl
	mv sp/seq sp/tmp/1...seq
	printf 'cx-state 2\ncommit 1\nput . seq\nput new B0000000001.jsonl\n' >sp/state
	run --separate-stderr cx-ingest -n -s sp examples/helpdesk-zh.csv
	check_status 0
	check_stderr 'cx-ingest: dry run: would have 0 registered, 0 follow-ups, 0 replies, 10 duplicates, 0 rejected (2 set aside before)'
	cmp batch sp/new/B0000000001.jsonl
	cmp seq sp/seq
	check_eq state "$(cat sp/state)" 'cx-state 2
commit 1'
	check_eq tmp "$(ls -A sp/tmp)" ''
}

@test "spool: -s with missing parent directories makes them, mode 750; one that cannot be made is named" {
	run --separate-stderr cx-ingest -q -s a/b/spool examples/chat.csv
	check_status 0
	check_stderr
	check_eq modes "$(stat -c '%a %n' a a/b a/b/spool)" '750 a
750 a/b
750 a/b/spool'
	[ -f a/b/spool/new/B0000000001.jsonl ]
	touch file
	run --separate-stderr cx-ingest -q -s file/spool examples/chat.csv
	check_status 2
	check_stderr 'cx-ingest: file/spool: cannot make the spool'"'"'s directory file/spool: Not a directory'
}

@test "limits: a line or record longer than record_max_mb is set aside with its start and reason, the rows after it registered, memory a few times the limit" {
	mkdir -p sp/etc
	echo 'record_max_mb = 1' >sp/etc/cx.conf
	{
		sed -n 1,2p examples/helpdesk-zh.csv
		# GD-1002 with a description of 9 MB on one line.
		sed -n 3p examples/helpdesk-zh.csv | awk -F, -v OFS=, '{ $1 = "BIG-1"; print }' | tr -d '\r\n'
		head -c 9000000 /dev/zero | tr '\0' x
		echo
		sed -n 5p examples/helpdesk-zh.csv   # GD-1004
		# One of 1.2 MB over 400 lines, in quotes.
		printf 'BIG-2,2026-11-22 10:00:00,电话,U1,张三,13800138000,,,,,,,,,长描述,"'
		awk 'BEGIN { for (i = 0; i < 400; i++) { s = ""; for (j = 0; j < 300; j++) s = s "abcdefghij"; print s } }'
		echo '",,,'
		sed -n 6p examples/helpdesk-zh.csv   # GD-1005
	} | gzip >big.csv.gz
	run --separate-stderr /usr/bin/time -f '%M' -o rss cx-ingest -s sp big.csv.gz
	check_status 1
	check_stderr 'cx-ingest: big.csv.gz:3: a line longer than 1 MB (record_max_mb, cx-conf(5))' \
	    'cx-ingest: big.csv.gz:5: a record longer than 1 MB (record_max_mb, cx-conf(5))' \
	    'cx-ingest: 3 registered, 0 follow-ups, 0 replies, 0 duplicates, 2 rejected'
	check_eq registered "$(jq -r .source.ext sp/new/*.jsonl | tr '\n' ' ')" 'GD-1001 GD-1004 GD-1005 '
	check_eq rejects "$(jq -r '"\(.line) \(.raw[0:6]) \(.raw | length <= 1024)"' sp/rejects/*.jsonl)" '3 BIG-1, true
5 BIG-2, true'
	# 9 MB of input, 1 MB allowed: the process stays within a few MB
	# (not under the sanitizers, whose own memory is many times more).
	[[ "$CX_BIN" == */san/* ]] || [ "$(tail -n 1 rss)" -lt 24000 ]
	# The default is 8 MB, and a filter leaves such a line out.
	{ printf '{"id":"A","text":"'; head -c 9000000 /dev/zero | tr '\0' x; echo '"}'; echo '{"id":"B","text":"y"}'; } >big.jsonl
	run --separate-stderr run_to out.jsonl cx-classify big.jsonl
	check_status 1
	check_eq first "${stderr%%$'\n'*}" 'cx-classify: big.jsonl:1: a line longer than 8 MB (record_max_mb, cx-conf(5)); left out'
	check_eq kept "$(jq -r .id out.jsonl)" B
}
