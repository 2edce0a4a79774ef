//! Texts of the customers feature: the customer list and the customer file.

use super::Lang;

/// The customers entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! customers_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        CustomersTitle => "客户", "Customers";
        CustomersEmpty => "本机还没有客户。同步后这里会出现您任务和工单中的客户;其他客户可在上方查找。", "No customers on this device yet. The customers of your tasks and tickets appear after a sync; look others up above.";
        CustomerSearchLabel => "查找客户", "Find a customer";
        CustomerSearchPlaceholder => "姓名开头,或号码后几位", "Start of the name, or the last digits of the number";
        CustomerSearchDigits => "号码请至少输入后 4 位", "Type at least the last 4 digits of the number";
        CustomerSearchSearching => "正在服务器上查找…", "Searching the server…";
        CustomerSearchOffline => "离线:只查找了本机的客户", "Offline: only this device was searched";
        CustomerSearchFailed => "服务器查找失败,请稍后再试", "The server search failed; try again later";
        CustomerSearchNone => "没有找到匹配的客户", "No customer matches";
        CustomerSearchOnline => "服务器上找到", "Found on the server";
        CustomerKeepFailed => "本机存储已满,无法保存该客户", "The device storage is full; the customer could not be kept";
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
