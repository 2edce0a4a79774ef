//! Texts of 设备状态 (device health): the console's list of devices and what their flags mean.

use super::Lang;

/// The device health entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! devices_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        DevicesTitle => "设备状态", "Device health";
        DevicesExplain => "“待同步”是设备最近一次同步时自报仍在本机、尚未送达服务器的记录数;“被拒”是服务器拒收的记录数(这些记录没有写入,需要本人在设备上修改后重新提交)。下班前请确认没有人还有待同步的记录。", "“Queued” is how many records the device said were still on it, not yet on the server, when it last synced; “rejected” counts records the server refused (nothing of them was stored: the person fixes and resends them on the device). Before a shift ends, make sure nobody still has queued records.";
        DevicesAllClear => "所有设备都已同步,没有失联设备。", "Every device is synced; none is silent.";
        DevicesPerson => "人员", "Person";
        DevicesDevice => "设备", "Device";
        DevicesFirstSeen => "首次出现", "First seen";
        DevicesLastPush => "最近上传", "Last push";
        DevicesLastPull => "最近下载", "Last pull";
        DevicesVersion => "应用版本", "App version";
        DevicesQueued => "待同步", "Queued";
        DevicesRejected => "被拒", "Rejected";
        DevicesState => "状态", "State";
        DevicesNever => "从未", "Never";
        DevicesUnknown => "未上报", "Not reported";
        DevicesBadgeUnsynced => "有未同步记录", "Unsynced work";
        DevicesBadgeSilent => "失联", "Silent";
        DevicesBadgeOutdated => "版本较旧", "Outdated app";
        DevicesBadgeOk => "正常", "OK";
        DevicesFilterRole => "角色", "Role";
        DevicesAllRoles => "全部角色", "All roles";
        DevicesOnlyAttention => "只看需处理的", "Only those needing attention";
        DevicesNone => "没有符合条件的设备。", "No device matches.";
        DevicesOffline => "设备状态需要联网查看。", "Device health needs the network.";
        DevicesRefresh => "刷新", "Refresh";
    } };
}

/// "3 人有未同步记录 / 2 台设备超过 3 天未同步".
pub fn devices_summary(lang: Lang, unsynced_people: usize, silent: usize, days: u32) -> String {
    match lang {
        Lang::Zh => {
            format!("{unsynced_people} 人有未同步记录 / {silent} 台设备超过 {days} 天未同步")
        }
        Lang::En => format!(
            "{unsynced_people} {} unsynced records / {silent} {} not synced for over {days} {}",
            if unsynced_people == 1 {
                "person has"
            } else {
                "people have"
            },
            if silent == 1 { "device" } else { "devices" },
            if days == 1 { "day" } else { "days" },
        ),
    }
}

/// "3 条 (10:32 上报)": a queue as reported, and when.
pub fn devices_queued(lang: Lang, queued: u32, when: &str) -> String {
    match lang {
        Lang::Zh => format!("{queued} 条({when} 上报)"),
        Lang::En => format!("{queued} (reported {when})"),
    }
}
