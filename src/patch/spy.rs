//! Spies: a patch that calls the real function and records every call.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use super::slot::{PatchGuard, PatchSlot};

/// A live spy on a patchable function: calls go to the real function, and each one is
/// recorded, with its arguments turned into owned values (`&Path` → `PathBuf`, `&str` →
/// `String`, a `Clone` value cloned). `A` is the argument (one argument), a tuple of them
/// (several), or `()` (none, or made with `spy!(path, count_only)`).
///
/// Made by [`spy!`](macro@crate::spy); dropping it ends the spying. Calls from every thread are
/// recorded except those made inside another testrig test (see
/// [Parallel tests](mod@crate::patch#parallel-tests)); a failing assertion marks the calls that
/// came from a thread without a test context and names it. On an `async fn` a call is recorded
/// when its future is first polled.
///
/// ```
/// use std::path::{Path, PathBuf};
/// use testrig::{patchable, spy};
///
/// #[patchable(always)]
/// fn touch(path: &Path, len: u64) -> u64 {
///     len * 2
/// }
///
/// # fn main() {
/// let spy = spy!(touch);
/// assert_eq!(touch(Path::new("/tmp/a"), 21), 42); // the real function still runs
/// spy.assert_called_once_with((PathBuf::from("/tmp/a"), 21));
/// assert_eq!(spy.count(), 1);
/// # }
/// ```
#[must_use = "the spy stops recording as soon as it drops, and `let _ = ...` drops it at once; bind it with `let spy = ...`"]
pub struct Spy<A> {
    calls: Arc<Mutex<Calls<A>>>,
    _guard: PatchGuard,
}

/// The recorded calls, and which of them came from a thread without a test context that
/// testrig cannot tell to be the spying test's own (a thread it started without its context,
/// or a plain `#[test]` running beside it, whose calls the test's assertions then count).
/// Failure messages name those threads.
struct Calls<A> {
    args: Vec<A>,
    /// (index into `args`, the calling thread's name)
    contextless: Vec<(usize, String)>,
}

/// Where a spy's replacement records calls. Not a public API.
#[doc(hidden)]
pub struct Recorder<A> {
    calls: Arc<Mutex<Calls<A>>>,
    /// The test the spy was made in, if any.
    owner: Option<u64>,
}

impl<A> Recorder<A> {
    /// Records one call.
    pub fn record(&self, args: A) {
        let contextless = self
            .owner
            .filter(|&owner| crate::context::is_other_contextless_thread(owner))
            .map(|_| crate::context::this_thread_name());
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(thread) = contextless {
            let at = calls.args.len();
            calls.contextless.push((at, thread));
        }
        calls.args.push(args);
    }
}

impl<A: Send + 'static> Spy<A> {
    /// Installs the replacement that `make` builds around a recorder. Called by the companion
    /// item that `#[patchable]` emits.
    #[doc(hidden)]
    #[track_caller]
    pub fn __new<F: ?Sized + Send + Sync + 'static>(
        slot: &'static PatchSlot,
        make: impl FnOnce(Recorder<A>) -> Box<F>,
    ) -> Self {
        let calls = Arc::new(Mutex::new(Calls {
            args: Vec::new(),
            contextless: Vec::new(),
        }));
        let f = make(Recorder {
            calls: calls.clone(),
            owner: crate::context::current_test_id(),
        });
        Spy {
            calls,
            _guard: slot.patch(f),
        }
    }
}

impl<A> Spy<A> {
    /// How many calls were recorded so far.
    ///
    /// ```
    /// # use testrig::{patchable, spy};
    /// #[patchable(always)]
    /// fn ping() {}
    /// # fn main() {
    /// let spy = spy!(ping);
    /// ping();
    /// ping();
    /// assert_eq!(spy.count(), 2);
    /// # }
    /// ```
    pub fn count(&self) -> usize {
        self.lock().args.len()
    }

