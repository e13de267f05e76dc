//! Log capture per test, for `log` (feature `log`) and `tracing` (feature `tracing`).
//!
//! ```
//! # #[cfg(feature = "log")] {
//! use testrig::log::{Level, LogCapture};
//!
//! fn call_with_retry() {
//!     log::warn!(target: "client", attempt = 1; "retrying after timeout");
//! }
//!
//! let logs = LogCapture::start();
//! call_with_retry();
//! logs.assert_contains(Level::Warn, "retrying");
//! assert_eq!(logs.records()[0].target(), "client");
//! # }
//! ```
//!
//! # Which records a capture sees
//!
//! A capture keeps the records of the test that started it, while other tests log in parallel
//! threads of the same process:
//!
//! - records logged on the test's own thread, and by futures it polls anywhere through
//!   [`TestContext::wrap`] (testrig's async tests do that for the test body);
//! - records of whatever the test's own tokio runtime runs, in a `#[testrig::test]` async test
//!   (either order with `#[tokio::test]`, or testrig's own runtime with feature `tokio`): tasks
//!   it spawns on a current-thread runtime; with testrig's feature `tokio`, also
//!   `spawn_blocking` closures and the workers of a multi-thread runtime. One limit: with
//!   `#[tokio::test]` *above* `#[testrig::test]` the runtime is built inside the test body,
//!   where testrig cannot see it, so only its current-thread tasks (they run on the test's
//!   thread) are covered;
//! - records of threads and tasks the test starts, when they carry the test: wrap the closure
//!   or future with [`follow_fn`] / [`follow`] (or [`TestContext::wrap_fn`] /
//!   [`TestContext::wrap`]), or spawn threads with [`spawn`] or the `scope` fixture. A bare
//!   `std::thread::spawn` has no hook that could carry the test by itself;
//! - with `tracing`, records inside a span the test created, wherever they are emitted: a task
//!   spawned with `.in_current_span()` or `.instrument(span)` needs nothing else;
//! - in a process that runs one test only (nextest's process per test, a child of
//!   [`isolated`](crate::isolate::isolated)), every record of the process: there is no other
//!   test it could belong to. [`single_test_process`](crate::context::single_test_process)
//!   says how that is detected.
//!
//! These follow the one rule of [`TestContext::attributed`] for which test a thread without
//! a context belongs to. Under `cargo test`, a record that no capture owns and that comes from
//! a thread carrying no test goes to an *unattributed* bucket (the newest 1000 are kept). A
//! failed assertion shows those emitted since the capture started, so a forgotten [`follow`]
//! shows up in the failure instead of vanishing; [`LogCapture::unattributed`] returns them.
//!
//! # Whole lines
//!
//! Each record also has a rendered line, [`Record::line`]: tracing-subscriber's `fmt` line
//! without the timestamp, `WARN request{id=7}: app::db: retrying user="ada" attempt=2`.
//! [`LogCapture::lines`], [`LogCapture::assert_line_contains`] and
//! [`LogCapture::assert_lines`] check against it, as tracing-test's `logs_contain` and
//! `logs_assert` do; failure messages list records in the same form.
//!
//! ```
//! # #[cfg(feature = "tracing")] {
//! let logs = testrig::log::LogCapture::start();
//! tracing::info!(target: "auth", user = "ada", "logged in");
//! logs.assert_line_contains(r#"INFO auth: logged in user="ada""#);
//! # }
//! ```
//!
//! # Politeness: the application's logger stays the application's
//!
//! `log`: the first capture installs testrig's logger (which prints nothing) only when no
//! logger is set yet. `log` allows one logger per process and cannot read or wrap the one that
//! is set, so an application that sets its own logger before the first capture must install it
//! wrapped, as `log::set_boxed_logger(Box::new(testrig::log::Capture::wrap(logger)))`: its
//! output is unchanged and captures work, in either order. Without that, captures cannot see
//! `log` records, and their failure messages say so ([`LogCapture::notes`]). If testrig's
//! logger came first, a later `log::set_logger` fails, as it would for any second logger. The
//! one form that works in both orders, with the same result, is [`install`]:
//! `testrig::log::install(Box::new(logger), level)` wraps the logger when it comes first, and
//! has testrig's logger pass the records on to it when a capture came first; either way the
//! logger gets the records at `level` or more severe, and captures get every level.
//!
//! `tracing`: the first capture installs `Registry` + [`CaptureLayer`] as the global default
//! only when no global subscriber is set. An application's own subscriber gets the layer added
//! (`.with(testrig::log::layer())`), beside its formatting layer. Scoped subscribers win on
//! their thread: a test that sets one (by hand, or through test-log) adds the layer to it or
//! uses [`subscriber`]; testrig never replaces it. tracing-subscriber's test writer
//! (`fmt::layer().with_test_writer()`) combines with the layer: the records are printed per
//! test by the harness and captured by testrig.
//!
//! # Levels
//!
//! A capture keeps every level that reaches it, and every level reaches it unless the
//! application wrapped its logger in [`Capture`] by hand and set `log`'s max level itself (with
//! testrig's logger, or one given to [`install`], `log`'s max level stays `Trace`).
//! [`LogCapture::at_level`] (or [`LogCapture::set_level`]) keeps only records at least as severe
//! as a level, and makes sure that level reaches the capture: with an application logger
//! wrapped by hand, it raises `log`'s global max level for as long as needed, through testrig's
//! guard core (so tests needing different levels never undo each other), and puts it back
//! afterwards.

