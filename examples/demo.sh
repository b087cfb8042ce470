#!/bin/sh
# The main job on the shipped examples, as a day of cron runs it.  The
# helpdesk's export (Sunday 22 November 2026), its log of the messages on
# each ticket, and the live chat's export (Monday morning) are taken in
# every few minutes as they grow: each complaint is registered,
# classified, routed and held to its time limits minutes after it came in,
# and each reply of an agent stops its clocks at the time it was written.
# Each customer is told of the ticket once its clocks are set.  Then:
# what was registered, how it was classified, who has it, which limits
# are kept, warned of or broken and why, and what was set aside; and the
# rest of the week: the agents' export of what they did, the customers
# told of each step, asked to confirm, the silent tickets closed, the
# survey invited and answered, a customer's lookup, the archive.
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
	    { cx-sla -q -s "$spool" --now "$now" || [ $? -eq 1 ]; } &&
	    cx-follow -q -s "$spool" --now "$now"
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

echo
echo "== the customers told: each ticket acknowledged once, with its promise"
cat "$spool"/outbox/sms-*.csv | grep -v '^phone,' | cut -d, -f2,3 | sort | uniq -c
ls "$spool"/outbox | grep -c '\.eml$' | sed 's/$/ mails for sendmail -t/'

# week TIME: the five-minute job later in the week, and the customers
# told; its summary shown.
week() {
	now=$1
	cx-close -q -s "$spool" --now "$now" "$work/actions.csv" &&
	    { cx-sla -q -s "$spool" --now "$now" || [ $? -eq 1 ]; } &&
	    cx-follow -s "$spool" --now "$now" 2>&1 | sed "s/^/    ${now#2026-}  /"
}

echo
echo "== the rest of the week: the agents' export of what they did"
cat >"$work/actions.csv" <<'CSV'
工单号,动作,处理人,处理时间,方案,金额,备注
CX-20261122-0001,调查,刘经理,2026-11-23 11:00,,,
CX-20261122-0001,解决,刘经理,2026-11-23 15:00,换货,,
CX-20261122-0002,回复,老周,2026-11-23 10:40,,,快递已恢复派送，预计明天送达
CX-20261122-0002,解决,老周,2026-11-23 16:00,解释,,
CX-20261122-0003,调查,小何,2026-11-23 10:45,,,
CX-20261122-0003,方案,小何,2026-11-23 14:00,赔偿,500,
CX-20261122-0003,审批,质检主管,2026-11-23 15:00,,,
CX-20261122-0003,解决,小何,2026-11-23 16:00,赔偿,500,
CSV
cat "$work/actions.csv" | sed 's/^/    /'
week 2026-11-23T16:05:00+08:00
echo "-- Tuesday: 王芳 confirms; 张伟 and 李娜 say nothing"
cx-close -q -s "$spool" --now 2026-11-24T09:30:00+08:00 -i CX-20261122-0002 confirm
week 2026-11-24T09:35:00+08:00
echo "-- Thursday: three days of silence, a confirmation request"
week 2026-11-26T16:05:00+08:00
echo "-- Monday: four days more, closed unanswered; 王芳's survey invitation"
week 2026-11-30T16:05:00+08:00
echo "-- Thursday: the other surveys; 王芳 answered, and gets points"
cx-close -q -s "$spool" --now 2026-12-01T10:00:00+08:00 -i CX-20261122-0002 \
    -N '快递员态度很好' survey 5 5 4
cx-close -q -s "$spool" --now 2026-12-01T10:05:00+08:00 -i CX-20261122-0002 \
    -a 老周 reward 50
week 2026-12-03T16:05:00+08:00
echo "-- what 张伟 was sent, as his mail reader shows it"
m=$(ls "$spool"/outbox/CX-20261122-0001.confirm.*.eml)
if command -v mshow >/dev/null 2>&1; then
	mshow "$m" | sed -e '/^Date:/d' -e 's/^/    /'
else
	sed -n '/^Subject:/p' "$m" | sed 's/^/    /'
fi
echo "-- and what he sees when he looks it up with the last digits of his phone"
cx-status -s "$spool" --now 2026-12-03T16:10:00+08:00 CX-20261122-0001 8000 |
    sed 's/^/    /'

echo
echo "== a month on: the closed tickets archived; lookups still find them"
cx-close -s "$spool" --archive 30d --now 2027-01-05T02:30:00+08:00
ls "$spool"/archive | sed 's/^/    /'
cx-status -s "$spool" -L en --now 2027-01-05T09:00:00+08:00 CX-20261122-0002 5678 |
    sed 's/^/    /'

echo
echo "== the briefing of the week the complaints came in, Sunday to Saturday,"
echo "   as cron mails it on Monday morning (0 7 * * 1 cx-report -q -s ...);"
echo "   the same as one HTML page for the managers: ${spool%/}.html"
cx-report -q -s "$spool" --now 2027-01-05T09:00:00+08:00 \
    --from 2026-11-22 --to 2026-11-29 | sed 's/^/    /'
cx-report -q -s "$spool" --now 2027-01-05T09:00:00+08:00 \
    --from 2026-11-22 --to 2026-11-29 -O html >"${spool%/}.html"

echo
echo "== mail: what came in by mail, a complaint in GBK that says gb2312, one"
echo "   in HTML only, a customer's answer naming its ticket (with a photo),"
echo "   and an auto-reply, which makes no ticket"
mkdir -p "$spool/attachments"
cx-mail --now 2027-01-05T09:30:00+08:00 --attachments "$spool/attachments" \
    "$top"/examples/mail/*.eml 2>&1 >"$work/mail.jsonl" | sed 's/^/    /'
jq -r '"    \(.subject) | \(.mail.charset.declared) -> \(.mail.charset.used) | \(.order_id // "-")"' \
    "$work/mail.jsonl"
cx-ingest -s "$spool" --now 2027-01-05T09:30:00+08:00 "$work/mail.jsonl" 2>&1 |
    sed 's/^/    /'
cx-classify -q -s "$spool" --now 2027-01-05T09:30:00+08:00 &&
    cx-route -q -s "$spool" --now 2027-01-05T09:30:00+08:00
jq -r '.conversation[-1] | "    CX-20261122-0005 now ends: \(.from) \(.by): \(.text)"' \
    "$spool"/open/CX-20261122-0005
ls "$spool/attachments" | sed 's/^/    attachment kept: /'
