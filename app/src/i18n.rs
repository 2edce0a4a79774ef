//! Every sentence the user reads, in both languages. Components never hold literal text:
//! adding a language means touching only this folder.
//!
//! This file is the language core; the texts live by feature in the files below. Each feature
//! file holds a macro with its entries; `gather!` passes the list through every one of them
//! and hands the whole of it to `texts!`, so there is still one [`Key`] enum and call sites
//! read `Key::Save` wherever the entry is written.

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// The users are Chinese follow-up centres; English is for visitors and support.
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        [Lang::Zh, Lang::En].into_iter().find(|l| l.code() == s)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    fn pick(self, (zh, en): (&'static str, &'static str)) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

macro_rules! texts {
    ($($key:ident => $zh:literal, $en:literal;)+) => {
        /// A fixed sentence or label.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key { $($key),+ }

        impl Key {
            #[cfg(test)]
            pub const ALL: &'static [Key] = &[$(Key::$key),+];

            fn texts(self) -> (&'static str, &'static str) {
                match self { $(Key::$key => ($zh, $en)),+ }
            }
        }
    };
}

/// Collects the entries of every feature file, then makes [`Key`] of them all: each
/// `<feature>_texts!` adds its entries and calls this again with the rest of the list.
macro_rules! gather {
    ([$next:ident $($rest:ident)*] $($entries:tt)*) => { $next! { [$($rest)*] $($entries)* } };
    ([] $($entries:tt)*) => { texts! { $($entries)* } };
}

#[macro_use]
mod audit;
#[macro_use]
mod catalog;
#[macro_use]
mod common;
#[macro_use]
mod customer_book;
#[macro_use]
mod customer_import;
#[macro_use]
mod customers;
#[macro_use]
mod dashboard;
#[macro_use]
mod exports;
#[macro_use]
mod devices;
#[macro_use]
mod people;
#[macro_use]
mod plans;
#[macro_use]
mod review;
#[macro_use]
mod rules;
#[macro_use]
mod settings;
#[macro_use]
mod shell;
#[macro_use]
mod stats;
#[macro_use]
mod survey_editor;
#[macro_use]
mod tasks;
#[macro_use]
mod tickets;
#[macro_use]
mod visits;
#[macro_use]
mod widgets;

gather! {
    [
        common_texts
        shell_texts
        widgets_texts
        visits_texts
        tasks_texts
        customers_texts
        tickets_texts
        review_texts
        rules_texts
        people_texts
        settings_texts
        plans_texts
        customer_book_texts
        customer_import_texts
        catalog_texts
        survey_editor_texts
        dashboard_texts
        stats_texts
        exports_texts
        audit_texts
        devices_texts
    ]
}

pub use audit::*;
pub use catalog::*;
pub use customer_book::*;
pub use customer_import::*;
pub use customers::*;
pub use dashboard::*;
pub use devices::*;
pub use people::*;
pub use plans::*;
pub use review::*;
pub use rules::*;
pub use settings::*;
pub use shell::*;
pub use stats::*;
pub use survey_editor::*;
pub use tasks::*;
pub use tickets::*;
pub use visits::*;
pub use widgets::*;

pub fn t(lang: Lang, key: Key) -> &'static str {
    lang.pick(key.texts())
}

/// "刚刚 / 3 分钟前": coarse on purpose, the user needs "is this fresh", not a timestamp.
/// A time ahead of `now` (clock drift between devices) reads as "just now".
pub fn relative_time(lang: Lang, then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds().max(0);
    let (n, zh, en) = match secs {
        0..60 => return t_just_now(lang).to_owned(),
        60..3600 => (secs / 60, "分钟前", "min ago"),
        3600..86400 => (secs / 3600, "小时前", "h ago"),
        _ => (secs / 86400, "天前", "d ago"),
    };
    match lang {
        Lang::Zh => format!("{n} {zh}"),
        Lang::En => format!("{n} {en}"),
    }
}

fn t_just_now(lang: Lang) -> &'static str {
    lang.pick(("刚刚", "just now"))
}

/// A time in the organisation's local time, short: `11-24 10:00`.
pub fn clock(at: DateTime<Utc>, offset: FixedOffset) -> String {
    day_time(at.with_timezone(&offset))
}

/// A due window `11-24 09:00–12:00`, or across days `11-24 09:00 – 11-25 12:00`.
pub fn window(from: DateTime<Utc>, until: DateTime<Utc>, offset: FixedOffset) -> String {
    let (f, u) = (from.with_timezone(&offset), until.with_timezone(&offset));
    if f.date_naive() == u.date_naive() {
        format!("{}–{}", day_time(f), time_of_day(u))
    } else {
        format!("{} – {}", day_time(f), day_time(u))
    }
}

// Written out rather than with chrono's `format("%m-%d %H:%M")`: its format-string machinery
// is several KB of wasm that these two shapes do not need.
fn day_time(t: DateTime<FixedOffset>) -> String {
    format!("{:02}-{:02} {}", t.month(), t.day(), time_of_day(t))
}

fn time_of_day(t: DateTime<FixedOffset>) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

#[cfg(test)]
mod tests;
