//! The words of a generated centre: customer names and files, what customers say on a visit,
//! what a ticket reports and how it was resolved. Invented, varied enough that lists and
//! search results do not look like one row repeated.

use huifang_domain::CustomerClass;
use huifang_domain::ticket::Nature;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const COMPANY_WORDS: &[&str] = &[
    "恒达", "鑫源", "华美", "永利", "东方", "安居", "瑞丰", "新城", "金桥", "远航", "嘉禾", "盛世",
];
const COMPANY_KINDS: &[&str] = &["物业", "商贸", "酒店", "餐饮", "学校", "医院", "写字楼"];
const PRODUCTS: &[&str] = &[
    "空调",
    "冰箱",
    "洗衣机",
    "电视",
    "热水器",
    "空气净化器",
    "扫地机器人",
    "电饭煲",
    "油烟机",
    "净水器",
];

/// A customer as the generator files it: (name, class, vip, contact, summary).
pub type CustomerRow = (String, CustomerClass, bool, String, String);

/// One customer: mostly people, some companies; classes skewed towards B and C, a few VIPs.
pub fn customer(rng: &mut StdRng) -> CustomerRow {
    let product = PRODUCTS.choose(rng).copied().unwrap_or("空调");
    let month = rng.random_range(1..=12);
    if rng.random_bool(0.08) {
        let name = format!(
            "{}{}",
            COMPANY_WORDS.choose(rng).copied().unwrap_or("恒达"),
            COMPANY_KINDS.choose(rng).copied().unwrap_or("物业")
        );
        let contact = format!(
            "0{}{:08}",
            rng.random_range(10..=99),
            rng.random_range(0..100_000_000)
        );
        let units = rng.random_range(3..=40);
        let summary = format!("{month} 月采购 {product} {units} 台,年度保养合同");
        return (
            name,
            CustomerClass::A,
            rng.random_bool(0.4),
            contact,
            summary,
        );
    }
    let surname = SURNAMES.choose(rng).copied().unwrap_or("王");
    let title = if rng.random_bool(0.5) {
        "先生"
    } else {
        "女士"
    };
    let class = match rng.random_range(0..100) {
        0..10 => CustomerClass::A,
        10..45 => CustomerClass::B,
        45..85 => CustomerClass::C,
        _ => CustomerClass::D,
    };
    let contact = if rng.random_bool(0.02) {
        String::new()
    } else {
        format!(
            "1{}{:09}",
            rng.random_range(3..=9),
            rng.random_range(0..1_000_000_000)
        )
    };
    let summary = format!("{month} 月购买 {product},{}", after_sale(rng));
    (
        format!("{surname}{title}"),
        class,
        rng.random_bool(0.05),
        contact,
        summary,
    )
}

fn after_sale(rng: &mut StdRng) -> &'static str {
    [
        "送货安装完成",
        "上门维修一次",
        "参加以旧换新活动",
        "延保客户",
        "首次购买,新客户",
        "投诉过送货延迟,已处理",
    ]
    .choose(rng)
    .copied()
    .unwrap_or("新客户")
}

/// What a reached customer said, in keeping with the score they gave.
pub fn verbatim(rng: &mut StdRng, satisfaction: u8) -> String {
    let lines: &[&str] = match satisfaction {
        5 => &[
            "师傅很专业,一次就修好了",
            "送货准时,安装干净利落,很满意",
            "产品用着挺好,没什么问题",
            "服务态度很好,讲解也很耐心",
        ],
        4 => &[
            "整体还可以,就是预约等了两天",
            "修好了,师傅来之前打个电话就更好了",
            "用着还行,说明书写得有点复杂",
        ],
        3 => &[
            "一般吧,问题解决了但是跑了两趟",
            "东西还行,客服电话太难打通",
            "安装师傅迟到了一个小时",
        ],
        _ => &[
            "修了两次还是有噪音,很失望",
            "说好周六送货,拖到下周三才到",
            "打了三次电话都没人给个准话",
            "机器用了一个月就坏了,要求换货",
        ],
    };
    let line = lines.choose(rng).copied().unwrap_or("还可以");
    // A second clause on some records, so the same sentence does not repeat for a million rows.
    match rng.random_range(0..4) {
        0 => format!("{line},{}", PRODUCTS.choose(rng).copied().unwrap_or("空调")),
        _ => line.to_owned(),
    }
}

/// The sub-problems by how often they are reported: a few carry most reports.
pub const SUB_PROBLEMS: [(Nature, &str, u32); 9] = [
    (Nature::Experience, "logistics_delay", 34),
    (Nature::Product, "quality_defect", 22),
    (Nature::Service, "slow_response", 14),
    (Nature::Service, "attitude", 9),
    (Nature::Product, "function", 7),
    (Nature::Experience, "complicated_process", 6),
    (Nature::Experience, "damaged_packaging", 4),
    (Nature::Service, "shirking", 2),
    (Nature::Product, "design", 2),
];

/// A ticket's description for its sub-problem.
pub fn description(rng: &mut StdRng, sub_problem: &str) -> String {
    let product = PRODUCTS.choose(rng).copied().unwrap_or("空调");
    let days = rng.random_range(2..=9);
    match sub_problem {
        "logistics_delay" => format!("{product}订单显示已发货 {days} 天,物流一直没有更新"),
        "quality_defect" => format!("{product}使用 {days} 天后出现故障,要求检测"),
        "slow_response" => format!("报修 {days} 天了还没有人上门"),
        "attitude" => "客服没等说完就挂断电话,要求道歉".to_owned(),
        "function" => format!("{product}的定时功能不能用"),
        "complicated_process" => "退货要填三张表、跑两次门店,流程太复杂".to_owned(),
        "damaged_packaging" => format!("{product}送到时外包装破损,担心内部受损"),
        "shirking" => "售后和门店互相推诿,没人负责".to_owned(),
        _ => format!("{product}的按键设计不合理,老人不会用"),
    }
}

/// The written resolution of a ticket.
pub fn resolution(rng: &mut StdRng) -> String {
    [
        "已上门检测并更换故障部件,客户确认正常使用",
        "已联系物流加急配送,并赠送一次免费清洁保养",
        "已向客户致歉,当班客服已重新培训",
        "已为客户办理换货,新机已送达",
        "已简化退货流程为线上一张申请单,并电话说明",
        "已安排工程师复查,问题解决",
    ]
    .choose(rng)
    .copied()
    .unwrap_or("已处理")
    .to_owned()
}

/// The display name prefix of a generated login.
pub fn staff_title(role: huifang_domain::Role) -> &'static str {
    match role {
        huifang_domain::Role::Agent => "坐席",
        huifang_domain::Role::Field => "外勤",
        huifang_domain::Role::Supervisor => "主管",
        huifang_domain::Role::Admin => "管理员",
    }
}
