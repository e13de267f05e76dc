//! `#[fixture_use(..)]` and `#[testrig::test(options)]` written once on an inline `mod`: every
//! test inside (plain `#[test]`, `#[tokio::test]`, `#[testrig::test]`, nested modules) gets
//! them; the module's fixtures come first, a test's own option wins over the module's.

use testrig::prelude::*;

use crate::events::{Tracked, events};

use crate::common;

#[fixture]
fn module_fx() -> Tracked {
    Tracked::new("module")
}

#[fixture]
fn inner_fx() -> Tracked {
    Tracked::new("inner")
}

#[fixture]
fn own_fx() -> Tracked {
    Tracked::new("own")
}

/// The set-ups recorded for the test whose name ends with `test`, autouse left out.
fn setups(test: &str) -> Vec<String> {
    events(test)
        .into_iter()
        .filter(|e| e.starts_with("setup ") && e != "setup autouse_marker")
        .collect()
}

#[fixture_use(module_fx)]
mod uses {
    //! Inner attributes and doc comments keep their place.
    #![allow(clippy::unreadable_literal)]

    use super::*;

    /// A documented test: its doc comment is an attribute like the others.
    #[test]
    fn a_plain_test_gets_the_modules_fixture() {
        assert_eq!(
            setups("module_attrs::uses::a_plain_test_gets_the_modules_fixture"),
            ["setup module"]
        );
    }

    #[tokio::test]
    async fn a_tokio_test_gets_the_modules_fixture() {
        tokio::task::yield_now().await;
        assert_eq!(
            setups("module_attrs::uses::a_tokio_test_gets_the_modules_fixture"),
            ["setup module"]
        );
    }

    #[testrig::test]
    fn a_testrig_test_gets_the_modules_fixture_before_its_parameters(own_fx: Tracked) {
        assert_eq!(own_fx.0, "own");
        assert_eq!(
            setups(
                "module_attrs::uses::a_testrig_test_gets_the_modules_fixture_before_its_parameters"
            ),
            ["setup module", "setup own"]
        );
    }

    #[testrig::test]
    #[case(1, id = "one")]
    #[case(2, id = "two")]
    fn every_case_gets_the_modules_fixture(n: u32, test_context: TestContext) {
        let name = test_context.name().to_owned();
        assert!(
            name.ends_with(if n == 1 { "::one" } else { "::two" }),
            "{name}"
        );
        assert_eq!(setups(&name), ["setup module"]);
    }

    #[test]
    #[fixture_use(own_fx)]
    fn the_tests_own_list_comes_after_the_modules() {
        assert_eq!(
            setups("module_attrs::uses::the_tests_own_list_comes_after_the_modules"),
            ["setup module", "setup own"]
        );
    }

    #[test]
    #[fixture_use(module_fx, own_fx)]
    fn a_fixture_the_module_lists_already_is_set_up_once() {
        assert_eq!(
            setups("module_attrs::uses::a_fixture_the_module_lists_already_is_set_up_once"),
            ["setup module", "setup own"]
        );
    }

    fn not_a_test() -> u32 {
        7
    }

    #[test]
    fn helpers_stay_plain_functions() {
        assert_eq!(not_a_test(), 7);
    }

    mod nested {
        use super::*;

        #[test]
        fn a_nested_module_inherits() {
            assert_eq!(
                setups("module_attrs::uses::nested::a_nested_module_inherits"),
                ["setup module"]
            );
        }

        #[fixture_use(inner_fx)]
        mod with_its_own {
            use super::*;

            #[test]
            #[fixture_use(own_fx)]
            fn outer_module_first_then_inner_then_the_test() {
                assert_eq!(
                    setups(
                        "module_attrs::uses::nested::with_its_own::\
                         outer_module_first_then_inner_then_the_test"
                    ),
                    ["setup module", "setup inner", "setup own"]
                );
            }
        }
    }
}

const MODULE_KEY: &str = "testrig-it-module-serial";

#[testrig::test(serial = "testrig-it-module-serial", timeout = "60s")]
mod options {
    use super::common::is_locked;
    use super::*;

    #[test]
    fn a_plain_test_holds_the_modules_key() {
        assert!(is_locked(MODULE_KEY));
    }

    #[tokio::test]
    async fn a_tokio_test_holds_the_modules_key() {
        tokio::task::yield_now().await;
        assert!(is_locked(MODULE_KEY));
    }

    #[testrig::test]
    #[case(1)]
    #[case(2)]
    fn every_case_holds_the_modules_key(n: u32) {
        assert!(n > 0);
        assert!(is_locked(MODULE_KEY));
    }

    #[testrig::test(isolated)]
    fn the_tests_own_options_add_to_the_modules() {
        assert!(testrig::isolate::in_child() || testrig::isolate::under_nextest());
        assert!(is_locked(MODULE_KEY));
    }

    mod nested {
        use super::*;

        #[test]
        fn a_nested_module_inherits_the_options() {
            assert!(is_locked(MODULE_KEY));
        }
    }
}

/// Only the test below would hold this key if the module's option applied to it.
const OVERRIDDEN_KEY: &str = "testrig-it-module-overridden";

#[testrig::test(serial = "testrig-it-module-overridden")]
mod overridden {
    use super::common::is_locked;
    use super::*;

    #[testrig::test(serial = "testrig-it-module-own")]
    fn the_tests_own_option_wins() {
        assert!(is_locked("testrig-it-module-own"));
        // The module's key was never taken (no lock file) or is free.
        let path = testrig::lock::lock_path(OVERRIDDEN_KEY);
        assert!(!path.exists() || !is_locked(OVERRIDDEN_KEY));
    }
}

#[testrig::test(timeout = "100ms")]
mod limited {
    use super::common::in_helper;

    #[test]
    fn helper_module_timeout() {
        if in_helper() {
            std::thread::sleep(std::time::Duration::from_secs(3));
        }
    }
}

#[test]
fn a_modules_timeout_applies_to_a_plain_test_inside() {
    let (output, text) = common::run_helper("module_attrs::limited::helper_module_timeout");
    assert!(text.contains("running 1 test"), "{text}");
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("test `module_attrs::limited::helper_module_timeout` timed out after"),
        "{text}"
    );
    assert!(text.contains("(limit 100ms)"), "{text}");
}

#[fixture_use(module_fx)]
#[testrig::test(serial = "testrig-it-module-both")]
mod both {
    use super::common::is_locked;
    use super::*;

    #[test]
    fn both_module_attributes_apply() {
        assert!(is_locked("testrig-it-module-both"));
        assert_eq!(
            setups("module_attrs::both::both_module_attributes_apply"),
            ["setup module"]
        );
    }
}

#[test]
#[fixture_use(module_fx)]
#[fixture_use(own_fx)]
fn two_fixture_use_attributes_form_one_list_run_once() {
    let all = events("module_attrs::two_fixture_use_attributes_form_one_list_run_once");
    // One runner: the autouse fixture is set up once, not once per attribute.
    assert_eq!(
        all,
        ["setup autouse_marker", "setup module", "setup own"],
        "{all:?}"
    );
}
