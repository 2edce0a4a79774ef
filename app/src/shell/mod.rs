//! What frames every screen: the router, the top bar and banners, the navigation, and the login
//! and logout screens.

mod app;
mod login_page;
mod logout_dialog;
mod nav;
mod other_users_notice;
pub mod places;

pub use app::App;
