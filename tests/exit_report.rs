//! Failures that can only be seen from outside the process: guards still live when their
//! thread ends or when the process exits, and restores that fail. Each scenario re-runs this
//! binary as a child and checks its exit status and its report.

use std::process::{Command, Output};

const CHILD: &str = "TESTRIG_EXIT_REPORT_CHILD";

fn run_child(test: &str, scenario: &str) -> (Output, String) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=2"])
        .env(CHILD, scenario)
        .env_remove("NEXTEST")
        .env_remove("NEXTEST_RUN_ID")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stderr)
}

/// The child ran its test to a pass, and then the process failed the run.
fn assert_run_failed(out: &Output, stderr: &str) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 passed"), "{stdout}\n{stderr}");
    assert_eq!(out.status.code(), Some(101), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("testrig: the run fails: 1 problem was found"),
        "{stderr}"
    );
}

/// Does nothing unless started by one of the tests below.
#[test]
fn child() {
    match std::env::var(CHILD).as_deref() {
        Ok("thread") => {
            std::thread::Builder::new()
                .name("leaky_worker".into())
                .spawn(|| std::mem::forget(testrig::env::set("TESTRIG_EXIT_THREAD", "x")))
                .unwrap()
                .join()
                .unwrap();
            assert_eq!(std::env::var_os("TESTRIG_EXIT_THREAD"), None);
            // And the key is free again: taking it does not wait.
            let _again = testrig::env::set("TESTRIG_EXIT_THREAD", "mine");
        }
        Ok("process") => {
            // A thread that never ends keeps its guard live until the process exits.
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _g = testrig::env::set("TESTRIG_EXIT_PROCESS", "x");
                tx.send(()).unwrap();
                loop {
                    std::thread::park();
                }
            });
            rx.recv().unwrap();
        }
        _ => {}
    }
}

/// A plain `#[test]` (no testrig attribute) that leaks a guard on its own thread.
#[test]
fn plain_test_that_leaks() {
    if std::env::var(CHILD).as_deref() == Ok("plain") {
        std::mem::forget(testrig::env::set("TESTRIG_EXIT_PLAIN", "leaked"));
        assert_eq!(std::env::var("TESTRIG_EXIT_PLAIN").as_deref(), Ok("leaked"));
    }
}

/// A restore that cannot succeed: the directory to go back to was deleted meanwhile.
fn restore_into_a_deleted_directory() {
    let dir = testrig::fs::tmp_dir();
    let _inside = testrig::fs::chdir(dir.path());
    let out = testrig::fs::chdir(std::env::temp_dir());
    drop(dir);
    drop(out); // going back into the deleted directory fails
}

#[test]
fn plain_test_whose_restore_fails() {
    if std::env::var(CHILD).as_deref() == Ok("restore-plain") {
        restore_into_a_deleted_directory();
    }
}

#[testrig::test]
fn testrig_test_whose_restore_fails() {
    if std::env::var(CHILD).as_deref() == Ok("restore-testrig") {
        restore_into_a_deleted_directory();
    }
}

#[test]
fn a_guard_leaked_on_a_thread_is_reported_when_the_thread_ends_and_fails_the_run() {
    let (out, stderr) = run_child("child", "thread");
    assert!(
        stderr.contains("env var `TESTRIG_EXIT_THREAD` patched at tests/exit_report.rs:")
            && stderr.contains("still live when its thread `leaky_worker` ended"),
        "{stderr}"
    );
    assert_run_failed(&out, &stderr);
}

#[test]
fn a_guard_still_live_at_process_exit_is_reported_and_fails_the_run() {
    let (out, stderr) = run_child("child", "process");
    assert!(
        stderr.contains(
            "at process exit, env var `TESTRIG_EXIT_PROCESS` patched at tests/exit_report.rs:"
        ),
        "{stderr}"
    );
    assert_run_failed(&out, &stderr);
}

#[test]
fn a_plain_test_that_leaks_makes_the_run_fail_naming_the_test_key_and_line() {
    let (out, stderr) = run_child("plain_test_that_leaks", "plain");
    let line = format!(
        "env var `TESTRIG_EXIT_PLAIN` patched at tests/exit_report.rs:{}",
        line_of("testrig::env::set(\"TESTRIG_EXIT_PLAIN\"")
    );
    assert!(stderr.contains(&line), "{stderr}");
    assert!(
        stderr.contains("its thread `plain_test_that_leaks` ended; it has been restored"),
        "{stderr}"
    );
    assert_run_failed(&out, &stderr);
}

#[test]
fn a_failed_restore_in_a_plain_test_makes_the_run_fail_naming_key_and_reason() {
    let (out, stderr) = run_child("plain_test_whose_restore_fails", "restore-plain");
    assert!(
        stderr.contains(
            "testrig: could not restore the current directory (patched at tests/exit_report.rs:"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("No such file or directory"), "{stderr}");
    assert!(
        stderr.contains("(in thread `plain_test_whose_restore_fails`)"),
        "{stderr}"
    );
    assert_run_failed(&out, &stderr);
}

#[test]
fn a_failed_restore_in_a_testrig_test_fails_that_test() {
    let (out, stderr) = run_child("testrig_test_whose_restore_fails", "restore-testrig");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 failed"), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "testrig: could not restore the current directory (patched at tests/exit_report.rs:"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("No such file or directory"), "{stderr}");
    // Reported once, by the test: nothing is left for the end of the run.
    assert!(!stderr.contains("the run fails"), "{stderr}");
}

#[testrig::test(timeout = "300ms")]
fn testrig_test_that_times_out_holding_keys() {
    if std::env::var(CHILD).as_deref() == Ok("timeout") {
        let _key = testrig::lock::serial("testrig-exit-timed-out");
        let _env = testrig::env::set("TESTRIG_EXIT_TIMED_OUT", "x");
        std::thread::sleep(std::time::Duration::from_secs(5));
    }
}

#[test]
fn a_timed_out_tests_keys_are_reported_once_with_the_timeout_not_as_a_leak_at_exit() {
    let (out, stderr) = run_child("testrig_test_that_times_out_holding_keys", "timeout");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 failed"), "{stdout}\n{stderr}");
    assert!(stderr.contains("timed out after"), "{stderr}");
    assert_eq!(
        stderr
            .matches("what the timed-out test held was restored and released")
            .count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("serial key `testrig-exit-timed-out` patched at"),
        "{stderr}"
    );
    assert!(
        stderr.contains("env var `TESTRIG_EXIT_TIMED_OUT` patched at"),
        "{stderr}"
    );
    assert!(!stderr.contains("at process exit"), "{stderr}");
    assert!(!stderr.contains("the run fails"), "{stderr}");
}

/// The line of this file where `needle` first appears.
fn line_of(needle: &str) -> usize {
    include_str!("exit_report.rs")
        .lines()
        .position(|l| l.contains(needle) && !l.contains("line_of"))
        .unwrap()
        + 1
}
