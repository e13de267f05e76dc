//! Feature `proptest`: `#[strategy(...)]` parameters beside fixtures and `#[fixture_use]`.

use crate::fixtures::config::{mock_env, port};

#[testrig::test]
#[fixture_use(mock_env)]
fn property_with_fixtures(
    #[strategy(0..100u32)] n: u32,
    port: &u16,
    #[strategy("[a-z]{1,8}")] word: String,
) {
    assert!(n < 100);
    assert_eq!(*port, 8080);
    assert!(!word.is_empty() && word.len() <= 8);
    assert!(
        std::env::var("TESTRIG_IT_FIXTURE_KEY").is_ok(),
        "fixture_use is live"
    );
}

#[testrig::test]
fn property_failure_shrinks(#[strategy(0..1000u32)] n: u32) {
    if std::env::var_os("TESTRIG_IT_FAIL_PROPERTY").is_some() {
        assert!(n < 10, "too big: {n}");
    }
}

#[test]
fn a_failing_property_is_shrunk_and_persisted() {
    if std::env::var_os("TESTRIG_IT_FAIL_PROPERTY").is_some() {
        return;
    }
    // proptest's default place: a `proptest-regressions` tree beside `tests/`.
    let regressions = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/proptest-regressions/prop.txt");
    let _ = std::fs::remove_file(&regressions);
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "prop::property_failure_shrinks"])
        .env("TESTRIG_IT_FAIL_PROPERTY", "1")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let saved = std::fs::read_to_string(&regressions).unwrap_or_default();
    let _ = std::fs::remove_dir_all(regressions.parent().unwrap());
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("minimal failing input: (10,)"), "{text}");
    assert!(
        saved.contains("cc "),
        "the failure is saved for the next run: {saved:?}"
    );
}
