//! The words a ticket is described with: its classification (性质, 影响, 诉求, 优先级), its
//! states and actions, and where a report came in. Every one is a closed set with a stable
//! wire name ([`wire_enum!`](crate::wire)).

use crate::vocabulary::Demand;
use crate::wire::wire_enum;

wire_enum!(
    /// 性质: what kind of problem.
    Nature {
        /// 产品: quality defect, function, design.
        Product => "product",
        /// 服务: slow response, shirking, attitude.
        Service => "service",
        /// 体验: logistics delay, damaged packaging, complicated process.
        Experience => "experience",
    }
);

impl Nature {
    /// The sub-problems of each nature (DOMAIN.md); a ticket names one of these.
    pub fn sub_problems(self) -> &'static [&'static str] {
        match self {
            Nature::Product => &["quality_defect", "function", "design"],
            Nature::Service => &["slow_response", "shirking", "attitude"],
            Nature::Experience => &[
                "logistics_delay",
                "damaged_packaging",
                "complicated_process",
            ],
        }
    }

    /// Its names (中文, English): the console, the field app and the exports show the same.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Nature::Product => ("产品", "Product"),
            Nature::Service => ("服务", "Service"),
            Nature::Experience => ("体验", "Experience"),
        }
    }

    /// The names (中文, English) of one of [`Nature::sub_problems`]; `None` for a key the
    /// catalog does not know (a newer server's), which is shown as it is.
    pub fn sub_problem_names(key: &str) -> Option<(&'static str, &'static str)> {
        Some(match key {
            "quality_defect" => ("质量缺陷", "Quality defect"),
            "function" => ("功能问题", "Function"),
            "design" => ("设计问题", "Design"),
            "slow_response" => ("响应慢", "Slow response"),
            "shirking" => ("推诿", "Shirking"),
            "attitude" => ("服务态度", "Attitude"),
            "logistics_delay" => ("物流延迟", "Logistics delay"),
            "damaged_packaging" => ("包装破损", "Damaged packaging"),
            "complicated_process" => ("流程繁琐", "Complicated process"),
            _ => return None,
        })
    }

    /// Whether `sub_problem` is one of this nature's.
    pub fn has_sub_problem(self, sub_problem: &str) -> bool {
        self.sub_problems().contains(&sub_problem)
    }

    /// Whether `sub_problem` belongs to any nature.
    pub fn is_sub_problem(sub_problem: &str) -> bool {
        Nature::ALL.iter().any(|n| n.has_sub_problem(sub_problem))
    }
}

wire_enum!(
    /// 影响: how far it reaches. Ordered: a grade can only be raised by the rules.
    Impact {
        /// 一般: one customer, no spread.
        General => "general",
        /// 重要: several customers, or may spread.
        Important => "important",
        /// 紧急: threatens rights, safety or reputation.
        Urgent => "urgent",
    }
);

wire_enum!(
    /// 诉求
    DemandKind {
        Compensation => "compensation",
        Improvement => "improvement",
        Emotional => "emotional",
    }
);

impl DemandKind {
    /// What the customer asked for on the visit, in the ticket's terms.
    pub fn from_visit(demand: Demand) -> Self {
        match demand {
            Demand::Exchange | Demand::Compensation => DemandKind::Compensation,
            Demand::Apology => DemandKind::Emotional,
            Demand::Explanation | Demand::None => DemandKind::Improvement,
        }
    }
}

wire_enum!(
    /// Ordered low → high so "at least" is a max.
    TicketPriority {
        /// 低: a suggestion.
        Low => "low",
        /// 中: affects use; progress reported within 48 h.
        Medium => "medium",
        /// 高: safety risk, big loss or strong complaint; escalated within 24 h.
        High => "high",
    }
);

/// 部门 a ticket is routed to.
pub type Department = String;

