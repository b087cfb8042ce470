#!/usr/bin/env bats
# cx-report: the briefing (R6).  Golden briefings of a fixed set of
# generated tickets in every form; the figures against jq computing them
# on its own; the QA sample's seed; parts merged equal to one run, split
# by hand, by GNU parallel and sorted as Hadoop sorts; --where against jq;
# the public report's suppression; masking; the spool's directories and
# archive; the HTML in headless Chromium.

load helper

NOW=2026-11-30T09:00:00+08:00
REPORTGEN=$CX_BUILD/tests/reportgen

setup() {
	cx_setup
	[ -x "$REPORTGEN" ] || {
		echo "no $REPORTGEN: run make all" >&2
		return 1
	}
	"$REPORTGEN" -n 3000 -s 7 --now "$NOW" >t.jsonl
	export CX_NOW=$NOW
}

# A share whose calendar makes every minute working time, so that jq can
# count working minutes as minutes.
allday() {
	cp -R "$TOP/share/cx" share
	printf '%s\n' 'timezone Asia/Shanghai' 'hours mon-sun 00:00-24:00' \
	    'year 2026' >share/calendar
	export CX_SHARE=$T/share
}

@test "usage: a bad option, two periods, --from without --to, --merge on a spool, a bad rate are exit 2" {
	run --separate-stderr cx-report -O pdf t.jsonl
	check_status 2
	check_stderr 'cx-report: -O: text, md, csv, json or html, not "pdf"'
	run --separate-stderr cx-report --week last --day today t.jsonl
	check_status 2
	check_stderr 'cx-report: --week, --day and --from/--to: one of them'
	run --separate-stderr cx-report --from 2026-11-01 t.jsonl
	check_status 2
	check_stderr 'cx-report: --from and --to go together'
	run --separate-stderr cx-report --merge -s sp
	check_status 2
	check_stderr 'cx-report: --merge adds up parts, not a spool'
	run --separate-stderr cx-report --qa-rate 0 t.jsonl
	check_status 2
	check_stderr 'cx-report: --qa-rate: a number from 1 to 100, not "0"'
	run --separate-stderr cx-report --partial --qa t.jsonl
	check_status 2
	check_stderr 'cx-report: --partial, --qa and --public: one of them (--merge may go with --qa or --public)'
	run --separate-stderr cx-report --where '.[' t.jsonl
	check_status 2
	[[ $stderr == "cx-report: --where: jq: error: syntax error"* ]]
}

@test "golden: the briefing of fixed tickets in text, Markdown, CSV, JSON and HTML, Chinese and English" {
	local f
	for f in text md csv json html; do
		cx-report -q -O $f t.jsonl >b.$f
		golden report/briefing.$f b.$f
	done
	cx-report -q -L en t.jsonl >en.text
	golden report/briefing-en.text en.text
	cx-report -q -L en --public t.jsonl >public.text
	golden report/public-en.text public.text
	jq -e . b.json >/dev/null
	# CSV: a header, then four fields a line.
	mlr --icsv --ojson cat b.csv | jq -e 'length > 100' >/dev/null
}

