#!/usr/bin/env bats
# The suite's one shape (cx(7)): every tool takes -h, --help and --version;
# a letter means one thing in every tool, as cx(7)'s table of options and
# each tool's page say; each page's SYNOPSIS is the tool's usage; and the
# same bad input gets the same answer from every tool: a warning of one
# form, a summary line, exit 1.

load helper

TOOLS="cx-ingest cx-classify cx-learn cx-route cx-sla cx-close cx-show cx-follow cx-status cx-report cx-mail"
# The tools that read tickets as files or a filter.
FILTERS="cx-ingest cx-classify cx-learn cx-route cx-sla"

# options TOOL: "LETTER LONG" per option of TOOL's --help, "- LONG" for
# one with a long name only.
options() {
	"$1" --help | sed -n -e 's/^  -\(.\), --\([a-z-]*\).*/\1 \2/p' \
	    -e 's/^      --\([a-z-]*\).*/- \1/p'
}

# page_options PAGE: the same, of the option list of man/PAGE.
page_options() {
	sed -n '/^\.Sh DESCRIPTION/,/^\.Sh /p' "$TOP/man/$1" |
	    grep '^\.It Fl' |
	    sed -n -e 's/^\.It Fl \([A-Za-z]\)\( .*\)\{0,1\}, Fl -\([a-z-]*\).*/\1 \3/p' \
	    -e 's/^\.It Fl -\([a-z-]*\).*/- \1/p'
}

# letters: the option letters and long-only names of option words on the
# standard input ("-Eq", "[-s", "--now"), one a line, sorted, once each.
letters() {
	tr ' ' '\n' | tr -d '[]' | grep '^-.' | while read -r w; do
		case $w in
		--*) echo "${w#--}" ;;
		*) printf '%s\n' "${w#-}" | fold -w1 ;;
		esac
	done | sort -u
}

# usage_letters TOOL: those of every form of the usage.
usage_letters() {
	"$1" --help | sed -n '1,/^$/p' | letters
}

# synopsis_letters PAGE: those of every form of the SYNOPSIS of man/PAGE.
synopsis_letters() {
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$TOP/man/$1" |
	    grep -o 'Fl [-A-Za-z]*' | sed 's/^Fl /-/' | letters
}

@test "suite: every tool answers -h and --help with its usage and options on stdout, exit 0, and --version" {
	local t
	for t in $TOOLS; do
		run --separate-stderr "$t" -h
		check_status 0
		check_stderr
		[[ ${lines[0]} == "usage: $t "* ]] || { echo "$t -h: ${lines[0]}" >&2; return 1; }
		[[ $output == *"  -h, --help "* && $output == *"      --version "* ]]
		check_eq "$t --help" "$("$t" --help)" "$output"
		run --separate-stderr "$t" --version
		check_status 0
		check_stderr
		check_eq "$t --version" "$output" "$t 0.5.0"
	done
}

@test "suite: every short option has a long one, and a letter means the same in every tool" {
	local t l n
	for t in $TOOLS; do
		options "$t"
	done | sort -u >all
	# One long name a letter.
	check_eq "letters with two meanings" "$(awk '$1 != "-" { print $1 }' all | uniq -d)" ''
	check_eq "long names with two letters" "$(awk '{ print $2 }' all | sort | uniq -d)" ''
	while read -r l n; do
		[ -n "$n" ] || { echo "-$l has no long name" >&2; return 1; }
	done <all
}

@test "suite: cx(7)'s table of options is every option of every tool, and only those" {
	local t
	for t in $TOOLS; do
		options "$t"
	done | sort -u >tools
	sed -n '/^\.Ss Options/,/^\.Ss /p' "$TOP/man/cx.7" | grep '^\.It Fl' |
	    sed -n -e 's/^\.It Fl \([A-Za-z]\) , Fl -\([a-z-]*\).*/\1 \2/p' \
	    -e 's/^\.It Fl -\([a-z-]*\).*/- \1/p' | sort -u >table
	diff -u table tools
}

@test "suite: each tool's page lists its options, short and long, and its SYNOPSIS is its usage" {
	local t
	for t in $TOOLS; do
		diff -u <(page_options "$t.1" | sort) <(options "$t" | sort) ||
		    { echo "$t.1: options differ from $t --help" >&2; return 1; }
		diff -u <(synopsis_letters "$t.1") <(usage_letters "$t") ||
		    { echo "$t.1: SYNOPSIS differs from the usage" >&2; return 1; }
	done
}

