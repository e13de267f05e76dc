//! `#[fixture(autouse)]` applies to every testrig-driven test; `no_autouse` opts out.

use testrig::prelude::*;

use crate::events::{Tracked, events, record};

#[fixture(autouse)]
fn autouse_marker() -> Tracked {
    Tracked::new("autouse_marker")
}

#[testrig::test]
fn autouse_fixtures_are_set_up_unasked() {
    record("body");
    assert_eq!(
        events("autouse::autouse_fixtures_are_set_up_unasked"),
        ["setup autouse_marker", "body"]
    );
}

#[test]
#[fixture_use()]
fn autouse_applies_to_fixture_use_tests() {
    assert_eq!(
        events("autouse::autouse_applies_to_fixture_use_tests"),
        ["setup autouse_marker"]
    );
}

#[testrig::test(no_autouse)]
fn no_autouse_opts_out() {
    record("body");
    assert_eq!(events("autouse::no_autouse_opts_out"), ["body"]);
}

#[testrig::test]
fn autouse_can_be_taken_by_reference_too(autouse_marker: &Tracked) {
    assert_eq!(autouse_marker.0, "autouse_marker");
    assert_eq!(
        events("autouse::autouse_can_be_taken_by_reference_too"),
        ["setup autouse_marker"],
        "the test shares the autouse instance"
    );
}
