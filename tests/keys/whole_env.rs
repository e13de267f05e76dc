//! `env::lock_all` / `whole_env`: a test reading the whole environment never sees another
//! test's env patch, and env patches of different keys still run side by side.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use testrig::prelude::*;

use crate::{Meet, as_test, panic_text};

const PREFIX: &str = "TESTRIG_KEYS_OWN_";

/// 8 tests patch their own keys in a loop while 8 whole-environment readers check that
/// `env::vars_os()` never shows a patch of another test: 16 threads, repeated.
#[test]
fn whole_env_readers_never_see_another_tests_patch() {
    let mut threads = Vec::new();
    for i in 0..8 {
        threads.push(as_test(&format!("patcher_{i}"), move || {
            let key = format!("{PREFIX}{i}");
            for round in 0..300 {
                let _g = env::set(&key, round.to_string());
                assert_eq!(std::env::var(&key).unwrap(), round.to_string());
            }
        }));
    }
    for i in 0..8 {
        threads.push(as_test(&format!("reader_{i}"), move || {
            let mine = format!("{PREFIX}READER_{i}");
            for round in 0..60 {
                let _all = env::lock_all();
                // The holder may patch too; its own patch is all it sees.
                let _own = (round % 2 == 0).then(|| env::set(&mine, "mine"));
                let foreign: Vec<_> = std::env::vars_os()
                    .filter(|(k, _)| k.to_string_lossy().starts_with(PREFIX) && *k != *mine)
                    .collect();
                assert!(foreign.is_empty(), "reader {i} saw {foreign:?}");
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn lock_all_waits_for_other_tests_patches_and_they_wait_for_it() {
    let key = "TESTRIG_KEYS_WAITED_FOR";
    let patched = Arc::new(Meet::new(2));
    let dropped = Arc::new(AtomicBool::new(false));
    let (p, d) = (patched.clone(), dropped.clone());
    let patcher = as_test("patcher", move || {
        let g = env::set(key, "x");
        p.arrive("patcher and reader");
        // The reader is now waiting (or about to) for this patch to go.
        d.store(true, Ordering::SeqCst);
        drop(g);
    });
    let (p, d) = (patched.clone(), dropped.clone());
    let reader = as_test("reader", move || {
        p.arrive("patcher and reader");
        let _all = env::lock_all();
        assert!(
            d.load(Ordering::SeqCst),
            "lock_all returned while the patch was live"
        );
        assert_eq!(std::env::var_os(key), None);
    });
    patcher.join().unwrap();
    reader.join().unwrap();

    // And the other way round: a patch waits until the whole environment is released.
    let held = Arc::new(Meet::new(2));
    let released = Arc::new(AtomicBool::new(false));
    let (h, r) = (held.clone(), released.clone());
    let holder = as_test("holder", move || {
        let all = env::lock_all();
        h.arrive("holder and patcher");
        r.store(true, Ordering::SeqCst);
        drop(all);
    });
    let (h, r) = (held.clone(), released.clone());
    let patcher = as_test("late_patcher", move || {
        h.arrive("holder and patcher");
        let _g = env::set(key, "y");
        assert!(
            r.load(Ordering::SeqCst),
            "the patch went live under lock_all"
        );
    });
    holder.join().unwrap();
    patcher.join().unwrap();
}

#[test]
fn the_holder_may_patch_nest_and_drop_in_any_order() {
    let key = "TESTRIG_KEYS_HOLDER_PATCHES";
    as_test("holder", move || {
        let all = env::lock_all();
        let patch = env::set(key, "1");
        let again = env::lock_all();
        let multi = env::set_many([(key, "2")]);
        drop(all);
        assert_eq!(std::env::var(key).unwrap(), "2");
        drop(patch);
        drop(again);
        assert_eq!(std::env::var(key).unwrap(), "2");
        drop(multi);
        assert_eq!(std::env::var_os(key), None);
        assert!(!testrig::lock::is_held("whole env is not a named key"));
    })
    .join()
    .unwrap();
    // Everything is free again: another test takes the whole environment without waiting.
    as_test("next", || drop(env::lock_all())).join().unwrap();
}

#[test]
fn patching_first_then_asking_for_the_whole_environment_fails_at_once_naming_both_lines() {
    let key = "TESTRIG_KEYS_UPGRADE";
    let text = panic_text(
        as_test("upgrader", move || {
            let _g = env::set(key, "x");
            let _all = env::lock_all();
        })
        .join(),
    );
    assert!(
        text.contains("the whole environment (`env::lock_all`)"),
        "{text}"
    );
    let first = line_of("let _g = env::set(key, \"x\");");
    let second = first + 1;
    assert!(text.contains(&format!("whole_env.rs:{first}:")), "{text}");
    assert!(text.contains(&format!("whole_env.rs:{second}:")), "{text}");
    assert!(text.contains("never upgraded"), "{text}");
    // The failed test's patch came back when its thread ended.
    assert_eq!(std::env::var_os(key), None);
}

static FIXTURE_INSIDE: Meet = Meet::new(2);
static FIXTURE_BODY_DONE: AtomicBool = AtomicBool::new(false);

/// Driven by the test below; does nothing when the harness runs it on its own.
#[testrig::test]
#[fixture_use(whole_env)]
fn holds_the_whole_env_fixture() {
    if !crate::driven() {
        return;
    }
    let _mine = env::set("TESTRIG_KEYS_FIXTURE_OWN", "1"); // the holder may patch
    FIXTURE_INSIDE.arrive("fixture holder and patcher");
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(std::env::var_os("TESTRIG_KEYS_FIXTURE_OTHER"), None);
    FIXTURE_BODY_DONE.store(true, Ordering::SeqCst);
}

#[test]
fn the_whole_env_fixture_holds_the_environment_for_the_whole_test() {
    let holder = std::thread::spawn(|| crate::drive(holds_the_whole_env_fixture));
    let patcher = as_test("patcher", || {
        FIXTURE_INSIDE.arrive("fixture holder and patcher");
        let _g = env::set("TESTRIG_KEYS_FIXTURE_OTHER", "x");
        assert!(
            FIXTURE_BODY_DONE.load(Ordering::SeqCst),
            "another test's patch went live while `whole_env` was held"
        );
    });
    holder.join().unwrap();
    patcher.join().unwrap();
}

/// The line of this file where `needle` first appears.
fn line_of(needle: &str) -> usize {
    include_str!("whole_env.rs")
        .lines()
        .position(|l| l.contains(needle) && !l.contains("line_of"))
        .unwrap()
        + 1
}
