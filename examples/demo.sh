#!/bin/sh
# The main job on the shipped examples, as a day of cron runs it.  The
# helpdesk's export (Sunday 22 November 2026), its log of the messages on
# each ticket, and the live chat's export (Monday morning) are taken in
# every few minutes as they grow: each complaint is registered,
# classified, routed and held to its time limits minutes after it came in,
# and each reply of an agent stops its clocks at the time it was written.
# Then: what was registered, how it was classified, who has it, which
# limits are kept, warned of or broken and why, and what was set aside.
# `make demo` runs this after building; it grows as the tools land.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$top/bin:$PATH
export CX_SHARE="$top/share/cx"
unset CX_NOW CX_SPOOL
spool=${1:-$top/demo-spool}
rm -rf "$spool"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/exports"

# cron DAY TIME HELPDESK LOG CHAT: the five-minute job at that time, the
# three exports as their tools had written them by then (so many lines
# of each); a sweep alone where nothing new came in.
cron() {
	now=2026-11-$1T$2:00+08:00
	head -n "$3" "$top/examples/helpdesk-zh.csv" >"$work/exports/helpdesk-zh.csv"
	head -n "$4" "$top/examples/helpdesk-log-zh.csv" >"$work/exports/helpdesk-log-zh.csv"
	head -n "$5" "$top/examples/chat.csv" >"$work/exports/chat.csv"
	(cd "$work" && cx-ingest -q -s "$spool" --now "$now" \
	    exports/helpdesk-zh.csv exports/helpdesk-log-zh.csv \
	    exports/chat.csv) 2>&1 | sed 's/^/    /'
	cx-classify -q -s "$spool" --now "$now" &&
	    cx-route -q -s "$spool" --now "$now" &&
	    { cx-sla -q -s "$spool" --now "$now" || [ $? -eq 1 ]; }
}

echo "== Sunday 22 November: complaints and replies, taken in as they come"
cron 22 09:15  2  1 1; cron 22 09:45  2  2 1; cron 22 10:00  2  3 1
cron 22 10:25  2  4 1; cron 22 10:35  3  4 1; cron 22 11:10  4  4 1
cron 22 12:00  4  4 1; cron 22 12:30  4  5 1; cron 22 13:45  5  5 1
cron 22 14:00  5  6 1; cron 22 14:20  6  6 1; cron 22 14:45  6  7 1
cron 22 15:05  7  7 1; cron 22 15:25  7  8 1; cron 22 16:25  8  8 1
cron 22 16:50  9  8 1; cron 22 17:35 10  9 1; cron 22 18:10 13  9 1
echo "== Monday 23 November, until half past ten"
cron 23 04:35 13  9 1; cron 23 08:10 13  9 2; cron 23 09:05 13  9 2
cron 23 09:25 13 10 2; cron 23 09:35 13 11 2; cron 23 09:45 13 11 3
cron 23 10:05 13 11 4

now=2026-11-23T10:30:00+08:00
echo
echo "== the same exports again: nothing new"
(cd "$work" && cx-ingest -s "$spool" --now "$now" exports/helpdesk-zh.csv \
    exports/helpdesk-log-zh.csv exports/chat.csv)

echo
echo "== classified: category, priority and scope, and what decided them"
find "$spool"/open -type f -exec cat {} + | cx-classify -q -E | sort

echo
echo "== routed: the lead department, the owner (首问负责人), the agent, the remedy"
find "$spool"/open -type f -exec cat {} + | \
    jq -r '[.id, .priority, (.subcategory // "-"), .department,
    .owner, (.assignee // "(queued)"), .solution.remedy, ((.flags // []) | join(","))] | @tsv' |
    sort

echo
echo "== time limits at $now, Monday half past ten"
cx-sla -s "$spool" --now "$now"
echo "(exit status $?: 1 means some ticket is past a time limit)"
find "$spool"/open -type f -exec cat {} + | \
    jq -r '[.id, .priority, (.sla.first_response.met_at // "not yet" |
    if . == "not yet" then "first reply: not yet" else "first reply: " + .[5:16] end),
    ([.sla | to_entries[] | select(.value.breached) | .key] | join(",") |
    if . == "" then "on time" else "BREACHED " + . end),
    ([.history[] | select(.by == "cx-sla" and .action == "sla_warning") | .clock] |
    unique | join(",") | if . == "" then "-" else "warned " + . end),
    ((.escalation.level // 0) | "ladder " + tostring)] | @tsv' | sort
echo "-- alerts in the outbox, by kind"
cat "$spool"/outbox/sla-*.jsonl | jq -r .event | sort | uniq -c
echo "-- why the food safety complaint broke its limits: urgent, answered an"
echo "   hour and twenty minutes after it came in, and no emergency process"
id=$(find "$spool"/open -type f -exec cat {} + |
    jq -r 'select(.subcategory == "quality.safety") | .id' | head -n 1)
cx-sla -q -s "$spool" --now "$now" -E -i "$id" |
    sed -n '/^first_response/,/^investigation/p' | sed '$d'
echo "-- and the complaint about rudeness, threatening to go public on Weibo:"
echo "   answered in fifteen minutes, but no emergency process within two hours"

echo
echo "== the conversation on a ticket, in the order it was written"
find "$spool"/open -type f -exec cat {} + |
    jq -r 'select(.source.ext == "GD-1001") | .id, (.conversation[] |
    "  \(.at[5:16]) \(.from) \(.by // "-"): \(.text)")'

echo
echo "== open tickets"
find "$spool"/open -type f -exec cat {} + | \
    jq -r '[.id, .channel, (.customer.phone // "-"),
    (.amount // "-" | tostring), ((.followups // []) | length | tostring) + " follow-ups",
    (.subject // .text | .[0:30])] | @tsv' | sort

echo
echo "== set aside, with the reason"
cat "$spool"/rejects/*.jsonl | jq -r '"\(.file | sub(".*/"; "")):\(.line): \(.reason)"'
