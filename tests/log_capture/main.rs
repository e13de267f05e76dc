//! Log capture: isolation between parallel tests, following threads and tasks, assertions,
//! levels. testrig's logger and subscriber are the process-wide ones here; the orders in which
//! an application installs its own are in the `log_order_*` and `tracing_app_*` test binaries.
#![cfg(any(feature = "log", feature = "tracing"))]

mod assertions;
mod isolation;
mod levels;
mod lines;
mod model;
mod one_test_per_process;
mod runtimes;
mod spawned;
mod tokio_tasks;

/// The panic message of `f`, which must panic.
pub(crate) fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let err = std::panic::catch_unwind(f).expect_err("expected a panic");
    match err.downcast::<String>() {
        Ok(s) => *s,
        Err(err) => err
            .downcast::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}
