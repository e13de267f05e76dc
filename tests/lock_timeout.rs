//! The lock timeout, `TESTRIG_LOCK_TIMEOUT`: read once per process, so every check runs a
//! test of this binary in a child process with the value under test.

mod common;

use std::sync::{Arc, Barrier, mpsc};
use std::thread;
use std::time::Duration;

use testrig::env;

/// Runs helper test `name` with `TESTRIG_LOCK_TIMEOUT=value`; its output, and whether it passed.
fn with_lock_timeout(name: &str, value: &str) -> (bool, String) {
    let (output, text) = common::run(common::helper(name).env("TESTRIG_LOCK_TIMEOUT", value));
    (output.status.success(), text)
}

#[test]
fn a_wait_past_the_timeout_panics_naming_key_holder_and_site() {
    if !common::in_helper() {
        // A bare number is seconds, as `TESTRIG_TIMEOUT` reads it.
        let (passed, text) = with_lock_timeout(
            "a_wait_past_the_timeout_panics_naming_key_holder_and_site",
            "0.3",
        );
        assert!(passed, "{text}");
        return;
    }
    let key = "TESTRIG_TIMEOUT_KEY";
    let (held, release) = (mpsc::channel(), mpsc::channel::<()>());
    let holder_line = line!() + 4;
    let holder = thread::Builder::new()
        .name("holding_test".into())
        .spawn(move || {
            let _g = env::set(key, "held");
            held.0.send(()).unwrap();
            release.1.recv().unwrap();
        })
        .unwrap();
    held.1.recv().unwrap();
    let waiter_line = line!() + 1;
    let result = thread::spawn(move || drop(env::set(key, "waiting"))).join();
    let message = *result.unwrap_err().downcast::<String>().unwrap();
    release.0.send(()).unwrap();
    holder.join().unwrap();

    assert!(
        message.contains("env var `TESTRIG_TIMEOUT_KEY`"),
        "{message}"
    );
    assert!(message.contains("waited 300ms"), "{message}");
    assert!(
        message.contains("test `holding_test` still holds it"),
        "{message}"
    );
    assert!(
        message.contains(&format!("lock_timeout.rs:{holder_line}:")),
        "{message}"
    );
    assert!(
        message.contains(&format!("lock_timeout.rs:{waiter_line}:")),
        "{message}"
    );
    assert!(message.contains("TESTRIG_LOCK_TIMEOUT"), "{message}");
    assert_eq!(std::env::var_os(key), None);
}

/// Waits for a key that another thread holds for 300 ms, then takes it.
#[test]
fn helper_waits_for_a_key_held_for_a_while() {
    if !common::in_helper() {
        return;
    }
    let key = "TESTRIG_LOCK_TIMEOUT_WAIT";
    let (held, release) = (mpsc::channel(), mpsc::channel::<()>());
    let holder = thread::spawn(move || {
        let _g = env::set(key, "held");
        held.0.send(()).unwrap();
        release.1.recv().unwrap();
        thread::sleep(Duration::from_millis(300));
    });
    held.1.recv().unwrap();
    release.0.send(()).unwrap();
    let _mine = env::set(key, "mine");
    assert_eq!(std::env::var(key).unwrap(), "mine");
    holder.join().unwrap();
    println!("took the key after the wait");
}

#[test]
fn zero_means_no_limit_as_for_testrig_timeout() {
    // `0` used to fail every wait at once; now it waits as long as the holder holds.
    for value in ["0", "0s", "0ms", "off"] {
        let (passed, text) = with_lock_timeout("helper_waits_for_a_key_held_for_a_while", value);
        assert!(passed, "{value}: {text}");
        assert!(
            text.contains("took the key after the wait"),
            "{value}: {text}"
        );
    }
}

#[test]
fn a_value_that_is_not_a_limit_is_an_error_naming_the_variable() {
    let cases = [
        ("abc", "TESTRIG_LOCK_TIMEOUT=`abc` is not a duration"),
        ("-1", "TESTRIG_LOCK_TIMEOUT=`-1` is not a duration"),
        ("1e300", "TESTRIG_LOCK_TIMEOUT=`1e300` is not a duration"),
        ("", "TESTRIG_LOCK_TIMEOUT is set but empty"),
        (
            "0.0001",
            "TESTRIG_LOCK_TIMEOUT=`0.0001` is shorter than `1ms`, the smallest limit",
        ),
    ];
    for (value, expected) in cases {
        let (passed, text) = with_lock_timeout("helper_waits_for_a_key_held_for_a_while", value);
        assert!(!passed, "{value:?} was accepted: {text}");
        assert!(text.contains(expected), "{value:?}: {text}");
        // At the line that waited, not inside std or testrig.
        assert!(
            text.contains("panicked at tests/lock_timeout.rs:"),
            "{value:?}: {text}"
        );
    }
}

/// Two threads each hold one key and wait for the other's.
#[test]
fn helper_closes_a_wait_cycle() {
    if !common::in_helper() {
        return;
    }
    let (k1, k2) = (
        "TESTRIG_LOCK_TIMEOUT_CYCLE_1",
        "TESTRIG_LOCK_TIMEOUT_CYCLE_2",
    );
    let barrier = Arc::new(Barrier::new(2));
    let run = |first: &'static str, second: &'static str| {
        let barrier = barrier.clone();
        thread::spawn(move || {
            let _a = env::set(first, "1");
            barrier.wait();
            let _b = env::set(second, "2");
        })
    };
    let (t1, t2) = (run(k1, k2), run(k2, k1));
    let failed = [t1.join(), t2.join()]
        .into_iter()
        .filter_map(Result::err)
        .map(|p| *p.downcast::<String>().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].contains("deadlock"), "{}", failed[0]);
    println!("the cycle was reported");
}

#[test]
fn without_a_limit_a_wait_cycle_is_still_reported_at_once() {
    // Bounded, so that a regression fails here instead of hanging the run.
    let (passed, text) = testrig::timeout::run_with_timeout(Duration::from_secs(60), || {
        with_lock_timeout("helper_closes_a_wait_cycle", "0")
    });
    assert!(passed, "{text}");
    assert!(text.contains("the cycle was reported"), "{text}");
}