#[cfg(feature = "log")]
mod log_backend;
#[cfg(feature = "tracing")]
mod tracing_backend;

mod assert;
mod follow;
mod matcher;
mod record;
mod registry;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

#[cfg(feature = "log")]
pub use log_backend::{Capture, install};
#[cfg(feature = "tracing")]
pub use tracing_backend::{CaptureLayer, layer, subscriber};

use crate::context::TestContext;
pub use follow::{Follow, follow, follow_fn, spawn};
pub use matcher::Matcher;
pub use record::{Level, ParseLevelError, Record, Source, SpanRecord};
use registry::{Attr, Sink};

/// The records of the current test, captured from `log` and `tracing`.
///
/// Start it at the beginning of a test; it captures until it drops. Inside a [`TestContext`]
/// (testrig's test macros enter one) it captures the test's records; in a plain `#[test]`
/// without one, those of the current thread and of whatever carries it ([`follow`]).
///
/// When the test panics while the capture is live, its records are printed with the test's
/// output.
///
/// ```
/// # #[cfg(feature = "log")] {
/// use testrig::log::{Level, LogCapture};
///
/// let logs = LogCapture::start();
/// log::info!("connecting");
/// log::warn!("retrying");
/// assert_eq!(logs.records().len(), 2);
/// logs.assert_sequence([(Level::Info, "connecting"), (Level::Warn, "retrying")]);
/// # }
/// ```
#[must_use = "the capture stops when it drops, and `let _ = ...` drops it at once; bind it with `let logs = ...`"]
pub struct LogCapture {
    attr: Attr,
    sink: Arc<Sink>,
    owner: String,
    notes: Vec<String>,
    /// Set once the records have been printed in a failure message, so `Drop` does not print
    /// them a second time.
    reported: AtomicBool,
    /// Level guards of `set_level`, kept until the capture drops.
    levels: Mutex<Vec<LevelGuard>>,
    #[cfg(feature = "log")]
    log_backend: log_backend::Backend,
}

impl LogCapture {
    /// Starts capturing the current test's records (or, outside a [`TestContext`], the
    /// current thread's). Installs testrig's logger and subscriber where none are set.
    ///
    /// See [`LogCapture`] for an example.
    pub fn start() -> LogCapture {
        let mut notes = Vec::new();
        #[cfg(feature = "log")]
        let log_backend = log_backend::ensure();
        #[cfg(feature = "log")]
        notes.extend(log_backend::note(log_backend));
        #[cfg(feature = "tracing")]
        notes.extend(tracing_backend::ensure());
        let owner = match TestContext::attributed() {
            Some((ctx, _)) => format!("test `{}`", ctx.name()),
            None => match std::thread::current().name() {
                Some(name) => format!("thread `{name}`"),
                None => "this thread".to_owned(),
            },
        };
        let attr = registry::here();
        LogCapture {
            attr,
            sink: registry::register(attr),
            owner,
            notes,
            reported: AtomicBool::new(false),
            levels: Mutex::new(Vec::new()),
            #[cfg(feature = "log")]
            log_backend,
        }
    }

    /// The records captured so far, oldest first.
    ///
    /// ```
    /// # #[cfg(feature = "tracing")] {
    /// use testrig::log::{Level, LogCapture};
    ///
    /// let logs = LogCapture::start();
    /// tracing::info!(user = "ada", "logged in");
    /// let records = logs.records();
    /// assert_eq!(records.len(), 1);
    /// assert_eq!(records[0].level(), Level::Info);
    /// assert_eq!(records[0].message(), "logged in");
    /// assert_eq!(records[0].fields(), [("user".to_owned(), "ada".to_owned())]);
    /// # }
    /// ```
    pub fn records(&self) -> Vec<Record> {
        self.sink.records()
    }

    /// The captured records rendered one per line, oldest first, in the format of
    /// [`Record::line`]: for closure checks (tracing-test's `logs_assert`) and for printing.
    ///
    /// ```
    /// # #[cfg(feature = "tracing")] {
    /// let logs = testrig::log::LogCapture::start();
    /// tracing::info!(target: "auth", user = "ada", "logged in");
    /// assert_eq!(logs.lines(), [r#"INFO auth: logged in user="ada""#]);
    /// assert!(logs.lines().iter().any(|line| line.contains("user=\"ada\"")));
    /// # }
    /// ```
    pub fn lines(&self) -> Vec<String> {
        self.records().into_iter().map(|r| r.rendered).collect()
    }

