//! The blocking facade: the same server and assertions for sync tests.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use tokio::runtime::{Handle, Runtime};
use wiremock::{Mock, Request};

use super::expect::Expectation;
use super::server::{MockServer, MockServerBuilder};

/// A [`MockServer`] for sync tests: no `.await`, the async work done on a background runtime.
///
/// Every method of the async server's assertions is here without `.await`, and panics at the
/// caller's line. Strict mode, pooling, [`MockServer::builder`] options and the traffic
/// listed when a test fails are the same (`MockServer::builder().lenient().start_blocking()`).
///
/// ```
/// use std::io::{Read, Write};
/// use testrig::http::{BlockingMockServer, Mock, ResponseTemplate, get, matchers};
///
/// let server = BlockingMockServer::start();
/// server.mount(Mock::given(matchers::path("/health")).respond_with(ResponseTemplate::new(200)));
///
/// // any HTTP client works; a raw socket keeps this example free of dependencies
/// let mut stream = std::net::TcpStream::connect(server.address()).unwrap();
/// stream.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").unwrap();
/// let mut reply = String::new();
/// stream.read_to_string(&mut reply).unwrap();
/// assert!(reply.starts_with("HTTP/1.1 200"));
///
/// server.assert_received(get("/health"));
/// server.assert_no_unmatched();
/// ```
#[derive(Debug)]
#[must_use = "the server stops serving when it drops, and `let _ = ...` drops it at once; bind it with `let server = ...`"]
pub struct BlockingMockServer {
    server: MockServer,
}

/// One runtime for every blocking server of the process, on a worker thread of its own.
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("testrig-http")
            .enable_all()
            .build()
            .expect("testrig::http: cannot start the background runtime of BlockingMockServer")
    })
}

#[track_caller]
fn block_on<F: Future>(what: &str, future: F) -> F::Output {
    if Handle::try_current().is_ok() {
        panic!(
            "testrig::http: `BlockingMockServer::{what}` was called inside an async runtime, \
             where blocking would stall it; in async code use `MockServer::start().await` \
             and `.await` its methods, or call this from a sync `#[test]`"
        );
    }
    runtime().block_on(future)
}

impl BlockingMockServer {
    /// Starts a strict server from wiremock's pool.
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start();
    /// assert!(server.uri().starts_with("http://127.0.0.1:"));
    /// ```
    ///
    /// # Panics
    ///
    /// When called inside an async runtime (a `#[tokio::test]`, say), with a message that
    /// points to the async [`MockServer`].
    #[track_caller]
    pub fn start() -> Self {
        Self::from_builder(MockServer::builder())
    }

    #[track_caller]
    pub(crate) fn from_builder(builder: MockServerBuilder) -> Self {
        BlockingMockServer {
            server: block_on("start()", builder.start()),
        }
    }

    /// This server no longer fails the test for requests that matched no mock.
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start().lenient();
    /// # drop(server);
    /// ```
    pub fn lenient(self) -> Self {
        BlockingMockServer {
            server: self.server.lenient(),
        }
    }

    /// Mounts a wiremock mock.
    ///
    /// ```
    /// use testrig::http::{BlockingMockServer, Mock, ResponseTemplate, matchers::any};
    /// let server = BlockingMockServer::start();
    /// server.mount(Mock::given(any()).respond_with(ResponseTemplate::new(204)));
    /// ```
    ///
    /// # Panics
    ///
    /// Inside an async runtime, as [`start`](Self::start).
    #[track_caller]
    pub fn mount(&self, mock: Mock) {
        block_on("mount()", self.server.mount(mock));
    }

    /// Unmounts every mock and forgets every request.
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start().lenient();
    /// reqwest::blocking::get(server.url("/warm-up")).unwrap();
    /// server.reset();
    /// assert!(server.received().is_empty());
    /// ```
    ///
    /// # Panics
    ///
    /// Inside an async runtime, as [`start`](Self::start).
    #[track_caller]
    pub fn reset(&self) {
        block_on("reset()", self.server.reset());
    }

    /// The base URI, e.g. `http://127.0.0.1:41234`.
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start();
    /// assert!(server.uri().starts_with("http://127.0.0.1:"));
    /// ```
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The socket address the server listens on.
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start();
    /// assert!(server.address().ip().is_loopback());
    /// ```
    pub fn address(&self) -> SocketAddr {
        *self.server.address()
    }

    /// The base URI followed by `path`; see [`MockServer::url`].
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start();
    /// assert_eq!(server.url("/x"), format!("{}/x", server.uri()));
    /// ```
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// See [`MockServer::uri_in_env`].
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start();
    /// let _g = server.uri_in_env("TESTRIG_DOC_BLOCKING_URL");
    /// assert_eq!(std::env::var("TESTRIG_DOC_BLOCKING_URL").unwrap(), server.uri());
    /// ```
    #[track_caller]
    pub fn uri_in_env(&self, key: impl AsRef<std::ffi::OsStr>) -> crate::env::EnvGuard {
        self.server.uri_in_env(key)
    }

