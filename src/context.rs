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
//!
//! # Which test a thread without a context belongs to
//!
//! Guards follow the entered context only (above). Log capture, and the messages that name a
//! test, also ask [`TestContext::attributed`], which applies one rule, in this order:
//!
//! 1. [`Attribution::Entered`]: the context entered on this thread, if any.
//! 2. [`Attribution::TestThread`]: the thread that drives a running testrig test. An async
//!    test's current-thread runtime polls the tasks it spawns on that same thread, between
//!    polls of the test's own future, so they are the test's whichever order
//!    `#[testrig::test]` and `#[tokio::test]` are written in.
//! 3. [`Attribution::Runtime`] (feature `tokio`): a thread running the tokio runtime that
//!    drives a running testrig async test: tasks on a multi-thread runtime's workers and
//!    `spawn_blocking` closures. `#[tokio::test]` builds one runtime per test; a runtime that
//!    drives tests on several threads at once belongs to none of them.
//! 4. [`Attribution::Process`]: the process runs one test only, and testrig's runner runs it.
//!    Every thread belongs to it. See [`single_test_process`] for how that is detected.
//!
//! Otherwise the thread belongs to no test: under `cargo test`, which runs many tests on
//! threads of one process, a bare `std::thread::spawn` carries nothing that says which test
//! started it.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::task::{Context, Poll};
use std::thread::ThreadId;
use std::time::Instant;

mod contextless;
mod deferred;
mod process;

pub(crate) use contextless::{
    Used, is_other_contextless_thread, this_thread_name, used as used_contextless,
};
pub(crate) use deferred::{defer, end_deferred, nothing_entered};
pub use process::single_test_process;

/// What the runner knows of a test beyond its name: rstest's `Context` fields.
#[derive(Clone, Copy)]
pub(crate) struct Origin {
    pub(crate) function: &'static str,
    pub(crate) module: &'static str,
    pub(crate) case_index: Option<usize>,
}

static NEXT_TEST_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static CURRENT: RefCell<Option<TestContext>> = const { RefCell::new(None) };
}

