//! What the screen asks `GET /api/audit` for: the form's choices and the quick filters,
//! turned into the query string (days in the organisation's time zone, the last one included).

use chrono::{FixedOffset, NaiveDate, SecondsFormat, TimeZone, Utc};

use crate::i18n::Key;

/// One click for what admins look for most; each is a set of actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quick {
    Reveals,
    Exports,
    RulesAndSettings,
    Reviews,
}

impl Quick {
    pub const ALL: [Quick; 4] = [
        Quick::Reveals,
        Quick::Exports,
        Quick::RulesAndSettings,
        Quick::Reviews,
    ];

    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Quick::Reveals => &["contact.reveal"],
            Quick::Exports => &["export"],
            Quick::RulesAndSettings => &[
                "settings.update",
                "settings.grading.update",
                "settings.sla.update",
                "settings.calendar.update",
                "settings.routing.update",
                "settings.revisit.update",
            ],
            Quick::Reviews => &["review.decide"],
        }
    }

    pub fn key(self) -> Key {
        match self {
            Quick::Reveals => Key::AuditQuickReveals,
            Quick::Exports => Key::AuditQuickExports,
            Quick::RulesAndSettings => Key::AuditQuickRules,
            Quick::Reviews => Key::AuditQuickReviews,
        }
    }

    pub fn testid(self) -> &'static str {
        match self {
            Quick::Reveals => "audit-quick-reveals",
            Quick::Exports => "audit-quick-exports",
            Quick::RulesAndSettings => "audit-quick-rules",
            Quick::Reviews => "audit-quick-reviews",
        }
    }
}

/// The form as the user left it; empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub user: String,
    /// One action from the select; a quick filter replaces it.
    pub action: String,
    pub quick: Option<Quick>,
    pub entity: String,
    /// `YYYY-MM-DD`, local days, both included.
    pub from: String,
    pub to: String,
}

impl Filters {
    /// The query string of the first page (`&after=` is added for the next ones). Values are
    /// ids, known action and entity names and RFC 3339 instants in UTC: nothing to escape.
    pub fn query(&self, offset: FixedOffset, limit: u32) -> String {
        let mut q = format!("limit={limit}");
        if !self.user.is_empty() {
            q += &format!("&user={}", self.user);
        }
        match self.quick {
            Some(quick) => q += &format!("&action={}", quick.actions().join(",")),
            None if !self.action.is_empty() => q += &format!("&action={}", self.action),
            None => {}
        }
        if !self.entity.is_empty() {
            q += &format!("&entity={}", self.entity);
        }
        if let Some(from) = day_start(&self.from, offset, 0) {
            q += &format!("&from={from}");
        }
        if let Some(to) = day_start(&self.to, offset, 1) {
            q += &format!("&to={to}");
        }
        q
    }
}

/// The UTC instant the local day `day` (plus `days_after`) starts at; `None` for no date.
fn day_start(day: &str, offset: FixedOffset, days_after: u64) -> Option<String> {
    // Split by hand: chrono's format-string parser is wasm this one shape does not need.
    let mut parts = day.splitn(3, '-').map(str::parse::<u32>);
    let (y, m, d) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    let day = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    let day = day.checked_add_days(chrono::Days::new(days_after))?;
    let local = offset
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .single()?;
    Some(
        local
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Secs, true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_only_what_was_chosen_with_days_in_local_time() {
        let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
        assert_eq!(Filters::default().query(beijing, 50), "limit=50");
        let f = Filters {
            user: "u1".into(),
            action: "visit.record".into(),
            entity: "visit".into(),
            from: "2026-12-01".into(),
            to: "2026-12-31".into(),
            quick: None,
        };
        assert_eq!(
            f.query(beijing, 20),
            "limit=20&user=u1&action=visit.record&entity=visit\
             &from=2026-11-30T16:00:00Z&to=2026-12-31T16:00:00Z"
        );
    }

    #[test]
    fn a_quick_filter_asks_for_its_actions_instead_of_the_chosen_one() {
        let utc = FixedOffset::east_opt(0).unwrap();
        let f = Filters {
            action: "visit.record".into(),
            quick: Some(Quick::RulesAndSettings),
            from: "not a day".into(),
            ..Filters::default()
        };
        let q = f.query(utc, 50);
        assert!(
            q.starts_with("limit=50&action=settings.update,settings.grading.update,"),
            "{q}"
        );
        assert!(!q.contains("visit.record") && !q.contains("from="), "{q}");
    }
}
