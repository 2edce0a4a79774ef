//! 客户档案 as the centre keeps it (issue 11): the fields a supervisor edits or a CRM export
//! carries, checked by one rule for the editor and the import alike.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::char_len;
use crate::customer::CustomerClass;

/// Limits in characters (what a person typed).
pub const NAME_MAX: usize = 64;
pub const EXTERNAL_ID_MAX: usize = 64;
pub const CONTACT_MAX: usize = 32;
pub const REGION_MAX: usize = 64;
pub const TAG_MAX: usize = 32;
pub const TAGS_MAX: usize = 20;
pub const PRODUCTS_MAX: usize = 500;
pub const SUMMARY_MAX: usize = 2000;

/// What a customer is made of, as typed in the editor or read from an import row. The contact
/// is whole here: it travels only towards the server, never back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerFields {
    /// The CRM's id; an import upserts by it.
    #[serde(default)]
    pub external_id: Option<String>,
    pub name: String,
    pub contact: String,
    pub class: CustomerClass,
    #[serde(default)]
    pub vip: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub region: String,
    /// 购买产品 as the CRM words it.
    #[serde(default)]
    pub products: String,
    #[serde(default)]
    pub purchase_date: Option<NaiveDate>,
    /// 购买/服务摘要.
    #[serde(default)]
    pub summary: String,
}

/// Why one field of a customer is refused: the field's wire name and a stable reason code the
/// app words in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub reason: FieldReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldReason {
    Missing,
    TooLong,
    /// Not a phone number: fewer than 5 or more than 20 digits, or letters.
    BadContact,
    TooMany,
    BadClass,
    BadDate,
    BadFlag,
    /// Another row of the same file carries the same value.
    DuplicateInFile,
}

impl FieldReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldReason::Missing => "missing",
            FieldReason::TooLong => "too_long",
            FieldReason::BadContact => "bad_contact",
            FieldReason::TooMany => "too_many",
            FieldReason::BadClass => "bad_class",
            FieldReason::BadDate => "bad_date",
            FieldReason::BadFlag => "bad_flag",
            FieldReason::DuplicateInFile => "duplicate_in_file",
        }
    }
}

fn problem(field: &str, reason: FieldReason) -> FieldProblem {
    FieldProblem {
        field: field.to_owned(),
        reason,
    }
}

/// A contact kept for calling: digits with the separators people type (spaces, dashes,
/// parentheses) and an optional leading `+`, between 5 and 20 digits.
pub fn contact_is_callable(contact: &str) -> bool {
    let body = contact.trim().strip_prefix('+').unwrap_or(contact.trim());
    let digits = body.chars().filter(char::is_ascii_digit).count();
    body.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
        && (5..=20).contains(&digits)
}

impl CustomerFields {
    /// The fields as stored: trimmed, tags without blanks or repeats.
    pub fn normalized(mut self) -> Self {
        self.external_id = self
            .external_id
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        self.name = self.name.trim().to_owned();
        self.contact = self.contact.trim().to_owned();
        self.region = self.region.trim().to_owned();
        self.products = self.products.trim().to_owned();
        self.summary = self.summary.trim().to_owned();
        let mut tags: Vec<String> = Vec::new();
        for tag in self.tags {
            let tag = tag.trim().to_owned();
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        self.tags = tags;
        self
    }

    /// Every broken rule of (normalized) fields, in field order; empty when the customer may
    /// be stored.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut limit = |field: &str, value: &str, max: usize, required: bool| {
            if required && value.is_empty() {
                out.push(problem(field, FieldReason::Missing));
            } else if char_len(value) > max {
                out.push(problem(field, FieldReason::TooLong));
            }
        };
        limit(
            "external_id",
            self.external_id.as_deref().unwrap_or(""),
            EXTERNAL_ID_MAX,
            false,
        );
        limit("name", &self.name, NAME_MAX, true);
        limit("contact", &self.contact, CONTACT_MAX, true);
        limit("region", &self.region, REGION_MAX, false);
        limit("products", &self.products, PRODUCTS_MAX, false);
        limit("summary", &self.summary, SUMMARY_MAX, false);
        if !self.contact.is_empty()
            && char_len(&self.contact) <= CONTACT_MAX
            && !contact_is_callable(&self.contact)
        {
            out.push(problem("contact", FieldReason::BadContact));
        }
        if self.tags.len() > TAGS_MAX {
            out.push(problem("tags", FieldReason::TooMany));
        } else if self.tags.iter().any(|t| char_len(t) > TAG_MAX) {
            out.push(problem("tags", FieldReason::TooLong));
        }
        let order = [
            "external_id",
            "name",
            "contact",
            "class",
            "vip",
            "tags",
            "region",
            "products",
            "purchase_date",
            "summary",
        ];
        out.sort_by_key(|p| order.iter().position(|f| *f == p.field));
        out
    }
}