    /// The recorded arguments of every call, oldest first.
    ///
    /// ```
    /// # use testrig::{patchable, spy};
    /// #[patchable(always)]
    /// fn greet(name: &str) -> String {
    ///     format!("hello {name}")
    /// }
    /// # fn main() {
    /// let spy = spy!(greet);
    /// greet("ada");
    /// greet("grace");
    /// assert_eq!(spy.calls(), ["ada", "grace"]);
    /// # }
    /// ```
    pub fn calls(&self) -> Vec<A>
    where
        A: Clone,
    {
        self.lock().args.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Calls<A>> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<A: fmt::Debug> Spy<A> {
    /// Panics unless exactly `n` calls were recorded.
    ///
    /// ```
    /// # use testrig::{patchable, spy};
    /// #[patchable(always)]
    /// fn ping() {}
    /// # fn main() {
    /// let spy = spy!(ping);
    /// ping();
    /// spy.assert_called_times(1);
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_called_times(&self, n: usize) {
        let calls = self.lock();
        if calls.args.len() != n {
            panic!(
                "testrig: expected {n} call{}, got {}{}",
                plural(n),
                calls.args.len(),
                calls.list()
            );
        }
    }

    /// Panics unless exactly one call was recorded.
    ///
    /// ```
    /// # use testrig::{patchable, spy};
    /// #[patchable(always)]
    /// fn ping() {}
    /// # fn main() {
    /// let spy = spy!(ping);
    /// ping();
    /// spy.assert_called_once();
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_called_once(&self) {
        self.assert_called_times(1);
    }

    /// Panics if any call was recorded.
    ///
    /// ```
    /// # use testrig::{patchable, spy};
    /// #[patchable(always)]
    /// fn ping() {}
    /// # fn main() {
    /// let spy = spy!(ping);
    /// spy.assert_not_called();
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_not_called(&self) {
        self.assert_called_times(0);
    }

    /// Panics unless exactly one call was recorded, with arguments equal to `expected`.
    ///
    /// ```
    /// # use testrig::{patchable, spy};
    /// #[patchable(always)]
    /// fn greet(name: &str) -> String {
    ///     format!("hello {name}")
    /// }
    /// # fn main() {
    /// let spy = spy!(greet);
    /// greet("ada");
    /// spy.assert_called_once_with("ada");
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_called_once_with<E: fmt::Debug>(&self, expected: E)
    where
        A: PartialEq<E>,
    {
        let calls = self.lock();
        if calls.args.len() != 1 || calls.args[0] != expected {
            panic!(
                "testrig: expected one call with {expected:?}, got {}{}",
                calls.args.len(),
                calls.list()
            );
        }
    }

    /// Panics unless at least one recorded call had arguments equal to `expected`.
    ///
    /// ```
    /// # use testrig::{patchable, spy};
    /// #[patchable(always)]
    /// fn greet(name: &str) -> String {
    ///     format!("hello {name}")
    /// }
    /// # fn main() {
    /// let spy = spy!(greet);
    /// greet("ada");
    /// greet("grace");
    /// spy.assert_called_with("grace");
    /// # }
    /// ```
    #[track_caller]
    pub fn assert_called_with<E: fmt::Debug>(&self, expected: E)
    where
        A: PartialEq<E>,
    {
        let calls = self.lock();
        if !calls.args.iter().any(|c| *c == expected) {
            panic!(
                "testrig: expected a call with {expected:?}, got {}{}",
                calls.args.len(),
                calls.list()
            );
        }
    }
}

impl<A: fmt::Debug> fmt::Debug for Spy<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spy")
            .field("calls", &self.lock().args)
            .finish()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl<A: fmt::Debug> Calls<A> {
    /// One line a call, and why calls from threads without a test context were counted.
    fn list(&self) -> String {
        let mut text = String::new();
        let mut contextless = self.contextless.iter().peekable();
        for (i, call) in self.args.iter().enumerate() {
            text += &format!("\n  call {}: {call:?}", i + 1);
            if let Some((_, thread)) = contextless.next_if(|(at, _)| *at == i) {
                text += &format!(" (from thread `{thread}`, which has no test context)");
            }
        }
        if !self.contextless.is_empty() {
            text += "\nCalls from threads without a test context count: the threads a test \
                     starts belong to it, and so does a plain `#[test]` running beside it, which \
                     nothing tells apart from them. If such a thread is a plain `#[test]`, give \
                     it `#[testrig::test]`: its calls then run unrecorded.";
        }
        text
    }
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Spy<std::path::PathBuf>>();
};
