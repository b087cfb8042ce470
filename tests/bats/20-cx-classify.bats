#!/usr/bin/env bats
# cx-classify: category, subcategory, priority, scope and tags by the rules
# (cx-rules(5)) and the taxonomy (cx-taxonomy(5)), then by a model; how
# each was decided (classified_by, -E/--explain); hand corrections (-S);
# bad rules, taxonomies and records; the summary and -q; the options;
# spool mode.  The precise semantics are
# tested with tests/data/t-rules and t-taxonomy (-R, -T), which do not
# change; the shipped rules, which are being polished, only on a few
# obvious tickets of the examples.  Golden files: see helper.bash.

load helper

# The table of cases, data/t-classify.jsonl, classified once for the whole
# file (the records and -E); the tests below read it.  The test
# "rules: the table ..." runs the same commands itself and checks their
# exit status, stderr and output.
setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	cx-classify -q -R "$TESTDATA/t-rules" -T "$TESTDATA/t-taxonomy" \
	    "$TESTDATA/t-classify.jsonl" >table.jsonl
	cx-classify -q -R "$TESTDATA/t-rules" -T "$TESTDATA/t-taxonomy" \
	    -E "$TESTDATA/t-classify.jsonl" >table.explain
}

# tc ARGS...: cx-classify with the test rules and taxonomy.
tc() {
	cx-classify -R data/t-rules -T data/t-taxonomy "$@"
}

# row ID FILTER: jq FILTER on the table's record ID, compact.
row() {
	jq -c --arg id "$1" "select(.id == \$id) | $2" \
	    "$BATS_FILE_TMPDIR/table.jsonl"
}

# why ID: the table's -E line of record ID.
why() {
	grep -F "$1: " "$BATS_FILE_TMPDIR/table.explain" | grep "^$1: "
}

# cats FILE: "id subcategory-or-category priority scope" per record.
cats() {
	jq -r '[.id // "-", .subcategory // .category // "-", .priority // "-",
	    .scope // "-"] | join(" ")' "$1"
}

# ingest_examples DIR: both examples into the spool DIR, checked.
ingest_examples() {
	run --separate-stderr cx-ingest -s "$1" examples/helpdesk-zh.csv examples/chat.csv
	check_status 1
	check_stderr "$HELPDESK_REJECTS" "$EXAMPLES_SUMMARY"
}

# quick_rules DIR: English rules of its own for the spool DIR.  Without
# Chinese keywords no OpenCC tables are loaded, which keeps the tests of
# spool mechanics fast under the sanitizers; Chinese is tested above.
quick_rules() {
	mkdir -p "$1/etc"
	printf '%s\n' 'rule late' '	any: late, deliver*' '	category: logistics.late' \
	    'rule suggestion' '	any: suggestion, please add' '	category: suggestion' \
	    >"$1/etc/rules"
}

