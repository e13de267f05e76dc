//! Runs a test in a child process of its own.
//!
//! Patching the environment inside one process is only as safe as every reader of it: a C
//! library calling `getenv` on one thread while another test calls `setenv` can crash. A child
//! process per test removes the problem. nextest already runs each test in a process of its
//! own; under `cargo test`, [`isolated`] re-runs just this test in a child process of the same
//! test binary:
//!
//! ```no_run
//! #[test]
//! fn reads_tz_from_c() {
//!     testrig::isolate::isolated(|| {
//!         // SAFETY: this closure runs in a fresh process that runs only this test, so no
//!         // other thread reads the environment while it changes.
//!         unsafe { std::env::set_var("TZ", "Pacific/Auckland") };
//!         // ... call into a C library that reads TZ ...
//!     });
//! }
//! ```
//!
//! `#[testrig::test(isolated)]` does the same for a whole test, fixtures included, and for
//! each case of a parametrized test (the child is selected by the case's full name, e.g.
//! `polarify::third_quadrant`).
//!
//! The child runs `<this binary> <test name> --exact --nocapture --test-threads=1`; its output
//! is relayed into the test's own output, a panic comes back as the same panic (so
//! `#[should_panic(expected = "...")]` still matches), and an exit code or a signal (say
//! `std::process::abort()`) fails the test naming it. The closure runs in the child and the
//! child exits when it returns; code after the call runs in the parent only. Code before the
//! call runs in both, so keep set-up that must not repeat inside the closure.
//!
//! Under nextest (`NEXTEST` / `NEXTEST_RUN_ID` set) the closure runs in place: the test is
//! already alone in its process.
//!
//! Environment values computed by the test go to the child with [`Isolation::env`]; they are
//! set when the child starts, before any thread of it could read them.
//!
//! A few more rules of thumb:
//!
//! - Take [`serial`](crate::lock::serial) keys inside the closure. The key holds across
//!   processes, so a parent holding it while its child asks for it waits until the lock
//!   timeout.
//! - A time limit ([`Isolation::timeout`] or `TESTRIG_TIMEOUT`) is enforced by the parent,
//!   which kills the child: unlike a thread, a process can be stopped.
//! - The child is a new process: session fixtures are built again there, once, and torn
//!   down when it exits; nothing built in the parent reaches it except the environment.
//! - Starting the child costs a couple of milliseconds per test (32 trivial
//!   `#[testrig::test(isolated)]` tests took about 1.7 ms each more than plain ones, release
//!   or debug, one at a time on a 2-core Linux machine), so isolate the tests that need it,
//!   not all.

mod child;
mod parent;

use std::ffi::{OsStr, OsString};
use std::future::Future;
use std::time::Duration;

use crate::outcome::test_name;

/// Env var that marks a child process and names the test it must run.
const CHILD_ENV: &str = "TESTRIG_ISOLATE_CHILD";
/// Which `isolated` call of that test the child runs (a test may make several).
const INDEX_ENV: &str = "TESTRIG_ISOLATE_INDEX";
/// Marks the start and end of the child's own output and carries its outcome.
const MARK: &str = "\u{1e}testrig-isolate:";

/// How to run one test isolated: extra environment for the child and a time limit.
///
/// ```no_run
/// use std::time::Duration;
/// use testrig::isolate::Isolation;
///
/// let port = 8080 + 1; // computed by the test
/// Isolation::new()
///     .env("SERVICE_PORT", port.to_string())
///     .timeout(Duration::from_secs(5))
///     .run(|| {
///         assert_eq!(std::env::var("SERVICE_PORT").unwrap(), "8081");
///     });
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "nothing runs until `.run(...)` or `.run_async(...)`"]
pub struct Isolation {
    env: Vec<(OsString, Option<OsString>)>,
    timeout: Option<Duration>,
    /// Past the limit, print the failure and return instead of panicking (a test with a bare
    /// `#[should_panic]` would pass on any panic).
    report_timeout: bool,
}

impl Isolation {
    /// No extra environment; the time limit from `TESTRIG_TIMEOUT`, if set.
    ///
    /// ```
    /// let _isolation = testrig::isolate::Isolation::new();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value` in the child's environment (in place under nextest, with an
    /// [`env::set`](crate::env::set) guard for the duration of the closure).
    ///
    /// ```
    /// let _isolation = testrig::isolate::Isolation::new().env("LANG", "C");
    /// ```
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    /// Removes `key` from the child's environment.
    ///
    /// ```
    /// let _isolation = testrig::isolate::Isolation::new().env_remove("HOME");
    /// ```
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// Fails the test when the child runs longer than `limit`, and kills the child. Overrides
    /// `TESTRIG_TIMEOUT`.
    ///
    /// ```
    /// let _isolation = testrig::isolate::Isolation::new().timeout(std::time::Duration::from_secs(30));
    /// ```
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    pub(crate) fn report_timeout(mut self, report: bool) -> Self {
        self.report_timeout = report;
        self
    }

