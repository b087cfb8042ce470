/*
 * cxgen: write realistic e-commerce complaints for tests and benchmarks.
 *
 *	cxgen [-d dup_every] [-f format] [-n count] [-s seed]
 *
 * Formats: helpdesk-zh (a Chinese helpdesk export), chat (a chat tool's
 * export), cfpb (the 18 columns of the CFPB complaint database) and jsonl
 * (tickets as cx-ingest writes them).  CSV follows RFC 4180 with CRLF line
 * ends; fields are quoted only when they must be.  The default is 1000
 * helpdesk-zh rows from seed 1.
 *
 * Output depends on the seed and the row number only: each row draws from
 * its own generator seeded by (seed, serial), so the first k rows of a run
 * of n are the first k rows of any longer run, and a row can be rebuilt
 * to repeat it.  That is how -d K works: every K-th row repeats an earlier
 * row byte for byte, and all other rows carry a unique id.  Customers come
 * from a fixed pool, so some people complain more than once, each time
 * writing their phone number however they like.
 *
 * Data are invented; names, phones and companies are not real.
 */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cx.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define PICK(r, a)	((a)[pick((r), nitems(a))])

#define FLUSH_AT	(1 << 20)
#define NCUSTOMERS	200000
#define NFREQUENT	200

enum { F_HELPDESK, F_CHAT, F_CFPB, F_JSONL };
enum { ZH, EN };

struct rng {
	uint64_t s;
};

struct product {
	const char	*zh, *en, *sku;
	char		 kind;		/* E electronics, G goods, F food */
	long		 cents;
};

struct problem {
	const char	*zt, *zb;	/* Chinese subject and body */
	const char	*et, *eb;	/* English */
	char		 kind;		/* product wanted: E, G, F, any */
	int		 cat;		/* index into cfpbmap */
};

struct remedy {
	const char	*code, *zh, *en, *phrase;
};

struct channel {
	const char	*code, *zh, *en;
	unsigned	 weight;
};

/* A complaint before it is written in one of the formats. */
struct tk {
	uint64_t		 serial;
	int			 lang;
	const struct problem	*pb;
	const struct product	*pd;
	const struct channel	*ch;
	const struct remedy	*rm;
	long			 t;		/* seconds since 2026-01-01 */
	long			 cents;
	int			 usd, anon, days;
	const char *const	*carrier;
	struct cx_buf		 cid, name, phone, e164, email, order, amount,
				 atext, subject, text, attach, key;
};

static const struct product products[] = {
	{ "无线蓝牙耳机", "wireless earbuds", "EB-1023", 'E', 29900 },
	{ "扫地机器人", "robot vacuum", "RV-2210", 'E', 159900 },
	{ "笔记本电脑", "laptop", "NB-7740", 'E', 599900 },
	{ "智能手表", "smart watch", "SW-0312", 'E', 129900 },
	{ "空气炸锅", "air fryer", "AF-0451", 'E', 39900 },
	{ "电饭煲", "rice cooker", "RC-0098", 'E', 29900 },
	{ "手机", "smartphone", "PH-1501", 'E', 399900 },
	{ "充电宝", "power bank", "PB-0020", 'E', 9900 },
	{ "羽绒服", "down jacket", "DJ-3306", 'G', 89900 },
	{ "运动鞋", "running shoes", "RS-4412", 'G', 49900 },
	{ "儿童安全座椅", "child car seat", "CS-0707", 'G', 129900 },
	{ "床上四件套", "bedding set", "BS-1188", 'G', 25900 },
	{ "补水面膜", "face masks", "FM-0605", 'G', 8800 },
	{ "行李箱", "suitcase", "LG-2024", 'G', 35900 },
	{ "婴儿奶粉", "infant formula", "IF-0900", 'F', 32800 },
	{ "坚果礼盒", "nut gift box", "NG-1111", 'F', 12850 },
	{ "纯牛奶", "milk (24 cartons)", "MK-0024", 'F', 5990 },
	{ "进口车厘子", "imported cherries", "CH-0301", 'F', 19900 },
	{ "速冻水饺", "frozen dumplings", "DP-0066", 'F', 3580 },
	{ "蛋白粉", "protein powder", "WP-0500", 'F', 26900 },
};

/*
 * Placeholders: {P} product, {D} order date, {N} days, {C} carrier,
 * {A} amount, {O} order number.
 */
