//! Records of threads a test spawns belong to it when the thread carries it.

use testrig::context::TestContext;
use testrig::log::{Level, LogCapture};

fn log_info(message: &str) {
    #[cfg(feature = "log")]
    log::info!("{message}");
    #[cfg(not(feature = "log"))]
    tracing::info!("{message}");
}

#[test]
fn followed_thread_in_a_plain_test() {
    let logs = LogCapture::start();
    std::thread::spawn(testrig::log::follow_fn(|| log_info("from follow_fn")))
        .join()
        .unwrap();
    testrig::log::spawn(|| log_info("from log::spawn"))
        .join()
        .unwrap();
    logs.assert_contains(Level::Info, "from follow_fn");
    logs.assert_contains(Level::Info, "from log::spawn");
}

#[test]
fn thread_wrapped_with_the_test_context() {
    let ctx = TestContext::new("spawned::wrapped", None);
    let _in = ctx.enter();
    let logs = LogCapture::start();
    std::thread::spawn(ctx.wrap_fn(|| log_info("from wrap_fn")))
        .join()
        .unwrap();
    logs.assert_contains(Level::Info, "from wrap_fn");
}

#[test]
fn nested_threads_carry_the_test_down() {
    let logs = LogCapture::start();
    testrig::log::spawn(|| {
        testrig::log::spawn(|| log_info("grandchild"))
            .join()
            .unwrap();
    })
    .join()
    .unwrap();
    logs.assert_contains(Level::Info, "grandchild");
}

#[test]
fn thread_pool_style_workers_follow_per_job() {
    let logs = LogCapture::start();
    let (tx, rx) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
    let pool = std::thread::spawn(move || rx.into_iter().for_each(|job| job()));
    for i in 0..3 {
        tx.send(Box::new(testrig::log::follow_fn(move || {
            log_info(&format!("job {i}"))
        })))
        .unwrap();
    }
    drop(tx);
    pool.join().unwrap();
    logs.assert_sequence(["job 0", "job 1", "job 2"]);
}

/// Under `cargo test`; alone in its process (nextest) the thread is the test's
/// (`one_test_per_process.rs`).
#[test]
fn unfollowed_thread_goes_to_unattributed_and_shows_in_failures() {
    let logs = LogCapture::start();
    std::thread::spawn(|| log_info("forgot to follow"))
        .join()
        .unwrap();
    if testrig::context::single_test_process() {
        logs.assert_contains(Level::Info, "forgot to follow");
        return;
    }
    assert!(logs.records().is_empty(), "{:?}", logs.records());
    assert!(
        logs.unattributed()
            .iter()
            .any(|r| r.message() == "forgot to follow")
    );
    let message = crate::panic_message(|| logs.assert_contains(Level::Info, "forgot"));
    assert!(message.contains("no test owns"), "{message}");
    assert!(message.contains("? INFO"), "{message}");
    assert!(message.contains("forgot to follow"), "{message}");
}

#[cfg(feature = "tracing")]
#[test]
fn tracing_span_made_by_the_test_carries_it_to_any_thread() {
    let logs = LogCapture::start();
    let span = tracing::info_span!("job", id = 3);
    // No follow: the span remembers which test created it.
    std::thread::spawn(move || span.in_scope(|| tracing::warn!("inside the test's span")))
        .join()
        .unwrap();
    logs.assert_contains(Level::Warn, "inside the test's span");
    assert_eq!(logs.records()[0].field("id"), Some("3"));
}

#[cfg(feature = "tracing")]
#[test]
fn child_span_created_on_a_bare_thread_inherits_the_owner() {
    let logs = LogCapture::start();
    let span = tracing::info_span!("outer");
    std::thread::spawn(move || {
        span.in_scope(|| {
            tracing::info_span!("inner", step = 2).in_scope(|| tracing::info!("deep"));
        })
    })
    .join()
    .unwrap();
    let records = logs.records();
    assert_eq!(records.len(), 1, "{records:?}");
    let names: Vec<_> = records[0].spans().iter().map(|s| s.name()).collect();
    assert_eq!(names, ["outer", "inner"]);
    assert_eq!(records[0].field("step"), Some("2"));
}
