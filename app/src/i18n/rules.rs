//! Texts of the rules screen: grading, deadlines, calendar, routing, revisit targets.

use huifang_domain::ticket::When;

use super::{Lang, demand_kind_label, emotion_label, nature_label, sub_problem_label};

/// The rules entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! rules_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        RulesTitle => "规则设置", "Rules";
        RulesIntro => "工单的定级、时限、工作日历、分派和回访抽样规则。保存后新工单立即按新规则处理,已在计时的时限不变。", "How tickets are graded, clocked, routed and sampled for revisits. New tickets follow a saved change at once; running clocks keep their rule.";
        RulesAdminOnly => "只有管理员可以设置规则。", "Only admins can set the rules.";
        RulesOffline => "规则设置需要联网。当前无法连接服务器。", "The rules need the network, which is not reachable now.";
        RulesSave => "保存", "Save";
        RulesSaving => "正在保存…", "Saving…";
        RulesSaved => "规则已保存", "Rules saved";
        RulesForbidden => "没有权限修改规则。", "You may not change the rules.";
        RulesGrading => "定级规则", "Grading";
        RulesGradingHint => "条件成立时,把影响和优先级提高到至少所选等级;规则从不降低等级。", "When a condition holds, impact and priority are raised to at least the chosen level; rules never lower a grade.";
        RulesCondition => "条件", "Condition";
        RulesMinReports => "至少次数", "At least (reports)";
        RulesDays => "天数", "Within (days)";
        RulesImpactAtLeast => "影响至少", "Impact at least";
        RulesPriorityAtLeast => "优先级至少", "Priority at least";
        RulesUnchanged => "不变", "Unchanged";
        RulesSla => "处理时限", "Deadlines (SLA)";
        RulesSlaHint => "每类时限按工单等级取第一条适用的规则。0 表示立即。", "Per ticket the first rule of each kind that fits its grade applies. 0 means immediately.";
        RulesAppliesTo => "适用:", "Applies to: ";
        RulesAnyGrade => "所有等级", "Any grade";
        RulesHours => "小时", "Hours";
        RulesMinutes => "分钟", "Minutes";
        RulesTiming => "计时方式", "Timing";
        RulesTimingBusiness => "工作时间", "Business hours";
        RulesTimingContinuous => "连续计时", "Around the clock";
        RulesWarnPercent => "预警(已用 %)", "Warn at (% used)";
        RulesCalendar => "工作日历", "Business calendar";
        RulesWorkStart => "上班时间", "Work starts";
        RulesWorkEnd => "下班时间", "Work ends";
        RulesWorkdays => "工作日", "Working days";
        RulesHolidays => "节假日", "Holidays";
        RulesExtraWorkdays => "调休上班日", "Make-up working days";
        RulesAddDate => "添加", "Add";
        RulesRemove => "删除", "Remove";
        RulesNoDates => "暂无", "None";
        RulesRouting => "分派部门", "Routing";
        RulesByNature => "按问题性质", "By nature";
        RulesBySubProblem => "按具体问题(优先)", "By sub-problem (wins)";
        RulesByNatureFallback => "按性质分派", "Route by nature";
        RulesRevisit => "回访抽样", "Revisit targets";
        RulesRevisitHint => "已解决工单中需要回访的比例(%)。", "Share of resolved cases to revisit (%).";
        RulesKeyCustomers => "重点客户(A 类 / VIP)", "Key customers (class A / VIP)";
    } };
}

/// Names of the default grading rules' keys; any other key (an admin's own rule, a newer
/// server's) shows as itself. The names leave out the thresholds and grades, which admins
/// change on the rules screen.
pub fn rule_label(lang: Lang, key: &str) -> String {
    let pair = match key {
        "injury_or_loss" => ("人身伤害或财产损失", "Injury or property loss"),
        "repeated_5_in_7_days" => ("同一问题多次反映", "Same problem reported repeatedly"),
        "strong_complaint" => ("强烈投诉", "Strong complaint"),
        "affects_use" => ("产品问题影响使用", "Product problem affects use"),
        other => return other.to_owned(),
    };
    lang.pick(pair).to_owned()
}

/// The departments tickets are routed to (DOMAIN.md "Routing"), in the order the routing
/// pickers offer them.
pub const DEPARTMENTS: [&str; 3] = ["quality", "operations", "supply_chain"];

/// Names of [`DEPARTMENTS`]; any other department shows as itself.
pub fn department_label(lang: Lang, d: &str) -> String {
    let pair = match d {
        "quality" => ("质量/产品部", "Quality / product"),
        "operations" => ("运营部", "Operations"),
        "supply_chain" => ("供应链", "Supply chain"),
        other => return other.to_owned(),
    };
    lang.pick(pair).to_owned()
}

/// 周一…周日, Monday first (the calendar's order).
pub fn weekday_label(lang: Lang, index: usize) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    lang.pick((ZH[index % 7], EN[index % 7]))
}

/// A grading condition in words.
pub fn when_text(lang: Lang, w: &When) -> String {
    let nested = |w: &When| match w {
        When::Any(_) | When::All(_) => format!("({})", when_text(lang, w)),
        _ => when_text(lang, w),
    };
    match w {
        When::PersonalInjury => lang.pick(("有人身伤害", "personal injury")).to_owned(),
        When::PropertyLoss => lang.pick(("有财产损失", "property loss")).to_owned(),
        When::Nature(n) => match lang {
            Lang::Zh => format!("问题性质为{}", nature_label(lang, *n)),
            Lang::En => format!("nature is {}", nature_label(lang, *n).to_lowercase()),
        },
        When::SubProblem(p) => match lang {
            Lang::Zh => format!("具体问题为{}", sub_problem_label(lang, p)),
            Lang::En => format!(
                "sub-problem is {}",
                sub_problem_label(lang, p).to_lowercase()
            ),
        },
        When::Emotion(e) => match lang {
            Lang::Zh => format!("客户情绪为{}", emotion_label(lang, *e)),
            Lang::En => format!("customer is {}", emotion_label(lang, *e).to_lowercase()),
        },
        When::Demand(d) => match lang {
            Lang::Zh => format!("诉求为{}", demand_kind_label(lang, *d)),
            Lang::En => format!("demand is {}", demand_kind_label(lang, *d).to_lowercase()),
        },
        When::Repeated { min, days } => match lang {
            Lang::Zh => format!("{days} 天内同一具体问题被反映至少 {min} 次"),
            Lang::En => {
                format!("the same sub-problem reported at least {min} times in {days} days")
            }
        },
        When::Any(all) => {
            let sep = lang.pick((" 或 ", " or "));
            all.iter().map(nested).collect::<Vec<_>>().join(sep)
        }
        When::All(all) => {
            let sep = lang.pick((" 且 ", " and "));
            all.iter().map(nested).collect::<Vec<_>>().join(sep)
        }
    }
}
