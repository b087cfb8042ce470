/*
 * reportgen: write worked tickets, as the cx tools leave them after a
 * ticket's life, for the tests and the benchmark of cx-report.
 *
 *	reportgen [-n count] [-s seed] [-w weeks] --now TIME
 *
 * count tickets (1000) received in the weeks (10) weeks before TIME, with
 * their history, status and clocks (of the shipped policy, as cx-sla(1)
 * writes them, but working time counts no holidays) as of TIME: nothing
 * of TIME or later is there.  Each row draws from its own generator seeded
 * by (seed, serial), as in cxgen.  A hot spot: every 50th row is about
 * SKU-HOT1, batch B2607-04, received in the 7 days before TIME.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define SEED(r, stream, n) (*(r) = seed * 0xd1342543de82ef95ULL + (stream), \
			*(r) = next(r) ^ (n), next(r))
#define PICK(r, a)	((a)[pick((r), nitems(a))])
#define CHANCE(r, pct)	(pick((r), 100) < (unsigned)(pct))
#define SPAN(r, lo, hi)	((lo) + (long long)pick(r, (hi) - (lo)))
#define LDAY(t)		(((t) + TZOFF) / DAY)	/* after 1970 only */
#define HOUR_OF(t)	(((t) + TZOFF) % DAY / HOUR)
#define WEEKEND(day)	(((day) + 4) % 7 == 0 || ((day) + 4) % 7 == 6)
#define TZOFF		(8 * 3600)
#define MIN		60LL
#define HOUR		3600LL
#define DAY		86400LL
#define NSKU		200
#define HOT_SKU		6	/* a SKU of ordinary rank, and one of */
#define HOT_BATCH	19	/* its batches */
#define NFREQUENT	500	/* customers who complain often, of */
#define NCUSTOMERS	200000

typedef unsigned long long ull;

enum { C_QUAL, C_LOGI, C_AFTER, C_SYS, C_ACCT, C_PLAT, C_SERV, C_SUGG, C_INQ };
static const char *const cats[] = { "quality", "logistics", "aftersales",
	"system", "account", "platform", "service", "suggestion", "inquiry" };
/* Codes of share/cx/resolutions, four that fit each category. */
static const char *const codes[] = { "refund", "exchange", "compensation",
	"return", "resend", "explanation", "repair", "coupon" };
static const char fits[][5] = { "0123", "4205", "0612", "0525", "0525",
	"7052", "5725", "5575", "5555" };