static const struct problem problems[] = {
	/* product quality */
	{ "商品与描述不符", "收到的{P}和详情页描述不符，颜色和尺寸都不一样。",
	  "Item not as described",
	  "The {P} I received does not match the listing: wrong colour "
	  "and wrong size.", 0, 0 },
	{ "商品质量问题", "{D}买的{P}用了不到一周就坏了，完全没法用。",
	  "Product broke within a week",
	  "The {P} I bought on {D} broke after less than a week of use.",
	  0, 0 },
	{ "商品功能缺失", "{P}宣传的功能根本没有，说明书上也找不到。",
	  "Advertised feature missing",
	  "The {P} was sold with a feature it simply does not have.",
	  'E', 0 },
	{ "疑似假货", "收到的{P}做工粗糙，防伪码查不到，怀疑是假货。",
	  "Suspected counterfeit",
	  "The {P} looks fake: poor finish, and the authenticity code "
	  "does not verify.", 'G', 0 },
	{ "少件漏发", "订单里买了两件{P}，只收到一件。", "Missing item",
	  "I ordered two of the {P} but only one arrived.", 0, 0 },
	/* logistics */
	{ "快递延迟送达", "{P}下单已经{N}天了还没收到，物流一直显示运输中，"
	  "{C}也联系不上。", "Late delivery",
	  "It has been {N} days and my {P} has still not arrived. Tracking "
	  "has said in transit for days and {C} does not answer.", 0, 1 },
	{ "包裹破损", "收到的包裹外箱破损严重，{P}摔坏了，快递员让我先签收。",
	  "Damaged parcel",
	  "The parcel arrived crushed and the {P} inside is broken; the "
	  "courier made me sign for it first.", 0, 1 },
	{ "物流信息错误", "物流显示已签收，但我根本没有收到{P}，驿站也说没有。",
	  "Marked delivered but not received",
	  "Tracking says delivered but I never received the {P}, and the "
	  "pickup point has no record of it.", 0, 1 },
	{ "快递员服务问题", "{C}的快递员不送货上门，直接把{P}放在楼下。",
	  "Courier left parcel outside",
	  "The {C} courier would not deliver to the door and left the {P} "
	  "downstairs.", 0, 1 },
	/* after-sales */
	{ "退款未到账", "{P}退货已经签收{N}天了，退款{A}还没到账。",
	  "Refund not received",
	  "The warehouse received my returned {P} {N} days ago, but the "
	  "refund of {A} has not arrived.", 0, 2 },
	{ "退货申请被拒", "申请七天无理由退货被驳回，理由是影响二次销售，"
	  "可是{P}我都没拆封。", "Return refused",
	  "My return request for the {P} was rejected, although it is "
	  "unopened and within 7 days.", 'G', 2 },
	{ "维修久拖不决", "{P}送修{N}天了，一直说在检测，没有任何进展。",
	  "Repair taking too long",
	  "The {P} has been at the repair centre for {N} days with no "
	  "progress at all.", 'E', 2 },
	{ "保修不认", "{P}在保修期内出现故障，售后却说是人为损坏，不给保修。",
	  "Warranty refused",
	  "The {P} failed within warranty, but after-sales says it is user "
	  "damage and will not repair it.", 'E', 2 },
	/* system failure */
	{ "App闪退", "打开App查看订单就闪退，重装了也不行。", "App crashes",
	  "The app crashes every time I open my orders, even after "
	  "reinstalling it.", 0, 3 },
	{ "支付失败但已扣款", "付款时提示支付失败，但银行卡已经扣了{A}，"
	  "订单却显示未支付。", "Charged but payment failed",
	  "Checkout said the payment failed, yet my card was charged {A} "
	  "and the order shows as unpaid.", 0, 3 },
	{ "无法提交订单", "购买{P}时一直提示系统繁忙，无法提交订单，"
	  "错过了活动价。", "Cannot place order",
	  "Trying to buy the {P}, the site kept saying the system is busy, "
	  "and I missed the sale price.", 0, 3 },
	{ "重复扣款", "同一笔订单被扣了两次款，每次{A}。", "Charged twice",
	  "I was charged twice for the same order, {A} each time.", 0, 3 },
	/* account security */
	{ "账号被盗", "我的账号被盗了，收货地址被改，还用我的余额买了{P}。",
	  "Account hacked",
	  "My account was taken over: the delivery address was changed and "
	  "a {P} was bought with my balance.", 0, 4 },
	{ "银行卡被盗刷", "凌晨收到短信，绑定的银行卡被盗刷{A}，"
	  "我本人没有任何操作。", "Unauthorised card charge",
	  "I got a text at night that my linked card was charged {A}; I "
	  "made no such purchase.", 0, 4 },
	{ "个人信息泄露", "下单后就接到冒充客服的诈骗电话，能准确说出我的"
	  "订单号和地址，怀疑信息泄露。", "Personal data leaked",
	  "After ordering I got scam calls from fake agents who knew my "
	  "order number and address.", 0, 4 },
	/* platform rules */
	{ "优惠券无法使用", "领的满减优惠券下单时不能用，页面也没写限制条件。",
	  "Coupon not honoured",
	  "The coupon I claimed could not be used at checkout, and no "
	  "restriction was shown.", 0, 5 },
	{ "先涨价后打折", "{P}活动前先涨价再打折，属于价格欺诈。",
	  "Misleading discount",
	  "The price of the {P} was raised right before the sale and then "
	  "'discounted'.", 0, 5 },
	{ "价保不兑现", "{D}买的{P}第二天就降价了，申请价保被拒绝。",
	  "Price protection refused",
	  "The {P} I bought on {D} dropped in price the next day and my "
	  "price-protection claim was refused.", 0, 5 },
	{ "会员自动续费", "会员被自动续费扣了{A}，之前没有任何提醒。",
	  "Unwanted auto-renewal",
	  "My membership was renewed automatically for {A} without any "
	  "reminder.", 0, 5 },
	/* service attitude */
	{ "客服态度差", "联系在线客服，对方态度恶劣，问题没解决就直接结束了对话。",
	  "Rude support agent",
	  "The chat agent was rude and closed the conversation without "
	  "solving anything.", 0, 6 },
	{ "推诿扯皮", "客服和商家互相推诿，打了五次电话都说让我等。",
	  "Passed back and forth",
	  "Support and the seller keep passing me back and forth; five "
	  "calls and they all say wait.", 0, 6 },
	{ "承诺未兑现", "客服承诺48小时内回电，到现在都没人联系我。",
	  "Promised call-back never came",
	  "Support promised a call back within 48 hours and nobody has "
	  "called.", 0, 6 },
	/* suggestions and inquiries */
	{ "建议增加夜间人工客服", "建议增加夜间人工客服，晚上出问题只能和机器人聊。",
	  "Suggestion: night-time support",
	  "Please add human support at night; after 10pm there is only "
	  "the bot.", 0, 7 },
	{ "建议简化退货流程", "退货流程太复杂，建议支持上门取件一键退货。",
	  "Suggestion: simpler returns",
	  "Returns are too complicated; please offer one-click returns "
	  "with pickup.", 0, 7 },
	{ "咨询发货时间", "请问{P}什么时候能发货？页面写的是48小时内发货。",
	  "When will my order ship?",
	  "When will the {P} ship? The page said within 48 hours.", 0, 7 },
	{ "咨询开发票", "请问怎么开增值税专用发票？", "How do I get an invoice?",
	  "How do I get a VAT invoice for my order?", 0, 7 },
	/* food safety */
	{ "食品过期", "收到的{P}已经过期了，生产日期是去年的。",
	  "Expired food",
	  "The {P} I received is past its expiry date.", 'F', 8 },
	{ "食品有异物", "{P}里吃出了异物，像是头发，太恶心了。",
	  "Foreign object in food",
	  "I found a foreign object, like a hair, in the {P}.", 'F', 8 },
	{ "食用后身体不适", "孩子吃了{P}以后上吐下泻，去医院花了{A}。",
	  "Illness after eating",
	  "My child was sick after eating the {P}; the hospital cost {A}.",
	  'F', 8 },
};

