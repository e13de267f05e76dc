//! Tests whose body takes nothing from testrig start without their context; the first thing
//! that asks for it makes it, the same as the runner would have before the body. A binary of
//! its own: an autouse fixture anywhere in a binary makes every test there start with its
//! context, so this one has none.

use std::cell::Cell;
use std::time::Instant;

use testrig::context::{Attribution, TestContext};
use testrig::prelude::*;

#[path = "common/mod.rs"]
mod common;

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

const STRESS_KEY: &str = "TESTRIG_IT_DEFERRED_STRESS";

/// 32 tests that start without their context, each patching one key: the patch makes the
/// context, so the key is held by the test (its other threads may patch it too) and never
/// seen by another test.
#[testrig::test]
fn bare_tests_at_once(
    #[values(
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, 26, 27, 28, 29, 30, 31
    )]
    i: u32,
) {
    let value = format!("bare-{i}");
    let _var = env::set(STRESS_KEY, &value);
    let ctx = TestContext::current().expect("made by the patch");
    // A thread of the same test patches the key again without waiting for it.
    std::thread::spawn(ctx.wrap_fn(|| {
        let _again = env::set(STRESS_KEY, "same test, other thread");
    }))
    .join()
    .expect("the test's own thread may patch its key");
    std::thread::sleep(std::time::Duration::from_millis(2));
    assert_eq!(std::env::var(STRESS_KEY).as_deref(), Ok(value.as_str()));
}

#[test]
fn bare_tests_patch_one_key_at_sixteen_threads() {
    if common::in_helper() {
        return;
    }
    let (out, text) =
        common::run(common::helpers("bare_tests_at_once", 16).env("TESTRIG_LOCK_TIMEOUT", "20s"));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("test result: ok. 32 passed"), "{text}");
}

const REPORT_LINE: u32 = line!() + 3;

#[testrig::test]
#[case(-1.5, "minus", id = "Negative Input")]
fn fails_with_its_report(x: f64, label: &str) {
    if common::in_helper() {
        panic!("deliberate failure of {label}");
    }
    assert!(x < 0.0);
}

#[test]
fn a_failing_case_that_never_asked_still_reports_itself() {
    if common::in_helper() {
        return;
    }
    // The helper runs outside nextest: a process that runs one test under nextest makes the
    // context first, and this is about the case that starts without one.
    let (out, text) = common::run_helper("fails_with_its_report::negative_input");
    assert!(!out.status.success(), "{text}");
    let header = format!(
        "testrig: case `Negative Input` of `fails_with_its_report` (tests/deferred.rs:{REPORT_LINE}) failed"
    );
    assert!(text.contains(&header), "{text}");
    assert!(text.contains("    x = -1.5\n"), "{text}");
    assert!(text.contains("    label = \"minus\"\n"), "{text}");
    assert!(text.contains("deliberate failure of minus"), "{text}");
}
