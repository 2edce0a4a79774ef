//! Demo data (`huifang serve --demo`): four logins, a dozen invented customers, settings,
//! call scripts, survey templates, visit tasks and some past visits, created on the first
//! start of an empty database only. Every name, number and place here is made up.

use chrono::{DateTime, Duration, SubsecRound, Timelike, Utc};
use huifang_domain::devices::DeviceReport;
use huifang_domain::proof::{Place, Signature};
use huifang_domain::script::{Audience, ScriptUse};
use huifang_domain::survey::{Answer, SurveyResponse};
use huifang_domain::task::{Priority, QuietHours, TaskSource, TaskStatus, VisitTask};
use huifang_domain::{
    Channel, CustomerClass, Demand, Emotion, Mutation, Outcome, PushRequest, Role, Settings, User,
    VisitRecord, VisitType,
};
use rusqlite::{Transaction, params};
use serde_json::json;
use uuid::Uuid;

use super::auth::has_users;
use super::{
    Store, audit, catalog, demo_content, new_id, next_version, tasks, to_json, to_sql_int,
};
use crate::error::{AppError, Result};
use crate::service;
use crate::service::auth::NewUser;

/// Shared by every demo login; printed at start-up, so never use `--demo` in production.
pub const DEMO_PASSWORD: &str = "huifang-demo";

/// A login created by the demo seed, for the start-up banner.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
}

const USERS: [(&str, &str, Role, &str); 4] = [
    ("field", "李明 (外勤)", Role::Field, "F001"),
    ("agent", "王芳", Role::Agent, "A002"),
    ("supervisor", "陈主管", Role::Supervisor, "S001"),
    ("admin", "管理员", Role::Admin, "M001"),
];

/// (name, class, vip, contact, summary)
const CUSTOMERS: [(&str, CustomerClass, bool, &str, &str); 12] = [
    (
        "王女士",
        CustomerClass::A,
        true,
        "13812345678",
        "2026-10 购买 空调 KFR-35GW,11-02 上门维修",
    ),
    (
        "刘先生",
        CustomerClass::B,
        false,
        "13987654321",
        "2026-09 购买 冰箱 BCD-520,10-15 投诉送货延迟",
    ),
    (
        "鑫源商贸",
        CustomerClass::A,
        true,
        "02188886666",
        "2026-08 采购 商用空调 6 台,季度保养合同",
    ),
    (
        "匿名客户",
        CustomerClass::D,
        false,
        "",
        "2026-11 热线投诉 安装师傅迟到,未留姓名",
    ),
    (
        "张阿姨",
        CustomerClass::C,
        false,
        "13700001111",
        "2026-07 购买 洗衣机 XQG100,11-10 参加以旧换新活动",
    ),
    (
        "陈先生",
        CustomerClass::B,
        true,
        "15800002222",
        "2026-11 购买 电视 65 英寸,11-18 送货安装",
    ),
    (
        "赵女士",
        CustomerClass::C,
        false,
        "18600003333",
        "2026-06 购买 热水器 JSQ30,10-28 维修 更换温控器",
    ),
    (
        "李先生",
        CustomerClass::A,
        false,
        "13500004444",
        "2026-11 首次购买 扫地机器人,新客户",
    ),
    (
        "孙女士",
        CustomerClass::D,
        false,
        "13600005555",
        "2025-12 购买 电饭煲,节日关怀名单",
    ),
    (
        "周先生",
        CustomerClass::B,
        false,
        "13300006666",
        "2026-10 投诉 客服未等说完就挂断,已致歉",
    ),
    (
        "恒达物业",
        CustomerClass::B,
        true,
        "075566667777",
        "2026-09 采购 空气净化器 20 台,11-05 售后巡检",
    ),
    (
        "吴女士",
        CustomerClass::C,
        false,
        "17700007777",
        "2026-11-20 销售上门拜访,待回访确认",
    ),
];

