//! Waiting for keys held by another owner: the lock timeout and wait-cycle detection.

use std::panic::Location;
use std::sync::{MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use super::{State, core};
use crate::context::Owner;

#[track_caller]
pub(super) fn wait_for_keys(
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
            let hint = held
                .holder
                .as_ref()
                .map(|(_, h)| crate::context::own_test_hint(owner, h))
                .unwrap_or_default();
            let message = format!(
                "testrig: waited {:?} to patch {key} at {site}, but test `{}` still holds it \
                 (guard created at {}). Drop that guard sooner, or raise TESTRIG_LOCK_TIMEOUT \
                 (seconds) if the wait is legitimate.{hint}",
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
