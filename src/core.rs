//! The guard core: one ledger per patched key, keyed locks owned by a test, and the registry
//! of live guards.
//!
//! Every kind of patchable state (env vars, the current directory, the clock, function seams,
//! plain serial keys) goes through [`patch`] and [`Guard`]. A key that has live layers is held
//! by exactly one [`Owner`]; other owners wait until its last layer is gone. The ledger keeps
//! the value seen before the first layer and one value per live guard; the newest live layer is
//! what the world sees, and when the last layer goes the original comes back. So guards may be
//! dropped in any order and the state still ends where it started.
//!
//! All bookkeeping sits behind one mutex. Operations under it are short (a map lookup and the
//! write of the value itself), and one lock makes multi-key patches atomic: a patch waits until
//! all of its keys are free, then takes them together, so no two patches can each hold a part
//! of what the other needs.

use std::any::Any;
use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::io::Write as _;
use std::panic::Location;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::context::{Owner, current_owner};

/// What a guard patches. Two equal keys are the same piece of global state.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Key {
    Env(OsString),
    Cwd,
    Clock,
    /// A patchable function, by the address of its slot; the name is for messages.
    Patch(usize, &'static str),
    /// A user-named key of `serial(...)`: a lock with no state behind it.
    Serial(String),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Env(k) => write!(f, "env var `{}`", k.to_string_lossy()),
            Key::Cwd => f.write_str("the current directory"),
            Key::Clock => f.write_str("the clock"),
            Key::Patch(_, name) => write!(f, "patched fn `{name}`"),
            Key::Serial(k) => write!(f, "serial key `{k}`"),
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
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

struct Layer {
    guard: u64,
    value: Value,
    site: &'static Location<'static>,
}

struct KeyState {
    owner: Owner,
    holder: Arc<str>,
    slot: &'static dyn Slot,
    original: Value,
    layers: Vec<Layer>,
}

#[derive(Default)]
struct State {
    keys: HashMap<Key, KeyState>,
    /// What each blocked owner is waiting for, to find wait cycles.
    waiting: HashMap<Owner, Key>,
    waiters: usize,
}

struct Core {
    state: Mutex<State>,
    changed: Condvar,
}

fn core() -> &'static Core {
    static CORE: OnceLock<Core> = OnceLock::new();
    CORE.get_or_init(|| {
        crate::exit::register();
        Core {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        }
    })
}

/// A panic in one test must never cascade into the next ones: a poisoned lock is taken as is.
/// The state behind it stays consistent because nothing under the lock panics midway.
fn lock() -> MutexGuard<'static, State> {
    core().state.lock().unwrap_or_else(PoisonError::into_inner)
}

static NEXT_GUARD: AtomicU64 = AtomicU64::new(1);

/// One change to make: a key, how to read and write it, and the new value computed from the
/// value visible at the moment the key is taken.
pub(crate) struct Change<'a> {
    pub(crate) key: Key,
    pub(crate) slot: &'static dyn Slot,
    pub(crate) value: Box<dyn FnOnce(&Value) -> std::io::Result<Value> + 'a>,
}

impl<'a> Change<'a> {
    pub(crate) fn set(key: Key, slot: &'static dyn Slot, value: Value) -> Self {
        Change {
            key,
            slot,
            value: Box::new(move |_| Ok(value)),
        }
    }
}

/// Keys of one guard. Most guards patch one key; keep that case free of a second allocation.
#[derive(Debug)]
enum Keys {
    One(Key),
    Many(Box<[Key]>),
}

impl Keys {
    fn as_slice(&self) -> &[Key] {
        match self {
            Keys::One(k) => std::slice::from_ref(k),
            Keys::Many(ks) => ks,
        }
    }
}

/// A live patch. Dropping it takes its layer out of every key's ledger.
///
/// Kind-specific guards (`EnvGuard`, `CwdGuard`, …) wrap this one.
#[derive(Debug)]
pub(crate) struct Guard {
    id: u64,
    keys: Keys,
}

