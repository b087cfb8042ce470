#!/usr/bin/env bats
# Read errors are no answers (issue 15): every call a writer makes to
# open, read, write, list, sync, rename or look for a file, in the spool
# or not, is made to fail with EIO, and every write also with ENOSPC, one
# occurrence at a time (io_loop in helper.bash; the sanitizer build fails
# a fixed subset); the writer must stop with exit 2, saying the file and
# the error, having committed nothing (what it staged in tmp/ aside,
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

@test "I/O errors: cx-ingest registering tickets in a new spool" {
	mkdir -m 750 base
	io_loop base cx-ingest -q -s . ../examples/helpdesk-zh.csv
}

@test "I/O errors: cx-ingest adding follow-ups to an earlier batch" {
	cx-ingest -q -s base examples/helpdesk-zh.csv 2>/dev/null || [ $? -eq 1 ]
	io_loop base cx-ingest -q -s . ../examples/chat.csv
}

@test "I/O errors: cx-classify" {
	cx-ingest -q -s base examples/helpdesk-zh.csv examples/chat.csv 2>/dev/null || [ $? -eq 1 ]
	io_loop base cx-classify -q -s .
}

@test "I/O errors: cx-route" {
	cx-ingest -q -s base examples/helpdesk-zh.csv examples/chat.csv 2>/dev/null || [ $? -eq 1 ]
	cx-classify -q -s base
	io_loop base cx-route -q -s .
}

@test "I/O errors: cx-route, with follow-ups journaled beside their batches" {
	cx-ingest -q -s base examples/helpdesk-zh.csv 2>/dev/null || [ $? -eq 1 ]
	cx-ingest -q -s base examples/chat.csv
	check_eq journal "$(ls base/new | tr '\n' ' ')" \
	    'B0000000001.jsonl B0000000002.jsonl F0000000002-B0000000001.jsonl '
	cx-classify -q -s base
	printf '%s\n' 'Conversation ID,Customer ID,Order ID,Message' \
	    'C-88009,U10086,OD202611220001,Fourth message' >more.csv
	cx-ingest -q -s base more.csv
	check_eq journal "$(ls base/classified | tr '\n' ' ')" \
	    'B0000000001.jsonl B0000000002.jsonl F0000000004-B0000000001.jsonl '
	io_loop base cx-route -q -s .
}

@test "I/O errors: cx-sla, cx-close and cx-follow" {
	routed_spool base examples/helpdesk-zh.csv
	io_loop base cx-sla -q -s .
	cx-sla -q -s base || [ $? -eq 1 ]
	io_loop base cx-close -q -s . ../acts.csv
	cx-close -q -s base acts.csv
	io_loop base cx-follow -q -s .
}

@test "I/O errors: cx-mail reading a maildir and keeping an attachment" {
	mkdir -m 750 base
	mkdir -p md/cur md/new md/tmp
	cp data/mail/latin1.eml md/cur/1.x
	cp data/mail/multipart.eml md/new/2.x
	IO_COMMIT='^rename\(' io_loop base cx-mail -q --attachments . ../md
}

