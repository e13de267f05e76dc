//! Environment variables, patched with guards that put back exactly what was there.
//!
//! ```
//! use testrig::env;
//!
//! let guard = env::set("TESTRIG_DOC_API_URL", "http://127.0.0.1:9");
//! assert_eq!(std::env::var("TESTRIG_DOC_API_URL").unwrap(), "http://127.0.0.1:9");
//! drop(guard);
//! assert!(std::env::var_os("TESTRIG_DOC_API_URL").is_none()); // unset again, not empty
//! ```
//!
//! Restoring is exact: an unset variable becomes unset again, an empty one empty, and values
//! that are not UTF-8 come back byte for byte. Guards may be dropped in any order; the variable
//! shows the newest live guard's value and, once none is left, the value from before the first.
//!
//! Tests that patch the same variable run one after the other (the second waits for the first
//! test's guards to drop); tests that patch different variables run in parallel. One test may
//! nest guards on one variable freely.
//!
//! # What guards cannot protect
//!
//! Guards serialize the *tests that patch* a variable. Code that reads the environment in
//! another test while a patch is live sees the patched value, and C code that calls `getenv`
//! directly (DNS resolution, locale and time-zone lookups in C libraries) can race with the
//! `setenv` a guard performs and crash. When a suite has such readers, run it under
//! `cargo nextest run`, which gives every test a process of its own, so patches never meet.

use std::ffi::{OsStr, OsString};

use crate::core::{self, Change, Key, KeyView, Slot, Value};

/// A live patch of one or more environment variables; dropping it restores them.
///
/// `Send` and `Sync`: an async test may hold it across `.await` on a multi-thread runtime.
#[must_use = "the variable is restored as soon as the guard drops; bind it with `let _guard = ...`"]
#[derive(Debug)]
pub struct EnvGuard {
    _core: core::Guard,
}

struct EnvSlot;

impl Slot for EnvSlot {
    fn read(&self, key: &Key) -> Value {
        let Key::Env(name) = key else {
            unreachable!("env slot used for {key}")
        };
        Value::Os(std::env::var_os(name))
    }

    fn write(&self, key: &Key, value: &Value) -> std::io::Result<()> {
        let (Key::Env(name), Value::Os(value)) = (key, value) else {
            unreachable!("env slot used for {key}")
        };
        // SAFETY: edition 2024 marks these unsafe because another thread may read the
        // environment through libc at the same time. Rust's own readers take std's env lock,
        // and every write testrig makes goes through the guard core, one key at a time. What
        // remains (C code calling `getenv` in a parallel test) is documented at the module top,
        // with nextest's process-per-test mode as the remedy.
        unsafe {
            match value {
                Some(v) => std::env::set_var(name, v),
                None => std::env::remove_var(name),
            }
        }
        Ok(())
    }
}

/// Sets `key` to `value` until the guard drops.
///
/// ```
/// let _guard = testrig::env::set("TESTRIG_DOC_LEVEL", "debug");
/// assert_eq!(std::env::var("TESTRIG_DOC_LEVEL").as_deref(), Ok("debug"));
/// ```
///
/// # Panics
///
/// At the caller's line, when `key` is empty or contains `=` or NUL, or `value` contains NUL.
#[track_caller]
pub fn set(key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> EnvGuard {
    let name = checked_key(key.as_ref());
    let value = checked_value(name, value.as_ref());
    one(name, Some(value))
}

/// Unsets `key` until the guard drops.
///
/// ```
/// let _home = testrig::env::remove("HOME");
/// assert!(std::env::var_os("HOME").is_none());
/// ```
///
/// # Panics
///
/// At the caller's line, when `key` is empty or contains `=` or NUL.
#[track_caller]
pub fn remove(key: impl AsRef<OsStr>) -> EnvGuard {
    one(checked_key(key.as_ref()), None)
}

#[track_caller]
fn one(name: &OsStr, value: Option<OsString>) -> EnvGuard {
    let change = Change::set_ref(KeyView::Env(name), &EnvSlot, Value::Os(value));
    EnvGuard {
        _core: core::patch_one(change),
    }
}

/// Sets several variables at once, under one guard.
///
/// Every key and value is checked before anything changes, and all keys are taken together,
/// so two tests patching overlapping sets can never deadlock.
///
/// ```
/// let _g = testrig::env::set_many([("TESTRIG_DOC_USER", "ada"), ("TESTRIG_DOC_LANG", "en")]);
/// assert_eq!(std::env::var("TESTRIG_DOC_USER").as_deref(), Ok("ada"));
/// assert_eq!(std::env::var("TESTRIG_DOC_LANG").as_deref(), Ok("en"));
/// ```
#[track_caller]
pub fn set_many<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> EnvGuard
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    patch_many(vars.into_iter().map(|(k, v)| (k, Some(v))))
}

/// Sets (`Some`) and unsets (`None`) several variables at once, under one guard.
///
/// ```
/// let _g = testrig::env::patch_many([
///     ("TESTRIG_DOC_PROXY", None),
///     ("TESTRIG_DOC_MODE", Some("offline")),
/// ]);
/// assert!(std::env::var_os("TESTRIG_DOC_PROXY").is_none());
/// assert_eq!(std::env::var("TESTRIG_DOC_MODE").as_deref(), Ok("offline"));
/// ```
#[track_caller]
pub fn patch_many<K, V>(vars: impl IntoIterator<Item = (K, Option<V>)>) -> EnvGuard
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    // A loop, not `.map()`: `#[track_caller]` does not reach through closures, and the panic
    // for a bad key must point at the user's line.
    let mut changes = Vec::new();
    for (k, v) in vars {
        let key = checked_key(k.as_ref()).to_owned();
        #[allow(clippy::manual_map, reason = "a closure would hide the caller's line")]
        let value = match v {
            Some(v) => Some(checked_value(&key, v.as_ref())),
            None => None,
        };
        changes.push(Change::set(Key::Env(key), &EnvSlot, Value::Os(value)));
    }
    EnvGuard {
        _core: core::patch(changes),
    }
}

/// Runs `f` with `key` set to `value`, then restores it, also when `f` panics.
///
/// ```
/// let seen = testrig::env::with("TESTRIG_DOC_TZ", "UTC", || std::env::var("TESTRIG_DOC_TZ"));
/// assert_eq!(seen.as_deref(), Ok("UTC"));
/// assert!(std::env::var_os("TESTRIG_DOC_TZ").is_none());
/// ```
#[track_caller]
pub fn with<R>(key: impl AsRef<OsStr>, value: impl AsRef<OsStr>, f: impl FnOnce() -> R) -> R {
    let _guard = set(key, value);
    f()
}

#[track_caller]
fn checked_key(key: &OsStr) -> &OsStr {
    let bytes = key.as_encoded_bytes();
    if bytes.is_empty() {
        panic!("testrig::env: the variable name is empty; give the name of the variable to patch");
    }
    if bytes.contains(&b'=') {
        panic!(
            "testrig::env: the variable name {key:?} contains `=`, which the environment \
             cannot store in a name; did you mean to pass the value separately?"
        );
    }
    if bytes.contains(&0) {
        panic!("testrig::env: the variable name {key:?} contains a NUL byte; remove it");
    }
    key
}

#[track_caller]
fn checked_value(key: &OsStr, value: &OsStr) -> OsString {
    if value.as_encoded_bytes().contains(&0) {
        panic!(
            "testrig::env: the value for {key:?} contains a NUL byte, which the environment \
             cannot store; remove it"
        );
    }
    value.to_owned()
}
