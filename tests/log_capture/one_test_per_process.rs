//! In a process that runs one test only, everything logged in it is that test's, threads and
//! tasks without a context included. Each test here runs itself again in a child process of
//! this binary, once as nextest starts a test (`NEXTEST_EXECUTION_MODE=process-per-test`,
//! `--exact <name>`) and once in conditions that must not count as one test per process, so
//! both rules are checked whichever runner runs the parent.

use std::process::Command;

use testrig::context::{Attribution, TestContext};
use testrig::log::{Level, LogCapture};
use testrig::prelude::*;

/// Set in the child: `one` when the child must see one test per process, `many` otherwise.
const EXPECT: &str = "TESTRIG_LOG_CHILD_EXPECT";

fn log_info(message: &str) {
    #[cfg(feature = "log")]
    log::info!("{message}");
    #[cfg(not(feature = "log"))]
    tracing::info!("{message}");
}

/// What the child was told to expect, or `None` in the parent.
fn expected() -> Option<bool> {
    std::env::var(EXPECT).ok().map(|e| e == "one")
}

/// Runs test `name` of this binary in a child with `env` set and nextest's variables removed
/// unless given; returns whether it passed and its output.
fn child(name: &str, exact: bool, expect_one: bool, env: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    if exact {
        cmd.arg("--exact");
    }
    cmd.args([name, "--nocapture", "--test-threads=1"])
        .env(EXPECT, if expect_one { "one" } else { "many" })
        .env_remove("NEXTEST_EXECUTION_MODE")
        .env_remove("NEXTEST")
        .env_remove("NEXTEST_RUN_ID");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

const NEXTEST: [(&str, &str); 2] = [
    ("NEXTEST_EXECUTION_MODE", "process-per-test"),
    ("NEXTEST", "1"),
];

/// Runs `name` as nextest would (must see one test), with nextest's variables but a command
/// line that could select several tests, and with `--exact` but without nextest (both must
/// see many). Each child must pass, and run exactly that one test.
fn check_both_rules(name: &str) {
    for (exact, env, one) in [
        (true, &NEXTEST[..], true),
        (false, &NEXTEST[..], false),
        (true, &[][..], false),
    ] {
        let (passed, text) = child(name, exact, one, env);
        assert!(
            passed && text.contains("1 passed"),
            "child (exact: {exact}, nextest: {}, one test: {one}) failed:\n{text}",
            !env.is_empty()
        );
    }
}

#[test]
fn plain_test_gets_records_of_bare_threads() {
    let Some(one) = expected() else {
        return check_both_rules("one_test_per_process::plain_test_gets_records_of_bare_threads");
    };
    assert_eq!(testrig::context::single_test_process(), one);
    let logs = LogCapture::start();
    std::thread::spawn(|| log_info("bare thread"))
        .join()
        .unwrap();
    if one {
        logs.assert_contains(Level::Info, "bare thread");
        assert!(logs.unattributed().is_empty());
    } else {
        assert!(logs.find("bare thread").is_empty());
        assert!(
            logs.unattributed()
                .iter()
                .any(|r| r.message() == "bare thread")
        );
    }
}

#[testrig::test]
fn testrig_test_owns_bare_threads(logs: LogCapture) {
    let Some(one) = expected() else {
        return check_both_rules("one_test_per_process::testrig_test_owns_bare_threads");
    };
    let seen = std::thread::spawn(|| {
        log_info("bare thread");
        TestContext::attributed().map(|(ctx, why)| (ctx.name().to_owned(), why))
    })
    .join()
    .unwrap();
    if one {
        assert_eq!(
            seen,
            Some((
                "one_test_per_process::testrig_test_owns_bare_threads".to_owned(),
                Attribution::Process
            ))
        );
        logs.assert_contains(Level::Info, "bare thread");
    } else {
        assert_eq!(seen, None);
        assert!(logs.find("bare thread").is_empty());
    }
}

/// The order whose multi-thread workers testrig cannot see under `cargo test` (see
/// `runtimes.rs`): alone in its process, they are the test's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[testrig::test]
async fn tokio_above_multi_thread_bare_task() {
    let Some(one) = expected() else {
        return check_both_rules("one_test_per_process::tokio_above_multi_thread_bare_task");
    };
    let logs = LogCapture::start();
    tokio::spawn(async { log_info("bare task") }).await.unwrap();
    assert_eq!(logs.find("bare task").len(), usize::from(one));
}

/// An isolated child runs one test: its bare threads are the test's, under `cargo test` (in
/// the child) as under nextest (in place).
#[testrig::test(isolated)]
fn isolated_test_owns_bare_threads(logs: LogCapture) {
    assert!(testrig::context::single_test_process());
    std::thread::spawn(|| log_info("bare thread in the child"))
        .join()
        .unwrap();
    logs.assert_contains(Level::Info, "bare thread in the child");
}

/// A thread the test starts without its context, patching a key the test holds, waits for
/// its own test: the timeout says so and names the fix. Alone in its process, the thread is
/// known to work for the test; under `cargo test` it may only be.
#[testrig::test]
fn waiting_for_its_own_test_names_the_fix() {
    let Some(one) = expected() else {
        let name = "one_test_per_process::waiting_for_its_own_test_names_the_fix";
        let timeout = [("TESTRIG_LOCK_TIMEOUT", "0.2")];
        let nextest = [NEXTEST[0], NEXTEST[1], timeout[0]];
        for (env, one) in [(&nextest[..], true), (&timeout[..], false)] {
            let (passed, text) = child(name, true, one, env);
            assert!(
                passed && text.contains("1 passed"),
                "one test: {one}\n{text}"
            );
        }
        return;
    };
    let _held = testrig::env::set("TESTRIG_LOG_OWN_TEST_KEY", "held by the test");
    let err = std::thread::spawn(|| {
        let _g = testrig::env::set("TESTRIG_LOG_OWN_TEST_KEY", "from the bare thread");
    })
    .join()
    .expect_err("the bare thread must time out waiting for its own test");
    let message = err.downcast_ref::<String>().cloned().unwrap_or_default();
    let name = "one_test_per_process::waiting_for_its_own_test_names_the_fix";
    assert!(
        message.contains(&format!("but test `{name}` still holds it")),
        "{message}"
    );
    let why = if one {
        format!(
            "yet it works for `{name}` itself: it was probably started by the test without its context"
        )
    } else {
        format!("if `{name}` started it, it was probably started without its context")
    };
    assert!(message.contains(&why), "{message}");
    assert!(message.contains("wrap_fn("), "{message}");
    assert!(message.contains("`scope` fixture"), "{message}");
}
