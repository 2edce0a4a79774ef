//! Texts of the console's customer book (客户档案): the list, its searches and filters, and the
//! editor with its per-field messages.

use huifang_domain::customer_book::FieldReason;

use super::Lang;

/// The customer book entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! customer_book_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        BookTitle => "客户档案", "Customer book";
        BookImport => "导入", "Import";
        BookNew => "新建客户", "New customer";
        BookSearchBy => "查找方式", "Search by";
        BookByName => "姓名开头", "Start of name";
        BookByContact => "号码(后 4 位或 138****5678)", "Number (last 4 digits or 138****5678)";
        BookByExternalId => "外部编号", "External id";
        BookByTag => "标签", "Tag";
        BookSearchText => "查找内容", "Search for";
        BookSearch => "查找", "Search";
        BookAny => "全部", "Any";
        BookVipOnly => "仅 VIP", "VIP only";
        BookNotVip => "非 VIP", "Not VIP";
        BookRegion => "区域", "Region";
        BookLastVisitBefore => "最近回访早于", "Last visit before";
        BookShow => "显示", "Show";
        BookActive => "在用客户", "Active customers";
        BookArchived => "已归档客户", "Archived customers";
        BookTotal => "共", "Total";
        BookEmpty => "没有符合条件的客户。", "No customer matches.";
        BookLoadMore => "加载更多", "Load more";
        BookOffline => "客户档案需要联网查看。", "The customer book needs the network.";
        BookColName => "姓名", "Name";
        BookColContact => "号码", "Number";
        BookColClass => "等级", "Class";
        BookColVip => "VIP", "VIP";
        BookColTags => "标签", "Tags";
        BookColRegion => "区域", "Region";
        BookColLastVisit => "最近回访", "Last visit";
        BookColExternalId => "外部编号", "External id";
        BookColActions => "操作", "Actions";
        BookEdit => "编辑", "Edit";
        BookNever => "从未", "Never";
        BookEditTitle => "编辑客户", "Edit customer";
        BookNewTitle => "新建客户", "New customer";
        BookFieldExternalId => "外部编号(CRM)", "External id (CRM)";
        BookFieldName => "姓名", "Name";
        BookFieldContact => "联系电话", "Phone number";
        BookContactKeep => "留空则保持现有号码", "Leave blank to keep the current number";
        BookFieldClass => "客户等级", "Customer class";
        BookFieldVip => "VIP 客户", "VIP customer";
        BookFieldTags => "标签(用逗号分隔)", "Tags (separated by commas)";
        BookFieldRegion => "区域", "Region";
        BookFieldProducts => "购买产品", "Products";
        BookFieldPurchaseDate => "购买日期", "Purchase date";
        BookFieldSummary => "购买/服务摘要", "Purchase / service summary";
        BookSave => "保存", "Save";
        BookCancel => "取消", "Cancel";
        BookArchive => "归档", "Archive";
        BookUnarchive => "恢复", "Restore";
        BookArchivedNote => "已归档:不会再为该客户安排新任务,历史记录保留。", "Archived: no new tasks are planned for this customer; the history is kept.";
        BookDuplicateContact => "该号码已属于另一位客户", "This number already belongs to another customer";
        BookDuplicateExternalId => "该外部编号已属于另一位客户", "This external id already belongs to another customer";
        BookConflictReload => "载入最新内容", "Load the latest version";
        BookFailed => "保存失败,请稍后再试", "Saving failed; try again later";
    } };
}

/// Why a field was refused, in the reader's language.
pub fn field_reason(lang: Lang, reason: FieldReason) -> &'static str {
    lang.pick(match reason {
        FieldReason::Missing => ("必填", "Required"),
        FieldReason::TooLong => ("太长", "Too long"),
        FieldReason::BadContact => (
            "不是有效的电话号码(5–20 位数字)",
            "Not a phone number (5–20 digits)",
        ),
        FieldReason::TooMany => ("标签太多(最多 20 个)", "Too many tags (at most 20)"),
        FieldReason::BadClass => ("等级须为 A、B、C 或 D", "The class must be A, B, C or D"),
        FieldReason::BadDate => ("日期格式应为 2026-03-01", "Write the date as 2026-03-01"),
        FieldReason::BadFlag => ("应为 是 或 否", "Must be yes or no"),
        FieldReason::DuplicateInFile => ("与文件中另一行重复", "Repeats another row of the file"),
    })
}

/// The conflict message: someone else saved this customer since the editor opened it, and
/// which fields (already in the reader's language) they changed.
pub fn book_conflict(lang: Lang, changed: &[&str]) -> String {
    match lang {
        Lang::Zh => format!(
            "该客户已被他人修改({})。您的修改尚未保存;请载入最新内容后再改。",
            changed.join("、")
        ),
        Lang::En => format!(
            "Someone else changed this customer ({}). Your changes are not saved; load the latest version and edit again.",
            changed.join(", ")
        ),
    }
}
