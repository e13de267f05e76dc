//! Small pieces shared by isolation, timeouts and task scopes: naming the running test,
//! reading panic payloads, catching panics of futures.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::context::TestContext;

/// The text of a panic payload (`panic!` with a message gives a `String` or a `&str`).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<a panic payload that is not a string>".to_owned()
    }
}

/// The libtest name of the running test: the name of the thread libtest runs it on, or, on
/// other threads, the name of the entered [`TestContext`].
pub(crate) fn test_name() -> Option<String> {
    let thread = std::thread::current();
    match thread.name() {
        Some(name) if name != "main" && !name.starts_with("tokio-runtime") => Some(name.to_owned()),
        _ => TestContext::current().map(|ctx| ctx.name().to_owned()),
    }
}

/// "test `a::b`" or "test `a::b` (case `third quadrant`)", for messages.
pub(crate) fn describe_test(name: Option<&str>) -> String {
    let mut text = match name {
        Some(name) => format!("test `{name}`"),
        None => "the test".to_owned(),
    };
    if let Some(case) = TestContext::current().and_then(|c| c.case_id().map(str::to_owned)) {
        text += &format!(" (case `{case}`)");
    }
    text
}

/// [`describe_test`] for a test known by its context rather than by the running thread.
pub(crate) fn describe_context(ctx: &TestContext) -> String {
    match ctx.case_id() {
        Some(case) => format!("test `{}` (case `{case}`)", ctx.name()),
        None => format!("test `{}`", ctx.name()),
    }
}

/// Said after a timeout's message when the test expects any panic: it must not pass.
pub(crate) const TIMEOUT_IS_NO_PANIC: &str = "testrig: a timeout is a failure, and this test \
    expects a panic (`#[should_panic]` without `expected`), so it fails as not panicking instead";

/// `1.503s`, `30s`, `250ms`, for messages.
pub(crate) fn human(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.3}s", d.as_secs_f64())
    }
}

/// Polls a future inside `catch_unwind`, turning a panic in any poll into `Err(payload)`.
pub(crate) struct CatchUnwind<F> {
    fut: Pin<Box<F>>,
}

impl<F: Future> CatchUnwind<F> {
    pub(crate) fn new(fut: F) -> Self {
        CatchUnwind { fut: Box::pin(fut) }
    }
}

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = self.fut.as_mut();
        match catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}
