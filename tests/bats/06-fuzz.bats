#!/usr/bin/env bats
# The fuzz harnesses (tests/fuzz/README), briefly: each input kept in
# tests/fuzz/crashers/TARGET once more (each once crashed its harness, or
# broke what it checks, until the fix that came with it), then each
# harness from its seeds for a fixed number of runs, a fixed seed and at
# most 15 seconds.  A crash in those runs is a bug found: the test fails
# and says where the input is.  The harnesses are one build, made with
# clang (make fuzz-build, which make check runs where clang can); without
# libFuzzer the tests skip.  Run long with make fuzz.

load helper

setup_file() {
	local top
	top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	FUZZ_OK=0
	sh "$top/tests/fuzz/probe" && FUZZ_OK=1
	export FUZZ_OK
}

# fuzz TARGET RUNS: the crashers of TARGET again, then RUNS runs of it
# (about three seconds' worth here).
fuzz() {
	[ "$FUZZ_OK" = 1 ] ||
	    skip "no libFuzzer: clang and libclang-rt-dev (make deps)"
	if [ ! -x "$TOP/build/fuzz/fuzz-$1" ]; then
		echo "no build/fuzz/fuzz-$1: run make fuzz-build" >&2
		return 1
	fi
	run --separate-stderr sh "$TOP/tests/fuzz/run" -R -d "$T/fuzz" "$1"
	check_status 0
	run --separate-stderr sh "$TOP/tests/fuzz/run" -t 15 -r "$2" -s 1 \
	    -d "$T/fuzz" "$1"
	check_status 0
	printf '%s\n' "$stderr" | grep number_of_executed | sed 's/^/# /' >&3
}

@test "fuzz: the record codec agrees with jq" {
	fuzz json 8000
}

@test "fuzz: CSV reading" {
	fuzz csv 4000
}

@test "fuzz: times" {
	fuzz time 20000
}

@test "fuzz: the rules file and classification" {
	fuzz rules 200
}

@test "fuzz: the calendar file and working time" {
	fuzz calendar 500
}

@test "fuzz: the policy file and the sweep" {
	fuzz policy 2000
}

@test "fuzz: the column-map file and intake" {
	fuzz colmap 2500
}

@test "fuzz: the mail reader" {
	fuzz mail 1000
}
