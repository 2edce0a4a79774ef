//! The built app (trunk's `dist`): every path outside `/api`, with the single-page-app
//! fallback to `index.html`. Two front doors share the directory: the field app at its root
//! and the console in `console/`, each with its own `index.html`. A file goes out as the
//! brotli or gzip copy `scripts/precompress.sh` wrote beside it when the browser accepts that
//! encoding, and every answer carries the app's security headers.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use percent_encoding::percent_decode_str;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// What the app may load, and from where: its own origin only, WebAssembly compiled by its
/// own script, no inline script or style, no plugins, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
    script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; \
    connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/// The visit form records where a visit took place; the app uses no other powerful feature.
pub const PERMISSIONS_POLICY: &str =
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=()";

/// Fingerprinted files never change under their name, so browsers may keep them for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else (above all `index.html` and `sw.js`) is revalidated on every load, so an
/// app update is noticed the next time the app opens with a network.
const REVALIDATE: &str = "no-cache";

/// Limits of a path that can name a file or an app route. Trunk's names are about 40 bytes;
/// a segment stays well below the file system's 255 even with the `.br` or `.gz` the file
/// service appends, so looking a path up can only find a file or not, never fail.
const MAX_PATH: usize = 1024;
const MAX_SEGMENT: usize = 200;
const MAX_DEPTH: usize = 16;

pub fn router(dir: &Path) -> Router {
    let app = if dir.is_dir() {
        let root = dir.to_path_buf();
        let shell = move |req: Request| app_shell(root.clone(), req);
        let serve = ServeDir::new(dir)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(shell.into_service());
        Router::new()
            .fallback_service(serve)
            .layer(middleware::from_fn(only_possible_paths))
            .layer(middleware::from_fn(cache_control))
    } else {
        tracing::warn!(
            dir = %dir.display(),
            "static directory not found: serving a placeholder page (build the app with trunk)"
        );
        Router::new().fallback(not_built)
    };
    with_security_headers(app)
}

/// Headers every static answer carries, whatever produced it (a file, a shell, a 404).
fn with_security_headers(app: Router) -> Router {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    app.layer(set(
        header::CONTENT_SECURITY_POLICY,
        CONTENT_SECURITY_POLICY,
    ))
    .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
    .layer(set(header::X_FRAME_OPTIONS, "DENY"))
    .layer(set(header::REFERRER_POLICY, "no-referrer"))
    .layer(set(
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    ))
    .layer(set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ))
    // Whether a compressed copy exists does not show in the answer, so every answer may
    // differ by encoding: no shared cache hands a brotli body to a client without brotli.
    .layer(set(header::VARY, "accept-encoding"))
}

/// The console's routes live under this path, its files in the directory of the same name.
const CONSOLE: &str = "/console";

/// Unknown paths without a file extension are app routes (`/visits/new`) that the app's own
/// router resolves, so they get the `index.html` of the front door they belong to. A missing
/// file (an old build's `app-<hash>.js`) stays a 404: answering it with HTML would be cached
/// as if it were the script.
async fn app_shell(root: PathBuf, req: Request) -> Response {
    let path = req.uri().path();
    let last = path.rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return not_found();
    }
    let index = root.join(shell_for(path));
    let shell = ServeFile::new(&index)
        .precompressed_br()
        .precompressed_gzip();
    let Ok(response) = shell.oneshot(req).await;
    if response.status() == StatusCode::NOT_FOUND {
        tracing::warn!(path = %index.display(), "the app shell is missing");
        return not_found();
    }
    response.map(Body::new)
}

/// The `index.html` (relative to the static directory) that answers an app route.
fn shell_for(path: &str) -> &'static str {
    let console = path
        .strip_prefix(CONSOLE)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if console {
        "console/index.html"
    } else {
        "index.html"
    }
}

/// A path no file or app route can have (too long, too deep, `..`, control characters, not
/// UTF-8) is a 404 before the file system sees it.
async fn only_possible_paths(req: Request, next: Next) -> Response {
    if possible_path(req.uri().path()) {
        next.run(req).await
    } else {
        not_found()
    }
}

