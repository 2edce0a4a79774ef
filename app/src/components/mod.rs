//! Screens and the pieces of them, each named for what the user sees.

mod admin_visits;
mod customer_file;
mod customer_list;
mod drafts;
mod escalations;
mod fields;
mod lang_switch;
mod login_page;
mod logout_dialog;
mod my_visits;
mod nav;
mod needs_attention;
mod other_users_notice;
mod place_status;
mod plan_visit;
mod rules;
mod script_stepper;
mod shell;
mod signature_pad;
mod survey_form;
mod sync_badge;
mod task_list;
mod tickets;
mod visit_form;
mod visit_timer;

pub use shell::App;
