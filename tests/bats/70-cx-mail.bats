#!/usr/bin/env bats
# cx-mail: mail as complaint records (R1.2).  Each decoding case of
# tests/data/mail (charsets that lie, encoded words, quoted-printable and
# base64, multipart with an attachment, HTML only, an mbox, a maildir),
# automatic mail left out, the records registered by cx-ingest with the
# Message-ID as the dedupe key and replies threaded onto their tickets;
# the real mail of ../shared/data/email.

load helper

M=data/mail

# fields FILE...: "subject | text | declared -> used" of each record.
fields() {
	cx-mail -q "$@" | jq -r '[.subject, .text, "\(.mail.charset.declared) -> \(.mail.charset.used)"] | join(" | ")'
}

@test "charsets: declared gb2312 with GBK characters, big5 and utf-8 that are GBK, the bogus 134, Big5, Shift_JIS, Latin-1" {
	check_eq gbk "$(fields $M/gbk-as-gb2312.eml)" \
	    '朱镕牌水壶漏水 | 您好，我的订单号：OD202611220001 收到的朱镕牌电水壶漏水，要求退款。 | gb2312 -> GB18030'
	check_eq big5-gbk "$(fields $M/big5-really-gbk.eml)" \
	    '快递三天没更新 | 快递三天没有任何物流更新，请帮忙查询。 | big5 -> GB18030'
	check_eq utf8-gbk "$(fields $M/utf8-really-gbk.eml)" \
	    'order | 商品与描述不符 | utf-8 -> GB18030'
	check_eq 134 "$(fields $M/charset-134.eml)" '发票 | 发票一直没有开出来。 | 134 -> GB18030'
	check_eq big5 "$(fields $M/big5.eml)" '退貨申請 | 商品有瑕疵，申請退貨。 | big5 -> BIG5'
	check_eq sjis "$(fields $M/shift-jis.eml)" '返品 | 商品が壊れていました。 | shift_jis -> SHIFT_JIS'
	check_eq latin1 "$(fields $M/latin1.eml)" \
	    'colis endommagé | Le colis est arrivé endommagé. | iso-8859-1 -> ISO-8859-1'
	check_eq sender "$(cx-mail -q $M/gbk-as-gb2312.eml $M/latin1.eml | jq -c .customer)" \
	    "$(printf '%s\n' '{"name":"王芳","email":"wangfang@example.cn"}' '{"name":"Renée","email":"renee@example.fr"}')"
}

@test "structure: the plain text preferred to its HTML, the attachment listed with its hash and kept; HTML alone made text; the order number picked out" {
	mkdir att
	run --separate-stderr cx-mail --attachments att $M/multipart.eml
	check_status 0
	check_stderr 'cx-mail: 1 messages: 1 records, 0 automatic (no ticket), 1 attachments, 0 unread'
	check_eq text "$(jq -r .text <<<"$output")" '照片见附件，屏幕有两道划痕。'
	sum=$(jq -r '.attachments[0].sha256' <<<"$output")
	check_eq attachment "$(jq -c '.attachments[0] | [.name, .type, .size]' <<<"$output")" '["划痕.png","image/png",768]'
	check_eq kept "$(sha256sum att/"$sum" | cut -d' ' -f1)" "$sum"
	check_eq mode "$(stat -c %a att/"$sum")" 640
	check_eq thread "$(jq -c '[.mail.ticket, .mail.in_reply_to]' <<<"$output")" \
	    '["CX-20261122-0001","<CX-20261122-0001.ack.5@example.com>"]'
	check_eq html "$(cx-mail -q $M/html-only.eml | jq -c '[.text, .order_id, .mail.body]')" \
	    '["客服 态度差&不回复\n\n订单 OD202611230009\n谢谢！","OD202611230009","html"]'
}

@test "automatic mail: an auto-reply and a delivery report make no record; an mbox of three, a maildir, the standard input" {
	run --separate-stderr cx-mail $M/auto-reply.eml $M/bounce.eml
	check_status 0
	check_eq out "$output" ''
	check_stderr 'cx-mail: 2 messages: 0 records, 2 automatic (no ticket), 0 attachments, 0 unread'
	check_eq mbox "$(cx-mail -q $M/inbox.mbox | jq -r '"\(.source.line) \(.subject) \(.received_at)"')" \
	    "$(printf '%s\n' '1 first 2026-11-23T10:15:00+08:00' \
	    '10 second 2026-11-23T19:00:00+08:00' '18 Re: first 2026-11-23T12:00:00+08:00')"
	mkdir -p md/cur md/new md/tmp
	cp $M/latin1.eml md/cur/1.x
	cp $M/big5.eml md/new/2.x
	check_eq maildir "$(cx-mail -q md | jq -r .subject)" "$(printf '%s\n' 'colis endommagé' '退貨申請')"
	check_eq stdin "$(cx-mail -q <$M/big5.eml | jq -r .subject)" '退貨申請'
	: >empty
	run --separate-stderr cx-mail empty
	check_status 1
	check_stderr 'cx-mail: empty:1: not a mail message; left out' \
	    'cx-mail: 0 messages: 0 records, 0 automatic (no ticket), 0 attachments, 1 unread'
}