fn possible_path(path: &str) -> bool {
    if path.len() > MAX_PATH {
        return false;
    }
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return false;
    };
    let mut segments = decoded.split('/').filter(|s| !s.is_empty());
    segments.by_ref().take(MAX_DEPTH).all(|segment| {
        segment.len() <= MAX_SEGMENT
            && segment != "."
            && segment != ".."
            && !segment.chars().any(|c| c.is_control() || c == '\\')
    }) && segments.next().is_none()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html("<!doctype html><meta charset=utf-8><title>Not found</title><p>Not found."),
    )
        .into_response()
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
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode, header};
    use tower::ServiceExt;

    use super::{is_fingerprinted, possible_path, router, shell_for};

    #[test]
    fn only_hashed_build_outputs_count_as_fingerprinted() {
        let table = [
            ("/huifang-app-9f8e7d6c5b4a3921.js", true),
            ("/huifang-app-9f8e7d6c5b4a3921_bg.wasm", true),
            ("/style-0123456789abcdef.css", true),
            ("/console/huifang-console-9f8e7d6c5b4a3921_bg.wasm", true),
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

    #[test]
    fn only_paths_that_can_name_a_file_or_a_route_reach_the_file_system() {
        let long = |n: usize| format!("/{}", "a".repeat(n));
        let deep = |n: usize| "/a".repeat(n);
        let table = [
            ("/".to_owned(), true),
            ("/console/tickets/6f0c".to_owned(), true),
            ("/huifang-app-9f8e7d6c5b4a3921_bg.wasm".to_owned(), true),
            ("/%E5%9B%9E%E8%AE%BF".to_owned(), true),
            ("//tasks/".to_owned(), true),
            (long(200), true),
            (long(201), false),
            (long(256), false),
            (long(5000), false),
            (deep(16), true),
            (deep(17), false),
            (deep(3000), false),
            ("/a/../index.html".to_owned(), false),
            ("/%2e%2e/etc/passwd".to_owned(), false),
            ("/a/%2E%2E".to_owned(), false),
            ("/./index.html".to_owned(), false),
            ("/a%00b".to_owned(), false),
            ("/a%0Ab".to_owned(), false),
            ("/a%5Cb".to_owned(), false),
            ("/a%ffb".to_owned(), false),
        ];
        for (path, want) in table {
            assert_eq!(possible_path(&path), want, "{path}");
        }
    }

    #[test]
    fn console_routes_get_the_console_shell_and_every_other_route_the_field_app() {
        let table = [
            ("/", "index.html"),
            ("/tasks", "index.html"),
            ("/tickets/6f0c", "index.html"),
            ("/consoles", "index.html"),
            ("/consolex/supervise", "index.html"),
            ("/console", "console/index.html"),
            ("/console/", "console/index.html"),
            ("/console/supervise", "console/index.html"),
            ("/console/tickets/6f0c", "console/index.html"),
        ];
        for (path, want) in table {
            assert_eq!(shell_for(path), want, "{path}");
        }
    }

    /// A built `dist` with both front doors, removed when dropped.
    struct Dist(PathBuf);

    impl Dist {
        fn new() -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("huifang-dist-{}-{n}", std::process::id()));
            let files = [
                ("index.html", "field shell"),
                ("huifang-app-0123456789abcdef.js", "field script"),
                ("sw.js", "worker"),
                ("console/index.html", "console shell"),
                (
                    "console/huifang-console-0123456789abcdef.js",
                    "console script",
                ),
            ];
            for (name, body) in files {
                let path = dir.join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, body).unwrap();
            }
            Dist(dir)
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dist {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Status, cache policy and body of a GET.
    async fn get(dist: &Dist, path: &str) -> (StatusCode, String, String) {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let response = router(dist.path()).oneshot(request).await.unwrap();
        let status = response.status();
        let cache = response.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .to_owned();
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, cache, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn each_front_door_serves_its_files_and_its_own_shell() {
        let dist = Dist::new();
        let ok = |cache: &str, body: &str| (StatusCode::OK, cache.to_owned(), body.to_owned());
        let table = [
            ("/", ok("no-cache", "field shell")),
            ("/tasks", ok("no-cache", "field shell")),
            ("/sw.js", ok("no-cache", "worker")),
            (
                "/huifang-app-0123456789abcdef.js",
                ok(super::IMMUTABLE, "field script"),
            ),
            ("/console/", ok("no-cache", "console shell")),
            ("/console/supervise", ok("no-cache", "console shell")),
            ("/console/tickets/6f0c", ok("no-cache", "console shell")),
            (
                "/console/huifang-console-0123456789abcdef.js",
                ok(super::IMMUTABLE, "console script"),
            ),
        ];
        for (path, want) in table {
            assert_eq!(get(&dist, path).await, want, "{path}");
        }
    }

    #[tokio::test]
    async fn an_app_not_built_yet_gets_a_placeholder_under_the_same_headers() {
        let missing = std::env::temp_dir().join("huifang-no-such-dist");
        let request = Request::get("/tasks").body(Body::empty()).unwrap();
        let response = router(&missing).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers()[header::CONTENT_SECURITY_POLICY],
            super::CONTENT_SECURITY_POLICY
        );
        assert_eq!(response.headers()[header::X_FRAME_OPTIONS], "DENY");
    }

    #[tokio::test]
    async fn a_missing_file_is_a_404_in_either_front_door() {
        let dist = Dist::new();
        for path in [
            "/huifang-app-ffffffffffffffff.js",
            "/console/huifang-console-ffffffffffffffff.js",
            "/console/sw.js",
        ] {
            let (status, cache, _) = get(&dist, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(cache, "no-cache", "{path}");
        }
    }
}
