//! Structured concurrency for tests: every task and thread a test starts is joined, cancelled
//! or reported when the test's scope ends.
//!
//! A failure in a spawned worker is easy to lose: the panic is printed, the `JoinHandle` is
//! dropped, and the test passes. A [`TaskScope`] owns its children. When it ends (an explicit
//! `join().await` (feature `tokio`) / [`finish`](TaskScope::finish), or its drop) it waits for them
//! within a bound, cancels tasks still running, and fails the test listing *every* child that
//! panicked, returned `Err`, or did not finish, each with the line that spawned it.
//!
//! ```
//! use testrig::scope::TaskScope;
//!
//! let scope = TaskScope::new();
//! for shard in 0..4 {
//!     scope.spawn_thread(move || {
//!         assert!(shard < 4);
//!     });
//! }
//! scope.finish(); // joins all four; a failed one would fail the test here, with its line
//! ```
//!
//! Children run inside the test's [`TestContext`] (captured when they are spawned), so patch
//! guards they create belong to the test and their log records are attributed to it.

use std::fmt;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::context::TestContext;
use crate::outcome::{panic_message, test_name};

/// How long a scope waits for its children when it ends, unless told otherwise.
const DEFAULT_JOIN_LIMIT: Duration = Duration::from_secs(10);

/// What a child returns: `()`, or a `Result` whose `Err` fails the test.
#[diagnostic::on_unimplemented(
    message = "a scope's child cannot return `{Self}`",
    label = "this child's output",
    note = "a thread or task spawned on a `TaskScope` returns `()` or a `Result<T, E>` with \
            `E: Debug` (an `Err` fails the test), or only panics"
)]
pub trait ChildOutcome {
    /// The failure to report, if this outcome is one.
    ///
    /// ```
    /// use testrig::scope::ChildOutcome;
    ///
    /// assert_eq!(().failure(), None);
    /// assert_eq!(Err::<(), _>("refused").failure().unwrap(), "returned Err(\"refused\")");
    /// ```
    fn failure(self) -> Option<String>;
}

impl ChildOutcome for () {
    fn failure(self) -> Option<String> {
        None
    }
}

/// The never type `!`, named on stable Rust through a function pointer's output type.
type Never = <fn() -> ! as never::HasOutput>::Output;

mod never {
    /// Nominally public (in a private module) so that naming `!` through it does not make
    /// `ChildOutcome for !` reach a private item.
    pub trait HasOutput {
        type Output;
    }

    impl<T> HasOutput for fn() -> T {
        type Output = T;
    }
}

/// A child whose body only panics (`|| panic!("..")`): its type is `!` in edition 2024.
impl ChildOutcome for Never {
    fn failure(self) -> Option<String> {
        self
    }
}

impl<T, E: fmt::Debug> ChildOutcome for Result<T, E> {
    fn failure(self) -> Option<String> {
        self.err().map(|e| format!("returned Err({e:?})"))
    }
}

/// Whether a child is a tokio task or an OS thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChildKind {
    /// Spawned with `TaskScope::spawn` (feature `tokio`).
    Task,
    /// Spawned with [`TaskScope::spawn_thread`].
    Thread,
}

impl fmt::Display for ChildKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChildKind::Task => "task",
            ChildKind::Thread => "thread",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Running,
    Done,
    Failed(String),
    /// Cancelled on request ([`TaskScope::cancel`]): not a failure.
    #[cfg(feature = "tokio")]
    Cancelled,
}

struct Child {
    kind: ChildKind,
    site: &'static Location<'static>,
    status: Status,
}

#[derive(Default)]
struct State {
    children: Vec<Child>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    #[cfg(feature = "tokio")]
    notify: tokio::sync::Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn complete(&self, id: usize, failure: Option<String>) {
        self.lock().children[id].status = match failure {
            Some(message) => Status::Failed(message),
            None => Status::Done,
        };
        self.changed.notify_all();
        #[cfg(feature = "tokio")]
        self.notify.notify_one();
    }