@test "figures: the volumes, rates, medians and percentiles agree with jq counting them itself" {
	allday
	cx-report -q -O json t.jsonl >b.json
	# Last week: 2026-11-23 .. 29; the week before.
	jq -s -c --arg f 2026-11-23T00 --arg t 2026-11-30T00 --arg pf 2026-11-16T00 '
	    def cohort(a; b): map(select(.received_at >= a and .received_at < b));
	    def mins(a; b): ((b | .[0:19] + "Z" | fromdate) -
	        (a | .[0:19] + "Z" | fromdate)) / 60 | floor;
	    def rank(p): sort | .[((length * p + 99) / 100 | floor) - 1];
	    (cohort($f; $t)) as $c | (cohort($pf; $f)) as $p |
	    [ ($c | length), ($p | length),
	      ($c | map(select(.channel == "chat")) | length),
	      ($c | map(select([.history[] | select(.at < $t) | .action] |
	          index("resolved") or index("closed"))) | length),
	      ($c | map([.history[] | select(.at < $t and (.action ==
	          "replied" or .action == "acknowledged")) | .at][0] as $r |
	          select($r) | mins(.received_at; $r)) | rank(50), rank(90))
	    ]' t.jsonl >jq.txt
	jq -c '[(.tables[] | select(.id == "summary") | .rows[0][1], .rows[0][2]),
	    (.tables[] | select(.id == "volume_channel") | .rows[] |
	    select(.[0] == "在线客服") | .[1]),
	    (.tables[] | select(.id == "summary") | .rows[2][1] * 1e6 | round),
	    (.tables[] | select(.id == "summary") | .rows[7][1], .rows[8][1])]' \
	    b.json >cx.txt
	read -r n np chat resolved med p90 < <(jq -r '@tsv' jq.txt)
	check_eq figures "$(cat cx.txt)" \
	    "$(jq -c --argjson n "$n" '[.[0], .[1], .[2], (.[3] / $n * 1e6 | round), .[4], .[5]]' jq.txt)"
}