@test "I/O errors: cx-ingest --rebuild-keys reading every ticket, routed, closed and archived" {
	routed_spool base examples/helpdesk-zh.csv examples/chat.csv examples/helpdesk-log-zh.csv
	cx-close -q -s base -i CX-20261124-0001 -a 刘经理 resolve explanation
	cx-close -q -s base -i CX-20261124-0001 confirm
	CX_NOW=2027-01-05T09:00:00+08:00 cx-close -q -s base --archive 30d
	cx-close -q -s base -i CX-20261124-0002 -a 老周 resolve explanation
	cx-close -q -s base -i CX-20261124-0002 confirm
	rm base/keys base/seq
	# --force: a rerun after the commit point, which its next run
	# finishes, finds the registry rebuilt, and commits nothing.
	io_loop base cx-ingest -q -s . --rebuild-keys --force
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

@test "EIO: a zone file read again on entering or leaving a calendar's zone stops cx-sla with its path; nothing committed" {
	routed_spool sp examples/helpdesk-zh.csv
	mkdir -m 750 sp/etc
	cp data/cal-berlin sp/etc/calendar
	cp -a sp before
	cp -a sp ref
	cx-sla -q -s ref || [ $? -eq 1 ]
	for zone in Europe/Berlin Asia/Shanghai; do
		# Well into the sweep: each ticket's clocks switch zones.
		run --separate-stderr env ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
		    strace -qq -o /dev/null -P "/usr/share/zoneinfo/$zone" \
		    -e trace=read -e inject=read:error=EIO:when=20 cx-sla -q -s sp
		check_status 2
		check_stderr "cx-sla: /usr/share/zoneinfo/$zone: Input/output error"
		same_files before sp
	done
	cx-sla -q -s sp || [ $? -eq 1 ]
	same_files ref sp
}

@test "I/O errors: a file a writer makes outside the spool that cannot be written stops it, named" {
	routed_spool base examples/helpdesk-zh.csv
	# cx-sla -A writes its alerts after the commit: the spool has them
	# (outbox/), the file is said to be short.
	run --separate-stderr env ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
	    strace -f -qq -o /dev/null -P "$PWD/al.jsonl" -e trace=write \
	    -e inject=write:error=ENOSPC:when=1 cx-sla -q -s base -A "$PWD/al.jsonl"
	check_status 2
	check_stderr "cx-sla: $PWD/al.jsonl: No space left on device"
	run --separate-stderr env ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
	    strace -f -qq -o /dev/null -P "$PWD/rej.jsonl" -e trace=write \
	    -e inject=write:error=ENOSPC:when=1 cx-ingest -q -r "$PWD/rej.jsonl" \
	    examples/helpdesk-zh.csv
	check_status 2
	check_stderr "$HELPDESK_REJECTS" "cx-ingest: $PWD/rej.jsonl: No space left on device"
}

@test "I/O errors: cx-learn -o on a full disk or a failed rename is exit 2, named, and leaves no half model" {
	printf '%s\n' label,text 'logistics.late,the parcel is late' \
	    'quality.defect,it broke' 'logistics.late,still not here' \
	    'quality.defect,cracked lid' >l.csv
	for inject in write:error=ENOSPC rename:error=EIO; do
		run --separate-stderr env ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
		    strace -qq -o /dev/null -e trace="${inject%%:*}" \
		    -e inject="$inject":when=1 cx-learn -q -o m.nb l.csv
		check_status 2
		if [ "$inject" = write:error=ENOSPC ]; then
			check_stderr 'cx-learn: m.nb: No space left on device'
		else
			check_stderr 'cx-learn: m.nb: Input/output error'
		fi
		check_eq left "$(find . -maxdepth 1 -name 'm.nb*')" ''
	done
}

@test "I/O errors: where the shipped files are looked for, an error is no \"not there\"" {
	echo '{"id":"A","text":"快递太慢"}' >in.jsonl
	env -u CX_SHARE ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
	    strace -qq -o tr -e trace=access cx-classify -q in.jsonl >/dev/null
	n=$(grep -n 'access(".*/share/cx/cx.conf"' tr | head -n 1 | cut -d: -f1)
	where=$(sed -n "${n}s/^access(\"\\(.*\\)\", .*/\\1/p" tr)
	[ -n "$where" ]
	# The first place looked at cannot be told: the run stops, naming it,
	# and uses no other directory's files.
	run --separate-stderr env -u CX_SHARE ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
	    strace -qq -o /dev/null -e trace=access \
	    -e inject=access:error=EIO:when="$n" cx-classify -q in.jsonl
	check_status 2
	check_stderr "cx-classify: $where: Input/output error"
	[ -z "$output" ]
}
