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
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Write as _;
use std::panic::Location;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::context::{Holder, Owner, current_holder, current_owner};

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
    /// `log`'s global max level (feature `log`).
    LogLevel,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Env(k) => write!(f, "env var `{}`", k.to_string_lossy()),
            Key::Cwd => f.write_str("the current directory"),
            Key::Clock => f.write_str("the clock"),
            Key::Patch(_, name) => write!(f, "patched fn `{name}`"),
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
    fn view(&self) -> KeyView<'_> {
        match self {
            Key::Env(k) => KeyView::Env(k),
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
    Cwd,
    Clock,
    Patch(usize, &'static str),
    Serial(&'a str),
    LogLevel,
}

impl KeyView<'_> {
    fn to_key(self) -> Key {
        match self {
            KeyView::Env(k) => Key::Env(k.to_owned()),
            KeyView::Cwd => Key::Cwd,
            KeyView::Clock => Key::Clock,
            KeyView::Patch(at, name) => Key::Patch(at, name),
            KeyView::Serial(k) => Key::Serial(k.to_owned()),
            KeyView::LogLevel => Key::LogLevel,
        }
    }

    /// FxHash of the key: keys are short and trusted, so SipHash's flood resistance buys
    /// nothing here.
    fn hash64(self) -> u64 {
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

/// One key's ledger. Key states are never removed: a key patched once keeps its slot (and the
/// capacity of its layer list) for the life of the process, so patching a key again allocates
/// nothing in the core, and a guard can refer to its keys by slot index.
struct KeyState {
    key: Key,
    /// The next older slot whose key has the same hash.
    same_hash: Option<usize>,
    slot: &'static dyn Slot,
    /// Who holds the key; `None` exactly when `layers` is empty.
    holder: Option<(Owner, Holder)>,
    original: Value,
    layers: Vec<Layer>,
}

impl KeyState {
    fn visible(&self) -> &Value {
        self.layers.last().map_or(&self.original, |l| &l.value)
    }

    fn held_by_other(&self, owner: Owner) -> bool {
        self.holder.as_ref().is_some_and(|(o, _)| *o != owner)
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
struct PassThrough(u64);

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

#[derive(Default)]
struct State {
    /// Key hash -> the newest slot with that hash; older ones chain through `same_hash`.
    index: HashMap<u64, usize, BuildHasherDefault<PassThrough>>,
    keys: Vec<KeyState>,
    /// What each blocked owner is waiting for (a slot index), to find wait cycles.
    waiting: HashMap<Owner, usize>,
    waiters: usize,
    next_guard: u64,
}

impl State {
    fn next_guard(&mut self) -> u64 {
        self.next_guard += 1;
        self.next_guard
    }

    /// The slot of `key`, if it was ever patched.
    fn find(&self, key: KeyView<'_>) -> Option<usize> {
        let mut at = self.index.get(&key.hash64()).copied();
        while let Some(i) = at {
            if self.keys[i].key.view() == key {
                return Some(i);
            }
            at = self.keys[i].same_hash;
        }
        None
    }

    /// The slot of `key`, created on first use.
    fn slot_of(&mut self, key: KeyView<'_>, slot: &'static dyn Slot) -> usize {
        if let Some(at) = self.find(key) {
            return at;
        }
        let at = self.keys.len();
        let same_hash = self.index.insert(key.hash64(), at);
        self.keys.push(KeyState {
            key: key.to_key(),
            same_hash,
            slot,
            holder: None,
            original: Value::Unit,
            layers: Vec::new(),
        });
        at
    }
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

/// One change to make: a key, how to read and write it, and the new value.
pub(crate) struct Change<'a> {
    key: KeyArg<'a>,
    slot: &'static dyn Slot,
    value: NewValue<'a>,
}

enum KeyArg<'a> {
    Owned(Key),
    Borrowed(KeyView<'a>),
}

impl KeyArg<'_> {
    fn view(&self) -> KeyView<'_> {
        match self {
            KeyArg::Owned(k) => k.view(),
            KeyArg::Borrowed(k) => *k,
        }
    }
}

/// Computes a new value from the value visible at the moment the key is taken.
type Compute<'a> = Box<dyn FnOnce(&Value) -> std::io::Result<Value> + 'a>;

enum NewValue<'a> {
    Fixed(Value),
    /// Computed when the key is taken (a relative `chdir` resolves against the visible cwd).
    Computed(Compute<'a>),
}

impl<'a> Change<'a> {
    pub(crate) fn set(key: Key, slot: &'static dyn Slot, value: Value) -> Self {
        Change {
            key: KeyArg::Owned(key),
            slot,
            value: NewValue::Fixed(value),
        }
    }

    /// Like [`Change::set`], with the key borrowed from the caller.
    pub(crate) fn set_ref(key: KeyView<'a>, slot: &'static dyn Slot, value: Value) -> Self {
        Change {
            key: KeyArg::Borrowed(key),
            slot,
            value: NewValue::Fixed(value),
        }
    }

    pub(crate) fn compute(
        key: Key,
        slot: &'static dyn Slot,
        value: impl FnOnce(&Value) -> std::io::Result<Value> + 'a,
    ) -> Self {
        Change {
            key: KeyArg::Owned(key),
            slot,
            value: NewValue::Computed(Box::new(value)),
        }
    }
}

/// Slot indices of one guard's keys. Most guards patch one key; that case allocates nothing.
#[derive(Debug)]
enum Keys {
    One(usize),
    Many(Box<[usize]>),
}

impl Keys {
    fn as_slice(&self) -> &[usize] {
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

/// Patches one key; see [`patch`]. The common case, kept free of allocations in the core.
#[track_caller]
pub(crate) fn patch_one(change: Change<'_>) -> Guard {
    let site = Location::caller();
    let owner = current_owner();
    let mut state = lock();
    let at = state.slot_of(change.key.view(), change.slot);
    state = wait_for_keys(state, owner, &[at], site);
    let id = state.next_guard();
    let result = push_layer(&mut state, at, change.value, owner, id, site);
    finish(
        state,
        owner,
        Guard {
            id,
            keys: Keys::One(at),
        },
        result,
    )
}

/// Takes every key of `changes` for the current owner (waiting while another owner holds any
/// of them), pushes a layer with the new value on each and makes it visible.
///
/// Panics, at the caller's line, when the wait would never end (a cycle of owners waiting for
/// each other), when it outlasts the lock timeout, or when writing a value fails; in every case
/// nothing is left changed.
#[track_caller]
pub(crate) fn patch(mut changes: Vec<Change<'_>>) -> Guard {
    changes.sort_by(|a, b| a.key.view().cmp(&b.key.view()));
    changes.dedup_by(|later, earlier| {
        // The same key twice in one patch: the later value wins, as in a sequence of sets.
        if later.key.view() == earlier.key.view() {
            std::mem::swap(&mut later.value, &mut earlier.value);
            true
        } else {
            false
        }
    });
    let site = Location::caller();
    let owner = current_owner();
    let mut state = lock();
    let mut slots = Vec::with_capacity(changes.len());
    let mut values = Vec::with_capacity(changes.len());
    for change in changes {
        slots.push(state.slot_of(change.key.view(), change.slot));
        values.push(change.value);
    }
    state = wait_for_keys(state, owner, &slots, site);
    let id = state.next_guard();
    let mut result = Ok(());
    let mut taken = 0;
    for (&at, value) in slots.iter().zip(values) {
        result = push_layer(&mut state, at, value, owner, id, site);
        if result.is_err() {
            break;
        }
        taken += 1;
    }
    slots.truncate(taken);
    let guard = Guard {
        id,
        keys: Keys::Many(slots.into_boxed_slice()),
    };
    finish(state, owner, guard, result)
}

/// Computes and writes one new value and records it as the newest layer of slot `at`.
fn push_layer(
    state: &mut State,
    at: usize,
    value: NewValue<'_>,
    owner: Owner,
    id: u64,
    site: &'static Location<'static>,
) -> Result<(), (Key, std::io::Error)> {
    let key_state = &mut state.keys[at];
    let first = key_state.holder.is_none();
    if first {
        key_state.original = key_state.slot.read(&key_state.key);
    }
    let written = match value {
        NewValue::Fixed(value) => Ok(value),
        NewValue::Computed(f) => f(key_state.visible()),
    }
    .and_then(|value| {
        key_state.slot.write(&key_state.key, &value)?;
        Ok(value)
    });
    match written {
        Ok(value) => {
            if first {
                key_state.holder = Some((owner, current_holder()));
            }
            key_state.layers.push(Layer {
                guard: id,
                value,
                site,
            });
            Ok(())
        }
        Err(err) => {
            if first {
                key_state.original = Value::Unit;
            }
            Err((key_state.key.clone(), err))
        }
    }
}

#[track_caller]
fn finish(
    state: MutexGuard<'static, State>,
    owner: Owner,
    guard: Guard,
    result: Result<(), (Key, std::io::Error)>,
) -> Guard {
    drop(state);
    if let Owner::Thread(_) = owner {
        thread_owner::watch();
    }
    if let Err((key, err)) = result {
        drop(guard); // puts back the keys already changed
        panic!("testrig: could not patch {key}: {err}");
    }
    guard
}

/// Blocks until every slot is free or already held by `owner`, and returns the state locked.
#[track_caller]
fn wait_for_keys(
    mut state: MutexGuard<'static, State>,
    owner: Owner,
    slots: &[usize],
    site: &'static Location<'static>,
) -> MutexGuard<'static, State> {
    let mut deadline = None;
    loop {
        let Some(&at) = slots
            .iter()
            .find(|&&at| state.keys[at].held_by_other(owner))
        else {
            if deadline.is_some() {
                state.waiting.remove(&owner);
            }
            return state;
        };
        let key = &state.keys[at].key;
        if let Some(cycle) = find_cycle(&state, owner, at) {
            let key = key.clone();
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
            let held = &state.keys[at];
            let message = format!(
                "testrig: waited {:?} to patch {key} at {site}, but test `{}` still holds it \
                 (guard created at {}). Drop that guard sooner, or raise TESTRIG_LOCK_TIMEOUT \
                 (seconds) if the wait is legitimate.",
                lock_timeout(),
                held.holder
                    .as_ref()
                    .map(|(_, h)| h.to_string())
                    .unwrap_or_default(),
                held.layers.last().map_or(site, |l| l.site),
            );
            state.waiting.remove(&owner);
            drop(state);
            panic!("{message}");
        }
        state.waiting.insert(owner, at);
        state.waiters += 1;
        state = core()
            .changed
            .wait_timeout(state, deadline - now)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
        state.waiters -= 1;
    }
}

/// If `owner` waiting for slot `at` closes a cycle of owners waiting for each other,
/// describes it.
fn find_cycle(state: &State, owner: Owner, mut at: usize) -> Option<String> {
    let mut chain = String::new();
    for _ in 0..=state.waiting.len() {
        let held = &state.keys[at];
        let (held_by, holder) = held.holder.as_ref()?;
        let site = held.layers.last().map(|l| l.site);
        chain += &format!(
            "  - {} is held by `{holder}` (guard created at {})\n",
            held.key,
            site.map_or_else(|| "?".into(), |s| s.to_string())
        );
        if *held_by == owner {
            return Some(chain);
        }
        at = *state.waiting.get(held_by)?;
        chain += &format!("    which waits for {}\n", state.keys[at].key);
    }
    None
}

pub(crate) fn lock_timeout() -> Duration {
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
        let at = state.find(key.view())?;
        let layer = state.keys[at].layers.iter().find(|l| l.guard == self.id)?;
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
        let at = state.find(key.view())?;
        let key_state = &mut state.keys[at];
        let pos = key_state.layers.iter().position(|l| l.guard == self.id)?;
        let value = f(&key_state.layers[pos].value);
        if pos + 1 == key_state.layers.len()
            && let Err(err) = key_state.slot.write(&key_state.key, &value)
        {
            return Some(Err(err));
        }
        key_state.layers[pos].value = value;
        Some(Ok(()))
    }
}

/// Replaces the value of `key`'s newest layer, whoever holds it, and makes it visible
/// (`time::sleep` on a frozen clock). Returns `false`, changing nothing, when `key` has no live
/// layer or `f` declines with `None`.
pub(crate) fn update_top(key: &Key, f: impl FnOnce(&Value) -> Option<Value>) -> bool {
    let mut state = lock();
    let Some(at) = state.find(key.view()) else {
        return false;
    };
    let key_state = &mut state.keys[at];
    let Some(top) = key_state.layers.last() else {
        return false;
    };
    let Some(value) = f(&top.value) else {
        return false;
    };
    if let Err(err) = key_state.slot.write(key, &value) {
        report(format_args!("testrig: could not update {key}: {err}"));
        return false;
    }
    if let Some(top) = key_state.layers.last_mut() {
        top.value = value;
    }
    true
}

impl Drop for Guard {
    fn drop(&mut self) {
        let mut state = lock();
        let mut freed = false;
        for &at in self.keys.as_slice() {
            freed |= remove_layer(&mut state.keys[at], self.id);
        }
        if freed && state.waiters > 0 {
            core().changed.notify_all();
        }
    }
}

/// Takes guard `id`'s layer off a key and writes what becomes visible. Returns whether the key
/// became free. Never panics: a failed write is reported on stderr, because a `Drop` that panics
/// during an unwind would abort the whole test binary.
fn remove_layer(key_state: &mut KeyState, id: u64) -> bool {
    // Absent when the layer was already restored at the end of its test.
    let Some(pos) = key_state.layers.iter().position(|l| l.guard == id) else {
        return false;
    };
    let was_top = pos + 1 == key_state.layers.len();
    key_state.layers.remove(pos);
    if was_top && let Err(err) = key_state.slot.write(&key_state.key, key_state.visible()) {
        report(format_args!(
            "testrig: could not restore {}: {err}",
            key_state.key
        ));
    }
    if key_state.layers.is_empty() {
        key_state.holder = None;
        key_state.original = Value::Unit;
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
    let mut leaks = Vec::new();
    for key_state in &mut state.keys {
        if !matches!(key_state.holder, Some((o, _)) if o == owner) {
            continue;
        }
        leaks.extend(key_state.layers.drain(..).map(|l| Leak {
            key: key_state.key.clone(),
            site: l.site,
        }));
        if let Err(err) = key_state.slot.write(&key_state.key, &key_state.original) {
            report(format_args!(
                "testrig: could not restore {}: {err}",
                key_state.key
            ));
        }
        key_state.holder = None;
        key_state.original = Value::Unit;
    }
    if !leaks.is_empty() && state.waiters > 0 {
        core().changed.notify_all();
    }
    leaks.sort_by_key(|l| (l.site.file(), l.site.line(), l.site.column()));
    leaks
}

/// The guards still live now, with their holders, for the report at process exit.
pub(crate) fn live_guards() -> Vec<(Leak, String)> {
    let state = lock();
    let mut live: Vec<_> = state
        .keys
        .iter()
        .flat_map(|s| {
            let holder = s
                .holder
                .as_ref()
                .map(|(_, h)| h.to_string())
                .unwrap_or_default();
            s.layers.iter().map(move |l| {
                (
                    Leak {
                        key: s.key.clone(),
                        site: l.site,
                    },
                    holder.clone(),
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

/// Panics on a thread while it holds the core's mutex, leaving the mutex poisoned.
pub(crate) fn poison_for_tests() {
    let _ = std::thread::spawn(|| {
        let _state = lock();
        panic!("poisoning the guard core on purpose");
    })
    .join();
    assert!(core().state.is_poisoned());
}
