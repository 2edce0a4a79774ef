//! 客户档案: the customer as the device sees it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Customer class drives visit frequency (A/B every 3 days, C weekly, D holidays only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CustomerClass {
    A,
    B,
    C,
    D,
}

impl CustomerClass {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerClass::A => "A",
            CustomerClass::B => "B",
            CustomerClass::C => "C",
            CustomerClass::D => "D",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::A, Self::B, Self::C, Self::D]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// A customer as pulled to the device. The full contact never leaves the server in lists:
/// only the masked form travels (DOMAIN.md "Privacy and control").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: Uuid,
    /// May be partial ("王女士") or anonymous.
    pub name: String,
    pub class: CustomerClass,
    pub vip: bool,
    /// e.g. `138****5678`
    pub contact_masked: String,
    /// 购买/服务摘要: what they bought or had serviced, so nothing is asked twice.
    pub summary: String,
    /// Server change version; the pull cursor moves past it.
    pub version: u64,
}

/// 客户档案 as read before a visit (`GET /api/customers/{id}/file`): the customer and their
/// latest visits with verbatim quotes and scores, so nothing is asked twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFile {
    pub customer: Customer,
    /// Newest first, at most [`FILE_VISITS`].
    pub visits: Vec<crate::visit::VisitSummary>,
}

/// `GET /api/customers?q=`: customers found by a lookup (`scope::CustomerLookup`), contacts
/// masked, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerMatches {
    pub customers: Vec<Customer>,
}

/// How many past visits a customer file carries.
pub const FILE_VISITS: usize = 10;

/// `POST /api/customers/{id}/reveal`: the full contact, for one call; the server audits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedContact {
    pub customer_id: Uuid,
    pub contact: String,
}

/// Masks a contact for lists and exports: keeps the first three and last four digits of a
/// phone number (`13812345678` → `138****5678`). Anything too short to keep both ends is
/// masked whole, so a short value never leaks in full.
pub fn mask_contact(contact: &str) -> String {
    let chars: Vec<char> = contact.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    if n < 8 {
        return "*".repeat(n.max(4));
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 7))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_masked_keeping_only_both_ends() {
        let table = [
            ("13812345678", "138****5678"),
            ("138 1234 5678", "138****5678"),
            ("02188886666", "021****6666"),
            ("+8613812345678", "+86*******5678"),
            ("1234567", "*******"),
            ("12", "****"),
            ("", "****"),
        ];
        for (input, want) in table {
            assert_eq!(mask_contact(input), want, "input {input:?}");
        }
    }

    #[test]
    fn customer_classes_parse_from_their_letters() {
        for c in ["A", "B", "C", "D"] {
            assert_eq!(CustomerClass::parse(c).unwrap().as_str(), c);
        }
        assert_eq!(CustomerClass::parse("E"), None);
    }
}
