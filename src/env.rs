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
//! # Who waits for whom
//!
//! Each variable is a key of its own, and the whole environment is their parent key:
//!
//! - Tests that patch the same variable run one after the other (the second waits until the
//!   first test's guards on it drop); tests that patch different variables run in parallel.
//!   One test may nest guards on one variable freely.
//! - A test that reads the *whole* environment (a config loader calling [`std::env::vars`])
//!   holds it with [`lock_all`] or the built-in fixture `whole_env`
//!   (`#[fixture_use(whole_env)]`). It waits until no other test has an env patch live, and
//!   while it holds the lock every other test's env patch waits for it. The holder may patch
//!   variables itself, take `lock_all` again (nested), and drop the guards in any order.
//! - An env patch holds the whole environment *shared*, `lock_all` holds it *exclusively*,
//!   like [`lock::shared`](crate::lock::shared) and [`lock::serial`](crate::lock::serial).
//!   A test that patches a variable and then calls `lock_all` fails at once naming both
//!   lines: take `lock_all` (or `whole_env`) first, then patch.
//! - A test waiting for `lock_all` goes first: env patches of tests that have none live
//!   wait behind it, so a stream of short patches cannot starve it.
//! - Waits keep the lock timeout (`TESTRIG_LOCK_TIMEOUT`, 60 s) and the messages name the test
//!   that holds the key; a cycle of tests waiting for each other panics at once.
//! - Env patches made by session fixtures live until the process exits; `lock_all` does not
//!   wait for them (they are part of the environment every test sees).
//!
//! This is a lock per variable plus one parent, not temp_env's single process-wide lock: a
//! suite moved from `temp_env::with_var` whose tests read the whole environment needs
//! `whole_env` on those tests, or on their module (see the migration guide).
//!
//! # Under `cargo test` and under nextest
//!
//! These keys exist in one process. Under `cargo test`, the tests of one binary share the
//! process and meet at these keys as described above. Under `cargo nextest run`, each test
//! is a process of its own: its environment is its own, nothing is shared, and `lock_all`
//! never waits.
//!
//! # What guards cannot protect
//!
//! Guards serialize the tests that *take* a key. A test that reads the environment without
//! `lock_all` sees whatever other tests have patched at that moment, and C code that calls
//! `getenv` directly (DNS resolution, locale and time-zone lookups in C libraries) can race
//! with the `setenv` a guard performs and crash. When a suite has such readers, run it under
//! `cargo nextest run`, which gives every test a process of its own, so patches never meet.

use std::ffi::{OsStr, OsString};

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::core::{self, Change, Key, KeyView, NoState, Slot, Value};

