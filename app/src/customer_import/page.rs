//! The import screen: the file, then its mapping and preview, then the running import. A
//! refusal is shown above what the screen already holds and never clears it.

use gloo_timers::future::TimeoutFuture;
use huifang_domain::import::{ImportState, ImportStatus};
use leptos::prelude::*;

use super::columns::ColumnMapping;
use super::mapping::ImportDraft;
use super::picker::ImportFilePicker;
use super::preview::ImportPreview;
use super::progress::ImportProgress;
use super::remote::{self, Refused};
use crate::i18n::Key;
use crate::state::use_app;

const POLL_MS: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Busy {
    Idle,
    Uploading,
    Previewing,
}

#[component]
pub fn CustomerImport() -> impl IntoView {
    let app = use_app();
    let draft = RwSignal::new(None::<ImportDraft>);
    let file_name = RwSignal::new(String::new());
    let busy = RwSignal::new(Busy::Idle);
    let refused = RwSignal::new(None::<Refused>);
    let job = RwSignal::new(None::<ImportStatus>);
    let running = move || {
        job.with(|j| {
            j.as_ref()
                .is_some_and(|j| !matches!(j.state, ImportState::Done | ImportState::Failed))
        })
    };
    let is_busy = Signal::derive(move || busy.get() != Busy::Idle || running());

    let token = move || app.session.get_untracked().map(|s| s.token);
    let refuse = move |why: Refused| {
        if why == Refused::Unauthorized {
            app.sync.need_auth();
        }
        refused.set(Some(why));
    };

    let on_file = Callback::new(move |file: web_sys::File| {
        let Some(token) = token() else { return };
        busy.set(Busy::Uploading);
        refused.set(None);
        let name = file.name();
        leptos::task::spawn_local(async move {
            match remote::upload(&token, &file).await {
                Ok(upload) => {
                    file_name.set(name);
                    job.set(None);
                    draft.set(Some(ImportDraft::new(upload)));
                }
                Err(why) => refuse(why),
            }
            busy.set(Busy::Idle);
        });
    });

    let preview = move |_| {
        let (Some(token), Some(d)) = (token(), draft.get_untracked()) else {
            return;
        };
        busy.set(Busy::Previewing);
        refused.set(None);
        let columns = d.columns.clone();
        leptos::task::spawn_local(async move {
            match remote::preview(&token, d.upload.id, d.mapping()).await {
                Ok(p) => draft.update(|d| {
                    if let Some(d) = d {
                        d.preview = Some((columns, p));
                    }
                }),
                Err(why) => refuse(why),
            }
            busy.set(Busy::Idle);
        });
    };

    let commit = move |_| {
        let (Some(token), Some(id)) = (
            token(),
            draft.with_untracked(|d| d.as_ref().map(|d| d.upload.id)),
        ) else {
            return;
        };
        refused.set(None);
        leptos::task::spawn_local(async move {
            let mut answer = remote::commit(&token, id).await;
            loop {
                match answer {
                    Ok(status) => {
                        let over = matches!(status.state, ImportState::Done | ImportState::Failed);
                        // The screen may be gone (the admin went elsewhere): stop polling then.
                        if job.try_set(Some(status)).is_some() || over {
                            break;
                        }
                    }
                    Err(why) => {
                        refuse(why);
                        break;
                    }
                }
                TimeoutFuture::new(POLL_MS).await;
                answer = remote::status(&token, id).await;
            }
        });
    };

    // Keyed on the upload and on the preview alone, so choosing a field does not rebuild the
    // table the admin is working in.
    let file = Memo::new(move |_| {
        draft.with(|d| {
            d.as_ref()
                .map(|d| (d.upload.id, d.upload.rows, d.upload.remembered))
        })
    });
    let shown =
        Memo::new(move |_| draft.with(|d| d.as_ref().and_then(|d| d.current_preview().cloned())));
    let can_commit = move || draft.with(|d| d.as_ref().is_some_and(ImportDraft::can_commit));
    let problem = move || {
        refused.get().map(|why| {
            let text = match why {
                Refused::Offline => app.t(Key::ImportOffline).to_owned(),
                Refused::Unauthorized => app.t(Key::ErrServer).to_owned(),
                Refused::TooBig => app.t(Key::ImportTooBig).to_owned(),
                Refused::Unreadable => app.t(Key::ImportUnreadable).to_owned(),
                Refused::Mapping => draft
                    .with(|d| d.as_ref().and_then(ImportDraft::problem))
                    .map(|p| crate::i18n::mapping_problem(app.lang.get(), &p))
                    .unwrap_or_else(|| app.t(Key::ErrServer).to_owned()),
                Refused::HasErrors => app.t(Key::ImportHasErrorsRefused).to_owned(),
                Refused::Busy => app.t(Key::ImportBusy).to_owned(),
                Refused::Gone => app.t(Key::ImportGone).to_owned(),
                Refused::Other(status, code) => {
                    format!("{} ({status} {code})", app.t(Key::ErrServer))
                }
            };
            view! { <p class="import-problem" role="alert" data-testid="import-refused">{text}</p> }
        })
    };

    view! {
        <section class="page import">
            <header class="book-head">
                <h1 class="page-title">{move || app.t(Key::ImportTitle)}</h1>
                <a class="btn" href="/console/customers">{move || app.t(Key::ImportBackToBook)}</a>
            </header>
            <p class="muted import-intro">{move || app.t(Key::ImportIntro)}</p>
            <ImportFilePicker busy=is_busy on_file />
            {move || (busy.get() == Busy::Uploading).then(|| view! {
                <p class="muted" aria-live="polite">{app.t(Key::ImportUploading)}</p>
            })}
            {problem}
            {move || file.get().map(|(_, rows, remembered)| view! {
                <p class="import-file-info" data-testid="import-file-info">
                    <strong>{file_name.get_untracked()}</strong> " · " {rows} " "
                    {move || app.t(Key::ImportRows)} " · "
                    {move || app.t(if remembered { Key::ImportRemembered } else { Key::ImportGuessed })}
                </p>
                <ColumnMapping draft busy=is_busy />
                <div class="import-actions">
                    <button class="btn" data-testid="import-preview" on:click=preview
                            disabled=move || is_busy.get() || draft.with(|d| d.as_ref().and_then(ImportDraft::problem).is_some())>
                        {move || app.t(if busy.get() == Busy::Previewing { Key::ImportPreviewing } else { Key::ImportPreview })}
                    </button>
                    <button class="btn btn-primary" data-testid="import-commit" on:click=commit
                            disabled=move || is_busy.get() || job.with(Option::is_some) || !can_commit()>
                        {move || app.t(Key::ImportCommit)}
                    </button>
                    {move || (!can_commit() && job.with(Option::is_none)).then(|| view! {
                        <span class="muted">{app.t(Key::ImportCommitHint)}</span>
                    })}
                </div>
            })}
            {move || job.get().map(|job| view! { <ImportProgress job /> })}
            {move || shown.get().map(|preview| view! {
                <ImportPreview preview />
            })}
        </section>
    }
}
