//! Texts of the survey editor (console): the definition, its questions and conditions, the
//! preview, publishing, versions and edit conflicts.

use huifang_domain::survey::TemplateError;

use super::Lang;
use crate::catalog::survey_editor::model::{KindName, Said, TestName};

/// The survey editor's entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! survey_editor_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        SeTitleNew => "新建问卷", "New survey";
        SeTitleEdit => "编辑问卷", "Edit survey";
        SeBack => "返回目录", "Back to the catalog";
        SeAdminOnly => "只有管理员可以编辑问卷。", "Only admins can edit surveys.";
        SeOffline => "编辑问卷需要联网。当前无法连接服务器。", "Editing surveys needs the network, which is not reachable now.";
        SeNotFound => "没有找到这份问卷。", "This survey was not found.";
        SeForbidden => "没有权限编辑问卷。", "You may not edit surveys.";
        SeSurveyTitle => "问卷标题", "Survey title";
        SeVisitType => "适用回访类型", "Visit type";
        SeAnyVisitType => "任意类型", "Any visit type";
        SeQuestions => "问题", "Questions";
        SeNoQuestions => "还没有问题。请选择题型后添加。", "No questions yet. Pick a kind and add one.";
        SeAddKind => "新问题的题型", "Kind of the new question";
        SeAddQuestion => "添加问题", "Add question";
        SeKind => "题型", "Kind";
        SePrompt => "题目", "Prompt";
        SeRequired => "必答", "Required";
        SeMoveUp => "上移", "Move up";
        SeMoveDown => "下移", "Move down";
        SeRemove => "删除", "Remove";
        SeOptions => "选项", "Options";
        SeAddOption => "添加选项", "Add option";
        SeMin => "至少选", "Choose at least";
        SeMax => "最多选", "Choose at most";
        SeMaxChars => "最多字数", "Longest answer (characters)";
        SeNoLimit => "不限", "No limit";
        SeLimitNumber => "请输入整数,或留空表示不限", "Type a whole number, or leave it empty for no limit";
        SeShowIf => "显示条件", "Show only if";
        SeAlways => "总是显示", "Always shown";
        SeConditionQuestion => "前面的问题", "Earlier question";
        SeConditionTest => "条件", "Test";
        SeConditionValue => "值", "Value";
        SeNoEarlier => "前面没有可作为条件的问题(文本题不能作为条件)。", "No earlier question can be tested (a free text cannot).";
        SeConditionBroken => "条件所依据的问题已不在本题之前,请重新选择。", "The question this condition tests no longer comes before it; pick again.";
        SePreview => "预览(与设备上一致)", "Preview (as on the device)";
        SePreviewEmpty => "添加问题后在此预览。", "Add a question to preview it here.";
        SePreviewCheck => "按提交检查", "Check as on save";
        SePreviewClear => "清空答案", "Clear answers";
        SePreviewOk => "这些答案在设备上可以提交。", "These answers would be accepted on the device.";
        SeSaveDraft => "保存草稿", "Save draft";
        SeSaving => "正在保存…", "Saving…";
        SeSaved => "草稿已保存", "Draft saved";
        SeUnsaved => "有未保存的修改", "Unsaved changes";
        SePublish => "发布新版本", "Publish new version";
        SePublishing => "正在发布…", "Publishing…";
        SeRetire => "停用问卷", "Retire survey";
        SeRetireConfirm => "确认停用?设备将不再提供此问卷。", "Retire it? Devices stop offering this survey.";
        SeRetired => "已停用", "Retired";
        SeRetiredDone => "问卷已停用", "Survey retired";
        SeVersions => "已发布版本", "Published versions";
        SeNoVersions => "尚未发布。", "Not published yet.";
        SeConflictTitle => "其他管理员已修改了这份问卷", "Another admin changed this survey";
        SeConflictChanged => "他们修改了:", "They changed:";
        SeConflictNote => "您的修改仍在编辑器中,没有丢失。", "Your changes are still in the editor; nothing is lost.";
        SeKeepMine => "保留我的修改(覆盖他们的)", "Keep mine (save over theirs)";
        SeTakeTheirs => "改用他们的版本", "Use their version";
        SeFixFirst => "请先修正以下问题再发布:", "Fix these before publishing:";
        SeFieldTitle => "问卷标题", "Survey title";
        SeFieldQuestions => "问题列表", "Question list";
    } };
}

pub fn kind_label(lang: Lang, kind: KindName) -> &'static str {
    lang.pick(match kind {
        KindName::Stars => ("星级评分(1–5)", "Stars (1–5)"),
        KindName::Nps => ("推荐度 NPS(0–10)", "NPS (0–10)"),
        KindName::Mood => ("表情(3 档)", "Mood (3 faces)"),
        KindName::Single => ("单选", "Single choice"),
        KindName::Multi => ("多选", "Multiple choice"),
        KindName::YesNo => ("是 / 否", "Yes / no"),
        KindName::Text => ("文本", "Free text"),
    })
}

