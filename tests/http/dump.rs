//! What a failing test prints about its mock servers, whatever made it fail: each helper test
//! below fails in its own way when run as a helper process, and the test beside it reads the
//! helper's output. Outside a helper process the helpers pass without doing anything.

use std::time::Duration;

use serde_json::json;
use testrig::http::{BlockingMockServer, Mock, MockServer, ResponseTemplate, get, matchers};
use testrig::prelude::*;

use crate::common::{self, in_helper};

/// Runs helper `name` (below this module) and returns its output; it must fail.
fn failing(name: &str) -> String {
    let (output, text) = common::run_helper(&format!("dump::{name}"));
    assert!(
        text.contains("running 1 test"),
        "`{name}` selected no test:\n{text}"
    );
    assert!(!output.status.success(), "`{name}` should fail:\n{text}");
    text
}

/// `file:line:column` of `needle` on the line that holds `marker` or just below it.
fn site(marker: &str, needle: &str) -> String {
    let source = include_str!("dump.rs");
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains(marker) && !l.contains("site("))
        .unwrap_or_else(|| panic!("no line with {marker:?}"));
    let (index, line) = (start..start + 3)
        .map(|i| (i, lines[i]))
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("no {needle:?} near {marker:?}"));
    let column = line.find(needle).unwrap() + 1;
    format!("tests/http/dump.rs:{}:{column}", index + 1)
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

/// The port part of the first server URI in `text`.
fn host(text: &str) -> &str {
    let start = text.find("http://127.0.0.1:").expect("a server URI") + "http://".len();
    let end = text[start..].find([' ', ')', '\n', '/']).unwrap() + start;
    &text[start..end]
}

// ------------------------------------------------------------------ the test's own assertion

