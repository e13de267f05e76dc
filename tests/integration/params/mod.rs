//! Parametrized fixtures: one test per value, through other fixtures, `#[fixture_use]`,
//! modules and files.

mod backends;
mod names;

use testrig::prelude::*;

use backends::{backend, size};

#[testrig::test]
fn direct(backend: &'static str) {
    assert!(["memory", "disk"].contains(&backend));
}

#[fixture]
fn store(backend: &'static str) -> String {
    format!("store on {backend}")
}

#[testrig::test]
fn through_another_fixture(store: String) {
    assert!(
        store == "store on memory" || store == "store on disk",
        "{store}"
    );
}

#[testrig::test]
fn product(backend: &'static str, size: usize, test_context: TestContext) {
    let label = if size == 1 { "small" } else { "large" };
    let name = test_context.name();
    assert!(
        name.ends_with(&format!("product::{backend}::{label}")),
        "{name}"
    );
}

#[testrig::test]
fn the_same_fixture_twice_is_one_parameter(backend: &'static str, store: String) {
    assert_eq!(store, format!("store on {backend}"));
}

#[testrig::test]
#[case(1, id = "one")]
#[case(2, id = "two")]
fn with_cases(n: u32, backend: &'static str) {
    assert!(n > 0);
    assert!(!backend.is_empty());
}

#[fixture_use(backend)]
#[test]
fn through_fixture_use() {
    let ctx = TestContext::current().unwrap();
    assert!(ctx.name().ends_with("memory") || ctx.name().ends_with("disk"));
}

#[testrig::test]
fn knows_its_name(backend: &'static str, test_context: TestContext) {
    assert!(
        test_context
            .name()
            .ends_with(&format!("knows_its_name::{backend}")),
        "{}",
        test_context.name()
    );
}

#[testrig::test]
#[tokio::test]
async fn async_test(backend: &'static str) {
    assert!(!backend.is_empty());
}

#[testrig::test]
fn plain_fixtures_only(test_context: TestContext) {
    assert!(test_context.name().ends_with("plain_fixtures_only"));
}

mod elsewhere {
    use super::backends::backend as renamed;

    #[testrig::test]
    fn by_path(#[from(super::backends::backend)] kind: &'static str) {
        assert!(!kind.is_empty());
    }

    #[testrig::test]
    fn by_renamed_import(#[from(renamed)] kind: &'static str) {
        assert!(!kind.is_empty());
    }
}

// The child process runs the one test by its full name, value included.
#[testrig::test(isolated, timeout = "60s")]
fn isolated_with_a_limit(backend: &'static str, test_context: TestContext) {
    let name = test_context.name();
    assert!(
        name.ends_with(&format!("isolated_with_a_limit::{backend}")),
        "{name}"
    );
}

#[fixture(params = [2, 3])]
async fn slow_number(n: u32, backend: &'static str) -> (u32, &'static str) {
    (n, backend)
}

#[testrig::test]
#[tokio::test]
async fn async_fixture_with_params(slow_number: (u32, &'static str), test_context: TestContext) {
    let (n, backend) = slow_number;
    let name = test_context.name();
    assert!(
        name.ends_with(&format!("async_fixture_with_params::{backend}::_{n}")),
        "{name}"
    );
}

mod globbed {
    use super::*;

    #[testrig::test]
    fn through_a_glob_import(backend: &'static str, store: String) {
        assert_eq!(store, format!("store on {backend}"));
    }
}

#[fixture_use(backend)]
#[tokio::test]
async fn fixture_use_above_tokio_test() {
    tokio::task::yield_now().await;
    let name = TestContext::current().unwrap().name().to_owned();
    assert!(
        name.ends_with("::memory") || name.ends_with("::disk"),
        "{name}"
    );
}

#[tokio::test]
#[fixture_use(backend)]
async fn fixture_use_below_tokio_test() {
    tokio::task::yield_now().await;
    assert!(TestContext::current().is_some());
}

#[fixture_use(size)]
#[testrig::test]
#[case(1, id = "one")]
fn fixture_use_and_cases(n: u32, backend: &'static str, test_context: TestContext) {
    let name = test_context.name();
    assert!(name.contains("fixture_use_and_cases::one::"), "{name}");
    assert!(name.ends_with(backend), "{name}");
    assert_eq!(n, 1);
}
