//! The statistics' drill-down as the ticket list reads it from its address
//! (`/console/tickets?sub_problem=…&period=…`): the tickets of one sub-problem created in a
//! period, asked of the server.

use huifang_domain::period::PeriodQuery;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::widgets::period_query_string;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drill {
    pub sub_problem: Option<String>,
    pub period: PeriodQuery,
}

impl Drill {
    /// From the address's parameters (`get` reads one by name).
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Drill {
        let opt = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        Drill {
            sub_problem: opt("sub_problem"),
            period: PeriodQuery {
                period: opt("period"),
                date: opt("date"),
                from: opt("from"),
                to: opt("to"),
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.sub_problem.is_none() && self.period == PeriodQuery::default()
    }

    /// The filter part of `GET /api/tickets`.
    pub fn query_string(&self) -> String {
        let sub = self
            .sub_problem
            .as_deref()
            .map(|s| format!("sub_problem={}", utf8_percent_encode(s, NON_ALPHANUMERIC)));
        let period = Some(period_query_string(&self.period)).filter(|p| !p.is_empty());
        [sub, period]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Drill {
        Drill::from_params(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn the_address_becomes_the_server_filter() {
        let cases = [
            (vec![], true, ""),
            (
                vec![("sub_problem", "attitude")],
                false,
                "sub_problem=attitude",
            ),
            (
                vec![
                    ("sub_problem", "slow_response"),
                    ("period", "month"),
                    ("date", "2026-11-01"),
                ],
                false,
                "sub_problem=slow%5Fresponse&period=month&date=2026%2D11%2D01",
            ),
            (
                vec![("period", "week"), ("sub_problem", " ")],
                false,
                "period=week",
            ),
            (vec![("state", "new")], true, ""),
        ];
        for (pairs, empty, want) in cases {
            let d = params(&pairs);
            assert_eq!(
                (d.is_empty(), d.query_string().as_str()),
                (empty, want),
                "{pairs:?}"
            );
        }
    }
}
