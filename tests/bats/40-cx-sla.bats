#!/usr/bin/env bats
# cx-sla: each ticket's clocks (cx-policy(5)) in working or calendar time
# (cx-calendar(5)), the sla member, warnings, breaches and the escalation
# ladder, alerts held until working time, force majeure (-x and the
# extensions file), -E (explain); filter mode and spool mode, sweeps every few
# minutes, two tools at once and crashes.  The rules are tested with a
# small policy of our own (POLICY below) and the shipped calendar, in a
# spool's etc/ or, for filter mode, in CX_SHARE; the shipped policy on the
# examples through the real pipeline.  Time is always pinned: 2026-11-24
# is a Tuesday, 2026-11-28 a Saturday; the desk works 09:00-12:00 and
# 13:30-18:00 on weekdays (a working day of 7h30m).

load helper

setup() {
	cx_setup
	# What the tests make is no more open than what the tools make.
	umask 027
}

# An answer within 4 working hours (1 hour when urgent), never paused; a
# fix within 24 hours (8 when urgent), paused while waiting.  Warnings at
# 75% and 90%; the ladder: at the breach, 1 and 2 working hours later.
POLICY='# policy of the cx-sla tests
clock answer from=received stop=replied,resolved
clock fix    from=received stop=resolved,closed pause reopen
target answer 1h           priority=urgent
target answer 4h working
target fix    8h           priority=urgent
target fix    24h
warn 75% 90%
escalate 0           notify=assignee,owner
escalate 1h working  notify=supervisor
escalate 2h working  queue=高级客服 raise notify=assignee,supervisor'

# conf DIR: the shipped configuration with POLICY, for filter mode
# (CX_SHARE=DIR).
conf() {
	mkdir -p "$1"
	local f
	for f in cx.conf calendar routing agents solutions; do
		cp "$TOP/share/cx/$f" "$1/"
	done
	printf '%s\n' "$POLICY" >"$1/policy"
}

# spool DIR: an empty spool with POLICY in its etc/.
spool() {
	mkdir -p "$1/etc" "$1/open"
	printf '%s\n' "$POLICY" >"$1/etc/policy"
}

# at MM-DDTHH:MM: that minute of 2026 in Asia/Shanghai, as RFC 3339.
at() {
	printf '2026-%s:00+08:00' "$1"
}

# tk ID PRIORITY RECEIVED [MEMBERS]: a routed ticket of 客服部, 小李's, owned
# by 小王, received at RECEIVED (MM-DDTHH:MM), with MEMBERS (JSON members,
# comma-separated) at the end.
tk() {
	printf '{"id":"%s","received_at":"%s","priority":"%s","category":"service","department":"客服部","assignee":"小李","owner":"小王","status":"assigned"%s}\n' \
	    "$1" "$(at "$3")" "$2" "${4:+,$4}"
}

# put DIR ID PRIORITY RECEIVED [MEMBERS]: that ticket in DIR/open/ID.
put() {
	local d=$1 id=$2
	shift
	tk "$@" >"$d/open/$id"
}

# ev TIME ACTION [MEMBERS]: a history entry of 小李's.
ev() {
	printf '{"at":"%s","by":"小李","action":"%s"%s}' "$(at "$1")" "$2" "${3:+,$3}"
}

# hist EV...: the history member of those entries.
hist() {
	local IFS=,
	printf '"history":[%s]' "$*"
}

# sla ARGS...: cx-sla in filter mode with POLICY (CX_SHARE=c).
sla() {
	CX_SHARE=$T/c cx-sla "$@"
}

# sweep DIR TIME [ARGS...]: a sweep of spool DIR at TIME (MM-DDTHH:MM).
sweep() {
	local d=$1 t=$2
	shift 2
	cx-sla -s "$d" --now "$(at "$t")" "$@"
}

