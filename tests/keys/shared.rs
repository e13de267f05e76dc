//! The shared side of keys: `#[testrig::test(shared = "..")]` tests run together, a
//! `serial` test on the same key runs alone; keyless `serial`; `lock::is_held`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use testrig::lock;

use crate::{Meet, as_test, drive, driven};

const KEY: &str = "testrig-keys-barrier";

static ALL_THREE_INSIDE: Meet = Meet::new(3);
static SHARED_INSIDE: AtomicUsize = AtomicUsize::new(0);
static SERIAL_INSIDE: AtomicBool = AtomicBool::new(false);
static SERIAL_STARTED: Meet = Meet::new(2);

fn shared_body(name: &str) {
    if !driven() {
        return;
    }
    assert!(lock::is_held(KEY));
    assert!(
        !SERIAL_INSIDE.load(Ordering::SeqCst),
        "{name} ran beside the serial test"
    );
    SHARED_INSIDE.fetch_add(1, Ordering::SeqCst);
    // Serialized shared tests could never all be here at once: this fails, not hangs.
    ALL_THREE_INSIDE.arrive("the three shared tests");
    if name == "shared_a" {
        // Let the serial test start asking for the key while the three hold it.
        SERIAL_STARTED.arrive("shared_a and the serial test");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    SHARED_INSIDE.fetch_sub(1, Ordering::SeqCst);
}

#[testrig::test(shared = "testrig-keys-barrier")]
fn shared_a() {
    shared_body("shared_a");
}

#[testrig::test(shared = "testrig-keys-barrier")]
fn shared_b() {
    shared_body("shared_b");
}

#[testrig::test(shared = "testrig-keys-barrier")]
fn shared_c() {
    shared_body("shared_c");
}

#[testrig::test(serial = "testrig-keys-barrier")]
fn serial_on_the_same_key() {
    if !driven() {
        return;
    }
    SERIAL_INSIDE.store(true, Ordering::SeqCst);
    assert_eq!(
        SHARED_INSIDE.load(Ordering::SeqCst),
        0,
        "shared tests ran beside serial"
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(
        SHARED_INSIDE.load(Ordering::SeqCst),
        0,
        "shared tests ran beside serial"
    );
    SERIAL_INSIDE.store(false, Ordering::SeqCst);
}

/// serial_test's barrier of three `#[parallel]` tests, plus a `#[serial]` test on the same key
/// that must not run beside them.
#[test]
fn three_shared_tests_are_inside_together_and_the_serial_one_alone() {
    let shared: Vec<_> = [shared_a as fn(), shared_b, shared_c]
        .into_iter()
        .map(|t| std::thread::spawn(move || drive(t)))
        .collect();
    let serial = std::thread::spawn(|| {
        SERIAL_STARTED.arrive("shared_a and the serial test");
        drive(serial_on_the_same_key);
    });
    for t in shared {
        t.join().unwrap();
    }
    serial.join().unwrap();
    // Everyone let go: the exclusive side can be had (it would wait out the lock timeout and
    // fail if a holder had leaked). libtest also runs the four tests above on their own, each
    // holding the key for a moment, so `is_held` could see one of them here.
    drop(lock::serial(KEY));
}

static KEYLESS_INSIDE: AtomicUsize = AtomicUsize::new(0);
static KEYLESS_BESIDE_NAMED: Meet = Meet::new(2);

fn keyless_body() {
    if !driven() {
        return;
    }
    assert!(lock::is_held(""), "a bare `serial` holds the keyless key");
    assert_eq!(
        KEYLESS_INSIDE.fetch_add(1, Ordering::SeqCst),
        0,
        "two keyless tests overlapped"
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    KEYLESS_INSIDE.fetch_sub(1, Ordering::SeqCst);
}

#[testrig::test(serial)]
fn keyless_one() {
    keyless_body();
    if driven() {
        // A test holding a named key runs beside a keyless serial test.
        KEYLESS_BESIDE_NAMED.arrive("keyless and named serial tests");
    }
}

#[testrig::test(serial)]
fn keyless_two() {
    keyless_body();
}

#[testrig::test(serial = "testrig-keys-named-beside-keyless")]
fn named_serial() {
    if driven() {
        KEYLESS_BESIDE_NAMED.arrive("keyless and named serial tests");
    }
}

#[test]
fn keyless_serial_tests_exclude_each_other_but_not_named_keys() {
    let threads: Vec<_> = [keyless_one as fn(), keyless_two, named_serial]
        .into_iter()
        .map(|t| std::thread::spawn(move || drive(t)))
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn is_held_sees_either_side_from_any_test() {
    let key = "testrig-keys-is-held";
    assert!(!lock::is_held(key));
    let excl = lock::serial(key);
    assert!(lock::is_held(key));
    // Another test sees it too.
    assert!(as_test("other", move || lock::is_held(key)).join().unwrap());
    drop(excl);
    assert!(!lock::is_held(key));
    let shared = lock::shared(key);
    assert!(as_test("other", move || lock::is_held(key)).join().unwrap());
    drop(shared);
    assert!(!lock::is_held(key));
    let local = lock::shared_local(key);
    assert!(lock::is_held(key));
    drop(local);
    assert!(!lock::is_held(key));
}

#[test]
fn a_shared_hold_asked_for_exclusively_fails_at_once_naming_both_lines() {
    let text = crate::panic_text(
        as_test("upgrader", || {
            let _s = lock::shared("testrig-keys-upgrade");
            let _x = lock::serial("testrig-keys-upgrade");
        })
        .join(),
    );
    assert!(
        text.contains("serial key `testrig-keys-upgrade` is asked for exclusively"),
        "{text}"
    );
    assert!(
        text.contains("already holds serial key `testrig-keys-upgrade` shared"),
        "{text}"
    );
    assert_eq!(text.matches("tests/keys/shared.rs:").count(), 2, "{text}");
    // Taking the exclusive side first and then the shared side is fine.
    as_test("downgrader", || {
        let _x = lock::serial("testrig-keys-upgrade");
        let _s = lock::shared("testrig-keys-upgrade");
    })
    .join()
    .unwrap();
}

#[test]
fn a_cycle_through_a_shared_hold_is_reported_at_once() {
    let (x, y) = ("testrig-keys-cycle-x", "testrig-keys-cycle-y");
    let meet = std::sync::Arc::new(Meet::new(2));
    let m = meet.clone();
    let t1 = as_test("cycle_one", move || {
        let _a = lock::shared_local(x);
        m.arrive("cycle");
        let _b = lock::serial_local(y);
    });
    let m = meet.clone();
    let t2 = as_test("cycle_two", move || {
        let _a = lock::serial_local(y);
        m.arrive("cycle");
        let _b = lock::serial_local(x);
    });
    let messages: Vec<String> = [t1.join(), t2.join()]
        .into_iter()
        .filter(Result::is_err)
        .map(crate::panic_text)
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("deadlock"), "{}", messages[0]);
}
