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
//! A key may also be held *shared* ([`patch_shared`]): any number of owners hold it together,
//! and an exclusive holder waits for all of them, and they for it. A key may have a parent
//! (every env var has the whole environment, [`Key::EnvAll`]): holding the child exclusively
//! holds the parent shared, so `env::lock_all` (the parent, exclusively) waits until no other
//! test has an env patch live, while env patches of different keys still run side by side. The
//! parent costs an env patch two field reads: the parent's holder and its count of exclusive
//! waiters. On a parent key exclusive waiters go first: a shared request from an owner that
//! holds nothing on the key waits behind them, unless that wait would close a cycle.
//!
//! All bookkeeping sits behind one mutex. Operations under it are short (a map lookup and the
//! write of the value itself), and one lock makes multi-key patches atomic: a patch waits until
//! all of its keys are free, then takes them together, so no two patches can each hold a part
//! of what the other needs.

mod key;
mod leak;
mod wait;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::panic::Location;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

use crate::context::{Holder, Owner, current_holder, current_owner};

use key::PassThrough;
pub(crate) use key::{Key, KeyView, NoState, Slot, Value};
use leak::thread_owner;
pub(crate) use leak::{live_guards, poison_for_tests, report, restore_owner, take_problems};
pub(crate) use wait::Mode;
pub(crate) use wait::lock_timeout;
use wait::wait_for_keys;

struct Layer {
    guard: u64,
    /// `Value::Unit` while `in_slot`: the value is only in the slot itself.
    value: Value,
    site: &'static Location<'static>,
    /// Written from a borrowed value and not copied: while this layer is the newest, the slot
    /// holds its value; a layer pushed on top reads it back first. The common single patch
    /// so copies nothing.
    in_slot: bool,
}

/// One key's ledger. Key states are never removed: a key patched once keeps its slot (and the
/// capacity of its layer list) for the life of the process, so patching a key again allocates
/// nothing in the core, and a guard can refer to its keys by slot index.
struct KeyState {
    key: Key,
    /// The next older slot whose key has the same hash.
    same_hash: Option<usize>,
    slot: &'static dyn Slot,
    /// Who holds the key exclusively; `None` exactly when `layers` is empty.
    holder: Option<(Owner, Holder)>,
    original: Value,
    layers: Vec<Layer>,
    /// Shared holds (`lock::shared`), which carry no value.
    sharers: Vec<Share>,
    /// The slot of the parent key, which holding this one holds shared.
    parent: Option<usize>,
    /// Slots whose parent this is: each one held is a shared hold of this key.
    children: Vec<usize>,
    /// Owners waiting to take this key exclusively; shared requests from owners that hold
    /// nothing on it queue behind them, so a stream of shared holders cannot starve them.
    excl_waiting: u32,
}

struct Share {
    guard: u64,
    owner: Owner,
    holder: Holder,
    site: &'static Location<'static>,
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
struct State {
    /// Key hash -> the newest slot with that hash; older ones chain through `same_hash`.
    index: HashMap<u64, usize, BuildHasherDefault<PassThrough>>,
    keys: Vec<KeyState>,
    /// What each blocked owner is waiting for (a slot index and mode), to find wait cycles.
    waiting: HashMap<Owner, (usize, Mode)>,
    waiters: usize,
    next_guard: u64,
    /// Restores that failed, with the owner whose test they fail; taken at the end of that
    /// test, or at process exit (which then fails the run).
    problems: Vec<(Owner, String)>,
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

