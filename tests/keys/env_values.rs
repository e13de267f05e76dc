//! `env::set_many` / `patch_many` with `Option` values, temp_env's spelling.

use std::ffi::OsString;

use testrig::env;

#[test]
fn none_unsets_and_some_sets_in_one_array() {
    let (a, b) = ("TESTRIG_KEYS_OPT_A", "TESTRIG_KEYS_OPT_B");
    let _before = env::set(a, "was set");
    {
        let _g = env::set_many([(a, None), (b, Some("new"))]);
        assert_eq!(std::env::var_os(a), None);
        assert_eq!(std::env::var(b).as_deref(), Ok("new"));
    }
    assert_eq!(std::env::var(a).as_deref(), Ok("was set"));
    assert_eq!(std::env::var_os(b), None);
}

#[test]
fn owned_and_os_values_work_plain_and_as_options() {
    let key = "TESTRIG_KEYS_OPT_OWNED";
    let _g = env::patch_many(vec![(key.to_owned(), Some(String::from("s")))]);
    assert_eq!(std::env::var(key).as_deref(), Ok("s"));
    let _h = env::set_many([(key, OsString::from("os"))]);
    assert_eq!(std::env::var(key).as_deref(), Ok("os"));
    let _i = env::set_many([(key, None::<&str>)]);
    assert_eq!(std::env::var_os(key), None);
    let _j = env::set_many([(key, std::path::Path::new("/tmp/p"))]);
    assert_eq!(std::env::var(key).as_deref(), Ok("/tmp/p"));
}

#[test]
#[should_panic(expected = "contains a NUL byte")]
fn an_option_value_is_checked_like_a_plain_one() {
    let _g = env::set_many([("TESTRIG_KEYS_OPT_NUL", Some("a\0b"))]);
}
