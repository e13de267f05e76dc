//! Tasks on a multi-thread tokio runtime, `spawn_blocking`, and futures polled on workers.

use testrig::context::TestContext;
use testrig::log::{Level, LogCapture, Matcher};

fn log_info(message: &str) {
    #[cfg(feature = "log")]
    log::info!("{message}");
    #[cfg(not(feature = "log"))]
    tracing::info!("{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn followed_tasks_on_a_multi_thread_runtime() {
    let logs = LogCapture::start();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            tokio::spawn(testrig::log::follow(async move {
                tokio::task::yield_now().await;
                log_info(&format!("task {i}"));
            }))
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    logs.assert_count(Matcher::new().level(Level::Info).containing("task "), 20);
}

/// On the default current-thread runtime, spawned tasks run on the test's own thread.
#[tokio::test]
async fn current_thread_runtime_tasks_need_nothing() {
    let logs = LogCapture::start();
    tokio::spawn(async { log_info("spawned on the test thread") })
        .await
        .unwrap();
    logs.assert_contains(Level::Info, "spawned on the test thread");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_blocking_with_follow_fn() {
    let logs = LogCapture::start();
    tokio::task::spawn_blocking(testrig::log::follow_fn(|| log_info("blocking work")))
        .await
        .unwrap();
    logs.assert_contains(Level::Info, "blocking work");
}

/// What testrig's async test macro does: the whole body runs wrapped in the test's context,
/// so it may hop between workers; spawned tasks carry the context with `ctx.wrap`.
#[test]
fn body_wrapped_in_a_context_on_worker_threads() {
    let ctx = TestContext::new("tokio_tasks::wrapped", None);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(3)
        .enable_all()
        .build()
        .unwrap();
    let logs = rt
        .block_on(rt.spawn(ctx.wrap(async {
            let logs = LogCapture::start();
            let ctx = TestContext::current().unwrap();
            for i in 0..5 {
                tokio::spawn(ctx.wrap(async move { log_info(&format!("wrapped {i}")) }))
                    .await
                    .unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                log_info(&format!("body {i}"));
            }
            tokio::task::spawn_blocking(ctx.wrap_fn(|| log_info("blocking in context")))
                .await
                .unwrap();
            logs
        })))
        .unwrap();
    logs.assert_count("wrapped ", 5);
    logs.assert_count("body ", 5);
    logs.assert_contains(Level::Info, "blocking in context");
}

#[cfg(feature = "tracing")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_in_current_span_follows_without_helpers() {
    use tracing::Instrument as _;

    let logs = LogCapture::start();
    let span = tracing::info_span!("request", request_id = 17);
    async {
        tokio::spawn(async { tracing::info!("handled on a worker") }.in_current_span())
            .await
            .unwrap();
    }
    .instrument(span)
    .await;
    logs.assert_logged(
        Matcher::new()
            .containing("handled on a worker")
            .field("request_id", 17),
    );
}

/// Under `cargo test`, a plain `#[tokio::test]` (no testrig runner); alone in its process the
/// task is the test's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_tokio_spawn_is_unattributed_not_lost() {
    let logs = LogCapture::start();
    tokio::spawn(async { log_info("spawned bare") })
        .await
        .unwrap();
    if testrig::context::single_test_process() {
        logs.assert_contains(Level::Info, "spawned bare");
        return;
    }
    assert!(logs.find("spawned bare").is_empty());
    assert!(
        logs.unattributed()
            .iter()
            .any(|r| r.message() == "spawned bare")
    );
}

macro_rules! async_isolation {
    ($($name:ident),*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let tag = stringify!($name);
            let logs = LogCapture::start();
            let tasks: Vec<_> = (0..10)
                .map(|i| tokio::spawn(testrig::log::follow(async move {
                    tokio::task::yield_now().await;
                    log_info(&format!("{tag} task {i}"));
                })))
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            let records = logs.records();
            assert_eq!(records.len(), 10, "{records:?}");
            assert!(records.iter().all(|r| r.message().starts_with(tag)), "{records:?}");
        }
    )*};
}

async_isolation!(
    async_iso_1,
    async_iso_2,
    async_iso_3,
    async_iso_4,
    async_iso_5,
    async_iso_6,
    async_iso_7,
    async_iso_8
);
