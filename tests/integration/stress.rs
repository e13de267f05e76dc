//! 32 tests at once (`--test-threads=16`): one session value for all, and env patches of
//! one key never seen by another test.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use testrig::prelude::*;

static BUILDS: AtomicU32 = AtomicU32::new(0);

pub(crate) struct Shared;

#[fixture(scope = "session")]
fn shared() -> Shared {
    // Slow, so that tests starting together all ask while it is being built.
    std::thread::sleep(Duration::from_millis(20));
    BUILDS.fetch_add(1, Ordering::SeqCst);
    Shared
}

#[testrig::test]
fn many_tests_at_once(
    #[values(
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, 26, 27, 28, 29, 30, 31
    )]
    i: u32,
    _shared: &Shared,
) {
    let value = format!("test-{i}");
    let _g = env::set("TESTRIG_IT_STRESS", &value);
    std::thread::sleep(Duration::from_millis(2));
    assert_eq!(
        std::env::var("TESTRIG_IT_STRESS").unwrap(),
        value,
        "no other test's patch"
    );
    assert_eq!(BUILDS.load(Ordering::SeqCst), 1, "one session value");
}

#[test]
fn stress_at_sixteen_threads() {
    if std::env::var_os("TESTRIG_IT_STRESS_CHILD").is_some() {
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["stress::many_tests_at_once", "--test-threads=16"])
        .env("TESTRIG_IT_STRESS_CHILD", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("test result: ok. 32 passed"), "{text}");
}