impl Store {
    /// Seeds the demo data if the database has no users yet; returns the logins it created,
    /// or `None` when there was already someone (so a restart changes nothing).
    pub async fn seed_demo(&self, now: DateTime<Utc>) -> Result<Option<Vec<DemoLogin>>> {
        if self.blocking(|db| db.read(has_users)).await? {
            return Ok(None);
        }
        // Hashed before queueing the write: argon2 is slow on purpose.
        let mut hashes = Vec::new();
        for _ in USERS {
            hashes.push(self.passwords.hash(DEMO_PASSWORD.to_owned()).await?);
        }
        self.write(move |tx| {
            // Checked again under the lock: another instance may have seeded meanwhile.
            if has_users(tx)? {
                return Ok(None);
            }
            let mut logins = Vec::new();
            let mut users = Vec::new();
            for ((username, display_name, role, agent_no), hash) in USERS.iter().zip(&hashes) {
                let new = NewUser {
                    username: (*username).to_owned(),
                    display_name: (*display_name).to_owned(),
                    role: *role,
                    agent_no: (*agent_no).to_owned(),
                    password: DEMO_PASSWORD.to_owned(),
                };
                users.push(service::auth::add_user(tx, &new, hash, now)?);
                logins.push(DemoLogin {
                    username,
                    display_name,
                    role: *role,
                });
            }
            let customers = CUSTOMERS
                .into_iter()
                .map(|c| insert_customer(tx, c, now))
                .collect::<Result<Vec<_>>>()?;
            seed_field_work(tx, &users, &customers, now)?;
            Ok(Some(logins))
        })
        .await
    }
}

/// Adds one customer, audited like any other creation (the seed generator's customers too).
pub(crate) fn insert_customer(
    tx: &Transaction,
    (name, class, vip, contact, summary): (&str, CustomerClass, bool, &str, &str),
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = new_id();
    let version = next_version(tx)?;
    tx.execute(
        "INSERT INTO customers (id, name, class, vip, contact, summary, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.to_string(),
            name,
            class.as_str(),
            vip,
            contact,
            summary,
            to_sql_int(version)
        ],
    )?;
    // The audit trail keeps the masked contact: it is read more widely than the customer table.
    let after = json!({
        "name": name,
        "class": class.as_str(),
        "vip": vip,
        "contact_masked": huifang_domain::mask_contact(contact),
        "summary": summary,
    });
    audit(tx, now, None, "customer.create", "customer", id, &after)?;
    Ok(id)
}

/// Indexes into [`CUSTOMERS`].
const WANG: usize = 0;
const LIU: usize = 1;
const XINYUAN: usize = 2;
const ZHANG: usize = 4;
const CHEN: usize = 5;
const ZHAO: usize = 6;
const LI: usize = 7;
const SUN: usize = 8;
const ZHOU: usize = 9;
const HENGDA: usize = 10;
const WU: usize = 11;

/// What a new centre configures before the first visit: settings, call scripts and survey
/// templates.
pub(crate) struct Catalog {
    pub settings: Settings,
    pub scripts: [huifang_domain::script::Script; 4],
    pub satisfaction: huifang_domain::survey::Survey,
    pub repair: huifang_domain::survey::Survey,
}

/// Writes the demo's settings, scripts and surveys (the seed generator uses them too).
pub(crate) fn seed_catalog(tx: &Transaction, now: DateTime<Utc>) -> Result<Catalog> {
    let settings = Settings {
        company: "惠方电器".to_owned(),
        utc_offset_minutes: 8 * 60,
        quiet_hours: QuietHours::default(),
        target_minutes: [5, 10],
        record_within_minutes: 10,
        device_silent_days: 3,
    };
    catalog::write_settings(tx, &settings, None, now)?;
    let script_ids: [Uuid; 4] = std::array::from_fn(|_| new_id());
    let scripts = demo_content::scripts(script_ids);
    for script in &scripts {
        catalog::insert_script(tx, script, None, now)?;
    }
    let satisfaction = demo_content::satisfaction_survey(new_id());
    let repair = demo_content::repair_survey(new_id());
    catalog::insert_survey(tx, &satisfaction, None, now)?;
    catalog::insert_survey(tx, &repair, None, now)?;
    Ok(Catalog {
        settings,
        scripts,
        satisfaction,
        repair,
    })
}

