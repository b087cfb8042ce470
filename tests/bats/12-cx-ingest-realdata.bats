#!/usr/bin/env bats
# cx-ingest on real exports nobody on this project wrote, from
# ../shared/data (see its README.md).  Every test skips where that folder
# is absent, as it is in a user's checkout; the data are never copied into
# the project.  Counts were checked against Python's csv module.

load helper

@test "real: a CFPB export cut at 1 MiB keeps its 2067 whole records and rejects the cut one" {
	shared csv/cfpb_complaints_export_2023_truncated_at_1MiB.csv
	run --separate-stderr run_to out.jsonl timeout 60 cx-ingest "$DATA"
	check_status 1
	check_stderr "cx-ingest: $DATA:3302: unterminated quoted field at end of file" \
	    'cx-ingest: 2067 registered, 0 follow-ups, 0 replies, 0 duplicates, 1 rejected'
	check_eq records "$(wc -l < out.jsonl)" 2067
	check_eq ids "$(jq -r .id out.jsonl | sort -u | wc -l)" 2067
	check_eq map "$(jq -r .source.map out.jsonl | sort -u)" cfpb
	check_eq last "$(tail -n 1 out.jsonl | jq -r .id)" CX-20261124-2067
}

@test "real: the cut CFPB export into a spool: 2067 registered, the cut record set aside" {
	shared csv/cfpb_complaints_export_2023_truncated_at_1MiB.csv
	run --separate-stderr timeout 60 cx-ingest -s sp "$DATA"
	check_status 1
	check_stderr "cx-ingest: $DATA:3302: unterminated quoted field at end of file" \
	    'cx-ingest: 2067 registered, 0 follow-ups, 0 replies, 0 duplicates, 1 rejected'
	check_eq rejects "$(jq -r '"\(.line) \(.reason)"' sp/rejects/*.jsonl)" \
	    '3302 unterminated quoted field at end of file'
	# The rejects keep the cut record's text from its first line on.
	check_eq raw "$(jq -r .raw sp/rejects/*.jsonl | head -n 1)" "$(sed -n 3302p "$DATA" | tr -d '\r')"
}

# twcs holds both sides: 2222 of its rows are the companies' tweets
# (inbound False), each answering the tweet in_response_to_tweet_id names,
# which may come later in the file.
@test "real: Twitter support export: the team's tweets are replies on the tickets they answer, first responses at their own time" {
	shared csv/twcs_customer_support_on_twitter_head.csv
	run --separate-stderr timeout 60 cx-ingest -s sp "$DATA"
	check_status 1
	check_eq summary "${stderr##*$'\n'}" \
	    'cx-ingest: 1343 registered, 1435 follow-ups, 2196 replies, 0 duplicates, 26 rejected'
	# 2196 + 26 = 2222: 21 tweets answer no tweet at all, 5 answer tweets
	# the head does not hold.
	check_eq rejects "$(jq -r .reason sp/rejects/*.jsonl | sort | uniq -c | sed 's/^ *//')" \
	    "21 a reply of the team's that answers no message
5 a reply to a message that is not registered"
	check_eq replied "$(jq -s '[.[].history[] | select(.action == "replied")] | length' sp/new/*.jsonl)" 2196
	check_eq messages "$(jq -s '[.[].conversation // [] | length] | add' sp/new/*.jsonl)" 3631
	check_eq channel "$(jq -r .channel sp/new/*.jsonl | sort -u)" social
	# Tweet 8 opens the first ticket; sprintcare answers it 74 seconds
	# later (tweet 6), and the conversation goes on in time order.
	check_eq first "$(jq -c 'select(.id == "CX-20261124-0001") | [.source.ext, .received_at, .customer.id]' sp/new/*.jsonl)" \
	    '["8","2017-11-01T05:45:10+08:00","115712"]'
	check_eq thread "$(jq -r 'select(.id == "CX-20261124-0001") | .conversation[] | "\(.at[11:19]) \(.from) \(.ext)"' sp/new/*.jsonl)" \
	    '05:46:24 team 6
05:49:35 customer 5
05:54:49 team 4
06:08:27 customer 3
06:10:47 team 1
06:11:45 customer 2'
	cx-classify -q -s sp
	cx-route -q -s sp
	check_eq answer "$(cx-sla -E -i CX-20261124-0001 -s sp | sed -n '/^first_response/,/^[a-z]/p' | sed -n '3,5p')" \
	    '  stopped by "replied" at 2017-11-01T05:46:24+08:00
  due 2017-11-03T05:45:10+08:00
  met in time'
	# A bare CR CR in a tweet is kept.
	check_eq text "$(jq -r 'select(.source.ext == "3399") | .text | startswith("@AskPayPal \r\rI just love")' sp/open/*)" true
	# Again: every tweet is known, the set-aside ones only counted.
	run --separate-stderr cx-ingest -s sp "$DATA"
	check_status 0
	check_stderr 'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 4974 duplicates, 0 rejected (26 set aside before)'
}

