//! What macro output calls. Not a public API: names and signatures change without notice.

use crate::context::{Owner, TestContext};

#[cfg(feature = "proptest")]
pub use crate::fixture::proptest;
pub use crate::fixture::{
    AsyncFixture, Autouse, BoxFuture, Fixture, FunctionScope, Held, Resolver, SessionCell,
    SyncFixture, TestMeta, TestResult, Use, boxed, check, hold, nth_case, ready, register_autouse,
    run, run_async, run_case, run_case_async, standalone,
};
#[cfg(feature = "tokio")]
pub use crate::fixture::{AsyncSessionCell, block_on, run_blocking, run_case_blocking};
pub use crate::patch::PatchSlot;
pub use crate::run_options::{RunOptions, run_with_options, run_with_options_async};

/// Restores every guard `ctx`'s test still holds and describes them, one per line, or `None`
/// when the test left nothing patched.
pub fn restore_leaked_guards(ctx: &TestContext) -> Option<String> {
    let leaks = crate::core::restore_owner(Owner::Test(ctx.id()));
    if leaks.is_empty() {
        return None;
    }
    let mut text = format!(
        "testrig: test `{}` ended with {} patch{} still live (leaked with `mem::forget`, kept in \
         a `static`, or moved somewhere that outlived the test). testrig restored {}:\n",
        ctx.name(),
        leaks.len(),
        if leaks.len() == 1 { "" } else { "es" },
        if leaks.len() == 1 { "it" } else { "them" },
    );
    for leak in &leaks {
        text += &format!("  - {leak}\n");
    }
    text += "Keep guards in locals (`let _guard = ...`) so they drop when the test ends.";
    Some(text)
}

/// Poisons the guard core's mutex, to prove that a poisoned lock is recovered.
pub fn poison_core_lock() {
    crate::core::poison_for_tests();
}

/// Emits its input when testrig's `seams` feature is on: `#[patchable]` output for builds
/// that are not test builds of the user's crate.
#[cfg(feature = "seams")]
#[doc(hidden)]
#[macro_export]
macro_rules! __testrig_if_seams {
    ($($item:tt)*) => { $($item)* };
}

#[cfg(not(feature = "seams"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __testrig_if_seams {
    ($($item:tt)*) => {};
}

/// Emits its input when testrig's `seams` feature is off: the function exactly as written.
#[cfg(not(feature = "seams"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __testrig_if_no_seams {
    ($($item:tt)*) => { $($item)* };
}

#[cfg(feature = "seams")]
#[doc(hidden)]
#[macro_export]
macro_rules! __testrig_if_no_seams {
    ($($item:tt)*) => {};
}

pub use crate::{__testrig_if_no_seams as if_no_seams, __testrig_if_seams as if_seams};
