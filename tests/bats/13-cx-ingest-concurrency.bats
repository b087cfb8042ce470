#!/usr/bin/env bats
# The spool's promise (DESIGN.md, "The spool"): two runs at once never lose
# an update and never give two tickets one number; a crash at any instant
# leaves every ticket before or after the change, and the next run picks
# up what was left.  Inputs come from $CX_BUILD/tests/cxgen, which writes
# the same rows for the same seed on every machine.

load helper

# spool_ok DIR: every batch parses line by line, ids and source keys are
# unique, ids run CX-20261124-0001..N without a gap, tmp/ is empty.
spool_ok() {
	local f n
	for f in "$1"/new/*.jsonl; do
		jq -c . "$f" >/dev/null || { echo "torn file $f" >&2; return 1; }
	done
	n=$(tickets "$1" | wc -l)
	seq -f 'CX-20261124-%04g' 1 "$n" | sort > want-ids
	tickets "$1" | jq -r .id | sort > ids
	cmp -s want-ids ids || { diff -u want-ids ids | head -n 20 >&2; return 1; }
	check_eq "unique keys" "$(tickets "$1" | jq -r .source.key | sort -u | wc -l)" "$n"
	check_eq "left in tmp/" "$(ls -A "$1/tmp")" ''
}

@test "concurrency: four ingests of four exports at once lose nothing and share no number" {
	need_cxgen
	"$CXGEN" -f helpdesk-zh -n 2000 -s 1 > e1.csv
	"$CXGEN" -f chat -n 2000 -s 2 > e2.csv
	"$CXGEN" -f cfpb -n 2000 -s 3 > e3.csv
	"$CXGEN" -f jsonl -n 2000 -s 4 > e4.jsonl
	# No spool yet: the four also race to create it.
	local pids=() i st reg=0 fol=0 dup=0
	for i in 1 2 3 4; do
		cx-ingest -s sp e$i.* 2>err$i &
		pids+=($!)
	done
	for i in 1 2 3 4; do
		st=0
		wait "${pids[i - 1]}" || st=$?
		check_eq "exit status of run $i" "$st" 0
		[[ $(cat err$i) =~ ^cx-ingest:\ ([0-9]+)\ registered,\ ([0-9]+)\ follow-ups,\ 0\ replies,\ ([0-9]+)\ duplicates,\ 0\ rejected$ ]] ||
		    { echo "run $i said: $(cat err$i)" >&2; return 1; }
		check_eq "rows of run $i" $((BASH_REMATCH[1] + BASH_REMATCH[2] + BASH_REMATCH[3])) 2000
		reg=$((reg + BASH_REMATCH[1]))
		fol=$((fol + BASH_REMATCH[2]))
		dup=$((dup + BASH_REMATCH[3]))
	done
	# Rows are all different: none is a duplicate, none is lost.
	check_eq duplicates "$dup" 0
	check_eq tickets "$(tickets sp | wc -l)" "$reg"
	check_eq follow-ups "$(tickets sp | jq -s 'map(.followups // [] | length) | add')" "$fol"
	check_eq rows $((reg + fol)) 8000
	spool_ok sp
	no_world_access sp
}

# A random moment in the first 40% of a run that took $1 ms, in seconds:
# a later run skips what is registered and is quicker, yet still has to
# read the whole export.
# commits DIR: the number of the spool's last commit, 0 before any.
commits() {
	local n
	n=$(sed -n 's/^commit //p' "$1/state" 2>/dev/null)
	echo "${n:-0}"
}

@test "crash: kill -9 at random moments, then one run to the end: every row once, nothing torn" {
	need_cxgen
	"$CXGEN" -n 20000 -s 7 -d 97 > big.csv
	mkdir -p ref/etc sp/etc
	echo 'batch_size = 200' > ref/etc/cx.conf
	cp ref/etc/cx.conf sp/etc/cx.conf
	# An undisturbed run: the reference.
	local i pid st hits=0 want target
	run --separate-stderr cx-ingest -s ref big.csv
	check_status 0
	# -d 97 repeats every 97th row: some rows are duplicates.
	[[ $stderr =~ ^cx-ingest:\ ([0-9]+)\ registered,\ ([0-9]+)\ follow-ups,\ 0\ replies,\ ([1-9][0-9]*)\ duplicates,\ 0\ rejected$ ]] ||
	    { echo "reference run said: $stderr" >&2; return 1; }
	want=${BASH_REMATCH[1]}
	check_eq rows $((want + BASH_REMATCH[2] + BASH_REMATCH[3])) 20000
	# Each run is killed a few commits (batches) on, at a random moment
	# of the next ones: paced by the spool's progress, not by the clock,
	# so that a slow or busy machine kills as many runs as an idle one.
	for i in $(seq 12); do
		target=$(($(commits sp) + 1 + RANDOM % 4))
		cx-ingest -q -s sp big.csv 2>/dev/null &
		pid=$!
		while kill -0 "$pid" 2>/dev/null &&
		    [ "$(commits sp)" -lt "$target" ]; do
			sleep 0.005
		done
		sleep "0.00$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		st=0
		{ wait "$pid"; } 2>/dev/null || st=$?
		case $st in
		137)	hits=$((hits + 1)) ;;
		0)	;;
		*)	echo "run $i exited $st" >&2; return 1 ;;
		esac
	done
	echo "# $hits of 12 runs killed, at commit $(commits sp)" >&3
	[ "$hits" -ge 4 ]
	run --separate-stderr cx-ingest -s sp big.csv
	check_status 0
	[[ $stderr =~ ^cx-ingest:\ [0-9]+\ registered,\ [0-9]+\ follow-ups,\ 0\ replies,\ [0-9]+\ duplicates,\ 0\ rejected$ ]]
	check_eq tickets "$(tickets sp | wc -l)" "$want"
	# The same batches, byte for byte, as the run nobody killed.
	same_tree ref/new sp/new
	spool_ok sp
}