@test "real: Twitter support export in filter mode: each message that joins a ticket is a record of its own" {
	shared csv/twcs_customer_support_on_twitter_head.csv
	run --separate-stderr run_to out.jsonl timeout 60 cx-ingest -q "$DATA"
	check_status 1
	check_eq tickets "$(jq -r 'select(.id) | .id' out.jsonl | wc -l)" 1343
	check_eq joins "$(jq -c 'select(.followup_of) | keys' out.jsonl | sort | uniq -c | sed 's/^ *//')" \
	    '3631 ["conversation","followup_of","history"]'
	check_eq replies "$(jq -r 'select(.followup_of) | .history[0].action' out.jsonl | sort | uniq -c | sed 's/^ *//')" \
	    '1435 customer_reply
2196 replied'
	# "Tue Oct 31 22:10:47 +0000 2017" in the team's zone.
	check_eq reply "$(jq -c 'select(.followup_of and .conversation[0].ext == "1") | .conversation[0] | [.at, .from, .by]' out.jsonl)" \
	    '["2017-11-01T06:10:47+08:00","team","sprintcare"]'
}

@test "real: labelled CFPB sample: 6623 records, multi-line narratives, 2020/3/18 dates" {
	shared labeled/en_cfpb_complaints_sample_2019_2020.csv
	run --separate-stderr run_to out.jsonl timeout 60 cx-ingest "$DATA"
	check_status 0
	check_stderr 'cx-ingest: 6623 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq records "$(wc -l < out.jsonl)" 6623
	check_eq first "$(head -n 1 out.jsonl | jq -r '.received_at + " " + .source.ext')" \
	    '2020-03-18T00:00:00+08:00 3571115'
	# 1532 narratives, 602 of them over several lines; CRLF record ends
	# leave no CR behind in any value.
	check_eq narratives "$(jq -r 'select(.text) | .id' out.jsonl | wc -l)" 1532
	check_eq multiline "$(jq -r 'select(.text and (.text | contains("\n"))) | .id' out.jsonl | wc -l)" 602
	check_eq cr "$(jq -r '[.. | strings | select(contains("\r"))] | length' out.jsonl | sort -u)" 0
}

@test "real: the 2017 snake_case CFPB layout goes through the same cfpb map" {
	shared csv/cfpb_consumer_complaints_2017_snake_case_145rows.csv
	run --separate-stderr run_to out.jsonl timeout 60 cx-ingest "$DATA"
	check_status 0
	check_stderr 'cx-ingest: 145 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	check_eq records "$(wc -l < out.jsonl)" 145
	check_eq map "$(jq -r .source.map out.jsonl | sort -u)" cfpb
	check_eq first "$(head -n 1 out.jsonl | jq -r '[.received_at, .channel, .region, .source.ext] | join(" ")')" \
	    '2017-03-21T00:00:00+08:00 phone TX 2397100'
	check_eq subjects "$(jq -r 'select(.subject == null) | .id' out.jsonl | wc -l)" 0
}

@test "real: both CFPB layouts into one spool register every complaint once" {
	shared csv/cfpb_consumer_complaints_2017_snake_case_145rows.csv
	local old=$DATA
	shared labeled/en_cfpb_complaints_sample_2019_2020.csv
	run --separate-stderr timeout 60 cx-ingest -s sp "$old" "$DATA"
	check_status 0
	check_stderr 'cx-ingest: 6768 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	run --separate-stderr timeout 60 cx-ingest -s sp "$DATA" "$old"
	check_status 0
	check_stderr 'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 6768 duplicates, 0 rejected'
	check_eq tickets "$(tickets sp | wc -l)" 6768
}