# alerts DIR: the alerts of DIR/outbox, file by file in the order written,
# one line each: "HH:MM ticket event clock share-or-level to".
alerts() {
	local f
	[ -d "$1/outbox" ] || return 0
	for f in $(ls "$1/outbox" | sort -t- -k2 -n); do
		jq -r '[.at[11:16], .ticket, .event, .clock,
		    (.share // .level // "-" | tostring), (.to | join(","))] | join(" ")' \
		    "$1/outbox/$f"
	done
}

# said DIR ID: cx-sla's entries in the history of DIR/open/ID, one line
# each: "HH:MM action clock share-or-level".
said() {
	jq -r '.history[]? | select(.by == "cx-sla") | [.at[11:16], .action,
	    (.clock // .name), (.share // .level // "-" | tostring)] | join(" ")' \
	    "$1/open/$2"
}

# ok01 CMD...: CMD, which may say that a ticket is in breach (exit 1);
# anything else, an error or a crash, fails the test.
ok01() {
	local st=0
	"$@" || st=$?
	[ "$st" -le 1 ] || { echo "exit $st: $*" >&2; return 1; }
}

# opened DIR ID FILTER: jq FILTER on DIR/open/ID, compact.
opened() {
	jq -c "$3" "$1/open/$2"
}

# stamps DIR: inode, modification time and name of every file below DIR.
stamps() {
	(cd "$1" && find . -type f ! -name lock -printf '%i %T@ %p\n' | sort -k3)
}

# --- filter mode ----------------------------------------------------------

@test "filter: each ticket gets its sla member, follow-ups pass as they came, members kept byte for byte (golden)" {
	conf c
	{
		# A: the answer is 30 minutes late (due 14:30): a breach, and the
		# first rung at once.
		tk A normal 11-24T09:00
		# B: urgent, half of its hour used.
		tk B urgent 11-24T14:30
		echo '{"followup_of":"A","channel":"app","text":"还没人联系我"}'
		# C: answered; the fix waits on the customer since 12:00.
		tk C normal 11-24T11:00 "$(hist "$(ev 11-24T11:30 replied)" \
		    "$(ev 11-24T12:00 waiting '"on":"customer"')")"
		# D: resolved yesterday, in time.
		tk D low 11-23T09:00 "$(hist "$(ev 11-23T11:00 resolved)")"
		# F: 3h30m of 4 working hours used: the 75% warning.
		tk F normal 11-24T10:00 '"amount":129.50,"n":1.50e+2'
	} >in.jsonl
	run --separate-stderr run_to out.jsonl sla --now "$(at 11-24T15:00)" -A alerts.jsonl in.jsonl
	check_status 1
	check_stderr 'cx-sla: 5 tickets, 5 changed, 0 unread: 1 warnings, 1 breaches, 1 escalations; 1 in breach, 0 history'
	golden sla-tickets.jsonl out.jsonl
	golden sla-alerts.jsonl alerts.jsonl
	check_eq clocks "$(jq -c 'select(.id) | [.id, (.sla | to_entries[] |
	    [.key, .value.due // .value.remaining, .value.breached, .value.paused, .value.met_at])]' out.jsonl)" \
	    '["A",["answer","2026-11-24T14:30:00+08:00",true,false,null],["fix","2026-11-25T09:00:00+08:00",false,false,null]]
["B",["answer","2026-11-24T15:30:00+08:00",false,false,null],["fix","2026-11-24T22:30:00+08:00",false,false,null]]
["C",["answer","2026-11-24T16:30:00+08:00",false,false,"2026-11-24T11:30:00+08:00"],["fix","23h",false,true,null]]
["D",["answer","2026-11-23T14:30:00+08:00",false,false,"2026-11-23T11:00:00+08:00"],["fix","2026-11-24T09:00:00+08:00",false,false,"2026-11-23T11:00:00+08:00"]]
["F",["answer","2026-11-24T15:30:00+08:00",false,false,null],["fix","2026-11-25T10:00:00+08:00",false,false,null]]'
	check_eq limits "$(jq -r 'select(.id == "A" or .id == "B") | [.sla[].limit] | join(" ")' out.jsonl)" \
	    '4h working 24h
1h 8h'
	check_eq alerts "$(jq -r '[.ticket, .event, .clock, (.share // .level // "-" | tostring)] | join(" ")' alerts.jsonl)" \
	    'A breach answer -
A escalation answer 1
F warning answer 75'
	# What cx-sla does not set is written back as it was; the follow-up
	# line is the same bytes.
	local i in1 out1
	for i in 1 2 5 6; do
		in1=$(sed -n ${i}p in.jsonl)
		out1=$(sed -n ${i}p out.jsonl)
		check_eq "line $i" "${out1:0:${#in1}-1}" "${in1%\}}"
	done
	check_eq followup "$(sed -n 3p out.jsonl)" "$(sed -n 3p in.jsonl)"
}

@test "filter: the sla member is a function of ticket, policy and now: a second run says nothing and changes nothing" {
	conf c
	{ tk A normal 11-24T09:00; tk B urgent 11-24T14:30; tk F normal 11-24T10:00; } >in.jsonl
	ok01 sla --now "$(at 11-24T15:00)" -A a1.jsonl in.jsonl >once.jsonl 2>/dev/null
	run --separate-stderr run_to twice.jsonl sla --now "$(at 11-24T15:00)" -A a2.jsonl once.jsonl
	check_status 1
	check_stderr 'cx-sla: 3 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 1 in breach, 0 history'
	cmp once.jsonl twice.jsonl
	[ -f a2.jsonl ] && [ ! -s a2.jsonl ]
	# Ten minutes later: the same sla member as a run on the input.
	ok01 sla -q --now "$(at 11-24T15:10)" once.jsonl >later.jsonl
	ok01 sla -q --now "$(at 11-24T15:10)" in.jsonl >direct.jsonl
	diff -u <(jq -c .sla direct.jsonl) <(jq -c .sla later.jsonl)
}

@test "filter: exit 0 with no ticket in breach, 1 with one; a clock met late is no ticket in breach" {
	conf c
	tk N normal 11-24T14:00 >n.jsonl
	run --separate-stderr run_to out.jsonl sla --now "$(at 11-24T15:00)" n.jsonl
	check_status 0
	check_stderr 'cx-sla: 1 tickets, 1 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history'
	# Answered half an hour late and resolved: the breach is said, once,
	# but nothing is open.
	tk L normal 11-24T09:00 "$(hist "$(ev 11-24T15:00 replied)" "$(ev 11-24T15:10 resolved)")" >l.jsonl
	run --separate-stderr run_to out.jsonl sla --now "$(at 11-24T16:00)" -A a.jsonl l.jsonl
	check_status 0
	check_stderr 'cx-sla: 1 tickets, 1 changed, 0 unread: 0 warnings, 1 breaches, 0 escalations; 0 in breach, 0 history'
	check_eq late "$(jq -c '.sla.answer | [.met_at, .breached]' out.jsonl)" '["2026-11-24T15:00:00+08:00",true]'
	check_eq alert "$(jq -r '[.event, .clock] | join(" ")' a.jsonl)" 'breach answer'
	tk O normal 11-24T09:00 >o.jsonl
	run --separate-stderr run_to out.jsonl sla --now "$(at 11-24T16:00)" n.jsonl o.jsonl
	check_status 1
	check_stderr 'cx-sla: 2 tickets, 2 changed, 0 unread: 0 warnings, 1 breaches, 2 escalations; 1 in breach, 0 history'
	# -q: the same status, nothing said.
	run --separate-stderr run_to out.jsonl sla -q --now "$(at 11-24T16:00)" n.jsonl o.jsonl
	check_status 1
	check_stderr
}

@test "filter: a line that is not a ticket passes through unchanged with FILE:LINE, counted unread; exit 1" {
	conf c
	{
		tk A normal 11-24T09:00
		echo 'not json'
		echo '[1]'
		echo '{"id":"N","priority":"normal"}'
		echo '{"id":"H","received_at":"2026-11-24T09:00:00+08:00","history":[{"at":"soon","by":"小李","action":"waiting"}]}'
		printf '{"id":"C"'
	} >in.jsonl
	run --separate-stderr run_to out.jsonl sla --now "$(at 11-24T15:00)" in.jsonl
	check_status 1
	check_stderr \
	    'cx-sla: in.jsonl:2: not a JSON object at column 1; passed through' \
	    'cx-sla: in.jsonl:3: not a JSON object at column 1; passed through' \
	    'cx-sla: in.jsonl:4: no received_at or registered_at; passed through' \
	    'cx-sla: in.jsonl:5: a time in history or followups is not a time; passed through' \
	    "cx-sla: in.jsonl:6: expected ',' or '}' at end of line; passed through" \
	    'cx-sla: 1 tickets, 1 changed, 5 unread: 0 warnings, 1 breaches, 1 escalations; 1 in breach, 0 history'
	check_eq lines "$(wc -l <out.jsonl)" 6
	diff -u <(sed -n 2,5p in.jsonl) <(sed -n 2,5p out.jsonl)
	check_eq last "$(sed -n 6p out.jsonl)" '{"id":"C"'
	check_eq swept "$(sed -n 1p out.jsonl | jq -c '.sla.answer.breached')" true
	# The standard input is named so.
	run --separate-stderr run_io in.jsonl out.jsonl sla --now "$(at 11-24T15:00)"
	check_status 1
	check_eq stdin "${stderr%%$'\n'*}" 'cx-sla: (stdin):2: not a JSON object at column 1; passed through'
}

@test "filter: a line that is not JSON alone makes exit 1, with no ticket in breach; -q keeps the warning, not the summary" {
	conf c
	{ tk N normal 11-24T14:00; echo '{"id":"X",'; tk M normal 11-24T14:30; } >in.jsonl
	run --separate-stderr run_to out.jsonl sla --now "$(at 11-24T15:00)" in.jsonl
	check_status 1
	check_stderr \
	    "cx-sla: in.jsonl:2: expected a key at end of line; passed through" \
	    'cx-sla: 2 tickets, 2 changed, 1 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history'
	check_eq copied "$(sed -n 2p out.jsonl)" '{"id":"X",'
	check_eq swept "$(jq -rR 'fromjson? | .id + " " + (.sla.answer.breached | tostring)' out.jsonl)" 'N false
M false'
	run --separate-stderr run_to quiet.jsonl sla -q --now "$(at 11-24T15:00)" in.jsonl
	check_status 1
	check_stderr "cx-sla: in.jsonl:2: expected a key at end of line; passed through"
	cmp out.jsonl quiet.jsonl
	# Without the line: exit 0.
	sed 2d in.jsonl >good.jsonl
	run --separate-stderr run_to out.jsonl sla --now "$(at 11-24T15:00)" good.jsonl
	check_status 0
	check_stderr 'cx-sla: 2 tickets, 2 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history'
}

@test "filter: -E -i ID walks the clocks of that ticket only, exit 0; an ID not in the input is cx-sla: ID: no such ticket, exit 1" {
	conf c
	{ tk A normal 11-24T09:00; tk C normal 11-24T11:00 "$(hist "$(ev 11-24T11:30 replied)" "$(ev 11-24T12:00 waiting)")"; } >in.jsonl
	run --separate-stderr sla --now "$(at 11-24T15:00)" -E -i C in.jsonl
	check_status 0
	check_stderr 'cx-sla: 1 tickets explained, 0 unread'
	check_eq explain "$output" "C: now 2026-11-24T15:00:00+08:00; calendar \"calendar\" (Asia/Shanghai)
answer: 4h working ($T/c/policy:5: target answer 4h working)
  working time of calendar Asia/Shanghai (a working day is 7h30m)
  starts when received 2026-11-24T11:00:00+08:00
  stopped by \"replied\" at 2026-11-24T11:30:00+08:00
  working time counted:
    2026-11-24 11:00-12:00 1h00m
    2026-11-24 13:30-16:30 3h00m
  due 2026-11-24T16:30:00+08:00
  met in time
fix: 24h ($T/c/policy:7: target fix    24h)
  starts when received 2026-11-24T11:00:00+08:00
  paused, waiting, since 2026-11-24T12:00:00+08:00
  paused: 23h left"
	# The long options say the same; -q keeps the summary back.
	local once=$output
	run --separate-stderr sla --now "$(at 11-24T15:00)" --explain --id C in.jsonl
	check_status 0
	check_stderr 'cx-sla: 1 tickets explained, 0 unread'
	check_eq long "$output" "$once"
	run --separate-stderr sla -q --now "$(at 11-24T15:00)" -E -i C in.jsonl
	check_status 0
	check_stderr
	check_eq quiet "$output" "$once"
	run --separate-stderr sla --now "$(at 11-24T15:00)" -E -i Z in.jsonl
	check_status 1
	check_stderr 'cx-sla: Z: no such ticket' 'cx-sla: 0 tickets explained, 0 unread'
	check_eq stdout "$output" ''
}

@test "filter: -E without -i explains every ticket read, in order; -i without -E is exit 2" {
	conf c
	{ tk A normal 11-24T09:00; tk C normal 11-24T11:00 "$(hist "$(ev 11-24T11:30 replied)")"; } >in.jsonl
	sla --now "$(at 11-24T15:00)" -E -i A in.jsonl >a.txt 2>/dev/null
	sla --now "$(at 11-24T15:00)" -E -i C in.jsonl >c.txt 2>/dev/null
	run --separate-stderr sla --now "$(at 11-24T15:00)" -E in.jsonl
	check_status 0
	check_stderr 'cx-sla: 2 tickets explained, 0 unread'
	check_eq every "$output" "$(cat a.txt c.txt)"
	check_eq heads "$(grep ': now ' <<<"$output")" 'A: now 2026-11-24T15:00:00+08:00; calendar "calendar" (Asia/Shanghai)
C: now 2026-11-24T15:00:00+08:00; calendar "calendar" (Asia/Shanghai)'
	# -i alone is no sweep of the tickets named: refused, nothing written.
	run --separate-stderr run_to out.jsonl sla --now "$(at 11-24T15:00)" -i A in.jsonl
	check_status 2
	check_stderr 'cx-sla: -i goes with -E'
	[ ! -s out.jsonl ]
	run --separate-stderr run_to out.jsonl sla --now "$(at 11-24T15:00)" --id A -A alerts.jsonl in.jsonl
	check_status 2
	check_stderr 'cx-sla: -i goes with -E'
	[ ! -s out.jsonl ] && [ ! -e alerts.jsonl ]
}

@test "filter: -E leaves out follow-ups, which are no tickets, and a ticket that cannot be timed, with a warning; exit 1" {
	conf c
	{ tk A normal 11-24T09:00; echo '{"followup_of":"A","text":"again"}'
	  echo '{"id":"B","priority":"normal","history":[{"at":"not a time","by":"x","action":"note"}]}'; } >in.jsonl
	sla --now "$(at 11-24T15:00)" -E -i A in.jsonl >a.txt 2>/dev/null
	run --separate-stderr sla --now "$(at 11-24T15:00)" -E in.jsonl
	check_status 1
	check_stderr 'cx-sla: in.jsonl:3: a time in history or followups is not a time; left out' \
	    'cx-sla: 1 tickets explained, 1 unread'
	check_eq only-A "$output" "$(cat a.txt)"
}

# --- usage and configuration ----------------------------------------------

@test "usage: an unknown option, a missing value, a bad --now or -x, files with -s are exit 2" {
	local u='usage: cx-sla [-Enq] [-A alerts] [-i id] [-P policy] [-s spool] [-x extension]
              [-z zone] [--now time] [file ...]'
	run --separate-stderr cx-sla -y
	check_status 2
	check_stderr 'cx-sla: unknown option -y' "$u"
	run --separate-stderr cx-sla --bogus
	check_status 2
	check_stderr 'cx-sla: unknown option --bogus' "$u"
	# -a is -A now; --explain takes no value.
	run --separate-stderr cx-sla -a alerts.jsonl
	check_status 2
	check_stderr 'cx-sla: unknown option -a' "$u"
	[ ! -e alerts.jsonl ]
	run --separate-stderr cx-sla --explain=C
	check_status 2
	check_stderr 'cx-sla: option --explain takes no value' "$u"
	local o
	for o in -A -i -P -s -x -z --now --alerts --id --policy --spool --extend --zone; do
		run --separate-stderr cx-sla $o
		check_status 2
		check_stderr "cx-sla: option $o needs a value" "$u"
	done
	run --separate-stderr cx-sla --now yesterday </dev/null
	check_status 2
	check_stderr 'cx-sla: --now: unrecognised time "yesterday"'
	run --separate-stderr cx-sla -x typhoon </dev/null
	check_status 2
	check_stderr 'cx-sla: -x: typhoon: expected FROM and TO, dates or times'
	run --separate-stderr cx-sla nope.jsonl
	check_status 2
	check_stderr 'cx-sla: nope.jsonl: No such file or directory'
	spool sp
	tk A normal 11-24T09:00 >a.jsonl
	run --separate-stderr cx-sla -s sp a.jsonl
	check_status 2
	check_stderr 'cx-sla: a spool is its own input: no files with -s'
	[ ! -e sp/outbox ] && [ ! -e sp/state ]
}

@test "usage: -h and --help print the usage and a line per option on stdout, exit 0; --version is cx-sla 0.5.0" {
	run --separate-stderr cx-sla -h
	check_status 0
	check_stderr
	check_eq usage "$(head -2 <<<"$output")" 'usage: cx-sla [-Enq] [-A alerts] [-i id] [-P policy] [-s spool] [-x extension]
              [-z zone] [--now time] [file ...]'
	local o
	for o in '-A, --alerts alerts' '-E, --explain ' '-h, --help ' '-i, --id id' '-n, --dry-run ' \
	    '-P, --policy policy' '-q, --quiet ' '-s, --spool spool' '-x, --extend extension' \
	    '-z, --zone zone' '    --now time' '    --version '; do
		grep -qF -- "  $o" <<<"$output" || { echo "no line for $o" >&2; return 1; }
	done
	local help=$output
	run --separate-stderr cx-sla --help
	check_status 0
	check_stderr
	check_eq --help "$output" "$help"
	# Help and the version read nothing: no policy needed, no input waited for.
	run --separate-stderr env CX_SHARE=$T/nowhere cx-sla --version
	check_status 0
	check_stderr
	check_eq version "$output" 'cx-sla 0.5.0'
}

@test "config: a broken policy or extensions line is exit 2 with cx-sla: FILE:LINE: message, before anything is touched" {
	local file text msg
	while IFS='@' read -r file text msg; do
		rm -rf sp before
		spool sp
		put sp A normal 11-24T09:00
		printf "$text" >sp/etc/$file
		cp -a sp before
		run --separate-stderr sweep sp 11-24T15:00
		check_status 2
		check_stderr "cx-sla: sp/etc/$file:$msg"
		same_tree before sp
	done <<-'EOF'
	policy@clock answer from=received\n@1: clock answer: needs from= and stop=
	policy@# c\n\nclock a from=received stop=x\nclock a from=received stop=y\n@4: clock a: declared twice
	policy@clock a from=received stop=x paused\n@1: clock a: unknown "paused" (from=, stop=, pause, reopen)
	policy@target a 1h\n@1: target: "a" is no clock declared above
	policy@clock a from=received stop=x\ntarget a soon\n@2: target: bad limit "soon" (30m, 24h, 2d)
	policy@clock a from=received stop=x\ntarget a 1h urgent\n@2: expected FIELD=VALUE, not "urgent"
	policy@clock a from=received stop=x\nwarn 90%% 75%%\n@2: warn: expected rising shares 1%..99%, not "75%"
	policy@clock a from=received stop=x\nescalate 1h working\n@2: escalate: does nothing
	policy@clock a from=received stop=x\nescalate 0 notify=boss\n@2: notify: "boss" is not assignee, owner or supervisor
	policy@clock a from=received stop=x\ndeadline a 1h\n@2: unknown line "deadline" (clock, target, warn, escalate, calendar)
	policy@# nothing\n@ no clocks
	extensions@# x\ntyphoon 2026-09-10\n@2: typhoon: expected FROM and TO, dates or times
	extensions@typhoon 2026-09-14 2026-09-10 +2d\n@1: typhoon: TO is not after FROM
	extensions@typhoon 2026-09-10 2026-09-14 2d\n@1: typhoon: expected +SPAN (+48h, +2d) or pause
	extensions@typhoon 2026-09-10 2026-09-14 +2d region\n@1: expected FIELD=VALUE, not "region"
	extensions@a 2026-09-10 2026-09-14 +2d\na 2026-10-10 2026-10-14 +1d\n@2: a: named twice (line 1)
	EOF
	# A spool not there yet is not made; filter mode writes nothing.
	conf broken
	printf 'clock a\n' >broken/policy
	run --separate-stderr env CX_SHARE=$T/broken cx-sla -s fresh --now "$(at 11-24T15:00)"
	check_status 2
	check_stderr "cx-sla: $T/broken/policy:1: clock a: needs from= and stop="
	[ ! -e fresh ]
	tk A normal 11-24T09:00 >a.jsonl
	run --separate-stderr run_to out.jsonl env CX_SHARE=$T/broken cx-sla a.jsonl
	check_status 2
	[ ! -s out.jsonl ]
	# No policy anywhere.
	rm broken/policy
	run --separate-stderr env CX_SHARE=$T/broken cx-sla a.jsonl
	check_status 2
	check_stderr "cx-sla: no policy file in $T/broken or the spool's etc/"
}

@test "config: -P FILE is the policy, not the shipped one nor the spool's; a -P file missing or broken is exit 2" {
	printf '%s\n' "$POLICY" >p
	{ tk A normal 11-24T09:00; tk F normal 11-24T10:00; } >in.jsonl
	# Filter mode with the shipped configuration: the clocks of -P.
	run --separate-stderr run_to out.jsonl cx-sla -P p --now "$(at 11-24T15:00)" -A a.jsonl in.jsonl
	check_status 1
	check_stderr 'cx-sla: 2 tickets, 2 changed, 0 unread: 1 warnings, 1 breaches, 1 escalations; 1 in breach, 0 history'
	check_eq clocks "$(jq -c '[.id, (.sla | keys_unsorted)]' out.jsonl)" '["A",["answer","fix"]]
["F",["answer","fix"]]'
	# What POLICY in place of the shipped one makes.
	conf c
	ok01 sla -q --now "$(at 11-24T15:00)" -A b.jsonl in.jsonl >conf.jsonl
	cmp conf.jsonl out.jsonl
	cmp b.jsonl a.jsonl
	# --policy is -P; an explanation names the file a target is from.
	run --separate-stderr cx-sla --policy p --now "$(at 11-24T15:00)" -E -i A in.jsonl
	check_status 0
	check_stderr 'cx-sla: 1 tickets explained, 0 unread'
	check_eq from "$(grep '^[a-z]*:' <<<"$output")" 'answer: 4h working (p:5: target answer 4h working)
fix: 24h (p:7: target fix    24h)'
	# Spool mode: -P rather than etc/policy, which stays as it is.
	spool sp
	put sp A normal 11-24T09:00
	printf '%s\n' 'clock answer from=received stop=replied' 'target answer 2h working' \
	    'escalate 0 notify=assignee' >two
	cp sp/etc/policy policy
	run --separate-stderr sweep sp 11-24T11:30 -P two
	check_status 1
	check_stderr 'cx-sla: 1 tickets, 1 changed, 0 unread: 0 warnings, 1 breaches, 1 escalations; 1 in breach, 0 history'
	check_eq sla "$(opened sp A '.sla | [keys_unsorted, .answer.limit, .answer.due]')" \
	    '[["answer"],"2h working","2026-11-24T11:00:00+08:00"]'
	check_eq etc "$(ls sp/etc)" policy
	cmp policy sp/etc/policy
	# A -P file that is not there, or broken: nothing touched.
	cp -a sp before
	run --separate-stderr sweep sp 11-24T11:35 -P nope
	check_status 2
	check_stderr 'cx-sla: nope: No such file or directory'
	printf 'clock a\n' >bad
	run --separate-stderr sweep sp 11-24T11:35 -P bad
	check_status 2
	check_stderr 'cx-sla: bad:1: clock a: needs from= and stop='
	same_tree before sp
	run --separate-stderr run_to out.jsonl cx-sla -P bad --now "$(at 11-24T15:00)" in.jsonl
	check_status 2
	check_stderr 'cx-sla: bad:1: clock a: needs from= and stop='
	[ ! -s out.jsonl ]
}

@test "config: a broken calendar stops the sweep: exit 2 with FILE:LINE, no ticket rewritten, no alert" {
	spool sp
	put sp A normal 11-24T09:00
	cp sp/open/A before
	printf 'timezone Asia/Shanghai\nhours mon-fry 09:00-18:00\n' >sp/etc/calendar
	run --separate-stderr sweep sp 11-24T15:00
	check_status 2
	check_stderr 'cx-sla: sp/etc/calendar:2: days "mon-fry": expected names as mon-fri or sat,sun'
	cmp before sp/open/A
	[ ! -e sp/outbox ] && [ ! -e sp/state ]
	# No working time at all: refused at once, not a sweep that never ends.
	printf 'timezone Asia/Shanghai\nhours mon-sun -\n' >sp/etc/calendar
	run --separate-stderr timeout 10 cx-sla -s sp --now "$(at 11-24T15:00)"
	check_status 2
	check_stderr 'cx-sla: sp/etc/calendar: no working time: no hours in the week and no workday'
	cmp before sp/open/A
}

# --- spool mode -----------------------------------------------------------

@test "spool: a sweep rewrites the tickets that changed, writes the alerts to outbox/, and says so" {
	spool sp
	put sp A normal 11-24T09:00
	put sp B urgent 11-24T14:30
	put sp F normal 11-24T10:00
	run --separate-stderr sweep sp 11-24T15:00
	check_status 1
	check_stderr 'cx-sla: 3 tickets, 3 changed, 0 unread: 1 warnings, 1 breaches, 1 escalations; 1 in breach, 0 history'
	check_eq outbox "$(ls sp/outbox)" sla-1.jsonl
	check_eq alerts "$(alerts sp)" '15:00 A breach answer - 小李,小王
15:00 A escalation answer 1 小李,小王
15:00 F warning answer 75 小李'
	check_eq A "$(said sp A)" '15:00 sla_breach answer -
15:00 escalated answer 1'
	check_eq B "$(said sp B)" ''
	check_eq entry "$(opened sp A '.history[0]')" \
	    '{"at":"2026-11-24T15:00:00+08:00","by":"cx-sla","action":"sla_breach","clock":"answer","since":"2026-11-24T09:00:00+08:00","due":"2026-11-24T14:30:00+08:00","to":["小李","小王"]}'
	check_eq alert "$(head -1 sp/outbox/sla-1.jsonl)" \
	    '{"at":"2026-11-24T15:00:00+08:00","event":"breach","ticket":"A","action":"sla_breach","clock":"answer","since":"2026-11-24T09:00:00+08:00","due":"2026-11-24T14:30:00+08:00","to":["小李","小王"]}'
	# The ticket in the spool is what filter mode makes of it.
	conf c
	cat sp/etc/policy >c/policy
	{ tk A normal 11-24T09:00; tk B urgent 11-24T14:30; tk F normal 11-24T10:00; } |
	    ok01 sla -q --now "$(at 11-24T15:00)" >filter.jsonl
	diff -u filter.jsonl <(cat sp/open/A sp/open/B sp/open/F)
	check_eq tmp "$(ls -A sp/tmp)" ''
	# CX_SPOOL is the spool when -s is not given; -A copies the alerts.
	put sp G normal 11-24T10:00
	CX_SPOOL=sp run --separate-stderr cx-sla --now "$(at 11-24T15:00)" -A copy.jsonl
	check_status 1
	check_stderr 'cx-sla: 4 tickets, 1 changed, 0 unread: 1 warnings, 0 breaches, 0 escalations; 1 in breach, 0 history'
	check_eq outbox2 "$(ls sp/outbox | tr '\n' ' ')" 'sla-1.jsonl sla-2.jsonl '
	cmp copy.jsonl sp/outbox/sla-2.jsonl
}

@test "spool: a second sweep at the same --now rewrites no ticket and writes no alert" {
	spool sp
	put sp A normal 11-24T09:00
	put sp C normal 11-24T11:00 "$(hist "$(ev 11-24T11:30 replied)" "$(ev 11-24T12:00 waiting)")"
	put sp F normal 11-24T10:00
	run --separate-stderr sweep sp 11-24T15:00
	check_status 1
	stamps sp/open >before
	ls sp/outbox >outbox
	md5sum sp/open/* >sums
	run --separate-stderr sweep sp 11-24T15:00
	check_status 1
	check_stderr 'cx-sla: 3 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 1 in breach, 0 history'
	diff -u before <(stamps sp/open)
	diff -u outbox <(ls sp/outbox)
	md5sum -c --quiet sums
	check_eq tmp "$(ls -A sp/tmp)" ''
}

@test "spool: a sweep with nothing to say leaves every file of the spool as it was, state included" {
	spool sp
	put sp A normal 11-24T09:00
	put sp F normal 11-24T10:00
	ok01 sweep sp 11-24T15:00 2>/dev/null
	cp -a sp before
	stamps sp >stamps
	run --separate-stderr sweep sp 11-24T15:00
	check_status 1
	check_stderr 'cx-sla: 2 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 1 in breach, 0 history'
	same_tree before sp
	diff -u stamps <(stamps sp)
}

@test "spool: a sweep every 5 minutes for a day never says a thing twice, in the outbox or in the history (golden)" {
	spool sp
	# P: answered late, 75% and 90% warned first; U: urgent; L: low, in
	# since last night; W: waits on the customer from 11:00 to 15:00; Q:
	# the customer writes again, and the answer is not restarted.
	put sp P normal 11-24T08:00
	put sp U urgent 11-24T10:00
	put sp L low 11-23T20:00
	put sp W normal 11-24T09:00 "$(hist "$(ev 11-24T09:30 replied)" "$(ev 11-24T11:00 waiting '"on":"customer"')" \
	    "$(ev 11-24T15:00 customer_reply)")"
	put sp Q normal 11-24T13:00 '"followups":[{"received_at":"2026-11-24T16:00:00+08:00","text":"还没好"}]'
	local h m st bad=''
	for ((h = 0; h < 24; h++)); do
		for ((m = 0; m < 60; m += 5)); do
			st=0
			cx-sla -q -s sp --now "$(printf '2026-11-24T%02d:%02d:00+08:00' $h $m)" || st=$?
			[ "$st" -le 1 ] || bad+=" $h:$m=$st"
		done
	done
	check_eq "exit statuses" "$bad" ''
	alerts sp >day.txt
	golden sla-day.txt day.txt
	# Each (ticket, clock, cycle, event, share or level) once.
	check_eq "repeated alerts" "$(cat sp/outbox/* | jq -r '[.ticket, .clock, .since, .event,
	    (.share // .level // "-" | tostring)] | join(" ")' | sort | uniq -d)" ''
	check_eq "repeated entries" "$(cd sp/open && jq -r '.id as $id | .history[] | select(.by == "cx-sla") |
	    [$id, .clock, .since, .action, (.share // .level // "-" | tostring)] | join(" ")' * | sort | uniq -d)" ''
	# The outbox and the histories tell the same story.
	diff -u <(cat sp/outbox/* | jq -r '[.at, .ticket, .action, .clock, .since,
	    (.share // .level // "-" | tostring)] | join(" ")' | sort) \
	    <(cd sp/open && jq -r '.id as $id | .history[] | select(.by == "cx-sla") |
	    [.at, $id, .action, .clock, .since, (.share // .level // "-" | tostring)] | join(" ")' * | sort)
	check_eq tmp "$(ls -A sp/tmp)" ''
}

# --- warnings, breaches, the ladder ---------------------------------------

@test "ladder: warnings at 75% and 90%, the breach, then each rung in order as time moves; the last moves the ticket to the senior desk and raises it" {
	spool sp
	# The answer: 4 working hours from 09:00, due 14:30: 75% at 12:00
	# (the lunch break: said at 13:30), 90% at 14:06; the rungs at
	# 14:30, 15:30 and 16:30.
	put sp T normal 11-24T09:00
	local t st out=''
	for t in 11:59 12:00 13:30 14:05 14:06 14:29 14:30 15:29 15:30 16:29 16:30 17:00; do
		st=0
		sweep sp 11-24T$t 2>err || st=$?
		out+="$t $st $(cat err)"$'\n'
	done
	check_eq sweeps "$out" '11:59 0 cx-sla: 1 tickets, 1 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history
12:00 0 cx-sla: 1 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations (alerts of 1 held until working time); 0 in breach, 0 history
13:30 0 cx-sla: 1 tickets, 1 changed, 0 unread: 1 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history
14:05 0 cx-sla: 1 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history
14:06 0 cx-sla: 1 tickets, 1 changed, 0 unread: 1 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history
14:29 0 cx-sla: 1 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history
14:30 1 cx-sla: 1 tickets, 1 changed, 0 unread: 0 warnings, 1 breaches, 1 escalations; 1 in breach, 0 history
15:29 1 cx-sla: 1 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 1 in breach, 0 history
15:30 1 cx-sla: 1 tickets, 1 changed, 0 unread: 0 warnings, 0 breaches, 1 escalations; 1 in breach, 0 history
16:29 1 cx-sla: 1 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 1 in breach, 0 history
16:30 1 cx-sla: 1 tickets, 1 changed, 0 unread: 1 warnings, 0 breaches, 1 escalations; 1 in breach, 0 history
17:00 1 cx-sla: 1 tickets, 1 changed, 0 unread: 0 warnings, 1 breaches, 0 escalations; 1 in breach, 0 history
'
	# At 16:30 the ticket goes to 高级客服's 老马 and becomes urgent: its
	# fix has 8 hours, 7h30m of them gone: 90% at once, the breach at 17:00.
	check_eq alerts "$(alerts sp)" '13:30 T warning answer 75 小李
14:06 T warning answer 90 小李
14:30 T breach answer - 小李,小王
14:30 T escalation answer 1 小李,小王
15:30 T escalation answer 2 客服主管
16:30 T escalation answer 3 老马,高级客服主管
16:30 T warning fix 90 老马
17:00 T breach fix - 老马,小王'
	check_eq history "$(said sp T)" '13:30 sla_warning answer 75
14:06 sla_warning answer 90
14:30 sla_breach answer -
14:30 escalated answer 1
15:30 escalated answer 2
16:30 escalated answer 3
16:30 sla_warning fix 90
17:00 sla_breach fix -'
	check_eq moved "$(opened sp T '[.department, .assignee, .owner, .priority, .escalation]')" \
	    '["高级客服","老马","小王","urgent",{"level":3,"at":"2026-11-24T16:30:00+08:00","clock":"answer"}]'
	check_eq rung3 "$(opened sp T '.history[] | select(.level == 3)')" \
	    '{"at":"2026-11-24T16:30:00+08:00","by":"cx-sla","action":"escalated","clock":"answer","since":"2026-11-24T09:00:00+08:00","due":"2026-11-24T14:30:00+08:00","level":3,"queue":"高级客服","priority":"urgent","to":["老马","高级客服主管"]}'
	check_eq limits "$(opened sp T '[.sla[] | .limit]')" '["1h","8h"]'
	# The senior desk leads now; the department it had stays involved.
	check_eq lead "$(opened sp T '[.departments, .status]')" '[["高级客服"],"assigned"]'
	# The outbox holds a file per sweep that had something to say; a
	# sweep with nothing to say commits nothing, so the numbers run on.
	check_eq outbox "$(ls sp/outbox | sort -t- -k2 -n | tr '\n' ' ')" \
	    'sla-2.jsonl sla-3.jsonl sla-4.jsonl sla-5.jsonl sla-6.jsonl sla-7.jsonl '
}

@test "ladder: a move to a senior desk with no agent free leaves the ticket queued there, its departments led by the desk" {
	spool sp
	awk -v OFS='\t' '$2 == "高级客服" && $3 > 0 { $4 = "off" } 1' \
	    "$TOP/share/cx/agents" >sp/etc/agents
	put sp T normal 11-24T09:00 '"departments":["客服部","售后"]'
	run --separate-stderr sweep sp 11-24T16:30 -q
	check_status 1
	check_stderr
	check_eq moved "$(opened sp T '[.department, .departments, .assignee, .status, .priority]')" \
	    '["高级客服",["高级客服","客服部","售后"],null,"queued","urgent"]'
}

@test "ladder: crossing several levels at once says the highest only; rungs due together are each taken" {
	spool sp
	put sp T normal 11-24T09:00
	# Past 90% at the first sweep: no 75% warning.
	run --separate-stderr sweep sp 11-24T14:10
	check_status 0
	check_eq first "$(alerts sp)" '14:10 T warning answer 90 小李'
	# Past the breach and two rungs: no warning, the breach, both rungs.
	spool s2
	put s2 T normal 11-24T09:00
	run --separate-stderr sweep s2 11-24T15:40
	check_status 1
	check_stderr 'cx-sla: 1 tickets, 1 changed, 0 unread: 0 warnings, 1 breaches, 2 escalations; 1 in breach, 0 history'
	check_eq second "$(alerts s2)" '15:40 T breach answer - 小李,小王
15:40 T escalation answer 1 小李,小王
15:40 T escalation answer 2 客服主管'
	# The fix's 75% is not said after its breach was.
	run --separate-stderr sweep s2 11-25T10:00
	check_status 1
	check_eq later "$(alerts s2 | sed -n '4,$p')" '10:00 T breach fix - 小李,小王
10:00 T escalation answer 3 老马,高级客服主管'
}

@test "ladder: the senior desk's least loaded agent takes each ticket moved, counting every open ticket of the spool; raise lifts low to normal" {
	spool sp
	# Z, assigned to 老马 already, sorts after the two moved: the loads
	# are counted before anyone is moved.
	put sp A-1 normal 11-24T09:00
	put sp A-2 low 11-24T09:00
	put sp Z-9 normal 11-24T15:00 '"department":"高级客服","assignee":"老马"'
	sed -i 's/"department":"客服部","assignee":"小李",//' sp/open/Z-9
	run --separate-stderr sweep sp 11-24T17:00
	check_status 1
	# A-1, made urgent, has 8 hours for its fix: due now, a breach.
	check_stderr 'cx-sla: 3 tickets, 3 changed, 0 unread: 0 warnings, 3 breaches, 6 escalations; 2 in breach, 0 history'
	check_eq moved "$(cd sp/open && jq -r '[.id, .department, .assignee, .priority] | join(" ")' A-1 A-2 Z-9)" \
	    'A-1 高级客服 Grace urgent
A-2 高级客服 老马 normal
Z-9 高级客服 老马 normal'
	check_eq raised "$(opened sp A-2 '[.history[] | select(.level == 3) | .priority]')" '["normal"]'
}

@test "hold: alerts of a ticket that is not urgent wait for working time (a Saturday, 20:00), an urgent one's are said at once" {
	spool sp
	# Friday: N's answer is due 14:30, U's at 10:00.
	put sp N normal 11-27T09:00
	put sp U urgent 11-27T09:00
	run --separate-stderr sweep sp 11-28T10:00
	check_status 1
	check_stderr 'cx-sla: 2 tickets, 2 changed, 0 unread: 0 warnings, 2 breaches, 3 escalations (alerts of 1 held until working time); 2 in breach, 0 history'
	check_eq saturday "$(alerts sp)" '10:00 U breach answer - 小李,小王
10:00 U breach fix - 小李,小王
10:00 U escalation answer 1 小李,小王
10:00 U escalation answer 2 客服主管
10:00 U escalation answer 3 老马,高级客服主管'
	check_eq N "$(said sp N)" ''
	# What N's clocks say is written all the same.
	check_eq N-sla "$(opened sp N '[.sla[].breached]')" '[true,true]'
	run --separate-stderr sweep sp 11-28T20:00
	check_status 1
	check_stderr 'cx-sla: 2 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations (alerts of 1 held until working time); 2 in breach, 0 history'
	# Monday 09:00: said, the highest level only, every rung due.
	run --separate-stderr sweep sp 11-30T09:00
	check_status 1
	check_stderr 'cx-sla: 2 tickets, 1 changed, 0 unread: 0 warnings, 2 breaches, 3 escalations; 2 in breach, 0 history'
	check_eq monday "$(alerts sp | grep ' N ')" '09:00 N breach answer - 小李,小王
09:00 N breach fix - 小李,小王
09:00 N escalation answer 1 小李,小王
09:00 N escalation answer 2 客服主管
09:00 N escalation answer 3 Grace,高级客服主管'
	# A weekday evening: held until 09:00 the next morning.
	spool s2
	put s2 E normal 11-24T14:00
	put s2 V urgent 11-24T18:30
	run --separate-stderr sweep s2 11-24T20:00
	check_status 1
	check_stderr 'cx-sla: 2 tickets, 2 changed, 0 unread: 0 warnings, 1 breaches, 1 escalations (alerts of 1 held until working time); 2 in breach, 0 history'
	check_eq evening "$(alerts s2)" '20:00 V breach answer - 小李,小王
20:00 V escalation answer 1 小李,小王'
	# V's fix (8 hours) breaks at 02:30 and is said at once; E waits.
	run --separate-stderr sweep s2 11-25T08:59
	check_status 1
	check_eq night "$(alerts s2 | sed -n '3,$p')" '08:59 V breach fix - 小李,小王'
	run --separate-stderr sweep s2 11-25T09:00
	check_status 1
	check_eq morning "$(alerts s2 | grep ' E ')" '09:00 E breach answer - 小李,小王
09:00 E warning fix 75 小李
09:00 E escalation answer 1 小李,小王'
}

# --- pauses ---------------------------------------------------------------

@test "pause: a waiting entry added to a ticket in open/ pauses the clocks that pause, until work on it resumes (the shipped policy)" {
	run --separate-stderr cx-ingest -q -s sp examples/helpdesk-zh.csv
	check_status 1
	cx-classify -q -s sp
	cx-route -q -s sp
	cp -a sp plain
	# CX-20261124-0008, a suggestion received on Sunday 22 November at
	# 17:30 and registered on Tuesday at 09:00, waits on the customer from
	# 09:10: 39h40m of its 48-hour clocks are gone, and 7h40m of the two
	# working days of its solution.
	local id=CX-20261124-0008 w='{"at":"2026-11-24T09:10:00+08:00","by":"小李","action":"waiting","on":"customer"}'
	jq -c --argjson w "$w" '.history += [$w]' sp/open/$id >t && mv t sp/open/$id
	sweep sp 11-24T17:45 2>/dev/null || [ $? -eq 1 ]
	sweep plain 11-24T17:45 2>/dev/null || [ $? -eq 1 ]
	# The first response never pauses; the investigation (a working day
	# from Monday 09:00) was late before the wait began.
	check_eq waiting "$(opened sp $id '.sla | to_entries | map([.key, .value.paused, .value.remaining // .value.due, .value.breached])[]')" \
	    '["registration",false,"2026-11-22T18:00:00+08:00",true]
["first_response",false,"2026-11-24T17:30:00+08:00",true]
["investigation",false,"2026-11-23T18:00:00+08:00",true]
["solution",true,"7h20m working",false]
["next_update",true,"8h20m",false]
["resolution",true,"8h20m",false]'
	check_eq plain "$(opened plain $id '[.sla | to_entries[] | select(.value.breached) | .key]')" \
	    '["registration","first_response","investigation","next_update","resolution"]'
	check_eq "breaches said" "$(opened sp $id '[.history[] | select(.action == "sla_breach") | .clock]')" \
	    '["registration","first_response","investigation"]'
	# A note or a reassignment leaves the wait as it was; the customer's
	# answer at 15:00 ends it.
	for w in '{"at":"2026-11-24T11:00:00+08:00","by":"小李","action":"note","text":"催客户"}' \
	    '{"at":"2026-11-24T12:00:00+08:00","by":"小李","action":"reassigned","assignee":"小王"}'; do
		jq -c --argjson w "$w" '.history += [$w]' sp/open/$id >t && mv t sp/open/$id
	done
	sweep sp 11-24T17:50 2>/dev/null || [ $? -eq 1 ]
	check_eq still "$(opened sp $id '[.sla.resolution.paused, .sla.resolution.remaining]')" '[true,"8h20m"]'
	w='{"at":"2026-11-24T15:00:00+08:00","by":"小李","action":"customer_reply"}'
	jq -c --argjson w "$w" '.history += [$w]' sp/open/$id >t && mv t sp/open/$id
	sweep sp 11-24T17:55 2>/dev/null || [ $? -eq 1 ]
	check_eq resumed "$(opened sp $id '[.sla.resolution.due, .sla.resolution.paused, .sla.resolution.breached]')" \
	    '["2026-11-24T23:20:00+08:00",false,false]'
}

@test "pause: the priority changes while paused: the new limit applies, the pause already accrued is kept" {
	spool sp
	put sp P normal 11-24T10:00 "$(hist "$(ev 11-24T12:00 waiting '"on":"merchant"')")"
	ok01 sweep sp 11-24T15:00 2>/dev/null
	check_eq normal "$(opened sp P '.sla.fix | [.limit, .remaining, .paused]')" '["24h","22h",true]'
	sed -i 's/"priority":"normal"/"priority":"urgent"/' sp/open/P
	ok01 sweep sp 11-24T15:05 2>/dev/null
	check_eq urgent "$(opened sp P '.sla.fix | [.limit, .remaining, .paused]')" '["8h","6h",true]'
	# Resumed at 16:00: due six hours later.
	jq -c --argjson w "$(ev 11-24T16:00 progress)" '.history += [$w]' sp/open/P >t && mv t sp/open/P
	ok01 sweep sp 11-24T16:05 2>/dev/null
	check_eq resumed "$(opened sp P '.sla.fix | [.due, .paused]')" '["2026-11-24T22:00:00+08:00",false]'
}

# --- explain, extensions, calendars ---------------------------------------

@test "explain: -E -i ID prints each clock with the working intervals walked and exits 0, changing nothing; an unknown ID is exit 1" {
	spool sp
	put sp N normal 11-27T17:00 "$(hist "$(ev 11-27T17:10 waiting)" "$(ev 11-30T09:00 customer_reply)")"
	mkdir sp/closed
	tk K low 11-20T10:00 "$(hist "$(ev 11-20T11:00 resolved)")" >sp/closed/K
	cp -a sp before
	run --separate-stderr cx-sla -s sp --now "$(at 11-30T10:00)" -E -i N
	check_status 0
	check_stderr 'cx-sla: 1 tickets explained, 0 unread'
	check_eq explain "$output" 'N: now 2026-11-30T10:00:00+08:00; calendar "calendar" (Asia/Shanghai)
answer: 4h working (sp/etc/policy:5: target answer 4h working)
  working time of calendar Asia/Shanghai (a working day is 7h30m)
  starts when received 2026-11-27T17:00:00+08:00
  working time counted:
    2026-11-27 17:00-18:00 1h00m
    2026-11-30 09:00-12:00 3h00m
  due 2026-11-30T12:00:00+08:00
  running
fix: 24h (sp/etc/policy:7: target fix    24h)
  starts when received 2026-11-27T17:00:00+08:00
  paused 2026-11-27T17:10:00+08:00 until 2026-11-30T09:00:00+08:00 ("customer_reply")
  due 2026-12-01T08:50:00+08:00
  running'
	same_tree before sp
	# A closed ticket too.
	run --separate-stderr cx-sla -s sp --now "$(at 11-30T10:00)" -E -i K
	check_status 0
	check_stderr 'cx-sla: 1 tickets explained, 0 unread'
	[[ "${lines[0]}" == 'K: now 2026-11-30T10:00:00+08:00; calendar "calendar" (Asia/Shanghai)' ]]
	[[ "$output" == *'stopped by "resolved" at 2026-11-20T11:00:00+08:00'* ]]
	run --separate-stderr cx-sla -s sp --now "$(at 11-30T10:00)" -E -i NOPE
	check_status 1
	check_stderr 'cx-sla: NOPE: no such ticket' 'cx-sla: 0 tickets explained, 0 unread'
	check_eq stdout "$output" ''
	same_tree before sp
}

@test "explain: -E without -i explains every ticket a sweep reads, the ticket that cannot be read counted unread; nothing changes" {
	spool sp
	put sp A normal 11-24T09:00
	put sp C normal 11-24T11:00 "$(hist "$(ev 11-24T11:30 replied)")"
	echo 'not json' >sp/open/B
	cp -a sp before
	run --separate-stderr cx-sla -s sp --now "$(at 11-24T15:00)" -E
	check_status 1
	check_stderr 'cx-sla: sp/open/B:1: not a JSON object at column 1; left as it is' \
	    'cx-sla: 2 tickets explained, 1 unread'
	check_eq heads "$(grep ': now ' <<<"$output")" 'A: now 2026-11-24T15:00:00+08:00; calendar "calendar" (Asia/Shanghai)
C: now 2026-11-24T15:00:00+08:00; calendar "calendar" (Asia/Shanghai)'
	local every=$output
	run --separate-stderr cx-sla -s sp --now "$(at 11-24T15:00)" -E -i A -i C
	check_status 0
	check_stderr 'cx-sla: 2 tickets explained, 0 unread'
	check_eq same "$output" "$every"
	same_tree before sp
	# -i without -E: refused before the spool is touched.
	run --separate-stderr cx-sla -s sp --now "$(at 11-24T15:00)" -i A
	check_status 2
	check_stderr 'cx-sla: -i goes with -E'
	same_tree before sp
}

@test "extend: -x adds an extension kept in etc/extensions, noted once in the history and in sla.CLOCK.extended" {
	spool sp
	put sp S normal 11-24T09:00 '"carrier":"中通","category":"logistics"'
	put sp O normal 11-24T09:00 '"carrier":"顺丰","category":"logistics"'
	local x='zto-strike 2026-11-24 2026-11-25 pause carrier=中通 category=logistics'
	run --separate-stderr sweep sp 11-24T10:00 -x "$x"
	check_status 0
	# The spool's file replaces the shipped one, so it starts as its copy.
	check_eq kept "$(cat sp/etc/extensions)" "$(cat "$CX_SHARE/extensions")
$x"
	# The fix pauses (the answer does not): nothing of it counts until
	# Thursday.
	check_eq S "$(opened sp S '.sla | [.answer.extended, .fix.extended, .fix.due]')" \
	    '[null,["zto-strike"],"2026-11-27T00:00:00+08:00"]'
	check_eq O "$(opened sp O '.sla.fix | [.extended, .due]')" '[null,"2026-11-25T09:00:00+08:00"]'
	check_eq noted "$(opened sp S '.history')" \
	    "[{\"at\":\"2026-11-24T10:00:00+08:00\",\"by\":\"cx-sla\",\"action\":\"extended\",\"name\":\"zto-strike\",\"rule\":\"$x\"}]"
	[ ! -e sp/outbox ]
	# Later sweeps read it from etc/extensions, and note it no more.
	sweep sp 11-24T11:00 2>/dev/null
	sweep sp 11-25T11:00 2>/dev/null || [ $? -eq 1 ]
	check_eq once "$(said sp S | grep extended)" '10:00 extended zto-strike -'
	check_eq still "$(opened sp S '.sla.fix.extended')" '["zto-strike"]'
	# The same line again is nothing new; the name extending otherwise
	# is an error, and nothing is touched.
	run --separate-stderr sweep sp 11-25T11:05 -x "$x"
	check_status 1
	check_stderr 'cx-sla: 2 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 2 in breach, 0 history'
	check_eq "kept once" "$(grep -c '^zto-strike ' sp/etc/extensions)" 1
	cp -a sp before
	run --separate-stderr sweep sp 11-25T11:10 -x 'zto-strike 2026-11-24 2026-11-26 pause'
	check_status 2
	check_stderr 'cx-sla: -x: zto-strike: sp/etc/extensions:15 extends otherwise'
	same_tree before sp
	# +SPAN counts in each clock's own time: a working day is 7h30m.
	run --separate-stderr sweep sp 11-25T11:15 -x 'typhoon 2026-11-20 2026-11-30 +1d clock=answer,fix region=福建'
	put sp R normal 11-25T09:00 '"region":"福建"'
	ok01 sweep sp 11-25T11:20 2>/dev/null
	check_eq span "$(opened sp R '.sla | [.answer.due, .fix.due, .fix.extended]')" \
	    '["2026-11-26T14:30:00+08:00","2026-11-27T09:00:00+08:00",["typhoon"]]'
	# In filter mode -x holds for the run.
	conf c
	tk R normal 11-25T09:00 '"region":"福建"' >r.jsonl
	check_eq filter "$(sla -q --now "$(at 11-25T11:20)" -x 'typhoon 2026-11-20 2026-11-30 +1d clock=answer,fix region=福建' r.jsonl |
	    jq -c '[.sla.answer.due, .sla.fix.extended, [.history[].action]]')" \
	    '["2026-11-26T14:30:00+08:00",["typhoon"],["extended"]]'
	no_world_access sp
}

@test "extend: -x on a spool without etc/extensions keeps the extensions already in force" {
	spool sp
	conf c
	echo 'typhoon 2026-11-20 2026-11-30 +1d region=福建' >c/extensions
	put sp T normal 11-24T09:00 '"region":"福建"'
	CX_SHARE=$T/c sweep sp 11-24T10:00 2>/dev/null
	check_eq before "$(opened sp T '.sla.fix.extended')" '["typhoon"]'
	CX_SHARE=$T/c sweep sp 11-24T10:05 -x 'strike 2026-11-24 2026-11-24 pause' 2>/dev/null
	check_eq with-x "$(opened sp T '.sla.fix.extended')" '["typhoon","strike"]'
	CX_SHARE=$T/c sweep sp 11-24T10:10 2>/dev/null
	check_eq after "$(opened sp T '.sla.fix.extended')" '["typhoon","strike"]'
}

@test "extend: etc/ linked to a team's own configuration is read; -x writes through no link, exit 2" {
	spool sp
	mkdir team
	echo 'typhoon 2026-11-20 2026-11-30 +1d region=福建' >team/extensions
	mv sp/etc/policy team/
	rmdir sp/etc
	ln -s ../team sp/etc
	put sp T normal 11-24T09:00 '"region":"福建"'
	sweep sp 11-24T10:00 2>/dev/null
	check_eq read "$(opened sp T '.sla.fix.extended')" '["typhoon"]'
	cp -a sp before
	run --separate-stderr sweep sp 11-24T10:05 -x 'strike 2026-11-24 2026-11-24 pause'
	check_status 2
	check_stderr "cx-sla: sp/etc: a symbolic link; within a spool the tools follow links only to read etc/"
	same_tree before sp
	# etc/ the spool's own, its extensions a link.
	rm sp/etc
	mkdir sp/etc
	cp team/policy sp/etc/
	ln -s ../../team/extensions sp/etc/extensions
	run --separate-stderr sweep sp 11-24T10:05 -x 'strike 2026-11-24 2026-11-24 pause'
	check_status 2
	check_stderr "cx-sla: sp/etc/extensions: a symbolic link, which -x would replace: add the extension to the file it names"
	[ -L sp/etc/extensions ]
	check_eq team "$(cat team/extensions)" 'typhoon 2026-11-20 2026-11-30 +1d region=福建'
}

@test "calendar: deadlines in a year the calendar has no holidays for are warned about once a run" {
	spool sp
	# Two answers due in 2027 (whose 1 January is a plain Friday to the
	# calendar), one ticket with every deadline in 2026.
	put sp A normal 12-31T16:00
	put sp B normal 12-31T16:30
	put sp C normal 12-31T09:00 "$(hist "$(ev 12-31T09:30 replied)")"
	run --separate-stderr sweep sp 12-31T16:45
	check_status 0
	check_stderr \
	    'cx-sla: warning: the calendar has no holidays for 2027: deadlines in 2027 count the weekly hours only' \
	    'cx-sla: 3 tickets, 3 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history'
	check_eq due "$(cd sp/open && jq -r .sla.answer.due A B C)" '2027-01-01T11:00:00+08:00
2027-01-01T11:30:00+08:00
2026-12-31T14:30:00+08:00'
	# Filter mode too; and nothing when every deadline is in 2026.
	conf c
	run --separate-stderr run_to out.jsonl sla --now "$(at 12-31T16:45)" sp/open/A sp/open/B
	check_status 0
	check_stderr \
	    'cx-sla: warning: the calendar has no holidays for 2027: deadlines in 2027 count the weekly hours only' \
	    'cx-sla: 2 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history'
	run --separate-stderr run_to out.jsonl sla --now "$(at 12-31T16:45)" sp/open/C
	check_status 0
	check_stderr 'cx-sla: 1 tickets, 0 changed, 0 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history'
	# -q keeps the warning: it is about the configuration, not the sweep.
	run --separate-stderr run_to out.jsonl sla -q --now "$(at 12-31T16:45)" sp/open/A
	check_status 0
	check_stderr 'cx-sla: warning: the calendar has no holidays for 2027: deadlines in 2027 count the weekly hours only'
}

@test "calendar: a department's own calendar (a policy calendar line, a file in etc/) counts its working time and holds its alerts" {
	spool sp
	printf '%s\n' 'calendar 物流部 cal-247' 'calendar * calendar' >>sp/etc/policy
	printf '%s\n' 'timezone Asia/Shanghai' 'hours mon-sun 00:00-24:00' 'year all' >sp/etc/cal-247
	# Received on Saturday at 10:00: 物流部 works, 客服部 does not.
	put sp G normal 11-28T10:00 '"department":"物流部","assignee":"老周"'
	sed -i 's/"department":"客服部","assignee":"小李",//' sp/open/G
	put sp K normal 11-28T10:00
	# H, late since Friday, waits for 客服部's Monday.
	put sp H normal 11-27T09:00
	run --separate-stderr sweep sp 11-28T14:30
	check_status 1
	check_stderr 'cx-sla: 3 tickets, 3 changed, 0 unread: 0 warnings, 1 breaches, 1 escalations (alerts of 1 held until working time); 2 in breach, 0 history'
	check_eq due "$(cd sp/open && jq -r '[.id, .sla.answer.due] | join(" ")' G K)" \
	    'G 2026-11-28T14:00:00+08:00
K 2026-11-30T14:30:00+08:00'
	check_eq alerts "$(alerts sp)" '14:30 G breach answer - 老周,小王
14:30 G escalation answer 1 老周,小王'
	run --separate-stderr cx-sla -s sp --now "$(at 11-28T14:30)" -E -i G
	check_status 0
	check_eq explain "${lines[0]}" 'G: now 2026-11-28T14:30:00+08:00; calendar "cal-247" (Asia/Shanghai)'
	# A calendar file that is nowhere: exit 2.
	sed -i 's/cal-247/cal-none/' sp/etc/policy
	run --separate-stderr sweep sp 11-28T14:35
	check_status 2
	check_stderr "cx-sla: no cal-none file in $CX_SHARE or the spool's etc/"
}

# --- dry runs, permissions ------------------------------------------------

@test "dry run: -n sweeps, says what it would do and changes nothing" {
	spool sp
	put sp A normal 11-24T09:00
	put sp F normal 11-24T10:00
	cp -a sp before
	run --separate-stderr sweep sp 11-24T15:00 -n
	check_status 1
	check_stderr 'cx-sla: dry run: 2 tickets, 2 changed, 0 unread: 1 warnings, 1 breaches, 1 escalations; 1 in breach, 0 history'
	check_eq stdout "$output" ''
	same_tree before sp
	run --separate-stderr sweep sp 11-24T15:00 -n -x 'strike 2026-11-24 2026-11-25 pause'
	check_status 1
	same_tree before sp
	# A spool that is not there is not made.
	run --separate-stderr cx-sla -n -s nowhere --now "$(at 11-24T15:00)"
	check_status 2
	[ ! -e nowhere ]
}

@test "spool: what cx-sla writes is not world-readable, whatever the umask" {
	spool sp
	put sp A normal 11-24T09:00
	put sp F normal 11-24T10:00
	umask 000
	ok01 sweep sp 11-24T15:00 -x 'strike 2026-11-24 2026-11-25 pause' 2>/dev/null
	ok01 sweep sp 11-24T17:00 2>/dev/null
	umask 027
	[ -s sp/outbox/sla-1.jsonl ] && [ -f sp/etc/extensions ] && [ -f sp/state ]
	no_world_access sp
}

@test "spool: a ticket in open/ that cannot be read is left as it is, named with its path, counted unread, and the sweep goes on; exit 1" {
	spool sp
	put sp A normal 11-24T09:00
	echo 'not json' >sp/open/B
	echo '{"id":"C","priority":"normal"}' >sp/open/C
	cp sp/open/B sp/open/C .
	run --separate-stderr sweep sp 11-24T15:00
	check_status 1
	check_stderr \
	    'cx-sla: sp/open/B:1: not a JSON object at column 1; left as it is' \
	    'cx-sla: sp/open/C:1: no received_at or registered_at; left as it is' \
	    'cx-sla: 1 tickets, 1 changed, 2 unread: 0 warnings, 1 breaches, 1 escalations; 1 in breach, 0 history'
	cmp B sp/open/B
	cmp C sp/open/C
	check_eq A "$(said sp A)" '15:00 sla_breach answer -
15:00 escalated answer 1'
	# Exit 1 for the ticket unread alone, none in breach.
	spool s2
	put s2 N normal 11-24T14:00
	cp B s2/open/B
	run --separate-stderr sweep s2 11-24T15:00
	check_status 1
	check_stderr \
	    'cx-sla: s2/open/B:1: not a JSON object at column 1; left as it is' \
	    'cx-sla: 1 tickets, 1 changed, 1 unread: 0 warnings, 0 breaches, 0 escalations; 0 in breach, 0 history'
	cmp B s2/open/B
}

# --- two tools at once, and crashes ---------------------------------------

@test "concurrency: cx-sla sweeping while cx-route files 1000 tickets: both finish, every ticket in open/ once, each parses, nothing said twice" {
	need_cxgen
	mkdir -p sp/etc
	echo 'batch_size = 250' >sp/etc/cx.conf
	"$CXGEN" -f helpdesk-zh -n 1000 -s 5 >e.csv
	run --separate-stderr cx-ingest -s sp e.csv
	check_status 0
	cx-classify -q -s sp
	cat sp/classified/*.jsonl | jq -r .id | sort >ids
	local i st1=0 st2=0 bad=''
	cx-route -q -s sp 2>err1 &
	local pid=$!
	for ((i = 0; i < 8; i++)); do
		st2=0
		cx-sla -q -s sp --now "2026-11-24T1$i:00:00+08:00" 2>>err2 || st2=$?
		[ "$st2" -le 1 ] || bad+=" sweep $i: $st2"
	done
	wait $pid || st1=$?
	check_eq "cx-route" $st1 0
	check_eq "cx-sla" "$bad" ''
	check_eq "cx-sla said" "$(cat err2)" ''
	check_eq "cx-route said" "$(cat err1)" ''
	st2=0
	cx-sla -q -s sp --now 2026-11-24T18:00:00+08:00 || st2=$?
	[ "$st2" -le 1 ]
	check_eq classified "$(ls -A sp/classified)" ''
	check_eq tmp "$(ls -A sp/tmp)" ''
	diff -u ids <(ls sp/open)
	check_eq "one line each" "$(cat sp/open/* | wc -l)" 1000
	run jq -r 'select(type != "object" or .id == null) | input_filename' sp/open/*
	check_status 0
	check_eq "each parses" "$output" ''
	check_eq "files named by their id" "$(cd sp/open && jq -r 'select(input_filename != .id) | input_filename' *)" ''
	check_eq "routed once" "$(cat sp/open/* | jq -r '[.history[] | select(.action == "routed")] | length' | sort -u)" 1
	check_eq "every one swept" "$(cat sp/open/* | jq -r 'has("sla")' | sort -u)" true
	check_eq "repeated alerts" "$(cat sp/outbox/* | jq -r '[.ticket, .clock // "-", .since // "-", .event,
	    (.share // .level // "-" | tostring)] | join(" ")' | sort | uniq -d)" ''
	check_eq "repeated entries" "$(cat sp/open/* | jq -r '.id as $id | .history[] | select(.by == "cx-sla") |
	    [$id, .clock // .name, .since // "-", .action, (.share // .level // "-" | tostring)] | join(" ")' | sort | uniq -d)" ''
	no_world_access sp/open
}

# crash_spool DIR: tickets whose first sweep at 11-24T17:00 says a warning,
# breaches and every rung, one moved to the senior desk.
crash_spool() {
	spool "$1"
	put "$1" A normal 11-24T09:00
	put "$1" B urgent 11-24T15:30
	put "$1" C normal 11-24T13:30
	put "$1" D low 11-24T16:00 "$(hist "$(ev 11-24T16:10 replied)")"
}

# lines DIR: every alert of DIR's outbox, sorted.
lines() {
	[ ! -d "$1/outbox" ] || cat "$1"/outbox/* | sort
}

@test "crash: killed at each write, rename, fsync or unlink of a sweep, a rerun ends as an undisturbed sweep: each ticket before or after, each alert once, tmp/ empty" {
	need_strace
	crash_spool base
	cp -a base ref
	run --separate-stderr cx-sla -s ref --now "$(at 11-24T17:00)"
	check_status 1
	check_stderr 'cx-sla: 4 tickets, 4 changed, 0 unread: 1 warnings, 3 breaches, 4 escalations; 2 in breach, 0 history'
	local sc n st failed='' kills=0 t
	for sc in write '/^renameat' fsync syncfs unlinkat; do
		for ((n = 1; n <= 40; n++)); do
			rm -rf sp
			cp -a base sp
			st=0
			die_at "$sc" "$n" cx-sla -s sp --now "$(at 11-24T17:00)" 2>/dev/null || st=$?
			[ "$st" -eq 137 ] || break
			kills=$((kills + 1))
			# Each ticket is as it was or as the sweep makes it.
			for t in A B C D; do
				cmp -s sp/open/$t base/open/$t || cmp -s sp/open/$t ref/open/$t ||
				    failed+="  $sc #$n: $t is neither before nor after"$'\n'
			done
			st=0
			cx-sla -s sp --now "$(at 11-24T17:00)" 2>/dev/null || st=$?
			if [ "$st" -ne 1 ]; then
				failed+="  $sc #$n: the rerun exited $st"$'\n'
			elif [ -n "$(ls -A sp/tmp)" ]; then
				failed+="  $sc #$n: left in tmp/: $(ls -A sp/tmp | tr '\n' ' ')"$'\n'
			elif ! diff -q <(lines ref) <(lines sp) >/dev/null; then
				failed+="  $sc #$n: the alerts differ: $(diff <(lines ref) <(lines sp) | grep '^[<>]' | cut -c1-80 | tr '\n' ';')"$'\n'
			else
				for t in A B C D; do
					cmp -s sp/open/$t ref/open/$t ||
					    failed+="  $sc #$n: $t differs from an undisturbed sweep's"$'\n'
				done
			fi
		done
	done
	echo "# $kills crashes" >&3
	[ "$kills" -gt 10 ]
	[ -z "$failed" ] || { printf 'after a crash:\n%s' "$failed" >&2; return 1; }
}

@test "spool: a sweep with more than 4 MiB of alerts goes on in sla-N-2.jsonl; every alert once, every ticket rewritten" {
	spool sp
	local i
	for i in $(seq 1 4000); do
		tk "T$i" normal 11-24T09:00
	done | awk '{ f = sprintf("sp/open/T%d", NR); print > f; close(f) }'
	run --separate-stderr sweep sp 11-24T16:30 -q
	check_status 1
	check_stderr
	check_eq parts "$(ls sp/outbox)" 'sla-1-2.jsonl
sla-1.jsonl'
	check_eq big "$(($(stat -c %s sp/outbox/sla-1.jsonl) > 4 * 1024 * 1024))" 1
	# Five each: the answer's breach, three rungs, and the fix's warning
	# once the last rung made the ticket urgent.
	check_eq alerts "$(cat sp/outbox/* | wc -l)" 20000
	check_eq once "$(cat sp/outbox/* | jq -r '[.ticket, .event, .clock, (.level // .share // 0)] | join(" ")' | sort | uniq -d)" ''
	check_eq swept "$(cat sp/open/* | jq -r 'select(.sla.answer.breached) | .id' | wc -l)" 4000
}

@test "ladder: a ticket deferred for the senior desk's loads says each alert once, and the summary counts what the history holds" {
	spool sp
	cat >sp/etc/policy <<-'P'
	clock fix from=received stop=resolved pause
	target fix 8h priority=urgent
	target fix 24h
	escalate 0  raise notify=assignee
	escalate 2h queue=高级客服
	P
	put sp T normal 11-23T09:00
	run --separate-stderr sweep sp 11-25T09:30
	check_status 1
	check_stderr 'cx-sla: 1 tickets, 1 changed, 0 unread: 0 warnings, 1 breaches, 2 escalations; 1 in breach, 0 history'
	check_eq alerts "$(alerts sp)" '09:30 T breach fix - 小李,小王
09:30 T escalation fix 1 小李
09:30 T escalation fix 2 '
	check_eq said "$(said sp T)" '09:30 sla_breach fix -
09:30 escalated fix 1
09:30 escalated fix 2'
}

@test "ladder: a rung that raises the priority leaves a deadline met in time met in time, then and in later sweeps" {
	spool sp
	# The answer came 90 minutes after the complaint: in time for 4
	# working hours, late for the hour an urgent ticket gets.
	put sp T normal 11-23T09:00 "$(hist "$(ev 11-23T10:30 replied)")"
	run --separate-stderr sweep sp 11-24T16:30 -q
	check_status 1
	check_eq raised "$(opened sp T '[.priority, .sla.answer.breached, .sla.answer.limit]')" '["urgent",false,"4h working"]'
	check_eq said "$(said sp T | grep -c answer)" 0
	run --separate-stderr sweep sp 11-24T16:35 -q
	check_eq later "$(opened sp T '[.priority, .sla.answer.breached, .sla.answer.limit]')" '["urgent",false,"4h working"]'
	check_eq "said later" "$(said sp T | grep -c answer)" 0
}
