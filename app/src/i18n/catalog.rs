//! Texts of the catalog: the list of call scripts and surveys, and the script editor.

use huifang_domain::script::{Audience, StepKind};

use super::{Key, Lang, audience_label, t};

/// The catalog entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! catalog_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        CatalogTitle => "话术与问卷", "Scripts and surveys";
        CatalogIntro => "在这里编写通话话术和满意度问卷。草稿只在服务器上;发布后成为新版本,外勤设备下次同步时收到。", "Write the call scripts and satisfaction surveys here. A draft stays on the server; publishing makes it a new version, which devices receive on their next sync.";
        CatalogAdminOnly => "只有管理员可以编辑话术和问卷。", "Only admins can edit scripts and surveys.";
        CatalogOffline => "话术与问卷的编辑需要联网。当前无法连接服务器。", "Editing scripts and surveys needs the network, which is not reachable now.";
        CatalogScripts => "通话话术", "Call scripts";
        CatalogSurveys => "满意度问卷", "Surveys";
        CatalogNewScript => "新建话术", "New script";
        CatalogNewSurvey => "新建问卷", "New survey";
        CatalogNone => "还没有内容。", "Nothing here yet.";
        CatalogColTitle => "标题", "Title";
        CatalogColType => "回访类型", "Visit type";
        CatalogColState => "状态", "State";
        CatalogColUpdated => "更新", "Updated";
        CatalogAnyType => "所有类型", "Any type";
        CatalogUntitled => "(未命名)", "(untitled)";
        CatalogStateDraft => "草稿", "Draft";
        CatalogStateChanged => "有未发布的修改", "Unpublished changes";
        CatalogStateRetired => "已停用", "Retired";
        CatalogBack => "返回列表", "Back to the list";
        CatalogNotFound => "找不到这份话术。", "This script does not exist.";
        CatalogSaveDraft => "保存草稿", "Save draft";
        CatalogSaving => "正在保存…", "Saving…";
        CatalogSaved => "草稿已保存", "Draft saved";
        CatalogPublish => "发布", "Publish";
        CatalogRetire => "停用", "Retire";
        CatalogRestore => "恢复使用", "Restore";
        CatalogRetiredNote => "已停用:外勤设备不再为新的回访提供它;用它完成的回访照常同步。", "Retired: devices no longer offer it for new visits; visits made with it still sync.";
        CatalogRetiredDone => "已停用", "Retired";
        CatalogRestoredDone => "已恢复使用", "Restored";
        CatalogUnsaved => "有未保存的修改", "Unsaved changes";
        CatalogVersions => "版本记录", "Versions";
        CatalogNoVersions => "尚未发布。", "Not published yet.";
        CatalogSeeded => "系统初始内容", "Initial content";
        CatalogProblemsTitle => "还不能发布,请先修改:", "Cannot publish yet; please fix:";
        CatalogConflictTitle => "别人已修改了这份草稿", "Someone else changed this draft";
        CatalogConflictChanged => "与你的版本不同的地方:", "Where it differs from yours:";
        CatalogConflictOrder => "步骤顺序", "Order of the steps";
        CatalogConflictLoadTheirs => "载入对方的版本", "Load their version";
        CatalogConflictKeepMine => "保留我的,覆盖对方", "Keep mine and overwrite";
        CatalogConflictHint => "你的修改仍在编辑器里,没有丢失。", "Your changes are still in the editor; nothing is lost.";
        ProblemNoTitle => "缺少标题", "needs a title";
        ProblemNoSteps => "至少需要一个步骤", "needs at least one step";
        ProblemBlank => "不能为空", "must not be blank";
        ProblemDuplicate => "与前面的重复", "repeats an earlier one";
        ProblemNoStandard => "缺少标准话术", "has no standard wording";
        ProblemUnknownPlaceholder => "使用了未知的占位符", "uses an unknown placeholder";
        ProblemOther => "不符合规则", "breaks a rule";
        ScriptEditorNew => "新建话术", "New script";
        ScriptEditorEdit => "编辑话术", "Edit script";
        ScriptTitleField => "标题", "Title";
        ScriptTypeField => "回访类型", "Visit type";
        ScriptStepsTitle => "步骤", "Steps";
        ScriptStepKind => "环节", "Stage";
        ScriptStepGoal => "目标(显示在话术上方)", "Goal (shown above the wording)";
        ScriptAddStep => "添加步骤", "Add a step";
        ScriptMoveUp => "上移", "Move up";
        ScriptMoveDown => "下移", "Move down";
        ScriptRemoveStep => "删除", "Remove";
        ScriptInsert => "插入占位符", "Insert a placeholder";
        ScriptPreviewTitle => "预览:外勤设备上的样子", "Preview: as devices show it";
        ScriptSampleName => "王女士", "Ms Wang";
        ScriptSampleSummary => "空调 KFR-35GW,2026-11 上门维修", "Air conditioner KFR-35GW, serviced 2026-11";
        ScriptSampleCompany => "惠方电器", "Huifang Appliances";
        ScriptSampleLater => "明天上午", "tomorrow morning";
        StepOpening => "开场白", "Opening";
        StepIdentityCheck => "身份核实", "Identity check";
        StepOpenQuestion => "开放式提问", "Open question";
        StepApology => "致歉", "Apology";
        StepConfirmProblem => "确认问题", "Confirm the problem";
        StepSolution => "提出方案", "Solution";
        StepClosing => "结束语", "Closing";
        PhCustomerName => "客户称呼", "Customer's name";
        PhAgentName => "客服姓名", "Agent's name";
        PhAgentNo => "工号", "Agent number";
        PhCompany => "公司名称", "Company";
        PhProduct => "产品", "Product";
        PhNextContact => "下次联系时间", "Next contact";
    } };
}

