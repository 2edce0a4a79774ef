//! 导出 CSV / Excel for a console list (issue 12). The API needs the session's token, which a
//! plain link cannot send: the file is fetched, held as a blob, and handed to the browser as
//! a download under the name the server gave it.

use gloo_net::http::Request;
use leptos::prelude::*;
use percent_encoding::percent_decode_str;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::i18n::Key;
use crate::state::use_app;

/// A year's export of a large centre takes a while to write; the usual API timeout would cut
/// it off.
const TIMEOUT_MS: u32 = 600_000;
/// How long the blob's URL lives after the click: the browser has started saving by then.
const REVOKE_AFTER_MS: u32 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Offline,
    Forbidden,
    BadPeriod,
    Failed,
}

impl Failure {
    fn key(self) -> Key {
        match self {
            Failure::Offline => Key::ExportOffline,
            Failure::Forbidden => Key::ExportForbidden,
            Failure::BadPeriod => Key::ExportBadPeriod,
            Failure::Failed => Key::ExportFailed,
        }
    }
}

/// The file name of a `Content-Disposition`: the RFC 5987 `filename*` (UTF-8, so the Chinese
/// title survives) before the plain `filename`.
pub fn file_name(disposition: &str) -> Option<String> {
    let params = || disposition.split(';').map(str::trim);
    let extended = params()
        .find_map(|p| p.strip_prefix("filename*=UTF-8''"))
        .and_then(|v| percent_decode_str(v).decode_utf8().ok())
        .map(|v| v.into_owned());
    extended.or_else(|| {
        params()
            .find_map(|p| p.strip_prefix("filename="))
            .map(|v| v.trim_matches('"').to_owned())
    })
}

async fn fetch_file(token: &str, url: &str) -> Result<(web_sys::Blob, Option<String>), Failure> {
    let signal = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let resp = Request::get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .abort_signal(Some(&signal))
        .send()
        .await
        .map_err(|_| Failure::Offline)?;
    match resp.status() {
        200 => {}
        403 => return Err(Failure::Forbidden),
        400 => return Err(Failure::BadPeriod),
        502..=504 => return Err(Failure::Offline),
        _ => return Err(Failure::Failed),
    }
    let name = resp
        .headers()
        .get("content-disposition")
        .and_then(|d| file_name(&d));
    let raw: web_sys::Response = resp.into();
    let promise = raw.blob().map_err(|_| Failure::Failed)?;
    let blob = JsFuture::from(promise)
        .await
        .map_err(|_| Failure::Offline)?
        .dyn_into::<web_sys::Blob>()
        .map_err(|_| Failure::Failed)?;
    Ok((blob, name))
}

/// Hands `blob` to the browser as a download named `name`.
fn save(blob: &web_sys::Blob, name: &str) -> Option<()> {
    let url = web_sys::Url::create_object_url_with_blob(blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(name);
    document.body()?.append_child(&link).ok()?;
    link.click();
    link.remove();
    gloo_timers::callback::Timeout::new(REVOKE_AFTER_MS, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Some(())
}

/// Two buttons, CSV and Excel, exporting `kind` (`visits`, `tickets`: `/api/exports/{kind}`)
/// for the period `period` names (`period=…&date=…`, read when a button is pressed), with
/// `filters` (more `name=value` pairs, encoded) appended.
#[component]
pub fn ExportButtons(
    kind: &'static str,
    #[prop(into)] period: Signal<String>,
    #[prop(optional, into)] filters: Signal<String>,
) -> impl IntoView {
    let app = use_app();
    let busy = RwSignal::new(None::<&'static str>);
    let failure = RwSignal::new(None::<Failure>);
    let start = move |format: &'static str| {
        let Some(session) = app.session.get_untracked() else {
            return;
        };
        let query = [
            format!("format={format}"),
            period.get_untracked(),
            filters.get_untracked(),
        ]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("&");
        let url = format!("/api/exports/{kind}?{query}");
        busy.set(Some(format));
        failure.set(None);
        leptos::task::spawn_local(async move {
            let outcome = fetch_file(&session.token, &url)
                .await
                .and_then(|(blob, name)| {
                    let name = name.unwrap_or_else(|| format!("{kind}.{format}"));
                    save(&blob, &name).ok_or(Failure::Failed)
                });
            failure.set(outcome.err());
            busy.set(None);
        });
    };
    let button = move |format: &'static str, label: Key| {
        view! {
            <button
                type="button"
                class="btn"
                data-testid=format!("export-{kind}-{format}")
                disabled=move || busy.get().is_some()
                aria-busy=move || (busy.get() == Some(format)).to_string()
                on:click=move |_| start(format)
            >
                {move || {
                    if busy.get() == Some(format) { app.t(Key::ExportBusy) } else { app.t(label) }
                }}
            </button>
        }
    };
    view! {
        <div class="export-buttons" role="group" aria-label=move || app.t(Key::ExportLabel)>
            {button("csv", Key::ExportCsv)}
            {button("xlsx", Key::ExportXlsx)}
            <span class="muted small">{move || app.t(Key::ExportHint)}</span>
            {move || failure.get().map(|f| view! {
                <p class="error" role="alert" data-testid=format!("export-{kind}-error")>
                    {app.t(f.key())}
                </p>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn the_utf8_name_is_taken_before_the_ascii_one() {
        let table = [
            (
                "attachment; filename=\"visits_2026-12.xlsx\"; \
                 filename*=UTF-8''%E5%AE%A2%E6%88%B7%E6%B2%9F%E9%80%9A%E8%AE%B0%E5%BD%95%E8%A1%A8_2026-12.xlsx",
                Some("客户沟通记录表_2026-12.xlsx"),
            ),
            (
                "attachment; filename=\"tickets_2026-W49.csv\"",
                Some("tickets_2026-W49.csv"),
            ),
            ("attachment", None),
        ];
        for (header, name) in table {
            assert_eq!(file_name(header).as_deref(), name, "{header}");
        }
    }
}