static const struct remedy remedies[] = {
	{ "return", "退货", "return", "a return" },
	{ "return", "退货退款", "return and refund", "a return and refund" },
	{ "exchange", "换货", "exchange", "an exchange" },
	{ "repair", "维修", "repair", "a repair" },
	{ "refund", "退款", "refund", "a full refund" },
	{ "refund", "仅退款", "refund", "my money back" },
	{ "compensation", "赔偿", "compensation", "compensation" },
	{ "compensation", "假一赔三", "compensation", "triple compensation" },
	{ "reship", "补发", "replacement", "a replacement" },
	{ "apology", "道歉", "apology", "an apology" },
};

static const struct channel channels[] = {
	{ "app", "app", "app", 30 }, { "web", "web", "web", 15 },
	{ "chat", "在线客服", "chat", 20 }, { "phone", "电话", "phone", 10 },
	{ "wechat", "微信", "wechat", 8 }, { "email", "邮件", "email", 5 },
	{ "weibo", "微博", "weibo", 4 }, { "douyin", "抖音", "douyin", 5 },
	{ "store", "门店", "store", 3 },
};

/* CFPB product, sub-product, issue and sub-issue, by problem group. */
static const char *const cfpbmap[][4] = {
	{ "Credit card or prepaid card",
	  "General-purpose credit card or charge card",
	  "Problem with a purchase shown on your statement",
	  "Credit card company isn't resolving a dispute about a purchase "
	  "on your statement" },
	{ "Credit card or prepaid card", "Store credit card",
	  "Problem with a purchase shown on your statement",
	  "Card was charged for something you did not purchase with the "
	  "card" },
	{ "Checking or savings account", "Checking account",
	  "Managing an account", "Deposits and withdrawals" },
	{ "Money transfer, virtual currency, or money service",
	  "Mobile or digital wallet",
	  "Unauthorized transactions or other transaction problem", "" },
	{ "Credit card or prepaid card", "General-purpose prepaid card",
	  "Fraud or scam", "" },
	{ "Credit card or prepaid card", "Store credit card",
	  "Fees or interest", "Problem with fees" },
	{ "Money transfer, virtual currency, or money service",
	  "Mobile or digital wallet",
	  "Managing, opening, or closing your mobile wallet account", "" },
	{ "Checking or savings account", "Other banking product or service",
	  "Opening an account", "Didn't receive terms that were disclosed" },
	{ "Debt collection", "Other debt", "Attempts to collect debt not owed",
	  "Debt is not yours" },
};

static const char *const zh_open[] = {
	"", "", "", "你好，", "您好，", "客服你好，", "我要投诉！",
	"麻烦处理一下：", "第二次反映这个问题了，", "【紧急】",
};
static const char *const en_open[] = {
	"", "", "", "Hello. ", "Hi there. ", "To whom it may concern: ",
	"Complaint: ", "Second time writing about this. ",
};
static const char *const zh_detail[] = {
	"已经联系过客服三次了。", "附上照片为证。", "这已经是第二次遇到这种情况。",
	"我是你们的老客户了，非常失望。", "订单号是{O}。", "金额{A}。",
	"我已经打了12315。", "请尽快处理，谢谢。", "买来送人的，现在很尴尬。",
	"型号: X1, 颜色: 黑色, 数量: 1。", "快递是{C}的。",
	"客服说\"已经加急处理\"，结果还是没有消息。",
	"页面上明明写着\"正品保证, 假一赔十\"。",
	"快递员说\"放门口了\"，可门口什么都没有。",
};
static const char *const en_detail[] = {
	"I have contacted support three times already.", "Photos attached.",
	"This is the second time this has happened.", "Order number {O}.",
	"Amount paid: {A}.", "I have been a customer for years, and I am "
	"very disappointed.", "Please sort this out, thanks.",
	"It was a gift, which makes this embarrassing.",
	"The agent said \"we will call you back within 24 hours\", but "
	"nobody did.", "The listing says \"100% genuine, ships in 24h\".",
	"Shipped with {C}.", "Model X1, black, qty 1.",
};
static const char *const zh_demand[] = {
	"要求{R}。", "希望尽快{R}，否则我会向12315投诉。", "请给我{R}！",
	"我的诉求是{R}。", "",
};
static const char *const en_demand[] = {
	"I am asking for {R}.", "I want {R}, or I will report this.",
	"Please arrange {R} as soon as possible.", "",
};
static const char *const zh_surname[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
	"马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "欧阳",
};
static const char *const zh_given[] = {
	"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋",
	"勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "晓东", "子涵",
	"欣怡", "浩然", "一诺", "思远",
};
static const char *const en_first[] = {
	"James", "Mary", "John", "Linda", "Wei", "Emily", "Michael", "Sarah",
	"David", "Olivia", "Ahmed", "Yuki",
};
static const char *const en_last[] = {
	"Smith", "Johnson", "Brown", "Lee", "Garcia", "Wang", "Chen",
	"Miller", "O'Brien", "Wilson", "Tanaka", "Khan",
};
static const char *const mailhosts[] = {
	"qq.com", "163.com", "126.com", "gmail.com", "outlook.com",
	"foxmail.com", "sina.com", "icloud.com", "yahoo.com",
};
static const char *const pinyin[] = {
	"wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu",
	"zhou", "xiaoming", "lily", "tony", "happy", "sunny", "echo",
};
/* Carriers in pairs: Chinese, English. */
static const char *const carriers[][2] = {
	{ "顺丰速运", "SF Express" }, { "中通快递", "ZTO Express" },
	{ "圆通速递", "YTO Express" }, { "韵达快递", "Yunda Express" },
	{ "京东物流", "JD Logistics" }, { "邮政EMS", "China Post EMS" },
	{ "申通快递", "STO Express" }, { "极兔速递", "J&T Express" },
};
static const char *const warehouses[] = {
	"华东一仓(上海嘉定)", "北京亚洲一号", "广州增城仓", "成都双流仓",
	"武汉东西湖仓", "沈阳于洪仓", "",
};
static const char *const regions[] = {
	"上海市浦东新区", "北京市朝阳区", "广东省深圳市南山区", "广东省广州市天河区",
	"浙江省杭州市西湖区", "江苏省南京市鼓楼区", "四川省成都市武侯区",
	"湖北省武汉市洪山区", "陕西省西安市雁塔区", "辽宁省沈阳市和平区",
	"新疆维吾尔自治区乌鲁木齐市", "",
};
static const char *const zh_agents[] = {
	"客服-小美", "客服007", "王芳(A017)", "李强", "智能客服", "",
};
static const char *const en_agents[] = {
	"Lily (A017)", "Tom (A102)", "bot", "Grace", "",
};
static const char *const mphone[] = {
	"130", "131", "132", "135", "136", "137", "138", "139", "150", "151",
	"152", "155", "158", "159", "176", "177", "180", "186", "188", "199",
};
static const char *const companies[] = {
	"NORTHWIND BANK, N.A.", "CONTOSO CARD SERVICES, INC.",
	"FABRIKAM PAY LLC", "TAILSPIN ONLINE RETAIL CORP.",
	"WOODGROVE FINANCIAL", "ADVENTURE WORKS CREDIT UNION",
};
static const char *const states[] = {
	"CA", "NY", "TX", "FL", "IL", "PA", "OH", "GA", "NC", "MI", "NJ", "VA",
	"WA", "AZ", "MA", "", "PR",
};
static const char *const tags[] = {
	"", "", "", "", "Older American", "Servicemember",
	"Older American, Servicemember",
};
static const char *const via[] = {
	"Web", "Web", "Web", "Referral", "Phone", "Postal mail", "Email", "Fax",
};
static const char *const responses[] = {
	"Closed with explanation", "Closed with explanation",
	"Closed with monetary relief", "Closed with non-monetary relief",
	"In progress", "Untimely response",
};
static const char *const publicresp[] = {
	"", "", "Company has responded to the consumer and the CFPB and "
	"chooses not to provide a public response",
	"Company believes it acted appropriately as authorized by contract "
	"or law", "Company has actively engaged with the consumer",
};
static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec",
};
static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