/// Settings, scripts, surveys, the day's tasks for `field` and `agent`, and past visits so
/// customer files have a history. Times are relative to the seed time, so the demo always
/// has something due today, something overdue and something upcoming.
fn seed_field_work(
    tx: &Transaction,
    users: &[User],
    customers: &[Uuid],
    now: DateTime<Utc>,
) -> Result<()> {
    let Catalog {
        settings,
        scripts,
        satisfaction,
        repair,
    } = seed_catalog(tx, now)?;

    let user = |name: &str| {
        users
            .iter()
            .find(|u| u.username == name)
            .ok_or_else(|| AppError::Internal(format!("demo user {name} missing")))
    };
    let (field, agent) = (user("field")?, user("agent")?);
    let offset = catalog::offset(&settings)?;
    let local = now.with_timezone(&offset);
    let midnight =
        now.trunc_subsecs(0) - Duration::seconds(i64::from(local.num_seconds_from_midnight()));
    let at = |days: i64, hour: i64| midnight + Duration::days(days) + Duration::hours(hour);
    // A window that stays "today" whatever the hour of the seed (late at night included).
    let today = (at(0, 9), at(0, 20).max(now + Duration::hours(3)));
    let overdue = (at(-2, 9), at(-1, 18));
    let tomorrow = (at(1, 9), at(1, 18));
    let later = (at(3, 9), at(4, 18));

    let plan = |who: &User,
                customer: usize,
                visit_type: VisitType,
                channel: Channel,
                priority: Priority,
                (due_from, due_until): (DateTime<Utc>, DateTime<Utc>),
                note: &str| VisitTask {
        id: new_id(),
        customer_id: customers[customer],
        assignee: who.id,
        visit_type,
        planned_channel: channel,
        priority,
        due_from,
        due_until,
        attempt: 1,
        source: TaskSource::Plan,
        status: TaskStatus::Open,
        note: note.to_owned(),
        retry_reason: None,
        version: 0,
    };
    use Channel::{OnSite, Phone};
    use VisitType::*;
    let liu_task = plan(
        agent,
        LIU,
        Complaint,
        Phone,
        Priority::High,
        today,
        "冰箱送货延迟投诉已处理完毕,3 日内回访确认",
    );
    let planned = [
        plan(
            field,
            WANG,
            Repair,
            OnSite,
            Priority::High,
            today,
            "空调外机噪音复查,带上减震垫",
        ),
        plan(
            field,
            HENGDA,
            AfterSales,
            OnSite,
            Priority::Normal,
            today,
            "20 台空气净化器售后巡检,请物业负责人签字",
        ),
        plan(
            field,
            ZHAO,
            Repair,
            OnSite,
            Priority::Normal,
            today,
            "工单回访:更换温控器后复查水温",
        ),
        plan(
            field,
            ZHANG,
            Satisfaction,
            OnSite,
            Priority::Normal,
            overdue,
            "以旧换新活动后的满意度回访,老人独居,说话慢一点",
        ),
        plan(
            field,
            CHEN,
            AfterSales,
            OnSite,
            Priority::Normal,
            tomorrow,
            "65 英寸电视送货安装后回访",
        ),
        liu_task.clone(),
        plan(
            agent,
            ZHOU,
            Complaint,
            Phone,
            Priority::High,
            overdue,
            "投诉:客服未等说完就挂断,致歉后回访",
        ),
        plan(
            agent,
            LI,
            Activation,
            Phone,
            Priority::Normal,
            today,
            "首次购买扫地机器人,介绍使用和保养",
        ),
        plan(
            agent,
            WU,
            VisitCheck,
            Phone,
            Priority::Normal,
            today,
            "确认销售 24 小时内的上门拜访是否属实",
        ),
        plan(
            agent,
            XINYUAN,
            Satisfaction,
            Phone,
            Priority::Normal,
            tomorrow,
            "季度保养合同客户,月度满意度回访",
        ),
        plan(agent, SUN, Care, Phone, Priority::Low, later, "节日关怀"),
    ];
    for task in planned {
        tasks::insert_task(tx, task, None, now)?;
    }

    let [complaint, _, satisfaction_script, repair_script] = &scripts;
    let used = |script: &huifang_domain::script::Script, audience, steps: &[&str]| {
        Some(ScriptUse {
            script_id: script.id,
            version: script.version,
            audience,
            steps_done: steps.iter().map(|s| (*s).to_owned()).collect(),
        })
    };
    let answers = |survey: &huifang_domain::survey::Survey, pairs: Vec<(&str, Answer)>| {
        Some(SurveyResponse {
            survey_id: survey.id,
            version: survey.version,
            answers: pairs.into_iter().map(|(k, a)| (k.to_owned(), a)).collect(),
        })
    };
    let reached =
        |customer: usize,
         channel,
         visit_type,
         when: DateTime<Utc>,
         (satisfaction, emotion, verbatim): (u8, Emotion, &str)| VisitRecord {
            satisfaction: Some(satisfaction),
            emotion: Some(emotion),
            verbatim: verbatim.to_owned(),
            demand: Some(Demand::None),
            duration_secs: Some(420),
            ..VisitRecord::new(
                customers[customer],
                channel,
                visit_type,
                Outcome::Reached,
                when,
            )
        };
    let all_steps = |s: &huifang_domain::script::Script| -> Vec<String> {
        s.steps.iter().map(|st| st.key.clone()).collect()
    };
    let complaint_steps = all_steps(complaint);
    let complaint_steps: Vec<&str> = complaint_steps.iter().map(String::as_str).collect();

    let agent_visits = vec![
        VisitRecord {
            demand: Some(Demand::Apology),
            follow_up: "联系物流核实延迟原因,3 日内回电说明".to_owned(),
            script: used(complaint, Audience::Angry, &complaint_steps),
            ..reached(
                LIU,
                Phone,
                Complaint,
                at(-10, 10),
                (
                    2,
                    Emotion::Angry,
                    "冰箱说好周六送,拖到下周三才到,打了三次电话都没人给个准话",
                ),
            )
        },
        VisitRecord {
            demand: Some(Demand::Apology),
            follow_up: "已转主管:调取当班通话录音,核实后由主管回电致歉".to_owned(),
            escalate: true,
            script: used(
                complaint,
                Audience::Angry,
                &["opening", "identity", "open_question", "apology"],
            ),
            ..reached(
                ZHOU,
                Phone,
                Complaint,
                at(-12, 15),
                (
                    1,
                    Emotion::Angry,
                    "客服未等我说完就挂断电话,我再打过去又要从头说一遍",
                ),
            )
        },
        VisitRecord {
            script: used(
                satisfaction_script,
                Audience::Vip,
                &["opening", "identity", "survey", "closing"],
            ),
            survey: answers(
                &satisfaction,
                vec![
                    ("overall", Answer::Number(4)),
                    ("resolved", Answer::YesNo(true)),
                    ("nps", Answer::Number(8)),
                    ("mood", Answer::Number(3)),
                    ("contact_by", Answer::Choices(vec!["微信".to_owned()])),
                    (
                        "advice",
                        Answer::Text("保养预约能不能快一点,每次要等两三天".to_owned()),
                    ),
                ],
            ),
            ..reached(
                XINYUAN,
                Phone,
                Satisfaction,
                at(-30, 10),
                (
                    4,
                    Emotion::Satisfied,
                    "保养师傅很专业,就是每次预约要等两三天",
                ),
            )
        },
        VisitRecord {
            task_id: Some(liu_task.id),
            duration_secs: Some(40),
            ..VisitRecord::new(
                customers[LIU],
                Phone,
                Complaint,
                Outcome::NoAnswer,
                now - Duration::hours(3),
            )
        },
    ];
    let signature = Signature {
        width: 600,
        height: 200,
        strokes: vec![
            (0..30).map(|i| [40 + i * 8, 120 - (i % 6) * 10]).collect(),
            (0..20).map(|i| [300 + i * 6, 60 + i * 5]).collect(),
        ],
    };
    let field_visits = vec![
        VisitRecord {
            follow_up: "外机噪音:下次上门加装减震垫".to_owned(),
            signature: Some(signature.clone()),
            place: Some(Place::Fix {
                lat_e6: 31_228_611,
                lon_e6: 121_474_182,
                accuracy_m: 15,
                at: at(-20, 14),
            }),
            script: used(
                repair_script,
                Audience::Vip,
                &["opening", "open_question", "confirm_problem", "closing"],
            ),
            survey: answers(
                &repair,
                vec![
                    ("fixed", Answer::YesNo(true)),
                    ("on_time", Answer::YesNo(true)),
                    ("overall", Answer::Number(4)),
                    (
                        "advice",
                        Answer::Text("外机声音还有点大,希望再来看看".to_owned()),
                    ),
                ],
            ),
            ..reached(
                WANG,
                OnSite,
                Repair,
                at(-20, 14),
                (
                    4,
                    Emotion::Satisfied,
                    "师傅上门很准时,空调制冷恢复了,就是外机声音还有点大",
                ),
            )
        },
        VisitRecord {
            signature: Some(signature),
            place: Some(Place::Unavailable),
            script: used(
                repair_script,
                Audience::Elderly,
                &["opening", "open_question", "closing"],
            ),
            survey: answers(
                &repair,
                vec![
                    ("fixed", Answer::YesNo(true)),
                    ("on_time", Answer::YesNo(true)),
                    ("overall", Answer::Number(5)),
                ],
            ),
            ..reached(
                ZHAO,
                OnSite,
                Repair,
                at(-25, 16),
                (
                    5,
                    Emotion::Satisfied,
                    "换了温控器以后水温稳定了,师傅还教我怎么调温度",
                ),
            )
        },
    ];
    push_visits(tx, agent, agent_visits, now)?;
    push_visits(tx, field, field_visits, now)?;
    seed_tickets(tx, users, customers, now)
}

