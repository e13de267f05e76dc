//! Set-up in the order written, teardown in reverse: on success, when the body panics, when a
//! later fixture's set-up panics, and when a teardown itself panics.
//!
//! The scenarios are `#[fixture_use]` functions without `#[test]`: calling one runs it under
//! testrig's runner, so the tests below can catch its panic and read its event log. The
//! `autouse` fixture of `autouse.rs` applies here too: set up first, torn down last.

use std::panic::catch_unwind;

use testrig::prelude::*;

use crate::events::{Tracked, events, record};

#[fixture]
fn a() -> Tracked {
    Tracked::new("a")
}

#[fixture]
fn b() -> Tracked {
    Tracked::new("b")
}

#[fixture]
fn c() -> Tracked {
    Tracked::new("c")
}

#[fixture]
fn d(_c: &Tracked) -> Tracked {
    Tracked::new("d")
}

#[fixture]
fn broken_setup() -> Tracked {
    record("setup broken_setup (panics)");
    panic!("broken_setup could not start");
}

struct ExplodesOnDrop;

impl Drop for ExplodesOnDrop {
    fn drop(&mut self) {
        record("teardown explodes (panics)");
        panic!("explodes on teardown");
    }
}

#[fixture]
fn explodes() -> ExplodesOnDrop {
    record("setup explodes");
    ExplodesOnDrop
}

fn message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[fixture_use(a, b, d)]
fn scenario_success() {
    record("body");
}

#[test]
fn teardown_is_reversed_on_success() {
    scenario_success();
    assert_eq!(
        events("teardown::scenario_success"),
        [
            "setup autouse_marker",
            "setup a",
            "setup b",
            "setup c",
            "setup d",
            "body",
            "teardown d",
            "teardown c",
            "teardown b",
            "teardown a",
            "teardown autouse_marker"
        ]
    );
}

#[fixture_use(a, b, d)]
fn scenario_body_panics() {
    record("body");
    panic!("the body failed");
}

#[test]
fn teardown_is_reversed_when_the_body_panics() {
    let err = catch_unwind(scenario_body_panics).expect_err("the body panics");
    assert_eq!(message(err), "the body failed");
    assert_eq!(
        events("teardown::scenario_body_panics"),
        [
            "setup autouse_marker",
            "setup a",
            "setup b",
            "setup c",
            "setup d",
            "body",
            "teardown d",
            "teardown c",
            "teardown b",
            "teardown a",
            "teardown autouse_marker"
        ]
    );
}

#[fixture_use(a, b, broken_setup, c)]
fn scenario_setup_panics() {
    record("body");
}

#[test]
fn built_fixtures_are_torn_down_when_a_later_setup_panics() {
    let err = catch_unwind(scenario_setup_panics).expect_err("set-up panics");
    assert_eq!(message(err), "broken_setup could not start");
    assert_eq!(
        events("teardown::scenario_setup_panics"),
        [
            "setup autouse_marker",
            "setup a",
            "setup b",
            "setup broken_setup (panics)",
            "teardown b",
            "teardown a",
            "teardown autouse_marker"
        ]
    );
}

#[fixture_use(a, explodes, b)]
fn scenario_teardown_panics() {
    record("body");
}

#[test]
fn a_panicking_teardown_is_reported_and_the_rest_still_run() {
    let err = catch_unwind(scenario_teardown_panics).expect_err("the teardown panics");
    let text = message(err);
    assert!(
        text.contains("the teardown of fixture `explodes` panicked"),
        "{text}"
    );
    assert_eq!(
        events("teardown::scenario_teardown_panics"),
        [
            "setup autouse_marker",
            "setup a",
            "setup explodes",
            "setup b",
            "body",
            "teardown b",
            "teardown explodes (panics)",
            "teardown a",
            "teardown autouse_marker"
        ]
    );
}

#[fixture_use(a, explodes)]
fn scenario_body_and_teardown_panic() {
    record("body");
    panic!("the body failed first");
}

#[test]
fn a_teardown_panic_after_a_body_panic_does_not_abort() {
    let err = catch_unwind(scenario_body_and_teardown_panic).expect_err("both panic");
    assert_eq!(
        message(err),
        "the body failed first",
        "the body's panic is the test's"
    );
    assert_eq!(
        events("teardown::scenario_body_and_teardown_panic"),
        [
            "setup autouse_marker",
            "setup a",
            "setup explodes",
            "body",
            "teardown explodes (panics)",
            "teardown a",
            "teardown autouse_marker"
        ]
    );
}
