//! Per-test time limits: the message names the test, its case and the time taken; a panic
//! before the limit comes back unchanged.

mod common;

use std::panic::catch_unwind;
use std::time::Duration;

use testrig::context::TestContext;
use testrig::timeout::{run_with_default_timeout, run_with_timeout};

fn message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p.downcast_ref::<&str>().unwrap().to_string(),
    }
}

#[test]
fn sync_body_past_its_limit_fails_naming_the_test_and_case() {
    let ctx = TestContext::new("timeout::sync_case", Some("slow disk"));
    let _in = ctx.enter();
    let failure = catch_unwind(|| {
        run_with_timeout(Duration::from_millis(100), || {
            std::thread::sleep(Duration::from_secs(3));
        })
    })
    .unwrap_err();
    let text = message(failure);
    assert!(
        text.contains("test `sync_body_past_its_limit_fails_naming_the_test_and_case`"),
        "{text}"
    );
    assert!(text.contains("(case `slow disk`)"), "{text}");
    assert!(text.contains("timed out after"), "{text}");
    assert!(text.contains("(limit 100ms)"), "{text}");
    assert!(text.contains("detached thread"), "{text}");
}

#[test]
fn sync_body_within_its_limit_returns_its_value() {
    let value = run_with_timeout(Duration::from_secs(30), || {
        // Runs inside the test's context, on a thread named after the test.
        std::thread::current().name().map(str::to_owned)
    });
    assert_eq!(
        value.as_deref(),
        Some("sync_body_within_its_limit_returns_its_value")
    );
}

#[derive(Debug, PartialEq)]
struct CustomPayload(u32);

#[test]
fn panic_before_the_limit_comes_back_unchanged() {
    let payload = catch_unwind(|| {
        run_with_timeout(Duration::from_secs(30), || {
            std::panic::panic_any(CustomPayload(7));
        })
    })
    .unwrap_err();
    assert_eq!(
        payload.downcast_ref::<CustomPayload>(),
        Some(&CustomPayload(7))
    );
}

#[test]
#[should_panic(expected = "the original failure")]
fn should_panic_still_sees_the_original_message() {
    run_with_timeout(Duration::from_secs(30), || panic!("the original failure"));
}

