//! Texts of the dashboard (看板) and of the charts it draws.

use super::Lang;

/// The dashboard entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! dashboard_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        ChartEmpty => "暂无数据", "No data";
        ChartItem => "项目", "Item";
        ChartCount => "数量", "Count";
        ChartShare => "占比", "Share";
        ChartTarget => "目标", "Target";
        DashTitle => "看板", "Dashboard";
        DashFailed => "这部分数据没有取到,请联网后刷新。", "This part could not be loaded. Check the network and reload.";
        DashAll => "全部", "All";
        DashFilters => "筛选", "Filters";
        DashFilterScope => "回访类型、渠道和回访人筛选满意度与回访执行两部分。", "Visit type, channel and agent filter the satisfaction and visits sections.";
        DashChannel => "渠道", "Channel";
        DashSample => "样本", "Sample";
        DashPrevious => "上期", "Previous";
        DashWeek => "周(起始日)", "Week (starting)";
        DashSatisfaction => "满意度", "Satisfaction";
        DashAverage => "平均分", "Average score";
        DashCsat => "满意率 (4–5 分)", "CSAT (4–5)";
        DashNps => "NPS 净推荐值", "NPS";
        DashCsatByWeek => "每周满意率", "CSAT by week";
        DashDistribution => "评分分布", "Score distribution";
        DashScore => "评分", "Score";
        DashVisits => "回访执行", "Visits";
        DashPlanned => "计划回访", "Planned";
        DashDone => "已完成", "Done";
        DashDoneRate => "完成率", "Done rate";
        DashReached => "接通率", "Reached";
        DashOnTime => "按时率", "On time";
        DashInTime => "及时记录率", "Recorded in time";
        DashAttempts => "每接通客户尝试次数", "Attempts per reached customer";
        DashWorkByWeek => "每周计划与完成", "Planned and done by week";
        DashRatesByWeek => "每周接通率、按时率、及时记录率", "Reached, on time and recorded in time by week";
        DashRevisitsTitle => "回访覆盖与结果", "Revisits";
        DashRevisits => "已回访", "Revisits answered";
        DashFirstCloseRate => "首次回访即关闭", "Closed on the first revisit";
        DashReopenRate => "重开率", "Reopened";
        DashCoverage => "覆盖率", "Coverage";
        DashCoverageVsTarget => "回访覆盖率与目标", "Revisit coverage against target";
        DashRevisitOutcome => "回访结果", "Revisit outcome";
        DashClosedFirst => "首次回访即关闭", "Closed on first revisit";
        DashReopened => "不满意重开", "Reopened";
        DashBacklog => "时效与积压", "SLA and backlog";
        DashOpen => "未关闭工单", "Open tickets";
        DashOverdueNow => "当前超时", "Overdue now";
        DashDue24h => "24 小时内到期", "Due in 24 h";
        DashOpenByGrade => "按等级的未关闭工单", "Open tickets by grade";
        DashOpenByDept => "按部门的未关闭工单", "Open tickets by department";
        DashBreaches => "超时次数", "Breaches";
        DashBreachesByKind => "按时限类型的超时", "Breaches by clock";
        DashBreachesByDept => "按部门的超时", "Breaches by department";
        DashBacklogAge => "积压时长", "Backlog age";
        DashGrade => "等级", "Grade";
        DashDepartment => "部门", "Department";
        DashNoDepartment => "未分派", "Not routed";
        DashClock => "时限", "Clock";
        DashAge => "已开启", "Open for";
        DashAgeUnder1d => "不到 1 天", "Under 1 day";
        DashAge1to3 => "1–3 天", "1–3 days";
        DashAge3to7 => "3–7 天", "3–7 days";
        DashAgeOver7 => "7 天以上", "Over 7 days";
        DashAgentsTitle => "回访人统计", "Per agent";
        DashVisitsDone => "回访次数", "Visits";
        DashResolved => "解决工单", "Tickets resolved";
        DashReturned => "审核退回", "Returned by review";
    } };
}

/// The rule behind "recorded in time", with its minutes.
pub fn dash_record_within(lang: Lang, minutes: u32) -> String {
    match lang {
        Lang::Zh => format!("及时记录:联系结束后 {minutes} 分钟内保存记录。"),
        Lang::En => format!("Recorded in time: saved within {minutes} minutes of the contact."),
    }
}