/// A live patch of one or more environment variables; dropping it restores them.
///
/// `Send` and `Sync`: an async test may hold it across `.await` on a multi-thread runtime.
#[must_use = "the variable is restored as soon as the guard drops, and `let _ = ...` drops it at once; bind it with `let _guard = ...`"]
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
        let Value::Os(value) = value else {
            unreachable!("env slot used for {key}")
        };
        self.write_os(key, value.as_deref())
    }

    fn write_os(&self, key: &Key, value: Option<&OsStr>) -> std::io::Result<()> {
        let Key::Env(name) = key else {
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
    let value = value.as_ref();
    check_value(name, value);
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
fn one(name: &OsStr, value: Option<&OsStr>) -> EnvGuard {
    let change = Change::set_borrowed(KeyView::Env(name), &EnvSlot, value);
    EnvGuard {
        _core: core::patch_one(change),
    }
}

/// Sets several variables at once, under one guard: `(key, value)` pairs, or
/// `(key, Option<value>)` pairs where `None` unsets the variable (temp_env's spelling).
///
/// Every key and value is checked before anything changes, and all keys are taken together,
/// so two tests patching overlapping sets can never deadlock.
///
/// ```
/// let _g = testrig::env::set_many([("TESTRIG_DOC_USER", "ada"), ("TESTRIG_DOC_LANG", "en")]);
/// assert_eq!(std::env::var("TESTRIG_DOC_USER").as_deref(), Ok("ada"));
/// assert_eq!(std::env::var("TESTRIG_DOC_LANG").as_deref(), Ok("en"));
///
/// let _o = testrig::env::set_many([("TESTRIG_DOC_USER", None), ("TESTRIG_DOC_TZ", Some("UTC"))]);
/// assert!(std::env::var_os("TESTRIG_DOC_USER").is_none());
/// assert_eq!(std::env::var("TESTRIG_DOC_TZ").as_deref(), Ok("UTC"));
/// ```
///
/// # Panics
///
/// At the caller's line, when a key is empty or contains `=` or NUL, or a value contains NUL.
#[track_caller]
pub fn set_many<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> EnvGuard
where
    K: AsRef<OsStr>,
    V: EnvValue,
{
    // A loop, not `.map()`: `#[track_caller]` does not reach through closures, and the panic
    // for a bad key must point at the user's line.
    let mut changes = Vec::new();
    for (k, v) in vars {
        let key = checked_key(k.as_ref()).to_owned();
        #[allow(clippy::manual_map, reason = "a closure would hide the caller's line")]
        let value = match v.into_value() {
            Some(v) => Some(checked_owned_value(&key, v)),
            None => None,
        };
        changes.push(Change::set(Key::Env(key), &EnvSlot, Value::Os(value)));
    }
    EnvGuard {
        _core: core::patch(changes),
    }
}

/// The same as [`set_many`]; the name says that values may be `None` (unset).
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
pub fn patch_many<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> EnvGuard
where
    K: AsRef<OsStr>,
    V: EnvValue,
{
    set_many(vars)
}

/// A value [`set_many`] accepts: anything string-like (`&str`, `String`, `&OsStr`, `OsString`,
/// `&Path`, `PathBuf`, `Cow`s of them), or an `Option` of one, where `None` unsets.
///
/// Rust arrays hold one type, so one array is all plain values or all `Option`s; write
/// `Some(..)` around the plain ones to mix.
pub trait EnvValue: sealed::Sealed {
    /// The value to set, or `None` to unset.
    #[doc(hidden)]
    fn into_value(self) -> Option<OsString>;
}

mod sealed {
    pub trait Sealed {}
}

impl<T: ?Sized + AsRef<OsStr>> sealed::Sealed for &T {}
impl<T: ?Sized + AsRef<OsStr>> EnvValue for &T {
    fn into_value(self) -> Option<OsString> {
        Some(self.as_ref().to_owned())
    }
}

macro_rules! owned_env_values {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl EnvValue for $t {
            fn into_value(self) -> Option<OsString> {
                Some(OsString::from(self))
            }
        }
    )*};
}

owned_env_values!(String, OsString, PathBuf);

impl sealed::Sealed for Cow<'_, str> {}
impl EnvValue for Cow<'_, str> {
    fn into_value(self) -> Option<OsString> {
        Some(OsString::from(self.into_owned()))
    }
}

impl sealed::Sealed for Cow<'_, OsStr> {}
impl EnvValue for Cow<'_, OsStr> {
    fn into_value(self) -> Option<OsString> {
        Some(self.into_owned())
    }
}

impl sealed::Sealed for Cow<'_, Path> {}
impl EnvValue for Cow<'_, Path> {
    fn into_value(self) -> Option<OsString> {
        Some(self.into_owned().into_os_string())
    }
}

impl<V: EnvValue> sealed::Sealed for Option<V> {}
impl<V: EnvValue> EnvValue for Option<V> {
    fn into_value(self) -> Option<OsString> {
        self.and_then(EnvValue::into_value)
    }
}

