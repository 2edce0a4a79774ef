//! Key names below the namespace: the storage layout of the device, which must not change
//! without a migration.

use uuid::Uuid;

pub const META: &str = "meta";
pub const SESSION: &str = "session";
pub const CURSOR: &str = "cursor";
/// The snapshot of a first pull still paging (absent otherwise).
pub const PULL_SNAPSHOT: &str = "pull_snapshot";
/// Where the single draft of schema 1 lived; schema 2 keeps one key per draft.
pub const OLD_DRAFT: &str = "draft/visit";
pub const DRAFT: &str = "draft/";
pub const TASK: &str = "task/";
pub const SCRIPT: &str = "script/";
pub const SURVEY: &str = "survey/";
pub const FILE: &str = "file/";
pub const SETTINGS: &str = "settings";
pub const LAST_SYNC: &str = "last_sync";
pub const LANG: &str = "lang";
pub const DEVICE: &str = "device/";
pub const OUTBOX: &str = "outbox/";
pub const VISIT: &str = "visit/";
pub const CUSTOMER: &str = "customer/";
pub const REJECTED: &str = "rejected/";
pub const TICKET: &str = "ticket/";
/// Users a supervisor can assign tickets to, as last read from the server.
pub const USERS: &str = "users";
/// The ticket rules (grading, clocks, calendar, routing) as last pulled.
pub const TICKET_RULES: &str = "ticket_rules";

pub fn device(user: Uuid) -> String {
    format!("{DEVICE}{user}")
}
/// The prefix of `user`'s queued mutations.
pub fn outbox_of(user: Uuid) -> String {
    format!("{OUTBOX}{user}/")
}
pub fn outbox(user: Uuid, seq: u64) -> String {
    format!("{OUTBOX}{user}/{seq}")
}
/// The prefix of `user`'s rejected mutations.
pub fn rejected_of(user: Uuid) -> String {
    format!("{REJECTED}{user}/")
}
pub fn rejected(user: Uuid, seq: u64) -> String {
    format!("{REJECTED}{user}/{seq}")
}
pub fn visit(id: Uuid) -> String {
    format!("{VISIT}{id}")
}
pub fn customer(id: Uuid) -> String {
    format!("{CUSTOMER}{id}")
}
pub fn ticket(id: Uuid) -> String {
    format!("{TICKET}{id}")
}
pub fn draft(id: Uuid) -> String {
    format!("{DRAFT}{id}")
}
pub fn task(id: Uuid) -> String {
    format!("{TASK}{id}")
}
pub fn script(id: Uuid) -> String {
    format!("{SCRIPT}{id}")
}
pub fn survey(id: Uuid) -> String {
    format!("{SURVEY}{id}")
}
pub fn file(customer: Uuid) -> String {
    format!("{FILE}{customer}")
}

/// Sequence numbers of keys under `prefix`, in numeric order (`outbox/<user>/10` after
/// `outbox/<user>/9`, which string order would get wrong).
pub fn seqs<'a>(names: impl IntoIterator<Item = &'a str>, prefix: &str) -> Vec<u64> {
    let mut seqs: Vec<u64> = names
        .into_iter()
        .filter_map(|n| n.strip_prefix(prefix)?.parse().ok())
        .collect();
    crate::sorting::sort(&mut seqs);
    seqs
}

/// The user a per-user key (`outbox/<user>/<seq>`, `rejected/<user>/<seq>`) belongs to.
pub fn owner(name: &str, prefix: &str) -> Option<Uuid> {
    let (user, seq) = name.strip_prefix(prefix)?.split_once('/')?;
    seq.parse::<u64>().ok()?;
    Uuid::parse_str(user).ok()
}
