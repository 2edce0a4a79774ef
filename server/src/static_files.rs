//! The built app (trunk's `dist`): every path outside `/api`, with the single-page-app
//! fallback to `index.html`.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use tower_http::services::ServeDir;

/// Fingerprinted files never change under their name, so browsers may keep them for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else (above all `index.html` and `sw.js`) is revalidated on every load, so an
/// app update is noticed the next time the app opens with a network.
const REVALIDATE: &str = "no-cache";

pub fn router(dir: &Path) -> Router {
    if !dir.is_dir() {
        tracing::warn!(
            dir = %dir.display(),
            "static directory not found: serving a placeholder page (build the app with trunk)"
        );
        return Router::new().fallback(not_built);
    }
    let index = dir.join("index.html");
    let shell = move |req: Request| app_shell(index.clone(), req);
    let serve = ServeDir::new(dir).fallback(shell.into_service());
    Router::new()
        .fallback_service(serve)
        .layer(middleware::from_fn(cache_control))
}

/// Unknown paths without a file extension are app routes (`/visits/new`) that the app's own
/// router resolves, so they get `index.html`. A missing file (an old build's `app-<hash>.js`)
/// stays a 404: answering it with HTML would be cached as if it were the script.
async fn app_shell(index: PathBuf, req: Request) -> Response {
    let last = req.uri().path().rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return StatusCode::NOT_FOUND.into_response();
    }
    match tokio::fs::read_to_string(&index).await {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::warn!(path = %index.display(), error = %e, "cannot read the app shell");
            StatusCode::NOT_FOUND.into_response()
        }
    }
}

async fn not_built() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CACHE_CONTROL, REVALIDATE)],
        Html(
            "<!doctype html><meta charset=utf-8><title>Huifang</title>\
             <p>The Huifang app is not built. Build it with <code>trunk build</code> in \
             <code>app/</code> or start the server with <code>--static-dir</code> pointing at \
             the built files. The API under <code>/api</code> works.</p>",
        ),
    )
}

async fn cache_control(req: Request, next: Next) -> Response {
    let fingerprinted = is_fingerprinted(req.uri().path());
    let mut response = next.run(req).await;
    let policy = if fingerprinted && response.status().is_success() {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Trunk names its output `name-<hex hash>.ext` (and `name-<hash>_bg.wasm`).
fn is_fingerprinted(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 12 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_fingerprinted;

    #[test]
    fn only_hashed_build_outputs_count_as_fingerprinted() {
        let table = [
            ("/huifang-app-9f8e7d6c5b4a3921.js", true),
            ("/huifang-app-9f8e7d6c5b4a3921_bg.wasm", true),
            ("/style-0123456789abcdef.css", true),
            ("/sw.js", false),
            ("/index.html", false),
            ("/", false),
            ("/icons/icon-192.png", false),
            ("/visits/new", false),
        ];
        for (path, want) in table {
            assert_eq!(is_fingerprinted(path), want, "{path}");
        }
    }
}
