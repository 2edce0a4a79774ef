//! How answers leave the server: static files as the brotli or gzip copy the client accepts,
//! large `/api` answers compressed, each kind of file with its cache policy, the security
//! headers on every static answer, `no-store` on every `/api` answer, HSTS when configured,
//! and paths no file can have answered 404.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use huifang_server::static_files::{CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY};
use huifang_tests::TestServer;
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, VARY,
};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WASM: &str = "/huifang-app-0123456789abcdef_bg.wasm";
const SCRIPT: &str = "/huifang-app-0123456789abcdef.js";
const STYLE: &str = "/layout-0123456789abcdef.css";
const CONSOLE_WASM: &str = "/console/huifang-console-fedcba9876543210_bg.wasm";

/// A built app as `scripts/build-app.sh` leaves it: both front doors, each compressible file
/// with its `.br` and `.gz` copy, the icons without. Each copy's content names it, so a test
/// sees which one was sent.
fn build_app(server: &TestServer) -> PathBuf {
    let dir = server.db.parent().expect("test directory").join("static");
    let compressible = [
        "index.html",
        "sw.js",
        "manifest.webmanifest",
        "icon.svg",
        &WASM[1..],
        &SCRIPT[1..],
        &STYLE[1..],
        "console/index.html",
        &CONSOLE_WASM[1..],
    ];
    for name in compressible {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("{name} identity")).unwrap();
        std::fs::write(dir.join(format!("{name}.br")), format!("{name} br")).unwrap();
        std::fs::write(dir.join(format!("{name}.gz")), format!("{name} gzip")).unwrap();
    }
    std::fs::write(dir.join("icon-192.png"), "icon-192.png identity").unwrap();
    dir
}

/// Status, headers and body of a GET sent with `Accept-Encoding: {accept}` (none if empty).
async fn get(server: &TestServer, path: &str, accept: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = server.client.get(server.url(path));
    if !accept.is_empty() {
        req = req.header(ACCEPT_ENCODING, accept);
    }
    let res = req.send().await.expect("GET");
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.bytes().await.expect("body").to_vec())
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> &'h str {
    headers
        .get(name)
        .map_or("", |v| v.to_str().expect("an ASCII header"))
}

#[tokio::test]
async fn a_static_file_goes_out_as_the_copy_the_client_accepts_and_says_it_varies() {
    let server = TestServer::in_process();
    build_app(&server);
    // (Accept-Encoding, Content-Encoding sent, body): browsers list gzip first and get br.
    let table = [
        ("br", "br", "br"),
        ("gzip", "gzip", "gzip"),
        ("gzip, deflate, br, zstd", "br", "br"),
        ("br;q=0.5, gzip", "gzip", "gzip"),
        ("br;q=0, gzip;q=0", "", "identity"),
        ("zstd", "", "identity"),
        ("identity", "", "identity"),
        ("", "", "identity"),
    ];
    for path in [WASM, SCRIPT, STYLE, "/sw.js", "/index.html", CONSOLE_WASM] {
        for (accept, encoding, copy) in table {
            let (status, headers, body) = get(&server, path, accept).await;
            let case = format!("{path} with Accept-Encoding {accept:?}");
            assert_eq!(status, StatusCode::OK, "{case}");
            assert_eq!(header(&headers, "content-encoding"), encoding, "{case}");
            assert_eq!(
                String::from_utf8(body).unwrap(),
                format!("{} {copy}", &path[1..]),
                "{case}"
            );
            assert_eq!(header(&headers, "vary"), "accept-encoding", "{case}");
        }
    }
    let (_, headers, _) = get(&server, WASM, "br").await;
    assert_eq!(
        headers[CONTENT_TYPE], "application/wasm",
        "the type of the file, not of its copy"
    );
}

#[tokio::test]
async fn app_routes_get_their_front_doors_shell_compressed_too() {
    let server = TestServer::in_process();
    build_app(&server);
    let table = [
        ("/", "index.html"),
        ("/tasks", "index.html"),
        ("/visits/new", "index.html"),
        ("/console/", "console/index.html"),
        ("/console/supervise", "console/index.html"),
    ];
    for (path, shell) in table {
        for (accept, copy) in [("br", "br"), ("gzip", "gzip"), ("", "identity")] {
            let (status, headers, body) = get(&server, path, accept).await;
            assert_eq!(status, StatusCode::OK, "{path} {accept}");
            assert_eq!(
                String::from_utf8(body).unwrap(),
                format!("{shell} {copy}"),
                "{path} {accept}"
            );
            assert!(
                header(&headers, "content-type").starts_with("text/html"),
                "{path}"
            );
            assert_eq!(header(&headers, "vary"), "accept-encoding", "{path}");
        }
    }
}

