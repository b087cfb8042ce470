#!/usr/bin/env bats
# Crashes at chosen instants rather than random ones: strace kills
# cx-ingest with SIGKILL as it enters its Nth write, fsync, rename or mkdir
# (the call itself never happens), for every N the run reaches.  After each
# crash an undisturbed run must leave the spool as a run nobody killed
# does: the same batches and rejects byte for byte, the same registry
# keys, nothing left in tmp/ (DESIGN.md: "a crash at any instant leaves
# every ticket either before or after the change, and the next run picks
# up what was left").  Skipped where strace is missing or may not trace.

load helper

# fresh BASE: sp/ is a copy of the spool BASE, or absent for "-".
fresh() {
	rm -rf sp
	[ "$1" = - ] || cp -a "$1" sp
}

# spool_like REF DIR: DIR ended as REF did; says how if not.
spool_like() {
	local d
	for d in new rejects; do
		[ -d "$1/$d" ] || [ -d "$2/$d" ] || continue
		same_tree "$1/$d" "$2/$d" >/dev/null 2>&1 ||
		    { echo "$d/ differs"; return 1; }
	done
	cmp -s "$1/keys" "$2/keys" || { echo "keys differ"; return 1; }
	[ -z "$(ls -A "$2/tmp")" ] ||
	    { echo "left in tmp/: $(ls -A "$2/tmp" | tr '\n' ' ')"; return 1; }
}

# crash_each SYSCALLS STATUS BASE CMD...: CMD (a program) works on sp/ made
# from BASE and exits STATUS when undisturbed.  For N = 1, 2, ... until CMD
# makes fewer calls: kill it before its Nth call, run it again, compare.
crash_each() {
	local sc=$1 want=$2 base=$3 n st why failed=''
	shift 3
	fresh "$base"
	st=0
	"$@" 2>/dev/null || st=$?
	check_eq "status of an undisturbed run" "$st" "$want"
	rm -rf ref
	mv sp ref
	for ((n = 1; n <= 60; n++)); do
		fresh "$base"
		st=0
		die_at "$sc" "$n" "$@" 2>/dev/null || st=$?
		[ "$st" -eq 137 ] || break
		st=0
		"$@" 2>/dev/null || st=$?
		# A run that rejected rows exits 1; its rerun exits 0 if the
		# dead run had committed them (they are "set aside before").
		if [ "$st" -ne "$want" ] && ! [ "$want" -eq 1 -a "$st" -eq 0 ]; then
			failed+="  killed before $sc #$n: the next run exited $st"$'\n'
		elif ! why=$(spool_like ref sp); then
			failed+="  killed before $sc #$n: $why"$'\n'
		fi
	done
	check_eq "status of the run that outlived its $sc calls" "$st" "$want"
	echo "# $sc: $((n - 1)) crashes" >&3
	[ "$n" -gt 1 ]
	[ -z "$failed" ] || { printf 'after a crash:\n%s' "$failed" >&2; return 1; }
}

# The runs crashed: commands, not shell functions, for strace to start.
EXAMPLES_RUN='cx-ingest -s sp examples/helpdesk-zh.csv examples/chat.csv'
CHAT_RUN='cx-ingest -s sp examples/chat.csv'

# A spool holding examples/helpdesk-zh.csv: chat.csv then adds a follow-up
# to its ticket CX-20261124-0001, a journal beside new/B0000000001.jsonl.
helpdesk_spool() {
	cx-ingest -q -s helpdesk examples/helpdesk-zh.csv 2>/dev/null || [ $? -eq 1 ]
}

@test "crash: a first run into a new spool, killed before each write" {
	need_strace
	crash_each write 1 - $EXAMPLES_RUN
}

@test "crash: a first run into a new spool, killed before each fsync" {
	need_strace
	crash_each fsync 1 - $EXAMPLES_RUN
}

@test "crash: a first run into a new spool, killed before each rename or mkdir" {
	need_strace
	crash_each '/^renameat' 1 - $EXAMPLES_RUN
	crash_each '/^mkdir' 1 - $EXAMPLES_RUN
}

@test "crash: a run that adds a follow-up to an earlier batch, killed before each write" {
	need_strace
	helpdesk_spool
	crash_each write 0 helpdesk $CHAT_RUN
}

@test "crash: a run that adds a follow-up to an earlier batch, killed before each fsync or rename" {
	need_strace
	helpdesk_spool
	crash_each fsync 0 helpdesk $CHAT_RUN
	crash_each '/^renameat' 0 helpdesk $CHAT_RUN
}

# Regression: a run killed between writing tmp/state.PID and renaming it
# left the file behind for good; recovery now empties tmp/ (writers hold
# the lock, so nothing there is live).
@test "crash: killed before the state is renamed into place, the next run leaves tmp/ empty" {
	need_strace
	# The first rename out of tmp/ is the commit: tmp/state.PID to state.
	DIE_ON=$T/sp/tmp run --separate-stderr die_at '/^renameat' 1 cx-ingest -s sp examples/chat.csv
	check_status 137
	[ -e sp/tmp/1.new.B0000000001.jsonl ]
	[ ! -e sp/state ]
	run --separate-stderr cx-ingest -s sp examples/chat.csv
	check_status 0
	check_stderr 'cx-ingest: 3 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq tmp "$(ls -A sp/tmp)" ''
}