async fn fetch_repo(base: &str) -> Result<serde_json::Value, String> {
    let client = reqwest::Client::new();
    client
        .get(format!("{base}/repos/octo/hello?per_page=100"))
        .header("authorization", "Bearer ghp_s3cret")
        .header("if-match", "test-etag")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let reply = client
        .post(format!("{base}/repos/octo/hello/issues"))
        .json(&json!({"title": "bug"}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if reply.status().is_success() {
        Ok(json!({}))
    } else {
        Err(format!("status {}", reply.status()))
    }
}

#[testrig::test]
#[tokio::test]
// site: own_assertion
async fn helper_own_assertion(mock_server: MockServer) {
    if !in_helper() {
        return;
    }
    Mock::given(matchers::method("GET"))
        .respond_with(ResponseTemplate::new(304))
        .mount(&mock_server)
        .await;
    let result = fetch_repo(&mock_server.uri()).await;
    assert!(result.is_ok(), "the client failed: {result:?}");
}

#[test]
fn the_traffic_follows_the_tests_own_failed_assertion() {
    let text = failing("helper_own_assertion");
    let host = host(&text);
    let own = text
        .find("the client failed: Err(\"status 404 Not Found\")")
        .expect("the test's own message");
    let dump = format!(
        "testrig::http: the test failed; what the server at http://{host} (fixture \
         `mock_server`, parameter at {}) received:
the server at http://{host} received 2 requests:
  #1 GET /repos/octo/hello?per_page=100 → answered by a mock
       authorization: Bearer ***
       if-match: test-etag
       accept: */*
       host: {host}
  #2 POST /repos/octo/hello/issues → unmatched → 404
       content-type: application/json
       accept: */*
       host: {host}
       content-length: 15
       body: {{\"title\":\"bug\"}}
1 request matched no mock (answered 404): #2 POST /repos/octo/hello/issues
",
        site("site: own_assertion", "mock_server: MockServer"),
    );
    let at = text.find(&dump).unwrap_or_else(|| panic!("{text}"));
    assert!(
        own < at,
        "the traffic comes after the test's message:\n{text}"
    );
    assert_eq!(count(&text, "what the server at"), 1, "{text}");
    assert_eq!(
        count(&text, "panicked at"),
        1,
        "one panic, the test's own:\n{text}"
    );
    assert!(!text.contains("ghp_s3cret"), "{text}");
}

// ------------------------------------------------------------------------- unwrap, blocking

#[testrig::test]
// site: blocking
fn helper_blocking_unwrap(blocking_mock_server: BlockingMockServer) {
    if !in_helper() {
        return;
    }
    let reply = reqwest::blocking::get(blocking_mock_server.url("/user")).unwrap();
    let user: serde_json::Value = reply.json().unwrap();
    let login: Result<&str, &str> = user["login"].as_str().ok_or("no login");
    login.unwrap();
}

#[test]
fn a_blocking_server_shows_its_traffic_after_an_unwrap() {
    let text = failing("helper_blocking_unwrap");
    let host = host(&text);
    let unwrap = text
        .find("called `Result::unwrap()` on an `Err` value: \"no login\"")
        .expect("the unwrap's message");
    let dump = format!(
        "testrig::http: the test failed; what the server at http://{host} (fixture \
         `blocking_mock_server`, parameter at {}) received:
the server at http://{host} received 1 request:
  #1 GET /user → unmatched → 404
",
        site("site: blocking", "blocking_mock_server: BlockingMockServer"),
    );
    let at = text.find(&dump).unwrap_or_else(|| panic!("{text}"));
    assert!(unwrap < at, "{text}");
    assert!(
        text.contains("1 request matched no mock (answered 404): #1 GET /user\n"),
        "{text}"
    );
    assert_eq!(count(&text, "what the server at"), 1, "{text}");
}

// ------------------------------------------------------------------ started by hand, a timeout

#[testrig::test(timeout = "300ms")]
#[tokio::test]
async fn helper_timeout_with_a_server_started_by_hand() {
    if !in_helper() {
        return;
    }
    let server = MockServer::start().await; // site: by_hand
    server
        .mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200)))
        .await;
    reqwest::get(server.url("/slow")).await.unwrap();
    tokio::time::sleep(Duration::from_secs(30)).await;
}

#[test]
fn a_timeout_shows_the_traffic_of_a_server_started_by_hand() {
    let text = failing("helper_timeout_with_a_server_started_by_hand");
    let host = host(&text);
    let timeout = text.find("timed out after").expect("the timeout message");
    let dump = format!(
        "testrig::http: the test failed; what the server at http://{host} (started at {}) \
         received:
the server at http://{host} received 1 request:
  #1 GET /slow → answered by a mock
",
        site("site: by_hand", "MockServer::start()"),
    );
    let at = text.find(&dump).unwrap_or_else(|| panic!("{text}"));
    assert!(timeout < at, "{text}");
    assert!(text.contains("every request matched a mock\n"), "{text}");
    assert_eq!(count(&text, "what the server at"), 1, "{text}");
}

// --------------------------------------------------------------------- plain #[tokio::test]

#[tokio::test]
async fn helper_plain_tokio_test() {
    if !in_helper() {
        return;
    }
    let server = MockServer::start().await.lenient();
    let status = reqwest::get(server.url("/plain")).await.unwrap().status();
    assert_eq!(status, 200, "the client got {status}");
}

#[test]
fn without_testrig_the_server_prints_its_traffic_when_dropped_in_a_panic() {
    let text = failing("helper_plain_tokio_test");
    let own = text.find("the client got 404").expect("the test's message");
    let at = text
        .find("testrig::http: the test failed; what the server at")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(own < at, "{text}");
    assert!(
        text.contains("  #1 GET /plain → unmatched → 404\n"),
        "{text}"
    );
    assert_eq!(count(&text, "what the server at"), 1, "{text}");
}

// ------------------------------------------------------------ strict mode and its location

#[testrig::test]
#[tokio::test]
// site: strict
async fn helper_strict(mock_server: MockServer) {
    if !in_helper() {
        return;
    }
    let status = reqwest::get(mock_server.url("/nobody"))
        .await
        .unwrap()
        .status();
    assert_eq!(status, 404);
}

#[test]
fn strict_mode_names_the_test_and_the_fixture_parameter() {
    let text = failing("helper_strict");
    let host = host(&text);
    let report = format!(
        "testrig::http: test `dump::helper_strict` failed: the server at http://{host} \
         (fixture `mock_server`, parameter at {}) received 1 request that matched no mounted \
         mock (answered with 404):
  #1 GET /nobody
",
        site("site: strict", "mock_server: MockServer"),
    );
    assert!(text.contains(&report), "{text}");
    // The list comes once, inside the report; no location inside testrig.
    assert_eq!(
        count(&text, "  #1 GET /nobody → unmatched → 404"),
        1,
        "{text}"
    );
    assert!(!text.contains("panicked at"), "{text}");
    assert!(!text.contains("src/"), "{text}");
}

/// A server a user's fixture starts: the report names the fixture and the `start` line.
#[fixture]
async fn github() -> MockServer {
    MockServer::start().await // site: github
}

#[testrig::test]
#[tokio::test]
async fn helper_strict_in_a_fixture(github: MockServer) {
    if !in_helper() {
        return;
    }
    reqwest::get(github.url("/rate_limit")).await.unwrap();
}

#[test]
fn strict_mode_names_the_start_line_in_the_users_fixture() {
    let text = failing("helper_strict_in_a_fixture");
    let expected = format!(
        "(started at {}, in fixture `github`) received 1 request that matched no mounted mock",
        site("site: github", "MockServer::start()")
    );
    assert!(text.contains(&expected), "{text}");
    assert!(!text.contains("panicked at"), "{text}");
}

#[test]
fn strict_mode_outside_a_testrig_test_names_the_start_line() {
    if in_helper() {
        return;
    }
    let server = BlockingMockServer::start(); // site: plain_strict
    reqwest::blocking::get(server.url("/late")).unwrap();
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(server)))
        .expect_err("strict mode fails");
    let message = payload.downcast_ref::<String>().unwrap();
    assert!(
        message.starts_with(
            "testrig::http: test `dump::strict_mode_outside_a_testrig_test_names_the_start_line` \
             failed: the server at http://127.0.0.1:"
        ),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "(started at {})",
            site("site: plain_strict", "BlockingMockServer::start()")
        )),
        "{message}"
    );
}

