//! Texts of the visit plans screen (回访计划): everyone's tasks, bulk planning, the recurring
//! policy.

use huifang_domain::planning::SkipReason;

use super::{Key, Lang, t};

/// The plans entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! plans_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        PlansTitle => "回访计划", "Visit plans";
        PlansPlanOne => "安排单个回访", "Plan one visit";
        PlansTasksTitle => "全部任务", "All tasks";
        PlansAnyone => "全部人员", "Everyone";
        PlansAnyState => "全部状态", "Any state";
        PlansAnyClass => "全部等级", "Any class";
        PlansAnyType => "全部类型", "Any type";
        PlansState => "状态", "State";
        PlansClass => "客户等级", "Customer class";
        PlansStateOpen => "待办", "Open";
        PlansStateDone => "已完成", "Done";
        PlansStateCancelled => "已取消", "Cancelled";
        PlansDueFrom => "开始不早于", "Starting from";
        PlansDueTo => "开始早于", "Starting before";
        PlansApply => "筛选", "Filter";
        PlansMore => "加载更多", "Load more";
        PlansNoTasks => "没有符合条件的任务。", "No tasks match.";
        PlansChange => "调整", "Change";
        PlansReassign => "改派给", "Reassign to";
        PlansSaveChange => "保存调整", "Save change";
        PlansCancelReason => "取消原因", "Reason for cancelling";
        PlansCancelTask => "取消任务", "Cancel task";
        PlansStale => "任务已被他人修改或已关闭,请刷新后重试。", "Someone changed or closed this task meanwhile: refresh and try again.";
        PlansInvalid => "请检查填写内容。", "Check the entries.";
        PlansBulkTitle => "批量安排", "Plan in bulk";
        PlansClasses => "客户等级(不选即全部)", "Customer classes (none: all)";
        PlansTag => "标签", "Tag";
        PlansLastVisitBefore => "上次回访早于", "Last visit before";
        PlansPurchasedFrom => "购买日期从", "Purchased from";
        PlansPurchasedTo => "购买日期至", "Purchased to";
        PlansStaff => "执行人员", "Staff";
        PlansFirstDay => "第一天", "First day";
        PlansDays => "天数", "Days";
        PlansCap => "每人每天上限", "Daily cap per person";
        PlansPreview => "预览", "Preview";
        PlansCreate => "创建任务", "Create tasks";
        PlansSummary => "选中客户 / 将安排任务", "Customers selected / tasks to plan";
        PlansDay => "日期", "Day";
        PlansExisting => "已有", "Existing";
        PlansPlanned => "新增", "Planned";
        PlansFirstRows => "前几条任务", "First tasks";
        PlansSkipped => "未安排的客户", "Customers not planned";
        PlansCreated => "已创建任务。", "Tasks created.";
        PlansTooLarge => "选中的客户超过 5000 个,请缩小范围。", "More than 5,000 customers selected: narrow the selection.";
        PlansSkipOpen => "已有同类型待办任务", "already has an open task of this type";
        PlansSkipFull => "各人各天已满", "every day of every person is full";
        PlansPolicyTitle => "定期回访", "Recurring visits";
        PlansEvery => "回访周期", "Every";
        PlansNone => "不定期", "None";
        PlansMonths => "个月", "months";
        PlansHandbook => "使用手册建议", "Use the handbook's example";
        PlansPolicySave => "保存周期", "Save periods";
        PlansPolicySaved => "已保存。服务器每天创建到期的回访任务。", "Saved. The server creates the due visits once a day.";
        PlansAssignee => "执行人", "Assignee";
    } };
}

pub fn skip_reason_label(lang: Lang, r: SkipReason) -> &'static str {
    t(
        lang,
        match r {
            SkipReason::OpenTask => Key::PlansSkipOpen,
            SkipReason::CapsFull => Key::PlansSkipFull,
        },
    )
}
