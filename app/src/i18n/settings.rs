//! Texts of the organisation settings screen (机构设置) and of the revisit rule's "who
//! revisits" rows on the rules screen.

use huifang_domain::settings::SettingsReason;

use super::{Key, Lang};

/// The settings entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! settings_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        OrgTitle => "机构设置", "Organisation settings";
        OrgIntro => "这些设置随同步发到每台设备:话术中的公司名称、机构的本地时间、免打扰时段和回访时长目标。", "These settings reach every device with its next sync: the company name the scripts speak, the organisation's local time, the quiet hours and the contact targets.";
        OrgAdminOnly => "只有管理员可以修改机构设置。", "Only admins can change the organisation settings.";
        OrgOffline => "机构设置需要联网。当前无法连接服务器。", "The settings need the network, which is not reachable now.";
        OrgCompany => "公司名称", "Company name";
        OrgCompanyUnset => "尚未设置公司名称:话术中的 {company} 现在是空的。", "No company name yet: {company} in the scripts is empty for now.";
        OrgOffset => "时区(UTC 偏移)", "Time zone (UTC offset)";
        OrgQuiet => "免打扰时段", "Quiet hours";
        OrgQuietHint => "这些时段内不安排回访,也不重拨。结束早于开始的时段跨过午夜。", "No visits are planned and no calls retried in these windows. A window that ends before it starts runs over midnight.";
        OrgQuietFrom => "开始", "From";
        OrgQuietTo => "结束", "To";
        OrgQuietAdd => "添加时段", "Add a window";
        OrgQuietRemove => "删除时段", "Remove window";
        OrgQuietNone => "没有免打扰时段:任何时间都可以联系客户。", "No quiet hours: customers may be contacted at any time.";
        OrgQuietWindow => "时段", "Window";
        OrgTargets => "回访时长目标(分钟)", "Contact target (minutes)";
        OrgTargetMin => "最短", "At least";
        OrgTargetMax => "最长", "At most";
        OrgRecordWithin => "通话结束后几分钟内完成记录", "Record a contact within (minutes)";
        OrgSave => "保存", "Save";
        OrgSaving => "正在保存…", "Saving…";
        OrgSaved => "机构设置已保存", "Settings saved";
        OrgFixFirst => "请先修改标出的项目。", "Please correct the marked fields first.";
        OrgForbidden => "没有权限修改机构设置。", "You may not change the settings.";
        OrgConflict => "在您修改期间,其他管理员已保存了机构设置。现在保存的是:", "Another admin saved the settings while you were editing. What is stored now:";
        OrgLoadCurrent => "载入当前设置后再修改", "Load the current settings and edit again";
        OrgNoQuiet => "无", "none";
        OrgReasonMissing => "必须填写。", "Required.";
        OrgReasonTooLong => "太长了(最多 100 个字)。", "Too long (at most 100 characters).";
        OrgReasonControl => "不能包含换行等控制字符。", "No line breaks or control characters.";
        OrgReasonOffset => "请从列表中选择时区。", "Pick a time zone from the list.";
        OrgReasonEmptyWindow => "结束时间不能与开始时间相同。", "The end cannot be the same as the start.";
        OrgReasonWholeMinute => "请使用整分钟。", "Use whole minutes.";
        OrgReasonOverlaps => "与前面的时段重叠。", "Overlaps an earlier window.";
        OrgReasonTooMany => "最多 8 个时段。", "At most 8 windows.";
        OrgReasonWholeDay => "免打扰时段占满了全天,没有可以联系客户的时间。", "The quiet hours fill the whole day: no time is left for contacts.";
        OrgReasonTargetRange => "请填写 1 到 240 之间的分钟数。", "Enter minutes from 1 to 240.";
        OrgReasonRecordRange => "请填写 1 到 1440 之间的分钟数。", "Enter minutes from 1 to 1440.";
        OrgSilentDays => "设备超过几天未同步视为失联", "A device is silent after (days without sync)";
        OrgReasonSilentRange => "请填写 1 到 90 之间的天数。", "Enter days from 1 to 90.";
        OrgReasonMinAboveMax => "最短时长不能大于最长时长。", "The minimum cannot be above the maximum.";
        OrgReasonServer => "服务器拒绝了这一项。", "The server refused this field.";
        RulesRevisitors => "谁来回访", "Who revisits";
        RulesRevisitorsHint => "按工单的影响等级指定回访人(制度:一般投诉由助理回访,重要投诉由部门主管回访,重点投诉由经理回访)。经办人指工单的处理人,其次是发现问题的回访员或登记人。", "Who revisits a ticket, by its impact (the handbook: general complaints by an assistant, important ones by the department supervisor, key ones by a manager). The handler is the ticket's assignee, else the visitor who found the problem or its reporter.";
        RulesRevisitorHandler => "经办人", "The handler";
        RulesRevisitorUnknown => "(已不可用的人员)", "(no longer available)";
    } };
}

/// What the console says about a refused setting; `field` tells the two ranges apart.
pub fn settings_reason_text(lang: Lang, field: &str, reason: SettingsReason) -> &'static str {
    let key = match reason {
        SettingsReason::Missing => Key::OrgReasonMissing,
        SettingsReason::TooLong => Key::OrgReasonTooLong,
        SettingsReason::ControlCharacters => Key::OrgReasonControl,
        SettingsReason::UnknownOffset => Key::OrgReasonOffset,
        SettingsReason::EmptyWindow => Key::OrgReasonEmptyWindow,
        SettingsReason::NotWholeMinute => Key::OrgReasonWholeMinute,
        SettingsReason::Overlaps => Key::OrgReasonOverlaps,
        SettingsReason::TooMany => Key::OrgReasonTooMany,
        SettingsReason::WholeDay => Key::OrgReasonWholeDay,
        SettingsReason::OutOfRange if field == "record_within_minutes" => Key::OrgReasonRecordRange,
        SettingsReason::OutOfRange if field == "device_silent_days" => Key::OrgReasonSilentRange,
        SettingsReason::OutOfRange => Key::OrgReasonTargetRange,
        SettingsReason::MinAboveMax => Key::OrgReasonMinAboveMax,
    };
    super::t(lang, key)
}
