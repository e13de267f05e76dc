//! The async mock server: wiremock underneath, strict about unmatched requests, with request
//! assertions.

use std::future::Future;
use std::net::TcpListener;
use std::ops::Deref;
use std::panic::{Location, resume_unwind};
use std::sync::Arc;
use std::time::Duration;

use wiremock::{Mock, Request};

use super::expect::Expectation;
use super::matching;
use super::record::Recorder;
use super::traffic::{Origin, Server};
use super::wait::WaitFor;
use crate::context::{Owner, TestContext};
use crate::env::EnvGuard;

/// A wiremock server on 127.0.0.1 that remembers every request it received and can assert on
/// them after the fact.
///
/// It dereferences to [`wiremock::MockServer`], so plain wiremock keeps working on it:
/// `Mock::given(…).respond_with(…).mount(&server).await`, `expect`, scoped mocks.
///
/// **Strict by default**: a request that no mounted mock matched gets a 404 (as in wiremock,
/// with a JSON body naming the request) and is remembered; when the test ends (or, outside a
/// testrig test, when the server drops) the test fails listing those requests, naming the
/// test and the line that started the server. Opt out with [`lenient`](Self::lenient) or
/// [`MockServerBuilder::lenient`].
///
/// **Traffic on failure**: started inside a testrig test (by a fixture or by hand), the server
/// joins the test; if the test fails for any reason, its output lists every request the
/// server received, after the test's own message. Outside testrig the server prints the same
/// list when it drops while the test panics.
///
/// Servers come from wiremock's pool: starting one is cheap, and its port goes back to the
/// pool (still open) when it drops. A test that needs the port to really close, or that must
/// not see late requests meant for an earlier test, starts one with
/// `MockServer::builder().unpooled().start().await`.
///
/// ```
/// use testrig::http::{Mock, MockServer, ResponseTemplate, json, matchers, post};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let server = MockServer::start().await;
/// Mock::given(matchers::method("POST"))
///     .respond_with(ResponseTemplate::new(201))
///     .mount(&server)
///     .await;
///
/// // the code under test, with any HTTP client
/// reqwest::Client::new()
///     .post(server.url("/items"))
///     .json(&json!({"name": "pen", "qty": 2}))
///     .send()
///     .await
///     .unwrap();
///
/// server.assert_received(post("/items").json_includes(json!({"name": "pen"})));
/// # });
/// ```
#[must_use = "the server stops serving when it drops, and `let _ = ...` drops it at once; bind it with `let server = ...`"]
pub struct MockServer {
    inner: wiremock::MockServer,
    server: Arc<Server>,
    /// Registered with the running test, whose end checks strict mode and shows the traffic
    /// on failure; otherwise the server does both when it drops.
    watched: bool,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri)
            .field("strict", &self.server.strict())
            .field("origin", &self.server.origin.to_string())
            .finish()
    }
}

/// Options for a [`MockServer`]: strictness, pooling, the listener.
///
/// ```
/// let server = testrig::http::MockServer::builder().lenient().unpooled().start_blocking();
/// assert!(server.uri().starts_with("http://127.0.0.1:"));
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `start().await` or `start_blocking()`"]
pub struct MockServerBuilder {
    strict: bool,
    pooled: bool,
    listener: Option<TcpListener>,
    origin: Option<Origin>,
}

impl MockServerBuilder {
    /// Requests that match no mock do not fail the test (they still get a 404).
    ///
    /// ```
    /// let server = testrig::http::MockServer::builder().lenient().start_blocking();
    /// # drop(server);
    /// ```
    pub fn lenient(mut self) -> Self {
        self.strict = false;
        self
    }

    /// A server of its own instead of one from the pool: its port closes when it drops.
    ///
    /// ```
    /// let server = testrig::http::MockServer::builder().unpooled().start_blocking();
    /// let address = server.address();
    /// drop(server); // the port closes (on the server's thread, shortly after)
    /// # let _ = address;
    /// ```
    pub fn unpooled(mut self) -> Self {
        self.pooled = false;
        self
    }

