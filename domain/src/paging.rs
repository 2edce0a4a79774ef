//! Lists read by cursor (keyset pagination): `?limit=N&after=<cursor>` on every long list
//! (`GET /api/visits`, `/api/tickets`, `/api/tasks`, `/api/audit`).
//!
//! A page is found from the sort key of the last row the client saw, never by skipping rows
//! (an OFFSET walks every skipped row), and its total is counted only up to [`TOTAL_CAP`]
//! (a full `COUNT(*)` reads the whole table): past the cap the list says "1,000+".

use serde::{Deserialize, Serialize};

/// Rows a page holds when the request does not say.
pub const DEFAULT_LIMIT: u32 = 50;
/// Most rows one page may hold: a screen, not an export.
pub const MAX_LIMIT: u32 = 200;
/// Most rows a total counts; beyond it [`ListTotal::more`] is set.
pub const TOTAL_CAP: u64 = 1000;

/// How many rows match a list's filters, counted up to a cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListTotal {
    /// The number of matching rows, at most the cap.
    pub count: u64,
    /// More rows match than `count` ("1,000+").
    pub more: bool,
}

impl ListTotal {
    /// The total from a count taken with `LIMIT cap + 1`.
    pub fn capped(counted: u64, cap: u64) -> ListTotal {
        ListTotal {
            count: counted.min(cap),
            more: counted > cap,
        }
    }
}

/// Why a page request is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("limit must be between 1 and {MAX_LIMIT}")]
    Limit,
    #[error("the cursor is not one this list handed out")]
    Cursor,
}

/// The `limit` a request asked for, checked (`None`: [`DEFAULT_LIMIT`]).
pub fn check_limit(limit: Option<u32>) -> Result<u32, PageError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(PageError::Limit),
    }
}

/// The position after which the next page starts: the sort key of the last row handed out,
/// unique thanks to its tie-breaker (the row's id). Opaque to clients: hex of a JSON array
/// of the key's parts, so it travels in a query string unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(pub Vec<String>);

impl Cursor {
    pub fn encode(&self) -> String {
        let json = serde_json::to_string(&self.0).unwrap_or_default();
        hex::encode(json)
    }

    /// A cursor of exactly `parts` key parts, as [`Cursor::encode`] wrote it.
    pub fn decode(text: &str, parts: usize) -> Result<Cursor, PageError> {
        let bytes = hex::decode(text).map_err(|_| PageError::Cursor)?;
        let key: Vec<String> = serde_json::from_slice(&bytes).map_err(|_| PageError::Cursor)?;
        if key.len() != parts || key.iter().any(String::is_empty) {
            return Err(PageError::Cursor);
        }
        Ok(Cursor(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_is_capped_and_says_so() {
        for (counted, cap, count, more) in [
            (0, 1000, 0, false),
            (999, 1000, 999, false),
            (1000, 1000, 1000, false),
            (1001, 1000, 1000, true),
            (4, 3, 3, true),
        ] {
            assert_eq!(
                ListTotal::capped(counted, cap),
                ListTotal { count, more },
                "{counted} counted, cap {cap}"
            );
        }
    }

    #[test]
    fn limits_default_and_stay_in_range() {
        for (asked, expected) in [
            (None, Ok(DEFAULT_LIMIT)),
            (Some(1), Ok(1)),
            (Some(MAX_LIMIT), Ok(MAX_LIMIT)),
            (Some(0), Err(PageError::Limit)),
            (Some(MAX_LIMIT + 1), Err(PageError::Limit)),
        ] {
            assert_eq!(check_limit(asked), expected, "{asked:?}");
        }
    }

    #[test]
    fn a_cursor_round_trips_and_a_foreign_one_is_refused() {
        let c = Cursor(vec!["2026-11-23T10:00:00.000000Z".into(), "42".into()]);
        assert_eq!(Cursor::decode(&c.encode(), 2), Ok(c.clone()));
        for (text, parts) in [
            (c.encode(), 3),
            ("zz".to_owned(), 2),
            (String::new(), 2),
            (hex::encode("{\"a\":1}"), 1),
            (hex::encode("[\"\"]"), 1),
            (hex::encode("[1, 2]"), 2),
        ] {
            assert_eq!(
                Cursor::decode(&text, parts),
                Err(PageError::Cursor),
                "{text}"
            );
        }
    }
}
