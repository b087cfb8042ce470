#!/usr/bin/env bats
# The manual pages are lint-clean, and every command their EXAMPLES show
# as runnable does run, so that the pages cannot drift from the tools.
#
# The convention, for whoever writes a page: in the EXAMPLES section, a
# line of a literal display (.Bd -literal ... .Ed) that starts with "$ "
# is a command.  It goes on over the next lines while, read as sh(1)
# reads it, it ends in a backslash (written \e) or inside quotes (a jq
# program over several lines).  Anything else in EXAMPLES (output, a
# crontab line, a command needing files we do not ship) is shown without
# the "$ " and is not run.  A page's commands run in order, in one fresh
# directory holding copies of examples/ and share/, so that paths are
# those of the top of the source tree and a later command can use what an
# earlier one made (a spool, say).  Each must exit 0 or 1 (1 is the
# documented "no", such as the rejected rows of examples/helpdesk-zh.csv)
# and print no sanitizer report, nor "no such ticket": an example that
# names a ticket must make it with that number whatever the day.  The
# pages are run once with the suite's clock (CX_NOW) and once more on the
# real one, so that no example works only on the day it was written.

load helper

# Every page in man/, each with a test of its examples at the end of this
# file: a new page needs both.
PAGES="cx.7 cx-ingest.1 cx-classify.1 cx-learn.1 cx-route.1 cx-close.1 cx-show.1 cx-follow.1 cx-status.1 cx-report.1 cx-mail.1 cx-templates.5 cx-improvements.5 cx-agents.5 cx-columns.5 cx-conf.5 cx-spool.5 cx-nb.5 cx-routing.5 cx-rules.5 cx-solutions.5 cx-taxonomy.5 cx-calendar.5 cx-sla.1 cx-policy.5"

setup() {
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
	cp -R "$TOP/examples" "$TOP/share" "$W"
	cd "$W" || return 1
	unset CX_SPOOL CX_TZ
}