/* Leading departments of share/cx/routing, their agents on duty. */
enum { D_KF, D_WL, D_CC, D_SP, D_ZJ, D_SH, D_CW, D_JS, D_AQ, D_PT };
static const struct {
	const char	*name, *agent[5];
	unsigned	 n;
} depts[] = {
	{ "客服部", { "小李", "小王", "小赵", "小陈", "Amy" }, 5 },
	{ "物流部", { "老周", "小孙" }, 2 }, { "仓储", { "阿峰" }, 1 },
	{ "商品部", { "刘经理" }, 1 }, { "质检", { "小何" }, 1 },
	{ "售后", { "小吴", "小郑" }, 2 }, { "财务", { "老钱" }, 1 },
	{ "技术部", { "小林" }, 1 }, { "安全部", { "阿杰" }, 1 },
	{ "平台运营", { "小冯" }, 1 },
};
/* Subcategories of share/cx/taxonomy, weighted; {P} is the product. */
static const struct sub {
	const char	*code, *subject, *text;
	int		 cat, dept, weight;
	char		 prio;		/* urgent, normal, low */
} subs[] = {
	{ "quality.mismatch", "商品与描述不符", "收到的{P}和详情页描述不一样，颜色和尺寸都不对。", C_QUAL, D_SP, 60, 'n' },
	{ "quality.defect", "商品质量问题", "买的{P}用了不到一周就坏了，完全没法用。", C_QUAL, D_SP, 110, 'n' },
	{ "quality.missing", "配件缺失", "{P}包装里少了配件，说明书上写的东西都没有。", C_QUAL, D_SP, 40, 'n' },
	{ "quality.safety", "商品存在安全隐患", "{P}用的时候发烫冒烟，差点出事，太危险了。", C_QUAL, D_ZJ, 15, 'u' },
	{ "logistics.late", "快递迟迟未送达", "{P}下单好几天了还没收到，物流一直显示运输中。", C_LOGI, D_WL, 130, 'n' },
	{ "logistics.damaged", "包裹破损", "收到的包裹外箱破损严重，{P}摔坏了。", C_LOGI, D_WL, 55, 'n' },
	{ "logistics.tracking", "物流信息错误", "物流显示已签收，但我根本没有收到{P}，驿站也说没有。", C_LOGI, D_WL, 35, 'n' },
	{ "logistics.lost", "快递丢件", "{P}的物流一周没有更新，快递员说包裹找不到了。", C_LOGI, D_WL, 25, 'n' },
	{ "logistics.wrong-item", "发错货", "我买的是{P}，收到的却是别的东西。", C_LOGI, D_CC, 30, 'n' },
	{ "aftersales.return", "退货申请被拒", "申请七天无理由退货被驳回，可是{P}我都没拆封。", C_AFTER, D_SH, 70, 'n' },
	{ "aftersales.refund", "退款未到账", "{P}退货已经签收五天了，退款还没到账。", C_AFTER, D_SH, 60, 'u' },
	{ "aftersales.repair", "维修久拖不决", "{P}送修半个月了，一直说在检测，没有任何进展。", C_AFTER, D_SH, 35, 'n' },
	{ "aftersales.invoice", "发票开不出来", "申请了{P}的增值税专用发票，一直没有开出来。", C_AFTER, D_CW, 20, 'n' },
	{ "system.payment", "支付失败但已扣款", "买{P}时提示支付失败，但银行卡已经扣款了，订单显示未支付。", C_SYS, D_JS, 20, 'u' },
	{ "system.crash", "App闪退", "打开App查看订单就闪退，重装了也不行。", C_SYS, D_JS, 15, 'u' },
	{ "system.login", "无法登录", "账号一直提示密码错误，验证码也收不到，登录不上。", C_SYS, D_JS, 10, 'u' },
	{ "system.error", "页面功能异常", "购物车里的{P}删不掉，页面一直报错。", C_SYS, D_JS, 20, 'n' },
	{ "account.theft", "账号被盗", "我的账号被盗了，收货地址被改，还用我的余额买了{P}。", C_ACCT, D_AQ, 6, 'u' },
	{ "account.fraud", "银行卡被盗刷", "凌晨收到短信，绑定的银行卡被盗刷，我本人没有任何操作。", C_ACCT, D_AQ, 6, 'u' },
	{ "account.privacy", "个人信息泄露", "下单后就接到冒充客服的诈骗电话，能说出我的订单号和地址。", C_ACCT, D_AQ, 8, 'u' },
	{ "platform.promotion", "优惠券无法使用", "领的满减优惠券买{P}时不能用，页面也没写限制条件。", C_PLAT, D_PT, 45, 'n' },
	{ "platform.penalty", "账号被限制下单", "我的账号突然被限制下单，没有任何说明。", C_PLAT, D_PT, 10, 'n' },
	{ "platform.counterfeit", "疑似假货", "收到的{P}做工粗糙，防伪码查不到，怀疑是假货。", C_PLAT, D_PT, 20, 'n' },
	{ "platform.price", "价格争议", "{P}活动前先涨价再打折，第二天又降价了，申请价保被拒。", C_PLAT, D_PT, 30, 'n' },
	{ "service.rude", "客服态度差", "联系在线客服，对方态度恶劣，问题没解决就结束了对话。", C_SERV, D_KF, 35, 'n' },
	{ "service.slow", "客服回复太慢", "留言三天了都没有人回复，电话也一直占线。", C_SERV, D_KF, 40, 'n' },
	{ "service.error", "承诺未兑现", "客服承诺48小时内回电，到现在都没人联系我。", C_SERV, D_KF, 25, 'n' },
	{ NULL, "建议增加夜间人工客服", "建议增加夜间人工客服，晚上出问题只能和机器人聊。", C_SUGG, D_KF, 20, 'l' },
	{ NULL, "咨询发货时间", "请问{P}什么时候能发货？页面写的是48小时内发货。", C_INQ, D_KF, 40, 'l' },
};
static const int hot_subs[] = { 1, 1, 1, 3, 0 };	/* a bad batch */
static const char *const products[] = { "无线蓝牙耳机", "扫地机器人", "空气炸锅",
	"电饭煲", "充电宝", "羽绒服", "运动鞋", "床上四件套", "补水面膜", "行李箱",
	"婴儿奶粉", "坚果礼盒", "纯牛奶", "蛋白粉", "智能手表", "儿童安全座椅",
	"保温杯", "吹风机", "机械键盘", "登山包", "电动牙刷", "速冻水饺", "洗衣液" };
