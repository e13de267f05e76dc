//! Named keys that serialize tests, within one process and across processes.
//!
//! ```
//! let _db = testrig::lock::serial("shared-database");
//! // Every other test that takes "shared-database" waits until this guard drops, whether it
//! // runs in this process, in another test binary, under nextest or in an isolated child;
//! // tests taking other keys keep running in parallel.
//! ```
//!
//! A key is taken in two steps: first the in-process key (so two tests of one process never
//! both wait on the file), then an exclusive OS lock on a file named after the key under the
//! target directory (`target/testrig-locks/`). The OS releases a file lock when its process
//! dies, so a crashed or killed run never leaves a stale lock behind: the file stays, the lock
//! does not.

mod file;

use crate::core::{self, Change, Key, NoState, Value};

pub use file::{lock_dir, lock_path};

/// Holds a serial key; other tests taking the same key wait until it drops.
#[must_use = "the key is released as soon as the guard drops; bind it with `let _serial = ...`"]
#[derive(Debug)]
pub struct SerialGuard {
    // Fields drop in order: the file lock goes first, then the in-process key, the reverse of
    // the order they were taken in. While the file is released no other test of this process
    // can be waiting for it, because they all still wait for the in-process key.
    _file: Option<file::FileHold>,
    _core: core::Guard,
}

/// Takes the key `key` for the current test, waiting while another test holds it, in this
/// process or in any other process started from the same target directory. One test may take
/// the same key again (nested) without waiting for itself.
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
#[track_caller]
pub fn serial(key: impl Into<String>) -> SerialGuard {
    let key = key.into();
    let core = serial_local_core(key.clone());
    let file = file::hold(&key, std::panic::Location::caller());
    SerialGuard {
        _file: Some(file),
        _core: core,
    }
}

/// Takes only the in-process part of key `key`: tests of this process wait for each other,
/// other processes are not consulted. Cheaper than [`serial`] (no file is opened); use it for
/// state that exists once per process, such as a static cache.
///
/// ```
/// let _cache = testrig::lock::serial_local("global-cache");
/// ```
#[track_caller]
pub fn serial_local(key: impl Into<String>) -> SerialGuard {
    SerialGuard {
        _file: None,
        _core: serial_local_core(key.into()),
    }
}

#[track_caller]
fn serial_local_core(key: String) -> core::Guard {
    core::patch_one(Change::set(Key::Serial(key), &NoState, Value::Unit))
}
