//! A test that panics with a live capture prints the captured records with its output, as
//! pytest shows captured logs of a failing test. Each test runs itself again in a child process
//! (the failing side) and reads the child's stderr.
#![cfg(any(feature = "log", feature = "tracing"))]

use std::process::Command;

use testrig::log::LogCapture;

const CHILD: &str = "TESTRIG_LOG_DUMP_CHILD";

fn info(message: &str) {
    #[cfg(feature = "log")]
    log::info!(target: "checkout", "{message}");
    #[cfg(not(feature = "log"))]
    tracing::info!(target: "checkout", "{message}");
}

#[test]
fn records_are_printed_when_the_test_panics() {
    if std::env::var_os(CHILD).is_some() {
        let _logs = LogCapture::start();
        info("cart loaded");
        info("payment declined");
        panic!("the test failed");
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "records_are_printed_when_the_test_panics",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "the child test must fail: {stderr}"
    );
    assert!(
        stderr.contains("2 records captured for thread `records_are_printed_when_the_test_panics`"),
        "{stderr}"
    );
    assert!(stderr.contains("1. INFO checkout: cart loaded"), "{stderr}");
    assert!(
        stderr.contains("2. INFO checkout: payment declined"),
        "{stderr}"
    );
}

#[test]
fn nothing_is_printed_by_a_passing_test() {
    if std::env::var_os(CHILD).is_some() {
        let _logs = LogCapture::start();
        info("all good");
        return;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "nothing_is_printed_by_a_passing_test",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("all good"), "{stderr}");
}
