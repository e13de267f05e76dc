//! `#[testrig::test(isolated, timeout = "...", serial = "...")]` and `#[case(..., timeout)]`,
//! alone and together with fixtures, cases, value matrices, async tests and the leak check.
//!
//! Tests named `helper_*` do their real work only when `scenario` runs them in a process of
//! their own (`common::run_helper`), to check how a failing test is reported; in a normal run
//! they pass at once.

use std::fs::OpenOptions;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use testrig::isolate::{in_child, under_nextest};
use testrig::prelude::*;

use crate::common;

use common::{in_helper, is_locked};

/// Runs test `name` of this binary alone, as a plain `cargo test` would, and returns whether it
/// passed and everything it printed.
fn scenario(name: &str, env: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = common::helper(name);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("running 1 test"),
        "`{name}` selected no test:\n{text}"
    );
    (output.status.success(), text)
}

/// The timeout message names the time taken: `timed out after 102ms (limit 100ms)`.
fn assert_names_elapsed(text: &str) {
    let after = text
        .split("timed out after ")
        .nth(1)
        .unwrap_or_else(|| panic!("no timeout message in:\n{text}"));
    let elapsed = after.split(' ').next().unwrap();
    assert!(
        elapsed.starts_with(|c: char| c.is_ascii_digit())
            && (elapsed.ends_with("ms") || elapsed.ends_with('s')),
        "{text}"
    );
}

/// Where the body of an isolated test runs: a child under `cargo test`, in place under nextest.
fn isolated_here() -> bool {
    in_child() || under_nextest()
}

// ---------------------------------------------------------------------------------- isolated

const ISOLATED_KEY: &str = "TESTRIG_IT_OPTIONS_ISOLATED_RAW";
static ISOLATED_TOUCHED: AtomicBool = AtomicBool::new(false);

#[testrig::test(isolated)]
fn isolated_test_changes_process_state() {
    assert!(isolated_here());
    ISOLATED_TOUCHED.store(true, Ordering::SeqCst);
    // SAFETY: an isolated test runs alone in its process (a child under `cargo test`, a
    // process of its own under nextest), so no other thread reads the environment now.
    unsafe { std::env::set_var(ISOLATED_KEY, "child") };
}

#[test]
fn process_state_of_an_isolated_test_stays_in_its_child() {
    isolated_test_changes_process_state();
    if under_nextest() {
        // In place: this process holds only this test, so the state is here to see.
        assert!(ISOLATED_TOUCHED.load(Ordering::SeqCst));
        return;
    }
    assert!(
        !ISOLATED_TOUCHED.load(Ordering::SeqCst),
        "the body ran in this process"
    );
    assert_eq!(
        std::env::var_os(ISOLATED_KEY),
        None,
        "the env change leaked"
    );
}

static CASES_IN_THIS_PROCESS: AtomicUsize = AtomicUsize::new(0);

#[testrig::test(isolated)]
#[case(1, id = "first")]
#[case(2, id = "second quadrant")]
#[case(3)]
fn isolated_cases(n: usize, test_context: TestContext) {
    assert!(isolated_here());
    let (id, ident) = match n {
        1 => ("first", "first"),
        2 => ("second quadrant", "second_quadrant"),
        _ => ("case_3", "case_3"),
    };
    assert_eq!(test_context.case_id(), Some(id));
    assert_eq!(
        test_context.name(),
        format!("options::isolated_cases::{ident}")
    );
    if in_child() {
        assert_eq!(
            std::env::var("TESTRIG_ISOLATE_CHILD").unwrap(),
            test_context.name(),
            "the child was selected by the case's full name"
        );
    }
    // Each case is alone in its process: no other case ran here before it.
    assert_eq!(CASES_IN_THIS_PROCESS.fetch_add(1, Ordering::SeqCst), 0);
}

#[fixture]
async fn async_port() -> u16 {
    tokio::task::yield_now().await;
    8080
}

static ASYNC_ISOLATED_RUNS: AtomicUsize = AtomicUsize::new(0);

#[testrig::test(isolated)]
#[tokio::test]
async fn isolated_async_test_awaits_its_fixture(async_port: u16, test_context: TestContext) {
    assert!(isolated_here());
    assert_eq!(async_port, 8080);
    assert_eq!(
        test_context.name(),
        "options::isolated_async_test_awaits_its_fixture"
    );
    tokio::task::yield_now().await;
    assert_eq!(ASYNC_ISOLATED_RUNS.fetch_add(1, Ordering::SeqCst), 0);
}

