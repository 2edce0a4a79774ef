//! The device health screen: a summary line, the devices most urgent first with their
//! badges, a role filter and "only those needing attention". Read online: the server is what
//! knows every device.

use chrono::{DateTime, FixedOffset, Utc};
use huifang_domain::Role;
use huifang_domain::devices::{DeviceHealth, DeviceRow};
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::i18n::{self, Key, Lang};
use crate::state::{self, AppCtx, use_app};
use crate::widgets::Unavailable;

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Offline,
    Failed,
    Loaded(DeviceHealth),
}

/// The query string of the chosen filters.
fn query(role: Option<Role>, attention: bool) -> String {
    let mut parts = Vec::new();
    if let Some(r) = role {
        parts.push(format!("role={}", r.as_str()));
    }
    if attention {
        parts.push("attention=true".to_owned());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

#[component]
pub fn DeviceHealthPage() -> impl IntoView {
    let app = use_app();
    let state = RwSignal::new(Load::Loading);
    let reload = RwSignal::new(0u32);
    let role = RwSignal::new(None::<Role>);
    let attention = RwSignal::new(false);

    Effect::new(move |_| {
        reload.track();
        let q = query(role.get(), attention.get());
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let next = match api::device_health(&session.token, &q).await {
                Ok(h) => Load::Loaded(h),
                Err(ApiFailure::Network) => Load::Offline,
                Err(ApiFailure::Unauthorized(_)) => {
                    app.sync.need_auth();
                    Load::Failed
                }
                Err(ApiFailure::Status(..)) => Load::Failed,
            };
            state.set(next);
        });
    });

    let body = move || {
        match state.get() {
        Load::Loading => view! { <p class="empty">{move || app.t(Key::Loading)}</p> }.into_any(),
        Load::Offline | Load::Failed => view! {
            <Unavailable offline=state.with_untracked(|s| *s == Load::Offline) offline_key=Key::DevicesOffline reload />
        }
        .into_any(),
        Load::Loaded(h) => view! { <HealthReport health=h /> }.into_any(),
    }
    };

    view! {
        <section class="page page-devices">
            <div class="page-head">
                <h1 class="page-title">{move || app.t(Key::DevicesTitle)}</h1>
                <button class="btn" data-testid="devices-refresh"
                    on:click=move |_| reload.update(|n| *n += 1)>
                    {move || app.t(Key::DevicesRefresh)}
                </button>
            </div>
            <p class="muted devices-explain" data-testid="devices-explain">{move || app.t(Key::DevicesExplain)}</p>
            <Filters role attention />
            {body}
        </section>
    }
}