static const char *const headers[] = {
	"工单号,投诉时间,渠道,客户ID,客户姓名,手机号,邮箱,订单号,商品编号,批次,"
	"仓库,快递公司,地区,涉及金额,问题标题,问题描述,期望解决方式,附件,首接客服",
	"Conversation ID,Started At,Channel,Customer ID,Customer Name,Phone,"
	"Email,Order ID,SKU,Amount,Subject,Message,Expected Resolution,Agent,"
	"Attachments",
	"Date received,Product,Sub-product,Issue,Sub-issue,Consumer complaint "
	"narrative,Company public response,Company,State,ZIP code,Tags,"
	"Consumer consent provided?,Submitted via,Date sent to company,"
	"Company response to consumer,Timely response?,Consumer disputed?,"
	"Complaint ID",
};

static struct cx_buf out;
static uint64_t seed = 1;

static uint64_t
next(struct rng *r)
{
	uint64_t z;

	z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n), by multiplying rather than by modulo. */
static unsigned
pick(struct rng *r, size_t n)
{
	return (unsigned)(((next(r) >> 32) * (uint64_t)n) >> 32);
}

static int
chance(struct rng *r, unsigned pct)
{
	return pick(r, 100) < pct;
}

static void
seed_rng(struct rng *r, uint64_t stream, uint64_t n)
{
	r->s = seed * 0xd1342543de82ef95ULL + stream;
	r->s = next(r) ^ n;
	next(r);
}

static void
adds(struct cx_buf *b, const char *s)
{
	cx_buf_add(b, s, strlen(s));
}

/* Decimal, zero-padded to width. */
static void
addu(struct cx_buf *b, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n < width && n < (int)sizeof(tmp))
		tmp[sizeof(tmp) - 1 - n++] = '0';
	cx_buf_add(b, tmp + sizeof(tmp) - n, (size_t)n);
}

static void
adddigits(struct cx_buf *b, struct rng *r, int n)
{
	while (n-- > 0)
		cx_buf_addc(b, '0' + (int)pick(r, 10));
}

static void
flush(int force)
{
	if (out.len == 0 || (!force && out.len < FLUSH_AT))
		return;
	if (fwrite(out.p, 1, out.len, stdout) != out.len)
		err(2, "stdout");
	out.len = 0;
}

/* Times are seconds since 2026-01-01 00:00 local time (UTC+8). */
static void
civil(long t, int *mo, int *d, int *h, int *mi, int *s)
{
	long day = t / 86400, sec = t % 86400;
	int m = 0;

	while (m < 11 && day >= mdays[m])
		day -= mdays[m++];
	*mo = m + 1;
	*d = (int)day + 1;
	*h = (int)(sec / 3600);
	*mi = (int)(sec / 60 % 60);
	*s = (int)(sec % 60);
}

