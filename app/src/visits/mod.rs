//! 回访记录: filling in a visit (script, survey, proof), drafts, the user's own visits and the
//! ones the server sent back.

mod drafts;
pub mod field;
pub mod form;
mod my_visits;
mod needs_attention;
mod script_stepper;
pub(crate) mod survey_form;
mod visit_form;

pub use drafts::Drafts;
pub use my_visits::MyVisits;
pub use needs_attention::NeedsAttention;
// The console's script editor previews a script the way a visit shows it.
pub use script_stepper::ScriptStepper;
pub use visit_form::VisitPage;