    /// The slot of `key`, created on first use. A test tends to patch the same key again and
    /// again, so the last slot this thread used is tried before hashing.
    fn slot_of(&mut self, key: KeyView<'_>, slot: &'static dyn Slot) -> usize {
        thread_local! {
            static LAST: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
        }
        let last = LAST.try_with(std::cell::Cell::get).unwrap_or(usize::MAX);
        if let Some(k) = self.keys.get(last)
            && k.key.view() == key
        {
            return last;
        }
        if let Some(at) = self.find(key) {
            let _ = LAST.try_with(|c| c.set(at));
            return at;
        }
        let parent = match key {
            KeyView::Env(_) => Some(self.slot_of(KeyView::EnvAll, &NoState)),
            _ => None,
        };
        let at = self.keys.len();
        let same_hash = self.index.insert(key.hash64(), at);
        self.keys.push(KeyState {
            key: key.to_key(),
            same_hash,
            slot,
            holder: None,
            original: Value::Unit,
            layers: Vec::new(),
            sharers: Vec::new(),
            parent,
            children: Vec::new(),
            excl_waiting: 0,
        });
        if let Some(p) = parent {
            self.keys[p].children.push(at);
        }
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
    /// An OS string value (or unset) borrowed from the caller: written, not stored.
    Borrowed(Option<&'a std::ffi::OsStr>),
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

    /// Like [`Change::set_ref`] for a value that the slot writes by reference
    /// ([`Slot::write_os`]); the ledger keeps no copy of it unless a newer layer covers it.
    pub(crate) fn set_borrowed(
        key: KeyView<'a>,
        slot: &'static dyn Slot,
        value: Option<&'a std::ffi::OsStr>,
    ) -> Self {
        Change {
            key: KeyArg::Borrowed(key),
            slot,
            value: NewValue::Borrowed(value),
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
    mode: Mode,
}

/// Patches one key; see [`patch`]. The common case, kept free of allocations in the core.
#[track_caller]
pub(crate) fn patch_one(change: Change<'_>) -> Guard {
    let site = Location::caller();
    let owner = current_owner();
    let mut state = lock();
    let at = state.slot_of(change.key.view(), change.slot);
    state = wait_for_keys(state, owner, &[at], Mode::Exclusive, site);
    let id = state.next_guard();
    let result = push_layer(&mut state, at, change.value, owner, id, site);
    finish(
        state,
        owner,
        Guard {
            id,
            keys: Keys::One(at),
            mode: Mode::Exclusive,
        },
        result,
    )
}

/// Holds `key` shared: beside other shared holders, never beside an exclusive holder of
/// another owner. An owner that holds the key exclusively may also take it shared.
///
/// Panics like [`patch`] when the wait would never end or outlasts the lock timeout.
#[track_caller]
pub(crate) fn patch_shared(key: KeyView<'_>) -> Guard {
    let site = Location::caller();
    let owner = current_owner();
    let mut state = lock();
    let at = state.slot_of(key, &NoState);
    state = wait_for_keys(state, owner, &[at], Mode::Shared, site);
    let id = state.next_guard();
    state.keys[at].sharers.push(Share {
        guard: id,
        owner,
        holder: current_holder(),
        site,
    });
    finish(
        state,
        owner,
        Guard {
            id,
            keys: Keys::One(at),
            mode: Mode::Shared,
        },
        Ok(()),
    )
}

/// Whether any owner holds `key`, shared or exclusive (for a parent key: or any of its
/// children).
pub(crate) fn is_held(key: KeyView<'_>) -> bool {
    let state = lock();
    state.find(key).is_some_and(|at| {
        let k = &state.keys[at];
        k.holder.is_some()
            || !k.sharers.is_empty()
            || k.children.iter().any(|&c| state.keys[c].holder.is_some())
    })
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
    state = wait_for_keys(state, owner, &slots, Mode::Exclusive, site);
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
        mode: Mode::Exclusive,
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
    } else if let Some(top) = key_state.layers.last_mut()
        && top.in_slot
    {
        top.value = key_state.slot.read(&key_state.key);
        top.in_slot = false;
    }
    let written = match value {
        NewValue::Borrowed(v) => key_state
            .slot
            .write_os(&key_state.key, v)
            .map(|()| (Value::Unit, true)),
        NewValue::Fixed(value) => Ok((value, false)),
        NewValue::Computed(f) => f(key_state.visible()).map(|v| (v, false)),
    }
    .and_then(|(value, in_slot)| {
        if !in_slot {
            key_state.slot.write(&key_state.key, &value)?;
        }
        Ok((value, in_slot))
    });
    match written {
        Ok((value, in_slot)) => {
            if first {
                key_state.holder = Some((owner, current_holder()));
            }
            key_state.layers.push(Layer {
                guard: id,
                value,
                site,
                in_slot,
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
/// (`clock::sleep` on a frozen clock). Returns `false`, changing nothing, when `key` has no live
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
        let state = &mut *state;
        let mut freed = false;
        for &at in self.keys.as_slice() {
            freed |= match self.mode {
                Mode::Exclusive => remove_layer(&mut state.keys[at], self.id, &mut state.problems),
                Mode::Shared => {
                    let sharers = &mut state.keys[at].sharers;
                    let before = sharers.len();
                    sharers.retain(|s| s.guard != self.id);
                    sharers.len() != before
                }
            };
        }
        if freed && state.waiters > 0 {
            core().changed.notify_all();
        }
    }
}

/// Takes guard `id`'s layer off a key and writes what becomes visible. Returns whether the key
/// became free. Never panics, because a `Drop` that panics during an unwind would abort the
/// whole test binary: a failed write is recorded against the holder, whose test then fails.
fn remove_layer(key_state: &mut KeyState, id: u64, problems: &mut Vec<(Owner, String)>) -> bool {
    // Absent when the layer was already restored at the end of its test.
    let Some(pos) = key_state.layers.iter().position(|l| l.guard == id) else {
        return false;
    };
    let was_top = pos + 1 == key_state.layers.len();
    let removed = key_state.layers.remove(pos);
    if was_top && let Err(err) = key_state.slot.write(&key_state.key, key_state.visible()) {
        let owner = key_state
            .holder
            .as_ref()
            .map_or(Owner::Session, |(o, _)| *o);
        problems.push((
            owner,
            leak::failed_restore(key_state, Some(removed.site), &err),
        ));
    }
    if key_state.layers.is_empty() {
        key_state.holder = None;
        key_state.original = Value::Unit;
        return true;
    }
    false
}