/* The formats exports use; fmt picks one. */
static void
addtime(struct cx_buf *b, long t, int fmt)
{
	int mo, d, h, mi, s;

	civil(t, &mo, &d, &h, &mi, &s);
	switch (fmt) {
	case 0:		/* 2026-11-22 10:30:00 */
	case 4:		/* 2026-11-22T10:30:00+08:00 */
		adds(b, "2026-");
		addu(b, mo, 2);
		cx_buf_addc(b, '-');
		addu(b, d, 2);
		cx_buf_addc(b, fmt == 0 ? ' ' : 'T');
		addu(b, h, 2);
		cx_buf_addc(b, ':');
		addu(b, mi, 2);
		cx_buf_addc(b, ':');
		addu(b, s, 2);
		if (fmt == 4)
			adds(b, "+08:00");
		break;
	case 1:		/* 2026/11/22 10:30 */
		adds(b, "2026/");
		addu(b, mo, 2);
		cx_buf_addc(b, '/');
		addu(b, d, 2);
		cx_buf_addc(b, ' ');
		addu(b, h, 2);
		cx_buf_addc(b, ':');
		addu(b, mi, 2);
		break;
	case 2:		/* 2026年11月22日 10时30分 */
		adds(b, "2026年");
		addu(b, mo, 0);
		adds(b, "月");
		addu(b, d, 0);
		adds(b, "日 ");
		addu(b, h, 2);
		adds(b, "时");
		addu(b, mi, 2);
		adds(b, "分");
		break;
	case 3:		/* 11/22/2026 10:30 AM */
		addu(b, mo, 2);
		cx_buf_addc(b, '/');
		addu(b, d, 2);
		adds(b, "/2026 ");
		addu(b, h % 12 == 0 ? 12 : h % 12, 0);
		cx_buf_addc(b, ':');
		addu(b, mi, 2);
		adds(b, h < 12 ? " AM" : " PM");
		break;
	case 5:		/* 2026-11-22, CFPB */
		adds(b, "2026-");
		addu(b, mo, 2);
		cx_buf_addc(b, '-');
		addu(b, d, 2);
		break;
	}
}

static void
addmoney(struct cx_buf *b, long cents, int fmt)
{
	long whole = cents / 100, frac = cents % 100;

	switch (fmt) {
	case 0:		/* ¥1,299.00 */
		adds(b, "¥");
		if (whole >= 1000) {
			addu(b, whole / 1000, 0);
			cx_buf_addc(b, ',');
			addu(b, whole % 1000, 3);
		} else
			addu(b, whole, 0);
		cx_buf_addc(b, '.');
		addu(b, frac, 2);
		return;
	case 1:		/* ￥88 */
		adds(b, "￥");
		break;
	case 3:		/* RMB 50 */
		adds(b, "RMB ");
		break;
	case 4:		/* $12.99 */
		cx_buf_addc(b, '$');
		addu(b, whole, 0);
		cx_buf_addc(b, '.');
		addu(b, frac, 2);
		return;
	case 5:		/* {$12.99}, as CFPB narratives show amounts */
		adds(b, "{$");
		addu(b, whole, 0);
		cx_buf_addc(b, '.');
		addu(b, frac, 2);
		cx_buf_addc(b, '}');
		return;
	}
	/* The shortest form: 88, 129.5, 12.99. */
	addu(b, whole, 0);
	if (frac != 0) {
		cx_buf_addc(b, '.');
		if (frac % 10 == 0)
			addu(b, frac / 10, 0);
		else
			addu(b, frac, 2);
	}
	if (fmt == 2)
		adds(b, "元");
}

static const struct product *
pick_product(struct rng *r, char kind)
{
	const struct product *p;

	do
		p = &PICK(r, products);
	while (kind != 0 && p->kind != kind);
	return p;
}

static const struct channel *
pick_channel(struct rng *r)
{
	unsigned total = 0, w;
	size_t i;

	for (i = 0; i < nitems(channels); i++)
		total += channels[i].weight;
	w = pick(r, total);
	for (i = 0; w >= channels[i].weight; i++)
		w -= channels[i].weight;
	return &channels[i];
}

/* A customer from the pool: the same number, the same person. */
static void
customer(struct tk *k, uint64_t who)
{
	struct rng r;
	const char *host;
	unsigned i;

	seed_rng(&r, 2, who);
	if (chance(&r, 75)) {
		adds(&k->name, PICK(&r, zh_surname));
		if (chance(&r, 15))
			adds(&k->name, chance(&r, 50) ? "女士" : "先生");
		else
			adds(&k->name, PICK(&r, zh_given));
	} else {
		adds(&k->name, PICK(&r, en_first));
		cx_buf_addc(&k->name, ' ');
		adds(&k->name, PICK(&r, en_last));
	}
	adds(&k->e164, "+86");
	adds(&k->e164, PICK(&r, mphone));
	adddigits(&k->e164, &r, 8);
	host = PICK(&r, mailhosts);
	if (strcmp(host, "qq.com") == 0)
		addu(&k->email, 10000000 + pick(&r, 2000000000), 0);
	else {
		adds(&k->email, PICK(&r, pinyin));
		if (chance(&r, 70))
			addu(&k->email, pick(&r, 10000), 0);
	}
	cx_buf_addc(&k->email, '@');
	adds(&k->email, host);
	i = pick(&r, 3);
	adds(&k->cid, i == 0 ? "U" : i == 1 ? "" : "C-");
	addu(&k->cid, 10000000 + who, 0);
}

/* The phone as the customer typed it this time. */
static void
typed_phone(struct tk *k, struct rng *r)
{
	const char *d = k->e164.p + 3;

	switch (pick(r, 5)) {
	case 0:		/* 138 0013 8000 */
		cx_buf_add(&k->phone, d, 3);
		cx_buf_addc(&k->phone, ' ');
		cx_buf_add(&k->phone, d + 3, 4);
		cx_buf_addc(&k->phone, ' ');
		cx_buf_add(&k->phone, d + 7, 4);
		break;
	case 1:		/* +86-138-0013-8000 */
		adds(&k->phone, "+86-");
		cx_buf_add(&k->phone, d, 3);
		cx_buf_addc(&k->phone, '-');
		cx_buf_add(&k->phone, d + 3, 4);
		cx_buf_addc(&k->phone, '-');
		cx_buf_add(&k->phone, d + 7, 4);
		break;
	case 4:
		if (chance(r, 50))
			break;	/* none given */
		/* FALLTHROUGH */
	default:	/* 13800138000 */
		cx_buf_add(&k->phone, d, 11);
	}
}

