//! Async tests and async fixtures, with `#[tokio::test]` in either order.

use testrig::prelude::*;

use crate::events::{events, record};
use crate::fixtures::config::{mock_env, port};

#[fixture]
async fn slow_value(port: &u16) -> u32 {
    tokio::task::yield_now().await;
    u32::from(*port) + 1
}

#[testrig::test]
#[tokio::test]
async fn async_fixture_is_awaited(slow_value: u32, port: &u16) {
    assert_eq!(slow_value, 8081);
    assert_eq!(*port, 8080);
}

#[fixture_use(mock_env)]
#[tokio::test]
async fn fixture_use_above_tokio_test() {
    tokio::task::yield_now().await;
    assert!(std::env::var("TESTRIG_IT_FIXTURE_KEY").is_ok());
}

#[tokio::test]
#[fixture_use(mock_env)]
async fn fixture_use_below_tokio_test() {
    tokio::task::yield_now().await;
    assert!(std::env::var("TESTRIG_IT_FIXTURE_KEY").is_ok());
}

#[testrig::test]
#[case(1, id = "one")]
#[case(2, id = "two")]
#[tokio::test]
async fn async_cases(n: u32, slow_value: u32, test_context: TestContext) {
    tokio::task::yield_now().await;
    assert_eq!(slow_value, 8081);
    let id = test_context.case_id().unwrap();
    assert_eq!((n, id), if n == 1 { (1, "one") } else { (2, "two") });
}

#[testrig::test]
#[fixture_use(slow_value)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_follows_spawned_tasks(test_context: TestContext) {
    record("body");
    let seen = tokio::spawn(test_context.wrap(async { TestContext::current().map(|c| c.id()) }))
        .await
        .unwrap();
    assert_eq!(seen, Some(test_context.id()));
    assert_eq!(
        events("context_follows_spawned_tasks"),
        ["setup autouse_marker", "body"]
    );
}

#[cfg(feature = "tokio")]
mod own_runtime {
    use super::*;

    #[testrig::test]
    async fn runs_on_testrigs_runtime(slow_value: u32) {
        tokio::task::yield_now().await;
        assert_eq!(slow_value, 8081);
    }

    static ASYNC_BUILDS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

    pub(crate) struct Server {
        handle: tokio::task::JoinHandle<()>,
    }

    #[fixture(scope = "session")]
    async fn server() -> Server {
        ASYNC_BUILDS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Server {
            handle: tokio::spawn(std::future::pending()),
        }
    }

    #[testrig::test]
    async fn async_session_fixture_a(server: &Server) {
        assert!(!server.handle.is_finished());
        assert_eq!(ASYNC_BUILDS.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[testrig::test]
    #[tokio::test]
    async fn async_session_fixture_b(server: &Server) {
        assert!(
            !server.handle.is_finished(),
            "outlives other tests' runtimes"
        );
        assert_eq!(ASYNC_BUILDS.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}

/// `#[tokio::test]` above `#[testrig::test]` expands first into a sync test that blocks on
/// the body; cases and sync fixtures still work (async fixtures need the other order).
#[tokio::test]
#[testrig::test]
#[case(1, id = "one")]
#[case(2, id = "two")]
async fn tokio_test_above_cases(n: u32, port: &u16) {
    tokio::task::yield_now().await;
    assert!(n == 1 || n == 2);
    assert_eq!(*port, 8080);
}

#[cfg(feature = "tokio")]
#[testrig::test]
#[case(3, id = "three")]
async fn cases_on_testrigs_runtime(n: u32, slow_value: u32) {
    tokio::task::yield_now().await;
    assert_eq!(slow_value + n, 8084);
}

// ------------------------------------------------------------------ sync fixtures on async ones

#[fixture]
fn sync_on_async(slow_value: u32) -> String {
    format!("built on {slow_value}")
}

#[fixture]
fn shared_sync_on_async(slow_value: &u32, port: &u16) -> u32 {
    *slow_value + u32::from(*port)
}

#[fixture]
fn two_levels(sync_on_async: String, shared_sync_on_async: &u32) -> String {
    format!("{sync_on_async} / {shared_sync_on_async}")
}

#[testrig::test]
#[tokio::test]
async fn a_sync_fixture_may_take_an_async_one_in_an_async_test(
    sync_on_async: String,
    two_levels: String,
) {
    assert_eq!(sync_on_async, "built on 8081");
    assert_eq!(two_levels, "built on 8081 / 16161");
}

#[testrig::test]
#[fixture_use(sync_on_async)]
#[case(1)]
#[case(2)]
#[tokio::test]
async fn also_through_fixture_use_and_cases(n: u32, shared_sync_on_async: &u32) {
    assert!(n > 0);
    assert_eq!(*shared_sync_on_async, 16161);
}

#[fixture]
fn sync_on_sync(port: u16) -> u32 {
    u32::from(port)
}

#[testrig::test]
fn a_sync_fixture_on_sync_ones_still_serves_sync_tests(sync_on_sync: u32) {
    assert_eq!(sync_on_sync, 8080);
}