#[cfg(feature = "tokio")]
#[testrig::test(isolated, timeout = "30s")]
async fn isolated_async_test_on_testrigs_runtime(async_port: u16) {
    assert!(isolated_here());
    assert_eq!(async_port, 8080);
}

#[testrig::test(isolated)]
#[should_panic(expected = "the child's own failure")]
fn isolated_failure_comes_back_unchanged() {
    panic!("the child's own failure");
}

#[testrig::test(isolated)]
#[case(1, xfail = "fails on purpose in its child")]
fn isolated_xfail_case(n: u32) {
    assert_eq!(n, 2);
}

// ----------------------------------------------------------------------------------- timeout

#[testrig::test(timeout = "100ms")]
fn helper_sync_timeout() {
    if in_helper() {
        std::thread::sleep(Duration::from_secs(3));
    }
}

#[test]
fn a_sync_test_past_its_limit_fails_naming_test_and_time() {
    let (passed, text) = scenario("options::helper_sync_timeout", &[]);
    assert!(!passed, "{text}");
    assert!(
        text.contains("testrig: test `options::helper_sync_timeout` timed out after "),
        "{text}"
    );
    assert!(text.contains("(limit 100ms)"), "{text}");
    assert_names_elapsed(&text);
    assert!(
        text.contains("detached thread (`options::helper_sync_timeout`)"),
        "{text}"
    );
}

#[fixture]
fn loud_teardown() -> Loud {
    Loud
}

struct Loud;

impl Drop for Loud {
    fn drop(&mut self) {
        if in_helper() {
            eprintln!("loud_teardown ran");
        }
    }
}