@test "QA sample: the same seed the same sample in any order, another seed another; 10% of the handled, rounded up" {
	cx-report -q --qa t.jsonl >s1.csv
	shuf --random-source=<(yes) t.jsonl | cx-report -q --qa >s2.csv
	cmp s1.csv s2.csv
	cx-report -q --qa --seed 2 t.jsonl >s3.csv
	! cmp -s s1.csv s3.csv
	handled=$(jq -s --arg f 2026-11-23T00 --arg t 2026-11-30T00 '
	    map(select([.history[] | select(.at >= $f and .at < $t and
	    (.action == "resolved" or .action == "closed"))] | length > 0)) |
	    length' t.jsonl)
	check_eq "sample size" "$(($(wc -l <s1.csv) - 1))" \
	    "$(((handled * 10 + 99) / 100))"
	# The sample is read back by cx-close: its columns are cx-close's.
	check_eq header "$(head -n 1 s1.csv | tr -d '\r')" \
	    '工单号,动作,处理人,质检结果,备注,经办客服,部门,问题类型,渠道'
}

@test "merge: parts by hand, by GNU parallel, and sorted as Hadoop sorts, all equal one run byte for byte" {
	cx-report -q t.jsonl >one.txt
	split -n l/3 t.jsonl part.
	for p in part.aa part.ab part.ac; do
		cx-report -q --partial $p >$p.counts
	done
	cx-report -q --merge part.aa.counts part.ab.counts part.ac.counts >merged.txt
	diff -u one.txt merged.txt
	parallel --pipe -N 400 -j 2 cx-report -q --partial <t.jsonl >all.counts
	[ "$(grep -c cx_report_partial all.counts)" -ge 7 ]
	cx-report -q --merge all.counts >par.txt
	diff -u one.txt par.txt
	sort all.counts | cx-report -q --merge -O json >sorted.json
	cx-report -q -O json t.jsonl >one.json
	cmp one.json sorted.json
	cx-report -q --qa t.jsonl >qa1.csv
	cx-report -q --merge --qa all.counts >qa2.csv
	cmp qa1.csv qa2.csv
	# A week that is over is the same report whenever a part is made; a
	# running one is not.
	cx-report -q --now 2026-12-05T10:00:00+08:00 --week 2026-11-23 \
	    --partial part.aa >late.counts
	cx-report -q --merge late.counts part.ab.counts part.ac.counts >late.txt
	diff -u one.txt late.txt
	cx-report -q --week this --partial part.aa >r1.counts
	cx-report -q --week this --now 2026-11-30T10:00:00+08:00 --partial \
	    part.ab >r2.counts
	run --separate-stderr cx-report --week this --merge r1.counts r2.counts
	check_status 2
	check_stderr 'cx-report: r2.counts:1: a part of another report (its period, clock, seed, rate or --where differ)'
	run --separate-stderr cx-report --merge --seed 9 part.aa.counts
	check_status 2
	check_stderr 'cx-report: part.aa.counts:1: a part of another report (its period, clock, seed, rate or --where differ)'
	run --separate-stderr cx-report --merge t.jsonl
	check_status 2
	check_stderr 'cx-report: t.jsonl:1: not a line of cx-report --partial'
}

@test "--where: in the process, the same as jq selecting first; a line jq cannot read is said and left out" {
	cx-report -q --where '.priority == "urgent" and .channel != "email"' t.jsonl >w.txt
	jq -c 'select(.priority == "urgent" and .channel != "email")' t.jsonl |
	    cx-report -q >j.txt
	diff -u j.txt w.txt
	run --separate-stderr cx-report --where '.amount > 100' t.jsonl
	check_status 0
	check_stderr "cx-report: $(wc -l <t.jsonl | tr -d ' ') tickets read, $(jq -s 'map(select((.amount > 100) | not)) | length' t.jsonl) left out by --where, 0 unread"
	printf '%s\n' '{"id":"X-1","received_at":"2026-11-24T10:00:00+08:00","amount":"a"}' \
	    'not json' >bad.jsonl
	run --separate-stderr cx-report --where '.amount + 1 > 0' bad.jsonl
	check_status 1
	check_stderr 'cx-report: bad.jsonl:1: --where: string ("a") and number (1) cannot be added; left out' \
	    'cx-report: bad.jsonl:2: not JSON; left out' \
	    'cx-report: 0 tickets read, 0 left out by --where, 2 unread'
}

@test "privacy: no customer's name, phone or email in any form unless --unmasked, which says so" {
	jq -r '.customer | .name // empty, .phone // empty, .email // empty' t.jsonl |
	    sort -u >pd.txt
	[ "$(wc -l <pd.txt)" -gt 50 ]
	for f in text md csv json html; do
		cx-report -q -O $f t.jsonl >b.$f
		! grep -F -f pd.txt b.$f
	done
	cx-report -q --qa t.jsonl >qa.csv
	! grep -F -f pd.txt qa.csv
	cx-report -q --unmasked t.jsonl >u.txt
	grep -q -F -f pd.txt u.txt
	check_eq notice "$(sed -n 3p u.txt)" '未脱敏：本简报含客户个人信息原文，请勿外传。'
}

@test "public report: no ticket, agent or department; no count under the least group; small groups folded into other" {
	cx-report -q --public -O json --min-group 50 t.jsonl >p.json
	! jq -r '.. | strings' p.json | grep -E 'CX-|客服部|小李|老周'
	check_eq ids "$(jq -r '[.tables[].id] | join(" ")' p.json)" \
	    'summary volume_category volume_channel'
	# Every count shown is 50 or more, or "<50".
	jq -e '[.tables[] | select(.id != "summary") | .rows[][1:][] |
	    select(type == "number" and . > 0 and . < 50)] | length == 0' p.json
	# What is folded cannot be worked out: "other" is not under 50 unless
	# nothing is shown beside it.
	jq -e '[.tables[] | select(.id != "summary") |
	    (.rows | map(select(.[0] == "其他（小类合并）")) | .[0]) as $o |
	    select($o != null and ($o[1] == "<50" or $o[2] == "<50") and
	    (.rows | length) > 1)] | length == 0' p.json
}

@test "hot spots: the planted surge of SKU-HOT1 is found, with the numbers behind it" {
	cx-report -q -O json t.jsonl >b.json
	jq -e '.tables[] | select(.id == "hot_spots") | .rows[] |
	    select(.[1] == "SKU-HOT1") | .[2] >= 5 and (.[4] >= 2)' b.json
	run cx-report -q --hot-min 100000 -O json t.jsonl
	jq -e '.tables[] | select(.id == "hot_spots") | .rows == []' <<<"$output"
}

