//! The `isolated` / `timeout` / `serial` options combined, as test macro output runs them.

use std::time::Duration;

use testrig::__private::{RunOptions, run_with_options};

mod common;
use common::is_locked;

#[test]
fn isolated_tests_take_their_serial_keys_where_the_body_runs() {
    const KEY: &str = "testrig-test-run-options-isolated";
    run_with_options(
        RunOptions {
            isolated: true,
            serial: &[KEY],
            ..RunOptions::default()
        },
        || assert!(is_locked(KEY), "the body runs holding its key"),
    );
    assert!(!is_locked(KEY), "released when the body is done");
}

#[test]
fn the_timeout_option_fails_a_slow_body() {
    let failure = std::panic::catch_unwind(|| {
        run_with_options(
            RunOptions {
                timeout: Some("100ms"),
                serial: &["testrig-test-run-options-slow"],
                ..RunOptions::default()
            },
            || std::thread::sleep(Duration::from_secs(3)),
        )
    })
    .unwrap_err();
    let text = *failure.downcast::<String>().unwrap();
    assert!(
        text.contains("test `the_timeout_option_fails_a_slow_body`"),
        "{text}"
    );
    assert!(text.contains("(limit 100ms)"), "{text}");
}

#[test]
#[should_panic(expected = "`timeout = \"soon\"` is not a duration")]
fn a_timeout_that_is_not_a_duration_says_how_to_write_one() {
    run_with_options(
        RunOptions {
            timeout: Some("soon"),
            ..RunOptions::default()
        },
        || (),
    );
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn async_bodies_get_keys_and_limits_too() {
    const KEY: &str = "testrig-test-run-options-async";
    testrig::__private::run_with_options_async(
        RunOptions {
            isolated: true,
            timeout: Some("30s"),
            serial: &[KEY],
            shared: &[],
        },
        async {
            tokio::task::yield_now().await;
            assert!(is_locked(KEY));
        },
    )
    .await;
    assert!(!is_locked(KEY));
}