#[component]
fn Filters(role: RwSignal<Option<Role>>, attention: RwSignal<bool>) -> impl IntoView {
    let app = use_app();
    view! {
        <div class="devices-filters">
            <label class="field devices-role">
                <span class="label">{move || app.t(Key::DevicesFilterRole)}</span>
                <select data-testid="devices-role"
                    on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)))>
                    <option value="" selected=move || role.get().is_none()>
                        {move || app.t(Key::DevicesAllRoles)}
                    </option>
                    {Role::ALL
                        .into_iter()
                        .map(|r| view! {
                            <option value=r.as_str() selected=move || role.get() == Some(r)>
                                {move || i18n::role_label(app.lang.get(), r)}
                            </option>
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="check devices-attention">
                <input type="checkbox" data-testid="devices-attention"
                    prop:checked=move || attention.get()
                    on:change=move |ev| attention.set(event_target_checked(&ev)) />
                <span>{move || app.t(Key::DevicesOnlyAttention)}</span>
            </label>
        </div>
    }
}

/// The summary line and the table.
#[component]
fn HealthReport(health: DeviceHealth) -> impl IntoView {
    let app = use_app();
    let (people, silent, days) = (
        health.unsynced_people,
        health.silent_devices,
        health.silent_days,
    );
    let all_clear = people == 0 && silent == 0;
    let rows = health.devices;
    let empty = rows.is_empty();
    view! {
        <p class=if all_clear { "banner banner-info devices-summary" } else { "banner banner-warn devices-summary" }
            role="status" data-testid="devices-summary">
            {move || if all_clear {
                app.t(Key::DevicesAllClear).to_owned()
            } else {
                i18n::devices_summary(app.lang.get(), people, silent, days)
            }}
        </p>
        {if empty {
            view! { <p class="empty" data-testid="devices-none">{move || app.t(Key::DevicesNone)}</p> }.into_any()
        } else {
            view! {
                <div class="card devices-card">
                    <table class="devices-table" data-testid="devices-table">
                        <thead>
                            <tr>
                                <th scope="col">{move || app.t(Key::DevicesPerson)}</th>
                                <th scope="col">{move || app.t(Key::DevicesState)}</th>
                                <th scope="col">{move || app.t(Key::DevicesQueued)}</th>
                                <th scope="col">{move || app.t(Key::DevicesRejected)}</th>
                                <th scope="col">{move || app.t(Key::DevicesLastPush)}</th>
                                <th scope="col">{move || app.t(Key::DevicesLastPull)}</th>
                                <th scope="col">{move || app.t(Key::DevicesVersion)}</th>
                                <th scope="col">{move || app.t(Key::DevicesDevice)}</th>
                                <th scope="col">{move || app.t(Key::DevicesFirstSeen)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|d| view! { <DeviceLine device=d /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
    }
}

fn offset(app: AppCtx) -> FixedOffset {
    let minutes = state::settings(app).utc_offset_minutes;
    FixedOffset::east_opt(minutes * 60).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// "2 小时前", with the organisation's local time on hover; "从未" for none.
#[component]
fn When(at: Option<DateTime<Utc>>) -> impl IntoView {
    let app = use_app();
    match at {
        None => view! { <span class="muted">{move || app.t(Key::DevicesNever)}</span> }.into_any(),
        Some(t) => view! {
            <time datetime=t.to_rfc3339() title=move || i18n::clock(t, offset(app))>
                {move || i18n::relative_time(app.lang.get(), t, app.now.get())}
            </time>
        }
        .into_any(),
    }
}

fn queued_text(lang: Lang, d: &DeviceRow, offset: FixedOffset) -> Option<String> {
    let q = d.queued?;
    Some(match d.queued_at {
        Some(at) if q > 0 => i18n::devices_queued(lang, q, &i18n::clock(at, offset)),
        _ => q.to_string(),
    })
}

#[component]
fn DeviceLine(device: DeviceRow) -> impl IntoView {
    let app = use_app();
    let d = device;
    let flags = d.flags;
    let queued = {
        let d = d.clone();
        move || {
            queued_text(app.lang.get(), &d, offset(app))
                .unwrap_or_else(|| app.t(Key::DevicesUnknown).to_owned())
        }
    };
    let role = d.role;
    view! {
        <tr data-testid="device-row"
            data-user=d.user_id.to_string()
            data-unsynced=flags.unsynced.to_string()
            data-silent=flags.silent.to_string()
            class:devices-attention-row=flags.needs_attention()>
            <td>
                <span class="devices-name">{d.display_name.clone()}</span>
                <span class="muted devices-role">{move || i18n::role_label(app.lang.get(), role)}</span>
            </td>
            <td class="devices-badges">
                {flags.unsynced.then(|| view! {
                    <span class="badge badge-rejected" data-testid="device-unsynced">{move || app.t(Key::DevicesBadgeUnsynced)}</span>
                })}
                {flags.silent.then(|| view! {
                    <span class="badge badge-queued" data-testid="device-silent">{move || app.t(Key::DevicesBadgeSilent)}</span>
                })}
                {flags.outdated.then(|| view! {
                    <span class="badge badge-state" data-testid="device-outdated">{move || app.t(Key::DevicesBadgeOutdated)}</span>
                })}
                {(!flags.needs_attention() && !flags.outdated).then(|| view! {
                    <span class="badge badge-synced">{move || app.t(Key::DevicesBadgeOk)}</span>
                })}
            </td>
            <td data-testid="device-queued">{queued}</td>
            <td data-testid="device-rejected">{d.rejected}</td>
            <td><When at=d.last_push_at /></td>
            <td><When at=d.last_pull_at /></td>
            <td>{d.app_version.clone().unwrap_or_else(|| "—".to_owned())}</td>
            <td><code title=d.device_id.to_string()>{d.device_short.clone()}</code></td>
            <td><When at=Some(d.first_seen) /></td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_make_the_query_string() {
        assert_eq!(query(None, false), "");
        assert_eq!(query(Some(Role::Field), false), "?role=field");
        assert_eq!(query(Some(Role::Agent), true), "?role=agent&attention=true");
        assert_eq!(query(None, true), "?attention=true");
    }
}
