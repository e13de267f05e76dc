//! The process-wide fake clock: one flag on the fast path, the fake state behind a lock.
//!
//! Who sees it follows the rule of patched functions: a read made inside *another* testrig
//! test's context gets the real clocks, so tests that run side by side never see each other's
//! fake time; the freezing test, and threads or tasks without a context (the workers its code
//! starts), see the fake.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant as StdInstant, SystemTime as StdSystemTime};

use crate::core::{Key, Slot, Value};

/// A fake clock: both clocks read `system` / `instant` as of `running_since` (a real instant),
/// plus the real time elapsed since then when the clock runs, or exactly them when frozen.
/// Both clocks always move together, so `Instant` and `SystemTime` stay consistent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fake {
    pub(crate) system: StdSystemTime,
    pub(crate) instant: StdInstant,
    pub(crate) running_since: Option<StdInstant>,
    /// The testrig test that took the clock (`None` outside any test context).
    pub(crate) owner: Option<u64>,
}

impl Fake {
    pub(crate) fn now(&self) -> (StdSystemTime, StdInstant) {
        let ran = self
            .running_since
            .map_or(Duration::ZERO, |since| since.elapsed());
        (self.system + ran, self.instant + ran)
    }

    pub(crate) fn frozen(&self) -> bool {
        self.running_since.is_none()
    }

    /// The same clock `d` later.
    pub(crate) fn advanced(&self, d: Duration) -> Fake {
        Fake {
            system: self.system + d,
            instant: self.instant + d,
            running_since: self.running_since,
            owner: self.owner,
        }
    }

    /// The same clock showing `t`. Instants never go back: moving to an earlier `t` leaves
    /// them where they are, as a monotonic clock would after a wall-clock correction.
    pub(crate) fn set_to(&self, t: StdSystemTime) -> Fake {
        let (system, instant) = self.now();
        let forward = t.duration_since(system).unwrap_or(Duration::ZERO);
        Fake {
            system: t,
            instant: instant + forward,
            running_since: self.running_since.map(|_| StdInstant::now()),
            owner: self.owner,
        }
    }
}

/// `true` while a clock guard is live: the one load an unpatched clock read pays.
static FAKE: AtomicBool = AtomicBool::new(false);
static STATE: RwLock<Option<Fake>> = RwLock::new(None);

/// The fake time, or `None` when the real clocks are visible.
#[inline]
pub(crate) fn fake_now() -> Option<(StdSystemTime, StdInstant)> {
    if !FAKE.load(Ordering::Acquire) {
        return None;
    }
    fake_now_slow()
}

#[cold]
#[inline(never)]
fn fake_now_slow() -> Option<(StdSystemTime, StdInstant)> {
    let fake = (*STATE.read().unwrap_or_else(PoisonError::into_inner))?;
    match (crate::context::current_test_id(), fake.owner) {
        // A read inside a test context sees only that test's own fake clock.
        (Some(reader), owner) if owner != Some(reader) => None,
        (None, Some(owner)) => {
            crate::context::used_contextless(crate::context::Used::Clock, owner);
            Some(fake.now())
        }
        _ => Some(fake.now()),
    }
}

pub(crate) fn visible() -> Option<Fake> {
    *STATE.read().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn to_value(fake: Fake) -> Value {
    Value::Any(Arc::new(fake))
}

pub(crate) fn from_value(value: &Value) -> Option<Fake> {
    match value {
        Value::Any(any) => any.downcast_ref::<Fake>().copied(),
        _ => None,
    }
}

/// How the guard core reads and writes the clock.
pub(crate) struct ClockSlot;

impl Slot for ClockSlot {
    fn read(&self, _key: &Key) -> Value {
        visible().map_or(Value::Unit, to_value)
    }

    fn write(&self, _key: &Key, value: &Value) -> std::io::Result<()> {
        let mut state = STATE.write().unwrap_or_else(PoisonError::into_inner);
        *state = from_value(value);
        FAKE.store(state.is_some(), Ordering::Release);
        Ok(())
    }
}