/// Holds the whole environment for the current test: waits until no other test has an env
/// patch live, and keeps every other test's env patches waiting until the guard drops. The
/// holder may still patch variables, take `lock_all` again, and drop guards in any order.
/// The built-in fixture `whole_env` does the same for a whole test.
///
/// ```
/// use testrig::env;
///
/// let _all = env::lock_all();
/// let _mine = env::set("TESTRIG_DOC_WHOLE", "1"); // the holder may patch
/// let seen: Vec<_> = std::env::vars_os().filter(|(k, _)| k == "TESTRIG_DOC_WHOLE").collect();
/// assert_eq!(seen.len(), 1); // no other test's patch is live meanwhile
/// ```
///
/// # Panics
///
/// At the caller's line, when this test already has env patches live and does not hold
/// `lock_all`: take `lock_all` first. Also after the lock timeout, naming the test whose
/// patch it waited for.
#[track_caller]
pub fn lock_all() -> WholeEnvGuard {
    WholeEnvGuard {
        _core: core::patch_one(Change::set_ref(KeyView::EnvAll, &NoState, Value::Unit)),
    }
}

/// The whole environment, held by [`lock_all`] or the `whole_env` fixture.
#[must_use = "the environment is released as soon as the guard drops, and `let _ = ...` drops it \
              at once; bind it with `let _env = ...`"]
#[derive(Debug)]
pub struct WholeEnvGuard {
    _core: core::Guard,
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
    if !has_eq_or_nul(bytes) {
        return key;
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
fn checked_owned_value(key: &OsStr, value: OsString) -> OsString {
    check_value(key, &value);
    value
}

#[track_caller]
fn check_value(key: &OsStr, value: &OsStr) {
    if has_either(value.as_encoded_bytes(), 0, 0) {
        panic!(
            "testrig::env: the value for {key:?} contains a NUL byte, which the environment \
             cannot store; remove it"
        );
    }
}

/// Whether `bytes` holds `=` or NUL.
fn has_eq_or_nul(bytes: &[u8]) -> bool {
    has_either(bytes, b'=', 0)
}

/// Whether `bytes` holds byte `a` or byte `b`. Runs on every patch, so one pass a word at a
/// time: `(x - 0x01..) & !x & 0x80..` is non-zero exactly when some byte of `x` is zero, and
/// XOR with a word of `a` turns each `a` into a zero byte.
fn has_either(bytes: &[u8], a: u8, b: u8) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let (wa, wb) = (LO * u64::from(a), LO * u64::from(b));
    let has_zero_byte = |x: u64| x.wrapping_sub(LO) & !x & HI != 0;
    let hit = |x: u64| has_zero_byte(x ^ wa) || has_zero_byte(x ^ wb);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        if hit(u64::from_le_bytes(word.try_into().expect("8 bytes"))) {
            return true;
        }
    }
    // The tail as one more word, padded with a byte that is neither target.
    debug_assert!(a != 0xFF && b != 0xFF);
    let rest = words.remainder();
    let mut tail = [0xFF; 8];
    tail[..rest.len()].copy_from_slice(rest);
    hit(u64::from_le_bytes(tail))
}

#[cfg(test)]
mod tests {
    use super::{has_either, has_eq_or_nul};

    #[test]
    fn eq_and_nul_are_found_at_every_position_and_nothing_else_is() {
        for len in 0..40 {
            let clean: Vec<u8> = (0..len).map(|i| b'A' + (i % 26) as u8).collect();
            assert!(!has_eq_or_nul(&clean), "{len}");
            for at in 0..len {
                for bad in [b'=', 0] {
                    let mut v = clean.clone();
                    v[at] = bad;
                    assert!(has_eq_or_nul(&v), "{len} {at} {bad}");
                }
            }
        }
        // Bytes next to the targets in value, and high bytes, are not taken for them.
        let near: Vec<u8> = (0..=255u8).filter(|&b| b != b'=' && b != 0).collect();
        assert!(!has_eq_or_nul(&near));
        assert!(!has_either(b"a=b", 0, 0) && has_either(b"abcdefgh\0", 0, 0));
    }
}
