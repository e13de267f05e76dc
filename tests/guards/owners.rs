//! Who holds a key: the test (across its threads, when it carries its context) or a thread.

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use testrig::context::TestContext;
use testrig::{env, lock};

use crate::key;

#[test]
fn one_owner_nests_guards_on_a_key_without_waiting() {
    let k = key("NESTED");
    let a = env::set(&k, "a");
    let b = env::set(&k, "b"); // would deadlock if the owner waited for itself
    let c = lock::serial(&k);
    let d = lock::serial(&k);
    assert_eq!(std::env::var(&k).unwrap(), "b");
    drop((a, b, c, d));
}

#[test]
fn another_owner_waits_until_the_key_is_free() {
    let k = key("WAITS");
    let guard = env::set(&k, "first");
    let (tx, rx) = mpsc::channel();
    let k2 = k.clone();
    let other = thread::spawn(move || {
        let _g = env::set(&k2, "second"); // blocks: a bare thread is another owner
        tx.send(std::env::var(&k2).unwrap()).unwrap();
    });
    // Not a timing assertion: the other thread cannot have got the key while we hold it, so
    // nothing can have been sent, however long we look.
    assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
    assert_eq!(std::env::var(&k).unwrap(), "first");
    drop(guard);
    assert_eq!(rx.recv().unwrap(), "second");
    other.join().unwrap();
    assert_eq!(std::env::var_os(&k), None);
}

#[test]
fn a_thread_carrying_the_test_context_is_the_same_owner() {
    let k = key("CONTEXT_THREAD");
    let ctx = TestContext::new("owners::context_thread", None);
    let _in = ctx.enter();
    let outer = env::set(&k, "outer");
    let k2 = k.clone();
    // Without the context this would wait for `outer` forever (until the lock timeout).
    let seen = thread::spawn(ctx.wrap_fn(move || {
        let _inner = env::set(&k2, "inner");
        std::env::var(&k2).unwrap()
    }))
    .join()
    .unwrap();
    assert_eq!(seen, "inner");
    assert_eq!(std::env::var(&k).unwrap(), "outer");
    drop(outer);
}

#[test]
fn tests_patching_different_keys_do_not_wait_for_each_other() {
    let (a, b) = (key("PARALLEL_A"), key("PARALLEL_B"));
    let barrier = Arc::new(Barrier::new(2));
    let spawn = |k: String| {
        let barrier = barrier.clone();
        thread::spawn(move || {
            let _g = env::set(&k, "mine");
            // Both threads hold their guard at this point; if either waited for the other,
            // the barrier would never open.
            barrier.wait();
            std::env::var(&k).unwrap()
        })
    };
    let (ta, tb) = (spawn(a), spawn(b));
    assert_eq!(ta.join().unwrap(), "mine");
    assert_eq!(tb.join().unwrap(), "mine");
}

#[test]
fn a_wait_cycle_is_reported_instead_of_hanging() {
    let (k1, k2) = (key("CYCLE_1"), key("CYCLE_2"));
    let barrier = Arc::new(Barrier::new(2));
    let run = |first: String, second: String| {
        let barrier = barrier.clone();
        thread::spawn(move || {
            let _a = lock::serial(&first);
            barrier.wait();
            let _b = lock::serial(&second);
        })
    };
    let t1 = run(k1.clone(), k2.clone());
    let t2 = run(k2, k1);
    let results = [t1.join(), t2.join()];
    let messages: Vec<String> = results
        .into_iter()
        .filter_map(Result::err)
        .map(|p| *p.downcast::<String>().unwrap())
        .collect();
    // Exactly one of the two closes the cycle and panics; the other then gets its key.
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("deadlock"), "{}", messages[0]);
    assert!(
        messages[0].contains("serial key `TESTRIG_GUARDS_CYCLE_"),
        "{}",
        messages[0]
    );
    assert!(messages[0].contains("owners.rs"), "{}", messages[0]);
}

#[test]
fn a_leaked_guard_of_a_test_context_is_restored_and_described() {
    let k = key("CONTEXT_LEAK");
    let ctx = TestContext::new("owners::context_leak", None);
    let line;
    {
        let _in = ctx.enter();
        line = line!() + 1;
        std::mem::forget(env::set(&k, "leaked"));
    }
    assert_eq!(std::env::var(&k).unwrap(), "leaked");
    let report = testrig::__private::restore_leaked_guards(&ctx).expect("a leak to report");
    assert_eq!(std::env::var_os(&k), None);
    assert!(report.contains("owners::context_leak"), "{report}");
    assert!(
        report.contains(&format!("env var `{k}` patched at")),
        "{report}"
    );
    assert!(report.contains(&format!("owners.rs:{line}:")), "{report}");
    assert!(testrig::__private::restore_leaked_guards(&ctx).is_none());
}

#[test]
fn a_guard_dropped_after_its_forced_restore_undoes_nothing() {
    let k = key("LATE_DROP");
    let ctx = TestContext::new("owners::late_drop", None);
    let late = {
        let _in = ctx.enter();
        env::set(&k, "first")
    };
    assert!(testrig::__private::restore_leaked_guards(&ctx).is_some());
    let now = env::set(&k, "someone else");
    drop(late); // must not touch the new owner's layer
    assert_eq!(std::env::var(&k).unwrap(), "someone else");
    drop(now);
}

/// Three tests patching three different keys hold them all at once: a test that waited for
/// another would leave the others waiting until the bound, and fail.
#[test]
fn patches_of_different_keys_run_side_by_side() {
    use std::sync::{Condvar, Mutex};
    let inside = Arc::new((Mutex::new(0), Condvar::new()));
    let threads: Vec<_> = (0..3)
        .map(|i| {
            let inside = inside.clone();
            let ctx = TestContext::new(format!("side_by_side_{i}"), None);
            thread::spawn(ctx.wrap_fn(move || {
                let _g = env::set(key(&format!("SIDE_BY_SIDE_{i}")), "x");
                let (count, cv) = &*inside;
                let mut n = count.lock().unwrap();
                *n += 1;
                cv.notify_all();
                let (n, wait) = cv
                    .wait_timeout_while(n, Duration::from_secs(60), |n| *n < 3)
                    .unwrap();
                assert!(!wait.timed_out(), "only {} of 3 were patched at once", *n);
            }))
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