// --------------------------------------------------------------- printed once, not twice

#[testrig::test]
fn helper_failed_assertion(blocking_mock_server: BlockingMockServer) {
    if !in_helper() {
        return;
    }
    let _ = reqwest::blocking::get(blocking_mock_server.url("/v1/items"));
    blocking_mock_server.assert_received(get("/v2/items"));
}

#[test]
fn a_failed_assertion_lists_the_traffic_once() {
    let text = failing("helper_failed_assertion");
    assert!(
        text.contains("expected 1 request matching `GET /v2/items`, got 0"),
        "{text}"
    );
    assert_eq!(
        count(&text, "#1 GET /v1/items → unmatched → 404"),
        1,
        "{text}"
    );
    assert_eq!(count(&text, "what the server at"), 0, "{text}");
    // Strict mode stays silent too: the test failed already, and the list is above.
    assert_eq!(count(&text, "matched no mounted mock"), 0, "{text}");
}

// ------------------------------------------------------------------------------ leaks

#[testrig::test]
fn helper_leak(blocking_mock_server: BlockingMockServer) {
    if !in_helper() {
        return;
    }
    blocking_mock_server
        .mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200)));
    reqwest::blocking::get(blocking_mock_server.url("/ok")).unwrap();
    std::mem::forget(testrig::env::set("TESTRIG_HTTP_DUMP_LEAK", "1")); // site: leak
}

#[test]
fn a_leak_failure_points_at_the_test_and_shows_the_traffic() {
    let text = failing("helper_leak");
    assert!(
        text.contains("testrig: test `dump::helper_leak` ended with 1 patch still live"),
        "{text}"
    );
    assert!(
        text.contains(&site("site: leak", "testrig::env::set")),
        "{text}"
    );
    assert!(!text.contains("panicked at"), "{text}");
    assert!(
        text.contains("  #1 GET /ok → answered by a mock\n"),
        "{text}"
    );
}

// ------------------------------------------------------------------- a fixture by reference

#[fixture]
// site: by_ref
async fn client_base(mock_server: &MockServer) -> String {
    mock_server.uri()
}

#[testrig::test]
#[tokio::test]
async fn helper_strict_by_ref(client_base: String, mock_server: &MockServer) {
    if !in_helper() {
        return;
    }
    assert_eq!(client_base, mock_server.uri());
    reqwest::get(format!("{client_base}/orphan")).await.unwrap();
}

/// The server is built for the first parameter that asks for it, here in a fixture of the
/// user's; the report points there, and strict mode fails a by-reference fixture too.
#[test]
fn strict_mode_points_at_the_first_parameter_that_asked_for_the_server() {
    let text = failing("helper_strict_by_ref");
    let expected = format!(
        "(fixture `mock_server`, parameter at {}) received 1 request that matched no mounted mock",
        site("site: by_ref", "mock_server: &MockServer")
    );
    assert!(text.contains(&expected), "{text}");
    assert!(text.contains("  #1 GET /orphan\n"), "{text}");
    assert!(!text.contains("panicked at"), "{text}");
}

// --------------------------------------------------------------------- an expected panic

#[testrig::test]
#[should_panic(expected = "the client failed")]
fn helper_expected_panic(blocking_mock_server: BlockingMockServer) {
    let _ = reqwest::blocking::get(blocking_mock_server.url("/expected"));
    panic!("the client failed");
}

#[test]
fn an_expected_panic_prints_no_traffic() {
    let (output, text) = common::run_helper("dump::helper_expected_panic");
    assert!(output.status.success(), "{text}");
    assert!(text.contains("running 1 test"), "{text}");
    assert!(!text.contains("what the server at"), "{text}");
    assert!(!text.contains("/expected"), "{text}");
}

// ------------------------------------------------------------------------ a sync timeout

#[testrig::test(timeout = "300ms")]
fn helper_sync_timeout(blocking_mock_server: BlockingMockServer) {
    if !in_helper() {
        return;
    }
    let _ = reqwest::blocking::get(blocking_mock_server.url("/hanging"));
    std::thread::sleep(Duration::from_secs(30));
}

#[test]
fn a_sync_timeout_shows_the_traffic_after_its_message() {
    let text = failing("helper_sync_timeout");
    let timeout = text.find("timed out after").expect("the timeout message");
    let at = text
        .find("testrig::http: the test failed; what the server at")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(timeout < at, "{text}");
    assert!(
        text.contains("  #1 GET /hanging → unmatched → 404\n"),
        "{text}"
    );
    assert_eq!(count(&text, "what the server at"), 1, "{text}");
}
