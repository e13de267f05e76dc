//! How the `isolated`, `timeout = "..."`, `serial` and `shared = "..."` options of a test combine. The
//! fixture runner calls [`drive`] / [`drive_async`] with the whole test (set-up, body,
//! teardown, leak check, verdict) as one closure; `run_with_options` does the same for a bare
//! body.
//!
//! Order: the parent of an isolated test only starts the child and enforces the limit on it;
//! everything else happens where the body runs. There the limit covers set-up, body and
//! teardown; serial keys are taken first, inside the test's context (so the test may take the
//! same key again without waiting for itself), and released after teardown, before the leak
//! check. Under nextest an isolated test runs in place: it is alone in its process already.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::context::TestContext;
use crate::isolate::Isolation;
use crate::outcome::{TIMEOUT_IS_NO_PANIC, describe_context, human};

/// The options written on one test.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Run in a child process of its own (`isolated`).
    pub isolated: bool,
    /// Time limit as written (`timeout = "5s"`, `"off"` for none); `TESTRIG_TIMEOUT` when
    /// absent.
    pub timeout: Option<&'static str>,
    /// Keys held exclusively (`serial = "db"`; `""` for a bare `serial`), taken in this order.
    pub serial: &'static [&'static str],
    /// Keys held shared (`shared = "db"`), taken after the serial keys.
    pub shared: &'static [&'static str],
}

impl RunOptions {
    /// No option: what every test without `isolated`, `timeout` or `serial` names.
    pub const NONE: RunOptions = RunOptions {
        isolated: false,
        timeout: None,
        serial: &[],
        shared: &[],
    };

    #[track_caller]
    fn limit(&self) -> Option<Duration> {
        self.limit_for(None)
    }

    /// The limit of a run: a case's own `timeout`, else the test's, else `TESTRIG_TIMEOUT`.
    #[track_caller]
    pub(crate) fn limit_for(&self, case: Option<&'static str>) -> Option<Duration> {
        match case.or(self.timeout) {
            // `"off"` / `"0"` lift the default: no limit for this test.
            Some(text) => match crate::timeout::parse_limit(text) {
                Ok(limit) => limit,
                Err(why) => panic!("testrig: `timeout = \"{text}\"` {why}"),
            },
            None => crate::timeout::default_limit(),
        }
    }

    #[track_caller]
    fn take_keys(&self) -> Vec<crate::SerialGuard> {
        let serial = self.serial.iter().map(|key| crate::lock::serial(*key));
        let shared = self.shared.iter().map(|key| crate::lock::shared(*key));
        serial.chain(shared).collect()
    }
}

/// The serial keys of a test, taken in the order written.
#[track_caller]
pub(crate) fn take_keys(options: &RunOptions) -> Vec<crate::SerialGuard> {
    options.take_keys()
}

/// How a test past its time limit fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnTimeout {
    /// Panic with the timeout message.
    Panic,
    /// Print the message and return: the test expects a panic (a bare `#[should_panic]`), so
    /// a panic would make the timeout pass; returning fails it as "did not panic".
    Report,
}

impl OnTimeout {
    #[track_caller]
    fn fail(self, message: String) {
        match self {
            OnTimeout::Panic => panic!("{message}"),
            OnTimeout::Report => eprintln!("{message}\n{TIMEOUT_IS_NO_PANIC}"),
        }
    }
}

/// What a timed-out test's mock servers received, printed when this drops: after the timeout's
/// message, whether it panicked or was only printed.
struct NotesAfter(Vec<String>);

impl NotesAfter {
    fn of(ctx: &TestContext) -> Self {
        let at_end = ctx.take_at_end();
        NotesAfter(at_end.iter().filter_map(|a| a.on_failure()).collect())
    }
}

impl Drop for NotesAfter {
    fn drop(&mut self) {
        for note in &self.0 {
            eprintln!("{note}");
        }
    }
}

fn isolated_here(options: &RunOptions) -> bool {
    options.isolated && !crate::isolate::under_nextest()
}

