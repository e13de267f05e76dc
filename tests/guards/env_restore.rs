use std::ffi::OsString;

use testrig::env;

use crate::key;

#[test]
fn unset_stays_unset_not_empty() {
    let k = key("UNSET");
    assert!(std::env::var_os(&k).is_none());
    let g = env::set(&k, "patched");
    assert_eq!(std::env::var(&k).unwrap(), "patched");
    drop(g);
    assert_eq!(std::env::var_os(&k), None);
}

#[test]
fn empty_stays_empty() {
    let k = key("EMPTY");
    let _outer = env::set(&k, "");
    {
        let _inner = env::set(&k, "x");
        assert_eq!(std::env::var(&k).unwrap(), "x");
    }
    assert_eq!(std::env::var_os(&k), Some(OsString::new()));
}

#[test]
fn remove_then_restore_previous_value() {
    let k = key("REMOVE");
    let _base = env::set(&k, "base");
    {
        let _gone = env::remove(&k);
        assert_eq!(std::env::var_os(&k), None);
    }
    assert_eq!(std::env::var(&k).unwrap(), "base");
}

#[cfg(unix)]
#[test]
fn non_utf8_values_round_trip() {
    use std::os::unix::ffi::OsStringExt;
    let k = key("NON_UTF8");
    let raw = OsString::from_vec(vec![b'a', 0xff, 0xfe, b'z']);
    let _original = env::set(&k, &raw);
    {
        let _g = env::set(&k, "temporary");
        assert_eq!(std::env::var(&k).unwrap(), "temporary");
    }
    assert_eq!(std::env::var_os(&k).unwrap(), raw);
}

#[test]
fn any_drop_order_restores_the_original() {
    let k = key("ORDER");
    let a = env::set(&k, "1");
    let b = env::set(&k, "2");
    assert_eq!(std::env::var(&k).unwrap(), "2");
    drop(a); // not the newest: the visible value stays
    assert_eq!(std::env::var(&k).unwrap(), "2");
    drop(b);
    assert_eq!(
        std::env::var_os(&k),
        None,
        "back to the original, not \"1\""
    );
}

#[test]
fn dropping_the_newest_reveals_the_one_below() {
    let k = key("REVEAL");
    let a = env::set(&k, "1");
    let b = env::set(&k, "2");
    let c = env::set(&k, "3");
    drop(c);
    assert_eq!(std::env::var(&k).unwrap(), "2");
    drop(a);
    assert_eq!(std::env::var(&k).unwrap(), "2");
    drop(b);
    assert_eq!(std::env::var_os(&k), None);
}

#[test]
fn set_many_applies_and_restores_every_key() {
    let (a, b, c) = (key("MANY_A"), key("MANY_B"), key("MANY_C"));
    let _c = env::set(&c, "kept");
    {
        let _g = env::patch_many([(&a, Some("1")), (&b, Some("2")), (&c, None)]);
        assert_eq!(std::env::var(&a).unwrap(), "1");
        assert_eq!(std::env::var(&b).unwrap(), "2");
        assert_eq!(std::env::var_os(&c), None);
    }
    assert_eq!(std::env::var_os(&a), None);
    assert_eq!(std::env::var_os(&b), None);
    assert_eq!(std::env::var(&c).unwrap(), "kept");
}

#[test]
fn the_same_key_twice_in_one_patch_takes_the_later_value() {
    let k = key("TWICE");
    {
        let _g = env::set_many([(&k, "first"), (&k, "second")]);
        assert_eq!(std::env::var(&k).unwrap(), "second");
    }
    assert_eq!(std::env::var_os(&k), None);
}

#[test]
fn closure_form_restores_after_a_panic() {
    let k = key("WITH_PANIC");
    let result = std::panic::catch_unwind(|| {
        env::with(&k, "inside", || {
            assert_eq!(std::env::var(&k).unwrap(), "inside");
            panic!("boom");
        })
    });
    assert!(result.is_err());
    assert_eq!(std::env::var_os(&k), None);
}

#[test]
fn guards_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<testrig::EnvGuard>();
    assert_send_sync::<testrig::CwdGuard>();
    assert_send_sync::<testrig::SerialGuard>();
}
