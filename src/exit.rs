//! Work left for process exit: session fixture teardown, then a report of guards still live.
//!
//! `atexit` runs when the test harness returns from `main` or calls `process::exit`, under
//! `cargo test` and under nextest alike, so session-scoped values really are dropped.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, Once, PoisonError};

type Hook = Box<dyn FnOnce() + Send>;

static HOOKS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());

/// Installs the exit handler once per process.
pub(crate) fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        unsafe extern "C" {
            fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
        }
        // SAFETY: `atexit` is the C standard library's; `on_exit` is a plain `extern "C"`
        // function that never unwinds (everything in it runs under `catch_unwind`).
        let _ = unsafe { atexit(on_exit) };
    });
}

/// Runs `hook` at process exit. Hooks run newest first, like the drops of locals.
pub(crate) fn at_exit(hook: impl FnOnce() + Send + 'static) {
    register();
    HOOKS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Box::new(hook));
}

extern "C" fn on_exit() {
    let _ = catch_unwind(|| {
        loop {
            // Take one at a time: a hook may register another (a session fixture dropping
            // a value that was itself built lazily at exit).
            let hook = HOOKS.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let Some(hook) = hook else { break };
            if catch_unwind(AssertUnwindSafe(hook)).is_err() {
                crate::core::report(format_args!(
                    "testrig: a session teardown panicked at process exit; the others still ran"
                ));
            }
        }
        for (leak, holder) in crate::core::live_guards() {
            crate::core::report(format_args!(
                "testrig: at process exit, {leak} (held by `{holder}`) was still live. \
                 A guard kept in a `static` or passed to `mem::forget` is never dropped; \
                 keep it in a local so it ends with its test."
            ));
        }
    });
}
