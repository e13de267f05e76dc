use serde_json::json;
use testrig::http::{
    BlockingMockServer, Expectation, Mock, ResponseTemplate, delete, get, matchers, patch, post,
    put, request,
};

use crate::{panic_message, send};

fn server() -> BlockingMockServer {
    let server = BlockingMockServer::start();
    server.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200)));
    server
}

#[test]
fn method_and_path_pass_and_fail() {
    let s = server();
    send("GET", &s.url("/a"), None);
    send("POST", &s.url("/b"), None);
    send("PUT", &s.url("/c"), None);
    send("PATCH", &s.url("/d"), None);
    send("DELETE", &s.url("/e"), None);
    send("OPTIONS", &s.url("/f"), None);
    s.assert_received(get("/a"));
    s.assert_received(post("/b"));
    s.assert_received(put("/c"));
    s.assert_received(patch("/d"));
    s.assert_received(delete("/e"));
    s.assert_received(request("options", "/f"));
    let msg = panic_message(|| s.assert_received(post("/a")));
    assert!(
        msg.contains("expected 1 request matching `POST /a`, got 0"),
        "{msg}"
    );
    assert!(
        msg.contains("  ✗ method POST\n      got GET\n  ✓ path /a\n"),
        "{msg}"
    );
    let msg = panic_message(|| s.assert_received(get("/z")));
    assert!(
        msg.contains("  ✓ method GET\n  ✗ path /z\n      got /a\n"),
        "{msg}"
    );
}

#[test]
fn query_pass_and_fail() {
    let s = server();
    send("GET", &s.url("/search?q=rust&page=2"), None);
    s.assert_received(get("/search").query("q", "rust"));
    s.assert_received(get("/search").query("page", "2").query("q", "rust"));
    let msg = panic_message(|| s.assert_received(get("/search").query("q", "go")));
    assert!(msg.contains("  ✗ query q=go\n      got q=rust\n"), "{msg}");
    let msg = panic_message(|| s.assert_received(get("/search").query("lang", "en")));
    assert!(
        msg.contains("  ✗ query lang=en\n      absent (query: \"q=rust&page=2\")\n"),
        "{msg}"
    );
    assert!(msg.contains("#1 GET /search?q=rust&page=2"), "{msg}");
}

#[test]
fn header_pass_and_fail() {
    let s = server();
    reqwest::blocking::Client::new()
        .get(s.url("/me"))
        .header("Authorization", "Bearer abc")
        .send()
        .unwrap();
    s.assert_received(get("/me").header("authorization", "Bearer abc"));
    s.assert_received(get("/me").header("AUTHORIZATION", "Bearer abc"));
    let msg = panic_message(|| s.assert_received(get("/me").header("authorization", "Bearer x")));
    assert!(
        msg.contains("  ✗ header authorization: Bearer x\n      got authorization: Bearer ***\n"),
        "{msg}"
    );
    // The credential is masked in the request list too.
    assert!(
        msg.contains("\n       authorization: Bearer ***\n"),
        "{msg}"
    );
    assert!(!msg.contains("abc"), "{msg}");
    let msg = panic_message(|| s.assert_received(get("/me").header("x-trace", "1")));
    assert!(
        msg.contains("  ✗ header x-trace: 1\n      absent\n"),
        "{msg}"
    );
}

/// The client renamed `If-None-Match` to `If-Match`: the report shows what was sent instead.
#[test]
fn a_missing_header_shows_the_similar_one_that_was_sent() {
    let s = server();
    reqwest::blocking::Client::new()
        .get(s.url("/repos/o/r"))
        .header("If-Match", "test-etag")
        .header("x-request-id", "42")
        .send()
        .unwrap();
    let msg = panic_message(|| {
        s.assert_received(
            get("/repos/o/r")
                .header("if-none-match", "test-etag")
                .header("x-requestid", "42")
                .header("x-trace", "on"),
        )
    });
    assert!(
        msg.contains(
            "  ✗ header if-none-match: test-etag\n      absent; got if-match: test-etag\n  \
             ✗ header x-requestid: 42\n      absent; got x-request-id: 42\n  \
             ✗ header x-trace: on\n      absent\n"
        ),
        "{msg}"
    );
}

#[test]
fn body_text_pass_and_fail() {
    let s = server();
    reqwest::blocking::Client::new()
        .put(s.url("/note"))
        .body("hello")
        .send()
        .unwrap();
    s.assert_received(put("/note").body("hello"));
    let msg = panic_message(|| s.assert_received(put("/note").body("hallo")));
    assert!(
        msg.contains("  ✗ body \"hallo\"\n      got \"hello\"\n"),
        "{msg}"
    );
}

#[test]
fn exact_json_pass_and_fail() {
    let s = server();
    send(
        "POST",
        &s.url("/items"),
        Some(json!({"id": 1, "tags": ["a", "b"]})),
    );
    s.assert_received(post("/items").json(json!({"tags": ["a", "b"], "id": 1})));
    let msg = panic_message(|| s.assert_received(post("/items").json(json!({"id": 1}))));
    assert!(msg.contains("  ✗ json {\"id\":1}\n"), "{msg}");
    assert!(
        msg.contains("      $.tags: unexpected, got [\"a\",\"b\"]\n"),
        "{msg}"
    );
}

