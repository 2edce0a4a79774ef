//! Texts of the shared widgets: sync badge, language switch, signature, place, timer.

use super::Lang;

/// The widgets entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! widgets_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        LangSwitchTo => "English", "中文";
        SyncOnline => "在线", "Online";
        SyncOffline => "离线", "Offline";
        SyncSyncing => "同步中", "Syncing";
        SyncError => "同步出错", "Sync error";
        SyncAuth => "需重新登录", "Log in again";
        SyncNow => "立即同步", "Sync now";
        LastSync => "上次同步", "Last sync";
        Never => "从未", "never";
        SignatureTitle => "客户签名", "Customer signature";
        SignatureHint => "请客户在框内签名", "Ask the customer to sign in the box";
        SignatureClear => "清除签名", "Clear signature";
        PlaceLabel => "位置", "Location";
        PlaceLocating => "正在获取位置…", "Getting the location…";
        PlaceDenied => "未获取位置: 用户拒绝", "No location: permission denied";
        PlaceUnavailable => "未获取位置: 无法定位", "No location: unavailable";
        PlaceRetry => "重新定位", "Locate again";
        PhoneVisit => "电话回访", "Phone visit";
        TimerLabel => "用时", "Time";
        ContactFinished => "结束通话/离开", "Contact finished";
    } };
}

pub fn record_reminder(lang: Lang, minutes: i64, limit: u32) -> String {
    match lang {
        Lang::Zh => format!("联系已结束 {minutes} 分钟,记录应在 {limit} 分钟内完成,请尽快保存。"),
        Lang::En => format!(
            "The contact ended {minutes} min ago; records are due within {limit} min. Save soon."
        ),
    }
}
