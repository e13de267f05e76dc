//! The lock timeout, in a binary of its own: it is read once per process, so the short value
//! set here cannot slow down or break any other suite.

use std::sync::mpsc;
use std::thread;

use testrig::env;

#[test]
fn a_wait_past_the_timeout_panics_naming_key_holder_and_site() {
    // SAFETY: set before any other thread of this binary touches the environment.
    unsafe { std::env::set_var("TESTRIG_LOCK_TIMEOUT", "0.3") };
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
