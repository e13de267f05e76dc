//! Which test is running: a context carried across threads, polls and spawns.
//!
//! Every patch guard records an *owner*. While a testrig-driven test runs, the owner is the
//! test itself, whichever thread or tokio worker happens to execute its code; outside testrig's
//! macros it falls back to the OS thread (libtest runs each test on a thread of its own, so
//! that is the test too). Owners decide who waits for whom: two owners never hold the same key
//! at once, while one owner may nest guards on a key freely.
//!
//! The context is a cheap handle. Code that moves work to another thread or task carries it
//! along with [`TestContext::wrap_fn`] or [`TestContext::wrap`]:
//!
//! ```
//! use testrig::context::TestContext;
//!
//! let ctx = TestContext::new("docs::example", None);
//! let _entered = ctx.enter();
//! let here = TestContext::current().unwrap();
//! let there = std::thread::spawn(here.wrap_fn(|| TestContext::current().unwrap().name().to_owned()))
//!     .join()
//!     .unwrap();
//! assert_eq!(there, "docs::example");
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::thread::ThreadId;

static NEXT_TEST_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static CURRENT: RefCell<Option<TestContext>> = const { RefCell::new(None) };
}

/// The running test, as seen by guards, fixtures and log capture.
///
/// Cloning is cheap (an `Arc`); two clones are the same test.
///
/// ```
/// use testrig::context::TestContext;
///
/// let ctx = TestContext::new("math::polarify", Some("third quadrant"));
/// assert_eq!(ctx.name(), "math::polarify");
/// assert_eq!(ctx.case_id(), Some("third quadrant"));
/// assert!(TestContext::current().is_none());
/// {
///     let _in = ctx.enter();
///     assert_eq!(TestContext::current(), Some(ctx.clone()));
/// }
/// assert!(TestContext::current().is_none());
/// ```
#[derive(Clone)]
pub struct TestContext {
    inner: Arc<Inner>,
}

struct Inner {
    id: u64,
    name: String,
    case_id: Option<String>,
    /// `Some` when testrig's runner drives the test and so consults it when the test ends.
    at_end: Option<Mutex<Vec<Arc<dyn AtTestEnd>>>>,
}

/// Something that has a say when its test ends: a mock server checks its strict mode, and
/// shows what it received when the test failed.
pub(crate) trait AtTestEnd: Send + Sync {
    /// Why the test fails although its body passed, if it does.
    fn failure(&self, ctx: &TestContext) -> Option<String>;
    /// Printed after the failure message of a test that failed for whatever reason.
    fn on_failure(&self) -> Option<String>;
}

impl TestContext {
    /// A new, distinct test context. testrig's test macros create one per test; call this
    /// yourself only to drive code under a context of your own (a custom harness, say).
    pub fn new(name: impl Into<String>, case_id: Option<&str>) -> Self {
        TestContext {
            inner: Arc::new(Inner {
                id: NEXT_TEST_ID.fetch_add(1, Ordering::Relaxed),
                name: name.into(),
                case_id: case_id.map(str::to_owned),
                at_end: None,
            }),
        }
    }

    /// A context that testrig's runner drives: it consults what [`at_end`](Self::at_end)
    /// registered when the test ends.
    pub(crate) fn driven(name: String, case_id: Option<&str>) -> Self {
        TestContext {
            inner: Arc::new(Inner {
                id: NEXT_TEST_ID.fetch_add(1, Ordering::Relaxed),
                name,
                case_id: case_id.map(str::to_owned),
                at_end: Some(Mutex::new(Vec::new())),
            }),
        }
    }

    /// Registers `item` for the end of the test; `false` when no runner will consult it (a
    /// context made with [`new`](Self::new)), so that the caller fends for itself.
    #[cfg(feature = "http")]
    pub(crate) fn at_end(&self, item: Arc<dyn AtTestEnd>) -> bool {
        match &self.inner.at_end {
            Some(list) => {
                list.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(item);
                true
            }
            None => false,
        }
    }

    /// What was registered with [`at_end`](Self::at_end), handed over once.
    pub(crate) fn take_at_end(&self) -> Vec<Arc<dyn AtTestEnd>> {
        match &self.inner.at_end {
            Some(list) => std::mem::take(&mut *list.lock().unwrap_or_else(PoisonError::into_inner)),
            None => Vec::new(),
        }
    }

    /// The context entered on this thread, if any.
    pub fn current() -> Option<TestContext> {
        CURRENT.with(|c| c.borrow().clone())
    }

    /// The test's name as the harness lists it, e.g. `module::polarify::third_quadrant`.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The case id as written in `#[case(..., id = "...")]`, for parametrized tests.
    pub fn case_id(&self) -> Option<&str> {
        self.inner.case_id.as_deref()
    }

