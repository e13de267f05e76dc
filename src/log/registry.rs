//! Who owns a record, and where it goes: the live captures by owner, and the bucket of records
//! that no capture owns.
//!
//! A record belongs to the test whose [`TestContext`] is entered on the thread that emits it,
//! or that the thread carries through [`super::follow`]; failing that (tracing only) to the
//! owner of the span it is emitted in; failing that to the test that
//! [`TestContext::attributed`] infers for the thread (the test's own thread and runtime, or
//! the one test of the process); failing that to the thread itself, which is the test in a
//! plain `#[test]` that started a capture without a context.

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError, RwLock};
use std::thread::ThreadId;

use super::record::{Level, Record};
use crate::context::TestContext;

/// The owner of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Attr {
    Test(u64),
    Thread(ThreadId),
}

thread_local! {
    /// An owner carried to this thread by `follow`/`follow_fn` when there was no context.
    static CARRIED: Cell<Option<Attr>> = const { Cell::new(None) };
}

/// The owner this thread states explicitly: its entered test context, or a carried owner.
pub(crate) fn explicit() -> Option<Attr> {
    if let Some(ctx) = TestContext::current() {
        return Some(Attr::Test(ctx.id()));
    }
    CARRIED.try_with(Cell::get).ok().flatten()
}

/// The test that [`TestContext::attributed`]'s rule infers for a thread without a context.
pub(crate) fn inferred() -> Option<Attr> {
    TestContext::inferred().map(|(ctx, _)| Attr::Test(ctx.id()))
}

/// The owner of what this thread does now; the thread itself when nothing else is stated.
pub(crate) fn here() -> Attr {
    explicit().or_else(inferred).unwrap_or_else(this_thread)
}

pub(crate) fn this_thread() -> Attr {
    Attr::Thread(std::thread::current().id())
}

/// Makes `attr` this thread's carried owner until the returned value is passed to [`uncarry`].
pub(crate) fn carry(attr: Attr) -> Option<Attr> {
    CARRIED.with(|c| c.replace(Some(attr)))
}

pub(crate) fn uncarry(previous: Option<Attr>) {
    let _ = CARRIED.try_with(|c| c.set(previous));
}

/// Where one capture's records go.
pub(crate) struct Sink {
    records: Mutex<Vec<Record>>,
    /// The most verbose level kept, as `Level as u8`.
    threshold: AtomicU8,
    /// Sequence number of the first record emitted after the capture started.
    pub(crate) since: u64,
}

impl Sink {
    pub(crate) fn records(&self) -> Vec<Record> {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn clear(&self) {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    pub(crate) fn threshold(&self) -> Level {
        Level::from_u8(self.threshold.load(Ordering::Relaxed))
    }

    pub(crate) fn set_threshold(&self, level: Level) -> Level {
        Level::from_u8(self.threshold.swap(level as u8, Ordering::Relaxed))
    }

    fn wants(&self, level: Level) -> bool {
        level as u8 <= self.threshold.load(Ordering::Relaxed)
    }
}

/// Records emitted since the process started; orders the unattributed bucket.
static SEQ: AtomicU64 = AtomicU64::new(0);
/// Live captures. While there are none, logging costs one atomic load.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
static SINKS: LazyLock<RwLock<HashMap<Attr, Vec<Arc<Sink>>>>> = LazyLock::new(Default::default);

/// How many unattributed records are kept; older ones are counted, not kept.
const UNATTRIBUTED_KEPT: usize = 1000;

#[derive(Default)]
struct Unattributed {
    records: VecDeque<(u64, Record)>,
    last_evicted: Option<u64>,
}

static UNATTRIBUTED: LazyLock<Mutex<Unattributed>> = LazyLock::new(Default::default);

pub(crate) fn active() -> bool {
    ACTIVE.load(Ordering::Relaxed) > 0
}

pub(crate) fn register(attr: Attr) -> Arc<Sink> {
    let sink = Arc::new(Sink {
        records: Mutex::new(Vec::new()),
        threshold: AtomicU8::new(Level::Trace as u8),
        since: SEQ.load(Ordering::SeqCst),
    });
    let mut sinks = SINKS.write().unwrap_or_else(PoisonError::into_inner);
    sinks.entry(attr).or_default().push(sink.clone());
    ACTIVE.fetch_add(1, Ordering::SeqCst);
    sink
}

pub(crate) fn unregister(attr: Attr, sink: &Arc<Sink>) {
    let mut sinks = SINKS.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(list) = sinks.get_mut(&attr) {
        let before = list.len();
        list.retain(|s| !Arc::ptr_eq(s, sink));
        if list.len() < before {
            ACTIVE.fetch_sub(1, Ordering::SeqCst);
        }
        if list.is_empty() {
            sinks.remove(&attr);
        }
    }
}

/// Hands a record owned by `attr` to its captures. `build` runs only when someone keeps the
/// record, so formatting costs nothing for tests that do not capture.
///
/// A record of a test that has no capture is not kept: that test did not ask. A record whose
/// owner is a bare thread with no capture goes to the unattributed bucket: it may come from a
/// thread or task a capturing test spawned without carrying its context along. In a process
/// that runs one test only ([`crate::context::single_test_process`]) it goes to every live
/// capture instead: they all belong to that test (a plain `#[test]` has no context that the
/// rule could name).
pub(crate) fn deliver(attr: Attr, level: Level, build: impl FnOnce() -> Record) {
    if !active() {
        return;
    }
    let seq = SEQ.fetch_add(1, Ordering::SeqCst);
    // Chosen under the lock, built after it: formatting runs the application's `Display`
    // impls, which may log themselves.
    let targets: Option<Vec<Arc<Sink>>> = {
        let sinks = SINKS.read().unwrap_or_else(PoisonError::into_inner);
        match sinks.get(&attr) {
            Some(list) => Some(list.iter().filter(|s| s.wants(level)).cloned().collect()),
            None if matches!(attr, Attr::Thread(_)) && crate::context::single_test_process() => {
                Some(
                    sinks
                        .values()
                        .flatten()
                        .filter(|s| s.wants(level))
                        .cloned()
                        .collect(),
                )
            }
            None if matches!(attr, Attr::Thread(_)) => None,
            None => return,
        }
    };
    if targets.as_ref().is_some_and(Vec::is_empty) {
        return; // its captures keep only more severe records
    }
    let record = build();
    let Some(targets) = targets else {
        let mut bucket = UNATTRIBUTED.lock().unwrap_or_else(PoisonError::into_inner);
        if bucket.records.len() == UNATTRIBUTED_KEPT {
            bucket.last_evicted = bucket.records.pop_front().map(|(seq, _)| seq);
        }
        bucket.records.push_back((seq, record));
        return;
    };
    let mut record = Some(record);
    let last = targets.len() - 1;
    for (i, sink) in targets.iter().enumerate() {
        let record = if i == last {
            record.take().expect("moved once, into the last sink")
        } else {
            record.clone().expect("still here before the last sink")
        };
        sink.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(record);
    }
}

/// Unattributed records emitted at or after sequence number `since`, and whether older ones
/// of those were no longer kept.
pub(crate) fn unattributed_since(since: u64) -> (Vec<Record>, bool) {
    let bucket = UNATTRIBUTED.lock().unwrap_or_else(PoisonError::into_inner);
    let kept = bucket
        .records
        .iter()
        .filter(|(seq, _)| *seq >= since)
        .map(|(_, r)| r.clone())
        .collect();
    (kept, bucket.last_evicted.is_some_and(|seq| seq >= since))
}