/// A few tickets at different points of the loop, made through the push path like the
/// visits: a hotline complaint assigned to `agent`, a logistics delay waiting for routing, an
/// urgent defect with property loss, a resolved case awaiting `field`'s revisit, and an
/// anonymous complaint closed with its written reply.
fn seed_tickets(
    tx: &Transaction,
    users: &[User],
    customers: &[Uuid],
    now: DateTime<Utc>,
) -> Result<()> {
    let user = |name: &str| {
        users
            .iter()
            .find(|u| u.username == name)
            .ok_or_else(|| AppError::Internal(format!("demo user {name} missing")))
    };
    let (field, agent, supervisor) = (user("field")?, user("agent")?, user("supervisor")?);
    let intake = |customer: Option<usize>,
                  reporter: &str,
                  channel: &str,
                  (nature, sub_problem): (&str, &str),
                  description: &str,
                  emotion: Option<&str>,
                  demand: &str| {
        json!({
            "customer_id": customer.map(|c| customers[c]),
            "reporter": reporter,
            "channel": channel,
            "nature": nature,
            "sub_problem": sub_problem,
            "description": description,
            "emotion": emotion,
            "demand": demand,
        })
    };
    let ids: [Uuid; 5] = std::array::from_fn(|_| new_id());
    let [attitude, delay, leak, late_install, anonymous] = ids;
    let earlier = |minutes: i64| now - Duration::minutes(minutes);
    let m = |id: Uuid, kind: &str, minutes: i64, data: serde_json::Value| {
        (id, kind.to_owned(), earlier(minutes), data)
    };

    push_mutations(
        tx,
        agent,
        vec![
            m(
                attitude,
                "ticket.create",
                95,
                intake(
                    Some(ZHOU),
                    "周先生",
                    "hotline",
                    ("service", "attitude"),
                    "来电称上次咨询时客服态度冷淡,没等说完就挂断,要求道歉并改进",
                    Some("angry"),
                    "emotional",
                ),
            ),
            m(
                delay,
                "ticket.create",
                80,
                intake(
                    Some(LIU),
                    "刘先生",
                    "app",
                    ("experience", "logistics_delay"),
                    "App 留言:冰箱订单显示已发货五天,物流一直没有更新",
                    Some("agitated"),
                    "improvement",
                ),
            ),
            m(
                anonymous,
                "ticket.create",
                300,
                intake(
                    None,
                    "",
                    "social_media",
                    ("experience", "complicated_process"),
                    "微博评论:退货要填三张表、跑两次门店,流程太复杂",
                    Some("unsatisfied"),
                    "improvement",
                ),
            ),
        ],
        now,
    )?;
    push_mutations(
        tx,
        field,
        vec![
            m(leak, "ticket.create", 60, {
                let mut d = intake(
                    Some(HENGDA),
                    "物业 黄经理",
                    "visit",
                    ("product", "quality_defect"),
                    "巡检发现 3 楼会议室空气净化器底部漏水,泡坏了一块木地板",
                    Some("agitated"),
                    "compensation",
                );
                d["property_loss"] = json!(true);
                d
            }),
            m(
                late_install,
                "ticket.create",
                240,
                intake(
                    Some(CHEN),
                    "陈先生",
                    "visit",
                    ("service", "slow_response"),
                    "电视安装师傅迟到两个小时,也没有提前打电话说明",
                    Some("unsatisfied"),
                    "emotional",
                ),
            ),
        ],
        now,
    )?;
    let assign = |to: &User| json!({"action": "assign", "set": {"assignee": to.id}, "base": {}});
    push_mutations(
        tx,
        supervisor,
        vec![
            m(attitude, "ticket.update", 90, assign(agent)),
            m(late_install, "ticket.update", 230, assign(field)),
            m(anonymous, "ticket.update", 290, assign(agent)),
            m(
                leak,
                "ticket.update",
                55,
                json!({"note": "已通知质量部,明早安排工程师上门检测并评估地板损失"}),
            ),
        ],
        now,
    )?;
    push_mutations(
        tx,
        agent,
        vec![
            m(
                attitude,
                "ticket.update",
                70,
                json!({"action": "start",
                "note": "已调取当班录音,确认客服未听完诉求即结束通话"}),
            ),
            m(anonymous, "ticket.update", 280, json!({"action": "start"})),
            m(
                anonymous,
                "ticket.update",
                120,
                json!({"action": "resolve", "set": {
                "resolution": "书面回复:感谢反馈。退货已简化为线上一张申请单,门店当场办结,无需再跑第二次。"}}),
            ),
        ],
        now,
    )?;
    push_mutations(
        tx,
        field,
        vec![
            m(
                late_install,
                "ticket.update",
                220,
                json!({"action": "start",
                "note": "已向安装队核实:前一单延误,未按规定提前告知客户"}),
            ),
            m(
                late_install,
                "ticket.update",
                150,
                json!({"action": "resolve", "set": {
                "resolution": "向客户致歉并赠送一次免费清洁保养;安装队已重申迟到须提前 30 分钟电话告知"}}),
            ),
        ],
        now,
    )
}

