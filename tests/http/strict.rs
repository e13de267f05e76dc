use std::panic::{AssertUnwindSafe, catch_unwind};

use testrig::http::{BlockingMockServer, Mock, MockServer, ResponseTemplate, get, matchers};

use crate::{panic_message, send};

#[test]
fn unmatched_request_fails_when_the_server_drops() {
    let line = line!() + 1;
    let s = BlockingMockServer::start();
    s.mount(Mock::given(matchers::path("/known")).respond_with(ResponseTemplate::new(200)));
    assert_eq!(send("GET", &s.url("/known"), None), 200);
    assert_eq!(send("DELETE", &s.url("/unknown?x=1"), None), 404);
    let uri = s.uri();
    let msg = panic_message(move || drop(s));
    assert!(
        msg.starts_with(&format!(
            "testrig::http: test `strict::unmatched_request_fails_when_the_server_drops` failed: \
             the server at {uri} (started at tests/http/strict.rs:{line}:13) \
             received 1 request that matched no mounted mock (answered with 404):\n  \
             #2 DELETE /unknown?x=1\n"
        )),
        "{msg}"
    );
    assert!(msg.contains("`MockServer::builder().lenient()`"), "{msg}");
}

#[tokio::test]
#[should_panic(expected = "(started at tests/http/strict.rs:")]
async fn async_server_is_strict_too() {
    let mock_server = MockServer::start().await;
    let status = reqwest::get(mock_server.url("/nothing-here"))
        .await
        .unwrap()
        .status();
    assert_eq!(status, 404);
}

/// JSON, so that a JSON client's error names the request rather than a parse failure.
#[test]
fn the_404_body_is_json_naming_the_request() {
    let s = BlockingMockServer::start().lenient();
    let reply = reqwest::blocking::Client::new()
        .post(s.url("/x?page=2"))
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(reply.status(), 404);
    assert_eq!(
        reply.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let body: serde_json::Value = reply.json().unwrap();
    assert_eq!(
        body,
        serde_json::json!({"testrig": "no mock matched", "request": "POST /x?page=2"})
    );
}

#[test]
fn lenient_servers_do_not_fail() {
    let s = BlockingMockServer::start().lenient();
    send("GET", &s.url("/a"), None);
    assert_eq!(s.unmatched().len(), 1);
    drop(s);
    let s = MockServer::builder().lenient().start_blocking();
    send("GET", &s.url("/b"), None);
    drop(s);
}

#[test]
fn assert_no_unmatched_checks_now() {
    let s = BlockingMockServer::start().lenient();
    s.mount(Mock::given(matchers::path("/ok")).respond_with(ResponseTemplate::new(200)));
    send("GET", &s.url("/ok"), None);
    s.assert_no_unmatched();
    send("GET", &s.url("/missing"), None);
    let msg = panic_message(|| s.assert_no_unmatched());
    assert!(msg.contains("  #2 GET /missing\n"), "{msg}");
}

#[test]
fn requests_beyond_up_to_n_times_count_as_unmatched() {
    let s = BlockingMockServer::start().lenient();
    s.mount(
        Mock::given(matchers::path("/once"))
            .respond_with(ResponseTemplate::new(200))
            .up_to_n_times(1),
    );
    assert_eq!(send("GET", &s.url("/once"), None), 200);
    assert_eq!(send("GET", &s.url("/once"), None), 404);
    let unmatched = s.unmatched();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].url.path(), "/once");
}

#[test]
fn a_failing_test_is_not_hidden_by_the_strict_check() {
    let s = BlockingMockServer::start();
    send("GET", &s.url("/unmatched"), None);
    let payload = catch_unwind(AssertUnwindSafe(move || {
        let _server = s;
        panic!("the test's own failure");
    }))
    .unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"the test's own failure")
    );
}

#[test]
fn wiremock_expectations_are_still_verified() {
    let s = BlockingMockServer::start();
    s.mount(
        Mock::given(matchers::path("/must"))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .named("must be called"),
    );
    let msg = panic_message(move || drop(s));
    assert!(msg.contains("Verifications failed"), "{msg}");
    assert!(msg.contains("must be called"), "{msg}");
}

#[test]
fn reset_forgets_mocks_and_requests_but_keeps_recording() {
    let s = BlockingMockServer::start().lenient();
    s.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200)));
    send("GET", &s.url("/before"), None);
    s.reset();
    assert!(s.received().is_empty());
    assert_eq!(send("GET", &s.url("/after"), None), 404);
    s.assert_received(get("/after"));
    assert_eq!(s.unmatched().len(), 1);
}