/// Takes every key of `changes` for the current owner (waiting while another owner holds any
/// of them), pushes a layer with the new value on each and makes it visible.
///
/// Panics, at the caller's line, when the wait would never end (a cycle of owners waiting for
/// each other), when it outlasts the lock timeout, or when writing a value fails; in every case
/// nothing is left changed.
#[track_caller]
pub(crate) fn patch(mut changes: Vec<Change<'_>>) -> Guard {
    let site = Location::caller();
    changes.sort_by(|a, b| a.key.cmp(&b.key));
    changes.dedup_by(|later, earlier| {
        // The same key twice in one patch: the later value wins, as in a sequence of sets.
        if later.key == earlier.key {
            std::mem::swap(&mut later.value, &mut earlier.value);
            true
        } else {
            false
        }
    });
    let (owner, holder) = current_owner();
    let id = NEXT_GUARD.fetch_add(1, Ordering::Relaxed);
    let mut state = wait_for_keys(owner, changes.iter().map(|c| &c.key), site);

    let mut keys = Vec::with_capacity(changes.len());
    let mut failure = None;
    for change in changes {
        let key_state = state
            .keys
            .entry(change.key.clone())
            .or_insert_with(|| KeyState {
                owner,
                holder: holder.clone(),
                slot: change.slot,
                original: change.slot.read(&change.key),
                layers: Vec::new(),
            });
        let visible = key_state
            .layers
            .last()
            .map_or(&key_state.original, |l| &l.value);
        let written = (change.value)(visible).and_then(|value| {
            key_state.slot.write(&change.key, &value)?;
            Ok(value)
        });
        match written {
            Ok(value) => {
                key_state.layers.push(Layer {
                    guard: id,
                    value,
                    site,
                });
                keys.push(change.key);
            }
            Err(err) => {
                if key_state.layers.is_empty() {
                    state.keys.remove(&change.key);
                }
                failure = Some((change.key, err));
                break;
            }
        }
    }
    let guard = Guard {
        id,
        keys: if keys.len() == 1 {
            Keys::One(keys.pop().expect("one key"))
        } else {
            Keys::Many(keys.into_boxed_slice())
        },
    };
    if let Owner::Thread(_) = owner {
        thread_owner::watch();
    }
    drop(state);
    if let Some((key, err)) = failure {
        drop(guard); // puts back the keys already changed
        panic!("testrig: could not patch {key}: {err}");
    }
    guard
}

/// Blocks until every key is free or already held by `owner`, and returns the state locked.
#[track_caller]
fn wait_for_keys<'k>(
    owner: Owner,
    keys: impl Iterator<Item = &'k Key> + Clone,
    site: &'static Location<'static>,
) -> MutexGuard<'static, State> {
    let mut state = lock();
    let mut deadline = None;
    loop {
        let blocked = keys
            .clone()
            .find(|k| state.keys.get(*k).is_some_and(|s| s.owner != owner));
        let Some(key) = blocked else {
            if deadline.is_some() {
                state.waiting.remove(&owner);
            }
            return state;
        };
        if let Some(cycle) = find_cycle(&state, owner, key) {
            state.waiting.remove(&owner);
            drop(state);
            panic!(
                "testrig: deadlock: patching {key} at {site} would wait forever:\n{cycle}\
                 Patch keys in the same order in every test, or take them together \
                 (`env::set_many`), so that no test holds one while waiting for another."
            );
        }
        let now = Instant::now();
        let deadline = *deadline.get_or_insert_with(|| now + lock_timeout());
        if now >= deadline {
            let holder = &state.keys[key];
            let message = format!(
                "testrig: waited {:?} to patch {key} at {site}, but test `{}` still holds it \
                 (guard created at {}). Drop that guard sooner, or raise TESTRIG_LOCK_TIMEOUT \
                 (seconds) if the wait is legitimate.",
                lock_timeout(),
                holder.holder,
                holder.layers.last().map_or(site, |l| l.site),
            );
            state.waiting.remove(&owner);
            drop(state);
            panic!("{message}");
        }
        state.waiting.insert(owner, key.clone());
        state.waiters += 1;
        state = core()
            .changed
            .wait_timeout(state, deadline - now)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
        state.waiters -= 1;
    }
}

/// If `owner` waiting for `key` closes a cycle of owners waiting for each other, describes it.
fn find_cycle(state: &State, owner: Owner, key: &Key) -> Option<String> {
    let mut chain = String::new();
    let mut key = key;
    for _ in 0..=state.waiting.len() {
        let held = state.keys.get(key)?;
        let site = held.layers.last().map(|l| l.site);
        chain += &format!(
            "  - {key} is held by `{}` (guard created at {})\n",
            held.holder,
            site.map_or_else(|| "?".into(), |s| s.to_string())
        );
        if held.owner == owner {
            return Some(chain);
        }
        key = state.waiting.get(&held.owner)?;
        chain += &format!("    which waits for {key}\n");
    }
    None
}

fn lock_timeout() -> Duration {
    static TIMEOUT: OnceLock<Duration> = OnceLock::new();
    *TIMEOUT.get_or_init(|| {
        std::env::var("TESTRIG_LOCK_TIMEOUT")
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map_or(Duration::from_secs(60), Duration::from_secs_f64)
    })
}

impl Guard {
    /// The value this guard's layer holds on `key`, if the guard is still live.
    pub(crate) fn with_value<R>(&self, key: &Key, f: impl FnOnce(&Value) -> R) -> Option<R> {
        let state = lock();
        let layer = state
            .keys
            .get(key)?
            .layers
            .iter()
            .find(|l| l.guard == self.id)?;
        Some(f(&layer.value))
    }

