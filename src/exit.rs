//! Work left for process exit: session fixture teardown, then the end-of-run failure report.
//!
//! `atexit` runs when the test harness returns from `main` or calls `process::exit`, under
//! `cargo test` and under nextest alike, so session-scoped values really are dropped.
//!
//! Some failures are found where no test can fail any more: a guard leaked by a plain
//! `#[test]` (restored when its thread ends), a restore that failed after its test ended, a
//! guard still live at exit. Each is printed when found and again at exit, and then the
//! process exits with status 101, as libtest does for a failed test: under `cargo test` the
//! run fails naming the test, under nextest (a process per test) that test fails.

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, Once, PoisonError};

type Hook = Box<dyn FnOnce() + Send>;

static HOOKS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());

/// Failures that fail the whole run at exit.
static FAILURES: Mutex<Vec<String>> = Mutex::new(Vec::new());

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

/// Reports `text` now (stderr, past the harness's capture) and fails the run at exit.
pub(crate) fn fail_run(text: String) {
    register();
    crate::core::report(format_args!("{text}"));
    FAILURES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(text);
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
            fail_run(format!(
                "testrig: at process exit, {leak} (held by `{holder}`) was still live. \
                 A guard kept in a `static` or passed to `mem::forget` is never dropped; \
                 keep it in a local so it ends with its test."
            ));
        }
        for problem in crate::core::take_problems(None) {
            fail_run(problem);
        }
        let failures =
            std::mem::take(&mut *FAILURES.lock().unwrap_or_else(PoisonError::into_inner));
        if failures.is_empty() {
            return;
        }
        let mut text = format!(
            "\ntestrig: the run fails: {} problem{} found where no test could fail any more:\n",
            failures.len(),
            if failures.len() == 1 {
                " was"
            } else {
                "s were"
            }
        );
        for failure in &failures {
            text += &format!("  - {}\n", failure.replace('\n', "\n    "));
        }
        crate::core::report(format_args!("{text}"));
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        unsafe extern "C" {
            fn _exit(status: std::ffi::c_int) -> !;
        }
        // SAFETY: `_exit` ends the process at once, without running the remaining `atexit`
        // handlers (calling `exit` from one is undefined behaviour); both std streams were
        // flushed above, and testrig's own exit work is done.
        unsafe { _exit(101) }
    });
}
