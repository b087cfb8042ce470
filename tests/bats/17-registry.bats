#!/usr/bin/env bats
# The registry of a spool (cx-spool(5)): seq, keys and state are checked
# as they are read, and what is wrong stops the run with what it is and
# how to recover, before anything is written: a lost keys log is not
# made again empty, a shortened one not extended, a seq that is not
# there does not start the ticket numbers again.  cx-ingest
# --rebuild-keys makes keys and seq again from the tickets, in one
# commit; the registry it makes reads as the one never lost did (the
# last line of each key: equal as sets, not byte for byte), and what is
# read after it goes where it would have.  The spool: both examples
# registered (10 tickets, 1158 bytes of keys).

load helper

setup() {
	cx_setup
	cx-ingest -q -s sp examples/helpdesk-zh.csv examples/chat.csv 2>/dev/null || [ $? -eq 1 ]
	cp -a sp before
}

# again: cx-ingest over the same exports, as cron runs it.
again() {
	run --separate-stderr cx-ingest -q -s sp examples/helpdesk-zh.csv examples/chat.csv
}

@test "keys deleted: refused, and not made again" {
	rm sp/keys
	again
	check_status 2
	check_stderr 'cx-ingest: sp/keys: not there, and 1158 bytes of it are committed: the registry is damaged; rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
	[ ! -e sp/keys ]
	rm before/keys
	same_tree before sp
}

@test "keys shortened, or of NUL bytes: refused, not extended" {
	truncate -s 100 sp/keys
	cp sp/keys short
	again
	check_status 2
	check_stderr 'cx-ingest: sp/keys: 100 bytes, and 1158 are committed: the registry is damaged; rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
	cmp short sp/keys
	head -c 1158 /dev/zero >sp/keys
	again
	check_status 2
	check_stderr 'cx-ingest: sp/keys:1: unreadable line: the registry is damaged; rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
	cmp -s before/keys sp/keys && false
	cmp <(head -c 1158 /dev/zero) sp/keys
}

@test "keys garbled within its committed length: the line is named; past it, a dead commit's, cut off" {
	sed -i '3s/^1 s /1 q /' sp/keys
	again
	check_status 2
	check_stderr 'cx-ingest: sp/keys:3: unreadable line: the registry is damaged; rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
	cp before/keys sp/keys
	printf 'garbage\n' >>sp/keys
	again
	check_status 0
	check_stderr
	same_tree before sp
}

@test "seq: an unknown version, a bad line, or empty is refused" {
	sed -i '1s/.*/cx-seq 3/' sp/seq
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq:1: "cx-seq 3" is no registry this release reads (cx-seq 1 or 2); rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
	cp before/seq sp/seq
	printf 'seq 2026112X 5\n' >>sp/seq
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq:5: unreadable line "seq 2026112X 5": the registry is damaged; rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
	# Format 2 without its since would take every key to name its
	# batch right; format 1 has none.
	sed '/^since /d' before/seq >sp/seq
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq: no "since" line: the registry is damaged; rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
	sed '1s/.*/cx-seq 1/' before/seq >sp/seq
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq:3: unreadable line "since 0": the registry is damaged; rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
	: >sp/seq
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq: empty: the registry is damaged; rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
}

@test "seq deleted, with keys or without: refused, the ticket numbers not begun again" {
	rm sp/seq
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq: not there, and the spool has tickets: the registry is lost; rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
	rm sp/keys
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq: not there, and the spool has tickets: the registry is lost; rebuild it from the tickets: cx-ingest -s sp --rebuild-keys'
	[ ! -e sp/seq ] && [ ! -e sp/keys ]
	# Tickets anywhere count: routed, then closed and archived.
	cp -a before sp2
	cx-classify -q -s sp2
	cx-route -q -s sp2
	rm sp2/seq sp2/keys
	run --separate-stderr cx-ingest -q -s sp2 examples/chat.csv
	check_status 2
	check_stderr 'cx-ingest: sp2/seq: not there, and the spool has tickets: the registry is lost; rebuild it from the tickets: cx-ingest -s sp2 --rebuild-keys'
	# But the keys of a first commit that died before its seq, which
	# the spool's state has not passed, are cut off.
	mkdir -m 750 sp3
	printf '1 s 0123456789abcdef0123456789abcdef CX-20261124-0001\n' >sp3/keys
	cx-ingest -q -s sp3 examples/chat.csv
	cx-ingest -q -s sp4 examples/chat.csv
	same_tree sp4 sp3
}

