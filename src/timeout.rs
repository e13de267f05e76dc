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
//! `TESTRIG_TIMEOUT` (`30s`, `500ms`, `2m`, a bare number of seconds) sets a default for every
//! `#[testrig::test]` and `#[fixture_use]` test without a limit of its own, for
//! [`run_with_default_timeout`], [`with_default_timeout`] and isolated tests. Under isolation
//! ([`crate::isolate`]) the parent enforces the limit and kills the child process, which is the
//! only way to stop a body that never returns.
//!
//! One grammar and one meaning everywhere (`timeout = "..."`, `TESTRIG_TIMEOUT` and the lock
//! timeout `TESTRIG_LOCK_TIMEOUT`):
//! - `0` (or any zero duration) and `off` mean no limit; on a test, `timeout = "off"` lifts
//!   the `TESTRIG_TIMEOUT` default for that test, as pytest-timeout's `timeout(0)` does.
//! - The smallest limit is [`SMALLEST_LIMIT`] (1 ms); a shorter one is a compile error on a
//!   test and an error naming the variable in the environment.
//! - A variable that is empty or not a duration (`abc`, `-1`, `1e3`) is an error naming it,
//!   never a silent default.
//! - A limit too long to count (`"3000000000000000h"`) never fires.

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
/// a number with an optional unit `ms`, `s` (the default), `m` or `h`; fractions allowed. A
/// duration too long for [`Duration`] (hundreds of billions of years) is [`Duration::MAX`].
///
/// ```
/// use std::time::Duration;
/// use testrig::timeout::parse_duration;
///
/// assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
/// assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
/// assert_eq!(parse_duration("1.5m"), Some(Duration::from_secs(90)));
/// assert_eq!(parse_duration("12"), Some(Duration::from_secs(12)));
/// assert_eq!(parse_duration("6000000000000000h"), Some(Duration::MAX));
/// assert_eq!(parse_duration("soon"), None);
/// ```
pub fn parse_duration(text: &str) -> Option<Duration> {
    let seconds = seconds(text)?;
    Some(Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX))
}

/// The number of seconds `text` says, or `None` when it is not a duration: never negative,
/// never NaN, `+inf` for a number too long for `f64`.
// `macros/src/duration.rs` checks `timeout = "..."` with this grammar at compile time (a
// proc-macro crate cannot call this one): change both together.
fn seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    Some(match unit.trim() {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        _ => return None,
    })
}

/// The smallest time limit testrig honours: a test with a limit runs on a thread of its own,
/// and starting it takes longer than a shorter limit would allow. `timeout = "..."` below it
/// is a compile error, and `TESTRIG_TIMEOUT` / `TESTRIG_LOCK_TIMEOUT` below it an error at
/// run time.
///
/// ```
/// assert_eq!(testrig::timeout::SMALLEST_LIMIT, std::time::Duration::from_millis(1));
/// ```
pub const SMALLEST_LIMIT: Duration = Duration::from_millis(1);

/// A time limit written as text (`timeout = "..."`, `TESTRIG_TIMEOUT`, `TESTRIG_LOCK_TIMEOUT`):
/// `Ok(None)` for no limit (`0`, any zero duration, or `off`), or why it is not a limit, as the
/// end of a sentence that starts with the text (``"`soon` " + why``).
pub(crate) fn parse_limit(text: &str) -> Result<Option<Duration>, String> {
    if text.trim() == "off" {
        return Ok(None);
    }
    match seconds(text) {
        None => Err(
            "is not a duration; write it like `30s`, `500ms` or `2m` (a bare number is \
                     seconds), or `0` or `off` for no limit"
                .to_owned(),
        ),
        Some(0.0) => Ok(None),
        Some(s) if s < SMALLEST_LIMIT.as_secs_f64() => Err(
            "is shorter than `1ms`, the smallest limit testrig honours; write `0` or `off` for \
             no limit"
                .to_owned(),
        ),
        Some(s) => Ok(Some(
            Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX),
        )),
    }
}

/// What a limit variable (`TESTRIG_TIMEOUT`, `TESTRIG_LOCK_TIMEOUT`) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnvLimit {
    /// The variable is not set: the caller's default applies.
    Unset,
    /// `0`, a zero duration or `off`: no limit.
    Off,
    /// A limit.
    After(Duration),
}

/// Reads limit variable `var`; an error naming it when it is set to anything but a limit
/// (empty included: a typo or an empty CI variable should not silently change the limit).
pub(crate) fn env_limit(var: &str) -> Result<EnvLimit, String> {
    let text = match std::env::var(var) {
        Err(std::env::VarError::NotPresent) => return Ok(EnvLimit::Unset),
        Err(std::env::VarError::NotUnicode(text)) => {
            return Err(format!(
                "testrig: {var}={} is not a duration (not even UTF-8); write it like `30s`, \
                 `500ms` or `2m`, or `0` or `off` for no limit",
                text.to_string_lossy()
            ));
        }
        Ok(text) => text,
    };
    if text.trim().is_empty() {
        return Err(format!(
            "testrig: {var} is set but empty; write a duration like `30s`, `500ms` or `2m`, `0` \
             or `off` for no limit, or unset it for the default"
        ));
    }
    match parse_limit(&text) {
        Ok(Some(limit)) => Ok(EnvLimit::After(limit)),
        Ok(None) => Ok(EnvLimit::Off),
        Err(why) => Err(format!("testrig: {var}=`{}` {why}", text.trim())),
    }
}

/// The process-wide default limit from `TESTRIG_TIMEOUT`, or `None` when it is unset, `0`
/// (or any zero duration) or `off`.
///
/// Panics when the variable holds something that is not a duration, is empty, or is shorter
/// than [`SMALLEST_LIMIT`]: a typo should not silently turn the limit off.
///
/// ```
/// // With TESTRIG_TIMEOUT unset, tests have no default limit.
/// if std::env::var_os("TESTRIG_TIMEOUT").is_none() {
///     assert_eq!(testrig::timeout::default_limit(), None);
/// }
/// ```
#[track_caller]
pub fn default_limit() -> Option<Duration> {
    static LIMIT: OnceLock<Result<EnvLimit, String>> = OnceLock::new();
    match LIMIT.get_or_init(|| env_limit("TESTRIG_TIMEOUT")) {
        Ok(EnvLimit::After(limit)) => Some(*limit),
        Ok(EnvLimit::Unset | EnvLimit::Off) => None,
        Err(message) => panic!("{message}"),
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
        // A limit past the end of `Instant` never fires.
        let deadline = Instant::now().checked_add(limit);
        std::thread::Builder::new()
            .name("testrig-timeout".to_owned())
            .spawn(move || {
                let (lock, cv) = &*remote;
                let mut state = lock.lock().unwrap_or_else(PoisonError::into_inner);
                loop {
                    if state.cancelled {
                        return;
                    }
                    let Some(deadline) = deadline else {
                        state = cv.wait(state).unwrap_or_else(PoisonError::into_inner);
                        continue;
                    };
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

/// `limit` from now; a limit past the end of `Instant` (`Duration::MAX`) never comes.
pub(crate) fn deadline_after(limit: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(limit)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now)
}
