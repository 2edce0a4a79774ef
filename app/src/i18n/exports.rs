//! Texts of the export buttons (导出 CSV / Excel) on the console's lists.

/// The exports entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! exports_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        ExportLabel => "导出", "Export";
        ExportCsv => "导出 CSV", "Export CSV";
        ExportXlsx => "导出 Excel", "Export Excel";
        ExportBusy => "正在导出…", "Exporting…";
        ExportOffline => "导出需要联网,当前无法连接服务器。", "Exporting needs the network, which is not reachable now.";
        ExportFailed => "导出失败,请稍后重试。", "The export failed; try again later.";
        ExportForbidden => "您的角色不能导出记录。", "Your role may not export records.";
        ExportBadPeriod => "请先选择有效的统计周期。", "Pick a valid period first.";
        ExportHint => "联系方式已脱敏;每次导出都记入操作日志。", "Contacts are masked; every export is recorded in the audit log.";
    } };
}