#[testrig::test(timeout = "100ms")]
#[tokio::test]
async fn helper_async_timeout(_loud_teardown: &Loud) {
    if in_helper() {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
}

#[test]
fn an_async_test_past_its_limit_is_cancelled_and_torn_down() {
    let (passed, text) = scenario("options::helper_async_timeout", &[]);
    assert!(!passed, "{text}");
    assert!(
        text.contains("testrig: test `options::helper_async_timeout` timed out after "),
        "{text}"
    );
    assert!(text.contains("(limit 100ms)"), "{text}");
    assert_names_elapsed(&text);
    assert!(text.contains("its future was dropped"), "{text}");
    assert!(text.contains("loud_teardown ran"), "{text}");
}

#[testrig::test(timeout = "30s")]
#[case(10, id = "quick")]
#[case(3000, id = "slow disk", timeout = "100ms")]
fn helper_case_timeout(ms: u64) {
    if in_helper() {
        std::thread::sleep(Duration::from_millis(ms));
    }
}

#[test]
fn a_case_limit_overrides_the_tests_and_names_the_case() {
    let (passed, text) = scenario("options::helper_case_timeout::slow_disk", &[]);
    assert!(!passed, "{text}");
    assert!(
        text.contains(
            "test `options::helper_case_timeout::slow_disk` (case `slow disk`) timed out after "
        ),
        "{text}"
    );
    assert!(text.contains("(limit 100ms)"), "{text}");
    assert_names_elapsed(&text);
    let (passed, text) = scenario("options::helper_case_timeout::quick", &[]);
    assert!(passed, "the other case keeps the test's limit:\n{text}");
}

#[testrig::test]
#[tokio::test]
#[case(1, id = "waits forever", timeout = "100ms")]
async fn helper_async_case_timeout(_n: u32) {
    if in_helper() {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
}

#[test]
fn an_async_case_keeps_its_own_limit() {
    let (passed, text) = scenario("options::helper_async_case_timeout::waits_forever", &[]);
    assert!(!passed, "{text}");
    assert!(
        text.contains("(case `waits forever`) timed out after "),
        "{text}"
    );
    assert!(text.contains("(limit 100ms)"), "{text}");
    assert!(text.contains("its future was dropped"), "{text}");
}

#[testrig::test(isolated)]
#[case(1, id = "hangs", timeout = "1s")]
fn helper_isolated_case_timeout(_n: u32) {
    if in_helper() {
        std::thread::sleep(Duration::from_secs(60));
    }
}

#[test]
fn an_isolated_case_past_its_limit_is_killed_with_its_child() {
    let (passed, text) = scenario("options::helper_isolated_case_timeout::hangs", &[]);
    assert!(!passed, "{text}");
    assert!(
        text.contains(
            "test `options::helper_isolated_case_timeout::hangs` (case `hangs`) timed out after"
        ),
        "{text}"
    );
    assert!(text.contains("(limit 1s)"), "{text}");
    assert!(text.contains("which was killed"), "{text}");
}

#[testrig::test]
fn helper_default_limit() {
    if in_helper() {
        std::thread::sleep(Duration::from_secs(3));
    }
}

#[test]
fn testrig_timeout_applies_to_tests_without_a_limit() {
    let (passed, text) = scenario(
        "options::helper_default_limit",
        &[("TESTRIG_TIMEOUT", "150ms")],
    );
    assert!(!passed, "{text}");
    assert!(
        text.contains("test `options::helper_default_limit` timed out after"),
        "{text}"
    );
    assert!(text.contains("(limit 150ms)"), "{text}");
}

#[testrig::test]
#[case(1, id = "hangs", xfail = "a timeout is no xfail pass", timeout = "1s")]
fn helper_xfail_case_times_out(_n: u32) {
    if in_helper() {
        std::thread::sleep(Duration::from_secs(10));
    }
    panic!("the expected failure");
}

#[test]
fn a_timeout_fails_an_xfail_case() {
    let (passed, text) = scenario("options::helper_xfail_case_times_out::hangs", &[]);
    assert!(!passed, "{text}");
    assert!(text.contains("(case `hangs`) timed out after"), "{text}");
}

#[testrig::test(timeout = "30s")]
#[should_panic(expected = "the real failure, before the limit")]
fn a_failure_before_the_limit_comes_back_unchanged() {
    panic!("the real failure, before the limit");
}

#[testrig::test(timeout = "30s")]
#[should_panic(expected = "the real async failure")]
#[tokio::test]
async fn an_async_failure_before_the_limit_comes_back_unchanged() {
    tokio::task::yield_now().await;
    panic!("the real async failure");
}

#[testrig::test]
#[case(1, xfail = "fails quickly, under its limit", timeout = "30s")]
fn xfail_still_works_under_a_limit(n: u32) {
    assert_eq!(n, 2);
}

#[testrig::test(timeout = "50ms")]
#[should_panic(expected = "timed out after")]
fn should_panic_with_expected_text_can_expect_a_timeout() {
    std::thread::sleep(Duration::from_millis(500));
}

// ------------------------------------------------------------------------------------ serial

const SHARED_KEY: &str = "testrig-it-options-shared";
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Fails when another holder of `SHARED_KEY` is inside at the same time: an in-process counter,
/// and a marker file created exclusively for other processes (nextest, isolated children).
fn exclusive_section() {
    assert!(is_locked(SHARED_KEY), "the key is held while the body runs");
    assert_eq!(
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst),
        0,
        "overlap in-process"
    );
    let marker = testrig::lock::lock_dir().join("testrig-it-options-shared.marker");
    let created = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&marker);
    assert!(created.is_ok(), "overlap across processes: {created:?}");
    std::thread::sleep(Duration::from_millis(5));
    std::fs::remove_file(&marker).unwrap();
    IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
}

macro_rules! serial_tests {
    ($($name:ident)*) => {$(
        #[testrig::test(serial = "testrig-it-options-shared")]
        fn $name() {
            exclusive_section();
        }
    )*};
}

serial_tests! {
    serial_01 serial_02 serial_03 serial_04 serial_05 serial_06 serial_07 serial_08
    serial_09 serial_10 serial_11 serial_12 serial_13 serial_14 serial_15 serial_16
}

#[testrig::test(serial = ["testrig-it-options-a", "testrig-it-options-b"])]
fn every_listed_key_is_held() {
    assert!(is_locked("testrig-it-options-a"));
    assert!(is_locked("testrig-it-options-b"));
}

#[testrig::test(serial = "testrig-it-options-nested")]
fn the_test_may_take_its_own_key_again() {
    let _again = testrig::lock::serial("testrig-it-options-nested");
    assert!(is_locked("testrig-it-options-nested"));
}

#[testrig::test(serial = "testrig-it-options-async")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_tests_hold_their_key() {
    tokio::task::yield_now().await;
    assert!(is_locked("testrig-it-options-async"));
}

// ---------------------------------------------------------------------------------- together

#[fixture]
fn options_env() -> EnvGuard {
    env::set("TESTRIG_IT_OPTIONS_ENV", "set by a fixture")
}

