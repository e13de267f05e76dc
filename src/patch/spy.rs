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
/// recorded. On an `async fn` a call is recorded when its future is first polled.
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
    calls: Arc<Mutex<Vec<A>>>,
    _guard: PatchGuard,
}

/// Where a spy's replacement records calls. Not a public API.
#[doc(hidden)]
pub struct Recorder<A> {
    calls: Arc<Mutex<Vec<A>>>,
}

impl<A> Recorder<A> {
    /// Records one call.
    pub fn record(&self, args: A) {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(args);
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
        let calls = Arc::new(Mutex::new(Vec::new()));
        let f = make(Recorder {
            calls: calls.clone(),
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
        self.lock().len()
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
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<A>> {
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
        if calls.len() != n {
            panic!(
                "testrig: expected {n} call{}, got {}{}",
                plural(n),
                calls.len(),
                list(&calls)
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
        if calls.len() != 1 || calls[0] != expected {
            panic!(
                "testrig: expected one call with {expected:?}, got {}{}",
                calls.len(),
                list(&calls)
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
        if !calls.iter().any(|c| *c == expected) {
            panic!(
                "testrig: expected a call with {expected:?}, got {}{}",
                calls.len(),
                list(&calls)
            );
        }
    }
}

impl<A: fmt::Debug> fmt::Debug for Spy<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Spy").field("calls", &*self.lock()).finish()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn list<A: fmt::Debug>(calls: &[A]) -> String {
    let mut text = String::new();
    for (i, call) in calls.iter().enumerate() {
        text += &format!("\n  call {}: {call:?}", i + 1);
    }
    text
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Spy<std::path::PathBuf>>();
};
