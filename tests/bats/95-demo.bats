#!/usr/bin/env bats
# examples/demo.sh, what `make demo` runs, is run here too, against the
# build under test, so the README's first command cannot rot.

bats_require_minimum_version 1.5.0
load helper

@test "demo: examples/demo.sh registers, classifies and reports" {
	# demo.sh finds the tools in ../bin beside examples/: a tree of links.
	mkdir -p tree/bin tree/examples
	ln -s "$TOP/share" tree/share
	for t in "$CX_BIN"/cx-*; do ln -s "$t" tree/bin/; done
	cp "$TOP"/examples/* tree/examples/
	run --separate-stderr sh tree/examples/demo.sh "$PWD/demo-spool"
	check_status 0
	[[ "$output" == *"CX-20261124-0003: category quality.safety by rule"* ]]
	[[ "$output" == *$'CX-20261124-0006\tapp\t+8618600186000\t2499\t0 follow-ups\turgent\taccount.theft'* ]]
	[[ "$output" == *'helpdesk-zh.csv:12: invalid amount "十元"'* ]]
	[ "$(cat demo-spool/new/*.jsonl | wc -l)" -eq 10 ]
	! grep -q 'Sanitizer\|runtime error' <<<"$stderr"
}
