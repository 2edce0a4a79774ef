//! 设备状态 (console): who has unsynced work and which devices went silent, for supervisors
//! and admins before a shift ends.

mod page;

pub use page::DeviceHealthPage;