    /// Serve on this listener (implies [`unpooled`](Self::unpooled)), for a test that needs a
    /// known port.
    ///
    /// ```
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let port = listener.local_addr().unwrap().port();
    /// let server = testrig::http::MockServer::builder().listener(listener).start_blocking();
    /// assert_eq!(server.address().port(), port);
    /// ```
    ///
    /// # Panics
    ///
    /// When the listener is not bound to a loopback address: tests only talk to this machine.
    #[track_caller]
    pub fn listener(mut self, listener: TcpListener) -> Self {
        match listener.local_addr() {
            Ok(addr) if addr.ip().is_loopback() => {}
            Ok(addr) => panic!(
                "testrig::http: the listener is bound to {addr}, which other machines can \
                 reach; bind it to 127.0.0.1 (`TcpListener::bind(\"127.0.0.1:0\")`)"
            ),
            Err(e) => panic!("testrig::http: the listener has no local address ({e})"),
        }
        self.listener = Some(listener);
        self.pooled = false;
        self
    }

    /// The built-in fixture `name` starts this server: reports name the parameter that asked
    /// for it rather than a line of testrig.
    pub(crate) fn for_fixture(mut self, name: &'static str) -> Self {
        self.origin = Some(Origin::fixture(name));
        self
    }

    /// Starts the server. The line that calls this is remembered for the strict-mode report,
    /// and inside a testrig test the server joins the test: when the test fails, for any
    /// reason, the output lists what the server received.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = testrig::http::MockServer::builder().lenient().start().await;
    /// # drop(server);
    /// # });
    /// ```
    #[track_caller]
    pub fn start(mut self) -> impl Future<Output = MockServer> + Send {
        let origin = match self.origin.take() {
            Some(origin) => origin,
            None => Origin::caller(),
        };
        // Read here, on the caller's thread: the blocking server starts on a runtime thread.
        let test = match crate::context::current_owner() {
            Owner::Test(_) => TestContext::current(),
            Owner::Thread(_) | Owner::Session => None,
        };
        self.start_at(origin, test)
    }

    async fn start_at(self, origin: Origin, test: Option<TestContext>) -> MockServer {
        let inner = if self.pooled {
            wiremock::MockServer::start().await
        } else {
            let mut builder = wiremock::MockServer::builder();
            if let Some(listener) = self.listener {
                builder = builder.listener(listener);
            }
            builder.start().await
        };
        let recorder = Arc::new(Recorder::default());
        for mock in recorder.mocks() {
            inner.register(mock).await;
        }
        let server = Arc::new(Server::new(recorder, inner.uri(), origin, self.strict));
        let watched = test.is_some_and(|ctx| ctx.at_end(server.clone()));
        MockServer {
            inner,
            server,
            watched,
        }
    }

    /// Starts a [`BlockingMockServer`](super::BlockingMockServer) with these options.
    ///
    /// ```
    /// let server = testrig::http::MockServer::builder().unpooled().start_blocking();
    /// assert!(server.uri().starts_with("http://127.0.0.1:"));
    /// ```
    ///
    /// # Panics
    ///
    /// Inside an async runtime, as [`BlockingMockServer::start`](super::BlockingMockServer::start).
    #[track_caller]
    pub fn start_blocking(self) -> super::BlockingMockServer {
        super::BlockingMockServer::from_builder(self)
    }
}

impl MockServer {
    /// Starts a strict server from wiremock's pool.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = testrig::http::MockServer::start().await;
    /// assert!(server.uri().starts_with("http://127.0.0.1:"));
    /// # });
    /// ```
    #[track_caller]
    pub fn start() -> impl Future<Output = MockServer> + Send {
        Self::builder().start()
    }

