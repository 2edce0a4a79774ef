use leptos::prelude::*;

use crate::i18n;
use crate::state::use_app;

/// Names the people whose records wait on this shared tablet: the one logged in cannot sync
/// them, and must not assume they are lost or theirs.
#[component]
pub fn OtherUsersNotice() -> impl IntoView {
    let app = use_app();
    let text = move || {
        app.sync.status.with(|s| {
            let users: Vec<(&str, usize)> = s
                .others
                .iter()
                .map(|u| (u.display_name.as_str(), u.unsynced))
                .collect();
            (!users.is_empty()).then(|| i18n::other_users_notice(app.lang.get(), &users))
        })
    };
    move || {
        text().map(|text| {
            view! {
                <div class="banner banner-info" role="status" data-testid="other-users-notice">
                    {text}
                </div>
            }
        })
    }
}