/* Expand a phrase's placeholders. */
static void
expand(struct tk *k, struct cx_buf *b, const char *s, int cfpb)
{
	const char *p;
	int mo, d, h, mi, sec;

	while ((p = strchr(s, '{')) != NULL && p[1] != '\0' && p[2] == '}') {
		cx_buf_add(b, s, (size_t)(p - s));
		switch (p[1]) {
		case 'A':
			if (cfpb)
				addmoney(b, k->cents > 0 ? k->cents :
				    k->pd->cents / 7, 5);
			else
				cx_buf_add(b, k->atext.p, k->atext.len);
			break;
		case 'C':
			adds(b, k->carrier[k->lang]);
			break;
		case 'D':
			civil(k->t - k->days * 86400L, &mo, &d, &h, &mi, &sec);
			if (cfpb)
				adds(b, "XX/XX/XXXX");
			else if (k->lang == ZH) {
				addu(b, mo, 0);
				adds(b, "月");
				addu(b, d, 0);
				adds(b, "日");
			} else {
				adds(b, months[mo - 1]);
				cx_buf_addc(b, ' ');
				addu(b, d, 0);
			}
			break;
		case 'N':
			addu(b, k->days, 0);
			break;
		case 'O':
			if (cfpb)
				adds(b, "XXXX");
			else
				cx_buf_add(b, k->order.p, k->order.len);
			break;
		case 'P':
			adds(b, k->lang == ZH ? k->pd->zh : k->pd->en);
			break;
		case 'R':
			adds(b, k->lang == ZH ? k->rm->zh : k->rm->phrase);
			break;
		default:
			cx_buf_add(b, p, 3);
		}
		s = p + 3;
	}
	adds(b, s);
}

/* A detail sentence that makes sense here and does not say prev again. */
static const char *
detail(struct tk *k, struct rng *r, const char *prev)
{
	const char *s;

	do
		s = k->lang == ZH ? PICK(r, zh_detail) : PICK(r, en_detail);
	while (s == prev ||
	    (k->order.len == 0 && strstr(s, "{O}") != NULL));
	return s;
}

static void
compose_text(struct tk *k, struct rng *r, int cfpb)
{
	struct cx_buf *b = &k->text;
	const char *sep, *d = NULL;
	unsigned i, n;
	int zh = k->lang == ZH, para = chance(r, 10);

	sep = para ? "\n" : zh ? "" : " ";
	expand(k, b, zh ? PICK(r, zh_open) : PICK(r, en_open), cfpb);
	expand(k, b, zh ? k->pb->zb : k->pb->eb, cfpb);
	n = pick(r, 4);
	if (chance(r, 3))
		n += 10 + pick(r, 30);	/* a long letter */
	for (i = 0; i < n; i++) {
		adds(b, para && chance(r, 30) ? "\n\n" : sep);
		d = detail(k, r, d);
		expand(k, b, d, cfpb);
	}
	if (k->rm != NULL) {
		adds(b, sep);
		expand(k, b, zh ? PICK(r, zh_demand) : PICK(r, en_demand),
		    cfpb);
	}
	/* Trailing blanks and separators are not worth keeping. */
	while (b->len > 0 && (b->p[b->len - 1] == ' ' ||
	    b->p[b->len - 1] == '\n'))
		b->len--;
}

#define TKBUFS(k)	{ &(k)->cid, &(k)->name, &(k)->phone, &(k)->e164, \
	&(k)->email, &(k)->order, &(k)->amount, &(k)->atext, &(k)->subject, \
	&(k)->text, &(k)->attach, &(k)->key }

static void
reset(struct tk *k, int release)
{
	struct cx_buf *b[] = TKBUFS(k);
	size_t i;

	for (i = 0; i < nitems(b); i++)
		if (release)
			cx_buf_free(b[i]);
		else
			b[i]->len = 0;
}

/* Build complaint number serial (from 1); fmt shapes the language mix. */
static void
build(struct tk *k, int fmt, uint64_t serial)
{
	static const unsigned enpct[] = { 15, 45, 100, 40 };
	/* addmoney's formats; -1 is no amount. */
	static const int amountfmts[] = { 0, 0, 1, 2, 3, 4, 6, -1 };
	struct rng r;
	uint64_t who;
	long day;
	int afmt;

	reset(k, 0);
	seed_rng(&r, 1, serial);
	k->serial = serial;
	k->lang = chance(&r, enpct[fmt]) ? EN : ZH;
	k->pb = &PICK(&r, problems);
	k->pd = pick_product(&r, k->pb->kind);
	k->ch = pick_channel(&r);
	k->rm = k->pb->cat == 7 || chance(&r, 10) ? NULL : &PICK(&r, remedies);
	k->carrier = carriers[pick(&r, nitems(carriers))];
	k->days = 2 + (int)pick(&r, 19);
	/* 2026-10-01 to 2026-11-23, mostly in the daytime. */
	day = 273 + pick(&r, 54);
	k->t = day * 86400 + (chance(&r, 85) ? 8 + pick(&r, 15) :
	    pick(&r, 24)) * 3600L + pick(&r, 3600);

	k->anon = chance(&r, 6);
	if (!k->anon) {
		who = chance(&r, 20) ? pick(&r, NFREQUENT) :
		    pick(&r, NCUSTOMERS);
		customer(k, who);
		typed_phone(k, &r);
		if (chance(&r, 40))
			k->email.len = 0;
		else if (chance(&r, 5) && k->email.p[0] >= 'a')
			k->email.p[0] &= ~0x20;	/* "Wang@..." */
		if (chance(&r, 10))
			k->cid.len = 0;
	}

	if (k->pb->cat != 7 || chance(&r, 30)) {
		switch (pick(&r, 3)) {
		case 0:		/* Taobao-like, above 2^53 */
			cx_buf_addc(&k->order, '3');
			adddigits(&k->order, &r, 18);
			break;
		case 1:		/* JD-like */
			cx_buf_addc(&k->order, '2');
			adddigits(&k->order, &r, 11);
			break;
		default:
			adds(&k->order, "DD");
			addu(&k->order, serial * 7919 % 100000000, 8);
		}
	}

	k->cents = k->pd->cents * (70 + (long)pick(&r, 31)) / 100;
	if (chance(&r, 50))
		k->cents -= k->cents % 100;
	else if (chance(&r, 30))
		k->cents -= k->cents % 10;
	if (k->cents < 100)
		k->cents = 100;
	afmt = PICK(&r, amountfmts);
	k->usd = afmt == 4;
	if (k->usd)
		k->cents = k->cents / 700 * 100 + 99;
	if (afmt >= 0) {
		addmoney(&k->amount, k->cents, afmt);
		cx_buf_add(&k->atext, k->amount.p, k->amount.len);
	} else {
		k->cents = 0;	/* no amount given */
		addmoney(&k->atext, k->pd->cents, k->lang == ZH ? 2 : 3);
	}

	expand(k, &k->subject, k->lang == ZH ? k->pb->zt : k->pb->et, 0);
	if (chance(&r, 10)) {
		adds(&k->subject, " - ");
		adds(&k->subject, k->lang == ZH ? k->pd->zh : k->pd->en);
	}
	compose_text(k, &r, fmt == F_CFPB);

	switch (pick(&r, 8)) {
	case 0:
	case 1:
		adds(&k->attach, "IMG_2026");
		addu(&k->attach, serial % 1000000, 6);
		adds(&k->attach, ".jpg");
		break;
	case 2:
		adds(&k->attach, "photo1.jpg;photo2.jpg");
		break;
	case 3:
		adds(&k->attach, "https://img.example.cn/u/");
		addu(&k->attach, next(&r) % 1000000000, 9);
		adds(&k->attach, ".png");
		break;
	}
	addu(&k->key, next(&r), 20);
}