    /// Options: [`lenient`](MockServerBuilder::lenient),
    /// [`unpooled`](MockServerBuilder::unpooled), [`listener`](MockServerBuilder::listener).
    ///
    /// ```
    /// let builder = testrig::http::MockServer::builder().lenient();
    /// # drop(builder);
    /// ```
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            strict: true,
            pooled: true,
            listener: None,
            origin: None,
        }
    }

    /// This server no longer fails the test for requests that matched no mock.
    ///
    /// ```
    /// async fn test() {
    ///     let server = testrig::http::MockServer::start().await.lenient();
    /// #   drop(server);
    /// }
    /// ```
    pub fn lenient(self) -> Self {
        self.server.set_lenient();
        self
    }

    /// Mounts a wiremock mock; the same as `mock.mount(&server).await`.
    ///
    /// ```
    /// use testrig::http::{Mock, MockServer, ResponseTemplate, matchers::path};
    /// async fn test() {
    ///     let server = MockServer::start().await;
    ///     server.mount(Mock::given(path("/")).respond_with(ResponseTemplate::new(200))).await;
    /// }
    /// ```
    pub async fn mount(&self, mock: Mock) {
        self.inner.register(mock).await;
    }

    /// Unmounts every mock and forgets every request, keeping the server and its recorder.
    ///
    /// Call this one rather than wiremock's own `reset` (reachable through `Deref`), which
    /// would also unmount the recorder behind the assertions.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = testrig::http::MockServer::start().await.lenient();
    /// reqwest::get(server.url("/warm-up")).await.unwrap();
    /// server.reset().await;
    /// assert!(server.received().is_empty());
    /// # });
    /// ```
    pub async fn reset(&self) {
        self.inner.reset().await;
        self.recorder().clear();
        for mock in self.recorder().mocks() {
            self.inner.register(mock).await;
        }
    }

    /// The server's address followed by `path`, e.g. `http://127.0.0.1:41234/items`.
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start();
    /// assert_eq!(server.url("/items"), format!("{}/items", server.uri()));
    /// ```
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.uri())
    }

    /// Puts the server's URI in the environment variable `key` until the guard drops
    /// (through [`testrig::env::set`](crate::env::set), so it is restored exactly).
    ///
    /// ```
    /// let server = testrig::http::BlockingMockServer::start();
    /// let _api = server.uri_in_env("TESTRIG_DOC_API_URL");
    /// assert_eq!(std::env::var("TESTRIG_DOC_API_URL").unwrap(), server.uri());
    /// ```
    #[track_caller]
    pub fn uri_in_env(&self, key: impl AsRef<std::ffi::OsStr>) -> EnvGuard {
        crate::env::set(key, self.inner.uri())
    }

    /// Every request received so far, oldest first.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = testrig::http::MockServer::start().await.lenient();
    /// reqwest::get(server.url("/a?x=1")).await.unwrap();
    /// let requests = server.received();
    /// assert_eq!(requests[0].url.query(), Some("x=1"));
    /// # });
    /// ```
    pub fn received(&self) -> Vec<Request> {
        self.recorder().lock().requests.clone()
    }

    /// The received requests that match `expectation` (its count is ignored).
    ///
    /// ```
    /// use testrig::http::{MockServer, get};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = MockServer::start().await.lenient();
    /// reqwest::get(server.url("/a")).await.unwrap();
    /// reqwest::get(server.url("/b")).await.unwrap();
    /// assert_eq!(server.received_matching(&get("/b")).len(), 1);
    /// # });
    /// ```
    pub fn received_matching(&self, expectation: &Expectation) -> Vec<Request> {
        let state = self.recorder().lock();
        let hits = matching::matching(expectation, &state.requests);
        hits.into_iter()
            .map(|i| state.requests[i].clone())
            .collect()
    }

    /// The received requests that no mounted mock matched (they were answered with 404).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = testrig::http::MockServer::start().await.lenient();
    /// reqwest::get(server.url("/nobody-home")).await.unwrap();
    /// assert_eq!(server.unmatched()[0].url.path(), "/nobody-home");
    /// # });
    /// ```
    pub fn unmatched(&self) -> Vec<Request> {
        let state = self.recorder().lock();
        state
            .unmatched
            .iter()
            .map(|&i| state.requests[i].clone())
            .collect()
    }

    /// Checks that the server received `expectation.count()` matching requests (one, unless
    /// the expectation says otherwise), among the requests received so far.
    ///
    /// A plain method: it checks at once, with no `.await`. For requests that may still be on
    /// their way (sent by a background task), use [`wait_for`](Self::wait_for).
    ///
    /// ```
    /// use testrig::http::{MockServer, json, post};
    /// fn check(server: &MockServer) {
    ///     server.assert_received(post("/post").json_includes(json!({"key_1": "value_1"})));
    /// }
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line when the count differs; the message lists every received request
    /// with its headers and, for the one closest to the expectation, a ✓/✗ line per field and
    /// a JSON diff of the body.
    #[track_caller]
    pub fn assert_received(&self, expectation: Expectation) {
        self.check(|t| matching::check_count(&expectation, t));
    }

    /// Panics with the report `check` makes of the traffic so far, if it makes one.
    #[track_caller]
    fn check(&self, check: impl FnOnce(&matching::Traffic<'_>) -> Option<String>) {
        let report = {
            let mut state = self.recorder().lock();
            let report = check(&state.traffic(&self.server.uri));
            if report.is_some() {
                state.mark_listed();
            }
            report
        };
        if let Some(report) = report {
            panic!("{report}");
        }
    }

    /// Checks that requests matching `expectations` arrived in this order (each after the
    /// previous one; other requests may come in between). Counts are ignored: each
    /// expectation stands for one request.
    ///
    /// ```
    /// use testrig::http::{Mock, MockServer, ResponseTemplate, get, matchers, post};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = MockServer::start().await;
    /// server.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200))).await;
    /// let client = reqwest::Client::new();
    /// client.post(server.url("/login")).send().await.unwrap();
    /// client.get(server.url("/feed")).send().await.unwrap();
    /// server.assert_received_in_order([post("/login"), get("/feed")]);
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// When a step has no matching request after the previous step's.
    #[track_caller]
    pub fn assert_received_in_order(&self, expectations: impl IntoIterator<Item = Expectation>) {
        let expectations: Vec<Expectation> = expectations.into_iter().collect();
        self.check(|t| matching::check_order(&expectations, t));
    }

    /// Checks every expectation with its count, and that no other request arrived.
    ///
    /// ```
    /// use testrig::http::{Mock, MockServer, ResponseTemplate, get, matchers};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = MockServer::start().await;
    /// server.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(200))).await;
    /// reqwest::get(server.url("/a")).await.unwrap();
    /// reqwest::get(server.url("/a")).await.unwrap();
    /// server.assert_received_only([get("/a").times(2)]);
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// When a count differs, or a request matches none of the expectations.
    #[track_caller]
    pub fn assert_received_only(&self, expectations: impl IntoIterator<Item = Expectation>) {
        let expectations: Vec<Expectation> = expectations.into_iter().collect();
        self.check(|t| matching::check_only(&expectations, t));
    }

    /// Checks now that every request so far matched a mounted mock (a strict server also
    /// checks this when its test ends, or when it drops outside a testrig test).
    ///
    /// ```
    /// use testrig::http::{Mock, MockServer, ResponseTemplate, matchers};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = MockServer::start().await;
    /// server.mount(Mock::given(matchers::path("/ok")).respond_with(ResponseTemplate::new(200))).await;
    /// reqwest::get(server.url("/ok")).await.unwrap();
    /// server.assert_no_unmatched();
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, listing the requests that matched no mock.
    #[track_caller]
    pub fn assert_no_unmatched(&self) {
        if let Some(report) = self.server.unmatched_report(None) {
            panic!("{report}");
        }
    }

    /// Waits until the server has received the requests `expectation` asks for, or `timeout`
    /// passed; for requests sent by a background thread or task.
    ///
    /// It succeeds as soon as enough matching requests are in (and fails if more than an
    /// exact count arrived by then). With [`never`](Expectation::never) it waits the whole
    /// timeout and fails at the first matching request. It needs no particular async runtime.
    ///
    /// ```
    /// use std::time::Duration;
    /// use testrig::http::{Mock, MockServer, ResponseTemplate, matchers, post};
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let server = MockServer::start().await;
    /// server.mount(Mock::given(matchers::any()).respond_with(ResponseTemplate::new(202))).await;
    /// let url = server.url("/logs");
    /// // a background sender, as a logger or a metrics exporter would be
    /// tokio::spawn(async move {
    ///     for _ in 0..2 {
    ///         reqwest::Client::new().post(&url).send().await.unwrap();
    ///     }
    /// });
    /// server.wait_for(post("/logs").times(2), Duration::from_secs(30)).await;
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// When the future completes without the expected requests; the message names the line
    /// that called `wait_for` and carries the same diagnostics as
    /// [`assert_received`](Self::assert_received).
    #[track_caller]
    pub fn wait_for(&self, expectation: Expectation, timeout: Duration) -> WaitFor {
        WaitFor::new(
            self.recorder().clone(),
            self.server.uri.clone(),
            expectation,
            timeout,
            Location::caller(),
        )
    }

    pub(crate) fn recorder(&self) -> &Arc<Recorder> {
        &self.server.recorder
    }
}

impl Deref for MockServer {
    type Target = wiremock::MockServer;

    fn deref(&self) -> &wiremock::MockServer {
        &self.inner
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if self.watched {
            // The test's end checks strict mode and shows the traffic when the test failed.
            return;
        }
        if std::thread::panicking() {
            // Outside testrig's runner (a plain `#[tokio::test]`): the test is failing, and
            // what the server received is often why.
            if let Some(note) = self.server.traffic_note() {
                eprintln!("{note}");
            }
            return;
        }
        if !self.server.strict() {
            return;
        }
        let test = crate::outcome::test_name();
        if let Some(report) = self.server.unmatched_report(test.as_deref()) {
            // wiremock-style verification in `Drop`, never while the test is already failing.
            // Printed and unwound without the panic hook, whose "panicked at" would name this
            // file: the report names the test and the line that started the server.
            eprintln!("{report}");
            resume_unwind(Box::new(report));
        }
    }
}
