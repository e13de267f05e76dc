//! 32 tests log at once, through both facades, from their own thread and from helpers they
//! spawn; each must see exactly its own records. Run with `--test-threads=16` in CI.

use testrig::context::TestContext;
use testrig::log::{Level, LogCapture, Matcher};

const PER_TEST: usize = 50;

/// Logs `PER_TEST` records tagged with `tag`, half on this thread and half on a followed
/// thread, yielding between records so that parallel tests interleave.
fn log_tagged(tag: &str) {
    let t = tag.to_owned();
    let worker = testrig::log::spawn(move || {
        for i in 0..PER_TEST / 2 {
            emit(&t, i, "worker");
            std::thread::yield_now();
        }
    });
    for i in 0..PER_TEST / 2 {
        emit(tag, i, "main");
        std::thread::yield_now();
    }
    worker.join().unwrap();
}

fn emit(tag: &str, i: usize, from: &str) {
    #[cfg(feature = "log")]
    if i.is_multiple_of(2) {
        log::info!(target: "isolation", tag, i; "{tag} record {i} from {from}");
        return;
    }
    #[cfg(feature = "tracing")]
    tracing::info!(target: "isolation", tag, i, "{tag} record {i} from {from}");
    #[cfg(not(feature = "tracing"))]
    log::info!(target: "isolation", tag, i; "{tag} record {i} from {from}");
}

fn check_only_own(logs: &LogCapture, tag: &str) {
    let records = logs.records();
    let foreign: Vec<_> = records
        .iter()
        .filter(|r| r.field("tag") != Some(tag))
        .collect();
    assert!(
        foreign.is_empty(),
        "{tag} saw records of other tests: {foreign:?}"
    );
    logs.assert_count(Matcher::new().field("tag", tag), PER_TEST);
    logs.assert_count(
        Matcher::new().level(Level::Info).containing("from worker"),
        PER_TEST / 2,
    );
}

/// A test run inside a context, as testrig's test macros run it.
fn in_context(tag: &str) {
    let ctx = TestContext::new(format!("isolation::{tag}"), None);
    let _in = ctx.enter();
    let logs = LogCapture::start();
    log_tagged(tag);
    check_only_own(&logs, tag);
}

/// A plain `#[test]` that starts a capture without a context: owned by its thread.
fn plain(tag: &str) {
    let logs = LogCapture::start();
    log_tagged(tag);
    check_only_own(&logs, tag);
}

macro_rules! isolation_tests {
    ($($name:ident => $run:ident,)*) => {
        $(#[test] fn $name() { $run(stringify!($name)); })*
    };
}

isolation_tests! {
    ctx_01 => in_context, ctx_02 => in_context, ctx_03 => in_context, ctx_04 => in_context,
    ctx_05 => in_context, ctx_06 => in_context, ctx_07 => in_context, ctx_08 => in_context,
    ctx_09 => in_context, ctx_10 => in_context, ctx_11 => in_context, ctx_12 => in_context,
    ctx_13 => in_context, ctx_14 => in_context, ctx_15 => in_context, ctx_16 => in_context,
    plain_01 => plain, plain_02 => plain, plain_03 => plain, plain_04 => plain,
    plain_05 => plain, plain_06 => plain, plain_07 => plain, plain_08 => plain,
    plain_09 => plain, plain_10 => plain, plain_11 => plain, plain_12 => plain,
    plain_13 => plain, plain_14 => plain, plain_15 => plain, plain_16 => plain,
}

/// A test that logs without capturing never shows up in anyone's records, and its records are
/// not unattributed either: they have an owner, who did not ask for them.
#[test]
fn noisy_neighbour_without_capture() {
    // A capture owned by another (finished) thread, only to look at the unattributed bucket.
    let watcher = std::thread::spawn(LogCapture::start).join().unwrap();
    let ctx = TestContext::new("isolation::noisy", None);
    let _in = ctx.enter();
    for i in 0..PER_TEST {
        emit("noisy", i, "main");
        std::thread::yield_now();
    }
    assert!(watcher.records().is_empty());
    let lost: Vec<_> = watcher
        .unattributed()
        .into_iter()
        .filter(|r| r.field("tag") == Some("noisy"))
        .collect();
    assert!(
        lost.is_empty(),
        "records of a test were called unattributed: {lost:?}"
    );
}

#[test]
fn two_captures_in_one_test_both_see_its_records() {
    let first = LogCapture::start();
    emit("two", 0, "main");
    let second = LogCapture::start();
    emit("two", 1, "main");
    assert_eq!(first.records().len(), 2);
    assert_eq!(second.records().len(), 1);
    drop(first);
    emit("two", 2, "main");
    assert_eq!(second.records().len(), 2);
}

#[test]
fn records_stop_when_the_capture_drops() {
    let logs = LogCapture::start();
    emit("drop", 0, "main");
    let records = logs.records();
    drop(logs);
    let again = LogCapture::start();
    assert_eq!(records.len(), 1);
    assert!(again.records().is_empty(), "a new capture starts empty");
}

/// Formatting a message may run code that logs; capture must not deadlock on that.
#[test]
fn a_display_impl_that_logs_does_not_deadlock() {
    struct Chatty;
    impl std::fmt::Display for Chatty {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            emit("inner", 0, "display");
            f.write_str("chatty")
        }
    }
    let logs = LogCapture::start();
    #[cfg(feature = "log")]
    log::info!("outer {}", Chatty);
    #[cfg(not(feature = "log"))]
    tracing::info!("outer {}", Chatty);
    let messages = logs.messages();
    assert!(messages.iter().any(|m| m == "outer chatty"), "{messages:?}");
    assert!(
        messages.iter().any(|m| m.starts_with("inner record 0")),
        "{messages:?}"
    );
}
