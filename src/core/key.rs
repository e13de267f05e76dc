//! What a guard patches: keys (owned, and borrowed for lookups), their values, and how each
//! kind of state is read and written.

use std::any::Any;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::hash::Hasher;
use std::path::PathBuf;
use std::sync::Arc;

/// What a guard patches. Two equal keys are the same piece of global state.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Key {
    Env(OsString),
    /// The whole environment: the parent of every `Env` key. Each env patch holds it shared,
    /// `env::lock_all` exclusively.
    EnvAll,
    Cwd,
    Clock,
    /// A patchable function, by the address of its slot; the name is for messages.
    Patch(usize, &'static str),
    /// A user-named key of `serial(...)`: a lock with no state behind it.
    Serial(String),
    /// `log`'s global max level (feature `log`).
    LogLevel,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Env(k) => write!(f, "env var `{}`", k.to_string_lossy()),
            Key::EnvAll => f.write_str("the whole environment (`env::lock_all`)"),
            Key::Cwd => f.write_str("the current directory"),
            Key::Clock => f.write_str("the clock"),
            Key::Patch(_, name) => write!(f, "patched fn `{name}`"),
            Key::Serial(k) if k.is_empty() => f.write_str("the keyless serial key"),
            Key::Serial(k) => write!(f, "serial key `{k}`"),
            Key::LogLevel => f.write_str("the `log` max level"),
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Key {
    pub(super) fn view(&self) -> KeyView<'_> {
        match self {
            Key::Env(k) => KeyView::Env(k),
            Key::EnvAll => KeyView::EnvAll,
            Key::Cwd => KeyView::Cwd,
            Key::Clock => KeyView::Clock,
            Key::Patch(at, name) => KeyView::Patch(*at, name),
            Key::Serial(k) => KeyView::Serial(k),
            Key::LogLevel => KeyView::LogLevel,
        }
    }
}

/// A key borrowed from the caller: looking up a key patched before allocates nothing.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum KeyView<'a> {
    Env(&'a OsStr),
    EnvAll,
    Cwd,
    Clock,
    Patch(usize, &'static str),
    Serial(&'a str),
    LogLevel,
}

impl KeyView<'_> {
    pub(super) fn to_key(self) -> Key {
        match self {
            KeyView::Env(k) => Key::Env(k.to_owned()),
            KeyView::EnvAll => Key::EnvAll,
            KeyView::Cwd => Key::Cwd,
            KeyView::Clock => Key::Clock,
            KeyView::Patch(at, name) => Key::Patch(at, name),
            KeyView::Serial(k) => Key::Serial(k.to_owned()),
            KeyView::LogLevel => Key::LogLevel,
        }
    }

    /// FxHash of the key: keys are short and trusted, so SipHash's flood resistance buys
    /// nothing here.
    pub(super) fn hash64(self) -> u64 {
        let mut h = FxHasher::default();
        match self {
            KeyView::Env(k) => {
                h.write_u64(1);
                h.write(k.as_encoded_bytes());
            }
            KeyView::Cwd => h.write_u64(2),
            KeyView::Clock => h.write_u64(3),
            KeyView::Patch(at, _) => {
                h.write_u64(4);
                h.write_u64(at as u64);
            }
            KeyView::Serial(k) => {
                h.write_u64(5);
                h.write(k.as_bytes());
            }
            KeyView::LogLevel => h.write_u64(6),
            KeyView::EnvAll => h.write_u64(7),
        }
        h.finish()
    }
}

/// A value of patched state, as the ledger stores it.
#[derive(Clone)]
pub(crate) enum Value {
    Unit,
    Os(Option<OsString>),
    Path(PathBuf),
    Any(Arc<dyn Any + Send + Sync>),
}

/// How to read and write one kind of state. Implementations are zero-sized statics.
pub(crate) trait Slot: Sync {
    fn read(&self, key: &Key) -> Value;
    fn write(&self, key: &Key, value: &Value) -> std::io::Result<()>;
    /// Writes an OS string (or unsets) given by reference; only slots of such values have it.
    fn write_os(&self, key: &Key, value: Option<&OsStr>) -> std::io::Result<()> {
        unreachable!("{key} is not written from a borrowed value ({value:?})")
    }
}

/// The slot of keys that have no state behind them (`serial`).
pub(crate) struct NoState;

impl Slot for NoState {
    fn read(&self, _key: &Key) -> Value {
        Value::Unit
    }
    fn write(&self, _key: &Key, _value: &Value) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.write_u64(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.write_u64(u64::from_le_bytes(tail) ^ bytes.len() as u64);
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The index is keyed by an FxHash already; hashing it again would only cost time.
#[derive(Default)]
pub(super) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn write(&mut self, _bytes: &[u8]) {
        unreachable!("the index is keyed by u64 hashes")
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
