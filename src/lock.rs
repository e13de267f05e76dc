//! Named keys that serialize tests, within one process and across processes, with a shared
//! side for tests that may run together.
//!
//! ```
//! let _db = testrig::lock::serial("shared-database");
//! // Every other test that takes "shared-database" waits until this guard drops, whether it
//! // runs in this process, in another test binary, under nextest or in an isolated child;
//! // tests taking other keys keep running in parallel.
//! ```
//!
//! # Exclusive and shared
//!
//! A key has two sides. [`serial`] holds it exclusively: alone, with no other holder of either
//! side. [`shared`] holds it beside any number of other shared holders, never beside an
//! exclusive one. The test options are the same thing on a whole test:
//! `#[testrig::test(serial = "db")]`, `#[testrig::test(shared = "db")]`, and the keyless
//! `#[testrig::test(serial)]` ([`serial_keyless`]), which holds a key of its own (`""`) and so
//! excludes only other keyless serial tests, and its shared side `#[testrig::test(shared)]`
//! ([`shared_keyless`]). These are serial_test's `#[serial(db)]`, `#[parallel(db)]`,
//! `#[serial]` and `#[parallel]` (serial_test's `file_serial`/`file_parallel` too: every key
//! here holds across processes).
//!
//! - One test may take a key again in the same mode, nested, without waiting for itself, and
//!   may take the shared side of a key it holds exclusively. A testrig test that calls another
//!   testrig-annotated test function re-enters the keys it already holds.
//! - A test that holds a key shared and asks for it exclusively fails at once, naming both
//!   lines: two tests doing that would wait for each other forever. Take the exclusive side
//!   first, or only the shared side.
//! - A wait longer than the lock timeout (`TESTRIG_LOCK_TIMEOUT`, 60 s by default, `0` for no
//!   limit) panics naming the key and the test that holds it; a cycle of tests waiting for
//!   each other panics at once.
//!
//! # Under `cargo test` and under nextest
//!
//! A key is taken in two steps: first the in-process key (so tests of one process never wait
//! on the file for each other), then an OS lock on a file named after the key under the target
//! directory (`target/testrig-locks/`, see [`lock_dir`]): exclusive for [`serial`], shared for
//! [`shared`]. Under `cargo test` the tests of one binary meet at the in-process key and
//! different binaries meet at the file; under `cargo nextest run` every test is a process of
//! its own and they all meet at the file. The OS releases a file lock when its process dies,
//! so a crashed or killed run never leaves a stale lock behind: the file stays, the lock does
//! not. [`serial_local`] and [`shared_local`] skip the file for state that exists once per
//! process.

mod file;

use crate::core::{self, Change, KeyView, Mode, NoState, Value};

pub use file::{lock_dir, lock_path};

/// Holds a key, exclusively ([`serial`]) or shared ([`shared`]); the key is released when it
/// drops.
#[must_use = "the key is released as soon as the guard drops, and `let _ = ...` drops it at \
              once; bind it with `let _serial = ...`"]
#[derive(Debug)]
pub struct SerialGuard {
    // Fields drop in order: the file lock goes first, then the in-process key, the reverse of
    // the order they were taken in. While the file is released no other test of this process
    // can be waiting for it, because they all still wait for the in-process key.
    _file: Option<file::FileHold>,
    _core: core::Guard,
}

/// Takes the key `key` exclusively for the current test, waiting while another test holds it
/// (either side), in this process or in any other process started from the same target
/// directory. One test may take the same key again (nested) without waiting for itself.
///
/// A wait longer than the lock timeout (`TESTRIG_LOCK_TIMEOUT`: `30s`, `2m`, `0` for no limit;
/// 60 s by default) panics naming the key; for a holder in another process, the message names
/// its pid and test.
///
/// ```
/// let outer = testrig::lock::serial("ports");
/// let inner = testrig::lock::serial("ports"); // same test: no wait
/// drop(outer);
/// drop(inner);
/// ```
///
/// # Panics
///
/// At the caller's line when this test already holds `key` shared only (see the module docs).
#[track_caller]
pub fn serial(key: impl Into<String>) -> SerialGuard {
    take(key.into(), Mode::Exclusive, true)
}

