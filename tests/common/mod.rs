//! Runs tests of this same binary in a process of their own, as a plain `cargo test` would
//! (without nextest's variables), to check what a failing test reports.

#![allow(dead_code, unreachable_pub)]

use std::fs::{File, TryLockError};
use std::process::{Command, Output, Stdio};

/// Set in helper processes; helper tests do nothing without it.
pub const META: &str = "TESTRIG_TEST_META";

/// Whether this process is a helper run started by [`run_helper`].
pub fn in_helper() -> bool {
    std::env::var_os(META).is_some()
}

/// A command running test `name` of this binary alone, outside nextest.
pub fn helper(name: &str) -> Command {
    let mut cmd = child();
    cmd.args([name, "--exact", "--nocapture", "--test-threads=1"]);
    cmd
}

/// A command running every test of this binary whose name contains `filter`, at `threads`
/// threads, outside nextest. The harness captures each test's output, so a failing test's
/// output stands in a section of its own (`---- name stdout ----`).
pub fn helpers(filter: &str, threads: usize) -> Command {
    let mut cmd = child();
    cmd.arg(filter).arg(format!("--test-threads={threads}"));
    cmd
}

/// This binary as a helper process, without the variables of the run that started it.
fn child() -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.env(META, "1")
        .env_remove("NEXTEST")
        .env_remove("NEXTEST_RUN_ID")
        .env_remove("NEXTEST_EXECUTION_MODE")
        .env_remove("TESTRIG_TIMEOUT")
        .stdin(Stdio::null());
    cmd
}

/// Runs test `name` of this binary as a helper and returns its output, stdout then stderr.
pub fn run_helper(name: &str) -> (Output, String) {
    run(&mut helper(name))
}

/// Runs `cmd` (a [`helper`] with extra settings) and returns its output, stdout then stderr.
pub fn run(cmd: &mut Command) -> (Output, String) {
    let output = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, text)
}

/// Whether another holder has the file lock of serial key `key` right now.
pub fn is_locked(key: &str) -> bool {
    let file = File::open(testrig::lock::lock_path(key)).unwrap();
    match file.try_lock() {
        Ok(()) => false,
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(e)) => panic!("{e}"),
    }
}
