//! Tests the runner starts without making their context. Most cases of a parametrized test
//! ask nothing of testrig while they run (no guard, no fixture, no log capture), and making a
//! context (a name, an `Arc`, the registry of running tests, a thread-local with a destructor)
//! costs more than such a test's own body. So a test whose body takes nothing from testrig
//! starts with only a note on its thread; the first thing that asks for the context there
//! ([`TestContext::current`], a guard taking its owner) makes it, as the runner would have made
//! it before the body, and the runner then ends that test as any other: leak check, mock
//! servers' verdicts, case report.
//!
//! Other threads never see the note: a thread the test starts carries its context only when
//! started with [`TestContext::wrap_fn`], which asks for it, and so makes it, first.

use std::cell::Cell;
use std::time::Instant;

use super::{CURRENT, Running, TestContext};
use crate::fixture::TestMeta;

/// A test started without its context, and what making it takes.
#[derive(Clone, Copy)]
struct Deferred {
    meta: &'static TestMeta,
    /// The case's record, for a case of a parametrized test.
    record: Option<&'static str>,
    started: Instant,
    /// The context was made: it is entered on this thread, and registered as running.
    made: bool,
}

thread_local! {
    static DEFERRED: Cell<Option<Deferred>> = const { Cell::new(None) };
    /// How many contexts are entered on this thread (`CURRENT` is `Some` when this is not 0):
    /// read instead of `CURRENT`, whose first use on a thread registers a destructor.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// One more (`1`) or one fewer (`-1`) context entered on this thread.
pub(super) fn entered(delta: isize) {
    // `try_with`: an `Entered` may drop during thread teardown.
    let _ = DEPTH.try_with(|d| d.set(d.get().wrapping_add_signed(delta)));
}

/// Nothing runs on this thread yet: no context entered, no test deferred. A test started
/// otherwise is nested in another one, and runs in that one's context.
pub(crate) fn nothing_entered() -> bool {
    DEPTH.with(Cell::get) == 0 && DEFERRED.with(Cell::get).is_none()
}

/// Starts `meta`'s test (its case `record`) on this thread without its context.
pub(crate) fn defer(meta: &'static TestMeta, record: Option<&'static str>) {
    DEFERRED.with(|d| {
        d.set(Some(Deferred {
            meta,
            record,
            started: Instant::now(),
            made: false,
        }));
    });
}

/// Makes the context of the test deferred on this thread, if there is one and no other
/// context is entered in front of it (one the test entered itself stays the current one).
pub(super) fn make_if_asked() {
    let Ok(Some(deferred)) = DEFERRED.try_with(Cell::get) else {
        return;
    };
    if deferred.made || DEPTH.with(Cell::get) != 0 {
        return;
    }
    DEFERRED.with(|d| {
        d.set(Some(Deferred {
            made: true,
            ..deferred
        }));
    });
    let ctx = crate::fixture::deferred_context(deferred.meta, deferred.record, deferred.started);
    CURRENT.with(|c| *c.borrow_mut() = Some(ctx.clone()));
    entered(1);
    // Ended by `end_deferred`'s `Running`.
    std::mem::forget(ctx.run_sync());
}

/// Ends the test deferred on this thread. When something made its context, that context is
/// left and handed back, with the guard that ends its run: the runner ends the test with it.
pub(crate) fn end_deferred() -> Option<(TestContext, Running)> {
    let deferred = DEFERRED.with(Cell::take)?;
    if !deferred.made {
        return None;
    }
    let ctx = CURRENT.with(|c| c.borrow_mut().take())?;
    entered(-1);
    let running = Running { id: ctx.id() };
    Some((ctx, running))
}