@test "state: an unknown version, a bad line, or empty is refused by every tool, with where to read how to recover" {
	sed -i '1s/.*/cx-state 3/' sp/state
	again
	check_status 2
	check_stderr 'cx-ingest: sp/state:1: "cx-state 3" is no state this release reads (cx-state 2); see Recovery in cx-spool(5)'
	run --separate-stderr cx-show -s sp
	check_status 2
	check_stderr 'cx-show: sp/state:1: "cx-state 3" is no state this release reads (cx-state 2); see Recovery in cx-spool(5)'
	printf 'cx-state 2\ncommit 1x\n' >sp/state
	again
	check_status 2
	check_stderr 'cx-ingest: sp/state:2: unreadable line "commit 1x": the state is damaged; see Recovery in cx-spool(5)'
	: >sp/state
	run --separate-stderr cx-classify -s sp
	check_status 2
	check_stderr 'cx-classify: sp/state: empty: the state is damaged; see Recovery in cx-spool(5)'
}

@test "cx-close's registry, damaged: refused, and how to begin it again" {
	cx-classify -q -s sp
	cx-route -q -s sp
	printf '%s\n' '工单号,动作,处理人,处理时间' \
	    'CX-20261124-0002,受理,老周,2026-11-24 09:10' >acts.csv
	cx-close -q -s sp acts.csv
	cp sp/close-seq sp/close-keys .
	rm sp/close-seq
	run --separate-stderr cx-close -s sp acts.csv
	check_status 2
	check_stderr 'cx-close: sp/close-seq: not there, and sp/close-keys holds 54 bytes committed: the registry is lost; move close-keys and close-seq aside for a new one, which knows no row applied before (cx-spool(5))'
	cp close-seq sp/
	rm sp/close-keys
	run --separate-stderr cx-close -s sp acts.csv
	check_status 2
	check_stderr 'cx-close: sp/close-keys: not there, and 54 bytes of it are committed: the registry is damaged; move close-keys and close-seq aside for a new one, which knows no row applied before (cx-spool(5))'
	printf 'seq 2026112X 5\n' >>sp/close-seq
	run --separate-stderr cx-close -s sp acts.csv
	check_status 2
	check_stderr 'cx-close: sp/close-seq:4: unreadable line "seq 2026112X 5": the registry is damaged; move close-keys and close-seq aside for a new one, which knows no row applied before (cx-spool(5))'
	# As it says: a new registry, which applies the row again.
	mv sp/close-seq .
	cp close-keys sp/close-keys
	mv sp/close-keys .
	run --separate-stderr cx-close -s sp acts.csv
	check_status 1
	check_stderr 'cx-close: acts.csv:2: acknowledged already' \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
}

# registry SPOOL: the registry as cx-ingest reads it, "KIND KEY TICKET"
# for each key, its last line in keys (a later one replaces an earlier).
registry() {
	awk '{ last[$2 " " $3] = $4 } END { for (k in last) print k, last[k] }' "$1/keys" | sort
}