wire_enum!(
    /// 工单状态
    TicketState {
        New => "new",
        Assigned => "assigned",
        InProgress => "in_progress",
        Resolved => "resolved",
        /// Waiting for the revisit that asks the customer whether the fix worked.
        Revisit => "revisit",
        Closed => "closed",
    }
);

impl TicketState {
    pub fn is_open(self) -> bool {
        !matches!(self, TicketState::Closed)
    }
}

wire_enum!(
    /// What can happen to a ticket.
    TicketAction {
        Assign => "assign",
        Start => "start",
        Resolve => "resolve",
        /// The resolution is to be confirmed with the customer.
        ScheduleRevisit => "schedule_revisit",
        /// The revisit found the customer satisfied, or no revisit is due.
        Close => "close",
        /// Unsatisfied on revisit, or the problem came back.
        Reopen => "reopen",
    }
);

wire_enum!(
    /// Where a report came in (DOMAIN.md: proactive, passive, social media).
    IntakeChannel {
        /// Found on a follow-up visit.
        Visit => "visit",
        Survey => "survey",
        Hotline => "hotline",
        App => "app",
        Shop => "shop",
        SocialMedia => "social_media",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::WireName;

    /// The names the API, the database and the device's storage already hold.
    /// Each value's wire name and its JSON.
    type Names = Vec<(&'static str, String)>;

    fn names<T: WireName + serde::Serialize>() -> Names {
        T::VALUES
            .iter()
            .map(|v| (v.wire_name(), serde_json::to_string(v).unwrap()))
            .collect()
    }

    #[test]
    fn wire_names_are_the_stored_ones_and_round_trip() {
        let table: Vec<(Names, &[&str])> = vec![
            (names::<Nature>(), &["product", "service", "experience"]),
            (names::<Impact>(), &["general", "important", "urgent"]),
            (
                names::<DemandKind>(),
                &["compensation", "improvement", "emotional"],
            ),
            (names::<TicketPriority>(), &["low", "medium", "high"]),
            (
                names::<TicketState>(),
                &[
                    "new",
                    "assigned",
                    "in_progress",
                    "resolved",
                    "revisit",
                    "closed",
                ],
            ),
            (
                names::<TicketAction>(),
                &[
                    "assign",
                    "start",
                    "resolve",
                    "schedule_revisit",
                    "close",
                    "reopen",
                ],
            ),
            (
                names::<IntakeChannel>(),
                &["visit", "survey", "hotline", "app", "shop", "social_media"],
            ),
        ];
        for (got, want) in table {
            let wire: Vec<&str> = got.iter().map(|(w, _)| *w).collect();
            assert_eq!(wire, want);
            for (w, json) in got {
                assert_eq!(json, format!("\"{w}\""));
            }
        }
        assert_eq!(
            TicketState::parse("in_progress"),
            Some(TicketState::InProgress)
        );
        assert_eq!(Impact::parse(""), None);
        assert!(Impact::General < Impact::Urgent && TicketPriority::Low < TicketPriority::High);
    }

    #[test]
    fn every_nature_has_its_sub_problems_and_visit_demands_map_over() {
        for n in Nature::ALL {
            assert_eq!(n.sub_problems().len(), 3);
            assert!(n.sub_problems().iter().all(|s| Nature::is_sub_problem(s)));
        }
        assert!(Nature::Service.has_sub_problem("attitude"));
        assert!(!Nature::Product.has_sub_problem("attitude"));
        assert!(!Nature::is_sub_problem("weather"));
        let table = [
            (Demand::Exchange, DemandKind::Compensation),
            (Demand::Compensation, DemandKind::Compensation),
            (Demand::Apology, DemandKind::Emotional),
            (Demand::Explanation, DemandKind::Improvement),
            (Demand::None, DemandKind::Improvement),
        ];
        for (visit, ticket) in table {
            assert_eq!(DemandKind::from_visit(visit), ticket, "{visit:?}");
        }
    }
}
