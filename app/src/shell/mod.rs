//! What frames every screen: the router, the top bar and banners, the navigation, and the login
//! and logout screens; the two front doors (field app and console) and their route tables.

mod app;
mod login_page;
mod logout_dialog;
mod nav;
mod other_users_notice;
pub mod places;
pub mod routes;
mod sw_status;

pub use app::App;
pub use nav::use_door;
pub use places::Door;
