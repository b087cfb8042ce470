#!/usr/bin/env bats
# Classification out of the box on real complaints (issue 14): the
# labels of learn/labels joined with the texts of ../shared/data; the
# default model rebuilt from them is the shipped one; the shipped rules
# and model measured on the held-out half.  Skipped without the data.

load helper

setup() {
	cx_setup
	shared labeled/zh_waimai_10k.csv
	shared csv/twcs_customer_support_on_twitter_head.csv
	"$TOP/learn/extract" "$SHARED_DATA" >lab.jsonl
}

@test "labels: every labelled record is found in the data, with its text" {
	check_eq count "$(wc -l <lab.jsonl)" "$(cat "$TOP"/learn/labels/*.tsv | grep -vc '^#')"
	check_eq sets "$(jq -r .set lab.jsonl | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')" 'dev=7541 test=2989 '
	check_eq empty "$(jq -r 'select(.text == "") | .id' lab.jsonl | wc -l)" 0
}

@test "make model: the default model is learnt again byte for byte from the labels" {
	# Half a minute under the sanitizers, which see the same learning in
	# 21-cx-learn's runs on the real sets; the plain pass checks the bytes.
	[[ "$CX_BIN" != */san/* ]] || skip "the plain pass learns the model again"
	run --separate-stderr "$TOP/learn/train" -o model "$SHARED_DATA"
	check_status 0
	check_stderr 'cx-learn: 6963 examples, 0 without label or text, 0 unreadable; model: 32 classes, linear (5-fold accuracy 0.7116, naive Bayes 0.6491)'
	cmp model "$TOP/share/cx/model"
}

# pct LANG N: of learn/measure's line for LANG, the share placed (1),
# right (2), right for one of the complaint's problems (3) and in the
# right category (4).
pct() {
	printf '%s\n' "$output" | sed -n "s/^$1: .*placed [0-9]* (\([0-9.]*\)%), right [0-9]* (\([0-9.]*\)% of those placed), right for one of their problems [0-9]* (\([0-9.]*\)%), right category [0-9]* (\([0-9.]*\)%)\$/\\$2/p"
}

@test "held out: the shipped rules and model place Chinese and English complaints, and how many right" {
	run --separate-stderr "$TOP/learn/measure" test <lab.jsonl
	check_status 0
	check_stderr
	printf '# %s\n' "${lines[@]}" >&3
	# Issue 14's target is 85% placed and 85% of those right in each
	# language; these are the figures reached (cx-classify(1)), held
	# so that they do not fall back.
	at_least "$(pct zh 1)" 93.6
	at_least "$(pct zh 2)" 75.8
	at_least "$(pct zh 3)" 86.0
	at_least "$(pct zh 4)" 85.0
	at_least "$(pct en 1)" 75.3
	at_least "$(pct en 2)" 64.6
	at_least "$(pct en 3)" 71.4
	at_least "$(pct en 4)" 69.9
}

@test "held out: with model_overrides = 90 the model corrects the rules where it is sure" {
	cp -R "$CX_SHARE" share
	echo "model_overrides = 90" >>share/cx.conf
	run --separate-stderr env CX_SHARE="$PWD/share" "$TOP/learn/measure" test <lab.jsonl
	check_status 0
	check_stderr
	printf '# %s\n' "${lines[@]}" >&3
	at_least "$(pct zh 1)" 93.6
	at_least "$(pct zh 2)" 77.0
	at_least "$(pct zh 3)" 87.5
	at_least "$(pct zh 4)" 86.3
	at_least "$(pct en 1)" 75.3
	at_least "$(pct en 2)" 66.1
	at_least "$(pct en 3)" 73.3
	at_least "$(pct en 4)" 71.3
}
