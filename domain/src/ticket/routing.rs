//! 分派: which department a ticket goes to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::vocabulary::{Department, Nature};

/// Category → department (DOMAIN.md "Routing"); editable by admins. A sub-problem entry
/// wins over its nature's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingMap {
    pub by_nature: BTreeMap<Nature, Department>,
    #[serde(default)]
    pub by_sub_problem: BTreeMap<String, Department>,
}

impl Default for RoutingMap {
    fn default() -> Self {
        RoutingMap {
            by_nature: BTreeMap::from([
                (Nature::Product, "quality".to_owned()),
                (Nature::Service, "operations".to_owned()),
                (Nature::Experience, "operations".to_owned()),
            ]),
            by_sub_problem: BTreeMap::from([
                ("logistics_delay".to_owned(), "supply_chain".to_owned()),
                ("damaged_packaging".to_owned(), "supply_chain".to_owned()),
            ]),
        }
    }
}

impl RoutingMap {
    /// Refuses maps an admin could not have meant: a nameless department, or a sub-problem
    /// no nature has.
    pub fn check(&self) -> Result<(), String> {
        let departments = self.by_nature.values().chain(self.by_sub_problem.values());
        if departments.into_iter().any(|d| d.trim().is_empty()) {
            return Err("a department needs a name".into());
        }
        match self
            .by_sub_problem
            .keys()
            .find(|s| !Nature::is_sub_problem(s))
        {
            Some(s) => Err(format!("{s:?} is not a sub-problem")),
            None => Ok(()),
        }
    }

    pub fn route(&self, nature: Nature, sub_problem: &str) -> Option<&str> {
        self.by_sub_problem
            .get(sub_problem)
            .or_else(|| self.by_nature.get(&nature))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_routed_by_sub_problem_then_nature() {
        let map = RoutingMap::default();
        let table = [
            (Nature::Product, "quality_defect", "quality"),
            (Nature::Service, "attitude", "operations"),
            (Nature::Experience, "logistics_delay", "supply_chain"),
            (Nature::Experience, "complicated_process", "operations"),
        ];
        for (nature, sub, dept) in table {
            assert_eq!(map.route(nature, sub), Some(dept), "{sub}");
        }
        let empty = RoutingMap {
            by_nature: BTreeMap::new(),
            by_sub_problem: BTreeMap::new(),
        };
        assert_eq!(empty.route(Nature::Product, "design"), None);
    }

    #[test]
    fn routing_maps_need_named_departments_and_known_sub_problems() {
        let with = |sub: &str, dept: &str| RoutingMap {
            by_sub_problem: BTreeMap::from([(sub.to_owned(), dept.to_owned())]),
            ..RoutingMap::default()
        };
        let table = [
            (RoutingMap::default(), Ok(())),
            (with("attitude", "service_desk"), Ok(())),
            (
                with("attitude", " "),
                Err("a department needs a name".to_owned()),
            ),
            (
                with("weather", "operations"),
                Err("\"weather\" is not a sub-problem".to_owned()),
            ),
        ];
        for (map, want) in table {
            assert_eq!(map.check(), want, "{map:?}");
        }
    }
}