    /// Replaces this guard's value on `key` (a clock guard's `advance`, say); visible at once
    /// when this guard's layer is the newest one.
    pub(crate) fn update(
        &self,
        key: &Key,
        f: impl FnOnce(&Value) -> Value,
    ) -> Option<std::io::Result<()>> {
        let mut state = lock();
        let key_state = state.keys.get_mut(key)?;
        let top = key_state.layers.len() - 1;
        let at = key_state.layers.iter().position(|l| l.guard == self.id)?;
        let value = f(&key_state.layers[at].value);
        if at == top
            && let Err(err) = key_state.slot.write(key, &value)
        {
            return Some(Err(err));
        }
        key_state.layers[at].value = value;
        Some(Ok(()))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let mut state = lock();
        let mut freed = false;
        for key in self.keys.as_slice() {
            freed |= remove_layer(&mut state, key, self.id);
        }
        if freed && state.waiters > 0 {
            core().changed.notify_all();
        }
    }
}

/// Takes guard `id`'s layer off `key` and writes what becomes visible. Returns whether the key
/// became free. Never panics: a failed write is reported on stderr, because a `Drop` that panics
/// during an unwind would abort the whole test binary.
fn remove_layer(state: &mut State, key: &Key, id: u64) -> bool {
    let Some(key_state) = state.keys.get_mut(key) else {
        return false; // already restored at the end of its test
    };
    let Some(at) = key_state.layers.iter().position(|l| l.guard == id) else {
        return false;
    };
    let was_top = at + 1 == key_state.layers.len();
    key_state.layers.remove(at);
    let visible = key_state
        .layers
        .last()
        .map_or(&key_state.original, |l| &l.value);
    if was_top && let Err(err) = key_state.slot.write(key, visible) {
        report(format_args!("testrig: could not restore {key}: {err}"));
    }
    if key_state.layers.is_empty() {
        state.keys.remove(key);
        return true;
    }
    false
}

/// A guard that outlived its owner, restored by force.
#[derive(Clone, Debug)]
pub(crate) struct Leak {
    pub(crate) key: Key,
    pub(crate) site: &'static Location<'static>,
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} patched at {}", self.key, self.site)
    }
}

/// Restores every key `owner` still holds, as if all its guards had been dropped, and lists
/// the guards that were still live. A guard dropped afterwards finds nothing to undo.
pub(crate) fn restore_owner(owner: Owner) -> Vec<Leak> {
    let mut state = lock();
    let keys: Vec<Key> = state
        .keys
        .iter()
        .filter(|(_, s)| s.owner == owner)
        .map(|(k, _)| k.clone())
        .collect();
    let mut leaks = Vec::new();
    for key in keys {
        let key_state = state.keys.remove(&key).expect("listed above");
        leaks.extend(key_state.layers.iter().map(|l| Leak {
            key: key.clone(),
            site: l.site,
        }));
        if let Err(err) = key_state.slot.write(&key, &key_state.original) {
            report(format_args!("testrig: could not restore {key}: {err}"));
        }
    }
    if !leaks.is_empty() && state.waiters > 0 {
        core().changed.notify_all();
    }
    leaks.sort_by_key(|l| (l.site.file(), l.site.line(), l.site.column()));
    leaks
}

/// The guards still live now, with their holders, for the report at process exit.
pub(crate) fn live_guards() -> Vec<(Leak, Arc<str>)> {
    let state = lock();
    let mut live: Vec<_> = state
        .keys
        .iter()
        .flat_map(|(key, s)| {
            s.layers.iter().map(|l| {
                (
                    Leak {
                        key: key.clone(),
                        site: l.site,
                    },
                    s.holder.clone(),
                )
            })
        })
        .collect();
    live.sort_by_key(|(l, _)| (l.site.file(), l.site.line()));
    live
}

/// Writes a line to stderr without the test harness's capture, which may already be gone
/// (thread teardown, process exit), and without ever panicking.
pub(crate) fn report(message: fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

/// Guards owned by a bare thread (no testrig test around them) are checked when that thread
/// ends: libtest runs each test on a thread of its own, so that is the end of the test.
mod thread_owner {
    use super::*;

    /// Captured when the thread first patches something: `thread::current()` may no longer be
    /// reachable while thread-locals are being torn down.
    struct Watch {
        id: std::thread::ThreadId,
        name: String,
    }

    impl Drop for Watch {
        fn drop(&mut self) {
            for leak in restore_owner(Owner::Thread(self.id)) {
                report(format_args!(
                    "testrig: {leak} was still live when its thread `{}` ended; it has been \
                     restored. Keep the guard in a local (`let _guard = ...`) so it drops at the \
                     end of the test.",
                    self.name
                ));
            }
        }
    }

    thread_local! {
        static WATCH: Watch = {
            let t = std::thread::current();
            Watch { id: t.id(), name: t.name().unwrap_or("<unnamed>").to_owned() }
        };
    }

    pub(super) fn watch() {
        // Touching the thread-local registers its destructor; ignore threads already ending.
        let _ = WATCH.try_with(|_| ());
    }
}
