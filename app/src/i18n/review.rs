//! Texts of what supervisors and admins look over: all visits, escalations, the workbench.

use huifang_domain::ListTotal;
use huifang_domain::ticket::{ReviewDecision, RevisitVerdict};

use super::Lang;

/// The review entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! review_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        AdminTitle => "回访记录", "All visits";
        AdminOffline => "查看全部回访记录需要联网。当前无法连接服务器。", "Reading all visits needs the network, which is not reachable now.";
        AdminEmpty => "服务器上还没有回访记录。", "No visits stored on the server yet.";
        AdminTotalLabel => "共计", "Total";
        Prev => "上一页", "Previous";
        Next => "下一页", "Next";
        LoadMore => "加载更多", "Load more";
        AgentLabel => "回访人", "Agent";
        ReceivedLabel => "服务器接收", "Received";
        EscalationsTitle => "转接主管的回访", "Escalated visits";
        EscalationsEmpty => "没有转接的回访。", "No escalated visits.";
        SuperviseTitle => "主管工作台", "Supervision";
        CoverageTitle => "回访覆盖率", "Revisit coverage";
        CoverageResolved => "已解决", "Resolved";
        CoverageRevisited => "已回访", "Revisited";
        CoverageTarget => "目标", "Target";
        CoverageMet => "达标", "On target";
        CoverageBelow => "未达标", "Below target";
        CoverageNoCases => "暂无案例", "No cases";
        CoverageEmpty => "还没有已解决的工单。", "No resolved cases yet.";
        ReviewTitle => "待审核", "Awaiting review";
        ReviewEmpty => "没有待审核的记录。", "Nothing awaits review.";
        ReviewVisits => "回访记录", "Visit records";
        ReviewTickets => "工单处理结果", "Ticket resolutions";
        ReviewComment => "审核意见", "Comment";
        ReviewSignOff => "签署通过", "Sign off";
        ReviewReturn => "退回", "Return";
        ReviewCommentRequired => "退回时请写明需要更正的内容", "Say what to correct when returning";
        ReviewQueued => "审核意见已保存,联网后同步", "Decision saved; it syncs when online";
        SuperviseOffline => "离线:以下为本机数据,联网后刷新。", "Offline: showing what is on this device; refreshes when online.";
        EscalatedQueue => "升级队列", "Escalated queue";
    } };
}

pub fn page_n(lang: Lang, page: usize) -> String {
    match lang {
        Lang::Zh => format!("第 {page} 页"),
        Lang::En => format!("Page {page}"),
    }
}

/// A list's total as the server counted it: "1,000+" past the count's cap.
pub fn list_total(total: ListTotal) -> String {
    let digits = total.count.to_string();
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(d);
    }
    if total.more {
        grouped.push('+');
    }
    grouped
}

pub fn verdict_label(lang: Lang, v: RevisitVerdict) -> &'static str {
    lang.pick(match v {
        RevisitVerdict::Satisfied => ("回访满意,关闭", "Revisit: satisfied, closed"),
        RevisitVerdict::Unsatisfied => ("回访不满意,重新打开", "Revisit: unsatisfied, reopened"),
        RevisitVerdict::NotReached => ("回访未接通", "Revisit: not reached"),
    })
}

pub fn review_decision_label(lang: Lang, d: ReviewDecision) -> &'static str {
    lang.pick(match d {
        ReviewDecision::SignOff => ("主管已签署", "Signed off"),
        ReviewDecision::Return => ("主管退回", "Returned"),
    })
}
