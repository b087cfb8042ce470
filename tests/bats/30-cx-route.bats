#!/usr/bin/env bats
# cx-route: the departments of each ticket, one leading (cx-routing(5));
# its owner, set once, from who received it or its first agent (首问负责制);
# its agent, least loaded or in turn, on duty and under capacity
# (cx-agents(5)); its standard remedy and replies (cx-solutions(5)); the
# repeat and review flags; filter mode and spool mode, two runs at once and
# crashes.  The rules are tested with a small configuration of our own
# (small_conf below), in a spool's etc/ or, for filter mode, as CX_SHARE;
# the shipped files only on a few obvious tickets of the examples.

load helper

setup() {
	cx_setup
	small_conf c
}

# small_conf DIR: the routing, agents, solutions and cx.conf of these
# tests in DIR (a spool's etc/, or CX_SHARE for filter mode).
small_conf() {
	mkdir -p "$1"
	cat >"$1/routing" <<-'EOF'
	# The subcategory line before its category's, and one after.
	category logistics.lost: 仓储, 物流部
	category quality: 商品部, 质检
	category quality.safety: 质检, 商品部, 法务
	category logistics: 物流部, 仓储
	category service, suggestion: 客服部
	default: 客服部
	channel weibo, douyin: 公关
	region 北京: 北京分部
	amount > 5000: 财务
	EOF
	printf '%s\n' '# NAME DEPARTMENT CAPACITY on|off [SKILLS]' \
	    '刘经理	商品部	2	on	zh' \
	    '小刘	商品部	2	on	zh,en' \
	    '小何	质检	1	on	zh' \
	    '老周	物流部	1	on	zh' \
	    '小孙	物流部	5	off	zh' \
	    '阿峰	仓储	1	on' \
	    '小李	客服部	3	on	zh,en' >"$1/agents"
	printf '%s\n' \
	    'quality: exchange | 我们将为您换货。 | We will exchange the item.' \
	    'quality.safety: refund | 我们将为您全额退款。 | We will refund you in full.' \
	    'logistics: explanation | 我们正在向承运商核实。 | We are checking with the carrier.' \
	    >"$1/solutions"
	printf '%s\n' 'timezone = Asia/Shanghai' 'repeat_count = 3' \
	    'repeat_days = 30' 'review_unfounded = 2' >"$1/cx.conf"
}

# rt ARGS...: cx-route in filter mode with the configuration in c/.
rt() {
	CX_SHARE=$T/c cx-route "$@"
}

# tk ID CODE [MEMBERS]: a classified ticket of category or subcategory CODE
# (- for none), from the app, received on 20 November, with MEMBERS (JSON
# members, comma-separated) added at the end.
tk() {
	local cat=
	case $2 in
	-) ;;
	*.*) cat=",\"category\":\"${2%%.*}\",\"subcategory\":\"$2\"" ;;
	*) cat=",\"category\":\"$2\"" ;;
	esac
	printf '{"id":"%s","channel":"app","received_at":"2026-11-20T10:00:00+08:00"%s,"classified_by":{"category":{"by":"rules"}}%s}\n' \
	    "$1" "$cat" "${3:+,$3}"
}

# sp DIR: a spool DIR with the small configuration in its etc/.
sp() {
	small_conf "$1/etc"
}

# batch DIR FILE: FILE as the next batch in DIR/classified, as cx-classify
# leaves one there.
batch() {
	local n
	mkdir -p "$1/classified"
	n=$(ls "$1/classified" | wc -l)
	cp "$2" "$(printf '%s/classified/B%010d.jsonl' "$1" $((n + 1)))"
}

# put DIR SUB ID MEMBERS: ticket ID in DIR/SUB (open or closed), a file of
# its own, with MEMBERS.
put() {
	mkdir -p "$1/$2"
	printf '{"id":"%s",%s}\n' "$3" "$4" >"$1/$2/$3"
}

# of FILE ID FILTER: jq FILTER on the record ID of FILE, compact.
of() {
	jq -c --arg id "$2" "select(.id == \$id) | $3" "$1"
}

# opened DIR ID FILTER: jq FILTER on DIR/open/ID, compact.
opened() {
	jq -c "$3" "$1/open/$2"
}

# who FILE: "id assignee" per record, "-" for none.
who() {
	jq -r '[.id, .assignee // "-"] | join(" ")' "$1"
}

# The routed entry of history at CX_NOW, as Asia/Shanghai writes it.
AT='"at":"2026-11-24T09:00:00+08:00","by":"cx-route","action":"routed"'

# --- departments ----------------------------------------------------------

