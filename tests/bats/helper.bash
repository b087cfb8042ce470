# helper.bash: what every bats file of cx loads first (`load helper`).
#
# The suite runs through tests/run, which sets CX_BIN (the directory with
# the tools: build/bin, or build/san/bin for the sanitizer build) and
# CX_BUILD (build or build/san: $CX_BUILD/tests/cxgen is the complaint
# generator).  Run by hand, both default to the plain build of this
# checkout.  Every test runs in its own fresh directory and builds its own
# spool there; nothing reads the wall clock (CX_NOW) or the caller's
# CX_SPOOL and CX_TZ.
#
# Golden files live in tests/golden/ and are compared with `diff -u`.  To
# regenerate them after a deliberate change of output, run the suite with
# CX_GOLDEN_UPDATE=1 (each golden() call then writes its file instead of
# comparing), read `git diff tests/golden` line by line, and commit.

bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
CX_BIN=${CX_BIN:-$TOP/build/bin}
CX_BUILD=${CX_BUILD:-$(dirname "$CX_BIN")}
CXGEN=$CX_BUILD/tests/cxgen
GOLDEN=$TOP/tests/golden
TESTDATA=$TOP/tests/data
SHARED_DATA=$TOP/../shared/data
EXAMPLES=$TOP/examples
PATH=$CX_BIN:$PATH
CX_SHARE=$TOP/share/cx
CX_NOW=2026-11-24T09:00:00+08:00
export PATH CX_SHARE CX_NOW CX_BIN CX_BUILD
unset CX_SPOOL CX_TZ
# Sorting and error texts must not depend on the caller's locale.
export LC_ALL=C
# A sanitizer report must never pass for the tool's own exit status 1.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The summary line of a spool run over examples/helpdesk-zh.csv and
# examples/chat.csv: 8 + 2 tickets, GD-1007 and C-88001 follow up GD-1001,
# line 13 repeats line 3, lines 11 and 12 are rejected.
EXAMPLES_SUMMARY='cx-ingest: 10 registered, 2 follow-ups, 0 replies, 1 duplicates, 2 rejected'
HELPDESK_REJECTS='cx-ingest: examples/helpdesk-zh.csv:11: received_at: invalid date "2026-11-31 09:00:00"
cx-ingest: examples/helpdesk-zh.csv:12: invalid amount "十元"'

# A bats file with a setup of its own calls cx_setup first.
cx_setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T" || return 1
	# Relative paths keep source.file and the messages the same on every
	# machine: examples/helpdesk-zh.csv, not /home/.../examples/...
	ln -s "$EXAMPLES" examples
	ln -s "$TESTDATA" data
}

setup() {
	cx_setup
}

# routed_spool SPOOL EXPORT...: the sample exports (rows 11 and 12 of
# helpdesk-zh.csv rejected) registered, classified and routed into SPOOL,
# the tickets in SPOOL/open, as the tests of the tools after routing
# start.
routed_spool() {
	local sp=$1
	shift
	cx-ingest -q -s "$sp" "$@" 2>/dev/null || [ $? -eq 1 ]
	cx-classify -q -s "$sp"
	cx-route -q -s "$sp"
}

# run_to FILE CMD...: CMD with stdout into FILE (`run` keeps stderr apart).
run_to() {
	local out=$1
	shift
	"$@" >"$out"
}

# run_io IN OUT CMD...: CMD reading IN, writing OUT.
run_io() {
	local in=$1 out=$2
	shift 2
	"$@" <"$in" >"$out"
}

# check_status N: the last `run` exited N; shows stderr if not.
check_status() {
	if [ "$status" -ne "$1" ]; then
		echo "exit status $status, expected $1; stderr was:" >&2
		printf '%s\n' "${stderr-$output}" >&2
		return 1
	fi
}

