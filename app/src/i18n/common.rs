//! Words every feature uses: buttons, loading and the errors of talking to the server.

/// The common entries of [`Key`](super::Key); `gather!` in the parent collects them.
macro_rules! common_texts {
    ([$($next:ident)*] $($entries:tt)*) => { gather! { [$($next)*] $($entries)*
        StorageFull => "本机存储已满,这条记录没有保存(表单内容仍在)。已同步的记录已自动清理,剩下的都是还没上传的记录:请联网同步,然后再保存。", "Device storage is full: this record was NOT saved (the form keeps its content). Synced copies were already removed to make room; what is left has not reached the server yet. Connect to sync it, then save again.";
        Choose => "请选择", "Choose";
        Cancel => "取消", "Cancel";
        Loading => "加载中…", "Loading…";
        Retry => "重试", "Retry";
        ErrNetwork => "无法连接服务器", "Cannot reach the server";
        ErrServer => "服务器出错", "Server error";
        ErrDeviceOwned => "此设备已绑定其他用户,无法上传本账号的记录", "This device belongs to another user; records cannot be uploaded";
        ErrStorage => "本机存储出错", "Local storage error";
        ErrGap => "服务器缺少更早的记录,无法继续上传", "The server is missing earlier records; upload cannot continue";
    } };
}
