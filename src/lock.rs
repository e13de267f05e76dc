//! Named keys that serialize tests without patching anything.
//!
//! ```
//! let _db = testrig::lock::serial("shared-database");
//! // Every other test that takes "shared-database" waits until this guard drops;
//! // tests taking other keys keep running in parallel.
//! ```

use crate::core::{self, Change, Key, NoState, Value};

/// Holds a serial key; other tests taking the same key wait until it drops.
#[must_use = "the key is released as soon as the guard drops; bind it with `let _serial = ...`"]
#[derive(Debug)]
pub struct SerialGuard {
    _core: core::Guard,
}

/// Takes the in-process key `key` for the current test, waiting while another test holds it.
/// One test may take the same key again (nested) without waiting for itself.
///
/// ```
/// let outer = testrig::lock::serial("ports");
/// let inner = testrig::lock::serial("ports"); // same test: no wait
/// drop(outer);
/// drop(inner);
/// ```
#[track_caller]
pub fn serial(key: impl Into<String>) -> SerialGuard {
    SerialGuard {
        _core: core::patch_one(Change::set(Key::Serial(key.into()), &NoState, Value::Unit)),
    }
}