/// Runs a whole sync test (`here`) as its options say: in an isolated child process whose
/// limit the parent enforces, on a thread of its own when it has a limit, or right here.
#[track_caller]
pub(crate) fn drive(
    options: &RunOptions,
    limit: Option<Duration>,
    on_timeout: OnTimeout,
    ctx: &TestContext,
    here: impl FnOnce() + Send + 'static,
) {
    if isolated_here(options) {
        // Entered so that the parent's messages name the case too.
        let _entered = ctx.enter();
        isolation(limit, on_timeout).run(here);
        return;
    }
    let Some(limit) = limit else {
        return here();
    };
    let what = describe_context(ctx);
    if let Err(mut message) = crate::timeout::run_limited(limit, &what, Some(ctx.name()), here) {
        if let Some(released) = crate::__private::release_timed_out(ctx) {
            message = format!("{message}\n{released}");
        }
        // The body goes on on a detached thread; its servers show what they received so far.
        let _notes = NotesAfter::of(ctx);
        on_timeout.fail(message);
    }
}

fn isolation(limit: Option<Duration>, on_timeout: OnTimeout) -> Isolation {
    let isolation = Isolation::new().report_timeout(on_timeout == OnTimeout::Report);
    match limit {
        Some(limit) => isolation.timeout(limit),
        None => isolation,
    }
}

/// [`drive`] for an async test. Past its limit the test's future is dropped (its fixtures
/// with it), whatever patches it still held are restored, and the test fails.
pub(crate) async fn drive_async(
    options: &RunOptions,
    limit: Option<Duration>,
    on_timeout: OnTimeout,
    ctx: &TestContext,
    here: impl Future<Output = ()>,
) {
    if isolated_here(options) {
        let run = {
            let _entered = ctx.enter();
            isolation(limit, on_timeout).run_async(here)
        };
        ctx.wrap(run).await;
        return;
    }
    let Some(limit) = limit else {
        return here.await;
    };
    let start = Instant::now();
    if ctx.wrap(crate::timeout::race(limit, here)).await.is_none() {
        let elapsed = start.elapsed();
        let leaks = crate::__private::release_timed_out(ctx)
            .map(|text| format!("\n{text}"))
            .unwrap_or_default();
        let _notes = NotesAfter::of(ctx);
        on_timeout.fail(format!(
            "testrig: {} timed out after {} (limit {}); its future was dropped (cancelled at \
             the `.await` it was waiting on) and its fixtures torn down. Tasks it spawned keep \
             running unless a task scope owns them.{leaks}",
            describe_context(ctx),
            human(elapsed),
            human(limit),
        ));
    }
}

/// Runs a sync test body with its options.
#[track_caller]
pub fn run_with_options(options: RunOptions, body: impl FnOnce() + Send + 'static) {
    let limit = options.limit();
    if options.isolated {
        let mut isolation = Isolation::new();
        if let Some(limit) = limit {
            isolation = isolation.timeout(limit);
        }
        isolation.run(move || {
            let _keys = options.take_keys();
            body();
        });
        return;
    }
    let _keys = options.take_keys();
    match limit {
        Some(limit) => crate::timeout::run_with_timeout(limit, body),
        None => body(),
    }
}

/// Runs an async test body with its options.
#[track_caller]
pub fn run_with_options_async<F: Future<Output = ()>>(
    options: RunOptions,
    body: F,
) -> impl Future<Output = ()> {
    let limit = options.limit();
    let isolation = options.isolated.then(|| match limit {
        Some(limit) => Isolation::new().timeout(limit),
        None => Isolation::new(),
    });
    async move {
        if let Some(isolation) = isolation {
            isolation
                .run_async(async move {
                    let _keys = options.take_keys();
                    body.await;
                })
                .await;
            return;
        }
        let _keys = options.take_keys();
        match limit {
            Some(limit) => crate::timeout::with_timeout(limit, body).await,
            None => body.await,
        }
    }
}