/// Takes the key `key` shared: beside every other shared holder, never beside an exclusive
/// one ([`serial`], `#[testrig::test(serial = "…")]`), in this process or another. serial_test's
/// `#[parallel(key)]`.
///
/// ```
/// let a = testrig::lock::shared("db");
/// let b = std::thread::spawn(|| {
///     let _b = testrig::lock::shared("db"); // another owner: does not wait for `a`
///     testrig::lock::is_held("db")
/// });
/// assert!(b.join().unwrap());
/// drop(a);
/// ```
#[track_caller]
pub fn shared(key: impl Into<String>) -> SerialGuard {
    take(key.into(), Mode::Shared, true)
}

/// Takes the keyless serial key exclusively: what `#[testrig::test(serial)]` holds, and
/// serial_test's bare `#[serial]`. It is a key of its own (`""`): keyless serial tests never
/// overlap each other, and run beside tests that hold named keys.
///
/// ```
/// let _alone = testrig::lock::serial_keyless();
/// assert!(testrig::lock::is_held(""));
/// ```
#[track_caller]
pub fn serial_keyless() -> SerialGuard {
    serial("")
}

/// The shared side of the keyless key: what `#[testrig::test(shared)]` holds, and
/// serial_test's bare `#[parallel]`. Runs beside other keyless shared holders, never beside a
/// keyless serial one.
///
/// ```
/// let _beside_others = testrig::lock::shared_keyless();
/// assert!(testrig::lock::is_held(""));
/// ```
#[track_caller]
pub fn shared_keyless() -> SerialGuard {
    shared("")
}

/// Takes only the in-process part of key `key`, exclusively: tests of this process wait for
/// each other, other processes are not consulted. Cheaper than [`serial`] (no file is
/// opened); use it for state that exists once per process, such as a static cache.
///
/// ```
/// let _cache = testrig::lock::serial_local("global-cache");
/// ```
#[track_caller]
pub fn serial_local(key: impl Into<String>) -> SerialGuard {
    take(key.into(), Mode::Exclusive, false)
}

/// The shared side of [`serial_local`]: in this process only.
///
/// ```
/// let _reader = testrig::lock::shared_local("global-cache");
/// ```
#[track_caller]
pub fn shared_local(key: impl Into<String>) -> SerialGuard {
    take(key.into(), Mode::Shared, false)
}

/// Whether any test holds `key`, shared or exclusive: any test of this process, or any
/// process holding the key's lock file (this includes keys taken with [`serial`] and
/// [`shared`] by other test binaries and nextest processes). serial_test's
/// `is_locked_serially(key)`; the keyless key is `""`.
///
/// The answer can be out of date as soon as it is returned; use it for assertions and
/// diagnostics, not to decide whether to take a key.
///
/// ```
/// assert!(!testrig::lock::is_held("doc-is-held"));
/// let _g = testrig::lock::serial("doc-is-held");
/// assert!(testrig::lock::is_held("doc-is-held"));
/// ```
pub fn is_held(key: &str) -> bool {
    core::is_held(KeyView::Serial(key)) || file::is_held(key)
}

#[track_caller]
fn take(key: String, mode: Mode, across_processes: bool) -> SerialGuard {
    let site = std::panic::Location::caller();
    let core = match mode {
        Mode::Exclusive => core::patch_one(Change::set_ref(
            KeyView::Serial(&key),
            &NoState,
            Value::Unit,
        )),
        Mode::Shared => core::patch_shared(KeyView::Serial(&key)),
    };
    let file = across_processes.then(|| file::hold(&key, mode, site));
    SerialGuard {
        _file: file,
        _core: core,
    }
}