pub fn test_label(lang: Lang, test: TestName) -> &'static str {
    lang.pick(match test {
        TestName::AtMost => ("不高于", "at most"),
        TestName::AtLeast => ("不低于", "at least"),
        TestName::Is => ("回答为", "is"),
        TestName::Includes => ("选了", "includes"),
    })
}

/// `第 3 题` / `Question 3`, with its prompt when it has one.
pub fn question_label(lang: Lang, number: usize, prompt: &str) -> String {
    let prompt = prompt.trim();
    match (lang, prompt.is_empty()) {
        (Lang::Zh, true) => format!("第 {number} 题"),
        (Lang::Zh, false) => format!("第 {number} 题「{prompt}」"),
        (Lang::En, true) => format!("Question {number}"),
        (Lang::En, false) => format!("Question {number} “{prompt}”"),
    }
}

pub fn option_label(lang: Lang, number: usize) -> String {
    match lang {
        Lang::Zh => format!("选项 {number}"),
        Lang::En => format!("Option {number}"),
    }
}

/// The part of a question a problem is in (`options`, `show_if`, …).
pub fn part_label(lang: Lang, part: &str) -> &'static str {
    lang.pick(match part {
        "key" => ("编号", "key"),
        "text" => ("题目", "prompt"),
        "options" => ("选项", "options"),
        "min" => ("至少选", "choose at least"),
        "max" => ("最多选", "choose at most"),
        "max_chars" => ("最多字数", "longest answer"),
        "show_if" => ("显示条件", "show only if"),
        _ => ("设置", "settings"),
    })
}

pub fn scale_note(lang: Lang, lo: u8, hi: u8) -> String {
    match lang {
        Lang::Zh => format!("评分范围 {lo}–{hi},固定"),
        Lang::En => format!("Answers {lo}–{hi}, fixed"),
    }
}

pub fn reason_text(lang: Lang, reason: &TemplateError) -> String {
    use TemplateError::*;
    let pair = match reason {
        EmptyTitle => ("请填写问卷标题", "the survey needs a title"),
        NoQuestions => (
            "问卷至少需要一个问题",
            "a survey needs at least one question",
        ),
        EmptyKey => ("问题缺少编号", "the question needs a key"),
        DuplicateKey => (
            "编号与前面的问题重复",
            "the key is used by an earlier question",
        ),
        EmptyText => ("请填写题目", "the question needs a prompt"),
        NoOptions => (
            "选择题至少需要一个选项",
            "a choice question needs at least one option",
        ),
        EmptyOption => ("有选项是空的", "an option is empty"),
        DuplicateOption => ("有选项重复", "an option is offered twice"),
        MinAboveMax => ("至少选的数目大于最多选", "the minimum is above the maximum"),
        MaxOutOfRange => (
            "最多选须在 1 和选项数之间",
            "the maximum must be between 1 and the number of options",
        ),
        TextLimitOutOfRange => (
            "最多字数须在 1 到 1000 之间",
            "the length limit must be between 1 and 1000",
        ),
        ConditionUnknownQuestion => (
            "条件所依据的问题不存在",
            "the condition tests a question that does not exist",
        ),
        ConditionNotEarlier => (
            "条件只能依据前面的问题",
            "the condition must test an earlier question",
        ),
        ConditionWrongTest => (
            "条件与所依据问题的题型不符",
            "the test does not fit the tested question's kind",
        ),
        ConditionValueOutOfRange => (
            "条件的值超出所依据问题的评分范围",
            "the value is outside the tested question's scale",
        ),
        ConditionUnknownOption => (
            "条件的选项不在所依据问题的选项中",
            "the option is not one the tested question offers",
        ),
    };
    lang.pick(pair).to_owned()
}

pub fn said_text(lang: Lang, said: &Said) -> String {
    match said {
        Said::Reason(r) => reason_text(lang, r),
        Said::Message(m) => m.clone(),
    }
}

pub fn published_toast(lang: Lang, version: u32) -> String {
    match lang {
        Lang::Zh => format!("已发布第 {version} 版,设备下次同步时收到"),
        Lang::En => format!("Version {version} published; devices get it on their next sync"),
    }
}

/// The editor's status line: what is published, and whether the draft is ahead of it.
pub fn status_line(lang: Lang, published: Option<u32>) -> String {
    match (lang, published) {
        (Lang::Zh, Some(v)) => format!("当前发布:第 {v} 版"),
        (Lang::Zh, None) => "草稿,尚未发布".to_owned(),
        (Lang::En, Some(v)) => format!("Published: version {v}"),
        (Lang::En, None) => "Draft, not published yet".to_owned(),
    }
}

pub fn version_row(lang: Lang, version: u32, at: &str, by: &str) -> String {
    match lang {
        Lang::Zh => format!("第 {version} 版 · {at} · {by}"),
        Lang::En => format!("Version {version} · {at} · {by}"),
    }
}

pub fn conflict_by(lang: Lang, who: &str, at: &str) -> String {
    match lang {
        Lang::Zh => format!("{who} 于 {at} 保存了新的草稿。"),
        Lang::En => format!("{who} saved a newer draft at {at}."),
    }
}