static const int prices[] = { 19, 29, 39, 59, 79, 99, 129, 159, 199, 259,
	299, 399, 499, 699, 899, 1299, 1999, 2999 };
static const char *const channels[] = { "app", "app", "app", "app", "app",
	"app", "app", "chat", "chat", "chat", "chat", "chat", "web", "web",
	"web", "phone", "phone", "phone", "email", "email" };
/* Regions, by the warehouse that serves them: 6, 6, 4 and 4. */
static const char *const regions[] = { "上海市", "浙江省杭州市", "江苏省南京市",
	"江苏省苏州市", "湖北省武汉市", "安徽省合肥市", "北京市", "天津市", "山东省济南市",
	"山东省青岛市", "河南省郑州市", "辽宁省沈阳市", "广东省广州市", "广东省深圳市",
	"福建省厦门市", "湖南省长沙市", "四川省成都市", "陕西省西安市", "重庆市",
	"云南省昆明市" };
static const char *const warehouses[] = { "华东仓", "华北仓", "华南仓", "西南仓" };
static const char *const carriers[] = { "顺丰", "中通", "中通", "圆通", "圆通",
	"京东物流", "京东物流", "邮政" };
static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄",
	"赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "欧阳" };
static const char *const given[] = { "伟", "芳", "娜", "秀英", "敏", "静", "丽",
	"强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
	"晓东", "子涵", "欣怡", "浩然", "一诺", "思远" };
static const char *const pinyin[] = { "wang", "li", "zhang", "liu", "chen",
	"yang", "huang", "zhao", "xiaoming", "lily", "sunny", "echo" };
static const char *const mphone[] = { "138", "139", "135", "136", "137",
	"150", "151", "158", "159", "186", "188", "177", "199" };
static const char *const opens[] = { "", "", "", "你好，", "客服你好，", "我要投诉！",
	"第二次反映这个问题了，" };
static const char *const closes[] = { "", "", "请尽快处理。", "希望给个说法。",
	"已经等了很久了，非常失望。", "请尽快回复，谢谢。" };
static const char *const replies[] = { "您好，已收到您的反馈，正在为您核实。",
	"非常抱歉给您带来不便，我们会尽快处理。", "已联系相关部门，请耐心等待处理结果。" };
static const char *const waits[] = { "customer", "customer", "carrier",
	"merchant" };

/* A ticket: its life planned whole, in time order; the agents' times. */
struct tk {
	const struct sub *sb;
	const char	*agent, *via, *status, *was;
	long long	 t0, reg, fr, inv, w0, w1, res[2], ro, survey;
	int		 anon, urgent, queued, code[2], amount[2];
};

static struct cx_buf out, hist, txt, contact;
static uint64_t seed = 1;
static long long now;
static uint64_t zipf[NSKU];	/* cumulative weights of the SKUs */
static char skus[NSKU][32], batches[100][32];