#[tokio::test]
async fn hashed_files_are_kept_a_year_and_everything_else_is_revalidated() {
    let server = TestServer::in_process();
    build_app(&server);
    let immutable = "public, max-age=31536000, immutable";
    let table = [
        (WASM, immutable),
        (SCRIPT, immutable),
        (STYLE, immutable),
        (CONSOLE_WASM, immutable),
        ("/", "no-cache"),
        ("/index.html", "no-cache"),
        ("/tasks", "no-cache"),
        ("/console/", "no-cache"),
        ("/console/tickets/6f0c", "no-cache"),
        ("/sw.js", "no-cache"),
        ("/manifest.webmanifest", "no-cache"),
        ("/icon.svg", "no-cache"),
        ("/icon-192.png", "no-cache"),
        // An old build's file: a 404 must not be kept for a year.
        ("/huifang-app-ffffffffffffffff.js", "no-cache"),
    ];
    for (path, policy) in table {
        for accept in ["br", ""] {
            let (_, headers, _) = get(&server, path, accept).await;
            assert_eq!(header(&headers, "cache-control"), policy, "{path} {accept}");
        }
    }
}

/// The CSP's directives and their sources.
fn directives(csp: &str) -> BTreeMap<&str, Vec<&str>> {
    csp.split(';')
        .map(|d| {
            let mut words = d.split_whitespace();
            (words.next().expect("a directive name"), words.collect())
        })
        .collect()
}

#[test]
fn the_content_security_policy_allows_only_the_apps_own_origin_and_its_wasm() {
    let want: BTreeMap<&str, Vec<&str>> = [
        ("default-src", vec!["'self'"]),
        ("script-src", vec!["'self'", "'wasm-unsafe-eval'"]),
        ("style-src", vec!["'self'"]),
        ("img-src", vec!["'self'", "data:", "blob:"]),
        ("connect-src", vec!["'self'"]),
        ("worker-src", vec!["'self'"]),
        ("manifest-src", vec!["'self'"]),
        ("base-uri", vec!["'none'"]),
        ("form-action", vec!["'self'"]),
        ("frame-ancestors", vec!["'none'"]),
        ("object-src", vec!["'none'"]),
    ]
    .into_iter()
    .collect();
    assert_eq!(directives(CONTENT_SECURITY_POLICY), want);
}

#[tokio::test]
async fn every_static_answer_carries_the_security_headers() {
    let server = TestServer::in_process();
    build_app(&server);
    let long = format!("/{}", "a".repeat(300));
    let paths = [
        "/",
        "/tasks",
        "/console/supervise",
        WASM,
        "/sw.js",
        "/icon-192.png",
        "/huifang-app-ffffffffffffffff.js",
        &long,
    ];
    for path in paths {
        let (_, headers, _) = get(&server, path, "br").await;
        let expected = [
            ("content-security-policy", CONTENT_SECURITY_POLICY),
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
            ("permissions-policy", PERMISSIONS_POLICY),
            ("cross-origin-opener-policy", "same-origin"),
        ];
        for (name, value) in expected {
            assert_eq!(header(&headers, name), value, "{name} on {path}");
        }
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS unless configured: {path}"
        );
    }
    let allowed: Vec<_> = PERMISSIONS_POLICY.split(", ").collect();
    assert!(allowed.contains(&"geolocation=(self)"), "{allowed:?}");
    for feature in ["camera", "microphone", "payment", "usb"] {
        assert!(allowed.contains(&&*format!("{feature}=()")), "{feature}");
    }
}

/// Every `/api` answer, whatever its status: the login's token included.
#[tokio::test]
async fn every_api_answer_is_never_stored_errors_and_the_login_included() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let mut answers = vec![
        (
            "login",
            server
                .try_login("field", huifang_tests::DEMO_PASSWORD)
                .await,
        ),
        ("wrong password", server.try_login("agent", "guess").await),
        (
            "pull",
            field.get("/api/sync/pull?since=0").send().await.unwrap(),
        ),
        ("me", field.get("/api/me").send().await.unwrap()),
    ];
    let anonymous = [
        ("health", "/api/health"),
        ("no login", "/api/me"),
        ("no such endpoint", "/api/nothing-here"),
        ("just /api", "/api"),
    ];
    for (what, path) in anonymous {
        answers.push((
            what,
            server.client.get(server.url(path)).send().await.unwrap(),
        ));
    }
    answers.push((
        "wrong method",
        server
            .client
            .delete(server.url("/api/health"))
            .send()
            .await
            .unwrap(),
    ));
    answers.push((
        "bad body",
        field
            .post("/api/sync/push")
            .header(CONTENT_TYPE, "application/json")
            .body("{")
            .send()
            .await
            .unwrap(),
    ));
    for (what, res) in answers {
        let headers = res.headers();
        assert_eq!(header(headers, "cache-control"), "no-store", "{what}");
        assert_eq!(
            header(headers, "x-content-type-options"),
            "nosniff",
            "{what}"
        );
        assert_eq!(header(headers, "referrer-policy"), "no-referrer", "{what}");
    }
}

fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "br" => brotli_decompressor::Decompressor::new(body, 4096).read_to_end(&mut out),
        "gzip" => flate2::read::GzDecoder::new(body).read_to_end(&mut out),
        other => panic!("unexpected encoding {other}"),
    }
    .expect("a well-formed compressed body");
    out
}

#[tokio::test]
async fn large_api_answers_are_compressed_when_accepted_and_small_ones_are_not() {
    let server = TestServer::in_process();
    let field = server.field().await;
    let pull = |accept: &'static str| {
        let mut req = field.get("/api/sync/pull?since=0");
        if !accept.is_empty() {
            req = req.header(ACCEPT_ENCODING, accept);
        }
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            let headers = res.headers().clone();
            (headers, res.bytes().await.unwrap().to_vec())
        }
    };
    let (headers, plain) = pull("").await;
    assert!(!headers.contains_key(CONTENT_ENCODING));
    assert!(plain.len() > 4096, "the demo's first pull page is large");
    let plain: Value = serde_json::from_slice(&plain).unwrap();
    for (accept, encoding) in [("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")] {
        let (headers, body) = pull(accept).await;
        assert_eq!(header(&headers, "content-encoding"), encoding, "{accept}");
        assert_eq!(header(&headers, "vary"), "accept-encoding", "{accept}");
        assert_eq!(header(&headers, "cache-control"), "no-store", "{accept}");
        let decoded: Value = serde_json::from_slice(&decode(encoding, &body)).unwrap();
        assert_eq!(decoded, plain, "{accept}");
        assert!(
            body.len() * 2 < plain.to_string().len(),
            "{accept}: compressed"
        );
    }

    // A small answer and an error keep their plain JSON, whatever the client accepts.
    for path in ["/api/health", "/api/me", "/api/nothing-here"] {
        let res = server
            .client
            .get(server.url(path))
            .header(ACCEPT_ENCODING, "br, gzip")
            .send()
            .await
            .unwrap();
        assert!(!res.headers().contains_key(CONTENT_ENCODING), "{path}");
        let body: Value = res.json().await.unwrap();
        assert!(body.is_object(), "{path}");
    }
    let res = server
        .client
        .get(server.url("/api/me"))
        .header(ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let error: Value = res.json().await.unwrap();
    assert_eq!(error["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_server_is_told_it_sits_behind_https() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_in_with(dir.path(), &["--hsts"]);
    std::fs::write(dir.path().join("static/index.html"), "shell").unwrap();
    for path in ["/", "/tasks", "/api/health", "/api/me"] {
        let res = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(
            res.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
    drop(server);

    let plain = TestServer::in_process();
    for path in ["/", "/api/health"] {
        let res = plain.client.get(plain.url(path)).send().await.unwrap();
        assert!(
            !res.headers().contains_key("strict-transport-security"),
            "{path}"
        );
    }
}

/// The status line and content type of `GET {target}` sent byte for byte: an HTTP client
/// would resolve `..` and `%2e%2e` before sending.
async fn raw_get(server: &TestServer, target: &str) -> (u16, String) {
    let addr = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nAccept-Encoding: br\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer[9..12].parse().expect("a status code");
    let content_type = answer
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_owned)
        })
        .unwrap_or_default();
    (status, content_type)
}

#[tokio::test]
async fn paths_no_file_can_have_are_a_404_never_a_500() {
    let server = TestServer::in_process();
    build_app(&server);
    let long = |n: usize| format!("/{}", "a".repeat(n));
    let paths = [
        long(256),
        long(5000),
        format!("{}.js", long(252)),
        format!("/console{}", long(256)),
        "/a".repeat(40),
        "/a/".repeat(3000),
        "/a%00b".to_owned(),
        "/a%0Ab".to_owned(),
        "/a%ffb".to_owned(),
        "/a%5C..%5Cindex.html".to_owned(),
        "/..%2Findex.html".to_owned(),
        "/tasks/../index.html".to_owned(),
        "/%2e%2e/%2e%2e/etc/passwd".to_owned(),
        "/./index.html".to_owned(),
    ];
    for path in &paths {
        let (status, content_type) = raw_get(&server, path).await;
        let shown = &path[..path.len().min(60)];
        assert_eq!(status, 404, "{shown}");
        assert!(
            content_type.starts_with("text/html"),
            "{shown}: {content_type}"
        );
    }
    for accept in ["", "br", "gzip"] {
        for path in [long(256), long(5000)] {
            let (status, _, _) = get(&server, &path, accept).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{} {accept}", path.len());
        }
    }
    // The same under /api is the API's JSON 404.
    let (status, headers, body) = get(&server, &format!("/api{}", long(5000)), "br").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    let error: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["error"]["code"], "not_found");
    // Still served: routes and files of ordinary length.
    let (status, _, _) = get(&server, "/tickets/6f0c4a2e-0000-4000-8000-000000000000", "").await;
    assert_eq!(status, StatusCode::OK);
    let (_, headers, _) = get(&server, "/", "br").await;
    assert_eq!(headers[VARY], "accept-encoding");
}