pub const STEP_KINDS: [StepKind; 7] = [
    StepKind::Opening,
    StepKind::IdentityCheck,
    StepKind::OpenQuestion,
    StepKind::Apology,
    StepKind::ConfirmProblem,
    StepKind::Solution,
    StepKind::Closing,
];

pub fn step_kind_label(lang: Lang, k: StepKind) -> &'static str {
    t(
        lang,
        match k {
            StepKind::Opening => Key::StepOpening,
            StepKind::IdentityCheck => Key::StepIdentityCheck,
            StepKind::OpenQuestion => Key::StepOpenQuestion,
            StepKind::Apology => Key::StepApology,
            StepKind::ConfirmProblem => Key::StepConfirmProblem,
            StepKind::Solution => Key::StepSolution,
            StepKind::Closing => Key::StepClosing,
        },
    )
}

/// What a script placeholder stands for; `None` for a name the domain does not know.
pub fn placeholder_label(lang: Lang, name: &str) -> Option<&'static str> {
    let key = match name {
        "customer_name" => Key::PhCustomerName,
        "agent_name" => Key::PhAgentName,
        "agent_no" => Key::PhAgentNo,
        "company" => Key::PhCompany,
        "product" => Key::PhProduct,
        "next_contact" => Key::PhNextContact,
        _ => return None,
    };
    Some(t(lang, key))
}

/// "已发布 v2" / "Published v2".
pub fn published_version(lang: Lang, version: u32) -> String {
    match lang {
        Lang::Zh => format!("已发布 v{version}"),
        Lang::En => format!("Published v{version}"),
    }
}

/// The toast after publishing.
pub fn published_as(lang: Lang, version: u32) -> String {
    match lang {
        Lang::Zh => format!("已发布为第 {version} 版"),
        Lang::En => format!("Published as version {version}"),
    }
}

/// "第 3 步" / "Step 3" (counted from 1).
pub fn step_number(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("第 {n} 步"),
        Lang::En => format!("Step {n}"),
    }
}

/// The label of one audience's wording: "话术 · VIP" / "Wording · VIP".
pub fn wording_label(lang: Lang, a: Audience) -> String {
    match lang {
        Lang::Zh => format!("话术 · {}", audience_label(lang, a)),
        Lang::En => format!("Wording · {}", audience_label(lang, a)),
    }
}

/// Who saved the draft that a save collided with, and when.
pub fn saved_by(lang: Lang, who: &str, when: &str, rev: u64) -> String {
    match lang {
        Lang::Zh => format!("{who} 于 {when} 保存了新的草稿(第 {rev} 次保存)。"),
        Lang::En => format!("{who} saved a newer draft at {when} (save {rev})."),
    }
}

/// The sentence for a publishing problem's stable code.
pub fn problem_text(lang: Lang, code: &str) -> &'static str {
    t(
        lang,
        match code {
            "no_title" => Key::ProblemNoTitle,
            "no_steps" | "no_questions" => Key::ProblemNoSteps,
            "blank" => Key::ProblemBlank,
            "duplicate_key" => Key::ProblemDuplicate,
            "no_standard" => Key::ProblemNoStandard,
            "unknown_placeholder" => Key::ProblemUnknownPlaceholder,
            _ => Key::ProblemOther,
        },
    )
}
