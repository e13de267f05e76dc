use testrig::env;

use crate::key;

#[cfg(feature = "tempfile")]
#[test]
fn guards_restore_during_a_panic_unwind() {
    use std::panic::catch_unwind;
    use testrig::fs;

    let k = key("UNWIND");
    let tmp = fs::tmp_dir();
    let result = catch_unwind(|| {
        let _e = env::set(&k, "set");
        let _c = fs::chdir(tmp.path());
        panic!("the test failed");
    });
    assert!(result.is_err());
    assert_eq!(std::env::var_os(&k), None);
    let _hold = fs::chdir(".");
    assert_ne!(
        std::env::current_dir().unwrap().canonicalize().unwrap(),
        tmp.path().canonicalize().unwrap()
    );
}

/// serial_test's failure mode: one test panics while holding the lock and every later test
/// fails with a poison error. Here the next owner simply gets the key.
#[test]
fn a_panic_while_holding_a_key_does_not_cascade() {
    let k = key("NO_CASCADE");
    let k2 = k.clone();
    let panicked = std::thread::spawn(move || {
        let _g = env::set(&k2, "doomed");
        panic!("a test that panics with a guard live");
    })
    .join();
    assert!(panicked.is_err());
    let _g = env::set(&k, "next test");
    assert_eq!(std::env::var(&k).unwrap(), "next test");
}

#[test]
fn a_poisoned_core_lock_is_recovered() {
    testrig::__private::poison_core_lock();
    let k = key("AFTER_POISON");
    let g = env::set(&k, "works");
    assert_eq!(std::env::var(&k).unwrap(), "works");
    drop(g);
    assert_eq!(std::env::var_os(&k), None);
}
