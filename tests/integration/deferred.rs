//! Tests whose body takes nothing from testrig start without their context; the first thing
//! that asks for it makes it, the same as the runner would have before the body.

use std::cell::Cell;
use std::time::Instant;

use testrig::context::{Attribution, TestContext};
use testrig::prelude::*;

#[testrig::test]
#[case::first(1)]
#[case::second(2)]
fn a_case_that_asks_gets_its_own_context(n: usize) {
    let asked = Instant::now();
    let ctx = TestContext::current().expect("a case has its context when it asks");
    let id = ["first", "second"][n - 1];
    assert_eq!(ctx.function(), "a_case_that_asks_gets_its_own_context");
    assert_eq!(ctx.case_id(), Some(id));
    assert_eq!(ctx.case_index(), Some(n - 1));
    assert_eq!(Some(ctx.name()), std::thread::current().name());
    // The test started before its body did, not when it first asked.
    assert!(ctx.started() <= asked);
    assert_eq!(TestContext::current(), Some(ctx), "made once");
}

#[testrig::test]
fn a_plain_test_that_patches_owns_its_guard() {
    let _var = env::set("TESTRIG_IT_DEFERRED_OWNED", "1");
    let ctx = TestContext::current().expect("the guard made the context");
    assert_eq!(
        TestContext::attributed(),
        Some((ctx, Attribution::Entered)),
        "the test thread is the test's"
    );
}

thread_local! {
    static INNER_RAN_IN: Cell<Option<u64>> = const { Cell::new(None) };
}

#[testrig::test]
fn inner_test_of_a_nested_call() {
    let ctx = TestContext::current().expect("a nested test runs in a context");
    INNER_RAN_IN.with(|c| c.set(Some(ctx.id())));
}

#[testrig::test]
fn a_test_called_from_another_runs_in_the_callers_context() {
    // Called before this test asked for its own context: the call makes it.
    inner_test_of_a_nested_call();
    let first = INNER_RAN_IN.with(Cell::take);
    let mine = TestContext::current()
        .expect("made by the nested call")
        .id();
    assert_eq!(first, Some(mine));
    // And after.
    inner_test_of_a_nested_call();
    assert_eq!(INNER_RAN_IN.with(Cell::take), Some(mine));
}

#[testrig::test]
fn never_asks() {
    assert_eq!(1 + 1, 2);
}

#[testrig::test]
fn asks_once() {
    let ctx = TestContext::current().expect("made when asked");
    assert_eq!(ctx.function(), "asks_once");
}

#[test]
fn nothing_is_left_on_the_thread_after_a_test_ends() {
    for run in [never_asks as fn(), asks_once] {
        run();
        assert_eq!(TestContext::current(), None);
        assert_eq!(TestContext::attributed(), None, "no longer a running test");
    }
    // Each run from here is a test of its own, with a context of its own.
    inner_test_of_a_nested_call();
    let first = INNER_RAN_IN.with(Cell::take).expect("ran");
    inner_test_of_a_nested_call();
    let second = INNER_RAN_IN.with(Cell::take).expect("ran");
    assert_ne!(first, second);
}