/// A customer as the console's list and editor read it: the fields with the contact masked,
/// and what the server keeps about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerProfile {
    pub id: Uuid,
    pub external_id: Option<String>,
    pub name: String,
    pub contact_masked: String,
    pub class: CustomerClass,
    pub vip: bool,
    pub tags: Vec<String>,
    pub region: String,
    pub products: String,
    pub purchase_date: Option<NaiveDate>,
    pub summary: String,
    pub archived_at: Option<DateTime<Utc>>,
    /// The newest visit's contact time.
    pub last_visit_at: Option<DateTime<Utc>>,
    /// Server change version: an edit names the version it started from.
    pub version: u64,
}

/// One page of the customer book (`GET /api/customer-book`, `crate::paging`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerBookList {
    pub customers: Vec<CustomerProfile>,
    pub total: crate::paging::ListTotal,
    /// The cursor of the next page (`?after=`); `None` on the last page.
    pub next: Option<String>,
}

/// `PUT /api/customer-book/{id}`: the fields, and the version the editor started from, so a
/// save over someone else's change is refused instead of silently undoing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerEdit {
    pub version: u64,
    pub fields: CustomerFields,
}

/// The fields of `current` that differ from `mine` (wire names), for the conflict message: what
/// the other editor changed since this one started.
pub fn changed_fields(mine: &CustomerProfile, current: &CustomerProfile) -> Vec<&'static str> {
    let pairs: [(&'static str, bool); 11] = [
        ("external_id", mine.external_id == current.external_id),
        ("name", mine.name == current.name),
        ("contact", mine.contact_masked == current.contact_masked),
        ("class", mine.class == current.class),
        ("vip", mine.vip == current.vip),
        ("tags", mine.tags == current.tags),
        ("region", mine.region == current.region),
        ("products", mine.products == current.products),
        ("purchase_date", mine.purchase_date == current.purchase_date),
        ("summary", mine.summary == current.summary),
        (
            "archived",
            mine.archived_at.is_some() == current.archived_at.is_some(),
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, same)| !same)
        .map(|(f, _)| f)
        .collect()
}

/// A search of the book by contact: the last digits of a number, or its masked form as every
/// list shows it (`138****5678`): the digits before the stars start the number, the ones after
/// end it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactSearch {
    /// Digits (and a leading `+`) the contact starts with; empty for "the last digits".
    pub head: String,
    /// Digits the contact ends with, at least [`crate::scope::MIN_CONTACT_DIGITS`].
    pub tail: String,
}

impl ContactSearch {
    pub fn parse(text: &str) -> Option<ContactSearch> {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let (head, tail) = match (text.find('*'), text.rfind('*')) {
            (Some(first), Some(last)) => {
                if !text[first..=last].chars().all(|c| c == '*') {
                    return None;
                }
                (&text[..first], &text[last + 1..])
            }
            _ => ("", text.as_str()),
        };
        let head_digits = head.strip_prefix('+').unwrap_or(head);
        let ok = head_digits.chars().all(|c| c.is_ascii_digit())
            && tail.chars().all(|c| c.is_ascii_digit())
            && tail.len() >= crate::scope::MIN_CONTACT_DIGITS;
        ok.then(|| ContactSearch {
            head: head.to_owned(),
            tail: tail.to_owned(),
        })
    }

