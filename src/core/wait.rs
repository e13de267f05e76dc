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
    // When this owner started waiting, and for how long it may.
    let mut waiting: Option<(Instant, Duration)> = None;
    loop {
        let Some(&at) = slots
            .iter()
            .find(|&&at| state.keys[at].held_by_other(owner))
        else {
            if waiting.is_some() {
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
        let (since, limit) = match waiting {
            Some(waiting) => waiting,
            None => match try_lock_timeout() {
                Ok(limit) => *waiting.insert((now, limit)),
                Err(message) => {
                    drop(state);
                    panic!("{message}");
                }
            },
        };
        let waited = now.duration_since(since);
        if waited >= limit {
            let held = &state.keys[at];
            let hint = held
                .holder
                .as_ref()
                .map(|(_, h)| crate::context::own_test_hint(owner, h))
                .unwrap_or_default();
            let message = format!(
                "testrig: waited {limit:?} to patch {key} at {site}, but test `{}` still holds \
                 it (guard created at {}). Drop that guard sooner, or raise \
                 TESTRIG_LOCK_TIMEOUT (`2m`, `0` for no limit) if the wait is legitimate.{hint}",
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
            .wait_timeout(state, limit - waited)
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

/// How long a patch waits for a key another owner holds: `TESTRIG_LOCK_TIMEOUT`, read once,
/// in `timeout::parse_duration`'s grammar; 60 s when unset, [`Duration::MAX`] for `0` / `off`
/// (no limit: wait cycles are still reported at once).
///
/// Panics, naming the variable, when it is set to something that is not a limit.
#[track_caller]
pub(crate) fn lock_timeout() -> Duration {
    try_lock_timeout().unwrap_or_else(|message| panic!("{message}"))
}

fn try_lock_timeout() -> Result<Duration, String> {
    use crate::timeout::{EnvLimit, env_limit};
    static TIMEOUT: OnceLock<Result<Duration, String>> = OnceLock::new();
    TIMEOUT
        .get_or_init(|| match env_limit("TESTRIG_LOCK_TIMEOUT")? {
            EnvLimit::Unset => Ok(Duration::from_secs(60)),
            EnvLimit::Off => Ok(Duration::MAX),
            EnvLimit::After(limit) => Ok(limit),
        })
        .clone()
}
