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
