//! What needs the real `huifang` binary: the operator's command line, a restart on the same
//! database, and the built app served beside the API.

use huifang_tests::{DEMO_PASSWORD, TestServer, cli_user_add};
use reqwest::StatusCode;
use reqwest::header::CACHE_CONTROL;

#[tokio::test]
async fn a_user_added_on_the_command_line_can_log_in() {
    // The server may run in-process: what is under test is `huifang user add` writing to the
    // database a running server serves.
    let server = TestServer::in_process();
    let user_add = |args: &[&str], password: &str| cli_user_add(&server.db, args, password);
    let out = user_add(
        &[
            "--username",
            "xiaozhao",
            "--role",
            "agent",
            "--display-name",
            "小赵",
            "--agent-no",
            "A107",
            "--password-stdin",
        ],
        "s3cret-passphrase\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res = server.try_login("xiaozhao", "s3cret-passphrase").await;
    assert_eq!(res.status(), StatusCode::OK);

    let fails_saying = |args: &[&str], password: &str, says: &str| {
        let out = user_add(args, password);
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    fails_saying(
        &[
            "--username",
            "xiaozhao",
            "--role",
            "agent",
            "--password-stdin",
        ],
        "another-passphrase",
        "already exists",
    );
    fails_saying(
        &["--username", "x2", "--role", "boss", "--password-stdin"],
        "pw",
        "unknown role",
    );
    fails_saying(
        &["--username", "x3", "--role", "agent", "--password-stdin"],
        "\n",
        "empty",
    );
}

#[tokio::test]
async fn demo_data_is_seeded_only_on_the_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let first = TestServer::start_in(dir.path());
    assert!(first.banner.contains(DEMO_PASSWORD), "{}", first.banner);
    let before = first.field().await.customers().await;
    drop(first);

    let second = TestServer::start_in(dir.path());
    assert!(!second.banner.contains(DEMO_PASSWORD), "{}", second.banner);
    let after = second.field().await.customers().await;
    assert_eq!(after, before);
    second.supervisor().await;
}

#[tokio::test]
async fn app_routes_fall_back_to_index_html_which_is_never_cached() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start_in(dir.path());
    let static_dir = dir.path().join("static");
    std::fs::write(
        static_dir.join("index.html"),
        "<!doctype html><title>回访</title>",
    )
    .unwrap();
    std::fs::write(static_dir.join("app-0123456789abcdef.js"), "//").unwrap();
    let get = |path: &str| server.client.get(server.url(path)).send();

    let res = get("/visits/new").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[CACHE_CONTROL], "no-cache");
    assert!(res.text().await.unwrap().contains("回访"));

    let res = get("/app-0123456789abcdef.js").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    let missing = get("/app-fedcba9876543210.js").await.unwrap();
    assert_eq!(
        missing.status(),
        StatusCode::NOT_FOUND,
        "an old build's file is not the app shell"
    );
}
