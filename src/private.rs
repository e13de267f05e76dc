//! What macro output calls. Not a public API: names and signatures change without notice.

use crate::context::{Owner, TestContext};

pub use crate::fixture::literal;
#[cfg(feature = "proptest")]
pub use crate::fixture::proptest;
pub use crate::fixture::{
    AsyncFixture, Autouse, BoxFuture, Fixture, FunctionScope, Held, ImplTrait, Named, Params,
    Resolver, ReturnsImplTrait, SessionCall, SessionCell, Standalone, SyncFixture, TakeValue,
    TakeValueAsync, TestMeta, TestResult, Use, boxed, check, hold, nth_case, ready,
    register_autouse, run, run_async, run_bare, run_case, run_case_async, run_case_bare, supply,
    with_params, with_params_async, with_supplied, with_supplied_async,
};
#[cfg(feature = "tokio")]
pub use crate::fixture::{AsyncSessionCell, block_on, run_blocking, run_case_blocking};
pub use crate::patch::PatchSlot;
pub use crate::run_options::{RunOptions, run_with_options, run_with_options_async};
pub use testrig_macros::__params_finish as params_finish;

/// Restores every guard `ctx`'s test still holds and describes them, one per line, together
/// with the restores that failed during the test; `None` when the test left nothing wrong.
pub fn restore_leaked_guards(ctx: &TestContext) -> Option<String> {
    let owner = Owner::Test(ctx.id());
    let leaks = crate::core::restore_owner(owner);
    let mut problems = crate::core::take_problems(Some(owner));
    if !leaks.is_empty() {
        let mut text = format!(
            "testrig: test `{}` ended with {} patch{} still live (leaked with `mem::forget`, kept \
             in a `static`, or moved somewhere that outlived the test). testrig restored {}:\n",
            ctx.name(),
            leaks.len(),
            if leaks.len() == 1 { "" } else { "es" },
            if leaks.len() == 1 { "it" } else { "them" },
        );
        for leak in &leaks {
            text += &format!("  - {leak}\n");
        }
        text += "Keep guards in locals (`let _guard = ...`) so they drop when the test ends.";
        problems.insert(0, text);
    }
    (!problems.is_empty()).then(|| problems.join("\n"))
}

/// Releases what a test past its time limit still holds, so that the tests waiting for its
/// keys go on, and says what that was; `None` when it held nothing. The body may still be
/// running: its guards find nothing to undo when they drop later.
pub(crate) fn release_timed_out(ctx: &TestContext) -> Option<String> {
    let owner = Owner::Test(ctx.id());
    let released = crate::core::restore_owner(owner);
    let mut problems = crate::core::take_problems(Some(owner));
    if !released.is_empty() {
        let mut text = String::from(
            "testrig: what the timed-out test held was restored and released, so that tests \
             waiting for it go on:\n",
        );
        for leak in &released {
            text += &format!("  - {leak}\n");
        }
        problems.insert(0, text.trim_end().to_owned());
    }
    (!problems.is_empty()).then(|| problems.join("\n"))
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

/// One step of a parametrized-fixture chain: calls the next fixture's companion macro, or,
/// when none is left, the step that writes the tests (see `#[fixture(params = ..)]`).
#[doc(hidden)]
#[macro_export]
macro_rules! __testrig_chain {
    ([[$($next:tt)*] $($rest:tt)*] [$($acc:tt)*] $payload:tt) => {
        $($next)*! { @testrig [$($rest)*] [$($acc)*] $payload }
    };
    ([] [$($acc:tt)*] $payload:tt) => {
        $crate::__private::params_finish! { [$($acc)*] $payload }
    };
}

/// The companion macro of a fixture that is not parametrized and takes no fixtures: it adds
/// nothing to the chain. testrig's own fixtures re-export it under their names.
#[doc(hidden)]
#[macro_export]
macro_rules! __testrig_plain_fixture {
    (@testrig [$($next:tt)*] [$($acc:tt)*] $payload:tt) => {
        $crate::__testrig_chain! { [$($next)*] [$($acc)*] $payload }
    };
}

/// No type has it: `patch!(Type::method, ..)` and `spy!(Type::method)` ask for it only when
/// `method` has no seam (see `testrig_macros::patch_macro`), so this message is the error.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no patchable method `{M}`",
    label = "`{M}` is not `#[testrig::patchable]`",
    note = "`patch!` and `spy!` replace functions marked `#[testrig::patchable]`: put it on the \
            `impl` block that defines `{M}`, or on `{M}` itself"
)]
pub trait Seam<M: ?Sized> {}