/// Pushes one user's mutations `(entity id, kind, device time, data)` from a fresh device.
fn push_mutations(
    tx: &Transaction,
    user: &User,
    list: Vec<(Uuid, String, DateTime<Utc>, serde_json::Value)>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mutations = list
        .into_iter()
        .zip(1..)
        .map(|((id, kind, at, data), seq)| Mutation {
            seq,
            id,
            kind,
            at,
            data,
        })
        .collect();
    let req = PushRequest {
        device_id: new_id(),
        mutations,
    };
    let answer = service::sync::push(tx, user, &req, &DeviceReport::default(), now)?;
    match answer.rejected.first() {
        Some(r) => Err(AppError::Internal(format!("demo mutation rejected: {r:?}"))),
        None => Ok(()),
    }
}

/// Past visits go through the very push path a tablet uses, so they obey every rule, close
/// their tasks and schedule their retries exactly like real ones.
fn push_visits(
    tx: &Transaction,
    user: &User,
    records: Vec<VisitRecord>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mutations = records
        .iter()
        .zip(1..)
        .map(|(record, seq)| {
            Ok(Mutation {
                seq,
                id: new_id(),
                kind: "visit.record".to_owned(),
                at: record.contacted_at + Duration::minutes(8),
                data: to_json(record)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let req = PushRequest {
        device_id: new_id(),
        mutations,
    };
    let answer = service::sync::push(tx, user, &req, &DeviceReport::default(), now)?;
    match answer.rejected.first() {
        Some(r) => Err(AppError::Internal(format!("demo visit rejected: {r:?}"))),
        None => Ok(()),
    }
}