/// Reads this thread's context. Every read goes through here, so that a test started without
/// its context (`deferred`) gets it made by whatever asks first.
fn read_current<R>(f: impl FnOnce(&Option<TestContext>) -> R) -> R {
    deferred::make_if_asked();
    CURRENT.with(|c| f(&c.borrow()))
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
    /// Where the runner took the test from; `None` for [`TestContext::new`].
    origin: Option<Origin>,
    start: Instant,
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
                origin: None,
                start: Instant::now(),
                at_end: None,
            }),
        }
    }

    /// A context that testrig's runner drives: it consults what [`at_end`](Self::at_end)
    /// registered when the test ends.
    pub(crate) fn driven(
        name: String,
        case_id: Option<&str>,
        origin: Origin,
        start: Instant,
    ) -> Self {
        TestContext {
            inner: Arc::new(Inner {
                id: NEXT_TEST_ID.fetch_add(1, Ordering::Relaxed),
                name,
                case_id: case_id.map(str::to_owned),
                origin: Some(origin),
                start,
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

    /// The context entered on this thread, if any. On a testrig test's own thread that is the
    /// test's context, whether the runner made it before the body or (for a test whose body
    /// takes nothing from testrig) this first call makes it.
    pub fn current() -> Option<TestContext> {
        read_current(Option::clone)
    }

    /// The test's name as the harness lists it, e.g. `module::polarify::third_quadrant`.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The case id as written in `#[case(..., id = "...")]`, for parametrized tests.
    pub fn case_id(&self) -> Option<&str> {
        self.inner.case_id.as_deref()
    }

    /// The test function's name as written (rstest's `Context::name`); for a context made with
    /// [`new`](Self::new), the last part of its name.
    ///
    /// ```
    /// use testrig::prelude::*;
    ///
    /// #[testrig::test]
    /// #[case::answer(42)]
    /// fn knows_itself(#[context] ctx: TestContext, #[case] n: u32) {
    ///     assert_eq!(ctx.function(), "knows_itself");
    ///     assert!(ctx.module().ends_with("tests"));
    ///     assert_eq!(ctx.case_id(), Some("answer"));
    ///     assert_eq!(ctx.case_index(), Some(0));
    ///     assert_eq!(n, 42);
    /// }
    /// # mod tests {}
    /// # fn main() {}
    /// ```
    pub fn function(&self) -> &str {
        match &self.inner.origin {
            Some(o) => o.function,
            None => self.inner.name.rsplit("::").next().unwrap_or_default(),
        }
    }

    /// `module_path!()` where the test function is written (rstest's `Context::module`); for a
    /// context made with [`new`](Self::new), its name up to the last `::`.
    pub fn module(&self) -> &str {
        match &self.inner.origin {
            Some(o) => o.module,
            None => self.inner.name.rsplit_once("::").map_or("", |(m, _)| m),
        }
    }

    /// Which `#[case]` this is, counted from 0 in the order written (rstest's `Context::case`);
    /// `None` for a test without cases (a value matrix alone included).
    ///
    /// ```
    /// use testrig::context::TestContext;
    ///
    /// assert_eq!(TestContext::new("docs::plain", None).case_index(), None);
    /// ```
    pub fn case_index(&self) -> Option<usize> {
        self.inner.origin.and_then(|o| o.case_index)
    }

    /// When the context was made, just before the test's set-up (rstest's `Context::start`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use testrig::prelude::*;
    ///
    /// #[testrig::test]
    /// fn measures_itself(#[context] ctx: &TestContext) {
    ///     std::thread::sleep(Duration::from_millis(20));
    ///     assert!(ctx.started().elapsed() >= Duration::from_millis(20));
    /// }
    /// # fn main() {}
    /// ```
    pub fn started(&self) -> Instant {
        self.inner.start
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
        deferred::entered(1);
        Entered {
            previous,
            _not_send: std::marker::PhantomData,
        }
    }

    /// The test that what this thread does now belongs to, and why: the one rule of the
    /// [module docs](self#which-test-a-thread-without-a-context-belongs-to). Log capture uses
    /// it; guards keep following [`TestContext::current`] only.
    ///
    /// ```
    /// use testrig::context::{Attribution, TestContext};
    ///
    /// let ctx = TestContext::new("docs::attributed", None);
    /// let _entered = ctx.enter();
    /// assert_eq!(TestContext::attributed(), Some((ctx.clone(), Attribution::Entered)));
    /// ```
    pub fn attributed() -> Option<(TestContext, Attribution)> {
        if let Some(ctx) = TestContext::current() {
            return Some((ctx, Attribution::Entered));
        }
        TestContext::inferred()
    }

    /// Steps 2 to 4 of the rule: the test a thread without an entered context belongs to.
    pub(crate) fn inferred() -> Option<(TestContext, Attribution)> {
        if LIVE_COUNT.load(Ordering::Acquire) == 0 {
            return None;
        }
        let live = LIVE.read().unwrap_or_else(PoisonError::into_inner);
        let thread = THREAD_ID.with(|id| *id);
        if let Some(run) = live.iter().rev().find(|run| run.thread == thread) {
            return Some((run.ctx.clone(), Attribution::TestThread));
        }
        #[cfg(feature = "tokio")]
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let id = handle.id();
            let on_it = live.iter().filter(|run| run.runtime == Some(id));
            if let Some(ctx) = newest_on_one_thread(on_it) {
                return Some((ctx, Attribution::Runtime));
            }
        }
        if single_test_process()
            && let Some(ctx) = newest_on_one_thread(live.iter())
        {
            return Some((ctx, Attribution::Process));
        }
        None
    }

    /// Marks this context as a test that testrig's runner is running on this thread (and, in
    /// an async test, on the tokio runtime polling it) until the returned guard drops.
    pub(crate) fn run(&self) -> Running {
        self.run_on(
            #[cfg(feature = "tokio")]
            tokio::runtime::Handle::try_current().ok().map(|h| h.id()),
        )
    }

    /// [`run`](Self::run) of a sync test: by the runner's rule it is driven by its thread alone,
    /// even when its context is made inside a runtime the body built (`#[tokio::test]` above
    /// `#[testrig::test]`), whose other threads are not the test's.
    pub(crate) fn run_sync(&self) -> Running {
        self.run_on(
            #[cfg(feature = "tokio")]
            None,
        )
    }

    fn run_on(&self, #[cfg(feature = "tokio")] runtime: Option<tokio::runtime::Id>) -> Running {
        let run = Run {
            ctx: self.clone(),
            thread: THREAD_ID.with(|id| *id),
            #[cfg(feature = "tokio")]
            runtime,
        };
        LIVE.write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(run);
        LIVE_COUNT.fetch_add(1, Ordering::AcqRel);
        Running { id: self.id() }
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

/// Why a thread's work belongs to a test; see [`TestContext::attributed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Attribution {
    /// The test's context is entered on this thread (testrig's test macros,
    /// [`TestContext::enter`], [`TestContext::wrap`], [`TestContext::wrap_fn`]).
    Entered,
    /// This thread drives the running test, and runs what its current-thread runtime polls.
    TestThread,
    /// This thread runs the tokio runtime that drives the running test (feature `tokio`).
    Runtime,
    /// This process runs only this test ([`single_test_process`]).
    Process,
}

/// A test testrig's runner is running: where, and on which runtime.
struct Run {
    ctx: TestContext,
    thread: ThreadId,
    #[cfg(feature = "tokio")]
    runtime: Option<tokio::runtime::Id>,
}

static LIVE: RwLock<Vec<Run>> = RwLock::new(Vec::new());
/// `LIVE`'s length, read without the lock: threads of processes that run no testrig test
/// pay one atomic load.
static LIVE_COUNT: AtomicUsize = AtomicUsize::new(0);

/// The name of the running test with this id, if the runner runs it.
fn live_test_name(id: u64) -> Option<String> {
    let live = LIVE.read().unwrap_or_else(PoisonError::into_inner);
    live.iter()
        .find(|run| run.ctx.id() == id)
        .map(|run| run.ctx.name().to_owned())
}

/// The newest of `runs` if they all run on one thread (a test calling another testrig test
/// nests them there); `None` when tests on several threads share it, as nothing tells which
/// of them a thread works for.
fn newest_on_one_thread<'a>(
    mut runs: impl DoubleEndedIterator<Item = &'a Run>,
) -> Option<TestContext> {
    let newest = runs.next_back()?;
    runs.all(|run| run.thread == newest.thread)
        .then(|| newest.ctx.clone())
}

/// Returned by [`TestContext::run`]; the test stops being a running test when it drops.
pub(crate) struct Running {
    id: u64,
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut live = LIVE.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(at) = live.iter().rposition(|run| run.ctx.id() == self.id) {
            live.remove(at);
            LIVE_COUNT.fetch_sub(1, Ordering::AcqRel);
        }
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
        deferred::entered(-1);
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
    read_current(|c| c.as_ref().map(TestContext::id))
}

/// The owner of guards created right now on this thread.
pub(crate) fn current_owner() -> Owner {
    if SESSION_BUILD.with(|s| s.get()) {
        return Owner::Session;
    }
    read_current(|c| match c {
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

/// For a lock-timeout message: when the thread that waited carries no test context while a
/// test holds the key, the likely cause and the fix. Empty otherwise.
pub(crate) fn own_test_hint(waiter: Owner, holder: &Holder) -> String {
    let (Owner::Thread(_), Holder::Test(holding)) = (waiter, holder) else {
        return String::new();
    };
    let fix = "Start it with the test's context: `std::thread::spawn(ctx.wrap_fn(..))`, \
               with `ctx` taken by the test as `TestContext::current().unwrap()` \
               (`tokio::spawn(ctx.wrap(..))` for a task), or spawn it from the `scope` fixture.";
    let thread = std::thread::current();
    let own = TestContext::inferred().is_some_and(|(ctx, _)| ctx.name() == holding.name())
        || thread.name() == Some(holding.name());
    if own {
        format!(
            " This thread carries no test context, yet it works for `{}` itself: it was \
             probably started by the test without its context, so it waits for its own test. \
             {fix}",
            holding.name()
        )
    } else {
        format!(
            " This thread carries no test context; if `{}` started it, it was probably started \
             without its context and waits for its own test. {fix}",
            holding.name()
        )
    }
}