    #[cfg(feature = "tokio")]
    fn running(&self, kind: Option<ChildKind>) -> usize {
        self.lock()
            .children
            .iter()
            .filter(|c| c.status == Status::Running && kind.is_none_or(|k| c.kind == k))
            .count()
    }

    /// Blocks until no child of `kind` runs or `deadline` passes.
    fn wait_blocking(&self, kind: Option<ChildKind>, deadline: Instant) {
        let mut state = self.lock();
        loop {
            let running = state
                .children
                .iter()
                .any(|c| c.status == Status::Running && kind.is_none_or(|k| c.kind == k));
            let now = Instant::now();
            if !running || now >= deadline {
                return;
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// A test-scoped owner of tasks and threads. See the [module docs](self).
///
/// Later it is also the `scope` fixture; for now, make one with [`TaskScope::new`].
#[must_use = "a scope checks its children when it ends, and `let _ = ...` ends it at once; bind it with `let scope = ...`"]
pub struct TaskScope {
    shared: Arc<Shared>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    #[cfg(feature = "tokio")]
    tasks: Mutex<Vec<(usize, tokio::task::JoinHandle<()>)>>,
    /// Tasks aborted by [`cancel`](Self::cancel), awaited by `join` until they are gone.
    #[cfg(feature = "tokio")]
    cancelled: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    join_limit: Duration,
    test: Option<String>,
    ended: bool,
}

impl fmt::Debug for TaskScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskScope")
            .field("test", &self.test)
            .field("children", &self.shared.lock().children.len())
            .field("join_limit", &self.join_limit)
            .finish()
    }
}

impl Default for TaskScope {
    fn default() -> Self {
        Self::new()
    }
}

impl TaskScope {
    /// An empty scope that waits up to 10 seconds for its children when it ends.
    ///
    /// ```
    /// let scope = testrig::scope::TaskScope::new();
    /// scope.finish();
    /// ```
    pub fn new() -> Self {
        TaskScope {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
                #[cfg(feature = "tokio")]
                notify: tokio::sync::Notify::new(),
            }),
            threads: Mutex::new(Vec::new()),
            #[cfg(feature = "tokio")]
            tasks: Mutex::new(Vec::new()),
            #[cfg(feature = "tokio")]
            cancelled: Mutex::new(Vec::new()),
            join_limit: DEFAULT_JOIN_LIMIT,
            test: test_name(),
            ended: false,
        }
    }

    /// Sets how long the end of the scope waits for children still running; `Duration::MAX`
    /// waits as long as they run.
    ///
    /// ```
    /// let scope = testrig::scope::TaskScope::new().with_join_limit(std::time::Duration::from_secs(2));
    /// scope.finish();
    /// ```
    pub fn with_join_limit(mut self, limit: Duration) -> Self {
        self.join_limit = limit;
        self
    }

    fn register(&self, kind: ChildKind, site: &'static Location<'static>) -> usize {
        let mut state = self.shared.lock();
        state.children.push(Child {
            kind,
            site,
            status: Status::Running,
        });
        state.children.len() - 1
    }

