//! Guards held across `.await` on a multi-thread runtime, with the test's context following
//! the future from worker to worker.

use std::time::Duration;

use testrig::context::TestContext;
use testrig::env;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_guard_lives_across_awaits_on_any_worker() {
    let ctx = TestContext::new("async_guards::across_awaits", None);
    ctx.clone()
        .wrap(async {
            let key = "TESTRIG_ASYNC_ACROSS";
            let _g = env::set(key, "outer");
            for _ in 0..20 {
                tokio::task::yield_now().await;
                tokio::time::sleep(Duration::from_millis(1)).await;
                assert_eq!(std::env::var(key).unwrap(), "outer");
                // Wherever this poll runs, the guard's owner is the test: nesting never waits.
                let _inner = env::set(key, "inner");
                assert_eq!(std::env::var(key).unwrap(), "inner");
            }
        })
        .await;
    assert_eq!(std::env::var_os("TESTRIG_ASYNC_ACROSS"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawned_tasks_carrying_the_context_share_the_tests_keys() {
    let ctx = TestContext::new("async_guards::spawned", None);
    let key = "TESTRIG_ASYNC_SPAWNED";
    let _in = ctx.enter();
    let outer = env::set(key, "outer");
    let task = tokio::spawn(ctx.wrap(async move {
        let _g = env::set(key, "task");
        tokio::time::sleep(Duration::from_millis(1)).await;
        std::env::var(key).unwrap()
    }));
    let blocking = tokio::task::spawn_blocking(ctx.wrap_fn(move || {
        let _g = env::set(key, "blocking");
        std::env::var(key).unwrap()
    }));
    let (a, b) = (task.await.unwrap(), blocking.await.unwrap());
    assert!(a == "task" || a == "blocking", "{a}");
    assert!(b == "task" || b == "blocking", "{b}");
    drop(outer);
    assert_eq!(std::env::var_os(key), None);
}

#[test]
fn guards_can_be_held_across_await_in_a_send_future() {
    fn assert_send<T: Send>(_: &T) {}
    let fut = async {
        let _g = env::set("TESTRIG_ASYNC_SEND", "x");
        tokio::task::yield_now().await;
    };
    assert_send(&fut);
}
