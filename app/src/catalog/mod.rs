//! 目录: the call scripts and surveys the server hands to devices, and their editors
//! (console only).

pub mod survey_editor;

pub use survey_editor::SurveyEditor;
