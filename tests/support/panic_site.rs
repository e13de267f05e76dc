//! The message of a panic and the `file:line` it names, for tests of messages that must
//! point at the caller's line. Included by path by the test binaries and unit tests that need it.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    static LAST_PANIC: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
}

/// Runs `f`, which must panic, and returns its message and the file:line the panic names.
/// One hook for the whole binary records each thread's last panic site, so tests that panic
/// in parallel never swap hooks under each other.
pub(crate) fn panic_of(f: impl FnOnce()) -> (String, String) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(l) = info.location() {
                LAST_PANIC.with(|p| *p.borrow_mut() = Some((l.file().to_owned(), l.line())));
            }
            previous(info);
        }));
    });
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    let (file, line) = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap();
    (message, format!("{file}:{line}"))
}