static void
csv(struct cx_buf *b, const char *s, size_t n, int first)
{
	const char *p, *end = s + n;

	if (!first)
		cx_buf_addc(b, ',');
	for (p = s; p < end; p++)
		if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
			break;
	if (p == end) {
		cx_buf_add(b, s, n);
		return;
	}
	cx_buf_addc(b, '"');
	while ((p = memchr(s, '"', (size_t)(end - s))) != NULL) {
		cx_buf_add(b, s, (size_t)(p - s) + 1);
		cx_buf_addc(b, '"');
		s = p + 1;
	}
	cx_buf_add(b, s, (size_t)(end - s));
	cx_buf_addc(b, '"');
}

static void
csvs(const char *s)
{
	csv(&out, s, strlen(s), 0);
}

#define CSVB(b)		csv(&out, (b).p, (b).len, 0)
#define CSVS(s)		csvs(s)

static void
put_helpdesk(struct tk *k, struct rng *r)
{
	int mo, d, h, mi, s;

	adds(&out, "GD");
	civil(k->t, &mo, &d, &h, &mi, &s);
	addu(&out, 2026, 0);
	addu(&out, mo, 2);
	addu(&out, d, 2);
	addu(&out, k->serial, 7);
	cx_buf_addc(&out, ',');
	addtime(&out, k->t, chance(r, 55) ? 0 : (int)pick(r, 4));
	CSVS(k->lang == EN && chance(r, 50) ? k->ch->en : k->ch->zh);
	CSVB(k->cid);
	CSVB(k->name);
	CSVB(k->phone);
	CSVB(k->email);
	CSVB(k->order);
	CSVS(k->pd->sku);
	if (k->pd->kind == 'F' || chance(r, 30)) {
		adds(&out, ",B");
		addu(&out, 20260000 + mo * 100 + (d + 13) % 28 + 1, 0);
		cx_buf_addc(&out, '-');
		addu(&out, k->serial % 17, 2);
	} else
		cx_buf_addc(&out, ',');
	CSVS(PICK(r, warehouses));
	CSVS(k->carrier[ZH]);
	CSVS(PICK(r, regions));
	CSVB(k->amount);
	CSVB(k->subject);
	CSVB(k->text);
	CSVS(k->rm == NULL ? "" : k->lang == ZH ? k->rm->zh : k->rm->en);
	CSVB(k->attach);
	CSVS(PICK(r, zh_agents));
	adds(&out, "\r\n");
}

static void
put_chat(struct tk *k, struct rng *r)
{
	static const char hex[] = "0123456789abcdef";
	/* A bijection on 48 bits: unique ids that do not look sequential. */
	uint64_t id = (k->serial * 0x5851f42d4c95ULL) & 0xffffffffffffULL;
	int i;

	adds(&out, "cv_");
	for (i = 44; i >= 0; i -= 4)
		cx_buf_addc(&out, hex[id >> i & 15]);
	cx_buf_addc(&out, ',');
	addtime(&out, k->t, (int)pick(r, 5));
	CSVS(k->lang == EN || chance(r, 30) ? k->ch->en : k->ch->zh);
	CSVB(k->cid);
	CSVB(k->name);
	CSVB(k->phone);
	CSVB(k->email);
	CSVB(k->order);
	CSVS(k->pd->sku);
	CSVB(k->amount);
	if (chance(r, 70))
		CSVB(k->subject);
	else
		cx_buf_addc(&out, ',');
	CSVB(k->text);
	CSVS(k->rm == NULL ? "" : k->lang == ZH ? k->rm->zh : k->rm->en);
	CSVS(k->lang == ZH ? PICK(r, zh_agents) : PICK(r, en_agents));
	CSVB(k->attach);
	adds(&out, "\r\n");
}

static void
put_cfpb(struct tk *k, struct rng *r)
{
	const char *const *m = cfpbmap[k->pb->cat];
	int i;

	addtime(&out, k->t, 5);
	for (i = 0; i < 4; i++)
		CSVS(m[i]);
	CSVB(k->text);
	CSVS(PICK(r, publicresp));
	CSVS(PICK(r, companies));
	CSVS(PICK(r, states));
	cx_buf_addc(&out, ',');
	if (chance(r, 40)) {
		addu(&out, pick(r, 900) + 100, 3);
		adds(&out, "XX");
	} else
		addu(&out, 10000 + pick(r, 89999), 5);
	CSVS(PICK(r, tags));
	CSVS(chance(r, 90) ? "Consent provided" : "Consent not provided");
	CSVS(PICK(r, via));
	cx_buf_addc(&out, ',');
	addtime(&out, k->t + pick(r, 3) * 86400L, 5);
	CSVS(PICK(r, responses));
	CSVS(chance(r, 97) ? "Yes" : "No");
	CSVS(chance(r, 80) ? "N/A" : chance(r, 50) ? "No" : "Yes");
	cx_buf_addc(&out, ',');
	addu(&out, 9000000 + k->serial, 0);
	adds(&out, "\r\n");
}