    /// Every request received so far, oldest first.
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start().lenient();
    /// reqwest::blocking::get(server.url("/a")).unwrap();
    /// assert_eq!(server.received()[0].url.path(), "/a");
    /// ```
    pub fn received(&self) -> Vec<Request> {
        self.server.received()
    }

    /// The received requests matching `expectation` (its count is ignored).
    ///
    /// ```
    /// use testrig::http::{BlockingMockServer, get};
    /// let server = BlockingMockServer::start().lenient();
    /// reqwest::blocking::get(server.url("/a")).unwrap();
    /// assert_eq!(server.received_matching(&get("/a")).len(), 1);
    /// ```
    pub fn received_matching(&self, expectation: &Expectation) -> Vec<Request> {
        self.server.received_matching(expectation)
    }

    /// The received requests that matched no mounted mock.
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start().lenient();
    /// reqwest::blocking::get(server.url("/nobody-home")).unwrap();
    /// assert_eq!(server.unmatched().len(), 1);
    /// ```
    pub fn unmatched(&self) -> Vec<Request> {
        self.server.unmatched()
    }

    /// See [`MockServer::assert_received`].
    ///
    /// ```
    /// use testrig::http::{BlockingMockServer, Mock, ResponseTemplate, json, matchers, post};
    /// let server = BlockingMockServer::start();
    /// server.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200)));
    /// reqwest::blocking::Client::new()
    ///     .post(server.url("/items"))
    ///     .json(&json!({"name": "pen", "qty": 2}))
    ///     .send()
    ///     .unwrap();
    /// server.assert_received(post("/items").json_includes(json!({"qty": 2})));
    /// ```
    #[track_caller]
    pub fn assert_received(&self, expectation: Expectation) {
        self.server.assert_received(expectation);
    }

    /// See [`MockServer::assert_received_in_order`].
    ///
    /// ```
    /// use testrig::http::{BlockingMockServer, Mock, ResponseTemplate, get, matchers};
    /// let server = BlockingMockServer::start();
    /// server.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200)));
    /// reqwest::blocking::get(server.url("/first")).unwrap();
    /// reqwest::blocking::get(server.url("/second")).unwrap();
    /// server.assert_received_in_order([get("/first"), get("/second")]);
    /// ```
    #[track_caller]
    pub fn assert_received_in_order(&self, expectations: impl IntoIterator<Item = Expectation>) {
        self.server.assert_received_in_order(expectations);
    }

    /// See [`MockServer::assert_received_only`].
    ///
    /// ```
    /// use testrig::http::{BlockingMockServer, Mock, ResponseTemplate, get, matchers};
    /// let server = BlockingMockServer::start();
    /// server.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200)));
    /// reqwest::blocking::get(server.url("/only")).unwrap();
    /// server.assert_received_only([get("/only")]);
    /// ```
    #[track_caller]
    pub fn assert_received_only(&self, expectations: impl IntoIterator<Item = Expectation>) {
        self.server.assert_received_only(expectations);
    }

    /// See [`MockServer::assert_no_unmatched`].
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start();
    /// server.assert_no_unmatched(); // nothing arrived, so nothing went unmatched
    /// ```
    #[track_caller]
    pub fn assert_no_unmatched(&self) {
        self.server.assert_no_unmatched();
    }

    /// Blocks until the expected requests arrived or `timeout` passed; see
    /// [`MockServer::wait_for`]. Needs no runtime, so it may also be called from async code
    /// that is allowed to block.
    ///
    /// ```
    /// use std::time::Duration;
    /// use testrig::http::{BlockingMockServer, get};
    ///
    /// let server = BlockingMockServer::start().lenient();
    /// let address = server.address();
    /// std::thread::spawn(move || {
    ///     use std::io::{Read, Write};
    ///     let mut s = std::net::TcpStream::connect(address).unwrap();
    ///     s.write_all(b"GET /ping HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").unwrap();
    ///     s.read_to_end(&mut Vec::new()).unwrap();
    /// });
    /// server.wait_for(get("/ping"), Duration::from_secs(10));
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, with the diagnostics of `assert_received`.
    #[track_caller]
    pub fn wait_for(&self, expectation: Expectation, timeout: Duration) {
        let uri = self.server.uri();
        if let Err(report) = self
            .server
            .recorder()
            .wait_blocking(&expectation, &uri, timeout)
        {
            panic!("{report}");
        }
    }

    /// The async server underneath, for code that takes a `&MockServer` or a
    /// `&wiremock::MockServer`.
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start();
    /// let wiremock_server: &testrig::http::wiremock::MockServer = server.as_async();
    /// assert_eq!(wiremock_server.uri(), server.uri());
    /// ```
    pub fn as_async(&self) -> &MockServer {
        &self.server
    }
}