@test "suite: an unknown option or a missing value is exit 2, named as given, then the usage" {
	local t usage
	for t in $TOOLS; do
		usage=$("$t" --help | sed -n '1,/^$/p' | sed '$d')
		run --separate-stderr "$t" -Y
		check_status 2
		check_stderr "$t: unknown option -Y" "$usage"
		run --separate-stderr "$t" --bogus
		check_status 2
		check_stderr "$t: unknown option --bogus" "$usage"
		[ -z "$output" ]
		# In a cluster after a long option, the letter is named.
		run --separate-stderr "$t" --quiet -Yq
		check_status 2
		check_stderr "$t: unknown option -Y" "$usage"
		run --separate-stderr "$t" --quiet=yes
		check_status 2
		check_stderr "$t: option --quiet takes no value" "$usage"
	done
	for t in cx-ingest cx-classify cx-route cx-sla cx-close; do
		run --separate-stderr "$t" --zone
		check_status 2
		check_stderr "$t: option --zone needs a value" \
		    "$("$t" --help | sed -n '1,/^$/p' | sed '$d')"
		run --separate-stderr "$t" --zone=UTC -qz
		check_status 2
		check_stderr "$t: option -z needs a value" \
		    "$("$t" --help | sed -n '1,/^$/p' | sed '$d')"
	done
}

# The same two bad lines to every tool: one that is no JSON, one that is
# JSON but no object; and a good ticket between them.
bad_input() {
	printf '%s\n' 'not json' \
	    '{"id":"T-1","text":"the parcel is late","category":"logistics","subcategory":"logistics.late","received_at":"2026-11-24T08:00:00+08:00","customer":{"id":"U1"}}' \
	    '[1,2]' >bad.jsonl
}

@test "suite: the same bad lines get the same answer from every tool: FILE:LINE: why; what became of it, a summary, exit 1" {
	bad_input
	local t fate
	for t in $FILTERS; do
		case $t in
		cx-ingest) set -- -f jsonl; fate='' ;;
		cx-classify) set --; fate='; passed through unclassified' ;;
		cx-learn) set -- -o m.nb; fate='; left out' ;;
		cx-route) set --; fate='; passed through unrouted' ;;
		cx-sla) set --; fate='; passed through' ;;
		esac
		run --separate-stderr run_to out "$t" "$@" bad.jsonl
		check_status 1
		check_eq "$t: warnings" "$(printf '%s\n' "$stderr" | sed -n 1,2p | sed 's/\(bad\.jsonl:[0-9]*: \)[^;]*/\1WHY/')" \
		    "$t: bad.jsonl:1: WHY$fate
$t: bad.jsonl:3: WHY$fate"
		check_eq "$t: lines on stderr" "$(printf '%s\n' "$stderr" | wc -l)" 3
		[[ ${stderr##*$'\n'} == "$t: "[0-9]* ]] ||
		    { echo "$t: no summary line: $stderr" >&2; return 1; }
		# -q: the warnings, the status, no summary.
		run --separate-stderr run_to out "$t" -q "$@" bad.jsonl
		check_status 1
		check_eq "$t -q: lines on stderr" "$(printf '%s\n' "$stderr" | wc -l)" 2
	done
	# cx-ingest rejects what the others pass through: "invalid JSON".
	run --separate-stderr cx-ingest -f jsonl bad.jsonl
	[[ ${stderr%%$'\n'*} == 'cx-ingest: bad.jsonl:1: invalid JSON: '* ]]
}

@test "suite: an empty spool path is an error: exit 2" {
	local t
	for t in cx-ingest cx-classify cx-route cx-sla cx-close; do
		run --separate-stderr "$t" -s ''
		check_status 2
		check_stderr "$t: the spool's path is empty"
	done
}

@test "suite: an input file that cannot be read is an error that stops the run: exit 2" {
	local t
	for t in cx-classify cx-learn cx-route cx-sla; do
		run --separate-stderr "$t" -o m.nb nothere.jsonl
		[ "$t" = cx-learn ] || run --separate-stderr "$t" nothere.jsonl
		check_status 2
		[[ ${stderr%%$'\n'*} == "$t: nothere.jsonl: No such file or directory" ]] ||
		    { echo "$t said: $stderr" >&2; return 1; }
	done
	run --separate-stderr cx-ingest nothere.csv
	check_status 2
	[[ ${stderr%%$'\n'*} == 'cx-ingest: nothere.csv: No such file or directory' ]]
}

@test "suite: a file a tool creates outside a spool is at most 0640 whatever the umask; a rejects file 0600" {
	umask 000
	cx-ingest -q -r rej.jsonl examples/helpdesk-zh.csv >tickets.jsonl 2>/dev/null || [ $? -eq 1 ]
	cx-classify -q tickets.jsonl >labelled.jsonl
	cx-learn -q -o model.nb labelled.jsonl
	routed_spool sp examples/helpdesk-zh.csv
	cx-sla -q -s sp -A alerts.jsonl || [ $? -eq 1 ]
	check_eq modes "$(stat -c '%a %n' rej.jsonl model.nb alerts.jsonl)" '600 rej.jsonl
640 model.nb
640 alerts.jsonl'
	no_world_access sp
}

@test "suite: no file of a tool's source is over 600 lines" {
	check_eq long "$(cd "$TOP" && wc -l cmd/*.c cmd/*.h | awk '$2 != "total" && $1 > 600 { print $2 ": " $1 }')" ''
}