    /// Runs `f` on a new OS thread owned by this scope, inside the test's context. A panic or
    /// an `Err` it returns fails the test when the scope ends, naming this call's line.
    ///
    /// `f` returns `()`, a `Result`, or nothing at all (a body that only panics).
    ///
    /// ```
    /// let scope = testrig::scope::TaskScope::new();
    /// scope.spawn_thread(|| -> Result<(), String> { Ok(()) });
    /// scope.finish();
    /// ```
    #[track_caller]
    pub fn spawn_thread<F, T>(&self, f: F)
    where
        F: FnOnce() -> T + Send + 'static,
        T: ChildOutcome + 'static,
    {
        let site = Location::caller();
        let id = self.register(ChildKind::Thread, site);
        let shared = Arc::clone(&self.shared);
        let run = move || {
            let failure = match catch_unwind(AssertUnwindSafe(f)) {
                Ok(outcome) => outcome.failure(),
                Err(payload) => Some(format!("panicked: {}", panic_message(&*payload))),
            };
            shared.complete(id, failure);
        };
        let run: Box<dyn FnOnce() + Send> = match TestContext::current() {
            Some(ctx) => Box::new(ctx.wrap_fn(run)),
            None => Box::new(run),
        };
        let name = format!(
            "{}/scope-thread-{id}",
            self.test.as_deref().unwrap_or("test")
        );
        match std::thread::Builder::new().name(name).spawn(run) {
            Ok(handle) => self
                .threads
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(handle),
            Err(e) => self
                .shared
                .complete(id, Some(format!("could not start: {e}"))),
        }
    }

    /// Runs `fut` as a tokio task owned by this scope, inside the test's context. A panic or
    /// an `Err` it returns fails the test when the scope ends, naming this call's line.
    ///
    /// Panics when called outside a tokio runtime.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let scope = testrig::scope::TaskScope::new();
    /// scope.spawn(async { tokio::task::yield_now().await });
    /// scope.join().await;
    /// # });
    /// ```
    #[cfg(feature = "tokio")]
    #[track_caller]
    pub fn spawn<F>(&self, fut: F)
    where
        F: std::future::Future + Send + 'static,
        F::Output: ChildOutcome + Send + 'static,
    {
        let site = Location::caller();
        if tokio::runtime::Handle::try_current().is_err() {
            panic!(
                "testrig: `TaskScope::spawn` needs a tokio runtime; call it from an async test \
                 (`#[tokio::test]`), or use `spawn_thread` for blocking work"
            );
        }
        let id = self.register(ChildKind::Task, site);
        let shared = Arc::clone(&self.shared);
        let run = async move {
            let failure = match crate::outcome::CatchUnwind::new(fut).await {
                Ok(outcome) => outcome.failure(),
                Err(payload) => Some(format!("panicked: {}", panic_message(&*payload))),
            };
            shared.complete(id, failure);
        };
        let handle = match TestContext::current() {
            Some(ctx) => tokio::spawn(ctx.wrap(run)),
            None => tokio::spawn(run),
        };
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((id, handle));
    }

    /// Cancels every task of this scope that is still running. Cancelled tasks are not
    /// failures; use this for background loops (servers, pollers) the test no longer needs.
    /// Threads cannot be cancelled and are left alone.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let scope = testrig::scope::TaskScope::new();
    /// scope.spawn(std::future::pending::<()>());
    /// scope.cancel();
    /// scope.join().await; // passes: the endless task was cancelled on request
    /// # });
    /// ```
    #[cfg(feature = "tokio")]
    pub fn cancel(&self) {
        let aborted = self.abort_running(|| Status::Cancelled);
        self.cancelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(aborted);
    }

    #[cfg(feature = "tokio")]
    fn abort_running(&self, status: impl Fn() -> Status) -> Vec<tokio::task::JoinHandle<()>> {
        let mut aborted = Vec::new();
        let mut tasks = self.tasks.lock().unwrap_or_else(PoisonError::into_inner);
        let mut state = self.shared.lock();
        for (id, handle) in tasks.drain(..) {
            if state.children[id].status == Status::Running {
                handle.abort();
                state.children[id].status = status();
                aborted.push(handle);
            }
        }
        aborted
    }

    /// Waits (up to the join limit) for every child, cancels tasks still running, and fails
    /// the test listing every child that panicked, returned `Err` or did not finish.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let scope = testrig::scope::TaskScope::new();
    /// scope.spawn(async { Ok::<_, String>(42) });
    /// scope.spawn_thread(|| ());
    /// scope.join().await;
    /// # });
    /// ```
    #[cfg(feature = "tokio")]
    #[track_caller]
    pub fn join(self) -> impl std::future::Future<Output = ()> {
        let site = Location::caller();
        async move { self.join_report().await.assert_ok_at(site) }
    }