# Regression (it lost data): recovery moved any file the last commit had
# staged and that was still in tmp/ into place, and a follow-up to a
# ticket of that batch rewrote the batch under the same name; a run dying
# while staging it had its empty file published.  Staged files are now
# named for their commit and place in tmp/ ("2.new.B0000000001.jsonl"), so
# a dead batch's file is never taken for the committed one's; and a
# follow-up is a journal beside the batch, which is never rewritten.
@test "crash: killed while staging a follow-up to the last batch, the next run loses no ticket" {
	need_strace
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv
	check_status 1
	cp sp/new/B0000000001.jsonl batch
	DIE_ON=$T/sp/tmp/2.new.F0000000002-B0000000001.jsonl run --separate-stderr die_at write 1 cx-ingest -s sp examples/chat.csv
	check_status 137
	run --separate-stderr cx-ingest -s sp examples/chat.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 1 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	cmp batch sp/new/B0000000001.jsonl
	check_eq ids "$(tickets sp | jq -r .id | tr '\n' ' ')" \
	    'CX-20261124-0001 CX-20261124-0002 CX-20261124-0003 CX-20261124-0004 CX-20261124-0005 CX-20261124-0006 CX-20261124-0007 CX-20261124-0008 CX-20261124-0009 CX-20261124-0010 '
	check_eq followups "$(tickets sp | jq -c 'select(.followups) | [.followups[].source.ext]')" \
	    '["GD-1007","C-88001"]'
}

# Regression: the same mix-up one step later, when the dead run had written
# its rewrite in full: the next run published it and then added the
# follow-up a second time.  It was found by:
#   cx-ingest -s /tmp/sp examples/helpdesk-zh.csv; cx-ingest -s /tmp/sp examples/chat.csv
#   printf 'Conversation ID,Customer ID,Order ID,Message\nC-88009,U10086,OD202611220001,Fourth message\n' >/tmp/more.csv
#   strace -o /dev/null -P /tmp/sp/tmp -e trace=renameat \
#       -e inject=renameat:signal=KILL:when=1 cx-ingest -s /tmp/sp /tmp/more.csv
#   cx-ingest -s /tmp/sp /tmp/more.csv
#   jq -c 'select(.followups) | [.followups[].source.ext]' /tmp/sp/new/B0000000001.jsonl
#   # ["GD-1007","C-88001","C-88009","C-88009"]
# (A follow-up is now a journal of its commit beside the batch: the dead
# run's is never published, and the batch never rewritten.)
@test "crash: a follow-up staged by a run that died before its commit is added once" {
	need_strace
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv
	check_status 1
	run --separate-stderr cx-ingest -s sp examples/chat.csv
	check_status 0
	printf '%s\n' 'Conversation ID,Customer ID,Order ID,Message' \
	    'C-88009,U10086,OD202611220001,Fourth message' > more.csv
	DIE_ON=$T/sp/tmp run --separate-stderr die_at '/^renameat' 1 cx-ingest -s sp more.csv
	check_status 137
	run --separate-stderr cx-ingest -s sp more.csv
	check_status 0
	check_stderr 'cx-ingest: 0 registered, 1 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq journals "$(ls sp/new | tr '\n' ' ')" \
	    'B0000000001.jsonl B0000000002.jsonl F0000000002-B0000000001.jsonl F0000000003-B0000000001.jsonl '
	check_eq followups "$(tickets sp | jq -c 'select(.followups) | [.followups[].source.ext]')" \
	    '["GD-1007","C-88001","C-88009"]'
}

# Regression: only cx-ingest finished a crashed commit, so another writer
# could change a ticket and then have the dead commit's staged copy put on
# top of its change by the next cx-ingest.  Every writer now repairs the
# spool first.  The commit here dies after its state is renamed (the
# commit point) and before the follow-up's rewrite of the batch is moved
# into place; an agent's correction made next must survive.
@test "crash: a correction made after a half-published commit is not lost" {
	need_strace
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv
	check_status 1
	# The renames: state, then the batch's rewrite; die before the second.
	DIE_ON= run --separate-stderr die_at '/^renameat' 2 cx-ingest -s sp examples/chat.csv
	check_status 137
	[ -n "$(ls -A sp/tmp)" ]
	run --separate-stderr cx-classify -q -s sp -a bob -S priority=urgent -i CX-20261124-0002
	check_status 0
	[ -z "$(ls -A sp/tmp)" ]
	run --separate-stderr cx-ingest -s sp examples/chat.csv
	check_status 0
	check_eq manual "$(jq -r 'select(.id == "CX-20261124-0002") | .manual.priority' sp/new/B0000000001.jsonl)" urgent
	check_eq followups "$(jq -c 'select(.id == "CX-20261124-0001") | [.followups[].source.ext]' sp/new/B0000000001.jsonl)" \
	    '["GD-1007","C-88001"]'
}

@test "EIO: a batch a follow-up's ticket is in that cannot be looked at stops the run; nothing committed; a rerun joins it" {
	need_strace
	cx-ingest -q -s sp examples/helpdesk-zh.csv 2>/dev/null || [ $? -eq 1 ]
	cp -a sp before
	cp -a sp ref
	cx-ingest -q -s ref examples/chat.csv
	EIO_CALL=faccessat2 eio_at B0000000001.jsonl cx-ingest -q -s sp examples/chat.csv
	check_status 2
	check_stderr 'cx-ingest: sp/new/B0000000001.jsonl: Input/output error'
	same_tree before sp
	cx-ingest -q -s sp examples/chat.csv
	same_tree ref sp
	check_eq joined "$(tickets sp | jq -r 'select(.id == "CX-20261124-0001") | .followups[-1].source.ext')" C-88001
}

@test "EIO: a time zone file that cannot be read is said as such, not as an unknown zone" {
	need_strace
	cx-ingest -q -s sp examples/helpdesk-zh.csv 2>/dev/null || [ $? -eq 1 ]
	cp -a sp before
	eio_at /usr/share/zoneinfo/Asia/Shanghai cx-classify -s sp
	check_status 2
	check_stderr 'cx-classify: /usr/share/zoneinfo/Asia/Shanghai: Input/output error'
	same_tree before sp
}