# ticket DIR EXT FILTER: jq FILTER on the ticket of source row EXT in the
# spool DIR, in whichever of new/, classified/ and open/ it is (in a batch,
# with the follow-ups journaled beside it).
ticket() {
	{ tickets "$1" new; tickets "$1" classified; cat "$1"/open/*; } 2>/dev/null |
	    jq -c --arg e "$2" "select(.source.ext == \$e) | $3"
}

# followup DIR: a follow-up of CX-20261124-0001 in a run of its own, a
# journal beside that ticket's batch.
followup() {
	printf '%s\n' 'Conversation ID,Customer ID,Order ID,Message' \
	    'C-88009,U10086,OD202611220001,Fourth message' >more.csv
	cx-ingest -q -s "$1" more.csv
}

# --- the rules, on the table of cases ------------------------------------

@test "rules: the table of cases gives the golden records and explanations, exit 0, only the summary on stderr" {
	run --separate-stderr run_to out.jsonl tc data/t-classify.jsonl
	check_status 0
	check_stderr 'cx-classify: 32 tickets, 32 changed, 14 not placed, 0 passed through unclassified'
	golden t-classify.jsonl out.jsonl
	run --separate-stderr run_to out.explain tc --explain data/t-classify.jsonl
	check_status 0
	check_stderr 'cx-classify: 32 tickets explained, 0 left out'
	golden t-classify.explain out.explain
	check_eq lines "$(wc -l <out.explain)" "$(wc -l <data/t-classify.jsonl)"
	# -E is --explain.
	run --separate-stderr run_to out.E tc -E data/t-classify.jsonl
	check_status 0
	check_stderr 'cx-classify: 32 tickets explained, 0 left out'
	cmp out.explain out.E
}

@test "rules: a Chinese keyword matches its simplified and traditional forms (發霉 and 發黴 match 发霉)" {
	check_eq zh "$(row zh '[.category, .subcategory, .classified_by.category]')" \
	    '["quality","quality.safety",{"by":"rules","rule":"safety","words":["发霉"]}]'
	check_eq zh-tw "$(row zh-tw '[.subcategory, .classified_by.category.words]')" \
	    '["quality.safety",["发霉"]]'
	check_eq zh-s2t "$(row zh-s2t '[.subcategory, .classified_by.category.words]')" \
	    '["quality.safety",["发霉"]]'
	# A keyword written in traditional characters matches simplified text.
	printf 'rule trad\n\tany: 發霉\n\tcategory: quality.safety\n' >trad.rules
	echo '{"id":"A","text":"饼干发霉了"}' >in.jsonl
	run --separate-stderr run_to out.jsonl cx-classify -R trad.rules -T data/t-taxonomy in.jsonl
	check_status 0
	check_stderr 'cx-classify: 1 tickets, 1 changed, 0 not placed, 0 passed through unclassified'
	check_eq trad "$(jq -c '[.subcategory, .classified_by.category]' out.jsonl)" \
	    '["quality.safety",{"by":"rules","rule":"trad","words":["發霉"]}]'
}

@test "rules: English keywords match whole words in any case; \"deliver*\" matches words that start so" {
	check_eq phrase "$(row en-phrase '[.subcategory, .classified_by.category.words]')" \
	    '["quality.safety",["food poisoning"]]'
	check_eq word "$(row en-word '[.subcategory, .classified_by.category.words]')" \
	    '["logistics.late",["late"]]'
	# "late" is not in "chocolate", nor in "lately".
	check_eq inside "$(row en-inside '[.category, .classified_by.category]')" \
	    '[null,{"by":"none"}]'
	check_eq prefix "$(row en-prefix '[.subcategory, .classified_by.category.words]')" \
	    '["logistics.late",["deliver*"]]'
	check_eq prefix-word "$(row en-prefix-word .subcategory)" '"logistics.late"'
	check_eq prefix-inside "$(row en-prefix-inside .category)" null
}

@test "rules: any, all and none; keywords do not span subject and text" {
	# none: 已经到了 vetoes the rule its any: 还没到 would fire.
	check_eq none "$(row none '[.category, .classified_by.category.by]')" '[null,"none"]'
	# all: 快递 and 慢, on a public social channel.
	check_eq all "$(row all-channel '[.subcategory, .priority, .classified_by.category]')" \
	    '["logistics.late","urgent",{"by":"rules","rule":"late-weibo","words":["快递","慢"]}]'
	check_eq all-one "$(row all-one-word .category)" null
	# One keyword in the subject and the other in the text is all of them.
	check_eq all-across "$(row all-across .subcategory)" '"logistics.late"'
	# ... but the subject's end and the text's start make no keyword.
	check_eq no-span "$(row no-span .category)" null
}

@test "rules: channel, amount and customer.tier conditions" {
	check_eq channel "$(row all-other-channel '[.category, .tags]')" '[null,null]'
	# amount >= 1000: 1000 is, 999.99 and the string "1000" are not.
	check_eq amount "$(row amount-at .tags)" '["big"]'
	check_eq below "$(row amount-below .tags)" null
	check_eq string "$(row amount-string .tags)" null
	check_eq tier "$(row tier .tags)" '["vip"]'
	check_eq tier-other "$(row tier-other .tags)" null
}

@test "rules: field PATH, rules without keywords, none: alone, and lists split on , ， and 、" {
	cat >f.rules <<'EOF'
# field conditions; values match in any case
rule money
	field expectation: refund, return
	tag: money-back
rule u1
	field customer.id: U1
	tag: u1
rule not-thanks
	none: 谢谢
	tag: not-thanks
rule everyone
	tag: everyone
rule parcel
	any: 包裹、破损，damaged
	category: logistics
EOF
	printf '%s\n' '{"id":"1","text":"ok","expectation":"Refund"}' \
	    '{"id":"2","text":"谢谢","customer":{"id":"U1"},"expectation":["refund"]}' \
	    '{"id":"3","text":"破损","expectation":"exchange","customer":{"id":"U12"}}' \
	    '{"id":"4","text":"DAMAGED box"}' >in.jsonl
	run --separate-stderr run_to out.jsonl cx-classify -R f.rules -T data/t-taxonomy in.jsonl
	check_status 0
	check_stderr 'cx-classify: 4 tickets, 4 changed, 2 not placed, 0 passed through unclassified'
	check_eq tags "$(jq -c '[.id, .category, .tags]' out.jsonl)" \
	    '["1",null,["money-back","not-thanks","everyone"]]
["2",null,["u1","everyone"]]
["3","logistics",["not-thanks","everyone"]]
["4","logistics",["not-thanks","everyone"]]'
	check_eq words "$(jq -c .classified_by.category.words out.jsonl)" 'null
null
["破损"]
["damaged"]'
}

@test "rules: two any lines need a keyword of each; a later # is part of the line; a BOM is ignored; sue is not in issue" {
	printf '\357\273\277# rules with a byte order mark\nrule a\n\tany: x, y\n  # a comment\n\tany: 发霉 # not a comment\n\ttag: both\nrule b\n\tany: sue, food  poisoning\n\ttag: b\n' >r.rules
	printf '%s\n' '{"id":"1","text":"x 发霉"}' '{"id":"2","text":"y, 发霉 # not a comment"}' \
	    '{"id":"3","text":"an issue; food poisoning"}' '{"id":"4","text":"I will SUE, food  poisoning"}' >in.jsonl
	run --separate-stderr run_to out.jsonl cx-classify -R r.rules -T data/t-taxonomy in.jsonl
	check_status 0
	check_stderr 'cx-classify: 4 tickets, 4 changed, 4 not placed, 0 passed through unclassified'
	# A keyword of several words matches them as written, blank for blank.
	check_eq tags "$(jq -c '[.id, .tags]' out.jsonl)" '["1",null]
["2",["both"]]
["3",null]
["4",["b"]]'
	check_eq words "$(sed -n 4p out.jsonl | jq -c .classified_by)" \
	    '{"category":{"by":"none"},"priority":{"by":"default"},"scope":{"by":"default"},"tags":["b"]}'
}

@test "tags: others' tags are kept; a tag the rules gave and give no more goes" {
	printf '%s\n' '{"id":"T","text":"面包发霉了","tags":["vip"]}' >in.jsonl
	run --separate-stderr cx-classify -R data/t-rules -T data/t-taxonomy in.jsonl
	check_status 0
	check_eq first "$(jq -c '[.tags, .classified_by.tags]' <<<"$output")" '[["vip","safety"],["safety"]]'
	sed 's/发霉/破了/' <<<"$output" >again.jsonl
	run --separate-stderr cx-classify -R data/t-rules -T data/t-taxonomy again.jsonl
	check_status 0
	check_eq again "$(jq -c '[.tags, .classified_by.tags]' <<<"$output")" '[["vip"],null]'
}

@test "rules: for each of category, priority and scope the first matching rule that sets it decides" {
	# late (earlier) sets the category, late-weibo (later) the priority.
	check_eq first-wins "$(row first-wins '[.subcategory, .priority, .classified_by.category.rule, .classified_by.priority.rule]')" \
	    '["logistics.late","urgent","late","late-weibo"]'
	# safety sets the category of a record that late would also place.
	check_eq tags "$(row tags '[.subcategory, .classified_by.category.rule]')" \
	    '["quality.safety","safety"]'
	# No rule sets a priority: the taxonomy's for the category.
	check_eq taxonomy "$(row en-word '[.priority, .classified_by.priority]')" \
	    '["normal",{"by":"taxonomy"}]'
	check_eq taxonomy "$(row stop '[.priority, .classified_by.priority]')" \
	    '["low",{"by":"taxonomy"}]'
	# A category alone has no subcategory.
	check_eq category "$(row stop '[.category, .subcategory]')" '["suggestion",null]'
}

@test "rules: order text: the category of the problem named first; urgent rules first, then a subcategory, a category, a low one; stop still stops" {
	cat >text.rules <<-'EOF'
	# Anywhere in the file, about all of it.
	rule idea
	    any: 建议
	    category: suggestion
	rule phone
	    channel: phone
	    category: quality.defect
	rule defect
	    any: 难吃, tasteless
	    category: quality.defect
	order text
	rule halt
	    any: 到此为止
	    stop
	rule late
	    any: 送餐慢, late
	    not near: fee
	    category: logistics.late
	rule hair
	    any: 头发, hair
	    category: quality.safety
	rule lost
	    any: 丢了
	    category: logistics
	    priority: urgent
	rule cold-late
	    all: 凉了, 晚到
	    category: logistics.late
	rule goods
	    any: 东西, stuff
	    category: quality
	rule slow
	    any: 慢
	    category: logistics
	rule cold
	    any: 难吃
	    category: logistics.late
	EOF
	sed 's/^order text$/order file/' text.rules >file.rules
	# Each record: "t", what order text gives (code and rule), and "f",
	# what the order of the file gives.
	cat >in.jsonl <<-'EOF'
	{"id":"late-first","text":"送餐慢，菜也难吃","t":"logistics.late late","f":"quality.defect defect"}
	{"id":"defect-first","text":"菜难吃，送餐慢","t":"quality.defect defect","f":"quality.defect defect"}
	{"id":"in-subject","subject":"late","text":"tasteless","t":"logistics.late late","f":"quality.defect defect"}
	{"id":"urgent-last","text":"送餐慢，难吃，还有头发","t":"quality.safety hair","f":"quality.defect defect"}
	{"id":"urgents-by-file","text":"包裹丢了，还有头发","t":"quality.safety hair","f":"quality.safety hair"}
	{"id":"specific-later","text":"东西难吃","t":"quality.defect defect","f":"quality.defect defect"}
	{"id":"general-only","text":"东西慢","t":"quality goods","f":"quality goods"}
	{"id":"low-last","text":"建议你们改改，东西不行","t":"quality goods","f":"suggestion idea"}
	{"id":"low-alone","text":"建议你们改改","t":"suggestion idea","f":"suggestion idea"}
	{"id":"all-words","text":"凉了，难吃，晚到","t":"logistics.late cold-late","f":"quality.defect defect"}
	{"id":"no-words-after","channel":"phone","text":"送餐慢","t":"logistics.late late","f":"quality.defect phone"}
	{"id":"no-words-alone","channel":"phone","text":"好","t":"quality.defect phone","f":"quality.defect phone"}
	{"id":"tie","text":"难吃","t":"quality.defect defect","f":"quality.defect defect"}
	{"id":"out-of-context","text":"a late fee, tasteless food, and it came late","t":"quality.defect defect","f":"quality.defect defect"}
	{"id":"stopped","text":"送餐慢，菜难吃，到此为止","t":"quality.defect defect","f":"quality.defect defect"}
	EOF
	wrong='select("\(.subcategory // .category) \(.classified_by.category.rule)" != $want) | "\(.id): \(.subcategory // .category) by \(.classified_by.category.rule)"'
	run --separate-stderr run_to text.jsonl cx-classify -q -R text.rules -T data/t-taxonomy in.jsonl
	check_status 0
	check_stderr ''
	check_eq text "$(jq -r '.t as $want | '"$wrong" text.jsonl)" ''
	[ "$(wc -l <text.jsonl)" -eq 15 ]
	# The priority is still the first rule's that sets one, here the
	# taxonomy's of the category: the urgent safety problem.
	check_eq priority "$(jq -r 'select(.id == "urgent-last") | .priority' text.jsonl)" urgent
	# With "order file", or without the line, the first rule in the file.
	run --separate-stderr run_to file.jsonl cx-classify -q -R file.rules -T data/t-taxonomy in.jsonl
	check_status 0
	check_stderr ''
	check_eq file "$(jq -r '.f as $want | '"$wrong" file.jsonl)" ''
	grep -v '^order' text.rules >none.rules
	run --separate-stderr cx-classify -q -R none.rules -T data/t-taxonomy in.jsonl
	check_status 0
	check_eq none "$output" "$(cat file.jsonl)"
}

@test "rules: tags add up in rule order; stop ends the rules" {
	check_eq tags "$(row tags .tags)" '["safety","big","vip"]'
	# stopper sets suggestion and stops: after-stop (tag never) is not tried.
	check_eq stop "$(row stop '[.category, .tags, .classified_by.category.rule]')" \
	    '["suggestion",null,"stopper"]'
	[ -z "$(jq -r 'select(.tags) | .tags[] | select(. == "never")' "$BATS_FILE_TMPDIR/table.jsonl")" ]
}

@test "rules: scope group raises the priority a level, public makes it urgent" {
	check_eq group "$(row group '[.priority, .scope, .classified_by.priority, .classified_by.scope]')" \
	    '["urgent","group",{"by":"group"},{"by":"rules","rule":"many","words":["很多人"]}]'
	# low (suggestion) + group = normal
	check_eq group-low "$(row group-low '[.category, .priority, .classified_by.priority]')" \
	    '["suggestion","normal",{"by":"group"}]'
	# urgent stays urgent, and the taxonomy decided it.
	check_eq group-urgent "$(row group-urgent '[.priority, .scope, .classified_by.priority]')" \
	    '["urgent","group",{"by":"taxonomy"}]'
	# Nothing placed it: the default priority (normal), raised a level.
	check_eq group-alone "$(row group-alone '[.priority, .scope, .classified_by.priority]')" \
	    '["urgent","group",{"by":"group"}]'
	check_eq public "$(row public '[.subcategory, .priority, .scope, .classified_by.priority]')" \
	    '["logistics.late","urgent","public",{"by":"public"}]'
	# Public opinion is urgent even with no category.
	check_eq public-alone "$(row public-alone '[.category, .priority, .scope, .classified_by.priority]')" \
	    '[null,"urgent","public",{"by":"public"}]'
	check_eq default "$(row nothing '[.scope, .classified_by.scope]')" '["one",{"by":"default"}]'
}

@test "classified_by: the rule and the words of its any and all conditions, for each of category, priority and scope" {
	check_eq first-wins "$(row first-wins .classified_by)" \
	    '{"category":{"by":"rules","rule":"late","words":["还没到"]},"priority":{"by":"rules","rule":"late-weibo","words":["快递","慢"]},"scope":{"by":"default"}}'
	# Words in the order of the rule, each once.
	check_eq public "$(row public .classified_by.scope)" \
	    '{"by":"rules","rule":"public","words":["曝光","媒体"]}'
	check_eq tags "$(row tags .classified_by.category.words)" '["发霉","food poisoning"]'
	check_eq nothing "$(row nothing .classified_by)" \
	    '{"category":{"by":"none"},"priority":{"by":"default"},"scope":{"by":"default"}}'
}

@test "-E: one line of words per record, what decided each of category, priority and scope" {
	check_eq first-wins "$(why first-wins)" \
	    'first-wins: category logistics.late by rule late, words ["还没到"]; priority urgent by rule late-weibo, words ["快递","慢"]; scope one (default)'
	check_eq public "$(why public)" \
	    'public: category logistics.late by rule late, words ["还没到"]; priority urgent (public); scope public by rule public, words ["曝光","媒体"]'
	check_eq group-low "$(why group-low)" \
	    'group-low: category suggestion by rule stopper, words ["建议"]; priority normal (group); scope group by rule many, words ["很多人"]'
	check_eq nothing "$(why nothing)" \
	    'nothing: category - (none); priority normal (default); scope one (default)'
	check_eq followup "$(why '(follow-up of CX-1)')" \
	    '(follow-up of CX-1): category logistics.late by rule late, words ["late"]; priority normal (taxonomy); scope one (default)'
	check_eq noid "$(why '(no id)')" \
	    '(no id): category logistics.late by rule late, words ["late"]; priority normal (taxonomy); scope one (default)'
}

@test "-E -i: only the tickets named are explained, in the order read; one not there is exit 1; -i alone is exit 2" {
	run --separate-stderr tc -E -i public -i first-wins data/t-classify.jsonl
	check_status 0
	check_stderr 'cx-classify: 2 tickets explained, 0 left out'
	check_eq lines "$output" "$(why first-wins)
$(why public)"
	run --separate-stderr tc --explain --id nothing data/t-classify.jsonl
	check_status 0
	check_stderr 'cx-classify: 1 tickets explained, 0 left out'
	check_eq long "$output" "$(why nothing)"
	run --separate-stderr tc -E -i ZZ data/t-classify.jsonl
	check_status 1
	check_stderr 'cx-classify: ZZ: no such ticket' \
	    'cx-classify: 0 tickets explained, 0 left out'
	[ -z "$output" ]
	# Each -i not there is said, found others or not.
	run --separate-stderr tc -E -i YY -i public -i ZZ data/t-classify.jsonl
	check_status 1
	check_stderr 'cx-classify: YY: no such ticket' \
	    'cx-classify: ZZ: no such ticket' \
	    'cx-classify: 1 tickets explained, 0 left out'
	check_eq one "$output" "$(why public)"
	run --separate-stderr tc -i public data/t-classify.jsonl
	check_status 2
	check_stderr 'cx-classify: -i goes with -S or -E'
	[ -z "$output" ]
}

@test "-E: a line that is no record is warned of but not copied: the standard output holds explanations only; exit 1" {
	printf '%s\n' '{"id":"A","text":"还没到"}' 'not json' '{"id":"B"}' '{"id":"C","text":"late"}' >in.jsonl
	run --separate-stderr tc -E in.jsonl
	check_status 1
	check_stderr \
	    'cx-classify: in.jsonl:2: not a JSON object at column 1; left out' \
	    'cx-classify: in.jsonl:3: no subject and no text; left out' \
	    'cx-classify: 2 tickets explained, 2 left out'
	check_eq explained "$output" \
	    'A: category logistics.late by rule late, words ["还没到"]; priority normal (taxonomy); scope one (default)
C: category logistics.late by rule late, words ["late"]; priority normal (taxonomy); scope one (default)'
}

@test "rules: a thousand rules, the last one still decides; keywords shared between rules" {
	awk 'BEGIN {
		for (i = 1; i <= 1000; i++)
			printf "rule r%d\n\tany: kw%d, 词%d号, shared\n\tcategory: %s\n",
			    i, i, i, (i % 2 ? "logistics.late" : "suggestion")
	}' >many.rules
	printf '%s\n' '{"id":"a","text":"x kw1000 y"}' '{"id":"b","text":"第词999号"}' \
	    '{"id":"c","text":"shared"}' '{"id":"d","text":"kw10000"}' >in.jsonl
	run --separate-stderr run_to out.jsonl cx-classify -R many.rules -T data/t-taxonomy in.jsonl
	check_status 0
	check_stderr 'cx-classify: 4 tickets, 4 changed, 1 not placed, 0 passed through unclassified'
	check_eq rules "$(jq -r '[.id, .subcategory // .category // "-", .classified_by.category.rule // "-"] | join(" ")' out.jsonl)" \
	    'a suggestion r1000
b logistics.late r999
c logistics.late r1
d - -'
}

# --- broken rules and taxonomies ------------------------------------------

@test "rules: a broken line is exit 2 with cx-classify: FILE:LINE: message, and no output" {
	echo '{"id":"A","text":"还没到"}' >in.jsonl
	while IFS='|' read -r text msg; do
		printf "$text" >bad.rules
		run --separate-stderr run_to out.jsonl cx-classify -R bad.rules -T data/t-taxonomy in.jsonl
		check_status 2
		check_stderr "cx-classify: bad.rules:$msg"
		[ ! -s out.jsonl ]
	done <<-'EOF'
	rule a\n\tany: x\n\tcategory: nope\n|3: category "nope" is not in the taxonomy
	# c\nrule a\n\tany: x\n\tpriority: high\n|4: priority: urgent, normal or low
	rule a\n\tany: x\n\tscope: world\n|3: scope: one, group or public
	rule a\n\tcolour: red\n|2: unknown key "colour"
	\tany: x\n|1: expected "rule NAME"
	rule a b\n|1: a rule name is letters, digits, '-', '_'
	rule a\n\tany: x\nrule a\n\tany: y\n|3: rule a is defined twice (line 1 first)
	rule a\n\tamount > ten\n|2: expected "amount OP NUMBER", OP one of > >= < <= =
	rule a\n\tany:\n|2: no keywords
	rule a\n\tany x\n|2: expected "KEY: VALUE"
	rule a\n\ttag: ,\n|2: no tags
	rule a\n\tchannel:\n|2: no values
	rule a\n\tany: 发霉\n\n\tstop now\n|4: expected "KEY: VALUE"
	rule a\n\tany: x\n\tcategory: suggestion\n\tcategory: logistics\n|4: category set twice in one rule
	rule a\n\tany: x\n\tpriority: low\n\tpriority: urgent\n|4: priority set twice in one rule
	order words\n|1: order: text or file
	order text\nrule a\n\tany: x\norder text\norder file\n|5: order given otherwise on line 1
	EOF
}

@test "taxonomy: a broken line is exit 2 with cx-classify: FILE:LINE: message, and no output" {
	echo '{"id":"A","text":"还没到"}' >in.jsonl
	while IFS='|' read -r text msg; do
		printf "$text" >bad.tax
		run --separate-stderr run_to out.jsonl cx-classify -R data/t-rules -T bad.tax in.jsonl
		check_status 2
		check_stderr "cx-classify: bad.tax:$msg"
		[ ! -s out.jsonl ]
	done <<-'EOF'
	quality normal\n|1: expected "CODE PRIORITY 中文名 English name"
	# c\nQuality normal 质量 Quality\n|2: bad code "Quality": lower-case letters, digits, '-', one '.'
	quality high 质量 Quality\n|1: priority "high": urgent, normal or low
	quality.defect normal 质量问题 Defect\n|1: subcategory "quality.defect" before its category
	a normal 甲 A\na.b.c normal 乙 B\n|2: bad code "a.b.c": lower-case letters, digits, '-', one '.'
	EOF
	# A taxonomy without the codes the rules name: the rules' line.
	printf 'quality normal 商品质量 Quality\n' >small.tax
	run --separate-stderr run_to out.jsonl cx-classify -R data/t-rules -T small.tax in.jsonl
	check_status 2
	check_stderr 'cx-classify: data/t-rules:4: category "quality.safety" is not in the taxonomy'
	[ ! -s out.jsonl ]
}

@test "rules, taxonomy, model: a file that cannot be read is exit 2" {
	echo '{"id":"A","text":"还没到"}' >in.jsonl
	run --separate-stderr run_to out.jsonl cx-classify -R nope -T data/t-taxonomy in.jsonl
	check_status 2
	check_stderr 'cx-classify: nope: No such file or directory'
	run --separate-stderr run_to out.jsonl cx-classify -R data/t-rules -T nope in.jsonl
	check_status 2
	check_stderr 'cx-classify: nope: No such file or directory'
	run --separate-stderr run_to out.jsonl tc -M in.jsonl in.jsonl
	check_status 2
	check_stderr 'cx-classify: in.jsonl:1: not a cx-nb model'
	[ ! -s out.jsonl ]
}

# The usage lines, of an option error and of -h.
USAGE='usage: cx-classify [-Eq] [-i id] [-M model] [-R rules] [-s spool] [-T taxonomy]
                   [-z zone] [--now time] [file ...]
       cx-classify -a agent -S field=value [-q] [-i id] [-s spool] [file ...]'

@test "usage: an unknown option or a missing value is exit 2 with the usage" {
	run --separate-stderr cx-classify -x
	check_status 2
	check_stderr 'cx-classify: unknown option -x' "$USAGE"
	[ -z "$output" ]
	run --separate-stderr cx-classify -R
	check_status 2
	check_stderr 'cx-classify: option -R needs a value' "$USAGE"
}

@test "usage: -h prints the usage and a line per option on the standard output, exit 0; --version" {
	run --separate-stderr cx-classify -h
	check_status 0
	check_stderr
	check_eq usage "$(printf '%s\n' "$output" | sed -n 1,3p)" "$USAGE"
	check_eq blank "$(printf '%s\n' "$output" | sed -n 4p)" ''
	# Every short option has a long one.
	check_eq options "$(printf '%s\n' "$output" | grep -oE '^ +(-[a-zA-Z], )?--[a-z]+' | tr -s ' ' | tr '\n' '|')" \
	    ' -a, --agent| -E, --explain| -h, --help| -i, --id| -M, --model| -q, --quiet| -R, --rules| -S, --set| -s, --spool| -T, --taxonomy| -z, --zone| --now| --version|'
	run --separate-stderr cx-classify --help
	check_status 0
	check_stderr
	check_eq help "$output" "$(cx-classify -h)"
	run --separate-stderr cx-classify --version
	check_status 0
	check_stderr
	check_eq version "$output" 'cx-classify 0.5.0'
}

# --- the summary -----------------------------------------------------------

@test "summary: in filter mode too, on stderr after the warnings; -q silences the summary, not the warnings" {
	tc -q data/t-classify.jsonl | sed -n 1p >in.jsonl
	printf '%s\n' '{"id":"A","text":"还没到"}' 'not json' '{"id":"B"}' >>in.jsonl
	run --separate-stderr run_to out.jsonl tc in.jsonl
	check_status 1
	# Three tickets (a line that is no JSON object is none), one of them
	# already classified so, one without text.
	check_stderr \
	    'cx-classify: in.jsonl:3: not a JSON object at column 1; passed through unclassified' \
	    'cx-classify: in.jsonl:4: no subject and no text; passed through unclassified' \
	    'cx-classify: 3 tickets, 1 changed, 0 not placed, 2 passed through unclassified'
	cp out.jsonl out1.jsonl
	run --separate-stderr run_to out.jsonl tc -q in.jsonl
	check_status 1
	check_stderr \
	    'cx-classify: in.jsonl:3: not a JSON object at column 1; passed through unclassified' \
	    'cx-classify: in.jsonl:4: no subject and no text; passed through unclassified'
	cmp out1.jsonl out.jsonl
	# Nothing to warn of: nothing at all on stderr, with --quiet too.
	run --separate-stderr run_to out.jsonl tc --quiet data/t-classify.jsonl
	check_status 0
	check_stderr
	run --separate-stderr run_to out.explain tc -q -E data/t-classify.jsonl
	check_status 0
	check_stderr
	# The standard input counts as any file.
	run --separate-stderr run_io in.jsonl out.jsonl tc
	check_status 1
	check_eq last "${stderr##*$'\n'}" 'cx-classify: 3 tickets, 1 changed, 0 not placed, 2 passed through unclassified'
}

# --- records --------------------------------------------------------------

@test "input: lines that are no JSON object pass through byte for byte, with a warning naming file and line; exit 1" {
	printf '%s\n' '{"id":"A","text":"还没到"}' '[1,2]' '42' 'not json' \
	    '{"id":"F","text":"x",}' '"str"' 'null' '{"id":"H","text":"late"}' >in.jsonl
	run --separate-stderr run_to out.jsonl tc in.jsonl
	check_status 1
	check_stderr \
	    'cx-classify: in.jsonl:2: not a JSON object at column 1; passed through unclassified' \
	    'cx-classify: in.jsonl:3: not a JSON object at column 1; passed through unclassified' \
	    'cx-classify: in.jsonl:4: not a JSON object at column 1; passed through unclassified' \
	    'cx-classify: in.jsonl:5: expected a key at column 22; passed through unclassified' \
	    'cx-classify: in.jsonl:6: not a JSON object at column 1; passed through unclassified' \
	    'cx-classify: in.jsonl:7: not a JSON object at column 1; passed through unclassified' \
	    'cx-classify: 2 tickets, 2 changed, 0 not placed, 6 passed through unclassified'
	check_eq lines "$(wc -l <out.jsonl)" 8
	diff -u <(sed -n 2,7p in.jsonl) <(sed -n 2,7p out.jsonl)
	check_eq ids "$(sed -n '1p;8p' out.jsonl | jq -r '.id + " " + .subcategory')" \
	    'A logistics.late
H logistics.late'
	# The standard input is named so.
	run --separate-stderr run_io in.jsonl out.jsonl tc
	check_status 1
	check_eq first "${stderr%%$'\n'*}" \
	    'cx-classify: (stdin):2: not a JSON object at column 1; passed through unclassified'
}

@test "input: a record with neither subject nor text passes through unchanged, with a warning; exit 1" {
	printf '%s\n' '{"id":"B"}' '{"id":"C","text":""}' '{"id":"D","text":7,"subject":null}' \
	    '{"id":"E","subject":"late"}' '{"id":"F","subject":"","text":"late"}' >in.jsonl
	run --separate-stderr run_to out.jsonl tc in.jsonl
	check_status 1
	check_stderr \
	    'cx-classify: in.jsonl:1: no subject and no text; passed through unclassified' \
	    'cx-classify: in.jsonl:2: no subject and no text; passed through unclassified' \
	    'cx-classify: in.jsonl:3: no subject and no text; passed through unclassified' \
	    'cx-classify: 5 tickets, 2 changed, 0 not placed, 3 passed through unclassified'
	diff -u <(sed -n 1,3p in.jsonl) <(sed -n 1,3p out.jsonl)
	check_eq classified "$(sed -n 4,5p out.jsonl | jq -r '.id + " " + .subcategory')" \
	    'E logistics.late
F logistics.late'
}

@test "records: members cx-classify does not set are written back byte for byte, in their order" {
	in='{"id":"A","text":"还没到","n":1.50e+2,"big":12345678901234567890,"o":{ "a" : [ 1 ,2 ] },"s":"\u4e2d\/x\ud83d\ude00","nul":null}'
	echo "$in" >in.jsonl
	run --separate-stderr run_to out.jsonl tc in.jsonl
	check_status 0
	check_stderr 'cx-classify: 1 tickets, 1 changed, 0 not placed, 0 passed through unclassified'
	out=$(cat out.jsonl)
	check_eq prefix "${out:0:${#in}-1}" "${in%\}}"
	check_eq added "${out:${#in}-1}" \
	    ',"category":"logistics","subcategory":"logistics.late","priority":"normal","scope":"one","classified_by":{"category":{"by":"rules","rule":"late","words":["还没到"]},"priority":{"by":"taxonomy"},"scope":{"by":"default"}}}'
}

@test "records: classifying its own output again changes nothing, byte for byte" {
	run --separate-stderr run_to again.jsonl tc "$BATS_FILE_TMPDIR/table.jsonl"
	check_status 0
	check_stderr 'cx-classify: 32 tickets, 0 changed, 14 not placed, 0 passed through unclassified'
	cmp "$BATS_FILE_TMPDIR/table.jsonl" again.jsonl
}

@test "records: a later run with other rules leaves no stale category, subcategory or priority" {
	echo '{"id":"A","text":"还没到"}' >in.jsonl
	tc in.jsonl >first.jsonl
	check_eq first "$(cats first.jsonl)" 'A logistics.late normal one'
	printf 'rule other\n\tany: nothing-like-this\n\tcategory: suggestion\n' >other.rules
	run --separate-stderr run_to out.jsonl cx-classify -R other.rules -T data/t-taxonomy first.jsonl
	check_status 0
	check_stderr 'cx-classify: 1 tickets, 1 changed, 1 not placed, 0 passed through unclassified'
	check_eq classified_by "$(jq -c .classified_by out.jsonl)" \
	    '{"category":{"by":"none"},"priority":{"by":"default"},"scope":{"by":"default"}}'
	# What no rule decided any more is gone; the priority is the default.
	check_eq fields "$(jq -c '[.category, .subcategory, .priority]' out.jsonl)" '[null,null,"normal"]'
}

# --- hand corrections -----------------------------------------------------

@test "-S: category and priority by hand, kept in manual with by and at, a history entry, classified_by agent" {
	printf '%s\n' '{"id":"A","text":"还没到","history":[{"at":"2026-11-24T08:00:00+08:00","by":"cx-ingest","action":"registered"}]}' \
	    '{"id":"B","text":"发霉"}' >in.jsonl
	run --separate-stderr run_to out.jsonl tc -a 小李 -S category=quality.defect -S priority=urgent -i A in.jsonl
	check_status 0
	# The summary counts the tickets of -i only.
	check_stderr 'cx-classify: 1 tickets, 1 changed, 0 not placed, 0 passed through unclassified'
	check_eq A "$(sed -n 1p out.jsonl)" \
	    '{"id":"A","text":"还没到","history":[{"at":"2026-11-24T08:00:00+08:00","by":"cx-ingest","action":"registered"},{"at":"2026-11-24T09:00:00+08:00","by":"小李","action":"reclassified","category":"quality.defect","priority":"urgent"}],"category":"quality","subcategory":"quality.defect","priority":"urgent","manual":{"category":"quality","subcategory":"quality.defect","priority":"urgent","by":"小李","at":"2026-11-24T09:00:00+08:00"},"scope":"one","classified_by":{"category":{"by":"agent"},"priority":{"by":"agent"},"scope":{"by":"default"}}}'
	# Only the tickets of -i are touched.
	check_eq B "$(sed -n 2p out.jsonl)" "$(sed -n 2p in.jsonl)"
	# --now sets the time of the correction.
	run --separate-stderr run_to out2.jsonl tc -a bob -S category=suggestion -i A --now 2026-11-25T10:00:00+08:00 in.jsonl
	check_status 0
	check_eq manual "$(sed -n 1p out2.jsonl | jq -c .manual)" \
	    '{"category":"suggestion","subcategory":null,"by":"bob","at":"2026-11-25T10:00:00+08:00"}'
	check_eq fields "$(sed -n 1p out2.jsonl | jq -c '[.category, .subcategory]')" '["suggestion",null]'
}

@test "-S: a later run, with rules or a model, never overwrites what an agent set by hand" {
	echo '{"id":"A","text":"还没到，很多人都这样"}' >in.jsonl
	tc -a 小李 -S category=quality.defect -S priority=low -S scope=one -i A in.jsonl >hand.jsonl
	check_eq hand "$(cats hand.jsonl)" 'A quality.defect low one'
	cx-learn -o m.nb data/t-labelled.jsonl 2>/dev/null
	run --separate-stderr run_to out.jsonl tc -M m.nb hand.jsonl
	check_status 0
	check_stderr 'cx-classify: 1 tickets, 0 changed, 0 not placed, 0 passed through unclassified'
	cmp hand.jsonl out.jsonl
	check_eq why "$(tc --explain hand.jsonl)" \
	    'A: category quality.defect (agent); priority low (agent); scope one (agent)'
	# The shipped rules and taxonomy keep it as well.
	run --separate-stderr run_to out.jsonl cx-classify hand.jsonl
	check_status 0
	check_eq shipped "$(cats out.jsonl)" 'A quality.defect low one'
	# A second correction adds to the history.
	run --separate-stderr run_to out2.jsonl tc -a 小王 -S priority=normal -i A hand.jsonl
	check_status 0
	check_eq history "$(jq -c '[.history[] | [.by, .priority // "-", .category // "-"]]' out2.jsonl)" \
	    '[["小李","low","quality.defect"],["小王","normal","-"]]'
	check_eq manual "$(jq -c '[.manual.subcategory, .manual.priority, .manual.by]' out2.jsonl)" \
	    '["quality.defect","normal","小王"]'
}

@test "-S: a scope set by hand raises the priority as a rule's would" {
	echo '{"id":"A","text":"还没到"}' >in.jsonl
	run --separate-stderr run_to out.jsonl tc -a bob -S scope=public -i A in.jsonl
	check_status 0
	check_stderr 'cx-classify: 1 tickets, 1 changed, 0 not placed, 0 passed through unclassified'
	check_eq public "$(jq -c '[.subcategory, .priority, .scope, .classified_by.priority]' out.jsonl)" \
	    '["logistics.late","urgent","public",{"by":"public"}]'
	run --separate-stderr run_to out.jsonl tc -a bob -S scope=group -i A in.jsonl
	check_status 0
	check_eq group "$(jq -c '[.priority, .scope, .classified_by.priority]' out.jsonl)" \
	    '["urgent","group",{"by":"group"}]'
}

@test "-S: with a category by hand, the taxonomy's priority is that category's" {
	# The rules say quality.safety (urgent by the taxonomy); the agent
	# says suggestion, whose priority in the taxonomy is low.
	echo '{"id":"B","text":"发霉"}' >in.jsonl
	run --separate-stderr run_to out.jsonl tc -a bob -S category=suggestion -i B in.jsonl
	check_status 0
	check_stderr 'cx-classify: 1 tickets, 1 changed, 0 not placed, 0 passed through unclassified'
	check_eq priority "$(jq -c '[.category, .priority, .classified_by.priority]' out.jsonl)" \
	    '["suggestion","low",{"by":"taxonomy"}]'
}

@test "-S: without -a, or with a field or value it does not know, is exit 2 and writes nothing" {
	echo '{"id":"A","text":"late"}' >in.jsonl
	printf 'rule late\n\tany: late\n\tcategory: logistics.late\n' >en.rules
	while IFS='|' read -r args msg; do
		# shellcheck disable=SC2086
		run --separate-stderr run_to out.jsonl cx-classify -R en.rules -T data/t-taxonomy $args in.jsonl
		check_status 2
		check_stderr "cx-classify: $msg"
		[ ! -s out.jsonl ]
	done <<-'EOF'
	-S category=suggestion -i A|-S needs -a: who corrects it
	-a bob -S category=nope -i A|-S category=nope: not in the taxonomy
	-a bob -S category= -i A|-S category=: not in the taxonomy
	-a bob -S priority=high -i A|-S priority=high: urgent, normal or low
	-a bob -S scope=world -i A|-S scope=world: one, group or public
	-a bob -S tags=x -i A|-S tags=x: category, priority or scope
	-a bob -S subcategory=logistics.late -i A|-S subcategory=logistics.late: category, priority or scope
	-a bob -S category -i A|-S category: expected field=value
	EOF
}

@test "-S: an -i that names no ticket corrects nothing: a warning, exit 1" {
	echo '{"id":"A","text":"还没到"}' >in.jsonl
	run --separate-stderr run_to out.jsonl tc -a bob -S priority=low -i ZZ in.jsonl
	check_status 1
	check_stderr 'cx-classify: ZZ: no such ticket' \
	    'cx-classify: 0 tickets, 0 changed, 0 not placed, 0 passed through unclassified'
	cmp in.jsonl out.jsonl
}

# --- the model ------------------------------------------------------------

@test "model: -M decides the category no rule decided, with a confidence; rules still win" {
	run --separate-stderr cx-learn -o m.nb data/t-labelled.jsonl
	check_status 0
	check_stderr 'cx-learn: 60 examples, 0 without label or text, 0 unreadable; m.nb: 3 classes, naive Bayes (5-fold accuracy 1.0000, linear 1.0000)'
	printf '%s\n' '{"id":"M1","text":"物流延迟，包裹还在路上"}' '{"id":"M2","text":"还没到"}' \
	    '{"id":"M3","text":"过期了，有异味"}' '{"id":"M4","text":"希望增加这个功能"}' >in.jsonl
	run --separate-stderr run_to out.jsonl tc -M m.nb in.jsonl
	check_status 0
	check_stderr 'cx-classify: 4 tickets, 4 changed, 0 not placed, 0 passed through unclassified'
	check_eq cats "$(cats out.jsonl)" 'M1 logistics.late normal one
M2 logistics.late normal one
M3 quality.safety urgent one
M4 suggestion low one'
	check_eq by "$(jq -r '.id + " " + .classified_by.category.by' out.jsonl)" 'M1 model
M2 rules
M3 model
M4 model'
	jq -e 'select(.classified_by.category.by == "model") | .classified_by.category.confidence |
	    type == "number" and . > 0 and . <= 1' out.jsonl >/dev/null
	check_eq keys "$(jq -c 'select(.id == "M1") | .classified_by.category | keys' out.jsonl)" \
	    '["by","confidence"]'
	[[ "$(tc -M m.nb --explain in.jsonl | sed -n 1p)" =~ ^'M1: category logistics.late (model), confidence '(0\.[0-9]{3}|1\.000)'; priority normal (model); scope one (default)'$ ]]
	# Without -M, nothing decides M1.
	check_eq none "$(tc in.jsonl | sed -n 1p | jq -c '[.category, .classified_by.category]')" \
	    '[null,{"by":"none"}]'
}

@test "model: below model_threshold the ticket is left for a person, and says what the model would give" {
	cx-learn -q -o m.nb data/t-labelled.jsonl
	printf '%s\n' '{"id":"M1","text":"物流延迟，包裹还在路上"}' '{"id":"M7","text":"xyzzy"}' >in.jsonl
	conf=$(tc -M m.nb in.jsonl | jq -r 'select(.id == "M1") | .classified_by.category.confidence')
	low=$(tc -M m.nb in.jsonl | jq -r 'select(.id == "M7") | .classified_by.category.confidence // "placed"')
	# M7 says nothing the model knows: under the default 0.60, unplaced.
	check_eq low "$(awk -v c="$low" 'BEGIN { print (c + 0 < 0.6) }')" 1
	run --separate-stderr run_to out.jsonl tc -M m.nb in.jsonl
	check_status 0
	check_stderr 'cx-classify: 2 tickets, 2 changed, 1 not placed, 0 passed through unclassified'
	check_eq m7 "$(jq -c 'select(.id == "M7") | [.category, .priority, (.classified_by.category | keys), .classified_by.category.by, .classified_by.category.threshold]' out.jsonl)" \
	    '[null,"normal",["by","confidence","model","threshold"],"none",0.6]'
	[[ "$(tc -M m.nb --explain -i M7 in.jsonl)" =~ ^'M7: category - (none), left for a person: the model'"'"'s '[a-z.]+', confidence '0\.[0-9]{3}' under 0.60; priority normal (default); scope one (default)'$ ]]
	# A spool's cx.conf sets it: at 0 the model places everything.
	mkdir -p sp/etc
	cp data/t-rules sp/etc/rules
	cp data/t-taxonomy sp/etc/taxonomy
	echo "model_threshold = 0" >sp/etc/cx.conf
	cx-ingest -q -s sp in.jsonl
	run --separate-stderr cx-classify -s sp -M m.nb
	check_status 0
	check_stderr 'cx-classify: 2 tickets, 2 changed, 0 not placed, 0 passed through unclassified'
	check_eq placed "$(jq -r '.classified_by.category.by' sp/classified/*.jsonl | sort -u)" model
	echo "model_threshold = 101" >sp/etc/cx.conf
	run --separate-stderr cx-classify -s sp -M m.nb
	check_status 2
	check_stderr 'cx-classify: cx.conf: model_threshold: "101" is not a number from 0 to 100'
	[[ "$conf" > 0.6 ]]
}

@test "model: sure of a category but of none of its subcategories, it places the category and leaves the subcategory for a person" {
	# The same complaint taught as quality.defect and as quality.safety:
	# the model is sure it is quality, of neither subcategory.
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		echo '{"text":"质量差，坏了","subcategory":"quality.defect","category":"quality"}'
		echo '{"text":"质量差，坏了","subcategory":"quality.safety","category":"quality"}'
		echo '{"text":"送得太慢，等了很久","subcategory":"logistics.late","category":"logistics"}'
	done >l.jsonl
	cx-learn -q -o m l.jsonl
	printf '%s\n' '{"id":"Q","text":"质量差，坏了"}' '{"id":"L","text":"送得太慢"}' >in.jsonl
	run --separate-stderr run_to out.jsonl cx-classify -R /dev/null -T data/t-taxonomy -M m in.jsonl
	check_status 0
	check_stderr 'cx-classify: 2 tickets, 2 changed, 0 not placed, 0 passed through unclassified'
	check_eq q "$(jq -c 'select(.id == "Q") | [.category, .subcategory, .priority, .classified_by.category]' out.jsonl)" \
	    '["quality",null,"normal",{"by":"model","confidence":0.999,"model":"quality.defect","model_confidence":0.5,"threshold":0.6}]'
	check_eq l "$(jq -c 'select(.id == "L") | [.subcategory, (.classified_by.category | keys)]' out.jsonl)" \
	    '["logistics.late",["by","confidence"]]'
	check_eq explain "$(cx-classify -R /dev/null -T data/t-taxonomy -M m -E -i Q in.jsonl 2>/dev/null)" \
	    'Q: category quality (model), confidence 0.999; its subcategory left for a person: the model'"'"'s quality.defect, confidence 0.500 under 0.60; priority normal (model); scope one (default)'
	# The subcategory named is the category's own likeliest, even where
	# a code of another category is as likely; a likely safety complaint
	# is urgent while a person reads it.
	for i in 1 2 3 4; do
		echo '{"text":"又慢又少","subcategory":"logistics.late","category":"logistics"}'
		echo '{"text":"又慢又少","subcategory":"quality.safety","category":"quality"}'
	done >u.jsonl
	for i in 1 2 3; do
		echo '{"text":"又慢又少","subcategory":"quality.defect","category":"quality"}'
	done >>u.jsonl
	cx-learn -q -o mu u.jsonl
	check_eq own "$(echo '{"id":"U","text":"又慢又少"}' | cx-classify -q -R /dev/null -T data/t-taxonomy -M mu |
	    jq -c '[.category, .subcategory, .classified_by.category.model, .priority]')" '["quality",null,"quality.safety","urgent"]'
}

@test "model: with model_overrides, a model that sure of another code places a ticket a rule placed; an urgent one stays the rule's" {
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		echo '{"text":"分量太少，量少","subcategory":"quality.defect","category":"quality"}'
		echo '{"text":"送得太慢，等了很久","subcategory":"logistics.late","category":"logistics"}'
	done >a.jsonl
	cx-learn -q -o m a.jsonl
	mkdir -p sp/etc
	printf '%s\n' 'rule mould' '	any: 发霉' '	category: quality.safety' \
	    'rule slow' '	any: 慢' '	category: logistics.late' '	priority: low' >sp/etc/rules
	cp data/t-taxonomy sp/etc/taxonomy
	cp m sp/etc/model
	printf '%s\n' '{"id":"A","text":"有点慢，分量太少，量少"}' '{"id":"B","text":"送得太慢了"}' \
	    '{"id":"C","text":"发霉了，分量太少，量少"}' >in.jsonl
	cx-ingest -q -s sp in.jsonl
	# As shipped (0), the rules decide what they place; and where no
	# cx.conf sets it at all.
	check_eq off "$(cx-classify -q -s sp -E | cut -d';' -f1)" \
	    'CX-20261124-0001: category logistics.late by rule slow, words ["慢"]
CX-20261124-0002: category logistics.late by rule slow, words ["慢"]
CX-20261124-0003: category quality.safety by rule mould, words ["发霉"]'
	cp -R "$CX_SHARE" unset
	sed -i '/^model_overrides/d' unset/cx.conf
	check_eq unset "$(CX_SHARE=$PWD/unset cx-classify -q -s sp -E | cut -d';' -f1)" \
	    'CX-20261124-0001: category logistics.late by rule slow, words ["慢"]
CX-20261124-0002: category logistics.late by rule slow, words ["慢"]
CX-20261124-0003: category quality.safety by rule mould, words ["发霉"]'
	# At 90, A is the model's, with its category's priority, not the
	# overruled rule's; B the model agrees with; C is urgent (safety),
	# and stays the rule's however sure the model is of quality.defect.
	echo "model_overrides = 90" >sp/etc/cx.conf
	run --separate-stderr cx-classify -s sp
	check_status 0
	check_stderr 'cx-classify: 3 tickets, 3 changed, 0 not placed, 0 passed through unclassified'
	check_eq on "$(jq -c '[.subcategory, .priority, .classified_by.category, .classified_by.priority.by]' sp/classified/*.jsonl)" \
	    '["quality.defect","normal",{"by":"model","confidence":1,"over":"slow"},"model"]
["logistics.late","low",{"by":"rules","rule":"slow","words":["慢"]},"rules"]
["quality.safety","urgent",{"by":"rules","rule":"mould","words":["发霉"]},"taxonomy"]'
	check_eq explain "$(cx-classify -s sp -E -i CX-20261124-0001 2>/dev/null)" \
	    'CX-20261124-0001: category quality.defect (model) over rule slow, confidence 1.000; priority normal (model); scope one (default)'
	# Under model_threshold it is model_threshold that counts: a model
	# 0.636 sure of quality.defect overrides at 60, not at 70.
	for i in 1 2 3 4 5 6; do
		echo '{"text":"又慢又少","subcategory":"quality.defect","category":"quality"}'
		echo '{"text":"送得太慢，等了很久","subcategory":"logistics.late","category":"logistics"}'
	done >b.jsonl
	for i in 1 2 3 4 5; do
		echo '{"text":"又慢又少","subcategory":"logistics.late","category":"logistics"}'
	done >>b.jsonl
	mkdir sp2
	cp -R sp/etc sp2/etc
	cx-learn -q -o sp2/etc/model b.jsonl
	echo '{"id":"F","text":"又慢又少"}' | cx-ingest -q -s sp2
	printf 'model_overrides = 1\nmodel_threshold = 70\n' >sp2/etc/cx.conf
	check_eq at70 "$(cx-classify -q -s sp2 -E | cut -d';' -f1)" \
	    'CX-20261124-0001: category logistics.late by rule slow, words ["慢"]'
	printf 'model_overrides = 1\nmodel_threshold = 60\n' >sp2/etc/cx.conf
	check_eq at60 "$(cx-classify -q -s sp2 -E | cut -d';' -f1)" \
	    'CX-20261124-0001: category quality.defect (model) over rule slow, confidence 0.636'
	echo "model_overrides = 101" >sp/etc/cx.conf
	run --separate-stderr cx-classify -s sp
	check_status 2
	check_stderr 'cx-classify: cx.conf: model_overrides: "101" is not a number from 0 to 100'
}

@test "model: a spool's etc/model or the shipped one is used without -M; -M none uses none" {
	cx-learn -q -o m.nb data/t-labelled.jsonl
	echo '{"id":"M1","text":"物流延迟，包裹还在路上"}' >in.jsonl
	mkdir -p sp/etc
	cp m.nb sp/etc/model
	cp data/t-rules sp/etc/rules
	cp data/t-taxonomy sp/etc/taxonomy
	cx-ingest -q -s sp in.jsonl
	run --separate-stderr cx-classify -s sp -E
	check_status 0
	[[ "$output" =~ ^'CX-20261124-0001: category logistics.late (model), confidence ' ]]
	run --separate-stderr cx-classify -s sp -E -M none
	check_status 0
	check_eq none "$output" 'CX-20261124-0001: category - (none); priority normal (default); scope one (default)'
	run --separate-stderr cx-classify -s sp -E -M nosuch.nb
	check_status 2
	check_stderr 'cx-classify: nosuch.nb: No such file or directory'
}

@test "model: the priority of the model's category says model, and a group scope raises it" {
	cx-learn -o m.nb data/t-labelled.jsonl 2>/dev/null
	printf '%s\n' '{"id":"M1","text":"物流延迟，包裹还在路上"}' \
	    '{"id":"M5","text":"物流延迟，很多人"}' '{"id":"M6","text":"物流延迟，找媒体"}' >in.jsonl
	run --separate-stderr run_to out.jsonl tc -M m.nb in.jsonl
	check_status 0
	check_stderr 'cx-classify: 3 tickets, 3 changed, 0 not placed, 0 passed through unclassified'
	check_eq priority "$(jq -c '[.id, .subcategory, .priority, .scope, .classified_by.priority]' out.jsonl)" \
	    '["M1","logistics.late","normal","one",{"by":"model"}]
["M5","logistics.late","urgent","group",{"by":"group"}]
["M6","logistics.late","urgent","public",{"by":"public"}]'
}

# --- spool mode -----------------------------------------------------------

@test "spool: -s moves the batches of new/ to classified/, every ticket classified, in one commit; the summary on stderr" {
	ingest_examples sp
	run --separate-stderr cx-classify -s sp
	check_status 0
	check_stderr 'cx-classify: 10 tickets, 10 changed, 0 not placed, 0 passed through unclassified'
	[ -z "$output" ]
	check_eq new "$(ls -A sp/new)" ''
	check_eq classified "$(ls sp/classified)" B0000000001.jsonl
	[ -z "$(ls -A sp/tmp)" ]
	check_eq mode "$(stat -c %a sp/classified/B0000000001.jsonl)" 640
	check_eq classified "$(jq -r 'has("classified_by") and has("scope")' sp/classified/*.jsonl | sort -u)" true
	check_eq count "$(cat sp/classified/*.jsonl | wc -l)" 10
	check_eq state "$(cat sp/state)" 'cx-state 2
commit 2'
}

@test "spool: a second run finds nothing new and changes nothing, byte for byte" {
	ingest_examples sp
	quick_rules sp
	cx-classify -q -s sp
	cp -a sp before
	run --separate-stderr cx-classify -s sp
	check_status 0
	check_stderr 'cx-classify: 0 tickets, 0 changed, 0 not placed, 0 passed through unclassified'
	same_tree before sp
	run --separate-stderr cx-classify -q -s sp
	check_status 0
	check_stderr
	same_tree before sp
}

@test "spool: the spool's etc/rules and etc/taxonomy replace the shipped ones" {
	ingest_examples sp
	mkdir -p sp/etc
	cp data/t-rules sp/etc/rules
	cp -a sp sp2
	cp -a sp sp3
	run --separate-stderr cx-classify -q -s sp
	check_status 0
	check_stderr
	# Only t-rules' names: stopper places the suggestion, late the wrong
	# size "delivered" (deliver*); nothing else in the examples matches.
	check_eq rules "$(cat sp/classified/*.jsonl | jq -r '.classified_by.category.rule // "-"' | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" \
	    '-=8 late=1 stopper=1 '
	check_eq C-88002 "$(ticket sp C-88002 '[.subcategory, .classified_by.category.words]')" \
	    '["logistics.late",["deliver*"]]'
	check_eq GD-1009 "$(ticket sp GD-1009 '[.category, .priority]')" '["suggestion","low"]'
	# A taxonomy of the spool's own: suggestion is urgent there.
	sed 's/^suggestion  *low/suggestion urgent/' data/t-taxonomy >sp2/etc/taxonomy
	run --separate-stderr cx-classify -q -s sp2
	check_status 0
	check_eq GD-1009 "$(ticket sp2 GD-1009 '[.category, .priority]')" '["suggestion","urgent"]'
	# -R and -T still win over the spool's.
	cp sp2/etc/taxonomy sp3/etc/taxonomy
	run --separate-stderr cx-classify -q -s sp3 -T data/t-taxonomy
	check_status 0
	check_eq GD-1009 "$(ticket sp3 GD-1009 '[.category, .priority]')" '["suggestion","low"]'
}

@test "spool: a broken etc/rules stops the run before any ticket is touched: exit 2, FILE:LINE" {
	ingest_examples sp
	mkdir -p sp/etc
	printf 'rule a\n\tany: x\n\tcategory: nope\n' >sp/etc/rules
	cp -a sp before
	run --separate-stderr cx-classify -s sp
	check_status 2
	check_stderr 'cx-classify: sp/etc/rules:3: category "nope" is not in the taxonomy'
	[ -z "$output" ]
	same_tree before sp
	printf 'quality normal\n' >sp/etc/taxonomy
	run --separate-stderr cx-classify -s sp
	check_status 2
	check_stderr 'cx-classify: sp/etc/taxonomy:1: expected "CODE PRIORITY 中文名 English name"'
	rm sp/etc/taxonomy
	same_tree before sp
}

@test "spool: -S -i corrects a ticket where it is, in new/; later runs keep it; -S needs -i, and -s takes no files" {
	ingest_examples sp
	quick_rules sp
	run --separate-stderr cx-classify -s sp -a 小王 -S category=logistics.lost -S priority=urgent -i CX-20261124-0002
	check_status 0
	check_stderr 'cx-classify: 1 tickets, 1 changed, 0 not placed, 0 passed through unclassified'
	check_eq hand "$(ticket sp GD-1002 '[.subcategory, .priority, .manual.by, .manual.at, .classified_by.category.by, .history[-1].action]')" \
	    '["logistics.lost","urgent","小王","2026-11-24T09:00:00+08:00","agent","reclassified"]'
	check_eq where "$(ls sp/new)" B0000000001.jsonl
	# -M none: what the rules leave stays unplaced, whatever the
	# shipped model would say of it.
	run --separate-stderr cx-classify -s sp -M none
	check_status 0
	check_stderr 'cx-classify: 10 tickets, 9 changed, 7 not placed, 0 passed through unclassified'
	check_eq kept "$(ticket sp GD-1002 '[.subcategory, .priority]')" '["logistics.lost","urgent"]'
	# In classified/ and in open/ too, the file rewritten where it is.
	run --separate-stderr cx-classify -q -s sp -a 小王 -S priority=low -i CX-20261124-0002
	check_status 0
	check_eq classified "$(ticket sp GD-1002 '.priority')" '"low"'
	cx-route -q -s sp
	run --separate-stderr cx-classify -q -s sp -a 小王 -S priority=normal -i CX-20261124-0002
	check_status 0
	check_eq open "$(jq -c .priority sp/open/CX-20261124-0002)" '"normal"'
	run --separate-stderr cx-classify -s sp -a x -S priority=low
	check_status 2
	check_stderr 'cx-classify: -S in a spool needs the tickets: -i ID'
	run --separate-stderr cx-classify -s sp examples/chat.csv
	check_status 2
	check_stderr 'cx-classify: a spool is its own input: no files with -s'
	run --separate-stderr cx-classify -s sp -a x -S priority=low -i CX-19990101-0001
	check_status 1
	check_stderr 'cx-classify: CX-19990101-0001: no such ticket' \
	    'cx-classify: 0 tickets, 0 changed, 0 not placed, 0 passed through unclassified'
}

@test "spool: a line in a batch that is no record passes through, with a warning naming the batch and line; exit 1" {
	ingest_examples sp
	quick_rules sp
	b=sp/new/B0000000001.jsonl
	{ sed -n 1p $b; echo '[not a record]'; echo '{"id":"CX-X","status":"new"}'; sed 1d $b; } >t && cat t >$b
	run --separate-stderr cx-classify -s sp -M none
	check_status 1
	check_stderr \
	    'cx-classify: sp/new/B0000000001.jsonl:2: not a JSON object at column 1; passed through unclassified' \
	    'cx-classify: sp/new/B0000000001.jsonl:3: no subject and no text; passed through unclassified' \
	    'cx-classify: 11 tickets, 10 changed, 8 not placed, 2 passed through unclassified'
	b=sp/classified/B0000000001.jsonl
	check_eq kept "$(sed -n 2,3p $b)" '[not a record]
{"id":"CX-X","status":"new"}'
	check_eq lines "$(wc -l <$b)" 12
}

@test "spool: -E writes a line per ticket of new/ and changes nothing; with -i only that ticket's" {
	ingest_examples sp
	quick_rules sp
	cp -a sp before
	run --separate-stderr cx-classify -s sp -E
	check_status 0
	check_stderr 'cx-classify: 10 tickets explained, 0 left out'
	same_tree before sp
	check_eq lines "$(printf '%s\n' "$output" | wc -l)" 10
	check_eq first "$(printf '%s\n' "$output" | cut -d: -f1 | sed -n '1p;10p' | tr '\n' ' ')" \
	    'CX-20261124-0001 CX-20261124-0010 '
	all=$output
	run --separate-stderr cx-classify -s sp -E -i CX-20261124-0002
	check_status 0
	check_stderr 'cx-classify: 1 tickets explained, 0 left out'
	check_eq one "$output" "$(printf '%s\n' "$all" | grep '^CX-20261124-0002: ')"
	same_tree before sp
}

# --- the shipped rules ----------------------------------------------------

@test "shipped rules: the examples get sensible categories and priorities" {
	cx-ingest examples/helpdesk-zh.csv examples/chat.csv >in.jsonl 2>/dev/null || [ $? -eq 1 ]
	run --separate-stderr run_to out.jsonl cx-classify in.jsonl
	check_status 0
	check_stderr 'cx-classify: 12 tickets, 12 changed, 0 not placed, 0 passed through unclassified'
	rec() {
		jq -c --arg e "$1" "select(.source.ext == \$e) | $2" out.jsonl
	}
	# 奶粉 leaking, 食品安全: food safety, urgent.
	check_eq GD-1003 "$(rec GD-1003 '[.subcategory, .priority]')" '["quality.safety","urgent"]'
	# 账号被盗刷: account theft, urgent.
	check_eq GD-1006 "$(rec GD-1006 '[.category, .priority]')" '["account","urgent"]'
	# 发微博让大家评评理 on weibo: public, urgent.
	check_eq GD-1004 "$(rec GD-1004 '[.scope, .priority]')" '["public","urgent"]'
	# Suggestions, in Chinese and English: low.
	check_eq GD-1009 "$(rec GD-1009 '[.category, .priority]')" '["suggestion","low"]'
	check_eq C-88003 "$(rec C-88003 '[.category, .priority]')" '["suggestion","low"]'
	# Every ticket was placed by a rule.
	check_eq by "$(jq -r .classified_by.category.by out.jsonl | sort -u)" rules
}

# --- crashes -------------------------------------------------------------

@test "crash: killed before each write, fsync, rename or unlink, the rerun leaves the spool as an undisturbed run does" {
	need_strace
	ingest_examples base
	quick_rules base
	cx-ingest -q -s base data/shop.csv -m data/shop.map 2>/dev/null || [ $? -eq 1 ]
	followup base
	check_eq journal "$(ls base/new | tr '\n' ' ')" \
	    'B0000000001.jsonl B0000000002.jsonl F0000000003-B0000000001.jsonl '
	crash_loop "write fsync /^renameat unlinkat" base cx-classify
	check_eq moved "$(ls -A sp/new) / $(ls sp/classified | tr '\n' ' ')" \
	    ' / B0000000001.jsonl B0000000002.jsonl '
	check_eq joined "$(ticket sp GD-1001 '[.followups[].source.ext]')" \
	    '["GD-1007","C-88001","C-88009"]'
}

@test "crash: a correction by hand, killed at any of those calls, is made once" {
	need_strace
	ingest_examples base
	quick_rules base
	cx-classify -q -s base
	followup base
	crash_loop "write /^renameat unlinkat" base cx-classify -a 小王 -S priority=urgent -i CX-20261124-0002
	# Its batch rewritten, with the follow-up journaled beside it.
	check_eq classified "$(ls sp/classified | tr '\n' ' ')" 'B0000000001.jsonl '
	check_eq joined "$(jq -c 'select(.followups) | [.id, [.followups[].source.ext]]' sp/classified/B0000000001.jsonl)" \
	    '["CX-20261124-0001",["GD-1007","C-88001","C-88009"]]'
	check_eq corrected "$(ticket sp GD-1002 .priority)" '"urgent"'
}

@test "default priority: a ticket nothing places has cx.conf's default_priority, said as by default; a bad one is exit 2" {
	ingest_examples sp
	quick_rules sp
	echo 'default_priority = low' >>sp/etc/cx.conf
	printf '%s\n' '{"id":"Z","text":"zzz"}' '{"id":"L","text":"the parcel is late"}' >in.jsonl
	run --separate-stderr run_to out.jsonl env CX_SPOOL= cx-classify -R sp/etc/rules -T data/t-taxonomy in.jsonl
	check_status 0
	check_stderr 'cx-classify: 2 tickets, 2 changed, 1 not placed, 0 passed through unclassified'
	check_eq normal "$(jq -c '[.id, .priority, .classified_by.priority]' out.jsonl)" '["Z","normal",{"by":"default"}]
["L","normal",{"by":"taxonomy"}]'
	run --separate-stderr cx-classify -s sp -M none
	check_status 0
	check_stderr 'cx-classify: 10 tickets, 10 changed, 8 not placed, 0 passed through unclassified'
	check_eq low "$(cat sp/classified/*.jsonl | jq -r 'select(.category == null) | .priority' | sort -u)" low
	echo 'default_priority = high' >>sp/etc/cx.conf
	run --separate-stderr cx-classify -s sp
	check_status 2
	check_stderr 'cx-classify: cx.conf: default_priority: "high" is not urgent, normal or low'
}
