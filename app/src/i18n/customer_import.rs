//! Texts of the console's customer import (导入客户): the file, the column mapping, the
//! preview with its row errors, and the progress of the import.

use huifang_domain::import::{ImportField, MappingProblem};

use super::Lang;

/// The customer import entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! customer_import_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        ImportTitle => "导入客户", "Import customers";
        ImportIntro => "从 CRM 导出的 CSV 或 XLSX 文件导入客户:有外部编号(或号码)相同的客户则更新,否则新建。确认导入前不会写入任何数据。", "Import customers from a CSV or XLSX export of your CRM: a customer with the same external id (or number) is updated, any other row makes a new one. Nothing is written before you confirm.";
        ImportFile => "选择文件(CSV 或 XLSX)", "Choose a file (CSV or XLSX)";
        ImportUploading => "正在上传…", "Uploading…";
        ImportRows => "行", "rows";
        ImportRemembered => "已沿用上次相同表头的对应关系。", "The mapping of the last file with these headers is used.";
        ImportGuessed => "已按表头猜测对应关系,请核对。", "The mapping is guessed from the headers; please check it.";
        ImportMappingTitle => "列对应", "Columns";
        ImportColumn => "文件中的列", "Column of the file";
        ImportFieldCol => "导入为", "Import as";
        ImportSkip => "不导入", "Skip";
        ImportPreview => "预览", "Preview";
        ImportPreviewing => "正在检查…", "Checking…";
        ImportToCreate => "新建", "New";
        ImportToUpdate => "更新", "Updated";
        ImportWithErrors => "有错误", "With errors";
        ImportErrorsTitle => "有问题的行", "Rows with problems";
        ImportErrorsFix => "请在文件中改正这些行后重新选择文件。", "Correct these rows in the file and choose it again.";
        ImportFirstRows => "导入后的前几行", "The first rows as they will be stored";
        ImportActionCreate => "新建", "New";
        ImportActionUpdate => "更新", "Update";
        ImportColAction => "操作", "Action";
        ImportCommit => "导入", "Import";
        ImportCommitHint => "请先预览当前的对应关系,且没有错误。", "Preview the current mapping first; it must have no errors.";
        ImportRunning => "正在导入", "Importing";
        ImportDone => "导入完成", "Import done";
        ImportCreated => "新建客户", "Customers created";
        ImportUpdated => "更新客户", "Customers updated";
        ImportBackToBook => "返回客户档案", "Back to the customer book";
        ImportTooBig => "文件太大:最多 64 MiB。", "The file is too big: at most 64 MiB.";
        ImportUnreadable => "无法读取该文件:请选择 CSV(UTF-8 或 GBK)或 XLSX 文件,且第一行为表头。", "The file cannot be read: choose a CSV (UTF-8 or GBK) or XLSX file whose first row holds the headers.";
        ImportHasErrorsRefused => "预览中仍有错误,未导入任何数据。", "The preview still has errors; nothing was imported.";
        ImportBusy => "该导入正在处理或已结束,请重新选择文件。", "This import is being processed or is over; choose the file again.";
        ImportGone => "该导入已过期,请重新选择文件。", "This import has expired; choose the file again.";
        ImportFailed => "导入失败,未写入任何数据:", "The import failed and nothing was written: ";
        ImportOffline => "导入需要联网。", "Importing needs the network.";
    } };
}

/// A customer field's name, as the mapping's options and the row errors show it.
pub fn import_field(lang: Lang, field: ImportField) -> &'static str {
    lang.pick(match field {
        ImportField::ExternalId => ("外部编号", "External id"),
        ImportField::Name => ("姓名", "Name"),
        ImportField::Contact => ("联系电话", "Phone number"),
        ImportField::Class => ("客户等级", "Customer class"),
        ImportField::Vip => ("VIP", "VIP"),
        ImportField::Tags => ("标签", "Tags"),
        ImportField::Region => ("区域", "Region"),
        ImportField::Products => ("购买产品", "Products"),
        ImportField::PurchaseDate => ("购买日期", "Purchase date"),
        ImportField::Summary => ("摘要", "Summary"),
    })
}

/// Why a mapping cannot be used, naming the field.
pub fn mapping_problem(lang: Lang, problem: &MappingProblem) -> String {
    match (lang, problem) {
        (Lang::Zh, MappingProblem::Twice(f)) => {
            format!("“{}”对应了多个列,只能对应一列。", import_field(lang, *f))
        }
        (Lang::En, MappingProblem::Twice(f)) => {
            format!(
                "“{}” is chosen for more than one column.",
                import_field(lang, *f)
            )
        }
        (Lang::Zh, MappingProblem::Unmapped(f)) => {
            format!("“{}”必须对应文件中的一列。", import_field(lang, *f))
        }
        (Lang::En, MappingProblem::Unmapped(f)) => {
            format!(
                "“{}” must be taken from a column of the file.",
                import_field(lang, *f)
            )
        }
        (Lang::Zh, MappingProblem::ColumnCount { got, want }) => {
            format!("对应关系有 {got} 列,文件有 {want} 列。")
        }
        (Lang::En, MappingProblem::ColumnCount { got, want }) => {
            format!("The mapping has {got} columns, the file {want}.")
        }
    }
}

/// Where a row error is: "第 3 行 · 客户等级" / "Row 3 · 客户等级" (the header as the file spells it).
pub fn import_error_place(lang: Lang, row: u64, header: &str) -> String {
    match lang {
        Lang::Zh => format!("第 {row} 行 · {header}"),
        Lang::En => format!("Row {row} · {header}"),
    }
}

/// The row a repeated value first appeared on.
pub fn import_first_row(lang: Lang, row: u64) -> String {
    match lang {
        Lang::Zh => format!("(首次出现在第 {row} 行)"),
        Lang::En => format!(" (first on row {row})"),
    }
}