    /// Like [`join`](Self::join), but returns the report instead of failing the test.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let scope = testrig::scope::TaskScope::new();
    /// scope.spawn(async { Err::<(), _>("no route to host") });
    /// let report = scope.join_report().await;
    /// assert_eq!(report.failures().len(), 1);
    /// assert!(report.to_string().contains("no route to host"));
    /// # });
    /// ```
    #[cfg(feature = "tokio")]
    pub async fn join_report(mut self) -> ScopeReport {
        self.ended = true;
        let deadline = crate::timeout::deadline_after(self.join_limit);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if self.shared.running(None) == 0 || left.is_zero() {
                break;
            }
            let _ = tokio::time::timeout(left, self.shared.notify.notified()).await;
        }
        let limit = self.join_limit;
        let mut aborted = self.abort_running(|| Status::Failed(still_running_task(limit)));
        aborted.append(
            &mut self
                .cancelled
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for handle in aborted {
            // Returns once the task is dropped, so nothing of it outlives the scope.
            let _ = handle.await;
        }
        self.collect()
    }

    /// Blocks (up to the join limit) until every child is done, cancels tasks still running,
    /// and fails the test listing every child that panicked, returned `Err` or did not
    /// finish. In async tests prefer `join().await`, which lets tasks run while it waits.
    ///
    /// ```
    /// let scope = testrig::scope::TaskScope::new();
    /// scope.spawn_thread(|| Err::<(), _>("disk full"));
    /// let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scope.finish()));
    /// let message = *failed.unwrap_err().downcast::<String>().unwrap();
    /// assert!(message.contains("disk full"), "{message}");
    /// ```
    #[track_caller]
    pub fn finish(self) {
        let site = Location::caller();
        self.finish_report().assert_ok_at(site);
    }

    /// Like [`finish`](Self::finish), but returns the report instead of failing the test.
    ///
    /// ```
    /// let scope = testrig::scope::TaskScope::new();
    /// let shard = 3;
    /// scope.spawn_thread(move || assert!(shard != 3, "shard {shard} is corrupt"));
    /// let report = scope.finish_report();
    /// assert!(report.failures()[0].message().contains("shard 3 is corrupt"));
    /// ```
    pub fn finish_report(mut self) -> ScopeReport {
        self.end(None)
    }

    /// Waits up to the join limit for children of `kind` (all when `None`), then settles the
    /// rest: tasks are aborted, threads are reported as detached.
    fn end(&mut self, kind: Option<ChildKind>) -> ScopeReport {
        self.ended = true;
        self.shared
            .wait_blocking(kind, crate::timeout::deadline_after(self.join_limit));
        #[cfg(feature = "tokio")]
        {
            let message = match kind {
                None => still_running_task(self.join_limit),
                Some(_) => "still running when the scope was dropped; cancelled (end async \
                            scopes with `scope.join().await` to let tasks finish)"
                    .to_owned(),
            };
            self.abort_running(|| Status::Failed(message.clone()));
        }
        self.collect()
    }

    fn collect(&mut self) -> ScopeReport {
        let mut state = self.shared.lock();
        let limit = self.join_limit;
        for child in &mut state.children {
            if child.status == Status::Running {
                child.status = Status::Failed(format!(
                    "still running after the join limit of {}; the thread is left detached (a \
                     thread cannot be cancelled)",
                    crate::outcome::human(limit)
                ));
            }
        }
        let failures = state
            .children
            .iter()
            .filter_map(|c| match &c.status {
                Status::Failed(message) => Some(ChildFailure {
                    kind: c.kind,
                    site: c.site,
                    message: message.clone(),
                }),
                _ => None,
            })
            .collect();
        drop(state);
        // Threads that finished are joined so nothing of them is left; the others stay detached.
        let threads =
            std::mem::take(&mut *self.threads.lock().unwrap_or_else(PoisonError::into_inner));
        for handle in threads {
            if handle.is_finished() {
                let _ = handle.join();
            }
        }
        ScopeReport {
            test: self.test.clone(),
            failures,
        }
    }
}

