//! tracing-test's main scenario, ported: a task spawned on the test's own runtime logs, and the
//! test asserts it. The same capture in either attribute order, on testrig's own runtime, and
//! per runtime flavour; bare spawns, no `follow`.

use testrig::log::{Level, LogCapture, Matcher};
use testrig::prelude::*;

fn log_info(message: &str) {
    #[cfg(feature = "log")]
    log::info!("{message}");
    #[cfg(not(feature = "log"))]
    tracing::info!("{message}");
}

#[testrig::test]
#[tokio::test]
async fn testrig_above_tokio_test(logs: LogCapture) {
    tokio::spawn(async { log_info("from task") }).await.unwrap();
    logs.assert_contains(Level::Info, "from task");
}

#[tokio::test]
#[testrig::test]
async fn tokio_test_above_testrig() {
    let logs = LogCapture::start();
    tokio::spawn(async { log_info("from task") }).await.unwrap();
    logs.assert_contains(Level::Info, "from task");
}

/// Spawns a task that logs "polled later" only after yielding once, and waits for it.
async fn a_task_that_logs_after_a_yield() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        tokio::task::yield_now().await;
        log_info("polled later");
        tx.send(()).unwrap();
    });
    rx.await.unwrap();
}

/// The task is polled after the test's future has yielded, between its polls: it runs with no
/// context entered at all, on the thread driving the test.
#[testrig::test]
#[tokio::test]
async fn a_task_polled_between_the_tests_own_polls(logs: LogCapture) {
    a_task_that_logs_after_a_yield().await;
    logs.assert_contains(Level::Info, "polled later");
}

#[tokio::test]
#[testrig::test]
async fn tokio_test_above_a_task_polled_later() {
    let logs = LogCapture::start();
    a_task_that_logs_after_a_yield().await;
    logs.assert_contains(Level::Info, "polled later");
}

/// With `tracing`: a span the spawned task opens, and events in it, are the test's too.
#[cfg(feature = "tracing")]
#[testrig::test]
#[tokio::test]
async fn spans_opened_by_a_spawned_task(logs: LogCapture) {
    tokio::spawn(async {
        let span = tracing::info_span!("job", id = 3);
        let _entered = span.enter();
        tracing::info!(user = "ada", "in the job");
    })
    .await
    .unwrap();
    logs.assert_line_contains(r#"INFO job{id=3}: "#);
    logs.assert_line_contains(r#"in the job user="ada""#);
}

/// What the test's runtime runs elsewhere (`spawn_blocking`, multi-thread workers) is the
/// test's through the runtime, which testrig can name with its feature `tokio`.
#[cfg(feature = "tokio")]
mod with_feature_tokio {
    use super::*;

    /// testrig's own runtime: an async test without `#[tokio::test]`.
    #[testrig::test]
    async fn testrigs_own_runtime(logs: LogCapture) {
        tokio::spawn(async { log_info("from task") }).await.unwrap();
        tokio::task::spawn_blocking(|| log_info("from spawn_blocking"))
            .await
            .unwrap();
        logs.assert_contains(Level::Info, "from task");
        logs.assert_contains(Level::Info, "from spawn_blocking");
    }

    #[testrig::test]
    #[tokio::test]
    async fn spawn_blocking_on_the_tests_runtime(logs: LogCapture) {
        tokio::task::spawn_blocking(|| log_info("from spawn_blocking"))
            .await
            .unwrap();
        logs.assert_contains(Level::Info, "from spawn_blocking");
    }

    #[testrig::test]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn multi_thread_workers(logs: LogCapture) {
        let tasks: Vec<_> = (0..20)
            .map(|i| {
                tokio::spawn(async move {
                    tokio::task::yield_now().await;
                    log_info(&format!("worker task {i}"));
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        logs.assert_count((Level::Info, "worker task "), 20);
    }

    /// The documented limit: with `#[tokio::test]` above, the runtime is built inside the test
    /// body, out of testrig's sight. Its own thread's tasks are the test's (above); what runs on
    /// other threads is not, except in a process that runs this test alone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[testrig::test]
    async fn tokio_test_above_with_multi_thread_workers() {
        let logs = LogCapture::start();
        tokio::spawn(async { log_info("bare worker task") })
            .await
            .unwrap();
        if testrig::context::single_test_process() {
            logs.assert_contains(Level::Info, "bare worker task");
        } else {
            assert!(logs.find("bare worker task").is_empty());
            assert!(
                logs.unattributed()
                    .iter()
                    .any(|r| r.message() == "bare worker task")
            );
        }
    }
}

/// Sixteen tests at once, each spawning bare tasks on its own runtime (both flavours with
/// feature `tokio`): each sees exactly its own records, never another test's.
macro_rules! parallel {
    ($($name:ident: $flavor:literal),* $(,)?) => {$(
        #[testrig::test]
        #[tokio::test(flavor = $flavor)]
        async fn $name(logs: LogCapture) {
            let tag = stringify!($name);
            let tasks: Vec<_> = (0..10)
                .map(|i| tokio::spawn(async move {
                    tokio::task::yield_now().await;
                    log_info(&format!("{tag} task {i}"));
                }))
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            let records = logs.records();
            assert!(records.iter().all(|r| r.message().starts_with(tag)), "{records:?}");
            logs.assert_count(Matcher::new().containing(format!("{tag} task ")), 10);
        }
    )*};
}

parallel!(
    current_1: "current_thread",
    current_2: "current_thread",
    current_3: "current_thread",
    current_4: "current_thread",
    current_5: "current_thread",
    current_6: "current_thread",
    current_7: "current_thread",
    current_8: "current_thread",
);

#[cfg(feature = "tokio")]
parallel!(
    multi_1: "multi_thread",
    multi_2: "multi_thread",
    multi_3: "multi_thread",
    multi_4: "multi_thread",
    multi_5: "multi_thread",
    multi_6: "multi_thread",
    multi_7: "multi_thread",
    multi_8: "multi_thread",
);
