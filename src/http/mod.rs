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
//! - **strict servers**: a request that matched no mock fails the test when the server drops,
//!   listing it (wiremock answers 404 and the test passes); see [`MockServer`];
//! - **assertions after the fact**, per expectation ([`get`], [`post`], … refined with
//!   `.query`, `.header`, `.body`, `.json`, `.json_includes`, `.times`, `.never`), in order
//!   ([`MockServer::assert_received_in_order`]) or exclusive
//!   ([`MockServer::assert_received_only`]);
//! - **failure reports** that list every received request and, for the closest one, a ✓/✗
//!   line per field with a JSON diff that names each differing path;
//! - **waiting** for requests sent in the background ([`MockServer::wait_for`]);
//! - a **blocking facade** for sync tests, and [`sequence`] responses.
//!
//! Failure report of `assert_received(post("/post").json_includes(json!({"key_1": "value_1"})))`:
//!
//! ```text
//! testrig::http: expected 1 request matching `POST /post, json includes {"key_1":"value_1"}`, got 0
//! the server at http://127.0.0.1:40123 received 1 request:
//!   #1 POST /post
//!        body: {"key_1":"value_2"}
//! closest to the expectation: #1 POST /post
//!   ✓ method POST
//!   ✓ path /post
//!   ✗ json includes {"key_1":"value_1"}
//!       $.key_1: expected "value_1", got "value_2"
//! ```
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
