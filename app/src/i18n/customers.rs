//! Texts of the customers feature: the customer list and the customer file.

use super::Lang;

/// The customers entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! customers_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        CustomersTitle => "客户", "Customers";
        CustomersEmpty => "还没有客户资料。联网同步后会出现在这里。", "No customers yet. They appear here after a sync.";
        Vip => "VIP", "VIP";
        ClassPrefix => "等级", "Class";
        StartVisit => "开始回访", "Start visit";
        FileTitle => "客户档案", "Customer file";
        FilePastVisits => "历史回访", "Past visits";
        FileNoVisits => "还没有回访记录。", "No past visits.";
        FileNotCached => "本机还没有该客户的档案,联网后自动获取。", "This customer's file is not on the device yet; it loads when online.";
        RevealContact => "显示完整号码", "Show full number";
        RevealOffline => "显示完整号码需要联网", "Showing the full number needs the network";
        RevealFailed => "无法显示号码", "Could not show the number";
    } };
}

pub fn cached_at(lang: Lang, when: &str) -> String {
    match lang {
        Lang::Zh => format!("离线:显示缓存于 {when} 的档案"),
        Lang::En => format!("Offline: showing the file cached {when}"),
    }
}
