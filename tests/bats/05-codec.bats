#!/usr/bin/env bats
# The record codec checked against jq on the same input (bench/roundtrip
# is the codec alone: read, set .x=1, write).  Where jq 1.6 and RFC 8259
# agree, so must we; where jq 1.6 is lenient (a byte order mark, a raw
# U+001E or U+001F, words like 01, .5, +1, NaN, nan and Infinity, several
# values on a line, a line that is not an object, bytes that are not
# UTF-8), the codec follows the RFC and rejects, as cx(7) says, and the
# test says so.  tests/fuzz/json.c holds the codec to the same.

bats_require_minimum_version 1.5.0

setup() {
	top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	build=${CX_BUILD:-$top/build}
	rt=$build/bench/roundtrip
	data=$top/tests/data
}

@test "codec: every record reads as jq reads it, with .x set" {
	run -0 sh -c "'$rt' < '$data/json-agree.jsonl' | jq -c . > '$BATS_TEST_TMPDIR/ours'"
	jq -c '.x=1' < "$data/json-agree.jsonl" > "$BATS_TEST_TMPDIR/jq"
	diff -u "$BATS_TEST_TMPDIR/jq" "$BATS_TEST_TMPDIR/ours"
}

@test "codec: generated complaints round-trip as jq says" {
	gen=$build/tests/cxgen
	[ -x "$gen" ] || skip "cxgen not built"
	"$gen" -f jsonl -n 3000 -s 7 > "$BATS_TEST_TMPDIR/in"
	"$rt" < "$BATS_TEST_TMPDIR/in" | jq -c . > "$BATS_TEST_TMPDIR/ours"
	jq -c '.x=1' < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/jq"
	diff -u "$BATS_TEST_TMPDIR/jq" "$BATS_TEST_TMPDIR/ours"
}

@test "codec: untouched members keep their bytes (amounts, big ids)" {
	printf '%s\n' '{"amount":176.14,"id":12345678901234567890123,"s":"\u4e2d"}' > "$BATS_TEST_TMPDIR/in"
	run -0 "$rt" "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"amount":176.14,"id":12345678901234567890123,"s":"\u4e2d","x":1}' ]
}

@test "codec: lines jq rejects are rejected, with file and line" {
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$line" > "$BATS_TEST_TMPDIR/bad"
		run jq -c . "$BATS_TEST_TMPDIR/bad"
		[ "$status" -ne 0 ]
		run --separate-stderr "$rt" "$BATS_TEST_TMPDIR/bad"
		[ "$status" -eq 2 ] || { echo "accepted: $line"; false; }
		[[ "$stderr" == "roundtrip: $BATS_TEST_TMPDIR/bad:1: "* ]]
	done < "$data/json-bad-both.txt"
	[ "$n" -eq 17 ]
}

@test "codec: what jq 1.6 lets through and RFC 8259 does not is rejected" {
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$line" > "$BATS_TEST_TMPDIR/bad"
		run jq -c . "$BATS_TEST_TMPDIR/bad"
		[ "$status" -eq 0 ]
		run --separate-stderr "$rt" "$BATS_TEST_TMPDIR/bad"
		[ "$status" -eq 2 ] || { echo "accepted: $line"; false; }
	done < "$data/json-bad-rfc.txt"
	[ "$n" -eq 16 ]
}

@test "codec: invalid UTF-8 is rejected (jq 1.6 would replace it)" {
	printf '{"a":"\377"}\n{"a":"\300\257"}\n' > "$BATS_TEST_TMPDIR/bad"
	run --separate-stderr "$rt" "$BATS_TEST_TMPDIR/bad"
	[ "$status" -eq 2 ]
	[ "$stderr" = "roundtrip: $BATS_TEST_TMPDIR/bad:1: invalid UTF-8 at column 7" ]
}

@test "codec: a line of any length" {
	head -c 3000000 /dev/zero | tr '\0' 'a' > "$BATS_TEST_TMPDIR/long"
	{ printf '{"t":"'; cat "$BATS_TEST_TMPDIR/long"; printf '"}'; } > "$BATS_TEST_TMPDIR/in"
	run -0 sh -c "'$rt' '$BATS_TEST_TMPDIR/in' | jq -r '.t | length'"
	[ "$output" = 3000000 ]
}

@test "codec: a key given twice, at any depth, is its last and written once, as jq reads it" {
	printf '%s\n' '{"a":1,"a":2}' \
	    '{"c":{"a":1,"b":2,"a":3},"d":{"a":1}}' \
	    '{"h":[{"at":1,"at":2},{"k":{"z":1,"z":[{"y":1,"y":2}]}}]}' \
	    '{"c":{"a\u0062":1,"ab":2}}' \
	    '{"c":{"ab":1,"a\u0062":2}}' > "$BATS_TEST_TMPDIR/in"
	run -0 "$rt" "$BATS_TEST_TMPDIR/in"
	[ "$output" = '{"a":2,"x":1}
{"c":{"b":2,"a":3},"d":{"a":1},"x":1}
{"h":[{"at":2},{"k":{"z":[{"y":2}]}}],"x":1}
{"c":{"ab":2},"x":1}
{"c":{"a\u0062":2},"x":1}' ]
	printf '%s\n' "$output" | jq -S -c . > "$BATS_TEST_TMPDIR/ours"
	jq -S -c '.x=1' "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/jq"
	diff -u "$BATS_TEST_TMPDIR/jq" "$BATS_TEST_TMPDIR/ours"
}