    /// The last four digits, which the storage indexes.
    pub fn last_four(&self) -> &str {
        &self.tail[self.tail.len() - crate::scope::MIN_CONTACT_DIGITS..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> CustomerFields {
        CustomerFields {
            external_id: Some("CRM-001".into()),
            name: "王女士".into(),
            contact: "13812345678".into(),
            class: CustomerClass::A,
            vip: false,
            tags: vec![],
            region: "浦东".into(),
            products: "空调 KFR-35".into(),
            purchase_date: NaiveDate::from_ymd_opt(2026, 3, 1),
            summary: String::new(),
        }
    }

    fn reasons(f: CustomerFields) -> Vec<(String, FieldReason)> {
        f.normalized()
            .problems()
            .into_iter()
            .map(|p| (p.field, p.reason))
            .collect()
    }

    #[test]
    fn each_broken_rule_names_its_field_and_reason() {
        use FieldReason::*;
        type Case = (
            &'static str,
            fn(&mut CustomerFields),
            &'static [(&'static str, FieldReason)],
        );
        let cases: &[Case] = &[
            ("valid", |_| {}, &[]),
            ("blank name", |f| f.name = "  ".into(), &[("name", Missing)]),
            (
                "long name",
                |f| f.name = "王".repeat(65),
                &[("name", TooLong)],
            ),
            (
                "no contact",
                |f| f.contact = String::new(),
                &[("contact", Missing)],
            ),
            (
                "letters",
                |f| f.contact = "call me".into(),
                &[("contact", BadContact)],
            ),
            (
                "too few digits",
                |f| f.contact = "1234".into(),
                &[("contact", BadContact)],
            ),
            (
                "separators",
                |f| f.contact = "+86 (21) 8888-6666".into(),
                &[],
            ),
            (
                "tags",
                |f| f.tags = (0..21).map(|i| i.to_string()).collect(),
                &[("tags", TooMany)],
            ),
            (
                "long tag",
                |f| f.tags = vec!["x".repeat(33)],
                &[("tags", TooLong)],
            ),
            (
                "two at once, in field order",
                |f| {
                    f.contact = String::new();
                    f.name = String::new();
                },
                &[("name", Missing), ("contact", Missing)],
            ),
        ];
        for (name, change, want) in cases {
            let mut f = fields();
            change(&mut f);
            let want: Vec<(String, FieldReason)> =
                want.iter().map(|(f, r)| (f.to_string(), *r)).collect();
            assert_eq!(reasons(f), want, "{name}");
        }
    }

    #[test]
    fn normalizing_trims_and_drops_blank_or_repeated_tags_and_ids() {
        let mut f = fields();
        f.external_id = Some("  ".into());
        f.name = " 王女士 ".into();
        f.tags = vec![" 老客户".into(), "".into(), "老客户".into(), "VIP".into()];
        let f = f.normalized();
        assert_eq!(f.external_id, None);
        assert_eq!(f.name, "王女士");
        assert_eq!(f.tags, vec!["老客户".to_owned(), "VIP".to_owned()]);
    }

    #[test]
    fn a_contact_search_takes_the_last_digits_or_the_masked_form() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("5678", Some(("", "5678"))),
            ("12345678", Some(("", "12345678"))),
            ("138****5678", Some(("138", "5678"))),
            (" 138 **** 5678 ", Some(("138", "5678"))),
            ("+86*******5678", Some(("+86", "5678"))),
            ("****5678", Some(("", "5678"))),
            ("567", None),
            ("138****567", None),
            ("13*8**5678", None),
            ("王女士", None),
            ("", None),
        ];
        for (text, want) in cases {
            let got = ContactSearch::parse(text);
            assert_eq!(
                got.as_ref().map(|c| (c.head.as_str(), c.tail.as_str())),
                *want,
                "{text:?}"
            );
        }
        assert_eq!(
            ContactSearch::parse("138****5678").unwrap().last_four(),
            "5678"
        );
    }

    #[test]
    fn a_conflict_names_the_fields_the_other_editor_changed() {
        let mine = CustomerProfile {
            id: Uuid::nil(),
            external_id: None,
            name: "王女士".into(),
            contact_masked: "138****5678".into(),
            class: CustomerClass::A,
            vip: false,
            tags: vec![],
            region: String::new(),
            products: String::new(),
            purchase_date: None,
            summary: String::new(),
            archived_at: None,
            last_visit_at: None,
            version: 1,
        };
        assert!(changed_fields(&mine, &mine).is_empty());
        let current = CustomerProfile {
            name: "王芳".into(),
            vip: true,
            version: 2,
            ..mine.clone()
        };
        assert_eq!(changed_fields(&mine, &current), vec!["name", "vip"]);
    }
}
