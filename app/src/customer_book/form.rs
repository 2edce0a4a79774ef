//! The editor's form as typed (text in every box) and the customer fields it stands for; the
//! searches and filters of the list as a query string. Plain functions, tested natively.

use chrono::NaiveDate;
use huifang_domain::CustomerClass;
use huifang_domain::customer_book::{CustomerFields, CustomerProfile, FieldProblem, FieldReason};

/// What the editor's inputs hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pub external_id: String,
    pub name: String,
    /// Blank when editing keeps the stored number (the editor only ever sees it masked).
    pub contact: String,
    pub class: String,
    pub vip: bool,
    /// Tags as typed, separated by commas (either width) or 、.
    pub tags: String,
    pub region: String,
    pub products: String,
    pub purchase_date: String,
    pub summary: String,
}

impl Form {
    pub fn new_customer() -> Form {
        Form {
            class: "B".into(),
            ..Form::default()
        }
    }

    /// The form of a stored customer; the contact box starts blank.
    pub fn of(p: &CustomerProfile) -> Form {
        Form {
            external_id: p.external_id.clone().unwrap_or_default(),
            name: p.name.clone(),
            contact: String::new(),
            class: p.class.as_str().into(),
            vip: p.vip,
            tags: p.tags.join(", "),
            region: p.region.clone(),
            products: p.products.clone(),
            purchase_date: p.purchase_date.map(|d| d.to_string()).unwrap_or_default(),
            summary: p.summary.clone(),
        }
    }

    /// The fields to send, or the problems the form can tell by itself (a class not picked, a
    /// date that is not one); the rest the server checks with the domain's rule.
    pub fn fields(&self) -> Result<CustomerFields, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let class = CustomerClass::parse(&self.class);
        if class.is_none() {
            problems.push(FieldProblem {
                field: "class".into(),
                reason: FieldReason::BadClass,
            });
        }
        let date = self.purchase_date.trim();
        let purchase_date = if date.is_empty() {
            None
        } else {
            let parsed = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok();
            if parsed.is_none() {
                problems.push(FieldProblem {
                    field: "purchase_date".into(),
                    reason: FieldReason::BadDate,
                });
            }
            parsed
        };
        match class {
            Some(class) if problems.is_empty() => Ok(CustomerFields {
                external_id: Some(self.external_id.clone()),
                name: self.name.clone(),
                contact: self.contact.clone(),
                class,
                vip: self.vip,
                tags: self
                    .tags
                    .split([',', '，', '、'])
                    .map(str::to_owned)
                    .collect(),
                region: self.region.clone(),
                products: self.products.clone(),
                purchase_date,
                summary: self.summary.clone(),
            }
            .normalized()),
            _ => Err(problems),
        }
    }
}

/// What the list asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// `name`, `contact`, `external_id` or `tag`.
    pub by: String,
    pub text: String,
    pub class: String,
    /// `""`, `true` or `false`.
    pub vip: String,
    pub region: String,
    pub last_visit_before: String,
    pub archived: bool,
}

impl Query {
    pub fn new() -> Query {
        Query {
            by: "name".into(),
            ..Query::default()
        }
    }

    /// The query string of `GET /api/customer-book` (without `limit` and `after`).
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        let text = self.text.trim();
        if !text.is_empty() {
            parts.push((self.by.as_str(), text.to_owned()));
        }
        for (key, value) in [
            ("class", &self.class),
            ("vip", &self.vip),
            ("region", &self.region),
            ("last_visit_before", &self.last_visit_before),
        ] {
            if !value.trim().is_empty() {
                parts.push((key, value.trim().to_owned()));
            }
        }
        if self.archived {
            parts.push(("archived", "true".into()));
        }
        parts
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes a query value (UTF-8), leaving only unreserved characters as they are.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_becomes_normalized_fields_or_names_what_it_cannot_read() {
        let form = Form {
            name: " 王女士 ".into(),
            contact: "13812345678".into(),
            tags: "老客户, 空调，老客户、".into(),
            purchase_date: "2026-03-01".into(),
            ..Form::new_customer()
        };
        let fields = form.fields().unwrap();
        assert_eq!(fields.name, "王女士");
        assert_eq!(fields.external_id, None);
        assert_eq!(fields.tags, ["老客户", "空调"]);
        assert_eq!(fields.class, CustomerClass::B);
        assert_eq!(fields.purchase_date, NaiveDate::from_ymd_opt(2026, 3, 1));

        let bad = Form {
            class: String::new(),
            purchase_date: "3月1日".into(),
            ..form
        };
        let fields: Vec<String> = bad
            .fields()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["class", "purchase_date"]);
    }

    #[test]
    fn a_query_sends_only_what_is_filled_in_and_encodes_it() {
        assert_eq!(Query::new().to_query_string(), "");
        let q = Query {
            by: "contact".into(),
            text: " 138****5678 ".into(),
            class: "A".into(),
            vip: "true".into(),
            region: "浦东".into(),
            last_visit_before: "2026-11-01".into(),
            archived: true,
        };
        assert_eq!(
            q.to_query_string(),
            "contact=138%2A%2A%2A%2A5678&class=A&vip=true&region=%E6%B5%A6%E4%B8%9C\
             &last_visit_before=2026-11-01&archived=true"
        );
    }
}