    /// A process-unique number for this test.
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    /// Makes this the current context of this thread until the returned guard drops.
    /// Entering nests: dropping the guard brings back whatever was current before.
    #[must_use = "the context is left when the guard drops; bind it with `let _entered = ...`"]
    pub fn enter(&self) -> Entered {
        let previous = CURRENT.with(|c| c.replace(Some(self.clone())));
        Entered {
            previous,
            _not_send: std::marker::PhantomData,
        }
    }

    /// Wraps a closure so that it runs inside this context, on whatever thread calls it.
    /// Use it for `std::thread::spawn` and `tokio::task::spawn_blocking`.
    pub fn wrap_fn<F, R>(&self, f: F) -> impl FnOnce() -> R + Send + 'static
    where
        F: FnOnce() -> R + Send + 'static,
    {
        let ctx = self.clone();
        move || {
            let _in = ctx.enter();
            f()
        }
    }

    /// Wraps a future so that every poll of it runs inside this context. Use it for
    /// `tokio::spawn` and for futures handed to another executor.
    pub fn wrap<F: Future>(&self, fut: F) -> WithContext<F> {
        WithContext {
            ctx: self.clone(),
            fut,
        }
    }
}

impl PartialEq for TestContext {
    fn eq(&self, other: &Self) -> bool {
        self.inner.id == other.inner.id
    }
}

impl Eq for TestContext {}

impl fmt::Debug for TestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestContext")
            .field("id", &self.inner.id)
            .field("name", &self.inner.name)
            .field("case_id", &self.inner.case_id)
            .finish()
    }
}

/// Returned by [`TestContext::enter`]; leaves the context when dropped.
///
/// It restores a thread-local, so it stays on the thread that entered.
pub struct Entered {
    previous: Option<TestContext>,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // `try_with`: a guard dropped during thread teardown must not panic.
        let _ = CURRENT.try_with(|c| *c.borrow_mut() = previous);
    }
}

/// A future that enters its [`TestContext`] around every poll. Made by [`TestContext::wrap`].
pub struct WithContext<F> {
    ctx: TestContext,
    fut: F,
}

impl<F: Future> Future for WithContext<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `fut` is structurally pinned: it is never moved out of `self`, and
        // `WithContext` has no `Drop` impl and no `Unpin` impl that would break that.
        let this = unsafe { self.get_unchecked_mut() };
        let _in = this.ctx.enter();
        // SAFETY: see above; `this.fut` stays where the pinned `self` put it.
        unsafe { Pin::new_unchecked(&mut this.fut) }.poll(cx)
    }
}

/// Who holds a patched key: a test (across all its threads) or, outside testrig's
/// macros, one OS thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Owner {
    Test(u64),
    Thread(ThreadId),
    /// Session fixtures: built outside any test, live until the process exits.
    Session,
}

thread_local! {
    static SESSION_BUILD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Who holds a key, kept as a cheap handle (an `Arc` clone) and named only when a message
/// needs it: patching is on every test's hot path.
#[derive(Clone)]
pub(crate) enum Holder {
    Test(TestContext),
    Thread(std::thread::Thread),
    Session,
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Holder::Test(ctx) => f.write_str(ctx.name()),
            Holder::Thread(t) => f.write_str(t.name().unwrap_or("<unnamed thread>")),
            Holder::Session => f.write_str("session fixtures"),
        }
    }
}

/// The id of the test whose context is entered on this thread, without cloning the handle.
pub(crate) fn current_test_id() -> Option<u64> {
    CURRENT.with(|c| c.borrow().as_ref().map(TestContext::id))
}

/// The owner of guards created right now on this thread.
pub(crate) fn current_owner() -> Owner {
    if SESSION_BUILD.with(|s| s.get()) {
        return Owner::Session;
    }
    CURRENT.with(|c| match &*c.borrow() {
        Some(ctx) => Owner::Test(ctx.id()),
        None => Owner::Thread(THREAD_ID.with(|id| *id)),
    })
}

thread_local! {
    /// `thread::current()` clones an `Arc` on every call; the id alone is all an owner needs.
    static THREAD_ID: ThreadId = std::thread::current().id();
}

/// A handle naming the current owner; made only when a key is first taken, because cloning it
/// costs an atomic increment on every patch otherwise.
pub(crate) fn current_holder() -> Holder {
    if SESSION_BUILD.with(|s| s.get()) {
        return Holder::Session;
    }
    match TestContext::current() {
        Some(ctx) => Holder::Test(ctx),
        None => Holder::Thread(std::thread::current()),
    }
}

/// Runs `f` with guards owned by the session rather than by whichever test triggered it.
pub(crate) fn as_session<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = SESSION_BUILD.try_with(|s| s.set(self.0));
        }
    }
    let _reset = Reset(SESSION_BUILD.with(|s| s.replace(true)));
    f()
}
