//! 操作日志, the audit trail for admins (`/console/audit`): who did what and when, filtered by
//! person, action, record and period, newest first by cursor, with the tamper check of its
//! hash chain (issue 12).

mod chain;
mod diff;
mod entry;
mod filters;
mod page;

pub use page::AuditTrail;

/// Every action the server writes to the trail today (grep of `server/src/store`), in the
/// order the action filter lists them.
pub const ACTIONS: &[&str] = &[
    "contact.reveal",
    "export",
    "review.decide",
    "settings.update",
    "settings.grading.update",
    "settings.sla.update",
    "settings.calendar.update",
    "settings.routing.update",
    "settings.revisit.update",
    "visit.record",
    "ticket.create",
    "ticket.report",
    "ticket.update",
    "ticket.revisit",
    "task.create",
    "task.change",
    "task.cancel",
    "task.done",
    "plan.create",
    "recurring_policy.update",
    "customer.create",
    "customer.update",
    "customer.archive",
    "customer.unarchive",
    "customer.import",
    "script.publish",
    "script.draft_save",
    "script.retire",
    "script.restore",
    "survey.publish",
    "survey.draft_save",
    "survey.retire",
    "survey.restore",
    "user.add",
    "user.update",
    "user.disable",
    "user.enable",
    "user.password_change",
    "user.password_reset",
];

/// The kinds of record the trail names.
pub const ENTITIES: &[&str] = &[
    "customer",
    "visit",
    "ticket",
    "task",
    "plan",
    "recurring_policy",
    "import",
    "export",
    "settings",
    "script",
    "survey",
    "user",
];
