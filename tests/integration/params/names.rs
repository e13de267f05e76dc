//! The generated tests' names, read from the test binary's own `--list`, and the forms that
//! run every value inside one function.

use std::sync::Mutex;

use testrig::prelude::*;

use super::backend;

fn list() -> String {
    crate::listing(&["--list", "params::"])
}

#[test]
fn each_value_is_a_test_named_by_its_id() {
    let list = list();
    for name in [
        "params::direct::memory: test",
        "params::direct::disk: test",
        "params::product::memory::small: test",
        "params::product::memory::large: test",
        "params::product::disk::small: test",
        "params::product::disk::large: test",
        "params::through_another_fixture::memory: test",
        "params::through_fixture_use::disk: test",
        "params::with_cases::one::memory: test",
        "params::with_cases::two::disk: test",
        "params::the_same_fixture_twice_is_one_parameter::disk: test",
        "params::elsewhere::by_path::memory: test",
        "params::elsewhere::by_renamed_import::disk: test",
        "params::async_test::memory: test",
        "params::plain_fixtures_only: test",
        "params::names::test_above_fixture_use: test",
        "params::globbed::through_a_glob_import::disk: test",
    ] {
        assert_eq!(list.matches(name).count(), 1, "{name} in\n{list}");
    }
    // The fixture reached twice adds one segment, not two.
    let twice = "params::the_same_fixture_twice_is_one_parameter::";
    assert_eq!(list.matches(twice).count(), 2, "{list}");
    assert!(!list.contains("params::direct: test"), "{list}");
    assert_eq!(list.matches("params::product::").count(), 4, "{list}");
    assert_eq!(list.matches("params::with_cases::").count(), 4, "{list}");
}

static CALLED: Mutex<Vec<String>> = Mutex::new(Vec::new());

#[fixture_use(backend)]
fn called_directly() {
    let ctx = TestContext::current().unwrap();
    CALLED.lock().unwrap().push(ctx.name().to_owned());
}

#[test]
fn a_function_called_directly_runs_once_per_value() {
    called_directly();
    let called = CALLED.lock().unwrap().clone();
    assert_eq!(called.len(), 2, "{called:?}");
    assert!(called[0].ends_with("called_directly::memory"), "{called:?}");
    assert!(called[1].ends_with("called_directly::disk"), "{called:?}");
}

static ABOVE: Mutex<Vec<String>> = Mutex::new(Vec::new());

// `#[test]` has already made this one test before `#[fixture_use]` sees it: the values
// run one after the other inside it.
#[test]
#[fixture_use(backend)]
fn test_above_fixture_use() {
    let ctx = TestContext::current().unwrap();
    let mut seen = ABOVE.lock().unwrap();
    seen.push(ctx.name().to_owned());
    if seen.len() == 2 {
        assert!(
            seen[0].ends_with("::memory") && seen[1].ends_with("::disk"),
            "{seen:?}"
        );
    }
}
