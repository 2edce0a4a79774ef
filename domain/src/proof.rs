//! 上门凭证: what proves an on-site visit happened (signature, time and place).
//!
//! Fake visits are a known abuse (DOMAIN.md "Privacy and control"), so an on-site record
//! carries the customer's signature and where the device was, or says why it has no fix.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ValidationError, ValidationKind};

/// Largest pad side in signature units; the app scales the pad into this box.
pub const MAX_PAD: u16 = 2000;
/// Enough for a Chinese name written slowly; keeps a record well under 40 KB.
pub const MAX_SIGNATURE_POINTS: usize = 4000;
/// Fewer points than this is a tap, not a signature.
pub const MIN_SIGNATURE_POINTS: usize = 10;

/// 客户签名 as vector strokes: each stroke a list of `[x, y]` points on a `width × height`
/// pad. Integers keep it compact (a signature is a few KB of JSON, never a PNG data URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub width: u16,
    pub height: u16,
    pub strokes: Vec<Vec<[u16; 2]>>,
}

impl Signature {
    pub fn points(&self) -> usize {
        self.strokes.iter().map(Vec::len).sum()
    }

    pub fn check(&self) -> Result<(), ValidationError> {
        let bad = |kind, message: &str| Err(ValidationError::new("signature", kind, message));
        if !(1..=MAX_PAD).contains(&self.width) || !(1..=MAX_PAD).contains(&self.height) {
            return bad(
                ValidationKind::OutOfRange,
                "the signature pad size is out of range",
            );
        }
        let points = self.points();
        if points < MIN_SIGNATURE_POINTS {
            return bad(ValidationKind::Required, "the signature is empty");
        }
        if points > MAX_SIGNATURE_POINTS {
            return bad(ValidationKind::TooLong, "the signature has too many points");
        }
        let outside = self
            .strokes
            .iter()
            .flatten()
            .any(|[x, y]| *x > self.width || *y > self.height);
        if outside {
            return bad(
                ValidationKind::OutOfRange,
                "a signature point lies outside the pad",
            );
        }
        Ok(())
    }
}

/// Where an on-site visit took place, or why the device could not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum Place {
    /// A position fix. Micro-degrees keep the record exact and comparable.
    Fix {
        lat_e6: i32,
        lon_e6: i32,
        accuracy_m: u32,
        at: DateTime<Utc>,
    },
    /// The user declined location access.
    Denied,
    /// The device had no fix (indoors, no GPS, timed out).
    Unavailable,
}

impl Place {
    pub fn check(&self) -> Result<(), ValidationError> {
        if let Place::Fix { lat_e6, lon_e6, .. } = self
            && (lat_e6.abs() > 90_000_000 || lon_e6.abs() > 180_000_000)
        {
            return Err(ValidationError::new(
                "place",
                ValidationKind::OutOfRange,
                "the position is not on Earth",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: u16) -> Vec<[u16; 2]> {
        (0..n).map(|i| [i * 10, 50]).collect()
    }

    fn sig(strokes: Vec<Vec<[u16; 2]>>) -> Signature {
        Signature {
            width: 600,
            height: 200,
            strokes,
        }
    }

    #[test]
    fn signatures_must_be_real_compact_and_on_the_pad() {
        use ValidationKind::*;
        let table: Vec<(Signature, Option<ValidationKind>)> = vec![
            (sig(vec![line(12)]), None),
            (sig(vec![line(5), line(5)]), None),
            (sig(vec![line(3)]), Some(Required)),
            (sig(vec![]), Some(Required)),
            (
                sig(vec![vec![[1, 1]; MAX_SIGNATURE_POINTS + 1]]),
                Some(TooLong),
            ),
            (sig(vec![line(62)]), Some(OutOfRange)),
            (
                Signature {
                    width: 0,
                    ..sig(vec![line(12)])
                },
                Some(OutOfRange),
            ),
            (
                Signature {
                    height: MAX_PAD + 1,
                    ..sig(vec![line(12)])
                },
                Some(OutOfRange),
            ),
        ];
        for (i, (s, want)) in table.into_iter().enumerate() {
            assert_eq!(s.check().err().map(|e| e.kind), want, "case {i}");
        }
    }

    #[test]
    fn a_place_is_a_fix_on_earth_or_says_why_there_is_none() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let fix = |lat_e6, lon_e6| Place::Fix {
            lat_e6,
            lon_e6,
            accuracy_m: 12,
            at,
        };
        assert!(fix(31_230_416, 121_473_701).check().is_ok());
        assert!(fix(-90_000_000, 180_000_000).check().is_ok());
        assert!(fix(90_000_001, 0).check().is_err());
        assert!(fix(0, -180_000_001).check().is_err());
        assert!(Place::Denied.check().is_ok());
        let json = serde_json::to_value(Place::Unavailable).unwrap();
        assert_eq!(json, serde_json::json!({"status": "unavailable"}));
    }
}
