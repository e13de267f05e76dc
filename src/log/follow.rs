//! Carrying the test to threads and tasks it starts, so their records are its records.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::registry::{self, Attr};
use crate::context::{Entered, TestContext};

/// What a spawned thread or task takes along: the test context (or, without one, the owner of
/// the spawning thread's records) and, with `tracing`, the spawning thread's dispatcher, so a
/// scoped subscriber (`tracing::subscriber::set_default`) follows too.
struct Carried {
    ctx: Option<TestContext>,
    attr: Attr,
    #[cfg(feature = "tracing")]
    dispatch: ::tracing::Dispatch,
}

struct CarriedScope {
    _ctx: Option<Entered>,
    previous: Option<Option<Attr>>,
    #[cfg(feature = "tracing")]
    _dispatch: ::tracing::dispatcher::DefaultGuard,
}

impl Drop for CarriedScope {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            registry::uncarry(previous);
        }
    }
}

impl Carried {
    fn here() -> Carried {
        Carried {
            ctx: TestContext::current(),
            attr: registry::here(),
            #[cfg(feature = "tracing")]
            dispatch: ::tracing::dispatcher::get_default(Clone::clone),
        }
    }

    fn enter(&self) -> CarriedScope {
        CarriedScope {
            _ctx: self.ctx.as_ref().map(TestContext::enter),
            previous: self.ctx.is_none().then(|| registry::carry(self.attr)),
            #[cfg(feature = "tracing")]
            _dispatch: ::tracing::dispatcher::set_default(&self.dispatch),
        }
    }
}

/// Wraps a closure so that the records it logs, on whatever thread runs it, belong to the test
/// that called `follow_fn`. Use it for `std::thread::spawn`, `std::thread::Builder::spawn`,
/// `tokio::task::spawn_blocking` and thread pools.
///
/// Inside a [`TestContext`] this is [`TestContext::wrap_fn`] (guards made by the closure belong
/// to the test too); in a plain `#[test]` without one, it carries the spawning thread's
/// capture. With `tracing`, a scoped default subscriber is carried along as well.
///
/// ```
/// # #[cfg(feature = "log")] {
/// use testrig::log::{Level, LogCapture};
///
/// let logs = LogCapture::start();
/// std::thread::spawn(testrig::log::follow_fn(|| log::info!("from the worker")))
///     .join()
///     .unwrap();
/// logs.assert_contains(Level::Info, "from the worker");
/// # }
/// ```
pub fn follow_fn<F, R>(f: F) -> impl FnOnce() -> R + Send + 'static
where
    F: FnOnce() -> R + Send + 'static,
{
    let carried = Carried::here();
    move || {
        let _scope = carried.enter();
        f()
    }
}

/// Spawns a thread whose records belong to the calling test: `std::thread::spawn(follow_fn(f))`.
///
/// ```
/// # #[cfg(feature = "log")] {
/// use testrig::log::{Level, LogCapture};
///
/// let logs = LogCapture::start();
/// testrig::log::spawn(|| log::warn!("disk almost full")).join().unwrap();
/// logs.assert_contains(Level::Warn, "disk almost full");
/// # }
/// ```
pub fn spawn<F, T>(f: F) -> std::thread::JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    std::thread::spawn(follow_fn(f))
}

/// Wraps a future so that the records it logs, on whichever worker thread polls it, belong to
/// the test that called `follow`: `tokio::spawn(testrig::log::follow(task))`.
///
/// Inside a [`TestContext`] this carries the context like [`TestContext::wrap`]; otherwise it
/// carries the calling thread's capture. With `tracing`, it also carries the calling thread's
/// default subscriber. It does not enter the calling span: add `.in_current_span()` (from
/// `tracing::Instrument`) for that; records in a span the test created follow the test
/// anyway.
///
/// ```
/// # #[cfg(feature = "log")] {
/// use testrig::log::{Level, LogCapture};
///
/// let logs = LogCapture::start();
/// let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
/// rt.block_on(async {
///     tokio::spawn(testrig::log::follow(async { log::info!("polled on a worker") }))
///         .await
///         .unwrap();
/// });
/// logs.assert_contains(Level::Info, "polled on a worker");
/// # }
/// ```
pub fn follow<F: Future>(fut: F) -> Follow<F> {
    Follow {
        carried: Carried::here(),
        fut,
    }
}

/// A future whose polls run as part of the test that made it. Made by [`follow`].
pub struct Follow<F> {
    carried: Carried,
    fut: F,
}

impl<F: Future> Future for Follow<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `fut` is structurally pinned: it is never moved out of `self`, and `Follow`
        // has no `Drop` impl and no `Unpin` impl that would break that.
        let this = unsafe { self.get_unchecked_mut() };
        let _scope = this.carried.enter();
        // SAFETY: see above; `this.fut` stays where the pinned `self` put it.
        unsafe { Pin::new_unchecked(&mut this.fut) }.poll(cx)
    }
}
