//! Per-test time limits that fail the test with its name, its case and the time it took.
//!
//! ```
//! use std::time::Duration;
//!
//! let answer = testrig::timeout::run_with_timeout(Duration::from_secs(5), || 6 * 7);
//! assert_eq!(answer, 42);
//! ```
//!
//! A body that panics before its limit fails with its own panic, unchanged (so
//! `#[should_panic(expected = "...")]` still matches). A body past its limit fails the test
//! with a message such as:
//!
//! ```text
//! testrig: test `db::migrates` (case `empty schema`) timed out after 5.002s (limit 5s); its
//! body keeps running on a detached thread: a thread cannot be killed. ...
//! ```
//!
//! On a test, write `#[testrig::test(timeout = "5s")]`, or `#[case(..., timeout = "1s")]` for
//! one case; the limit then covers the fixtures' set-up and teardown too.
//!
//! `TESTRIG_TIMEOUT` (`30s`, `500ms`, `2m`, a bare number of seconds; `0` or `off` for none)
//! sets a default for every `#[testrig::test]` and `#[fixture_use]` test without a limit of
//! its own, for [`run_with_default_timeout`], [`with_default_timeout`] and isolated tests. Under isolation ([`crate::isolate`]) the parent enforces the limit and kills the
//! child process, which is the only way to stop a body that never returns.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::context::TestContext;
use crate::outcome::{describe_test, human, test_name};

/// Reads a duration as `TESTRIG_TIMEOUT` and the `timeout = "..."` attribute option take it:
/// a number with an optional unit `ms`, `s` (the default), `m` or `h`; fractions allowed.
///
/// ```
/// use std::time::Duration;
/// use testrig::timeout::parse_duration;
///
/// assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
/// assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
/// assert_eq!(parse_duration("1.5m"), Some(Duration::from_secs(90)));
/// assert_eq!(parse_duration("12"), Some(Duration::from_secs(12)));
/// assert_eq!(parse_duration("soon"), None);
/// ```
// `macros/src/duration.rs` checks `timeout = "..."` with this grammar at compile time (a
// proc-macro crate cannot call this one): change both together.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds).ok()
}

/// The process-wide default limit from `TESTRIG_TIMEOUT`, or `None` when it is unset, empty,
/// `0` or `off`.
///
/// Panics when the variable holds something that is not a duration: a typo should not
/// silently turn the limit off.
///
/// ```
/// // With TESTRIG_TIMEOUT unset, tests have no default limit.
/// if std::env::var_os("TESTRIG_TIMEOUT").is_none() {
///     assert_eq!(testrig::timeout::default_limit(), None);
/// }
/// ```
#[track_caller]
pub fn default_limit() -> Option<Duration> {
    static LIMIT: OnceLock<Result<Option<Duration>, String>> = OnceLock::new();
    let limit = LIMIT.get_or_init(|| {
        let Ok(text) = std::env::var("TESTRIG_TIMEOUT") else {
            return Ok(None);
        };
        match text.trim() {
            "" | "0" | "off" => Ok(None),
            t => parse_duration(t).map(Some).ok_or(text),
        }
    });
    match limit {
        Ok(limit) => *limit,
        Err(text) => panic!(
            "testrig: TESTRIG_TIMEOUT=`{text}` is not a duration; write it like `30s`, `500ms` \
             or `2m`, or `off` for no limit"
        ),
    }
}

/// Runs `body` and fails the test if it takes longer than `limit`.
///
/// The body runs on a thread of its own, named after the test and inside the test's
/// [`TestContext`], so guards it makes belong to the test. Its result comes back; its panic
/// comes back unchanged. Past the limit the test fails naming the test, its case and the time
/// taken, and says that the body keeps running detached (a thread cannot be killed; isolation
/// kills the whole child process instead).
///
/// ```
/// use std::time::Duration;
///
/// let result = std::panic::catch_unwind(|| {
///     testrig::timeout::run_with_timeout(Duration::from_millis(50), || {
///         std::thread::sleep(Duration::from_secs(2));
///     })
/// });
/// let message = *result.unwrap_err().downcast::<String>().unwrap();
/// assert!(message.contains("timed out after"), "{message}");
/// assert!(message.contains("detached thread"), "{message}");
/// ```
#[track_caller]
pub fn run_with_timeout<F, R>(limit: Duration, body: F) -> R
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let name = test_name();
    let what = describe_test(name.as_deref());
    let body = match TestContext::current() {
        Some(ctx) => Box::new(ctx.wrap_fn(body)) as Box<dyn FnOnce() -> R + Send>,
        None => Box::new(body),
    };
    match run_limited(limit, &what, name.as_deref(), body) {
        Ok(value) => value,
        Err(message) => panic!("{message}"),
    }
}