# check_stderr LINE...: the last `run --separate-stderr` wrote exactly these
# lines on stderr (none: nothing at all).
check_stderr() {
	local want=''
	[ $# -gt 0 ] && want=$(printf '%s\n' "$@")
	if [ "$stderr" != "$want" ]; then
		diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$stderr") >&2
		return 1
	fi
}

# check_eq WHAT GOT WANT: a value, with a readable message when it differs.
check_eq() {
	if [ "$2" != "$3" ]; then
		printf '%s: got "%s", expected "%s"\n' "$1" "$2" "$3" >&2
		return 1
	fi
}

# golden NAME FILE: FILE is byte for byte tests/golden/NAME.
golden() {
	if [ -n "${CX_GOLDEN_UPDATE-}" ]; then
		cp "$2" "$GOLDEN/$1"
		return 0
	fi
	diff -u "$GOLDEN/$1" "$2"
}

# need_cxgen: the generator is part of `make all`; its absence is a broken
# build, not a reason to skip.
need_cxgen() {
	if [ ! -x "$CXGEN" ]; then
		echo "no $CXGEN: run make all (O=build/san for the sanitizer build)" >&2
		return 1
	fi
}

# shared FILE: DATA is the path of FILE under ../shared/data; skips the
# test where that folder is absent (a user's checkout has none).  Not in
# $(...): skip has to run in the test's own shell.
shared() {
	[ -d "$SHARED_DATA" ] || skip "no ../shared/data"
	[ -f "$SHARED_DATA/$1" ] || skip "no ../shared/data/$1"
	DATA=$SHARED_DATA/$1
}

# unfile FILE: the records of FILE with source.file blanked, to compare
# what two inputs (plain and gzip, UTF-8 and GBK) made of the same rows.
unfile() {
	sed 's/"source":{"file":"[^"]*"/"source":{"file":"-"/' "$1"
}

# tickets SPOOL: every record in SPOOL/new, batch by batch.
tickets() {
	cat "$1"/new/*.jsonl
}

# same_tree A B: two spools hold the same files with the same bytes
# (the lock file and the directory itself aside).
same_tree() {
	diff -u <(cd "$1" && find . ! -name lock -print | sort) \
	    <(cd "$2" && find . ! -name lock -print | sort) || return 1
	(cd "$1" && find . -type f ! -name lock -print) | while read -r f; do
		cmp "$1/$f" "$2/$f" || exit 1
	done
}

# no_world_access DIR: directories 750 or stricter, files 640 or stricter.
no_world_access() {
	local bad
	bad=$(find "$1" \( -type d -perm /027 \) -o \( -type f -perm /137 \))
	if [ -n "$bad" ]; then
		echo "too open:" >&2
		find "$1" -exec stat -c '%a %n' {} + >&2
		return 1
	fi
}

# need_strace: skip a crash test where strace is missing or may not trace.
need_strace() {
	command -v strace >/dev/null || skip "no strace"
	strace -qq -o /dev/null true 2>/dev/null ||
	    skip "strace may not trace here (ptrace not permitted)"
}

# die_at SYSCALLS N CMD...: CMD, killed on entering its Nth call of
# SYSCALLS (a strace syscall set); exits 137 if it got that far.  With
# DIE_ON=PATH (absolute) only calls on that file count.  Leak checking is
# off: LeakSanitizer cannot run under a tracer.
die_at() {
	local sc=$1 n=$2
	shift 2
	ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -qq -o /dev/null \
	    ${DIE_ON:+-P "$DIE_ON"} \
	    -e "trace=$sc" -e "inject=$sc:signal=KILL:when=$n" "$@"
}

# eio_at NAME CMD...: CMD, its first openat of a file named NAME failing
# with EIO (the call's number found by a first, traced run on a copy of
# sp/); sets status and stderr as `run --separate-stderr` does.
eio_at() {
	local name=$1 n
	shift
	rm -rf eio-probe
	cp -a sp eio-probe
	ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -qq -o eio-trace \
	    -e trace=openat "${@/#sp/eio-probe}" >/dev/null 2>&1 || true
	n=$(grep -n "openat([^\"]*\"$name\"" eio-trace | head -n 1 | cut -d: -f1)
	rm -rf eio-probe eio-trace
	[ -n "$n" ] || { echo "eio_at: no openat of $name" >&2; return 1; }
	run --separate-stderr env ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
	    strace -qq -o /dev/null -e trace=openat \
	    -e inject=openat:error=EIO:when="$n" "$@"
}

# same_files A B [keys]: the same files with the same bytes; the lock,
# tmp/ (what a writer staged before it failed, and no commit took) and
# directories (which it may make first) aside; with "keys", the keys logs
# too, which a writer appends to before its commit (their committed
# length is in seq and close-seq: cx-spool(5)).
same_files() {
	local x='^\./lock$|^\./tmp/'
	[ "${3-}" = keys ] && x="$x|^\./keys$|^\./close-keys$"
	diff -u <(cd "$1" && find . -type f -print | grep -Ev "$x" | sort) \
	    <(cd "$2" && find . -type f -print | grep -Ev "$x" | sort) || return 1
	(cd "$1" && find . -type f -print | grep -Ev "$x") | while read -r f; do
		cmp "$1/$f" "$2/$f" || exit 1
	done
}

# eio_loop BASE CMD...: for each file CMD (a writer on the spool sp/, run
# in it as "CMD -s .", made afresh from BASE) opens in the spool, CMD with
# that open failing with EIO must exit 2 having committed nothing, and an
# undisturbed rerun must then leave sp/ as one undisturbed run leaves
# BASE.  Says how many opens failed.
eio_loop() {
	local base=$1 n st fails=0 failed='' calls cpt
	shift
	rm -rf ref probe
	cp -a "$base" ref
	cp -a "$base" probe
	(cd ref && "$@" -s . >/dev/null 2>&1) || [ $? -eq 1 ]
	(cd probe && ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -qq \
	    -o ../eio-trace -e trace=openat "$@" -s . >/dev/null 2>&1) || true
	# The spool's own opens: its directory, and what is opened in it.
	calls=$(grep -n -e '^openat(AT_FDCWD, "\.",' -e '^openat([0-9]' eio-trace |
	    cut -d: -f1)
	# The commit point: the state that lists the commit, written in tmp/;
	# an open after it fails a commit that is made (the next run finishes
	# it), not one that might be.
	cpt=$(grep -n '[0-9]\.\.state", O_WRONLY' eio-trace | head -n 1 | cut -d: -f1)
	rm -rf probe eio-trace
	for n in $calls; do
		rm -rf sp
		cp -a "$base" sp
		st=0
		(cd sp && ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -qq \
		    -o /dev/null -e trace=openat \
		    -e inject=openat:error=EIO:when="$n" "$@" -s . \
		    >/dev/null 2>../eio-err) || st=$?
		fails=$((fails + 1))
		if [ "$st" -ne 2 ]; then
			failed+="  open #$n: exit $st: $(head -c 200 eio-err)"$'\n'
		elif [ "$n" -le "${cpt:-999999}" ] &&
		    ! same_files "$base" sp keys >/dev/null 2>&1; then
			failed+="  open #$n: committed: $(same_files "$base" sp keys 2>&1 | head -3 | tr '\n' ' ')"$'\n'
		else
			st=0
			(cd sp && "$@" -s . >/dev/null 2>&1) || st=$?
			if [ "$st" -gt 1 ] || ! same_files ref sp >/dev/null 2>&1; then
				failed+="  open #$n: the rerun (exit $st) differs"$'\n'
			fi
		fi
	done
	echo "# EIO at $fails opens" >&3
	[ "$fails" -gt 0 ]
	[ -z "$failed" ] || { printf 'after EIO:\n%s' "$failed" >&2; return 1; }
}

# crash_loop SYSCALLS BASE CMD...: for each syscall of the strace set
# SYSCALLS and N = 1, 2, ... until CMD makes fewer calls, CMD (a writer on
# the spool sp/, made afresh from the spool BASE) is killed before its Nth
# call, run again undisturbed, and sp/ must then be, file for file and byte
# for byte, what one undisturbed run makes of BASE.  Says how many crashes.
crash_loop() {
	local scs=$1 base=$2 sc n st kills=0 failed=''
	shift 2
	rm -rf ref
	cp -a "$base" ref
	(cd ref && "$@" -s . >/dev/null 2>&1) || [ $? -eq 1 ]
	for sc in $scs; do
		for ((n = 1; n <= 80; n++)); do
			rm -rf sp
			cp -a "$base" sp
			st=0
			(cd sp && die_at "$sc" "$n" "$@" -s . >/dev/null 2>&1) || st=$?
			[ "$st" -eq 137 ] || break
			kills=$((kills + 1))
			st=0
			(cd sp && "$@" -s . >/dev/null 2>&1) || st=$?
			if [ "$st" -gt 1 ]; then
				failed+="  $sc #$n: the rerun exited $st"$'\n'
			elif ! same_tree ref sp >/dev/null 2>&1; then
				failed+="  $sc #$n: $(same_tree ref sp 2>&1 | grep '^[-+][^-+]' | head -3 | tr '\n' ' ')"$'\n'
			fi
		done
	done
	echo "# $scs: $kills crashes" >&3
	[ "$kills" -gt 0 ]
	[ -z "$failed" ] || { printf 'after a crash:\n%s' "$failed" >&2; return 1; }
}

# at_least A B: A >= B, as decimals.
at_least() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }' || {
		echo "$1 is below $2" >&2
		return 1
	}
}
