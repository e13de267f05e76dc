//! Task scopes: every child joined, cancelled or reported, each failure with its spawn line.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use testrig::context::TestContext;
use testrig::scope::{ChildKind, TaskScope};

fn message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p.downcast_ref::<&str>().unwrap().to_string(),
    }
}

#[test]
fn child_panic_after_the_body_returned_fails_naming_the_spawn_line() {
    let mut line = 0;
    let failure = catch_unwind(AssertUnwindSafe(|| {
        let scope = TaskScope::new();
        line = line!() + 1;
        scope.spawn_thread(|| {
            std::thread::sleep(Duration::from_millis(50));
            let healthy = false;
            assert!(healthy, "late failure in a worker");
        });
        // The body ends here; dropping the scope joins the worker and fails the test.
    }))
    .unwrap_err();
    let text = message(failure);
    assert!(text.contains("late failure in a worker"), "{text}");
    assert!(
        text.contains(&format!("thread spawned at tests/scope.rs:{line}:")),
        "{text}"
    );
    assert!(
        text.contains("test `child_panic_after_the_body_returned_fails_naming_the_spawn_line`"),
        "{text}"
    );
}

#[test]
fn a_child_that_only_panics_is_accepted_and_reported() {
    let scope = TaskScope::new();
    scope.spawn_thread(|| panic!("nothing but a panic"));
    scope.spawn_thread(|| unreachable!("nor this"));
    let report = scope.finish_report();
    let messages: Vec<&str> = report.failures().iter().map(|f| f.message()).collect();
    assert_eq!(messages.len(), 2, "{report}");
    assert!(
        messages.contains(&"panicked: nothing but a panic"),
        "{report}"
    );
    assert!(messages.iter().any(|m| m.contains("nor this")), "{report}");
}

#[test]
fn every_failing_child_is_reported_not_only_the_first() {
    let scope = TaskScope::new();
    let first = line!() + 1;
    scope.spawn_thread(|| assert_eq!(2 + 2, 5, "first worker broke"));
    scope.spawn_thread(|| ());
    let second = line!() + 1;
    scope.spawn_thread(|| Err::<(), _>("second worker refused"));
    let report = scope.finish_report();
    let failures = report.failures();
    assert_eq!(failures.len(), 2, "{report}");
    assert_eq!(failures[0].site().line(), first);
    assert!(
        failures[0]
            .message()
            .starts_with("panicked: assertion `left == right` failed: first worker broke"),
        "{report}"
    );
    assert_eq!(failures[1].site().line(), second);
    assert_eq!(
        failures[1].message(),
        "returned Err(\"second worker refused\")"
    );
    let text = report.to_string();
    assert!(text.contains("2 children of the task scope"), "{text}");
}

#[test]
fn finish_fails_the_test_with_the_report() {
    let scope = TaskScope::new();
    scope.spawn_thread(|| Err::<(), _>(404));
    let text = message(catch_unwind(AssertUnwindSafe(|| scope.finish())).unwrap_err());
    assert!(text.contains("returned Err(404)"), "{text}");
    assert!(text.contains("scope ended at tests/scope.rs:"), "{text}");
}

#[test]
fn a_thread_still_running_at_the_limit_is_reported_as_detached() {
    let scope = TaskScope::new().with_join_limit(Duration::from_millis(50));
    scope.spawn_thread(|| std::thread::sleep(Duration::from_secs(2)));
    let report = scope.finish_report();
    assert_eq!(report.failures().len(), 1);
    assert_eq!(report.failures()[0].kind(), ChildKind::Thread);
    assert!(
        report.failures()[0].message().contains("detached"),
        "{report}"
    );
}

#[test]
fn children_inherit_the_test_context_and_its_guards() {
    let ctx = TestContext::new("scope::inherits", Some("ctx case"));
    let _in = ctx.enter();
    let _held = testrig::lock::serial_local("scope-context-key");
    let scope = TaskScope::new().with_join_limit(Duration::from_secs(20));
    scope.spawn_thread(|| {
        let here = TestContext::current().expect("the child runs in the test's context");
        assert_eq!(here.name(), "scope::inherits");
        assert_eq!(here.case_id(), Some("ctx case"));
        // Same owner as the test: nests instead of waiting for the test to release it.
        let _nested = testrig::lock::serial_local("scope-context-key");
    });
    scope.finish();
}

