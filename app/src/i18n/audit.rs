//! Texts of the audit trail (操作日志, admins): filters, entries, the chain check, and a
//! label for every action and entity the server writes.

use super::Lang;

/// The audit entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! audit_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        AuditTitle => "操作日志", "Audit trail";
        AuditIntro => "谁在何时做了什么:查看号码、导出、规则与设置修改、审核等,按时间倒序。", "Who did what and when: contact reveals, exports, rule and setting changes, reviews and more, newest first.";
        AuditPerson => "人员", "Person";
        AuditAnyone => "所有人", "Anyone";
        AuditAction => "操作", "Action";
        AuditAnyAction => "所有操作", "Any action";
        AuditEntity => "对象", "Record";
        AuditAnyEntity => "所有对象", "Any record";
        AuditFrom => "起始日期", "From";
        AuditTo => "截止日期(含)", "To (included)";
        AuditApply => "筛选", "Filter";
        AuditQuick => "快速筛选", "Quick filters";
        AuditQuickAll => "全部", "All";
        AuditQuickReveals => "查看号码", "Contact reveals";
        AuditQuickExports => "导出", "Exports";
        AuditQuickRules => "规则与设置", "Rules and settings";
        AuditQuickReviews => "审核", "Reviews";
        AuditTotal => "条记录", "entries";
        AuditEmpty => "没有符合条件的记录。", "No entry matches.";
        AuditMore => "加载更多", "More";
        AuditOffline => "操作日志需要联网。", "The audit trail needs the network.";
        AuditSystem => "系统", "System";
        AuditChainTitle => "防篡改校验", "Tamper check";
        AuditChainHint => "每条日志都带有与上一条相连的哈希。校验会从头读取整个日志,日志很大时需要一些时间。", "Each entry carries a hash linked to the one before. The check reads the whole log, which takes a while on a large log.";
        AuditChainRun => "立即校验", "Check now";
        AuditChainRunning => "正在校验…", "Checking…";
        AuditChainIntact => "日志完整,未发现篡改。已校验", "The log is intact. Entries checked:";
        AuditChainBroken => "日志链断开:第一条异常记录编号", "The chain is broken. First entry that does not link:";
        AuditChainBrokenCount => "异常记录数", "Entries that do not link";
        AuditChainFailed => "校验未能完成,请稍后重试。", "The check could not finish; try again later.";
    }};
}

/// What an action string means, for the list and the action filter; an action this app does
/// not know yet is shown as it is.
pub fn audit_action_label(lang: Lang, action: &str) -> String {
    let (zh, en) = match action {
        "visit.record" => ("记录回访", "Recorded a visit"),
        "review.decide" => ("审核", "Reviewed"),
        "ticket.create" => ("新建工单", "Opened a ticket"),
        "ticket.report" => ("工单追加反映", "Added a report to a ticket"),
        "ticket.update" => ("处理工单", "Worked a ticket"),
        "ticket.revisit" => ("工单回访", "Revisited a ticket"),
        "task.create" => ("安排回访任务", "Planned a visit"),
        "task.change" => ("修改回访任务", "Changed a planned visit"),
        "task.cancel" => ("取消回访任务", "Cancelled a planned visit"),
        "task.done" => ("完成回访任务", "Completed a planned visit"),
        "plan.create" => ("批量安排回访", "Planned visits in bulk"),
        "recurring_policy.update" => ("修改定期回访", "Changed recurring visits"),
        "customer.create" => ("新建客户", "Added a customer"),
        "customer.update" => ("修改客户", "Changed a customer"),
        "customer.archive" => ("归档客户", "Archived a customer"),
        "customer.unarchive" => ("恢复客户", "Restored a customer"),
        "customer.import" => ("导入客户", "Imported customers"),
        "contact.reveal" => ("查看完整号码", "Revealed a contact"),
        "export" => ("导出", "Exported"),
        "settings.update" => ("修改机构设置", "Changed the settings"),
        "settings.grading.update" => ("修改定级规则", "Changed the grading rules"),
        "settings.sla.update" => ("修改时限规则", "Changed the deadlines"),
        "settings.calendar.update" => ("修改工作日历", "Changed the calendar"),
        "settings.routing.update" => ("修改分派规则", "Changed the routing"),
        "settings.revisit.update" => ("修改回访抽样规则", "Changed the revisit rules"),
        "script.publish" => ("发布话术", "Published a script"),
        "script.draft_save" => ("保存话术草稿", "Saved a script draft"),
        "script.retire" => ("停用话术", "Retired a script"),
        "script.restore" => ("恢复话术", "Restored a script"),
        "survey.publish" => ("发布问卷", "Published a survey"),
        "survey.draft_save" => ("保存问卷草稿", "Saved a survey draft"),
        "survey.retire" => ("停用问卷", "Retired a survey"),
        "survey.restore" => ("恢复问卷", "Restored a survey"),
        "user.add" => ("添加人员", "Added a person"),
        "user.update" => ("修改人员", "Changed a person"),
        "user.disable" => ("停用账号", "Disabled an account"),
        "user.enable" => ("启用账号", "Enabled an account"),
        "user.password_change" => ("修改密码", "Changed a password"),
        "user.password_reset" => ("重置密码", "Reset a password"),
        other => return other.to_owned(),
    };
    lang.pick((zh, en)).to_owned()
}

/// What an entity string names.
pub fn audit_entity_label(lang: Lang, entity: &str) -> String {
    let (zh, en) = match entity {
        "visit" => ("回访", "Visit"),
        "ticket" => ("工单", "Ticket"),
        "task" => ("回访任务", "Planned visit"),
        "plan" => ("回访计划", "Visit plan"),
        "recurring_policy" => ("定期回访", "Recurring visits"),
        "customer" => ("客户", "Customer"),
        "import" => ("导入", "Import"),
        "export" => ("导出", "Export"),
        "settings" => ("设置", "Settings"),
        "script" => ("话术", "Script"),
        "survey" => ("问卷", "Survey"),
        "user" => ("人员", "Person"),
        other => return other.to_owned(),
    };
    lang.pick((zh, en)).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{ACTIONS, ENTITIES};

    #[test]
    fn every_known_action_and_entity_has_a_label_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            for action in ACTIONS {
                assert_ne!(audit_action_label(lang, action), *action, "{action}");
            }
            for entity in ENTITIES {
                assert_ne!(audit_entity_label(lang, entity), *entity, "{entity}");
            }
        }
        assert_eq!(audit_action_label(Lang::En, "new.thing"), "new.thing");
    }
}