#[test]
fn guards_made_in_the_timed_body_belong_to_the_test() {
    let ctx = TestContext::new("timeout::guards", None);
    let _in = ctx.enter();
    let _outer = testrig::lock::serial_local("timeout-owner");
    // The body thread carries the test's context, so taking the same key nests instead of
    // waiting for the test (which would overrun the limit).
    run_with_timeout(Duration::from_secs(30), || {
        let _inner = testrig::lock::serial_local("timeout-owner");
    });
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn async_body_past_its_limit_is_cancelled_and_named() {
    struct Flag(std::sync::Arc<std::sync::atomic::AtomicBool>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = Flag(dropped.clone());
    let failure = tokio::spawn(async move {
        testrig::timeout::with_timeout(Duration::from_millis(100), async move {
            let _flag = flag;
            tokio::time::sleep(Duration::from_secs(30)).await;
        })
        .await
    })
    .await
    .unwrap_err();
    let text = message(failure.into_panic());
    assert!(
        text.contains("test `async_body_past_its_limit_is_cancelled_and_named`"),
        "{text}"
    );
    assert!(text.contains("(limit 100ms)"), "{text}");
    assert!(text.contains("cancelled"), "{text}");
    assert!(dropped.load(std::sync::atomic::Ordering::SeqCst));
}

#[cfg(feature = "tokio")]
#[tokio::test]
#[should_panic(expected = "async original failure")]
async fn async_panic_before_the_limit_is_unchanged() {
    testrig::timeout::with_timeout(Duration::from_secs(30), async {
        tokio::task::yield_now().await;
        panic!("async original failure");
    })
    .await;
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn async_body_within_its_limit_returns_its_value() {
    let v = testrig::timeout::with_timeout(Duration::from_secs(30), async {
        tokio::time::sleep(Duration::from_millis(1)).await;
        5
    })
    .await;
    assert_eq!(v, 5);
}

// ---- the process-wide default, checked in helper processes with TESTRIG_TIMEOUT set ----

#[test]
fn helper_default_timeout() {
    if common::in_helper() {
        run_with_default_timeout(|| std::thread::sleep(Duration::from_secs(5)));
    }
}

#[test]
fn default_limit_comes_from_testrig_timeout() {
    let (output, text) =
        common::run(common::helper("helper_default_timeout").env("TESTRIG_TIMEOUT", "200ms"));
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("test `helper_default_timeout` timed out after"),
        "{text}"
    );
    assert!(text.contains("(limit 200ms)"), "{text}");
}

#[test]
fn a_malformed_testrig_timeout_is_an_error_not_no_limit() {
    let (output, text) =
        common::run(common::helper("helper_default_timeout").env("TESTRIG_TIMEOUT", "fast"));
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("TESTRIG_TIMEOUT=`fast` is not a duration"),
        "{text}"
    );
}

// ---- limits at the edges: zero, `off`, below a millisecond, too long to count ----

#[test]
fn helper_sleeps_300ms_under_the_default() {
    if common::in_helper() {
        run_with_default_timeout(|| std::thread::sleep(Duration::from_millis(300)));
        println!("slept under the default");
    }
}

#[test]
fn a_zero_or_off_testrig_timeout_is_no_limit() {
    for value in ["0", "0ms", "off"] {
        let (output, text) = common::run(
            common::helper("helper_sleeps_300ms_under_the_default").env("TESTRIG_TIMEOUT", value),
        );
        assert!(output.status.success(), "{value}: {text}");
        assert!(text.contains("slept under the default"), "{value}: {text}");
    }
}

#[test]
fn a_testrig_timeout_that_is_not_a_limit_is_an_error_naming_it() {
    let cases = [
        ("", "TESTRIG_TIMEOUT is set but empty"),
        ("-1", "TESTRIG_TIMEOUT=`-1` is not a duration"),
        ("1e3", "TESTRIG_TIMEOUT=`1e3` is not a duration"),
        (
            "0.0000000001s",
            "TESTRIG_TIMEOUT=`0.0000000001s` is shorter than `1ms`, the smallest limit",
        ),
    ];
    for (value, expected) in cases {
        let (output, text) = common::run(
            common::helper("helper_sleeps_300ms_under_the_default").env("TESTRIG_TIMEOUT", value),
        );
        assert!(!output.status.success(), "{value:?} was accepted: {text}");
        assert!(text.contains(expected), "{value:?}: {text}");
    }
}

#[testrig::test(timeout = "off")]
fn helper_off_on_the_test_lifts_the_default() {
    if common::in_helper() {
        std::thread::sleep(Duration::from_millis(300));
        println!("ran past the default");
    }
}

#[test]
fn timeout_off_on_a_test_lifts_testrig_timeout_for_it() {
    let (output, text) = common::run(
        common::helper("helper_off_on_the_test_lifts_the_default").env("TESTRIG_TIMEOUT", "50ms"),
    );
    assert!(output.status.success(), "{text}");
    assert!(text.contains("ran past the default"), "{text}");
}

#[testrig::test(timeout = "3000000000000000h")]
fn a_sync_limit_too_long_to_count_never_fires() {
    std::thread::sleep(Duration::from_millis(1));
}

// Used to panic inside std: `overflow when adding duration to instant`.
#[cfg(feature = "tokio")]
#[testrig::test(timeout = "3000000000000000h")]
#[tokio::test]
async fn an_async_limit_too_long_to_count_never_fires() {
    tokio::time::sleep(Duration::from_millis(1)).await;
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn with_timeout_of_duration_max_never_fires() {
    let v = testrig::timeout::with_timeout(Duration::MAX, async { 3 }).await;
    assert_eq!(v, 3);
}