# commands PAGE DIR: write each runnable command of PAGE's EXAMPLES to
# DIR/NNN, with the roff escapes a literal display needs undone.
commands() {
	mkdir -p "$2"
	awk -v dir="$2" -v page="$1" '
	function unescape(s) {
		gsub(/\\e/, "\001", s)
		gsub(/\\&/, "", s)
		gsub(/\\-/, "-", s)
		gsub(/\\\(aq/, "\047", s)
		gsub(/\\\(dq/, "\"", s)
		gsub(/\\\(ga/, "`", s)
		gsub(/\\\(ti/, "~", s)
		gsub(/\\\(ha/, "^", s)
		if (index(s, "\\") > 0) {
			printf "%s:%d: a roff escape the test cannot undo: %s\n",
			    page, NR, s > "/dev/stderr"
			bad = 1
		}
		gsub(/\001/, "\\", s)
		return s
	}
	# Whether a command that has come to the end of line s goes on: after
	# a backslash, or inside quotes, as sh reads it.  q is the open quote.
	function goes_on(s, i, c) {
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (q == "\047") {
				if (c == "\047")
					q = ""
			} else if (c == "\\") {
				if (i == length(s))
					return 1
				i++
			} else if (q == "\"") {
				if (c == "\"")
					q = ""
			} else if (c == "\047" || c == "\"")
				q = c
		}
		return q != ""
	}
	/^\.Sh / { ex = ($0 == ".Sh EXAMPLES"); lit = 0; more = 0; next }
	!ex { next }
	/^\.Bd -literal/ { lit = 1; next }
	/^\.Ed/ { lit = 0; more = 0; next }
	!lit { next }
	{
		line = unescape($0)
		if (more)
			printf "\n%s", line > file
		else if (substr(line, 1, 2) == "$ ") {
			line = substr(line, 3)
			q = ""
			n++
			file = sprintf("%s/%03d", dir, n)
			printf "%s", line > file
		} else
			next
		more = goes_on(line)
		if (!more)
			close(file)
	}
	END { exit bad }
	' "$1"
}

# run_examples PAGE: run the commands of man/PAGE as described on top.
run_examples() {
	local page=$TOP/man/$1 cmds=$BATS_TEST_TMPDIR/cmds f n=0
	[ -f "$page" ] || { echo "no $page" >&2; return 1; }
	commands "$page" "$cmds"
	for f in "$cmds"/*; do
		[ -f "$f" ] || break
		n=$((n + 1))
		run --separate-stderr timeout 60 bash -o pipefail -c "$(cat "$f")" \
		    </dev/null
		if [ "$status" -gt 1 ] ||
		    printf '%s\n%s\n' "$output" "$stderr" |
		    grep -Eq 'Sanitizer|runtime error:|no such ticket'; then
			printf '%s: example %d exited %d:\n$ %s\n' "$1" "$n" \
			    "$status" "$(cat "$f")" >&2
			printf -- '--- stdout\n%s\n--- stderr\n%s\n' "$output" \
			    "$stderr" >&2
			return 1
		fi
	done
	if [ "$n" -eq 0 ]; then
		echo "$1: no runnable example" >&2
		return 1
	fi
}

@test "man: mandoc -Tlint -W warning is clean" {
	run mandoc -Tlint -W warning "$TOP"/man/*.[1-9]
	[ "$status" -eq 0 ] && [ -z "$output" ] || {
		printf '%s\n' "$output" >&2
		false
	}
}

@test "man: every page is here and has its examples run below" {
	local have want
	have=$(cd "$TOP/man" && ls -- *.[1-9] | sort)
	want=$(printf '%s\n' $PAGES | sort)
	check_eq "pages in man/" "$have" "$want"
}

@test "man: the convention finds continued commands and undoes escapes" {
	cat > page.1 <<-'EOF'
	.Sh EXAMPLES
	.Bd -literal
	$ echo a \e
	    b
	not run
	$ printf '%s\en' \(aqx\(aq \-y
	$ jq -r 'select(.a) |
	    .b' "it's" x
	$ true
	.Ed
	.Sh SEE ALSO
	.Bd -literal
	$ false
	.Ed
	EOF
	commands page.1 out
	[ "$(ls out)" = "001
002
003
004" ]
	[ "$(cat out/001)" = 'echo a \
    b' ]
	[ "$(cat out/002)" = "printf '%s\n' 'x' -y" ]
	[ "$(cat out/003)" = "jq -r 'select(.a) |
    .b' \"it's\" x" ]
	[ "$(cat out/004)" = true ]
}

@test "man examples: cx(7)" {
	run_examples cx.7
}

@test "man examples: cx-ingest(1)" {
	run_examples cx-ingest.1
}

@test "man examples: cx-columns(5)" {
	run_examples cx-columns.5
}

@test "man examples: cx-conf(5)" {
	run_examples cx-conf.5
}

@test "man examples: cx-spool(5)" {
	run_examples cx-spool.5
}

@test "man examples: cx-classify(1)" {
	run_examples cx-classify.1
}

@test "man examples: cx-learn(1)" {
	run_examples cx-learn.1
}

@test "man examples: cx-nb(5)" {
	run_examples cx-nb.5
}

@test "man examples: cx-rules(5)" {
	run_examples cx-rules.5
}

@test "man examples: cx-taxonomy(5)" {
	run_examples cx-taxonomy.5
}

@test "man examples: cx-route(1)" {
	run_examples cx-route.1
}

@test "man examples: cx-routing(5)" {
	run_examples cx-routing.5
}

@test "man examples: cx-agents(5)" {
	run_examples cx-agents.5
}

@test "man examples: cx-solutions(5)" {
	run_examples cx-solutions.5
}

@test "man examples: cx-calendar(5)" {
	run_examples cx-calendar.5
}

@test "man examples: cx-sla(1)" {
	run_examples cx-sla.1
}

@test "man examples: cx-close(1)" {
	run_examples cx-close.1
}

@test "man examples: cx-show(1)" {
	run_examples cx-show.1
}

@test "man examples: cx-policy(5)" {
	run_examples cx-policy.5
}

@test "man examples: every page again on the real clock, not the suite's" {
	local p
	for p in $PAGES; do
		rm -rf "$W" "$BATS_TEST_TMPDIR/cmds" && mkdir -p "$W" &&
		    cp -R "$TOP/examples" "$TOP/share" "$W" && cd "$W" || return 1
		CX_NOW= run_examples "$p" || return 1
	done
}

@test "man examples: cx-follow(1)" {
	run_examples cx-follow.1
}

@test "man examples: cx-status(1)" {
	run_examples cx-status.1
}

@test "man examples: cx-templates(5)" {
	run_examples cx-templates.5
}

@test "man examples: cx-report(1)" {
	run_examples cx-report.1
}

@test "man examples: cx-improvements(5)" {
	run_examples cx-improvements.5
}

@test "man examples: cx-mail(1)" {
	run_examples cx-mail.1
}
