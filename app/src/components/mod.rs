//! Screens and the pieces of them, each named for what the user sees.

mod admin_visits;
mod customer_list;
mod lang_switch;
mod login_page;
mod logout_dialog;
mod my_visits;
mod needs_attention;
mod other_users_notice;
mod shell;
mod sync_badge;
mod visit_form;

pub use shell::App;
