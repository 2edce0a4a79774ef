//! Demo data (`huifang serve --demo`): four logins and a dozen invented customers, created on
//! the first start of an empty database only. Every name and number here is made up.

use chrono::{DateTime, Utc};
use huifang_domain::{CustomerClass, Role};
use rusqlite::{Transaction, params};
use serde_json::json;

use super::auth::{has_users, insert_user};
use super::{Store, audit, new_id, next_version, to_sql_int};
use crate::credentials::hash_password;
use crate::error::Result;
use crate::store::NewUser;

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
        self.blocking(move |db| {
            if db.read(has_users)? {
                return Ok(None);
            }
            // Hashed before taking the write lock: argon2 is slow on purpose.
            let hashes = USERS
                .iter()
                .map(|_| hash_password(DEMO_PASSWORD))
                .collect::<Result<Vec<_>>>()?;
            db.write(|tx| {
                // Checked again under the lock: another instance may have seeded meanwhile.
                if has_users(tx)? {
                    return Ok(None);
                }
                let mut logins = Vec::new();
                for ((username, display_name, role, agent_no), hash) in USERS.iter().zip(&hashes) {
                    let new = NewUser {
                        username: (*username).to_owned(),
                        display_name: (*display_name).to_owned(),
                        role: *role,
                        agent_no: (*agent_no).to_owned(),
                        password: DEMO_PASSWORD.to_owned(),
                    };
                    insert_user(tx, &new, hash, now)?;
                    logins.push(DemoLogin {
                        username,
                        display_name,
                        role: *role,
                    });
                }
                for customer in CUSTOMERS {
                    insert_customer(tx, customer, now)?;
                }
                Ok(Some(logins))
            })
        })
        .await
    }
}

fn insert_customer(
    tx: &Transaction,
    (name, class, vip, contact, summary): (&str, CustomerClass, bool, &str, &str),
    now: DateTime<Utc>,
) -> Result<()> {
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
    audit(tx, now, None, "customer.create", "customer", id, &after)
}
