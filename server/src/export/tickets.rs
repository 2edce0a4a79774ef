//! The ticket export: one line per ticket created in the period, with its grade, department,
//! state, and every SLA clock kind as three columns (started, deadline, outcome).

use huifang_domain::sla::{ClockKind, ClockState};

use super::visits::local_time;
use super::{Cell, Lang, labels};
use crate::store::{ExportClock, TicketExportRow};

/// The columns before the clocks'.
const FIXED: usize = 12;

pub fn ticket_headers(lang: Lang) -> Vec<String> {
    let fixed = lang.pick((
        [
            "工单编号",
            "创建时间",
            "反映人",
            "联系方式(脱敏)",
            "问题性质",
            "具体问题",
            "问题描述",
            "影响程度",
            "优先级",
            "责任部门",
            "状态",
            "处理人",
        ],
        [
            "Ticket",
            "Created",
            "Reported by",
            "Contact (masked)",
            "Problem type",
            "Sub-problem",
            "Description",
            "Impact",
            "Priority",
            "Department",
            "State",
            "Assignee",
        ],
    ));
    let mut headers: Vec<String> = fixed.iter().map(|h| (*h).to_owned()).collect();
    for &kind in ClockKind::ALL {
        let name = labels::clock_kind(lang, kind);
        let [started, due, outcome] =
            lang.pick((["开始", "时限", "结果"], ["started", "deadline", "outcome"]));
        let sep = lang.pick(("", " "));
        headers.extend([started, due, outcome].map(|h| format!("{name}{sep}{h}")));
    }
    headers
}

pub fn ticket_widths() -> Vec<f64> {
    let mut w = vec![
        38.0, 17.0, 10.0, 16.0, 8.0, 12.0, 40.0, 8.0, 7.0, 12.0, 8.0, 10.0,
    ];
    debug_assert_eq!(w.len(), FIXED);
    w.extend(std::iter::repeat_n([17.0, 17.0, 26.0], ClockKind::ALL.len()).flatten());
    w
}

/// Where a clock ended or stands: met (and when), breached (and when), or its running state.
fn outcome(c: &ExportClock, lang: Lang, offset: i32) -> String {
    let at = |t| local_time(t, offset);
    match (c.state, c.met_at) {
        (ClockState::Breached, Some(met)) => lang.pick((
            format!("超时达成 {}", at(met)),
            format!("met late {}", at(met)),
        )),
        (ClockState::Breached, None) => {
            let when = at(c.breached_at.unwrap_or(c.due_at));
            lang.pick((format!("已超时 {when}"), format!("breached {when}")))
        }
        (_, Some(met)) => lang.pick((format!("已达成 {}", at(met)), format!("met {}", at(met)))),
        (state, None) => labels::clock_state(lang, state).to_owned(),
    }
}

/// The cells of one ticket; a clock kind the ticket ran more than once lists each, `; `
/// between them.
pub fn ticket_cells(t: &TicketExportRow, lang: Lang, offset: i32) -> Vec<Cell> {
    let ticket = &t.ticket;
    let intake = &ticket.intake;
    let mut cells: Vec<Cell> = vec![
        ticket.id.to_string().into(),
        local_time(ticket.created_at, offset).into(),
        intake.reporter.as_str().into(),
        intake.contact.as_deref().into(),
        labels::nature(lang, intake.nature).into(),
        labels::sub_problem(lang, &intake.sub_problem).into(),
        intake.description.as_str().into(),
        labels::impact(lang, ticket.grade.impact).into(),
        labels::priority(lang, ticket.grade.priority).into(),
        ticket.department.as_deref().into(),
        labels::ticket_state(lang, ticket.state).into(),
        t.assignee.as_deref().into(),
    ];
    for &kind in ClockKind::ALL {
        let mine: Vec<&ExportClock> = t.clocks.iter().filter(|c| c.kind == kind).collect();
        if mine.is_empty() {
            cells.extend([Cell::Empty, Cell::Empty, Cell::Empty]);
            continue;
        }
        let join = |f: &dyn Fn(&ExportClock) -> String| {
            Cell::Text(mine.iter().map(|c| f(c)).collect::<Vec<_>>().join("; "))
        };
        cells.push(join(&|c| local_time(c.started_at, offset)));
        cells.push(join(&|c| local_time(c.due_at, offset)));
        cells.push(join(&|c| outcome(c, lang, offset)));
    }
    cells
}
