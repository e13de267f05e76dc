use serde_json::json;
use testrig::http::{BlockingMockServer, Mock, ResponseTemplate, matchers, post};

use crate::{panic_message, send};

#[test]
fn failure_report_lists_requests_and_diffs_the_closest() {
    let s = BlockingMockServer::start();
    s.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200)));
    send("GET", &s.url("/health"), None);
    send(
        "POST",
        &s.url("/post?trace=1"),
        Some(json!({"key_1": "value_2", "items": [1, 2, 3]})),
    );
    send("POST", &s.url("/other"), Some(json!({"key_1": "value_1"})));
    let msg = panic_message(|| {
        s.assert_received(
            post("/post")
                .query("trace", "1")
                .header("content-type", "application/json")
                .json_includes(json!({"key_1": "value_1", "items": [1, 2]})),
        )
    });
    let uri = s.uri();
    assert!(uri.starts_with("http://127.0.0.1:"), "{uri}");
    let host = uri.trim_start_matches("http://");
    let expected = format!(
        "testrig::http: expected 1 request matching `POST /post ?trace=1, header content-type: \
         application/json, json includes {{\"items\":[1,2],\"key_1\":\"value_1\"}}`, got 0
the server at {uri} received 3 requests:
  #1 GET /health → answered by a mock
       accept: */*
       host: {host}
  #2 POST /post?trace=1 → answered by a mock
       content-type: application/json
       content-length: 35
       accept: */*
       host: {host}
       body: {{\"items\":[1,2,3],\"key_1\":\"value_2\"}}
  #3 POST /other → answered by a mock
       content-type: application/json
       content-length: 19
       accept: */*
       host: {host}
       body: {{\"key_1\":\"value_1\"}}
closest to the expectation: #2 POST /post?trace=1
  ✓ method POST
  ✓ path /post
  ✓ query trace=1
  ✓ header content-type: application/json
  ✗ json includes {{\"items\":[1,2],\"key_1\":\"value_1\"}}
      $.items: expected an array of 2, got an array of 3
      $.key_1: expected \"value_1\", got \"value_2\"
"
    );
    assert_eq!(msg, expected);
}

#[test]
fn report_for_a_server_that_received_nothing() {
    let s = BlockingMockServer::start();
    let msg = panic_message(|| s.assert_received(post("/post")));
    assert_eq!(
        msg,
        format!(
            "testrig::http: expected 1 request matching `POST /post`, got 0\n\
             the server at {} received no request\n",
            s.uri()
        )
    );
}
