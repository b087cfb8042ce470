#!/usr/bin/env bats
# Read errors are no answers (issue 15): every file a writer opens in the
# spool is made to fail with EIO, one at a time; the writer must stop
# with exit 2, having committed nothing (what it staged in tmp/ aside,
# which the next run clears), and a rerun must leave the spool as an
# undisturbed run does.  Skipped where strace is missing or may not
# trace.

load helper

setup() {
	cx_setup
	need_strace
	printf '%s\n' 'id,action,agent,at,code,amount' \
	    'CX-20261124-0001,acknowledge,刘经理,2026-11-24 09:10,,' \
	    'CX-20261124-0002,resolve,老周,2026-11-24 09:20,refund,20' >acts.csv
}

@test "EIO: cx-ingest adding follow-ups to an earlier batch" {
	cx-ingest -q -s base examples/helpdesk-zh.csv 2>/dev/null || [ $? -eq 1 ]
	eio_loop base cx-ingest ../examples/chat.csv
}

@test "EIO: cx-classify and cx-route" {
	cx-ingest -q -s base examples/helpdesk-zh.csv examples/chat.csv 2>/dev/null || [ $? -eq 1 ]
	eio_loop base cx-classify
	cx-classify -q -s base
	eio_loop base cx-route
}

@test "EIO: cx-sla, cx-close and cx-follow" {
	routed_spool base examples/helpdesk-zh.csv
	eio_loop base cx-sla
	cx-sla -q -s base || [ $? -eq 1 ]
	eio_loop base cx-close ../acts.csv
	cx-close -q -s base acts.csv
	eio_loop base cx-follow
}

@test "EIO: cx-ingest --rebuild-keys reading every ticket, routed, closed and archived" {
	routed_spool base examples/helpdesk-zh.csv examples/chat.csv examples/helpdesk-log-zh.csv
	cx-close -q -s base -i CX-20261124-0001 -a 刘经理 resolve explanation
	cx-close -q -s base -i CX-20261124-0001 confirm
	CX_NOW=2027-01-05T09:00:00+08:00 cx-close -q -s base --archive 30d
	cx-close -q -s base -i CX-20261124-0002 -a 老周 resolve explanation
	cx-close -q -s base -i CX-20261124-0002 confirm
	rm base/keys base/seq
	# --force: a rerun after the commit point, which its next run
	# finishes, finds the registry rebuilt, and commits nothing.
	eio_loop base cx-ingest --rebuild-keys --force
}

@test "EIO: a dictionary of OpenCC that cannot be read stops cx-classify with its path, not an abort" {
	local dict=/usr/share/opencc/STPhrases.ocd2
	[ -f "$dict" ] || skip "OpenCC's dictionaries are not in /usr/share/opencc"
	cx-ingest -q -s sp examples/helpdesk-zh.csv 2>/dev/null || [ $? -eq 1 ]
	cp -a sp before
	run --separate-stderr env ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
	    strace -qq -o /dev/null -P "$dict" -e trace=read \
	    -e inject=read:error=EIO:when=2 cx-classify -q -s sp
	check_status 2
	check_stderr "cx-classify: $CX_SHARE/rules: $dict: Input/output error"
	same_files before sp
	cx-classify -q -s sp
}
