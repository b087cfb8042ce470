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

# tickets SPOOL [DIR]: every ticket of the batches of SPOOL/new (or DIR),
# batch by batch, with the follow-ups journaled beside each joined, as the
# tools read them (tests/spoolcat.c).
tickets() {
	"$CX_BUILD/tests/spoolcat" "$@"
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
# sp/); sets status and stderr as `run --separate-stderr` does.  EIO_CALL
# fails another call that names a file (faccessat2: where a file is
# looked for).
eio_at() {
	local name=$1 n call=${EIO_CALL:-openat}
	shift
	rm -rf eio-probe
	cp -a sp eio-probe
	ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -qq -o eio-trace \
	    -e trace="$call" "${@/#sp/eio-probe}" >/dev/null 2>&1 ||
	    [ $? -eq 1 ]		# its "no" is a run all the same
	n=$(grep -n "$call([^\"]*\"$name\"" eio-trace | head -n 1 | cut -d: -f1)
	rm -rf eio-probe eio-trace
	[ -n "$n" ] || { echo "eio_at: no $call of $name" >&2; return 1; }
	run --separate-stderr env ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
	    strace -qq -o /dev/null -e trace="$call" \
	    -e inject="$call":error=EIO:when="$n" "$@"
}

# same_files A B [keys]: the same files with the same bytes; the lock,
# tmp/ (what a writer staged before it failed, and no commit took) and
# directories (which it may make first) aside; with "keys", the keys logs
# too, which a writer appends to before its commit (their committed
# length is in seq and close-seq: cx-spool(5)).
same_files() {
	diff -u <(file_sums "$1" "${3-}") <(file_sums "$2" "${3-}")
}

# file_sums DIR [keys]: a line "SUM  ./NAME" for each file same_files
# compares, sorted by name.
file_sums() {
	(cd "$1" && find . -type f ! -path ./lock ! -path './tmp/*' \
	    ${2:+! -path ./keys ! -path ./close-keys} -exec sha1sum {} + |
	    sort -k 2)
}

# The calls io_loop makes fail: those that open, read, write, list, sync
# and rename files, and look whether one is there.
IO_CALLS=openat,read,pread64,readv,preadv,write,pwrite64,writev,pwritev
IO_CALLS+=,fsync,fdatasync,syncfs,ftruncate,getdents64
IO_CALLS+=,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat
IO_CALLS+=,access,faccessat,faccessat2

# io_sites DIR [INJECTED]: from a trace of IO_CALLS (strace -y, one
# process) on the standard input, one line "LINE CALL N ERRORS WHERE" for
# each call a run in DIR is made to fail at: its line in the trace, that
# it is the Nth CALL of the run, the errors it is made to fail with (EIO,
# and ENOSPC for a write) and its file (DIR written "."; the new name of
# a rename; the number of a hidden ".NAME.1234", named for its process,
# written PID: the same in every run).
# What the dynamic loader, a sanitizer's run time and libselinux (under
# GMime) look at on their own (/lib, /usr/lib, /proc, /etc/selinux, the
# pipe through which UBSan checks that memory can be read), and the
# standard error, are left alone.  With INJECTED, only the calls strace
# made fail.
io_sites() {
	awk -v dir="$1" -v injected="${2-}" '
	function rel(p) {
		if (substr(p, 1, length(dir)) == dir &&
		    (length(p) == length(dir) || substr(p, length(dir) + 1, 1) == "/"))
			return "." substr(p, length(dir) + 1)
		return p
	}
	{
		sc = $0
		sub(/\(.*/, "", sc)
		if (sc !~ /^[a-z0-9_]+$/)
			next
		n[sc]++
		if (injected != "" && $0 !~ / \(INJECTED\)$/)
			next
		a = substr($0, length(sc) + 2)
		fd = ""
		at = ""
		if (match(a, /^(AT_FDCWD|[0-9]+)</)) {
			fd = substr(a, 1, RLENGTH - 1)
			a = substr(a, RLENGTH + 1)
			at = substr(a, 1, index(a, ">") - 1)
			a = substr(a, index(a, ">") + 1)
		}
		name = ""
		if (sc ~ /^(openat|unlink|unlinkat|mkdir|mkdirat|rename|renameat2?|access|faccessat2?)$/ &&
		    match(a, /"([^"\\]|\\.)*"/)) {
			name = substr(a, RSTART + 1, RLENGTH - 2)
			if (sc ~ /^rename/) {
				b = substr(a, RSTART + RLENGTH)
				if (match(b, /"([^"\\]|\\.)*"/))
					name = substr(b, RSTART + 1, RLENGTH - 2)
			}
		}
		if (sc ~ /^renameat2?$/ && match(a, /, [0-9]+<[^>]*>, "/)) {
			b = substr(a, RSTART)
			at = substr(b, index(b, "<") + 1)
			at = substr(at, 1, index(at, ">") - 1)
		}
		if (name == "")
			p = at
		else if (name ~ /^\// || at == "")
			p = name
		else
			p = at "/" name
		gsub(/\/\/+/, "/", p)
		gsub(/\/(\.\/)+/, "/", p)
		if (p ~ /\/\.[^\/]*\.[0-9]+$/)
			sub(/[0-9]+$/, "PID", p)
		if (fd == "1" && sc ~ /write/)
			p = "stdout"
		if (p ~ /^\/(usr\/)?lib(32|64|x32)?\// ||
		    p ~ /^\/etc\/(ld\.so|selinux\/)/ || p ~ /^\/(proc|sys|dev)\// ||
		    p ~ /^pipe:/ || (fd == "2" && sc ~ /write/))
			next
		print NR, sc, n[sc], sc ~ /write/ ? "EIO,ENOSPC" : "EIO", rel(p)
	}'
}

# io_name WHERE: what a message about the file io_sites calls WHERE names
# at least: its last component (HASH for a hidden ".HASH.PID", where
# HASH is being written).
io_name() {
	local n=${1##*/}
	[[ "$n" == .*.PID ]] && n=${n#.} && n=${n%.PID}
	printf '%s\n' "$n"
}

# io_loop BASE CMD...: CMD, run in sp/ (made afresh from BASE each time;
# a writer is given "-s ."), is made to fail at each of its I/O calls in
# turn (io_sites), one occurrence at a time, with EIO, and each write also
# with ENOSPC.  Each time it must exit 2 saying, on a line of its own, the
# file and the error ("cx-ingest: ./new/B0000000001.jsonl: Input/output
# error"); it must have committed nothing if the call came before its
# commit point (the first call matching IO_COMMIT, by default the rename
# of the state that lists the commit: an error after it fails a commit
# that is made, which the next run finishes); and an undisturbed rerun
# must then leave sp/, and write on its standard output, what one
# undisturbed run does.  Says how many calls failed.
#
# The traced run is the reference, and each run fails the call it was
# meant to, which its own trace shows: a run that does not repeat the
# reference call for call is a failure, not a test of something else.
# The sanitizer build, three to four times slower, fails a fixed subset:
# of the calls of a kind in one directory (file names' numbers aside),
# the first, the last and every IO_EVERY-th (8); the plain build fails
# every call, so the subset is for what only the sanitizers see.
io_loop() {
	local base=$1 tool=${2##*/} here line sc n errs where e st cpt msg
	local every=1 count=0 failed='' key l said got bsums rsums name
	local commit=${IO_COMMIT:-'^renameat\([0-9]+<[^>]*>, "[0-9]+\.\.state", [0-9]+<[^>]*>, "state"\) = 0$'}
	shift
	[[ "$CX_BIN" == */san/* ]] && every=${IO_EVERY:-8}
	here=$(pwd -P)
	rm -rf ref
	cp -a "$base" ref
	st=0
	(cd ref && ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace -qq -y \
	    -o ../io-trace -e trace="$IO_CALLS" "$@" >../io-ref 2>../io-err) ||
	    st=$?
	[ "$st" -le 1 ] || { echo "io_loop: $* exits $st:" >&2; cat io-err >&2; return 1; }
	io_sites "$here/ref" <io-trace >io-sites
	cpt=$(grep -n -m 1 -E "$commit" io-trace | cut -d: -f1)
	if [ "$every" -gt 1 ]; then
		awk -v k="$every" '
		    { key = $5; sub(/\/[^\/]*$/, "", key); key = $2 " " key
		      gsub(/[0-9]+/, "N", key); i = ++seen[key]; last[key] = NR
		      l[NR] = $0; keep[NR] = i == 1 || i % k == 0 }
		    END { for (x in last) keep[last[x]] = 1
			  for (r = 1; r <= NR; r++) if (keep[r]) print l[r] }' \
		    io-sites >io-keep && mv io-keep io-sites
	fi
	bsums=$(file_sums "$base" keys)
	rsums=$(file_sums ref)
	while read -r line sc n errs where; do
		name=$(io_name "$where")
		for e in ${errs//,/ }; do
			count=$((count + 1))
			key="$sc #$n ($where) $e"
			[ "$e" = EIO ] && msg='Input/output error' ||
			    msg='No space left on device'
			rm -rf sp
			cp -a "$base" sp
			st=0
			(cd sp && ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 strace \
			    -qq -y -Z -o ../io-inj -e trace="$sc" \
			    -e inject="$sc":error="$e":when="$n" "$@" \
			    >../io-out 2>../io-err) || st=$?
			got=$(io_sites "$here/sp" injected <io-inj | cut -d' ' -f2,5-)
			said=0
			while IFS= read -r l; do
				[[ "$l" == "$tool: "*": $msg" && "$l" == *"$name"* ]] &&
				    said=1
			done <io-err
			if [ "$got" != "$sc $where" ]; then
				failed+="  $key: not the call failed: $(grep -m 1 INJECTED io-inj | head -c 200)"$'\n'
			elif [ "$st" -ne 2 ]; then
				failed+="  $key: exit $st: $(head -c 300 io-err)"$'\n'
			elif [ "$said" -eq 0 ]; then
				failed+="  $key: said: $(head -c 300 io-err)"$'\n'
			elif [ "$line" -le "${cpt:-999999}" ] &&
			    [ "$(file_sums sp keys)" != "$bsums" ]; then
				failed+="  $key: committed: $(same_files "$base" sp keys 2>&1 | grep '^[-+][^-+]' | head -3 | tr '\n' ' ')"$'\n'
			else
				st=0
				(cd sp && "$@" >../io-out 2>/dev/null) || st=$?
				if [ "$st" -gt 1 ] || [ "$(file_sums sp)" != "$rsums" ] ||
				    ! cmp -s io-ref io-out; then
					failed+="  $key: the rerun (exit $st) differs: $(same_files ref sp 2>&1 | grep '^[-+][^-+]' | head -3 | tr '\n' ' ')"$'\n'
				fi
			fi
		done
	done <io-sites
	rm -f io-trace io-inj io-out io-err io-ref io-sites
	echo "# $tool: $count failed calls" >&3
	[ "$count" -gt 0 ]
	[ -z "$failed" ] || { printf 'after an I/O error:\n%s' "$failed" >&2; return 1; }
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
