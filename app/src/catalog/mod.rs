//! 话术与问卷: the console's catalog of call scripts and survey templates: the list, and the
//! editors that draft, publish and retire them (`/api/catalog`). Needs the network.

pub mod client;
mod list;
mod script_editor;
mod script_preview;
mod script_steps;
pub mod survey_editor;

pub use list::CatalogPage;
pub use script_editor::ScriptEditorPage;
pub use survey_editor::SurveyEditor;

/// The office's clock offset, for the times the editors show (saves, versions).
fn offset(app: crate::state::AppCtx) -> chrono::FixedOffset {
    crate::visits::field::offset(Some(crate::state::settings(app).utc_offset_minutes))
}
