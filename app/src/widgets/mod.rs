//! Pieces of screens that more than one feature draws.

mod export_buttons;
mod fields;
mod lang_switch;
mod period_picker;
mod place_status;
mod signature_pad;
mod sync_badge;
mod unavailable;
mod visit_timer;

pub use export_buttons::ExportButtons;
pub use fields::{Options, Pick, visit_type_options};
pub use lang_switch::LanguageSwitch;
pub use period_picker::{PeriodPicker, period_query_string};
pub use place_status::PlaceStatus;
pub use signature_pad::{SignaturePad, SignatureView};
pub use sync_badge::SyncBadge;
pub use unavailable::Unavailable;
pub use visit_timer::VisitTimer;