static void
jstr(struct cx_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *run = p;

	cx_buf_addc(b, '"');
	for (; p < end; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		cx_buf_add(b, run, (size_t)(p - run));
		run = p + 1;
		cx_buf_addc(b, '\\');
		if (*p == '\n')
			cx_buf_addc(b, 'n');
		else if (*p == '\r')
			cx_buf_addc(b, 'r');
		else if (*p == '"' || *p == '\\')
			cx_buf_addc(b, *p);
		else
			cx_buf_printf(b, "u%04x", *p);
	}
	cx_buf_add(b, run, (size_t)(end - run));
	cx_buf_addc(b, '"');
}

/* ,"key":"value" */
static void
jkv(const char *key, const char *s, size_t n)
{
	cx_buf_addc(&out, ',');
	jstr(&out, key, strlen(key));
	cx_buf_addc(&out, ':');
	jstr(&out, s, n);
}

#define JB(key, b)	jkv((key), (b).p, (b).len)
#define JS(key, s)	jkv((key), (s), strlen(s))

static void
put_jsonl(struct tk *k, struct rng *r)
{
	struct cx_buf *o = &out;
	int mo, d, h, mi, s;
	long reg;
	size_t i;

	civil(k->t, &mo, &d, &h, &mi, &s);
	adds(o, "{\"id\":\"CX-2026");
	addu(o, mo, 2);
	addu(o, d, 2);
	cx_buf_addc(o, '-');
	addu(o, k->serial, 4);
	adds(o, "\",\"source\":{\"channel\":\"");
	adds(o, k->ch->code);
	adds(o, "\",\"file\":\"");
	adds(o, k->ch->code);
	adds(o, "-export-2026");
	addu(o, mo, 2);
	addu(o, d, 2);
	adds(o, ".csv\",\"line\":");
	addu(o, k->serial + 1, 0);
	adds(o, ",\"key\":\"");
	cx_buf_add(o, k->key.p, k->key.len);
	adds(o, "\"},\"channel\":\"");
	adds(o, k->ch->code);
	adds(o, "\",\"received_at\":\"");
	addtime(o, k->t, 4);
	adds(o, "\",\"registered_at\":\"");
	reg = k->t + 60 + pick(r, 7200);
	addtime(o, reg, 4);
	adds(o, "\",\"customer\":{");
	if (k->anon)
		adds(o, "\"anonymous\":true}");
	else {
		adds(o, "\"name\":");
		jstr(o, k->name.p, k->name.len);
		if (k->cid.len > 0)
			JB("id", k->cid);
		if (k->phone.len > 0)
			JB("phone", k->e164);
		if (k->email.len > 0) {
			for (i = 0; i < k->email.len; i++)
				if (k->email.p[i] >= 'A' && k->email.p[i] <= 'Z')
					k->email.p[i] |= 0x20;
			JB("email", k->email);
		}
		cx_buf_addc(o, '}');
	}
	if (k->order.len > 0)
		JB("order_id", k->order);
	JS("sku", k->pd->sku);
	if (k->cents > 0) {
		adds(o, ",\"amount\":");
		addu(o, k->cents / 100, 0);
		cx_buf_addc(o, '.');
		addu(o, k->cents % 100, 2);
		JS("currency", k->usd ? "USD" : "CNY");
	}
	JB("subject", k->subject);
	JB("text", k->text);
	if (k->rm != NULL)
		JS("expectation", k->rm->code);
	adds(o, ",\"status\":\"new\",\"history\":[{\"at\":\"");
	addtime(o, reg, 4);
	adds(o, "\",\"by\":\"cx-ingest\",\"action\":\"registered\"}]}\n");
}

/* Write complaint number serial: the same serial, the same bytes. */
static void
put(struct tk *k, int fmt, uint64_t serial)
{
	struct rng r;

	build(k, fmt, serial);
	seed_rng(&r, 3, serial);
	switch (fmt) {
	case F_HELPDESK:
		put_helpdesk(k, &r);
		break;
	case F_CHAT:
		put_chat(k, &r);
		break;
	case F_CFPB:
		put_cfpb(k, &r);
		break;
	default:
		put_jsonl(k, &r);
	}
	flush(0);
}

static long long
number(const char *s, const char *what, long long min)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno == ERANGE || v < min)
		errx(2, "%s: invalid %s (at least %lld)", s, what, min);
	return v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: cxgen [-d dup_every] [-f format] [-n count] "
	    "[-s seed]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const char *const formats[] = {
		"helpdesk-zh", "chat", "cfpb", "jsonl",
	};
	struct tk k;
	struct rng dup;
	long long count = 1000, dupk = 0, i;
	uint64_t orig = 0;
	int c, fmt = F_HELPDESK;

	while ((c = getopt(argc, argv, "d:f:n:s:")) != -1) {
		switch (c) {
		case 'd':
			dupk = number(optarg, "dup_every", 2);
			break;
		case 'f':
			for (fmt = 0; fmt < (int)nitems(formats); fmt++)
				if (strcmp(optarg, formats[fmt]) == 0)
					break;
			if (fmt == (int)nitems(formats))
				errx(2, "%s: unknown format (helpdesk-zh, "
				    "chat, cfpb, jsonl)", optarg);
			break;
		case 'n':
			count = number(optarg, "count", 0);
			break;
		case 's':
			seed = (uint64_t)number(optarg, "seed", 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	memset(&k, 0, sizeof(k));
	seed_rng(&dup, 4, 0);
	if (fmt != F_JSONL) {
		adds(&out, headers[fmt]);
		adds(&out, "\r\n");
	}
	for (i = 1; i <= count; i++) {
		if (dupk > 0 && i % dupk == 0)
			put(&k, fmt, 1 + (next(&dup) % orig));
		else
			put(&k, fmt, ++orig);
	}
	flush(1);
	reset(&k, 1);
	cx_buf_free(&out);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(2, "stdout");
	return 0;
}