# batched SPOOL: "KIND KEY SERIAL" of each key of a ticket still in a
# batch of new/ or classified/, whose file its serial names.
batched() {
	cat "$1"/new/*.jsonl "$1"/classified/*.jsonl 2>/dev/null | jq -r .id | sort -u >ids
	awk 'NR == FNR { b[$1] = 1; next } $4 in b { last[$2 " " $3] = $1 }
	    END { for (k in last) print k, last[k] }' ids "$1/keys" | sort
}

# latest SPOOL: the last batch of new/.
latest() {
	cat "$(ls "$1"/new/*.jsonl | tail -n 1)"
}

@test "keys lost: the error names --rebuild-keys; rebuilt, the registry is the one never lost, and the exports read again register nothing" {
	cx-ingest -q -s sp3 examples/helpdesk-zh.csv examples/chat.csv examples/helpdesk-log-zh.csv 2>/dev/null || [ $? -eq 1 ]
	cx-ingest -q -s sp3 -m data/dm.map data/dm.csv 2>/dev/null || [ $? -eq 1 ]
	cp -a sp3 lost
	rm lost/keys
	run --separate-stderr cx-ingest -s lost examples/chat.csv
	check_status 2
	check_stderr 'cx-ingest: lost/keys: not there, and 2856 bytes of it are committed: the registry is damaged; rebuild it from the tickets: cx-ingest -s lost --rebuild-keys'
	run --separate-stderr cx-ingest -s lost --rebuild-keys
	check_status 0
	check_stderr 'cx-ingest: rebuilt 54 keys from 12 tickets and 4 rows set aside: 28 source, 8 customer and order, 14 message, 4 rejected'
	# Equal as sets, not byte for byte: the log was in the order rows
	# came, the rebuilt one is in the order of the tickets' numbers.
	check_eq registry "$(registry lost)" "$(registry sp3)"
	check_eq batches "$(batched lost)" "$(batched sp3)"
	check_eq counters "$(sed 1,3d lost/seq)" "$(sed 1,3d sp3/seq)"
	# Its keys name the batch of a ticket that came in closed, as
	# format 1 did: since is past the last batch they name.
	check_eq since "$(sed -n 3p lost/seq)" "since $(ls lost/new lost/classified | sed -n 's/^B0*\([0-9]*\)\.jsonl$/\1/p' | sort -n | tail -n 1 | awk '{ print $1 + 1 }')"
	check_eq length "$(sed -n 2p lost/seq)" "keys $(stat -c %s lost/keys)"
	# A rebuild's order is its own: made again, the same bytes, and so
	# nothing to commit.
	cp lost/keys rebuilt
	cp lost/state state
	cx-ingest -q -s lost --rebuild-keys --force
	cmp rebuilt lost/keys
	cmp state lost/state
	run --separate-stderr cx-ingest -s lost examples/helpdesk-zh.csv examples/chat.csv examples/helpdesk-log-zh.csv
	check_status 0
	check_stderr 'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 23 duplicates, 0 rejected (2 set aside before)'
	run --separate-stderr cx-ingest -s lost -m data/dm.map data/dm.csv
	check_status 0
	check_stderr 'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 6 duplicates, 0 rejected (2 set aside before)'
	# What comes later finds its tickets: a follow-up by customer and
	# order, replies to messages of a conversation and of the log.
	printf '%s\n' 'msg_id,author,direction,time,body,reply_to' \
	    '1009,shop_wang,out,2026-11-24 08:30,发票已开,1008' \
	    '1010,u100,in,2026-11-24 08:50,钱还没收到,1003' >later.csv
	sed -n '1p;7p' examples/helpdesk-zh.csv | sed 's/GD-1006/GD-1106/' >order.csv
	for s in sp3 lost; do
		run --separate-stderr cx-ingest -s $s -m data/dm.map later.csv
		check_stderr 'cx-ingest: 0 registered, 1 follow-ups, 1 replies, 0 duplicates, 0 rejected'
		run --separate-stderr cx-ingest -s $s order.csv
		check_stderr 'cx-ingest: 0 registered, 1 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	done
	check_eq joined "$(latest lost)" "$(latest sp3)"
}

@test "keys and seq lost, tickets routed, closed and archived: all are read, the counters go on from their numbers" {
	routed_spool sp5 examples/helpdesk-zh.csv examples/chat.csv
	for t in CX-20261124-0001 CX-20261124-0002 CX-20261124-0009; do
		cx-close -q -s sp5 -i $t -a 刘经理 resolve explanation
		cx-close -q -s sp5 -i $t confirm
	done
	CX_NOW=2027-01-05T09:00:00+08:00 cx-close -q -s sp5 --archive 30d
	cx-close -q -s sp5 -i CX-20261124-0003 -a 小何 resolve explanation
	cx-close -q -s sp5 -i CX-20261124-0003 confirm
	check_eq where "$(ls sp5/open | wc -l) $(ls sp5/closed) $(ls sp5/archive)" '6 CX-20261124-0003 2026-11.jsonl.gz'
	cp -a sp5 lost
	rm lost/keys lost/seq
	run --separate-stderr cx-ingest -s lost --rebuild-keys
	check_status 0
	check_stderr 'cx-ingest: rebuilt 22 keys from 10 tickets and 2 rows set aside: 12 source, 8 customer and order, 0 message, 2 rejected'
	check_eq registry "$(registry lost)" "$(registry sp5)"
	cmp sp5/seq lost/seq
	# The same rows under new export ids: the orders of open tickets are
	# their follow-ups, those of closed or archived ones new tickets.
	sed 's/GD-10/GX-10/' examples/helpdesk-zh.csv >again.csv
	for s in sp5 lost; do
		run --separate-stderr cx-ingest -s $s again.csv
		check_stderr "${HELPDESK_REJECTS//examples\/helpdesk-zh.csv/again.csv}" \
		    'cx-ingest: 4 registered, 5 follow-ups, 0 replies, 1 duplicates, 2 rejected'
	done
	check_eq new "$(latest lost)" "$(latest sp5)"
	check_eq numbers "$(jq -r .id lost/new/*.jsonl)" 'CX-20261124-0011
CX-20261124-0012
CX-20261124-0013
CX-20261124-0014'
}

@test "seq damaged: its good lines' counters are kept where higher than the tickets', and no number is given twice" {
	rm sp/keys
	printf '%s\n' 'seq 2026112X 5' 'seq 20261125 40' 'seq 20261124 3' >>sp/seq
	run --separate-stderr cx-ingest -s sp --rebuild-keys
	check_status 0
	check_eq seq "$(sed 1,3d sp/seq)" 'seq 20261124 10
seq 20261125 40'
	CX_NOW=2026-11-25T09:00:00+08:00 cx-ingest -q -s sp -m data/dm.map data/dm.csv 2>/dev/null || [ $? -eq 1 ]
	check_eq next "$(latest sp | jq -r .id | head -n 1)" CX-20261125-0041
}

@test "--rebuild-keys: refused where the registry reads as it should, unless --force; -n changes nothing; a spool and no file" {
	run --separate-stderr cx-ingest -s sp --rebuild-keys
	check_status 2
	check_stderr 'cx-ingest: sp/keys: the registry reads as it should; --force rebuilds it all the same'
	same_tree before sp
	rm sp/keys
	run --separate-stderr cx-ingest -n -s sp --rebuild-keys
	check_status 0
	check_stderr 'cx-ingest: dry run: would have rebuilt 22 keys from 10 tickets and 2 rows set aside: 12 source, 8 customer and order, 0 message, 2 rejected'
	[ ! -e sp/keys ]
	run --separate-stderr cx-ingest -s sp --rebuild-keys examples/chat.csv
	check_status 2
	check_stderr "cx-ingest: --rebuild-keys reads no file: it reads the spool's tickets"
	run --separate-stderr cx-ingest --rebuild-keys
	check_status 2
	check_stderr 'cx-ingest: --rebuild-keys needs a spool (-s)'
	run --separate-stderr cx-ingest -s nosuch --rebuild-keys
	check_status 2
	check_stderr 'cx-ingest: nosuch: no such spool'
	[ ! -e nosuch ]
	run --separate-stderr cx-ingest -s sp --force examples/chat.csv
	check_status 2
	check_stderr 'cx-ingest: --force is for --rebuild-keys'
	# A ticket that cannot be read is no ticket to leave out.
	sed -i '2s/^{/[/' sp/new/B0000000001.jsonl
	run --separate-stderr cx-ingest -s sp --rebuild-keys
	check_status 2
	check_stderr 'cx-ingest: sp/new/B0000000001.jsonl:2: no ticket: not a JSON object at column 1'
	[ ! -e sp/keys ]
}

@test "a message kept without its keys (before they were kept) is said, not made up" {
	rm sp/keys
	jq -c 'if .id == "CX-20261124-0001" then .conversation = [{"at":"2026-11-24T08:00:00+08:00","from":"team","text":"hi"}] else . end' \
	    sp/new/B0000000001.jsonl >b && mv b sp/new/B0000000001.jsonl
	run --separate-stderr cx-ingest -s sp --rebuild-keys
	check_status 0
	check_stderr 'cx-ingest: sp: 1 follow-ups and messages kept without their keys, registered before this release: read again, their rows are registered again' \
	    'cx-ingest: rebuilt 22 keys from 10 tickets and 2 rows set aside: 12 source, 8 customer and order, 0 message, 2 rejected'
}

@test "a rebuild killed at any step leaves the registry as it was or rebuilt, never half" {
	need_strace
	rm sp/keys
	cp -a sp base
	(cd sp && cx-ingest -q -s . --rebuild-keys)
	mv sp ref
	local sc n st kills=0
	for sc in write fsync /^renameat unlinkat; do
		for ((n = 1; n <= 40; n++)); do
			rm -rf sp
			cp -a base sp
			st=0
			(cd sp && die_at "$sc" "$n" cx-ingest -q -s . --rebuild-keys) >/dev/null 2>&1 || st=$?
			[ "$st" -eq 137 ] || break
			kills=$((kills + 1))
			# Before the commit: rebuilt now; after: refused, as
			# what it reads is the rebuilt registry.
			run --separate-stderr sh -c 'cd sp && cx-ingest -s . --rebuild-keys'
			[ "$status" -eq 0 ] || check_stderr 'cx-ingest: ./keys: the registry reads as it should; --force rebuilds it all the same'
			same_tree ref sp || { echo "$sc #$n" >&2; return 1; }
		done
	done
	echo "# $kills crashes" >&3
	[ "$kills" -gt 0 ]
}

@test "follow-ups waiting in journals beside their batch, in new/ and classified/: rebuilt once each, neither lost nor counted twice" {
	# fu1 joins a ticket of batch 1 and waits in new/; cx-classify joins
	# it in; fu2 then waits in classified/.  new.csv opens a ticket of a
	# new customer in batch 5, which fu3 joins in new/.
	sed -n '1p;7p' examples/helpdesk-zh.csv | sed 's/GD-1006/GD-1106/' >fu1.csv
	sed -n '1p;7p' examples/helpdesk-zh.csv | sed 's/GD-1006/GD-1206/' >fu2.csv
	sed -n '1p;7p' examples/helpdesk-zh.csv | sed 's/GD-1006/GD-1306/; s/U50555/U60666/' >new.csv
	sed -n '1p;7p' examples/helpdesk-zh.csv | sed 's/GD-1006/GD-1406/; s/U50555/U60666/' >fu3.csv
	cx-ingest -q -s sp fu1.csv
	cx-classify -q -s sp
	for f in fu2 new fu3; do
		cx-ingest -q -s sp $f.csv
	done
	check_eq journals "$(cd sp && ls new/F* classified/F*)" 'classified/F0000000004-B0000000001.jsonl
new/F0000000006-B0000000005.jsonl'
	cp -a sp kept
	rm sp/keys
	run --separate-stderr cx-ingest -s sp --rebuild-keys
	check_status 0
	check_stderr 'cx-ingest: rebuilt 27 keys from 11 tickets and 2 rows set aside: 16 source, 9 customer and order, 0 message, 2 rejected'
	check_eq registry "$(registry sp)" "$(registry kept)"
	check_eq batches "$(batched sp)" "$(batched kept)"
	check_eq since "$(sed -n 3p sp/seq)" 'since 6'
	# Read again, each is a duplicate; a later follow-up joins as it
	# would have, beside the same batches.
	sed -n '1p;7p' examples/helpdesk-zh.csv | sed 's/GD-1006/GD-1506/; s/U50555/U60666/' >fu4.csv
	for s in kept sp; do
		run --separate-stderr cx-ingest -s $s fu1.csv fu2.csv new.csv fu3.csv
		check_stderr 'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 4 duplicates, 0 rejected'
		run --separate-stderr cx-ingest -s $s fu2.csv fu4.csv
		check_stderr 'cx-ingest: 0 registered, 1 follow-ups, 0 replies, 1 duplicates, 0 rejected'
	done
	check_eq joined "$(cat sp/new/F0000000008-B0000000005.jsonl)" "$(cat kept/new/F0000000007-B0000000005.jsonl)"
	# Joined by the readers, each once (0001 has two of chat.csv).
	for s in kept sp; do
		cx-classify -q -s $s
		cx-route -q -s $s
	done
	check_eq followups "$(jq -r '[.id, (.followups | length)] | @tsv' sp/open/* | sort)" \
	    "$(jq -r '[.id, (.followups | length)] | @tsv' kept/open/* | sort)"
	check_eq counts "$(jq -r 'select(.followups | length > 0) | [.id, (.followups | length)] | @tsv' sp/open/* | sort)" "$(printf '%s\t2\n' CX-20261124-0001 CX-20261124-0006 CX-20261124-0011)"
}
