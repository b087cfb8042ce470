#!/bin/sh
# The main job on the shipped examples: register the exports into a fresh
# spool, classify and route them, hold them to their time limits, and say
# what was registered, how it was classified, who has it, which limits
# broke, and what was set aside.  `make demo`
# runs this after building; it grows as the tools land.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$top/bin:$PATH
export CX_SHARE="$top/share/cx"
export CX_NOW="${CX_NOW:-2026-11-24T09:00:00+08:00}"
spool=${1:-$top/demo-spool}
rm -rf "$spool"

echo "== registering examples/helpdesk-zh.csv and examples/chat.csv into $spool"
cx-ingest -s "$spool" "$top/examples/helpdesk-zh.csv" "$top/examples/chat.csv"
echo "(exit status $?: 1 means some rows were set aside in rejects/)"

echo
echo "== the same exports again: nothing new"
cx-ingest -s "$spool" "$top/examples/helpdesk-zh.csv" "$top/examples/chat.csv"

echo
echo "== classified: category, priority and scope, and what decided them"
cx-classify -s "$spool"
cx-classify -q -E "$spool"/classified/*.jsonl

echo
echo "== routed: the lead department, the owner (首问负责人), the agent, the remedy"
cx-route -s "$spool"
find "$spool"/open -type f -exec cat {} + | \
    jq -r '[.id, .priority, (.subcategory // "-"), .department,
    .owner, (.assignee // "(queued)"), .solution.remedy, ((.flags // []) | join(","))] | @tsv' |
    sort

echo
echo "== time limits at $CX_NOW: each clock's due time, breaches, the ladder"
cx-sla -s "$spool"
echo "(exit status $?: 1 means some ticket is past a time limit)"
find "$spool"/open -type f -exec cat {} + | \
    jq -r '[.id, .priority, (.department // "-"),
    ([.sla | to_entries[] | select(.value.breached) | .key] | join(",") | if . == "" then "-" else . end),
    ((.escalation.level // 0) | tostring)] | @tsv' | sort
echo "-- alerts in the outbox, by kind"
cat "$spool"/outbox/sla-*.jsonl | jq -r .event | sort | uniq -c

echo
echo "== the sweep again, five minutes later: nothing is said twice"
cx-sla -s "$spool" --now 2026-11-24T09:05:00+08:00

echo
echo "== how the resolution limit of one ticket was counted"
cx-sla -q -s "$spool" -E -i CX-20261124-0009 | sed -n '/^resolution/,$p'

echo
echo "== open tickets"
find "$spool"/open -type f -exec cat {} + | \
    jq -r '[.id, .channel, (.customer.phone // "-"),
    (.amount // "-" | tostring), ((.followups // []) | length | tostring) + " follow-ups",
    (.subject // .text | .[0:30])] | @tsv' | sort

echo
echo "== set aside, with the reason"
cat "$spool"/rejects/*.jsonl | jq -r '"\(.file | sub(".*/"; "")):\(.line): \(.reason)"'