static uint64_t
next(uint64_t *r)
{
	uint64_t z = (*r += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n), by multiplying rather than by modulo. */
static unsigned
pick(uint64_t *r, uint64_t n)
{
	return (unsigned)(((next(r) >> 32) * n) >> 32);
}

/* "YYYY-MM-DDTHH:MM:SS+08:00", quoted. */
static void
addtime(struct cx_buf *b, long long t)
{
	static const int at[] = { 4, 7, 10, 13, 16, 19 };
	char s[] = "\"0000-00-00T00:00:00+08:00\"";
	int v[6] = { 0, 0, 0, (int)HOUR_OF(t), (int)((t + TZOFF) / MIN % 60),
	    (int)((t + TZOFF) % 60) }, i, j;

	cx_civil_from_days(LDAY(t), &v[0], &v[1], &v[2]);
	for (i = 0; i < 6; i++)
		for (j = at[i]; v[i] > 0; j--, v[i] /= 10)
			s[j] = (char)('0' + v[i] % 10);
	cx_buf_add(b, s, sizeof(s) - 1);
}

/* Appends fmt to b: %s a string as it is, %j a string as JSON, %u an ull,
 * %t a time (long long) as a JSON string, ^ ,"key": of the next argument,
 * a plain string.  Arguments past what fmt uses are ignored. */
static void
vemit(struct cx_buf *b, const char *fmt, va_list ap)
{
	const char *p, *s;

	for (p = fmt; *p != '\0'; p++) {
		for (s = p; *p != '\0' && *p != '%' && *p != '^'; p++)
			continue;
		cx_buf_add(b, s, (size_t)(p - s));
		if (*p == '^') {
			s = va_arg(ap, const char *);
			cx_buf_add(b, ",\"", 2);
			cx_buf_add(b, s, strlen(s));
			cx_buf_add(b, "\":", 2);
		} else if (*p == '\0')
			break;
		else if (*++p == 's')
			cx_buf_adds(b, va_arg(ap, const char *));
		else if (*p == 'j') {
			s = va_arg(ap, const char *);
			cx_json_addstr(b, s, strlen(s));
		} else if (*p == 'u')
			cx_buf_ulong(b, (unsigned long)va_arg(ap, ull));
		else
			addtime(b, va_arg(ap, long long));
	}
}

static void
emit(struct cx_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit(b, fmt, ap);
	va_end(ap);
}

/* A history entry at t, if before now, then fmt; the status it leaves. */
static void
entry(struct tk *k, long long t, const char *status, const char *by,
    const char *action, const char *fmt, ...)
{
	va_list ap;

	if (t >= now)
		return;
	emit(&hist, hist.len > 0 ? ",{\"at\":%t^%j^%j" : "{\"at\":%t^%j^%j",
	    t, "by", by, "action", action);
	va_start(ap, fmt);
	vemit(&hist, fmt, ap);
	va_end(ap);
	cx_buf_addc(&hist, '}');
	k->status = status != NULL ? status : k->status;
}

/* cx-follow tells the customer of what happened at about. */
static void
told(struct tk *k, long long t, const char *message, long long about)
{
	entry(k, t, NULL, "cx-follow", "notified", "^%j^%t^%j", "message",
	    message, "for", about, "via", k->via);
}

/* t plus secs of working time, 09:00-12:00 13:30-18:00 on weekdays. */
static long long
work_add(long long t, long long secs)
{
	static const long long iv[] = { 32400, 43200, 48600, 64800 };
	long long day, l = t + TZOFF, s, e;
	int i;

	for (day = LDAY(t);; day++)
		for (i = 0; i < 4 && !WEEKEND(day); i += 2) {
			s = day * DAY + iv[i] > l ? day * DAY + iv[i] : l;
			e = day * DAY + iv[i + 1];
			if (s < e && secs <= e - s)
				return s + secs - TZOFF;
			secs -= s < e ? e - s : 0;
		}
}

/* Agents work from 08:00 to 22:00: t, or the next morning. */
static long long
awake(long long t)
{
	return t + (HOUR_OF(t) < 8 ? 8 - HOUR_OF(t) : HOUR_OF(t) >= 22 ?
	    32 - HOUR_OF(t) : 0) * HOUR;
}

/* The life, in time order: its history before now, and k's times. */
static void
life(struct tk *k, uint64_t *r, int amount)
{
	const char *a = k->agent;
	long long t, c, lim = (k->urgent ? 24 : 48) * HOUR;
	unsigned u = pick(r, 100);
	int n, i;

	entry(k, t = k->t0 + k->reg, "new", "cx-ingest", "registered", "");
	entry(k, t += SPAN(r, 30, 10 * MIN), k->queued ? "queued" : "assigned",
	    "cx-route", "routed", k->queued ? "^%j" : "^%j^%j", "department",
	    depts[k->sb->dept].name, "assignee", a);
	told(k, t += SPAN(r, MIN, 10 * MIN), "ack", k->t0);
	if (k->queued)
		return;
	/* The first answer; maybe an investigation, a wait. */
	c = k->t0 + (k->urgent ? (u < 75 ? SPAN(r, 5 * MIN, 50 * MIN) :
	    SPAN(r, 40 * MIN, 3 * HOUR)) : u < 55 ? SPAN(r, 5 * MIN, 4 * HOUR) :
	    u < 88 ? SPAN(r, 4 * HOUR, 18 * HOUR) : u < 96 ? SPAN(r, 18 * HOUR,
	    24 * HOUR) : SPAN(r, 24 * HOUR, 30 * HOUR));
	k->fr = t = awake(c > t + MIN ? c : t + SPAN(r, MIN, 10 * MIN));
	if (CHANCE(r, 30)) {
		entry(k, t, "acknowledged", a, "acknowledged", "");
		t = awake(t + SPAN(r, 10 * MIN, 6 * HOUR));
	}
	entry(k, t, NULL, a, "replied", "^%j", "note", PICK(r, replies));
	if (CHANCE(r, 45)) {
		k->inv = t = awake(t + SPAN(r, 30 * MIN, 10 * HOUR));
		entry(k, t, "investigating", a, "investigating", "");
		told(k, t + SPAN(r, MIN, 10 * MIN), "progress", t);
	}
	if (CHANCE(r, 10)) {
		k->w0 = awake(t + SPAN(r, 30 * MIN, 8 * HOUR));
		k->w1 = t = awake(k->w0 + SPAN(r, 2 * HOUR, 48 * HOUR));
		k->was = k->status;
		entry(k, k->w0, "waiting", a, "waiting", "^%j", "on",
		    PICK(r, waits));
		entry(k, k->w1, k->was, a, "resumed", "");
	}
	/* Resolved, a tenth well late; maybe reopened and resolved again. */
	u = pick(r, 100);
	c = k->t0 + (k->w1 - k->w0) + (u < 50 ? SPAN(r, lim / 16, lim / 2) :
	    u < 93 ? SPAN(r, lim / 2, lim - 3 * HOUR) : SPAN(r, lim, 3 * lim));
	t = c > t + 30 * MIN ? c : t + SPAN(r, 30 * MIN, 3 * HOUR);
	for (n = 0;; n++) {
		k->res[n] = t = awake(t);
		k->code[n] = i = CHANCE(r, 4) ? -1 : fits[k->sb->cat][pick(r,
		    4)] - '0';		/* codes[i], or -1: unfounded */
		k->amount[n] = i == 0 ? (amount <= 200 ? amount : (int)SPAN(r,
		    20, 201)) : i == 2 ? (int)SPAN(r, 1, 21) * 5 : 0;
		entry(k, t, "resolved", a, "resolved", k->amount[n] > 0 ?
		    "^%j^%u" : "^%j", "code", i < 0 ? "unfounded" : codes[i],
		    "amount", (ull)k->amount[n]);
		told(k, c = t + SPAN(r, MIN, 10 * MIN), "resolution", t);
		if (n == 1 || !CHANCE(r, 6))
			break;
		k->ro = awake(t + SPAN(r, 3 * HOUR, 60 * HOUR));
		entry(k, k->ro, "reopened", a, "reopened", "");
		entry(k, t = k->ro + SPAN(r, 5 * MIN, 30 * MIN), "assigned",
		    "cx-route", "routed", "^%j^%j", "department",
		    depts[k->sb->dept].name, "assignee", a);
		t += SPAN(r, 4 * HOUR, 36 * HOUR);
	}
	/* Confirmed by the customer, or closed by cx-follow; the survey. */
	if (k->anon || !CHANCE(r, 60)) {
		told(k, c += 3 * DAY + SPAN(r, MIN, 10 * MIN), "confirm", t);
		t = !k->anon && CHANCE(r, 35) ? c + SPAN(r, 3 * HOUR, 4 * DAY) :
		    c + 4 * DAY + SPAN(r, MIN, 10 * MIN);
	} else
		t = c + SPAN(r, DAY, 3 * DAY);
	if (t < c + 4 * DAY) {
		entry(k, t, NULL, "customer", "customer_confirmed", "");
		entry(k, t, "closed", "customer", "closed", "");
	} else
		entry(k, t, "closed", "cx-follow", "closed", "^%j", "note",
		    k->anon ? "no answer: the customer has no address or "
		    "number to ask" : "no answer to the confirmation request");
	told(k, c = t + 3 * DAY + SPAN(r, MIN, 10 * MIN), "survey", t);
	if (!k->anon && CHANCE(r, 40))
		entry(k, k->survey = c + SPAN(r, DAY, 4 * DAY), NULL,
		    "customer", "survey", "");
}

/* sep"name":{...}, a clock as cx-sla writes it: met at met, if that is
 * before now; left > 0: paused now. */
static void
putclock(const char *sep, const char *name, const char *limit,
    long long start, long long due, long long met, long long left)
{
	int h = (int)(left / HOUR), m = (int)(left / MIN % 60);

	met = met < now ? met : 0;
	emit(&out, "%s%j:{\"limit\":%j,\"start\":%t", sep, name, limit, start);
	if (left > 0)		/* "23h", "5h30m" */
		cx_buf_printf(&out, ",\"remaining\":\"%.0d%s%.0d%s%.0lld%s\"",
		    h, h ? "h" : "", m, m ? "m" : "", left % 60, left % 60 ?
		    "s" : "");
	else
		emit(&out, "^%t", "due", due);
	if (met != 0)
		emit(&out, "^%t", "met_at", met);
	emit(&out, ",\"breached\":%s,\"paused\":%s}", (met != 0 ? met > due :
	    left <= 0 && now > due) ? "true" : "false", left > 0 ? "true" :
	    "false");
}

/* The ticket of row serial. */
static void
put(struct tk *k, uint64_t serial, long long weeks)
{
	static const char *const sk[] = { "result", "attitude", "timeliness" };
	const char *p, *q, *ch;
	char phone[12];
	long long t, due, lim;
	uint64_t r, cr, who, w;
	int y, mo, d, i, j, sku, amount, batch, pit, hot = serial % 50 == 25;

	SEED(&r, 1, serial);
	memset(k, 0, sizeof(*k));
	hist.len = 0;
	/* When: more by day and on weekdays; the hot ones more lately. */
	do {
		t = pick(&r, 1000000);
		if (hot && (w = pick(&r, 1000000)) > (uint64_t)t)
			t = (long long)w;
		k->t0 = now - (hot ? 1 : weeks) * 7 * DAY + (long long)((double)
		    ((hot ? 1 : weeks) * 7 * DAY - 30 * MIN) * t / 1e6);
		t = HOUR_OF(k->t0);
		w = (t >= 9 && t < 21 ? 10 : t >= 7 ? 4 : 1) *
		    (WEEKEND(LDAY(k->t0)) ? 6 : 10);
	} while (pick(&r, 100) >= w);
	for (w = pick(&r, 1000), i = 0; w >= (uint64_t)subs[i].weight; i++)
		w -= (uint64_t)subs[i].weight;
	for (w = pick(&r, zipf[NSKU - 1]), j = 0; zipf[j] <= w; j++)
		continue;
	k->sb = hot ? &subs[PICK(&r, hot_subs)] : &subs[i];
	sku = hot ? HOT_SKU : j;
	batch = hot ? HOT_BATCH : (j * 3 + (int)pick(&r, 3)) % 100;
	cx_civil_from_days(LDAY(k->t0), &y, &mo, &d);
	cx_buf_printf(&out, "{\"id\":\"CX-%04d%02d%02d-%06llu\"", y, mo, d,
	    (ull)serial);
	k->reg = SPAN(&r, MIN, 20 * MIN + 1);
	emit(&out, ",\"channel\":%j,\"source\":{\"file\":\"reportgen\","
	    "\"line\":%u},\"received_at\":%t,\"registered_at\":%t", ch =
	    PICK(&r, channels), (ull)serial, k->t0, k->t0 + k->reg);
	who = CHANCE(&r, 15) ? pick(&r, NFREQUENT) :
	    NFREQUENT + pick(&r, NCUSTOMERS);
	k->anon = CHANCE(&r, 5);
	pit = k->anon ? 0 : CHANCE(&r, 10) ? 1 + CHANCE(&r, 50) : 0;
	k->via = "none";
	if (k->anon)
		emit(&out, ",\"customer\":{\"anonymous\":true}");
	else {
		/* Of the pool; the text may quote their number or address. */
		SEED(&cr, 2, who);
		p = PICK(&cr, surnames);
		w = next(&cr);
		snprintf(phone, 12, "%s%08u", mphone[w % nitems(mphone)],
		    (unsigned)(w >> 32) % 100000000);
		emit(&out, ",\"customer\":{\"id\":\"U%u\",\"name\":\"%s%s\","
		    "\"phone\":\"+86%s\"", (ull)(100000 + who), p, PICK(&cr,
		    given), phone);
		txt.len = 0;
		w = next(&cr);
		if ((i = w % 100 < 40))
			cx_buf_printf(&txt, "%s%u@example.cn", pinyin[w / 100 %
			    nitems(pinyin)], (unsigned)(w >> 32) % 10000);
		emit(&out, i ? "^%j}" : "}", "email", cx_buf_str(&txt));
		k->via = i ? "email,sms" : "sms";
		contact.len = 0;
		cx_buf_printf(&contact, pit == 1 && i ? "联系邮箱%s" :
		    "我的电话%s", pit == 1 && i ? cx_buf_str(&txt) : phone);
	}
	i = (int)pick(&r, nitems(regions));
	j = !CHANCE(&r, 80) ? (int)pick(&r, 4) : i < 12 ? i / 6 : i < 16 ? 2 : 3;
	amount = prices[(sku * 7 + 3) % nitems(prices)] * (1 + CHANCE(&r, 10));
	w = (uint64_t)LDAY(k->t0 - SPAN(&r, DAY, 20 * DAY)) * 10000000;
	w += pick(&r, 10000000);
	emit(&out, ",\"order_id\":\"%u\",\"sku\":%j,\"batch\":%j,\"warehouse\":"
	    "%j,\"carrier\":%j,\"region\":%j,\"amount\":%u,\"currency\":"
	    "\"CNY\",\"subject\":%j", (ull)w, skus[sku], batches[batch],
	    warehouses[j], PICK(&r, carriers), regions[i], (ull)amount,
	    k->sb->subject);
	/* The text: an opener, the complaint, maybe how to reach them. */
	txt.len = 0;
	cx_buf_adds(&txt, PICK(&r, opens));
	for (p = k->sb->text; (q = strstr(p, "{P}")) != NULL; p = q + 3) {
		cx_buf_add(&txt, p, (size_t)(q - p));
		cx_buf_adds(&txt, products[sku % nitems(products)]);
	}
	cx_buf_adds(&txt, p);
	if (pit)
		cx_buf_printf(&txt, "%s。", cx_buf_str(&contact));
	cx_buf_adds(&txt, PICK(&r, closes));
	emit(&out, ",\"text\":%j,\"category\":%j", cx_buf_str(&txt),
	    cats[k->sb->cat]);
	if (k->sb->code != NULL)
		emit(&out, "^%j", "subcategory", k->sb->code);
	i = (int)pick(&r, 100);
	p = k->sb->prio == 'u' ? (i < 75 ? "urgent" : "high") :
	    k->sb->prio == 'l' ? (i < 80 ? "low" : "normal") :
	    i < 10 ? "high" : i < 15 ? "low" : "normal";
	k->urgent = *p == 'u';
	i = (int)pick(&r, 100);
	emit(&out, ",\"priority\":%j^%j^%j", p, "scope", i < 92 ? "one" :
	    i < 98 ? "many" : "public", "department", depts[k->sb->dept].name);
	k->queued = CHANCE(&r, 2);
	k->agent = depts[k->sb->dept].agent[pick(&r, depts[k->sb->dept].n)];
	if (!k->queued)
		emit(&out, "^%j", "assignee", k->agent);
	if (*ch == 'c' || *ch == 'p' || !k->queued)	/* who took the chat */
		emit(&out, "^%j", "owner", *ch == 'c' || *ch == 'p' ?
		    depts[D_KF].agent[pick(&r, 5)] : k->agent);
	if (CHANCE(&r, who < NFREQUENT ? 50 : 1))
		emit(&out, ",\"flags\":[\"repeat\"]");
	life(k, &r, amount);
	emit(&out, "^%j", "status", k->status);

	/* The clocks at now. */
	lim = k->urgent ? 1 : k->sb->cat == C_SERV || k->sb->cat == C_SUGG ?
	    48 : 24;
	putclock(",\"sla\":{", "first_response", lim == 1 ? "1h" : lim == 24 ?
	    "24h" : "48h", k->t0, k->t0 + lim * HOUR, k->fr, 0);
	if (k->inv != 0)
		putclock(",", "investigation", "1d working", k->t0,
		    work_add(k->t0, 7 * HOUR + 30 * MIN), k->inv, 0);
	/* Paused while waiting, stopped until reopened, if before due. */
	lim = (k->urgent ? 24 : 48) * HOUR;
	due = k->t0 + lim;
	due += k->w0 < due && k->w1 < now ? k->w1 - k->w0 : 0;
	j = k->ro != 0 && k->ro < now;		/* reopened */
	due += j && k->res[0] < due ? k->ro - k->res[0] : 0;
	putclock(",", "resolution", k->urgent ? "24h" : "48h", k->t0, due,
	    k->res[j], strcmp(k->status, "waiting") == 0 ? lim - (k->w0 -
	    k->t0) : 0);
	emit(&out, "},\"history\":[%s]", cx_buf_str(&hist));
	if (strcmp(k->status, "resolved") == 0 ||
	    strcmp(k->status, "closed") == 0) {
		j = k->res[1] != 0 && k->res[1] < now;
		emit(&out, ",\"resolution\":{\"code\":%j", k->code[j] < 0 ?
		    "unfounded" : codes[k->code[j]]);
		if (k->amount[j] > 0)
			emit(&out, "^%u", "amount", (ull)k->amount[j]);
		emit(&out, "^%j^%t}", "by", k->agent, "at", k->res[j]);
	}
	/* If surveyed: 1, resolved late; 2, answered late. */
	i = (k->res[j] > due) + 2 * (k->fr - k->t0 > 12 * HOUR);
	if (k->survey != 0 && k->survey < now)
		emit(&out, ",\"survey\":{\"at\":%t", k->survey);
	for (j = 0; k->survey != 0 && k->survey < now && j < 3; j++) {
		w = pick(&r, 100);	/* mostly 4 and 5, often less if late */
		emit(&out, j == 2 ? "^%u}" : "^%u", sk[j], (ull)(1 + (w >= 6) +
		    (w >= 13) + (w >= 25) + (w >= 55) - (w >= 6 && (j == 0 ?
		    i & 1 : j == 2 ? i : 0) && CHANCE(&r, 60))));
	}
	cx_buf_adds(&out, "}\n");
	if (out.len >= 1 << 20 && fwrite(out.p, 1, out.len, stdout) != out.len)
		err(2, "stdout");
	if (out.len >= 1 << 20)
		out.len = 0;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = { { "now", required_argument,
	    NULL, 'N' }, { NULL, 0, NULL, 0 } };
	static struct tk k;
	long long count = 1000, weeks = 10, sd = 1, i, v;
	struct cx_err e;
	char *end;
	time_t t;
	size_t n;
	int c;

	while ((c = getopt_long(argc, argv, "n:s:w:", opts, NULL)) != -1 &&
	    c != '?') {
		if (c != 'N') {
			errno = 0;
			v = strtoll(optarg, &end, 10);
			if (v < 0 || *end != '\0' || end == optarg || errno)
				errx(2, "-%c %s: not a number", c, optarg);
			*(c == 'n' ? &count : c == 'w' ? &weeks : &sd) = v;
			continue;
		}
		/* With its offset: not read in the machine's zone. */
		if (cx_time_parse(optarg, n = strlen(optarg), &t, &e) == -1)
			errx(2, "--now: %s", e.msg);
		if (n < 20 || (optarg[n - 1] != 'Z' && (optarg[n - 3] != ':' ||
		    strchr("+-", optarg[n - 6]) == NULL)))
			errx(2, "--now: %s: no offset", optarg);
		now = (long long)t;
	}
	if (c == '?' || optind != argc || weeks < 1 || weeks > 520 ||
	    now - weeks * 7 * DAY < DAY) {
		fprintf(stderr, "usage: reportgen [-n count] [-s seed] "
		    "[-w weeks] --now TIME\n");
		return 2;
	}
	seed = (uint64_t)sd;
	/* SKUs by rank, Zipf-like; batches B26MM-NN, three to a SKU. */
	for (i = 0; i < NSKU; i++) {
		zipf[i] = (i > 0 ? zipf[i - 1] : 0) + 1000000 / (i + 1);
		snprintf(skus[i], 32, i == HOT_SKU ? "SKU-HOT%d" : "SKU-%04d",
		    i == HOT_SKU ? 1 : (int)(1000 + i * 7919 % 9000));
		if (i < 100)
			snprintf(batches[i], 32, "B26%02d-%02d", (int)i % 6 + 6,
			    (int)i / 6 + 1);
	}
	for (i = 1; i <= count; i++)
		put(&k, (uint64_t)i, weeks);
	if (fwrite(cx_buf_str(&out), 1, out.len, stdout) != out.len ||
	    fflush(stdout))
		err(2, "stdout");
	return 0;
}