@test "routing: the first department leads, the others are involved; members kept byte for byte (golden)" {
	{
		tk T-01 quality.defect '"customer":{"id":"U1"},"amount":129.50,"currency":"CNY","received_by":"小王","n":1.50e+2'
		tk T-02 quality.safety '"customer":{"id":"U2"}'
		tk T-03 logistics.lost '"customer":{"id":"U3"},"region":"上海"'
		tk T-04 logistics.late '"customer":{"id":"U4"}'
		tk T-05 - '"customer":{"id":"U5"}'
		tk T-06 inquiry '"customer":{"id":"U6"}'
		tk T-07 suggestion '"customer":{"id":"U7"},"region":"北京","amount":6000.00'
		echo '{"followup_of":"T-01","channel":"app","text":"还没人联系我"}'
		tk T-08 quality '"customer":{"id":"U8"},"amount":5000.00'
	} >in.jsonl
	sed -i '7s/"app"/"weibo"/; 9s/"app"/"douyin"/' in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_stderr 'cx-route: 8 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	golden route-tickets.jsonl out.jsonl
	check_eq departments "$(jq -r '[.id // "-", .department // "-",
	    (.departments // [] | join(","))] | join(" ")' out.jsonl)" \
	    "T-01 商品部 商品部,质检
T-02 质检 质检,商品部,法务
T-03 仓储 仓储,物流部
T-04 物流部 物流部,仓储
T-05 客服部 客服部
T-06 客服部 客服部
T-07 客服部 客服部,公关,北京分部,财务
- - 
T-08 商品部 商品部,质检,公关"
	# What cx-route does not set is written back as it was.
	in1=$(sed -n 1p in.jsonl)
	out1=$(sed -n 1p out.jsonl)
	check_eq prefix "${out1:0:${#in1}-1}" "${in1%\}}"
}

@test "routing: a subcategory's line wins over its category's, before or after it in the file" {
	{ tk A quality.safety; tk B logistics.lost; tk C logistics.late; tk D quality.defect; } >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_stderr 'cx-route: 4 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq after "$(of out.jsonl A .departments)" '["质检","商品部","法务"]'
	check_eq before "$(of out.jsonl B .departments)" '["仓储","物流部"]'
	# No line of their own: their category's.
	check_eq no-line "$(of out.jsonl C '[.department, .departments]')" '["物流部",["物流部","仓储"]]'
	check_eq no-line2 "$(of out.jsonl D '[.department, .departments]')" '["商品部",["商品部","质检"]]'
	# A category code listed with others on one line.
	tk E service.rude >in2.jsonl
	check_eq list "$(rt in2.jsonl | jq -c .departments)" '["客服部"]'
}

@test "routing: the default line takes unclassified tickets and categories no line names" {
	{ tk A -; tk B inquiry; tk C account.theft; } >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_stderr 'cx-route: 3 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq departments "$(jq -c '[.id, .department, .departments]' out.jsonl)" \
	    '["A","客服部",["客服部"]]
["B","客服部",["客服部"]]
["C","客服部",["客服部"]]'
	# The default line counts wherever it stands: here first.
	{ echo 'default: 客服部'; grep -v '^default' c/routing; } >r && mv r c/routing
	check_eq first "$(rt in.jsonl | jq -r .department | sort -u)" 客服部
	check_eq quality "$(tk D quality | rt | jq -r .department)" 商品部
}

@test "routing: channel, region and amount lines add departments that never lead, each once" {
	{
		tk A - '"region":"北京","amount":5000.01'
		tk B quality '"amount":5000'
		tk C quality '"amount":"9999"'
		tk D logistics.late '"region":"北京"'
	} >in.jsonl
	sed -i '1s/"app"/"weibo"/' in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_stderr 'cx-route: 4 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq all "$(of out.jsonl A '[.department, .departments]')" \
	    '["客服部",["客服部","公关","北京分部","财务"]]'
	# Over 5000, not 5000 itself; an amount is a number, not a string.
	check_eq at "$(of out.jsonl B .departments)" '["商品部","质检"]'
	check_eq string "$(of out.jsonl C .departments)" '["商品部","质检"]'
	check_eq region "$(of out.jsonl D '[.department, .departments]')" \
	    '["物流部",["物流部","仓储","北京分部"]]'
	# A line naming a department the ticket has already adds no second
	# copy, and does not make it lead.
	printf '%s\n' 'channel app: 质检, 法务' >>c/routing
	check_eq once "$(tk E quality | rt | jq -c '[.department, .departments]')" \
	    '["商品部",["商品部","质检","法务"]]'
}

@test "routing: a ticket no line names, without a default, has no department and waits unassigned, exit 0" {
	grep -v '^default' c/routing >r && mv r c/routing
	# B comes from an earlier run, with a department since taken away.
	{ tk A inquiry '"received_by":"小王"'; tk B - '"department":"客服部","departments":["客服部"]'; } >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_stderr 'cx-route: 2 routed, 2 queued without an agent, 0 filed closed, 0 unread'
	check_eq A "$(of out.jsonl A '[.department, .departments, .assignee, .owner, .status]')" \
	    '[null,[],null,"小王","queued"]'
	check_eq history "$(of out.jsonl A .history)" "[{$AT}]"
	# No stale department beside an empty list.
	check_eq B "$(of out.jsonl B '[.department, .departments, .status]')" \
	    '[null,[],"queued"]'
	# What a channel line adds is all there is: it leads.
	tk C inquiry | sed 's/"app"/"weibo"/' >c.jsonl
	check_eq channel "$(rt c.jsonl | jq -c '[.department, .departments, .status]')" \
	    '["公关",["公关"],"queued"]'
}

# --- the owner ------------------------------------------------------------

@test "owner: the agent who received the complaint, agent here or not, whoever is assigned" {
	{
		tk A quality '"received_by":"小王"'
		tk B quality '"received_by":"小何"'
		tk C quality
	} >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_stderr 'cx-route: 3 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq owners "$(jq -r '[.id, .owner, .assignee] | join(" ")' out.jsonl)" \
	    'A 小王 刘经理
B 小何 小刘
C 刘经理 刘经理'
}

@test "owner: without received_by the first agent assigned; a queued ticket has none until it gets one" {
	for i in 1 2 3 4 5; do tk Q$i quality; done >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_stderr 'cx-route: 5 routed, 1 queued without an agent, 0 filed closed, 0 unread'
	check_eq owners "$(jq -r '[.id, .owner // "-", .assignee // "-", .status] | join(" ")' out.jsonl)" \
	    'Q1 刘经理 刘经理 assigned
Q2 小刘 小刘 assigned
Q3 刘经理 刘经理 assigned
Q4 小刘 小刘 assigned
Q5 - - queued'
	# Q5 routed again when an agent is free: its first agent owns it.
	check_eq later "$(sed -n 5p out.jsonl | rt | jq -c '[.owner, .assignee, .status]')" \
	    '["刘经理","刘经理","assigned"]'
}

@test "owner: for life: a later run with the agent off duty or moved changes the assignee only" {
	sed -i 's/^\(刘经理	商品部	\)2/\15/; s/^\(小刘	商品部	\)2/\15/' c/agents
	{
		tk A quality '"received_by":"小王"'
		tk B quality
		tk C quality '"owner":"老板","received_by":"小王"'
	} >in.jsonl
	rt in.jsonl >first.jsonl
	check_eq first "$(jq -r '[.id, .owner, .assignee] | join(" ")' first.jsonl)" \
	    'A 小王 刘经理
B 小刘 小刘
C 老板 刘经理'
	# 刘经理 goes off duty: A and C get another agent, owners stay.
	sed -i 's/^\(刘经理.*\)	on	/\1	off	/' c/agents
	run --separate-stderr run_to second.jsonl rt first.jsonl
	check_status 0
	check_stderr 'cx-route: 3 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq second "$(jq -r '[.id, .owner, .assignee] | join(" ")' second.jsonl)" \
	    'A 小王 小刘
B 小刘 小刘
C 老板 小刘'
	check_eq history "$(of second.jsonl A '[.history[] | .assignee]')" '["刘经理","小刘"]'
	# 小刘 moves to 质检, which quality tickets concern too: kept; then to
	# 法务, which they do not: 刘经理, back on duty, takes them.
	sed -i 's/^\(刘经理.*\)	off	/\1	on	/; s/^小刘	商品部/小刘	质检/' c/agents
	check_eq moved "$(rt second.jsonl | jq -r '[.id, .owner, .assignee] | join(" ")')" \
	    'A 小王 小刘
B 小刘 小刘
C 老板 小刘'
	sed -i 's/^小刘	质检/小刘	法务/' c/agents
	check_eq away "$(rt second.jsonl | jq -r '[.id, .owner, .assignee] | join(" ")')" \
	    'A 小王 刘经理
B 小刘 刘经理
C 老板 刘经理'
}

@test "owner: cx-ingest follow-ups and cx-classify corrections of an open ticket leave owner and assignee alone" {
	sp sp
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv
	check_status 1
	cx-classify -q -s sp
	run --separate-stderr cx-route -s sp
	check_status 0
	# 客服部 (小李, capacity 3) gets four: the service, payment, account
	# and suggestion tickets, the last queued.
	check_stderr 'cx-route: 8 routed, 1 queued without an agent, 0 filed closed, 0 unread'
	before=$(opened sp CX-20261124-0001 '[.owner, .assignee, .department]')
	check_eq before "$before" '["小李","刘经理","商品部"]'
	# examples/chat.csv: C-88001 follows up GD-1001, the first ticket.
	run --separate-stderr cx-ingest -s sp examples/chat.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 1 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq followups "$(opened sp CX-20261124-0001 '[.followups[].source.ext]')" \
	    '["GD-1007","C-88001"]'
	check_eq after-ingest "$(opened sp CX-20261124-0001 '[.owner, .assignee, .department]')" "$before"
	run --separate-stderr cx-classify -s sp -a 小王 -S category=logistics.late -i CX-20261124-0001
	check_status 0
	check_eq after-classify "$(opened sp CX-20261124-0001 '[.subcategory, .owner, .assignee]')" \
	    '["logistics.late","小李","刘经理"]'
	# The ticket is open: routing the new batch leaves it as it is.
	cp sp/open/CX-20261124-0001 keep
	cx-classify -q -s sp
	# C-88003 (a suggestion: 客服部, full) and C-88002 (wrong size:
	# 物流部, whose 老周 is full and 小孙 off) wait.
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 2 routed, 2 queued without an agent, 0 filed closed, 0 unread'
	cmp keep sp/open/CX-20261124-0001
}

# --- agents ---------------------------------------------------------------

@test "assign: an agent who writes the customer's language first, else anyone free" {
	sp sp
	printf '%s\n' 'A1 商品部 5 on zh' 'A2 商品部 5 on en' 'A3 商品部 1 on zh,en' >sp/etc/agents
	{ tk E1 quality '"text":"The kettle leaks"'
	  tk Z1 quality '"text":"水壶漏水"'
	  tk E2 quality '"text":"Broken handle"'
	  tk Z2 quality '"text":"把手断了"'
	  tk E3 quality '"text":"Lid missing"'; } >b.jsonl
	run --separate-stderr env CX_SHARE=$T/sp/etc cx-route b.jsonl
	check_status 0
	# E1: A2 or A3 (en), least loaded, earlier: A2; Z1: A1 (zh);
	# E2: A3 (en, load 0); Z2: A1 (A3 is full); E3: A2.
	check_eq agents "$(jq -r .assignee <<<"$output" | tr '\n' ' ')" 'A2 A1 A3 A1 A2 '
	# Nobody of the language free: anyone of the department.
	printf '%s\n' 'A1 商品部 5 on zh' >sp/etc/agents
	run --separate-stderr env CX_SHARE=$T/sp/etc cx-route b.jsonl
	check_status 0
	check_eq fallback "$(jq -r .assignee <<<"$output" | sort -u)" A1
}

@test "assign: least loaded, counting every open ticket of the spool; ties to the earlier agent in the file" {
	sp sp
	printf '%s\n' 'A1 商品部 5 on' 'B1 质检 5 on' 'A2 商品部 5 on' 'A3 商品部 5 on' >sp/etc/agents
	put sp open O-1 '"assignee":"A1","status":"assigned"'
	put sp open O-2 '"assignee":"A1","status":"assigned"'
	put sp open O-3 '"assignee":"A2","status":"assigned"'
	put sp open O-4 '"assignee":"gone","status":"assigned"'
	# Closed tickets are no load.
	put sp closed C-1 '"assignee":"A3","status":"closed"'
	put sp closed C-2 '"assignee":"A3","status":"closed"'
	for i in 1 2 3 4 5; do tk N$i quality; done >b.jsonl
	batch sp b.jsonl
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 5 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	# Loads A1 2, A2 1, A3 0: A3; A2 and A3 at 1, A2 first; then A3;
	# then all at 2: A1, A2.
	check_eq agents "$(for i in 1 2 3 4 5; do opened sp N$i .assignee; done | tr -d '"' | tr '\n' ' ')" \
	    'A3 A2 A3 A1 A2 '
	# In filter mode the loads are this run's own.
	check_eq filter "$(CX_SHARE=$T/sp/etc cx-route b.jsonl | jq -r .assignee | tr '\n' ' ')" \
	    'A1 A2 A3 A1 A2 '
}

@test "assign: -b rr takes a department's agents in turn, and the turn goes on from run to run in the spool" {
	sp sp
	printf '%s\n' 'A1 商品部 9 on' 'B1 质检 9 on' 'A2 商品部 9 on' 'A3 商品部 9 off' \
	    'A4 商品部 9 on' >sp/etc/agents
	{ tk N1 quality; tk N2 quality; } >b1.jsonl
	batch sp b1.jsonl
	run --separate-stderr cx-route -b rr -s sp
	check_status 0
	check_stderr 'cx-route: 2 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	[ -s sp/route-state ]
	{ tk N3 quality; tk N4 quality; tk N5 quality.safety; } >b2.jsonl
	batch sp b2.jsonl
	run --separate-stderr cx-route -b rr -s sp
	check_status 0
	check_stderr 'cx-route: 3 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	# A3 is off duty; 质检 has a turn of its own.
	check_eq turns "$(for i in 1 2 3 4 5; do opened sp N$i .assignee; done | tr -d '"' | tr '\n' ' ')" \
	    'A1 A2 A4 A1 B1 '
	# Least loaded would have given N3 and N4 to A4 (0) and A1 (1).
	{ tk N6 quality; } >b3.jsonl
	batch sp b3.jsonl
	run --separate-stderr cx-route --balance rr -s sp
	check_status 0
	check_stderr 'cx-route: 1 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq next "$(opened sp N6 .assignee)" '"A2"'
	# Filter mode starts from the first agent every run.
	check_eq filter "$(cat b1.jsonl b2.jsonl | CX_SHARE=$T/sp/etc cx-route -b rr | jq -r .assignee | tr '\n' ' ')" \
	    'A1 A2 A4 A1 B1 '
	check_eq again "$(CX_SHARE=$T/sp/etc cx-route -b rr b1.jsonl | jq -r .assignee | tr '\n' ' ')" \
	    'A1 A2 '
}

@test "assign: never over capacity: the rest are queued without an agent, exit 0, and the summary says how many" {
	sp sp
	# 商品部: 刘经理 2, 小刘 2, and one open ticket of 小刘's already:
	# 刘经理, then 刘经理 (a tie goes to the earlier), then 小刘.
	put sp open O-1 '"assignee":"小刘","status":"assigned"'
	for i in 1 2 3 4 5; do tk N$i quality '"received_by":"小王"'; done >b.jsonl
	batch sp b.jsonl
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 5 routed, 2 queued without an agent, 0 filed closed, 0 unread'
	check_eq state "$(for i in 1 2 3 4 5; do opened sp N$i '[.assignee // "-", .status, .owner] | join(" ")'; done | tr -d '"')" \
	    '刘经理 assigned 小王
刘经理 assigned 小王
小刘 assigned 小王
- queued 小王
- queued 小王'
	check_eq history "$(opened sp N4 '.history[-1]')" "{$AT,\"department\":\"商品部\"}"
	# Full agents stay full: a second batch is all queued.
	tk N6 quality >b2.jsonl
	batch sp b2.jsonl
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 1 routed, 1 queued without an agent, 0 filed closed, 0 unread'
	check_eq N6 "$(opened sp N6 '[.assignee, .owner, .status]')" '[null,null,"queued"]'
	check_eq loads "$(cat sp/open/* | jq -r '.assignee // empty' | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
	    '刘经理=2 小刘=2 '
	# -q: nothing said.
	run --separate-stderr cx-route -q -s sp
	check_status 0
	check_stderr
	# Filter mode queues too, and its summary says how many; -q: nothing
	# said, the same tickets written.
	run --separate-stderr run_to out.jsonl rt b.jsonl b.jsonl
	check_status 0
	check_stderr 'cx-route: 10 routed, 6 queued without an agent, 0 filed closed, 0 unread'
	check_eq filter "$(jq -r '.assignee // "-"' out.jsonl | tr '\n' ' ')" \
	    '刘经理 小刘 刘经理 小刘 - - - - - - '
	run --separate-stderr run_to quiet.jsonl rt -q b.jsonl b.jsonl
	check_status 0
	check_stderr
	cmp out.jsonl quiet.jsonl
}

@test "assign: agents off duty get nothing; a department with nobody on duty queues its tickets" {
	# 物流部: 老周 (capacity 1) on, 小孙 (capacity 5) off.
	{ tk L1 logistics.late; tk L2 logistics.late; } >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_eq logistics "$(who out.jsonl)" 'L1 老周
L2 -'
	sed -i 's/^\(老周.*\)	on	/\1	off	/' c/agents
	check_eq off "$(rt in.jsonl | jq -r '[.id, .assignee // "-", .status] | join(" ")')" \
	    'L1 - queued
L2 - queued'
	# Agents of an involved department are not taken for the lead's.
	check_eq involved "$(rt in.jsonl | jq -r '.assignee // "-"' | sort -u)" -
}

@test "assign: an agent already on the ticket, on duty, of a department it concerns, stays" {
	{
		tk A quality '"assignee":"小何","owner":"小王"'
		tk B quality '"assignee":"老周","owner":"小王"'
		tk C quality '"assignee":"nobody","owner":"小王"'
	} >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_eq agents "$(jq -r '[.id, .assignee, .owner] | join(" ")' out.jsonl)" \
	    'A 小何 小王
B 刘经理 小王
C 小刘 小王'
}

# --- solutions and history ------------------------------------------------

@test "solution: the subcategory's remedy and replies, else the category's, else none" {
	{ tk A quality.safety; tk B quality.defect; tk C logistics.lost; tk D -; tk E suggestion; } >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_eq A "$(of out.jsonl A .solution)" \
	    '{"remedy":"refund","reply":{"zh":"我们将为您全额退款。","en":"We will refund you in full."}}'
	check_eq B "$(of out.jsonl B .solution)" \
	    '{"remedy":"exchange","reply":{"zh":"我们将为您换货。","en":"We will exchange the item."}}'
	check_eq C "$(of out.jsonl C .solution.remedy)" '"explanation"'
	check_eq none "$(jq -c 'select(.id == "D" or .id == "E") | has("solution")' out.jsonl | tr '\n' ' ')" \
	    'false false '
}

@test "history: one routed entry, at --now (else CX_NOW), with the lead department and the agent" {
	tk A quality >in.jsonl
	check_eq now "$(rt in.jsonl | jq -c '.history')" \
	    "[{$AT,\"department\":\"商品部\",\"assignee\":\"刘经理\"}]"
	check_eq option "$(rt --now 2026-12-01T08:30:00+08:00 in.jsonl | jq -c '.history[0].at')" \
	    '"2026-12-01T08:30:00+08:00"'
	check_eq env "$(CX_NOW=2026-12-02T08:30:00Z rt in.jsonl | jq -c '.history[0].at')" \
	    '"2026-12-02T16:30:00+08:00"'
	# Appended to what is there.
	check_eq appended "$(tk B quality '"history":[{"at":"x","by":"cx-ingest","action":"registered"}]' | rt | jq -c '[.history[].action]')" \
	    '["registered","routed"]'
}

@test "history: the time is written in -z (--zone), else CX_TZ, else cx.conf's timezone, else UTC" {
	tk A quality >in.jsonl
	check_eq conf "$(rt -q in.jsonl | jq -r '.history[0].at')" 2026-11-24T09:00:00+08:00
	check_eq z "$(rt -q -z UTC in.jsonl | jq -r '.history[0].at')" 2026-11-24T01:00:00+00:00
	check_eq zone "$(rt -q --zone Asia/Tokyo in.jsonl | jq -r '.history[0].at')" 2026-11-24T10:00:00+09:00
	check_eq env "$(CX_TZ=Asia/Tokyo rt -q in.jsonl | jq -r '.history[0].at')" 2026-11-24T10:00:00+09:00
	check_eq over-env "$(CX_TZ=Asia/Tokyo rt -q -z UTC in.jsonl | jq -r '.history[0].at')" 2026-11-24T01:00:00+00:00
	grep -v '^timezone' c/cx.conf >conf && mv conf c/cx.conf
	check_eq none "$(rt -q in.jsonl | jq -r '.history[0].at')" 2026-11-24T01:00:00+00:00
}

# --- flags ----------------------------------------------------------------

@test "flags: repeat on a customer's Nth complaint within M days by received_at, not outside them; nothing dropped" {
	# U1: 1, 10 and 20 November: the third is the third in 30 days.
	# U1 again on 20 December: 30 days back reach 20 November only.
	# U2, by phone: three complaints 40 days apart.  U3: anonymous.
	{
		echo '{"id":"A1","category":"quality","customer":{"id":"U1"},"received_at":"2026-11-01T10:00:00+08:00"}'
		echo '{"id":"A2","category":"quality","customer":{"id":"U1"},"received_at":"2026-11-10T10:00:00+08:00"}'
		echo '{"id":"B1","category":"quality","customer":{"phone":"+8613800000002"},"received_at":"2026-09-01T10:00:00+08:00"}'
		echo '{"id":"A3","category":"quality","customer":{"id":"U1"},"received_at":"2026-11-20T10:00:00+08:00"}'
		echo '{"id":"B2","category":"quality","customer":{"phone":"+8613800000002"},"received_at":"2026-10-11T10:00:00+08:00"}'
		echo '{"id":"A4","category":"quality","customer":{"id":"U1"},"received_at":"2026-12-20T10:00:00+08:00"}'
		echo '{"id":"B3","category":"quality","customer":{"phone":"+8613800000002"},"received_at":"2026-11-20T10:00:00+08:00"}'
		echo '{"id":"C1","category":"quality","customer":{"anonymous":true},"received_at":"2026-11-20T10:00:00+08:00"}'
		echo '{"id":"C2","category":"quality","customer":{"anonymous":true},"received_at":"2026-11-20T10:00:00+08:00"}'
		echo '{"id":"C3","category":"quality","customer":{"anonymous":true},"received_at":"2026-11-20T10:00:00+08:00"}'
	} >in.jsonl
	sed -i 's/^\(刘经理	商品部	\)2/\19/' c/agents
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_stderr 'cx-route: 10 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq flags "$(jq -r '[.id, (.flags // [] | join(",")), .status] | join(" ")' out.jsonl)" \
	    'A1  assigned
A2  assigned
B1  assigned
A3 repeat assigned
B2  assigned
A4  assigned
B3  assigned
C1  assigned
C2  assigned
C3  assigned'
	# repeat_count 2: the second within 30 days; exactly 30 days (A3 to
	# A4) counts.
	echo 'repeat_count = 2' >>c/cx.conf
	check_eq two "$(rt in.jsonl | jq -r 'select(.flags) | .id' | tr '\n' ' ')" 'A2 A3 A4 '
	echo 'repeat_days = 7' >>c/cx.conf
	check_eq days "$(rt in.jsonl | jq -r 'select(.flags) | .id' | tr '\n' ' ')" ''
}

@test "flags: repeat counts the spool's open and closed tickets of the customer" {
	sp sp
	put sp closed C-1 '"customer":{"id":"U1"},"received_at":"2026-11-02T10:00:00+08:00","status":"closed"'
	put sp open O-1 '"customer":{"id":"U1"},"received_at":"2026-11-12T10:00:00+08:00","status":"assigned"'
	put sp open O-2 '"customer":{"id":"U2"},"received_at":"2026-11-12T10:00:00+08:00","status":"assigned"'
	{ tk N1 quality '"customer":{"id":"U1"}'; tk N2 quality '"customer":{"id":"U2"}'; } >b.jsonl
	batch sp b.jsonl
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 2 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq N1 "$(opened sp N1 '[.flags, .status, .assignee]')" '[["repeat"],"assigned","刘经理"]'
	check_eq N2 "$(opened sp N2 '[.flags, .status]')" '[null,"assigned"]'
}

@test "flags: repeat counts open tickets whatever their assignee" {
	# Reading the assignee (for the agents' load) must not spoil the
	# customer of the same record; a long name once overwrote it.
	local long=Alexandra-Konstantinopoulou-Smith-of-the-night-shift
	sp sp
	put sp open O-1 '"customer":{"id":"U1"},"received_at":"2026-11-10T10:00:00+08:00","status":"assigned","assignee":"'$long'"'
	put sp open O-2 '"customer":{"id":"U1"},"received_at":"2026-11-12T10:00:00+08:00","status":"assigned","assignee":"'$long'"'
	tk N1 quality '"customer":{"id":"U1"}' >b.jsonl
	batch sp b.jsonl
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 1 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq N1 "$(opened sp N1 .flags)" '["repeat"]'
}

@test "flags: review when review_unfounded complaints of the customer were closed as unfounded; the ticket is routed all the same" {
	sp sp
	# Long ago: no repeat.
	put sp closed C-1 '"customer":{"id":"U1"},"received_at":"2025-01-02T10:00:00+08:00","status":"closed","resolution":{"code":"unfounded"}'
	put sp closed C-2 '"customer":{"id":"U1"},"received_at":"2025-03-02T10:00:00+08:00","status":"closed","resolution":{"code":"unfounded"}'
	put sp closed C-3 '"customer":{"id":"U2"},"received_at":"2025-03-02T10:00:00+08:00","status":"closed","resolution":{"code":"unfounded"}'
	put sp closed C-4 '"customer":{"id":"U2"},"received_at":"2025-05-02T10:00:00+08:00","status":"closed","resolution":{"code":"refund"}'
	{ tk N1 quality '"customer":{"id":"U1"}'; tk N2 quality '"customer":{"id":"U2"}'; } >b.jsonl
	batch sp b.jsonl
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 2 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq N1 "$(opened sp N1 '[.flags, .status, .department, .assignee]')" \
	    '[["review"],"assigned","商品部","刘经理"]'
	check_eq N2 "$(opened sp N2 .flags)" null
	# review_unfounded = 1: one is enough; 0: never.
	for n in 1 0; do
		rm -rf s$n
		cp -a sp s$n
		rm -r s$n/open
		echo "review_unfounded = $n" >>s$n/etc/cx.conf
		batch s$n b.jsonl
		cx-route -q -s s$n
	done
	check_eq one "$(cat s1/open/* | jq -c '[.id, .flags]' | tr '\n' ' ')" '["N1",["review"]] ["N2",["review"]] '
	check_eq zero "$(cat s0/open/* | jq -c 'select(.flags)')" ''
}

# --- filter mode ----------------------------------------------------------

@test "filter: follow-ups pass through unrouted, byte for byte, and are no complaint of their own" {
	printf '%s\n' '{"followup_of":"T-1","customer":{"id":"U1"},"category":"quality","text":"again"}' >in.jsonl
	tk T-2 quality '"customer":{"id":"U1"}' >>in.jsonl
	echo 'repeat_count = 2' >>c/cx.conf
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_stderr 'cx-route: 1 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	diff -u <(sed -n 1p in.jsonl) <(sed -n 1p out.jsonl)
	check_eq routed "$(sed -n 2p out.jsonl | jq -c '[.department, .flags]')" '["商品部",null]'
}

@test "filter: a line that is not a ticket passes through with a warning naming file and line; exit 1" {
	{ tk A quality; echo 'not json'; echo '[1]'; tk B quality; printf '{"id":"C"'; } >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 1
	check_stderr \
	    'cx-route: in.jsonl:2: not a JSON object at column 1; passed through unrouted' \
	    'cx-route: in.jsonl:3: not a JSON object at column 1; passed through unrouted' \
	    "cx-route: in.jsonl:5: expected ',' or '}' at end of line; passed through unrouted" \
	    'cx-route: 2 routed, 0 queued without an agent, 0 filed closed, 3 unread'
	check_eq lines "$(wc -l <out.jsonl)" 5
	diff -u <(sed -n 2,3p in.jsonl) <(sed -n 2,3p out.jsonl)
	check_eq last "$(sed -n 5p out.jsonl)" '{"id":"C"'
	check_eq routed "$(sed -n '1p;4p' out.jsonl | jq -r '.id + " " + .assignee')" 'A 刘经理
B 小刘'
	# The standard input is named so; a later file goes on counting loads.
	run --separate-stderr run_io in.jsonl out.jsonl rt - in.jsonl
	check_status 1
	check_stderr \
	    'cx-route: (stdin):2: not a JSON object at column 1; passed through unrouted' \
	    'cx-route: (stdin):3: not a JSON object at column 1; passed through unrouted' \
	    "cx-route: (stdin):5: expected ',' or '}' at end of line; passed through unrouted" \
	    'cx-route: in.jsonl:2: not a JSON object at column 1; passed through unrouted' \
	    'cx-route: in.jsonl:3: not a JSON object at column 1; passed through unrouted' \
	    "cx-route: in.jsonl:5: expected ',' or '}' at end of line; passed through unrouted" \
	    'cx-route: 4 routed, 0 queued without an agent, 0 filed closed, 6 unread'
	check_eq loads "$(jq -Rr 'fromjson? | objects | .assignee // "-"' out.jsonl | tr '\n' ' ')" \
	    '刘经理 小刘 刘经理 小刘 '
}

@test "filter: a line that is not JSON is copied as it came with cx-route: FILE:LINE: why, counted unread in the summary; exit 1" {
	# 物流部: 老周 (capacity 1) on duty, 小孙 off: B waits.
	{ tk A logistics.late; echo '{"id":"X", 投诉 }'; tk B logistics.late; } >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 1
	check_stderr \
	    'cx-route: in.jsonl:2: expected a key at column 12; passed through unrouted' \
	    'cx-route: 2 routed, 1 queued without an agent, 0 filed closed, 1 unread'
	check_eq lines "$(wc -l <out.jsonl)" 3
	cmp <(sed -n 2p in.jsonl) <(sed -n 2p out.jsonl)
	check_eq routed "$(sed -n '1p;3p' out.jsonl | jq -r '[.id, .assignee // "-", .status] | join(" ")')" \
	    'A 老周 assigned
B - queued'
}

@test "filter: -q (--quiet) silences the summary, not the warnings nor the exit status; the output is the same" {
	{ tk A logistics.late; echo 'not json'; tk B logistics.late; } >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 1
	check_stderr \
	    'cx-route: in.jsonl:2: not a JSON object at column 1; passed through unrouted' \
	    'cx-route: 2 routed, 1 queued without an agent, 0 filed closed, 1 unread'
	local q
	for q in -q --quiet; do
		run --separate-stderr run_to quiet.jsonl rt "$q" in.jsonl
		check_status 1
		check_stderr 'cx-route: in.jsonl:2: not a JSON object at column 1; passed through unrouted'
		cmp out.jsonl quiet.jsonl
	done
	# Nothing to say but the summary: -q leaves nothing.
	tk C quality >good.jsonl
	run --separate-stderr run_to out.jsonl rt good.jsonl
	check_status 0
	check_stderr 'cx-route: 1 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	run --separate-stderr run_to out.jsonl rt -q good.jsonl
	check_status 0
	check_stderr
	check_eq routed "$(jq -r .assignee out.jsonl)" 刘经理
}

@test "filter: the examples through cx-ingest | cx-classify | cx-route with the shipped files" {
	run --separate-stderr bash -o pipefail -c \
	    'cx-ingest examples/helpdesk-zh.csv 2>/dev/null | cx-classify -q | cx-route >out.jsonl'
	check_status 1
	check_stderr 'cx-route: 8 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq lines "$(wc -l <out.jsonl)" 9
	# Every ticket has a lead department, an owner (its 首接客服), an
	# agent of the lead department, a status and a remedy; the follow-up
	# line of GD-1007 goes through as it came.
	check_eq complete "$(jq -r 'select(.id) | [.department, .owner, .assignee, .status,
	    .solution.remedy, .solution.reply.zh, .solution.reply.en] | map(type) | unique | join(",")' out.jsonl | sort -u)" \
	    string
	check_eq followup "$(jq -c 'select(.followup_of) | [.followup_of, .department]' out.jsonl)" \
	    '["CX-20261124-0001",null]'
	check_eq agents "$(jq -r 'select(.id) | [.department, .assignee] | join(" ")' out.jsonl |
	    while read -r d a; do grep -c "^$a	$d	" "$TOP/share/cx/agents"; done | sort -u)" 1
	check_eq owners "$(jq -r 'select(.id) | .owner == .received_by' out.jsonl | sort -u)" true
	# GD-1003, food safety: 质检 leads, 法务 is involved.
	check_eq safety "$(jq -c 'select(.source.ext == "GD-1003") | [.department, .departments, .solution.remedy]' out.jsonl)" \
	    '["质检",["质检","商品部","法务"],"refund"]'
	# Weibo and Douyin bring in 公关.
	check_eq public "$(jq -r 'select(.channel == "weibo" or .channel == "douyin") | .departments | index("公关") != null' out.jsonl | sort -u)" \
	    true
}

# --- spool mode -----------------------------------------------------------

@test "spool: each ticket of each batch in open/ID once, the batches leave classified/, a second run routes nothing" {
	sp sp
	{ tk A quality; tk B logistics.late; } >b1.jsonl
	{ tk C quality.safety; tk D -; tk E quality; } >b2.jsonl
	batch sp b1.jsonl
	batch sp b2.jsonl
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 5 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq classified "$(ls -A sp/classified)" ''
	check_eq open "$(ls sp/open | tr '\n' ' ')" 'A B C D E '
	check_eq tmp "$(ls -A sp/tmp)" ''
	# One line each, the record filter mode makes of it.
	for id in A B C D E; do
		check_eq "lines of $id" "$(wc -l <sp/open/$id)" 1
	done
	CX_SHARE=$T/sp/etc cx-route b1.jsonl b2.jsonl >filter.jsonl
	diff -u filter.jsonl <(cat sp/open/A sp/open/B sp/open/C sp/open/D sp/open/E)
	# What it made is the spool's (the test made the rest).
	no_world_access sp/open
	cp -a sp before
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 0 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	same_tree before sp
}

@test "spool: CX_SPOOL is the spool when -s is not given; a spool is its own input" {
	sp sp
	tk A quality >b.jsonl
	batch sp b.jsonl
	CX_SPOOL=sp run --separate-stderr cx-route
	check_status 0
	check_stderr 'cx-route: 1 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	[ -f sp/open/A ]
	run --separate-stderr cx-route -s sp b.jsonl
	check_status 2
	check_stderr 'cx-route: a spool is its own input: no files with -s'
	# An empty CX_SPOOL is none: filter mode.
	CX_SPOOL= run --separate-stderr run_to out.jsonl rt b.jsonl
	check_status 0
	check_eq filter "$(jq -r .assignee out.jsonl)" 刘经理
}

@test "spool: a batch cx-classify has not seen yet stays in new/ for it" {
	run --separate-stderr cx-ingest -q -s sp examples/helpdesk-zh.csv
	check_status 1
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 0 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq new "$(ls sp/new)" B0000000001.jsonl
	check_eq open "$(ls -A sp/open 2>/dev/null)" ''
	cx-classify -q -s sp
	run --separate-stderr cx-route -s sp
	check_status 0
	check_stderr 'cx-route: 8 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq classified "$(cat sp/open/* | jq -r 'has("classified_by")' | sort -u)" true
}

@test "spool: a batch with a line that is no ticket is left in classified/, none of it filed, exit 1; the others are routed" {
	sp sp
	{ tk A quality; echo 'not json'; } >b1.jsonl
	tk B quality >b2.jsonl
	batch sp b1.jsonl
	batch sp b2.jsonl
	run --separate-stderr cx-route -s sp
	check_status 1
	check_stderr 'cx-route: sp/classified/B0000000001.jsonl:2: not a ticket with an id; batch left in classified/' \
	    'cx-route: 1 routed, 0 queued without an agent, 0 filed closed, 1 unread'
	check_eq classified "$(ls sp/classified)" B0000000001.jsonl
	cmp b1.jsonl sp/classified/B0000000001.jsonl
	# Left in classified/ and filed in open/ too, A would be routed twice.
	check_eq open "$(ls -A sp/open 2>/dev/null)" B
}

@test "spool: a batch whose ticket has an id no file can have is left in classified/, exit 1" {
	sp sp
	{ tk A quality; tk 'B 2' quality; } >b1.jsonl
	tk C quality >b2.jsonl
	batch sp b1.jsonl
	batch sp b2.jsonl
	run --separate-stderr cx-route -s sp
	check_status 1
	check_stderr 'cx-route: sp/classified/B0000000001.jsonl:2: not a ticket with an id; batch left in classified/' \
	    'cx-route: 1 routed, 0 queued without an agent, 0 filed closed, 1 unread'
	check_eq classified "$(ls sp/classified)" B0000000001.jsonl
	check_eq open "$(ls -A sp/open)" C
}

@test "spool: follow-ups journaled beside a batch join their tickets, in time where they say; a journal that joins no ticket of its batch keeps it in classified/, exit 1" {
	sp sp
	tk A quality >b1.jsonl
	tk B quality >b2.jsonl
	tk C quality >b3.jsonl
	batch sp b1.jsonl
	batch sp b2.jsonl
	batch sp b3.jsonl
	local h='"history":{"at":"2026-11-24T08:00:00+08:00","by":"cx-ingest","action":"followup"}'
	printf '%s\n' "{\"followup_of\":\"A\",\"into\":\"followups\",\"entry\":{\"text\":\"again\"},$h}" \
	    '{"followup_of":"A","into":"conversation","at":"2026-11-20T11:00:00+08:00","entry":{"at":"2026-11-20T11:00:00+08:00","from":"customer","text":"hello"},"history":{"at":"2026-11-20T11:00:00+08:00","by":"customer","action":"customer_reply"}}' \
	    >sp/classified/F0000000004-B0000000001.jsonl
	echo 'not json' >sp/classified/F0000000004-B0000000002.jsonl
	printf '%s\n' "{\"followup_of\":\"Z\",\"into\":\"followups\",\"entry\":{\"text\":\"lost\"},$h}" \
	    >sp/classified/F0000000004-B0000000003.jsonl
	run --separate-stderr run_to report.txt cx-report -s sp --now 2026-11-30T09:00+08:00
	check_status 1
	check_stderr 'cx-report: sp/classified/F0000000004-B0000000002.jsonl:1: unreadable follow-up; left out' \
	    'cx-report: sp/classified/F0000000004-B0000000003.jsonl:1: a follow-up of Z, which is no ticket of classified/B0000000003.jsonl; left out' \
	    'cx-report: 3 tickets read, 0 left out by --where, 2 unread'
	run --separate-stderr cx-route -s sp
	check_status 1
	check_stderr 'cx-route: sp/classified/F0000000004-B0000000002.jsonl:1: unreadable follow-up; batch left in classified/' \
	    'cx-route: sp/classified/F0000000004-B0000000003.jsonl:1: a follow-up of Z, which is no ticket of classified/B0000000003.jsonl; batch left in classified/' \
	    'cx-route: 1 routed, 0 queued without an agent, 0 filed closed, 2 unread'
	check_eq classified "$(ls sp/classified | tr '\n' ' ')" \
	    'B0000000002.jsonl B0000000003.jsonl F0000000004-B0000000002.jsonl F0000000004-B0000000003.jsonl '
	check_eq joined "$(jq -c '[[.followups[].text], [.conversation[].text], [.history[].action]]' sp/open/A)" \
	    '[["again"],["hello"],["customer_reply","followup","routed"]]'
}

@test "spool: cx-ingest follow-ups to a routed ticket land in its file in open/" {
	sp sp
	run --separate-stderr cx-ingest -s sp examples/helpdesk-zh.csv
	check_status 1
	cx-classify -q -s sp
	cx-route -q -s sp
	cp sp/open/CX-20261124-0001 before
	run --separate-stderr cx-ingest -s sp examples/chat.csv
	check_status 0
	# The ticket is the same, with one follow-up more and its history.
	check_eq same "$(jq -c 'del(.followups, .history)' sp/open/CX-20261124-0001)" \
	    "$(jq -c 'del(.followups, .history)' before)"
	check_eq followups "$(jq -r '[.followups[].source.ext] | join(" ")' sp/open/CX-20261124-0001)" \
	    'GD-1007 C-88001'
	check_eq history "$(jq -r '[.history[].action] | join(" ")' sp/open/CX-20261124-0001)" \
	    'registered followup routed followup'
	# Not a ticket of its own: the new batch holds the two others only.
	# (Batches are named for their commit: classify and route made 2, 3.)
	check_eq batch "$(jq -r .source.ext sp/new/B0000000004.jsonl | tr '\n' ' ')" 'C-88002 C-88003 '
}

@test "spool: a file of open/ that is no ticket is not counted in the loads, with a warning; exit 1" {
	sp sp
	mkdir -p sp/open
	echo 'not json' >sp/open/BROKEN
	tk A quality >b.jsonl
	batch sp b.jsonl
	run --separate-stderr cx-route -s sp
	check_status 1
	check_stderr 'cx-route: sp/open/BROKEN:1: not a JSON object at column 1; not counted' \
	    'cx-route: 1 routed, 0 queued without an agent, 0 filed closed, 1 unread'
	check_eq kept "$(cat sp/open/BROKEN)" 'not json'
	[ -f sp/open/A ]
}

# --- two runs at once, and crashes ----------------------------------------

@test "concurrency: two cx-route runs at once on 2000 tickets in 4 batches: each ticket in open/ once, none over capacity, the loads add up" {
	need_cxgen
	mkdir -p sp/etc
	echo 'batch_size = 500' >sp/etc/cx.conf
	"$CXGEN" -f helpdesk-zh -n 2000 -s 3 >e.csv
	run --separate-stderr cx-ingest -s sp e.csv
	check_status 0
	check_stderr 'cx-ingest: 2000 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq batches "$(ls sp/new | wc -l)" 4
	cx-classify -q -s sp
	cat sp/classified/*.jsonl | jq -r .id | sort >ids
	local st1=0 st2=0 r1 q1 r2 q2
	cx-route -s sp 2>err1 &
	local pid=$!
	cx-route -b rr -s sp 2>err2 || st2=$?
	wait $pid || st1=$?
	check_eq "status 1" $st1 0
	check_eq "status 2" $st2 0
	[[ $(cat err1) =~ ^cx-route:\ ([0-9]+)\ routed,\ ([0-9]+)\ queued\ without\ an\ agent,\ 0\ filed\ closed,\ 0\ unread$ ]] ||
	    { echo "run 1 said: $(cat err1)" >&2; return 1; }
	r1=${BASH_REMATCH[1]} q1=${BASH_REMATCH[2]}
	[[ $(cat err2) =~ ^cx-route:\ ([0-9]+)\ routed,\ ([0-9]+)\ queued\ without\ an\ agent,\ 0\ filed\ closed,\ 0\ unread$ ]] ||
	    { echo "run 2 said: $(cat err2)" >&2; return 1; }
	r2=${BASH_REMATCH[1]} q2=${BASH_REMATCH[2]}
	check_eq routed $((r1 + r2)) 2000
	check_eq classified "$(ls -A sp/classified)" ''
	check_eq tmp "$(ls -A sp/tmp)" ''
	diff -u ids <(ls sp/open)
	# One ticket a file, its own, routed once.
	check_eq "files named by their id" "$(cd sp/open && jq -r 'select(input_filename != .id) | input_filename' *)" ''
	check_eq "one line each" "$(cat sp/open/* | wc -l)" 2000
	check_eq "routed once" "$(cat sp/open/* | jq -r '[.history[] | select(.action == "routed")] | length' | sort -u)" 1
	# Queued: no agent; assigned: one of the lead department, on duty.
	check_eq queued "$(cat sp/open/* | jq -r 'select(.assignee == null) | .status' | sort | uniq -c | awk '{ print $1, $2 }')" \
	    "$((q1 + q2)) queued"
	cat sp/open/* | jq -r 'select(.assignee) | [.assignee, .department, .status] | join(" ")' |
	    sort | uniq -c | awk '{ print $2, $3, $1, $4 }' >loads
	check_eq assigned "$(awk '{ n += $3 } END { print n }' loads)" $((2000 - q1 - q2))
	check_eq statuses "$(awk '{ print $4 }' loads | sort -u)" assigned
	local a d n s cap
	while read -r a d n s; do
		cap=$(awk -v a="$a" -v d="$d" '$1 == a && $2 == d && $4 == "on" { print $3 }' "$TOP/share/cx/agents")
		[ -n "$cap" ] || { echo "$a is no agent of $d on duty" >&2; return 1; }
		[ "$n" -le "$cap" ] || { echo "$a holds $n, capacity $cap" >&2; return 1; }
	done <loads
	# Queued tickets are those of departments whose agents are all full.
	cat sp/open/* | jq -r 'select(.assignee == null) | .department' | sort -u >full
	awk 'NR == FNR { full[$1] = 1; next } ($2 in full) && $4 == "on" && $3 > 0 { print $1, $3 }' \
	    full "$TOP/share/cx/agents" >needed
	[ -s needed ]
	while read -r a cap; do
		check_eq "load of $a" "$(awk -v a="$a" '$1 == a { print $3 }' loads)" "$cap"
	done <needed
	no_world_access sp/open
}

# examples_spool DIR: both examples ingested into DIR and classified, in
# two batches, ready to route; chat.csv's follow-up of CX-20261124-0001
# waits in a journal beside the first batch.
examples_spool() {
	cx-ingest -q -s "$1" examples/helpdesk-zh.csv 2>/dev/null || [ $? -eq 1 ]
	cx-classify -q -s "$1"
	cx-ingest -q -s "$1" examples/chat.csv
	cx-classify -q -s "$1"
}

# same_tickets A B: A/open and B/open hold the same tickets, member for
# member (the order of members aside).
same_tickets() {
	diff -u <(cd "$1/open" && jq -cS '[input_filename, .]' *) \
	    <(cd "$2/open" && jq -cS '[input_filename, .]' *)
}

# owners DIR: "id owner assignee" of each ticket in DIR/open.
owners() {
	[ -z "$(ls -A "$1/open" 2>/dev/null)" ] ||
	    jq -r '[.id, .owner // "-", .assignee // "-"] | join(" ")' "$1"/open/*
}

@test "crash: killed before each rename, unlink or fsync, a second run files every ticket once, owners and agents as they were" {
	need_strace
	examples_spool base
	check_eq classified "$(ls base/classified | tr '\n' ' ')" \
	    'B0000000001.jsonl B0000000003.jsonl F0000000003-B0000000001.jsonl '
	cp -a base ref
	run --separate-stderr cx-route -s ref
	check_status 0
	check_stderr 'cx-route: 10 routed, 0 queued without an agent, 0 filed closed, 0 unread'
	check_eq followups "$(jq -c '[.followups[].source.ext]' ref/open/CX-20261124-0001)" \
	    '["GD-1007","C-88001"]'
	local sc n st failed='' kills=0
	for sc in '/^renameat' unlinkat fsync; do
		for ((n = 1; n <= 60; n++)); do
			rm -rf sp
			cp -a base sp
			st=0
			die_at "$sc" "$n" cx-route -s sp 2>/dev/null || st=$?
			[ "$st" -eq 137 ] || break
			kills=$((kills + 1))
			owners sp >partial
			st=0
			cx-route -s sp 2>/dev/null || st=$?
			if [ "$st" -ne 0 ]; then
				failed+="  $sc #$n: the next run exited $st"$'\n'
			elif [ -n "$(ls -A sp/classified)$(ls -A sp/tmp)" ]; then
				failed+="  $sc #$n: left $(ls -A sp/classified sp/tmp | tr "\n" " ")"$'\n'
			elif [ -n "$(comm -23 <(sort partial) <(owners sp | sort))" ]; then
				failed+="  $sc #$n: owner or agent changed: $(comm -23 <(sort partial) <(owners sp | sort) | tr '\n' ';')"$'\n'
			elif ! same_tickets ref sp; then
				failed+="  $sc #$n: open/ differs from an undisturbed run's"$'\n'
			fi
		done
	done
	echo "# $kills crashes" >&3
	[ "$kills" -gt 10 ]
	[ -z "$failed" ] || { printf 'after a crash:\n%s' "$failed" >&2; return 1; }
}

@test "crash: a ticket filed in open/ by a run that died is not its own earlier complaint (repeat) on the rerun" {
	need_strace
	sp sp
	echo 'repeat_count = 2' >>sp/etc/cx.conf
	{ tk A quality '"customer":{"id":"U1"}'; tk B quality '"customer":{"id":"U2"}'; } >b.jsonl
	batch sp b.jsonl
	cp -a sp ref
	cx-route -q -s ref
	check_eq undisturbed "$(cat ref/open/* | jq -c .flags | tr '\n' ' ')" 'null null '
	# Killed after filing both, before the batch leaves classified/.
	run --separate-stderr die_at unlinkat 1 cx-route -s sp
	check_status 137
	check_eq partial "$(ls sp/open; ls sp/classified)" 'A
B
B0000000001.jsonl'
	run --separate-stderr cx-route -s sp
	check_status 0
	check_eq rerun "$(cat sp/open/* | jq -c .flags | tr '\n' ' ')" 'null null '
	same_tickets ref sp
}

@test "crash: a follow-up cx-ingest added to a ticket the dead run had filed survives the rerun" {
	need_strace
	run --separate-stderr cx-ingest -q -s sp examples/helpdesk-zh.csv
	check_status 1
	cx-classify -q -s sp
	# Killed after its commit point, before filing any ticket: they are
	# in tmp/, and their batch still in classified/.  The next writer
	# finishes the commit first.
	run --separate-stderr die_at '/^renameat' 2 cx-route -s sp
	check_status 137
	check_eq partial "$(ls sp/open 2>/dev/null; ls sp/classified)" 'B0000000001.jsonl'
	# C-88001 follows up the first ticket, and goes to its file in open/.
	run --separate-stderr cx-ingest -s sp examples/chat.csv
	check_status 0
	check_stderr 'cx-ingest: 2 registered, 1 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq filed "$(jq -c '[.followups[].source.ext]' sp/open/CX-20261124-0001)" \
	    '["GD-1007","C-88001"]'
	cx-classify -q -s sp
	run --separate-stderr cx-route -s sp
	check_status 0
	check_eq classified "$(ls -A sp/classified)" ''
	check_eq kept "$(jq -c '[.followups[].source.ext]' sp/open/CX-20261124-0001)" \
	    '["GD-1007","C-88001"]'
	check_eq routed "$(jq -c '[.history[].action]' sp/open/CX-20261124-0001)" \
	    '["registered","followup","routed","followup"]'
}

@test "crash: under -b rr, the rerun takes turns on from the tickets the dead run filed" {
	need_strace
	sp sp
	printf '%s\n' 'A1 商品部 9 on' 'A2 商品部 9 on' 'A3 商品部 9 on' >sp/etc/agents
	{ tk N1 quality; tk N2 quality; tk N3 quality; } >b.jsonl
	batch sp b.jsonl
	tk N4 quality >b2.jsonl
	cp -a sp ref
	cx-route -q -b rr -s ref
	batch ref b2.jsonl
	cx-route -q -b rr -s ref
	check_eq undisturbed "$(cat ref/open/* | jq -r .assignee | tr '\n' ' ')" 'A1 A2 A3 A1 '
	# Killed after its commit point, before filing any ticket.
	run --separate-stderr die_at '/^renameat' 2 cx-route -b rr -s sp
	check_status 137
	check_eq partial "$(ls -A sp/open 2>/dev/null)" ''
	cx-route -q -b rr -s sp
	batch sp b2.jsonl
	cx-route -q -b rr -s sp
	check_eq rerun "$(cat sp/open/* | jq -r .assignee | tr '\n' ' ')" 'A1 A2 A3 A1 '
}

# --- configuration and usage ----------------------------------------------

@test "config: a broken line of routing, agents or solutions is exit 2 with cx-route: FILE:LINE: message, before anything is touched" {
	tk A quality >b.jsonl
	while IFS='@' read -r file text msg; do
		rm -rf sp
		sp sp
		batch sp b.jsonl
		printf "$text" >sp/etc/$file
		run --separate-stderr cx-route -s sp
		check_status 2
		check_stderr "cx-route: sp/etc/$file:$msg"
		check_eq "$file: untouched" "$(cd sp && find . | sort | tr '\n' ' ')" \
		    '. ./classified ./classified/B0000000001.jsonl ./etc ./etc/agents ./etc/cx.conf ./etc/routing ./etc/solutions '
	done <<-'EOF'
	routing@# c\n\ncategory quality 商品部\n@3: expected "WHAT: DEPARTMENT, ..."
	routing@category quality:\n@1: no department
	routing@category quality: , ，\n@1: no department
	routing@catgory quality: 商品部\n@1: expected category, channel, region, amount or default before ':'
	routing@category: 商品部\n@1: expected category, channel, region, amount or default before ':'
	routing@channel : 公关\n@1: expected category, channel, region, amount or default before ':'
	routing@default x: 客服部\n@1: expected category, channel, region, amount or default before ':'
	routing@amount > lots: 财务\n@1: expected "amount > NUMBER"
	routing@amount < 5: 财务\n@1: expected "amount > NUMBER"
	routing@category quality: 商品部\n\xff: x\n@2: invalid UTF-8
	agents@小李 客服部 3\n@1: expected "NAME DEPARTMENT CAPACITY on|off [SKILLS]"
	agents@# x\n小李 客服部 three on\n@2: capacity "three" is not a number
	agents@小李 客服部 -1 on\n@1: capacity "-1" is not a number
	agents@小李 客服部 3 yes\n@1: duty "yes": on or off
	agents@小李 客服部 3 ON\n@1: duty "ON": on or off
	solutions@quality: exchange | 换货\n@1: expected "CODE: REMEDY | 中文 | English"
	solutions@quality exchange | 换货 | Exchange\n@1: expected "CODE: REMEDY | 中文 | English"
	solutions@quality: | 换货 | Exchange\n@1: no remedy
	EOF
	# A spool not there yet is not made.
	cp -r c broken
	printf 'category quality\n' >broken/routing
	run --separate-stderr env CX_SHARE=$T/broken cx-route -s fresh
	check_status 2
	check_stderr "cx-route: $T/broken/routing:1: expected \"WHAT: DEPARTMENT, ...\""
	[ ! -e fresh ]
	# Nor any output in filter mode.
	run --separate-stderr run_to out.jsonl env CX_SHARE=$T/broken cx-route b.jsonl
	check_status 2
	[ ! -s out.jsonl ]
}

@test "config: lists split on , ， and 、; blank lines, comments and a byte order mark are ignored; blanks around fields" {
	printf '\xef\xbb\xbf# routing\n\n   category  quality ， logistics.late :  商品部 、质检,法务  \n  # indented comment\ndefault:客服部\n' >c/routing
	printf '\xef\xbb\xbf  刘经理   商品部\t 2  on  zh, en  \n' >c/agents
	printf 'quality :exchange|换货|Exchange | really\n' >c/solutions
	{ tk A quality; tk B logistics.late; tk C logistics; } >in.jsonl
	run --separate-stderr run_to out.jsonl rt in.jsonl
	check_status 0
	check_stderr 'cx-route: 3 routed, 1 queued without an agent, 0 filed closed, 0 unread'
	check_eq routed "$(jq -c '[.id, .departments, .assignee]' out.jsonl)" \
	    '["A",["商品部","质检","法务"],"刘经理"]
["B",["商品部","质检","法务"],"刘经理"]
["C",["客服部"],null]'
	check_eq solution "$(of out.jsonl A .solution)" \
	    '{"remedy":"exchange","reply":{"zh":"换货","en":"Exchange | really"}}'
}

@test "config: repeat_count, repeat_days and review_unfounded are whole numbers in range, else exit 2" {
	tk A quality >b.jsonl
	while IFS='|' read -r line msg; do
		rm -rf sp
		sp sp
		batch sp b.jsonl
		echo "$line" >>sp/etc/cx.conf
		run --separate-stderr cx-route -s sp
		check_status 2
		check_stderr "cx-route: $msg"
		[ ! -e sp/open ]
	done <<-'EOF'
	repeat_count = x|cx.conf: repeat_count: "x" is not a number from 0 to 1000
	repeat_count = 1001|cx.conf: repeat_count: "1001" is not a number from 0 to 1000
	repeat_days = -1|cx.conf: repeat_days: "-1" is not a number from 0 to 3650
	repeat_days = 3651|cx.conf: repeat_days: "3651" is not a number from 0 to 3650
	review_unfounded = 2.5|cx.conf: review_unfounded: "2.5" is not a number from 0 to 1000
	review_unfounded|sp/etc/cx.conf:5: expected "key = value"
	EOF
}

@test "usage: an unknown option, a missing value, a bad -b, -z or --now is exit 2" {
	local u='usage: cx-route [-q] [-b how] [-s spool] [-z zone] [--now time] [file ...]'
	run --separate-stderr cx-route -x
	check_status 2
	check_stderr 'cx-route: unknown option -x' "$u"
	run --separate-stderr cx-route --bogus
	check_status 2
	check_stderr 'cx-route: unknown option --bogus' "$u"
	# -p was the old -b.
	run --separate-stderr cx-route -p rr
	check_status 2
	check_stderr 'cx-route: unknown option -p' "$u"
	run --separate-stderr cx-route -b
	check_status 2
	check_stderr 'cx-route: option -b needs a value' "$u"
	run --separate-stderr cx-route --balance
	check_status 2
	check_stderr 'cx-route: option --balance needs a value' "$u"
	run --separate-stderr cx-route -s
	check_status 2
	check_stderr 'cx-route: option -s needs a value' "$u"
	run --separate-stderr cx-route -z
	check_status 2
	check_stderr 'cx-route: option -z needs a value' "$u"
	run --separate-stderr cx-route --now
	check_status 2
	check_stderr 'cx-route: option --now needs a value' "$u"
	run --separate-stderr cx-route -b fifo </dev/null
	check_status 2
	check_stderr 'cx-route: -b: least or rr, not "fifo"'
	run --separate-stderr cx-route --balance x </dev/null
	check_status 2
	check_stderr 'cx-route: -b: least or rr, not "x"'
	run --separate-stderr cx-route -z Nowhere/City </dev/null
	check_status 2
	check_stderr 'cx-route: unknown time zone "Nowhere/City"'
	run --separate-stderr cx-route --now yesterday </dev/null
	check_status 2
	check_stderr 'cx-route: --now: unrecognised time "yesterday"'
	run --separate-stderr cx-route nope.jsonl
	check_status 2
	check_stderr 'cx-route: nope.jsonl: No such file or directory'
	# -b least is the default; --balance is -b.
	tk A quality >a.jsonl
	check_eq least "$(rt -q -b least a.jsonl)" "$(rt -q a.jsonl)"
	check_eq long "$(rt -q --balance least a.jsonl)" "$(rt -q a.jsonl)"
	check_eq rr "$(rt -q --balance rr a.jsonl)" "$(rt -q -b rr a.jsonl)"
}

@test "usage: -h and --help print the usage and a line per option on the standard output, exit 0, and touch nothing" {
	run --separate-stderr cx-route -h
	check_status 0
	check_stderr
	check_eq usage "${output%%$'\n'*}" \
	    'usage: cx-route [-q] [-b how] [-s spool] [-z zone] [--now time] [file ...]'
	# Each option once, a short one with its long one.
	check_eq options "$(sed -n 's/^ *\(-[a-z], \)\{0,1\}\(--[a-z]*\) .*/\1\2/p' <<<"$output")" \
	    '-b, --balance
-h, --help
-q, --quiet
-s, --spool
-z, --zone
--now
--version'
	local help=$output
	run --separate-stderr cx-route --help -s fresh
	check_status 0
	check_stderr
	check_eq same "$output" "$help"
	[ ! -e fresh ]
}

@test "usage: --version prints cx-route 0.5.0 on the standard output, exit 0" {
	run --separate-stderr cx-route --version
	check_status 0
	check_stderr
	check_eq version "$output" 'cx-route 0.5.0'
}

@test "flags: others' flags are kept, and repeat or review go when they no longer apply" {
	printf '%s\n' \
	    '{"id":"X1","text":"a","customer":{"id":"U1"},"flags":["vip","repeat"],"classified_by":{}}' \
	    '{"id":"X2","text":"b","customer":{"id":"U2"},"flags":["repeat"],"classified_by":{}}' >in.jsonl
	run --separate-stderr cx-route in.jsonl
	check_status 0
	check_eq flags "$(jq -c .flags <<<"$output" | tr '\n' ' ')" '["vip"] null '
}