#[fixture]
fn doubled(port: &u16) -> u32 {
    u32::from(*port) * 2
}

#[fixture]
fn port() -> u16 {
    8080
}

#[testrig::test(
    isolated,
    timeout = "30s",
    serial = "testrig-it-options-all",
    no_autouse
)]
#[fixture_use(options_env)]
fn every_option_with_fixtures(doubled: u32, port: &u16) {
    assert!(isolated_here());
    assert!(is_locked("testrig-it-options-all"));
    assert_eq!(
        std::env::var("TESTRIG_IT_OPTIONS_ENV").unwrap(),
        "set by a fixture"
    );
    assert_eq!(doubled, u32::from(*port) * 2);
}

#[fixture_use(options_env)]
#[testrig::test(timeout = "30s", serial = "testrig-it-options-use")]
fn fixture_use_above_the_options() {
    assert!(is_locked("testrig-it-options-use"));
    assert!(std::env::var("TESTRIG_IT_OPTIONS_ENV").is_ok());
}

#[testrig::test(isolated, timeout = "30s", serial = "testrig-it-options-values")]
fn value_matrix_under_options(#[values(1, 2)] a: u32, #[values(3, 4)] b: u32, port: &u16) {
    assert!(isolated_here());
    assert!(is_locked("testrig-it-options-values"));
    assert!(a < b && *port == 8080);
}

#[testrig::test(timeout = "30s", serial = "testrig-it-options-leak")]
#[should_panic(
    expected = "env var `TESTRIG_IT_OPTIONS_LEAK` patched at tests/integration/options.rs:"
)]
fn the_leak_check_still_fires_under_a_limit() {
    std::mem::forget(env::set("TESTRIG_IT_OPTIONS_LEAK", "leaked"));
}

#[testrig::test(isolated)]
#[should_panic(expected = "env var `TESTRIG_IT_OPTIONS_LEAK_ISO` patched at")]
fn the_leak_check_still_fires_in_an_isolated_child() {
    std::mem::forget(env::set("TESTRIG_IT_OPTIONS_LEAK_ISO", "leaked"));
}

#[testrig::test(timeout = "30s")]
#[tokio::test]
#[should_panic(expected = "env var `TESTRIG_IT_OPTIONS_LEAK_ASYNC` patched at")]
async fn the_leak_check_still_fires_in_an_async_test_under_a_limit() {
    tokio::task::yield_now().await;
    std::mem::forget(env::set("TESTRIG_IT_OPTIONS_LEAK_ASYNC", "leaked"));
}

// ------------------------------------------------- a bare `should_panic` and a time limit
// The limits leave room for a panic's backtrace, slow in debug builds, in normal runs.

#[testrig::test(timeout = "1s")]
#[should_panic]
fn helper_bare_should_panic_times_out() {
    if in_helper() {
        std::thread::sleep(Duration::from_secs(10));
    }
    panic!("any panic passes");
}

#[testrig::test]
#[case(1, id = "hangs", should_panic, timeout = "1s")]
fn helper_bare_should_panic_case_times_out(_n: u32) {
    if in_helper() {
        std::thread::sleep(Duration::from_secs(10));
    }
    panic!("any panic passes");
}

#[testrig::test(isolated, timeout = "5s")]
#[should_panic]
fn helper_bare_should_panic_isolated_times_out() {
    if in_helper() {
        std::thread::sleep(Duration::from_secs(60));
    }
    panic!("any panic passes");
}

#[testrig::test(timeout = "1s")]
#[should_panic]
#[tokio::test]
async fn helper_bare_should_panic_async_times_out() {
    if in_helper() {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
    panic!("any panic passes");
}

#[test]
fn a_timeout_never_counts_as_the_panic_a_bare_should_panic_expects() {
    for name in [
        "options::helper_bare_should_panic_times_out",
        "options::helper_bare_should_panic_case_times_out::hangs",
        "options::helper_bare_should_panic_isolated_times_out",
        "options::helper_bare_should_panic_async_times_out",
    ]
    .map(|name| (name, std::thread::spawn(move || scenario(name, &[]))))
    {
        let (passed, text) = name.1.join().unwrap();
        let name = name.0;
        assert!(!passed, "{name} passed on a timeout:\n{text}");
        assert!(text.contains("timed out after"), "{text}");
        assert!(text.contains("fails as not panicking instead"), "{text}");
        assert!(text.contains("did not panic as expected"), "{text}");
    }
}
