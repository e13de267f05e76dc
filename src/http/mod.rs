//! HTTP mock servers with request assertions (feature `http`), wiremock underneath.
//!
//! A test starts a [`MockServer`] (async) or a [`BlockingMockServer`] (sync) on 127.0.0.1,
//! mounts wiremock mocks on it as usual, runs the code under test against its URI, then asserts
//! on what the server received:
//!
//! ```
//! use testrig::http::{BlockingMockServer, Mock, ResponseTemplate, get, matchers};
//!
//! let server = BlockingMockServer::start();
//! server.mount(Mock::given(matchers::method("GET")).respond_with(ResponseTemplate::new(200)));
//! # use std::io::{Read, Write};
//! # let mut s = std::net::TcpStream::connect(server.address()).unwrap();
//! # s.write_all(b"GET /status?verbose=1 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").unwrap();
//! # s.read_to_end(&mut Vec::new()).unwrap();
//! // … the code under test calls GET {server.uri()}/status?verbose=1 …
//! server.assert_received(get("/status").query("verbose", "1"));
//! server.assert_received(get("/other").never());
//! ```
//!
//! In an async test the same reads `let server = MockServer::start().await;`,
//! `Mock::given(…).mount(&server).await` and `server.assert_received(…)`.
//!
//! What it adds to wiremock:
//! - **strict servers**: a request that matched no mock fails the test when it ends, listing
//!   it (wiremock answers 404 and the test passes); see [`MockServer`]. The 404 body is JSON,
//!   `{"testrig": "no mock matched", "request": "POST /x"}`, so a JSON client's error names the
//!   request;
//! - **traffic on every failure**: when a testrig test fails for any reason (its own
//!   `assert!` on the client's result, an `unwrap`, a timeout), the output lists, after the
//!   test's own message, every request each of its servers received, with its headers and
//!   body, whether a mock answered it or it went unmatched (404). That holds for the built-in
//!   fixtures and for servers started by hand inside the test; in a plain `#[tokio::test]`
//!   a server prints the same list when it drops during the panic;
//! - **assertions after the fact**, per expectation ([`get`], [`post`], … refined with
//!   `.query`, `.header`, `.body`, `.json`, `.json_includes`, `.times`, `.never`), in order
//!   ([`MockServer::assert_received_in_order`]) or exclusive
//!   ([`MockServer::assert_received_only`]); plain methods, no `.await`;
//! - **failure reports** that list every received request with its headers (credentials
//!   such as `authorization`, `cookie` or `x-api-key` masked, long values cut) and, for the
//!   closest one, a ✓/✗ line per field with a JSON diff that names each differing path; a
//!   missing header shows what the request sent under a similar name;
//! - **locations at the test**: reports name the test and the line of the fixture parameter
//!   or of the `MockServer::start()` call;
//! - **waiting** for requests sent in the background ([`MockServer::wait_for`]);
//! - a **blocking facade** for sync tests, and [`sequence`] responses.
//!
//! Failure report of `assert_received(post("/post").json_includes(json!({"key_1": "value_1"})))`:
//!
//! ```text
//! testrig::http: expected 1 request matching `POST /post, json includes {"key_1":"value_1"}`, got 0
//! the server at http://127.0.0.1:40123 received 1 request:
//!   #1 POST /post → answered by a mock
//!        content-type: application/json
//!        authorization: Bearer ***
//!        host: 127.0.0.1:40123
//!        body: {"key_1":"value_2"}
//! closest to the expectation: #1 POST /post
//!   ✓ method POST
//!   ✓ path /post
//!   ✗ json includes {"key_1":"value_1"}
//!       $.key_1: expected "value_1", got "value_2"
//! ```
//!
//! wiremock does not tell which of its mocks answered a request, so the lists say whether one
//! did, not which.
//!
//! The recorder behind the assertions is itself a pair of wiremock mocks: one at priority 1
//! that sees every request and matches none, and a catch-all at priority 255 that notes what
//! no other mock matched. Mocks of the test at priority 255 therefore never answer.

mod blocking;
mod expect;
mod headers;
mod matching;
mod record;
mod respond;
mod server;
mod traffic;
mod wait;

pub use blocking::BlockingMockServer;
pub use expect::{Count, Expectation, delete, get, patch, post, put, request};
pub use respond::{Sequence, sequence};
pub use server::{MockServer, MockServerBuilder};
pub use wait::WaitFor;

/// wiremock itself, for anything not re-exported here.
pub use wiremock;
pub use wiremock::{Match, Mock, Request, Respond, ResponseTemplate, matchers};

/// `serde_json::json!`, for expected bodies.
pub use serde_json::json;

// Servers are shared with background senders and held across `.await` on multi-thread
// runtimes; `WaitFor` may be spawned.
const _: () = {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    let _ = send_sync::<MockServer>;
    let _ = send_sync::<BlockingMockServer>;
    let _ = send_sync::<Expectation>;
    let _ = send::<WaitFor>;
};
