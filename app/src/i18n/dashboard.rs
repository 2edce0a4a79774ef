//! Texts of the dashboard (看板) and of the charts it draws.

/// The dashboard entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! dashboard_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        ChartEmpty => "暂无数据", "No data";
        ChartItem => "项目", "Item";
        ChartCount => "数量", "Count";
        ChartShare => "占比", "Share";
        ChartTarget => "目标", "Target";
    } };
}