@test "into a spool: each mail a ticket once (its Message-ID), a reply joins its ticket's conversation, a mail naming an open ticket joins it" {
	routed_spool sp examples/helpdesk-zh.csv
	T1=CX-20261124-0001
	sed -e "s/CX-20261122-0001/$T1/g" -e 's/<m8@/<m8r@/' $M/multipart.eml >reply.eml
	CX_SPOOL=sp cx-mail -q $M/*.eml $M/inbox.mbox reply.eml >mail.jsonl
	check_eq attachments "$(ls sp/attachments | wc -l) $(stat -c %a sp/attachments)" '1 750'
	run --separate-stderr cx-ingest -s sp mail.jsonl
	check_status 0
	check_stderr 'cx-ingest: 11 registered, 2 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	run --separate-stderr cx-ingest -s sp mail.jsonl
	check_stderr 'cx-ingest: 0 registered, 0 follow-ups, 0 replies, 13 duplicates, 0 rejected'
	check_eq reply "$(cat sp/new/*.jsonl | jq -r 'select(.subject == "first") | .conversation[] | "\(.from): \(.text)"')" \
	    'customer: Still leaking.'
	check_eq joined "$(jq -c '[.conversation[-1] | .from, .text, .message_id]' sp/open/$T1)" \
	    '["customer","照片见附件，屏幕有两道划痕。","<m8r@example.cn>"]'
	check_eq history "$(jq -r '.history[-1] | "\(.by) \(.action) \(.via)"' sp/open/$T1)" \
	    'customer customer_reply email'
	# Anyone can write a ticket number: a stranger's mail opens its own.
	sed -e 's/<m8r@/<m8x@/' -e 's/zhangwei@example.cn/mallory@example.net/' \
	    reply.eml >stranger.eml
	run --separate-stderr sh -c 'cx-mail -q stranger.eml | cx-ingest -s sp -'
	check_stderr 'cx-ingest: 1 registered, 0 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	! grep -q m8x sp/open/$T1
	# What the customer wrote later starts the next-update clock again.
	sed -e 's/<m8r@/<m8s@/' -e 's/^Date: .*/Date: Tue, 24 Nov 2026 10:30:00 +0800\r/' \
	    reply.eml >later.eml
	export CX_NOW=2026-11-24T11:00:00+08:00
	cx-mail -q later.eml | cx-ingest -q -s sp -
	cx-sla -q -s sp || [ $? -eq 1 ]
	check_eq next_update "$(jq -r .sla.next_update.start sp/open/$T1)" \
	    2026-11-24T10:30:00+08:00
}

@test "reopen: a mail on a ticket closed within reopen_within reopens it with the mail in its conversation; later, a new ticket" {
	routed_spool sp examples/helpdesk-zh.csv
	T1=CX-20261124-0001
	T2=CX-20261124-0002
	for t in $T1 $T2; do
		cx-close -q -s sp -i $t -a 刘经理 resolve explanation
		cx-close -q -s sp -i $t confirm
	done
	sed -e "s/CX-20261122-0001/$T1/g" -e 's/<m8@/<m81@/' $M/multipart.eml >r1.eml
	sed -e "s/CX-20261122-0001/$T2/g" -e 's/<m8@/<m82@/' \
	    -e 's/^Date: .*/Date: Thu, 10 Dec 2026 09:00:00 +0800\r/' $M/multipart.eml >r2.eml
	cx-mail -q r1.eml r2.eml >mail.jsonl
	run --separate-stderr cx-ingest -s sp mail.jsonl
	check_status 0
	check_stderr 'cx-ingest: 1 registered, 1 follow-ups, 0 replies, 0 duplicates, 0 rejected'
	[ ! -e sp/closed/$T1 ] && [ -e sp/closed/$T2 ]
	check_eq reopened "$(cat sp/classified/*.jsonl | jq -c 'select(.id == "'$T1'") |
	    [.status, .history[-2].action, .history[-2].by, .conversation[-1].message_id]')" \
	    '["reopened","reopened","cx-ingest","<m81@example.cn>"]'
	check_eq new "$(cat sp/new/*.jsonl | jq -r '.mail.ticket')" "$T2"
	# The commit's new ticket, classified, does not take the place of
	# the reopened one in classified/.
	cx-classify -q -s sp
	cx-route -q -s sp
	check_eq routed "$(jq -r .status sp/open/$T1)" assigned
	check_eq new_routed "$(jq -r 'select(.mail.ticket == "'$T2'") | .status' sp/open/*)" assigned
}

@test "real mail: every message of ../shared/data/email a record or automatic, no crash, valid UTF-8 out" {
	shared email/helpdesk_fixtures/rt_new-ticket-from-gb18030.eml
	DATA=$SHARED_DATA/email
	run --separate-stderr cx-mail "$DATA"/*/*.eml
	check_status 0
	[[ $stderr == 'cx-mail: 7 messages: 6 records, 1 automatic (no ticket), '*' 0 unread' ]]
	jq -e . <<<"$output" >/dev/null
	iconv -f UTF-8 -t UTF-8 <<<"$output" >/dev/null
	check_eq gb18030 "$(cx-mail -q "$DATA"/helpdesk_fixtures/rt_new-ticket-from-gb18030.eml | jq -c '[.subject, .text, .mail.charset.used]')" \
	    '["测试","测试","GB18030"]'
	# badmime.eml and badmime3.eml are one message (one Message-ID).
	cx-mail -q "$DATA"/*/*.eml >mail.jsonl
	run --separate-stderr cx-ingest -s sp mail.jsonl
	check_status 0
	check_stderr 'cx-ingest: 5 registered, 0 follow-ups, 0 replies, 1 duplicates, 0 rejected'
}