    /// The messages captured so far, oldest first.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// let logs = testrig::log::LogCapture::start();
    /// log::info!("a");
    /// log::error!("b");
    /// assert_eq!(logs.messages(), ["a", "b"]);
    /// # }
    /// ```
    pub fn messages(&self) -> Vec<String> {
        self.records().into_iter().map(|r| r.message).collect()
    }

    /// Forgets the records captured so far.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// let logs = testrig::log::LogCapture::start();
    /// log::info!("setting up");
    /// logs.clear();
    /// assert!(logs.records().is_empty());
    /// # }
    /// ```
    pub fn clear(&self) {
        self.sink.clear();
    }

    /// Records that no capture owns, emitted since this capture started, by threads that
    /// carry no test: often a thread or task this test spawned without [`follow`]. Records of
    /// other tests are never among them. Always empty in a process that runs one test only:
    /// there, such records are the test's.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// let logs = testrig::log::LogCapture::start();
    /// std::thread::spawn(|| log::info!("lost without follow")).join().unwrap();
    /// assert!(logs.records().is_empty());
    /// assert!(logs.unattributed().iter().any(|r| r.message() == "lost without follow"));
    /// # }
    /// ```
    pub fn unattributed(&self) -> Vec<Record> {
        registry::unattributed_since(self.sink.since).0
    }

    /// Why this capture may miss records: one sentence per facade that it cannot see, with the
    /// fix. Empty when both enabled facades reach it. Failure messages include these.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// let logs = testrig::log::LogCapture::start();
    /// assert!(logs.notes().is_empty()); // nothing else installed a logger here
    /// # }
    /// ```
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Keeps only records at `level` or more severe until the guard drops, then the level
    /// from before (like pytest's `caplog.at_level`). Makes sure records at `level` reach the
    /// capture: see [Levels](self#levels).
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{Level, LogCapture};
    ///
    /// let logs = LogCapture::start();
    /// {
    ///     let _level = logs.at_level(Level::Warn);
    ///     log::info!("dropped: below WARN");
    ///     log::error!("kept");
    /// }
    /// log::info!("kept again");
    /// assert_eq!(logs.messages(), ["kept", "kept again"]);
    /// # }
    /// ```
    #[track_caller]
    pub fn at_level(&self, level: impl Into<Level>) -> LevelGuard {
        let level = level.into();
        LevelGuard {
            #[cfg(feature = "log")]
            _max_level: log_backend::raise_max_level(self.log_backend, level),
            previous: self.sink.set_threshold(level),
            sink: self.sink.clone(),
        }
    }

    /// Like [`at_level`](Self::at_level), for the rest of this capture's life.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{Level, LogCapture};
    ///
    /// let logs = LogCapture::start();
    /// logs.set_level(Level::Info);
    /// log::debug!("too verbose");
    /// log::info!("kept");
    /// assert_eq!(logs.messages(), ["kept"]);
    /// # }
    /// ```
    #[track_caller]
    pub fn set_level(&self, level: impl Into<Level>) {
        let guard = self.at_level(level);
        self.levels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(guard);
    }

    /// The most verbose level this capture keeps now.
    ///
    /// ```
    /// use testrig::log::{Level, LogCapture};
    ///
    /// let logs = LogCapture::start();
    /// assert_eq!(logs.level(), Level::Trace);
    /// let _level = logs.at_level(Level::Info);
    /// assert_eq!(logs.level(), Level::Info);
    /// ```
    pub fn level(&self) -> Level {
        self.sink.threshold()
    }
}

// A capture moves into spawned tasks and is held across `.await` on multi-thread runtimes.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<LogCapture>();
    send_sync::<LevelGuard>();
};

impl std::fmt::Debug for LogCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogCapture")
            .field("owner", &self.owner)
            .field("records", &self.sink.records().len())
            .field("level", &self.sink.threshold())
            .finish_non_exhaustive()
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        // Newest first, so each guard puts back the level its predecessor set.
        let levels =
            std::mem::take(&mut *self.levels.lock().unwrap_or_else(PoisonError::into_inner));
        levels.into_iter().rev().for_each(drop);
        registry::unregister(self.attr, &self.sink);
        if std::thread::panicking() && !self.reported.load(Ordering::Relaxed) {
            let records = self.sink.records();
            if !records.is_empty() {
                // Through the test harness's output capture: shown only for the failing test.
                eprintln!("{}", self.describe());
            }
        }
    }
}

/// A temporary level of a [`LogCapture`]; the previous level comes back when it drops.
/// Made by [`LogCapture::at_level`].
#[must_use = "the level comes back as soon as the guard drops, and `let _ = ...` drops it at once; bind it with `let _level = ...`"]
pub struct LevelGuard {
    sink: Arc<Sink>,
    previous: Level,
    #[cfg(feature = "log")]
    _max_level: Option<crate::core::Guard>,
}

impl std::fmt::Debug for LevelGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LevelGuard")
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

impl Drop for LevelGuard {
    fn drop(&mut self) {
        self.sink.set_threshold(self.previous);
    }
}
