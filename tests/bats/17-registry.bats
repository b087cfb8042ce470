#!/usr/bin/env bats
# The registry of a spool (cx-spool(5)): seq, keys and state are checked
# as they are read, and what is wrong stops the run with what it is and
# how to recover, before anything is written: a lost keys log is not
# made again empty, a shortened one not extended, a seq that is not
# there does not start the ticket numbers again.  The spool: both
# examples registered (10 tickets, 1158 bytes of keys).

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
	check_stderr 'cx-ingest: sp/keys: not there, and 1158 bytes of it are committed: the registry is damaged'
	[ ! -e sp/keys ]
	rm before/keys
	same_tree before sp
}

@test "keys shortened, or of NUL bytes: refused, not extended" {
	truncate -s 100 sp/keys
	cp sp/keys short
	again
	check_status 2
	check_stderr 'cx-ingest: sp/keys: 100 bytes, and 1158 are committed: the registry is damaged'
	cmp short sp/keys
	head -c 1158 /dev/zero >sp/keys
	again
	check_status 2
	check_stderr 'cx-ingest: sp/keys:1: unreadable line: the registry is damaged'
	cmp -s before/keys sp/keys && false
	cmp <(head -c 1158 /dev/zero) sp/keys
}

@test "keys garbled within its committed length: the line is named; past it, a dead commit's, cut off" {
	sed -i '3s/^1 s /1 q /' sp/keys
	again
	check_status 2
	check_stderr 'cx-ingest: sp/keys:3: unreadable line: the registry is damaged'
	cp before/keys sp/keys
	printf 'garbage\n' >>sp/keys
	again
	check_status 0
	check_stderr
	same_tree before sp
}

@test "seq: an unknown version, a bad line, or empty is refused" {
	sed -i '1s/.*/cx-seq 2/' sp/seq
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq:1: "cx-seq 2" is no registry this release reads (cx-seq 1)'
	cp before/seq sp/seq
	printf 'seq 2026112X 5\n' >>sp/seq
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq:4: unreadable line "seq 2026112X 5": the registry is damaged'
	: >sp/seq
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq: empty: the registry is damaged'
}

@test "seq deleted, with keys or without: refused, the ticket numbers not begun again" {
	rm sp/seq
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq: not there, and the spool has tickets: the registry is lost'
	rm sp/keys
	again
	check_status 2
	check_stderr 'cx-ingest: sp/seq: not there, and the spool has tickets: the registry is lost'
	[ ! -e sp/seq ] && [ ! -e sp/keys ]
	# Tickets anywhere count: routed, then closed and archived.
	cp -a before sp2
	cx-classify -q -s sp2
	cx-route -q -s sp2
	rm sp2/seq sp2/keys
	run --separate-stderr cx-ingest -q -s sp2 examples/chat.csv
	check_status 2
	check_stderr 'cx-ingest: sp2/seq: not there, and the spool has tickets: the registry is lost'
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
	check_stderr 'cx-close: sp/close-seq:3: unreadable line "seq 2026112X 5": the registry is damaged; move close-keys and close-seq aside for a new one, which knows no row applied before (cx-spool(5))'
	# As it says: a new registry, which applies the row again.
	mv sp/close-seq .
	cp close-keys sp/close-keys
	mv sp/close-keys .
	run --separate-stderr cx-close -s sp acts.csv
	check_status 1
	check_stderr 'cx-close: acts.csv:2: acknowledged already' \
	    'cx-close: 0 applied, 0 applied before, 1 set aside'
}