/// Runs `body` on a thread named `thread`; past `limit`, the message that fails `what`
/// (`test `a::b``). A panic of the body comes back unchanged.
pub(crate) fn run_limited<F, R>(
    limit: Duration,
    what: &str,
    thread: Option<&str>,
    body: F,
) -> Result<R, String>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let run = move || {
        let _ = tx.send(catch_unwind(AssertUnwindSafe(body)));
    };
    let start = Instant::now();
    let mut builder = std::thread::Builder::new();
    if let Some(thread) = thread {
        builder = builder.name(thread.to_owned());
    }
    let handle = builder
        .spawn(run)
        .unwrap_or_else(|e| panic!("testrig: cannot start a thread for {what}: {e}"));
    match rx.recv_timeout(limit) {
        Ok(Ok(value)) => {
            let _ = handle.join();
            Ok(value)
        }
        Ok(Err(payload)) => {
            let _ = handle.join();
            resume_unwind(payload)
        }
        Err(RecvTimeoutError::Timeout) => Err(format!(
            "testrig: {what} timed out after {} (limit {}); its body keeps running on a \
             detached thread (`{}`): a thread cannot be killed, so its fixtures stay until it \
             returns (a testrig test's patches and keys are released now, listed below). Run the test \
             isolated (`#[testrig::test(isolated, timeout = \"..\")]`, or \
             `testrig::isolate::Isolation::new().timeout(..)`) to have it killed with its \
             process.",
            human(start.elapsed()),
            human(limit),
            thread.unwrap_or("<unnamed>"),
        )),
        Err(RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => resume_unwind(payload),
            Ok(()) => unreachable!("the body thread always sends its outcome"),
        },
    }
}

/// [`run_with_timeout`] with the limit from `TESTRIG_TIMEOUT`; without one, runs `body` right
/// here, on the test's own thread.
///
/// ```
/// assert_eq!(testrig::timeout::run_with_default_timeout(|| "done"), "done");
/// ```
#[track_caller]
pub fn run_with_default_timeout<F, R>(body: F) -> R
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match default_limit() {
        Some(limit) => run_with_timeout(limit, body),
        None => body(),
    }
}

/// Awaits `fut` and fails the test if it takes longer than `limit`. Works on any executor (a
/// small timer thread wakes the task at the deadline).
///
/// Past the limit the future is dropped, i.e. cancelled at the `.await` it was waiting on, and
/// the test fails naming the test, its case and the time taken. A future that blocks its
/// thread instead of awaiting cannot be interrupted this way: isolate such a test.
///
/// ```
/// use std::time::Duration;
///
/// # #[cfg(feature = "tokio")]
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let value = testrig::timeout::with_timeout(Duration::from_secs(5), async { 7 }).await;
/// assert_eq!(value, 7);
/// # });
/// ```
pub async fn with_timeout<F: Future>(limit: Duration, fut: F) -> F::Output {
    let what = describe_test(test_name().as_deref());
    let start = Instant::now();
    match race(limit, fut).await {
        Some(value) => value,
        None => panic!(
            "testrig: {what} timed out after {} (limit {}); its future was dropped (cancelled \
             at the `.await` it was waiting on). Tasks it spawned keep running unless a task \
             scope owns them.",
            human(start.elapsed()),
            human(limit),
        ),
    }
}

/// [`with_timeout`] with the limit from `TESTRIG_TIMEOUT`; without one, just awaits `fut`.
///
/// ```
/// # #[cfg(feature = "tokio")]
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// assert_eq!(testrig::timeout::with_default_timeout(async { 1 + 1 }).await, 2);
/// # });
/// ```
pub async fn with_default_timeout<F: Future>(fut: F) -> F::Output {
    match default_limit() {
        Some(limit) => with_timeout(limit, fut).await,
        None => fut.await,
    }
}

/// `Some(output)` if `fut` finishes within `limit`, else `None` (and `fut` is dropped).
pub(crate) async fn race<F: Future>(limit: Duration, fut: F) -> Option<F::Output> {
    let timer = Timer::start(limit);
    Race {
        fut: Box::pin(fut),
        timer: &timer,
    }
    .await
}

struct Race<'t, F> {
    fut: Pin<Box<F>>,
    timer: &'t Timer,
}

impl<F: Future> Future for Race<'_, F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(v) = self.fut.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        if self.timer.fired_or_register(cx.waker()) {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    }
}

#[derive(Default)]
struct TimerState {
    fired: bool,
    cancelled: bool,
    waker: Option<Waker>,
}

/// A deadline on a thread of its own; wakes the registered waker when it passes.
struct Timer {
    shared: Arc<(Mutex<TimerState>, Condvar)>,
}

impl Timer {
    fn start(limit: Duration) -> Timer {
        let shared = Arc::new((Mutex::new(TimerState::default()), Condvar::new()));
        let remote = Arc::clone(&shared);
        let deadline = Instant::now() + limit;
        std::thread::Builder::new()
            .name("testrig-timeout".to_owned())
            .spawn(move || {
                let (lock, cv) = &*remote;
                let mut state = lock.lock().unwrap_or_else(PoisonError::into_inner);
                loop {
                    if state.cancelled {
                        return;
                    }
                    let now = Instant::now();
                    if now >= deadline {
                        break;
                    }
                    state = cv
                        .wait_timeout(state, deadline - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                state.fired = true;
                if let Some(waker) = state.waker.take() {
                    waker.wake();
                }
            })
            .expect("testrig: cannot start the timer thread of a timeout");
        Timer { shared }
    }

    fn fired_or_register(&self, waker: &Waker) -> bool {
        let mut state = self.shared.0.lock().unwrap_or_else(PoisonError::into_inner);
        if !state.fired {
            state.waker = Some(waker.clone());
        }
        state.fired
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        let (lock, cv) = &*self.shared;
        lock.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .cancelled = true;
        cv.notify_all();
    }
}