#[test]
fn many_threads_are_all_joined() {
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let scope = TaskScope::new();
    for _ in 0..32 {
        let done = done.clone();
        scope.spawn_thread(move || {
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    scope.finish();
    assert_eq!(done.load(Ordering::SeqCst), 32);
}

#[cfg(feature = "tokio")]
mod tasks {
    use super::*;
    use std::sync::atomic::AtomicBool;

    struct SetOnDrop(Arc<AtomicBool>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[tokio::test]
    async fn two_failing_tasks_are_both_reported_with_their_sites() {
        let scope = TaskScope::new();
        let first = line!() + 1;
        scope.spawn(async { assert!(std::env::args().count() == 0, "task one panicked") });
        let second = line!() + 1;
        scope.spawn(async { Err::<u8, _>("task two failed") });
        scope.spawn(async { Ok::<u8, String>(3) });
        let report = scope.join_report().await;
        assert_eq!(report.failures().len(), 2, "{report}");
        let text = report.to_string();
        assert!(
            text.contains(&format!("task spawned at tests/scope.rs:{first}:")),
            "{text}"
        );
        assert!(
            text.contains(&format!("task spawned at tests/scope.rs:{second}:")),
            "{text}"
        );
        assert!(text.contains("panicked: task one panicked"), "{text}");
        assert!(text.contains("returned Err(\"task two failed\")"), "{text}");
    }

    #[tokio::test]
    async fn a_task_that_only_panics_is_accepted_and_reported() {
        let scope = TaskScope::new();
        scope.spawn(async { panic!("a task that only panics") });
        let report = scope.join_report().await;
        let failures = report.failures();
        assert_eq!(failures.len(), 1, "{report}");
        assert_eq!(failures[0].message(), "panicked: a task that only panics");
    }

    #[tokio::test]
    async fn join_fails_the_test() {
        let scope = TaskScope::new();
        scope.spawn(async { Err::<(), _>("unreachable backend") });
        let failure = tokio::spawn(async move { scope.join().await })
            .await
            .unwrap_err();
        let text = message(failure.into_panic());
        assert!(text.contains("unreachable backend"), "{text}");
    }

    #[tokio::test]
    async fn a_never_ending_task_is_cancelled_at_the_join_limit() {
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = SetOnDrop(dropped.clone());
        let scope = TaskScope::new().with_join_limit(Duration::from_millis(100));
        scope.spawn(async move {
            let _flag = flag;
            std::future::pending::<()>().await;
        });
        let report = scope.join_report().await;
        assert!(dropped.load(Ordering::SeqCst), "the task was not dropped");
        assert_eq!(report.failures().len(), 1);
        assert!(
            report.failures()[0]
                .message()
                .contains("still running after the join limit of 100ms; cancelled"),
            "{report}"
        );
    }

    fn dropped_never() -> bool {
        std::env::var_os("TESTRIG_TEST_NEVER_SET").is_some()
    }

    #[tokio::test]
    async fn cancel_stops_background_tasks_without_failing() {
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = SetOnDrop(dropped.clone());
        let scope = TaskScope::new();
        scope.spawn(async move {
            let _flag = flag;
            while !dropped_never() {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        scope.cancel();
        scope.join().await;
        assert!(dropped.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn dropping_an_async_scope_cancels_and_reports_unfinished_tasks() {
        let failure = catch_unwind(AssertUnwindSafe(|| {
            let scope = TaskScope::new();
            scope.spawn(std::future::pending::<()>());
        }))
        .unwrap_err();
        let text = message(failure);
        assert!(text.contains("scope.join().await"), "{text}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tasks_run_in_the_test_context_on_any_worker() {
        let ctx = TestContext::new("scope::tasks_ctx", None);
        let scope = TaskScope::new();
        {
            let _in = ctx.enter();
            for _ in 0..8 {
                scope.spawn(check_ctx());
            }
        }
        scope.join().await;

        async fn check_ctx() {
            tokio::task::yield_now().await;
            assert_eq!(TestContext::current().unwrap().name(), "scope::tasks_ctx");
        }
    }

    #[test]
    #[should_panic(expected = "needs a tokio runtime")]
    fn spawn_outside_a_runtime_says_what_to_do() {
        let scope = TaskScope::new();
        scope.spawn(async {});
    }
}
