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
	    'cx-ingest: 2067 registered, 0 follow-ups, 0 duplicates, 1 rejected'
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
	    'cx-ingest: 2067 registered, 0 follow-ups, 0 duplicates, 1 rejected'
	check_eq rejects "$(jq -r '"\(.line) \(.reason)"' sp/rejects/*.jsonl)" \
	    '3302 unterminated quoted field at end of file'
	# The rejects keep the cut record's text from its first line on.
	check_eq raw "$(jq -r .raw sp/rejects/*.jsonl | head -n 1)" "$(sed -n 3302p "$DATA" | tr -d '\r')"
}

@test "real: Twitter support export with -c twitter: 5000 records, bare CR CR kept in a field" {
	shared csv/twcs_customer_support_on_twitter_head.csv
	run --separate-stderr run_to out.jsonl timeout 60 cx-ingest -c twitter "$DATA"
	check_status 0
	check_stderr 'cx-ingest: 5000 registered, 0 follow-ups, 0 duplicates, 0 rejected'
	check_eq records "$(wc -l < out.jsonl)" 5000
	check_eq channel "$(jq -r .channel out.jsonl | sort -u)" social
	check_eq map "$(jq -r .source.map out.jsonl | sort -u)" twcs
	check_eq tweet "$(jq -r 'select(.source.line == 2589) | .source.ext' out.jsonl)" 3399
	check_eq text "$(jq -r 'select(.source.line == 2589) | .text | startswith("@AskPayPal \r\rI just love")' out.jsonl)" true
	# "Tue Oct 31 22:10:47 +0000 2017" in the team's zone.
	check_eq first "$(head -n 1 out.jsonl | jq -r '.received_at + " " + .customer.id')" \
	    '2017-11-01T06:10:47+08:00 sprintcare'
	# The unnamed pandas index column is dropped, the others kept.
	check_eq extra "$(head -n 1 out.jsonl | jq -r '.extra | keys | join(" ")')" \
	    'in_response_to_tweet_id inbound response_tweet_id'
}

@test "real: labelled CFPB sample: 6623 records, multi-line narratives, 2020/3/18 dates" {
	shared labeled/en_cfpb_complaints_sample_2019_2020.csv
	run --separate-stderr run_to out.jsonl timeout 60 cx-ingest "$DATA"
	check_status 0
	check_stderr 'cx-ingest: 6623 registered, 0 follow-ups, 0 duplicates, 0 rejected'
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
	check_stderr 'cx-ingest: 145 registered, 0 follow-ups, 0 duplicates, 0 rejected'
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
	check_stderr 'cx-ingest: 6768 registered, 0 follow-ups, 0 duplicates, 0 rejected'
	run --separate-stderr timeout 60 cx-ingest -s sp "$DATA" "$old"
	check_status 0
	check_stderr 'cx-ingest: 0 registered, 0 follow-ups, 6768 duplicates, 0 rejected'
	check_eq tickets "$(tickets sp | wc -l)" 6768
}