    fn limit(&self) -> Option<Duration> {
        self.timeout.or_else(crate::timeout::default_limit)
    }

    /// Runs `body` in a child process running only this test, and waits for it.
    ///
    /// Panics (failing the test) with the child's own panic message, or naming the exit code
    /// or signal that ended the child, or the time limit it overran. Must be called on the
    /// test's own thread (libtest names it after the test), or inside a [`TestContext`]
    /// whose name is the test's full name.
    ///
    /// [`TestContext`]: crate::context::TestContext
    ///
    /// ```no_run
    /// testrig::isolate::Isolation::new().run(|| {
    ///     assert_eq!(2 + 2, 4);
    /// });
    /// ```
    #[track_caller]
    pub fn run<F: FnOnce()>(self, body: F) {
        match self.role() {
            Role::InPlace => child::in_place(&self.env, self.limit(), body),
            Role::Child => child::run_and_exit(body),
            Role::Skip => {}
            Role::Parent { name, index } => parent::run_child(&name, index, &self),
        }
    }

    /// Like [`run`](Self::run) for an async body. The child awaits `body` on the executor
    /// the test runs on (`#[tokio::test]` for instance); the parent blocks its thread while
    /// it waits for the child.
    ///
    /// ```no_run
    /// # async fn doc() {
    /// testrig::isolate::Isolation::new()
    ///     .run_async(async {
    ///         assert_eq!(std::env::var("TESTRIG_ISOLATE_CHILD").is_ok(), !testrig::isolate::under_nextest());
    ///     })
    ///     .await;
    /// # }
    /// ```
    #[track_caller]
    pub fn run_async<F: Future<Output = ()>>(self, body: F) -> impl Future<Output = ()> {
        let site = std::panic::Location::caller();
        let role = self.role();
        async move {
            match role {
                Role::InPlace => child::in_place_async(&self.env, self.limit(), body).await,
                Role::Child => child::run_and_exit_async(body).await,
                Role::Skip => {}
                Role::Parent { name, index } => {
                    parent::run_child_at(&name, index, &self, site);
                }
            }
        }
    }

    #[track_caller]
    fn role(&self) -> Role {
        if under_nextest() {
            return Role::InPlace;
        }
        let Some(name) = test_name() else {
            panic!(
                "testrig: `isolated` needs the test's name and found none; call it on the \
                 test's own thread (libtest names that thread after the test), or enter a \
                 `TestContext` named like the test"
            );
        };
        let index = child::next_index();
        match child::selected() {
            Some((child_name, child_index)) if child_name == name => {
                if index == child_index {
                    Role::Child
                } else {
                    Role::Skip
                }
            }
            _ => Role::Parent { name, index },
        }
    }
}

enum Role {
    /// Already alone in this process (nextest).
    InPlace,
    /// This process is the child started for this call.
    Child,
    /// This process is a child started for a later call of the same test.
    Skip,
    /// Start a child for this call.
    Parent { name: String, index: u32 },
}

/// Runs `body` in a child process that runs only this test; see the [module docs](self).
///
/// ```no_run
/// #[test]
/// fn abort_is_reported() {
///     testrig::isolate::isolated(|| {
///         // fails the test with "killed by signal 6 (SIGABRT)" instead of killing the harness
///         std::process::abort();
///     });
/// }
/// ```
#[track_caller]
pub fn isolated<F: FnOnce()>(body: F) {
    Isolation::new().run(body);
}

/// [`isolated`] for an async body, e.g. from a `#[tokio::test]`.
///
/// ```no_run
/// # async fn doc() {
/// async fn fetch_config() -> String {
///     std::env::var("CONFIG_URL").unwrap_or_default()
/// }
///
/// testrig::isolate::isolated_async(async {
///     let _config = fetch_config().await;
/// })
/// .await;
/// # }
/// ```
#[track_caller]
pub fn isolated_async<F: Future<Output = ()>>(body: F) -> impl Future<Output = ()> {
    Isolation::new().run_async(body)
}

/// Whether this process runs under nextest, which starts one process per test.
///
/// ```
/// let _ = testrig::isolate::under_nextest();
/// ```
pub fn under_nextest() -> bool {
    std::env::var_os("NEXTEST_RUN_ID").is_some() || std::env::var_os("NEXTEST").is_some()
}

/// Whether this process is an isolated child started by [`isolated`].
///
/// ```
/// assert!(!testrig::isolate::in_child());
/// ```
pub fn in_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}
