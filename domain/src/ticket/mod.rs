//! 工单: feedback and complaints, their classification (分类定级), grading rules, routing and
//! lifecycle (DOMAIN.md "Feedback and tickets").
//!
//! Every ticket rule lives here once. The server opens, changes and closes tickets with these
//! functions between loading and writing rows; the device grades, routes and times a ticket
//! offline, lays its queued changes over its copy and offers actions with the same ones.

pub(crate) mod actions;
pub(crate) mod change;
pub(crate) mod grading;
pub(crate) mod intake;
pub(crate) mod lifecycle;
pub(crate) mod review;
pub(crate) mod revisit;
pub(crate) mod routing;
pub(crate) mod rules;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod update;
pub(crate) mod vocabulary;
pub(crate) mod wire;

pub use actions::{ActionInput, UserAction, allowed_actions, build_update};
pub use change::{FieldChange, TicketFields, TicketUpdate, merge_field};
pub use grading::{Facts, Grade, GradingRule, GradingRules, When, repeat_window, report_day};
pub use intake::{
    DUPLICATE_WINDOW_DAYS, DuplicateKey, DuplicateQuery, MAX_CONTACT, MAX_DESCRIPTION, MAX_NOTE,
    MAX_REPORTER, TicketIntake, likely_duplicate,
};
pub use lifecycle::{
    Opened, OpeningRules, RevisitRecorded, TransitionError, breach_check_at, breach_is_new,
    clocks_met_by, clocks_met_by_note, open_ticket,
};
pub use review::{awaits_review, is_escalated, reviewable};
pub use revisit::{
    AfterResolve, Coverage, CoverageRow, CoverageStanding, MAX_REVISITS, Resolution,
    RevisitTargets, RevisitVerdict, Revisitor, SATISFIED_AT, Staff, after_resolve, is_key_customer,
    pick_revisitor, revisit_kind, revisit_verdict,
};
pub use routing::RoutingMap;
pub use rules::{RuleSet, RuleSetRefusal, limits as rule_limits};
pub use update::{Edit, NewAssignee, Refusal, RefusalKind, Updated, apply_update, may_update};
pub use vocabulary::{
    DemandKind, Department, Impact, IntakeChannel, Nature, TicketAction, TicketPriority,
    TicketState,
};
pub use wire::{ReviewQueue, Ticket, TicketList, TicketView, TimelineEntry, TimelineEvent};

pub use crate::review::{Review, ReviewDecision, ReviewRequest, ReviewTarget};