@test "spool: tickets waiting, open, closed and archived are all read; the same briefing as from their files" {
	routed_spool sp examples/helpdesk-zh.csv
	T1=$(jq -r .id sp/open/* | sed -n 1p)
	T2=$(jq -r .id sp/open/* | sed -n 2p)
	cx-close -q -s sp -i "$T1" -a 老周 resolve explanation
	cx-close -q -s sp -i "$T1" confirm
	cx-close -q -s sp -i "$T2" -a 老周 resolve explanation
	cx-close -q -s sp -i "$T2" confirm
	CX_NOW=2026-12-30T09:00:00+08:00 cx-close -q -s sp --archive 1d
	ls sp/archive/*.jsonl.gz
	cx-ingest -q -s sp examples/chat.csv
	ls sp/new/*
	run --separate-stderr cx-report -s sp --week 2026-11-22
	check_status 0
	{ cat sp/new/* sp/open/*; zcat sp/archive/*.gz; } | grep -v followup_of >all.jsonl
	cx-report -q --week 2026-11-22 all.jsonl >f.txt
	diff -u f.txt <(printf '%s\n' "$output")
	check_eq summary "$stderr" "cx-report: $(wc -l <all.jsonl | tr -d ' ') tickets read, 0 left out by --where, 0 unread"
}

@test "history: an export's old complaints, imported with their outcome, count like any other" {
	cx-ingest -q data/history-zh.csv >h.jsonl 2>/dev/null || [ $? -eq 1 ]
	cx-report -q -L en --from 2026-10-01 --to 2026-11-01 -O json h.jsonl >b.json
	# 7 complaints, 4 closed; first replies after 40, 20, 30 (lunch
	# 12:00 to 13:30 is not working time) and 30 working minutes.
	check_eq figures "$(jq -c '.tables[] | select(.id == "summary") |
	    [.rows[0][1], .rows[2][1], .rows[7][1], .rows[8][1]]' b.json)" \
	    '[7,0.5714285714,30,40]'
}

@test "improvement actions: listed with their state, overdue ones said, a bad state stops with the line" {
	mkdir -p sp/etc
	printf '%s\n' 'id,action,owner,due,state,done,tickets,problem' \
	    'IA-1,抽检,刘经理,2026-11-20,doing,,CX-1 CX-2,quality.defect' \
	    'IA-2,跟进,老周,2026-12-20,open,,,' \
	    'IA-3,培训,小李,2026-11-25,done,2026-11-26,CX-3,service.rude' >imp.csv
	cx-report -q -L en --improvements imp.csv -O json t.jsonl >b.json
	check_eq states "$(jq -c '.tables[] | select(.id == "improvements") |
	    [.rows[] | [.[0], .[4], .[5]]]' b.json)" \
	    '[["IA-1","OVERDUE",2],["IA-2","not started",0],["IA-3","done",1]]'
	check_eq note "$(jq -r '.tables[] | select(.id == "improvements") | .note' b.json)" \
	    '1 done in the period, 1 overdue.'
	printf '%s\n' 'id,action,state' 'IA-9,x,maybe' >bad.csv
	run --separate-stderr cx-report --improvements bad.csv t.jsonl
	check_status 2
	check_stderr 'cx-report: bad.csv:2: state "maybe": done, doing or open (cx-improvements(5))'
}

@test "html: one self-contained page with charts and tables, nothing overflowing on a phone or a desktop (headless Chromium)" {
	cx-report -q -O html t.jsonl >b.html
	run "$TOP/tests/htmlcheck" b.html "$CX_BUILD/report-briefing.png"
	printf '%s\n' "$output"
	check_status 0
	[[ $output == *"ok 390: "*" svg, "*" tables, no overflow"* ]]
	[[ $output == *"ok 1280: "*" svg, "*" tables, no overflow"* ]]
	cx-report -q -O html -L en --public t.jsonl >p.html
	run "$TOP/tests/htmlcheck" p.html
	check_status 0
}
