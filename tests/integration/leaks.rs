//! Guards leaked by a test are restored when it ends, and the test fails naming each one.

use std::panic::catch_unwind;
use std::sync::atomic::{AtomicU32, Ordering};

use testrig::prelude::*;

static LEAK_LINE: AtomicU32 = AtomicU32::new(0);

#[fixture_use()]
fn scenario_leaks_a_guard() {
    let guard = env::set("TESTRIG_IT_LEAKED", "leaked");
    LEAK_LINE.store(line!() - 1, Ordering::SeqCst);
    std::mem::forget(guard);
}

#[test]
fn a_leaked_guard_fails_the_test_with_key_and_line() {
    let err = catch_unwind(scenario_leaks_a_guard).expect_err("the leak fails the test");
    let text = err.downcast_ref::<String>().cloned().unwrap_or_default();
    let site = format!(
        "env var `TESTRIG_IT_LEAKED` patched at tests/integration/leaks.rs:{}",
        LEAK_LINE.load(Ordering::SeqCst)
    );
    assert!(text.contains(&site), "{text}");
    assert!(text.contains("still live"), "{text}");
    assert_eq!(
        std::env::var_os("TESTRIG_IT_LEAKED"),
        None,
        "restored at test end"
    );
}

#[testrig::test]
#[should_panic(
    expected = "env var `TESTRIG_IT_LEAKED_STATIC` patched at tests/integration/leaks.rs:"
)]
fn a_guard_kept_in_a_static_fails_the_test() {
    static KEEP: std::sync::Mutex<Option<EnvGuard>> = std::sync::Mutex::new(None);
    *KEEP.lock().unwrap() = Some(env::set("TESTRIG_IT_LEAKED_STATIC", "kept"));
}

#[testrig::test]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[should_panic(expected = "env var `TESTRIG_IT_LEAKED_TASK`")]
async fn a_guard_leaked_on_a_worker_thread_belongs_to_the_test(test_context: TestContext) {
    tokio::spawn(test_context.wrap(async {
        std::mem::forget(env::set("TESTRIG_IT_LEAKED_TASK", "worker"));
    }))
    .await
    .unwrap();
}