#[test]
fn json_includes_pass_and_fail() {
    let s = server();
    send(
        "POST",
        &s.url("/post"),
        Some(json!({"key_1": "value_2", "nested": {"a": 1, "b": 2}})),
    );
    s.assert_received(post("/post").json_includes(json!({"nested": {"b": 2}})));
    let msg = panic_message(|| {
        s.assert_received(post("/post").json_includes(json!({"key_1": "value_1", "key_9": 0})))
    });
    assert!(
        msg.contains("      $.key_1: expected \"value_1\", got \"value_2\"\n"),
        "{msg}"
    );
    assert!(
        msg.contains("      $.key_9: missing, expected 0\n"),
        "{msg}"
    );
}

#[test]
fn json_expectation_on_a_body_that_is_not_json() {
    let s = server();
    reqwest::blocking::Client::new()
        .post(s.url("/post"))
        .body("plain words")
        .send()
        .unwrap();
    let msg = panic_message(|| s.assert_received(post("/post").json(json!({"a": 1}))));
    assert!(msg.contains("the body is not JSON ("), "{msg}");
    assert!(msg.contains("\"plain words\""), "{msg}");
}

#[test]
fn counts_once_times_never_at_least() {
    let s = server();
    send("GET", &s.url("/tick"), None);
    send("GET", &s.url("/tick"), None);
    s.assert_received(get("/tick").times(2));
    s.assert_received(get("/tick").at_least(1));
    s.assert_received(get("/tock").never());
    let msg = panic_message(|| s.assert_received(get("/tick")));
    assert!(
        msg.contains("expected 1 request matching `GET /tick`, got 2 (#1, #2)"),
        "{msg}"
    );
    let msg = panic_message(|| s.assert_received(get("/tick").never()));
    assert!(
        msg.contains("expected 0 requests matching `GET /tick`, got 2"),
        "{msg}"
    );
    let msg = panic_message(|| s.assert_received(get("/tick").at_least(3)));
    assert!(
        msg.contains("expected at least 3 requests matching"),
        "{msg}"
    );
}

#[test]
fn in_order_pass_and_fail() {
    let s = server();
    send("POST", &s.url("/login"), None);
    send("GET", &s.url("/noise"), None);
    send("GET", &s.url("/data"), None);
    send("POST", &s.url("/logout"), None);
    s.assert_received_in_order([post("/login"), get("/data"), post("/logout")]);
    let msg = panic_message(|| {
        s.assert_received_in_order([post("/login"), post("/logout"), get("/data")])
    });
    assert!(
        msg.contains("did not arrive in the expected order"),
        "{msg}"
    );
    assert!(msg.contains("  ✓ 1. POST /login (#1)\n"), "{msg}");
    assert!(msg.contains("  ✓ 2. POST /logout (#4)\n"), "{msg}");
    assert!(
        msg.contains("  ✗ 3. GET /data (no such request after #4)\n"),
        "{msg}"
    );
}

#[test]
fn only_pass_and_fail() {
    let s = server();
    send("GET", &s.url("/a"), None);
    send("GET", &s.url("/a"), None);
    send("POST", &s.url("/b"), None);
    s.assert_received_only([get("/a").times(2), post("/b")]);
    s.assert_received_only([Expectation::any().times(3)]);
    let msg = panic_message(|| s.assert_received_only([get("/a").times(2)]));
    assert!(
        msg.contains("request #3 matched none of the expected requests"),
        "{msg}"
    );
    let msg = panic_message(|| s.assert_received_only([get("/a"), post("/b")]));
    assert!(
        msg.contains("expected 1 request matching `GET /a`, got 2"),
        "{msg}"
    );
}

#[test]
fn received_and_received_matching() {
    let s = server();
    send("GET", &s.url("/x"), None);
    send("POST", &s.url("/y"), Some(json!({"n": 1})));
    let all = s.received();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].url.path(), "/y");
    let posts = s.received_matching(&post("/y"));
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].body_json::<serde_json::Value>().unwrap(),
        json!({"n": 1})
    );
}

#[tokio::test]
async fn async_server_assertions_pass() {
    let mock_server = testrig::http::MockServer::start().await;
    // the test's own wiremock dependency (same major version) mounts on the server
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/post"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&mock_server)
        .await;
    let reply: serde_json::Value = reqwest::Client::new()
        .post(mock_server.url("/post"))
        .json(&json!({"key_1": "value_1", "other": 2}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply, json!({"ok": true}));
    mock_server.assert_received(post("/post").json_includes(json!({"key_1": "value_1"})));
    mock_server.assert_received(get("/post").never());
    mock_server.assert_no_unmatched();
}

#[tokio::test]
#[should_panic(expected = "expected 1 request matching `POST /post`, got 0")]
async fn async_server_assertion_fails() {
    let mock_server = testrig::http::MockServer::start().await;
    mock_server.assert_received(post("/post"));
}

#[test]
fn malformed_expectations_panic_at_the_callers_line_with_the_fix() {
    let msg = panic_message(|| drop(get("/search?q=rust")));
    assert!(msg.contains("has a query string"), "{msg}");
    assert!(
        msg.contains("write `\"/search\"` and add the parameters with `.query(..)`"),
        "{msg}"
    );
    let msg = panic_message(|| drop(post("items")));
    assert!(
        msg.contains("does not start with `/`; write \"/items\""),
        "{msg}"
    );
    let msg = panic_message(|| drop(get("/").header("content type", "x")));
    assert!(
        msg.contains("\"content type\" is not a valid header name"),
        "{msg}"
    );
    let msg = panic_message(|| drop(request("GE T", "/")));
    assert!(msg.contains("\"GE T\" is not an HTTP method"), "{msg}");
}
