//! Reports that can only be seen from outside the process: guards still live when their thread
//! ends, and when the process exits. Each scenario re-runs this binary as a child.

use std::process::Command;

const CHILD: &str = "TESTRIG_EXIT_REPORT_CHILD";

fn run_child(scenario: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(CHILD, scenario)
        .output()
        .unwrap();
    assert!(out.status.success(), "child failed: {out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
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

#[test]
fn a_guard_leaked_on_a_thread_is_reported_when_the_thread_ends() {
    let stderr = run_child("thread");
    assert!(
        stderr.contains("env var `TESTRIG_EXIT_THREAD` patched at tests/exit_report.rs:")
            && stderr.contains("still live when its thread `leaky_worker` ended"),
        "{stderr}"
    );
}

#[test]
fn a_guard_still_live_at_process_exit_is_reported() {
    let stderr = run_child("process");
    assert!(
        stderr.contains(
            "at process exit, env var `TESTRIG_EXIT_PROCESS` patched at tests/exit_report.rs:"
        ),
        "{stderr}"
    );
}
