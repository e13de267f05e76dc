//! Injection by name, by path, renamed, `_`-prefixed; composition; by value vs by reference.

use testrig::prelude::*;

pub(crate) mod config {
    use testrig::prelude::*;

    #[fixture]
    pub(crate) fn mock_env() -> EnvGuard {
        env::set("TESTRIG_IT_FIXTURE_KEY", "IMPLICIT_VALUE")
    }

    #[fixture]
    pub(crate) fn port() -> u16 {
        8080
    }
}

use config::{mock_env, port};

#[derive(Debug, PartialEq)]
pub(crate) struct Settings {
    key: String,
}

#[fixture]
fn settings(_mock_env: &EnvGuard) -> Settings {
    Settings {
        key: std::env::var("TESTRIG_IT_FIXTURE_KEY").unwrap(),
    }
}

#[fixture]
fn counter() -> std::cell::Cell<u32> {
    std::cell::Cell::new(0)
}

#[testrig::test]
fn injects_by_name(settings: Settings) {
    assert_eq!(settings.key, "IMPLICIT_VALUE");
}

#[testrig::test]
fn dependency_by_reference_lives_until_the_test_ends(settings: Settings, _mock_env: &EnvGuard) {
    assert_eq!(settings.key, "IMPLICIT_VALUE");
    assert_eq!(
        std::env::var("TESTRIG_IT_FIXTURE_KEY").unwrap(),
        "IMPLICIT_VALUE"
    );
}

#[testrig::test]
fn path_and_rename(#[from(config::port)] p: u16, #[from(self::counter)] c: &std::cell::Cell<u32>) {
    assert_eq!(p, 8080);
    c.set(c.get() + 1);
    assert_eq!(c.get(), 1);
}

#[fixture]
fn bumped(counter: &std::cell::Cell<u32>) -> u32 {
    counter.set(counter.get() + 1);
    counter.get()
}

#[testrig::test]
fn by_reference_is_shared_by_value_is_fresh(
    bumped: u32,
    counter: &std::cell::Cell<u32>,
    #[from(counter)] fresh: std::cell::Cell<u32>,
) {
    assert_eq!(bumped, 1);
    assert_eq!(
        counter.get(),
        1,
        "the fixture and the test share one `&counter`"
    );
    assert_eq!(fresh.get(), 0, "by value is a new instance");
}

#[test]
#[fixture_use(mock_env)]
fn fixture_use_on_a_plain_test() {
    assert_eq!(
        std::env::var("TESTRIG_IT_FIXTURE_KEY").unwrap(),
        "IMPLICIT_VALUE"
    );
}

#[fixture_use(config::mock_env)]
#[test]
fn fixture_use_above_test() {
    assert_eq!(
        std::env::var("TESTRIG_IT_FIXTURE_KEY").unwrap(),
        "IMPLICIT_VALUE"
    );
}

#[test]
#[fixture_use(mock_env)]
#[should_panic(expected = "deliberate")]
fn fixture_use_with_should_panic() {
    panic!("deliberate");
}

#[testrig::test]
#[fixture_use(mock_env)]
fn fixture_use_with_testrig_test(port: &u16) {
    assert_eq!(*port, 8080);
    assert!(std::env::var("TESTRIG_IT_FIXTURE_KEY").is_ok());
}

#[fixture_use(mock_env)]
#[testrig::test]
fn fixture_use_above_testrig_test(settings: Settings) {
    assert_eq!(settings.key, "IMPLICIT_VALUE");
}

#[testrig::test]
fn returns_result(port: u16) -> Result<(), String> {
    if port == 8080 {
        Ok(())
    } else {
        Err("wrong port".into())
    }
}

#[testrig::test]
#[should_panic(expected = "the test returned an error")]
fn err_result_fails(port: u16) -> Result<(), String> {
    Err(format!("port {port}"))
}

#[testrig::test]
fn test_context_fixture(test_context: TestContext) {
    assert!(
        test_context
            .name()
            .ends_with("fixtures::test_context_fixture"),
        "{}",
        test_context.name()
    );
    assert_eq!(test_context.case_id(), None);
}

#[cfg(feature = "tempfile")]
#[testrig::test]
fn tmp_dir_fixture(tmp_dir: TempDir) {
    std::fs::write(tmp_dir.join("x"), "1").unwrap();
    assert!(tmp_dir.join("x").exists());
}

#[test]
fn fixture_fn_is_still_callable() {
    assert_eq!(config::port(), 8080);
}