#[cfg(feature = "tokio")]
fn still_running_task(limit: Duration) -> String {
    format!(
        "still running after the join limit of {}; cancelled",
        crate::outcome::human(limit)
    )
}

impl Drop for TaskScope {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        let report = self.end(Some(ChildKind::Thread));
        if report.is_ok() {
            return;
        }
        if std::thread::panicking() {
            // The test already fails; a second panic here would abort the process.
            crate::core::report(format_args!("{report}"));
        } else {
            panic!("{report}");
        }
    }
}

/// One child that failed: what it was, where it was spawned, what went wrong.
#[derive(Debug, Clone)]
pub struct ChildFailure {
    kind: ChildKind,
    site: &'static Location<'static>,
    message: String,
}

impl ChildFailure {
    /// A task or a thread.
    ///
    /// ```
    /// let scope = testrig::scope::TaskScope::new();
    /// scope.spawn_thread(|| assert_eq!(1 + 1, 3));
    /// let report = scope.finish_report();
    /// assert_eq!(report.failures()[0].kind(), testrig::scope::ChildKind::Thread);
    /// ```
    pub fn kind(&self) -> ChildKind {
        self.kind
    }

    /// The line that spawned the child.
    ///
    /// ```
    /// let scope = testrig::scope::TaskScope::new();
    /// let line = line!() + 1;
    /// scope.spawn_thread(|| assert_eq!(1 + 1, 3));
    /// assert_eq!(scope.finish_report().failures()[0].site().line(), line);
    /// ```
    pub fn site(&self) -> &'static Location<'static> {
        self.site
    }

    /// What went wrong: `panicked: <message>`, `returned Err(<debug>)`, or that it did not
    /// finish in time.
    ///
    /// ```
    /// let scope = testrig::scope::TaskScope::new();
    /// scope.spawn_thread(|| Err::<(), _>(7));
    /// assert_eq!(scope.finish_report().failures()[0].message(), "returned Err(7)");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ChildFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} spawned at {} {}", self.kind, self.site, self.message)
    }
}

/// What a scope found when it ended. `Display` is the message the test fails with.
#[derive(Debug, Clone)]
pub struct ScopeReport {
    test: Option<String>,
    failures: Vec<ChildFailure>,
}

impl ScopeReport {
    /// Every child that failed, in spawn order.
    ///
    /// ```
    /// let scope = testrig::scope::TaskScope::new();
    /// scope.spawn_thread(|| ());
    /// assert!(scope.finish_report().failures().is_empty());
    /// ```
    pub fn failures(&self) -> &[ChildFailure] {
        &self.failures
    }

    /// Whether no child failed.
    ///
    /// ```
    /// assert!(testrig::scope::TaskScope::new().finish_report().is_ok());
    /// ```
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }

    /// Fails the test with this report unless no child failed.
    ///
    /// ```
    /// testrig::scope::TaskScope::new().finish_report().assert_ok();
    /// ```
    #[track_caller]
    pub fn assert_ok(self) {
        self.assert_ok_at(Location::caller());
    }

    fn assert_ok_at(self, site: &'static Location<'static>) {
        if !self.is_ok() {
            panic!("{self}\n(scope ended at {site})");
        }
    }
}

impl fmt::Display for ScopeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.failures.len();
        write!(
            f,
            "testrig: {n} {} of the task scope of {} failed:",
            if n == 1 { "child" } else { "children" },
            match &self.test {
                Some(name) => format!("test `{name}`"),
                None => "the test".to_owned(),
            }
        )?;
        for failure in &self.failures {
            write!(f, "\n  - {failure}")?;
        }
        Ok(())
    }
}
