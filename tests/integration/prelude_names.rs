//! The prelude is glob-imported beside the crates a test file already uses: none of its names
//! may equal one of theirs, or `use http::…` and `http::header::ETAG` stop compiling.
//! Everything here is a compile check first; the assertions make sure each crate's item is the
//! one that was reached.

#![cfg(all(
    feature = "http",
    feature = "log",
    feature = "tracing",
    feature = "tokio"
))]

use bytes::Bytes;
use futures::FutureExt as _;
use http::StatusCode;
use serde::Serialize;
use testrig::prelude::*;
use time::Duration;
use url::Url;

#[derive(Serialize)]
struct Body {
    ok: bool,
}

#[test]
fn use_paths_reach_the_crates() {
    assert_eq!(StatusCode::NOT_MODIFIED.as_u16(), 304);
    assert_eq!(Duration::minutes(2).whole_seconds(), 120);
    assert_eq!(Bytes::from_static(b"ab").len(), 2);
    assert_eq!(Url::parse("http://x.test/a").unwrap().path(), "/a");
    assert_eq!(
        serde_json::to_string(&Body { ok: true }).unwrap(),
        r#"{"ok":true}"#
    );
    assert_eq!(futures::future::ready(3).now_or_never(), Some(3));
}

#[test]
fn crate_paths_in_expressions_reach_the_crates() {
    assert_eq!(http::header::ETAG.as_str(), "etag");
    assert_eq!(http::Method::PATCH.as_str(), "PATCH");
    assert_eq!(time::Duration::seconds(90).whole_minutes(), 1);
    assert_eq!(url::Url::parse("http://x.test").unwrap().scheme(), "http");
    assert_eq!(bytes::Bytes::new().len(), 0);
    assert!(log::Level::Warn < log::Level::Debug);
    assert_eq!(tracing::Level::WARN.as_str(), "WARN");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(async { 1 + 1 }), 2);
    assert_eq!(futures::executor::block_on(async { 5 }), 5);
}

#[test]
fn the_prelude_still_brings_its_own_names() {
    let _env = env::set("TESTRIG_PRELUDE_NAMES", "1");
    let clock = clock::freeze_at(clock::UNIX_EPOCH);
    clock.advance(std::time::Duration::from_secs(2));
    assert_eq!(
        clock::SystemTime::now(),
        clock::UNIX_EPOCH + std::time::Duration::from_secs(2)
    );
    let _: fn() -> BlockingMockServer = BlockingMockServer::start;
    let _ = get("/x");
    assert_eq!(std::env::var("TESTRIG_PRELUDE_NAMES").unwrap(), "1");
}

#[testrig::test]
fn the_built_in_fixtures_keep_their_names(blocking_mock_server: BlockingMockServer) {
    use testrig::http::{Mock, ResponseTemplate, matchers};
    blocking_mock_server
        .mount(Mock::given(matchers::method("GET")).respond_with(ResponseTemplate::new(204)));
    let status = reqwest::blocking::get(blocking_mock_server.url("/x"))
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::NO_CONTENT);
    blocking_mock_server.assert_received(get("/x"));
}
