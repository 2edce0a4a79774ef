//! People and passwords: the accounts admins manage (console), everyone's own password (both
//! doors), and the screen a one-time password leads to first.

mod editor;
mod list;
mod password;

pub use list::PeoplePage;
pub use password::{ChangePasswordPage, SetPasswordFirst};
