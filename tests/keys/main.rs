//! Shared and exclusive keys: the whole environment (`env::lock_all`, `whole_env`), the
//! `shared`/`serial` sides of named keys, re-entry, the fake clock per test, and `Option`
//! values in env arrays.
//!
//! Tests that must run side by side are driven from one test by threads that each carry a
//! test context of their own (as the runner gives every test), so they hold under
//! `cargo test --test-threads=16` and under nextest's process per test alike.

mod clock_per_test;
mod env_values;
mod reentry;
mod shared;
mod whole_env;

use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// A rendezvous of `n` parties that fails instead of hanging: each [`Meet::arrive`] waits
/// until all have arrived. Parties that can never be inside together (serialized by a key)
/// never complete it, and the bound turns that into a failure.
pub struct Meet {
    n: usize,
    arrived: Mutex<usize>,
    all_in: Condvar,
}

impl Meet {
    /// A rendezvous of `n` parties.
    pub const fn new(n: usize) -> Self {
        Meet {
            n,
            arrived: Mutex::new(0),
            all_in: Condvar::new(),
        }
    }

    /// Arrives, then waits for the others; panics when they never all arrive.
    #[track_caller]
    pub fn arrive(&self, what: &str) {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.all_in.notify_all();
        let (arrived, wait) = self
            .all_in
            .wait_timeout_while(arrived, Duration::from_secs(60), |a| *a < self.n)
            .unwrap();
        assert!(
            !wait.timed_out(),
            "{what}: only {} of {} were ever inside together",
            *arrived,
            self.n
        );
    }
}

/// Runs `f` on a thread of its own inside a fresh test context named `name`, as the runner
/// runs a test.
pub fn as_test<R: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> R + Send + 'static,
) -> std::thread::JoinHandle<R> {
    let ctx = testrig::context::TestContext::new(name, None);
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(ctx.wrap_fn(f))
        .unwrap()
}

thread_local! {
    static DRIVEN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is running a test fn on behalf of a driver test (see [`drive`]).
/// Driven test fns return at once when the harness runs them on their own.
pub fn driven() -> bool {
    DRIVEN.with(std::cell::Cell::get)
}

/// Calls the testrig test fn `test` as the harness would (from a thread with no context), for
/// a driver test that makes several tests meet.
pub fn drive(test: fn()) {
    DRIVEN.with(|d| d.set(true));
    test();
}

/// The panic message of a joined thread.
pub fn panic_text(result: std::thread::Result<()>) -> String {
    let payload = result.expect_err("expected a panic");
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p
            .downcast::<&str>()
            .map(|s| (*s).to_owned())
            .unwrap_or_default(),
    }
}
