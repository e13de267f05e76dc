//! A test body re-run in a child process: outcome, output and exit reported faithfully.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use common::{in_helper, run_helper};
use testrig::isolate::{Isolation, isolated, under_nextest};

static RAN_HERE: AtomicBool = AtomicBool::new(false);

#[test]
fn body_runs_in_a_child_process_unless_under_nextest() {
    isolated(|| {
        RAN_HERE.store(true, Ordering::SeqCst);
    });
    // Under `cargo test` the store happened in the child; nextest runs it in place.
    assert_eq!(RAN_HERE.load(Ordering::SeqCst), under_nextest());
}

#[test]
fn env_set_in_the_child_stays_in_the_child() {
    isolated(|| {
        // SAFETY: under `cargo test` this is a child process that runs only this test;
        // under nextest the process holds only this test too. No other thread reads env.
        unsafe { std::env::set_var("TESTRIG_TEST_CHILD_ONLY", "1") };
        assert_eq!(std::env::var("TESTRIG_TEST_CHILD_ONLY").unwrap(), "1");
    });
    if !under_nextest() {
        assert!(std::env::var_os("TESTRIG_TEST_CHILD_ONLY").is_none());
    }
}

#[test]
fn computed_env_values_reach_the_child() {
    let port = 4000 + 2;
    Isolation::new()
        .env("TESTRIG_TEST_PORT", port.to_string())
        .env_remove("TESTRIG_TEST_NEVER_SET")
        .run(|| {
            assert_eq!(std::env::var("TESTRIG_TEST_PORT").unwrap(), "4002");
            assert!(std::env::var_os("TESTRIG_TEST_NEVER_SET").is_none());
        });
    assert!(std::env::var_os("TESTRIG_TEST_PORT").is_none());
}

#[test]
#[should_panic(expected = "boom from the child: 42")]
fn child_panic_fails_the_test_with_the_same_message() {
    isolated(|| panic!("boom from the child: {}", 42));
}

#[test]
fn passing_body_passes() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    isolated(|| {
        CALLS.fetch_add(1, Ordering::SeqCst);
        assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    });
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn async_body_runs_in_the_child() {
    static ASYNC_RAN_HERE: AtomicBool = AtomicBool::new(false);
    testrig::isolate::isolated_async(async {
        tokio::time::sleep(Duration::from_millis(1)).await;
        ASYNC_RAN_HERE.store(true, Ordering::SeqCst);
    })
    .await;
    assert_eq!(ASYNC_RAN_HERE.load(Ordering::SeqCst), under_nextest());
}

#[cfg(feature = "tokio")]
#[tokio::test]
#[should_panic(expected = "async child failed")]
async fn async_child_panic_fails_the_test() {
    testrig::isolate::isolated_async(async {
        tokio::task::yield_now().await;
        panic!("async child failed");
    })
    .await;
}

// ---- helpers: run as separate `cargo test`-like processes by the tests below ----

#[test]
fn helper_aborts() {
    if in_helper() {
        isolated(|| std::process::abort());
    }
}

#[test]
fn helper_exits_with_7() {
    if in_helper() {
        isolated(|| std::process::exit(7));
    }
}

#[test]
fn helper_prints_then_panics() {
    if in_helper() {
        isolated(|| {
            println!("hello from the child's stdout");
            eprintln!("hello from the child's stderr");
            panic!("the child gives up");
        });
    }
}

#[test]
fn helper_two_calls() {
    if in_helper() {
        isolated(|| println!("first call ran"));
        isolated(|| println!("second call ran"));
    }
}

#[test]
fn helper_sleeps_past_its_timeout() {
    if in_helper() {
        Isolation::new()
            .timeout(Duration::from_millis(300))
            .run(|| {
                let pid_file = std::env::var("TESTRIG_TEST_PID_FILE").unwrap();
                std::fs::write(pid_file, std::process::id().to_string()).unwrap();
                std::thread::sleep(Duration::from_secs(120));
            });
    }
}

#[test]
fn helper_wrong_thread() {
    if in_helper() {
        std::thread::Builder::new()
            .name("no_such_test".into())
            .spawn(|| isolated(|| ()))
            .unwrap()
            .join()
            .unwrap();
    }
}

#[test]
fn helper_leaks_a_guard() {
    if in_helper() {
        isolated(|| std::mem::forget(testrig::env::set("TESTRIG_TEST_LEAKED", "1")));
    }
}

/// A guard leaked in the isolated child fails the child's run at exit, and with it the test.
#[test]
fn what_the_child_reports_at_exit_is_relayed_and_fails_the_test() {
    let (output, text) = run_helper("helper_leaks_a_guard");
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("env var `TESTRIG_TEST_LEAKED` patched at tests/isolate.rs:")
            && text.contains("was still live"),
        "the child's exit report is missing:\n{text}"
    );
    assert!(
        text.contains("the run fails: 1 problem was found"),
        "{text}"
    );
    assert!(
        text.contains("passed in its isolated child process")
            && text.contains("exited with code 101 while exiting"),
        "{text}"
    );
}

#[test]
fn abort_in_the_child_is_reported_with_its_signal() {
    let (output, text) = run_helper("helper_aborts");
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("was killed by signal 6 (SIGABRT)"),
        "missing the signal in:\n{text}"
    );
    assert!(text.contains("test helper_aborts ... FAILED"), "{text}");
}

#[test]
fn exit_code_of_the_child_is_reported() {
    let (output, text) = run_helper("helper_exits_with_7");
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("exited with code 7"), "{text}");
}

#[test]
fn child_output_is_relayed_without_the_child_harness_lines() {
    let (output, text) = run_helper("helper_prints_then_panics");
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("hello from the child's stdout\n"), "{text}");
    assert!(text.contains("hello from the child's stderr\n"), "{text}");
    assert!(text.contains("the child gives up"), "{text}");
    assert_eq!(text.matches("running 1 test").count(), 1, "{text}");
    assert!(
        !text.contains("testrig-isolate:"),
        "markers leaked:\n{text}"
    );
}

#[test]
fn each_isolated_call_runs_its_own_closure_once() {
    let (output, text) = run_helper("helper_two_calls");
    assert!(output.status.success(), "{text}");
    assert_eq!(text.matches("first call ran").count(), 1, "{text}");
    assert_eq!(text.matches("second call ran").count(), 1, "{text}");
    assert!(text.find("first call ran") < text.find("second call ran"));
}

#[test]
fn timeout_under_isolation_kills_the_child() {
    let dir = std::env::temp_dir().join(format!("testrig-isolate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pid_file = dir.join("child.pid");
    let (output, text) = common::run(
        common::helper("helper_sleeps_past_its_timeout").env("TESTRIG_TEST_PID_FILE", &pid_file),
    );
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("test `helper_sleeps_past_its_timeout` timed out after"),
        "{text}"
    );
    assert!(text.contains("(limit 300ms)"), "{text}");
    assert!(text.contains("which was killed"), "{text}");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    // The parent killed and reaped the child before failing the test.
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "child {pid} still exists"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_name_that_selects_no_test_is_explained() {
    let (output, text) = run_helper("helper_wrong_thread");
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("without running the test body"), "{text}");
    assert!(text.contains("`no_such_test`"), "{text}");
}
